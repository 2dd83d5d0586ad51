// SPDX-License-Identifier: GPL-2.0
/*
 * SynchronizationScope and ExecutionLevel (KMDF constraints) and
 * WdfObjectAcquireLock, driven through the character front-end: a control
 * device with a read queue and a write queue, and reads/writes from kernel
 * threads (unbound work items, so that they really run side by side).
 *
 * Overlap is observed with a handshake, not with timing: the first callback
 * in waits for the second one to come in. Without serialisation the second
 * one does (the wait is generous: 30 s); with it, the wait can only time
 * out (a short wait there: serialisation makes the answer certain, the
 * length only bounds the case's run time).
 */
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/kthread.h>
#include <linux/mutex.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/workqueue.h>

#include "util.h"
#include "wt_cases.h"

#define WS_NODE		"/dev/wdfio_sync"
#define WS_NAME		L"\\Device\\wdfio_sync"
#define WS_LEN		64
#define WS_FWD_LEN	4096	/* a forwarded read: whole blocks */
#define WS_SERIAL_MS	2000	/* the handshake wait that must time out */

/* What the callbacks saw; one case runs at a time. */
static struct {
	WDFQUEUE rq, wq;
	atomic_t inside;		/* callbacks running, both queues */
	atomic_t inside_q[2];		/* per queue: 0 read, 1 write */
	atomic_t max;
	atomic_t max_q[2];
	atomic_t calls;
	atomic_t bad_data;
	atomic_t atomic_calls;		/* passive callbacks that could not sleep */
	/* handshake */
	bool handshake;
	unsigned int wait_ms;
	atomic_t arrivals;
	struct completion first_in;
	struct completion partner_in;
	bool partner_seen;
	/* cancel inside a callback */
	atomic_t cancels;
	int cancels_inside;
	NTSTATUS mark_status;
	/* passive */
	WDFREQUEST kept;
	struct completion entered;
} ws;

static DEFINE_MUTEX(ws_mutex);
static DEFINE_SPINLOCK(ws_atomic);

static void ws_max(atomic_t *m, int v)
{
	int old = atomic_read(m);

	while (v > old && !atomic_try_cmpxchg(m, &old, v))
		;
}

static int ws_qi(WDFQUEUE Queue)
{
	return Queue == ws.wq;
}

static void ws_enter(int qi)
{
	ws_max(&ws.max, atomic_inc_return(&ws.inside));
	ws_max(&ws.max_q[qi], atomic_inc_return(&ws.inside_q[qi]));
	atomic_inc(&ws.calls);
}

static void ws_leave(int qi)
{
	atomic_dec(&ws.inside_q[qi]);
	atomic_dec(&ws.inside);
}

/*
 * Wait for the partner callback. A callback under a Dispatch-level lock
 * may not sleep: it polls a clock that runs with interrupts off.
 */
static bool ws_wait_partner(unsigned int ms)
{
	u64 end;

	if (preemptible())
		return wait_for_completion_timeout(&ws.partner_in,
						   msecs_to_jiffies(ms));
	/* interrupts may be off: stay well below the stall detectors */
	ms = min(ms, 10000U);
	end = ktime_get_mono_fast_ns() + (u64)ms * NSEC_PER_MSEC;
	while (!completion_done(&ws.partner_in)) {
		if (ktime_get_mono_fast_ns() > end)
			return false;
		cpu_relax();
	}
	return true;
}

static void ws_handshake(void)
{
	if (atomic_inc_return(&ws.arrivals) == 1) {
		complete(&ws.first_in);
		ws.partner_seen = ws_wait_partner(ws.wait_ms);
	} else {
		complete(&ws.partner_in);
	}
}

static u8 ws_byte(u64 off, size_t j)
{
	return (u8)((off >> 6) * 7 + j);
}

/* Reads fill, writes check the block's pattern. */
static void ws_io(WDFQUEUE Queue, WDFREQUEST Request, size_t Length,
		  bool write)
{
	WDF_REQUEST_PARAMETERS p;
	int qi = ws_qi(Queue);
	NTSTATUS status;
	size_t n, j;
	u8 *buf;
	u64 off;

	ws_enter(qi);
	if (ws.handshake)
		ws_handshake();
	else
		for (j = 0; j < 20; j++)
			ndelay(1000);	/* widen the window; may not sleep */
	WDF_REQUEST_PARAMETERS_INIT(&p);
	WdfRequestGetParameters(Request, &p);
	if (write) {
		off = p.Parameters.Write.DeviceOffset;
		status = WdfRequestRetrieveInputBuffer(Request, Length,
						       (PVOID *)&buf, &n);
	} else {
		off = p.Parameters.Read.DeviceOffset;
		status = WdfRequestRetrieveOutputBuffer(Request, Length,
							(PVOID *)&buf, &n);
	}
	for (j = 0; NT_SUCCESS(status) && j < Length; j++) {
		if (!write) {
			buf[j] = ws_byte(off, j);
		} else if (buf[j] != ws_byte(off, j)) {
			atomic_inc(&ws.bad_data);
			status = STATUS_DATA_ERROR;
		}
	}
	ws_leave(qi);
	WdfRequestCompleteWithInformation(Request, status,
					  NT_SUCCESS(status) ? Length : 0);
}

