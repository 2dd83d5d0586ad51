// SPDX-License-Identifier: GPL-2.0
/*
 * wdfio_bench: measures what the WDF I/O-target path costs over direct bio
 * submission, side by side in one kernel.
 *
 * Each WDFIO_BENCH_IOC_RUN on /dev/wdfio_bench runs one side of one pair
 * (selftests/uapi/wdfio_bench.h) for a fixed time and returns the I/Os
 * done and the nanoseconds taken; userspace (selftests/user/wdfio_bench.c)
 * interleaves the sides and reports medians.
 *
 * Both sides have the same shape so that only the I/O path differs: a
 * kernel thread per CPU keeps qd/threads slots busy; each slot owns a
 * physically contiguous buffer (and, on the wdfio side, a WDFMEMORY over it
 * and for the reuse kinds one WDFREQUEST); a completion (bi_end_io or the
 * WDF completion routine, any context) counts in its slot, puts the slot on
 * the thread's lock-free free list and wakes the thread if it sleeps. With
 * irqmode=0 null_blk completes inside submit_bio(), so the thread never
 * sleeps; with irqmode=1 it sleeps when all its slots are in flight.
 *
 * Random 4 KiB-aligned offsets come from a per-thread xorshift (no shared
 * state, same cost on both sides).
 *
 * The wdfio side is written the way a ported KMDF driver is; the direct side
 * the way a Linux driver is (a private bio_set, bio_alloc_bioset per I/O).
 *
 * USB (module parameter usb=1, set by "make bench" only: in "make check" the
 * test driver owns the gadget): the module binds interface 1 (SourceSink) of
 * the guest's test gadget, and a run reads its bulk IN endpoint, an endless
 * source, with the same slot machinery: direct, one urb per slot allocated
 * once (usb_fill_bulk_urb + usb_submit_urb per transfer, as a Linux driver
 * keeps its urbs); wdfio, one request per slot (WdfRequestReuse +
 * WdfUsbTargetPipeFormatRequestForRead + WdfRequestSend).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/fs.h>
#include <linux/kthread.h>
#include <linux/llist.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/sizes.h>
#include <linux/refcount.h>
#include <linux/slab.h>
#include <linux/timer.h>
#include <linux/uaccess.h>
#include <linux/usb.h>
#include <linux/vmstat.h>
#include <linux/wait.h>
#include <trace/events/kmem.h>

#include <ntddk.h>
#include <wdf.h>
#include <wdflinux.h>
#include <wdfusb.h>

#include "../compat.h"
#include "wdfio_bench.h"

#define WB_MAX_THREADS	4
#define WB_MAX_QD	256
#define WB_MAX_BS	SZ_1M
#define WB_TIMEOUT_S	10
/* Check the clock every this many submissions. */
#define WB_CLOCK_EVERY	8

struct wb_thread;

/**
 * struct wb_slot - one I/O in flight at most
 * @th: the thread it belongs to
 * @node: on @th's free list while idle
 * @buf: the data buffer (bs bytes, physically contiguous)
 * @order: page order of @buf
 * @mem: WDFMEMORY over @buf (wdfio kinds)
 * @req: the slot's request (reuse and sync wdfio kinds)
 * @timer: direct timed kind: the per-I/O timeout
 * @urb: direct USB kind: the slot's urb
 * @done: I/Os completed through this slot (one at a time: no atomics)
 * @errors: I/Os failed
 * @status: the first failure's NTSTATUS or negative errno
 */
struct wb_slot {
	struct wb_thread *th;
	struct llist_node node;
	void *buf;
	unsigned int order;
	WDFMEMORY mem;
	WDFREQUEST req;
	struct timer_list timer;
	struct urb *urb;
	u64 done;
	u64 errors;
	long status;
};

struct wb_ctx;

struct wb_thread {
	struct wb_ctx *ctx;
	struct task_struct *task;
	unsigned int cpu;
	unsigned int nr_slots;
	struct wb_slot *slots;
	struct llist_head free;
	wait_queue_head_t wq;
	u32 rnd;
	u64 submitted;
	u64 ns;
	bool breakdown;
	u64 phase_ns[WDFIO_BENCH_PHASES];
	struct completion finished;
};

struct wb_ctx {
	struct wdfio_bench_run *run;
	struct block_device *bdev;
	struct wdfio_bdev_handle bdev_h;
	WDFIOTARGET target;
	bool usb;		/* a USB kind: wb_usb, no block device */
	u64 nr_blocks;		/* of bs bytes */
	bool timed;
	unsigned int nr_threads;
	struct wb_thread th[WB_MAX_THREADS];
};

static struct bio_set wb_bs;
static DEFINE_MUTEX(wb_lock);

static bool usb;
module_param(usb, bool, 0444);
MODULE_PARM_DESC(usb, "bind the test gadget's SourceSink interface (make bench; the check suite's test driver owns it otherwise)");

