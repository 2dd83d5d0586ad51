// SPDX-License-Identifier: GPL-2.0
/*
 * USB I/O targets against the guest's test gadget (docs/design.md): a
 * 1d6b:0104 device on dummy_hcd whose interface 0 is f_loopback (bulk OUT
 * echoed on bulk IN) and interface 1 f_sourcesink with pattern=1.
 *
 * The test driver is an ordinary usb_driver bound to both interfaces, the
 * way a ported KMDF driver binds (WdfDeviceFromUsbInterface in probe); each
 * case creates its WDFUSBDEVICE from interface 0 and deletes it at the end,
 * and disconnect() deletes it when the gadget goes away.
 *
 * Loopback framing: an OUT transfer is echoed once the gadget's request
 * ends, i.e. on a short packet or a ZLP, as exactly the bytes written; a
 * read larger than that ends on the echo's short packet or ZLP. So each
 * round trip writes L bytes (plus an explicit ZLP when L is a multiple of
 * the packet size, as a Windows driver does) and reads with a buffer of
 * round_up(L + 1, maxp), expecting exactly L bytes back.
 */
#include <linux/delay.h>
#include <linux/fs.h>
#include <linux/kthread.h>
#include <linux/random.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/usb.h>
#include <linux/vmalloc.h>

#include <wdfusb.h>

#include "util.h"
#include "wt_cases.h"
#include "t_usb.h"

#define WU_VID		0x1d6b
#define WU_PID		0x0104
#define WU_UDC_PATH	"/sys/kernel/config/usb_gadget/wdfio/UDC"
#define WU_UDC		"dummy_udc.0"
/* A sync USB send never waits longer than this (it is then cancelled) */
#define WU_SYNC_MS	10000
/* wValue of GET_DESCRIPTOR for descriptor 0 of @type */
#define WU_DESC(type)	USB_DESCRIPTOR_MAKE_TYPE_AND_INDEX(type, 0)

struct wu_state wu = {
	.lock = __MUTEX_INITIALIZER(wu.lock),
	.wq = __WAIT_QUEUE_HEAD_INITIALIZER(wu.wq),
};

/* ------------------------------------------------------------------ */
/* The driver                                                          */

static int wu_probe(struct usb_interface *intf, const struct usb_device_id *id)
{
	u8 n = intf->cur_altsetting->desc.bInterfaceNumber;

	if (n >= ARRAY_SIZE(wu.intf))
		return -ENODEV;
	mutex_lock(&wu.lock);
	wu.intf[n] = intf;
	mutex_unlock(&wu.lock);
	atomic_inc(&wu.probes);
	wake_up_all(&wu.wq);
	wake_up_all(&wt_wq);
	return 0;
}

static void wu_disconnect(struct usb_interface *intf)
{
	u8 n = intf->cur_altsetting->desc.bInterfaceNumber;
	ktime_t t0 = ktime_get();

	mutex_lock(&wu.lock);
	/* What a ported driver does at removal: delete its WDFUSBDEVICE */
	if (n == 0 && wu.dev) {
		WdfObjectDelete(wu.dev);
		wu.dev = NULL;
	}
	if (n < ARRAY_SIZE(wu.intf))
		wu.intf[n] = NULL;
	mutex_unlock(&wu.lock);
	wu.disconnect_ms = ktime_ms_delta(ktime_get(), t0);
	atomic_inc(&wu.disconnects);
	wake_up_all(&wu.wq);
	wake_up_all(&wt_wq);
}

static int wu_pre_reset(struct usb_interface *intf)
{
	return 0;
}

static int wu_post_reset(struct usb_interface *intf)
{
	return 0;
}

static const struct usb_device_id wu_ids[] = {
	{ USB_DEVICE(WU_VID, WU_PID) },
	{ }
};

static struct usb_driver wu_driver = {
	.name = "wdfio_test_usb",
	.probe = wu_probe,
	.disconnect = wu_disconnect,
	.pre_reset = wu_pre_reset,
	.post_reset = wu_post_reset,
	.id_table = wu_ids,
};

int wt_usb_init(void)
{
	return usb_register(&wu_driver);
}

void wt_usb_exit(void)
{
	usb_deregister(&wu_driver);
}

/* ------------------------------------------------------------------ */
/* Helpers                                                             */

static bool wu_bound(void *arg)
{
	return READ_ONCE(wu.intf[0]) && READ_ONCE(wu.intf[1]);
}

/* Open the device from interface 0, select all interfaces, find the pipes */
bool wu_open(struct wt *t, struct wu_fix *f)
{
	WDF_USB_DEVICE_SELECT_CONFIG_PARAMS sel;
	WDF_USB_PIPE_INFORMATION info;
	unsigned int k, j;
	NTSTATUS status;

	memset(f, 0, sizeof(*f));
	wt_set_where(t, "open");
	if (!wait_event_timeout(wu.wq, wu_bound(NULL), WT_TIMEOUT_S * HZ)) {
		wt_skip(t, "the test USB device (1d6b:0104) is not bound");
		return false;
	}
	mutex_lock(&wu.lock);
	status = WdfUsbTargetDeviceCreate(WdfDeviceFromUsbInterface(wu.intf[0]),
					  WDF_NO_OBJECT_ATTRIBUTES, &f->dev);
	if (T_STATUS(t, STATUS_SUCCESS, status))
		wu.dev = f->dev;
	mutex_unlock(&wu.lock);
	if (!NT_SUCCESS(status))
		return false;
	WDF_USB_DEVICE_SELECT_CONFIG_PARAMS_INIT_MULTIPLE_INTERFACES(&sel, 0, NULL);
	status = WdfUsbTargetDeviceSelectConfig(f->dev, WDF_NO_OBJECT_ATTRIBUTES,
						&sel);
	if (!T_STATUS(t, STATUS_SUCCESS, status) ||
	    !T_EQ(t, 2, sel.Types.MultiInterface.NumberOfConfiguredInterfaces))
		return false;
	for (k = 0; k < 2; k++) {
		WDFUSBINTERFACE i = WdfUsbTargetDeviceGetInterface(f->dev, k);
		u8 num = WdfUsbInterfaceGetInterfaceNumber(i);

		f->ifs[num] = i;
		for (j = 0; j < WdfUsbInterfaceGetNumConfiguredPipes(i); j++) {
			WDFUSBPIPE p;

			WDF_USB_PIPE_INFORMATION_INIT(&info);
			p = WdfUsbInterfaceGetConfiguredPipe(i, j, &info);
			if (info.PipeType != WdfUsbPipeTypeBulk)
				continue;
			if (num == 0 && WDF_USB_PIPE_DIRECTION_IN(info.EndpointAddress))
				f->lb_in = p;
			else if (num == 0)
				f->lb_out = p;
			else if (WDF_USB_PIPE_DIRECTION_IN(info.EndpointAddress))
				f->ss_in = p;
			else
				f->ss_out = p;
			f->maxp = info.MaximumPacketSize;
		}
	}
	return T_TRUE(t, f->lb_in && f->lb_out && f->ss_in && f->ss_out,
		      "bulk pipes of Loopback and SourceSink") &&
	       T_EQ(t, 512, f->maxp);
}

void wu_close(struct wt *t, struct wu_fix *f)
{
	wt_set_where(t, "cleanup");
	mutex_lock(&wu.lock);
	if (wu.dev && wu.dev == f->dev && !t->wedged)
		WdfObjectDelete(wu.dev);
	if (wu.dev == f->dev)
		wu.dev = NULL;
	mutex_unlock(&wu.lock);
	f->dev = NULL;
}

VOID wu_io_complete(WDFREQUEST Request, WDFIOTARGET Target,
		    PWDF_REQUEST_COMPLETION_PARAMS Params, WDFCONTEXT Context)
{
	struct wu_io *u = Context;

	if (Params && Params->Type == WdfRequestTypeUsb &&
	    Params->Parameters.Usb.Completion)
		u->usb = *Params->Parameters.Usb.Completion;
	u->done_at = ktime_get();
	wt_io_complete(Request, Target, Params, &u->io);
	/* For waits on several requests (wt_wait_cond_timeout) */
	wake_up_all(&wt_wq);
}

void wu_io_reset(struct wu_io *u)
{
	wt_io_reset(&u->io);
	memset(&u->usb, 0, sizeof(u->usb));
}

/* A case's end: delete @n requests and @mem, close @f, free @u */
void wu_end(struct wt *t, struct wu_fix *f, WDFREQUEST *req, unsigned int n,
	    WDFMEMORY mem, void *u)
{
	unsigned int k;

	for (k = 0; k < n; k++)
		wt_delete(t, req[k]);
	wt_delete(t, mem);
	wu_close(t, f);
	/* A wedged case's I/O may still write to @u */
	if (!t->wedged)
		kfree(u);
}

