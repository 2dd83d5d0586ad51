// SPDX-License-Identifier: GPL-2.0
/*
 * Power-managed queues: wdfio_device_set_power_state() out of D0 and back,
 * with EvtIoStop(Suspend), WdfRequestStopAcknowledge (requeue or keep),
 * EvtIoResume, a queue that is not power-managed, a driver without
 * EvtIoStop, one that never acknowledges (the deadline), and the device's
 * deletion while out of D0. Writes go through the character front-end from
 * work items; every order is asserted with a sequence counter, never time.
 */
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include <wdflinux.h>

#include "util.h"
#include "wt_cases.h"

#define WT_PW_LEN	16
#define WT_PW_MAX	8

enum wt_pw_mode {
	WT_PW_LATER,		/* EvtIoStop does nothing; the case acknowledges */
	WT_PW_KEEP,		/* EvtIoStop acknowledges with Requeue FALSE */
};

/* One presentation (EvtIoWrite) */
struct wt_pw_pres {
	WDFREQUEST req;
	int idx;		/* the write's index (its first byte) */
	bool data_ok;		/* its input buffer holds its pattern */
	int seq;
};

static struct {
	enum wt_pw_mode mode;
	bool keep;		/* EvtIoWrite keeps the request, else completes it */
	bool cancelable;	/* ... and marks it cancelable */
	atomic_t seq;
	atomic_t npres;
	struct wt_pw_pres pres[WT_PW_MAX];
	atomic_t stops;
	WDFREQUEST stop_req[2];
	ULONG stop_flags[2];
	atomic_t resumes;
	WDFREQUEST resume_req;
	int resume_seq;
	atomic_t cancels;
} wt_pw;

static EVT_WDF_IO_QUEUE_IO_WRITE wt_pw_write;
static EVT_WDF_IO_QUEUE_IO_READ wt_pw_read;
static EVT_WDF_IO_QUEUE_IO_STOP wt_pw_stop;
static EVT_WDF_IO_QUEUE_IO_RESUME wt_pw_resume;
static EVT_WDF_REQUEST_CANCEL wt_pw_cancel;

static int wt_pw_next(void)
{
	return atomic_inc_return(&wt_pw.seq);
}

static void wt_pw_pattern(u8 *buf, int idx)
{
	int i;

	buf[0] = idx;
	for (i = 1; i < WT_PW_LEN; i++)
		buf[i] = (idx * 7 + i) ^ 0x5a;
}

static void wt_pw_cancel(WDFREQUEST Request)
{
	atomic_inc(&wt_pw.cancels);
	WdfRequestComplete(Request, STATUS_CANCELLED);
}

static void wt_pw_write(WDFQUEUE Queue, WDFREQUEST Request, size_t Length)
{
	int n = atomic_read(&wt_pw.npres);
	u8 want[WT_PW_LEN];
	size_t len = 0;
	PVOID buf = NULL;

	if (n < WT_PW_MAX) {
		struct wt_pw_pres *p = &wt_pw.pres[n];

		p->req = Request;
		p->idx = -1;
		if (NT_SUCCESS(WdfRequestRetrieveInputBuffer(Request, WT_PW_LEN,
							     &buf, &len))) {
			p->idx = ((u8 *)buf)[0];
			wt_pw_pattern(want, p->idx);
			p->data_ok = len == WT_PW_LEN &&
				     !memcmp(buf, want, WT_PW_LEN);
		}
		p->seq = wt_pw_next();
	}
	atomic_inc(&wt_pw.npres);
	if (!READ_ONCE(wt_pw.keep))
		WdfRequestCompleteWithInformation(Request, STATUS_SUCCESS, len);
	else if (READ_ONCE(wt_pw.cancelable))
		WdfRequestMarkCancelable(Request, wt_pw_cancel);
	wake_up_all(&wt_wq);
}

/* The read queue that is not power-managed: complete at once. */
static void wt_pw_read(WDFQUEUE Queue, WDFREQUEST Request, size_t Length)
{
	WdfRequestCompleteWithInformation(Request, STATUS_SUCCESS, 0);
}

