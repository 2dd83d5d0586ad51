// SPDX-License-Identifier: GPL-2.0
/*
 * WdfIoTargetFormatRequestFor* and WdfIoTargetSend*Synchronously: build a
 * format from the driver's buffers, check it against the target, and hand
 * it to the request engine.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "wdfio.h"

#include <linux/export.h>

/*
 * Check @fmt (whose buffers are already referenced) against the open target
 * and bind it to @req. On failure the buffers are released and @req is left
 * unformatted (KMDF drops the old format first), unless it is sent.
 */
NTSTATUS wdfio_bind_format(struct wdfio_target *t, struct wdfio_request *req,
			   struct wdfio_format *fmt)
{
	NTSTATUS status = STATUS_SUCCESS;
	WDF_IO_TARGET_STATE state;
	struct wdfio_dev *dev;

	if (READ_ONCE(req->state) == WDFIO_RQ_SENT) {
		wdfio_misuse("request %p formatted while sent", req);
		status = STATUS_INVALID_DEVICE_STATE;
		goto out_release;
	}
	/*
	 * A snapshot without the target's lock (one lock less per I/O): the
	 * device stays valid inside the RCU read section (close clears t->dev
	 * and waits for a grace period before it lets the device go). A
	 * format racing with a close may succeed; the send then fails at
	 * admission, which is checked under the lock.
	 */
	rcu_read_lock();
	dev = READ_ONCE(t->dev);
	state = READ_ONCE(t->state);
	if (!READ_ONCE(t->open) || state == WdfIoTargetClosed ||
	    state == WdfIoTargetClosedForQueryRemove ||
	    state == WdfIoTargetDeleted)
		status = STATUS_INVALID_DEVICE_STATE;
	else if (t->kind != WDFIO_TARGET_BLOCK || wdfio_op_is_usb(fmt->op))
		status = wdfio_usb_check_format(t, fmt);
	else if (!dev)
		status = STATUS_INVALID_DEVICE_STATE;
	else if (fmt->op != WDFIO_OP_IOCTL)
		status = wdfio_blk_check_rw(dev, fmt->offset, fmt->data.len,
					    fmt->op == WDFIO_OP_WRITE);
	rcu_read_unlock();
	if (!NT_SUCCESS(status)) {
		wdfio_request_unformat(req);
		goto out_release;
	}
	wdfio_object_get(&t->obj);
	fmt->target = t;
	return wdfio_request_format(req, fmt);

out_release:
	wdfio_buf_release(&fmt->data);
	wdfio_buf_release(&fmt->in);
	wdfio_buf_release(&fmt->out);
	return status;
}

static NTSTATUS wdfio_format_rw(WDFIOTARGET IoTarget, WDFREQUEST Request,
				enum wdfio_op op, WDFMEMORY memory,
				PWDFMEMORY_OFFSET offsets, PLONGLONG DeviceOffset)
{
	struct wdfio_request *req = wdfio_request_from_handle(Request);
	struct wdfio_target *t = wdfio_target_from_handle(IoTarget);
	struct wdfio_format fmt = { .op = op };
	NTSTATUS status;

	if (!req || !t) {
		wdfio_misuse("invalid WDFREQUEST %p or WDFIOTARGET %p",
			     Request, IoTarget);
		return STATUS_INVALID_HANDLE;
	}
	if (DeviceOffset && *DeviceOffset < 0) {
		wdfio_request_unformat(req);
		return STATUS_INVALID_PARAMETER;
	}
	fmt.offset = DeviceOffset ? *DeviceOffset : 0;
	status = wdfio_buf_from_memory(&fmt.data, memory, offsets);
	if (!NT_SUCCESS(status)) {
		wdfio_request_unformat(req);
		return status;
	}
	return wdfio_bind_format(t, req, &fmt);
}

