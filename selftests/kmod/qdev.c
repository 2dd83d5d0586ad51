// SPDX-License-Identifier: GPL-2.0
/*
 * The queue test devices (selftests/uapi/wdfio_qtest.h): a small KMDF-style
 * driver with control devices whose queues user space drives through
 * wdfio's character front-end. Written against the WDF headers only, plus
 * a Linux spinlock for its own lists.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <linux/spinlock.h>

#include <ntddk.h>
#include <wdf.h>

#include "wdfio_qtest.h"
#include "qdev.h"

#define QT_MAX_HELD	64

typedef struct _QT_DEVICE {
	WDFQUEUE RwQueue;
	WDFQUEUE CtlQueue;
	UCHAR *Store;
	spinlock_t Lock;		/* Held, NumHeld, Hold, Owned, Stats */
	BOOLEAN Hold;
	WDFREQUEST Held[QT_MAX_HELD];
	ULONG NumHeld;
	ULONG Owned;
	struct wdfio_qt_stats Stats;
} QT_DEVICE, *PQT_DEVICE;

WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(QT_DEVICE, QtGetDevice);

static WDFDRIVER QtDriver;

static PQT_DEVICE QtFromQueue(WDFQUEUE Queue)
{
	return QtGetDevice(WdfIoQueueGetDevice(Queue));
}

static BOOLEAN QtIsRw(WDFREQUEST Request)
{
	WDF_REQUEST_PARAMETERS p;

	WDF_REQUEST_PARAMETERS_INIT(&p);
	WdfRequestGetParameters(Request, &p);
	return p.Type == WdfRequestTypeRead || p.Type == WdfRequestTypeWrite;
}

/* A read/write request leaves the driver. */
static void QtRwDone(PQT_DEVICE d)
{
	unsigned long flags;

	spin_lock_irqsave(&d->Lock, flags);
	d->Owned--;
	spin_unlock_irqrestore(&d->Lock, flags);
}

/* Serve a read or write from the store. */
static void QtServe(PQT_DEVICE d, WDFREQUEST Request)
{
	WDF_REQUEST_PARAMETERS p;
	NTSTATUS status;
	LONGLONG off;
	size_t len, n;
	PVOID buf;

	WDF_REQUEST_PARAMETERS_INIT(&p);
	WdfRequestGetParameters(Request, &p);
	if (p.Type == WdfRequestTypeDeviceControl) {
		WdfRequestCompleteWithInformation(Request, STATUS_SUCCESS, 0);
		return;
	}
	off = p.Type == WdfRequestTypeRead ? p.Parameters.Read.DeviceOffset :
					     p.Parameters.Write.DeviceOffset;
	len = p.Type == WdfRequestTypeRead ? p.Parameters.Read.Length :
					     p.Parameters.Write.Length;
	QtRwDone(d);
	if (off >= WDFIO_QT_STORE) {
		WdfRequestCompleteWithInformation(Request,
						  p.Type == WdfRequestTypeRead ?
						  STATUS_END_OF_FILE :
						  STATUS_DISK_FULL, 0);
		return;
	}
	n = min_t(size_t, len, WDFIO_QT_STORE - off);
	if (p.Type == WdfRequestTypeRead) {
		status = WdfRequestRetrieveOutputBuffer(Request, n, &buf, NULL);
		if (NT_SUCCESS(status))
			memcpy(buf, d->Store + off, n);
	} else {
		status = WdfRequestRetrieveInputBuffer(Request, n, &buf, NULL);
		if (NT_SUCCESS(status))
			memcpy(d->Store + off, buf, n);
	}
	WdfRequestCompleteWithInformation(Request, status,
					  NT_SUCCESS(status) ? n : 0);
}

static EVT_WDF_REQUEST_CANCEL QtCancel;

static void QtCancel(WDFREQUEST Request)
{
	PQT_DEVICE d = QtFromQueue(WdfRequestGetIoQueue(Request));
	unsigned long flags;
	ULONG i;

	spin_lock_irqsave(&d->Lock, flags);
	for (i = 0; i < d->NumHeld; i++) {
		if (d->Held[i] == Request) {
			d->Held[i] = d->Held[--d->NumHeld];
			break;
		}
	}
	d->Stats.cancel_routine++;
	spin_unlock_irqrestore(&d->Lock, flags);
	if (QtIsRw(Request))
		QtRwDone(d);
	WdfRequestComplete(Request, STATUS_CANCELLED);
}

