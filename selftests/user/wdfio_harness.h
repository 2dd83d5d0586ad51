/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kselftest_harness.h (Linux 6.1) plus what the wdfio guest needs:
 * wdfio_harness_run() runs only the tests whose name matches one of the
 * comma-separated shell globs in $WDFIO_TESTS (scripts/guest/init sets it
 * from vm-run.sh --tests), or all of them when it is unset or empty. A glob
 * may name the test ("rw_sync_nullb0") or fixture.test ("wdfio.rw_*").
 *
 * 6.1's harness has no selection of its own, so this unlinks the other tests
 * from the harness's lists before test_harness_run() counts the plan.
 */
#ifndef WDFIO_HARNESS_H
#define WDFIO_HARNESS_H

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"

static int wdfio_test_selected(const char *filter, const char *fixture,
			       const char *test)
{
	char full[256], pat[256];
	const char *p = filter;

	snprintf(full, sizeof(full), "%s.%s", fixture, test);
	while (*p) {
		size_t n = strcspn(p, ",");

		if (n && n < sizeof(pat)) {
			memcpy(pat, p, n);
			pat[n] = '\0';
			if (!fnmatch(pat, test, 0) || !fnmatch(pat, full, 0))
				return 1;
		}
		p += n;
		if (*p == ',')
			p++;
	}
	return 0;
}

static void wdfio_filter_tests(void)
{
	const char *filter = getenv("WDFIO_TESTS");
	struct __fixture_metadata *f;

	if (!filter || !*filter)
		return;
	for (f = __fixture_list; f; f = f->next) {
		struct __test_metadata *t, *next, *head = NULL, *tail = NULL;

		for (t = f->tests; t; t = next) {
			next = t->next;
			if (!wdfio_test_selected(filter, f->name, t->name))
				continue;
			/* the harness's list: prev of the head is the tail */
			t->next = NULL;
			if (!head) {
				head = t;
			} else {
				tail->next = t;
				t->prev = tail;
			}
			head->prev = t;
			tail = t;
		}
		f->tests = head;
	}
}

/* Called from main(): select, then run the harness */
static int wdfio_harness_run(int argc, char **argv)
{
	wdfio_filter_tests();
	return test_harness_run(argc, argv);
}

#endif /* WDFIO_HARNESS_H */
