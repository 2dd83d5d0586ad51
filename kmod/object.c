// SPDX-License-Identifier: GPL-2.0
/*
 * WDF objects: handles, references, the parent/child tree, contexts and the
 * cleanup/destroy callbacks.
 *
 * Lifetime: an object is born with one reference, the creator's. Delete runs
 * the cleanup callbacks (children first), lets the type give up what it holds
 * (dispose), unlinks the object from its parent and drops the creator's
 * reference. The last reference runs the destroy callbacks and frees the
 * memory. A child holds a reference on its parent while it is linked, so a
 * parent outlives the deletion of its children.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "wdfio.h"

#include <linux/export.h>
#include <linux/slab.h>
#include <linux/string.h>

/* Context areas start 16-byte aligned (MEMORY_ALLOCATION_ALIGNMENT). */
#define WDFIO_OBJ_ALIGN(sz)	ALIGN(sz, MEMORY_ALLOCATION_ALIGNMENT)

struct wdfio_extra_ctx {
	PFN_WDF_OBJECT_CONTEXT_CLEANUP cleanup;
	PFN_WDF_OBJECT_CONTEXT_DESTROY destroy;
	struct wdfio_ctx ctx;	/* last: the driver's data follows */
};

static bool wdfio_ctx_type_match(PCWDF_OBJECT_CONTEXT_TYPE_INFO have,
				 PCWDF_OBJECT_CONTEXT_TYPE_INFO want)
{
	if (have == want || have == want->UniqueType)
		return true;
	/*
	 * C has no __declspec(selectany): each translation unit that declares
	 * a context type has its own type-info object. Two of them describe
	 * the same type when name and size agree.
	 */
	return have->ContextSize == want->ContextSize && have->ContextName &&
	       want->ContextName && !strcmp(have->ContextName, want->ContextName);
}

static struct wdfio_ctx *wdfio_ctx_find(struct wdfio_object *obj,
					PCWDF_OBJECT_CONTEXT_TYPE_INFO type)
{
	struct wdfio_ctx *c;

	/* Pairs with the release in WdfObjectAllocateContext: see a whole ctx. */
	for (c = smp_load_acquire(&obj->ctx); c; c = smp_load_acquire(&c->next))
		if (wdfio_ctx_type_match(c->type, type))
			return c;
	return NULL;
}

/**
 * wdfio_object_check_attributes() - validate a WDF_OBJECT_ATTRIBUTES
 * @attr: attributes, or NULL
 *
 * Context: Any context.
 * Return: STATUS_SUCCESS, STATUS_INFO_LENGTH_MISMATCH for a wrong @attr->Size,
 * or STATUS_INVALID_PARAMETER for a context size without a context type or
 * smaller than the type's.
 */
NTSTATUS wdfio_object_check_attributes(PWDF_OBJECT_ATTRIBUTES attr)
{
	PCWDF_OBJECT_CONTEXT_TYPE_INFO type;

	if (!attr)
		return STATUS_SUCCESS;
	if (attr->Size != sizeof(*attr))
		return STATUS_INFO_LENGTH_MISMATCH;
	type = attr->ContextTypeInfo;
	if (!type)
		return attr->ContextSizeOverride ? STATUS_INVALID_PARAMETER :
						   STATUS_SUCCESS;
	if (attr->ContextSizeOverride &&
	    attr->ContextSizeOverride < type->ContextSize)
		return STATUS_INVALID_PARAMETER;
	return STATUS_SUCCESS;
}

static size_t wdfio_ctx_size(PWDF_OBJECT_ATTRIBUTES attr)
{
	if (!attr || !attr->ContextTypeInfo)
		return 0;
	return max(attr->ContextSizeOverride,
		   attr->ContextTypeInfo->ContextSize);
}

/**
 * wdfio_object_init() - initialise the header of a zeroed object
 * @obj: the header, at the start of the type's zeroed structure
 * @ops: type behaviour
 * @free: gives its memory back to the cache it came from, or NULL for kmalloc
 *
 * For objects without attributes that a type allocates itself; not linked
 * to a parent.
 *
 * Context: Any context.
 */
