// SPDX-License-Identifier: GPL-2.0
/*
 * EvtIoInCallerContext (KMDF's FxDevice::DispatchPreprocessedIrp path,
 * reduced): a device with the callback sees each read, write and IOCTL
 * request on the thread that made it, before any of its queues does. The
 * request is then owned by the driver (on the device's internal queue,
 * fileobject.c); the driver completes it or gives it to its queues with
 * WdfDeviceEnqueueRequest. For the character front-end the caller's thread
 * is the process that called read/write/ioctl, so the user pointers of a
 * METHOD_NEITHER IOCTL (WdfRequestRetrieveUnsafeUserInputBuffer and
 * ...OutputBuffer) can be used there with copy_from_user and friends, or
 * turned into memory objects usable anywhere (WdfRequestProbeAndLock*,
 * userbuf.c); nowhere else.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "queue.h"

/**
 * WdfDeviceInitSetIoInCallerContextCallback() - see requests before the queues
 * @DeviceInit: from WdfControlDeviceInitAllocate (or EvtDriverDeviceAdd's)
 * @EvtIoInCallerContext: called with every read, write, IOCTL and internal
 *	IOCTL request of the device (not create requests, not the block
 *	front-end's flushes and discards: they carry no caller buffers), on the
 *	caller's thread; it must complete the request or pass it to
 *	WdfDeviceEnqueueRequest
 *
 * Context: Process context, before WdfDeviceCreate.
 * Return: Nothing.
 */
void WdfDeviceInitSetIoInCallerContextCallback(PWDFDEVICE_INIT DeviceInit,
					       PFN_WDF_IO_IN_CALLER_CONTEXT EvtIoInCallerContext)
{
	if (!DeviceInit) {
		wdfio_misuse("NULL DeviceInit");
		return;
	}
	DeviceInit->in_caller = EvtIoInCallerContext;
}
EXPORT_SYMBOL_GPL(WdfDeviceInitSetIoInCallerContextCallback);

/**
 * wdfio_device_in_caller() - hand a new request to EvtIoInCallerContext
 * @dev: a device with the callback
 * @req: a new request (qr filled in by wdfio_device_submit())
 * @out: receives the front-end's reference on @req
 *
 * Flushes and discards (WdfRequestTypeFlushBuffers, WdfRequestTypeOther)
 * are not given to the callback: the caller returns STATUS_NOT_FOUND and
 * queues them as usual.
 *
 * Context: The caller's (any context for the block front-end).
 * Return: STATUS_PENDING (the driver owns @req), STATUS_NOT_FOUND (queue it
 * as usual), or why it failed (@req is then deleted).
 */
NTSTATUS wdfio_device_in_caller(struct wdfio_device *dev,
				struct wdfio_request *req,
				struct wdfio_request **out)
{
	struct wdfio_qreq *qr = req->qr;
	NTSTATUS status;

	*out = NULL;
	switch (qr->params.Type) {
	case WdfRequestTypeRead:
	case WdfRequestTypeWrite:
	case WdfRequestTypeDeviceControl:
	case WdfRequestTypeDeviceControlInternal:
		break;
	default:
		return STATUS_NOT_FOUND;
	}
	status = wdfio_device_own_internal(dev, req, out);
	if (status != STATUS_PENDING)
		return status;
	WRITE_ONCE(qr->in_caller, true);
	/* The driver may complete it inside: keep it until we are done. */
	wdfio_object_get(&req->obj);
	dev->in_caller(wdfio_device_handle(dev), wdfio_request_handle(req));
	WRITE_ONCE(qr->in_caller, false);
	wdfio_object_put(&req->obj);
	return STATUS_PENDING;
}

