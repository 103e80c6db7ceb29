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

static const char *usage_create =
	"usage: pmemctl create --region ID --size SIZE [--name NAME] [--uuid UUID]\n"
	"                      [--sector-size 512|4096] [--btt] [--dry-run]\n"
	"                      [--mode raw|btt|fsdax|devdax] [--map mem|dev] [--align 4K|2M|1G]\n";

/* What a create made, in words: "raw", "BTT", "fsdax", "devdax". */
static const char *created_kind(const struct pmemdisk_create *req)
{
	if ((req->flags & PMEMDISK_CREATE_BTT) || req->mode == PMEMDISK_MODE_BTT)
		return "BTT";
	return mode_name(req->mode);
}

static int parse_mode(const char *val, __u8 *mode)
{
	unsigned int m;

	for (m = PMEMDISK_MODE_RAW; m <= PMEMDISK_MODE_DEVDAX; m++)
		if (!strcmp(val, mode_name(m))) {
			*mode = m;
			return 0;
		}
	return -1;
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
		return -1;
	return 0;
}

int cmd_create(int argc, char **argv)
{
	struct pmemdisk_create req;
	bool have_region = false, have_size = false;
	unsigned long long size = 0;
	char got[32], want[32], largest[32], uuid[UUID_STR_LEN];
	const char *kind;
	bool dax;
	int i, fd, rc;

	memset(&req, 0, sizeof(req));
	req.size = sizeof(req);
	req.sector_size = 512;
	for (i = 1; i < argc; i++) {
		const char *opt = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(opt, "--btt")) {
			req.flags |= PMEMDISK_CREATE_BTT;
			continue;
		}
		if (!strcmp(opt, "--dry-run")) {
			req.flags |= PMEMDISK_CREATE_DRY_RUN;
			continue;
		}
		if (!val) {
			fprintf(stderr, "pmemctl create: unknown argument '%s'\n%s", opt, usage_create);
			return EXIT_USAGE;
		}
		i++;
		if (!strcmp(opt, "--region")) {
			if (parse_id(val, "region", &req.region))
				goto bad_value;
			have_region = true;
		} else if (!strcmp(opt, "--size")) {
			if (parse_size(val, &size))
				goto bad_value;
			req.disk_size = size;
			have_size = true;
		} else if (!strcmp(opt, "--name")) {
			if (strlen(val) >= sizeof(req.name)) {
				fprintf(stderr, "pmemctl create: --name is longer than %zu bytes\n",
					sizeof(req.name) - 1);
				return EXIT_USAGE;
			}
			strcpy(req.name, val);
		} else if (!strcmp(opt, "--uuid")) {
			if (uuid_parse(val, req.uuid))
				goto bad_value;
		} else if (!strcmp(opt, "--sector-size")) {
			if (strcmp(val, "512") && strcmp(val, "4096"))
				goto bad_value;
			req.sector_size = atoi(val);
		} else if (!strcmp(opt, "--mode")) {
			if (parse_mode(val, &req.mode))
				goto bad_value;
		} else if (!strcmp(opt, "--map")) {
			if (!strcmp(val, "mem"))
				req.map = PMEMDISK_MAP_MEM;
			else if (!strcmp(val, "dev"))
				req.map = PMEMDISK_MAP_DEV;
			else
				goto bad_value;
		} else if (!strcmp(opt, "--align")) {
			if (parse_align(val, &req.align))
				goto bad_value;
		} else {
			fprintf(stderr, "pmemctl create: unknown option '%s'\n%s", opt, usage_create);
			return EXIT_USAGE;
		}
		continue;
bad_value:
		fprintf(stderr, "pmemctl create: bad value '%s' for %s\n%s", val, opt, usage_create);
		return EXIT_USAGE;
	}
	if (!have_region || !have_size) {
		fprintf(stderr, "pmemctl create: --region and --size are required\n%s", usage_create);
		return EXIT_USAGE;
	}
	dax = req.mode == PMEMDISK_MODE_FSDAX || req.mode == PMEMDISK_MODE_DEVDAX;
	if ((req.flags & PMEMDISK_CREATE_BTT) && req.mode && req.mode != PMEMDISK_MODE_BTT) {
		fprintf(stderr, "pmemctl create: --btt is --mode btt; it cannot go with --mode %s\n",
			mode_name(req.mode));
		return EXIT_USAGE;
	}
	if (!dax && (req.map || req.align)) {
		fprintf(stderr, "pmemctl create: --map and --align are for --mode fsdax or devdax\n");
		return EXIT_USAGE;
	}
	if (req.mode == PMEMDISK_MODE_FSDAX && req.align && req.align != (2U << 20)) {
		fprintf(stderr, "pmemctl create: an fsdax disk maps 2M pages: --align 2M or none\n");
		return EXIT_USAGE;
	}

	fd = ctl_open();
	if (fd < 0)
		return -fd;
	rc = ctl_request_progress(fd, PMEMDISK_IOC_CREATE, &req, "create", "laying out the BTT");
	close(fd);
	if (rc) {
		if (req.reason == PMEMDISK_REASON_NO_SPACE) {
			format_size(want, sizeof(want), size);
			format_size(largest, sizeof(largest), req.max_extent);
			fprintf(stderr, "pmemctl: region%u has no free extent of %s; the largest is %s (%llu bytes)\n",
				req.region, want, largest, (unsigned long long)req.max_extent);
		}
		return rc;
	}
	format_size(got, sizeof(got), req.actual_size);
	uuid_unparse_lower(req.uuid, uuid);
	kind = created_kind(&req);
	if (req.flags & PMEMDISK_CREATE_DRY_RUN)
		printf("would create a %s (%llu bytes) %s disk on region%u at offset %llu, uuid %s\n",
		       got, (unsigned long long)req.actual_size, kind,
		       req.region, (unsigned long long)req.offset, uuid);
	else
		printf("created %s%u: %s (%llu bytes) %s disk on region%u, uuid %s%s%s%s\n",
		       req.mode == PMEMDISK_MODE_DEVDAX ? "pmemdax" : "pmemdisk",
		       req.number, got, (unsigned long long)req.actual_size,
		       kind, req.region, uuid,
		       req.name[0] ? ", name \"" : "", req.name, req.name[0] ? "\"" : "");
	if (req.actual_size != size && dax) {
		/* as the module sizes them: whole pages of every device, in physical memory */
		format_size(want, sizeof(want), size);
		printf("(rounded up from %s: a DAX disk's namespace is a multiple of %llu MiB x lcm(devices of the region, 8) in all, %llu MiB on 1, 2, 4 or 8 devices, and also holds its info block and page map)\n",
		       want, (unsigned long long)(PMEMDISK_ALIGN_PER_DIMM >> 20),
		       (unsigned long long)(PMEMDISK_DAX_ALIGN >> 20));
	} else if (req.actual_size != size) {
		format_size(want, sizeof(want), size);
		printf("(rounded up from %s: disks are a multiple of %llu MiB per device of the region%s)\n",
		       want, (unsigned long long)(PMEMDISK_ALIGN_PER_DIMM >> 20),
		       strcmp(kind, "BTT") ? "" : ", and a BTT's namespace also holds its map and log");
	}
	return EXIT_OK;
}

