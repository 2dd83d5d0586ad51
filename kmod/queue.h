/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wdfio's receiving side: drivers, devices, queues, and the requests a queue
 * presents (internal interfaces of device.c, queue.c, chardev.c).
 *
 * Ownership of a presented request (struct wdfio_qreq.state): NEW, then
 * QUEUED on a queue's @pending, OWNED by the driver once presented or
 * retrieved (on @owned), DONE once completed. A forward or a requeue
 * (WdfRequestStopAcknowledge(TRUE)) takes an OWNED request back to QUEUED;
 * a cancel takes a QUEUED one to OWNED (EvtIoCanceledOnQueue) or completes
 * it with STATUS_CANCELLED. WDF_REQUEST_SEND_OPTION_SEND_AND_FORGET takes an
 * OWNED request that is not a forwarded bio to SENT: it belongs to the
 * target until its I/O ends, which completes it; no purge, stop, cancel or
 * deletion of its queue touches it (the device's deletion waits for it).
 *
 * Every state change happens under the device's lock (one lock for all the
 * queues of a device, so a forward between two queues is atomic). A request
 * is completed to its front-end exactly once: whoever moves it to DONE does it.
 */
#ifndef _WDFIO_QUEUE_H
#define _WDFIO_QUEUE_H

#include "wdfio.h"

struct wdfio_chardev;
struct wdfio_fileobj;

/**
 * struct wdfio_cblock - a callback lock (KMDF's presentation lock,
 *	FxCallbackLock): what SynchronizationScope serialises callbacks with,
 *	and what WdfObjectAcquireLock takes (synclock.c)
 * @passive: ExecutionLevel Passive: @mutex, callbacks may sleep; else
 *	@spin, taken irqsave (a callback may be presented from a completion
 *	in interrupt context), callbacks must not sleep
 * @spin: the lock of a Dispatch-level scope
 * @mutex: the lock of a Passive-level scope
 * @owner: the task holding the lock, or NULL; written only by the holder,
 *	read locklessly to answer "do I hold it?" (wdfio_cblock_held_by_me())
 * @irqflags: the holder's saved interrupt state (@spin)
 * @depth: (holder) nested WdfObjectAcquireLock calls, a driver bug that is
 *	tolerated rather than deadlocking
 *
 * Rules (KMDF's, adapted): a callback lock is taken only around a driver
 * callback or by WdfObjectAcquireLock, never with a device's @lock held
 * (order: callback lock, then the device's @lock). It is never taken
 * recursively: a thread that already holds it (inside a serialised
 * callback, or between WdfObjectAcquireLock and WdfObjectReleaseLock)
 * does not call another callback of the same scope inline; presentation
 * and cancel callbacks (EvtIoCanceledOnQueue, EvtRequestCancel) are then
 * deferred to the queue's dispatch loop on a work item, as KMDF defers them
 * to a DPC or work item. A passive lock is likewise never taken where
 * sleeping is not allowed: the work is deferred the same way.
 */
struct wdfio_cblock {
	bool passive;
	spinlock_t spin;		/* see the kernel-doc above */
	struct mutex mutex;		/* see the kernel-doc above */
	struct task_struct *owner;
	unsigned long irqflags;
	unsigned int depth;
};

/**
 * struct wdfio_fo_config - WdfDeviceInitSetFileObjectConfig's arguments
 * @set: the driver called it
 * @cfg: the callbacks (WDF_FILEOBJECT_CONFIG)
 * @has_attr: @attr is set
 * @attr: the file objects' attributes (their context, cleanup callbacks)
 */
struct wdfio_fo_config {
	bool set;
	WDF_FILEOBJECT_CONFIG cfg;
	bool has_attr;
	WDF_OBJECT_ATTRIBUTES attr;
};

/**
 * struct wdfio_driver - a WDFDRIVER
 * @obj: object header
 * @config: the driver's WDF_DRIVER_CONFIG
 * @exec_level: ExecutionLevel its devices inherit (KMDF: Dispatch)
 * @sync_scope: SynchronizationScope its devices inherit (KMDF: None)
 * @owner: the driver's module (pinned by open files of its devices)
 */
struct wdfio_driver {
	struct wdfio_object obj;
	WDF_DRIVER_CONFIG config;
	WDF_EXECUTION_LEVEL exec_level;
	WDF_SYNCHRONIZATION_SCOPE sync_scope;
	struct module *owner;
};

