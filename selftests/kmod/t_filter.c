// SPDX-License-Identifier: GPL-2.0
/*
 * Filter devices over block devices: wdfio_driver_add_device, the block
 * front-end, WdfDeviceGetIoTarget, forwarding with SEND_AND_FORGET and with
 * WdfRequestFormatRequestUsingCurrentType + a completion routine. Data is
 * checked through the lower device (the oracle) both ways.
 */
#include <linux/blkdev.h>
#include <linux/err.h>
#include <linux/slab.h>

#include "util.h"
#include "wt_cases.h"

struct wt_flt_state {
	bool forget;		/* SEND_AND_FORGET everything */
	PCUNICODE_STRING name;
	atomic_t presented;
	atomic_t no_routine_refused;
	atomic_t routine_calls;
	atomic_t atomic_routines;
	atomic_t send_failed;
};

static struct wt_flt_state wt_flt;

static EVT_WDF_DRIVER_DEVICE_ADD wt_flt_add;
static EVT_WDF_IO_QUEUE_IO_DEFAULT wt_flt_forget;
static EVT_WDF_IO_QUEUE_IO_READ wt_flt_forward;
static EVT_WDF_REQUEST_COMPLETION_ROUTINE wt_flt_done;

static void wt_flt_forget(WDFQUEUE Queue, WDFREQUEST Request)
{
	WDFIOTARGET target = WdfDeviceGetIoTarget(WdfIoQueueGetDevice(Queue));
	WDF_REQUEST_SEND_OPTIONS options;

	atomic_inc(&wt_flt.presented);
	WDF_REQUEST_SEND_OPTIONS_INIT(&options,
				      WDF_REQUEST_SEND_OPTION_SEND_AND_FORGET);
	if (!WdfRequestSend(Request, target, &options)) {
		atomic_inc(&wt_flt.send_failed);
		WdfRequestComplete(Request, WdfRequestGetStatus(Request));
	}
}

static void wt_flt_done(WDFREQUEST Request, WDFIOTARGET Target,
			PWDF_REQUEST_COMPLETION_PARAMS Params, WDFCONTEXT Context)
{
	atomic_inc(&wt_flt.routine_calls);
	if (wt_atomic_context())
		atomic_inc(&wt_flt.atomic_routines);
	WdfRequestCompleteWithInformation(Request, Params->IoStatus.Status,
					  Params->IoStatus.Information);
}

/* EvtIoRead and EvtIoWrite: forward with a completion routine */
static void wt_flt_forward(WDFQUEUE Queue, WDFREQUEST Request, size_t Length)
{
	WDFIOTARGET target = WdfDeviceGetIoTarget(WdfIoQueueGetDevice(Queue));

	atomic_inc(&wt_flt.presented);
	/* a presented request cannot be deleted, only completed (KMDF) */
	WdfObjectDelete(Request);
	WdfRequestFormatRequestUsingCurrentType(Request);
	/* KMDF: a presented request needs a completion routine */
	if (!WdfRequestSend(Request, target, WDF_NO_SEND_OPTIONS) &&
	    WdfRequestGetStatus(Request) == STATUS_INVALID_DEVICE_REQUEST)
		atomic_inc(&wt_flt.no_routine_refused);
	WdfRequestSetCompletionRoutine(Request, wt_flt_done, NULL);
	if (!WdfRequestSend(Request, target, WDF_NO_SEND_OPTIONS)) {
		atomic_inc(&wt_flt.send_failed);
		WdfRequestComplete(Request, WdfRequestGetStatus(Request));
	}
}

