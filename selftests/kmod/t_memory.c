// SPDX-License-Identifier: GPL-2.0
/*
 * WDFMEMORY (docs/semantics.md, "Memory"): creation, copies, assigned
 * buffers, WDFMEMORY_OFFSET windows, and the reference a format holds.
 */
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/vmalloc.h>

#include "util.h"
#include "wt_cases.h"

/* Also declared, identically, in t_object.c */
typedef struct _WT_SHARED_CONTEXT {
	ULONG A;
	ULONG B;
} WT_SHARED_CONTEXT;

WDF_DECLARE_CONTEXT_TYPE(WT_SHARED_CONTEXT);

PVOID wt_memory_shared_context(WDFOBJECT object)
{
	return WdfObjectGet_WT_SHARED_CONTEXT(object);
}

static DEFINE_SPINLOCK(wt_mem_lock);

int wt_memory_create(struct wt *t)
{
	static const size_t sizes[] = {
		1, 100, PAGE_SIZE - 1, PAGE_SIZE, PAGE_SIZE + 1, SZ_64K,
		SZ_1M + 7,
	};
	unsigned long nvcsw;
	WDFMEMORY memory, big, huge;
	NTSTATUS status;
	unsigned int i;
	void *buf;
	size_t size;
	u8 *pre;

	wt_quiet_verifier(t);
	wt_set_where(t, "BufferSize 0");
	memory = NULL;
	T_STATUS(t, STATUS_INVALID_PARAMETER,
		 WdfMemoryCreate(WDF_NO_OBJECT_ATTRIBUTES, NonPagedPoolNx,
				 WT_TAG, 0, &memory, &buf));
	wt_delete(t, memory);

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		wt_set_where(t, "WdfMemoryCreate(%zu)", sizes[i]);
		buf = NULL;
		status = WdfMemoryCreate(WDF_NO_OBJECT_ATTRIBUTES,
					 i & 1 ? PagedPool : NonPagedPoolNx,
					 i & 2 ? 0 : WT_TAG, sizes[i], &memory,
					 &buf);
		if (!T_STATUS(t, STATUS_SUCCESS, status))
			continue;
		size = 0;
		T_TRUE(t, buf, "no buffer returned");
		T_PTR(t, buf, WdfMemoryGetBuffer(memory, &size));
		T_EQ(t, sizes[i], size);
		T_PTR(t, buf, WdfMemoryGetBuffer(memory, NULL));
		if (buf)
			memset(buf, 0xE7, sizes[i]);
		WdfObjectDelete(memory);
	}

	wt_set_where(t, "WdfMemoryCreate without Buffer");
	status = WdfMemoryCreate(WDF_NO_OBJECT_ATTRIBUTES, NonPagedPoolNx,
				 WT_TAG, 512, &memory, NULL);
	if (T_STATUS(t, STATUS_SUCCESS, status)) {
		T_TRUE(t, WdfMemoryGetBuffer(memory, &size), "no buffer");
		T_EQ(t, 512, size);
		WdfObjectDelete(memory);
	}

	pre = kmalloc(777, GFP_KERNEL);
	if (!T_TRUE(t, pre, "out of memory"))
		return 0;
	wt_set_where(t, "WdfMemoryCreatePreallocated");
	memory = NULL;
	T_STATUS(t, STATUS_INVALID_PARAMETER,
		 WdfMemoryCreatePreallocated(WDF_NO_OBJECT_ATTRIBUTES, NULL, 512,
					     &memory));
	wt_delete(t, memory);
	memory = NULL;
	T_STATUS(t, STATUS_INVALID_PARAMETER,
		 WdfMemoryCreatePreallocated(WDF_NO_OBJECT_ATTRIBUTES, pre, 0,
					     &memory));
	wt_delete(t, memory);
	status = WdfMemoryCreatePreallocated(WDF_NO_OBJECT_ATTRIBUTES, pre, 777,
					     &memory);
	if (T_STATUS(t, STATUS_SUCCESS, status)) {
		T_PTR(t, pre, WdfMemoryGetBuffer(memory, &size));
		T_EQ(t, 777, size);
		WdfObjectDelete(memory);
	}
	/* The caller's buffer survives the object */
	memset(pre, 0x11, 777);
	kfree(pre);

	/*
	 * Atomic context (KMDF: DISPATCH_LEVEL): create and delete without
	 * sleeping, including large buffers made where sleeping was fine; one
	 * above kmalloc's limit is vmalloc-backed, and vfree() may sleep.
	 */
	wt_set_where(t, "create/delete under a spinlock");
	big = NULL;
	status = WdfMemoryCreate(WDF_NO_OBJECT_ATTRIBUTES, NonPagedPoolNx,
				 WT_TAG, SZ_1M, &big, NULL);
	T_STATUS(t, STATUS_SUCCESS, status);
	huge = NULL;
	buf = NULL;
	status = WdfMemoryCreate(WDF_NO_OBJECT_ATTRIBUTES, NonPagedPoolNx,
				 WT_TAG, SZ_8M, &huge, &buf);
	T_STATUS(t, STATUS_SUCCESS, status);
	T_TRUE(t, !buf || is_vmalloc_addr(buf),
	       "8 MiB buffer not vmalloc-backed: nothing tests the vfree");
	if (buf)
		memset(buf, 0x5A, SZ_8M);
	nvcsw = current->nvcsw;
	spin_lock(&wt_mem_lock);
	memory = NULL;
	status = WdfMemoryCreate(WDF_NO_OBJECT_ATTRIBUTES, NonPagedPoolNx,
				 WT_TAG, SZ_64K, &memory, &buf);
	if (NT_SUCCESS(status)) {
		memset(buf, 0x42, SZ_64K);
		WdfObjectDelete(memory);
	}
	if (big)
		WdfObjectDelete(big);
	if (huge)
		WdfObjectDelete(huge);
	spin_unlock(&wt_mem_lock);
	T_STATUS(t, STATUS_SUCCESS, status);
	T_EQ(t, 0, current->nvcsw - nvcsw);
	return 0;
}

