// SPDX-License-Identifier: GPL-2.0
/*
 * Read/write round trips, synchronous and asynchronous, on every guest
 * device: sizes x offsets x buffer kinds. Each write is checked against the
 * device through the test's own bios (so a misplaced write is caught even
 * if reads are misplaced the same way), each read against the pattern, and
 * every driver buffer keeps its guard bytes.
 */
#include <linux/mm.h>
#include <linux/sizes.h>

#include "util.h"
#include "wt_cases.h"

enum wt_kind {
	WT_K_CREATE,		/* WdfMemoryCreate */
	WT_K_PRE_KMALLOC,	/* WdfMemoryCreatePreallocated, kmalloc */
	WT_K_PRE_VMALLOC,	/* ... vmalloc */
	WT_K_PRE_UNALIGNED,	/* ... kmalloc + 1 byte */
	WT_K_PRE_VUNALIGNED,	/* ... vmalloc + 1 byte */
	WT_K_OFFSET,		/* WDFMEMORY_OFFSET window of a larger memory */
	WT_K_BUF_KMALLOC,	/* sync only: descriptor of buffer type */
	WT_K_BUF_VMALLOC,
	WT_K_BUF_UNALIGNED,
	WT_NR_KINDS,
};

static const struct {
	const char *name;
	size_t max_len;		/* 0: any */
	bool sync_only;
} wt_kinds[WT_NR_KINDS] = {
	[WT_K_CREATE] = { "WdfMemoryCreate", 0, false },
	[WT_K_PRE_KMALLOC] = { "preallocated kmalloc", SZ_1M, false },
	[WT_K_PRE_VMALLOC] = { "preallocated vmalloc", 0, false },
	[WT_K_PRE_UNALIGNED] = { "preallocated kmalloc+1", SZ_1M, false },
	[WT_K_PRE_VUNALIGNED] = { "preallocated vmalloc+1", 0, false },
	[WT_K_OFFSET] = { "WDFMEMORY_OFFSET window", 0, false },
	[WT_K_BUF_KMALLOC] = { "descriptor buffer kmalloc", SZ_1M, true },
	[WT_K_BUF_VMALLOC] = { "descriptor buffer vmalloc", 0, true },
	[WT_K_BUF_UNALIGNED] = { "descriptor buffer kmalloc+1", SZ_1M, true },
};

/* Bytes of the larger memory before and after a WT_K_OFFSET window */
#define WT_WINDOW_PAD	1024

static const size_t wt_sizes[] = { 512, SZ_4K, SZ_64K, SZ_1M, SZ_4M };

/**
 * struct wt_rwbuf - the buffer of one round trip
 * @kind: how it was made
 * @gb: the guarded driver buffer (preallocated and descriptor kinds)
 * @mem: the memory object, NULL for descriptor-buffer kinds
 * @win: the window of a WT_K_OFFSET memory
 * @whole: all of a WT_K_OFFSET memory's buffer
 * @whole_len: its size
 * @data: first byte of the transfer
 * @len: bytes of the transfer
 */
struct wt_rwbuf {
	enum wt_kind kind;
	struct wt_buf gb;
	WDFMEMORY mem;
	WDFMEMORY_OFFSET win;
	u8 *whole;
	size_t whole_len;
	u8 *data;
	size_t len;
};

static int wt_rwbuf_setup(struct wt *t, struct wt_rwbuf *rb,
			  enum wt_kind kind, size_t len)
{
	NTSTATUS status;
	void *buf;
	int err;

