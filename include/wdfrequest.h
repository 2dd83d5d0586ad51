/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * WDF request objects: creation, reuse, sending and completion (KMDF 1.33 wdfrequest.h).
 */
#ifndef _WDFIO_WDFREQUEST_H
#define _WDFIO_WDFREQUEST_H

#include <ntddk.h>
#include <wdftypes.h>
#include <wdfobject.h>

/* The I/O operation a request carries (the IRP major function codes) */
typedef enum _WDF_REQUEST_TYPE {
	WdfRequestTypeCreate = 0x0,
	WdfRequestTypeCreateNamedPipe = 0x1,
	WdfRequestTypeClose = 0x2,
	WdfRequestTypeRead = 0x3,
	WdfRequestTypeWrite = 0x4,
	WdfRequestTypeQueryInformation = 0x5,
	WdfRequestTypeSetInformation = 0x6,
	WdfRequestTypeQueryEA = 0x7,
	WdfRequestTypeSetEA = 0x8,
	WdfRequestTypeFlushBuffers = 0x9,
	WdfRequestTypeQueryVolumeInformation = 0xa,
	WdfRequestTypeSetVolumeInformation = 0xb,
	WdfRequestTypeDirectoryControl = 0xc,
	WdfRequestTypeFileSystemControl = 0xd,
	WdfRequestTypeDeviceControl = 0xe,
	WdfRequestTypeDeviceControlInternal = 0xf,
	WdfRequestTypeShutdown = 0x10,
	WdfRequestTypeLockControl = 0x11,
	WdfRequestTypeCleanup = 0x12,
	WdfRequestTypeCreateMailSlot = 0x13,
	WdfRequestTypeQuerySecurity = 0x14,
	WdfRequestTypeSetSecurity = 0x15,
	WdfRequestTypePower = 0x16,
	WdfRequestTypeSystemControl = 0x17,
	WdfRequestTypeDeviceChange = 0x18,
	WdfRequestTypeQueryQuota = 0x19,
	WdfRequestTypeSetQuota = 0x1A,
	WdfRequestTypePnp = 0x1B,
	WdfRequestTypeOther = 0x1C,
	WdfRequestTypeUsb = 0x40,
	WdfRequestTypeNoFormat = 0xFF,
	WdfRequestTypeMax,
} WDF_REQUEST_TYPE;

typedef enum _WDF_REQUEST_REUSE_FLAGS {
	WDF_REQUEST_REUSE_NO_FLAGS = 0x00000000,
	WDF_REQUEST_REUSE_SET_NEW_IRP = 0x00000001,
} WDF_REQUEST_REUSE_FLAGS;

typedef enum _WDF_REQUEST_SEND_OPTIONS_FLAGS {
	WDF_REQUEST_SEND_OPTION_TIMEOUT = 0x00000001,
	WDF_REQUEST_SEND_OPTION_SYNCHRONOUS = 0x00000002,
	WDF_REQUEST_SEND_OPTION_IGNORE_TARGET_STATE = 0x00000004,
	WDF_REQUEST_SEND_OPTION_SEND_AND_FORGET = 0x00000008,
	WDF_REQUEST_SEND_OPTION_IMPERSONATE_CLIENT = 0x00010000,
	WDF_REQUEST_SEND_OPTION_IMPERSONATION_IGNORE_FAILURE = 0x00020000,
} WDF_REQUEST_SEND_OPTIONS_FLAGS;

/* What EvtIoStop is asked to do with a request (ActionFlags) */
typedef enum _WDF_REQUEST_STOP_ACTION_FLAGS {
	WdfRequestStopActionInvalid = 0,
	WdfRequestStopActionSuspend = 0x01,
	WdfRequestStopActionPurge = 0x2,
	WdfRequestStopRequestCancelable = 0x10000000,
} WDF_REQUEST_STOP_ACTION_FLAGS;

/* Called when a request the driver marked cancelable is cancelled; must not sleep */
typedef void EVT_WDF_REQUEST_CANCEL(WDFREQUEST Request);
typedef EVT_WDF_REQUEST_CANCEL *PFN_WDF_REQUEST_CANCEL;

