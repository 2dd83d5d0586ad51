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
 */
#ifndef _UAPI_WDFIO_QCALLER_H
#define _UAPI_WDFIO_QCALLER_H

#include <linux/types.h>

#define WDFIO_QC_NODE		"/dev/wdfio_qcaller"
#define WDFIO_QC_MAX		64

#define WDFIO_QC_CODE(fn, method)	((0x8002 << 16) | ((fn) << 2) | (method))

#define WDFIO_QC_SUM		WDFIO_QC_CODE(0x900, 3)	/* METHOD_NEITHER */
/* out: struct wdfio_qc_stats (METHOD_BUFFERED, enqueued as is) */
#define WDFIO_QC_STATS		WDFIO_QC_CODE(0x901, 0)

/**
 * struct wdfio_qc_stats - what the driver saw
 * @in_caller: EvtIoInCallerContext calls
 * @queued: requests its queue presented
 * @last_sum: the sum of the bytes of the last WDFIO_QC_SUM
 * @bad: things that went wrong: a request presented without passing
 *	EvtIoInCallerContext, WdfRequestRetrieveUnsafeUserInputBuffer working
 *	outside it, WdfDeviceEnqueueRequest accepting a request twice
 */
struct wdfio_qc_stats {
	__u32 in_caller;
	__u32 queued;
	__u32 last_sum;
	__u32 bad;
};

#endif /* _UAPI_WDFIO_QCALLER_H */
