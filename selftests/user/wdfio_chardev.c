// SPDX-License-Identifier: GPL-2.0
/*
 * wdfio's character front-end and queues, from user space: the queue test
 * devices of wdfio_test.ko (selftests/uapi/wdfio_qtest.h). read, write and
 * DeviceIoControl with every transfer method and buffer size, bad pointers,
 * signals, sequential/parallel/manual dispatch, stop/start/purge, permissions
 * and concurrent callers; and samples/usbdemo through its node. Waits are
 * polls of the driver's counters, bounded at 30 s, never timings.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "wdfio_harness.h"

#include "wdfio_ioctl.h"
#include "wdfio_qcaller.h"
#include "wdfio_qfile.h"
#include "wdfio_qtest.h"

#define NOBODY		65534
#define SENTINEL	0xC3

/*
 * Bad pointers and sizes the compiler cannot see through (the empty asm):
 * its buffer-size checks would otherwise flag the calls that use them
 */
static void *bad_addr(uintptr_t v)
{
	__asm__ ("" : "+r" (v));
	return (void *)v;
}

#define bad_user	bad_addr(8)
#define bad_kernel	bad_addr(0xffff888000000000ull)
#define too_big		((size_t)(uintptr_t)bad_addr(WDFIO_MAX_TRANSFER + 1ull))

static int dc(int fd, __u32 code, const void *in, size_t in_len, void *out,
	      size_t out_len, __u64 *bytes)
{
	struct wdfio_device_control io = {
		.code = code,
		.in = (uintptr_t)in,
		.in_len = in_len,
		.out = (uintptr_t)out,
		.out_len = out_len,
		.bytes_returned = ~0ull,
	};
	int ret = ioctl(fd, WDFIO_IOC_DEVICE_CONTROL, &io);

	if (bytes)
		*bytes = io.bytes_returned;
	return ret < 0 ? -errno : ret;
}

static int qt_open(const char *path)
{
	return open(path, O_RDWR | O_CLOEXEC);
}

static struct wdfio_qt_stats qt_stats(int fd)
{
	struct wdfio_qt_stats st;

	memset(&st, 0xff, sizeof(st));
	if (dc(fd, WDFIO_QT_STATS, NULL, 0, &st, sizeof(st), NULL) !=
	    (int)sizeof(st))
		memset(&st, 0xff, sizeof(st));
	return st;
}

static int qt_hold(int fd, __u32 on)
{
	return dc(fd, WDFIO_QT_SET_HOLD, &on, sizeof(on), NULL, 0, NULL);
}

static __u32 qt_release(int fd)
{
	__u32 n = 0;

	if (dc(fd, WDFIO_QT_RELEASE, NULL, 0, &n, sizeof(n), NULL) < 0)
		return ~0u;
	return n;
}

/* Poll until @cond(stats) holds; 30 s at most. */
#define WAIT_STATS(fd, st, cond)					\
	({								\
		int __i, __ok = 0;					\
		for (__i = 0; __i < 3000; __i++) {			\
			st = qt_stats(fd);				\
			if (cond) {					\
				__ok = 1;				\
				break;					\
			}						\
			usleep(10000);					\
		}							\
		__ok;							\
	})

static void pattern(unsigned char *b, size_t n, unsigned int seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		b[i] = (unsigned char)(seed * 131 + i * 7 + (i >> 8));
}

/* ---- a caller blocked in the kernel, on a thread ---------------------- */

struct caller {
	pthread_t thread;
	int fd;
	int op;			/* 0 read, 1 PEND ioctl */
	off_t off;
	size_t len;
	unsigned char buf[4096];
	int done;		/* __atomic */
	ssize_t ret;
	int err;
};

static void *caller_fn(void *arg)
{
	struct caller *c = arg;

	if (c->op == 0) {
		c->ret = pread(c->fd, c->buf, c->len, c->off);
	} else {
		c->ret = dc(c->fd, WDFIO_QT_PEND, NULL, 0, NULL, 0, NULL);
		if (c->ret < 0) {
			errno = -c->ret;
			c->ret = -1;
		}
	}
	c->err = c->ret < 0 ? errno : 0;
	__atomic_store_n(&c->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static int caller_start(struct caller *c, int fd, int op, off_t off,
			size_t len)
{
	memset(c, 0, sizeof(*c));
	c->fd = fd;
	c->op = op;
	c->off = off;
	c->len = len;
	return pthread_create(&c->thread, NULL, caller_fn, c);
}

static int caller_join(struct caller *c)
{
	int i;

	for (i = 0; i < 3000 && !__atomic_load_n(&c->done, __ATOMIC_ACQUIRE); i++)
		usleep(10000);
	if (!c->done)
		return -1;	/* leave it: the harness times the test out */
	pthread_join(c->thread, NULL);
	return 0;
}

static void on_sigusr1(int sig)
{
	(void)sig;
}

static void install_sigusr1(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigusr1;	/* no SA_RESTART: the call returns */
	sigaction(SIGUSR1, &sa, NULL);
}

/* Fill the store with a known pattern through write(). */
static int fill_store(int fd, unsigned int seed)
{
	static unsigned char b[WDFIO_QT_STORE];

	pattern(b, sizeof(b), seed);
	return pwrite(fd, b, sizeof(b), 0) == (ssize_t)sizeof(b) ? 0 : -1;
}

/* ---- permissions ------------------------------------------------------ */

static int unprivileged_open(const char *path)
{
	gid_t gid = NOBODY;
	int fd;

	if (setgroups(1, &gid) || setgid(NOBODY) || setuid(NOBODY))
		return 3;
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		close(fd);
		return 1;
	}
	return errno == EACCES || errno == EPERM ? 0 : 2;
}

static int child_status(const char *path)
{
	int status;
	pid_t pid = fork();

	if (pid == 0)
		_exit(unprivileged_open(path));
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

TEST(perm_root_only)
{
	struct stat st;

	ASSERT_EQ(0, stat(WDFIO_QT_SEQ, &st));
	ASSERT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(0600U, st.st_mode & 07777);
	/* refused for nobody: exit 0 */
	EXPECT_EQ(0, child_status(WDFIO_QT_SEQ));
}

TEST(perm_sddl_world_rw)
{
	struct stat st;

	ASSERT_EQ(0, stat(WDFIO_QT_WORLD, &st));
	EXPECT_EQ(0666U, st.st_mode & 07777);
	/* opened by nobody: exit 1 */
	EXPECT_EQ(1, child_status(WDFIO_QT_WORLD));
}

/* ---- read and write --------------------------------------------------- */

static void rw_roundtrip(struct __test_metadata *_metadata, const char *path)
{
	static unsigned char w[8192], r[8192 + 64];
	int fd = qt_open(path);

	ASSERT_LE(0, fd) TH_LOG("open %s: %s", path, strerror(errno));
	pattern(w, sizeof(w), 7);
	EXPECT_EQ((ssize_t)sizeof(w), pwrite(fd, w, sizeof(w), 4096));
	memset(r, SENTINEL, sizeof(r));
	EXPECT_EQ((ssize_t)sizeof(w), pread(fd, r, sizeof(w), 4096));
	EXPECT_EQ(0, memcmp(w, r, sizeof(w)));
	EXPECT_EQ(SENTINEL, r[sizeof(w)]);
	/* the file position is the DeviceOffset */
	EXPECT_EQ(4096, lseek(fd, 4096, SEEK_SET));
	memset(r, 0, sizeof(r));
	EXPECT_EQ(100, read(fd, r, 100));
	EXPECT_EQ(0, memcmp(w, r, 100));
	EXPECT_EQ(4196, lseek(fd, 0, SEEK_CUR));
	close(fd);
}

TEST(rw_roundtrip_sequential)
{
	rw_roundtrip(_metadata, WDFIO_QT_SEQ);
}

TEST(rw_roundtrip_parallel)
{
	rw_roundtrip(_metadata, WDFIO_QT_PAR);
}

TEST(rw_roundtrip_direct)
{
	rw_roundtrip(_metadata, WDFIO_QT_DIRECT);
}

static void rw_sizes(struct __test_metadata *_metadata, const char *path)
{
	static unsigned char r[4096];
	int fd = qt_open(path);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, fill_store(fd, 3));
	/* zero length: completed by the queue without the driver */
	EXPECT_EQ(0, pread(fd, r, 0, 0));
	EXPECT_EQ(0, pwrite(fd, r, 0, 0));
	/* short: 100 bytes left in the store; the rest stays untouched */
	memset(r, SENTINEL, sizeof(r));
	EXPECT_EQ(100, pread(fd, r, sizeof(r), WDFIO_QT_STORE - 100));
	EXPECT_EQ(SENTINEL, r[100]);
	EXPECT_EQ(SENTINEL, r[sizeof(r) - 1]);
	/* end of the store: STATUS_END_OF_FILE reads 0, a write -ENOSPC */
	EXPECT_EQ(0, pread(fd, r, sizeof(r), WDFIO_QT_STORE));
	EXPECT_EQ(-1, pwrite(fd, r, sizeof(r), WDFIO_QT_STORE));
	EXPECT_EQ(ENOSPC, errno);
	/* over the front-end's limit */
	EXPECT_EQ(-1, pread(fd, r, too_big, 0));
	EXPECT_EQ(EINVAL, errno);
	close(fd);
}

TEST(rw_sizes_buffered)
{
	rw_sizes(_metadata, WDFIO_QT_PAR);
}

TEST(rw_sizes_direct)
{
	rw_sizes(_metadata, WDFIO_QT_DIRECT);
}

static void rw_efault(struct __test_metadata *_metadata, const char *path)
{
	int fd = qt_open(path);

	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, pread(fd, bad_user, 100, 0));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, pwrite(fd, bad_user, 100, 0));
	EXPECT_EQ(EFAULT, errno);
	/* a kernel address */
	EXPECT_EQ(-1, pread(fd, bad_kernel, 100, 0));
	EXPECT_EQ(EFAULT, errno);
	close(fd);
}

