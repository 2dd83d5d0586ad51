// SPDX-License-Identifier: GPL-2.0
/*
 * I/O queues and the requests they present (KMDF's FxIoQueue, reduced).
 *
 * A front-end (chardev.c) submits a request to a device; the device routes
 * it by type to a queue (WdfDeviceConfigureRequestDispatching, else the
 * default queue); the queue keeps it on @pending until it presents it to the
 * driver (sequential: one owned at a time; parallel: up to
 * NumberOfPresentedRequests; manual: WdfIoQueueRetrieveNextRequest), then on
 * @owned until the driver completes, forwards or requeues it. Completion
 * deletes the request and tells the front-end.
 *
 * Locking: the device's lock (irqsave) covers every queue of the device and
 * the state of every presented request on them (struct wdfio_qreq, marked
 * (L) in queue.h). Driver callbacks are never called with it held; a request
 * handed to a callback is referenced across the call. A synchronised queue's
 * callbacks run under its callback lock (@sync, synclock.c), taken before
 * and never inside the device's lock; a thread that holds that lock already
 * leaves the callback to a work item (struct wdfio_cblock's rules). Any thread that changes
 * a queue then presents what the queue allows (several at once on a parallel
 * queue, as in KMDF), but never re-enters for the same queue: a callback that
 * completes its request inline leaves the next one to the loop it runs in,
 * which re-examines the queue after each callback, so nothing recurses.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "queue.h"

#include <ntdddisk.h>

#include <linux/bio.h>
#include <linux/export.h>
#include <linux/slab.h>

/* Does the queue have a callback for @type (manual queues take anything)? */
bool wdfio_queue_handles(struct wdfio_queue *q, WDF_REQUEST_TYPE type)
{
	const WDF_IO_QUEUE_CONFIG *c = &q->cfg;

	if (c->DispatchType == WdfIoQueueDispatchManual || c->EvtIoDefault)
		return true;
	switch (type) {
	case WdfRequestTypeRead:
		return c->EvtIoRead;
	case WdfRequestTypeWrite:
		return c->EvtIoWrite;
	case WdfRequestTypeDeviceControl:
		return c->EvtIoDeviceControl;
	case WdfRequestTypeDeviceControlInternal:
		return c->EvtIoInternalDeviceControl;
	default:
		return false;	/* flush, discard: EvtIoDefault only */
	}
}

/* Does the queue's state let it present one more request? */
static bool wdfio_queue_has_room(struct wdfio_queue *q)
{
	ULONG max = q->cfg.Settings.Parallel.NumberOfPresentedRequests;

	lockdep_assert_held(&q->dev->lock);
	if (!q->dispatching || q->power_held)
		return false;
	switch (q->cfg.DispatchType) {
	case WdfIoQueueDispatchSequential:
		return q->nr_owned == 0;
	case WdfIoQueueDispatchParallel:
		return max == (ULONG)-1 || q->nr_owned < max;
	default:
		return false;
	}
}

static bool wdfio_queue_may_present(struct wdfio_queue *q)
{
	return !list_empty(&q->pending) && wdfio_queue_has_room(q);
}

static struct wdfio_request *wdfio_qr_request(struct wdfio_qreq *qr)
{
	/* The presented part is allocated right after the request. */
	return (struct wdfio_request *)qr - 1;
}

/* Move the first queued request to the driver. */
static struct wdfio_request *wdfio_queue_take(struct wdfio_queue *q)
{
	struct wdfio_qreq *qr;

	lockdep_assert_held(&q->dev->lock);
	qr = list_first_entry_or_null(&q->pending, struct wdfio_qreq, entry);
	if (!qr)
		return NULL;
	list_move_tail(&qr->entry, &q->owned);
	q->nr_pending--;
	q->nr_owned++;
	qr->state = WDFIO_QR_OWNED;
	return wdfio_qr_request(qr);
}

/* Call the driver's callback for a request it now owns. */
static void wdfio_queue_present(struct wdfio_queue *q,
				struct wdfio_request *req)
{
	const WDF_IO_QUEUE_CONFIG *c = &q->cfg;
	WDF_REQUEST_PARAMETERS *p = &req->qr->params;
	WDFREQUEST h = wdfio_request_handle(req);
	WDFQUEUE qh = wdfio_queue_handle(q);

	switch (p->Type) {
	case WdfRequestTypeRead:
		if (c->EvtIoRead) {
			c->EvtIoRead(qh, h, p->Parameters.Read.Length);
			return;
		}
		break;
	case WdfRequestTypeWrite:
		if (c->EvtIoWrite) {
			c->EvtIoWrite(qh, h, p->Parameters.Write.Length);
			return;
		}
		break;
	case WdfRequestTypeDeviceControl:
		if (c->EvtIoDeviceControl) {
			c->EvtIoDeviceControl(qh, h,
				p->Parameters.DeviceIoControl.OutputBufferLength,
				p->Parameters.DeviceIoControl.InputBufferLength,
				p->Parameters.DeviceIoControl.IoControlCode);
			return;
		}
		break;
	case WdfRequestTypeDeviceControlInternal:
		if (c->EvtIoInternalDeviceControl) {
			c->EvtIoInternalDeviceControl(qh, h,
				p->Parameters.DeviceIoControl.OutputBufferLength,
				p->Parameters.DeviceIoControl.InputBufferLength,
				p->Parameters.DeviceIoControl.IoControlCode);
			return;
		}
		break;
	default:
		break;
	}
	if (c->EvtIoDefault) {
		c->EvtIoDefault(qh, h);
		return;
	}
	WdfRequestComplete(h, STATUS_INVALID_DEVICE_REQUEST);
}

/* Run the queue's dispatch loop from a work item (process context). */
static void wdfio_queue_defer(struct wdfio_queue *q)
{
	wdfio_object_get(&q->obj);
	if (!queue_work(system_wq, &q->dispatch_work))
		wdfio_object_put(&q->obj);
}

/*
 * Deliver a cancel callback that waited on @q's @cancel_events (see
 * wdfio_queue_cancel_event()), under the queue's callback lock. Called
 * with the device lock held (@flags); returns with it released.
 */
static void wdfio_queue_deliver_cancel(struct wdfio_queue *q,
				       struct wdfio_qreq *qr,
				       unsigned long flags)
	__releases(&q->dev->lock)
{
	struct wdfio_request *req = wdfio_qr_request(qr);
	PFN_WDF_REQUEST_CANCEL fn = qr->cancel_fn;
	bool taken;

	lockdep_assert_held(&q->dev->lock);
	list_del_init(&qr->cancel_ev);
	qr->cancel_fn = NULL;
	spin_unlock_irqrestore(&q->dev->lock, flags);
	taken = wdfio_queue_cb_lock(q);
	if (fn)
		fn(wdfio_request_handle(req));
	else
		q->cfg.EvtIoCanceledOnQueue(wdfio_queue_handle(q),
					    wdfio_request_handle(req));
	wdfio_queue_cb_unlock(q, taken);
	wdfio_object_put(&req->obj);	/* wdfio_queue_cancel_event()'s */
}

/* A thread presenting requests of a queue; lives on its stack. */
struct wdfio_dispatcher {
	struct list_head node;
	struct task_struct *task;
};

/*
 * Present what the queue's state allows and run the Stop/Purge callbacks
 * whose conditions hold. Any context; callbacks run without the lock. A
 * thread already presenting for this queue (further up its stack) returns
 * at once: its loop looks at the queue again when the callback returns.
 */
static void wdfio_queue_dispatch(struct wdfio_queue *q)
{
	struct wdfio_device *dev = q->dev;
	struct wdfio_dispatcher me, *d;
	unsigned long flags;

	spin_lock_irqsave(&dev->lock, flags);
	list_for_each_entry(d, &q->dispatchers, node) {
		if (d->task == current) {
			spin_unlock_irqrestore(&dev->lock, flags);
			return;
		}
	}
	if (wdfio_queue_sync_must_defer(q)) {
		/* Inside a callback of the same scope (or WdfObjectAcquireLock) */
		spin_unlock_irqrestore(&dev->lock, flags);
		wdfio_queue_defer(q);
		return;
	}
	me.task = current;
	list_add(&me.node, &q->dispatchers);
	for (;;) {
		PFN_WDF_IO_QUEUE_STATE cb = NULL;
		struct wdfio_request *req = NULL;
		struct wdfio_qreq *ev;
		WDFCONTEXT ctx = NULL;
		bool serialised = false;
		bool taken;

		ev = list_first_entry_or_null(&q->cancel_events,
					      struct wdfio_qreq, cancel_ev);
		if (ev) {
			wdfio_queue_deliver_cancel(q, ev, flags);
			spin_lock_irqsave(&dev->lock, flags);
			continue;
		}
		if (wdfio_queue_may_present(q)) {
			req = wdfio_queue_take(q);
			wdfio_object_get(&req->obj);
		} else if (q->ready_due && q->ready_cb && q->dispatching &&
			   !q->power_held && q->nr_pending) {
			cb = q->ready_cb;
			ctx = q->ready_ctx;
			q->ready_due = false;
			serialised = true;	/* KMDF serialises ReadyNotify */
		} else if (q->idle_cb && !q->nr_owned) {
			cb = q->idle_cb;
			ctx = q->idle_ctx;
			q->idle_cb = NULL;
		} else if (q->purge_cb && !q->nr_owned && !q->nr_pending) {
			cb = q->purge_cb;
			ctx = q->purge_ctx;
			q->purge_cb = NULL;
			serialised = true;	/* and PurgeComplete, not StopComplete */
		} else {
			break;
		}
		spin_unlock_irqrestore(&dev->lock, flags);
		if (req) {
			taken = wdfio_queue_cb_lock(q);
			wdfio_queue_present(q, req);
			wdfio_queue_cb_unlock(q, taken);
			wdfio_object_put(&req->obj);
		} else {
			taken = serialised && wdfio_queue_cb_lock(q);
			cb(wdfio_queue_handle(q), ctx);
			wdfio_queue_cb_unlock(q, taken);
		}
		spin_lock_irqsave(&dev->lock, flags);
	}
	list_del(&me.node);
	spin_unlock_irqrestore(&dev->lock, flags);
	wake_up_all(&q->idle_wq);
}

static void wdfio_queue_dispatch_work(struct work_struct *work)
{
	struct wdfio_queue *q = container_of(work, struct wdfio_queue,
					     dispatch_work);

	wdfio_queue_dispatch(q);
	wdfio_object_put(&q->obj);
}

/*
 * Dispatch here, or from process context for a passive-level queue, or from
 * a work item where this thread holds the queue's callback lock (KMDF: a
 * DPC or work item).
 */
static void wdfio_queue_run(struct wdfio_queue *q)
{
	if ((q->passive && !wdfio_can_sleep()) ||
	    wdfio_queue_sync_must_defer(q)) {
		wdfio_queue_defer(q);
		return;
	}
	wdfio_queue_dispatch(q);
}

/* Let @q present what its state allows now (queue_power.c) */
void wdfio_queue_kick(struct wdfio_queue *q)
{
	wdfio_queue_run(q);
}

static void wdfio_bounce_to_bio(struct bio *bio, const void *buf, size_t n)
{
	struct bvec_iter it;
	struct bio_vec bv;

	bio_for_each_segment(bv, bio, it) {
		size_t k = min_t(size_t, bv.bv_len, n);

		if (!k)
			break;
		bv.bv_len = k;
		memcpy_to_bvec(&bv, buf);
		buf += k;
		n -= k;
	}
}

/*
 * A driver asks for the buffer of a bio-backed request: give it a copy of
 * the bio's data (a write's) or room for it (a read's). kmalloc only: it may
 * be freed where vfree() is not allowed.
 */
