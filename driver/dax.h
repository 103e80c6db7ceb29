/* SPDX-License-Identifier: GPL-2.0 */
/*
 * DAX disks: fsdax (a block device whose pages filesystems map: mount -o
 * dax, MAP_SYNC) and devdax (the character device /dev/pmemdax<N>, whose
 * mmap maps the pmem itself), both laid out behind a Linux-compatible info
 * block (core/pfn.h) and both with struct pages, in RAM or on the disk.
 */
#ifndef _PMDISK_DAX_H
#define _PMDISK_DAX_H

#include <linux/types.h>

#include "core/pfn.h"

struct pmdisk_disk;
struct pmdisk_disk_desc;
struct pmdisk_region;
struct gendisk;

/* Can @region's disks be DAX at all? false with *@why when not. */
bool pmdisk_dax_capable(const struct pmdisk_region *region, const char **why);

/*
 * Find the info block of @disk's namespace (desc, region set). 0 with
 * @layout filled; -ENOENT when there is none; another error, logged with
 * what is wrong, when there is one that cannot be served.
 */
int pmdisk_dax_probe(struct pmdisk_disk *disk, struct pmdisk_pfn_layout *layout);

/*
 * Give @disk its struct pages for @layout, and an fsdax disk its
 * dax_device. @disk->virt and ->size then describe the data. Nothing can
 * reach the disk yet: pmdisk_dax_add_host() offers the dax_device with the
 * gendisk (fsdax), pmdisk_dax_add_chardev() creates /dev/pmemdax<N>
 * (devdax). 0 or a negative errno, logged.
 */
int pmdisk_dax_attach(struct pmdisk_disk *disk, const struct pmdisk_pfn_layout *layout);
int pmdisk_dax_add_host(struct pmdisk_disk *disk, struct gendisk *gd);
int pmdisk_dax_add_chardev(struct pmdisk_disk *disk);
void pmdisk_dax_remove_host(struct pmdisk_disk *disk);
/* The layout of a DAX disk (disk->dax set). */
const struct pmdisk_pfn_layout *pmdisk_dax_layout(const struct pmdisk_disk *disk);
/* Undo pmdisk_dax_attach() (and add_host): no mapping or open is left. */
void pmdisk_dax_detach(struct pmdisk_disk *disk);

/* devdax: opened (or mapped) by anyone; block and allow opens as disk.h's. */
bool pmdisk_dax_is_open(struct pmdisk_disk *disk);
bool pmdisk_dax_block_opens(struct pmdisk_disk *disk);
void pmdisk_dax_allow_opens(struct pmdisk_disk *disk);

/*
 * Write and persist the info block of a new DAX namespace at @offset of
 * @region whose uuid is @parent, laid out as @layout (pmdisk_pfn_plan()).
 * 0 or -ENOMEM.
 */
int pmdisk_dax_format(struct pmdisk_region *region, u64 offset,
		      const struct pmdisk_pfn_layout *layout, const u8 parent[16]);

#endif /* _PMDISK_DAX_H */
