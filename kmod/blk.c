// SPDX-License-Identifier: GPL-2.0
/*
 * Block backend: a sent request becomes bios, and their end becomes one
 * wdfio_request_io_done().
 *
 * Each send gets an I/O context (struct wdfio_bio_io) in the front pad of its
 * first bio, from wdfio's private bio_set: no allocation of its own. A
 * transfer larger than the device takes in one bio gets further bios from a
 * second bio_set. Every bio of a send counts in @pending and records the
 * first error in the context itself (bio_chain() would let a driver that
 * sets bi_status on success overwrite a sibling's error); the last one to
 * end reports the send, once. The context owns the
 * bios and any bounce pages until then, independently of the request: that
 * is what lets a later version complete a timed-out request early.
 *
 * Buffers are used in place when the device can take them: kmalloc/linear
 * memory or vmalloc memory whose address and length meet the device's DMA
 * alignment and logical block size. Anything else (misaligned, module data,
 * ...) is bounced through pages wdfio allocates, never handed over misaligned.
 *
 * wdfio_blk_start() runs only where sleeping is allowed (the sender's process
 * context, or wdfio's workqueue); submit_bio() may sleep.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "wdfio.h"

#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/cache.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include <ntdddisk.h>
#include <ntddstor.h>

#define WDFIO_BIO_POOL		64
#define WDFIO_INLINE_BOUNCE	4

/**
 * struct wdfio_bio_io - one send's bios, owned until the device is done
 * @req: the request to report to
 * @src: the caller's buffer (read: where bounced data goes back)
 * @len: bytes transferred on success
 * @read: a read
 * @vmap: @src is vmalloc memory (flush/invalidate around the I/O)
 * @bounce: bounce pages, or NULL when @src is used in place
 * @nr_bounce: number of @bounce pages
 * @inline_bounce: storage for @bounce when few pages are needed
 * @pending: bios not ended yet, plus one while the sender builds them
 * @status: the first error of any of the bios
 * @bio: the first bio; must be last (the bio_set's front pad ends here).
 *	Its memory holds the context, so it is put only when @pending ends.
 */
struct wdfio_bio_io {
	struct wdfio_request *req;
	atomic_t pending;
	blk_status_t status;
	void *src;
	size_t len;
	bool read;
	bool vmap;
	struct page **bounce;
	unsigned int nr_bounce;
	struct page *inline_bounce[WDFIO_INLINE_BOUNCE];
	struct bio bio;
};

static struct bio_set wdfio_io_bs;	/* parents: front pad = I/O context */
static struct bio_set wdfio_extra_bs;	/* further bios of a send */

/* ------------------------------------------------------------------ */
/* Limits and checks                                                   */

/**
 * wdfio_blk_query_limits() - cache what the device takes
 * @t: a target whose @bdev was just opened
 *
 * Context: Process context.
 * Return: STATUS_SUCCESS.
 */
NTSTATUS wdfio_blk_query_limits(struct wdfio_target *t)
{
	struct request_queue *q = bdev_get_queue(t->bdev);
	u64 max_io;

	t->lbs = bdev_logical_block_size(t->bdev);
	t->pbs = bdev_physical_block_size(t->bdev);
	t->align_offset = bdev_alignment_offset(t->bdev);
	t->dma_mask = bdev_dma_alignment(t->bdev);
	max_io = (u64)queue_max_sectors(q) << SECTOR_SHIFT;
	max_io = min_t(u64, max_io, (u64)BIO_MAX_VECS << PAGE_SHIFT);
	t->max_io = round_down(max_io, t->lbs);
	if (!t->max_io)
		t->max_io = t->lbs;
	t->max_segs = min_t(u32, queue_max_segments(q), BIO_MAX_VECS);
	t->max_discard = (u64)bdev_max_discard_sectors(t->bdev) << SECTOR_SHIFT;
	t->max_discard = round_down(min_t(u64, t->max_discard, UINT_MAX),
				    t->lbs);
	return STATUS_SUCCESS;
}

