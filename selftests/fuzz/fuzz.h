/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the fuzz harnesses share.
 *
 * Each selftests/fuzz/<name>_fuzz.c is one libFuzzer target: it defines
 * LLVMFuzzerTestOneInput() and fuzz_seeds(). The same file builds twice:
 * with clang -fsanitize=fuzzer into build/fuzz/<name>_fuzz, and with
 * seeds.c into build/fuzz/<name>_seeds, which writes the seed corpus (valid
 * images made with the core's own writers) at build time, so no binary
 * corpus is kept in git.
 *
 * A harness finds bugs three ways: a crash or sanitizer report in the code
 * under test, a return value outside what its header promises, or a broken
 * invariant (FUZZ_CHECK), e.g. a sector that does not read back as written.
 */
#ifndef _PMDISK_FUZZ_H
#define _PMDISK_FUZZ_H

#include <stdio.h>
#include <stdlib.h>

#include "../../driver/core/compat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An invariant of the code under test: when it breaks, that is a finding. */
#define FUZZ_CHECK(cond, ...)						\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: FUZZ_CHECK(%s) failed: ",	\
				__FILE__, __LINE__, #cond);		\
			fprintf(stderr, __VA_ARGS__);			\
			fputc('\n', stderr);				\
			abort();					\
		}							\
	} while (0)

/* The fuzz input, read front to back; past its end every byte is 0. */
struct fuzz_in {
	const u8 *p;
	size_t n;
};

static inline u8 fuzz_u8(struct fuzz_in *in)
{
	u8 v = 0;

	if (in->n) {
		v = *in->p++;
		in->n--;
	}
	return v;
}

static inline u32 fuzz_le(struct fuzz_in *in, unsigned int bytes)
{
	u32 v = 0;
	unsigned int i;

	for (i = 0; i < bytes; i++)
		v |= (u32)fuzz_u8(in) << (8 * i);
	return v;
}

/* Seed corpus: fuzz_seeds() calls @seed once per seed file. */
struct fuzz_seeder {
	void (*seed)(struct fuzz_seeder *s, const char *name, const void *buf,
		     size_t len);
};
void fuzz_seeds(struct fuzz_seeder *s);

#endif /* _PMDISK_FUZZ_H */
