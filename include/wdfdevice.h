/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * WDF device objects: device initialization, creation, request dispatching
 * (KMDF 1.33 wdfdevice.h, wdfcontrol.h, wdffdo.h: the part wdfio implements).
 *
 * Linux: a control device (WdfControlDeviceInitAllocate) with a name becomes a
 * character device node /dev/<name> once WdfControlFinishInitializing is called; see
 * the README, "Devices and queues".
 */
#ifndef _WDFIO_WDFDEVICE_H
#define _WDFIO_WDFDEVICE_H

#include <ntddk.h>
#include <wdftypes.h>
#include <wdfobject.h>
#include <wdfrequest.h>

typedef enum _WDF_DEVICE_IO_TYPE {
	WdfDeviceIoUndefined = 0,
	WdfDeviceIoNeither,
	WdfDeviceIoBuffered,
	WdfDeviceIoDirect,
	WdfDeviceIoBufferedOrDirect = 4,
	WdfDeviceIoMaximum,
} WDF_DEVICE_IO_TYPE, *PWDF_DEVICE_IO_TYPE;

/*
 * Device power states (KMDF 1.33 wdfdevice.h). Linux: a device changes state only through
 * wdfio_device_set_power_state() (wdflinux.h), which a port calls from its dev_pm_ops.
 */
typedef enum _WDF_POWER_DEVICE_STATE {
	WdfPowerDeviceInvalid = 0,
	WdfPowerDeviceD0,
	WdfPowerDeviceD1,
	WdfPowerDeviceD2,
	WdfPowerDeviceD3,
	WdfPowerDeviceD3Final,
	WdfPowerDevicePrepareForHibernation,
	WdfPowerDeviceMaximum,
} WDF_POWER_DEVICE_STATE, *PWDF_POWER_DEVICE_STATE;

/* SDDL strings of wdmsec.h that WdfControlDeviceInitAllocate understands */
#define SDDL_DEVOBJ_KERNEL_ONLY			L"D:P"
#define SDDL_DEVOBJ_SYS_ALL			L"D:P(A;;GA;;;SY)"
#define SDDL_DEVOBJ_SYS_ALL_ADM_ALL		L"D:P(A;;GA;;;SY)(A;;GA;;;BA)"
#define SDDL_DEVOBJ_SYS_ALL_ADM_RX		L"D:P(A;;GA;;;SY)(A;;GRGX;;;BA)"
#define SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_R	L"D:P(A;;GA;;;SY)(A;;GRGWGX;;;BA)(A;;GR;;;WD)"
#define SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_RW	L"D:P(A;;GA;;;SY)(A;;GRGWGX;;;BA)(A;;GRGW;;;WD)"
#define SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_RWX_RES_RWX				\
	L"D:P(A;;GA;;;SY)(A;;GRGWGX;;;BA)(A;;GRGWGX;;;WD)(A;;GRGWGX;;;RC)"

/*
 * File objects (KMDF 1.33 wdfdevice.h). Linux: a WDFFILEOBJECT is one open
 * struct file of the device's node: EvtDeviceFileCreate runs at open(),
 * EvtFileCleanup then EvtFileClose at the file's release (README).
 */
typedef enum _WDF_FILEOBJECT_CLASS {
	WdfFileObjectInvalid = 0,
	WdfFileObjectNotRequired = 1,
	WdfFileObjectWdfCanUseFsContext = 2,
	WdfFileObjectWdfCanUseFsContext2 = 3,
	WdfFileObjectWdfCannotUseFsContexts = 4,
	WdfFileObjectCanBeOptional = 0x80000000,
} WDF_FILEOBJECT_CLASS, *PWDF_FILEOBJECT_CLASS;

/* open(): complete @Request (any time, any context); an error fails open() */
typedef void EVT_WDF_DEVICE_FILE_CREATE(WDFDEVICE Device, WDFREQUEST Request,
					WDFFILEOBJECT FileObject);
typedef EVT_WDF_DEVICE_FILE_CREATE *PFN_WDF_DEVICE_FILE_CREATE;
/* The last close of the file: process context */
typedef void EVT_WDF_FILE_CLEANUP(WDFFILEOBJECT FileObject);
typedef EVT_WDF_FILE_CLEANUP *PFN_WDF_FILE_CLEANUP;
/* After EvtFileCleanup; the file object is deleted after it returns */
typedef void EVT_WDF_FILE_CLOSE(WDFFILEOBJECT FileObject);
typedef EVT_WDF_FILE_CLOSE *PFN_WDF_FILE_CLOSE;

