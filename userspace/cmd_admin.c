// SPDX-License-Identifier: GPL-2.0
/*
 * pmemctl create | remove | init-labels: the commands that change things.
 * Destructive ones ask on a terminal, take --yes in scripts, and refuse
 * (exit 5) when neither is possible.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <uuid/uuid.h>

#include "args.h"
#include "commands.h"
#include "ctl.h"
#include "query.h"
#include "table.h"

/* ------------------------------------------------------------- create */

enum {
	CR_REGION, CR_SIZE, CR_NAME, CR_UUID, CR_SECTOR_SIZE, CR_BTT, CR_DRY_RUN,
	CR_MODE, CR_MAP, CR_ALIGN
};

static const struct cmd_opt create_opts[] = {
	[CR_REGION] = { "region", 0, "ID", "the region: regionN or N", OPT_REQUIRED },
	[CR_SIZE] = { "size", 0, "SIZE", "usable capacity: bytes, or K, M, G, T (binary)",
		      OPT_REQUIRED },
	[CR_NAME] = { "name", 0, "NAME", "a name of at most 63 bytes", 0 },
	[CR_UUID] = { "uuid", 0, "UUID", "the disk's uuid (random if not given)", 0 },
	[CR_SECTOR_SIZE] = { "sector-size", 0, "512|4096", "logical sector size (512)", 0 },
	[CR_BTT] = { "btt", 0, NULL, "a BTT disk, every sector write atomic: --mode btt", 0 },
	[CR_DRY_RUN] = { "dry-run", 0, NULL, "say where and how large; change nothing", 0 },
	[CR_MODE] = { "mode", 0, "raw|btt|fsdax|devdax", "what the disk is (raw)", 0 },
	[CR_MAP] = { "map", 0, "mem|dev", "fsdax, devdax: the page map in memory or on the disk", 0 },
	[CR_ALIGN] = { "align", 0, "4K|2M|1G", "fsdax, devdax: the page size of mappings", 0 },
	{ 0 },
};

struct create_args {
	struct pmemdisk_create req;
	unsigned long long size;	/* as asked */
};

/* What a create made, in words: "raw", "BTT", "fsdax", "devdax". */
static const char *created_kind(const struct pmemdisk_create *req)
{
	if ((req->flags & PMEMDISK_CREATE_BTT) || req->mode == PMEMDISK_MODE_BTT)
		return "BTT";
	return pmemdisk_mode_name(req->mode);
}

static int parse_mode(const char *val, __u8 *mode)
{
	unsigned int m;

	for (m = PMEMDISK_MODE_RAW; m <= PMEMDISK_MODE_DEVDAX; m++)
		if (!strcmp(val, pmemdisk_mode_name(m))) {
			*mode = m;
			return 0;
		}
	return CMD_BAD_VALUE;
}

static int parse_map(const char *val, __u8 *map)
{
	if (!strcmp(val, "mem"))
		*map = PMEMDISK_MAP_MEM;
	else if (!strcmp(val, "dev"))
		*map = PMEMDISK_MAP_DEV;
	else
		return CMD_BAD_VALUE;
	return 0;
}

static int parse_align(const char *val, __u32 *align)
{
	if (!strcmp(val, "4K") || !strcmp(val, "4k"))
		*align = 4096;
	else if (!strcmp(val, "2M") || !strcmp(val, "2m"))
		*align = 2U << 20;
	else if (!strcmp(val, "1G") || !strcmp(val, "1g"))
		*align = 1U << 30;
	else
		return CMD_BAD_VALUE;
	return 0;
}

static int create_set(void *ctx, unsigned int opt, const char *val)
{
	struct create_args *a = ctx;
	struct pmemdisk_create *req = &a->req;

	switch (opt) {
	case CR_REGION:
		return parse_id(val, "region", &req->region) ? CMD_BAD_VALUE : 0;
	case CR_SIZE:
		if (parse_size(val, &a->size))
			return CMD_BAD_VALUE;
		req->disk_size = a->size;
		return 0;
	case CR_NAME:
		if (strlen(val) >= sizeof(req->name)) {
			fprintf(stderr, "pmemctl create: --name is longer than %zu bytes\n",
				sizeof(req->name) - 1);
			return EXIT_USAGE;
		}
		strcpy(req->name, val);
		return 0;
	case CR_UUID:
		return uuid_parse(val, req->uuid) ? CMD_BAD_VALUE : 0;
	case CR_SECTOR_SIZE:
		return parse_sector_size(val, &req->sector_size) ? CMD_BAD_VALUE : 0;
	case CR_BTT:
		req->flags |= PMEMDISK_CREATE_BTT;
		return 0;
	case CR_DRY_RUN:
		req->flags |= PMEMDISK_CREATE_DRY_RUN;
		return 0;
	case CR_MODE:
		return parse_mode(val, &req->mode);
	case CR_MAP:
		return parse_map(val, &req->map);
	default:
		return parse_align(val, &req->align);
	}
}

