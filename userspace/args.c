// SPDX-License-Identifier: GPL-2.0
/*
 * pmemctl: parsing what people type (sizes, ids, disk names; uuids with
 * libuuid) and asking them to confirm. See args.h.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <uuid/uuid.h>

#include "args.h"
#include "ctl.h"

/* "64M", "1.5G" (binary suffixes K, M, G, T), plain bytes. */
int parse_size(const char *s, unsigned long long *out)
{
	static const char suffixes[] = "KMGT";
	unsigned long long mult = 1;
	const char *p;
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || errno || v <= 0)
		return -1;
	if (*end) {
		p = strchr(suffixes, toupper((unsigned char)*end));
		if (!p || !*end || (end[1] && strcmp(end + 1, "iB") && strcmp(end + 1, "B")))
			return -1;
		mult = 1ULL << (10 * (p - suffixes + 1));
	}
	if (v * mult >= 18446744073709551615.0)
		return -1;
	*out = (unsigned long long)(v * mult + 0.5);
	return 0;
}

/* 512 or 4096: the sector sizes of create and convert. */
int parse_sector_size(const char *s, __u32 *sector_size)
{
	if (strcmp(s, "512") && strcmp(s, "4096"))
		return -1;
	*sector_size = atoi(s);
	return 0;
}

/* "region1" or "1" (with any prefix given), into an id. */
int parse_id(const char *s, const char *prefix, unsigned int *id)
{
	char *end;
	unsigned long v;

	if (!strncmp(s, prefix, strlen(prefix)))
		s += strlen(prefix);
	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (*end || errno || v > 0xffffffffUL)
		return -1;
	*id = v;
	return 0;
}

/* Ask on the terminal; refuse without one. */
int confirm(bool yes, const char *question)
{
	char answer[16];

	if (yes)
		return EXIT_OK;
	if (!isatty(STDIN_FILENO)) {
		fprintf(stderr, "pmemctl: %s\npmemctl: no terminal to confirm on: "
			"pass --yes to proceed\n", question);
		return EXIT_DECLINED;
	}
	fprintf(stderr, "%s [y/N] ", question);
	if (!fgets(answer, sizeof(answer), stdin) ||
	    (strcmp(answer, "y\n") && strcmp(answer, "yes\n"))) {
		fprintf(stderr, "pmemctl: not confirmed: nothing changed\n");
		return EXIT_DECLINED;
	}
	return EXIT_OK;
}

/*
 * A disk named the ways pmemctl(8) allows: pmemdiskN, N, pmemdaxN (a devdax
 * disk), uuid or name.
 */
const struct pmemdisk_disk_info *find_disk(const struct pmem_state *st,
						  const char *arg)
{
	const struct pmemdisk_disk_info *found = NULL;
	uuid_t uuid;
	unsigned int i, n, matches = 0;

	if (!strncmp(arg, "pmemdax", 7) && !parse_id(arg, "pmemdax", &n)) {
		for (i = 0; i < st->nr_disks; i++)
			if (st->disks[i].number == n &&
			    st->disks[i].mode == PMEMDISK_MODE_DEVDAX)
				return &st->disks[i];
		return NULL;
	}
	if (!parse_id(arg, "pmemdisk", &n)) {
		for (i = 0; i < st->nr_disks; i++)
			if (st->disks[i].number == n)
				return &st->disks[i];
		return NULL;
	}
	if (!uuid_parse(arg, uuid)) {
		for (i = 0; i < st->nr_disks; i++)
			if (st->disks[i].has_uuid && !memcmp(st->disks[i].uuid, uuid, 16))
				return &st->disks[i];
		return NULL;
	}
	for (i = 0; i < st->nr_disks; i++) {
		if (st->disks[i].has_uuid && !strcmp(st->disks[i].name, arg)) {
			found = &st->disks[i];
			matches++;
		}
	}
	if (matches > 1) {
		fprintf(stderr, "pmemctl: %u disks are named '%s': use the number or uuid\n",
			matches, arg);
		return NULL;
	}
	return found;
}

