// SPDX-License-Identifier: GPL-2.0
/*
 * wdfio_testblk in-kernel control API, used by the selftest driver and by
 * the ioctls of /dev/wdfio_tb_ctl. Every function except
 * wdfio_tb_wait_held() only takes the per-device spinlock (irqsave), so it
 * may be called from any context, including hard IRQ.
 */

#include <linux/blkdev.h>
#include <linux/export.h>
#include <linux/jiffies.h>
#include <linux/random.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/wait.h>

#include "internal.h"

/* A status to inject: 1..WDFIO_TB_STS_MAX. */
static bool tb_status_valid(u8 blk_status)
{
	return blk_status && blk_status <= WDFIO_TB_STS_MAX;
}

/**
 * wdfio_tb_nr_devices() - number of wdfio_tb disks
 *
 * Context: any context.
 * Return: the number of devices; valid indexes are 0 .. return value - 1.
 */
unsigned int wdfio_tb_nr_devices(void)
{
	return tb_count();
}
EXPORT_SYMBOL_GPL(wdfio_tb_nr_devices);

/**
 * wdfio_tb_get_info() - geometry, limits and current modes of a device
 * @dev: device index
 * @info: filled in completely (no field is left uninitialised)
 *
 * Context: any context.
 * Return: 0, or -ENODEV for a bad index.
 */
int wdfio_tb_get_info(unsigned int dev, struct wdfio_tb_info *info)
{
	struct tb_dev *d = tb_lookup(dev);
	unsigned long flags;

	if (!d)
		return -ENODEV;
	memset(info, 0, sizeof(*info));
	info->capacity_sectors = d->capacity;
	info->nr_devices = tb_count();
	info->major = d->disk->major;
	info->minor = d->disk->first_minor;
	info->logical_block_size = d->lbs;
	info->max_sectors = d->max_sectors;
	info->max_segments = d->max_segments;
	info->max_segment_size = d->max_segment_size;
	info->dma_alignment = d->dma_mask;
	info->max_discard_sectors = d->max_discard;

	spin_lock_irqsave(&d->lock, flags);
	info->hold = d->hold;
	info->ctx = d->ctx;
	info->delay_us = d->delay_us;
	info->fail_count = d->fail_count;
	info->fail_status = d->fail_status;
	spin_unlock_irqrestore(&d->lock, flags);
	return 0;
}
EXPORT_SYMBOL_GPL(wdfio_tb_get_info);

/**
 * wdfio_tb_set_hold() - switch hold mode
 * @dev: device index
 * @on: true: bios arriving from now on are queued (FIFO) instead of
 *	processed; false: new bios are processed again. Bios already held
 *	stay held until wdfio_tb_release().
 *
 * Context: any context.
 * Return: 0, or -ENODEV for a bad index or a device being torn down.
 */
int wdfio_tb_set_hold(unsigned int dev, bool on)
{
	struct tb_dev *d = tb_lookup(dev);
	unsigned long flags;
	int ret = 0;

	if (!d)
		return -ENODEV;
	spin_lock_irqsave(&d->lock, flags);
	if (d->dying)
		ret = -ENODEV;
	else
		d->hold = on;
	spin_unlock_irqrestore(&d->lock, flags);
	return ret;
}
EXPORT_SYMBOL_GPL(wdfio_tb_set_hold);

/* Take the held command to release next off the list. */
static struct tb_cmd *tb_pick_held(struct tb_dev *d, enum wdfio_tb_order order)
{
	struct tb_cmd *cmd;
	u32 skip;

	lockdep_assert_held(&d->lock);
	switch (order) {
	case WDFIO_TB_ORDER_LIFO:
		cmd = list_last_entry(&d->held, struct tb_cmd, node);
		break;
	case WDFIO_TB_ORDER_RANDOM:
		skip = get_random_u32_below(d->nr_held);
		list_for_each_entry(cmd, &d->held, node)
			if (!skip--)
				break;
		break;
	default:
		cmd = list_first_entry(&d->held, struct tb_cmd, node);
		break;
	}
	list_del(&cmd->node);
	WRITE_ONCE(d->nr_held, d->nr_held - 1);
	return cmd;
}

