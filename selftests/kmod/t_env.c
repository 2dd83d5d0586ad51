// SPDX-License-Identifier: GPL-2.0
/*
 * The guest environment the other cases rely on (docs/design.md).
 */
#include "util.h"
#include "wt_cases.h"

int wt_env_devices(struct wt *t)
{
	struct wdfio_tb_info info;
	struct wt_bdev b;
	unsigned int i;
	int err;

	for (i = 0; i < WT_NR_DEVS; i++) {
		const struct wt_dev *d = &wt_devs[i];

		wt_set_where(t, "%s", d->path);
		if (wt_bdev_open(t, d, &b))
			continue;
		T_EQ(t, d->size, b.size);
		T_EQ(t, d->lbs, b.lbs);
		wt_bdev_close(&b);
	}

	wt_set_where(t, "wdfio_tb0 limits");
	err = wdfio_tb_get_info(WT_TB, &info);
	if (!T_TRUE(t, err == 0, "wdfio_tb_get_info: %d", err))
		return 0;
	T_EQ(t, 512, info.logical_block_size);
	T_EQ(t, 64, info.max_sectors);
	T_EQ(t, 32, info.max_segments);
	T_EQ(t, SZ_16M >> SECTOR_SHIFT, info.capacity_sectors);
	T_TRUE(t, info.max_discard_sectors > 0, "wdfio_tb0 supports discard");
	return 0;
}
