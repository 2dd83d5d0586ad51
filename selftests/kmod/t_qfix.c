// SPDX-License-Identifier: GPL-2.0
/*
 * The receiving side's promises under stress points: REQ_PREFLUSH/REQ_FUA
 * through a filter that does not forward the bio, the bounce copy of a
 * bio's data (alive through the request's cleanup; none for discards), a
 * buffer-backed request sent and forgotten (the target's until its I/O
 * ends), Stop of a purged queue, and a caller of the character front-end
 * killed while the driver keeps its request.
 */
#include <linux/blkdev.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/kthread.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "util.h"
#include "wt_cases.h"

/* ---- a filter over wdfio_tb0 ---------------------------------------------- */

struct wt_qf_state {
	bool forget;		/* everything SEND_AND_FORGET, else a routine */
	bool check_buf;		/* writes: check the input buffer at cleanup */
	PCUNICODE_STRING name;
	atomic_t presented;
	atomic_t send_failed;
	atomic_t checked;
	atomic_t cleanup_bad;
};

static struct wt_qf_state wt_qf;

/* What a request's cleanup callback checks: its write buffer, unchanged. */
typedef struct _WT_QF_REQ {
	const u8 *Buf;
	size_t Len;
	u32 Sum;
} WT_QF_REQ;

WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(WT_QF_REQ, WtQfReq);

static EVT_WDF_DRIVER_DEVICE_ADD wt_qf_add;
static EVT_WDF_IO_QUEUE_IO_DEFAULT wt_qf_default;
static EVT_WDF_IO_QUEUE_IO_READ wt_qf_rw;
static EVT_WDF_REQUEST_COMPLETION_ROUTINE wt_qf_done;
static EVT_WDF_OBJECT_CONTEXT_CLEANUP wt_qf_req_cleanup;

static u32 wt_qf_sum(const u8 *p, size_t n)
{
	u32 s = 0;

	while (n--)
		s = s * 31 + *p++;
	return s;
}

static void wt_qf_req_cleanup(WDFOBJECT Object)
{
	WT_QF_REQ *c = WtQfReq(Object);

	if (!c->Buf)
		return;
	atomic_inc(&wt_qf.checked);
	if (wt_qf_sum(c->Buf, c->Len) != c->Sum)
		atomic_inc(&wt_qf.cleanup_bad);
}

static void wt_qf_done(WDFREQUEST Request, WDFIOTARGET Target,
		       PWDF_REQUEST_COMPLETION_PARAMS Params, WDFCONTEXT Context)
{
	WdfRequestCompleteWithInformation(Request, Params->IoStatus.Status,
					  Params->IoStatus.Information);
}

static void wt_qf_forward(WDFQUEUE Queue, WDFREQUEST Request)
{
	WDFIOTARGET target = WdfDeviceGetIoTarget(WdfIoQueueGetDevice(Queue));
	WDF_REQUEST_SEND_OPTIONS options;

	atomic_inc(&wt_qf.presented);
	if (wt_qf.forget) {
		WDF_REQUEST_SEND_OPTIONS_INIT(&options,
					      WDF_REQUEST_SEND_OPTION_SEND_AND_FORGET);
		if (!WdfRequestSend(Request, target, &options)) {
			atomic_inc(&wt_qf.send_failed);
			WdfRequestComplete(Request,
					   WdfRequestGetStatus(Request));
		}
		return;
	}
	WdfRequestFormatRequestUsingCurrentType(Request);
	WdfRequestSetCompletionRoutine(Request, wt_qf_done, NULL);
	if (!WdfRequestSend(Request, target, WDF_NO_SEND_OPTIONS)) {
		atomic_inc(&wt_qf.send_failed);
		WdfRequestComplete(Request, WdfRequestGetStatus(Request));
	}
}

static void wt_qf_default(WDFQUEUE Queue, WDFREQUEST Request)
{
	wt_qf_forward(Queue, Request);
}

