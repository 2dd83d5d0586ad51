// SPDX-License-Identifier: GPL-2.0
/*
 * Callback synchronisation (KMDF's constraints: SynchronizationScope and
 * ExecutionLevel, FxCallbackLock), and WdfObjectAcquireLock /
 * WdfObjectReleaseLock.
 *
 * A driver's defaults are Dispatch and None (its attributes may change
 * them); a device inherits what it does not set from its driver, a queue
 * from its device. Every device and every queue has a callback lock
 * (struct wdfio_cblock): a mutex at ExecutionLevel Passive, else a spinlock.
 * A queue's callbacks (EvtIo*, EvtIoStop, EvtIoCanceledOnQueue,
 * EvtRequestCancel of the requests it presented, ReadyNotify and
 * PurgeComplete) run under the device's lock for SynchronizationScope
 * Device, under the queue's own for Queue, under none for None (KMDF's
 * FxIoQueue::ConfigureConstraints). The rules for taking the lock are next
 * to struct wdfio_cblock in queue.h; queue.c does the deferrals.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "queue.h"

#include <linux/export.h>

/**
 * wdfio_sync_check_attributes() - range checks of a device's or queue's
 *	(or driver's) ExecutionLevel and SynchronizationScope
 * @attr: attributes, or NULL
 *
 * Context: Any context.
 * Return: STATUS_SUCCESS, or STATUS_WDF_OBJECT_ATTRIBUTES_INVALID for a
 * value out of range, WdfExecutionLevelInvalid or
 * WdfSynchronizationScopeInvalid (KMDF's FxValidateObjectAttributes).
 */
NTSTATUS wdfio_sync_check_attributes(PWDF_OBJECT_ATTRIBUTES attr)
{
	if (!attr)
		return STATUS_SUCCESS;
	if (attr->ExecutionLevel == WdfExecutionLevelInvalid ||
	    attr->ExecutionLevel > WdfExecutionLevelDispatch)
		return STATUS_WDF_OBJECT_ATTRIBUTES_INVALID;
	if (attr->SynchronizationScope == WdfSynchronizationScopeInvalid ||
	    attr->SynchronizationScope > WdfSynchronizationScopeNone)
		return STATUS_WDF_OBJECT_ATTRIBUTES_INVALID;
	return STATUS_SUCCESS;
}

/* Two initialisers, so lockdep tells a device's lock from a queue's. */
static void wdfio_cblock_init_device(struct wdfio_cblock *l, bool passive)
{
	l->passive = passive;
	spin_lock_init(&l->spin);
	mutex_init(&l->mutex);
}

static void wdfio_cblock_init_queue(struct wdfio_cblock *l, bool passive)
{
	l->passive = passive;
	spin_lock_init(&l->spin);
	mutex_init(&l->mutex);
}

/**
 * wdfio_cblock_held_by_me() - does the current thread hold @l?
 * @l: a callback lock
 *
 * Context: Any context. Exact for the caller's own thread: only the holder
 * writes @l->owner. Interrupt context never holds a mutex it interrupted.
 */
bool wdfio_cblock_held_by_me(struct wdfio_cblock *l)
{
	return READ_ONCE(l->owner) == current && (!l->passive || in_task());
}

static void wdfio_cblock_lock(struct wdfio_cblock *l)
{
	unsigned long flags;

	if (l->passive) {
		might_sleep();
		mutex_lock(&l->mutex);
	} else {
		spin_lock_irqsave(&l->spin, flags);
		l->irqflags = flags;
		__release(&l->spin);	/* held until wdfio_cblock_unlock() */
	}
	WRITE_ONCE(l->owner, current);
}

static void wdfio_cblock_unlock(struct wdfio_cblock *l)
{
	WRITE_ONCE(l->owner, NULL);
	if (l->passive) {
		lockdep_assert_held(&l->mutex);
		mutex_unlock(&l->mutex);
	} else {
		lockdep_assert_held(&l->spin);
		__acquire(&l->spin);
		spin_unlock_irqrestore(&l->spin, l->irqflags);
	}
}

/**
 * wdfio_driver_sync_init() - a driver's constraints
 * @drv: the new driver
 * @attr: its attributes (range-checked), or NULL
 *
 * Context: Any context.
 */
void wdfio_driver_sync_init(struct wdfio_driver *drv,
			    PWDF_OBJECT_ATTRIBUTES attr)
{
	drv->exec_level = WdfExecutionLevelDispatch;
	drv->sync_scope = WdfSynchronizationScopeNone;
	if (attr && attr->ExecutionLevel != WdfExecutionLevelInheritFromParent)
		drv->exec_level = attr->ExecutionLevel;
	if (attr && attr->SynchronizationScope !=
		    WdfSynchronizationScopeInheritFromParent)
		drv->sync_scope = attr->SynchronizationScope;
}

/**
 * wdfio_device_sync_init() - a device's constraints and callback lock
 * @dev: the new device
 * @drv: its driver
 * @attr: its attributes (range-checked), or NULL
 *
 * Context: Any context.
 */
void wdfio_device_sync_init(struct wdfio_device *dev,
			    struct wdfio_driver *drv,
			    PWDF_OBJECT_ATTRIBUTES attr)
{
	dev->exec_level = drv->exec_level;
	dev->sync_scope = drv->sync_scope;
	if (attr && attr->ExecutionLevel != WdfExecutionLevelInheritFromParent)
		dev->exec_level = attr->ExecutionLevel;
	if (attr && attr->SynchronizationScope !=
		    WdfSynchronizationScopeInheritFromParent)
		dev->sync_scope = attr->SynchronizationScope;
	wdfio_cblock_init_device(&dev->cblock,
				 dev->exec_level == WdfExecutionLevelPassive);
}

