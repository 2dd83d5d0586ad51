// SPDX-License-Identifier: GPL-2.0
/*
 * Block IOCTLs (docs/semantics.md, "Block IOCTLs"), synchronous and through
 * WdfIoTargetFormatRequestForIoctl + WdfRequestSend, compared against what
 * Linux itself says about each device.
 */
#include <linux/blkdev.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include "util.h"
#include "wt_cases.h"

/* An IOCTL code no block target knows */
#define WT_IOCTL_UNKNOWN	CTL_CODE(FILE_DEVICE_DISK, 0x0999, METHOD_BUFFERED, FILE_ANY_ACCESS)

/* A guarded buffer wrapped in a preallocated memory object */
struct wt_iobuf {
	struct wt_buf gb;
	WDFMEMORY mem;
};

static bool wt_iobuf_alloc(struct wt *t, struct wt_iobuf *b, size_t len)
{
	memset(b, 0, sizeof(*b));
	if (wt_buf_alloc(t, &b->gb, len, false, 0))
		return false;
	return T_STATUS(t, STATUS_SUCCESS,
			WdfMemoryCreatePreallocated(WDF_NO_OBJECT_ATTRIBUTES,
						    b->gb.data, len, &b->mem));
}

static void wt_iobuf_free(struct wt *t, struct wt_iobuf *b)
{
	wt_delete(t, b->mem);
	b->mem = NULL;
	wt_buf_free(t, &b->gb);
}

/*
 * Async IOCTL: format, send, wait; checks the params that do not depend on
 * the outcome and returns the status (WT_STATUS_HUNG if it never came).
 */
static NTSTATUS wt_ioctl_async(struct wt *t, WDFIOTARGET target,
			       WDFREQUEST request, struct wt_io *io, ULONG code,
			       WDFMEMORY in, WDFMEMORY out, ULONG_PTR *info)
{
	NTSTATUS status;

	*info = (ULONG_PTR)-1;
	wt_io_reset(io);
	status = WdfIoTargetFormatRequestForIoctl(target, request, code, in,
						  NULL, out, NULL);
	if (!T_STATUS(t, STATUS_SUCCESS, status))
		return status;
	WdfRequestSetCompletionRoutine(request, wt_io_complete, io);
	if (!WdfRequestSend(request, target, NULL)) {
		T_FAIL(t, "WdfRequestSend(IOCTL 0x%08X) returned FALSE: 0x%08X",
		       code, (u32)WdfRequestGetStatus(request));
		return WdfRequestGetStatus(request);
	}
	if (!wt_io_wait(t, io))
		return WT_STATUS_HUNG;
	*info = io->params.IoStatus.Information;
	T_EQ(t, 1, atomic_read(&io->calls));
	T_EQ(t, WdfRequestTypeDeviceControl, io->params.Type);
	T_EQ(t, code, io->params.Parameters.Ioctl.IoControlCode);
	T_PTR(t, in, io->params.Parameters.Ioctl.Input.Buffer);
	T_PTR(t, out, io->params.Parameters.Ioctl.Output.Buffer);
	T_EQ(t, io->params.IoStatus.Information,
	     io->params.Parameters.Ioctl.Output.Length);
	T_STATUS(t, io->params.IoStatus.Status, io->get_status);
	return io->params.IoStatus.Status;
}

static NTSTATUS wt_ioctl_sync(struct wt *t, WDFIOTARGET target, ULONG code,
			      void *in, size_t in_len, void *out,
			      size_t out_len, ULONG_PTR *bytes)
{
	WDF_MEMORY_DESCRIPTOR in_desc, out_desc;

	WDF_MEMORY_DESCRIPTOR_INIT_BUFFER(&in_desc, in, (ULONG)in_len);
	WDF_MEMORY_DESCRIPTOR_INIT_BUFFER(&out_desc, out, (ULONG)out_len);
	return wt_sync_ioctl(t, target, NULL, code, in ? &in_desc : NULL,
			     out ? &out_desc : NULL, NULL, bytes);
}