static void wu_opts(PWDF_REQUEST_SEND_OPTIONS o, u64 ms)
{
	WDF_REQUEST_SEND_OPTIONS_INIT(o, 0);
	WDF_REQUEST_SEND_OPTIONS_SET_TIMEOUT(o, WDF_REL_TIMEOUT_IN_MS(ms));
}

/* Sync write of @len bytes of @buf (NULL: a ZLP); true if all went */
bool wu_write_sync(struct wt *t, WDFUSBPIPE pipe, void *buf, size_t len)
{
	WDF_REQUEST_SEND_OPTIONS o;
	WDF_MEMORY_DESCRIPTOR d;
	ULONG bytes = ~0U;
	NTSTATUS status;

	wu_opts(&o, WU_SYNC_MS);
	WDF_MEMORY_DESCRIPTOR_INIT_BUFFER(&d, buf, len);
	status = WdfUsbTargetPipeWriteSynchronously(pipe, NULL, &o,
						    buf ? &d : NULL, &bytes);
	return T_STATUS(t, STATUS_SUCCESS, status) && T_EQ(t, len, bytes);
}

/* Sync read into @buf (@cap bytes); the status, bytes in *@got */
NTSTATUS wu_read_sync(struct wt *t, WDFUSBPIPE pipe, void *buf, size_t cap,
		      ULONG *got, u64 ms)
{
	WDF_REQUEST_SEND_OPTIONS o;
	WDF_MEMORY_DESCRIPTOR d;

	*got = ~0U;
	wu_opts(&o, ms);
	WDF_MEMORY_DESCRIPTOR_INIT_BUFFER(&d, buf, cap);
	return WdfUsbTargetPipeReadSynchronously(pipe, NULL, &o, &d, got);
}

/* Send @req (formatted) with wu_io_complete; false if WdfRequestSend failed */
bool wu_send(struct wt *t, WDFREQUEST req, WDFUSBPIPE pipe, struct wu_io *u,
	     PWDF_REQUEST_SEND_OPTIONS o)
{
	wu_io_reset(u);
	WdfRequestSetCompletionRoutine(req, wu_io_complete, u);
	return T_TRUE(t, WdfRequestSend(req, WdfUsbTargetPipeGetIoTarget(pipe), o),
		      "WdfRequestSend: 0x%08X", (u32)WdfRequestGetStatus(req));
}

/* Write the WDFUSB unplug/replug file of the gadget */
int wu_udc_write(const char *val)
{
	struct file *f = filp_open(WU_UDC_PATH, O_WRONLY, 0);
	loff_t pos = 0;
	ssize_t n;

	if (IS_ERR(f))
		return PTR_ERR(f);
	n = kernel_write(f, val, strlen(val), &pos);
	filp_close(f, NULL);
	return n < 0 ? n : 0;
}

/* Plug the gadget back in and wait until both interfaces are bound again */
bool wu_replug(struct wt *t)
{
	int err;

	if (wu_bound(NULL))
		return true;
	err = wu_udc_write(WU_UDC "\n");
	if (!T_EQ(t, 0, err))
		return false;
	if (!wait_event_timeout(wu.wq, wu_bound(NULL), WT_TIMEOUT_S * HZ))
		return T_FAIL(t, "the gadget was not bound again in %d s",
			      WT_TIMEOUT_S);
	return true;
}

static struct wu_hook *wu_hook_cur;

static int wu_hook_fn(int point, WDFREQUEST req, int arg)
{
	struct wu_hook *h = READ_ONCE(wu_hook_cur);

	if (h && h->fn)
		return h->fn(h, point, req, arg);
	if (!h || req != h->req)
		return point == WU_HOOK_URB_STATUS ? arg : 0;
	if (point == WU_HOOK_SUSPECT_HOLD)
		return READ_ONCE(h->hold);
	if (arg || !h->fail_status)
		return arg;
	arg = h->fail_status;
	h->fail_status = 0;
	WRITE_ONCE(h->parked, true);
	wake_up_all(&wt_wq);
	return arg;
}

/* Let wdfio's USB hook act on @h->req as @h says */
void wu_hook_set(struct wu_hook *h)
{
	WRITE_ONCE(wu_hook_cur, h);
	wdfio_usb_set_test_hook(wu_hook_fn);
}

/* Remove the hook; no call of it runs after this */
void wu_hook_clear(void)
{
	wdfio_usb_set_test_hook(NULL);
	WRITE_ONCE(wu_hook_cur, NULL);
}

/* Data: byte i of transfer @seq is (i * 7 + seq * 13) & 0xff, plus a tag */
void wu_fill(u8 *buf, size_t len, u32 seq)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = (u8)(i * 7 + seq * 13 + (i >> 8));
}

bool wu_check(struct wt *t, const u8 *buf, size_t len, u32 seq)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (buf[i] != (u8)(i * 7 + seq * 13 + (i >> 8)))
			return T_FAIL(t, "transfer %u: byte %zu of %zu is 0x%02x, want 0x%02x",
				      seq, i, len, buf[i],
				      (u8)(i * 7 + seq * 13 + (i >> 8)));
	return true;
}

/* ------------------------------------------------------------------ */
/* Cases                                                               */

int wt_usb_status_table(struct wt *t)
{
	static const struct {
		int err;
		NTSTATUS status;
		USBD_STATUS usbd;
	} exp[] = {
		{ 0, STATUS_SUCCESS, USBD_STATUS_SUCCESS },
		{ -ENOENT, STATUS_CANCELLED, USBD_STATUS_CANCELED },
		{ -ECONNRESET, STATUS_CANCELLED, USBD_STATUS_CANCELED },
		{ -EPIPE, STATUS_UNSUCCESSFUL, USBD_STATUS_STALL_PID },
		{ -EPROTO, STATUS_UNSUCCESSFUL, USBD_STATUS_BTSTUFF },
		{ -EILSEQ, STATUS_UNSUCCESSFUL, USBD_STATUS_CRC },
		{ -ETIME, STATUS_UNSUCCESSFUL, USBD_STATUS_DEV_NOT_RESPONDING },
		{ -EOVERFLOW, STATUS_UNSUCCESSFUL, USBD_STATUS_BABBLE_DETECTED },
		{ -EREMOTEIO, STATUS_UNSUCCESSFUL, USBD_STATUS_ERROR_SHORT_TRANSFER },
		{ -ECOMM, STATUS_UNSUCCESSFUL, USBD_STATUS_BUFFER_OVERRUN },
		{ -ENOSR, STATUS_UNSUCCESSFUL, USBD_STATUS_BUFFER_UNDERRUN },
		{ -ENODEV, STATUS_NO_SUCH_DEVICE, USBD_STATUS_DEVICE_GONE },
		{ -ESHUTDOWN, STATUS_NO_SUCH_DEVICE, USBD_STATUS_DEVICE_GONE },
		{ -ETIMEDOUT, STATUS_IO_TIMEOUT, USBD_STATUS_TIMEOUT },
		{ -ENOMEM, STATUS_INSUFFICIENT_RESOURCES, USBD_STATUS_INSUFFICIENT_RESOURCES },
		{ -ENOSPC, STATUS_INSUFFICIENT_RESOURCES, USBD_STATUS_NO_BANDWIDTH },
		{ -EINVAL, STATUS_INVALID_PARAMETER, USBD_STATUS_INVALID_PARAMETER },
		{ -EXDEV, STATUS_UNSUCCESSFUL, USBD_STATUS_ISOCH_REQUEST_FAILED },
		{ -EHOSTUNREACH, STATUS_DEVICE_NOT_READY, USBD_STATUS_NOT_ACCESSED },
		{ -E2BIG, STATUS_UNSUCCESSFUL, USBD_STATUS_INTERNAL_HC_ERROR },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(exp); i++) {
		LONG usbd = 0x12345678;

		wt_set_where(t, "urb status %d", exp[i].err);
		T_STATUS(t, exp[i].status,
			 wdfio_usb_status_from_urb(exp[i].err, &usbd));
		T_EQ(t, (u32)exp[i].usbd, (u32)usbd);
	}
	/* The macros of usb.h */
	T_TRUE(t, USBD_SUCCESS(USBD_STATUS_SUCCESS) &&
	       USBD_ERROR(USBD_STATUS_STALL_PID) &&
	       USBD_HALTED(USBD_STATUS_STALL_PID) &&
	       !USBD_HALTED(USBD_STATUS_INVALID_PARAMETER) &&
	       USBD_ERROR(USBD_STATUS_INVALID_PARAMETER) &&
	       USBD_PENDING(USBD_STATUS_PENDING), "USBD_* macros");
	return 0;
}

