// SPDX-License-Identifier: GPL-2.0
/*
 * A race storm of timeouts, cancels and completions: two kthreads (one per
 * CPU when there are two) keep WT_SM_SLOTS requests each in flight on
 * wdfio_tb0 (random completion context and delay) and nullb0, with random
 * timeouts (none or 1..20 ms); a timer cancels random requests under a
 * reference. Every send must complete exactly once with SUCCESS, CANCELLED
 * or IO_TIMEOUT (the last only for timed sends), successful reads must
 * carry the data, and no buffer may change after its routine ran.
 */
#include <linux/blkdev.h>
#include <linux/cpumask.h>
#include <linux/crc32.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/random.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/timer.h>

#include "util.h"
#include "wt_cases.h"

#define WT_SM_THREADS	2
#define WT_SM_SLOTS	16
#define WT_SM_TOTAL	100000
#define WT_SM_LEN	SZ_4K
#define WT_SM_OFF	(8 * SZ_1M)

struct wt_sm;
struct wt_sm_thread;

/**
 * struct wt_sm_slot - one request of a storm thread
 * @th: its thread
 * @request: the request (created for target @dev)
 * @memory: its memory, over @b
 * @b: its buffer
 * @dev: 0: wdfio_tb0, 1: nullb0
 * @off: its block on the device
 * @sends: sends that returned TRUE
 * @calls: routine calls
 * @busy: sent, routine not yet run
 * @unchecked: completed, not yet checked by the thread
 * @timed: the last send had a timeout
 * @write: the last send was a write
 * @status: status the routine saw
 * @info: Information the routine saw
 * @crc: crc32 of the buffer when the routine ran
 */
struct wt_sm_slot {
	struct wt_sm_thread *th;
	WDFREQUEST request;
	WDFMEMORY memory;
	struct wt_buf b;
	unsigned int dev;
	u64 off;
	unsigned long sends;
	atomic_long_t calls;
	atomic_t busy;
	bool unchecked;
	bool timed;
	bool write;
	NTSTATUS status;
	ULONG_PTR info;
	u32 crc;
};

struct wt_sm_thread {
	struct wt_sm *sm;
	unsigned int id;
	struct wt_sm_slot slot[WT_SM_SLOTS];
	wait_queue_head_t wq;
	atomic_t idle;		/* routines run since the thread last looked */
	unsigned long sent;
	unsigned long n_success, n_cancelled, n_timeout, n_send_cancelled;
	unsigned long errors;
	char err[160];
	struct completion done;
};

struct wt_sm {
	WDFIOTARGET target[2];
	unsigned long toggles;
	struct wt_bdev bdev[2];
	u32 seed;
	unsigned long per_thread;
	struct wt_sm_thread th[WT_SM_THREADS];
	struct timer_list timer;
	bool stop_timer;
	atomic_long_t cancels, cancels_true;
	atomic_long_t bad_calls;
	unsigned long ticks;
};

static EVT_WDF_REQUEST_COMPLETION_ROUTINE wt_sm_complete;

static VOID wt_sm_complete(WDFREQUEST Request, WDFIOTARGET Target,
			   PWDF_REQUEST_COMPLETION_PARAMS Params,
			   WDFCONTEXT Context)
{
	struct wt_sm_slot *s = Context;
	struct wt_sm_thread *th = s->th;

	s->status = Params->IoStatus.Status;
	s->info = Params->IoStatus.Information;
	s->crc = crc32_le(0, s->b.data, WT_SM_LEN);
	if (atomic_long_inc_return(&s->calls) != s->sends ||
	    Request != s->request)
		atomic_long_inc(&th->sm->bad_calls);
	/* Release: the thread may reuse the slot from here on */
	atomic_set_release(&s->busy, 0);
	atomic_inc(&th->idle);
	wake_up(&th->wq);
}

static __printf(2, 3) void wt_sm_err(struct wt_sm_thread *th,
				     const char *fmt, ...)
{
	va_list ap;

	if (!th->errors++) {
		va_start(ap, fmt);
		vscnprintf(th->err, sizeof(th->err), fmt, ap);
		va_end(ap);
	}
}

