// SPDX-License-Identifier: GPL-2.0
/*
 * I/O target states (docs/semantics.md, "Target states and new sends"):
 * every Stop action and both Purge actions with pended and in-flight
 * requests, Start draining in send order, timeouts of pended requests,
 * Close/CloseForQueryRemove with I/O, IGNORE_TARGET_STATE, ChangeTarget,
 * and the module reference wdfio holds while a target has I/O.
 */
#include <linux/blkdev.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include "util.h"
#include "wt_cases.h"

#define WT_ST_LEN	SZ_4K
#define WT_ST_OFF	(3 * SZ_1M)
#define WT_ST_NR	8
/* Long enough never to fire in these cases */
#define WT_ST_LONG	WDF_REL_TIMEOUT_IN_SEC(20)

struct wt_st;

struct wt_st_slot {
	struct wt_tio tio;
	struct wt_st *st;
	int seq;
};

/**
 * struct wt_st - one case: a target on wdfio_tb0 and WT_ST_NR requests
 * @r: the target, the requests, their buffers and a raw open of the device;
 *	request i reads or writes WT_ST_OFF + i * WT_ST_LEN
 * @slot: their completion contexts
 * @seq: completion counter, gives each slot its completion rank
 * @seed: pattern on the device at setup
 */
struct wt_st {
	struct wt_tbr r;
	struct wt_st_slot slot[WT_ST_NR];
	atomic_t seq;
	u32 seed;
};

static EVT_WDF_REQUEST_COMPLETION_ROUTINE wt_st_complete;

static VOID wt_st_complete(WDFREQUEST Request, WDFIOTARGET Target,
			   PWDF_REQUEST_COMPLETION_PARAMS Params,
			   WDFCONTEXT Context)
{
	struct wt_st_slot *s = Context;

	s->seq = atomic_inc_return(&s->st->seq);
	wt_tio_complete(Request, Target, Params, &s->tio);
}

static u64 wt_st_off(unsigned int i)
{
	return WT_ST_OFF + (u64)i * WT_ST_LEN;
}

static struct wt_st *wt_st_setup(struct wt *t)
{
	struct wt_st *c = kzalloc(sizeof(*c), GFP_KERNEL);
	unsigned int i;

	if (!T_TRUE(t, c, "out of memory"))
		return NULL;
	for (i = 0; i < WT_ST_NR; i++) {
		c->slot[i].st = c;
		wt_io_reset(&c->slot[i].tio.io);
	}
	if (!wt_tbr_open(t, &c->r, WT_ST_NR, WT_ST_LEN))
		return c;
	c->seed = wt_next_seed();
	/* Then clear the counters the fill moved */
	wt_raw_fill(t, &c->r.bdev, WT_ST_OFF, WT_ST_NR * WT_ST_LEN, c->seed);
	wt_tb_reset(t);
	return c;
}

static bool wt_st_ready(struct wt *t, struct wt_st *c)
{
	return c && c->r.memory[WT_ST_NR - 1] && !t->failures;
}

static void wt_st_teardown(struct wt *t, struct wt_st *c)
{
	if (!c)
		return;
	wt_tbr_close(t, &c->r);
	if (!t->wedged)
		kfree(c);
}

/* Reuse and format request @i as a read (poisoned buffer) of its block */
static bool wt_st_format(struct wt *t, struct wt_st *c, unsigned int i)
{
	WDF_REQUEST_REUSE_PARAMS reuse;

	WDF_REQUEST_REUSE_PARAMS_INIT(&reuse, WDF_REQUEST_REUSE_NO_FLAGS,
				      STATUS_SUCCESS);
	if (!T_STATUS(t, STATUS_SUCCESS, WdfRequestReuse(c->r.request[i],
							 &reuse)))
		return false;
	wt_io_reset(&c->slot[i].tio.io);
	c->slot[i].seq = 0;
	memset(c->r.b[i].data, WT_POISON_BYTE, WT_ST_LEN);
	if (!T_STATUS(t, STATUS_SUCCESS,
		      wt_format_rw(c->r.target, c->r.request[i], false,
				   c->r.memory[i], NULL, wt_st_off(i))))
		return false;
	WdfRequestSetCompletionRoutine(c->r.request[i], wt_st_complete,
				       &c->slot[i]);
	return true;
}

static bool wt_st_send(struct wt *t, struct wt_st *c, unsigned int i,
		       ULONG flags, LONGLONG timeout)
{
	WDF_REQUEST_SEND_OPTIONS opt;

	if (!wt_st_format(t, c, i))
		return false;
	WDF_REQUEST_SEND_OPTIONS_INIT(&opt, flags);
	if (timeout)
		WDF_REQUEST_SEND_OPTIONS_SET_TIMEOUT(&opt, timeout);
	return T_TRUE(t, WdfRequestSend(c->r.request[i], c->r.target, &opt),
		      "send %u: 0x%08X", i,
		      (u32)WdfRequestGetStatus(c->r.request[i]));
}

