// SPDX-License-Identifier: GPL-2.0
/*
 * wdfio_testblk: a controllable, memory-backed, bio-based block device used
 * as a test oracle by the wdfio selftests.
 *
 * Path of a bio through ->submit_bio (tb_submit_bio):
 *
 *  1. tb_check(): count it, check it against the device limits. A violation
 *     (or an unsupported operation) ends it at once, inline.
 *  2. Writes: allocate the backing pages (may sleep, GFP_NOIO).
 *  3. Allocate a struct tb_cmd (mempool, GFP_NOIO: cannot fail).
 *  4. Under dev->lock: hold mode on -> append to dev->held, done. Otherwise
 *     consume fail-next, snapshot ctx and delay, count it in flight.
 *  5. tb_dispatch(): end it, after the delay, in the chosen context.
 *
 * wdfio_tb_release() (api.c) takes held commands off the list under the
 * lock and dispatches them like step 5, with the release status as verdict.
 *
 * Teardown never leaves a bio hanging: held bios are ended with
 * BLK_STS_IOERR, in-flight ones are waited for (their delay is bounded),
 * and only then is the disk deleted, so del_gendisk() never waits on a held
 * bio (bio-based queues only hold q_usage_counter during ->submit_bio, and
 * the writeback del_gendisk() may start is processed inline).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/backing-dev.h>
#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/build_bug.h>
#include <linux/delay.h>
#include <linux/hardirq.h>
#include <linux/hrtimer.h>
#include <linux/io.h>
#include <linux/log2.h>
#include <linux/mempool.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/wait_bit.h>

#include "internal.h"

static unsigned int nr_devices = 1;
module_param(nr_devices, uint, 0444);
MODULE_PARM_DESC(nr_devices, "Number of disks wdfio_tb<N> (1..16, default 1)");

static unsigned int size_mb = 16;
module_param(size_mb, uint, 0444);
MODULE_PARM_DESC(size_mb, "Size of each disk in MiB (1..1048576, default 16)");

static unsigned int lbs = 512;
module_param(lbs, uint, 0444);
MODULE_PARM_DESC(lbs, "Logical block size: 512..4096, power of 2 (default 512)");

static unsigned int max_sectors = 64;
module_param(max_sectors, uint, 0444);
MODULE_PARM_DESC(max_sectors,
		 "Largest read/write bio in 512-byte sectors: 8..2560, multiple of lbs/512 (default 64)");

static unsigned int max_segments = 32;
module_param(max_segments, uint, 0444);
MODULE_PARM_DESC(max_segments, "Most segments per bio: 1..65535 (default 32)");

static unsigned int dma_alignment = 511;
module_param(dma_alignment, uint, 0444);
MODULE_PARM_DESC(dma_alignment,
		 "Buffer offset/length alignment mask: 2^k-1 below PAGE_SIZE (default 511)");

static bool discard = true;
module_param(discard, bool, 0444);
MODULE_PARM_DESC(discard, "Support REQ_OP_DISCARD (default 1)");

/*
 * 0 picks the largest value, which is also what makes the discard bios of
 * blkdev_issue_discard() legal: in 6.1 it leaves splitting to max_discard
 * to the driver (blk-mq does it; a bio-based driver sees them whole).
 */
static unsigned int max_discard_sectors;
module_param(max_discard_sectors, uint, 0444);
MODULE_PARM_DESC(max_discard_sectors,
		 "Largest discard bio in 512-byte sectors, multiple of lbs/512 (default 0: largest, (UINT_MAX >> 9) rounded down to lbs)");

#define TB_MAX_DEVICES		16
#define TB_MAX_SIZE_MB		(1024U * 1024U)
#define TB_CMD_POOL_MIN		16
/* Upper bound of max_sectors: 6.1's BLK_DEF_MAX_SECTORS (1.25 MiB) */
#define TB_MAX_SECTORS		2560U

/*
 * The uapi status numbers are Linux 6.1's blk_status_t values, kept stable;
 * this is what they mean on the running kernel (selftests/compat.h).
 */
