/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place that knows which kernel wdfio is built for. Everything
 * version-dependent is wrapped here, so the engine reads the same on every
 * supported kernel. Included first by every wdfio source file; the test
 * modules add their own shims on top of it in selftests/compat.h.
 *
 * Tested kernels (make matrix): Debian's 6.1, 6.12 and 7.2. A shim is
 * selected by a feature probe (#ifdef of a macro) where the kernel offers
 * one, else by the release that made the change, named in the comment.
 * Interfaces of releases no tested kernel has (6.5 to 6.8 for opening
 * block devices) are refused with #error rather than guessed.
 */
#ifndef _WDFIO_COMPAT_H
#define _WDFIO_COMPAT_H

#include <linux/blkdev.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/version.h>
#include <linux/uio.h>
#include <linux/workqueue.h>

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 1, 0)
#error "wdfio needs Linux 6.1 or later"
#endif

/**
 * struct wdfio_bdev_handle - an open block device and what closing it needs
 * @bdev: the device
 * @mode: (up to 6.4) the mode it was opened with; blkdev_put() wants it back
 * @file: (6.9 on) the block device file; closing is bdev_fput() of it
 */
struct wdfio_bdev_handle {
	struct block_device *bdev;
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 9, 0)
	struct file *file;
#else
	fmode_t mode;
#endif
};

/*
 * Opening a block device by path or dev_t:
 *  - up to 6.4: blkdev_get_by_path/dev(..., fmode_t, holder), FMODE_EXCL
 *    for an exclusive open, blkdev_put(bdev, fmode_t);
 *  - 6.5 made the mode a blk_mode_t and added holder ops, 6.7/6.8 returned
 *    a struct bdev_handle: not supported (no tested kernel has them);
 *  - 6.9 on: bdev_file_open_by_path/dev() return a struct file; a non-NULL
 *    holder makes the open exclusive. bdev_fput() gives the exclusive claim
 *    up at once (a plain fput() would keep it until the deferred release),
 *    so a target closed and reopened exclusively does not see -EBUSY.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 9, 0)

static inline int wdfio_bdev_file(struct wdfio_bdev_handle *h,
				  struct file *file)
{
	if (IS_ERR(file))
		return PTR_ERR(file);
	h->file = file;
	h->bdev = file_bdev(file);
	return 0;
}

/*
 * Open the block device at @path for reading and, if @write, writing. With
 * @holder non-NULL the open is exclusive (a second exclusive open fails with
 * -EBUSY). Process context. Returns 0 or a negative errno.
 */
static inline int wdfio_bdev_open(struct wdfio_bdev_handle *h,
				  const char *path, bool write, void *holder)
{
	blk_mode_t mode = BLK_OPEN_READ | (write ? BLK_OPEN_WRITE : 0);

	return wdfio_bdev_file(h, bdev_file_open_by_path(path, mode, holder,
							 NULL));
}

/*
 * Open the block device @devt again (an extra open of a device the caller
 * holds), never exclusively. Process context. Returns 0 or a negative errno.
 */
static inline int wdfio_bdev_open_dev(struct wdfio_bdev_handle *h, dev_t devt,
				      bool write)
{
	blk_mode_t mode = BLK_OPEN_READ | (write ? BLK_OPEN_WRITE : 0);

	return wdfio_bdev_file(h, bdev_file_open_by_dev(devt, mode, NULL, NULL));
}

/* Release what wdfio_bdev_open*() opened. Process context. */
static inline void wdfio_bdev_close(struct wdfio_bdev_handle *h)
{
	bdev_fput(h->file);
	h->file = NULL;
	h->bdev = NULL;
}

#elif LINUX_VERSION_CODE < KERNEL_VERSION(6, 5, 0)

static inline int wdfio_bdev_open(struct wdfio_bdev_handle *h,
				  const char *path, bool write, void *holder)
{
	fmode_t mode = FMODE_READ | (write ? FMODE_WRITE : 0) |
		       (holder ? FMODE_EXCL : 0);
	struct block_device *bdev = blkdev_get_by_path(path, mode, holder);

	if (IS_ERR(bdev))
		return PTR_ERR(bdev);
	h->bdev = bdev;
	h->mode = mode;
	return 0;
}

static inline int wdfio_bdev_open_dev(struct wdfio_bdev_handle *h, dev_t devt,
				      bool write)
{
	fmode_t mode = FMODE_READ | (write ? FMODE_WRITE : 0);
	struct block_device *bdev = blkdev_get_by_dev(devt, mode, NULL);

	if (IS_ERR(bdev))
		return PTR_ERR(bdev);
	h->bdev = bdev;
	h->mode = mode;
	return 0;
}

