/* SPDX-License-Identifier: GPL-2.0 */
/*
 * BTT disks: the portable BTT engine (core/btt.c) behind a block device,
 * with the lanes that serialise its per-lane state.
 */
#ifndef _PMDISK_BTT_DISK_H
#define _PMDISK_BTT_DISK_H

#include <linux/blk_types.h>

#include "core/btt.h"

struct bio;
struct pmdisk_disk;
struct pmdisk_disk_desc;
struct pmdisk_region;

/* The BTT identity a disk's namespace calls for (see core/btt.c's table). */
void pmdisk_btt_disk_id(struct pmdisk_btt_id *id, const struct pmdisk_disk_desc *desc);

/*
 * Load the BTT of @disk (desc, region, virt set). Returns 0 with the
 * engine ready, -ENOENT when there is none, or another error (logged with
 * what is wrong with the media).
 */
int pmdisk_btt_disk_attach(struct pmdisk_disk *disk);
void pmdisk_btt_disk_detach(struct pmdisk_disk *disk);

/* Rewrite @disk's BTT info blocks with @parent (reset-id; the disk is closed). */
int pmdisk_btt_disk_set_parent(struct pmdisk_disk *disk, const u8 parent[16]);

/*
 * Where @disk's BTT info blocks and backups lie (offsets in its namespace),
 * in a kcalloc'ed array for the caller to free: what to wipe when the disk
 * stops being a BTT.
 */
int pmdisk_btt_disk_infos(struct pmdisk_disk *disk, u64 **offsets, unsigned int *n);

/* How far the running format or check has got (total 0: none runs). */
void pmdisk_btt_progress(u64 *done, u64 *total);

/* Read, write, discard or write-zeroes @bio on a BTT disk. */
blk_status_t pmdisk_btt_disk_rw(struct pmdisk_disk *disk, struct bio *bio);

/*
 * Lay out a fresh BTT over [offset, offset + size) of @region with sectors
 * of @lbasize, as @id says (a random BTT uuid is chosen here). Interrupted
 * by a fatal signal, it leaves no BTT. Progress goes to pmdisk_progress.
 */
int pmdisk_btt_disk_format(struct pmdisk_region *region, u64 offset, u64 size,
			   struct pmdisk_btt_id *id, u32 lbasize);

/*
 * Check (and with @repair mend) the BTT of the namespace @desc describes on
 * @region, which has no block device meanwhile. Findings go to the log.
 * Returns 0 when consistent, -EUCLEAN when not, or another error.
 */
int pmdisk_btt_disk_check(struct pmdisk_region *region,
			  const struct pmdisk_disk_desc *desc, bool repair,
			  struct pmdisk_btt_check_report *report);

#endif /* _PMDISK_BTT_DISK_H */