static const blk_status_t tb_blk_statuses[WDFIO_TB_STS_MAX + 1] = {
	[WDFIO_TB_STS_OK]		= BLK_STS_OK,
	[WDFIO_TB_STS_NOTSUPP]		= BLK_STS_NOTSUPP,
	[WDFIO_TB_STS_TIMEOUT]		= BLK_STS_TIMEOUT,
	[WDFIO_TB_STS_NOSPC]		= BLK_STS_NOSPC,
	[WDFIO_TB_STS_TRANSPORT]	= BLK_STS_TRANSPORT,
	[WDFIO_TB_STS_TARGET]		= BLK_STS_TARGET,
	[WDFIO_TB_STS_NEXUS]		= BLK_STS_RESV_CONFLICT,
	[WDFIO_TB_STS_MEDIUM]		= BLK_STS_MEDIUM,
	[WDFIO_TB_STS_PROTECTION]	= BLK_STS_PROTECTION,
	[WDFIO_TB_STS_RESOURCE]		= BLK_STS_RESOURCE,
	[WDFIO_TB_STS_IOERR]		= BLK_STS_IOERR,
	[WDFIO_TB_STS_DM_REQUEUE]	= BLK_STS_DM_REQUEUE,
	[WDFIO_TB_STS_AGAIN]		= BLK_STS_AGAIN,
	[WDFIO_TB_STS_DEV_RESOURCE]	= BLK_STS_DEV_RESOURCE,
	[WDFIO_TB_STS_ZONE_RESOURCE]	= WDFIO_BLK_STS_UNMAPPED,
	[WDFIO_TB_STS_ZONE_OPEN_RESOURCE] = BLK_STS_ZONE_OPEN_RESOURCE,
	[WDFIO_TB_STS_ZONE_ACTIVE_RESOURCE] = BLK_STS_ZONE_ACTIVE_RESOURCE,
	[WDFIO_TB_STS_OFFLINE]		= BLK_STS_OFFLINE,
};

/* A uapi status (0..WDFIO_TB_STS_MAX, checked by the caller) as blk_status_t */
blk_status_t tb_blk_status(u8 sts)
{
	return tb_blk_statuses[sts];
}

/*
 * Set once in tb_init() before anything can look devices up (the control
 * device is registered last, and modules using the API load after us), and
 * read-only until tb_exit().
 */
static struct tb_dev **tb_devs;
static unsigned int tb_nr_devs;

static struct kmem_cache *tb_cmd_cache;
static mempool_t *tb_cmd_pool;
static struct workqueue_struct *tb_wq;

struct tb_dev *tb_lookup(unsigned int index)
{
	return index < tb_nr_devs ? tb_devs[index] : NULL;
}

unsigned int tb_count(void)
{
	return tb_nr_devs;
}

/* Segments as the block layer's splitter counts them (bio_split_rw()). */
static unsigned int tb_bvec_segments(const struct tb_dev *dev,
				     const struct bio_vec *bv)
{
	phys_addr_t addr = page_to_phys(bv->bv_page) + bv->bv_offset;
	unsigned int left = bv->bv_len;
	unsigned int nsegs = 0;

	if (bv->bv_offset + bv->bv_len <= PAGE_SIZE)
		return 1;
	while (left) {
		/* "- 1 ... + 1": a mask of ULONG_MAX must not wrap to 0. */
		unsigned int seg = min_t(unsigned long,
					 dev->max_segment_size - 1,
					 dev->seg_boundary -
					 (addr & dev->seg_boundary)) + 1;

		seg = min(seg, left);
		addr += seg;
		left -= seg;
		nsegs++;
	}
	return nsegs;
}

/*
 * Check a bio against the device limits and count it. Returns BLK_STS_OK,
 * BLK_STS_NOTSUPP for an operation the device does not do, or
 * BLK_STS_IOERR for a violation (counted, logged once, ratelimited).
 */