#define WT_CP_SIZE	1000

static void wt_cp_pattern(u8 *p, size_t len, u8 salt)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (u8)(i * 7 + salt);
}

int wt_memory_copy_to(struct wt *t)
{
	static const struct {
		size_t off, n;
		NTSTATUS status;
	} cases[] = {
		{ 0, 0, STATUS_INVALID_PARAMETER },
		{ 0, WT_CP_SIZE, STATUS_SUCCESS },
		{ WT_CP_SIZE - 1, 1, STATUS_SUCCESS },
		{ 100, 200, STATUS_SUCCESS },
		{ WT_CP_SIZE, 1, STATUS_BUFFER_TOO_SMALL },
		{ 0, WT_CP_SIZE + 1, STATUS_BUFFER_TOO_SMALL },
		{ 500, 501, STATUS_BUFFER_TOO_SMALL },
		{ SIZE_MAX, 2, STATUS_BUFFER_TOO_SMALL },
		{ 2, SIZE_MAX, STATUS_BUFFER_TOO_SMALL },
	};
	WDFMEMORY memory = NULL;
	struct wt_buf dst = { };
	unsigned int i;
	u8 *src;

	wt_quiet_verifier(t);
	if (!NT_SUCCESS(wt_memory(t, WT_CP_SIZE, &memory, (void **)&src)) ||
	    wt_buf_alloc(t, &dst, WT_CP_SIZE, false, 0))
		goto out;
	wt_cp_pattern(src, WT_CP_SIZE, 0x3c);

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		NTSTATUS status;

		wt_set_where(t, "CopyToBuffer(offset %zu, %zu bytes)",
			     cases[i].off, cases[i].n);
		memset(dst.data, WT_POISON_BYTE, WT_CP_SIZE);
		status = WdfMemoryCopyToBuffer(memory, cases[i].off, dst.data,
					       cases[i].n);
		T_STATUS(t, cases[i].status, status);
		if (NT_SUCCESS(cases[i].status))
			T_TRUE(t, !memcmp(dst.data, src + cases[i].off,
					  cases[i].n), "copied bytes differ");
		else
			wt_verify_byte(t, dst.data, WT_CP_SIZE, WT_POISON_BYTE,
				       "destination after a failed copy");
		wt_buf_guards_ok(t, &dst, "destination");
	}
	wt_set_where(t, "source after the copies");
	wt_cp_pattern(dst.data, WT_CP_SIZE, 0x3c);
	T_TRUE(t, !memcmp(dst.data, src, WT_CP_SIZE), "source changed");
out:
	wt_delete(t, memory);
	wt_buf_free(t, &dst);
	return 0;
}

