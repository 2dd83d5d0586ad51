// SPDX-License-Identifier: GPL-2.0
/*
 * blkdemo: a small driver written the way a KMDF driver is, ported to Linux
 * with wdfio. At load it opens I/O targets on two block devices by name,
 * writes a pattern and reads it back, synchronously and asynchronously, and
 * reports what it saw. `make run` loads it in the QEMU guest.
 *
 * Everything below the Linux module glue at the end is plain WDF code.
 */
#define pr_fmt(fmt) "blkdemo: " fmt

#include <linux/completion.h>
#include <linux/module.h>

#include <ntddk.h>
#include <ntdddisk.h>
#include <wdf.h>

/* 'omeD' in Windows source; sparse has no switch for multi-char constants */
#define DEMO_POOL_TAG	0x6f6d6544u
#define DEMO_BYTES	(64 * 1024)
#define DEMO_OFFSET	(1024 * 1024)

typedef struct _DEMO_IO {
	struct completion Done;
	NTSTATUS Status;
	ULONG_PTR Bytes;
} DEMO_IO, *PDEMO_IO;

static EVT_WDF_REQUEST_COMPLETION_ROUTINE DemoIoComplete;

static VOID DemoIoComplete(WDFREQUEST Request, WDFIOTARGET Target,
			   PWDF_REQUEST_COMPLETION_PARAMS Params,
			   WDFCONTEXT Context)
{
	PDEMO_IO io = Context;

	UNREFERENCED_PARAMETER(Request);
	UNREFERENCED_PARAMETER(Target);
	io->Status = Params->IoStatus.Status;
	io->Bytes = Params->IoStatus.Information;
	complete(&io->Done);
}

static VOID DemoFill(PUCHAR Buffer, size_t Length, UCHAR Seed)
{
	size_t i;

	for (i = 0; i < Length; i++)
		Buffer[i] = (UCHAR)(Seed + i * 7 + (i >> 9));
}

/* Send a formatted request asynchronously and wait for its completion. */
static NTSTATUS DemoSendAndWait(WDFREQUEST Request, WDFIOTARGET Target,
				PULONG_PTR Bytes)
{
	DEMO_IO io;

	init_completion(&io.Done);
	WdfRequestSetCompletionRoutine(Request, DemoIoComplete, &io);
	if (!WdfRequestSend(Request, Target, WDF_NO_SEND_OPTIONS))
		return WdfRequestGetStatus(Request);
	wait_for_completion(&io.Done);
	*Bytes = io.Bytes;
	return io.Status;
}

static NTSTATUS DemoSync(WDFIOTARGET Target, PUCHAR Out, PUCHAR In)
{
	WDF_MEMORY_DESCRIPTOR desc;
	LONGLONG offset = DEMO_OFFSET;
	ULONG_PTR bytes = 0;
	NTSTATUS status;

	DemoFill(Out, DEMO_BYTES, 0x11);
	WDF_MEMORY_DESCRIPTOR_INIT_BUFFER(&desc, Out, DEMO_BYTES);
	status = WdfIoTargetSendWriteSynchronously(Target, NULL, &desc, &offset,
						   NULL, &bytes);
	if (!NT_SUCCESS(status) || bytes != DEMO_BYTES)
		return NT_SUCCESS(status) ? STATUS_UNSUCCESSFUL : status;

	RtlZeroMemory(In, DEMO_BYTES);
	WDF_MEMORY_DESCRIPTOR_INIT_BUFFER(&desc, In, DEMO_BYTES);
	status = WdfIoTargetSendReadSynchronously(Target, NULL, &desc, &offset,
						  NULL, &bytes);
	if (!NT_SUCCESS(status) || bytes != DEMO_BYTES)
		return NT_SUCCESS(status) ? STATUS_UNSUCCESSFUL : status;
	return memcmp(In, Out, DEMO_BYTES) ? STATUS_DEVICE_DATA_ERROR :
					      STATUS_SUCCESS;
}