/**
 * struct WDFDEVICE_INIT - what a driver set up before WdfDeviceCreate
 * @driver: the driver (referenced)
 * @name: device node name (last component of the WDM name), or NULL
 * @control: from WdfControlDeviceInitAllocate
 * @io_type: buffer method of reads and writes
 * @mode: permission bits of the device node
 * @exclusive: one open file at a time
 * @has_req_attr: @req_attr is set
 * @req_attr: attributes of the requests the device's queues present
 * @filter: WdfFdoInitSetFilter was called
 * @pnp: from wdfio_driver_add_device (which frees it), not a control device
 * @lower: the lower block device's name (a filter's default target)
 * @created: the device WdfDeviceCreate made from it (@pnp only)
 * @fo: file object configuration (fileobject.c)
 * @in_caller: WdfDeviceInitSetIoInCallerContextCallback's callback
 */
struct WDFDEVICE_INIT {
	struct wdfio_driver *driver;
	char *name;
	bool control;
	WDF_DEVICE_IO_TYPE io_type;
	umode_t mode;
	bool exclusive;
	bool has_req_attr;
	WDF_OBJECT_ATTRIBUTES req_attr;
	bool filter;
	bool pnp;
	UNICODE_STRING lower;
	struct wdfio_device *created;
	struct wdfio_fo_config fo;
	PFN_WDF_IO_IN_CALLER_CONTEXT in_caller;
};

/* Request types a device dispatches to queues: read, write, the two IOCTLs */
#define WDFIO_NR_DISPATCH	(WdfRequestTypeDeviceControlInternal + 1)

/**
 * struct wdfio_device - a WDFDEVICE
 * @obj: object header
 * @driver: the driver (referenced)
 * @exec_level: ExecutionLevel, resolved (never InheritFromParent)
 * @sync_scope: SynchronizationScope, resolved (never InheritFromParent)
 * @cblock: the device's callback lock (the lock of SynchronizationScope
 *	Device; WdfObjectAcquireLock on the device)
 * @lock: protects every field marked (L) here and in the device's queues
 *	and presented requests; irqsave (completion runs in any context)
 * @default_queue: (L) the default queue, or NULL
 * @dispatch: (L) queues of WdfDeviceConfigureRequestDispatching, by type
 * @removing: (L) deletion started: new requests fail
 * @inflight: (L) requests submitted and not yet completed
 * @idle_wq: woken when @inflight drops to zero
 * @name: node name, or NULL
 * @io_type: buffer method of reads and writes
 * @mode: node permission bits
 * @exclusive: one open file at a time
 * @open_count: (L) open files
 * @has_req_attr: @req_attr is set
 * @req_attr: attributes of presented requests
 * @cdev: the character front-end, once WdfControlFinishInitializing ran
 * @filter: a filter device (WdfFdoInitSetFilter)
 * @lower: the default I/O target (WdfDeviceGetIoTarget): the lower block
 *	device of a device made by wdfio_driver_add_device, else NULL
 * @bfe: the block front-end of a device over a lower block device
 * @fo: file object configuration, from the WDFDEVICE_INIT
 * @int_queue: internal manual queue of the requests the driver owns
 *	outside its own queues: create requests in EvtDeviceFileCreate,
 *	requests in EvtIoInCallerContext (made at first use, set once with
 *	cmpxchg)
 * @in_caller: EvtIoInCallerContext, or NULL
 * @power_lock: serializes wdfio_device_set_power_state() (queue_power.c)
 * @power_down: (L) the device is out of D0: power-managed queues hold
 * @power_state: (L) its WDF_POWER_DEVICE_STATE (WdfPowerDeviceD0 at creation)
 * @power_gen: (L) counts power-downs: a request's @stop_gen tells whether
 *	EvtIoStop(Suspend) was called for it in the current one
 * @pm_queues: (L) the power-managed queues, linked by their @pm_node
 */
struct wdfio_device {
	struct wdfio_object obj;
	struct wdfio_driver *driver;
	WDF_EXECUTION_LEVEL exec_level;
	WDF_SYNCHRONIZATION_SCOPE sync_scope;
	struct wdfio_cblock cblock;

	spinlock_t lock;		/* see the kernel-doc above */
	struct wdfio_queue *default_queue;
	struct wdfio_queue *dispatch[WDFIO_NR_DISPATCH];
	bool removing;
	unsigned int inflight;
	wait_queue_head_t idle_wq;