/**
 * wdfio_blk_check_rw() - may a read/write of this range be formatted?
 * @t: an open target
 * @offset: device byte offset
 * @len: bytes
 * @write: a write
 *
 * Context: Any context.
 * Return: STATUS_SUCCESS; STATUS_ACCESS_DENIED for a write to a target opened
 * read-only; STATUS_INVALID_PARAMETER if @offset or @len is not a multiple
 * of the logical block size or the range ends beyond the device.
 */
NTSTATUS wdfio_blk_check_rw(struct wdfio_target *t, u64 offset, size_t len,
			    bool write)
{
	u64 capacity = bdev_nr_bytes(t->bdev);

	if (write && !t->writable)
		return STATUS_ACCESS_DENIED;
	if ((offset | len) & (t->lbs - 1))
		return STATUS_INVALID_PARAMETER;
	if (offset > capacity || len > capacity - offset)
		return STATUS_INVALID_PARAMETER;
	return STATUS_SUCCESS;
}

/*
 * Can the device take @ptr..@ptr+@len as it is? @mask covers the DMA
 * alignment and the logical block size: with the address aligned to a block,
 * every page segment is whole blocks, which some drivers (null_blk with 4 KiB
 * blocks) assume; the block layer only promises DMA alignment.
 */
static bool wdfio_blk_in_place(const void *ptr, size_t len, u32 dma_mask)
{
	const char *last = (const char *)ptr + len - 1;

	if (((unsigned long)ptr | len) & dma_mask)
		return false;
	if (is_vmalloc_addr(ptr))
		return is_vmalloc_addr(last);
	return virt_addr_valid(ptr) && virt_addr_valid(last);
}

/* ------------------------------------------------------------------ */
/* Page cursor over the caller's buffer or the bounce pages            */

static struct page *wdfio_io_page(struct wdfio_bio_io *io, size_t pos,
				  unsigned int *poff)
{
	const char *p;

	if (io->bounce) {
		*poff = pos & ~PAGE_MASK;
		return io->bounce[pos >> PAGE_SHIFT];
	}
	p = (const char *)io->src + pos;
	*poff = offset_in_page(p);
	return io->vmap ? vmalloc_to_page(p) : virt_to_page(p);
}

/* Bytes of [pos, pos+len) that fit in @max_segs page segments. */
static size_t wdfio_fit_segments(struct wdfio_bio_io *io, size_t pos,
				 size_t len, unsigned int max_segs,
				 unsigned int *nr_segs)
{
	size_t done = 0;
	unsigned int n = 0;

	while (done < len && n < max_segs) {
		unsigned int poff;

		wdfio_io_page(io, pos + done, &poff);
		done += min_t(size_t, PAGE_SIZE - poff, len - done);
		n++;
	}
	*nr_segs = n;
	return done;
}

static void wdfio_bio_add_range(struct wdfio_bio_io *io, struct bio *bio,
				size_t pos, size_t len)
{
	while (len) {
		unsigned int poff, n;
		struct page *page = wdfio_io_page(io, pos, &poff);

		n = min_t(size_t, PAGE_SIZE - poff, len);
		/* Cannot fail: the bio was sized for these segments. */
		if (WARN_ON_ONCE(bio_add_page(bio, page, n, poff) != n))
			break;
		pos += n;
		len -= n;
	}
}

/* ------------------------------------------------------------------ */
/* Bounce pages                                                        */

static bool wdfio_bounce_alloc(struct wdfio_bio_io *io, size_t len, gfp_t gfp)
{
	unsigned int i, n = DIV_ROUND_UP(len, PAGE_SIZE);

	io->bounce = io->inline_bounce;
	if (n > WDFIO_INLINE_BOUNCE) {
		io->bounce = kmalloc_array(n, sizeof(*io->bounce), gfp);
		if (!io->bounce)
			return false;
	}
	for (i = 0; i < n; i++) {
		io->bounce[i] = alloc_page(gfp);
		if (!io->bounce[i])
			break;
	}
	io->nr_bounce = i;
	return i == n;
}

