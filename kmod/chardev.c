// SPDX-License-Identifier: GPL-2.0
/*
 * The character front-end: a named control device as /dev/<name>.
 *
 * read/write become WdfRequestTypeRead/Write requests, the
 * WDFIO_IOC_DEVICE_CONTROL ioctl (include/uapi/wdfio_ioctl.h) becomes
 * DeviceIoControl. The caller sleeps until the driver completes the request;
 * a signal cancels it (EvtIoCanceledOnQueue / EvtRequestCancel) and the
 * caller still waits for the completion, because the buffers are in use
 * until then; a fatal signal ends the wait, and the buffers go with the
 * request (wdfio_cdev_call()).
 *
 * Buffers follow the Windows transfer methods. Buffered: a zeroed kernel
 * buffer; input copied in before the request is created, output (only the
 * completed Information bytes, at most the buffer) copied out after. Direct
 * (IN_DIRECT/OUT_DIRECT IOCTL output buffers; reads and writes of a
 * WdfDeviceIoDirect device): the caller's pages are pinned and mapped into
 * the kernel (read-only when the driver should only read them), so the
 * driver works on them without a copy. METHOD_NEITHER: no system buffer; the
 * driver sees the user pointer in Type3InputBuffer, never dereferenced by
 * wdfio. User pointers are only touched with copy_*_user and
 * pin_user_pages; every length is checked against WDFIO_MAX_TRANSFER.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "queue.h"

#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/uio.h>
#include <linux/vmalloc.h>

#include <uapi/wdfio_ioctl.h>

struct wdfio_chardev {
	struct miscdevice misc;
	struct wdfio_device *dev;
};

/*
 * What the caller sleeps on. Two references: the caller's and the
 * completion's. A caller killed while the driver still has the request
 * leaves (wdfio_cdev_call()) and hands its buffers over: the last
 * reference frees them, from a work item (vunmap and unpinning sleep).
 */
struct wdfio_cdev_wait {
	struct completion done;
	refcount_t ref;
	NTSTATUS status;
	ULONG_PTR info;
	void *kbuf;			/* kvmalloc'ed, handed over */
	struct wdfio_pin pin;		/* handed over */
	struct work_struct free_work;
};

static void wdfio_cdev_wait_free_fn(struct work_struct *work)
{
	struct wdfio_cdev_wait *w = container_of(work, struct wdfio_cdev_wait,
						 free_work);

	wdfio_unpin_user(&w->pin);
	kvfree(w->kbuf);
	kfree(w);
}

static void wdfio_cdev_wait_put(struct wdfio_cdev_wait *w)
{
	if (!refcount_dec_and_test(&w->ref))
		return;
	if (w->kbuf || w->pin.pages)
		wdfio_queue_work(&w->free_work);
	else
		kfree(w);
}

static void wdfio_cdev_complete(void *ctx, NTSTATUS status, ULONG_PTR info)
{
	struct wdfio_cdev_wait *w = ctx;

	w->status = status;
	w->info = info;
	complete(&w->done);
	wdfio_cdev_wait_put(w);
}

static const struct wdfio_fe_ops wdfio_cdev_fe = {
	.complete = wdfio_cdev_complete,
};

/*
 * The create request of an open: its waiter is on the opener's stack and
 * waits to the end (no buffers to hand over), so it is not counted.
 */
static void wdfio_cdev_open_complete(void *ctx, NTSTATUS status,
				     ULONG_PTR info)
{
	struct wdfio_cdev_wait *w = ctx;

	w->status = status;
	w->info = info;
	complete(&w->done);
}

static const struct wdfio_fe_ops wdfio_cdev_open_fe = {
	.complete = wdfio_cdev_open_complete,
};

