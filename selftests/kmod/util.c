// SPDX-License-Identifier: GPL-2.0
/*
 * wdfio selftest driver: checks, buffers, patterns, bounded waits, the
 * Linux-side oracle and the wdfio_tb0 controls shared by all cases.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bio.h>
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "util.h"

DECLARE_WAIT_QUEUE_HEAD(wt_wq);

/* ------------------------------------------------------------------ */
/* Checks                                                              */

static const struct {
	NTSTATUS status;
	const char *name;
} wt_status_names[] = {
	{ STATUS_SUCCESS, "STATUS_SUCCESS" },
	{ STATUS_PENDING, "STATUS_PENDING" },
	{ STATUS_DEVICE_OFF_LINE, "STATUS_DEVICE_OFF_LINE" },
	{ STATUS_DEVICE_BUSY, "STATUS_DEVICE_BUSY" },
	{ STATUS_UNSUCCESSFUL, "STATUS_UNSUCCESSFUL" },
	{ STATUS_NOT_IMPLEMENTED, "STATUS_NOT_IMPLEMENTED" },
	{ STATUS_INFO_LENGTH_MISMATCH, "STATUS_INFO_LENGTH_MISMATCH" },
	{ STATUS_INVALID_HANDLE, "STATUS_INVALID_HANDLE" },
	{ STATUS_INVALID_PARAMETER, "STATUS_INVALID_PARAMETER" },
	{ STATUS_NO_SUCH_DEVICE, "STATUS_NO_SUCH_DEVICE" },
	{ STATUS_INVALID_DEVICE_REQUEST, "STATUS_INVALID_DEVICE_REQUEST" },
	{ STATUS_NO_MEMORY, "STATUS_NO_MEMORY" },
	{ STATUS_ACCESS_DENIED, "STATUS_ACCESS_DENIED" },
	{ STATUS_BUFFER_TOO_SMALL, "STATUS_BUFFER_TOO_SMALL" },
	{ STATUS_OBJECT_TYPE_MISMATCH, "STATUS_OBJECT_TYPE_MISMATCH" },
	{ STATUS_OBJECT_NAME_INVALID, "STATUS_OBJECT_NAME_INVALID" },
	{ STATUS_OBJECT_NAME_NOT_FOUND, "STATUS_OBJECT_NAME_NOT_FOUND" },
	{ STATUS_OBJECT_PATH_NOT_FOUND, "STATUS_OBJECT_PATH_NOT_FOUND" },
	{ STATUS_CRC_ERROR, "STATUS_CRC_ERROR" },
	{ STATUS_SHARING_VIOLATION, "STATUS_SHARING_VIOLATION" },
	{ STATUS_DISK_FULL, "STATUS_DISK_FULL" },
	{ STATUS_INTEGER_OVERFLOW, "STATUS_INTEGER_OVERFLOW" },
	{ STATUS_INSUFFICIENT_RESOURCES, "STATUS_INSUFFICIENT_RESOURCES" },
	{ STATUS_DEVICE_DATA_ERROR, "STATUS_DEVICE_DATA_ERROR" },
	{ STATUS_DEVICE_NOT_CONNECTED, "STATUS_DEVICE_NOT_CONNECTED" },
	{ STATUS_MEDIA_WRITE_PROTECTED, "STATUS_MEDIA_WRITE_PROTECTED" },
	{ STATUS_IO_TIMEOUT, "STATUS_IO_TIMEOUT" },
	{ STATUS_NOT_SUPPORTED, "STATUS_NOT_SUPPORTED" },
	{ STATUS_REQUEST_NOT_ACCEPTED, "STATUS_REQUEST_NOT_ACCEPTED" },
	{ STATUS_TOO_MANY_OPENED_FILES, "STATUS_TOO_MANY_OPENED_FILES" },
	{ STATUS_CANCELLED, "STATUS_CANCELLED" },
	{ STATUS_INVALID_DEVICE_STATE, "STATUS_INVALID_DEVICE_STATE" },
	{ STATUS_IO_DEVICE_ERROR, "STATUS_IO_DEVICE_ERROR" },
	{ STATUS_INVALID_BUFFER_SIZE, "STATUS_INVALID_BUFFER_SIZE" },
	{ STATUS_DEVICE_HARDWARE_ERROR, "STATUS_DEVICE_HARDWARE_ERROR" },
	{ WT_STATUS_HUNG, "(selftest: did not return in time)" },
};

const char *wt_status_name(NTSTATUS status)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(wt_status_names); i++)
		if (wt_status_names[i].status == status)
			return wt_status_names[i].name;
	return "?";
}

