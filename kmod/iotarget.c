// SPDX-License-Identifier: GPL-2.0
/*
 * I/O target objects: open/close of the block device, the target state, and
 * the accounting of sent requests (the sent list and the in-flight count that
 * Close waits on).
 *
 * A request counts as in flight from a successful send until its completion
 * routine has returned, so "Close returned" means every request sent to the
 * target has completed to its owner.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "wdfio.h"

#include <linux/module.h>
#include <linux/slab.h>

static void wdfio_target_close_work(struct work_struct *work);

/*
 * Which access a by-name open asks for. Windows access masks are rich; a
 * block device is readable and possibly writable, nothing more.
 */
static bool wdfio_access_wants_write(ACCESS_MASK access)
{
	return access & (GENERIC_WRITE | GENERIC_ALL | MAXIMUM_ALLOWED |
			 FILE_WRITE_DATA | FILE_APPEND_DATA);
}

static NTSTATUS wdfio_open_errno(int err, bool write)
{
	/* 6.1 answers -EACCES for a write open of a read-only device. */
	if (err == -EACCES && write)
		return STATUS_MEDIA_WRITE_PROTECTED;
	return wdfio_ntstatus_from_errno(err);
}

/**
 * wdfio_target_open() - WdfIoTargetOpen's work
 * @t: the target
 * @params: open parameters (Size already checked)
 *
 * Context: Process context (sleeps).
 * Return: STATUS_SUCCESS or the reason (docs/semantics.md, "Targets").
 */
NTSTATUS wdfio_target_open(struct wdfio_target *t,
			   PWDF_IO_TARGET_OPEN_PARAMS params)
{
	bool exclusive = params->ShareAccess == 0;
	bool write = wdfio_access_wants_write(params->DesiredAccess);
	struct block_device *existing;
	struct wdfio_dev *dev = NULL;
	unsigned long flags;
	NTSTATUS status;
	char *name;
	int err;

	mutex_lock(&t->open_lock);
	/* A USB target is open from its creation and cannot be reopened. */
	if (t->dev || t->kind != WDFIO_TARGET_BLOCK ||
	    t->state == WdfIoTargetDeleted) {
		status = STATUS_INVALID_DEVICE_STATE;
		goto out_unlock;
	}

	switch (params->Type) {
	case WdfIoTargetOpenUseExistingDevice:
		existing = (struct block_device *)params->TargetDeviceObject;
		if (!existing) {
			status = STATUS_INVALID_PARAMETER;
			goto out_unlock;
		}
		/* Our own open of the caller's device, never exclusive. */
		err = wdfio_dev_open(NULL, existing, !bdev_read_only(existing),
				     NULL, &dev);
		status = wdfio_ntstatus_from_errno(err);
		break;
	case WdfIoTargetOpenByName:
		name = wdfio_unicode_to_utf8(&params->TargetDeviceName,
					     GFP_KERNEL, &status);
		if (!name)
			goto out_unlock;
		err = wdfio_dev_open(name, NULL, write, exclusive ? t : NULL,
				     &dev);
		status = wdfio_open_errno(err, write);
		if (err) {
			kfree(name);
			break;
		}
		kfree(t->name);
		t->name = name;
		t->reopen_write = write;
		t->reopen_exclusive = exclusive;
		params->FileInformation = FILE_OPENED;
		break;
	case WdfIoTargetOpenReopen:
		if (!t->name) {
			status = STATUS_INVALID_DEVICE_REQUEST;
			goto out_unlock;
		}
		err = wdfio_dev_open(t->name, NULL, t->reopen_write,
				     t->reopen_exclusive ? t : NULL, &dev);
		status = wdfio_open_errno(err, t->reopen_write);
		break;
	default:
		status = STATUS_INVALID_PARAMETER;
		goto out_unlock;
	}
	if (!NT_SUCCESS(status))
		goto out_unlock;

	spin_lock_irqsave(&t->lock, flags);
	/* Formats read them without the lock (wdfio_bind_format()). */
	smp_store_release(&t->dev, dev);
	WRITE_ONCE(t->open, true);
	t->state = WdfIoTargetStarted;
	spin_unlock_irqrestore(&t->lock, flags);
out_unlock:
	mutex_unlock(&t->open_lock);
	return status;
}