int wt_memory_copy_from(struct wt *t)
{
	static const struct {
		size_t off, n;
		NTSTATUS status;
	} cases[] = {
		{ 0, 0, STATUS_INVALID_PARAMETER },
		{ 0, WT_CP_SIZE, STATUS_SUCCESS },
		{ WT_CP_SIZE - 1, 1, STATUS_SUCCESS },
		{ 100, 200, STATUS_SUCCESS },
		{ WT_CP_SIZE, 1, STATUS_INVALID_BUFFER_SIZE },
		{ 0, WT_CP_SIZE + 1, STATUS_INVALID_BUFFER_SIZE },
		{ 500, 501, STATUS_INVALID_BUFFER_SIZE },
		{ SIZE_MAX, 2, STATUS_INVALID_BUFFER_SIZE },
		{ 2, SIZE_MAX, STATUS_INVALID_BUFFER_SIZE },
	};
	WDFMEMORY memory = NULL;
	struct wt_buf src = { };
	unsigned int i;
	u8 *dst;

	wt_quiet_verifier(t);
	if (!NT_SUCCESS(wt_memory(t, WT_CP_SIZE, &memory, (void **)&dst)) ||
	    wt_buf_alloc(t, &src, WT_CP_SIZE + 1, false, 0))
		goto out;
	wt_cp_pattern(src.data, WT_CP_SIZE + 1, 0x51);

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		NTSTATUS status;

		wt_set_where(t, "CopyFromBuffer(offset %zu, %zu bytes)",
			     cases[i].off, cases[i].n);
		memset(dst, WT_POISON_BYTE, WT_CP_SIZE);
		status = WdfMemoryCopyFromBuffer(memory, cases[i].off, src.data,
						 cases[i].n);
		T_STATUS(t, cases[i].status, status);
		if (NT_SUCCESS(cases[i].status)) {
			T_TRUE(t, !memcmp(dst + cases[i].off, src.data,
					  cases[i].n), "copied bytes differ");
			wt_verify_byte(t, dst, cases[i].off, WT_POISON_BYTE,
				       "memory before the copy");
			wt_verify_byte(t, dst + cases[i].off + cases[i].n,
				       WT_CP_SIZE - cases[i].off - cases[i].n,
				       WT_POISON_BYTE, "memory after the copy");
		} else {
			wt_verify_byte(t, dst, WT_CP_SIZE, WT_POISON_BYTE,
				       "memory after a failed copy");
		}
		wt_buf_guards_ok(t, &src, "source");
	}
out:
	wt_delete(t, memory);
	wt_buf_free(t, &src);
	return 0;
}

int wt_memory_assign(struct wt *t)
{
	WDFIOTARGET target = NULL;
	WDFREQUEST request = NULL;
	WDFMEMORY created = NULL, pre = NULL;
	struct wt_buf a = { }, b = { };
	struct wt_io *io = NULL;
	struct wt_bdev bdev;
	LONGLONG off = SZ_1M;
	u32 seed = wt_next_seed();
	size_t size;
	void *buf;

	wt_quiet_verifier(t);
	if (wt_bdev_open(t, &wt_devs[WT_NULLB0], &bdev))
		return 0;
	io = wt_io_alloc(t);
	if (!io || wt_buf_alloc(t, &a, 512, false, 0) ||
	    wt_buf_alloc(t, &b, SZ_4K, false, 0) ||
	    !NT_SUCCESS(wt_memory(t, 512, &created, &buf)))
		goto out;

	wt_set_where(t, "AssignBuffer on WdfMemoryCreate memory");
	T_STATUS(t, STATUS_INVALID_DEVICE_REQUEST,
		 WdfMemoryAssignBuffer(created, a.data, 512));
	T_PTR(t, buf, WdfMemoryGetBuffer(created, &size));
	T_EQ(t, 512, size);

	wt_set_where(t, "AssignBuffer on preallocated memory");
	if (!T_STATUS(t, STATUS_SUCCESS,
		      WdfMemoryCreatePreallocated(WDF_NO_OBJECT_ATTRIBUTES,
						  a.data, 512, &pre)))
		goto out;
	T_STATUS(t, STATUS_INVALID_PARAMETER,
		 WdfMemoryAssignBuffer(pre, NULL, 512));
	T_STATUS(t, STATUS_INVALID_PARAMETER,
		 WdfMemoryAssignBuffer(pre, b.data, 0));
	T_PTR(t, a.data, WdfMemoryGetBuffer(pre, &size));
	T_EQ(t, 512, size);
	T_STATUS(t, STATUS_SUCCESS, WdfMemoryAssignBuffer(pre, b.data, SZ_4K));
	T_PTR(t, b.data, WdfMemoryGetBuffer(pre, &size));
	T_EQ(t, SZ_4K, size);

	/* I/O after the assignment lands in the new buffer */
	wt_set_where(t, "read into reassigned memory");
	if (!wt_raw_fill(t, &bdev, off, SZ_4K, seed) ||
	    !NT_SUCCESS(wt_open_rw(t, &wt_devs[WT_NULLB0], &target)) ||
	    !NT_SUCCESS(wt_request(t, target, &request)))
		goto out;
	memset(a.data, WT_POISON_BYTE, 512);
	memset(b.data, WT_POISON_BYTE, SZ_4K);
	if (!T_STATUS(t, STATUS_SUCCESS,
		      WdfIoTargetFormatRequestForRead(target, request, pre,
						      NULL, &off)))
		goto out;
	if (!wt_send_ok(t, request, target, io, SZ_4K))
		goto out;
	wt_verify(t, b.data, SZ_4K, off, seed, "new buffer");
	wt_verify_byte(t, a.data, 512, WT_POISON_BYTE, "old buffer");
	wt_buf_guards_ok(t, &a, "old buffer");
	wt_buf_guards_ok(t, &b, "new buffer");
out:
	wt_set_where(t, "cleanup");
	wt_delete(t, request);
	wt_delete(t, pre);
	wt_delete(t, created);
	wt_delete_target(t, target);
	if (io)
		wt_io_free(t, io);
	wt_buf_free(t, &a);
	wt_buf_free(t, &b);
	wt_bdev_close(&bdev);
	return 0;
}

