// SPDX-License-Identifier: GPL-2.0
/*
 * Send timeouts (docs/semantics.md, "Timeouts and cancellation"): a timed
 * send completes STATUS_IO_TIMEOUT by its deadline while its bio is held,
 * never early, and the bio released later never touches the caller's
 * buffer; absolute deadlines; synchronous sends with a timeout; timeouts
 * that do not fire on every completion context and device.
 */
#include <linux/blkdev.h>
#include <linux/delay.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include "util.h"
#include "wt_cases.h"

#define WT_TO_LEN	SZ_8K
#define WT_TO_OFF	SZ_2M
#define WT_TO_MS	50
/*
 * The synchronous cases assert the bio is in the device when the send
 * returns: leave a loaded TCG guest ample time to bounce and submit it.
 */
#define WT_TO_SYNC_MS	1000
/* Completion after the deadline, TCG included */
#define WT_TO_SLACK_MS	2000

/* The completion happened no earlier than @ms after @t0, and not too late */
static bool wt_deadline_ok(struct wt *t, ktime_t t0, ktime_t done, u64 ms)
{
	s64 us = ktime_us_delta(done, t0);

	return T_TRUE(t, us >= (s64)ms * 1000,
		      "completed %lld us after the send, deadline %llu ms",
		      us, ms) &&
	       T_TRUE(t, us <= (s64)(ms + WT_TO_SLACK_MS) * 1000,
		      "completed %lld us after the send, deadline %llu ms + %u ms slack",
		      us, ms, WT_TO_SLACK_MS);
}

/* Release every held bio of wdfio_tb0 (inline: ended when this returns) */
static bool wt_release_all(struct wt *t, unsigned int n)
{
	wdfio_tb_set_hold(WT_TB, false);
	return T_EQ(t, n, wdfio_tb_release(WT_TB, 0, WDFIO_TB_ORDER_FIFO,
					   WDFIO_TB_STS_OK));
}

/* Longest timeout tried when deadlines keep beating the submission */
#define WT_TO_MAX_MS	3200
/* How long a bio may take to reach wdfio_tb0 after its request completed */
#define WT_TO_ARRIVE_MS	5000

/*
 * Wait until wdfio_tb0 holds all of a @len-byte transfer (several bios if
 * it was split; wdfio splits at the largest size the device takes, so the
 * largest bio seen sets the count). False if no bio arrived in time.
 */
static bool wt_wait_all_held(struct wt *t, size_t len, unsigned int *held)
{
	unsigned long end = jiffies + msecs_to_jiffies(WT_TO_ARRIVE_MS);
	struct wdfio_tb_stats st;

	for (;;) {
		if (!wt_tb_stats(t, &st))
			return false;
		if (st.held && st.held * st.max_bio_bytes >= len)
			break;
		if (time_after(jiffies, end)) {
			if (st.bios_seen)
				T_FAIL(t, "%llu bios (largest %llu B) of %zu B held after %u ms",
				       st.held, st.max_bio_bytes, len,
				       WT_TO_ARRIVE_MS);
			return false;
		}
		msleep(20);
	}
	*held = st.held;
	return true;
}

/*
 * One held transfer with a timeout. A read: the device holds seed_dev and
 * the caller's buffer seed_buf, which must survive the late bio. A write:
 * the buffer is rewritten with seed_late after the timeout, the device
 * must get seed_buf (the data at send time).
 *
 * On a loaded TCG guest the deadline can pass before wdfio has bounced a
 * large write and submitted it; the request then times out without
 * reaching the device, which is right but not what this case is about.
 * That outcome is checked and reported as -EAGAIN: the caller tries again
 * with a longer timeout.
 */
