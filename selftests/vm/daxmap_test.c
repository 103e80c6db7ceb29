// SPDX-License-Identifier: GPL-2.0
/*
 * daxmap: load/store access to DAX mappings (selftests/vm/180-dax.sh).
 *
 * Not a kselftest program (see tearprobe_test.c for why it is named _test):
 *
 *   daxmap_test mapsync FILE       map FILE MAP_SHARED_VALIDATE | MAP_SYNC;
 *                                  exit 0 if the kernel allows it, 1 (with
 *                                  the errno) if it refuses
 *   daxmap_test write PATH OFF LEN SEED [--sync]
 *                                  map PATH (a file: MAP_SYNC when --sync;
 *                                  a devdax device) at OFF and store LEN
 *                                  bytes of a pattern made from SEED, then
 *                                  write the cache lines back and fence;
 *                                  prints the page faults the stores took
 *                                  (a 2 MiB-aligned devdax disk maps 2 MiB
 *                                  pages: one fault each)
 *   daxmap_test check PATH OFF LEN SEED
 *                                  map PATH and compare LEN bytes at OFF
 *                                  with SEED's pattern; exit 0 when equal
 *   daxmap_test align PATH LEN ALIGN
 *                                  map LEN bytes of the device at offset 0
 *                                  and print "addr-aligned yes|no" for ALIGN
 *   daxmap_test private PATH LEN   a MAP_PRIVATE mapping: exit 0 when the
 *                                  kernel refuses it (devdax must)
 *
 * OFF and LEN are multiples of the mapping's alignment (4 KiB for files,
 * the device's alignment for devdax). The pattern is a 64-bit xorshift
 * sequence, one word per 8 bytes, so any misplaced or stale word shows.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef MAP_SHARED_VALIDATE
#define MAP_SHARED_VALIDATE	0x03
#endif
#ifndef MAP_SYNC
#define MAP_SYNC		0x80000
#endif

static uint64_t next_word(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*state = x;
	return x;
}

/* The pattern's state before its first word, for @seed. */
static uint64_t pattern_start(uint64_t seed)
{
	return seed * 0x9e3779b97f4a7c15ULL | 1;
}

static void *map_or_die(const char *path, int oflags, int mflags, size_t len, off_t off)
{
	int fd = open(path, oflags);
	void *p;

	if (fd < 0) {
		fprintf(stderr, "daxmap: open %s: %s\n", path, strerror(errno));
		exit(2);
	}
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, mflags, fd, off);
	if (p == MAP_FAILED) {
		fprintf(stderr, "daxmap: mmap %s (%zu bytes at %lld): %s\n", path, len,
			(long long)off, strerror(errno));
		exit(2);
	}
	close(fd);
	return p;
}

/* Write back every cache line of [p, p + len) and fence. */
static void persist(const void *p, size_t len)
{
	const char *c = p;
	size_t i;

	for (i = 0; i < len; i += 64)
		__builtin_ia32_clflush(c + i);
	__builtin_ia32_sfence();
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";

	if (!strcmp(cmd, "mapsync") && argc == 3) {
		int fd = open(argv[2], O_RDWR);
		void *p;

		if (fd < 0) {
			fprintf(stderr, "daxmap: open %s: %s\n", argv[2], strerror(errno));
			return 2;
		}
		p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			 MAP_SHARED_VALIDATE | MAP_SYNC, fd, 0);
		if (p == MAP_FAILED) {
			printf("mapsync refused: %s\n", strerror(errno));
			return 1;
		}
		printf("mapsync allowed\n");
		return 0;
	}
	if ((!strcmp(cmd, "write") && (argc == 6 || argc == 7)) ||
	    (!strcmp(cmd, "check") && argc == 6)) {
		off_t off = strtoll(argv[3], NULL, 0);
		size_t len = strtoull(argv[4], NULL, 0), i, bad = 0;
		uint64_t state = pattern_start(strtoull(argv[5], NULL, 0));
		bool sync = argc == 7 && !strcmp(argv[6], "--sync");
		uint64_t *w = map_or_die(argv[2], O_RDWR,
					 sync ? MAP_SHARED_VALIDATE | MAP_SYNC : MAP_SHARED,
					 len, off);
		struct rusage before;
		long faults;

		getrusage(RUSAGE_SELF, &before);
		faults = before.ru_minflt + before.ru_majflt;

		for (i = 0; i < len / 8; i++) {
			uint64_t want = next_word(&state);

			if (cmd[0] == 'w')
				w[i] = want;
			else if (w[i] != want && bad++ < 4)
				printf("word %zu at byte %zu: %#llx, not %#llx\n", i,
				       (size_t)off + i * 8, (unsigned long long)w[i],
				       (unsigned long long)want);
		}
		if (cmd[0] == 'w') {
			struct rusage ru;

			persist(w, len);
			getrusage(RUSAGE_SELF, &ru);
			faults = ru.ru_minflt + ru.ru_majflt - faults;
			printf("daxmap: wrote %zu bytes, %ld page faults\n", len, faults);
			return 0;
		}
		printf("daxmap: %zu of %zu words differ\n", bad, len / 8);
		return bad ? 1 : 0;
	}
	if (!strcmp(cmd, "align") && argc == 5) {
		size_t len = strtoull(argv[3], NULL, 0), align = strtoull(argv[4], NULL, 0);
		void *p = map_or_die(argv[2], O_RDWR, MAP_SHARED, len, 0);

		printf("addr-aligned %s\n", ((uintptr_t)p % align) ? "no" : "yes");
		return 0;
	}
	if (!strcmp(cmd, "private") && argc == 4) {
		int fd = open(argv[2], O_RDWR);
		void *p = mmap(NULL, strtoull(argv[3], NULL, 0), PROT_READ | PROT_WRITE,
			       MAP_PRIVATE, fd, 0);

		if (p == MAP_FAILED) {
			printf("private refused: %s\n", strerror(errno));
			return 0;
		}
		printf("private allowed\n");
		return 1;
	}
	fprintf(stderr, "usage: see the comment at the top of daxmap_test.c\n");
	return 2;
}
