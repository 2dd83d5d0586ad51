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

static NTSTATUS wdfio_target_open_by_name(struct wdfio_target *t,
					  const char *path, bool write,
					  bool exclusive)
{
	int err;

	err = wdfio_bdev_open(&t->handle, path, write, exclusive ? t : NULL);
	if (err)
		return wdfio_open_errno(err, write);
	t->bdev = t->handle.bdev;
	t->owned = true;
	t->writable = write;
	return STATUS_SUCCESS;
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
	unsigned long flags;
	NTSTATUS status;
	char *name;

	mutex_lock(&t->open_lock);
	if (t->bdev || t->state == WdfIoTargetDeleted) {
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
		t->bdev = existing;
		t->owned = false;
		t->writable = !bdev_read_only(existing);
		status = STATUS_SUCCESS;
		break;
	case WdfIoTargetOpenByName:
		name = wdfio_unicode_to_utf8(&params->TargetDeviceName,
					     GFP_KERNEL, &status);
		if (!name)
			goto out_unlock;
		status = wdfio_target_open_by_name(t, name, write, exclusive);
		if (!NT_SUCCESS(status)) {
			kfree(name);
			goto out_unlock;
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
		status = wdfio_target_open_by_name(t, t->name, t->reopen_write,
						   t->reopen_exclusive);
		if (!NT_SUCCESS(status))
			goto out_unlock;
		break;
	default:
		status = STATUS_INVALID_PARAMETER;
		goto out_unlock;
	}

	wdfio_blk_query_limits(t);
	spin_lock_irqsave(&t->lock, flags);
	t->state = WdfIoTargetStarted;
	spin_unlock_irqrestore(&t->lock, flags);
out_unlock:
	mutex_unlock(&t->open_lock);
	return status;
}

/**
 * wdfio_target_close() - close a target, waiting for its I/O
 * @t: the target
 *
 * New sends fail from here on. Waits until every sent request has completed
 * to its owner, then releases the block device (if wdfio opened it).
 *
 * Context: Process context (sleeps). Not from a completion routine of a
 * request sent to @t (it would wait for itself).
 */
void wdfio_target_close(struct wdfio_target *t)
{
	struct block_device *bdev;
	unsigned long flags;

	might_sleep();
	mutex_lock(&t->open_lock);
	spin_lock_irqsave(&t->lock, flags);
	if (t->state != WdfIoTargetDeleted)
		t->state = WdfIoTargetClosed;
	spin_unlock_irqrestore(&t->lock, flags);

	wait_event(t->idle_wq, READ_ONCE(t->inflight) == 0);

	spin_lock_irqsave(&t->lock, flags);
	bdev = t->bdev;
	t->bdev = NULL;
	spin_unlock_irqrestore(&t->lock, flags);
	if (bdev && t->owned)
		wdfio_bdev_close(&t->handle);
	t->owned = false;
	mutex_unlock(&t->open_lock);
}

/**
 * wdfio_target_start() - WdfIoTargetStart's work
 * @t: the target
 *
 * Context: Any context.
 * Return: STATUS_SUCCESS, or STATUS_INVALID_DEVICE_STATE if the target is
 * not open (closed, never opened, deleted).
 */
NTSTATUS wdfio_target_start(struct wdfio_target *t)
{
	NTSTATUS status = STATUS_SUCCESS;
	unsigned long flags;

	spin_lock_irqsave(&t->lock, flags);
	if (!t->bdev || t->state == WdfIoTargetDeleted ||
	    t->state == WdfIoTargetClosed)
		status = STATUS_INVALID_DEVICE_STATE;
	else
		t->state = WdfIoTargetStarted;
	spin_unlock_irqrestore(&t->lock, flags);
	return status;
}

/**
 * wdfio_target_begin_send() - admit a request to the target
 * @t: the target
 * @req: the request being sent
 *
 * On success the request is on the sent list, counted in flight, and holds
 * a reference on @t until wdfio_target_io_done().
 *
 * Context: Any context.
 * Return: STATUS_SUCCESS, or STATUS_INVALID_DEVICE_STATE if the target does
 * not accept I/O (closed, deleted).
 */
NTSTATUS wdfio_target_begin_send(struct wdfio_target *t,
				 struct wdfio_request *req)
{
	unsigned long flags;

	spin_lock_irqsave(&t->lock, flags);
	if (t->state != WdfIoTargetStarted || !t->bdev) {
		spin_unlock_irqrestore(&t->lock, flags);
		return STATUS_INVALID_DEVICE_STATE;
	}
	list_add_tail(&req->sent_entry, &t->sent);
	t->inflight++;
	spin_unlock_irqrestore(&t->lock, flags);
	wdfio_object_get(&t->obj);
	return STATUS_SUCCESS;
}

/**
 * wdfio_target_sent_done() - a request leaves the sent list
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
 *
 * Drops the in-flight count (waking Close at zero) and the send's reference.
 *
 * Context: Any context.
 */
void wdfio_target_io_done(struct wdfio_target *t)
{
	unsigned long flags;

	spin_lock_irqsave(&t->lock, flags);
	if (!--t->inflight)
		wake_up_all(&t->idle_wq);
	spin_unlock_irqrestore(&t->lock, flags);
	wdfio_object_put(&t->obj);
}

static void wdfio_target_finish_delete(struct wdfio_target *t)
{
	unsigned long flags;

	wdfio_target_close(t);
	spin_lock_irqsave(&t->lock, flags);
	t->state = WdfIoTargetDeleted;
	spin_unlock_irqrestore(&t->lock, flags);
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

	kfree(t->name);
}

static const struct wdfio_obj_ops wdfio_target_ops = {
	.type = WDFIO_OBJ_IOTARGET,
	.name = "WDFIOTARGET",
	.dispose = wdfio_target_dispose,
	.release = wdfio_target_release,
};

/**
 * WdfIoTargetCreate() - create an I/O target object
 * @Device: a wdfio object to parent the target to by default, or NULL. On
 *	Linux there is no device stack: a target is not tied to a device
 *	object, and NULL is the normal value.
 * @IoTargetAttributes: object attributes (ParentObject overrides @Device)
 * @IoTarget: receives the handle
 *
 * The new target is not open: its state is WdfIoTargetClosed and formats fail
 * until WdfIoTargetOpen succeeds.
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
	status = wdfio_object_check_attributes(IoTargetAttributes);
	if (!NT_SUCCESS(status))
		return status;
	t = wdfio_object_alloc(&wdfio_target_ops, sizeof(*t),
			       IoTargetAttributes, GFP_KERNEL, &status);
	if (!t)
		return status;
	spin_lock_init(&t->lock);
	t->state = WdfIoTargetClosed;
	INIT_LIST_HEAD(&t->sent);
	init_waitqueue_head(&t->idle_wq);
	mutex_init(&t->open_lock);
	INIT_WORK(&t->close_work, wdfio_target_close_work);

	status = wdfio_object_link(&t->obj, IoTargetAttributes, dev);
	if (!NT_SUCCESS(status)) {
		wdfio_object_put(&t->obj);
		return status;
	}
	*IoTarget = wdfio_target_handle(t);
	return STATUS_SUCCESS;
}
EXPORT_SYMBOL_GPL(WdfIoTargetCreate);

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

/**
 * WdfIoTargetClose() - close a target
 * @IoTarget: the target
 *
 * New sends fail with STATUS_INVALID_DEVICE_STATE. Waits until every request
 * sent to the target has completed to its owner (bios cannot be cancelled),
 * then releases the block device if wdfio opened it. The target can be
 * opened again.
 *
 * Context: Process context (sleeps); not from a completion routine of a
 * request sent to this target.
 * Return: Nothing.
 */
VOID WdfIoTargetClose(WDFIOTARGET IoTarget)
{
	struct wdfio_target *t = wdfio_target_from_handle(IoTarget);

	if (!t) {
		wdfio_misuse("invalid WDFIOTARGET %p", IoTarget);
		return;
	}
	if (!wdfio_can_sleep()) {
		wdfio_misuse("called from atomic context");
		return;
	}
	wdfio_target_close(t);
}
EXPORT_SYMBOL_GPL(WdfIoTargetClose);

/**
 * WdfIoTargetStart() - start an open target
 * @IoTarget: the target
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
