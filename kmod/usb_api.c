// SPDX-License-Identifier: GPL-2.0
/*
 * WdfUsb* DDIs: the USB device, interface and pipe objects, their
 * information DDIs, and the Format/Send DDIs, which build a format and hand
 * it to the request engine exactly as the block DDIs do.
 *
 * Binding (README "USB"): a ported driver registers a struct usb_driver and,
 * in probe(), calls WdfUsbTargetDeviceCreate(WdfDeviceFromUsbInterface(intf),
 * ...). The USB core has already selected the configuration; SelectConfig
 * creates the interface and pipe objects of the current settings (and, for
 * setting pairs, selects the settings with usb_set_interface()).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "wdfio_usb.h"

#include <linux/export.h>
#include <linux/slab.h>

/* ------------------------------------------------------------------ */
/* Interfaces                                                          */

static void wdfio_usb_interface_release(struct wdfio_object *obj)
{
	struct wdfio_usb_interface *i =
		container_of(obj, struct wdfio_usb_interface, obj);

	kfree(i->pipes);
}

static const struct wdfio_obj_ops wdfio_usb_interface_ops = {
	.type = WDFIO_OBJ_USB_INTERFACE,
	.name = "WDFUSBINTERFACE",
	.release = wdfio_usb_interface_release,
};

static struct wdfio_usb_interface *
wdfio_usb_interface_from_handle(WDFUSBINTERFACE h)
{
	struct wdfio_object *o = wdfio_object_of_type(h, WDFIO_OBJ_USB_INTERFACE);

	return o ? container_of(o, struct wdfio_usb_interface, obj) : NULL;
}

static WDFUSBINTERFACE wdfio_usb_interface_handle(struct wdfio_usb_interface *i)
{
	return (WDFUSBINTERFACE)&i->obj;
}

static WDF_USB_PIPE_TYPE wdfio_usb_pipe_type(const struct usb_endpoint_descriptor *e)
{
	switch (usb_endpoint_type(e)) {
	case USB_ENDPOINT_XFER_CONTROL:
		return WdfUsbPipeTypeControl;
	case USB_ENDPOINT_XFER_ISOC:
		return WdfUsbPipeTypeIsochronous;
	case USB_ENDPOINT_XFER_BULK:
		return WdfUsbPipeTypeBulk;
	default:
		return WdfUsbPipeTypeInterrupt;
	}
}

static void wdfio_usb_fill_pipe_info(PWDF_USB_PIPE_INFORMATION info,
				     const struct usb_endpoint_descriptor *e,
				     u8 setting)
{
	info->MaximumPacketSize = usb_endpoint_maxp(e);
	info->EndpointAddress = e->bEndpointAddress;
	info->Interval = e->bInterval;
	info->SettingIndex = setting;
	info->PipeType = wdfio_usb_pipe_type(e);
	info->MaximumTransferSize = WDFIO_USB_MAX_TRANSFER;
}

/* Delete the pipes of @i (each close cancels and waits). Process context. */
static void wdfio_usb_interface_drop_pipes(struct wdfio_usb_interface *i)
{
	struct wdfio_usb_device *d = i->dev;
	struct wdfio_usb_pipe **pipes;
	unsigned long flags;
	unsigned int n, k;

	spin_lock_irqsave(&d->t.lock, flags);
	pipes = i->pipes;
	n = i->nr_pipes;
	i->pipes = NULL;
	i->nr_pipes = 0;
	spin_unlock_irqrestore(&d->t.lock, flags);
	for (k = 0; k < n; k++) {
		if (!test_bit(WDFIO_OBJF_DELETED, &pipes[k]->t.obj.flags))
			wdfio_object_delete(&pipes[k]->t.obj);
		wdfio_object_put(&pipes[k]->t.obj);
	}
	kfree(pipes);
}

/* Make the pipes of @i's current setting. Process context, cfg_lock held. */
static NTSTATUS wdfio_usb_interface_make_pipes(struct wdfio_usb_interface *i,
					       PWDF_OBJECT_ATTRIBUTES attr)
{
	struct wdfio_usb_device *d = i->dev;
	struct usb_host_interface *alt = i->intf->cur_altsetting;
	unsigned int n = alt->desc.bNumEndpoints, k;
	struct wdfio_usb_pipe **pipes;
	unsigned long flags;
	NTSTATUS status;

	i->setting = alt - i->intf->altsetting;
	pipes = kcalloc(max(n, 1U), sizeof(*pipes), GFP_KERNEL);
	if (!pipes)
		return STATUS_INSUFFICIENT_RESOURCES;
	for (k = 0; k < n; k++) {
		const struct usb_endpoint_descriptor *e = &alt->endpoint[k].desc;
		unsigned int num = usb_endpoint_num(e);
		bool in = usb_endpoint_dir_in(e);
		struct wdfio_usb_pipe *p;
		struct wdfio_target *t;

		t = wdfio_target_alloc(sizeof(*p), attr, WDFIO_TARGET_USB_PIPE,
				       NULL, &status);
		if (!t)
			goto out_unwind;
		p = container_of(t, struct wdfio_usb_pipe, t);
		p->dev = d;
		p->iface = i;
		p->desc = *e;
		p->type = wdfio_usb_pipe_type(e);
		p->setting = i->setting;
		wdfio_usb_pipe_init_backend(p);
		switch (p->type) {
		case WdfUsbPipeTypeBulk:
			p->pipe = in ? usb_rcvbulkpipe(d->udev, num) :
				       usb_sndbulkpipe(d->udev, num);
			break;
		case WdfUsbPipeTypeInterrupt:
			p->pipe = in ? usb_rcvintpipe(d->udev, num) :
				       usb_sndintpipe(d->udev, num);
			break;
		default:
			p->pipe = in ? usb_rcvisocpipe(d->udev, num) :
				       usb_sndisocpipe(d->udev, num);
			break;
		}
		/* The pipe is a child of its interface, whatever attr says. */
		status = wdfio_object_link(&t->obj, NULL, &i->obj);
		if (!NT_SUCCESS(status)) {
			wdfio_object_put(&t->obj);
			goto out_unwind;
		}
		t->open = true;
		t->state = WdfIoTargetStarted;
		wdfio_object_get(&t->obj);	/* the array's reference */
		pipes[k] = p;
	}
	spin_lock_irqsave(&d->t.lock, flags);
	i->pipes = pipes;
	i->nr_pipes = n;
	spin_unlock_irqrestore(&d->t.lock, flags);
	return STATUS_SUCCESS;

out_unwind:
	while (k--) {
		wdfio_object_delete(&pipes[k]->t.obj);
		wdfio_object_put(&pipes[k]->t.obj);
	}
	kfree(pipes);
	return status;
}

/* ------------------------------------------------------------------ */
/* Device                                                              */

/*
 * The interfaces of a device: the one it was created from, then every other
 * interface of the active configuration bound to the same driver.
 */
static NTSTATUS wdfio_usb_device_make_interfaces(struct wdfio_usb_device *d)
{
	struct usb_host_config *cfg = d->udev->actconfig;
	unsigned int k;

	for (k = 0; cfg && k <= cfg->desc.bNumInterfaces &&
	     d->nr_ifs < WDFIO_USB_MAX_INTERFACES; k++) {
		struct usb_interface *intf;
		struct wdfio_usb_interface *i;
		NTSTATUS status;

		/* k == 0 is the device's own interface; then the others */
		intf = k ? cfg->interface[k - 1] : d->intf;
		if (k && (intf == d->intf || !intf || !d->driver ||
			  intf->dev.driver != d->driver))
			continue;
		i = wdfio_object_alloc(&wdfio_usb_interface_ops, sizeof(*i),
				       NULL, GFP_KERNEL, &status);
		if (!i)
			return status;
		i->dev = d;
		i->intf = usb_get_intf(intf);
		i->number = intf->cur_altsetting->desc.bInterfaceNumber;
		i->setting = intf->cur_altsetting - intf->altsetting;
		status = wdfio_object_link(&i->obj, NULL, &d->t.obj);
		if (!NT_SUCCESS(status)) {
			usb_put_intf(i->intf);
			wdfio_object_put(&i->obj);
			return status;
		}
		wdfio_object_get(&i->obj);	/* d->ifs[]' reference */
		d->ifs[d->nr_ifs++] = i;
	}
	return STATUS_SUCCESS;
}