static bool wt_sm_pattern_ok(const struct wt_sm_slot *s, u32 seed)
{
	u64 want;
	size_t i;

	for (i = 0; i < WT_SM_LEN; i += 8) {
		want = ((u64)seed << 40) | ((s->off + i) >> 3);
		if (get_unaligned_le64(s->b.data + i) != want)
			return false;
	}
	return true;
}

/* Check the slot's last completion (the routine has run) */
static void wt_sm_check(struct wt_sm_thread *th, struct wt_sm_slot *s)
{
	NTSTATUS st = s->status;

	if (atomic_long_read(&s->calls) != s->sends) {
		wt_sm_err(th, "slot %td: %ld routine calls for %lu sends",
			  s - th->slot, atomic_long_read(&s->calls), s->sends);
		return;
	}
	if (crc32_le(0, s->b.data, WT_SM_LEN) != s->crc)
		wt_sm_err(th, "slot %td (%s, %s): buffer changed after the routine ran (status 0x%08X)",
			  s - th->slot, s->dev ? "nullb0" : "tb0",
			  s->write ? "write" : "read", (u32)st);
	if (st == STATUS_SUCCESS) {
		th->n_success++;
		if (s->info != WT_SM_LEN)
			wt_sm_err(th, "slot %td: SUCCESS with %lu bytes",
				  s - th->slot, (unsigned long)s->info);
		else if (!wt_sm_pattern_ok(s, th->sm->seed))
			wt_sm_err(th, "slot %td (%s, %s): wrong data after SUCCESS",
				  s - th->slot, s->dev ? "nullb0" : "tb0",
				  s->write ? "write" : "read");
	} else if (st == STATUS_CANCELLED) {
		th->n_cancelled++;
	} else if (st == STATUS_IO_TIMEOUT && s->timed) {
		th->n_timeout++;
	} else {
		wt_sm_err(th, "slot %td (%s, %s, %s): status 0x%08X",
			  s - th->slot, s->dev ? "nullb0" : "tb0",
			  s->write ? "write" : "read",
			  s->timed ? "timed" : "untimed", (u32)st);
	}
	if (!NT_SUCCESS(st) && s->info)
		wt_sm_err(th, "slot %td: status 0x%08X with %lu bytes",
			  s - th->slot, (u32)st, (unsigned long)s->info);
}

/* Reuse, format and send slot @s; errors are recorded in @th */
static void wt_sm_send(struct wt_sm_thread *th, struct wt_sm_slot *s)
{
	struct wt_sm *sm = th->sm;
	WDF_REQUEST_REUSE_PARAMS reuse;
	WDF_REQUEST_SEND_OPTIONS opt;
	u32 r = get_random_u32();
	NTSTATUS status;

	WDF_REQUEST_REUSE_PARAMS_INIT(&reuse, WDF_REQUEST_REUSE_NO_FLAGS,
				      STATUS_SUCCESS);
	status = WdfRequestReuse(s->request, &reuse);
	if (status != STATUS_SUCCESS) {
		wt_sm_err(th, "WdfRequestReuse: 0x%08X", (u32)status);
		return;
	}
	s->write = r & 1;
	/* Writes put back the pattern the device holds already */
	if (s->write)
		wt_fill(s->b.data, WT_SM_LEN, s->off, sm->seed);
	else
		memset(s->b.data, WT_POISON_BYTE, WT_SM_LEN);
	status = wt_format_rw(sm->target[s->dev], s->request, s->write,
			      s->memory, NULL, s->off);
	if (status != STATUS_SUCCESS) {
		wt_sm_err(th, "format: 0x%08X", (u32)status);
		return;
	}
	WdfRequestSetCompletionRoutine(s->request, wt_sm_complete, s);
	WDF_REQUEST_SEND_OPTIONS_INIT(&opt, 0);
	s->timed = (r >> 1) % 3 != 0;
	if (s->timed) {
		LONGLONG timeout = WDF_REL_TIMEOUT_IN_MS(1 + (r >> 8) % 20);

		WDF_REQUEST_SEND_OPTIONS_SET_TIMEOUT(&opt, timeout);
	}
	atomic_set(&s->busy, 1);
	s->sends++;
	th->sent++;
	if (WdfRequestSend(s->request, sm->target[s->dev], &opt)) {
		s->unchecked = true;
		return;
	}
	/* Only a cancel that hit the request before the send may fail it */
	s->sends--;
	atomic_set(&s->busy, 0);
	status = WdfRequestGetStatus(s->request);
	if (status != STATUS_CANCELLED)
		wt_sm_err(th, "send: FALSE, 0x%08X", (u32)status);
	else
		th->n_send_cancelled++;
}