static void wt_pw_stop(WDFQUEUE Queue, WDFREQUEST Request, ULONG ActionFlags)
{
	int n = atomic_read(&wt_pw.stops);

	if (n < 2) {
		wt_pw.stop_req[n] = Request;
		wt_pw.stop_flags[n] = ActionFlags;
	}
	atomic_inc(&wt_pw.stops);
	if (ActionFlags & WdfRequestStopActionPurge) {
		/* the queue is deleted: give it back, it is cancelled */
		WdfRequestStopAcknowledge(Request, TRUE);
	} else if (wt_pw.mode == WT_PW_KEEP) {
		WdfRequestStopAcknowledge(Request, FALSE);
	}
	wake_up_all(&wt_wq);
}

static void wt_pw_resume(WDFQUEUE Queue, WDFREQUEST Request)
{
	wt_pw.resume_req = Request;
	wt_pw.resume_seq = wt_pw_next();
	atomic_inc(&wt_pw.resumes);
	wake_up_all(&wt_wq);
}

/* ---- the fixture ----------------------------------------------------------- */

struct wt_pw_io {
	struct work_struct work;
	struct file *filp;
	bool read;
	u8 buf[WT_PW_LEN];
	ssize_t ret;
	struct completion done;
};

struct wt_pw_pow {
	struct work_struct work;
	WDFDEVICE device;
	WDF_POWER_DEVICE_STATE state;
	ULONG timeout_ms;
	NTSTATUS status;
	int ret_seq;
	struct completion done;
};

struct wt_pw_fix {
	WDFDRIVER driver;
	WDFDEVICE device;
	WDFQUEUE q;		/* power-managed, parallel, writes */
	WDFQUEUE npq;		/* not power-managed, reads (optional) */
	WDFQUEUE man;		/* power-managed, manual (optional) */
	WDFQUEUE q2;		/* power-managed, parallel, writes (optional) */
	struct wt_pw_io io[WT_PW_MAX];
	unsigned int nio;
	struct wt_pw_pow pow;
	bool pow_started;
	char path[32];		/* /dev/wdfio_pw<n>: a wedged case leaks its own */
	WDFREQUEST kept;	/* complete before deleting (no EvtIoStop) */
};

static void wt_pw_io_fn(struct work_struct *work)
{
	struct wt_pw_io *io = container_of(work, struct wt_pw_io, work);
	loff_t pos = 0;

	if (io->read)
		io->ret = kernel_read(io->filp, io->buf, sizeof(io->buf), &pos);
	else
		io->ret = kernel_write(io->filp, io->buf, sizeof(io->buf), &pos);
	complete_all(&io->done);
}

static void wt_pw_pow_fn(struct work_struct *work)
{
	struct wt_pw_pow *p = container_of(work, struct wt_pw_pow, work);

	p->status = wdfio_device_set_power_state(p->device, p->state,
						 p->timeout_ms);
	p->ret_seq = wt_pw_next();
	complete_all(&p->done);
}

/* A control device /dev/wdfio_pw<n>: its default queue takes writes. */
static bool wt_pw_open(struct wt *t, struct wt_pw_fix *f, int n,
		       bool with_stop, bool with_npq, bool with_q2)
{
	WCHAR wname[] = L"\\Device\\wdfio_pw0";
	WDF_IO_QUEUE_CONFIG qc;
	WDF_DRIVER_CONFIG cfg;
	PWDFDEVICE_INIT init;
	UNICODE_STRING name;
	NTSTATUS status;

	memset(f, 0, sizeof(*f));
	memset(&wt_pw, 0, sizeof(wt_pw));
	snprintf(f->path, sizeof(f->path), "/dev/wdfio_pw%d", n);
	wname[ARRAY_SIZE(wname) - 2] = L'0' + n;
	RtlInitUnicodeString(&name, wname);
	WDF_DRIVER_CONFIG_INIT(&cfg, WDF_NO_EVENT_CALLBACK);
	status = WdfDriverCreate(NULL, NULL, WDF_NO_OBJECT_ATTRIBUTES, &cfg,
				 &f->driver);
	if (!T_STATUS(t, STATUS_SUCCESS, status))
		return false;
	init = WdfControlDeviceInitAllocate(f->driver, NULL);
	if (!T_TRUE(t, init, "WdfControlDeviceInitAllocate"))
		return false;
	T_STATUS(t, STATUS_SUCCESS, WdfDeviceInitAssignName(init, &name));
	status = WdfDeviceCreate(&init, WDF_NO_OBJECT_ATTRIBUTES, &f->device);
	if (!T_STATUS(t, STATUS_SUCCESS, status)) {
		WdfDeviceInitFree(init);
		return false;
	}
	WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(&qc, WdfIoQueueDispatchParallel);
	qc.EvtIoWrite = wt_pw_write;
	if (with_stop)
		qc.EvtIoStop = wt_pw_stop;
	qc.EvtIoResume = wt_pw_resume;
	if (!T_STATUS(t, STATUS_SUCCESS,
		      WdfIoQueueCreate(f->device, &qc, NULL, &f->q)))
		return false;
	if (with_npq) {
		WDF_IO_QUEUE_CONFIG_INIT(&qc, WdfIoQueueDispatchParallel);
		qc.EvtIoRead = wt_pw_read;
		qc.PowerManaged = WdfFalse;
		if (!T_STATUS(t, STATUS_SUCCESS,
			      WdfIoQueueCreate(f->device, &qc, NULL, &f->npq)))
			return false;
		T_STATUS(t, STATUS_SUCCESS,
			 WdfDeviceConfigureRequestDispatching(f->device, f->npq,
							      WdfRequestTypeRead));
		WDF_IO_QUEUE_CONFIG_INIT(&qc, WdfIoQueueDispatchManual);
		if (!T_STATUS(t, STATUS_SUCCESS,
			      WdfIoQueueCreate(f->device, &qc, NULL, &f->man)))
			return false;
	}
	if (with_q2) {
		WDF_IO_QUEUE_CONFIG_INIT(&qc, WdfIoQueueDispatchParallel);
		qc.EvtIoWrite = wt_pw_write;
		qc.EvtIoStop = wt_pw_stop;
		qc.EvtIoResume = wt_pw_resume;
		if (!T_STATUS(t, STATUS_SUCCESS,
			      WdfIoQueueCreate(f->device, &qc, NULL, &f->q2)))
			return false;
	}
	WdfControlFinishInitializing(f->device);
	return true;
}

