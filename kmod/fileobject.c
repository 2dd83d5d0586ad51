// SPDX-License-Identifier: GPL-2.0
/*
 * File objects (KMDF's FxFileObject, reduced): a WDFFILEOBJECT is one open
 * struct file of a device's character node.
 *
 * open() makes the file object (with the context the driver's
 * WdfDeviceInitSetFileObjectConfig attributes ask for) and, if the driver
 * has an EvtDeviceFileCreate, hands it a WdfRequestTypeCreate request that
 * the driver completes when it likes; the opener sleeps until then, and a
 * failure status fails open() with the mapped errno (the file object is
 * then deleted without EvtFileCleanup/EvtFileClose, as in KMDF). The
 * file's release() calls EvtFileCleanup then EvtFileClose and deletes the
 * file object. Every request of the file carries it
 * (WdfRequestGetFileObject).
 *
 * While EvtDeviceFileCreate owns it, a create request belongs to the
 * device's internal queue (wdfio_device_int_queue()).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "queue.h"

#include <linux/fcntl.h>

static struct wdfio_fileobj *wdfio_fileobj_from_handle(WDFFILEOBJECT h)
{
	struct wdfio_object *o = wdfio_object_of_type(h, WDFIO_OBJ_FILE);

	return o ? container_of(o, struct wdfio_fileobj, obj) : NULL;
}

static inline WDFFILEOBJECT wdfio_fileobj_handle(struct wdfio_fileobj *fo)
{
	return (WDFFILEOBJECT)&fo->obj;
}

static void wdfio_fileobj_release(struct wdfio_object *obj)
{
	struct wdfio_fileobj *fo = container_of(obj, struct wdfio_fileobj, obj);

	wdfio_object_put(&fo->dev->obj);
}

static const struct wdfio_obj_ops wdfio_fileobj_ops = {
	.type = WDFIO_OBJ_FILE,
	.name = "WDFFILEOBJECT",
	.release = wdfio_fileobj_release,
};

/**
 * WdfDeviceInitSetFileObjectConfig() - file object callbacks and attributes
 * @DeviceInit: from WdfControlDeviceInitAllocate
 * @FileObjectConfig: WDF_FILEOBJECT_CONFIG_INIT'ed: EvtDeviceFileCreate
 *	(open), EvtFileCleanup and EvtFileClose (release); each optional.
 *	AutoForwardCleanupClose and FileObjectClass are accepted and have no
 *	effect (there is no lower device stack to forward to, and every open
 *	file has a file object)
 * @FileObjectAttributes: attributes of each file object (its context
 *	type, EvtCleanupCallback, EvtDestroyCallback), or
 *	WDF_NO_OBJECT_ATTRIBUTES; no ParentObject (the device is the parent)
 *
 * Context: Process context, before WdfDeviceCreate.
 * Return: Nothing. A wrong Size or a ParentObject is a logged driver bug,
 * and the call is then ignored.
 */
void WdfDeviceInitSetFileObjectConfig(PWDFDEVICE_INIT DeviceInit,
				      PWDF_FILEOBJECT_CONFIG FileObjectConfig,
				      PWDF_OBJECT_ATTRIBUTES FileObjectAttributes)
{
	if (!DeviceInit || !FileObjectConfig) {
		wdfio_misuse("NULL DeviceInit or FileObjectConfig");
		return;
	}
	if (FileObjectConfig->Size != sizeof(*FileObjectConfig)) {
		wdfio_misuse("WDF_FILEOBJECT_CONFIG Size %u, expected %zu",
			     FileObjectConfig->Size, sizeof(*FileObjectConfig));
		return;
	}
	if (!NT_SUCCESS(wdfio_object_check_attributes(FileObjectAttributes)) ||
	    (FileObjectAttributes && FileObjectAttributes->ParentObject)) {
		wdfio_misuse("bad file object attributes");
		return;
	}
	DeviceInit->fo.set = true;
	DeviceInit->fo.cfg = *FileObjectConfig;
	DeviceInit->fo.has_attr = !!FileObjectAttributes;
	if (FileObjectAttributes)
		DeviceInit->fo.attr = *FileObjectAttributes;
}
EXPORT_SYMBOL_GPL(WdfDeviceInitSetFileObjectConfig);

