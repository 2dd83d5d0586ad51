// SPDX-License-Identifier: GPL-2.0
/*
 * A caller's user buffers: pinning them (the character front-end's direct
 * buffers), and WdfRequestProbeAndLockUserBufferForRead/ForWrite, which
 * turn the user pointers a driver got in EvtIoInCallerContext
 * (WdfRequestRetrieveUnsafeUser*) into WDFMEMORY objects it may use
 * anywhere until the request completes.
 *
 * KMDF probes and locks the pages into an MDL. wdfio:
 * - ForRead copies the bytes into a kernel buffer (kvmalloc,
 *   copy_from_user) at the call. The driver only reads it; a copy cannot let it write into pages
 *   the caller only lent for reading (read-only or shared file pages, a
 *   copy-on-write page of another process), which a read-only pin could.
 *   The caller's later changes to its buffer are not seen (KMDF would see
 *   them through the MDL), which no sane driver relies on.
 * - ForWrite pins the pages writable (pin_user_pages_fast with FOLL_WRITE)
 *   and maps them into the kernel (vmap): what the driver writes, from any
 *   context and any thread, lands in the caller's buffer. The pages are
 *   unpinned (and dirtied) when the memory object goes, with the request's
 *   completion; from atomic context that happens in a work item.
 * Both memory objects are children of the request.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "queue.h"

#include <linux/export.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include <uapi/wdfio_ioctl.h>

/**
 * wdfio_pin_user() - pin a caller's buffer and map it into the kernel
 * @p: receives the pin (all zero when @len is 0)
 * @uaddr: the user address, in the current process
 * @len: bytes
 * @write: the kernel will write the pages (FOLL_WRITE, mapped writable);
 *	else they are mapped read-only
 * @kaddr: receives the kernel address of @uaddr's first byte
 *
 * Context: Process context, the caller's process.
 * Return: 0; -EFAULT (a bad or, for @write, read-only range); -ENOMEM.
 */
int wdfio_pin_user(struct wdfio_pin *p, unsigned long uaddr, size_t len,
		   bool write, void **kaddr)
{
	unsigned long first = uaddr >> PAGE_SHIFT;
	unsigned long last;
	int got;

	memset(p, 0, sizeof(*p));
	*kaddr = NULL;
	if (!len)
		return 0;
	if (uaddr + len < uaddr || !access_ok((void __user *)uaddr, len))
		return -EFAULT;
	last = (uaddr + len - 1) >> PAGE_SHIFT;
	p->nr = last - first + 1;
	p->write = write;
	p->pages = kvmalloc_array(p->nr, sizeof(*p->pages), GFP_KERNEL);
	if (!p->pages)
		return -ENOMEM;
	got = pin_user_pages_fast(uaddr & PAGE_MASK, p->nr,
				  write ? FOLL_WRITE : 0, p->pages);
	if (got != p->nr) {
		if (got > 0)
			unpin_user_pages(p->pages, got);
		kvfree(p->pages);
		p->pages = NULL;
		return got < 0 && got != -EFAULT ? got : -EFAULT;
	}
	p->vaddr = vmap(p->pages, p->nr, VM_MAP,
			write ? PAGE_KERNEL : PAGE_KERNEL_RO);
	if (!p->vaddr) {
		unpin_user_pages(p->pages, p->nr);
		kvfree(p->pages);
		p->pages = NULL;
		return -ENOMEM;
	}
	*kaddr = p->vaddr + offset_in_page(uaddr);
	return 0;
}

/**
 * wdfio_unpin_user() - undo wdfio_pin_user()
 * @p: the pin (nothing happens if nothing is pinned)
 *
 * Context: Process context (vunmap and unpinning dirty pages may sleep).
 */
void wdfio_unpin_user(struct wdfio_pin *p)
{
	if (!p->pages)
		return;
	if (p->write)
		invalidate_kernel_vmap_range(p->vaddr, p->nr * PAGE_SIZE);
	vunmap(p->vaddr);
	if (p->write)
		unpin_user_pages_dirty_lock(p->pages, p->nr, true);
	else
		unpin_user_pages(p->pages, p->nr);
	kvfree(p->pages);
	p->pages = NULL;
}