/**
 * WdfIoTargetFormatRequestForRead() - format a request to read from a target
 * @IoTarget: an open target
 * @Request: the request (not sent)
 * @OutputBuffer: memory the data goes to, or NULL for a zero-length read
 * @OutputBufferOffset: window into @OutputBuffer, or NULL for all of it
 * @DeviceOffset: byte offset on the device, or NULL for 0
 *
 * The memory object is referenced until the request is reused, reformatted
 * or deleted. Offset and length must be multiples of the device's logical
 * block size and lie within the device.
 *
 * Context: Any context.
 * Return: STATUS_SUCCESS; STATUS_INVALID_HANDLE; STATUS_INTEGER_OVERFLOW
 * (window outside the memory); STATUS_INVALID_PARAMETER (negative,
 * misaligned or out-of-range offset/length); STATUS_INVALID_DEVICE_STATE
 * (target not open, request sent). On failure the request is unformatted.
 */
NTSTATUS WdfIoTargetFormatRequestForRead(WDFIOTARGET IoTarget,
					 WDFREQUEST Request,
					 WDFMEMORY OutputBuffer,
					 PWDFMEMORY_OFFSET OutputBufferOffset,
					 PLONGLONG DeviceOffset)
{
	return wdfio_format_rw(IoTarget, Request, WDFIO_OP_READ, OutputBuffer,
			       OutputBufferOffset, DeviceOffset);
}
EXPORT_SYMBOL_GPL(WdfIoTargetFormatRequestForRead);

/**
 * WdfIoTargetFormatRequestForWrite() - format a request to write to a target
 * @IoTarget: an open target
 * @Request: the request (not sent)
 * @InputBuffer: memory the data comes from, or NULL for a zero-length write
 * @InputBufferOffset: window into @InputBuffer, or NULL for all of it
 * @DeviceOffset: byte offset on the device, or NULL for 0
 *
 * Context: Any context.
 * Return: as WdfIoTargetFormatRequestForRead(), plus STATUS_ACCESS_DENIED for
 * a target opened without write access.
 */
NTSTATUS WdfIoTargetFormatRequestForWrite(WDFIOTARGET IoTarget,
					  WDFREQUEST Request,
					  WDFMEMORY InputBuffer,
					  PWDFMEMORY_OFFSET InputBufferOffset,
					  PLONGLONG DeviceOffset)
{
	return wdfio_format_rw(IoTarget, Request, WDFIO_OP_WRITE, InputBuffer,
			       InputBufferOffset, DeviceOffset);
}
EXPORT_SYMBOL_GPL(WdfIoTargetFormatRequestForWrite);

/**
 * WdfIoTargetFormatRequestForIoctl() - format a device-control request
 * @IoTarget: an open target
 * @Request: the request (not sent)
 * @IoctlCode: one of the block IOCTLs wdfio implements (README); others
 *	complete with STATUS_INVALID_DEVICE_REQUEST
 * @InputBuffer: input memory, or NULL
 * @InputBufferOffset: window into it, or NULL
 * @OutputBuffer: output memory, or NULL
 * @OutputBufferOffset: window into it, or NULL
 *
 * Context: Any context.
 * Return: STATUS_SUCCESS; STATUS_INVALID_HANDLE; STATUS_INTEGER_OVERFLOW;
 * STATUS_INVALID_DEVICE_STATE (target not open, request sent).
 */
NTSTATUS WdfIoTargetFormatRequestForIoctl(WDFIOTARGET IoTarget,
					  WDFREQUEST Request, ULONG IoctlCode,
					  WDFMEMORY InputBuffer,
					  PWDFMEMORY_OFFSET InputBufferOffset,
					  WDFMEMORY OutputBuffer,
					  PWDFMEMORY_OFFSET OutputBufferOffset)
{
	struct wdfio_request *req = wdfio_request_from_handle(Request);
	struct wdfio_target *t = wdfio_target_from_handle(IoTarget);
	struct wdfio_format fmt = { .op = WDFIO_OP_IOCTL, .ioctl = IoctlCode };
	NTSTATUS status;

	if (!req || !t) {
		wdfio_misuse("invalid WDFREQUEST %p or WDFIOTARGET %p",
			     Request, IoTarget);
		return STATUS_INVALID_HANDLE;
	}
	status = wdfio_buf_from_memory(&fmt.in, InputBuffer, InputBufferOffset);
	if (NT_SUCCESS(status))
		status = wdfio_buf_from_memory(&fmt.out, OutputBuffer,
					       OutputBufferOffset);
	if (!NT_SUCCESS(status)) {
		wdfio_buf_release(&fmt.in);
		wdfio_request_unformat(req);
		return status;
	}
	return wdfio_bind_format(t, req, &fmt);
}
EXPORT_SYMBOL_GPL(WdfIoTargetFormatRequestForIoctl);