/* Free bounce pages; any context (pages and kmalloc can be freed anywhere). */
static void wdfio_bounce_free(struct wdfio_bio_io *io)
{
	unsigned int i;

	if (!io->bounce)
		return;
	for (i = 0; i < io->nr_bounce; i++)
		__free_page(io->bounce[i]);
	if (io->bounce != io->inline_bounce)
		kfree(io->bounce);
	io->bounce = NULL;
}

static void wdfio_bounce_copy(struct wdfio_bio_io *io, bool to_bounce)
{
	size_t pos = 0;

	while (pos < io->len) {
		size_t n = min_t(size_t, PAGE_SIZE, io->len - pos);
		char *page = kmap_local_page(io->bounce[pos >> PAGE_SHIFT]);

		if (to_bounce)
			memcpy(page, (char *)io->src + pos, n);
		else
			memcpy((char *)io->src + pos, page, n);
		kunmap_local(page);
		pos += n;
	}
}

/* ------------------------------------------------------------------ */
/* Completion                                                          */

/* The last bio of a send has ended: report it. */
static void wdfio_blk_io_end(struct wdfio_bio_io *io)
{
	struct wdfio_request *req = io->req;
	blk_status_t sts = io->status;
	size_t len = io->len;

	if (!sts && io->read && len) {
		if (io->bounce)
			wdfio_bounce_copy(io, false);
		else if (io->vmap)
			invalidate_kernel_vmap_range(io->src, len);
	}
	wdfio_bounce_free(io);
	bio_put(&io->bio);
	wdfio_request_io_done(req, wdfio_ntstatus_from_blk(sts), sts ? 0 : len);
}

static void wdfio_io_put_pending(struct wdfio_bio_io *io)
{
	if (atomic_dec_and_test(&io->pending))
		wdfio_blk_io_end(io);
}

/* bi_end_io of every bio of a send. Any context. */
static void wdfio_blk_bio_end(struct bio *bio)
{
	struct wdfio_bio_io *io = bio->bi_private;

	/* First error wins; later ones and successes leave it alone. */
	if (bio->bi_status)
		cmpxchg(&io->status, BLK_STS_OK, bio->bi_status);
	if (bio != &io->bio)
		bio_put(bio);
	wdfio_io_put_pending(io);
}

static void wdfio_io_submit(struct wdfio_bio_io *io, struct bio *bio)
{
	bio->bi_private = io;
	bio->bi_end_io = wdfio_blk_bio_end;
	atomic_inc(&io->pending);
	submit_bio(bio);
}

static struct wdfio_bio_io *wdfio_io_alloc(struct wdfio_request *req,
					   struct block_device *bdev,
					   unsigned int nr_vecs, blk_opf_t opf,
					   gfp_t gfp)
{
	struct wdfio_bio_io *io;
	struct bio *bio;

	/* GFP_NOIO waits on the mempool rather than failing. */
	bio = bio_alloc_bioset(bdev, nr_vecs, opf, gfp, &wdfio_io_bs);
	if (!bio)
		return NULL;
	io = container_of(bio, struct wdfio_bio_io, bio);
	/* The front pad is not initialised by the bio_set. */
	io->req = req;
	atomic_set(&io->pending, 1);
	io->status = BLK_STS_OK;
	io->src = NULL;
	io->len = 0;
	io->read = false;
	io->vmap = false;
	io->bounce = NULL;
	io->nr_bounce = 0;
	return io;
}

static struct bio *wdfio_extra_alloc(struct wdfio_bio_io *io,
				     unsigned int nr_vecs, blk_opf_t opf,
				     gfp_t gfp)
{
	return bio_alloc_bioset(io->bio.bi_bdev, nr_vecs, opf, gfp,
				&wdfio_extra_bs);
}

/* ------------------------------------------------------------------ */
/* Read / write                                                        */