/**
 * WdfFileObjectGetDevice() - the device a file object was opened on
 * @FileObject: a file object
 *
 * Context: Any context.
 * Return: the device, or NULL for a bad handle.
 */
WDFDEVICE WdfFileObjectGetDevice(WDFFILEOBJECT FileObject)
{
	struct wdfio_fileobj *fo = wdfio_fileobj_from_handle(FileObject);

	if (!fo) {
		wdfio_misuse("invalid WDFFILEOBJECT %p", FileObject);
		return NULL;
	}
	return wdfio_device_handle(fo->dev);
}
EXPORT_SYMBOL_GPL(WdfFileObjectGetDevice);

/**
 * WdfFileObjectGetFileName() - the name the open gave after the device's
 * @FileObject: a file object
 *
 * In Windows an open of "\\Device\\Foo\\bar" reaches the driver with
 * FileName "\\bar", and an open of the device itself with an empty one. A
 * Linux open of /dev/Foo carries nothing after the node's name, so the
 * string is always empty (Length 0, Buffer NULL): a driver that serves
 * sub-names (usbsamp's pipe names) sees only opens of the whole device.
 * KMDF returns NULL only for a file object without a WDM file object,
 * which wdfio's never lack.
 *
 * Context: Any context (KMDF: PASSIVE_LEVEL).
 * Return: the file object's empty name, valid as long as the file object;
 * NULL for a bad handle.
 */
PUNICODE_STRING WdfFileObjectGetFileName(WDFFILEOBJECT FileObject)
{
	struct wdfio_fileobj *fo = wdfio_fileobj_from_handle(FileObject);

	if (!fo) {
		wdfio_misuse("invalid WDFFILEOBJECT %p", FileObject);
		return NULL;
	}
	return &fo->name;
}
EXPORT_SYMBOL_GPL(WdfFileObjectGetFileName);

/**
 * WdfFileObjectGetFlags() - the FILE_OBJECT flags of an open
 * @FileObject: a file object
 *
 * FO_SYNCHRONOUS_IO always (each read, write and ioctl waits for its
 * request); FO_NO_INTERMEDIATE_BUFFERING for O_DIRECT; FO_WRITE_THROUGH
 * for O_DSYNC and O_SYNC. No other FO_* flag has a Linux counterpart.
 *
 * Context: Any context.
 * Return: the flags; 0 for a bad handle.
 */
ULONG WdfFileObjectGetFlags(WDFFILEOBJECT FileObject)
{
	struct wdfio_fileobj *fo = wdfio_fileobj_from_handle(FileObject);

	if (!fo) {
		wdfio_misuse("invalid WDFFILEOBJECT %p", FileObject);
		return 0;
	}
	return fo->flags;
}
EXPORT_SYMBOL_GPL(WdfFileObjectGetFlags);

/**
 * WdfRequestGetFileObject() - the file object a request came through
 * @Request: a presented request
 *
 * Context: Any context.
 * Return: the file object of the open file the caller used (create, read,
 * write and IOCTL requests of the character front-end); NULL for requests
 * without one (the block front-end's, driver-created requests) or a bad
 * handle.
 */
WDFFILEOBJECT WdfRequestGetFileObject(WDFREQUEST Request)
{
	struct wdfio_request *req = wdfio_request_from_handle(Request);

	if (!req) {
		wdfio_misuse("invalid WDFREQUEST %p", Request);
		return NULL;
	}
	if (!req->qr || !req->qr->file)
		return NULL;
	return wdfio_fileobj_handle(req->qr->file);
}
EXPORT_SYMBOL_GPL(WdfRequestGetFileObject);

/**
 * wdfio_device_int_queue() - the device's internal queue (made once)
 * @dev: the device
 * @status: why there is none, when NULL is returned
 *
 * A manual queue, never dispatching, on whose owned list the requests sit
 * that the driver owns outside its own queues (create requests in
 * EvtDeviceFileCreate, requests in EvtIoInCallerContext), so that
 * completion, cancellation and the device's deletion treat them as any
 * request the driver owns.
 *
 * Context: Any context.
 * Return: the queue, or NULL.
 */
