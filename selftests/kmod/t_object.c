// SPDX-License-Identifier: GPL-2.0
/*
 * Objects (docs/semantics.md, "Objects"): typed contexts, cleanup and
 * destroy callbacks, references, the parent/child tree, and deleting
 * requests from their routine or while they are sent.
 */
#include <linux/module.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "util.h"
#include "wt_cases.h"

typedef struct _WT_OBJ_CONTEXT {
	ULONG Magic;
	UCHAR Bytes[200];
	ULONGLONG Tail;
} WT_OBJ_CONTEXT, *PWT_OBJ_CONTEXT;

WDF_DECLARE_CONTEXT_TYPE(WT_OBJ_CONTEXT);

typedef struct _WT_OTHER_CONTEXT {
	ULONG Value;
} WT_OTHER_CONTEXT, *PWT_OTHER_CONTEXT;

WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(WT_OTHER_CONTEXT, WtOtherGetContext);

/* Also declared, identically, in t_memory.c */
typedef struct _WT_SHARED_CONTEXT {
	ULONG A;
	ULONG B;
} WT_SHARED_CONTEXT;

WDF_DECLARE_CONTEXT_TYPE(WT_SHARED_CONTEXT);

/* ------------------------------------------------------------------ */
/* The callback log                                                    */

#define WT_EV_MAX	32

struct wt_ev {
	char kind;		/* 'C'leanup or 'D'estroy */
	WDFOBJECT object;
	ULONG magic;		/* the context's Magic when the callback ran */
};

static DEFINE_SPINLOCK(wt_ev_lock);
static unsigned int wt_ev_n;
static struct wt_ev wt_evs[WT_EV_MAX];

static void wt_ev_reset(void)
{
	unsigned long flags;

	spin_lock_irqsave(&wt_ev_lock, flags);
	wt_ev_n = 0;
	memset(wt_evs, 0, sizeof(wt_evs));
	spin_unlock_irqrestore(&wt_ev_lock, flags);
}

static void wt_ev_add(char kind, WDFOBJECT object)
{
	PWT_OBJ_CONTEXT ctx = WdfObjectGet_WT_OBJ_CONTEXT(object);
	unsigned long flags;

	spin_lock_irqsave(&wt_ev_lock, flags);
	if (wt_ev_n < WT_EV_MAX) {
		wt_evs[wt_ev_n].kind = kind;
		wt_evs[wt_ev_n].object = object;
		wt_evs[wt_ev_n].magic = ctx ? ctx->Magic : 0;
	}
	wt_ev_n++;
	spin_unlock_irqrestore(&wt_ev_lock, flags);
	wake_up(&wt_wq);
}

/* Number of @kind events of @object; *first: index of the first, or -1 */
static unsigned int wt_ev_count(char kind, WDFOBJECT object, int *first)
{
	unsigned int i, n = 0;
	unsigned long flags;

	if (first)
		*first = -1;
	spin_lock_irqsave(&wt_ev_lock, flags);
	for (i = 0; i < min_t(unsigned int, wt_ev_n, WT_EV_MAX); i++) {
		if (wt_evs[i].kind != kind || wt_evs[i].object != object)
			continue;
		if (first && *first < 0)
			*first = i;
		n++;
	}
	spin_unlock_irqrestore(&wt_ev_lock, flags);
	return n;
}

static ULONG wt_ev_magic(unsigned int i)
{
	return i < WT_EV_MAX ? wt_evs[i].magic : 0;
}

static EVT_WDF_OBJECT_CONTEXT_CLEANUP wt_obj_cleanup;
static EVT_WDF_OBJECT_CONTEXT_DESTROY wt_obj_destroy;

static VOID wt_obj_cleanup(WDFOBJECT Object)
{
	wt_ev_add('C', Object);
}

static VOID wt_obj_destroy(WDFOBJECT Object)
{
	wt_ev_add('D', Object);
}

static void wt_obj_attributes(PWDF_OBJECT_ATTRIBUTES attributes,
			      WDFOBJECT parent)
{
	WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(attributes, WT_OBJ_CONTEXT);
	attributes->EvtCleanupCallback = wt_obj_cleanup;
	attributes->EvtDestroyCallback = wt_obj_destroy;
	attributes->ParentObject = parent;
}