	memset(rb, 0, sizeof(*rb));
	rb->kind = kind;
	rb->len = len;
	switch (kind) {
	case WT_K_CREATE:
		status = wt_memory(t, len, &rb->mem, &buf);
		if (!NT_SUCCESS(status))
			return -ENOMEM;
		rb->data = buf;
		return 0;
	case WT_K_OFFSET:
		rb->whole_len = len + 2 * WT_WINDOW_PAD;
		status = wt_memory(t, rb->whole_len, &rb->mem, &buf);
		if (!NT_SUCCESS(status))
			return -ENOMEM;
		rb->whole = buf;
		memset(rb->whole, WT_GUARD_BYTE, rb->whole_len);
		rb->win.BufferOffset = WT_WINDOW_PAD;
		rb->win.BufferLength = len;
		rb->data = rb->whole + WT_WINDOW_PAD;
		return 0;
	case WT_K_PRE_KMALLOC:
	case WT_K_BUF_KMALLOC:
		err = wt_buf_alloc(t, &rb->gb, len, false, 0);
		break;
	case WT_K_PRE_VMALLOC:
	case WT_K_BUF_VMALLOC:
		err = wt_buf_alloc(t, &rb->gb, len, true, 0);
		break;
	case WT_K_PRE_UNALIGNED:
	case WT_K_BUF_UNALIGNED:
		err = wt_buf_alloc(t, &rb->gb, len, false, 1);
		break;
	case WT_K_PRE_VUNALIGNED:
		err = wt_buf_alloc(t, &rb->gb, len, true, 1);
		break;
	default:
		return -EINVAL;
	}
	if (err)
		return err;
	rb->data = rb->gb.data;
	if (kind >= WT_K_BUF_KMALLOC)
		return 0;
	status = WdfMemoryCreatePreallocated(WDF_NO_OBJECT_ATTRIBUTES,
					     rb->gb.data, len, &rb->mem);
	if (!T_STATUS(t, STATUS_SUCCESS, status)) {
		rb->mem = NULL;
		return -ENOMEM;
	}
	return 0;
}

static void wt_rwbuf_teardown(struct wt *t, struct wt_rwbuf *rb)
{
	wt_delete(t, rb->mem);
	rb->mem = NULL;
	wt_buf_free(t, &rb->gb);
}

/* Nothing outside the transfer was touched */
static bool wt_rwbuf_intact(struct wt *t, struct wt_rwbuf *rb)
{
	if (rb->whole)
		return wt_verify_byte(t, rb->whole, WT_WINDOW_PAD,
				      WT_GUARD_BYTE, "memory before the window") &&
		       wt_verify_byte(t, rb->data + rb->len, WT_WINDOW_PAD,
				      WT_GUARD_BYTE, "memory after the window");
	if (rb->gb.base)
		return wt_buf_guards_ok(t, &rb->gb, "driver buffer");
	return true;
}

static PWDFMEMORY_OFFSET wt_rwbuf_offsets(struct wt_rwbuf *rb)
{
	return rb->kind == WT_K_OFFSET ? &rb->win : NULL;
}

static void wt_rwbuf_desc(struct wt_rwbuf *rb, PWDF_MEMORY_DESCRIPTOR desc)
{
	if (rb->mem)
		WDF_MEMORY_DESCRIPTOR_INIT_HANDLE(desc, rb->mem,
						  wt_rwbuf_offsets(rb));
	else
		WDF_MEMORY_DESCRIPTOR_INIT_BUFFER(desc, rb->data, (ULONG)rb->len);
}

/* One device's run */
struct wt_rw {
	struct wt *t;
	const struct wt_dev *d;
	WDFIOTARGET target;
	struct wt_bdev bdev;
	struct wt_io *io;
	bool async;
	unsigned int iter;
};

static bool wt_rw_sync(struct wt_rw *rw, struct wt_rwbuf *rb, bool write,
		       u64 off, WDFREQUEST request)
{
	struct wt *t = rw->t;
	WDF_MEMORY_DESCRIPTOR desc;
	LONGLONG o = off;
	ULONG_PTR bytes;
	NTSTATUS status;

	wt_rwbuf_desc(rb, &desc);
	if (write)
		status = wt_sync_write(t, rw->target, request, &desc, &o, NULL,
				       &bytes);
	else
		status = wt_sync_read(t, rw->target, request, &desc, &o, NULL,
				      &bytes);
	if (!T_STATUS(t, STATUS_SUCCESS, status))
		return false;
	if (!T_EQ(t, rb->len, bytes))
		return false;
	if (request && !T_STATUS(t, STATUS_SUCCESS, WdfRequestGetStatus(request)))
		return false;
	return true;
}

