// SPDX-License-Identifier: GPL-2.0
/*
 * Driver bugs wdfio must survive with a documented answer instead of the
 * bugcheck KMDF gives (docs/semantics.md: Handles, Requests). Every case
 * here quiets wdfio's verifier first: the misuse is deliberate.
 */
#include <linux/bottom_half.h>
#include <linux/irqflags.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "util.h"
#include "wt_cases.h"

/* Format @request with @memory at @off, read or write */
static NTSTATUS wt_format(WDFIOTARGET target, WDFREQUEST request, bool write,
			  WDFMEMORY memory, LONGLONG off)
{
	return wt_format_rw(target, request, write, memory, NULL, off);
}

struct wt_bad_fmt {
	enum wt_dev_id dev;
	LONGLONG off;		/* from the start; see end_relative */
	bool end_relative;	/* off is relative to the device size */
	size_t len;
	const char *what;
};

static const struct wt_bad_fmt wt_bad_fmts[] = {
	{ WT_NULLB0, 100, false, 512, "offset not a multiple of 512" },
	{ WT_NULLB0, 0, false, 100, "length not a multiple of 512" },
	{ WT_NULLB0, 0, false, 1000, "length not a multiple of 512 (1000)" },
	{ WT_NULLB0, -512, false, 512, "negative offset" },
	{ WT_NULLB0, 0, true, 512, "offset at the end" },
	{ WT_NULLB0, SZ_1M, true, 512, "offset beyond the end" },
	{ WT_NULLB0, -512, true, 1024, "transfer crossing the end" },
	{ WT_NULLB0, LLONG_MAX & ~511LL, false, 512, "offset near LLONG_MAX" },
	{ WT_NULLB1, 0, false, 512, "length 512 on a 4096 B device" },
	{ WT_NULLB1, 512, false, 4096, "offset 512 on a 4096 B device" },
	{ WT_NULLB1, 2048, false, SZ_8K, "offset 2048 on a 4096 B device" },
	{ WT_NULLB1, 0, false, 6144, "length 6144 on a 4096 B device" },
};

int wt_misuse_format_params(struct wt *t)
{
	WDFIOTARGET targets[WT_NR_DEVS] = { };
	WDF_MEMORY_DESCRIPTOR desc;
	WDFMEMORY good = NULL;
	unsigned int i, pass;
	ULONG_PTR bytes;
	NTSTATUS status;
	void *buf;

	wt_quiet_verifier(t);
	if (!NT_SUCCESS(wt_open_rw(t, &wt_devs[WT_NULLB0], &targets[WT_NULLB0])) ||
	    !NT_SUCCESS(wt_open_rw(t, &wt_devs[WT_NULLB1], &targets[WT_NULLB1])) ||
	    !NT_SUCCESS(wt_memory(t, SZ_8K, &good, &buf)))
		goto out;

	for (i = 0; i < ARRAY_SIZE(wt_bad_fmts); i++) {
		const struct wt_bad_fmt *f = &wt_bad_fmts[i];
		WDFIOTARGET target = targets[f->dev];
		LONGLONG off = f->off;
		WDFREQUEST request = NULL;
		WDFMEMORY memory = NULL;
		void *mbuf;

		if (f->end_relative)
			off += wt_devs[f->dev].size;
		if (!NT_SUCCESS(wt_memory(t, f->len, &memory, &mbuf)) ||
		    !NT_SUCCESS(wt_request(t, target, &request)))
			goto next;
		for (pass = 0; pass < 2; pass++) {
			bool write = pass;

			wt_set_where(t, "%s, %s %zu bytes at %lld: %s",
				     wt_devs[f->dev].path,
				     write ? "write" : "read", f->len, off,
				     f->what);
			/* A good format first: the bad one must drop it */
			T_STATUS(t, STATUS_SUCCESS,
				 wt_format(target, request, write, good, 0));
			T_STATUS(t, STATUS_INVALID_PARAMETER,
				 wt_format(target, request, write, memory, off));
			T_SEND_FAILS(t, request, target, NULL,
				     STATUS_REQUEST_NOT_ACCEPTED);

			WDF_MEMORY_DESCRIPTOR_INIT_BUFFER(&desc, mbuf,
							  (ULONG)f->len);
			if (write)
				status = wt_sync_write(t, target, NULL, &desc,
						       &off, NULL, &bytes);
			else
				status = wt_sync_read(t, target, NULL, &desc,
						      &off, NULL, &bytes);
			T_STATUS(t, STATUS_INVALID_PARAMETER, status);
			if (t->wedged)
				break;
		}
next:
		wt_delete(t, request);
		wt_delete(t, memory);
		if (t->wedged)
			break;
	}
out:
	wt_set_where(t, "cleanup");
	wt_delete(t, good);
	wt_delete_target(t, targets[WT_NULLB0]);
	wt_delete_target(t, targets[WT_NULLB1]);
	return 0;
}

