// SPDX-License-Identifier: GPL-2.0
/*
 * The request engine: request states, formats, sending, and completion.
 *
 * This file alone decides when a request completes and calls the driver's
 * completion routine. Backends report results with wdfio_request_io_done().
 *
 * A send moves a request to SENT and sets its completion ownership count
 * (@owners): one count for the backend (or, while the target is stopped, for
 * the pended queue), one for an armed timeout, and one the sender holds
 * until it has handed the request on. Exactly one party drops
 * the backend's count: the backend's own completion, the dispatcher when the
 * request was cancelled before it reached the device, whoever takes it off
 * the pended queue, or a canceller that detached a bio-backed send. The
 * timeout's count is dropped by the timeout work or by whoever cancels the
 * timer. Cancel paths take an extra count only while it is non-zero, as KMDF
 * does. Whoever drops it to zero completes the request: fills the
 * completion params (STATUS_CANCELLED becomes STATUS_IO_TIMEOUT when the
 * timeout started the cancel), takes it off the target's list, calls the
 * completion routine (cleared first, so it runs once per send), wakes a
 * synchronous sender, and drops the references the send took.
 *
 * Timeouts are delayed work on wdfio's workqueue: precise to a jiffy, and
 * the work may free the request it belongs to. A bio cannot be cancelled, so
 * a timed send is detachable: its data goes through wdfio-owned pages and a
 * timeout or cancel completes it at once, while the bios finish on their own.
 *
 * Submission never sleeps where sleeping is illegal: from a context that may
 * sleep the backend builds and submits the bios at once; otherwise the
 * request goes on a per-CPU lock-free list drained by a WQ_MEM_RECLAIM work
 * item, which submits the batch under a plug.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "wdfio.h"
#include "hook.h"

#include <linux/blkdev.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/slab.h>
#include <linux/usb.h>
#include <linux/workqueue.h>

/* Deferred submissions of one CPU. */
struct wdfio_submit_queue {
	struct llist_head list;
	struct work_struct work;
};

static DEFINE_PER_CPU(struct wdfio_submit_queue, wdfio_submitq);
static struct workqueue_struct *wdfio_wq;

/* What a synchronous sender waits for; lives on its stack. */
struct wdfio_sync_wait {
	struct completion done;
	NTSTATUS status;
	ULONG_PTR information;
};

static void wdfio_request_timeout(struct work_struct *work);
static void wdfio_request_put_owner(struct wdfio_request *req);

/* Windows' epoch (1601-01-01 UTC) is this many seconds before Unix's. */
#define WDFIO_EPOCH_DELTA_SEC	11644473600LL

/* Nanoseconds until a WDF timeout (100 ns units; < 0 relative, > 0 absolute). */
static s64 wdfio_timeout_ns(LONGLONG timeout)
{
	s64 ns;

	if (timeout < 0) {
		ns = timeout == S64_MIN ? S64_MAX : -timeout;
		return ns > S64_MAX / 100 ? S64_MAX : ns * 100;
	}
	ns = timeout - WDFIO_EPOCH_DELTA_SEC * 10000000LL;
	ns = ns > S64_MAX / 100 ? S64_MAX : ns * 100;
	ns -= ktime_get_real_ns();
	return ns > 0 ? ns : 0;
}

/*
 * Jiffies to wait for @ns: rounded up, plus one because the current jiffy
 * is already partly gone. The timeout work also checks the monotonic clock
 * and waits again if jiffies ran ahead of it, so a timeout never fires early.
 */
static unsigned long wdfio_ns_to_delay(s64 ns)
{
	if (ns <= 0)
		return 0;
	return min_t(u64, DIV_ROUND_UP_ULL((u64)ns, NSEC_PER_SEC / HZ) + 1,
		     MAX_JIFFY_OFFSET);
}

/*
 * Drop the references a format holds. @f is a copy (or is being freed): it
 * is left as it is, which saves zeroing it on every reuse and reformat.
 */
static void wdfio_format_release(struct wdfio_format *f)
{
	if (f->data.mem)
		wdfio_object_put(&f->data.mem->obj);
	if (f->in.mem)
		wdfio_object_put(&f->in.mem->obj);
	if (f->out.mem)
		wdfio_object_put(&f->out.mem->obj);
	if (f->target)
		wdfio_object_put(&f->target->obj);
}

/* A formatted or sent request is deleted: its format goes (see below). */
static noinline void wdfio_request_dispose_format(struct wdfio_request *req)
{
	struct wdfio_format old;
	unsigned long flags;

	memset(&old, 0, sizeof(old));
	/*
	 * A request deleted while sent keeps its format until the I/O is
	 * done (the buffers are still in use); the last reference frees it.
	 * Unlike wdfio_request_unformat(), the completion params stay: a
	 * routine that deletes its request still reads the params it got.
	 */
	spin_lock_irqsave(&req->lock, flags);
	if (req->state != WDFIO_RQ_SENT) {
		old = req->fmt;
		memset(&req->fmt, 0, sizeof(req->fmt));
		req->state = WDFIO_RQ_IDLE;
	}
	spin_unlock_irqrestore(&req->lock, flags);
	wdfio_format_release(&old);
}

static void wdfio_request_dispose(struct wdfio_object *obj)
{
	struct wdfio_request *req = container_of(obj, struct wdfio_request, obj);

	/*
	 * Never formatted, not sent (a request a filter forwards as it is,
	 * once per bio): nothing to release. Deleting races with nothing
	 * that could format or send it (that would be a driver bug).
	 */
	if (READ_ONCE(req->state) == WDFIO_RQ_IDLE &&
	    req->fmt.op == WDFIO_OP_NONE && !req->fmt.target)
		return;
	wdfio_request_dispose_format(req);
}

