/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The queue test devices of wdfio_test.ko (selftests/kmod/qdev.c): KMDF-style
 * control devices driven from user space through wdfio's character
 * front-end (include/uapi/wdfio_ioctl.h).
 *
 * Each device has a read/write queue (its default queue: sequential,
 * parallel or manual) over a WDFIO_QT_STORE-byte store, and a parallel
 * queue for the IOCTLs below (WdfDeviceConfigureRequestDispatching).
 */
#ifndef _UAPI_WDFIO_QTEST_H
#define _UAPI_WDFIO_QTEST_H

#include <linux/types.h>

#define WDFIO_QT_SEQ		"/dev/wdfio_qseq"	/* sequential, 0600 */
#define WDFIO_QT_PAR		"/dev/wdfio_qpar"	/* parallel, 0600 */
#define WDFIO_QT_MAN		"/dev/wdfio_qman"	/* manual, 0600 */
#define WDFIO_QT_DIRECT		"/dev/wdfio_qdir"	/* parallel, WdfDeviceIoDirect */
#define WDFIO_QT_WORLD		"/dev/wdfio_qworld"	/* SDDL ...WORLD_RW: 0666 */

#define WDFIO_QT_STORE		65536

#define WDFIO_QT_DEVTYPE	0x8000
#define WDFIO_QT_CODE(fn, method, access) \
	(((WDFIO_QT_DEVTYPE) << 16) | ((access) << 14) | ((fn) << 2) | (method))

/* out[i] = in[i] ^ 0x5A for i < min(in, out); Information = min(in, out) */
#define WDFIO_QT_ECHO_BUFFERED	WDFIO_QT_CODE(0x800, 0, 0)
/* the driver reads the output buffer (data for the device) into the store */
#define WDFIO_QT_STORE_IN_DIRECT	WDFIO_QT_CODE(0x801, 1, 0)
/* the driver writes the store into the output buffer */
#define WDFIO_QT_LOAD_OUT_DIRECT	WDFIO_QT_CODE(0x802, 2, 0)
/* Retrieve*Buffer must fail; Type3InputBuffer must be the caller's in */
#define WDFIO_QT_NEITHER		WDFIO_QT_CODE(0x803, 3, 0)
/* needs 16 bytes in and out: else STATUS_BUFFER_TOO_SMALL (-ERANGE) */
#define WDFIO_QT_NEED16		WDFIO_QT_CODE(0x804, 0, 0)
/* completes with Information = out + 100 (the front-end clamps it) */
#define WDFIO_QT_OVERCLAIM	WDFIO_QT_CODE(0x805, 0, 0)
/* held, cancelable, until cancelled (signal) or WDFIO_QT_RELEASE */
#define WDFIO_QT_PEND		WDFIO_QT_CODE(0x806, 0, 0)
/* FILE_WRITE_ACCESS: refused on a read-only open */
#define WDFIO_QT_WRITE_ONLY	WDFIO_QT_CODE(0x807, 0, 2)

/* control of the read/write queue */
#define WDFIO_QT_STOP		WDFIO_QT_CODE(0x810, 0, 0)
#define WDFIO_QT_START		WDFIO_QT_CODE(0x811, 0, 0)
#define WDFIO_QT_PURGE		WDFIO_QT_CODE(0x812, 0, 0)
#define WDFIO_QT_STOP_SYNC	WDFIO_QT_CODE(0x813, 0, 0)
#define WDFIO_QT_PURGE_SYNC	WDFIO_QT_CODE(0x814, 0, 0)
#define WDFIO_QT_STOP_PURGE	WDFIO_QT_CODE(0x815, 0, 0)
#define WDFIO_QT_DRAIN		WDFIO_QT_CODE(0x816, 0, 0)
#define WDFIO_QT_DRAIN_SYNC	WDFIO_QT_CODE(0x817, 0, 0)
/* in: __u32: 1 = hold reads/writes (cancelable) instead of serving them */
#define WDFIO_QT_SET_HOLD	WDFIO_QT_CODE(0x820, 0, 0)
/* serve every held request (and PEND ones); Information = count */
#define WDFIO_QT_RELEASE	WDFIO_QT_CODE(0x821, 0, 0)
/* out: struct wdfio_qt_stats */
#define WDFIO_QT_STATS		WDFIO_QT_CODE(0x822, 0, 0)
/* manual queue: retrieve and serve up to in: __u32 requests; Information = count */
#define WDFIO_QT_RETRIEVE	WDFIO_QT_CODE(0x823, 0, 0)
/* zero the counters */
#define WDFIO_QT_RESET		WDFIO_QT_CODE(0x824, 0, 0)

/**
 * struct wdfio_qt_stats - counters of a device's read/write queue
 * @presented: EvtIoRead/EvtIoWrite calls (requests served by RETRIEVE on
 *	the manual queue count here too)
 * @owned_max: most read/write requests the driver owned at once
 * @held: requests held now
 * @canceled_on_queue: EvtIoCanceledOnQueue calls
 * @cancel_routine: EvtRequestCancel calls
 * @stop_done: StopComplete callbacks
 * @purge_done: PurgeComplete callbacks
 * @queued: WdfIoQueueGetState QueueRequests
 * @owned: WdfIoQueueGetState DriverRequests
 * @state: WdfIoQueueGetState flags
 * @drain_done: DrainComplete callbacks
 */
struct wdfio_qt_stats {
	__u32 presented;
	__u32 owned_max;
	__u32 held;
	__u32 canceled_on_queue;
	__u32 cancel_routine;
	__u32 stop_done;
	__u32 purge_done;
	__u32 queued;
	__u32 owned;
	__u32 state;
	__u32 drain_done;
};

#endif /* _UAPI_WDFIO_QTEST_H */