static blk_status_t tb_check(struct tb_dev *dev, struct bio *bio)
{
	unsigned int bytes = bio->bi_iter.bi_size;
	sector_t sector = bio->bi_iter.bi_sector;
	sector_t nr = bio_sectors(bio);
	unsigned int nsegs = 0;
	bool misaligned = false;
	const char *why = NULL;
	struct bvec_iter iter;
	struct bio_vec bv;
	unsigned long flags;

	switch (bio_op(bio)) {
	case REQ_OP_READ:
	case REQ_OP_WRITE:
		bio_for_each_bvec(bv, bio, iter) {
			nsegs += tb_bvec_segments(dev, &bv);
			if ((bv.bv_offset | bv.bv_len) & dev->dma_mask)
				misaligned = true;
		}
		if (nr > dev->max_sectors)
			why = "larger than max_sectors";
		else if (nsegs > dev->max_segments)
			why = "more segments than max_segments";
		else if (misaligned)
			why = "buffer not aligned to dma_alignment";
		break;
	case REQ_OP_DISCARD:
		if (!dev->max_discard)
			goto notsupp;
		if (nr > dev->max_discard)
			why = "larger than max_discard_sectors";
		break;
	default:
		goto notsupp;
	}
	/* Empty bios (a bare REQ_PREFLUSH) have no position to check. */
	if (!why && bytes) {
		if (sector & ((dev->lbs >> SECTOR_SHIFT) - 1) ||
		    bytes & (dev->lbs - 1))
			why = "not aligned to the logical block size";
		else if (sector > dev->capacity || nr > dev->capacity - sector)
			why = "beyond the end of the device";
	}

	spin_lock_irqsave(&dev->lock, flags);
	dev->st.bios_seen++;
	dev->st.max_bio_bytes = max_t(u64, dev->st.max_bio_bytes, bytes);
	dev->st.max_segments = max_t(u64, dev->st.max_segments, nsegs);
	if (why)
		dev->st.violations++;
	spin_unlock_irqrestore(&dev->lock, flags);

	if (!why)
		return BLK_STS_OK;
	pr_warn_ratelimited("%s: violation: %s: %s sector %llu bytes %u segments %u\n",
			    dev->disk->disk_name, why, blk_op_str(bio_op(bio)),
			    (unsigned long long)sector, bytes, nsegs);
	return BLK_STS_IOERR;

notsupp:
	spin_lock_irqsave(&dev->lock, flags);
	dev->st.bios_seen++;
	spin_unlock_irqrestore(&dev->lock, flags);
	return BLK_STS_NOTSUPP;
}

/* End a bio with @st, counting it. Does not touch dev->inflight. */
static void tb_end_bio(struct tb_dev *dev, struct bio *bio, blk_status_t st)
{
	unsigned int bytes = bio->bi_iter.bi_size;
	struct wdfio_tb_stats *s = &dev->st;
	unsigned long flags;

	spin_lock_irqsave(&dev->lock, flags);
	s->bios_completed++;
	if (in_hardirq())
		s->done_hardirq++;
	else if (in_serving_softirq())
		s->done_softirq++;
	else
		s->done_task++;
	if (st) {
		s->bios_failed++;
	} else if (bio_op(bio) == REQ_OP_DISCARD) {
		s->discards++;
		s->bytes_discarded += bytes;
	} else {
		if (bio->bi_opf & REQ_PREFLUSH)
			s->flushes++;
		if (op_is_write(bio_op(bio))) {
			s->bytes_written += bytes;
			if (bio->bi_opf & REQ_FUA)
				s->fua++;
		} else {
			s->bytes_read += bytes;
		}
	}
	spin_unlock_irqrestore(&dev->lock, flags);

	bio->bi_status = st;
	bio_endio(bio);
}

/*
 * Process a dispatched command in the current context: perform the I/O if
 * the verdict is OK, end the bio, drop the in-flight count. Safe in hard
 * IRQ context (see store.c). After the in-flight count is dropped the
 * device may be freed, so it is the last access.
 */
static void tb_complete(struct tb_cmd *cmd)
{
	struct tb_dev *dev = cmd->dev;
	struct bio *bio = cmd->bio;
	blk_status_t st = cmd->status;

	mempool_free(cmd, tb_cmd_pool);

	if (st == BLK_STS_OK) {
		switch (bio_op(bio)) {
		case REQ_OP_DISCARD:
			tb_store_discard(dev, bio);
			break;
		default:
			/* Flushes are no-ops: the store is the medium. */
			st = tb_store_rw(dev, bio);
			break;
		}
	}
	tb_end_bio(dev, bio, st);

	if (atomic_dec_and_test(&dev->inflight))
		wake_up_var(&dev->inflight);
}

static void tb_work_fn(struct work_struct *work)
{
	tb_complete(container_of(work, struct tb_cmd, work));
}

static enum hrtimer_restart tb_timer_fn(struct hrtimer *timer)
{
	struct tb_cmd *cmd = container_of(timer, struct tb_cmd, timer);

