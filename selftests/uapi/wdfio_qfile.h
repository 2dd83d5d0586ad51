/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The file object test device of wdfio_test.ko (selftests/kmod/qfile.c): a
 * control device with WdfDeviceInitSetFileObjectConfig (EvtDeviceFileCreate,
 * EvtFileCleanup, EvtFileClose, a per-file context), driven from user space.
 *
 * read() returns struct wdfio_qf_whoami: the file object's number (from its
 * context, counted from 1 in open order) and how many reads that file made.
 */
#ifndef _UAPI_WDFIO_QFILE_H
#define _UAPI_WDFIO_QFILE_H

#include <linux/types.h>

#define WDFIO_QF_NODE		"/dev/wdfio_qfile"

#define WDFIO_QF_CODE(fn)	((0x8001 << 16) | ((fn) << 2))	/* BUFFERED, any access */

/*
 * in: __s32: what EvtDeviceFileCreate does with the next create requests:
 * 0 completes them STATUS_SUCCESS; WDFIO_QF_HOLD keeps them, cancelable,
 * until cancelled (a signal to the opener); any other value completes them
 * with that NTSTATUS
 */
#define WDFIO_QF_SET_CREATE	WDFIO_QF_CODE(0x900)
#define WDFIO_QF_HOLD		1
/* out: struct wdfio_qf_stats */
#define WDFIO_QF_STATS		WDFIO_QF_CODE(0x901)
/*
 * Writes wait on a manual queue. out: __u32: how many writes of the
 * caller's file are queued (WdfIoQueueFindRequest with its file object)
 */
#define WDFIO_QF_COUNT_MINE	WDFIO_QF_CODE(0x902)
/*
 * complete the caller's file's first queued write
 * (WdfIoQueueRetrieveRequestByFileObject); out: __u32: 1, or 0 if none
 */
#define WDFIO_QF_TAKE_MINE	WDFIO_QF_CODE(0x903)
/*
 * complete the first queued write of any file (WdfIoQueueFindRequest +
 * WdfIoQueueRetrieveFoundRequest); out: __u32: 1, or 0 if none
 */
#define WDFIO_QF_TAKE_FIRST	WDFIO_QF_CODE(0x904)

struct wdfio_qf_whoami {
	__u32 id;
	__u32 reads;
};

/**
 * struct wdfio_qf_stats - what the driver saw
 * @creates: EvtDeviceFileCreate calls
 * @failed: create requests completed with an error (or cancelled)
 * @cleanups: EvtFileCleanup calls
 * @closes: EvtFileClose calls
 * @ctx_cleanups: EvtCleanupCallback calls of file objects (their deletion)
 * @last_closed: id of the file object of the last EvtFileClose
 * @bad: callbacks that saw something wrong: a create request whose
 *	WdfRequestGetFileObject is not the FileObject argument,
 *	WdfFileObjectGetDevice not the device, a read whose file object is
 *	not one of an open file, EvtFileClose before EvtFileCleanup
 * @cancels: EvtRequestCancel calls of held create requests
 */
struct wdfio_qf_stats {
	__u32 creates;
	__u32 failed;
	__u32 cleanups;
	__u32 closes;
	__u32 ctx_cleanups;
	__u32 last_closed;
	__u32 bad;
	__u32 cancels;
};

#endif /* _UAPI_WDFIO_QFILE_H */
