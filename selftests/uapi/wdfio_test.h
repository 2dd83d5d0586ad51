/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * ABI of /dev/wdfio_test, the control node of the wdfio selftest driver
 * (selftests/kmod, wdfio_test.ko).
 *
 * Userspace fills in wdfio_test_run.name with one case name of
 * WDFIO_TEST_CASES() and calls WDFIO_TEST_IOC_RUN. The driver runs the case
 * to the end (every wait inside is bounded), then returns 0 with the verdict
 * in @result and, on failure, the first failed check (file:line, expected
 * and actual values) in @msg. The ioctl itself fails only when the request
 * cannot be understood: -ENOENT for an unknown case name, -EFAULT, -EINTR.
 *
 * The case list is an X-macro shared by the driver (its table of case
 * functions) and userspace (one kselftest TEST per case), so the two cannot
 * drift: a case listed here without a kernel function fails the module
 * build, and every case the module implements is run by userspace.
 */
#ifndef _UAPI_WDFIO_TEST_H
#define _UAPI_WDFIO_TEST_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define WDFIO_TEST_DEVICE	"/dev/wdfio_test"

#define WDFIO_TEST_NAME_LEN	64
#define WDFIO_TEST_MSG_LEN	1024

/* wdfio_test_run.result; the values are kselftest's exit codes */
#define WDFIO_TEST_PASS		0
#define WDFIO_TEST_FAIL		1
#define WDFIO_TEST_SKIP		4

/**
 * struct wdfio_test_run - one case run
 * @name: in: case name, NUL-terminated
 * @result: out: WDFIO_TEST_PASS, WDFIO_TEST_FAIL or WDFIO_TEST_SKIP
 * @duration_ms: out: wall time the case took
 * @checks: out: number of checks the case made (a pass with 0 checks is
 *	suspicious and reported as a failure by the driver)
 * @msg: out: NUL-terminated diagnostics: the first failure (or skip
 *	reason), then a count of further failures
 */
struct wdfio_test_run {
	char name[WDFIO_TEST_NAME_LEN];
	__u32 result;
	__u32 duration_ms;
	__u32 checks;
	__u32 reserved;
	char msg[WDFIO_TEST_MSG_LEN];
};

#define WDFIO_TEST_IOC_MAGIC	'W'
#define WDFIO_TEST_IOC_RUN	_IOWR(WDFIO_TEST_IOC_MAGIC, 0x01, struct wdfio_test_run)

/*
 * X(name, timeout_s, description): every case of the suite, in run order.
 * The nullb1 round trips run last: null_blk's memory-backed 4096 B mode
 * corrupts memory when given bio segments that are not multiples of the
 * block size, so a failure there should not take the other results down.
 * @timeout_s is the userspace (kselftest harness) timeout, sized for a TCG
 * guest; the driver bounds each of its own waits at 30 s.
 */