/* Shared setup: a target, a request, a completion context */
struct wt_ic {
	WDFIOTARGET target;
	WDFREQUEST request;
	struct wt_io *io;
};

static bool wt_ic_open(struct wt *t, struct wt_ic *c, enum wt_dev_id id)
{
	memset(c, 0, sizeof(*c));
	c->io = wt_io_alloc(t);
	return c->io && NT_SUCCESS(wt_open_rw(t, &wt_devs[id], &c->target)) &&
	       NT_SUCCESS(wt_request(t, c->target, &c->request));
}

static void wt_ic_close(struct wt *t, struct wt_ic *c)
{
	wt_delete(t, c->request);
	wt_delete_target(t, c->target);
	if (c->io)
		wt_io_free(t, c->io);
	memset(c, 0, sizeof(*c));
}

int wt_ioctl_length_info(struct wt *t)
{
	struct wt_iobuf out = { }, big = { };
	PGET_LENGTH_INFORMATION li;
	struct wt_bdev bdev;
	struct wt_ic c;
	ULONG_PTR bytes;
	NTSTATUS status;
	unsigned int i;

	for (i = 0; i < WT_NR_DEVS && !t->wedged; i++) {
		const struct wt_dev *d = &wt_devs[i];

		wt_set_where(t, "%s", d->path);
		if (wt_bdev_open(t, d, &bdev))
			continue;
		if (!wt_ic_open(t, &c, i) ||
		    !wt_iobuf_alloc(t, &out, sizeof(*li)) ||
		    !wt_iobuf_alloc(t, &big, 2 * sizeof(*li)))
			goto next;
		li = (PGET_LENGTH_INFORMATION)out.gb.data;

		wt_set_where(t, "%s sync", d->path);
		memset(li, 0xff, sizeof(*li));
		status = wt_ioctl_sync(t, c.target, IOCTL_DISK_GET_LENGTH_INFO,
				       NULL, 0, li, sizeof(*li), &bytes);
		T_STATUS(t, STATUS_SUCCESS, status);
		T_EQ(t, sizeof(*li), bytes);
		T_EQ(t, bdev.size, li->Length.QuadPart);
		wt_buf_guards_ok(t, &out.gb, "output buffer");

		wt_set_where(t, "%s async", d->path);
		memset(li, 0xff, sizeof(*li));
		status = wt_ioctl_async(t, c.target, c.request, c.io,
					IOCTL_DISK_GET_LENGTH_INFO, NULL,
					out.mem, &bytes);
		T_STATUS(t, STATUS_SUCCESS, status);
		T_EQ(t, sizeof(*li), bytes);
		T_EQ(t, bdev.size, li->Length.QuadPart);
		wt_buf_guards_ok(t, &out.gb, "output buffer");

		/* A larger output buffer: only the structure is written */
		wt_set_where(t, "%s sync, 16-byte output", d->path);
		memset(big.gb.data, 0x77, big.gb.len);
		status = wt_ioctl_sync(t, c.target, IOCTL_DISK_GET_LENGTH_INFO,
				       NULL, 0, big.gb.data, big.gb.len, &bytes);
		T_STATUS(t, STATUS_SUCCESS, status);
		T_EQ(t, sizeof(*li), bytes);
		T_EQ(t, bdev.size,
		     ((PGET_LENGTH_INFORMATION)big.gb.data)->Length.QuadPart);
		wt_verify_byte(t, big.gb.data + sizeof(*li), sizeof(*li), 0x77,
			       "output beyond the structure");
next:
		wt_iobuf_free(t, &out);
		wt_iobuf_free(t, &big);
		wt_ic_close(t, &c);
		wt_bdev_close(&bdev);
	}
	return 0;
}

static const struct {
	enum wt_dev_id dev;
	ULONG lbs;
} wt_align_expect[] = {
	{ WT_NULLB0, 512 },
	{ WT_NULLB1, 4096 },
	{ WT_NULLB2, 512 },
	{ WT_VDA, 512 },
	{ WT_TB0, 512 },
};