static bool is_dax(const struct pmemdisk_create *req)
{
	return req->mode == PMEMDISK_MODE_FSDAX || req->mode == PMEMDISK_MODE_DEVDAX;
}

/* The command line of create, into a request the module can judge. */
static int parse_create(int argc, char **argv, struct create_args *a)
{
	struct pmemdisk_create *req = &a->req;
	char **operands;
	int rc, nr;

	memset(a, 0, sizeof(*a));
	req->size = sizeof(*req);
	req->sector_size = 512;
	rc = cmd_parse(&create_spec, argc, argv, create_set, a, &operands, &nr);
	if (rc)
		return rc;
	if ((req->flags & PMEMDISK_CREATE_BTT) && req->mode && req->mode != PMEMDISK_MODE_BTT)
		return cmd_usage_error(&create_spec, "--btt is --mode btt; it cannot go with --mode %s",
				       pmemdisk_mode_name(req->mode));
	if (!is_dax(req) && (req->map || req->align))
		return cmd_usage_error(&create_spec,
				       "--map and --align are for --mode fsdax or devdax");
	if (req->mode == PMEMDISK_MODE_FSDAX && req->align && req->align != (2U << 20))
		return cmd_usage_error(&create_spec,
				       "an fsdax disk maps 2M pages: --align 2M or none");
	return 0;
}

static void create_no_space(const struct create_args *a)
{
	char want[32], largest[32];

	format_size(want, sizeof(want), a->size);
	format_size(largest, sizeof(largest), a->req.max_extent);
	fprintf(stderr, "pmemctl: region%u has no free extent of %s; the largest is %s (%llu bytes)\n",
		a->req.region, want, largest, (unsigned long long)a->req.max_extent);
}

/* Why the disk is larger than asked, as the module sizes disks. */
static void create_rounding(const struct create_args *a, const char *kind)
{
	char want[32];

	if (a->req.actual_size == a->size)
		return;
	format_size(want, sizeof(want), a->size);
	if (is_dax(&a->req))
		printf("(rounded up from %s: a DAX disk's namespace is a multiple of %llu MiB x lcm(devices of the region, 8) in all, %llu MiB on 1, 2, 4 or 8 devices, and also holds its info block and page map)\n",
		       want, (unsigned long long)(PMEMDISK_ALIGN_PER_DIMM >> 20),
		       (unsigned long long)(PMEMDISK_DAX_ALIGN >> 20));
	else
		printf("(rounded up from %s: disks are a multiple of %llu MiB per device of the region%s)\n",
		       want, (unsigned long long)(PMEMDISK_ALIGN_PER_DIMM >> 20),
		       strcmp(kind, "BTT") ? "" : ", and a BTT's namespace also holds its map and log");
}

static void create_print(const struct create_args *a)
{
	const struct pmemdisk_create *req = &a->req;
	const char *kind = created_kind(req);
	char got[32], uuid[UUID_STR_LEN];

	format_size(got, sizeof(got), req->actual_size);
	uuid_unparse_lower(req->uuid, uuid);
	if (req->flags & PMEMDISK_CREATE_DRY_RUN)
		printf("would create a %s (%llu bytes) %s disk on region%u at offset %llu, uuid %s\n",
		       got, (unsigned long long)req->actual_size, kind,
		       req->region, (unsigned long long)req->offset, uuid);
	else
		printf("created %s%u: %s (%llu bytes) %s disk on region%u, uuid %s%s%s%s\n",
		       req->mode == PMEMDISK_MODE_DEVDAX ? "pmemdax" : "pmemdisk",
		       req->number, got, (unsigned long long)req->actual_size,
		       kind, req->region, uuid,
		       req->name[0] ? ", name \"" : "", req->name, req->name[0] ? "\"" : "");
	create_rounding(a, kind);
}

static int cmd_create(int argc, char **argv)
{
	struct create_args a;
	int fd, rc;

	rc = parse_create(argc, argv, &a);
	if (rc)
		return rc;
	fd = ctl_open();
	if (fd < 0)
		return -fd;
	rc = ctl_request_progress(fd, PMEMDISK_IOC_CREATE, &a.req, "create", NULL,
				  "laying out the BTT");
	close(fd);
	if (rc && a.req.reason == PMEMDISK_REASON_NO_SPACE)
		create_no_space(&a);
	if (!rc)
		create_print(&a);
	return rc;
}

const struct cmd_spec create_spec = {
	.name = "create", .opts = create_opts, .run = cmd_create,
	.summary = "a new disk on a region with labels",
};

/* ------------------------------------------------------------- remove */

#define MAX_AT_ONCE	64