void wdfio_object_init(struct wdfio_object *obj,
		       const struct wdfio_obj_ops *ops,
		       void (*free)(struct wdfio_object *obj))
{
	obj->magic = WDFIO_OBJ_MAGIC;
	obj->ops = ops;
	obj->free = free;
	refcount_set(&obj->ref, 1);
	spin_lock_init(&obj->lock);
	INIT_LIST_HEAD(&obj->children);
	INIT_LIST_HEAD(&obj->sibling);
}

/**
 * wdfio_object_alloc() - allocate and initialise an object
 * @ops: type behaviour
 * @size: size of the type's structure, which starts with struct wdfio_object
 * @attr: the driver's attributes (already checked), or NULL
 * @gfp: allocation flags for the caller's context
 * @status: STATUS_INSUFFICIENT_RESOURCES on failure
 *
 * The context the attributes ask for is allocated in the same block. The
 * object is not linked to a parent yet (wdfio_object_link()).
 *
 * Context: Any context; @gfp must suit it.
 * Return: the zeroed type structure with a valid header, or NULL.
 */
void *wdfio_object_alloc(const struct wdfio_obj_ops *ops, size_t size,
			 PWDF_OBJECT_ATTRIBUTES attr, gfp_t gfp,
			 NTSTATUS *status)
{
	size_t ctx_size = wdfio_ctx_size(attr);
	size_t head = WDFIO_OBJ_ALIGN(size);
	struct wdfio_object *obj;
	size_t total = head;

	if (attr && attr->ContextTypeInfo)
		total += sizeof(struct wdfio_ctx) + ctx_size;
	obj = kzalloc(total, gfp);
	if (!obj) {
		*status = STATUS_INSUFFICIENT_RESOURCES;
		return NULL;
	}
	wdfio_object_init(obj, ops, NULL);
	if (attr) {
		obj->cleanup = attr->EvtCleanupCallback;
		obj->destroy = attr->EvtDestroyCallback;
	}
	if (attr && attr->ContextTypeInfo) {
		struct wdfio_ctx *c = (void *)((char *)obj + head);

		c->obj = obj;
		c->type = attr->ContextTypeInfo;
		c->size = ctx_size;
		c->inline_alloc = true;
		obj->ctx = c;
		obj->ctx_tail = c;
	}
	*status = STATUS_SUCCESS;
	return obj;
}

/**
 * wdfio_object_from_handle() - the object behind any handle
 * @handle: a WDF handle of any type
 *
 * Context: Any context.
 * Return: the object, or NULL if @handle is NULL or not a live wdfio object.
 */
struct wdfio_object *wdfio_object_from_handle(WDFOBJECT handle)
{
	struct wdfio_object *obj = handle;

	if (!obj || obj->magic != WDFIO_OBJ_MAGIC)
		return NULL;
	return obj;
}

/**
 * wdfio_object_link() - give an object its parent
 * @obj: a new object
 * @attr: the driver's attributes; @attr->ParentObject wins if set
 * @default_parent: parent to use otherwise, or NULL for a root object
 *
 * Context: Any context.
 * Return: STATUS_SUCCESS, STATUS_INVALID_HANDLE for a parent that is not a
 * live object, or STATUS_DELETE_PENDING if the parent is being deleted.
 */
NTSTATUS wdfio_object_link(struct wdfio_object *obj,
			   PWDF_OBJECT_ATTRIBUTES attr,
			   struct wdfio_object *default_parent)
{
	struct wdfio_object *parent = default_parent;
	unsigned long flags;

	if (attr && attr->ParentObject) {
		parent = wdfio_object_from_handle(attr->ParentObject);
		if (!parent)
			return STATUS_INVALID_HANDLE;
	}
	if (!parent)
		return STATUS_SUCCESS;

	spin_lock_irqsave(&parent->lock, flags);
	if (test_bit(WDFIO_OBJF_DELETED, &parent->flags)) {
		spin_unlock_irqrestore(&parent->lock, flags);
		return STATUS_DELETE_PENDING;
	}
	wdfio_object_get(parent);
	obj->parent = parent;
	list_add_tail(&obj->sibling, &parent->children);
	spin_unlock_irqrestore(&parent->lock, flags);
	return STATUS_SUCCESS;
}

/**
 * wdfio_object_free() - the last reference is gone (see wdfio_object_put())
 * @obj: the object
 *
 * Context: Any context.
 */