/* Start write @idx (pattern @idx), or a read, on its own open file. */
static struct wt_pw_io *wt_pw_start(struct wt *t, struct wt_pw_fix *f,
				    int idx, bool read)
{
	struct wt_pw_io *io;

	if (!T_TRUE(t, f->nio < WT_PW_MAX, "too many I/Os"))
		return NULL;
	io = &f->io[f->nio];
	io->filp = filp_open(f->path, O_RDWR, 0);
	if (!T_TRUE(t, !IS_ERR(io->filp), "open %s: %ld", f->path,
		    PTR_ERR(io->filp))) {
		io->filp = NULL;
		return NULL;
	}
	f->nio++;
	io->read = read;
	wt_pw_pattern(io->buf, idx);
	init_completion(&io->done);
	INIT_WORK(&io->work, wt_pw_io_fn);
	schedule_work(&io->work);
	return io;
}

/* Wait (bounded) for an I/O to end; its return value, or a wedge. */
static bool wt_pw_io_ended(struct wt *t, struct wt_pw_io *io, ssize_t want)
{
	if (!io)
		return false;
	if (!T_TRUE(t, wait_for_completion_timeout(&io->done,
						   WT_TIMEOUT_S * HZ),
		    "the I/O ended")) {
		t->wedged = true;
		return false;
	}
	return T_EQ(t, (u64)want, (u64)io->ret);
}

static void wt_pw_pow_start(struct wt_pw_fix *f, WDF_POWER_DEVICE_STATE s,
			    ULONG timeout_ms)
{
	f->pow.device = f->device;
	f->pow.state = s;
	f->pow.timeout_ms = timeout_ms;
	f->pow_started = true;
	init_completion(&f->pow.done);
	INIT_WORK(&f->pow.work, wt_pw_pow_fn);
	schedule_work(&f->pow.work);
}

static bool wt_pw_pow_ended(struct wt *t, struct wt_pw_fix *f)
{
	if (T_TRUE(t, wait_for_completion_timeout(&f->pow.done,
						  WT_TIMEOUT_S * HZ),
		   "wdfio_device_set_power_state returned"))
		return true;
	t->wedged = true;
	return false;
}

/* Wait (bounded) until @q has @queued requests queued and @owned owned. */
static bool wt_pw_wait_state(struct wt *t, WDFQUEUE q, ULONG want_queued,
			     ULONG want_owned)
{
	ULONG queued = 0, owned = 0;
	int i;

	for (i = 0; i < WT_TIMEOUT_S * 100; i++) {
		WdfIoQueueGetState(q, &queued, &owned);
		if (queued == want_queued && owned == want_owned)
			return true;
		usleep_range(10000, 20000);
	}
	T_FAIL(t, "queue: %u queued, %u owned; wanted %u, %u", queued, owned,
	       want_queued, want_owned);
	return false;
}

