// SPDX-License-Identifier: GPL-2.0
/*
 * Drivers, devices and queues: parameter checks of the receiving side's
 * DDIs, and device deletion with requests pending (driven through the
 * character front-end with kernel_read from a work item).
 */
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "util.h"
#include "wt_cases.h"

static EVT_WDF_IO_QUEUE_IO_READ wt_q_read;
static EVT_WDF_IO_QUEUE_IO_DEFAULT wt_q_default;
static EVT_WDF_DRIVER_UNLOAD wt_q_unload;
static EVT_WDF_OBJECT_CONTEXT_CLEANUP wt_q_device_cleanup;

static void wt_q_read(WDFQUEUE Queue, WDFREQUEST Request, size_t Length)
{
	WdfRequestCompleteWithInformation(Request, STATUS_SUCCESS, 0);
}

static void wt_q_default(WDFQUEUE Queue, WDFREQUEST Request)
{
	WdfRequestComplete(Request, STATUS_SUCCESS);
}

static atomic_t wt_q_unloads, wt_q_cleanups, wt_q_order;

static void wt_q_unload(WDFDRIVER Driver)
{
	/* the devices went first */
	atomic_set(&wt_q_order, atomic_read(&wt_q_cleanups));
	atomic_inc(&wt_q_unloads);
}

static void wt_q_device_cleanup(WDFOBJECT Device)
{
	atomic_inc(&wt_q_cleanups);
}

/* A driver and an unnamed control device, for parameter checks. */
static bool wt_q_setup(struct wt *t, WDFDRIVER *driver, WDFDEVICE *device,
		       PCWSTR name)
{
	WDF_OBJECT_ATTRIBUTES attr;
	WDF_DRIVER_CONFIG cfg;
	UNICODE_STRING us;
	PWDFDEVICE_INIT init;
	NTSTATUS status;

	*device = NULL;
	WDF_DRIVER_CONFIG_INIT(&cfg, WDF_NO_EVENT_CALLBACK);
	cfg.EvtDriverUnload = wt_q_unload;
	status = WdfDriverCreate(NULL, NULL, WDF_NO_OBJECT_ATTRIBUTES, &cfg,
				 driver);
	if (!T_STATUS(t, STATUS_SUCCESS, status))
		return false;
	init = WdfControlDeviceInitAllocate(*driver, NULL);
	if (!T_TRUE(t, init, "WdfControlDeviceInitAllocate"))
		return false;
	if (name) {
		RtlInitUnicodeString(&us, name);
		T_STATUS(t, STATUS_SUCCESS, WdfDeviceInitAssignName(init, &us));
	}
	WDF_OBJECT_ATTRIBUTES_INIT(&attr);
	attr.EvtCleanupCallback = wt_q_device_cleanup;
	status = WdfDeviceCreate(&init, &attr, device);
	if (!T_STATUS(t, STATUS_SUCCESS, status)) {
		WdfDeviceInitFree(init);
		return false;
	}
	T_PTR(t, NULL, init);
	T_PTR(t, *driver, WdfDeviceGetDriver(*device));
	return true;
}