/* The errno a failed request returns to the caller. */
static int wdfio_errno_from_ntstatus(NTSTATUS status)
{
	switch (status) {
	case STATUS_CANCELLED:
	case STATUS_REQUEST_CANCELED:
		return -ECANCELED;
	case STATUS_INVALID_PARAMETER:
	case STATUS_INVALID_PARAMETER_1:
	case STATUS_INVALID_PARAMETER_2:
	case STATUS_INVALID_PARAMETER_3:
	case STATUS_INVALID_BUFFER_SIZE:
		return -EINVAL;
	case STATUS_INVALID_DEVICE_REQUEST:
	case STATUS_NOT_IMPLEMENTED:
	case STATUS_ILLEGAL_FUNCTION:
		return -ENOTTY;
	case STATUS_NOT_SUPPORTED:
		return -EOPNOTSUPP;
	case STATUS_BUFFER_TOO_SMALL:
		return -ERANGE;
	case STATUS_BUFFER_OVERFLOW:
		return -EOVERFLOW;
	case STATUS_INSUFFICIENT_RESOURCES:
	case STATUS_NO_MEMORY:
		return -ENOMEM;
	case STATUS_ACCESS_DENIED:
		return -EACCES;
	case STATUS_INVALID_USER_BUFFER:
	case STATUS_ACCESS_VIOLATION:
		return -EFAULT;
	case STATUS_DEVICE_BUSY:
	case STATUS_WDF_BUSY:
	case STATUS_WDF_PAUSED:
		return -EBUSY;
	case STATUS_DEVICE_NOT_READY:
		return -EAGAIN;
	case STATUS_IO_TIMEOUT:
		return -ETIMEDOUT;
	case STATUS_NO_SUCH_DEVICE:
	case STATUS_DEVICE_REMOVED:
	case STATUS_DELETE_PENDING:
	case STATUS_DEVICE_DOES_NOT_EXIST:
		return -ENODEV;
	case STATUS_END_OF_FILE:
		return 0;
	case STATUS_DISK_FULL:
		return -ENOSPC;
	case STATUS_MEDIA_WRITE_PROTECTED:
		return -EROFS;
	default:
		return -EIO;
	}
}

/*
 * Send @d and sleep until it completes. A signal cancels the request; the
 * wait goes on, as the buffers are in use until the driver completes it,
 * but only until a fatal signal: a killed caller must not hang on a driver
 * that never completes (KMDF's cancel is only a request). It leaves with
 * STATUS_CANCELLED and hands its buffers (@kbuf, @pin: cleared here) to the
 * request, which frees them when it completes; nobody is left to see what
 * the driver writes into them.
 */
static NTSTATUS wdfio_cdev_call(struct wdfio_device *dev,
				struct wdfio_io_desc *d, void **kbuf,
				struct wdfio_pin *pin, ULONG_PTR *info,
				bool *interrupted)
{
	struct wdfio_cdev_wait *w;
	struct wdfio_request *req;
	NTSTATUS status;

	might_sleep();
	*info = 0;
	*interrupted = false;
	w = kzalloc(sizeof(*w), GFP_KERNEL);
	if (!w)
		return STATUS_INSUFFICIENT_RESOURCES;
	init_completion(&w->done);
	refcount_set(&w->ref, 2);
	INIT_WORK(&w->free_work, wdfio_cdev_wait_free_fn);
	d->fe = &wdfio_cdev_fe;
	d->fe_ctx = w;
	status = wdfio_device_submit(dev, d, &req);
	if (status != STATUS_PENDING) {
		kfree(w);
		return status;
	}
	if (wait_for_completion_interruptible(&w->done)) {
		*interrupted = true;
		wdfio_qreq_cancel(req);
		if (wait_for_completion_killable(&w->done)) {
			/* Killed: the request keeps the buffers. */
			w->kbuf = *kbuf;
			*kbuf = NULL;
			w->pin = *pin;
			memset(pin, 0, sizeof(*pin));
			wdfio_object_put(&req->obj);
			wdfio_cdev_wait_put(w);
			return STATUS_CANCELLED;
		}
	}
	wdfio_object_put(&req->obj);
	*info = w->info;
	status = w->status;
	wdfio_cdev_wait_put(w);
	return status;
}

/* -errno for a failed call; a cancel a signal caused is -EINTR. */
static int wdfio_cdev_errno(NTSTATUS status, bool interrupted)
{
	if (interrupted && status == STATUS_CANCELLED)
		return -EINTR;
	return wdfio_errno_from_ntstatus(status);
}