static bool wt_rw_async(struct wt_rw *rw, struct wt_rwbuf *rb, bool write,
			u64 off, WDFREQUEST request)
{
	WDF_REQUEST_COMPLETION_PARAMS after;
	WDF_REQUEST_SEND_OPTIONS options;
	PWDF_REQUEST_SEND_OPTIONS opts;
	struct wt_io *io = rw->io;
	struct wt *t = rw->t;
	LONGLONG o = off;
	NTSTATUS status;
	size_t mem_off;

	wt_io_reset(io);
	if (write)
		status = WdfIoTargetFormatRequestForWrite(rw->target, request,
							  rb->mem,
							  wt_rwbuf_offsets(rb),
							  &o);
	else
		status = WdfIoTargetFormatRequestForRead(rw->target, request,
							 rb->mem,
							 wt_rwbuf_offsets(rb),
							 &o);
	if (!T_STATUS(t, STATUS_SUCCESS, status))
		return false;
	WdfRequestSetCompletionRoutine(request, wt_io_complete, io);
	/* No options and options without flags mean the same */
	WDF_REQUEST_SEND_OPTIONS_INIT(&options, 0);
	opts = rw->iter & 1 ? &options : WDF_NO_SEND_OPTIONS;
	if (!T_TRUE(t, WdfRequestSend(request, rw->target, opts),
		    "status 0x%08X", (u32)WdfRequestGetStatus(request)))
		return false;
	if (!wt_io_wait(t, io))
		return false;

	mem_off = rb->kind == WT_K_OFFSET ? WT_WINDOW_PAD : 0;
	if (!T_EQ(t, 1, atomic_read(&io->calls)) ||
	    !T_PTR(t, request, io->request) ||
	    !T_PTR(t, rw->target, io->target) ||
	    !T_TRUE(t, io->params_ptr, "routine got Params") ||
	    !T_EQ(t, write ? WdfRequestTypeWrite : WdfRequestTypeRead,
		  io->params.Type) ||
	    !T_STATUS(t, STATUS_SUCCESS, io->params.IoStatus.Status) ||
	    !T_EQ(t, rb->len, io->params.IoStatus.Information) ||
	    !T_STATUS(t, STATUS_SUCCESS, io->get_status))
		return false;
	/* Read and Write have the same layout; check the member of the op */
	if (write) {
		if (!T_PTR(t, rb->mem, io->params.Parameters.Write.Buffer) ||
		    !T_EQ(t, rb->len, io->params.Parameters.Write.Length) ||
		    !T_EQ(t, mem_off, io->params.Parameters.Write.Offset))
			return false;
	} else {
		if (!T_PTR(t, rb->mem, io->params.Parameters.Read.Buffer) ||
		    !T_EQ(t, rb->len, io->params.Parameters.Read.Length) ||
		    !T_EQ(t, mem_off, io->params.Parameters.Read.Offset))
			return false;
	}

	/* The same params stay readable after the routine (until reuse) */
	WDF_REQUEST_COMPLETION_PARAMS_INIT(&after);
	WdfRequestGetCompletionParams(request, &after);
	return T_EQ(t, io->params.Type, after.Type) &&
	       T_STATUS(t, STATUS_SUCCESS, after.IoStatus.Status) &&
	       T_EQ(t, rb->len, after.IoStatus.Information) &&
	       T_STATUS(t, STATUS_SUCCESS, WdfRequestGetStatus(request));
}

/* Write the pattern at @off, check the device, read it back into poison */
static void wt_rw_round_trip(struct wt_rw *rw, enum wt_kind kind, size_t len,
			     u64 off)
{
	struct wt *t = rw->t;
	WDFREQUEST request = NULL;
	struct wt_rwbuf rb;
	u32 seed = wt_next_seed();
	bool ok;

	wt_set_where(t, "%s %s %zu bytes at %llu, %s", rw->d->path,
		     rw->async ? "async" : "sync", len, off,
		     wt_kinds[kind].name);
	if (wt_rwbuf_setup(t, &rb, kind, len))
		goto out;
	/* Sync sends alternate between no request and a request of ours */
	if (rw->async || rw->iter & 1) {
		if (!NT_SUCCESS(wt_request(t, rw->target, &request)))
			goto out;
	}
	if (rw->d == &wt_devs[WT_TB0])
		wdfio_tb_set_context(WT_TB, rw->iter % 4);

	wt_fill(rb.data, len, off, seed);
	ok = rw->async ? wt_rw_async(rw, &rb, true, off, request) :
			 wt_rw_sync(rw, &rb, true, off, request);
	if (!ok || !wt_rwbuf_intact(t, &rb) ||
	    !wt_verify(t, rb.data, len, off, seed, "write buffer after write"))
		goto out;
	/* The oracle: every small transfer, and each first kind of a size */
	if ((len <= SZ_64K || kind == WT_K_CREATE) &&
	    !wt_raw_verify(t, &rw->bdev, off, len, seed))
		goto out;

	memset(rb.data, WT_POISON_BYTE, len);
	ok = rw->async ? wt_rw_async(rw, &rb, false, off, request) :
			 wt_rw_sync(rw, &rb, false, off, request);
	if (!ok || !wt_rwbuf_intact(t, &rb))
		goto out;
	wt_verify(t, rb.data, len, off, seed, "read buffer");
out:
	rw->iter++;
	wt_delete(t, request);
	wt_rwbuf_teardown(t, &rb);
}

