/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wdfio selftest driver: shared helpers.
 *
 * Every case is a function "int wt_<case>(struct wt *t)" (see wt_cases.h).
 * Checks are made with the T_*() macros below: each evaluates to true when
 * the check passes, and otherwise records file:line, the expression and
 * both values in the case's message and evaluates to false, so a case reads
 *
 *	if (!T_STATUS(t, STATUS_SUCCESS, status))
 *		goto out;
 *
 * Waits are bounded (WT_TIMEOUT_S). When an I/O does not complete in time
 * the case is "wedged": it fails, and every helper then leaks instead of
 * freeing what the I/O may still touch (buffers, completion contexts) and
 * skips what would wait for it (closing or deleting the target).
 */
#ifndef _WDFIO_TEST_UTIL_H
#define _WDFIO_TEST_UTIL_H

#include <linux/atomic.h>
#include <linux/blkdev.h>
#include <linux/completion.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "../compat.h"

#include <ntddk.h>
#include <ntdddisk.h>
#include <ntddstor.h>
#include <wdf.h>

#include "wdfio_test.h"
#include "wdfio_testblk.h"

#define WT_TIMEOUT_S		30
#define WT_GUARD		64
#define WT_GUARD_BYTE		0xA5
#define WT_POISON_BYTE		0x5A
#define WT_TAG			WDFIO_POOL_TAG('w', 'd', 't', 's')

/* wdfio_tb0 is device 0 of wdfio_testblk */
#define WT_TB			0

/* A private NTSTATUS (customer bit set) that no DDI returns: "we gave up" */
#define WT_STATUS_HUNG		((NTSTATUS)0xE0DE0001L)

/**
 * struct wt - state of one running case
 * @name: case name
 * @msg: diagnostics returned to userspace (WDFIO_TEST_MSG_LEN bytes)
 * @len: bytes used in @msg
 * @where: what the case is doing now, prefixed to failures
 * @checks: checks made
 * @failures: checks failed
 * @skipped: the case could not run here (environment), see wt_skip()
 * @wedged: an operation did not finish in time, resources are leaked
 * @verifier_saved: value of wdfio's verifier parameter before
 *	wt_quiet_verifier() cleared it, or -1
 */
struct wt {
	const char *name;
	char *msg;
	size_t len;
	char where[96];
	unsigned int checks;
	unsigned int failures;
	bool skipped;
	bool wedged;
	int verifier_saved;
};

int wt_util_init(void);
void wt_util_exit(void);

/* ------------------------------------------------------------------ */
/* Checks                                                              */

__printf(5, 6)
bool wt_checkf(struct wt *t, bool ok, const char *file, int line,
	       const char *fmt, ...);
bool wt_check_status(struct wt *t, const char *file, int line,
		     const char *expr, NTSTATUS expected, NTSTATUS actual);
bool wt_check_u64(struct wt *t, const char *file, int line, const char *expr,
		  const char *op, u64 expected, u64 actual, bool ok);
bool wt_check_ptr(struct wt *t, const char *file, int line, const char *expr,
		  const void *expected, const void *actual);
__printf(2, 3)
void wt_skip(struct wt *t, const char *fmt, ...);
__printf(2, 3)
void wt_set_where(struct wt *t, const char *fmt, ...);
const char *wt_status_name(NTSTATUS status);

