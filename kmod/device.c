// SPDX-License-Identifier: GPL-2.0
/*
 * WDFDRIVER and WDFDEVICE: the minimal driver/device model of the receiving
 * side.
 *
 * Linux has no WDM device stack and no PnP manager calling AddDevice. A
 * driver object is the root of a driver's devices; a device is created from
 * a WDFDEVICE_INIT and owns its queues (children). A named control device
 * gets a character device node when WdfControlFinishInitializing runs
 * (chardev.c). Deleting a device first stops it taking requests and removes
 * its node (predelete), then deletes its queues, which purge themselves and
 * wait for the requests the driver owns, then waits for every request
 * submitted to it to have completed.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "queue.h"

#include <linux/export.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

/* ------------------------------------------------------------------ */
/* Drivers                                                             */

static void wdfio_driver_dispose(struct wdfio_object *obj)
{
	struct wdfio_driver *drv = container_of(obj, struct wdfio_driver, obj);

	/* KMDF calls EvtDriverUnload at unload, the devices already gone. */
	if (drv->config.EvtDriverUnload)
		drv->config.EvtDriverUnload(wdfio_driver_handle(drv));
}

static const struct wdfio_obj_ops wdfio_driver_ops = {
	.type = WDFIO_OBJ_DRIVER,
	.name = "WDFDRIVER",
	.dispose = wdfio_driver_dispose,
};

static NTSTATUS wdfio_driver_create(PWDF_OBJECT_ATTRIBUTES attr,
				    PWDF_DRIVER_CONFIG config,
				    WDFDRIVER *out, struct module *owner)
{
	struct wdfio_driver *drv;
	NTSTATUS status;

	if (out)
		*out = NULL;
	if (!config)
		return STATUS_INVALID_PARAMETER;
	if (config->Size != sizeof(*config))
		return STATUS_INFO_LENGTH_MISMATCH;
	if (attr && attr->ParentObject)
		return STATUS_WDF_PARENT_ASSIGNMENT_NOT_ALLOWED;
	status = wdfio_object_check_attributes(attr);
	if (NT_SUCCESS(status))
		status = wdfio_sync_check_attributes(attr);
	if (!NT_SUCCESS(status))
		return status;
	drv = wdfio_object_alloc(&wdfio_driver_ops, sizeof(*drv), attr,
				 wdfio_gfp(), &status);
	if (!drv)
		return status;
	drv->config = *config;
	wdfio_driver_sync_init(drv, attr);
	drv->owner = owner;
	if (out)
		*out = wdfio_driver_handle(drv);
	return STATUS_SUCCESS;
}

/**
 * WdfDriverCreate() - create the driver object (call it from module init)
 * @DriverObject: NULL on Linux (there is no DRIVER_OBJECT); ignored
 * @RegistryPath: NULL on Linux; ignored
 * @DriverAttributes: attributes (no parent), or WDF_NO_OBJECT_ATTRIBUTES
 * @DriverConfig: WDF_DRIVER_CONFIG_INIT'ed configuration
 * @Driver: receives the handle (optional, as in KMDF)
 *
 * <wdflinux.h> turns calls of this DDI into wdfio_driver_create_owned(...,
 * THIS_MODULE). The driver deletes the object with WdfObjectDelete in its
 * module exit: that deletes its devices (waiting for their requests) and
 * then calls EvtDriverUnload. EvtDriverDeviceAdd is never called: Linux has
 * no PnP manager; drivers create control devices themselves.
 *
 * Context: Process context.
 * Return: STATUS_SUCCESS; STATUS_INVALID_PARAMETER (NULL config);
 * STATUS_INFO_LENGTH_MISMATCH (config or attributes Size);
 * STATUS_WDF_PARENT_ASSIGNMENT_NOT_ALLOWED (a parent);
 * STATUS_WDF_OBJECT_ATTRIBUTES_INVALID (ExecutionLevel or
 * SynchronizationScope out of range: they are the devices' defaults);
 * STATUS_INSUFFICIENT_RESOURCES.
 */