int wt_queue_driver_device(struct wt *t)
{
	DECLARE_CONST_UNICODE_STRING(bad, L"\\Device\\a/b");
	DECLARE_CONST_UNICODE_STRING(empty, L"\\Device\\");
	WDF_OBJECT_ATTRIBUTES attr;
	WDF_DRIVER_CONFIG cfg;
	PWDFDEVICE_INIT init;
	WDFDRIVER driver;
	WDFDEVICE device;

	wt_quiet_verifier(t);
	wt_set_where(t, "WdfDriverCreate parameters");
	T_STATUS(t, STATUS_INVALID_PARAMETER,
		 WdfDriverCreate(NULL, NULL, NULL, NULL, &driver));
	WDF_DRIVER_CONFIG_INIT(&cfg, NULL);
	cfg.Size--;
	T_STATUS(t, STATUS_INFO_LENGTH_MISMATCH,
		 WdfDriverCreate(NULL, NULL, NULL, &cfg, &driver));
	WDF_DRIVER_CONFIG_INIT(&cfg, NULL);
	WDF_OBJECT_ATTRIBUTES_INIT(&attr);
	attr.ParentObject = &attr;
	T_STATUS(t, STATUS_WDF_PARENT_ASSIGNMENT_NOT_ALLOWED,
		 WdfDriverCreate(NULL, NULL, &attr, &cfg, &driver));

	atomic_set(&wt_q_unloads, 0);
	atomic_set(&wt_q_cleanups, 0);
	atomic_set(&wt_q_order, -1);
	wt_set_where(t, "device init");
	if (!wt_q_setup(t, &driver, &device, NULL))
		return 0;
	init = WdfControlDeviceInitAllocate(driver, NULL);
	if (T_TRUE(t, init, "second init")) {
		T_STATUS(t, STATUS_OBJECT_NAME_INVALID,
			 WdfDeviceInitAssignName(init, &bad));
		T_STATUS(t, STATUS_OBJECT_NAME_INVALID,
			 WdfDeviceInitAssignName(init, &empty));
		T_STATUS(t, STATUS_INVALID_PARAMETER,
			 WdfDeviceCreate(NULL, NULL, &device));
		WdfDeviceInitFree(init);
	}
	T_PTR(t, NULL, WdfControlDeviceInitAllocate(NULL, NULL));
	T_PTR(t, NULL, WdfDeviceGetDefaultQueue(device));

	wt_set_where(t, "delete");
	WdfObjectDelete(driver);
	T_EQ(t, 1, atomic_read(&wt_q_unloads));
	T_EQ(t, 1, atomic_read(&wt_q_cleanups));
	/* EvtDriverUnload ran after the device's cleanup */
	T_EQ(t, 1, atomic_read(&wt_q_order));
	return 0;
}