typedef struct _WDF_FILEOBJECT_CONFIG {
	ULONG Size;
	PFN_WDF_DEVICE_FILE_CREATE EvtDeviceFileCreate;
	PFN_WDF_FILE_CLOSE EvtFileClose;
	PFN_WDF_FILE_CLEANUP EvtFileCleanup;
	WDF_TRI_STATE AutoForwardCleanupClose;
	WDF_FILEOBJECT_CLASS FileObjectClass;
} WDF_FILEOBJECT_CONFIG, *PWDF_FILEOBJECT_CONFIG;

static inline void WDF_FILEOBJECT_CONFIG_INIT(PWDF_FILEOBJECT_CONFIG FileEventCallbacks,
					      PFN_WDF_DEVICE_FILE_CREATE EvtDeviceFileCreate,
					      PFN_WDF_FILE_CLOSE EvtFileClose,
					      PFN_WDF_FILE_CLEANUP EvtFileCleanup)
{
	RtlZeroMemory(FileEventCallbacks, sizeof(*FileEventCallbacks));
	FileEventCallbacks->Size = sizeof(*FileEventCallbacks);
	FileEventCallbacks->EvtDeviceFileCreate = EvtDeviceFileCreate;
	FileEventCallbacks->EvtFileClose = EvtFileClose;
	FileEventCallbacks->EvtFileCleanup = EvtFileCleanup;
	FileEventCallbacks->FileObjectClass = WdfFileObjectWdfCannotUseFsContexts;
	FileEventCallbacks->AutoForwardCleanupClose = WdfUseDefault;
}

void WdfDeviceInitSetFileObjectConfig(PWDFDEVICE_INIT DeviceInit,
				      PWDF_FILEOBJECT_CONFIG FileObjectConfig,
				      PWDF_OBJECT_ATTRIBUTES FileObjectAttributes);

/* wdffileobject.h */
WDFDEVICE WdfFileObjectGetDevice(WDFFILEOBJECT FileObject);
PUNICODE_STRING WdfFileObjectGetFileName(WDFFILEOBJECT FileObject);
ULONG WdfFileObjectGetFlags(WDFFILEOBJECT FileObject);

/*
 * Every read, write and IOCTL request of the device, on the caller's thread
 * before any queue sees it: the driver completes it or hands it to its
 * queues with WdfDeviceEnqueueRequest.
 */
typedef void EVT_WDF_IO_IN_CALLER_CONTEXT(WDFDEVICE Device, WDFREQUEST Request);
typedef EVT_WDF_IO_IN_CALLER_CONTEXT *PFN_WDF_IO_IN_CALLER_CONTEXT;

void WdfDeviceInitSetIoInCallerContextCallback(PWDFDEVICE_INIT DeviceInit,
					       PFN_WDF_IO_IN_CALLER_CONTEXT EvtIoInCallerContext);
NTSTATUS WdfDeviceEnqueueRequest(WDFDEVICE Device, WDFREQUEST Request);

/* Control devices */
PWDFDEVICE_INIT WdfControlDeviceInitAllocate(WDFDRIVER Driver, const UNICODE_STRING *SDDLString);
void WdfControlFinishInitializing(WDFDEVICE Device);

/* Device initialization */
void WdfDeviceInitFree(PWDFDEVICE_INIT DeviceInit);
NTSTATUS WdfDeviceInitAssignName(PWDFDEVICE_INIT DeviceInit, PCUNICODE_STRING DeviceName);
void WdfDeviceInitSetIoType(PWDFDEVICE_INIT DeviceInit, WDF_DEVICE_IO_TYPE IoType);
void WdfDeviceInitSetExclusive(PWDFDEVICE_INIT DeviceInit, BOOLEAN IsExclusive);
void WdfDeviceInitSetDeviceType(PWDFDEVICE_INIT DeviceInit, DEVICE_TYPE DeviceType);
void WdfDeviceInitSetRequestAttributes(PWDFDEVICE_INIT DeviceInit,
				       PWDF_OBJECT_ATTRIBUTES RequestAttributes);

/* Filter and function devices (wdffdo.h) */
void WdfFdoInitSetFilter(PWDFDEVICE_INIT DeviceInit);

/* Devices */
NTSTATUS WdfDeviceCreate(PWDFDEVICE_INIT *DeviceInit, PWDF_OBJECT_ATTRIBUTES DeviceAttributes,
			 WDFDEVICE *Device);
NTSTATUS WdfDeviceCreateSymbolicLink(WDFDEVICE Device, PCUNICODE_STRING SymbolicLinkName);
WDFDRIVER WdfDeviceGetDriver(WDFDEVICE Device);
NTSTATUS WdfDeviceConfigureRequestDispatching(WDFDEVICE Device, WDFQUEUE Queue,
					      WDF_REQUEST_TYPE RequestType);
WDFQUEUE WdfDeviceGetDefaultQueue(WDFDEVICE Device);
WDFIOTARGET WdfDeviceGetIoTarget(WDFDEVICE Device);

#endif /* _WDFIO_WDFDEVICE_H */