/**
 * wdfio_tb_release() - release held bios
 * @dev: device index
 * @max: release at most this many; 0 releases all
 * @order: which held bios go first (and the order they are dispatched in)
 * @blk_status: WDFIO_TB_STS_OK: process the bios normally; otherwise end
 *	them with this status (WDFIO_TB_STS_*) without touching their data
 *
 * Released bios are dispatched in @order, each after the current delay and
 * in the current completion context, like newly arrived bios (fail-next is
 * not applied to them). With WDFIO_TB_CTX_INLINE they are ended before this
 * function returns, in the caller's context, without the delay. Completion
 * order equals dispatch order for INLINE and WORKQUEUE (ordered workqueue).
 *
 * Context: any context. With INLINE the bios' end_io callbacks run in the
 * caller's context.
 * Return: the number of bios released (0 if none were held), -ENODEV for a
 * bad index or a device being torn down, -EINVAL for a bad @order or
 * @blk_status.
 */
int wdfio_tb_release(unsigned int dev, unsigned int max,
		     enum wdfio_tb_order order, u8 blk_status)
{
	struct tb_dev *d = tb_lookup(dev);
	enum wdfio_tb_ctx ctx;
	struct tb_cmd *cmd, *next;
	unsigned int delay_us, n, i;
	unsigned long flags;
	LIST_HEAD(batch);

	if (!d)
		return -ENODEV;
	if (order > WDFIO_TB_ORDER_RANDOM ||
	    (blk_status && !tb_status_valid(blk_status)))
		return -EINVAL;

	spin_lock_irqsave(&d->lock, flags);
	if (d->dying) {
		spin_unlock_irqrestore(&d->lock, flags);
		return -ENODEV;
	}
	n = max ? min(max, d->nr_held) : d->nr_held;
	for (i = 0; i < n; i++) {
		cmd = tb_pick_held(d, order);
		list_add_tail(&cmd->node, &batch);
	}
	atomic_add(n, &d->inflight);
	ctx = d->ctx;
	delay_us = d->delay_us;
	spin_unlock_irqrestore(&d->lock, flags);

	list_for_each_entry_safe(cmd, next, &batch, node) {
		list_del(&cmd->node);
		cmd->status = tb_blk_status(blk_status);
		tb_dispatch(cmd, ctx, delay_us, false);
	}
	return n;
}
EXPORT_SYMBOL_GPL(wdfio_tb_release);

/**
 * wdfio_tb_fail_next() - fail the next bios that arrive
 * @dev: device index
 * @count: how many of the next arriving (not held) bios to fail; 0 cancels
 * @blk_status: status to end them with (WDFIO_TB_STS_*), 1..WDFIO_TB_STS_MAX
 *
 * The failed bios move no data but otherwise go the normal way: after the
 * current delay, in the current completion context. Bios that are held on
 * arrival are not counted; their fate is decided by wdfio_tb_release().
 * Replaces any pending fail-next.
 *
 * Context: any context.
 * Return: 0, -ENODEV for a bad index or a device being torn down, -EINVAL
 * for a bad @blk_status with a non-zero @count.
 */
int wdfio_tb_fail_next(unsigned int dev, unsigned int count, u8 blk_status)
{
	struct tb_dev *d = tb_lookup(dev);
	unsigned long flags;
	int ret = 0;

	if (!d)
		return -ENODEV;
	if (count && !tb_status_valid(blk_status))
		return -EINVAL;
	spin_lock_irqsave(&d->lock, flags);
	if (d->dying) {
		ret = -ENODEV;
	} else {
		d->fail_count = count;
		d->fail_status = count ? blk_status : WDFIO_TB_STS_OK;
	}
	spin_unlock_irqrestore(&d->lock, flags);
	return ret;
}
EXPORT_SYMBOL_GPL(wdfio_tb_fail_next);

/**
 * wdfio_tb_set_delay() - delay the processing of every dispatched bio
 * @dev: device index
 * @delay_us: microseconds, 0..WDFIO_TB_DELAY_MAX_US; applies to bios
 *	dispatched from now on
 *
 * With WDFIO_TB_CTX_INLINE the delay is a sleep inside ->submit_bio (so the
 * submitter blocks); released bios are not delayed. Other contexts use an
 * hrtimer.
 *
 * Context: any context.
 * Return: 0, -ENODEV for a bad index or a device being torn down, -EINVAL
 * for a delay above the limit.
 */
int wdfio_tb_set_delay(unsigned int dev, unsigned int delay_us)
{
	struct tb_dev *d = tb_lookup(dev);
	unsigned long flags;
	int ret = 0;

	if (!d)
		return -ENODEV;
	if (delay_us > WDFIO_TB_DELAY_MAX_US)
		return -EINVAL;
	spin_lock_irqsave(&d->lock, flags);
	if (d->dying)
		ret = -ENODEV;
	else
		d->delay_us = delay_us;
	spin_unlock_irqrestore(&d->lock, flags);
	return ret;
}
EXPORT_SYMBOL_GPL(wdfio_tb_set_delay);