static NTSTATUS wdfio_usb_device_create(WDFDEVICE Device,
					PWDF_USB_DEVICE_CREATE_CONFIG Config,
					PWDF_OBJECT_ATTRIBUTES Attributes,
					WDFUSBDEVICE *UsbDevice)
{
	ULONG_PTR tagged = (ULONG_PTR)Device;
	struct usb_host_config *cfg;
	struct usb_interface *intf;
	struct wdfio_usb_device *d;
	struct wdfio_target *t;
	NTSTATUS status;
	unsigned int n;

	if (!UsbDevice)
		return STATUS_INVALID_PARAMETER;
	*UsbDevice = NULL;
	if (!wdfio_can_sleep()) {
		wdfio_misuse("called from atomic context");
		return STATUS_INVALID_DEVICE_REQUEST;
	}
	if (!(tagged & WDFIO_USB_INTERFACE_TAG) || tagged == WDFIO_USB_INTERFACE_TAG) {
		wdfio_misuse("Device %p is not WdfDeviceFromUsbInterface()", Device);
		return STATUS_INVALID_PARAMETER;
	}
	if (Config && Config->Size != sizeof(*Config))
		return STATUS_INFO_LENGTH_MISMATCH;
	status = wdfio_object_check_attributes(Attributes);
	if (!NT_SUCCESS(status))
		return status;
	intf = (struct usb_interface *)(tagged & ~WDFIO_USB_INTERFACE_TAG);

	t = wdfio_target_alloc(sizeof(*d), Attributes, WDFIO_TARGET_USB_DEVICE,
			       NULL, &status);
	if (!t)
		return status;
	d = container_of(t, struct wdfio_usb_device, t);
	d->udev = usb_get_dev(interface_to_usbdev(intf));
	d->intf = usb_get_intf(intf);
	d->driver = intf->dev.driver;
	mutex_init(&d->cfg_lock);
	wdfio_usb_device_init_backend(d);
	memcpy(&d->desc, &d->udev->descriptor, sizeof(d->desc));
	cfg = d->udev->actconfig;
	if (cfg) {
		n = cfg - d->udev->config;
		d->config_len = le16_to_cpu(cfg->desc.wTotalLength);
		d->config = kmemdup(d->udev->rawdescriptors[n], d->config_len,
				    GFP_KERNEL);
		if (!d->config) {
			status = STATUS_INSUFFICIENT_RESOURCES;
			goto out_put;
		}
	}
	status = wdfio_object_link(&t->obj, Attributes, NULL);
	if (!NT_SUCCESS(status))
		goto out_put;
	t->open = true;
	t->state = WdfIoTargetStarted;
	status = wdfio_usb_device_make_interfaces(d);
	if (!NT_SUCCESS(status)) {
		wdfio_object_delete(&t->obj);
		return status;
	}
	*UsbDevice = (WDFUSBDEVICE)&t->obj;
	return STATUS_SUCCESS;

out_put:
	/* The release drops the USB references */
	wdfio_object_put(&t->obj);
	return status;
}

/**
 * WdfUsbTargetDeviceCreate() - create the USB device target of a bound interface
 * @Device: WdfDeviceFromUsbInterface(intf) of the interface the driver's
 *	probe() was called with (<wdflinux.h>); nothing else is accepted
 * @Attributes: object attributes (no default parent: the driver deletes
 *	the device in its disconnect())
 * @UsbDevice: receives the handle, also an I/O target (the default pipe)
 *
 * The device's interfaces are the one it was created from and every other
 * interface of the active configuration bound to the same driver. The
 * target is started; control transfers may be sent at once.
 *
 * Context: Process context (KMDF: PASSIVE_LEVEL), normally probe().
 * Return: STATUS_SUCCESS; STATUS_INVALID_PARAMETER (NULL @UsbDevice, @Device
 * not an interface); STATUS_INFO_LENGTH_MISMATCH; STATUS_INVALID_HANDLE
 * (parent); STATUS_INSUFFICIENT_RESOURCES; STATUS_INVALID_DEVICE_REQUEST
 * from atomic context.
 */
NTSTATUS WdfUsbTargetDeviceCreate(WDFDEVICE Device,
				  PWDF_OBJECT_ATTRIBUTES Attributes,
				  WDFUSBDEVICE *UsbDevice)
{
	return wdfio_usb_device_create(Device, NULL, Attributes, UsbDevice);
}
EXPORT_SYMBOL_GPL(WdfUsbTargetDeviceCreate);

/**
 * WdfUsbTargetDeviceCreateWithParameters() - WdfUsbTargetDeviceCreate with a config
 * @Device: as WdfUsbTargetDeviceCreate()
 * @Config: WDF_USB_DEVICE_CREATE_CONFIG_INIT'ed; the USBD client contract
 *	version is accepted and has no effect (wdfio builds no URBs)
 * @Attributes: as WdfUsbTargetDeviceCreate()
 * @UsbDevice: as WdfUsbTargetDeviceCreate()
 *
 * Context: Process context.
 * Return: as WdfUsbTargetDeviceCreate(), plus STATUS_INVALID_PARAMETER for a
 * NULL @Config and STATUS_INFO_LENGTH_MISMATCH for a bad Size.
 */
NTSTATUS WdfUsbTargetDeviceCreateWithParameters(WDFDEVICE Device,
						PWDF_USB_DEVICE_CREATE_CONFIG Config,
						PWDF_OBJECT_ATTRIBUTES Attributes,
						WDFUSBDEVICE *UsbDevice)
{
	if (!Config) {
		if (UsbDevice)
			*UsbDevice = NULL;
		return STATUS_INVALID_PARAMETER;
	}
	return wdfio_usb_device_create(Device, Config, Attributes, UsbDevice);
}
EXPORT_SYMBOL_GPL(WdfUsbTargetDeviceCreateWithParameters);

/*
 * Every pipe of @d, each referenced, for the device target's Stop, Start
 * and Purge. Any context. Returns the count; *out is kfree'd by the caller.
 */
static unsigned int wdfio_usb_device_pipes(struct wdfio_usb_device *d,
					   struct wdfio_usb_pipe ***out)
{
	struct wdfio_usb_pipe **all = NULL;
	unsigned int n = 0, k, j, cap;
	unsigned long flags;

	for (;;) {
		spin_lock_irqsave(&d->t.lock, flags);
		for (cap = 0, k = 0; k < d->nr_ifs; k++)
			cap += d->ifs[k]->nr_pipes;
		if (all && n >= cap)
			break;
		spin_unlock_irqrestore(&d->t.lock, flags);
		kfree(all);
		n = cap;
		all = kcalloc(max(cap, 1U), sizeof(*all), GFP_ATOMIC);
		if (!all) {
			*out = NULL;
			return 0;
		}
	}
	for (n = 0, k = 0; k < d->nr_ifs; k++) {
		for (j = 0; j < d->ifs[k]->nr_pipes; j++) {
			all[n] = d->ifs[k]->pipes[j];
			wdfio_object_get(&all[n++]->t.obj);
		}
	}
	spin_unlock_irqrestore(&d->t.lock, flags);
	*out = all;
	return n;
}

/**
 * wdfio_usb_device_pipes_do() - Stop, Start or Purge a device's pipes too
 * @t: a target; nothing happens unless it is a WDFUSBDEVICE
 * @what: 's' (stop), 'g' (start) or 'p' (purge)
 * @action: the Stop or Purge action
 *
 * KMDF's FxUsbDevice applies its own Stop/Start/Purge to every pipe. On a
 * pipe with a continuous reader, Stop and Purge (called after the state
 * change) wait for the reader here, as KMDF's FxUsbPipe does.
 *
 * Context: As the DDI that calls it.
 */
void wdfio_usb_device_pipes_do(struct wdfio_target *t, char what, int action)
{
	struct wdfio_usb_device *d = wdfio_usb_device_of(t);
	struct wdfio_usb_pipe *p = wdfio_usb_pipe_of(t);
	struct wdfio_usb_pipe **pipes;
	unsigned int n, k;

	if (p && (what == 's' || what == 'p'))
		wdfio_usb_reader_quiesce(p);
	if (!d)
		return;
	n = wdfio_usb_device_pipes(d, &pipes);
	for (k = 0; k < n; k++) {
		if (what == 's')
			wdfio_target_stop(&pipes[k]->t, action);
		else if (what == 'p')
			wdfio_target_purge(&pipes[k]->t, action);
		else
			wdfio_target_start(&pipes[k]->t);
		wdfio_object_put(&pipes[k]->t.obj);
	}
	kfree(pipes);
}

/**
 * wdfio_usb_target_dispose() - a WDFUSBDEVICE or WDFUSBPIPE is deleted
 * @t: the target
 *
 * A pipe stops its reader and closes (cancels and waits for its I/O). The
 * device is deleted after its interfaces and pipes (children first); it
 * marks itself gone, closes its default pipe the same way, and drops its
 * references on the Linux device and interfaces: after this, wdfio never
 * touches them again, so the driver's disconnect() may return.
 *
 * Context: Process context (sleeps).
 */
