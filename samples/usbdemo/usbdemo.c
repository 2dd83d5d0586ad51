// SPDX-License-Identifier: GPL-2.0
/*
 * usbdemo: a USB driver written the way the OSR USB-FX2 KMDF sample is,
 * ported to Linux with wdfio. It binds to interface 0 of the guest's test
 * gadget (1d6b:0104, f_loopback: what goes out on the bulk OUT pipe comes
 * back on the bulk IN pipe) and exposes it as /dev/wdfio_usbdemo:
 *
 *	write(fd, buf, n)	one bulk OUT transfer of n bytes
 *	read(fd, buf, n)	one bulk IN transfer of at most n bytes
 *
 * Each call is a request presented by a queue. EvtIoWrite is OsrFxEvtIoWrite:
 * retrieve the request's input memory, format the request itself for the
 * bulk OUT pipe, set a completion routine, send it; complete it with
 * WdfRequestCompleteWithInformation if that fails. The completion routine
 * completes it with the bytes the pipe moved. EvtIoRead is the same on the
 * bulk IN pipe. `make run` writes and reads back data through the node and
 * compares it; selftests/user/wdfio_usbdemo.c does the same in `make check`.
 *
 * The Linux part is the glue at the end: module init/exit are DriverEntry
 * and DriverUnload, probe() is EvtDriverDeviceAdd plus
 * EvtDevicePrepareHardware (the WDFUSBDEVICE is made from the interface),
 * disconnect() is the device's removal.
 */
#define pr_fmt(fmt) "usbdemo: " fmt

#include <linux/module.h>
#include <linux/usb.h>

#include <ntddk.h>
#include <wdf.h>
#include <wdfusb.h>

/* The largest transfer, as OSR's TEST_BOARD_TRANSFER_BUFFER_SIZE */
#define DEMO_MAX_TRANSFER	(64 * 1024)

typedef struct _DEVICE_CONTEXT {
	WDFUSBDEVICE UsbDevice;
	WDFUSBINTERFACE UsbInterface;
	WDFUSBPIPE BulkReadPipe;
	WDFUSBPIPE BulkWritePipe;
} DEVICE_CONTEXT, *PDEVICE_CONTEXT;

WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(DEVICE_CONTEXT, GetDeviceContext);

static WDFDRIVER DemoDriver;

static EVT_WDF_IO_QUEUE_IO_READ OsrFxEvtIoRead;
static EVT_WDF_IO_QUEUE_IO_WRITE OsrFxEvtIoWrite;
static EVT_WDF_IO_QUEUE_IO_STOP OsrFxEvtIoStop;
static EVT_WDF_REQUEST_COMPLETION_ROUTINE EvtRequestReadCompletionRoutine;
static EVT_WDF_REQUEST_COMPLETION_ROUTINE EvtRequestWriteCompletionRoutine;

static VOID OsrFxEvtIoWrite(WDFQUEUE Queue, WDFREQUEST Request, size_t Length)
{
	PDEVICE_CONTEXT pDeviceContext = GetDeviceContext(WdfIoQueueGetDevice(Queue));
	WDFUSBPIPE pipe = pDeviceContext->BulkWritePipe;
	WDFMEMORY reqMemory;
	NTSTATUS status;

	if (Length > DEMO_MAX_TRANSFER) {
		pr_err("write: transfer exceeds %u bytes\n", DEMO_MAX_TRANSFER);
		status = STATUS_INVALID_PARAMETER;
		goto Exit;
	}
	status = WdfRequestRetrieveInputMemory(Request, &reqMemory);
	if (!NT_SUCCESS(status)) {
		pr_err("write: WdfRequestRetrieveInputMemory failed 0x%08X\n",
		       (u32)status);
		goto Exit;
	}
	/* The request the queue presented is itself sent to the pipe. */
	status = WdfUsbTargetPipeFormatRequestForWrite(pipe, Request, reqMemory,
						       NULL);
	if (!NT_SUCCESS(status)) {
		pr_err("write: WdfUsbTargetPipeFormatRequest failed 0x%08X\n",
		       (u32)status);
		goto Exit;
	}
	WdfRequestSetCompletionRoutine(Request, EvtRequestWriteCompletionRoutine,
				       pipe);
	if (!WdfRequestSend(Request, WdfUsbTargetPipeGetIoTarget(pipe),
			    WDF_NO_SEND_OPTIONS)) {
		status = WdfRequestGetStatus(Request);
		pr_err("write: WdfRequestSend failed 0x%08X\n", (u32)status);
		goto Exit;
	}
	return;

Exit:
	WdfRequestCompleteWithInformation(Request, status, 0);
}