static void wdfio_request_release(struct wdfio_object *obj)
{
	struct wdfio_request *req = container_of(obj, struct wdfio_request, obj);

	wdfio_format_release(&req->fmt);
	/* Tested here: a request forwarded per bio never has one. */
	if (req->io_cache)
		wdfio_blk_io_cache_free(req);
	if (req->qr)
		wdfio_qreq_release(req);
}

static const struct wdfio_obj_ops wdfio_request_ops = {
	.type = WDFIO_OBJ_REQUEST,
	.name = "WDFREQUEST",
	.dispose = wdfio_request_dispose,
	.release = wdfio_request_release,
};

/**
 * wdfio_request_create() - allocate a driver-created request
 * @attr: the driver's attributes, or NULL
 * @out: receives the request
 *
 * Context: Any context.
 * Return: STATUS_SUCCESS or the attribute/allocation/parent error.
 */
NTSTATUS wdfio_request_create(PWDF_OBJECT_ATTRIBUTES attr,
			      struct wdfio_request **out)
{
	return wdfio_request_create_presented(attr, 0, out);
}

/* The request's own fields, in a zeroed request whose header is set up. */
static void wdfio_request_setup(struct wdfio_request *req)
{
	spin_lock_init(&req->lock);
	req->state = WDFIO_RQ_IDLE;
	req->status = STATUS_SUCCESS;
	INIT_LIST_HEAD(&req->sent_entry);
	/* WDF_REQUEST_COMPLETION_PARAMS_INIT() without clearing them again */
	req->params.Size = WDF_STRUCTURE_SIZE(WDF_REQUEST_COMPLETION_PARAMS);
	req->params.Type = WdfRequestTypeNoFormat;
}

/**
 * wdfio_request_init_presented() - set up a presented request in place
 * @req: zeroed memory for the request, followed by @qr
 * @free: gives @req back to the cache it came from, at the last reference
 * @qr: the presented part, right after @req
 *
 * For requests without attributes (no context, no callbacks, no parent),
 * which the receiving side allocates from its own cache (queue.c).
 *
 * Context: Any context.
 */
void wdfio_request_init_presented(struct wdfio_request *req,
				  void (*free)(struct wdfio_object *obj),
				  struct wdfio_qreq *qr)
{
	wdfio_object_init(&req->obj, &wdfio_request_ops, free);
	req->qr = qr;
	wdfio_request_setup(req);
}

/**
 * wdfio_request_create_presented() - allocate a request with a presented part
 * @attr: the driver's attributes, or NULL
 * @qr_size: bytes of struct wdfio_qreq to allocate with the request (zeroed,
 *	at @req->qr), or 0 for a driver-created request
 * @out: receives the request
 *
 * Context: Any context.
 * Return: STATUS_SUCCESS or the attribute/allocation/parent error.
 */
NTSTATUS wdfio_request_create_presented(PWDF_OBJECT_ATTRIBUTES attr,
					size_t qr_size,
					struct wdfio_request **out)
{
	struct wdfio_request *req;
	NTSTATUS status;

	status = wdfio_object_check_attributes(attr);
	if (!NT_SUCCESS(status))
		return status;
	req = wdfio_object_alloc(&wdfio_request_ops, sizeof(*req) + qr_size,
				 attr, wdfio_gfp(), &status);
	if (!req)
		return status;
	if (qr_size)
		req->qr = (struct wdfio_qreq *)(req + 1);
	wdfio_request_setup(req);
	status = wdfio_object_link(&req->obj, attr, NULL);
	if (!NT_SUCCESS(status)) {
		wdfio_object_put(&req->obj);
		return status;
	}
	*out = req;
	return STATUS_SUCCESS;
}

/* A USB format's params: Type Usb, pointing at the request's USB params. */
static void wdfio_usb_params_from_format(PWDF_REQUEST_COMPLETION_PARAMS p,
					 PWDF_USB_REQUEST_COMPLETION_PARAMS u,
					 const struct wdfio_format *f)
{
	WDFMEMORY mem = f->data.mem ? wdfio_memory_handle(f->data.mem) : NULL;

	memset(u, 0, sizeof(*u));
	p->Type = WdfRequestTypeUsb;
	p->Parameters.Usb.Completion = u;
	switch (f->op) {
	case WDFIO_OP_USB_READ:
		u->Type = WdfUsbRequestTypePipeRead;
		u->Parameters.PipeRead.Buffer = mem;
		u->Parameters.PipeRead.Offset = f->data.mem_offset;
		break;
	case WDFIO_OP_USB_WRITE:
		u->Type = WdfUsbRequestTypePipeWrite;
		u->Parameters.PipeWrite.Buffer = mem;
		u->Parameters.PipeWrite.Offset = f->data.mem_offset;
		break;
	case WDFIO_OP_USB_CONTROL:
		u->Type = WdfUsbRequestTypeDeviceControlTransfer;
		u->Parameters.DeviceControlTransfer.Buffer = mem;
		u->Parameters.DeviceControlTransfer.SetupPacket = f->setup;
		break;
	case WDFIO_OP_USB_RESET:
		u->Type = WdfUsbRequestTypePipeReset;
		break;
	default:
		u->Type = WdfUsbRequestTypePipeAbort;
		break;
	}
}