/* Append one line to the case's message; keep what fits */
static __printf(4, 0) void wt_vrecord(struct wt *t, const char *file, int line,
		       const char *fmt, va_list ap)
{
	size_t room;
	va_list aq;
	int n;

	t->failures++;
	va_copy(aq, ap);
	pr_err("%s: FAIL %s:%d: %s%s%pV\n", t->name, kbasename(file), line,
	       t->where, t->where[0] ? ": " : "",
	       &(struct va_format){ .fmt = fmt, .va = &aq });
	va_end(aq);
	if (t->len + 2 >= WDFIO_TEST_MSG_LEN)
		return;
	room = WDFIO_TEST_MSG_LEN - t->len;
	n = scnprintf(t->msg + t->len, room, "%s%s:%d: %s%s",
		      t->len ? "\n" : "", kbasename(file), line, t->where,
		      t->where[0] ? ": " : "");
	t->len += n;
	room -= n;
	if (room > 1)
		t->len += vscnprintf(t->msg + t->len, room, fmt, ap);
}

bool wt_checkf(struct wt *t, bool ok, const char *file, int line,
	       const char *fmt, ...)
{
	va_list ap;

	t->checks++;
	if (ok)
		return true;
	va_start(ap, fmt);
	wt_vrecord(t, file, line, fmt, ap);
	va_end(ap);
	return false;
}

bool wt_check_status(struct wt *t, const char *file, int line,
		     const char *expr, NTSTATUS expected, NTSTATUS actual)
{
	return wt_checkf(t, expected == actual, file, line,
			 "%s: expected 0x%08X (%s), got 0x%08X (%s)", expr,
			 (u32)expected, wt_status_name(expected), (u32)actual,
			 wt_status_name(actual));
}

bool wt_check_u64(struct wt *t, const char *file, int line, const char *expr,
		  const char *op, u64 expected, u64 actual, bool ok)
{
	return wt_checkf(t, ok, file, line,
			 "%s: expected %s %llu (0x%llx), got %llu (0x%llx)",
			 expr, op, expected, expected, actual, actual);
}

bool wt_check_ptr(struct wt *t, const char *file, int line, const char *expr,
		  const void *expected, const void *actual)
{
	return wt_checkf(t, expected == actual, file, line,
			 "%s: expected pointer %p, got %p", expr, expected,
			 actual);
}

void wt_skip(struct wt *t, const char *fmt, ...)
{
	va_list ap;

	t->skipped = true;
	if (t->len)
		return;
	va_start(ap, fmt);
	t->len = vscnprintf(t->msg, WDFIO_TEST_MSG_LEN, fmt, ap);
	va_end(ap);
}

void wt_set_where(struct wt *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vscnprintf(t->where, sizeof(t->where), fmt, ap);
	va_end(ap);
}

/* ------------------------------------------------------------------ */
/* wdfio's verifier parameter                                          */

#define WT_VERIFIER_PARAM	"/sys/module/wdfio/parameters/verifier"

static int wt_param_read(void)
{
	struct file *f;
	char c = 0;
	loff_t pos = 0;
	ssize_t n;

	f = filp_open(WT_VERIFIER_PARAM, O_RDONLY, 0);
	if (IS_ERR(f))
		return -1;
	n = kernel_read(f, &c, 1, &pos);
	filp_close(f, NULL);
	if (n != 1)
		return -1;
	return c == 'Y' || c == 'y' || c == '1';
}

static void wt_param_write(int on)
{
	struct file *f;
	loff_t pos = 0;

	f = filp_open(WT_VERIFIER_PARAM, O_WRONLY, 0);
	if (IS_ERR(f))
		return;
	kernel_write(f, on ? "1" : "0", 1, &pos);
	filp_close(f, NULL);
}

void wt_quiet_verifier(struct wt *t)
{
	int v;

	if (t->verifier_saved >= 0)
		return;
	v = wt_param_read();
	if (v < 0)
		return;
	t->verifier_saved = v;
	if (v)
		wt_param_write(0);
}

void wt_restore_verifier(struct wt *t)
{
	if (t->verifier_saved > 0)
		wt_param_write(1);
	t->verifier_saved = -1;
}

/* ------------------------------------------------------------------ */
/* Devices                                                             */

static const WCHAR wt_wpath_nullb0[] = L"/dev/nullb0";
static const WCHAR wt_wpath_nullb1[] = L"/dev/nullb1";
static const WCHAR wt_wpath_nullb2[] = L"/dev/nullb2";
static const WCHAR wt_wpath_vda[] = L"/dev/vda";
static const WCHAR wt_wpath_tb0[] = L"/dev/wdfio_tb0";

const struct wt_dev wt_devs[WT_NR_DEVS] = {
	[WT_NULLB0] = { "/dev/nullb0", wt_wpath_nullb0, 512, SZ_64M, "softirq" },
	[WT_NULLB1] = { "/dev/nullb1", wt_wpath_nullb1, 4096, SZ_64M, "inline" },
	[WT_NULLB2] = { "/dev/nullb2", wt_wpath_nullb2, 512, SZ_64M, "hardirq" },
	[WT_VDA] = { "/dev/vda", wt_wpath_vda, 512, SZ_64M, "virtio" },
	[WT_TB0] = { "/dev/wdfio_tb0", wt_wpath_tb0, 512, SZ_16M, "testblk" },
};

