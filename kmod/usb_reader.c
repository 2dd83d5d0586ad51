// SPDX-License-Identifier: GPL-2.0
/*
 * The continuous reader of a USB IN pipe (WdfUsbTargetPipeConfigContinuousReader):
 * NumPendingReads requests (default 2, at most 10) that are always sent
 * while the pipe is started, each into a fresh WDFMEMORY of Header +
 * Transfer + Trailer bytes, reading at offset HeaderLength.
 *
 * Each reader is an ordinary request on the pipe, sent with the engine's
 * FAIL_ON_PEND flag (a reader is never pended on a stopped pipe, it parks).
 * A successful read calls EvtUsbTargetPipeReadComplete where it completed
 * (any context, must not sleep), the buffer is replaced (the driver keeps
 * the old one alive with WdfObjectReference) and the read is sent again at
 * once: usb_submit_urb() never completes inside itself, so this does not
 * recurse, and the host controller's queue keeps the reads in order.
 *
 * A cancelled read parks (Stop, Purge). Any other failure parks it, and the
 * first one schedules the failure work: it cancels the other reads (one
 * being sent meanwhile cancels itself once sent), waits for all to park,
 * then calls EvtUsbTargetPipeReadersFailed in process context. TRUE (or
 * no callback) and a device still connected: the pipe is reset
 * (usb_clear_halt) and the readers are sent again; otherwise they stay
 * parked until the next WdfIoTargetStart.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "wdfio_usb.h"

#include <linux/export.h>
#include <linux/slab.h>

#define WDFIO_READERS_DEFAULT	2
#define WDFIO_READERS_MAX	10

struct wdfio_usb_reader;

/**
 * struct wdfio_usb_read - one of a reader's requests
 * @r: the reader
 * @req: the request (wdfio-owned, never seen by the driver)
 * @mem: its current buffer, or NULL
 * @active: sent and not parked yet (under @r->lock)
 */
struct wdfio_usb_read {
	struct wdfio_usb_reader *r;
	WDFREQUEST req;
	WDFMEMORY mem;
	bool active;
};

/**
 * struct wdfio_usb_reader - a pipe's continuous reader
 * @pipe: the pipe
 * @cfg: the driver's configuration (NumPendingReads resolved)
 * @attr: a copy of *cfg.BufferAttributes, if given
 * @len: bytes of each buffer
 * @lock: protects @active, @failing, @stopping and each read's @active
 * @active: reads sent and not parked
 * @failing: the failure work is pending or running: do not resend
 * @stopping: the pipe is being deleted: never send again
 * @idle: woken when @active drops to 0
 * @fail_work: the failure work
 * @fail_status: the first failure
 * @fail_usbd: its USBD_STATUS
 * @reads: the reads
 */
struct wdfio_usb_reader {
	struct wdfio_usb_pipe *pipe;
	WDF_USB_CONTINUOUS_READER_CONFIG cfg;
	WDF_OBJECT_ATTRIBUTES attr;
	size_t len;
	spinlock_t lock;		/* see the kernel-doc above */
	unsigned int active;
	bool failing;
	bool stopping;
	wait_queue_head_t idle;
	struct work_struct fail_work;
	NTSTATUS fail_status;
	USBD_STATUS fail_usbd;
	struct wdfio_usb_read reads[WDFIO_READERS_MAX];
};

static EVT_WDF_REQUEST_COMPLETION_ROUTINE wdfio_usb_read_done;

static void wdfio_usb_read_park(struct wdfio_usb_read *rd)
{
	struct wdfio_usb_reader *r = rd->r;
	unsigned long flags;

	spin_lock_irqsave(&r->lock, flags);
	rd->active = false;
	if (!--r->active)
		wake_up_all(&r->idle);
	spin_unlock_irqrestore(&r->lock, flags);
}

/* First failure: remember it and let the work deal with it. */
static void wdfio_usb_read_fail(struct wdfio_usb_read *rd, NTSTATUS status,
				USBD_STATUS usbd)
{
	struct wdfio_usb_reader *r = rd->r;
	unsigned long flags;
	bool first;

	spin_lock_irqsave(&r->lock, flags);
	/* Also while stopping: a removal still reports its failure */
	first = !r->failing;
	if (first) {
		r->failing = true;
		r->fail_status = status;
		r->fail_usbd = usbd;
	}
	spin_unlock_irqrestore(&r->lock, flags);
	wdfio_usb_read_park(rd);
	if (first)
		wdfio_queue_work(&r->fail_work);
}

