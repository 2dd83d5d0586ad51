// SPDX-License-Identifier: GPL-2.0
/*
 * Block status → NTSTATUS (docs/semantics.md, "Block status → NTSTATUS"):
 * wdfio_tb0 ends bios with each blk_status_t of Linux 6.1 and every send
 * path must report the NTSTATUS of the table, with 0 bytes transferred.
 */
#include <linux/sizes.h>

#include "util.h"
#include "wt_cases.h"

static const struct {
	u8 blk;
	const char *name;
	NTSTATUS status;
} wt_status_table[] = {
	{ WDFIO_TB_STS_NOTSUPP, "BLK_STS_NOTSUPP", STATUS_NOT_SUPPORTED },
	{ WDFIO_TB_STS_TIMEOUT, "BLK_STS_TIMEOUT", STATUS_IO_TIMEOUT },
	{ WDFIO_TB_STS_NOSPC, "BLK_STS_NOSPC", STATUS_DISK_FULL },
	{ WDFIO_TB_STS_TRANSPORT, "BLK_STS_TRANSPORT", STATUS_DEVICE_NOT_CONNECTED },
	{ WDFIO_TB_STS_TARGET, "BLK_STS_TARGET", STATUS_DEVICE_HARDWARE_ERROR },
	{ WDFIO_TB_STS_NEXUS, "BLK_STS_NEXUS", STATUS_SHARING_VIOLATION },
	{ WDFIO_TB_STS_MEDIUM, "BLK_STS_MEDIUM", STATUS_DEVICE_DATA_ERROR },
	{ WDFIO_TB_STS_PROTECTION, "BLK_STS_PROTECTION", STATUS_CRC_ERROR },
	{ WDFIO_TB_STS_RESOURCE, "BLK_STS_RESOURCE", STATUS_INSUFFICIENT_RESOURCES },
	{ WDFIO_TB_STS_IOERR, "BLK_STS_IOERR", STATUS_IO_DEVICE_ERROR },
	{ WDFIO_TB_STS_DM_REQUEUE, "BLK_STS_DM_REQUEUE", STATUS_IO_DEVICE_ERROR },
	{ WDFIO_TB_STS_AGAIN, "BLK_STS_AGAIN", STATUS_DEVICE_BUSY },
	{ WDFIO_TB_STS_DEV_RESOURCE, "BLK_STS_DEV_RESOURCE", STATUS_DEVICE_BUSY },
	/* Not in the table: "anything else" */
	{ WDFIO_TB_STS_ZONE_RESOURCE, "BLK_STS_ZONE_RESOURCE", STATUS_UNSUCCESSFUL },
	{ WDFIO_TB_STS_ZONE_OPEN_RESOURCE, "BLK_STS_ZONE_OPEN_RESOURCE",
	  STATUS_TOO_MANY_OPENED_FILES },
	{ WDFIO_TB_STS_ZONE_ACTIVE_RESOURCE, "BLK_STS_ZONE_ACTIVE_RESOURCE",
	  STATUS_TOO_MANY_OPENED_FILES },
	{ WDFIO_TB_STS_OFFLINE, "BLK_STS_OFFLINE", STATUS_DEVICE_OFF_LINE },
	/* And the success path: exactly STATUS_SUCCESS */
	{ WDFIO_TB_STS_OK, "BLK_STS_OK", STATUS_SUCCESS },
};

#define WT_ST_LEN	SZ_4K
#define WT_ST_OFF	SZ_8K

struct wt_st {
	struct wt *t;
	WDFIOTARGET target;
	WDFREQUEST request;
	WDFMEMORY memory;
	void *buf;
	struct wt_io *io;
	struct wt_bdev bdev;
};