static NTSTATUS wt_flt_add(WDFDRIVER Driver, PWDFDEVICE_INIT DeviceInit)
{
	WDF_IO_QUEUE_CONFIG qc;
	WDFDEVICE device;
	NTSTATUS status;

	WdfFdoInitSetFilter(DeviceInit);
	status = WdfDeviceInitAssignName(DeviceInit, wt_flt.name);
	if (!NT_SUCCESS(status))
		return status;
	status = WdfDeviceCreate(&DeviceInit, WDF_NO_OBJECT_ATTRIBUTES, &device);
	if (!NT_SUCCESS(status))
		return status;
	WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(&qc, WdfIoQueueDispatchParallel);
	qc.EvtIoDefault = wt_flt_forget;	/* flush, discard */
	if (!wt_flt.forget) {
		qc.EvtIoRead = wt_flt_forward;
		qc.EvtIoWrite = wt_flt_forward;
	}
	return WdfIoQueueCreate(device, &qc, WDF_NO_OBJECT_ATTRIBUTES, NULL);
}

struct wt_flt_fix {
	WDFDRIVER driver;
	WDFDEVICE device;
	struct wt_bdev upper;
	struct wt_bdev lower;
};

/* A filter driver over @lower, its disk /dev/@path open as @f->upper. */
static bool wt_flt_open(struct wt *t, struct wt_flt_fix *f, bool forget,
			enum wt_dev_id lower, PCUNICODE_STRING name,
			const char *path)
{
	UNICODE_STRING lower_name;
	WDF_DRIVER_CONFIG cfg;
	NTSTATUS status;
	int err;

	memset(f, 0, sizeof(*f));
	memset(&wt_flt, 0, sizeof(wt_flt));
	wt_flt.forget = forget;
	wt_flt.name = name;
	WDF_DRIVER_CONFIG_INIT(&cfg, wt_flt_add);
	status = WdfDriverCreate(NULL, NULL, WDF_NO_OBJECT_ATTRIBUTES, &cfg,
				 &f->driver);
	if (!T_STATUS(t, STATUS_SUCCESS, status))
		return false;
	RtlInitUnicodeString(&lower_name, wt_devs[lower].wpath);
	status = wdfio_driver_add_device(f->driver, &lower_name, &f->device);
	if (!T_STATUS(t, STATUS_SUCCESS, status))
		return false;
	T_TRUE(t, WdfDeviceGetIoTarget(f->device), "a default target");
	T_EQ(t, WdfIoTargetStarted,
	     WdfIoTargetGetState(WdfDeviceGetIoTarget(f->device)));
	err = wdfio_bdev_open(&f->upper.handle, path, true, NULL);
	if (!T_TRUE(t, !err, "open %s: %d", path, err))
		return false;
	f->upper.bdev = f->upper.handle.bdev;
	wt_bdev_limits(&f->upper);
	if (wt_bdev_open(t, &wt_devs[lower], &f->lower))
		return false;
	T_EQ(t, f->lower.size, f->upper.size);
	T_EQ(t, f->lower.lbs, f->upper.lbs);
	return true;
}

static void wt_flt_close(struct wt *t, struct wt_flt_fix *f, const char *path)
{
	struct wdfio_bdev_handle h;

	wt_bdev_close(&f->upper);
	wt_bdev_close(&f->lower);
	if (!f->driver || t->wedged)
		return;
	WdfObjectDelete(f->driver);
	/* the disk went with the device */
	if (!T_TRUE(t, wdfio_bdev_open(&h, path, false, NULL),
		    "%s still exists", path))
		wdfio_bdev_close(&h);
}

/* Data both ways: through the filter, checked on the lower device. */
static void wt_flt_roundtrip(struct wt *t, struct wt_flt_fix *f)
{
	u64 off = 3 * SZ_1M + 4096;
	size_t len = 512 * 1024 + 3 * 4096;
	u32 seed = wt_next_seed();

	wt_set_where(t, "write through the filter");
	if (wt_raw_fill(t, &f->upper, off, len, seed))
		wt_raw_verify(t, &f->lower, off, len, seed);
	wt_set_where(t, "read through the filter");
	seed = wt_next_seed();
	if (wt_raw_fill(t, &f->lower, off, len, seed))
		wt_raw_verify(t, &f->upper, off, len, seed);
	/* the last blocks of the device */
	wt_set_where(t, "end of the device");
	seed = wt_next_seed();
	if (wt_raw_fill(t, &f->upper, f->upper.size - 8192, 8192, seed))
		wt_raw_verify(t, &f->lower, f->upper.size - 8192, 8192, seed);
	T_GE(t, 4, atomic_read(&wt_flt.presented));
	T_EQ(t, 0, atomic_read(&wt_flt.send_failed));
}

