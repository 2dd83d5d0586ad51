// SPDX-License-Identifier: GPL-2.0
/*
 * WdfRequestCancelSentRequest (docs/semantics.md, "Timeouts and
 * cancellation"): before the send, while pended on a stopped target, in
 * flight with and without a timeout, after completion, and from the
 * completion routine of another request.
 */
#include <linux/blkdev.h>
#include <linux/delay.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include "util.h"
#include "wt_cases.h"
#include "../../kmod/hook.h"

#define WT_CN_LEN	SZ_4K
#define WT_CN_OFF	SZ_1M
#define WT_CN_NR	2

/**
 * struct wt_cn - one case: a target on wdfio_tb0 and two requests
 * @r: the target, the requests, their buffers and a raw open of the device
 * @tio: the requests' completion contexts
 */
struct wt_cn {
	struct wt_tbr r;
	struct wt_tio tio[WT_CN_NR];
};

static struct wt_cn *wt_cn_setup(struct wt *t)
{
	struct wt_cn *c = kzalloc(sizeof(*c), GFP_KERNEL);
	unsigned int i;

	if (!T_TRUE(t, c, "out of memory"))
		return NULL;
	for (i = 0; i < WT_CN_NR; i++)
		wt_io_reset(&c->tio[i].io);
	wt_tbr_open(t, &c->r, WT_CN_NR, WT_CN_LEN);
	return c;
}

static void wt_cn_teardown(struct wt *t, struct wt_cn *c)
{
	if (!c)
		return;
	wt_tbr_close(t, &c->r);
	if (!t->wedged)
		kfree(c);
}

/* Format request @i as a read (or write) of its buffer at its offset */
static bool wt_cn_format(struct wt *t, struct wt_cn *c, unsigned int i,
			 bool write)
{
	wt_io_reset(&c->tio[i].io);
	if (!T_STATUS(t, STATUS_SUCCESS,
		      wt_format_rw(c->r.target, c->r.request[i], write,
				   c->r.memory[i], NULL,
				   WT_CN_OFF + i * WT_CN_LEN)))
		return false;
	WdfRequestSetCompletionRoutine(c->r.request[i], wt_tio_complete,
				       &c->tio[i]);
	return true;
}

static bool wt_cn_send(struct wt *t, struct wt_cn *c, unsigned int i,
		       LONGLONG timeout)
{
	WDF_REQUEST_SEND_OPTIONS opt;

	WDF_REQUEST_SEND_OPTIONS_INIT(&opt, 0);
	if (timeout)
		WDF_REQUEST_SEND_OPTIONS_SET_TIMEOUT(&opt, timeout);
	return T_TRUE(t, WdfRequestSend(c->r.request[i], c->r.target, &opt),
		      "send %u: 0x%08X", i,
		      (u32)WdfRequestGetStatus(c->r.request[i]));
}

static bool wt_cn_ready(struct wt *t, struct wt_cn *c)
{
	return c && c->r.memory[WT_CN_NR - 1] && !t->failures;
}

/* Cancel under a reference, as KMDF requires for a request in flight */
static BOOLEAN wt_cancel_ref(WDFREQUEST request)
{
	BOOLEAN ret;

	WdfObjectReference(request);
	ret = WdfRequestCancelSentRequest(request);
	WdfObjectDereference(request);
	return ret;
}