/* Complete every pended request with @status; they never reached a device. */
static void wdfio_target_flush_pended(struct wdfio_target *t, NTSTATUS status)
{
	for (;;) {
		struct wdfio_request *req;
		unsigned long flags;

		spin_lock_irqsave(&t->lock, flags);
		req = list_first_entry_or_null(&t->pended, struct wdfio_request,
					       sent_entry);
		if (req) {
			list_del_init(&req->sent_entry);
			clear_bit(WDFIO_RQF_PENDED, &req->rflags);
		}
		spin_unlock_irqrestore(&t->lock, flags);
		if (!req)
			break;
		/* Taking it off the queue gave us the queue's count. */
		wdfio_request_io_done(req, status, 0);
	}
}

/*
 * Try to cancel every sent request (@all: also those sent with
 * IGNORE_TARGET_STATE). Each is visited once: SWEPT marks it, and an
 * ownership count keeps it alive while it is cancelled outside the lock.
 */
void wdfio_target_cancel_sent(struct wdfio_target *t, bool all)
{
	struct wdfio_request *req;
	unsigned long flags;

	spin_lock_irqsave(&t->lock, flags);
	list_for_each_entry(req, &t->sent, sent_entry)
		clear_bit(WDFIO_RQF_SWEPT, &req->rflags);
	spin_unlock_irqrestore(&t->lock, flags);

	for (;;) {
		struct wdfio_request *victim = NULL;

		spin_lock_irqsave(&t->lock, flags);
		list_for_each_entry(req, &t->sent, sent_entry) {
			if (!all && test_bit(WDFIO_RQF_IGNORE_STATE, &req->rflags))
				continue;
			if (test_and_set_bit(WDFIO_RQF_SWEPT, &req->rflags))
				continue;
			if (!atomic_inc_not_zero(&req->owners))
				continue;
			victim = req;
			break;
		}
		spin_unlock_irqrestore(&t->lock, flags);
		if (!victim)
			break;
		wdfio_request_sweep(victim);
	}
}

/**
 * wdfio_target_close() - close a target (Close, CloseForQueryRemove, delete)
 * @t: the target
 * @state: WdfIoTargetClosed, WdfIoTargetClosedForQueryRemove or
 *	WdfIoTargetDeleted
 *
 * New sends fail from here on. Pended requests complete with
 * STATUS_WDF_DEVICE_REMOVED_NOT_SENT; every sent request (including those
 * sent with IGNORE_TARGET_STATE) is cancelled: timed sends end at once,
 * other bios are waited for. Returns when every request has completed to its
 * owner; the device itself stays open until abandoned bios have ended.
 *
 * Context: Process context (sleeps). Not from a completion routine of a
 * request sent to @t (it would wait for itself).
 */
void wdfio_target_close(struct wdfio_target *t, WDF_IO_TARGET_STATE state)
{
	struct wdfio_dev *dev;
	unsigned long flags;

	might_sleep();
	mutex_lock(&t->open_lock);
	spin_lock_irqsave(&t->lock, flags);
	if (t->state != WdfIoTargetDeleted)
		t->state = state;
	spin_unlock_irqrestore(&t->lock, flags);

	wdfio_target_flush_pended(t, STATUS_WDF_DEVICE_REMOVED_NOT_SENT);
	wdfio_target_cancel_sent(t, true);
	wait_event(t->idle_wq, READ_ONCE(t->inflight) == 0);

	spin_lock_irqsave(&t->lock, flags);
	dev = t->dev;
	WRITE_ONCE(t->open, false);
	WRITE_ONCE(t->dev, NULL);
	spin_unlock_irqrestore(&t->lock, flags);
	if (dev) {
		/* Formats read t->dev in an RCU read section, unlocked. */
		synchronize_rcu();
		wdfio_dev_put(dev);
	}
	mutex_unlock(&t->open_lock);
}

/**
 * wdfio_target_start() - WdfIoTargetStart's work
 * @t: the target
 *
 * Sends the requests pended while the target was stopped, in the order they
 * were sent.
 *
 * Context: Any context.
 * Return: STATUS_SUCCESS, or STATUS_INVALID_DEVICE_STATE if the target is
 * not open (closed, never opened, deleted).
 */