struct wdfio_queue *wdfio_device_int_queue(struct wdfio_device *dev,
					   NTSTATUS *status)
{
	struct wdfio_queue *q = READ_ONCE(dev->int_queue);
	WDF_OBJECT_ATTRIBUTES attr;
	WDF_IO_QUEUE_CONFIG cfg;
	WDFQUEUE h;

	if (q)
		return q;
	WDF_IO_QUEUE_CONFIG_INIT(&cfg, WdfIoQueueDispatchManual);
	cfg.PowerManaged = WdfFalse;	/* the driver's own requests: no EvtIoStop */
	/* Not the device's scope: the driver's callbacks own these requests */
	WDF_OBJECT_ATTRIBUTES_INIT(&attr);
	attr.ExecutionLevel = WdfExecutionLevelDispatch;
	attr.SynchronizationScope = WdfSynchronizationScopeNone;
	*status = WdfIoQueueCreate(wdfio_device_handle(dev), &cfg, &attr, &h);
	if (!NT_SUCCESS(*status))
		return NULL;
	q = wdfio_queue_from_handle(h);
	if (cmpxchg(&dev->int_queue, NULL, q)) {
		/* Another caller made one first. */
		wdfio_object_delete(&q->obj);
		q = READ_ONCE(dev->int_queue);
	}
	return q;
}

/**
 * wdfio_device_own_internal() - a new request, owned by the driver
 * @dev: its device
 * @req: a request from wdfio_request_create_presented(), its qr filled in
 * @out: receives the front-end's reference on @req
 *
 * @req goes on the owned list of the device's internal queue, as if that
 * queue had presented it; on failure it is deleted.
 *
 * Context: Any context.
 * Return: STATUS_PENDING, or why not (STATUS_DELETE_PENDING: the device is
 * being deleted; the internal queue's creation status).
 */
NTSTATUS wdfio_device_own_internal(struct wdfio_device *dev,
				   struct wdfio_request *req,
				   struct wdfio_request **out)
{
	struct wdfio_qreq *qr = req->qr;
	NTSTATUS status = STATUS_SUCCESS;
	struct wdfio_queue *q;
	unsigned long flags;

	*out = NULL;
	q = wdfio_device_int_queue(dev, &status);
	if (!q) {
		wdfio_object_delete(&req->obj);
		return status;
	}
	spin_lock_irqsave(&dev->lock, flags);
	if (dev->removing) {
		spin_unlock_irqrestore(&dev->lock, flags);
		wdfio_object_delete(&req->obj);
		return STATUS_DELETE_PENDING;
	}
	dev->inflight++;
	wdfio_object_get(&q->obj);	/* dropped at completion */
	qr->queue = q;
	list_add_tail(&qr->entry, &q->owned);
	q->nr_owned++;
	qr->state = WDFIO_QR_OWNED;
	wdfio_object_get(&req->obj);	/* the front-end's */
	spin_unlock_irqrestore(&dev->lock, flags);
	*out = req;
	return STATUS_PENDING;
}

/* The create request of @fo; STATUS_PENDING, or why it was not made. */
static NTSTATUS wdfio_fileobj_create_request(struct wdfio_device *dev,
					     struct wdfio_fileobj *fo,
					     const struct wdfio_fe_ops *fe,
					     void *fe_ctx,
					     struct wdfio_request **out)
{
	struct wdfio_request *req;
	struct wdfio_qreq *qr;
	NTSTATUS status;

	*out = NULL;
	status = wdfio_qreq_alloc(dev, &req);
	if (!NT_SUCCESS(status))
		return status;
	qr = req->qr;
	qr->dev = dev;
	INIT_LIST_HEAD(&qr->entry);
	INIT_LIST_HEAD(&qr->cancel_ev);
	qr->fe = fe;
	qr->fe_ctx = fe_ctx;
	qr->file = fo;
	WDF_REQUEST_PARAMETERS_INIT(&qr->params);
	qr->params.Type = WdfRequestTypeCreate;
	return wdfio_device_own_internal(dev, req, out);
}

/*
 * The FO_* flags a Windows driver could look at, from the open's O_*
 * flags: every call through wdfio's character front-end waits for its
 * request (FO_SYNCHRONOUS_IO); O_DIRECT is FO_NO_INTERMEDIATE_BUFFERING,
 * O_DSYNC (and so O_SYNC) FO_WRITE_THROUGH. Nothing else maps.
 */
