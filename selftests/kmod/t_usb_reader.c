// SPDX-License-Identifier: GPL-2.0
/*
 * USB continuous reader, surprise removal and a race storm (t_usb.c has the
 * test driver and the gadget's framing rules).
 */
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/random.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include <wdfusb.h>

#include "t_usb.h"
#include "util.h"
#include "wt_cases.h"

/* ------------------------------------------------------------------ */
/* Continuous reader in order                                          */

#define WR_WRITES	400
#define WR_WINDOW	16
#define WR_XFER		4096
#define WR_HEADER	16
#define WR_TRAILER	8

/* Length of transfer @seq: 1 .. WR_XFER - 1, some packet multiples */
static size_t wr_len(u32 seq)
{
	static const size_t l[] = { 1, 511, 512, 1000, 1024, 2047, 3000, 4095,
				    77, 1536, 2560, 4000 };

	return l[seq % ARRAY_SIZE(l)];
}

/**
 * struct wr_state - what the reader's callback saw (checked by the case)
 * @pipe: the pipe the callbacks must name
 * @next: the transfer the next callback must carry
 * @bytes: bytes received
 * @bad: first problem, or 0 (1: data, 2: length, 3: header/trailer,
 *	4: pipe, 5: buffer size)
 * @bad_seq: the transfer it was seen in
 * @atomic: callbacks that ran in atomic context
 * @failed: EvtUsbTargetPipeReadersFailed calls
 * @fail_status: its last Status
 * @fail_usbd: its last UsbdStatus
 * @fail_ret: what it returns
 * @kept: a buffer the callback kept with WdfObjectReference
 * @block: the failure callback waits for @release
 * @entered: it is waiting
 * @release: lets it return
 * @stop_returned: a Stop of the case returned
 * @saw_stop: the failure callback saw @stop_returned when it returned
 * @next_base: @next before the last step of a case
 */
struct wr_state {
	WDFUSBPIPE pipe;
	u32 next;
	u64 bytes;
	int bad;
	u32 bad_seq;
	atomic_t atomic;
	atomic_t failed;
	NTSTATUS fail_status;
	USBD_STATUS fail_usbd;
	BOOLEAN fail_ret;
	WDFMEMORY kept;
	bool block;
	bool entered;
	struct completion release;
	bool stop_returned;
	bool saw_stop;
	u32 next_base;
};

static struct wr_state *wr_cur;

static void wr_bad(struct wr_state *s, int why)
{
	if (!s->bad) {
		s->bad = why;
		s->bad_seq = s->next;
	}
}

static VOID wr_read_complete(WDFUSBPIPE Pipe, WDFMEMORY Buffer,
			     size_t NumBytesTransferred, WDFCONTEXT Context)
{
	struct wr_state *s = Context;
	size_t size = 0, i;
	u8 *buf = WdfMemoryGetBuffer(Buffer, &size);
	u8 *data = buf + WR_HEADER;

	if (wt_atomic_context())
		atomic_inc(&s->atomic);
	if (Pipe != s->pipe)
		wr_bad(s, 4);
	if (size != WR_HEADER + WR_XFER + WR_TRAILER)
		wr_bad(s, 5);
	if (NumBytesTransferred != wr_len(s->next))
		wr_bad(s, 2);
	for (i = 0; i < NumBytesTransferred && i < WR_XFER; i++) {
		if (data[i] != (u8)(i * 7 + s->next * 13 + (i >> 8))) {
			wr_bad(s, 1);
			break;
		}
	}
	for (i = 0; i < WR_HEADER; i++)
		if (buf[i])
			wr_bad(s, 3);
	for (i = 0; i < WR_TRAILER; i++)
		if (buf[WR_HEADER + WR_XFER + i])
			wr_bad(s, 3);
	/* Keep one buffer past the callback: it must stay valid */
	if (s->next == 5 && !s->kept) {
		WdfObjectReference(Buffer);
		s->kept = Buffer;
	}
	s->bytes += NumBytesTransferred;
	WRITE_ONCE(s->next, s->next + 1);
	wake_up_all(&wt_wq);
}

static BOOLEAN wr_readers_failed(WDFUSBPIPE Pipe, NTSTATUS Status,
				 USBD_STATUS UsbdStatus)
{
	struct wr_state *s = wr_cur;

	/* A reader of an earlier (failed) case may still be around */
	if (!s || Pipe != s->pipe)
		return FALSE;
	s->fail_status = Status;
	s->fail_usbd = UsbdStatus;
	atomic_inc(&s->failed);
	if (s->block) {
		WRITE_ONCE(s->entered, true);
		wake_up_all(&wt_wq);
		wait_for_completion_timeout(&s->release, WT_TIMEOUT_S * HZ);
		s->saw_stop = READ_ONCE(s->stop_returned);
	}
	wake_up_all(&wt_wq);
	return s->fail_ret;
}

