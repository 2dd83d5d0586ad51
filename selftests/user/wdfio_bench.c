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
 * Started under a name containing "smoke" (the check suite installs it as
 * /tests/wdfio_bench_smoke) it does a smoke run: one round of a few I/Os per
 * row, so "make check" keeps the module and this program building and
 * working; ratios are printed but mean nothing.
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
#define ARRAY_SIZE(a)	(int)(sizeof(a) / sizeof((a)[0]))

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
static int nrounds = 5;
static unsigned int run_ms = 1000;
static const char *filter;
static int tap_n;

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
	double s[MAX_ROUNDS];

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

/* Per second: I/Os, or MiB for transfers above 4 KiB. */
static double rate(const struct wdfio_bench_run *r, unsigned int bs)
{
	double per_s = (double)r->ios * 1e9 / (double)r->ns;

	return bs > 4096 ? per_s * bs / (1024.0 * 1024.0) : per_s;
}

static const char *unit(unsigned int bs)
{
	return bs > 4096 ? "MiB/s" : "IOPS";
}

static void fmt_rate(char *buf, size_t len, double v, unsigned int bs)
{
	if (bs > 4096)
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
		if (do_run(w->dev, w->direct, w->flags, w->bs, w->qd,
			   w->threads, &a) ||
		    do_run(w->dev, w->wdf, w->flags, w->bs, w->qd, w->threads,
			   &b))
			return;
		d[i] = rate(&a, w->bs);
		x[i] = rate(&b, w->bs);
		ratio[i] = x[i] / d[i];
		delta[i] = (double)b.ns / b.ios - (double)a.ns / a.ios;
		fmt_rate(s1, sizeof(s1), d[i], w->bs);
		fmt_rate(s2, sizeof(s2), x[i], w->bs);
		printf("#   round %d/%d: direct %s  wdfio %s %s  ratio %.3f  (%llu + %llu I/Os)\n",
		       i + 1, nrounds, s1, s2, unit(w->bs), ratio[i],
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
	fmt_rate(s1, sizeof(s1), res->d_med, w->bs);
	fmt_rate(s2, sizeof(s2), res->w_med, w->bs);
	printf("#   median: direct %s  wdfio %s %s  ratio %.3f (±%.3f)  delta %+.0f ns/request\n",
	       s1, s2, unit(w->bs), res->ratio, res->spread, res->delta_ns);
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
	int nrows = ARRAY_SIZE(rows);
	int narows = ARRAY_SIZE(alloc_rows);
	int plan = 0, failed = 0, i, k;
	struct utsname uts;
	const char *env;

	(void)argc;
	base = base ? base + 1 : argv[0];
	smoke = !!strstr(base, "smoke");
	filter = getenv("WDFIO_TESTS");
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
		plan += selected(rows[i].name);
	for (i = 0; i < narows; i++)
		plan += selected(alloc_rows[i].name);
	for (i = 0; i < NR_BREAKDOWN; i++)
		plan += selected(breakdown_rows[i].name);
	plan += selected("primitives");
	uname(&uts);
	printf("# wdfio_bench%s: %d rounds x %u ms per run, kernel %s, %ld CPUs\n",
	       smoke ? " (smoke: 64 I/Os per run)" : "", nrounds, run_ms,
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
		if (!selected(rows[i].name)) {
			res[i].ok = -1;
			continue;
		}
		run_row(&rows[i], ++k, plan, &res[i]);
		printf("%s %d %s\n", res[i].ok ? "ok" : "not ok", ++tap_n,
		       rows[i].name);
		failed += !res[i].ok;
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
		fmt_rate(s1, sizeof(s1), res[i].d_med, rows[i].bs);
		fmt_rate(s2, sizeof(s2), res[i].w_med, rows[i].bs);
		printf("# | %s | %s | %s | %s | %s | %.3f | %.3f | %+.0f |\n",
		       rows[i].name, rows[i].desc, unit(rows[i].bs), s1, s2,
		       res[i].ratio, res[i].spread, res[i].delta_ns);
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
			       unit(rows[i].bs), res[i].rounds, res[i].d_med,
			       res[i].w_med, res[i].ratio, res[i].spread,
			       res[i].delta_ns, res[i].d_min, res[i].d_max,
			       res[i].w_min, res[i].w_max);
	printf("# bench-alloc-csv: row,ios,slab_allocs_per_io,slab_bytes_per_io,pages_per_io\n");
	for (i = 0; i < narows; i++)
		if (ares[i].ok == 1)
			printf("# bench-alloc-csv: %s,%llu,%.4f,%.1f,%.4f\n",
			       alloc_rows[i].name, ares[i].ios,
			       ares[i].allocs, ares[i].bytes, ares[i].pages);
	return failed ? 1 : 0;
}