/* Something that is not a wdfio object (readable, all zero) */
struct wt_fake_object {
	u8 bytes[256];
};

typedef struct _WT_MISUSE_CONTEXT {
	ULONG Value;
} WT_MISUSE_CONTEXT;

WDF_DECLARE_CONTEXT_TYPE(WT_MISUSE_CONTEXT);

int wt_misuse_bad_handles(struct wt *t)
{
	WDF_REQUEST_COMPLETION_PARAMS params;
	WDF_IO_TARGET_OPEN_PARAMS open;
	WDF_MEMORY_DESCRIPTOR desc;
	WDF_REQUEST_REUSE_PARAMS reuse;
	struct wt_fake_object *fake;
	WDFIOTARGET target = NULL;
	WDFREQUEST request = NULL, r2;
	WDFMEMORY memory = NULL;
	UNICODE_STRING name;
	struct wt_io *io;
	LONGLONG off = 0;
	ULONG_PTR bytes;
	size_t size;
	char scratch[16];
	unsigned int i;
	void *buf;

	wt_quiet_verifier(t);
	io = wt_io_alloc(t);
	fake = kzalloc(sizeof(*fake), GFP_KERNEL);
	if (!io || !fake)
		goto out;
	if (!NT_SUCCESS(wt_open_rw(t, &wt_devs[WT_NULLB0], &target)) ||
	    !NT_SUCCESS(wt_request(t, target, &request)) ||
	    !NT_SUCCESS(wt_memory(t, 512, &memory, &buf)))
		goto out;

	/* Bad request handles: NULL, a memory object, not an object */
	for (i = 0; i < 3; i++) {
		WDFREQUEST bad = i == 0 ? NULL : i == 1 ? (WDFREQUEST)memory :
				 (WDFREQUEST)fake;

		wt_set_where(t, "request handle %s",
			     i == 0 ? "NULL" : i == 1 ? "of a WDFMEMORY" :
			     "not an object");
		T_TRUE(t, !WdfRequestSend(bad, target, NULL), "send succeeded");
		T_STATUS(t, STATUS_INVALID_HANDLE, WdfRequestGetStatus(bad));
		WDF_REQUEST_REUSE_PARAMS_INIT(&reuse, WDF_REQUEST_REUSE_NO_FLAGS,
					      STATUS_SUCCESS);
		T_STATUS(t, STATUS_INVALID_HANDLE, WdfRequestReuse(bad, &reuse));
		T_STATUS(t, STATUS_INVALID_HANDLE,
			 wt_format(target, bad, false, memory, 0));
		T_STATUS(t, STATUS_INVALID_HANDLE,
			 wt_format(target, bad, true, memory, 0));
		WdfRequestSetCompletionRoutine(bad, wt_io_complete, io);
		WDF_REQUEST_COMPLETION_PARAMS_INIT(&params);
		params.IoStatus.Information = 0x1234;
		WdfRequestGetCompletionParams(bad, &params);
		T_EQ(t, 0x1234, params.IoStatus.Information);
		T_EQ(t, 0, WdfRequestGetInformation(bad));
		WDF_MEMORY_DESCRIPTOR_INIT_HANDLE(&desc, memory, NULL);
		if (i != 0)
			T_STATUS(t, STATUS_INVALID_HANDLE,
				 wt_sync_read(t, target, bad, &desc, &off, NULL,
					      &bytes));
	}

	/* Bad target handles: NULL, a request, not an object */
	for (i = 0; i < 3 && !t->wedged; i++) {
		WDFIOTARGET bad = i == 0 ? NULL : i == 1 ? (WDFIOTARGET)request :
				  (WDFIOTARGET)fake;

		wt_set_where(t, "target handle %s",
			     i == 0 ? "NULL" : i == 1 ? "of a WDFREQUEST" :
			     "not an object");
		T_STATUS(t, STATUS_INVALID_HANDLE,
			 wt_format(bad, request, false, memory, 0));
		T_EQ(t, WdfIoTargetStateUndefined, WdfIoTargetGetState(bad));
		T_STATUS(t, STATUS_INVALID_HANDLE, WdfIoTargetStart(bad));
		RtlInitUnicodeString(&name, wt_devs[WT_NULLB0].wpath);
		WDF_IO_TARGET_OPEN_PARAMS_INIT_OPEN_BY_NAME(&open, &name,
							    GENERIC_READ);
		T_STATUS(t, STATUS_INVALID_HANDLE, WdfIoTargetOpen(bad, &open));
		WdfIoTargetClose(bad);
		WDF_MEMORY_DESCRIPTOR_INIT_HANDLE(&desc, memory, NULL);
		T_STATUS(t, STATUS_INVALID_HANDLE,
			 wt_sync_read(t, bad, NULL, &desc, &off, NULL, &bytes));
		if (i != 0) {
			r2 = NULL;
			T_STATUS(t, STATUS_INVALID_HANDLE,
				 WdfRequestCreate(WDF_NO_OBJECT_ATTRIBUTES, bad,
						  &r2));
			T_PTR(t, NULL, r2);
		}
		/* A good request sent to a bad target takes the status */
		if (!T_STATUS(t, STATUS_SUCCESS,
			      wt_format(target, request, false, memory, 0)))
			continue;
		T_SEND_FAILS(t, request, bad, NULL, STATUS_INVALID_HANDLE);
		/* ... and is still formatted for its own target */
		wt_send_ok(t, request, target, io, 512);
	}

	/* Bad memory handles: a request, not an object */
	for (i = 1; i < 3 && !t->wedged; i++) {
		WDFMEMORY bad = i == 1 ? (WDFMEMORY)request : (WDFMEMORY)fake;

		wt_set_where(t, "memory handle %s",
			     i == 1 ? "of a WDFREQUEST" : "not an object");
		T_STATUS(t, STATUS_INVALID_HANDLE,
			 wt_format(target, request, false, bad, 0));
		T_STATUS(t, STATUS_INVALID_HANDLE,
			 wt_format(target, request, true, bad, 0));
		size = 77;
		T_PTR(t, NULL, WdfMemoryGetBuffer(bad, &size));
		T_STATUS(t, STATUS_INVALID_HANDLE,
			 WdfMemoryCopyToBuffer(bad, 0, scratch, sizeof(scratch)));
		T_STATUS(t, STATUS_INVALID_HANDLE,
			 WdfMemoryCopyFromBuffer(bad, 0, scratch,
						 sizeof(scratch)));
		T_STATUS(t, STATUS_INVALID_HANDLE,
			 WdfMemoryAssignBuffer(bad, scratch, sizeof(scratch)));
		WDF_MEMORY_DESCRIPTOR_INIT_HANDLE(&desc, bad, NULL);
		T_STATUS(t, STATUS_INVALID_HANDLE,
			 wt_sync_read(t, target, NULL, &desc, &off, NULL,
				      &bytes));
	}

	/* Objects: VOID DDIs do nothing, lookups find nothing */
	wt_set_where(t, "object DDIs on bad handles");
	WdfObjectDelete(NULL);
	WdfObjectDelete(fake);
	WdfObjectReference(fake);
	WdfObjectDereference(fake);
	T_PTR(t, NULL, WdfObjectGet_WT_MISUSE_CONTEXT(fake));
	T_PTR(t, NULL, WdfObjectGetTypedContext(memory, WT_MISUSE_CONTEXT));
	T_TRUE(t, !memchr_inv(fake, 0, sizeof(*fake)),
	       "wdfio wrote into a non-object");
out:
	wt_set_where(t, "cleanup");
	wt_delete(t, request);
	wt_delete(t, memory);
	wt_delete_target(t, target);
	if (io)
		wt_io_free(t, io);
	kfree(fake);
	return 0;
}

