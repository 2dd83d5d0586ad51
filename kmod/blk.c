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
 * The context of a send whose bios ended before its request completed is
 * kept by the request for the next send (struct wdfio_request.io_cache),
 * with up to WDFIO_INLINE_BOUNCE bounce pages: its bio is reset and reused
 * when it has room for the next transfer's segments and the send is of the
 * same kind (timed or not), so a request that is reused (WdfRequestReuse,
 * reformat, resend) sends without allocating, with a timeout too.
 *
 * A timed send is detachable: a timeout or cancel completes it to its owner
 * at once, while its bios go on (a bio cannot be recalled). Its data then
 * goes through wdfio's pages both ways, the context holds the open device,
 * and the end of the bios frees everything without touching the request:
 * whichever of end_io and the detacher clears @req first reports. The
 * caller's buffer is never touched after its completion routine ran.
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
 * @req: the request to report to; cleared (xchg) by whoever reports: the
 *	end of the bios or a detacher
 * @dev: the device; referenced when @detachable
 * @detachable: the request may complete before the bios (timed send)
 * @src: the caller's buffer (read: where bounced data goes back)
 * @len: bytes transferred on success
 * @read: a read
 * @vmap: @src is vmalloc memory (flush/invalidate around the I/O)
 * @bounce: bounce pages, or NULL when @src is used in place
 * @nr_bounce: number of @bounce pages (may exceed what @len needs)
 * @nr_kept: while @bounce is NULL, pages in @inline_bounce kept from the
 *	context's last send for its next one (a context cached in its request)
 * @inline_bounce: storage for @bounce when few pages are needed
 * @pending: bios not ended yet, plus one while the sender builds them
 * @refs: holders of a detachable context: its bios (until @pending ends),
 *	the request (from publication to its completion) and a canceller
 *	looking at it; the last one frees it (wdfio_io_release)
 * @status: the first error of any of the bios
 * @bio: the first bio; must be last (the bio_set's front pad ends here).
 *	Its memory holds the context, so it is put only when @pending ends;
 *	a detachable send counts its holders in @refs.
 */
struct wdfio_bio_io {
	struct wdfio_request *req;
	atomic_t pending;
	refcount_t refs;
	blk_status_t status;
	struct wdfio_dev *dev;
	bool detachable;
	void *src;
	size_t len;
	bool read;
	bool vmap;
	struct page **bounce;
	unsigned int nr_bounce;
	unsigned int nr_kept;
	struct page *inline_bounce[WDFIO_INLINE_BOUNCE];
	struct bio bio;
};

static struct bio_set wdfio_io_bs;	/* parents: front pad = I/O context */
static struct bio_set wdfio_extra_bs;	/* further bios of a send */

/*
 * Detachable I/O contexts alive (those may outlive their request and target);
 * module exit waits for 0, then destroys the bio_sets. A context leaves this
 * count only after its memory went back to its bio_set. Others end before
 * their request completes.
 */
static atomic_t wdfio_ios = ATOMIC_INIT(0);
static DECLARE_WAIT_QUEUE_HEAD(wdfio_ios_wq);

/* ------------------------------------------------------------------ */
/* Limits and checks                                                   */

static void wdfio_dev_limits(struct wdfio_dev *dev)
{
	struct request_queue *q = bdev_get_queue(dev->bdev);
	u64 max_io;

	dev->lbs = bdev_logical_block_size(dev->bdev);
	dev->pbs = bdev_physical_block_size(dev->bdev);
	dev->align_offset = bdev_alignment_offset(dev->bdev);
	dev->dma_mask = bdev_dma_alignment(dev->bdev);
	max_io = (u64)queue_max_sectors(q) << SECTOR_SHIFT;
	max_io = min_t(u64, max_io, (u64)BIO_MAX_VECS << PAGE_SHIFT);
	dev->max_io = round_down(max_io, dev->lbs);
	if (!dev->max_io)
		dev->max_io = dev->lbs;
	dev->max_segs = min_t(u32, queue_max_segments(q), BIO_MAX_VECS);
	dev->max_discard = (u64)bdev_max_discard_sectors(dev->bdev) <<
			   SECTOR_SHIFT;
	dev->max_discard = round_down(min_t(u64, dev->max_discard, UINT_MAX),
				      dev->lbs);
}

static void wdfio_dev_release(struct work_struct *work)
{
	struct wdfio_dev *dev = container_of(work, struct wdfio_dev, put_work);

	wdfio_bdev_close(&dev->handle);
	kfree(dev);
}

/**
 * wdfio_dev_open() - open a block device for a target
 * @path: the device path, or NULL with @existing
 * @existing: a device the caller holds; wdfio opens it again for itself
 * @write: open for writing
 * @holder: exclusive-open holder, or NULL
 * @out: receives the device, with one reference
 *
 * Context: Process context (sleeps).
 * Return: 0 or a negative errno.
 */
int wdfio_dev_open(const char *path, struct block_device *existing,
		   bool write, void *holder, struct wdfio_dev **out)
{
	struct wdfio_dev *dev;
	int err;

	dev = kzalloc(sizeof(*dev), GFP_KERNEL);
	if (!dev)
		return -ENOMEM;
	if (existing)
		err = wdfio_bdev_open_dev(&dev->handle, existing->bd_dev, write);
	else
		err = wdfio_bdev_open(&dev->handle, path, write, holder);
	if (err) {
		kfree(dev);
		return err;
	}
	refcount_set(&dev->ref, 1);
	INIT_WORK(&dev->put_work, wdfio_dev_release);
	dev->bdev = dev->handle.bdev;
	dev->writable = write;
	wdfio_dev_limits(dev);
	*out = dev;
	return 0;
}

void wdfio_dev_get(struct wdfio_dev *dev)
{
	refcount_inc(&dev->ref);
}

/**
 * wdfio_dev_put() - drop a reference on an open device
 * @dev: the device
 *
 * The last reference closes the device: at once in process context, from
 * wdfio's workqueue otherwise (the end of an abandoned bio).
 *
 * Context: Any context.
 */
void wdfio_dev_put(struct wdfio_dev *dev)
{
	if (!refcount_dec_and_test(&dev->ref))
		return;
	if (wdfio_can_sleep())
		wdfio_dev_release(&dev->put_work);
	else
		wdfio_queue_work(&dev->put_work);
}

/**
 * wdfio_blk_check_rw() - may a read/write of this range be formatted?
 * @dev: the target's open device
 * @offset: device byte offset
 * @len: bytes
 * @write: a write
 *
 * Context: Any context.
 * Return: STATUS_SUCCESS; STATUS_ACCESS_DENIED for a write to a target opened
 * read-only; STATUS_INVALID_PARAMETER if @offset or @len is not a multiple
 * of the logical block size or the range ends beyond the device.
 */
NTSTATUS wdfio_blk_check_rw(struct wdfio_dev *dev, u64 offset, size_t len,
			    bool write)
{
	u64 capacity = bdev_nr_bytes(dev->bdev);

	if (write && !dev->writable)
		return STATUS_ACCESS_DENIED;
	if ((offset | len) & (dev->lbs - 1))
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

/* Free the pages kept for the next send; any context. */
static void wdfio_kept_free(struct wdfio_bio_io *io)
{
	while (io->nr_kept)
		__free_page(io->inline_bounce[--io->nr_kept]);
}

static bool wdfio_bounce_alloc(struct wdfio_bio_io *io, size_t len, gfp_t gfp)
{
	unsigned int i, n = DIV_ROUND_UP(len, PAGE_SIZE);

	if (n > WDFIO_INLINE_BOUNCE) {
		wdfio_kept_free(io);
		io->bounce = kmalloc_array(n, sizeof(*io->bounce), gfp);
		if (!io->bounce)
			return false;
		i = 0;
	} else {
		/* The pages of the context's last send come first. */
		io->bounce = io->inline_bounce;
		i = io->nr_kept;
		io->nr_kept = 0;
	}
	for (; i < n; i++) {
		io->bounce[i] = alloc_page(gfp);
		if (!io->bounce[i])
			break;
	}
	io->nr_bounce = i;
	return i >= n;
}

/*
 * Done with the bounce pages: free them, or with @keep leave inline ones to
 * the context's next send. Any context (pages and kmalloc free anywhere).
 */
static void wdfio_bounce_free(struct wdfio_bio_io *io, bool keep)
{
	unsigned int i;

	if (!io->bounce)
		return;
	if (keep && io->bounce == io->inline_bounce) {
		io->nr_kept = io->nr_bounce;
	} else {
		for (i = 0; i < io->nr_bounce; i++)
			__free_page(io->bounce[i]);
		if (io->bounce != io->inline_bounce)
			kfree(io->bounce);
	}
	io->bounce = NULL;
	io->nr_bounce = 0;
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
/* I/O contexts                                                        */

/* The bios are done with the buffers and the device; @keep: see io_end. */
static void wdfio_io_finish(struct wdfio_bio_io *io, bool keep)
{
	wdfio_bounce_free(io, keep);
	if (io->detachable)
		wdfio_dev_put(io->dev);
}

/* Drop a reference on an I/O context; the last one frees it. */
static void wdfio_io_release(struct wdfio_bio_io *io)
{
	if (!io->detachable) {
		bio_put(&io->bio);
		return;
	}
	if (!refcount_dec_and_test(&io->refs))
		return;
	bio_put(&io->bio);
	/* Only now: module exit destroys the bio_sets once this is 0. */
	if (atomic_dec_and_test(&wdfio_ios))
		wake_up_all(&wdfio_ios_wq);
}

/* Drop the context a request kept, with the pages it kept. */
static void wdfio_io_drop_cached(struct wdfio_bio_io *io)
{
	wdfio_kept_free(io);
	wdfio_io_release(io);
}

/* The last bio of a send has ended: report it, unless it was detached. */
static void wdfio_blk_io_end(struct wdfio_bio_io *io)
{
	/*
	 * Whoever clears @req reports; a detached send is already complete.
	 * Only a detachable send has someone to race with.
	 */
	struct wdfio_request *req = io->detachable ? xchg(&io->req, NULL) :
						     io->req;
	blk_status_t sts = io->status;
	size_t len = io->len;
	/*
	 * Keep the context (and its bounce pages) for the request's next
	 * send. Only the backend touches io_cache while the request is sent,
	 * and the request cannot go before wdfio_request_io_done(); a timed
	 * send that was not detached keeps it too: its request holds the
	 * other reference until it completes.
	 */
	bool keep = req && !req->io_cache;

	if (req && !sts && io->read && len) {
		if (io->bounce)
			wdfio_bounce_copy(io, false);
		else if (io->vmap)
			invalidate_kernel_vmap_range(io->src, len);
	}
	wdfio_io_finish(io, keep);
	if (keep)
		req->io_cache = io;
	else
		wdfio_io_release(io);
	if (req)
		wdfio_request_io_done(req, wdfio_ntstatus_from_blk(sts),
				      sts ? 0 : len);
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
					   struct wdfio_dev *dev,
					   bool detachable,
					   unsigned int nr_vecs, blk_opf_t opf,
					   gfp_t gfp)
{
	struct wdfio_bio_io *io = req->io_cache;
	bool fresh;
	struct bio *bio;

	/* A cached context is reused by a send of the same kind. */
	if (io) {
		req->io_cache = NULL;
		if (io->bio.bi_max_vecs < nr_vecs ||
		    io->detachable != detachable) {
			wdfio_io_drop_cached(io);
			io = NULL;
		} else {
			bio_reset(&io->bio, dev->bdev, opf);
		}
	}
	fresh = !io;
	if (fresh) {
		/* GFP_NOIO waits on the mempool rather than failing. */
		bio = bio_alloc_bioset(dev->bdev, nr_vecs, opf, gfp,
				       &wdfio_io_bs);
		if (!bio)
			return NULL;
		io = container_of(bio, struct wdfio_bio_io, bio);
		io->nr_kept = 0;
	}
	/* The front pad is not initialised by the bio_set. */
	io->req = req;
	atomic_set(&io->pending, 1);
	io->status = BLK_STS_OK;
	io->dev = dev;
	io->detachable = detachable;
	io->src = NULL;
	io->len = 0;
	io->read = false;
	io->vmap = false;
	io->bounce = NULL;
	io->nr_bounce = 0;
	if (detachable) {
		/* A reused one still has its count and its only reference. */
		if (fresh) {
			refcount_set(&io->refs, 1);
			atomic_inc(&wdfio_ios);
		}
		wdfio_dev_get(dev);
	}
	return io;
}

/* Drop an I/O context whose bios were never submitted. */
static void wdfio_io_discard(struct wdfio_bio_io *io)
{
	wdfio_io_finish(io, false);
	wdfio_kept_free(io);
	wdfio_io_release(io);
}

/*
 * Tell the engine the I/O is about to reach the device. A detachable
 * request keeps a reference on the context from here on. False: it was
 * cancelled first; the caller must not submit.
 */
static bool wdfio_io_publish(struct wdfio_bio_io *io, struct wdfio_request *req)
{
	if (io->detachable)
		refcount_inc(&io->refs);
	if (wdfio_request_publish_io(req, io))
		return true;
	if (io->detachable)
		wdfio_io_release(io);
	return false;
}

/* A send cancelled before it reached the device. */
static void wdfio_io_abort(struct wdfio_bio_io *io, struct wdfio_request *req)
{
	io->req = NULL;
	wdfio_io_discard(io);
	wdfio_request_io_done(req, STATUS_CANCELLED, 0);
}

/**
 * wdfio_blk_detach() - complete a send without waiting for its bios
 * @io: the send's I/O context (the caller holds a reference)
 * @req: the request it belongs to
 *
 * Context: Any context.
 * Return: true if the caller now reports for the request (the bios will end
 * silently); false if the end of the bios got there first.
 */
bool wdfio_blk_detach(struct wdfio_bio_io *io, struct wdfio_request *req)
{
	return cmpxchg(&io->req, req, NULL) == req;
}

/* References a detachable request holds on its I/O context. Any context. */
void wdfio_blk_io_get(struct wdfio_bio_io *io)
{
	refcount_inc(&io->refs);
}

void wdfio_blk_io_put(struct wdfio_bio_io *io)
{
	wdfio_io_release(io);
}

/**
 * wdfio_blk_io_cache_free() - free the I/O context a request kept
 * @req: a request at its last reference
 *
 * Context: Any context.
 */
void wdfio_blk_io_cache_free(struct wdfio_request *req)
{
	struct wdfio_bio_io *io = req->io_cache;

	req->io_cache = NULL;
	if (io)
		wdfio_io_drop_cached(io);
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
static size_t wdfio_next_chunk(struct wdfio_bio_io *io, size_t pos,
			       unsigned int *nr_segs)
{
	struct wdfio_dev *dev = io->dev;
	size_t left = io->len - pos;
	size_t chunk;

	chunk = wdfio_fit_segments(io, pos, min_t(size_t, left, dev->max_io),
				   dev->max_segs, nr_segs);
	if (chunk < left) {
		chunk = round_down(chunk, dev->lbs);
		/* A block spread over more pages than the device takes. */
		if (!chunk)
			chunk = dev->lbs;
		wdfio_fit_segments(io, pos, chunk, UINT_MAX, nr_segs);
	}
	return chunk;
}

static void wdfio_blk_rw(struct wdfio_request *req, struct wdfio_format *f,
			 struct wdfio_dev *dev, bool detachable, gfp_t gfp)
{
	bool read = f->op == WDFIO_OP_READ;
	blk_opf_t opf = read ? REQ_OP_READ : REQ_OP_WRITE;
	size_t len = f->data.len, pos = 0;
	u64 offset = f->offset;
	unsigned int nr_pages, nr_segs;
	struct wdfio_bio_io *io;
	struct bio *bio;
	bool in_place;

	if (!len) {
		wdfio_request_io_done(req, STATUS_SUCCESS, 0);
		return;
	}
	/* A detachable send never lets the device see the caller's pages. */
	in_place = !detachable &&
		   wdfio_blk_in_place(f->data.ptr, len,
				      dev->dma_mask | (dev->lbs - 1));
	nr_pages = in_place ?
		DIV_ROUND_UP(offset_in_page(f->data.ptr) + len, PAGE_SIZE) :
		DIV_ROUND_UP(len, PAGE_SIZE);

	io = wdfio_io_alloc(req, dev, detachable,
			    min(nr_pages, dev->max_segs), opf, gfp);
	if (!io)
		goto out_no_memory;
	io->src = f->data.ptr;
	io->len = len;
	io->read = read;
	io->vmap = in_place && is_vmalloc_addr(f->data.ptr);
	if (!in_place) {
		if (!wdfio_bounce_alloc(io, len, gfp))
			goto out_discard_io;
		if (!read)
			wdfio_bounce_copy(io, true);
	} else if (io->vmap && !read) {
		flush_kernel_vmap_range(io->src, len);
	}
	if (!wdfio_io_publish(io, req)) {
		wdfio_io_abort(io, req);
		return;
	}

	/*
	 * From here a detachable request may complete at any moment: use
	 * only @io, @dev and locals, never @req or @f.
	 *
	 * The first bio carries the first chunk; each is submitted when full.
	 */
	bio = &io->bio;
	for (;;) {
		size_t chunk = wdfio_next_chunk(io, pos, &nr_segs);

		bio->bi_iter.bi_sector = (offset + pos) >> SECTOR_SHIFT;
		wdfio_bio_add_range(io, bio, pos, chunk);
		wdfio_io_submit(io, bio);
		pos += chunk;
		if (pos >= len)
			break;
		wdfio_next_chunk(io, pos, &nr_segs);
		/* GFP_NOIO: waits on the bio_set's mempool, never fails. */
		bio = wdfio_extra_alloc(io, nr_segs, opf, gfp);
	}
	wdfio_io_put_pending(io);
	return;

out_discard_io:
	io->req = NULL;
	wdfio_io_discard(io);
out_no_memory:
	wdfio_request_io_done(req, STATUS_INSUFFICIENT_RESOURCES, 0);
}

/* ------------------------------------------------------------------ */
/* IOCTLs                                                              */

static void wdfio_blk_flush(struct wdfio_request *req, struct wdfio_dev *dev,
			    bool detachable, gfp_t gfp)
{
	struct wdfio_bio_io *io;

	io = wdfio_io_alloc(req, dev, detachable, 0,
			    REQ_OP_WRITE | REQ_PREFLUSH, gfp);
	if (!io) {
		wdfio_request_io_done(req, STATUS_INSUFFICIENT_RESOURCES, 0);
		return;
	}
	if (!wdfio_io_publish(io, req)) {
		wdfio_io_abort(io, req);
		return;
	}
	wdfio_io_submit(io, &io->bio);
	wdfio_io_put_pending(io);
}

struct wdfio_trim_range {
	u64 off;
	u64 len;
};

/*
 * Parse a DSM trim into a private copy of its ranges: after publication the
 * caller's input buffer may be gone.
 */
static NTSTATUS wdfio_trim_ranges(struct wdfio_dev *dev,
				  const struct wdfio_buf *in, gfp_t gfp,
				  struct wdfio_trim_range **out, size_t *nr)
{
	const DEVICE_MANAGE_DATA_SET_ATTRIBUTES *dsm = in->ptr;
	const DEVICE_DATA_SET_RANGE *ranges;
	u64 capacity = bdev_nr_bytes(dev->bdev);
	struct wdfio_trim_range *r;
	size_t i, end;

	*out = NULL;
	*nr = 0;
	if (in->len < sizeof(*dsm) || dsm->Size < sizeof(*dsm))
		return STATUS_INVALID_PARAMETER;
	if (dsm->Action != DeviceDsmAction_Trim)
		return STATUS_NOT_SUPPORTED;
	if (dsm->Flags & DEVICE_DSM_FLAG_ENTIRE_DATA_SET_RANGE) {
		r = kmalloc(sizeof(*r), gfp);
		if (!r)
			return STATUS_INSUFFICIENT_RESOURCES;
		r->off = 0;
		r->len = capacity;
		*out = r;
		*nr = 1;
		return STATUS_SUCCESS;
	}
	if (dsm->DataSetRangesLength % sizeof(DEVICE_DATA_SET_RANGE) ||
	    dsm->DataSetRangesOffset % __alignof__(DEVICE_DATA_SET_RANGE) ||
	    check_add_overflow((size_t)dsm->DataSetRangesOffset,
			       (size_t)dsm->DataSetRangesLength, &end) ||
	    end > in->len)
		return STATUS_INVALID_PARAMETER;
	ranges = (const void *)((const char *)in->ptr +
				dsm->DataSetRangesOffset);
	*nr = dsm->DataSetRangesLength / sizeof(DEVICE_DATA_SET_RANGE);
	if (!*nr)
		return STATUS_SUCCESS;
	r = kmalloc_array(*nr, sizeof(*r), gfp);
	if (!r)
		return STATUS_INSUFFICIENT_RESOURCES;
	for (i = 0; i < *nr; i++) {
		r[i].off = ranges[i].StartingOffset;
		r[i].len = ranges[i].LengthInBytes;
		if (ranges[i].StartingOffset < 0 ||
		    ((r[i].off | r[i].len) & (dev->lbs - 1)) ||
		    r[i].off > capacity || r[i].len > capacity - r[i].off) {
			kfree(r);
			return STATUS_INVALID_PARAMETER;
		}
	}
	*out = r;
	return STATUS_SUCCESS;
}

static void wdfio_discard_range(struct wdfio_bio_io *io, u64 off, u64 n,
				gfp_t gfp)
{
	while (n) {
		u32 chunk = min_t(u64, n, io->dev->max_discard);
		struct bio *bio = wdfio_extra_alloc(io, 0, REQ_OP_DISCARD, gfp);

		bio->bi_iter.bi_sector = off >> SECTOR_SHIFT;
		bio->bi_iter.bi_size = chunk;
		wdfio_io_submit(io, bio);
		off += chunk;
		n -= chunk;
	}
}

static void wdfio_blk_trim(struct wdfio_request *req, struct wdfio_dev *dev,
			   const struct wdfio_buf *in, bool detachable,
			   gfp_t gfp)
{
	struct wdfio_trim_range *ranges;
	struct wdfio_bio_io *io;
	NTSTATUS status;
	size_t i, nr;

	status = wdfio_trim_ranges(dev, in, gfp, &ranges, &nr);
	if (NT_SUCCESS(status) && !dev->writable)
		status = STATUS_ACCESS_DENIED;
	if (NT_SUCCESS(status) && !dev->max_discard)
		status = STATUS_NOT_SUPPORTED;
	if (!NT_SUCCESS(status))
		goto out_done;
	io = wdfio_io_alloc(req, dev, detachable, 0, REQ_OP_DISCARD, gfp);
	if (!io) {
		status = STATUS_INSUFFICIENT_RESOURCES;
		goto out_done;
	}
	if (!wdfio_io_publish(io, req)) {
		kfree(ranges);
		wdfio_io_abort(io, req);
		return;
	}
	for (i = 0; i < nr; i++)
		wdfio_discard_range(io, ranges[i].off, ranges[i].len, gfp);
	kfree(ranges);
	/* The first bio carries no discard: it is never submitted. */
	wdfio_io_put_pending(io);
	return;

out_done:
	kfree(ranges);
	wdfio_request_io_done(req, status, 0);
}

static NTSTATUS wdfio_blk_query_property(struct wdfio_dev *dev,
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
	d->BytesPerLogicalSector = dev->lbs;
	d->BytesPerPhysicalSector = dev->pbs;
	d->BytesOffsetForSectorAlignment = dev->align_offset;
	*information = sizeof(*d);
	return STATUS_SUCCESS;
}

static void wdfio_blk_ioctl(struct wdfio_request *req, struct wdfio_format *f,
			    struct wdfio_dev *dev, bool detachable, gfp_t gfp)
{
	ULONG_PTR information = 0;
	GET_LENGTH_INFORMATION *li;
	NTSTATUS status;

	switch (f->ioctl) {
	case IOCTL_DISK_FLUSH_CACHE:
		wdfio_blk_flush(req, dev, detachable, gfp);
		return;
	case IOCTL_STORAGE_MANAGE_DATA_SET_ATTRIBUTES:
		wdfio_blk_trim(req, dev, &f->in, detachable, gfp);
		return;
	default:
		break;
	}
	/* Answered from what we know, never reaching the device. */
	if (!wdfio_request_publish_io(req, NULL)) {
		wdfio_request_io_done(req, STATUS_CANCELLED, 0);
		return;
	}
	switch (f->ioctl) {
	case IOCTL_DISK_GET_LENGTH_INFO:
		li = f->out.ptr;
		if (f->out.len < sizeof(*li)) {
			status = STATUS_BUFFER_TOO_SMALL;
			break;
		}
		li->Length.QuadPart = bdev_nr_bytes(dev->bdev);
		information = sizeof(*li);
		status = STATUS_SUCCESS;
		break;
	case IOCTL_STORAGE_QUERY_PROPERTY:
		status = wdfio_blk_query_property(dev, &f->in, &f->out,
						  &information);
		break;
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
 * before returning (or lets a detacher report it).
 *
 * Context: Process context (submit_bio() may sleep).
 */
void wdfio_blk_start(struct wdfio_request *req, gfp_t gfp)
{
	struct wdfio_format *f = &req->fmt;
	/* Valid: Close waits for this request, which has not completed. */
	struct wdfio_dev *dev = wdfio_target_dev(f->target);
	bool detachable = test_bit(WDFIO_RQF_DETACHABLE, &req->rflags);

	might_sleep();
	switch (f->op) {
	case WDFIO_OP_READ:
	case WDFIO_OP_WRITE:
		wdfio_blk_rw(req, f, dev, detachable, gfp);
		break;
	case WDFIO_OP_IOCTL:
		wdfio_blk_ioctl(req, f, dev, detachable, gfp);
		break;
	default:
		/* WDFIO_OP_NONE; USB formats never reach a block target */
		wdfio_request_io_done(req, STATUS_REQUEST_NOT_ACCEPTED, 0);
		break;
	}
}

/**
 * wdfio_blk_drain() - wait until every bio wdfio sent has ended
 *
 * Abandoned (detached) bios included: the bio_sets and any device they hold
 * open must outlive them.
 *
 * Context: Process context (module exit).
 */
void wdfio_blk_drain(void)
{
	wait_event(wdfio_ios_wq, atomic_read(&wdfio_ios) == 0);
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