int wt_filter_forget_nullb0(struct wt *t)
{
	DECLARE_CONST_UNICODE_STRING(name, L"\\Device\\wdfio_flt0");
	struct wt_flt_fix f;

	if (wt_flt_open(t, &f, true, WT_NULLB0, &name, "/dev/wdfio_flt0"))
		wt_flt_roundtrip(t, &f);
	wt_flt_close(t, &f, "/dev/wdfio_flt0");
	return 0;
}

int wt_filter_routine_nullb2(struct wt *t)
{
	DECLARE_CONST_UNICODE_STRING(name, L"\\Device\\wdfio_flt1");
	struct wt_flt_fix f;

	wt_quiet_verifier(t);	/* the refused send is logged on purpose */
	if (wt_flt_open(t, &f, false, WT_NULLB2, &name, "/dev/wdfio_flt1")) {
		wt_flt_roundtrip(t, &f);
		T_EQ(t, atomic_read(&wt_flt.presented),
		     atomic_read(&wt_flt.routine_calls));
		T_EQ(t, atomic_read(&wt_flt.presented),
		     atomic_read(&wt_flt.no_routine_refused));
		/* nullb2 completes in hard IRQ: so do the routines */
		T_GE(t, 1, atomic_read(&wt_flt.atomic_routines));
	}
	wt_flt_close(t, &f, "/dev/wdfio_flt1");
	return 0;
}

int wt_filter_flush_discard_tb0(struct wt *t)
{
	DECLARE_CONST_UNICODE_STRING(name, L"\\Device\\wdfio_flt2");
	struct wdfio_tb_stats before, after;
	struct wt_flt_fix f;
	u64 off = SZ_1M;
	size_t len = 64 * 1024;
	void *buf = NULL;
	int err;

	if (!wt_tb_reset(t))
		return 0;
	if (!wt_flt_open(t, &f, true, WT_TB0, &name, "/dev/wdfio_flt2"))
		goto out;
	wt_flt_roundtrip(t, &f);
	if (!wt_tb_stats(t, &before))
		goto out;
	wt_set_where(t, "flush");
	err = blkdev_issue_flush(f.upper.bdev);
	T_EQ(t, 0, (u64)err);
	wt_set_where(t, "discard");
	if (wt_raw_fill(t, &f.lower, off, len, wt_next_seed())) {
		err = blkdev_issue_discard(f.upper.bdev, off >> SECTOR_SHIFT,
					   len >> SECTOR_SHIFT, GFP_KERNEL);
		T_EQ(t, 0, (u64)err);
		buf = kmalloc(len, GFP_KERNEL);
		if (T_TRUE(t, buf, "kmalloc") &&
		    wt_raw_rw(t, &f.lower, false, off, buf, len))
			wt_verify_byte(t, buf, len, 0, "discarded range");
	}
	if (wt_tb_stats(t, &after)) {
		T_GE(t, before.flushes + 1, after.flushes);
		T_GE(t, before.discards + 1, after.discards);
		T_EQ(t, 0, after.violations);
	}
out:
	kfree(buf);
	wt_flt_close(t, &f, "/dev/wdfio_flt2");
	return 0;
}

/* ---- the filter goes away with its bios held in the lower device -------- */