static int wt_st_calls(struct wt_st *c, unsigned int i)
{
	return atomic_read(&c->slot[i].tio.io.calls);
}

/* Wait for request @i and check it ended @status (and its data) */
static bool wt_st_done(struct wt *t, struct wt_st *c, unsigned int i,
		       NTSTATUS status)
{
	struct wt_io *io = &c->slot[i].tio.io;

	if (!wt_io_wait(t, io))
		return false;
	T_EQ(t, 1, atomic_read(&io->calls));
	if (!wt_check_status(t, __FILE__, __LINE__, "request status",
			     status, io->params.IoStatus.Status))
		return T_FAIL(t, "(request %u)", i);
	if (NT_SUCCESS(status)) {
		T_EQ(t, WT_ST_LEN, io->params.IoStatus.Information);
		return wt_verify(t, c->r.b[i].data, WT_ST_LEN, wt_st_off(i),
				 c->seed, "read");
	}
	T_EQ(t, 0, io->params.IoStatus.Information);
	return wt_verify_byte(t, c->r.b[i].data, WT_ST_LEN, WT_POISON_BYTE,
			      "buffer of a failed read");
}

/* Release every held bio, successfully */
static bool wt_st_release(struct wt *t, unsigned int n)
{
	wdfio_tb_set_hold(WT_TB, false);
	return T_EQ(t, n, wdfio_tb_release(WT_TB, 0, WDFIO_TB_ORDER_FIFO,
					   WDFIO_TB_STS_OK));
}

/* ------------------------------------------------------------------ */
/* Target calls that wait, on a kthread of their own                   */

enum wt_bg_op { WT_BG_STOP, WT_BG_PURGE, WT_BG_CLOSE, WT_BG_CLOSE_QR };

struct wt_bg {
	struct completion done;
	WDFIOTARGET target;
	enum wt_bg_op op;
	int action;
};

static int wt_bg_fn(void *arg)
{
	struct wt_bg *bg = arg;

	switch (bg->op) {
	case WT_BG_STOP:
		WdfIoTargetStop(bg->target, bg->action);
		break;
	case WT_BG_PURGE:
		WdfIoTargetPurge(bg->target, bg->action);
		break;
	case WT_BG_CLOSE:
		WdfIoTargetClose(bg->target);
		break;
	case WT_BG_CLOSE_QR:
		WdfIoTargetCloseForQueryRemove(bg->target);
		break;
	}
	complete_all(&bg->done);
	return 0;
}

/* Start @op; NULL (recorded) on failure. Free with wt_bg_free. */
static struct wt_bg *wt_bg_start(struct wt *t, WDFIOTARGET target,
				 enum wt_bg_op op, int action)
{
	struct wt_bg *bg = kzalloc(sizeof(*bg), GFP_KERNEL);
	struct task_struct *task;

	if (!T_TRUE(t, bg, "out of memory"))
		return NULL;
	init_completion(&bg->done);
	bg->target = target;
	bg->op = op;
	bg->action = action;
	task = kthread_run(wt_bg_fn, bg, "wdfio_test_bg");
	if (!T_TRUE(t, !IS_ERR(task), "kthread_run: %ld", PTR_ERR(task))) {
		kfree(bg);
		return NULL;
	}
	return bg;
}

/* Has it returned within @ms? */
static bool wt_bg_returned(struct wt_bg *bg, unsigned int ms)
{
	return wait_for_completion_timeout(&bg->done, msecs_to_jiffies(ms));
}

/* Bounded wait for the return; wedged (leaked) on timeout */
static bool wt_bg_wait(struct wt *t, struct wt_bg *bg)
{
	if (wt_bg_returned(bg, WT_TIMEOUT_S * 1000))
		return true;
	t->wedged = true;
	return T_FAIL(t, "target call did not return within %d s",
		      WT_TIMEOUT_S);
}

static void wt_bg_free(struct wt *t, struct wt_bg *bg)
{
	if (!t->wedged)
		kfree(bg);
}

/* A case ends: release what the background call still waits for, then go */
static void wt_bg_finish(struct wt *t, struct wt_bg *bg)
{
	if (bg && !t->wedged && !wt_bg_returned(bg, 0)) {
		wt_tb_reset(t);
		wt_bg_wait(t, bg);
	}
	wt_bg_free(t, bg);
}

