// SPDX-License-Identifier: GPL-2.0
/*
 * The in-caller-context test device (selftests/uapi/wdfio_qcaller.h): a
 * KMDF-style control device with EvtIoInCallerContext, the way a driver of
 * METHOD_NEITHER IOCTLs uses it: capture the caller's buffer on the
 * caller's thread, then let the queue serve the request. Written against
 * the WDF headers, plus copy_from_user (where a Windows driver would probe
 * and lock the buffer) and current->tgid (to prove whose thread it is).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>

#include <ntddk.h>
#include <wdf.h>

#include "wdfio_qcaller.h"
#include "qdev.h"

typedef struct _QC_DEVICE {
	spinlock_t Lock;		/* Stats */
	struct wdfio_qc_stats Stats;
} QC_DEVICE, *PQC_DEVICE;

WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(QC_DEVICE, QcGetDevice);

typedef struct _QC_REQUEST {
	BOOLEAN SeenInCaller;
	ULONG Length;
	UCHAR Data[WDFIO_QC_MAX];
	WDFMEMORY InMem;		/* WDFIO_QC_XOR: the locked buffers */
	WDFMEMORY OutMem;
	struct work_struct Work;	/* WDFIO_QC_XOR: served from here */
} QC_REQUEST, *PQC_REQUEST;

WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(QC_REQUEST, QcGetRequest);

static void QcCount(PQC_DEVICE d, __u32 *counter)
{
	unsigned long flags;

	spin_lock_irqsave(&d->Lock, flags);
	(*counter)++;
	spin_unlock_irqrestore(&d->Lock, flags);
}

/* WDFIO_QC_FILL: write the caller's output buffer, on its thread. */
static void QcFill(WDFREQUEST Request)
{
	u8 b[WDFIO_QC_MAX];
	NTSTATUS status;
	size_t len, i;
	PVOID buf;

	status = WdfRequestRetrieveUnsafeUserOutputBuffer(Request, sizeof(u32),
							  &buf, &len);
	if (NT_SUCCESS(status) && len > WDFIO_QC_MAX)
		status = STATUS_INVALID_PARAMETER;
	if (NT_SUCCESS(status)) {
		for (i = 0; i < len; i++)
			b[i] = wdfio_qc_fill_byte(i);
		if (copy_to_user((void __user *)buf, b, len))
			status = STATUS_INVALID_USER_BUFFER;
	}
	WdfRequestCompleteWithInformation(Request, status,
					  NT_SUCCESS(status) ? len : 0);
}

/*
 * WDFIO_QC_XOR, on the caller's thread: lock both buffers into memory
 * objects of the request. STATUS_PENDING: enqueue it.
 */
static NTSTATUS QcXorLock(PQC_DEVICE d, WDFREQUEST Request)
{
	PQC_REQUEST r = QcGetRequest(Request);
	size_t in_len, out_len;
	PVOID in, out;
	WDFMEMORY m;
	NTSTATUS status;

	status = WdfRequestRetrieveUnsafeUserInputBuffer(Request, 1, &in,
							 &in_len);
	if (NT_SUCCESS(status))
		status = WdfRequestRetrieveUnsafeUserOutputBuffer(Request, 1,
								  &out,
								  &out_len);
	if (!NT_SUCCESS(status))
		return status;
	if (in_len > WDFIO_QC_XOR_MAX || out_len > WDFIO_QC_XOR_MAX)
		return STATUS_INVALID_PARAMETER;
	/* KMDF: a zero length is refused before the pointer is looked at */
	if (WdfRequestProbeAndLockUserBufferForRead(Request, in, 0, &m) !=
	    STATUS_INVALID_USER_BUFFER ||
	    WdfRequestProbeAndLockUserBufferForWrite(Request, out, 0, &m) !=
	    STATUS_INVALID_USER_BUFFER)
		QcCount(d, &d->Stats.bad);
	status = WdfRequestProbeAndLockUserBufferForRead(Request, in, in_len,
							 &r->InMem);
	if (NT_SUCCESS(status))
		status = WdfRequestProbeAndLockUserBufferForWrite(Request, out,
								  out_len,
								  &r->OutMem);
	return NT_SUCCESS(status) ? STATUS_PENDING : status;
}

/*
 * WDFIO_QC_XOR, on a kworker: no user context, only the memory objects.
 * An odd-length input completes with interrupts off, as from an interrupt
 * handler: the output's pages are then unpinned from a work item.
 */
static void QcXorWork(struct work_struct *work)
{
	PQC_REQUEST r = container_of(work, QC_REQUEST, Work);
	WDFREQUEST Request = (WDFREQUEST)WdfObjectContextGetObject(r);
	size_t in_len, out_len, i, n;
	unsigned long flags;
	u8 *in, *out;

	in = WdfMemoryGetBuffer(r->InMem, &in_len);
	out = WdfMemoryGetBuffer(r->OutMem, &out_len);
	n = min(in_len, out_len);
	for (i = 0; i < n; i++)
		out[i] = in[i] ^ 0x5A;
	if (!(in_len & 1)) {
		WdfRequestCompleteWithInformation(Request, STATUS_SUCCESS, n);
		return;
	}
	local_irq_save(flags);
	WdfRequestCompleteWithInformation(Request, STATUS_SUCCESS, n);
	local_irq_restore(flags);
}