int wt_usb_enum(struct wt *t)
{
	WDF_USB_DEVICE_SELECT_CONFIG_PARAMS sel;
	WDF_USB_DEVICE_CREATE_CONFIG cc;
	WDF_USB_DEVICE_INFORMATION info;
	USB_CONFIGURATION_DESCRIPTOR *cfg;
	USB_INTERFACE_DESCRIPTOR idesc;
	WDF_USB_PIPE_INFORMATION pi;
	USB_DEVICE_DESCRIPTOR dd;
	WDFUSBDEVICE dev2 = NULL;
	struct wu_fix f;
	USHORT len = 0;
	u8 buf[512];
	NTSTATUS status;
	unsigned int k;

	if (!wu_open(t, &f))
		goto out;
	wt_set_where(t, "information");
	WDF_USB_DEVICE_INFORMATION_INIT(&info);
	T_STATUS(t, STATUS_SUCCESS,
		 WdfUsbTargetDeviceRetrieveInformation(f.dev, &info));
	T_TRUE(t, info.Traits & WDF_USB_DEVICE_TRAIT_AT_HIGH_SPEED,
	       "traits 0x%x", info.Traits);
	T_EQ(t, 0x200, info.UsbdVersionInformation.Supported_USB_Version);
	info.Size = 4;
	T_STATUS(t, STATUS_INFO_LENGTH_MISMATCH,
		 WdfUsbTargetDeviceRetrieveInformation(f.dev, &info));
	WdfUsbTargetDeviceGetDeviceDescriptor(f.dev, &dd);
	T_EQ(t, WU_VID, dd.idVendor);
	T_EQ(t, WU_PID, dd.idProduct);
	T_EQ(t, 18, dd.bLength);
	T_EQ(t, USB_DEVICE_DESCRIPTOR_TYPE, dd.bDescriptorType);

	wt_set_where(t, "config descriptor");
	T_STATUS(t, STATUS_BUFFER_TOO_SMALL,
		 WdfUsbTargetDeviceRetrieveConfigDescriptor(f.dev, NULL, &len));
	T_TRUE(t, len > sizeof(*cfg) && len <= sizeof(buf), "length %u", len);
	status = WdfUsbTargetDeviceRetrieveConfigDescriptor(f.dev, buf, &len);
	T_STATUS(t, STATUS_SUCCESS, status);
	cfg = (void *)buf;
	T_EQ(t, len, cfg->wTotalLength);
	T_EQ(t, USB_CONFIGURATION_DESCRIPTOR_TYPE, cfg->bDescriptorType);
	T_EQ(t, 2, cfg->bNumInterfaces);

	wt_set_where(t, "interfaces and pipes");
	T_EQ(t, 2, WdfUsbTargetDeviceGetNumInterfaces(f.dev));
	T_PTR(t, NULL, WdfUsbTargetDeviceGetInterface(f.dev, 2));
	for (k = 0; k < 2; k++) {
		T_EQ(t, k, WdfUsbInterfaceGetInterfaceNumber(f.ifs[k]));
		T_TRUE(t, WdfUsbInterfaceGetNumSettings(f.ifs[k]) >= 1,
		       "settings of interface %u", k);
		T_EQ(t, 0, WdfUsbInterfaceGetConfiguredSettingIndex(f.ifs[k]));
		WdfUsbInterfaceGetDescriptor(f.ifs[k], 0, &idesc);
		T_EQ(t, k, idesc.bInterfaceNumber);
		T_EQ(t, idesc.bNumEndpoints,
		     WdfUsbInterfaceGetNumEndpoints(f.ifs[k], 0));
		T_EQ(t, idesc.bNumEndpoints,
		     WdfUsbInterfaceGetNumConfiguredPipes(f.ifs[k]));
	}
	T_EQ(t, 2, WdfUsbInterfaceGetNumConfiguredPipes(f.ifs[0]));
	for (k = 0; k < 2; k++) {
		WDF_USB_PIPE_INFORMATION ei, ci;

		WDF_USB_PIPE_INFORMATION_INIT(&ei);
		WDF_USB_PIPE_INFORMATION_INIT(&ci);
		WdfUsbInterfaceGetEndpointInformation(f.ifs[0], 0, k, &ei);
		WdfUsbInterfaceGetConfiguredPipe(f.ifs[0], k, &ci);
		T_EQ(t, ci.EndpointAddress, ei.EndpointAddress);
		T_EQ(t, 512, ei.MaximumPacketSize);
		T_EQ(t, WdfUsbPipeTypeBulk, ei.PipeType);
	}
	T_TRUE(t, WdfUsbTargetPipeIsInEndpoint(f.lb_in) &&
	       !WdfUsbTargetPipeIsOutEndpoint(f.lb_in), "lb_in is IN");
	T_TRUE(t, WdfUsbTargetPipeIsOutEndpoint(f.lb_out) &&
	       !WdfUsbTargetPipeIsInEndpoint(f.lb_out), "lb_out is OUT");
	T_EQ(t, WdfUsbPipeTypeBulk, WdfUsbTargetPipeGetType(f.lb_in));
	WDF_USB_PIPE_INFORMATION_INIT(&pi);
	WdfUsbTargetPipeGetInformation(f.ss_in, &pi);
	T_EQ(t, 512, pi.MaximumPacketSize);
	T_TRUE(t, pi.EndpointAddress & USB_ENDPOINT_DIRECTION_MASK, "IN address");
	T_EQ(t, WdfUsbPipeTypeBulk, pi.PipeType);
	T_PTR(t, (void *)f.lb_in, (void *)WdfUsbTargetPipeGetIoTarget(f.lb_in));
	T_EQ(t, WdfIoTargetStarted,
	     WdfIoTargetGetState(WdfUsbTargetPipeGetIoTarget(f.lb_in)));

	wt_set_where(t, "select config");
	WDF_USB_DEVICE_SELECT_CONFIG_PARAMS_INIT_SINGLE_INTERFACE(&sel);
	/* Two interfaces bound to this driver: not a single-interface device */
	T_STATUS(t, STATUS_INVALID_PARAMETER,
		 WdfUsbTargetDeviceSelectConfig(f.dev, NULL, &sel));
	WDF_USB_DEVICE_SELECT_CONFIG_PARAMS_INIT_DECONFIG(&sel);
	T_STATUS(t, STATUS_NOT_SUPPORTED,
		 WdfUsbTargetDeviceSelectConfig(f.dev, NULL, &sel));
	sel.Size = 8;
	T_STATUS(t, STATUS_INFO_LENGTH_MISMATCH,
		 WdfUsbTargetDeviceSelectConfig(f.dev, NULL, &sel));

	wt_set_where(t, "create errors");
	wt_quiet_verifier(t);
	T_STATUS(t, STATUS_INVALID_PARAMETER,
		 WdfUsbTargetDeviceCreate(NULL, NULL, &dev2));
	T_PTR(t, NULL, dev2);
	WDF_USB_DEVICE_CREATE_CONFIG_INIT(&cc, USBD_CLIENT_CONTRACT_VERSION_602);
	mutex_lock(&wu.lock);
	status = WdfUsbTargetDeviceCreateWithParameters(WdfDeviceFromUsbInterface(wu.intf[1]),
							&cc, NULL, &dev2);
	mutex_unlock(&wu.lock);
	if (T_STATUS(t, STATUS_SUCCESS, status)) {
		/* From interface 1: that one first, then interface 0 */
		WDFUSBINTERFACE first = WdfUsbTargetDeviceGetInterface(dev2, 0);

		T_EQ(t, 1, WdfUsbInterfaceGetInterfaceNumber(first));
		T_STATUS(t, STATUS_SUCCESS,
			 WdfUsbTargetDeviceIsConnectedSynchronous(dev2));
		WdfObjectDelete(dev2);
	}
	cc.Size = 4;
	T_STATUS(t, STATUS_INFO_LENGTH_MISMATCH,
		 WdfUsbTargetDeviceCreateWithParameters(WdfDeviceFromUsbInterface(wu.intf[1]),
							&cc, NULL, &dev2));
out:
	wu_close(t, &f);
	return 0;
}

