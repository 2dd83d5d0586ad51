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

#endif /* _WDFIO_COMPAT_H */