static bool wt_pw_stops_is(void *arg)
{
	return atomic_read(&wt_pw.stops) >= (long)arg;
}

static bool wt_pw_held(WDFQUEUE q)
{
	return WdfIoQueueGetState(q, NULL, NULL) & WdfIoQueuePnpHeld;
}

/* Presentation @n was of write @idx, with its data intact */
static bool wt_pw_check_pres(struct wt *t, int n, int idx)
{
	if (!T_TRUE(t, n < atomic_read(&wt_pw.npres), "presentation %d", n))
		return false;
	return T_EQ(t, idx, wt_pw.pres[n].idx) &&
	       T_TRUE(t, wt_pw.pres[n].data_ok, "data of write %d", idx);
}

/* End what is left: complete every request still kept, close, delete. */
static void wt_pw_close(struct wt *t, struct wt_pw_fix *f)
{
	unsigned int i;

	if (t->wedged)
		return;		/* leak: something may still run */
	if (f->kept)
		WdfRequestComplete(f->kept, STATUS_CANCELLED);
	if (f->driver)
		WdfObjectDelete(f->driver);
	if (f->pow_started &&
	    !wait_for_completion_timeout(&f->pow.done, WT_TIMEOUT_S * HZ)) {
		T_FAIL(t, "the power call did not return");
		t->wedged = true;
		return;
	}
	for (i = 0; i < f->nio; i++) {
		if (!wait_for_completion_timeout(&f->io[i].done,
						 WT_TIMEOUT_S * HZ)) {
			T_FAIL(t, "I/O %u did not end", i);
			t->wedged = true;
			return;
		}
		filp_close(f->io[i].filp, NULL);
	}
}

static struct wt_pw_fix *wt_pw_alloc(struct wt *t)
{
	struct wt_pw_fix *f = kzalloc(sizeof(*f), GFP_KERNEL);

	T_TRUE(t, f, "kzalloc");
	return f;
}

static void wt_pw_free(struct wt *t, struct wt_pw_fix *f)
{
	if (!t->wedged)
		kfree(f);
}

/* ---- the cases -------------------------------------------------------------- */

/*
 * A write the driver owns (marked cancelable): leaving D0 calls EvtIoStop
 * (Suspend | Cancelable) and does not return before the acknowledgment;
 * Requeue TRUE puts it back, and back in D0 the same request is presented
 * again with its data, before a write that arrived while out of D0.
 */
int wt_power_stop_requeue(struct wt *t)
{
	struct wt_pw_io *w0, *w1;
	struct wt_pw_fix *f;
	WDFREQUEST r0;
	int ack_seq;

	f = wt_pw_alloc(t);
	if (!f)
		return 0;
	if (!wt_pw_open(t, f, 1, true, false, false))
		goto out;
	wt_pw.mode = WT_PW_LATER;
	wt_pw.keep = true;
	wt_pw.cancelable = true;

	wt_set_where(t, "a write the driver keeps");
	w0 = wt_pw_start(t, f, 0, false);
	if (!w0 || !wt_pw_wait_state(t, f->q, 0, 1))
		goto out;
	r0 = wt_pw.pres[0].req;
	T_TRUE(t, wt_pw_check_pres(t, 0, 0), "first presentation");

	wt_set_where(t, "leaving D0");
	wt_pw_pow_start(f, WdfPowerDeviceD3, WT_TIMEOUT_S * 1000);
	if (!wt_wait_cond_timeout(t, wt_pw_stops_is, (void *)1L, "EvtIoStop"))
		goto out;
	T_PTR(t, r0, wt_pw.stop_req[0]);
	T_EQ(t, WdfRequestStopActionSuspend | WdfRequestStopRequestCancelable,
	     wt_pw.stop_flags[0]);
	T_TRUE(t, !completion_done(&f->pow.done),
	       "the power-down returned before the acknowledgment");
	T_TRUE(t, wt_pw_held(f->q), "the queue is held for power");

	wt_set_where(t, "a write while out of D0");
	w1 = wt_pw_start(t, f, 1, false);
	if (!w1 || !wt_pw_wait_state(t, f->q, 1, 1))
		goto out;
	T_EQ(t, 1, atomic_read(&wt_pw.npres));

	wt_set_where(t, "acknowledge with Requeue TRUE");
	T_STATUS(t, STATUS_SUCCESS, WdfRequestUnmarkCancelable(r0));
	ack_seq = wt_pw_next();
	WdfRequestStopAcknowledge(r0, TRUE);
	if (!wt_pw_pow_ended(t, f))
		goto out;
	T_STATUS(t, STATUS_SUCCESS, f->pow.status);
	T_GE(t, ack_seq + 1, f->pow.ret_seq);
	T_TRUE(t, wt_pw_wait_state(t, f->q, 2, 0), "both queued");
	T_EQ(t, 1, atomic_read(&wt_pw.npres));
	T_TRUE(t, !completion_done(&w0->done), "the requeued write ended");

	wt_set_where(t, "back in D0");
	wt_pw.keep = false;
	T_STATUS(t, STATUS_SUCCESS,
		 wdfio_device_set_power_state(f->device, WdfPowerDeviceD0, 0));
	if (!wt_pw_io_ended(t, w0, WT_PW_LEN) ||
	    !wt_pw_io_ended(t, w1, WT_PW_LEN))
		goto out;
	T_EQ(t, 3, atomic_read(&wt_pw.npres));
	T_PTR(t, r0, wt_pw.pres[1].req);
	wt_pw_check_pres(t, 1, 0);
	wt_pw_check_pres(t, 2, 1);
	T_EQ(t, 1, atomic_read(&wt_pw.stops));
	T_EQ(t, 0, atomic_read(&wt_pw.resumes));
	T_EQ(t, 0, atomic_read(&wt_pw.cancels));
	T_TRUE(t, !wt_pw_held(f->q), "the queue is released");
out:
	wt_pw_close(t, f);
	wt_pw_free(t, f);
	return 0;
}