NTSTATUS wt_open(struct wt *t, const struct wt_dev *d, ACCESS_MASK access,
		 ULONG share, WDFIOTARGET *target)
{
	WDF_IO_TARGET_OPEN_PARAMS params;
	UNICODE_STRING name;
	NTSTATUS status;

	*target = NULL;
	status = WdfIoTargetCreate(WDF_NO_HANDLE, WDF_NO_OBJECT_ATTRIBUTES,
				   target);
	if (!T_STATUS(t, STATUS_SUCCESS, status))
		return status;
	RtlInitUnicodeString(&name, d->wpath);
	WDF_IO_TARGET_OPEN_PARAMS_INIT_OPEN_BY_NAME(&params, &name, access);
	params.ShareAccess = share;
	status = WdfIoTargetOpen(*target, &params);
	if (!T_TRUE(t, NT_SUCCESS(status), "open %s: 0x%08X (%s)", d->path,
		    (u32)status, wt_status_name(status))) {
		WdfObjectDelete(*target);
		*target = NULL;
	}
	return status;
}

/*
 * Work run on wt_worker_wq with a bounded wait: synchronous sends and
 * target teardown wait inside wdfio, so the case waits for them here.
 */
struct wt_call {
	struct work_struct work;
	struct completion done;
	void (*fn)(struct wt_call *call);
};

static struct workqueue_struct *wt_worker_wq;

static void wt_call_work(struct work_struct *work)
{
	struct wt_call *call = container_of(work, struct wt_call, work);

	call->fn(call);
	complete(&call->done);
}

/* Run @call->fn on the worker; false (wedged, @call leaked) on timeout */
static bool wt_call_bounded(struct wt *t, struct wt_call *call,
			    const char *what)
{
	init_completion(&call->done);
	INIT_WORK(&call->work, wt_call_work);
	queue_work(wt_worker_wq, &call->work);
	if (wait_for_completion_timeout(&call->done, WT_TIMEOUT_S * HZ))
		return true;
	t->wedged = true;
	T_FAIL(t, "%s did not return within %d s (resources leaked)", what,
	       WT_TIMEOUT_S);
	return false;
}

int wt_util_init(void)
{
	wt_worker_wq = alloc_workqueue("wdfio_test", WQ_UNBOUND, 0);
	return wt_worker_wq ? 0 : -ENOMEM;
}

void wt_util_exit(void)
{
	destroy_workqueue(wt_worker_wq);
}

struct wt_target_call {
	struct wt_call call;
	WDFIOTARGET target;
	bool delete;
};

static void wt_target_call_fn(struct wt_call *call)
{
	struct wt_target_call *c = container_of(call, struct wt_target_call,
						call);

	if (c->delete)
		WdfObjectDelete(c->target);
	else
		WdfIoTargetClose(c->target);
}

static void wt_target_teardown(struct wt *t, WDFIOTARGET target, bool delete)
{
	struct wt_target_call *c;

	if (!target || t->wedged)
		return;
	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c) {
		T_FAIL(t, "out of memory");
		return;
	}
	c->call.fn = wt_target_call_fn;
	c->target = target;
	c->delete = delete;
	if (wt_call_bounded(t, &c->call, delete ? "WdfObjectDelete(target)" :
			    "WdfIoTargetClose"))
		kfree(c);
}

void wt_close(struct wt *t, WDFIOTARGET target)
{
	wt_target_teardown(t, target, false);
}

void wt_delete_target(struct wt *t, WDFIOTARGET target)
{
	wt_target_teardown(t, target, true);
}

void wt_delete(struct wt *t, WDFOBJECT object)
{
	if (object && !t->wedged)
		WdfObjectDelete(object);
}

/* ------------------------------------------------------------------ */
/* Data patterns and buffers                                           */

static inline u64 wt_word(u64 dev_off, u32 seed)
{
	return ((u64)seed << 40) | (dev_off >> 3);
}

u32 wt_next_seed(void)
{
	static atomic_t seed = ATOMIC_INIT(0);

	return (u32)atomic_inc_return(&seed) % (BIT(24) - 1) + 1;
}

void wt_fill(void *buf, size_t len, u64 dev_off, u32 seed)
{
	u8 *p = buf;
	size_t i;

	for (i = 0; i + 8 <= len; i += 8)
		put_unaligned_le64(wt_word(dev_off + i, seed), p + i);
}

bool wt_verify(struct wt *t, const void *buf, size_t len, u64 dev_off,
	       u32 seed, const char *what)
{
	const u8 *p = buf;
	u64 want, got;
	size_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		want = wt_word(dev_off + i, seed);
		got = get_unaligned_le64(p + i);
		if (likely(got == want))
			continue;
		return T_FAIL(t,
			      "%s: data at buffer offset %zu (device offset %llu): expected %016llx (seed %u, offset %llu), got %016llx (seed %llu, offset %llu)",
			      what, i, dev_off + i, want, seed, dev_off + i,
			      got, got >> 40, (got & GENMASK_ULL(39, 0)) << 3);
	}
	t->checks++;
	return true;
}