NTSTATUS wdfio_target_start(struct wdfio_target *t)
{
	struct wdfio_request *req;
	unsigned long flags;

	spin_lock_irqsave(&t->lock, flags);
	if (!t->open || t->state == WdfIoTargetDeleted ||
	    t->state == WdfIoTargetClosed ||
	    t->state == WdfIoTargetClosedForQueryRemove) {
		spin_unlock_irqrestore(&t->lock, flags);
		return STATUS_INVALID_DEVICE_STATE;
	}
	t->state = WdfIoTargetStarted;
	while (t->state == WdfIoTargetStarted &&
	       (req = list_first_entry_or_null(&t->pended, struct wdfio_request,
					       sent_entry))) {
		list_move_tail(&req->sent_entry, &t->sent);
		clear_bit(WDFIO_RQF_PENDED, &req->rflags);
		set_bit(WDFIO_RQF_COUNTED, &req->rflags);
		t->sent_count++;
		spin_unlock_irqrestore(&t->lock, flags);
		/* The queue's count is now the backend's. */
		wdfio_request_start_io(req);
		spin_lock_irqsave(&t->lock, flags);
	}
	spin_unlock_irqrestore(&t->lock, flags);
	/* A pipe's continuous reader runs while the pipe is started (KMDF). */
	if (t->reader)
		wdfio_usb_reader_start(t);
	/* Starting a WDFUSBDEVICE starts its pipes (KMDF's FxUsbDevice). */
	wdfio_usb_device_pipes_do(t, 'g', 0);
	return STATUS_SUCCESS;
}

/**
 * wdfio_target_stop() - WdfIoTargetStop's work
 * @t: the target
 * @action: what to do with sent I/O
 *
 * New requests are pended until Start; pended ones stay pended. Requests
 * sent with IGNORE_TARGET_STATE are neither cancelled nor waited for.
 *
 * Context: Process context for WdfIoTargetCancelSentIo and
 * WdfIoTargetWaitForSentIoToComplete; any context for
 * WdfIoTargetLeaveSentIoPending.
 */
void wdfio_target_stop(struct wdfio_target *t,
		       WDF_IO_TARGET_SENT_IO_ACTION action)
{
	unsigned long flags;

	/* KMDF always cancels and waits for a continuous reader's reads. */
	if (t->reader && wdfio_can_sleep())
		action = WdfIoTargetCancelSentIo;
	spin_lock_irqsave(&t->lock, flags);
	if (t->state == WdfIoTargetStarted || t->state == WdfIoTargetPurged ||
	    t->state == WdfIoTargetStopped)
		t->state = WdfIoTargetStopped;
	spin_unlock_irqrestore(&t->lock, flags);

	/* Stopping a WDFUSBDEVICE stops its pipes (KMDF's FxUsbDevice). */
	wdfio_usb_device_pipes_do(t, 's', action);
	if (action == WdfIoTargetCancelSentIo)
		wdfio_target_cancel_sent(t, false);
	if (action == WdfIoTargetCancelSentIo ||
	    action == WdfIoTargetWaitForSentIoToComplete)
		wait_event(t->idle_wq, READ_ONCE(t->sent_count) == 0);
}

/**
 * wdfio_target_purge() - WdfIoTargetPurge's work
 * @t: the target
 * @action: whether to wait for the cancelled I/O
 *
 * Pended requests complete with STATUS_WDF_DEVICE_REMOVED_NOT_SENT, sent
 * ones are cancelled, and new sends fail with STATUS_INVALID_DEVICE_STATE
 * until Start.
 *
 * Context: Process context for WdfIoTargetPurgeIoAndWait; any context for
 * WdfIoTargetPurgeIo.
 */
void wdfio_target_purge(struct wdfio_target *t,
			WDF_IO_TARGET_PURGE_IO_ACTION action)
{
	unsigned long flags;

	if (t->reader && wdfio_can_sleep())
		action = WdfIoTargetPurgeIoAndWait;
	spin_lock_irqsave(&t->lock, flags);
	if (t->state == WdfIoTargetStarted || t->state == WdfIoTargetStopped ||
	    t->state == WdfIoTargetPurged)
		t->state = WdfIoTargetPurged;
	spin_unlock_irqrestore(&t->lock, flags);

	wdfio_usb_device_pipes_do(t, 'p', action);
	wdfio_target_flush_pended(t, STATUS_WDF_DEVICE_REMOVED_NOT_SENT);
	wdfio_target_cancel_sent(t, false);
	if (action == WdfIoTargetPurgeIoAndWait)
		wait_event(t->idle_wq, READ_ONCE(t->sent_count) == 0);
}

