// SPDX-License-Identifier: GPL-2.0
/*
 * The block front-end: a WDF device over a lower block device (made by
 * wdfio_driver_add_device) as a bio-based disk /dev/<name>.
 *
 * Every bio becomes a request of the device's queues: reads and writes with
 * Length and DeviceOffset (bytes), an empty REQ_PREFLUSH write as
 * WdfRequestTypeFlushBuffers, discard and write-zeroes as WdfRequestTypeOther
 * (Parameters.Others: Arg1 = byte offset, Arg2 = length, IoControlCode =
 * the REQ_OP). The completion ends the bio with the status mapped back
 * (wdfio_blk_status_from_nt); a read or write that completes successfully
 * with fewer bytes than asked ends with BLK_STS_IOERR.
 *
 * The fast path is WDF_REQUEST_SEND_OPTION_SEND_AND_FORGET to the device's
 * default target: the bio itself is redirected to the lower device and
 * completes to its submitter, without a copy or a clone (queue.c). A driver
 * that asks for the request's buffer gets a copy of the bio's data instead.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "queue.h"

#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/llist.h>
#include <linux/module.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>

struct wdfio_blkdev {
	struct gendisk *disk;
	struct wdfio_device *dev;
};

/* ---- NTSTATUS → blk_status_t (the inverse of status.c's table) ---- */

/**
 * wdfio_blk_status_from_nt() - how a request's status ends its bio
 * @status: the request's final status
 *
 * Context: Any context.
 * Return: the blk_status_t (BLK_STS_IOERR for anything without a better
 * match).
 */
blk_status_t wdfio_blk_status_from_nt(NTSTATUS status)
{
	if (NT_SUCCESS(status))
		return BLK_STS_OK;
	switch (status) {
	case STATUS_NOT_SUPPORTED:
	case STATUS_INVALID_DEVICE_REQUEST:
		return BLK_STS_NOTSUPP;
	case STATUS_IO_TIMEOUT:
		return BLK_STS_TIMEOUT;
	case STATUS_DISK_FULL:
		return BLK_STS_NOSPC;
	case STATUS_DEVICE_NOT_CONNECTED:
		return BLK_STS_TRANSPORT;
	case STATUS_DEVICE_HARDWARE_ERROR:
		return BLK_STS_TARGET;
	case STATUS_SHARING_VIOLATION:
		return BLK_STS_RESV_CONFLICT;
	case STATUS_DEVICE_DATA_ERROR:
		return BLK_STS_MEDIUM;
	case STATUS_CRC_ERROR:
		return BLK_STS_PROTECTION;
	case STATUS_INSUFFICIENT_RESOURCES:
		return BLK_STS_RESOURCE;
	case STATUS_DEVICE_BUSY:
		return BLK_STS_AGAIN;
	case STATUS_DEVICE_OFF_LINE:
	case STATUS_DELETE_PENDING:
	case STATUS_NO_SUCH_DEVICE:
		return BLK_STS_OFFLINE;
	default:
		return BLK_STS_IOERR;
	}
}

/* ---- forwarding bios from where submit_bio is not allowed -------------- */

struct wdfio_fwd {
	struct llist_node node;
	struct bio *bio;
	struct wdfio_dev *lower;
};

static LLIST_HEAD(wdfio_fwd_list);
static void wdfio_fwd_work_fn(struct work_struct *work);
static DECLARE_WORK(wdfio_fwd_work, wdfio_fwd_work_fn);

static void wdfio_fwd_submit(struct bio *bio, struct wdfio_dev *lower)
{
	bio_set_dev(bio, lower->bdev);
	submit_bio_noacct(bio);
	wdfio_dev_put(lower);
}

static void wdfio_fwd_work_fn(struct work_struct *work)
{
	struct llist_node *list = llist_reverse_order(llist_del_all(&wdfio_fwd_list));
	struct wdfio_fwd *f, *next;
	struct blk_plug plug;

	blk_start_plug(&plug);
	llist_for_each_entry_safe(f, next, list, node) {
		wdfio_fwd_submit(f->bio, f->lower);
		kfree(f);
	}
	blk_finish_plug(&plug);
}

/**
 * wdfio_blkdev_forward() - send a bio on to the lower device
 * @bio: a bio of the block front-end, sent and forgotten
 * @lower: the lower device (a reference, dropped here)
 *
 * Submits at once where that is allowed (the usual case: the queue presents
 * in the submitter's context), else from a work item. Out of memory for the
 * deferral, the bio ends with BLK_STS_RESOURCE.
 *
 * Context: Any context.
 */
void wdfio_blkdev_forward(struct bio *bio, struct wdfio_dev *lower)
{
	struct wdfio_fwd *f;

	if (wdfio_can_sleep()) {
		wdfio_fwd_submit(bio, lower);
		return;
	}
	f = kmalloc(sizeof(*f), GFP_ATOMIC);
	if (!f) {
		wdfio_dev_put(lower);
		bio->bi_status = BLK_STS_RESOURCE;
		bio_endio(bio);
		return;
	}
	f->bio = bio;
	f->lower = lower;
	if (llist_add(&f->node, &wdfio_fwd_list))
		wdfio_queue_work(&wdfio_fwd_work);
}

/* ---- the disk ------------------------------------------------------------ */

static void wdfio_bfe_complete(void *ctx, NTSTATUS status, ULONG_PTR info)
{
	struct bio *bio = ctx;
	bool data = bio_op(bio) == REQ_OP_READ || bio_op(bio) == REQ_OP_WRITE;

	if (NT_SUCCESS(status) && data && info < bio->bi_iter.bi_size)
		bio->bi_status = BLK_STS_IOERR;
	else
		bio->bi_status = wdfio_blk_status_from_nt(status);
	bio_endio(bio);
}