static int wt_rw_device(struct wt *t, enum wt_dev_id id, bool async)
{
	struct wt_rw rw = { .t = t, .d = &wt_devs[id], .async = async };
	struct wdfio_tb_stats st;
	unsigned int s, k, o;
	u64 offs[3];

	if (id == WT_TB0 && !wt_tb_reset(t))
		return 0;
	if (wt_bdev_open(t, rw.d, &rw.bdev))
		return 0;
	if (!NT_SUCCESS(wt_open_rw(t, rw.d, &rw.target)))
		goto out;
	rw.io = wt_io_alloc(t);
	if (!rw.io)
		goto out;

	for (s = 0; s < ARRAY_SIZE(wt_sizes) && !t->wedged; s++) {
		size_t len = wt_sizes[s];

		if (len % rw.bdev.lbs || len > rw.bdev.size)
			continue;
		offs[0] = 0;
		offs[1] = round_down(rw.bdev.size / 2, rw.bdev.lbs) +
			  7 * rw.bdev.lbs;
		offs[2] = rw.bdev.size - len;
		for (o = 0; o < ARRAY_SIZE(offs) && !t->wedged; o++) {
			for (k = 0; k < WT_NR_KINDS && !t->wedged; k++) {
				if (async && wt_kinds[k].sync_only)
					continue;
				if (wt_kinds[k].max_len &&
				    len > wt_kinds[k].max_len)
					continue;
				wt_rw_round_trip(&rw, k, len, offs[o]);
			}
		}
	}

	if (id == WT_TB0 && !t->wedged) {
		wt_set_where(t, "wdfio_tb0 counters after the run");
		if (wt_tb_stats(t, &st)) {
			T_EQ(t, 0, st.violations);
			T_EQ(t, 0, st.bios_failed);
		}
	}
out:
	wt_set_where(t, "cleanup");
	wt_delete_target(t, rw.target);
	if (rw.io)
		wt_io_free(t, rw.io);
	wt_bdev_close(&rw.bdev);
	return 0;
}

int wt_rw_sync_nullb0(struct wt *t) { return wt_rw_device(t, WT_NULLB0, false); }
int wt_rw_sync_nullb1(struct wt *t) { return wt_rw_device(t, WT_NULLB1, false); }
int wt_rw_sync_nullb2(struct wt *t) { return wt_rw_device(t, WT_NULLB2, false); }
int wt_rw_sync_vda(struct wt *t) { return wt_rw_device(t, WT_VDA, false); }
int wt_rw_sync_tb0(struct wt *t) { return wt_rw_device(t, WT_TB0, false); }
int wt_rw_async_nullb0(struct wt *t) { return wt_rw_device(t, WT_NULLB0, true); }
int wt_rw_async_nullb1(struct wt *t) { return wt_rw_device(t, WT_NULLB1, true); }
int wt_rw_async_nullb2(struct wt *t) { return wt_rw_device(t, WT_NULLB2, true); }
int wt_rw_async_vda(struct wt *t) { return wt_rw_device(t, WT_VDA, true); }
int wt_rw_async_tb0(struct wt *t) { return wt_rw_device(t, WT_TB0, true); }

/*
 * Large transfers on wdfio_tb0 (max_sectors 64, max_segments 32): wdfio
 * must split them into bios within the limits, put every piece in the
 * right place and report the whole length.
 */