/* Bytes of the next bio: within the device's limits, ending on a block. */
static size_t wdfio_next_chunk(struct wdfio_bio_io *io, struct wdfio_target *t,
			       size_t pos, unsigned int *nr_segs)
{
	size_t left = io->len - pos;
	size_t chunk;

	chunk = wdfio_fit_segments(io, pos, min_t(size_t, left, t->max_io),
				   t->max_segs, nr_segs);
	if (chunk < left) {
		chunk = round_down(chunk, t->lbs);
		/* A block spread over more pages than the device takes. */
		if (!chunk)
			chunk = t->lbs;
		wdfio_fit_segments(io, pos, chunk, UINT_MAX, nr_segs);
	}
	return chunk;
}

static void wdfio_blk_rw(struct wdfio_request *req, struct wdfio_format *f,
			 gfp_t gfp)
{
	struct wdfio_target *t = f->target;
	bool read = f->op == WDFIO_OP_READ;
	blk_opf_t opf = read ? REQ_OP_READ : REQ_OP_WRITE;
	size_t len = f->data.len, pos = 0;
	unsigned int nr_pages, nr_segs;
	struct wdfio_bio_io *io;
	struct bio *bio;
	bool in_place;

	if (!len) {
		wdfio_request_io_done(req, STATUS_SUCCESS, 0);
		return;
	}
	in_place = wdfio_blk_in_place(f->data.ptr, len,
				      t->dma_mask | (t->lbs - 1));
	nr_pages = in_place ?
		DIV_ROUND_UP(offset_in_page(f->data.ptr) + len, PAGE_SIZE) :
		DIV_ROUND_UP(len, PAGE_SIZE);

	io = wdfio_io_alloc(req, t->bdev, min(nr_pages, t->max_segs), opf, gfp);
	if (!io)
		goto out_no_memory;
	io->src = f->data.ptr;
	io->len = len;
	io->read = read;
	io->vmap = in_place && is_vmalloc_addr(f->data.ptr);
	if (!in_place) {
		if (!wdfio_bounce_alloc(io, len, gfp))
			goto out_free_io;
		if (!read)
			wdfio_bounce_copy(io, true);
	} else if (io->vmap && !read) {
		flush_kernel_vmap_range(io->src, len);
	}

	/* The first bio carries the first chunk; each is submitted when full. */
	bio = &io->bio;
	for (;;) {
		size_t chunk = wdfio_next_chunk(io, t, pos, &nr_segs);

		bio->bi_iter.bi_sector = (f->offset + pos) >> SECTOR_SHIFT;
		wdfio_bio_add_range(io, bio, pos, chunk);
		wdfio_io_submit(io, bio);
		pos += chunk;
		if (pos >= len)
			break;
		wdfio_next_chunk(io, t, pos, &nr_segs);
		/* GFP_NOIO: waits on the bio_set's mempool, never fails. */
		bio = wdfio_extra_alloc(io, nr_segs, opf, gfp);
	}
	wdfio_io_put_pending(io);
	return;

out_free_io:
	wdfio_bounce_free(io);
	bio_put(&io->bio);
out_no_memory:
	wdfio_request_io_done(req, STATUS_INSUFFICIENT_RESOURCES, 0);
}

/* ------------------------------------------------------------------ */
/* IOCTLs                                                              */

static void wdfio_blk_flush(struct wdfio_request *req, struct wdfio_target *t,
			    gfp_t gfp)
{
	struct wdfio_bio_io *io;

	io = wdfio_io_alloc(req, t->bdev, 0, REQ_OP_WRITE | REQ_PREFLUSH, gfp);
	if (!io) {
		wdfio_request_io_done(req, STATUS_INSUFFICIENT_RESOURCES, 0);
		return;
	}
	wdfio_io_submit(io, &io->bio);
	wdfio_io_put_pending(io);
}