/* One 4 KiB read, its errno */
static int wt_flt_read(struct block_device *bdev)
{
	struct page *page = alloc_page(GFP_KERNEL);
	struct bio *bio;
	int err;

	if (!page)
		return -ENOMEM;
	bio = bio_alloc(bdev, 1, REQ_OP_READ, GFP_KERNEL);
	__bio_add_page(bio, page, PAGE_SIZE, 0);
	err = submit_bio_wait(bio);
	bio_put(bio);
	__free_page(page);
	return err;
}

struct wt_flt_bio {
	atomic_t done;
	atomic_t failed;
	struct completion all;
	int n;
};

static void wt_flt_bio_end(struct bio *bio)
{
	struct wt_flt_bio *w = bio->bi_private;

	if (bio->bi_status)
		atomic_inc(&w->failed);
	__free_page(bio_first_page_all(bio));
	bio_put(bio);
	if (atomic_inc_return(&w->done) == w->n)
		complete(&w->all);
}

int wt_filter_remove_held_tb0(struct wt *t)
{
	DECLARE_CONST_UNICODE_STRING(name, L"\\Device\\wdfio_flt3");
	struct wt_flt_bio *w;
	struct wt_flt_fix f;
	int i, err;

	if (!wt_tb_reset(t))
		return 0;
	w = kzalloc(sizeof(*w), GFP_KERNEL);
	if (!T_TRUE(t, w, "kzalloc"))
		return 0;
	init_completion(&w->all);
	w->n = 8;
	if (!wt_flt_open(t, &f, true, WT_TB0, &name, "/dev/wdfio_flt3"))
		goto out;
	err = wdfio_tb_set_hold(WT_TB, true);
	if (!T_EQ(t, 0, (u64)err))
		goto out;
	for (i = 0; i < w->n; i++) {
		struct page *page = alloc_page(GFP_KERNEL | __GFP_ZERO);
		struct bio *bio = bio_alloc(f.upper.bdev, 1, REQ_OP_WRITE,
					    GFP_KERNEL);

		bio->bi_iter.bi_sector = i * 8;
		__bio_add_page(bio, page, PAGE_SIZE, 0);
		bio->bi_private = w;
		bio->bi_end_io = wt_flt_bio_end;
		submit_bio(bio);
	}
	if (!wt_tb_wait_held(t, w->n))
		goto out;
	/* WDF forgot the requests: deleting the device does not wait for them */
	wt_set_where(t, "delete with bios held");
	WdfObjectDelete(f.device);
	f.device = NULL;
	T_EQ(t, 0, atomic_read(&w->done));
	wt_set_where(t, "release");
	err = wdfio_tb_release(WT_TB, 0, WDFIO_TB_ORDER_FIFO, WDFIO_TB_STS_OK);
	T_EQ(t, w->n, (u64)err);	/* the number released */
	if (!T_TRUE(t, wait_for_completion_timeout(&w->all, WT_TIMEOUT_S * HZ),
		    "the held bios ended")) {
		t->wedged = true;
		return 0;
	}
	T_EQ(t, 0, atomic_read(&w->failed));
	/* the disk is gone for new I/O, the open handle still closes */
	wt_set_where(t, "I/O after the delete");
	err = wt_flt_read(f.upper.bdev);
	T_TRUE(t, err, "a read of the deleted filter fails: %d", err);
out:
	wt_flt_close(t, &f, "/dev/wdfio_flt3");
	kfree(w);
	return 0;
}

/* ---- many bios at once through a filter ----------------------------------- */

#define WT_STORM_BIOS	64
#define WT_STORM_ROUNDS	200

struct wt_storm {
	atomic_t left;
	atomic_t failed;
	struct completion done;
	struct page *pages[WT_STORM_BIOS];
};

static void wt_storm_end(struct bio *bio)
{
	struct wt_storm *s = bio->bi_private;

	if (bio->bi_status)
		atomic_inc(&s->failed);
	bio_put(bio);
	if (atomic_dec_and_test(&s->left))
		complete(&s->done);
}