int wt_usb_control(struct wt *t)
{
	WDF_USB_CONTROL_SETUP_PACKET sp;
	WDF_MEMORY_DESCRIPTOR d;
	WDF_REQUEST_SEND_OPTIONS o;
	USB_DEVICE_DESCRIPTOR dd;
	WDFREQUEST req = NULL;
	WDFMEMORY mem = NULL;
	struct wu_io *u = NULL;
	struct wu_fix f;
	ULONG bytes;
	u8 *buf;
	void *mbuf;
	NTSTATUS status;

	buf = kzalloc(256, GFP_KERNEL);
	u = kzalloc(sizeof(*u), GFP_KERNEL);
	if (!T_TRUE(t, buf && u, "out of memory") || !wu_open(t, &f))
		goto out;
	wu_opts(&o, WU_SYNC_MS);
	WdfUsbTargetDeviceGetDeviceDescriptor(f.dev, &dd);

	wt_set_where(t, "sync GET_DESCRIPTOR(device)");
	WDF_USB_CONTROL_SETUP_PACKET_INIT(&sp, BmRequestDeviceToHost,
					  BmRequestToDevice,
					  USB_REQUEST_GET_DESCRIPTOR,
					  WU_DESC(USB_DEVICE_DESCRIPTOR_TYPE),
					  0);
	WDF_MEMORY_DESCRIPTOR_INIT_BUFFER(&d, buf, 64);
	status = WdfUsbTargetDeviceSendControlTransferSynchronously(f.dev, NULL, &o,
								    &sp, &d, &bytes);
	T_STATUS(t, STATUS_SUCCESS, status);
	T_EQ(t, 18, bytes);
	T_TRUE(t, !memcmp(buf, &dd, sizeof(dd)), "descriptor matches the cached one");

	wt_set_where(t, "sync GET_STATUS(device)");
	memset(buf, 0xff, 4);
	WDF_USB_CONTROL_SETUP_PACKET_INIT_GET_STATUS(&sp, BmRequestToDevice, 0);
	WDF_MEMORY_DESCRIPTOR_INIT_BUFFER(&d, buf, 2);
	status = WdfUsbTargetDeviceSendControlTransferSynchronously(f.dev, NULL, &o,
								    &sp, &d, &bytes);
	T_STATUS(t, STATUS_SUCCESS, status);
	T_EQ(t, 2, bytes);
	T_EQ(t, 0, buf[1]);
	T_TRUE(t, buf[0] <= 3, "status bits 0x%02x", buf[0]);

	wt_set_where(t, "sync GET_STATUS(interface 1)");
	WDF_USB_CONTROL_SETUP_PACKET_INIT_GET_STATUS(&sp, BmRequestToInterface, 1);
	status = WdfUsbTargetDeviceSendControlTransferSynchronously(f.dev, NULL, &o,
								    &sp, &d, &bytes);
	T_STATUS(t, STATUS_SUCCESS, status);
	T_EQ(t, 2, bytes);

	wt_set_where(t, "async GET_DESCRIPTOR(config, 9)");
	if (!NT_SUCCESS(wt_request(t, NULL, &req)) ||
	    !NT_SUCCESS(wt_memory(t, 9, &mem, &mbuf)))
		goto out;
	WDF_USB_CONTROL_SETUP_PACKET_INIT(&sp, BmRequestDeviceToHost,
					  BmRequestToDevice,
					  USB_REQUEST_GET_DESCRIPTOR,
					  WU_DESC(USB_CONFIGURATION_DESCRIPTOR_TYPE),
					  0);
	status = WdfUsbTargetDeviceFormatRequestForControlTransfer(f.dev, req, &sp,
								   mem, NULL);
	if (!T_STATUS(t, STATUS_SUCCESS, status))
		goto out;
	wu_io_reset(u);
	WdfRequestSetCompletionRoutine(req, wu_io_complete, u);
	if (!T_TRUE(t, WdfRequestSend(req, WdfUsbTargetDeviceGetIoTarget(f.dev),
				      WDF_NO_SEND_OPTIONS), "send") ||
	    !wt_io_wait(t, &u->io))
		goto out;
	T_STATUS(t, STATUS_SUCCESS, u->io.params.IoStatus.Status);
	T_EQ(t, 9, u->io.params.IoStatus.Information);
	T_EQ(t, WdfRequestTypeUsb, u->io.params.Type);
	T_EQ(t, WdfUsbRequestTypeDeviceControlTransfer, u->usb.Type);
	T_EQ(t, (u32)USBD_STATUS_SUCCESS, (u32)u->usb.UsbdStatus);
	T_EQ(t, 9, u->usb.Parameters.DeviceControlTransfer.Length);
	T_PTR(t, (void *)mem, (void *)u->usb.Parameters.DeviceControlTransfer.Buffer);
	T_EQ(t, 9, u->usb.Parameters.DeviceControlTransfer.SetupPacket.Packet.wLength);
	T_EQ(t, USB_CONFIGURATION_DESCRIPTOR_TYPE, ((u8 *)mbuf)[1]);
	T_EQ(t, 2, ((USB_CONFIGURATION_DESCRIPTOR *)mbuf)->bNumInterfaces);

	wt_set_where(t, "protocol stall: GET_DESCRIPTOR(type 0x42)");
	WDF_USB_CONTROL_SETUP_PACKET_INIT(&sp, BmRequestDeviceToHost,
					  BmRequestToDevice,
					  USB_REQUEST_GET_DESCRIPTOR, 0x4200, 0);
	status = WdfUsbTargetDeviceFormatRequestForControlTransfer(f.dev, req, &sp,
								   mem, NULL);
	if (!T_STATUS(t, STATUS_SUCCESS, status))
		goto out;
	wu_io_reset(u);
	WdfRequestSetCompletionRoutine(req, wu_io_complete, u);
	if (!T_TRUE(t, WdfRequestSend(req, WdfUsbTargetDeviceGetIoTarget(f.dev),
				      WDF_NO_SEND_OPTIONS), "send") ||
	    !wt_io_wait(t, &u->io))
		goto out;
	T_STATUS(t, STATUS_UNSUCCESSFUL, u->io.params.IoStatus.Status);
	T_EQ(t, (u32)USBD_STATUS_STALL_PID, (u32)u->usb.UsbdStatus);

	wt_set_where(t, "format errors");
	T_STATUS(t, STATUS_INVALID_PARAMETER,
		 WdfUsbTargetDeviceFormatRequestForControlTransfer(f.dev, req, NULL,
								   mem, NULL));
	/* A device handle is not a pipe; a block format on a pipe */
	wt_quiet_verifier(t);
	T_STATUS(t, STATUS_INVALID_HANDLE,
		 WdfUsbTargetPipeFormatRequestForWrite((WDFUSBPIPE)f.dev, req,
						       mem, NULL));
	T_STATUS(t, STATUS_INVALID_DEVICE_REQUEST,
		 WdfIoTargetFormatRequestForRead(WdfUsbTargetPipeGetIoTarget(f.lb_in),
						 req, mem, NULL, NULL));
out:
	wu_end(t, &f, &req, 1, mem, u);
	kfree(buf);
	return 0;
}

static const size_t wu_sizes[] = {
	0, 1, 2, 63, 64, 100, 511, 512, 513, 1000, 1023, 1024, 1025, 2048,
	4095, 4096, 4097, 8191, 8192, 12345, 16384, 32767, 32768, 50000,
	65535, 65536,
};

/* One sync round trip of @len bytes through the loopback */
static bool wu_round_trip_sync(struct wt *t, struct wu_fix *f, u8 *out,
			       u8 *in, size_t len, u32 seq)
{
	size_t cap = round_up(len + 1, f->maxp);
	ULONG got;

	wt_set_where(t, "sync round trip %zu bytes", len);
	wu_fill(out, len, seq);
	memset(in, 0, cap);
	if (!wu_write_sync(t, f->lb_out, len ? out : NULL, len))
		return false;
	if (len && len % f->maxp == 0 && !wu_write_sync(t, f->lb_out, NULL, 0))
		return false;
	if (!T_STATUS(t, STATUS_SUCCESS,
		      wu_read_sync(t, f->lb_in, in, cap, &got, WU_SYNC_MS)) ||
	    !T_EQ(t, len, got))
		return false;
	return wu_check(t, in, len, seq);
}

int wt_usb_loopback_sync(struct wt *t)
{
	struct wu_fix f;
	u8 *out = vmalloc(SZ_64K + SZ_1K), *in = kmalloc(SZ_64K + SZ_1K, GFP_KERNEL);
	unsigned int k;
	u32 seq = 1;

	if (!T_TRUE(t, out && in, "out of memory") || !wu_open(t, &f))
		goto out;
	/* kmalloc'd IN, vmalloc'd OUT (bounced) */
	for (k = 0; k < ARRAY_SIZE(wu_sizes); k++)
		if (!wu_round_trip_sync(t, &f, out, in, wu_sizes[k], seq++))
			goto out;
	/* And the other way round, unaligned */
	for (k = 0; k < ARRAY_SIZE(wu_sizes); k += 3)
		if (!wu_round_trip_sync(t, &f, in + 1, out + 3, wu_sizes[k], seq++))
			goto out;
out:
	wu_close(t, &f);
	vfree(out);
	kfree(in);
	return 0;
}

/*
 * Async: the read is sent first (it waits on the empty IN pipe), then the
 * write (and the ZLP); the completion params say what moved.
 */