/* cond must hold */
#define T_TRUE(t, cond, fmt, ...)					\
	wt_checkf(t, !!(cond), __FILE__, __LINE__, "%s: " fmt, #cond,	\
		  ##__VA_ARGS__)
/* an unconditional failure */
#define T_FAIL(t, fmt, ...)						\
	wt_checkf(t, false, __FILE__, __LINE__, fmt, ##__VA_ARGS__)
/* NTSTATUS actual == expected */
#define T_STATUS(t, expected, actual)					\
	wt_check_status(t, __FILE__, __LINE__, #actual, expected, actual)
/* unsigned comparisons; the values are printed in decimal and hex */
#define T_EQ(t, expected, actual)					\
	({ u64 __e = (u64)(expected), __a = (u64)(actual);		\
	   wt_check_u64(t, __FILE__, __LINE__, #actual, "==", __e, __a,	\
			__e == __a); })
#define T_LE(t, limit, actual)						\
	({ u64 __e = (u64)(limit), __a = (u64)(actual);			\
	   wt_check_u64(t, __FILE__, __LINE__, #actual, "<=", __e, __a,	\
			__a <= __e); })
#define T_GE(t, limit, actual)						\
	({ u64 __e = (u64)(limit), __a = (u64)(actual);			\
	   wt_check_u64(t, __FILE__, __LINE__, #actual, ">=", __e, __a,	\
			__a >= __e); })
#define T_PTR(t, expected, actual)					\
	wt_check_ptr(t, __FILE__, __LINE__, #actual, expected, actual)

/* ------------------------------------------------------------------ */
/* wdfio's verifier parameter                                          */

/*
 * Clear /sys/module/wdfio/parameters/verifier (if it exists) for the rest
 * of the case: misuse cases make wdfio log on purpose, and with the
 * verifier on it would also WARN (taint). The dispatcher restores it.
 */
void wt_quiet_verifier(struct wt *t);
void wt_restore_verifier(struct wt *t);

/* ------------------------------------------------------------------ */
/* Devices                                                             */

enum wt_dev_id {
	WT_NULLB0,
	WT_NULLB1,
	WT_NULLB2,
	WT_VDA,
	WT_TB0,
	WT_NR_DEVS,
};

/**
 * struct wt_dev - a guest block device (docs/design.md)
 * @path: device node
 * @wpath: the same as a NUL-terminated UTF-16 string
 * @lbs: logical block size the environment promises
 * @size: size in bytes the environment promises
 * @what: completion context, for messages
 */
struct wt_dev {
	const char *path;
	const WCHAR *wpath;
	unsigned int lbs;
	u64 size;
	const char *what;
};

extern const struct wt_dev wt_devs[WT_NR_DEVS];

/* Create a target and open it by name; on failure records it. */
NTSTATUS wt_open(struct wt *t, const struct wt_dev *d, ACCESS_MASK access,
		 ULONG share, WDFIOTARGET *target);
/* Open read/write, shared */
static inline NTSTATUS wt_open_rw(struct wt *t, const struct wt_dev *d,
				  WDFIOTARGET *target)
{
	return wt_open(t, d, GENERIC_READ | GENERIC_WRITE,
		       FILE_SHARE_READ | FILE_SHARE_WRITE, target);
}

/* Bounded WdfIoTargetClose / WdfObjectDelete(target); no-op when wedged */
void wt_close(struct wt *t, WDFIOTARGET target);
void wt_delete_target(struct wt *t, WDFIOTARGET target);
/* WdfObjectDelete unless wedged (for requests and memory used by I/O) */
void wt_delete(struct wt *t, WDFOBJECT object);

/* ------------------------------------------------------------------ */
/* Data patterns and buffers                                           */

/*
 * The pattern is a sequence of little-endian 64-bit words; the word at
 * device byte offset o (a multiple of 8) is (seed << 40) | (o >> 3), so a
 * word read back from the wrong place or from another write names both.
 * @seed must be non-zero and below 2^24.
 */
void wt_fill(void *buf, size_t len, u64 dev_off, u32 seed);
/* A fresh seed: 1 .. 2^24 - 1, never the same twice in a row */
u32 wt_next_seed(void);
bool wt_verify(struct wt *t, const void *buf, size_t len, u64 dev_off,
	       u32 seed, const char *what);
bool wt_verify_byte(struct wt *t, const void *buf, size_t len, u8 byte,
		    const char *what);

/**
 * struct wt_buf - a driver buffer with guard bytes
 * @base: allocation
 * @alloc_len: bytes at @base
 * @vmalloc: @base is from vmalloc
 * @data: the buffer: @base + slack, aligned to 512 then offset by @misalign
 * @len: bytes at @data
 *
 * Every byte outside [@data, @data + @len) is WT_GUARD_BYTE (at least
 * WT_GUARD of them on each side) and is checked by wt_buf_guards_ok().
 */
struct wt_buf {
	u8 *base;
	size_t alloc_len;
	bool vmalloc;
	u8 *data;
	size_t len;
};

int wt_buf_alloc(struct wt *t, struct wt_buf *b, size_t len, bool use_vmalloc,
		 unsigned int misalign);
bool wt_buf_guards_ok(struct wt *t, const struct wt_buf *b, const char *what);
void wt_buf_free(struct wt *t, struct wt_buf *b);

/* ------------------------------------------------------------------ */
/* Asynchronous sends                                                  */

/**
 * struct wt_io - completion context of one async send (Context argument)
 * @done: completed by the routine
 * @calls: number of routine calls
 * @request: the request the routine was called with
 * @target: the target the routine was called with
 * @params: copy of *Params
 * @params_ptr: the Params pointer itself
 * @get_status: WdfRequestGetStatus() inside the routine
 * @no_ddi: do not call DDIs on the request in the routine (it was deleted)
 * @atomic: the routine ran in a context that cannot sleep
 */
struct wt_io {
	struct completion done;
	atomic_t calls;
	WDFREQUEST request;
	WDFIOTARGET target;
	WDF_REQUEST_COMPLETION_PARAMS params;
	PWDF_REQUEST_COMPLETION_PARAMS params_ptr;
	NTSTATUS get_status;
	bool no_ddi;
	bool atomic;
};

EVT_WDF_REQUEST_COMPLETION_ROUTINE wt_io_complete;

struct wt_io *wt_io_alloc(struct wt *t);
/* Re-arm for another send */
void wt_io_reset(struct wt_io *io);
/* Wait (bounded) for the routine; false and wedged on timeout */
bool wt_io_wait(struct wt *t, struct wt_io *io);
void wt_io_free(struct wt *t, struct wt_io *io);
/* Wait (bounded) until @cond holds, woken through wt_wq */
extern wait_queue_head_t wt_wq;
bool wt_wait_cond_timeout(struct wt *t, bool (*cond)(void *arg), void *arg,
			  const char *what);

/* Format @request as a read or write of @memory (window @offsets) at @off */
NTSTATUS wt_format_rw(WDFIOTARGET target, WDFREQUEST request, bool write,
		      WDFMEMORY memory, PWDFMEMORY_OFFSET offsets,
		      LONGLONG off);

/* WdfRequestSend must return FALSE and leave @expected as the status */
bool wt_send_fails(struct wt *t, const char *file, int line,
		   WDFREQUEST request, WDFIOTARGET target,
		   PWDF_REQUEST_SEND_OPTIONS options, NTSTATUS expected);
#define T_SEND_FAILS(t, request, target, options, expected)		\
	wt_send_fails(t, __FILE__, __LINE__, request, target, options,	\
		      expected)

/*
 * Set wt_io_complete with @io on @request, send it without options and
 * wait: true when the routine ran, once, for this request.
 */
bool wt_send_wait(struct wt *t, WDFREQUEST request, WDFIOTARGET target,
		  struct wt_io *io);
/* ... and reported STATUS_SUCCESS with @len bytes */
bool wt_send_ok(struct wt *t, WDFREQUEST request, WDFIOTARGET target,
		struct wt_io *io, size_t len);

/**
 * struct wt_fix - the usual setup of a case
 * @target: open read/write, shared
 * @request: created for @target
 * @memory: WdfMemoryCreate of the requested size
 * @buf: its buffer
 * @io: a completion context
 */
struct wt_fix {
	WDFIOTARGET target;
	WDFREQUEST request;
	WDFMEMORY memory;
	void *buf;
	struct wt_io *io;
};

/* false (recorded) if any part could not be made; close it anyway */
bool wt_fix_open(struct wt *t, struct wt_fix *f, enum wt_dev_id id,
		 size_t size);
void wt_fix_close(struct wt *t, struct wt_fix *f);

/* Create a request for @target (no attributes), recording failures */
NTSTATUS wt_request(struct wt *t, WDFIOTARGET target, WDFREQUEST *request);
/* Create memory (default attributes), recording failures */
NTSTATUS wt_memory(struct wt *t, size_t size, WDFMEMORY *memory, void **buf);

/* ------------------------------------------------------------------ */
/* Synchronous sends, run on a worker with a bounded wait              */

NTSTATUS wt_sync_read(struct wt *t, WDFIOTARGET target, WDFREQUEST request,
		      PWDF_MEMORY_DESCRIPTOR desc, PLONGLONG offset,
		      PWDF_REQUEST_SEND_OPTIONS options, PULONG_PTR bytes);
NTSTATUS wt_sync_write(struct wt *t, WDFIOTARGET target, WDFREQUEST request,
		       PWDF_MEMORY_DESCRIPTOR desc, PLONGLONG offset,
		       PWDF_REQUEST_SEND_OPTIONS options, PULONG_PTR bytes);
NTSTATUS wt_sync_ioctl(struct wt *t, WDFIOTARGET target, WDFREQUEST request,
		       ULONG code, PWDF_MEMORY_DESCRIPTOR in,
		       PWDF_MEMORY_DESCRIPTOR out,
		       PWDF_REQUEST_SEND_OPTIONS options, PULONG_PTR bytes);
/* WdfRequestSend with WDF_REQUEST_SEND_OPTION_SYNCHRONOUS */
BOOLEAN wt_send_synchronous(struct wt *t, WDFREQUEST request,
			    WDFIOTARGET target);
/* WdfRequestSend with @options (which should include SYNCHRONOUS) */
BOOLEAN wt_send_sync_options(struct wt *t, WDFREQUEST request,
			     WDFIOTARGET target,
			     PWDF_REQUEST_SEND_OPTIONS options);

/* ------------------------------------------------------------------ */
/* Timed sends                                                         */

/* Seconds from 1601-01-01 to 1970-01-01, in 100 ns units */
#define WT_EPOCH_1601_100NS	(11644473600ULL * 10000000ULL)

/**
 * struct wt_tio - wt_io plus the time the completion routine ran
 * @io: as for wt_io_complete (wt_io_reset() it before each send)
 * @done_at: ktime_get() when wt_tio_complete() ran
 * @done_jiffies: jiffies then
 */
struct wt_tio {
	struct wt_io io;
	ktime_t done_at;
	unsigned long done_jiffies;
};

EVT_WDF_REQUEST_COMPLETION_ROUTINE wt_tio_complete;

/*
 * An absolute WDF timeout @ms milliseconds from now (100 ns units since
 * 1601-01-01 UTC); the wall-clock time it was computed from in @real_ns.
 */
LONGLONG wt_abs_timeout(u64 ms, u64 *real_ns);

/* Shared context type declared in two files (t_object.c, t_memory.c) */
PVOID wt_memory_shared_context(WDFOBJECT object);

/* ------------------------------------------------------------------ */
/* Linux-side access to the devices (the oracle)                       */

/**
 * struct wt_bdev - the test's own open of a block device
 * @bdev: the device
 * @handle: the open (kmod/compat.h); unused for a device opened elsewhere
 * @size: bytes
 * @lbs: logical block size
 * @max_io: largest bio of whole pages the queue takes (wdfio_tb0 does
 *	not split: a bio over its limits fails)
 */
struct wt_bdev {
	struct block_device *bdev;
	struct wdfio_bdev_handle handle;
	u64 size;
	unsigned int lbs;
	size_t max_io;
};

/* Fill in @b's limits from @b->bdev */
void wt_bdev_limits(struct wt_bdev *b);

int wt_bdev_open(struct wt *t, const struct wt_dev *d, struct wt_bdev *b);
void wt_bdev_close(struct wt_bdev *b);
/* Read/write through bios of our own; false (recorded) on error */
bool wt_raw_rw(struct wt *t, struct wt_bdev *b, bool write, u64 off,
	       void *buf, size_t len);
/* Read [off, off + len) and check it holds the pattern of @seed */
bool wt_raw_verify(struct wt *t, struct wt_bdev *b, u64 off, size_t len,
		   u32 seed);
/* Write the pattern of @seed to [off, off + len) */
bool wt_raw_fill(struct wt *t, struct wt_bdev *b, u64 off, size_t len,
		 u32 seed);

#define WT_TBR_MAX	8

/**
 * struct wt_tbr - a case's target on wdfio_tb0 with requests over buffers
 * @target: open read/write
 * @request: @nr requests created for @target
 * @memory: WdfMemoryCreatePreallocated over each of @b
 * @b: the buffers (with guards), @len bytes each
 * @bdev: the case's own open of wdfio_tb0, for raw fills and checks
 * @bdev_open: @bdev is open
 * @nr: requests in use (at most WT_TBR_MAX)
 */
struct wt_tbr {
	WDFIOTARGET target;
	WDFREQUEST request[WT_TBR_MAX];
	WDFMEMORY memory[WT_TBR_MAX];
	struct wt_buf b[WT_TBR_MAX];
	struct wt_bdev bdev;
	bool bdev_open;
	unsigned int nr;
};

/*
 * Reset wdfio_tb0 and set up @r (zeroed by the caller) with @nr requests of
 * @len bytes; true when all of it is there and nothing failed. Close it
 * anyway.
 */
bool wt_tbr_open(struct wt *t, struct wt_tbr *r, unsigned int nr, size_t len);
void wt_tbr_close(struct wt *t, struct wt_tbr *r);

/* ------------------------------------------------------------------ */
/* wdfio_tb0 control                                                   */

/* Back to defaults: no hold (held bios released OK), no failures, no
 * delay, inline completion; counters cleared. Skips the case if testblk
 * is not there.
 */
bool wt_tb_reset(struct wt *t);
bool wt_tb_stats(struct wt *t, struct wdfio_tb_stats *st);
bool wt_tb_wait_held(struct wt *t, unsigned int n);

/* A context that cannot sleep */
static inline bool wt_atomic_context(void)
{
	return in_hardirq() || in_serving_softirq() || !preemptible();
}

#endif /* _WDFIO_TEST_UTIL_H */
