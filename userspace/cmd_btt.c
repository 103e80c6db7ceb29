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

enum { CK_REPAIR, CK_JSON };

static const struct cmd_opt check_opts[] = {
	[CK_REPAIR] = { "repair", 0, NULL, "mend what is damaged, as nd_btt would", 0 },
	[CK_JSON] = { "json", 0, NULL, "print JSON (schema 1) for programs", 0 },
	{ 0 },
};

struct check_args {
	struct pmemdisk_check req;
	bool json;
};

static int check_set(void *ctx, unsigned int opt, const char *val)
{
	struct check_args *a = ctx;

	if (opt == CK_REPAIR)
		a->req.flags |= PMEMDISK_CHECK_REPAIR;
	else
		a->json = true;
	return 0;
}

static int cmd_check(int argc, char **argv)
{
	const struct pmemdisk_disk_info *d;
	struct check_args a;
	struct pmem_state st;
	char **disk, block[32];
	int fd, rc, nr;

	memset(&a, 0, sizeof(a));
	a.req.size = sizeof(a.req);
	rc = cmd_parse(&check_spec, argc, argv, check_set, &a, &disk, &nr);
	if (!rc)
		rc = open_disk("check", disk[0], &fd, &st, &d);
	if (rc)
		return rc;
	a.req.number = d->number;
	snprintf(block, sizeof(block), "pmemdisk%u", d->number);
	rc = ctl_request_progress(fd, PMEMDISK_IOC_CHECK, &a.req, "check", block,
				  "checking (the disk is offline meanwhile)");
	if (rc)
		goto out;
	if (a.json)
		check_json(&a.req, d->number);
	else
		check_print(&a.req, d->number);
	rc = a.req.consistent ? EXIT_OK : EXIT_REFUSED;
out:
	query_free(&st);
	close(fd);
	return rc;
}

const struct cmd_spec check_spec = {
	.name = "check", .opts = check_opts, .run = cmd_check,
	.operands = "DISK", .min_operands = 1, .max_operands = 1,
	.summary = "check a BTT disk's metadata (offline meanwhile); --repair mends it",
};

enum { CV_BTT, CV_RAW, CV_SECTOR_SIZE, CV_YES };

static const struct cmd_opt convert_opts[] = {
	[CV_BTT] = { "btt", 0, NULL, "to a BTT disk", OPT_REQUIRED },
	[CV_RAW] = { "raw", 0, NULL, "to a raw disk", OPT_OR_PREV },
	[CV_SECTOR_SIZE] = { "sector-size", 0, "512|4096", "its new sector size (the same)", 0 },
	[CV_YES] = { "yes", 0, NULL, "do not ask: all data on the disk is lost", 0 },
	{ 0 },
};

struct convert_args {
	struct pmemdisk_convert req;
	bool yes;
};

static int convert_set(void *ctx, unsigned int opt, const char *val)
{
	struct convert_args *a = ctx;

	switch (opt) {
	case CV_BTT:
		a->req.atomicity = PMEMDISK_ATOMICITY_BTT;
		return 0;
	case CV_RAW:
		a->req.atomicity = PMEMDISK_ATOMICITY_NONE;
		return 0;
	case CV_SECTOR_SIZE:
		return parse_sector_size(val, &a->req.sector_size) ? CMD_BAD_VALUE : 0;
	default:
		a->yes = true;
		return 0;
	}
}

static const char *atomicity_word(const struct pmemdisk_convert *req)
{
	return req->atomicity == PMEMDISK_ATOMICITY_BTT ? "BTT" : "raw";
}

static int convert_confirm(const struct convert_args *a, const struct pmemdisk_disk_info *d)
{
	char question[256], size[32];

	format_size(size, sizeof(size), d->size);
	snprintf(question, sizeof(question),
		 "Convert pmemdisk%u (%s%s%s%s) to %s with %u-byte sectors? All data on it will be lost.",
		 d->number, size, d->name[0] ? ", \"" : "", d->name, d->name[0] ? "\"" : "",
		 atomicity_word(&a->req), a->req.sector_size);
	return confirm(a->yes, question);
}

static int cmd_convert(int argc, char **argv)
{
	const struct pmemdisk_disk_info *d;
	struct convert_args a;
	struct pmem_state st;
	char **disk, size[32], block[32];
	int fd, rc, nr;

	memset(&a, 0, sizeof(a));
	a.req.size = sizeof(a.req);
	rc = cmd_parse(&convert_spec, argc, argv, convert_set, &a, &disk, &nr);
	if (!rc)
		rc = open_disk("convert", disk[0], &fd, &st, &d);
	if (rc)
		return rc;
	a.req.number = d->number;
	snprintf(block, sizeof(block), "pmemdisk%u", d->number);
	if (!a.req.sector_size)
		a.req.sector_size = d->sector_size;	/* keep it */
	rc = convert_confirm(&a, d);
	if (!rc)
		rc = ctl_request_progress(fd, PMEMDISK_IOC_CONVERT, &a.req, "convert", block,
					  "laying out the BTT");
	if (!rc) {
		format_size(size, sizeof(size), a.req.actual_size);
		printf("converted pmemdisk%u to %s: %s (%llu bytes) usable, %u-byte sectors\n",
		       d->number, atomicity_word(&a.req), size,
		       (unsigned long long)a.req.actual_size, a.req.sector_size);
	}
	query_free(&st);
	close(fd);
	return rc;
}

const struct cmd_spec convert_spec = {
	.name = "convert", .opts = convert_opts, .run = cmd_convert,
	.operands = "DISK", .min_operands = 1, .max_operands = 1,
	.summary = "reformat a disk as BTT or raw (its data is lost)",
};
