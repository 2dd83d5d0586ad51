// SPDX-License-Identifier: GPL-2.0
/*
 * linear: a block filter written the way a KMDF filter driver is, ported to
 * Linux with wdfio — wdfio's answer to dm-linear. It sits on a lower block
 * device (module parameter "lower", default /dev/nullb0), appears as
 * /dev/wdflinear0 with the lower device's size, and forwards every request
 * unchanged with WDF_REQUEST_SEND_OPTION_SEND_AND_FORGET: wdfio hands the
 * bio itself to the lower device, so nothing is copied or cloned.
 *
 * Everything above the Linux module glue at the end is plain KMDF code: the
 * glue plays DriverEntry/DriverUnload and, since Linux has no PnP manager,
 * announces the lower device with wdfio_driver_add_device().
 */
#define pr_fmt(fmt) "linear: " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>

#include <ntddk.h>
#include <wdf.h>

static EVT_WDF_DRIVER_DEVICE_ADD LinearEvtDeviceAdd;
static EVT_WDF_IO_QUEUE_IO_DEFAULT LinearEvtIoDefault;

/* Forward every request as it came; fail it if the target refuses it. */
static VOID LinearEvtIoDefault(WDFQUEUE Queue, WDFREQUEST Request)
{
	WDFDEVICE device = WdfIoQueueGetDevice(Queue);
	WDF_REQUEST_SEND_OPTIONS options;

	WDF_REQUEST_SEND_OPTIONS_INIT(&options,
				      WDF_REQUEST_SEND_OPTION_SEND_AND_FORGET);
	if (!WdfRequestSend(Request, WdfDeviceGetIoTarget(device), &options))
		WdfRequestComplete(Request, WdfRequestGetStatus(Request));
}

static NTSTATUS LinearEvtDeviceAdd(WDFDRIVER Driver, PWDFDEVICE_INIT DeviceInit)
{
	DECLARE_CONST_UNICODE_STRING(name, L"\\Device\\wdflinear0");
	WDF_IO_QUEUE_CONFIG queueConfig;
	WDFDEVICE device;
	NTSTATUS status;

	UNREFERENCED_PARAMETER(Driver);
	WdfFdoInitSetFilter(DeviceInit);
	status = WdfDeviceInitAssignName(DeviceInit, &name);
	if (!NT_SUCCESS(status))
		return status;
	status = WdfDeviceCreate(&DeviceInit, WDF_NO_OBJECT_ATTRIBUTES, &device);
	if (!NT_SUCCESS(status))
		return status;
	/* Parallel: every bio is presented at once, in its submitter's context */
	WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(&queueConfig,
					       WdfIoQueueDispatchParallel);
	queueConfig.EvtIoDefault = LinearEvtIoDefault;
	return WdfIoQueueCreate(device, &queueConfig, WDF_NO_OBJECT_ATTRIBUTES,
				WDF_NO_HANDLE);
}

/* ---- Linux module glue ------------------------------------------------ */

static char *lower = "/dev/nullb0";
module_param(lower, charp, 0444);
MODULE_PARM_DESC(lower, "the block device to sit on (default /dev/nullb0)");

static WDFDRIVER LinearDriver;

static int __init linear_init(void)
{
	WCHAR wname[64];
	UNICODE_STRING lowerName;
	WDF_DRIVER_CONFIG config;
	NTSTATUS status;
	size_t i, n = strlen(lower);

	if (!n || n >= ARRAY_SIZE(wname))
		return -EINVAL;
	for (i = 0; i < n; i++)
		wname[i] = (unsigned char)lower[i];
	lowerName.Buffer = wname;
	lowerName.Length = n * sizeof(WCHAR);
	lowerName.MaximumLength = lowerName.Length;

	WDF_DRIVER_CONFIG_INIT(&config, LinearEvtDeviceAdd);
	status = WdfDriverCreate(NULL, NULL, WDF_NO_OBJECT_ATTRIBUTES, &config,
				 &LinearDriver);
	if (!NT_SUCCESS(status))
		return -ENOMEM;
	status = wdfio_driver_add_device(LinearDriver, &lowerName, NULL);
	if (!NT_SUCCESS(status)) {
		pr_err("cannot sit on %s: %#x\n", lower, status);
		WdfObjectDelete(LinearDriver);
		return -ENODEV;
	}
	pr_info("/dev/wdflinear0 over %s\n", lower);
	return 0;
}

static void __exit linear_exit(void)
{
	/* deletes the device: its disk goes, its lower device is closed */
	WdfObjectDelete(LinearDriver);
}

module_init(linear_init);
module_exit(linear_exit);

MODULE_DESCRIPTION("linear: a KMDF-style block filter over wdfio (cf. dm-linear)");
MODULE_LICENSE("GPL");
