/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test hooks: points inside wdfio where a selftest can run code of its own
 * to make a race happen every time instead of once in a million runs.
 *
 * A hook is off unless a test installs one, and an off hook costs one
 * patched-out jump (a static key). Only the selftest module (selftests/kmod)
 * installs hooks; drivers have no use for them and no public header names
 * them. One hook per point; the hook filters the requests it cares about.
 */
#ifndef _WDFIO_HOOK_H
#define _WDFIO_HOOK_H

#include <linux/jump_label.h>

#include <wdf.h>

/**
 * enum wdfio_hook_point - where a hook runs
 * @WDFIO_HOOK_ADMIT: in WdfRequestSend (and the Send*Synchronously DDIs),
 *	after the request became SENT and before its target admits it; in
 *	the sender's context
 * @WDFIO_HOOK_NR: number of points
 */
enum wdfio_hook_point {
	WDFIO_HOOK_ADMIT,
	WDFIO_HOOK_NR,
};

typedef void wdfio_hook_fn(WDFREQUEST request, void *ctx);

int wdfio_hook_set(enum wdfio_hook_point point, wdfio_hook_fn *fn, void *ctx);
void wdfio_hook_clear(enum wdfio_hook_point point);

#ifdef WDFIO_CORE
DECLARE_STATIC_KEY_FALSE(wdfio_hooks_on);
void wdfio_hook_run(enum wdfio_hook_point point, WDFREQUEST request);

static inline void wdfio_hook(enum wdfio_hook_point point, WDFREQUEST request)
{
	if (static_branch_unlikely(&wdfio_hooks_on))
		wdfio_hook_run(point, request);
}
#endif

#endif /* _WDFIO_HOOK_H */