int wt_queue_create_config(struct wt *t)
{
	WDF_IO_QUEUE_CONFIG qc;
	WDFQUEUE q, def;
	WDFDRIVER driver;
	WDFDEVICE device;
	ULONG queued = 9, owned = 9;

	wt_quiet_verifier(t);
	if (!wt_q_setup(t, &driver, &device, NULL))
		goto out;

	wt_set_where(t, "bad configurations");
	T_STATUS(t, STATUS_INVALID_PARAMETER,
		 WdfIoQueueCreate(device, NULL, NULL, &q));
	T_STATUS(t, STATUS_INVALID_HANDLE,
		 WdfIoQueueCreate(NULL, &qc, NULL, &q));
	WDF_IO_QUEUE_CONFIG_INIT(&qc, WdfIoQueueDispatchSequential);
	qc.EvtIoRead = wt_q_read;
	qc.Size = 88;
	T_STATUS(t, STATUS_INFO_LENGTH_MISMATCH,
		 WdfIoQueueCreate(device, &qc, NULL, &q));
	WDF_IO_QUEUE_CONFIG_INIT(&qc, WdfIoQueueDispatchMax);
	qc.EvtIoRead = wt_q_read;
	T_STATUS(t, STATUS_INVALID_PARAMETER,
		 WdfIoQueueCreate(device, &qc, NULL, &q));
	WDF_IO_QUEUE_CONFIG_INIT(&qc, WdfIoQueueDispatchManual);
	qc.EvtIoRead = wt_q_read;
	T_STATUS(t, STATUS_INVALID_PARAMETER,
		 WdfIoQueueCreate(device, &qc, NULL, &q));
	WDF_IO_QUEUE_CONFIG_INIT(&qc, WdfIoQueueDispatchSequential);
	T_STATUS(t, STATUS_WDF_NO_CALLBACK,
		 WdfIoQueueCreate(device, &qc, NULL, &q));
	WDF_IO_QUEUE_CONFIG_INIT(&qc, WdfIoQueueDispatchParallel);
	qc.EvtIoRead = wt_q_read;
	qc.Settings.Parallel.NumberOfPresentedRequests = 0;
	T_STATUS(t, STATUS_INVALID_PARAMETER,
		 WdfIoQueueCreate(device, &qc, NULL, &q));
	WDF_IO_QUEUE_CONFIG_INIT(&qc, WdfIoQueueDispatchSequential);
	qc.EvtIoRead = wt_q_read;
	qc.Settings.Parallel.NumberOfPresentedRequests = 2;
	T_STATUS(t, STATUS_INVALID_PARAMETER,
		 WdfIoQueueCreate(device, &qc, NULL, &q));
	WDF_IO_QUEUE_CONFIG_INIT(&qc, WdfIoQueueDispatchSequential);
	qc.EvtIoRead = wt_q_read;
	T_STATUS(t, STATUS_INVALID_PARAMETER_4,
		 WdfIoQueueCreate(device, &qc, NULL, NULL));

	wt_set_where(t, "default queue");
	WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(&qc, WdfIoQueueDispatchParallel);
	T_EQ(t, (ULONG)-1, qc.Settings.Parallel.NumberOfPresentedRequests);
	T_EQ(t, TRUE, qc.DefaultQueue);
	qc.EvtIoDefault = wt_q_default;
	if (!T_STATUS(t, STATUS_SUCCESS, WdfIoQueueCreate(device, &qc, NULL,
							  NULL)))
		goto out;
	def = WdfDeviceGetDefaultQueue(device);
	T_TRUE(t, def, "default queue");
	T_PTR(t, device, WdfIoQueueGetDevice(def));
	T_STATUS(t, STATUS_INVALID_DEVICE_STATE,
		 WdfIoQueueCreate(device, &qc, NULL, &q));
	T_EQ(t, WdfIoQueueAcceptRequests | WdfIoQueueDispatchRequests |
		WdfIoQueueNoRequests | WdfIoQueueDriverNoRequests,
	     WdfIoQueueGetState(def, &queued, &owned));
	T_EQ(t, 0, queued);
	T_EQ(t, 0, owned);
	T_TRUE(t, WDF_IO_QUEUE_READY(WdfIoQueueGetState(def, NULL, NULL)),
	       "ready");
	T_TRUE(t, WDF_IO_QUEUE_IDLE(WdfIoQueueGetState(def, NULL, NULL)),
	       "idle");

	wt_set_where(t, "stop and purge an empty queue");
	WdfIoQueueStopSynchronously(def);
	T_TRUE(t, WDF_IO_QUEUE_STOPPED(WdfIoQueueGetState(def, NULL, NULL)),
	       "stopped");
	WdfIoQueuePurgeSynchronously(def);
	T_TRUE(t, WDF_IO_QUEUE_PURGED(WdfIoQueueGetState(def, NULL, NULL)),
	       "purged");
	WdfIoQueueStart(def);
	T_TRUE(t, WDF_IO_QUEUE_READY(WdfIoQueueGetState(def, NULL, NULL)),
	       "ready again");

	wt_set_where(t, "request dispatching");
	T_STATUS(t, STATUS_INVALID_DEVICE_REQUEST,
		 WdfDeviceConfigureRequestDispatching(device, def,
						      WdfRequestTypeRead));
	WDF_IO_QUEUE_CONFIG_INIT(&qc, WdfIoQueueDispatchSequential);
	qc.EvtIoRead = wt_q_read;
	if (T_STATUS(t, STATUS_SUCCESS, WdfIoQueueCreate(device, &qc, NULL,
							 &q))) {
		T_STATUS(t, STATUS_INVALID_DEVICE_REQUEST,
			 WdfDeviceConfigureRequestDispatching(device, q,
							      WdfRequestTypeWrite));
		T_STATUS(t, STATUS_INVALID_DEVICE_REQUEST,
			 WdfDeviceConfigureRequestDispatching(device, q,
							      WdfRequestTypeCreate));
		T_STATUS(t, STATUS_SUCCESS,
			 WdfDeviceConfigureRequestDispatching(device, q,
							      WdfRequestTypeRead));
		T_STATUS(t, STATUS_WDF_BUSY,
			 WdfDeviceConfigureRequestDispatching(device, q,
							      WdfRequestTypeRead));
		/* a non-default queue may be deleted */
		WdfObjectDelete(q);
	}
	T_STATUS(t, STATUS_INVALID_HANDLE,
		 WdfDeviceConfigureRequestDispatching(device, NULL,
						      WdfRequestTypeRead));
out:
	if (driver)
		WdfObjectDelete(driver);
	return 0;
}