int wt_usb_loopback_async(struct wt *t)
{
	WDFREQUEST wreq = NULL, rreq = NULL, zreq = NULL;
	WDFMEMORY wmem = NULL, rmem = NULL;
	struct wu_io *w = NULL, *r = NULL, *z = NULL;
	WDFMEMORY_OFFSET off;
	u8 *wbuf, *rbuf;
	struct wu_fix f;
	unsigned int k;
	NTSTATUS status;

	w = kzalloc(sizeof(*w), GFP_KERNEL);
	r = kzalloc(sizeof(*r), GFP_KERNEL);
	z = kzalloc(sizeof(*z), GFP_KERNEL);
	if (!T_TRUE(t, w && r && z, "out of memory") || !wu_open(t, &f))
		goto out;
	if (!NT_SUCCESS(wt_request(t, NULL, &wreq)) ||
	    !NT_SUCCESS(wt_request(t, NULL, &rreq)) ||
	    !NT_SUCCESS(wt_request(t, NULL, &zreq)) ||
	    !NT_SUCCESS(wt_memory(t, SZ_64K + SZ_1K, &wmem, (void **)&wbuf)) ||
	    !NT_SUCCESS(wt_memory(t, SZ_64K + SZ_1K, &rmem, (void **)&rbuf)))
		goto out;
	for (k = 0; k < ARRAY_SIZE(wu_sizes); k++) {
		size_t len = wu_sizes[k], cap = round_up(len + 1, f.maxp);
		u32 seq = 1000 + k;

		wt_set_where(t, "async round trip %zu bytes", len);
		wu_fill(wbuf + 16, len, seq);
		memset(rbuf, 0, cap + 512);
		/* read at offset 512 of rmem */
		off.BufferOffset = 512;
		off.BufferLength = cap;
		status = WdfUsbTargetPipeFormatRequestForRead(f.lb_in, rreq, rmem, &off);
		if (!T_STATUS(t, STATUS_SUCCESS, status) ||
		    !wu_send(t, rreq, f.lb_in, r, WDF_NO_SEND_OPTIONS))
			goto out;
		off.BufferOffset = 16;
		off.BufferLength = len;
		status = WdfUsbTargetPipeFormatRequestForWrite(f.lb_out, wreq,
							       len ? wmem : NULL,
							       len ? &off : NULL);
		if (!T_STATUS(t, STATUS_SUCCESS, status) ||
		    !wu_send(t, wreq, f.lb_out, w, WDF_NO_SEND_OPTIONS))
			goto out;
		if (len && len % f.maxp == 0) {
			status = WdfUsbTargetPipeFormatRequestForWrite(f.lb_out, zreq,
								       NULL, NULL);
			if (!T_STATUS(t, STATUS_SUCCESS, status) ||
			    !wu_send(t, zreq, f.lb_out, z, WDF_NO_SEND_OPTIONS) ||
			    !wt_io_wait(t, &z->io))
				goto out;
			T_STATUS(t, STATUS_SUCCESS, z->io.params.IoStatus.Status);
		}
		if (!wt_io_wait(t, &w->io) || !wt_io_wait(t, &r->io))
			goto out;
		T_STATUS(t, STATUS_SUCCESS, w->io.params.IoStatus.Status);
		T_EQ(t, len, w->io.params.IoStatus.Information);
		T_EQ(t, WdfUsbRequestTypePipeWrite, w->usb.Type);
		T_EQ(t, len, w->usb.Parameters.PipeWrite.Length);
		T_EQ(t, len ? 16 : 0, w->usb.Parameters.PipeWrite.Offset);
		T_STATUS(t, STATUS_SUCCESS, r->io.params.IoStatus.Status);
		T_EQ(t, len, r->io.params.IoStatus.Information);
		T_EQ(t, WdfUsbRequestTypePipeRead, r->usb.Type);
		T_EQ(t, len, r->usb.Parameters.PipeRead.Length);
		T_EQ(t, 512, r->usb.Parameters.PipeRead.Offset);
		T_PTR(t, (void *)rmem, (void *)r->usb.Parameters.PipeRead.Buffer);
		T_EQ(t, (u32)USBD_STATUS_SUCCESS, (u32)r->usb.UsbdStatus);
		if (!wu_check(t, rbuf + 512, len, seq) ||
		    !wt_verify_byte(t, rbuf, 512, 0, "bytes before the window") ||
		    t->failures)
			goto out;
	}

	wt_set_where(t, "format checks");
	off.BufferOffset = 0;
	off.BufferLength = 100;
	T_STATUS(t, STATUS_INVALID_BUFFER_SIZE,
		 WdfUsbTargetPipeFormatRequestForRead(f.lb_in, rreq, rmem, &off));
	T_STATUS(t, STATUS_INVALID_DEVICE_REQUEST,
		 WdfUsbTargetPipeFormatRequestForRead(f.lb_out, rreq, rmem, NULL));
	T_STATUS(t, STATUS_INVALID_DEVICE_REQUEST,
		 WdfUsbTargetPipeFormatRequestForWrite(f.lb_in, rreq, rmem, NULL));
	T_STATUS(t, STATUS_INTEGER_OVERFLOW,
		 WdfUsbTargetPipeFormatRequestForWrite(f.lb_out, rreq, rmem,
						       &(WDFMEMORY_OFFSET){ SZ_64K, SZ_64K }));
out:
	wt_delete(t, wreq);
	wt_delete(t, rreq);
	wt_delete(t, zreq);
	wt_delete(t, wmem);
	wt_delete(t, rmem);
	wu_close(t, &f);
	if (!t->wedged) {
		kfree(w);
		kfree(r);
		kfree(z);
	}
	return 0;
}

/* Babble: 500 bytes echoed into a 100-byte read */
int wt_usb_babble(struct wt *t)
{
	struct wu_fix f;
	u8 *buf = kzalloc(1024, GFP_KERNEL);
	ULONG got;

	if (!T_TRUE(t, buf, "out of memory") || !wu_open(t, &f))
		goto out;
	WdfUsbTargetPipeSetNoMaximumPacketSizeCheck(f.lb_in);
	wu_fill(buf, 500, 7);
	if (!wu_write_sync(t, f.lb_out, buf, 500))
		goto out;
	wt_set_where(t, "100-byte read of a 500-byte packet");
	T_STATUS(t, STATUS_UNSUCCESSFUL,
		 wu_read_sync(t, f.lb_in, buf, 100, &got, WU_SYNC_MS));
	/* The loopback still works */
	if (!wu_round_trip_sync(t, &f, buf, buf + 512, 300, 8))
		goto out;
out:
	wu_close(t, &f);
	kfree(buf);
	return 0;
}

static bool wu_hook_parked(void *arg)
{
	struct wu_hook *h = arg;

	return READ_ONCE(h->parked);
}

/* Wait for @u; if it does not come, fail, end @h's hold and wait again */
static bool wu_wait_held(struct wt *t, struct wu_io *u, struct wu_hook *h,
			 const char *what)
{
	if (wait_for_completion_timeout(&u->io.done, WT_TIMEOUT_S * HZ))
		return true;
	T_FAIL(t, "%s: no completion in %d s", what, WT_TIMEOUT_S);
	WRITE_ONCE(h->hold, false);
	return wt_io_wait(t, &u->io);
}

/* A read on the empty IN pipe: STATUS_IO_TIMEOUT, async and sync */
int wt_usb_read_timeout(struct wt *t)
{
	WDF_REQUEST_SEND_OPTIONS o;
	WDFREQUEST req = NULL;
	WDFMEMORY mem = NULL;
	struct wu_io *u = kzalloc(sizeof(*u), GFP_KERNEL);
	struct wu_fix f;
	void *buf;
	ktime_t t0;
	ULONG got;
	s64 ms;

	if (!T_TRUE(t, u, "out of memory") || !wu_open(t, &f))
		goto out;
	if (!NT_SUCCESS(wt_request(t, NULL, &req)) ||
	    !NT_SUCCESS(wt_memory(t, 1024, &mem, &buf)))
		goto out;
	wt_set_where(t, "async read, 100 ms timeout");
	if (!T_STATUS(t, STATUS_SUCCESS,
		      WdfUsbTargetPipeFormatRequestForRead(f.lb_in, req, mem, NULL)))
		goto out;
	wu_opts(&o, 100);
	t0 = ktime_get();
	if (!wu_send(t, req, f.lb_in, u, &o) || !wt_io_wait(t, &u->io))
		goto out;
	ms = ktime_ms_delta(u->done_at, t0);
	T_TRUE(t, ms >= 100, "completed after %lld ms", ms);
	T_STATUS(t, STATUS_IO_TIMEOUT, u->io.params.IoStatus.Status);
	T_EQ(t, (u32)USBD_STATUS_CANCELED, (u32)u->usb.UsbdStatus);
	T_EQ(t, 0, u->io.params.IoStatus.Information);
	T_EQ(t, 1, atomic_read(&u->io.calls));

	wt_set_where(t, "sync read, 100 ms timeout");
	t0 = ktime_get();
	T_STATUS(t, STATUS_IO_TIMEOUT,
		 wu_read_sync(t, f.lb_in, buf, 1024, &got, 100));
	T_EQ(t, 0, got);
	T_TRUE(t, ktime_ms_delta(ktime_get(), t0) >= 100, "returned early");

	wt_set_where(t, "timeout of a read parked after -EPROTO");
	{
		struct wu_hook h = { .req = req, .fail_status = -EPROTO,
				     .hold = true };

		/* The data is there first: the read ends long before that */
		wu_fill((u8 *)buf + 512, 200, 4);
		if (!wu_write_sync(t, f.lb_out, (u8 *)buf + 512, 200) ||
		    !T_STATUS(t, STATUS_SUCCESS,
			      WdfUsbTargetPipeFormatRequestForRead(f.lb_in, req,
								   mem, NULL)))
			goto out;
		wu_opts(&o, WU_SYNC_MS);
		wu_hook_set(&h);
		if (wu_send(t, req, f.lb_in, u, &o) &&
		    wu_wait_held(t, u, &h, "the parked read")) {
			T_TRUE(t, READ_ONCE(h.parked), "the read was parked");
			T_STATUS(t, STATUS_IO_TIMEOUT,
				 u->io.params.IoStatus.Status);
			T_EQ(t, (u32)USBD_STATUS_CANCELED, (u32)u->usb.UsbdStatus);
			T_EQ(t, 200, u->io.params.IoStatus.Information);
			T_EQ(t, 1, atomic_read(&u->io.calls));
		}
		wu_hook_clear();
		if (t->wedged)
			goto out;
	}

	wt_set_where(t, "the pipe works after timeouts");
	wu_round_trip_sync(t, &f, buf, (u8 *)buf + 512, 200, 3);
out:
	wu_end(t, &f, &req, 1, mem, u);
	return 0;
}