/*
 * The common body of the Send*Synchronously DDIs: a request (the caller's or
 * a temporary one), the format, a synchronous send.
 */
NTSTATUS wdfio_send_sync(WDFIOTARGET IoTarget, WDFREQUEST Request,
			 struct wdfio_format *fmt, PWDF_REQUEST_SEND_OPTIONS options,
			 PULONG_PTR information)
{
	struct wdfio_target *t = wdfio_target_from_handle(IoTarget);
	struct wdfio_request *req = NULL;
	bool temporary = !Request;
	NTSTATUS status;

	if (information)
		*information = 0;
	if (!t) {
		wdfio_misuse("invalid WDFIOTARGET %p", IoTarget);
		status = STATUS_INVALID_HANDLE;
		goto out_release;
	}
	if (!wdfio_can_sleep()) {
		wdfio_misuse("synchronous send from atomic context");
		status = STATUS_INVALID_DEVICE_REQUEST;
		goto out_release;
	}
	status = wdfio_check_send_options(options, true);
	if (!NT_SUCCESS(status))
		goto out_release;
	if (temporary) {
		status = wdfio_request_create(NULL, &req);
		if (!NT_SUCCESS(status))
			goto out_release;
	} else {
		req = wdfio_request_from_handle(Request);
		if (!req) {
			wdfio_misuse("invalid WDFREQUEST %p", Request);
			status = STATUS_INVALID_HANDLE;
			goto out_release;
		}
	}
	status = wdfio_bind_format(t, req, fmt);
	if (NT_SUCCESS(status))
		status = wdfio_request_send_sync(req, t, options, information);
	if (temporary)
		wdfio_object_delete(&req->obj);
	return status;

out_release:
	wdfio_buf_release(&fmt->data);
	wdfio_buf_release(&fmt->in);
	wdfio_buf_release(&fmt->out);
	return status;
}

static NTSTATUS wdfio_send_rw_sync(WDFIOTARGET IoTarget, WDFREQUEST Request,
				   enum wdfio_op op,
				   PWDF_MEMORY_DESCRIPTOR buffer,
				   PLONGLONG DeviceOffset,
				   PWDF_REQUEST_SEND_OPTIONS options,
				   PULONG_PTR bytes)
{
	struct wdfio_format fmt = { .op = op };
	NTSTATUS status;

	if (bytes)
		*bytes = 0;
	if (DeviceOffset && *DeviceOffset < 0)
		return STATUS_INVALID_PARAMETER;
	fmt.offset = DeviceOffset ? *DeviceOffset : 0;
	status = wdfio_buf_from_descriptor(&fmt.data, buffer);
	if (!NT_SUCCESS(status))
		return status;
	return wdfio_send_sync(IoTarget, Request, &fmt, options, bytes);
}

/**
 * WdfIoTargetSendReadSynchronously() - read from a target and wait
 * @IoTarget: an open target
 * @Request: a request to use, or NULL (wdfio uses a temporary one)
 * @OutputBuffer: where the data goes (buffer or handle descriptor), or NULL
 * @DeviceOffset: byte offset on the device, or NULL for 0
 * @RequestOptions: send options (timeouts: see README), or NULL
 * @BytesRead: receives the bytes read, optional
 *
 * Context: Process context (sleeps until the I/O is done).
 * Return: the I/O's final status; or STATUS_INVALID_DEVICE_REQUEST from
 * atomic context; STATUS_INFO_LENGTH_MISMATCH / STATUS_INVALID_PARAMETER for
 * bad options or descriptors; the format errors of
 * WdfIoTargetFormatRequestForRead().
 */