int wt_ioctl_alignment(struct wt *t)
{
	PSTORAGE_ACCESS_ALIGNMENT_DESCRIPTOR ad;
	struct wt_iobuf in = { }, out = { };
	PSTORAGE_PROPERTY_QUERY q;
	struct wt_bdev bdev;
	struct wt_ic c;
	unsigned int i, pass;
	ULONG_PTR bytes;
	NTSTATUS status;

	for (i = 0; i < ARRAY_SIZE(wt_align_expect) && !t->wedged; i++) {
		const struct wt_dev *d = &wt_devs[wt_align_expect[i].dev];

		wt_set_where(t, "%s", d->path);
		if (wt_bdev_open(t, d, &bdev))
			continue;
		if (!wt_ic_open(t, &c, wt_align_expect[i].dev) ||
		    !wt_iobuf_alloc(t, &in, sizeof(*q)) ||
		    !wt_iobuf_alloc(t, &out, sizeof(*ad)))
			goto next;
		q = (PSTORAGE_PROPERTY_QUERY)in.gb.data;
		ad = (PSTORAGE_ACCESS_ALIGNMENT_DESCRIPTOR)out.gb.data;
		memset(q, 0, sizeof(*q));
		q->PropertyId = StorageAccessAlignmentProperty;
		q->QueryType = PropertyStandardQuery;

		for (pass = 0; pass < 2 && !t->wedged; pass++) {
			wt_set_where(t, "%s %s", d->path, pass ? "async" : "sync");
			memset(ad, 0xff, sizeof(*ad));
			if (pass)
				status = wt_ioctl_async(t, c.target, c.request,
							c.io,
							IOCTL_STORAGE_QUERY_PROPERTY,
							in.mem, out.mem, &bytes);
			else
				status = wt_ioctl_sync(t, c.target,
						       IOCTL_STORAGE_QUERY_PROPERTY,
						       q, sizeof(*q), ad,
						       sizeof(*ad), &bytes);
			if (!T_STATUS(t, STATUS_SUCCESS, status))
				continue;
			T_EQ(t, sizeof(*ad), bytes);
			T_EQ(t, sizeof(*ad), ad->Version);
			T_EQ(t, sizeof(*ad), ad->Size);
			T_EQ(t, wt_align_expect[i].lbs, ad->BytesPerLogicalSector);
			T_EQ(t, bdev.lbs, ad->BytesPerLogicalSector);
			T_EQ(t, bdev_physical_block_size(bdev.bdev),
			     ad->BytesPerPhysicalSector);
			T_EQ(t, bdev_alignment_offset(bdev.bdev),
			     ad->BytesOffsetForSectorAlignment);
			wt_buf_guards_ok(t, &in.gb, "input buffer");
			wt_buf_guards_ok(t, &out.gb, "output buffer");
		}

		wt_set_where(t, "%s PropertyExistsQuery", d->path);
		q->QueryType = PropertyExistsQuery;
		status = wt_ioctl_sync(t, c.target, IOCTL_STORAGE_QUERY_PROPERTY,
				       q, sizeof(*q), NULL, 0, &bytes);
		T_STATUS(t, STATUS_SUCCESS, status);
		T_EQ(t, 0, bytes);
next:
		wt_iobuf_free(t, &in);
		wt_iobuf_free(t, &out);
		wt_ic_close(t, &c);
		wt_bdev_close(&bdev);
	}
	return 0;
}

/* The DSM input: header, 8-byte aligned ranges after it */
struct wt_dsm {
	DEVICE_MANAGE_DATA_SET_ATTRIBUTES hdr;
	ULONG pad;
	DEVICE_DATA_SET_RANGE ranges[2];
};

static void wt_dsm_init(struct wt_dsm *dsm, ULONG action, unsigned int n)
{
	memset(dsm, 0, sizeof(*dsm));
	dsm->hdr.Size = sizeof(dsm->hdr);
	dsm->hdr.Action = action;
	dsm->hdr.DataSetRangesOffset = offsetof(struct wt_dsm, ranges);
	dsm->hdr.DataSetRangesLength = n * sizeof(DEVICE_DATA_SET_RANGE);
}