NTSTATUS WdfDriverCreate(PDRIVER_OBJECT DriverObject,
			 PCUNICODE_STRING RegistryPath,
			 PWDF_OBJECT_ATTRIBUTES DriverAttributes,
			 PWDF_DRIVER_CONFIG DriverConfig, WDFDRIVER *Driver)
{
	return wdfio_driver_create(DriverAttributes, DriverConfig, Driver,
				   NULL);
}
EXPORT_SYMBOL_GPL(WdfDriverCreate);

/**
 * wdfio_driver_create_owned() - WdfDriverCreate, recording the caller
 * @DriverObject: as WdfDriverCreate()
 * @RegistryPath: as WdfDriverCreate()
 * @DriverAttributes: as WdfDriverCreate()
 * @DriverConfig: as WdfDriverCreate()
 * @Driver: as WdfDriverCreate()
 * @Owner: the calling module (THIS_MODULE); an open file of one of the
 *	driver's devices holds a reference on it
 *
 * Context: Process context.
 * Return: as WdfDriverCreate().
 */
NTSTATUS wdfio_driver_create_owned(PDRIVER_OBJECT DriverObject,
				   PCUNICODE_STRING RegistryPath,
				   PWDF_OBJECT_ATTRIBUTES DriverAttributes,
				   PWDF_DRIVER_CONFIG DriverConfig,
				   WDFDRIVER *Driver, struct module *Owner)
{
	return wdfio_driver_create(DriverAttributes, DriverConfig, Driver,
				   Owner);
}
EXPORT_SYMBOL_GPL(wdfio_driver_create_owned);

/* ------------------------------------------------------------------ */
/* Device initialization                                               */

/*
 * The node mode an SDDL string grants: root (SY, BA) always has read and
 * write; "WD" (everyone) ACEs add the world bits.
 */
static umode_t wdfio_sddl_mode(const UNICODE_STRING *sddl)
{
	NTSTATUS status;
	umode_t mode = 0600;
	char *s, *p;

	if (!sddl)
		return mode;
	s = wdfio_unicode_to_utf8(sddl, GFP_KERNEL, &status);
	if (!s)
		return mode;
	for (p = strstr(s, "(A;;"); p; p = strstr(p + 1, "(A;;")) {
		char *end = strchr(p, ')');
		char *rights = p + 4;

		if (!end || end - p < 10 || strncmp(end - 4, ";;WD", 4) ||
		    end[-5] != ';')
			continue;
		/* rights run up to the next ';' */
		if (!strncmp(rights, "GA", 2)) {
			mode |= 0666;
			continue;
		}
		if (strnstr(rights, "GR", end - rights))
			mode |= 0444;
		if (strnstr(rights, "GW", end - rights))
			mode |= 0222;
	}
	kfree(s);
	return mode;
}

/**
 * WdfControlDeviceInitAllocate() - start setting up a control device
 * @Driver: the driver
 * @SDDLString: the device's security descriptor; on Linux it sets the
 *	node's permission bits: root only (0600), plus read/write for
 *	everyone where an ACE grants GR/GW/GA to WD (everyone), e.g.
 *	SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_RW gives 0666
 *
 * Context: Process context.
 * Return: the WDFDEVICE_INIT (pass it to WdfDeviceCreate, or free it with
 * WdfDeviceInitFree), or NULL (bad driver handle, no memory).
 */
PWDFDEVICE_INIT WdfControlDeviceInitAllocate(WDFDRIVER Driver,
					     const UNICODE_STRING *SDDLString)
{
	struct wdfio_driver *drv = wdfio_driver_from_handle(Driver);
	struct WDFDEVICE_INIT *init;

	if (!drv) {
		wdfio_misuse("invalid WDFDRIVER %p", Driver);
		return NULL;
	}
	might_sleep();
	init = kzalloc(sizeof(*init), GFP_KERNEL);
	if (!init)
		return NULL;
	wdfio_object_get(&drv->obj);
	init->driver = drv;
	init->control = true;
	init->io_type = WdfDeviceIoBuffered;
	init->mode = wdfio_sddl_mode(SDDLString);
	return init;
}
EXPORT_SYMBOL_GPL(WdfControlDeviceInitAllocate);