/* Poll (bounded) until the target is in @state */
static bool wt_st_wait_state(struct wt *t, WDFIOTARGET target,
			     WDF_IO_TARGET_STATE state)
{
	unsigned int waited;

	for (waited = 0; waited < WT_TIMEOUT_S * 1000 &&
	     WdfIoTargetGetState(target) != state; waited++)
		usleep_range(1000, 2000);
	return T_EQ(t, state, WdfIoTargetGetState(target));
}

/* ------------------------------------------------------------------ */
/* Stop                                                                */

static const char * const wt_stop_names[] = {
	[WdfIoTargetCancelSentIo] = "WdfIoTargetCancelSentIo",
	[WdfIoTargetWaitForSentIoToComplete] =
		"WdfIoTargetWaitForSentIoToComplete",
	[WdfIoTargetLeaveSentIoPending] = "WdfIoTargetLeaveSentIoPending",
};

/*
 * Requests 0 (untimed) and 1 (timed) in flight, held; Stop(@action);
 * requests 2 and 3 pended; release; Start sends 2 and 3.
 */
static int wt_stop_run(struct wt *t, WDF_IO_TARGET_SENT_IO_ACTION action)
{
	struct wt_st *c = wt_st_setup(t);
	struct wdfio_tb_stats st;
	struct wt_bg *bg = NULL;
	bool cancel = action == WdfIoTargetCancelSentIo;
	bool leave = action == WdfIoTargetLeaveSentIoPending;
	unsigned int i;

	if (!wt_st_ready(t, c))
		goto out;
	wt_set_where(t, "%s: two reads held", wt_stop_names[action]);
	wdfio_tb_set_hold(WT_TB, true);
	if (!wt_st_send(t, c, 0, 0, 0) || !wt_st_send(t, c, 1, 0, WT_ST_LONG) ||
	    !wt_tb_wait_held(t, 2))
		goto out;
	T_EQ(t, WdfIoTargetStarted, WdfIoTargetGetState(c->r.target));

	wt_set_where(t, "%s running, two reads held", wt_stop_names[action]);
	bg = wt_bg_start(t, c->r.target, WT_BG_STOP, action);
	if (!bg || !wt_st_wait_state(t, c->r.target, WdfIoTargetStopped))
		goto out;
	if (leave) {
		T_TRUE(t, wt_bg_returned(bg, 10000),
		       "Stop(LeaveSentIoPending) did not return at once");
	} else {
		/* The untimed bio cannot be cancelled: Stop waits for it */
		T_TRUE(t, !wt_bg_returned(bg, 500),
		       "Stop returned while an untimed bio was held");
	}
	if (cancel) {
		if (!wt_st_done(t, c, 1, STATUS_CANCELLED))
			goto out;
	} else {
		msleep(50);
		T_EQ(t, 0, wt_st_calls(c, 1));
	}
	T_EQ(t, 0, wt_st_calls(c, 0));

	wt_set_where(t, "%s: two reads sent to the stopped target",
		     wt_stop_names[action]);
	if (!wt_st_send(t, c, 2, 0, 0) || !wt_st_send(t, c, 3, 0, WT_ST_LONG))
		goto out;
	T_STATUS(t, STATUS_PENDING, WdfRequestGetStatus(c->r.request[2]));
	T_STATUS(t, STATUS_PENDING, WdfRequestGetStatus(c->r.request[3]));
	msleep(50);
	T_EQ(t, 2, wdfio_tb_held(WT_TB));
	T_EQ(t, WdfIoTargetStopped, WdfIoTargetGetState(c->r.target));

	wt_set_where(t, "%s: held reads released", wt_stop_names[action]);
	if (!wt_st_release(t, 2))
		goto out;
	if (!wt_bg_wait(t, bg))
		goto out;
	wt_st_done(t, c, 0, STATUS_SUCCESS);
	if (!cancel)
		wt_st_done(t, c, 1, STATUS_SUCCESS);
	msleep(50);
	T_EQ(t, 0, wt_st_calls(c, 2));
	T_EQ(t, 0, wt_st_calls(c, 3));
	T_EQ(t, WdfIoTargetStopped, WdfIoTargetGetState(c->r.target));
	if (wt_tb_stats(t, &st))
		T_EQ(t, 2, st.bios_seen);

	wt_set_where(t, "%s: WdfIoTargetStart", wt_stop_names[action]);
	T_STATUS(t, STATUS_SUCCESS, WdfIoTargetStart(c->r.target));
	T_EQ(t, WdfIoTargetStarted, WdfIoTargetGetState(c->r.target));
	for (i = 2; i < 4; i++)
		wt_st_done(t, c, i, STATUS_SUCCESS);
	if (wt_tb_stats(t, &st))
		T_EQ(t, 4, st.bios_seen);
	for (i = 0; i < 4; i++)
		wt_buf_guards_ok(t, &c->r.b[i], "buffer");
out:
	wt_bg_finish(t, bg);
	wt_st_teardown(t, c);
	return 0;
}

