// SPDX-License-Identifier: GPL-2.0
/*
 * Test hooks (hook.h). A hook runs under SRCU, so clearing it waits until
 * no call is inside it any more and the test module may then go.
 */
#include "wdfio.h"
#include "hook.h"

#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/srcu.h>

struct wdfio_hook {
	wdfio_hook_fn *fn;
	void *ctx;
};

DEFINE_STATIC_KEY_FALSE(wdfio_hooks_on);
DEFINE_STATIC_SRCU(wdfio_hook_srcu);

/* Writers hold wdfio_hook_mutex; readers are under wdfio_hook_srcu. */
static DEFINE_MUTEX(wdfio_hook_mutex);
static struct wdfio_hook __rcu *wdfio_hooks[WDFIO_HOOK_NR];

/**
 * wdfio_hook_set() - install the hook of one point
 * @point: where it runs
 * @fn: the hook
 * @ctx: its argument
 *
 * Context: Process context; sleeps.
 * Return: 0; -EINVAL for a bad point; -EBUSY if the point has a hook;
 * -ENOMEM.
 */
int wdfio_hook_set(enum wdfio_hook_point point, wdfio_hook_fn *fn, void *ctx)
{
	struct wdfio_hook *h;
	int err = 0;

	might_sleep();
	if (point >= WDFIO_HOOK_NR || !fn)
		return -EINVAL;
	h = kmalloc(sizeof(*h), GFP_KERNEL);
	if (!h)
		return -ENOMEM;
	h->fn = fn;
	h->ctx = ctx;
	mutex_lock(&wdfio_hook_mutex);
	if (rcu_access_pointer(wdfio_hooks[point])) {
		err = -EBUSY;
		goto out_unlock;
	}
	rcu_assign_pointer(wdfio_hooks[point], h);
	static_branch_inc(&wdfio_hooks_on);
	h = NULL;
out_unlock:
	mutex_unlock(&wdfio_hook_mutex);
	kfree(h);
	return err;
}
EXPORT_SYMBOL_GPL(wdfio_hook_set);

/**
 * wdfio_hook_clear() - remove the hook of one point, if any
 * @point: where it ran
 *
 * Returns once no call of the hook is running.
 *
 * Context: Process context; sleeps.
 */
void wdfio_hook_clear(enum wdfio_hook_point point)
{
	struct wdfio_hook *h;

	might_sleep();
	if (point >= WDFIO_HOOK_NR)
		return;
	mutex_lock(&wdfio_hook_mutex);
	h = rcu_replace_pointer(wdfio_hooks[point], NULL,
				lockdep_is_held(&wdfio_hook_mutex));
	if (h)
		static_branch_dec(&wdfio_hooks_on);
	mutex_unlock(&wdfio_hook_mutex);
	if (!h)
		return;
	synchronize_srcu(&wdfio_hook_srcu);
	kfree(h);
}
EXPORT_SYMBOL_GPL(wdfio_hook_clear);

/**
 * wdfio_hook_run() - call the hook of @point, if one is installed
 * @point: where we are
 * @request: the request concerned
 *
 * Context: Whatever context the point is in.
 */
void wdfio_hook_run(enum wdfio_hook_point point, WDFREQUEST request)
{
	struct wdfio_hook *h;
	int idx;

	idx = srcu_read_lock(&wdfio_hook_srcu);
	h = srcu_dereference(wdfio_hooks[point], &wdfio_hook_srcu);
	if (h)
		h->fn(request, h->ctx);
	srcu_read_unlock(&wdfio_hook_srcu, idx);
}