/* The device a disk is: /dev/pmemdax<N> for devdax, /dev/pmemdisk<N> else. */
static const char *disk_prefix(const struct pmemdisk_disk_info *d)
{
	return d->mode == PMEMDISK_MODE_DEVDAX ? "pmemdax" : "pmemdisk";
}

int cmd_remove(int argc, char **argv)
{
	const struct pmemdisk_disk_info *todo[64];
	struct pmem_state st;
	char question[512], size[32];
	unsigned int n = 0, i;
	bool yes = false;
	int fd, rc, worst = EXIT_OK;
	size_t at;

	for (i = 1; i < (unsigned int)argc; i++) {
		if (!strcmp(argv[i], "--yes")) {
			yes = true;
		} else if (argv[i][0] == '-' && argv[i][1] == '-') {
			fprintf(stderr, "pmemctl remove: unknown option '%s'\n"
				"usage: pmemctl remove DISK... [--yes]\n", argv[i]);
			return EXIT_USAGE;
		}
	}
	rc = open_state(&fd, &st);
	if (rc)
		return rc;
	at = snprintf(question, sizeof(question), "Remove");
	for (i = 1; i < (unsigned int)argc; i++) {
		const struct pmemdisk_disk_info *d;

		if (!strcmp(argv[i], "--yes"))
			continue;
		d = find_disk(&st, argv[i]);
		if (!d) {
			fprintf(stderr, "pmemctl remove: no disk '%s' (see 'pmemctl list')\n", argv[i]);
			rc = EXIT_REFUSED;
			goto out;
		}
		if (n == sizeof(todo) / sizeof(todo[0])) {
			fprintf(stderr, "pmemctl remove: at most %zu disks at once\n",
				sizeof(todo) / sizeof(todo[0]));
			rc = EXIT_USAGE;
			goto out;
		}
		todo[n++] = d;
		format_size(size, sizeof(size), d->size);
		if (at < sizeof(question))
			at += snprintf(question + at, sizeof(question) - at, "%s %s%u (%s%s%s%s)",
				       n > 1 ? "," : "", disk_prefix(d), d->number, size,
				       d->name[0] ? ", \"" : "", d->name, d->name[0] ? "\"" : "");
	}
	if (!n) {
		fprintf(stderr, "usage: pmemctl remove DISK... [--yes]\n");
		rc = EXIT_USAGE;
		goto out;
	}
	if (at < sizeof(question))
		snprintf(question + at, sizeof(question) - at,
			 "? All data on %s will be lost.", n > 1 ? "them" : "it");
	rc = confirm(yes, question);
	if (rc)
		goto out;
	for (i = 0; i < n; i++) {
		struct pmemdisk_remove req = { .size = sizeof(req), .number = todo[i]->number };
		char what[40];

		snprintf(what, sizeof(what), "remove %s%u", disk_prefix(todo[i]),
			 todo[i]->number);
		rc = ctl_request(fd, PMEMDISK_IOC_REMOVE, &req, what);
		if (rc)
			worst = rc;
		else
			printf("removed %s%u\n", disk_prefix(todo[i]), todo[i]->number);
	}
	rc = worst;
out:
	query_free(&st);
	close(fd);
	return rc;
}