/* Stamp a context so callbacks can show they saw the object's own one */
static ULONG wt_obj_stamp(WDFOBJECT object)
{
	PWT_OBJ_CONTEXT ctx = WdfObjectGet_WT_OBJ_CONTEXT(object);
	ULONG magic = 0x5EED0000 | (wt_next_seed() & 0xffff);

	if (ctx)
		ctx->Magic = magic;
	return magic;
}

/* A 512-byte memory object with callbacks (and context) under @parent */
static WDFMEMORY wt_obj_memory(struct wt *t, WDFOBJECT parent)
{
	WDF_OBJECT_ATTRIBUTES attributes;
	WDFMEMORY memory = NULL;
	NTSTATUS status;

	wt_obj_attributes(&attributes, parent);
	status = WdfMemoryCreate(&attributes, NonPagedPoolNx, WT_TAG, 512,
				 &memory, NULL);
	if (!T_STATUS(t, STATUS_SUCCESS, status))
		return NULL;
	return memory;
}

/* Exactly one cleanup, then exactly one destroy, each seeing @magic */
static bool wt_obj_deleted_once(struct wt *t, WDFOBJECT object, ULONG magic,
				const char *what)
{
	int c, d;

	wt_set_where(t, "%s", what);
	if (!T_EQ(t, 1, wt_ev_count('C', object, &c)) ||
	    !T_EQ(t, 1, wt_ev_count('D', object, &d)))
		return false;
	return T_TRUE(t, c < d, "cleanup (event %d) after destroy (event %d)",
		      c, d) &&
	       T_EQ(t, magic, wt_ev_magic(c)) &&
	       T_EQ(t, magic, wt_ev_magic(d));
}

/* ------------------------------------------------------------------ */

static bool wt_obj_check_context(struct wt *t, WDFOBJECT object,
				 const char *what)
{
	PWT_OBJ_CONTEXT ctx = WdfObjectGet_WT_OBJ_CONTEXT(object);

	wt_set_where(t, "context of a %s", what);
	if (!T_TRUE(t, ctx, "no context"))
		return false;
	T_TRUE(t, IS_ALIGNED((unsigned long)ctx, MEMORY_ALLOCATION_ALIGNMENT),
	       "context %p not aligned", ctx);
	T_TRUE(t, !memchr_inv(ctx, 0, sizeof(*ctx)), "context not zeroed");
	memset(ctx, 0xC3, sizeof(*ctx));
	T_PTR(t, object, WdfObjectContextGetObject(ctx));
	T_PTR(t, ctx, WdfObjectGetTypedContext(object, WT_OBJ_CONTEXT));
	T_PTR(t, NULL, WtOtherGetContext(object));
	return true;
}

