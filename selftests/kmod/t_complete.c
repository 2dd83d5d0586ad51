// SPDX-License-Identifier: GPL-2.0
/*
 * Completion exactly once: every send completes to its own request once,
 * never more, whatever the order or context the device ends its bios in.
 */
#include <linux/sizes.h>
#include <linux/slab.h>

#include "util.h"
#include "wt_cases.h"

/* Per-request context, the way a KMDF driver keeps per-request state */
typedef struct _WT_ONCE_CONTEXT {
	ULONG Index;
	WDFREQUEST Self;
	WDFMEMORY Memory;
	PVOID Buffer;
	atomic_t Calls;
	NTSTATUS Status;
	ULONG_PTR Information;
	BOOLEAN WrongRequest;
	BOOLEAN WrongTarget;
} WT_ONCE_CONTEXT, *PWT_ONCE_CONTEXT;

WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(WT_ONCE_CONTEXT, WtOnceGetContext);

/* Shared by all requests of a run: the routine's Context */
struct wt_once {
	WDFIOTARGET target;
	atomic_t sent;
	atomic_t completed;
	atomic_t over;		/* completions that outran the sends */
	atomic_t no_context;
	atomic_t last;		/* Index of the last completed request */
	unsigned int n;		/* completions expected */
	unsigned int created;	/* requests[] entries to delete */
	WDFREQUEST *requests;
};

static EVT_WDF_REQUEST_COMPLETION_ROUTINE wt_once_complete;

static VOID wt_once_complete(WDFREQUEST Request, WDFIOTARGET Target,
			     PWDF_REQUEST_COMPLETION_PARAMS Params,
			     WDFCONTEXT Context)
{
	struct wt_once *o = Context;
	PWT_ONCE_CONTEXT ctx = WtOnceGetContext(Request);

	if (!ctx) {
		atomic_inc(&o->no_context);
	} else {
		if (ctx->Self != Request)
			ctx->WrongRequest = TRUE;
		if (Target != o->target)
			ctx->WrongTarget = TRUE;
		ctx->Status = Params->IoStatus.Status;
		ctx->Information = Params->IoStatus.Information;
		atomic_set(&o->last, ctx->Index);
		atomic_inc(&ctx->Calls);
	}
	if (atomic_read(&o->completed) + 1 > atomic_read(&o->sent))
		atomic_inc(&o->over);
	/* Last access to @o: the waiter may return once it sees the count */
	atomic_inc(&o->completed);
	wake_up(&wt_wq);
}

/* Create @n requests, each with a 4 KiB memory object parented to it */
static int wt_once_setup(struct wt *t, struct wt_once *o, unsigned int n)
{
	WDF_OBJECT_ATTRIBUTES attributes;
	PWT_ONCE_CONTEXT ctx;
	NTSTATUS status;
	unsigned int i;

	o->n = n;
	o->requests = kcalloc(n, sizeof(*o->requests), GFP_KERNEL);
	if (!o->requests)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		WDFREQUEST request;

		WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&attributes,
							WT_ONCE_CONTEXT);
		status = WdfRequestCreate(&attributes, o->target, &request);
		if (!T_STATUS(t, STATUS_SUCCESS, status))
			return -ENOMEM;
		o->requests[i] = request;
		o->created = i + 1;
		ctx = WtOnceGetContext(request);
		if (!T_TRUE(t, ctx, "request context"))
			return -EINVAL;
		ctx->Index = i;
		ctx->Self = request;

		WDF_OBJECT_ATTRIBUTES_INIT(&attributes);
		attributes.ParentObject = request;
		status = WdfMemoryCreate(&attributes, NonPagedPoolNx, WT_TAG,
					 SZ_4K, &ctx->Memory, &ctx->Buffer);
		if (!T_STATUS(t, STATUS_SUCCESS, status))
			return -ENOMEM;
	}
	return 0;
}

/* Deleting the requests deletes their memory (children) too */
static void wt_once_teardown(struct wt *t, struct wt_once *o)
{
	unsigned int i;

	if (!o->requests)
		return;
	for (i = 0; i < o->created; i++)
		wt_delete(t, o->requests[i]);
	if (!t->wedged)
		kfree(o->requests);
}

/* Format request @i as a 4 KiB write of its own block and send it */
static bool wt_once_send(struct wt *t, struct wt_once *o, unsigned int i,
			 u64 base, u32 seed)
{
	WDFREQUEST request = o->requests[i];
	PWT_ONCE_CONTEXT ctx = WtOnceGetContext(request);
	LONGLONG off = base + (u64)i * SZ_4K;
	NTSTATUS status;

	wt_fill(ctx->Buffer, SZ_4K, off, seed);
	status = WdfIoTargetFormatRequestForWrite(o->target, request,
						  ctx->Memory, NULL, &off);
	if (!T_STATUS(t, STATUS_SUCCESS, status))
		return false;
	WdfRequestSetCompletionRoutine(request, wt_once_complete, o);
	atomic_inc(&o->sent);
	if (!WdfRequestSend(request, o->target, WDF_NO_SEND_OPTIONS)) {
		atomic_dec(&o->sent);
		return T_FAIL(t, "send %u failed: 0x%08X", i,
			      (u32)WdfRequestGetStatus(request));
	}
	return true;
}

