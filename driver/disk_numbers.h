/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kept disk numbers: the N of /dev/pmemdisk<N> a disk had when last
 * attached, read back from its dirty-shutdown records (disk_numbers.c).
 */
#ifndef _PMDISK_DISK_NUMBERS_H
#define _PMDISK_DISK_NUMBERS_H

#include <linux/types.h>

struct pmdisk_region;

/*
 * The number @uuid's disk had when last attached on @region, from the first
 * of its DIMMs that records one: true and *@number, or false.
 */
bool pmdisk_kept_number(struct pmdisk_region *region, const u8 *uuid,
			unsigned int *number);

#endif /* _PMDISK_DISK_NUMBERS_H */
