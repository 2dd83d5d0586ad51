/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wdfio_testblk internals, shared by the files of the module.
 */
#ifndef WDFIO_TESTBLK_INTERNAL_H
#define WDFIO_TESTBLK_INTERNAL_H

#include <linux/blk_types.h>
#include <linux/hrtimer.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>

#include "../compat.h"
#include "../uapi/wdfio_testblk.h"

struct gendisk;

/**
 * struct tb_dev - one wdfio_tb<N> disk
 * @index: N
 * @disk: the gendisk, private_data points back here
 * @capacity: size in 512-byte sectors
 * @lbs: logical (and physical) block size in bytes
 * @max_sectors: largest read/write bio accepted, in 512-byte sectors
 * @max_segments: most segments accepted in a read/write bio
 * @max_segment_size: largest segment, bytes (queue limit, for counting)
 * @seg_boundary: segment boundary mask (queue limit, for counting)
 * @dma_mask: every bvec's offset and length must have these bits clear
 * @max_discard: largest discard bio in sectors, 0 if discard is off
 * @pages: backing store, see store.c
 * @inflight: bios dispatched (not held) and not yet ended; the completion
 *	path decrements it after bio_endio() and then never touches the
 *	device again, so teardown waits for zero with wait_var_event()
 * @held_wq: woken whenever a bio is added to @held
 * @lock: protects every field below it; irqsave, taken from any context
 * @dying: teardown started: modes are forced off, setters refuse
 * @hold: new bios go to @held instead of being dispatched
 * @ctx: where dispatched bios are ended
 * @delay_us: delay before a dispatched bio is processed
 * @fail_count: the next @fail_count arriving bios are failed
 * @fail_status: ... with this status (WDFIO_TB_STS_*)
 * @held: held bios (struct tb_cmd.node), oldest first
 * @nr_held: length of @held
 * @st: counters; @st.held and @st.inflight are unused (filled on read)
 */
struct tb_dev {
	unsigned int index;
	struct gendisk *disk;
	sector_t capacity;
	unsigned int lbs;
	unsigned int max_sectors;
	unsigned int max_segments;
	unsigned int max_segment_size;
	unsigned long seg_boundary;
	unsigned int dma_mask;
	unsigned int max_discard;

	struct xarray pages;
	atomic_t inflight;
	wait_queue_head_t held_wq;

	spinlock_t lock;		/* irqsave; protects the fields below */
	bool dying;
	bool hold;
	enum wdfio_tb_ctx ctx;
	unsigned int delay_us;
	unsigned int fail_count;
	u8 fail_status;
	struct list_head held;
	unsigned int nr_held;
	struct wdfio_tb_stats st;
};

/**
 * struct tb_cmd - a bio accepted by the device and not yet ended
 * @node: on &tb_dev.held while held (under &tb_dev.lock), unused otherwise
 * @dev: the device
 * @bio: the bio
 * @status: the verdict; BLK_STS_OK means "perform the I/O"
 * @ctx: completion context chosen at dispatch
 * @timer: delays the completion (SOFTIRQ, HARDIRQ, delayed WORKQUEUE)
 * @work: completes in process context (WORKQUEUE)
 *
 * Allocated from a mempool in ->submit_bio (which may sleep), so dispatching
 * and completing never allocate. Owned by whoever took it off @held or
 * dispatched it; freed by tb_complete().
 */
struct tb_cmd {
	struct list_head node;
	struct tb_dev *dev;
	struct bio *bio;
	blk_status_t status;
	enum wdfio_tb_ctx ctx;
	struct hrtimer timer;
	struct work_struct work;
};

/* core.c */
struct tb_dev *tb_lookup(unsigned int index);
unsigned int tb_count(void);
blk_status_t tb_blk_status(u8 sts);
void tb_dispatch(struct tb_cmd *cmd, enum wdfio_tb_ctx ctx,
		 unsigned int delay_us, bool may_sleep);

/* store.c */
blk_status_t tb_store_prepare(struct tb_dev *dev, struct bio *bio);
blk_status_t tb_store_rw(struct tb_dev *dev, struct bio *bio);
void tb_store_discard(struct tb_dev *dev, struct bio *bio);
void tb_store_free(struct tb_dev *dev);

/* ctldev.c */
int tb_ctl_register(void);
void tb_ctl_unregister(void);

#endif /* WDFIO_TESTBLK_INTERNAL_H */