static void wdfio_device_init_free(struct WDFDEVICE_INIT *init)
{
	if (init->driver)
		wdfio_object_put(&init->driver->obj);
	kfree(init->name);
	kfree(init->lower.Buffer);
	kfree(init);
}

/**
 * WdfDeviceInitFree() - free a WDFDEVICE_INIT that was not used
 * @DeviceInit: from WdfControlDeviceInitAllocate, or NULL
 *
 * Only needed when WdfDeviceCreate was not called or failed (KMDF).
 *
 * Context: Process context.
 * Return: Nothing.
 */
void WdfDeviceInitFree(PWDFDEVICE_INIT DeviceInit)
{
	if (!DeviceInit || DeviceInit->pnp)	/* freed by its creator */
		return;
	wdfio_device_init_free(DeviceInit);
}
EXPORT_SYMBOL_GPL(WdfDeviceInitFree);

/* The last component of a WDM name: L"\\Device\\Foo" → "Foo". */
static char *wdfio_node_name(PCUNICODE_STRING name, NTSTATUS *status)
{
	char *s, *base, *out;

	s = wdfio_unicode_to_utf8(name, GFP_KERNEL, status);
	if (!s)
		return NULL;
	base = strrchr(s, '\\');
	base = base ? base + 1 : s;
	if (!*base || strchr(base, '/') || !strcmp(base, ".") ||
	    !strcmp(base, "..") || strlen(base) > 64) {
		kfree(s);
		*status = STATUS_OBJECT_NAME_INVALID;
		return NULL;
	}
	out = kstrdup(base, GFP_KERNEL);
	kfree(s);
	if (!out)
		*status = STATUS_INSUFFICIENT_RESOURCES;
	return out;
}

/**
 * WdfDeviceInitAssignName() - name the device
 * @DeviceInit: the init structure
 * @DeviceName: a WDM name such as L"\\Device\\Foo"; the last component
 *	names the Linux device node (/dev/Foo), or NULL to clear the name
 *
 * Context: Process context.
 * Return: STATUS_SUCCESS; STATUS_INVALID_PARAMETER (NULL @DeviceInit);
 * STATUS_OBJECT_NAME_INVALID (empty, contains '/', over 64 bytes);
 * STATUS_INSUFFICIENT_RESOURCES.
 */
NTSTATUS WdfDeviceInitAssignName(PWDFDEVICE_INIT DeviceInit,
				 PCUNICODE_STRING DeviceName)
{
	NTSTATUS status = STATUS_SUCCESS;
	char *name = NULL;

	if (!DeviceInit)
		return STATUS_INVALID_PARAMETER;
	if (DeviceName) {
		name = wdfio_node_name(DeviceName, &status);
		if (!name)
			return status;
	}
	kfree(DeviceInit->name);
	DeviceInit->name = name;
	return STATUS_SUCCESS;
}
EXPORT_SYMBOL_GPL(WdfDeviceInitAssignName);

/**
 * WdfDeviceInitSetIoType() - buffer method of the device's reads and writes
 * @DeviceInit: the init structure
 * @IoType: WdfDeviceIoBuffered (default: the front-end copies through a
 *	kernel buffer), WdfDeviceIoDirect (the caller's pages are pinned and
 *	mapped: no copy), WdfDeviceIoBufferedOrDirect (as direct);
 *	WdfDeviceIoNeither is treated as buffered on Linux
 *
 * Context: Process context.
 * Return: Nothing.
 */
void WdfDeviceInitSetIoType(PWDFDEVICE_INIT DeviceInit,
			    WDF_DEVICE_IO_TYPE IoType)
{
	if (!DeviceInit || IoType <= WdfDeviceIoUndefined ||
	    IoType >= WdfDeviceIoMaximum) {
		wdfio_misuse("bad init %p or I/O type %d", DeviceInit, IoType);
		return;
	}
	DeviceInit->io_type = IoType;
}
EXPORT_SYMBOL_GPL(WdfDeviceInitSetIoType);