/*
 * What a ProbeAndLock memory object holds: the pinned pages (ForWrite) or
 * the copy (ForRead). Both may need process context to go (vunmap,
 * unpinning dirty pages, vfree of a large copy).
 */
struct wdfio_upin {
	struct wdfio_pin pin;
	void *copy;
	struct work_struct work;
};

static void wdfio_upin_free_now(struct wdfio_upin *u)
{
	if (u->copy) {
		kvfree(u->copy);
	} else {
		/* The driver wrote through our mapping: make it reach the pages. */
		flush_kernel_vmap_range(u->pin.vaddr, u->pin.nr * PAGE_SIZE);
		wdfio_unpin_user(&u->pin);
	}
	kfree(u);
}

static void wdfio_upin_free_fn(struct work_struct *work)
{
	wdfio_upin_free_now(container_of(work, struct wdfio_upin, work));
}

/**
 * wdfio_upin_free() - free the buffer of a memory object that goes
 * @u: from WdfRequestProbeAndLockUserBufferForRead() or ...ForWrite()
 *
 * Context: Any context (from atomic context the freeing is deferred to a
 * work item).
 */
void wdfio_upin_free(struct wdfio_upin *u)
{
	if (wdfio_can_sleep()) {
		wdfio_upin_free_now(u);
		return;
	}
	INIT_WORK(&u->work, wdfio_upin_free_fn);
	wdfio_queue_work(&u->work);
}

/*
 * The checks both DDIs share: a request in EvtIoInCallerContext, on the
 * caller's thread (KMDF checks the IRP's thread), where sleeping is
 * allowed, and a non-empty length we are willing to lock.
 */
static NTSTATUS wdfio_probe_check(WDFREQUEST Request, PVOID Buffer,
				  size_t Length, WDFMEMORY *MemoryObject)
{
	struct wdfio_request *req = wdfio_request_from_handle(Request);

	if (MemoryObject)
		*MemoryObject = NULL;
	if (!req || !req->qr) {
		wdfio_misuse("invalid or driver-created WDFREQUEST %p", Request);
		return STATUS_INVALID_DEVICE_REQUEST;
	}
	if (!READ_ONCE(req->qr->in_caller) || !wdfio_can_sleep()) {
		wdfio_misuse("request %p: not in EvtIoInCallerContext", req);
		return STATUS_INVALID_DEVICE_REQUEST;
	}
	if (!MemoryObject || !Buffer)
		return STATUS_INVALID_PARAMETER;
	if (!Length)
		return STATUS_INVALID_USER_BUFFER;
	if (Length > WDFIO_MAX_TRANSFER)
		return STATUS_INSUFFICIENT_RESOURCES;
	/* No user address space here (a kernel thread's block I/O). */
	if (!current->mm || (current->flags & PF_KTHREAD))
		return STATUS_ACCESS_VIOLATION;
	return STATUS_SUCCESS;
}

/**
 * WdfRequestProbeAndLockUserBufferForRead() - a caller's input as a WDFMEMORY
 * @Request: the request EvtIoInCallerContext was called with
 * @Buffer: a user pointer of the caller (from
 *	WdfRequestRetrieveUnsafeUserInputBuffer, or inside a buffer it gave)
 * @Length: bytes
 * @MemoryObject: receives a memory object holding a copy of the bytes: the
 *	driver may use it anywhere, from any context, until the request
 *	completes, which deletes it (it is a child of the request; a large
 *	copy is freed from a work item if that happens in atomic context)
 *
 * The bytes are copied at this call (see the top of this file for why a
 * copy and not a pin).
 *
 * Context: EvtIoInCallerContext only (the caller's process; may sleep).
 * Return: STATUS_SUCCESS; STATUS_INVALID_DEVICE_REQUEST (not in
 * EvtIoInCallerContext, or atomic context); STATUS_INVALID_PARAMETER (NULL
 * @Buffer or @MemoryObject); STATUS_INVALID_USER_BUFFER (@Length 0, KMDF);
 * STATUS_ACCESS_VIOLATION (a bad user range, as KMDF's probe raises);
 * STATUS_INSUFFICIENT_RESOURCES (no memory, or over WDFIO_MAX_TRANSFER).
 */
