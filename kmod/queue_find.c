// SPDX-License-Identifier: GPL-2.0
/*
 * Looking into a queue (KMDF's FxIoQueue::PeekRequest and friends): find a
 * queued request without taking it, take the one found, or take the next
 * request of a file object. The queued requests are a queue's @pending
 * list, in arrival order, under the device's lock (queue.h).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "queue.h"

static struct wdfio_request *wdfio_qf_request(struct wdfio_qreq *qr)
{
	/* The presented part is allocated right after the request. */
	return (struct wdfio_request *)qr - 1;
}

/* A queued request moves to the driver (as WdfIoQueueRetrieveNextRequest). */
static void wdfio_qf_take_locked(struct wdfio_queue *q, struct wdfio_qreq *qr)
{
	lockdep_assert_held(&q->dev->lock);
	list_move_tail(&qr->entry, &q->owned);
	q->nr_pending--;
	q->nr_owned++;
	qr->state = WDFIO_QR_OWNED;
}

static bool wdfio_qf_queued_on(struct wdfio_queue *q, struct wdfio_qreq *qr)
{
	return qr->state == WDFIO_QR_QUEUED && qr->queue == q;
}

static struct wdfio_fileobj *wdfio_qf_file(WDFFILEOBJECT h)
{
	struct wdfio_object *o = wdfio_object_of_type(h, WDFIO_OBJ_FILE);

	return o ? container_of(o, struct wdfio_fileobj, obj) : NULL;
}

/**
 * WdfIoQueueFindRequest() - find a queued request without taking it
 * @Queue: the queue (normally a manual one)
 * @FoundRequest: start after this request (from an earlier call), or NULL
 *	to start at the head
 * @FileObject: only requests of this file object, or NULL for any
 * @Parameters: WDF_REQUEST_PARAMETERS_INIT'ed; receives the found request's
 *	parameters; optional
 * @OutRequest: receives the request, with a reference the driver drops
 *	with WdfObjectDereference; the request stays queued (and may be
 *	cancelled or presented meanwhile)
 *
 * Context: Any context.
 * Return: STATUS_SUCCESS; STATUS_NO_MORE_ENTRIES (nothing after
 * @FoundRequest matches); STATUS_NOT_FOUND (@FoundRequest is no longer
 * queued here); STATUS_INVALID_HANDLE; STATUS_INVALID_PARAMETER (NULL
 * @OutRequest).
 */
NTSTATUS WdfIoQueueFindRequest(WDFQUEUE Queue, WDFREQUEST FoundRequest,
			       WDFFILEOBJECT FileObject,
			       PWDF_REQUEST_PARAMETERS Parameters,
			       WDFREQUEST *OutRequest)
{
	struct wdfio_queue *q = wdfio_queue_from_handle(Queue);
	struct wdfio_fileobj *fo = NULL;
	struct wdfio_request *start = NULL;
	struct wdfio_qreq *qr, *found = NULL;
	struct list_head *pos;
	unsigned long flags;

	if (OutRequest)
		*OutRequest = NULL;
	if (!q) {
		wdfio_misuse("invalid WDFQUEUE %p", Queue);
		return STATUS_INVALID_HANDLE;
	}
	if (!OutRequest)
		return STATUS_INVALID_PARAMETER;
	if (FileObject) {
		fo = wdfio_qf_file(FileObject);
		if (!fo) {
			wdfio_misuse("invalid WDFFILEOBJECT %p", FileObject);
			return STATUS_INVALID_HANDLE;
		}
	}
	if (FoundRequest) {
		start = wdfio_request_from_handle(FoundRequest);
		if (!start || !start->qr) {
			wdfio_misuse("invalid WDFREQUEST %p", FoundRequest);
			return STATUS_INVALID_HANDLE;
		}
	}

	spin_lock_irqsave(&q->dev->lock, flags);
	if (start) {
		if (!wdfio_qf_queued_on(q, start->qr)) {
			spin_unlock_irqrestore(&q->dev->lock, flags);
			return STATUS_NOT_FOUND;
		}
		pos = &start->qr->entry;
	} else {
		pos = &q->pending;
	}
	for (pos = pos->next; pos != &q->pending; pos = pos->next) {
		qr = list_entry(pos, struct wdfio_qreq, entry);
		if (!fo || qr->file == fo) {
			found = qr;
			break;
		}
	}
	if (found) {
		wdfio_object_get(&wdfio_qf_request(found)->obj);
		if (Parameters && Parameters->Size == sizeof(*Parameters))
			*Parameters = found->params;
	}
	spin_unlock_irqrestore(&q->dev->lock, flags);
	if (!found)
		return STATUS_NO_MORE_ENTRIES;
	*OutRequest = wdfio_request_handle(wdfio_qf_request(found));
	return STATUS_SUCCESS;
}
EXPORT_SYMBOL_GPL(WdfIoQueueFindRequest);