static VOID EvtRequestWriteCompletionRoutine(WDFREQUEST Request, WDFIOTARGET Target,
					     PWDF_REQUEST_COMPLETION_PARAMS CompletionParams,
					     WDFCONTEXT Context)
{
	PWDF_USB_REQUEST_COMPLETION_PARAMS usbCompletionParams;
	NTSTATUS status = CompletionParams->IoStatus.Status;
	size_t bytesWritten;

	UNREFERENCED_PARAMETER(Target);
	UNREFERENCED_PARAMETER(Context);
	usbCompletionParams = CompletionParams->Parameters.Usb.Completion;
	bytesWritten = usbCompletionParams->Parameters.PipeWrite.Length;
	if (NT_SUCCESS(status))
		pr_info("wrote %zu bytes to the bulk OUT pipe\n", bytesWritten);
	else if (status != STATUS_CANCELLED)
		pr_err("write failed: status 0x%08X, UsbdStatus 0x%08X\n",
		       (u32)status, (u32)usbCompletionParams->UsbdStatus);
	WdfRequestCompleteWithInformation(Request, status, bytesWritten);
}

static VOID OsrFxEvtIoRead(WDFQUEUE Queue, WDFREQUEST Request, size_t Length)
{
	PDEVICE_CONTEXT pDeviceContext = GetDeviceContext(WdfIoQueueGetDevice(Queue));
	WDFUSBPIPE pipe = pDeviceContext->BulkReadPipe;
	WDFMEMORY reqMemory;
	NTSTATUS status;

	if (Length > DEMO_MAX_TRANSFER) {
		pr_err("read: transfer exceeds %u bytes\n", DEMO_MAX_TRANSFER);
		status = STATUS_INVALID_PARAMETER;
		goto Exit;
	}
	status = WdfRequestRetrieveOutputMemory(Request, &reqMemory);
	if (!NT_SUCCESS(status)) {
		pr_err("read: WdfRequestRetrieveOutputMemory failed 0x%08X\n",
		       (u32)status);
		goto Exit;
	}
	status = WdfUsbTargetPipeFormatRequestForRead(pipe, Request, reqMemory,
						      NULL);
	if (!NT_SUCCESS(status)) {
		pr_err("read: WdfUsbTargetPipeFormatRequest failed 0x%08X\n",
		       (u32)status);
		goto Exit;
	}
	WdfRequestSetCompletionRoutine(Request, EvtRequestReadCompletionRoutine,
				       pipe);
	if (!WdfRequestSend(Request, WdfUsbTargetPipeGetIoTarget(pipe),
			    WDF_NO_SEND_OPTIONS)) {
		status = WdfRequestGetStatus(Request);
		pr_err("read: WdfRequestSend failed 0x%08X\n", (u32)status);
		goto Exit;
	}
	return;

Exit:
	WdfRequestCompleteWithInformation(Request, status, 0);
}

static VOID EvtRequestReadCompletionRoutine(WDFREQUEST Request, WDFIOTARGET Target,
					    PWDF_REQUEST_COMPLETION_PARAMS CompletionParams,
					    WDFCONTEXT Context)
{
	PWDF_USB_REQUEST_COMPLETION_PARAMS usbCompletionParams;
	NTSTATUS status = CompletionParams->IoStatus.Status;
	size_t bytesRead;

	UNREFERENCED_PARAMETER(Target);
	UNREFERENCED_PARAMETER(Context);
	usbCompletionParams = CompletionParams->Parameters.Usb.Completion;
	bytesRead = usbCompletionParams->Parameters.PipeRead.Length;
	if (NT_SUCCESS(status))
		pr_info("read %zu bytes from the bulk IN pipe\n", bytesRead);
	else if (status != STATUS_CANCELLED)
		pr_err("read failed: status 0x%08X, UsbdStatus 0x%08X\n",
		       (u32)status, (u32)usbCompletionParams->UsbdStatus);
	WdfRequestCompleteWithInformation(Request, status, bytesRead);
}

/*
 * The device is going away with a request of ours sent to a pipe: cancel
 * it there; its completion routine completes it (OsrFxEvtIoStop).
 */
static VOID OsrFxEvtIoStop(WDFQUEUE Queue, WDFREQUEST Request, ULONG ActionFlags)
{
	UNREFERENCED_PARAMETER(Queue);
	if (ActionFlags & WdfRequestStopActionPurge)
		WdfRequestCancelSentRequest(Request);
}