/*
 * Requeue FALSE: the driver keeps the write through the power-down, which
 * then returns; writes that arrive meanwhile wait; back in D0, EvtIoResume
 * for the kept write comes before they are presented, in order.
 */
int wt_power_stop_resume(struct wt *t)
{
	struct wt_pw_io *w0, *w1, *w2;
	struct wt_pw_fix *f;
	WDFREQUEST r0;

	f = wt_pw_alloc(t);
	if (!f)
		return 0;
	if (!wt_pw_open(t, f, 2, true, false, false))
		goto out;
	wt_pw.mode = WT_PW_KEEP;
	wt_pw.keep = true;

	w0 = wt_pw_start(t, f, 0, false);
	if (!w0 || !wt_pw_wait_state(t, f->q, 0, 1))
		goto out;
	r0 = wt_pw.pres[0].req;

	wt_set_where(t, "leaving D0, the write kept");
	T_STATUS(t, STATUS_SUCCESS,
		 wdfio_device_set_power_state(f->device, WdfPowerDeviceD3, 0));
	T_EQ(t, 1, atomic_read(&wt_pw.stops));
	T_PTR(t, r0, wt_pw.stop_req[0]);
	T_EQ(t, WdfRequestStopActionSuspend, wt_pw.stop_flags[0]);
	T_EQ(t, 0, atomic_read(&wt_pw.resumes));
	T_TRUE(t, wt_pw_held(f->q), "held");
	/* a deeper state changes nothing */
	T_STATUS(t, STATUS_SUCCESS,
		 wdfio_device_set_power_state(f->device, WdfPowerDeviceD3Final, 0));
	T_EQ(t, 1, atomic_read(&wt_pw.stops));

	wt_set_where(t, "writes while out of D0 wait");
	w1 = wt_pw_start(t, f, 1, false);
	if (!w1 || !wt_pw_wait_state(t, f->q, 1, 1))
		goto out;
	w2 = wt_pw_start(t, f, 2, false);
	if (!w2 || !wt_pw_wait_state(t, f->q, 2, 1))
		goto out;
	T_EQ(t, 1, atomic_read(&wt_pw.npres));
	T_TRUE(t, !completion_done(&w0->done), "the kept write ended");

	wt_set_where(t, "back in D0");
	wt_pw.keep = false;
	T_STATUS(t, STATUS_SUCCESS,
		 wdfio_device_set_power_state(f->device, WdfPowerDeviceD0, 0));
	T_EQ(t, 1, atomic_read(&wt_pw.resumes));
	T_PTR(t, r0, wt_pw.resume_req);
	if (!wt_pw_io_ended(t, w1, WT_PW_LEN) ||
	    !wt_pw_io_ended(t, w2, WT_PW_LEN))
		goto out;
	if (!T_EQ(t, 3, atomic_read(&wt_pw.npres)))
		goto out;
	wt_pw_check_pres(t, 1, 1);
	wt_pw_check_pres(t, 2, 2);
	T_GE(t, wt_pw.resume_seq + 1, wt_pw.pres[1].seq);
	T_TRUE(t, !completion_done(&w0->done), "the kept write ended");
	WdfRequestCompleteWithInformation(r0, STATUS_SUCCESS, WT_PW_LEN);
	wt_pw_io_ended(t, w0, WT_PW_LEN);
	T_EQ(t, 1, atomic_read(&wt_pw.stops));
out:
	wt_pw_close(t, f);
	wt_pw_free(t, f);
	return 0;
}