/**
 * wdfio_tb_set_context() - choose where bios are ended
 * @dev: device index
 * @ctx: completion context for bios dispatched from now on
 *
 * Context: any context.
 * Return: 0, -ENODEV for a bad index or a device being torn down, -EINVAL
 * for an unknown @ctx.
 */
int wdfio_tb_set_context(unsigned int dev, enum wdfio_tb_ctx ctx)
{
	struct tb_dev *d = tb_lookup(dev);
	unsigned long flags;
	int ret = 0;

	if (!d)
		return -ENODEV;
	if (ctx > WDFIO_TB_CTX_WORKQUEUE)
		return -EINVAL;
	spin_lock_irqsave(&d->lock, flags);
	if (d->dying)
		ret = -ENODEV;
	else
		d->ctx = ctx;
	spin_unlock_irqrestore(&d->lock, flags);
	return ret;
}
EXPORT_SYMBOL_GPL(wdfio_tb_set_context);

/**
 * wdfio_tb_get_stats() - read the counters of a device
 * @dev: device index
 * @st: filled in completely, as one consistent snapshot
 *
 * Context: any context.
 * Return: 0, or -ENODEV for a bad index.
 */
int wdfio_tb_get_stats(unsigned int dev, struct wdfio_tb_stats *st)
{
	struct tb_dev *d = tb_lookup(dev);
	unsigned long flags;

	if (!d)
		return -ENODEV;
	spin_lock_irqsave(&d->lock, flags);
	*st = d->st;
	st->held = d->nr_held;
	spin_unlock_irqrestore(&d->lock, flags);
	st->inflight = atomic_read(&d->inflight);
	return 0;
}
EXPORT_SYMBOL_GPL(wdfio_tb_get_stats);

/**
 * wdfio_tb_reset() - clear modes and counters
 * @dev: device index
 *
 * Turns hold mode off, cancels fail-next, sets the delay to 0 and the
 * context to INLINE, and zeroes every counter. Bios in flight when this is
 * called are still counted when they end, so reset an idle device.
 *
 * Context: any context.
 * Return: 0, -ENODEV for a bad index or a device being torn down, -EBUSY if
 * bios are held (release them first).
 */
int wdfio_tb_reset(unsigned int dev)
{
	struct tb_dev *d = tb_lookup(dev);
	unsigned long flags;
	int ret = 0;

	if (!d)
		return -ENODEV;
	spin_lock_irqsave(&d->lock, flags);
	if (d->dying) {
		ret = -ENODEV;
	} else if (d->nr_held) {
		ret = -EBUSY;
	} else {
		d->hold = false;
		d->fail_count = 0;
		d->fail_status = WDFIO_TB_STS_OK;
		d->delay_us = 0;
		d->ctx = WDFIO_TB_CTX_INLINE;
		memset(&d->st, 0, sizeof(d->st));
	}
	spin_unlock_irqrestore(&d->lock, flags);
	return ret;
}
EXPORT_SYMBOL_GPL(wdfio_tb_reset);

/**
 * wdfio_tb_held() - number of bios held now
 * @dev: device index
 *
 * Context: any context.
 * Return: the number of held bios, 0 for a bad index.
 */
unsigned int wdfio_tb_held(unsigned int dev)
{
	struct tb_dev *d = tb_lookup(dev);

	return d ? READ_ONCE(d->nr_held) : 0;
}
EXPORT_SYMBOL_GPL(wdfio_tb_held);

/**
 * wdfio_tb_wait_held() - wait until at least @n bios are held
 * @dev: device index
 * @n: number of held bios to wait for
 * @timeout_ms: give up after this long; 0 only tests
 *
 * Lets a test know that the bios it submitted have reached the device
 * before it releases or fails them.
 *
 * Context: process context; sleeps (interruptibly).
 * Return: 0 once at least @n bios are held, -ETIMEDOUT if the timeout
 * expired first, -EINTR if a signal arrived, -ENODEV for a bad index.
 */
int wdfio_tb_wait_held(unsigned int dev, unsigned int n,
		       unsigned int timeout_ms)
{
	struct tb_dev *d = tb_lookup(dev);
	long left;

	if (!d)
		return -ENODEV;
	might_sleep();
	if (READ_ONCE(d->nr_held) >= n)
		return 0;
	if (!timeout_ms)
		return -ETIMEDOUT;
	left = wait_event_interruptible_timeout(d->held_wq,
						READ_ONCE(d->nr_held) >= n,
						msecs_to_jiffies(timeout_ms));
	if (left < 0)
		return -EINTR;
	return left ? 0 : -ETIMEDOUT;
}
EXPORT_SYMBOL_GPL(wdfio_tb_wait_held);
