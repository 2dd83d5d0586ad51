/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * ABI of /dev/wdfio_bench, the control node of the wdfio benchmark module
 * (selftests/bench, wdfio_bench.ko), and the list of benchmark rows.
 *
 * One WDFIO_BENCH_IOC_RUN is one timed run of one side of a pair: the
 * module opens the device, runs the I/O loop for @duration_ms (or @max_ios
 * I/Os) on @threads kernel threads bound to CPUs 0..threads-1, each keeping
 * @qd / @threads I/Os in flight, and returns how many I/Os completed in how
 * many nanoseconds (first submission to last completion). Userspace
 * (selftests/user/wdfio_bench.c) interleaves the two sides of each row,
 * A B A B ..., and takes medians.
 */
#ifndef _UAPI_WDFIO_BENCH_H
#define _UAPI_WDFIO_BENCH_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define WDFIO_BENCH_DEVICE	"/dev/wdfio_bench"

/* wdfio_bench_run.kind: one side of a pair */
enum wdfio_bench_kind {
	/* bio_alloc_bioset + submit_bio, bi_end_io (a private bio_set) */
	WDFIO_BENCH_DIRECT_ASYNC = 1,
	/*
	 * WdfRequestCreate + Format + SetCompletionRoutine + WdfRequestSend
	 * per I/O; the routine deletes the request
	 */
	WDFIO_BENCH_WDF_ASYNC_NEW,
	/* one request per slot: WdfRequestReuse + Format + Set... + Send */
	WDFIO_BENCH_WDF_ASYNC_REUSE,
	/* bio_alloc_bioset + submit_bio_wait (QD1 per thread) */
	WDFIO_BENCH_DIRECT_SYNC,
	/* WdfRequestReuse + WdfIoTargetSendReadSynchronously (QD1) */
	WDFIO_BENCH_WDF_SYNC,
	/*
	 * No I/O (@dev ignored): what the building blocks cost on this
	 * machine, ns per operation in @phase_ns[]: [0] spin_lock_irqsave +
	 * spin_unlock_irqrestore, [1] refcount_inc + refcount_dec_and_test,
	 * [2] memcpy of 4 KiB, [3] ktime_get_ns()
	 */
	WDFIO_BENCH_PRIMITIVES,
	/*
	 * USB bulk IN of the test gadget's SourceSink function (@dev
	 * ignored; wdfio_bench.ko loaded with usb=1): one urb per slot,
	 * allocated once, usb_fill_bulk_urb + usb_submit_urb per transfer
	 */
	WDFIO_BENCH_USB_DIRECT,
	/*
	 * The same through the bulk IN pipe target: one request per slot,
	 * WdfRequestReuse + WdfUsbTargetPipeFormatRequestForRead +
	 * SetCompletionRoutine + WdfRequestSend
	 */
	WDFIO_BENCH_USB_WDF,
	WDFIO_BENCH_KIND_MAX,
};

/* wdfio_bench_run.flags */
/*
 * A timeout on every request (10 s: it never fires). wdfio: the TIMEOUT
 * send option. Direct async: a timer_list per I/O, armed at submission and
 * deleted in bi_end_io. Direct sync: submit_bio +
 * wait_for_completion_io_timeout().
 */
#define WDFIO_BENCH_F_TIMEOUT		0x1
/*
 * Count slab allocations (kmem tracepoints) and page allocations
 * (PGALLOC vm events) during the run; slows the run down.
 */
#define WDFIO_BENCH_F_COUNT_ALLOCS	0x2
/*
 * Time each step of the submission (ktime_get_ns() around each call; one
 * thread): @phase_ns[] gets the totals. Direct async: [0] bio_alloc_bioset
 * + bio_add_page, [1] submit_bio. wdfio async: [0] WdfRequestReuse or
 * WdfRequestCreate, [1] WdfIoTargetFormatRequestForRead, [2]
 * WdfRequestSetCompletionRoutine, [3] WdfRequestSend. With an inline
 * completion (irqmode=0) the last step includes the completion.
 */
#define WDFIO_BENCH_F_BREAKDOWN		0x4
#define WDFIO_BENCH_PHASES		4

/**
 * struct wdfio_bench_run - one run of one side
 * @dev: in: block device path, NUL-terminated (USB kinds: ignored)
 * @kind: in: enum wdfio_bench_kind
 * @flags: in: WDFIO_BENCH_F_*
 * @bs: in: bytes per I/O (a multiple of 4096, at most 1 MiB)
 * @qd: in: I/Os in flight in all (async); threads for sync kinds
 * @threads: in: submitting kernel threads, 1..num_online_cpus()
 * @duration_ms: in: run this long (the in-flight I/Os then finish)
 * @max_ios: in: or stop after this many I/Os per thread (0: no limit)
 * @ios: out: I/Os completed successfully
 * @errors: out: I/Os that failed (the run is then not valid)
 * @ns: out: first submission to last completion (slowest thread)
 * @allocs: out: slab allocations during the run (F_COUNT_ALLOCS)
 * @alloc_bytes: out: bytes of those allocations (object sizes)
 * @pages: out: pages allocated from the buddy allocator (F_COUNT_ALLOCS)
 * @phase_ns: out: time spent in each step (F_BREAKDOWN)
 * @msg: out: why the run failed, NUL-terminated
 */