int wt_ioctl_buffer_sizes(struct wt *t)
{
	STORAGE_ACCESS_ALIGNMENT_DESCRIPTOR *ad = NULL;
	STORAGE_PROPERTY_QUERY *q = NULL;
	struct wt_dsm *dsm = NULL;
	struct wt_iobuf small = { };
	struct wt_ic c = { };
	ULONG_PTR bytes;
	NTSTATUS status;

	wt_quiet_verifier(t);
	q = kzalloc(sizeof(*q), GFP_KERNEL);
	ad = kzalloc(sizeof(*ad), GFP_KERNEL);
	dsm = kzalloc(sizeof(*dsm), GFP_KERNEL);
	if (!q || !ad || !dsm)
		goto out;
	if (!wt_ic_open(t, &c, WT_NULLB0) || !wt_iobuf_alloc(t, &small, 7))
		goto out;

	wt_set_where(t, "GET_LENGTH_INFO, 7-byte output");
	status = wt_ioctl_sync(t, c.target, IOCTL_DISK_GET_LENGTH_INFO, NULL, 0,
			       small.gb.data, 7, &bytes);
	T_STATUS(t, STATUS_BUFFER_TOO_SMALL, status);
	T_EQ(t, 0, bytes);
	wt_buf_guards_ok(t, &small.gb, "7-byte output");
	wt_set_where(t, "GET_LENGTH_INFO, 7-byte output, async");
	status = wt_ioctl_async(t, c.target, c.request, c.io,
				IOCTL_DISK_GET_LENGTH_INFO, NULL, small.mem,
				&bytes);
	T_STATUS(t, STATUS_BUFFER_TOO_SMALL, status);
	T_EQ(t, 0, bytes);
	wt_set_where(t, "GET_LENGTH_INFO, no output");
	status = wt_ioctl_sync(t, c.target, IOCTL_DISK_GET_LENGTH_INFO, NULL, 0,
			       NULL, 0, &bytes);
	T_STATUS(t, STATUS_BUFFER_TOO_SMALL, status);

	q->PropertyId = StorageAccessAlignmentProperty;
	q->QueryType = PropertyStandardQuery;
	wt_set_where(t, "QUERY_PROPERTY, 8-byte input");
	status = wt_ioctl_sync(t, c.target, IOCTL_STORAGE_QUERY_PROPERTY, q, 8,
			       ad, sizeof(*ad), &bytes);
	T_STATUS(t, STATUS_INVALID_PARAMETER, status);
	wt_set_where(t, "QUERY_PROPERTY, no input");
	status = wt_ioctl_sync(t, c.target, IOCTL_STORAGE_QUERY_PROPERTY, NULL,
			       0, ad, sizeof(*ad), &bytes);
	T_STATUS(t, STATUS_INVALID_PARAMETER, status);
	wt_set_where(t, "QUERY_PROPERTY, output 1 byte short");
	status = wt_ioctl_sync(t, c.target, IOCTL_STORAGE_QUERY_PROPERTY, q,
			       sizeof(*q), ad, sizeof(*ad) - 1, &bytes);
	T_STATUS(t, STATUS_BUFFER_TOO_SMALL, status);
	T_EQ(t, 0, bytes);
	wt_set_where(t, "QUERY_PROPERTY StorageDeviceProperty");
	q->PropertyId = StorageDeviceProperty;
	status = wt_ioctl_sync(t, c.target, IOCTL_STORAGE_QUERY_PROPERTY, q,
			       sizeof(*q), ad, sizeof(*ad), &bytes);
	T_STATUS(t, STATUS_NOT_SUPPORTED, status);
	wt_set_where(t, "QUERY_PROPERTY StorageDeviceTrimProperty");
	q->PropertyId = StorageDeviceTrimProperty;
	status = wt_ioctl_sync(t, c.target, IOCTL_STORAGE_QUERY_PROPERTY, q,
			       sizeof(*q), ad, sizeof(*ad), &bytes);
	T_STATUS(t, STATUS_NOT_SUPPORTED, status);
	wt_ic_close(t, &c);

	/* DSM on a device that has discard */
	if (!wt_tb_reset(t) || !wt_ic_open(t, &c, WT_TB0))
		goto out;
	wt_set_where(t, "DSM, input shorter than the header");
	wt_dsm_init(dsm, DeviceDsmAction_Trim, 1);
	dsm->ranges[0].StartingOffset = 0;
	dsm->ranges[0].LengthInBytes = 4096;
	status = wt_ioctl_sync(t, c.target,
			       IOCTL_STORAGE_MANAGE_DATA_SET_ATTRIBUTES, dsm,
			       sizeof(dsm->hdr) - 8, NULL, 0, &bytes);
	T_STATUS(t, STATUS_INVALID_PARAMETER, status);
	wt_set_where(t, "DSM, ranges beyond the input");
	status = wt_ioctl_sync(t, c.target,
			       IOCTL_STORAGE_MANAGE_DATA_SET_ATTRIBUTES, dsm,
			       offsetof(struct wt_dsm, ranges) + 8, NULL, 0,
			       &bytes);
	T_STATUS(t, STATUS_INVALID_PARAMETER, status);
	wt_set_where(t, "DSM, notification action");
	wt_dsm_init(dsm, DeviceDsmAction_Notification, 1);
	dsm->ranges[0].LengthInBytes = 4096;
	status = wt_ioctl_sync(t, c.target,
			       IOCTL_STORAGE_MANAGE_DATA_SET_ATTRIBUTES, dsm,
			       sizeof(*dsm), NULL, 0, &bytes);
	T_STATUS(t, STATUS_NOT_SUPPORTED, status);
out:
	wt_set_where(t, "cleanup");
	wt_iobuf_free(t, &small);
	wt_ic_close(t, &c);
	kfree(q);
	kfree(ad);
	kfree(dsm);
	return 0;
}