/**
 * WdfDeviceInitSetExclusive() - allow one open file at a time
 * @DeviceInit: the init structure
 * @IsExclusive: TRUE: a second open fails with -EBUSY
 *
 * Context: Process context.
 * Return: Nothing.
 */
void WdfDeviceInitSetExclusive(PWDFDEVICE_INIT DeviceInit,
			       BOOLEAN IsExclusive)
{
	if (DeviceInit)
		DeviceInit->exclusive = IsExclusive;
}
EXPORT_SYMBOL_GPL(WdfDeviceInitSetExclusive);

/**
 * WdfDeviceInitSetDeviceType() - the WDM device type
 * @DeviceInit: the init structure
 * @DeviceType: FILE_DEVICE_*; accepted and unused on Linux
 *
 * Context: Process context.
 * Return: Nothing.
 */
void WdfDeviceInitSetDeviceType(PWDFDEVICE_INIT DeviceInit,
				DEVICE_TYPE DeviceType)
{
}
EXPORT_SYMBOL_GPL(WdfDeviceInitSetDeviceType);

/**
 * WdfDeviceInitSetRequestAttributes() - attributes of presented requests
 * @DeviceInit: the init structure
 * @RequestAttributes: attributes (context type, cleanup/destroy callbacks)
 *	every request the device's queues present is created with; no parent
 *
 * Context: Process context.
 * Return: Nothing.
 */
void WdfDeviceInitSetRequestAttributes(PWDFDEVICE_INIT DeviceInit,
				       PWDF_OBJECT_ATTRIBUTES RequestAttributes)
{
	if (!DeviceInit || !RequestAttributes ||
	    !NT_SUCCESS(wdfio_object_check_attributes(RequestAttributes)) ||
	    RequestAttributes->ParentObject) {
		wdfio_misuse("bad init %p or attributes %p", DeviceInit,
			     RequestAttributes);
		return;
	}
	DeviceInit->req_attr = *RequestAttributes;
	DeviceInit->has_req_attr = true;
}
EXPORT_SYMBOL_GPL(WdfDeviceInitSetRequestAttributes);

/**
 * wdfio_device_init_set_mode() - permission bits of the device node
 * @DeviceInit: the init structure
 * @Mode: e.g. 0666 to let everyone open the device; default 0600
 *
 * Context: Process context.
 * Return: Nothing.
 */
void wdfio_device_init_set_mode(PWDFDEVICE_INIT DeviceInit, unsigned int Mode)
{
	if (DeviceInit)
		DeviceInit->mode = Mode & 0777;
}
EXPORT_SYMBOL_GPL(wdfio_device_init_set_mode);

/* ------------------------------------------------------------------ */
/* Devices                                                             */

static void wdfio_device_predelete(struct wdfio_object *obj)
{
	struct wdfio_device *dev = container_of(obj, struct wdfio_device, obj);
	unsigned long flags;

	might_sleep();
	spin_lock_irqsave(&dev->lock, flags);
	dev->removing = true;
	spin_unlock_irqrestore(&dev->lock, flags);
	/* No new opens; open files see the device removed. */
	wdfio_chardev_unregister(dev);
	wdfio_blkdev_unregister(dev);
}

static void wdfio_device_dispose(struct wdfio_object *obj)
{
	struct wdfio_device *dev = container_of(obj, struct wdfio_device, obj);

	/* The queues are gone; requests between queues finish here. */
	wait_event(dev->idle_wq, READ_ONCE(dev->inflight) == 0);
}

static void wdfio_device_release(struct wdfio_object *obj)
{
	struct wdfio_device *dev = container_of(obj, struct wdfio_device, obj);

	kfree(dev->name);
	if (dev->driver)
		wdfio_object_put(&dev->driver->obj);
}

static NTSTATUS wdfio_device_open_lower(struct wdfio_device *dev,
					PCUNICODE_STRING name);

static const struct wdfio_obj_ops wdfio_device_ops = {
	.type = WDFIO_OBJ_DEVICE,
	.name = "WDFDEVICE",
	.predelete = wdfio_device_predelete,
	.dispose = wdfio_device_dispose,
	.release = wdfio_device_release,
};