void wdfio_usb_target_dispose(struct wdfio_target *t)
{
	struct wdfio_usb_device *d = wdfio_usb_device_of(t);
	struct wdfio_usb_pipe *p = wdfio_usb_pipe_of(t);
	unsigned int k;

	if (!wdfio_can_sleep()) {
		wdfio_misuse("USB target %p deleted from atomic context", t);
		return;
	}
	if (p) {
		wdfio_usb_reader_stop(p);
		wdfio_target_close(t, WdfIoTargetDeleted);
		/* The reader's requests reference the pipe: drop them now */
		wdfio_usb_reader_free(p);
		return;
	}
	mutex_lock(&d->cfg_lock);
	WRITE_ONCE(d->gone, true);
	wdfio_usb_device_flush_suspects(d);
	/* The pipes are closed already (children are deleted first) */
	for (k = 0; k < d->nr_ifs; k++)
		wdfio_usb_interface_drop_pipes(d->ifs[k]);
	wdfio_target_close(t, WdfIoTargetDeleted);
	cancel_delayed_work_sync(&d->suspect_work);
	for (k = 0; k < d->nr_ifs; k++) {
		usb_put_intf(d->ifs[k]->intf);
		d->ifs[k]->intf = NULL;
	}
	mutex_unlock(&d->cfg_lock);
}

/**
 * wdfio_usb_target_release() - the last reference on a USB target is gone
 * @t: the target
 *
 * Context: Any context.
 */
void wdfio_usb_target_release(struct wdfio_target *t)
{
	struct wdfio_usb_device *d = wdfio_usb_device_of(t);
	unsigned int k;

	if (!d)
		return;
	for (k = 0; k < d->nr_ifs; k++)
		wdfio_object_put(&d->ifs[k]->obj);
	kfree(d->config);
	if (d->intf)
		usb_put_intf(d->intf);
	if (d->udev)
		usb_put_dev(d->udev);
}

static struct wdfio_usb_device *wdfio_usb_dev_check(WDFUSBDEVICE h)
{
	struct wdfio_usb_device *d = wdfio_usb_device_from_handle(h);

	if (!d)
		wdfio_misuse("invalid WDFUSBDEVICE %p", h);
	return d;
}

/**
 * WdfUsbTargetDeviceRetrieveInformation() - USBD version, port and traits
 * @UsbDevice: the device
 * @Information: WDF_USB_DEVICE_INFORMATION_INIT'ed
 *
 * USBDI_Version is 0x600, Supported_USB_Version the device's bcdUSB,
 * HcdPortCapabilities 0; Traits from the active configuration and speed.
 *
 * Context: Any context.
 * Return: STATUS_SUCCESS; STATUS_INVALID_HANDLE; STATUS_INVALID_PARAMETER;
 * STATUS_INFO_LENGTH_MISMATCH (Size).
 */
NTSTATUS WdfUsbTargetDeviceRetrieveInformation(WDFUSBDEVICE UsbDevice,
					       PWDF_USB_DEVICE_INFORMATION Information)
{
	struct wdfio_usb_device *d = wdfio_usb_dev_check(UsbDevice);
	const USB_CONFIGURATION_DESCRIPTOR *cfg;

	if (!d)
		return STATUS_INVALID_HANDLE;
	if (!Information)
		return STATUS_INVALID_PARAMETER;
	if (Information->Size != sizeof(*Information))
		return STATUS_INFO_LENGTH_MISMATCH;
	cfg = d->config;
	Information->UsbdVersionInformation.USBDI_Version = 0x600;
	Information->UsbdVersionInformation.Supported_USB_Version =
		d->desc.bcdUSB;	/* x86_64: the wire order */
	Information->HcdPortCapabilities = 0;
	Information->Traits = 0;
	if (cfg && (cfg->bmAttributes & USB_CONFIG_SELF_POWERED))
		Information->Traits |= WDF_USB_DEVICE_TRAIT_SELF_POWERED;
	if (cfg && (cfg->bmAttributes & USB_CONFIG_REMOTE_WAKEUP))
		Information->Traits |= WDF_USB_DEVICE_TRAIT_REMOTE_WAKE_CAPABLE;
	if (d->udev && d->udev->speed >= USB_SPEED_HIGH)
		Information->Traits |= WDF_USB_DEVICE_TRAIT_AT_HIGH_SPEED;
	return STATUS_SUCCESS;
}
EXPORT_SYMBOL_GPL(WdfUsbTargetDeviceRetrieveInformation);

/**
 * WdfUsbTargetDeviceGetDeviceDescriptor() - the device descriptor
 * @UsbDevice: the device
 * @UsbDeviceDescriptor: receives the descriptor (cached at creation)
 *
 * Context: Any context (KMDF: PASSIVE_LEVEL).
 * Return: Nothing.
 */
VOID WdfUsbTargetDeviceGetDeviceDescriptor(WDFUSBDEVICE UsbDevice,
					   PUSB_DEVICE_DESCRIPTOR UsbDeviceDescriptor)
{
	struct wdfio_usb_device *d = wdfio_usb_dev_check(UsbDevice);

	if (d && UsbDeviceDescriptor)
		*UsbDeviceDescriptor = d->desc;
}
EXPORT_SYMBOL_GPL(WdfUsbTargetDeviceGetDeviceDescriptor);

/**
 * WdfUsbTargetDeviceRetrieveConfigDescriptor() - the active configuration
 * @UsbDevice: the device
 * @ConfigDescriptor: buffer for the descriptor and all that follows it, or
 *	NULL to ask for the size
 * @ConfigDescriptorLength: in: bytes at @ConfigDescriptor; out: the size
 *
 * Context: Any context (KMDF: PASSIVE_LEVEL).
 * Return: STATUS_SUCCESS; STATUS_BUFFER_TOO_SMALL (NULL or short buffer,
 * *@ConfigDescriptorLength set to the size); STATUS_INVALID_HANDLE;
 * STATUS_INVALID_PARAMETER (NULL length); STATUS_INVALID_DEVICE_STATE (no
 * active configuration).
 */
NTSTATUS WdfUsbTargetDeviceRetrieveConfigDescriptor(WDFUSBDEVICE UsbDevice,
						    PVOID ConfigDescriptor,
						    PUSHORT ConfigDescriptorLength)
{
	struct wdfio_usb_device *d = wdfio_usb_dev_check(UsbDevice);

	if (!d)
		return STATUS_INVALID_HANDLE;
	if (!ConfigDescriptorLength)
		return STATUS_INVALID_PARAMETER;
	if (!d->config)
		return STATUS_INVALID_DEVICE_STATE;
	if (!ConfigDescriptor || *ConfigDescriptorLength < d->config_len) {
		*ConfigDescriptorLength = d->config_len;
		return STATUS_BUFFER_TOO_SMALL;
	}
	memcpy(ConfigDescriptor, d->config, d->config_len);
	*ConfigDescriptorLength = d->config_len;
	return STATUS_SUCCESS;
}
EXPORT_SYMBOL_GPL(WdfUsbTargetDeviceRetrieveConfigDescriptor);

/* usb_set_interface() of @i to setting index @idx, and its new pipes */
static NTSTATUS wdfio_usb_interface_set(struct wdfio_usb_interface *i, u8 idx,
					PWDF_OBJECT_ATTRIBUTES attr)
{
	int err;

	if (idx >= i->intf->num_altsetting)
		return STATUS_INVALID_PARAMETER;
	wdfio_usb_interface_drop_pipes(i);
	if (i->intf->cur_altsetting != &i->intf->altsetting[idx]) {
		err = usb_set_interface(i->dev->udev, i->number,
					i->intf->altsetting[idx].desc.bAlternateSetting);
		if (err)
			return wdfio_ntstatus_from_errno(err);
	}
	return wdfio_usb_interface_make_pipes(i, attr);
}

/**
 * WdfUsbTargetDeviceSelectConfig() - create the interface and pipe objects
 * @UsbDevice: the device
 * @PipeAttributes: attributes of every pipe object, or NULL
 * @Params: WDF_USB_DEVICE_SELECT_CONFIG_PARAMS_INIT_SINGLE_INTERFACE or
 *	_INIT_MULTIPLE_INTERFACES (with or without setting pairs)
 *
 * The Linux USB core has configured the device already; this makes the
 * pipes of each interface's current setting (with pairs: selects those
 * settings first). A second call replaces the pipes. SingleInterface needs a
 * device with exactly one interface (KMDF). Deconfig, InterfacesDescriptor
 * and Urb are not supported (README).
 *
 * Context: Process context (sleeps: closing old pipes, usb_set_interface).
 * Return: STATUS_SUCCESS; STATUS_INVALID_HANDLE; STATUS_INVALID_PARAMETER
 * (NULL params, SingleInterface on several interfaces, bad pair);
 * STATUS_INFO_LENGTH_MISMATCH; STATUS_NOT_SUPPORTED; STATUS_INVALID_DEVICE_STATE
 * (device deleted); STATUS_INVALID_DEVICE_REQUEST (atomic context); errors
 * of usb_set_interface(); STATUS_INSUFFICIENT_RESOURCES.
 */
