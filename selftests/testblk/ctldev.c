// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/wdfio_tb_ctl: the userspace face of the control API (api.c).
 *
 * The node is created with mode 0600, so an open by a non-root user fails
 * with EACCES before reaching the driver; tb_ctl_open() additionally
 * requires CAP_SYS_ADMIN (EPERM). Each ioctl copies in its argument,
 * validates every field (reserved ones must be zero, enums and statuses in
 * range, before any narrowing), calls the API and copies out a structure
 * built from zero, so no kernel memory reaches userspace.
 */

#include <linux/capability.h>
#include <linux/compat.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "internal.h"

static int tb_ctl_open(struct inode *inode, struct file *file)
{
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	return 0;
}

static long tb_ioc_set_hold(void __user *uarg)
{
	struct wdfio_tb_hold_arg a;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	if (a.on > 1)
		return -EINVAL;
	return wdfio_tb_set_hold(a.dev, a.on);
}

static long tb_ioc_release(void __user *uarg)
{
	struct wdfio_tb_release_arg a;
	int ret;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	if (a.pad || a.order > WDFIO_TB_ORDER_RANDOM ||
	    a.status > WDFIO_TB_STS_MAX)
		return -EINVAL;
	ret = wdfio_tb_release(a.dev, a.max, a.order, a.status);
	if (ret < 0)
		return ret;
	a.released = ret;
	if (copy_to_user(uarg, &a, sizeof(a)))
		return -EFAULT;
	return 0;
}

static long tb_ioc_fail_next(void __user *uarg)
{
	struct wdfio_tb_fail_arg a;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	if (a.pad || (a.count && (!a.status || a.status > WDFIO_TB_STS_MAX)))
		return -EINVAL;
	return wdfio_tb_fail_next(a.dev, a.count, a.count ? a.status : 0);
}

static long tb_ioc_set_delay(void __user *uarg)
{
	struct wdfio_tb_delay_arg a;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	return wdfio_tb_set_delay(a.dev, a.delay_us);
}

static long tb_ioc_set_ctx(void __user *uarg)
{
	struct wdfio_tb_ctx_arg a;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	if (a.ctx > WDFIO_TB_CTX_WORKQUEUE)
		return -EINVAL;
	return wdfio_tb_set_context(a.dev, a.ctx);
}

static long tb_ioc_get_stats(void __user *uarg)
{
	struct wdfio_tb_stats_arg a;
	u32 dev;
	int ret;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	if (a.pad)
		return -EINVAL;
	dev = a.dev;
	memset(&a, 0, sizeof(a));
	a.dev = dev;
	ret = wdfio_tb_get_stats(dev, &a.stats);
	if (ret)
		return ret;
	if (copy_to_user(uarg, &a, sizeof(a)))
		return -EFAULT;
	return 0;
}

static long tb_ioc_get_info(void __user *uarg)
{
	struct wdfio_tb_info_arg a;
	u32 dev;
	int ret;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	if (a.pad)
		return -EINVAL;
	dev = a.dev;
	memset(&a, 0, sizeof(a));
	a.dev = dev;
	ret = wdfio_tb_get_info(dev, &a.info);
	if (ret)
		return ret;
	if (copy_to_user(uarg, &a, sizeof(a)))
		return -EFAULT;
	return 0;
}

static long tb_ioc_reset(void __user *uarg)
{
	struct wdfio_tb_dev_arg a;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	if (a.pad)
		return -EINVAL;
	return wdfio_tb_reset(a.dev);
}

static long tb_ioc_wait_held(void __user *uarg)
{
	struct wdfio_tb_wait_arg a;
	int ret;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	ret = wdfio_tb_wait_held(a.dev, a.n, a.timeout_ms);
	if (ret == -ENODEV || ret == -EINTR)
		return ret;
	a.held = wdfio_tb_held(a.dev);
	if (copy_to_user(uarg, &a, sizeof(a)))
		return -EFAULT;
	return ret;
}

static long tb_ctl_ioctl(struct file *file, unsigned int cmd,
			 unsigned long arg)
{
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case WDFIO_TB_IOC_SET_HOLD:
		return tb_ioc_set_hold(uarg);
	case WDFIO_TB_IOC_RELEASE:
		return tb_ioc_release(uarg);
	case WDFIO_TB_IOC_FAIL_NEXT:
		return tb_ioc_fail_next(uarg);
	case WDFIO_TB_IOC_SET_DELAY:
		return tb_ioc_set_delay(uarg);
	case WDFIO_TB_IOC_SET_CTX:
		return tb_ioc_set_ctx(uarg);
	case WDFIO_TB_IOC_GET_STATS:
		return tb_ioc_get_stats(uarg);
	case WDFIO_TB_IOC_RESET:
		return tb_ioc_reset(uarg);
	case WDFIO_TB_IOC_WAIT_HELD:
		return tb_ioc_wait_held(uarg);
	case WDFIO_TB_IOC_GET_INFO:
		return tb_ioc_get_info(uarg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations tb_ctl_fops = {
	.owner		= THIS_MODULE,
	.open		= tb_ctl_open,
	.unlocked_ioctl	= tb_ctl_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

static struct miscdevice tb_ctl_dev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= WDFIO_TB_CTL_NAME,
	.fops	= &tb_ctl_fops,
	.mode	= 0600,
};

int tb_ctl_register(void)
{
	return misc_register(&tb_ctl_dev);
}

void tb_ctl_unregister(void)
{
	misc_deregister(&tb_ctl_dev);
}