/* EvtDevicePrepareHardware's part: the USB device, its configuration, pipes */
static NTSTATUS DemoPrepareHardware(PDEVICE_CONTEXT Ctx, struct usb_interface *Intf)
{
	WDF_USB_DEVICE_SELECT_CONFIG_PARAMS configParams;
	WDF_USB_PIPE_INFORMATION pipeInfo;
	USB_DEVICE_DESCRIPTOR deviceDescriptor;
	NTSTATUS status;
	BYTE index;

	status = WdfUsbTargetDeviceCreate(WdfDeviceFromUsbInterface(Intf),
					  WDF_NO_OBJECT_ATTRIBUTES, &Ctx->UsbDevice);
	if (!NT_SUCCESS(status))
		return status;
	WdfUsbTargetDeviceGetDeviceDescriptor(Ctx->UsbDevice, &deviceDescriptor);
	pr_info("device %04x:%04x, USB %x.%02x\n", deviceDescriptor.idVendor,
		deviceDescriptor.idProduct, deviceDescriptor.bcdUSB >> 8,
		deviceDescriptor.bcdUSB & 0xff);
	WDF_USB_DEVICE_SELECT_CONFIG_PARAMS_INIT_SINGLE_INTERFACE(&configParams);
	status = WdfUsbTargetDeviceSelectConfig(Ctx->UsbDevice, WDF_NO_OBJECT_ATTRIBUTES,
						&configParams);
	if (!NT_SUCCESS(status))
		return status;
	Ctx->UsbInterface = configParams.Types.SingleInterface.ConfiguredUsbInterface;
	for (index = 0; index < configParams.Types.SingleInterface.NumberConfiguredPipes;
	     index++) {
		WDFUSBPIPE pipe;

		WDF_USB_PIPE_INFORMATION_INIT(&pipeInfo);
		pipe = WdfUsbInterfaceGetConfiguredPipe(Ctx->UsbInterface, index, &pipeInfo);
		if (pipeInfo.PipeType != WdfUsbPipeTypeBulk)
			continue;
		if (WdfUsbTargetPipeIsInEndpoint(pipe))
			Ctx->BulkReadPipe = pipe;
		else
			Ctx->BulkWritePipe = pipe;
		pr_info("pipe %u: bulk %s, endpoint 0x%02x, max packet %u\n", index,
			WdfUsbTargetPipeIsInEndpoint(pipe) ? "IN" : "OUT",
			pipeInfo.EndpointAddress, pipeInfo.MaximumPacketSize);
	}
	if (!Ctx->BulkReadPipe || !Ctx->BulkWritePipe)
		return STATUS_INVALID_DEVICE_STATE;
	/* Reads of any length: the echo ends with a short packet */
	WdfUsbTargetPipeSetNoMaximumPacketSizeCheck(Ctx->BulkReadPipe);
	return STATUS_SUCCESS;
}

