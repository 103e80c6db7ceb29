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

struct pmdisk_disk {
	struct list_head list;
	unsigned int number;		/* N in /dev/pmemdisk<N> */
	struct pmdisk_region *region;
	u64 offset;			/* of the disk's data in the region */
	u64 size;			/* bytes */
	void *virt;			/* region->virt + offset */
	unsigned int sector_size;	/* logical block size: 512 or 4096 */
	struct gendisk *gd;
	struct badblocks bb;		/* /sys/block/pmemdisk<N>/badblocks */
};

/* A raw (atomicity none) disk over [offset, offset + size) of @region. */
struct pmdisk_disk *pmdisk_disk_create_raw(struct pmdisk_region *region, u64 offset,
				     u64 size, unsigned int number);
/* Remove every disk (module unload: none can be open). */
void pmdisk_disks_destroy(void);

#endif /* _PMDISK_BLK_H */