static bool wr_half_received(void *arg)
{
	struct wr_state *s = arg;

	return READ_ONCE(s->next) >= WR_WRITES / 2 || s->bad;
}

static bool wr_received(void *arg)
{
	struct wr_state *s = arg;

	return READ_ONCE(s->next) >= WR_WRITES || s->bad;
}

struct wr_writer {
	WDFREQUEST req[WR_WINDOW];
	WDFMEMORY mem[WR_WINDOW];
	struct wu_io u[WR_WINDOW];
	bool busy[WR_WINDOW];
};

/* The routine ran (its completion may have been consumed by a wait) */
static bool wr_slot_done(struct wr_writer *w, unsigned int k)
{
	return !w->busy[k] || atomic_read(&w->u[k].io.calls);
}

static bool wr_slot_free(void *arg)
{
	struct wr_writer *w = arg;
	unsigned int k;

	for (k = 0; k < WR_WINDOW; k++)
		if (wr_slot_done(w, k))
			return true;
	return false;
}

static bool wr_all_done(void *arg)
{
	struct wr_writer *w = arg;
	unsigned int k;

	for (k = 0; k < WR_WINDOW; k++)
		if (!wr_slot_done(w, k))
			return false;
	return true;
}

/* Write transfers [from, to) asynchronously, WR_WINDOW in flight */
static bool wr_write_all(struct wt *t, struct wu_fix *f, struct wr_writer *w,
			 u32 from, u32 to)
{
	WDFMEMORY_OFFSET off;
	u32 seq = from;
	unsigned int k;

	while (seq < to) {
		if (!wt_wait_cond_timeout(t, wr_slot_free, w, "a free write slot"))
			return false;
		for (k = 0; k < WR_WINDOW && seq < to; k++) {
			size_t len = wr_len(seq);
			u8 *buf;

			if (!wr_slot_done(w, k))
				continue;
			if (w->busy[k] &&
			    !T_STATUS(t, STATUS_SUCCESS,
				      w->u[k].io.params.IoStatus.Status))
				return false;
			buf = WdfMemoryGetBuffer(w->mem[k], NULL);
			wu_fill(buf, len, seq);
			off.BufferOffset = 0;
			off.BufferLength = len;
			if (!T_STATUS(t, STATUS_SUCCESS,
				      WdfUsbTargetPipeFormatRequestForWrite(f->lb_out,
									    w->req[k],
									    w->mem[k],
									    &off)))
				return false;
			w->busy[k] = true;
			if (!wu_send(t, w->req[k], f->lb_out, &w->u[k],
				     WDF_NO_SEND_OPTIONS))
				return false;
			if (len % f->maxp == 0) {
				/* the ZLP: wait for the data, then send it */
				if (!wt_io_wait(t, &w->u[k].io) ||
				    !wu_write_sync(t, f->lb_out, NULL, 0))
					return false;
			}
			seq++;
		}
	}
	if (!wt_wait_cond_timeout(t, wr_all_done, w, "the last writes"))
		return false;
	for (k = 0; k < WR_WINDOW; k++)
		if (w->busy[k] && !T_STATUS(t, STATUS_SUCCESS,
					    w->u[k].io.params.IoStatus.Status))
			return false;
	return true;
}

