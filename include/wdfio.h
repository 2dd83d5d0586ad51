/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * WDF I/O queues (KMDF 1.33 wdfio.h).
 *
 * Linux: the EvtIo* callbacks run in the context of whoever made the queue present a
 * request: the front-end caller's thread, or the thread (or interrupt) that completed
 * the previous request, started the queue or forwarded a request. As in KMDF, they may
 * run at DISPATCH_LEVEL and must not sleep, unless the queue was created with
 * WdfExecutionLevelPassive in its attributes: then wdfio presents from a workqueue
 * whenever the caller cannot sleep.
 */
#ifndef _WDFIO_WDFIO_H
#define _WDFIO_WDFIO_H

#include <ntddk.h>
#include <wdftypes.h>
#include <wdfobject.h>
#include <wdfrequest.h>

typedef enum _WDF_IO_QUEUE_DISPATCH_TYPE {
	WdfIoQueueDispatchInvalid = 0,
	WdfIoQueueDispatchSequential,
	WdfIoQueueDispatchParallel,
	WdfIoQueueDispatchManual,
	WdfIoQueueDispatchMax,
} WDF_IO_QUEUE_DISPATCH_TYPE;

typedef enum _WDF_IO_QUEUE_STATE {
	WdfIoQueueAcceptRequests = 0x01,
	WdfIoQueueDispatchRequests = 0x02,
	WdfIoQueueNoRequests = 0x04,
	WdfIoQueueDriverNoRequests = 0x08,
	WdfIoQueuePnpHeld = 0x10,
} WDF_IO_QUEUE_STATE;

/* No request queued, none owned by the driver */
static inline BOOLEAN WDF_IO_QUEUE_IDLE(WDF_IO_QUEUE_STATE State)
{
	return ((State & WdfIoQueueNoRequests) && (State & WdfIoQueueDriverNoRequests)) ?
	       TRUE : FALSE;
}

/* Accepting and dispatching */
static inline BOOLEAN WDF_IO_QUEUE_READY(WDF_IO_QUEUE_STATE State)
{
	return ((State & WdfIoQueueDispatchRequests) && (State & WdfIoQueueAcceptRequests) &&
		(State & WdfIoQueuePnpHeld) == 0) ? TRUE : FALSE;
}

/* Accepting, not dispatching, the driver owns nothing */
static inline BOOLEAN WDF_IO_QUEUE_STOPPED(WDF_IO_QUEUE_STATE State)
{
	return ((State & WdfIoQueueDispatchRequests) == 0 &&
		(State & WdfIoQueueAcceptRequests) &&
		(State & WdfIoQueueDriverNoRequests)) ? TRUE : FALSE;
}

/* Not accepting, dispatching, nothing queued or owned */
static inline BOOLEAN WDF_IO_QUEUE_DRAINED(WDF_IO_QUEUE_STATE State)
{
	return ((State & WdfIoQueueAcceptRequests) == 0 &&
		(State & WdfIoQueueDispatchRequests) && (State & WdfIoQueueNoRequests) &&
		(State & WdfIoQueueDriverNoRequests)) ? TRUE : FALSE;
}

/* Not accepting, nothing queued or owned */
static inline BOOLEAN WDF_IO_QUEUE_PURGED(WDF_IO_QUEUE_STATE State)
{
	return ((State & WdfIoQueueAcceptRequests) == 0 && (State & WdfIoQueueNoRequests) &&
		(State & WdfIoQueueDriverNoRequests)) ? TRUE : FALSE;
}

/* Callbacks: all may run at DISPATCH_LEVEL (see the top of this file) */
typedef void EVT_WDF_IO_QUEUE_IO_DEFAULT(WDFQUEUE Queue, WDFREQUEST Request);
typedef EVT_WDF_IO_QUEUE_IO_DEFAULT *PFN_WDF_IO_QUEUE_IO_DEFAULT;

typedef void EVT_WDF_IO_QUEUE_IO_STOP(WDFQUEUE Queue, WDFREQUEST Request, ULONG ActionFlags);
typedef EVT_WDF_IO_QUEUE_IO_STOP *PFN_WDF_IO_QUEUE_IO_STOP;