/**
 * WdfDeviceCreate() - create a device from its WDFDEVICE_INIT
 * @DeviceInit: in: the init structure; set to NULL on success (the device
 *	took it), left for WdfDeviceInitFree on failure
 * @DeviceAttributes: attributes; the parent is always the driver
 * @Device: receives the handle
 *
 * A control device is not opened by anyone until WdfControlFinishInitializing.
 * Delete it with WdfObjectDelete (or by deleting the driver): that needs
 * process context and waits until the driver completed every request.
 *
 * Context: Process context.
 * Return: STATUS_SUCCESS; STATUS_INVALID_PARAMETER (NULL arguments);
 * STATUS_INFO_LENGTH_MISMATCH (attributes);
 * STATUS_WDF_PARENT_ASSIGNMENT_NOT_ALLOWED (a parent in the attributes);
 * STATUS_WDF_OBJECT_ATTRIBUTES_INVALID (ExecutionLevel or
 * SynchronizationScope out of range);
 * STATUS_DELETE_PENDING (the driver is being deleted);
 * STATUS_INSUFFICIENT_RESOURCES.
 */
NTSTATUS WdfDeviceCreate(PWDFDEVICE_INIT *DeviceInit,
			 PWDF_OBJECT_ATTRIBUTES DeviceAttributes,
			 WDFDEVICE *Device)
{
	struct WDFDEVICE_INIT *init;
	struct wdfio_device *dev;
	NTSTATUS status;

	if (!Device)
		return STATUS_INVALID_PARAMETER;
	*Device = NULL;
	if (!DeviceInit || !*DeviceInit)
		return STATUS_INVALID_PARAMETER;
	might_sleep();
	init = *DeviceInit;
	if (DeviceAttributes && DeviceAttributes->ParentObject)
		return STATUS_WDF_PARENT_ASSIGNMENT_NOT_ALLOWED;
	status = wdfio_object_check_attributes(DeviceAttributes);
	if (NT_SUCCESS(status))
		status = wdfio_sync_check_attributes(DeviceAttributes);
	if (!NT_SUCCESS(status))
		return status;
	dev = wdfio_object_alloc(&wdfio_device_ops, sizeof(*dev),
				 DeviceAttributes, GFP_KERNEL, &status);
	if (!dev)
		return status;
	spin_lock_init(&dev->lock);
	init_waitqueue_head(&dev->idle_wq);
	wdfio_device_power_init(dev);
	wdfio_device_sync_init(dev, init->driver, DeviceAttributes);
	dev->io_type = init->io_type;
	dev->mode = init->mode;
	dev->exclusive = init->exclusive;
	dev->has_req_attr = init->has_req_attr;
	dev->req_attr = init->req_attr;
	dev->fo = init->fo;
	dev->in_caller = init->in_caller;
	status = wdfio_object_link(&dev->obj, NULL, &init->driver->obj);
	if (!NT_SUCCESS(status)) {
		wdfio_object_put(&dev->obj);
		return status;
	}
	/* The init's driver reference and name pass to the device. */
	dev->driver = init->driver;
	dev->name = init->name;
	dev->filter = init->filter;
	init->driver = NULL;
	init->name = NULL;
	if (init->lower.Buffer) {
		status = wdfio_device_open_lower(dev, &init->lower);
		if (!NT_SUCCESS(status)) {
			wdfio_object_delete(&dev->obj);
			/* KMDF: the init is consumed even on this failure */
			if (!init->pnp)
				wdfio_device_init_free(init);
			*DeviceInit = NULL;
			return status;
		}
	}
	if (init->pnp)
		init->created = dev;	/* wdfio_driver_add_device frees it */
	else
		wdfio_device_init_free(init);
	*DeviceInit = NULL;
	*Device = wdfio_device_handle(dev);
	return STATUS_SUCCESS;
}