static NTSTATUS wdfio_trim_ranges(struct wdfio_target *t,
				  const struct wdfio_buf *in,
				  const DEVICE_DATA_SET_RANGE **ranges,
				  size_t *nr, bool *entire)
{
	const DEVICE_MANAGE_DATA_SET_ATTRIBUTES *dsm = in->ptr;
	u64 capacity = bdev_nr_bytes(t->bdev);
	size_t i, end;

	if (in->len < sizeof(*dsm) || dsm->Size < sizeof(*dsm))
		return STATUS_INVALID_PARAMETER;
	if (dsm->Action != DeviceDsmAction_Trim)
		return STATUS_NOT_SUPPORTED;
	*entire = dsm->Flags & DEVICE_DSM_FLAG_ENTIRE_DATA_SET_RANGE;
	*nr = 0;
	*ranges = NULL;
	if (*entire)
		return STATUS_SUCCESS;
	if (dsm->DataSetRangesLength % sizeof(DEVICE_DATA_SET_RANGE) ||
	    dsm->DataSetRangesOffset % __alignof__(DEVICE_DATA_SET_RANGE) ||
	    check_add_overflow((size_t)dsm->DataSetRangesOffset,
			       (size_t)dsm->DataSetRangesLength, &end) ||
	    end > in->len)
		return STATUS_INVALID_PARAMETER;
	*ranges = (const void *)((const char *)in->ptr + dsm->DataSetRangesOffset);
	*nr = dsm->DataSetRangesLength / sizeof(DEVICE_DATA_SET_RANGE);
	for (i = 0; i < *nr; i++) {
		u64 off = (*ranges)[i].StartingOffset;
		u64 n = (*ranges)[i].LengthInBytes;

		if ((*ranges)[i].StartingOffset < 0 ||
		    ((off | n) & (t->lbs - 1)) || off > capacity ||
		    n > capacity - off)
			return STATUS_INVALID_PARAMETER;
	}
	return STATUS_SUCCESS;
}

static void wdfio_discard_range(struct wdfio_bio_io *io, struct wdfio_target *t,
				u64 off, u64 n, gfp_t gfp)
{
	while (n) {
		u32 chunk = min_t(u64, n, t->max_discard);
		struct bio *bio = wdfio_extra_alloc(io, 0, REQ_OP_DISCARD, gfp);

		bio->bi_iter.bi_sector = off >> SECTOR_SHIFT;
		bio->bi_iter.bi_size = chunk;
		wdfio_io_submit(io, bio);
		off += chunk;
		n -= chunk;
	}
}

static void wdfio_blk_trim(struct wdfio_request *req, struct wdfio_target *t,
			   const struct wdfio_buf *in, gfp_t gfp)
{
	const DEVICE_DATA_SET_RANGE *ranges;
	struct wdfio_bio_io *io;
	NTSTATUS status;
	bool entire;
	size_t i, nr;

	status = wdfio_trim_ranges(t, in, &ranges, &nr, &entire);
	if (NT_SUCCESS(status) && !t->writable)
		status = STATUS_ACCESS_DENIED;
	if (NT_SUCCESS(status) && !t->max_discard)
		status = STATUS_NOT_SUPPORTED;
	if (!NT_SUCCESS(status)) {
		wdfio_request_io_done(req, status, 0);
		return;
	}
	io = wdfio_io_alloc(req, t->bdev, 0, REQ_OP_DISCARD, gfp);
	if (!io) {
		wdfio_request_io_done(req, STATUS_INSUFFICIENT_RESOURCES, 0);
		return;
	}
	if (entire)
		wdfio_discard_range(io, t, 0, bdev_nr_bytes(t->bdev), gfp);
	for (i = 0; i < nr; i++)
		wdfio_discard_range(io, t, ranges[i].StartingOffset,
				    ranges[i].LengthInBytes, gfp);
	/* The first bio carries no discard: it is never submitted. */
	wdfio_io_put_pending(io);
}