bool wt_verify_byte(struct wt *t, const void *buf, size_t len, u8 byte,
		    const char *what)
{
	const u8 *p = buf;
	size_t i;

	for (i = 0; i < len; i++) {
		if (likely(p[i] == byte))
			continue;
		return T_FAIL(t, "%s: byte %zu of %zu is 0x%02x, expected 0x%02x",
			      what, i, len, p[i], byte);
	}
	t->checks++;
	return true;
}

int wt_buf_alloc(struct wt *t, struct wt_buf *b, size_t len, bool use_vmalloc,
		 unsigned int misalign)
{
	size_t head;

	memset(b, 0, sizeof(*b));
	/* 512 - WT_GUARD of slack lets data start 512-aligned after a guard */
	b->alloc_len = len + 512 + misalign + WT_GUARD;
	b->vmalloc = use_vmalloc;
	b->base = use_vmalloc ? vmalloc(b->alloc_len) :
				kmalloc(b->alloc_len, GFP_KERNEL);
	if (!b->base) {
		T_FAIL(t, "cannot allocate a %zu byte %s buffer", b->alloc_len,
		       use_vmalloc ? "vmalloc" : "kmalloc");
		return -ENOMEM;
	}
	head = PTR_ALIGN(b->base + WT_GUARD, 512) - b->base;
	b->data = b->base + head + misalign;
	b->len = len;
	memset(b->base, WT_GUARD_BYTE, b->alloc_len);
	return 0;
}

bool wt_buf_guards_ok(struct wt *t, const struct wt_buf *b, const char *what)
{
	size_t head = b->data - b->base;
	size_t tail = b->alloc_len - head - b->len;
	const u8 *p;
	size_t i;

	for (i = 0; i < head; i++)
		if (b->base[i] != WT_GUARD_BYTE)
			return T_FAIL(t, "%s: guard byte %zu before the buffer overwritten: 0x%02x",
				      what, head - i, b->base[i]);
	p = b->data + b->len;
	for (i = 0; i < tail; i++)
		if (p[i] != WT_GUARD_BYTE)
			return T_FAIL(t, "%s: guard byte %zu after the buffer overwritten: 0x%02x",
				      what, i, p[i]);
	t->checks++;
	return true;
}

void wt_buf_free(struct wt *t, struct wt_buf *b)
{
	if (!b->base || t->wedged)
		return;
	if (b->vmalloc)
		vfree(b->base);
	else
		kfree(b->base);
	b->base = NULL;
}

/* ------------------------------------------------------------------ */
/* Asynchronous sends                                                  */

VOID wt_io_complete(WDFREQUEST Request, WDFIOTARGET Target,
		    PWDF_REQUEST_COMPLETION_PARAMS Params, WDFCONTEXT Context)
{
	struct wt_io *io = Context;

	io->request = Request;
	io->target = Target;
	io->params_ptr = Params;
	if (Params)
		io->params = *Params;
	if (!io->no_ddi)
		io->get_status = WdfRequestGetStatus(Request);
	io->atomic = wt_atomic_context();
	atomic_inc(&io->calls);
	complete(&io->done);
}

struct wt_io *wt_io_alloc(struct wt *t)
{
	struct wt_io *io = kzalloc(sizeof(*io), GFP_KERNEL);

	if (!io) {
		T_FAIL(t, "out of memory");
		return NULL;
	}
	wt_io_reset(io);
	return io;
}

void wt_io_reset(struct wt_io *io)
{
	init_completion(&io->done);
	atomic_set(&io->calls, 0);
	io->request = NULL;
	io->target = NULL;
	io->params_ptr = NULL;
	memset(&io->params, 0, sizeof(io->params));
	io->get_status = WT_STATUS_HUNG;
	io->no_ddi = false;
	io->atomic = false;
}

bool wt_io_wait(struct wt *t, struct wt_io *io)
{
	if (wait_for_completion_timeout(&io->done, WT_TIMEOUT_S * HZ))
		return true;
	t->wedged = true;
	return T_FAIL(t, "completion routine not called within %d s",
		      WT_TIMEOUT_S);
}

void wt_io_free(struct wt *t, struct wt_io *io)
{
	if (!t->wedged)
		kfree(io);
}

bool wt_wait_cond_timeout(struct wt *t, bool (*cond)(void *arg), void *arg,
			  const char *what)
{
	if (wait_event_timeout(wt_wq, cond(arg), WT_TIMEOUT_S * HZ))
		return true;
	t->wedged = true;
	return T_FAIL(t, "timed out after %d s waiting for %s", WT_TIMEOUT_S,
		      what);
}

NTSTATUS wt_format_rw(WDFIOTARGET target, WDFREQUEST request, bool write,
		      WDFMEMORY memory, PWDFMEMORY_OFFSET offsets,
		      LONGLONG off)
{
	if (write)
		return WdfIoTargetFormatRequestForWrite(target, request, memory,
							offsets, &off);
	return WdfIoTargetFormatRequestForRead(target, request, memory,
					       offsets, &off);
}