/**
 * struct wb_usb_state - the bound SourceSink interface
 * @lock: protects every field against probe/disconnect; a USB run holds
 *	it from start to end (disconnect waits for the run)
 * @intf: the interface, NULL while unbound
 * @udev: its device
 * @dev: the WDFUSBDEVICE made from @intf in probe()
 * @in: the bulk IN pipe (the source)
 * @in_ep: its endpoint address
 * @maxp: its packet size
 */
struct wb_usb_state {
	struct mutex lock;	/* see the kernel-doc above */
	struct usb_interface *intf;
	struct usb_device *udev;
	WDFUSBDEVICE dev;
	WDFUSBPIPE in;
	u8 in_ep;
	u16 maxp;
};

static struct wb_usb_state wb_usb = {
	.lock = __MUTEX_INITIALIZER(wb_usb.lock),
};

/* ------------------------------------------------------------------ */
/* Allocation counting (kmem tracepoints, PGALLOC vm events)           */

static atomic64_t wb_allocs;
static atomic64_t wb_alloc_bytes;

static void wb_probe_cache_alloc(void *data, unsigned long call_site,
				 const void *ptr, struct kmem_cache *s,
				 gfp_t gfp, int node)
{
	atomic64_inc(&wb_allocs);
	atomic64_add(kmem_cache_size(s), &wb_alloc_bytes);
}

static void wb_probe_kmalloc(void *data, unsigned long call_site,
			     const void *ptr, size_t bytes_req,
			     size_t bytes_alloc, gfp_t gfp, int node)
{
	atomic64_inc(&wb_allocs);
	atomic64_add(bytes_alloc, &wb_alloc_bytes);
}

static u64 wb_pgalloc(unsigned long *ev)
{
	u64 sum = 0;
	int z;

	all_vm_events(ev);
	/* PGALLOC_<zone> items are consecutive, in zone order. */
	for (z = 0; z < MAX_NR_ZONES; z++)
		sum += ev[PGALLOC_NORMAL - ZONE_NORMAL + z];
	return sum;
}

static int wb_count_start(unsigned long **ev, u64 *pages)
{
	int err;

	*ev = kcalloc(NR_VM_EVENT_ITEMS, sizeof(**ev), GFP_KERNEL);
	if (!*ev)
		return -ENOMEM;
	atomic64_set(&wb_allocs, 0);
	atomic64_set(&wb_alloc_bytes, 0);
	err = register_trace_kmem_cache_alloc(wb_probe_cache_alloc, NULL);
	if (err)
		goto out_free;
	err = register_trace_kmalloc(wb_probe_kmalloc, NULL);
	if (err) {
		unregister_trace_kmem_cache_alloc(wb_probe_cache_alloc, NULL);
		goto out_free;
	}
	*pages = wb_pgalloc(*ev);
	return 0;

out_free:
	kfree(*ev);
	*ev = NULL;
	return err;
}

static void wb_count_stop(struct wdfio_bench_run *run, unsigned long *ev,
			  u64 pages)
{
	u64 allocs = atomic64_read(&wb_allocs);
	u64 bytes = atomic64_read(&wb_alloc_bytes);

	run->pages = wb_pgalloc(ev) - pages;
	unregister_trace_kmalloc(wb_probe_kmalloc, NULL);
	unregister_trace_kmem_cache_alloc(wb_probe_cache_alloc, NULL);
	tracepoint_synchronize_unregister();
	run->allocs = allocs;
	run->alloc_bytes = bytes;
	kfree(ev);
}

/* ------------------------------------------------------------------ */
/* Slots                                                               */

static u64 wb_next_offset(struct wb_thread *th)
{
	u32 x = th->rnd;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	th->rnd = x;
	return (u64)(x % th->ctx->nr_blocks) * th->ctx->run->bs;
}

/* A slot's I/O ended: count it and hand the slot back. Any context. */
static void wb_slot_done(struct wb_slot *slot, bool ok, long status)
{
	struct wb_thread *th = slot->th;

	if (ok) {
		slot->done++;
	} else {
		if (!slot->errors)
			slot->status = status;
		slot->errors++;
	}
	llist_add(&slot->node, &th->free);
	if (wq_has_sleeper(&th->wq))
		wake_up(&th->wq);
}

/* Wait for a free slot (the thread is the only consumer of its list). */
static struct wb_slot *wb_get_slot(struct wb_thread *th)
{
	struct llist_node *n;

	for (;;) {
		n = llist_del_first(&th->free);
		if (n)
			return container_of(n, struct wb_slot, node);
		wait_event(th->wq, !llist_empty(&th->free));
	}
}

/* F_BREAKDOWN: close the current step; returns the time for the next. */
static u64 wb_phase(struct wb_thread *th, unsigned int i, u64 since)
{
	u64 now;

	if (!th->breakdown)
		return 0;
	now = ktime_get_ns();
	if (since)
		th->phase_ns[i] += now - since;
	return now;
}

/* ------------------------------------------------------------------ */
/* Direct bio                                                          */

static void wb_direct_timeout(struct timer_list *timer)
{
	pr_warn("direct I/O timed out (not expected in a benchmark)\n");
}

