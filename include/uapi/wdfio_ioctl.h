/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note OR MIT */
/*
 * User-space ABI of the character devices of WDF control devices (wdfio's
 * character front-end, kmod/chardev.c).
 *
 *   read(2), pread(2), readv(2)   → a WdfRequestTypeRead request
 *                                   (Length = bytes, DeviceOffset = file position)
 *   write(2), pwrite(2), writev(2) → a WdfRequestTypeWrite request
 *   ioctl(fd, WDFIO_IOC_DEVICE_CONTROL, &dc) → DeviceIoControl: a
 *                                   WdfRequestTypeDeviceControl request
 *
 * The call sleeps until the driver completes the request and returns its
 * IoStatus.Information (bytes; never more than the buffer), or -errno for a
 * failure status (README: "Character front-end"). A signal cancels the
 * request; the call then returns -EINTR if the request ended cancelled.
 */
#ifndef _UAPI_WDFIO_IOCTL_H
#define _UAPI_WDFIO_IOCTL_H

#include <linux/ioctl.h>
#include <linux/types.h>

/**
 * struct wdfio_device_control - one DeviceIoControl call
 * @code: the I/O control code (WDFIO_CTL_CODE); its transfer method decides
 *	how the buffers reach the driver, its access bits which file modes
 *	may send it (FILE_READ_ACCESS needs O_RDONLY/O_RDWR, ...)
 * @reserved: must be 0
 * @in: input buffer (user pointer), or 0
 * @in_len: its length
 * @out: output buffer (user pointer), or 0
 * @out_len: its length
 * @bytes_returned: out: IoStatus.Information, clamped to @out_len
 */
struct wdfio_device_control {
	__u32 code;
	__u32 reserved;
	__u64 in;
	__u64 in_len;
	__u64 out;
	__u64 out_len;
	__u64 bytes_returned;
};

#define WDFIO_IOC_DEVICE_CONTROL	_IOWR('W', 0x80, struct wdfio_device_control)

/* The most bytes one read, write or IOCTL buffer may have */
#define WDFIO_MAX_TRANSFER		(64u << 20)

/* CTL_CODE of <devioctl.h>, for user space */
#define WDFIO_CTL_CODE(type, function, method, access) \
	(((type) << 16) | ((access) << 14) | ((function) << 2) | (method))
#define WDFIO_METHOD_BUFFERED		0
#define WDFIO_METHOD_IN_DIRECT		1
#define WDFIO_METHOD_OUT_DIRECT		2
#define WDFIO_METHOD_NEITHER		3
#define WDFIO_FILE_ANY_ACCESS		0
#define WDFIO_FILE_READ_ACCESS		1
#define WDFIO_FILE_WRITE_ACCESS		2

#endif /* _UAPI_WDFIO_IOCTL_H */
