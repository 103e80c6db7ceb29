// SPDX-License-Identifier: GPL-2.0
/*
 * pmemctl's queries. See query.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "ctl.h"
#include "query.h"

/* One listing: count, allocate, fetch; again if it grew in between. */
static int list_all(int fd, unsigned long cmd, size_t entry_size,
		    const char *what, void **out, unsigned int *n)
{
	struct pmemdisk_list req;
	void *buf = NULL;
	unsigned int cap = 0;
	int rc;

	for (;;) {
		memset(&req, 0, sizeof(req));
		req.size = sizeof(req);
		req.capacity = cap;
		req.entries = (unsigned long)buf;
		req.entry_size = entry_size;
		rc = ctl_request(fd, cmd, &req, what);
		if (rc) {
			free(buf);
			return rc;
		}
		if (req.total <= cap)
			break;
		free(buf);
		cap = req.total;
		buf = calloc(cap, entry_size);
		if (!buf) {
			fprintf(stderr, "pmemctl: out of memory\n");
			return EXIT_REFUSED;
		}
	}
	*out = buf;
	*n = req.total;
	return 0;
}

int query_state(int fd, struct pmem_state *st)
{
	int rc;

	memset(st, 0, sizeof(*st));
	rc = list_all(fd, PMEMDISK_IOC_LIST_DIMMS, sizeof(*st->dimms),
		      "list devices", (void **)&st->dimms, &st->nr_dimms);
	if (!rc)
		rc = list_all(fd, PMEMDISK_IOC_LIST_REGIONS, sizeof(*st->regions),
			      "list regions", (void **)&st->regions, &st->nr_regions);
	if (!rc)
		rc = list_all(fd, PMEMDISK_IOC_LIST_DISKS, sizeof(*st->disks),
			      "list disks", (void **)&st->disks, &st->nr_disks);
	if (rc)
		query_free(st);
	return rc;
}

int open_state(int *fd, struct pmem_state *st)
{
	int rc;

	*fd = ctl_open();
	if (*fd < 0)
		return -*fd;
	rc = query_state(*fd, st);
	if (rc)
		close(*fd);
	return rc;
}

int open_disk(const char *cmd, const char *arg, int *fd, struct pmem_state *st,
	      const struct pmemdisk_disk_info **d)
{
	int rc = open_state(fd, st);

	if (rc)
		return rc;
	*d = find_disk(st, arg);
	if (*d)
		return EXIT_OK;
	fprintf(stderr, "pmemctl %s: no disk '%s' (see 'pmemctl list')\n", cmd, arg);
	query_free(st);
	close(*fd);
	return EXIT_REFUSED;
}

void query_free(struct pmem_state *st)
{
	free(st->dimms);
	free(st->regions);
	free(st->disks);
	memset(st, 0, sizeof(*st));
}

const struct pmemdisk_region_info *state_region(const struct pmem_state *st,
						 unsigned int id)
{
	unsigned int i;

	for (i = 0; i < st->nr_regions; i++)
		if (st->regions[i].id == id)
			return &st->regions[i];
	return NULL;
}

int region_node(const struct pmemdisk_region_info *r)
{
	return (r->flags & PMEMDISK_REGION_NODES) ? r->target_node : -1;
}

const struct pmemdisk_dimm_info *state_dimm(const struct pmem_state *st,
					    unsigned int id)
{
	unsigned int i;

	for (i = 0; i < st->nr_dimms; i++)
		if (st->dimms[i].id == id)
			return &st->dimms[i];
	return NULL;
}

unsigned int disk_health(const struct pmem_state *st,
			 const struct pmemdisk_disk_info *d)
{
	const struct pmemdisk_region_info *r = state_region(st, d->region);
	unsigned int i, worst = PMEMDISK_HEALTH_OK;

	for (i = 0; r && i < r->interleave_ways && i < PMEMDISK_MAX_WAYS; i++) {
		const struct pmemdisk_dimm_info *dimm = state_dimm(st, r->dimms[i]);

		if (dimm && dimm->health > worst)
			worst = dimm->health;
	}
	return worst;
}