	char *name;
	WDF_DEVICE_IO_TYPE io_type;
	umode_t mode;
	bool exclusive;
	unsigned int open_count;
	bool has_req_attr;
	WDF_OBJECT_ATTRIBUTES req_attr;
	struct wdfio_chardev *cdev;
	bool filter;
	struct wdfio_target *lower;
	struct wdfio_blkdev *bfe;
	struct wdfio_fo_config fo;
	struct wdfio_queue *int_queue;
	PFN_WDF_IO_IN_CALLER_CONTEXT in_caller;
	struct mutex power_lock;	/* see the kernel-doc above */
	bool power_down;
	WDF_POWER_DEVICE_STATE power_state;
	unsigned int power_gen;
	struct list_head pm_queues;
};

/**
 * struct wdfio_fileobj - a WDFFILEOBJECT: one open file of a device's node
 * @obj: object header (a root object: the device's deletion does not
 *	delete it; its release does)
 * @dev: the device (referenced)
 * @closed: EvtFileCleanup/EvtFileClose were called (or must not be)
 * @name: WdfFileObjectGetFileName's string: always empty (a Linux open
 *	carries no name after the device's)
 * @flags: WdfFileObjectGetFlags's FO_* flags, from the open's O_* flags
 */
struct wdfio_fileobj {
	struct wdfio_object obj;
	struct wdfio_device *dev;
	atomic_t closed;
	UNICODE_STRING name;
	ULONG flags;
};

/**
 * struct wdfio_queue - a WDFQUEUE
 * @obj: object header
 * @dev: its device (the object parent)
 * @cfg: the driver's configuration
 * @passive: present only where sleeping is allowed (WdfExecutionLevelPassive,
 *	the queue's or inherited from the device)
 * @cblock: the queue's own callback lock (SynchronizationScope Queue)
 * @sync: the lock its callbacks run under: @cblock (scope Queue), the
 *	device's @cblock (scope Device), or NULL (scope None)
 * @cancel_events: (L) requests whose cancel callback is due (struct
 *	wdfio_qreq @cancel_ev), delivered by the dispatch loop under @sync
 * @accept: (L) new requests are queued (else cancelled / STATUS_WDF_BUSY)
 * @dispatching: (L) queued requests are presented (or retrievable)
 * @pending: (L) queued requests, in arrival order
 * @owned: (L) requests the driver owns
 * @nr_pending: (L) entries on @pending
 * @nr_owned: (L) entries on @owned
 * @dispatchers: (L) the threads presenting requests of this queue now
 *	(struct wdfio_dispatcher on their stacks): several may, as in KMDF,
 *	but a thread never re-enters (a callback that completes its request
 *	inline leaves the next one to the loop it runs in)
 * @presenting: threads presenting a new request directly (not through
 *	the dispatch loop: wdfio_device_submit()'s fast path); deletion
 *	waits for zero, so no thread is left inside a callback
 * @idle_cb: (L) Stop's callback, run when the driver owns nothing
 * @idle_ctx: (L) its context
 * @purge_cb: (L) Purge's callback, run when nothing is queued or owned
 * @purge_ctx: (L) its context
 * @power_purge: (L) the queue is being deleted: requeued requests are
 *	cancelled
 * @ready_cb: (L) WdfIoQueueReadyNotify's callback (manual queues), or NULL
 * @ready_ctx: (L) its context
 * @ready_due: (L) the queue went from empty to not empty (or was started,
 *	or the callback registered, with requests queued): @ready_cb runs
 *	from the dispatch loop once the queue dispatches
 * @dispatch_work: presents requests from process context (@passive)
 * @idle_wq: woken when @nr_owned or @nr_pending drops to zero, and when
 *	the driver acknowledges an EvtIoStop(Suspend)
 * @power_managed: the queue holds while its device is out of D0
 *	(WDF_IO_QUEUE_CONFIG.PowerManaged, queue_power.c); set at creation
 * @power_held: (L) held for power: nothing is presented or retrieved,
 *	whatever the driver's start/stop state (@dispatching)
 * @pm_node: (L) on the device's @pm_queues while @power_managed, until the
 *	queue's deletion
 */
struct wdfio_queue {
	struct wdfio_object obj;
	struct wdfio_device *dev;
	WDF_IO_QUEUE_CONFIG cfg;
	bool passive;
	struct wdfio_cblock cblock;
	struct wdfio_cblock *sync;
	struct list_head cancel_events;