/* Completion params as KMDF sets them up at format time. */
static void wdfio_params_from_format(PWDF_REQUEST_COMPLETION_PARAMS p,
				     PWDF_USB_REQUEST_COMPLETION_PARAMS u,
				     const struct wdfio_format *f)
{
	WDF_REQUEST_COMPLETION_PARAMS_INIT(p);
	switch (f->op) {
	case WDFIO_OP_READ:
		p->Type = WdfRequestTypeRead;
		p->Parameters.Read.Buffer = f->data.mem ?
			wdfio_memory_handle(f->data.mem) : NULL;
		p->Parameters.Read.Offset = f->data.mem_offset;
		break;
	case WDFIO_OP_WRITE:
		p->Type = WdfRequestTypeWrite;
		p->Parameters.Write.Buffer = f->data.mem ?
			wdfio_memory_handle(f->data.mem) : NULL;
		p->Parameters.Write.Offset = f->data.mem_offset;
		break;
	case WDFIO_OP_IOCTL:
		p->Type = WdfRequestTypeDeviceControl;
		p->Parameters.Ioctl.IoControlCode = f->ioctl;
		p->Parameters.Ioctl.Input.Buffer = f->in.mem ?
			wdfio_memory_handle(f->in.mem) : NULL;
		p->Parameters.Ioctl.Input.Offset = f->in.mem_offset;
		p->Parameters.Ioctl.Output.Buffer = f->out.mem ?
			wdfio_memory_handle(f->out.mem) : NULL;
		p->Parameters.Ioctl.Output.Offset = f->out.mem_offset;
		break;
	case WDFIO_OP_USB_READ:
	case WDFIO_OP_USB_WRITE:
	case WDFIO_OP_USB_CONTROL:
	case WDFIO_OP_USB_RESET:
	case WDFIO_OP_USB_ABORT:
		wdfio_usb_params_from_format(p, u, f);
		break;
	case WDFIO_OP_NONE:
		break;
	}
}

/**
 * wdfio_request_format() - bind a format to a request
 * @req: the request
 * @fmt: the new format; its references pass to the request on success and
 *	are released on failure: the caller must not use it afterwards
 *
 * Replaces (and releases) any previous format. The completion routine is
 * kept, as in KMDF.
 *
 * Context: Any context.
 * Return: STATUS_SUCCESS, or STATUS_INVALID_DEVICE_STATE if @req is sent.
 */
NTSTATUS wdfio_request_format(struct wdfio_request *req,
			      struct wdfio_format *fmt)
{
	struct wdfio_format old;
	unsigned long flags;

	spin_lock_irqsave(&req->lock, flags);
	if (req->state == WDFIO_RQ_SENT) {
		spin_unlock_irqrestore(&req->lock, flags);
		wdfio_misuse("request %p formatted while sent", req);
		wdfio_format_release(fmt);
		return STATUS_INVALID_DEVICE_STATE;
	}
	old = req->fmt;
	req->fmt = *fmt;
	req->state = WDFIO_RQ_FORMATTED;
	wdfio_params_from_format(&req->params, &req->usb_params, &req->fmt);
	spin_unlock_irqrestore(&req->lock, flags);
	wdfio_format_release(&old);
	return STATUS_SUCCESS;
}

/**
 * wdfio_request_unformat() - drop the format after a failed Format DDI
 * @req: the request
 *
 * KMDF releases the old format before it validates the new one, so a failed
 * format leaves the request unformatted; a sent request is left alone.
 *
 * Context: Any context.
 */
void wdfio_request_unformat(struct wdfio_request *req)
{
	struct wdfio_format old = {};
	unsigned long flags;

	spin_lock_irqsave(&req->lock, flags);
	if (req->state != WDFIO_RQ_SENT) {
		old = req->fmt;
		memset(&req->fmt, 0, sizeof(req->fmt));
		req->state = WDFIO_RQ_IDLE;
		WDF_REQUEST_COMPLETION_PARAMS_INIT(&req->params);
	}
	spin_unlock_irqrestore(&req->lock, flags);
	wdfio_format_release(&old);
}

/**
 * wdfio_request_reuse() - WdfRequestReuse's work
 * @req: the request
 * @status: the status the request starts with
 *
 * Drops the format, the completion routine and the completion params.
 *
 * Context: Any context.
 * Return: STATUS_SUCCESS, or STATUS_INVALID_DEVICE_STATE if @req is sent.
 */
NTSTATUS wdfio_request_reuse(struct wdfio_request *req, NTSTATUS status)
{
	struct wdfio_format old;
	unsigned long flags;

	spin_lock_irqsave(&req->lock, flags);
	if (req->state == WDFIO_RQ_SENT) {
		spin_unlock_irqrestore(&req->lock, flags);
		wdfio_misuse("request %p reused while sent", req);
		return STATUS_INVALID_DEVICE_STATE;
	}
	old = req->fmt;
	memset(&req->fmt, 0, sizeof(req->fmt));
	req->state = WDFIO_RQ_IDLE;
	req->status = status;
	req->information = 0;
	req->routine = NULL;
	req->routine_ctx = NULL;
	clear_bit(WDFIO_RQF_CANCELED, &req->rflags);
	WDF_REQUEST_COMPLETION_PARAMS_INIT(&req->params);
	spin_unlock_irqrestore(&req->lock, flags);
	wdfio_format_release(&old);
	return STATUS_SUCCESS;
}

/*
 * Completion routines run as at DISPATCH_LEVEL: a send from inside one is
 * always handed to the workqueue. Submitting inline there would re-enter the
 * block layer from its own completion (a plug being flushed, a device that
 * completes inside submit_bio()) and, in a reuse loop, recurse without
 * bound. The count is per CPU; the routine runs with migration disabled, so
 * its own reads are exact, and a stale read elsewhere only defers a send.
 */
static DEFINE_PER_CPU(unsigned int, wdfio_in_routine);

