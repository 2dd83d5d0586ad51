// SPDX-License-Identifier: GPL-2.0
/*
 * usbdemo: a USB driver written the way the OSR USB-FX2 KMDF sample is
 * (OsrFxEvtIoWrite: format the bulk write, set a completion routine, send),
 * ported to Linux with wdfio. It binds to interface 0 of the guest's test
 * gadget (1d6b:0104, f_loopback: bulk OUT echoed on bulk IN) and moves data
 * in a chain driven by completion routines: write -> its completion sends
 * the read -> the read's completion checks the echo and sends the next
 * write. `make run` loads it in the QEMU guest and shows its log.
 *
 * WdfRequestRetrieveInputMemory does not exist yet (no queues in wdfio), so
 * the requests are driver-created; everything else is plain WDF code. The
 * Linux part is the usb_driver glue at the end: probe() is where a KMDF
 * driver's EvtDevicePrepareHardware would create the WDFUSBDEVICE.
 */
#define pr_fmt(fmt) "usbdemo: " fmt

#include <linux/completion.h>
#include <linux/module.h>
#include <linux/usb.h>

#include <ntddk.h>
#include <wdf.h>
#include <wdfusb.h>

#define DEMO_POOL_TAG	0x6f6d6555u	/* 'omeU' */
#define DEMO_ROUNDS	32
#define DEMO_MAX	8192

typedef struct _DEVICE_CONTEXT {
	WDFUSBDEVICE UsbDevice;
	WDFUSBINTERFACE UsbInterface;
	WDFUSBPIPE BulkReadPipe;
	WDFUSBPIPE BulkWritePipe;
	WDFREQUEST WriteRequest;
	WDFREQUEST ReadRequest;
	WDFMEMORY WriteMemory;
	WDFMEMORY ReadMemory;
	ULONG Round;
	ULONG Errors;
	ULONGLONG Bytes;
	struct completion Done;
} DEVICE_CONTEXT, *PDEVICE_CONTEXT;

static EVT_WDF_REQUEST_COMPLETION_ROUTINE EvtRequestWriteCompletionRoutine;
static EVT_WDF_REQUEST_COMPLETION_ROUTINE EvtRequestReadCompletionRoutine;

/* Sizes that are not multiples of the 512-byte packet end with a short one */
static size_t DemoLength(ULONG Round)
{
	return 1 + (Round * 997) % (DEMO_MAX - 1) / 512 * 512 + Round % 511;
}

static VOID DemoFill(PUCHAR Buffer, size_t Length, ULONG Round)
{
	size_t i;

	for (i = 0; i < Length; i++)
		Buffer[i] = (UCHAR)(Round * 31 + i * 7 + (i >> 8));
}

static VOID DemoFinish(PDEVICE_CONTEXT Ctx, NTSTATUS Status)
{
	if (!NT_SUCCESS(Status))
		Ctx->Errors++;
	complete(&Ctx->Done);
}

/* OsrFxEvtIoWrite's part: format the write, set the routine, send. */
static NTSTATUS DemoSendWrite(PDEVICE_CONTEXT Ctx)
{
	WDF_REQUEST_REUSE_PARAMS reuse;
	WDFMEMORY_OFFSET offset;
	size_t length = DemoLength(Ctx->Round);
	NTSTATUS status;

	DemoFill(WdfMemoryGetBuffer(Ctx->WriteMemory, NULL), length, Ctx->Round);
	WDF_REQUEST_REUSE_PARAMS_INIT(&reuse, WDF_REQUEST_REUSE_NO_FLAGS, STATUS_SUCCESS);
	WdfRequestReuse(Ctx->WriteRequest, &reuse);
	offset.BufferOffset = 0;
	offset.BufferLength = length;
	status = WdfUsbTargetPipeFormatRequestForWrite(Ctx->BulkWritePipe,
						       Ctx->WriteRequest,
						       Ctx->WriteMemory, &offset);
	if (!NT_SUCCESS(status))
		return status;
	WdfRequestSetCompletionRoutine(Ctx->WriteRequest,
				       EvtRequestWriteCompletionRoutine, Ctx);
	if (!WdfRequestSend(Ctx->WriteRequest,
			    WdfUsbTargetPipeGetIoTarget(Ctx->BulkWritePipe),
			    WDF_NO_SEND_OPTIONS))
		return WdfRequestGetStatus(Ctx->WriteRequest);
	return STATUS_SUCCESS;
}