int wt_cancel_before_send(struct wt *t)
{
	struct wt_cn *c = wt_cn_setup(t);
	WDF_REQUEST_REUSE_PARAMS reuse;
	WDF_REQUEST_SEND_OPTIONS opt;
	u32 seed = wt_next_seed();

	if (!wt_cn_ready(t, c))
		goto out;
	if (!wt_raw_fill(t, &c->r.bdev, WT_CN_OFF, WT_CN_LEN, seed))
		goto out;
	wt_set_where(t, "cancel of a formatted request never sent");
	if (!wt_cn_format(t, c, 0, false))
		goto out;
	memset(c->r.b[0].data, WT_POISON_BYTE, WT_CN_LEN);
	T_TRUE(t, !wt_cancel_ref(c->r.request[0]), "cancel returned TRUE");
	T_SEND_FAILS(t, c->r.request[0], c->r.target, NULL, STATUS_CANCELLED);
	wt_set_where(t, "second send after the cancel, with a timeout");
	WDF_REQUEST_SEND_OPTIONS_INIT(&opt, 0);
	WDF_REQUEST_SEND_OPTIONS_SET_TIMEOUT(&opt, WDF_REL_TIMEOUT_IN_SEC(10));
	T_SEND_FAILS(t, c->r.request[0], c->r.target, &opt, STATUS_CANCELLED);
	wt_set_where(t, "after a reformat without reuse");
	T_STATUS(t, STATUS_SUCCESS,
		 wt_format_rw(c->r.target, c->r.request[0], false, c->r.memory[0],
			      NULL, WT_CN_OFF));
	T_SEND_FAILS(t, c->r.request[0], c->r.target, NULL, STATUS_CANCELLED);
	T_EQ(t, 0, atomic_read(&c->tio[0].io.calls));
	T_EQ(t, 0, wdfio_tb_held(WT_TB));
	wt_verify_byte(t, c->r.b[0].data, WT_CN_LEN, WT_POISON_BYTE,
		       "buffer of the cancelled read");

	wt_set_where(t, "after WdfRequestReuse");
	WDF_REQUEST_REUSE_PARAMS_INIT(&reuse, WDF_REQUEST_REUSE_NO_FLAGS,
				      STATUS_SUCCESS);
	if (!T_STATUS(t, STATUS_SUCCESS,
		      WdfRequestReuse(c->r.request[0], &reuse)) ||
	    !wt_cn_format(t, c, 0, false) || !wt_cn_send(t, c, 0, 0) ||
	    !wt_io_wait(t, &c->tio[0].io))
		goto out;
	T_STATUS(t, STATUS_SUCCESS, c->tio[0].io.params.IoStatus.Status);
	T_EQ(t, WT_CN_LEN, c->tio[0].io.params.IoStatus.Information);
	wt_verify(t, c->r.b[0].data, WT_CN_LEN, WT_CN_OFF, seed, "read back");
out:
	wt_cn_teardown(t, c);
	return 0;
}

int wt_cancel_pended(struct wt *t)
{
	struct wt_cn *c = wt_cn_setup(t);
	struct wdfio_tb_stats st;
	unsigned int i;

	if (!wt_cn_ready(t, c))
		goto out;
	wt_set_where(t, "two reads pended on a stopped target");
	WdfIoTargetStop(c->r.target, WdfIoTargetLeaveSentIoPending);
	T_EQ(t, WdfIoTargetStopped, WdfIoTargetGetState(c->r.target));
	for (i = 0; i < WT_CN_NR; i++) {
		memset(c->r.b[i].data, WT_POISON_BYTE, WT_CN_LEN);
		if (!wt_cn_format(t, c, i, false) ||
		    !wt_cn_send(t, c, i, i ? WDF_REL_TIMEOUT_IN_SEC(20) : 0))
			goto out;
		T_STATUS(t, STATUS_PENDING, WdfRequestGetStatus(c->r.request[i]));
	}
	msleep(50);
	T_EQ(t, 0, atomic_read(&c->tio[0].io.calls));
	T_EQ(t, 0, atomic_read(&c->tio[1].io.calls));

	wt_set_where(t, "cancel of the pended requests");
	for (i = 0; i < WT_CN_NR; i++) {
		T_TRUE(t, wt_cancel_ref(c->r.request[i]),
		       "cancel of pended request %u returned FALSE", i);
		if (!wt_io_wait(t, &c->tio[i].io))
			goto out;
		T_STATUS(t, STATUS_CANCELLED,
			 c->tio[i].io.params.IoStatus.Status);
		T_EQ(t, 0, c->tio[i].io.params.IoStatus.Information);
		T_TRUE(t, !wt_cancel_ref(c->r.request[i]),
		       "second cancel of request %u returned TRUE", i);
	}
	wt_set_where(t, "after WdfIoTargetStart");
	T_STATUS(t, STATUS_SUCCESS, WdfIoTargetStart(c->r.target));
	T_EQ(t, WdfIoTargetStarted, WdfIoTargetGetState(c->r.target));
	msleep(100);
	for (i = 0; i < WT_CN_NR; i++) {
		T_EQ(t, 1, atomic_read(&c->tio[i].io.calls));
		T_STATUS(t, STATUS_CANCELLED,
			 WdfRequestGetStatus(c->r.request[i]));
		wt_verify_byte(t, c->r.b[i].data, WT_CN_LEN, WT_POISON_BYTE,
			       "buffer of a cancelled pended read");
	}
	if (wt_tb_stats(t, &st))
		T_EQ(t, 0, st.bios_seen);
out:
	wt_cn_teardown(t, c);
	return 0;
}