int wt_state_stop_leave(struct wt *t)
{
	return wt_stop_run(t, WdfIoTargetLeaveSentIoPending);
}

int wt_state_stop_wait(struct wt *t)
{
	return wt_stop_run(t, WdfIoTargetWaitForSentIoToComplete);
}

int wt_state_stop_cancel(struct wt *t)
{
	return wt_stop_run(t, WdfIoTargetCancelSentIo);
}

/* Pended requests go out in send order at Start */
int wt_state_start_order(struct wt *t)
{
	struct wt_st *c = wt_st_setup(t);
	unsigned int i;

	if (!wt_st_ready(t, c))
		goto out;
	wt_set_where(t, "%u reads pended on a stopped target", WT_ST_NR);
	WdfIoTargetStop(c->r.target, WdfIoTargetLeaveSentIoPending);
	T_EQ(t, WdfIoTargetStopped, WdfIoTargetGetState(c->r.target));
	for (i = 0; i < WT_ST_NR; i++)
		if (!wt_st_send(t, c, i, 0, (i & 1) ? WT_ST_LONG : 0))
			goto out;
	wt_set_where(t, "Start, bios held, released FIFO inline");
	wdfio_tb_set_hold(WT_TB, true);
	T_STATUS(t, STATUS_SUCCESS, WdfIoTargetStart(c->r.target));
	if (!wt_tb_wait_held(t, WT_ST_NR))
		goto out;
	if (!wt_st_release(t, WT_ST_NR))
		goto out;
	for (i = 0; i < WT_ST_NR; i++) {
		if (!wt_st_done(t, c, i, STATUS_SUCCESS))
			goto out;
		T_TRUE(t, c->slot[i].seq == i + 1,
		       "request %u (sent %u) completed as number %d", i, i + 1,
		       c->slot[i].seq);
	}
out:
	wt_st_teardown(t, c);
	return 0;
}