/* An open file's private_data is its file object (fileobject.c). */
static struct wdfio_fileobj *wdfio_cdev_file(struct file *file)
{
	return file->private_data;
}

static struct wdfio_device *wdfio_cdev_dev(struct file *file)
{
	return wdfio_cdev_file(file)->dev;
}

/* The user address of a single-segment user iterator, else 0. */
static unsigned long wdfio_iter_uaddr(const struct iov_iter *it)
{
	if (iter_is_ubuf(it))
		return (unsigned long)it->ubuf + it->iov_offset;
	if (iter_is_iovec(it) && it->nr_segs == 1)
		return (unsigned long)wdfio_iter_iov(it)->iov_base +
		       it->iov_offset;
	return 0;
}

static bool wdfio_cdev_direct(struct wdfio_device *dev)
{
	return dev->io_type == WdfDeviceIoDirect ||
	       dev->io_type == WdfDeviceIoBufferedOrDirect;
}

static ssize_t wdfio_cdev_rw(struct kiocb *iocb, struct iov_iter *it,
			     bool write)
{
	struct wdfio_device *dev = wdfio_cdev_dev(iocb->ki_filp);
	size_t len = iov_iter_count(it);
	unsigned long uaddr = wdfio_iter_uaddr(it);
	struct wdfio_io_desc d = {};
	struct wdfio_pin pin = {};
	void *buf = NULL, *kbuf = NULL;
	bool interrupted;
	NTSTATUS status;
	ULONG_PTR info;
	ssize_t ret;
	size_t n;

	if (len > WDFIO_MAX_TRANSFER)
		return -EINVAL;
	if (iocb->ki_pos < 0)
		return -EINVAL;
	if (len && uaddr && wdfio_cdev_direct(dev)) {
		/* A read writes the caller's pages: pin them writable. */
		ret = wdfio_pin_user(&pin, uaddr, len, !write, &buf);
		if (ret)
			return ret;
		if (write)
			flush_kernel_vmap_range(pin.vaddr, pin.nr * PAGE_SIZE);
	} else if (len) {
		kbuf = kvzalloc(len, GFP_KERNEL);
		if (!kbuf)
			return -ENOMEM;
		buf = kbuf;
		if (write && !copy_from_iter_full(kbuf, len, it)) {
			ret = -EFAULT;
			goto out;
		}
	}

	d.type = write ? WdfRequestTypeWrite : WdfRequestTypeRead;
	d.file = wdfio_cdev_file(iocb->ki_filp);
	d.offset = iocb->ki_pos;
	d.length = len;
	if (write) {
		d.in_buf = buf;
		d.in_len = len;
	} else {
		d.out_buf = buf;
		d.out_len = len;
	}
	status = wdfio_cdev_call(dev, &d, &kbuf, &pin, &info, &interrupted);
	if (!NT_SUCCESS(status)) {
		ret = wdfio_cdev_errno(status, interrupted);
		goto out;
	}
	n = min_t(size_t, info, len);
	if (!write) {
		if (kbuf) {
			if (copy_to_iter(kbuf, n, it) != n) {
				ret = -EFAULT;
				goto out;
			}
		} else {
			iov_iter_advance(it, n);
		}
	} else if (!kbuf) {
		iov_iter_advance(it, n);
	}
	iocb->ki_pos += n;
	ret = n;
out:
	wdfio_unpin_user(&pin);
	kvfree(kbuf);
	return ret;
}

static ssize_t wdfio_cdev_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	return wdfio_cdev_rw(iocb, to, false);
}

static ssize_t wdfio_cdev_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	return wdfio_cdev_rw(iocb, from, true);
}