int wt_usb_reader_order(struct wt *t)
{
	WDF_USB_CONTINUOUS_READER_CONFIG cfg;
	struct wr_writer *w = kzalloc(sizeof(*w), GFP_KERNEL);
	struct wr_state *s = kzalloc(sizeof(*s), GFP_KERNEL);
	WDFIOTARGET in;
	struct wu_fix f;
	unsigned int k;
	NTSTATUS status;

	if (!T_TRUE(t, w && s, "out of memory") || !wu_open(t, &f))
		goto out;
	in = WdfUsbTargetPipeGetIoTarget(f.lb_in);
	s->pipe = f.lb_in;
	wr_cur = s;
	for (k = 0; k < WR_WINDOW; k++)
		if (!NT_SUCCESS(wt_request(t, NULL, &w->req[k])) ||
		    !NT_SUCCESS(wt_memory(t, WR_XFER, &w->mem[k], NULL)))
			goto out;

	wt_set_where(t, "config checks");
	WDF_USB_CONTINUOUS_READER_CONFIG_INIT(&cfg, wr_read_complete, s, WR_XFER);
	cfg.Size = 8;
	T_STATUS(t, STATUS_INFO_LENGTH_MISMATCH,
		 WdfUsbTargetPipeConfigContinuousReader(f.lb_in, &cfg));
	WDF_USB_CONTINUOUS_READER_CONFIG_INIT(&cfg, wr_read_complete, s, 0);
	T_STATUS(t, STATUS_INVALID_PARAMETER,
		 WdfUsbTargetPipeConfigContinuousReader(f.lb_in, &cfg));
	WDF_USB_CONTINUOUS_READER_CONFIG_INIT(&cfg, wr_read_complete, s, 100);
	T_STATUS(t, STATUS_INVALID_BUFFER_SIZE,
		 WdfUsbTargetPipeConfigContinuousReader(f.lb_in, &cfg));
	WDF_USB_CONTINUOUS_READER_CONFIG_INIT(&cfg, wr_read_complete, s, WR_XFER);
	T_STATUS(t, STATUS_INVALID_DEVICE_REQUEST,
		 WdfUsbTargetPipeConfigContinuousReader(f.lb_out, &cfg));

	wt_set_where(t, "config");
	cfg.HeaderLength = WR_HEADER;
	cfg.TrailerLength = WR_TRAILER;
	cfg.NumPendingReads = 4;
	cfg.EvtUsbTargetPipeReadersFailed = wr_readers_failed;
	status = WdfUsbTargetPipeConfigContinuousReader(f.lb_in, &cfg);
	if (!T_STATUS(t, STATUS_SUCCESS, status))
		goto out;
	T_STATUS(t, STATUS_INVALID_DEVICE_STATE,
		 WdfUsbTargetPipeConfigContinuousReader(f.lb_in, &cfg));
	/* The readers start with the pipe's next Start */
	T_STATUS(t, STATUS_SUCCESS, WdfIoTargetStart(in));

	wt_set_where(t, "first part under load");
	if (!wr_write_all(t, &f, w, 0, WR_WRITES / 2) ||
	    !wt_wait_cond_timeout(t, wr_half_received, s, "the first part read"))
		goto out;
	/*
	 * Stopped: the reads are cancelled (Stop is forced to CancelSentIo)
	 * and the echoes wait in the gadget, which holds 32 of them.
	 */
	wt_set_where(t, "stop: readers cancelled; data waits in the device");
	WdfIoTargetStop(in, WdfIoTargetLeaveSentIoPending);
	T_EQ(t, WdfIoTargetStopped, WdfIoTargetGetState(in));
	if (!wr_write_all(t, &f, w, WR_WRITES / 2, WR_WRITES / 2 + 20))
		goto out;
	msleep(20);
	T_EQ(t, WR_WRITES / 2, READ_ONCE(s->next));
	T_STATUS(t, STATUS_SUCCESS, WdfIoTargetStart(in));
	wt_set_where(t, "after start");
	if (!wr_write_all(t, &f, w, WR_WRITES / 2 + 20, WR_WRITES))
		goto out;
	wt_set_where(t, "every byte in order");
	if (!wt_wait_cond_timeout(t, wr_received, s, "all transfers read"))
		goto out;
	T_EQ(t, 0, s->bad);
	if (s->bad)
		T_FAIL(t, "reader problem %d at transfer %u", s->bad, s->bad_seq);
	T_EQ(t, WR_WRITES, READ_ONCE(s->next));
	T_EQ(t, 0, atomic_read(&s->failed));
	T_TRUE(t, atomic_read(&s->atomic) > 0,
	       "read-complete ran in atomic context (dummy_hcd completes in softirq)");
	if (T_TRUE(t, s->kept, "a buffer was kept"))
		wu_check(t, (u8 *)WdfMemoryGetBuffer(s->kept, NULL) + WR_HEADER,
			 wr_len(5), 5);
	WdfIoTargetStop(in, WdfIoTargetCancelSentIo);
out:
	wu_close(t, &f);
	if (s && s->kept && !t->wedged)
		WdfObjectDereference(s->kept);
	for (k = 0; w && k < WR_WINDOW; k++) {
		wt_delete(t, w->req[k]);
		wt_delete(t, w->mem[k]);
	}
	if (!t->wedged) {
		kfree(w);
		kfree(s);
	}
	wr_cur = NULL;
	return 0;
}

static bool wr_failed_once(void *arg)
{
	struct wr_state *s = arg;

	return atomic_read(&s->failed) > 0;
}

static bool wr_failed_once2(void *arg)
{
	struct wr_state *s = arg;

	return atomic_read(&s->failed) > 1;
}

static bool wr_next_is_after(void *arg)
{
	struct wr_state *s = arg;

	return READ_ONCE(s->next) > READ_ONCE(s->next_base);
}

static bool wr_next_is(void *arg)
{
	struct wr_state *s = arg;

	return READ_ONCE(s->next) > 0;
}

static VOID wr_count_complete(WDFUSBPIPE Pipe, WDFMEMORY Buffer,
			      size_t NumBytesTransferred, WDFCONTEXT Context)
{
	struct wr_state *s = Context;

	s->bytes = NumBytesTransferred;
	WRITE_ONCE(s->next, s->next + 1);
	wake_up_all(&wt_wq);
}

/**
 * struct wr_miss - the failure work's cancel meets a read being sent
 * @t: the case
 * @f: its device
 * @task: the case's thread (WdfIoTargetStart runs the hook there)
 * @sends: reader sends the hook saw on @task
 * @cancelled: the failure work has cancelled the reads
 * @buf: data to write
 */