bool wt_send_fails(struct wt *t, const char *file, int line,
		   WDFREQUEST request, WDFIOTARGET target,
		   PWDF_REQUEST_SEND_OPTIONS options, NTSTATUS expected)
{
	if (!wt_checkf(t, !WdfRequestSend(request, target, options), file,
		       line, "WdfRequestSend returned TRUE, expected FALSE"))
		return false;
	return wt_check_status(t, file, line, "WdfRequestGetStatus(request)",
			       expected, WdfRequestGetStatus(request));
}

bool wt_send_wait(struct wt *t, WDFREQUEST request, WDFIOTARGET target,
		  struct wt_io *io)
{
	wt_io_reset(io);
	WdfRequestSetCompletionRoutine(request, wt_io_complete, io);
	if (!T_TRUE(t, WdfRequestSend(request, target, WDF_NO_SEND_OPTIONS),
		    "status 0x%08X", (u32)WdfRequestGetStatus(request)))
		return false;
	return wt_io_wait(t, io) && T_EQ(t, 1, atomic_read(&io->calls)) &&
	       T_PTR(t, request, io->request);
}

bool wt_send_ok(struct wt *t, WDFREQUEST request, WDFIOTARGET target,
		struct wt_io *io, size_t len)
{
	return wt_send_wait(t, request, target, io) &&
	       T_STATUS(t, STATUS_SUCCESS, io->params.IoStatus.Status) &&
	       T_EQ(t, len, io->params.IoStatus.Information);
}

bool wt_fix_open(struct wt *t, struct wt_fix *f, enum wt_dev_id id,
		 size_t size)
{
	memset(f, 0, sizeof(*f));
	f->io = wt_io_alloc(t);
	return f->io && NT_SUCCESS(wt_open_rw(t, &wt_devs[id], &f->target)) &&
	       NT_SUCCESS(wt_request(t, f->target, &f->request)) &&
	       NT_SUCCESS(wt_memory(t, size, &f->memory, &f->buf));
}

void wt_fix_close(struct wt *t, struct wt_fix *f)
{
	wt_set_where(t, "cleanup");
	wt_delete(t, f->request);
	wt_delete(t, f->memory);
	wt_delete_target(t, f->target);
	if (f->io)
		wt_io_free(t, f->io);
	memset(f, 0, sizeof(*f));
}

bool wt_tbr_open(struct wt *t, struct wt_tbr *r, unsigned int nr, size_t len)
{
	NTSTATUS status;
	unsigned int i;

	if (!wt_tb_reset(t) || !T_LE(t, WT_TBR_MAX, nr))
		return false;
	if (wt_bdev_open(t, &wt_devs[WT_TB0], &r->bdev))
		return false;
	r->bdev_open = true;
	if (!NT_SUCCESS(wt_open_rw(t, &wt_devs[WT_TB0], &r->target)))
		return false;
	for (i = 0; i < nr; i++) {
		r->nr = i + 1;
		if (wt_buf_alloc(t, &r->b[i], len, false, 0) ||
		    !NT_SUCCESS(wt_request(t, r->target, &r->request[i])))
			return false;
		status = WdfMemoryCreatePreallocated(WDF_NO_OBJECT_ATTRIBUTES,
						     r->b[i].data, len,
						     &r->memory[i]);
		if (!T_STATUS(t, STATUS_SUCCESS, status)) {
			r->memory[i] = NULL;
			return false;
		}
	}
	return !t->failures;
}

void wt_tbr_close(struct wt *t, struct wt_tbr *r)
{
	unsigned int i;

	wt_set_where(t, "cleanup");
	if (!t->wedged)
		wt_tb_reset(t);
	for (i = 0; i < r->nr; i++) {
		wt_delete(t, r->request[i]);
		wt_delete(t, r->memory[i]);
	}
	wt_delete_target(t, r->target);
	for (i = 0; i < r->nr; i++)
		wt_buf_free(t, &r->b[i]);
	if (r->bdev_open)
		wt_bdev_close(&r->bdev);
}

NTSTATUS wt_request(struct wt *t, WDFIOTARGET target, WDFREQUEST *request)
{
	NTSTATUS status;

	*request = NULL;
	status = WdfRequestCreate(WDF_NO_OBJECT_ATTRIBUTES, target, request);
	if (!T_STATUS(t, STATUS_SUCCESS, status))
		*request = NULL;
	return status;
}

NTSTATUS wt_memory(struct wt *t, size_t size, WDFMEMORY *memory, void **buf)
{
	NTSTATUS status;

	*memory = NULL;
	status = WdfMemoryCreate(WDF_NO_OBJECT_ATTRIBUTES, NonPagedPoolNx,
				 WT_TAG, size, memory, buf);
	if (!T_TRUE(t, NT_SUCCESS(status), "WdfMemoryCreate(%zu): 0x%08X (%s)",
		    size, (u32)status, wt_status_name(status)))
		*memory = NULL;
	return status;
}

