/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * wdfio_testblk: a controllable virtual block device for the wdfio selftests.
 *
 * This header is shared by the module (selftests/testblk), the test driver
 * (selftests/kmod, through the in-kernel API below) and userspace (through
 * the ioctls of /dev/wdfio_tb_ctl). The part outside __KERNEL__ only uses
 * <linux/types.h> fixed-width types so it builds in userspace unchanged.
 *
 * Devices are numbered 0 .. nr_devices - 1; device N is the disk
 * /dev/wdfio_tb<N>.
 *
 * Access to /dev/wdfio_tb_ctl: the node is created with mode 0600, so an
 * open by a non-root user fails with EACCES (file permission check). A
 * process that passes the permission check but lacks CAP_SYS_ADMIN gets
 * EPERM from the driver's open.
 */
#ifndef WDFIO_TESTBLK_H
#define WDFIO_TESTBLK_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define WDFIO_TB_CTL_NAME	"wdfio_tb_ctl"
#define WDFIO_TB_DISK_PREFIX	"wdfio_tb"

/* Order in which held bios are released. */
enum wdfio_tb_order {
	WDFIO_TB_ORDER_FIFO	= 0,	/* oldest first */
	WDFIO_TB_ORDER_LIFO	= 1,	/* newest first */
	WDFIO_TB_ORDER_RANDOM	= 2,	/* uniformly random among the held */
};

/* Where bios are ended (and their data copied). */
enum wdfio_tb_ctx {
	WDFIO_TB_CTX_INLINE	= 0,	/* caller of submit_bio() or of release */
	WDFIO_TB_CTX_SOFTIRQ	= 1,	/* softirq (HRTIMER_MODE_REL_SOFT hrtimer) */
	WDFIO_TB_CTX_HARDIRQ	= 2,	/* hard interrupt (HRTIMER_MODE_REL_HARD hrtimer) */
	WDFIO_TB_CTX_WORKQUEUE	= 3,	/* process context (ordered workqueue) */
};

/*
 * Completion statuses: Linux 6.1's blk_status_t values
 * (include/linux/blk_types.h), kept stable on every kernel; the module
 * ends bios with the running kernel's status of the same name (NEXUS is
 * BLK_STS_RESV_CONFLICT since 6.5; where BLK_STS_ZONE_RESOURCE no longer
 * exists, ZONE_RESOURCE is a status wdfio does not map). Injected statuses
 * (fail-next, release) must be 1..WDFIO_TB_STS_MAX; release also accepts
 * WDFIO_TB_STS_OK, meaning "perform the I/O".
 */
#define WDFIO_TB_STS_OK			0
#define WDFIO_TB_STS_NOTSUPP		1	/* -EOPNOTSUPP */
#define WDFIO_TB_STS_TIMEOUT		2	/* -ETIMEDOUT */
#define WDFIO_TB_STS_NOSPC		3	/* -ENOSPC */
#define WDFIO_TB_STS_TRANSPORT		4	/* -ENOLINK */
#define WDFIO_TB_STS_TARGET		5	/* -EREMOTEIO */
#define WDFIO_TB_STS_NEXUS		6	/* -EBADE */
#define WDFIO_TB_STS_MEDIUM		7	/* -ENODATA */
#define WDFIO_TB_STS_PROTECTION		8	/* -EILSEQ */
#define WDFIO_TB_STS_RESOURCE		9	/* -ENOMEM */
#define WDFIO_TB_STS_IOERR		10	/* -EIO */
#define WDFIO_TB_STS_DM_REQUEUE		11	/* -EREMCHG */
#define WDFIO_TB_STS_AGAIN		12	/* -EAGAIN */
#define WDFIO_TB_STS_DEV_RESOURCE	13	/* -EBUSY */
#define WDFIO_TB_STS_ZONE_RESOURCE	14	/* -EBUSY */
#define WDFIO_TB_STS_ZONE_OPEN_RESOURCE	15	/* -ETOOMANYREFS */
#define WDFIO_TB_STS_ZONE_ACTIVE_RESOURCE 16	/* -EOVERFLOW */
#define WDFIO_TB_STS_OFFLINE		17	/* -ENODEV */
#define WDFIO_TB_STS_MAX		17

/* Upper bound of the per-bio delay (10 s). */
#define WDFIO_TB_DELAY_MAX_US		10000000U

/*
 * Counters of one device. Cleared by reset, except @held and @inflight,
 * which are live values. A bio is "completed" once it has been ended
 * (with any status). The counters of a bio are updated before bio_endio(),
 * so a caller that saw the bio complete sees them.
 */
struct wdfio_tb_stats {
	__u64 bios_seen;	/* bios that reached ->submit_bio */
	__u64 bios_completed;	/* bios ended, any status */
	__u64 bios_failed;	/* bios ended with a status other than OK */
	__u64 bytes_read;	/* data moved by successful reads */
	__u64 bytes_written;	/* data moved by successful writes */
	__u64 flushes;		/* successful bios with REQ_PREFLUSH (incl. empty) */
	__u64 fua;		/* successful writes with REQ_FUA */
	__u64 discards;		/* successful discards */
	__u64 bytes_discarded;	/* bytes zeroed by successful discards */
	__u64 violations;	/* bios rejected by the limit checks */
	__u64 held;		/* bios held now */
	__u64 inflight;		/* accepted, not held, not yet fully ended */
	__u64 max_bio_bytes;	/* largest bi_size seen (read/write/discard) */
	__u64 max_segments;	/* most segments seen in a read/write bio */
	__u64 done_task;	/* bios ended in task context */
	__u64 done_softirq;	/* bios ended while serving a softirq */
	__u64 done_hardirq;	/* bios ended in hard interrupt context */
};

