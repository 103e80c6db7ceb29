// SPDX-License-Identifier: GPL-2.0
/*
 * Kept disk numbers: a labelled disk is /dev/pmemdisk<N> with the same N
 * after a reload or a reboot, however disks before it in region order came
 * and went.
 *
 * The number lives in the disk's dirty-shutdown record on each of its DIMMs
 * (core/dstate.c): attaching a disk writes it there (dirty_shutdown.c), and
 * a load reads it back here before numbering what it found (disks.c).
 */
#include <linux/mutex.h>

#include "core/dstate.h"
#include "dirty_shutdown.h"
#include "disk_numbers.h"
#include "region.h"

/* Numbers a record may give back; more is damage (names stay short). */
#define PMDISK_MAX_KEPT_NUMBER	4096

bool pmdisk_kept_number(struct pmdisk_region *region, const u8 *uuid,
			unsigned int *number)
{
	bool found = false;
	unsigned int i;
	u32 n;

	mutex_lock(&pmdisk_dstate_lock);
	for (i = 0; i < region->ways && !found; i++) {
		struct pmdisk_dstate *ds = region->map[i].dimm->dstate;

		if (ds && pmdisk_dstate_number(ds, uuid, &n) && n < PMDISK_MAX_KEPT_NUMBER) {
			*number = n;
			found = true;
		}
	}
	mutex_unlock(&pmdisk_dstate_lock);
	return found;
}