static bool wdfio_submit_inline_ok(void)
{
	return wdfio_can_sleep() && !this_cpu_read(wdfio_in_routine);
}

/* Hand a sent request to the backend. */
static void wdfio_request_dispatch(struct wdfio_request *req, gfp_t gfp)
{
	if (wdfio_op_is_usb(req->fmt.op))
		wdfio_usb_start(req, gfp);
	else
		wdfio_blk_start(req, gfp);
}

static void wdfio_submit_work(struct work_struct *work)
{
	struct wdfio_submit_queue *q =
		container_of(work, struct wdfio_submit_queue, work);
	struct wdfio_request *req, *next;
	struct llist_node *batch;
	struct blk_plug plug;

	batch = llist_reverse_order(llist_del_all(&q->list));
	blk_start_plug(&plug);
	/* A request may be completed and resent once dispatched: read next first. */
	llist_for_each_entry_safe(req, next, batch, submit_node)
		wdfio_request_dispatch(req, GFP_NOIO);
	blk_finish_plug(&plug);
}

/**
 * wdfio_request_start_io() - hand an admitted request to the backend
 * @req: a sent request the target decided to send now
 *
 * Context: Any context: submits at once where sleeping is allowed, else
 * defers to wdfio's workqueue.
 */
void wdfio_request_start_io(struct wdfio_request *req)
{
	struct wdfio_submit_queue *q;

	/*
	 * usb_submit_urb() takes any context and never completes inside
	 * itself: a USB send is submitted at once, even from a completion
	 * routine, and cannot recurse.
	 */
	if (wdfio_op_is_usb(req->fmt.op)) {
		wdfio_usb_start(req, wdfio_gfp());
		return;
	}
	if (wdfio_submit_inline_ok()) {
		wdfio_request_dispatch(req, GFP_NOIO);
		return;
	}
	q = get_cpu_ptr(&wdfio_submitq);
	if (llist_add(&req->submit_node, &q->list))
		queue_work_on(smp_processor_id(), wdfio_wq, &q->work);
	put_cpu_ptr(&wdfio_submitq);
}

/* Flags a send leaves behind; each send starts without them. */
#define WDFIO_RQF_SEND_MASK						\
	(BIT(WDFIO_RQF_TIMER) | BIT(WDFIO_RQF_TIMED_OUT) |		\
	 BIT(WDFIO_RQF_DETACHABLE) | BIT(WDFIO_RQF_IGNORE_STATE) |	\
	 BIT(WDFIO_RQF_PENDED) | BIT(WDFIO_RQF_ABORT) |			\
	 BIT(WDFIO_RQF_SWEPT) | BIT(WDFIO_RQF_COUNTED) |		\
	 BIT(WDFIO_RQF_IO_DONE) | BIT(WDFIO_RQF_ADMITTING))

/*
 * Move a formatted request to SENT and hand it to the target and backend.
 * Returns STATUS_PENDING when sent (or pended). STATUS_WDF_REQUEST_ALREADY_PENDING
 * means it was already sent: nothing was touched. Any other status is the
 * reason it was not sent; it is also stored as the request's status.
 */
static NTSTATUS wdfio_request_submit(struct wdfio_request *req,
				     struct wdfio_target *t,
				     struct wdfio_sync_wait *sync,
				     PWDF_REQUEST_SEND_OPTIONS options)
{
	ULONG oflags = options ? options->Flags : 0;
	bool timed = (oflags & WDF_REQUEST_SEND_OPTION_TIMEOUT) &&
		     options->Timeout;
	s64 ns = timed ? wdfio_timeout_ns(options->Timeout) : 0;
	unsigned long delay = wdfio_ns_to_delay(ns);
	enum wdfio_admit admit;
	unsigned long flags;
	NTSTATUS status;

	spin_lock_irqsave(&req->lock, flags);
	if (req->state == WDFIO_RQ_SENT) {
		spin_unlock_irqrestore(&req->lock, flags);
		wdfio_misuse("request %p is already sent", req);
		return STATUS_WDF_REQUEST_ALREADY_PENDING;
	}
	if (req->state != WDFIO_RQ_FORMATTED) {
		status = STATUS_REQUEST_NOT_ACCEPTED;
		goto fail_locked;
	}
	if (req->fmt.target != t) {
		status = STATUS_INVALID_DEVICE_REQUEST;
		goto fail_locked;
	}
	/* Cancelled before it was sent: KMDF fails it until reused. */
	if (test_bit(WDFIO_RQF_CANCELED, &req->rflags)) {
		status = STATUS_CANCELLED;
		goto fail_locked;
	}
	req->state = WDFIO_RQ_SENT;
	req->status = STATUS_PENDING;
	req->information = 0;
	req->sync_done = sync ? &sync->done : NULL;
	req->send_target = t;
	req->io = NULL;
	req->urb = NULL;
	req->usbd = USBD_STATUS_SUCCESS;
	req->rflags &= ~WDFIO_RQF_SEND_MASK;
	if (timed) {
		/* Set up at the first timed send: most requests never have one. */
		if (!req->timeout_work.work.func)
			INIT_DELAYED_WORK(&req->timeout_work,
					  wdfio_request_timeout);
		__set_bit(WDFIO_RQF_TIMER, &req->rflags);
		__set_bit(WDFIO_RQF_DETACHABLE, &req->rflags);
		req->deadline = ktime_add_ns(ktime_get(), ns);
	}
	if (oflags & WDF_REQUEST_SEND_OPTION_IGNORE_TARGET_STATE)
		__set_bit(WDFIO_RQF_IGNORE_STATE, &req->rflags);
	__set_bit(WDFIO_RQF_ADMITTING, &req->rflags);
	/*
	 * One count more than the send needs, for this thread: once admitted,
	 * a pended request can be taken off and completed by a Stop or Purge,
	 * and we still have to look at CANCELED and start the I/O.
	 */
	atomic_set(&req->owners, timed ? 3 : 2);
	spin_unlock_irqrestore(&req->lock, flags);

	/* The send's reference; dropped after the completion routine. */
	wdfio_object_get(&req->obj);
	wdfio_hook(WDFIO_HOOK_ADMIT, wdfio_request_handle(req));
	status = wdfio_target_admit(t, req, timed, delay, &admit);
	if (!NT_SUCCESS(status)) {
		/* No canceller took a count: ADMITTING kept them out. */
		spin_lock_irqsave(&req->lock, flags);
		clear_bit(WDFIO_RQF_ADMITTING, &req->rflags);
		req->state = WDFIO_RQ_FORMATTED;
		req->sync_done = NULL;
		req->send_target = NULL;
		req->status = status;
		spin_unlock_irqrestore(&req->lock, flags);
		wdfio_object_put(&req->obj);
		return status;
	}
	/*
	 * wdfio_request_cancel() sets CANCELED, then looks at ADMITTING.
	 * Either it sees ADMITTING clear and cancels itself, or we see
	 * CANCELED here (or both: cancelling twice is harmless).
	 */
	clear_bit(WDFIO_RQF_ADMITTING, &req->rflags);
	/* ADMITTING is clear before we read CANCELED; pairs with the cancel */
	smp_mb__after_atomic();
	if (test_bit(WDFIO_RQF_CANCELED, &req->rflags))
		wdfio_request_cancel_io(req);
	if (admit == WDFIO_ADMIT_SEND)
		wdfio_request_start_io(req);
	wdfio_request_put_owner(req);
	return STATUS_PENDING;

fail_locked:
	req->status = status;
	req->information = 0;
	spin_unlock_irqrestore(&req->lock, flags);
	return status;
}