#define WDFIO_TEST_CASES(X)						\
	X(env_devices, 60,						\
	  "guest block devices have the sizes and block sizes of docs/design.md") \
	X(rw_sync_nullb0, 600,						\
	  "sync read/write round trips on /dev/nullb0: sizes x offsets x buffer kinds") \
	X(rw_sync_nullb2, 600,						\
	  "sync read/write round trips on /dev/nullb2 (hardirq completion)") \
	X(rw_sync_vda, 600,						\
	  "sync read/write round trips on /dev/vda (virtio-blk)")	\
	X(rw_sync_tb0, 600,						\
	  "sync read/write round trips on /dev/wdfio_tb0, no limit violations") \
	X(rw_async_nullb0, 600,						\
	  "async Format+Send round trips on /dev/nullb0: sizes x offsets x buffer kinds") \
	X(rw_async_nullb2, 600,						\
	  "async round trips on /dev/nullb2 (hardirq completion)")	\
	X(rw_async_vda, 600,						\
	  "async round trips on /dev/vda (virtio-blk)")		\
	X(rw_async_tb0, 600,						\
	  "async round trips on /dev/wdfio_tb0, no limit violations")	\
	X(rw_split_tb0, 300,						\
	  "1 MiB and 4 MiB transfers on wdfio_tb0 split within max_sectors/max_segments") \
	X(rw_zero_length, 60,						\
	  "0-byte read/write completes STATUS_SUCCESS, 0 bytes, device untouched") \
	X(rw_no_routine, 60,						\
	  "a request sent without completion routine completes silently") \
	X(status_table_read, 120,					\
	  "each injectable blk_status_t fails a read with the NTSTATUS of semantics.md") \
	X(status_table_write, 120,					\
	  "each injectable blk_status_t fails a write with the NTSTATUS of semantics.md") \
	X(status_split_partial, 120,					\
	  "one failed bio of a split transfer fails the whole request, 0 bytes") \
	X(complete_once_1000, 300,					\
	  "1000 concurrent async sends: each routine runs exactly once, own request") \
	X(complete_once_lifo, 120,					\
	  "16 held bios released LIFO: each completes exactly its own request once") \
	X(complete_once_random, 120,					\
	  "16 held bios released in random order: exactly-once, own request") \
	X(complete_routine_cleared, 60,					\
	  "the completion routine is cleared before it runs and by WdfRequestReuse") \
	X(reuse_softirq_nullb0, 900,					\
	  "100000 reuse+reformat+resend from the completion routine, softirq (nullb0)") \
	X(reuse_hardirq_nullb2, 900,					\
	  "10000 reuse+resend from the completion routine, hardirq (nullb2)") \
	X(reuse_inline_nullb1, 900,					\
	  "10000 reuse+resend from a routine running inside submit_bio (nullb1)") \
	X(reuse_params, 60,						\
	  "WdfRequestReuse parameter checks; reuse drops the format")	\
	X(misuse_format_params, 60,					\
	  "misaligned/negative/out-of-range offsets and lengths fail the format") \
	X(misuse_bad_handles, 60,					\
	  "NULL and wrong-type handles get STATUS_INVALID_HANDLE / FALSE") \
	X(misuse_double_send, 60,					\
	  "second send of a pending request fails; one completion")	\
	X(misuse_unformatted_send, 60,					\
	  "send of an unformatted or reused request: STATUS_REQUEST_NOT_ACCEPTED") \
	X(misuse_closed_target, 60,					\
	  "format/send/sync I/O on a closed target: STATUS_INVALID_DEVICE_STATE") \
	X(misuse_sync_atomic, 60,					\
	  "sync sends from atomic context fail STATUS_INVALID_DEVICE_REQUEST, no sleep") \
	X(misuse_send_options, 60,					\
	  "bad WDF_REQUEST_SEND_OPTIONS: FALSE + documented status")	\
	X(misuse_reuse_pending, 60,					\
	  "WdfRequestReuse/format of a pending request: STATUS_INVALID_DEVICE_STATE") \
	X(misuse_wrong_target, 60,					\
	  "send to another target than the format's: STATUS_INVALID_DEVICE_REQUEST") \
	X(ioctl_length_info, 60,					\
	  "IOCTL_DISK_GET_LENGTH_INFO equals the device size, sync and async") \
	X(ioctl_alignment, 60,						\
	  "IOCTL_STORAGE_QUERY_PROPERTY StorageAccessAlignmentProperty block sizes") \
	X(ioctl_buffer_sizes, 60,					\
	  "IOCTL input/output buffer too small, unknown property/action") \
	X(ioctl_flush, 60,						\
	  "IOCTL_DISK_FLUSH_CACHE succeeds and reaches wdfio_tb0 as a flush") \
	X(ioctl_trim_tb0, 120,						\
	  "DSM trim of two ranges on wdfio_tb0 zeroes exactly those ranges") \
	X(ioctl_trim_unsupported, 60,					\
	  "DSM trim on a device without discard: STATUS_NOT_SUPPORTED")	\
	X(ioctl_unknown, 60,						\
	  "unknown IOCTL code: STATUS_INVALID_DEVICE_REQUEST")		\
	X(object_context, 60,						\
	  "typed contexts are zeroed, sized, and map back to their object") \
	X(object_callbacks_order, 60,					\
	  "EvtCleanupCallback then EvtDestroyCallback, each exactly once") \
	X(object_reference, 60,						\
	  "WdfObjectReference keeps a deleted object until the last dereference") \
	X(object_parent_child, 60,					\
	  "deleting a parent deletes its children, children cleaned up first") \
	X(object_delete_in_completion, 60,				\
	  "deleting a request from its own completion routine")		\
	X(object_delete_pending, 60,					\
	  "deleting a pending request: routine still runs, destroy after I/O") \
	X(object_double_delete, 60,					\
	  "a second WdfObjectDelete is ignored")				\
	X(object_attributes, 60,					\
	  "bad WDF_OBJECT_ATTRIBUTES Size / ParentObject are rejected")	\
	X(memory_create, 60,						\
	  "WdfMemoryCreate/CreatePreallocated sizes, buffers and errors") \
	X(memory_copy_to, 60,						\
	  "WdfMemoryCopyToBuffer: 0 bytes, exact fit, overflow")	\
	X(memory_copy_from, 60,						\
	  "WdfMemoryCopyFromBuffer: 0 bytes, exact fit, overflow")	\
	X(memory_assign, 60,						\
	  "WdfMemoryAssignBuffer on preallocated and non-preallocated memory") \
	X(memory_offsets, 60,						\
	  "WDFMEMORY_OFFSET windows: bounds, overflow, length 0 = to the end") \
	X(memory_held_by_format, 60,					\
	  "a formatted request keeps its memory alive until reuse")	\
	X(target_open_by_name, 60,					\
	  "open by DECLARE_CONST_UNICODE_STRING and RtlInitUnicodeString names") \
	X(target_open_errors, 60,					\
	  "open errors: no such path, not a block device, already open, bad Size") \
	X(target_share, 60,						\
	  "ShareAccess 0 is exclusive: second open STATUS_SHARING_VIOLATION") \
	X(target_existing_bdev, 120,					\
	  "UseExistingDevice on a bdev the driver opened itself")	\
	X(target_states, 60,						\
	  "GetState/Start/Close/reopen; create/format on a closed target") \
	X(target_readonly, 60,						\
	  "write on a target opened for read only: STATUS_ACCESS_DENIED") \
	X(target_completion_params, 60,					\
	  "completion params in the routine and from WdfRequestGetCompletionParams") \
	X(target_close_inflight, 120,					\
	  "WdfIoTargetClose waits for held I/O; all 8 requests complete") \
	X(target_delete_inflight, 120,					\
	  "WdfObjectDelete of a target waits for held I/O")		\
	X(timeout_held_read, 120,					\
	  "held read, 50 ms timeout: IO_TIMEOUT by the deadline, late bio spares the buffer") \
	X(timeout_held_write, 120,					\
	  "held write + 50 ms timeout: device gets the data of send time, buffer untouched") \
	X(timeout_held_split, 300,					\
	  "4 MiB held transfers split into several bios time out and detach together") \
	X(timeout_never_early, 120,					\
	  "short timeouts sent at every phase of a jiffy never complete early") \
	X(timeout_absolute, 120,					\
	  "absolute timeouts (100 ns since 1601) on held reads and writes") \
	X(timeout_abandon, 120,						\
	  "timed-out held bios outlive request, memory, buffer and target: released safely") \
	X(timeout_sync, 120,						\
	  "Send*Synchronously and SYNCHRONOUS|TIMEOUT return STATUS_IO_TIMEOUT on a held bio") \
	X(timeout_ioctl, 120,						\
	  "held flush and trim with a 50 ms timeout: STATUS_IO_TIMEOUT by the deadline") \
	X(timeout_contexts, 300,					\
	  "unfired timeouts on each wdfio_tb0 completion context; a late timer keeps the status") \
	X(timeout_devices, 300,						\
	  "timed round trips on nullb0, nullb2 and vda: data correct")	\
	X(cancel_before_send, 60,					\
	  "cancel before send: FALSE, sends fail STATUS_CANCELLED until reuse") \
	X(cancel_pended, 60,						\
	  "cancel of requests pended on a stopped target: TRUE, STATUS_CANCELLED, never sent") \
	X(cancel_inflight, 120,						\
	  "cancel in flight: timed TRUE/CANCELLED at once, untimed FALSE and completes") \
	X(cancel_after_completion, 60,					\
	  "cancel after completion: FALSE, status unchanged")		\
	X(cancel_from_routine, 120,					\
	  "A's completion routine cancels held timed B: B STATUS_CANCELLED") \
	X(cancel_admit_race, 60,					\
	  "cancel during admission: purged not sent, stopped/started CANCELLED") \
	X(state_stop_leave, 120,					\
	  "Stop(LeaveSentIoPending) with I/O in flight and pended; Start sends") \
	X(state_stop_wait, 120,						\
	  "Stop(WaitForSentIoToComplete) waits for held I/O; pended sent at Start") \
	X(state_stop_cancel, 120,					\
	  "Stop(CancelSentIo) cancels timed I/O, waits for untimed; Start sends") \
	X(state_start_order, 120,					\
	  "Start sends the pended requests in send order")		\
	X(state_pended_timeout, 120,					\
	  "a pended request times out while the target is stopped")	\
	X(state_purge_wait, 120,					\
	  "PurgeIoAndWait: pended REMOVED_NOT_SENT, sent cancelled, waits; sends fail") \
	X(state_purge_nowait, 120,					\
	  "PurgeIo: as PurgeIoAndWait but returns at once")		\
	X(state_close, 120,						\
	  "Close with pended and in-flight I/O; sends after it fail")	\
	X(state_close_query_remove, 120,				\
	  "CloseForQueryRemove with pended and in-flight I/O")		\
	X(state_ignore, 120,						\
	  "IGNORE_TARGET_STATE on Stopped/Purged (sent, not waited for) and Closed (fails)") \
	X(state_change_target, 60,					\
	  "WdfRequestChangeTarget between nullb0 and nullb2 drops the format; data on both") \
	X(state_module_pin, 60,						\
	  "the creating module is referenced while its target has I/O") \
	X(queue_driver_device, 60,					\
	  "WdfDriverCreate/WdfDeviceCreate checks; delete: device cleanup, then EvtDriverUnload") \
	X(queue_create_config, 60,					\
	  "WdfIoQueueCreate and ConfigureRequestDispatching statuses; queue states") \
	X(queue_retrieve, 60,						\
	  "WdfIoQueueRetrieveNextRequest: empty, stopped, parallel, bad arguments") \
	X(queue_request_misuse, 60,					\
	  "receive-side request DDIs on a driver-created request fail cleanly") \
	X(queue_delete_queued, 120,					\
	  "deleting a device cancels a read queued on it; the open file then gets -ENODEV") \
	X(queue_delete_owned, 120,					\
	  "device deletion: EvtIoStop(Purge) for a read the driver owns; requeued, cancelled") \
	X(filter_forget_nullb0, 120,					\
	  "filter over nullb0, SEND_AND_FORGET: data both ways through /dev/wdfio_flt0") \
	X(filter_routine_nullb2, 120,					\
	  "filter over nullb2, FormatRequestUsingCurrentType + completion routine (hardirq)") \
	X(filter_flush_discard_tb0, 120,				\
	  "filter over wdfio_tb0: flush and discard reach the lower device, no limit violations") \
	X(filter_remove_held_tb0, 120,					\
	  "deleting a filter while its forwarded bios are held: all end OK, the disk is gone") \
	X(filter_storm_forget, 300,					\
	  "200 rounds of 64 concurrent bios through a SEND_AND_FORGET filter on nullb2") \
	X(filter_storm_routine, 300,					\
	  "200 rounds of 64 concurrent bios through a completion-routine filter on nullb2") \
	X(qfix_flush_fua_tb0, 120,					\
	  "PREFLUSH/FUA writes through a filter (routine and forget): flushes reach wdfio_tb0") \
	X(qfix_bounce_tb0, 120,						\
	  "a bio's bounce copy lives through the request's cleanup; a discard is not copied") \
	X(qfix_forget_owned, 120,					\
	  "a read sent and forgotten is not the driver's: no EvtIoStop, no early completion") \
	X(qfix_forget_signal, 120,					\
	  "a signal follows a read sent and forgotten: pended on a stopped target, cancelled") \
	X(qfix_cdev_kill, 180,						\
	  "a signal leaves the caller waiting for a kept request; SIGKILL ends the wait") \
	X(qfix_stop_purged, 60,						\
	  "Stop, StopSynchronously, StopAndPurge of a purged queue keep it closed") \
	X(queue_sync_pending, 120,					\
	  "Stop/PurgeSynchronously with a callback pending return; it runs later") \
	X(queue_ready_notify, 120,					\
	  "WdfIoQueueReadyNotify: empty to not empty, on Start, at registration") \
	X(power_stop_requeue, 120,					\
	  "out of D0: EvtIoStop(Suspend|Cancelable), waits for the ack; Requeue TRUE re-presents") \
	X(power_stop_resume, 120,					\
	  "Requeue FALSE: EvtIoResume back in D0, before what waited is presented in order") \
	X(power_not_managed, 120,					\
	  "PowerManaged WdfFalse keeps presenting out of D0; a managed manual queue is paused") \
	X(power_no_stop, 120,						\
	  "no EvtIoStop: leaving D0 waits until the driver completes its request") \
	X(power_deadline, 120,						\
	  "never acknowledged: STATUS_IO_TIMEOUT after the deadline, back in D0, completable") \
	X(power_delete_down, 120,					\
	  "deleting the device out of D0: queued cancelled, kept gets EvtIoStop(Purge)") \
	X(power_forward_kept, 120,					\
	  "a kept request forwarded to another managed queue: no EvtIoResume, stopped again") \
	X(sync_config, 60,						\
	  "constraints: range checks, scope Device needs the device's level, inheritance") \
	X(sync_none_overlap, 180,					\
	  "scope None: a read's callback sees a write's come in (the handshake sees overlap)") \
	X(sync_device_serial, 300,					\
	  "scope Device: a read and a write queue never overlap; 4 threads' I/O, data") \
	X(sync_queue_scope, 300,					\
	  "scope Queue: callbacks overlap across queues, never within one") \
	X(sync_passive, 120,						\
	  "Passive level from the device: after an atomic completion, callbacks may sleep") \
	X(sync_acquire_lock, 120,					\
	  "WdfObjectAcquireLock on a Device-scope queue keeps the other queue's callback out") \
	X(sync_cancel_inside, 120,					\
	  "scope Device: a purge inside EvtIoRead runs EvtRequestCancel after it, no deadlock") \
	X(sync_mark_cancelled, 120,					\
	  "WdfRequestMarkCancelable of a cancelled request under the lock: routine deferred") \
	X(sync_forward, 300,						\
	  "scope Device: reads sent on to nullb0 from EvtIoRead under its spinlock complete") \
	X(storm, 1200,							\
	  "100000 sends on 2 CPUs with random timeouts and cancels: exactly-once, statuses, data") \
	X(storm_stop_start, 900,					\
	  "25000 sends with timeouts and cancels while the targets are stopped and started") \
	X(usb_status_table, 60,						\
	  "urb status -> (NTSTATUS, USBD_STATUS) table; USBD_* macros") \
	X(usb_enum, 120,						\
	  "USB device/interface/pipe objects, descriptors, SelectConfig types") \
	X(usb_control, 120,						\
	  "control transfers: GET_DESCRIPTOR, GET_STATUS sync and async; protocol stall") \
	X(usb_loopback_sync, 600,					\
	  "sync bulk round trips 0 B..64 KiB incl. maxpacket multiples + ZLP, data checked") \
	X(usb_loopback_async, 600,					\
	  "async Format+Send bulk round trips with offsets; completion params") \
	X(usb_babble, 120,						\
	  "a 100-byte read of a 500-byte packet: babble; the pipe recovers") \
	X(usb_read_timeout, 120,					\
	  "empty IN pipe with a timeout: STATUS_IO_TIMEOUT, async, sync and parked") \
	X(usb_cancel, 120,						\
	  "cancel in flight and parked; Abort ends though a routine resends") \
	X(usb_stall_reset, 120,						\
	  "SourceSink stall: STATUS_UNSUCCESSFUL + STALL_PID; ResetSynchronously recovers") \
	X(usb_pipe_states, 120,						\
	  "Stop/Purge/Start on a pipe; device Stop/Start applies to its pipes") \
	X(usb_reader_order, 600,					\
	  "continuous reader: 400 transfers under load, every byte in order, stop/start") \
	X(usb_reader_failed, 120,					\
	  "ReadersFailed: TRUE restarts; no missed cancel; Stop waits for it") \
	X(usb_select_setting, 120,					\
	  "SelectConfig with setting pairs; SelectSetting by index and by descriptor") \
	X(usb_reset_port, 120,						\
	  "ResetPortSynchronously cancels a read in flight; the device works after it") \
	X(usb_storm, 900,						\
	  "two threads, two pipes: sends, cancels, timeouts; exactly once, statuses, data") \
	X(usb_unplug, 300,						\
	  "unplug with 16 reads in flight + a reader: device-gone statuses (last USB case)") \
	X(rw_sync_nullb1, 600,						\
	  "sync read/write round trips on /dev/nullb1 (4096 B blocks, inline completion)") \
	X(rw_async_nullb1, 600,						\
	  "async round trips on /dev/nullb1 (4096 B blocks, inline completion)")

#endif /* _UAPI_WDFIO_TEST_H */
