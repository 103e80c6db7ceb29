// SPDX-License-Identifier: GPL-2.0
/*
 * tearprobe: find torn sectors after a power cut (selftests/vm/100-btt.sh).
 *
 * Not a kselftest program: the suite runs it by hand (selftests/run runs
 * only the host programs build/host/NAME_test and the suites
 * selftests/vm/NAME.sh). It is named _test because that is what the
 * Makefile's static guest-program rule builds into build/guest/, from where
 * qemu/mkinitramfs installs it as /pmd/tests/tearprobe_test.
 *
 *   tearprobe_test write DEV FIRST NSECT [-j JOBS] [-c CHUNK] [-m MARKER] [-t SECS]
 *   tearprobe_test scan DEV FIRST NSECT [-j JOBS]
 *
 * The region is NSECT logical sectors of DEV from sector FIRST, split into
 * JOBS equal ranges, one writer thread each. Every 8-byte word of a sector
 * holds (generation << 32 | lba), so a sector is whole when all its words
 * are equal and holds the right lba.
 *
 * write: fills the region with generation 1, prints MARKER, then each thread
 * rewrites its range from start to end, CHUNK sectors per O_DIRECT pwrite,
 * with generation 2, 3, ... until killed (or for SECS seconds). A power cut
 * then leaves in each range: sectors of generation g and g-1 (g the newest
 * one begun), and at most the sectors of the writes in flight torn.
 *
 * scan: reads the region with O_DIRECT and prints one line
 *   tearprobe: sectors=N torn=T stale=S misplaced=M zero=Z gens=LO..HI
 * torn: sectors with more than one generation in them; misplaced: whole
 * sectors whose lba is not theirs; zero: all-zero sectors; stale: whole
 * sectors more than one generation older than their range's newest (a
 * write that had completed was lost). The first torn sectors are described
 * on lines of their own. Exit status 0 when it could read the region.
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
#include <time.h>
#include <unistd.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define MAX_JOBS 64

static int fd;
static unsigned int ssz;		/* logical sector size */
static uint64_t first, nsect, chunk = 1;
static unsigned int jobs = 1;
static double seconds;			/* 0: until killed */

static void die(const char *what)
{
	fprintf(stderr, "tearprobe: %s: %s\n", what, strerror(errno));
	exit(2);
}

static void *xalloc(size_t n)
{
	void *p;

	if (posix_memalign(&p, 4096, n))
		die("posix_memalign");
	return p;
}

/*
 * Fill @n sectors from @lba with generation @gen. Unrolled 16-byte stores:
 * the less time the writer spends here, the more of it is spent in the
 * driver's copy, where a power cut tears a sector of a raw disk.
 */
static void fill(uint64_t *buf, uint64_t lba, uint64_t n, uint64_t gen)
{
	unsigned int words = ssz / 8, i;
	uint64_t s;

	for (s = 0; s < n; s++) {
		uint64_t v = gen << 32 | (uint32_t)(lba + s), *w = buf + s * words;
#ifdef __SSE2__
		__m128i x = _mm_set1_epi64x(v);

		for (i = 0; i < words; i += 8) {	/* ssz is a multiple of 64 */
			_mm_store_si128((__m128i *)(w + i), x);
			_mm_store_si128((__m128i *)(w + i + 2), x);
			_mm_store_si128((__m128i *)(w + i + 4), x);
			_mm_store_si128((__m128i *)(w + i + 6), x);
		}
#else
		for (i = 0; i < words; i++)
			w[i] = v;
#endif
	}
}

static void range_of(unsigned int j, uint64_t *start, uint64_t *n)
{
	uint64_t per = nsect / jobs;

	*start = first + j * per;
	*n = j == jobs - 1 ? nsect - j * per : per;
}