/**
 * wdfio_request_fail() - record why a request was not sent
 * @req: the request
 * @status: the reason
 *
 * A request that is sent is left alone: its send owns the status.
 *
 * Context: Any context.
 */
void wdfio_request_fail(struct wdfio_request *req, NTSTATUS status)
{
	unsigned long flags;

	spin_lock_irqsave(&req->lock, flags);
	if (req->state != WDFIO_RQ_SENT) {
		req->status = status;
		req->information = 0;
	}
	spin_unlock_irqrestore(&req->lock, flags);
}

/**
 * wdfio_check_send_options() - validate WDF_REQUEST_SEND_OPTIONS
 * @options: options, or NULL
 * @sync_ddi: for a Send*Synchronously DDI (SEND_AND_FORGET not allowed)
 *
 * Context: Any context.
 * Return: STATUS_SUCCESS; STATUS_INFO_LENGTH_MISMATCH for a bad Size;
 * STATUS_INVALID_PARAMETER for unknown flags or SEND_AND_FORGET mixed with
 * other flags (KMDF).
 */
NTSTATUS wdfio_check_send_options(PWDF_REQUEST_SEND_OPTIONS options,
				  bool sync_ddi)
{
	const ULONG valid = WDF_REQUEST_SEND_OPTION_TIMEOUT |
			    WDF_REQUEST_SEND_OPTION_SYNCHRONOUS |
			    WDF_REQUEST_SEND_OPTION_IGNORE_TARGET_STATE |
			    WDF_REQUEST_SEND_OPTION_SEND_AND_FORGET;
	ULONG flags;

	if (!options)
		return STATUS_SUCCESS;
	if (options->Size != sizeof(*options))
		return STATUS_INFO_LENGTH_MISMATCH;
	flags = options->Flags;
	if (flags & ~valid)
		return STATUS_INVALID_PARAMETER;
	if ((flags & WDF_REQUEST_SEND_OPTION_SEND_AND_FORGET) &&
	    (sync_ddi || flags != WDF_REQUEST_SEND_OPTION_SEND_AND_FORGET))
		return STATUS_INVALID_PARAMETER;
	return STATUS_SUCCESS;
}

/*
 * Send and wait for the completion routine to have run. Returns whether the
 * request was sent; *status is its final status, or why it was not sent.
 */
static bool wdfio_request_wait(struct wdfio_request *req,
			       struct wdfio_target *t,
			       PWDF_REQUEST_SEND_OPTIONS options,
			       NTSTATUS *status, ULONG_PTR *information)
{
	struct wdfio_sync_wait sync;
	bool sent;

	init_completion(&sync.done);
	sync.status = STATUS_PENDING;
	sync.information = 0;
	/* Keep the request valid across the wait whatever its routine does. */
	wdfio_object_get(&req->obj);
	*status = wdfio_request_submit(req, t, &sync, options);
	sent = *status == STATUS_PENDING;
	if (sent) {
		wait_for_completion_io(&sync.done);
		*status = sync.status;
		if (information)
			*information = sync.information;
	}
	wdfio_object_put(&req->obj);
	return sent;
}

/**
 * wdfio_request_send() - WdfRequestSend's work, after handle checks
 * @req: the request
 * @t: the target
 * @options: send options, or NULL
 *
 * Context: Any context for asynchronous sends; synchronous sends need a
 * context that may sleep.
 * Return: TRUE if the request was sent (a synchronous send has then also
 * completed); FALSE if not, with the reason in its status.
 */