static EVT_WDF_IO_IN_CALLER_CONTEXT QcEvtIoInCallerContext;

static void QcEvtIoInCallerContext(WDFDEVICE Device, WDFREQUEST Request)
{
	PQC_DEVICE d = QcGetDevice(Device);
	PQC_REQUEST r = QcGetRequest(Request);
	WDF_REQUEST_PARAMETERS p;
	NTSTATUS status;
	size_t len;
	PVOID buf;

	QcCount(d, &d->Stats.in_caller);
	r->SeenInCaller = TRUE;
	WDF_REQUEST_PARAMETERS_INIT(&p);
	WdfRequestGetParameters(Request, &p);
	if (p.Type == WdfRequestTypeRead) {
		/* Served here, on the caller's thread */
		status = WdfRequestRetrieveOutputBuffer(Request, sizeof(u32),
							&buf, NULL);
		if (NT_SUCCESS(status))
			*(u32 *)buf = current->tgid;
		WdfRequestCompleteWithInformation(Request, status,
						  NT_SUCCESS(status) ? sizeof(u32) : 0);
		return;
	}
	if (p.Type == WdfRequestTypeDeviceControl &&
	    p.Parameters.DeviceIoControl.IoControlCode == WDFIO_QC_FILL) {
		QcFill(Request);
		return;
	}
	if (p.Type == WdfRequestTypeDeviceControl &&
	    p.Parameters.DeviceIoControl.IoControlCode == WDFIO_QC_XOR) {
		status = QcXorLock(d, Request);
		if (status != STATUS_PENDING) {
			WdfRequestComplete(Request, status);
			return;
		}
	}
	if (p.Type == WdfRequestTypeDeviceControl &&
	    p.Parameters.DeviceIoControl.IoControlCode == WDFIO_QC_SUM) {
		status = WdfRequestRetrieveUnsafeUserInputBuffer(Request, sizeof(u32),
								 &buf, &len);
		if (NT_SUCCESS(status) && len > WDFIO_QC_MAX)
			status = STATUS_INVALID_PARAMETER;
		if (NT_SUCCESS(status) &&
		    copy_from_user(r->Data, (const void __user *)buf, len))
			status = STATUS_INVALID_USER_BUFFER;
		if (!NT_SUCCESS(status)) {
			WdfRequestComplete(Request, status);
			return;
		}
		r->Length = len;
	}
	status = WdfDeviceEnqueueRequest(Device, Request);
	if (!NT_SUCCESS(status))
		WdfRequestComplete(Request, status);
}

/* WDFIO_QC_FILEINFO */
static NTSTATUS QcFileInfo(WDFREQUEST Request, ULONG_PTR *Info)
{
	WDFFILEOBJECT fo = WdfRequestGetFileObject(Request);
	struct wdfio_qc_fileinfo *fi;
	PUNICODE_STRING name;
	NTSTATUS status;

	status = WdfRequestRetrieveOutputBuffer(Request, sizeof(*fi),
						(PVOID *)&fi, NULL);
	if (!NT_SUCCESS(status))
		return status;
	if (!fo)
		return STATUS_INVALID_DEVICE_STATE;
	name = WdfFileObjectGetFileName(fo);
	fi->flags = WdfFileObjectGetFlags(fo);
	fi->name_null = !name;
	fi->name_length = name ? name->Length : 0;
	fi->name_maximum = name ? name->MaximumLength : 0;
	fi->name_buffer_null = name ? !name->Buffer : 1;
	*Info = sizeof(*fi);
	return STATUS_SUCCESS;
}

/* WDFIO_QC_NOLINUX: the DDIs that always fail, on this very request */
static NTSTATUS QcNoLinux(WDFQUEUE Queue, WDFREQUEST Request, ULONG_PTR *Info)
{
	WDF_REQUEST_FORWARD_OPTIONS fwd;
	struct wdfio_qc_nolinux *nl;
	PMDL in = (PMDL)1, out = (PMDL)1;
	NTSTATUS status;

	status = WdfRequestRetrieveOutputBuffer(Request, sizeof(*nl),
						(PVOID *)&nl, NULL);
	if (!NT_SUCCESS(status))
		return status;
	WDF_REQUEST_FORWARD_OPTIONS_INIT(&fwd);
	nl->forward = WdfRequestForwardToParentDeviceIoQueue(Request, Queue,
							     &fwd);
	fwd.Size++;
	nl->forward_size = WdfRequestForwardToParentDeviceIoQueue(Request,
								  Queue, &fwd);
	WDF_REQUEST_FORWARD_OPTIONS_INIT(&fwd);
	fwd.Flags |= 0x100;
	nl->forward_flags = WdfRequestForwardToParentDeviceIoQueue(Request,
								   Queue, &fwd);
	nl->input_mdl = WdfRequestRetrieveInputWdmMdl(Request, &in);
	nl->output_mdl = WdfRequestRetrieveOutputWdmMdl(Request, &out);
	nl->mdl_cleared = !in && !out;
	*Info = sizeof(*nl);
	return STATUS_SUCCESS;
}