static long wdfio_cdev_ioctl(struct file *file, unsigned int cmd,
			     unsigned long arg)
{
	struct wdfio_device_control __user *uio = (void __user *)arg;
	struct wdfio_device *dev = wdfio_cdev_dev(file);
	struct wdfio_device_control io;
	struct wdfio_io_desc d = {};
	struct wdfio_pin pin = {};
	void *sysbuf = NULL;
	bool interrupted;
	ULONG method, access;
	NTSTATUS status;
	ULONG_PTR info;
	long ret;
	size_t n;

	if (cmd != WDFIO_IOC_DEVICE_CONTROL)
		return -ENOTTY;
	if (copy_from_user(&io, uio, sizeof(io)))
		return -EFAULT;
	if (io.reserved || io.in_len > WDFIO_MAX_TRANSFER ||
	    io.out_len > WDFIO_MAX_TRANSFER)
		return -EINVAL;
	/* The CTL_CODE's access bits against the file's open mode. */
	access = (io.code >> 14) & 3;
	if (((access & FILE_READ_ACCESS) && !(file->f_mode & FMODE_READ)) ||
	    ((access & FILE_WRITE_ACCESS) && !(file->f_mode & FMODE_WRITE)))
		return -EACCES;

	method = METHOD_FROM_CTL_CODE(io.code);
	d.type = WdfRequestTypeDeviceControl;
	d.file = wdfio_cdev_file(file);
	d.code = io.code;
	d.in_len = io.in_len;
	d.out_len = io.out_len;
	if (method == METHOD_NEITHER) {
		/* The driver sees the user pointer only; wdfio never uses it. */
		d.neither = true;
		d.type3_in = (void *)(uintptr_t)io.in;
		d.user_out = (void *)(uintptr_t)io.out;
	} else {
		size_t sys = method == METHOD_BUFFERED ?
			     max(io.in_len, io.out_len) : io.in_len;

		if (sys) {
			sysbuf = kvzalloc(sys, GFP_KERNEL);
			if (!sysbuf)
				return -ENOMEM;
		}
		if (io.in_len &&
		    copy_from_user(sysbuf, u64_to_user_ptr(io.in), io.in_len)) {
			ret = -EFAULT;
			goto out;
		}
		d.in_buf = io.in_len ? sysbuf : NULL;
		if (method == METHOD_BUFFERED) {
			d.out_buf = io.out_len ? sysbuf : NULL;
		} else if (io.out_len) {
			/* IN_DIRECT: the driver reads it; OUT_DIRECT: writes. */
			ret = wdfio_pin_user(&pin, io.out, io.out_len,
					     method == METHOD_OUT_DIRECT,
					     &d.out_buf);
			if (ret)
				goto out;
			flush_kernel_vmap_range(pin.vaddr, pin.nr * PAGE_SIZE);
		}
	}

	status = wdfio_cdev_call(dev, &d, &sysbuf, &pin, &info, &interrupted);
	if (NT_ERROR(status)) {
		ret = wdfio_cdev_errno(status, interrupted);
		goto out;
	}
	n = method == METHOD_NEITHER ? 0 : min_t(size_t, info, io.out_len);
	if (method == METHOD_BUFFERED && n &&
	    copy_to_user(u64_to_user_ptr(io.out), sysbuf, n)) {
		ret = -EFAULT;
		goto out;
	}
	if (put_user((u64)n, &uio->bytes_returned)) {
		ret = -EFAULT;
		goto out;
	}
	/* A warning (STATUS_BUFFER_OVERFLOW): data returned, call fails. */
	ret = NT_SUCCESS(status) ? (long)n : wdfio_cdev_errno(status, false);
out:
	wdfio_unpin_user(&pin);
	kvfree(sysbuf);
	return ret;
}

/*
 * The file object of a new open file, and the driver's EvtDeviceFileCreate:
 * sleep until it completes the create request (a signal cancels it, as a
 * read's); a failure status fails open() with the mapped errno.
 */
