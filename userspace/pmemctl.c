// SPDX-License-Identifier: GPL-2.0
/*
 * pmemctl: the pmemdisk admin tool.
 *
 * Thin command functions over ctl.c; each command is one entry in the
 * table below and documented in pmemctl.8.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "ctl.h"
#include "../driver/version.h"
#include "../uapi/pmemdisk.h"

struct command {
	const char *name;
	const char *args;
	const char *help;
	int (*run)(int argc, char **argv);
};

static int cmd_version(int argc, char **argv)
{
	struct pmemdisk_version v;
	int fd, rc;

	if (argc > 1) {
		fprintf(stderr, "pmemctl: version takes no arguments\n");
		return EXIT_USAGE;
	}
	printf("pmemctl %s (ABI %d.%d)\n", PMEMDISK_VERSION,
	       PMEMDISK_ABI_MAJOR, PMEMDISK_ABI_MINOR);
	fflush(stdout);
	fd = ctl_open();
	if (fd < 0)
		return -fd;
	memset(&v, 0, sizeof(v));
	v.size = sizeof(v);
	rc = ctl_request(fd, PMEMDISK_IOC_VERSION, &v, "version");
	close(fd);
	if (rc)
		return rc;
	printf("pmemdisk.ko %.*s (ABI %u.%u) on Linux %.*s\n",
	       (int)sizeof(v.module_version), v.module_version,
	       v.abi_major, v.abi_minor,
	       (int)sizeof(v.kernel_release), v.kernel_release);
	if (v.abi_major != PMEMDISK_ABI_MAJOR) {
		fprintf(stderr, "pmemctl: ABI major %u of pmemdisk.ko differs "
			"from pmemctl's %d: use the pmemctl of the same release\n",
			v.abi_major, PMEMDISK_ABI_MAJOR);
		return EXIT_REFUSED;
	}
	return EXIT_OK;
}

static int cmd_help(int argc, char **argv);

static const struct command commands[] = {
	{ "devices", LISTING_ARGS, "physical devices (NVDIMMs): identity, health, labels",
	  cmd_devices },
	{ "regions", LISTING_ARGS, "regions: size, free space, devices, persistence",
	  cmd_regions },
	{ "list", LISTING_ARGS, "disks: number, size, health, atomicity, mode, devices",
	  cmd_list },
	{ "create", "--region ID --size SIZE [--name NAME] [--uuid UUID] "
	  "[--sector-size 512|4096] [--btt] [--dry-run] "
	  "[--mode raw|btt|fsdax|devdax] [--map mem|dev] [--align 4K|2M|1G]",
	  "a new disk on a region with labels", cmd_create },
	{ "remove", "DISK... [--yes]",
	  "remove disks (DISK: pmemdiskN, N, pmemdaxN, uuid or name)", cmd_remove },
	{ "init-labels", "DEVICE...|--all [--label-version 1.1|1.2] [--yes]",
	  "write empty labels to devices", cmd_init_labels },
	{ "reset-id", "DISK [--uuid UUID]",
	  "give a disk a new uuid (random unless given)", cmd_reset_id },
	{ "check", "DISK [--repair] [--json]",
	  "check a BTT disk's metadata (offline meanwhile); --repair mends it", cmd_check },
	{ "convert", "DISK --btt|--raw [--sector-size 512|4096] [--yes]",
	  "reformat a disk as BTT or raw (its data is lost)", cmd_convert },
	{ "read-labels", "DEVICE [--json]",
	  "decode a device's label area, for diagnosis", cmd_read_labels },
	{ "version", "", "print pmemctl's and the loaded module's versions",
	  cmd_version },
	{ "help", "", "this text", cmd_help },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: pmemctl COMMAND [ARGS]\n\n"
		"Manage pmemdisk persistent-memory disks through %s.\n\n"
		"commands:\n", PMEMCTL_DEV);
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %s%s%s\n      %s\n", commands[i].name,
			commands[i].args[0] ? " " : "", commands[i].args,
			commands[i].help);
	fprintf(f, "\nexit status: 0 done, 1 refused or failed, 2 usage, "
		"3 pmemdisk.ko not loaded,\n4 not permitted, "
		"5 confirmation declined. See pmemctl(8).\n");
}

static int cmd_help(int argc, char **argv)
{
	usage(stdout);
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return cmd_help(argc - 1, argv + 1);
	if (!strcmp(argv[1], "--version"))
		return cmd_version(1, argv + 1);
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "pmemctl: unknown command '%s' (see 'pmemctl help')\n",
		argv[1]);
	return EXIT_USAGE;
}