/*
 * A timed read held in the device: the cancel wins at once (TRUE,
 * STATUS_CANCELLED long before the 20 s timeout), the bio released later
 * does not touch the buffer. An untimed read: FALSE, it completes normally
 * with the data when released.
 */
int wt_cancel_inflight(struct wt *t)
{
	struct wt_cn *c = wt_cn_setup(t);
	u32 seed_dev = wt_next_seed(), seed_buf = wt_next_seed();
	ktime_t t0;

	if (!wt_cn_ready(t, c))
		goto out;
	if (!wt_raw_fill(t, &c->r.bdev, WT_CN_OFF, WT_CN_NR * WT_CN_LEN,
			 seed_dev))
		goto out;
	wt_set_where(t, "timed read (20 s) held, untimed read held");
	wdfio_tb_set_hold(WT_TB, true);
	wt_fill(c->r.b[0].data, WT_CN_LEN, WT_CN_OFF, seed_buf);
	memset(c->r.b[1].data, WT_POISON_BYTE, WT_CN_LEN);
	if (!wt_cn_format(t, c, 0, false) || !wt_cn_format(t, c, 1, false) ||
	    !wt_cn_send(t, c, 0, WDF_REL_TIMEOUT_IN_SEC(20)) ||
	    !wt_cn_send(t, c, 1, 0) || !wt_tb_wait_held(t, 2))
		goto out;

	wt_set_where(t, "cancel of the timed read in flight");
	t0 = ktime_get();
	T_TRUE(t, wt_cancel_ref(c->r.request[0]),
	       "cancel of a timed send in flight returned FALSE");
	if (!wt_io_wait(t, &c->tio[0].io))
		goto out;
	T_STATUS(t, STATUS_CANCELLED, c->tio[0].io.params.IoStatus.Status);
	T_EQ(t, 0, c->tio[0].io.params.IoStatus.Information);
	T_TRUE(t, ktime_ms_delta(c->tio[0].done_at, t0) < 5000,
	       "completed %lld ms after the cancel",
	       ktime_ms_delta(c->tio[0].done_at, t0));
	T_EQ(t, 2, wdfio_tb_held(WT_TB));

	wt_set_where(t, "cancel of the untimed read in flight");
	T_TRUE(t, !wt_cancel_ref(c->r.request[1]),
	       "cancel of an untimed bio in flight returned TRUE");
	msleep(100);
	T_EQ(t, 0, atomic_read(&c->tio[1].io.calls));
	T_STATUS(t, STATUS_PENDING, WdfRequestGetStatus(c->r.request[1]));

	wt_set_where(t, "both bios released");
	wdfio_tb_set_hold(WT_TB, false);
	T_EQ(t, 2, wdfio_tb_release(WT_TB, 0, WDFIO_TB_ORDER_FIFO,
				    WDFIO_TB_STS_OK));
	if (!wt_io_wait(t, &c->tio[1].io))
		goto out;
	msleep(100);
	T_STATUS(t, STATUS_SUCCESS, c->tio[1].io.params.IoStatus.Status);
	T_EQ(t, WT_CN_LEN, c->tio[1].io.params.IoStatus.Information);
	wt_verify(t, c->r.b[1].data, WT_CN_LEN, WT_CN_OFF + WT_CN_LEN, seed_dev,
		  "untimed read, completed after a failed cancel");
	T_EQ(t, 1, atomic_read(&c->tio[0].io.calls));
	T_EQ(t, 1, atomic_read(&c->tio[1].io.calls));
	T_STATUS(t, STATUS_CANCELLED, WdfRequestGetStatus(c->r.request[0]));
	wt_verify(t, c->r.b[0].data, WT_CN_LEN, WT_CN_OFF, seed_buf,
		  "buffer of the cancelled read after its bio ended");
	wt_buf_guards_ok(t, &c->r.b[0], "buffer of the cancelled read");
	wt_buf_guards_ok(t, &c->r.b[1], "buffer of the untimed read");
out:
	wt_cn_teardown(t, c);
	return 0;
}

