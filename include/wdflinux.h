/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * wdfio's Linux-only additions to the WDF API. Nothing here exists in Microsoft's WDF;
 * code that must also build on Windows keeps these calls behind its own #ifdef.
 */
#ifndef _WDFIO_WDFLINUX_H
#define _WDFIO_WDFLINUX_H

#include <ntddk.h>
#include <wdftypes.h>
#include <wdfiotarget.h>
#include <wdfdriver.h>
#include <wdfdevice.h>

struct block_device;
struct module;
struct usb_interface;

/*
 * Linux: the TargetDeviceObject of a WdfIoTargetOpenUseExistingDevice open is a
 * struct block_device *. The caller has it open and keeps it open until WdfIoTargetClose()
 * (or the deletion of the target) returns; wdfio neither opens nor releases it.
 */
static inline void
WDF_IO_TARGET_OPEN_PARAMS_INIT_EXISTING_BLOCK_DEVICE(PWDF_IO_TARGET_OPEN_PARAMS Params,
						     struct block_device *Bdev)
{
	WDF_IO_TARGET_OPEN_PARAMS_INIT_EXISTING_DEVICE(Params, (PDEVICE_OBJECT)Bdev);
}

/*
 * Linux: a driver must not be unloaded while its completion routines can
 * still be called. WdfIoTargetCreate() records the calling module, and wdfio
 * holds a reference on it while the target has requests in flight (rmmod is
 * refused meanwhile). Calls through a function pointer reach the plain DDI,
 * without that protection.
 */
NTSTATUS wdfio_io_target_create_owned(WDFDEVICE Device,
				      PWDF_OBJECT_ATTRIBUTES IoTargetAttributes,
				      WDFIOTARGET *IoTarget, struct module *Owner);

/*
 * Linux: a USB driver is an ordinary struct usb_driver, and the device a KMDF
 * driver's EvtDevicePrepareHardware would see is the struct usb_interface its
 * probe() is called with. That interface is the WDFDEVICE of
 * WdfUsbTargetDeviceCreate():
 *
 *	status = WdfUsbTargetDeviceCreate(WdfDeviceFromUsbInterface(intf),
 *					  WDF_NO_OBJECT_ATTRIBUTES, &usbDevice);
 *
 * The WDFUSBDEVICE is the device as the interface's driver sees it: its
 * interfaces are that interface plus every other interface of the active
 * configuration bound to (or claimed by) the same usb_driver. Delete it in
 * disconnect(): the deletion completes every request still pending on it
 * and its pipes, stops continuous readers, and waits for them. The value is
 * a tagged pointer, valid only as the Device of the WdfUsbTargetDevice*
 * create DDIs; no other WDF DDI accepts it.
 */
#define WDFIO_USB_INTERFACE_TAG		1UL

static inline WDFDEVICE WdfDeviceFromUsbInterface(struct usb_interface *Interface)
{
	return (WDFDEVICE)((ULONG_PTR)Interface | WDFIO_USB_INTERFACE_TAG);
}

/*
 * The one table wdfio uses to turn an urb status (0 or a negative errno, as
 * urb->status reports it in a completion handler) into the NTSTATUS and
 * USBD_STATUS of the request (README, "USB"). Exported so that drivers and
 * tests can see the mapping; returns the NTSTATUS and stores the USBD_STATUS.
 */
NTSTATUS wdfio_usb_status_from_urb(int UrbStatus, PLONG UsbdStatus);

/*
 * Linux: WdfDriverCreate() records the calling module; an open file of one of the
 * driver's character devices holds a reference on it, so the driver cannot be unloaded
 * while a caller may still send it requests.
 */
NTSTATUS wdfio_driver_create_owned(PDRIVER_OBJECT DriverObject, PCUNICODE_STRING RegistryPath,
				   PWDF_OBJECT_ATTRIBUTES DriverAttributes,
				   PWDF_DRIVER_CONFIG DriverConfig, WDFDRIVER *Driver,
				   struct module *Owner);

