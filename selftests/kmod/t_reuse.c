// SPDX-License-Identifier: GPL-2.0
/*
 * Reuse from the completion routine: the routine reuses its request,
 * reformats it (alternating write and read, moving offsets), sets itself
 * again and resends, from whatever context the device completes in:
 * softirq (nullb0), hard IRQ (nullb2), or inline inside submit_bio()
 * (nullb1), where a naive resend would recurse.
 */
#include <linux/sched/task_stack.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include "util.h"
#include "wt_cases.h"

#define WT_REUSE_SLOTS	256

struct wt_reuse {
	struct wt *t;
	WDFIOTARGET target;
	WDFREQUEST request;
	WDFMEMORY memory;
	u8 *buf;
	size_t bs;
	unsigned int n;
	u32 seed_base;

	atomic_t completions;
	bool failed;
	struct completion done;

	atomic_t nest;
	int max_nest;
	unsigned long max_stack;
	atomic_t in_hardirq;
	atomic_t in_softirq;
	atomic_t in_atomic_task;
	atomic_t in_task;
};

static u32 wt_reuse_seed(struct wt_reuse *r, unsigned int pair)
{
	return (r->seed_base + pair) % (BIT(24) - 1) + 1;
}

static u64 wt_reuse_off(struct wt_reuse *r, unsigned int pair)
{
	return (u64)(pair % WT_REUSE_SLOTS) * r->bs;
}

/* Format send @i: pair i / 2, written when i is even, read back when odd */
static NTSTATUS wt_reuse_format(struct wt_reuse *r, unsigned int i)
{
	unsigned int pair = i / 2;
	LONGLONG off = wt_reuse_off(r, pair);

	if (i % 2 == 0) {
		wt_fill(r->buf, r->bs, off, wt_reuse_seed(r, pair));
		return WdfIoTargetFormatRequestForWrite(r->target, r->request,
							r->memory, NULL, &off);
	}
	memset(r->buf, WT_POISON_BYTE, r->bs);
	return WdfIoTargetFormatRequestForRead(r->target, r->request,
					       r->memory, NULL, &off);
}

static EVT_WDF_REQUEST_COMPLETION_ROUTINE wt_reuse_complete;

static VOID wt_reuse_complete(WDFREQUEST Request, WDFIOTARGET Target,
			      PWDF_REQUEST_COMPLETION_PARAMS Params,
			      WDFCONTEXT Context)
{
	struct wt_reuse *r = Context;
	struct wt *t = r->t;
	WDF_REQUEST_REUSE_PARAMS reuse;
	unsigned int i = atomic_read(&r->completions);
	unsigned long sp = (unsigned long)&reuse;
	unsigned long stack = (unsigned long)task_stack_page(current);
	bool finish = false;
	NTSTATUS status;
	int nest;

	nest = atomic_inc_return(&r->nest);
	if (nest > r->max_nest)
		r->max_nest = nest;
	if (in_task() && sp > stack && sp < stack + THREAD_SIZE)
		r->max_stack = max(r->max_stack, stack + THREAD_SIZE - sp);
	if (in_hardirq())
		atomic_inc(&r->in_hardirq);
	else if (in_serving_softirq())
		atomic_inc(&r->in_softirq);
	else if (!preemptible())
		atomic_inc(&r->in_atomic_task);
	else
		atomic_inc(&r->in_task);

	wt_set_where(t, "routine for send %u of %u", i + 1, r->n);
	if (!T_PTR(t, r->request, Request) || !T_PTR(t, r->target, Target) ||
	    !T_STATUS(t, STATUS_SUCCESS, Params->IoStatus.Status) ||
	    !T_EQ(t, r->bs, Params->IoStatus.Information) ||
	    !T_EQ(t, i % 2 ? WdfRequestTypeRead : WdfRequestTypeWrite,
		  Params->Type))
		goto fail;
	if (i % 2 && !wt_verify(t, r->buf, r->bs, wt_reuse_off(r, i / 2),
				wt_reuse_seed(r, i / 2), "read buffer"))
		goto fail;

	i = atomic_inc_return(&r->completions);
	if (i == r->n) {
		finish = true;
		goto out;
	}

	WDF_REQUEST_REUSE_PARAMS_INIT(&reuse, WDF_REQUEST_REUSE_NO_FLAGS,
				      STATUS_SUCCESS);
	status = WdfRequestReuse(Request, &reuse);
	if (!T_STATUS(t, STATUS_SUCCESS, status))
		goto fail;
	status = wt_reuse_format(r, i);
	if (!T_STATUS(t, STATUS_SUCCESS, status))
		goto fail;
	WdfRequestSetCompletionRoutine(Request, wt_reuse_complete, r);
	if (!WdfRequestSend(Request, Target, WDF_NO_SEND_OPTIONS)) {
		T_FAIL(t, "resend %u from the routine: FALSE, status 0x%08X",
		       i + 1, (u32)WdfRequestGetStatus(Request));
		goto fail;
	}
	goto out;
fail:
	r->failed = true;
	finish = true;
out:
	atomic_dec(&r->nest);
	/* Last: the waiter may free @r as soon as it is woken */
	if (finish)
		complete(&r->done);
}