/* ------------------------------------------------------------------ */
/* Synchronous sends on the worker                                     */

enum wt_sync_op { WT_SYNC_READ, WT_SYNC_WRITE, WT_SYNC_IOCTL, WT_SYNC_SEND };

/*
 * Everything the DDI reads is copied in here, so a call abandoned after a
 * timeout never points into the case's stack.
 */
struct wt_sync {
	struct wt_call call;
	enum wt_sync_op op;
	WDFIOTARGET target;
	WDFREQUEST request;
	ULONG code;
	WDF_MEMORY_DESCRIPTOR in, out;
	WDFMEMORY_OFFSET in_off, out_off;
	PWDF_MEMORY_DESCRIPTOR in_p, out_p;
	LONGLONG offset;
	PLONGLONG offset_p;
	WDF_REQUEST_SEND_OPTIONS options;
	PWDF_REQUEST_SEND_OPTIONS options_p;
	ULONG_PTR bytes;
	bool want_bytes;
	NTSTATUS status;
	BOOLEAN sent;
};

static void wt_sync_fn(struct wt_call *call)
{
	struct wt_sync *s = container_of(call, struct wt_sync, call);
	PULONG_PTR bytes = s->want_bytes ? &s->bytes : NULL;
	PWDF_REQUEST_SEND_OPTIONS opt = s->options_p;
	WDFREQUEST rq = s->request;
	WDFIOTARGET tg = s->target;

	switch (s->op) {
	case WT_SYNC_READ:
		s->status = WdfIoTargetSendReadSynchronously(tg, rq, s->out_p,
							     s->offset_p, opt,
							     bytes);
		break;
	case WT_SYNC_WRITE:
		s->status = WdfIoTargetSendWriteSynchronously(tg, rq, s->in_p,
							      s->offset_p, opt,
							      bytes);
		break;
	case WT_SYNC_IOCTL:
		s->status = WdfIoTargetSendIoctlSynchronously(tg, rq, s->code,
							      s->in_p, s->out_p,
							      opt, bytes);
		break;
	case WT_SYNC_SEND:
		s->sent = WdfRequestSend(rq, tg, opt);
		break;
	}
}

static void wt_sync_copy_desc(PWDF_MEMORY_DESCRIPTOR src,
			      PWDF_MEMORY_DESCRIPTOR *dst_p,
			      PWDF_MEMORY_DESCRIPTOR dst, PWDFMEMORY_OFFSET off)
{
	*dst_p = NULL;
	if (!src)
		return;
	*dst = *src;
	if (src->Type == WdfMemoryDescriptorTypeHandle &&
	    src->u.HandleType.Offsets) {
		*off = *src->u.HandleType.Offsets;
		dst->u.HandleType.Offsets = off;
	}
	*dst_p = dst;
}

static struct wt_sync *wt_sync_prepare(struct wt *t, enum wt_sync_op op,
				       WDFIOTARGET target, WDFREQUEST request,
				       PLONGLONG offset,
				       PWDF_REQUEST_SEND_OPTIONS options,
				       PULONG_PTR bytes)
{
	struct wt_sync *s = kzalloc(sizeof(*s), GFP_KERNEL);

	if (!s) {
		T_FAIL(t, "out of memory");
		return NULL;
	}
	s->call.fn = wt_sync_fn;
	s->op = op;
	s->target = target;
	s->request = request;
	if (offset) {
		s->offset = *offset;
		s->offset_p = &s->offset;
	}
	if (options) {
		s->options = *options;
		s->options_p = &s->options;
	}
	/* A value the DDI must overwrite */
	s->bytes = (ULONG_PTR)0xDEADBEEF;
	s->want_bytes = bytes;
	s->status = WT_STATUS_HUNG;
	return s;
}

static NTSTATUS wt_sync_run(struct wt *t, struct wt_sync *s, PULONG_PTR bytes,
			    const char *what)
{
	NTSTATUS status;

	if (!wt_call_bounded(t, &s->call, what))
		return WT_STATUS_HUNG;
	if (bytes)
		*bytes = s->bytes;
	status = s->status;
	kfree(s);
	return status;
}

NTSTATUS wt_sync_read(struct wt *t, WDFIOTARGET target, WDFREQUEST request,
		      PWDF_MEMORY_DESCRIPTOR desc, PLONGLONG offset,
		      PWDF_REQUEST_SEND_OPTIONS options, PULONG_PTR bytes)
{
	struct wt_sync *s;

	s = wt_sync_prepare(t, WT_SYNC_READ, target, request, offset, options,
			    bytes);
	if (!s)
		return STATUS_INSUFFICIENT_RESOURCES;
	wt_sync_copy_desc(desc, &s->out_p, &s->out, &s->out_off);
	return wt_sync_run(t, s, bytes, "WdfIoTargetSendReadSynchronously");
}