/**
 * struct wu_resend - a read whose completion routine sends it again
 * @pipe: the IN pipe
 * @mem: the buffer
 * @left: resends still to do
 * @stop: do not resend any more
 * @calls: completion routine calls
 * @status: their statuses
 * @send_status: the status of a WdfRequestSend that failed, or 0
 * @done: the last call (no resend) happened
 */
struct wu_resend {
	WDFUSBPIPE pipe;
	WDFMEMORY mem;
	unsigned int left;
	bool stop;
	atomic_t calls;
	NTSTATUS status[4];
	NTSTATUS send_status;
	struct completion done;
};

static VOID wu_resend_complete(WDFREQUEST Request, WDFIOTARGET Target,
			       PWDF_REQUEST_COMPLETION_PARAMS Params,
			       WDFCONTEXT Context)
{
	struct wu_resend *r = Context;
	unsigned int n = atomic_inc_return(&r->calls) - 1;
	WDF_REQUEST_REUSE_PARAMS rp;

	if (n < ARRAY_SIZE(r->status))
		r->status[n] = Params->IoStatus.Status;
	if (READ_ONCE(r->stop) || !r->left)
		goto out_done;
	r->left--;
	WDF_REQUEST_REUSE_PARAMS_INIT(&rp, WDF_REQUEST_REUSE_NO_FLAGS,
				      STATUS_SUCCESS);
	WdfRequestReuse(Request, &rp);
	r->send_status = WdfUsbTargetPipeFormatRequestForRead(r->pipe, Request,
							      r->mem, NULL);
	if (!NT_SUCCESS(r->send_status))
		goto out_done;
	WdfRequestSetCompletionRoutine(Request, wu_resend_complete, r);
	if (WdfRequestSend(Request, Target, WDF_NO_SEND_OPTIONS))
		return;
	r->send_status = WdfRequestGetStatus(Request);
out_done:
	complete(&r->done);
}

/*
 * An abort while the completion routine of a cancelled read sends it again
 * (twice): the resends are refused with STATUS_CANCELLED while the abort
 * drains the pipe, so the abort ends. Before, the first resend's urb was
 * never cancelled and the abort waited for it for ever.
 */
static void wu_abort_resend(struct wt *t, struct wu_fix *f, WDFREQUEST rd,
			    WDFREQUEST ab, WDFMEMORY mem, struct wu_io *u)
{
	struct wu_resend *r = kzalloc(sizeof(*r), GFP_KERNEL);
	unsigned int k;

	wt_set_where(t, "abort while a completion routine resends");
	if (!T_TRUE(t, r, "out of memory"))
		return;
	r->pipe = f->lb_in;
	r->mem = mem;
	r->left = 2;
	init_completion(&r->done);
	if (!T_STATUS(t, STATUS_SUCCESS,
		      WdfUsbTargetPipeFormatRequestForRead(f->lb_in, rd, mem, NULL)))
		goto out;
	WdfRequestSetCompletionRoutine(rd, wu_resend_complete, r);
	if (!T_TRUE(t, WdfRequestSend(rd, WdfUsbTargetPipeGetIoTarget(f->lb_in),
				      WDF_NO_SEND_OPTIONS), "send the read") ||
	    !T_STATUS(t, STATUS_SUCCESS,
		      WdfUsbTargetPipeFormatRequestForAbort(f->lb_in, ab)) ||
	    !wu_send(t, ab, f->lb_in, u, WDF_NO_SEND_OPTIONS))
		goto out;
	if (!wait_for_completion_timeout(&u->io.done, WT_TIMEOUT_S * HZ)) {
		T_FAIL(t, "the abort did not end in %d s (a resent read kept it)",
		       WT_TIMEOUT_S);
		WRITE_ONCE(r->stop, true);
		WdfRequestCancelSentRequest(rd);
		if (!wt_io_wait(t, &u->io))
			return;
	}
	T_STATUS(t, STATUS_SUCCESS, u->io.params.IoStatus.Status);
	if (!wait_for_completion_timeout(&r->done, WT_TIMEOUT_S * HZ)) {
		t->wedged = true;
		T_FAIL(t, "the read's last completion did not come");
		return;
	}
	T_STATUS(t, 0, r->send_status);
	if (T_EQ(t, 3, atomic_read(&r->calls)))
		for (k = 0; k < 3; k++)
			T_STATUS(t, STATUS_CANCELLED, r->status[k]);
out:
	kfree(r);
}

/*
 * A read that ends with a transport error is parked (usb.c) — here held
 * there by the hook. WdfRequestCancelSentRequest then ends it at once with
 * STATUS_CANCELLED and the bytes it moved; before, the cancel returned TRUE
 * and the request later ended with the transport error.
 */
static void wu_parked_cancel(struct wt *t, struct wu_fix *f, WDFREQUEST rd,
			     WDFMEMORY mem, u8 *buf, struct wu_io *u)
{
	struct wu_hook h = { .req = rd, .fail_status = -EPROTO, .hold = true };

	wt_set_where(t, "cancel of a read parked after -EPROTO");
	wu_fill(buf + 2048, 100, 31);
	if (!wu_write_sync(t, f->lb_out, buf + 2048, 100) ||
	    !T_STATUS(t, STATUS_SUCCESS,
		      WdfUsbTargetPipeFormatRequestForRead(f->lb_in, rd, mem,
							   &(WDFMEMORY_OFFSET){ 0, 1024 })))
		return;
	wu_hook_set(&h);
	if (!wu_send(t, rd, f->lb_in, u, WDF_NO_SEND_OPTIONS) ||
	    !wt_wait_cond_timeout(t, wu_hook_parked, &h, "the read parked"))
		goto out;
	T_EQ(t, 0, atomic_read(&u->io.calls));
	T_TRUE(t, WdfRequestCancelSentRequest(rd), "cancel returns TRUE");
	if (!wu_wait_held(t, u, &h, "the parked read"))
		goto out;
	T_STATUS(t, STATUS_CANCELLED, u->io.params.IoStatus.Status);
	T_EQ(t, (u32)USBD_STATUS_CANCELED, (u32)u->usb.UsbdStatus);
	if (T_EQ(t, 100, u->io.params.IoStatus.Information))
		wu_check(t, buf, 100, 31);
	T_EQ(t, 1, atomic_read(&u->io.calls));
out:
	wu_hook_clear();
}

