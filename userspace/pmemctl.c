// SPDX-License-Identifier: GPL-2.0
/*
 * pmemctl: the pmemdisk admin tool.
 *
 * Thin command functions over ctl.c; each command is a struct cmd_spec
 * (its option table, help and run function) listed below and documented
 * in pmemctl.8.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "ctl.h"
#include "../driver/version.h"
#include "../uapi/pmemdisk.h"

static const struct cmd_spec version_spec, help_spec;

static int cmd_version(int argc, char **argv)
{
	struct pmemdisk_version v;
	char **operands;
	int fd, rc, nr;

	rc = cmd_parse(&version_spec, argc, argv, NULL, NULL, &operands, &nr);
	if (rc)
		return rc;
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

static int cmd_help_all(int argc, char **argv);

static const struct cmd_spec version_spec = {
	.name = "version", .run = cmd_version,
	.summary = "print pmemctl's and the loaded module's versions",
};

static const struct cmd_spec help_spec = {
	.name = "help", .run = cmd_help_all, .summary = "this text",
};

static const struct cmd_spec *const commands[] = {
	&devices_spec, &regions_spec, &list_spec, &create_spec, &remove_spec,
	&init_labels_spec, &reset_id_spec, &check_spec, &convert_spec,
	&read_labels_spec, &image_spec, &version_spec, &help_spec,
};

/* Each command's synopsis on one line, from its option table. */
static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: pmemctl COMMAND [ARGS]\n\n"
		"Manage pmemdisk persistent-memory disks through %s.\n\n"
		"commands:\n", PMEMCTL_DEV);
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		fprintf(f, "  %s%s", commands[i]->name,
			commands[i]->operands || commands[i]->opts ? " " : "");
		cmd_synopsis(commands[i], f);
		fprintf(f, "\n      %s\n", commands[i]->summary);
	}
	fprintf(f, "\n'pmemctl COMMAND --help' describes each option of COMMAND.\n"
		"exit status: 0 done, 1 refused or failed, 2 usage, "
		"3 pmemdisk.ko not loaded,\n4 not permitted, "
		"5 confirmation declined. See pmemctl(8).\n");
}

static int cmd_help_all(int argc, char **argv)
{
	char **operands;
	int rc, nr;

	rc = cmd_parse(&help_spec, argc, argv, NULL, NULL, &operands, &nr);
	if (!rc)
		usage(stdout);
	return rc;
}

int main(int argc, char **argv)
{
	size_t i;
	int rc;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return cmd_help_all(1, argv + 1);
	if (!strcmp(argv[1], "--version"))
		return cmd_version(1, argv + 1);
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (!strcmp(argv[1], commands[i]->name)) {
			rc = commands[i]->run(argc - 1, argv + 1);
			return rc == CMD_HELP_SHOWN ? EXIT_OK : rc;
		}
	}
	fprintf(stderr, "pmemctl: unknown command '%s' (see 'pmemctl help')\n",
		argv[1]);
	return EXIT_USAGE;
}
