// SPDX-License-Identifier: GPL-2.0
/*
 * WdfRequest* DDIs: validate handles and arguments, then delegate to the
 * request engine (request.c).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "wdfio.h"

#include <linux/export.h>

/**
 * WdfRequestCreate() - create a driver-owned request
 * @RequestAttributes: object attributes, or WDF_NO_OBJECT_ATTRIBUTES
 * @IoTarget: a target the request will be sent to, or NULL; only checked
 *	(KMDF uses it to size the IRP, which Linux does not have)
 * @Request: receives the handle
 *
 * Context: Any context (KMDF: DISPATCH_LEVEL).
 * Return: STATUS_SUCCESS; STATUS_INVALID_PARAMETER (NULL @Request);
 * STATUS_INVALID_HANDLE (@IoTarget or parent); STATUS_INVALID_DEVICE_STATE
 * (@IoTarget not open); STATUS_INFO_LENGTH_MISMATCH (attributes);
 * STATUS_DELETE_PENDING (parent being deleted); STATUS_INSUFFICIENT_RESOURCES.
 */
NTSTATUS WdfRequestCreate(PWDF_OBJECT_ATTRIBUTES RequestAttributes,
			  WDFIOTARGET IoTarget, WDFREQUEST *Request)
{
	struct wdfio_request *req;
	NTSTATUS status;

	if (!Request)
		return STATUS_INVALID_PARAMETER;
	*Request = NULL;
	if (IoTarget) {
		struct wdfio_target *t = wdfio_target_from_handle(IoTarget);

		if (!t) {
			wdfio_misuse("invalid WDFIOTARGET %p", IoTarget);
			return STATUS_INVALID_HANDLE;
		}
		if (!READ_ONCE(t->open))
			return STATUS_INVALID_DEVICE_STATE;
	}
	status = wdfio_request_create(RequestAttributes, &req);
	if (NT_SUCCESS(status))
		*Request = wdfio_request_handle(req);
	return status;
}
EXPORT_SYMBOL_GPL(WdfRequestCreate);

/**
 * WdfRequestReuse() - make a completed (or never sent) request new again
 * @Request: the request
 * @ReuseParams: WDF_REQUEST_REUSE_PARAMS_INIT'ed parameters
 *
 * Drops the format (and its memory references), the completion routine and
 * the completion params, and sets the status to @ReuseParams->Status. Legal
 * inside the request's own completion routine (reformat and resend there).
 *
 * Context: Any context.
 * Return: STATUS_SUCCESS; STATUS_INVALID_HANDLE; STATUS_INVALID_PARAMETER
 * (NULL params, wrong Size, unknown flags: KMDF); STATUS_NOT_SUPPORTED for
 * WDF_REQUEST_REUSE_SET_NEW_IRP (no IRPs on Linux);
 * STATUS_INVALID_DEVICE_STATE while the request is sent.
 */
NTSTATUS WdfRequestReuse(WDFREQUEST Request,
			 PWDF_REQUEST_REUSE_PARAMS ReuseParams)
{
	struct wdfio_request *req = wdfio_request_from_handle(Request);

	if (!req) {
		wdfio_misuse("invalid WDFREQUEST %p", Request);
		return STATUS_INVALID_HANDLE;
	}
	if (!ReuseParams || ReuseParams->Size != sizeof(*ReuseParams) ||
	    (ReuseParams->Flags & ~WDF_REQUEST_REUSE_SET_NEW_IRP))
		return STATUS_INVALID_PARAMETER;
	if (ReuseParams->Flags & WDF_REQUEST_REUSE_SET_NEW_IRP)
		return STATUS_NOT_SUPPORTED;
	return wdfio_request_reuse(req, ReuseParams->Status);
}
EXPORT_SYMBOL_GPL(WdfRequestReuse);

/**
 * WdfRequestSetCompletionRoutine() - set the routine a send completes to
 * @Request: the request
 * @CompletionRoutine: called once when a send completes, or NULL
 * @CompletionContext: passed to it
 *
 * The routine runs in the context where the device completed the I/O (hard
 * IRQ, soft IRQ, or task, possibly inside WdfRequestSend): it must not sleep,
 * as at DISPATCH_LEVEL. It is cleared before it is called and by
 * WdfRequestReuse.
 *
 * Context: Any context.
 * Return: Nothing.
 */
