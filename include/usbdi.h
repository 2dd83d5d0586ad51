/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * <usbdi.h> for wdfio: what WDF USB drivers get from it lives in <usb.h>.
 */
#ifndef _WDFIO_USBDI_H
#define _WDFIO_USBDI_H

#include <usb.h>

#endif /* _WDFIO_USBDI_H */
