/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which disks each region has (disks.c).
 */
#ifndef _PMDISK_DISKS_H
#define _PMDISK_DISKS_H

struct pmdisk_disk;
struct pmdisk_region;
struct pmdisk_iset_dimm;

/* Create every region's disks from its labels, or one if it is label-less. */
void pmdisk_disks_from_regions(void);
/* The same for one region; caller holds pmdisk_regions_lock. */
void pmdisk_region_make_disks(struct pmdisk_region *region);

/* The interleave-set description of @region's DIMMs, for cookies. */
void pmdisk_region_iset(const struct pmdisk_region *region,
			struct pmdisk_iset_dimm *iset);

struct pmdisk_lsa;

/*
 * Load the label areas of all of @region's DIMMs into @lsa[ways], or none;
 * release them with pmdisk_region_lsa_release().
 */
int pmdisk_region_lsa_load(struct pmdisk_region *region, struct pmdisk_lsa *lsa);
void pmdisk_region_lsa_release(struct pmdisk_region *region,
			       struct pmdisk_lsa *lsa);

/*
 * After a change of @region's labels failed: describe the region again from
 * its media, as a load does (extents, label state and counts included), and
 * make the disk of the namespace found at @offset, numbered @number when
 * that number is free. Returns the disk; ERR_PTR(-ENOENT) when the media
 * holds no disk there; or the error that stopped it (logged). The caller
 * holds pmdisk_regions_lock and has no disk at @offset.
 */
struct pmdisk_disk *pmdisk_region_disk_back(struct pmdisk_region *region, u64 offset,
					    unsigned int number);

#endif /* _PMDISK_DISKS_H */
