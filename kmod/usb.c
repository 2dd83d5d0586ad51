// SPDX-License-Identifier: GPL-2.0
/*
 * USB backend: a sent request becomes one urb, and the urb's end becomes one
 * wdfio_request_io_done() with the NTSTATUS and USBD_STATUS of status.c's
 * table.
 *
 * Submission takes any context (usb_submit_urb() with GFP_ATOMIC where
 * sleeping is not allowed) and never completes inside itself, so a send from
 * a completion routine is submitted at once. Cancellation (WdfRequest-
 * CancelSentRequest, a timeout, a target's Stop/Purge/Close) is
 * usb_unlink_urb(): asynchronous, legal from any context up to hard IRQ, and
 * the urb then ends with -ECONNRESET, i.e. STATUS_CANCELLED (STATUS_IO_TIMEOUT
 * for a timeout). Nothing here sleeps except the reset/abort work.
 *
 * Buffers: an urb needs memory the controller can reach (kmalloc or page
 * memory, never vmalloc or the stack). A driver buffer that is not in the
 * linear map is bounced through a kmalloc copy; IN data is copied back in
 * the completion handler, before the request completes. An urb always ends
 * before its request completes (no detaching, unlike block I/O), so the
 * driver's buffer is never touched after its completion routine ran.
 *
 * Removal: when the gadget or device goes away, urbs in flight may first end
 * with a transport error (-EPROTO, -EILSEQ, -ETIME) before the hub driver has
 * seen the disconnect. Such an urb is parked for at most
 * WDFIO_USB_SUSPECT_MS; if the device is found disconnected meanwhile it
 * reports STATUS_NO_SUCH_DEVICE / USBD_STATUS_DEVICE_GONE, otherwise its own
 * error. So every request of a device that disappears ends with the
 * device-gone status, whichever way the controller noticed first.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "wdfio_usb.h"

#include <linux/mm.h>
#include <linux/sched/task_stack.h>
#include <linux/slab.h>

#define WDFIO_USB_SUSPECT_MS	1000
#define WDFIO_USB_SUSPECT_POLL	msecs_to_jiffies(10)

/**
 * struct wdfio_urb_ctx - what one urb needs besides the urb
 * @setup: the setup packet of a control transfer (kmalloc memory: DMA-able)
 * @req: the request
 * @dev: the device
 * @pipe: the pipe, or NULL for a control transfer on the default pipe
 * @urb: the urb (this context holds the allocation's reference)
 * @bounce: kmalloc copy of the driver's buffer, or NULL
 * @dst: the driver's buffer (IN data is copied back to it)
 * @in: device-to-host transfer
 * @status: the urb's status, saved while parked as a suspect
 * @actual: its actual_length, idem
 * @since: jiffies when it was parked
 * @suspect: on @dev's suspect list
 */
struct wdfio_urb_ctx {
	struct usb_ctrlrequest setup;
	struct wdfio_request *req;
	struct wdfio_usb_device *dev;
	struct wdfio_usb_pipe *pipe;
	struct urb *urb;
	void *bounce;
	void *dst;
	bool in;
	int status;
	u32 actual;
	unsigned long since;
	struct list_head suspect;
};

/* Errors a disconnect shows up as before the hub driver reports it */
static bool wdfio_usb_transport_error(int status)
{
	return status == -EPROTO || status == -EILSEQ || status == -ETIME;
}

DEFINE_STATIC_SRCU(wdfio_usb_hook_srcu);
static wdfio_usb_hook_fn __rcu *wdfio_usb_test_hook;

/**
 * wdfio_usb_set_test_hook() - set or remove the selftests' ordering hook
 * @fn: the hook, or NULL
 *
 * Returns once no call of the previous hook is running.
 *
 * Context: Process context (sleeps).
 */
void wdfio_usb_set_test_hook(wdfio_usb_hook_fn *fn)
{
	rcu_assign_pointer(wdfio_usb_test_hook, fn);
	synchronize_srcu(&wdfio_usb_hook_srcu);
}
EXPORT_SYMBOL_GPL(wdfio_usb_set_test_hook);