int wt_cancel_after_completion(struct wt *t)
{
	struct wt_cn *c = wt_cn_setup(t);
	u32 seed = wt_next_seed();
	unsigned int i;

	if (!wt_cn_ready(t, c))
		goto out;
	if (!wt_raw_fill(t, &c->r.bdev, WT_CN_OFF, WT_CN_NR * WT_CN_LEN, seed))
		goto out;
	for (i = 0; i < WT_CN_NR; i++) {
		wt_set_where(t, "%s read completed", i ? "timed" : "untimed");
		if (!wt_cn_format(t, c, i, false) ||
		    !wt_cn_send(t, c, i, i ? WDF_REL_TIMEOUT_IN_SEC(20) : 0) ||
		    !wt_io_wait(t, &c->tio[i].io))
			goto out;
		T_STATUS(t, STATUS_SUCCESS,
			 c->tio[i].io.params.IoStatus.Status);
		T_TRUE(t, !wt_cancel_ref(c->r.request[i]),
		       "cancel after completion returned TRUE");
		T_STATUS(t, STATUS_SUCCESS, WdfRequestGetStatus(c->r.request[i]));
		T_EQ(t, WT_CN_LEN, WdfRequestGetInformation(c->r.request[i]));
		msleep(20);
		T_EQ(t, 1, atomic_read(&c->tio[i].io.calls));
		wt_verify(t, c->r.b[i].data, WT_CN_LEN, WT_CN_OFF + i * WT_CN_LEN,
			  seed, "read back");
	}
out:
	wt_cn_teardown(t, c);
	return 0;
}

/* A's completion routine cancels B, which is held with a timeout */
struct wt_cn_chain {
	struct wt_tio tio;
	WDFREQUEST other;
	BOOLEAN cancelled;
	int other_calls;
};

static EVT_WDF_REQUEST_COMPLETION_ROUTINE wt_cn_chain_complete;

static VOID wt_cn_chain_complete(WDFREQUEST Request, WDFIOTARGET Target,
				 PWDF_REQUEST_COMPLETION_PARAMS Params,
				 WDFCONTEXT Context)
{
	struct wt_cn_chain *ch = Context;

	WdfObjectReference(ch->other);
	ch->cancelled = WdfRequestCancelSentRequest(ch->other);
	WdfObjectDereference(ch->other);
	wt_tio_complete(Request, Target, Params, &ch->tio);
}

