// SPDX-License-Identifier: GPL-2.0
/*
 * wdfio_test: the wdfio selftest driver.
 *
 * A driver written the way a ported KMDF driver is (only <ntddk.h>,
 * <ntdddisk.h>, <ntddstor.h> and <wdf.h>, plus Linux for its own plumbing)
 * that checks wdfio against docs/semantics.md. Userspace runs one case per
 * WDFIO_TEST_IOC_RUN on /dev/wdfio_test (see selftests/uapi/wdfio_test.h);
 * cases run one at a time.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/ktime.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "t_usb.h"
#include "qdev.h"
#include "util.h"
#include "wt_cases.h"

struct wt_case {
	const char *name;
	const char *desc;
	int (*fn)(struct wt *t);
};

#define WT_CASE_ENTRY(_name, timeout_s, _desc)				\
	{ .name = #_name, .desc = _desc, .fn = wt_##_name },

static const struct wt_case wt_cases[] = {
	WDFIO_TEST_CASES(WT_CASE_ENTRY)
};

static DEFINE_MUTEX(wt_run_lock);

static const struct wt_case *wt_find_case(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(wt_cases); i++)
		if (!strcmp(wt_cases[i].name, name))
			return &wt_cases[i];
	return NULL;
}

static void wt_run_case(const struct wt_case *c, struct wdfio_test_run *run)
{
	struct wt t = {
		.name = c->name,
		.msg = run->msg,
		.verifier_saved = -1,
	};
	ktime_t start = ktime_get();
	int ret;

	memset(run->msg, 0, sizeof(run->msg));
	pr_info("%s: start (%s)\n", c->name, c->desc);
	ret = c->fn(&t);
	wt_restore_verifier(&t);
	/* Never leave wdfio_tb0 holding or failing bios for the next case */
	if (wdfio_tb_nr_devices() > 0 && !t.wedged)
		wt_tb_reset(&t);

	if (ret && !t.failures)
		T_FAIL(&t, "case returned %d", ret);
	if (!t.failures && !t.skipped && !t.checks)
		T_FAIL(&t, "the case made no check");
	if (t.failures) {
		run->result = WDFIO_TEST_FAIL;
		if (t.failures > 1 && t.len + 40 < sizeof(run->msg))
			scnprintf(run->msg + t.len, sizeof(run->msg) - t.len,
				  "\n(%u failed checks in all)", t.failures);
	} else if (t.skipped) {
		run->result = WDFIO_TEST_SKIP;
	} else {
		run->result = WDFIO_TEST_PASS;
	}
	run->checks = t.checks;
	run->duration_ms = ktime_ms_delta(ktime_get(), start);
	pr_info("%s: %s, %u checks, %u ms%s\n", c->name,
		run->result == WDFIO_TEST_PASS ? "pass" :
		run->result == WDFIO_TEST_SKIP ? "skip" : "FAIL",
		run->checks, run->duration_ms,
		t.wedged ? " (wedged: resources leaked)" : "");
}

static long wt_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct wdfio_test_run *run;
	const struct wt_case *c;
	long ret;

	if (cmd != WDFIO_TEST_IOC_RUN)
		return -ENOTTY;
	run = kzalloc(sizeof(*run), GFP_KERNEL);
	if (!run)
		return -ENOMEM;
	ret = -EFAULT;
	if (copy_from_user(run->name, (void __user *)arg, sizeof(run->name)))
		goto out;
	run->name[sizeof(run->name) - 1] = '\0';
	ret = -ENOENT;
	c = wt_find_case(run->name);
	if (!c)
		goto out;
	ret = mutex_lock_interruptible(&wt_run_lock);
	if (ret)
		goto out;
	wt_run_case(c, run);
	mutex_unlock(&wt_run_lock);
	ret = copy_to_user((void __user *)arg, run, sizeof(*run)) ? -EFAULT : 0;
out:
	kfree(run);
	return ret;
}

static const struct file_operations wt_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = wt_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice wt_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "wdfio_test",
	.fops = &wt_fops,
	.mode = 0600,
};

static int __init wt_init(void)
{
	int err;

	err = wt_util_init();
	if (err)
		return err;
	err = wt_usb_init();
	if (err) {
		wt_util_exit();
		return err;
	}
	err = misc_register(&wt_misc);
	if (err) {
		wt_usb_exit();
		wt_util_exit();
		return err;
	}
	err = wt_qdev_init();
	if (err) {
		misc_deregister(&wt_misc);
		wt_util_exit();
		return err;
	}
	pr_info("%zu cases\n", ARRAY_SIZE(wt_cases));
	return 0;
}

static void __exit wt_exit(void)
{
	wt_qdev_exit();
	misc_deregister(&wt_misc);
	wt_usb_exit();
	wt_util_exit();
}

module_init(wt_init);
module_exit(wt_exit);

MODULE_DESCRIPTION("wdfio selftest driver (a KMDF-style driver over wdfio)");
MODULE_LICENSE("GPL");