/**
 * wdfio_target_admit() - the target's decision about a send
 * @t: the target
 * @req: the request, just moved to SENT
 * @timed: the send has a timeout
 * @delay: the timeout, jiffies
 * @admit: receives whether to send now or leave it pended
 *
 * Started: send. Stopped: pend (send with IGNORE_TARGET_STATE). Purged:
 * fail (send with IGNORE_TARGET_STATE). Closed, deleted, not open: fail. On
 * success the request is on the sent or pended list, counted in flight,
 * holds a reference on @t, and its timeout is armed — all under the target's
 * lock, so a timeout or cancel never sees it half admitted.
 *
 * Context: Any context.
 * Return: STATUS_SUCCESS or STATUS_INVALID_DEVICE_STATE.
 */
NTSTATUS wdfio_target_admit(struct wdfio_target *t, struct wdfio_request *req,
			    bool timed, unsigned long delay,
			    enum wdfio_admit *admit)
{
	bool ignore = test_bit(WDFIO_RQF_IGNORE_STATE, &req->rflags);
	unsigned long flags;

	spin_lock_irqsave(&t->lock, flags);
	if (!t->open)
		goto out_invalid;
	switch (t->state) {
	case WdfIoTargetStarted:
		*admit = WDFIO_ADMIT_SEND;
		break;
	case WdfIoTargetStopped:
		if (!ignore && test_bit(WDFIO_RQF_FAIL_ON_PEND, &req->rflags))
			goto out_invalid;
		/* A request already cancelled goes straight to its end. */
		*admit = ignore || test_bit(WDFIO_RQF_ABORT, &req->rflags) ?
			 WDFIO_ADMIT_SEND : WDFIO_ADMIT_PENDED;
		break;
	case WdfIoTargetPurged:
		if (!ignore)
			goto out_invalid;
		*admit = WDFIO_ADMIT_SEND;
		break;
	default:
		goto out_invalid;
	}
	if (*admit == WDFIO_ADMIT_PENDED) {
		list_add_tail(&req->sent_entry, &t->pended);
		set_bit(WDFIO_RQF_PENDED, &req->rflags);
	} else {
		list_add_tail(&req->sent_entry, &t->sent);
		if (!ignore) {
			set_bit(WDFIO_RQF_COUNTED, &req->rflags);
			t->sent_count++;
		}
	}
	if (!t->inflight++ && t->owner)
		__module_get(t->owner);
	wdfio_object_get(&t->obj);
	if (timed)
		wdfio_queue_delayed_work(&req->timeout_work, delay);
	spin_unlock_irqrestore(&t->lock, flags);
	return STATUS_SUCCESS;

out_invalid:
	spin_unlock_irqrestore(&t->lock, flags);
	return STATUS_INVALID_DEVICE_STATE;
}

/**
 * wdfio_target_unpend() - take a request off the pended queue, or mark it
 * @t: its target
 * @req: a sent request
 *
 * If @req is pended, it is removed and the caller gets the queue's
 * ownership count. Otherwise @req is marked ABORT under the target's lock,
 * so that a send being admitted concurrently does not pend it and the
 * backend does not start it.
 *
 * Context: Any context.
 * Return: true if @req was taken off the queue.
 */
bool wdfio_target_unpend(struct wdfio_target *t, struct wdfio_request *req)
{
	unsigned long flags;
	bool pended;

	spin_lock_irqsave(&t->lock, flags);
	pended = test_and_clear_bit(WDFIO_RQF_PENDED, &req->rflags);
	if (pended)
		list_del_init(&req->sent_entry);
	else
		set_bit(WDFIO_RQF_ABORT, &req->rflags);
	spin_unlock_irqrestore(&t->lock, flags);
	return pended;
}

/**
 * wdfio_target_sent_done() - a request leaves its list
 * @t: its target
 * @req: the request, about to be completed to its owner
 *
 * Context: Any context.
 */
void wdfio_target_sent_done(struct wdfio_target *t, struct wdfio_request *req)
{
	unsigned long flags;

	spin_lock_irqsave(&t->lock, flags);
	list_del_init(&req->sent_entry);
	spin_unlock_irqrestore(&t->lock, flags);
}