/* Cancel of a read waiting on the empty IN pipe; abort of several */
int wt_usb_cancel(struct wt *t)
{
	WDFREQUEST req[4] = { };
	WDFMEMORY mem = NULL;
	struct wu_io *u = kcalloc(4, sizeof(*u), GFP_KERNEL);
	WDF_REQUEST_SEND_OPTIONS o;
	struct wu_fix f;
	unsigned int k;
	void *buf;

	if (!T_TRUE(t, u, "out of memory") || !wu_open(t, &f))
		goto out;
	if (!NT_SUCCESS(wt_memory(t, 4096, &mem, &buf)))
		goto out;
	for (k = 0; k < 4; k++)
		if (!NT_SUCCESS(wt_request(t, NULL, &req[k])))
			goto out;
	wt_set_where(t, "cancel in flight");
	if (!T_STATUS(t, STATUS_SUCCESS,
		      WdfUsbTargetPipeFormatRequestForRead(f.lb_in, req[0], mem, NULL)) ||
	    !wu_send(t, req[0], f.lb_in, &u[0], WDF_NO_SEND_OPTIONS))
		goto out;
	msleep(20);
	T_EQ(t, 0, atomic_read(&u[0].io.calls));
	T_TRUE(t, WdfRequestCancelSentRequest(req[0]), "cancel returns TRUE");
	if (!wt_io_wait(t, &u[0].io))
		goto out;
	T_STATUS(t, STATUS_CANCELLED, u[0].io.params.IoStatus.Status);
	T_EQ(t, (u32)USBD_STATUS_CANCELED, (u32)u[0].usb.UsbdStatus);
	T_TRUE(t, !WdfRequestCancelSentRequest(req[0]), "cancel after completion");
	/* KMDF: a request cancelled while not sent fails sends until reused */
	if (T_STATUS(t, STATUS_SUCCESS,
		     WdfUsbTargetPipeFormatRequestForRead(f.lb_in, req[0], mem, NULL)))
		T_SEND_FAILS(t, req[0], WdfUsbTargetPipeGetIoTarget(f.lb_in),
			     WDF_NO_SEND_OPTIONS, STATUS_CANCELLED);
	{
		WDF_REQUEST_REUSE_PARAMS rp;

		WDF_REQUEST_REUSE_PARAMS_INIT(&rp, WDF_REQUEST_REUSE_NO_FLAGS,
					      STATUS_SUCCESS);
		T_STATUS(t, STATUS_SUCCESS, WdfRequestReuse(req[0], &rp));
	}

	wt_set_where(t, "abort of 3 reads");
	for (k = 0; k < 3; k++) {
		if (!T_STATUS(t, STATUS_SUCCESS,
			      WdfUsbTargetPipeFormatRequestForRead(f.lb_in, req[k],
								   mem, NULL)) ||
		    !wu_send(t, req[k], f.lb_in, &u[k], WDF_NO_SEND_OPTIONS))
			goto out;
	}
	wu_opts(&o, WU_SYNC_MS);
	T_STATUS(t, STATUS_SUCCESS,
		 WdfUsbTargetPipeAbortSynchronously(f.lb_in, req[3], &o));
	for (k = 0; k < 3; k++) {
		if (!wt_io_wait(t, &u[k].io))
			goto out;
		T_STATUS(t, STATUS_CANCELLED, u[k].io.params.IoStatus.Status);
	}
	wu_abort_resend(t, &f, req[0], req[3], mem, &u[3]);
	if (t->wedged)
		goto out;
	wu_parked_cancel(t, &f, req[1], mem, buf, &u[1]);
	if (t->wedged)
		goto out;
	wt_set_where(t, "the pipe works after cancels");
	wu_round_trip_sync(t, &f, buf, (u8 *)buf + 1024, 777, 5);
out:
	wu_end(t, &f, req, 4, mem, u);
	return 0;
}

/* SourceSink pattern=1: bad OUT data halts the endpoint; reset recovers */
int wt_usb_stall_reset(struct wt *t)
{
	WDF_REQUEST_SEND_OPTIONS o;
	WDFREQUEST req = NULL;
	WDFMEMORY mem = NULL;
	struct wu_io *u = kzalloc(sizeof(*u), GFP_KERNEL);
	struct wu_fix f;
	u8 *buf;
	ULONG got;
	int i;

	if (!T_TRUE(t, u, "out of memory") || !wu_open(t, &f))
		goto out;
	if (!NT_SUCCESS(wt_request(t, NULL, &req)) ||
	    !NT_SUCCESS(wt_memory(t, 4096, &mem, (void **)&buf)))
		goto out;
	wt_set_where(t, "SourceSink IN pattern");
	if (!T_STATUS(t, STATUS_SUCCESS,
		      wu_read_sync(t, f.ss_in, buf, 4096, &got, WU_SYNC_MS)) ||
	    !T_EQ(t, 4096, got))
		goto out;
	for (i = 0; i < 4096; i++)
		if (!T_EQ(t, (i % 512) % 63, buf[i]))
			goto out;

	wt_set_where(t, "good OUT data");
	for (i = 0; i < 100; i++)
		buf[i] = (i % 512) % 63;
	if (!wu_write_sync(t, f.ss_out, buf, 100))
		goto out;
	wt_set_where(t, "bad OUT data halts the endpoint");
	memset(buf, 0xff, 100);
	if (!wu_write_sync(t, f.ss_out, buf, 100))
		goto out;
	for (i = 0; i < 100; i++)
		buf[i] = (i % 512) % 63;
	if (!T_STATUS(t, STATUS_SUCCESS,
		      WdfUsbTargetPipeFormatRequestForWrite(f.ss_out, req, mem,
							    &(WDFMEMORY_OFFSET){ 0, 100 })) ||
	    !wu_send(t, req, f.ss_out, u, WDF_NO_SEND_OPTIONS) ||
	    !wt_io_wait(t, &u->io))
		goto out;
	T_STATUS(t, STATUS_UNSUCCESSFUL, u->io.params.IoStatus.Status);
	T_EQ(t, (u32)USBD_STATUS_STALL_PID, (u32)u->usb.UsbdStatus);
	T_TRUE(t, USBD_HALTED(u->usb.UsbdStatus), "halted");
	/* Still halted */
	wu_opts(&o, WU_SYNC_MS);
	T_STATUS(t, STATUS_UNSUCCESSFUL,
		 WdfUsbTargetPipeWriteSynchronously(f.ss_out, NULL, &o,
						    &(WDF_MEMORY_DESCRIPTOR){
							.Type = WdfMemoryDescriptorTypeBuffer,
							.u.BufferType = { buf, 100 } },
						    &got));
	wt_set_where(t, "reset pipe");
	T_STATUS(t, STATUS_SUCCESS,
		 WdfUsbTargetPipeResetSynchronously(f.ss_out, NULL, &o));
	wu_write_sync(t, f.ss_out, buf, 100);
	/* Reset of a pipe that is fine, via Format + Send */
	if (T_STATUS(t, STATUS_SUCCESS,
		     WdfUsbTargetPipeFormatRequestForReset(f.lb_in, req)) &&
	    wu_send(t, req, f.lb_in, u, WDF_NO_SEND_OPTIONS) &&
	    wt_io_wait(t, &u->io)) {
		T_STATUS(t, STATUS_SUCCESS, u->io.params.IoStatus.Status);
		T_EQ(t, WdfUsbRequestTypePipeReset, u->usb.Type);
	}
out:
	wu_end(t, &f, &req, 1, mem, u);
	return 0;
}