BOOLEAN wdfio_request_send(struct wdfio_request *req, struct wdfio_target *t,
			   PWDF_REQUEST_SEND_OPTIONS options)
{
	NTSTATUS status = wdfio_check_send_options(options, false);
	ULONG flags = options ? options->Flags : 0;

	if (!NT_SUCCESS(status)) {
		/* KMDF reports any option error as STATUS_INVALID_PARAMETER. */
		wdfio_misuse("bad send options (%#x)", status);
		wdfio_request_fail(req, STATUS_INVALID_PARAMETER);
		return FALSE;
	}
	if (req->qr) {
		bool forwarded;

		/* Presented by a queue: the receiving side's rules (queue.c). */
		status = wdfio_qreq_before_send(req, t, flags, &forwarded);
		if (!NT_SUCCESS(status)) {
			wdfio_request_fail(req, status);
			return FALSE;
		}
		if (forwarded)
			return TRUE;
	} else if (flags & WDF_REQUEST_SEND_OPTION_SEND_AND_FORGET) {
		/* Only requests a queue presented may be sent and forgotten. */
		wdfio_misuse("SEND_AND_FORGET of a driver-created request");
		wdfio_request_fail(req, STATUS_INVALID_DEVICE_STATE);
		return FALSE;
	}
	if (flags & WDF_REQUEST_SEND_OPTION_SYNCHRONOUS) {
		if (!wdfio_can_sleep()) {
			wdfio_misuse("synchronous send from atomic context");
			wdfio_request_fail(req, STATUS_INVALID_DEVICE_REQUEST);
			return FALSE;
		}
		/* TRUE when sent, whatever the final status (KMDF). */
		return wdfio_request_wait(req, t, options, &status, NULL);
	}
	if (wdfio_request_submit(req, t, NULL, options) == STATUS_PENDING)
		return TRUE;
	if (req->qr && (flags & WDF_REQUEST_SEND_OPTION_SEND_AND_FORGET))
		wdfio_qreq_send_failed(req);
	return FALSE;
}

/**
 * wdfio_request_send_sync() - send and wait, for the Send*Synchronously DDIs
 * @req: a formatted request
 * @t: its target
 * @options: send options, or NULL (already validated)
 * @information: receives IoStatus.Information, optional
 *
 * With a timeout the wait ends by the deadline even if the device never
 * answers (the send is detached, see blk.c).
 *
 * Context: Process context, may sleep (checked by the callers).
 * Return: the request's final status, or why it could not be sent.
 */
NTSTATUS wdfio_request_send_sync(struct wdfio_request *req,
				 struct wdfio_target *t,
				 PWDF_REQUEST_SEND_OPTIONS options,
				 ULONG_PTR *information)
{
	NTSTATUS status;

	might_sleep();
	if (information)
		*information = 0;
	wdfio_request_wait(req, t, options, &status, information);
	if (status == STATUS_WDF_REQUEST_ALREADY_PENDING)
		status = STATUS_INVALID_DEVICE_STATE;
	return status;
}

/*
 * A USB request's completion params: the USBD_STATUS, and the bytes moved
 * (KMDF copies the URB's TransferBufferLength, on failure too). A request
 * that never reached the bus reports USBD_STATUS_CANCELED when cancelled.
 */
static void wdfio_usb_params_complete(struct wdfio_request *req)
{
	PWDF_USB_REQUEST_COMPLETION_PARAMS u = &req->usb_params;

	if (req->usbd == USBD_STATUS_SUCCESS && !NT_SUCCESS(req->status) &&
	    (req->status == STATUS_CANCELLED ||
	     req->status == STATUS_IO_TIMEOUT))
		req->usbd = USBD_STATUS_CANCELED;
	u->UsbdStatus = req->usbd;
	switch (req->fmt.op) {
	case WDFIO_OP_USB_READ:
		u->Parameters.PipeRead.Length = req->information;
		break;
	case WDFIO_OP_USB_WRITE:
		u->Parameters.PipeWrite.Length = req->information;
		break;
	case WDFIO_OP_USB_CONTROL:
		u->Parameters.DeviceControlTransfer.Length = req->information;
		break;
	default:
		break;
	}
}