/* Keep a request, cancelable, until WDFIO_QT_RELEASE or a cancel. */
static void QtHold(PQT_DEVICE d, WDFREQUEST Request)
{
	unsigned long flags;
	BOOLEAN full;
	NTSTATUS status;

	spin_lock_irqsave(&d->Lock, flags);
	full = d->NumHeld == QT_MAX_HELD;
	if (!full)
		d->Held[d->NumHeld++] = Request;
	spin_unlock_irqrestore(&d->Lock, flags);
	if (full) {
		if (QtIsRw(Request))
			QtRwDone(d);
		WdfRequestComplete(Request, STATUS_INSUFFICIENT_RESOURCES);
		return;
	}
	status = WdfRequestMarkCancelableEx(Request, QtCancel);
	if (!NT_SUCCESS(status)) {
		/* Already cancelled: complete it here (the routine won't run). */
		spin_lock_irqsave(&d->Lock, flags);
		d->NumHeld--;
		spin_unlock_irqrestore(&d->Lock, flags);
		if (QtIsRw(Request))
			QtRwDone(d);
		WdfRequestComplete(Request, status);
	}
}

static ULONG QtRelease(PQT_DEVICE d)
{
	WDFREQUEST held[QT_MAX_HELD];
	unsigned long flags;
	ULONG i, n, served = 0;

	spin_lock_irqsave(&d->Lock, flags);
	n = d->NumHeld;
	memcpy(held, d->Held, n * sizeof(held[0]));
	d->NumHeld = 0;
	spin_unlock_irqrestore(&d->Lock, flags);
	for (i = 0; i < n; i++) {
		/* STATUS_CANCELLED: the cancel routine completes it. */
		if (!NT_SUCCESS(WdfRequestUnmarkCancelable(held[i])))
			continue;
		QtServe(d, held[i]);
		served++;
	}
	return served;
}

/* A read or write now belongs to the driver. */
static void QtTake(PQT_DEVICE d, WDFREQUEST Request)
{
	unsigned long flags;
	BOOLEAN hold;

	spin_lock_irqsave(&d->Lock, flags);
	d->Stats.presented++;
	d->Owned++;
	if (d->Owned > d->Stats.owned_max)
		d->Stats.owned_max = d->Owned;
	hold = d->Hold;
	spin_unlock_irqrestore(&d->Lock, flags);
	if (hold)
		QtHold(d, Request);
	else
		QtServe(d, Request);
}

static EVT_WDF_IO_QUEUE_IO_READ QtEvtIoRead;
static EVT_WDF_IO_QUEUE_IO_WRITE QtEvtIoWrite;
static EVT_WDF_IO_QUEUE_IO_CANCELED_ON_QUEUE QtEvtCanceledOnQueue;
static EVT_WDF_IO_QUEUE_IO_DEVICE_CONTROL QtEvtIoDeviceControl;
static EVT_WDF_IO_QUEUE_STATE QtStopDone;
static EVT_WDF_IO_QUEUE_STATE QtPurgeDone;
static EVT_WDF_IO_QUEUE_STATE QtDrainDone;

static void QtEvtIoRead(WDFQUEUE Queue, WDFREQUEST Request, size_t Length)
{
	QtTake(QtFromQueue(Queue), Request);
}

static void QtEvtIoWrite(WDFQUEUE Queue, WDFREQUEST Request, size_t Length)
{
	QtTake(QtFromQueue(Queue), Request);
}

static void QtEvtCanceledOnQueue(WDFQUEUE Queue, WDFREQUEST Request)
{
	PQT_DEVICE d = QtFromQueue(Queue);
	unsigned long flags;

	spin_lock_irqsave(&d->Lock, flags);
	d->Stats.canceled_on_queue++;
	spin_unlock_irqrestore(&d->Lock, flags);
	WdfRequestComplete(Request, STATUS_CANCELLED);
}

static void QtStopDone(WDFQUEUE Queue, WDFCONTEXT Context)
{
	PQT_DEVICE d = Context;
	unsigned long flags;

	spin_lock_irqsave(&d->Lock, flags);
	d->Stats.stop_done++;
	spin_unlock_irqrestore(&d->Lock, flags);
}

static void QtPurgeDone(WDFQUEUE Queue, WDFCONTEXT Context)
{
	PQT_DEVICE d = Context;
	unsigned long flags;

	spin_lock_irqsave(&d->Lock, flags);
	d->Stats.purge_done++;
	spin_unlock_irqrestore(&d->Lock, flags);
}

static void QtDrainDone(WDFQUEUE Queue, WDFCONTEXT Context)
{
	PQT_DEVICE d = Context;
	unsigned long flags;

	spin_lock_irqsave(&d->Lock, flags);
	d->Stats.drain_done++;
	spin_unlock_irqrestore(&d->Lock, flags);
}