int wt_queue_retrieve(struct wt *t)
{
	WDF_IO_QUEUE_CONFIG qc;
	WDFQUEUE man, par;
	WDFREQUEST r = (WDFREQUEST)1;
	WDFDRIVER driver;
	WDFDEVICE device;

	wt_quiet_verifier(t);
	if (!wt_q_setup(t, &driver, &device, NULL))
		goto out;
	WDF_IO_QUEUE_CONFIG_INIT(&qc, WdfIoQueueDispatchManual);
	if (!T_STATUS(t, STATUS_SUCCESS, WdfIoQueueCreate(device, &qc, NULL,
							  &man)))
		goto out;
	WDF_IO_QUEUE_CONFIG_INIT(&qc, WdfIoQueueDispatchParallel);
	qc.EvtIoDefault = wt_q_default;
	if (!T_STATUS(t, STATUS_SUCCESS, WdfIoQueueCreate(device, &qc, NULL,
							  &par)))
		goto out;
	T_STATUS(t, STATUS_NO_MORE_ENTRIES,
		 WdfIoQueueRetrieveNextRequest(man, &r));
	T_PTR(t, NULL, r);
	T_STATUS(t, STATUS_INVALID_PARAMETER,
		 WdfIoQueueRetrieveNextRequest(man, NULL));
	T_STATUS(t, STATUS_INVALID_DEVICE_STATE,
		 WdfIoQueueRetrieveNextRequest(par, &r));
	T_STATUS(t, STATUS_INVALID_HANDLE,
		 WdfIoQueueRetrieveNextRequest(NULL, &r));
	WdfIoQueueStop(man, NULL, NULL);
	T_STATUS(t, STATUS_WDF_PAUSED,
		 WdfIoQueueRetrieveNextRequest(man, &r));
	WdfIoQueueStart(man);
	T_STATUS(t, STATUS_NO_MORE_ENTRIES,
		 WdfIoQueueRetrieveNextRequest(man, &r));
out:
	if (driver)
		WdfObjectDelete(driver);
	return 0;
}

int wt_queue_request_misuse(struct wt *t)
{
	WDF_REQUEST_PARAMETERS p;
	WDFREQUEST request;
	WDFMEMORY mem;
	size_t len;
	PVOID buf;

	wt_quiet_verifier(t);
	/* A driver-created request has no presented part */
	if (!T_STATUS(t, STATUS_SUCCESS, WdfRequestCreate(NULL, NULL, &request)))
		return 0;
	T_STATUS(t, STATUS_INVALID_DEVICE_REQUEST,
		 WdfRequestRetrieveInputBuffer(request, 0, &buf, &len));
	T_STATUS(t, STATUS_INVALID_DEVICE_REQUEST,
		 WdfRequestRetrieveOutputBuffer(request, 0, &buf, &len));
	T_STATUS(t, STATUS_INVALID_DEVICE_REQUEST,
		 WdfRequestRetrieveInputMemory(request, &mem));
	T_STATUS(t, STATUS_INVALID_DEVICE_REQUEST,
		 WdfRequestMarkCancelableEx(request, NULL));
	T_STATUS(t, STATUS_INVALID_DEVICE_REQUEST,
		 WdfRequestUnmarkCancelable(request));
	T_PTR(t, NULL, WdfRequestGetIoQueue(request));
	T_EQ(t, FALSE, WdfRequestIsCanceled(request));
	WDF_REQUEST_PARAMETERS_INIT(&p);
	WdfRequestGetParameters(request, &p);
	T_EQ(t, 0, p.Type);
	/* completing it is a misuse, ignored: the request lives on */
	WdfRequestComplete(request, STATUS_SUCCESS);
	T_STATUS(t, STATUS_SUCCESS, WdfRequestGetStatus(request));
	WdfObjectDelete(request);
	return 0;
}