struct wdfio_bench_run {
	char dev[64];
	__u32 kind;
	__u32 flags;
	__u32 bs;
	__u32 qd;
	__u32 threads;
	__u32 duration_ms;
	__u64 max_ios;
	__u64 ios;
	__u64 errors;
	__u64 ns;
	__u64 allocs;
	__u64 alloc_bytes;
	__u64 pages;
	__u64 phase_ns[WDFIO_BENCH_PHASES];
	char msg[256];
};

#define WDFIO_BENCH_IOC_MAGIC	'B'
#define WDFIO_BENCH_IOC_RUN	_IOWR(WDFIO_BENCH_IOC_MAGIC, 0x01, struct wdfio_bench_run)

/*
 * The guest's benchmark devices (scripts/guest/init): null_blk blk-mq,
 * not memory-backed, 4 GiB, 4096-byte blocks.
 */
#define WDFIO_BENCH_NB_IRQ0	"/dev/nbbench0"	/* irqmode=0: inline, 2 hw queues */
#define WDFIO_BENCH_NB_IRQ1	"/dev/nbbench1"	/* irqmode=1: softirq, 1 hw queue */
/* The USB rows' "device": the gadget's SourceSink interface (usb=1) */
#define WDFIO_BENCH_USB_SS	"usb:sourcesink"

/*
 * X(name, device, bs, qd, threads, direct_kind, wdfio_kind, flags, desc):
 * every pair, in run order. A (the Linux baseline) runs first in every
 * round. To add a transport, add its kinds to enum wdfio_bench_kind,
 * implement them in selftests/bench/, and add a row here; the runner, the
 * table and the CSV need no change. (The fio rows, which run fio in user
 * space rather than this module, are listed in wdfio_bench.c.)
 */