/*
 * Out of D0 a queue created with PowerManaged WdfFalse keeps presenting;
 * a power-managed manual queue is paused (STATUS_WDF_PAUSED, PnpHeld).
 */
int wt_power_not_managed(struct wt *t)
{
	struct wt_pw_io *r, *w;
	struct wt_pw_fix *f;
	WDFREQUEST req;

	f = wt_pw_alloc(t);
	if (!f)
		return 0;
	if (!wt_pw_open(t, f, 3, true, true, false))
		goto out;
	wt_pw.mode = WT_PW_KEEP;

	wt_set_where(t, "bad arguments");
	wt_quiet_verifier(t);
	T_STATUS(t, STATUS_INVALID_PARAMETER,
		 wdfio_device_set_power_state(f->device, WdfPowerDeviceInvalid, 0));
	T_STATUS(t, STATUS_INVALID_PARAMETER,
		 wdfio_device_set_power_state(f->device, WdfPowerDeviceMaximum, 0));
	T_STATUS(t, STATUS_INVALID_HANDLE,
		 wdfio_device_set_power_state(NULL, WdfPowerDeviceD3, 0));
	T_STATUS(t, STATUS_SUCCESS,
		 wdfio_device_set_power_state(f->device, WdfPowerDeviceD0, 0));
	T_TRUE(t, !wt_pw_held(f->q), "in D0 already");

	wt_set_where(t, "leaving D0 with nothing owned");
	T_STATUS(t, STATUS_SUCCESS,
		 wdfio_device_set_power_state(f->device, WdfPowerDeviceD2, 0));
	T_EQ(t, 0, atomic_read(&wt_pw.stops));
	T_TRUE(t, wt_pw_held(f->q), "the power-managed queue is held");
	T_TRUE(t, wt_pw_held(f->man), "the manual queue is held");
	T_TRUE(t, !wt_pw_held(f->npq), "the other queue is not");
	T_TRUE(t, !WDF_IO_QUEUE_READY(WdfIoQueueGetState(f->man, NULL, NULL)),
	       "held is not ready");
	T_STATUS(t, STATUS_WDF_PAUSED,
		 WdfIoQueueRetrieveNextRequest(f->man, &req));

	wt_set_where(t, "a read to the queue that is not power-managed");
	r = wt_pw_start(t, f, 0, true);
	if (!wt_pw_io_ended(t, r, 0))
		goto out;
	wt_set_where(t, "a write to the held queue waits");
	w = wt_pw_start(t, f, 1, false);
	if (!w || !wt_pw_wait_state(t, f->q, 1, 0))
		goto out;
	T_EQ(t, 0, atomic_read(&wt_pw.npres));

	wt_set_where(t, "back in D0");
	T_STATUS(t, STATUS_SUCCESS,
		 wdfio_device_set_power_state(f->device, WdfPowerDeviceD0, 0));
	if (!wt_pw_io_ended(t, w, WT_PW_LEN))
		goto out;
	wt_pw_check_pres(t, 0, 1);
	T_STATUS(t, STATUS_NO_MORE_ENTRIES,
		 WdfIoQueueRetrieveNextRequest(f->man, &req));
	T_TRUE(t, WDF_IO_QUEUE_READY(WdfIoQueueGetState(f->man, NULL, NULL)),
	       "ready again");
	T_EQ(t, 0, atomic_read(&wt_pw.stops));
	T_EQ(t, 0, atomic_read(&wt_pw.resumes));
out:
	wt_pw_close(t, f);
	wt_pw_free(t, f);
	return 0;
}

