// SPDX-License-Identifier: GPL-2.0
/*
 * WDFMEMORY objects, and the buffer windows (struct wdfio_buf) that formats
 * take from memory objects or memory descriptors.
 *
 * Every pool type is non-paged on Linux: kernel memory does not page. A
 * buffer below PAGE_SIZE comes from kmalloc; a larger one from kvmalloc
 * (possibly vmalloc-backed) when the caller may sleep, else from kmalloc
 * with GFP_ATOMIC. Buffers are zeroed so that no stale kernel data can reach
 * a device or a user.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "wdfio.h"

#include <linux/export.h>
#include <linux/llist.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>

/*
 * vfree() may sleep, and the last reference to a memory object may go where
 * sleeping is not allowed (a completion routine deleting the memory of its
 * request, a driver's spinlock). A vmalloc-backed buffer released there is
 * freed from wdfio's workqueue; while it waits, its first bytes link it on
 * this list (it is at least a page long and nobody uses it any more).
 */
static LLIST_HEAD(wdfio_vfree_list);

static void wdfio_vfree_work_fn(struct work_struct *work)
{
	struct llist_node *n, *next;

	llist_for_each_safe(n, next, llist_del_all(&wdfio_vfree_list))
		vfree(n);
}

static DECLARE_WORK(wdfio_vfree_work, wdfio_vfree_work_fn);

/* kvfree() from any context */
static void wdfio_kvfree_any(void *buf)
{
	if (!is_vmalloc_addr(buf) || wdfio_can_sleep()) {
		kvfree(buf);
		return;
	}
	if (llist_add((struct llist_node *)buf, &wdfio_vfree_list))
		wdfio_queue_work(&wdfio_vfree_work);
}

static void wdfio_memory_release(struct wdfio_object *obj)
{
	struct wdfio_memory *m = container_of(obj, struct wdfio_memory, obj);

	switch (m->kind) {
	case WDFIO_MEM_KMALLOC:
		kfree(m->buf);
		break;
	case WDFIO_MEM_KVMALLOC:
		wdfio_kvfree_any(m->buf);
		break;
	case WDFIO_MEM_PREALLOCATED:
		break;
	case WDFIO_MEM_USER:
		wdfio_upin_free(m->upin);
		break;
	}
}

static const struct wdfio_obj_ops wdfio_memory_ops = {
	.type = WDFIO_OBJ_MEMORY,
	.name = "WDFMEMORY",
	.release = wdfio_memory_release,
};

static NTSTATUS wdfio_memory_new(PWDF_OBJECT_ATTRIBUTES attr,
				 struct wdfio_memory **out)
{
	struct wdfio_memory *m;
	NTSTATUS status;

	status = wdfio_object_check_attributes(attr);
	if (!NT_SUCCESS(status))
		return status;
	m = wdfio_object_alloc(&wdfio_memory_ops, sizeof(*m), attr,
			       wdfio_gfp(), &status);
	if (!m)
		return status;
	*out = m;
	return STATUS_SUCCESS;
}

static NTSTATUS wdfio_memory_publish(struct wdfio_memory *m,
				     PWDF_OBJECT_ATTRIBUTES attr,
				     WDFMEMORY *handle)
{
	NTSTATUS status = wdfio_object_link(&m->obj, attr, NULL);

	if (!NT_SUCCESS(status)) {
		wdfio_object_put(&m->obj);
		return status;
	}
	*handle = wdfio_memory_handle(m);
	return STATUS_SUCCESS;
}

/**
 * WdfMemoryCreate() - create a memory object with its own buffer
 * @Attributes: object attributes, or WDF_NO_OBJECT_ATTRIBUTES
 * @PoolType: recorded; all pools are non-paged on Linux
 * @PoolTag: recorded (debugging aid)
 * @BufferSize: bytes, non-zero
 * @Memory: receives the handle
 * @Buffer: receives the buffer address, optional
 *
 * The buffer is zeroed. Below PAGE_SIZE it is kmalloc memory; from PAGE_SIZE
 * on it is kvmalloc memory (possibly vmalloc-backed) when the caller may
 * sleep, else kmalloc(GFP_ATOMIC) memory.
 *
 * Context: Any context (KMDF: DISPATCH_LEVEL for non-paged pools). Large
 * buffers are more likely to fail in atomic context.
 * Return: STATUS_SUCCESS; STATUS_INVALID_PARAMETER (@BufferSize 0, @Memory
 * NULL); STATUS_INFO_LENGTH_MISMATCH (attributes); STATUS_INVALID_HANDLE or
 * STATUS_DELETE_PENDING (parent); STATUS_INSUFFICIENT_RESOURCES.
 */
