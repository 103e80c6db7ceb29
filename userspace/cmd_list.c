// SPDX-License-Identifier: GPL-2.0
/*
 * pmemctl devices | regions | list: what the module found and made, as a
 * table for people (list_table.c: -o/--output, --noheadings, --raw,
 * --bytes, as lsblk has them) or with --json for programs (list_json.c).
 */
#include <getopt.h>
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

static const struct option listing_options[] = {
	{ "json", no_argument, NULL, 'J' },
	{ "output", required_argument, NULL, 'o' },
	{ "noheadings", no_argument, NULL, 'n' },
	{ "raw", no_argument, NULL, 'r' },
	{ "bytes", no_argument, NULL, 'b' },
	{ NULL, 0, NULL, 0 },
};

static int listing_usage(const char *cmd, const char *why, const char *arg)
{
	fprintf(stderr, "pmemctl %s: %s%s%s\nusage: pmemctl %s %s\n", cmd, why,
		arg ? " " : "", arg ? arg : "", cmd, LISTING_ARGS);
	return EXIT_USAGE;
}

static int parse_listing(int argc, char **argv, struct listing_args *a)
{
	struct table_opts *t = &a->table;
	int c;

	memset(a, 0, sizeof(*a));
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:o:nrb", listing_options, NULL)) != -1) {
		switch (c) {
		case 'J': a->json = true; break;
		case 'o': t->output = optarg; break;
		case 'n': t->noheadings = true; break;
		case 'r': t->raw = true; break;
		case 'b': t->bytes = true; break;
		case ':': return listing_usage(argv[0], "no value for", argv[optind - 1]);
		default: return listing_usage(argv[0], "unknown option", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return listing_usage(argv[0], "unexpected argument", argv[optind]);
	if (a->json && (t->output || t->noheadings || t->raw || t->bytes))
		return listing_usage(argv[0], "--json has every key: --output, --noheadings, "
				     "--raw and --bytes are for the table", NULL);
	return 0;
}

static int run_listing(int argc, char **argv, const struct listing *l)
{
	struct listing_args a;
	struct pmem_state st;
	int fd, rc;

	rc = parse_listing(argc, argv, &a);
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

int cmd_devices(int argc, char **argv)
{
	static const struct listing l = { print_devices_json, print_devices_table };

	return run_listing(argc, argv, &l);
}

int cmd_regions(int argc, char **argv)
{
	static const struct listing l = { print_regions_json, print_regions_table };

	return run_listing(argc, argv, &l);
}

int cmd_list(int argc, char **argv)
{
	static const struct listing l = { print_disks_json, print_disks_table };

	return run_listing(argc, argv, &l);
}
