// SPDX-License-Identifier: GPL-2.0
/*
 * The file object test device (selftests/uapi/wdfio_qfile.h): a KMDF-style
 * control device with file object callbacks and a per-file context, whose
 * counters user space reads through an IOCTL. Written against the WDF
 * headers only, plus a Linux spinlock for its counters.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/spinlock.h>

#include <ntddk.h>
#include <wdf.h>

#include "wdfio_qfile.h"
#include "qdev.h"

typedef struct _QF_DEVICE {
	WDFQUEUE WriteQueue;		/* manual */
	spinlock_t Lock;		/* everything below */
	LONG CreateAction;
	ULONG NextId;
	struct wdfio_qf_stats Stats;
} QF_DEVICE, *PQF_DEVICE;

WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(QF_DEVICE, QfGetDevice);

typedef struct _QF_FILE {
	ULONG Id;
	ULONG Reads;
	BOOLEAN Open;
	BOOLEAN CleanedUp;
} QF_FILE, *PQF_FILE;

WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(QF_FILE, QfGetFile);

static WDFDEVICE QfDevice;

static void QfBad(PQF_DEVICE d)
{
	unsigned long flags;

	spin_lock_irqsave(&d->Lock, flags);
	d->Stats.bad++;
	spin_unlock_irqrestore(&d->Lock, flags);
}

static EVT_WDF_REQUEST_CANCEL QfCreateCancel;

static void QfCreateCancel(WDFREQUEST Request)
{
	PQF_DEVICE d = QfGetDevice(QfDevice);
	unsigned long flags;

	spin_lock_irqsave(&d->Lock, flags);
	d->Stats.cancels++;
	d->Stats.failed++;
	spin_unlock_irqrestore(&d->Lock, flags);
	WdfRequestComplete(Request, STATUS_CANCELLED);
}

static EVT_WDF_DEVICE_FILE_CREATE QfEvtDeviceFileCreate;

static void QfEvtDeviceFileCreate(WDFDEVICE Device, WDFREQUEST Request,
				  WDFFILEOBJECT FileObject)
{
	PQF_DEVICE d = QfGetDevice(Device);
	PQF_FILE f = QfGetFile(FileObject);
	WDF_REQUEST_PARAMETERS p;
	unsigned long flags;
	NTSTATUS status;
	LONG action;

	WDF_REQUEST_PARAMETERS_INIT(&p);
	WdfRequestGetParameters(Request, &p);
	if (WdfRequestGetFileObject(Request) != FileObject ||
	    WdfFileObjectGetDevice(FileObject) != Device ||
	    p.Type != WdfRequestTypeCreate || f->Id)
		QfBad(d);
	spin_lock_irqsave(&d->Lock, flags);
	d->Stats.creates++;
	action = d->CreateAction;
	if (action == STATUS_SUCCESS) {
		f->Id = ++d->NextId;
		f->Open = TRUE;
	} else if (action != WDFIO_QF_HOLD) {
		d->Stats.failed++;
	}
	spin_unlock_irqrestore(&d->Lock, flags);

	if (action == WDFIO_QF_HOLD) {
		/* Until the opener is signalled */
		status = WdfRequestMarkCancelableEx(Request, QfCreateCancel);
		if (NT_SUCCESS(status))
			return;
		spin_lock_irqsave(&d->Lock, flags);
		d->Stats.failed++;
		spin_unlock_irqrestore(&d->Lock, flags);
		WdfRequestComplete(Request, status);
		return;
	}
	WdfRequestComplete(Request, action);
}

static EVT_WDF_FILE_CLEANUP QfEvtFileCleanup;
static EVT_WDF_FILE_CLOSE QfEvtFileClose;
static EVT_WDF_OBJECT_CONTEXT_CLEANUP QfFileContextCleanup;

static void QfEvtFileCleanup(WDFFILEOBJECT FileObject)
{
	PQF_DEVICE d = QfGetDevice(WdfFileObjectGetDevice(FileObject));
	PQF_FILE f = QfGetFile(FileObject);
	unsigned long flags;

	spin_lock_irqsave(&d->Lock, flags);
	d->Stats.cleanups++;
	if (!f->Open || f->CleanedUp)
		d->Stats.bad++;
	f->CleanedUp = TRUE;
	spin_unlock_irqrestore(&d->Lock, flags);
}

static void QfEvtFileClose(WDFFILEOBJECT FileObject)
{
	PQF_DEVICE d = QfGetDevice(WdfFileObjectGetDevice(FileObject));
	PQF_FILE f = QfGetFile(FileObject);
	unsigned long flags;

	spin_lock_irqsave(&d->Lock, flags);
	d->Stats.closes++;
	d->Stats.last_closed = f->Id;
	if (!f->CleanedUp || !f->Open)
		d->Stats.bad++;
	f->Open = FALSE;
	spin_unlock_irqrestore(&d->Lock, flags);
}