static const struct cmd_opt remove_opts[] = {
	{ "yes", 0, NULL, "do not ask: all data on the disks is lost", 0 },
	{ 0 },
};

/* The flag of a table whose only option is --yes. */
static int set_yes(void *ctx, unsigned int opt, const char *val)
{
	*(bool *)ctx = true;
	return 0;
}

/* The device a disk is: /dev/pmemdax<N> for devdax, /dev/pmemdisk<N> else. */
static const char *disk_prefix(const struct pmemdisk_disk_info *d)
{
	return d->mode == PMEMDISK_MODE_DEVDAX ? "pmemdax" : "pmemdisk";
}

/* The disks @names name, into @todo; EXIT_REFUSED when one is not there. */
static int remove_find(const struct pmem_state *st, char **names, int n,
		       const struct pmemdisk_disk_info **todo)
{
	int i;

	for (i = 0; i < n; i++) {
		todo[i] = find_disk(st, names[i]);
		if (!todo[i]) {
			fprintf(stderr, "pmemctl remove: no disk '%s' (see 'pmemctl list')\n",
				names[i]);
			return EXIT_REFUSED;
		}
	}
	return EXIT_OK;
}

/* "Remove pmemdisk1 (64 MiB, "a"), pmemdisk2 (...)? All data ... lost." */
static void remove_question(const struct pmemdisk_disk_info **todo, int n,
			    char *q, size_t len)
{
	size_t at = snprintf(q, len, "Remove");
	char size[32];
	int i;

	for (i = 0; i < n && at < len; i++) {
		format_size(size, sizeof(size), todo[i]->size);
		at += snprintf(q + at, len - at, "%s %s%u (%s%s%s%s)",
			       i ? "," : "", disk_prefix(todo[i]), todo[i]->number, size,
			       todo[i]->name[0] ? ", \"" : "", todo[i]->name,
			       todo[i]->name[0] ? "\"" : "");
	}
	if (at < len)
		snprintf(q + at, len - at, "? All data on %s will be lost.",
			 n > 1 ? "them" : "it");
}

/* One request a disk; the exit status is the last failure's. */
static int remove_each(int fd, const struct pmemdisk_disk_info **todo, int n)
{
	int i, rc, worst = EXIT_OK;

	for (i = 0; i < n; i++) {
		struct pmemdisk_remove req = { .size = sizeof(req), .number = todo[i]->number };
		char what[40], block[32];

		snprintf(what, sizeof(what), "remove %s%u", disk_prefix(todo[i]),
			 todo[i]->number);
		snprintf(block, sizeof(block), "pmemdisk%u", todo[i]->number);
		rc = ctl_request_on(fd, PMEMDISK_IOC_REMOVE, &req, what, block);
		if (rc)
			worst = rc;
		else
			printf("removed %s%u\n", disk_prefix(todo[i]), todo[i]->number);
	}
	return worst;
}

static int cmd_remove(int argc, char **argv)
{
	const struct pmemdisk_disk_info *todo[MAX_AT_ONCE];
	struct pmem_state st;
	char question[512], **names;
	bool yes = false;
	int fd, rc, n;

	rc = cmd_parse(&remove_spec, argc, argv, set_yes, &yes, &names, &n);
	if (!rc)
		rc = open_state(&fd, &st);
	if (rc)
		return rc;
	rc = remove_find(&st, names, n, todo);
	if (!rc) {
		remove_question(todo, n, question, sizeof(question));
		rc = confirm(yes, question);
	}
	if (!rc)
		rc = remove_each(fd, todo, n);
	query_free(&st);
	close(fd);
	return rc;
}

const struct cmd_spec remove_spec = {
	.name = "remove", .opts = remove_opts, .run = cmd_remove,
	.operands = "DISK...", .min_operands = 1, .max_operands = MAX_AT_ONCE,
	.summary = "remove disks (DISK: pmemdiskN, N, pmemdaxN, uuid or name)",
};

/* -------------------------------------------------------- init-labels */

enum { IL_ALL, IL_LABEL_VERSION, IL_YES };

static const struct cmd_opt init_labels_opts[] = {
	[IL_ALL] = { "all", 0, NULL, "every device that has a label area", OPT_OR_OPERANDS },
	[IL_LABEL_VERSION] = { "label-version", 0, "1.1|1.2", "the label format (1.2)", 0 },
	[IL_YES] = { "yes", 0, NULL, "do not ask: the disks on their regions are removed", 0 },
	{ 0 },
};

struct init_labels_args {
	unsigned int ids[MAX_AT_ONCE], n;
	__u16 version;
	bool yes, all;
};