int wt_memory_offsets(struct wt *t)
{
	static const struct {
		size_t off, len;
		NTSTATUS status;
		size_t bytes;		/* transferred on success */
	} cases[] = {
		{ 0, 0, STATUS_SUCCESS, SZ_8K },
		{ SZ_4K, 0, STATUS_SUCCESS, SZ_4K },
		{ 512, SZ_1K, STATUS_SUCCESS, SZ_1K },
		{ SZ_8K - 512, 512, STATUS_SUCCESS, 512 },
		{ SZ_8K, 512, STATUS_INTEGER_OVERFLOW, 0 },
		{ SZ_4K, SZ_8K, STATUS_INTEGER_OVERFLOW, 0 },
		{ 0, SZ_8K + 512, STATUS_INTEGER_OVERFLOW, 0 },
		{ SIZE_MAX - 100, 512, STATUS_INTEGER_OVERFLOW, 0 },
		{ 512, SIZE_MAX - 256, STATUS_INTEGER_OVERFLOW, 0 },
	};
	WDF_MEMORY_DESCRIPTOR desc;
	WDFIOTARGET target = NULL;
	WDFREQUEST request = NULL;
	WDFMEMORY memory = NULL;
	struct wt_bdev bdev;
	struct wt_io *io = NULL;
	LONGLONG dev_off = SZ_2M;
	u32 seed = wt_next_seed();
	ULONG_PTR bytes;
	NTSTATUS status;
	unsigned int i;
	u8 *buf;

	wt_quiet_verifier(t);
	if (wt_bdev_open(t, &wt_devs[WT_NULLB0], &bdev))
		return 0;
	io = wt_io_alloc(t);
	if (!io || !wt_raw_fill(t, &bdev, dev_off, SZ_8K, seed) ||
	    !NT_SUCCESS(wt_open_rw(t, &wt_devs[WT_NULLB0], &target)) ||
	    !NT_SUCCESS(wt_request(t, target, &request)) ||
	    !NT_SUCCESS(wt_memory(t, SZ_8K, &memory, (void **)&buf)))
		goto out;

	for (i = 0; i < ARRAY_SIZE(cases) && !t->wedged; i++) {
		WDFMEMORY_OFFSET win = { cases[i].off, cases[i].len };

		wt_set_where(t, "async read, window {%zu, %zu}", cases[i].off,
			     cases[i].len);
		memset(buf, WT_POISON_BYTE, SZ_8K);
		status = WdfIoTargetFormatRequestForRead(target, request,
							 memory, &win,
							 &dev_off);
		if (!T_STATUS(t, cases[i].status, status) ||
		    !NT_SUCCESS(status)) {
			wt_verify_byte(t, buf, SZ_8K, WT_POISON_BYTE,
				       "memory after a refused format");
			goto sync;
		}
		if (!wt_send_ok(t, request, target, io, cases[i].bytes))
			goto sync;
		T_EQ(t, cases[i].off, io->params.Parameters.Read.Offset);
		T_EQ(t, cases[i].bytes, io->params.Parameters.Read.Length);
		wt_verify_byte(t, buf, cases[i].off, WT_POISON_BYTE,
			       "memory before the window");
		wt_verify(t, buf + cases[i].off, cases[i].bytes, dev_off, seed,
			  "window");
		wt_verify_byte(t, buf + cases[i].off + cases[i].bytes,
			       SZ_8K - cases[i].off - cases[i].bytes,
			       WT_POISON_BYTE, "memory after the window");
sync:
		wt_set_where(t, "sync read, window {%zu, %zu}", cases[i].off,
			     cases[i].len);
		WDF_MEMORY_DESCRIPTOR_INIT_HANDLE(&desc, memory, &win);
		status = wt_sync_read(t, target, NULL, &desc, &dev_off, NULL,
				      &bytes);
		T_STATUS(t, cases[i].status, status);
		if (NT_SUCCESS(status))
			T_EQ(t, cases[i].bytes, bytes);
	}
out:
	wt_set_where(t, "cleanup");
	wt_delete(t, request);
	wt_delete(t, memory);
	wt_delete_target(t, target);
	if (io)
		wt_io_free(t, io);
	wt_bdev_close(&bdev);
	return 0;
}