/**
 * wdfio_target_io_done() - a request's completion routine has returned
 * @t: its target
 * @counted: the request was counted in @t->sent_count
 *
 * Drops the counts (waking Stop, Purge and Close at zero), the pin on the
 * target's module and the send's reference on the target.
 *
 * Context: Any context.
 */
void wdfio_target_io_done(struct wdfio_target *t, bool counted)
{
	unsigned long flags;

	bool idle;

	spin_lock_irqsave(&t->lock, flags);
	idle = counted && !--t->sent_count;
	if (!--t->inflight) {
		idle = true;
		if (t->owner)
			module_put(t->owner);
	}
	/*
	 * At QD1 every I/O takes the counts to zero: wake only if someone
	 * waits (wq_has_sleeper()'s barrier pairs with wait_event()'s).
	 */
	if (idle && wq_has_sleeper(&t->idle_wq))
		wake_up_all(&t->idle_wq);
	spin_unlock_irqrestore(&t->lock, flags);
	wdfio_object_put(&t->obj);
}

static void wdfio_target_finish_delete(struct wdfio_target *t)
{
	wdfio_target_close(t, WdfIoTargetDeleted);
}

static void wdfio_target_close_work(struct work_struct *work)
{
	struct wdfio_target *t = container_of(work, struct wdfio_target,
					      close_work);

	wdfio_target_finish_delete(t);
	wdfio_object_put(&t->obj);
}

static void wdfio_target_dispose(struct wdfio_object *obj)
{
	struct wdfio_target *t = container_of(obj, struct wdfio_target, obj);

	if (t->kind != WDFIO_TARGET_BLOCK) {
		/* Closes (and so waits) itself; see usb_api.c. */
		wdfio_usb_target_dispose(t);
		return;
	}
	if (wdfio_can_sleep()) {
		wdfio_target_finish_delete(t);
		return;
	}
	/* Deleted from atomic context: close (which waits) on the workqueue. */
	wdfio_object_get(&t->obj);
	wdfio_queue_work(&t->close_work);
}

static void wdfio_target_release(struct wdfio_object *obj)
{
	struct wdfio_target *t = container_of(obj, struct wdfio_target, obj);

	if (t->kind != WDFIO_TARGET_BLOCK)
		wdfio_usb_target_release(t);
	kfree(t->name);
}

static const struct wdfio_obj_ops wdfio_target_ops = {
	.type = WDFIO_OBJ_IOTARGET,
	.name = "WDFIOTARGET",
	.dispose = wdfio_target_dispose,
	.release = wdfio_target_release,
};

/**
 * wdfio_target_alloc() - allocate and initialise a target (not linked)
 * @size: bytes of the containing structure, whose first member is the target
 * @attr: the driver's attributes (checked by the caller)
 * @kind: what is behind it
 * @owner: the module to pin while it has I/O in flight, or NULL
 * @status: receives the reason on failure
 *
 * Context: Process context.
 * Return: the target (state Closed, not open), or NULL.
 */
struct wdfio_target *wdfio_target_alloc(size_t size,
					PWDF_OBJECT_ATTRIBUTES attr,
					enum wdfio_target_kind kind,
					struct module *owner, NTSTATUS *status)
{
	struct wdfio_target *t;

	t = wdfio_object_alloc(&wdfio_target_ops, size, attr, GFP_KERNEL,
			       status);
	if (!t)
		return NULL;
	t->kind = kind;
	spin_lock_init(&t->lock);
	t->state = WdfIoTargetClosed;
	INIT_LIST_HEAD(&t->sent);
	INIT_LIST_HEAD(&t->pended);
	init_waitqueue_head(&t->idle_wq);
	mutex_init(&t->open_lock);
	INIT_WORK(&t->close_work, wdfio_target_close_work);
	t->owner = owner;
	return t;
}