static struct bio *wb_direct_bio(struct wb_thread *th, struct wb_slot *slot)
{
	unsigned int bs = th->ctx->run->bs, off;
	struct page *page = virt_to_page(slot->buf);
	struct bio *bio;

	bio = bio_alloc_bioset(th->ctx->bdev, bio_max_segs(bs >> PAGE_SHIFT),
			       REQ_OP_READ, GFP_NOIO, &wb_bs);
	bio->bi_iter.bi_sector = wb_next_offset(th) >> SECTOR_SHIFT;
	/* The buffer is physically contiguous (one high-order allocation) */
	for (off = 0; off < bs; off += PAGE_SIZE)
		__bio_add_page(bio, page + (off >> PAGE_SHIFT), PAGE_SIZE, 0);
	return bio;
}

static void wb_direct_end(struct bio *bio)
{
	struct wb_slot *slot = bio->bi_private;
	blk_status_t sts = bio->bi_status;

	if (slot->th->ctx->timed)
		timer_delete(&slot->timer);
	bio_put(bio);
	wb_slot_done(slot, !sts, -blk_status_to_errno(sts));
}

static void wb_direct_async(struct wb_thread *th, struct wb_slot *slot)
{
	u64 t = wb_phase(th, 0, 0);
	struct bio *bio = wb_direct_bio(th, slot);

	t = wb_phase(th, 0, t);
	bio->bi_private = slot;
	bio->bi_end_io = wb_direct_end;
	if (th->ctx->timed)
		mod_timer(&slot->timer, jiffies + WB_TIMEOUT_S * HZ);
	submit_bio(bio);
	wb_phase(th, 1, t);
}

static void wb_direct_sync_end(struct bio *bio)
{
	complete(bio->bi_private);
}

static void wb_direct_sync(struct wb_thread *th, struct wb_slot *slot)
{
	struct bio *bio = wb_direct_bio(th, slot);
	int err;

	if (th->ctx->timed) {
		DECLARE_COMPLETION_ONSTACK(done);

		bio->bi_private = &done;
		bio->bi_end_io = wb_direct_sync_end;
		submit_bio(bio);
		if (!wait_for_completion_io_timeout(&done,
						    WB_TIMEOUT_S * HZ)) {
			/*
			 * Cannot happen on null_blk; leak the bio rather than
			 * free it under the device.
			 */
			wb_slot_done(slot, false, -ETIMEDOUT);
			return;
		}
		err = blk_status_to_errno(bio->bi_status);
	} else {
		err = submit_bio_wait(bio);
	}
	bio_put(bio);
	wb_slot_done(slot, !err, err);
}

/* ------------------------------------------------------------------ */
/* wdfio                                                               */

static EVT_WDF_REQUEST_COMPLETION_ROUTINE wb_wdf_done;

/* The send options of a run: a (never firing) timeout, or none. */
static PWDF_REQUEST_SEND_OPTIONS wb_options(struct wb_thread *th,
					    PWDF_REQUEST_SEND_OPTIONS options)
{
	if (!th->ctx->timed)
		return WDF_NO_SEND_OPTIONS;
	WDF_REQUEST_SEND_OPTIONS_INIT(options, WDF_REQUEST_SEND_OPTION_TIMEOUT);
	WDF_REQUEST_SEND_OPTIONS_SET_TIMEOUT(options,
					     WDF_REL_TIMEOUT_IN_SEC(WB_TIMEOUT_S));
	return options;
}

static VOID wb_wdf_done(WDFREQUEST Request, WDFIOTARGET Target,
			PWDF_REQUEST_COMPLETION_PARAMS Params,
			WDFCONTEXT Context)
{
	struct wb_slot *slot = Context;
	NTSTATUS status = Params->IoStatus.Status;

	UNREFERENCED_PARAMETER(Target);
	if (!slot->req)
		WdfObjectDelete(Request);
	wb_slot_done(slot, NT_SUCCESS(status), status);
}

static void wb_wdf_async(struct wb_thread *th, struct wb_slot *slot,
			 bool reuse)
{
	WDFIOTARGET target = th->ctx->target;
	LONGLONG offset = wb_next_offset(th);
	WDF_REQUEST_SEND_OPTIONS options;
	WDF_REQUEST_REUSE_PARAMS rp;
	u64 t = wb_phase(th, 0, 0);
	WDFREQUEST req;
	NTSTATUS status;
	BOOLEAN sent;

	if (reuse) {
		req = slot->req;
		WDF_REQUEST_REUSE_PARAMS_INIT(&rp, WDF_REQUEST_REUSE_NO_FLAGS,
					      STATUS_SUCCESS);
		status = WdfRequestReuse(req, &rp);
		if (!NT_SUCCESS(status))
			goto out_fail;
	} else {
		status = WdfRequestCreate(WDF_NO_OBJECT_ATTRIBUTES, target,
					  &req);
		if (!NT_SUCCESS(status))
			goto out_fail;
	}
	t = wb_phase(th, 0, t);
	status = WdfIoTargetFormatRequestForRead(target, req, slot->mem, NULL,
						 &offset);
	if (!NT_SUCCESS(status))
		goto out_delete;
	t = wb_phase(th, 1, t);
	WdfRequestSetCompletionRoutine(req, wb_wdf_done, slot);
	t = wb_phase(th, 2, t);
	sent = WdfRequestSend(req, target, wb_options(th, &options));
	wb_phase(th, 3, t);
	if (sent)
		return;
	status = WdfRequestGetStatus(req);
out_delete:
	if (!reuse)
		WdfObjectDelete(req);
out_fail:
	wb_slot_done(slot, false, status);
}