static void QfFileContextCleanup(WDFOBJECT FileObject)
{
	PQF_DEVICE d = QfGetDevice(QfDevice);
	unsigned long flags;

	spin_lock_irqsave(&d->Lock, flags);
	d->Stats.ctx_cleanups++;
	spin_unlock_irqrestore(&d->Lock, flags);
}

static EVT_WDF_IO_QUEUE_IO_READ QfEvtIoRead;
static EVT_WDF_IO_QUEUE_IO_DEVICE_CONTROL QfEvtIoDeviceControl;

static void QfEvtIoRead(WDFQUEUE Queue, WDFREQUEST Request, size_t Length)
{
	PQF_DEVICE d = QfGetDevice(WdfIoQueueGetDevice(Queue));
	WDFFILEOBJECT fileObject = WdfRequestGetFileObject(Request);
	struct wdfio_qf_whoami *who;
	unsigned long flags;
	NTSTATUS status;
	PQF_FILE f;

	if (!fileObject) {
		QfBad(d);
		WdfRequestComplete(Request, STATUS_INVALID_DEVICE_REQUEST);
		return;
	}
	f = QfGetFile(fileObject);
	status = WdfRequestRetrieveOutputBuffer(Request, sizeof(*who),
						(PVOID *)&who, NULL);
	if (!NT_SUCCESS(status)) {
		WdfRequestComplete(Request, status);
		return;
	}
	spin_lock_irqsave(&d->Lock, flags);
	if (!f->Open)
		d->Stats.bad++;
	who->id = f->Id;
	who->reads = ++f->Reads;
	spin_unlock_irqrestore(&d->Lock, flags);
	WdfRequestCompleteWithInformation(Request, STATUS_SUCCESS, sizeof(*who));
}

/* A write taken from the manual queue: completed with its length. */
static void QfCompleteWrite(WDFREQUEST Request)
{
	WDF_REQUEST_PARAMETERS p;

	WDF_REQUEST_PARAMETERS_INIT(&p);
	WdfRequestGetParameters(Request, &p);
	WdfRequestCompleteWithInformation(Request, STATUS_SUCCESS,
					  p.Parameters.Write.Length);
}

/* The WDFIO_QF_COUNT_MINE/TAKE_* IOCTLs; *Out: their __u32 answer. */
static NTSTATUS QfFind(PQF_DEVICE d, WDFREQUEST Request, ULONG Code, u32 *Out)
{
	WDFFILEOBJECT fileObject = WdfRequestGetFileObject(Request);
	WDFREQUEST found = NULL, next, taken;
	WDF_REQUEST_PARAMETERS p;
	NTSTATUS status;

	*Out = 0;
	switch (Code) {
	case WDFIO_QF_COUNT_MINE:
		for (;;) {
			WDF_REQUEST_PARAMETERS_INIT(&p);
			status = WdfIoQueueFindRequest(d->WriteQueue, found,
						       fileObject, &p, &next);
			if (found)
				WdfObjectDereference(found);
			if (!NT_SUCCESS(status))
				break;
			if (p.Type != WdfRequestTypeWrite ||
			    WdfRequestGetFileObject(next) != fileObject)
				QfBad(d);
			(*Out)++;
			found = next;
		}
		return status == STATUS_NO_MORE_ENTRIES ? STATUS_SUCCESS : status;
	case WDFIO_QF_TAKE_MINE:
		status = WdfIoQueueRetrieveRequestByFileObject(d->WriteQueue,
							       fileObject, &taken);
		if (status == STATUS_NO_MORE_ENTRIES)
			return STATUS_SUCCESS;
		if (!NT_SUCCESS(status))
			return status;
		QfCompleteWrite(taken);
		*Out = 1;
		return STATUS_SUCCESS;
	case WDFIO_QF_TAKE_FIRST:
		status = WdfIoQueueFindRequest(d->WriteQueue, NULL, NULL, NULL,
					       &found);
		if (status == STATUS_NO_MORE_ENTRIES)
			return STATUS_SUCCESS;
		if (!NT_SUCCESS(status))
			return status;
		status = WdfIoQueueRetrieveFoundRequest(d->WriteQueue, found,
							&taken);
		/* Taken: not found again */
		if (NT_SUCCESS(status) &&
		    WdfIoQueueRetrieveFoundRequest(d->WriteQueue, found, &next) !=
		    STATUS_NOT_FOUND)
			QfBad(d);
		WdfObjectDereference(found);
		if (!NT_SUCCESS(status))
			return status;
		QfCompleteWrite(taken);
		*Out = 1;
		return STATUS_SUCCESS;
	}
	return STATUS_INVALID_DEVICE_REQUEST;
}