static int wdfio_cdev_open_file(struct wdfio_device *dev, struct file *file)
{
	struct wdfio_fileobj *fo;
	struct wdfio_request *req;
	struct wdfio_cdev_wait w;
	bool interrupted = false;
	NTSTATUS status;
	int err;

	might_sleep();
	init_completion(&w.done);
	status = wdfio_fileobj_open(dev, file->f_flags, &wdfio_cdev_open_fe,
				    &w, &fo, &req);
	if (status == STATUS_PENDING) {
		if (wait_for_completion_interruptible(&w.done)) {
			interrupted = true;
			wdfio_qreq_cancel(req);
			wait_for_completion(&w.done);
		}
		wdfio_object_put(&req->obj);
		status = w.status;
	}
	if (!NT_SUCCESS(status)) {
		if (fo)
			wdfio_fileobj_abort(fo);
		err = wdfio_cdev_errno(status, interrupted);
		return err ? err : -EIO;
	}
	file->private_data = fo;
	return 0;
}

static int wdfio_cdev_open(struct inode *inode, struct file *file)
{
	/* misc_open() holds misc_mtx: unregister cannot run meanwhile. */
	struct wdfio_chardev *cdev = container_of(file->private_data,
						  struct wdfio_chardev, misc);
	struct wdfio_device *dev = cdev->dev;
	unsigned long flags;
	int err = 0;

	if (!try_module_get(dev->driver->owner))
		return -ENODEV;
	spin_lock_irqsave(&dev->lock, flags);
	if (dev->removing)
		err = -ENODEV;
	else if (dev->exclusive && dev->open_count)
		err = -EBUSY;
	else
		dev->open_count++;
	spin_unlock_irqrestore(&dev->lock, flags);
	if (err) {
		module_put(dev->driver->owner);
		return err;
	}
	wdfio_object_get(&dev->obj);
	err = wdfio_cdev_open_file(dev, file);
	if (err) {
		spin_lock_irqsave(&dev->lock, flags);
		dev->open_count--;
		spin_unlock_irqrestore(&dev->lock, flags);
		wdfio_object_put(&dev->obj);
		module_put(dev->driver->owner);
	}
	return err;
}

static int wdfio_cdev_release(struct inode *inode, struct file *file)
{
	struct wdfio_device *dev = wdfio_cdev_dev(file);
	struct module *owner = dev->driver->owner;
	unsigned long flags;

	wdfio_fileobj_close(wdfio_cdev_file(file));
	spin_lock_irqsave(&dev->lock, flags);
	dev->open_count--;
	spin_unlock_irqrestore(&dev->lock, flags);
	wdfio_object_put(&dev->obj);
	module_put(owner);
	return 0;
}

static const struct file_operations wdfio_cdev_fops = {
	.owner = THIS_MODULE,
	.open = wdfio_cdev_open,
	.release = wdfio_cdev_release,
	.read_iter = wdfio_cdev_read_iter,
	.write_iter = wdfio_cdev_write_iter,
	.unlocked_ioctl = wdfio_cdev_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = no_seek_end_llseek,
};

/**
 * wdfio_chardev_register() - create /dev/<name> for a device
 * @dev: a named device
 *
 * Context: Process context.
 * Return: 0 or -errno from misc_register().
 */
int wdfio_chardev_register(struct wdfio_device *dev)
{
	struct wdfio_chardev *cdev;
	int err;

	might_sleep();
	cdev = kzalloc(sizeof(*cdev), GFP_KERNEL);
	if (!cdev)
		return -ENOMEM;
	cdev->dev = dev;
	cdev->misc.minor = MISC_DYNAMIC_MINOR;
	cdev->misc.name = dev->name;
	cdev->misc.fops = &wdfio_cdev_fops;
	cdev->misc.mode = dev->mode;
	err = misc_register(&cdev->misc);
	if (err) {
		kfree(cdev);
		return err;
	}
	dev->cdev = cdev;
	return 0;
}

/**
 * wdfio_chardev_unregister() - remove a device's node
 * @dev: the device (being deleted)
 *
 * Files already open stay valid: their calls fail with -ENODEV.
 *
 * Context: Process context.
 */
void wdfio_chardev_unregister(struct wdfio_device *dev)
{
	struct wdfio_chardev *cdev = dev->cdev;

	might_sleep();
	if (!cdev)
		return;
	misc_deregister(&cdev->misc);
	dev->cdev = NULL;
	kfree(cdev);
}