static NTSTATUS wdfio_blk_query_property(struct wdfio_target *t,
					 const struct wdfio_buf *in,
					 const struct wdfio_buf *out,
					 ULONG_PTR *information)
{
	const STORAGE_PROPERTY_QUERY *q = in->ptr;
	STORAGE_ACCESS_ALIGNMENT_DESCRIPTOR *d = out->ptr;

	if (in->len < sizeof(*q))
		return STATUS_INVALID_PARAMETER;
	if (q->PropertyId != StorageAccessAlignmentProperty)
		return STATUS_NOT_SUPPORTED;
	if (q->QueryType == PropertyExistsQuery)
		return STATUS_SUCCESS;
	if (q->QueryType != PropertyStandardQuery)
		return STATUS_NOT_SUPPORTED;
	if (out->len < sizeof(*d))
		return STATUS_BUFFER_TOO_SMALL;
	memset(d, 0, sizeof(*d));
	d->Version = sizeof(*d);
	d->Size = sizeof(*d);
	d->BytesPerCacheLine = cache_line_size();
	d->BytesOffsetForCacheAlignment = 0;
	d->BytesPerLogicalSector = t->lbs;
	d->BytesPerPhysicalSector = t->pbs;
	d->BytesOffsetForSectorAlignment = t->align_offset;
	*information = sizeof(*d);
	return STATUS_SUCCESS;
}

static void wdfio_blk_ioctl(struct wdfio_request *req, struct wdfio_format *f,
			    gfp_t gfp)
{
	struct wdfio_target *t = f->target;
	ULONG_PTR information = 0;
	GET_LENGTH_INFORMATION *li;
	NTSTATUS status;

	switch (f->ioctl) {
	case IOCTL_DISK_GET_LENGTH_INFO:
		li = f->out.ptr;
		if (f->out.len < sizeof(*li)) {
			status = STATUS_BUFFER_TOO_SMALL;
			break;
		}
		li->Length.QuadPart = bdev_nr_bytes(t->bdev);
		information = sizeof(*li);
		status = STATUS_SUCCESS;
		break;
	case IOCTL_STORAGE_QUERY_PROPERTY:
		status = wdfio_blk_query_property(t, &f->in, &f->out,
						  &information);
		break;
	case IOCTL_DISK_FLUSH_CACHE:
		wdfio_blk_flush(req, t, gfp);
		return;
	case IOCTL_STORAGE_MANAGE_DATA_SET_ATTRIBUTES:
		wdfio_blk_trim(req, t, &f->in, gfp);
		return;
	default:
		status = STATUS_INVALID_DEVICE_REQUEST;
		break;
	}
	wdfio_request_io_done(req, status, information);
}

/**
 * wdfio_blk_start() - turn a sent request into bios
 * @req: a request in state SENT (its format is stable until completion)
 * @gfp: allocation flags; GFP_NOIO from wdfio's own callers
 *
 * Reports the result with wdfio_request_io_done() exactly once, possibly
 * before returning.
 *
 * Context: Process context (submit_bio() may sleep).
 */
void wdfio_blk_start(struct wdfio_request *req, gfp_t gfp)
{
	struct wdfio_format *f = &req->fmt;

	might_sleep();
	switch (f->op) {
	case WDFIO_OP_READ:
	case WDFIO_OP_WRITE:
		wdfio_blk_rw(req, f, gfp);
		break;
	case WDFIO_OP_IOCTL:
		wdfio_blk_ioctl(req, f, gfp);
		break;
	case WDFIO_OP_NONE:
		wdfio_request_io_done(req, STATUS_REQUEST_NOT_ACCEPTED, 0);
		break;
	}
}

int wdfio_blk_init(void)
{
	int err;

	err = bioset_init(&wdfio_io_bs, WDFIO_BIO_POOL,
			  offsetof(struct wdfio_bio_io, bio), BIOSET_NEED_BVECS);
	if (err)
		return err;
	err = bioset_init(&wdfio_extra_bs, WDFIO_BIO_POOL, 0,
			  BIOSET_NEED_BVECS);
	if (err)
		goto out_exit_io_bs;
	return 0;

out_exit_io_bs:
	bioset_exit(&wdfio_io_bs);
	return err;
}

void wdfio_blk_exit(void)
{
	bioset_exit(&wdfio_extra_bs);
	bioset_exit(&wdfio_io_bs);
}