static const struct {
	unsigned int flag;
	const char *word;
} dimm_flag_words[] = {
	{ PMEMDISK_DIMM_SAVE_FAILED, "save_failed" },
	{ PMEMDISK_DIMM_RESTORE_FAILED, "restore_failed" },
	{ PMEMDISK_DIMM_FLUSH_FAILED, "flush_failed" },
	{ PMEMDISK_DIMM_NOT_ARMED, "not_armed" },
	{ PMEMDISK_DIMM_MAP_FAILED, "map_failed" },
	{ PMEMDISK_DIMM_HEALTH_OBSERVED, "smart_event" },
};

static unsigned int add_word(const char **words, unsigned int n, unsigned int max,
			     const char *w)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (!strcmp(words[i], w))
			return n;
	if (n < max)
		words[n++] = w;
	return n;
}

static unsigned int dimm_words(const struct pmemdisk_dimm_info *d, const char **words,
			       unsigned int n, unsigned int max)
{
	unsigned int i;

	for (i = 0; i < sizeof(dimm_flag_words) / sizeof(dimm_flag_words[0]); i++)
		if (d->flags & dimm_flag_words[i].flag)
			n = add_word(words, n, max, dimm_flag_words[i].word);
	if (d->health_info & PMEMDISK_DIMM_LAST_SHUTDOWN_DIRTY)
		n = add_word(words, n, max, "last_shutdown_dirty");
	return n;
}

unsigned int dimm_status(const struct pmemdisk_dimm_info *d, const char **words,
			 unsigned int max)
{
	unsigned int n = dimm_words(d, words, 0, max);

	return n ? n : add_word(words, 0, max, "ok");
}

unsigned int disk_status(const struct pmem_state *st, const struct pmemdisk_disk_info *d,
			 const char **words, unsigned int max)
{
	const struct pmemdisk_region_info *r = state_region(st, d->region);
	unsigned int i, n = 0;

	for (i = 0; r && i < r->interleave_ways && i < PMEMDISK_MAX_WAYS; i++) {
		const struct pmemdisk_dimm_info *dimm = state_dimm(st, r->dimms[i]);

		if (dimm)
			n = dimm_words(dimm, words, n, max);
	}
	if (d->readonly)
		n = add_word(words, n, max, "read_only");
	return n ? n : add_word(words, 0, max, "ok");
}

char *join_words(const char **words, unsigned int n)
{
	size_t len = 1;
	unsigned int i;
	char *s;

	for (i = 0; i < n; i++)
		len += strlen(words[i]) + 2;
	s = malloc(len);
	if (!s) {
		fprintf(stderr, "pmemctl: out of memory\n");
		exit(EXIT_REFUSED);
	}
	s[0] = '\0';
	for (i = 0; i < n; i++) {
		if (i)
			strcat(s, ", ");
		strcat(s, words[i]);
	}
	return s;
}

int disk_platform_usc(const struct pmem_state *st, const struct pmemdisk_disk_info *d,
		      unsigned long long *count)
{
	const struct pmemdisk_region_info *r = state_region(st, d->region);
	unsigned int i;

	*count = 0;
	if (!r || !r->interleave_ways)
		return 0;
	for (i = 0; i < r->interleave_ways && i < PMEMDISK_MAX_WAYS; i++) {
		const struct pmemdisk_dimm_info *dimm = state_dimm(st, r->dimms[i]);

		if (!dimm || !(dimm->health_info & PMEMDISK_DIMM_USC_KNOWN))
			return 0;
		*count += dimm->unsafe_shutdown_count;
	}
	return 1;
}

void format_location(char *buf, size_t len, unsigned int h)
{
	snprintf(buf, len, "node %u socket %u imc %u channel %u dimm %u",
		 (h >> 16) & 0xfff, (h >> 12) & 0xf, (h >> 8) & 0xf,
		 (h >> 4) & 0xf, h & 0xf);
}
