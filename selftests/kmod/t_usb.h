/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wdfio selftest driver: the USB test driver and helpers (t_usb.c) shared
 * by the USB cases.
 */
#ifndef _WDFIO_TEST_USB_H
#define _WDFIO_TEST_USB_H

#include <linux/atomic.h>
#include <linux/mutex.h>
#include <linux/wait.h>

#include <wdfusb.h>

#include "util.h"

struct usb_interface;

/**
 * struct wu_state - the test driver's view of the test gadget
 * @lock: protects @intf and @dev against probe/disconnect
 * @wq: woken at each probe and disconnect
 * @intf: the bound interfaces by number (0 Loopback, 1 SourceSink)
 * @dev: the WDFUSBDEVICE a case has open; disconnect() deletes it
 * @probes: probe() calls
 * @disconnects: disconnect() calls
 * @disconnect_ms: how long the last disconnect() took
 */
struct wu_state {
	struct mutex lock;	/* see the kernel-doc above */
	wait_queue_head_t wq;
	struct usb_interface *intf[2];
	WDFUSBDEVICE dev;
	atomic_t probes;
	atomic_t disconnects;
	s64 disconnect_ms;
};

extern struct wu_state wu;

/**
 * struct wu_fix - an open test device
 * @dev: the WDFUSBDEVICE (from interface 0, both interfaces selected)
 * @ifs: the interfaces by number
 * @lb_in: Loopback bulk IN
 * @lb_out: Loopback bulk OUT
 * @ss_in: SourceSink bulk IN
 * @ss_out: SourceSink bulk OUT
 * @maxp: the bulk packet size (512, high speed)
 */
struct wu_fix {
	WDFUSBDEVICE dev;
	WDFUSBINTERFACE ifs[2];
	WDFUSBPIPE lb_in;
	WDFUSBPIPE lb_out;
	WDFUSBPIPE ss_in;
	WDFUSBPIPE ss_out;
	ULONG maxp;
};

/**
 * struct wu_io - wt_io plus the USB completion params and the time
 * @io: the generic part (its routine is wt_io_complete's)
 * @usb: copy of *Params->Parameters.Usb.Completion
 * @done_at: when the routine ran
 */
struct wu_io {
	struct wt_io io;
	WDF_USB_REQUEST_COMPLETION_PARAMS usb;
	ktime_t done_at;
};

EVT_WDF_REQUEST_COMPLETION_ROUTINE wu_io_complete;
void wu_io_reset(struct wu_io *u);

/*
 * wdfio's ordering hook for the USB tests (kmod/wdfio_usb.h): called with
 * the request concerned at the points below, in any context (it may sleep
 * only where its caller may).
 */
enum {
	WU_HOOK_URB_STATUS,	/* returns the urb status wdfio is to see */
	WU_HOOK_SUSPECT_HOLD,	/* nonzero keeps a parked urb parked */
	WU_HOOK_READER_SEND,	/* a reader's read is about to be sent */
	WU_HOOK_READER_CANCELLED, /* the failure work cancelled the reads */
	WU_HOOK_READER_QUIESCE,	/* Stop/Purge waits for the failure work */
};

typedef int wu_hook_cb(int point, WDFREQUEST req, int arg);
void wdfio_usb_set_test_hook(wu_hook_cb *fn);

/**
 * struct wu_hook - what wu_hook_fn() does, for one request
 * @fn: if set, wu_hook_fn() only calls it
 * @ctx: for @fn
 * @req: the request it acts on (others are left alone)
 * @fail_status: its next successful urb ends with this status instead
 * @hold: keep its urb parked while true
 * @parked: its urb was turned into a failure (and so parked)
 */
struct wu_hook {
	int (*fn)(struct wu_hook *h, int point, WDFREQUEST req, int arg);
	void *ctx;
	WDFREQUEST req;
	int fail_status;
	bool hold;
	bool parked;
};

void wu_hook_set(struct wu_hook *h);
void wu_hook_clear(void);

int wt_usb_init(void);
void wt_usb_exit(void);
bool wu_open(struct wt *t, struct wu_fix *f);
void wu_close(struct wt *t, struct wu_fix *f);
void wu_end(struct wt *t, struct wu_fix *f, WDFREQUEST *req, unsigned int n,
	    WDFMEMORY mem, void *u);
bool wu_write_sync(struct wt *t, WDFUSBPIPE pipe, void *buf, size_t len);
NTSTATUS wu_read_sync(struct wt *t, WDFUSBPIPE pipe, void *buf, size_t cap,
		      ULONG *got, u64 ms);
bool wu_send(struct wt *t, WDFREQUEST req, WDFUSBPIPE pipe, struct wu_io *u,
	     PWDF_REQUEST_SEND_OPTIONS o);
int wu_udc_write(const char *val);
bool wu_replug(struct wt *t);
void wu_fill(u8 *buf, size_t len, u32 seq);
bool wu_check(struct wt *t, const u8 *buf, size_t len, u32 seq);

#endif /* _WDFIO_TEST_USB_H */