/* Geometry, limits and current modes of one device. */
struct wdfio_tb_info {
	__u64 capacity_sectors;	/* in 512-byte sectors */
	__u32 nr_devices;
	__u32 major;		/* dev_t of /dev/wdfio_tb<N> */
	__u32 minor;
	__u32 logical_block_size;
	__u32 max_sectors;	/* max bio size, 512-byte sectors */
	__u32 max_segments;
	__u32 max_segment_size;	/* bytes */
	__u32 dma_alignment;	/* mask: buffer offset and length */
	__u32 max_discard_sectors; /* 0: discard not supported */
	__u32 hold;		/* 1: new bios are held */
	__u32 ctx;		/* enum wdfio_tb_ctx */
	__u32 delay_us;
	__u32 fail_count;	/* bios still to be failed by fail-next */
	__u32 fail_status;
	__u32 reserved;		/* 0 */
};

/*
 * ioctl arguments. Every structure starts with the device index. Fields
 * named "pad" must be zero on input; fields marked "out" are written back.
 */
struct wdfio_tb_hold_arg {
	__u32 dev;
	__u32 on;		/* 0 or 1 */
};

struct wdfio_tb_release_arg {
	__u32 dev;
	__u32 max;		/* 0: all held bios */
	__u32 order;		/* enum wdfio_tb_order */
	__u32 status;		/* WDFIO_TB_STS_*; OK: perform the I/O */
	__u32 released;		/* out: number of bios released */
	__u32 pad;
};

struct wdfio_tb_fail_arg {
	__u32 dev;
	__u32 count;		/* 0 cancels a pending fail-next */
	__u32 status;		/* 1..WDFIO_TB_STS_MAX (ignored when count is 0) */
	__u32 pad;
};

struct wdfio_tb_delay_arg {
	__u32 dev;
	__u32 delay_us;		/* 0..WDFIO_TB_DELAY_MAX_US */
};

struct wdfio_tb_ctx_arg {
	__u32 dev;
	__u32 ctx;		/* enum wdfio_tb_ctx */
};

struct wdfio_tb_dev_arg {
	__u32 dev;
	__u32 pad;
};

struct wdfio_tb_wait_arg {
	__u32 dev;
	__u32 n;		/* wait until at least n bios are held */
	__u32 timeout_ms;	/* 0: do not wait, just test */
	__u32 held;		/* out (also on ETIMEDOUT): bios held at the end */
};

struct wdfio_tb_stats_arg {
	__u32 dev;
	__u32 pad;
	struct wdfio_tb_stats stats;	/* out */
};

struct wdfio_tb_info_arg {
	__u32 dev;
	__u32 pad;
	struct wdfio_tb_info info;	/* out */
};

#define WDFIO_TB_IOC_MAGIC	'W'
#define WDFIO_TB_IOC_SET_HOLD	_IOW(WDFIO_TB_IOC_MAGIC, 0xa0, struct wdfio_tb_hold_arg)
#define WDFIO_TB_IOC_RELEASE	_IOWR(WDFIO_TB_IOC_MAGIC, 0xa1, struct wdfio_tb_release_arg)
#define WDFIO_TB_IOC_FAIL_NEXT	_IOW(WDFIO_TB_IOC_MAGIC, 0xa2, struct wdfio_tb_fail_arg)
#define WDFIO_TB_IOC_SET_DELAY	_IOW(WDFIO_TB_IOC_MAGIC, 0xa3, struct wdfio_tb_delay_arg)
#define WDFIO_TB_IOC_SET_CTX	_IOW(WDFIO_TB_IOC_MAGIC, 0xa4, struct wdfio_tb_ctx_arg)
#define WDFIO_TB_IOC_GET_STATS	_IOWR(WDFIO_TB_IOC_MAGIC, 0xa5, struct wdfio_tb_stats_arg)
#define WDFIO_TB_IOC_RESET	_IOW(WDFIO_TB_IOC_MAGIC, 0xa6, struct wdfio_tb_dev_arg)
#define WDFIO_TB_IOC_WAIT_HELD	_IOWR(WDFIO_TB_IOC_MAGIC, 0xa7, struct wdfio_tb_wait_arg)
#define WDFIO_TB_IOC_GET_INFO	_IOWR(WDFIO_TB_IOC_MAGIC, 0xa8, struct wdfio_tb_info_arg)

#ifdef __KERNEL__
/*
 * In-kernel control API (EXPORT_SYMBOL_GPL). All functions return -ENODEV
 * for a bad device index and -EINVAL for a bad value. All may be called
 * from any context except wdfio_tb_wait_held(), which sleeps.
 */
unsigned int wdfio_tb_nr_devices(void);
int wdfio_tb_get_info(unsigned int dev, struct wdfio_tb_info *info);
int wdfio_tb_set_hold(unsigned int dev, bool on);
int wdfio_tb_release(unsigned int dev, unsigned int max,
		     enum wdfio_tb_order order, u8 blk_status);
int wdfio_tb_fail_next(unsigned int dev, unsigned int count, u8 blk_status);
int wdfio_tb_set_delay(unsigned int dev, unsigned int delay_us);
int wdfio_tb_set_context(unsigned int dev, enum wdfio_tb_ctx ctx);
int wdfio_tb_get_stats(unsigned int dev, struct wdfio_tb_stats *st);
int wdfio_tb_reset(unsigned int dev);
unsigned int wdfio_tb_held(unsigned int dev);
int wdfio_tb_wait_held(unsigned int dev, unsigned int n,
		       unsigned int timeout_ms);
#endif /* __KERNEL__ */

#endif /* WDFIO_TESTBLK_H */