/* EvtDriverDeviceAdd's part: the device, its node and its queues */
static NTSTATUS DemoCreateDevice(struct usb_interface *Intf, WDFDEVICE *Device)
{
	DECLARE_CONST_UNICODE_STRING(name, L"\\Device\\wdfio_usbdemo");
	DECLARE_CONST_UNICODE_STRING(sddl, SDDL_DEVOBJ_SYS_ALL_ADM_ALL);
	WDF_OBJECT_ATTRIBUTES attributes;
	WDF_IO_QUEUE_CONFIG ioQueueConfig;
	PDEVICE_CONTEXT pDeviceContext;
	PWDFDEVICE_INIT deviceInit;
	WDFDEVICE device;
	WDFQUEUE queue;
	NTSTATUS status;

	*Device = NULL;
	deviceInit = WdfControlDeviceInitAllocate(DemoDriver, &sddl);
	if (!deviceInit)
		return STATUS_INSUFFICIENT_RESOURCES;
	status = WdfDeviceInitAssignName(deviceInit, &name);
	if (!NT_SUCCESS(status)) {
		WdfDeviceInitFree(deviceInit);
		return status;
	}
	WdfDeviceInitSetIoType(deviceInit, WdfDeviceIoBuffered);
	WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&attributes, DEVICE_CONTEXT);
	status = WdfDeviceCreate(&deviceInit, &attributes, &device);
	if (!NT_SUCCESS(status)) {
		WdfDeviceInitFree(deviceInit);
		return status;
	}
	pDeviceContext = GetDeviceContext(device);
	status = DemoPrepareHardware(pDeviceContext, Intf);
	if (!NT_SUCCESS(status))
		goto fail;

	/* As OSR: one sequential queue for reads, one for writes */
	WDF_IO_QUEUE_CONFIG_INIT(&ioQueueConfig, WdfIoQueueDispatchSequential);
	ioQueueConfig.EvtIoRead = OsrFxEvtIoRead;
	ioQueueConfig.EvtIoStop = OsrFxEvtIoStop;
	status = WdfIoQueueCreate(device, &ioQueueConfig, WDF_NO_OBJECT_ATTRIBUTES,
				  &queue);
	if (NT_SUCCESS(status))
		status = WdfDeviceConfigureRequestDispatching(device, queue,
							      WdfRequestTypeRead);
	if (!NT_SUCCESS(status))
		goto fail;
	WDF_IO_QUEUE_CONFIG_INIT(&ioQueueConfig, WdfIoQueueDispatchSequential);
	ioQueueConfig.EvtIoWrite = OsrFxEvtIoWrite;
	ioQueueConfig.EvtIoStop = OsrFxEvtIoStop;
	status = WdfIoQueueCreate(device, &ioQueueConfig, WDF_NO_OBJECT_ATTRIBUTES,
				  &queue);
	if (NT_SUCCESS(status))
		status = WdfDeviceConfigureRequestDispatching(device, queue,
							      WdfRequestTypeWrite);
	if (!NT_SUCCESS(status))
		goto fail;
	WdfControlFinishInitializing(device);
	*Device = device;
	return STATUS_SUCCESS;

fail:
	WdfObjectDelete(device);
	if (pDeviceContext->UsbDevice)
		WdfObjectDelete(pDeviceContext->UsbDevice);
	return status;
}

/* ------------------------------------------------------------------ */
/* Linux glue                                                          */

static int demo_probe(struct usb_interface *intf, const struct usb_device_id *id)
{
	WDFDEVICE device;
	NTSTATUS status;

	/* Interface 0 is the loopback function */
	if (intf->cur_altsetting->desc.bInterfaceNumber != 0)
		return -ENODEV;
	status = DemoCreateDevice(intf, &device);
	if (!NT_SUCCESS(status)) {
		pr_err("device not created: 0x%08X\n", (u32)status);
		return -EIO;
	}
	usb_set_intfdata(intf, device);
	pr_info("/dev/wdfio_usbdemo ready\n");
	return 0;
}

static void demo_disconnect(struct usb_interface *intf)
{
	WDFDEVICE device = usb_get_intfdata(intf);
	WDFUSBDEVICE usbDevice = GetDeviceContext(device)->UsbDevice;

	/*
	 * The device first: its queues cancel what they hold (EvtIoStop
	 * cancels what is at the pipes) and wait for every request; then
	 * nothing can reach the pipes, and the USB device can go.
	 */
	WdfObjectDelete(device);
	WdfObjectDelete(usbDevice);
	usb_set_intfdata(intf, NULL);
	pr_info("disconnected\n");
}

static const struct usb_device_id demo_ids[] = {
	{ USB_DEVICE(0x1d6b, 0x0104) },
	{ }
};
MODULE_DEVICE_TABLE(usb, demo_ids);

static struct usb_driver demo_driver = {
	.name = "wdfio_usbdemo",
	.probe = demo_probe,
	.disconnect = demo_disconnect,
	.id_table = demo_ids,
};

/* DriverEntry */
static int __init demo_init(void)
{
	WDF_DRIVER_CONFIG config;
	NTSTATUS status;
	int err;

	WDF_DRIVER_CONFIG_INIT(&config, WDF_NO_EVENT_CALLBACK);
	config.DriverInitFlags = WdfDriverInitNonPnpDriver;
	status = WdfDriverCreate(NULL, NULL, WDF_NO_OBJECT_ATTRIBUTES, &config,
				 &DemoDriver);
	if (!NT_SUCCESS(status))
		return -ENOMEM;
	err = usb_register(&demo_driver);
	if (err)
		WdfObjectDelete(DemoDriver);
	return err;
}
module_init(demo_init);

/* DriverUnload */
static void __exit demo_exit(void)
{
	usb_deregister(&demo_driver);
	WdfObjectDelete(DemoDriver);
}
module_exit(demo_exit);

MODULE_DESCRIPTION("wdfio sample: an OSR USB-FX2 style bulk write/read driver on queues");
MODULE_LICENSE("GPL");