/* Every request completed once, successfully, to itself */
static bool wt_once_check_all(struct wt *t, struct wt_once *o)
{
	bool ok = true;
	unsigned int i;

	ok &= T_EQ(t, o->n, atomic_read(&o->completed));
	ok &= T_EQ(t, 0, atomic_read(&o->over));
	ok &= T_EQ(t, 0, atomic_read(&o->no_context));
	for (i = 0; i < o->n && ok; i++) {
		PWT_ONCE_CONTEXT ctx = WtOnceGetContext(o->requests[i]);

		wt_set_where(t, "request %u", i);
		ok &= T_EQ(t, 1, atomic_read(&ctx->Calls));
		ok &= T_TRUE(t, !ctx->WrongRequest,
			     "routine called with another request");
		ok &= T_TRUE(t, !ctx->WrongTarget,
			     "routine called with another target");
		ok &= T_STATUS(t, STATUS_SUCCESS, ctx->Status);
		ok &= T_EQ(t, SZ_4K, ctx->Information);
	}
	return ok;
}

static bool wt_once_all_done(void *arg)
{
	struct wt_once *o = arg;

	return atomic_read(&o->completed) >= o->n;
}

#define WT_ONCE_MANY	1000

int wt_complete_once_1000(struct wt *t)
{
	struct wt_once o = { };
	struct wt_bdev bdev;
	unsigned int i;
	u32 seed = wt_next_seed();

	if (wt_bdev_open(t, &wt_devs[WT_NULLB0], &bdev))
		return 0;
	if (!NT_SUCCESS(wt_open_rw(t, &wt_devs[WT_NULLB0], &o.target)))
		goto out;
	if (wt_once_setup(t, &o, WT_ONCE_MANY))
		goto out;

	wt_set_where(t, "sending %u writes", WT_ONCE_MANY);
	for (i = 0; i < WT_ONCE_MANY; i++)
		if (!wt_once_send(t, &o, i, 0, seed))
			break;
	if (i < WT_ONCE_MANY) {
		/* Let what was sent finish before the teardown */
		o.n = i;
	}
	if (!wt_wait_cond_timeout(t, wt_once_all_done, &o,
				  "all completion routines"))
		goto out;
	/* Close waits for anything still owned by wdfio: no late calls */
	wt_close(t, o.target);
	if (t->wedged)
		goto out;
	wt_once_check_all(t, &o);
	wt_set_where(t, "device contents");
	wt_raw_verify(t, &bdev, 0, (u64)o.n * SZ_4K, seed);
out:
	wt_set_where(t, "cleanup");
	wt_once_teardown(t, &o);
	wt_delete_target(t, o.target);
	wt_bdev_close(&bdev);
	return 0;
}

#define WT_ONCE_HELD	16

struct wt_once_wait {
	struct wt_once *o;
	int count;
};

static bool wt_once_reached(void *arg)
{
	struct wt_once_wait *w = arg;

	return atomic_read(&w->o->completed) >= w->count;
}

/*
 * Hold WT_ONCE_HELD single-bio writes on wdfio_tb0, then release them one
 * by one in @order: each release completes exactly one request, the one
 * whose bio was released (LIFO: the newest), exactly once.
 */
static int wt_once_held(struct wt *t, enum wdfio_tb_order order,
			enum wdfio_tb_ctx tb_ctx)
{
	bool done[WT_ONCE_HELD] = { };
	struct wt_once o = { };
	struct wt_once_wait w = { .o = &o };
	struct wt_bdev bdev;
	unsigned int i, k;
	u64 base = SZ_2M;
	u32 seed = wt_next_seed();
	int n;

	if (!wt_tb_reset(t))
		return 0;
	if (wt_bdev_open(t, &wt_devs[WT_TB0], &bdev))
		return 0;
	if (!NT_SUCCESS(wt_open_rw(t, &wt_devs[WT_TB0], &o.target)))
		goto out;
	if (wt_once_setup(t, &o, WT_ONCE_HELD))
		goto out;
	wdfio_tb_set_context(WT_TB, tb_ctx);
	wdfio_tb_set_hold(WT_TB, true);

	wt_set_where(t, "sending %u writes to a holding device", WT_ONCE_HELD);
	for (i = 0; i < WT_ONCE_HELD; i++)
		if (!wt_once_send(t, &o, i, base, seed))
			goto out;
	if (!wt_tb_wait_held(t, WT_ONCE_HELD))
		goto out;
	T_EQ(t, WT_ONCE_HELD, wdfio_tb_held(WT_TB));
	T_EQ(t, 0, atomic_read(&o.completed));
	for (i = 0; i < WT_ONCE_HELD; i++)
		T_STATUS(t, STATUS_PENDING, WdfRequestGetStatus(o.requests[i]));
	/* New bios (ours, below) go through; the held ones stay held */
	wdfio_tb_set_hold(WT_TB, false);