static EVT_WDF_IO_QUEUE_IO_READ ws_read;
static EVT_WDF_IO_QUEUE_IO_WRITE ws_write;

static void ws_read(WDFQUEUE Queue, WDFREQUEST Request, size_t Length)
{
	ws_io(Queue, Request, Length, false);
}

static void ws_write(WDFQUEUE Queue, WDFREQUEST Request, size_t Length)
{
	ws_io(Queue, Request, Length, true);
}

static void ws_reset(void)
{
	memset(&ws, 0, sizeof(ws));
	atomic_set(&ws.inside, 0);
	init_completion(&ws.first_in);
	init_completion(&ws.partner_in);
	init_completion(&ws.entered);
}

/* ---- the device ------------------------------------------------------------ */

struct ws_cfg {
	PWDF_OBJECT_ATTRIBUTES drv_attr;
	WDF_EXECUTION_LEVEL dev_level;
	WDF_SYNCHRONIZATION_SCOPE dev_scope;
	WDF_SYNCHRONIZATION_SCOPE q_scope;	/* both queues */
	WDF_IO_QUEUE_DISPATCH_TYPE rtype;	/* the read queue's */
	PFN_WDF_IO_QUEUE_IO_READ read;
	PFN_WDF_IO_QUEUE_IO_WRITE write;
};

struct ws_dev {
	WDFDRIVER driver;
	WDFDEVICE device;
	struct file *filp;
};

static bool ws_setup(struct wt *t, struct ws_dev *d, const struct ws_cfg *c)
{
	WDF_OBJECT_ATTRIBUTES attr;
	WDF_IO_QUEUE_CONFIG qc;
	WDF_DRIVER_CONFIG cfg;
	UNICODE_STRING us;
	PWDFDEVICE_INIT init;
	NTSTATUS status;

	memset(d, 0, sizeof(*d));
	WDF_DRIVER_CONFIG_INIT(&cfg, WDF_NO_EVENT_CALLBACK);
	status = WdfDriverCreate(NULL, NULL, c->drv_attr, &cfg, &d->driver);
	if (!T_STATUS(t, STATUS_SUCCESS, status))
		return false;
	init = WdfControlDeviceInitAllocate(d->driver, NULL);
	if (!T_TRUE(t, init, "WdfControlDeviceInitAllocate"))
		return false;
	RtlInitUnicodeString(&us, WS_NAME);
	T_STATUS(t, STATUS_SUCCESS, WdfDeviceInitAssignName(init, &us));
	WDF_OBJECT_ATTRIBUTES_INIT(&attr);
	attr.ExecutionLevel = c->dev_level;
	attr.SynchronizationScope = c->dev_scope;
	status = WdfDeviceCreate(&init, &attr, &d->device);
	if (!T_STATUS(t, STATUS_SUCCESS, status)) {
		WdfDeviceInitFree(init);
		return false;
	}

	WDF_OBJECT_ATTRIBUTES_INIT(&attr);
	attr.SynchronizationScope = c->q_scope;
	WDF_IO_QUEUE_CONFIG_INIT(&qc, c->rtype);
	qc.EvtIoRead = c->read ?: ws_read;
	if (!T_STATUS(t, STATUS_SUCCESS,
		      WdfIoQueueCreate(d->device, &qc, &attr, &ws.rq)))
		return false;
	WDF_IO_QUEUE_CONFIG_INIT(&qc, WdfIoQueueDispatchParallel);
	qc.EvtIoWrite = c->write ?: ws_write;
	if (!T_STATUS(t, STATUS_SUCCESS,
		      WdfIoQueueCreate(d->device, &qc, &attr, &ws.wq)))
		return false;
	if (!T_STATUS(t, STATUS_SUCCESS,
		      WdfDeviceConfigureRequestDispatching(d->device, ws.rq,
							   WdfRequestTypeRead)) ||
	    !T_STATUS(t, STATUS_SUCCESS,
		      WdfDeviceConfigureRequestDispatching(d->device, ws.wq,
							   WdfRequestTypeWrite)))
		return false;
	WdfControlFinishInitializing(d->device);
	d->filp = filp_open(WS_NODE, O_RDWR, 0);
	if (!T_TRUE(t, !IS_ERR(d->filp), "open " WS_NODE ": %ld",
		    PTR_ERR(d->filp))) {
		d->filp = NULL;
		return false;
	}
	return true;
}