/**
 * wdfio_usb_hook() - call the selftests' hook at @point
 * @point: enum wdfio_usb_hook_point
 * @req: the request concerned, or NULL
 * @arg: what @point says
 *
 * Context: Any context.
 * Return: what the hook returns, or @arg when none is set.
 */
int wdfio_usb_hook(int point, WDFREQUEST req, int arg)
{
	wdfio_usb_hook_fn *hook;
	int idx;

	if (!rcu_access_pointer(wdfio_usb_test_hook))
		return arg;
	idx = srcu_read_lock(&wdfio_usb_hook_srcu);
	hook = srcu_dereference(wdfio_usb_test_hook, &wdfio_usb_hook_srcu);
	if (hook)
		arg = hook(point, req, arg);
	srcu_read_unlock(&wdfio_usb_hook_srcu, idx);
	return arg;
}

static bool wdfio_usb_gone(struct wdfio_usb_device *d)
{
	return READ_ONCE(d->gone) ||
	       READ_ONCE(d->udev->state) == USB_STATE_NOTATTACHED;
}

/* Report the urb's end to the engine and free what it used. Any context. */
static void wdfio_usb_finish(struct wdfio_urb_ctx *ctx, int status, u32 actual)
{
	struct wdfio_request *req = ctx->req;
	struct urb *urb = ctx->urb;
	USBD_STATUS usbd;
	NTSTATUS nt;

	if (wdfio_usb_transport_error(status) && wdfio_usb_gone(ctx->dev))
		status = -ENODEV;
	if (ctx->in && ctx->bounce && actual)
		memcpy(ctx->dst, ctx->bounce, actual);
	nt = wdfio_usb_status_from_urb(status, &usbd);
	kfree(ctx->bounce);
	kfree(ctx);
	req->usbd = usbd;
	/* KMDF reports the bytes moved on failure too (TransferBufferLength) */
	wdfio_request_io_done(req, nt, actual);
	usb_free_urb(urb);
}

static void wdfio_usb_suspect_work(struct work_struct *work)
{
	struct wdfio_usb_device *d = container_of(to_delayed_work(work),
						  struct wdfio_usb_device,
						  suspect_work);
	struct wdfio_urb_ctx *ctx, *next;
	bool gone = wdfio_usb_gone(d);
	unsigned long flags;
	LIST_HEAD(done);
	bool more;

	spin_lock_irqsave(&d->suspect_lock, flags);
	list_for_each_entry_safe(ctx, next, &d->suspects, suspect) {
		if ((gone || time_after(jiffies, ctx->since +
					msecs_to_jiffies(WDFIO_USB_SUSPECT_MS))) &&
		    !wdfio_usb_hook(WDFIO_USB_HOOK_SUSPECT_HOLD,
				    wdfio_request_handle(ctx->req), 0))
			list_move_tail(&ctx->suspect, &done);
	}
	more = !list_empty(&d->suspects);
	spin_unlock_irqrestore(&d->suspect_lock, flags);

	list_for_each_entry_safe(ctx, next, &done, suspect)
		wdfio_usb_finish(ctx, ctx->status, ctx->actual);
	if (more)
		wdfio_queue_delayed_work(&d->suspect_work,
					 WDFIO_USB_SUSPECT_POLL);
}

/**
 * wdfio_usb_device_flush_suspects() - decide parked urbs now
 * @d: the device, being removed
 *
 * Context: Any context.
 */
void wdfio_usb_device_flush_suspects(struct wdfio_usb_device *d)
{
	wdfio_mod_delayed_work(&d->suspect_work, 0);
}

/**
 * wdfio_usb_device_init_backend() - the backend's part of a new device
 * @d: the device
 *
 * Context: Any context.
 */
void wdfio_usb_device_init_backend(struct wdfio_usb_device *d)
{
	spin_lock_init(&d->suspect_lock);
	INIT_LIST_HEAD(&d->suspects);
	INIT_DELAYED_WORK(&d->suspect_work, wdfio_usb_suspect_work);
}