int wt_object_context(struct wt *t)
{
	WDF_OBJECT_ATTRIBUTES attributes;
	WDFIOTARGET target = NULL;
	WDFREQUEST request = NULL;
	WDFMEMORY memory = NULL, plain = NULL, big = NULL, shared = NULL;
	PWT_OTHER_CONTEXT other = NULL;
	WT_SHARED_CONTEXT *sc;
	NTSTATUS status;
	UCHAR *p;

	wt_set_where(t, "creating objects with a context type");
	WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&attributes, WT_OBJ_CONTEXT);
	status = WdfMemoryCreate(&attributes, NonPagedPoolNx, WT_TAG, 100,
				 &memory, NULL);
	if (!T_STATUS(t, STATUS_SUCCESS, status))
		goto out;
	WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&attributes, WT_OBJ_CONTEXT);
	status = WdfIoTargetCreate(WDF_NO_HANDLE, &attributes, &target);
	if (!T_STATUS(t, STATUS_SUCCESS, status))
		goto out;
	WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&attributes, WT_OBJ_CONTEXT);
	status = WdfRequestCreate(&attributes, NULL, &request);
	if (!T_STATUS(t, STATUS_SUCCESS, status))
		goto out;
	wt_obj_check_context(t, memory, "memory");
	wt_obj_check_context(t, target, "target");
	wt_obj_check_context(t, request, "request");

	wt_set_where(t, "object without a context");
	status = WdfMemoryCreate(WDF_NO_OBJECT_ATTRIBUTES, NonPagedPoolNx,
				 WT_TAG, 100, &plain, NULL);
	if (T_STATUS(t, STATUS_SUCCESS, status))
		T_PTR(t, NULL, WdfObjectGet_WT_OBJ_CONTEXT(plain));

	wt_set_where(t, "ContextSizeOverride 4096");
	WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&attributes, WT_OBJ_CONTEXT);
	attributes.ContextSizeOverride = SZ_4K;
	status = WdfMemoryCreate(&attributes, NonPagedPoolNx, WT_TAG, 100,
				 &big, NULL);
	if (T_STATUS(t, STATUS_SUCCESS, status)) {
		p = (UCHAR *)WdfObjectGet_WT_OBJ_CONTEXT(big);
		if (T_TRUE(t, p, "no context")) {
			T_TRUE(t, !memchr_inv(p, 0, SZ_4K),
			       "4096-byte context not zeroed");
			memset(p, 0x3C, SZ_4K);
			T_PTR(t, big, WdfObjectContextGetObject(p));
		}
	}

	wt_set_where(t, "WdfObjectAllocateContext");
	WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&attributes, WT_OTHER_CONTEXT);
	status = WdfObjectAllocateContext(memory, &attributes, (PVOID *)&other);
	if (T_STATUS(t, STATUS_SUCCESS, status) &&
	    T_TRUE(t, other, "no context returned")) {
		T_EQ(t, 0, other->Value);
		other->Value = 0xABCD;
		T_PTR(t, other, WtOtherGetContext(memory));
		T_PTR(t, memory, WdfObjectContextGetObject(other));
		/* The first context is untouched */
		p = (UCHAR *)WdfObjectGet_WT_OBJ_CONTEXT(memory);
		T_TRUE(t, p && !memchr_inv(p, 0xC3, sizeof(WT_OBJ_CONTEXT)),
		       "first context changed");
	}

	/* The same type declared in another file names the same context */
	wt_set_where(t, "context type declared in two files");
	WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&attributes, WT_SHARED_CONTEXT);
	status = WdfMemoryCreate(&attributes, NonPagedPoolNx, WT_TAG, 16,
				 &shared, NULL);
	if (T_STATUS(t, STATUS_SUCCESS, status)) {
		sc = WdfObjectGet_WT_SHARED_CONTEXT(shared);
		T_TRUE(t, sc, "no context");
		T_PTR(t, sc, wt_memory_shared_context(shared));
	}
out:
	wt_set_where(t, "cleanup");
	wt_delete(t, memory);
	wt_delete(t, plain);
	wt_delete(t, big);
	wt_delete(t, shared);
	wt_delete(t, request);
	wt_delete(t, target);
	return 0;
}

int wt_object_callbacks_order(struct wt *t)
{
	WDF_OBJECT_ATTRIBUTES attributes;
	WDFIOTARGET target = NULL;
	WDFREQUEST request = NULL;
	WDFMEMORY memory;
	NTSTATUS status;
	ULONG magic;

	/*
	 * The log is keyed by handle, and a freed object's address may be
	 * reused by the next one: reset it before each object.
	 */
	wt_ev_reset();
	memory = wt_obj_memory(t, NULL);
	if (memory) {
		magic = wt_obj_stamp(memory);
		T_EQ(t, 0, wt_ev_count('C', memory, NULL));
		WdfObjectDelete(memory);
		wt_obj_deleted_once(t, memory, magic, "memory");
	}

	wt_ev_reset();
	wt_obj_attributes(&attributes, NULL);
	status = WdfRequestCreate(&attributes, NULL, &request);
	if (T_STATUS(t, STATUS_SUCCESS, status)) {
		magic = wt_obj_stamp(request);
		WdfObjectDelete(request);
		wt_obj_deleted_once(t, request, magic, "request");
	}

	wt_ev_reset();
	wt_obj_attributes(&attributes, NULL);
	status = WdfIoTargetCreate(WDF_NO_HANDLE, &attributes, &target);
	if (T_STATUS(t, STATUS_SUCCESS, status)) {
		magic = wt_obj_stamp(target);
		wt_delete_target(t, target);
		if (!t->wedged)
			wt_obj_deleted_once(t, target, magic, "target (never opened)");
	}

	/* An open target too: close, then cleanup and destroy */
	wt_ev_reset();
	wt_obj_attributes(&attributes, NULL);
	target = NULL;
	status = WdfIoTargetCreate(WDF_NO_HANDLE, &attributes, &target);
	if (T_STATUS(t, STATUS_SUCCESS, status)) {
		WDF_IO_TARGET_OPEN_PARAMS open;
		UNICODE_STRING name;

		magic = wt_obj_stamp(target);
		RtlInitUnicodeString(&name, wt_devs[WT_NULLB0].wpath);
		WDF_IO_TARGET_OPEN_PARAMS_INIT_OPEN_BY_NAME(&open, &name,
							    GENERIC_READ);
		open.ShareAccess = FILE_SHARE_READ | FILE_SHARE_WRITE;
		T_STATUS(t, STATUS_SUCCESS, WdfIoTargetOpen(target, &open));
		wt_delete_target(t, target);
		if (!t->wedged)
			wt_obj_deleted_once(t, target, magic, "open target");
	}
	return 0;
}