NTSTATUS WdfIoTargetSendReadSynchronously(WDFIOTARGET IoTarget,
					  WDFREQUEST Request,
					  PWDF_MEMORY_DESCRIPTOR OutputBuffer,
					  PLONGLONG DeviceOffset,
					  PWDF_REQUEST_SEND_OPTIONS RequestOptions,
					  PULONG_PTR BytesRead)
{
	return wdfio_send_rw_sync(IoTarget, Request, WDFIO_OP_READ,
				  OutputBuffer, DeviceOffset, RequestOptions,
				  BytesRead);
}
EXPORT_SYMBOL_GPL(WdfIoTargetSendReadSynchronously);

/**
 * WdfIoTargetSendWriteSynchronously() - write to a target and wait
 * @IoTarget: an open target
 * @Request: a request to use, or NULL
 * @InputBuffer: where the data comes from, or NULL
 * @DeviceOffset: byte offset on the device, or NULL for 0
 * @RequestOptions: send options, or NULL
 * @BytesWritten: receives the bytes written, optional
 *
 * Context: Process context (sleeps until the I/O is done).
 * Return: as WdfIoTargetSendReadSynchronously(), plus STATUS_ACCESS_DENIED
 * for a target opened without write access.
 */
NTSTATUS WdfIoTargetSendWriteSynchronously(WDFIOTARGET IoTarget,
					   WDFREQUEST Request,
					   PWDF_MEMORY_DESCRIPTOR InputBuffer,
					   PLONGLONG DeviceOffset,
					   PWDF_REQUEST_SEND_OPTIONS RequestOptions,
					   PULONG_PTR BytesWritten)
{
	return wdfio_send_rw_sync(IoTarget, Request, WDFIO_OP_WRITE,
				  InputBuffer, DeviceOffset, RequestOptions,
				  BytesWritten);
}
EXPORT_SYMBOL_GPL(WdfIoTargetSendWriteSynchronously);

/**
 * WdfIoTargetSendIoctlSynchronously() - send a device control and wait
 * @IoTarget: an open target
 * @Request: a request to use, or NULL
 * @IoctlCode: the IOCTL (README lists the block IOCTLs)
 * @InputBuffer: input descriptor, or NULL
 * @OutputBuffer: output descriptor, or NULL
 * @RequestOptions: send options, or NULL
 * @BytesReturned: receives the bytes written to the output, optional
 *
 * Context: Process context (sleeps until the I/O is done).
 * Return: the IOCTL's final status, or the errors of the other
 * Send*Synchronously DDIs.
 */
NTSTATUS WdfIoTargetSendIoctlSynchronously(WDFIOTARGET IoTarget,
					   WDFREQUEST Request, ULONG IoctlCode,
					   PWDF_MEMORY_DESCRIPTOR InputBuffer,
					   PWDF_MEMORY_DESCRIPTOR OutputBuffer,
					   PWDF_REQUEST_SEND_OPTIONS RequestOptions,
					   PULONG_PTR BytesReturned)
{
	struct wdfio_format fmt = { .op = WDFIO_OP_IOCTL, .ioctl = IoctlCode };
	NTSTATUS status;

	if (BytesReturned)
		*BytesReturned = 0;
	status = wdfio_buf_from_descriptor(&fmt.in, InputBuffer);
	if (NT_SUCCESS(status))
		status = wdfio_buf_from_descriptor(&fmt.out, OutputBuffer);
	if (!NT_SUCCESS(status)) {
		wdfio_buf_release(&fmt.in);
		return status;
	}
	return wdfio_send_sync(IoTarget, Request, &fmt, RequestOptions,
			       BytesReturned);
}
EXPORT_SYMBOL_GPL(WdfIoTargetSendIoctlSynchronously);