	for (k = 0; k < WT_ONCE_HELD; k++) {
		unsigned int last;

		wt_set_where(t, "release %u of %u", k + 1, WT_ONCE_HELD);
		n = wdfio_tb_release(WT_TB, 1, order, WDFIO_TB_STS_OK);
		if (!T_EQ(t, 1, n))
			goto out;
		w.count = k + 1;
		if (!wt_wait_cond_timeout(t, wt_once_reached, &w,
					  "the released request's routine"))
			goto out;
		if (!T_EQ(t, k + 1, atomic_read(&o.completed)))
			goto out;
		last = atomic_read(&o.last);
		if (!T_TRUE(t, last < WT_ONCE_HELD && !done[last],
			    "request %u completed again", last))
			goto out;
		done[last] = true;
		if (order == WDFIO_TB_ORDER_LIFO)
			T_EQ(t, WT_ONCE_HELD - 1 - k, last);
		if (order == WDFIO_TB_ORDER_FIFO)
			T_EQ(t, k, last);
		/* The ones still held are still pending */
		for (i = 0; i < WT_ONCE_HELD; i++)
			if (!done[i])
				T_EQ(t, 0, atomic_read(&WtOnceGetContext(o.requests[i])->Calls));
	}

	wt_set_where(t, "after all releases");
	wt_close(t, o.target);
	if (t->wedged)
		goto out;
	wt_once_check_all(t, &o);
	wt_set_where(t, "device contents");
	wt_raw_verify(t, &bdev, base, WT_ONCE_HELD * SZ_4K, seed);
out:
	wt_set_where(t, "cleanup");
	if (!t->wedged)
		wt_tb_reset(t);
	wt_once_teardown(t, &o);
	wt_delete_target(t, o.target);
	wt_bdev_close(&bdev);
	return 0;
}

int wt_complete_once_lifo(struct wt *t)
{
	return wt_once_held(t, WDFIO_TB_ORDER_LIFO, WDFIO_TB_CTX_INLINE);
}

int wt_complete_once_random(struct wt *t)
{
	return wt_once_held(t, WDFIO_TB_ORDER_RANDOM, WDFIO_TB_CTX_HARDIRQ);
}

/*
 * The completion routine is cleared before it runs (a reformatted request
 * sent again without setting it completes silently) and by
 * WdfRequestReuse.
 */
int wt_complete_routine_cleared(struct wt *t)
{
	WDF_REQUEST_REUSE_PARAMS reuse;
	WDFIOTARGET target = NULL;
	WDFREQUEST request = NULL;
	WDFMEMORY memory = NULL;
	struct wt_io *io;
	unsigned int pass;
	LONGLONG off = 0;
	NTSTATUS status;
	void *buf;

	io = wt_io_alloc(t);
	if (!io)
		return 0;
	if (!NT_SUCCESS(wt_memory(t, SZ_4K, &memory, &buf)))
		goto out;

	for (pass = 0; pass < 2 && !t->wedged; pass++) {
		wt_set_where(t, pass ? "after WdfRequestReuse" :
			     "after the routine ran");
		if (!NT_SUCCESS(wt_open_rw(t, &wt_devs[WT_NULLB0], &target)) ||
		    !NT_SUCCESS(wt_request(t, target, &request)))
			goto out;
		wt_io_reset(io);
		status = WdfIoTargetFormatRequestForRead(target, request,
							 memory, NULL, &off);
		if (!T_STATUS(t, STATUS_SUCCESS, status))
			goto out;
		WdfRequestSetCompletionRoutine(request, wt_io_complete, io);
		if (pass == 0) {
			if (!T_TRUE(t, WdfRequestSend(request, target, NULL),
				    "first send"))
				goto out;
			if (!wt_io_wait(t, io))
				goto out;
			/* Reformat without reuse, do not set the routine */
		} else {
			WDF_REQUEST_REUSE_PARAMS_INIT(&reuse,
						      WDF_REQUEST_REUSE_NO_FLAGS,
						      STATUS_SUCCESS);
			if (!T_STATUS(t, STATUS_SUCCESS,
				      WdfRequestReuse(request, &reuse)))
				goto out;
		}
		status = WdfIoTargetFormatRequestForRead(target, request,
							 memory, NULL, &off);
		if (!T_STATUS(t, STATUS_SUCCESS, status))
			goto out;
		if (!T_TRUE(t, WdfRequestSend(request, target, NULL),
			    "second send: 0x%08X",
			    (u32)WdfRequestGetStatus(request)))
			goto out;
		/* Close returns once the send has completed to its owner */
		wt_close(t, target);
		if (t->wedged)
			goto out;
		T_EQ(t, pass ? 0 : 1, atomic_read(&io->calls));
		T_STATUS(t, STATUS_SUCCESS, WdfRequestGetStatus(request));
		wt_delete(t, request);
		request = NULL;
		wt_delete_target(t, target);
		target = NULL;
	}
out:
	wt_set_where(t, "cleanup");
	wt_delete(t, request);
	wt_delete_target(t, target);
	wt_delete(t, memory);
	wt_io_free(t, io);
	return 0;
}