static VOID EvtRequestWriteCompletionRoutine(WDFREQUEST Request, WDFIOTARGET Target,
					     PWDF_REQUEST_COMPLETION_PARAMS CompletionParams,
					     WDFCONTEXT Context)
{
	PDEVICE_CONTEXT ctx = Context;
	PWDF_USB_REQUEST_COMPLETION_PARAMS usbCompletionParams;
	WDF_REQUEST_REUSE_PARAMS reuse;
	NTSTATUS status = CompletionParams->IoStatus.Status;

	UNREFERENCED_PARAMETER(Request);
	UNREFERENCED_PARAMETER(Target);
	usbCompletionParams = CompletionParams->Parameters.Usb.Completion;
	if (!NT_SUCCESS(status)) {
		pr_err("write %u failed: status 0x%08X, UsbdStatus 0x%08X\n",
		       ctx->Round, (u32)status, (u32)usbCompletionParams->UsbdStatus);
		DemoFinish(ctx, status);
		return;
	}
	/* The matching read, sent from the completion routine (DISPATCH_LEVEL) */
	WDF_REQUEST_REUSE_PARAMS_INIT(&reuse, WDF_REQUEST_REUSE_NO_FLAGS, STATUS_SUCCESS);
	WdfRequestReuse(ctx->ReadRequest, &reuse);
	status = WdfUsbTargetPipeFormatRequestForRead(ctx->BulkReadPipe, ctx->ReadRequest,
						      ctx->ReadMemory, NULL);
	if (NT_SUCCESS(status)) {
		WdfRequestSetCompletionRoutine(ctx->ReadRequest,
					       EvtRequestReadCompletionRoutine, ctx);
		if (!WdfRequestSend(ctx->ReadRequest,
				    WdfUsbTargetPipeGetIoTarget(ctx->BulkReadPipe),
				    WDF_NO_SEND_OPTIONS))
			status = WdfRequestGetStatus(ctx->ReadRequest);
	}
	if (!NT_SUCCESS(status))
		DemoFinish(ctx, status);
}

static VOID EvtRequestReadCompletionRoutine(WDFREQUEST Request, WDFIOTARGET Target,
					    PWDF_REQUEST_COMPLETION_PARAMS CompletionParams,
					    WDFCONTEXT Context)
{
	PDEVICE_CONTEXT ctx = Context;
	PWDF_USB_REQUEST_COMPLETION_PARAMS usbCompletionParams =
		CompletionParams->Parameters.Usb.Completion;
	size_t want = DemoLength(ctx->Round);
	size_t got = usbCompletionParams->Parameters.PipeRead.Length;
	PUCHAR buf = WdfMemoryGetBuffer(ctx->ReadMemory, NULL);
	NTSTATUS status = CompletionParams->IoStatus.Status;
	size_t i;

	UNREFERENCED_PARAMETER(Request);
	UNREFERENCED_PARAMETER(Target);
	if (!NT_SUCCESS(status) || got != want) {
		pr_err("read %u: status 0x%08X, UsbdStatus 0x%08X, %zu bytes (want %zu)\n",
		       ctx->Round, (u32)status, (u32)usbCompletionParams->UsbdStatus,
		       got, want);
		DemoFinish(ctx, NT_SUCCESS(status) ? STATUS_UNSUCCESSFUL : status);
		return;
	}
	for (i = 0; i < got; i++) {
		if (buf[i] != (UCHAR)(ctx->Round * 31 + i * 7 + (i >> 8))) {
			pr_err("read %u: byte %zu differs\n", ctx->Round, i);
			DemoFinish(ctx, STATUS_UNSUCCESSFUL);
			return;
		}
	}
	ctx->Bytes += got;
	if (ctx->Round % 8 == 0)
		pr_info("round %u: wrote and read back %zu bytes, data ok\n",
			ctx->Round, got);
	if (++ctx->Round == DEMO_ROUNDS) {
		DemoFinish(ctx, STATUS_SUCCESS);
		return;
	}
	status = DemoSendWrite(ctx);
	if (!NT_SUCCESS(status))
		DemoFinish(ctx, status);
}

