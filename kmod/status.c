// SPDX-License-Identifier: GPL-2.0
/*
 * The one boundary where Linux status values become NTSTATUS. Both tables are
 * documented in docs/semantics.md and the README, and tested end to end by
 * the selftests (the test block device can end a bio with any blk_status_t).
 */
#include "wdfio.h"

#include <linux/errno.h>
#include <linux/export.h>

/* Indexed by blk_status_t; zero entries mean "not a 6.1 status". */
static const NTSTATUS wdfio_blk_table[] = {
	[(__force u8)BLK_STS_OK]		= STATUS_SUCCESS,
	[(__force u8)BLK_STS_NOTSUPP]		= STATUS_NOT_SUPPORTED,
	[(__force u8)BLK_STS_TIMEOUT]		= STATUS_IO_TIMEOUT,
	[(__force u8)BLK_STS_NOSPC]		= STATUS_DISK_FULL,
	[(__force u8)BLK_STS_TRANSPORT]		= STATUS_DEVICE_NOT_CONNECTED,
	[(__force u8)BLK_STS_TARGET]		= STATUS_DEVICE_HARDWARE_ERROR,
	[(__force u8)BLK_STS_RESV_CONFLICT]	= STATUS_SHARING_VIOLATION,
	[(__force u8)BLK_STS_MEDIUM]		= STATUS_DEVICE_DATA_ERROR,
	[(__force u8)BLK_STS_PROTECTION]	= STATUS_CRC_ERROR,
	[(__force u8)BLK_STS_RESOURCE]		= STATUS_INSUFFICIENT_RESOURCES,
	[(__force u8)BLK_STS_IOERR]		= STATUS_IO_DEVICE_ERROR,
	[(__force u8)BLK_STS_DM_REQUEUE]	= STATUS_IO_DEVICE_ERROR,
	[(__force u8)BLK_STS_AGAIN]		= STATUS_DEVICE_BUSY,
	[(__force u8)BLK_STS_DEV_RESOURCE]	= STATUS_DEVICE_BUSY,
	[(__force u8)BLK_STS_ZONE_OPEN_RESOURCE] = STATUS_TOO_MANY_OPENED_FILES,
	[(__force u8)BLK_STS_ZONE_ACTIVE_RESOURCE] = STATUS_TOO_MANY_OPENED_FILES,
	[(__force u8)BLK_STS_OFFLINE]		= STATUS_DEVICE_OFF_LINE,
};

/**
 * wdfio_ntstatus_from_blk() - NTSTATUS for a bio's status
 * @sts: the bio's bi_status
 *
 * Context: Any context.
 * Return: the NTSTATUS from the table; STATUS_UNSUCCESSFUL for a value the
 * table does not know.
 */
NTSTATUS wdfio_ntstatus_from_blk(blk_status_t sts)
{
	u8 idx = (__force u8)sts;

	if (idx == 0)
		return STATUS_SUCCESS;
	if (idx < ARRAY_SIZE(wdfio_blk_table) && wdfio_blk_table[idx])
		return wdfio_blk_table[idx];
	return STATUS_UNSUCCESSFUL;
}

/**
 * wdfio_ntstatus_from_errno() - NTSTATUS for a negative errno
 * @err: 0 or a negative errno (from opening a device, allocating...)
 *
 * Context: Any context.
 * Return: the matching NTSTATUS; STATUS_UNSUCCESSFUL for others.
 */
NTSTATUS wdfio_ntstatus_from_errno(int err)
{
	switch (err) {
	case 0:
		return STATUS_SUCCESS;
	case -ENOENT:
		return STATUS_OBJECT_NAME_NOT_FOUND;
	case -ENOTDIR:
	case -ENAMETOOLONG:
	case -ELOOP:
		return STATUS_OBJECT_NAME_INVALID;
	case -ENOTBLK:
		return STATUS_OBJECT_TYPE_MISMATCH;
	case -EACCES:
	case -EPERM:
		return STATUS_ACCESS_DENIED;
	case -EROFS:
		return STATUS_MEDIA_WRITE_PROTECTED;
	case -EBUSY:
		return STATUS_SHARING_VIOLATION;
	case -ENXIO:
	case -ENODEV:
		return STATUS_NO_SUCH_DEVICE;
	case -ENOMEM:
		return STATUS_INSUFFICIENT_RESOURCES;
	case -EINVAL:
		return STATUS_INVALID_PARAMETER;
	case -EOPNOTSUPP:
		return STATUS_NOT_SUPPORTED;
	case -ETIMEDOUT:
		return STATUS_IO_TIMEOUT;
	case -EIO:
		return STATUS_IO_DEVICE_ERROR;
	default:
		return STATUS_UNSUCCESSFUL;
	}
}

/**
 * struct wdfio_urb_status - one row of the urb status table
 * @err: urb->status in a completion handler (0 or a negative errno)
 * @status: the request's NTSTATUS
 * @usbd: the request's USBD_STATUS
 */
struct wdfio_urb_status {
	int err;
	NTSTATUS status;
	USBD_STATUS usbd;
};