/* Stop / Purge / Start on pipes, and the device's Stop/Start on its pipes */
int wt_usb_pipe_states(struct wt *t)
{
	WDFREQUEST req[3] = { };
	WDFMEMORY mem = NULL;
	struct wu_io *u = kcalloc(3, sizeof(*u), GFP_KERNEL);
	WDFIOTARGET in;
	struct wu_fix f;
	unsigned int k;
	u8 *buf;

	if (!T_TRUE(t, u, "out of memory") || !wu_open(t, &f))
		goto out;
	in = WdfUsbTargetPipeGetIoTarget(f.lb_in);
	if (!NT_SUCCESS(wt_memory(t, 4096, &mem, (void **)&buf)))
		goto out;
	for (k = 0; k < 3; k++)
		if (!NT_SUCCESS(wt_request(t, NULL, &req[k])) ||
		    !T_STATUS(t, STATUS_SUCCESS,
			      WdfUsbTargetPipeFormatRequestForRead(f.lb_in, req[k],
								   mem, NULL)))
			goto out;

	wt_set_where(t, "stopped pipe pends, start sends");
	WdfIoTargetStop(in, WdfIoTargetLeaveSentIoPending);
	T_EQ(t, WdfIoTargetStopped, WdfIoTargetGetState(in));
	if (!wu_send(t, req[0], f.lb_in, &u[0], WDF_NO_SEND_OPTIONS))
		goto out;
	T_STATUS(t, STATUS_SUCCESS, WdfIoTargetStart(in));
	wu_fill(buf + 2048, 300, 11);
	if (!wu_write_sync(t, f.lb_out, buf + 2048, 300) || !wt_io_wait(t, &u[0].io))
		goto out;
	T_STATUS(t, STATUS_SUCCESS, u[0].io.params.IoStatus.Status);
	T_EQ(t, 300, u[0].io.params.IoStatus.Information);
	wu_check(t, buf, 300, 11);

	wt_set_where(t, "Stop(CancelSentIo) cancels a waiting read");
	if (!T_STATUS(t, STATUS_SUCCESS,
		      WdfUsbTargetPipeFormatRequestForRead(f.lb_in, req[0], mem, NULL)) ||
	    !wu_send(t, req[0], f.lb_in, &u[0], WDF_NO_SEND_OPTIONS))
		goto out;
	WdfIoTargetStop(in, WdfIoTargetCancelSentIo);
	T_EQ(t, 1, atomic_read(&u[0].io.calls));
	T_STATUS(t, STATUS_CANCELLED, u[0].io.params.IoStatus.Status);

	wt_set_where(t, "Purge: pended REMOVED_NOT_SENT, sent cancelled, sends fail");
	T_STATUS(t, STATUS_SUCCESS, WdfIoTargetStart(in));
	if (!T_STATUS(t, STATUS_SUCCESS,
		      WdfUsbTargetPipeFormatRequestForRead(f.lb_in, req[0], mem, NULL)) ||
	    !wu_send(t, req[0], f.lb_in, &u[0], WDF_NO_SEND_OPTIONS))
		goto out;
	WdfIoTargetStop(in, WdfIoTargetLeaveSentIoPending);
	if (!wu_send(t, req[1], f.lb_in, &u[1], WDF_NO_SEND_OPTIONS))
		goto out;
	WdfIoTargetPurge(in, WdfIoTargetPurgeIoAndWait);
	T_EQ(t, WdfIoTargetPurged, WdfIoTargetGetState(in));
	T_EQ(t, 1, atomic_read(&u[0].io.calls));
	T_EQ(t, 1, atomic_read(&u[1].io.calls));
	T_STATUS(t, STATUS_CANCELLED, u[0].io.params.IoStatus.Status);
	T_STATUS(t, STATUS_WDF_DEVICE_REMOVED_NOT_SENT,
		 u[1].io.params.IoStatus.Status);
	if (!T_STATUS(t, STATUS_SUCCESS,
		      WdfUsbTargetPipeFormatRequestForRead(f.lb_in, req[2], mem, NULL)))
		goto out;
	T_SEND_FAILS(t, req[2], in, WDF_NO_SEND_OPTIONS,
		     STATUS_INVALID_DEVICE_STATE);
	T_STATUS(t, STATUS_SUCCESS, WdfIoTargetStart(in));

	wt_set_where(t, "device Stop/Start stops and starts its pipes");
	WdfIoTargetStop(WdfUsbTargetDeviceGetIoTarget(f.dev),
			WdfIoTargetCancelSentIo);
	T_EQ(t, WdfIoTargetStopped, WdfIoTargetGetState(in));
	T_EQ(t, WdfIoTargetStopped,
	     WdfIoTargetGetState(WdfUsbTargetPipeGetIoTarget(f.ss_out)));
	T_STATUS(t, STATUS_SUCCESS,
		 WdfIoTargetStart(WdfUsbTargetDeviceGetIoTarget(f.dev)));
	T_EQ(t, WdfIoTargetStarted, WdfIoTargetGetState(in));
	wu_round_trip_sync(t, &f, buf, buf + 1024, 600, 12);
out:
	wu_end(t, &f, req, 3, mem, u);
	return 0;
}

/* Setting pairs, WdfUsbInterfaceSelectSetting, and the pipes they make */
int wt_usb_select_setting(struct wt *t)
{
	WDF_USB_INTERFACE_SELECT_SETTING_PARAMS ss;
	WDF_USB_DEVICE_SELECT_CONFIG_PARAMS sel;
	WDF_USB_INTERFACE_SETTING_PAIR pairs[2];
	USB_INTERFACE_DESCRIPTOR idesc;
	struct wu_fix f;
	u8 n;

	if (!wu_open(t, &f))
		goto out;
	wt_set_where(t, "setting pairs");
	pairs[0].UsbInterface = f.ifs[0];
	pairs[0].SettingIndex = 0;
	pairs[1].UsbInterface = f.ifs[1];
	pairs[1].SettingIndex = 0;
	WDF_USB_DEVICE_SELECT_CONFIG_PARAMS_INIT_MULTIPLE_INTERFACES(&sel, 2, pairs);
	T_EQ(t, WdfUsbTargetDeviceSelectConfigTypeInterfacesPairs, sel.Type);
	T_STATUS(t, STATUS_SUCCESS,
		 WdfUsbTargetDeviceSelectConfig(f.dev, NULL, &sel));
	T_EQ(t, 2, sel.Types.MultiInterface.NumberOfConfiguredInterfaces);
	pairs[1].SettingIndex = 9;
	T_STATUS(t, STATUS_INVALID_PARAMETER,
		 WdfUsbTargetDeviceSelectConfig(f.dev, NULL, &sel));

	wt_set_where(t, "select setting of SourceSink");
	/* 6.1's SourceSink has a second (isochronous) setting only with isoc */
	n = WdfUsbInterfaceGetNumSettings(f.ifs[1]);
	T_TRUE(t, n >= 1, "SourceSink has %u settings", n);
	WDF_USB_INTERFACE_SELECT_SETTING_PARAMS_INIT_SETTING(&ss, n - 1);
	T_STATUS(t, STATUS_SUCCESS,
		 WdfUsbInterfaceSelectSetting(f.ifs[1], NULL, &ss));
	T_EQ(t, n - 1, WdfUsbInterfaceGetConfiguredSettingIndex(f.ifs[1]));
	T_EQ(t, WdfUsbInterfaceGetNumEndpoints(f.ifs[1], n - 1),
	     WdfUsbInterfaceGetNumConfiguredPipes(f.ifs[1]));
	WdfUsbInterfaceGetDescriptor(f.ifs[1], 0, &idesc);
	WDF_USB_INTERFACE_SELECT_SETTING_PARAMS_INIT_DESCRIPTOR(&ss, &idesc);
	T_STATUS(t, STATUS_SUCCESS,
		 WdfUsbInterfaceSelectSetting(f.ifs[1], NULL, &ss));
	T_EQ(t, 0, WdfUsbInterfaceGetConfiguredSettingIndex(f.ifs[1]));
	T_EQ(t, idesc.bNumEndpoints,
	     WdfUsbInterfaceGetNumConfiguredPipes(f.ifs[1]));
	/* The new pipes work */
	wt_set_where(t, "SourceSink IN after the selection");
	{
		WDFUSBPIPE p = WdfUsbInterfaceGetConfiguredPipe(f.ifs[1], 0, NULL);
		u8 *b = kmalloc(512, GFP_KERNEL);
		ULONG got;

		if (T_TRUE(t, p && b, "pipe 0 / memory") &&
		    WdfUsbTargetPipeIsInEndpoint(p))
			T_STATUS(t, STATUS_SUCCESS,
				 wu_read_sync(t, p, b, 512, &got, WU_SYNC_MS));
		kfree(b);
	}
	WDF_USB_INTERFACE_SELECT_SETTING_PARAMS_INIT_SETTING(&ss, n);
	T_STATUS(t, STATUS_INVALID_PARAMETER,
		 WdfUsbInterfaceSelectSetting(f.ifs[1], NULL, &ss));
	ss.Size = 4;
	T_STATUS(t, STATUS_INFO_LENGTH_MISMATCH,
		 WdfUsbInterfaceSelectSetting(f.ifs[1], NULL, &ss));
out:
	wu_close(t, &f);
	return 0;
}

/* Port reset with a read in flight: cancelled first; the device works on */
int wt_usb_reset_port(struct wt *t)
{
	WDFREQUEST req = NULL;
	WDFMEMORY mem = NULL;
	struct wu_io *u = kzalloc(sizeof(*u), GFP_KERNEL);
	struct wu_fix f;
	u8 *buf;

	if (!T_TRUE(t, u, "out of memory") || !wu_open(t, &f))
		goto out;
	if (!NT_SUCCESS(wt_request(t, NULL, &req)) ||
	    !NT_SUCCESS(wt_memory(t, 2048, &mem, (void **)&buf)))
		goto out;
	if (!T_STATUS(t, STATUS_SUCCESS,
		      WdfUsbTargetPipeFormatRequestForRead(f.lb_in, req, mem, NULL)) ||
	    !wu_send(t, req, f.lb_in, u, WDF_NO_SEND_OPTIONS))
		goto out;
	wt_set_where(t, "reset port");
	T_STATUS(t, STATUS_SUCCESS, WdfUsbTargetDeviceResetPortSynchronously(f.dev));
	if (!wt_io_wait(t, &u->io))
		goto out;
	T_STATUS(t, STATUS_CANCELLED, u->io.params.IoStatus.Status);
	T_STATUS(t, STATUS_SUCCESS, WdfUsbTargetDeviceIsConnectedSynchronous(f.dev));
	wt_set_where(t, "round trip after the reset");
	wu_fill(buf + 1024, 345, 21);
	if (wu_write_sync(t, f.lb_out, buf + 1024, 345)) {
		ULONG got;

		if (T_STATUS(t, STATUS_SUCCESS,
			     wu_read_sync(t, f.lb_in, buf, 1024, &got, WU_SYNC_MS)) &&
		    T_EQ(t, 345, got))
			wu_check(t, buf, 345, 21);
	}
out:
	wu_end(t, &f, &req, 1, mem, u);
	return 0;
}