static void wb_wdf_sync(struct wb_thread *th, struct wb_slot *slot)
{
	LONGLONG offset = wb_next_offset(th);
	WDF_REQUEST_SEND_OPTIONS options;
	WDF_REQUEST_REUSE_PARAMS rp;
	WDF_MEMORY_DESCRIPTOR desc;
	ULONG_PTR bytes = 0;
	NTSTATUS status;

	WDF_REQUEST_REUSE_PARAMS_INIT(&rp, WDF_REQUEST_REUSE_NO_FLAGS,
				      STATUS_SUCCESS);
	status = WdfRequestReuse(slot->req, &rp);
	if (NT_SUCCESS(status)) {
		WDF_MEMORY_DESCRIPTOR_INIT_HANDLE(&desc, slot->mem, NULL);
		status = WdfIoTargetSendReadSynchronously(th->ctx->target,
							  slot->req, &desc,
							  &offset,
							  wb_options(th, &options),
							  &bytes);
	}
	wb_slot_done(slot, NT_SUCCESS(status) &&
		     bytes == th->ctx->run->bs, status);
}

/* ------------------------------------------------------------------ */
/* USB: bulk IN of the gadget's SourceSink function                    */

static void wb_usb_direct_end(struct urb *urb)
{
	struct wb_slot *slot = urb->context;
	int err = urb->status;

	if (!err && urb->actual_length != slot->th->ctx->run->bs)
		err = -EREMOTEIO;
	wb_slot_done(slot, !err, err);
}

static void wb_usb_direct(struct wb_thread *th, struct wb_slot *slot)
{
	struct usb_device *udev = wb_usb.udev;
	int err;

	usb_fill_bulk_urb(slot->urb, udev, usb_rcvbulkpipe(udev, wb_usb.in_ep),
			  slot->buf, th->ctx->run->bs, wb_usb_direct_end, slot);
	err = usb_submit_urb(slot->urb, GFP_NOIO);
	if (err)
		wb_slot_done(slot, false, err);
}

static EVT_WDF_REQUEST_COMPLETION_ROUTINE wb_usb_wdf_done;

static VOID wb_usb_wdf_done(WDFREQUEST Request, WDFIOTARGET Target,
			    PWDF_REQUEST_COMPLETION_PARAMS Params,
			    WDFCONTEXT Context)
{
	struct wb_slot *slot = Context;
	NTSTATUS status = Params->IoStatus.Status;

	UNREFERENCED_PARAMETER(Request);
	UNREFERENCED_PARAMETER(Target);
	if (NT_SUCCESS(status) &&
	    Params->IoStatus.Information != slot->th->ctx->run->bs)
		status = STATUS_UNSUCCESSFUL;
	wb_slot_done(slot, NT_SUCCESS(status), status);
}

static void wb_usb_wdf(struct wb_thread *th, struct wb_slot *slot)
{
	WDF_REQUEST_REUSE_PARAMS rp;
	NTSTATUS status;

	WDF_REQUEST_REUSE_PARAMS_INIT(&rp, WDF_REQUEST_REUSE_NO_FLAGS,
				      STATUS_SUCCESS);
	status = WdfRequestReuse(slot->req, &rp);
	if (!NT_SUCCESS(status))
		goto out_fail;
	status = WdfUsbTargetPipeFormatRequestForRead(wb_usb.in, slot->req,
						      slot->mem, NULL);
	if (!NT_SUCCESS(status))
		goto out_fail;
	WdfRequestSetCompletionRoutine(slot->req, wb_usb_wdf_done, slot);
	if (WdfRequestSend(slot->req, WdfUsbTargetPipeGetIoTarget(wb_usb.in),
			   WDF_NO_SEND_OPTIONS))
		return;
	status = WdfRequestGetStatus(slot->req);
out_fail:
	wb_slot_done(slot, false, status);
}

/* ------------------------------------------------------------------ */
/* The run                                                             */

static void wb_submit(struct wb_thread *th, struct wb_slot *slot)
{
	switch (th->ctx->run->kind) {
	case WDFIO_BENCH_DIRECT_ASYNC:
		wb_direct_async(th, slot);
		break;
	case WDFIO_BENCH_WDF_ASYNC_NEW:
		wb_wdf_async(th, slot, false);
		break;
	case WDFIO_BENCH_WDF_ASYNC_REUSE:
		wb_wdf_async(th, slot, true);
		break;
	case WDFIO_BENCH_DIRECT_SYNC:
		wb_direct_sync(th, slot);
		break;
	case WDFIO_BENCH_WDF_SYNC:
		wb_wdf_sync(th, slot);
		break;
	case WDFIO_BENCH_USB_DIRECT:
		wb_usb_direct(th, slot);
		break;
	case WDFIO_BENCH_USB_WDF:
		wb_usb_wdf(th, slot);
		break;
	}
}