static bool wt_sm_any_idle(void *arg)
{
	return atomic_read(&((struct wt_sm_thread *)arg)->idle) > 0;
}

static int wt_sm_thread_fn(void *arg)
{
	struct wt_sm_thread *th = arg;
	unsigned long target = th->sm->per_thread;
	unsigned int i;
	bool more = true;

	while (more) {
		bool any_busy = false;

		atomic_set(&th->idle, 0);
		for (i = 0; i < WT_SM_SLOTS; i++) {
			struct wt_sm_slot *s = &th->slot[i];

			if (atomic_read_acquire(&s->busy)) {
				any_busy = true;
				continue;
			}
			if (s->unchecked) {
				s->unchecked = false;
				wt_sm_check(th, s);
			}
			if (th->errors || th->sent >= target)
				continue;
			wt_sm_send(th, s);
			/*
			 * A send may complete before we look again: its check
			 * is still owed, so go round once more for it.
			 */
			if (atomic_read(&s->busy) || s->unchecked)
				any_busy = true;
		}
		if (th->errors || th->sent >= target)
			more = any_busy;
		if (!more)
			break;
		if (!wait_event_timeout(th->wq, wt_sm_any_idle(th),
					WT_TIMEOUT_S * HZ)) {
			wt_sm_err(th, "no completion within %d s (%lu sent)",
				  WT_TIMEOUT_S, th->sent);
			break;
		}
	}
	/* Wait for the last ones (their checks ran in the loop) */
	complete(&th->done);
	return 0;
}

/* Every jiffy: cancel a few random requests, sometimes retune wdfio_tb0 */
static void wt_sm_tick(struct timer_list *timer)
{
	static const unsigned int delays[] = { 0, 0, 20, 200, 2000, 8000 };
	struct wt_sm *sm = timer_container_of(sm, timer, timer);
	unsigned int i;

	for (i = 0; i < 4; i++) {
		u32 r = get_random_u32();
		struct wt_sm_thread *th = &sm->th[r % WT_SM_THREADS];
		struct wt_sm_slot *s = &th->slot[(r >> 4) % WT_SM_SLOTS];

		if (!atomic_read(&s->busy))
			continue;
		/* The request object lives for the whole storm */
		WdfObjectReference(s->request);
		if (WdfRequestCancelSentRequest(s->request))
			atomic_long_inc(&sm->cancels_true);
		WdfObjectDereference(s->request);
		atomic_long_inc(&sm->cancels);
	}
	if (!(++sm->ticks % 16)) {
		u32 r = get_random_u32();

		wdfio_tb_set_context(WT_TB, r % 4);
		wdfio_tb_set_delay(WT_TB, delays[(r >> 4) % ARRAY_SIZE(delays)]);
	}
	if (!READ_ONCE(sm->stop_timer))
		mod_timer(&sm->timer, jiffies + 1);
}

/*
 * Stop (with a random action) and restart both targets again and again
 * while the storm runs; the targets are left started.
 */
static int wt_sm_toggle_fn(void *arg)
{
	struct wt_sm *sm = arg;

	while (!kthread_should_stop()) {
		u32 r = get_random_u32();
		WDFIOTARGET target = sm->target[r & 1];

		WdfIoTargetStop(target, WdfIoTargetCancelSentIo + (r >> 1) % 3);
		usleep_range(100 + (r >> 4) % 2000, 3000);
		WdfIoTargetStart(target);
		usleep_range(100 + (r >> 12) % 2000, 3000);
		sm->toggles++;
	}
	return 0;
}

