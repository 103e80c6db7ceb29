// SPDX-License-Identifier: GPL-2.0
/*
 * A device's labels: initialise its label area (every disk on it goes, the
 * regions it is part of are described again), and read the raw area.
 * ctl.c serialises these requests with the others.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <linux/uaccess.h>

#include "core/dstate.h"
#include "dirty_shutdown.h"
#include "disk.h"
#include "disks.h"
#include "lsa.h"
#include "pmemdisk.h"
#include "region.h"
#include "../uapi/pmemdisk.h"

/* ---- init-labels ------------------------------------------------------- */

static bool pmdisk_region_has(const struct pmdisk_region *region,
			      const struct pmdisk_dimm *dimm)
{
	unsigned int i;

	for (i = 0; i < region->ways; i++)
		if (region->map[i].dimm == dimm)
			return true;
	return false;
}

/*
 * Block opens of every disk of a region that uses @dimm
 * (pmdisk_disk_block_opens()), or of none: false when one of them is open.
 */
static bool pmdisk_dimm_block_opens(const struct pmdisk_dimm *dimm)
{
	struct pmdisk_disk *disk, *failed = NULL;

	mutex_lock(&pmdisk_disks_lock);
	list_for_each_entry(disk, &pmdisk_disks, list) {
		if (pmdisk_region_has(disk->region, dimm) && !pmdisk_disk_block_opens(disk)) {
			failed = disk;
			break;
		}
	}
	if (failed) {
		list_for_each_entry(disk, &pmdisk_disks, list) {
			if (disk == failed)
				break;
			if (pmdisk_region_has(disk->region, dimm))
				pmdisk_disk_allow_opens(disk);
		}
	}
	mutex_unlock(&pmdisk_disks_lock);
	return !failed;
}

/* Remove every disk of @region; returns how many. */
static u32 pmdisk_region_drop_disks(struct pmdisk_region *region)
{
	struct pmdisk_disk *disk;
	u32 n = 0;

	for (;;) {
		struct pmdisk_disk *victim = NULL;

		mutex_lock(&pmdisk_disks_lock);
		list_for_each_entry(disk, &pmdisk_disks, list)
			if (disk->region == region)
				victim = disk;
		mutex_unlock(&pmdisk_disks_lock);
		if (!victim)
			return n;
		pmdisk_disk_remove(victim);
		n++;
	}
}

/* The device @req names, if its labels may be initialised now. */
static u32 pmdisk_init_labels_checks(const struct pmemdisk_init_labels *req,
				     enum pmdisk_label_version v, struct pmdisk_dimm **dimmp)
{
	struct pmdisk_dimm *dimm = NULL, *d;
	u32 isize, nslot;

	list_for_each_entry(d, &pmdisk_dimms, list)
		if (d->id == req->device)
			dimm = d;
	*dimmp = dimm;
	if (!dimm)
		return PMEMDISK_REASON_UNKNOWN_DEVICE;
	if (dimm->label_method == PMDISK_LABELS_NONE)
		return PMEMDISK_REASON_NO_LABEL_AREA;
	if (!dimm->labels_writable)
		return PMEMDISK_REASON_LABELS_READONLY;
	if (pmdisk_lsa_geometry(dimm->label_size, v == PMDISK_LABEL_V1_2 ? 256 : 128,
				&isize, &nslot))
		return PMEMDISK_REASON_NO_LABEL_AREA;	/* too small for labels */
	return PMEMDISK_REASON_NONE;
}

/*
 * Write fresh indexes to @dimm's label area, with room at the end for the
 * dirty-shutdown records when it is large. When that fails, the DIMM is
 * as its area now reads, as a load would find it.
 */