typedef void EVT_WDF_IO_QUEUE_IO_RESUME(WDFQUEUE Queue, WDFREQUEST Request);
typedef EVT_WDF_IO_QUEUE_IO_RESUME *PFN_WDF_IO_QUEUE_IO_RESUME;

typedef void EVT_WDF_IO_QUEUE_IO_READ(WDFQUEUE Queue, WDFREQUEST Request, size_t Length);
typedef EVT_WDF_IO_QUEUE_IO_READ *PFN_WDF_IO_QUEUE_IO_READ;

typedef void EVT_WDF_IO_QUEUE_IO_WRITE(WDFQUEUE Queue, WDFREQUEST Request, size_t Length);
typedef EVT_WDF_IO_QUEUE_IO_WRITE *PFN_WDF_IO_QUEUE_IO_WRITE;

typedef void EVT_WDF_IO_QUEUE_IO_DEVICE_CONTROL(WDFQUEUE Queue, WDFREQUEST Request,
						size_t OutputBufferLength,
						size_t InputBufferLength, ULONG IoControlCode);
typedef EVT_WDF_IO_QUEUE_IO_DEVICE_CONTROL *PFN_WDF_IO_QUEUE_IO_DEVICE_CONTROL;

typedef void EVT_WDF_IO_QUEUE_IO_INTERNAL_DEVICE_CONTROL(WDFQUEUE Queue, WDFREQUEST Request,
							 size_t OutputBufferLength,
							 size_t InputBufferLength,
							 ULONG IoControlCode);
typedef EVT_WDF_IO_QUEUE_IO_INTERNAL_DEVICE_CONTROL
	*PFN_WDF_IO_QUEUE_IO_INTERNAL_DEVICE_CONTROL;

typedef void EVT_WDF_IO_QUEUE_IO_CANCELED_ON_QUEUE(WDFQUEUE Queue, WDFREQUEST Request);
typedef EVT_WDF_IO_QUEUE_IO_CANCELED_ON_QUEUE *PFN_WDF_IO_QUEUE_IO_CANCELED_ON_QUEUE;

typedef void EVT_WDF_IO_QUEUE_STATE(WDFQUEUE Queue, WDFCONTEXT Context);
typedef EVT_WDF_IO_QUEUE_STATE *PFN_WDF_IO_QUEUE_STATE;

typedef struct _WDF_IO_QUEUE_CONFIG {
	ULONG Size;
	WDF_IO_QUEUE_DISPATCH_TYPE DispatchType;
	WDF_TRI_STATE PowerManaged;
	BOOLEAN AllowZeroLengthRequests;
	BOOLEAN DefaultQueue;
	PFN_WDF_IO_QUEUE_IO_DEFAULT EvtIoDefault;
	PFN_WDF_IO_QUEUE_IO_READ EvtIoRead;
	PFN_WDF_IO_QUEUE_IO_WRITE EvtIoWrite;
	PFN_WDF_IO_QUEUE_IO_DEVICE_CONTROL EvtIoDeviceControl;
	PFN_WDF_IO_QUEUE_IO_INTERNAL_DEVICE_CONTROL EvtIoInternalDeviceControl;
	PFN_WDF_IO_QUEUE_IO_STOP EvtIoStop;
	PFN_WDF_IO_QUEUE_IO_RESUME EvtIoResume;
	PFN_WDF_IO_QUEUE_IO_CANCELED_ON_QUEUE EvtIoCanceledOnQueue;
	union {
		struct {
			ULONG NumberOfPresentedRequests;
		} Parallel;
	} Settings;
	WDFDRIVER Driver;
} WDF_IO_QUEUE_CONFIG, *PWDF_IO_QUEUE_CONFIG;

