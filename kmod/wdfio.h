/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wdfio internal interfaces: objects, memory, requests, targets, backend.
 *
 * Layering (docs/design.md): the *_api.c files validate and delegate; the
 * request engine (request.c) owns request lifetimes and is the only place
 * that calls a driver's completion routine; the block backend (blk.c) turns a
 * formatted request into bios and reports the result back through
 * wdfio_request_io_done().
 */
#ifndef _WDFIO_INTERNAL_H
#define _WDFIO_INTERNAL_H

#include "compat.h"

#include <linux/blk_types.h>
#include <linux/completion.h>
#include <linux/list.h>
#include <linux/llist.h>
#include <linux/mutex.h>
#include <linux/preempt.h>
#include <linux/rcupdate.h>
#include <linux/refcount.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include <ntddk.h>
#include <wdf.h>
#include <wdfusb.h>

struct module;
struct urb;

extern bool wdfio_verifier;

/*
 * A driver bug (bad handle, double send, wrong context...). KMDF bugchecks or
 * breaks into the debugger under its verifier; wdfio logs the caller and
 * returns a documented status. With wdfio.verifier=1 it also WARNs, so a
 * porter gets the stack.
 */
#define wdfio_misuse(fmt, ...)						\
	wdfio_report_misuse(__func__, __builtin_return_address(0),	\
			    fmt, ##__VA_ARGS__)

__printf(3, 4)
void wdfio_report_misuse(const char *func, void *caller, const char *fmt, ...);

/*
 * May the current context sleep (and so call submit_bio() or wait)? KMDF's
 * PASSIVE_LEVEL. Without preempt counting we cannot tell, so we say no and
 * the callers take their atomic-safe path.
 */
static inline bool wdfio_can_sleep(void)
{
	if (!IS_ENABLED(CONFIG_PREEMPT_COUNT))
		return false;
	return preemptible() && !rcu_preempt_depth();
}

static inline gfp_t wdfio_gfp(void)
{
	return wdfio_can_sleep() ? GFP_KERNEL : GFP_ATOMIC;
}

/* ------------------------------------------------------------------ */
/* Objects (object.c)                                                  */

enum wdfio_obj_type {
	WDFIO_OBJ_MEMORY = 1,
	WDFIO_OBJ_REQUEST,
	WDFIO_OBJ_IOTARGET,
	WDFIO_OBJ_USB_INTERFACE,
	WDFIO_OBJ_DRIVER,	/* queue.h: the receiving side */
	WDFIO_OBJ_DEVICE,
	WDFIO_OBJ_QUEUE,
	WDFIO_OBJ_FILE,		/* queue.h: file objects (fileobject.c) */
};

#define WDFIO_OBJ_MAGIC		0x4f464457u	/* "WDFO" */
#define WDFIO_OBJ_DEAD		0x44414544u	/* "DEAD" */

struct wdfio_object;

/**
 * struct wdfio_obj_ops - per-type behaviour of an object
 * @type: the type tag handles are checked against
 * @name: for messages
 * @predelete: at WdfObjectDelete, before the children are deleted (a
 *	device stops taking requests before its queues go); optional
 * @dispose: at WdfObjectDelete, after the cleanup callbacks: give up what the
 *	object holds (close a target, drop a request's format). May sleep only
 *	if the type's delete requires process context (targets).
 * @release: at the last reference: free the type's own resources (the
 *	object memory itself is freed by the caller). Any context.
 */
struct wdfio_obj_ops {
	enum wdfio_obj_type type;
	const char *name;
	void (*predelete)(struct wdfio_object *obj);
	void (*dispose)(struct wdfio_object *obj);
	void (*release)(struct wdfio_object *obj);
};

/* A context area; the driver's data follows the header. */
struct wdfio_ctx {
	struct wdfio_ctx *next;		/* written once, before publication */
	struct wdfio_object *obj;
	PCWDF_OBJECT_CONTEXT_TYPE_INFO type;
	size_t size;
	bool inline_alloc;		/* allocated with the object */
} __aligned(MEMORY_ALLOCATION_ALIGNMENT);

/**
 * struct wdfio_object - header of every handle-visible object
 * @magic: WDFIO_OBJ_MAGIC while the object lives, WDFIO_OBJ_DEAD after
 * @ops: type behaviour; @ops->type is the handle type tag
 * @ref: references; the creator holds one until WdfObjectDelete
 * @flags: WDFIO_OBJF_* bits
 * @lock: protects @children and @ctx_tail
 * @children: child objects (deleted with us), linked by their @sibling
 * @sibling: our entry in the parent's @children
 * @parent: the parent, referenced while we are linked to it
 * @cleanup: EvtCleanupCallback, called once at delete
 * @destroy: EvtDestroyCallback, called once at the last reference
 * @ctx: the first context (allocated with the object), then a list;
 *	published with release semantics, read without the lock
 * @ctx_tail: last context, for appending (under @lock)
 * @free: gives the memory back to the cache it came from, at the last
 *	reference; NULL: it came from kmalloc
 * @alloc_size: bytes allocated for the object (type struct + contexts)
 */
struct wdfio_object {
	u32 magic;
	const struct wdfio_obj_ops *ops;
	refcount_t ref;
	unsigned long flags;
	spinlock_t lock;		/* children, ctx_tail */
	struct list_head children;
	struct list_head sibling;
	struct wdfio_object *parent;
	PFN_WDF_OBJECT_CONTEXT_CLEANUP cleanup;
	PFN_WDF_OBJECT_CONTEXT_DESTROY destroy;
	struct wdfio_ctx *ctx;
	struct wdfio_ctx *ctx_tail;
	void (*free)(struct wdfio_object *obj);
};

enum {
	WDFIO_OBJF_DELETED,		/* WdfObjectDelete ran (or is running) */
};

NTSTATUS wdfio_object_check_attributes(PWDF_OBJECT_ATTRIBUTES attr);
void *wdfio_object_alloc(const struct wdfio_obj_ops *ops, size_t size,
			 PWDF_OBJECT_ATTRIBUTES attr, gfp_t gfp,
			 NTSTATUS *status);
void wdfio_object_init(struct wdfio_object *obj,
		       const struct wdfio_obj_ops *ops,
		       void (*free)(struct wdfio_object *obj));
NTSTATUS wdfio_object_link(struct wdfio_object *obj,
			   PWDF_OBJECT_ATTRIBUTES attr,
			   struct wdfio_object *default_parent);
void wdfio_object_free(struct wdfio_object *obj);

/* Inline: a send takes and drops several references per I/O. */
static inline void wdfio_object_get(struct wdfio_object *obj)
{
	refcount_inc(&obj->ref);
}

/**
 * wdfio_object_put() - drop a reference
 * @obj: the object
 *
 * The last reference runs EvtDestroyCallback(s) and frees the object.
 *
 * Context: Any context (destroy callbacks must not sleep, as in KMDF where
 * they may run at DISPATCH_LEVEL).
 */
static inline void wdfio_object_put(struct wdfio_object *obj)
{
	if (refcount_dec_and_test(&obj->ref))
		wdfio_object_free(obj);
}

void wdfio_object_delete(struct wdfio_object *obj);
struct wdfio_object *wdfio_object_from_handle(WDFOBJECT handle);

/* ------------------------------------------------------------------ */
/* Memory (memory.c)                                                   */

enum wdfio_mem_kind {
	WDFIO_MEM_KMALLOC,
	WDFIO_MEM_KVMALLOC,
	WDFIO_MEM_PREALLOCATED,
	WDFIO_MEM_USER,		/* a caller's buffer: pinned or copied (userbuf.c) */
};

struct wdfio_upin;

struct wdfio_memory {
	struct wdfio_object obj;
	void *buf;		/* preallocated: changed by AssignBuffer */
	size_t size;
	enum wdfio_mem_kind kind;
	POOL_TYPE pool;
	ULONG tag;
	struct wdfio_upin *upin;	/* WDFIO_MEM_USER: freed with it */
};

/* memory.c: a memory object over a caller's buffer; it owns @upin */
NTSTATUS wdfio_memory_create_user(PWDF_OBJECT_ATTRIBUTES attr,
				  struct wdfio_upin *upin, void *buf,
				  size_t len, WDFMEMORY *out);
/* userbuf.c: unpin or free; any context */
void wdfio_upin_free(struct wdfio_upin *upin);

/* The object behind a handle if it is live and of type @type, else NULL. */
static inline struct wdfio_object *wdfio_object_of_type(void *handle,
							enum wdfio_obj_type type)
{
	struct wdfio_object *o = handle;

	if (unlikely(!o || o->magic != WDFIO_OBJ_MAGIC || o->ops->type != type))
		return NULL;
	return o;
}

static inline struct wdfio_memory *wdfio_memory_from_handle(WDFMEMORY h)
{
	struct wdfio_object *o = wdfio_object_of_type(h, WDFIO_OBJ_MEMORY);

	return o ? container_of(o, struct wdfio_memory, obj) : NULL;
}

static inline WDFMEMORY wdfio_memory_handle(struct wdfio_memory *m)
{
	return (WDFMEMORY)&m->obj;
}

/* ------------------------------------------------------------------ */
/* Buffers a format refers to                                          */

/**
 * struct wdfio_buf - a window into memory the driver gave us
 * @mem: the memory object (referenced), or NULL for a raw buffer from a
 *	WDF_MEMORY_DESCRIPTOR of buffer type
 * @ptr: first byte of the window
 * @len: bytes in the window
 * @mem_offset: offset of @ptr in @mem (for completion params)
 */
struct wdfio_buf {
	struct wdfio_memory *mem;
	void *ptr;
	size_t len;
	size_t mem_offset;
};

NTSTATUS wdfio_buf_from_memory(struct wdfio_buf *b, WDFMEMORY memory,
			       PWDFMEMORY_OFFSET offsets);
NTSTATUS wdfio_buf_from_descriptor(struct wdfio_buf *b,
				   PWDF_MEMORY_DESCRIPTOR desc);
void wdfio_buf_release(struct wdfio_buf *b);

/* ------------------------------------------------------------------ */
/* Open block devices (blk.c)                                          */

/**
 * struct wdfio_dev - an open block device and what wdfio cached about it
 * @ref: the target holds one while open; each detachable I/O context holds
 *	one, so a device whose I/O was abandoned (timed out, cancelled) stays
 *	open until that I/O really ends, after the target was closed
 * @handle: the open (released by the last reference, in process context)
 * @bdev: the device
 * @writable: opened for writing
 * @lbs: logical block size, bytes
 * @pbs: physical block size, bytes
 * @align_offset: alignment offset of the first logical block, bytes
 * @max_io: most bytes per bio (max_sectors, rounded down to @lbs)
 * @max_segs: most single-page segments per bio
 * @dma_mask: required alignment of each segment's address and length
 * @max_discard: most bytes per discard bio (0: no discard)
 * @put_work: releases the device when the last reference goes in atomic
 *	context
 */
struct wdfio_dev {
	refcount_t ref;
	struct wdfio_bdev_handle handle;
	struct block_device *bdev;
	bool writable;
	u32 lbs;
	u32 pbs;
	u32 align_offset;
	u32 max_io;
	u32 max_segs;
	u32 dma_mask;
	u64 max_discard;
	struct work_struct put_work;
};

int wdfio_dev_open(const char *path, struct block_device *existing,
		   bool write, void *holder, struct wdfio_dev **out);
void wdfio_dev_get(struct wdfio_dev *dev);
void wdfio_dev_put(struct wdfio_dev *dev);

/* ------------------------------------------------------------------ */
/* Targets (iotarget.c)                                                */

/* What is behind a target. USB targets are subclasses (wdfio_usb.h). */
enum wdfio_target_kind {
	WDFIO_TARGET_BLOCK,	/* WdfIoTargetCreate: a block device */
	WDFIO_TARGET_USB_DEVICE,	/* a WDFUSBDEVICE (its default pipe) */
	WDFIO_TARGET_USB_PIPE,	/* a WDFUSBPIPE */
};

struct wdfio_usb_reader;

/**
 * struct wdfio_target - a WDFIOTARGET over a block device or a USB device/pipe
 * @obj: object header
 * @kind: what is behind the target
 * @open: requests may be formatted and sent (a block device is open, a USB
 *	target was created and not closed); under @lock
 * @reader: a USB pipe's continuous reader, or NULL
 * @lock: protects @state, @sent, @pended, @inflight, @sent_count and @dev;
 *	taken with irqsave (sends and completions run in any context). Lock
 *	order: a target's lock before a request's.
 * @state: WDF_IO_TARGET_STATE
 * @sent: requests handed to the device and not yet completed
 * @pended: requests sent while the target was stopped, in send order
 * @inflight: requests from admission (sent or pended) until their
 *	completion routine has returned; Close and Delete wait for zero
 * @sent_count: requests on @sent without IGNORE_TARGET_STATE, counted until
 *	their completion routine has returned; Stop and Purge wait for zero
 * @idle_wq: woken when @inflight or @sent_count drops to zero
 * @owner: the module that created the target; pinned while @inflight is
 *	non-zero, so a driver cannot unload under its own completion routines
 * @open_lock: serializes open, close and reopen (process context)
 * @dev: the open device, or NULL while closed; written under @lock, read
 *	without it by formats inside an RCU read section (close waits for a
 *	grace period before it releases the device)
 * @name: the UTF-8 path of the last by-name open, for Reopen
 * @reopen_write: that open asked for write access
 * @reopen_exclusive: that open was exclusive
 * @close_work: closes the target when it is deleted from atomic context
 */
struct wdfio_target {
	struct wdfio_object obj;
	enum wdfio_target_kind kind;
	bool open;
	struct wdfio_usb_reader *reader;

	spinlock_t lock;		/* see the kernel-doc above */
	WDF_IO_TARGET_STATE state;
	struct list_head sent;
	struct list_head pended;
	unsigned int inflight;
	unsigned int sent_count;
	wait_queue_head_t idle_wq;
	struct module *owner;

	struct mutex open_lock;		/* open/close/reopen */
	struct wdfio_dev *dev;
	char *name;
	bool reopen_write;
	bool reopen_exclusive;
	struct work_struct close_work;
};

static inline struct wdfio_target *wdfio_target_from_handle(WDFIOTARGET h)
{
	struct wdfio_object *o = wdfio_object_of_type(h, WDFIO_OBJ_IOTARGET);

	return o ? container_of(o, struct wdfio_target, obj) : NULL;
}

static inline WDFIOTARGET wdfio_target_handle(struct wdfio_target *t)
{
	return (WDFIOTARGET)&t->obj;
}

/* ------------------------------------------------------------------ */
/* Requests (request.c)                                                */

enum wdfio_rq_state {
	WDFIO_RQ_IDLE,		/* created or reused: no format */
	WDFIO_RQ_FORMATTED,	/* bound to a target with buffers */
	WDFIO_RQ_SENT,		/* owned by the engine until completed */
	WDFIO_RQ_DONE,		/* completion routine ran; params valid */
};

enum wdfio_op {
	WDFIO_OP_NONE,
	WDFIO_OP_READ,
	WDFIO_OP_WRITE,
	WDFIO_OP_IOCTL,
	WDFIO_OP_USB_READ,	/* bulk/interrupt IN */
	WDFIO_OP_USB_WRITE,	/* bulk/interrupt OUT */
	WDFIO_OP_USB_CONTROL,	/* control transfer on the default pipe */
	WDFIO_OP_USB_RESET,	/* clear a pipe's halt */
	WDFIO_OP_USB_ABORT,	/* cancel a pipe's transfers */
};

static inline bool wdfio_op_is_usb(enum wdfio_op op)
{
	return op >= WDFIO_OP_USB_READ;
}

/**
 * struct wdfio_format - what a Format DDI bound to the request
 * @op: read, write or IOCTL
 * @target: the target it was formatted for (referenced)
 * @data: read/write buffer
 * @offset: device byte offset of a read/write
 * @ioctl: IOCTL code
 * @in: IOCTL input buffer
 * @out: IOCTL output buffer
 * @setup: setup packet of a USB control transfer (wLength set)
 */
struct wdfio_format {
	enum wdfio_op op;
	struct wdfio_target *target;
	struct wdfio_buf data;
	u64 offset;
	ULONG ioctl;
	struct wdfio_buf in;
	struct wdfio_buf out;
	WDF_USB_CONTROL_SETUP_PACKET setup;
};

struct wdfio_bio_io;

/* Request flags (struct wdfio_request.rflags), atomic bit operations. */
enum {
	/*
	 * WdfRequestCancelSentRequest was called (KMDF's m_Canceled): a
	 * request cancelled before it is sent fails its next send with
	 * STATUS_CANCELLED. Cleared by WdfRequestReuse. Set under @lock.
	 */
	WDFIO_RQF_CANCELED,
	WDFIO_RQF_TIMER,	/* this send armed a timeout */
	WDFIO_RQF_TIMED_OUT,	/* the timeout fired: CANCELLED → IO_TIMEOUT */
	WDFIO_RQF_DETACHABLE,	/* this send may complete before its bios */
	WDFIO_RQF_IGNORE_STATE,	/* sent with IGNORE_TARGET_STATE */
	WDFIO_RQF_PENDED,	/* on the target's pended queue (target lock) */
	WDFIO_RQF_ABORT,	/* cancelled before the backend published I/O */
	WDFIO_RQF_SWEPT,	/* visited by a Stop/Purge/Close cancel sweep */
	WDFIO_RQF_COUNTED,	/* counted in the target's sent_count */
	/*
	 * Fail the send instead of pending it on a stopped target (KMDF's
	 * internal FAIL_ON_PEND, for continuous readers). Set by the sender
	 * before the send, kept across sends.
	 */
	WDFIO_RQF_FAIL_ON_PEND,
	WDFIO_RQF_IO_DONE,	/* the backend reported: a timeout only finishes */
	/*
	 * The sender is between SENT and its target's decision: a
	 * WdfRequestCancelSentRequest then only sets CANCELED, and the sender
	 * carries the cancel out once the request is admitted. A send that
	 * fails admission is thus never seen sent by a canceller.
	 */
	WDFIO_RQF_ADMITTING,
};

/**
 * struct wdfio_request - a WDFREQUEST
 * @obj: object header
 * @lock: protects @state, @routine, @routine_ctx, @sync_done, @fmt, @params
 *	and @io against concurrent DDIs and the completion path (irqsave)
 * @state: enum wdfio_rq_state
 * @rflags: WDFIO_RQF_* bits
 * @owners: completion ownership (KMDF's completion reference count): one for
 *	the backend (or the pended queue), one for an armed timeout, one for
 *	the sender until it has started the I/O; cancel
 *	paths take one only while it is non-zero; whoever drops it to zero
 *	completes the request
 * @status: IoStatus.Status (STATUS_PENDING while sent)
 * @information: IoStatus.Information
 * @routine: completion routine, cleared before it is called
 * @routine_ctx: its context
 * @sync_done: signalled after the completion routine of a synchronous send
 * @send_target: the target of the send in flight (referenced)
 * @fmt: current format
 * @params: completion params handed to the routine; live in the request
 * @io: the backend's I/O context once published (wdfio_request_publish_io);
 *	a detachable send holds a reference on it
 * @urb: a USB send's urb once published (wdfio_request_publish_urb); the
 *	request holds a reference on it until it completes
 * @usbd: the USBD_STATUS of a USB send, set by the backend before it reports
 * @usb_params: what Params->Parameters.Usb.Completion points to
 * @timeout_work: the send's timeout; embedded, so a timed send never fails
 *	for lack of memory (WdfRequestAllocateTimer has nothing to do). Set up
 *	by the first timed send, under @lock (a request forwarded per bio
 *	never pays for it); armed and cancelled only by a send that set
 *	WDFIO_RQF_TIMER
 * @deadline: when the timeout of this send expires (monotonic clock)
 * @sent_entry: on @send_target's sent or pended list
 * @submit_node: on a per-CPU deferred submission list
 * @io_cache: the I/O context (first bio, inline bounce pages) of the last
 *	send, kept for the next one when its bios ended before the request
 *	completed (a detached timed send leaves it behind): a reused request
 *	sends without allocating. Touched only by the backend between a send
 *	and its completion, and freed with the request.
 * @qr: the presented part (queue.h) of a request a queue presented, NULL
 *	for a driver-created request; set at creation, never changes
 */
struct wdfio_request {
	struct wdfio_object obj;

	spinlock_t lock;		/* see the kernel-doc above */
	enum wdfio_rq_state state;
	unsigned long rflags;
	atomic_t owners;
	NTSTATUS status;
	ULONG_PTR information;
	PFN_WDF_REQUEST_COMPLETION_ROUTINE routine;
	WDFCONTEXT routine_ctx;
	struct completion *sync_done;
	struct wdfio_target *send_target;
	struct wdfio_format fmt;
	WDF_REQUEST_COMPLETION_PARAMS params;
	struct wdfio_bio_io *io;
	struct urb *urb;
	USBD_STATUS usbd;
	WDF_USB_REQUEST_COMPLETION_PARAMS usb_params;
	struct delayed_work timeout_work;
	ktime_t deadline;
	struct list_head sent_entry;
	struct llist_node submit_node;
	struct wdfio_bio_io *io_cache;
	struct wdfio_qreq *qr;
};

static inline struct wdfio_request *wdfio_request_from_handle(WDFREQUEST h)
{
	struct wdfio_object *o = wdfio_object_of_type(h, WDFIO_OBJ_REQUEST);

	return o ? container_of(o, struct wdfio_request, obj) : NULL;
}

static inline WDFREQUEST wdfio_request_handle(struct wdfio_request *r)
{
	return (WDFREQUEST)&r->obj;
}

NTSTATUS wdfio_request_create(PWDF_OBJECT_ATTRIBUTES attr,
			      struct wdfio_request **out);
NTSTATUS wdfio_request_create_presented(PWDF_OBJECT_ATTRIBUTES attr,
					size_t qr_size,
					struct wdfio_request **out);
void wdfio_request_init_presented(struct wdfio_request *req,
				  void (*free)(struct wdfio_object *obj),
				  struct wdfio_qreq *qr);
NTSTATUS wdfio_request_format(struct wdfio_request *req,
			      struct wdfio_format *fmt);
void wdfio_request_unformat(struct wdfio_request *req);
void wdfio_request_fail(struct wdfio_request *req, NTSTATUS status);
NTSTATUS wdfio_request_reuse(struct wdfio_request *req, NTSTATUS status);
BOOLEAN wdfio_request_send(struct wdfio_request *req,
			   struct wdfio_target *target,
			   PWDF_REQUEST_SEND_OPTIONS options);
NTSTATUS wdfio_request_send_sync(struct wdfio_request *req,
				 struct wdfio_target *target,
				 PWDF_REQUEST_SEND_OPTIONS options,
				 ULONG_PTR *information);
BOOLEAN wdfio_request_cancel(struct wdfio_request *req);
void wdfio_request_sweep(struct wdfio_request *req);
bool wdfio_request_cancel_io(struct wdfio_request *req);
bool wdfio_request_publish_io(struct wdfio_request *req,
			      struct wdfio_bio_io *io);
bool wdfio_request_publish_urb(struct wdfio_request *req, struct urb *urb);
void wdfio_request_start_io(struct wdfio_request *req);
void wdfio_request_io_done(struct wdfio_request *req, NTSTATUS status,
			   ULONG_PTR information);
NTSTATUS wdfio_check_send_options(PWDF_REQUEST_SEND_OPTIONS options,
				  bool sync_ddi);
/* queue.c: a request a queue presented is about to be sent */
NTSTATUS wdfio_qreq_before_send(struct wdfio_request *req,
				struct wdfio_target *t, ULONG flags,
				bool *forwarded);
/* queue.c: a SEND_AND_FORGET that was refused: the driver owns it again */
void wdfio_qreq_send_failed(struct wdfio_request *req);
/* queue.c: the last reference to a request a queue presented */
void wdfio_qreq_release(struct wdfio_request *req);
/* iotarget_api.c: check a format against its target and bind it */
NTSTATUS wdfio_bind_format(struct wdfio_target *t, struct wdfio_request *req,
			   struct wdfio_format *fmt);

void wdfio_queue_work(struct work_struct *work);
void wdfio_queue_delayed_work(struct delayed_work *dwork, unsigned long delay);
void wdfio_mod_delayed_work(struct delayed_work *dwork, unsigned long delay);
int wdfio_request_init(void);
void wdfio_request_exit(void);
int wdfio_queue_init(void);
void wdfio_queue_exit(void);

/* ------------------------------------------------------------------ */
/* Targets                                                             */

/* What the target decided about a send. */
enum wdfio_admit {
	WDFIO_ADMIT_SEND,	/* hand it to the backend now */
	WDFIO_ADMIT_PENDED,	/* queued until WdfIoTargetStart */
};

struct wdfio_target *wdfio_target_alloc(size_t size,
					PWDF_OBJECT_ATTRIBUTES attr,
					enum wdfio_target_kind kind,
					struct module *owner, NTSTATUS *status);
void wdfio_target_cancel_sent(struct wdfio_target *t, bool all);
NTSTATUS wdfio_bind_format(struct wdfio_target *t, struct wdfio_request *req,
			   struct wdfio_format *fmt);
NTSTATUS wdfio_send_sync(WDFIOTARGET IoTarget, WDFREQUEST Request,
			 struct wdfio_format *fmt,
			 PWDF_REQUEST_SEND_OPTIONS options,
			 PULONG_PTR information);
NTSTATUS wdfio_target_open(struct wdfio_target *t,
			   PWDF_IO_TARGET_OPEN_PARAMS params);
void wdfio_target_close(struct wdfio_target *t, WDF_IO_TARGET_STATE state);
NTSTATUS wdfio_target_start(struct wdfio_target *t);
void wdfio_target_stop(struct wdfio_target *t,
		       WDF_IO_TARGET_SENT_IO_ACTION action);
void wdfio_target_purge(struct wdfio_target *t,
			WDF_IO_TARGET_PURGE_IO_ACTION action);
NTSTATUS wdfio_target_admit(struct wdfio_target *t, struct wdfio_request *req,
			    bool timed, unsigned long delay,
			    enum wdfio_admit *admit);
bool wdfio_target_unpend(struct wdfio_target *t, struct wdfio_request *req);
void wdfio_target_sent_done(struct wdfio_target *t, struct wdfio_request *req);
void wdfio_target_io_done(struct wdfio_target *t, bool counted_sent);

/**
 * wdfio_target_dev() - the open device of a target
 * @t: the target
 *
 * Context: Any context. The caller keeps the result valid by holding a
 * request of @t in flight (Close waits for those), by an RCU read section
 * (Close waits for a grace period) or by taking a reference.
 * Return: the device, or NULL if the target is not open.
 */
static inline struct wdfio_dev *wdfio_target_dev(struct wdfio_target *t)
{
	return READ_ONCE(t->dev);
}

/* ------------------------------------------------------------------ */
/* Block backend (blk.c)                                               */

NTSTATUS wdfio_blk_check_rw(struct wdfio_dev *dev, u64 offset, size_t len,
			    bool write);
void wdfio_blk_start(struct wdfio_request *req, gfp_t gfp);
bool wdfio_blk_detach(struct wdfio_bio_io *io, struct wdfio_request *req);
void wdfio_blk_io_get(struct wdfio_bio_io *io);
void wdfio_blk_io_put(struct wdfio_bio_io *io);
void wdfio_blk_io_cache_free(struct wdfio_request *req);
void wdfio_blk_drain(void);
int wdfio_blk_init(void);
void wdfio_blk_exit(void);

/* ------------------------------------------------------------------ */
/* Status translation (status.c)                                       */

NTSTATUS wdfio_ntstatus_from_blk(blk_status_t sts);
NTSTATUS wdfio_ntstatus_from_errno(int err);
NTSTATUS wdfio_usb_status_from_submit(int err, USBD_STATUS *usbd);

/* USB backend (usb.c, usb_api.c, usb_reader.c): see wdfio_usb.h */
void wdfio_usb_start(struct wdfio_request *req, gfp_t gfp);
bool wdfio_usb_cancel(struct wdfio_request *req, struct urb *urb);
void wdfio_usb_target_dispose(struct wdfio_target *t);
void wdfio_usb_target_release(struct wdfio_target *t);
NTSTATUS wdfio_usb_check_format(struct wdfio_target *t,
				struct wdfio_format *fmt);
void wdfio_usb_reader_start(struct wdfio_target *t);
void wdfio_usb_device_pipes_do(struct wdfio_target *t, char what, int action);

/* UTF-16 (UNICODE_STRING) → UTF-8 (unicode.c) */
char *wdfio_unicode_to_utf8(PCUNICODE_STRING us, gfp_t gfp, NTSTATUS *status);

#endif /* _WDFIO_INTERNAL_H */