	if (cmd->ctx == WDFIO_TB_CTX_WORKQUEUE)
		queue_work(tb_wq, &cmd->work);
	else
		tb_complete(cmd);
	return HRTIMER_NORESTART;
}

static void tb_start_timer(struct tb_cmd *cmd, enum hrtimer_mode mode,
			   unsigned int delay_us)
{
	wdfio_hrtimer_setup(&cmd->timer, tb_timer_fn, CLOCK_MONOTONIC, mode);
	hrtimer_start(&cmd->timer, ns_to_ktime((u64)delay_us * NSEC_PER_USEC),
		      mode);
}

/**
 * tb_dispatch() - end a command after @delay_us in context @ctx
 * @cmd: the command, already counted in dev->inflight, on no list
 * @ctx: completion context
 * @delay_us: delay before the command is processed
 * @may_sleep: the caller may sleep; only then does INLINE honour the delay
 *	(by sleeping). A release from a context that cannot sleep processes
 *	INLINE commands at once.
 *
 * Context: any context. The command is owned by the callee afterwards.
 */
void tb_dispatch(struct tb_cmd *cmd, enum wdfio_tb_ctx ctx,
		 unsigned int delay_us, bool may_sleep)
{
	cmd->ctx = ctx;
	switch (ctx) {
	case WDFIO_TB_CTX_SOFTIRQ:
		tb_start_timer(cmd, HRTIMER_MODE_REL_SOFT, delay_us);
		break;
	case WDFIO_TB_CTX_HARDIRQ:
		tb_start_timer(cmd, HRTIMER_MODE_REL_HARD, delay_us);
		break;
	case WDFIO_TB_CTX_WORKQUEUE:
		INIT_WORK(&cmd->work, tb_work_fn);
		if (delay_us)
			tb_start_timer(cmd, HRTIMER_MODE_REL_HARD, delay_us);
		else
			queue_work(tb_wq, &cmd->work);
		break;
	default:
		if (delay_us && may_sleep)
			fsleep(delay_us);
		tb_complete(cmd);
		break;
	}
}

static void tb_submit_bio(struct bio *bio)
{
	struct tb_dev *dev = bio->bi_bdev->bd_disk->private_data;
	enum wdfio_tb_ctx ctx;
	unsigned int delay_us;
	struct tb_cmd *cmd;
	unsigned long flags;
	blk_status_t st;

	st = tb_check(dev, bio);
	if (!st && bio_op(bio) == REQ_OP_WRITE && bio->bi_iter.bi_size)
		st = tb_store_prepare(dev, bio);
	if (st) {
		tb_end_bio(dev, bio, st);
		return;
	}

	cmd = mempool_alloc(tb_cmd_pool, GFP_NOIO);
	cmd->dev = dev;
	cmd->bio = bio;
	cmd->status = BLK_STS_OK;

	spin_lock_irqsave(&dev->lock, flags);
	if (dev->hold) {
		list_add_tail(&cmd->node, &dev->held);
		WRITE_ONCE(dev->nr_held, dev->nr_held + 1);
		spin_unlock_irqrestore(&dev->lock, flags);
		wake_up(&dev->held_wq);
		return;
	}
	if (dev->fail_count) {
		dev->fail_count--;
		cmd->status = tb_blk_status(dev->fail_status);
	}
	ctx = dev->ctx;
	delay_us = dev->delay_us;
	atomic_inc(&dev->inflight);
	spin_unlock_irqrestore(&dev->lock, flags);

	tb_dispatch(cmd, ctx, delay_us, true);
}

static const struct block_device_operations tb_fops = {
	.owner		= THIS_MODULE,
	.submit_bio	= tb_submit_bio,
};

/*
 * Stop all control, end held bios with BLK_STS_IOERR and wait until no bio
 * is in flight. Bios arriving afterwards are processed inline at once.
 */
static void tb_dev_quiesce(struct tb_dev *dev)
{
	struct tb_cmd *cmd, *next;
	unsigned long flags;
	unsigned int n;
	LIST_HEAD(batch);

	spin_lock_irqsave(&dev->lock, flags);
	dev->dying = true;
	dev->hold = false;
	dev->fail_count = 0;
	dev->delay_us = 0;
	dev->ctx = WDFIO_TB_CTX_INLINE;
	list_splice_init(&dev->held, &batch);
	n = dev->nr_held;
	WRITE_ONCE(dev->nr_held, 0);
	atomic_add(n, &dev->inflight);
	spin_unlock_irqrestore(&dev->lock, flags);

	if (n)
		pr_info("%s: ending %u held bios with BLK_STS_IOERR\n",
			dev->disk->disk_name, n);
	list_for_each_entry_safe(cmd, next, &batch, node) {
		list_del(&cmd->node);
		cmd->status = BLK_STS_IOERR;
		tb_dispatch(cmd, WDFIO_TB_CTX_INLINE, 0, true);
	}
	wait_var_event(&dev->inflight, !atomic_read(&dev->inflight));
}