TEST(rw_efault_buffered)
{
	rw_efault(_metadata, WDFIO_QT_PAR);
}

TEST(rw_efault_direct)
{
	rw_efault(_metadata, WDFIO_QT_DIRECT);
}

/* ---- DeviceIoControl -------------------------------------------------- */

TEST(ioctl_buffered_sizes)
{
	unsigned char in[64], out[128];
	__u64 bytes;
	int fd = qt_open(WDFIO_QT_PAR), i;

	ASSERT_LE(0, fd);
	pattern(in, sizeof(in), 11);
	/* exact */
	memset(out, SENTINEL, sizeof(out));
	EXPECT_EQ(64, dc(fd, WDFIO_QT_ECHO_BUFFERED, in, 64, out, 64, &bytes));
	EXPECT_EQ(64U, bytes);
	for (i = 0; i < 64; i++)
		ASSERT_EQ(in[i] ^ 0x5A, out[i]) TH_LOG("byte %d", i);
	EXPECT_EQ(SENTINEL, out[64]);
	/* short output: only 16 bytes come back */
	memset(out, SENTINEL, sizeof(out));
	EXPECT_EQ(16, dc(fd, WDFIO_QT_ECHO_BUFFERED, in, 64, out, 16, &bytes));
	EXPECT_EQ(16U, bytes);
	EXPECT_EQ(in[15] ^ 0x5A, out[15]);
	EXPECT_EQ(SENTINEL, out[16]);
	/* oversized output: Information bytes only, the rest untouched */
	memset(out, SENTINEL, sizeof(out));
	EXPECT_EQ(16, dc(fd, WDFIO_QT_ECHO_BUFFERED, in, 16, out, 128, &bytes));
	EXPECT_EQ(in[0] ^ 0x5A, out[0]);
	for (i = 16; i < 128; i++)
		ASSERT_EQ(SENTINEL, out[i]) TH_LOG("byte %d leaked", i);
	/* zero lengths */
	EXPECT_EQ(0, dc(fd, WDFIO_QT_ECHO_BUFFERED, NULL, 0, NULL, 0, &bytes));
	EXPECT_EQ(0U, bytes);
	/* a driver that claims more than the buffer is clamped */
	memset(out, SENTINEL, sizeof(out));
	EXPECT_EQ(32, dc(fd, WDFIO_QT_OVERCLAIM, NULL, 0, out, 32, &bytes));
	EXPECT_EQ(32U, bytes);
	EXPECT_EQ(SENTINEL, out[32]);
	/* kernel buffers are zeroed: the claimed bytes leak nothing */
	for (i = 0; i < 32; i++)
		ASSERT_EQ(0, out[i]) TH_LOG("byte %d", i);
	close(fd);
}

TEST(ioctl_min_length)
{
	unsigned char in[16] = { 1 }, out[16];
	int fd = qt_open(WDFIO_QT_PAR);

	ASSERT_LE(0, fd);
	/* STATUS_BUFFER_TOO_SMALL is -ERANGE */
	EXPECT_EQ(-ERANGE, dc(fd, WDFIO_QT_NEED16, in, 8, out, 16, NULL));
	EXPECT_EQ(-ERANGE, dc(fd, WDFIO_QT_NEED16, in, 16, out, 15, NULL));
	EXPECT_EQ(-ERANGE, dc(fd, WDFIO_QT_NEED16, NULL, 0, NULL, 0, NULL));
	EXPECT_EQ(16, dc(fd, WDFIO_QT_NEED16, in, 16, out, 16, NULL));
	close(fd);
}

TEST(ioctl_direct_roundtrip)
{
	static unsigned char w[20000], r[20000 + 64];
	__u64 bytes;
	int fd = qt_open(WDFIO_QT_PAR);

	ASSERT_LE(0, fd);
	pattern(w, sizeof(w), 21);
	/* IN_DIRECT: the driver reads our output buffer in place */
	EXPECT_EQ((int)sizeof(w), dc(fd, WDFIO_QT_STORE_IN_DIRECT, NULL, 0, w,
				     sizeof(w), &bytes));
	/* OUT_DIRECT: the driver writes our pages in place */
	memset(r, SENTINEL, sizeof(r));
	EXPECT_EQ((int)sizeof(w), dc(fd, WDFIO_QT_LOAD_OUT_DIRECT, NULL, 0, r,
				     sizeof(w), &bytes));
	EXPECT_EQ(sizeof(w), bytes);
	EXPECT_EQ(0, memcmp(w, r, sizeof(w)));
	EXPECT_EQ(SENTINEL, r[sizeof(w)]);
	/* unaligned, crossing pages */
	memset(r, SENTINEL, sizeof(r));
	EXPECT_EQ(5000, dc(fd, WDFIO_QT_LOAD_OUT_DIRECT, NULL, 0, r + 3, 5000,
			   NULL));
	EXPECT_EQ(SENTINEL, r[2]);
	EXPECT_EQ(0, memcmp(w, r + 3, 5000));
	EXPECT_EQ(SENTINEL, r[5003]);
	close(fd);
}

TEST(ioctl_efault)
{
	unsigned char buf[64];
	int fd = qt_open(WDFIO_QT_PAR);

	ASSERT_LE(0, fd);
	EXPECT_EQ(-EFAULT, dc(fd, WDFIO_QT_ECHO_BUFFERED, (void *)8, 64, buf,
			      64, NULL));
	EXPECT_EQ(-EFAULT, dc(fd, WDFIO_QT_ECHO_BUFFERED, buf, 64, (void *)8,
			      64, NULL));
	EXPECT_EQ(-EFAULT, dc(fd, WDFIO_QT_LOAD_OUT_DIRECT, NULL, 0, (void *)8,
			      64, NULL));
	EXPECT_EQ(-EFAULT, dc(fd, WDFIO_QT_STORE_IN_DIRECT, NULL, 0,
			      bad_kernel, 64, NULL));
	EXPECT_EQ(-1, ioctl(fd, WDFIO_IOC_DEVICE_CONTROL, (void *)8));
	EXPECT_EQ(EFAULT, errno);
	close(fd);
}

TEST(ioctl_neither)
{
	unsigned char buf[16];
	__u64 bytes;
	int fd = qt_open(WDFIO_QT_PAR);

	ASSERT_LE(0, fd);
	/* the driver gets no system buffers, only Type3InputBuffer */
	EXPECT_EQ(0, dc(fd, WDFIO_QT_NEITHER, buf, sizeof(buf), buf,
			sizeof(buf), &bytes));
	EXPECT_EQ(0U, bytes);
	EXPECT_EQ(-EINVAL, dc(fd, WDFIO_QT_NEITHER, NULL, 0, NULL, 0, NULL));
	/* never dereferenced by wdfio: a bad pointer is the driver's business */
	EXPECT_EQ(0, dc(fd, WDFIO_QT_NEITHER, (void *)8, 64, NULL, 0, NULL));
	close(fd);
}