/* 64 concurrent 4 KiB bios at scattered offsets; false if they hung */
static bool wt_storm_round(struct wt *t, struct wt_storm *s,
			   struct block_device *bdev, bool write, u32 seed)
{
	int i;

	atomic_set(&s->left, WT_STORM_BIOS);
	reinit_completion(&s->done);
	for (i = 0; i < WT_STORM_BIOS; i++) {
		u64 off = (u64)((i * 37) % WT_STORM_BIOS) * SZ_64K + (i % 7) * 4096;
		struct bio *bio = bio_alloc(bdev, 1, write ? REQ_OP_WRITE :
					    REQ_OP_READ, GFP_KERNEL);

		if (write)
			wt_fill(page_address(s->pages[i]), PAGE_SIZE, off, seed);
		else
			memset(page_address(s->pages[i]), 0, PAGE_SIZE);
		bio->bi_iter.bi_sector = off >> SECTOR_SHIFT;
		__bio_add_page(bio, s->pages[i], PAGE_SIZE, 0);
		bio->bi_private = s;
		bio->bi_end_io = wt_storm_end;
		submit_bio(bio);
	}
	if (!wait_for_completion_timeout(&s->done, WT_TIMEOUT_S * HZ)) {
		t->wedged = true;
		return T_FAIL(t, "%d bios did not end", atomic_read(&s->left));
	}
	if (write)
		return true;
	for (i = 0; i < WT_STORM_BIOS; i++) {
		u64 off = (u64)((i * 37) % WT_STORM_BIOS) * SZ_64K + (i % 7) * 4096;

		if (!wt_verify(t, page_address(s->pages[i]), PAGE_SIZE, off, seed,
			       "storm read"))
			return false;
	}
	return true;
}

static void wt_filter_storm(struct wt *t, bool forget, PCUNICODE_STRING name,
			    const char *path)
{
	struct wt_storm *s;
	struct wt_flt_fix f;
	int i, r;

	wt_quiet_verifier(t);
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!T_TRUE(t, s, "kzalloc"))
		return;
	init_completion(&s->done);
	for (i = 0; i < WT_STORM_BIOS; i++) {
		s->pages[i] = alloc_page(GFP_KERNEL);
		if (!T_TRUE(t, s->pages[i], "alloc_page"))
			goto out;
	}
	if (!wt_flt_open(t, &f, forget, WT_NULLB2, name, path))
		goto close;
	for (r = 0; r < WT_STORM_ROUNDS && !t->failures; r++) {
		u32 seed = wt_next_seed();

		wt_set_where(t, "round %d", r);
		if (!wt_storm_round(t, s, f.upper.bdev, true, seed) ||
		    !wt_storm_round(t, s, f.upper.bdev, false, seed))
			break;
	}
	T_EQ(t, 0, atomic_read(&s->failed));
	T_EQ(t, 0, atomic_read(&wt_flt.send_failed));
	T_GE(t, 2 * WT_STORM_BIOS * WT_STORM_ROUNDS,
	     atomic_read(&wt_flt.presented));
close:
	wt_flt_close(t, &f, path);
out:
	if (t->wedged)
		return;
	for (i = 0; i < WT_STORM_BIOS; i++)
		if (s->pages[i])
			__free_page(s->pages[i]);
	kfree(s);
}

int wt_filter_storm_forget(struct wt *t)
{
	DECLARE_CONST_UNICODE_STRING(name, L"\\Device\\wdfio_flt4");

	wt_filter_storm(t, true, &name, "/dev/wdfio_flt4");
	return 0;
}

int wt_filter_storm_routine(struct wt *t)
{
	DECLARE_CONST_UNICODE_STRING(name, L"\\Device\\wdfio_flt5");

	wt_filter_storm(t, false, &name, "/dev/wdfio_flt5");
	return 0;
}