/* The parameters of a request a queue presented (WdfRequestGetParameters) */
typedef struct _WDF_REQUEST_PARAMETERS {
	USHORT Size;
	UCHAR MinorFunction;
	WDF_REQUEST_TYPE Type;
	union {
		struct {
			PIO_SECURITY_CONTEXT SecurityContext;
			ULONG Options;
			USHORT POINTER_ALIGNMENT FileAttributes;
			USHORT ShareAccess;
			ULONG POINTER_ALIGNMENT EaLength;
		} Create;
		struct {
			size_t Length;
			ULONG POINTER_ALIGNMENT Key;
			LONGLONG DeviceOffset;
		} Read;
		struct {
			size_t Length;
			ULONG POINTER_ALIGNMENT Key;
			LONGLONG DeviceOffset;
		} Write;
		struct {
			size_t OutputBufferLength;
			size_t POINTER_ALIGNMENT InputBufferLength;
			ULONG POINTER_ALIGNMENT IoControlCode;
			PVOID Type3InputBuffer;
		} DeviceIoControl;
		struct {
			PVOID Arg1;
			PVOID Arg2;
			ULONG POINTER_ALIGNMENT IoControlCode;
			PVOID Arg4;
		} Others;
	} Parameters;
} WDF_REQUEST_PARAMETERS, *PWDF_REQUEST_PARAMETERS;

static_assert(sizeof(WDF_REQUEST_PARAMETERS) == 40);
static_assert(offsetof(WDF_REQUEST_PARAMETERS, Type) == 4);
static_assert(offsetof(WDF_REQUEST_PARAMETERS, Parameters) == 8);
static_assert(offsetof(WDF_REQUEST_PARAMETERS, Parameters.Read.DeviceOffset) == 24);
static_assert(offsetof(WDF_REQUEST_PARAMETERS, Parameters.Create.EaLength) == 32);
static_assert(offsetof(WDF_REQUEST_PARAMETERS, Parameters.DeviceIoControl.IoControlCode) == 24);
static_assert(offsetof(WDF_REQUEST_PARAMETERS, Parameters.DeviceIoControl.Type3InputBuffer) == 32);

static inline void WDF_REQUEST_PARAMETERS_INIT(PWDF_REQUEST_PARAMETERS Parameters)
{
	RtlZeroMemory(Parameters, sizeof(WDF_REQUEST_PARAMETERS));
	Parameters->Size = sizeof(WDF_REQUEST_PARAMETERS);
}

typedef struct _WDF_USB_REQUEST_COMPLETION_PARAMS *PWDF_USB_REQUEST_COMPLETION_PARAMS;

/*
 * What a completed request did. Filled in by the format DDIs and at completion; the
 * member of Parameters that is valid depends on Type.
 */
typedef struct _WDF_REQUEST_COMPLETION_PARAMS {
	ULONG Size;
	WDF_REQUEST_TYPE Type;
	IO_STATUS_BLOCK IoStatus;
	union {
		struct {
			WDFMEMORY Buffer;
			size_t Length;
			size_t Offset;
		} Write;
		struct {
			WDFMEMORY Buffer;
			size_t Length;
			size_t Offset;
		} Read;
		struct {
			ULONG IoControlCode;
			struct {
				WDFMEMORY Buffer;
				size_t Offset;
			} Input;
			struct {
				WDFMEMORY Buffer;
				size_t Offset;
				size_t Length;
			} Output;
		} Ioctl;
		struct {
			union {
				PVOID Ptr;
				ULONG_PTR Value;
			} Argument1;
			union {
				PVOID Ptr;
				ULONG_PTR Value;
			} Argument2;
			union {
				PVOID Ptr;
				ULONG_PTR Value;
			} Argument3;
			union {
				PVOID Ptr;
				ULONG_PTR Value;
			} Argument4;
		} Others;
		struct {
			PWDF_USB_REQUEST_COMPLETION_PARAMS Completion;
		} Usb;
	} Parameters;
} WDF_REQUEST_COMPLETION_PARAMS, *PWDF_REQUEST_COMPLETION_PARAMS;

static_assert(sizeof(WDF_REQUEST_COMPLETION_PARAMS) == 72);
static_assert(offsetof(WDF_REQUEST_COMPLETION_PARAMS, IoStatus) == 8);
static_assert(offsetof(WDF_REQUEST_COMPLETION_PARAMS, Parameters) == 24);
static_assert(offsetof(WDF_REQUEST_COMPLETION_PARAMS, Parameters.Ioctl.Output.Length) == 64);

static inline void WDF_REQUEST_COMPLETION_PARAMS_INIT(PWDF_REQUEST_COMPLETION_PARAMS Params)
{
	RtlZeroMemory(Params, sizeof(WDF_REQUEST_COMPLETION_PARAMS));
	Params->Size = WDF_STRUCTURE_SIZE(WDF_REQUEST_COMPLETION_PARAMS);
	Params->Type = WdfRequestTypeNoFormat;
}

/* Runs once per send, in the context where the I/O completed; must not sleep */
typedef void EVT_WDF_REQUEST_COMPLETION_ROUTINE(WDFREQUEST Request, WDFIOTARGET Target,
						PWDF_REQUEST_COMPLETION_PARAMS Params,
						WDFCONTEXT Context);
typedef EVT_WDF_REQUEST_COMPLETION_ROUTINE *PFN_WDF_REQUEST_COMPLETION_ROUTINE;

