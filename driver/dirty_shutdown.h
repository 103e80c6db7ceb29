/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Unsafe shutdowns: pmemdisk's own per-disk dirty-shutdown count, kept in
 * the records of core/dstate.h on each of a disk's DIMMs (dirty_shutdown.c).
 *
 * A disk is tracked when it has a uuid (labelled) and every DIMM of its
 * region has a writable label area with room for the records; otherwise its
 * count is unknown. Callers are serialised by pmdisk_regions_lock, or are
 * module load and unload.
 */
#ifndef _PMDISK_DIRTY_SHUTDOWN_H
#define _PMDISK_DIRTY_SHUTDOWN_H

#include <linux/mutex.h>
#include <linux/types.h>

struct pmdisk_dimm;
struct pmdisk_disk;
struct pmdisk_lsa;
struct pmdisk_region;

/*
 * The records' lock (dirty_shutdown.c says what it guards); disk_numbers.c
 * reads the numbers the records keep under it too.
 */
extern struct mutex pmdisk_dstate_lock;

/* Read @dimm's records from its loaded label area @lsa, if it has room. */
void pmdisk_dimm_shutdown_probe(struct pmdisk_dimm *dimm, struct pmdisk_lsa *lsa);
/* After @dimm's labels were initialised with room for records: none yet. */
void pmdisk_dimm_shutdown_format(struct pmdisk_dimm *dimm);
void pmdisk_dimm_shutdown_release(struct pmdisk_dimm *dimm);

/*
 * Before @disk takes I/O: mark it attached on its DIMMs. When it already
 * was, the system went down without detaching it: its count goes up and
 * the kernel log says so. Sets disk->dirty_shutdowns and dirty_tracked.
 */
void pmdisk_shutdown_attach(struct pmdisk_disk *disk);
/* @disk detached cleanly (removed, unloaded, orderly shutdown). */
void pmdisk_shutdown_detach(struct pmdisk_disk *disk);
/* @uuid's disk is gone, or a new disk takes the uuid: drop its record. */
void pmdisk_shutdown_forget(struct pmdisk_region *region, const u8 *uuid);
/* @disk's uuid changed from @old (reset-id): its record follows it. */
void pmdisk_shutdown_rename(struct pmdisk_disk *disk, const u8 *old);

/* Detach every disk cleanly on an orderly reboot or power-off. */
int pmdisk_shutdown_init(void);
void pmdisk_shutdown_exit(void);

#endif /* _PMDISK_DIRTY_SHUTDOWN_H */
