/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The raw disk data path (blk.c): what disk.c needs of it to make a block
 * device, and the unit helpers of its address math.
 */
#ifndef _PMDISK_BLK_H
#define _PMDISK_BLK_H

#include <linux/blkdev.h>

static inline u64 to_offset(sector_t sector)
{
	return (u64)sector << SECTOR_SHIFT;
}

static inline sector_t to_sectors(u64 bytes)
{
	return bytes >> SECTOR_SHIFT;
}

/* The methods of every pmemdisk block device (raw, BTT and fsdax). */
extern const struct block_device_operations pmdisk_disk_ops;

#endif /* _PMDISK_BLK_H */