static inline void wdfio_bdev_close(struct wdfio_bdev_handle *h)
{
	blkdev_put(h->bdev, h->mode);
	h->bdev = NULL;
}

#else
#error "Linux 6.5 to 6.8 block device open interfaces are not supported (see README, Kernel matrix)"
#endif

/*
 * 6.5 renamed BLK_STS_NEXUS (-EBADE, a reservation conflict) to
 * BLK_STS_RESV_CONFLICT; same value, same meaning.
 */
#ifndef BLK_STS_RESV_CONFLICT
#define BLK_STS_RESV_CONFLICT BLK_STS_NEXUS
#endif

/*
 * 7.2 warns (WARN_ONCE, once per boot) about a workqueue allocated with
 * neither WQ_PERCPU nor WQ_UNBOUND: per-CPU queues must now say so. Older
 * kernels have no WQ_PERCPU (an enum constant, so it cannot be probed with
 * #ifdef); there a workqueue without WQ_UNBOUND is per-CPU anyway. The flag
 * came with the 6.17 workqueue API change.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 17, 0)
#define WQ_PERCPU 0
#endif

/*
 * The open and release methods of a disk wdfio creates (kmod/blkdev.c):
 * 6.5 passed ->open() the gendisk and a blk_mode_t instead of the
 * block_device and an fmode_t, and dropped ->release()'s mode. blkdev.c
 * implements the version-free wdfio_bfe_do_open()/_release(); these
 * adapters have the signature of the kernel at hand.
 */
int wdfio_bfe_do_open(struct gendisk *disk);
void wdfio_bfe_do_release(struct gendisk *disk);

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 5, 0)
static inline int wdfio_bdops_open(struct gendisk *disk, blk_mode_t mode)
{
	return wdfio_bfe_do_open(disk);
}

static inline void wdfio_bdops_release(struct gendisk *disk)
{
	wdfio_bfe_do_release(disk);
}
#else
static inline int wdfio_bdops_open(struct block_device *bdev, fmode_t mode)
{
	return wdfio_bfe_do_open(bdev->bd_disk);
}

static inline void wdfio_bdops_release(struct gendisk *disk, fmode_t mode)
{
	wdfio_bfe_do_release(disk);
}
#endif

/*
 * Allocate a bio-based gendisk whose limits are stacked on @lower's, as a
 * stacking driver (dm) takes them, with its write cache and rotational
 * settings, but without FUA (blkdev.c turns REQ_FUA into a flush). Returns
 * the disk or an ERR_PTR; *@misaligned is set when the lower limits do not
 * stack cleanly. Up to 6.8 blk_alloc_disk()
 * took only the node and the limits were set on the queue afterwards; 6.9
 * made it take a struct queue_limits, and 6.11 moved the cache and
 * rotational flags into queue_limits.features, which blk_stack_limits()
 * inherits. 6.9 and 6.10 are not supported (no tested kernel has them).
 */
static inline struct gendisk *
wdfio_alloc_stacked_disk(struct block_device *lower, int node, bool *misaligned)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
	struct queue_limits lim;

	blk_set_stacking_limits(&lim);
	*misaligned = blk_stack_limits(&lim, &bdev_get_queue(lower)->limits,
				       0) < 0;
	lim.features &= ~BLK_FEAT_FUA;
	return blk_alloc_disk(&lim, node);
#elif LINUX_VERSION_CODE < KERNEL_VERSION(6, 9, 0)
	struct gendisk *disk = blk_alloc_disk(node);
	struct request_queue *q;

	if (!disk)
		return ERR_PTR(-ENOMEM);
	q = disk->queue;
	blk_set_stacking_limits(&q->limits);
	*misaligned = blk_stack_limits(&q->limits,
				       &bdev_get_queue(lower)->limits, 0) < 0;
	blk_queue_write_cache(q, bdev_write_cache(lower), false);
	if (bdev_nonrot(lower))
		blk_queue_flag_set(QUEUE_FLAG_NONROT, q);
	return disk;
#else
#error "Linux 6.9 and 6.10 disk allocation is not supported (see README, Kernel matrix)"
#endif
}

/* 6.4 made iov_iter's iovec pointer private behind iter_iov(). */
static inline const struct iovec *wdfio_iter_iov(const struct iov_iter *it)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
	return iter_iov(it);
#else
	return it->iov;
#endif
}

#endif /* _WDFIO_COMPAT_H */