	bool accept;
	bool dispatching;
	struct list_head pending;
	struct list_head owned;
	unsigned int nr_pending;
	unsigned int nr_owned;
	struct list_head dispatchers;
	atomic_t presenting;
	PFN_WDF_IO_QUEUE_STATE idle_cb;
	WDFCONTEXT idle_ctx;
	PFN_WDF_IO_QUEUE_STATE purge_cb;
	WDFCONTEXT purge_ctx;
	bool power_purge;
	PFN_WDF_IO_QUEUE_STATE ready_cb;
	WDFCONTEXT ready_ctx;
	bool ready_due;
	struct work_struct dispatch_work;
	wait_queue_head_t idle_wq;
	bool power_managed;
	bool power_held;
	struct list_head pm_node;
};

/* How a front-end learns that its request completed. */
struct wdfio_fe_ops {
	/* Any context; must not sleep. The request is already deleted. */
	void (*complete)(void *ctx, NTSTATUS status, ULONG_PTR information);
};

enum wdfio_qr_state {
	WDFIO_QR_NEW,		/* being submitted */
	WDFIO_QR_QUEUED,	/* on a queue's @pending */
	WDFIO_QR_OWNED,		/* presented: on a queue's @owned */
	WDFIO_QR_SENT,		/* sent and forgotten: the target's, on no list */
	WDFIO_QR_DONE,		/* completed to the front-end */
};

/**
 * struct wdfio_qreq - the presented part of a request (allocated with it)
 * @dev: the device it was sent to
 * @queue: (L) the queue it is on or was presented by (referenced)
 * @state: (L) enum wdfio_qr_state
 * @entry: (L) on @queue's @pending or @owned
 * @params: the parameters (WdfRequestGetParameters)
 * @in_buf: system input buffer (write data, IOCTL input), or NULL
 * @in_len: its length
 * @out_buf: system output buffer (read data, IOCTL output), or NULL
 * @out_len: its length
 * @neither: METHOD_NEITHER IOCTL: no system buffers
 * @in_mem: WDFMEMORY over @in_buf, made on demand (child of the request)
 * @out_mem: WDFMEMORY over @out_buf, made on demand
 * @cancel_routine: (L) EvtRequestCancel while marked cancelable
 * @cancelled: (L) the front-end cancelled it (IRP Cancel flag)
 * @stop_notified: (L) EvtIoStop(Purge) was called (the queue is deleted)
 * @suspend_notified: (L) EvtIoStop(Suspend) was called and not acknowledged
 * @resume_due: (L) acknowledged with Requeue FALSE while the device is out
 *	of D0: EvtIoResume is called for it when the device is back in D0
 * @stop_gen: (L) the device's @power_gen when EvtIoStop(Suspend) was called
 * @cancel_ev: (L) on its queue's @cancel_events (synchronised queues: a
 *	cancel callback is due), else empty
 * @cancel_fn: (L) with @cancel_ev: the EvtRequestCancel due, or NULL for
 *	the queue's EvtIoCanceledOnQueue
 * @fe: front-end completion
 * @fe_ctx: its context
 * @bio: the bio of a block front-end request; its data is reached through
 *	@bounce (made when the driver asks for a buffer) unless the request
 *	is sent and forgotten, when the bio itself goes to the lower device
 * @bounce: kmalloc'ed copy of @bio's data, or NULL
 * @fmt_current: WdfRequestFormatRequestUsingCurrentType was called: the
 *	next send formats the request for its target
 * @file: the file object it came through (WdfRequestGetFileObject), or
 *	NULL; valid while the request is (the file's release waits for it)
 * @in_caller: EvtIoInCallerContext is running for it, on the caller's
 *	thread (WdfRequestRetrieveUnsafeUser*, WdfRequestProbeAndLock*)
 * @user_out: METHOD_NEITHER: the caller's output pointer (never
 *	dereferenced by wdfio; WdfRequestRetrieveUnsafeUserOutputBuffer)
 */
