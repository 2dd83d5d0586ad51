// SPDX-License-Identifier: GPL-2.0
/*
 * The one boundary where Linux status values become NTSTATUS. Both tables are
 * documented in docs/semantics.md and the README, and tested end to end by
 * the selftests (the test block device can end a bio with any blk_status_t).
 */
#include "wdfio.h"

#include <linux/errno.h>

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
