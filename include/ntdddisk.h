/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Disk I/O control codes and structures (the ntdddisk.h subset wdfio implements for
 * block-device targets).
 */
#ifndef _WDFIO_NTDDDISK_H
#define _WDFIO_NTDDDISK_H

#include <ntddk.h>

#define IOCTL_DISK_BASE		FILE_DEVICE_DISK

/* Output: GET_LENGTH_INFORMATION, the device size in bytes */
#define IOCTL_DISK_GET_LENGTH_INFO \
	CTL_CODE(IOCTL_DISK_BASE, 0x0017, METHOD_BUFFERED, FILE_READ_ACCESS)

/* No buffers: write back the device's volatile cache */
#define IOCTL_DISK_FLUSH_CACHE \
	CTL_CODE(IOCTL_DISK_BASE, 0x0715, METHOD_BUFFERED, FILE_ANY_ACCESS)

static_assert(IOCTL_DISK_GET_LENGTH_INFO == 0x0007405C);
static_assert(IOCTL_DISK_FLUSH_CACHE == 0x00071C54);

typedef struct _GET_LENGTH_INFORMATION {
	LARGE_INTEGER Length;
} GET_LENGTH_INFORMATION, *PGET_LENGTH_INFORMATION;

static_assert(sizeof(GET_LENGTH_INFORMATION) == 8);

#endif /* _WDFIO_NTDDDISK_H */