static ULONG wdfio_fo_flags(unsigned int f_flags)
{
	ULONG fo = FO_SYNCHRONOUS_IO;

	if (f_flags & O_DIRECT)
		fo |= FO_NO_INTERMEDIATE_BUFFERING;
	if (f_flags & O_DSYNC)
		fo |= FO_WRITE_THROUGH;
	return fo;
}

/**
 * wdfio_fileobj_open() - a file object for a new open file
 * @dev: the device being opened
 * @f_flags: the open file's O_* flags (WdfFileObjectGetFlags)
 * @fe: how the opener learns the create request's completion
 * @fe_ctx: its context
 * @fo_out: receives the file object (NULL on failure)
 * @req_out: receives the create request (referenced: drop it with
 *	wdfio_object_put() after its completion) when STATUS_PENDING
 *
 * Without EvtDeviceFileCreate the file object is ready at once. Otherwise
 * EvtDeviceFileCreate is called on this thread with a create request the
 * driver completes; on a failure status the caller deletes the file object
 * with wdfio_fileobj_abort().
 *
 * Context: Process context.
 * Return: STATUS_SUCCESS; STATUS_PENDING (wait for @fe); or why not:
 * STATUS_DELETE_PENDING (device being deleted),
 * STATUS_INSUFFICIENT_RESOURCES.
 */
NTSTATUS wdfio_fileobj_open(struct wdfio_device *dev, unsigned int f_flags,
			    const struct wdfio_fe_ops *fe, void *fe_ctx,
			    struct wdfio_fileobj **fo_out,
			    struct wdfio_request **req_out)
{
	PFN_WDF_DEVICE_FILE_CREATE create = dev->fo.cfg.EvtDeviceFileCreate;
	PWDF_OBJECT_ATTRIBUTES attr = dev->fo.has_attr ? &dev->fo.attr : NULL;
	struct wdfio_fileobj *fo;
	struct wdfio_request *req;
	NTSTATUS status;

	might_sleep();
	*fo_out = NULL;
	*req_out = NULL;
	fo = wdfio_object_alloc(&wdfio_fileobj_ops, sizeof(*fo), attr,
				GFP_KERNEL, &status);
	if (!fo)
		return status;
	wdfio_object_get(&dev->obj);	/* dropped by release */
	fo->dev = dev;
	fo->flags = wdfio_fo_flags(f_flags);
	if (!dev->fo.set || !create) {
		*fo_out = fo;
		return STATUS_SUCCESS;
	}
	status = wdfio_fileobj_create_request(dev, fo, fe, fe_ctx, &req);
	if (status != STATUS_PENDING) {
		atomic_set(&fo->closed, 1);
		wdfio_object_delete(&fo->obj);
		return status;
	}
	*fo_out = fo;
	*req_out = req;
	/* The driver's reference may go at completion, inside the callback. */
	wdfio_object_get(&req->obj);
	create(wdfio_device_handle(dev), wdfio_request_handle(req),
	       wdfio_fileobj_handle(fo));
	wdfio_object_put(&req->obj);
	return STATUS_PENDING;
}

/**
 * wdfio_fileobj_abort() - delete the file object of a failed open
 * @fo: from wdfio_fileobj_open(), whose create request failed
 *
 * EvtFileCleanup and EvtFileClose are not called (KMDF); the object's own
 * cleanup and destroy callbacks are.
 *
 * Context: Process context.
 */
void wdfio_fileobj_abort(struct wdfio_fileobj *fo)
{
	atomic_set(&fo->closed, 1);
	wdfio_object_delete(&fo->obj);
}

/**
 * wdfio_fileobj_close() - the open file is released
 * @fo: its file object
 *
 * EvtFileCleanup, then EvtFileClose, then the file object is deleted. No
 * request of the file exists any more: Linux releases a file only when no
 * call is in progress on it.
 *
 * Context: Process context.
 */
void wdfio_fileobj_close(struct wdfio_fileobj *fo)
{
	const WDF_FILEOBJECT_CONFIG *cfg = &fo->dev->fo.cfg;

	might_sleep();
	if (fo->dev->fo.set && !atomic_xchg(&fo->closed, 1)) {
		if (cfg->EvtFileCleanup)
			cfg->EvtFileCleanup(wdfio_fileobj_handle(fo));
		if (cfg->EvtFileClose)
			cfg->EvtFileClose(wdfio_fileobj_handle(fo));
	}
	wdfio_object_delete(&fo->obj);
}
