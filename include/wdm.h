/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * <wdm.h> for wdfio: the WDM subset wdfio provides lives in <ntddk.h>.
 */
#ifndef _WDFIO_WDM_H
#define _WDFIO_WDM_H

#include <ntddk.h>

#endif /* _WDFIO_WDM_H */
