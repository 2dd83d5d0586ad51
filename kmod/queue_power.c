// SPDX-License-Identifier: GPL-2.0
/*
 * Power-managed queues (KMDF's FxIoQueue power states, reduced).
 *
 * A queue is power-managed as WDF_IO_QUEUE_CONFIG.PowerManaged says:
 * WdfTrue, or WdfUseDefault on a device that is not a filter. KMDF never
 * power-manages the queues of a control device; wdfio does, because a
 * wdfio control device is also what stands for the FDO of a ported
 * function driver. Nothing changes until the device changes power state,
 * which only wdfio_device_set_power_state() does.
 *
 * Leaving D0: under the device's lock the device is marked out of D0 and
 * every power-managed queue held (@power_held: wdfio_queue_has_room() and
 * the Retrieve* DDIs see a paused queue; new requests are still queued).
 * Then, queue by queue: wait until no thread is presenting a request of it
 * (a request taken just before the hold reaches its callback first), call
 * EvtIoStop(Suspend) for each request the driver owns (@suspend_notified,
 * @stop_gen), and wait until each one is completed, forwarded, requeued or
 * kept (@resume_due). Re-entering D0: EvtIoResume for each request kept,
 * then the queues are released and present what waited.
 *
 * Locking: the device's lock for every field marked (L) (queue.h);
 * @power_lock (a mutex) serializes the power transitions of a device.
 * Callbacks run without the lock, with the request referenced.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "queue.h"

#include <linux/export.h>
#include <linux/jiffies.h>
#include <linux/slab.h>

/**
 * wdfio_device_power_init() - a new device is in D0
 * @dev: the device, not yet visible
 *
 * Context: Process context.
 */
void wdfio_device_power_init(struct wdfio_device *dev)
{
	mutex_init(&dev->power_lock);
	dev->power_state = WdfPowerDeviceD0;
	INIT_LIST_HEAD(&dev->pm_queues);
}

/**
 * wdfio_queue_power_init() - decide whether a new queue is power-managed
 * @q: a queue just linked to its device
 *
 * A queue created while its device is out of D0 starts held (KMDF).
 *
 * Context: Any context.
 */
void wdfio_queue_power_init(struct wdfio_queue *q)
{
	struct wdfio_device *dev = q->dev;
	unsigned long flags;

	INIT_LIST_HEAD(&q->pm_node);
	switch (q->cfg.PowerManaged) {
	case WdfTrue:
		q->power_managed = true;
		break;
	case WdfUseDefault:
		q->power_managed = !dev->filter;
		break;
	default:
		q->power_managed = false;
		break;
	}
	if (!q->power_managed)
		return;
	spin_lock_irqsave(&dev->lock, flags);
	list_add_tail(&q->pm_node, &dev->pm_queues);
	q->power_held = dev->power_down;
	spin_unlock_irqrestore(&dev->lock, flags);
}

/**
 * wdfio_queue_power_exit() - a queue being deleted leaves the power code
 * @q: the queue
 *
 * Its deletion (EvtIoStop(Purge), cancellation) ends what it holds; a
 * power transition in progress stops waiting for it.
 *
 * Context: Any context.
 */
void wdfio_queue_power_exit(struct wdfio_queue *q)
{
	struct wdfio_device *dev = q->dev;
	unsigned long flags;

	spin_lock_irqsave(&dev->lock, flags);
	list_del_init(&q->pm_node);
	spin_unlock_irqrestore(&dev->lock, flags);
	wake_up_all(&q->idle_wq);
}

/**
 * wdfio_qreq_power_ack() - WdfRequestStopAcknowledge's power part
 * @qr: a request the driver owns and was asked to stop
 * @requeue: the driver gives it back to its queue
 *
 * Kept (Requeue FALSE) while the device is out of D0: EvtIoResume is due.
 * The caller wakes the queue's @idle_wq (a power-down may wait for this).
 *
 * Context: Any context; the device's lock held.
 */
void wdfio_qreq_power_ack(struct wdfio_qreq *qr, bool requeue)
{
	lockdep_assert_held(&qr->dev->lock);
	if (!qr->suspend_notified)
		return;
	qr->suspend_notified = false;
	if (!requeue && qr->dev->power_down)
		qr->resume_due = true;
}

static struct wdfio_request *wdfio_power_qr_request(struct wdfio_qreq *qr)
{
	/* The presented part is allocated right after the request. */
	return (struct wdfio_request *)qr - 1;
}

/*
 * The device's power-managed queues, referenced, in an array the caller
 * frees with the references (wdfio_power_put_queues()). A few pointers:
 * the allocation does not fail (a power-up must release every queue).
 */
