// SPDX-License-Identifier: GPL-2.0
/*
 * The BTT check (and repair) of a disk, offline: its block device goes
 * while the BTT is read and mended, and comes back with its number.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "btt_disk.h"
#include "disk.h"
#include "pmemdisk.h"
#include "region.h"
#include "../uapi/pmemdisk.h"

/* ---- check ------------------------------------------------------------- */

static void pmdisk_check_report(struct pmemdisk_check *req,
				const struct pmdisk_btt_check_report *r, int rc)
{
	req->consistent = rc == 0;
	req->arenas = r->arenas;
	req->info_bad = r->info_bad;
	req->info2_bad = r->info2_bad;
	req->info_mismatch = r->info_mismatch;
	req->flog_bad = r->flog_bad;
	req->old_flog_layout = r->old_flog_layout;
	req->repaired = r->repaired;
	req->blocks_missing = r->blocks_missing;
	req->blocks_duplicate = r->blocks_duplicate;
	req->map_bad = r->map_bad;
}

long pmdisk_ctl_check(void *data)
{
	struct pmdisk_btt_check_report report = {};
	struct pmdisk_disk_desc desc;
	struct pmdisk_region *region;
	struct pmdisk_disk *disk;
	struct pmemdisk_check *req = data;
	u32 reason = PMEMDISK_REASON_NONE;
	bool repair;
	int rc;

	if (req->flags & ~PMEMDISK_CHECK_REPAIR)
		return PMEMDISK_REASON_RESERVED_NONZERO;
	repair = req->flags & PMEMDISK_CHECK_REPAIR;

	lockdep_assert_held(&pmdisk_ctl_lock);
	disk = pmdisk_disk_find(req->number);
	if (!disk)
		reason = PMEMDISK_REASON_UNKNOWN_DISK;
	else if (!disk->btt)
		reason = PMEMDISK_REASON_NOT_BTT;
	else if (repair && disk->region->readonly)
		reason = PMEMDISK_REASON_READONLY;
	else if (!pmdisk_disk_block_opens(disk))
		reason = PMEMDISK_REASON_DISK_OPEN;
	if (!reason) {
		/* offline meanwhile: nobody reads a half-repaired BTT */
		region = disk->region;
		desc = disk->desc;
		pmdisk_disk_remove(disk);
		rc = pmdisk_btt_disk_check(region, &desc, repair, &report);
		pr_info("pmemdisk%u: BTT check%s: %s\n", desc.number,
			repair ? " and repair" : "",
			rc == 0 ? "consistent" : rc == -EUCLEAN ? "problems found" : "failed");
		if (rc && rc != -EUCLEAN)
			reason = rc == -EINTR ? PMEMDISK_REASON_INTERRUPTED :
						PMEMDISK_REASON_MEDIA_IO;
		pmdisk_check_report(req, &report, rc);
		/* its number was released with it; nothing took it meanwhile */
		if (pmdisk_disk_number_claim(desc.number) != desc.number ||
		    IS_ERR(pmdisk_disk_create(region, &desc)))
			pr_err("pmemdisk%u: did not come back after the check (see above)\n",
			       desc.number);
	}
	return reason;
}
