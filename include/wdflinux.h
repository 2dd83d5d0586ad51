/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * wdfio's Linux-only additions to the WDF API. Nothing here exists in Microsoft's WDF;
 * code that must also build on Windows keeps these calls behind its own #ifdef.
 */
#ifndef _WDFIO_WDFLINUX_H
#define _WDFIO_WDFLINUX_H

#include <ntddk.h>
#include <wdftypes.h>
#include <wdfiotarget.h>

struct block_device;
struct module;

/*
 * Linux: the TargetDeviceObject of a WdfIoTargetOpenUseExistingDevice open is a
 * struct block_device *. The caller has it open and keeps it open until WdfIoTargetClose()
 * (or the deletion of the target) returns; wdfio neither opens nor releases it.
 */
static inline void
WDF_IO_TARGET_OPEN_PARAMS_INIT_EXISTING_BLOCK_DEVICE(PWDF_IO_TARGET_OPEN_PARAMS Params,
						     struct block_device *Bdev)
{
	WDF_IO_TARGET_OPEN_PARAMS_INIT_EXISTING_DEVICE(Params, (PDEVICE_OBJECT)Bdev);
}

/*
 * Linux: a driver must not be unloaded while its completion routines can
 * still be called. WdfIoTargetCreate() records the calling module, and wdfio
 * holds a reference on it while the target has requests in flight (rmmod is
 * refused meanwhile). Calls through a function pointer reach the plain DDI,
 * without that protection.
 */
NTSTATUS wdfio_io_target_create_owned(WDFDEVICE Device,
				      PWDF_OBJECT_ATTRIBUTES IoTargetAttributes,
				      WDFIOTARGET *IoTarget, struct module *Owner);

#ifndef WDFIO_CORE	/* wdfio's own sources define the DDI itself */
#include <linux/export.h>
#define WdfIoTargetCreate(Device, IoTargetAttributes, IoTarget)		\
	wdfio_io_target_create_owned((Device), (IoTargetAttributes),	\
				     (IoTarget), THIS_MODULE)
#endif

#endif /* _WDFIO_WDFLINUX_H */