/**
 * WdfDeviceEnqueueRequest() - give a request from EvtIoInCallerContext to
 *	the device's queues
 * @Device: the device
 * @Request: the request EvtIoInCallerContext was called with
 *
 * The request goes where it would have gone without the callback: the
 * queue WdfDeviceConfigureRequestDispatching set for its type, else the
 * default queue. A read or write of zero bytes on a queue without
 * AllowZeroLengthRequests is completed with STATUS_SUCCESS, as at
 * submission. On failure the driver still owns the request and must
 * complete it (KMDF).
 *
 * Context: Any context (normally inside EvtIoInCallerContext).
 * Return: STATUS_SUCCESS; STATUS_INVALID_HANDLE; STATUS_INVALID_DEVICE_REQUEST
 * (not a request of this device from EvtIoInCallerContext, or no queue
 * handles its type); STATUS_DELETE_PENDING (device being deleted);
 * STATUS_WDF_BUSY (the queue is not accepting requests).
 */
NTSTATUS WdfDeviceEnqueueRequest(WDFDEVICE Device, WDFREQUEST Request)
{
	struct wdfio_device *dev = wdfio_device_from_handle(Device);
	struct wdfio_request *req = wdfio_request_from_handle(Request);
	WDF_REQUEST_TYPE type;
	struct wdfio_queue *q;
	struct wdfio_qreq *qr;
	unsigned long flags;
	NTSTATUS status;
	size_t len;

	if (!dev || !req) {
		wdfio_misuse("invalid WDFDEVICE %p or WDFREQUEST %p", Device,
			     Request);
		return STATUS_INVALID_HANDLE;
	}
	qr = req->qr;
	if (!qr || qr->dev != dev) {
		wdfio_misuse("request %p is not a request of device %p", req, dev);
		return STATUS_INVALID_DEVICE_REQUEST;
	}
	type = qr->params.Type;
	len = type == WdfRequestTypeRead ? qr->params.Parameters.Read.Length :
	      type == WdfRequestTypeWrite ? qr->params.Parameters.Write.Length :
	      1;

	spin_lock_irqsave(&dev->lock, flags);
	if (qr->state != WDFIO_QR_OWNED || qr->queue != dev->int_queue ||
	    type == WdfRequestTypeCreate) {
		spin_unlock_irqrestore(&dev->lock, flags);
		wdfio_misuse("request %p did not come from EvtIoInCallerContext",
			     req);
		return STATUS_INVALID_DEVICE_REQUEST;
	}
	q = type < WDFIO_NR_DISPATCH ? dev->dispatch[type] : NULL;
	q = q ?: dev->default_queue;
	if (dev->removing)
		status = STATUS_DELETE_PENDING;
	else if (!q || !wdfio_queue_handles(q, type))
		status = STATUS_INVALID_DEVICE_REQUEST;
	else if (!len && !q->cfg.AllowZeroLengthRequests)
		status = STATUS_SUCCESS;	/* completed below */
	else
		status = STATUS_PENDING;
	if (q && status == STATUS_PENDING)
		wdfio_object_get(&q->obj);
	spin_unlock_irqrestore(&dev->lock, flags);

	if (status == STATUS_SUCCESS) {
		WdfRequestCompleteWithInformation(Request, STATUS_SUCCESS, 0);
		return STATUS_SUCCESS;
	}
	if (status != STATUS_PENDING)
		return status;
	/*
	 * From the internal queue to the real one, as a forward does. It may
	 * be presented on this thread at once: it is no longer in the
	 * caller's context for the driver (no unsafe user pointers there).
	 */
	WRITE_ONCE(qr->in_caller, false);
	status = WdfRequestForwardToIoQueue(Request, wdfio_queue_handle(q));
	if (!NT_SUCCESS(status))
		WRITE_ONCE(qr->in_caller, true);
	wdfio_object_put(&q->obj);
	return status;
}
EXPORT_SYMBOL_GPL(WdfDeviceEnqueueRequest);