static u32 pmdisk_dimm_init_labels(struct pmdisk_dimm *dimm, enum pmdisk_label_version v)
{
	u32 tail = pmdisk_dstate_tail(dimm->label_size);
	u32 lsize = v == PMDISK_LABEL_V1_2 ? 256 : 128, isize, nslot;
	int rc;

	pmdisk_dimm_shutdown_release(dimm);
	rc = pmdisk_lsa_init(&dimm->lsa_media.media, v, tail);
	if (rc) {
		pr_err("dimm%u: initialising the labels failed (%d): they are as the area now reads\n",
		       dimm->id, rc);
		pmdisk_dimm_labels_reload(dimm);
		return rc == -ENOMEM ? PMEMDISK_REASON_NO_MEMORY : PMEMDISK_REASON_LABEL_IO;
	}
	pmdisk_lsa_geometry(dimm->label_size, lsize, &isize, &nslot);
	mutex_lock(&pmdisk_regions_lock);
	dimm->label_state = v == PMDISK_LABEL_V1_2 ? PMDISK_LABEL_STATE_V1_2 :
						     PMDISK_LABEL_STATE_V1_1;
	dimm->label_nslot = nslot - DIV_ROUND_UP(tail, lsize);
	dimm->label_used = 0;
	mutex_unlock(&pmdisk_regions_lock);
	if (tail)
		pmdisk_dimm_shutdown_format(dimm);
	return PMEMDISK_REASON_NONE;
}

long pmdisk_ctl_init_labels(void *data)
{
	struct pmemdisk_init_labels *req = data;
	struct pmdisk_region *region;
	struct pmdisk_dimm *dimm;
	enum pmdisk_label_version v;
	u32 reason;

	if (req->flags || req->reserved0 || req->disks_removed)
		return PMEMDISK_REASON_RESERVED_NONZERO;
	if (req->version != PMEMDISK_LABEL_VERSION_1_1 &&
	    req->version != PMEMDISK_LABEL_VERSION_1_2)
		return PMEMDISK_REASON_BAD_LABEL_VERSION;
	v = req->version == PMEMDISK_LABEL_VERSION_1_2 ? PMDISK_LABEL_V1_2 :
							PMDISK_LABEL_V1_1;

	lockdep_assert_held(&pmdisk_ctl_lock);
	reason = pmdisk_init_labels_checks(req, v, &dimm);
	if (!reason && !pmdisk_dimm_block_opens(dimm))
		reason = PMEMDISK_REASON_DISK_OPEN;
	if (reason)
		goto unlock;
	list_for_each_entry(region, &pmdisk_regions, list)
		if (pmdisk_region_has(region, dimm))
			req->disks_removed += pmdisk_region_drop_disks(region);
	reason = pmdisk_dimm_init_labels(dimm, v);
	if (!reason)
		pr_info("dimm%u: labels initialised (v1.%u), %u disks removed\n",
			dimm->id, v == PMDISK_LABEL_V1_2 ? 2 : 1, req->disks_removed);
	list_for_each_entry(region, &pmdisk_regions, list)
		if (pmdisk_region_has(region, dimm))
			pmdisk_region_make_disks(region);
unlock:
	return reason;
}

/* ---- read-labels ------------------------------------------------------- */

long pmdisk_ctl_read_labels(void *data)
{
	struct pmemdisk_read_labels *req = data;
	struct pmdisk_dimm *dimm = NULL, *d;
	u32 reason = PMEMDISK_REASON_NONE;
	void *buf = NULL;
	size_t len = 0;
	int rc = 0;

	if (req->area_size)
		return PMEMDISK_REASON_RESERVED_NONZERO;

	list_for_each_entry(d, &pmdisk_dimms, list)
		if (d->id == req->device)
			dimm = d;
	if (!dimm)
		reason = PMEMDISK_REASON_UNKNOWN_DEVICE;
	else if (dimm->label_method == PMDISK_LABELS_NONE ||
		 dimm->label_size > PMDISK_LSA_MAX_SIZE)
		reason = PMEMDISK_REASON_NO_LABEL_AREA;
	if (!reason) {
		req->area_size = dimm->label_size;
		len = min_t(u64, req->buffer_size, dimm->label_size);
		buf = len ? kvzalloc(len, GFP_KERNEL) : NULL;
		if (len && !buf)
			rc = -ENOMEM;
		else if (len && pmdisk_media_read(&dimm->lsa_media.media, 0, buf, len))
			reason = PMEMDISK_REASON_LABEL_IO;
	}
	if (!rc && !reason && len &&
	    copy_to_user(u64_to_user_ptr(req->buffer), buf, len))
		rc = -EFAULT;
	kvfree(buf);
	if (rc)
		return rc;
	return reason;
}