/* Hold state shared by the tb0 misuse cases */
struct wt_held {
	WDFIOTARGET target;
	WDFREQUEST request;
	WDFMEMORY memory;
	void *buf;
	struct wt_io *io;
	struct wt_bdev bdev;
	LONGLONG off;
	u32 seed;
};

/* Open tb0, hold, send one 4 KiB write, wait until it is held */
static bool wt_held_send(struct wt *t, struct wt_held *h)
{
	memset(h, 0, sizeof(*h));
	h->off = SZ_128K;
	h->seed = wt_next_seed();
	if (!wt_tb_reset(t))
		return false;
	if (wt_bdev_open(t, &wt_devs[WT_TB0], &h->bdev))
		return false;
	h->io = wt_io_alloc(t);
	if (!h->io ||
	    !NT_SUCCESS(wt_open_rw(t, &wt_devs[WT_TB0], &h->target)) ||
	    !NT_SUCCESS(wt_request(t, h->target, &h->request)) ||
	    !NT_SUCCESS(wt_memory(t, SZ_4K, &h->memory, &h->buf)))
		return false;
	wt_fill(h->buf, SZ_4K, h->off, h->seed);
	wdfio_tb_set_hold(WT_TB, true);
	if (!T_STATUS(t, STATUS_SUCCESS,
		      wt_format(h->target, h->request, true, h->memory, h->off)))
		return false;
	WdfRequestSetCompletionRoutine(h->request, wt_io_complete, h->io);
	if (!T_TRUE(t, WdfRequestSend(h->request, h->target, NULL),
		    "status 0x%08X", (u32)WdfRequestGetStatus(h->request)))
		return false;
	return wt_tb_wait_held(t, 1);
}