/* Format, send and wait; returns the status the routine saw */
static bool wt_st_async(struct wt_st *s, bool write, size_t len, LONGLONG off,
			NTSTATUS expected)
{
	struct wt *t = s->t;
	size_t want = NT_SUCCESS(expected) ? len : 0;
	WDFMEMORY_OFFSET win = { 0, len };
	NTSTATUS status;

	wt_io_reset(s->io);
	status = wt_format_rw(s->target, s->request, write, s->memory, &win,
			      off);
	if (!T_STATUS(t, STATUS_SUCCESS, status))
		return false;
	WdfRequestSetCompletionRoutine(s->request, wt_io_complete, s->io);
	if (!T_TRUE(t, WdfRequestSend(s->request, s->target, NULL),
		    "status 0x%08X", (u32)WdfRequestGetStatus(s->request)))
		return false;
	if (!wt_io_wait(t, s->io))
		return false;
	return T_STATUS(t, expected, s->io->params.IoStatus.Status) &
	       T_STATUS(t, expected, s->io->get_status) &
	       T_STATUS(t, expected, WdfRequestGetStatus(s->request)) &
	       T_EQ(t, want, s->io->params.IoStatus.Information) &
	       T_EQ(t, write ? WdfRequestTypeWrite : WdfRequestTypeRead,
		    s->io->params.Type);
}

static bool wt_st_sync(struct wt_st *s, bool write, WDFREQUEST request,
		       NTSTATUS expected)
{
	struct wt *t = s->t;
	WDF_MEMORY_DESCRIPTOR desc;
	LONGLONG off = WT_ST_OFF;
	ULONG_PTR bytes;
	NTSTATUS status;

	WDF_MEMORY_DESCRIPTOR_INIT_BUFFER(&desc, s->buf, WT_ST_LEN);
	if (write)
		status = wt_sync_write(t, s->target, request, &desc, &off, NULL,
				       &bytes);
	else
		status = wt_sync_read(t, s->target, request, &desc, &off, NULL,
				      &bytes);
	return T_STATUS(t, expected, status) &
	       T_EQ(t, NT_SUCCESS(expected) ? WT_ST_LEN : 0, bytes);
}

static int wt_st_setup(struct wt_st *s, struct wt *t)
{
	memset(s, 0, sizeof(*s));
	s->t = t;
	if (!wt_tb_reset(t))
		return -ENODEV;
	if (wt_bdev_open(t, &wt_devs[WT_TB0], &s->bdev))
		return -ENODEV;
	if (!NT_SUCCESS(wt_open_rw(t, &wt_devs[WT_TB0], &s->target)) ||
	    !NT_SUCCESS(wt_request(t, s->target, &s->request)) ||
	    !NT_SUCCESS(wt_memory(t, SZ_256K, &s->memory, &s->buf)))
		return -ENOMEM;
	s->io = wt_io_alloc(t);
	return s->io ? 0 : -ENOMEM;
}

static void wt_st_teardown(struct wt_st *s)
{
	struct wt *t = s->t;

	wt_set_where(t, "cleanup");
	wt_delete(t, s->request);
	wt_delete(t, s->memory);
	wt_delete_target(t, s->target);
	if (s->io)
		wt_io_free(t, s->io);
	wt_bdev_close(&s->bdev);
}

/* Arm fail-next for one bio (nothing for OK) */
static bool wt_st_arm(struct wt *t, u8 blk)
{
	int err = blk ? wdfio_tb_fail_next(WT_TB, 1, blk) : 0;

	return T_TRUE(t, err == 0, "wdfio_tb_fail_next: %d", err);
}

/* The injected failure hit exactly one bio */
static bool wt_st_consumed(struct wt *t, u8 blk, u64 *failed)
{
	struct wdfio_tb_stats st;
	struct wdfio_tb_info info;

	if (!wt_tb_stats(t, &st) ||
	    !T_TRUE(t, wdfio_tb_get_info(WT_TB, &info) == 0, "tb info"))
		return false;
	if (blk)
		(*failed)++;
	return T_EQ(t, 0, info.fail_count) & T_EQ(t, *failed, st.bios_failed);
}