/*
 * Linux: the permission bits of the device node of a control device (default 0600, root
 * only, or what the SDDL string of WdfControlDeviceInitAllocate grants "WD", everyone).
 * Call before WdfDeviceCreate.
 */
void wdfio_device_init_set_mode(PWDFDEVICE_INIT DeviceInit, unsigned int Mode);

/*
 * Linux: what the PnP manager does on Windows when a device arrives. Calls the driver's
 * EvtDriverDeviceAdd with a WDFDEVICE_INIT for a device over the block device
 * LowerDeviceName (L"/dev/nullb0"); that device's default I/O target is the lower
 * device, and a named device appears as the block device /dev/<name>.
 */
NTSTATUS wdfio_driver_add_device(WDFDRIVER Driver, PCUNICODE_STRING LowerDeviceName,
				 WDFDEVICE *Device);

/*
 * Linux: what the power manager does on Windows when a device leaves or re-enters D0, for
 * a port to call from its own dev_pm_ops (suspend/resume of its usb_driver, pci_driver...).
 * Process context, not from a callback of one of the device's power-managed queues.
 *
 * Leaving D0 (D1, D2, D3, D3Final, PrepareForHibernation): every power-managed queue of
 * the device stops presenting (new requests stay queued), EvtIoStop(WdfRequestStopAction-
 * Suspend, | WdfRequestStopRequestCancelable if marked cancelable) is called once for each
 * request the driver owns from it, and the call returns once each of them is completed,
 * forwarded, or acknowledged (WdfRequestStopAcknowledge: Requeue TRUE puts it back at the
 * head of its queue, FALSE lets the driver keep it). A queue without EvtIoStop: once each
 * is completed. Re-entering D0: EvtIoResume for each request kept with Requeue FALSE,
 * then the queues present again. Queues created with PowerManaged WdfFalse (a filter
 * device's, by default) are not touched.
 *
 * @TimeoutMs bounds the wait for the driver (0: WDFIO_POWER_TIMEOUT_MS). When it passes
 * the device goes back to D0 as if re-entering it (the queues present again, EvtIoResume
 * for what was kept) and STATUS_IO_TIMEOUT is returned, so that a failed suspend leaves
 * the device working, as Linux expects of a suspend callback that fails; the requests
 * not acknowledged stay the driver's (a late WdfRequestStopAcknowledge(TRUE) still
 * requeues; FALSE brings no EvtIoResume).
 *
 * Return: STATUS_SUCCESS (also when already in that state: D1..D3 are all "out of D0");
 * STATUS_IO_TIMEOUT; STATUS_INVALID_PARAMETER (a bad state); STATUS_INVALID_HANDLE;
 * STATUS_DELETE_PENDING (the device is being deleted); STATUS_INVALID_DEVICE_STATE
 * (called where sleeping is not allowed).
 */
#define WDFIO_POWER_TIMEOUT_MS		10000

NTSTATUS wdfio_device_set_power_state(WDFDEVICE Device, WDF_POWER_DEVICE_STATE DeviceState,
				      ULONG TimeoutMs);

#ifndef WDFIO_CORE	/* wdfio's own sources define the DDIs themselves */
#include <linux/export.h>
#define WdfIoTargetCreate(Device, IoTargetAttributes, IoTarget)		\
	wdfio_io_target_create_owned((Device), (IoTargetAttributes),	\
				     (IoTarget), THIS_MODULE)
#define WdfDriverCreate(DriverObject, RegistryPath, DriverAttributes,	\
			DriverConfig, Driver)				\
	wdfio_driver_create_owned((DriverObject), (RegistryPath),	\
				  (DriverAttributes), (DriverConfig),	\
				  (Driver), THIS_MODULE)
#endif

#endif /* _WDFIO_WDFLINUX_H */