static NTSTATUS QtEcho(WDFREQUEST Request, size_t OutLen, size_t InLen,
		       ULONG_PTR *Info)
{
	UCHAR *in, *out;
	NTSTATUS status;
	size_t i, n = min(OutLen, InLen);

	if (!n)
		return STATUS_SUCCESS;
	status = WdfRequestRetrieveInputBuffer(Request, n, (PVOID *)&in, NULL);
	if (!NT_SUCCESS(status))
		return status;
	status = WdfRequestRetrieveOutputBuffer(Request, n, (PVOID *)&out, NULL);
	if (!NT_SUCCESS(status))
		return status;
	for (i = 0; i < n; i++)
		out[i] = in[i] ^ 0x5A;
	*Info = n;
	return STATUS_SUCCESS;
}

static NTSTATUS QtNeither(WDFREQUEST Request, ULONG_PTR *Info)
{
	WDF_REQUEST_PARAMETERS p;
	WDFMEMORY mem;
	size_t len;
	PVOID buf;

	/* METHOD_NEITHER: no system buffer for the framework to give out */
	if (WdfRequestRetrieveInputBuffer(Request, 0, &buf, &len) !=
	    STATUS_INVALID_DEVICE_REQUEST ||
	    WdfRequestRetrieveOutputBuffer(Request, 0, &buf, &len) !=
	    STATUS_INVALID_DEVICE_REQUEST ||
	    WdfRequestRetrieveInputMemory(Request, &mem) !=
	    STATUS_INVALID_DEVICE_REQUEST)
		return STATUS_UNSUCCESSFUL;
	WDF_REQUEST_PARAMETERS_INIT(&p);
	WdfRequestGetParameters(Request, &p);
	*Info = 0;
	return p.Parameters.DeviceIoControl.Type3InputBuffer ? STATUS_SUCCESS :
							       STATUS_INVALID_PARAMETER;
}