static void ws_teardown(struct ws_dev *d)
{
	if (d->filp)
		filp_close(d->filp, NULL);
	if (d->driver)
		WdfObjectDelete(d->driver);
}

/* ---- I/O from kernel threads ------------------------------------------------ */

/**
 * struct ws_job - @count reads or writes of WS_LEN bytes, in sequence
 * @work: runs it (unbound)
 * @filp: the device's node
 * @write: writes, else reads
 * @base: offset of the first; the next ones follow at WS_LEN steps
 * @count: how many
 * @len: bytes each (WS_LEN, or WS_FWD_LEN: forwarded, data unchecked)
 * @bad: results with the wrong length or data
 * @ret: the first bad result
 * @done: completed at the end
 * @buf: the data
 */
struct ws_job {
	struct work_struct work;
	struct file *filp;
	bool write;
	u64 base;
	unsigned int count;
	size_t len;
	unsigned int bad;
	ssize_t ret;
	struct completion done;
	u8 buf[WS_FWD_LEN];
};

static void ws_job_fn(struct work_struct *work)
{
	struct ws_job *j = container_of(work, struct ws_job, work);
	unsigned int i;
	size_t k;

	for (i = 0; i < j->count; i++) {
		loff_t pos = j->base + (u64)i * j->len;
		bool ok = true;
		ssize_t n;

		if (j->len != WS_LEN) {
			n = kernel_read(j->filp, j->buf, j->len, &pos);
			ok = n == j->len;
		} else if (j->write) {
			for (k = 0; k < WS_LEN; k++)
				j->buf[k] = ws_byte(pos, k);
			n = kernel_write(j->filp, j->buf, WS_LEN, &pos);
		} else {
			memset(j->buf, 0, WS_LEN);
			n = kernel_read(j->filp, j->buf, WS_LEN, &pos);
			for (k = 0; n == WS_LEN && k < WS_LEN; k++)
				ok &= j->buf[k] == ws_byte(pos - WS_LEN, k);
		}
		if (!ok || (j->len == WS_LEN && n != WS_LEN)) {
			if (!j->bad++)
				j->ret = n;
		}
	}
	complete(&j->done);
}

static void ws_job_start(struct ws_job *j, struct file *filp, bool write,
			 u64 base, unsigned int count)
{
	INIT_WORK(&j->work, ws_job_fn);
	init_completion(&j->done);
	j->filp = filp;
	j->write = write;
	j->base = base;
	j->count = count;
	j->len = j->len ?: WS_LEN;
	j->bad = 0;
	j->ret = 0;
	/* unbound: jobs run side by side even while one spins */
	queue_work(system_unbound_wq, &j->work);
}

/* Wait for a job; false (wedged: its memory is leaked) if it hangs. */
static bool ws_job_wait(struct wt *t, struct ws_job *j, unsigned int s)
{
	if (!T_TRUE(t, wait_for_completion_timeout(&j->done, s * HZ),
		    "the job ended")) {
		t->wedged = true;
		return false;
	}
	T_TRUE(t, !j->bad, "%u bad results, the first %zd bytes", j->bad,
	       j->ret);
	return true;
}

/*
 * The handshake: a request of @first_write's kind comes in and waits in
 * its callback for one of @second_write's kind (@wait_ms). Returns whether
 * the two callbacks ran at the same time; -1 if the case broke.
 */
static int ws_pair(struct wt *t, struct ws_dev *d, struct ws_job *jobs,
		   bool first_write, bool second_write, unsigned int wait_ms)
{
	ws.handshake = true;
	ws.wait_ms = wait_ms;
	atomic_set(&ws.arrivals, 0);
	reinit_completion(&ws.first_in);
	reinit_completion(&ws.partner_in);
	ws.partner_seen = false;
	ws_job_start(&jobs[0], d->filp, first_write, 0, 1);
	if (!T_TRUE(t, wait_for_completion_timeout(&ws.first_in,
						   WT_TIMEOUT_S * HZ),
		    "the first callback came in")) {
		ws_job_wait(t, &jobs[0], WT_TIMEOUT_S);
		return -1;
	}
	ws_job_start(&jobs[1], d->filp, second_write, WS_LEN, 1);
	if (!ws_job_wait(t, &jobs[0], WT_TIMEOUT_S + wait_ms / 1000) ||
	    !ws_job_wait(t, &jobs[1], WT_TIMEOUT_S))
		return -1;
	ws.handshake = false;
	return ws.partner_seen;
}