/**
 * wdfio_queue_sync_init() - a queue's constraints and callback lock
 * @q: the new queue, its @dev set
 * @attr: its attributes (range-checked), or NULL
 *
 * Context: Any context.
 * Return: STATUS_SUCCESS, or STATUS_INVALID_PARAMETER for scope Device
 * with an ExecutionLevel other than the device's (KMDF).
 */
NTSTATUS wdfio_queue_sync_init(struct wdfio_queue *q,
			       PWDF_OBJECT_ATTRIBUTES attr)
{
	struct wdfio_device *dev = q->dev;
	WDF_EXECUTION_LEVEL level = dev->exec_level;
	WDF_SYNCHRONIZATION_SCOPE scope = dev->sync_scope;

	if (attr && attr->ExecutionLevel != WdfExecutionLevelInheritFromParent)
		level = attr->ExecutionLevel;
	if (attr && attr->SynchronizationScope !=
		    WdfSynchronizationScopeInheritFromParent)
		scope = attr->SynchronizationScope;
	if (scope == WdfSynchronizationScopeDevice && level != dev->exec_level)
		return STATUS_INVALID_PARAMETER;
	q->passive = level == WdfExecutionLevelPassive;
	wdfio_cblock_init_queue(&q->cblock, q->passive);
	if (scope == WdfSynchronizationScopeDevice)
		q->sync = &dev->cblock;
	else if (scope == WdfSynchronizationScopeQueue)
		q->sync = &q->cblock;
	else
		q->sync = NULL;
	INIT_LIST_HEAD(&q->cancel_events);
	return STATUS_SUCCESS;
}

/**
 * wdfio_cblock_take() - take a queue's callback lock unless this thread has it
 * @l: the lock of a queue's synchronization scope
 *
 * The out-of-line half of wdfio_queue_cb_lock() (queue.h), for queues with
 * a scope.
 *
 * Context: Process context for a passive lock; any context else.
 * Return: true if the lock was taken (give it back with wdfio_cblock_give());
 * false where the thread holds it already (it is inside the scope: the
 * callback is serialised as it is).
 */
bool wdfio_cblock_take(struct wdfio_cblock *l)
{
	if (wdfio_cblock_held_by_me(l))
		return false;
	wdfio_cblock_lock(l);
	return true;
}

/**
 * wdfio_cblock_give() - release what wdfio_cblock_take() took
 * @l: the lock
 *
 * Context: Any context (the taker's).
 */
void wdfio_cblock_give(struct wdfio_cblock *l)
{
	wdfio_cblock_unlock(l);
}

/* The lock WdfObjectAcquireLock takes for @Object, or NULL. */
static struct wdfio_cblock *wdfio_object_cblock(WDFOBJECT Object,
						const char *ddi)
{
	struct wdfio_device *dev = wdfio_device_from_handle(Object);
	struct wdfio_queue *q;

	if (dev)
		return &dev->cblock;
	q = wdfio_queue_from_handle(Object);
	if (q)
		return q->sync ?: &q->cblock;
	wdfio_misuse("%s on %p: not a WDFDEVICE or WDFQUEUE", ddi, Object);
	return NULL;
}

/**
 * WdfObjectAcquireLock() - take an object's callback lock
 * @Object: a WDFDEVICE, or a WDFQUEUE (then the lock its callbacks run
 *	under: the device's for SynchronizationScope Device, else its own)
 *
 * While it is held no callback serialised by that lock runs. At
 * ExecutionLevel Passive it is a mutex (the caller must be able to sleep),
 * else a spinlock: the caller then runs with interrupts off until
 * WdfObjectReleaseLock and must not sleep. Other objects (KMDF: a bug
 * check, WDF_INVALID_LOCK_OPERATION) are reported and ignored. Taking it
 * again on the same thread is a driver bug (a deadlock in KMDF): reported,
 * and counted so that the matching release keeps the outer hold.
 *
 * Context: Any context at Dispatch level; process context at Passive.
 * Return: Nothing.
 */
void WdfObjectAcquireLock(WDFOBJECT Object)
{
	struct wdfio_cblock *l = wdfio_object_cblock(Object, __func__);

	if (!l)
		return;
	if (wdfio_cblock_held_by_me(l)) {
		wdfio_misuse("%s on %p: the lock is already held by this thread",
			     __func__, Object);
		l->depth++;
		return;
	}
	wdfio_cblock_lock(l);
}
EXPORT_SYMBOL_GPL(WdfObjectAcquireLock);

/**
 * WdfObjectReleaseLock() - release what WdfObjectAcquireLock() took
 * @Object: the same object
 *
 * Context: The thread that took the lock.
 * Return: Nothing.
 */
void WdfObjectReleaseLock(WDFOBJECT Object)
{
	struct wdfio_cblock *l = wdfio_object_cblock(Object, __func__);

	if (!l)
		return;
	if (!wdfio_cblock_held_by_me(l)) {
		wdfio_misuse("%s on %p: the lock is not held by this thread",
			     __func__, Object);
		return;
	}
	if (l->depth) {
		l->depth--;
		return;
	}
	wdfio_cblock_unlock(l);
}
EXPORT_SYMBOL_GPL(WdfObjectReleaseLock);