int wt_object_reference(struct wt *t)
{
	PWT_OBJ_CONTEXT ctx;
	WDFMEMORY memory;
	ULONG magic;
	size_t size;

	wt_ev_reset();
	memory = wt_obj_memory(t, NULL);
	if (!memory)
		return 0;
	magic = wt_obj_stamp(memory);
	WdfObjectReference(memory);
	WdfObjectReference(memory);

	wt_set_where(t, "deleted, two references left");
	WdfObjectDelete(memory);
	T_EQ(t, 1, wt_ev_count('C', memory, NULL));
	T_EQ(t, 0, wt_ev_count('D', memory, NULL));
	/* Still alive: its context and buffer are usable */
	ctx = WdfObjectGet_WT_OBJ_CONTEXT(memory);
	if (T_TRUE(t, ctx, "context gone while referenced"))
		T_EQ(t, magic, ctx->Magic);
	T_TRUE(t, WdfMemoryGetBuffer(memory, &size), "buffer gone");

	wt_set_where(t, "one reference left");
	WdfObjectDereference(memory);
	T_EQ(t, 0, wt_ev_count('D', memory, NULL));

	wt_set_where(t, "last reference dropped");
	WdfObjectDereference(memory);
	wt_obj_deleted_once(t, memory, magic, "memory after the last dereference");
	return 0;
}

int wt_object_parent_child(struct wt *t)
{
	WDF_OBJECT_ATTRIBUTES attributes;
	WDFREQUEST request = NULL;
	WDFIOTARGET target = NULL;
	WDFMEMORY m1, m2, m3, tm;
	ULONG mr, mm1, mm2, mm3, mt, mtm;
	int cr, c1, c2;
	NTSTATUS status;

	wt_ev_reset();
	wt_obj_attributes(&attributes, NULL);
	status = WdfRequestCreate(&attributes, NULL, &request);
	if (!T_STATUS(t, STATUS_SUCCESS, status))
		return 0;
	mr = wt_obj_stamp(request);
	m1 = wt_obj_memory(t, request);
	m2 = m1 ? wt_obj_memory(t, m1) : NULL;
	m3 = wt_obj_memory(t, request);
	if (!m1 || !m2 || !m3) {
		WdfObjectDelete(request);
		return 0;
	}
	mm1 = wt_obj_stamp(m1);
	mm2 = wt_obj_stamp(m2);
	mm3 = wt_obj_stamp(m3);

	/* Deleting a child alone leaves the parent */
	wt_set_where(t, "child deleted on its own");
	WdfObjectDelete(m3);
	wt_obj_deleted_once(t, m3, mm3, "memory m3 deleted alone");
	T_EQ(t, 0, wt_ev_count('C', request, NULL));

	/* request -> m1 -> m2: children are cleaned up before parents */
	wt_set_where(t, "parent deleted");
	WdfObjectDelete(request);
	wt_obj_deleted_once(t, m2, mm2, "grandchild m2");
	wt_obj_deleted_once(t, m1, mm1, "child m1");
	wt_obj_deleted_once(t, request, mr, "parent request");
	wt_ev_count('C', request, &cr);
	wt_ev_count('C', m1, &c1);
	wt_ev_count('C', m2, &c2);
	wt_set_where(t, "cleanup order");
	T_TRUE(t, c2 < c1 && c1 < cr,
	       "cleanup order m2 %d, m1 %d, request %d", c2, c1, cr);
	T_EQ(t, 1, wt_ev_count('C', m3, NULL));

	/* A target's children go with it */
	wt_ev_reset();
	wt_obj_attributes(&attributes, NULL);
	status = WdfIoTargetCreate(WDF_NO_HANDLE, &attributes, &target);
	if (!T_STATUS(t, STATUS_SUCCESS, status))
		return 0;
	mt = wt_obj_stamp(target);
	tm = wt_obj_memory(t, target);
	if (!tm) {
		wt_delete_target(t, target);
		return 0;
	}
	mtm = wt_obj_stamp(tm);
	wt_delete_target(t, target);
	if (t->wedged)
		return 0;
	wt_obj_deleted_once(t, tm, mtm, "memory child of a target");
	wt_obj_deleted_once(t, target, mt, "target parent");
	return 0;
}