TEST(ioctl_bad_requests)
{
	struct wdfio_device_control io = { .code = WDFIO_QT_ECHO_BUFFERED };
	int fd = qt_open(WDFIO_QT_PAR), rfd;

	ASSERT_LE(0, fd);
	EXPECT_EQ(-ENOTTY, dc(fd, WDFIO_QT_CODE(0x8ff, 0, 0), NULL, 0, NULL, 0,
			      NULL));
	io.reserved = 1;
	EXPECT_EQ(-1, ioctl(fd, WDFIO_IOC_DEVICE_CONTROL, &io));
	EXPECT_EQ(EINVAL, errno);
	io.reserved = 0;
	io.in_len = (__u64)WDFIO_MAX_TRANSFER + 1;
	EXPECT_EQ(-1, ioctl(fd, WDFIO_IOC_DEVICE_CONTROL, &io));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(fd, _IO('W', 0x7f)));
	EXPECT_EQ(ENOTTY, errno);
	/* FILE_WRITE_ACCESS needs a file open for writing */
	EXPECT_EQ(0, dc(fd, WDFIO_QT_WRITE_ONLY, NULL, 0, NULL, 0, NULL));
	rfd = open(WDFIO_QT_PAR, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, rfd);
	EXPECT_EQ(-EACCES, dc(rfd, WDFIO_QT_WRITE_ONLY, NULL, 0, NULL, 0,
			      NULL));
	close(rfd);
	close(fd);
}

/* ---- signals ---------------------------------------------------------- */

TEST(signal_cancels_cancelable)
{
	struct wdfio_qt_stats st;
	struct caller c;
	int fd = qt_open(WDFIO_QT_PAR);

	ASSERT_LE(0, fd);
	install_sigusr1();
	ASSERT_EQ(0, dc(fd, WDFIO_QT_RESET, NULL, 0, NULL, 0, NULL));
	ASSERT_EQ(0, caller_start(&c, fd, 1, 0, 0));
	ASSERT_TRUE(WAIT_STATS(fd, st, st.held == 1));
	pthread_kill(c.thread, SIGUSR1);
	ASSERT_EQ(0, caller_join(&c));
	EXPECT_EQ(-1, c.ret);
	EXPECT_EQ(EINTR, c.err);
	st = qt_stats(fd);
	EXPECT_EQ(1U, st.cancel_routine);
	EXPECT_EQ(0U, st.held);
	close(fd);
}

TEST(signal_cancels_queued)
{
	struct wdfio_qt_stats st;
	struct caller a, b;
	int fd = qt_open(WDFIO_QT_SEQ);

	ASSERT_LE(0, fd);
	install_sigusr1();
	ASSERT_EQ(0, fill_store(fd, 5));
	ASSERT_EQ(0, dc(fd, WDFIO_QT_RESET, NULL, 0, NULL, 0, NULL));
	ASSERT_EQ(0, qt_hold(fd, 1));
	ASSERT_EQ(0, caller_start(&a, fd, 0, 0, 512));
	ASSERT_TRUE(WAIT_STATS(fd, st, st.held == 1));
	ASSERT_EQ(0, caller_start(&b, fd, 0, 512, 512));
	ASSERT_TRUE(WAIT_STATS(fd, st, st.queued == 1));
	pthread_kill(b.thread, SIGUSR1);
	ASSERT_EQ(0, caller_join(&b));
	EXPECT_EQ(-1, b.ret);
	EXPECT_EQ(EINTR, b.err);
	st = qt_stats(fd);
	EXPECT_EQ(1U, st.canceled_on_queue);
	EXPECT_EQ(0U, st.queued);
	/* the owned one is still served */
	ASSERT_EQ(0, qt_hold(fd, 0));
	EXPECT_EQ(1U, qt_release(fd));
	ASSERT_EQ(0, caller_join(&a));
	EXPECT_EQ(512, a.ret);
	close(fd);
}

/* ---- dispatch types ----------------------------------------------------- */

static void dispatch(struct __test_metadata *_metadata, const char *path,
		     unsigned int expect_owned)
{
	static unsigned char ref[WDFIO_QT_STORE];
	struct wdfio_qt_stats st;
	struct caller c[3];
	unsigned int i, released = 0;
	int fd = qt_open(path);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, fill_store(fd, 9));
	pattern(ref, sizeof(ref), 9);
	ASSERT_EQ(0, dc(fd, WDFIO_QT_RESET, NULL, 0, NULL, 0, NULL));
	ASSERT_EQ(0, qt_hold(fd, 1));
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, caller_start(&c[i], fd, 0, i * 1000, 1000));
	ASSERT_TRUE(WAIT_STATS(fd, st, st.held == expect_owned &&
			       st.queued == 3 - expect_owned)) {
		TH_LOG("held %u queued %u", st.held, st.queued);
	}
	EXPECT_EQ(expect_owned, st.owned);
	/* release one at a time: the sequential queue presents the next */
	while (released < 3) {
		__u32 n;

		ASSERT_TRUE(WAIT_STATS(fd, st, st.held > 0));
		n = qt_release(fd);
		ASSERT_NE(~0u, n);
		released += n;
	}
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, caller_join(&c[i]));
		EXPECT_EQ(1000, c[i].ret);
		EXPECT_EQ(0, memcmp(ref + i * 1000, c[i].buf, 1000));
	}
	st = qt_stats(fd);
	EXPECT_EQ(expect_owned, st.owned_max);
	EXPECT_EQ(3U, st.presented);
	EXPECT_EQ(0, qt_hold(fd, 0));
	close(fd);
}

TEST(dispatch_sequential_one_at_a_time)
{
	dispatch(_metadata, WDFIO_QT_SEQ, 1);
}

TEST(dispatch_parallel_all_at_once)
{
	dispatch(_metadata, WDFIO_QT_PAR, 3);
}

TEST(dispatch_manual_retrieve)
{
	static unsigned char ref[WDFIO_QT_STORE];
	struct wdfio_qt_stats st;
	struct caller c[2];
	__u32 n = 5, got = 0;
	int fd = qt_open(WDFIO_QT_MAN), i;

	ASSERT_LE(0, fd);
	pattern(ref, sizeof(ref), 0);
	ASSERT_EQ(0, dc(fd, WDFIO_QT_RESET, NULL, 0, NULL, 0, NULL));
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, caller_start(&c[i], fd, 0, i * 100, 100));
	ASSERT_TRUE(WAIT_STATS(fd, st, st.queued == 2));
	EXPECT_EQ(0U, st.presented);
	EXPECT_EQ(4, dc(fd, WDFIO_QT_RETRIEVE, &n, sizeof(n), &got,
			sizeof(got), NULL));
	EXPECT_EQ(2U, got);
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, caller_join(&c[i]));
		EXPECT_EQ(100, c[i].ret);
	}
	/* empty now: STATUS_NO_MORE_ENTRIES, 0 retrieved */
	EXPECT_EQ(4, dc(fd, WDFIO_QT_RETRIEVE, &n, sizeof(n), &got,
			sizeof(got), NULL));
	EXPECT_EQ(0U, got);
	close(fd);
}

/* ---- stop, start, purge --------------------------------------------------- */

TEST(queue_stop_start)
{
	struct wdfio_qt_stats st;
	struct caller c;
	int fd = qt_open(WDFIO_QT_SEQ);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, fill_store(fd, 2));
	ASSERT_EQ(0, dc(fd, WDFIO_QT_RESET, NULL, 0, NULL, 0, NULL));
	ASSERT_EQ(0, dc(fd, WDFIO_QT_STOP, NULL, 0, NULL, 0, NULL));
	/* stopped with nothing owned: StopComplete ran */
	st = qt_stats(fd);
	EXPECT_EQ(1U, st.stop_done);
	EXPECT_EQ(0U, st.state & 0x02);		/* not dispatching */
	EXPECT_EQ(0x01U, st.state & 0x01);	/* still accepting */
	ASSERT_EQ(0, caller_start(&c, fd, 0, 0, 256));
	ASSERT_TRUE(WAIT_STATS(fd, st, st.queued == 1));
	EXPECT_EQ(0U, st.presented);
	EXPECT_EQ(0, c.done);
	ASSERT_EQ(0, dc(fd, WDFIO_QT_START, NULL, 0, NULL, 0, NULL));
	ASSERT_EQ(0, caller_join(&c));
	EXPECT_EQ(256, c.ret);
	EXPECT_EQ(1U, qt_stats(fd).presented);
	close(fd);
}