/* What the splitter would count with, for tb_bvec_segments(). */
static void tb_get_limits(struct tb_dev *dev, struct request_queue *q)
{
	dev->max_segment_size = queue_max_segment_size(q);
	dev->seg_boundary = queue_segment_boundary(q);
}

static int tb_dev_create(unsigned int index, struct tb_dev **out)
{
	struct wdfio_disk_limits limits;
	struct gendisk *disk;
	struct tb_dev *dev;
	int err;

	dev = kzalloc(sizeof(*dev), GFP_KERNEL);
	if (!dev)
		return -ENOMEM;
	dev->index = index;
	dev->capacity = (sector_t)size_mb << (20 - SECTOR_SHIFT);
	dev->lbs = lbs;
	dev->max_sectors = max_sectors;
	dev->max_segments = max_segments;
	dev->dma_mask = dma_alignment;
	dev->max_discard = discard ? max_discard_sectors : 0;
	limits = (struct wdfio_disk_limits) {
		.lbs			= dev->lbs,
		.max_hw_sectors		= dev->max_sectors,
		.max_segments		= dev->max_segments,
		.dma_alignment		= dev->dma_mask,
		.max_discard_sectors	= dev->max_discard,
		.discard_granularity	= dev->lbs,
		.write_cache		= true,
	};
	xa_init(&dev->pages);
	atomic_set(&dev->inflight, 0);
	init_waitqueue_head(&dev->held_wq);
	spin_lock_init(&dev->lock);
	dev->ctx = WDFIO_TB_CTX_INLINE;
	INIT_LIST_HEAD(&dev->held);

	disk = wdfio_alloc_disk(&limits, NUMA_NO_NODE);
	if (IS_ERR(disk)) {
		err = PTR_ERR(disk);
		goto err_free_dev;
	}
	dev->disk = disk;
	/* major 0, minors 0: add_disk() picks a dynamic (extended) dev_t. */
	disk->fops = &tb_fops;
	disk->private_data = dev;
	disk->flags |= GENHD_FL_NO_PART;
	snprintf(disk->disk_name, DISK_NAME_LEN, WDFIO_TB_DISK_PREFIX "%u",
		 index);
	set_capacity(disk, dev->capacity);
	tb_get_limits(dev, disk->queue);

	err = add_disk(disk);
	if (err)
		goto err_put_disk;

	/*
	 * Page-cache readahead builds bios as large as its window and a
	 * bio-based driver sees them unsplit. Keep the window within
	 * max_sectors and max_segments so buffered I/O stays legal.
	 * add_disk() set the default, so this has to come after it.
	 */
	disk->bdi->ra_pages = min(dev->max_sectors >> (PAGE_SHIFT - SECTOR_SHIFT),
				  dev->max_segments);

	*out = dev;
	return 0;

err_put_disk:
	put_disk(disk);
err_free_dev:
	kfree(dev);
	return err;
}

static void tb_dev_destroy(struct tb_dev *dev)
{
	tb_dev_quiesce(dev);
	del_gendisk(dev->disk);
	put_disk(dev->disk);
	tb_store_free(dev);
	kfree(dev);
}