/* The two WdfRequestRetrieveUnsafeUser*Buffer DDIs: @input picks the side. */
static NTSTATUS wdfio_unsafe_user_buffer(WDFREQUEST Request, size_t min,
					 PVOID *buf, size_t *Length, bool input)
{
	struct wdfio_request *req = wdfio_request_from_handle(Request);
	WDF_REQUEST_PARAMETERS *p;
	struct wdfio_qreq *qr;
	size_t len;

	if (buf)
		*buf = NULL;
	if (Length)
		*Length = 0;
	if (!req || !req->qr) {
		wdfio_misuse("invalid or driver-created WDFREQUEST %p", Request);
		return STATUS_INVALID_DEVICE_REQUEST;
	}
	qr = req->qr;
	if (!READ_ONCE(qr->in_caller) || !qr->neither) {
		wdfio_misuse("request %p: not METHOD_NEITHER in EvtIoInCallerContext",
			     req);
		return STATUS_INVALID_DEVICE_REQUEST;
	}
	if (!buf)
		return STATUS_INVALID_PARAMETER;
	p = &qr->params;
	len = input ? p->Parameters.DeviceIoControl.InputBufferLength :
		      p->Parameters.DeviceIoControl.OutputBufferLength;
	if (len < min || (!len && !min))
		return STATUS_BUFFER_TOO_SMALL;
	*buf = input ? p->Parameters.DeviceIoControl.Type3InputBuffer :
		       qr->user_out;
	if (Length)
		*Length = len;
	return STATUS_SUCCESS;
}

/**
 * WdfRequestRetrieveUnsafeUserInputBuffer() - a METHOD_NEITHER caller's input
 * @Request: the request EvtIoInCallerContext was called with: a
 *	METHOD_NEITHER IOCTL
 * @MinimumRequiredLength: the least InputBufferLength accepted
 * @InputBuffer: receives the caller's user-space pointer (Type3InputBuffer):
 *	never dereference it; copy_from_user() it, here, on the caller's thread
 * @Length: receives InputBufferLength, optional
 *
 * Context: EvtIoInCallerContext only (the caller's process).
 * Return: STATUS_SUCCESS; STATUS_INVALID_DEVICE_REQUEST (not in
 * EvtIoInCallerContext, not a METHOD_NEITHER IOCTL); STATUS_BUFFER_TOO_SMALL;
 * STATUS_INVALID_PARAMETER (NULL @InputBuffer).
 */
NTSTATUS WdfRequestRetrieveUnsafeUserInputBuffer(WDFREQUEST Request,
						 size_t MinimumRequiredLength,
						 PVOID *InputBuffer, size_t *Length)
{
	return wdfio_unsafe_user_buffer(Request, MinimumRequiredLength,
					InputBuffer, Length, true);
}
EXPORT_SYMBOL_GPL(WdfRequestRetrieveUnsafeUserInputBuffer);

/**
 * WdfRequestRetrieveUnsafeUserOutputBuffer() - a METHOD_NEITHER caller's output
 * @Request: the request EvtIoInCallerContext was called with: a
 *	METHOD_NEITHER IOCTL
 * @MinimumRequiredLength: the least OutputBufferLength accepted
 * @OutputBuffer: receives the caller's user-space output pointer (KMDF's
 *	Irp->UserBuffer): never dereference it; copy_to_user() to it here, on
 *	the caller's thread, or lock it with
 *	WdfRequestProbeAndLockUserBufferForWrite
 * @Length: receives OutputBufferLength, optional
 *
 * KMDF also gives the user buffer of a read on a WdfDeviceIoNeither
 * device; wdfio's character front-end buffers such reads (as
 * WdfDeviceIoBuffered), so for them this fails as for any buffered read.
 *
 * Context: EvtIoInCallerContext only (the caller's process).
 * Return: STATUS_SUCCESS; STATUS_INVALID_DEVICE_REQUEST (not in
 * EvtIoInCallerContext, not a METHOD_NEITHER IOCTL); STATUS_BUFFER_TOO_SMALL;
 * STATUS_INVALID_PARAMETER (NULL @OutputBuffer).
 */
NTSTATUS WdfRequestRetrieveUnsafeUserOutputBuffer(WDFREQUEST Request,
						  size_t MinimumRequiredLength,
						  PVOID *OutputBuffer,
						  size_t *Length)
{
	return wdfio_unsafe_user_buffer(Request, MinimumRequiredLength,
					OutputBuffer, Length, false);
}
EXPORT_SYMBOL_GPL(WdfRequestRetrieveUnsafeUserOutputBuffer);