TEST(queue_stop_sync_waits_for_owned)
{
	struct wdfio_qt_stats st;
	struct caller c;
	int fd = qt_open(WDFIO_QT_PAR), fd2 = qt_open(WDFIO_QT_PAR);

	ASSERT_LE(0, fd);
	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, qt_hold(fd, 1));
	ASSERT_EQ(0, caller_start(&c, fd, 0, 0, 64));
	ASSERT_TRUE(WAIT_STATS(fd, st, st.held == 1));
	ASSERT_EQ(0, qt_hold(fd, 0));
	/* release from another thread while STOP_SYNC waits */
	if (fork() == 0) {
		usleep(200000);
		_exit(qt_release(fd2) == 1 ? 0 : 1);
	}
	EXPECT_EQ(0, dc(fd, WDFIO_QT_STOP_SYNC, NULL, 0, NULL, 0, NULL));
	st = qt_stats(fd);
	EXPECT_EQ(0U, st.owned);
	ASSERT_EQ(0, caller_join(&c));
	EXPECT_EQ(64, c.ret);
	EXPECT_EQ(0, dc(fd, WDFIO_QT_START, NULL, 0, NULL, 0, NULL));
	while (wait(NULL) > 0)
		;
	close(fd2);
	close(fd);
}

TEST(queue_purge)
{
	struct wdfio_qt_stats st;
	struct caller a, b;
	unsigned char buf[16];
	int fd = qt_open(WDFIO_QT_SEQ);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, dc(fd, WDFIO_QT_RESET, NULL, 0, NULL, 0, NULL));
	ASSERT_EQ(0, qt_hold(fd, 1));
	ASSERT_EQ(0, caller_start(&a, fd, 0, 0, 16));
	ASSERT_TRUE(WAIT_STATS(fd, st, st.held == 1));
	ASSERT_EQ(0, caller_start(&b, fd, 0, 16, 16));
	ASSERT_TRUE(WAIT_STATS(fd, st, st.queued == 1));
	ASSERT_EQ(0, dc(fd, WDFIO_QT_PURGE, NULL, 0, NULL, 0, NULL));
	/* queued: EvtIoCanceledOnQueue; owned cancelable: EvtRequestCancel */
	ASSERT_EQ(0, caller_join(&a));
	ASSERT_EQ(0, caller_join(&b));
	EXPECT_EQ(-1, a.ret);
	EXPECT_EQ(ECANCELED, a.err);
	EXPECT_EQ(-1, b.ret);
	EXPECT_EQ(ECANCELED, b.err);
	st = qt_stats(fd);
	EXPECT_EQ(1U, st.canceled_on_queue);
	EXPECT_EQ(1U, st.cancel_routine);
	EXPECT_EQ(1U, st.purge_done);
	EXPECT_EQ(0U, st.state & 0x01);		/* not accepting */
	/*
	 * New requests fail until Start without reaching the driver: KMDF's
	 * STATUS_INVALID_DEVICE_STATE, EIO for the caller.
	 */
	EXPECT_EQ(-1, pread(fd, buf, sizeof(buf), 0));
	EXPECT_EQ(EIO, errno);
	EXPECT_EQ(0U, qt_stats(fd).queued);
	ASSERT_EQ(0, qt_hold(fd, 0));
	ASSERT_EQ(0, dc(fd, WDFIO_QT_START, NULL, 0, NULL, 0, NULL));
	EXPECT_EQ((ssize_t)sizeof(buf), pread(fd, buf, sizeof(buf), 0));
	close(fd);
}

TEST(queue_purge_sync)
{
	struct wdfio_qt_stats st;
	struct caller a;
	int fd = qt_open(WDFIO_QT_PAR);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, qt_hold(fd, 1));
	ASSERT_EQ(0, caller_start(&a, fd, 0, 0, 16));
	ASSERT_TRUE(WAIT_STATS(fd, st, st.held == 1));
	EXPECT_EQ(0, dc(fd, WDFIO_QT_PURGE_SYNC, NULL, 0, NULL, 0, NULL));
	ASSERT_EQ(0, caller_join(&a));
	EXPECT_EQ(ECANCELED, a.err);
	st = qt_stats(fd);
	EXPECT_EQ(0U, st.owned);
	EXPECT_EQ(0U, st.queued);
	ASSERT_EQ(0, qt_hold(fd, 0));
	ASSERT_EQ(0, dc(fd, WDFIO_QT_START, NULL, 0, NULL, 0, NULL));
	close(fd);
}

/*
 * Drain: the queue stops accepting (new reads fail, STATUS_INVALID_DEVICE_
 * STATE -> EIO, without reaching the driver) but nothing is cancelled: the
 * owned read and the queued one both end with their data, and
 * DrainComplete runs only after the last. A DrainSynchronously while that
 * callback is pending returns at once (KMDF fails it). Start reopens.
 */
TEST(queue_drain)
{
	static unsigned char ref[WDFIO_QT_STORE];
	struct wdfio_qt_stats st;
	struct caller a, b;
	unsigned char buf[16];
	int fd = qt_open(WDFIO_QT_SEQ);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, fill_store(fd, 5));
	pattern(ref, sizeof(ref), 5);
	ASSERT_EQ(0, dc(fd, WDFIO_QT_RESET, NULL, 0, NULL, 0, NULL));
	ASSERT_EQ(0, qt_hold(fd, 1));
	ASSERT_EQ(0, caller_start(&a, fd, 0, 100, 16));
	ASSERT_TRUE(WAIT_STATS(fd, st, st.held == 1));
	ASSERT_EQ(0, caller_start(&b, fd, 0, 200, 16));
	ASSERT_TRUE(WAIT_STATS(fd, st, st.queued == 1));
	ASSERT_EQ(0, dc(fd, WDFIO_QT_DRAIN, NULL, 0, NULL, 0, NULL));
	st = qt_stats(fd);
	EXPECT_EQ(0U, st.drain_done);
	EXPECT_EQ(0U, st.state & 0x01);		/* not accepting */
	EXPECT_EQ(0x02U, st.state & 0x02);	/* still dispatching */
	EXPECT_EQ(1U, st.queued);
	EXPECT_EQ(1U, st.held);
	/* a new read is refused, never presented */
	EXPECT_EQ(-1, pread(fd, buf, sizeof(buf), 0));
	EXPECT_EQ(EIO, errno);
	/* the drain callback is pending: DrainSynchronously returns at once */
	EXPECT_EQ(0, dc(fd, WDFIO_QT_DRAIN_SYNC, NULL, 0, NULL, 0, NULL));
	st = qt_stats(fd);
	EXPECT_EQ(1U, st.held);
	EXPECT_EQ(1U, st.queued);
	EXPECT_EQ(0U, st.drain_done);
	EXPECT_EQ(1U, st.presented);
	/* the owned read ends with its data; the queued one is presented */
	EXPECT_EQ(1U, qt_release(fd));
	ASSERT_EQ(0, caller_join(&a));
	EXPECT_EQ(16, a.ret);
	EXPECT_EQ(0, memcmp(ref + 100, a.buf, 16));
	ASSERT_TRUE(WAIT_STATS(fd, st, st.held == 1));
	EXPECT_EQ(0U, st.drain_done);
	EXPECT_EQ(0U, st.queued);
	ASSERT_EQ(0, qt_hold(fd, 0));
	EXPECT_EQ(1U, qt_release(fd));
	ASSERT_EQ(0, caller_join(&b));
	EXPECT_EQ(16, b.ret);
	EXPECT_EQ(0, memcmp(ref + 200, b.buf, 16));
	st = qt_stats(fd);
	EXPECT_EQ(1U, st.drain_done);
	EXPECT_EQ(0U, st.purge_done);
	EXPECT_EQ(0U, st.canceled_on_queue);
	EXPECT_EQ(0U, st.cancel_routine);
	EXPECT_EQ(2U, st.presented);
	EXPECT_EQ(0U, st.owned);
	/* still closed until Start */
	EXPECT_EQ(-1, pread(fd, buf, sizeof(buf), 0));
	EXPECT_EQ(EIO, errno);
	ASSERT_EQ(0, dc(fd, WDFIO_QT_START, NULL, 0, NULL, 0, NULL));
	EXPECT_EQ((ssize_t)sizeof(buf), pread(fd, buf, sizeof(buf), 0));
	EXPECT_EQ(0, memcmp(ref, buf, sizeof(buf)));
	close(fd);
}

