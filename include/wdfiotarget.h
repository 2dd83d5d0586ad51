/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * WDF I/O targets: opening, state, formatting and synchronous sends
 * (KMDF 1.33 wdfiotarget.h).
 */
#ifndef _WDFIO_WDFIOTARGET_H
#define _WDFIO_WDFIOTARGET_H

#include <ntddk.h>
#include <wdftypes.h>
#include <wdfobject.h>
#include <wdfmemory.h>
#include <wdfrequest.h>

typedef enum _WDF_IO_TARGET_STATE {
	WdfIoTargetStateUndefined = 0,
	WdfIoTargetStarted,
	WdfIoTargetStopped,
	WdfIoTargetClosedForQueryRemove,
	WdfIoTargetClosed,
	WdfIoTargetDeleted,
	WdfIoTargetPurged,
} WDF_IO_TARGET_STATE, *PWDF_IO_TARGET_STATE;

typedef enum _WDF_IO_TARGET_OPEN_TYPE {
	WdfIoTargetOpenUndefined = 0,
	WdfIoTargetOpenUseExistingDevice = 1,
	WdfIoTargetOpenByName = 2,
	WdfIoTargetOpenReopen = 3,
	WdfIoTargetOpenLocalTargetByFile = 4,
} WDF_IO_TARGET_OPEN_TYPE;

typedef enum _WDF_IO_TARGET_SENT_IO_ACTION {
	WdfIoTargetSentIoUndefined = 0,
	WdfIoTargetCancelSentIo,
	WdfIoTargetWaitForSentIoToComplete,
	WdfIoTargetLeaveSentIoPending,
} WDF_IO_TARGET_SENT_IO_ACTION;

typedef enum _WDF_IO_TARGET_PURGE_IO_ACTION {
	WdfIoTargetPurgeIoUndefined = 0,
	WdfIoTargetPurgeIoAndWait = 1,
	WdfIoTargetPurgeIo = 2,
} WDF_IO_TARGET_PURGE_IO_ACTION;

/* The target device is about to be removed; a failure status vetoes the removal */
typedef NTSTATUS EVT_WDF_IO_TARGET_QUERY_REMOVE(WDFIOTARGET IoTarget);
typedef EVT_WDF_IO_TARGET_QUERY_REMOVE *PFN_WDF_IO_TARGET_QUERY_REMOVE;

/* The removal announced by the query was canceled; the target may be reopened */
typedef void EVT_WDF_IO_TARGET_REMOVE_CANCELED(WDFIOTARGET IoTarget);
typedef EVT_WDF_IO_TARGET_REMOVE_CANCELED *PFN_WDF_IO_TARGET_REMOVE_CANCELED;

/* The target device is gone */
typedef void EVT_WDF_IO_TARGET_REMOVE_COMPLETE(WDFIOTARGET IoTarget);
typedef EVT_WDF_IO_TARGET_REMOVE_COMPLETE *PFN_WDF_IO_TARGET_REMOVE_COMPLETE;

/*
 * Input of WdfIoTargetOpen(). Type selects the fields that count:
 * UseExistingDevice: TargetDeviceObject, TargetFileObject;
 * OpenByName: TargetDeviceName through AllocationSize, and FileInformation on return;
 * LocalTargetByFile (UMDF only): FileName.
 */
typedef struct _WDF_IO_TARGET_OPEN_PARAMS {
	ULONG Size;
	WDF_IO_TARGET_OPEN_TYPE Type;
	PFN_WDF_IO_TARGET_QUERY_REMOVE EvtIoTargetQueryRemove;
	PFN_WDF_IO_TARGET_REMOVE_CANCELED EvtIoTargetRemoveCanceled;
	PFN_WDF_IO_TARGET_REMOVE_COMPLETE EvtIoTargetRemoveComplete;
	PDEVICE_OBJECT TargetDeviceObject;
	PFILE_OBJECT TargetFileObject;
	UNICODE_STRING TargetDeviceName;
	ACCESS_MASK DesiredAccess;
	ULONG ShareAccess;
	ULONG FileAttributes;
	ULONG CreateDisposition;
	ULONG CreateOptions;
	PVOID EaBuffer;
	ULONG EaBufferLength;
	PLONGLONG AllocationSize;
	ULONG FileInformation;
	UNICODE_STRING FileName;
} WDF_IO_TARGET_OPEN_PARAMS, *PWDF_IO_TARGET_OPEN_PARAMS;

static_assert(sizeof(WDF_IO_TARGET_OPEN_PARAMS) == 136);
static_assert(offsetof(WDF_IO_TARGET_OPEN_PARAMS, TargetDeviceObject) == 32);
static_assert(offsetof(WDF_IO_TARGET_OPEN_PARAMS, TargetDeviceName) == 48);
static_assert(offsetof(WDF_IO_TARGET_OPEN_PARAMS, DesiredAccess) == 64);
static_assert(offsetof(WDF_IO_TARGET_OPEN_PARAMS, EaBuffer) == 88);
static_assert(offsetof(WDF_IO_TARGET_OPEN_PARAMS, AllocationSize) == 104);
static_assert(offsetof(WDF_IO_TARGET_OPEN_PARAMS, FileInformation) == 112);
static_assert(offsetof(WDF_IO_TARGET_OPEN_PARAMS, FileName) == 120);