/* Input of WdfRequestReuse(): Status becomes the request's status */
typedef struct _WDF_REQUEST_REUSE_PARAMS {
	ULONG Size;
	ULONG Flags;
	NTSTATUS Status;
	PIRP NewIrp;
} WDF_REQUEST_REUSE_PARAMS, *PWDF_REQUEST_REUSE_PARAMS;

static_assert(sizeof(WDF_REQUEST_REUSE_PARAMS) == 24);
static_assert(offsetof(WDF_REQUEST_REUSE_PARAMS, NewIrp) == 16);

static inline void WDF_REQUEST_REUSE_PARAMS_INIT(PWDF_REQUEST_REUSE_PARAMS Params, ULONG Flags,
						 NTSTATUS Status)
{
	RtlZeroMemory(Params, sizeof(WDF_REQUEST_REUSE_PARAMS));
	Params->Size = WDF_STRUCTURE_SIZE(WDF_REQUEST_REUSE_PARAMS);
	Params->Flags = Flags;
	Params->Status = Status;
}

static inline void WDF_REQUEST_REUSE_PARAMS_SET_NEW_IRP(PWDF_REQUEST_REUSE_PARAMS Params,
							PIRP NewIrp)
{
	Params->Flags |= WDF_REQUEST_REUSE_SET_NEW_IRP;
	Params->NewIrp = NewIrp;
}

/* Options of a send; Timeout (100 ns units) counts only with WDF_REQUEST_SEND_OPTION_TIMEOUT */
typedef struct _WDF_REQUEST_SEND_OPTIONS {
	ULONG Size;
	ULONG Flags;
	LONGLONG Timeout;
} WDF_REQUEST_SEND_OPTIONS, *PWDF_REQUEST_SEND_OPTIONS;

static_assert(sizeof(WDF_REQUEST_SEND_OPTIONS) == 16);
static_assert(offsetof(WDF_REQUEST_SEND_OPTIONS, Timeout) == 8);

static inline void WDF_REQUEST_SEND_OPTIONS_INIT(PWDF_REQUEST_SEND_OPTIONS Options, ULONG Flags)
{
	RtlZeroMemory(Options, sizeof(WDF_REQUEST_SEND_OPTIONS));
	Options->Size = WDF_STRUCTURE_SIZE(WDF_REQUEST_SEND_OPTIONS);
	Options->Flags = Flags;
}

static inline void WDF_REQUEST_SEND_OPTIONS_SET_TIMEOUT(PWDF_REQUEST_SEND_OPTIONS Options,
							LONGLONG Timeout)
{
	Options->Flags |= WDF_REQUEST_SEND_OPTION_TIMEOUT;
	Options->Timeout = Timeout;
}

/* Creation and reuse */
NTSTATUS WdfRequestCreate(PWDF_OBJECT_ATTRIBUTES RequestAttributes, WDFIOTARGET IoTarget,
			  WDFREQUEST *Request);
NTSTATUS WdfRequestReuse(WDFREQUEST Request, PWDF_REQUEST_REUSE_PARAMS ReuseParams);

/* Sending */
BOOLEAN WdfRequestSend(WDFREQUEST Request, WDFIOTARGET Target, PWDF_REQUEST_SEND_OPTIONS Options);

/* Completion */
void WdfRequestSetCompletionRoutine(WDFREQUEST Request,
				    PFN_WDF_REQUEST_COMPLETION_ROUTINE CompletionRoutine,
				    WDFCONTEXT CompletionContext);
void WdfRequestGetCompletionParams(WDFREQUEST Request, PWDF_REQUEST_COMPLETION_PARAMS Params);
NTSTATUS WdfRequestGetStatus(WDFREQUEST Request);
ULONG_PTR WdfRequestGetInformation(WDFREQUEST Request);
void WdfRequestSetInformation(WDFREQUEST Request, ULONG_PTR Information);

/* Cancellation, timers, retargeting */
BOOLEAN WdfRequestCancelSentRequest(WDFREQUEST Request);
NTSTATUS WdfRequestAllocateTimer(WDFREQUEST Request);
NTSTATUS WdfRequestChangeTarget(WDFREQUEST Request, WDFIOTARGET IoTarget);

/* Requests a queue presented: parameters, buffers, completion (the receiving side) */
void WdfRequestGetParameters(WDFREQUEST Request, PWDF_REQUEST_PARAMETERS Parameters);
NTSTATUS WdfRequestRetrieveInputMemory(WDFREQUEST Request, WDFMEMORY *Memory);
NTSTATUS WdfRequestRetrieveOutputMemory(WDFREQUEST Request, WDFMEMORY *Memory);
NTSTATUS WdfRequestRetrieveInputBuffer(WDFREQUEST Request, size_t MinimumRequiredLength,
				       PVOID *Buffer, size_t *Length);
