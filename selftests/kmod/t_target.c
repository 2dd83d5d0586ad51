// SPDX-License-Identifier: GPL-2.0
/*
 * I/O targets (docs/semantics.md, "Targets"): opening by name and over an
 * existing block device, sharing, access, states, completion params, and
 * closing or deleting a target with I/O in flight.
 */
#include <linux/blkdev.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include "util.h"
#include "wt_cases.h"

static NTSTATUS wt_open_name(WDFIOTARGET target, PCUNICODE_STRING name,
			     ACCESS_MASK access, ULONG share)
{
	WDF_IO_TARGET_OPEN_PARAMS params;

	WDF_IO_TARGET_OPEN_PARAMS_INIT_OPEN_BY_NAME(&params, name, access);
	params.ShareAccess = share;
	return WdfIoTargetOpen(target, &params);
}

static NTSTATUS wt_new_target(struct wt *t, WDFIOTARGET *target)
{
	NTSTATUS status;

	*target = NULL;
	status = WdfIoTargetCreate(WDF_NO_HANDLE, WDF_NO_OBJECT_ATTRIBUTES,
				   target);
	if (!T_STATUS(t, STATUS_SUCCESS, status))
		*target = NULL;
	return status;
}

/* A synchronous 4 KiB write of a fresh pattern, checked through Linux */
static bool wt_target_write_lands(struct wt *t, WDFIOTARGET target,
				  const struct wt_dev *d, u64 off)
{
	WDF_MEMORY_DESCRIPTOR desc;
	struct wt_bdev bdev;
	struct wt_buf b;
	LONGLONG o = off;
	u32 seed = wt_next_seed();
	ULONG_PTR bytes;
	bool ok = false;

	if (wt_buf_alloc(t, &b, SZ_4K, false, 0))
		return false;
	if (wt_bdev_open(t, d, &bdev))
		goto out_buf;
	wt_fill(b.data, SZ_4K, off, seed);
	WDF_MEMORY_DESCRIPTOR_INIT_BUFFER(&desc, b.data, SZ_4K);
	if (T_STATUS(t, STATUS_SUCCESS,
		     wt_sync_write(t, target, NULL, &desc, &o, NULL, &bytes)) &&
	    T_EQ(t, SZ_4K, bytes))
		ok = wt_raw_verify(t, &bdev, off, SZ_4K, seed);
	wt_bdev_close(&bdev);
out_buf:
	wt_buf_free(t, &b);
	return ok;
}

static const char wt_path2[] = "/dev/nullb2";
static const WCHAR wt_longer[] = L"/dev/nullb1XYZ";

int wt_target_open_by_name(struct wt *t)
{
	WDF_IO_TARGET_OPEN_PARAMS params;
	WCHAR built[sizeof(wt_path2)];
	UNICODE_STRING name;
	WDFIOTARGET target = NULL;
	unsigned int i;
	DECLARE_CONST_UNICODE_STRING(nullb0, L"/dev/nullb0");

	wt_set_where(t, "DECLARE_CONST_UNICODE_STRING(L\"/dev/nullb0\")");
	if (!NT_SUCCESS(wt_new_target(t, &target)))
		return 0;
	T_EQ(t, WdfIoTargetClosed, WdfIoTargetGetState(target));
	if (T_STATUS(t, STATUS_SUCCESS,
		     wt_open_name(target, &nullb0, GENERIC_READ | GENERIC_WRITE,
				  FILE_SHARE_READ | FILE_SHARE_WRITE))) {
		T_EQ(t, WdfIoTargetStarted, WdfIoTargetGetState(target));
		wt_target_write_lands(t, target, &wt_devs[WT_NULLB0], SZ_4M);
	}
	wt_delete_target(t, target);

	/* A name built at run time */
	wt_set_where(t, "RtlInitUnicodeString, name built at run time");
	for (i = 0; i < sizeof(wt_path2); i++)
		built[i] = wt_path2[i];
	RtlInitUnicodeString(&name, built);
	T_EQ(t, (sizeof(wt_path2) - 1) * sizeof(WCHAR), name.Length);
	if (!NT_SUCCESS(wt_new_target(t, &target)))
		return 0;
	if (T_STATUS(t, STATUS_SUCCESS,
		     wt_open_name(target, &name, GENERIC_READ | GENERIC_WRITE,
				  FILE_SHARE_READ | FILE_SHARE_WRITE)))
		wt_target_write_lands(t, target, &wt_devs[WT_NULLB2], SZ_4M);
	wt_delete_target(t, target);

	/* Counted strings: only Length bytes of the buffer are the name */
	wt_set_where(t, "UNICODE_STRING shorter than its NUL-terminated buffer");
	name.Buffer = (PWCH)wt_longer;
	name.Length = (ARRAY_SIZE(wt_longer) - 4) * sizeof(WCHAR);
	name.MaximumLength = sizeof(wt_longer);
	if (!NT_SUCCESS(wt_new_target(t, &target)))
		return 0;
	if (T_STATUS(t, STATUS_SUCCESS,
		     wt_open_name(target, &name, GENERIC_READ | GENERIC_WRITE,
				  FILE_SHARE_READ | FILE_SHARE_WRITE)))
		wt_target_write_lands(t, target, &wt_devs[WT_NULLB1], SZ_4M);
	wt_delete_target(t, target);

	/* CREATE_BY_NAME opens the device too */
	wt_set_where(t, "WDF_IO_TARGET_OPEN_PARAMS_INIT_CREATE_BY_NAME");
	if (!NT_SUCCESS(wt_new_target(t, &target)))
		return 0;
	WDF_IO_TARGET_OPEN_PARAMS_INIT_CREATE_BY_NAME(&params, &nullb0,
						      GENERIC_READ |
						      GENERIC_WRITE);
	params.ShareAccess = FILE_SHARE_READ | FILE_SHARE_WRITE;
	if (T_STATUS(t, STATUS_SUCCESS, WdfIoTargetOpen(target, &params)))
		wt_target_write_lands(t, target, &wt_devs[WT_NULLB0], SZ_8M);
	wt_delete_target(t, target);
	return 0;
}