static struct wdfio_queue **wdfio_power_get_queues(struct wdfio_device *dev,
						   unsigned int *n)
{
	struct wdfio_queue **qs, *q;
	unsigned int want = 0, i;
	unsigned long flags;

	for (;;) {
		qs = kcalloc(want ?: 1, sizeof(*qs), GFP_KERNEL | __GFP_NOFAIL);
		i = 0;
		spin_lock_irqsave(&dev->lock, flags);
		list_for_each_entry(q, &dev->pm_queues, pm_node)
			i++;
		if (i <= want) {
			i = 0;
			/* Linked means not deleted yet: alive, referenced. */
			list_for_each_entry(q, &dev->pm_queues, pm_node) {
				wdfio_object_get(&q->obj);
				qs[i++] = q;
			}
			spin_unlock_irqrestore(&dev->lock, flags);
			*n = i;
			return qs;
		}
		spin_unlock_irqrestore(&dev->lock, flags);
		kfree(qs);
		want = i;
	}
}

static void wdfio_power_put_queues(struct wdfio_queue **qs, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		wdfio_object_put(&qs[i]->obj);
	kfree(qs);
}

/* Is a thread presenting a request of @q (between take and callback)? */
static bool wdfio_power_quiet(struct wdfio_queue *q)
{
	unsigned long flags;
	bool quiet;

	spin_lock_irqsave(&q->dev->lock, flags);
	quiet = list_empty(&q->dispatchers) && !atomic_read(&q->presenting);
	spin_unlock_irqrestore(&q->dev->lock, flags);
	return quiet;
}

/* Has the driver settled every request it owns from @q for the power-down? */
static bool wdfio_power_settled(struct wdfio_queue *q)
{
	struct wdfio_qreq *qr;
	unsigned long flags;
	bool settled = true;

	spin_lock_irqsave(&q->dev->lock, flags);
	if (!list_empty(&q->pm_node)) {
		list_for_each_entry(qr, &q->owned, entry) {
			if (!qr->resume_due) {
				settled = false;
				break;
			}
		}
	}
	spin_unlock_irqrestore(&q->dev->lock, flags);
	return settled;
}

/* Call EvtIoStop(Suspend) once for each request the driver owns from @q. */
static void wdfio_power_notify(struct wdfio_queue *q, unsigned int gen)
{
	PFN_WDF_IO_QUEUE_IO_STOP stop = q->cfg.EvtIoStop;
	struct wdfio_device *dev = q->dev;
	unsigned long flags;
	bool taken;

	if (!stop)
		return;	/* the power-down waits for the completions */
	for (;;) {
		struct wdfio_qreq *qr, *found = NULL;
		struct wdfio_request *req;
		ULONG action;

		spin_lock_irqsave(&dev->lock, flags);
		if (list_empty(&q->pm_node)) {
			spin_unlock_irqrestore(&dev->lock, flags);
			return;	/* being deleted: EvtIoStop(Purge) instead */
		}
		list_for_each_entry(qr, &q->owned, entry) {
			if (qr->stop_gen != gen && !qr->resume_due &&
			    !qr->stop_notified) {
				found = qr;
				break;
			}
		}
		if (!found) {
			spin_unlock_irqrestore(&dev->lock, flags);
			return;
		}
		found->stop_gen = gen;
		found->suspend_notified = true;
		action = WdfRequestStopActionSuspend;
		if (found->cancel_routine)
			action |= WdfRequestStopRequestCancelable;
		req = wdfio_power_qr_request(found);
		wdfio_object_get(&req->obj);
		spin_unlock_irqrestore(&dev->lock, flags);
		taken = wdfio_queue_cb_lock(q);	/* SynchronizationScope */
		stop(wdfio_queue_handle(q), wdfio_request_handle(req), action);
		wdfio_queue_cb_unlock(q, taken);
		wdfio_object_put(&req->obj);
	}
}

/* Wait for @cond(@q) until @deadline (jiffies); false if it passed. */
static bool wdfio_power_wait(struct wdfio_queue *q,
			     bool (*cond)(struct wdfio_queue *q),
			     unsigned long deadline)
{
	long left = (long)(deadline - jiffies);

	if (cond(q))
		return true;
	if (left <= 0)
		return false;
	return wait_event_timeout(q->idle_wq, cond(q), left) > 0;
}

/*
 * Re-enter D0: EvtIoResume for the requests the driver kept, then release
 * the queues (KMDF: resume before anything new is presented).
 */
static void wdfio_power_up(struct wdfio_device *dev)
{
	struct wdfio_queue **qs;
	unsigned long flags;
	unsigned int n, i;

	spin_lock_irqsave(&dev->lock, flags);
	dev->power_down = false;
	dev->power_state = WdfPowerDeviceD0;
	spin_unlock_irqrestore(&dev->lock, flags);

	qs = wdfio_power_get_queues(dev, &n);
	for (i = 0; i < n; i++) {
		struct wdfio_queue *q = qs[i];

		for (;;) {
			PFN_WDF_IO_QUEUE_IO_RESUME resume = q->cfg.EvtIoResume;
			struct wdfio_qreq *qr, *found = NULL;
			struct wdfio_request *req;

			spin_lock_irqsave(&dev->lock, flags);
			/* A queue being deleted: EvtIoStop(Purge) instead. */
			list_for_each_entry(qr, &q->owned, entry) {
				if (qr->resume_due && !q->power_purge) {
					found = qr;
					break;
				}
			}
			if (!found)
				break;
			found->resume_due = false;
			req = wdfio_power_qr_request(found);
			wdfio_object_get(&req->obj);
			spin_unlock_irqrestore(&dev->lock, flags);
			if (resume) {
				bool taken = wdfio_queue_cb_lock(q);

				resume(wdfio_queue_handle(q),
				       wdfio_request_handle(req));
				wdfio_queue_cb_unlock(q, taken);
			}
			wdfio_object_put(&req->obj);
		}
		q->power_held = false;
		/* What waited is ready now (manual queues' ready callback). */
		if (q->nr_pending)
			q->ready_due = true;
		spin_unlock_irqrestore(&dev->lock, flags);
		wdfio_queue_kick(q);
	}
	wdfio_power_put_queues(qs, n);
}

