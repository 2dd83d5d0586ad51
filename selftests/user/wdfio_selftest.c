// SPDX-License-Identifier: GPL-2.0
/*
 * wdfio selftest runner: one kselftest TEST per case of WDFIO_TEST_CASES(),
 * each running the case inside wdfio_test.ko through /dev/wdfio_test and
 * printing the driver's diagnostics when it fails.
 *
 * The cases are generated from the same X-macro the driver builds its table
 * from, so a case cannot exist on one side only.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "wdfio_harness.h"

#include "wdfio_test.h"

FIXTURE(wdfio) {
	int fd;
};

FIXTURE_SETUP(wdfio)
{
	self->fd = open(WDFIO_TEST_DEVICE, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd) {
		TH_LOG("open %s: %s (is wdfio_test.ko loaded?)",
		       WDFIO_TEST_DEVICE, strerror(errno));
	}
}

FIXTURE_TEARDOWN(wdfio)
{
	if (self->fd >= 0)
		close(self->fd);
}

/* The driver's message, every line a TAP diagnostic ("# ...") */
static void print_msg(char *msg)
{
	char *line;

	while ((line = strsep(&msg, "\n")))
		if (*line)
			fprintf(stderr, "#   %s\n", line);
}

static void run_case(struct __test_metadata *_metadata, int fd,
		     const char *name)
{
	struct wdfio_test_run run;
	int ret;

	memset(&run, 0, sizeof(run));
	snprintf(run.name, sizeof(run.name), "%s", name);
	ret = ioctl(fd, WDFIO_TEST_IOC_RUN, &run);
	ASSERT_EQ(0, ret) {
		TH_LOG("WDFIO_TEST_IOC_RUN(%s): %s", name, strerror(errno));
	}
	run.msg[sizeof(run.msg) - 1] = '\0';
	if (run.result == WDFIO_TEST_SKIP)
		SKIP(return, "%s", run.msg);
	EXPECT_EQ((__u32)WDFIO_TEST_PASS, run.result) {
		TH_LOG("%s failed after %u ms, %u checks:", name,
		       run.duration_ms, run.checks);
		print_msg(run.msg);
	}
	if (run.result == WDFIO_TEST_PASS)
		printf("# %s: %u checks in %u ms\n", name, run.checks,
		       run.duration_ms);
}

#define WDFIO_USER_CASE(name, timeout_s, desc)				\
	TEST_F_TIMEOUT(wdfio, name, timeout_s)				\
	{								\
		run_case(_metadata, self->fd, #name);			\
	}

WDFIO_TEST_CASES(WDFIO_USER_CASE)

int main(int argc, char **argv)
{
	return wdfio_harness_run(argc, argv);
}