/* Without EvtIoStop, leaving D0 waits until the driver completes. */
int wt_power_no_stop(struct wt *t)
{
	struct wt_pw_fix *f;
	struct wt_pw_io *w0;
	int done_seq, i;

	f = wt_pw_alloc(t);
	if (!f)
		return 0;
	if (!wt_pw_open(t, f, 4, false, false, false))
		goto out;
	wt_pw.keep = true;
	w0 = wt_pw_start(t, f, 0, false);
	if (!w0 || !wt_pw_wait_state(t, f->q, 0, 1))
		goto out;
	f->kept = wt_pw.pres[0].req;

	wt_set_where(t, "leaving D0 with a write owned");
	wt_pw_pow_start(f, WdfPowerDeviceD3, WT_TIMEOUT_S * 1000);
	/* the hold comes first: the power-down is under way */
	for (i = 0; i < WT_TIMEOUT_S * 1000; i++) {
		if (wt_pw_held(f->q) || completion_done(&f->pow.done))
			break;
		usleep_range(1000, 2000);
	}
	T_TRUE(t, !completion_done(&f->pow.done),
	       "the power-down returned with a request owned");
	done_seq = wt_pw_next();
	WdfRequestCompleteWithInformation(f->kept, STATUS_SUCCESS, WT_PW_LEN);
	f->kept = NULL;
	if (!wt_pw_pow_ended(t, f))
		goto out;
	T_STATUS(t, STATUS_SUCCESS, f->pow.status);
	T_GE(t, done_seq + 1, f->pow.ret_seq);
	wt_pw_io_ended(t, w0, WT_PW_LEN);
	T_STATUS(t, STATUS_SUCCESS,
		 wdfio_device_set_power_state(f->device, WdfPowerDeviceD0, 0));
	T_EQ(t, 0, atomic_read(&wt_pw.resumes));
out:
	wt_pw_close(t, f);
	wt_pw_free(t, f);
	return 0;
}

/*
 * A driver that never acknowledges: the power-down gives up after its
 * deadline with STATUS_IO_TIMEOUT and leaves the device in D0 (it presents
 * again); the request is still the driver's and completes normally; the
 * next power-down asks for it again.
 */
int wt_power_deadline(struct wt *t)
{
	struct wt_pw_io *w0, *w1;
	struct wt_pw_fix *f;
	WDFREQUEST r0;

	f = wt_pw_alloc(t);
	if (!f)
		return 0;
	if (!wt_pw_open(t, f, 5, true, false, false))
		goto out;
	wt_pw.mode = WT_PW_LATER;
	wt_pw.keep = true;
	w0 = wt_pw_start(t, f, 0, false);
	if (!w0 || !wt_pw_wait_state(t, f->q, 0, 1))
		goto out;
	r0 = wt_pw.pres[0].req;

	wt_set_where(t, "leaving D0, never acknowledged");
	T_STATUS(t, STATUS_IO_TIMEOUT,
		 wdfio_device_set_power_state(f->device, WdfPowerDeviceD3, 200));
	T_EQ(t, 1, atomic_read(&wt_pw.stops));
	T_TRUE(t, !wt_pw_held(f->q), "back in D0 after the deadline");

	wt_set_where(t, "the device works after the deadline");
	wt_pw.keep = false;
	w1 = wt_pw_start(t, f, 1, false);
	if (!wt_pw_io_ended(t, w1, WT_PW_LEN))
		goto out;
	wt_pw_check_pres(t, 1, 1);
	T_TRUE(t, !completion_done(&w0->done), "the unacknowledged write ended");

	wt_set_where(t, "the next power-down asks again");
	wt_pw.mode = WT_PW_KEEP;
	T_STATUS(t, STATUS_SUCCESS,
		 wdfio_device_set_power_state(f->device, WdfPowerDeviceD3, 0));
	T_EQ(t, 2, atomic_read(&wt_pw.stops));
	T_PTR(t, r0, wt_pw.stop_req[1]);
	T_STATUS(t, STATUS_SUCCESS,
		 wdfio_device_set_power_state(f->device, WdfPowerDeviceD0, 0));
	T_EQ(t, 1, atomic_read(&wt_pw.resumes));

	wt_set_where(t, "the request completes");
	WdfRequestCompleteWithInformation(r0, STATUS_SUCCESS, WT_PW_LEN);
	wt_pw_io_ended(t, w0, WT_PW_LEN);
out:
	wt_pw_close(t, f);
	wt_pw_free(t, f);
	return 0;
}

/*
 * Deleting the device out of D0: the queued write is cancelled, the kept
 * one gets EvtIoStop(Purge) (and is cancelled); no EvtIoResume ever.
 */