/* Wait while the chain makes progress; fail if it stalls WT_TIMEOUT_S */
static bool wt_reuse_wait(struct wt *t, struct wt_reuse *r)
{
	int last = -1;

	for (;;) {
		int now;

		if (wait_for_completion_timeout(&r->done, WT_TIMEOUT_S * HZ))
			return true;
		now = atomic_read(&r->completions);
		if (now == last)
			break;
		last = now;
	}
	t->wedged = true;
	return T_FAIL(t, "the reuse chain stalled after %d of %u completions",
		      last, r->n);
}

static int wt_reuse_run(struct wt *t, enum wt_dev_id id, unsigned int n)
{
	const struct wt_dev *d = &wt_devs[id];
	struct wt_reuse *r;
	struct wt_bdev bdev;
	unsigned int pairs, s;
	NTSTATUS status;
	u8 *dev_buf = NULL;
	size_t len;

	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	r->t = t;
	r->n = n;
	r->seed_base = wt_next_seed();
	init_completion(&r->done);
	if (wt_bdev_open(t, d, &bdev))
		goto out_free;
	r->bs = bdev.lbs;
	if (!NT_SUCCESS(wt_open_rw(t, d, &r->target)) ||
	    !NT_SUCCESS(wt_request(t, r->target, &r->request)) ||
	    !NT_SUCCESS(wt_memory(t, r->bs, &r->memory, (void **)&r->buf)))
		goto out;

	wt_set_where(t, "%s: first send", d->path);
	status = wt_reuse_format(r, 0);
	if (!T_STATUS(t, STATUS_SUCCESS, status))
		goto out;
	WdfRequestSetCompletionRoutine(r->request, wt_reuse_complete, r);
	if (!T_TRUE(t, WdfRequestSend(r->request, r->target, NULL),
		    "status 0x%08X", (u32)WdfRequestGetStatus(r->request)))
		goto out;
	if (!wt_reuse_wait(t, r))
		goto out;

	wt_set_where(t, "%s after %u sends", d->path, n);
	if (r->failed)
		goto out;
	T_EQ(t, n, atomic_read(&r->completions));
	T_STATUS(t, STATUS_SUCCESS, WdfRequestGetStatus(r->request));
	/* A late or repeated routine call would show after the close */
	wt_close(t, r->target);
	if (t->wedged)
		goto out;
	T_EQ(t, n, atomic_read(&r->completions));

	switch (id) {
	case WT_NULLB0:
		/* The chain must really have gone through atomic context */
		T_TRUE(t, atomic_read(&r->in_softirq) +
			  atomic_read(&r->in_atomic_task) > 0,
		       "no routine ran in softirq/atomic context (hardirq %d, softirq %d, atomic task %d, task %d)",
		       atomic_read(&r->in_hardirq), atomic_read(&r->in_softirq),
		       atomic_read(&r->in_atomic_task),
		       atomic_read(&r->in_task));
		break;
	case WT_NULLB2:
		T_TRUE(t, atomic_read(&r->in_hardirq) > 0,
		       "no routine ran in hard IRQ context (hardirq %d, softirq %d, atomic task %d, task %d)",
		       atomic_read(&r->in_hardirq), atomic_read(&r->in_softirq),
		       atomic_read(&r->in_atomic_task),
		       atomic_read(&r->in_task));
		break;
	default:
		/* Inline completion: bounded nesting and stack */
		T_TRUE(t, atomic_read(&r->in_task) > 0,
		       "no routine ran inline in task context");
		T_LE(t, 4, r->max_nest);
		T_LE(t, THREAD_SIZE * 3 / 4, r->max_stack);
		break;
	}

	/* Every slot holds the pattern of the last pair that wrote it */
	wt_set_where(t, "%s final contents", d->path);
	len = WT_REUSE_SLOTS * r->bs;
	dev_buf = kmalloc(len, GFP_KERNEL);
	if (!dev_buf || !wt_raw_rw(t, &bdev, false, 0, dev_buf, len))
		goto out;
	pairs = n / 2;
	for (s = 0; s < WT_REUSE_SLOTS && s < pairs; s++) {
		unsigned int last = s + (pairs - 1 - s) / WT_REUSE_SLOTS *
				    WT_REUSE_SLOTS;

		if (!wt_verify(t, dev_buf + s * r->bs, r->bs, s * r->bs,
			       wt_reuse_seed(r, last), "slot"))
			break;
	}
out:
	wt_set_where(t, "cleanup");
	kfree(dev_buf);
	wt_delete(t, r->request);
	wt_delete(t, r->memory);
	wt_delete_target(t, r->target);
	wt_bdev_close(&bdev);
out_free:
	if (!t->wedged)
		kfree(r);
	return 0;
}