static void wt_qf_rw(WDFQUEUE Queue, WDFREQUEST Request, size_t Length)
{
	WDF_REQUEST_PARAMETERS p;
	WT_QF_REQ *c;
	size_t len;
	PVOID buf;

	WDF_REQUEST_PARAMETERS_INIT(&p);
	WdfRequestGetParameters(Request, &p);
	if (wt_qf.check_buf && p.Type == WdfRequestTypeWrite &&
	    NT_SUCCESS(WdfRequestRetrieveInputBuffer(Request, 1, &buf, &len))) {
		c = WtQfReq(Request);
		c->Buf = buf;
		c->Len = len;
		c->Sum = wt_qf_sum(buf, len);
	}
	wt_qf_forward(Queue, Request);
}

static NTSTATUS wt_qf_add(WDFDRIVER Driver, PWDFDEVICE_INIT DeviceInit)
{
	WDF_OBJECT_ATTRIBUTES attr;
	WDF_IO_QUEUE_CONFIG qc;
	WDFDEVICE device;
	NTSTATUS status;

	WdfFdoInitSetFilter(DeviceInit);
	status = WdfDeviceInitAssignName(DeviceInit, wt_qf.name);
	if (!NT_SUCCESS(status))
		return status;
	WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&attr, WT_QF_REQ);
	attr.EvtCleanupCallback = wt_qf_req_cleanup;
	WdfDeviceInitSetRequestAttributes(DeviceInit, &attr);
	status = WdfDeviceCreate(&DeviceInit, WDF_NO_OBJECT_ATTRIBUTES, &device);
	if (!NT_SUCCESS(status))
		return status;
	WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(&qc, WdfIoQueueDispatchParallel);
	qc.EvtIoDefault = wt_qf_default;
	qc.EvtIoRead = wt_qf_rw;
	qc.EvtIoWrite = wt_qf_rw;
	return WdfIoQueueCreate(device, &qc, WDF_NO_OBJECT_ATTRIBUTES, NULL);
}

struct wt_qf_fix {
	WDFDRIVER driver;
	struct wt_bdev upper;
	struct wt_bdev lower;
};

static bool wt_qf_open(struct wt *t, struct wt_qf_fix *f, bool forget,
		       bool check_buf, PCUNICODE_STRING name, const char *path)
{
	UNICODE_STRING lower_name;
	WDF_DRIVER_CONFIG cfg;
	WDFDEVICE device;
	NTSTATUS status;
	int err;

	memset(f, 0, sizeof(*f));
	memset(&wt_qf, 0, sizeof(wt_qf));
	wt_qf.forget = forget;
	wt_qf.check_buf = check_buf;
	wt_qf.name = name;
	WDF_DRIVER_CONFIG_INIT(&cfg, wt_qf_add);
	status = WdfDriverCreate(NULL, NULL, WDF_NO_OBJECT_ATTRIBUTES, &cfg,
				 &f->driver);
	if (!T_STATUS(t, STATUS_SUCCESS, status))
		return false;
	RtlInitUnicodeString(&lower_name, wt_devs[WT_TB0].wpath);
	status = wdfio_driver_add_device(f->driver, &lower_name, &device);
	if (!T_STATUS(t, STATUS_SUCCESS, status))
		return false;
	err = wdfio_bdev_open(&f->upper.handle, path, true, NULL);
	if (!T_TRUE(t, !err, "open %s: %d", path, err))
		return false;
	f->upper.bdev = f->upper.handle.bdev;
	wt_bdev_limits(&f->upper);
	return !wt_bdev_open(t, &wt_devs[WT_TB0], &f->lower);
}

static void wt_qf_close(struct wt *t, struct wt_qf_fix *f)
{
	wt_bdev_close(&f->upper);
	wt_bdev_close(&f->lower);
	if (f->driver && !t->wedged)
		WdfObjectDelete(f->driver);
}