/* Release the held write; it completes once, successfully, in place */
static void wt_held_finish(struct wt *t, struct wt_held *h)
{
	wt_set_where(t, "after the release");
	wdfio_tb_set_hold(WT_TB, false);
	if (!T_EQ(t, 1, wdfio_tb_release(WT_TB, 0, WDFIO_TB_ORDER_FIFO,
					 WDFIO_TB_STS_OK)))
		return;
	if (!wt_io_wait(t, h->io))
		return;
	T_STATUS(t, STATUS_SUCCESS, h->io->params.IoStatus.Status);
	T_EQ(t, SZ_4K, h->io->params.IoStatus.Information);
	T_EQ(t, WdfRequestTypeWrite, h->io->params.Type);
	T_PTR(t, h->memory, h->io->params.Parameters.Write.Buffer);
	wt_raw_verify(t, &h->bdev, h->off, SZ_4K, h->seed);
	/* No second completion, even once the target is drained */
	wt_close(t, h->target);
	if (!t->wedged)
		T_EQ(t, 1, atomic_read(&h->io->calls));
}

static void wt_held_cleanup(struct wt *t, struct wt_held *h)
{
	wt_set_where(t, "cleanup");
	if (!t->wedged)
		wt_tb_reset(t);
	wt_delete(t, h->request);
	wt_delete(t, h->memory);
	wt_delete_target(t, h->target);
	if (h->io)
		wt_io_free(t, h->io);
	wt_bdev_close(&h->bdev);
}

int wt_misuse_double_send(struct wt *t)
{
	struct wt_held h;

	wt_quiet_verifier(t);
	if (!wt_held_send(t, &h))
		goto out;
	wt_set_where(t, "second send while the first is held");
	T_SEND_FAILS(t, h.request, h.target, NULL, STATUS_PENDING);
	T_EQ(t, 0, atomic_read(&h.io->calls));
	T_EQ(t, 1, wdfio_tb_held(WT_TB));
	wt_held_finish(t, &h);
out:
	wt_held_cleanup(t, &h);
	return 0;
}

