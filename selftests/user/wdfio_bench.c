// SPDX-License-Identifier: GPL-2.0
/*
 * wdfio_bench: runs the pairs of WDFIO_BENCH_ROWS() through /dev/wdfio_bench
 * (selftests/bench, wdfio_bench.ko), interleaved A B A B ... in one boot,
 * and prints
 *   - TAP: one result per row (ok unless an I/O failed or a run did not run),
 *   - progress: each round of each row as it finishes ("# " lines),
 *   - the table (markdown, between "# bench-table-begin/end"),
 *   - machine-readable lines "# bench-csv: ..." and "# bench-alloc-csv: ..."
 *     that scripts/vm-run.sh copies into results/ on the host.
 *
 * Environment: WDFIO_BENCH_ROUNDS (default 5), WDFIO_BENCH_MS (milliseconds
 * per run, default 1000), WDFIO_TESTS (comma-separated globs over the row
 * names; alloc rows are "alloc_<name>").
 *
 * fio rows (scripts/guest/init, setup_fio): WDFIO_BENCH_FIO is the command
 * that runs fio ("chroot /host /usr/bin/fio"), WDFIO_BENCH_FIO_RAW,
 * WDFIO_BENCH_FIO_DM, WDFIO_BENCH_FIO_WDF and WDFIO_BENCH_FIO_REMAP the raw
 * null_blk device, dm-linear over it, the WDF linear filter over it and the
 * bare remap over it (wdfio_remap.ko: the floor any bio-based forwarder
 * pays). Each round runs one fio with FIO_CYCLES cycles of four jobs, one
 * after the other (the order rotated each cycle), each half a run long; the
 * ratios and deltas are medians over all cycles of each cycle's.
 *
 * Started under a name containing "smoke" (the check suite installs it as
 * /tests/wdfio_bench_smoke) it does a smoke run: one round of a few I/Os per
 * row, so "make check" keeps the module and this program building and
 * working; ratios are printed but mean nothing. The USB and fio rows are
 * not in its plan at all (the check suite's test driver owns the gadget,
 * and that guest has no fio); in make bench a row that cannot run fails.
 *
 * WDFIO_BENCH_ICOUNT set (scripts/vm-run.sh --icount): the guest's clock
 * counts instructions, one per nanosecond, so a rate is I/Os per 10^9
 * guest instructions and a delta is instructions per I/O; the tables say so.
 * The count is the same in every run: one round (three cycles) by default.
 *
 * Each row starts with one uncounted run of each side (warm-up: TCG
 * translates code the first time it runs).
 *
 * Ratio of a row: the median over rounds of wdfio/direct (each round pairs a
 * direct run with the wdfio run right after it, so drift of the machine
 * cancels). Delta: the median over rounds of the difference in wall time
 * per request, ns (for 2 threads: wall time per request of both together).
 */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "wdfio_bench.h"

#define MAX_ROUNDS	51
#define FIO_CYCLES	3		/* fio rows: samples per round */
#define MAX_SAMPLES	(MAX_ROUNDS * FIO_CYCLES)
#define ARRAY_SIZE(a)	((int)(sizeof(a) / sizeof((a)[0])))

struct row {
	const char *name;
	const char *dev;
	unsigned int bs, qd, threads, direct, wdf, flags;
	const char *desc;
};