/* DrainSynchronously returns once the driver completed what it owns. */
TEST(queue_drain_sync)
{
	static unsigned char ref[WDFIO_QT_STORE];
	struct wdfio_qt_stats st;
	struct caller a;
	unsigned char buf[16];
	int fd = qt_open(WDFIO_QT_PAR), fd2 = qt_open(WDFIO_QT_PAR);

	ASSERT_LE(0, fd);
	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, fill_store(fd, 6));
	pattern(ref, sizeof(ref), 6);
	ASSERT_EQ(0, qt_hold(fd, 1));
	ASSERT_EQ(0, caller_start(&a, fd, 0, 64, 16));
	ASSERT_TRUE(WAIT_STATS(fd, st, st.held == 1));
	ASSERT_EQ(0, qt_hold(fd, 0));
	/* release from another process while DRAIN_SYNC waits */
	if (fork() == 0) {
		usleep(200000);
		_exit(qt_release(fd2) == 1 ? 0 : 1);
	}
	EXPECT_EQ(0, dc(fd, WDFIO_QT_DRAIN_SYNC, NULL, 0, NULL, 0, NULL));
	st = qt_stats(fd);
	EXPECT_EQ(0U, st.owned);
	EXPECT_EQ(0U, st.held);
	EXPECT_EQ(0U, st.state & 0x01);
	ASSERT_EQ(0, caller_join(&a));
	EXPECT_EQ(16, a.ret);
	EXPECT_EQ(0, memcmp(ref + 64, a.buf, 16));
	EXPECT_EQ(-1, pread(fd, buf, sizeof(buf), 0));
	EXPECT_EQ(EIO, errno);
	EXPECT_EQ(0, dc(fd, WDFIO_QT_START, NULL, 0, NULL, 0, NULL));
	EXPECT_EQ((ssize_t)sizeof(buf), pread(fd, buf, sizeof(buf), 0));
	while (wait(NULL) > 0)
		;
	close(fd2);
	close(fd);
}

/* ---- concurrency ------------------------------------------------------ */

struct echo_arg {
	int fd;
	unsigned int seed;
	int bad;
};

static void *echo_fn(void *p)
{
	struct echo_arg *a = p;
	unsigned char in[300], out[300];
	int i, j;

	for (i = 0; i < 200; i++) {
		pattern(in, sizeof(in), a->seed + i);
		if (dc(a->fd, WDFIO_QT_ECHO_BUFFERED, in, sizeof(in), out,
		       sizeof(out), NULL) != (int)sizeof(out)) {
			a->bad++;
			continue;
		}
		for (j = 0; j < (int)sizeof(in); j++)
			if (out[j] != (in[j] ^ 0x5A)) {
				a->bad++;
				break;
			}
	}
	return NULL;
}

TEST(concurrent_callers)
{
	struct echo_arg args[8];
	pthread_t t[8];
	int fd = qt_open(WDFIO_QT_PAR), i;

	ASSERT_LE(0, fd);
	for (i = 0; i < 8; i++) {
		args[i] = (struct echo_arg){ .fd = fd, .seed = i * 1000 };
		ASSERT_EQ(0, pthread_create(&t[i], NULL, echo_fn, &args[i]));
	}
	for (i = 0; i < 8; i++) {
		pthread_join(t[i], NULL);
		EXPECT_EQ(0, args[i].bad) TH_LOG("thread %d", i);
	}
	close(fd);
}

/* ---- file objects (/dev/wdfio_qfile) ---------------------------------- */

static struct wdfio_qf_stats qf_stats(int fd)
{
	struct wdfio_qf_stats st;

	memset(&st, 0xff, sizeof(st));
	if (dc(fd, WDFIO_QF_STATS, NULL, 0, &st, sizeof(st), NULL) !=
	    (int)sizeof(st))
		memset(&st, 0xff, sizeof(st));
	return st;
}

static int qf_set_create(int fd, __s32 action)
{
	return dc(fd, WDFIO_QF_SET_CREATE, &action, sizeof(action), NULL, 0,
		  NULL);
}

/* The file object's number and read count, from its context. */
static struct wdfio_qf_whoami qf_whoami(int fd)
{
	struct wdfio_qf_whoami w = { ~0u, ~0u };

	if (read(fd, &w, sizeof(w)) != (ssize_t)sizeof(w))
		memset(&w, 0xff, sizeof(w));
	return w;
}

/*
 * Each open file is its own WDFFILEOBJECT with its own context; dup()ed
 * descriptors share it; EvtFileCleanup then EvtFileClose run when the last
 * descriptor closes, and the object is deleted then.
 */
TEST(file_object_per_open)
{
	struct wdfio_qf_stats s0, st;
	struct wdfio_qf_whoami wa, wb;
	int ctl, a, a2, b;

	ctl = qt_open(WDFIO_QF_NODE);
	ASSERT_LE(0, ctl) TH_LOG("open %s: %s", WDFIO_QF_NODE, strerror(errno));
	ASSERT_EQ(0, qf_set_create(ctl, 0));
	s0 = qf_stats(ctl);
	a = qt_open(WDFIO_QF_NODE);
	ASSERT_LE(0, a);
	b = qt_open(WDFIO_QF_NODE);
	ASSERT_LE(0, b);
	wa = qf_whoami(a);
	wb = qf_whoami(b);
	EXPECT_NE(~0u, wa.id);
	EXPECT_NE(~0u, wb.id);
	EXPECT_NE(wa.id, wb.id);
	EXPECT_EQ(1U, wa.reads);
	EXPECT_EQ(1U, wb.reads);
	EXPECT_EQ(wa.id, qf_whoami(a).id);
	a2 = dup(a);
	ASSERT_LE(0, a2);
	close(a);
	/* the file is still open through a2: no cleanup yet */
	st = qf_stats(ctl);
	EXPECT_EQ(s0.creates + 2, st.creates);
	EXPECT_EQ(s0.cleanups, st.cleanups);
	EXPECT_EQ(s0.closes, st.closes);
	wa = qf_whoami(a2);
	EXPECT_EQ(3U, wa.reads);
	close(a2);
	st = qf_stats(ctl);
	EXPECT_EQ(s0.cleanups + 1, st.cleanups);
	EXPECT_EQ(s0.closes + 1, st.closes);
	EXPECT_EQ(s0.ctx_cleanups + 1, st.ctx_cleanups);
	EXPECT_EQ(wa.id, st.last_closed);
	EXPECT_EQ(2U, qf_whoami(b).reads);
	close(b);
	st = qf_stats(ctl);
	EXPECT_EQ(s0.closes + 2, st.closes);
	EXPECT_EQ(wb.id, st.last_closed);
	EXPECT_EQ(s0.failed, st.failed);
	EXPECT_EQ(0U, st.bad);
	close(ctl);
}

/*
 * EvtDeviceFileCreate completes the create request with an error: open()
 * fails with the mapped errno; the file object is deleted without
 * EvtFileCleanup/EvtFileClose.
 */
TEST(file_create_error_fails_open)
{
	static const struct { __s32 status; int err; } cases[] = {
		{ (__s32)0xC0000022, EACCES },	/* STATUS_ACCESS_DENIED */
		{ (__s32)0x80000011, EBUSY },	/* STATUS_DEVICE_BUSY */
		{ (__s32)0xC000009A, ENOMEM },	/* STATUS_INSUFFICIENT_RESOURCES */
		{ (__s32)0xC0000001, EIO },	/* STATUS_UNSUCCESSFUL */
	};
	struct wdfio_qf_stats s0, st;
	unsigned int i;
	int ctl, fd;

	ctl = qt_open(WDFIO_QF_NODE);
	ASSERT_LE(0, ctl);
	s0 = qf_stats(ctl);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		ASSERT_EQ(0, qf_set_create(ctl, cases[i].status));
		fd = qt_open(WDFIO_QF_NODE);
		EXPECT_EQ(-1, fd);
		EXPECT_EQ(cases[i].err, errno) TH_LOG("status %#x", cases[i].status);
		if (fd >= 0)
			close(fd);
	}
	ASSERT_EQ(0, qf_set_create(ctl, 0));
	st = qf_stats(ctl);
	EXPECT_EQ(s0.creates + ARRAY_SIZE(cases), st.creates);
	EXPECT_EQ(s0.failed + ARRAY_SIZE(cases), st.failed);
	EXPECT_EQ(s0.ctx_cleanups + ARRAY_SIZE(cases), st.ctx_cleanups);
	EXPECT_EQ(s0.cleanups, st.cleanups);
	EXPECT_EQ(s0.closes, st.closes);
	/* and opens work again */
	fd = qt_open(WDFIO_QF_NODE);
	EXPECT_LE(0, fd);
	if (fd >= 0)
		close(fd);
	EXPECT_EQ(0U, qf_stats(ctl).bad);
	close(ctl);
}