NTSTATUS WdfUsbTargetDeviceSelectConfig(WDFUSBDEVICE UsbDevice,
					PWDF_OBJECT_ATTRIBUTES PipeAttributes,
					PWDF_USB_DEVICE_SELECT_CONFIG_PARAMS Params)
{
	struct wdfio_usb_device *d = wdfio_usb_dev_check(UsbDevice);
	NTSTATUS status = STATUS_SUCCESS;
	unsigned int k, j;

	if (!d)
		return STATUS_INVALID_HANDLE;
	if (!Params)
		return STATUS_INVALID_PARAMETER;
	if (Params->Size != sizeof(*Params))
		return STATUS_INFO_LENGTH_MISMATCH;
	if (!wdfio_can_sleep()) {
		wdfio_misuse("called from atomic context");
		return STATUS_INVALID_DEVICE_REQUEST;
	}
	status = wdfio_object_check_attributes(PipeAttributes);
	if (!NT_SUCCESS(status))
		return status;
	mutex_lock(&d->cfg_lock);
	if (READ_ONCE(d->gone) || !READ_ONCE(d->t.open)) {
		status = STATUS_INVALID_DEVICE_STATE;
		goto out_unlock;
	}
	switch (Params->Type) {
	case WdfUsbTargetDeviceSelectConfigTypeSingleInterface:
		if (d->nr_ifs != 1) {
			status = STATUS_INVALID_PARAMETER;
			break;
		}
		wdfio_usb_interface_drop_pipes(d->ifs[0]);
		status = wdfio_usb_interface_make_pipes(d->ifs[0], PipeAttributes);
		if (NT_SUCCESS(status)) {
			Params->Types.SingleInterface.NumberConfiguredPipes =
				d->ifs[0]->nr_pipes;
			Params->Types.SingleInterface.ConfiguredUsbInterface =
				wdfio_usb_interface_handle(d->ifs[0]);
		}
		break;
	case WdfUsbTargetDeviceSelectConfigTypeMultiInterface:
		for (k = 0; k < d->nr_ifs && NT_SUCCESS(status); k++) {
			wdfio_usb_interface_drop_pipes(d->ifs[k]);
			status = wdfio_usb_interface_make_pipes(d->ifs[k],
								PipeAttributes);
		}
		if (NT_SUCCESS(status))
			Params->Types.MultiInterface.NumberOfConfiguredInterfaces =
				d->nr_ifs;
		break;
	case WdfUsbTargetDeviceSelectConfigTypeInterfacesPairs:
		if (!Params->Types.MultiInterface.Pairs ||
		    !Params->Types.MultiInterface.NumberInterfaces) {
			status = STATUS_INVALID_PARAMETER;
			break;
		}
		for (j = 0; j < Params->Types.MultiInterface.NumberInterfaces &&
		     NT_SUCCESS(status); j++) {
			PWDF_USB_INTERFACE_SETTING_PAIR pair =
				&Params->Types.MultiInterface.Pairs[j];
			struct wdfio_usb_interface *i =
				wdfio_usb_interface_from_handle(pair->UsbInterface);

			if (!i || i->dev != d) {
				status = STATUS_INVALID_PARAMETER;
				break;
			}
			status = wdfio_usb_interface_set(i, pair->SettingIndex,
							 PipeAttributes);
		}
		if (NT_SUCCESS(status))
			Params->Types.MultiInterface.NumberOfConfiguredInterfaces =
				Params->Types.MultiInterface.NumberInterfaces;
		break;
	case WdfUsbTargetDeviceSelectConfigTypeDeconfig:
	case WdfUsbTargetDeviceSelectConfigTypeInterfacesDescriptor:
	case WdfUsbTargetDeviceSelectConfigTypeUrb:
		status = STATUS_NOT_SUPPORTED;
		break;
	default:
		status = STATUS_INVALID_PARAMETER;
		break;
	}
out_unlock:
	mutex_unlock(&d->cfg_lock);
	return status;
}
EXPORT_SYMBOL_GPL(WdfUsbTargetDeviceSelectConfig);

/**
 * WdfUsbTargetDeviceGetNumInterfaces() - number of interfaces of the device
 * @UsbDevice: the device
 *
 * Context: Any context.
 * Return: the count (0 for a bad handle).
 */
UCHAR WdfUsbTargetDeviceGetNumInterfaces(WDFUSBDEVICE UsbDevice)
{
	struct wdfio_usb_device *d = wdfio_usb_dev_check(UsbDevice);

	return d ? d->nr_ifs : 0;
}
EXPORT_SYMBOL_GPL(WdfUsbTargetDeviceGetNumInterfaces);

/**
 * WdfUsbTargetDeviceGetInterface() - an interface of the device by index
 * @UsbDevice: the device
 * @InterfaceIndex: 0 .. WdfUsbTargetDeviceGetNumInterfaces() - 1 (index 0
 *	is the interface the device was created from)
 *
 * Context: Any context.
 * Return: the interface, or NULL for a bad handle or index.
 */
WDFUSBINTERFACE WdfUsbTargetDeviceGetInterface(WDFUSBDEVICE UsbDevice,
					       UCHAR InterfaceIndex)
{
	struct wdfio_usb_device *d = wdfio_usb_dev_check(UsbDevice);

	if (!d || InterfaceIndex >= d->nr_ifs)
		return NULL;
	return wdfio_usb_interface_handle(d->ifs[InterfaceIndex]);
}
EXPORT_SYMBOL_GPL(WdfUsbTargetDeviceGetInterface);

/**
 * WdfUsbTargetDeviceIsConnectedSynchronous() - is the device still attached?
 * @UsbDevice: the device
 *
 * Context: Process context (KMDF: PASSIVE_LEVEL).
 * Return: STATUS_SUCCESS if attached; STATUS_DEVICE_DOES_NOT_EXIST once it
 * is disconnected (or its WDFUSBDEVICE deleted); STATUS_INVALID_HANDLE.
 */
NTSTATUS WdfUsbTargetDeviceIsConnectedSynchronous(WDFUSBDEVICE UsbDevice)
{
	struct wdfio_usb_device *d = wdfio_usb_dev_check(UsbDevice);

	if (!d)
		return STATUS_INVALID_HANDLE;
	if (READ_ONCE(d->gone) ||
	    READ_ONCE(d->udev->state) == USB_STATE_NOTATTACHED)
		return STATUS_DEVICE_DOES_NOT_EXIST;
	return STATUS_SUCCESS;
}
EXPORT_SYMBOL_GPL(WdfUsbTargetDeviceIsConnectedSynchronous);

/**
 * WdfUsbTargetDeviceResetPortSynchronously() - reset the device's port
 * @UsbDevice: the device
 *
 * Cancels the I/O sent to the device and every pipe and waits for the
 * pipes' urbs, then usb_reset_device(); a request sent to a pipe before the
 * reset is over ends with STATUS_CANCELLED. Linux calls the pre_reset()/post_reset() of every
 * driver of the device: a driver without them is unbound and probed again.
 *
 * Context: Process context (sleeps), not from the driver's own probe,
 * disconnect, pre_reset or post_reset.
 * Return: STATUS_SUCCESS; STATUS_INVALID_HANDLE; STATUS_INVALID_DEVICE_REQUEST
 * (atomic context); STATUS_DEVICE_DOES_NOT_EXIST (gone); the reset's error.
 */