static int wt_flush_dev(struct wt *t, enum wt_dev_id id)
{
	struct wdfio_tb_stats st;
	struct wt_ic c;
	ULONG_PTR bytes;
	NTSTATUS status;

	if (id == WT_TB0 && !wt_tb_reset(t))
		return 0;
	if (!wt_ic_open(t, &c, id))
		goto out;
	wt_set_where(t, "%s sync flush", wt_devs[id].path);
	status = wt_ioctl_sync(t, c.target, IOCTL_DISK_FLUSH_CACHE, NULL, 0,
			       NULL, 0, &bytes);
	T_STATUS(t, STATUS_SUCCESS, status);
	T_EQ(t, 0, bytes);
	if (id == WT_TB0 && wt_tb_stats(t, &st))
		T_EQ(t, 1, st.flushes);

	wt_set_where(t, "%s async flush", wt_devs[id].path);
	status = wt_ioctl_async(t, c.target, c.request, c.io,
				IOCTL_DISK_FLUSH_CACHE, NULL, NULL, &bytes);
	T_STATUS(t, STATUS_SUCCESS, status);
	T_EQ(t, 0, bytes);
	if (id == WT_TB0 && !t->wedged && wt_tb_stats(t, &st)) {
		T_EQ(t, 2, st.flushes);
		T_EQ(t, 0, st.bios_failed);
		T_EQ(t, 0, st.bytes_written);
	}
out:
	wt_set_where(t, "cleanup");
	wt_ic_close(t, &c);
	return 0;
}

int wt_ioctl_flush(struct wt *t)
{
	static const enum wt_dev_id devs[] = {
		WT_NULLB0, WT_NULLB1, WT_NULLB2, WT_VDA, WT_TB0,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(devs) && !t->wedged; i++)
		wt_flush_dev(t, devs[i]);
	return 0;
}