int wt_cancel_from_routine(struct wt *t)
{
	struct wt_cn *c = wt_cn_setup(t);
	struct wt_cn_chain *ch = NULL;
	u32 seed = wt_next_seed(), seed_buf = wt_next_seed();
	unsigned int ctx;

	if (!wt_cn_ready(t, c))
		goto out;
	ch = kzalloc(sizeof(*ch), GFP_KERNEL);
	if (!T_TRUE(t, ch, "out of memory"))
		goto out;
	if (!wt_raw_fill(t, &c->r.bdev, WT_CN_OFF, WT_CN_NR * WT_CN_LEN, seed))
		goto out;
	for (ctx = WDFIO_TB_CTX_INLINE; ctx <= WDFIO_TB_CTX_WORKQUEUE; ctx++) {
		WDF_REQUEST_REUSE_PARAMS reuse;
		unsigned int i;

		wt_set_where(t, "context %u: A and B (20 s timeout) held", ctx);
		wdfio_tb_set_context(WT_TB, ctx);
		WDF_REQUEST_REUSE_PARAMS_INIT(&reuse,
					      WDF_REQUEST_REUSE_NO_FLAGS,
					      STATUS_SUCCESS);
		for (i = 0; i < WT_CN_NR; i++)
			if (!T_STATUS(t, STATUS_SUCCESS,
				      WdfRequestReuse(c->r.request[i], &reuse)))
				goto out;
		memset(c->r.b[0].data, WT_POISON_BYTE, WT_CN_LEN);
		wt_fill(c->r.b[1].data, WT_CN_LEN, WT_CN_OFF + WT_CN_LEN,
			seed_buf);
		wt_io_reset(&ch->tio.io);
		ch->other = c->r.request[1];
		ch->cancelled = FALSE;
		if (!wt_cn_format(t, c, 0, false) ||
		    !wt_cn_format(t, c, 1, false))
			goto out;
		WdfRequestSetCompletionRoutine(c->r.request[0],
					       wt_cn_chain_complete, ch);
		wdfio_tb_set_hold(WT_TB, true);
		if (!wt_cn_send(t, c, 0, 0) || !wt_tb_wait_held(t, 1) ||
		    !wt_cn_send(t, c, 1, WDF_REL_TIMEOUT_IN_SEC(20)) ||
		    !wt_tb_wait_held(t, 2))
			goto out;
		wt_set_where(t, "context %u: A released", ctx);
		T_EQ(t, 1, wdfio_tb_release(WT_TB, 1, WDFIO_TB_ORDER_FIFO,
					    WDFIO_TB_STS_OK));
		if (!wt_io_wait(t, &ch->tio.io) ||
		    !wt_io_wait(t, &c->tio[1].io))
			goto out;
		T_STATUS(t, STATUS_SUCCESS, ch->tio.io.params.IoStatus.Status);
		wt_verify(t, c->r.b[0].data, WT_CN_LEN, WT_CN_OFF, seed,
			  "A's data");
		T_TRUE(t, ch->cancelled,
		       "cancel of held timed B from A's routine returned FALSE");
		T_STATUS(t, STATUS_CANCELLED,
			 c->tio[1].io.params.IoStatus.Status);
		T_EQ(t, 0, c->tio[1].io.params.IoStatus.Information);
		T_EQ(t, 1, wdfio_tb_held(WT_TB));
		wt_set_where(t, "context %u: B's bio released", ctx);
		wdfio_tb_set_hold(WT_TB, false);
		T_EQ(t, 1, wdfio_tb_release(WT_TB, 0, WDFIO_TB_ORDER_FIFO,
					    WDFIO_TB_STS_OK));
		msleep(100);
		T_EQ(t, 1, atomic_read(&ch->tio.io.calls));
		T_EQ(t, 1, atomic_read(&c->tio[1].io.calls));
		wt_verify(t, c->r.b[1].data, WT_CN_LEN, WT_CN_OFF + WT_CN_LEN,
			  seed_buf, "B's buffer after its bio ended");
		wt_buf_guards_ok(t, &c->r.b[1], "B's buffer");
		if (t->failures)
			break;
	}
out:
	wt_cn_teardown(t, c);
	if (!t->wedged)
		kfree(ch);
	return 0;
}

/**
 * struct wt_cn_hook - a cancel made while the sender is being admitted
 * @request: the request to cancel (others pass by)
 * @calls: times the hook saw @request
 * @ret: what WdfRequestCancelSentRequest returned there
 */
struct wt_cn_hook {
	WDFREQUEST request;
	atomic_t calls;
	BOOLEAN ret;
};

static bool wt_cn_reuse(struct wt *t, struct wt_cn *c, unsigned int i)
{
	WDF_REQUEST_REUSE_PARAMS reuse;

	WDF_REQUEST_REUSE_PARAMS_INIT(&reuse, WDF_REQUEST_REUSE_NO_FLAGS,
				      STATUS_SUCCESS);
	return T_STATUS(t, STATUS_SUCCESS,
			WdfRequestReuse(c->r.request[i], &reuse));
}

/*
 * Runs on the sender's thread between SENT and the target's decision: the
 * exact moment another CPU's cancel would hit the race.
 */
static void wt_cn_admit_hook(WDFREQUEST request, void *ctx)
{
	struct wt_cn_hook *h = ctx;

	if (request != h->request)
		return;
	atomic_inc(&h->calls);
	h->ret = wt_cancel_ref(request);
}

/* Arm the hook on request 0, format it as a read and send it. */
static bool wt_cn_hooked_send(struct wt *t, struct wt_cn *c,
			      struct wt_cn_hook *h, bool *sent)
{
	int err;

	if (!wt_cn_reuse(t, c, 0) || !wt_cn_format(t, c, 0, false))
		return false;
	memset(c->r.b[0].data, WT_POISON_BYTE, WT_CN_LEN);
	h->request = c->r.request[0];
	atomic_set(&h->calls, 0);
	h->ret = TRUE;
	err = wdfio_hook_set(WDFIO_HOOK_ADMIT, wt_cn_admit_hook, h);
	if (!T_EQ(t, 0, err))
		return false;
	*sent = WdfRequestSend(c->r.request[0], c->r.target,
			       WDF_NO_SEND_OPTIONS);
	wdfio_hook_clear(WDFIO_HOOK_ADMIT);
	return T_EQ(t, 1, atomic_read(&h->calls));
}