static NTSTATUS wdfio_qreq_bounce(struct wdfio_request *req)
{
	struct wdfio_qreq *qr = req->qr;
	size_t len = qr->bio->bi_iter.bi_size;
	struct bvec_iter it;
	unsigned long flags;
	struct bio_vec bv;
	void *buf, *p;

	/* Pairs with the release below: a set @bounce has its pointers. */
	if (smp_load_acquire(&qr->bounce))
		return STATUS_SUCCESS;
	buf = kzalloc(len, wdfio_gfp() | __GFP_NOWARN);
	if (!buf)
		return STATUS_INSUFFICIENT_RESOURCES;
	if (qr->params.Type == WdfRequestTypeWrite) {
		p = buf;
		bio_for_each_segment(bv, qr->bio, it) {
			memcpy_from_bvec(p, &bv);
			p += bv.bv_len;
		}
	}
	/*
	 * Two threads may ask at once: the first to take the lock sets the
	 * buffer pointers, then publishes @bounce (release), so whoever sees
	 * @bounce (acquire, above) sees the pointers too.
	 */
	spin_lock_irqsave(&qr->dev->lock, flags);
	if (qr->bounce) {
		spin_unlock_irqrestore(&qr->dev->lock, flags);
		kfree(buf);
		return STATUS_SUCCESS;
	}
	if (qr->params.Type == WdfRequestTypeWrite) {
		qr->in_buf = buf;
		qr->in_len = len;
	} else {
		qr->out_buf = buf;
		qr->out_len = len;
	}
	/* Publish after the pointers (see the acquire above). */
	smp_store_release(&qr->bounce, buf);
	spin_unlock_irqrestore(&qr->dev->lock, flags);
	return STATUS_SUCCESS;
}

/**
 * wdfio_qreq_release() - free what a presented request kept to its end
 * @req: a request with a presented part, at its last reference
 *
 * The bounce copy of a bio's data lives as long as the request, so the
 * request's cleanup and destroy callbacks may still read its buffers.
 *
 * Context: Any context.
 */
void wdfio_qreq_release(struct wdfio_request *req)
{
	if (!req->qr->bounce)
		return;
	kfree(req->qr->bounce);
	req->qr->bounce = NULL;
}

/*
 * Complete a request that is in state @from (OWNED: the driver completes
 * it; SENT: its sent-and-forgotten I/O ended): it leaves its queue, is
 * deleted, and its front-end learns the result; then the queue presents
 * the next one.
 */
static void wdfio_qreq_end(struct wdfio_request *req, NTSTATUS status,
			   ULONG_PTR info, enum wdfio_qr_state from)
{
	struct wdfio_qreq *qr = req->qr;
	struct wdfio_device *dev = qr->dev;
	const struct wdfio_fe_ops *fe = qr->fe;
	void *fe_ctx = qr->fe_ctx;
	struct wdfio_queue *q;
	unsigned long flags;
	bool ev;

	spin_lock_irqsave(&dev->lock, flags);
	if (qr->state != from) {
		spin_unlock_irqrestore(&dev->lock, flags);
		wdfio_misuse("request %p completed but not owned by the driver (state %d)",
			     req, qr->state);
		return;
	}
	if (qr->cancel_routine) {
		/* KMDF's verifier objects; the completion still happens. */
		wdfio_misuse("request %p completed while cancelable", req);
		qr->cancel_routine = NULL;
	}
	q = qr->queue;
	list_del_init(&qr->entry);
	if (qr->state == WDFIO_QR_OWNED)
		q->nr_owned--;
	qr->state = WDFIO_QR_DONE;
	/* Completed with its cancel callback still due: that is not called. */
	ev = !list_empty(&qr->cancel_ev);
	list_del_init(&qr->cancel_ev);
	spin_unlock_irqrestore(&dev->lock, flags);
	if (ev)
		wdfio_object_put(&req->obj);	/* the event's; the caller's stays */

	/*
	 * Children (the buffers' WDFMEMORY) and cleanup callbacks go first:
	 * they may still look at the buffers, the bounce copy included. Our
	 * own reference keeps @qr (and the copy) until we are done with it:
	 * a front-end whose caller left (killed) holds none any more.
	 */
	wdfio_object_get(&req->obj);
	wdfio_object_delete(&req->obj);
	/* A bio's data went through a copy: bring a read's back. */
	if (qr->bounce && NT_SUCCESS(status) &&
	    qr->params.Type == WdfRequestTypeRead)
		wdfio_bounce_to_bio(qr->bio, qr->bounce,
				    min_t(size_t, info, qr->out_len));
	/* The copy itself goes with the request (wdfio_qreq_release()). */
	wdfio_object_put(&req->obj);
	fe->complete(fe_ctx, status, info);
	wdfio_queue_run(q);

	spin_lock_irqsave(&dev->lock, flags);
	/* wq_has_sleeper()'s barrier pairs with wait_event()'s (device.c) */
	if (!--dev->inflight && wq_has_sleeper(&dev->idle_wq))
		wake_up_all(&dev->idle_wq);
	spin_unlock_irqrestore(&dev->lock, flags);
	wdfio_object_put(&q->obj);
}

/* Complete a request the driver owns (see wdfio_qreq_end()). */
static void wdfio_qreq_finish(struct wdfio_request *req, NTSTATUS status,
			      ULONG_PTR info)
{
	wdfio_qreq_end(req, status, info, WDFIO_QR_OWNED);
}

/*
 * A synchronised queue's cancel callbacks go through its dispatch loop
 * (KMDF's m_Cancelled / m_CanceledOnQueueList), which calls them under the
 * callback lock: so a cancel triggered from inside a serialised callback (a
 * purge, WdfRequestMarkCancelable on a cancelled request, a completion) is
 * never called on that thread while it holds the lock, and never recurses
 * into the lock. @fn: EvtRequestCancel, or NULL for EvtIoCanceledOnQueue.
 * Called with the device lock held; the caller releases it and then runs
 * the queue (wdfio_queue_run()).
 */
static void wdfio_queue_cancel_event(struct wdfio_queue *q,
				     struct wdfio_request *req,
				     PFN_WDF_REQUEST_CANCEL fn)
{
	struct wdfio_qreq *qr = req->qr;

	lockdep_assert_held(&q->dev->lock);
	if (!list_empty(&qr->cancel_ev))
		return;		/* one is due already */
	qr->cancel_fn = fn;
	list_add_tail(&qr->cancel_ev, &q->cancel_events);
	wdfio_object_get(&req->obj);	/* dropped once delivered */
}

/*
 * A queued request is cancelled (by its front-end or a purge): the driver
 * gets it through EvtIoCanceledOnQueue, or it completes STATUS_CANCELLED.
 * Called with the device lock held (@flags); returns with it released.
 */
static void wdfio_queue_cancel_queued(struct wdfio_queue *q,
				      struct wdfio_request *req,
				      unsigned long flags)
	__releases(&q->dev->lock)
{
	PFN_WDF_IO_QUEUE_IO_CANCELED_ON_QUEUE cb = q->cfg.EvtIoCanceledOnQueue;
	struct wdfio_qreq *qr = req->qr;

	lockdep_assert_held(&q->dev->lock);
	qr->cancelled = true;
	list_move_tail(&qr->entry, &q->owned);
	q->nr_pending--;
	q->nr_owned++;
	qr->state = WDFIO_QR_OWNED;
	if (cb && q->sync) {
		wdfio_queue_cancel_event(q, req, NULL);
		wdfio_object_get(&q->obj);
		spin_unlock_irqrestore(&q->dev->lock, flags);
		wdfio_queue_run(q);
		wdfio_object_put(&q->obj);
		return;
	}
	wdfio_object_get(&req->obj);
	spin_unlock_irqrestore(&q->dev->lock, flags);
	if (cb)
		cb(wdfio_queue_handle(q), wdfio_request_handle(req));
	else
		wdfio_qreq_finish(req, STATUS_CANCELLED, 0);
	wdfio_object_put(&req->obj);
}

/*
 * Cancel a request the driver owns: call its cancel routine if it is marked
 * cancelable. Called with the device lock held; returns with it released.
 */
static void wdfio_queue_cancel_owned(struct wdfio_device *dev,
				     struct wdfio_request *req,
				     unsigned long flags)
	__releases(&dev->lock)
{
	struct wdfio_qreq *qr = req->qr;
	PFN_WDF_REQUEST_CANCEL routine = qr->cancel_routine;

	lockdep_assert_held(&dev->lock);
	qr->cancelled = true;
	qr->cancel_routine = NULL;
	if (!routine) {
		spin_unlock_irqrestore(&dev->lock, flags);
		/* Sent on: the cancel goes down with it, as an IRP's does. */
		wdfio_request_cancel(req);
		return;
	}
	if (qr->queue->sync) {
		struct wdfio_queue *q = qr->queue;

		wdfio_queue_cancel_event(q, req, routine);
		wdfio_object_get(&q->obj);
		spin_unlock_irqrestore(&dev->lock, flags);
		wdfio_queue_run(q);
		wdfio_object_put(&q->obj);
		return;
	}
	wdfio_object_get(&req->obj);
	spin_unlock_irqrestore(&dev->lock, flags);
	routine(wdfio_request_handle(req));
	wdfio_object_put(&req->obj);
}

/**
 * wdfio_qreq_cancel() - the front-end cancels its request (a signal)
 * @req: a request from wdfio_device_submit(), referenced by the caller
 *
 * Queued: EvtIoCanceledOnQueue, or completed STATUS_CANCELLED. Owned and
 * cancelable: EvtRequestCancel. Owned and not cancelable: marked
 * (WdfRequestIsCanceled), and, as a cancelled IRP travels down with its
 * cancel, a request the driver sent on to an I/O target is cancelled there
 * (WdfRequestCancelSentRequest) and one not sent yet fails its send with
 * STATUS_CANCELLED; the driver completes it when it will. Sent and
 * forgotten: the cancel follows it to its target likewise (it ends there
 * cancelled if the target can cancel it: pended, or a USB transfer).
 *
 * Context: Any context.
 */
void wdfio_qreq_cancel(struct wdfio_request *req)
{
	struct wdfio_qreq *qr = req->qr;
	struct wdfio_device *dev = qr->dev;
	unsigned long flags;

	spin_lock_irqsave(&dev->lock, flags);
	if (qr->cancelled || qr->state == WDFIO_QR_DONE) {
		qr->cancelled = true;
		spin_unlock_irqrestore(&dev->lock, flags);
		return;
	}
	qr->cancelled = true;
	if (qr->state == WDFIO_QR_QUEUED) {
		wdfio_queue_cancel_queued(qr->queue, req, flags);
		return;
	}
	if (qr->state == WDFIO_QR_OWNED) {
		wdfio_queue_cancel_owned(dev, req, flags);
		return;
	}
	spin_unlock_irqrestore(&dev->lock, flags);
	/* SENT: the caller's reference keeps @req. */
	wdfio_request_cancel(req);
}

/*
 * Put a request on @q's pending list (submission, forward, requeue). The
 * caller holds the device lock and has checked that @q accepts. @head:
 * requeue at the head (WdfRequestStopAcknowledge).
 */
static void wdfio_queue_insert_locked(struct wdfio_queue *q,
				      struct wdfio_request *req, bool head)
{
	struct wdfio_qreq *qr = req->qr;

	lockdep_assert_held(&q->dev->lock);
	/* Queued again: no EvtIoStop(Suspend) answer or EvtIoResume due. */
	qr->suspend_notified = false;
	qr->resume_due = false;
	if (head)
		list_add(&qr->entry, &q->pending);
	else
		list_add_tail(&qr->entry, &q->pending);
	/* Empty to not empty: the ready callback is due (manual queues). */
	if (!q->nr_pending++)
		q->ready_due = true;
	qr->state = WDFIO_QR_QUEUED;
}

/* After an insert: a request cancelled meanwhile is cancelled now. */
static void wdfio_queue_after_insert(struct wdfio_queue *q,
				     struct wdfio_request *req)
{
	struct wdfio_qreq *qr = req->qr;
	unsigned long flags;