VOID WdfRequestSetCompletionRoutine(WDFREQUEST Request,
				    PFN_WDF_REQUEST_COMPLETION_ROUTINE CompletionRoutine,
				    WDFCONTEXT CompletionContext)
{
	struct wdfio_request *req = wdfio_request_from_handle(Request);
	unsigned long flags;

	if (!req) {
		wdfio_misuse("invalid WDFREQUEST %p", Request);
		return;
	}
	/*
	 * A request that is not sent belongs to its driver: nothing else
	 * reads the routine until the driver sends it (the send's lock
	 * publishes these stores), so no lock on this per-I/O path. Setting
	 * the routine of a sent request is a driver bug; it still gets the
	 * lock so that the completion sees the old pair or the new one.
	 */
	if (unlikely(READ_ONCE(req->state) == WDFIO_RQ_SENT)) {
		spin_lock_irqsave(&req->lock, flags);
		req->routine = CompletionRoutine;
		req->routine_ctx = CompletionContext;
		spin_unlock_irqrestore(&req->lock, flags);
		return;
	}
	WRITE_ONCE(req->routine_ctx, CompletionContext);
	WRITE_ONCE(req->routine, CompletionRoutine);
}
EXPORT_SYMBOL_GPL(WdfRequestSetCompletionRoutine);

/**
 * WdfRequestGetCompletionParams() - copy the request's completion params
 * @Request: the request
 * @Params: receives them; Params->Size must be sizeof (KMDF; else nothing
 *	is copied)
 *
 * Type and buffers are set when the request is formatted; IoStatus and the
 * byte counts when it completes. A request never formatted gives
 * WDF_REQUEST_COMPLETION_PARAMS_INIT'ed params.
 *
 * Context: Any context.
 * Return: Nothing.
 */
VOID WdfRequestGetCompletionParams(WDFREQUEST Request,
				   PWDF_REQUEST_COMPLETION_PARAMS Params)
{
	struct wdfio_request *req = wdfio_request_from_handle(Request);
	unsigned long flags;

	if (!req) {
		wdfio_misuse("invalid WDFREQUEST %p", Request);
		return;
	}
	if (!Params || Params->Size != sizeof(*Params)) {
		wdfio_misuse("bad completion params %p", Params);
		return;
	}
	spin_lock_irqsave(&req->lock, flags);
	*Params = req->params;
	spin_unlock_irqrestore(&req->lock, flags);
}
EXPORT_SYMBOL_GPL(WdfRequestGetCompletionParams);

/**
 * WdfRequestGetStatus() - the request's IoStatus.Status
 * @Request: the request
 *
 * Meaningful after a send returned FALSE, after a synchronous send, and in
 * the completion routine; STATUS_PENDING while sent.
 *
 * Context: Any context.
 * Return: the status, or STATUS_INVALID_HANDLE for a bad handle.
 */
NTSTATUS WdfRequestGetStatus(WDFREQUEST Request)
{
	struct wdfio_request *req = wdfio_request_from_handle(Request);

	if (!req) {
		wdfio_misuse("invalid WDFREQUEST %p", Request);
		return STATUS_INVALID_HANDLE;
	}
	return READ_ONCE(req->status);
}
EXPORT_SYMBOL_GPL(WdfRequestGetStatus);

/**
 * WdfRequestGetInformation() - the request's IoStatus.Information
 * @Request: the request
 *
 * Context: Any context.
 * Return: bytes transferred by the last completed send (0 on failure), or 0
 * for a bad handle.
 */
ULONG_PTR WdfRequestGetInformation(WDFREQUEST Request)
{
	struct wdfio_request *req = wdfio_request_from_handle(Request);

	if (!req) {
		wdfio_misuse("invalid WDFREQUEST %p", Request);
		return 0;
	}
	return READ_ONCE(req->information);
}
EXPORT_SYMBOL_GPL(WdfRequestGetInformation);

/**
 * WdfRequestSetInformation() - set the request's IoStatus.Information
 * @Request: the request
 * @Information: the value
 *
 * Ignored while the request is sent (the send owns it).
 *
 * Context: Any context.
 * Return: Nothing.
 */
VOID WdfRequestSetInformation(WDFREQUEST Request, ULONG_PTR Information)
{
	struct wdfio_request *req = wdfio_request_from_handle(Request);
	unsigned long flags;

	if (!req) {
		wdfio_misuse("invalid WDFREQUEST %p", Request);
		return;
	}
	spin_lock_irqsave(&req->lock, flags);
	if (req->state != WDFIO_RQ_SENT)
		req->information = Information;
	spin_unlock_irqrestore(&req->lock, flags);
}
EXPORT_SYMBOL_GPL(WdfRequestSetInformation);

/**
 * WdfRequestCancelSentRequest() - try to cancel a sent request
 * @Request: the request
 *
 * A request pended on a stopped target, or not yet handed to the device,
 * completes with STATUS_CANCELLED. A request in the device completes at once
 * with STATUS_CANCELLED if it was sent with a timeout (wdfio then owns its
 * bios, see README); a bio without one cannot be recalled and completes when
 * the device finishes it. A request that was never sent is marked: its next
 * send fails with STATUS_CANCELLED until WdfRequestReuse (KMDF). If the
 * cancel completes the request, its completion routine runs on this thread
 * before the call returns. The driver must keep the handle valid across the
 * call (WdfObjectReference), as KMDF requires.
 *
 * Context: Any context.
 * Return: TRUE if the request will complete as cancelled; FALSE if it was
 * not sent, had already completed, or cannot be recalled.
 */