NTSTATUS WdfRequestProbeAndLockUserBufferForRead(WDFREQUEST Request,
						 PVOID Buffer, size_t Length,
						 WDFMEMORY *MemoryObject)
{
	WDF_OBJECT_ATTRIBUTES attr;
	struct wdfio_upin *u;
	NTSTATUS status;

	status = wdfio_probe_check(Request, Buffer, Length, MemoryObject);
	if (!NT_SUCCESS(status))
		return status;
	u = kzalloc(sizeof(*u), GFP_KERNEL);
	if (!u)
		return STATUS_INSUFFICIENT_RESOURCES;
	u->copy = kvmalloc(Length, GFP_KERNEL);
	if (!u->copy) {
		kfree(u);
		return STATUS_INSUFFICIENT_RESOURCES;
	}
	if (copy_from_user(u->copy, (const void __user *)Buffer, Length)) {
		kvfree(u->copy);
		kfree(u);
		return STATUS_ACCESS_VIOLATION;
	}
	WDF_OBJECT_ATTRIBUTES_INIT(&attr);
	attr.ParentObject = Request;
	/* From here on the memory object owns @u, even if this fails. */
	return wdfio_memory_create_user(&attr, u, u->copy, Length,
					MemoryObject);
}
EXPORT_SYMBOL_GPL(WdfRequestProbeAndLockUserBufferForRead);

/**
 * WdfRequestProbeAndLockUserBufferForWrite() - a caller's output as a WDFMEMORY
 * @Request: the request EvtIoInCallerContext was called with
 * @Buffer: a user pointer of the caller (from
 *	WdfRequestRetrieveUnsafeUserOutputBuffer, or inside a buffer it gave)
 * @Length: bytes
 * @MemoryObject: receives a memory object over the caller's pages, pinned
 *	writable and mapped into the kernel: what the driver writes into it
 *	(from any context, any thread) is in the caller's buffer when the
 *	request completes, which deletes the object and unpins the pages
 *
 * Context: EvtIoInCallerContext only (the caller's process; may sleep).
 * Return: as WdfRequestProbeAndLockUserBufferForRead(); a read-only range
 * also gives STATUS_ACCESS_VIOLATION.
 */
NTSTATUS WdfRequestProbeAndLockUserBufferForWrite(WDFREQUEST Request,
						  PVOID Buffer, size_t Length,
						  WDFMEMORY *MemoryObject)
{
	WDF_OBJECT_ATTRIBUTES attr;
	struct wdfio_upin *u;
	NTSTATUS status;
	void *kaddr;
	int err;

	status = wdfio_probe_check(Request, Buffer, Length, MemoryObject);
	if (!NT_SUCCESS(status))
		return status;
	u = kzalloc(sizeof(*u), GFP_KERNEL);
	if (!u)
		return STATUS_INSUFFICIENT_RESOURCES;
	err = wdfio_pin_user(&u->pin, (unsigned long)Buffer, Length, true,
			     &kaddr);
	if (err) {
		kfree(u);
		return err == -EFAULT ? STATUS_ACCESS_VIOLATION :
					STATUS_INSUFFICIENT_RESOURCES;
	}
	WDF_OBJECT_ATTRIBUTES_INIT(&attr);
	attr.ParentObject = Request;
	/* From here on the memory object owns @u, even if this fails. */
	return wdfio_memory_create_user(&attr, u, kaddr, Length, MemoryObject);
}
EXPORT_SYMBOL_GPL(WdfRequestProbeAndLockUserBufferForWrite);
