// SPDX-License-Identifier: GPL-2.0
/*
 * wdfio: the WDF I/O-target API (KMDF 1.33 names and semantics) for Linux
 * kernel drivers, over bio submission.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "wdfio.h"

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/printk.h>

bool wdfio_verifier;
module_param_named(verifier, wdfio_verifier, bool, 0644);
MODULE_PARM_DESC(verifier,
		 "WARN (with a stack) on each driver misuse, like KMDF's verifier breaking into the debugger. Default: off (log only)");

/**
 * wdfio_report_misuse() - log a driver's misuse of a DDI
 * @func: the DDI (or internal function) that detected it
 * @caller: return address into the driver
 * @fmt: what was wrong
 *
 * Context: Any context.
 */
void wdfio_report_misuse(const char *func, void *caller, const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	if (wdfio_verifier)
		WARN(1, "wdfio: %s: %pV (caller %pS)\n", func, &vaf, caller);
	else
		pr_err_ratelimited("%s: %pV (caller %pS)\n", func, &vaf, caller);
	va_end(args);
}

static int __init wdfio_init(void)
{
	int err;

	err = wdfio_blk_init();
	if (err)
		return err;
	err = wdfio_request_init();
	if (err)
		goto out_blk_exit;
	err = wdfio_queue_init();
	if (err)
		goto out_request_exit;
	return 0;

out_request_exit:
	wdfio_request_exit();
out_blk_exit:
	wdfio_blk_exit();
	return err;
}

static void __exit wdfio_exit(void)
{
	/* Bios abandoned by timeouts may still be in flight: wait for them. */
	wdfio_blk_drain();
	wdfio_request_exit();
	wdfio_queue_exit();
	wdfio_blk_exit();
}

module_init(wdfio_init);
module_exit(wdfio_exit);

MODULE_DESCRIPTION("WDF I/O-target API for drivers ported from KMDF");
MODULE_LICENSE("GPL");