struct wr_miss {
	struct wt *t;
	struct wu_fix *f;
	struct task_struct *task;
	unsigned int sends;
	bool cancelled;
	u8 *buf;
};

static bool wr_miss_cancelled(void *arg)
{
	struct wr_miss *m = arg;

	return READ_ONCE(m->cancelled);
}

/*
 * At Start, read 0 is sent; when read 1 is about to be, a babble fails
 * read 0 and the hook lets read 1 go only once the failure work has
 * cancelled every read: the cancel came before read 1 was sent.
 */
static int wr_miss_hook(struct wu_hook *h, int point, WDFREQUEST req, int arg)
{
	struct wr_miss *m = h->ctx;

	if (point == WU_HOOK_READER_CANCELLED) {
		WRITE_ONCE(m->cancelled, true);
		wake_up_all(&wt_wq);
		return arg;
	}
	if (point != WU_HOOK_READER_SEND || !in_task() || current != m->task ||
	    ++m->sends != 2)
		return arg;
	wu_fill(m->buf, 500, 9);
	if (wu_write_sync(m->t, m->f->lb_out, m->buf, 500))
		wt_wait_cond_timeout(m->t, wr_miss_cancelled, m,
				     "the failure work's cancel");
	return arg;
}

/*
 * A read sent after the failure work cancelled the reads cancels itself:
 * the failure work ends and calls EvtUsbTargetPipeReadersFailed. Before,
 * that read stayed in flight and the failure work waited for it.
 */
static void wr_missed_cancel(struct wt *t, struct wu_fix *f,
			     struct wr_state *s, u8 *buf)
{
	WDFIOTARGET in = WdfUsbTargetPipeGetIoTarget(f->lb_in);
	struct wr_miss m = { .t = t, .f = f, .task = current, .buf = buf };
	struct wu_hook h = { .fn = wr_miss_hook, .ctx = &m };
	int failed = atomic_read(&s->failed);

	wt_set_where(t, "a failure while a read is being sent at Start");
	WdfIoTargetStop(in, WdfIoTargetCancelSentIo);
	s->fail_ret = FALSE;
	wu_hook_set(&h);
	T_STATUS(t, STATUS_SUCCESS, WdfIoTargetStart(in));
	T_EQ(t, 2, m.sends);
	if (!wt_wait_cond_timeout(t, wr_failed_once2, s,
				  "EvtUsbTargetPipeReadersFailed")) {
		/* The read left in flight is cancelled by Stop */
		WdfIoTargetStop(in, WdfIoTargetCancelSentIo);
	}
	wu_hook_clear();
	T_EQ(t, failed + 1, atomic_read(&s->failed));
	T_STATUS(t, STATUS_UNSUCCESSFUL, s->fail_status);
	T_EQ(t, (u32)USBD_STATUS_BABBLE_DETECTED, (u32)s->fail_usbd);
}

/**
 * struct wr_stop - a Stop from another thread while the readers fail
 * @s: the case's reader state
 * @in: the pipe
 * @quiesce: the Stop waits for the failure work
 * @done: the thread is over
 */
struct wr_stop {
	struct wr_state *s;
	WDFIOTARGET in;
	bool quiesce;
	struct completion done;
};

static int wr_stop_fn(void *arg)
{
	struct wr_stop *w = arg;

	WdfIoTargetStop(w->in, WdfIoTargetCancelSentIo);
	WRITE_ONCE(w->s->stop_returned, true);
	wake_up_all(&wt_wq);
	complete(&w->done);
	return 0;
}

static int wr_stop_hook(struct wu_hook *h, int point, WDFREQUEST req, int arg)
{
	struct wr_stop *w = h->ctx;

	if (point == WU_HOOK_READER_QUIESCE) {
		WRITE_ONCE(w->quiesce, true);
		wake_up_all(&wt_wq);
	}
	return arg;
}

static bool wr_entered(void *arg)
{
	struct wr_state *s = arg;

	return READ_ONCE(s->entered);
}

static bool wr_stop_waits_or_returned(void *arg)
{
	struct wr_stop *w = arg;

	return READ_ONCE(w->quiesce) || READ_ONCE(w->s->stop_returned);
}

/*
 * Stop while EvtUsbTargetPipeReadersFailed runs (it waits for the case):
 * Stop waits for it, as in KMDF, so it never runs after Stop returned;
 * its restart finds the pipe stopped, and Start restarts the readers.
 * Before, Stop returned at once.
 */
static void wr_stop_while_failing(struct wt *t, struct wu_fix *f,
				  struct wr_state *s, u8 *buf)
{
	struct wr_stop w = { .s = s, .in = WdfUsbTargetPipeGetIoTarget(f->lb_in) };
	struct wu_hook h = { .fn = wr_stop_hook, .ctx = &w };
	struct task_struct *k;
	u32 next;