/* Completion params and ownership hand-off, then the driver's routine. */
static void wdfio_request_complete(struct wdfio_request *req)
{
	PFN_WDF_REQUEST_COMPLETION_ROUTINE routine;
	struct wdfio_sync_wait *sync = NULL;
	struct wdfio_bio_io *io;
	struct wdfio_target *t;
	struct urb *urb;
	bool counted, detachable;
	unsigned long flags;
	WDFCONTEXT ctx;

	spin_lock_irqsave(&req->lock, flags);
	/* A cancel the timeout started reports a timeout (KMDF). */
	if (req->status == STATUS_CANCELLED &&
	    test_bit(WDFIO_RQF_TIMED_OUT, &req->rflags))
		req->status = STATUS_IO_TIMEOUT;
	routine = req->routine;
	ctx = req->routine_ctx;
	req->routine = NULL;
	req->routine_ctx = NULL;
	if (req->sync_done)
		sync = container_of(req->sync_done, struct wdfio_sync_wait, done);
	req->sync_done = NULL;
	t = req->send_target;
	req->send_target = NULL;
	io = req->io;
	req->io = NULL;
	urb = req->urb;
	req->urb = NULL;
	detachable = test_bit(WDFIO_RQF_DETACHABLE, &req->rflags);
	counted = test_bit(WDFIO_RQF_COUNTED, &req->rflags);
	req->params.IoStatus.Status = req->status;
	req->params.IoStatus.Information = req->information;
	switch (req->fmt.op) {
	case WDFIO_OP_READ:
		req->params.Parameters.Read.Length = req->information;
		break;
	case WDFIO_OP_WRITE:
		req->params.Parameters.Write.Length = req->information;
		break;
	case WDFIO_OP_IOCTL:
		req->params.Parameters.Ioctl.Output.Length = req->information;
		break;
	case WDFIO_OP_USB_READ:
	case WDFIO_OP_USB_WRITE:
	case WDFIO_OP_USB_CONTROL:
	case WDFIO_OP_USB_RESET:
	case WDFIO_OP_USB_ABORT:
		wdfio_usb_params_complete(req);
		break;
	case WDFIO_OP_NONE:
		break;
	}
	req->state = WDFIO_RQ_DONE;
	if (sync) {
		sync->status = req->status;
		sync->information = req->information;
	}
	spin_unlock_irqrestore(&req->lock, flags);

	if (io && detachable)
		wdfio_blk_io_put(io);
	usb_free_urb(urb);
	wdfio_target_sent_done(t, req);
	if (routine) {
		bool task = in_task();

		if (task)
			migrate_disable();
		this_cpu_inc(wdfio_in_routine);
		routine(wdfio_request_handle(req), wdfio_target_handle(t),
			&req->params, ctx);
		this_cpu_dec(wdfio_in_routine);
		if (task)
			migrate_enable();
	}
	if (sync)
		complete(&sync->done);
	/*
	 * The send's reference before the target's counts: if it is the last,
	 * the driver's cleanup and destroy callbacks run now, while the pin on
	 * the driver's module is held and before Close or Stop can return.
	 * @t stays alive on the send's reference, dropped by io_done.
	 */
	wdfio_object_put(&req->obj);
	wdfio_target_io_done(t, counted);
}

/* Drop one completion-ownership count; the last one completes. */
static void wdfio_request_put_owner(struct wdfio_request *req)
{
	if (atomic_dec_and_test(&req->owners))
		wdfio_request_complete(req);
}

/**
 * wdfio_request_io_done() - the backend's count: report a send's result
 * @req: the sent request
 * @status: final NTSTATUS
 * @information: bytes transferred (0 on failure)
 *
 * Called exactly once per send by whoever holds the backend's count (the
 * backend, the dispatcher, the remover from the pended queue, or a canceller
 * that detached the I/O). Stops a pending timeout.
 *
 * Context: Any context (hard IRQ, soft IRQ, task).
 */
void wdfio_request_io_done(struct wdfio_request *req, NTSTATUS status,
			   ULONG_PTR information)
{
	req->status = status;
	req->information = information;
	/*
	 * A timeout still pending will not run: drop its count for it. One
	 * that is running drops its own: it finds nothing left to cancel, or
	 * sees WDFIO_RQF_IO_DONE instead of re-arming itself.
	 */
	if (test_bit(WDFIO_RQF_TIMER, &req->rflags)) {
		set_bit(WDFIO_RQF_IO_DONE, &req->rflags);
		/* IO_DONE is visible before we look for a pending timeout */
		smp_mb__after_atomic();
		if (cancel_delayed_work(&req->timeout_work))
			atomic_dec(&req->owners);
	}
	wdfio_request_put_owner(req);
}

/**
 * wdfio_request_publish_io() - the backend is about to touch the device
 * @req: the sent request
 * @io: the backend's I/O context (a detachable send holds a reference)
 *
 * From here on a cancel can only detach the I/O. A request cancelled before
 * this point must not reach the device: the backend then reports
 * STATUS_CANCELLED instead.
 *
 * Context: Any context.
 * Return: false if the request was cancelled first.
 */
bool wdfio_request_publish_io(struct wdfio_request *req,
			      struct wdfio_bio_io *io)
{
	unsigned long flags;
	bool ok;

	spin_lock_irqsave(&req->lock, flags);
	ok = !test_bit(WDFIO_RQF_ABORT, &req->rflags);
	if (ok)
		req->io = io;
	spin_unlock_irqrestore(&req->lock, flags);
	return ok;
}

/**
 * wdfio_request_publish_urb() - a USB send's urb is about to be submitted
 * @req: the sent request
 * @urb: its urb; on success the request holds a reference until it completes
 *
 * From here on a cancel unlinks @urb. A cancel that comes between this call
 * and the submission finds the urb not linked yet: the backend checks
 * WDFIO_RQF_ABORT after submitting and unlinks it itself.
 *
 * Context: Any context.
 * Return: false if the request was cancelled first (do not submit).
 */
bool wdfio_request_publish_urb(struct wdfio_request *req, struct urb *urb)
{
	unsigned long flags;
	bool ok;

	spin_lock_irqsave(&req->lock, flags);
	ok = !test_bit(WDFIO_RQF_ABORT, &req->rflags);
	if (ok)
		req->urb = usb_get_urb(urb);
	spin_unlock_irqrestore(&req->lock, flags);
	return ok;
}

/**
 * wdfio_request_cancel_io() - try to end a sent request now
 * @req: a sent request; the caller holds a completion-ownership count
 *
 * A pended request is taken off its target's queue and reports
 * STATUS_CANCELLED. One that has not reached the backend yet is marked so it
 * never will. One in the backend is detached if its send allows it (a timed
 * send); a bio without that cannot be recalled, and is left to finish.
 *
 * Context: Any context.
 * Return: true if the request will end as cancelled (it may already have).
 */