int wt_target_open_errors(struct wt *t)
{
	DECLARE_CONST_UNICODE_STRING(missing, L"/dev/wdfio_no_such_device");
	DECLARE_CONST_UNICODE_STRING(chardev, L"/dev/null");
	DECLARE_CONST_UNICODE_STRING(dir, L"/dev");
	DECLARE_CONST_UNICODE_STRING(nullb0, L"/dev/nullb0");
	DECLARE_CONST_UNICODE_STRING(tb0, L"/dev/wdfio_tb0");
	WDF_IO_TARGET_OPEN_PARAMS params;
	WDFIOTARGET target = NULL;
	struct wt_bdev bdev;
	struct gendisk *disk;

	wt_quiet_verifier(t);
	if (!NT_SUCCESS(wt_new_target(t, &target)))
		return 0;

	wt_set_where(t, "no such path");
	T_STATUS(t, STATUS_OBJECT_NAME_NOT_FOUND,
		 wt_open_name(target, &missing, GENERIC_READ, 0));
	T_EQ(t, WdfIoTargetClosed, WdfIoTargetGetState(target));
	wt_set_where(t, "a character device");
	T_STATUS(t, STATUS_OBJECT_TYPE_MISMATCH,
		 wt_open_name(target, &chardev, GENERIC_READ, 0));
	wt_set_where(t, "a directory");
	T_STATUS(t, STATUS_OBJECT_TYPE_MISMATCH,
		 wt_open_name(target, &dir, GENERIC_READ, 0));
	wt_set_where(t, "bad open params Size");
	WDF_IO_TARGET_OPEN_PARAMS_INIT_OPEN_BY_NAME(&params, &nullb0,
						    GENERIC_READ);
	params.Size -= 8;
	T_STATUS(t, STATUS_INFO_LENGTH_MISMATCH, WdfIoTargetOpen(target, &params));
	wt_set_where(t, "Reopen without a by-name open");
	WDF_IO_TARGET_OPEN_PARAMS_INIT_REOPEN(&params);
	T_STATUS(t, STATUS_INVALID_DEVICE_REQUEST,
		 WdfIoTargetOpen(target, &params));
	T_EQ(t, WdfIoTargetClosed, WdfIoTargetGetState(target));

	wt_set_where(t, "open of an open target");
	if (T_STATUS(t, STATUS_SUCCESS,
		     wt_open_name(target, &nullb0, GENERIC_READ | GENERIC_WRITE,
				  FILE_SHARE_READ | FILE_SHARE_WRITE))) {
		T_STATUS(t, STATUS_INVALID_DEVICE_STATE,
			 wt_open_name(target, &nullb0, GENERIC_READ,
				      FILE_SHARE_READ | FILE_SHARE_WRITE));
		T_EQ(t, WdfIoTargetStarted, WdfIoTargetGetState(target));
		wt_target_write_lands(t, target, &wt_devs[WT_NULLB0], SZ_4M);
	}

	wt_set_where(t, "Reopen after a by-name open and a close");
	wt_close(t, target);
	if (t->wedged)
		return 0;
	WDF_IO_TARGET_OPEN_PARAMS_INIT_REOPEN(&params);
	if (T_STATUS(t, STATUS_SUCCESS, WdfIoTargetOpen(target, &params))) {
		T_EQ(t, WdfIoTargetStarted, WdfIoTargetGetState(target));
		wt_target_write_lands(t, target, &wt_devs[WT_NULLB0], SZ_4M);
	}
	wt_delete_target(t, target);
	target = NULL;

	/* A read-only disk: write access is refused, read access works */
	wt_set_where(t, "read-only wdfio_tb0");
	if (!wt_tb_reset(t) || wt_bdev_open(t, &wt_devs[WT_TB0], &bdev))
		return 0;
	disk = bdev.bdev->bd_disk;
	wt_bdev_close(&bdev);
	if (!NT_SUCCESS(wt_new_target(t, &target)))
		return 0;
	set_disk_ro(disk, true);
	T_STATUS(t, STATUS_MEDIA_WRITE_PROTECTED,
		 wt_open_name(target, &tb0, GENERIC_READ | GENERIC_WRITE,
			      FILE_SHARE_READ | FILE_SHARE_WRITE));
	T_EQ(t, WdfIoTargetClosed, WdfIoTargetGetState(target));
	T_STATUS(t, STATUS_SUCCESS,
		 wt_open_name(target, &tb0, GENERIC_READ,
			      FILE_SHARE_READ | FILE_SHARE_WRITE));
	wt_close(t, target);
	set_disk_ro(disk, false);
	wt_delete_target(t, target);
	return 0;
}

