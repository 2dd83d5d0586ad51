// SPDX-License-Identifier: GPL-2.0
/*
 * wdfio_remap: the floor of the benchmark's fio rows (README, "Benchmark").
 * A bio-based disk /dev/wdfremap0 over a lower block device (module
 * parameter "lower") whose ->submit_bio only splits a bio to the limits
 * and hands it to the lower device: no WDF, no clone, no accounting. What
 * it costs above the raw device, every bio-based forwarder pays (our
 * disk's pass through the block layer and the second submission); the
 * rest of dm-linear's and the WDF filter's cost is their own.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/module.h>
#include <linux/moduleparam.h>

#include "../compat.h"

static char *lower = "/dev/nullb0";
module_param(lower, charp, 0444);
MODULE_PARM_DESC(lower, "the block device to remap to (default /dev/nullb0)");

static struct wdfio_bdev_handle remap_lower;
static struct gendisk *remap_disk;

static void remap_submit_bio(struct bio *bio)
{
	bio = bio_split_to_limits(bio);
	if (!bio)
		return;
	bio_set_dev(bio, remap_lower.bdev);
	submit_bio_noacct(bio);
}

static const struct block_device_operations remap_fops = {
	.owner = THIS_MODULE,
	.submit_bio = remap_submit_bio,
};

static int __init remap_init(void)
{
	struct wdfio_disk_limits lim = {};
	struct block_device *bdev;
	int err;

	err = wdfio_bdev_open(&remap_lower, lower, true, NULL);
	if (err) {
		pr_err("cannot open %s: %d\n", lower, err);
		return err;
	}
	bdev = remap_lower.bdev;
	lim.lbs = bdev_logical_block_size(bdev);
	lim.max_hw_sectors = queue_max_hw_sectors(bdev_get_queue(bdev));
	lim.max_segments = queue_max_segments(bdev_get_queue(bdev));
	lim.dma_alignment = bdev_dma_alignment(bdev);
	remap_disk = wdfio_alloc_disk(&lim, NUMA_NO_NODE);
	if (IS_ERR(remap_disk)) {
		err = PTR_ERR(remap_disk);
		goto close_lower;
	}
	strscpy(remap_disk->disk_name, "wdfremap0", DISK_NAME_LEN);
	remap_disk->fops = &remap_fops;
	set_capacity(remap_disk, bdev_nr_sectors(bdev));
	err = add_disk(remap_disk);
	if (err)
		goto put_disk;
	pr_info("/dev/wdfremap0 over %s\n", lower);
	return 0;

put_disk:
	put_disk(remap_disk);
close_lower:
	wdfio_bdev_close(&remap_lower);
	return err;
}

static void __exit remap_exit(void)
{
	del_gendisk(remap_disk);
	put_disk(remap_disk);
	wdfio_bdev_close(&remap_lower);
}

module_init(remap_init);
module_exit(remap_exit);

MODULE_DESCRIPTION("wdfio benchmark: a bare bio remap, the floor of any forwarder");
MODULE_LICENSE("GPL");
