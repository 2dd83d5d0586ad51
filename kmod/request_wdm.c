// SPDX-License-Identifier: GPL-2.0
/*
 * Receive-side DDIs that cannot work on Linux, provided so that a ported
 * driver still compiles and fails clearly at run time:
 * - WdfRequestForwardToParentDeviceIoQueue needs a PDO whose parent FDO's
 *   queue takes the request (a bus driver's child device). wdfio has no
 *   bus enumeration, so no device has a parent: KMDF fails such a call with
 *   STATUS_INVALID_DEVICE_REQUEST, and so does wdfio, always.
 * - WdfRequestRetrieveInputWdmMdl / OutputWdmMdl hand out the request's
 *   MDL. Linux has no MDLs (PMDL is an opaque type in <ntddk.h>); the
 *   ...Buffer and ...Memory accessors give the same bytes. They always
 *   fail with STATUS_NOT_SUPPORTED and set *Mdl to NULL.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "queue.h"

#include <linux/export.h>

/**
 * WdfRequestForwardToParentDeviceIoQueue() - forward to the parent's queue
 * @Request: a request the driver owns
 * @ParentDeviceQueue: a queue of the parent device
 * @ForwardOptions: WDF_REQUEST_FORWARD_OPTIONS_INIT'ed
 *
 * Always fails: wdfio devices are never PDOs, so none has a parent device
 * (see the top of this file). The driver still owns @Request and must
 * complete it, as after any failed forward.
 *
 * Context: Any context.
 * Return: STATUS_INVALID_PARAMETER (NULL @ForwardOptions, or unknown
 * Flags); STATUS_INFO_LENGTH_MISMATCH (wrong Size); otherwise
 * STATUS_INVALID_DEVICE_REQUEST (no parent device, KMDF's status), also
 * for bad handles.
 */
NTSTATUS WdfRequestForwardToParentDeviceIoQueue(WDFREQUEST Request,
						WDFQUEUE ParentDeviceQueue,
						PWDF_REQUEST_FORWARD_OPTIONS ForwardOptions)
{
	if (!ForwardOptions)
		return STATUS_INVALID_PARAMETER;
	if (ForwardOptions->Size != sizeof(*ForwardOptions))
		return STATUS_INFO_LENGTH_MISMATCH;
	if (ForwardOptions->Flags & ~WDF_REQUEST_FORWARD_OPTION_SEND_AND_FORGET)
		return STATUS_INVALID_PARAMETER;
	if (!wdfio_request_from_handle(Request) ||
	    !wdfio_queue_from_handle(ParentDeviceQueue))
		wdfio_misuse("invalid WDFREQUEST %p or WDFQUEUE %p", Request,
			     ParentDeviceQueue);
	return STATUS_INVALID_DEVICE_REQUEST;
}
EXPORT_SYMBOL_GPL(WdfRequestForwardToParentDeviceIoQueue);

static NTSTATUS wdfio_request_mdl(WDFREQUEST Request, PMDL *Mdl)
{
	if (Mdl)
		*Mdl = NULL;
	if (!wdfio_request_from_handle(Request))
		wdfio_misuse("invalid WDFREQUEST %p", Request);
	if (!Mdl)
		return STATUS_INVALID_PARAMETER;
	return STATUS_NOT_SUPPORTED;
}

/**
 * WdfRequestRetrieveInputWdmMdl() - the MDL of a request's input buffer
 * @Request: a request
 * @Mdl: set to NULL
 *
 * Always fails: there are no MDLs on Linux. Use
 * WdfRequestRetrieveInputBuffer or WdfRequestRetrieveInputMemory.
 *
 * Context: Any context.
 * Return: STATUS_NOT_SUPPORTED; STATUS_INVALID_PARAMETER (NULL @Mdl).
 */
NTSTATUS WdfRequestRetrieveInputWdmMdl(WDFREQUEST Request, PMDL *Mdl)
{
	return wdfio_request_mdl(Request, Mdl);
}
EXPORT_SYMBOL_GPL(WdfRequestRetrieveInputWdmMdl);

/**
 * WdfRequestRetrieveOutputWdmMdl() - the MDL of a request's output buffer
 * @Request: a request
 * @Mdl: set to NULL
 *
 * Always fails: there are no MDLs on Linux. Use
 * WdfRequestRetrieveOutputBuffer or WdfRequestRetrieveOutputMemory.
 *
 * Context: Any context.
 * Return: STATUS_NOT_SUPPORTED; STATUS_INVALID_PARAMETER (NULL @Mdl).
 */
NTSTATUS WdfRequestRetrieveOutputWdmMdl(WDFREQUEST Request, PMDL *Mdl)
{
	return wdfio_request_mdl(Request, Mdl);
}
EXPORT_SYMBOL_GPL(WdfRequestRetrieveOutputWdmMdl);