struct qf_opener {
	pthread_t thread;
	int ret;
	int err;
};

static void *qf_opener_fn(void *arg)
{
	struct qf_opener *o = arg;

	o->ret = open(WDFIO_QF_NODE, O_RDWR | O_CLOEXEC);
	o->err = errno;
	return NULL;
}

/* A create request the driver keeps: a signal to the opener cancels it. */
TEST(file_create_signal_cancels)
{
	struct wdfio_qf_stats s0, st;
	struct qf_opener o = { 0 };
	int ctl, i;

	install_sigusr1();
	ctl = qt_open(WDFIO_QF_NODE);
	ASSERT_LE(0, ctl);
	s0 = qf_stats(ctl);
	ASSERT_EQ(0, qf_set_create(ctl, WDFIO_QF_HOLD));
	ASSERT_EQ(0, pthread_create(&o.thread, NULL, qf_opener_fn, &o));
	for (i = 0; i < 3000 && qf_stats(ctl).creates == s0.creates; i++)
		usleep(10000);
	ASSERT_EQ(s0.creates + 1, qf_stats(ctl).creates);
	pthread_kill(o.thread, SIGUSR1);
	pthread_join(o.thread, NULL);
	EXPECT_EQ(-1, o.ret);
	EXPECT_EQ(EINTR, o.err);
	if (o.ret >= 0)
		close(o.ret);
	ASSERT_EQ(0, qf_set_create(ctl, 0));
	st = qf_stats(ctl);
	EXPECT_EQ(s0.failed + 1, st.failed);
	EXPECT_EQ(s0.ctx_cleanups + 1, st.ctx_cleanups);
	EXPECT_EQ(s0.closes, st.closes);
	EXPECT_EQ(0U, st.bad);
	close(ctl);
}

static __u32 qf_u32(int fd, __u32 code)
{
	__u32 n = ~0u;

	if (dc(fd, code, NULL, 0, &n, sizeof(n), NULL) != (int)sizeof(n))
		return ~0u;
	return n;
}

struct qf_writer {
	pthread_t thread;
	int fd;
	size_t len;
	ssize_t ret;
};

static void *qf_writer_fn(void *arg)
{
	static const unsigned char buf[64];
	struct qf_writer *w = arg;

	w->ret = write(w->fd, buf, w->len);
	return NULL;
}

/* Poll until the caller's file has @n writes queued; 30 s at most. */
static int qf_wait_mine(int fd, __u32 n)
{
	int i;

	for (i = 0; i < 3000; i++) {
		if (qf_u32(fd, WDFIO_QF_COUNT_MINE) == n)
			return 0;
		usleep(10000);
	}
	return -1;
}

/*
 * Writes wait on a manual queue; the driver looks for a file's requests
 * (WdfIoQueueFindRequest), takes one found (RetrieveFoundRequest), and
 * takes a file's next one (RetrieveRequestByFileObject).
 */
TEST(queue_find_by_file_object)
{
	struct qf_writer a1 = { .len = 10 }, a2 = { .len = 30 }, b = { .len = 20 };
	int a, fb;

	a = qt_open(WDFIO_QF_NODE);
	ASSERT_LE(0, a);
	fb = qt_open(WDFIO_QF_NODE);
	ASSERT_LE(0, fb);
	a1.fd = a;
	a2.fd = a;
	b.fd = fb;
	EXPECT_EQ(0U, qf_u32(a, WDFIO_QF_TAKE_MINE));
	ASSERT_EQ(0, pthread_create(&a1.thread, NULL, qf_writer_fn, &a1));
	ASSERT_EQ(0, qf_wait_mine(a, 1));
	ASSERT_EQ(0, pthread_create(&a2.thread, NULL, qf_writer_fn, &a2));
	ASSERT_EQ(0, qf_wait_mine(a, 2));
	ASSERT_EQ(0, pthread_create(&b.thread, NULL, qf_writer_fn, &b));
	ASSERT_EQ(0, qf_wait_mine(fb, 1));
	EXPECT_EQ(2U, qf_u32(a, WDFIO_QF_COUNT_MINE));
	/* b's own write, not a's */
	EXPECT_EQ(1U, qf_u32(fb, WDFIO_QF_TAKE_MINE));
	pthread_join(b.thread, NULL);
	EXPECT_EQ(20, b.ret);
	EXPECT_EQ(0U, qf_u32(fb, WDFIO_QF_COUNT_MINE));
	EXPECT_EQ(0U, qf_u32(fb, WDFIO_QF_TAKE_MINE));
	/* the first queued of all: a1 */
	EXPECT_EQ(1U, qf_u32(fb, WDFIO_QF_TAKE_FIRST));
	pthread_join(a1.thread, NULL);
	EXPECT_EQ(10, a1.ret);
	EXPECT_EQ(1U, qf_u32(a, WDFIO_QF_COUNT_MINE));
	EXPECT_EQ(1U, qf_u32(a, WDFIO_QF_TAKE_MINE));
	pthread_join(a2.thread, NULL);
	EXPECT_EQ(30, a2.ret);
	EXPECT_EQ(0U, qf_u32(a, WDFIO_QF_COUNT_MINE));
	EXPECT_EQ(0U, qf_u32(a, WDFIO_QF_TAKE_FIRST));
	EXPECT_EQ(0U, qf_stats(a).bad);
	close(a);
	close(fb);
}

/* ---- EvtIoInCallerContext (/dev/wdfio_qcaller) ------------------------ */

static struct wdfio_qc_stats qc_stats(int fd)
{
	struct wdfio_qc_stats st;

	memset(&st, 0xff, sizeof(st));
	if (dc(fd, WDFIO_QC_STATS, NULL, 0, &st, sizeof(st), NULL) !=
	    (int)sizeof(st))
		memset(&st, 0xff, sizeof(st));
	return st;
}

/* The callback runs on the caller's thread: it can tell the caller's pid. */
TEST(in_caller_context_is_the_callers)
{
	struct wdfio_qc_stats s0, st;
	__u32 pid = 0;
	int fd;

	fd = qt_open(WDFIO_QC_NODE);
	ASSERT_LE(0, fd) TH_LOG("open %s: %s", WDFIO_QC_NODE, strerror(errno));
	s0 = qc_stats(fd);
	EXPECT_EQ((ssize_t)sizeof(pid), read(fd, &pid, sizeof(pid)));
	EXPECT_EQ((__u32)getpid(), pid);
	st = qc_stats(fd);
	/* the read and the second STATS went through the callback */
	EXPECT_EQ(s0.in_caller + 2, st.in_caller);
	/* the read never reached the queue; the STATS did, enqueued */
	EXPECT_EQ(s0.queued + 1, st.queued);
	EXPECT_EQ(0U, st.bad);
	close(fd);
}

/*
 * METHOD_NEITHER: the driver copies the caller's buffer in the callback
 * (the user pointer means nothing on another thread), then enqueues the
 * request; its queue works on the copy.
 */
TEST(in_caller_neither_buffer)
{
	unsigned char in[WDFIO_QC_MAX + 1];
	struct wdfio_qc_stats s0, st;
	unsigned int i, sum = 0;
	int fd;

	fd = qt_open(WDFIO_QC_NODE);
	ASSERT_LE(0, fd);
	s0 = qc_stats(fd);
	for (i = 0; i < 40; i++) {
		in[i] = (unsigned char)(i * 37 + 11);
		sum += in[i];
	}
	EXPECT_EQ(0, dc(fd, WDFIO_QC_SUM, in, 40, NULL, 0, NULL));
	st = qc_stats(fd);
	EXPECT_EQ(sum, st.last_sum);
	EXPECT_EQ(s0.queued + 2, st.queued);
	/* refused in the callback, never queued */
	EXPECT_EQ(-ERANGE, dc(fd, WDFIO_QC_SUM, in, 2, NULL, 0, NULL));
	EXPECT_EQ(-EINVAL, dc(fd, WDFIO_QC_SUM, in, sizeof(in), NULL, 0, NULL));
	EXPECT_EQ(-EFAULT, dc(fd, WDFIO_QC_SUM, bad_user, 16, NULL, 0, NULL));
	st = qc_stats(fd);
	EXPECT_EQ(s0.queued + 3, st.queued);
	EXPECT_EQ(s0.in_caller + 6, st.in_caller);
	EXPECT_EQ(sum, st.last_sum);
	EXPECT_EQ(0U, st.bad);
	close(fd);
}