NTSTATUS WdfMemoryCreate(PWDF_OBJECT_ATTRIBUTES Attributes, POOL_TYPE PoolType,
			 ULONG PoolTag, size_t BufferSize, WDFMEMORY *Memory,
			 PVOID *Buffer)
{
	struct wdfio_memory *m;
	NTSTATUS status;

	if (Buffer)
		*Buffer = NULL;
	if (!Memory || !BufferSize)
		return STATUS_INVALID_PARAMETER;
	*Memory = NULL;

	status = wdfio_memory_new(Attributes, &m);
	if (!NT_SUCCESS(status))
		return status;
	m->pool = PoolType;
	m->tag = PoolTag;
	m->size = BufferSize;
	if (BufferSize < PAGE_SIZE || !wdfio_can_sleep()) {
		m->kind = WDFIO_MEM_KMALLOC;
		m->buf = kzalloc(BufferSize, wdfio_gfp() | __GFP_NOWARN);
	} else {
		m->kind = WDFIO_MEM_KVMALLOC;
		m->buf = kvzalloc(BufferSize, GFP_KERNEL);
	}
	if (!m->buf) {
		wdfio_object_put(&m->obj);
		return STATUS_INSUFFICIENT_RESOURCES;
	}
	status = wdfio_memory_publish(m, Attributes, Memory);
	if (NT_SUCCESS(status) && Buffer)
		*Buffer = m->buf;
	return status;
}
EXPORT_SYMBOL_GPL(WdfMemoryCreate);

/**
 * WdfMemoryCreatePreallocated() - wrap a buffer the driver owns
 * @Attributes: object attributes, or WDF_NO_OBJECT_ATTRIBUTES
 * @Buffer: any kernel-virtual buffer (kmalloc, vmalloc, page, static); not
 *	freed by wdfio; it must outlive the object and any I/O using it
 * @BufferSize: bytes, non-zero
 * @Memory: receives the handle
 *
 * Context: Any context.
 * Return: STATUS_SUCCESS; STATUS_INVALID_PARAMETER (NULL @Buffer or
 * @Memory, zero size); attribute/parent errors as WdfMemoryCreate;
 * STATUS_INSUFFICIENT_RESOURCES.
 */
NTSTATUS WdfMemoryCreatePreallocated(PWDF_OBJECT_ATTRIBUTES Attributes,
				     PVOID Buffer, size_t BufferSize,
				     WDFMEMORY *Memory)
{
	struct wdfio_memory *m;
	NTSTATUS status;

	if (!Memory || !Buffer || !BufferSize)
		return STATUS_INVALID_PARAMETER;
	*Memory = NULL;
	status = wdfio_memory_new(Attributes, &m);
	if (!NT_SUCCESS(status))
		return status;
	m->kind = WDFIO_MEM_PREALLOCATED;
	m->pool = NonPagedPool;
	m->buf = Buffer;
	m->size = BufferSize;
	return wdfio_memory_publish(m, Attributes, Memory);
}
EXPORT_SYMBOL_GPL(WdfMemoryCreatePreallocated);

/**
 * wdfio_memory_create_user() - a memory object over a caller's buffer
 * @attr: its attributes (WdfRequestProbeAndLockUserBuffer*: the request
 *	as parent)
 * @upin: the pinned pages or the copy (userbuf.c): the object frees it
 *	when it goes; on failure it is freed at once
 * @buf: the kernel address of the buffer
 * @len: its bytes, non-zero
 * @out: receives the handle
 *
 * Context: Process context.
 * Return: STATUS_SUCCESS; attribute/parent errors as WdfMemoryCreate;
 * STATUS_INSUFFICIENT_RESOURCES.
 */
NTSTATUS wdfio_memory_create_user(PWDF_OBJECT_ATTRIBUTES attr,
				  struct wdfio_upin *upin, void *buf,
				  size_t len, WDFMEMORY *out)
{
	struct wdfio_memory *m;
	NTSTATUS status;

	*out = NULL;
	status = wdfio_memory_new(attr, &m);
	if (!NT_SUCCESS(status)) {
		wdfio_upin_free(upin);
		return status;
	}
	m->kind = WDFIO_MEM_USER;
	m->upin = upin;
	m->pool = NonPagedPool;
	m->buf = buf;
	m->size = len;
	return wdfio_memory_publish(m, attr, out);
}