/* Threads x requests of both kinds at once; all complete with their data. */
static void ws_storm(struct wt *t, struct ws_dev *d, struct ws_job *jobs,
		     unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		ws_job_start(&jobs[i], d->filp, i & 1, (u64)i * 64 * WS_LEN, 50);
	for (i = 0; i < n; i++)
		if (!ws_job_wait(t, &jobs[i], WT_TIMEOUT_S * 2))
			return;
	T_EQ(t, 0, atomic_read(&ws.bad_data));
	T_EQ(t, n * 50 + 2, atomic_read(&ws.calls));
}

#define WS_JOBS	4

static int ws_scope_case(struct wt *t, WDF_SYNCHRONIZATION_SCOPE dev_scope,
			 WDF_SYNCHRONIZATION_SCOPE q_scope)
{
	struct ws_cfg c = {
		.dev_level = WdfExecutionLevelInheritFromParent,
		.dev_scope = dev_scope,
		.q_scope = q_scope,
		.rtype = WdfIoQueueDispatchParallel,
	};
	bool dev_serial = dev_scope == WdfSynchronizationScopeDevice &&
			  q_scope == WdfSynchronizationScopeInheritFromParent;
	bool q_serial = dev_serial || q_scope == WdfSynchronizationScopeQueue;
	struct ws_job *jobs;
	struct ws_dev d;
	int seen;

	jobs = kcalloc(WS_JOBS, sizeof(*jobs), GFP_KERNEL);
	if (!T_TRUE(t, jobs, "kcalloc"))
		return 0;
	ws_reset();
	if (!ws_setup(t, &d, &c))
		goto out;

	wt_set_where(t, "a read waits in its callback for a write");
	seen = ws_pair(t, &d, jobs, false, true,
		       dev_serial ? WS_SERIAL_MS : WT_TIMEOUT_S * 1000);
	if (seen < 0)
		goto out;
	T_EQ(t, !dev_serial, seen);
	T_EQ(t, dev_serial ? 1 : 2, atomic_read(&ws.max));

	if (q_scope == WdfSynchronizationScopeQueue) {
		wt_set_where(t, "a read waits in its callback for a read");
		seen = ws_pair(t, &d, jobs, false, false, WS_SERIAL_MS);
		if (seen < 0)
			goto out;
		T_EQ(t, 0, seen);
		T_EQ(t, 1, atomic_read(&ws.max_q[0]));
	}
	if (!dev_serial && !q_serial)
		goto out;	/* nothing to assert about a storm */

	wt_set_where(t, "%d threads, reads and writes", WS_JOBS);
	atomic_set(&ws.max, 0);
	atomic_set(&ws.max_q[0], 0);
	atomic_set(&ws.max_q[1], 0);
	atomic_set(&ws.calls, 2);
	ws_storm(t, &d, jobs, WS_JOBS);
	if (dev_serial)
		T_EQ(t, 1, atomic_read(&ws.max));
	T_EQ(t, 1, atomic_read(&ws.max_q[0]));
	T_EQ(t, 1, atomic_read(&ws.max_q[1]));
out:
	ws_teardown(&d);
	if (!t->wedged)
		kfree(jobs);
	return 0;
}

int wt_sync_none_overlap(struct wt *t)
{
	return ws_scope_case(t, WdfSynchronizationScopeNone,
			     WdfSynchronizationScopeInheritFromParent);
}

int wt_sync_device_serial(struct wt *t)
{
	return ws_scope_case(t, WdfSynchronizationScopeDevice,
			     WdfSynchronizationScopeInheritFromParent);
}

int wt_sync_queue_scope(struct wt *t)
{
	return ws_scope_case(t, WdfSynchronizationScopeInheritFromParent,
			     WdfSynchronizationScopeQueue);
}

/* ---- ExecutionLevel Passive ------------------------------------------------- */

static EVT_WDF_IO_QUEUE_IO_READ ws_passive_read;

/* Keeps the first request; sleeps (msleep, a mutex) in every call. */
static void ws_passive_read(WDFQUEUE Queue, WDFREQUEST Request, size_t Length)
{
	if (IS_ENABLED(CONFIG_PREEMPT_COUNT) && !preemptible()) {
		atomic_inc(&ws.atomic_calls);	/* and no sleeping here */
	} else {
		might_sleep();
		usleep_range(1000, 2000);
		mutex_lock(&ws_mutex);
		mutex_unlock(&ws_mutex);
	}
	if (!ws.kept) {
		ws_enter(0);
		ws_leave(0);
		ws.kept = Request;
		complete(&ws.entered);
		return;
	}
	ws_io(Queue, Request, Length, false);
}