static int wb_thread_fn(void *data)
{
	struct wb_thread *th = data;
	struct wdfio_bench_run *run = th->ctx->run;
	u64 max = run->max_ios;
	ktime_t start, deadline;
	unsigned int n = 0;

	start = ktime_get();
	deadline = ktime_add_ms(start, run->duration_ms);
	for (;;) {
		struct wb_slot *slot;

		if (max && th->submitted >= max)
			break;
		if (++n == WB_CLOCK_EVERY) {
			n = 0;
			if (ktime_after(ktime_get(), deadline))
				break;
		}
		slot = wb_get_slot(th);
		th->submitted++;
		wb_submit(th, slot);
	}
	/* Every slot back on the free list: nothing in flight. */
	wait_event(th->wq, ({
		struct llist_node *pos;
		unsigned int nr = 0;

		llist_for_each(pos, READ_ONCE(th->free.first))
			nr++;
		nr == th->nr_slots;
	}));
	th->ns = ktime_to_ns(ktime_sub(ktime_get(), start));
	complete(&th->finished);
	while (!kthread_should_stop())
		schedule_timeout_interruptible(HZ);
	return 0;
}

static bool wb_is_wdf(u32 kind)
{
	return kind == WDFIO_BENCH_WDF_ASYNC_NEW ||
	       kind == WDFIO_BENCH_WDF_ASYNC_REUSE ||
	       kind == WDFIO_BENCH_WDF_SYNC || kind == WDFIO_BENCH_USB_WDF;
}

static bool wb_is_usb(u32 kind)
{
	return kind == WDFIO_BENCH_USB_DIRECT || kind == WDFIO_BENCH_USB_WDF;
}

static NTSTATUS wb_target_open(struct wb_ctx *ctx)
{
	WDF_IO_TARGET_OPEN_PARAMS params;
	WCHAR wpath[sizeof(ctx->run->dev)];
	UNICODE_STRING name;
	NTSTATUS status;
	size_t i;

	for (i = 0; i + 1 < ARRAY_SIZE(wpath) && ctx->run->dev[i]; i++)
		wpath[i] = (unsigned char)ctx->run->dev[i];
	wpath[i] = 0;
	status = WdfIoTargetCreate(WDF_NO_HANDLE, WDF_NO_OBJECT_ATTRIBUTES,
				   &ctx->target);
	if (!NT_SUCCESS(status))
		return status;
	RtlInitUnicodeString(&name, wpath);
	WDF_IO_TARGET_OPEN_PARAMS_INIT_OPEN_BY_NAME(&params, &name,
						    GENERIC_READ);
	params.ShareAccess = FILE_SHARE_READ | FILE_SHARE_WRITE;
	status = WdfIoTargetOpen(ctx->target, &params);
	if (!NT_SUCCESS(status)) {
		WdfObjectDelete(ctx->target);
		ctx->target = NULL;
	}
	return status;
}

static int wb_slots_init(struct wb_ctx *ctx, struct wb_thread *th)
{
	struct wdfio_bench_run *run = ctx->run;
	bool wdf = wb_is_wdf(run->kind);
	unsigned int i;
	NTSTATUS status;

	th->slots = kcalloc(th->nr_slots, sizeof(*th->slots), GFP_KERNEL);
	if (!th->slots)
		return -ENOMEM;
	init_llist_head(&th->free);
	for (i = 0; i < th->nr_slots; i++) {
		struct wb_slot *slot = &th->slots[i];
		struct page *page;

		slot->th = th;
		slot->order = get_order(run->bs);
		page = alloc_pages(GFP_KERNEL, slot->order);
		if (!page)
			return -ENOMEM;
		slot->buf = page_address(page);
		timer_setup(&slot->timer, wb_direct_timeout, 0);
		if (wdf) {
			status = WdfMemoryCreatePreallocated(WDF_NO_OBJECT_ATTRIBUTES,
							     slot->buf, run->bs,
							     &slot->mem);
			if (!NT_SUCCESS(status))
				return -ENOMEM;
		}
		if (run->kind == WDFIO_BENCH_USB_DIRECT) {
			slot->urb = usb_alloc_urb(0, GFP_KERNEL);
			if (!slot->urb)
				return -ENOMEM;
		}
		if (run->kind == WDFIO_BENCH_WDF_ASYNC_REUSE ||
		    run->kind == WDFIO_BENCH_WDF_SYNC ||
		    run->kind == WDFIO_BENCH_USB_WDF) {
			status = WdfRequestCreate(WDF_NO_OBJECT_ATTRIBUTES,
						  ctx->usb ?
						  WdfUsbTargetPipeGetIoTarget(wb_usb.in) :
						  ctx->target, &slot->req);
			if (!NT_SUCCESS(status))
				return -ENOMEM;
		}
		llist_add(&slot->node, &th->free);
	}
	return 0;
}