/* The urb's completion handler: soft or hard IRQ (HCD-dependent), or task. */
static void wdfio_usb_complete(struct urb *urb)
{
	struct wdfio_urb_ctx *ctx = urb->context;
	struct wdfio_usb_device *d = ctx->dev;
	int status = wdfio_usb_hook(WDFIO_USB_HOOK_URB_STATUS,
				    wdfio_request_handle(ctx->req), urb->status);
	unsigned long flags;

	if (wdfio_usb_transport_error(status) && !wdfio_usb_gone(d)) {
		ctx->status = status;
		ctx->actual = urb->actual_length;
		ctx->since = jiffies;
		/*
		 * Queue the work under the lock: the work takes @ctx only
		 * under it, so the device (and its work item) cannot be
		 * released before the queueing is done.
		 *
		 * A cancel (or timeout) sets ABORT before it looks for the
		 * urb under the lock: either it finds the urb parked or we
		 * see ABORT here and end the request as cancelled now.
		 */
		spin_lock_irqsave(&d->suspect_lock, flags);
		if (test_bit(WDFIO_RQF_ABORT, &ctx->req->rflags)) {
			spin_unlock_irqrestore(&d->suspect_lock, flags);
			wdfio_usb_finish(ctx, -ECONNRESET, urb->actual_length);
			return;
		}
		list_add_tail(&ctx->suspect, &d->suspects);
		wdfio_queue_delayed_work(&d->suspect_work,
					 WDFIO_USB_SUSPECT_POLL);
		spin_unlock_irqrestore(&d->suspect_lock, flags);
		return;
	}
	wdfio_usb_finish(ctx, status, urb->actual_length);
}

/* Can the controller use @ptr..@ptr+@len as it is? */
static bool wdfio_usb_in_place(const void *ptr, size_t len)
{
	const char *last = (const char *)ptr + len - 1;

	return virt_addr_valid(ptr) && virt_addr_valid(last) &&
	       !object_is_on_stack(ptr);
}

static void wdfio_usb_fail(struct wdfio_request *req, NTSTATUS status,
			   USBD_STATUS usbd)
{
	req->usbd = usbd;
	wdfio_request_io_done(req, status, 0);
}

/* Reset and abort: they sleep, so they run on wdfio's workqueue. */
struct wdfio_usb_op {
	struct work_struct work;
	struct wdfio_request *req;
};

/**
 * wdfio_usb_pipe_init_backend() - the backend's part of a new pipe
 * @p: the pipe
 *
 * Context: Any context.
 */
void wdfio_usb_pipe_init_backend(struct wdfio_usb_pipe *p)
{
	init_usb_anchor(&p->anchor);
	spin_lock_init(&p->drain_lock);
}

/**
 * wdfio_usb_pipe_drain_begin() - end every urb of @p and refuse new ones
 * @p: the pipe
 *
 * Cancels the requests sent to @p, kills their urbs (the requests end with
 * STATUS_CANCELLED) and waits until their completion routines have
 * returned. Until
 * wdfio_usb_pipe_drain_end(), every urb submitted to @p is refused and its
 * request ends with STATUS_CANCELLED too: so a send from a completion
 * routine, or a continuous reader's next read, cannot keep the drain from
 * ending.
 *
 * Context: Process context (sleeps).
 */
void wdfio_usb_pipe_drain_begin(struct wdfio_usb_pipe *p)
{
	unsigned long flags;

	might_sleep();
	spin_lock_irqsave(&p->drain_lock, flags);
	p->drains++;
	spin_unlock_irqrestore(&p->drain_lock, flags);
	/* Also ends the parked ones, and those not submitted yet */
	wdfio_target_cancel_sent(&p->t, true);
	usb_poison_anchored_urbs(&p->anchor);
}

/**
 * wdfio_usb_pipe_drain_end() - @p takes urbs again (after the last drain)
 * @p: the pipe
 *
 * Context: Any context.
 */
void wdfio_usb_pipe_drain_end(struct wdfio_usb_pipe *p)
{
	unsigned long flags;

	spin_lock_irqsave(&p->drain_lock, flags);
	if (!--p->drains)
		usb_unpoison_anchored_urbs(&p->anchor);
	spin_unlock_irqrestore(&p->drain_lock, flags);
}