	wt_set_where(t, "Stop while EvtUsbTargetPipeReadersFailed runs");
	init_completion(&w.done);
	init_completion(&s->release);
	s->fail_ret = TRUE;
	s->block = true;
	if (!T_STATUS(t, STATUS_SUCCESS, WdfIoTargetStart(w.in)))
		return;
	wu_fill(buf, 500, 10);
	if (!wu_write_sync(t, f->lb_out, buf, 500) ||
	    !wt_wait_cond_timeout(t, wr_entered, s, "the failure callback"))
		goto out_release;
	wu_hook_set(&h);
	k = kthread_run(wr_stop_fn, &w, "wdfio_wr_stop");
	if (!T_TRUE(t, !IS_ERR(k), "kthread_run"))
		goto out_release;
	wt_wait_cond_timeout(t, wr_stop_waits_or_returned, &w,
			     "Stop to wait or return");
	T_TRUE(t, !READ_ONCE(s->stop_returned),
	       "Stop returned while EvtUsbTargetPipeReadersFailed ran");
	complete(&s->release);
	if (!wait_for_completion_timeout(&w.done, WT_TIMEOUT_S * HZ)) {
		t->wedged = true;
		T_FAIL(t, "Stop did not return");
		goto out_hook;
	}
	T_TRUE(t, READ_ONCE(w.quiesce), "Stop waited for the failure work");
	T_TRUE(t, !s->saw_stop, "the failure callback ran after Stop returned");
	T_EQ(t, WdfIoTargetStopped, WdfIoTargetGetState(w.in));

	wt_set_where(t, "Start after the Stop: the readers read again");
	next = READ_ONCE(s->next);
	s->next_base = next;
	wu_fill(buf, 60, 3);
	if (wu_write_sync(t, f->lb_out, buf, 60) &&
	    T_STATUS(t, STATUS_SUCCESS, WdfIoTargetStart(w.in)) &&
	    wt_wait_cond_timeout(t, wr_next_is_after, s, "a read after Start"))
		T_EQ(t, 60, s->bytes);
	T_EQ(t, next + 1, READ_ONCE(s->next));
out_hook:
	wu_hook_clear();
	s->block = false;
	return;
out_release:
	s->block = false;
	complete(&s->release);
}