NTSTATUS wt_sync_write(struct wt *t, WDFIOTARGET target, WDFREQUEST request,
		       PWDF_MEMORY_DESCRIPTOR desc, PLONGLONG offset,
		       PWDF_REQUEST_SEND_OPTIONS options, PULONG_PTR bytes)
{
	struct wt_sync *s;

	s = wt_sync_prepare(t, WT_SYNC_WRITE, target, request, offset, options,
			    bytes);
	if (!s)
		return STATUS_INSUFFICIENT_RESOURCES;
	wt_sync_copy_desc(desc, &s->in_p, &s->in, &s->in_off);
	return wt_sync_run(t, s, bytes, "WdfIoTargetSendWriteSynchronously");
}

NTSTATUS wt_sync_ioctl(struct wt *t, WDFIOTARGET target, WDFREQUEST request,
		       ULONG code, PWDF_MEMORY_DESCRIPTOR in,
		       PWDF_MEMORY_DESCRIPTOR out,
		       PWDF_REQUEST_SEND_OPTIONS options, PULONG_PTR bytes)
{
	struct wt_sync *s;

	s = wt_sync_prepare(t, WT_SYNC_IOCTL, target, request, NULL, options,
			    bytes);
	if (!s)
		return STATUS_INSUFFICIENT_RESOURCES;
	s->code = code;
	wt_sync_copy_desc(in, &s->in_p, &s->in, &s->in_off);
	wt_sync_copy_desc(out, &s->out_p, &s->out, &s->out_off);
	return wt_sync_run(t, s, bytes, "WdfIoTargetSendIoctlSynchronously");
}

BOOLEAN wt_send_sync_options(struct wt *t, WDFREQUEST request,
			     WDFIOTARGET target,
			     PWDF_REQUEST_SEND_OPTIONS options)
{
	struct wt_sync *s;
	BOOLEAN sent;

	s = wt_sync_prepare(t, WT_SYNC_SEND, target, request, NULL, options,
			    NULL);
	if (!s)
		return FALSE;
	if (!wt_call_bounded(t, &s->call, "WdfRequestSend(SYNCHRONOUS)"))
		return FALSE;
	sent = s->sent;
	kfree(s);
	return sent;
}

BOOLEAN wt_send_synchronous(struct wt *t, WDFREQUEST request,
			    WDFIOTARGET target)
{
	WDF_REQUEST_SEND_OPTIONS options;

	WDF_REQUEST_SEND_OPTIONS_INIT(&options,
				      WDF_REQUEST_SEND_OPTION_SYNCHRONOUS);
	return wt_send_sync_options(t, request, target, &options);
}

VOID wt_tio_complete(WDFREQUEST Request, WDFIOTARGET Target,
		     PWDF_REQUEST_COMPLETION_PARAMS Params, WDFCONTEXT Context)
{
	struct wt_tio *tio = Context;

	tio->done_at = ktime_get();
	tio->done_jiffies = jiffies;
	wt_io_complete(Request, Target, Params, &tio->io);
}

LONGLONG wt_abs_timeout(u64 ms, u64 *real_ns)
{
	u64 now = ktime_get_real_ns();

	if (real_ns)
		*real_ns = now;
	return (LONGLONG)(div_u64(now, 100) + WT_EPOCH_1601_100NS +
			  ms * 10000);
}

/* ------------------------------------------------------------------ */
/* Linux-side access to the devices                                    */

int wt_bdev_open(struct wt *t, const struct wt_dev *d, struct wt_bdev *b)
{
	int err;

	memset(b, 0, sizeof(*b));
	err = wdfio_bdev_open(&b->handle, d->path, true, NULL);
	if (err) {
		T_FAIL(t, "open %s: %d", d->path, err);
		return err;
	}
	b->bdev = b->handle.bdev;
	wt_bdev_limits(b);
	return 0;
}

#define WT_RAW_CHUNK_PAGES	64

void wt_bdev_limits(struct wt_bdev *b)
{
	struct request_queue *q = bdev_get_queue(b->bdev);
	size_t max = WT_RAW_CHUNK_PAGES * PAGE_SIZE;

	b->size = bdev_nr_bytes(b->bdev);
	b->lbs = bdev_logical_block_size(b->bdev);
	max = min_t(size_t, max, (size_t)queue_max_sectors(q) << SECTOR_SHIFT);
	max = min_t(size_t, max, (size_t)queue_max_segments(q) * PAGE_SIZE);
	b->max_io = max(round_down(max, PAGE_SIZE), PAGE_SIZE);
}

void wt_bdev_close(struct wt_bdev *b)
{
	if (b->bdev)
		wdfio_bdev_close(&b->handle);
	b->bdev = NULL;
}

/* One raw bio in flight; leaked with its pages if it never completes */
struct wt_raw {
	struct completion done;
	blk_status_t status;
	struct page *pages[WT_RAW_CHUNK_PAGES];
};

static void wt_raw_end_io(struct bio *bio)
{
	struct wt_raw *r = bio->bi_private;

	r->status = bio->bi_status;
	bio_put(bio);
	complete(&r->done);
}