struct wdfio_qreq {
	struct wdfio_device *dev;
	struct wdfio_queue *queue;
	enum wdfio_qr_state state;
	struct list_head entry;
	WDF_REQUEST_PARAMETERS params;
	void *in_buf;
	size_t in_len;
	void *out_buf;
	size_t out_len;
	bool neither;
	struct wdfio_memory *in_mem;
	struct wdfio_memory *out_mem;
	PFN_WDF_REQUEST_CANCEL cancel_routine;
	bool cancelled;
	struct list_head cancel_ev;
	PFN_WDF_REQUEST_CANCEL cancel_fn;
	bool stop_notified;
	bool suspend_notified;
	bool resume_due;
	unsigned int stop_gen;
	const struct wdfio_fe_ops *fe;
	void *fe_ctx;
	struct bio *bio;
	void *bounce;
	bool fmt_current;
	struct wdfio_fileobj *file;
	bool in_caller;
	void *user_out;
};

NTSTATUS wdfio_qreq_alloc(struct wdfio_device *dev,
			  struct wdfio_request **out);

/**
 * struct wdfio_io_desc - a request a front-end sends to a device
 * @type: WdfRequestTypeRead, Write, DeviceControl or DeviceControlInternal
 * @offset: read/write: DeviceOffset
 * @length: read/write: Length
 * @code: IOCTL code
 * @in_buf: system input buffer (write data, IOCTL input), or NULL
 * @in_len: its length (IOCTL InputBufferLength)
 * @out_buf: system output buffer (read data, IOCTL output), or NULL
 * @out_len: its length (IOCTL OutputBufferLength)
 * @type3_in: METHOD_NEITHER: the caller's input pointer (never dereferenced)
 * @user_out: METHOD_NEITHER: the caller's output pointer (never dereferenced)
 * @neither: METHOD_NEITHER IOCTL
 * @bio: the bio behind a block front-end request (its data, no buffers)
 * @fe: front-end completion
 * @fe_ctx: its context
 * @file: the file object of the caller's open file, or NULL
 */
struct wdfio_io_desc {
	WDF_REQUEST_TYPE type;
	u64 offset;
	size_t length;
	ULONG code;
	void *in_buf;
	size_t in_len;
	void *out_buf;
	size_t out_len;
	void *type3_in;
	void *user_out;
	bool neither;
	struct bio *bio;
	const struct wdfio_fe_ops *fe;
	void *fe_ctx;
	struct wdfio_fileobj *file;
};

static inline struct wdfio_driver *wdfio_driver_from_handle(WDFDRIVER h)
{
	struct wdfio_object *o = wdfio_object_of_type(h, WDFIO_OBJ_DRIVER);

	return o ? container_of(o, struct wdfio_driver, obj) : NULL;
}

static inline WDFDRIVER wdfio_driver_handle(struct wdfio_driver *d)
{
	return (WDFDRIVER)(&d->obj);
}

static inline struct wdfio_device *wdfio_device_from_handle(WDFDEVICE h)
{
	struct wdfio_object *o = wdfio_object_of_type(h, WDFIO_OBJ_DEVICE);

	return o ? container_of(o, struct wdfio_device, obj) : NULL;
}

static inline WDFDEVICE wdfio_device_handle(struct wdfio_device *d)
{
	return (WDFDEVICE)&d->obj;
}

static inline struct wdfio_queue *wdfio_queue_from_handle(WDFQUEUE h)
{
	struct wdfio_object *o = wdfio_object_of_type(h, WDFIO_OBJ_QUEUE);

	return o ? container_of(o, struct wdfio_queue, obj) : NULL;
}

static inline WDFQUEUE wdfio_queue_handle(struct wdfio_queue *q)
{
	return (WDFQUEUE)&q->obj;
}

/* queue.c */
bool wdfio_queue_handles(struct wdfio_queue *q, WDF_REQUEST_TYPE type);
NTSTATUS wdfio_device_submit(struct wdfio_device *dev,
			     const struct wdfio_io_desc *d,
			     struct wdfio_request **out);
void wdfio_qreq_cancel(struct wdfio_request *req);
void wdfio_queue_power_purge(struct wdfio_queue *q);
void wdfio_queue_kick(struct wdfio_queue *q);

/* queue_power.c */
void wdfio_device_power_init(struct wdfio_device *dev);
void wdfio_queue_power_init(struct wdfio_queue *q);
void wdfio_queue_power_exit(struct wdfio_queue *q);
void wdfio_qreq_power_ack(struct wdfio_qreq *qr, bool requeue);