static EVT_WDF_REQUEST_COMPLETION_ROUTINE wt_delete_in_routine;

static VOID wt_delete_in_routine(WDFREQUEST Request, WDFIOTARGET Target,
				 PWDF_REQUEST_COMPLETION_PARAMS Params,
				 WDFCONTEXT Context)
{
	struct wt_io *io = Context;

	io->no_ddi = true;
	WdfObjectDelete(Request);
	/* After the delete only Params (the request's) may still be read */
	wt_io_complete(Request, Target, Params, Context);
}

/*
 * Our module's reference count when the request's EvtDestroyCallback ran:
 * a target created by this module pins it while it has I/O, and the
 * destroy callback of a request deleted in its routine runs before that
 * pin goes (else this code could run after Close returned and the module
 * went away).
 */
static int wt_pin_at_destroy;

static EVT_WDF_OBJECT_CONTEXT_DESTROY wt_obj_destroy_pinned;

static VOID wt_obj_destroy_pinned(WDFOBJECT Object)
{
	WRITE_ONCE(wt_pin_at_destroy, module_refcount(THIS_MODULE));
	wt_obj_destroy(Object);
}

static bool wt_ev_destroyed(void *arg)
{
	return wt_ev_count('D', arg, NULL) > 0;
}

int wt_object_delete_in_completion(struct wt *t)
{
	WDF_OBJECT_ATTRIBUTES attributes;
	WDFIOTARGET target = NULL;
	WDFREQUEST request = NULL;
	struct wt_io *io;
	WDFMEMORY memory;
	LONGLONG off = 0;
	ULONG mr, mm;
	NTSTATUS status;
	int pinned;

	wt_ev_reset();
	io = wt_io_alloc(t);
	if (!io)
		return 0;
	if (!NT_SUCCESS(wt_open_rw(t, &wt_devs[WT_NULLB0], &target)))
		goto out;
	wt_obj_attributes(&attributes, NULL);
	attributes.EvtDestroyCallback = wt_obj_destroy_pinned;
	WRITE_ONCE(wt_pin_at_destroy, -1);
	status = WdfRequestCreate(&attributes, target, &request);
	if (!T_STATUS(t, STATUS_SUCCESS, status))
		goto out;
	mr = wt_obj_stamp(request);
	memory = wt_obj_memory(t, request);
	if (!memory) {
		WdfObjectDelete(request);
		goto out;
	}
	mm = wt_obj_stamp(memory);
	status = WdfIoTargetFormatRequestForRead(target, request, memory, NULL,
						 &off);
	if (!T_STATUS(t, STATUS_SUCCESS, status)) {
		WdfObjectDelete(request);
		goto out;
	}
	WdfRequestSetCompletionRoutine(request, wt_delete_in_routine, io);
	/* With no I/O in flight the target does not pin us. */
	pinned = module_refcount(THIS_MODULE) + 1;
	if (!T_TRUE(t, WdfRequestSend(request, target, NULL), "status 0x%08X",
		    (u32)WdfRequestGetStatus(request))) {
		WdfObjectDelete(request);
		goto out;
	}
	if (!wt_io_wait(t, io))
		goto out;
	wt_set_where(t, "routine that deleted its request");
	T_EQ(t, 1, atomic_read(&io->calls));
	T_STATUS(t, STATUS_SUCCESS, io->params.IoStatus.Status);
	T_EQ(t, 512, io->params.IoStatus.Information);
	/* The request and its memory go once the routine has returned */
	if (!wt_wait_cond_timeout(t, wt_ev_destroyed, request,
				  "the request's EvtDestroyCallback") ||
	    !wt_wait_cond_timeout(t, wt_ev_destroyed, memory,
				  "the memory's EvtDestroyCallback"))
		goto out;
	wt_obj_deleted_once(t, request, mr, "request deleted in its routine");
	T_TRUE(t, READ_ONCE(wt_pin_at_destroy) == pinned,
	       "module refcount in the request's destroy callback: %d, want %d (pinned by the target's I/O)",
	       READ_ONCE(wt_pin_at_destroy), pinned);
	wt_obj_deleted_once(t, memory, mm, "its memory child");
out:
	wt_set_where(t, "cleanup");
	wt_delete_target(t, target);
	wt_io_free(t, io);
	return 0;
}