int wt_sync_passive(struct wt *t)
{
	struct ws_cfg c = {
		.dev_level = WdfExecutionLevelPassive,
		.dev_scope = WdfSynchronizationScopeDevice,
		.q_scope = WdfSynchronizationScopeInheritFromParent,
		.rtype = WdfIoQueueDispatchSequential,
		.read = ws_passive_read,
	};
	struct ws_job *jobs;
	unsigned long flags;
	struct ws_dev d;
	ULONG queued = 0;
	int i;

	jobs = kcalloc(2, sizeof(*jobs), GFP_KERNEL);
	if (!T_TRUE(t, jobs, "kcalloc"))
		return 0;
	ws_reset();
	if (!ws_setup(t, &d, &c))
		goto out;
	wt_set_where(t, "the first read is kept, a second one queued");
	ws_job_start(&jobs[0], d.filp, false, 0, 1);
	if (!T_TRUE(t, wait_for_completion_timeout(&ws.entered,
						   WT_TIMEOUT_S * HZ),
		    "the first read came in"))
		goto out;
	ws_job_start(&jobs[1], d.filp, false, WS_LEN, 1);
	for (i = 0; i < WT_TIMEOUT_S * 100 && queued != 1; i++) {
		WdfIoQueueGetState(ws.rq, &queued, NULL);
		if (queued != 1)
			usleep_range(10000, 20000);
	}
	T_EQ(t, 1, queued);

	wt_set_where(t, "completed in atomic context: the next is presented where it may sleep");
	spin_lock_irqsave(&ws_atomic, flags);
	WdfRequestCompleteWithInformation(ws.kept, STATUS_SUCCESS, 0);
	spin_unlock_irqrestore(&ws_atomic, flags);
	if (!ws_job_wait(t, &jobs[1], WT_TIMEOUT_S))
		goto out;
	if (!T_TRUE(t, wait_for_completion_timeout(&jobs[0].done,
						   WT_TIMEOUT_S * HZ),
		    "the kept read ended")) {
		t->wedged = true;
		return 0;
	}
	T_EQ(t, 1, jobs[0].bad);
	T_EQ(t, 0, jobs[0].ret);	/* 0 bytes: the kept one */
	T_EQ(t, 2, atomic_read(&ws.calls));
	T_EQ(t, 0, atomic_read(&ws.atomic_calls));
out:
	ws_teardown(&d);
	if (!t->wedged)
		kfree(jobs);
	return 0;
}

/* ---- WdfObjectAcquireLock --------------------------------------------------- */

static EVT_WDF_IO_QUEUE_IO_WRITE ws_flag_write;

static void ws_flag_write(WDFQUEUE Queue, WDFREQUEST Request, size_t Length)
{
	complete(&ws.entered);
	ws_io(Queue, Request, Length, true);
}

int wt_sync_acquire_lock(struct wt *t)
{
	struct ws_cfg c = {
		.dev_level = WdfExecutionLevelPassive,
		.dev_scope = WdfSynchronizationScopeDevice,
		.q_scope = WdfSynchronizationScopeInheritFromParent,
		.rtype = WdfIoQueueDispatchParallel,
		.write = ws_flag_write,
	};
	struct ws_job *jobs;
	ULONG owned = 0;
	struct ws_dev d;
	int i;

	jobs = kcalloc(1, sizeof(*jobs), GFP_KERNEL);
	if (!T_TRUE(t, jobs, "kcalloc"))
		return 0;
	ws_reset();
	if (!ws_setup(t, &d, &c))
		goto out;
	wt_quiet_verifier(t);
	WdfObjectAcquireLock(d.driver);	/* not a device or queue: ignored */

	/*
	 * The read queue's lock is the device's (scope Device): held, it
	 * keeps the write queue's callback out.
	 */
	wt_set_where(t, "a write while the read queue's lock is held");
	WdfObjectAcquireLock(ws.rq);
	ws_job_start(&jobs[0], d.filp, true, 0, 1);
	for (i = 0; i < WT_TIMEOUT_S * 100 && owned != 1; i++) {
		WdfIoQueueGetState(ws.wq, NULL, &owned);
		if (owned != 1)
			usleep_range(10000, 20000);
	}
	T_EQ(t, 1, owned);	/* presented: only the lock holds it back */
	T_EQ(t, 0, wait_for_completion_timeout(&ws.entered,
					       msecs_to_jiffies(WS_SERIAL_MS)));
	WdfObjectReleaseLock(ws.rq);
	T_TRUE(t, wait_for_completion_timeout(&ws.entered, WT_TIMEOUT_S * HZ),
	       "the callback ran after the release");
	ws_job_wait(t, &jobs[0], WT_TIMEOUT_S);
out:
	ws_teardown(&d);
	if (!t->wedged)
		kfree(jobs);
	return 0;
}

/* ---- a cancel from inside a serialised callback ------------------------------ */

static EVT_WDF_IO_QUEUE_IO_READ ws_cancel_read;
static EVT_WDF_REQUEST_CANCEL ws_cancel_cb;