static_assert(sizeof(WDF_IO_QUEUE_CONFIG) == 96);
static_assert(offsetof(WDF_IO_QUEUE_CONFIG, AllowZeroLengthRequests) == 12);
static_assert(offsetof(WDF_IO_QUEUE_CONFIG, EvtIoDefault) == 16);
static_assert(offsetof(WDF_IO_QUEUE_CONFIG, EvtIoCanceledOnQueue) == 72);
static_assert(offsetof(WDF_IO_QUEUE_CONFIG, Settings) == 80);
static_assert(offsetof(WDF_IO_QUEUE_CONFIG, Driver) == 88);

static inline void WDF_IO_QUEUE_CONFIG_INIT(PWDF_IO_QUEUE_CONFIG Config,
					    WDF_IO_QUEUE_DISPATCH_TYPE DispatchType)
{
	RtlZeroMemory(Config, sizeof(WDF_IO_QUEUE_CONFIG));
	Config->Size = WDF_STRUCTURE_SIZE(WDF_IO_QUEUE_CONFIG);
	Config->PowerManaged = WdfUseDefault;
	Config->DispatchType = DispatchType;
	if (Config->DispatchType == WdfIoQueueDispatchParallel)
		Config->Settings.Parallel.NumberOfPresentedRequests = (ULONG)-1;
}

static inline void WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(PWDF_IO_QUEUE_CONFIG Config,
							  WDF_IO_QUEUE_DISPATCH_TYPE DispatchType)
{
	WDF_IO_QUEUE_CONFIG_INIT(Config, DispatchType);
	Config->DefaultQueue = TRUE;
}

/* Creation and state */
NTSTATUS WdfIoQueueCreate(WDFDEVICE Device, PWDF_IO_QUEUE_CONFIG Config,
			  PWDF_OBJECT_ATTRIBUTES QueueAttributes, WDFQUEUE *Queue);
WDF_IO_QUEUE_STATE WdfIoQueueGetState(WDFQUEUE Queue, PULONG QueueRequests,
				      PULONG DriverRequests);
WDFDEVICE WdfIoQueueGetDevice(WDFQUEUE Queue);

/* Start, stop, purge, drain */
void WdfIoQueueStart(WDFQUEUE Queue);
void WdfIoQueueStop(WDFQUEUE Queue, PFN_WDF_IO_QUEUE_STATE StopComplete, WDFCONTEXT Context);
void WdfIoQueueStopSynchronously(WDFQUEUE Queue);
void WdfIoQueuePurge(WDFQUEUE Queue, PFN_WDF_IO_QUEUE_STATE PurgeComplete,
		     WDFCONTEXT Context);
void WdfIoQueuePurgeSynchronously(WDFQUEUE Queue);
void WdfIoQueueStopAndPurge(WDFQUEUE Queue, PFN_WDF_IO_QUEUE_STATE StopAndPurgeComplete,
			    WDFCONTEXT Context);
void WdfIoQueueStopAndPurgeSynchronously(WDFQUEUE Queue);
void WdfIoQueueDrain(WDFQUEUE Queue, PFN_WDF_IO_QUEUE_STATE DrainComplete,
		     WDFCONTEXT Context);
void WdfIoQueueDrainSynchronously(WDFQUEUE Queue);

/* Manual dispatch */
NTSTATUS WdfIoQueueRetrieveNextRequest(WDFQUEUE Queue, WDFREQUEST *OutRequest);
NTSTATUS WdfIoQueueFindRequest(WDFQUEUE Queue, WDFREQUEST FoundRequest,
			       WDFFILEOBJECT FileObject,
			       PWDF_REQUEST_PARAMETERS Parameters,
			       WDFREQUEST *OutRequest);
NTSTATUS WdfIoQueueRetrieveFoundRequest(WDFQUEUE Queue, WDFREQUEST FoundRequest,
					WDFREQUEST *OutRequest);
NTSTATUS WdfIoQueueRetrieveRequestByFileObject(WDFQUEUE Queue,
					       WDFFILEOBJECT FileObject,
					       WDFREQUEST *OutRequest);
NTSTATUS WdfIoQueueReadyNotify(WDFQUEUE Queue, PFN_WDF_IO_QUEUE_STATE QueueReady,
			       WDFCONTEXT Context);

#endif /* _WDFIO_WDFIO_H */