/*
 * WdfRequestRetrieveUnsafeUserOutputBuffer: the driver writes the caller's
 * METHOD_NEITHER output buffer with copy_to_user in the callback; bytes
 * around it stay as they were; a bad pointer is EFAULT, a short one ERANGE.
 */
TEST(in_caller_unsafe_output)
{
	unsigned char out[WDFIO_QC_MAX + 32];
	struct wdfio_qc_stats st;
	unsigned int i;
	int fd;

	fd = qt_open(WDFIO_QC_NODE);
	ASSERT_LE(0, fd);
	memset(out, SENTINEL, sizeof(out));
	EXPECT_EQ(0, dc(fd, WDFIO_QC_FILL, NULL, 0, out + 16, 40, NULL));
	for (i = 0; i < sizeof(out); i++) {
		unsigned char want = i >= 16 && i < 56 ?
				     wdfio_qc_fill_byte(i - 16) : SENTINEL;

		ASSERT_EQ(want, out[i]) TH_LOG("byte %u", i);
	}
	EXPECT_EQ(-ERANGE, dc(fd, WDFIO_QC_FILL, NULL, 0, out, 2, NULL));
	EXPECT_EQ(-ERANGE, dc(fd, WDFIO_QC_FILL, NULL, 0, out, 0, NULL));
	EXPECT_EQ(-EFAULT, dc(fd, WDFIO_QC_FILL, NULL, 0, bad_user, 16, NULL));
	EXPECT_EQ(-EFAULT, dc(fd, WDFIO_QC_FILL, NULL, 0, bad_kernel, 16, NULL));
	st = qc_stats(fd);
	EXPECT_EQ(0U, st.bad);
	close(fd);
}

/*
 * WdfRequestProbeAndLockUserBuffer{ForRead,ForWrite}: locked in the
 * callback, used from a work item (another thread, no user context) after
 * the callback returned, completed from process or (odd input length)
 * atomic context. The output spans three pages; the bytes around it
 * stay as they were; the input is untouched. Bad, kernel and read-only
 * pointers fail with STATUS_ACCESS_VIOLATION (EFAULT).
 */
TEST(in_caller_probe_and_lock)
{
	const size_t page = (size_t)sysconf(_SC_PAGESIZE);
	unsigned char *area, *ro, *out, in[5000], ref[5000];
	const size_t len = sizeof(in), off = page - 100;
	struct wdfio_qc_stats st;
	__u64 bytes = 0;
	unsigned int i;
	int fd;

	fd = qt_open(WDFIO_QC_NODE);
	ASSERT_LE(0, fd);
	/* four pages, then one nobody may touch */
	area = mmap(NULL, 5 * page, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, area);
	ASSERT_EQ(0, mprotect(area + 4 * page, page, PROT_NONE));
	memset(area, SENTINEL, 4 * page);
	out = area + off;
	pattern(in, len, 3);
	memcpy(ref, in, len);
	EXPECT_EQ(0, dc(fd, WDFIO_QC_XOR, in, len, out, len, &bytes));
	for (i = 0; i < 4 * page; i++) {
		unsigned char want = i >= off && i < off + len ?
				     in[i - off] ^ 0x5A : SENTINEL;

		ASSERT_EQ(want, area[i]) TH_LOG("byte %u", i);
	}
	EXPECT_EQ(0, memcmp(ref, in, len));
	/*
	 * a shorter output: only its bytes are written; an odd input length
	 * makes the driver complete from atomic context (deferred unpinning)
	 */
	memset(area, SENTINEL, 4 * page);
	EXPECT_EQ(0, dc(fd, WDFIO_QC_XOR, in, len - 1, out, 10, NULL));
	EXPECT_EQ(in[9] ^ 0x5A, out[9]);
	EXPECT_EQ(SENTINEL, out[10]);
	EXPECT_EQ(SENTINEL, out[-1]);
	/* bad pointers: refused in the callback, no request queued */
	EXPECT_EQ(-EFAULT, dc(fd, WDFIO_QC_XOR, bad_user, 16, out, 16, NULL));
	EXPECT_EQ(-EFAULT, dc(fd, WDFIO_QC_XOR, in, 16, bad_user, 16, NULL));
	EXPECT_EQ(-EFAULT, dc(fd, WDFIO_QC_XOR, bad_kernel, 16, out, 16, NULL));
	EXPECT_EQ(-EFAULT, dc(fd, WDFIO_QC_XOR, in, 16, bad_kernel, 16, NULL));
	/* an output the caller may only read cannot be locked for writing */
	ro = mmap(NULL, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, ro);
	EXPECT_EQ(-EFAULT, dc(fd, WDFIO_QC_XOR, in, 16, ro, 16, NULL));
	/* ... but it can be read from */
	EXPECT_EQ(0, dc(fd, WDFIO_QC_XOR, ro, 15, out, 16, NULL));
	EXPECT_EQ(0x5A, out[0]);
	/* buffers that run into the inaccessible page */
	EXPECT_EQ(-EFAULT, dc(fd, WDFIO_QC_XOR, area + 4 * page - 8, 16, out,
			      16, NULL));
	EXPECT_EQ(-EFAULT, dc(fd, WDFIO_QC_XOR, in, 16, area + 4 * page - 8,
			      16, NULL));
	EXPECT_EQ(SENTINEL, area[4 * page - 8]);
	EXPECT_EQ(-ERANGE, dc(fd, WDFIO_QC_XOR, in, 0, out, 16, NULL));
	EXPECT_EQ(SENTINEL, area[0]);
	st = qc_stats(fd);
	EXPECT_EQ(0U, st.bad);
	munmap(ro, page);
	munmap(area, 5 * page);
	close(fd);
}

static int qc_fileinfo(const char *path, int oflags,
		       struct wdfio_qc_fileinfo *fi)
{
	int fd = open(path, oflags | O_CLOEXEC), ret;

	if (fd < 0)
		return -errno;
	memset(fi, 0xff, sizeof(*fi));
	ret = dc(fd, WDFIO_QC_FILEINFO, NULL, 0, fi, sizeof(*fi), NULL);
	close(fd);
	return ret;
}

/*
 * WdfFileObjectGetFileName: an empty name (a Linux open has nothing after
 * the node's name); WdfFileObjectGetFlags: FO_SYNCHRONOUS_IO (0x2), plus
 * FO_WRITE_THROUGH (0x10) for O_SYNC / O_DSYNC.
 */
TEST(file_object_name_flags)
{
	struct wdfio_qc_fileinfo fi;

	ASSERT_EQ((int)sizeof(fi), qc_fileinfo(WDFIO_QC_NODE, O_RDWR, &fi));
	EXPECT_EQ(0x2U, fi.flags);
	EXPECT_EQ(0U, fi.name_null);
	EXPECT_EQ(0U, fi.name_length);
	EXPECT_EQ(0U, fi.name_maximum);
	EXPECT_EQ(1U, fi.name_buffer_null);
	ASSERT_EQ((int)sizeof(fi),
		  qc_fileinfo(WDFIO_QC_NODE, O_RDWR | O_SYNC, &fi));
	EXPECT_EQ(0x12U, fi.flags);
	ASSERT_EQ((int)sizeof(fi),
		  qc_fileinfo(WDFIO_QC_NODE, O_RDONLY | O_DSYNC, &fi));
	EXPECT_EQ(0x12U, fi.flags);
	EXPECT_EQ(0U, fi.name_null);
}

/*
 * The DDIs that cannot work on Linux fail as documented: forwarding to a
 * parent device's queue (no PDOs) and the WDM MDL accessors (no MDLs).
 */
TEST(receive_ddis_without_linux_counterpart)
{
	struct wdfio_qc_nolinux nl;
	int fd;

	fd = qt_open(WDFIO_QC_NODE);
	ASSERT_LE(0, fd);
	memset(&nl, 0, sizeof(nl));
	ASSERT_EQ((int)sizeof(nl),
		  dc(fd, WDFIO_QC_NOLINUX, NULL, 0, &nl, sizeof(nl), NULL));
	EXPECT_EQ(0xC0000010U, nl.forward);		/* INVALID_DEVICE_REQUEST */
	EXPECT_EQ(0xC0000004U, nl.forward_size);	/* INFO_LENGTH_MISMATCH */
	EXPECT_EQ(0xC000000DU, nl.forward_flags);	/* INVALID_PARAMETER */
	EXPECT_EQ(0xC00000BBU, nl.input_mdl);		/* NOT_SUPPORTED */
	EXPECT_EQ(0xC00000BBU, nl.output_mdl);
	EXPECT_EQ(1U, nl.mdl_cleared);
	close(fd);
}