void wdfio_object_free(struct wdfio_object *obj)
{
	struct wdfio_ctx *c = obj->ctx, *next;

	if (obj->destroy)
		obj->destroy((WDFOBJECT)obj);
	for (; c; c = next) {
		next = c->next;
		if (!c->inline_alloc) {
			struct wdfio_extra_ctx *x;

			x = container_of(c, struct wdfio_extra_ctx, ctx);
			if (x->destroy)
				x->destroy((WDFOBJECT)obj);
		}
	}
	if (obj->ops->release)
		obj->ops->release(obj);
	for (c = obj->ctx; c; c = next) {
		next = c->next;
		if (!c->inline_alloc)
			kfree(container_of(c, struct wdfio_extra_ctx, ctx));
	}
	obj->magic = WDFIO_OBJ_DEAD;
	if (obj->free)
		obj->free(obj);
	else
		kfree(obj);
}

static void wdfio_object_unlink(struct wdfio_object *obj)
{
	struct wdfio_object *parent;
	unsigned long flags;

	/* No parent (a presented request): no locked exchange either. */
	if (!READ_ONCE(obj->parent))
		return;
	/* The parent's delete and ours may both get here: one wins. */
	parent = xchg(&obj->parent, NULL);
	if (!parent)
		return;
	spin_lock_irqsave(&parent->lock, flags);
	if (!list_empty(&obj->sibling))
		list_del_init(&obj->sibling);
	spin_unlock_irqrestore(&parent->lock, flags);
	wdfio_object_put(parent);
}

static void wdfio_object_run_cleanup(struct wdfio_object *obj)
{
	struct wdfio_ctx *c;

	if (obj->cleanup)
		obj->cleanup((WDFOBJECT)obj);
	/* Pairs with the release in WdfObjectAllocateContext. */
	for (c = smp_load_acquire(&obj->ctx); c; c = smp_load_acquire(&c->next)) {
		struct wdfio_extra_ctx *x;

		if (c->inline_alloc)
			continue;
		x = container_of(c, struct wdfio_extra_ctx, ctx);
		if (x->cleanup)
			x->cleanup((WDFOBJECT)obj);
	}
}

/* Delete @obj's children (being deleted itself: no new ones come). */
static void wdfio_object_delete_children(struct wdfio_object *obj)
{
	unsigned long flags;

	/*
	 * A presented request from its own cache (a filter deletes one per bio)
	 * rarely has children: look without the lock. Whoever links a child
	 * to it does so on the thread that owns it, before handing it on (a
	 * link racing with the delete would be a driver bug, the request being
	 * gone the moment it is forwarded).
	 */
	if (obj->free && list_empty(&obj->children))
		return;
	for (;;) {
		struct wdfio_object *child;

		spin_lock_irqsave(&obj->lock, flags);
		child = list_first_entry_or_null(&obj->children,
						 struct wdfio_object, sibling);
		if (child) {
			list_del_init(&child->sibling);
			wdfio_object_get(child);
		}
		spin_unlock_irqrestore(&obj->lock, flags);
		if (!child)
			break;
		if (!test_bit(WDFIO_OBJF_DELETED, &child->flags))
			wdfio_object_delete(child);
		else
			wdfio_object_unlink(child);
		wdfio_object_put(child);
	}
}

/**
 * wdfio_object_delete() - WdfObjectDelete for any object
 * @obj: the object
 *
 * Deletes the children first (their cleanup callbacks run before ours),
 * then runs our cleanup callbacks, lets the type dispose of what it holds,
 * unlinks us from the parent and drops the creator's reference. Deleting an
 * object twice is a driver bug; the second call does nothing.
 *
 * Context: Any context unless the object or a descendant is an I/O target,
 * whose deletion closes it and so needs process context.
 */
void wdfio_object_delete(struct wdfio_object *obj)
{
	if (test_and_set_bit(WDFIO_OBJF_DELETED, &obj->flags)) {
		wdfio_misuse("%s %p deleted twice", obj->ops->name, obj);
		return;
	}
	if (obj->ops->predelete)
		obj->ops->predelete(obj);

	wdfio_object_delete_children(obj);
	wdfio_object_run_cleanup(obj);
	if (obj->ops->dispose)
		obj->ops->dispose(obj);
	wdfio_object_unlink(obj);
	wdfio_object_put(obj);
}