int wt_object_delete_pending(struct wt *t)
{
	WDF_OBJECT_ATTRIBUTES attributes;
	WDFIOTARGET target = NULL;
	WDFREQUEST request = NULL;
	struct wt_bdev bdev;
	struct wt_io *io;
	WDFMEMORY memory;
	LONGLONG off = SZ_1M;
	u32 seed = wt_next_seed();
	ULONG mr, mm;
	NTSTATUS status;
	void *buf;

	wt_quiet_verifier(t);
	wt_ev_reset();
	if (!wt_tb_reset(t))
		return 0;
	if (wt_bdev_open(t, &wt_devs[WT_TB0], &bdev))
		return 0;
	io = wt_io_alloc(t);
	if (!io)
		goto out_bdev;
	if (!wt_raw_fill(t, &bdev, off, SZ_4K, seed) ||
	    !NT_SUCCESS(wt_open_rw(t, &wt_devs[WT_TB0], &target)))
		goto out;
	wt_obj_attributes(&attributes, NULL);
	status = WdfRequestCreate(&attributes, target, &request);
	if (!T_STATUS(t, STATUS_SUCCESS, status))
		goto out;
	mr = wt_obj_stamp(request);
	wt_obj_attributes(&attributes, request);
	memory = NULL;
	status = WdfMemoryCreate(&attributes, NonPagedPoolNx, WT_TAG, SZ_4K,
				 &memory, &buf);
	if (!T_STATUS(t, STATUS_SUCCESS, status)) {
		WdfObjectDelete(request);
		goto out;
	}
	mm = wt_obj_stamp(memory);
	memset(buf, WT_POISON_BYTE, SZ_4K);

	wdfio_tb_set_hold(WT_TB, true);
	status = WdfIoTargetFormatRequestForRead(target, request, memory, NULL,
						 &off);
	if (!T_STATUS(t, STATUS_SUCCESS, status)) {
		WdfObjectDelete(request);
		goto out;
	}
	io->no_ddi = true;
	WdfRequestSetCompletionRoutine(request, wt_io_complete, io);
	if (!T_TRUE(t, WdfRequestSend(request, target, NULL), "status 0x%08X",
		    (u32)WdfRequestGetStatus(request))) {
		WdfObjectDelete(request);
		goto out;
	}
	if (!wt_tb_wait_held(t, 1))
		goto out;

	wt_set_where(t, "request deleted while its read is held");
	WdfObjectDelete(request);
	T_EQ(t, 1, wt_ev_count('C', request, NULL));
	T_EQ(t, 1, wt_ev_count('C', memory, NULL));
	T_EQ(t, 0, wt_ev_count('D', request, NULL));
	T_EQ(t, 0, wt_ev_count('D', memory, NULL));
	T_EQ(t, 0, atomic_read(&io->calls));

	wt_set_where(t, "after the release");
	wdfio_tb_set_hold(WT_TB, false);
	T_EQ(t, 1, wdfio_tb_release(WT_TB, 0, WDFIO_TB_ORDER_FIFO,
				    WDFIO_TB_STS_OK));
	if (!wt_io_wait(t, io))
		goto out;
	T_EQ(t, 1, atomic_read(&io->calls));
	T_STATUS(t, STATUS_SUCCESS, io->params.IoStatus.Status);
	T_EQ(t, SZ_4K, io->params.IoStatus.Information);
	T_PTR(t, memory, io->params.Parameters.Read.Buffer);
	if (!wt_wait_cond_timeout(t, wt_ev_destroyed, request,
				  "the request's EvtDestroyCallback") ||
	    !wt_wait_cond_timeout(t, wt_ev_destroyed, memory,
				  "the memory's EvtDestroyCallback"))
		goto out;
	wt_obj_deleted_once(t, request, mr, "deleted pending request");
	wt_obj_deleted_once(t, memory, mm, "its memory child");
	/* No second routine call once the target is drained */
	wt_close(t, target);
	if (!t->wedged)
		T_EQ(t, 1, atomic_read(&io->calls));
out:
	wt_set_where(t, "cleanup");
	if (!t->wedged)
		wt_tb_reset(t);
	wt_delete_target(t, target);
	wt_io_free(t, io);
out_bdev:
	wt_bdev_close(&bdev);
	return 0;
}