static void QtEvtIoDeviceControl(WDFQUEUE Queue, WDFREQUEST Request,
				 size_t OutputBufferLength,
				 size_t InputBufferLength, ULONG IoControlCode)
{
	PQT_DEVICE d = QtFromQueue(Queue);
	NTSTATUS status = STATUS_SUCCESS;
	unsigned long flags;
	ULONG_PTR info = 0;
	WDFREQUEST r;
	PVOID buf;
	size_t n;
	ULONG i;

	switch (IoControlCode) {
	case WDFIO_QT_ECHO_BUFFERED:
		status = QtEcho(Request, OutputBufferLength, InputBufferLength,
				&info);
		break;
	case WDFIO_QT_STORE_IN_DIRECT:
		n = min_t(size_t, OutputBufferLength, WDFIO_QT_STORE);
		status = WdfRequestRetrieveOutputBuffer(Request, n, &buf, NULL);
		if (NT_SUCCESS(status)) {
			memcpy(d->Store, buf, n);
			info = n;
		}
		break;
	case WDFIO_QT_LOAD_OUT_DIRECT:
		n = min_t(size_t, OutputBufferLength, WDFIO_QT_STORE);
		status = WdfRequestRetrieveOutputBuffer(Request, n, &buf, NULL);
		if (NT_SUCCESS(status)) {
			memcpy(buf, d->Store, n);
			info = n;
		}
		break;
	case WDFIO_QT_NEITHER:
		status = QtNeither(Request, &info);
		break;
	case WDFIO_QT_NEED16:
		status = WdfRequestRetrieveInputBuffer(Request, 16, &buf, NULL);
		if (NT_SUCCESS(status))
			status = WdfRequestRetrieveOutputBuffer(Request, 16, &buf,
								NULL);
		if (NT_SUCCESS(status))
			info = 16;
		break;
	case WDFIO_QT_OVERCLAIM:
		info = OutputBufferLength + 100;
		break;
	case WDFIO_QT_PEND:
		QtHold(d, Request);
		return;
	case WDFIO_QT_WRITE_ONLY:
		break;
	case WDFIO_QT_STOP:
		WdfIoQueueStop(d->RwQueue, QtStopDone, d);
		break;
	case WDFIO_QT_START:
		WdfIoQueueStart(d->RwQueue);
		break;
	case WDFIO_QT_PURGE:
		WdfIoQueuePurge(d->RwQueue, QtPurgeDone, d);
		break;
	case WDFIO_QT_STOP_SYNC:
		WdfIoQueueStopSynchronously(d->RwQueue);
		break;
	case WDFIO_QT_PURGE_SYNC:
		WdfIoQueuePurgeSynchronously(d->RwQueue);
		break;
	case WDFIO_QT_STOP_PURGE:
		WdfIoQueueStopAndPurge(d->RwQueue, QtStopDone, d);
		break;
	case WDFIO_QT_DRAIN:
		WdfIoQueueDrain(d->RwQueue, QtDrainDone, d);
		break;
	case WDFIO_QT_DRAIN_SYNC:
		WdfIoQueueDrainSynchronously(d->RwQueue);
		break;
	case WDFIO_QT_SET_HOLD:
		status = WdfRequestRetrieveInputBuffer(Request, sizeof(u32),
						       &buf, NULL);
		if (NT_SUCCESS(status)) {
			spin_lock_irqsave(&d->Lock, flags);
			d->Hold = *(u32 *)buf != 0;
			spin_unlock_irqrestore(&d->Lock, flags);
		}
		break;
	case WDFIO_QT_RELEASE:
		info = QtRelease(d);
		/* Information is bytes: report the count in the buffer too */
		if (NT_SUCCESS(WdfRequestRetrieveOutputBuffer(Request, sizeof(u32),
							      &buf, NULL))) {
			*(u32 *)buf = info;
			info = sizeof(u32);
		} else {
			info = 0;
		}
		break;
	case WDFIO_QT_STATS:
		status = WdfRequestRetrieveOutputBuffer(Request,
							sizeof(d->Stats),
							&buf, NULL);
		if (NT_SUCCESS(status)) {
			struct wdfio_qt_stats st;
			ULONG queued, owned;

			st.state = WdfIoQueueGetState(d->RwQueue, &queued,
						      &owned);
			spin_lock_irqsave(&d->Lock, flags);
			memcpy(&st, &d->Stats, offsetof(typeof(st), queued));
			st.held = d->NumHeld;
			st.drain_done = d->Stats.drain_done;
			spin_unlock_irqrestore(&d->Lock, flags);
			st.queued = queued;
			st.owned = owned;
			memcpy(buf, &st, sizeof(st));
			info = sizeof(st);
		}
		break;
	case WDFIO_QT_RETRIEVE:
		status = WdfRequestRetrieveInputBuffer(Request, sizeof(u32),
						       &buf, NULL);
		if (!NT_SUCCESS(status))
			break;
		n = *(u32 *)buf;
		for (i = 0; i < n; i++) {
			status = WdfIoQueueRetrieveNextRequest(d->RwQueue, &r);
			if (!NT_SUCCESS(status))
				break;
			QtTake(d, r);
		}
		if (status == STATUS_NO_MORE_ENTRIES)
			status = STATUS_SUCCESS;
		if (NT_SUCCESS(status) &&
		    NT_SUCCESS(WdfRequestRetrieveOutputBuffer(Request,
							      sizeof(u32),
							      &buf, NULL))) {
			*(u32 *)buf = i;
			info = sizeof(u32);
		}
		break;
	case WDFIO_QT_RESET:
		spin_lock_irqsave(&d->Lock, flags);
		memset(&d->Stats, 0, sizeof(d->Stats));
		d->Stats.owned_max = d->Owned;
		spin_unlock_irqrestore(&d->Lock, flags);
		break;
	default:
		status = STATUS_INVALID_DEVICE_REQUEST;
		break;
	}
	WdfRequestCompleteWithInformation(Request, status, info);
}

static EVT_WDF_OBJECT_CONTEXT_CLEANUP QtDeviceCleanup;

static void QtDeviceCleanup(WDFOBJECT Device)
{
	kfree(QtGetDevice(Device)->Store);
}