/* Destroy callbacks of the memory objects of memory_held_by_format */
static atomic_t wt_mem_destroyed = ATOMIC_INIT(0);
static WDFOBJECT wt_mem_last_destroyed;

static EVT_WDF_OBJECT_CONTEXT_DESTROY wt_mem_destroy;

static VOID wt_mem_destroy(WDFOBJECT Object)
{
	WRITE_ONCE(wt_mem_last_destroyed, Object);
	atomic_inc(&wt_mem_destroyed);
}

static WDFMEMORY wt_mem_tracked(struct wt *t)
{
	WDF_OBJECT_ATTRIBUTES attributes;
	WDFMEMORY memory = NULL;

	WDF_OBJECT_ATTRIBUTES_INIT(&attributes);
	attributes.EvtDestroyCallback = wt_mem_destroy;
	if (!T_STATUS(t, STATUS_SUCCESS,
		      WdfMemoryCreate(&attributes, NonPagedPoolNx, WT_TAG, 512,
				      &memory, NULL)))
		return NULL;
	return memory;
}

/*
 * A memory object used by a formatted request stays alive after the
 * driver deletes it, until the request is reused, reformatted or deleted.
 */
int wt_memory_held_by_format(struct wt *t)
{
	WDF_REQUEST_REUSE_PARAMS reuse;
	WDFIOTARGET target = NULL;
	WDFREQUEST request = NULL;
	WDFMEMORY m, other = NULL;
	struct wt_io *io;
	LONGLONG off = 0;
	unsigned int pass;
	int base;

	io = wt_io_alloc(t);
	if (!io)
		return 0;
	if (!NT_SUCCESS(wt_open_rw(t, &wt_devs[WT_NULLB0], &target)) ||
	    !NT_SUCCESS(wt_request(t, target, &request)) ||
	    !NT_SUCCESS(wt_memory(t, 512, &other, NULL)))
		goto out;

	for (pass = 0; pass < 4 && !t->wedged; pass++) {
		static const char *const how[] = {
			"reuse", "reformat", "reuse after a completed send",
			"request delete",
		};

		wt_set_where(t, "released by %s", how[pass]);
		m = wt_mem_tracked(t);
		if (!m)
			break;
		base = atomic_read(&wt_mem_destroyed);
		if (!T_STATUS(t, STATUS_SUCCESS,
			      WdfIoTargetFormatRequestForRead(target, request, m,
							      NULL, &off))) {
			WdfObjectDelete(m);
			break;
		}
		if (pass == 2 && !wt_send_ok(t, request, target, io, 512)) {
			WdfObjectDelete(m);
			break;
		}
		WdfObjectDelete(m);
		T_EQ(t, base, atomic_read(&wt_mem_destroyed));

		switch (pass) {
		case 1:
			T_STATUS(t, STATUS_SUCCESS,
				 WdfIoTargetFormatRequestForRead(target,
								 request,
								 other, NULL,
								 &off));
			break;
		case 3:
			WdfObjectDelete(request);
			request = NULL;
			break;
		default:
			WDF_REQUEST_REUSE_PARAMS_INIT(&reuse,
						      WDF_REQUEST_REUSE_NO_FLAGS,
						      STATUS_SUCCESS);
			T_STATUS(t, STATUS_SUCCESS,
				 WdfRequestReuse(request, &reuse));
			break;
		}
		T_EQ(t, base + 1, atomic_read(&wt_mem_destroyed));
		T_PTR(t, m, READ_ONCE(wt_mem_last_destroyed));
	}
out:
	wt_set_where(t, "cleanup");
	wt_delete(t, request);
	wt_delete(t, other);
	wt_delete_target(t, target);
	wt_io_free(t, io);
	return 0;
}
