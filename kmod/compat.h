/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place that knows which kernel wdfio is built for. Everything
 * version-dependent is wrapped here, so the engine reads the same on every
 * supported kernel. Included first by every wdfio source file.
 */
#ifndef _WDFIO_COMPAT_H
#define _WDFIO_COMPAT_H

#include <linux/blkdev.h>
#include <linux/err.h>
#include <linux/fs.h>

/**
 * struct wdfio_bdev_handle - an open block device and what closing it needs
 * @bdev: the device
 * @mode: the mode it was opened with (6.1's blkdev_put() wants it back)
 * @holder: exclusive-open holder, or NULL
 */
struct wdfio_bdev_handle {
	struct block_device *bdev;
	fmode_t mode;
	void *holder;
};

/*
 * Open the block device at @path for reading and, if @write, writing. With
 * @holder non-NULL the open is exclusive (a second exclusive open fails with
 * -EBUSY). Process context. Returns 0 or a negative errno.
 */
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
	h->holder = holder;
	return 0;
}

/*
 * Open the block device @devt again (an extra open of a device the caller
 * holds), never exclusively. Process context. Returns 0 or a negative errno.
 */
static inline int wdfio_bdev_open_dev(struct wdfio_bdev_handle *h, dev_t devt,
				      bool write)
{
	fmode_t mode = FMODE_READ | (write ? FMODE_WRITE : 0);
	struct block_device *bdev = blkdev_get_by_dev(devt, mode, NULL);

	if (IS_ERR(bdev))
		return PTR_ERR(bdev);
	h->bdev = bdev;
	h->mode = mode;
	h->holder = NULL;
	return 0;
}

/* Release what wdfio_bdev_open*() opened. Process context. */
static inline void wdfio_bdev_close(struct wdfio_bdev_handle *h)
{
	blkdev_put(h->bdev, h->mode);
	h->bdev = NULL;
}

#endif /* _WDFIO_COMPAT_H */