static int wt_status_table_run(struct wt *t, bool write)
{
	struct wt_st s;
	unsigned int i, v;
	u64 failed = 0;
	u32 seed;

	if (wt_st_setup(&s, t))
		goto out;

	for (i = 0; i < ARRAY_SIZE(wt_status_table) && !t->wedged; i++) {
		u8 blk = wt_status_table[i].blk;
		NTSTATUS expected = wt_status_table[i].status;

		/* async, sync without request, sync with our request */
		for (v = 0; v < 3 && !t->wedged; v++) {
			wt_set_where(t, "%s %s, %s", wt_status_table[i].name,
				     write ? "write" : "read",
				     v == 0 ? "async" : v == 1 ?
				     "sync, no request" : "sync with request");
			seed = wt_next_seed();
			if (!wt_raw_fill(t, &s.bdev, WT_ST_OFF, WT_ST_LEN, seed))
				goto out;
			if (write)
				wt_fill(s.buf, WT_ST_LEN, WT_ST_OFF,
					wt_next_seed());
			if (!wt_st_arm(t, blk))
				goto out;
			if (v == 0)
				wt_st_async(&s, write, WT_ST_LEN, WT_ST_OFF,
					    expected);
			else
				wt_st_sync(&s, write, v == 2 ? s.request : NULL,
					   expected);
			if (t->wedged || !wt_st_consumed(t, blk, &failed))
				goto out;
			/* A failed write moved no data */
			if (write && blk)
				wt_raw_verify(t, &s.bdev, WT_ST_OFF, WT_ST_LEN,
					      seed);
		}
	}
out:
	wt_st_teardown(&s);
	return 0;
}

int wt_status_table_read(struct wt *t)
{
	return wt_status_table_run(t, false);
}

int wt_status_table_write(struct wt *t)
{
	return wt_status_table_run(t, true);
}

/*
 * A transfer wdfio splits into several bios fails as a whole when one bio
 * (in the middle) fails, reports 0 bytes, and completes only after its
 * last bio ended.
 */
int wt_status_split_partial(struct wt *t)
{
	struct wt_st s;
	unsigned int held, pass;
	int n;

	if (wt_st_setup(&s, t))
		goto out;

	for (pass = 0; pass < 2 && !t->wedged; pass++) {
		bool write = pass == 1;
		LONGLONG off = SZ_1M + 512;
		WDFMEMORY_OFFSET win = { 0, SZ_256K };
		NTSTATUS status;

		wt_set_where(t, "256 KiB %s, middle bio fails BLK_STS_MEDIUM",
			     write ? "write" : "read");
		if (!wt_tb_reset(t))
			goto out;
		wdfio_tb_set_hold(WT_TB, true);
		wt_io_reset(s.io);
		status = wt_format_rw(s.target, s.request, write, s.memory,
				      &win, off);
		if (!T_STATUS(t, STATUS_SUCCESS, status))
			goto out;
		WdfRequestSetCompletionRoutine(s.request, wt_io_complete, s.io);
		if (!T_TRUE(t, WdfRequestSend(s.request, s.target, NULL),
			    "status 0x%08X",
			    (u32)WdfRequestGetStatus(s.request)))
			goto out;
		/* 256 KiB in bios of at most 32 KiB */
		if (!wt_tb_wait_held(t, 8))
			goto out;
		held = wdfio_tb_held(WT_TB);
		wdfio_tb_set_hold(WT_TB, false);

		n = wdfio_tb_release(WT_TB, held / 2, WDFIO_TB_ORDER_FIFO,
				     WDFIO_TB_STS_OK);
		T_EQ(t, held / 2, n);
		n = wdfio_tb_release(WT_TB, 1, WDFIO_TB_ORDER_FIFO,
				     WDFIO_TB_STS_MEDIUM);
		T_EQ(t, 1, n);
		/* Bios are still held: the request must not have completed */
		T_EQ(t, 0, atomic_read(&s.io->calls));
		T_STATUS(t, STATUS_PENDING, WdfRequestGetStatus(s.request));
		n = wdfio_tb_release(WT_TB, 0, WDFIO_TB_ORDER_FIFO,
				     WDFIO_TB_STS_OK);
		T_EQ(t, held - held / 2 - 1, n);

		if (!wt_io_wait(t, s.io))
			goto out;
		T_EQ(t, 1, atomic_read(&s.io->calls));
		T_STATUS(t, STATUS_DEVICE_DATA_ERROR,
			 s.io->params.IoStatus.Status);
		T_EQ(t, 0, s.io->params.IoStatus.Information);
		T_STATUS(t, STATUS_DEVICE_DATA_ERROR,
			 WdfRequestGetStatus(s.request));
	}
out:
	wt_st_teardown(&s);
	return 0;
}