	spin_lock_irqsave(&q->dev->lock, flags);
	if (qr->cancelled && qr->state == WDFIO_QR_QUEUED && qr->queue == q)
		wdfio_queue_cancel_queued(q, req, flags);
	else
		spin_unlock_irqrestore(&q->dev->lock, flags);
	wdfio_queue_run(q);
}

static bool wdfio_queue_direct_ok(struct wdfio_queue *q);

/*
 * A presented request without attributes (a device without
 * WdfDeviceInitSetRequestAttributes: the usual case, and a filter makes one
 * per bio) comes from wdfio_qreq_slab; with attributes the context makes the
 * size vary and the request comes from kmalloc.
 *
 * The cache keeps its objects zeroed (apart from the dead mark): the
 * constructor zeroes new ones and the last reference zeroes a request
 * before giving it back (wdfio_qreq_free()), with a memset of constant size
 * that the compiler inlines. An allocation then only sets the fields that
 * start non-zero. A cache with a constructor is also one that SLUB does not
 * clear again for init_on_alloc (Debian's default): that second clearing,
 * byte by byte with "rep stosb", took about 3 us of every forwarded bio
 * under TCG.
 */
struct wdfio_presented {
	struct wdfio_request req;
	struct wdfio_qreq qr;
};

/* wdfio_qr_request() finds the request right before its presented part. */
static_assert(offsetof(struct wdfio_presented, qr) ==
	      sizeof(struct wdfio_request));

static struct kmem_cache *wdfio_qreq_slab;

/*
 * One spare request per CPU, in the cache's state (zeroed, dead): a
 * filter's request lives from the bio's submission to its forward on one
 * CPU, so the next bio takes it back without going through the slab
 * (kmem_cache_free() was the costliest step left on that path). Not on a
 * KASAN kernel, where every request goes back to the slab so that a use
 * after the last reference is caught.
 */
static DEFINE_PER_CPU(struct wdfio_presented *, wdfio_qreq_spare);

/* The cache's state of a free request: zeroed, and marked dead. */
static void wdfio_presented_clear(struct wdfio_presented *p)
{
	memset(p, 0, sizeof(*p));
	p->req.obj.magic = WDFIO_OBJ_DEAD;
}

static void wdfio_presented_ctor(void *p)
{
	wdfio_presented_clear(p);
}

/* The last reference (wdfio_object_put()): back to the cache, zeroed. */
static void wdfio_qreq_free(struct wdfio_object *obj)
{
	struct wdfio_presented *p = container_of(obj, struct wdfio_presented,
						 req.obj);

	wdfio_presented_clear(p);
	if (!IS_ENABLED(CONFIG_KASAN) &&
	    !this_cpu_cmpxchg(wdfio_qreq_spare, NULL, p))
		return;
	kmem_cache_free(wdfio_qreq_slab, p);
}

/**
 * wdfio_qreq_alloc() - a new request for a front-end to fill and submit
 * @dev: the device it goes to (its request attributes apply)
 * @out: receives the request, its presented part zeroed
 *
 * Context: Any context.
 * Return: STATUS_SUCCESS or the attribute/allocation error.
 */
NTSTATUS wdfio_qreq_alloc(struct wdfio_device *dev, struct wdfio_request **out)
{
	struct wdfio_presented *p;

	if (dev->has_req_attr)
		return wdfio_request_create_presented(&dev->req_attr,
						      sizeof(p->qr), out);
	p = IS_ENABLED(CONFIG_KASAN) ? NULL :
					this_cpu_xchg(wdfio_qreq_spare, NULL);
	if (!p)
		p = kmem_cache_alloc(wdfio_qreq_slab, wdfio_gfp());
	if (!p)
		return STATUS_INSUFFICIENT_RESOURCES;
	wdfio_request_init_presented(&p->req, wdfio_qreq_free, &p->qr);
	*out = &p->req;
	return STATUS_SUCCESS;
}

/* Module init: the cache of presented requests. */
int wdfio_queue_init(void)
{
	wdfio_qreq_slab = kmem_cache_create("wdfio_presented",
					    sizeof(struct wdfio_presented),
					    __alignof__(struct wdfio_presented),
					    0, wdfio_presented_ctor);
	return wdfio_qreq_slab ? 0 : -ENOMEM;
}

/* Module exit: every request is gone (client modules and bios are). */
void wdfio_queue_exit(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct wdfio_presented **spare = per_cpu_ptr(&wdfio_qreq_spare,
							     cpu);

		if (*spare)
			kmem_cache_free(wdfio_qreq_slab, *spare);
		*spare = NULL;
	}
	kmem_cache_destroy(wdfio_qreq_slab);
}

/**
 * wdfio_device_submit() - a front-end sends a request to a device
 * @dev: the device
 * @d: what to send; the buffers stay valid until the completion
 * @out: receives the request (referenced: drop with wdfio_object_put() after
 *	the completion) when STATUS_PENDING is returned
 *
 * Context: Any context for the submission; the queue may present the request
 * (call the driver) on this thread.
 * Return: STATUS_PENDING: queued, @d->fe->complete will be called once.
 * Anything else is the final status and no completion comes: STATUS_SUCCESS
 * (a zero-length read/write the queue does not present, 0 bytes),
 * STATUS_INVALID_DEVICE_REQUEST (no queue or callback for the type),
 * STATUS_INVALID_DEVICE_STATE (the queue does not accept requests: purged
 * or drained; KMDF's status),
 * STATUS_DELETE_PENDING (the device is being deleted),
 * STATUS_INSUFFICIENT_RESOURCES.
 */
NTSTATUS wdfio_device_submit(struct wdfio_device *dev,
			     const struct wdfio_io_desc *d,
			     struct wdfio_request **out)
{
	WDF_REQUEST_PARAMETERS *p;
	struct wdfio_request *req;
	struct wdfio_queue *q;
	struct wdfio_qreq *qr;
	unsigned long flags;
	NTSTATUS status;
	bool taken;

	*out = NULL;
	status = wdfio_qreq_alloc(dev, &req);
	if (!NT_SUCCESS(status))
		return status;
	qr = req->qr;
	qr->dev = dev;
	INIT_LIST_HEAD(&qr->entry);
	INIT_LIST_HEAD(&qr->cancel_ev);
	qr->fe = d->fe;
	qr->fe_ctx = d->fe_ctx;
	qr->in_buf = d->in_buf;
	qr->in_len = d->in_len;
	qr->out_buf = d->out_buf;
	qr->out_len = d->out_len;
	qr->neither = d->neither;
	qr->user_out = d->user_out;
	qr->bio = d->bio;
	qr->file = d->file;
	p = &qr->params;
	/* WDF_REQUEST_PARAMETERS_INIT(): the new request is zeroed already */
	p->Size = sizeof(*p);
	p->Type = d->type;
	switch (d->type) {
	case WdfRequestTypeRead:
		p->Parameters.Read.Length = d->length;
		p->Parameters.Read.DeviceOffset = d->offset;
		break;
	case WdfRequestTypeWrite:
		p->Parameters.Write.Length = d->length;
		p->Parameters.Write.DeviceOffset = d->offset;
		break;
	case WdfRequestTypeDeviceControl:
	case WdfRequestTypeDeviceControlInternal:
		p->Parameters.DeviceIoControl.OutputBufferLength = d->out_len;
		p->Parameters.DeviceIoControl.InputBufferLength = d->in_len;
		p->Parameters.DeviceIoControl.IoControlCode = d->code;
		p->Parameters.DeviceIoControl.Type3InputBuffer = d->type3_in;
		break;
	default:
		/* Linux: discard and write-zeroes ranges (README) */
		p->Parameters.Others.Arg1 = (PVOID)(uintptr_t)d->offset;
		p->Parameters.Others.Arg2 = (PVOID)(uintptr_t)d->length;
		p->Parameters.Others.IoControlCode = d->code;
		break;
	}
	if (dev->in_caller) {
		status = wdfio_device_in_caller(dev, req, out);
		if (status != STATUS_NOT_FOUND)
			return status;
	}

	spin_lock_irqsave(&dev->lock, flags);
	q = d->type < WDFIO_NR_DISPATCH ? dev->dispatch[d->type] : NULL;
	q = q ?: dev->default_queue;
	if (dev->removing)
		status = STATUS_DELETE_PENDING;
	else if (!q || !wdfio_queue_handles(q, d->type))
		status = STATUS_INVALID_DEVICE_REQUEST;
	else if (!q->accept)
		status = STATUS_INVALID_DEVICE_STATE;	/* KMDF, purge or drain */
	else if ((d->type == WdfRequestTypeRead ||
		  d->type == WdfRequestTypeWrite) && !d->length &&
		 !q->cfg.AllowZeroLengthRequests)
		status = STATUS_SUCCESS;	/* completed by the queue */
	else
		status = STATUS_PENDING;
	if (status != STATUS_PENDING) {
		spin_unlock_irqrestore(&dev->lock, flags);
		wdfio_object_delete(&req->obj);
		return status;
	}
	dev->inflight++;
	wdfio_object_get(&q->obj);
	qr->queue = q;
	/* The front-end's reference, for cancel and until its completion. */
	wdfio_object_get(&req->obj);
	*out = req;
	if (wdfio_queue_direct_ok(q)) {
		/* Nothing queued before it: present it here, at once. */
		list_add_tail(&qr->entry, &q->owned);
		q->nr_owned++;
		qr->state = WDFIO_QR_OWNED;
		/* @req: the front-end's reference (above) outlives the call */
		wdfio_object_get(&q->obj);	/* for the wake-up below */
		atomic_inc(&q->presenting);
		spin_unlock_irqrestore(&dev->lock, flags);
		taken = wdfio_queue_cb_lock(q);
		wdfio_queue_present(q, req);
		wdfio_queue_cb_unlock(q, taken);
		if (atomic_dec_and_test(&q->presenting) &&
		    wq_has_sleeper(&q->idle_wq))
			wake_up_all(&q->idle_wq);
		wdfio_object_put(&q->obj);
		return STATUS_PENDING;
	}
	wdfio_queue_insert_locked(q, req, false);
	spin_unlock_irqrestore(&dev->lock, flags);
	wdfio_queue_run(q);
	return STATUS_PENDING;
}

/*
 * May a new request skip @q's pending list? Only on a dispatching parallel
 * queue with room and nothing waiting (order is kept), where this thread may
 * call the driver (not from inside one of the queue's own callbacks, which
 * KMDF also avoids, nor where a passive queue cannot be served).
 */
static bool wdfio_queue_direct_ok(struct wdfio_queue *q)
{
	struct wdfio_dispatcher *d;

	lockdep_assert_held(&q->dev->lock);
	if (q->cfg.DispatchType != WdfIoQueueDispatchParallel ||
	    !list_empty(&q->pending) || !wdfio_queue_has_room(q))
		return false;
	if ((q->passive && !wdfio_can_sleep()) ||
	    wdfio_queue_sync_must_defer(q))
		return false;
	list_for_each_entry(d, &q->dispatchers, node)
		if (d->task == current)
			return false;
	return true;
}

/*
 * Cancel everything queued on @q and call the cancel routines of the
 * requests the driver owns and marked cancelable (Purge, StopAndPurge).
 */
static void wdfio_queue_cancel_all(struct wdfio_queue *q, bool owned)
{
	struct wdfio_device *dev = q->dev;
	unsigned long flags;

	for (;;) {
		struct wdfio_qreq *qr;

		spin_lock_irqsave(&dev->lock, flags);
		qr = list_first_entry_or_null(&q->pending, struct wdfio_qreq,
					      entry);
		if (!qr)
			break;
		wdfio_queue_cancel_queued(q, wdfio_qr_request(qr), flags);
	}
	while (owned) {
		struct wdfio_qreq *qr, *found = NULL;

		list_for_each_entry(qr, &q->owned, entry) {
			if (qr->cancel_routine) {
				found = qr;
				break;
			}
		}
		if (!found)
			break;
		wdfio_queue_cancel_owned(dev, wdfio_qr_request(found), flags);
		spin_lock_irqsave(&dev->lock, flags);
	}
	spin_unlock_irqrestore(&dev->lock, flags);
}