/* The default target of a device over a block device: opened, shared. */
static NTSTATUS wdfio_device_open_lower(struct wdfio_device *dev,
					PCUNICODE_STRING name)
{
	WDF_IO_TARGET_OPEN_PARAMS open;
	WDFIOTARGET target;
	NTSTATUS status;

	status = WdfIoTargetCreate(wdfio_device_handle(dev),
				   WDF_NO_OBJECT_ATTRIBUTES, &target);
	if (!NT_SUCCESS(status))
		return status;
	WDF_IO_TARGET_OPEN_PARAMS_INIT_OPEN_BY_NAME(&open, name,
						    GENERIC_READ | GENERIC_WRITE);
	open.ShareAccess = FILE_SHARE_READ | FILE_SHARE_WRITE;
	status = WdfIoTargetOpen(target, &open);
	if (!NT_SUCCESS(status)) {
		WdfObjectDelete(target);
		return status;
	}
	dev->lower = wdfio_target_from_handle(target);
	return STATUS_SUCCESS;
}
EXPORT_SYMBOL_GPL(WdfDeviceCreate);

/**
 * WdfDeviceCreateSymbolicLink() - the name user space opens the device by
 * @Device: the device (not yet finished initializing)
 * @SymbolicLinkName: e.g. L"\\DosDevices\\Foo"; its last component names
 *	the device node (/dev/Foo), replacing the device name
 *
 * Context: Process context.
 * Return: STATUS_SUCCESS; STATUS_INVALID_HANDLE; STATUS_INVALID_PARAMETER;
 * STATUS_INVALID_DEVICE_STATE (the node exists already);
 * STATUS_OBJECT_NAME_INVALID; STATUS_INSUFFICIENT_RESOURCES.
 */
NTSTATUS WdfDeviceCreateSymbolicLink(WDFDEVICE Device,
				     PCUNICODE_STRING SymbolicLinkName)
{
	struct wdfio_device *dev = wdfio_device_from_handle(Device);
	NTSTATUS status;
	char *name;

	if (!dev) {
		wdfio_misuse("invalid WDFDEVICE %p", Device);
		return STATUS_INVALID_HANDLE;
	}
	if (!SymbolicLinkName)
		return STATUS_INVALID_PARAMETER;
	if (dev->cdev)
		return STATUS_INVALID_DEVICE_STATE;
	name = wdfio_node_name(SymbolicLinkName, &status);
	if (!name)
		return status;
	kfree(dev->name);
	dev->name = name;
	return STATUS_SUCCESS;
}
EXPORT_SYMBOL_GPL(WdfDeviceCreateSymbolicLink);

/**
 * WdfControlFinishInitializing() - let callers open a control device
 * @Device: a control device with a name
 *
 * Creates the character device node /dev/<name> (see the README for the
 * read/write/ioctl mapping). A failure is logged; the device then has no node.
 *
 * Context: Process context.
 * Return: Nothing.
 */
void WdfControlFinishInitializing(WDFDEVICE Device)
{
	struct wdfio_device *dev = wdfio_device_from_handle(Device);
	int err;

	if (!dev) {
		wdfio_misuse("invalid WDFDEVICE %p", Device);
		return;
	}
	if (!dev->name || dev->cdev)
		return;
	err = wdfio_chardev_register(dev);
	if (err)
		pr_err("device %s: character device not created (%d)\n",
		       dev->name, err);
}
EXPORT_SYMBOL_GPL(WdfControlFinishInitializing);

/**
 * WdfDeviceGetDriver() - the driver of a device
 * @Device: the device
 *
 * Context: Any context.
 * Return: the driver, or NULL for a bad handle.
 */
WDFDRIVER WdfDeviceGetDriver(WDFDEVICE Device)
{
	struct wdfio_device *dev = wdfio_device_from_handle(Device);

	if (!dev) {
		wdfio_misuse("invalid WDFDEVICE %p", Device);
		return NULL;
	}
	return wdfio_driver_handle(dev->driver);
}
EXPORT_SYMBOL_GPL(WdfDeviceGetDriver);