static int wt_held_run_ms(struct wt *t, bool write, bool absolute,
			  size_t len, u64 ms)
{
	u32 seed_dev = wt_next_seed(), seed_buf = wt_next_seed();
	u32 seed_late = wt_next_seed();
	WDF_REQUEST_SEND_OPTIONS opt;
	WDFREQUEST request = NULL;
	WDFMEMORY memory = NULL;
	WDFIOTARGET target = NULL;
	struct wdfio_tb_stats st;
	struct wt_tio *tio = NULL;
	struct wt_bdev bdev;
	struct wt_buf b = { };
	unsigned int held = 0;
	bool raced = false;
	u64 real0;
	LONGLONG timeout;
	unsigned long j0;
	ktime_t t0;
	NTSTATUS status;

	if (!wt_tb_reset(t))
		return 0;
	if (wt_bdev_open(t, &wt_devs[WT_TB0], &bdev))
		return 0;
	tio = kzalloc(sizeof(*tio), GFP_KERNEL);
	if (!T_TRUE(t, tio, "out of memory") ||
	    wt_buf_alloc(t, &b, len, len > SZ_1M, 0))
		goto out;
	wt_io_reset(&tio->io);
	/* Then clear the counters the fill moved */
	if (!wt_raw_fill(t, &bdev, WT_TO_OFF, len, seed_dev) ||
	    !wt_tb_reset(t))
		goto out;
	wt_fill(b.data, len, WT_TO_OFF, seed_buf);
	if (!NT_SUCCESS(wt_open_rw(t, &wt_devs[WT_TB0], &target)) ||
	    !NT_SUCCESS(wt_request(t, target, &request)))
		goto out;
	status = WdfMemoryCreatePreallocated(WDF_NO_OBJECT_ATTRIBUTES, b.data,
					     len, &memory);
	if (!T_STATUS(t, STATUS_SUCCESS, status)) {
		memory = NULL;
		goto out;
	}
	if (!T_STATUS(t, STATUS_SUCCESS,
		      wt_format_rw(target, request, write, memory, NULL,
				   WT_TO_OFF)))
		goto out;
	WdfRequestSetCompletionRoutine(request, wt_tio_complete, tio);

	wt_set_where(t, "%s held, %s timeout %llu ms", write ? "write" : "read",
		     absolute ? "absolute" : "relative", ms);
	wdfio_tb_set_hold(WT_TB, true);
	WDF_REQUEST_SEND_OPTIONS_INIT(&opt, 0);
	t0 = ktime_get();
	j0 = jiffies;
	if (absolute)
		timeout = wt_abs_timeout(ms, &real0);
	else
		timeout = WDF_REL_TIMEOUT_IN_MS(ms);
	WDF_REQUEST_SEND_OPTIONS_SET_TIMEOUT(&opt, timeout);
	if (!T_TRUE(t, WdfRequestSend(request, target, &opt), "send: 0x%08X",
		    (u32)WdfRequestGetStatus(request)))
		goto out;
	if (!wt_io_wait(t, &tio->io))
		goto out;
	T_STATUS(t, STATUS_IO_TIMEOUT, tio->io.params.IoStatus.Status);
	T_STATUS(t, STATUS_IO_TIMEOUT, tio->io.get_status);
	T_EQ(t, 0, tio->io.params.IoStatus.Information);
	T_EQ(t, 1, atomic_read(&tio->io.calls));
	T_PTR(t, request, tio->io.request);
	if (!wt_deadline_ok(t, t0, tio->done_at, ms))
		T_FAIL(t, "(%lu jiffies elapsed, HZ %d)",
		       tio->done_jiffies - j0, HZ);
	/* The bios are still in the device (several for a split) */
	if (!wt_wait_all_held(t, len, &held)) {
		if (t->failures)
			goto out;
		raced = true;
		wt_verify(t, b.data, len, WT_TO_OFF, seed_buf,
			  "caller's buffer after a timeout before submission");
		goto out;
	}
	if (len > SZ_1M)
		T_TRUE(t, held >= 2, "%u bios held for %zu bytes", held, len);
	else
		T_EQ(t, 1, held);
	T_STATUS(t, STATUS_IO_TIMEOUT, WdfRequestGetStatus(request));
	T_EQ(t, 0, WdfRequestGetInformation(request));
	wt_verify(t, b.data, len, WT_TO_OFF, seed_buf,
		  "caller's buffer after the timeout");

	wt_set_where(t, "%s released after the timeout",
		     write ? "write" : "read");
	if (write)
		wt_fill(b.data, len, WT_TO_OFF, seed_late);
	if (!wt_release_all(t, held))
		goto out;
	/* Let anything deferred after the bio's end run */
	msleep(100);
	if (wt_tb_stats(t, &st)) {
		T_EQ(t, held, st.bios_completed);
		T_EQ(t, 0, st.bios_failed);
		T_EQ(t, write ? 0 : len, st.bytes_read);
		T_EQ(t, write ? len : 0, st.bytes_written);
	}
	wt_verify(t, b.data, len, WT_TO_OFF, write ? seed_late : seed_buf,
		  "caller's buffer after the late bio ended");
	wt_buf_guards_ok(t, &b, "caller's buffer");
	T_EQ(t, 1, atomic_read(&tio->io.calls));
	T_STATUS(t, STATUS_IO_TIMEOUT, WdfRequestGetStatus(request));
	wt_raw_verify(t, &bdev, WT_TO_OFF, len,
		      write ? seed_buf : seed_dev);
out:
	wt_set_where(t, "cleanup");
	if (!t->wedged)
		wt_tb_reset(t);
	wt_delete(t, request);
	wt_delete(t, memory);
	wt_delete_target(t, target);
	if (!t->wedged) {
		/* Nothing may write the buffer while it is being freed */
		wt_buf_free(t, &b);
		kfree(tio);
	}
	wt_bdev_close(&bdev);
	return raced && !t->failures ? -EAGAIN : 0;
}

/* wt_held_run_ms() from the usual timeout up, until the bios get held */
static int wt_held_run(struct wt *t, bool write, bool absolute, size_t len)
{
	u64 ms = absolute ? 2 * WT_TO_MS : WT_TO_MS;

	for (;; ms *= 4) {
		if (wt_held_run_ms(t, write, absolute, len, ms) != -EAGAIN)
			return 0;
		pr_info("wdfio_test: %zu-byte %s: the %llu ms deadline passed before the bios reached the device; trying a longer one\n",
			len, write ? "write" : "read", ms);
		if (ms >= WT_TO_MAX_MS)
			break;
	}
	T_FAIL(t, "even a %llu ms deadline passed before wdfio submitted a %zu-byte %s",
	       ms, len, write ? "write" : "read");
	return 0;
}