int wt_power_delete_down(struct wt *t)
{
	struct wt_pw_io *w0, *w1;
	struct wt_pw_fix *f;

	f = wt_pw_alloc(t);
	if (!f)
		return 0;
	if (!wt_pw_open(t, f, 6, true, false, false))
		goto out;
	wt_pw.mode = WT_PW_KEEP;
	wt_pw.keep = true;
	w0 = wt_pw_start(t, f, 0, false);
	if (!w0 || !wt_pw_wait_state(t, f->q, 0, 1))
		goto out;
	T_STATUS(t, STATUS_SUCCESS,
		 wdfio_device_set_power_state(f->device, WdfPowerDeviceD3, 0));
	w1 = wt_pw_start(t, f, 1, false);
	if (!w1 || !wt_pw_wait_state(t, f->q, 1, 1))
		goto out;

	wt_set_where(t, "delete out of D0");
	WdfObjectDelete(f->driver);
	f->driver = NULL;
	if (!wt_pw_io_ended(t, w0, -ECANCELED) ||
	    !wt_pw_io_ended(t, w1, -ECANCELED))
		goto out;
	T_EQ(t, 2, atomic_read(&wt_pw.stops));
	T_EQ(t, WdfRequestStopActionPurge, wt_pw.stop_flags[1]);
	T_EQ(t, 1, atomic_read(&wt_pw.npres));
	T_EQ(t, 0, atomic_read(&wt_pw.resumes));
out:
	wt_pw_close(t, f);
	wt_pw_free(t, f);
	return 0;
}

/*
 * A request kept through a power-down and then forwarded to another
 * power-managed queue is that queue's like any other: no EvtIoResume for
 * it, and the next power-down calls EvtIoStop for it again.
 */
int wt_power_forward_kept(struct wt *t)
{
	struct wt_pw_fix *f;
	struct wt_pw_io *w0;
	WDFREQUEST r0;

	f = wt_pw_alloc(t);
	if (!f)
		return 0;
	if (!wt_pw_open(t, f, 7, true, false, true))
		goto out;
	wt_pw.mode = WT_PW_KEEP;
	wt_pw.keep = true;
	w0 = wt_pw_start(t, f, 0, false);
	if (!w0 || !wt_pw_wait_state(t, f->q, 0, 1))
		goto out;
	r0 = wt_pw.pres[0].req;

	wt_set_where(t, "kept, then forwarded while out of D0");
	T_STATUS(t, STATUS_SUCCESS,
		 wdfio_device_set_power_state(f->device, WdfPowerDeviceD3, 0));
	T_EQ(t, 1, atomic_read(&wt_pw.stops));
	T_STATUS(t, STATUS_SUCCESS, WdfRequestForwardToIoQueue(r0, f->q2));
	if (!wt_pw_wait_state(t, f->q2, 1, 0))
		goto out;

	wt_set_where(t, "back in D0: presented by the second queue");
	T_STATUS(t, STATUS_SUCCESS,
		 wdfio_device_set_power_state(f->device, WdfPowerDeviceD0, 0));
	if (!wt_pw_wait_state(t, f->q2, 0, 1))
		goto out;
	T_EQ(t, 0, atomic_read(&wt_pw.resumes));
	T_EQ(t, 2, atomic_read(&wt_pw.npres));
	T_PTR(t, r0, wt_pw.pres[1].req);
	wt_pw_check_pres(t, 1, 0);

	wt_set_where(t, "the next power-down stops it again");
	T_STATUS(t, STATUS_SUCCESS,
		 wdfio_device_set_power_state(f->device, WdfPowerDeviceD3, 0));
	T_EQ(t, 2, atomic_read(&wt_pw.stops));
	T_PTR(t, r0, wt_pw.stop_req[1]);
	T_EQ(t, WdfRequestStopActionSuspend, wt_pw.stop_flags[1]);
	T_STATUS(t, STATUS_SUCCESS,
		 wdfio_device_set_power_state(f->device, WdfPowerDeviceD0, 0));
	T_EQ(t, 1, atomic_read(&wt_pw.resumes));
	T_PTR(t, r0, wt_pw.resume_req);
	WdfRequestCompleteWithInformation(r0, STATUS_SUCCESS, WT_PW_LEN);
	wt_pw_io_ended(t, w0, WT_PW_LEN);
out:
	wt_pw_close(t, f);
	wt_pw_free(t, f);
	return 0;
}
