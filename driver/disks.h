/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which disks each region has (disks.c).
 */
#ifndef _PMDISK_DISKS_H
#define _PMDISK_DISKS_H

/* Create every region's disks from its labels, or one if it is label-less. */
void pmdisk_disks_from_regions(void);

#endif /* _PMDISK_DISKS_H */