static const struct wdfio_fe_ops wdfio_bfe_ops = {
	.complete = wdfio_bfe_complete,
};

static void wdfio_bfe_submit_bio(struct bio *bio)
{
	struct wdfio_device *dev = bio->bi_bdev->bd_disk->private_data;
	struct wdfio_io_desc d = {};
	struct wdfio_request *req;
	unsigned int noio;
	NTSTATUS status;

	/* Forwarded bios must fit the lower device: split them as it would. */
	bio = bio_split_to_limits(bio);
	if (!bio)
		return;
	switch (bio_op(bio)) {
	case REQ_OP_READ:
		d.type = WdfRequestTypeRead;
		break;
	case REQ_OP_WRITE:
		d.type = bio->bi_iter.bi_size || !(bio->bi_opf & REQ_PREFLUSH) ?
			 WdfRequestTypeWrite : WdfRequestTypeFlushBuffers;
		break;
	case REQ_OP_DISCARD:
	case REQ_OP_WRITE_ZEROES:
		d.type = WdfRequestTypeOther;
		d.code = (__force ULONG)bio_op(bio);
		break;
	default:
		bio->bi_status = BLK_STS_NOTSUPP;
		bio_endio(bio);
		return;
	}
	d.offset = (u64)bio->bi_iter.bi_sector << SECTOR_SHIFT;
	d.length = bio->bi_iter.bi_size;
	d.bio = bio;
	d.fe = &wdfio_bfe_ops;
	d.fe_ctx = bio;
	/* We are in the I/O path: no allocation may recurse into it. */
	noio = memalloc_noio_save();
	status = wdfio_device_submit(dev, &d, &req);
	memalloc_noio_restore(noio);
	if (status == STATUS_PENDING) {
		wdfio_object_put(&req->obj);	/* no cancel here */
		return;
	}
	bio->bi_status = wdfio_blk_status_from_nt(status);
	bio_endio(bio);
}

/* ->open (through wdfio_bdops_open(), compat.h): pin the driver's module */
int wdfio_bfe_do_open(struct gendisk *disk)
{
	struct wdfio_device *dev = disk->private_data;

	return try_module_get(dev->driver->owner) ? 0 : -ENODEV;
}

/* ->release (through wdfio_bdops_release()) */
void wdfio_bfe_do_release(struct gendisk *disk)
{
	struct wdfio_device *dev = disk->private_data;

	module_put(dev->driver->owner);
}

/* The last reference to the disk (it may outlive the device's deletion). */
static void wdfio_bfe_free_disk(struct gendisk *disk)
{
	struct wdfio_device *dev = disk->private_data;

	wdfio_object_put(&dev->obj);
}

static const struct block_device_operations wdfio_bfe_fops = {
	.owner = THIS_MODULE,
	.submit_bio = wdfio_bfe_submit_bio,
	.open = wdfio_bdops_open,
	.release = wdfio_bdops_release,
	.free_disk = wdfio_bfe_free_disk,
};

/**
 * wdfio_blkdev_register() - create the disk of a device over a block device
 * @dev: a named device with a lower target
 *
 * The disk has the lower device's capacity and queue limits (stacked as dm
 * does: block sizes, transfer and segment limits, alignment, discard) and its
 * write-cache settings; no partitions. Bios are split to those limits before
 * the driver sees them, so one forwarded as it is fits the lower device.
 *
 * Context: Process context.
 * Return: 0 or -errno.
 */
int wdfio_blkdev_register(struct wdfio_device *dev)
{
	struct wdfio_dev *lower = dev->lower ? wdfio_target_dev(dev->lower) : NULL;
	struct block_device *lb;
	struct wdfio_blkdev *bfe;
	struct gendisk *disk;
	bool misaligned;
	int err;

	might_sleep();
	if (!lower)
		return -ENODEV;
	lb = lower->bdev;
	bfe = kzalloc(sizeof(*bfe), GFP_KERNEL);
	if (!bfe)
		return -ENOMEM;
	disk = wdfio_alloc_stacked_disk(lb, NUMA_NO_NODE, &misaligned);
	if (IS_ERR(disk)) {
		kfree(bfe);
		return PTR_ERR(disk);
	}
	if (misaligned)
		pr_warn("%s: misaligned limits of the lower device\n", dev->name);
	/* major 0, minors 0: device_add_disk() gives an extended dev_t */
	disk->fops = &wdfio_bfe_fops;
	disk->private_data = dev;
	disk->flags |= GENHD_FL_NO_PART;
	strscpy(disk->disk_name, dev->name, DISK_NAME_LEN);
	set_capacity(disk, bdev_nr_sectors(lb));
	bfe->disk = disk;
	bfe->dev = dev;
	wdfio_object_get(&dev->obj);	/* dropped by free_disk */
	err = add_disk(disk);
	if (err) {
		put_disk(disk);		/* not added: free_disk is not called */
		wdfio_object_put(&dev->obj);
		kfree(bfe);
		return err;
	}
	dev->bfe = bfe;
	return 0;
}

/**
 * wdfio_blkdev_unregister() - remove a device's disk
 * @dev: the device (being deleted)
 *
 * New bios fail; open block devices stay valid until closed.
 *
 * Context: Process context.
 */
void wdfio_blkdev_unregister(struct wdfio_device *dev)
{
	struct wdfio_blkdev *bfe = dev->bfe;

	might_sleep();
	if (!bfe)
		return;
	del_gendisk(bfe->disk);
	put_disk(bfe->disk);
	dev->bfe = NULL;
	kfree(bfe);
}
