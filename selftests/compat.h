/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel-version shims of the test modules (wdfio_testblk, wdfio_test), on
 * top of wdfio's own seam, kmod/compat.h (block device open/close, status
 * names, workqueue flags). Together they are the only files that know
 * kernel versions; the rules are the same (see kmod/compat.h).
 */
#ifndef _WDFIO_SELFTESTS_COMPAT_H
#define _WDFIO_SELFTESTS_COMPAT_H

#include <linux/blkdev.h>
#include <linux/hrtimer.h>
#include <linux/timer.h>
#include <linux/version.h>

#include "../kmod/compat.h"

/* 6.12 moved <asm/unaligned.h> to <linux/unaligned.h>. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

/* 6.16 renamed from_timer() to timer_container_of(); 7.2 removed the old name. */
#ifndef timer_container_of
#define timer_container_of(var, timer, field) from_timer(var, timer, field)
#endif

/*
 * 6.13 added hrtimer_setup(), which sets the callback with the rest; 7.2
 * removed hrtimer_init(), after which ->function had to be assigned.
 */
static inline void
wdfio_hrtimer_setup(struct hrtimer *timer,
		    enum hrtimer_restart (*function)(struct hrtimer *),
		    clockid_t clock, enum hrtimer_mode mode)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
	hrtimer_setup(timer, function, clock, mode);
#else
	hrtimer_init(timer, clock, mode);
	timer->function = function;
#endif
}

/*
 * A blk_status_t that wdfio's status table has no entry for (the "anything
 * else" row): 6.1's BLK_STS_ZONE_RESOURCE; on the kernels that removed it
 * (6.12 has none), BLK_STS_DURATION_LIMIT (added in 6.5), which wdfio does
 * not map either.
 */
#ifdef BLK_STS_ZONE_RESOURCE
#define WDFIO_BLK_STS_UNMAPPED BLK_STS_ZONE_RESOURCE
#else
#define WDFIO_BLK_STS_UNMAPPED BLK_STS_DURATION_LIMIT
#endif

/**
 * struct wdfio_disk_limits - the queue limits of a bio-based test disk
 * @lbs: logical and physical block size
 * @max_hw_sectors: largest read/write bio, in 512-byte sectors
 * @max_segments: most segments in a read/write bio
 * @dma_alignment: buffer alignment mask
 * @max_discard_sectors: largest discard bio; 0: no discard
 * @discard_granularity: discard granularity in bytes
 * @write_cache: the disk has a volatile write cache and supports FUA
 *
 * The disk is always non-rotational and adds no entropy.
 */
struct wdfio_disk_limits {
	unsigned int lbs;
	unsigned int max_hw_sectors;
	unsigned short max_segments;
	unsigned int dma_alignment;
	unsigned int max_discard_sectors;
	unsigned int discard_granularity;
	bool write_cache;
};

/*
 * Allocate a bio-based gendisk with the limits @l. Returns the disk or an
 * ERR_PTR. Up to 6.8 blk_alloc_disk() took only the node (NULL on failure)
 * and the limits were set one by one; 6.9 made it take a struct
 * queue_limits (and return an ERR_PTR), and 6.11 moved the queue flags
 * (write cache, FUA, rotational, add-random) into queue_limits.features.
 * 6.9 and 6.10 are not supported (no tested kernel has them).
 */
static inline struct gendisk *
wdfio_alloc_disk(const struct wdfio_disk_limits *l, int node)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
	struct queue_limits lim = {
		.logical_block_size	= l->lbs,
		.physical_block_size	= l->lbs,
		.max_hw_sectors		= l->max_hw_sectors,
		.max_segments		= l->max_segments,
		.dma_alignment		= l->dma_alignment,
		.max_hw_discard_sectors	= l->max_discard_sectors,
		.discard_granularity	= l->max_discard_sectors ?
					  l->discard_granularity : 0,
		.features		= l->write_cache ?
					  BLK_FEAT_WRITE_CACHE | BLK_FEAT_FUA : 0,
	};

	return blk_alloc_disk(&lim, node);
#elif LINUX_VERSION_CODE < KERNEL_VERSION(6, 9, 0)
	struct gendisk *disk = blk_alloc_disk(node);
	struct request_queue *q;

	if (!disk)
		return ERR_PTR(-ENOMEM);
	q = disk->queue;
	blk_queue_logical_block_size(q, l->lbs);
	blk_queue_physical_block_size(q, l->lbs);
	blk_queue_max_hw_sectors(q, l->max_hw_sectors);
	blk_queue_max_segments(q, l->max_segments);
	blk_queue_dma_alignment(q, l->dma_alignment);
	blk_queue_write_cache(q, l->write_cache, l->write_cache);
	if (l->max_discard_sectors) {
		blk_queue_max_discard_sectors(q, l->max_discard_sectors);
		q->limits.discard_granularity = l->discard_granularity;
	}
	blk_queue_flag_set(QUEUE_FLAG_NONROT, q);
	blk_queue_flag_clear(QUEUE_FLAG_ADD_RANDOM, q);
	return disk;
#else
#error "Linux 6.9 and 6.10 disk allocation is not supported (see README, Kernel matrix)"
#endif
}

#endif /* _WDFIO_SELFTESTS_COMPAT_H */