/* Bytes in [off, off + len) outside the two ranges keep the pattern */
static bool wt_trim_check(struct wt *t, struct wt_bdev *b, u64 off, size_t len,
			  u32 seed, const DEVICE_DATA_SET_RANGE *r,
			  unsigned int n)
{
	u8 *buf = kvmalloc(len, GFP_KERNEL);
	u64 pos = off;
	unsigned int i;
	bool ok;

	if (!buf)
		return T_FAIL(t, "out of memory");
	ok = wt_raw_rw(t, b, false, off, buf, len);
	for (i = 0; i < n && ok; i++) {
		u64 start = r[i].StartingOffset;

		ok = wt_verify(t, buf + (pos - off), start - pos, pos, seed,
			       "data before a trimmed range") &&
		     wt_verify_byte(t, buf + (start - off), r[i].LengthInBytes,
				    0, "trimmed range");
		pos = start + r[i].LengthInBytes;
	}
	if (ok)
		ok = wt_verify(t, buf + (pos - off), off + len - pos, pos, seed,
			       "data after the trimmed ranges");
	kvfree(buf);
	return ok;
}

int wt_ioctl_trim_tb0(struct wt *t)
{
	struct wdfio_tb_stats st;
	struct wt_iobuf in = { };
	struct wt_bdev bdev;
	struct wt_dsm *dsm;
	struct wt_ic c = { };
	unsigned int pass;
	ULONG_PTR bytes;
	NTSTATUS status;

	wt_quiet_verifier(t);
	if (!wt_tb_reset(t))
		return 0;
	if (wt_bdev_open(t, &wt_devs[WT_TB0], &bdev))
		return 0;
	if (!wt_ic_open(t, &c, WT_TB0) || !wt_iobuf_alloc(t, &in, sizeof(*dsm)))
		goto out;
	dsm = (struct wt_dsm *)in.gb.data;

	for (pass = 0; pass < 2 && !t->wedged; pass++) {
		u64 base = pass ? SZ_8M : SZ_4M;
		size_t len = SZ_256K;
		u32 seed = wt_next_seed();
		u64 trimmed;

		wt_set_where(t, "%s trim of two ranges at %llu",
			     pass ? "async" : "sync", base);
		if (!wt_raw_fill(t, &bdev, base, len, seed))
			break;
		wt_dsm_init(dsm, DeviceDsmAction_Trim, 2);
		dsm->ranges[0].StartingOffset = base + SZ_16K;
		dsm->ranges[0].LengthInBytes = SZ_8K;
		dsm->ranges[1].StartingOffset = base + SZ_128K + 512;
		dsm->ranges[1].LengthInBytes = SZ_64K + 3 * 512;
		trimmed = dsm->ranges[0].LengthInBytes +
			  dsm->ranges[1].LengthInBytes;
		wdfio_tb_reset(WT_TB);
		if (pass)
			status = wt_ioctl_async(t, c.target, c.request, c.io,
						IOCTL_STORAGE_MANAGE_DATA_SET_ATTRIBUTES,
						in.mem, NULL, &bytes);
		else
			status = wt_ioctl_sync(t, c.target,
					       IOCTL_STORAGE_MANAGE_DATA_SET_ATTRIBUTES,
					       dsm, sizeof(*dsm), NULL, 0, &bytes);
		if (!T_STATUS(t, STATUS_SUCCESS, status))
			continue;
		T_EQ(t, 0, bytes);
		wt_buf_guards_ok(t, &in.gb, "DSM input");
		if (wt_tb_stats(t, &st)) {
			T_GE(t, 2, st.discards);
			T_EQ(t, trimmed, st.bytes_discarded);
			T_EQ(t, 0, st.violations);
			T_EQ(t, 0, st.bytes_written);
		}
		wt_trim_check(t, &bdev, base, len, seed, dsm->ranges, 2);
	}

	/* Bad ranges trim nothing */
	for (pass = 0; pass < 3 && !t->wedged; pass++) {
		static const char *const what[] = {
			"range start not a multiple of 512",
			"range length not a multiple of 512",
			"range beyond the end",
		};
		u64 base = SZ_2M;
		u32 seed = wt_next_seed();

		wt_set_where(t, "trim, %s", what[pass]);
		if (!wt_raw_fill(t, &bdev, base, SZ_64K, seed))
			break;
		wt_dsm_init(dsm, DeviceDsmAction_Trim, 2);
		dsm->ranges[0].StartingOffset = base;
		dsm->ranges[0].LengthInBytes = SZ_4K;
		dsm->ranges[1].StartingOffset = base + SZ_16K;
		dsm->ranges[1].LengthInBytes = SZ_4K;
		if (pass == 0)
			dsm->ranges[1].StartingOffset += 100;
		else if (pass == 1)
			dsm->ranges[1].LengthInBytes += 100;
		else
			dsm->ranges[1].StartingOffset = bdev.size - 512;
		wdfio_tb_reset(WT_TB);
		status = wt_ioctl_sync(t, c.target,
				       IOCTL_STORAGE_MANAGE_DATA_SET_ATTRIBUTES,
				       dsm, sizeof(*dsm), NULL, 0, &bytes);
		T_STATUS(t, STATUS_INVALID_PARAMETER, status);
		if (wt_tb_stats(t, &st))
			T_EQ(t, 0, st.discards);
		wt_raw_verify(t, &bdev, base, SZ_64K, seed);
	}
out:
	wt_set_where(t, "cleanup");
	wt_iobuf_free(t, &in);
	wt_ic_close(t, &c);
	wt_bdev_close(&bdev);
	return 0;
}