/* One write of @len bytes at @off with @flags, pattern @seed; its errno. */
static int wt_qf_write(struct block_device *bdev, u64 off, size_t len,
		       blk_opf_t flags, u32 seed)
{
	unsigned int i, n = len >> PAGE_SHIFT;
	struct bio *bio;
	int err;

	bio = bio_alloc(bdev, n, REQ_OP_WRITE | flags, GFP_KERNEL);
	bio->bi_iter.bi_sector = off >> SECTOR_SHIFT;
	for (i = 0; i < n; i++) {
		struct page *page = alloc_page(GFP_KERNEL);

		if (!page)
			break;
		wt_fill(page_address(page), PAGE_SIZE, off + i * PAGE_SIZE,
			seed);
		__bio_add_page(bio, page, PAGE_SIZE, 0);
	}
	err = i == n ? submit_bio_wait(bio) : -ENOMEM;
	for (i = 0; i < bio->bi_vcnt; i++)
		__free_page(bio->bi_io_vec[i].bv_page);
	bio_put(bio);
	return err;
}

/*
 * A flagged write through the filter: the lower device saw a flush before
 * and (FUA) a flush after, or the flags themselves; the data arrived.
 */
static void wt_qf_flagged(struct wt *t, struct wt_qf_fix *f, blk_opf_t flags)
{
	struct wdfio_tb_stats before, after;
	u64 off = SZ_1M, flushes, fua;
	size_t len = 2 * PAGE_SIZE;
	u32 seed = wt_next_seed();
	int err;

	if (!wt_tb_stats(t, &before))
		return;
	err = wt_qf_write(f->upper.bdev, off, len, flags, seed);
	if (!T_EQ(t, 0, (u64)err) || !wt_tb_stats(t, &after))
		return;
	flushes = after.flushes - before.flushes;
	fua = after.fua - before.fua;
	T_GE(t, before.bytes_written + len, after.bytes_written);
	if (flags & REQ_PREFLUSH)
		T_GE(t, 1, flushes);
	if (flags & REQ_FUA)
		T_TRUE(t, fua >= 1 || flushes >= !!(flags & REQ_PREFLUSH) + 1,
		       "FUA kept or a flush after the write: %llu fua, %llu flushes",
		       fua, flushes);
	T_EQ(t, 0, after.violations);
	wt_raw_verify(t, &f->lower, off, len, seed);
}

int wt_qfix_flush_fua_tb0(struct wt *t)
{
	DECLARE_CONST_UNICODE_STRING(name0, L"\\Device\\wdfio_flt6");
	DECLARE_CONST_UNICODE_STRING(name1, L"\\Device\\wdfio_flt7");
	struct wt_qf_fix f;
	int forget;

	for (forget = 0; forget < 2 && !t->failures; forget++) {
		if (!wt_tb_reset(t))
			return 0;
		if (wt_qf_open(t, &f, forget, false, forget ? &name1 : &name0,
			       forget ? "/dev/wdfio_flt7" : "/dev/wdfio_flt6")) {
			wt_set_where(t, "%s: PREFLUSH|FUA",
				     forget ? "forget" : "routine");
			wt_qf_flagged(t, &f, REQ_PREFLUSH | REQ_FUA);
			wt_set_where(t, "%s: PREFLUSH",
				     forget ? "forget" : "routine");
			wt_qf_flagged(t, &f, REQ_PREFLUSH);
			wt_set_where(t, "%s: FUA", forget ? "forget" : "routine");
			wt_qf_flagged(t, &f, REQ_FUA);
			T_EQ(t, 0, atomic_read(&wt_qf.send_failed));
		}
		wt_qf_close(t, &f);
	}
	return 0;
}