static void wb_slots_exit(struct wb_thread *th)
{
	unsigned int i;

	if (!th->slots)
		return;
	for (i = 0; i < th->nr_slots; i++) {
		struct wb_slot *slot = &th->slots[i];

		if (slot->req)
			WdfObjectDelete(slot->req);
		if (slot->mem)
			WdfObjectDelete(slot->mem);
		usb_free_urb(slot->urb);
		timer_delete_sync(&slot->timer);
		if (slot->buf)
			free_pages((unsigned long)slot->buf, slot->order);
	}
	kfree(th->slots);
	th->slots = NULL;
}

static int wb_check_run(struct wdfio_bench_run *run)
{
	if (run->kind < WDFIO_BENCH_DIRECT_ASYNC ||
	    run->kind >= WDFIO_BENCH_KIND_MAX ||
	    run->kind == WDFIO_BENCH_PRIMITIVES)
		return -EINVAL;
	if (wb_is_usb(run->kind) && (run->flags & ~WDFIO_BENCH_F_COUNT_ALLOCS))
		return -EINVAL;
	if (run->flags & ~(WDFIO_BENCH_F_TIMEOUT | WDFIO_BENCH_F_COUNT_ALLOCS |
			   WDFIO_BENCH_F_BREAKDOWN))
		return -EINVAL;
	if ((run->flags & WDFIO_BENCH_F_BREAKDOWN) && run->threads != 1)
		return -EINVAL;
	if (!run->bs || run->bs % PAGE_SIZE || run->bs > WB_MAX_BS)
		return -EINVAL;
	if (!run->threads || run->threads > WB_MAX_THREADS ||
	    run->threads > num_online_cpus())
		return -EINVAL;
	if (run->kind == WDFIO_BENCH_DIRECT_SYNC ||
	    run->kind == WDFIO_BENCH_WDF_SYNC)
		run->qd = run->threads;
	if (run->qd < run->threads || run->qd > WB_MAX_QD ||
	    run->qd % run->threads)
		return -EINVAL;
	if (!run->duration_ms || run->duration_ms > 60000)
		return -EINVAL;
	return 0;
}

#define WB_PRIM_LOOPS	20000

/* WDFIO_BENCH_PRIMITIVES: ns per operation of the building blocks. */
static int wb_primitives(struct wdfio_bench_run *run)
{
	static DEFINE_SPINLOCK(lock);
	unsigned long flags;
	refcount_t ref;
	void *a, *b;
	u64 t0;
	unsigned int i;

	a = kmalloc(SZ_4K, GFP_KERNEL);
	b = kmalloc(SZ_4K, GFP_KERNEL);
	if (!a || !b) {
		kfree(a);
		kfree(b);
		return -ENOMEM;
	}
	memset(a, 1, SZ_4K);
	refcount_set(&ref, 1);
	t0 = ktime_get_ns();
	for (i = 0; i < WB_PRIM_LOOPS; i++) {
		spin_lock_irqsave(&lock, flags);
		spin_unlock_irqrestore(&lock, flags);
	}
	run->phase_ns[0] = ktime_get_ns() - t0;
	t0 = ktime_get_ns();
	for (i = 0; i < WB_PRIM_LOOPS; i++) {
		refcount_inc(&ref);
		if (refcount_dec_and_test(&ref))
			break;	/* never: the count goes back to 1 */
	}
	run->phase_ns[1] = ktime_get_ns() - t0;
	t0 = ktime_get_ns();
	for (i = 0; i < WB_PRIM_LOOPS; i++) {
		memcpy(b, a, SZ_4K);
		barrier();
	}
	run->phase_ns[2] = ktime_get_ns() - t0;
	t0 = ktime_get_ns();
	for (i = 0; i < WB_PRIM_LOOPS; i++)
		ktime_get_ns();
	run->phase_ns[3] = ktime_get_ns() - t0;
	kfree(a);
	kfree(b);
	run->ios = WB_PRIM_LOOPS;
	run->ns = 1;
	return 0;
}