int wt_misuse_reuse_pending(struct wt *t)
{
	WDF_REQUEST_REUSE_PARAMS reuse;
	struct wt_held h;

	wt_quiet_verifier(t);
	if (!wt_held_send(t, &h))
		goto out;
	wt_set_where(t, "while the write is held");
	WDF_REQUEST_REUSE_PARAMS_INIT(&reuse, WDF_REQUEST_REUSE_NO_FLAGS,
				      STATUS_SUCCESS);
	T_STATUS(t, STATUS_INVALID_DEVICE_STATE,
		 WdfRequestReuse(h.request, &reuse));
	T_STATUS(t, STATUS_INVALID_DEVICE_STATE,
		 wt_format(h.target, h.request, false, h.memory, 0));
	T_STATUS(t, STATUS_INVALID_DEVICE_STATE,
		 wt_format(h.target, h.request, true, h.memory, 0));
	T_STATUS(t, STATUS_PENDING, WdfRequestGetStatus(h.request));
	T_EQ(t, 0, atomic_read(&h.io->calls));
	/* The in-flight write is unaffected: its data, its params */
	wt_held_finish(t, &h);
	if (t->wedged)
		goto out;
	wt_set_where(t, "after completion");
	T_STATUS(t, STATUS_SUCCESS, WdfRequestReuse(h.request, &reuse));
out:
	wt_held_cleanup(t, &h);
	return 0;
}

int wt_misuse_unformatted_send(struct wt *t)
{
	WDF_REQUEST_REUSE_PARAMS reuse;
	struct wt_fix f;
	WDFIOTARGET target;
	WDFREQUEST request;
	WDFMEMORY memory;
	struct wt_io *io;

	wt_quiet_verifier(t);
	if (!wt_fix_open(t, &f, WT_NULLB0, 512))
		goto out;
	target = f.target;
	request = f.request;
	memory = f.memory;
	io = f.io;

	wt_set_where(t, "new request, no routine");
	T_SEND_FAILS(t, request, target, NULL, STATUS_REQUEST_NOT_ACCEPTED);
	wt_set_where(t, "new request with a routine");
	WdfRequestSetCompletionRoutine(request, wt_io_complete, io);
	T_SEND_FAILS(t, request, target, NULL, STATUS_REQUEST_NOT_ACCEPTED);
	wt_set_where(t, "after a failed format");
	T_STATUS(t, STATUS_INVALID_PARAMETER,
		 wt_format(target, request, false, memory, 3));
	T_SEND_FAILS(t, request, target, NULL, STATUS_REQUEST_NOT_ACCEPTED);
	wt_set_where(t, "after a completed send and a reuse");
	T_STATUS(t, STATUS_SUCCESS, wt_format(target, request, false, memory, 0));
	if (!wt_send_ok(t, request, target, io, 512))
		goto out;
	WDF_REQUEST_REUSE_PARAMS_INIT(&reuse, WDF_REQUEST_REUSE_NO_FLAGS,
				      STATUS_SUCCESS);
	T_STATUS(t, STATUS_SUCCESS, WdfRequestReuse(request, &reuse));
	wt_io_reset(io);
	WdfRequestSetCompletionRoutine(request, wt_io_complete, io);
	T_SEND_FAILS(t, request, target, NULL, STATUS_REQUEST_NOT_ACCEPTED);
	wt_set_where(t, "synchronous send of an unformatted request");
	T_TRUE(t, !wt_send_synchronous(t, request, target),
	       "synchronous send succeeded");
	T_STATUS(t, STATUS_REQUEST_NOT_ACCEPTED, WdfRequestGetStatus(request));
	T_EQ(t, 0, atomic_read(&io->calls));
out:
	wt_fix_close(t, &f);
	return 0;
}