int wt_qfix_bounce_tb0(struct wt *t)
{
	DECLARE_CONST_UNICODE_STRING(name, L"\\Device\\wdfio_flt8");
	size_t len = 8 * PAGE_SIZE;
	u64 off = 2 * SZ_1M;
	struct wt_qf_fix f;
	u32 seed;
	void *buf;
	int err;

	buf = kzalloc(len, GFP_KERNEL);
	if (!T_TRUE(t, buf, "kzalloc"))
		return 0;
	if (!wt_tb_reset(t))
		goto out;
	if (!wt_qf_open(t, &f, false, true, &name, "/dev/wdfio_flt8"))
		goto close;

	wt_set_where(t, "a write's buffer through its cleanup callback");
	seed = wt_next_seed();
	err = wt_qf_write(f.upper.bdev, off, len, 0, seed);
	T_EQ(t, 0, (u64)err);
	wt_raw_verify(t, &f.lower, off, len, seed);
	T_GE(t, 1, atomic_read(&wt_qf.checked));
	T_EQ(t, 0, atomic_read(&wt_qf.cleanup_bad));

	wt_set_where(t, "a read through the bounce copy");
	seed = wt_next_seed();
	if (wt_raw_fill(t, &f.lower, off, len, seed) &&
	    wt_raw_rw(t, &f.upper, false, off, buf, len))
		wt_verify(t, buf, len, off, seed, "read through the filter");

	/*
	 * A discard has no data: nothing to copy, so the routine filter's
	 * FormatRequestUsingCurrentType fails it as not supported (it is no
	 * WDF read, write or IOCTL; blkdev_issue_discard() reports that as
	 * 0), not for want of an 8 MiB copy (-ENOMEM).
	 */
	wt_set_where(t, "an 8 MiB discard is not bounced");
	err = blkdev_issue_discard(f.upper.bdev, SZ_4M >> SECTOR_SHIFT,
				   SZ_8M >> SECTOR_SHIFT, GFP_KERNEL);
	T_TRUE(t, !err || err == -EOPNOTSUPP, "discard: %d", err);
close:
	wt_qf_close(t, &f);
out:
	kfree(buf);
	return 0;
}

/* ---- control devices driven with kernel_read ----------------------------- */

static WDFREQUEST wt_qk_kept;
static WDFIOTARGET wt_qk_target;
static atomic_t wt_qk_stops;
static atomic_t wt_qk_sent;		/* WdfRequestSend returned TRUE */

static EVT_WDF_IO_QUEUE_IO_READ wt_qk_keep;
static EVT_WDF_IO_QUEUE_IO_READ wt_qk_forget;
static EVT_WDF_IO_QUEUE_IO_STOP wt_qk_stop;

static void wt_qk_keep(WDFQUEUE Queue, WDFREQUEST Request, size_t Length)
{
	WRITE_ONCE(wt_qk_kept, Request);	/* owned, not cancelable */
}

static void wt_qk_forget(WDFQUEUE Queue, WDFREQUEST Request, size_t Length)
{
	WDF_REQUEST_SEND_OPTIONS options;

	WDF_REQUEST_SEND_OPTIONS_INIT(&options,
				      WDF_REQUEST_SEND_OPTION_SEND_AND_FORGET);
	if (!WdfRequestSend(Request, wt_qk_target, &options))
		WdfRequestComplete(Request, WdfRequestGetStatus(Request));
	else
		atomic_inc(&wt_qk_sent);
}

static void wt_qk_stop(WDFQUEUE Queue, WDFREQUEST Request, ULONG ActionFlags)
{
	atomic_inc(&wt_qk_stops);
	WdfRequestStopAcknowledge(Request, TRUE);
}