NTSTATUS WdfUsbTargetDeviceResetPortSynchronously(WDFUSBDEVICE UsbDevice)
{
	struct wdfio_usb_device *d = wdfio_usb_dev_check(UsbDevice);
	struct wdfio_usb_pipe **pipes;
	struct usb_interface *intf;
	struct usb_device *udev;
	unsigned int n, k;
	int err;

	if (!d)
		return STATUS_INVALID_HANDLE;
	if (!wdfio_can_sleep()) {
		wdfio_misuse("called from atomic context");
		return STATUS_INVALID_DEVICE_REQUEST;
	}
	if (WdfUsbTargetDeviceIsConnectedSynchronous(UsbDevice) != STATUS_SUCCESS)
		return STATUS_DEVICE_DOES_NOT_EXIST;
	/*
	 * Until the reset is over, the pipes refuse new urbs (their sends
	 * end with STATUS_CANCELLED) after their urbs in flight were killed.
	 */
	n = wdfio_usb_device_pipes(d, &pipes);
	for (k = 0; k < n; k++)
		wdfio_usb_pipe_drain_begin(pipes[k]);
	wdfio_target_cancel_sent(&d->t, true);
	/*
	 * A driver without pre_reset/post_reset is unbound by the reset, and
	 * its disconnect() deletes @d: use only our own references after it.
	 */
	udev = usb_get_dev(d->udev);
	intf = usb_get_intf(d->intf);
	err = usb_lock_device_for_reset(udev, intf);
	if (!err) {
		err = usb_reset_device(udev);
		usb_unlock_device(udev);
	}
	usb_put_intf(intf);
	usb_put_dev(udev);
	/* Our references keep the pipes even if the reset deleted them */
	for (k = 0; k < n; k++) {
		wdfio_usb_pipe_drain_end(pipes[k]);
		wdfio_object_put(&pipes[k]->t.obj);
	}
	kfree(pipes);
	return wdfio_ntstatus_from_errno(err);
}
EXPORT_SYMBOL_GPL(WdfUsbTargetDeviceResetPortSynchronously);

/* ------------------------------------------------------------------ */
/* Formats and synchronous sends                                       */

/**
 * wdfio_usb_check_format() - may @fmt be sent to USB target @t?
 * @t: the target (its lock held)
 * @fmt: the format
 *
 * Context: Any context; called under @t->lock.
 * Return: STATUS_SUCCESS; STATUS_INVALID_DEVICE_REQUEST (operation the
 * target does not do: wrong direction or pipe type, a block format on a USB
 * target or the reverse); STATUS_INVALID_BUFFER_SIZE (read not a multiple
 * of the packet size); STATUS_INVALID_PARAMETER (control transfer > 64 KiB).
 */
NTSTATUS wdfio_usb_check_format(struct wdfio_target *t,
				struct wdfio_format *fmt)
{
	struct wdfio_usb_pipe *p = wdfio_usb_pipe_of(t);
	bool data, read = fmt->op == WDFIO_OP_USB_READ;

	if (t->kind == WDFIO_TARGET_BLOCK || !wdfio_op_is_usb(fmt->op))
		return STATUS_INVALID_DEVICE_REQUEST;
	if (t->kind == WDFIO_TARGET_USB_DEVICE) {
		if (fmt->op != WDFIO_OP_USB_CONTROL)
			return STATUS_INVALID_DEVICE_REQUEST;
		return fmt->data.len > 0xFFFF ? STATUS_INVALID_PARAMETER :
						STATUS_SUCCESS;
	}
	if (fmt->op == WDFIO_OP_USB_CONTROL)
		return STATUS_INVALID_DEVICE_REQUEST;
	data = fmt->op == WDFIO_OP_USB_READ || fmt->op == WDFIO_OP_USB_WRITE;
	if (!data)
		return STATUS_SUCCESS;
	if (p->type != WdfUsbPipeTypeBulk && p->type != WdfUsbPipeTypeInterrupt)
		return STATUS_INVALID_DEVICE_REQUEST;
	if (usb_endpoint_dir_in(&p->desc) != read)
		return STATUS_INVALID_DEVICE_REQUEST;
	if (read && !READ_ONCE(p->no_maxp_check) &&
	    usb_endpoint_maxp(&p->desc) &&
	    fmt->data.len % usb_endpoint_maxp(&p->desc))
		return STATUS_INVALID_BUFFER_SIZE;
	return STATUS_SUCCESS;
}

static NTSTATUS wdfio_usb_format_pipe(WDFUSBPIPE Pipe, WDFREQUEST Request,
				      enum wdfio_op op, WDFMEMORY memory,
				      PWDFMEMORY_OFFSET offsets)
{
	struct wdfio_usb_pipe *p = wdfio_usb_pipe_from_handle(Pipe);
	struct wdfio_request *req = wdfio_request_from_handle(Request);
	struct wdfio_format fmt = { .op = op };
	NTSTATUS status;

	if (!p || !req) {
		wdfio_misuse("invalid WDFUSBPIPE %p or WDFREQUEST %p", Pipe,
			     Request);
		return STATUS_INVALID_HANDLE;
	}
	status = wdfio_buf_from_memory(&fmt.data, memory, offsets);
	if (!NT_SUCCESS(status)) {
		wdfio_request_unformat(req);
		return status;
	}
	return wdfio_bind_format(&p->t, req, &fmt);
}

/**
 * WdfUsbTargetPipeFormatRequestForRead() - format a bulk/interrupt IN transfer
 * @Pipe: an IN bulk or interrupt pipe
 * @Request: the request (not sent)
 * @ReadMemory: where the data goes, or NULL for a zero-length read
 * @ReadOffset: window into @ReadMemory, or NULL for all of it
 *
 * A short packet ends the transfer successfully (USBD_SHORT_TRANSFER_OK);
 * the completion params' PipeRead.Length and IoStatus.Information are the
 * bytes received.
 *
 * Context: Any context.
 * Return: STATUS_SUCCESS; STATUS_INVALID_HANDLE; STATUS_INTEGER_OVERFLOW;
 * STATUS_INVALID_DEVICE_REQUEST (not an IN bulk/interrupt pipe);
 * STATUS_INVALID_BUFFER_SIZE (length not a multiple of MaximumPacketSize,
 * unless WdfUsbTargetPipeSetNoMaximumPacketSizeCheck); STATUS_INVALID_DEVICE_STATE
 * (pipe deleted or device gone, request sent).
 */
NTSTATUS WdfUsbTargetPipeFormatRequestForRead(WDFUSBPIPE Pipe, WDFREQUEST Request,
					      WDFMEMORY ReadMemory,
					      PWDFMEMORY_OFFSET ReadOffset)
{
	return wdfio_usb_format_pipe(Pipe, Request, WDFIO_OP_USB_READ,
				     ReadMemory, ReadOffset);
}
EXPORT_SYMBOL_GPL(WdfUsbTargetPipeFormatRequestForRead);

/**
 * WdfUsbTargetPipeFormatRequestForWrite() - format a bulk/interrupt OUT transfer
 * @Pipe: an OUT bulk or interrupt pipe
 * @Request: the request (not sent)
 * @WriteMemory: the data, or NULL for a zero-length packet
 * @WriteOffset: window into @WriteMemory, or NULL for all of it
 *
 * No zero-length packet is added after a transfer that is a multiple of the
 * packet size (as on Windows): send one with a NULL @WriteMemory.
 *
 * Context: Any context.
 * Return: as WdfUsbTargetPipeFormatRequestForRead(), without the size check.
 */
NTSTATUS WdfUsbTargetPipeFormatRequestForWrite(WDFUSBPIPE Pipe, WDFREQUEST Request,
					       WDFMEMORY WriteMemory,
					       PWDFMEMORY_OFFSET WriteOffset)
{
	return wdfio_usb_format_pipe(Pipe, Request, WDFIO_OP_USB_WRITE,
				     WriteMemory, WriteOffset);
}
EXPORT_SYMBOL_GPL(WdfUsbTargetPipeFormatRequestForWrite);

/**
 * WdfUsbTargetPipeFormatRequestForReset() - format a reset (clear halt)
 * @Pipe: the pipe
 * @Request: the request (not sent)
 *
 * When sent, the pipe's other requests are cancelled and waited for, then
 * usb_clear_halt() clears a stall and resets the data toggle.
 *
 * Context: Any context.
 * Return: STATUS_SUCCESS; STATUS_INVALID_HANDLE; STATUS_INVALID_DEVICE_STATE.
 */
NTSTATUS WdfUsbTargetPipeFormatRequestForReset(WDFUSBPIPE Pipe, WDFREQUEST Request)
{
	return wdfio_usb_format_pipe(Pipe, Request, WDFIO_OP_USB_RESET, NULL,
				     NULL);
}
EXPORT_SYMBOL_GPL(WdfUsbTargetPipeFormatRequestForReset);

/**
 * WdfUsbTargetPipeFormatRequestForAbort() - format an abort of the pipe's transfers
 * @Pipe: the pipe
 * @Request: the request (not sent)
 *
 * When sent, every other request sent to the pipe is cancelled (they end
 * with STATUS_CANCELLED) and the abort completes once their urbs ended; a
 * request sent to the pipe before that also ends with STATUS_CANCELLED.
 *
 * Context: Any context.
 * Return: STATUS_SUCCESS; STATUS_INVALID_HANDLE; STATUS_INVALID_DEVICE_STATE.
 */