static void wdfio_usb_op_work(struct work_struct *work)
{
	struct wdfio_usb_op *op = container_of(work, struct wdfio_usb_op, work);
	struct wdfio_request *req = op->req;
	struct wdfio_usb_pipe *p = wdfio_usb_pipe_of(req->fmt.target);
	bool reset = req->fmt.op == WDFIO_OP_USB_RESET;
	USBD_STATUS usbd = USBD_STATUS_SUCCESS;
	NTSTATUS status = STATUS_SUCCESS;
	int err;

	kfree(op);
	wdfio_usb_pipe_drain_begin(p);
	if (reset) {
		err = usb_clear_halt(p->dev->udev, p->pipe);
		if (err)
			status = wdfio_usb_status_from_submit(err, &usbd);
	}
	wdfio_usb_pipe_drain_end(p);
	wdfio_usb_fail(req, status, usbd);
}

static void wdfio_usb_start_op(struct wdfio_request *req, gfp_t gfp)
{
	struct wdfio_usb_op *op = kmalloc(sizeof(*op), gfp);

	if (!op) {
		wdfio_usb_fail(req, STATUS_INSUFFICIENT_RESOURCES,
			       USBD_STATUS_INSUFFICIENT_RESOURCES);
		return;
	}
	/* Not on the bus: a cancel before this point aborts it here. */
	if (!wdfio_request_publish_io(req, NULL)) {
		kfree(op);
		wdfio_usb_fail(req, STATUS_CANCELLED, USBD_STATUS_CANCELED);
		return;
	}
	op->req = req;
	INIT_WORK(&op->work, wdfio_usb_op_work);
	wdfio_queue_work(&op->work);
}

/**
 * wdfio_usb_start() - turn a sent USB request into a submitted urb
 * @req: a request in state SENT (its format is stable until completion)
 * @gfp: allocation flags for the context
 *
 * Reports the result with wdfio_request_io_done() exactly once, possibly
 * before returning (submission errors).
 *
 * Context: Any context.
 */