#define ROW(n, d, b, q, t, a, w, f, s)					\
	{ #n, d, b, q, t, a, w, f, s },
static const struct row rows[] = { WDFIO_BENCH_ROWS(ROW) };
#undef ROW

struct alloc_row {
	const char *name;
	unsigned int kind, flags;
	const char *desc;
};

#define AROW(n, k, f, s) { "alloc_" #n, k, f, s },
static const struct alloc_row alloc_rows[] = { WDFIO_BENCH_ALLOC_ROWS(AROW) };
#undef AROW

struct result {
	double d_med, w_med, ratio, delta_ns, spread;
	double d_min, d_max, w_min, w_max;
	int rounds;
	int ok;
};

static int fd = -1;
static int smoke;
static int icount;		/* WDFIO_BENCH_ICOUNT: time counts instructions */
static int nrounds = 5;
static unsigned int run_ms = 1000;
static const char *filter;
static int tap_n;

static int selected(const char *name);

/* Rows of the plan: selected, and not a USB or fio row in a smoke run. */
static int in_plan(const char *name)
{
	if (smoke && (!strncmp(name, "usb_", 4) || !strncmp(name, "fio_", 4)))
		return 0;
	return selected(name);
}

static int selected(const char *name)
{
	char pat[128];
	const char *p = filter;

	if (!p || !*p)
		return 1;
	while (*p) {
		size_t n = strcspn(p, ",");

		if (n && n < sizeof(pat)) {
			memcpy(pat, p, n);
			pat[n] = '\0';
			if (!fnmatch(pat, name, 0))
				return 1;
		}
		p += n;
		if (*p == ',')
			p++;
	}
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(const double *v, int n)
{
	double s[MAX_SAMPLES];

	memcpy(s, v, n * sizeof(*v));
	qsort(s, n, sizeof(*s), cmp_double);
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/* One run; returns 0 and fills *r, or prints why not and returns -1. */
static int do_run(const char *dev, unsigned int kind, unsigned int flags,
		  unsigned int bs, unsigned int qd, unsigned int threads,
		  struct wdfio_bench_run *r)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->dev, sizeof(r->dev), "%s", dev);
	r->kind = kind;
	r->flags = flags;
	r->bs = bs;
	r->qd = qd;
	r->threads = threads;
	r->duration_ms = run_ms;
	r->max_ios = smoke ? 64 : 0;
	if (ioctl(fd, WDFIO_BENCH_IOC_RUN, r)) {
		/* smoke: the USB kinds have no interface (see above) */
		if (smoke && errno == ENODEV) {
			printf("# skipped: run kind %u on %s: %s\n", kind, dev,
			       r->msg);
			return 1;
		}
		printf("# error: run kind %u on %s: %s (%s)\n", kind, dev,
		       strerror(errno), r->msg);
		return -1;
	}
	if (r->errors || !r->ios || !r->ns) {
		printf("# error: run kind %u on %s: %llu I/Os, %llu errors: %s\n",
		       kind, dev, (unsigned long long)r->ios,
		       (unsigned long long)r->errors, r->msg);
		return -1;
	}
	return 0;
}

/* A row in MiB/s rather than IOPS: transfers above 4 KiB, and USB. */
static int in_mib(const struct row *w)
{
	return w->bs > 4096 || w->direct == WDFIO_BENCH_USB_DIRECT;
}

/* Per second: I/Os, or MiB (@mib) */
static double rate(const struct wdfio_bench_run *r, unsigned int bs, int mib)
{
	double per_s = (double)r->ios * 1e9 / (double)r->ns;

	return mib ? per_s * bs / (1024.0 * 1024.0) : per_s;
}

static const char *unit(int mib)
{
	return mib ? "MiB/s" : "IOPS";
}

static void fmt_rate(char *buf, size_t len, double v, int mib)
{
	if (mib)
		snprintf(buf, len, "%.1f", v);
	else if (v >= 1000)
		snprintf(buf, len, "%.1fk", v / 1000);
	else
		snprintf(buf, len, "%.0f", v);
}

static void run_row(const struct row *w, int idx, int total,
		    struct result *res)
{
	double d[MAX_ROUNDS], x[MAX_ROUNDS], ratio[MAX_ROUNDS], delta[MAX_ROUNDS];
	struct wdfio_bench_run a, b;
	char s1[32], s2[32];
	int i;

	memset(res, 0, sizeof(*res));
	printf("# [%2d/%d] %s: %s\n", idx, total, w->name, w->desc);
	fflush(stdout);
	/*
	 * Warm-up, not counted: TCG translates code the first time it runs,
	 * and the device and slabs settle.
	 */
	if (!smoke &&
	    (do_run(w->dev, w->direct, w->flags, w->bs, w->qd, w->threads,
		    &a) ||
	     do_run(w->dev, w->wdf, w->flags, w->bs, w->qd, w->threads, &b)))
		return;
	for (i = 0; i < nrounds; i++) {
		int rc = do_run(w->dev, w->direct, w->flags, w->bs, w->qd,
				w->threads, &a);

		if (!rc)
			rc = do_run(w->dev, w->wdf, w->flags, w->bs, w->qd,
				    w->threads, &b);
		if (rc)
			return;
		d[i] = rate(&a, w->bs, in_mib(w));
		x[i] = rate(&b, w->bs, in_mib(w));
		ratio[i] = x[i] / d[i];
		delta[i] = (double)b.ns / b.ios - (double)a.ns / a.ios;
		fmt_rate(s1, sizeof(s1), d[i], in_mib(w));
		fmt_rate(s2, sizeof(s2), x[i], in_mib(w));
		printf("#   round %d/%d: direct %s  wdfio %s %s  ratio %.3f  (%llu + %llu I/Os)\n",
		       i + 1, nrounds, s1, s2, unit(in_mib(w)), ratio[i],
		       (unsigned long long)a.ios, (unsigned long long)b.ios);
		fflush(stdout);
	}
	res->rounds = nrounds;
	res->d_med = median(d, nrounds);
	res->w_med = median(x, nrounds);
	res->ratio = median(ratio, nrounds);
	res->delta_ns = median(delta, nrounds);
	qsort(d, nrounds, sizeof(*d), cmp_double);
	qsort(x, nrounds, sizeof(*x), cmp_double);
	qsort(ratio, nrounds, sizeof(*ratio), cmp_double);
	res->d_min = d[0];
	res->d_max = d[nrounds - 1];
	res->w_min = x[0];
	res->w_max = x[nrounds - 1];
	res->spread = (ratio[nrounds - 1] - ratio[0]) / 2;
	res->ok = 1;
	fmt_rate(s1, sizeof(s1), res->d_med, in_mib(w));
	fmt_rate(s2, sizeof(s2), res->w_med, in_mib(w));
	printf("#   median: direct %s  wdfio %s %s  ratio %.3f (±%.3f)  delta %+.0f ns/request\n",
	       s1, s2, unit(in_mib(w)), res->ratio, res->spread, res->delta_ns);
}

/* ------------------------------------------------------------------ */
/* fio rows: raw null_blk, dm-linear, the WDF linear filter, bare remap */

static const struct fio_row {
	const char *name;
	unsigned int qd;
	const char *desc;
} fio_rows[] = {
	{ "fio_randread_qd1", 1,
	  "fio 4K randread QD1, libaio O_DIRECT: raw, dm-linear, WDF filter, bare remap" },
	{ "fio_randread_qd32", 32,
	  "fio 4K randread QD32, libaio O_DIRECT: raw, dm-linear, WDF filter, bare remap" },
};

#define NR_FIO ARRAY_SIZE(fio_rows)

/* The sides of a fio row, in the order of their arrays. */
enum { FIO_RAW, FIO_DM, FIO_WDF, FIO_REMAP, FIO_NSIDES };

/*
 * @own_wdf, @own_dm: ns (instructions under icount) per I/O above the bare
 * remap, the forwarders' own cost over the floor
 */
struct fio_result {
	double med[FIO_NSIDES];	/* median IOPS of each side */
	double wdf_raw, wdf_dm, dm_raw, spread, delta_ns, own_wdf, own_dm;
	int rounds;
	int ok;
};

static const char *const fio_side[FIO_NSIDES] = {
	"raw", "dm-linear", "WDF linear", "bare remap"
};

/*
 * One round: one fio process running FIO_CYCLES cycles of four jobs, one
 * job after the other (stonewall), each fio_ms at @qd. Cycle c starts with
 * side (@first + c) % FIO_NSIDES (rotated: no side is always last), and
 * its jobs are one sample: when the host changes speed (this one, a VM
 * itself, switches between two speeds 1.8x apart every few seconds), one
 * cycle of 2 s is spoilt, not a whole round. IOPS into @iops[cycle][side];
 * returns 0, or -1 (printed why). One process per round, not per job:
 * under TCG fio takes seconds to start (its libraries come over 9p).
 */
static int fio_round(const char *fio, const char *const dev[FIO_NSIDES],
		     unsigned int qd, int first,
		     double iops[FIO_CYCLES][FIO_NSIDES])
{
	static const char *const job[FIO_NSIDES] = { "raw", "dm", "wdf", "remap" };
	char cmd[2048], line[4096], last[256] = "";
	unsigned int fio_ms = run_ms / 2 > 100 ? run_ms / 2 : 100;
	int rc, c, j, got = 0;
	size_t len;
	FILE *p;

	len = snprintf(cmd, sizeof(cmd),
		       "%s --direct=1 --ioengine=libaio --iodepth=%u --rw=randread --bs=4k --norandommap --randrepeat=0 --time_based --runtime=%ums --output-format=terse --terse-version=3",
		       fio, qd, fio_ms);
	for (c = 0; c < FIO_CYCLES; c++)
		for (j = 0; j < FIO_NSIDES && len < sizeof(cmd); j++) {
			int d = (first + c + j) % FIO_NSIDES;

			len += snprintf(cmd + len, sizeof(cmd) - len,
					" --name=%s%d --filename=%s%s", job[d],
					c, dev[d], c || j ? " --stonewall" : "");
		}
	if (len + 8 >= sizeof(cmd)) {
		printf("# error: fio command line too long\n");
		return -1;
	}
	strcat(cmd, " 2>&1");
	p = popen(cmd, "r");
	if (!p) {
		printf("# error: popen %s: %s\n", cmd, strerror(errno));
		return -1;
	}
	for (c = 0; c < FIO_CYCLES; c++)
		for (j = 0; j < FIO_NSIDES; j++)
			iops[c][j] = -1;
	while (fgets(line, sizeof(line), p)) {
		/* 3;fio-3.33;<job>;0;<error>;<kB>;<kB/s>;<IOPS>;... */
		char *f[9], *save = NULL, *tok, *end;
		int n = 0;

		if (strncmp(line, "3;", 2)) {
			snprintf(last, sizeof(last), "%.200s", line);
			continue;
		}
		for (tok = strtok_r(line, ";", &save); tok && n < 9;
		     tok = strtok_r(NULL, ";", &save))
			f[n++] = tok;
		if (n != 9 || strcmp(f[4], "0"))
			continue;
		for (j = 0; j < FIO_NSIDES; j++) {
			size_t l = strlen(job[j]);

			if (strncmp(f[2], job[j], l))
				continue;
			c = (int)strtol(f[2] + l, &end, 10);
			if (*end || end == f[2] + l || c < 0 ||
			    c >= FIO_CYCLES || iops[c][j] > 0)
				continue;
			iops[c][j] = strtod(f[7], NULL);
			got += iops[c][j] > 0;
		}
	}
	rc = pclose(p);
	if (rc || got != FIO_NSIDES * FIO_CYCLES) {
		printf("# error: fio (QD%u) exited with %d, %d of %d jobs reported IOPS: %s",
		       qd, rc, got, FIO_NSIDES * FIO_CYCLES,
		       last[0] ? last : "no output\n");
		return -1;
	}
	return 0;
}

static void run_fio_row(const struct fio_row *w, int idx, int total,
			struct fio_result *res)
{
	static double v[FIO_NSIDES][MAX_SAMPLES], wr[MAX_SAMPLES],
		wd[MAX_SAMPLES], dr[MAX_SAMPLES], delta[MAX_SAMPLES],
		own_w[MAX_SAMPLES], own_d[MAX_SAMPLES];
	double r[FIO_CYCLES][FIO_NSIDES];
	const char *fio = getenv("WDFIO_BENCH_FIO");
	const char *const dev[FIO_NSIDES] = {
		getenv("WDFIO_BENCH_FIO_RAW"), getenv("WDFIO_BENCH_FIO_DM"),
		getenv("WDFIO_BENCH_FIO_WDF"), getenv("WDFIO_BENCH_FIO_REMAP")
	};
	char s[FIO_NSIDES][32];
	int i, j, c, n = 0;

	memset(res, 0, sizeof(*res));
	printf("# [%2d/%d] %s: %s\n", idx, total, w->name, w->desc);
	for (j = 0; j < FIO_NSIDES; j++)
		if (!dev[j])
			fio = NULL;
	if (!fio) {
		printf("# error: no WDFIO_BENCH_FIO%s (see scripts/guest/init)\n",
		       "/_RAW/_DM/_WDF/_REMAP");
		return;
	}
	/* Warm-up, not counted (and fio's first start loads it over 9p) */
	if (fio_round(fio, dev, w->qd, 0, r))
		return;
	for (i = 0; i < nrounds; i++) {
		if (fio_round(fio, dev, w->qd, i % FIO_NSIDES, r))
			return;
		for (c = 0; c < FIO_CYCLES; c++, n++) {
			for (j = 0; j < FIO_NSIDES; j++) {
				v[j][n] = r[c][j];
				fmt_rate(s[j], sizeof(s[j]), v[j][n], 0);
			}
			wr[n] = v[FIO_WDF][n] / v[FIO_RAW][n];
			wd[n] = v[FIO_WDF][n] / v[FIO_DM][n];
			dr[n] = v[FIO_DM][n] / v[FIO_RAW][n];
			delta[n] = 1e9 / v[FIO_WDF][n] - 1e9 / v[FIO_RAW][n];
			own_w[n] = 1e9 / v[FIO_WDF][n] - 1e9 / v[FIO_REMAP][n];
			own_d[n] = 1e9 / v[FIO_DM][n] - 1e9 / v[FIO_REMAP][n];
			printf("#   round %d/%d.%d: %s %s  %s %s  %s %s  %s %s IOPS",
			       i + 1, nrounds, c + 1, fio_side[0], s[0],
			       fio_side[1], s[1], fio_side[2], s[2],
			       fio_side[3], s[3]);
			printf("  WDF/raw %.3f  WDF/dm %.3f\n", wr[n], wd[n]);
		}
	}
	res->rounds = n;
	for (j = 0; j < FIO_NSIDES; j++)
		res->med[j] = median(v[j], n);
	res->wdf_raw = median(wr, n);
	res->wdf_dm = median(wd, n);
	res->dm_raw = median(dr, n);
	res->delta_ns = median(delta, n);
	res->own_wdf = median(own_w, n);
	res->own_dm = median(own_d, n);
	qsort(wr, n, sizeof(*wr), cmp_double);
	res->spread = (wr[n - 1] - wr[0]) / 2;
	res->ok = 1;
	for (j = 0; j < FIO_NSIDES; j++)
		fmt_rate(s[j], sizeof(s[j]), res->med[j], 0);
	printf("#   median of %d cycles: raw %s  dm-linear %s  WDF linear %s  bare remap %s IOPS",
	       n, s[0], s[1], s[2], s[3]);
	printf("  WDF/raw %.3f (±%.3f)  WDF/dm-linear %.3f  dm-linear/raw %.3f",
	       res->wdf_raw, res->spread, res->wdf_dm, res->dm_raw);
	printf("  above bare remap: WDF %+.0f, dm-linear %+.0f %s/I/O\n",
	       res->own_wdf, res->own_dm, icount ? "instructions" : "ns");
}

struct alloc_result {
	double allocs, bytes, pages;
	unsigned long long ios;
	int ok;
};

static void run_alloc_row(const struct alloc_row *w, struct alloc_result *res)
{
	struct wdfio_bench_run r;

	memset(res, 0, sizeof(*res));
	if (do_run(WDFIO_BENCH_NB_IRQ0, w->kind,
		   w->flags | WDFIO_BENCH_F_COUNT_ALLOCS, 4096, 1, 1, &r))
		return;
	res->ios = r.ios;
	res->allocs = (double)r.allocs / r.ios;
	res->bytes = (double)r.alloc_bytes / r.ios;
	res->pages = (double)r.pages / r.ios;
	res->ok = 1;
	printf("#   %s: %llu I/Os, %.3f slab allocations/I/O (%.0f bytes), %.3f pages/I/O\n",
	       w->name, res->ios, res->allocs, res->bytes, res->pages);
}

/* Where a request's time goes (F_BREAKDOWN), irqmode=0, QD1, 4 KiB. */
static const struct {
	const char *name;
	unsigned int kind, flags;
	const char *steps[WDFIO_BENCH_PHASES];
} breakdown_rows[] = {
	{ "breakdown_direct", WDFIO_BENCH_DIRECT_ASYNC, 0,
	  { "bio_alloc_bioset+add_page", "submit_bio+end_io" } },
	{ "breakdown_wdf_new", WDFIO_BENCH_WDF_ASYNC_NEW, 0,
	  { "WdfRequestCreate", "Format", "SetCompletionRoutine",
	    "WdfRequestSend+completion" } },
	{ "breakdown_wdf_reuse", WDFIO_BENCH_WDF_ASYNC_REUSE, 0,
	  { "WdfRequestReuse", "Format", "SetCompletionRoutine",
	    "WdfRequestSend+completion" } },
	{ "breakdown_direct_timed", WDFIO_BENCH_DIRECT_ASYNC,
	  WDFIO_BENCH_F_TIMEOUT,
	  { "bio_alloc_bioset+add_page", "mod_timer+submit_bio+end_io" } },
	{ "breakdown_wdf_reuse_timed", WDFIO_BENCH_WDF_ASYNC_REUSE,
	  WDFIO_BENCH_F_TIMEOUT,
	  { "WdfRequestReuse", "Format", "SetCompletionRoutine",
	    "WdfRequestSend(TIMEOUT)+completion" } },
};

#define NR_BREAKDOWN ARRAY_SIZE(breakdown_rows)

static char breakdown_text[NR_BREAKDOWN][512];
static char primitives_text[256];

/* What locks, atomics and copies cost on this machine (no I/O). */
static int run_primitives(void)
{
	struct wdfio_bench_run r;

	if (do_run("-", WDFIO_BENCH_PRIMITIVES, 0, 4096, 1, 1, &r))
		return 0;
	snprintf(primitives_text, sizeof(primitives_text),
		 "spin_lock_irqsave+unlock %.0f, refcount inc+dec_and_test %.0f, memcpy 4 KiB %.0f, ktime_get_ns %.0f",
		 (double)r.phase_ns[0] / r.ios, (double)r.phase_ns[1] / r.ios,
		 (double)r.phase_ns[2] / r.ios, (double)r.phase_ns[3] / r.ios);
	printf("#   primitives (ns per operation): %s\n", primitives_text);
	return 1;
}

static int run_breakdown(int i)
{
	struct wdfio_bench_run r;
	size_t len = 0;
	int p;

	if (do_run(WDFIO_BENCH_NB_IRQ0, breakdown_rows[i].kind,
		   breakdown_rows[i].flags | WDFIO_BENCH_F_BREAKDOWN, 4096, 1,
		   1, &r))
		return 0;
	for (p = 0; p < WDFIO_BENCH_PHASES && breakdown_rows[i].steps[p]; p++)
		len += snprintf(breakdown_text[i] + len,
				sizeof(breakdown_text[i]) - len, "%s%s %.0f",
				p ? ", " : "", breakdown_rows[i].steps[p],
				(double)r.phase_ns[p] / r.ios);
	printf("#   %s (ns per I/O, timer overhead included): %s\n",
	       breakdown_rows[i].name, breakdown_text[i]);
	return 1;
}

int main(int argc, char **argv)
{
	const char *base = strrchr(argv[0], '/');
	struct result res[ARRAY_SIZE(rows)];
	struct alloc_result ares[ARRAY_SIZE(alloc_rows)];
	struct fio_result fres[NR_FIO];
	int nrows = ARRAY_SIZE(rows);
	int narows = ARRAY_SIZE(alloc_rows);
	int plan = 0, failed = 0, i, k;
	struct utsname uts;
	const char *env;

	(void)argc;
	base = base ? base + 1 : argv[0];
	smoke = !!strstr(base, "smoke");
	filter = getenv("WDFIO_TESTS");
	icount = !!getenv("WDFIO_BENCH_ICOUNT");
	/* Counted instructions are the same every round: one is enough. */
	if (icount)
		nrounds = 1;
	env = getenv("WDFIO_BENCH_ROUNDS");
	if (env && atoi(env) > 0)
		nrounds = atoi(env) < MAX_ROUNDS ? atoi(env) : MAX_ROUNDS;
	env = getenv("WDFIO_BENCH_MS");
	if (env && atoi(env) > 0)
		run_ms = atoi(env);
	if (smoke) {
		nrounds = 1;
		run_ms = 200;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);

	for (i = 0; i < nrows; i++)
		plan += in_plan(rows[i].name);
	for (i = 0; i < NR_FIO; i++)
		plan += in_plan(fio_rows[i].name);
	for (i = 0; i < narows; i++)
		plan += selected(alloc_rows[i].name);
	for (i = 0; i < NR_BREAKDOWN; i++)
		plan += selected(breakdown_rows[i].name);
	plan += selected("primitives");
	uname(&uts);
	printf("# wdfio_bench%s%s: %d rounds x %u ms per run, kernel %s, %ld CPUs\n",
	       smoke ? " (smoke: 64 I/Os per run)" : "",
	       icount ? " (time counts instructions)" : "", nrounds, run_ms,
	       uts.release, sysconf(_SC_NPROCESSORS_ONLN));
	printf("1..%d\n", plan);
	fd = open(WDFIO_BENCH_DEVICE, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		printf("# error: open %s: %s (is wdfio_bench.ko loaded?)\n",
		       WDFIO_BENCH_DEVICE, strerror(errno));
		for (i = 0; i < plan; i++)
			printf("not ok %d bench\n", ++tap_n);
		return 1;
	}

	k = 0;
	for (i = 0; i < nrows; i++) {
		if (!in_plan(rows[i].name)) {
			res[i].ok = -1;
			continue;
		}
		run_row(&rows[i], ++k, plan, &res[i]);
		printf("%s %d %s\n", res[i].ok ? "ok" : "not ok", ++tap_n,
		       rows[i].name);
		failed += !res[i].ok;
	}
	for (i = 0; i < NR_FIO; i++) {
		if (!in_plan(fio_rows[i].name)) {
			fres[i].ok = -1;
			continue;
		}
		run_fio_row(&fio_rows[i], ++k, plan, &fres[i]);
		printf("%s %d %s\n", fres[i].ok ? "ok" : "not ok", ++tap_n,
		       fio_rows[i].name);
		failed += !fres[i].ok;
	}
	printf("# allocations per I/O (kmem tracepoints, PGALLOC events), %s, QD1, 4 KiB:\n",
	       WDFIO_BENCH_NB_IRQ0);
	for (i = 0; i < narows; i++) {
		if (!selected(alloc_rows[i].name)) {
			ares[i].ok = -1;
			continue;
		}
		run_alloc_row(&alloc_rows[i], &ares[i]);
		printf("%s %d %s\n", ares[i].ok ? "ok" : "not ok", ++tap_n,
		       alloc_rows[i].name);
		failed += !ares[i].ok;
	}
	printf("# time per step, %s, QD1, 4 KiB:\n", WDFIO_BENCH_NB_IRQ0);
	for (i = 0; i < NR_BREAKDOWN; i++) {
		int ok;

		if (!selected(breakdown_rows[i].name))
			continue;
		ok = run_breakdown(i);
		printf("%s %d %s\n", ok ? "ok" : "not ok", ++tap_n,
		       breakdown_rows[i].name);
		failed += !ok;
	}
	if (selected("primitives")) {
		int ok = run_primitives();

		printf("%s %d primitives\n", ok ? "ok" : "not ok", ++tap_n);
		failed += !ok;
	}
	close(fd);

	/* The table (markdown) and the machine-readable lines. */
	printf("# bench-table-begin\n");
	printf("# | row | what | unit | direct | wdfio | wdfio/direct | ± | Δ ns/request |\n");
	printf("# |---|---|---|---:|---:|---:|---:|---:|\n");
	for (i = 0; i < nrows; i++) {
		char s1[32], s2[32];

		if (res[i].ok != 1)
			continue;
		fmt_rate(s1, sizeof(s1), res[i].d_med, in_mib(&rows[i]));
		fmt_rate(s2, sizeof(s2), res[i].w_med, in_mib(&rows[i]));
		printf("# | %s | %s | %s | %s | %s | %.3f | %.3f | %+.0f |\n",
		       rows[i].name, rows[i].desc, unit(in_mib(&rows[i])), s1, s2,
		       res[i].ratio, res[i].spread, res[i].delta_ns);
	}
	for (i = 0, k = 0; i < NR_FIO; i++)
		k += fres[i].ok == 1;
	if (k) {
		printf("#\n");
		if (icount)
			printf("# Guest time counts instructions (QEMU -icount shift=0): %s\n#\n",
			       "IOPS are I/Os per 10^9 guest instructions, Δ is guest instructions per I/O.");
		printf("# | fio row | what | unit | raw null_blk | dm-linear |");
		printf(" WDF linear | bare remap |");
		printf(" WDF/raw | WDF/dm-linear | dm-linear/raw | Δ %s WDF−raw |",
		       icount ? "instructions/I/O" : "ns/request");
		printf(" Δ %s above bare remap: WDF, dm-linear |\n",
		       icount ? "instructions/I/O" : "ns/request");
		printf("# |---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
	}
	for (i = 0; i < NR_FIO; i++) {
		char s[FIO_NSIDES][32];
		int j;

		if (fres[i].ok != 1)
			continue;
		for (j = 0; j < FIO_NSIDES; j++)
			fmt_rate(s[j], sizeof(s[j]), fres[i].med[j], 0);
		printf("# | %s | %s | %s | %s | %s | %s | %s |",
		       fio_rows[i].name, fio_rows[i].desc,
		       icount ? "I/Os per 10^9 instructions" : "IOPS",
		       s[FIO_RAW], s[FIO_DM], s[FIO_WDF], s[FIO_REMAP]);
		printf(" %.3f | %.3f | %.3f | %+.0f | %+.0f, %+.0f |\n",
		       fres[i].wdf_raw, fres[i].wdf_dm, fres[i].dm_raw,
		       fres[i].delta_ns, fres[i].own_wdf, fres[i].own_dm);
	}
	printf("#\n");
	printf("# | allocation row | what | slab allocs/I/O | bytes/I/O | pages/I/O |\n");
	printf("# |---|---|---:|---:|---:|\n");
	for (i = 0; i < narows; i++)
		if (ares[i].ok == 1)
			printf("# | %s | %s | %.3f | %.0f | %.3f |\n",
			       alloc_rows[i].name, alloc_rows[i].desc,
			       ares[i].allocs, ares[i].bytes, ares[i].pages);
	printf("#\n");
	printf("# | time per step (ns per I/O) | steps |\n");
	printf("# |---|---|\n");
	for (i = 0; i < NR_BREAKDOWN; i++)
		if (breakdown_text[i][0])
			printf("# | %s | %s |\n", breakdown_rows[i].name,
			       breakdown_text[i]);
	if (primitives_text[0])
		printf("# | primitives (ns per operation, no I/O) | %s |\n",
		       primitives_text);
	printf("# bench-table-end\n");

	printf("# bench-csv: row,device,bs,qd,threads,flags,unit,rounds,direct_median,wdfio_median,ratio_median,ratio_halfrange,delta_ns_median,direct_min,direct_max,wdfio_min,wdfio_max\n");
	for (i = 0; i < nrows; i++)
		if (res[i].ok == 1)
			printf("# bench-csv: %s,%s,%u,%u,%u,%u,%s,%d,%.1f,%.1f,%.4f,%.4f,%.1f,%.1f,%.1f,%.1f,%.1f\n",
			       rows[i].name, rows[i].dev, rows[i].bs,
			       rows[i].qd, rows[i].threads, rows[i].flags,
			       unit(in_mib(&rows[i])), res[i].rounds, res[i].d_med,
			       res[i].w_med, res[i].ratio, res[i].spread,
			       res[i].delta_ns, res[i].d_min, res[i].d_max,
			       res[i].w_min, res[i].w_max);
	printf("# bench-fio-csv: row,qd,cycles,raw_iops_median,dm_linear_iops_median,wdf_linear_iops_median,wdf_raw_ratio_median,wdf_dm_ratio_median,dm_raw_ratio_median,wdf_raw_ratio_halfrange,delta_ns_wdf_raw_median,bare_remap_iops_median,delta_ns_wdf_remap_median,delta_ns_dm_remap_median\n");
	for (i = 0; i < NR_FIO; i++)
		if (fres[i].ok == 1)
			printf("# bench-fio-csv: %s,%u,%d,%.1f,%.1f,%.1f,%.4f,%.4f,%.4f,%.4f,%.1f,%.1f,%.1f,%.1f\n",
			       fio_rows[i].name, fio_rows[i].qd, fres[i].rounds,
			       fres[i].med[FIO_RAW], fres[i].med[FIO_DM],
			       fres[i].med[FIO_WDF], fres[i].wdf_raw,
			       fres[i].wdf_dm, fres[i].dm_raw, fres[i].spread,
			       fres[i].delta_ns, fres[i].med[FIO_REMAP],
			       fres[i].own_wdf, fres[i].own_dm);
	printf("# bench-alloc-csv: row,ios,slab_allocs_per_io,slab_bytes_per_io,pages_per_io\n");
	for (i = 0; i < narows; i++)
		if (ares[i].ok == 1)
			printf("# bench-alloc-csv: %s,%llu,%.4f,%.1f,%.4f\n",
			       alloc_rows[i].name, ares[i].ios,
			       ares[i].allocs, ares[i].bytes, ares[i].pages);
	return failed ? 1 : 0;
}