static EVT_WDF_IO_QUEUE_IO_DEVICE_CONTROL QcEvtIoDeviceControl;

static void QcEvtIoDeviceControl(WDFQUEUE Queue, WDFREQUEST Request,
				 size_t OutputBufferLength,
				 size_t InputBufferLength, ULONG IoControlCode)
{
	WDFDEVICE device = WdfIoQueueGetDevice(Queue);
	PQC_DEVICE d = QcGetDevice(device);
	PQC_REQUEST r = QcGetRequest(Request);
	NTSTATUS status = STATUS_INVALID_DEVICE_REQUEST;
	unsigned long flags;
	ULONG_PTR info = 0;
	WDFMEMORY mem;
	size_t len;
	PVOID buf;
	ULONG i;
	u32 sum;

	QcCount(d, &d->Stats.queued);
	/* Only in EvtIoInCallerContext; and only once to the queues */
	if (!r->SeenInCaller ||
	    WdfRequestRetrieveUnsafeUserInputBuffer(Request, 0, &buf, &len) !=
	    STATUS_INVALID_DEVICE_REQUEST ||
	    WdfRequestRetrieveUnsafeUserOutputBuffer(Request, 0, &buf, &len) !=
	    STATUS_INVALID_DEVICE_REQUEST ||
	    WdfDeviceEnqueueRequest(device, Request) !=
	    STATUS_INVALID_DEVICE_REQUEST)
		QcCount(d, &d->Stats.bad);
	switch (IoControlCode) {
	case WDFIO_QC_SUM:
		for (sum = 0, i = 0; i < r->Length; i++)
			sum += r->Data[i];
		spin_lock_irqsave(&d->Lock, flags);
		d->Stats.last_sum = sum;
		spin_unlock_irqrestore(&d->Lock, flags);
		status = STATUS_SUCCESS;
		break;
	case WDFIO_QC_XOR:
		/* the pointers mean nothing here: no locking outside the callback */
		if (WdfRequestProbeAndLockUserBufferForRead(Request, r, 1, &mem) !=
		    STATUS_INVALID_DEVICE_REQUEST ||
		    WdfRequestProbeAndLockUserBufferForWrite(Request, r, 1, &mem) !=
		    STATUS_INVALID_DEVICE_REQUEST)
			QcCount(d, &d->Stats.bad);
		INIT_WORK(&r->Work, QcXorWork);
		schedule_work(&r->Work);
		return;
	case WDFIO_QC_FILEINFO:
		status = QcFileInfo(Request, &info);
		break;
	case WDFIO_QC_NOLINUX:
		status = QcNoLinux(Queue, Request, &info);
		break;
	case WDFIO_QC_STATS:
		status = WdfRequestRetrieveOutputBuffer(Request, sizeof(d->Stats),
							&buf, NULL);
		if (NT_SUCCESS(status)) {
			spin_lock_irqsave(&d->Lock, flags);
			memcpy(buf, &d->Stats, sizeof(d->Stats));
			spin_unlock_irqrestore(&d->Lock, flags);
			info = sizeof(d->Stats);
		}
		break;
	}
	WdfRequestCompleteWithInformation(Request, status, info);
}

/**
 * wt_qcaller_init() - create the in-caller-context test device
 * @Driver: the queue test driver
 *
 * Context: Process context (module init).
 * Return: an NTSTATUS.
 */
NTSTATUS wt_qcaller_init(WDFDRIVER Driver)
{
	DECLARE_CONST_UNICODE_STRING(name, L"\\Device\\wdfio_qcaller");
	DECLARE_CONST_UNICODE_STRING(root, SDDL_DEVOBJ_SYS_ALL_ADM_ALL);
	WDF_OBJECT_ATTRIBUTES attr, reqAttr;
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
	WdfDeviceInitSetIoInCallerContextCallback(init, QcEvtIoInCallerContext);
	WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&reqAttr, QC_REQUEST);
	WdfDeviceInitSetRequestAttributes(init, &reqAttr);
	WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&attr, QC_DEVICE);
	status = WdfDeviceCreate(&init, &attr, &device);
	if (!NT_SUCCESS(status)) {
		WdfDeviceInitFree(init);
		return status;
	}
	spin_lock_init(&QcGetDevice(device)->Lock);
	WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(&qc, WdfIoQueueDispatchParallel);
	qc.EvtIoDeviceControl = QcEvtIoDeviceControl;
	status = WdfIoQueueCreate(device, &qc, WDF_NO_OBJECT_ATTRIBUTES, NULL);
	if (!NT_SUCCESS(status))
		return status;
	WdfControlFinishInitializing(device);
	return STATUS_SUCCESS;
}