static NTSTATUS DemoAsync(WDFIOTARGET Target, WDFMEMORY Out, WDFMEMORY In)
{
	WDF_REQUEST_REUSE_PARAMS reuse;
	LONGLONG offset = DEMO_OFFSET;
	PUCHAR outBuf, inBuf;
	WDFREQUEST request;
	ULONG_PTR bytes = 0;
	NTSTATUS status;

	outBuf = WdfMemoryGetBuffer(Out, NULL);
	inBuf = WdfMemoryGetBuffer(In, NULL);
	DemoFill(outBuf, DEMO_BYTES, 0x5a);

	status = WdfRequestCreate(WDF_NO_OBJECT_ATTRIBUTES, Target, &request);
	if (!NT_SUCCESS(status))
		return status;

	status = WdfIoTargetFormatRequestForWrite(Target, request, Out, NULL,
						  &offset);
	if (NT_SUCCESS(status))
		status = DemoSendAndWait(request, Target, &bytes);
	if (NT_SUCCESS(status) && bytes != DEMO_BYTES)
		status = STATUS_UNSUCCESSFUL;
	if (!NT_SUCCESS(status))
		goto out_delete;

	/* Same request again: reuse, reformat, resend. */
	WDF_REQUEST_REUSE_PARAMS_INIT(&reuse, WDF_REQUEST_REUSE_NO_FLAGS,
				      STATUS_SUCCESS);
	status = WdfRequestReuse(request, &reuse);
	if (NT_SUCCESS(status))
		status = WdfIoTargetFormatRequestForRead(Target, request, In,
							 NULL, &offset);
	if (NT_SUCCESS(status))
		status = DemoSendAndWait(request, Target, &bytes);
	if (NT_SUCCESS(status) && bytes != DEMO_BYTES)
		status = STATUS_UNSUCCESSFUL;
	if (NT_SUCCESS(status) && memcmp(inBuf, outBuf, DEMO_BYTES))
		status = STATUS_DEVICE_DATA_ERROR;
out_delete:
	WdfObjectDelete(request);
	return status;
}

static bool DemoOne(PCUNICODE_STRING Name, const char *Path)
{
	WDF_IO_TARGET_OPEN_PARAMS open;
	WDFMEMORY out = NULL, in = NULL;
	NTSTATUS sync, async;
	WDFIOTARGET target;
	NTSTATUS status;
	GET_LENGTH_INFORMATION length;
	WDF_MEMORY_DESCRIPTOR desc;

	status = WdfIoTargetCreate(NULL, WDF_NO_OBJECT_ATTRIBUTES, &target);
	if (!NT_SUCCESS(status)) {
		pr_info("%s: WdfIoTargetCreate failed %#x\n", Path, status);
		return false;
	}
	WDF_IO_TARGET_OPEN_PARAMS_INIT_OPEN_BY_NAME(&open, Name,
						    GENERIC_READ | GENERIC_WRITE);
	open.ShareAccess = FILE_SHARE_READ | FILE_SHARE_WRITE;
	status = WdfIoTargetOpen(target, &open);
	if (!NT_SUCCESS(status)) {
		pr_info("%s: WdfIoTargetOpen failed %#x\n", Path, status);
		WdfObjectDelete(target);
		return false;
	}

	WDF_MEMORY_DESCRIPTOR_INIT_BUFFER(&desc, &length, sizeof(length));
	status = WdfIoTargetSendIoctlSynchronously(target, NULL,
						   IOCTL_DISK_GET_LENGTH_INFO,
						   NULL, &desc, NULL, NULL);
	if (NT_SUCCESS(status))
		pr_info("%s: IOCTL_DISK_GET_LENGTH_INFO: %lld bytes\n", Path,
			length.Length.QuadPart);

	status = WdfMemoryCreate(WDF_NO_OBJECT_ATTRIBUTES, NonPagedPoolNx,
				 DEMO_POOL_TAG, DEMO_BYTES, &out, NULL);
	if (NT_SUCCESS(status))
		status = WdfMemoryCreate(WDF_NO_OBJECT_ATTRIBUTES,
					 NonPagedPoolNx, DEMO_POOL_TAG, DEMO_BYTES,
					 &in, NULL);
	if (!NT_SUCCESS(status)) {
		sync = status;
		async = status;
		goto out_close;
	}
	sync = DemoSync(target, WdfMemoryGetBuffer(out, NULL),
			WdfMemoryGetBuffer(in, NULL));
	pr_info("%s: sync  write+read %d KiB at %d: %s (%#x)\n", Path,
		DEMO_BYTES / 1024, DEMO_OFFSET,
		NT_SUCCESS(sync) ? "ok, data matches" : "FAILED", sync);
	async = DemoAsync(target, out, in);
	pr_info("%s: async write+read %d KiB at %d: %s (%#x)\n", Path,
		DEMO_BYTES / 1024, DEMO_OFFSET,
		NT_SUCCESS(async) ? "ok, data matches" : "FAILED", async);
out_close:
	if (out)
		WdfObjectDelete(out);
	if (in)
		WdfObjectDelete(in);
	WdfIoTargetClose(target);
	WdfObjectDelete(target);
	return NT_SUCCESS(sync) && NT_SUCCESS(async);
}

static int __init blkdemo_init(void)
{
	DECLARE_CONST_UNICODE_STRING(nullb, L"/dev/nullb0");
	DECLARE_CONST_UNICODE_STRING(virtio, L"/dev/vda");
	bool ok;

	ok = DemoOne(&nullb, "/dev/nullb0");
	ok &= DemoOne(&virtio, "/dev/vda");
	pr_info("%s\n", ok ? "PASS: every transfer moved the right data" :
			     "FAIL: see the lines above");
	return 0;
}

static void __exit blkdemo_exit(void)
{
}

module_init(blkdemo_init);
module_exit(blkdemo_exit);
MODULE_DESCRIPTION("wdfio sample: WDF I/O targets on block devices");
MODULE_LICENSE("GPL");
