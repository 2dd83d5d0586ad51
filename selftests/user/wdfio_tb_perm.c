// SPDX-License-Identifier: GPL-2.0
/*
 * Permission checks of the selftest control nodes: /dev/wdfio_test and
 * /dev/wdfio_tb_ctl (mode 0600, root only). An unprivileged child (uid/gid
 * 65534, no capabilities) must fail to open them with EACCES or EPERM; root
 * must succeed.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "wdfio_harness.h"

#define NOBODY	65534

static const char *const nodes[] = {
	"/dev/wdfio_test",
	"/dev/wdfio_tb_ctl",
};

/*
 * Child: drop to nobody and try to open @path. Exit 0 when the open is
 * refused with EACCES/EPERM, 1 when it succeeds, 2 on another errno, 3 when
 * the privileges could not be dropped.
 */
static int unprivileged_open(const char *path)
{
	gid_t gid = NOBODY;
	int fd;

	if (setgroups(1, &gid) || setgid(NOBODY) || setuid(NOBODY))
		return 3;
	if (getuid() != NOBODY || geteuid() != NOBODY)
		return 3;
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		close(fd);
		return 1;
	}
	if (errno == EACCES || errno == EPERM)
		return 0;
	fprintf(stderr, "# open %s as %d: %s\n", path, NOBODY, strerror(errno));
	return 2;
}

static void check_node(struct __test_metadata *_metadata, const char *path)
{
	struct stat st;
	int status;
	pid_t pid;
	int fd;

	ASSERT_EQ(0U, getuid()) TH_LOG("must run as root");
	ASSERT_EQ(0, stat(path, &st)) {
		TH_LOG("stat %s: %s", path, strerror(errno));
	}
	ASSERT_TRUE(S_ISCHR(st.st_mode)) TH_LOG("%s is not a char device", path);
	EXPECT_EQ(0600U, st.st_mode & 07777) {
		TH_LOG("%s has mode %o", path, st.st_mode & 07777);
	}

	fd = open(path, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd) TH_LOG("root open %s: %s", path, strerror(errno));
	close(fd);

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(unprivileged_open(path));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status)) {
		TH_LOG("unprivileged open of %s: %s", path,
		       WEXITSTATUS(status) == 1 ? "succeeded" :
		       WEXITSTATUS(status) == 3 ? "could not drop privileges" :
		       "unexpected errno");
	}
}

TEST(test_node_root_only)
{
	check_node(_metadata, nodes[0]);
}

TEST(tb_ctl_node_root_only)
{
	check_node(_metadata, nodes[1]);
}

int main(int argc, char **argv)
{
	return wdfio_harness_run(argc, argv);
}