int wt_misuse_closed_target(struct wt *t)
{
	GET_LENGTH_INFORMATION *len_info;
	WDF_MEMORY_DESCRIPTOR desc, out_desc;
	WDFIOTARGET target = NULL, never = NULL;
	WDFREQUEST request = NULL, r2;
	WDFMEMORY memory = NULL;
	LONGLONG off = 0;
	ULONG_PTR bytes;
	void *buf;

	wt_quiet_verifier(t);
	if (!NT_SUCCESS(wt_open_rw(t, &wt_devs[WT_NULLB0], &target)) ||
	    !NT_SUCCESS(wt_request(t, target, &request)) ||
	    !NT_SUCCESS(wt_memory(t, 512, &memory, &buf)))
		goto out;
	len_info = buf;

	wt_set_where(t, "a target that was never opened");
	if (T_STATUS(t, STATUS_SUCCESS,
		     WdfIoTargetCreate(WDF_NO_HANDLE, WDF_NO_OBJECT_ATTRIBUTES,
				       &never))) {
		T_EQ(t, WdfIoTargetClosed, WdfIoTargetGetState(never));
		T_STATUS(t, STATUS_INVALID_DEVICE_STATE,
			 wt_format(never, request, false, memory, 0));
		r2 = NULL;
		T_STATUS(t, STATUS_INVALID_DEVICE_STATE,
			 WdfRequestCreate(WDF_NO_OBJECT_ATTRIBUTES, never, &r2));
	}

	wt_set_where(t, "formatted, then the target closed");
	if (!T_STATUS(t, STATUS_SUCCESS,
		      wt_format(target, request, false, memory, 0)))
		goto out;
	wt_close(t, target);
	if (t->wedged)
		goto out;
	T_EQ(t, WdfIoTargetClosed, WdfIoTargetGetState(target));
	T_SEND_FAILS(t, request, target, NULL, STATUS_INVALID_DEVICE_STATE);
	wt_set_where(t, "closed target");
	T_STATUS(t, STATUS_INVALID_DEVICE_STATE,
		 wt_format(target, request, false, memory, 0));
	T_STATUS(t, STATUS_INVALID_DEVICE_STATE,
		 wt_format(target, request, true, memory, 0));
	T_STATUS(t, STATUS_INVALID_DEVICE_STATE,
		 WdfIoTargetFormatRequestForIoctl(target, request,
						  IOCTL_DISK_GET_LENGTH_INFO,
						  NULL, NULL, memory, NULL));
	WDF_MEMORY_DESCRIPTOR_INIT_BUFFER(&desc, buf, 512);
	T_STATUS(t, STATUS_INVALID_DEVICE_STATE,
		 wt_sync_read(t, target, NULL, &desc, &off, NULL, &bytes));
	T_STATUS(t, STATUS_INVALID_DEVICE_STATE,
		 wt_sync_write(t, target, NULL, &desc, &off, NULL, &bytes));
	WDF_MEMORY_DESCRIPTOR_INIT_BUFFER(&out_desc, len_info,
					  sizeof(*len_info));
	T_STATUS(t, STATUS_INVALID_DEVICE_STATE,
		 wt_sync_ioctl(t, target, NULL, IOCTL_DISK_GET_LENGTH_INFO,
			       NULL, &out_desc, NULL, &bytes));
	r2 = NULL;
	T_STATUS(t, STATUS_INVALID_DEVICE_STATE,
		 WdfRequestCreate(WDF_NO_OBJECT_ATTRIBUTES, target, &r2));
out:
	wt_set_where(t, "cleanup");
	wt_delete(t, request);
	wt_delete(t, memory);
	wt_delete_target(t, target);
	wt_delete_target(t, never);
	return 0;
}

enum wt_atomic_kind {
	WT_AT_SPINLOCK,
	WT_AT_BH,
	WT_AT_IRQ,
	WT_AT_RCU,
	WT_NR_AT,
};

static const char *const wt_atomic_names[WT_NR_AT] = {
	"under a spinlock", "under local_bh_disable", "with IRQs off",
	"under rcu_read_lock",
};

struct wt_atomic_result {
	NTSTATUS read, write, ioctl, send_status;
	BOOLEAN sent;
	unsigned long nvcsw, nivcsw;
};

static DEFINE_SPINLOCK(wt_atomic_lock);

/* The synchronous DDIs, called directly in a context that cannot sleep */
static void wt_atomic_calls(WDFIOTARGET target, WDFREQUEST request,
			    PWDF_MEMORY_DESCRIPTOR data,
			    PWDF_MEMORY_DESCRIPTOR out,
			    struct wt_atomic_result *r)
{
	WDF_REQUEST_SEND_OPTIONS options;
	LONGLONG off = 0;
	ULONG_PTR bytes;