/* A driver, a named control device with a parallel default queue. */
static bool wt_qk_setup(struct wt *t, PCWSTR name,
			PFN_WDF_IO_QUEUE_IO_READ read,
			WDFDRIVER *driver, WDFQUEUE *q)
{
	WDF_IO_QUEUE_CONFIG qc;
	WDF_DRIVER_CONFIG cfg;
	PWDFDEVICE_INIT init;
	WDFDEVICE device;
	UNICODE_STRING us;
	NTSTATUS status;

	WDF_DRIVER_CONFIG_INIT(&cfg, WDF_NO_EVENT_CALLBACK);
	status = WdfDriverCreate(NULL, NULL, WDF_NO_OBJECT_ATTRIBUTES, &cfg,
				 driver);
	if (!T_STATUS(t, STATUS_SUCCESS, status))
		return false;
	init = WdfControlDeviceInitAllocate(*driver, NULL);
	if (!T_TRUE(t, init, "WdfControlDeviceInitAllocate"))
		return false;
	RtlInitUnicodeString(&us, name);
	T_STATUS(t, STATUS_SUCCESS, WdfDeviceInitAssignName(init, &us));
	status = WdfDeviceCreate(&init, WDF_NO_OBJECT_ATTRIBUTES, &device);
	if (!T_STATUS(t, STATUS_SUCCESS, status)) {
		WdfDeviceInitFree(init);
		return false;
	}
	WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(&qc, WdfIoQueueDispatchParallel);
	qc.EvtIoRead = read;
	qc.EvtIoStop = wt_qk_stop;
	if (!T_STATUS(t, STATUS_SUCCESS,
		      WdfIoQueueCreate(device, &qc, NULL, q)))
		return false;
	WdfControlFinishInitializing(device);
	return true;
}

/* A reader on its own thread, which a signal may interrupt. */
struct wt_qk_reader {
	struct work_struct work;	/* the deleting work, for forget */
	struct file *filp;
	WDFDRIVER driver;
	ssize_t ret;
	int sig;			/* allowed signal, or 0 */
	struct completion done;
	struct completion deleted;
	char buf[4096];
};

static int wt_qk_read_fn(void *arg)
{
	struct wt_qk_reader *k = arg;
	loff_t pos = 0;

	if (k->sig)
		allow_signal(k->sig);
	k->ret = kernel_read(k->filp, k->buf, sizeof(k->buf), &pos);
	complete(&k->done);
	return 0;
}

static struct task_struct *wt_qk_start(struct wt *t, struct wt_qk_reader *k)
{
	struct task_struct *task;

	init_completion(&k->done);
	task = kthread_run(wt_qk_read_fn, k, "wt_qk_reader");
	if (!T_TRUE(t, !IS_ERR(task), "kthread_run: %ld", PTR_ERR(task)))
		return NULL;
	get_task_struct(task);
	return task;
}

/* Wait (bounded) until @cond(@arg); false, recorded, if it never held. */
static bool wt_qk_wait(struct wt *t, bool (*cond)(void *arg), void *arg,
		       const char *what)
{
	int i;

	for (i = 0; i < WT_TIMEOUT_S * 100; i++) {
		if (cond(arg))
			return true;
		usleep_range(10000, 20000);
	}
	return T_FAIL(t, "%s", what);
}

static bool wt_qk_presented(void *arg)
{
	return READ_ONCE(wt_qk_kept);
}

static bool wt_qk_cancelled(void *arg)
{
	return WdfRequestIsCanceled(arg);
}

static void wt_qk_delete_fn(struct work_struct *work)
{
	struct wt_qk_reader *k = container_of(work, struct wt_qk_reader, work);

	WdfObjectDelete(k->driver);
	complete(&k->deleted);
}

/*
 * A read sent and forgotten to wdfio_tb0, held there: the driver owns no
 * request any more, and deleting the device neither calls EvtIoStop for it
 * nor completes it before the lower read ends.
 */