int wt_object_double_delete(struct wt *t)
{
	WDF_OBJECT_ATTRIBUTES attributes;
	WDFREQUEST request = NULL;
	WDFMEMORY memory;
	ULONG magic;

	wt_quiet_verifier(t);
	wt_ev_reset();
	memory = wt_obj_memory(t, NULL);
	if (memory) {
		magic = wt_obj_stamp(memory);
		WdfObjectReference(memory);
		WdfObjectDelete(memory);
		wt_set_where(t, "second delete of a referenced memory");
		WdfObjectDelete(memory);
		T_EQ(t, 1, wt_ev_count('C', memory, NULL));
		T_EQ(t, 0, wt_ev_count('D', memory, NULL));
		WdfObjectDereference(memory);
		wt_obj_deleted_once(t, memory, magic, "memory deleted twice");
	}

	wt_ev_reset();
	wt_obj_attributes(&attributes, NULL);
	if (T_STATUS(t, STATUS_SUCCESS,
		     WdfRequestCreate(&attributes, NULL, &request))) {
		magic = wt_obj_stamp(request);
		WdfObjectReference(request);
		WdfObjectDelete(request);
		wt_set_where(t, "second delete of a referenced request");
		WdfObjectDelete(request);
		T_EQ(t, 1, wt_ev_count('C', request, NULL));
		WdfObjectDereference(request);
		wt_obj_deleted_once(t, request, magic, "request deleted twice");
	}
	return 0;
}

int wt_object_attributes(struct wt *t)
{
	WDF_OBJECT_ATTRIBUTES attributes;
	WDFIOTARGET target = NULL;
	WDFREQUEST request = NULL;
	WDFMEMORY memory = NULL;
	u8 *fake, *buf = NULL;
	unsigned int pass;

	wt_quiet_verifier(t);
	fake = kzalloc(256, GFP_KERNEL);
	buf = kzalloc(512, GFP_KERNEL);
	if (!T_TRUE(t, fake && buf, "out of memory"))
		goto out;

	for (pass = 0; pass < 3; pass++) {
		NTSTATUS expected;

		WDF_OBJECT_ATTRIBUTES_INIT(&attributes);
		if (pass == 0) {
			wt_set_where(t, "Attributes.Size too small");
			attributes.Size -= 8;
			expected = STATUS_INFO_LENGTH_MISMATCH;
		} else if (pass == 1) {
			wt_set_where(t, "Attributes.Size too large");
			attributes.Size += 8;
			expected = STATUS_INFO_LENGTH_MISMATCH;
		} else {
			wt_set_where(t, "ParentObject not an object");
			attributes.ParentObject = fake;
			expected = STATUS_INVALID_HANDLE;
		}
		memory = NULL;
		T_STATUS(t, expected,
			 WdfMemoryCreate(&attributes, NonPagedPoolNx, WT_TAG,
					 64, &memory, NULL));
		wt_delete(t, memory);
		memory = NULL;
		T_STATUS(t, expected,
			 WdfMemoryCreatePreallocated(&attributes, buf, 512,
						     &memory));
		wt_delete(t, memory);
		memory = NULL;
		request = NULL;
		T_STATUS(t, expected,
			 WdfRequestCreate(&attributes, NULL, &request));
		wt_delete(t, request);
		request = NULL;
		target = NULL;
		T_STATUS(t, expected,
			 WdfIoTargetCreate(WDF_NO_HANDLE, &attributes, &target));
		wt_delete_target(t, target);
		target = NULL;
	}
	T_TRUE(t, !memchr_inv(fake, 0, 256), "wdfio wrote into a non-object");
out:
	kfree(fake);
	kfree(buf);
	return 0;
}