NTSTATUS WdfUsbTargetPipeFormatRequestForAbort(WDFUSBPIPE Pipe, WDFREQUEST Request)
{
	return wdfio_usb_format_pipe(Pipe, Request, WDFIO_OP_USB_ABORT, NULL,
				     NULL);
}
EXPORT_SYMBOL_GPL(WdfUsbTargetPipeFormatRequestForAbort);

static NTSTATUS wdfio_usb_pipe_sync(WDFUSBPIPE Pipe, WDFREQUEST Request,
				    PWDF_REQUEST_SEND_OPTIONS options,
				    enum wdfio_op op,
				    PWDF_MEMORY_DESCRIPTOR desc, PULONG bytes)
{
	struct wdfio_usb_pipe *p = wdfio_usb_pipe_from_handle(Pipe);
	struct wdfio_format fmt = { .op = op };
	WDF_REQUEST_SEND_OPTIONS local;
	ULONG_PTR info = 0;
	NTSTATUS status;

	if (bytes)
		*bytes = 0;
	if (!p) {
		wdfio_misuse("invalid WDFUSBPIPE %p", Pipe);
		return STATUS_INVALID_HANDLE;
	}
	if (op == WDFIO_OP_USB_RESET) {
		/* KMDF sends a reset whatever the pipe's state */
		status = wdfio_check_send_options(options, true);
		if (!NT_SUCCESS(status))
			return status;
		if (options)
			local = *options;
		else
			WDF_REQUEST_SEND_OPTIONS_INIT(&local, 0);
		local.Flags |= WDF_REQUEST_SEND_OPTION_IGNORE_TARGET_STATE;
		options = &local;
	}
	status = wdfio_buf_from_descriptor(&fmt.data, desc);
	if (!NT_SUCCESS(status))
		return status;
	status = wdfio_send_sync((WDFIOTARGET)Pipe, Request, &fmt, options,
				 &info);
	if (bytes)
		*bytes = (ULONG)info;
	return status;
}

/**
 * WdfUsbTargetPipeReadSynchronously() - read from an IN pipe and wait
 * @Pipe: an IN bulk or interrupt pipe
 * @Request: a request to use, or NULL
 * @RequestOptions: send options (a timeout unlinks the urb), or NULL
 * @MemoryDescriptor: where the data goes, or NULL for a zero-length read
 * @BytesRead: receives the bytes read (on failure too), optional
 *
 * Context: Process context (sleeps).
 * Return: the transfer's status; the format errors of
 * WdfUsbTargetPipeFormatRequestForRead(); STATUS_INVALID_DEVICE_REQUEST from
 * atomic context; option and descriptor errors.
 */
NTSTATUS WdfUsbTargetPipeReadSynchronously(WDFUSBPIPE Pipe, WDFREQUEST Request,
					   PWDF_REQUEST_SEND_OPTIONS RequestOptions,
					   PWDF_MEMORY_DESCRIPTOR MemoryDescriptor,
					   PULONG BytesRead)
{
	return wdfio_usb_pipe_sync(Pipe, Request, RequestOptions,
				   WDFIO_OP_USB_READ, MemoryDescriptor, BytesRead);
}
EXPORT_SYMBOL_GPL(WdfUsbTargetPipeReadSynchronously);

/**
 * WdfUsbTargetPipeWriteSynchronously() - write to an OUT pipe and wait
 * @Pipe: an OUT bulk or interrupt pipe
 * @Request: a request to use, or NULL
 * @RequestOptions: send options, or NULL
 * @MemoryDescriptor: the data, or NULL for a zero-length packet
 * @BytesWritten: receives the bytes written (on failure too), optional
 *
 * Context: Process context (sleeps).
 * Return: as WdfUsbTargetPipeReadSynchronously().
 */
NTSTATUS WdfUsbTargetPipeWriteSynchronously(WDFUSBPIPE Pipe, WDFREQUEST Request,
					    PWDF_REQUEST_SEND_OPTIONS RequestOptions,
					    PWDF_MEMORY_DESCRIPTOR MemoryDescriptor,
					    PULONG BytesWritten)
{
	return wdfio_usb_pipe_sync(Pipe, Request, RequestOptions,
				   WDFIO_OP_USB_WRITE, MemoryDescriptor,
				   BytesWritten);
}
EXPORT_SYMBOL_GPL(WdfUsbTargetPipeWriteSynchronously);

/**
 * WdfUsbTargetPipeResetSynchronously() - clear a pipe's halt and wait
 * @Pipe: the pipe
 * @Request: a request to use, or NULL
 * @RequestOptions: send options, or NULL
 *
 * Cancels the pipe's sent requests and waits for them, then clears the halt
 * (CLEAR_FEATURE(ENDPOINT_HALT) and the host's data toggle). Sent whatever
 * the pipe's state, as in KMDF.
 *
 * Context: Process context (sleeps).
 * Return: STATUS_SUCCESS or the failure of the clear-halt request (e.g.
 * STATUS_NO_SUCH_DEVICE); STATUS_INVALID_HANDLE; option errors.
 */
NTSTATUS WdfUsbTargetPipeResetSynchronously(WDFUSBPIPE Pipe, WDFREQUEST Request,
					    PWDF_REQUEST_SEND_OPTIONS RequestOptions)
{
	return wdfio_usb_pipe_sync(Pipe, Request, RequestOptions,
				   WDFIO_OP_USB_RESET, NULL, NULL);
}
EXPORT_SYMBOL_GPL(WdfUsbTargetPipeResetSynchronously);

/**
 * WdfUsbTargetPipeAbortSynchronously() - cancel a pipe's transfers and wait
 * @Pipe: the pipe
 * @Request: a request to use, or NULL
 * @RequestOptions: send options, or NULL
 *
 * Sent like any request (it respects the pipe's state, as in KMDF).
 *
 * Context: Process context (sleeps).
 * Return: STATUS_SUCCESS; STATUS_INVALID_HANDLE; the send's failure.
 */
NTSTATUS WdfUsbTargetPipeAbortSynchronously(WDFUSBPIPE Pipe, WDFREQUEST Request,
					    PWDF_REQUEST_SEND_OPTIONS RequestOptions)
{
	return wdfio_usb_pipe_sync(Pipe, Request, RequestOptions,
				   WDFIO_OP_USB_ABORT, NULL, NULL);
}
EXPORT_SYMBOL_GPL(WdfUsbTargetPipeAbortSynchronously);

static NTSTATUS wdfio_usb_control_format(struct wdfio_format *fmt,
					 PWDF_USB_CONTROL_SETUP_PACKET setup)
{
	if (!setup) {
		wdfio_buf_release(&fmt->data);
		return STATUS_INVALID_PARAMETER;
	}
	fmt->setup = *setup;
	fmt->setup.Packet.wLength = (USHORT)min_t(size_t, fmt->data.len, 0xFFFF);
	return STATUS_SUCCESS;
}

/**
 * WdfUsbTargetDeviceFormatRequestForControlTransfer() - format a control transfer
 * @UsbDevice: the device (the transfer goes to endpoint 0)
 * @Request: the request (not sent)
 * @SetupPacket: from a WDF_USB_CONTROL_SETUP_PACKET_INIT* helper; wLength is
 *	replaced by the buffer's length, the direction comes from bm.Dir
 * @TransferMemory: the data stage buffer, or NULL for none
 * @TransferOffset: window into @TransferMemory, or NULL for all of it
 *
 * Short IN data stages are accepted (USBD_SHORT_TRANSFER_OK); the params'
 * DeviceControlTransfer.Length is the bytes moved.
 *
 * Context: Any context.
 * Return: STATUS_SUCCESS; STATUS_INVALID_HANDLE; STATUS_INVALID_PARAMETER (no
 * setup packet, buffer > 0xFFFF bytes); STATUS_INTEGER_OVERFLOW;
 * STATUS_INVALID_DEVICE_STATE (device deleted, request sent).
 */
NTSTATUS
WdfUsbTargetDeviceFormatRequestForControlTransfer(WDFUSBDEVICE UsbDevice,
						  WDFREQUEST Request,
						  PWDF_USB_CONTROL_SETUP_PACKET SetupPacket,
						  WDFMEMORY TransferMemory,
						  PWDFMEMORY_OFFSET TransferOffset)
{
	struct wdfio_usb_device *d = wdfio_usb_device_from_handle(UsbDevice);
	struct wdfio_request *req = wdfio_request_from_handle(Request);
	struct wdfio_format fmt = { .op = WDFIO_OP_USB_CONTROL };
	NTSTATUS status;

	if (!d || !req) {
		wdfio_misuse("invalid WDFUSBDEVICE %p or WDFREQUEST %p",
			     UsbDevice, Request);
		return STATUS_INVALID_HANDLE;
	}
	status = wdfio_buf_from_memory(&fmt.data, TransferMemory,
				       TransferOffset);
	if (NT_SUCCESS(status))
		status = wdfio_usb_control_format(&fmt, SetupPacket);
	if (!NT_SUCCESS(status)) {
		wdfio_request_unformat(req);
		return status;
	}
	return wdfio_bind_format(&d->t, req, &fmt);
}
EXPORT_SYMBOL_GPL(WdfUsbTargetDeviceFormatRequestForControlTransfer);