/**
 * WdfMemoryAssignBuffer() - point a preallocated memory object elsewhere
 * @Memory: a memory object from WdfMemoryCreatePreallocated
 * @Buffer: the new buffer
 * @BufferSize: its size, non-zero
 *
 * Must not be called while a request that uses @Memory is sent.
 *
 * Context: Any context.
 * Return: STATUS_SUCCESS; STATUS_INVALID_HANDLE; STATUS_INVALID_PARAMETER
 * (NULL buffer, zero size); STATUS_INVALID_DEVICE_REQUEST if @Memory was not
 * created preallocated.
 */
NTSTATUS WdfMemoryAssignBuffer(WDFMEMORY Memory, PVOID Buffer,
			       size_t BufferSize)
{
	struct wdfio_memory *m = wdfio_memory_from_handle(Memory);

	if (!m) {
		wdfio_misuse("invalid WDFMEMORY %p", Memory);
		return STATUS_INVALID_HANDLE;
	}
	if (!Buffer || !BufferSize)
		return STATUS_INVALID_PARAMETER;
	if (m->kind != WDFIO_MEM_PREALLOCATED) {
		wdfio_misuse("WDFMEMORY %p is not preallocated", Memory);
		return STATUS_INVALID_DEVICE_REQUEST;
	}
	m->buf = Buffer;
	m->size = BufferSize;
	return STATUS_SUCCESS;
}
EXPORT_SYMBOL_GPL(WdfMemoryAssignBuffer);

/**
 * WdfMemoryGetBuffer() - the buffer of a memory object
 * @Memory: memory object
 * @BufferSize: receives the size, optional
 *
 * Context: Any context.
 * Return: the buffer, or NULL (and size 0) for a bad handle.
 */
PVOID WdfMemoryGetBuffer(WDFMEMORY Memory, size_t *BufferSize)
{
	struct wdfio_memory *m = wdfio_memory_from_handle(Memory);

	if (!m) {
		wdfio_misuse("invalid WDFMEMORY %p", Memory);
		if (BufferSize)
			*BufferSize = 0;
		return NULL;
	}
	if (BufferSize)
		*BufferSize = m->size;
	return m->buf;
}
EXPORT_SYMBOL_GPL(WdfMemoryGetBuffer);

/**
 * WdfMemoryCopyToBuffer() - copy out of a memory object
 * @SourceMemory: memory object
 * @SourceOffset: offset in it
 * @Buffer: destination
 * @NumBytesToCopyTo: bytes, non-zero
 *
 * Context: Any context.
 * Return: STATUS_SUCCESS; STATUS_INVALID_HANDLE; STATUS_INVALID_PARAMETER
 * (zero bytes, NULL @Buffer); STATUS_BUFFER_TOO_SMALL if the range does not
 * lie inside the memory object (KMDF).
 */
NTSTATUS WdfMemoryCopyToBuffer(WDFMEMORY SourceMemory, size_t SourceOffset,
			       PVOID Buffer, size_t NumBytesToCopyTo)
{
	struct wdfio_memory *m = wdfio_memory_from_handle(SourceMemory);

	if (!m) {
		wdfio_misuse("invalid WDFMEMORY %p", SourceMemory);
		return STATUS_INVALID_HANDLE;
	}
	if (!NumBytesToCopyTo || !Buffer)
		return STATUS_INVALID_PARAMETER;
	if (SourceOffset >= m->size || NumBytesToCopyTo > m->size - SourceOffset)
		return STATUS_BUFFER_TOO_SMALL;
	memcpy(Buffer, (char *)m->buf + SourceOffset, NumBytesToCopyTo);
	return STATUS_SUCCESS;
}
EXPORT_SYMBOL_GPL(WdfMemoryCopyToBuffer);

/**
 * WdfMemoryCopyFromBuffer() - copy into a memory object
 * @DestinationMemory: memory object
 * @DestinationOffset: offset in it
 * @Buffer: source
 * @NumBytesToCopyFrom: bytes, non-zero
 *
 * Context: Any context.
 * Return: STATUS_SUCCESS; STATUS_INVALID_HANDLE; STATUS_INVALID_PARAMETER
 * (zero bytes, NULL @Buffer); STATUS_INVALID_BUFFER_SIZE if the range does
 * not lie inside the memory object (KMDF).
 */
