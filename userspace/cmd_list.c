// SPDX-License-Identifier: GPL-2.0
/*
 * pmemctl devices | regions | list: what the module found and made, as a
 * table for people (list_table.c: -o/--output, --noheadings, --raw,
 * --bytes, as lsblk has them) or with --json for programs (list_json.c).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "ctl.h"
#include "listing.h"

struct listing {
	void (*json)(const struct pmem_state *st);
	int (*table)(const struct pmem_state *st, const struct table_opts *o, FILE *f);
};

struct listing_args {
	bool json;
	struct table_opts table;
};

enum { LS_JSON, LS_OUTPUT, LS_NOHEADINGS, LS_RAW, LS_BYTES };

static const struct cmd_opt listing_opts[] = {
	[LS_JSON] = { "json", 0, NULL, "print JSON (schema 1) for programs", 0 },
	[LS_OUTPUT] = { "output", 'o', "COLUMNS",
			"the columns to show, comma-separated, in that order", 0 },
	[LS_NOHEADINGS] = { "noheadings", 'n', NULL, "no heading line", 0 },
	[LS_RAW] = { "raw", 'r', NULL, "columns separated by one space, not aligned", 0 },
	[LS_BYTES] = { "bytes", 'b', NULL, "sizes in bytes, not 1.5 GiB", 0 },
	{ 0 },
};

static int listing_set(void *ctx, unsigned int opt, const char *value)
{
	struct listing_args *a = ctx;

	switch (opt) {
	case LS_JSON:
		a->json = true;
		break;
	case LS_OUTPUT:
		a->table.output = value;
		break;
	case LS_NOHEADINGS:
		a->table.noheadings = true;
		break;
	case LS_RAW:
		a->table.raw = true;
		break;
	case LS_BYTES:
		a->table.bytes = true;
		break;
	}
	return 0;
}

static int parse_listing(const struct cmd_spec *spec, int argc, char **argv,
			 struct listing_args *a)
{
	struct table_opts *t = &a->table;
	char **operands;
	int rc, nr;

	memset(a, 0, sizeof(*a));
	rc = cmd_parse(spec, argc, argv, listing_set, a, &operands, &nr);
	if (rc)
		return rc;
	if (a->json && (t->output || t->noheadings || t->raw || t->bytes))
		return cmd_usage_error(spec, "--json has every key: --output, --noheadings, "
				       "--raw and --bytes are for the table");
	return 0;
}

static int run_listing(const struct cmd_spec *spec, int argc, char **argv,
		       const struct listing *l)
{
	struct listing_args a;
	struct pmem_state st;
	int fd, rc;

	rc = parse_listing(spec, argc, argv, &a);
	if (!rc)
		rc = open_state(&fd, &st);
	if (rc)
		return rc;
	close(fd);
	if (a.json)
		l->json(&st);
	else
		rc = l->table(&st, &a.table, stdout);
	query_free(&st);
	return rc;
}

static int cmd_devices(int argc, char **argv)
{
	static const struct listing l = { print_devices_json, print_devices_table };

	return run_listing(&devices_spec, argc, argv, &l);
}

static int cmd_regions(int argc, char **argv)
{
	static const struct listing l = { print_regions_json, print_regions_table };

	return run_listing(&regions_spec, argc, argv, &l);
}

static int cmd_list(int argc, char **argv)
{
	static const struct listing l = { print_disks_json, print_disks_table };

	return run_listing(&list_spec, argc, argv, &l);
}

const struct cmd_spec devices_spec = {
	.name = "devices", .opts = listing_opts, .run = cmd_devices,
	.summary = "physical devices (NVDIMMs): identity, health, labels",
};

const struct cmd_spec regions_spec = {
	.name = "regions", .opts = listing_opts, .run = cmd_regions,
	.summary = "regions: size, free space, devices, persistence",
};

const struct cmd_spec list_spec = {
	.name = "list", .opts = listing_opts, .run = cmd_list,
	.summary = "disks: number, size, health, atomicity, mode, devices",
};