BOOLEAN WdfRequestCancelSentRequest(WDFREQUEST Request)
{
	struct wdfio_request *req = wdfio_request_from_handle(Request);

	if (!req) {
		wdfio_misuse("invalid WDFREQUEST %p", Request);
		return FALSE;
	}
	return wdfio_request_cancel(req);
}
EXPORT_SYMBOL_GPL(WdfRequestCancelSentRequest);

/**
 * WdfRequestAllocateTimer() - make sure a timed send cannot fail for memory
 * @Request: the request
 *
 * wdfio embeds the timer in every request, so there is nothing to allocate:
 * a send with a timeout never fails with STATUS_INSUFFICIENT_RESOURCES.
 *
 * Context: Any context.
 * Return: STATUS_SUCCESS, or STATUS_INVALID_HANDLE.
 */
NTSTATUS WdfRequestAllocateTimer(WDFREQUEST Request)
{
	if (!wdfio_request_from_handle(Request)) {
		wdfio_misuse("invalid WDFREQUEST %p", Request);
		return STATUS_INVALID_HANDLE;
	}
	return STATUS_SUCCESS;
}
EXPORT_SYMBOL_GPL(WdfRequestAllocateTimer);

/**
 * WdfRequestChangeTarget() - prepare a request for another target
 * @Request: the request (not sent)
 * @IoTarget: the target it will be formatted for next
 *
 * As in KMDF, the current format is dropped; format the request again for
 * @IoTarget before sending it.
 *
 * Context: Any context.
 * Return: STATUS_SUCCESS; STATUS_INVALID_HANDLE; STATUS_INVALID_DEVICE_STATE
 * if @IoTarget is not open or the request is sent.
 */
NTSTATUS WdfRequestChangeTarget(WDFREQUEST Request, WDFIOTARGET IoTarget)
{
	struct wdfio_request *req = wdfio_request_from_handle(Request);
	struct wdfio_target *t = wdfio_target_from_handle(IoTarget);

	if (!req || !t) {
		wdfio_misuse("invalid WDFREQUEST %p or WDFIOTARGET %p",
			     Request, IoTarget);
		return STATUS_INVALID_HANDLE;
	}
	if (READ_ONCE(req->state) == WDFIO_RQ_SENT) {
		wdfio_misuse("request %p retargeted while sent", req);
		return STATUS_INVALID_DEVICE_STATE;
	}
	wdfio_request_unformat(req);
	if (!READ_ONCE(t->open))
		return STATUS_INVALID_DEVICE_STATE;
	return STATUS_SUCCESS;
}
EXPORT_SYMBOL_GPL(WdfRequestChangeTarget);

/**
 * WdfRequestSend() - send a formatted request to an I/O target
 * @Request: a request formatted for @Target
 * @Target: the target
 * @Options: WDF_REQUEST_SEND_OPTIONS, or WDF_NO_SEND_OPTIONS
 *
 * Asynchronous by default: returns at once and the completion routine runs
 * once when the I/O ends (possibly before WdfRequestSend returns). With
 * WDF_REQUEST_SEND_OPTION_SYNCHRONOUS it also waits for the completion (and
 * the completion routine, if set) before returning. With
 * WDF_REQUEST_SEND_OPTION_TIMEOUT (100 ns units; negative: relative,
 * positive: absolute system time) the request completes with
 * STATUS_IO_TIMEOUT by the deadline if the device has not answered, even if
 * it never does. A stopped target pends the request (TRUE) until
 * WdfIoTargetStart; IGNORE_TARGET_STATE sends it anyway.
 *
 * Context: Asynchronous: any context up to hard IRQ, including completion
 * routines (submission is deferred to a workqueue when the caller may not
 * sleep). Synchronous: process context.
 * Return: TRUE if the request was sent, whatever its final status; FALSE if
 * it was not sent, with the reason in WdfRequestGetStatus() (unless it was
 * already sent: that send is left untouched) — see docs/semantics.md.
 */
BOOLEAN WdfRequestSend(WDFREQUEST Request, WDFIOTARGET Target,
		       PWDF_REQUEST_SEND_OPTIONS Options)
{
	struct wdfio_request *req = wdfio_request_from_handle(Request);
	struct wdfio_target *t;

	if (!req) {
		wdfio_misuse("invalid WDFREQUEST %p", Request);
		return FALSE;
	}
	t = wdfio_target_from_handle(Target);
	if (!t) {
		wdfio_misuse("invalid WDFIOTARGET %p", Target);
		wdfio_request_fail(req, STATUS_INVALID_HANDLE);
		return FALSE;
	}
	return wdfio_request_send(req, t, Options);
}
EXPORT_SYMBOL_GPL(WdfRequestSend);