/* EvtDevicePrepareHardware's part: the USB device, its configuration, pipes */
static NTSTATUS DemoPrepareHardware(PDEVICE_CONTEXT Ctx, WDFDEVICE Device)
{
	WDF_USB_DEVICE_SELECT_CONFIG_PARAMS configParams;
	WDF_USB_PIPE_INFORMATION pipeInfo;
	USB_DEVICE_DESCRIPTOR deviceDescriptor;
	NTSTATUS status;
	BYTE index;

	status = WdfUsbTargetDeviceCreate(Device, WDF_NO_OBJECT_ATTRIBUTES,
					  &Ctx->UsbDevice);
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

	status = WdfRequestCreate(WDF_NO_OBJECT_ATTRIBUTES,
				  WdfUsbTargetPipeGetIoTarget(Ctx->BulkWritePipe),
				  &Ctx->WriteRequest);
	if (NT_SUCCESS(status))
		status = WdfRequestCreate(WDF_NO_OBJECT_ATTRIBUTES,
					  WdfUsbTargetPipeGetIoTarget(Ctx->BulkReadPipe),
					  &Ctx->ReadRequest);
	if (NT_SUCCESS(status))
		status = WdfMemoryCreate(WDF_NO_OBJECT_ATTRIBUTES, NonPagedPoolNx,
					 DEMO_POOL_TAG, DEMO_MAX, &Ctx->WriteMemory, NULL);
	if (NT_SUCCESS(status))
		status = WdfMemoryCreate(WDF_NO_OBJECT_ATTRIBUTES, NonPagedPoolNx,
					 DEMO_POOL_TAG, DEMO_MAX + 512, &Ctx->ReadMemory,
					 NULL);
	return status;
}

static VOID DemoReleaseHardware(PDEVICE_CONTEXT Ctx)
{
	/* Completes anything still pending on the device and its pipes */
	if (Ctx->UsbDevice)
		WdfObjectDelete(Ctx->UsbDevice);
	if (Ctx->WriteRequest)
		WdfObjectDelete(Ctx->WriteRequest);
	if (Ctx->ReadRequest)
		WdfObjectDelete(Ctx->ReadRequest);
	if (Ctx->WriteMemory)
		WdfObjectDelete(Ctx->WriteMemory);
	if (Ctx->ReadMemory)
		WdfObjectDelete(Ctx->ReadMemory);
}

/* ------------------------------------------------------------------ */
/* Linux glue                                                          */

static int demo_probe(struct usb_interface *intf, const struct usb_device_id *id)
{
	PDEVICE_CONTEXT ctx;
	NTSTATUS status;

	/* Interface 0 is the loopback function */
	if (intf->cur_altsetting->desc.bInterfaceNumber != 0)
		return -ENODEV;
	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;
	init_completion(&ctx->Done);
	usb_set_intfdata(intf, ctx);
	status = DemoPrepareHardware(ctx, WdfDeviceFromUsbInterface(intf));
	if (NT_SUCCESS(status))
		status = DemoSendWrite(ctx);
	if (!NT_SUCCESS(status)) {
		pr_err("start failed: 0x%08X\n", (u32)status);
		DemoReleaseHardware(ctx);
		usb_set_intfdata(intf, NULL);
		kfree(ctx);
		return -EIO;
	}
	if (!wait_for_completion_timeout(&ctx->Done, 60 * HZ))
		pr_err("data chain did not finish in 60 s\n");
	else if (ctx->Errors)
		pr_err("FAILED in round %u\n", ctx->Round);
	else
		pr_info("PASS: %u rounds, %llu bytes written and read back\n",
			ctx->Round, ctx->Bytes);
	return 0;
}

static void demo_disconnect(struct usb_interface *intf)
{
	PDEVICE_CONTEXT ctx = usb_get_intfdata(intf);

	DemoReleaseHardware(ctx);
	kfree(ctx);
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
module_usb_driver(demo_driver);

MODULE_DESCRIPTION("wdfio sample: an OSR USB-FX2 style bulk write/read driver");
MODULE_LICENSE("GPL");