/*
 * Leave D0 (see the top of this file); false if the driver did not settle
 * its requests by @deadline.
 */
static bool wdfio_power_down(struct wdfio_device *dev, unsigned long deadline)
{
	struct wdfio_queue **qs, *q;
	unsigned long flags;
	unsigned int n, i, gen;
	bool ok = true;

	spin_lock_irqsave(&dev->lock, flags);
	dev->power_down = true;
	gen = ++dev->power_gen;
	list_for_each_entry(q, &dev->pm_queues, pm_node)
		q->power_held = true;
	spin_unlock_irqrestore(&dev->lock, flags);

	qs = wdfio_power_get_queues(dev, &n);
	for (i = 0; i < n && ok; i++) {
		ok = wdfio_power_wait(qs[i], wdfio_power_quiet, deadline);
		if (ok)
			wdfio_power_notify(qs[i], gen);
	}
	for (i = 0; i < n && ok; i++)
		ok = wdfio_power_wait(qs[i], wdfio_power_settled, deadline);
	wdfio_power_put_queues(qs, n);
	return ok;
}

/**
 * wdfio_device_set_power_state() - the device leaves or re-enters D0
 * @Device: the device
 * @DeviceState: WdfPowerDeviceD0, or a state out of D0 (D1, D2, D3,
 *	D3Final, PrepareForHibernation: all the same here)
 * @TimeoutMs: how long the driver has to settle its requests when leaving
 *	D0; 0 for WDFIO_POWER_TIMEOUT_MS
 *
 * See wdflinux.h. After STATUS_IO_TIMEOUT the device is back in D0.
 *
 * Context: Process context; not from a callback of one of the device's
 * power-managed queues (the power-down would wait for itself).
 * Return: STATUS_SUCCESS; STATUS_IO_TIMEOUT; STATUS_INVALID_HANDLE;
 * STATUS_INVALID_PARAMETER; STATUS_DELETE_PENDING;
 * STATUS_INVALID_DEVICE_STATE (atomic context).
 */
NTSTATUS wdfio_device_set_power_state(WDFDEVICE Device,
				      WDF_POWER_DEVICE_STATE DeviceState,
				      ULONG TimeoutMs)
{
	struct wdfio_device *dev = wdfio_device_from_handle(Device);
	unsigned long flags, deadline;
	NTSTATUS status = STATUS_SUCCESS;
	bool down, was_down;

	if (!dev) {
		wdfio_misuse("invalid WDFDEVICE %p", Device);
		return STATUS_INVALID_HANDLE;
	}
	if (DeviceState <= WdfPowerDeviceInvalid ||
	    DeviceState >= WdfPowerDeviceMaximum)
		return STATUS_INVALID_PARAMETER;
	if (!wdfio_can_sleep()) {
		wdfio_misuse("called where sleeping is not allowed");
		return STATUS_INVALID_DEVICE_STATE;
	}
	might_sleep();
	down = DeviceState != WdfPowerDeviceD0;
	deadline = jiffies + msecs_to_jiffies(TimeoutMs ?: WDFIO_POWER_TIMEOUT_MS);

	mutex_lock(&dev->power_lock);
	spin_lock_irqsave(&dev->lock, flags);
	was_down = dev->power_down;
	if (dev->removing && down)
		status = STATUS_DELETE_PENDING;
	else if (down == was_down)
		dev->power_state = DeviceState;	/* D1 to D3: nothing to do */
	spin_unlock_irqrestore(&dev->lock, flags);
	if (NT_SUCCESS(status) && down != was_down) {
		if (!down) {
			wdfio_power_up(dev);
		} else if (wdfio_power_down(dev, deadline)) {
			spin_lock_irqsave(&dev->lock, flags);
			dev->power_state = DeviceState;
			spin_unlock_irqrestore(&dev->lock, flags);
		} else {
			/* A failed suspend leaves the device working. */
			wdfio_power_up(dev);
			status = STATUS_IO_TIMEOUT;
		}
	}
	mutex_unlock(&dev->power_lock);
	return status;
}
EXPORT_SYMBOL_GPL(wdfio_device_set_power_state);