/*
 * KMDF's power-managed purge, for a queue being deleted: nothing new is
 * taken, queued requests are cancelled, owned ones cancelled if cancelable,
 * else handed to EvtIoStop(WdfRequestStopActionPurge); then (where sleeping
 * is allowed) wait until the driver has completed them all.
 */
static bool wdfio_queue_idle_now(struct wdfio_queue *q)
{
	return !READ_ONCE(q->nr_owned) && !READ_ONCE(q->nr_pending) &&
	       list_empty_careful(&q->dispatchers) &&
	       !atomic_read(&q->presenting);
}

void wdfio_queue_power_purge(struct wdfio_queue *q)
{
	struct wdfio_device *dev = q->dev;
	unsigned long flags;
	unsigned int i;
	bool taken;

	wdfio_queue_power_exit(q);
	spin_lock_irqsave(&dev->lock, flags);
	q->accept = false;
	q->dispatching = false;
	q->power_purge = true;
	if (dev->default_queue == q)
		dev->default_queue = NULL;
	for (i = 0; i < WDFIO_NR_DISPATCH; i++)
		if (dev->dispatch[i] == q)
			dev->dispatch[i] = NULL;
	spin_unlock_irqrestore(&dev->lock, flags);

	wdfio_queue_cancel_all(q, true);

	for (;;) {
		struct wdfio_qreq *qr, *found = NULL;
		struct wdfio_request *req;

		spin_lock_irqsave(&dev->lock, flags);
		if (!q->cfg.EvtIoStop)
			break;
		list_for_each_entry(qr, &q->owned, entry) {
			if (!qr->stop_notified && !qr->cancelled) {
				found = qr;
				break;
			}
		}
		if (!found)
			break;
		found->stop_notified = true;
		req = wdfio_qr_request(found);
		wdfio_object_get(&req->obj);
		spin_unlock_irqrestore(&dev->lock, flags);
		/*
		 * Inside the scope already (a callback deletes it): serialised
		 * as it is. A passive queue deleted where sleeping is not
		 * allowed (KMDF defers that) gets its EvtIoStop unserialised.
		 */
		taken = (!q->passive || wdfio_can_sleep()) &&
			wdfio_queue_cb_lock(q);
		q->cfg.EvtIoStop(wdfio_queue_handle(q),
				 wdfio_request_handle(req),
				 WdfRequestStopActionPurge);
		wdfio_queue_cb_unlock(q, taken);
		wdfio_object_put(&req->obj);
	}
	spin_unlock_irqrestore(&dev->lock, flags);

	if (wdfio_can_sleep())
		wait_event(q->idle_wq, wdfio_queue_idle_now(q));
}

static void wdfio_queue_dispose(struct wdfio_object *obj)
{
	wdfio_queue_power_purge(container_of(obj, struct wdfio_queue, obj));
}

static void wdfio_queue_release(struct wdfio_object *obj)
{
	struct wdfio_queue *q = container_of(obj, struct wdfio_queue, obj);

	wdfio_object_put(&q->dev->obj);
}

static const struct wdfio_obj_ops wdfio_queue_ops = {
	.type = WDFIO_OBJ_QUEUE,
	.name = "WDFQUEUE",
	.dispose = wdfio_queue_dispose,
	.release = wdfio_queue_release,
};

static NTSTATUS wdfio_queue_check_config(PWDF_IO_QUEUE_CONFIG c)
{
	bool callbacks = c->EvtIoDefault || c->EvtIoRead || c->EvtIoWrite ||
			 c->EvtIoDeviceControl || c->EvtIoInternalDeviceControl;

	if (c->Size != sizeof(*c))
		return STATUS_INFO_LENGTH_MISMATCH;
	switch (c->DispatchType) {
	case WdfIoQueueDispatchSequential:
	case WdfIoQueueDispatchManual:
		if (c->Settings.Parallel.NumberOfPresentedRequests)
			return STATUS_INVALID_PARAMETER;
		break;
	case WdfIoQueueDispatchParallel:
		if (!c->Settings.Parallel.NumberOfPresentedRequests)
			return STATUS_INVALID_PARAMETER;
		break;
	default:
		return STATUS_INVALID_PARAMETER;
	}
	if (c->DispatchType == WdfIoQueueDispatchManual && callbacks)
		return STATUS_INVALID_PARAMETER;
	if (c->DispatchType != WdfIoQueueDispatchManual && !callbacks)
		return STATUS_WDF_NO_CALLBACK;
	return STATUS_SUCCESS;
}

/**
 * WdfIoQueueCreate() - create an I/O queue of a device
 * @Device: the device (the queue's parent)
 * @Config: WDF_IO_QUEUE_CONFIG_INIT or _INIT_DEFAULT_QUEUE'd configuration
 * @QueueAttributes: attributes, or WDF_NO_OBJECT_ATTRIBUTES; ExecutionLevel
 *	Passive (the queue's, else the device's) makes the queue call its
 *	callbacks only where sleeping is allowed (from a workqueue if needed);
 *	SynchronizationScope (else the device's) serialises them (synclock.c)
 * @Queue: receives the handle; optional for a default queue only
 *
 * The queue starts accepting and dispatching. PowerManaged: WdfTrue, or
 * WdfUseDefault on a device that is not a filter, makes the queue hold
 * while its device is out of D0 (queue_power.c; control devices too, unlike
 * KMDF: see the README).
 *
 * Context: Any context (KMDF: DISPATCH_LEVEL).
 * Return: STATUS_SUCCESS; STATUS_INVALID_HANDLE; STATUS_INVALID_PARAMETER
 * (NULL config, bad dispatch type, callbacks on a manual queue,
 * NumberOfPresentedRequests 0 on a parallel queue or not 0 on another);
 * STATUS_INVALID_PARAMETER_4 (NULL @Queue for a non-default queue);
 * STATUS_INVALID_PARAMETER (scope Device with another ExecutionLevel than
 * the device's); STATUS_WDF_OBJECT_ATTRIBUTES_INVALID (level or scope out
 * of range);
 * STATUS_INFO_LENGTH_MISMATCH; STATUS_WDF_NO_CALLBACK (no callback on a
 * non-manual queue); STATUS_INVALID_DEVICE_STATE (a second default queue, or
 * a default queue after WdfControlFinishInitializing: KMDF);
 * STATUS_DELETE_PENDING; STATUS_INSUFFICIENT_RESOURCES.
 */
NTSTATUS WdfIoQueueCreate(WDFDEVICE Device, PWDF_IO_QUEUE_CONFIG Config,
			  PWDF_OBJECT_ATTRIBUTES QueueAttributes,
			  WDFQUEUE *Queue)
{
	struct wdfio_device *dev = wdfio_device_from_handle(Device);
	struct wdfio_queue *q;
	unsigned long flags;
	NTSTATUS status;

	if (Queue)
		*Queue = NULL;
	if (!dev) {
		wdfio_misuse("invalid WDFDEVICE %p", Device);
		return STATUS_INVALID_HANDLE;
	}
	if (!Config)
		return STATUS_INVALID_PARAMETER;
	status = wdfio_queue_check_config(Config);
	if (!NT_SUCCESS(status))
		return status;
	if (!Config->DefaultQueue && !Queue)
		return STATUS_INVALID_PARAMETER_4;
	status = wdfio_object_check_attributes(QueueAttributes);
	if (NT_SUCCESS(status))
		status = wdfio_sync_check_attributes(QueueAttributes);
	if (!NT_SUCCESS(status))
		return status;
	q = wdfio_object_alloc(&wdfio_queue_ops, sizeof(*q), QueueAttributes,
			       wdfio_gfp(), &status);
	if (!q)
		return status;
	wdfio_object_get(&dev->obj);	/* dropped by release */
	q->dev = dev;
	q->cfg = *Config;
	status = wdfio_queue_sync_init(q, QueueAttributes);
	if (!NT_SUCCESS(status)) {
		wdfio_object_put(&q->obj);
		return status;
	}
	q->accept = true;
	q->dispatching = true;
	INIT_LIST_HEAD(&q->pending);
	INIT_LIST_HEAD(&q->owned);
	INIT_LIST_HEAD(&q->dispatchers);
	INIT_WORK(&q->dispatch_work, wdfio_queue_dispatch_work);
	init_waitqueue_head(&q->idle_wq);

	spin_lock_irqsave(&dev->lock, flags);
	if (Config->DefaultQueue && (dev->default_queue || dev->cdev))
		status = STATUS_INVALID_DEVICE_STATE;
	else if (dev->removing)
		status = STATUS_DELETE_PENDING;
	spin_unlock_irqrestore(&dev->lock, flags);
	if (NT_SUCCESS(status))
		status = wdfio_object_link(&q->obj, QueueAttributes, &dev->obj);
	if (!NT_SUCCESS(status)) {
		wdfio_object_put(&q->obj);
		return status;
	}
	if (Config->DefaultQueue) {
		spin_lock_irqsave(&dev->lock, flags);
		dev->default_queue = q;
		spin_unlock_irqrestore(&dev->lock, flags);
	}
	wdfio_queue_power_init(q);
	if (Queue)
		*Queue = wdfio_queue_handle(q);
	return STATUS_SUCCESS;
}
EXPORT_SYMBOL_GPL(WdfIoQueueCreate);

static struct wdfio_queue *wdfio_queue_checked(WDFQUEUE Queue)
{
	struct wdfio_queue *q = wdfio_queue_from_handle(Queue);

	if (!q)
		wdfio_misuse("invalid WDFQUEUE %p", Queue);
	return q;
}

/**
 * WdfIoQueueGetState() - the queue's state and request counts
 * @Queue: the queue
 * @QueueRequests: receives the number of queued requests (optional)
 * @DriverRequests: receives the number the driver owns (optional)
 *
 * Context: Any context.
 * Return: WDF_IO_QUEUE_STATE bits (a snapshot), or 0 for a bad handle.
 */
WDF_IO_QUEUE_STATE WdfIoQueueGetState(WDFQUEUE Queue, PULONG QueueRequests,
				      PULONG DriverRequests)
{
	struct wdfio_queue *q = wdfio_queue_checked(Queue);
	unsigned long flags;
	ULONG state = 0;

	if (!q)
		return 0;
	spin_lock_irqsave(&q->dev->lock, flags);
	if (q->accept)
		state |= WdfIoQueueAcceptRequests;
	if (q->dispatching)
		state |= WdfIoQueueDispatchRequests;
	if (!q->nr_pending)
		state |= WdfIoQueueNoRequests;
	if (!q->nr_owned)
		state |= WdfIoQueueDriverNoRequests;
	if (q->power_held)
		state |= WdfIoQueuePnpHeld;
	if (QueueRequests)
		*QueueRequests = q->nr_pending;
	if (DriverRequests)
		*DriverRequests = q->nr_owned;
	spin_unlock_irqrestore(&q->dev->lock, flags);
	return state;
}
EXPORT_SYMBOL_GPL(WdfIoQueueGetState);

/**
 * WdfIoQueueGetDevice() - the device of a queue
 * @Queue: the queue
 *
 * Context: Any context.
 * Return: the device, or NULL for a bad handle.
 */
WDFDEVICE WdfIoQueueGetDevice(WDFQUEUE Queue)
{
	struct wdfio_queue *q = wdfio_queue_checked(Queue);

	return q ? wdfio_device_handle(q->dev) : NULL;
}
EXPORT_SYMBOL_GPL(WdfIoQueueGetDevice);

/**
 * WdfIoQueueStart() - accept and dispatch requests again
 * @Queue: the queue
 *
 * Queued requests are presented at once (possibly on this thread).
 *
 * Context: Any context.
 * Return: Nothing.
 */