/* Send @rd (already counted active). Any context. */
static void wdfio_usb_read_send(struct wdfio_usb_read *rd)
{
	struct wdfio_usb_reader *r = rd->r;
	WDFIOTARGET target = (WDFIOTARGET)&r->pipe->t.obj;
	WDF_REQUEST_REUSE_PARAMS reuse;
	WDFMEMORY_OFFSET off;
	unsigned long flags;
	NTSTATUS status;
	bool failing;

	wdfio_usb_hook(WDFIO_USB_HOOK_READER_SEND, rd->req, 0);

	if (!rd->mem) {
		status = WdfMemoryCreate(r->cfg.BufferAttributes ? &r->attr :
					 WDF_NO_OBJECT_ATTRIBUTES, NonPagedPoolNx,
					 0, r->len, &rd->mem, NULL);
		if (!NT_SUCCESS(status)) {
			rd->mem = NULL;
			wdfio_usb_read_fail(rd, status,
					    USBD_STATUS_INSUFFICIENT_RESOURCES);
			return;
		}
	}
	/* KMDF zeroes the buffer before each read */
	memset(WdfMemoryGetBuffer(rd->mem, NULL), 0, r->len);
	WDF_REQUEST_REUSE_PARAMS_INIT(&reuse, WDF_REQUEST_REUSE_NO_FLAGS,
				      STATUS_SUCCESS);
	WdfRequestReuse(rd->req, &reuse);
	off.BufferOffset = r->cfg.HeaderLength;
	off.BufferLength = r->cfg.TransferLength;
	status = WdfUsbTargetPipeFormatRequestForRead(wdfio_usb_pipe_handle(r->pipe),
						      rd->req, rd->mem, &off);
	if (!NT_SUCCESS(status)) {
		wdfio_usb_read_fail(rd, status, USBD_STATUS_INVALID_PARAMETER);
		return;
	}
	WdfRequestSetCompletionRoutine(rd->req, wdfio_usb_read_done, rd);
	if (WdfRequestSend(rd->req, target, WDF_NO_SEND_OPTIONS)) {
		/*
		 * The failure work cancels each read once. A read that got
		 * its go-ahead before the failure was missed if that cancel
		 * came before the reuse above (which clears it): it cancels
		 * itself. A failure after this look cancels it sent.
		 */
		spin_lock_irqsave(&r->lock, flags);
		failing = r->failing;
		spin_unlock_irqrestore(&r->lock, flags);
		if (failing)
			WdfRequestCancelSentRequest(rd->req);
		return;
	}
	status = WdfRequestGetStatus(rd->req);
	/*
	 * Stopped, purged, closed: park until the next Start. Cancelled
	 * before it went (by the failure work): park, as a cancelled read.
	 */
	if (status == STATUS_INVALID_DEVICE_STATE || status == STATUS_CANCELLED)
		wdfio_usb_read_park(rd);
	else
		wdfio_usb_read_fail(rd, status, USBD_STATUS_SUCCESS);
}

/* Mark @rd active unless the reader must not send; then send it. */
static void wdfio_usb_read_try_send(struct wdfio_usb_read *rd, bool resend)
{
	struct wdfio_usb_reader *r = rd->r;
	unsigned long flags;
	bool go;

	spin_lock_irqsave(&r->lock, flags);
	go = !r->failing && !r->stopping && (resend || !rd->active);
	if (go && !resend) {
		rd->active = true;
		r->active++;
	}
	spin_unlock_irqrestore(&r->lock, flags);
	if (go)
		wdfio_usb_read_send(rd);
	else if (resend)
		wdfio_usb_read_park(rd);
}

static void wdfio_usb_read_done(WDFREQUEST Request, WDFIOTARGET Target,
				PWDF_REQUEST_COMPLETION_PARAMS Params,
				WDFCONTEXT Context)
{
	struct wdfio_usb_read *rd = Context;
	struct wdfio_usb_reader *r = rd->r;
	NTSTATUS status = Params->IoStatus.Status;
	USBD_STATUS usbd = Params->Parameters.Usb.Completion->UsbdStatus;
	WDFMEMORY mem;

	if (status == STATUS_CANCELLED) {
		wdfio_usb_read_park(rd);
		return;
	}
	if (!NT_SUCCESS(status)) {
		wdfio_usb_read_fail(rd, status, usbd);
		return;
	}
	mem = rd->mem;
	rd->mem = NULL;
	r->cfg.EvtUsbTargetPipeReadComplete(wdfio_usb_pipe_handle(r->pipe), mem,
					    Params->IoStatus.Information,
					    r->cfg.EvtUsbTargetPipeReadCompleteContext);
	/* The driver keeps it alive with WdfObjectReference if it wants it */
	WdfObjectDelete(mem);
	wdfio_usb_read_try_send(rd, true);
}

