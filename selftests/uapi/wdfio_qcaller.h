/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The in-caller-context test device of wdfio_test.ko (selftests/kmod/
 * qcaller.c): a control device with EvtIoInCallerContext and a parallel
 * default queue.
 *
 * read(): completed inside EvtIoInCallerContext with the __u32 thread group
 * id of the thread it ran on (the caller's, if it ran in the caller's
 * context).
 * WDFIO_QC_SUM (METHOD_NEITHER): in EvtIoInCallerContext the driver copies
 * the caller's input (WdfRequestRetrieveUnsafeUserInputBuffer, at least 4
 * and at most WDFIO_QC_MAX bytes) into the request's context and enqueues
 * the request; the queue adds the bytes up into the stats' last_sum.
 * WDFIO_QC_FILL (METHOD_NEITHER): in EvtIoInCallerContext the driver writes
 * wdfio_qc_fill_byte(i) into the caller's output buffer (at least 4, at
 * most WDFIO_QC_MAX bytes) with copy_to_user
 * (WdfRequestRetrieveUnsafeUserOutputBuffer) and completes the request; a
 * bad buffer fails it with STATUS_INVALID_USER_BUFFER (-EFAULT).
 * WDFIO_QC_XOR (METHOD_NEITHER): in EvtIoInCallerContext the driver locks
 * the caller's input (WdfRequestProbeAndLockUserBufferForRead) and output
 * (...ForWrite), each 1 to WDFIO_QC_XOR_MAX bytes, and enqueues the
 * request; a work item (another thread, no user context) then writes
 * out[i] = in[i] ^ 0x5A for i < min(in, out) through the memory objects and
 * completes it (with interrupts off for an odd-length input, as an
 * interrupt handler would). A lock failure completes it with its status
 * (STATUS_ACCESS_VIOLATION: -EFAULT).
 * WDFIO_QC_FILEINFO (out: struct wdfio_qc_fileinfo): what
 * WdfFileObjectGetFileName/GetFlags say of the caller's open file.
 * WDFIO_QC_NOLINUX (out: struct wdfio_qc_nolinux): the statuses of the
 * DDIs that always fail on Linux, called on the request itself.
 */
#ifndef _UAPI_WDFIO_QCALLER_H
#define _UAPI_WDFIO_QCALLER_H

#include <linux/types.h>

#define WDFIO_QC_NODE		"/dev/wdfio_qcaller"
#define WDFIO_QC_MAX		64
#define WDFIO_QC_XOR_MAX	16384

#define WDFIO_QC_CODE(fn, method)	((0x8002 << 16) | ((fn) << 2) | (method))

#define WDFIO_QC_SUM		WDFIO_QC_CODE(0x900, 3)	/* METHOD_NEITHER */
/* out: struct wdfio_qc_stats (METHOD_BUFFERED, enqueued as is) */
#define WDFIO_QC_STATS		WDFIO_QC_CODE(0x901, 0)
#define WDFIO_QC_FILL		WDFIO_QC_CODE(0x902, 3)	/* METHOD_NEITHER */
#define WDFIO_QC_XOR		WDFIO_QC_CODE(0x903, 3)	/* METHOD_NEITHER */
#define WDFIO_QC_FILEINFO	WDFIO_QC_CODE(0x904, 0)
#define WDFIO_QC_NOLINUX	WDFIO_QC_CODE(0x905, 0)

static inline __u8 wdfio_qc_fill_byte(__u32 i)
{
	return (__u8)(i * 13 + 7);
}

/**
 * struct wdfio_qc_stats - what the driver saw
 * @in_caller: EvtIoInCallerContext calls
 * @queued: requests its queue presented
 * @last_sum: the sum of the bytes of the last WDFIO_QC_SUM
 * @bad: things that went wrong: a request presented without passing
 *	EvtIoInCallerContext, WdfRequestRetrieveUnsafeUser*Buffer or
 *	WdfRequestProbeAndLock* working outside it, WdfDeviceEnqueueRequest
 *	accepting a request twice, a zero-length lock not failing
 *	STATUS_INVALID_USER_BUFFER
 */
struct wdfio_qc_stats {
	__u32 in_caller;
	__u32 queued;
	__u32 last_sum;
	__u32 bad;
};

/**
 * struct wdfio_qc_fileinfo - WDFIO_QC_FILEINFO's answer
 * @flags: WdfFileObjectGetFlags
 * @name_null: WdfFileObjectGetFileName returned NULL
 * @name_length: its Length
 * @name_maximum: its MaximumLength
 * @name_buffer_null: its Buffer is NULL
 */
struct wdfio_qc_fileinfo {
	__u32 flags;
	__u32 name_null;
	__u32 name_length;
	__u32 name_maximum;
	__u32 name_buffer_null;
};

/**
 * struct wdfio_qc_nolinux - WDFIO_QC_NOLINUX's answer (NTSTATUS values)
 * @forward: WdfRequestForwardToParentDeviceIoQueue, good options
 * @forward_size: the same with a wrong Size
 * @forward_flags: the same with an unknown flag
 * @input_mdl: WdfRequestRetrieveInputWdmMdl
 * @output_mdl: WdfRequestRetrieveOutputWdmMdl
 * @mdl_cleared: both set *Mdl to NULL
 */
struct wdfio_qc_nolinux {
	__u32 forward;
	__u32 forward_size;
	__u32 forward_flags;
	__u32 input_mdl;
	__u32 output_mdl;
	__u32 mdl_cleared;
};

#endif /* _UAPI_WDFIO_QCALLER_H */