void WdfIoQueueStart(WDFQUEUE Queue)
{
	struct wdfio_queue *q = wdfio_queue_checked(Queue);
	unsigned long flags;

	if (!q)
		return;
	spin_lock_irqsave(&q->dev->lock, flags);
	if (!q->power_purge) {
		q->accept = true;
		q->dispatching = true;
		/* Started with requests queued: they are ready (KMDF). */
		if (q->nr_pending)
			q->ready_due = true;
	}
	spin_unlock_irqrestore(&q->dev->lock, flags);
	wdfio_queue_run(q);
}
EXPORT_SYMBOL_GPL(WdfIoQueueStart);

/**
 * WdfIoQueueReadyNotify() - (un)register a manual queue's ready callback
 * @Queue: a queue with WdfIoQueueDispatchManual
 * @QueueReady: called each time the queue goes from empty to not empty,
 *	and when it is started (or the callback registered) with requests
 *	queued, never while it is stopped; NULL to unregister
 * @Context: its context
 *
 * The callback usually retrieves requests in a loop with
 * WdfIoQueueRetrieveNextRequest. It may run before this call returns.
 *
 * Context: Any context.
 * Return: STATUS_SUCCESS; STATUS_INVALID_PARAMETER for a bad handle;
 * STATUS_INVALID_DEVICE_REQUEST for a queue that is not manual, a callback
 * already registered, or unregistering while the queue is not stopped
 * (KMDF wants it stopped first).
 */
NTSTATUS WdfIoQueueReadyNotify(WDFQUEUE Queue,
			       PFN_WDF_IO_QUEUE_STATE QueueReady,
			       WDFCONTEXT Context)
{
	struct wdfio_queue *q = wdfio_queue_checked(Queue);
	NTSTATUS status = STATUS_SUCCESS;
	unsigned long flags;

	if (!q)
		return STATUS_INVALID_PARAMETER;
	if (q->cfg.DispatchType != WdfIoQueueDispatchManual) {
		wdfio_misuse("queue %p is not a manual queue", q);
		return STATUS_INVALID_DEVICE_REQUEST;
	}
	spin_lock_irqsave(&q->dev->lock, flags);
	if (QueueReady && q->ready_cb) {
		status = STATUS_INVALID_DEVICE_REQUEST;
	} else if (!QueueReady && q->dispatching) {
		status = STATUS_INVALID_DEVICE_REQUEST;
	} else {
		q->ready_cb = QueueReady;
		q->ready_ctx = QueueReady ? Context : NULL;
		q->ready_due = QueueReady && q->nr_pending;
	}
	spin_unlock_irqrestore(&q->dev->lock, flags);
	if (!NT_SUCCESS(status)) {
		wdfio_misuse("queue %p: %s", q, QueueReady ?
			     "a ready callback is already registered" :
			     "unregistering the ready callback of a queue not stopped");
		return status;
	}
	wdfio_queue_run(q);
	return STATUS_SUCCESS;
}
EXPORT_SYMBOL_GPL(WdfIoQueueReadyNotify);

/*
 * Stop dispatching (and with @cancel, cancel what is queued and what the
 * driver marked cancelable); @cb runs once the driver owns no request.
 * False (nothing done, misuse logged) if a stop callback is pending.
 */
static bool wdfio_queue_idle(struct wdfio_queue *q, bool cancel,
			     PFN_WDF_IO_QUEUE_STATE cb, WDFCONTEXT ctx)
{
	unsigned long flags;

	spin_lock_irqsave(&q->dev->lock, flags);
	if (cb && q->idle_cb) {
		spin_unlock_irqrestore(&q->dev->lock, flags);
		wdfio_misuse("queue %p: a stop callback is already pending", q);
		return false;
	}
	/* Accepting is left as it is: a purged queue stays closed (KMDF). */
	q->dispatching = false;
	if (cb) {
		q->idle_cb = cb;
		q->idle_ctx = ctx;
	}
	spin_unlock_irqrestore(&q->dev->lock, flags);
	if (cancel)
		wdfio_queue_cancel_all(q, true);
	wdfio_queue_run(q);
	return true;
}

/*
 * Purge (@cancel) or drain: stop accepting; a purge also cancels what is
 * queued and what the driver marked cancelable, a drain lets it all be
 * presented and completed (KMDF's QueuePurge(FALSE, FALSE)). @cb runs once
 * nothing is queued or owned; the two share it, as in KMDF. False (nothing
 * done, misuse logged) if such a callback is pending.
 */
static bool wdfio_queue_purge(struct wdfio_queue *q, bool cancel,
			      PFN_WDF_IO_QUEUE_STATE cb, WDFCONTEXT ctx)
{
	unsigned long flags;

	spin_lock_irqsave(&q->dev->lock, flags);
	if (cb && q->purge_cb) {
		spin_unlock_irqrestore(&q->dev->lock, flags);
		wdfio_misuse("queue %p: a purge or drain callback is already pending",
			     q);
		return false;
	}
	q->accept = false;
	if (cb) {
		q->purge_cb = cb;
		q->purge_ctx = ctx;
	}
	spin_unlock_irqrestore(&q->dev->lock, flags);
	if (cancel)
		wdfio_queue_cancel_all(q, true);
	wdfio_queue_run(q);
	return true;
}

static void wdfio_queue_sync_done(WDFQUEUE Queue, WDFCONTEXT Context)
{
	complete(Context);
}

enum wdfio_queue_sync_op {
	WDFIO_QSYNC_STOP,
	WDFIO_QSYNC_STOP_PURGE,
	WDFIO_QSYNC_PURGE,
	WDFIO_QSYNC_DRAIN,
};

/*
 * The *Synchronously DDIs: start @op, then wait for its callback. With
 * another callback of the kind pending nothing is started (KMDF fails the
 * call), so there is nothing to wait for either.
 */
static void wdfio_queue_sync(WDFQUEUE Queue, enum wdfio_queue_sync_op op)
{
	struct wdfio_queue *q = wdfio_queue_checked(Queue);
	DECLARE_COMPLETION_ONSTACK(done);
	bool started;

	if (!q)
		return;
	if (!wdfio_can_sleep()) {
		wdfio_misuse("called from atomic context");
		return;
	}
	if (op == WDFIO_QSYNC_PURGE || op == WDFIO_QSYNC_DRAIN)
		started = wdfio_queue_purge(q, op == WDFIO_QSYNC_PURGE,
					    wdfio_queue_sync_done, &done);
	else
		started = wdfio_queue_idle(q, op == WDFIO_QSYNC_STOP_PURGE,
					   wdfio_queue_sync_done, &done);
	if (started)
		wait_for_completion(&done);
}

/**
 * WdfIoQueueStop() - stop presenting requests
 * @Queue: the queue
 * @StopComplete: called (possibly on this thread) once the driver owns no
 *	request of the queue, or NULL
 * @Context: its context
 *
 * The queue keeps accepting requests (unless a purge closed it: then it
 * stays closed); they wait until WdfIoQueueStart. Requests the driver owns
 * are left alone. Only one StopComplete may be
 * pending (a second is a driver bug, logged and ignored).
 *
 * Context: Any context.
 * Return: Nothing.
 */
void WdfIoQueueStop(WDFQUEUE Queue, PFN_WDF_IO_QUEUE_STATE StopComplete,
		    WDFCONTEXT Context)
{
	struct wdfio_queue *q = wdfio_queue_checked(Queue);

	if (q)
		wdfio_queue_idle(q, false, StopComplete, Context);
}
EXPORT_SYMBOL_GPL(WdfIoQueueStop);

/**
 * WdfIoQueueStopSynchronously() - stop, and wait for the driver's requests
 * @Queue: the queue
 *
 * Returns once the driver owns no request of the queue (it must complete
 * them elsewhere: not from a callback of this queue that owns one). With a
 * WdfIoQueueStop callback still pending it does nothing (misuse, logged)
 * and returns at once, as KMDF fails it.
 *
 * Context: Process context.
 * Return: Nothing.
 */
void WdfIoQueueStopSynchronously(WDFQUEUE Queue)
{
	wdfio_queue_sync(Queue, WDFIO_QSYNC_STOP);
}
EXPORT_SYMBOL_GPL(WdfIoQueueStopSynchronously);

/**
 * WdfIoQueueStopAndPurge() - stop, and cancel the queued requests
 * @Queue: the queue
 * @StopAndPurgeComplete: called once the driver owns no request, or NULL
 * @Context: its context
 *
 * Queued requests are cancelled (EvtIoCanceledOnQueue, else completed with
 * STATUS_CANCELLED); requests the driver marked cancelable get their
 * EvtRequestCancel. The queue keeps accepting new requests (unless a purge
 * closed it), which wait for WdfIoQueueStart.
 *
 * Context: Any context.
 * Return: Nothing.
 */
void WdfIoQueueStopAndPurge(WDFQUEUE Queue,
			    PFN_WDF_IO_QUEUE_STATE StopAndPurgeComplete,
			    WDFCONTEXT Context)
{
	struct wdfio_queue *q = wdfio_queue_checked(Queue);

	if (q)
		wdfio_queue_idle(q, true, StopAndPurgeComplete, Context);
}
EXPORT_SYMBOL_GPL(WdfIoQueueStopAndPurge);

/**
 * WdfIoQueueStopAndPurgeSynchronously() - stop and purge, then wait
 * @Queue: the queue
 *
 * Context: Process context.
 * Return: Nothing.
 */
void WdfIoQueueStopAndPurgeSynchronously(WDFQUEUE Queue)
{
	wdfio_queue_sync(Queue, WDFIO_QSYNC_STOP_PURGE);
}
EXPORT_SYMBOL_GPL(WdfIoQueueStopAndPurgeSynchronously);

/**
 * WdfIoQueuePurge() - stop accepting requests and cancel the queued ones
 * @Queue: the queue
 * @PurgeComplete: called once nothing is queued and the driver owns no
 *	request of the queue, or NULL
 * @Context: its context
 *
 * New requests complete with STATUS_CANCELLED (WdfRequestForwardToIoQueue
 * fails with STATUS_WDF_BUSY) until WdfIoQueueStart. Queued requests are
 * cancelled (EvtIoCanceledOnQueue, else STATUS_CANCELLED); requests the
 * driver marked cancelable get their EvtRequestCancel.
 *
 * Context: Any context.
 * Return: Nothing.
 */
void WdfIoQueuePurge(WDFQUEUE Queue, PFN_WDF_IO_QUEUE_STATE PurgeComplete,
		     WDFCONTEXT Context)
{
	struct wdfio_queue *q = wdfio_queue_checked(Queue);

	if (q)
		wdfio_queue_purge(q, true, PurgeComplete, Context);
}
EXPORT_SYMBOL_GPL(WdfIoQueuePurge);

/**
 * WdfIoQueuePurgeSynchronously() - purge, then wait
 * @Queue: the queue
 *
 * Context: Process context.
 * Return: Nothing.
 */
void WdfIoQueuePurgeSynchronously(WDFQUEUE Queue)
{
	wdfio_queue_sync(Queue, WDFIO_QSYNC_PURGE);
}
EXPORT_SYMBOL_GPL(WdfIoQueuePurgeSynchronously);

/**
 * WdfIoQueueDrain() - stop accepting requests, and let the queued ones run
 * @Queue: the queue
 * @DrainComplete: called once nothing is queued and the driver owns no
 *	request of the queue, or NULL
 * @Context: its context
 *
 * New requests complete with STATUS_INVALID_DEVICE_STATE
 * (WdfRequestForwardToIoQueue fails with STATUS_WDF_BUSY) until
 * WdfIoQueueStart. Unlike a purge, nothing is cancelled: the queued
 * requests are still presented (or retrieved) and the driver completes
 * them and the ones it owns as usual. KMDF drains with its purge
 * machinery: DrainComplete and PurgeComplete share one slot, so only one
 * of them may be pending (a second is a driver bug, logged and ignored).
 *
 * Context: Any context.
 * Return: Nothing.
 */