int wt_target_share(struct wt *t)
{
	DECLARE_CONST_UNICODE_STRING(nullb2, L"/dev/nullb2");
	const ACCESS_MASK rw = GENERIC_READ | GENERIC_WRITE;
	const ULONG shared = FILE_SHARE_READ | FILE_SHARE_WRITE;
	WDFIOTARGET a = NULL, b = NULL;
	unsigned int pass;

	wt_quiet_verifier(t);
	for (pass = 0; pass < 2 && !t->wedged; pass++) {
		if (!NT_SUCCESS(wt_new_target(t, &a)) ||
		    !NT_SUCCESS(wt_new_target(t, &b)))
			break;
		if (pass == 0) {
			wt_set_where(t, "ShareAccess 0 twice");
			T_STATUS(t, STATUS_SUCCESS, wt_open_name(a, &nullb2, rw, 0));
			T_STATUS(t, STATUS_SHARING_VIOLATION,
				 wt_open_name(b, &nullb2, rw, 0));
			T_EQ(t, WdfIoTargetClosed, WdfIoTargetGetState(b));
			T_EQ(t, WdfIoTargetStarted, WdfIoTargetGetState(a));
			wt_target_write_lands(t, a, &wt_devs[WT_NULLB2], SZ_1M);
			/* Once the first is closed the second gets it */
			wt_close(t, a);
			wt_set_where(t, "exclusive open after the close");
			if (T_STATUS(t, STATUS_SUCCESS,
				     wt_open_name(b, &nullb2, rw, 0)))
				wt_target_write_lands(t, b, &wt_devs[WT_NULLB2],
						      SZ_2M);
		} else {
			wt_set_where(t, "FILE_SHARE_READ | FILE_SHARE_WRITE twice");
			T_STATUS(t, STATUS_SUCCESS,
				 wt_open_name(a, &nullb2, rw, shared));
			T_STATUS(t, STATUS_SUCCESS,
				 wt_open_name(b, &nullb2, rw, shared));
			wt_target_write_lands(t, a, &wt_devs[WT_NULLB2], SZ_1M);
			wt_target_write_lands(t, b, &wt_devs[WT_NULLB2], SZ_2M);
		}
		wt_delete_target(t, a);
		wt_delete_target(t, b);
		a = NULL;
		b = NULL;
	}
	wt_delete_target(t, a);
	wt_delete_target(t, b);
	return 0;
}