static int wb_run(struct wdfio_bench_run *run)
{
	bool count = run->flags & WDFIO_BENCH_F_COUNT_ALLOCS;
	unsigned long *ev = NULL;
	struct wb_ctx *ctx;
	u64 pages = 0;
	unsigned int i;
	NTSTATUS status;
	int err;

	if (run->kind == WDFIO_BENCH_PRIMITIVES)
		return wb_primitives(run);
	err = wb_check_run(run);
	if (err) {
		snprintf(run->msg, sizeof(run->msg), "bad parameters");
		return err;
	}
	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;
	ctx->run = run;
	ctx->timed = run->flags & WDFIO_BENCH_F_TIMEOUT;
	ctx->nr_threads = run->threads;
	ctx->usb = wb_is_usb(run->kind);
	if (ctx->usb) {
		/* Held to the end: disconnect() waits for the run. */
		mutex_lock(&wb_usb.lock);
		if (!wb_usb.in) {
			err = -ENODEV;
			snprintf(run->msg, sizeof(run->msg),
				 "no USB interface bound (load with usb=1; needs the test gadget)");
			goto out;
		}
	} else {
		err = wdfio_bdev_open(&ctx->bdev_h, run->dev, false, NULL);
		if (err) {
			snprintf(run->msg, sizeof(run->msg), "open %s: %d",
				 run->dev, err);
			goto out;
		}
		ctx->bdev = ctx->bdev_h.bdev;
		ctx->nr_blocks = bdev_nr_bytes(ctx->bdev) / run->bs;
		if (!ctx->nr_blocks) {
			err = -EINVAL;
			snprintf(run->msg, sizeof(run->msg), "%s is too small",
				 run->dev);
			goto out;
		}
	}
	if (wb_is_wdf(run->kind) && !ctx->usb) {
		status = wb_target_open(ctx);
		if (!NT_SUCCESS(status)) {
			err = -EIO;
			snprintf(run->msg, sizeof(run->msg),
				 "WdfIoTargetOpen(%s): 0x%08x", run->dev,
				 (u32)status);
			goto out;
		}
	}
	for (i = 0; i < ctx->nr_threads; i++) {
		struct wb_thread *th = &ctx->th[i];

		th->ctx = ctx;
		th->cpu = i;
		th->nr_slots = run->qd / run->threads;
		th->breakdown = run->flags & WDFIO_BENCH_F_BREAKDOWN;
		th->rnd = 0x9e3779b9u * (i + 1) ^ (u32)ktime_get_ns();
		if (!th->rnd)
			th->rnd = 1;
		init_waitqueue_head(&th->wq);
		init_completion(&th->finished);
		err = wb_slots_init(ctx, th);
		if (err) {
			snprintf(run->msg, sizeof(run->msg), "slot setup: %d",
				 err);
			goto out;
		}
		th->task = kthread_create_on_cpu(wb_thread_fn, th, i,
						 "wdfio_bench/%u");
		if (IS_ERR(th->task)) {
			err = PTR_ERR(th->task);
			th->task = NULL;
			snprintf(run->msg, sizeof(run->msg), "kthread: %d",
				 err);
			goto out;
		}
	}
	if (count) {
		err = wb_count_start(&ev, &pages);
		if (err) {
			snprintf(run->msg, sizeof(run->msg),
				 "kmem tracepoints: %d", err);
			goto out;
		}
	}
	for (i = 0; i < ctx->nr_threads; i++)
		wake_up_process(ctx->th[i].task);
	for (i = 0; i < ctx->nr_threads; i++)
		wait_for_completion(&ctx->th[i].finished);
	if (count)
		wb_count_stop(run, ev, pages);

	for (i = 0; i < ctx->nr_threads; i++) {
		struct wb_thread *th = &ctx->th[i];
		unsigned int s;

		run->ns = max(run->ns, th->ns);
		memcpy(run->phase_ns, th->phase_ns, sizeof(run->phase_ns));
		for (s = 0; s < th->nr_slots; s++) {
			struct wb_slot *slot = &th->slots[s];

			run->ios += slot->done;
			if (slot->errors && !run->errors)
				snprintf(run->msg, sizeof(run->msg),
					 "I/O failed: %ld (0x%08lx)",
					 slot->status,
					 (unsigned long)slot->status);
			run->errors += slot->errors;
		}
	}
	err = 0;
out:
	for (i = 0; i < ctx->nr_threads; i++) {
		struct wb_thread *th = &ctx->th[i];

		/* A thread never woken (setup failed) stops before its fn. */
		if (th->task)
			kthread_stop(th->task);
	}
	/*
	 * A completion in soft or hard IRQ may still be inside
	 * wb_slot_done() (waking the thread) after the thread saw its last
	 * slot come back: let those finish before the slots go.
	 */
	synchronize_rcu();
	for (i = 0; i < ctx->nr_threads; i++)
		wb_slots_exit(&ctx->th[i]);
	if (ctx->target)
		WdfObjectDelete(ctx->target);
	if (ctx->bdev)
		wdfio_bdev_close(&ctx->bdev_h);
	if (ctx->usb)
		mutex_unlock(&wb_usb.lock);
	kfree(ctx);
	return err;
}

static long wb_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct wdfio_bench_run *run;
	long ret;

	if (cmd != WDFIO_BENCH_IOC_RUN)
		return -ENOTTY;
	run = kzalloc(sizeof(*run), GFP_KERNEL);
	if (!run)
		return -ENOMEM;
	ret = -EFAULT;
	if (copy_from_user(run, (void __user *)arg, sizeof(*run)))
		goto out;
	run->dev[sizeof(run->dev) - 1] = '\0';
	/* The outputs start at zero. */
	run->ios = 0;
	run->errors = 0;
	run->ns = 0;
	run->allocs = 0;
	run->alloc_bytes = 0;
	run->pages = 0;
	memset(run->phase_ns, 0, sizeof(run->phase_ns));
	memset(run->msg, 0, sizeof(run->msg));
	ret = mutex_lock_interruptible(&wb_lock);
	if (ret)
		goto out;
	ret = wb_run(run);
	mutex_unlock(&wb_lock);
	if (copy_to_user((void __user *)arg, run, sizeof(*run)))
		ret = -EFAULT;
