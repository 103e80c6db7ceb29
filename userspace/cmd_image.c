// SPDX-License-Identifier: GPL-2.0
/*
 * pmemctl image create | info: persistent-memory image files for virtual
 * machines, laid out offline on regular files with the same portable core
 * the module uses (labels, provisioning, BTT), with no module loaded and
 * no privileges beyond the file's. image.h describes the file.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <uuid/uuid.h>

#include "args.h"
#include "commands.h"
#include "ctl.h"
#include "image_cmd.h"

/* ------------------------------------------------------------- create */

enum {
	IC_SIZE, IC_LABELS, IC_LABEL_SIZE, IC_MODE, IC_BTT, IC_SECTOR_SIZE, IC_NAME,
	IC_UUID, IC_SLOT, IC_ALIGN,
};

static const struct cmd_opt image_create_opts[] = {
	[IC_SIZE] = { "size", 0, "SIZE", "usable capacity the guest sees: bytes, or K, M, G, T",
		      OPT_REQUIRED },
	[IC_LABELS] = { "labels", 0, "v1.2|v1.1|none", "the label area's format (v1.2)", 0 },
	[IC_LABEL_SIZE] = { "label-size", 0, "SIZE", "bytes of label area, 128K to 4M (128K)", 0 },
	[IC_MODE] = { "mode", 0, "raw|btt", "what the disk is (raw)", 0 },
	[IC_BTT] = { "btt", 0, NULL, "a BTT disk, every sector write atomic: --mode btt", 0 },
	[IC_SECTOR_SIZE] = { "sector-size", 0, "512|4096", "logical sector size (512)", 0 },
	[IC_NAME] = { "name", 0, "NAME", "the namespace's name, at most 63 bytes", 0 },
	[IC_UUID] = { "uuid", 0, "UUID", "the namespace's uuid (random if not given)", 0 },
	[IC_SLOT] = { "slot", 0, "N", "the QEMU memory slot the labels are for (0)", 0 },
	[IC_ALIGN] = { "align", 0, "4K|2M", "the memory backend's alignment (4K)", 0 },
	{ 0 },
};

const struct cmd_spec image_create_spec = {
	.name = "image create", .run = cmd_image_create,
	.operands = "FILE", .min_operands = 1, .max_operands = 1,
	.summary = "lay out a new image file for a VM's emulated NVDIMM",
	.opts = image_create_opts,
};

static int parse_labels(const char *val, int *labels)
{
	if (!strcmp(val, "v1.2"))
		*labels = PMDISK_LABEL_V1_2;
	else if (!strcmp(val, "v1.1"))
		*labels = PMDISK_LABEL_V1_1;
	else if (!strcmp(val, "none"))
		*labels = 0;
	else
		return CMD_BAD_VALUE;
	return 0;
}

static int parse_image_mode(const char *val, bool *btt)
{
	if (!strcmp(val, "fsdax") || !strcmp(val, "devdax")) {
		fprintf(stderr, "pmemctl image create: no %s images: a guest's pmem is only known to be 4 KiB-aligned, and DAX needs 2 MiB\n",
			val);
		return EXIT_USAGE;
	}
	if (strcmp(val, "raw") && strcmp(val, "btt"))
		return CMD_BAD_VALUE;
	*btt = !strcmp(val, "btt");
	return 0;
}

static int image_create_set(void *ctx, unsigned int opt, const char *val)
{
	struct image_layout *c = ctx;

	switch (opt) {
	case IC_SIZE:
		return parse_size(val, &c->size) ? CMD_BAD_VALUE : 0;
	case IC_LABELS:
		return parse_labels(val, &c->labels);
	case IC_LABEL_SIZE:
		return image_parse_label_size(val, &c->geo.label_size) ? CMD_BAD_VALUE : 0;
	case IC_MODE:
		return parse_image_mode(val, &c->btt);
	case IC_BTT:
		c->btt = true;
		return 0;
	case IC_SECTOR_SIZE:
		return parse_sector_size(val, &c->sector_size) ? CMD_BAD_VALUE : 0;
	case IC_NAME:
		if (strlen(val) >= sizeof(c->name))
			return CMD_BAD_VALUE;
		strcpy(c->name, val);
		return 0;
	case IC_UUID:
		return uuid_parse(val, c->uuid) ? CMD_BAD_VALUE : 0;
	case IC_SLOT:
		if (!*val || strspn(val, "0123456789") != strlen(val) || strlen(val) > 3 ||
		    atoi(val) > (int)IMAGE_MAX_SLOT)
			return CMD_BAD_VALUE;
		c->slot = atoi(val);
		return 0;
	default:
		if (strcasecmp(val, "4K") && strcasecmp(val, "2M"))
			return CMD_BAD_VALUE;
		c->geo.align = toupper((unsigned char)val[1]) == 'K' ? 4096 : IMAGE_FILE_ALIGN;
		return 0;
	}
}