static void ws_cancel_cb(WDFREQUEST Request)
{
	ws_enter(0);
	atomic_inc(&ws.cancels);
	ws_leave(0);
	WdfRequestComplete(Request, STATUS_CANCELLED);
}

/* Marks its request cancelable, then purges its own queue. */
static void ws_cancel_read(WDFQUEUE Queue, WDFREQUEST Request, size_t Length)
{
	ws_enter(0);
	ws.mark_status = WdfRequestMarkCancelableEx(Request, ws_cancel_cb);
	WdfIoQueuePurge(Queue, WDF_NO_EVENT_CALLBACK, WDF_NO_CONTEXT);
	ws.cancels_inside = atomic_read(&ws.cancels);
	ws_leave(0);
}

int wt_sync_cancel_inside(struct wt *t)
{
	struct ws_cfg c = {
		.dev_level = WdfExecutionLevelInheritFromParent,
		.dev_scope = WdfSynchronizationScopeDevice,
		.q_scope = WdfSynchronizationScopeInheritFromParent,
		.rtype = WdfIoQueueDispatchParallel,
		.read = ws_cancel_read,
	};
	struct ws_job *jobs;
	struct ws_dev d;

	jobs = kcalloc(1, sizeof(*jobs), GFP_KERNEL);
	if (!T_TRUE(t, jobs, "kcalloc"))
		return 0;
	ws_reset();
	if (!ws_setup(t, &d, &c))
		goto out;
	wt_set_where(t, "EvtIoRead marks its request cancelable and purges");
	ws_job_start(&jobs[0], d.filp, false, 0, 1);
	if (!T_TRUE(t, wait_for_completion_timeout(&jobs[0].done,
						   WT_TIMEOUT_S * HZ),
		    "the read ended")) {
		t->wedged = true;
		return 0;
	}
	T_EQ(t, (u64)-ECANCELED, (u64)jobs[0].ret);
	T_STATUS(t, STATUS_SUCCESS, ws.mark_status);
	T_EQ(t, 0, ws.cancels_inside);	/* not called inside EvtIoRead */
	T_EQ(t, 1, atomic_read(&ws.cancels));
	T_EQ(t, 1, atomic_read(&ws.max));
out:
	ws_teardown(&d);
	if (!t->wedged)
		kfree(jobs);
	return 0;
}

/* ---- configurations ---------------------------------------------------------- */

static NTSTATUS ws_queue_with(WDFDEVICE device, WDF_EXECUTION_LEVEL level,
			      WDF_SYNCHRONIZATION_SCOPE scope)
{
	WDF_OBJECT_ATTRIBUTES attr;
	WDF_IO_QUEUE_CONFIG qc;
	NTSTATUS status;
	WDFQUEUE q;

	WDF_OBJECT_ATTRIBUTES_INIT(&attr);
	attr.ExecutionLevel = level;
	attr.SynchronizationScope = scope;
	WDF_IO_QUEUE_CONFIG_INIT(&qc, WdfIoQueueDispatchManual);
	status = WdfIoQueueCreate(device, &qc, &attr, &q);
	if (NT_SUCCESS(status))
		WdfObjectDelete(q);
	return status;
}

static NTSTATUS ws_device_with(WDFDRIVER driver, WDF_EXECUTION_LEVEL level,
			       WDF_SYNCHRONIZATION_SCOPE scope,
			       WDFDEVICE *device)
{
	WDF_OBJECT_ATTRIBUTES attr;
	PWDFDEVICE_INIT init;
	NTSTATUS status;

	*device = NULL;
	init = WdfControlDeviceInitAllocate(driver, NULL);
	if (!init)
		return STATUS_INSUFFICIENT_RESOURCES;
	WDF_OBJECT_ATTRIBUTES_INIT(&attr);
	attr.ExecutionLevel = level;
	attr.SynchronizationScope = scope;
	status = WdfDeviceCreate(&init, &attr, device);
	if (!NT_SUCCESS(status))
		WdfDeviceInitFree(init);
	return status;
}