void wdfio_usb_start(struct wdfio_request *req, gfp_t gfp)
{
	struct wdfio_format *f = &req->fmt;
	struct wdfio_usb_pipe *p = wdfio_usb_pipe_of(f->target);
	struct wdfio_usb_device *d = wdfio_usb_target_device(f->target);
	/* Valid: a close waits for this request, and only then drops it. */
	struct usb_device *udev = d->udev;
	struct wdfio_urb_ctx *ctx;
	size_t len = f->data.len;
	void *xfer = NULL;
	USBD_STATUS usbd;
	struct urb *urb;
	NTSTATUS status;
	int err;

	if (f->op == WDFIO_OP_USB_RESET || f->op == WDFIO_OP_USB_ABORT) {
		wdfio_usb_start_op(req, gfp);
		return;
	}
	ctx = kzalloc(sizeof(*ctx), gfp);
	urb = usb_alloc_urb(0, gfp);
	if (!ctx || !urb)
		goto out_no_memory;
	ctx->req = req;
	ctx->dev = d;
	ctx->pipe = p;
	ctx->urb = urb;
	ctx->dst = f->data.ptr;
	ctx->in = f->op == WDFIO_OP_USB_READ ||
		  (f->op == WDFIO_OP_USB_CONTROL && f->setup.Packet.bm.Request.Dir);
	if (len) {
		xfer = f->data.ptr;
		if (!wdfio_usb_in_place(xfer, len)) {
			ctx->bounce = kmalloc(len, gfp);
			if (!ctx->bounce)
				goto out_no_memory;
			if (!ctx->in)
				memcpy(ctx->bounce, xfer, len);
			xfer = ctx->bounce;
		}
	}

	if (f->op == WDFIO_OP_USB_CONTROL) {
		ctx->setup.bRequestType = f->setup.Packet.bm.Byte;
		ctx->setup.bRequest = f->setup.Packet.bRequest;
		ctx->setup.wValue = cpu_to_le16(f->setup.Packet.wValue.Value);
		ctx->setup.wIndex = cpu_to_le16(f->setup.Packet.wIndex.Value);
		ctx->setup.wLength = cpu_to_le16(len);
		usb_fill_control_urb(urb, udev, ctx->in ? usb_rcvctrlpipe(udev, 0) :
				     usb_sndctrlpipe(udev, 0),
				     (u8 *)&ctx->setup, xfer, len,
				     wdfio_usb_complete, ctx);
	} else if (p->type == WdfUsbPipeTypeInterrupt) {
		usb_fill_int_urb(urb, udev, p->pipe, xfer, len,
				 wdfio_usb_complete, ctx, p->desc.bInterval);
	} else {
		usb_fill_bulk_urb(urb, udev, p->pipe, xfer, len,
				  wdfio_usb_complete, ctx);
	}

	if (!wdfio_request_publish_urb(req, urb)) {
		kfree(ctx->bounce);
		kfree(ctx);
		usb_free_urb(urb);
		wdfio_usb_fail(req, STATUS_CANCELLED, USBD_STATUS_CANCELED);
		return;
	}
	/* Both may end as soon as the urb is submitted: keep them to look. */
	usb_get_urb(urb);
	wdfio_object_get(&req->obj);
	/* A poisoned anchor (a drain) makes the submission fail -EPERM */
	if (p)
		usb_anchor_urb(urb, &p->anchor);
	err = usb_submit_urb(urb, gfp);
	if (err) {
		if (p)
			usb_unanchor_urb(urb);
		status = wdfio_usb_status_from_submit(err, &usbd);
		kfree(ctx->bounce);
		kfree(ctx);
		usb_free_urb(urb);
		wdfio_usb_fail(req, status, usbd);
	} else {
		/*
		 * A cancel that ran between publication and submission found
		 * the urb not linked; it set ABORT first, so unlink it now.
		 * The HCD's list lock orders the cancel's attempt before our
		 * submission, and the flag before our test.
		 */
		smp_mb();
		if (test_bit(WDFIO_RQF_ABORT, &req->rflags))
			usb_unlink_urb(urb);
	}
	wdfio_object_put(&req->obj);
	usb_free_urb(urb);
	return;

out_no_memory:
	if (ctx)
		kfree(ctx->bounce);
	kfree(ctx);
	usb_free_urb(urb);
	wdfio_usb_fail(req, STATUS_INSUFFICIENT_RESOURCES,
		       USBD_STATUS_INSUFFICIENT_RESOURCES);
}

/**
 * wdfio_usb_cancel() - cancel a USB request whose urb is published
 * @req: the request (the caller holds a completion-ownership count)
 * @urb: its urb, with a reference the caller passes to us
 *
 * An urb parked after a transport error (see the file comment) has ended
 * already: its request ends here, as cancelled.
 *
 * Context: Any context up to hard IRQ. Takes @req's device's suspect_lock,
 * under which the completion takes no other lock.
 * Return: true if the urb was unlinked (it will end with -ECONNRESET, unless
 * it had already finished on the bus) or its parked request ended.
 */
bool wdfio_usb_cancel(struct wdfio_request *req, struct urb *urb)
{
	struct wdfio_usb_device *d = wdfio_usb_target_device(req->send_target);
	struct wdfio_urb_ctx *ctx, *parked = NULL;
	unsigned long flags;
	int err;

	/*
	 * Parked after a transport error: the urb is over, but its request
	 * is not. It ends now as cancelled (STATUS_IO_TIMEOUT for a timeout),
	 * or with the device-gone status if the device is gone.
	 */
	spin_lock_irqsave(&d->suspect_lock, flags);
	list_for_each_entry(ctx, &d->suspects, suspect) {
		if (ctx->urb == urb) {
			list_del(&ctx->suspect);
			parked = ctx;
			break;
		}
	}
	spin_unlock_irqrestore(&d->suspect_lock, flags);
	if (parked) {
		usb_free_urb(urb);
		wdfio_usb_finish(parked, wdfio_usb_gone(d) ? parked->status :
				 -ECONNRESET, parked->actual);
		return true;
	}

	err = usb_unlink_urb(urb);
	usb_free_urb(urb);
	/* -EIDRM: not linked yet (the submitter sees ABORT) or already over */
	return err == -EINPROGRESS || err == -EIDRM;
}
