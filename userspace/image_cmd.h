/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pmemctl image: what its commands share. An image_layout is one image's
 * namespace as create plans and writes it (image_layout.c).
 */
#ifndef _PMEMCTL_IMAGE_CMD_H
#define _PMEMCTL_IMAGE_CMD_H

#include "image.h"
#include "../driver/core/provision.h"

struct image_layout {
	const char *path;
	unsigned long long size;	/* usable bytes asked for */
	int labels;			/* enum pmdisk_label_version; 0: none */
	bool btt;
	u32 sector_size;
	char name[PMDISK_NS_NAME_LEN];	/* at most 63 bytes and a NUL */
	u8 uuid[16];
	unsigned int slot;
	struct image_geo geo;
	/* planned */
	struct pmdisk_prov_plan plan;	/* offset, size, actual, BTT start */
};

/*
 * Size the file for @c (the usable size rounded up, never down) and plan
 * its namespace. Returns NULL, or why it cannot be made.
 */
const char *image_plan(struct image_layout *c);
/*
 * Lay out @c on the new, empty file @fd: label index, the BTT, then the
 * labels that name it (the commit point). Returns NULL, or what failed.
 */
const char *image_write(const struct image_layout *c, int fd);
void image_print_created(const struct image_layout *c);
/* The QEMU options and libvirt XML that give a guest @path (@slot -1: any). */
void image_print_fit(const char *path, const struct image_geo *g, int slot);

int cmd_image_create(int argc, char **argv);
int cmd_image_info(int argc, char **argv);
extern const struct cmd_spec image_create_spec, image_info_spec, image_check_spec;

/* ---- image cat, image convert (image_cat.c, image_convert.c) ---- */
int cmd_image_cat(int argc, char **argv);
int cmd_image_convert(int argc, char **argv);
extern const struct cmd_spec image_cat_spec, image_convert_spec;
/* ---- end image cat, image convert ---- */

#endif /* _PMEMCTL_IMAGE_CMD_H */