	r->read = WdfIoTargetSendReadSynchronously(target, NULL, data, &off,
						   NULL, &bytes);
	r->write = WdfIoTargetSendWriteSynchronously(target, NULL, data, &off,
						     NULL, &bytes);
	r->ioctl = WdfIoTargetSendIoctlSynchronously(target, NULL,
						     IOCTL_DISK_GET_LENGTH_INFO,
						     NULL, out, NULL, &bytes);
	WDF_REQUEST_SEND_OPTIONS_INIT(&options,
				      WDF_REQUEST_SEND_OPTION_SYNCHRONOUS);
	r->sent = WdfRequestSend(request, target, &options);
	r->send_status = WdfRequestGetStatus(request);
}

static void wt_atomic_run(enum wt_atomic_kind kind, WDFIOTARGET target,
			  WDFREQUEST request, PWDF_MEMORY_DESCRIPTOR data,
			  PWDF_MEMORY_DESCRIPTOR out,
			  struct wt_atomic_result *r)
{
	unsigned long flags;

	r->nvcsw = current->nvcsw;
	r->nivcsw = current->nivcsw;
	switch (kind) {
	case WT_AT_SPINLOCK:
		spin_lock(&wt_atomic_lock);
		wt_atomic_calls(target, request, data, out, r);
		spin_unlock(&wt_atomic_lock);
		break;
	case WT_AT_BH:
		local_bh_disable();
		wt_atomic_calls(target, request, data, out, r);
		local_bh_enable();
		break;
	case WT_AT_IRQ:
		local_irq_save(flags);
		wt_atomic_calls(target, request, data, out, r);
		local_irq_restore(flags);
		break;
	default:
		rcu_read_lock();
		wt_atomic_calls(target, request, data, out, r);
		rcu_read_unlock();
		break;
	}
	/* A sleep would have been a voluntary context switch */
	r->nvcsw = current->nvcsw - r->nvcsw;
	r->nivcsw = current->nivcsw - r->nivcsw;
}

int wt_misuse_sync_atomic(struct wt *t)
{
	WDF_MEMORY_DESCRIPTOR data, out;
	struct wt_atomic_result r;
	struct wdfio_tb_stats st;
	WDFIOTARGET target = NULL;
	WDFREQUEST request = NULL;
	WDFMEMORY memory = NULL;
	GET_LENGTH_INFORMATION *len_info = NULL;
	unsigned int k;
	void *buf;

	wt_quiet_verifier(t);
	if (!wt_tb_reset(t))
		return 0;
	len_info = kzalloc(sizeof(*len_info), GFP_KERNEL);
	if (!len_info ||
	    !NT_SUCCESS(wt_open_rw(t, &wt_devs[WT_TB0], &target)) ||
	    !NT_SUCCESS(wt_request(t, target, &request)) ||
	    !NT_SUCCESS(wt_memory(t, SZ_4K, &memory, &buf)))
		goto out;
	WDF_MEMORY_DESCRIPTOR_INIT_BUFFER(&data, buf, SZ_4K);
	WDF_MEMORY_DESCRIPTOR_INIT_BUFFER(&out, len_info, sizeof(*len_info));

	for (k = 0; k < WT_NR_AT; k++) {
		wt_set_where(t, "%s", wt_atomic_names[k]);
		if (!T_STATUS(t, STATUS_SUCCESS,
			      wt_format(target, request, false, memory, 0)))
			break;
		memset(&r, 0, sizeof(r));
		wt_atomic_run(k, target, request, &data, &out, &r);
		T_STATUS(t, STATUS_INVALID_DEVICE_REQUEST, r.read);
		T_STATUS(t, STATUS_INVALID_DEVICE_REQUEST, r.write);
		T_STATUS(t, STATUS_INVALID_DEVICE_REQUEST, r.ioctl);
		T_TRUE(t, !r.sent, "WdfRequestSend(SYNCHRONOUS) returned TRUE");
		T_STATUS(t, STATUS_INVALID_DEVICE_REQUEST, r.send_status);
		T_EQ(t, 0, r.nvcsw);
	}
	wt_set_where(t, "wdfio_tb0 counters");
	if (wt_tb_stats(t, &st))
		T_EQ(t, 0, st.bios_seen);
out:
	wt_set_where(t, "cleanup");
	wt_delete(t, request);
	wt_delete(t, memory);
	wt_delete_target(t, target);
	kfree(len_info);
	return 0;
}