/**
 * WdfUsbTargetDeviceSendControlTransferSynchronously() - control transfer and wait
 * @UsbDevice: the device
 * @Request: a request to use, or NULL
 * @RequestOptions: send options (a timeout unlinks the urb), or NULL
 * @SetupPacket: the setup packet (wLength set from the buffer)
 * @MemoryDescriptor: the data stage buffer, or NULL for none
 * @BytesTransferred: receives the bytes moved, optional
 *
 * Context: Process context (sleeps).
 * Return: the transfer's status (a request the device rejects: STATUS_UNSUCCESSFUL
 * with USBD_STATUS_STALL_PID); the errors of
 * WdfUsbTargetDeviceFormatRequestForControlTransfer(); option and
 * descriptor errors; STATUS_INVALID_DEVICE_REQUEST from atomic context.
 */
NTSTATUS
WdfUsbTargetDeviceSendControlTransferSynchronously(WDFUSBDEVICE UsbDevice,
						   WDFREQUEST Request,
						   PWDF_REQUEST_SEND_OPTIONS RequestOptions,
						   PWDF_USB_CONTROL_SETUP_PACKET SetupPacket,
						   PWDF_MEMORY_DESCRIPTOR MemoryDescriptor,
						   PULONG BytesTransferred)
{
	struct wdfio_usb_device *d = wdfio_usb_device_from_handle(UsbDevice);
	struct wdfio_format fmt = { .op = WDFIO_OP_USB_CONTROL };
	ULONG_PTR info = 0;
	NTSTATUS status;

	if (BytesTransferred)
		*BytesTransferred = 0;
	if (!d) {
		wdfio_misuse("invalid WDFUSBDEVICE %p", UsbDevice);
		return STATUS_INVALID_HANDLE;
	}
	status = wdfio_buf_from_descriptor(&fmt.data, MemoryDescriptor);
	if (NT_SUCCESS(status))
		status = wdfio_usb_control_format(&fmt, SetupPacket);
	if (!NT_SUCCESS(status))
		return status;
	status = wdfio_send_sync((WDFIOTARGET)UsbDevice, Request, &fmt,
				 RequestOptions, &info);
	if (BytesTransferred)
		*BytesTransferred = (ULONG)info;
	return status;
}
EXPORT_SYMBOL_GPL(WdfUsbTargetDeviceSendControlTransferSynchronously);

/* ------------------------------------------------------------------ */
/* Interface DDIs                                                      */

static struct wdfio_usb_interface *wdfio_usb_if_check(WDFUSBINTERFACE h)
{
	struct wdfio_usb_interface *i = wdfio_usb_interface_from_handle(h);

	if (!i)
		wdfio_misuse("invalid WDFUSBINTERFACE %p", h);
	return i;
}

static struct usb_host_interface *wdfio_usb_if_alt(struct wdfio_usb_interface *i,
						   UCHAR setting)
{
	if (!i || !i->intf || setting >= i->intf->num_altsetting)
		return NULL;
	return &i->intf->altsetting[setting];
}

/**
 * WdfUsbInterfaceGetInterfaceNumber() - bInterfaceNumber of an interface
 * @UsbInterface: the interface
 *
 * Context: Any context.
 * Return: the number (0 for a bad handle).
 */
BYTE WdfUsbInterfaceGetInterfaceNumber(WDFUSBINTERFACE UsbInterface)
{
	struct wdfio_usb_interface *i = wdfio_usb_if_check(UsbInterface);

	return i ? i->number : 0;
}
EXPORT_SYMBOL_GPL(WdfUsbInterfaceGetInterfaceNumber);

/**
 * WdfUsbInterfaceGetNumEndpoints() - endpoints of an alternate setting
 * @UsbInterface: the interface
 * @SettingIndex: the alternate setting index
 *
 * Context: Any context.
 * Return: bNumEndpoints, or 0 for a bad handle or index.
 */
BYTE WdfUsbInterfaceGetNumEndpoints(WDFUSBINTERFACE UsbInterface, UCHAR SettingIndex)
{
	struct usb_host_interface *alt =
		wdfio_usb_if_alt(wdfio_usb_if_check(UsbInterface), SettingIndex);

	return alt ? alt->desc.bNumEndpoints : 0;
}
EXPORT_SYMBOL_GPL(WdfUsbInterfaceGetNumEndpoints);

/**
 * WdfUsbInterfaceGetDescriptor() - the interface descriptor of a setting
 * @UsbInterface: the interface
 * @SettingIndex: the alternate setting index
 * @InterfaceDescriptor: receives the descriptor (zeroed for a bad index)
 *
 * Context: Any context.
 * Return: Nothing.
 */
VOID WdfUsbInterfaceGetDescriptor(WDFUSBINTERFACE UsbInterface, UCHAR SettingIndex,
				  PUSB_INTERFACE_DESCRIPTOR InterfaceDescriptor)
{
	struct usb_host_interface *alt =
		wdfio_usb_if_alt(wdfio_usb_if_check(UsbInterface), SettingIndex);

	if (!InterfaceDescriptor)
		return;
	memset(InterfaceDescriptor, 0, sizeof(*InterfaceDescriptor));
	if (alt)
		memcpy(InterfaceDescriptor, &alt->desc, sizeof(*InterfaceDescriptor));
}
EXPORT_SYMBOL_GPL(WdfUsbInterfaceGetDescriptor);

/**
 * WdfUsbInterfaceGetNumSettings() - number of alternate settings
 * @UsbInterface: the interface
 *
 * Context: Any context.
 * Return: the count, 0 for a bad handle.
 */
BYTE WdfUsbInterfaceGetNumSettings(WDFUSBINTERFACE UsbInterface)
{
	struct wdfio_usb_interface *i = wdfio_usb_if_check(UsbInterface);

	return i && i->intf ? i->intf->num_altsetting : 0;
}
EXPORT_SYMBOL_GPL(WdfUsbInterfaceGetNumSettings);

/**
 * WdfUsbInterfaceGetEndpointInformation() - an endpoint of any setting
 * @UsbInterface: the interface
 * @SettingIndex: the alternate setting index
 * @EndpointIndex: 0 .. WdfUsbInterfaceGetNumEndpoints() - 1
 * @EndpointInfo: WDF_USB_PIPE_INFORMATION_INIT'ed; filled in (left alone
 *	for a bad handle or index)
 *
 * Context: Any context.
 * Return: Nothing.
 */
VOID WdfUsbInterfaceGetEndpointInformation(WDFUSBINTERFACE UsbInterface, UCHAR SettingIndex,
					   UCHAR EndpointIndex,
					   PWDF_USB_PIPE_INFORMATION EndpointInfo)
{
	struct usb_host_interface *alt =
		wdfio_usb_if_alt(wdfio_usb_if_check(UsbInterface), SettingIndex);

	if (!alt || !EndpointInfo || EndpointIndex >= alt->desc.bNumEndpoints)
		return;
	wdfio_usb_fill_pipe_info(EndpointInfo, &alt->endpoint[EndpointIndex].desc,
				 SettingIndex);
}
EXPORT_SYMBOL_GPL(WdfUsbInterfaceGetEndpointInformation);

/**
 * WdfUsbInterfaceSelectSetting() - select an alternate setting
 * @UsbInterface: the interface
 * @PipesAttributes: attributes of the new pipe objects, or NULL
 * @Params: _INIT_SETTING(index) or _INIT_DESCRIPTOR(descriptor)
 *
 * The interface's old pipes are closed (their I/O cancelled and waited for)
 * and deleted; usb_set_interface() selects the setting; new pipes are made.
 *
 * Context: Process context (sleeps).
 * Return: STATUS_SUCCESS; STATUS_INVALID_HANDLE; STATUS_INVALID_PARAMETER
 * (bad index or descriptor); STATUS_INFO_LENGTH_MISMATCH; STATUS_NOT_SUPPORTED
 * (Urb); STATUS_INVALID_DEVICE_STATE (device gone); STATUS_INVALID_DEVICE_REQUEST
 * (atomic context); errors of usb_set_interface().
 */