static int tb_check_params(void)
{
	unsigned int lbs_sectors = lbs >> SECTOR_SHIFT;

	if (!nr_devices || nr_devices > TB_MAX_DEVICES) {
		pr_err("nr_devices must be 1..%u\n", TB_MAX_DEVICES);
		return -EINVAL;
	}
	if (!size_mb || size_mb > TB_MAX_SIZE_MB) {
		pr_err("size_mb must be 1..%u\n", TB_MAX_SIZE_MB);
		return -EINVAL;
	}
	if (lbs < 512 || lbs > 4096 || !is_power_of_2(lbs)) {
		pr_err("lbs must be a power of 2 in 512..4096\n");
		return -EINVAL;
	}
	if (max_sectors < (PAGE_SIZE >> SECTOR_SHIFT) ||
	    max_sectors > TB_MAX_SECTORS || max_sectors % lbs_sectors) {
		pr_err("max_sectors must be %lu..%u and a multiple of lbs/512\n",
		       PAGE_SIZE >> SECTOR_SHIFT, TB_MAX_SECTORS);
		return -EINVAL;
	}
	if (!max_segments || max_segments > USHRT_MAX) {
		pr_err("max_segments must be 1..%u\n", USHRT_MAX);
		return -EINVAL;
	}
	if (dma_alignment >= PAGE_SIZE || !is_power_of_2(dma_alignment + 1)) {
		pr_err("dma_alignment must be 2^k-1 below %lu\n", PAGE_SIZE);
		return -EINVAL;
	}
	if (!max_discard_sectors)
		max_discard_sectors = round_down(UINT_MAX >> SECTOR_SHIFT,
						 lbs_sectors);
	if (max_discard_sectors > UINT_MAX >> SECTOR_SHIFT ||
	    max_discard_sectors % lbs_sectors) {
		pr_err("max_discard_sectors must be 0..%u and a multiple of lbs/512\n",
		       UINT_MAX >> SECTOR_SHIFT);
		return -EINVAL;
	}
	return 0;
}

static int __init tb_init(void)
{
	unsigned int i;
	int err;

	err = tb_check_params();
	if (err)
		return err;

	tb_cmd_cache = KMEM_CACHE(tb_cmd, 0);
	if (!tb_cmd_cache)
		return -ENOMEM;
	tb_cmd_pool = mempool_create_slab_pool(TB_CMD_POOL_MIN, tb_cmd_cache);
	if (!tb_cmd_pool) {
		err = -ENOMEM;
		goto err_destroy_cache;
	}
	/* Completes I/O, so it must make progress under memory pressure. */
	tb_wq = alloc_ordered_workqueue("wdfio_tb", WQ_MEM_RECLAIM);
	if (!tb_wq) {
		err = -ENOMEM;
		goto err_destroy_pool;
	}
	tb_devs = kcalloc(nr_devices, sizeof(*tb_devs), GFP_KERNEL);
	if (!tb_devs) {
		err = -ENOMEM;
		goto err_destroy_wq;
	}
	for (i = 0; i < nr_devices; i++) {
		err = tb_dev_create(i, &tb_devs[i]);
		if (err)
			goto err_destroy_devs;
	}
	tb_nr_devs = nr_devices;

	err = tb_ctl_register();
	if (err)
		goto err_destroy_devs;

	pr_info("%u disks of %u MiB, lbs %u, max_sectors %u, max_segments %u, dma_alignment %#x, max_discard_sectors %u\n",
		nr_devices, size_mb, lbs, max_sectors, max_segments,
		dma_alignment, discard ? max_discard_sectors : 0);
	return 0;

err_destroy_devs:
	tb_nr_devs = 0;
	while (i--)
		tb_dev_destroy(tb_devs[i]);
	kfree(tb_devs);
	/* Let hrtimer callbacks that ended the last bios return. */
	synchronize_rcu();
err_destroy_wq:
	destroy_workqueue(tb_wq);
err_destroy_pool:
	mempool_destroy(tb_cmd_pool);
err_destroy_cache:
	kmem_cache_destroy(tb_cmd_cache);
	return err;
}

static void __exit tb_exit(void)
{
	unsigned int i;

	tb_ctl_unregister();
	for (i = 0; i < tb_nr_devs; i++)
		tb_dev_destroy(tb_devs[i]);
	tb_nr_devs = 0;
	kfree(tb_devs);
	/*
	 * Every bio has been ended, but an hrtimer callback may still be
	 * returning from tb_complete(): hrtimer callbacks run with interrupts
	 * or bottom halves disabled, so an RCU grace period waits for them.
	 * destroy_workqueue() waits for work items the same way.
	 */
	synchronize_rcu();
	destroy_workqueue(tb_wq);
	mempool_destroy(tb_cmd_pool);
	kmem_cache_destroy(tb_cmd_cache);
}

module_init(tb_init);
module_exit(tb_exit);

MODULE_DESCRIPTION("wdfio selftests: controllable memory-backed block device");
MODULE_LICENSE("GPL");