int wt_misuse_send_options(struct wt *t)
{
	static const struct {
		ULONG size_delta;
		ULONG flags;
		NTSTATUS status;
		const char *what;
	} bad[] = {
		{ 1, 0, STATUS_INVALID_PARAMETER, "Size too small" },
		{ -1U, 0, STATUS_INVALID_PARAMETER, "Size too large" },
		{ 0, 0x100, STATUS_INVALID_PARAMETER, "unknown flag 0x100" },
		{ 0, WDF_REQUEST_SEND_OPTION_IMPERSONATE_CLIENT,
		  STATUS_INVALID_PARAMETER, "UMDF-only flag" },
		{ 0, WDF_REQUEST_SEND_OPTION_SEND_AND_FORGET |
		     WDF_REQUEST_SEND_OPTION_TIMEOUT,
		  STATUS_INVALID_PARAMETER, "SEND_AND_FORGET | TIMEOUT" },
		{ 0, WDF_REQUEST_SEND_OPTION_SEND_AND_FORGET |
		     WDF_REQUEST_SEND_OPTION_IGNORE_TARGET_STATE,
		  STATUS_INVALID_PARAMETER,
		  "SEND_AND_FORGET | IGNORE_TARGET_STATE" },
		{ 0, WDF_REQUEST_SEND_OPTION_SEND_AND_FORGET,
		  STATUS_INVALID_DEVICE_STATE,
		  "SEND_AND_FORGET of a driver-created request" },
	};
	WDF_REQUEST_SEND_OPTIONS options;
	struct wt_fix f;
	unsigned int i;

	wt_quiet_verifier(t);
	if (!wt_fix_open(t, &f, WT_NULLB0, 512) ||
	    !T_STATUS(t, STATUS_SUCCESS,
		      wt_format(f.target, f.request, false, f.memory, 0)))
		goto out;
	wt_io_reset(f.io);
	WdfRequestSetCompletionRoutine(f.request, wt_io_complete, f.io);

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		wt_set_where(t, "%s", bad[i].what);
		WDF_REQUEST_SEND_OPTIONS_INIT(&options, bad[i].flags);
		options.Size -= bad[i].size_delta;
		T_SEND_FAILS(t, f.request, f.target, &options, bad[i].status);
	}
	wt_set_where(t, "good send after the refused ones");
	T_EQ(t, 0, atomic_read(&f.io->calls));
	wt_send_ok(t, f.request, f.target, f.io, 512);
out:
	wt_fix_close(t, &f);
	return 0;
}

int wt_misuse_wrong_target(struct wt *t)
{
	WDFIOTARGET a = NULL, b = NULL;
	WDFREQUEST request = NULL;
	WDFMEMORY memory = NULL;
	struct wt_io *io;
	void *buf;

	wt_quiet_verifier(t);
	io = wt_io_alloc(t);
	if (!io)
		return 0;
	if (!NT_SUCCESS(wt_open_rw(t, &wt_devs[WT_NULLB0], &a)) ||
	    !NT_SUCCESS(wt_open_rw(t, &wt_devs[WT_NULLB2], &b)) ||
	    !NT_SUCCESS(wt_request(t, a, &request)) ||
	    !NT_SUCCESS(wt_memory(t, 512, &memory, &buf)))
		goto out;
	wt_set_where(t, "formatted for nullb0, sent to nullb2");
	if (!T_STATUS(t, STATUS_SUCCESS, wt_format(a, request, false, memory, 0)))
		goto out;
	WdfRequestSetCompletionRoutine(request, wt_io_complete, io);
	T_SEND_FAILS(t, request, b, NULL, STATUS_INVALID_DEVICE_REQUEST);
	T_EQ(t, 0, atomic_read(&io->calls));
	wt_set_where(t, "then sent to nullb0");
	wt_send_ok(t, request, a, io, 512);
	if (!t->wedged)
		T_PTR(t, a, io->target);
out:
	wt_set_where(t, "cleanup");
	wt_delete(t, request);
	wt_delete(t, memory);
	wt_delete_target(t, a);
	wt_delete_target(t, b);
	wt_io_free(t, io);
	return 0;
}