int wt_qfix_forget_owned(struct wt *t)
{
	struct task_struct *task = NULL;
	struct wt_qk_reader *k;
	ULONG queued = 9, owned = 9;
	WDFQUEUE q;
	int err;

	atomic_set(&wt_qk_stops, 0);
	wt_qk_target = NULL;
	if (!wt_tb_reset(t))
		return 0;
	k = kzalloc(sizeof(*k), GFP_KERNEL);
	if (!T_TRUE(t, k, "kzalloc"))
		return 0;
	init_completion(&k->deleted);
	INIT_WORK(&k->work, wt_qk_delete_fn);
	if (!NT_SUCCESS(wt_open_rw(t, &wt_devs[WT_TB0], &wt_qk_target)))
		goto out;
	if (!wt_qk_setup(t, L"\\Device\\wdfio_qff", wt_qk_forget, &k->driver,
			 &q))
		goto out;
	k->filp = filp_open("/dev/wdfio_qff", O_RDWR, 0);
	if (!T_TRUE(t, !IS_ERR(k->filp), "open: %ld", PTR_ERR(k->filp))) {
		k->filp = NULL;
		goto out;
	}
	err = wdfio_tb_set_hold(WT_TB, true);
	if (!T_EQ(t, 0, (u64)err))
		goto out;
	task = wt_qk_start(t, k);
	if (!task || !wt_tb_wait_held(t, 1)) {
		wdfio_tb_set_hold(WT_TB, false);
		wdfio_tb_release(WT_TB, 0, WDFIO_TB_ORDER_FIFO, WDFIO_TB_STS_OK);
		goto wait_reader;
	}
	wt_set_where(t, "sent and forgotten, held below");
	WdfIoQueueGetState(q, &queued, &owned);
	T_EQ(t, 0, queued);
	T_EQ(t, 0, owned);

	wt_set_where(t, "device deleted while the read is held");
	schedule_work(&k->work);
	wdfio_tb_set_hold(WT_TB, false);
	err = wdfio_tb_release(WT_TB, 0, WDFIO_TB_ORDER_FIFO, WDFIO_TB_STS_OK);
	T_EQ(t, 1, (u64)err);
	if (!T_TRUE(t, wait_for_completion_timeout(&k->deleted,
						   WT_TIMEOUT_S * HZ),
		    "the device was deleted")) {
		t->wedged = true;
		return 0;
	}
	k->driver = NULL;
wait_reader:
	if (task && !T_TRUE(t, wait_for_completion_timeout(&k->done,
							   WT_TIMEOUT_S * HZ),
			    "the read ended")) {
		t->wedged = true;
		return 0;
	}
	T_EQ(t, sizeof(k->buf), (u64)k->ret);
	T_EQ(t, 0, atomic_read(&wt_qk_stops));
out:
	if (task)
		put_task_struct(task);
	if (k->filp)
		filp_close(k->filp, NULL);
	if (k->driver)
		WdfObjectDelete(k->driver);
	if (wt_qk_target)
		wt_delete_target(t, wt_qk_target);
	kfree(k);
	return 0;
}

static bool wt_qk_was_sent(void *arg)
{
	return atomic_read(&wt_qk_sent) == 1;
}

/*
 * A signal follows a read the driver sent and forgot, as a cancelled IRP's
 * cancel follows it down the stack: pended on a stopped target, the read is
 * cancelled there and the caller gets EINTR; the target's restart has
 * nothing left to send.
 */
