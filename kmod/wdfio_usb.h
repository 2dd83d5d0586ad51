/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wdfio's USB objects: the WDFUSBDEVICE and WDFUSBPIPE targets and the
 * WDFUSBINTERFACE objects between them, plus the continuous reader.
 *
 * A WDFUSBDEVICE and each WDFUSBPIPE are I/O targets (struct wdfio_target
 * first), so the request engine, the target states and every WdfIoTarget*
 * DDI work on them unchanged; the USB backend (usb.c) only turns a sent
 * request into an urb and the urb's end into wdfio_request_io_done().
 *
 * Object tree: the device is the parent of its interfaces, each interface of
 * its pipes, so deleting the device closes the pipes first (each close
 * cancels and waits for its I/O) and then the device's default pipe.
 */
#ifndef _WDFIO_USB_INTERNAL_H
#define _WDFIO_USB_INTERNAL_H

#include "wdfio.h"

#include <linux/usb.h>

#define WDFIO_USB_MAX_INTERFACES	32
/* What WDF_USB_PIPE_INFORMATION.MaximumTransferSize reports */
#define WDFIO_USB_MAX_TRANSFER		(4U << 20)

struct wdfio_usb_device;
struct wdfio_usb_interface;

/**
 * struct wdfio_usb_pipe - a WDFUSBPIPE
 * @t: the target (first: the pipe handle is the target handle)
 * @dev: the device (an ancestor object: outlives the pipe)
 * @iface: the interface (the parent object)
 * @desc: the endpoint descriptor of the setting the pipe was made for
 * @pipe: the Linux pipe value (usb_sndbulkpipe(), ...)
 * @type: bulk, interrupt, isochronous or control
 * @setting: the alternate setting index
 * @no_maxp_check: WdfUsbTargetPipeSetNoMaximumPacketSizeCheck was called
 * @anchor: every urb of this pipe from submission to completion (usb.c);
 *	a drain (abort, reset, port reset) poisons it: the urbs are killed
 *	and each submission meanwhile is refused, so the drain always ends
 * @drain_lock: protects @drains and the unpoisoning of @anchor
 * @drains: drains under way; the last one to end unpoisons @anchor
 */
struct wdfio_usb_pipe {
	struct wdfio_target t;
	struct wdfio_usb_device *dev;
	struct wdfio_usb_interface *iface;
	struct usb_endpoint_descriptor desc;
	unsigned int pipe;
	WDF_USB_PIPE_TYPE type;
	u8 setting;
	bool no_maxp_check;
	struct usb_anchor anchor;
	spinlock_t drain_lock;		/* see the kernel-doc above */
	unsigned int drains;
};

/**
 * struct wdfio_usb_interface - a WDFUSBINTERFACE
 * @obj: object header (a child of the device)
 * @dev: the device
 * @intf: the Linux interface (referenced until the device is disposed)
 * @number: bInterfaceNumber
 * @setting: the selected alternate setting index
 * @nr_pipes: configured pipes of @setting
 * @pipes: the pipes (child objects), NULL before SelectConfig
 */
struct wdfio_usb_interface {
	struct wdfio_object obj;
	struct wdfio_usb_device *dev;
	struct usb_interface *intf;
	u8 number;
	u8 setting;
	u8 nr_pipes;
	struct wdfio_usb_pipe **pipes;
};

/**
 * struct wdfio_usb_device - a WDFUSBDEVICE (its own target is the default pipe)
 * @t: the target (first: the device handle is the target handle)
 * @udev: the Linux device (referenced until disposed, then NULL)
 * @intf: the interface the device was created from (referenced, idem)
 * @driver: the driver bound to @intf at creation
 * @desc: the device descriptor, cached
 * @config: the active configuration descriptor with all that follows it
 *	(wTotalLength bytes), cached
 * @config_len: bytes at @config
 * @cfg_lock: serializes SelectConfig, SelectSetting, ResetPort and dispose
 * @nr_ifs: interfaces after SelectConfig (0 before)
 * @ifs: the interfaces
 * @suspect_lock: protects @suspects
 * @suspects: urbs that ended with a transport error while the device may be
 *	going away (usb.c); under @suspect_lock
 * @suspect_work: decides them once the hub had a chance to see a disconnect
 * @gone: the device was disconnected (a transport error then means gone)
 */