/* synclock.c */
NTSTATUS wdfio_sync_check_attributes(PWDF_OBJECT_ATTRIBUTES attr);
void wdfio_driver_sync_init(struct wdfio_driver *drv,
			    PWDF_OBJECT_ATTRIBUTES attr);
void wdfio_device_sync_init(struct wdfio_device *dev,
			    struct wdfio_driver *drv,
			    PWDF_OBJECT_ATTRIBUTES attr);
NTSTATUS wdfio_queue_sync_init(struct wdfio_queue *q,
			       PWDF_OBJECT_ATTRIBUTES attr);
bool wdfio_cblock_held_by_me(struct wdfio_cblock *l);
bool wdfio_cblock_take(struct wdfio_cblock *l);
void wdfio_cblock_give(struct wdfio_cblock *l);

/*
 * The queue-side helpers are inline: a queue without a synchronization
 * scope (a filter's parallel queue) pays one test per presented request.
 */

/**
 * wdfio_queue_sync_must_defer() - may this thread not call @q's callbacks?
 * @q: a queue
 *
 * Context: Any context.
 * Return: true if the thread holds the lock @q's callbacks run under (it is
 * inside one of them, or between WdfObjectAcquireLock and
 * WdfObjectReleaseLock): the callback must be deferred.
 */
static inline bool wdfio_queue_sync_must_defer(struct wdfio_queue *q)
{
	return q->sync && wdfio_cblock_held_by_me(q->sync);
}

/**
 * wdfio_queue_cb_lock() - take the lock @q's callbacks run under
 * @q: a queue
 *
 * Context: Process context for a passive queue (the callers defer to a work
 * item otherwise); any context else.
 * Return: true if the lock was taken (give it to wdfio_queue_cb_unlock());
 * false for scope None, or where the thread holds it already (it is inside
 * the scope: the callback is serialised as it is).
 */
static inline bool wdfio_queue_cb_lock(struct wdfio_queue *q)
{
	return q->sync && wdfio_cblock_take(q->sync);
}

/**
 * wdfio_queue_cb_unlock() - release what wdfio_queue_cb_lock() took
 * @q: the queue
 * @taken: wdfio_queue_cb_lock()'s answer
 *
 * Context: Any context.
 */
static inline void wdfio_queue_cb_unlock(struct wdfio_queue *q, bool taken)
{
	if (taken)
		wdfio_cblock_give(q->sync);
}

/* blkdev.c */
int wdfio_blkdev_register(struct wdfio_device *dev);
void wdfio_blkdev_unregister(struct wdfio_device *dev);
blk_status_t wdfio_blk_status_from_nt(NTSTATUS status);
void wdfio_blkdev_forward(struct bio *bio, struct wdfio_dev *lower);

/* fileobject.c */
NTSTATUS wdfio_fileobj_open(struct wdfio_device *dev, unsigned int f_flags,
			    const struct wdfio_fe_ops *fe, void *fe_ctx,
			    struct wdfio_fileobj **fo_out,
			    struct wdfio_request **req_out);
void wdfio_fileobj_abort(struct wdfio_fileobj *fo);
void wdfio_fileobj_close(struct wdfio_fileobj *fo);
struct wdfio_queue *wdfio_device_int_queue(struct wdfio_device *dev,
					   NTSTATUS *status);
NTSTATUS wdfio_device_own_internal(struct wdfio_device *dev,
				   struct wdfio_request *req,
				   struct wdfio_request **out);

/* incaller.c */
NTSTATUS wdfio_device_in_caller(struct wdfio_device *dev,
				struct wdfio_request *req,
				struct wdfio_request **out);

/**
 * struct wdfio_pin - a caller's pages, pinned and mapped into the kernel
 * @pages: the pinned pages (kvmalloc'ed array), NULL when nothing is pinned
 * @nr: how many
 * @vaddr: their vmap() (read-only unless @write)
 * @write: pinned for writing (FOLL_WRITE): dirtied when unpinned
 */
struct wdfio_pin {
	struct page **pages;
	unsigned int nr;
	void *vaddr;
	bool write;
};

/* userbuf.c */
int wdfio_pin_user(struct wdfio_pin *p, unsigned long uaddr, size_t len,
		   bool write, void **kaddr);
void wdfio_unpin_user(struct wdfio_pin *p);

/* chardev.c */
int wdfio_chardev_register(struct wdfio_device *dev);
void wdfio_chardev_unregister(struct wdfio_device *dev);

#endif /* _WDFIO_QUEUE_H */
