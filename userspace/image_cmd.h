/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pmemctl image: what its commands share. An image_layout is one image's
 * namespace as create plans and writes it (image_layout.c).
 */
#ifndef _PMEMCTL_IMAGE_CMD_H
#define _PMEMCTL_IMAGE_CMD_H

#include <stdio.h>

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
 * Lay out @c on a new, empty image whose label area is @labels and whose
 * region (the guest's pmem) is @region: label index, the BTT, then the
 * labels that name it (the commit point). Returns NULL, or what failed.
 */
const char *image_write_media(const struct image_layout *c, struct pmdisk_media *labels,
			      struct pmdisk_media *region);
/* image_write_media() on the file @fd. */
const char *image_write(const struct image_layout *c, int fd);
void image_print_created(const struct image_layout *c);
/* The QEMU options and libvirt XML that give a guest @path (@slot -1: any). */
void image_print_fit(const char *path, const struct image_geo *g, int slot);
/* The -object and -device values of those options, @len bytes each. */
void image_fit_qemu(const char *path, const struct image_geo *g, int slot,
		    char *object, char *device, size_t len);
/* The libvirt <memory> element, unindented, on @f. */
void image_fit_libvirt(FILE *f, const char *path, const struct image_geo *g, int slot);

int cmd_image_create(int argc, char **argv);
int cmd_image_info(int argc, char **argv);
extern const struct cmd_spec image_create_spec, image_info_spec, image_check_spec;

/* ---- image cat, image convert (image_cat.c, image_convert.c) ---- */
int cmd_image_cat(int argc, char **argv);
int cmd_image_convert(int argc, char **argv);
extern const struct cmd_spec image_cat_spec, image_convert_spec;
/* ---- end image cat, image convert ---- */

#endif /* _PMEMCTL_IMAGE_CMD_H */