int wt_target_existing_bdev(struct wt *t)
{
	WDF_IO_TARGET_OPEN_PARAMS params;
	GET_LENGTH_INFORMATION *li = NULL;
	WDF_MEMORY_DESCRIPTOR desc;
	struct wdfio_bdev_handle handle;
	struct block_device *bdev;
	WDFIOTARGET target = NULL;
	struct wt_bdev own = { };
	struct wt_buf b = { };
	LONGLONG off = SZ_16M + SZ_64K + 512;
	u32 seed = wt_next_seed();
	ULONG_PTR bytes;
	int err;

	err = wdfio_bdev_open(&handle, wt_devs[WT_NULLB0].path, true, NULL);
	if (!T_TRUE(t, !err, "open %s: %d", wt_devs[WT_NULLB0].path, err))
		return 0;
	bdev = handle.bdev;
	li = kzalloc(sizeof(*li), GFP_KERNEL);
	if (!li || wt_buf_alloc(t, &b, SZ_64K, true, 0) ||
	    !NT_SUCCESS(wt_new_target(t, &target)))
		goto out;

	wt_set_where(t, "open over the driver's own block_device");
	WDF_IO_TARGET_OPEN_PARAMS_INIT_EXISTING_BLOCK_DEVICE(&params, bdev);
	if (!T_STATUS(t, STATUS_SUCCESS, WdfIoTargetOpen(target, &params)))
		goto out;
	T_EQ(t, WdfIoTargetStarted, WdfIoTargetGetState(target));

	wt_set_where(t, "round trip through the existing-device target");
	wt_fill(b.data, SZ_64K, off, seed);
	WDF_MEMORY_DESCRIPTOR_INIT_BUFFER(&desc, b.data, SZ_64K);
	if (T_STATUS(t, STATUS_SUCCESS,
		     wt_sync_write(t, target, NULL, &desc, &off, NULL, &bytes)))
		T_EQ(t, SZ_64K, bytes);
	memset(b.data, WT_POISON_BYTE, SZ_64K);
	if (T_STATUS(t, STATUS_SUCCESS,
		     wt_sync_read(t, target, NULL, &desc, &off, NULL, &bytes))) {
		T_EQ(t, SZ_64K, bytes);
		wt_verify(t, b.data, SZ_64K, off, seed, "read buffer");
	}
	wt_buf_guards_ok(t, &b, "buffer");
	WDF_MEMORY_DESCRIPTOR_INIT_BUFFER(&desc, li, sizeof(*li));
	if (T_STATUS(t, STATUS_SUCCESS,
		     wt_sync_ioctl(t, target, NULL, IOCTL_DISK_GET_LENGTH_INFO,
				   NULL, &desc, NULL, &bytes)))
		T_EQ(t, bdev_nr_bytes(bdev), li->Length.QuadPart);

	wt_set_where(t, "Reopen of an existing-device target");
	wt_close(t, target);
	if (t->wedged)
		goto out;
	T_EQ(t, WdfIoTargetClosed, WdfIoTargetGetState(target));
	WDF_IO_TARGET_OPEN_PARAMS_INIT_REOPEN(&params);
	wt_quiet_verifier(t);
	T_STATUS(t, STATUS_INVALID_DEVICE_REQUEST,
		 WdfIoTargetOpen(target, &params));

	/* wdfio did not release our open: the bdev still works */
	wt_set_where(t, "the driver's block_device after the close");
	own.bdev = bdev;
	wt_bdev_limits(&own);
	wt_raw_verify(t, &own, off, SZ_64K, seed);
	wt_delete_target(t, target);
	target = NULL;
	/* ... and after the delete */
	wt_raw_verify(t, &own, off, SZ_64K, seed);
out:
	wt_set_where(t, "cleanup");
	wt_delete_target(t, target);
	wt_buf_free(t, &b);
	kfree(li);
	/* The caller keeps its open until the target is closed: now */
	if (!t->wedged)
		wdfio_bdev_close(&handle);
	return 0;
}

int wt_target_states(struct wt *t)
{
	DECLARE_CONST_UNICODE_STRING(nullb0, L"/dev/nullb0");
	WDFIOTARGET target = NULL;
	WDFREQUEST request = NULL, r2;
	WDFMEMORY memory = NULL;
	struct wt_io *io;
	LONGLONG off = 0;
	void *buf;

	wt_quiet_verifier(t);
	io = wt_io_alloc(t);
	if (!io || !NT_SUCCESS(wt_new_target(t, &target)) ||
	    !NT_SUCCESS(wt_memory(t, 512, &memory, &buf)))
		goto out;

	wt_set_where(t, "new target");
	T_EQ(t, WdfIoTargetClosed, WdfIoTargetGetState(target));
	T_STATUS(t, STATUS_INVALID_DEVICE_STATE, WdfIoTargetStart(target));
	T_EQ(t, WdfIoTargetClosed, WdfIoTargetGetState(target));

	wt_set_where(t, "open target");
	if (!T_STATUS(t, STATUS_SUCCESS,
		      wt_open_name(target, &nullb0, GENERIC_READ | GENERIC_WRITE,
				   FILE_SHARE_READ | FILE_SHARE_WRITE)))
		goto out;
	T_EQ(t, WdfIoTargetStarted, WdfIoTargetGetState(target));
	T_STATUS(t, STATUS_SUCCESS, WdfIoTargetStart(target));
	T_EQ(t, WdfIoTargetStarted, WdfIoTargetGetState(target));
	if (!NT_SUCCESS(wt_request(t, target, &request)))
		goto out;

	wt_set_where(t, "closed target");
	wt_close(t, target);
	if (t->wedged)
		goto out;
	T_EQ(t, WdfIoTargetClosed, WdfIoTargetGetState(target));
	T_STATUS(t, STATUS_INVALID_DEVICE_STATE, WdfIoTargetStart(target));
	T_EQ(t, WdfIoTargetClosed, WdfIoTargetGetState(target));
	r2 = NULL;
	T_STATUS(t, STATUS_INVALID_DEVICE_STATE,
		 WdfRequestCreate(WDF_NO_OBJECT_ATTRIBUTES, target, &r2));
	wt_close(t, target);
	T_EQ(t, WdfIoTargetClosed, WdfIoTargetGetState(target));

	wt_set_where(t, "reopened target");
	if (!T_STATUS(t, STATUS_SUCCESS,
		      wt_open_name(target, &nullb0, GENERIC_READ | GENERIC_WRITE,
				   FILE_SHARE_READ | FILE_SHARE_WRITE)))
		goto out;
	T_EQ(t, WdfIoTargetStarted, WdfIoTargetGetState(target));
	/* A request created before the close works again */
	if (!T_STATUS(t, STATUS_SUCCESS,
		      WdfIoTargetFormatRequestForRead(target, request, memory,
						      NULL, &off)))
		goto out;
	wt_send_ok(t, request, target, io, 512);
	r2 = NULL;
	if (T_STATUS(t, STATUS_SUCCESS,
		     WdfRequestCreate(WDF_NO_OBJECT_ATTRIBUTES, target, &r2)))
		WdfObjectDelete(r2);
out:
	wt_set_where(t, "cleanup");
	wt_delete(t, request);
	wt_delete(t, memory);
	wt_delete_target(t, target);
	if (io)
		wt_io_free(t, io);
	return 0;
}

