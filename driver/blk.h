/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Disks: /dev/pmemdisk<N>, a byte range of a region exposed as a block
 * device.
 */
#ifndef _PMDISK_BLK_H
#define _PMDISK_BLK_H

#include <linux/badblocks.h>
#include <linux/list.h>
#include <linux/types.h>

struct gendisk;
struct pmdisk_region;

/* What a disk is: where it lies and, for a namespace, who it is. */
struct pmdisk_disk_desc {
	unsigned int number;		/* N in /dev/pmemdisk<N> */
	u64 offset;			/* of the disk's data in the region */
	u64 size;			/* bytes */
	unsigned int sector_size;	/* 512 or 4096 */
	bool has_uuid;			/* label-less disks have none */
	u8 uuid[16];
	char name[65];
	u32 slot[16];			/* its label's slot on each DIMM */
};

struct pmdisk_disk {
	struct list_head list;
	struct pmdisk_disk_desc desc;
	struct pmdisk_region *region;
	u64 size;			/* bytes (desc.size) */
	void *virt;			/* region->virt + desc.offset */
	struct gendisk *gd;
	struct badblocks bb;		/* /sys/block/pmemdisk<N>/badblocks */
};

/* A raw (atomicity none) disk on @region as @desc says. */
struct pmdisk_disk *pmdisk_disk_create_raw(struct pmdisk_region *region,
					   const struct pmdisk_disk_desc *desc);
extern struct list_head pmdisk_disks;	/* in number order */
extern struct mutex pmdisk_disks_lock;

/* Opened (or mounted) by anyone right now. */
bool pmdisk_disk_is_open(struct pmdisk_disk *disk);
/* The lowest disk number not in use (callers are serialised). */
unsigned int pmdisk_disk_free_number(void);
/* Take @disk off the list and delete its block device. */
void pmdisk_disk_remove(struct pmdisk_disk *disk);

/* Remove every disk (module unload: none can be open). */
void pmdisk_disks_destroy(void);

#endif /* _PMDISK_BLK_H */