static inline void
WDF_IO_TARGET_OPEN_PARAMS_INIT_EXISTING_DEVICE(PWDF_IO_TARGET_OPEN_PARAMS Params,
					       PDEVICE_OBJECT DeviceObject)
{
	RtlZeroMemory(Params, sizeof(WDF_IO_TARGET_OPEN_PARAMS));
	Params->Size = WDF_STRUCTURE_SIZE(WDF_IO_TARGET_OPEN_PARAMS);
	Params->Type = WdfIoTargetOpenUseExistingDevice;
	Params->TargetDeviceObject = DeviceObject;
}

/* The name is copied by value: its Buffer must stay valid until WdfIoTargetOpen() returns */
static inline void
WDF_IO_TARGET_OPEN_PARAMS_INIT_CREATE_BY_NAME(PWDF_IO_TARGET_OPEN_PARAMS Params,
					      PCUNICODE_STRING TargetDeviceName,
					      ACCESS_MASK DesiredAccess)
{
	RtlZeroMemory(Params, sizeof(WDF_IO_TARGET_OPEN_PARAMS));
	Params->Size = WDF_STRUCTURE_SIZE(WDF_IO_TARGET_OPEN_PARAMS);
	Params->Type = WdfIoTargetOpenByName;
	RtlCopyMemory(&Params->TargetDeviceName, TargetDeviceName, sizeof(UNICODE_STRING));
	Params->DesiredAccess = DesiredAccess;
	Params->CreateOptions = FILE_NON_DIRECTORY_FILE;
}

static inline void
WDF_IO_TARGET_OPEN_PARAMS_INIT_OPEN_BY_NAME(PWDF_IO_TARGET_OPEN_PARAMS Params,
					    PCUNICODE_STRING TargetDeviceName,
					    ACCESS_MASK DesiredAccess)
{
	WDF_IO_TARGET_OPEN_PARAMS_INIT_CREATE_BY_NAME(Params, TargetDeviceName, DesiredAccess);
	Params->CreateDisposition = FILE_OPEN;
}

static inline void WDF_IO_TARGET_OPEN_PARAMS_INIT_REOPEN(PWDF_IO_TARGET_OPEN_PARAMS Params)
{
	RtlZeroMemory(Params, sizeof(WDF_IO_TARGET_OPEN_PARAMS));
	Params->Size = WDF_STRUCTURE_SIZE(WDF_IO_TARGET_OPEN_PARAMS);
	Params->Type = WdfIoTargetOpenReopen;
}

/* Lifetime and state */
NTSTATUS WdfIoTargetCreate(WDFDEVICE Device, PWDF_OBJECT_ATTRIBUTES IoTargetAttributes,
			   WDFIOTARGET *IoTarget);
NTSTATUS WdfIoTargetOpen(WDFIOTARGET IoTarget, PWDF_IO_TARGET_OPEN_PARAMS OpenParams);
void WdfIoTargetClose(WDFIOTARGET IoTarget);
void WdfIoTargetCloseForQueryRemove(WDFIOTARGET IoTarget);
NTSTATUS WdfIoTargetStart(WDFIOTARGET IoTarget);
void WdfIoTargetStop(WDFIOTARGET IoTarget, WDF_IO_TARGET_SENT_IO_ACTION Action);
void WdfIoTargetPurge(WDFIOTARGET IoTarget, WDF_IO_TARGET_PURGE_IO_ACTION Action);
WDF_IO_TARGET_STATE WdfIoTargetGetState(WDFIOTARGET IoTarget);

/* Formatting requests for WdfRequestSend() */
NTSTATUS WdfIoTargetFormatRequestForRead(WDFIOTARGET IoTarget, WDFREQUEST Request,
					 WDFMEMORY OutputBuffer,
					 PWDFMEMORY_OFFSET OutputBufferOffset,
					 PLONGLONG DeviceOffset);
NTSTATUS WdfIoTargetFormatRequestForWrite(WDFIOTARGET IoTarget, WDFREQUEST Request,
					  WDFMEMORY InputBuffer,
					  PWDFMEMORY_OFFSET InputBufferOffset,
					  PLONGLONG DeviceOffset);
NTSTATUS WdfIoTargetFormatRequestForIoctl(WDFIOTARGET IoTarget, WDFREQUEST Request,
					  ULONG IoctlCode, WDFMEMORY InputBuffer,
					  PWDFMEMORY_OFFSET InputBufferOffset,
					  WDFMEMORY OutputBuffer,
					  PWDFMEMORY_OFFSET OutputBufferOffset);

/* Synchronous sends */
NTSTATUS WdfIoTargetSendReadSynchronously(WDFIOTARGET IoTarget, WDFREQUEST Request,
					  PWDF_MEMORY_DESCRIPTOR OutputBuffer,
					  PLONGLONG DeviceOffset,
					  PWDF_REQUEST_SEND_OPTIONS RequestOptions,
					  PULONG_PTR BytesRead);
NTSTATUS WdfIoTargetSendWriteSynchronously(WDFIOTARGET IoTarget, WDFREQUEST Request,
					   PWDF_MEMORY_DESCRIPTOR InputBuffer,
					   PLONGLONG DeviceOffset,
					   PWDF_REQUEST_SEND_OPTIONS RequestOptions,
					   PULONG_PTR BytesWritten);
NTSTATUS WdfIoTargetSendIoctlSynchronously(WDFIOTARGET IoTarget, WDFREQUEST Request,
					   ULONG IoctlCode, PWDF_MEMORY_DESCRIPTOR InputBuffer,
					   PWDF_MEMORY_DESCRIPTOR OutputBuffer,
					   PWDF_REQUEST_SEND_OPTIONS RequestOptions,
					   PULONG_PTR BytesReturned);

#endif /* _WDFIO_WDFIOTARGET_H */