int wt_target_readonly(struct wt *t)
{
	static const struct {
		ACCESS_MASK access;
		bool write;
		const char *what;
	} cases[] = {
		{ GENERIC_READ, false, "GENERIC_READ" },
		{ FILE_READ_DATA, false, "FILE_READ_DATA" },
		{ 0, false, "no access bits" },
		{ GENERIC_READ | GENERIC_WRITE, true, "GENERIC_READ|GENERIC_WRITE" },
		{ GENERIC_READ | FILE_WRITE_DATA, true, "GENERIC_READ|FILE_WRITE_DATA" },
		{ GENERIC_ALL, true, "GENERIC_ALL" },
		{ MAXIMUM_ALLOWED, true, "MAXIMUM_ALLOWED" },
	};
	WDF_MEMORY_DESCRIPTOR desc;
	WDFREQUEST request = NULL;
	WDFMEMORY memory = NULL;
	LONGLONG off = SZ_4M;
	ULONG_PTR bytes;
	unsigned int i;
	void *buf;

	wt_quiet_verifier(t);
	if (!NT_SUCCESS(wt_memory(t, SZ_4K, &memory, &buf)) ||
	    !NT_SUCCESS(wt_request(t, NULL, &request)))
		goto out;
	WDF_MEMORY_DESCRIPTOR_INIT_BUFFER(&desc, buf, SZ_4K);

	for (i = 0; i < ARRAY_SIZE(cases) && !t->wedged; i++) {
		WDFIOTARGET target;
		NTSTATUS expect = STATUS_ACCESS_DENIED;

		if (cases[i].write)
			expect = STATUS_SUCCESS;

		wt_set_where(t, "DesiredAccess %s", cases[i].what);
		if (!NT_SUCCESS(wt_open(t, &wt_devs[WT_NULLB0], cases[i].access,
					FILE_SHARE_READ | FILE_SHARE_WRITE,
					&target)))
			continue;
		T_STATUS(t, STATUS_SUCCESS,
			 WdfIoTargetFormatRequestForRead(target, request,
							 memory, NULL, &off));
		T_STATUS(t, expect,
			 WdfIoTargetFormatRequestForWrite(target, request,
							  memory, NULL, &off));
		if (!cases[i].write)
			T_SEND_FAILS(t, request, target, NULL,
				     STATUS_REQUEST_NOT_ACCEPTED);
		T_STATUS(t, expect,
			 wt_sync_write(t, target, NULL, &desc, &off, NULL,
				       &bytes));
		T_STATUS(t, STATUS_SUCCESS,
			 wt_sync_read(t, target, NULL, &desc, &off, NULL,
				      &bytes));
		wt_delete_target(t, target);
	}
out:
	wt_set_where(t, "cleanup");
	wt_delete(t, request);
	wt_delete(t, memory);
	return 0;
}