int wt_cancel_admit_race(struct wt *t)
{
	struct wt_cn *c = wt_cn_setup(t);
	struct wt_cn_hook h = {};
	struct wdfio_tb_stats before, st;
	u32 seed = wt_next_seed();
	bool sent;

	if (!wt_cn_ready(t, c))
		goto out;
	if (!wt_raw_fill(t, &c->r.bdev, WT_CN_OFF, WT_CN_LEN, seed))
		goto out;

	wt_set_where(t, "cancel while a send to a purged target is admitted");
	WdfIoTargetPurge(c->r.target, WdfIoTargetPurgeIoAndWait);
	if (!wt_cn_hooked_send(t, c, &h, &sent))
		goto out;
	/* The send never happened: nothing was there to cancel. */
	T_TRUE(t, !h.ret, "cancel of a send that fails admission returned TRUE");
	T_TRUE(t, !sent, "send to a purged target returned TRUE");
	T_STATUS(t, STATUS_INVALID_DEVICE_STATE,
		 WdfRequestGetStatus(c->r.request[0]));
	T_EQ(t, 0, atomic_read(&c->tio[0].io.calls));

	wt_set_where(t, "cancel while a send to a stopped target is admitted");
	T_STATUS(t, STATUS_SUCCESS, WdfIoTargetStart(c->r.target));
	WdfIoTargetStop(c->r.target, WdfIoTargetLeaveSentIoPending);
	if (!wt_cn_hooked_send(t, c, &h, &sent))
		goto out;
	/* Like IoCancelIrp on an IRP without a cancel routine yet: FALSE... */
	T_TRUE(t, !h.ret, "cancel during admission returned TRUE");
	T_TRUE(t, sent, "send to a stopped target: 0x%08X",
	       (u32)WdfRequestGetStatus(c->r.request[0]));
	/* ...but the sender carries the cancel out: it ends, never sent. */
	if (!wt_io_wait(t, &c->tio[0].io))
		goto out;
	T_STATUS(t, STATUS_CANCELLED, c->tio[0].io.params.IoStatus.Status);
	T_EQ(t, 1, atomic_read(&c->tio[0].io.calls));

	wt_set_where(t, "cancel while a send to a started target is admitted");
	T_STATUS(t, STATUS_SUCCESS, WdfIoTargetStart(c->r.target));
	if (!wt_tb_stats(t, &before) || !wt_cn_hooked_send(t, c, &h, &sent))
		goto out;
	T_TRUE(t, sent, "send to a started target: 0x%08X",
	       (u32)WdfRequestGetStatus(c->r.request[0]));
	if (!wt_io_wait(t, &c->tio[0].io))
		goto out;
	T_STATUS(t, STATUS_CANCELLED, c->tio[0].io.params.IoStatus.Status);
	T_EQ(t, 0, c->tio[0].io.params.IoStatus.Information);
	wt_verify_byte(t, c->r.b[0].data, WT_CN_LEN, WT_POISON_BYTE,
		       "buffer of the read cancelled in admission");
	/* Stopped at publication: the device never saw it. */
	if (wt_tb_stats(t, &st))
		T_EQ(t, before.bios_seen, st.bios_seen);

	wt_set_where(t, "the same request sent again after reuse");
	if (!wt_cn_reuse(t, c, 0) || !wt_cn_format(t, c, 0, false) ||
	    !wt_cn_send(t, c, 0, 0) ||
	    !wt_io_wait(t, &c->tio[0].io))
		goto out;
	T_STATUS(t, STATUS_SUCCESS, c->tio[0].io.params.IoStatus.Status);
	T_EQ(t, WT_CN_LEN, c->tio[0].io.params.IoStatus.Information);
	T_EQ(t, 1, atomic_read(&c->tio[0].io.calls));
	wt_verify(t, c->r.b[0].data, WT_CN_LEN, WT_CN_OFF, seed, "read back");
out:
	wdfio_hook_clear(WDFIO_HOOK_ADMIT);
	wt_cn_teardown(t, c);
	return 0;
}