static int wt_storm_run(struct wt *t, unsigned long total_sends, bool toggle)
{
	struct task_struct *toggler = NULL;
	static const enum wt_dev_id devs[2] = { WT_TB0, WT_NULLB0 };
	struct task_struct *task[WT_SM_THREADS] = { };
	unsigned int i, j, opened = 0, started = 0;
	unsigned long total = 0, n_success = 0, n_cancelled = 0, n_timeout = 0;
	struct wdfio_tb_stats st;
	struct wt_sm *sm;
	NTSTATUS status;

	if (!wt_tb_reset(t))
		return 0;
	sm = kzalloc(sizeof(*sm), GFP_KERNEL);
	if (!T_TRUE(t, sm, "out of memory"))
		return 0;
	sm->seed = wt_next_seed();
	sm->per_thread = total_sends / WT_SM_THREADS;
	atomic_long_set(&sm->cancels, 0);
	atomic_long_set(&sm->cancels_true, 0);
	atomic_long_set(&sm->bad_calls, 0);
	wt_set_where(t, "setup");
	for (i = 0; i < 2; i++) {
		if (wt_bdev_open(t, &wt_devs[devs[i]], &sm->bdev[i]))
			goto out;
		opened++;
		if (!wt_raw_fill(t, &sm->bdev[i], WT_SM_OFF,
				 WT_SM_THREADS * WT_SM_SLOTS * WT_SM_LEN,
				 sm->seed) ||
		    !NT_SUCCESS(wt_open_rw(t, &wt_devs[devs[i]],
					   &sm->target[i])))
			goto out;
	}
	for (i = 0; i < WT_SM_THREADS; i++) {
		struct wt_sm_thread *th = &sm->th[i];

		th->sm = sm;
		th->id = i;
		init_waitqueue_head(&th->wq);
		init_completion(&th->done);
		for (j = 0; j < WT_SM_SLOTS; j++) {
			struct wt_sm_slot *s = &th->slot[j];

			s->th = th;
			s->dev = j & 1;
			s->off = WT_SM_OFF +
				 (u64)(i * WT_SM_SLOTS + j) * WT_SM_LEN;
			if (wt_buf_alloc(t, &s->b, WT_SM_LEN, false, 0) ||
			    !NT_SUCCESS(wt_request(t, sm->target[s->dev],
						   &s->request)))
				goto out;
			status = WdfMemoryCreatePreallocated(WDF_NO_OBJECT_ATTRIBUTES,
							     s->b.data,
							     WT_SM_LEN,
							     &s->memory);
			if (!T_STATUS(t, STATUS_SUCCESS, status)) {
				s->memory = NULL;
				goto out;
			}
		}
	}

	wt_set_where(t, "storm of %lu requests%s", total_sends,
		     toggle ? ", targets stopped and started" : "");
	timer_setup(&sm->timer, wt_sm_tick, 0);
	mod_timer(&sm->timer, jiffies + 1);
	if (toggle) {
		toggler = kthread_run(wt_sm_toggle_fn, sm, "wdfio_storm_tg");
		if (!T_TRUE(t, !IS_ERR(toggler), "kthread_run: %ld",
			    PTR_ERR(toggler)))
			toggler = NULL;
	}
	for (i = 0; i < WT_SM_THREADS; i++) {
		task[i] = kthread_create(wt_sm_thread_fn, &sm->th[i],
					 "wdfio_storm/%u", i);
		if (!T_TRUE(t, !IS_ERR(task[i]), "kthread_create: %ld",
			    PTR_ERR(task[i])))
			break;
		if (num_online_cpus() >= WT_SM_THREADS && cpu_online(i))
			kthread_bind(task[i], i);
		wake_up_process(task[i]);
		started++;
	}
	for (i = 0; i < started; i++) {
		unsigned int waited = 0;

		/*
		 * Each thread bounds its own waits; this is a backstop, in
		 * 10 s steps so the hung-task detector does not fire on the
		 * debug lane (where the storm takes minutes).
		 */
		while (!wait_for_completion_timeout(&sm->th[i].done, 10 * HZ))
			if (++waited == 60)
				break;
		if (waited == 60) {
			t->wedged = true;
			T_FAIL(t, "storm thread %u did not finish in 600 s", i);
		}
	}
	if (toggler && !t->wedged)
		kthread_stop(toggler);
	WRITE_ONCE(sm->stop_timer, true);
	timer_delete_sync(&sm->timer);
	if (t->wedged)
		goto out;
	if (toggle) {
		T_TRUE(t, sm->toggles, "the targets were never stopped");
		for (i = 0; i < 2; i++)
			T_EQ(t, WdfIoTargetStarted,
			     WdfIoTargetGetState(sm->target[i]));
	}

	wt_set_where(t, "storm results");
	for (i = 0; i < started; i++) {
		struct wt_sm_thread *th = &sm->th[i];

		T_TRUE(t, !th->errors, "thread %u: %lu errors, first: %s", i,
		       th->errors, th->err);
		T_EQ(t, sm->per_thread, th->sent);
		T_EQ(t, th->sent, th->n_success + th->n_cancelled +
			th->n_timeout + th->n_send_cancelled);
		for (j = 0; j < WT_SM_SLOTS; j++) {
			struct wt_sm_slot *s = &th->slot[j];

			T_EQ(t, 0, atomic_read(&s->busy));
			T_EQ(t, s->sends, atomic_long_read(&s->calls));
			wt_buf_guards_ok(t, &s->b, "storm buffer");
		}
		total += th->sent;
		n_success += th->n_success;
		n_cancelled += th->n_cancelled;
		n_timeout += th->n_timeout;
		pr_info("wdfio_test: storm thread %u: %lu sent, %lu success, %lu cancelled, %lu timed out, %lu cancelled before send\n",
			i, th->sent, th->n_success, th->n_cancelled,
			th->n_timeout, th->n_send_cancelled);
	}
	pr_info("wdfio_test: storm: %ld cancels, %ld returned TRUE\n",
		atomic_long_read(&sm->cancels),
		atomic_long_read(&sm->cancels_true));
	T_EQ(t, 0, atomic_long_read(&sm->bad_calls));
	T_EQ(t, sm->per_thread * WT_SM_THREADS, total);
	/* The storm must have exercised every outcome */
	T_TRUE(t, n_success && n_cancelled && n_timeout,
	       "%lu success, %lu cancelled, %lu timed out", n_success,
	       n_cancelled, n_timeout);
	T_TRUE(t, atomic_long_read(&sm->cancels_true),
	       "no cancel returned TRUE (%ld tried)",
	       atomic_long_read(&sm->cancels));
	T_TRUE(t, started == WT_SM_THREADS, "%u threads started", started);

	wt_set_where(t, "after the storm");
	/* Abandoned bios end on their own: wait for wdfio_tb0 to drain */
	wdfio_tb_set_delay(WT_TB, 0);
	for (i = 0; i < WT_TIMEOUT_S * 100; i++) {
		if (wt_tb_stats(t, &st) && !st.inflight && !st.held)
			break;
		usleep_range(10000, 20000);
	}
	if (wt_tb_stats(t, &st)) {
		T_EQ(t, 0, st.inflight);
		T_EQ(t, st.bios_seen, st.bios_completed);
		T_EQ(t, 0, st.bios_failed);
		T_EQ(t, 0, st.violations);
	}
	for (i = 0; i < 2; i++)
		wt_raw_verify(t, &sm->bdev[i], WT_SM_OFF,
			      WT_SM_THREADS * WT_SM_SLOTS * WT_SM_LEN,
			      sm->seed);
out:
	wt_set_where(t, "cleanup");
	if (!t->wedged)
		wt_tb_reset(t);
	for (i = 0; i < WT_SM_THREADS; i++) {
		for (j = 0; j < WT_SM_SLOTS; j++) {
			wt_delete(t, sm->th[i].slot[j].request);
			wt_delete(t, sm->th[i].slot[j].memory);
		}
	}
	for (i = 0; i < 2; i++)
		wt_close(t, sm->target[i]);
	for (i = 0; i < 2; i++)
		wt_delete_target(t, sm->target[i]);
	for (i = 0; i < WT_SM_THREADS; i++)
		for (j = 0; j < WT_SM_SLOTS; j++)
			wt_buf_free(t, &sm->th[i].slot[j].b);
	for (i = 0; i < opened; i++)
		wt_bdev_close(&sm->bdev[i]);
	if (!t->wedged)
		kfree(sm);
	return 0;
}

int wt_storm(struct wt *t)
{
	return wt_storm_run(t, WT_SM_TOTAL, false);
}

int wt_storm_stop_start(struct wt *t)
{
	return wt_storm_run(t, WT_SM_TOTAL / 4, true);
}
