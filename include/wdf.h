/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * <wdf.h> for wdfio: the KMDF 1.33 I/O-target API (objects, memory, requests, I/O
 * targets) and its receiving side (drivers, devices, queues), as a Linux kernel module
 * provides it.
 *
 * As on Windows, include <ntddk.h> (or <wdm.h>) and then <wdf.h>. Unlike Windows, the
 * DDIs are real exported functions: there is no WdfFunctions table and no hidden
 * WdfDriverGlobals parameter.
 */
#ifndef _WDFIO_WDF_H
#define _WDFIO_WDF_H

#include <ntddk.h>

#include <wdftypes.h>
#include <wdfstatus.h>
#include <wdfobject.h>
#include <wdfcore.h>
#include <wdfmemory.h>
#include <wdfrequest.h>
#include <wdfiotarget.h>
#include <wdfdriver.h>
#include <wdfdevice.h>
#include <wdfio.h>

#include <wdflinux.h>

#endif /* _WDFIO_WDF_H */