/* ---- deletion with requests pending ------------------------------------- */

struct wt_kread {
	struct work_struct work;
	struct file *filp;
	ssize_t ret;
	struct completion done;
	char buf[16];
};

static void wt_kread_fn(struct work_struct *work)
{
	struct wt_kread *k = container_of(work, struct wt_kread, work);
	loff_t pos = 0;

	k->ret = kernel_read(k->filp, k->buf, sizeof(k->buf), &pos);
	complete(&k->done);
}

static WDFREQUEST wt_q_kept;
static atomic_t wt_q_stops;
static ULONG wt_q_stop_flags;

static EVT_WDF_IO_QUEUE_IO_READ wt_q_keep;
static EVT_WDF_IO_QUEUE_IO_STOP wt_q_stop;

static void wt_q_keep(WDFQUEUE Queue, WDFREQUEST Request, size_t Length)
{
	WRITE_ONCE(wt_q_kept, Request);	/* owned, not cancelable */
}

static void wt_q_stop(WDFQUEUE Queue, WDFREQUEST Request, ULONG ActionFlags)
{
	wt_q_stop_flags = ActionFlags;
	atomic_inc(&wt_q_stops);
	WdfRequestStopAcknowledge(Request, TRUE);
}

static bool wt_q_wait_state(struct wt *t, WDFQUEUE q, ULONG want_queued,
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

/*
 * A read waits in a queue (manual: queued; or owned by a driver that keeps
 * it, with EvtIoStop); deleting the device ends it with -ECANCELED, and the
 * still-open file then gets -ENODEV.
 */
static int wt_queue_delete(struct wt *t, bool owned)
{
	WDF_IO_QUEUE_CONFIG qc;
	struct wt_kread *k;
	WDFDRIVER driver;
	WDFDEVICE device;
	WDFQUEUE q;
	loff_t pos = 0;
	char c;

	k = kzalloc(sizeof(*k), GFP_KERNEL);
	if (!T_TRUE(t, k, "kzalloc"))
		return 0;
	init_completion(&k->done);
	INIT_WORK(&k->work, wt_kread_fn);
	atomic_set(&wt_q_stops, 0);
	wt_q_stop_flags = 0;
	WRITE_ONCE(wt_q_kept, NULL);
	if (!wt_q_setup(t, &driver, &device, L"\\Device\\wdfio_qkt"))
		goto out_driver;
	if (owned) {
		WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(&qc,
						       WdfIoQueueDispatchParallel);
		qc.EvtIoRead = wt_q_keep;
		qc.EvtIoStop = wt_q_stop;
	} else {
		WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(&qc,
						       WdfIoQueueDispatchManual);
	}
	if (!T_STATUS(t, STATUS_SUCCESS, WdfIoQueueCreate(device, &qc, NULL,
							  &q)))
		goto out_driver;
	WdfControlFinishInitializing(device);
	k->filp = filp_open("/dev/wdfio_qkt", O_RDWR, 0);
	if (!T_TRUE(t, !IS_ERR(k->filp), "open /dev/wdfio_qkt: %ld",
		    PTR_ERR(k->filp)))
		goto out_driver;
	schedule_work(&k->work);
	if (!wt_q_wait_state(t, q, owned ? 0 : 1, owned ? 1 : 0)) {
		/* unblock the reader before anything else */
		WdfIoQueuePurgeSynchronously(q);
		wait_for_completion(&k->done);
		goto out_file;
	}
	if (owned)
		T_TRUE(t, READ_ONCE(wt_q_kept), "EvtIoRead kept the request");

	WdfObjectDelete(driver);
	driver = NULL;
	if (!T_TRUE(t, wait_for_completion_timeout(&k->done,
						   WT_TIMEOUT_S * HZ),
		    "the read ended")) {
		t->wedged = true;
		return 0;
	}
	T_EQ(t, (u64)-ECANCELED, (u64)k->ret);
	if (owned) {
		T_EQ(t, 1, atomic_read(&wt_q_stops));
		T_EQ(t, WdfRequestStopActionPurge, wt_q_stop_flags);
	}
	/* the file outlives the device */
	T_EQ(t, (u64)-ENODEV, (u64)kernel_read(k->filp, &c, 1, &pos));
out_file:
	filp_close(k->filp, NULL);
out_driver:
	if (driver)
		WdfObjectDelete(driver);
	kfree(k);
	return 0;
}

int wt_queue_delete_queued(struct wt *t)
{
	return wt_queue_delete(t, false);
}

int wt_queue_delete_owned(struct wt *t)
{
	return wt_queue_delete(t, true);
}

/* ---- a *Synchronously call while a callback of its kind is pending ------ */

struct wt_qsync {
	struct work_struct work;
	WDFQUEUE queue;
	bool purge;
	struct completion done;
};

static void wt_qsync_fn(struct work_struct *work)
{
	struct wt_qsync *s = container_of(work, struct wt_qsync, work);

	if (s->purge)
		WdfIoQueuePurgeSynchronously(s->queue);
	else
		WdfIoQueueStopSynchronously(s->queue);
	complete(&s->done);
}

static EVT_WDF_IO_QUEUE_STATE wt_q_idle_cb;

static void wt_q_idle_cb(WDFQUEUE Queue, WDFCONTEXT Context)
{
	complete(Context);
}

/*
 * The driver keeps a read, so a Stop's (or Purge's) callback stays pending;
 * StopSynchronously (PurgeSynchronously) then is a misuse KMDF fails: it
 * must return, not wait for a callback nobody registered. Completing the
 * read then runs the pending callback.
 */
static void wt_q_sync_pending(struct wt *t, WDFQUEUE q, struct wt_qsync *s,
			      bool purge)
{
	DECLARE_COMPLETION_ONSTACK(idle);

	wt_set_where(t, "%s with a callback pending",
		     purge ? "PurgeSynchronously" : "StopSynchronously");
	if (purge)
		WdfIoQueuePurge(q, wt_q_idle_cb, &idle);
	else
		WdfIoQueueStop(q, wt_q_idle_cb, &idle);
	T_TRUE(t, !completion_done(&idle),
	       "callback ran while the driver owns a request");
	s->queue = q;
	s->purge = purge;
	init_completion(&s->done);
	INIT_WORK(&s->work, wt_qsync_fn);
	schedule_work(&s->work);
	if (!T_TRUE(t, wait_for_completion_timeout(&s->done,
						   WT_TIMEOUT_S * HZ),
		    "the second call returned")) {
		t->wedged = true;
		return;
	}
	T_TRUE(t, !completion_done(&idle), "callback ran early");
	WdfRequestComplete(READ_ONCE(wt_q_kept), STATUS_SUCCESS);
	if (!T_TRUE(t, wait_for_completion_timeout(&idle, WT_TIMEOUT_S * HZ),
		    "the pending callback ran once the request completed"))
		t->wedged = true;
}

int wt_queue_sync_pending(struct wt *t)
{
	WDF_IO_QUEUE_CONFIG qc;
	struct wt_kread *k;
	struct wt_qsync *s;
	WDFDRIVER driver = NULL;
	WDFDEVICE device;
	WDFQUEUE q;
	int round;

	k = kzalloc(sizeof(*k), GFP_KERNEL);
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!T_TRUE(t, k && s, "kzalloc"))
		goto out_free;
	if (!wt_q_setup(t, &driver, &device, L"\\Device\\wdfio_qsp"))
		goto out_driver;
	WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(&qc, WdfIoQueueDispatchParallel);
	qc.EvtIoRead = wt_q_keep;
	if (!T_STATUS(t, STATUS_SUCCESS, WdfIoQueueCreate(device, &qc, NULL,
							  &q)))
		goto out_driver;
	WdfControlFinishInitializing(device);
	k->filp = filp_open("/dev/wdfio_qsp", O_RDWR, 0);
	if (!T_TRUE(t, !IS_ERR(k->filp), "open /dev/wdfio_qsp: %ld",
		    PTR_ERR(k->filp)))
		goto out_driver;
	wt_quiet_verifier(t);
	for (round = 0; round < 2 && !t->wedged; round++) {
		WRITE_ONCE(wt_q_kept, NULL);
		init_completion(&k->done);
		INIT_WORK(&k->work, wt_kread_fn);
		WdfIoQueueStart(q);
		schedule_work(&k->work);
		if (!wt_q_wait_state(t, q, 0, 1)) {
			WdfIoQueuePurgeSynchronously(q);
			wait_for_completion(&k->done);
			break;
		}
		wt_q_sync_pending(t, q, s, round);
		if (t->wedged)
			return 0;
		if (!T_TRUE(t, wait_for_completion_timeout(&k->done,
							   WT_TIMEOUT_S * HZ),
			    "the read ended")) {
			t->wedged = true;
			return 0;
		}
		T_EQ(t, 0, k->ret);
	}
	filp_close(k->filp, NULL);
out_driver:
	if (driver)
		WdfObjectDelete(driver);
out_free:
	kfree(s);
	kfree(k);
	return 0;
}