/* ------------------------------------------------------------------ */
/* Exported DDIs                                                       */

/**
 * WdfObjectDelete() - delete a framework object
 * @Object: any wdfio handle
 *
 * Runs the cleanup callbacks of the object's children and then its own,
 * releases what the object holds and drops the creator's reference; memory
 * goes when the last reference (WdfObjectReference) is dropped. A request
 * that is still sent may be deleted: its completion routine still runs.
 *
 * Context: Any context; process context if @Object is, or has as a
 * descendant, an I/O target, a device or a queue (they wait for their I/O).
 * Return: Nothing. A bad handle, or a request a queue presented (complete
 * it instead), is logged and ignored.
 */
VOID WdfObjectDelete(WDFOBJECT Object)
{
	struct wdfio_object *obj = wdfio_object_from_handle(Object);

	if (!obj) {
		wdfio_misuse("invalid handle %p", Object);
		return;
	}
	/* KMDF: a request a queue presented is completed, never deleted. */
	if (obj->ops->type == WDFIO_OBJ_REQUEST &&
	    container_of(obj, struct wdfio_request, obj)->qr) {
		wdfio_misuse("request %p was presented by a queue: complete it",
			     obj);
		return;
	}
	wdfio_object_delete(obj);
}
EXPORT_SYMBOL_GPL(WdfObjectDelete);

/**
 * WdfObjectReferenceActual() - take a reference on an object
 * @Handle: any wdfio handle
 * @Tag: driver tag (for debugging; unused)
 * @Line: caller's line (unused)
 * @File: caller's file (unused)
 *
 * Called through the WdfObjectReference() macros. Keeps the object's memory
 * (and contexts) valid after WdfObjectDelete until the matching dereference.
 *
 * Context: Any context.
 * Return: Nothing.
 */
VOID WdfObjectReferenceActual(WDFOBJECT Handle, PVOID Tag, LONG Line,
			      PCCH File)
{
	struct wdfio_object *obj = wdfio_object_from_handle(Handle);

	if (!obj) {
		wdfio_misuse("invalid handle %p", Handle);
		return;
	}
	wdfio_object_get(obj);
}
EXPORT_SYMBOL_GPL(WdfObjectReferenceActual);

/**
 * WdfObjectDereferenceActual() - drop a reference taken by WdfObjectReference
 * @Handle: any wdfio handle
 * @Tag: driver tag (unused)
 * @Line: caller's line (unused)
 * @File: caller's file (unused)
 *
 * Context: Any context. Dropping the last reference runs the destroy
 * callbacks in the caller's context.
 * Return: Nothing. Dropping the creator's reference this way (instead of
 * WdfObjectDelete) is a driver bug; it is logged and ignored.
 */
VOID WdfObjectDereferenceActual(WDFOBJECT Handle, PVOID Tag, LONG Line,
				PCCH File)
{
	struct wdfio_object *obj = wdfio_object_from_handle(Handle);

	if (!obj) {
		wdfio_misuse("invalid handle %p", Handle);
		return;
	}
	if (refcount_read(&obj->ref) == 1 &&
	    !test_bit(WDFIO_OBJF_DELETED, &obj->flags)) {
		wdfio_misuse("%s %p: dereference without a reference",
			     obj->ops->name, obj);
		return;
	}
	wdfio_object_put(obj);
}
EXPORT_SYMBOL_GPL(WdfObjectDereferenceActual);

/**
 * WdfObjectGetTypedContextWorker() - find an object's context of a type
 * @Handle: any wdfio handle
 * @TypeInfo: the context type (WDF_GET_CONTEXT_TYPE_INFO)
 *
 * Used by the accessor WDF_DECLARE_CONTEXT_TYPE generates.
 *
 * Context: Any context.
 * Return: the context, or NULL if the object has no context of that type or
 * the handle is bad.
 */
PVOID WdfObjectGetTypedContextWorker(WDFOBJECT Handle,
				     PCWDF_OBJECT_CONTEXT_TYPE_INFO TypeInfo)
{
	struct wdfio_object *obj = wdfio_object_from_handle(Handle);
	struct wdfio_ctx *c;

	if (!obj || !TypeInfo) {
		wdfio_misuse("invalid handle %p or type %p", Handle, TypeInfo);
		return NULL;
	}
	c = wdfio_ctx_find(obj, TypeInfo);
	return c ? (void *)(c + 1) : NULL;
}
EXPORT_SYMBOL_GPL(WdfObjectGetTypedContextWorker);