NTSTATUS WdfRequestRetrieveOutputBuffer(WDFREQUEST Request, size_t MinimumRequiredSize,
					PVOID *Buffer, size_t *Length);
void WdfRequestComplete(WDFREQUEST Request, NTSTATUS Status);
void WdfRequestCompleteWithInformation(WDFREQUEST Request, NTSTATUS Status,
				       ULONG_PTR Information);
void WdfRequestCompleteWithPriorityBoost(WDFREQUEST Request, NTSTATUS Status,
					 CCHAR PriorityBoost);
NTSTATUS WdfRequestForwardToIoQueue(WDFREQUEST Request, WDFQUEUE DestinationQueue);
WDFQUEUE WdfRequestGetIoQueue(WDFREQUEST Request);
void WdfRequestMarkCancelable(WDFREQUEST Request, PFN_WDF_REQUEST_CANCEL EvtRequestCancel);
NTSTATUS WdfRequestMarkCancelableEx(WDFREQUEST Request, PFN_WDF_REQUEST_CANCEL EvtRequestCancel);
NTSTATUS WdfRequestUnmarkCancelable(WDFREQUEST Request);
BOOLEAN WdfRequestIsCanceled(WDFREQUEST Request);
void WdfRequestStopAcknowledge(WDFREQUEST Request, BOOLEAN Requeue);

/*
 * Forwarding to the parent device's queue (a PDO's request to its bus
 * FDO): wdfio has no PDOs, so WdfRequestForwardToParentDeviceIoQueue
 * always fails with STATUS_INVALID_DEVICE_REQUEST, as KMDF does for a
 * device without a parent.
 */
typedef enum _WDF_REQUEST_FORWARD_OPTIONS_FLAGS {
	WDF_REQUEST_FORWARD_OPTION_SEND_AND_FORGET = 0x00000001,
} WDF_REQUEST_FORWARD_OPTIONS_FLAGS;

typedef struct _WDF_REQUEST_FORWARD_OPTIONS {
	ULONG Size;
	ULONG Flags;	/* WDF_REQUEST_FORWARD_OPTIONS_FLAGS */
} WDF_REQUEST_FORWARD_OPTIONS, *PWDF_REQUEST_FORWARD_OPTIONS;

static inline void WDF_REQUEST_FORWARD_OPTIONS_INIT(PWDF_REQUEST_FORWARD_OPTIONS ForwardOptions)
{
	RtlZeroMemory(ForwardOptions, sizeof(WDF_REQUEST_FORWARD_OPTIONS));
	ForwardOptions->Size = WDF_STRUCTURE_SIZE(WDF_REQUEST_FORWARD_OPTIONS);
	ForwardOptions->Flags |= WDF_REQUEST_FORWARD_OPTION_SEND_AND_FORGET;
}

NTSTATUS WdfRequestForwardToParentDeviceIoQueue(WDFREQUEST Request,
						WDFQUEUE ParentDeviceQueue,
						PWDF_REQUEST_FORWARD_OPTIONS ForwardOptions);

/* No MDLs on Linux: these always fail with STATUS_NOT_SUPPORTED, *Mdl NULL */
NTSTATUS WdfRequestRetrieveInputWdmMdl(WDFREQUEST Request, PMDL *Mdl);
NTSTATUS WdfRequestRetrieveOutputWdmMdl(WDFREQUEST Request, PMDL *Mdl);

/* Forwarding a presented request to an I/O target */
void WdfRequestFormatRequestUsingCurrentType(WDFREQUEST Request);

/* METHOD_NEITHER: the caller's pointers, in EvtIoInCallerContext only */
NTSTATUS WdfRequestRetrieveUnsafeUserInputBuffer(WDFREQUEST Request,
						 size_t MinimumRequiredLength,
						 PVOID *InputBuffer, size_t *Length);
NTSTATUS WdfRequestRetrieveUnsafeUserOutputBuffer(WDFREQUEST Request,
						  size_t MinimumRequiredLength,
						  PVOID *OutputBuffer, size_t *Length);
/* ... and as memory objects usable anywhere until the request completes */
NTSTATUS WdfRequestProbeAndLockUserBufferForRead(WDFREQUEST Request,
						 PVOID Buffer, size_t Length,
						 WDFMEMORY *MemoryObject);
NTSTATUS WdfRequestProbeAndLockUserBufferForWrite(WDFREQUEST Request,
						  PVOID Buffer, size_t Length,
						  WDFMEMORY *MemoryObject);

/* The file object of a presented request (NULL if it has none) */
WDFFILEOBJECT WdfRequestGetFileObject(WDFREQUEST Request);

#endif /* _WDFIO_WDFREQUEST_H */