static void wdfio_usb_reader_fail_work(struct work_struct *work)
{
	struct wdfio_usb_reader *r = container_of(work, struct wdfio_usb_reader,
						  fail_work);
	struct wdfio_usb_pipe *p = r->pipe;
	struct wdfio_usb_device *d = p->dev;
	WDFUSBPIPE pipe = wdfio_usb_pipe_handle(p);
	WDFUSBDEVICE dev = (WDFUSBDEVICE)&d->t.obj;
	BOOLEAN restart = TRUE;
	unsigned long flags;
	unsigned int k;

	for (k = 0; k < r->cfg.NumPendingReads; k++)
		WdfRequestCancelSentRequest(r->reads[k].req);
	wdfio_usb_hook(WDFIO_USB_HOOK_READER_CANCELLED, NULL, 0);
	wait_event(r->idle, READ_ONCE(r->active) == 0);
	if (r->cfg.EvtUsbTargetPipeReadersFailed)
		restart = r->cfg.EvtUsbTargetPipeReadersFailed(pipe,
							       r->fail_status,
							       r->fail_usbd);
	if (restart && !READ_ONCE(r->stopping) &&
	    WdfUsbTargetDeviceIsConnectedSynchronous(dev) == STATUS_SUCCESS) {
		usb_clear_halt(d->udev, p->pipe);
		spin_lock_irqsave(&r->lock, flags);
		r->failing = false;
		spin_unlock_irqrestore(&r->lock, flags);
		wdfio_usb_reader_start(&p->t);
		return;
	}
	/* Parked until the next WdfIoTargetStart */
	spin_lock_irqsave(&r->lock, flags);
	r->failing = false;
	spin_unlock_irqrestore(&r->lock, flags);
}

/**
 * wdfio_usb_reader_start() - send every parked read (the pipe was started)
 * @t: a pipe target with a reader
 *
 * Context: Any context.
 */
void wdfio_usb_reader_start(struct wdfio_target *t)
{
	struct wdfio_usb_reader *r = t->reader;
	unsigned int k;

	for (k = 0; r && k < r->cfg.NumPendingReads; k++)
		wdfio_usb_read_try_send(&r->reads[k], false);
}

/**
 * wdfio_usb_reader_stop() - the pipe is being deleted: never send again
 * @p: the pipe
 *
 * The pipe's close then cancels the reads; a failure that ends them (the
 * device is gone) still reaches EvtUsbTargetPipeReadersFailed, see
 * wdfio_usb_reader_free().
 *
 * Context: Any context.
 */
void wdfio_usb_reader_stop(struct wdfio_usb_pipe *p)
{
	struct wdfio_usb_reader *r = p->t.reader;
	unsigned long flags;

	if (!r)
		return;
	spin_lock_irqsave(&r->lock, flags);
	r->stopping = true;
	spin_unlock_irqrestore(&r->lock, flags);
}

/**
 * wdfio_usb_reader_quiesce() - a reader pipe was just stopped or purged
 * @p: the pipe
 *
 * As KMDF's Stop and Purge of a reader pipe: cancel the reads, wait for
 * them to park and for the failure work. So when the DDI returns, no read
 * is in flight and EvtUsbTargetPipeReadersFailed is not running (a restart
 * it asked for finds the pipe stopped: the reads stay parked until Start).
 * From EvtUsbTargetPipeReadersFailed itself (KMDF: a verifier break) it
 * does not wait for the work, which would wait for itself.
 *
 * Context: Process context; nothing happens in atomic context.
 */
void wdfio_usb_reader_quiesce(struct wdfio_usb_pipe *p)
{
	struct wdfio_usb_reader *r = READ_ONCE(p->t.reader);

	if (!r || !wdfio_can_sleep())
		return;
	if (current_work() == &r->fail_work) {
		wdfio_misuse("Stop or Purge of pipe %p from its EvtUsbTargetPipeReadersFailed",
			     p);
		return;
	}
	wdfio_target_cancel_sent(&p->t, false);
	wait_event(r->idle, READ_ONCE(r->active) == 0);
	wdfio_usb_hook(WDFIO_USB_HOOK_READER_QUIESCE, NULL, 0);
	flush_work(&r->fail_work);
}

/**
 * wdfio_usb_reader_free() - free a stopped reader after the pipe's close
 * @p: the pipe
 *
 * Runs a failure work still pending (so EvtUsbTargetPipeReadersFailed is
 * called for a device that went away) and waits for it.
 *
 * Context: Process context.
 */
void wdfio_usb_reader_free(struct wdfio_usb_pipe *p)
{
	struct wdfio_usb_reader *r = p->t.reader;
	unsigned int k;

	if (!r)
		return;
	flush_work(&r->fail_work);
	WRITE_ONCE(p->t.reader, NULL);
	for (k = 0; k < r->cfg.NumPendingReads; k++) {
		if (r->reads[k].req)
			WdfObjectDelete(r->reads[k].req);
		if (r->reads[k].mem)
			WdfObjectDelete(r->reads[k].mem);
	}
	kfree(r);
}