int wt_rw_split_tb0(struct wt *t)
{
	static const enum wt_kind kinds[] = {
		WT_K_CREATE, WT_K_PRE_VMALLOC, WT_K_PRE_VUNALIGNED,
	};
	struct wt_rw rw = { .t = t, .d = &wt_devs[WT_TB0], .async = true };
	static const size_t lens[] = { SZ_1M, SZ_4M };
	struct wdfio_tb_info info;
	struct wdfio_tb_stats st;
	unsigned int i, k, pass;
	WDFREQUEST request;
	struct wt_rwbuf rb;
	u64 off, max_bio;
	u32 seed;
	bool ok;

	if (!wt_tb_reset(t))
		return 0;
	if (!T_TRUE(t, wdfio_tb_get_info(WT_TB, &info) == 0, "tb info"))
		return 0;
	max_bio = (u64)info.max_sectors << SECTOR_SHIFT;
	if (wt_bdev_open(t, rw.d, &rw.bdev))
		return 0;
	if (!NT_SUCCESS(wt_open_rw(t, rw.d, &rw.target)))
		goto out;
	rw.io = wt_io_alloc(t);
	if (!rw.io)
		goto out;

	for (i = 0; i < ARRAY_SIZE(lens) && !t->wedged; i++) {
		for (k = 0; k < ARRAY_SIZE(kinds) && !t->wedged; k++) {
			size_t len = lens[i];

			/* 512-aligned but not 4096- or max_bio-aligned */
			off = SZ_1M + 3 * 512 + k * SZ_4K;
			seed = wt_next_seed();
			request = NULL;
			if (wt_rwbuf_setup(t, &rb, kinds[k], len))
				goto next;
			if (!NT_SUCCESS(wt_request(t, rw.target, &request)))
				goto next;
			wt_fill(rb.data, len, off, seed);
			for (pass = 0; pass < 2; pass++) {
				bool write = pass == 0;

				wt_set_where(t, "wdfio_tb0 %s %zu bytes at %llu, %s",
					     write ? "write" : "read", len, off,
					     wt_kinds[kinds[k]].name);
				if (!write)
					memset(rb.data, WT_POISON_BYTE, len);
				wdfio_tb_reset(WT_TB);
				ok = write ? wt_rw_async(&rw, &rb, true, off, request) :
					     wt_rw_sync(&rw, &rb, false, off, NULL);
				if (!ok || !wt_rwbuf_intact(t, &rb) ||
				    !wt_tb_stats(t, &st))
					goto next;
				T_EQ(t, 0, st.violations);
				T_EQ(t, 0, st.bios_failed);
				T_LE(t, max_bio, st.max_bio_bytes);
				T_LE(t, info.max_segments, st.max_segments);
				T_GE(t, DIV_ROUND_UP(len, max_bio), st.bios_seen);
				T_EQ(t, st.bios_seen, st.bios_completed);
				if (write) {
					T_EQ(t, len, st.bytes_written);
					if (!wt_raw_verify(t, &rw.bdev, off, len, seed))
						goto next;
				} else {
					T_EQ(t, len, st.bytes_read);
					wt_verify(t, rb.data, len, off, seed,
						  "read buffer");
				}
			}
next:
			wt_delete(t, request);
			wt_rwbuf_teardown(t, &rb);
		}
	}
out:
	wt_set_where(t, "cleanup");
	wt_delete_target(t, rw.target);
	if (rw.io)
		wt_io_free(t, rw.io);
	wt_bdev_close(&rw.bdev);
	return 0;
}

/*
 * A read or write of 0 bytes (no memory at format time, or a descriptor of
 * length 0) completes STATUS_SUCCESS with 0 bytes and never reaches the
 * device.
 */