/* ---- WdfIoQueueReadyNotify ----------------------------------------------- */

static atomic_t wt_rn_calls;
static atomic_t wt_rn_done;

static EVT_WDF_IO_QUEUE_STATE wt_rn_ready;

/* Like a driver: retrieve and complete whatever arrived. */
static void wt_rn_ready(WDFQUEUE Queue, WDFCONTEXT Context)
{
	WDFREQUEST r;

	atomic_inc(&wt_rn_calls);
	while (NT_SUCCESS(WdfIoQueueRetrieveNextRequest(Queue, &r))) {
		WdfRequestCompleteWithInformation(r, STATUS_SUCCESS, 0);
		atomic_inc(&wt_rn_done);
	}
}

/* Start a read of the device's node on a work item. */
static void wt_rn_read(struct wt_kread *k)
{
	init_completion(&k->done);
	INIT_WORK(&k->work, wt_kread_fn);
	schedule_work(&k->work);
}

static bool wt_rn_read_ended(struct wt *t, struct wt_kread *k)
{
	if (!T_TRUE(t, wait_for_completion_timeout(&k->done,
						   WT_TIMEOUT_S * HZ),
		    "the read ended")) {
		t->wedged = true;
		return false;
	}
	return T_EQ(t, 0, k->ret);
}