/**
 * WdfIoQueueRetrieveFoundRequest() - take a request WdfIoQueueFindRequest found
 * @Queue: the queue
 * @FoundRequest: from WdfIoQueueFindRequest (the driver still drops that
 *	call's reference)
 * @OutRequest: receives the request, which the driver now owns
 *
 * Context: Any context.
 * Return: STATUS_SUCCESS; STATUS_NOT_FOUND (no longer queued here: taken,
 * cancelled); STATUS_WDF_PAUSED (the queue is stopped);
 * STATUS_INVALID_HANDLE; STATUS_INVALID_PARAMETER (NULL @OutRequest).
 */
NTSTATUS WdfIoQueueRetrieveFoundRequest(WDFQUEUE Queue, WDFREQUEST FoundRequest,
					WDFREQUEST *OutRequest)
{
	struct wdfio_queue *q = wdfio_queue_from_handle(Queue);
	struct wdfio_request *req = wdfio_request_from_handle(FoundRequest);
	NTSTATUS status = STATUS_SUCCESS;
	unsigned long flags;

	if (OutRequest)
		*OutRequest = NULL;
	if (!q || !req || !req->qr) {
		wdfio_misuse("invalid WDFQUEUE %p or WDFREQUEST %p", Queue,
			     FoundRequest);
		return STATUS_INVALID_HANDLE;
	}
	if (!OutRequest)
		return STATUS_INVALID_PARAMETER;
	spin_lock_irqsave(&q->dev->lock, flags);
	if (!q->dispatching || q->power_held)
		status = STATUS_WDF_PAUSED;
	else if (!wdfio_qf_queued_on(q, req->qr))
		status = STATUS_NOT_FOUND;
	else
		wdfio_qf_take_locked(q, req->qr);
	spin_unlock_irqrestore(&q->dev->lock, flags);
	if (NT_SUCCESS(status))
		*OutRequest = FoundRequest;
	return status;
}
EXPORT_SYMBOL_GPL(WdfIoQueueRetrieveFoundRequest);

/**
 * WdfIoQueueRetrieveRequestByFileObject() - take a file object's next request
 * @Queue: the queue (normally a manual one)
 * @FileObject: the file object
 * @OutRequest: receives its first queued request, which the driver now owns
 *
 * Context: Any context.
 * Return: STATUS_SUCCESS; STATUS_NO_MORE_ENTRIES (none queued);
 * STATUS_WDF_PAUSED (the queue is stopped); STATUS_INVALID_DEVICE_STATE (a
 * parallel queue, as WdfIoQueueRetrieveNextRequest); STATUS_INVALID_HANDLE;
 * STATUS_INVALID_PARAMETER (NULL @OutRequest).
 */
NTSTATUS WdfIoQueueRetrieveRequestByFileObject(WDFQUEUE Queue,
					       WDFFILEOBJECT FileObject,
					       WDFREQUEST *OutRequest)
{
	struct wdfio_queue *q = wdfio_queue_from_handle(Queue);
	struct wdfio_fileobj *fo = wdfio_qf_file(FileObject);
	struct wdfio_qreq *qr, *found = NULL;
	NTSTATUS status = STATUS_NO_MORE_ENTRIES;
	unsigned long flags;

	if (OutRequest)
		*OutRequest = NULL;
	if (!q || !fo) {
		wdfio_misuse("invalid WDFQUEUE %p or WDFFILEOBJECT %p", Queue,
			     FileObject);
		return STATUS_INVALID_HANDLE;
	}
	if (!OutRequest)
		return STATUS_INVALID_PARAMETER;
	if (q->cfg.DispatchType == WdfIoQueueDispatchParallel)
		return STATUS_INVALID_DEVICE_STATE;
	spin_lock_irqsave(&q->dev->lock, flags);
	if (!q->dispatching || q->power_held) {
		status = STATUS_WDF_PAUSED;
	} else {
		list_for_each_entry(qr, &q->pending, entry) {
			if (qr->file == fo) {
				found = qr;
				break;
			}
		}
		if (found) {
			wdfio_qf_take_locked(q, found);
			status = STATUS_SUCCESS;
		}
	}
	spin_unlock_irqrestore(&q->dev->lock, flags);
	if (found)
		*OutRequest = wdfio_request_handle(wdfio_qf_request(found));
	return status;
}
EXPORT_SYMBOL_GPL(WdfIoQueueRetrieveRequestByFileObject);