static int image_create_args(int argc, char **argv, struct image_layout *c)
{
	char **operands;
	int rc, nr;

	memset(c, 0, sizeof(*c));
	c->labels = PMDISK_LABEL_V1_2;
	c->geo.label_size = IMAGE_LABEL_MIN;
	c->geo.align = 4096;
	c->sector_size = 512;
	rc = cmd_parse(&image_create_spec, argc, argv, image_create_set, c, &operands, &nr);
	if (rc)
		return rc;
	c->path = operands[0];
	if (c->size % c->sector_size)
		return cmd_usage_error(&image_create_spec,
				       "--size %llu is not a whole number of %u-byte sectors",
				       c->size, c->sector_size);
	if (!c->labels && (c->name[0] || !uuid_is_null(c->uuid) || c->slot))
		return cmd_usage_error(&image_create_spec,
				       "--labels none: a label-less image has no name, uuid or slot");
	if (!c->labels)
		c->geo.label_size = 0;
	if (uuid_is_null(c->uuid))
		uuid_generate(c->uuid);
	return 0;
}

/* A new file, nobody else's: refuse to touch one that exists. */
static int image_create_file(const struct image_layout *c)
{
	int fd = open(c->path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0666);

	if (fd < 0) {
		fprintf(stderr, "pmemctl image create: %s: %s%s\n", c->path, strerror(errno),
			errno == EEXIST ? " (image create makes new files only)" : "");
		return -1;
	}
	if (ftruncate(fd, c->geo.file_size)) {
		fprintf(stderr, "pmemctl image create: %s: cannot make it %llu bytes: %s\n",
			c->path, (unsigned long long)c->geo.file_size, strerror(errno));
		close(fd);
		unlink(c->path);
		return -1;
	}
	return fd;
}

int cmd_image_create(int argc, char **argv)
{
	struct image_layout c;
	const char *why;
	int rc, fd;

	rc = image_create_args(argc, argv, &c);
	if (rc)
		return rc;
	why = image_plan(&c);
	if (why) {
		fprintf(stderr, "pmemctl image create: %s\n", why);
		return EXIT_REFUSED;
	}
	fd = image_create_file(&c);
	if (fd < 0)
		return EXIT_REFUSED;
	why = image_write(&c, fd);
	if (!why && fsync(fd))
		why = "the file could not be synced";
	close(fd);
	if (why) {
		fprintf(stderr, "pmemctl image create: %s: %s; the file is removed\n", c.path, why);
		unlink(c.path);
		return EXIT_REFUSED;
	}
	image_print_created(&c);
	image_print_fit(c.path, &c.geo, c.labels ? (int)c.slot : -1);
	return EXIT_OK;
}

/* -------------------------------------------------------------- image */

static const struct cmd_spec *const image_commands[] = {
	&image_create_spec, &image_info_spec, &image_check_spec,
	&image_convert_spec, &image_cat_spec,
};

#define NR_IMAGE_COMMANDS (sizeof(image_commands) / sizeof(image_commands[0]))

static void image_usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: pmemctl image create|info|check|convert|cat ...\n\n"
		"Image files that QEMU gives a guest as an emulated NVDIMM, laid out\n"
		"offline: no module, no root, only the file's permissions.\n\ncommands:\n");
	for (i = 0; i < NR_IMAGE_COMMANDS; i++) {
		fprintf(f, "  %s ", image_commands[i]->name);
		cmd_synopsis(image_commands[i], f);
		fprintf(f, "\n      %s\n", image_commands[i]->summary);
	}
	fprintf(f, "\noptions:\n  --help, -h  this text; 'pmemctl image COMMAND --help' describes\n"
		"              each option of COMMAND\n");
}

static int cmd_image(int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "";
	size_t i;

	if (!strcmp(sub, "--help") || !strcmp(sub, "-h")) {
		image_usage(stdout);
		return CMD_HELP_SHOWN;
	}
	for (i = 0; i < NR_IMAGE_COMMANDS; i++)
		if (!strcmp(sub, image_commands[i]->name + strlen("image ")))
			return image_commands[i]->run(argc - 1, argv + 1);
	if (*sub == '-')
		fprintf(stderr, "pmemctl image: unknown option '%s'\n", sub);
	else if (*sub)
		fprintf(stderr, "pmemctl image: unknown command '%s'\n", sub);
	image_usage(stderr);
	return EXIT_USAGE;
}

const struct cmd_spec image_spec = {
	.name = "image", .run = cmd_image, .operands = "create|info|check|convert|cat ...",
	.min_operands = 1, .max_operands = 100,
	.summary = "image files for VMs' emulated NVDIMMs (pmemctl image --help)",
};