int wt_sync_config(struct wt *t)
{
	const WDF_EXECUTION_LEVEL inh = WdfExecutionLevelInheritFromParent;
	const WDF_SYNCHRONIZATION_SCOPE sinh =
		WdfSynchronizationScopeInheritFromParent;
	WDF_OBJECT_ATTRIBUTES attr;
	WDF_DRIVER_CONFIG cfg;
	WDFDRIVER driver;
	WDFDEVICE dev;

	WDF_DRIVER_CONFIG_INIT(&cfg, WDF_NO_EVENT_CALLBACK);
	wt_set_where(t, "out of range");
	WDF_OBJECT_ATTRIBUTES_INIT(&attr);
	attr.SynchronizationScope = WdfSynchronizationScopeInvalid;
	T_STATUS(t, STATUS_WDF_OBJECT_ATTRIBUTES_INVALID,
		 WdfDriverCreate(NULL, NULL, &attr, &cfg, &driver));
	if (!T_STATUS(t, STATUS_SUCCESS,
		      WdfDriverCreate(NULL, NULL, NULL, &cfg, &driver)))
		return 0;
	T_STATUS(t, STATUS_WDF_OBJECT_ATTRIBUTES_INVALID,
		 ws_device_with(driver, WdfExecutionLevelInvalid, sinh, &dev));
	T_STATUS(t, STATUS_WDF_OBJECT_ATTRIBUTES_INVALID,
		 ws_device_with(driver, inh, WdfSynchronizationScopeNone + 1,
				&dev));

	wt_set_where(t, "scope Device needs the device's ExecutionLevel");
	if (T_STATUS(t, STATUS_SUCCESS,
		     ws_device_with(driver, inh, WdfSynchronizationScopeDevice,
				    &dev))) {
		T_STATUS(t, STATUS_INVALID_PARAMETER,
			 ws_queue_with(dev, WdfExecutionLevelPassive, sinh));
		T_STATUS(t, STATUS_SUCCESS,
			 ws_queue_with(dev, WdfExecutionLevelDispatch, sinh));
		T_STATUS(t, STATUS_SUCCESS,
			 ws_queue_with(dev, WdfExecutionLevelPassive,
				       WdfSynchronizationScopeQueue));
		T_STATUS(t, STATUS_WDF_OBJECT_ATTRIBUTES_INVALID,
			 ws_queue_with(dev, 4, sinh));
		WdfObjectDelete(dev);
	}
	if (T_STATUS(t, STATUS_SUCCESS,
		     ws_device_with(driver, WdfExecutionLevelPassive, sinh,
				    &dev))) {
		T_STATUS(t, STATUS_INVALID_PARAMETER,
			 ws_queue_with(dev, WdfExecutionLevelDispatch,
				       WdfSynchronizationScopeDevice));
		T_STATUS(t, STATUS_SUCCESS,
			 ws_queue_with(dev, inh, WdfSynchronizationScopeDevice));
		WdfObjectDelete(dev);
	}
	WdfObjectDelete(driver);

	wt_set_where(t, "a driver's scope is its devices' default");
	WDF_OBJECT_ATTRIBUTES_INIT(&attr);
	attr.SynchronizationScope = WdfSynchronizationScopeDevice;
	if (!T_STATUS(t, STATUS_SUCCESS,
		      WdfDriverCreate(NULL, NULL, &attr, &cfg, &driver)))
		return 0;
	if (T_STATUS(t, STATUS_SUCCESS, ws_device_with(driver, inh, sinh,
						       &dev))) {
		/* inherits Device: a Passive queue does not fit */
		T_STATUS(t, STATUS_INVALID_PARAMETER,
			 ws_queue_with(dev, WdfExecutionLevelPassive, sinh));
		WdfObjectDelete(dev);
	}
	WdfObjectDelete(driver);
	return 0;
}

/* ---- forwarding from a serialised callback ------------------------------------ */

static WDFIOTARGET ws_target;

static EVT_WDF_IO_QUEUE_IO_READ ws_fwd_read;
static EVT_WDF_REQUEST_COMPLETION_ROUTINE ws_fwd_done;

static void ws_fwd_done(WDFREQUEST Request, WDFIOTARGET Target,
			PWDF_REQUEST_COMPLETION_PARAMS Params, WDFCONTEXT Context)
{
	WdfRequestCompleteWithInformation(Request, Params->IoStatus.Status,
					  Params->IoStatus.Information);
}

/* Sends the read on to nullb0 from under the device's spinlock. */
static void ws_fwd_read(WDFQUEUE Queue, WDFREQUEST Request, size_t Length)
{
	ws_enter(0);
	if (!preemptible())
		atomic_inc(&ws.atomic_calls);	/* as it should be here */
	WdfRequestFormatRequestUsingCurrentType(Request);
	WdfRequestSetCompletionRoutine(Request, ws_fwd_done, NULL);
	ws_leave(0);
	if (!WdfRequestSend(Request, ws_target, WDF_NO_SEND_OPTIONS))
		WdfRequestComplete(Request, WdfRequestGetStatus(Request));
}

