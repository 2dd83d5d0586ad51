// SPDX-License-Identifier: GPL-2.0
/*
 * The block front-end: a WDF device over a lower block device (made by
 * wdfio_driver_add_device) as a bio-based disk /dev/<name>.
 *
 * Every bio becomes a request of the device's queues: reads and writes with
 * Length and DeviceOffset (bytes), an empty REQ_PREFLUSH write as
 * WdfRequestTypeFlushBuffers, discard and write-zeroes as WdfRequestTypeOther
 * (Parameters.Others: Arg1 = byte offset, Arg2 = length, IoControlCode =
 * the REQ_OP). A write with REQ_PREFLUSH or REQ_FUA is a flush, the write
 * and (FUA) a flush, one after the other (wdfio_bfe_seq_start()). The
 * completion ends the bio with the status mapped back
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

/*
 * A write with REQ_PREFLUSH and/or REQ_FUA is three steps through the
 * driver: a flush (WdfRequestTypeFlushBuffers), the write without the
 * flags, a flush; each step starts when the one before succeeded. WDF
 * requests carry no such flags, and the driver may handle the write itself
 * or send it to its target as a copy, so the front-end keeps the promise:
 * the flushes reach the driver (which must handle flushes: the disk
 * advertises a write cache), whatever it does with the data. The write is
 * a clone of the bio, which ends to us both when the driver completes the
 * request and when it forwards the clone as it is (SEND_AND_FORGET).
 */
enum wdfio_bfe_step {
	WDFIO_BFE_PREFLUSH,
	WDFIO_BFE_DATA,
	WDFIO_BFE_POSTFLUSH,
	WDFIO_BFE_END,
};

struct wdfio_bfe_seq {
	struct work_struct work;
	struct wdfio_device *dev;	/* referenced */
	struct bio *bio;
	struct bio *clone;		/* the write's, while it runs */
	bool postflush;			/* REQ_FUA */
	enum wdfio_bfe_step step;	/* the one running or next */
};

static void wdfio_bfe_seq_end(struct wdfio_bfe_seq *s, blk_status_t st)
{
	struct bio *bio = s->bio;

	wdfio_object_put(&s->dev->obj);
	kfree(s);
	bio->bi_status = st;
	bio_endio(bio);
}

/* A step ended with @st (any context): the next one runs from a work item. */
static void wdfio_bfe_seq_step_done(struct wdfio_bfe_seq *s, blk_status_t st)
{
	if (st) {
		wdfio_bfe_seq_end(s, st);
		return;
	}
	s->step++;
	if (s->step == WDFIO_BFE_POSTFLUSH && !s->postflush)
		s->step++;
	if (s->step == WDFIO_BFE_END) {
		wdfio_bfe_seq_end(s, BLK_STS_OK);
		return;
	}
	wdfio_queue_work(&s->work);
}

/* The write's clone ended: completed by the driver or by the lower device. */
static void wdfio_bfe_seq_clone_end(struct bio *clone)
{
	struct wdfio_bfe_seq *s = clone->bi_private;
	blk_status_t st = clone->bi_status;

	s->clone = NULL;
	bio_put(clone);
	wdfio_bfe_seq_step_done(s, st);
}

static void wdfio_bfe_seq_complete(void *ctx, NTSTATUS status, ULONG_PTR info)
{
	struct wdfio_bfe_seq *s = ctx;
	blk_status_t st = wdfio_blk_status_from_nt(status);
	struct bio *clone = s->clone;

	if (!clone) {
		wdfio_bfe_seq_step_done(s, st);
		return;
	}
	if (!st && info < clone->bi_iter.bi_size)
		st = BLK_STS_IOERR;
	clone->bi_status = st;
	bio_endio(clone);
}

static const struct wdfio_fe_ops wdfio_bfe_seq_ops = {
	.complete = wdfio_bfe_seq_complete,
};

/* Send the current step (process context: a work item or ->submit_bio). */
static void wdfio_bfe_seq_submit(struct wdfio_bfe_seq *s)
{
	struct bio *bio = s->bio;
	struct wdfio_io_desc d = {};
	struct wdfio_request *req;
	unsigned int noio;
	NTSTATUS status;

	noio = memalloc_noio_save();
	d.fe = &wdfio_bfe_seq_ops;
	d.fe_ctx = s;
	if (s->step == WDFIO_BFE_DATA) {
		s->clone = bio_alloc_clone(bio->bi_bdev, bio, GFP_NOIO,
					   &fs_bio_set);
		if (!s->clone) {
			memalloc_noio_restore(noio);
			wdfio_bfe_seq_step_done(s, BLK_STS_RESOURCE);
			return;
		}
		s->clone->bi_end_io = wdfio_bfe_seq_clone_end;
		s->clone->bi_private = s;
		d.type = WdfRequestTypeWrite;
		d.offset = (u64)bio->bi_iter.bi_sector << SECTOR_SHIFT;
		d.length = bio->bi_iter.bi_size;
		d.bio = s->clone;
	} else {
		/* No bio: a flush sent and forgotten is IOCTL_DISK_FLUSH_CACHE. */
		d.type = WdfRequestTypeFlushBuffers;
	}
	status = wdfio_device_submit(s->dev, &d, &req);
	memalloc_noio_restore(noio);
	if (status == STATUS_PENDING) {
		wdfio_object_put(&req->obj);
		return;
	}
	/* Refused: no completion comes. */
	wdfio_bfe_seq_complete(s, status, 0);
}

static void wdfio_bfe_seq_work(struct work_struct *work)
{
	wdfio_bfe_seq_submit(container_of(work, struct wdfio_bfe_seq, work));
}

/* Start the steps of a write with REQ_PREFLUSH/REQ_FUA; false: no memory. */
static bool wdfio_bfe_seq_start(struct wdfio_device *dev, struct bio *bio)
{
	struct wdfio_bfe_seq *s = kzalloc(sizeof(*s), GFP_NOIO);

	if (!s)
		return false;
	INIT_WORK(&s->work, wdfio_bfe_seq_work);
	wdfio_object_get(&dev->obj);
	s->dev = dev;
	s->bio = bio;
	s->postflush = bio->bi_opf & REQ_FUA;
	s->step = bio->bi_opf & REQ_PREFLUSH ? WDFIO_BFE_PREFLUSH :
					       WDFIO_BFE_DATA;
	bio->bi_opf &= ~(REQ_PREFLUSH | REQ_FUA);
	wdfio_bfe_seq_submit(s);
	return true;
}

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
		if (bio->bi_iter.bi_size &&
		    (bio->bi_opf & (REQ_PREFLUSH | REQ_FUA))) {
			if (!wdfio_bfe_seq_start(dev, bio)) {
				bio->bi_status = BLK_STS_RESOURCE;
				bio_endio(bio);
			}
			return;
		}
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