static void write_range(uint64_t *buf, uint64_t start, uint64_t n, uint64_t gen)
{
	uint64_t lba, k;

	for (lba = start; lba < start + n; lba += k) {
		k = start + n - lba < chunk ? start + n - lba : chunk;
		fill(buf, lba, k, gen);
		if (pwrite(fd, buf, k * ssz, lba * ssz) != (ssize_t)(k * ssz))
			die("pwrite");
	}
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *writer(void *arg)
{
	unsigned int j = (unsigned int)(uintptr_t)arg;
	uint64_t *buf = xalloc(chunk * ssz);
	uint64_t start, n, gen;
	double t0 = now();

	range_of(j, &start, &n);
	for (gen = 2; !seconds || now() - t0 < seconds; gen++)
		write_range(buf, start, n, gen);
	printf("tearprobe: job %u stopped after generation %llu\n", j,
	       (unsigned long long)gen - 1);
	return NULL;
}

static int do_write(const char *marker)
{
	pthread_t t[MAX_JOBS];
	uint64_t *buf = xalloc(chunk * ssz);
	uintptr_t j;

	write_range(buf, first, nsect, 1);
	if (fsync(fd))
		die("fsync");
	printf("%s\n", marker);
	fflush(stdout);
	for (j = 0; j < jobs; j++)
		if (pthread_create(&t[j], NULL, writer, (void *)j))
			die("pthread_create");
	for (j = 0; j < jobs; j++)
		pthread_join(t[j], NULL);
	return 0;
}

static void describe_torn(uint64_t lba, const uint64_t *w)
{
	unsigned int words = ssz / 8, i;

	printf("tearprobe: torn lba %llu:", (unsigned long long)lba);
	for (i = 0; i < words; i++)
		if (!i || w[i] != w[i - 1])
			printf(" word %u gen %llu lba %llu", i,
			       (unsigned long long)(w[i] >> 32),
			       (unsigned long long)(uint32_t)w[i]);
	printf("\n");
}

static int do_scan(void)
{
	unsigned int words = ssz / 8, i, j, described = 0;
	uint64_t torn = 0, stale = 0, misplaced = 0, zero = 0;
	uint64_t lo = UINT64_MAX, hi = 0, start, n, s;
	uint64_t *buf, *gens;

	gens = calloc(nsect, sizeof(*gens));
	buf = xalloc((size_t)nsect * ssz);
	if (!gens)
		die("calloc");
	if (pread(fd, buf, nsect * ssz, first * ssz) != (ssize_t)(nsect * ssz))
		die("pread");
	for (j = 0; j < jobs; j++) {
		uint64_t newest = 0;

		range_of(j, &start, &n);
		for (s = start - first; s < start - first + n; s++) {
			uint64_t *w = buf + s * words;
			int whole = 1;

			gens[s] = UINT64_MAX;	/* not a whole sector of ours */
			for (i = 1; i < words; i++)
				if (w[i] != w[0])
					whole = 0;
			if (!whole) {
				torn++;
				if (described++ < 8)
					describe_torn(first + s, w);
			} else if (!w[0]) {
				zero++;
			} else if ((uint32_t)w[0] != (uint32_t)(first + s)) {
				misplaced++;
			} else {
				gens[s] = w[0] >> 32;
				if (gens[s] > newest)
					newest = gens[s];
				if (gens[s] < lo)
					lo = gens[s];
				if (gens[s] > hi)
					hi = gens[s];
			}
		}
		for (s = start - first; s < start - first + n; s++)
			if (gens[s] != UINT64_MAX && gens[s] + 1 < newest)
				stale++;
	}
	printf("tearprobe: sectors=%llu torn=%llu stale=%llu misplaced=%llu zero=%llu gens=%llu..%llu\n",
	       (unsigned long long)nsect, (unsigned long long)torn,
	       (unsigned long long)stale, (unsigned long long)misplaced,
	       (unsigned long long)zero, (unsigned long long)(lo == UINT64_MAX ? 0 : lo),
	       (unsigned long long)hi);
	return 0;
}

static void bad_args(void)
{
	fprintf(stderr,
		"usage: tearprobe_test write DEV FIRST NSECT [-j JOBS] [-c CHUNK] [-m MARKER] [-t SECS]\n"
		"       tearprobe_test scan DEV FIRST NSECT [-j JOBS]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *marker = "TEARPROBE-RUNNING";
	int opt, scan;

	if (argc < 5)
		bad_args();
	scan = !strcmp(argv[1], "scan");
	if (!scan && strcmp(argv[1], "write"))
		bad_args();
	first = strtoull(argv[3], NULL, 0);
	nsect = strtoull(argv[4], NULL, 0);
	optind = 5;
	while ((opt = getopt(argc, argv, "j:c:m:t:")) != -1) {
		switch (opt) {
		case 'j':
			jobs = atoi(optarg);
			break;
		case 'c':
			chunk = strtoull(optarg, NULL, 0);
			break;
		case 'm':
			marker = optarg;
			break;
		case 't':
			seconds = atof(optarg);
			break;
		default:
			bad_args();
		}
	}
	if (!jobs || jobs > MAX_JOBS || !chunk || nsect < jobs)
		bad_args();
	fd = open(argv[2], (scan ? O_RDONLY : O_RDWR) | O_DIRECT);
	if (fd < 0)
		die(argv[2]);
	if (ioctl(fd, BLKSSZGET, &ssz) || ssz < 512 || ssz % 64)
		die("BLKSSZGET");
	setvbuf(stdout, NULL, _IOLBF, 0);
	return scan ? do_scan() : do_write(marker);
}