/* Timeouts run while pended; untimed pended requests wait for Start */
int wt_state_pended_timeout(struct wt *t)
{
	struct wt_st *c = wt_st_setup(t);
	struct wdfio_tb_stats st;
	ktime_t t0;
	s64 us;

	if (!wt_st_ready(t, c))
		goto out;
	wt_set_where(t, "50 ms read and untimed read pended");
	WdfIoTargetStop(c->r.target, WdfIoTargetLeaveSentIoPending);
	t0 = ktime_get();
	if (!wt_st_send(t, c, 0, 0, WDF_REL_TIMEOUT_IN_MS(50)) ||
	    !wt_st_send(t, c, 1, 0, 0))
		goto out;
	if (!wt_st_done(t, c, 0, STATUS_IO_TIMEOUT))
		goto out;
	us = ktime_us_delta(c->slot[0].tio.done_at, t0);
	T_TRUE(t, us >= 50000 && us <= 2050000,
	       "pended request timed out %lld us after the send (50 ms)", us);
	msleep(50);
	T_EQ(t, 0, wt_st_calls(c, 1));
	T_EQ(t, WdfIoTargetStopped, WdfIoTargetGetState(c->r.target));

	wt_set_where(t, "synchronous read, 50 ms timeout, stopped target");
	{
		WDF_MEMORY_DESCRIPTOR desc;
		WDF_REQUEST_SEND_OPTIONS opt;
		LONGLONG off = wt_st_off(2);
		ULONG_PTR bytes = 0;
		NTSTATUS status;

		memset(c->r.b[2].data, WT_POISON_BYTE, WT_ST_LEN);
		WDF_MEMORY_DESCRIPTOR_INIT_BUFFER(&desc, c->r.b[2].data,
						  WT_ST_LEN);
		WDF_REQUEST_SEND_OPTIONS_INIT(&opt, 0);
		WDF_REQUEST_SEND_OPTIONS_SET_TIMEOUT(&opt,
						     WDF_REL_TIMEOUT_IN_MS(50));
		t0 = ktime_get();
		status = wt_sync_read(t, c->r.target, NULL, &desc, &off, &opt,
				      &bytes);
		us = ktime_us_delta(ktime_get(), t0);
		if (t->wedged)
			goto out;
		T_STATUS(t, STATUS_IO_TIMEOUT, status);
		T_EQ(t, 0, bytes);
		T_TRUE(t, us >= 50000 && us <= 2050000,
		       "pended synchronous read returned after %lld us (50 ms)",
		       us);
		wt_verify_byte(t, c->r.b[2].data, WT_ST_LEN, WT_POISON_BYTE,
			       "buffer of the timed-out synchronous read");
	}
	wt_set_where(t, "Start");
	T_STATUS(t, STATUS_SUCCESS, WdfIoTargetStart(c->r.target));
	wt_st_done(t, c, 1, STATUS_SUCCESS);
	msleep(50);
	T_EQ(t, 1, wt_st_calls(c, 0));
	if (wt_tb_stats(t, &st))
		T_EQ(t, 1, st.bios_seen);
out:
	wt_st_teardown(t, c);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Purge                                                               */

/*
 * Requests 0 (untimed) and 1 (timed) held in flight, 2 (untimed) and 3
 * (timed) pended on a stopped target; Purge(@action).
 */
static int wt_purge_run(struct wt *t, WDF_IO_TARGET_PURGE_IO_ACTION action)
{
	struct wt_st *c = wt_st_setup(t);
	bool wait = action == WdfIoTargetPurgeIoAndWait;
	struct wt_bg *bg = NULL;

	if (!wt_st_ready(t, c))
		goto out;
	wt_set_where(t, "purge %d: 2 in flight, 2 pended", action);
	wdfio_tb_set_hold(WT_TB, true);
	if (!wt_st_send(t, c, 0, 0, 0) || !wt_st_send(t, c, 1, 0, WT_ST_LONG) ||
	    !wt_tb_wait_held(t, 2))
		goto out;
	WdfIoTargetStop(c->r.target, WdfIoTargetLeaveSentIoPending);
	if (!wt_st_send(t, c, 2, 0, 0) || !wt_st_send(t, c, 3, 0, WT_ST_LONG))
		goto out;

	wt_set_where(t, "purge %d running", action);
	bg = wt_bg_start(t, c->r.target, WT_BG_PURGE, action);
	if (!bg)
		goto out;
	wt_st_done(t, c, 2, STATUS_WDF_DEVICE_REMOVED_NOT_SENT);
	wt_st_done(t, c, 3, STATUS_WDF_DEVICE_REMOVED_NOT_SENT);
	wt_st_done(t, c, 1, STATUS_CANCELLED);
	if (wait)
		T_TRUE(t, !wt_bg_returned(bg, 500),
		       "PurgeIoAndWait returned while an untimed bio was held");
	else
		T_TRUE(t, wt_bg_returned(bg, 10000),
		       "PurgeIo did not return at once");
	T_EQ(t, WdfIoTargetPurged, WdfIoTargetGetState(c->r.target));
	T_EQ(t, 0, wt_st_calls(c, 0));

	wt_set_where(t, "purge %d: send to the purged target", action);
	if (!wt_st_format(t, c, 4))
		goto out;
	T_SEND_FAILS(t, c->r.request[4], c->r.target, NULL,
		     STATUS_INVALID_DEVICE_STATE);
	T_EQ(t, 0, wt_st_calls(c, 4));

	wt_set_where(t, "purge %d: held bios released", action);
	if (!wt_st_release(t, 2) || !wt_bg_wait(t, bg))
		goto out;
	wt_st_done(t, c, 0, STATUS_SUCCESS);
	T_EQ(t, WdfIoTargetPurged, WdfIoTargetGetState(c->r.target));

	wt_set_where(t, "purge %d: Start, then send", action);
	T_STATUS(t, STATUS_SUCCESS, WdfIoTargetStart(c->r.target));
	T_EQ(t, WdfIoTargetStarted, WdfIoTargetGetState(c->r.target));
	if (wt_st_send(t, c, 4, 0, 0))
		wt_st_done(t, c, 4, STATUS_SUCCESS);
	if (wt_st_send(t, c, 2, 0, WT_ST_LONG))
		wt_st_done(t, c, 2, STATUS_SUCCESS);
out:
	wt_bg_finish(t, bg);
	wt_st_teardown(t, c);
	return 0;
}

int wt_state_purge_wait(struct wt *t)
{
	return wt_purge_run(t, WdfIoTargetPurgeIoAndWait);
}

int wt_state_purge_nowait(struct wt *t)
{
	return wt_purge_run(t, WdfIoTargetPurgeIo);
}

/* ------------------------------------------------------------------ */
/* Close                                                               */

static int wt_close_run(struct wt *t, bool query_remove)
{
	WDF_IO_TARGET_STATE closed = query_remove ?
		WdfIoTargetClosedForQueryRemove : WdfIoTargetClosed;
	const char *what = query_remove ? "CloseForQueryRemove" : "Close";
	struct wt_st *c = wt_st_setup(t);
	WDF_REQUEST_SEND_OPTIONS opt;
	struct wt_bg *bg = NULL;
	WDFREQUEST late = NULL;

	if (!wt_st_ready(t, c))
		goto out;
	wt_set_where(t, "%s: 2 in flight, 2 pended", what);
	wdfio_tb_set_hold(WT_TB, true);
	if (!wt_st_send(t, c, 0, 0, 0) || !wt_st_send(t, c, 1, 0, WT_ST_LONG) ||
	    !wt_tb_wait_held(t, 2))
		goto out;
	WdfIoTargetStop(c->r.target, WdfIoTargetLeaveSentIoPending);
	if (!wt_st_send(t, c, 2, 0, 0) || !wt_st_send(t, c, 3, 0, WT_ST_LONG) ||
	    !wt_st_format(t, c, 4))
		goto out;

	wt_set_where(t, "%s running", what);
	bg = wt_bg_start(t, c->r.target,
			 query_remove ? WT_BG_CLOSE_QR : WT_BG_CLOSE, 0);
	if (!bg)
		goto out;
	wt_st_done(t, c, 2, STATUS_WDF_DEVICE_REMOVED_NOT_SENT);
	wt_st_done(t, c, 3, STATUS_WDF_DEVICE_REMOVED_NOT_SENT);
	wt_st_done(t, c, 1, STATUS_CANCELLED);
	if (!wt_st_wait_state(t, c->r.target, closed))
		goto out;
	T_TRUE(t, !wt_bg_returned(bg, 500),
	       "%s returned while an untimed bio was held", what);
	T_EQ(t, 0, wt_st_calls(c, 0));

	wt_set_where(t, "%s: sends while closing", what);
	T_SEND_FAILS(t, c->r.request[4], c->r.target, NULL,
		     STATUS_INVALID_DEVICE_STATE);
	WDF_REQUEST_SEND_OPTIONS_INIT(&opt,
				      WDF_REQUEST_SEND_OPTION_IGNORE_TARGET_STATE);
	T_SEND_FAILS(t, c->r.request[4], c->r.target, &opt,
		     STATUS_INVALID_DEVICE_STATE);
	T_EQ(t, 0, wt_st_calls(c, 4));

	wt_set_where(t, "%s: held bios released", what);
	if (!wt_st_release(t, 2) || !wt_bg_wait(t, bg))
		goto out;
	wt_st_done(t, c, 0, STATUS_SUCCESS);
	T_EQ(t, closed, WdfIoTargetGetState(c->r.target));

	wt_set_where(t, "%s: after it returned", what);
	T_SEND_FAILS(t, c->r.request[4], c->r.target, &opt,
		     STATUS_INVALID_DEVICE_STATE);
	T_STATUS(t, STATUS_INVALID_DEVICE_STATE, WdfIoTargetStart(c->r.target));
	T_EQ(t, closed, WdfIoTargetGetState(c->r.target));
	T_STATUS(t, STATUS_INVALID_DEVICE_STATE,
		 WdfRequestCreate(WDF_NO_OBJECT_ATTRIBUTES, c->r.target, &late));
	T_STATUS(t, STATUS_INVALID_DEVICE_STATE,
		 wt_format_rw(c->r.target, c->r.request[5], false, c->r.memory[5],
			      NULL, wt_st_off(5)));
out:
	wt_bg_finish(t, bg);
	wt_st_teardown(t, c);
	return 0;
}

int wt_state_close(struct wt *t)
{
	return wt_close_run(t, false);
}

int wt_state_close_query_remove(struct wt *t)
{
	return wt_close_run(t, true);
}

/* ------------------------------------------------------------------ */
/* IGNORE_TARGET_STATE                                                 */

int wt_state_ignore(struct wt *t)
{
	const ULONG ignore = WDF_REQUEST_SEND_OPTION_IGNORE_TARGET_STATE;
	struct wt_st *c = wt_st_setup(t);
	struct wt_bg *bg = NULL;
	unsigned int i;

	if (!wt_st_ready(t, c))
		goto out;
	wt_set_where(t, "stopped: ignore-state send and normal send");
	wdfio_tb_set_hold(WT_TB, true);
	WdfIoTargetStop(c->r.target, WdfIoTargetLeaveSentIoPending);
	T_EQ(t, WdfIoTargetStopped, WdfIoTargetGetState(c->r.target));
	if (!wt_st_send(t, c, 0, ignore, 0) || !wt_tb_wait_held(t, 1) ||
	    !wt_st_send(t, c, 1, 0, 0))
		goto out;
	msleep(50);
	T_EQ(t, 1, wdfio_tb_held(WT_TB));
	if (!wt_st_send(t, c, 2, ignore, WT_ST_LONG) || !wt_tb_wait_held(t, 2))
		goto out;

	wt_set_where(t, "Stop(WaitForSentIoToComplete) with ignore-state I/O held");
	bg = wt_bg_start(t, c->r.target, WT_BG_STOP,
			 WdfIoTargetWaitForSentIoToComplete);
	if (!bg)
		goto out;
	T_TRUE(t, wt_bg_returned(bg, 10000),
	       "Stop(WaitForSentIoToComplete) waited for ignore-state I/O");
	if (!wt_bg_wait(t, bg))
		goto out;
	wt_bg_free(t, bg);
	wt_set_where(t, "Stop(CancelSentIo) with ignore-state I/O held");
	bg = wt_bg_start(t, c->r.target, WT_BG_STOP, WdfIoTargetCancelSentIo);
	if (!bg)
		goto out;
	T_TRUE(t, wt_bg_returned(bg, 10000),
	       "Stop(CancelSentIo) waited for ignore-state I/O");
	if (!wt_bg_wait(t, bg))
		goto out;
	wt_bg_free(t, bg);
	msleep(50);
	T_EQ(t, 0, wt_st_calls(c, 0));
	T_EQ(t, 0, wt_st_calls(c, 2));

	wt_set_where(t, "PurgeIoAndWait with ignore-state I/O held");
	bg = wt_bg_start(t, c->r.target, WT_BG_PURGE, WdfIoTargetPurgeIoAndWait);
	if (!bg)
		goto out;
	wt_st_done(t, c, 1, STATUS_WDF_DEVICE_REMOVED_NOT_SENT);
	T_TRUE(t, wt_bg_returned(bg, 10000),
	       "PurgeIoAndWait waited for ignore-state I/O");
	if (!wt_bg_wait(t, bg))
		goto out;
	wt_bg_free(t, bg);
	bg = NULL;
	msleep(50);
	T_EQ(t, 0, wt_st_calls(c, 0));
	T_EQ(t, 0, wt_st_calls(c, 2));
	T_EQ(t, WdfIoTargetPurged, WdfIoTargetGetState(c->r.target));

	wt_set_where(t, "purged: ignore-state send and normal send");
	if (!wt_st_send(t, c, 3, ignore, 0) || !wt_tb_wait_held(t, 3) ||
	    !wt_st_format(t, c, 4))
		goto out;
	T_SEND_FAILS(t, c->r.request[4], c->r.target, NULL,
		     STATUS_INVALID_DEVICE_STATE);

	wt_set_where(t, "ignore-state bios released");
	if (!wt_st_release(t, 3))
		goto out;
	wt_st_done(t, c, 0, STATUS_SUCCESS);
	wt_st_done(t, c, 2, STATUS_SUCCESS);
	wt_st_done(t, c, 3, STATUS_SUCCESS);

	wt_set_where(t, "closed: ignore-state send");
	if (!wt_st_format(t, c, 5))
		goto out;
	wt_close(t, c->r.target);
	T_EQ(t, WdfIoTargetClosed, WdfIoTargetGetState(c->r.target));
	{
		WDF_REQUEST_SEND_OPTIONS opt;

		WDF_REQUEST_SEND_OPTIONS_INIT(&opt, ignore);
		T_SEND_FAILS(t, c->r.request[5], c->r.target, &opt,
			     STATUS_INVALID_DEVICE_STATE);
	}
	for (i = 0; i < WT_ST_NR; i++)
		wt_buf_guards_ok(t, &c->r.b[i], "buffer");
	T_EQ(t, 0, wt_st_calls(c, 5));
out:
	wt_bg_finish(t, bg);
	wt_st_teardown(t, c);
	return 0;
}

/* ------------------------------------------------------------------ */
/* WdfRequestChangeTarget                                              */

#define WT_CT_OFF	(44 * SZ_1M)

int wt_state_change_target(struct wt *t)
{
	static const enum wt_dev_id devs[2] = { WT_NULLB0, WT_NULLB2 };
	WDFIOTARGET target[2] = { };
	struct wt_bdev bdev[2] = { };
	WDFREQUEST request = NULL;
	WDFMEMORY memory = NULL;
	struct wt_io *io = NULL;
	struct wt_buf b = { };
	u32 seed[2] = { wt_next_seed(), wt_next_seed() };
	unsigned int i, opened = 0;
	NTSTATUS status;

	for (i = 0; i < 2; i++) {
		if (wt_bdev_open(t, &wt_devs[devs[i]], &bdev[i]))
			goto out;
		opened++;
		if (!NT_SUCCESS(wt_open_rw(t, &wt_devs[devs[i]], &target[i])))
			goto out;
	}
	io = wt_io_alloc(t);
	if (!io || wt_buf_alloc(t, &b, SZ_4K, false, 0) ||
	    !NT_SUCCESS(wt_request(t, target[0], &request)))
		goto out;
	status = WdfMemoryCreatePreallocated(WDF_NO_OBJECT_ATTRIBUTES, b.data,
					     SZ_4K, &memory);
	if (!T_STATUS(t, STATUS_SUCCESS, status)) {
		memory = NULL;
		goto out;
	}
	for (i = 0; i < 4; i++) {
		unsigned int d = i & 1;
		bool write = i < 2;
		WDF_REQUEST_REUSE_PARAMS reuse;

		wt_set_where(t, "%s on %s", write ? "write" : "read",
			     wt_devs[devs[d]].path);
		WDF_REQUEST_REUSE_PARAMS_INIT(&reuse,
					      WDF_REQUEST_REUSE_NO_FLAGS,
					      STATUS_SUCCESS);
		if (!T_STATUS(t, STATUS_SUCCESS,
			      WdfRequestReuse(request, &reuse)))
			goto out;
		if (i) {
			/* Formatted for the other device: dropped */
			if (!T_STATUS(t, STATUS_SUCCESS,
				      wt_format_rw(target[!d], request, false,
						   memory, NULL, WT_CT_OFF)) ||
			    !T_STATUS(t, STATUS_SUCCESS,
				      WdfRequestChangeTarget(request,
							     target[d])))
				goto out;
			T_SEND_FAILS(t, request, target[d], NULL,
				     STATUS_REQUEST_NOT_ACCEPTED);
		}
		if (write)
			wt_fill(b.data, SZ_4K, WT_CT_OFF, seed[d]);
		else
			memset(b.data, WT_POISON_BYTE, SZ_4K);
		if (!T_STATUS(t, STATUS_SUCCESS,
			      wt_format_rw(target[d], request, write, memory,
					   NULL, WT_CT_OFF)))
			goto out;
		wt_io_reset(io);
		WdfRequestSetCompletionRoutine(request, wt_io_complete, io);
		if (!T_TRUE(t, WdfRequestSend(request, target[d], NULL),
			    "send: 0x%08X", (u32)WdfRequestGetStatus(request)) ||
		    !wt_io_wait(t, io))
			goto out;
		T_STATUS(t, STATUS_SUCCESS, io->params.IoStatus.Status);
		T_EQ(t, SZ_4K, io->params.IoStatus.Information);
		T_PTR(t, target[d], io->target);
		if (write)
			wt_raw_verify(t, &bdev[d], WT_CT_OFF, SZ_4K, seed[d]);
		else
			wt_verify(t, b.data, SZ_4K, WT_CT_OFF, seed[d],
				  "read back");
	}
out:
	wt_set_where(t, "cleanup");
	wt_delete(t, request);
	wt_delete(t, memory);
	for (i = 0; i < 2; i++)
		wt_delete_target(t, target[i]);
	wt_buf_free(t, &b);
	if (io)
		wt_io_free(t, io);
	for (i = 0; i < opened; i++)
		wt_bdev_close(&bdev[i]);
	return 0;
}

/* ------------------------------------------------------------------ */
/* The creating module is pinned while its target has I/O             */

int wt_state_module_pin(struct wt *t)
{
	struct wt_st *c = wt_st_setup(t);
	int idle, busy;
	unsigned int waited;

	if (!wt_st_ready(t, c))
		goto out;
	idle = module_refcount(THIS_MODULE);
	wt_set_where(t, "untimed read held (idle refcount %d)", idle);
	wdfio_tb_set_hold(WT_TB, true);
	if (!wt_st_send(t, c, 0, 0, 0) || !wt_tb_wait_held(t, 1))
		goto out;
	busy = module_refcount(THIS_MODULE);
	T_TRUE(t, busy > idle, "refcount %d with I/O in flight, %d idle",
	       busy, idle);
	if (!wt_st_release(t, 1) || !wt_st_done(t, c, 0, STATUS_SUCCESS))
		goto out;
	for (waited = 0; waited < 2000 &&
	     module_refcount(THIS_MODULE) != idle; waited++)
		usleep_range(1000, 2000);
	T_EQ(t, idle, module_refcount(THIS_MODULE));

	wt_set_where(t, "timed read pended on a stopped target");
	WdfIoTargetStop(c->r.target, WdfIoTargetLeaveSentIoPending);
	if (!wt_st_send(t, c, 1, 0, WT_ST_LONG))
		goto out;
	busy = module_refcount(THIS_MODULE);
	T_TRUE(t, busy > idle, "refcount %d with a pended request, %d idle",
	       busy, idle);
	T_STATUS(t, STATUS_SUCCESS, WdfIoTargetStart(c->r.target));
	if (!wt_st_done(t, c, 1, STATUS_SUCCESS))
		goto out;
	for (waited = 0; waited < 2000 &&
	     module_refcount(THIS_MODULE) != idle; waited++)
		usleep_range(1000, 2000);
	T_EQ(t, idle, module_refcount(THIS_MODULE));
out:
	wt_st_teardown(t, c);
	return 0;
}