out:
	kfree(run);
	return ret;
}

static const struct file_operations wb_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = wb_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice wb_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "wdfio_bench",
	.fops = &wb_fops,
	.mode = 0600,
};

/* ------------------------------------------------------------------ */
/* The USB driver (usb=1)                                              */

/* As a ported KMDF driver's EvtDevicePrepareHardware: device, config, pipe */
static NTSTATUS wb_usb_prepare(struct usb_interface *intf)
{
	WDF_USB_DEVICE_SELECT_CONFIG_PARAMS sel;
	WDF_USB_PIPE_INFORMATION info;
	WDFUSBINTERFACE iface;
	NTSTATUS status;
	UCHAR k;

	status = WdfUsbTargetDeviceCreate(WdfDeviceFromUsbInterface(intf),
					  WDF_NO_OBJECT_ATTRIBUTES, &wb_usb.dev);
	if (!NT_SUCCESS(status))
		return status;
	WDF_USB_DEVICE_SELECT_CONFIG_PARAMS_INIT_SINGLE_INTERFACE(&sel);
	status = WdfUsbTargetDeviceSelectConfig(wb_usb.dev,
						WDF_NO_OBJECT_ATTRIBUTES, &sel);
	if (!NT_SUCCESS(status))
		return status;
	iface = sel.Types.SingleInterface.ConfiguredUsbInterface;
	for (k = 0; k < sel.Types.SingleInterface.NumberConfiguredPipes; k++) {
		WDFUSBPIPE pipe;

		WDF_USB_PIPE_INFORMATION_INIT(&info);
		pipe = WdfUsbInterfaceGetConfiguredPipe(iface, k, &info);
		if (info.PipeType == WdfUsbPipeTypeBulk &&
		    WDF_USB_PIPE_DIRECTION_IN(info.EndpointAddress)) {
			wb_usb.in = pipe;
			wb_usb.in_ep = info.EndpointAddress;
			wb_usb.maxp = info.MaximumPacketSize;
		}
	}
	return wb_usb.in ? STATUS_SUCCESS : STATUS_INVALID_DEVICE_STATE;
}

static void wb_usb_release(void)
{
	if (wb_usb.dev)
		WdfObjectDelete(wb_usb.dev);
	wb_usb.dev = NULL;
	wb_usb.in = NULL;
	wb_usb.intf = NULL;
	wb_usb.udev = NULL;
}

static int wb_usb_probe(struct usb_interface *intf,
			const struct usb_device_id *id)
{
	NTSTATUS status;
	int err = 0;

	mutex_lock(&wb_usb.lock);
	if (wb_usb.intf) {
		err = -EBUSY;
		goto out_unlock;
	}
	wb_usb.intf = intf;
	wb_usb.udev = interface_to_usbdev(intf);
	status = wb_usb_prepare(intf);
	if (!NT_SUCCESS(status)) {
		pr_err("SourceSink interface: 0x%08x\n", (u32)status);
		wb_usb_release();
		err = -EIO;
		goto out_unlock;
	}
	pr_info("bound the SourceSink interface: bulk IN 0x%02x, %u-byte packets\n",
		wb_usb.in_ep, wb_usb.maxp);
out_unlock:
	mutex_unlock(&wb_usb.lock);
	return err;
}

static void wb_usb_disconnect(struct usb_interface *intf)
{
	mutex_lock(&wb_usb.lock);
	if (wb_usb.intf == intf)
		wb_usb_release();
	mutex_unlock(&wb_usb.lock);
}

/* The test gadget (scripts/guest/init): interface 1 is SourceSink */
static const struct usb_device_id wb_usb_ids[] = {
	{ USB_DEVICE_INTERFACE_NUMBER(0x1d6b, 0x0104, 1) },
	{ }
};

static struct usb_driver wb_usb_driver = {
	.name = "wdfio_bench",
	.probe = wb_usb_probe,
	.disconnect = wb_usb_disconnect,
	.id_table = wb_usb_ids,
};

static int __init wb_init(void)
{
	int err;

	err = bioset_init(&wb_bs, WB_MAX_QD, 0, BIOSET_NEED_BVECS);
	if (err)
		return err;
	if (usb) {
		err = usb_register(&wb_usb_driver);
		if (err)
			goto out_bioset;
	}
	err = misc_register(&wb_misc);
	if (err)
		goto out_usb;
	return 0;

out_usb:
	if (usb)
		usb_deregister(&wb_usb_driver);
out_bioset:
	bioset_exit(&wb_bs);
	return err;
}

static void __exit wb_exit(void)
{
	misc_deregister(&wb_misc);
	if (usb)
		usb_deregister(&wb_usb_driver);
	bioset_exit(&wb_bs);
}

module_init(wb_init);
module_exit(wb_exit);

MODULE_DESCRIPTION("wdfio benchmark: WDF I/O targets vs direct bio and urb submission");
MODULE_LICENSE("GPL");