/* A read that babbles fails the readers; TRUE resets and restarts them */
int wt_usb_reader_failed(struct wt *t)
{
	WDF_USB_CONTINUOUS_READER_CONFIG cfg;
	struct wr_state *s = kzalloc(sizeof(*s), GFP_KERNEL);
	u8 *buf = kzalloc(1024, GFP_KERNEL);
	struct wu_fix f;

	if (!T_TRUE(t, s && buf, "out of memory") || !wu_open(t, &f))
		goto out;
	s->pipe = f.lb_in;
	wr_cur = s;
	s->fail_ret = TRUE;
	WdfUsbTargetPipeSetNoMaximumPacketSizeCheck(f.lb_in);
	WDF_USB_CONTINUOUS_READER_CONFIG_INIT(&cfg, wr_count_complete, s, 100);
	cfg.EvtUsbTargetPipeReadersFailed = wr_readers_failed;
	if (!T_STATUS(t, STATUS_SUCCESS,
		      WdfUsbTargetPipeConfigContinuousReader(f.lb_in, &cfg)) ||
	    !T_STATUS(t, STATUS_SUCCESS,
		      WdfIoTargetStart(WdfUsbTargetPipeGetIoTarget(f.lb_in))))
		goto out;
	wt_set_where(t, "babble: 500 bytes into a 100-byte read");
	wu_fill(buf, 500, 1);
	if (!wu_write_sync(t, f.lb_out, buf, 500) ||
	    !wt_wait_cond_timeout(t, wr_failed_once, s, "EvtUsbTargetPipeReadersFailed"))
		goto out;
	T_EQ(t, 1, atomic_read(&s->failed));
	T_STATUS(t, STATUS_UNSUCCESSFUL, s->fail_status);
	T_EQ(t, (u32)USBD_STATUS_BABBLE_DETECTED, (u32)s->fail_usbd);
	T_EQ(t, 0, READ_ONCE(s->next));
	wt_set_where(t, "restarted after TRUE: a 50-byte transfer is read");
	wu_fill(buf, 50, 2);
	if (!wu_write_sync(t, f.lb_out, buf, 50) ||
	    !wt_wait_cond_timeout(t, wr_next_is, s, "a read after the restart"))
		goto out;
	T_EQ(t, 50, s->bytes);
	T_EQ(t, 1, atomic_read(&s->failed));
	wr_missed_cancel(t, &f, s, buf);
	if (!t->wedged)
		wr_stop_while_failing(t, &f, s, buf);
out:
	wu_close(t, &f);
	if (!t->wedged)
		kfree(s);
	kfree(buf);
	wr_cur = NULL;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Surprise removal                                                    */

#define WP_READS	16

static bool wp_all_done(void *arg)
{
	struct wu_io *u = arg;
	unsigned int k;

	for (k = 0; k < WP_READS + 2; k++)
		if (!completion_done(&u[k].io.done))
			return false;
	return true;
}

static bool wp_disconnected(void *arg)
{
	return !READ_ONCE(wu.intf[0]) && !READ_ONCE(wu.intf[1]);
}

static VOID wp_ss_complete(WDFUSBPIPE Pipe, WDFMEMORY Buffer,
			   size_t NumBytesTransferred, WDFCONTEXT Context)
{
	struct wr_state *s = Context;

	WRITE_ONCE(s->next, s->next + 1);
	wake_up_all(&wt_wq);
}

static bool wp_reader_busy(void *arg)
{
	struct wr_state *s = arg;

	return READ_ONCE(s->next) >= 3;
}

/*
 * Unplug (echo "" > UDC) with 16 reads in flight, 2 writes pended on a
 * stopped pipe and a continuous reader running: every request completes
 * with a device-gone status, the readers report the failure, disconnect()
 * returns promptly, and the guest's teardown then unloads the modules.
 *
 * The last USB case: the gadget stays unplugged. Linux 6.1's f_loopback
 * and f_sourcesink assign their descriptors again at each bind and free
 * them only with the function, so a replug leaks them (kmemleak, debug
 * lane); wu_replug() is there for manual runs.
 */
int wt_usb_unplug(struct wt *t)
{
	struct wu_io *u = kcalloc(WP_READS + 2, sizeof(*u), GFP_KERNEL);
	struct wr_state *s = kzalloc(sizeof(*s), GFP_KERNEL);
	WDF_USB_CONTINUOUS_READER_CONFIG cfg;
	WDFREQUEST req[WP_READS + 2] = { };
	WDFMEMORY mem = NULL;
	int disc0 = atomic_read(&wu.disconnects);
	struct wu_fix f;
	unsigned int k;
	ktime_t t0;

	if (!T_TRUE(t, u && s, "out of memory") || !wu_open(t, &f))
		goto out;
	s->pipe = f.ss_in;
	wr_cur = s;
	s->fail_ret = TRUE;	/* gone: must not restart anyway */
	if (!NT_SUCCESS(wt_memory(t, 4096, &mem, NULL)))
		goto out;
	WDF_USB_CONTINUOUS_READER_CONFIG_INIT(&cfg, wp_ss_complete, s, 4096);
	cfg.EvtUsbTargetPipeReadersFailed = wr_readers_failed;
	if (!T_STATUS(t, STATUS_SUCCESS,
		      WdfUsbTargetPipeConfigContinuousReader(f.ss_in, &cfg)) ||
	    !T_STATUS(t, STATUS_SUCCESS,
		      WdfIoTargetStart(WdfUsbTargetPipeGetIoTarget(f.ss_in))) ||
	    !wt_wait_cond_timeout(t, wp_reader_busy, s, "the SourceSink reader"))
		goto out;
	wt_set_where(t, "16 reads in flight, 2 writes pended");
	for (k = 0; k < WP_READS + 2; k++) {
		bool rd = k < WP_READS;

		if (!NT_SUCCESS(wt_request(t, NULL, &req[k])))
			goto out;
		if (!T_STATUS(t, STATUS_SUCCESS,
			      rd ? WdfUsbTargetPipeFormatRequestForRead(f.lb_in, req[k],
									mem, NULL) :
				   WdfUsbTargetPipeFormatRequestForWrite(f.ss_out, req[k],
									 mem, NULL)))
			goto out;
		if (k == WP_READS)
			WdfIoTargetStop(WdfUsbTargetPipeGetIoTarget(f.ss_out),
					WdfIoTargetLeaveSentIoPending);
		if (!wu_send(t, req[k], rd ? f.lb_in : f.ss_out, &u[k],
			     WDF_NO_SEND_OPTIONS))
			goto out;
	}
	msleep(50);
	for (k = 0; k < WP_READS + 2; k++)
		T_EQ(t, 0, atomic_read(&u[k].io.calls));

	wt_set_where(t, "unplug");
	t0 = ktime_get();
	if (!T_EQ(t, 0, wu_udc_write("\n")))
		goto out;
	if (!wt_wait_cond_timeout(t, wp_all_done, u, "every request to complete") ||
	    !wt_wait_cond_timeout(t, wp_disconnected, NULL, "disconnect()"))
		goto out;
	T_TRUE(t, ktime_ms_delta(ktime_get(), t0) < WT_TIMEOUT_S * 1000,
	       "removal took %lld ms", ktime_ms_delta(ktime_get(), t0));
	for (k = 0; k < WP_READS; k++) {
		wt_set_where(t, "read %u after the unplug", k);
		T_EQ(t, 1, atomic_read(&u[k].io.calls));
		T_STATUS(t, STATUS_NO_SUCH_DEVICE, u[k].io.params.IoStatus.Status);
		T_EQ(t, (u32)USBD_STATUS_DEVICE_GONE, (u32)u[k].usb.UsbdStatus);
		T_EQ(t, 0, u[k].io.params.IoStatus.Information);
	}
	for (k = WP_READS; k < WP_READS + 2; k++) {
		wt_set_where(t, "pended write %u after the unplug", k);
		T_EQ(t, 1, atomic_read(&u[k].io.calls));
		T_STATUS(t, STATUS_WDF_DEVICE_REMOVED_NOT_SENT,
			 u[k].io.params.IoStatus.Status);
	}
	wt_set_where(t, "reader and disconnect");
	T_EQ(t, 1, atomic_read(&s->failed));
	T_STATUS(t, STATUS_NO_SUCH_DEVICE, s->fail_status);
	T_EQ(t, (u32)USBD_STATUS_DEVICE_GONE, (u32)s->fail_usbd);
	T_EQ(t, disc0 + 2, atomic_read(&wu.disconnects));
	T_TRUE(t, wu.disconnect_ms < 10000, "disconnect() took %lld ms",
	       wu.disconnect_ms);
	T_PTR(t, NULL, (void *)wu.dev);
	/* The pipes of a deleted device take no more formats */
	T_STATUS(t, STATUS_INVALID_DEVICE_STATE,
		 WdfUsbTargetPipeFormatRequestForRead(f.lb_in, req[0], mem, NULL));
out:
	for (k = 0; k < WP_READS + 2; k++)
		wt_delete(t, req[k]);
	wt_delete(t, mem);
	wu_close(t, &f);
	if (!t->wedged) {
		kfree(u);
		kfree(s);
	}
	wr_cur = NULL;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Race storm                                                          */

#define WS_SLOTS	8
#define WS_ITERS	1500

/**
 * struct ws_thread - one side of the storm
 * @t: the case
 * @pipe: the IN pipe it reads (lb_in: never has data; ss_in: always has)
 * @data: reads may succeed (SourceSink): check the pattern
 * @req: requests
 * @mem: their buffers
 * @u: their completion contexts
 * @ok: successful reads
 * @cancelled: STATUS_CANCELLED
 * @timeouts: STATUS_IO_TIMEOUT
 * @bad: a bad status, count or byte (first message in @why)
 * @why: first problem
 * @done: the thread finished
 */
struct ws_thread {
	struct wt *t;
	WDFUSBPIPE pipe;
	bool data;
	WDFREQUEST req[WS_SLOTS];
	WDFMEMORY mem[WS_SLOTS];
	struct wu_io u[WS_SLOTS];
	unsigned int ok, cancelled, timeouts;
	bool bad;
	char why[128];
	struct completion done;
};

static void ws_bad(struct ws_thread *w, const char *what, u32 a, u32 b)
{
	if (!w->bad)
		scnprintf(w->why, sizeof(w->why), "%s: 0x%x 0x%x", what, a, b);
	w->bad = true;
}

/* Check a completed slot */
static void ws_check(struct ws_thread *w, unsigned int k, size_t cap)
{
	struct wu_io *u = &w->u[k];
	NTSTATUS st = u->io.params.IoStatus.Status;
	size_t n = u->io.params.IoStatus.Information, i;
	u8 *buf = WdfMemoryGetBuffer(w->mem[k], NULL);

	if (atomic_read(&u->io.calls) != 1)
		ws_bad(w, "routine calls", atomic_read(&u->io.calls), k);
	if (n > cap)
		ws_bad(w, "bytes > buffer", n, cap);
	if (st == STATUS_SUCCESS) {
		w->ok++;
		if (!w->data)
			ws_bad(w, "success on the empty pipe", st, n);
		for (i = 0; i < n; i++)
			if (buf[i] != (i % 512) % 63) {
				ws_bad(w, "pattern", i, buf[i]);
				break;
			}
	} else if (st == STATUS_CANCELLED) {
		w->cancelled++;
	} else if (st == STATUS_IO_TIMEOUT) {
		w->timeouts++;
	} else {
		ws_bad(w, "status", st, k);
	}
}

static int ws_fn(void *arg)
{
	struct ws_thread *w = arg;
	WDF_REQUEST_REUSE_PARAMS rp;
	WDF_REQUEST_SEND_OPTIONS o;
	WDFMEMORY_OFFSET off;
	bool busy[WS_SLOTS] = { };
	size_t cap[WS_SLOTS] = { };
	unsigned int i, k;

	for (i = 0; i < WS_ITERS && !w->bad; i++) {
		u32 r = get_random_u32();

		k = i % WS_SLOTS;
		if (busy[k]) {
			if (!wait_for_completion_timeout(&w->u[k].io.done,
							 WT_TIMEOUT_S * HZ)) {
				ws_bad(w, "hung request", i, k);
				break;
			}
			ws_check(w, k, cap[k]);
			busy[k] = false;
		}
		cap[k] = 512 * (1 + r % 8);
		/* A cancel that came after the completion marks it: reuse */
		WDF_REQUEST_REUSE_PARAMS_INIT(&rp, WDF_REQUEST_REUSE_NO_FLAGS,
					      STATUS_SUCCESS);
		WdfRequestReuse(w->req[k], &rp);
		off.BufferOffset = 0;
		off.BufferLength = cap[k];
		if (!NT_SUCCESS(WdfUsbTargetPipeFormatRequestForRead(w->pipe, w->req[k],
								     w->mem[k], &off))) {
			ws_bad(w, "format", i, k);
			break;
		}
		wu_io_reset(&w->u[k]);
		WdfRequestSetCompletionRoutine(w->req[k], wu_io_complete, &w->u[k]);
		WDF_REQUEST_SEND_OPTIONS_INIT(&o, 0);
		/* The empty pipe always needs an end: a timeout or a cancel */
		if ((r >> 8) % 2 || !w->data) {
			LONGLONG to = WDF_REL_TIMEOUT_IN_MS(1 + (r >> 12) % 10);

			WDF_REQUEST_SEND_OPTIONS_SET_TIMEOUT(&o, to);
		}
		if (!WdfRequestSend(w->req[k], WdfUsbTargetPipeGetIoTarget(w->pipe), &o)) {
			ws_bad(w, "send", WdfRequestGetStatus(w->req[k]), k);
			break;
		}
		busy[k] = true;
		/* Cancel a random in-flight request now and then */
		if ((r >> 16) % 3 == 0) {
			unsigned int v = (r >> 20) % WS_SLOTS;

			if (busy[v])
				WdfRequestCancelSentRequest(w->req[v]);
		}
		if ((r >> 24) % 8 == 0)
			usleep_range(100, 300);
	}
	for (k = 0; k < WS_SLOTS; k++) {
		if (!busy[k])
			continue;
		WdfRequestCancelSentRequest(w->req[k]);
		if (!wait_for_completion_timeout(&w->u[k].io.done,
						 WT_TIMEOUT_S * HZ)) {
			ws_bad(w, "hung request at the end", k, 0);
			continue;
		}
		ws_check(w, k, cap[k]);
	}
	complete(&w->done);
	return 0;
}

/* Sends, cancels and timeouts on two pipes from two threads */
int wt_usb_storm(struct wt *t)
{
	struct ws_thread *w = kcalloc(2, sizeof(*w), GFP_KERNEL);
	struct wu_fix f;
	unsigned int j, k;

	if (!T_TRUE(t, w, "out of memory") || !wu_open(t, &f))
		goto out;
	for (j = 0; j < 2; j++) {
		w[j].t = t;
		w[j].pipe = j ? f.ss_in : f.lb_in;
		w[j].data = j;
		init_completion(&w[j].done);
		for (k = 0; k < WS_SLOTS; k++)
			if (!NT_SUCCESS(wt_request(t, NULL, &w[j].req[k])) ||
			    !NT_SUCCESS(wt_memory(t, 4096, &w[j].mem[k], NULL)))
				goto out;
	}
	for (j = 0; j < 2; j++) {
		struct task_struct *th = kthread_run(ws_fn, &w[j], "wdfio_ws%u", j);

		if (IS_ERR(th)) {
			T_FAIL(t, "kthread_run: %ld", PTR_ERR(th));
			complete(&w[j].done);
		}
	}
	for (j = 0; j < 2; j++) {
		if (!wait_for_completion_timeout(&w[j].done, 600 * HZ)) {
			t->wedged = true;
			T_FAIL(t, "storm thread %u did not finish", j);
			goto out;
		}
		wt_set_where(t, "%s: %u ok, %u cancelled, %u timed out",
			     j ? "SourceSink" : "Loopback", w[j].ok,
			     w[j].cancelled, w[j].timeouts);
		T_TRUE(t, !w[j].bad, "%s", w[j].why);
		T_EQ(t, WS_ITERS, w[j].ok + w[j].cancelled + w[j].timeouts);
	}
	T_TRUE(t, w[1].ok > 0, "SourceSink reads succeeded");
	T_TRUE(t, w[0].timeouts > 0 && w[0].cancelled > 0,
	       "Loopback reads timed out (%u) and were cancelled (%u)",
	       w[0].timeouts, w[0].cancelled);
	wt_set_where(t, "the loopback works after the storm");
	{
		u8 *b = kzalloc(1024, GFP_KERNEL);
		ULONG got;

		if (b) {
			wu_fill(b, 123, 9);
			if (wu_write_sync(t, f.lb_out, b, 123) &&
			    T_STATUS(t, STATUS_SUCCESS,
				     wu_read_sync(t, f.lb_in, b + 512, 512, &got, 10000)))
				if (T_EQ(t, 123, got))
					wu_check(t, b + 512, 123, 9);
			kfree(b);
		}
	}
out:
	for (j = 0; w && j < 2; j++)
		for (k = 0; k < WS_SLOTS; k++) {
			wt_delete(t, w[j].req[k]);
			wt_delete(t, w[j].mem[k]);
		}
	wu_close(t, &f);
	if (!t->wedged)
		kfree(w);
	return 0;
}