static NTSTATUS wdfio_target_create(WDFDEVICE Device,
				    PWDF_OBJECT_ATTRIBUTES attr,
				    WDFIOTARGET *IoTarget, struct module *owner)
{
	struct wdfio_object *dev = NULL;
	struct wdfio_target *t;
	NTSTATUS status;

	if (!IoTarget)
		return STATUS_INVALID_PARAMETER;
	*IoTarget = NULL;
	if (!wdfio_can_sleep()) {
		wdfio_misuse("called from atomic context");
		return STATUS_INVALID_DEVICE_REQUEST;
	}
	if (Device) {
		dev = wdfio_object_from_handle((WDFOBJECT)Device);
		if (!dev) {
			wdfio_misuse("invalid WDFDEVICE %p", Device);
			return STATUS_INVALID_HANDLE;
		}
	}
	status = wdfio_object_check_attributes(attr);
	if (!NT_SUCCESS(status))
		return status;
	t = wdfio_target_alloc(sizeof(*t), attr, WDFIO_TARGET_BLOCK, owner,
			       &status);
	if (!t)
		return status;

	status = wdfio_object_link(&t->obj, attr, dev);
	if (!NT_SUCCESS(status)) {
		wdfio_object_put(&t->obj);
		return status;
	}
	*IoTarget = wdfio_target_handle(t);
	return STATUS_SUCCESS;
}

/**
 * WdfIoTargetCreate() - create an I/O target object
 * @Device: a wdfio object to parent the target to by default, or NULL. On
 *	Linux there is no device stack: a target is not tied to a device
 *	object, and NULL is the normal value.
 * @IoTargetAttributes: object attributes (ParentObject overrides @Device)
 * @IoTarget: receives the handle
 *
 * The new target is not open: its state is WdfIoTargetClosed and formats fail
 * until WdfIoTargetOpen succeeds. <wdflinux.h> turns calls of this DDI into
 * wdfio_io_target_create_owned(..., THIS_MODULE), which also pins the
 * calling module while the target has I/O in flight; this function is what
 * a call through a pointer reaches, without the pin.
 *
 * Context: Process context (KMDF: PASSIVE_LEVEL).
 * Return: STATUS_SUCCESS; STATUS_INVALID_PARAMETER (NULL @IoTarget);
 * STATUS_INVALID_HANDLE (@Device or parent not a wdfio object);
 * STATUS_INFO_LENGTH_MISMATCH (attributes); STATUS_INSUFFICIENT_RESOURCES;
 * STATUS_INVALID_DEVICE_REQUEST from atomic context.
 */
NTSTATUS WdfIoTargetCreate(WDFDEVICE Device,
			   PWDF_OBJECT_ATTRIBUTES IoTargetAttributes,
			   WDFIOTARGET *IoTarget)
{
	return wdfio_target_create(Device, IoTargetAttributes, IoTarget, NULL);
}
EXPORT_SYMBOL_GPL(WdfIoTargetCreate);

/**
 * wdfio_io_target_create_owned() - WdfIoTargetCreate, pinning the caller
 * @Device: as WdfIoTargetCreate()
 * @IoTargetAttributes: as WdfIoTargetCreate()
 * @IoTarget: as WdfIoTargetCreate()
 * @Owner: the calling module (THIS_MODULE), held while the target has
 *	requests in flight so that it cannot be unloaded under its completion
 *	routines
 *
 * Context: Process context.
 * Return: as WdfIoTargetCreate().
 */
NTSTATUS wdfio_io_target_create_owned(WDFDEVICE Device,
				      PWDF_OBJECT_ATTRIBUTES IoTargetAttributes,
				      WDFIOTARGET *IoTarget,
				      struct module *Owner)
{
	return wdfio_target_create(Device, IoTargetAttributes, IoTarget, Owner);
}
EXPORT_SYMBOL_GPL(wdfio_io_target_create_owned);