void WdfIoQueueDrain(WDFQUEUE Queue, PFN_WDF_IO_QUEUE_STATE DrainComplete,
		     WDFCONTEXT Context)
{
	struct wdfio_queue *q = wdfio_queue_checked(Queue);

	if (q)
		wdfio_queue_purge(q, false, DrainComplete, Context);
}
EXPORT_SYMBOL_GPL(WdfIoQueueDrain);

/**
 * WdfIoQueueDrainSynchronously() - drain, then wait
 * @Queue: the queue
 *
 * Returns once nothing is queued and the driver owns no request of the
 * queue (it must complete them elsewhere: not from a callback of this
 * queue that owns one). With a WdfIoQueueDrain or WdfIoQueuePurge callback
 * still pending it does nothing (misuse, logged) and returns at once, as
 * KMDF fails it.
 *
 * Context: Process context.
 * Return: Nothing.
 */
void WdfIoQueueDrainSynchronously(WDFQUEUE Queue)
{
	wdfio_queue_sync(Queue, WDFIO_QSYNC_DRAIN);
}
EXPORT_SYMBOL_GPL(WdfIoQueueDrainSynchronously);

/**
 * WdfIoQueueRetrieveNextRequest() - take the next request of a queue
 * @Queue: a manual or sequential queue
 * @OutRequest: receives the request, which the driver now owns
 *
 * Context: Any context.
 * Return: STATUS_SUCCESS; STATUS_NO_MORE_ENTRIES (empty);
 * STATUS_WDF_PAUSED (stopped); STATUS_INVALID_DEVICE_STATE (a parallel
 * queue); STATUS_INVALID_HANDLE; STATUS_INVALID_PARAMETER (NULL
 * @OutRequest). All as KMDF.
 */
NTSTATUS WdfIoQueueRetrieveNextRequest(WDFQUEUE Queue, WDFREQUEST *OutRequest)
{
	struct wdfio_queue *q = wdfio_queue_checked(Queue);
	struct wdfio_request *req;
	unsigned long flags;

	if (OutRequest)
		*OutRequest = NULL;
	if (!q)
		return STATUS_INVALID_HANDLE;
	if (!OutRequest)
		return STATUS_INVALID_PARAMETER;
	if (q->cfg.DispatchType == WdfIoQueueDispatchParallel)
		return STATUS_INVALID_DEVICE_STATE;
	spin_lock_irqsave(&q->dev->lock, flags);
	if (!q->dispatching || q->power_held) {
		spin_unlock_irqrestore(&q->dev->lock, flags);
		return STATUS_WDF_PAUSED;
	}
	req = wdfio_queue_take(q);
	spin_unlock_irqrestore(&q->dev->lock, flags);
	if (!req)
		return STATUS_NO_MORE_ENTRIES;
	*OutRequest = wdfio_request_handle(req);
	return STATUS_SUCCESS;
}
EXPORT_SYMBOL_GPL(WdfIoQueueRetrieveNextRequest);

/* ------------------------------------------------------------------ */
/* WdfRequest* DDIs of the receiving side                              */

/* The request behind a handle if a queue presented it, else NULL. */
static struct wdfio_request *wdfio_presented(WDFREQUEST Request)
{
	struct wdfio_request *req = wdfio_request_from_handle(Request);

	if (!req) {
		wdfio_misuse("invalid WDFREQUEST %p", Request);
		return NULL;
	}
	if (!req->qr) {
		wdfio_misuse("request %p was not presented by a queue", req);
		return NULL;
	}
	return req;
}

/**
 * WdfRequestGetParameters() - the parameters of a presented request
 * @Request: a request a queue presented
 * @Parameters: WDF_REQUEST_PARAMETERS_INIT'ed; receives them
 *
 * Read/Write: Length, DeviceOffset. IOCTLs: OutputBufferLength,
 * InputBufferLength, IoControlCode, and Type3InputBuffer (METHOD_NEITHER:
 * the caller's user-space pointer, never to be dereferenced directly).
 *
 * Context: Any context.
 * Return: Nothing.
 */
void WdfRequestGetParameters(WDFREQUEST Request,
			     PWDF_REQUEST_PARAMETERS Parameters)
{
	struct wdfio_request *req = wdfio_presented(Request);

	if (!req)
		return;
	if (!Parameters || Parameters->Size != sizeof(*Parameters)) {
		wdfio_misuse("bad parameters %p", Parameters);
		return;
	}
	*Parameters = req->qr->params;
}
EXPORT_SYMBOL_GPL(WdfRequestGetParameters);

/*
 * The system buffer for an input (@input) or output accessor, with KMDF's
 * rules: reads have no input buffer, writes no output buffer, and
 * METHOD_NEITHER IOCTLs neither.
 */
static NTSTATUS wdfio_request_sysbuf(struct wdfio_request *req, bool input,
				     void **buf, size_t *len)
{
	struct wdfio_qreq *qr = req->qr;

	switch (qr->params.Type) {
	case WdfRequestTypeRead:
		if (input)
			return STATUS_INVALID_DEVICE_REQUEST;
		break;
	case WdfRequestTypeWrite:
		if (!input)
			return STATUS_INVALID_DEVICE_REQUEST;
		break;
	case WdfRequestTypeDeviceControl:
	case WdfRequestTypeDeviceControlInternal:
		if (qr->neither)
			return STATUS_INVALID_DEVICE_REQUEST;
		break;
	default:
		return STATUS_INVALID_DEVICE_REQUEST;
	}
	if (READ_ONCE(qr->state) != WDFIO_QR_OWNED) {
		wdfio_misuse("request %p is not owned by the driver", req);
		return STATUS_INVALID_DEVICE_REQUEST;
	}
	if (qr->bio && bio_has_data(qr->bio)) {
		NTSTATUS status = wdfio_qreq_bounce(req);

		if (!NT_SUCCESS(status))
			return status;
	}
	*buf = input ? qr->in_buf : qr->out_buf;
	*len = input ? qr->in_len : qr->out_len;
	if (!*len || !*buf)
		return STATUS_BUFFER_TOO_SMALL;
	return STATUS_SUCCESS;
}

static NTSTATUS wdfio_request_buffer(WDFREQUEST Request, bool input,
				     size_t min, PVOID *Buffer, size_t *Length)
{
	struct wdfio_request *req = wdfio_presented(Request);
	NTSTATUS status;
	size_t len;
	void *buf;

	if (Buffer)
		*Buffer = NULL;
	if (Length)
		*Length = 0;
	if (!req)
		return STATUS_INVALID_DEVICE_REQUEST;
	if (!Buffer)
		return STATUS_INVALID_PARAMETER;
	status = wdfio_request_sysbuf(req, input, &buf, &len);
	if (!NT_SUCCESS(status))
		return status;
	if (len < min)
		return STATUS_BUFFER_TOO_SMALL;
	*Buffer = buf;
	if (Length)
		*Length = len;
	return STATUS_SUCCESS;
}

/**
 * WdfRequestRetrieveInputBuffer() - the input buffer of a presented request
 * @Request: a write or IOCTL request the driver owns
 * @MinimumRequiredLength: the least the driver needs, bytes
 * @Buffer: receives the buffer (a kernel address: the front-end copied or
 *	mapped the caller's data)
 * @Length: receives its length (optional)
 *
 * Buffered IOCTLs share one buffer for input and output, as in Windows.
 *
 * Context: Any context.
 * Return: STATUS_SUCCESS; STATUS_BUFFER_TOO_SMALL (no buffer, or shorter
 * than @MinimumRequiredLength); STATUS_INVALID_DEVICE_REQUEST (a read, a
 * METHOD_NEITHER IOCTL, not presented by a queue, not owned);
 * STATUS_INVALID_PARAMETER (NULL @Buffer). All as KMDF.
 */
NTSTATUS WdfRequestRetrieveInputBuffer(WDFREQUEST Request,
				       size_t MinimumRequiredLength,
				       PVOID *Buffer, size_t *Length)
{
	return wdfio_request_buffer(Request, true, MinimumRequiredLength,
				    Buffer, Length);
}
EXPORT_SYMBOL_GPL(WdfRequestRetrieveInputBuffer);

/**
 * WdfRequestRetrieveOutputBuffer() - the output buffer of a presented request
 * @Request: a read or IOCTL request the driver owns
 * @MinimumRequiredSize: the least the driver needs, bytes
 * @Buffer: receives the buffer (a kernel address)
 * @Length: receives its length (optional)
 *
 * Context: Any context.
 * Return: as WdfRequestRetrieveInputBuffer(), with writes instead of reads.
 */
NTSTATUS WdfRequestRetrieveOutputBuffer(WDFREQUEST Request,
					size_t MinimumRequiredSize,
					PVOID *Buffer, size_t *Length)
{
	return wdfio_request_buffer(Request, false, MinimumRequiredSize, Buffer,
				    Length);
}
EXPORT_SYMBOL_GPL(WdfRequestRetrieveOutputBuffer);

static NTSTATUS wdfio_request_memory(WDFREQUEST Request, bool input,
				     WDFMEMORY *Memory)
{
	struct wdfio_request *req = wdfio_presented(Request);
	struct wdfio_memory **slot, *m;
	WDF_OBJECT_ATTRIBUTES attr;
	NTSTATUS status;
	WDFMEMORY h;
	size_t len;
	void *buf;

	if (Memory)
		*Memory = NULL;
	if (!req)
		return STATUS_INVALID_DEVICE_REQUEST;
	if (!Memory)
		return STATUS_INVALID_PARAMETER;
	status = wdfio_request_sysbuf(req, input, &buf, &len);
	if (!NT_SUCCESS(status))
		return status;
	slot = input ? &req->qr->in_mem : &req->qr->out_mem;
	/* Buffered IOCTLs: one buffer, one memory object for both. */
	if (!*slot && req->qr->in_buf == req->qr->out_buf &&
	    req->qr->in_len == req->qr->out_len)
		slot = &req->qr->in_mem;
	m = READ_ONCE(*slot);
	if (!m) {
		/* A child of the request: deleted when it completes. */
		WDF_OBJECT_ATTRIBUTES_INIT(&attr);
		attr.ParentObject = Request;
		status = WdfMemoryCreatePreallocated(&attr, buf, len, &h);
		if (!NT_SUCCESS(status))
			return status;
		m = wdfio_memory_from_handle(h);
		if (cmpxchg(slot, NULL, m)) {
			WdfObjectDelete(h);
			m = READ_ONCE(*slot);
		}
	}
	*Memory = wdfio_memory_handle(m);
	return STATUS_SUCCESS;
}

/**
 * WdfRequestRetrieveInputMemory() - the input buffer as a WDFMEMORY
 * @Request: a write or IOCTL request the driver owns
 * @Memory: receives a memory object over the buffer; it belongs to the
 *	request and goes when the request completes
 *
 * Context: Any context.
 * Return: as WdfRequestRetrieveInputBuffer(); STATUS_INSUFFICIENT_RESOURCES.
 */
NTSTATUS WdfRequestRetrieveInputMemory(WDFREQUEST Request, WDFMEMORY *Memory)
{
	return wdfio_request_memory(Request, true, Memory);
}
EXPORT_SYMBOL_GPL(WdfRequestRetrieveInputMemory);

/**
 * WdfRequestRetrieveOutputMemory() - the output buffer as a WDFMEMORY
 * @Request: a read or IOCTL request the driver owns
 * @Memory: receives a memory object over the buffer (belongs to the request)
 *
 * Context: Any context.
 * Return: as WdfRequestRetrieveOutputBuffer(); STATUS_INSUFFICIENT_RESOURCES.
 */
NTSTATUS WdfRequestRetrieveOutputMemory(WDFREQUEST Request, WDFMEMORY *Memory)
{
	return wdfio_request_memory(Request, false, Memory);
}
EXPORT_SYMBOL_GPL(WdfRequestRetrieveOutputMemory);