static void QfEvtIoDeviceControl(WDFQUEUE Queue, WDFREQUEST Request,
				 size_t OutputBufferLength,
				 size_t InputBufferLength, ULONG IoControlCode)
{
	PQF_DEVICE d = QfGetDevice(WdfIoQueueGetDevice(Queue));
	NTSTATUS status = STATUS_INVALID_DEVICE_REQUEST;
	unsigned long flags;
	ULONG_PTR info = 0;
	PVOID buf;
	u32 n;

	if (!WdfRequestGetFileObject(Request))
		QfBad(d);
	switch (IoControlCode) {
	case WDFIO_QF_SET_CREATE:
		status = WdfRequestRetrieveInputBuffer(Request, sizeof(__s32),
						       &buf, NULL);
		if (NT_SUCCESS(status)) {
			spin_lock_irqsave(&d->Lock, flags);
			d->CreateAction = *(__s32 *)buf;
			spin_unlock_irqrestore(&d->Lock, flags);
		}
		break;
	case WDFIO_QF_STATS:
		status = WdfRequestRetrieveOutputBuffer(Request, sizeof(d->Stats),
							&buf, NULL);
		if (NT_SUCCESS(status)) {
			spin_lock_irqsave(&d->Lock, flags);
			memcpy(buf, &d->Stats, sizeof(d->Stats));
			spin_unlock_irqrestore(&d->Lock, flags);
			info = sizeof(d->Stats);
		}
		break;
	case WDFIO_QF_COUNT_MINE:
	case WDFIO_QF_TAKE_MINE:
	case WDFIO_QF_TAKE_FIRST:
		status = WdfRequestRetrieveOutputBuffer(Request, sizeof(n), &buf,
							NULL);
		if (NT_SUCCESS(status))
			status = QfFind(d, Request, IoControlCode, &n);
		if (NT_SUCCESS(status)) {
			memcpy(buf, &n, sizeof(n));
			info = sizeof(n);
		}
		break;
	}
	WdfRequestCompleteWithInformation(Request, status, info);
}

/**
 * wt_qfile_init() - create the file object test device
 * @Driver: the queue test driver
 *
 * Context: Process context (module init).
 * Return: an NTSTATUS.
 */
NTSTATUS wt_qfile_init(WDFDRIVER Driver)
{
	DECLARE_CONST_UNICODE_STRING(name, L"\\Device\\wdfio_qfile");
	DECLARE_CONST_UNICODE_STRING(root, SDDL_DEVOBJ_SYS_ALL_ADM_ALL);
	WDF_OBJECT_ATTRIBUTES attr, fileAttr;
	WDF_FILEOBJECT_CONFIG fileConfig;
	WDF_IO_QUEUE_CONFIG qc;
	PWDFDEVICE_INIT init;
	WDFDEVICE device;
	NTSTATUS status;

	init = WdfControlDeviceInitAllocate(Driver, &root);
	if (!init)
		return STATUS_INSUFFICIENT_RESOURCES;
	status = WdfDeviceInitAssignName(init, &name);
	if (!NT_SUCCESS(status)) {
		WdfDeviceInitFree(init);
		return status;
	}
	WDF_FILEOBJECT_CONFIG_INIT(&fileConfig, QfEvtDeviceFileCreate,
				   QfEvtFileClose, QfEvtFileCleanup);
	WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&fileAttr, QF_FILE);
	fileAttr.EvtCleanupCallback = QfFileContextCleanup;
	WdfDeviceInitSetFileObjectConfig(init, &fileConfig, &fileAttr);
	WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&attr, QF_DEVICE);
	status = WdfDeviceCreate(&init, &attr, &device);
	if (!NT_SUCCESS(status)) {
		WdfDeviceInitFree(init);
		return status;
	}
	spin_lock_init(&QfGetDevice(device)->Lock);
	QfDevice = device;

	WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(&qc, WdfIoQueueDispatchParallel);
	qc.EvtIoRead = QfEvtIoRead;
	qc.EvtIoDeviceControl = QfEvtIoDeviceControl;
	status = WdfIoQueueCreate(device, &qc, WDF_NO_OBJECT_ATTRIBUTES, NULL);
	if (!NT_SUCCESS(status))
		return status;
	WDF_IO_QUEUE_CONFIG_INIT(&qc, WdfIoQueueDispatchManual);
	status = WdfIoQueueCreate(device, &qc, WDF_NO_OBJECT_ATTRIBUTES,
				  &QfGetDevice(device)->WriteQueue);
	if (NT_SUCCESS(status))
		status = WdfDeviceConfigureRequestDispatching(device,
							      QfGetDevice(device)->WriteQueue,
							      WdfRequestTypeWrite);
	if (!NT_SUCCESS(status))
		return status;
	WdfControlFinishInitializing(device);
	return STATUS_SUCCESS;
}