/**
 * WdfDeviceConfigureRequestDispatching() - route one request type to a queue
 * @Device: the device
 * @Queue: a queue of @Device
 * @RequestType: WdfRequestTypeRead, WdfRequestTypeWrite,
 *	WdfRequestTypeDeviceControl or WdfRequestTypeDeviceControlInternal
 *
 * Requests of that type go to @Queue instead of the default queue.
 *
 * Context: Any context.
 * Return: STATUS_SUCCESS; STATUS_INVALID_HANDLE; STATUS_INVALID_PARAMETER
 * (another type, or a queue of another device); STATUS_INVALID_DEVICE_REQUEST
 * (@Queue has no callback for the type, or is the default queue: KMDF);
 * STATUS_WDF_BUSY (the type already has a queue: KMDF).
 */
NTSTATUS WdfDeviceConfigureRequestDispatching(WDFDEVICE Device, WDFQUEUE Queue,
					      WDF_REQUEST_TYPE RequestType)
{
	struct wdfio_device *dev = wdfio_device_from_handle(Device);
	struct wdfio_queue *q = wdfio_queue_from_handle(Queue);
	unsigned long flags;
	NTSTATUS status = STATUS_SUCCESS;

	if (!dev || !q) {
		wdfio_misuse("invalid WDFDEVICE %p or WDFQUEUE %p", Device,
			     Queue);
		return STATUS_INVALID_HANDLE;
	}
	if (q->dev != dev)
		return STATUS_INVALID_PARAMETER;
	/* KMDF: the queue must handle the type; not the default queue. */
	if (!wdfio_queue_handles(q, RequestType))
		return STATUS_INVALID_DEVICE_REQUEST;
	switch (RequestType) {
	case WdfRequestTypeRead:
	case WdfRequestTypeWrite:
	case WdfRequestTypeDeviceControl:
	case WdfRequestTypeDeviceControlInternal:
		break;
	default:
		return STATUS_INVALID_PARAMETER;
	}
	spin_lock_irqsave(&dev->lock, flags);
	if (q == dev->default_queue)
		status = STATUS_INVALID_DEVICE_REQUEST;
	else if (dev->dispatch[RequestType])
		status = STATUS_WDF_BUSY;
	else
		dev->dispatch[RequestType] = q;
	spin_unlock_irqrestore(&dev->lock, flags);
	return status;
}
EXPORT_SYMBOL_GPL(WdfDeviceConfigureRequestDispatching);

/**
 * WdfDeviceGetDefaultQueue() - the device's default queue
 * @Device: the device
 *
 * Context: Any context.
 * Return: the queue, or NULL (none, bad handle).
 */
WDFQUEUE WdfDeviceGetDefaultQueue(WDFDEVICE Device)
{
	struct wdfio_device *dev = wdfio_device_from_handle(Device);
	struct wdfio_queue *q;

	if (!dev) {
		wdfio_misuse("invalid WDFDEVICE %p", Device);
		return NULL;
	}
	q = READ_ONCE(dev->default_queue);
	return q ? wdfio_queue_handle(q) : NULL;
}
EXPORT_SYMBOL_GPL(WdfDeviceGetDefaultQueue);

/**
 * WdfFdoInitSetFilter() - the device is a filter
 * @DeviceInit: the init structure (from EvtDriverDeviceAdd)
 *
 * A filter passes requests it has no callback for down to its lower device
 * in KMDF; wdfio records the flag, and a filter's queues need callbacks (or
 * EvtIoDefault) for every type they receive.
 *
 * Context: Process context.
 * Return: Nothing.
 */
void WdfFdoInitSetFilter(PWDFDEVICE_INIT DeviceInit)
{
	if (DeviceInit)
		DeviceInit->filter = true;
}
EXPORT_SYMBOL_GPL(WdfFdoInitSetFilter);

/**
 * WdfDeviceGetIoTarget() - the device's default (lower) I/O target
 * @Device: the device
 *
 * For a device made by wdfio_driver_add_device: a target open on the lower
 * block device, started, deleted with the device. Control devices have no
 * lower device.
 *
 * Context: Any context.
 * Return: the target, or NULL (control device, bad handle).
 */