/**
 * WdfRequestCompleteWithInformation() - complete a presented request
 * @Request: a request the driver owns
 * @Status: its final status
 * @Information: IoStatus.Information: bytes transferred (the front-end
 *	never reports more than the buffer's length)
 *
 * The request is deleted (its WDFMEMORY objects too); the caller's
 * read/write/ioctl returns; the queue presents its next request, possibly
 * on this thread.
 *
 * Context: Any context.
 * Return: Nothing. Completing a request twice, or one the driver does not
 * own, is logged and ignored.
 */
void WdfRequestCompleteWithInformation(WDFREQUEST Request, NTSTATUS Status,
				       ULONG_PTR Information)
{
	struct wdfio_request *req = wdfio_presented(Request);

	if (req)
		wdfio_qreq_finish(req, Status, Information);
}
EXPORT_SYMBOL_GPL(WdfRequestCompleteWithInformation);

/**
 * WdfRequestComplete() - complete a presented request
 * @Request: a request the driver owns
 * @Status: its final status
 *
 * As WdfRequestCompleteWithInformation() with the Information set by
 * WdfRequestSetInformation (0 by default).
 *
 * Context: Any context.
 * Return: Nothing.
 */
void WdfRequestComplete(WDFREQUEST Request, NTSTATUS Status)
{
	struct wdfio_request *req = wdfio_presented(Request);

	if (req)
		wdfio_qreq_finish(req, Status, READ_ONCE(req->information));
}
EXPORT_SYMBOL_GPL(WdfRequestComplete);

/**
 * WdfRequestCompleteWithPriorityBoost() - complete a presented request
 * @Request: a request the driver owns
 * @Status: its final status
 * @PriorityBoost: ignored on Linux
 *
 * Context: Any context.
 * Return: Nothing.
 */
void WdfRequestCompleteWithPriorityBoost(WDFREQUEST Request, NTSTATUS Status,
					 CCHAR PriorityBoost)
{
	WdfRequestComplete(Request, Status);
}
EXPORT_SYMBOL_GPL(WdfRequestCompleteWithPriorityBoost);

/**
 * WdfRequestForwardToIoQueue() - move a presented request to another queue
 * @Request: a request the driver owns, not marked cancelable
 * @DestinationQueue: another queue of the same device
 *
 * The request is queued there and presented by its rules; the driver no
 * longer owns it.
 *
 * Context: Any context.
 * Return: STATUS_SUCCESS; STATUS_INVALID_HANDLE;
 * STATUS_INVALID_DEVICE_REQUEST (not presented, not owned, marked
 * cancelable, the same queue, a queue of another device, no callback there
 * for the request's type); STATUS_WDF_BUSY (the queue does not accept
 * requests). All as KMDF.
 */
NTSTATUS WdfRequestForwardToIoQueue(WDFREQUEST Request,
				    WDFQUEUE DestinationQueue)
{
	struct wdfio_request *req = wdfio_presented(Request);
	struct wdfio_queue *dst = wdfio_queue_checked(DestinationQueue);
	struct wdfio_queue *src;
	struct wdfio_qreq *qr;
	struct wdfio_device *dev;
	unsigned long flags;
	NTSTATUS status = STATUS_SUCCESS;

	if (!dst)
		return STATUS_INVALID_HANDLE;
	if (!req)
		return STATUS_INVALID_DEVICE_REQUEST;
	qr = req->qr;
	dev = qr->dev;
	if (dst->dev != dev || !wdfio_queue_handles(dst, qr->params.Type))
		return STATUS_INVALID_DEVICE_REQUEST;

	spin_lock_irqsave(&dev->lock, flags);
	src = qr->queue;
	if (qr->state != WDFIO_QR_OWNED || qr->cancel_routine || src == dst)
		status = STATUS_INVALID_DEVICE_REQUEST;
	else if (!dst->accept)
		status = STATUS_WDF_BUSY;
	if (!NT_SUCCESS(status)) {
		spin_unlock_irqrestore(&dev->lock, flags);
		return status;
	}
	list_del_init(&qr->entry);
	src->nr_owned--;
	wdfio_object_get(&dst->obj);
	qr->queue = dst;
	wdfio_queue_insert_locked(dst, req, false);
	spin_unlock_irqrestore(&dev->lock, flags);

	wdfio_queue_after_insert(dst, req);
	wdfio_queue_run(src);
	wdfio_object_put(&src->obj);
	return STATUS_SUCCESS;
}
EXPORT_SYMBOL_GPL(WdfRequestForwardToIoQueue);

/**
 * WdfRequestGetIoQueue() - the queue that presented a request
 * @Request: a presented request
 *
 * Context: Any context.
 * Return: the queue, or NULL (a driver-created request, bad handle).
 */
WDFQUEUE WdfRequestGetIoQueue(WDFREQUEST Request)
{
	struct wdfio_request *req = wdfio_request_from_handle(Request);

	if (!req) {
		wdfio_misuse("invalid WDFREQUEST %p", Request);
		return NULL;
	}
	if (!req->qr)
		return NULL;
	return wdfio_queue_handle(READ_ONCE(req->qr->queue));
}
EXPORT_SYMBOL_GPL(WdfRequestGetIoQueue);

static NTSTATUS wdfio_mark_cancelable(WDFREQUEST Request,
				      PFN_WDF_REQUEST_CANCEL routine,
				      bool call_if_cancelled)
{
	struct wdfio_request *req = wdfio_presented(Request);
	struct wdfio_qreq *qr;
	unsigned long flags;

	if (!req)
		return STATUS_INVALID_DEVICE_REQUEST;
	if (!routine) {
		wdfio_misuse("NULL EvtRequestCancel");
		return STATUS_INVALID_PARAMETER;
	}
	qr = req->qr;
	spin_lock_irqsave(&qr->dev->lock, flags);
	if (qr->state != WDFIO_QR_OWNED) {
		spin_unlock_irqrestore(&qr->dev->lock, flags);
		wdfio_misuse("request %p is not owned by the driver", req);
		return STATUS_INVALID_DEVICE_REQUEST;
	}
	if (qr->cancelled && call_if_cancelled && qr->queue->sync) {
		/* Typically from inside a serialised callback: never inline */
		struct wdfio_queue *q = qr->queue;

		wdfio_queue_cancel_event(q, req, routine);
		wdfio_object_get(&q->obj);
		spin_unlock_irqrestore(&qr->dev->lock, flags);
		wdfio_queue_run(q);
		wdfio_object_put(&q->obj);
		return STATUS_CANCELLED;
	}
	if (qr->cancelled) {
		spin_unlock_irqrestore(&qr->dev->lock, flags);
		if (call_if_cancelled)
			routine(Request);
		return STATUS_CANCELLED;
	}
	qr->cancel_routine = routine;
	spin_unlock_irqrestore(&qr->dev->lock, flags);
	return STATUS_SUCCESS;
}

/**
 * WdfRequestMarkCancelable() - let a presented request be cancelled
 * @Request: a request the driver owns
 * @EvtRequestCancel: called once if the request is cancelled (the caller's
 *	signal, a purge); it must complete the request
 *
 * If the request is already cancelled, @EvtRequestCancel is called before
 * this returns (KMDF).
 *
 * Context: Any context.
 * Return: Nothing.
 */
void WdfRequestMarkCancelable(WDFREQUEST Request,
			      PFN_WDF_REQUEST_CANCEL EvtRequestCancel)
{
	wdfio_mark_cancelable(Request, EvtRequestCancel, true);
}
EXPORT_SYMBOL_GPL(WdfRequestMarkCancelable);

/**
 * WdfRequestMarkCancelableEx() - let a presented request be cancelled
 * @Request: a request the driver owns
 * @EvtRequestCancel: as WdfRequestMarkCancelable()
 *
 * Context: Any context.
 * Return: STATUS_SUCCESS; STATUS_CANCELLED if it is already cancelled (the
 * routine is not called: the driver completes the request);
 * STATUS_INVALID_DEVICE_REQUEST (not presented or not owned);
 * STATUS_INVALID_PARAMETER (NULL routine).
 */
NTSTATUS WdfRequestMarkCancelableEx(WDFREQUEST Request,
				    PFN_WDF_REQUEST_CANCEL EvtRequestCancel)
{
	return wdfio_mark_cancelable(Request, EvtRequestCancel, false);
}
EXPORT_SYMBOL_GPL(WdfRequestMarkCancelableEx);

/**
 * WdfRequestUnmarkCancelable() - take a request's cancel routine back
 * @Request: a request the driver marked cancelable
 *
 * Context: Any context.
 * Return: STATUS_SUCCESS: the routine will not run, the driver completes the
 * request; STATUS_CANCELLED: the routine runs or ran and completes it (do not
 * complete it here); STATUS_INVALID_DEVICE_REQUEST (not marked, not
 * presented).
 */
NTSTATUS WdfRequestUnmarkCancelable(WDFREQUEST Request)
{
	struct wdfio_request *req = wdfio_presented(Request);
	struct wdfio_qreq *qr;
	unsigned long flags;
	NTSTATUS status;

	if (!req)
		return STATUS_INVALID_DEVICE_REQUEST;
	qr = req->qr;
	spin_lock_irqsave(&qr->dev->lock, flags);
	if (qr->cancel_routine) {
		qr->cancel_routine = NULL;
		status = STATUS_SUCCESS;
	} else if (qr->cancelled) {
		status = STATUS_CANCELLED;
	} else {
		status = STATUS_INVALID_DEVICE_REQUEST;
	}
	spin_unlock_irqrestore(&qr->dev->lock, flags);
	if (status == STATUS_INVALID_DEVICE_REQUEST)
		wdfio_misuse("request %p is not marked cancelable", req);
	return status;
}
EXPORT_SYMBOL_GPL(WdfRequestUnmarkCancelable);

/**
 * WdfRequestIsCanceled() - was the request cancelled?
 * @Request: any request
 *
 * Context: Any context.
 * Return: TRUE if its caller cancelled it (or a purge did), for a
 * presented request; for a driver-created request, if
 * WdfRequestCancelSentRequest was called since its last reuse.
 */
BOOLEAN WdfRequestIsCanceled(WDFREQUEST Request)
{
	struct wdfio_request *req = wdfio_request_from_handle(Request);

	if (!req) {
		wdfio_misuse("invalid WDFREQUEST %p", Request);
		return FALSE;
	}
	if (req->qr)
		return READ_ONCE(req->qr->cancelled);
	return test_bit(WDFIO_RQF_CANCELED, &req->rflags);
}
EXPORT_SYMBOL_GPL(WdfRequestIsCanceled);

/**
 * WdfRequestStopAcknowledge() - answer EvtIoStop for a request
 * @Request: the request EvtIoStop was called for
 * @Requeue: TRUE: give it back to the head of its queue (which, being
 *	deleted, cancels it; held for power, presents it again in D0);
 *	FALSE: the driver keeps it and completes it later (after a
 *	power-down, EvtIoResume is called for it when the device is back in D0)
 *
 * Context: Any context.
 * Return: Nothing.
 */
void WdfRequestStopAcknowledge(WDFREQUEST Request, BOOLEAN Requeue)
{
	struct wdfio_request *req = wdfio_presented(Request);
	struct wdfio_queue *q;
	struct wdfio_qreq *qr;
	unsigned long flags;

	if (!req)
		return;
	qr = req->qr;
	spin_lock_irqsave(&qr->dev->lock, flags);
	if (qr->state != WDFIO_QR_OWNED ||
	    !(qr->stop_notified || qr->suspend_notified)) {
		spin_unlock_irqrestore(&qr->dev->lock, flags);
		wdfio_misuse("request %p: no EvtIoStop to acknowledge", req);
		return;
	}
	if (Requeue && qr->cancel_routine) {
		spin_unlock_irqrestore(&qr->dev->lock, flags);
		wdfio_misuse("request %p requeued while cancelable", req);
		return;
	}
	q = qr->queue;
	wdfio_qreq_power_ack(qr, Requeue);
	if (!Requeue) {
		wdfio_object_get(&q->obj);
		spin_unlock_irqrestore(&qr->dev->lock, flags);
		/* A power-down may be waiting for this (queue_power.c). */
		wake_up_all(&q->idle_wq);
		wdfio_object_put(&q->obj);
		return;
	}
	list_del_init(&qr->entry);
	q->nr_owned--;
	wdfio_queue_insert_locked(q, req, true);
	if (q->power_purge || qr->cancelled) {
		/*
		 * A queue going away cancels what comes back (KMDF 1.11+); so
		 * does a cancel that came while the driver had it.
		 */
		wdfio_queue_cancel_queued(q, req, flags);
		return;
	}
	wdfio_object_get(&q->obj);
	spin_unlock_irqrestore(&qr->dev->lock, flags);
	wdfio_queue_run(q);
	wake_up_all(&q->idle_wq);
	wdfio_object_put(&q->obj);
}
EXPORT_SYMBOL_GPL(WdfRequestStopAcknowledge);