/* ---- samples/usbdemo through its node ---------------------------------- */

/*
 * samples/usbdemo (wdfio_usbdemo.ko): its queues turn write() and read() on
 * /dev/wdfio_usbdemo into bulk OUT and bulk IN transfers of the test
 * gadget's Loopback function (interface 0 of 1d6b:0104), which echoes what
 * it receives. The interface is taken from the in-kernel test driver
 * (wdfio_test_usb) for the duration and given back at the end. These run
 * before wdfio_selftest, whose last USB case unplugs the gadget.
 */
#define UD_NODE		"/dev/wdfio_usbdemo"
#define UD_INTF		"1-1:1.0"
#define UD_DRV_DEMO	"/sys/bus/usb/drivers/wdfio_usbdemo"
#define UD_DRV_TEST	"/sys/bus/usb/drivers/wdfio_test_usb"
#define UD_MAX_XFER	65536

static int ud_run(const char *cmd)
{
	int st = system(cmd);

	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int ud_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

static int ud_wait_node(const char *path, int present)
{
	int i;

	for (i = 0; i < 3000; i++) {
		if (ud_exists(path) == present)
			return 0;
		usleep(10000);
	}
	return -1;
}

static int ud_put(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, val, strlen(val));
	close(fd);
	return n == (ssize_t)strlen(val) ? 0 : -1;
}

/* Load the sample and hand it interface 0; 1: the test driver had it */
static int ud_demo_attach(int *had_test)
{
	*had_test = ud_exists(UD_DRV_TEST "/" UD_INTF);
	if (ud_run("modprobe wdfio_usbdemo"))
		return -1;
	if (*had_test && ud_put(UD_DRV_TEST "/unbind", UD_INTF))
		return -1;
	if (!ud_exists(UD_DRV_DEMO "/" UD_INTF) && ud_put(UD_DRV_DEMO "/bind", UD_INTF))
		return -1;
	return ud_wait_node(UD_NODE, 1);
}

static int ud_demo_detach(int had_test)
{
	int err = 0;

	if (ud_run("rmmod wdfio_usbdemo"))
		err = -1;
	if (ud_wait_node(UD_NODE, 0))
		err = -1;
	if (had_test && ud_put(UD_DRV_TEST "/bind", UD_INTF))
		err = -1;
	return err;
}

static void ud_fill(unsigned char *b, size_t n, unsigned int seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		b[i] = (unsigned char)(seed * 31 + i * 7 + (i >> 8));
}

/* write @n bytes, read them back; 0 when equal */
static int ud_round_trip(int fd, size_t n, unsigned int seed)
{
	static unsigned char w[UD_MAX_XFER], r[UD_MAX_XFER];
	ssize_t got;

	ud_fill(w, n, seed);
	if (write(fd, w, n) != (ssize_t)n)
		return -1;
	memset(r, 0, sizeof(r));
	got = read(fd, r, sizeof(r));
	if (got != (ssize_t)n)
		return -2;
	return memcmp(w, r, n) ? -3 : 0;
}

struct ud_reader {
	int fd;
	pid_t tid;		/* __atomic */
	ssize_t ret;
	int err;
};

static void *ud_reader_fn(void *arg)
{
	static unsigned char buf[UD_MAX_XFER];
	struct ud_reader *r = arg;

	__atomic_store_n(&r->tid, (pid_t)syscall(SYS_gettid), __ATOMIC_RELEASE);
	r->ret = read(r->fd, buf, sizeof(buf));
	r->err = errno;
	return NULL;
}

/* Wait until the ud_reader sleeps (in the kernel: its read was sent). */
static int ud_wait_sleeping(struct ud_reader *r)
{
	char path[64], stat_line[512], *p;
	pid_t tid;
	int i, fd;
	ssize_t n;

	for (i = 0; i < 6000; i++) {
		tid = __atomic_load_n(&r->tid, __ATOMIC_ACQUIRE);
		if (tid) {
			snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
			fd = open(path, O_RDONLY | O_CLOEXEC);
			if (fd < 0)
				return -1;
			n = read(fd, stat_line, sizeof(stat_line) - 1);
			close(fd);
			if (n > 0) {
				stat_line[n] = '\0';
				p = strrchr(stat_line, ')');
				if (p && p[1] == ' ' && p[2] == 'S')
					return 0;
			}
		}
		usleep(10000);
	}
	return -1;
}

/* Sizes around the 512-byte packet, up to the sample's maximum - 1 */
TEST(usbdemo_write_read_back)
{
	static const size_t sizes[] = { 1, 2, 100, 511, 513, 1000, 4095, 4097,
					8191, 30001, 65535 };
	unsigned int i, round;
	int fd, had_test;

	ASSERT_EQ(0, ud_demo_attach(&had_test));
	fd = open(UD_NODE, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd) TH_LOG("open %s: %s", UD_NODE, strerror(errno));
	for (round = 0; round < 3; round++)
		for (i = 0; i < ARRAY_SIZE(sizes); i++)
			EXPECT_EQ(0, ud_round_trip(fd, sizes[i], round * 16 + i))
				TH_LOG("%zu bytes, round %u", sizes[i], round);
	close(fd);
	EXPECT_EQ(0, ud_demo_detach(had_test));
}

/* EvtIoWrite/EvtIoRead refuse what is over the maximum (INVALID_PARAMETER) */
TEST(usbdemo_oversized)
{
	static unsigned char buf[UD_MAX_XFER + 1];
	int fd, had_test;

	ASSERT_EQ(0, ud_demo_attach(&had_test));
	fd = open(UD_NODE, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, write(fd, buf, sizeof(buf)));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, read(fd, buf, sizeof(buf)));
	EXPECT_EQ(EINVAL, errno);
	/* nothing was sent: the pipes still echo exactly */
	EXPECT_EQ(0, ud_round_trip(fd, 777, 5));
	close(fd);
	EXPECT_EQ(0, ud_demo_detach(had_test));
}

/*
 * A read waiting at the bulk IN pipe (nothing to echo) and a signal: the
 * cancel goes down to the sent request, the urb is unlinked, read() fails
 * with EINTR, and the pipe still works.
 */
TEST(usbdemo_signal_cancels_sent_read)
{
	struct ud_reader r = { 0 };
	pthread_t th;
	int had_test;

	install_sigusr1();
	ASSERT_EQ(0, ud_demo_attach(&had_test));
	r.fd = open(UD_NODE, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, r.fd);
	ASSERT_EQ(0, pthread_create(&th, NULL, ud_reader_fn, &r));
	ASSERT_EQ(0, ud_wait_sleeping(&r));
	pthread_kill(th, SIGUSR1);
	pthread_join(th, NULL);
	EXPECT_EQ(-1, r.ret);
	EXPECT_EQ(EINTR, r.err);
	EXPECT_EQ(0, ud_round_trip(r.fd, 3000, 9));
	close(r.fd);
	EXPECT_EQ(0, ud_demo_detach(had_test));
}

/*
 * The interface goes away with a read at the pipe: the USB core kills the
 * interface's urbs before disconnect() (STATUS_NO_SUCH_DEVICE: ENODEV),
 * then the device's deletion waits for its queues; read() fails, the
 * unbind finishes.
 */
TEST(usbdemo_unbind_with_read_pending)
{
	struct ud_reader r = { 0 };
	pthread_t th;
	int had_test;

	ASSERT_EQ(0, ud_demo_attach(&had_test));
	r.fd = open(UD_NODE, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, r.fd);
	ASSERT_EQ(0, pthread_create(&th, NULL, ud_reader_fn, &r));
	ASSERT_EQ(0, ud_wait_sleeping(&r));
	EXPECT_EQ(0, ud_put(UD_DRV_DEMO "/unbind", UD_INTF));
	pthread_join(th, NULL);
	EXPECT_EQ(-1, r.ret);
	EXPECT_EQ(ENODEV, r.err);
	/* the open file outlives the device */
	EXPECT_EQ(-1, write(r.fd, "x", 1));
	EXPECT_EQ(ENODEV, errno);
	close(r.fd);
	EXPECT_EQ(0, ud_demo_detach(had_test));
}

int main(int argc, char **argv)
{
	return wdfio_harness_run(argc, argv);
}
