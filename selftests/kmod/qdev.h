/* SPDX-License-Identifier: GPL-2.0 */
/* The queue test devices of the selftest driver (qdev.c). */
#ifndef _WDFIO_TEST_QDEV_H
#define _WDFIO_TEST_QDEV_H

int wt_qdev_init(void);
void wt_qdev_exit(void);

/* qfile.c */
NTSTATUS wt_qfile_init(WDFDRIVER Driver);

/* qcaller.c */
NTSTATUS wt_qcaller_init(WDFDRIVER Driver);

#endif /* _WDFIO_TEST_QDEV_H */