/**
 * WdfIoTargetOpen() - open a target on a block device
 * @IoTarget: a target from WdfIoTargetCreate
 * @OpenParams: WDF_IO_TARGET_OPEN_PARAMS_INIT_OPEN_BY_NAME /
 *	_CREATE_BY_NAME (TargetDeviceName is a block device path such as
 *	L"/dev/nullb0"), _INIT_REOPEN, or the Linux analogue of
 *	_INIT_EXISTING_DEVICE, WDF_IO_TARGET_OPEN_PARAMS_INIT_EXISTING_BLOCK_DEVICE
 *	(a struct block_device the caller holds open until WdfIoTargetClose
 *	returns)
 *
 * DesiredAccess selects read and write access; ShareAccess 0 opens the device
 * exclusively. On success the target is started. The remove-notification
 * callbacks are accepted and never called (block devices have no query-remove).
 *
 * Context: Process context (sleeps).
 * Return: STATUS_SUCCESS; STATUS_INVALID_HANDLE; STATUS_INVALID_PARAMETER
 * (NULL params, unknown type, no device); STATUS_INFO_LENGTH_MISMATCH (Size);
 * STATUS_INVALID_DEVICE_STATE (already open, deleted);
 * STATUS_INVALID_DEVICE_REQUEST (atomic context, Reopen without a previous
 * by-name open); STATUS_OBJECT_NAME_NOT_FOUND, STATUS_OBJECT_NAME_INVALID,
 * STATUS_OBJECT_TYPE_MISMATCH, STATUS_SHARING_VIOLATION,
 * STATUS_MEDIA_WRITE_PROTECTED, STATUS_NO_SUCH_DEVICE or
 * STATUS_INSUFFICIENT_RESOURCES from the open itself.
 */
NTSTATUS WdfIoTargetOpen(WDFIOTARGET IoTarget,
			 PWDF_IO_TARGET_OPEN_PARAMS OpenParams)
{
	struct wdfio_target *t = wdfio_target_from_handle(IoTarget);

	if (!t) {
		wdfio_misuse("invalid WDFIOTARGET %p", IoTarget);
		return STATUS_INVALID_HANDLE;
	}
	if (!OpenParams)
		return STATUS_INVALID_PARAMETER;
	/* KMDF also takes the 1.11 layout, which ends before FileName. */
	if (OpenParams->Size != sizeof(*OpenParams) &&
	    OpenParams->Size != offsetof(WDF_IO_TARGET_OPEN_PARAMS, FileName))
		return STATUS_INFO_LENGTH_MISMATCH;
	if (!wdfio_can_sleep()) {
		wdfio_misuse("called from atomic context");
		return STATUS_INVALID_DEVICE_REQUEST;
	}
	return wdfio_target_open(t, OpenParams);
}
EXPORT_SYMBOL_GPL(WdfIoTargetOpen);

static struct wdfio_target *
wdfio_target_for_wait(WDFIOTARGET IoTarget, bool waits)
{
	struct wdfio_target *t = wdfio_target_from_handle(IoTarget);

	if (!t) {
		wdfio_misuse("invalid WDFIOTARGET %p", IoTarget);
		return NULL;
	}
	if (waits && !wdfio_can_sleep()) {
		wdfio_misuse("waiting call from atomic context");
		return NULL;
	}
	return t;
}

/**
 * WdfIoTargetClose() - close a target
 * @IoTarget: the target
 *
 * New sends fail with STATUS_INVALID_DEVICE_STATE. Requests pended on a
 * stopped target complete with STATUS_WDF_DEVICE_REMOVED_NOT_SENT; sent
 * requests are cancelled (timed sends end at once; other bios cannot be
 * recalled and are waited for). Returns when every request has completed to
 * its owner. The target can be opened again.
 *
 * Context: Process context (sleeps); not from a completion routine of a
 * request sent to this target.
 * Return: Nothing.
 */
VOID WdfIoTargetClose(WDFIOTARGET IoTarget)
{
	struct wdfio_target *t = wdfio_target_for_wait(IoTarget, true);

	if (t)
		wdfio_target_close(t, WdfIoTargetClosed);
}
EXPORT_SYMBOL_GPL(WdfIoTargetClose);

/**
 * WdfIoTargetCloseForQueryRemove() - close a target for a query-remove
 * @IoTarget: the target
 *
 * As WdfIoTargetClose(), but the state becomes
 * WdfIoTargetClosedForQueryRemove and the open parameters are kept, so
 * WDF_IO_TARGET_OPEN_PARAMS_INIT_REOPEN can reopen it.
 *
 * Context: Process context (sleeps).
 * Return: Nothing.
 */
VOID WdfIoTargetCloseForQueryRemove(WDFIOTARGET IoTarget)
{
	struct wdfio_target *t = wdfio_target_for_wait(IoTarget, true);

	if (t)
		wdfio_target_close(t, WdfIoTargetClosedForQueryRemove);
}
EXPORT_SYMBOL_GPL(WdfIoTargetCloseForQueryRemove);