static NTSTATUS QtCreateDevice(PCUNICODE_STRING Name, PCUNICODE_STRING Sddl,
			       WDF_IO_QUEUE_DISPATCH_TYPE Type,
			       WDF_DEVICE_IO_TYPE IoType)
{
	WDF_OBJECT_ATTRIBUTES attr;
	WDF_IO_QUEUE_CONFIG qc;
	PWDFDEVICE_INIT init;
	WDFDEVICE device;
	NTSTATUS status;
	PQT_DEVICE d;

	init = WdfControlDeviceInitAllocate(QtDriver, Sddl);
	if (!init)
		return STATUS_INSUFFICIENT_RESOURCES;
	status = WdfDeviceInitAssignName(init, Name);
	if (!NT_SUCCESS(status)) {
		WdfDeviceInitFree(init);
		return status;
	}
	WdfDeviceInitSetIoType(init, IoType);
	WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&attr, QT_DEVICE);
	attr.EvtCleanupCallback = QtDeviceCleanup;
	status = WdfDeviceCreate(&init, &attr, &device);
	if (!NT_SUCCESS(status)) {
		WdfDeviceInitFree(init);
		return status;
	}
	d = QtGetDevice(device);
	spin_lock_init(&d->Lock);
	d->Store = kzalloc(WDFIO_QT_STORE, GFP_KERNEL);
	if (!d->Store)
		return STATUS_INSUFFICIENT_RESOURCES;

	WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(&qc, Type);
	if (Type != WdfIoQueueDispatchManual) {
		qc.EvtIoRead = QtEvtIoRead;
		qc.EvtIoWrite = QtEvtIoWrite;
	}
	qc.EvtIoCanceledOnQueue = QtEvtCanceledOnQueue;
	status = WdfIoQueueCreate(device, &qc, WDF_NO_OBJECT_ATTRIBUTES,
				  &d->RwQueue);
	if (!NT_SUCCESS(status))
		return status;

	WDF_IO_QUEUE_CONFIG_INIT(&qc, WdfIoQueueDispatchParallel);
	qc.EvtIoDeviceControl = QtEvtIoDeviceControl;
	status = WdfIoQueueCreate(device, &qc, WDF_NO_OBJECT_ATTRIBUTES,
				  &d->CtlQueue);
	if (!NT_SUCCESS(status))
		return status;
	status = WdfDeviceConfigureRequestDispatching(device, d->CtlQueue,
						      WdfRequestTypeDeviceControl);
	if (!NT_SUCCESS(status))
		return status;
	WdfControlFinishInitializing(device);
	return STATUS_SUCCESS;
}

/**
 * wt_qdev_init() - create the queue test devices
 *
 * Context: Process context (module init).
 * Return: 0 or -ENODEV.
 */
int wt_qdev_init(void)
{
	DECLARE_CONST_UNICODE_STRING(seq, L"\\Device\\wdfio_qseq");
	DECLARE_CONST_UNICODE_STRING(par, L"\\Device\\wdfio_qpar");
	DECLARE_CONST_UNICODE_STRING(man, L"\\Device\\wdfio_qman");
	DECLARE_CONST_UNICODE_STRING(dir, L"\\Device\\wdfio_qdir");
	DECLARE_CONST_UNICODE_STRING(world, L"\\Device\\wdfio_qworld");
	DECLARE_CONST_UNICODE_STRING(root, SDDL_DEVOBJ_SYS_ALL_ADM_ALL);
	DECLARE_CONST_UNICODE_STRING(all, SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_RW);
	WDF_DRIVER_CONFIG cfg;
	NTSTATUS status;

	WDF_DRIVER_CONFIG_INIT(&cfg, WDF_NO_EVENT_CALLBACK);
	cfg.DriverInitFlags = WdfDriverInitNonPnpDriver;
	status = WdfDriverCreate(NULL, NULL, WDF_NO_OBJECT_ATTRIBUTES, &cfg,
				 &QtDriver);
	if (!NT_SUCCESS(status))
		goto fail;
	status = QtCreateDevice(&seq, &root, WdfIoQueueDispatchSequential,
				WdfDeviceIoBuffered);
	if (NT_SUCCESS(status))
		status = QtCreateDevice(&par, &root, WdfIoQueueDispatchParallel,
					WdfDeviceIoBuffered);
	if (NT_SUCCESS(status))
		status = QtCreateDevice(&man, &root, WdfIoQueueDispatchManual,
					WdfDeviceIoBuffered);
	if (NT_SUCCESS(status))
		status = QtCreateDevice(&dir, &root, WdfIoQueueDispatchParallel,
					WdfDeviceIoDirect);
	if (NT_SUCCESS(status))
		status = QtCreateDevice(&world, &all, WdfIoQueueDispatchParallel,
					WdfDeviceIoBuffered);
	if (NT_SUCCESS(status))
		status = wt_qfile_init(QtDriver);
	if (NT_SUCCESS(status))
		status = wt_qcaller_init(QtDriver);
	if (NT_SUCCESS(status))
		return 0;
	WdfObjectDelete(QtDriver);
	QtDriver = NULL;
fail:
	pr_err("queue test devices not created: %#x\n", status);
	return -ENODEV;
}

/**
 * wt_qdev_exit() - delete the queue test devices
 *
 * Context: Process context (module exit).
 */
void wt_qdev_exit(void)
{
	if (QtDriver)
		WdfObjectDelete(QtDriver);
	QtDriver = NULL;
}
