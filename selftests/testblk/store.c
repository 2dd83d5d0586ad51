// SPDX-License-Identifier: GPL-2.0
/*
 * wdfio_testblk backing store: one zeroed page per PAGE_SIZE of the device,
 * allocated on the first write that touches it, kept in an xarray indexed
 * by device offset >> PAGE_SHIFT. An absent page reads as zeroes.
 *
 * Context rules. Bios may be ended (and their data copied) in hard IRQ
 * context, so the copy paths below only do xa_load() (RCU, lockless),
 * kmap_local_page() and memcpy/memset: no allocation, no sleeping lock.
 * Pages are therefore allocated by tb_store_prepare() in ->submit_bio, the
 * submitter's context, with GFP_NOIO, before the bio can be held, delayed
 * or handed to another context. Pages are inserted (xa_insert takes the
 * xarray's spinlock, never from IRQ) only there and freed only at teardown,
 * so a page found once stays valid for the life of the device. A discard
 * zeroes pages in place rather than freeing them.
 */

#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/gfp.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/xarray.h>

#include "internal.h"

/**
 * tb_store_prepare() - make sure every page a write will touch exists
 * @dev: the device
 * @bio: a write bio, already checked to lie within the device
 *
 * Context: process context that may sleep (->submit_bio).
 * Return: BLK_STS_OK, or BLK_STS_RESOURCE if a page could not be allocated.
 */
blk_status_t tb_store_prepare(struct tb_dev *dev, struct bio *bio)
{
	u64 pos = (u64)bio->bi_iter.bi_sector << SECTOR_SHIFT;
	pgoff_t idx = pos >> PAGE_SHIFT;
	pgoff_t last = (pos + bio->bi_iter.bi_size - 1) >> PAGE_SHIFT;
	struct page *page;
	int ret;

	might_sleep();
	for (; idx <= last; idx++) {
		if (xa_load(&dev->pages, idx))
			continue;
		page = alloc_page(GFP_NOIO | __GFP_ZERO);
		if (!page)
			return BLK_STS_RESOURCE;
		ret = xa_insert(&dev->pages, idx, page, GFP_NOIO);
		if (ret) {
			/* -EBUSY: a concurrent write inserted it first. */
			__free_page(page);
			if (ret != -EBUSY)
				return BLK_STS_RESOURCE;
		}
	}
	return BLK_STS_OK;
}

/* Copy one single-page bvec to or from the store at byte offset @pos. */
static blk_status_t tb_store_copy(struct tb_dev *dev, const struct bio_vec *bv,
				  u64 pos, bool write)
{
	unsigned int done = 0;

	while (done < bv->bv_len) {
		unsigned int off = offset_in_page(pos);
		unsigned int n = min_t(unsigned int, bv->bv_len - done,
				       PAGE_SIZE - off);
		struct page *page = xa_load(&dev->pages, pos >> PAGE_SHIFT);
		char *buf = kmap_local_page(bv->bv_page);

		if (write) {
			/* Allocated by tb_store_prepare(); never freed early. */
			if (WARN_ON_ONCE(!page)) {
				kunmap_local(buf);
				return BLK_STS_IOERR;
			}
			memcpy_to_page(page, off, buf + bv->bv_offset + done, n);
		} else if (page) {
			memcpy_from_page(buf + bv->bv_offset + done, page, off, n);
		} else {
			memset(buf + bv->bv_offset + done, 0, n);
		}
		kunmap_local(buf);
		done += n;
		pos += n;
	}
	if (!write)
		flush_dcache_page(bv->bv_page);
	return BLK_STS_OK;
}

/**
 * tb_store_rw() - move the data of a read or write bio
 * @dev: the device
 * @bio: a checked read or write bio; for a write, tb_store_prepare() succeeded
 *
 * Context: any context, including hard IRQ. Does not sleep or allocate.
 * Return: BLK_STS_OK, or BLK_STS_IOERR if a write finds no backing page
 * (a bug, warned once).
 */
blk_status_t tb_store_rw(struct tb_dev *dev, struct bio *bio)
{
	bool write = op_is_write(bio_op(bio));
	u64 pos = (u64)bio->bi_iter.bi_sector << SECTOR_SHIFT;
	struct bvec_iter iter;
	struct bio_vec bv;
	blk_status_t st;

	/*
	 * Track the device position in bytes, not sectors: with a dma
	 * alignment below 511 a bvec need not be a whole number of sectors.
	 */
	bio_for_each_segment(bv, bio, iter) {
		st = tb_store_copy(dev, &bv, pos, write);
		if (st)
			return st;
		pos += bv.bv_len;
	}
	return BLK_STS_OK;
}

/**
 * tb_store_discard() - zero the range of a discard bio
 * @dev: the device
 * @bio: a checked discard bio
 *
 * Context: any context, including hard IRQ. Does not sleep or allocate.
 */
void tb_store_discard(struct tb_dev *dev, struct bio *bio)
{
	u64 pos = (u64)bio->bi_iter.bi_sector << SECTOR_SHIFT;
	u64 end = pos + bio->bi_iter.bi_size;

	while (pos < end) {
		unsigned int off = offset_in_page(pos);
		unsigned int n = min_t(u64, end - pos, PAGE_SIZE - off);
		struct page *page = xa_load(&dev->pages, pos >> PAGE_SHIFT);

		if (page)
			memzero_page(page, off, n);
		pos += n;
	}
}

/**
 * tb_store_free() - free every backing page
 * @dev: the device, no longer reachable by any bio
 *
 * Context: process context, at teardown.
 */
void tb_store_free(struct tb_dev *dev)
{
	struct page *page;
	unsigned long idx;

	xa_for_each(&dev->pages, idx, page)
		__free_page(page);
	xa_destroy(&dev->pages);
}