int wt_timeout_held_read(struct wt *t)
{
	return wt_held_run(t, false, false, WT_TO_LEN);
}

int wt_timeout_held_write(struct wt *t)
{
	return wt_held_run(t, true, false, WT_TO_LEN);
}

/* 4 MiB: several bios, detached together */
int wt_timeout_held_split(struct wt *t)
{
	wt_held_run(t, false, false, SZ_4M);
	if (!t->failures && !t->skipped)
		wt_held_run(t, true, false, SZ_4M);
	return 0;
}

int wt_timeout_absolute(struct wt *t)
{
	wt_held_run(t, false, true, WT_TO_LEN);
	if (!t->failures && !t->skipped)
		wt_held_run(t, true, true, WT_TO_LEN);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Synchronous sends with a timeout                                    */

int wt_timeout_sync(struct wt *t)
{
	u32 seed_buf = wt_next_seed(), seed_dev = wt_next_seed();
	WDF_MEMORY_DESCRIPTOR desc;
	WDF_REQUEST_SEND_OPTIONS opt;
	WDFREQUEST request = NULL;
	WDFMEMORY memory = NULL;
	WDFIOTARGET target = NULL;
	struct wt_buf b = { }, b2 = { };
	struct wt_tio *tio = NULL;
	LONGLONG off = WT_TO_OFF;
	ULONG_PTR bytes = 0;
	struct wt_bdev bdev;
	NTSTATUS status;
	ktime_t t0, t1;

	if (!wt_tb_reset(t))
		return 0;
	if (wt_bdev_open(t, &wt_devs[WT_TB0], &bdev))
		return 0;
	tio = kzalloc(sizeof(*tio), GFP_KERNEL);
	if (!T_TRUE(t, tio, "out of memory") ||
	    wt_buf_alloc(t, &b, WT_TO_LEN, false, 0) ||
	    wt_buf_alloc(t, &b2, WT_TO_LEN, true, 0))
		goto out;
	wt_io_reset(&tio->io);
	if (!wt_raw_fill(t, &bdev, WT_TO_OFF, WT_TO_LEN, seed_dev))
		goto out;
	if (!NT_SUCCESS(wt_open_rw(t, &wt_devs[WT_TB0], &target)))
		goto out;

	wt_set_where(t, "WdfIoTargetSendReadSynchronously, %u ms, held",
		     WT_TO_SYNC_MS);
	wt_fill(b.data, WT_TO_LEN, WT_TO_OFF, seed_buf);
	WDF_MEMORY_DESCRIPTOR_INIT_BUFFER(&desc, b.data, WT_TO_LEN);
	WDF_REQUEST_SEND_OPTIONS_INIT(&opt, 0);
	WDF_REQUEST_SEND_OPTIONS_SET_TIMEOUT(&opt,
					     WDF_REL_TIMEOUT_IN_MS(WT_TO_SYNC_MS));
	wdfio_tb_set_hold(WT_TB, true);
	t0 = ktime_get();
	status = wt_sync_read(t, target, NULL, &desc, &off, &opt, &bytes);
	t1 = ktime_get();
	if (t->wedged)
		goto out;
	T_STATUS(t, STATUS_IO_TIMEOUT, status);
	T_EQ(t, 0, bytes);
	wt_deadline_ok(t, t0, t1, WT_TO_SYNC_MS);
	T_EQ(t, 1, wdfio_tb_held(WT_TB));

	wt_set_where(t, "WdfRequestSend(SYNCHRONOUS | TIMEOUT), %u ms, held",
		     WT_TO_SYNC_MS);
	if (!NT_SUCCESS(wt_request(t, target, &request)))
		goto out;
	status = WdfMemoryCreatePreallocated(WDF_NO_OBJECT_ATTRIBUTES,
					     b2.data, WT_TO_LEN, &memory);
	if (!T_STATUS(t, STATUS_SUCCESS, status)) {
		memory = NULL;
		goto out;
	}
	wt_fill(b2.data, WT_TO_LEN, WT_TO_OFF, seed_buf);
	if (!T_STATUS(t, STATUS_SUCCESS,
		      wt_format_rw(target, request, false, memory, NULL,
				   WT_TO_OFF)))
		goto out;
	WdfRequestSetCompletionRoutine(request, wt_tio_complete, tio);
	WDF_REQUEST_SEND_OPTIONS_INIT(&opt, WDF_REQUEST_SEND_OPTION_SYNCHRONOUS);
	WDF_REQUEST_SEND_OPTIONS_SET_TIMEOUT(&opt,
					     WDF_REL_TIMEOUT_IN_MS(WT_TO_SYNC_MS));
	t0 = ktime_get();
	T_TRUE(t, wt_send_sync_options(t, request, target, &opt),
	       "WdfRequestSend(SYNCHRONOUS | TIMEOUT) returned FALSE: 0x%08X",
	       (u32)WdfRequestGetStatus(request));
	t1 = ktime_get();
	if (t->wedged)
		goto out;
	T_STATUS(t, STATUS_IO_TIMEOUT, WdfRequestGetStatus(request));
	T_EQ(t, 0, WdfRequestGetInformation(request));
	wt_deadline_ok(t, t0, t1, WT_TO_SYNC_MS);
	/* The routine ran before the synchronous send returned */
	T_EQ(t, 1, atomic_read(&tio->io.calls));
	T_STATUS(t, STATUS_IO_TIMEOUT, tio->io.params.IoStatus.Status);
	T_EQ(t, 2, wdfio_tb_held(WT_TB));

	wt_set_where(t, "both reads released after their timeouts");
	if (!wt_release_all(t, 2))
		goto out;
	msleep(100);
	wt_verify(t, b.data, WT_TO_LEN, WT_TO_OFF, seed_buf,
		  "buffer of WdfIoTargetSendReadSynchronously");
	wt_verify(t, b2.data, WT_TO_LEN, WT_TO_OFF, seed_buf,
		  "buffer of WdfRequestSend(SYNCHRONOUS)");
	wt_buf_guards_ok(t, &b, "buffer of WdfIoTargetSendReadSynchronously");
	wt_buf_guards_ok(t, &b2, "buffer of WdfRequestSend(SYNCHRONOUS)");
	T_EQ(t, 1, atomic_read(&tio->io.calls));

	wt_set_where(t, "synchronous read, timeout not reached");
	WDF_REQUEST_SEND_OPTIONS_INIT(&opt, 0);
	WDF_REQUEST_SEND_OPTIONS_SET_TIMEOUT(&opt, WDF_REL_TIMEOUT_IN_SEC(20));
	memset(b.data, WT_POISON_BYTE, WT_TO_LEN);
	bytes = 0;
	status = wt_sync_read(t, target, NULL, &desc, &off, &opt, &bytes);
	T_STATUS(t, STATUS_SUCCESS, status);
	T_EQ(t, WT_TO_LEN, bytes);
	wt_verify(t, b.data, WT_TO_LEN, WT_TO_OFF, seed_dev,
		  "synchronous read with a timeout not reached");
	wt_buf_guards_ok(t, &b, "synchronous read with a timeout not reached");
out:
	wt_set_where(t, "cleanup");
	if (!t->wedged)
		wt_tb_reset(t);
	wt_delete(t, request);
	wt_delete(t, memory);
	wt_delete_target(t, target);
	if (!t->wedged) {
		wt_buf_free(t, &b);
		wt_buf_free(t, &b2);
		kfree(tio);
	}
	wt_bdev_close(&bdev);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Timeouts that do not fire                                           */

/*
 * Format @request for a transfer of @memory at @off, send it with
 * @timeout (100 ns units) and wait for its routine; returns its status.
 */
static NTSTATUS wt_timed_rw(struct wt *t, WDFIOTARGET target,
			    WDFREQUEST request, WDFMEMORY memory,
			    struct wt_tio *tio, bool write, LONGLONG off,
			    size_t len, LONGLONG timeout)
{
	WDF_REQUEST_REUSE_PARAMS reuse;
	WDF_REQUEST_SEND_OPTIONS opt;
	NTSTATUS status;

	WDF_REQUEST_REUSE_PARAMS_INIT(&reuse, WDF_REQUEST_REUSE_NO_FLAGS,
				      STATUS_SUCCESS);
	status = WdfRequestReuse(request, &reuse);
	if (!T_STATUS(t, STATUS_SUCCESS, status))
		return status;
	status = wt_format_rw(target, request, write, memory, NULL, off);
	if (!T_STATUS(t, STATUS_SUCCESS, status))
		return status;
	wt_io_reset(&tio->io);
	WdfRequestSetCompletionRoutine(request, wt_tio_complete, tio);
	WDF_REQUEST_SEND_OPTIONS_INIT(&opt, 0);
	WDF_REQUEST_SEND_OPTIONS_SET_TIMEOUT(&opt, timeout);
	if (!T_TRUE(t, WdfRequestSend(request, target, &opt), "send: 0x%08X",
		    (u32)WdfRequestGetStatus(request)))
		return WdfRequestGetStatus(request);
	if (!wt_io_wait(t, &tio->io))
		return WT_STATUS_HUNG;
	T_EQ(t, 1, atomic_read(&tio->io.calls));
	T_PTR(t, request, tio->io.request);
	if (NT_SUCCESS(tio->io.params.IoStatus.Status))
		T_EQ(t, len, tio->io.params.IoStatus.Information);
	return tio->io.params.IoStatus.Status;
}

static const char * const wt_ctx_names[] = {
	"inline", "softirq", "hardirq", "workqueue",
};

/*
 * Write then read back with a 10 s timeout on every completion context of
 * wdfio_tb0 (2 ms device delay); then a 100 ms timeout on a transfer that
 * completes first: the timer must leave the status alone.
 */
int wt_timeout_contexts(struct wt *t)
{
	WDFREQUEST request = NULL;
	WDFMEMORY memory = NULL;
	WDFIOTARGET target = NULL;
	struct wt_tio *tio = NULL;
	struct wt_bdev bdev;
	struct wt_buf b = { };
	unsigned int ctx;
	NTSTATUS status;
	u32 seed;

	if (!wt_tb_reset(t))
		return 0;
	if (wt_bdev_open(t, &wt_devs[WT_TB0], &bdev))
		return 0;
	tio = kzalloc(sizeof(*tio), GFP_KERNEL);
	if (!T_TRUE(t, tio, "out of memory") ||
	    wt_buf_alloc(t, &b, WT_TO_LEN, false, 0))
		goto out;
	if (!NT_SUCCESS(wt_open_rw(t, &wt_devs[WT_TB0], &target)) ||
	    !NT_SUCCESS(wt_request(t, target, &request)))
		goto out;
	status = WdfMemoryCreatePreallocated(WDF_NO_OBJECT_ATTRIBUTES, b.data,
					     WT_TO_LEN, &memory);
	if (!T_STATUS(t, STATUS_SUCCESS, status)) {
		memory = NULL;
		goto out;
	}
	wt_set_where(t, "WdfRequestAllocateTimer");
	T_STATUS(t, STATUS_SUCCESS, WdfRequestAllocateTimer(request));

	for (ctx = WDFIO_TB_CTX_INLINE; ctx <= WDFIO_TB_CTX_WORKQUEUE; ctx++) {
		LONGLONG off = WT_TO_OFF + ctx * WT_TO_LEN;

		wdfio_tb_set_context(WT_TB, ctx);
		wdfio_tb_set_delay(WT_TB, 2000);
		seed = wt_next_seed();
		wt_set_where(t, "%s completion, write, 10 s timeout",
			     wt_ctx_names[ctx]);
		wt_fill(b.data, WT_TO_LEN, off, seed);
		status = wt_timed_rw(t, target, request, memory, tio, true, off,
				     WT_TO_LEN, WDF_REL_TIMEOUT_IN_SEC(10));
		if (!T_STATUS(t, STATUS_SUCCESS, status))
			goto out;
		wt_set_where(t, "%s completion, read, 10 s timeout",
			     wt_ctx_names[ctx]);
		memset(b.data, WT_POISON_BYTE, WT_TO_LEN);
		status = wt_timed_rw(t, target, request, memory, tio, false,
				     off, WT_TO_LEN,
				     WDF_REL_TIMEOUT_IN_SEC(10));
		if (!T_STATUS(t, STATUS_SUCCESS, status))
			goto out;
		wt_verify(t, b.data, WT_TO_LEN, off, seed, "read back");
		wt_buf_guards_ok(t, &b, "read back");

		wt_set_where(t, "%s completion, read, 100 ms timeout, completes first",
			     wt_ctx_names[ctx]);
		wdfio_tb_set_delay(WT_TB, 0);
		memset(b.data, WT_POISON_BYTE, WT_TO_LEN);
		status = wt_timed_rw(t, target, request, memory, tio, false,
				     off, WT_TO_LEN,
				     WDF_REL_TIMEOUT_IN_MS(100));
		if (!T_STATUS(t, STATUS_SUCCESS, status))
			goto out;
		msleep(300);
		T_EQ(t, 1, atomic_read(&tio->io.calls));
		T_STATUS(t, STATUS_SUCCESS, WdfRequestGetStatus(request));
		T_EQ(t, WT_TO_LEN, WdfRequestGetInformation(request));
		wt_verify(t, b.data, WT_TO_LEN, off, seed,
			  "read back, after the timeout's deadline");
	}
out:
	wt_set_where(t, "cleanup");
	if (!t->wedged)
		wt_tb_reset(t);
	wt_delete(t, request);
	wt_delete(t, memory);
	wt_delete_target(t, target);
	if (!t->wedged) {
		wt_buf_free(t, &b);
		kfree(tio);
	}
	wt_bdev_close(&bdev);
	return 0;
}

#define WT_TO_DEV_LEN	SZ_64K
#define WT_TO_DEV_OFF	(40 * SZ_1M)

/* Real round trips with a 30 s timeout on nullb0, nullb2 and vda */
int wt_timeout_devices(struct wt *t)
{
	static const enum wt_dev_id devs[] = { WT_NULLB0, WT_NULLB2, WT_VDA };
	struct wt_tio *tio;
	unsigned int i, v;

	tio = kzalloc(sizeof(*tio), GFP_KERNEL);
	if (!T_TRUE(t, tio, "out of memory"))
		return 0;
	for (i = 0; i < ARRAY_SIZE(devs) && !t->failures; i++) {
		const struct wt_dev *d = &wt_devs[devs[i]];

		for (v = 0; v < 2 && !t->failures; v++) {
			LONGLONG off = WT_TO_DEV_OFF + v * WT_TO_DEV_LEN;
			WDFREQUEST request = NULL;
			WDFMEMORY memory = NULL;
			WDFIOTARGET target = NULL;
			struct wt_bdev bdev;
			struct wt_buf b;
			NTSTATUS status;
			u32 seed = wt_next_seed();

			wt_set_where(t, "%s, %s buffer", d->path,
				     v ? "vmalloc" : "kmalloc");
			if (wt_bdev_open(t, d, &bdev))
				break;
			if (wt_buf_alloc(t, &b, WT_TO_DEV_LEN, v, 0)) {
				wt_bdev_close(&bdev);
				break;
			}
			if (!NT_SUCCESS(wt_open_rw(t, d, &target)) ||
			    !NT_SUCCESS(wt_request(t, target, &request)))
				goto next;
			status = WdfMemoryCreatePreallocated(WDF_NO_OBJECT_ATTRIBUTES,
							     b.data,
							     WT_TO_DEV_LEN,
							     &memory);
			if (!T_STATUS(t, STATUS_SUCCESS, status)) {
				memory = NULL;
				goto next;
			}
			wt_fill(b.data, WT_TO_DEV_LEN, off, seed);
			status = wt_timed_rw(t, target, request, memory, tio,
					     true, off, WT_TO_DEV_LEN,
					     WDF_REL_TIMEOUT_IN_SEC(30));
			if (!T_STATUS(t, STATUS_SUCCESS, status))
				goto next;
			if (!wt_raw_verify(t, &bdev, off, WT_TO_DEV_LEN, seed))
				goto next;
			seed = wt_next_seed();
			if (!wt_raw_fill(t, &bdev, off, WT_TO_DEV_LEN, seed))
				goto next;
			memset(b.data, WT_POISON_BYTE, WT_TO_DEV_LEN);
			status = wt_timed_rw(t, target, request, memory, tio,
					     false, off, WT_TO_DEV_LEN,
					     wt_abs_timeout(30000, NULL));
			if (!T_STATUS(t, STATUS_SUCCESS, status))
				goto next;
			wt_verify(t, b.data, WT_TO_DEV_LEN, off, seed,
				  "read back");
			wt_buf_guards_ok(t, &b, "read back");
next:
			wt_delete(t, request);
			wt_delete(t, memory);
			wt_delete_target(t, target);
			wt_buf_free(t, &b);
			wt_bdev_close(&bdev);
		}
	}
	if (!t->wedged)
		kfree(tio);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Abandoned bios outliving their request, memory, buffer and target  */

/*
 * A held transfer whose absolute deadline has already passed times out at
 * once; then its request and memory are deleted, the caller's buffer is
 * freed and the target closed (or deleted) while the bio is still held.
 * Releasing the bio afterwards must not touch any of them (KASAN and
 * kmemleak on the debug lane).
 */
static int wt_abandon_run(struct wt *t, bool write, bool delete)
{
	WDF_REQUEST_SEND_OPTIONS opt;
	WDFREQUEST request = NULL;
	WDFMEMORY memory = NULL;
	WDFIOTARGET target = NULL;
	struct wdfio_tb_stats st;
	struct wt_tio *tio = NULL;
	struct wt_buf b = { };
	NTSTATUS status;
	u64 real;
	ktime_t t0;

	if (!wt_tb_reset(t))
		return 0;
	tio = kzalloc(sizeof(*tio), GFP_KERNEL);
	if (!T_TRUE(t, tio, "out of memory") ||
	    wt_buf_alloc(t, &b, WT_TO_LEN, true, 0))
		goto out;
	wt_io_reset(&tio->io);
	if (!NT_SUCCESS(wt_open_rw(t, &wt_devs[WT_TB0], &target)) ||
	    !NT_SUCCESS(wt_request(t, target, &request)))
		goto out;
	status = WdfMemoryCreatePreallocated(WDF_NO_OBJECT_ATTRIBUTES, b.data,
					     WT_TO_LEN, &memory);
	if (!T_STATUS(t, STATUS_SUCCESS, status)) {
		memory = NULL;
		goto out;
	}
	wt_fill(b.data, WT_TO_LEN, WT_TO_OFF, wt_next_seed());
	if (!T_STATUS(t, STATUS_SUCCESS,
		      wt_format_rw(target, request, write, memory, NULL,
				   WT_TO_OFF)))
		goto out;
	WdfRequestSetCompletionRoutine(request, wt_tio_complete, tio);

	wt_set_where(t, "%s held, absolute deadline 1 s in the past",
		     write ? "write" : "read");
	wdfio_tb_set_hold(WT_TB, true);
	WDF_REQUEST_SEND_OPTIONS_INIT(&opt, 0);
	/* An absolute time of 1 s ago (-1000 ms from now) */
	WDF_REQUEST_SEND_OPTIONS_SET_TIMEOUT(&opt, wt_abs_timeout(0, &real) -
					     WDF_ABS_TIMEOUT_IN_SEC(1));
	t0 = ktime_get();
	if (!T_TRUE(t, WdfRequestSend(request, target, &opt), "send: 0x%08X",
		    (u32)WdfRequestGetStatus(request)))
		goto out;
	if (!wt_io_wait(t, &tio->io))
		goto out;
	T_STATUS(t, STATUS_IO_TIMEOUT, tio->io.params.IoStatus.Status);
	T_TRUE(t, ktime_ms_delta(tio->done_at, t0) <= WT_TO_SLACK_MS,
	       "a past deadline fired after %lld ms",
	       ktime_ms_delta(tio->done_at, t0));
	/* Whether the bio was submitted before the timeout won is open */
	msleep(50);
	T_LE(t, 1, wdfio_tb_held(WT_TB));

	wt_set_where(t, "%s abandoned: request, memory, buffer, target gone",
		     write ? "write" : "read");
	WdfObjectDelete(request);
	request = NULL;
	WdfObjectDelete(memory);
	memory = NULL;
	wt_buf_free(t, &b);
	if (delete) {
		wt_delete_target(t, target);
	} else {
		wt_close(t, target);
		T_EQ(t, WdfIoTargetClosed, WdfIoTargetGetState(target));
		wt_delete_target(t, target);
	}
	target = NULL;
	if (t->wedged)
		goto out;

	wt_set_where(t, "abandoned %s released", write ? "write" : "read");
	wdfio_tb_set_hold(WT_TB, false);
	wdfio_tb_release(WT_TB, 0, WDFIO_TB_ORDER_FIFO, WDFIO_TB_STS_OK);
	msleep(100);
	if (wt_tb_stats(t, &st)) {
		T_EQ(t, st.bios_seen, st.bios_completed);
		T_EQ(t, 0, st.held);
		T_EQ(t, 0, st.inflight);
	}
	T_EQ(t, 1, atomic_read(&tio->io.calls));
out:
	wt_set_where(t, "cleanup");
	if (!t->wedged)
		wt_tb_reset(t);
	wt_delete(t, request);
	wt_delete(t, memory);
	wt_delete_target(t, target);
	if (!t->wedged) {
		wt_buf_free(t, &b);
		kfree(tio);
	}
	return 0;
}

int wt_timeout_abandon(struct wt *t)
{
	unsigned int i;

	for (i = 0; i < 4 && !t->failures && !t->skipped; i++)
		wt_abandon_run(t, i & 1, i & 2);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Synchronous IOCTLs with a timeout                                   */

struct wt_to_dsm {
	DEVICE_MANAGE_DATA_SET_ATTRIBUTES hdr;
	ULONG pad;
	DEVICE_DATA_SET_RANGE range;
};

/*
 * Flush and trim held in wdfio_tb0 with a 50 ms timeout return
 * STATUS_IO_TIMEOUT by the deadline; their input is freed before the bios
 * are released. A length query (no bio) with a timeout succeeds.
 */
int wt_timeout_ioctl(struct wt *t)
{
	WDF_MEMORY_DESCRIPTOR in, out;
	WDF_REQUEST_SEND_OPTIONS opt;
	GET_LENGTH_INFORMATION *len = NULL;
	WDFIOTARGET target = NULL;
	struct wdfio_tb_stats st;
	struct wt_to_dsm *dsm = NULL;
	ULONG_PTR bytes;
	NTSTATUS status;
	ktime_t t0, t1;

	if (!wt_tb_reset(t))
		return 0;
	dsm = kzalloc(sizeof(*dsm), GFP_KERNEL);
	len = kzalloc(sizeof(*len), GFP_KERNEL);
	if (!T_TRUE(t, dsm && len, "out of memory"))
		goto out;
	if (!NT_SUCCESS(wt_open_rw(t, &wt_devs[WT_TB0], &target)))
		goto out;
	WDF_REQUEST_SEND_OPTIONS_INIT(&opt, 0);
	WDF_REQUEST_SEND_OPTIONS_SET_TIMEOUT(&opt,
					     WDF_REL_TIMEOUT_IN_MS(WT_TO_MS));
	wdfio_tb_set_hold(WT_TB, true);

	wt_set_where(t, "IOCTL_DISK_GET_LENGTH_INFO, 50 ms timeout");
	WDF_MEMORY_DESCRIPTOR_INIT_BUFFER(&out, len, sizeof(*len));
	bytes = 0;
	status = wt_sync_ioctl(t, target, NULL, IOCTL_DISK_GET_LENGTH_INFO,
			       NULL, &out, &opt, &bytes);
	T_STATUS(t, STATUS_SUCCESS, status);
	T_EQ(t, sizeof(*len), bytes);
	T_EQ(t, wt_devs[WT_TB0].size, len->Length.QuadPart);

	wt_set_where(t, "IOCTL_DISK_FLUSH_CACHE held, 50 ms timeout");
	bytes = 1;
	t0 = ktime_get();
	status = wt_sync_ioctl(t, target, NULL, IOCTL_DISK_FLUSH_CACHE, NULL,
			       NULL, &opt, &bytes);
	t1 = ktime_get();
	if (t->wedged)
		goto out;
	T_STATUS(t, STATUS_IO_TIMEOUT, status);
	T_EQ(t, 0, bytes);
	wt_deadline_ok(t, t0, t1, WT_TO_MS);

	wt_set_where(t, "DSM trim held, 50 ms timeout");
	dsm->hdr.Size = sizeof(dsm->hdr);
	dsm->hdr.Action = DeviceDsmAction_Trim;
	dsm->hdr.DataSetRangesOffset = offsetof(struct wt_to_dsm, range);
	dsm->hdr.DataSetRangesLength = sizeof(dsm->range);
	dsm->range.StartingOffset = WT_TO_OFF;
	dsm->range.LengthInBytes = SZ_64K;
	WDF_MEMORY_DESCRIPTOR_INIT_BUFFER(&in, dsm, sizeof(*dsm));
	bytes = 1;
	t0 = ktime_get();
	status = wt_sync_ioctl(t, target, NULL,
			       IOCTL_STORAGE_MANAGE_DATA_SET_ATTRIBUTES, &in,
			       NULL, &opt, &bytes);
	t1 = ktime_get();
	if (t->wedged)
		goto out;
	T_STATUS(t, STATUS_IO_TIMEOUT, status);
	T_EQ(t, 0, bytes);
	wt_deadline_ok(t, t0, t1, WT_TO_MS);
	/* The input may go now: the held bios must not need it */
	kfree(dsm);
	dsm = NULL;

	wt_set_where(t, "flush and trim released after their timeouts");
	msleep(50);
	T_LE(t, 2, wdfio_tb_held(WT_TB));
	wdfio_tb_set_hold(WT_TB, false);
	wdfio_tb_release(WT_TB, 0, WDFIO_TB_ORDER_FIFO, WDFIO_TB_STS_OK);
	msleep(100);
	if (wt_tb_stats(t, &st)) {
		T_EQ(t, st.bios_seen, st.bios_completed);
		T_EQ(t, 0, st.bios_failed);
		T_EQ(t, 1, st.flushes);
		T_EQ(t, SZ_64K, st.bytes_discarded);
	}
out:
	wt_set_where(t, "cleanup");
	if (!t->wedged)
		wt_tb_reset(t);
	wt_delete_target(t, target);
	if (!t->wedged) {
		kfree(dsm);
		kfree(len);
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Never early                                                         */

#define WT_EARLY_ROUNDS	200

/*
 * Short relative timeouts (1..10 ms, not multiples of a jiffy) on held
 * reads: each completion must come no earlier than its timeout after the
 * send, whatever the phase of the jiffy the send happened in.
 */
int wt_timeout_never_early(struct wt *t)
{
	static const unsigned int us_list[] = { 1000, 2500, 4000, 5000, 9000 };
	WDFREQUEST request = NULL;
	WDFMEMORY memory = NULL;
	WDFIOTARGET target = NULL;
	struct wt_tio *tio = NULL;
	struct wt_buf b = { };
	unsigned int i, early = 0;
	s64 worst = S64_MAX;
	unsigned int worst_us = 0;
	NTSTATUS status;

	if (!wt_tb_reset(t))
		return 0;
	tio = kzalloc(sizeof(*tio), GFP_KERNEL);
	if (!T_TRUE(t, tio, "out of memory") ||
	    wt_buf_alloc(t, &b, SZ_4K, false, 0))
		goto out;
	if (!NT_SUCCESS(wt_open_rw(t, &wt_devs[WT_TB0], &target)) ||
	    !NT_SUCCESS(wt_request(t, target, &request)))
		goto out;
	status = WdfMemoryCreatePreallocated(WDF_NO_OBJECT_ATTRIBUTES, b.data,
					     SZ_4K, &memory);
	if (!T_STATUS(t, STATUS_SUCCESS, status)) {
		memory = NULL;
		goto out;
	}
	wdfio_tb_set_hold(WT_TB, true);
	for (i = 0; i < WT_EARLY_ROUNDS; i++) {
		unsigned int us = us_list[i % ARRAY_SIZE(us_list)];
		WDF_REQUEST_REUSE_PARAMS reuse;
		WDF_REQUEST_SEND_OPTIONS opt;
		ktime_t t0;
		s64 got;

		wt_set_where(t, "round %u, %u us timeout", i, us);
		WDF_REQUEST_REUSE_PARAMS_INIT(&reuse,
					      WDF_REQUEST_REUSE_NO_FLAGS,
					      STATUS_SUCCESS);
		if (!T_STATUS(t, STATUS_SUCCESS,
			      WdfRequestReuse(request, &reuse)) ||
		    !T_STATUS(t, STATUS_SUCCESS,
			      wt_format_rw(target, request, false, memory,
					   NULL, WT_TO_OFF)))
			goto out;
		wt_io_reset(&tio->io);
		WdfRequestSetCompletionRoutine(request, wt_tio_complete, tio);
		WDF_REQUEST_SEND_OPTIONS_INIT(&opt, 0);
		WDF_REQUEST_SEND_OPTIONS_SET_TIMEOUT(&opt,
						     WDF_REL_TIMEOUT_IN_US(us));
		/* Spread the sends over the phases of a jiffy */
		usleep_range(100 + 397 * i % 4000, 200 + 397 * i % 4000);
		t0 = ktime_get();
		if (!T_TRUE(t, WdfRequestSend(request, target, &opt),
			    "send: 0x%08X", (u32)WdfRequestGetStatus(request)) ||
		    !wt_io_wait(t, &tio->io))
			goto out;
		T_STATUS(t, STATUS_IO_TIMEOUT, tio->io.params.IoStatus.Status);
		got = ktime_us_delta(tio->done_at, t0);
		if (got < us) {
			early++;
			if (got - us < worst) {
				worst = got - us;
				worst_us = us;
			}
		}
		wdfio_tb_release(WT_TB, 0, WDFIO_TB_ORDER_FIFO,
				 WDFIO_TB_STS_OK);
	}
	wt_set_where(t, "%u rounds", WT_EARLY_ROUNDS);
	T_TRUE(t, !early,
	       "%u of %u timeouts fired early; worst: %lld us before a %u us timeout",
	       early, WT_EARLY_ROUNDS, -worst, worst_us);
out:
	wt_set_where(t, "cleanup");
	if (!t->wedged)
		wt_tb_reset(t);
	wt_delete(t, request);
	wt_delete(t, memory);
	wt_delete_target(t, target);
	if (!t->wedged) {
		wt_buf_free(t, &b);
		kfree(tio);
	}
	return 0;
}