int wt_qfix_forget_signal(struct wt *t)
{
	struct task_struct *task = NULL;
	struct wdfio_tb_stats st;
	struct wt_qk_reader *k;
	bool ended = false;
	WDFQUEUE q;

	atomic_set(&wt_qk_sent, 0);
	wt_qk_target = NULL;
	if (!wt_tb_reset(t))
		return 0;
	k = kzalloc(sizeof(*k), GFP_KERNEL);
	if (!T_TRUE(t, k, "kzalloc"))
		return 0;
	if (!NT_SUCCESS(wt_open_rw(t, &wt_devs[WT_TB0], &wt_qk_target)))
		goto out;
	if (!wt_qk_setup(t, L"\\Device\\wdfio_qfs", wt_qk_forget, &k->driver,
			 &q))
		goto out;
	k->filp = filp_open("/dev/wdfio_qfs", O_RDWR, 0);
	if (!T_TRUE(t, !IS_ERR(k->filp), "open: %ld", PTR_ERR(k->filp))) {
		k->filp = NULL;
		goto out;
	}
	WdfIoTargetStop(wt_qk_target, WdfIoTargetLeaveSentIoPending);
	k->sig = SIGUSR1;
	task = wt_qk_start(t, k);
	if (!task)
		goto out;
	if (!wt_qk_wait(t, wt_qk_was_sent, NULL, "the read was sent and forgotten"))
		goto restart;
	wt_set_where(t, "signal while pended on the stopped target");
	send_sig(SIGUSR1, task, 1);
	ended = wait_for_completion_timeout(&k->done, WT_TIMEOUT_S * HZ);
	T_TRUE(t, ended, "the signal ended the read");
restart:
	/* Without the cancel the read goes down now, and ends. */
	T_STATUS(t, STATUS_SUCCESS, WdfIoTargetStart(wt_qk_target));
	if (!ended &&
	    !T_TRUE(t, wait_for_completion_timeout(&k->done, WT_TIMEOUT_S * HZ),
		    "the read ended")) {
		t->wedged = true;
		return 0;
	}
	T_EQ(t, (u64)-EINTR, (u64)k->ret);
	if (wt_tb_stats(t, &st))
		T_EQ(t, 0, st.bios_seen);
out:
	if (task)
		put_task_struct(task);
	if (k->filp)
		filp_close(k->filp, NULL);
	if (k->driver)
		WdfObjectDelete(k->driver);
	if (wt_qk_target)
		wt_delete_target(t, wt_qk_target);
	kfree(k);
	return 0;
}

/*
 * A signal cancels a read the driver keeps without marking it cancelable:
 * a plain signal leaves the caller waiting for the completion; a fatal one
 * ends the wait at once (EINTR), and the driver may still use the buffer
 * until it completes the request.
 */
static void wt_qk_signalled(struct wt *t, struct wt_qk_reader *k, int sig)
{
	struct task_struct *task;
	WDFREQUEST r;
	size_t len = 0;
	PVOID buf;
	bool ended = false;

	WRITE_ONCE(wt_qk_kept, NULL);
	k->sig = sig;
	task = wt_qk_start(t, k);
	if (!task)
		return;
	if (!wt_qk_wait(t, wt_qk_presented, NULL, "the read was presented")) {
		/* nothing to complete: the reader is stuck in the queue */
		t->wedged = true;
		return;
	}
	r = READ_ONCE(wt_qk_kept);
	send_sig(sig, task, 1);
	wt_qk_wait(t, wt_qk_cancelled, r, "the request was cancelled");
	if (sig == SIGKILL) {
		ended = wait_for_completion_timeout(&k->done,
						    WT_TIMEOUT_S * HZ);
		T_TRUE(t, ended, "a killed reader left before the completion");
		/* the buffer is still the request's */
		if (T_STATUS(t, STATUS_SUCCESS,
			     WdfRequestRetrieveOutputBuffer(r, 1, &buf, &len)))
			memset(buf, 0xa5, len);
		WdfRequestCompleteWithInformation(r, STATUS_SUCCESS, len);
	} else {
		WdfRequestComplete(r, STATUS_CANCELLED);
	}
	if (!ended &&
	    !T_TRUE(t, wait_for_completion_timeout(&k->done,
						   WT_TIMEOUT_S * HZ),
		    "the read ended")) {
		t->wedged = true;
		put_task_struct(task);
		return;
	}
	T_EQ(t, (u64)-EINTR, (u64)k->ret);
	put_task_struct(task);
}

