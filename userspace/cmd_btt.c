// SPDX-License-Identifier: GPL-2.0
/*
 * pmemctl check | convert: a BTT disk's metadata checked (and mended) by
 * the driver, and a disk reformatted between raw and BTT.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "commands.h"
#include "ctl.h"
#include "json_out.h"
#include "query.h"
#include "table.h"

static const char *usage_check = "usage: pmemctl check DISK [--repair] [--json]\n";

static void check_print(const struct pmemdisk_check *c, unsigned int number)
{
	printf("pmemdisk%u: %s\n", number, c->consistent ? "consistent" : "NOT consistent");
	printf("  arenas                      %u\n", c->arenas);
	printf("  damaged info blocks         %u\n", c->info_bad);
	printf("  damaged backup info blocks  %u\n", c->info2_bad);
	printf("  info/backup pairs differing %u\n", c->info_mismatch);
	printf("  damaged log lanes           %u\n", c->flog_bad);
	printf("  arenas with the old log     %u\n", c->old_flog_layout);
	printf("  blocks missing              %llu\n", (unsigned long long)c->blocks_missing);
	printf("  blocks used twice           %llu\n", (unsigned long long)c->blocks_duplicate);
	printf("  map entries out of range    %llu\n", (unsigned long long)c->map_bad);
	printf("  structures repaired         %u\n", c->repaired);
	if (!c->consistent)
		printf("(details in the kernel log: dmesg | grep pmemdisk%u)\n", number);
}

static void check_json(const struct pmemdisk_check *c, unsigned int number)
{
	struct json_object *j = json_document();
	char name[32];

	snprintf(name, sizeof(name), "pmemdisk%u", number);
	json_add_string(j, "disk", name);
	json_add_bool(j, "consistent", c->consistent);
	json_add_u64(j, "arenas", c->arenas);
	json_add_u64(j, "info_bad", c->info_bad);
	json_add_u64(j, "info2_bad", c->info2_bad);
	json_add_u64(j, "info_mismatch", c->info_mismatch);
	json_add_u64(j, "flog_bad", c->flog_bad);
	json_add_u64(j, "old_flog_layout", c->old_flog_layout);
	json_add_u64(j, "blocks_missing", c->blocks_missing);
	json_add_u64(j, "blocks_duplicate", c->blocks_duplicate);
	json_add_u64(j, "map_bad", c->map_bad);
	json_add_u64(j, "repaired", c->repaired);
	json_print(j);
}

int cmd_check(int argc, char **argv)
{
	const struct pmemdisk_disk_info *d;
	struct pmemdisk_check req;
	const char *disk_arg = NULL;
	struct pmem_state st;
	bool json = false;
	int i, fd, rc;

	memset(&req, 0, sizeof(req));
	req.size = sizeof(req);
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--repair")) {
			req.flags |= PMEMDISK_CHECK_REPAIR;
		} else if (!strcmp(argv[i], "--json")) {
			json = true;
		} else if (!disk_arg && argv[i][0] != '-') {
			disk_arg = argv[i];
		} else {
			fprintf(stderr, "pmemctl check: unexpected '%s'\n%s", argv[i], usage_check);
			return EXIT_USAGE;
		}
	}
	if (!disk_arg) {
		fprintf(stderr, "%s", usage_check);
		return EXIT_USAGE;
	}
	rc = open_disk("check", disk_arg, &fd, &st, &d);
	if (rc)
		return rc;
	req.number = d->number;
	rc = ctl_request_progress(fd, PMEMDISK_IOC_CHECK, &req, "check",
				  "checking (the disk is offline meanwhile)");
	if (rc)
		goto out;
	if (json)
		check_json(&req, d->number);
	else
		check_print(&req, d->number);
	rc = req.consistent ? EXIT_OK : EXIT_REFUSED;
out:
	query_free(&st);
	close(fd);
	return rc;
}

static const char *usage_convert =
	"usage: pmemctl convert DISK --btt|--raw [--sector-size 512|4096] [--yes]\n";

int cmd_convert(int argc, char **argv)
{
	const struct pmemdisk_disk_info *d;
	struct pmemdisk_convert req;
	const char *disk_arg = NULL;
	char question[256], size[32];
	struct pmem_state st;
	bool yes = false, have_kind = false;
	int i, fd, rc;

	memset(&req, 0, sizeof(req));
	req.size = sizeof(req);
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--btt") || !strcmp(argv[i], "--raw")) {
			if (have_kind)
				goto usage;
			req.atomicity = argv[i][2] == 'b' ? PMEMDISK_ATOMICITY_BTT :
							    PMEMDISK_ATOMICITY_NONE;
			have_kind = true;
		} else if (!strcmp(argv[i], "--yes")) {
			yes = true;
		} else if (!strcmp(argv[i], "--sector-size") && i + 1 < argc) {
			i++;
			if (strcmp(argv[i], "512") && strcmp(argv[i], "4096"))
				goto usage;
			req.sector_size = atoi(argv[i]);
		} else if (!disk_arg && argv[i][0] != '-') {
			disk_arg = argv[i];
		} else {
			goto usage;
		}
	}
	if (!disk_arg || !have_kind)
		goto usage;
	rc = open_disk("convert", disk_arg, &fd, &st, &d);
	if (rc)
		return rc;
	req.number = d->number;
	if (!req.sector_size)
		req.sector_size = d->sector_size;	/* keep it */
	format_size(size, sizeof(size), d->size);
	snprintf(question, sizeof(question),
		 "Convert pmemdisk%u (%s%s%s%s) to %s with %u-byte sectors? All data on it will be lost.",
		 d->number, size, d->name[0] ? ", \"" : "", d->name, d->name[0] ? "\"" : "",
		 req.atomicity == PMEMDISK_ATOMICITY_BTT ? "BTT" : "raw", req.sector_size);
	rc = confirm(yes, question);
	if (rc)
		goto out;
	rc = ctl_request_progress(fd, PMEMDISK_IOC_CONVERT, &req, "convert",
				  "laying out the BTT");
	if (!rc) {
		format_size(size, sizeof(size), req.actual_size);
		printf("converted pmemdisk%u to %s: %s (%llu bytes) usable, %u-byte sectors\n",
		       d->number, req.atomicity == PMEMDISK_ATOMICITY_BTT ? "BTT" : "raw",
		       size, (unsigned long long)req.actual_size, req.sector_size);
	}
out:
	query_free(&st);
	close(fd);
	return rc;
usage:
	fprintf(stderr, "%s", usage_convert);
	return EXIT_USAGE;
}