/**
 * WdfIoTargetStart() - start a target
 * @IoTarget: the target
 *
 * Sends the requests that were pended while the target was stopped, in the
 * order they were sent.
 *
 * Context: Any context.
 * Return: STATUS_SUCCESS; STATUS_INVALID_HANDLE; STATUS_INVALID_DEVICE_STATE
 * if the target is not open (the KMDF docs' rule that a closed target cannot
 * be started).
 */
NTSTATUS WdfIoTargetStart(WDFIOTARGET IoTarget)
{
	struct wdfio_target *t = wdfio_target_from_handle(IoTarget);

	if (!t) {
		wdfio_misuse("invalid WDFIOTARGET %p", IoTarget);
		return STATUS_INVALID_HANDLE;
	}
	return wdfio_target_start(t);
}
EXPORT_SYMBOL_GPL(WdfIoTargetStart);

/**
 * WdfIoTargetStop() - stop a target
 * @IoTarget: the target
 * @Action: WdfIoTargetCancelSentIo (cancel sent requests and wait for
 *	them), WdfIoTargetWaitForSentIoToComplete (wait only) or
 *	WdfIoTargetLeaveSentIoPending (return at once)
 *
 * New requests are pended (WdfRequestSend returns TRUE) until
 * WdfIoTargetStart; their timeouts run while they wait. Requests sent with
 * WDF_REQUEST_SEND_OPTION_IGNORE_TARGET_STATE are neither cancelled nor
 * waited for.
 *
 * Context: Process context for the two waiting actions; any context for
 * WdfIoTargetLeaveSentIoPending. A waiting call from atomic context is
 * logged and ignored.
 * Return: Nothing.
 */
VOID WdfIoTargetStop(WDFIOTARGET IoTarget, WDF_IO_TARGET_SENT_IO_ACTION Action)
{
	bool waits = Action == WdfIoTargetCancelSentIo ||
		     Action == WdfIoTargetWaitForSentIoToComplete;
	struct wdfio_target *t;

	if (!waits && Action != WdfIoTargetLeaveSentIoPending) {
		wdfio_misuse("unknown action %d", Action);
		return;
	}
	t = wdfio_target_for_wait(IoTarget, waits);
	if (t)
		wdfio_target_stop(t, Action);
}
EXPORT_SYMBOL_GPL(WdfIoTargetStop);

/**
 * WdfIoTargetPurge() - purge a target
 * @IoTarget: the target
 * @Action: WdfIoTargetPurgeIoAndWait or WdfIoTargetPurgeIo
 *
 * Requests pended on the target complete with
 * STATUS_WDF_DEVICE_REMOVED_NOT_SENT; sent requests are cancelled (and, with
 * WdfIoTargetPurgeIoAndWait, waited for). New sends fail with
 * STATUS_INVALID_DEVICE_STATE until WdfIoTargetStart.
 *
 * Context: Process context for WdfIoTargetPurgeIoAndWait; any context for
 * WdfIoTargetPurgeIo.
 * Return: Nothing.
 */
VOID WdfIoTargetPurge(WDFIOTARGET IoTarget,
		      WDF_IO_TARGET_PURGE_IO_ACTION Action)
{
	bool waits = Action == WdfIoTargetPurgeIoAndWait;
	struct wdfio_target *t;

	if (!waits && Action != WdfIoTargetPurgeIo) {
		wdfio_misuse("unknown action %d", Action);
		return;
	}
	t = wdfio_target_for_wait(IoTarget, waits);
	if (t)
		wdfio_target_purge(t, Action);
}
EXPORT_SYMBOL_GPL(WdfIoTargetPurge);

/**
 * WdfIoTargetGetState() - the target's state
 * @IoTarget: the target
 *
 * Context: Any context.
 * Return: the state (an unlocked snapshot, as in KMDF), or
 * WdfIoTargetStateUndefined for a bad handle.
 */
WDF_IO_TARGET_STATE WdfIoTargetGetState(WDFIOTARGET IoTarget)
{
	struct wdfio_target *t = wdfio_target_from_handle(IoTarget);

	if (!t) {
		wdfio_misuse("invalid WDFIOTARGET %p", IoTarget);
		return WdfIoTargetStateUndefined;
	}
	return READ_ONCE(t->state);
}
EXPORT_SYMBOL_GPL(WdfIoTargetGetState);