int wt_qfix_cdev_kill(struct wt *t)
{
	struct wt_qk_reader *k;
	WDFQUEUE q;

	k = kzalloc(sizeof(*k), GFP_KERNEL);
	if (!T_TRUE(t, k, "kzalloc"))
		return 0;
	if (!wt_qk_setup(t, L"\\Device\\wdfio_qfk", wt_qk_keep, &k->driver, &q))
		goto out;
	k->filp = filp_open("/dev/wdfio_qfk", O_RDWR, 0);
	if (!T_TRUE(t, !IS_ERR(k->filp), "open: %ld", PTR_ERR(k->filp))) {
		k->filp = NULL;
		goto out;
	}
	wt_set_where(t, "SIGUSR1");
	wt_qk_signalled(t, k, SIGUSR1);
	if (t->wedged)
		return 0;
	wt_set_where(t, "SIGKILL");
	wt_qk_signalled(t, k, SIGKILL);
	if (t->wedged)
		return 0;
out:
	if (k->filp)
		filp_close(k->filp, NULL);
	if (k->driver)
		WdfObjectDelete(k->driver);
	kfree(k);
	return 0;
}

/* ---- Stop of a purged queue ---------------------------------------------- */

static EVT_WDF_IO_QUEUE_IO_READ wt_qs_read;

static void wt_qs_read(WDFQUEUE Queue, WDFREQUEST Request, size_t Length)
{
	WdfRequestComplete(Request, STATUS_SUCCESS);
}

/* A purged queue stays closed to new requests through every kind of Stop. */
int wt_qfix_stop_purged(struct wt *t)
{
	WDF_IO_QUEUE_CONFIG qc;
	WDF_DRIVER_CONFIG cfg;
	PWDFDEVICE_INIT init;
	WDFDRIVER driver = NULL;
	WDFDEVICE device;
	WDFQUEUE q;

	WDF_DRIVER_CONFIG_INIT(&cfg, WDF_NO_EVENT_CALLBACK);
	if (!T_STATUS(t, STATUS_SUCCESS,
		      WdfDriverCreate(NULL, NULL, WDF_NO_OBJECT_ATTRIBUTES,
				      &cfg, &driver)))
		return 0;
	init = WdfControlDeviceInitAllocate(driver, NULL);
	if (!T_TRUE(t, init, "WdfControlDeviceInitAllocate"))
		goto out;
	if (!T_STATUS(t, STATUS_SUCCESS,
		      WdfDeviceCreate(&init, WDF_NO_OBJECT_ATTRIBUTES,
				      &device))) {
		WdfDeviceInitFree(init);
		goto out;
	}
	WDF_IO_QUEUE_CONFIG_INIT(&qc, WdfIoQueueDispatchSequential);
	qc.EvtIoRead = wt_qs_read;
	if (!T_STATUS(t, STATUS_SUCCESS, WdfIoQueueCreate(device, &qc, NULL,
							  &q)))
		goto out;

	WdfIoQueuePurgeSynchronously(q);
	T_EQ(t, 0, WdfIoQueueGetState(q, NULL, NULL) & WdfIoQueueAcceptRequests);
	wt_set_where(t, "Stop");
	WdfIoQueueStop(q, NULL, NULL);
	T_EQ(t, 0, WdfIoQueueGetState(q, NULL, NULL) & WdfIoQueueAcceptRequests);
	wt_set_where(t, "StopSynchronously");
	WdfIoQueueStopSynchronously(q);
	T_EQ(t, 0, WdfIoQueueGetState(q, NULL, NULL) & WdfIoQueueAcceptRequests);
	wt_set_where(t, "StopAndPurgeSynchronously");
	WdfIoQueueStopAndPurgeSynchronously(q);
	T_EQ(t, 0, WdfIoQueueGetState(q, NULL, NULL) & WdfIoQueueAcceptRequests);
	wt_set_where(t, "Start, then Stop");
	WdfIoQueueStart(q);
	T_TRUE(t, WDF_IO_QUEUE_READY(WdfIoQueueGetState(q, NULL, NULL)),
	       "ready");
	WdfIoQueueStop(q, NULL, NULL);
	T_TRUE(t, WDF_IO_QUEUE_STOPPED(WdfIoQueueGetState(q, NULL, NULL)),
	       "stopped, accepting");
out:
	WdfObjectDelete(driver);
	return 0;
}
