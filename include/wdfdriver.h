/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * WDF driver objects (KMDF 1.33 wdfdriver.h).
 *
 * Linux: a ported driver's DriverEntry is its module_init; it calls WdfDriverCreate with
 * DriverObject and RegistryPath NULL. Its module_exit deletes the driver object with
 * WdfObjectDelete (KMDF does that itself at unload), which deletes the driver's devices
 * and then calls EvtDriverUnload. See the README, "Devices and queues".
 */
#ifndef _WDFIO_WDFDRIVER_H
#define _WDFIO_WDFDRIVER_H

#include <ntddk.h>
#include <wdftypes.h>
#include <wdfobject.h>

typedef enum _WDF_DRIVER_INIT_FLAGS {
	WdfDriverInitNonPnpDriver = 0x00000001,
	WdfDriverInitNoDispatchOverride = 0x00000002,
	WdfVerifyOn = 0x00000004,
	WdfVerifierOn = 0x00000008,
	WdfDriverInitCompanion = 0x00000010,
} WDF_DRIVER_INIT_FLAGS;

/* A device arrived; create it from DeviceInit with WdfDeviceCreate */
typedef NTSTATUS EVT_WDF_DRIVER_DEVICE_ADD(WDFDRIVER Driver, PWDFDEVICE_INIT DeviceInit);
typedef EVT_WDF_DRIVER_DEVICE_ADD *PFN_WDF_DRIVER_DEVICE_ADD;

/* The driver is being unloaded */
typedef void EVT_WDF_DRIVER_UNLOAD(WDFDRIVER Driver);
typedef EVT_WDF_DRIVER_UNLOAD *PFN_WDF_DRIVER_UNLOAD;

typedef struct _WDF_DRIVER_CONFIG {
	ULONG Size;
	PFN_WDF_DRIVER_DEVICE_ADD EvtDriverDeviceAdd;
	PFN_WDF_DRIVER_UNLOAD EvtDriverUnload;
	ULONG DriverInitFlags;
	ULONG DriverPoolTag;
} WDF_DRIVER_CONFIG, *PWDF_DRIVER_CONFIG;

static_assert(sizeof(WDF_DRIVER_CONFIG) == 32);
static_assert(offsetof(WDF_DRIVER_CONFIG, EvtDriverDeviceAdd) == 8);
static_assert(offsetof(WDF_DRIVER_CONFIG, DriverInitFlags) == 24);

static inline void WDF_DRIVER_CONFIG_INIT(PWDF_DRIVER_CONFIG Config,
					  PFN_WDF_DRIVER_DEVICE_ADD EvtDriverDeviceAdd)
{
	RtlZeroMemory(Config, sizeof(WDF_DRIVER_CONFIG));
	Config->Size = WDF_STRUCTURE_SIZE(WDF_DRIVER_CONFIG);
	Config->EvtDriverDeviceAdd = EvtDriverDeviceAdd;
}

NTSTATUS WdfDriverCreate(PDRIVER_OBJECT DriverObject, PCUNICODE_STRING RegistryPath,
			 PWDF_OBJECT_ATTRIBUTES DriverAttributes, PWDF_DRIVER_CONFIG DriverConfig,
			 WDFDRIVER *Driver);

#endif /* _WDFIO_WDFDRIVER_H */