int wt_queue_ready_notify(struct wt *t)
{
	WDF_IO_QUEUE_CONFIG qc;
	WDFDRIVER driver = NULL;
	struct wt_kread *k;
	WDFDEVICE device;
	WDFQUEUE q, par;

	k = kzalloc(sizeof(*k), GFP_KERNEL);
	if (!T_TRUE(t, k, "kzalloc"))
		return 0;
	atomic_set(&wt_rn_calls, 0);
	atomic_set(&wt_rn_done, 0);
	if (!wt_q_setup(t, &driver, &device, L"\\Device\\wdfio_qrn"))
		goto out_driver;
	WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(&qc, WdfIoQueueDispatchManual);
	if (!T_STATUS(t, STATUS_SUCCESS, WdfIoQueueCreate(device, &qc, NULL,
							  &q)))
		goto out_driver;
	WDF_IO_QUEUE_CONFIG_INIT(&qc, WdfIoQueueDispatchParallel);
	qc.EvtIoDefault = wt_q_default;
	if (!T_STATUS(t, STATUS_SUCCESS, WdfIoQueueCreate(device, &qc, NULL,
							  &par)))
		goto out_driver;
	WdfControlFinishInitializing(device);

	wt_set_where(t, "misuse");
	wt_quiet_verifier(t);
	T_STATUS(t, STATUS_INVALID_DEVICE_REQUEST,
		 WdfIoQueueReadyNotify(par, wt_rn_ready, NULL));
	wt_set_where(t, "register on an empty queue");
	T_STATUS(t, STATUS_SUCCESS, WdfIoQueueReadyNotify(q, wt_rn_ready, NULL));
	T_EQ(t, 0, atomic_read(&wt_rn_calls));
	T_STATUS(t, STATUS_INVALID_DEVICE_REQUEST,
		 WdfIoQueueReadyNotify(q, wt_rn_ready, NULL));
	T_STATUS(t, STATUS_INVALID_DEVICE_REQUEST,
		 WdfIoQueueReadyNotify(q, NULL, NULL));

	k->filp = filp_open("/dev/wdfio_qrn", O_RDWR, 0);
	if (!T_TRUE(t, !IS_ERR(k->filp), "open /dev/wdfio_qrn: %ld",
		    PTR_ERR(k->filp)))
		goto out_driver;

	wt_set_where(t, "a read arrives in the empty queue");
	wt_rn_read(k);
	if (!wt_rn_read_ended(t, k))
		return 0;
	T_EQ(t, 1, atomic_read(&wt_rn_calls));
	T_EQ(t, 1, atomic_read(&wt_rn_done));

	wt_set_where(t, "a read queued while the queue is stopped");
	WdfIoQueueStopSynchronously(q);
	wt_rn_read(k);
	if (!wt_q_wait_state(t, q, 1, 0)) {
		WdfIoQueuePurgeSynchronously(q);
		wait_for_completion(&k->done);
		goto out_file;
	}
	T_EQ(t, 1, atomic_read(&wt_rn_calls));
	wt_set_where(t, "WdfIoQueueStart with the read queued");
	WdfIoQueueStart(q);
	if (!wt_rn_read_ended(t, k))
		return 0;
	T_EQ(t, 2, atomic_read(&wt_rn_calls));
	T_EQ(t, 2, atomic_read(&wt_rn_done));

	wt_set_where(t, "unregister once stopped; a read then waits");
	WdfIoQueueStopSynchronously(q);
	T_STATUS(t, STATUS_SUCCESS, WdfIoQueueReadyNotify(q, NULL, NULL));
	WdfIoQueueStart(q);
	wt_rn_read(k);
	if (wt_q_wait_state(t, q, 1, 0))
		T_EQ(t, 2, atomic_read(&wt_rn_calls));
	wt_set_where(t, "register with a request queued: called at once");
	T_STATUS(t, STATUS_SUCCESS, WdfIoQueueReadyNotify(q, wt_rn_ready, NULL));
	if (!wt_rn_read_ended(t, k))
		return 0;
	T_EQ(t, 3, atomic_read(&wt_rn_calls));
	T_EQ(t, 3, atomic_read(&wt_rn_done));
out_file:
	filp_close(k->filp, NULL);
out_driver:
	if (driver)
		WdfObjectDelete(driver);
	kfree(k);
	return 0;
}