int wt_sync_forward(struct wt *t)
{
	struct ws_cfg c = {
		.dev_level = WdfExecutionLevelInheritFromParent,
		.dev_scope = WdfSynchronizationScopeDevice,
		.q_scope = WdfSynchronizationScopeInheritFromParent,
		.rtype = WdfIoQueueDispatchParallel,
		.read = ws_fwd_read,
	};
	struct ws_job *jobs;
	struct ws_dev d;
	int i;

	jobs = kcalloc(WS_JOBS, sizeof(*jobs), GFP_KERNEL);
	if (!T_TRUE(t, jobs, "kcalloc"))
		return 0;
	ws_reset();
	if (!NT_SUCCESS(wt_open_rw(t, &wt_devs[WT_NULLB0], &ws_target)))
		goto out_jobs;
	if (!ws_setup(t, &d, &c))
		goto out;
	wt_set_where(t, "%d threads' reads forwarded from EvtIoRead", WS_JOBS);
	for (i = 0; i < WS_JOBS; i++) {
		jobs[i].len = WS_FWD_LEN;
		ws_job_start(&jobs[i], d.filp, false,
			     (u64)i * 32 * WS_FWD_LEN, 20);
	}
	for (i = 0; i < WS_JOBS; i++)
		if (!ws_job_wait(t, &jobs[i], WT_TIMEOUT_S * 2))
			goto out;
	T_EQ(t, WS_JOBS * 20, atomic_read(&ws.calls));
	T_EQ(t, 1, atomic_read(&ws.max));
	/* under a Dispatch-level lock: the sends were deferred, not inline */
	if (IS_ENABLED(CONFIG_PREEMPT_COUNT))
		T_EQ(t, WS_JOBS * 20, atomic_read(&ws.atomic_calls));
out:
	ws_teardown(&d);
	wt_delete_target(t, ws_target);
out_jobs:
	if (!t->wedged)
		kfree(jobs);
	return 0;
}

/* ---- WdfRequestMarkCancelable of a cancelled request, lock held --------------- */

static EVT_WDF_IO_QUEUE_IO_READ ws_keep_read;

static void ws_keep_read(WDFQUEUE Queue, WDFREQUEST Request, size_t Length)
{
	ws.kept = Request;	/* owned, not cancelable */
	complete(&ws.entered);
}

/* A reader on its own thread, so that a signal can cancel its request. */
static int ws_sig_read_fn(void *arg)
{
	struct ws_job *j = arg;
	loff_t pos = 0;

	allow_signal(SIGUSR1);
	j->ret = kernel_read(j->filp, j->buf, WS_LEN, &pos);
	complete(&j->done);
	return 0;
}

int wt_sync_mark_cancelled(struct wt *t)
{
	struct ws_cfg c = {
		.dev_level = WdfExecutionLevelInheritFromParent,
		.dev_scope = WdfSynchronizationScopeDevice,
		.q_scope = WdfSynchronizationScopeInheritFromParent,
		.rtype = WdfIoQueueDispatchParallel,
		.read = ws_keep_read,
	};
	struct task_struct *task;
	struct ws_job *j;
	struct ws_dev d;
	int i;

	j = kzalloc(sizeof(*j), GFP_KERNEL);
	if (!T_TRUE(t, j, "kzalloc"))
		return 0;
	ws_reset();
	if (!ws_setup(t, &d, &c))
		goto out;
	wt_set_where(t, "a kept read is cancelled by a signal");
	init_completion(&j->done);
	j->filp = d.filp;
	task = kthread_run(ws_sig_read_fn, j, "ws_sig_reader");
	if (!T_TRUE(t, !IS_ERR(task), "kthread_run: %ld", PTR_ERR(task)))
		goto out;
	get_task_struct(task);
	if (!T_TRUE(t, wait_for_completion_timeout(&ws.entered,
						   WT_TIMEOUT_S * HZ),
		    "the read was presented")) {
		t->wedged = true;	/* the reader waits in the queue */
		put_task_struct(task);
		return 0;
	}
	send_sig(SIGUSR1, task, 1);
	for (i = 0; i < WT_TIMEOUT_S * 100 && !WdfRequestIsCanceled(ws.kept);
	     i++)
		usleep_range(10000, 20000);
	T_TRUE(t, WdfRequestIsCanceled(ws.kept), "the request is cancelled");

	wt_set_where(t, "WdfRequestMarkCancelable with the device's lock held");
	WdfObjectAcquireLock(d.device);
	WdfRequestMarkCancelable(ws.kept, ws_cancel_cb);
	ws.cancels_inside = atomic_read(&ws.cancels);
	WdfObjectReleaseLock(d.device);
	T_EQ(t, 0, ws.cancels_inside);	/* not called under the caller's lock */
	if (!T_TRUE(t, wait_for_completion_timeout(&j->done,
						   WT_TIMEOUT_S * HZ),
		    "the read ended")) {
		t->wedged = true;
		put_task_struct(task);
		return 0;
	}
	put_task_struct(task);
	T_EQ(t, 1, atomic_read(&ws.cancels));
	T_EQ(t, (u64)-EINTR, (u64)j->ret);
out:
	ws_teardown(&d);
	if (!t->wedged)
		kfree(j);
	return 0;
}