#define WDFIO_BENCH_ROWS(X)						\
	X(async_irq0_qd1_new, WDFIO_BENCH_NB_IRQ0, 4096, 1, 1,		\
	  WDFIO_BENCH_DIRECT_ASYNC, WDFIO_BENCH_WDF_ASYNC_NEW, 0,	\
	  "4K rand read, irqmode=0, QD1, new request per I/O")		\
	X(async_irq0_qd1_reuse, WDFIO_BENCH_NB_IRQ0, 4096, 1, 1,	\
	  WDFIO_BENCH_DIRECT_ASYNC, WDFIO_BENCH_WDF_ASYNC_REUSE, 0,	\
	  "4K rand read, irqmode=0, QD1, WdfRequestReuse")		\
	X(async_irq0_qd32_new, WDFIO_BENCH_NB_IRQ0, 4096, 32, 1,	\
	  WDFIO_BENCH_DIRECT_ASYNC, WDFIO_BENCH_WDF_ASYNC_NEW, 0,	\
	  "4K rand read, irqmode=0, QD32, new request per I/O")	\
	X(async_irq0_qd32_reuse, WDFIO_BENCH_NB_IRQ0, 4096, 32, 1,	\
	  WDFIO_BENCH_DIRECT_ASYNC, WDFIO_BENCH_WDF_ASYNC_REUSE, 0,	\
	  "4K rand read, irqmode=0, QD32, WdfRequestReuse")		\
	X(async_irq1_qd1_new, WDFIO_BENCH_NB_IRQ1, 4096, 1, 1,		\
	  WDFIO_BENCH_DIRECT_ASYNC, WDFIO_BENCH_WDF_ASYNC_NEW, 0,	\
	  "4K rand read, irqmode=1, QD1, new request per I/O")		\
	X(async_irq1_qd1_reuse, WDFIO_BENCH_NB_IRQ1, 4096, 1, 1,	\
	  WDFIO_BENCH_DIRECT_ASYNC, WDFIO_BENCH_WDF_ASYNC_REUSE, 0,	\
	  "4K rand read, irqmode=1, QD1, WdfRequestReuse")		\
	X(async_irq1_qd32_new, WDFIO_BENCH_NB_IRQ1, 4096, 32, 1,	\
	  WDFIO_BENCH_DIRECT_ASYNC, WDFIO_BENCH_WDF_ASYNC_NEW, 0,	\
	  "4K rand read, irqmode=1, QD32, new request per I/O")	\
	X(async_irq1_qd32_reuse, WDFIO_BENCH_NB_IRQ1, 4096, 32, 1,	\
	  WDFIO_BENCH_DIRECT_ASYNC, WDFIO_BENCH_WDF_ASYNC_REUSE, 0,	\
	  "4K rand read, irqmode=1, QD32, WdfRequestReuse")		\
	X(sync_irq0_qd1, WDFIO_BENCH_NB_IRQ0, 4096, 1, 1,		\
	  WDFIO_BENCH_DIRECT_SYNC, WDFIO_BENCH_WDF_SYNC, 0,		\
	  "4K sync read, irqmode=0: submit_bio_wait vs SendReadSynchronously") \
	X(sync_irq1_qd1, WDFIO_BENCH_NB_IRQ1, 4096, 1, 1,		\
	  WDFIO_BENCH_DIRECT_SYNC, WDFIO_BENCH_WDF_SYNC, 0,		\
	  "4K sync read, irqmode=1: submit_bio_wait vs SendReadSynchronously") \
	X(timed_async_irq1_qd1_reuse, WDFIO_BENCH_NB_IRQ1, 4096, 1, 1,	\
	  WDFIO_BENCH_DIRECT_ASYNC, WDFIO_BENCH_WDF_ASYNC_REUSE,	\
	  WDFIO_BENCH_F_TIMEOUT,					\
	  "4K rand read, irqmode=1, QD1, reuse, timeout on every request") \
	X(timed_async_irq1_qd32_reuse, WDFIO_BENCH_NB_IRQ1, 4096, 32, 1, \
	  WDFIO_BENCH_DIRECT_ASYNC, WDFIO_BENCH_WDF_ASYNC_REUSE,	\
	  WDFIO_BENCH_F_TIMEOUT,					\
	  "4K rand read, irqmode=1, QD32, reuse, timeout on every request") \
	X(timed_sync_irq1_qd1, WDFIO_BENCH_NB_IRQ1, 4096, 1, 1,	\
	  WDFIO_BENCH_DIRECT_SYNC, WDFIO_BENCH_WDF_SYNC,		\
	  WDFIO_BENCH_F_TIMEOUT,					\
	  "4K sync read, irqmode=1, timeout on every request")		\
	X(threads2_irq0_qd32_reuse, WDFIO_BENCH_NB_IRQ0, 4096, 32, 2,	\
	  WDFIO_BENCH_DIRECT_ASYNC, WDFIO_BENCH_WDF_ASYNC_REUSE, 0,	\
	  "4K rand read, irqmode=0, 2 threads on 2 vCPUs x QD16, reuse") \
	X(threads2_irq1_qd32_reuse, WDFIO_BENCH_NB_IRQ1, 4096, 32, 2,	\
	  WDFIO_BENCH_DIRECT_ASYNC, WDFIO_BENCH_WDF_ASYNC_REUSE, 0,	\
	  "4K rand read, irqmode=1, 2 threads on 2 vCPUs x QD16, reuse") \
	X(large_64k_irq1_qd8_reuse, WDFIO_BENCH_NB_IRQ1, 65536, 8, 1,	\
	  WDFIO_BENCH_DIRECT_ASYNC, WDFIO_BENCH_WDF_ASYNC_REUSE, 0,	\
	  "64K rand read, irqmode=1, QD8, reuse (MB/s)")		\
	X(large_1m_irq1_qd8_reuse, WDFIO_BENCH_NB_IRQ1, 1048576, 8, 1,	\
	  WDFIO_BENCH_DIRECT_ASYNC, WDFIO_BENCH_WDF_ASYNC_REUSE, 0,	\
	  "1M rand read, irqmode=1, QD8, reuse: split into bios (MB/s)") \
	X(usb_bulk_in_qd16, WDFIO_BENCH_USB_SS, 4096, 16, 1,		\
	  WDFIO_BENCH_USB_DIRECT, WDFIO_BENCH_USB_WDF, 0,		\
	  "USB bulk IN 4K, SourceSink source, 16 in flight: urb vs pipe target (MB/s)")

/*
 * X(name, kind, flags, desc): allocation counting runs on WDFIO_BENCH_NB_IRQ0
 * (inline completion: the whole I/O happens during the run), QD1, 4 KiB.
 */
#define WDFIO_BENCH_ALLOC_ROWS(X)					\
	X(direct_async, WDFIO_BENCH_DIRECT_ASYNC, 0,			\
	  "bio_alloc_bioset + submit_bio")				\
	X(wdf_async_new, WDFIO_BENCH_WDF_ASYNC_NEW, 0,			\
	  "WdfRequestCreate per I/O")					\
	X(wdf_async_reuse, WDFIO_BENCH_WDF_ASYNC_REUSE, 0,		\
	  "WdfRequestReuse per I/O")					\
	X(direct_sync, WDFIO_BENCH_DIRECT_SYNC, 0,			\
	  "bio_alloc_bioset + submit_bio_wait")				\
	X(wdf_sync, WDFIO_BENCH_WDF_SYNC, 0,				\
	  "WdfIoTargetSendReadSynchronously, reused request")		\
	X(wdf_async_reuse_timed, WDFIO_BENCH_WDF_ASYNC_REUSE,		\
	  WDFIO_BENCH_F_TIMEOUT, "WdfRequestReuse per I/O, with a timeout")

#endif /* _UAPI_WDFIO_BENCH_H */