static int init_labels_set(void *ctx, unsigned int opt, const char *val)
{
	struct init_labels_args *a = ctx;

	if (opt == IL_ALL)
		a->all = true;
	else if (opt == IL_YES)
		a->yes = true;
	else if (!strcmp(val, "1.1"))
		a->version = PMEMDISK_LABEL_VERSION_1_1;
	else if (!strcmp(val, "1.2"))
		a->version = PMEMDISK_LABEL_VERSION_1_2;
	else
		return CMD_BAD_VALUE;
	return 0;
}

static int parse_init_labels(int argc, char **argv, struct init_labels_args *a)
{
	char **devices;
	int rc, nr;

	memset(a, 0, sizeof(*a));
	a->version = PMEMDISK_LABEL_VERSION_1_2;
	rc = cmd_parse(&init_labels_spec, argc, argv, init_labels_set, a, &devices, &nr);
	for (; !rc && a->n < (unsigned int)nr; a->n++)
		if (parse_id(devices[a->n], "dimm", &a->ids[a->n]))
			rc = cmd_usage_error(&init_labels_spec, "bad argument '%s'",
					     devices[a->n]);
	return rc;
}

/* The devices of --all, or a check that those named are there. */
static int init_labels_devices(const struct pmem_state *st, struct init_labels_args *a)
{
	unsigned int i;

	for (i = 0; a->all && i < st->nr_dimms && a->n < MAX_AT_ONCE; i++)
		if (st->dimms[i].label_state != PMEMDISK_LABELS_NONE)
			a->ids[a->n++] = st->dimms[i].id;
	if (a->all && !a->n) {
		fprintf(stderr, "pmemctl init-labels: no device has a label area\n");
		return EXIT_REFUSED;
	}
	for (i = 0; i < a->n; i++) {
		if (!state_dimm(st, a->ids[i])) {
			fprintf(stderr, "pmemctl init-labels: no device dimm%u (see 'pmemctl devices')\n",
				a->ids[i]);
			return EXIT_REFUSED;
		}
	}
	return EXIT_OK;
}

/* How many disks are on a region of one of the devices: all go away. */
static unsigned int disks_on(const struct pmem_state *st, const struct init_labels_args *a)
{
	unsigned int i, k, j, disks = 0;

	for (i = 0; i < st->nr_disks; i++) {
		const struct pmemdisk_region_info *r = state_region(st, st->disks[i].region);
		bool hit = false;

		for (k = 0; r && k < r->interleave_ways; k++)
			for (j = 0; j < a->n; j++)
				hit |= r->dimms[k] == a->ids[j];
		disks += hit;
	}
	return disks;
}

static void init_labels_question(const struct pmem_state *st,
				 const struct init_labels_args *a, char *q, size_t len)
{
	unsigned int i, disks = disks_on(st, a);
	size_t at;

	at = snprintf(q, len, "Initialise the labels (v1.%u) of", a->version & 0xff);
	for (i = 0; i < a->n && at < len; i++)
		at += snprintf(q + at, len - at, "%s dimm%u", i ? "," : "", a->ids[i]);
	if (at < len)
		snprintf(q + at, len - at,
			 "? %u disk%s on their regions will be removed and their data lost.",
			 disks, disks == 1 ? "" : "s");
}

/* One request a device; the exit status is the last failure's. */
static int init_labels_each(int fd, const struct init_labels_args *a)
{
	unsigned int i;
	int rc, worst = EXIT_OK;

	for (i = 0; i < a->n; i++) {
		struct pmemdisk_init_labels req = {
			.size = sizeof(req), .device = a->ids[i], .version = a->version,
		};
		char what[40];

		snprintf(what, sizeof(what), "init-labels dimm%u", a->ids[i]);
		rc = ctl_request(fd, PMEMDISK_IOC_INIT_LABELS, &req, what);
		if (rc)
			worst = rc;
		else
			printf("initialised the labels of dimm%u (v1.%u); %u disk%s removed\n",
			       a->ids[i], a->version & 0xff, req.disks_removed,
			       req.disks_removed == 1 ? "" : "s");
	}
	return worst;
}

static int cmd_init_labels(int argc, char **argv)
{
	struct init_labels_args a;
	struct pmem_state st;
	char question[512];
	int fd, rc;

	rc = parse_init_labels(argc, argv, &a);
	if (!rc)
		rc = open_state(&fd, &st);
	if (rc)
		return rc;
	rc = init_labels_devices(&st, &a);
	if (!rc) {
		init_labels_question(&st, &a, question, sizeof(question));
		rc = confirm(a.yes, question);
	}
	if (!rc)
		rc = init_labels_each(fd, &a);
	query_free(&st);
	close(fd);
	return rc;
}

const struct cmd_spec init_labels_spec = {
	.name = "init-labels", .opts = init_labels_opts, .run = cmd_init_labels,
	.operands = "DEVICE...", .min_operands = 1, .max_operands = MAX_AT_ONCE,
	.summary = "write empty labels to devices",
};