/*
 * Bios of our own over freshly allocated pages, copying to or from @buf
 * (any kernel-virtual buffer), at most @b->max_io at a time; each waited
 * for at most WT_TIMEOUT_S.
 */
bool wt_raw_rw(struct wt *t, struct wt_bdev *b, bool write, u64 off,
	       void *buf, size_t len)
{
	struct wt_raw *r;
	bool ok = false;
	size_t done = 0;
	unsigned int i;

	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return T_FAIL(t, "out of memory");
	for (i = 0; i < WT_RAW_CHUNK_PAGES; i++) {
		r->pages[i] = alloc_page(GFP_KERNEL);
		if (!r->pages[i]) {
			T_FAIL(t, "out of memory");
			goto out;
		}
	}
	while (done < len) {
		size_t chunk = min_t(size_t, len - done, b->max_io);
		unsigned int n = DIV_ROUND_UP(chunk, PAGE_SIZE);
		struct bio *bio;

		bio = bio_alloc(b->bdev, n, write ? REQ_OP_WRITE : REQ_OP_READ,
				GFP_KERNEL);
		bio->bi_iter.bi_sector = (off + done) >> SECTOR_SHIFT;
		bio->bi_private = r;
		bio->bi_end_io = wt_raw_end_io;
		for (i = 0; i < n; i++) {
			size_t l = min_t(size_t, chunk - i * PAGE_SIZE,
					 PAGE_SIZE);

			if (write)
				memcpy(page_address(r->pages[i]),
				       buf + done + i * PAGE_SIZE, l);
			__bio_add_page(bio, r->pages[i], l, 0);
		}
		init_completion(&r->done);
		submit_bio(bio);
		if (!wait_for_completion_timeout(&r->done, WT_TIMEOUT_S * HZ)) {
			t->wedged = true;
			T_FAIL(t, "raw %s of %zu bytes at %llu: no completion within %d s",
			       write ? "write" : "read", chunk, off + done,
			       WT_TIMEOUT_S);
			return false;
		}
		if (r->status) {
			T_FAIL(t, "raw %s of %zu bytes at %llu: %d",
			       write ? "write" : "read", chunk, off + done,
			       blk_status_to_errno(r->status));
			goto out;
		}
		if (!write)
			for (i = 0; i < n; i++)
				memcpy(buf + done + i * PAGE_SIZE,
				       page_address(r->pages[i]),
				       min_t(size_t, chunk - i * PAGE_SIZE,
					     PAGE_SIZE));
		done += chunk;
	}
	ok = true;
out:
	for (i = 0; i < WT_RAW_CHUNK_PAGES; i++)
		if (r->pages[i])
			__free_page(r->pages[i]);
	kfree(r);
	return ok;
}

bool wt_raw_verify(struct wt *t, struct wt_bdev *b, u64 off, size_t len,
		   u32 seed)
{
	void *buf = vmalloc(len);
	bool ok;

	if (!buf)
		return T_FAIL(t, "out of memory");
	ok = wt_raw_rw(t, b, false, off, buf, len) &&
	     wt_verify(t, buf, len, off, seed, "device contents (raw read)");
	vfree(buf);
	return ok;
}

bool wt_raw_fill(struct wt *t, struct wt_bdev *b, u64 off, size_t len,
		 u32 seed)
{
	void *buf = vmalloc(len);
	bool ok;

	if (!buf)
		return T_FAIL(t, "out of memory");
	wt_fill(buf, len, off, seed);
	ok = wt_raw_rw(t, b, true, off, buf, len);
	vfree(buf);
	return ok;
}

/* ------------------------------------------------------------------ */
/* wdfio_tb0                                                           */

bool wt_tb_reset(struct wt *t)
{
	int err;

	if (wdfio_tb_nr_devices() < 1) {
		wt_skip(t, "wdfio_testblk has no device");
		return false;
	}
	/* Held bios go through (OK), then modes and counters are cleared */
	err = wdfio_tb_set_hold(WT_TB, false);
	if (!err && wdfio_tb_held(WT_TB))
		err = wdfio_tb_release(WT_TB, 0, WDFIO_TB_ORDER_FIFO,
				       WDFIO_TB_STS_OK);
	if (err >= 0)
		err = wdfio_tb_reset(WT_TB);
	return T_TRUE(t, err == 0, "resetting wdfio_tb0: %d", err);
}

bool wt_tb_stats(struct wt *t, struct wdfio_tb_stats *st)
{
	int err = wdfio_tb_get_stats(WT_TB, st);

	return T_TRUE(t, err == 0, "wdfio_tb_get_stats: %d", err);
}

bool wt_tb_wait_held(struct wt *t, unsigned int n)
{
	int err = wdfio_tb_wait_held(WT_TB, n, WT_TIMEOUT_S * 1000);

	if (err)
		t->wedged = true;
	return T_TRUE(t, err == 0,
		      "waiting for %u held bios on wdfio_tb0: %d (%u held)", n,
		      err, wdfio_tb_held(WT_TB));
}