/**
 * WdfUsbTargetPipeConfigContinuousReader() - keep reads pending on an IN pipe
 * @Pipe: a bulk or interrupt IN pipe
 * @Config: WDF_USB_CONTINUOUS_READER_CONFIG_INIT'ed; NumPendingReads 0 means
 *	2, more than 10 means 10
 *
 * The reads are sent at the next WdfIoTargetStart of the pipe (or of its
 * device) and run until Stop, Purge or the pipe's deletion; see the file
 * comment for completions and failures. Stop on a reader pipe always
 * cancels and waits (WdfIoTargetCancelSentIo), as in KMDF.
 *
 * Context: Process context (KMDF: DISPATCH_LEVEL; wdfio allocates here).
 * Return: STATUS_SUCCESS; STATUS_INVALID_HANDLE; STATUS_INFO_LENGTH_MISMATCH;
 * STATUS_INVALID_PARAMETER (no read-complete callback, zero or overflowing
 * length, a ParentObject in BufferAttributes); STATUS_INVALID_DEVICE_REQUEST
 * (not a bulk/interrupt IN pipe, atomic context); STATUS_INVALID_BUFFER_SIZE
 * (length not a multiple of MaximumPacketSize); STATUS_INVALID_DEVICE_STATE
 * (already configured); STATUS_INSUFFICIENT_RESOURCES.
 */
NTSTATUS WdfUsbTargetPipeConfigContinuousReader(WDFUSBPIPE Pipe,
						PWDF_USB_CONTINUOUS_READER_CONFIG Config)
{
	struct wdfio_usb_pipe *p = wdfio_usb_pipe_from_handle(Pipe);
	struct wdfio_usb_reader *r;
	NTSTATUS status;
	unsigned int k;
	size_t len;

	if (!p) {
		wdfio_misuse("invalid WDFUSBPIPE %p", Pipe);
		return STATUS_INVALID_HANDLE;
	}
	if (!Config)
		return STATUS_INVALID_PARAMETER;
	if (Config->Size != sizeof(*Config))
		return STATUS_INFO_LENGTH_MISMATCH;
	if (!Config->EvtUsbTargetPipeReadComplete || !Config->TransferLength ||
	    check_add_overflow(Config->HeaderLength, Config->TransferLength, &len) ||
	    check_add_overflow(len, Config->TrailerLength, &len) ||
	    (Config->BufferAttributes && Config->BufferAttributes->ParentObject))
		return STATUS_INVALID_PARAMETER;
	if (!wdfio_can_sleep()) {
		wdfio_misuse("called from atomic context");
		return STATUS_INVALID_DEVICE_REQUEST;
	}
	if ((p->type != WdfUsbPipeTypeBulk && p->type != WdfUsbPipeTypeInterrupt) ||
	    !usb_endpoint_dir_in(&p->desc))
		return STATUS_INVALID_DEVICE_REQUEST;
	if (!p->no_maxp_check && usb_endpoint_maxp(&p->desc) &&
	    Config->TransferLength % usb_endpoint_maxp(&p->desc))
		return STATUS_INVALID_BUFFER_SIZE;
	if (p->t.reader)
		return STATUS_INVALID_DEVICE_STATE;

	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return STATUS_INSUFFICIENT_RESOURCES;
	r->pipe = p;
	r->cfg = *Config;
	if (Config->BufferAttributes)
		r->attr = *Config->BufferAttributes;
	if (!r->cfg.NumPendingReads)
		r->cfg.NumPendingReads = WDFIO_READERS_DEFAULT;
	r->cfg.NumPendingReads = min_t(unsigned int, r->cfg.NumPendingReads,
				       WDFIO_READERS_MAX);
	r->len = len;
	spin_lock_init(&r->lock);
	init_waitqueue_head(&r->idle);
	INIT_WORK(&r->fail_work, wdfio_usb_reader_fail_work);
	for (k = 0; k < r->cfg.NumPendingReads; k++) {
		struct wdfio_usb_read *rd = &r->reads[k];
		struct wdfio_request *req;

		rd->r = r;
		status = wdfio_request_create(NULL, &req);
		if (!NT_SUCCESS(status))
			goto out_free;
		set_bit(WDFIO_RQF_FAIL_ON_PEND, &req->rflags);
		rd->req = wdfio_request_handle(req);
	}
	WRITE_ONCE(p->t.reader, r);
	return STATUS_SUCCESS;

out_free:
	while (k--)
		WdfObjectDelete(r->reads[k].req);
	kfree(r);
	return status;
}
EXPORT_SYMBOL_GPL(WdfUsbTargetPipeConfigContinuousReader);
