// SPDX-License-Identifier: GPL-2.0
/*
 * seeds DIR: write a fuzz target's seed corpus into DIR, one file per seed.
 * Linked with one <name>_fuzz.c, whose fuzz_seeds() builds them.
 */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"

struct seed_dir {
	struct fuzz_seeder s;
	const char *dir;
	int failed;
	unsigned int count;
};

static void write_seed(struct fuzz_seeder *seeder, const char *name,
		       const void *buf, size_t len)
{
	struct seed_dir *s = (struct seed_dir *)seeder;
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", s->dir, name);
	f = fopen(path, "wb");
	if (f) {
		bool ok = fwrite(buf, 1, len, f) == len;

		if (!fclose(f) && ok) {
			s->count++;
			return;
		}
	}
	perror(path);
	s->failed = 1;
}

int main(int argc, char **argv)
{
	struct seed_dir s = { .s.seed = write_seed };

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	s.dir = argv[1];
	fuzz_seeds(&s.s);
	if (!s.count)
		fprintf(stderr, "%s: no seeds written\n", argv[0]);
	return s.failed || !s.count;
}