WDFIOTARGET WdfDeviceGetIoTarget(WDFDEVICE Device)
{
	struct wdfio_device *dev = wdfio_device_from_handle(Device);

	if (!dev) {
		wdfio_misuse("invalid WDFDEVICE %p", Device);
		return NULL;
	}
	return dev->lower ? wdfio_target_handle(dev->lower) : NULL;
}
EXPORT_SYMBOL_GPL(WdfDeviceGetIoTarget);

/**
 * wdfio_driver_add_device() - a device arrives: call EvtDriverDeviceAdd
 * @Driver: a driver with an EvtDriverDeviceAdd callback
 * @LowerDeviceName: the block device the new device sits on, e.g.
 *	L"/dev/nullb0"; it becomes the device's default I/O target
 * @Device: receives the device, optional
 *
 * Linux has no PnP manager: this is its AddDevice. The driver's
 * EvtDriverDeviceAdd gets a WDFDEVICE_INIT, typically calls
 * WdfFdoInitSetFilter, names the device, creates it and its queues. Once it
 * returns success, a named device appears as the block device /dev/<name>,
 * with the lower device's size and block sizes; its bios become requests of
 * the device's queues (README: "Block front-end"). Delete the device with
 * WdfObjectDelete (or by deleting the driver).
 *
 * Context: Process context.
 * Return: STATUS_SUCCESS; EvtDriverDeviceAdd's failure (the device, if
 * created, is deleted); STATUS_INVALID_HANDLE; STATUS_INVALID_PARAMETER;
 * STATUS_INVALID_DEVICE_REQUEST (no EvtDriverDeviceAdd);
 * STATUS_INVALID_DEVICE_STATE (EvtDriverDeviceAdd created no device); the
 * lower device's open status; STATUS_INSUFFICIENT_RESOURCES.
 */
NTSTATUS wdfio_driver_add_device(WDFDRIVER Driver,
				 PCUNICODE_STRING LowerDeviceName,
				 WDFDEVICE *Device)
{
	struct wdfio_driver *drv = wdfio_driver_from_handle(Driver);
	struct WDFDEVICE_INIT *init;
	struct wdfio_device *dev;
	NTSTATUS status;
	int err;

	if (Device)
		*Device = NULL;
	if (!drv) {
		wdfio_misuse("invalid WDFDRIVER %p", Driver);
		return STATUS_INVALID_HANDLE;
	}
	if (!LowerDeviceName || !LowerDeviceName->Buffer ||
	    !LowerDeviceName->Length)
		return STATUS_INVALID_PARAMETER;
	if (!drv->config.EvtDriverDeviceAdd)
		return STATUS_INVALID_DEVICE_REQUEST;
	might_sleep();
	init = kzalloc(sizeof(*init), GFP_KERNEL);
	if (!init)
		return STATUS_INSUFFICIENT_RESOURCES;
	init->lower.Buffer = kmemdup(LowerDeviceName->Buffer,
				     LowerDeviceName->Length, GFP_KERNEL);
	if (!init->lower.Buffer) {
		kfree(init);
		return STATUS_INSUFFICIENT_RESOURCES;
	}
	init->lower.Length = LowerDeviceName->Length;
	init->lower.MaximumLength = LowerDeviceName->Length;
	wdfio_object_get(&drv->obj);
	init->driver = drv;
	init->pnp = true;
	init->io_type = WdfDeviceIoBuffered;
	init->mode = 0600;

	status = drv->config.EvtDriverDeviceAdd(Driver, init);
	dev = init->created;
	if (NT_SUCCESS(status) && !dev)
		status = STATUS_INVALID_DEVICE_STATE;
	if (NT_SUCCESS(status) && dev->name) {
		err = wdfio_blkdev_register(dev);
		if (err)
			status = wdfio_ntstatus_from_errno(err);
	}
	if (!NT_SUCCESS(status) && dev) {
		wdfio_object_delete(&dev->obj);
		dev = NULL;
	}
	wdfio_device_init_free(init);
	if (Device && dev)
		*Device = wdfio_device_handle(dev);
	return status;
}
EXPORT_SYMBOL_GPL(wdfio_driver_add_device);
