/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wdfio selftest driver: one function per case of WDFIO_TEST_CASES().
 *
 * The declarations come from the shared X-macro, and main.c references
 * every one of them in its case table, so a listed case without a
 * definition fails the module build (modpost: undefined symbol).
 */
#ifndef _WDFIO_TEST_CASES_H
#define _WDFIO_TEST_CASES_H

#include "wdfio_test.h"

struct wt;

/* int wt_a(struct wt *t), wt_b(struct wt *t), ..., wt_cases_end(...); */
#define WT_DECLARE_CASE(name, timeout_s, desc) wt_##name(struct wt *t),
int WDFIO_TEST_CASES(WT_DECLARE_CASE) wt_cases_end(struct wt *t);
#undef WT_DECLARE_CASE

#endif /* _WDFIO_TEST_CASES_H */