/**
 * WdfObjectAllocateContext() - add a context of another type to an object
 * @Handle: any wdfio handle
 * @ContextAttributes: attributes naming the context type (and optionally
 *	cleanup/destroy callbacks for it)
 * @Context: receives the zeroed context, or NULL
 *
 * Context: Any context.
 * Return: STATUS_SUCCESS; STATUS_INVALID_HANDLE; STATUS_INFO_LENGTH_MISMATCH
 * or STATUS_INVALID_PARAMETER for bad attributes (no context type);
 * STATUS_OBJECT_NAME_EXISTS if the object already has that type (@Context
 * then receives the existing one, as in KMDF); STATUS_DELETE_PENDING if the
 * object is being deleted; STATUS_INSUFFICIENT_RESOURCES.
 */
NTSTATUS WdfObjectAllocateContext(WDFOBJECT Handle,
				  PWDF_OBJECT_ATTRIBUTES ContextAttributes,
				  PVOID *Context)
{
	struct wdfio_object *obj = wdfio_object_from_handle(Handle);
	PCWDF_OBJECT_CONTEXT_TYPE_INFO type;
	struct wdfio_extra_ctx *x;
	struct wdfio_ctx *found;
	unsigned long flags;
	NTSTATUS status;
	size_t size;

	if (Context)
		*Context = NULL;
	if (!obj) {
		wdfio_misuse("invalid handle %p", Handle);
		return STATUS_INVALID_HANDLE;
	}
	if (!ContextAttributes)
		return STATUS_INVALID_PARAMETER;
	status = wdfio_object_check_attributes(ContextAttributes);
	if (!NT_SUCCESS(status))
		return status;
	type = ContextAttributes->ContextTypeInfo;
	if (!type)
		return STATUS_INVALID_PARAMETER;

	size = wdfio_ctx_size(ContextAttributes);
	x = kzalloc(sizeof(*x) + size, wdfio_gfp());
	if (!x)
		return STATUS_INSUFFICIENT_RESOURCES;
	x->cleanup = ContextAttributes->EvtCleanupCallback;
	x->destroy = ContextAttributes->EvtDestroyCallback;
	x->ctx.obj = obj;
	x->ctx.type = type;
	x->ctx.size = size;

	spin_lock_irqsave(&obj->lock, flags);
	found = wdfio_ctx_find(obj, type);
	if (found || test_bit(WDFIO_OBJF_DELETED, &obj->flags)) {
		spin_unlock_irqrestore(&obj->lock, flags);
		kfree(x);
		if (!found)
			return STATUS_DELETE_PENDING;
		if (Context)
			*Context = found + 1;
		return STATUS_OBJECT_NAME_EXISTS;
	}
	if (obj->ctx_tail)	/* release: readers see an initialised ctx */
		smp_store_release(&obj->ctx_tail->next, &x->ctx);
	else			/* release: readers see an initialised ctx */
		smp_store_release(&obj->ctx, &x->ctx);
	obj->ctx_tail = &x->ctx;
	spin_unlock_irqrestore(&obj->lock, flags);

	if (Context)
		*Context = &x->ctx + 1;
	return STATUS_SUCCESS;
}
EXPORT_SYMBOL_GPL(WdfObjectAllocateContext);

/**
 * WdfObjectContextGetObject() - the object a context belongs to
 * @ContextPointer: a context returned by a typed accessor
 *
 * Context: Any context.
 * Return: the object's handle, or NULL if @ContextPointer is not a context.
 */
WDFOBJECT WdfObjectContextGetObject(PVOID ContextPointer)
{
	struct wdfio_ctx *c;

	if (!ContextPointer) {
		wdfio_misuse("NULL context");
		return NULL;
	}
	c = (struct wdfio_ctx *)ContextPointer - 1;
	if (!wdfio_object_from_handle(c->obj)) {
		wdfio_misuse("%p is not a wdfio context", ContextPointer);
		return NULL;
	}
	return (WDFOBJECT)c->obj;
}
EXPORT_SYMBOL_GPL(WdfObjectContextGetObject);