NTSTATUS WdfUsbInterfaceSelectSetting(WDFUSBINTERFACE UsbInterface,
				      PWDF_OBJECT_ATTRIBUTES PipesAttributes,
				      PWDF_USB_INTERFACE_SELECT_SETTING_PARAMS Params)
{
	struct wdfio_usb_interface *i = wdfio_usb_if_check(UsbInterface);
	NTSTATUS status;
	int idx = -1, k;

	if (!i)
		return STATUS_INVALID_HANDLE;
	if (!Params)
		return STATUS_INVALID_PARAMETER;
	if (Params->Size != sizeof(*Params))
		return STATUS_INFO_LENGTH_MISMATCH;
	if (!wdfio_can_sleep()) {
		wdfio_misuse("called from atomic context");
		return STATUS_INVALID_DEVICE_REQUEST;
	}
	status = wdfio_object_check_attributes(PipesAttributes);
	if (!NT_SUCCESS(status))
		return status;
	mutex_lock(&i->dev->cfg_lock);
	if (READ_ONCE(i->dev->gone) || !i->intf) {
		status = STATUS_INVALID_DEVICE_STATE;
		goto out_unlock;
	}
	switch (Params->Type) {
	case WdfUsbInterfaceSelectSettingTypeSetting:
		idx = Params->Types.Interface.SettingIndex;
		break;
	case WdfUsbInterfaceSelectSettingTypeDescriptor:
		if (!Params->Types.Descriptor.InterfaceDescriptor)
			break;
		for (k = 0; k < i->intf->num_altsetting; k++)
			if (i->intf->altsetting[k].desc.bAlternateSetting ==
			    Params->Types.Descriptor.InterfaceDescriptor->bAlternateSetting)
				idx = k;
		break;
	case WdfUsbInterfaceSelectSettingTypeUrb:
		status = STATUS_NOT_SUPPORTED;
		goto out_unlock;
	default:
		break;
	}
	status = idx < 0 ? STATUS_INVALID_PARAMETER :
		 wdfio_usb_interface_set(i, idx, PipesAttributes);
out_unlock:
	mutex_unlock(&i->dev->cfg_lock);
	return status;
}
EXPORT_SYMBOL_GPL(WdfUsbInterfaceSelectSetting);

/**
 * WdfUsbInterfaceGetConfiguredSettingIndex() - the selected alternate setting
 * @Interface: the interface
 *
 * Context: Any context.
 * Return: the setting index (0 for a bad handle).
 */
BYTE WdfUsbInterfaceGetConfiguredSettingIndex(WDFUSBINTERFACE Interface)
{
	struct wdfio_usb_interface *i = wdfio_usb_if_check(Interface);

	return i ? i->setting : 0;
}
EXPORT_SYMBOL_GPL(WdfUsbInterfaceGetConfiguredSettingIndex);

/**
 * WdfUsbInterfaceGetNumConfiguredPipes() - pipes of the selected setting
 * @UsbInterface: the interface
 *
 * Context: Any context.
 * Return: the count; 0 before SelectConfig or for a bad handle.
 */
BYTE WdfUsbInterfaceGetNumConfiguredPipes(WDFUSBINTERFACE UsbInterface)
{
	struct wdfio_usb_interface *i = wdfio_usb_if_check(UsbInterface);

	return i ? READ_ONCE(i->nr_pipes) : 0;
}
EXPORT_SYMBOL_GPL(WdfUsbInterfaceGetNumConfiguredPipes);

/**
 * WdfUsbInterfaceGetConfiguredPipe() - a pipe of the selected setting
 * @UsbInterface: the interface
 * @PipeIndex: 0 .. WdfUsbInterfaceGetNumConfiguredPipes() - 1, in endpoint
 *	descriptor order
 * @PipeInfo: WDF_USB_PIPE_INFORMATION_INIT'ed, receives its information;
 *	optional
 *
 * Context: Any context.
 * Return: the pipe, or NULL for a bad handle or index.
 */
WDFUSBPIPE WdfUsbInterfaceGetConfiguredPipe(WDFUSBINTERFACE UsbInterface,
					    UCHAR PipeIndex,
					    PWDF_USB_PIPE_INFORMATION PipeInfo)
{
	struct wdfio_usb_interface *i = wdfio_usb_if_check(UsbInterface);
	struct wdfio_usb_pipe *p = NULL;
	unsigned long flags;

	if (!i)
		return NULL;
	spin_lock_irqsave(&i->dev->t.lock, flags);
	if (PipeIndex < i->nr_pipes)
		p = i->pipes[PipeIndex];
	spin_unlock_irqrestore(&i->dev->t.lock, flags);
	if (!p)
		return NULL;
	if (PipeInfo && PipeInfo->Size == sizeof(*PipeInfo))
		wdfio_usb_fill_pipe_info(PipeInfo, &p->desc, p->setting);
	return wdfio_usb_pipe_handle(p);
}
EXPORT_SYMBOL_GPL(WdfUsbInterfaceGetConfiguredPipe);

/* ------------------------------------------------------------------ */
/* Pipe information                                                    */

static struct wdfio_usb_pipe *wdfio_usb_pipe_check(WDFUSBPIPE h)
{
	struct wdfio_usb_pipe *p = wdfio_usb_pipe_from_handle(h);

	if (!p)
		wdfio_misuse("invalid WDFUSBPIPE %p", h);
	return p;
}

/**
 * WdfUsbTargetPipeGetInformation() - packet size, address, type of a pipe
 * @Pipe: the pipe
 * @PipeInformation: WDF_USB_PIPE_INFORMATION_INIT'ed; filled in
 *
 * Context: Any context.
 * Return: Nothing.
 */
VOID WdfUsbTargetPipeGetInformation(WDFUSBPIPE Pipe,
				    PWDF_USB_PIPE_INFORMATION PipeInformation)
{
	struct wdfio_usb_pipe *p = wdfio_usb_pipe_check(Pipe);

	if (p && PipeInformation)
		wdfio_usb_fill_pipe_info(PipeInformation, &p->desc, p->setting);
}
EXPORT_SYMBOL_GPL(WdfUsbTargetPipeGetInformation);

/**
 * WdfUsbTargetPipeIsInEndpoint() - is the pipe device-to-host?
 * @Pipe: the pipe
 *
 * Context: Any context.
 * Return: TRUE for an IN endpoint.
 */
BOOLEAN WdfUsbTargetPipeIsInEndpoint(WDFUSBPIPE Pipe)
{
	struct wdfio_usb_pipe *p = wdfio_usb_pipe_check(Pipe);

	return p && usb_endpoint_dir_in(&p->desc);
}
EXPORT_SYMBOL_GPL(WdfUsbTargetPipeIsInEndpoint);

/**
 * WdfUsbTargetPipeIsOutEndpoint() - is the pipe host-to-device?
 * @Pipe: the pipe
 *
 * Context: Any context.
 * Return: TRUE for an OUT endpoint.
 */
BOOLEAN WdfUsbTargetPipeIsOutEndpoint(WDFUSBPIPE Pipe)
{
	struct wdfio_usb_pipe *p = wdfio_usb_pipe_check(Pipe);

	return p && usb_endpoint_dir_out(&p->desc);
}
EXPORT_SYMBOL_GPL(WdfUsbTargetPipeIsOutEndpoint);

/**
 * WdfUsbTargetPipeGetType() - the pipe's transfer type
 * @Pipe: the pipe
 *
 * Context: Any context.
 * Return: WdfUsbPipeTypeBulk, ...; WdfUsbPipeTypeInvalid for a bad handle.
 */
WDF_USB_PIPE_TYPE WdfUsbTargetPipeGetType(WDFUSBPIPE Pipe)
{
	struct wdfio_usb_pipe *p = wdfio_usb_pipe_check(Pipe);

	return p ? p->type : WdfUsbPipeTypeInvalid;
}
EXPORT_SYMBOL_GPL(WdfUsbTargetPipeGetType);

/**
 * WdfUsbTargetPipeSetNoMaximumPacketSizeCheck() - allow reads of any length
 * @Pipe: the pipe
 *
 * Later read formats no longer require a multiple of MaximumPacketSize.
 *
 * Context: Any context.
 * Return: Nothing.
 */
VOID WdfUsbTargetPipeSetNoMaximumPacketSizeCheck(WDFUSBPIPE Pipe)
{
	struct wdfio_usb_pipe *p = wdfio_usb_pipe_check(Pipe);

	if (p)
		WRITE_ONCE(p->no_maxp_check, true);
}
EXPORT_SYMBOL_GPL(WdfUsbTargetPipeSetNoMaximumPacketSizeCheck);