int wt_rw_zero_length(struct wt *t)
{
	WDF_MEMORY_DESCRIPTOR desc;
	struct wdfio_tb_stats st;
	WDFIOTARGET target = NULL;
	WDFREQUEST request = NULL;
	struct wt_io *io = NULL;
	struct wt_buf b = { };
	unsigned int pass;
	LONGLONG off = 4096;
	ULONG_PTR bytes;
	NTSTATUS status;

	if (!wt_tb_reset(t))
		return 0;
	if (!NT_SUCCESS(wt_open_rw(t, &wt_devs[WT_TB0], &target)))
		return 0;
	if (!NT_SUCCESS(wt_request(t, target, &request)))
		goto out;
	io = wt_io_alloc(t);
	if (!io || wt_buf_alloc(t, &b, 512, false, 0))
		goto out;

	for (pass = 0; pass < 2 && !t->wedged; pass++) {
		bool write = pass == 1;

		wt_set_where(t, "async %s of no memory", write ? "write" : "read");
		wt_io_reset(io);
		if (write)
			status = WdfIoTargetFormatRequestForWrite(target, request,
								  NULL, NULL,
								  &off);
		else
			status = WdfIoTargetFormatRequestForRead(target, request,
								 NULL, NULL,
								 &off);
		if (!T_STATUS(t, STATUS_SUCCESS, status))
			continue;
		WdfRequestSetCompletionRoutine(request, wt_io_complete, io);
		if (!T_TRUE(t, WdfRequestSend(request, target, NULL),
			    "status 0x%08X", (u32)WdfRequestGetStatus(request)))
			continue;
		if (!wt_io_wait(t, io))
			break;
		T_STATUS(t, STATUS_SUCCESS, io->params.IoStatus.Status);
		T_EQ(t, 0, io->params.IoStatus.Information);
		T_EQ(t, write ? WdfRequestTypeWrite : WdfRequestTypeRead,
		     io->params.Type);

		wt_set_where(t, "sync %s of a 0-byte buffer descriptor",
			     write ? "write" : "read");
		WDF_MEMORY_DESCRIPTOR_INIT_BUFFER(&desc, b.data, 0);
		if (write)
			status = wt_sync_write(t, target, NULL, &desc, &off, NULL,
					       &bytes);
		else
			status = wt_sync_read(t, target, NULL, &desc, &off, NULL,
					      &bytes);
		T_STATUS(t, STATUS_SUCCESS, status);
		T_EQ(t, 0, bytes);
		wt_buf_guards_ok(t, &b, "0-byte buffer");
	}

	wt_set_where(t, "wdfio_tb0 counters");
	if (!t->wedged && wt_tb_stats(t, &st))
		T_EQ(t, 0, st.bios_seen);
out:
	wt_delete(t, request);
	wt_delete_target(t, target);
	if (io)
		wt_io_free(t, io);
	wt_buf_free(t, &b);
	return 0;
}

/*
 * A driver-created request sent without a completion routine completes
 * silently: the data moves, the status and params are there afterwards.
 */
int wt_rw_no_routine(struct wt *t)
{
	WDF_REQUEST_COMPLETION_PARAMS params;
	WDFIOTARGET target = NULL;
	WDFREQUEST request = NULL;
	WDFMEMORY memory = NULL;
	struct wt_bdev bdev;
	LONGLONG off = SZ_64K;
	u32 seed = wt_next_seed();
	void *buf;

	if (!wt_tb_reset(t))
		return 0;
	if (wt_bdev_open(t, &wt_devs[WT_TB0], &bdev))
		return 0;
	if (!NT_SUCCESS(wt_open_rw(t, &wt_devs[WT_TB0], &target)) ||
	    !NT_SUCCESS(wt_request(t, target, &request)) ||
	    !NT_SUCCESS(wt_memory(t, SZ_4K, &memory, &buf)))
		goto out;
	wt_fill(buf, SZ_4K, off, seed);

	wdfio_tb_set_hold(WT_TB, true);
	if (!T_STATUS(t, STATUS_SUCCESS,
		      WdfIoTargetFormatRequestForWrite(target, request, memory,
						       NULL, &off)))
		goto out;
	if (!T_TRUE(t, WdfRequestSend(request, target, NULL), "status 0x%08X",
		    (u32)WdfRequestGetStatus(request)))
		goto out;
	if (!wt_tb_wait_held(t, 1))
		goto out;
	T_STATUS(t, STATUS_PENDING, WdfRequestGetStatus(request));
	wdfio_tb_set_hold(WT_TB, false);
	T_EQ(t, 1, wdfio_tb_release(WT_TB, 0, WDFIO_TB_ORDER_FIFO,
				    WDFIO_TB_STS_OK));

	/* Close waits until every sent request completed to its owner */
	wt_close(t, target);
	if (t->wedged)
		goto out;
	T_STATUS(t, STATUS_SUCCESS, WdfRequestGetStatus(request));
	WDF_REQUEST_COMPLETION_PARAMS_INIT(&params);
	WdfRequestGetCompletionParams(request, &params);
	T_EQ(t, WdfRequestTypeWrite, params.Type);
	T_STATUS(t, STATUS_SUCCESS, params.IoStatus.Status);
	T_EQ(t, SZ_4K, params.IoStatus.Information);
	wt_raw_verify(t, &bdev, off, SZ_4K, seed);
out:
	wt_delete(t, request);
	wt_delete(t, memory);
	wt_delete_target(t, target);
	wt_bdev_close(&bdev);
	return 0;
}