NTSTATUS WdfMemoryCopyFromBuffer(WDFMEMORY DestinationMemory,
				 size_t DestinationOffset, PVOID Buffer,
				 size_t NumBytesToCopyFrom)
{
	struct wdfio_memory *m = wdfio_memory_from_handle(DestinationMemory);

	if (!m) {
		wdfio_misuse("invalid WDFMEMORY %p", DestinationMemory);
		return STATUS_INVALID_HANDLE;
	}
	if (!NumBytesToCopyFrom || !Buffer)
		return STATUS_INVALID_PARAMETER;
	if (DestinationOffset >= m->size ||
	    NumBytesToCopyFrom > m->size - DestinationOffset)
		return STATUS_INVALID_BUFFER_SIZE;
	memcpy((char *)m->buf + DestinationOffset, Buffer, NumBytesToCopyFrom);
	return STATUS_SUCCESS;
}
EXPORT_SYMBOL_GPL(WdfMemoryCopyFromBuffer);

/* ------------------------------------------------------------------ */
/* Buffer windows for formats                                          */

/**
 * wdfio_buf_from_memory() - a window into a memory object
 * @b: receives the window (and a reference on the memory object)
 * @memory: memory object, or NULL for an empty window
 * @offsets: window, or NULL for the whole buffer; BufferLength 0 means "to
 *	the end" (KMDF)
 *
 * Context: Any context.
 * Return: STATUS_SUCCESS, STATUS_INVALID_HANDLE, or STATUS_INTEGER_OVERFLOW
 * if the window does not fit in the buffer (KMDF).
 */
NTSTATUS wdfio_buf_from_memory(struct wdfio_buf *b, WDFMEMORY memory,
			       PWDFMEMORY_OFFSET offsets)
{
	size_t off = 0, len, end;
	struct wdfio_memory *m;

	memset(b, 0, sizeof(*b));
	if (!memory)
		return STATUS_SUCCESS;
	m = wdfio_memory_from_handle(memory);
	if (!m)
		return STATUS_INVALID_HANDLE;
	len = m->size;
	if (offsets && (offsets->BufferOffset || offsets->BufferLength)) {
		off = offsets->BufferOffset;
		if (off > m->size)
			return STATUS_INTEGER_OVERFLOW;
		len = offsets->BufferLength ? offsets->BufferLength :
					      m->size - off;
		if (check_add_overflow(off, len, &end) || end > m->size)
			return STATUS_INTEGER_OVERFLOW;
	}
	wdfio_object_get(&m->obj);
	b->mem = m;
	b->ptr = (char *)m->buf + off;
	b->len = len;
	b->mem_offset = off;
	return STATUS_SUCCESS;
}

/**
 * wdfio_buf_from_descriptor() - a window from a WDF_MEMORY_DESCRIPTOR
 * @b: receives the window
 * @desc: descriptor, or NULL for an empty window
 *
 * Context: Any context.
 * Return: STATUS_SUCCESS; STATUS_INVALID_PARAMETER for a NULL buffer with a
 * length or an unknown type (KMDF); STATUS_NOT_SUPPORTED for MDL descriptors
 * (there are no MDLs on Linux); as wdfio_buf_from_memory() for handles.
 */
NTSTATUS wdfio_buf_from_descriptor(struct wdfio_buf *b,
				   PWDF_MEMORY_DESCRIPTOR desc)
{
	memset(b, 0, sizeof(*b));
	if (!desc)
		return STATUS_SUCCESS;
	switch (desc->Type) {
	case WdfMemoryDescriptorTypeBuffer:
		if (!desc->u.BufferType.Buffer && desc->u.BufferType.Length)
			return STATUS_INVALID_PARAMETER;
		b->ptr = desc->u.BufferType.Buffer;
		b->len = desc->u.BufferType.Length;
		return STATUS_SUCCESS;
	case WdfMemoryDescriptorTypeHandle:
		if (!desc->u.HandleType.Memory)
			return STATUS_INVALID_PARAMETER;
		return wdfio_buf_from_memory(b, desc->u.HandleType.Memory,
					     desc->u.HandleType.Offsets);
	case WdfMemoryDescriptorTypeMdl:
		return STATUS_NOT_SUPPORTED;
	default:
		return STATUS_INVALID_PARAMETER;
	}
}

/* Drop the memory reference a window holds. Any context. */
void wdfio_buf_release(struct wdfio_buf *b)
{
	if (b->mem)
		wdfio_object_put(&b->mem->obj);
	memset(b, 0, sizeof(*b));
}