struct wdfio_usb_device {
	struct wdfio_target t;
	struct usb_device *udev;
	struct usb_interface *intf;
	struct device_driver *driver;
	USB_DEVICE_DESCRIPTOR desc;
	void *config;
	u16 config_len;
	struct mutex cfg_lock;		/* see the kernel-doc above */
	u8 nr_ifs;
	struct wdfio_usb_interface *ifs[WDFIO_USB_MAX_INTERFACES];
	spinlock_t suspect_lock;	/* protects @suspects */
	struct list_head suspects;
	struct delayed_work suspect_work;
	bool gone;
};

static inline struct wdfio_usb_device *wdfio_usb_device_of(struct wdfio_target *t)
{
	return t->kind == WDFIO_TARGET_USB_DEVICE ?
		container_of(t, struct wdfio_usb_device, t) : NULL;
}

static inline struct wdfio_usb_pipe *wdfio_usb_pipe_of(struct wdfio_target *t)
{
	return t->kind == WDFIO_TARGET_USB_PIPE ?
		container_of(t, struct wdfio_usb_pipe, t) : NULL;
}

static inline struct wdfio_usb_device *wdfio_usb_device_from_handle(WDFUSBDEVICE h)
{
	struct wdfio_target *t = wdfio_target_from_handle((WDFIOTARGET)h);

	return t ? wdfio_usb_device_of(t) : NULL;
}

static inline struct wdfio_usb_pipe *wdfio_usb_pipe_from_handle(WDFUSBPIPE h)
{
	struct wdfio_target *t = wdfio_target_from_handle((WDFIOTARGET)h);

	return t ? wdfio_usb_pipe_of(t) : NULL;
}

static inline WDFUSBPIPE wdfio_usb_pipe_handle(struct wdfio_usb_pipe *p)
{
	return (WDFUSBPIPE)&p->t.obj;
}

/* The device of a USB target (itself, or a pipe's) */
static inline struct wdfio_usb_device *wdfio_usb_target_device(struct wdfio_target *t)
{
	struct wdfio_usb_pipe *p = wdfio_usb_pipe_of(t);

	return p ? p->dev : wdfio_usb_device_of(t);
}

/* usb.c */
void wdfio_usb_device_init_backend(struct wdfio_usb_device *d);
void wdfio_usb_device_flush_suspects(struct wdfio_usb_device *d);
void wdfio_usb_pipe_init_backend(struct wdfio_usb_pipe *p);
void wdfio_usb_pipe_drain_begin(struct wdfio_usb_pipe *p);
void wdfio_usb_pipe_drain_end(struct wdfio_usb_pipe *p);

/*
 * Ordering hook for the selftests (wdfio_test.ko declares it too), set with
 * wdfio_usb_set_test_hook(): called, if set, at the points below. @req is
 * the request concerned, @arg what the point says. It may sleep only where
 * the caller may (wdfio_can_sleep()).
 */
enum wdfio_usb_hook_point {
	/* an urb ended; @arg its status; returns the status to use */
	WDFIO_USB_HOOK_URB_STATUS,
	/* a parked urb could be decided now; nonzero keeps it parked */
	WDFIO_USB_HOOK_SUSPECT_HOLD,
	/* a continuous reader's read is about to be reused and sent */
	WDFIO_USB_HOOK_READER_SEND,
	/* the reader's failure work has cancelled every read (@req NULL) */
	WDFIO_USB_HOOK_READER_CANCELLED,
	/* Stop/Purge of a reader pipe waits for the failure work (@req NULL) */
	WDFIO_USB_HOOK_READER_QUIESCE,
};

typedef int wdfio_usb_hook_fn(int point, WDFREQUEST req, int arg);
void wdfio_usb_set_test_hook(wdfio_usb_hook_fn *fn);
int wdfio_usb_hook(int point, WDFREQUEST req, int arg);

/* usb_reader.c */
struct wdfio_usb_reader;
NTSTATUS wdfio_usb_reader_config(struct wdfio_usb_pipe *p,
				 PWDF_USB_CONTINUOUS_READER_CONFIG config);
void wdfio_usb_reader_stop(struct wdfio_usb_pipe *p);
void wdfio_usb_reader_quiesce(struct wdfio_usb_pipe *p);
void wdfio_usb_reader_free(struct wdfio_usb_pipe *p);

#endif /* _WDFIO_USB_INTERNAL_H */