int wt_ioctl_trim_unsupported(struct wt *t)
{
	struct wt_bdev bdev;
	struct wt_dsm *dsm;
	struct wt_ic c = { };
	ULONG_PTR bytes;
	NTSTATUS status;

	wt_quiet_verifier(t);
	if (wt_bdev_open(t, &wt_devs[WT_NULLB0], &bdev))
		return 0;
	if (!T_EQ(t, 0, bdev_max_discard_sectors(bdev.bdev)))
		goto out_bdev;
	dsm = kzalloc(sizeof(*dsm), GFP_KERNEL);
	if (!dsm)
		goto out_bdev;
	if (!wt_ic_open(t, &c, WT_NULLB0))
		goto out;
	wt_dsm_init(dsm, DeviceDsmAction_Trim, 1);
	dsm->ranges[0].StartingOffset = SZ_1M;
	dsm->ranges[0].LengthInBytes = SZ_64K;
	wt_set_where(t, "nullb0 sync trim");
	status = wt_ioctl_sync(t, c.target,
			       IOCTL_STORAGE_MANAGE_DATA_SET_ATTRIBUTES, dsm,
			       sizeof(*dsm), NULL, 0, &bytes);
	T_STATUS(t, STATUS_NOT_SUPPORTED, status);
	T_EQ(t, 0, bytes);
out:
	wt_set_where(t, "cleanup");
	wt_ic_close(t, &c);
	kfree(dsm);
out_bdev:
	wt_bdev_close(&bdev);
	return 0;
}

int wt_ioctl_unknown(struct wt *t)
{
	static const ULONG codes[] = { WT_IOCTL_UNKNOWN, 0x12345678, 0 };
	struct wt_iobuf out = { };
	struct wt_ic c = { };
	ULONG_PTR bytes;
	NTSTATUS status;
	unsigned int i;

	wt_quiet_verifier(t);
	if (!wt_ic_open(t, &c, WT_NULLB0) || !wt_iobuf_alloc(t, &out, 64))
		goto out;
	for (i = 0; i < ARRAY_SIZE(codes) && !t->wedged; i++) {
		wt_set_where(t, "IOCTL 0x%08X sync", codes[i]);
		status = wt_ioctl_sync(t, c.target, codes[i], NULL, 0,
				       out.gb.data, 64, &bytes);
		T_STATUS(t, STATUS_INVALID_DEVICE_REQUEST, status);
		T_EQ(t, 0, bytes);
		wt_set_where(t, "IOCTL 0x%08X async", codes[i]);
		status = wt_ioctl_async(t, c.target, c.request, c.io, codes[i],
					NULL, out.mem, &bytes);
		T_STATUS(t, STATUS_INVALID_DEVICE_REQUEST, status);
		T_EQ(t, 0, bytes);
		wt_buf_guards_ok(t, &out.gb, "output buffer");
	}
out:
	wt_set_where(t, "cleanup");
	wt_iobuf_free(t, &out);
	wt_ic_close(t, &c);
	return 0;
}