bool wdfio_request_cancel_io(struct wdfio_request *req)
{
	struct wdfio_bio_io *io;
	unsigned long flags;
	bool detached;

	/* Either takes it off the pended queue or marks it ABORT. */
	if (wdfio_target_unpend(req->send_target, req)) {
		wdfio_request_io_done(req, STATUS_CANCELLED, 0);
		return true;
	}
	spin_lock_irqsave(&req->lock, flags);
	if (req->urb) {
		struct urb *urb = usb_get_urb(req->urb);

		spin_unlock_irqrestore(&req->lock, flags);
		/* Unlinked urbs complete with -ECONNRESET: STATUS_CANCELLED. */
		return wdfio_usb_cancel(req, urb);
	}
	io = req->io;
	if (!io) {
		/* Not in the backend yet: ABORT stops it at publication. */
		spin_unlock_irqrestore(&req->lock, flags);
		return true;
	}
	if (!test_bit(WDFIO_RQF_DETACHABLE, &req->rflags)) {
		spin_unlock_irqrestore(&req->lock, flags);
		return false;
	}
	wdfio_blk_io_get(io);
	spin_unlock_irqrestore(&req->lock, flags);

	detached = wdfio_blk_detach(io, req);
	wdfio_blk_io_put(io);
	if (detached)
		wdfio_request_io_done(req, STATUS_CANCELLED, 0);
	return detached;
}

/**
 * wdfio_request_cancel() - WdfRequestCancelSentRequest's work
 * @req: the request
 *
 * Marks the request cancelled (a request not sent yet then fails its next
 * send with STATUS_CANCELLED until reused) and, if it is sent, tries to end
 * it. If that makes it complete, the completion routine runs on this thread.
 *
 * Context: Any context.
 * Return: TRUE if the sent request will end cancelled; FALSE if it was not
 * sent, had completed, or is a bio that cannot be recalled.
 */
BOOLEAN wdfio_request_cancel(struct wdfio_request *req)
{
	unsigned long flags;
	bool owned, ret;

	spin_lock_irqsave(&req->lock, flags);
	set_bit(WDFIO_RQF_CANCELED, &req->rflags);
	/* Pairs with the sender's clear of ADMITTING (wdfio_request_submit). */
	smp_mb__after_atomic();
	owned = req->state == WDFIO_RQ_SENT &&
		!test_bit(WDFIO_RQF_ADMITTING, &req->rflags) &&
		atomic_inc_not_zero(&req->owners);
	spin_unlock_irqrestore(&req->lock, flags);
	if (!owned)
		return FALSE;
	ret = wdfio_request_cancel_io(req);
	wdfio_request_put_owner(req);
	return ret;
}

static void wdfio_request_timeout(struct work_struct *work)
{
	struct wdfio_request *req = container_of(to_delayed_work(work),
						 struct wdfio_request,
						 timeout_work);

	s64 left = ktime_to_ns(ktime_sub(req->deadline, ktime_get()));

	/*
	 * Jiffies ran ahead of the monotonic clock: wait for the rest, unless
	 * the I/O already finished (its cancel_delayed_work() found us running
	 * and left our count to us). Nothing of @req may be touched once the
	 * work is re-armed: the I/O may then finish, take the work back, and
	 * complete and free the request. An I/O that finishes between the test
	 * and the re-arm completes when the re-armed work runs.
	 */
	if (left > 0) {
		if (test_bit(WDFIO_RQF_IO_DONE, &req->rflags)) {
			wdfio_request_put_owner(req);
			return;
		}
		wdfio_queue_delayed_work(&req->timeout_work,
					 wdfio_ns_to_delay(left));
		return;
	}
	/* We hold the timeout's count: the request cannot complete under us. */
	set_bit(WDFIO_RQF_TIMED_OUT, &req->rflags);
	wdfio_request_cancel_io(req);
	/* May complete and free the request: the work item may be freed too. */
	wdfio_request_put_owner(req);
}

/**
 * wdfio_request_sweep() - cancel for a target's Stop, Purge or Close
 * @req: a request on the target's sent list
 *
 * Context: Any context. Called with no lock held.
 * Return: nothing; the request may have completed on this thread.
 */
void wdfio_request_sweep(struct wdfio_request *req)
{
	wdfio_request_cancel_io(req);
	wdfio_request_put_owner(req);
}

int wdfio_request_init(void)
{
	int cpu;

	wdfio_wq = alloc_workqueue("wdfio", WQ_MEM_RECLAIM | WQ_HIGHPRI | WQ_PERCPU,
				   0);
	if (!wdfio_wq)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		struct wdfio_submit_queue *q = per_cpu_ptr(&wdfio_submitq, cpu);

		init_llist_head(&q->list);
		INIT_WORK(&q->work, wdfio_submit_work);
	}
	return 0;
}

void wdfio_request_exit(void)
{
	/* Every client module is gone: nothing can queue more work. */
	destroy_workqueue(wdfio_wq);
}

/**
 * wdfio_queue_work() - run @work on wdfio's workqueue
 * @work: the work
 *
 * Context: Any context.
 */
void wdfio_queue_work(struct work_struct *work)
{
	queue_work(wdfio_wq, work);
}

/**
 * wdfio_queue_delayed_work() - run @dwork on wdfio's workqueue after @delay
 * @dwork: the work
 * @delay: jiffies
 *
 * Context: Any context.
 */
void wdfio_queue_delayed_work(struct delayed_work *dwork, unsigned long delay)
{
	queue_delayed_work(wdfio_wq, dwork, delay);
}

/**
 * wdfio_mod_delayed_work() - (re)arm @dwork on wdfio's workqueue
 * @dwork: the work
 * @delay: jiffies from now
 *
 * Context: Any context.
 */
void wdfio_mod_delayed_work(struct delayed_work *dwork, unsigned long delay)
{
	mod_delayed_work(wdfio_wq, dwork, delay);
}