int cmd_init_labels(int argc, char **argv)
{
	unsigned int ids[64], n = 0, i, id, disks = 0;
	__u16 version = PMEMDISK_LABEL_VERSION_1_2;
	struct pmem_state st;
	char question[512];
	bool yes = false, all = false;
	int fd, rc, worst = EXIT_OK;
	size_t at;

	for (i = 1; i < (unsigned int)argc; i++) {
		if (!strcmp(argv[i], "--yes")) {
			yes = true;
		} else if (!strcmp(argv[i], "--all")) {
			all = true;
		} else if (!strcmp(argv[i], "--label-version") && i + 1 < (unsigned int)argc) {
			i++;
			if (!strcmp(argv[i], "1.1")) {
				version = PMEMDISK_LABEL_VERSION_1_1;
			} else if (!strcmp(argv[i], "1.2")) {
				version = PMEMDISK_LABEL_VERSION_1_2;
			} else {
				fprintf(stderr, "pmemctl init-labels: --label-version is 1.1 or 1.2\n");
				return EXIT_USAGE;
			}
		} else if (!parse_id(argv[i], "dimm", &id) && n < 64) {
			ids[n++] = id;
		} else {
			fprintf(stderr, "pmemctl init-labels: bad argument '%s'\n"
				"usage: pmemctl init-labels DEVICE...|--all [--label-version 1.1|1.2] [--yes]\n",
				argv[i]);
			return EXIT_USAGE;
		}
	}
	if (all == (n > 0)) {
		fprintf(stderr, "usage: pmemctl init-labels DEVICE...|--all [--label-version 1.1|1.2] [--yes]\n");
		return EXIT_USAGE;
	}
	rc = open_state(&fd, &st);
	if (rc)
		return rc;
	if (all) {
		for (i = 0; i < st.nr_dimms && n < 64; i++)
			if (st.dimms[i].label_state != PMEMDISK_LABELS_NONE)
				ids[n++] = st.dimms[i].id;
		if (!n) {
			fprintf(stderr, "pmemctl init-labels: no device has a label area\n");
			rc = EXIT_REFUSED;
			goto out;
		}
	}
	for (i = 0; i < n; i++) {
		if (!state_dimm(&st, ids[i])) {
			fprintf(stderr, "pmemctl init-labels: no device dimm%u (see 'pmemctl devices')\n", ids[i]);
			rc = EXIT_REFUSED;
			goto out;
		}
	}
	/* every disk on a region of these devices goes away */
	for (i = 0; i < st.nr_disks; i++) {
		const struct pmemdisk_region_info *r = state_region(&st, st.disks[i].region);
		unsigned int k, j;
		bool hit = false;

		for (k = 0; r && k < r->interleave_ways; k++)
			for (j = 0; j < n; j++)
				hit |= r->dimms[k] == ids[j];
		disks += hit;
	}
	at = snprintf(question, sizeof(question), "Initialise the labels (v1.%u) of",
		      version & 0xff);
	for (i = 0; i < n && at < sizeof(question); i++)
		at += snprintf(question + at, sizeof(question) - at, "%s dimm%u", i ? "," : "", ids[i]);
	if (at < sizeof(question))
		snprintf(question + at, sizeof(question) - at,
			 "? %u disk%s on their regions will be removed and their data lost.",
			 disks, disks == 1 ? "" : "s");
	rc = confirm(yes, question);
	if (rc)
		goto out;
	for (i = 0; i < n; i++) {
		struct pmemdisk_init_labels req = {
			.size = sizeof(req), .device = ids[i], .version = version,
		};
		char what[40];

		snprintf(what, sizeof(what), "init-labels dimm%u", ids[i]);
		rc = ctl_request(fd, PMEMDISK_IOC_INIT_LABELS, &req, what);
		if (rc)
			worst = rc;
		else
			printf("initialised the labels of dimm%u (v1.%u); %u disk%s removed\n",
			       ids[i], version & 0xff, req.disks_removed,
			       req.disks_removed == 1 ? "" : "s");
	}
	rc = worst;
out:
	query_free(&st);
	close(fd);
	return rc;
}