int wt_reuse_softirq_nullb0(struct wt *t)
{
	return wt_reuse_run(t, WT_NULLB0, 100000);
}

int wt_reuse_hardirq_nullb2(struct wt *t)
{
	return wt_reuse_run(t, WT_NULLB2, 10000);
}

int wt_reuse_inline_nullb1(struct wt *t)
{
	return wt_reuse_run(t, WT_NULLB1, 10000);
}

/*
 * WdfRequestReuse argument checks (KMDF): a bad Size or unknown flags fail
 * STATUS_INVALID_PARAMETER and change nothing; SET_NEW_IRP is
 * STATUS_NOT_SUPPORTED. A good reuse drops the format (a send is then
 * refused), sets the request's status from the params and leaves no
 * completion params.
 */
int wt_reuse_params(struct wt *t)
{
	WDF_REQUEST_COMPLETION_PARAMS params;
	WDF_REQUEST_REUSE_PARAMS reuse;
	WDFIOTARGET target;
	WDFREQUEST request;
	struct wt_fix f;
	struct wt_io *io;
	LONGLONG off = 0;
	NTSTATUS status;

	wt_quiet_verifier(t);
	if (!wt_fix_open(t, &f, WT_NULLB0, 512))
		goto out;
	target = f.target;
	request = f.request;
	io = f.io;

	wt_set_where(t, "reuse of a new request");
	WDF_REQUEST_REUSE_PARAMS_INIT(&reuse, WDF_REQUEST_REUSE_NO_FLAGS,
				      STATUS_SUCCESS);
	T_STATUS(t, STATUS_SUCCESS, WdfRequestReuse(request, &reuse));

	status = WdfIoTargetFormatRequestForRead(target, request, f.memory,
						 NULL, &off);
	if (!T_STATUS(t, STATUS_SUCCESS, status))
		goto out;

	wt_set_where(t, "reuse with a bad Size");
	WDF_REQUEST_REUSE_PARAMS_INIT(&reuse, WDF_REQUEST_REUSE_NO_FLAGS,
				      STATUS_SUCCESS);
	reuse.Size = sizeof(reuse) - 1;
	T_STATUS(t, STATUS_INVALID_PARAMETER, WdfRequestReuse(request, &reuse));
	wt_set_where(t, "reuse with unknown flags");
	WDF_REQUEST_REUSE_PARAMS_INIT(&reuse, 0x100, STATUS_SUCCESS);
	T_STATUS(t, STATUS_INVALID_PARAMETER, WdfRequestReuse(request, &reuse));
	wt_set_where(t, "reuse with SET_NEW_IRP");
	WDF_REQUEST_REUSE_PARAMS_INIT(&reuse, WDF_REQUEST_REUSE_NO_FLAGS,
				      STATUS_SUCCESS);
	WDF_REQUEST_REUSE_PARAMS_SET_NEW_IRP(&reuse, NULL);
	T_STATUS(t, STATUS_NOT_SUPPORTED, WdfRequestReuse(request, &reuse));

	/* The failed reuses changed nothing: the format is still there */
	wt_set_where(t, "send after the failed reuses");
	if (!wt_send_ok(t, request, target, io, 512))
		goto out;

	wt_set_where(t, "after a good reuse");
	WDF_REQUEST_REUSE_PARAMS_INIT(&reuse, WDF_REQUEST_REUSE_NO_FLAGS,
				      STATUS_UNSUCCESSFUL);
	T_STATUS(t, STATUS_SUCCESS, WdfRequestReuse(request, &reuse));
	T_STATUS(t, STATUS_UNSUCCESSFUL, WdfRequestGetStatus(request));
	WDF_REQUEST_COMPLETION_PARAMS_INIT(&params);
	params.Type = WdfRequestTypeRead;
	params.IoStatus.Information = 12345;
	WdfRequestGetCompletionParams(request, &params);
	T_EQ(t, WdfRequestTypeNoFormat, params.Type);
	T_EQ(t, 0, params.IoStatus.Information);
	wt_io_reset(io);
	WdfRequestSetCompletionRoutine(request, wt_io_complete, io);
	T_TRUE(t, !WdfRequestSend(request, target, NULL),
	       "send of a reused (unformatted) request succeeded");
	T_STATUS(t, STATUS_REQUEST_NOT_ACCEPTED, WdfRequestGetStatus(request));
	T_EQ(t, 0, atomic_read(&io->calls));
out:
	wt_fix_close(t, &f);
	return 0;
}
