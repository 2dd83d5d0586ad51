// SPDX-License-Identifier: GPL-2.0
/*
 * samples/linear (wdfio_linear.ko), from user space: load it over
 * /dev/nullb0, move data both ways through /dev/wdflinear0 with O_DIRECT
 * and check it on the lower device, then unload it (refused while the disk
 * is open); and power off a null_blk device under a loaded filter: every
 * write ends (EIO once the device is gone) and the filter unloads.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wdfio_harness.h"

#define LINEAR	"/dev/wdflinear0"
#define LOWER	"/dev/nullb0"
#define LEN	(1024 * 1024)

static int run(const char *cmd)
{
	int st = system(cmd);

	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int wait_node(const char *path, int present)
{
	struct stat st;
	int i;

	for (i = 0; i < 1000; i++) {
		if ((stat(path, &st) == 0) == present)
			return 0;
		usleep(10000);
	}
	return -1;
}

static void fill(unsigned char *b, size_t n, unsigned int seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		b[i] = (unsigned char)(seed + i * 13 + (i >> 9));
}

static unsigned long long size_of(int fd)
{
	unsigned long long size = 0;

	return ioctl(fd, BLKGETSIZE64, &size) ? 0 : size;
}

TEST(linear_sample)
{
	unsigned char *w, *r;
	int up, low;

	ASSERT_EQ(0, run("modprobe wdfio_linear lower=" LOWER));
	ASSERT_EQ(0, wait_node(LINEAR, 1));
	ASSERT_EQ(0, posix_memalign((void **)&w, 4096, LEN));
	ASSERT_EQ(0, posix_memalign((void **)&r, 4096, LEN));
	up = open(LINEAR, O_RDWR | O_DIRECT | O_CLOEXEC);
	ASSERT_LE(0, up) TH_LOG("open %s: %s", LINEAR, strerror(errno));
	low = open(LOWER, O_RDWR | O_DIRECT | O_CLOEXEC);
	ASSERT_LE(0, low);
	EXPECT_NE(0U, size_of(up));
	EXPECT_EQ(size_of(low), size_of(up));

	/* through the filter, checked below it */
	fill(w, LEN, 1);
	EXPECT_EQ((ssize_t)LEN, pwrite(up, w, LEN, 5 << 20));
	memset(r, 0, LEN);
	EXPECT_EQ((ssize_t)LEN, pread(low, r, LEN, 5 << 20));
	EXPECT_EQ(0, memcmp(w, r, LEN));
	/* and the other way */
	fill(w, LEN, 2);
	EXPECT_EQ((ssize_t)LEN, pwrite(low, w, LEN, 9 << 20));
	memset(r, 0, LEN);
	EXPECT_EQ((ssize_t)LEN, pread(up, r, LEN, 9 << 20));
	EXPECT_EQ(0, memcmp(w, r, LEN));
	/* small and unaligned-to-page, block-aligned I/O */
	EXPECT_EQ(512, pwrite(up, w, 512, 512 * 7));
	EXPECT_EQ(512, pread(low, r, 512, 512 * 7));
	EXPECT_EQ(0, memcmp(w, r, 512));
	EXPECT_EQ(0, fdatasync(up));

	/* the driver cannot go while its disk is open */
	EXPECT_NE(0, run("rmmod wdfio_linear 2>/dev/null"));
	close(up);
	close(low);
	EXPECT_EQ(0, run("rmmod wdfio_linear"));
	EXPECT_EQ(0, wait_node(LINEAR, 0));
	free(w);
	free(r);
}

/* ---- the lower device goes away under load ---------------------------- */

#define NB	"/sys/kernel/config/nullb/nullb7"

struct writer {
	int fd;
	int stop;		/* __atomic */
	long ok;		/* __atomic */
	long failed;		/* __atomic */
	int last_errno;
};

static void *writer_fn(void *arg)
{
	struct writer *w = arg;
	unsigned char *buf;
	long i;

	if (posix_memalign((void **)&buf, 4096, 65536))
		return NULL;
	memset(buf, 0x5a, 65536);
	for (i = 0; !__atomic_load_n(&w->stop, __ATOMIC_ACQUIRE); i++) {
		if (pwrite(w->fd, buf, 65536, (i % 256) * 65536) == 65536) {
			__atomic_fetch_add(&w->ok, 1, __ATOMIC_RELAXED);
		} else {
			w->last_errno = errno;
			if (__atomic_add_fetch(&w->failed, 1, __ATOMIC_RELAXED) > 100)
				break;
		}
	}
	free(buf);
	return NULL;
}

static int put(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, val, strlen(val));
	close(fd);
	return n == (ssize_t)strlen(val) ? 0 : -1;
}

TEST(linear_lower_removed_under_load)
{
	struct writer w = { 0 };
	pthread_t th;
	int i;

	rmdir(NB);
	ASSERT_EQ(0, mkdir(NB, 0755));
	ASSERT_EQ(0, put(NB "/size", "64"));
	ASSERT_EQ(0, put(NB "/memory_backed", "1"));
	ASSERT_EQ(0, put(NB "/irqmode", "1"));
	ASSERT_EQ(0, put(NB "/power", "1"));
	ASSERT_EQ(0, wait_node("/dev/nullb7", 1));
	ASSERT_EQ(0, run("modprobe wdfio_linear lower=/dev/nullb7"));
	ASSERT_EQ(0, wait_node(LINEAR, 1));
	w.fd = open(LINEAR, O_RDWR | O_DIRECT | O_CLOEXEC);
	ASSERT_LE(0, w.fd);
	ASSERT_EQ(0, pthread_create(&th, NULL, writer_fn, &w));
	/* let some I/O flow (no timing is asserted) */
	for (i = 0; i < 3000 && __atomic_load_n(&w.ok, __ATOMIC_RELAXED) < 50; i++)
		usleep(10000);
	EXPECT_LE(50, w.ok);
	/* the lower device disappears with writes in flight */
	EXPECT_EQ(0, put(NB "/power", "0"));
	for (i = 0; i < 3000 && !__atomic_load_n(&w.failed, __ATOMIC_RELAXED); i++)
		usleep(10000);
	__atomic_store_n(&w.stop, 1, __ATOMIC_RELEASE);
	pthread_join(th, NULL);		/* every write ended */
	EXPECT_LE(1, w.failed);
	EXPECT_EQ(EIO, w.last_errno);
	close(w.fd);
	/* and the filter goes away */
	EXPECT_EQ(0, run("rmmod wdfio_linear"));
	EXPECT_EQ(0, wait_node(LINEAR, 0));
	EXPECT_EQ(0, rmdir(NB));
}

int main(int argc, char **argv)
{
	return wdfio_harness_run(argc, argv);
}