/* ------------------------------------------------------------------ */
/* Forwarding a presented request to an I/O target                     */

/**
 * WdfRequestFormatRequestUsingCurrentType() - forward with the same parameters
 * @Request: a request a queue presented, owned by the driver
 *
 * The next WdfRequestSend sends the request to its target as it came: a
 * read or write of the same length at the same DeviceOffset, or the same
 * IOCTL with the same buffers; a flush as IOCTL_DISK_FLUSH_CACHE.
 *
 * Context: Any context.
 * Return: Nothing. A driver-created request is a driver bug (KMDF
 * bugchecks), logged and ignored.
 */
void WdfRequestFormatRequestUsingCurrentType(WDFREQUEST Request)
{
	struct wdfio_request *req = wdfio_presented(Request);

	if (!req)
		return;
	wdfio_request_unformat(req);
	WRITE_ONCE(req->qr->fmt_current, true);
}
EXPORT_SYMBOL_GPL(WdfRequestFormatRequestUsingCurrentType);

/* Format a presented request for @t with its own parameters. */
static NTSTATUS wdfio_qreq_format_current(struct wdfio_request *req,
					  struct wdfio_target *t)
{
	struct wdfio_qreq *qr = req->qr;
	WDF_REQUEST_PARAMETERS *p = &qr->params;
	struct wdfio_format fmt = {};
	NTSTATUS status = STATUS_SUCCESS;

	if (qr->bio && bio_has_data(qr->bio))
		status = wdfio_qreq_bounce(req);
	if (!NT_SUCCESS(status))
		return status;
	switch (p->Type) {
	case WdfRequestTypeRead:
		fmt.op = WDFIO_OP_READ;
		fmt.offset = p->Parameters.Read.DeviceOffset;
		fmt.data.ptr = qr->out_buf;
		fmt.data.len = p->Parameters.Read.Length;
		break;
	case WdfRequestTypeWrite:
		fmt.op = WDFIO_OP_WRITE;
		fmt.offset = p->Parameters.Write.DeviceOffset;
		fmt.data.ptr = qr->in_buf;
		fmt.data.len = p->Parameters.Write.Length;
		break;
	case WdfRequestTypeDeviceControl:
	case WdfRequestTypeDeviceControlInternal:
		if (qr->neither)
			return STATUS_INVALID_DEVICE_REQUEST;
		fmt.op = WDFIO_OP_IOCTL;
		fmt.ioctl = p->Parameters.DeviceIoControl.IoControlCode;
		fmt.in.ptr = qr->in_buf;
		fmt.in.len = qr->in_len;
		fmt.out.ptr = qr->out_buf;
		fmt.out.len = qr->out_len;
		break;
	case WdfRequestTypeFlushBuffers:
		fmt.op = WDFIO_OP_IOCTL;
		fmt.ioctl = IOCTL_DISK_FLUSH_CACHE;
		break;
	default:
		return STATUS_NOT_SUPPORTED;
	}
	return wdfio_bind_format(t, req, &fmt);
}

/* The completion routine of a request sent and forgotten. */
static void wdfio_qreq_forgotten(WDFREQUEST Request, WDFIOTARGET Target,
				 PWDF_REQUEST_COMPLETION_PARAMS Params,
				 WDFCONTEXT Context)
{
	wdfio_qreq_end(wdfio_request_from_handle(Request),
		       Params->IoStatus.Status, Params->IoStatus.Information,
		       WDFIO_QR_SENT);
}

/*
 * SEND_AND_FORGET: the request leaves the driver for its target (SENT), so
 * that nothing on the receiving side (a purge, EvtIoStop at deletion, a
 * driver's stray completion) can complete it while the lower device still
 * uses its buffers; its I/O's end completes it (wdfio_qreq_forgotten()).
 */
static void wdfio_qreq_to_target(struct wdfio_request *req)
{
	struct wdfio_qreq *qr = req->qr;
	struct wdfio_queue *q;
	unsigned long flags;

	spin_lock_irqsave(&qr->dev->lock, flags);
	q = qr->queue;
	list_del_init(&qr->entry);
	q->nr_owned--;
	qr->state = WDFIO_QR_SENT;
	spin_unlock_irqrestore(&qr->dev->lock, flags);
	/* The driver may own nothing now: a Stop may complete. */
	wdfio_queue_run(q);
}

/**
 * wdfio_qreq_send_failed() - a SEND_AND_FORGET was not sent after all
 * @req: a request wdfio_qreq_before_send() made SENT
 *
 * The driver owns it again and completes it (KMDF: WdfRequestSend returned
 * FALSE).
 *
 * Context: Any context.
 */
void wdfio_qreq_send_failed(struct wdfio_request *req)
{
	struct wdfio_qreq *qr = req->qr;
	unsigned long flags;

	spin_lock_irqsave(&qr->dev->lock, flags);
	if (qr->state == WDFIO_QR_SENT) {
		list_add_tail(&qr->entry, &qr->queue->owned);
		qr->queue->nr_owned++;
		qr->state = WDFIO_QR_OWNED;
	}
	spin_unlock_irqrestore(&qr->dev->lock, flags);
}

/*
 * SEND_AND_FORGET of a bio-backed request: the bio itself goes to the
 * target's block device, unchanged apart from its device, and completes to
 * its submitter; the request is done from WDF's point of view (KMDF: the IRP
 * goes down, the WDFREQUEST is released). No copy, no allocation.
 */
static NTSTATUS wdfio_qreq_forget_bio(struct wdfio_request *req,
				      struct wdfio_target *t)
{
	struct wdfio_qreq *qr = req->qr;
	struct wdfio_device *dev = qr->dev;
	struct bio *bio = qr->bio;
	struct wdfio_dev *lower;
	struct wdfio_queue *q;
	unsigned long flags;
	NTSTATUS status = STATUS_SUCCESS;
	bool run, early, idle = false;

	/* One interrupts-off window for both locks (taken one after the other). */
	local_irq_save(flags);
	spin_lock(&t->lock);
	lower = t->dev;
	if (!lower || t->state == WdfIoTargetClosed ||
	    t->state == WdfIoTargetClosedForQueryRemove ||
	    t->state == WdfIoTargetDeleted)
		status = STATUS_INVALID_DEVICE_STATE;
	else if (op_is_write(bio_op(bio)) && !lower->writable)
		status = STATUS_ACCESS_DENIED;
	else if (bio_end_sector(bio) > bdev_nr_sectors(lower->bdev))
		status = STATUS_INVALID_PARAMETER;
	else
		wdfio_dev_get(lower);	/* until the bio is submitted */
	spin_unlock(&t->lock);
	if (!NT_SUCCESS(status)) {
		local_irq_restore(flags);
		return status;
	}

	spin_lock(&dev->lock);
	q = qr->queue;
	list_del_init(&qr->entry);
	q->nr_owned--;
	qr->state = WDFIO_QR_DONE;
	qr->bio = NULL;
	/* The usual parallel filter: nothing waits for this completion. */
	run = !list_empty(&q->pending) || q->idle_cb || q->purge_cb;
	/*
	 * Nor does any driver code run for it from here (no queue callback,
	 * no cleanup callback: a request without attributes or contexts), so
	 * it leaves the device's count now, saving a round on the lock; our
	 * reference on @q keeps @dev's memory for the wake-up.
	 */
	early = !run && req->obj.free && !READ_ONCE(req->obj.ctx);
	if (early)
		idle = !--dev->inflight;
	spin_unlock(&dev->lock);
	local_irq_restore(flags);

	wdfio_object_delete(&req->obj);
	wdfio_blkdev_forward(bio, lower);
	if (run)
		wdfio_queue_run(q);
	else if (wq_has_sleeper(&q->idle_wq))
		wake_up_all(&q->idle_wq);
	if (!early) {
		spin_lock_irqsave(&dev->lock, flags);
		idle = !--dev->inflight;
		spin_unlock_irqrestore(&dev->lock, flags);
	}
	/* At queue depth 1 every bio empties the device: wake only a waiter. */
	if (idle && wq_has_sleeper(&dev->idle_wq))
		wake_up_all(&dev->idle_wq);
	wdfio_object_put(&q->obj);
	return STATUS_SUCCESS;
}

/**
 * wdfio_qreq_before_send() - the receiving side's part of WdfRequestSend
 * @req: a request a queue presented
 * @t: the target
 * @flags: the send options' flags (already validated)
 * @forwarded: set when the request went down as it is (a bio sent and
 *	forgotten): WdfRequestSend returns TRUE, nothing more to do
 *
 * SEND_AND_FORGET: the request is formatted with its own parameters and
 * completes itself when the target does (a bio-backed one is forwarded as
 * the bio). Otherwise a pending WdfRequestFormatRequestUsingCurrentType is
 * applied, and an asynchronous send needs a completion routine (KMDF).
 *
 * Context: Any context.
 * Return: STATUS_SUCCESS, or why the request is not sent:
 * STATUS_INVALID_DEVICE_REQUEST (not owned by the driver, marked cancelable
 * with SEND_AND_FORGET, no completion routine), or the format's status.
 */
NTSTATUS wdfio_qreq_before_send(struct wdfio_request *req,
				struct wdfio_target *t, ULONG flags,
				bool *forwarded)
{
	struct wdfio_qreq *qr = req->qr;
	unsigned long irqflags;
	NTSTATUS status;

	*forwarded = false;
	if (READ_ONCE(qr->state) != WDFIO_QR_OWNED) {
		wdfio_misuse("request %p is not owned by the driver", req);
		return STATUS_INVALID_DEVICE_REQUEST;
	}
	if (flags & WDF_REQUEST_SEND_OPTION_SEND_AND_FORGET) {
		if (READ_ONCE(qr->cancel_routine)) {
			wdfio_misuse("request %p sent while cancelable", req);
			return STATUS_INVALID_DEVICE_REQUEST;
		}
		if (qr->bio && !READ_ONCE(qr->bounce)) {
			status = wdfio_qreq_forget_bio(req, t);
			*forwarded = NT_SUCCESS(status);
			return status;
		}
		status = wdfio_qreq_format_current(req, t);
		if (!NT_SUCCESS(status))
			return status;
		spin_lock_irqsave(&req->lock, irqflags);
		req->routine = wdfio_qreq_forgotten;
		req->routine_ctx = NULL;
		spin_unlock_irqrestore(&req->lock, irqflags);
		wdfio_qreq_to_target(req);
		return STATUS_SUCCESS;
	}
	if (READ_ONCE(qr->fmt_current)) {
		status = wdfio_qreq_format_current(req, t);
		if (!NT_SUCCESS(status))
			return status;
		WRITE_ONCE(qr->fmt_current, false);
	}
	if (!(flags & WDF_REQUEST_SEND_OPTION_SYNCHRONOUS) &&
	    !READ_ONCE(req->routine)) {
		wdfio_misuse("presented request %p sent without completion routine",
			     req);
		return STATUS_INVALID_DEVICE_REQUEST;
	}
	return STATUS_SUCCESS;
}