/* Completion params in the routine, after it, and for sync sends */
int wt_target_completion_params(struct wt *t)
{
	WDF_REQUEST_COMPLETION_PARAMS after, junk;
	WDFMEMORY_OFFSET win = { SZ_1K, SZ_4K };
	WDF_MEMORY_DESCRIPTOR desc;
	WDFIOTARGET target = NULL, tb = NULL;
	WDFREQUEST request = NULL;
	WDFMEMORY memory = NULL, out = NULL;
	struct wt_buf b = { };
	struct wt_io *io;
	LONGLONG off = SZ_1M;
	ULONG_PTR bytes;
	unsigned int pass;
	void *buf, *obuf;

	wt_quiet_verifier(t);
	io = wt_io_alloc(t);
	if (!io || wt_buf_alloc(t, &b, SZ_4K, false, 0) ||
	    !NT_SUCCESS(wt_open_rw(t, &wt_devs[WT_NULLB0], &target)) ||
	    !NT_SUCCESS(wt_request(t, target, &request)) ||
	    !NT_SUCCESS(wt_memory(t, SZ_8K, &memory, &buf)) ||
	    !NT_SUCCESS(wt_memory(t, 64, &out, &obuf)))
		goto out;

	for (pass = 0; pass < 2 && !t->wedged; pass++) {
		bool write = pass;
		NTSTATUS status;

		wt_set_where(t, "async %s with a window {1024, 4096}",
			     write ? "write" : "read");
		status = wt_format_rw(target, request, write, memory, &win,
				      off);
		if (!T_STATUS(t, STATUS_SUCCESS, status))
			continue;
		if (!wt_send_wait(t, request, target, io))
			continue;
		T_EQ(t, sizeof(WDF_REQUEST_COMPLETION_PARAMS), io->params.Size);
		T_EQ(t, write ? WdfRequestTypeWrite : WdfRequestTypeRead,
		     io->params.Type);
		T_STATUS(t, STATUS_SUCCESS, io->params.IoStatus.Status);
		T_EQ(t, SZ_4K, io->params.IoStatus.Information);
		T_PTR(t, memory, io->params.Parameters.Read.Buffer);
		T_EQ(t, SZ_1K, io->params.Parameters.Read.Offset);
		T_EQ(t, SZ_4K, io->params.Parameters.Read.Length);

		WDF_REQUEST_COMPLETION_PARAMS_INIT(&after);
		WdfRequestGetCompletionParams(request, &after);
		T_TRUE(t, !memcmp(&after, &io->params, sizeof(after)),
		       "WdfRequestGetCompletionParams differs from the routine's Params");

		/* A wrong Size: nothing is copied */
		memset(&junk, 0xAB, sizeof(junk));
		junk.Size = sizeof(junk) - 1;
		WdfRequestGetCompletionParams(request, &junk);
		T_EQ(t, 0xABABABAB, (u32)junk.Type);
		T_EQ(t, 0xABABABABABABABABULL, junk.IoStatus.Information);
	}

	wt_set_where(t, "async IOCTL_DISK_GET_LENGTH_INFO");
	if (T_STATUS(t, STATUS_SUCCESS,
		     WdfIoTargetFormatRequestForIoctl(target, request,
						      IOCTL_DISK_GET_LENGTH_INFO,
						      NULL, NULL, out, NULL))) {
		if (wt_send_wait(t, request, target, io)) {
			T_EQ(t, WdfRequestTypeDeviceControl, io->params.Type);
			T_EQ(t, IOCTL_DISK_GET_LENGTH_INFO,
			     io->params.Parameters.Ioctl.IoControlCode);
			T_PTR(t, NULL, io->params.Parameters.Ioctl.Input.Buffer);
			T_PTR(t, out, io->params.Parameters.Ioctl.Output.Buffer);
			T_EQ(t, 0, io->params.Parameters.Ioctl.Output.Offset);
			T_EQ(t, sizeof(GET_LENGTH_INFORMATION),
			     io->params.Parameters.Ioctl.Output.Length);
			T_EQ(t, sizeof(GET_LENGTH_INFORMATION),
			     io->params.IoStatus.Information);
			WDF_REQUEST_COMPLETION_PARAMS_INIT(&after);
			WdfRequestGetCompletionParams(request, &after);
			T_TRUE(t, !memcmp(&after, &io->params, sizeof(after)),
			       "IOCTL params differ after the routine");
		}
	}

	/* Sync sends with our request: the params are there afterwards */
	wt_set_where(t, "sync read of a buffer descriptor with a request");
	WDF_MEMORY_DESCRIPTOR_INIT_BUFFER(&desc, b.data, SZ_4K);
	if (T_STATUS(t, STATUS_SUCCESS,
		     wt_sync_read(t, target, request, &desc, &off, NULL,
				  &bytes))) {
		WDF_REQUEST_COMPLETION_PARAMS_INIT(&after);
		WdfRequestGetCompletionParams(request, &after);
		T_EQ(t, WdfRequestTypeRead, after.Type);
		T_STATUS(t, STATUS_SUCCESS, after.IoStatus.Status);
		T_EQ(t, SZ_4K, after.IoStatus.Information);
		T_PTR(t, NULL, after.Parameters.Read.Buffer);
		T_EQ(t, SZ_4K, after.Parameters.Read.Length);
	}
	wt_set_where(t, "sync write of a memory window with a request");
	WDF_MEMORY_DESCRIPTOR_INIT_HANDLE(&desc, memory, &win);
	if (T_STATUS(t, STATUS_SUCCESS,
		     wt_sync_write(t, target, request, &desc, &off, NULL,
				   &bytes))) {
		WDF_REQUEST_COMPLETION_PARAMS_INIT(&after);
		WdfRequestGetCompletionParams(request, &after);
		T_EQ(t, WdfRequestTypeWrite, after.Type);
		T_EQ(t, SZ_4K, after.IoStatus.Information);
		T_PTR(t, memory, after.Parameters.Write.Buffer);
		T_EQ(t, SZ_1K, after.Parameters.Write.Offset);
		T_EQ(t, SZ_4K, after.Parameters.Write.Length);
	}

	/* A failed transfer: its status, and Length 0 */
	wt_set_where(t, "async read failed by wdfio_tb0 (BLK_STS_IOERR)");
	if (!wt_tb_reset(t) ||
	    !NT_SUCCESS(wt_open_rw(t, &wt_devs[WT_TB0], &tb)))
		goto out;
	wt_delete(t, request);
	request = NULL;
	if (!NT_SUCCESS(wt_request(t, tb, &request)))
		goto out;
	wdfio_tb_fail_next(WT_TB, 1, WDFIO_TB_STS_IOERR);
	if (T_STATUS(t, STATUS_SUCCESS,
		     WdfIoTargetFormatRequestForRead(tb, request, memory, &win,
						     &off))) {
		if (wt_send_wait(t, request, tb, io)) {
			T_STATUS(t, STATUS_IO_DEVICE_ERROR,
				 io->params.IoStatus.Status);
			T_EQ(t, 0, io->params.IoStatus.Information);
			T_EQ(t, 0, io->params.Parameters.Read.Length);
			T_PTR(t, memory, io->params.Parameters.Read.Buffer);
			T_PTR(t, tb, io->target);
		}
	}
out:
	wt_set_where(t, "cleanup");
	wt_delete(t, request);
	wt_delete(t, memory);
	wt_delete(t, out);
	wt_delete_target(t, target);
	wt_delete_target(t, tb);
	if (io)
		wt_io_free(t, io);
	wt_buf_free(t, &b);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Close / delete with I/O in flight                                   */

#define WT_INFLIGHT	8

struct wt_closer {
	WDFIOTARGET target;
	bool delete;
	atomic_t *completed;
	int completed_at_return;
	bool entered;
	struct completion done;
};

static int wt_closer_fn(void *arg)
{
	struct wt_closer *c = arg;

	WRITE_ONCE(c->entered, true);
	wake_up(&wt_wq);
	if (c->delete)
		WdfObjectDelete(c->target);
	else
		WdfIoTargetClose(c->target);
	c->completed_at_return = atomic_read(c->completed);
	complete(&c->done);
	return 0;
}

struct wt_inflight;

struct wt_slot {
	struct wt_io io;
	struct wt_inflight *f;
};

struct wt_inflight {
	atomic_t completed;
	struct wt_slot slot[WT_INFLIGHT];
};

static EVT_WDF_REQUEST_COMPLETION_ROUTINE wt_inflight_complete;

static VOID wt_inflight_complete(WDFREQUEST Request, WDFIOTARGET Target,
				 PWDF_REQUEST_COMPLETION_PARAMS Params,
				 WDFCONTEXT Context)
{
	struct wt_slot *s = Context;

	s->io.request = Request;
	s->io.target = Target;
	s->io.params = *Params;
	atomic_inc(&s->io.calls);
	atomic_inc(&s->f->completed);
	complete(&s->io.done);
}

static bool wt_closer_entered(void *arg)
{
	return READ_ONCE(((struct wt_closer *)arg)->entered);
}

static int wt_inflight_run(struct wt *t, bool delete)
{
	WDFREQUEST requests[WT_INFLIGHT] = { }, late = NULL;
	WDFMEMORY memories[WT_INFLIGHT] = { };
	struct wt_inflight *f;
	struct wt_closer *c = NULL;
	struct task_struct *task;
	WDFIOTARGET target = NULL;
	struct wt_bdev bdev;
	unsigned int i, waited;
	LONGLONG base = SZ_4M;
	u32 seed = wt_next_seed();
	void *buf;

	if (!wt_tb_reset(t))
		return 0;
	if (wt_bdev_open(t, &wt_devs[WT_TB0], &bdev))
		return 0;
	f = kzalloc(sizeof(*f), GFP_KERNEL);
	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!f || !c)
		goto out;
	if (!NT_SUCCESS(wt_open_rw(t, &wt_devs[WT_TB0], &target)))
		goto out;
	for (i = 0; i < WT_INFLIGHT; i++) {
		LONGLONG off = base + (u64)i * SZ_4K;

		wt_io_reset(&f->slot[i].io);
		f->slot[i].f = f;
		if (!NT_SUCCESS(wt_request(t, target, &requests[i])) ||
		    !NT_SUCCESS(wt_memory(t, SZ_4K, &memories[i], &buf)))
			goto out;
		wt_fill(buf, SZ_4K, off, seed);
		if (!T_STATUS(t, STATUS_SUCCESS,
			      WdfIoTargetFormatRequestForWrite(target,
							       requests[i],
							       memories[i],
							       NULL, &off)))
			goto out;
		WdfRequestSetCompletionRoutine(requests[i],
					       wt_inflight_complete,
					       &f->slot[i]);
	}
	/* One more, formatted now, sent while the close is waiting */
	if (!NT_SUCCESS(wt_request(t, target, &late)) ||
	    !T_STATUS(t, STATUS_SUCCESS,
		      WdfIoTargetFormatRequestForRead(target, late,
						      memories[0], NULL,
						      &base)))
		goto out;

	wt_set_where(t, "%u writes held", WT_INFLIGHT);
	wdfio_tb_set_hold(WT_TB, true);
	for (i = 0; i < WT_INFLIGHT; i++)
		if (!T_TRUE(t, WdfRequestSend(requests[i], target, NULL),
			    "send %u: 0x%08X", i,
			    (u32)WdfRequestGetStatus(requests[i])))
			goto out;
	if (!wt_tb_wait_held(t, WT_INFLIGHT))
		goto out;

	wt_set_where(t, "%s running with %u writes held",
		     delete ? "WdfObjectDelete(target)" : "WdfIoTargetClose",
		     WT_INFLIGHT);
	c->target = target;
	c->delete = delete;
	c->completed = &f->completed;
	init_completion(&c->done);
	task = kthread_run(wt_closer_fn, c, "wdfio_test_close");
	if (!T_TRUE(t, !IS_ERR(task), "kthread_run: %ld", PTR_ERR(task)))
		goto out;
	if (delete)
		target = NULL;	/* the closer owns it now */
	if (!wt_wait_cond_timeout(t, wt_closer_entered, c, "the closer to start"))
		goto out;
	if (!delete) {
		/* The state changes first; then sends are refused */
		for (waited = 0; waited < WT_TIMEOUT_S * 1000 &&
		     WdfIoTargetGetState(c->target) != WdfIoTargetClosed;
		     waited++)
			usleep_range(1000, 2000);
		T_EQ(t, WdfIoTargetClosed, WdfIoTargetGetState(c->target));
		T_SEND_FAILS(t, late, c->target, NULL,
			     STATUS_INVALID_DEVICE_STATE);
	}
	/* Deterministic: the bios are held, so it cannot have returned */
	T_TRUE(t, !wait_for_completion_timeout(&c->done, HZ / 2),
	       "returned while %u bios were held", wdfio_tb_held(WT_TB));
	T_EQ(t, 0, atomic_read(&f->completed));
	T_EQ(t, WT_INFLIGHT, wdfio_tb_held(WT_TB));

	wt_set_where(t, "after releasing the writes");
	wdfio_tb_set_hold(WT_TB, false);
	T_EQ(t, WT_INFLIGHT, wdfio_tb_release(WT_TB, 0, WDFIO_TB_ORDER_FIFO,
					      WDFIO_TB_STS_OK));
	if (!wait_for_completion_timeout(&c->done, WT_TIMEOUT_S * HZ)) {
		t->wedged = true;
		T_FAIL(t, "the closer did not return within %d s", WT_TIMEOUT_S);
		goto out;
	}
	T_EQ(t, WT_INFLIGHT, c->completed_at_return);
	for (i = 0; i < WT_INFLIGHT; i++) {
		wt_set_where(t, "request %u", i);
		T_EQ(t, 1, atomic_read(&f->slot[i].io.calls));
		T_PTR(t, requests[i], f->slot[i].io.request);
		T_STATUS(t, STATUS_SUCCESS,
			 f->slot[i].io.params.IoStatus.Status);
		T_EQ(t, SZ_4K, f->slot[i].io.params.IoStatus.Information);
	}
	wt_set_where(t, "device contents");
	wt_raw_verify(t, &bdev, base, WT_INFLIGHT * SZ_4K, seed);
out:
	wt_set_where(t, "cleanup");
	if (!t->wedged)
		wt_tb_reset(t);
	for (i = 0; i < WT_INFLIGHT; i++) {
		wt_delete(t, requests[i]);
		wt_delete(t, memories[i]);
	}
	wt_delete(t, late);
	wt_delete_target(t, target);
	if (!t->wedged) {
		kfree(f);
		kfree(c);
	}
	wt_bdev_close(&bdev);
	return 0;
}

int wt_target_close_inflight(struct wt *t)
{
	return wt_inflight_run(t, false);
}

int wt_target_delete_inflight(struct wt *t)
{
	return wt_inflight_run(t, true);
}