/*
 * urb->status → (NTSTATUS, USBD_STATUS); README "USB", docs/semantics.md.
 * Stalls keep STALL_PID (not INVALID_PIPE_HANDLE) so that a ported driver's
 * "reset the pipe on a stall" logic still works; a device that is gone is
 * STATUS_NO_SUCH_DEVICE, what Windows reports after a surprise removal.
 */
static const struct wdfio_urb_status wdfio_urb_table[] = {
	{ 0,		STATUS_SUCCESS,		USBD_STATUS_SUCCESS },
	{ -ENOENT,	STATUS_CANCELLED,	USBD_STATUS_CANCELED },
	{ -ECONNRESET,	STATUS_CANCELLED,	USBD_STATUS_CANCELED },
	{ -EPIPE,	STATUS_UNSUCCESSFUL,	USBD_STATUS_STALL_PID },
	{ -EPROTO,	STATUS_UNSUCCESSFUL,	USBD_STATUS_BTSTUFF },
	{ -EILSEQ,	STATUS_UNSUCCESSFUL,	USBD_STATUS_CRC },
	{ -ETIME,	STATUS_UNSUCCESSFUL,	USBD_STATUS_DEV_NOT_RESPONDING },
	{ -EOVERFLOW,	STATUS_UNSUCCESSFUL,	USBD_STATUS_BABBLE_DETECTED },
	{ -EREMOTEIO,	STATUS_UNSUCCESSFUL,	USBD_STATUS_ERROR_SHORT_TRANSFER },
	{ -ECOMM,	STATUS_UNSUCCESSFUL,	USBD_STATUS_BUFFER_OVERRUN },
	{ -ENOSR,	STATUS_UNSUCCESSFUL,	USBD_STATUS_BUFFER_UNDERRUN },
	{ -ENODEV,	STATUS_NO_SUCH_DEVICE,	USBD_STATUS_DEVICE_GONE },
	{ -ESHUTDOWN,	STATUS_NO_SUCH_DEVICE,	USBD_STATUS_DEVICE_GONE },
	{ -ETIMEDOUT,	STATUS_IO_TIMEOUT,	USBD_STATUS_TIMEOUT },
	{ -ENOMEM,	STATUS_INSUFFICIENT_RESOURCES, USBD_STATUS_INSUFFICIENT_RESOURCES },
	{ -ENOSPC,	STATUS_INSUFFICIENT_RESOURCES, USBD_STATUS_NO_BANDWIDTH },
	{ -EINVAL,	STATUS_INVALID_PARAMETER, USBD_STATUS_INVALID_PARAMETER },
	{ -EMSGSIZE,	STATUS_INVALID_PARAMETER, USBD_STATUS_INVALID_PARAMETER },
	{ -EXDEV,	STATUS_UNSUCCESSFUL,	USBD_STATUS_ISOCH_REQUEST_FAILED },
	{ -EHOSTUNREACH, STATUS_DEVICE_NOT_READY, USBD_STATUS_NOT_ACCESSED },
};

/**
 * wdfio_usb_status_from_urb() - NTSTATUS and USBD_STATUS of an urb status
 * @UrbStatus: urb->status as a completion handler sees it
 * @UsbdStatus: receives the USBD_STATUS
 *
 * The one translation table of the USB backend (README, "USB").
 *
 * Context: Any context.
 * Return: the NTSTATUS; STATUS_UNSUCCESSFUL with USBD_STATUS_INTERNAL_HC_ERROR
 * for a value the table does not know.
 */
NTSTATUS wdfio_usb_status_from_urb(int UrbStatus, PLONG UsbdStatus)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(wdfio_urb_table); i++) {
		if (wdfio_urb_table[i].err == UrbStatus) {
			*UsbdStatus = wdfio_urb_table[i].usbd;
			return wdfio_urb_table[i].status;
		}
	}
	*UsbdStatus = USBD_STATUS_INTERNAL_HC_ERROR;
	return STATUS_UNSUCCESSFUL;
}
EXPORT_SYMBOL_GPL(wdfio_usb_status_from_urb);

/**
 * wdfio_usb_status_from_submit() - status of an urb usb_submit_urb() refused
 * @err: usb_submit_urb()'s return value
 * @usbd: receives the USBD_STATUS
 *
 * A few errnos mean something else at submission than in a completion:
 * -ENOENT (endpoint disabled: the interface is going away) and -ENODEV are a
 * device that is gone, -EPERM an urb being killed (a cancel).
 *
 * Context: Any context.
 * Return: the NTSTATUS.
 */
NTSTATUS wdfio_usb_status_from_submit(int err, USBD_STATUS *usbd)
{
	switch (err) {
	case -ENOENT:
		err = -ENODEV;
		break;
	case -EPERM:
		err = -ENOENT;
		break;
	case -EBUSY:
	case -ENOEXEC:
	case -EBADR:
		err = -EINVAL;
		break;
	default:
		break;
	}
	return wdfio_usb_status_from_urb(err, usbd);
}
