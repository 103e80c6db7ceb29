// SPDX-License-Identifier: GPL-2.0
/*
 * Unsafe shutdowns seen by pmemdisk: each disk's dirty-shutdown count.
 *
 * A disk's record on each of its DIMMs (core/dstate.c) is marked attached
 * before the disk takes I/O and cleared when it goes away cleanly: removal,
 * module unload, or the kernel's orderly reboot and power-off path (a reboot
 * notifier). A record still marked at the next attach means the system went
 * down in between without that: a crash, a power cut, a killed VM. Writes
 * in flight then may be lost, and a raw disk's sectors torn (a BTT disk's
 * are not). Platforms that report their own unsafe shutdown count do so per
 * DIMM (health.c); this count works everywhere the labels have room.
 *
 * An interleaved disk has a record on every DIMM; its count is the largest
 * (a cut between two DIMMs' updates leaves them one apart). A record also
 * keeps the number its disk had when attached; disk_numbers.c reads it back.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/reboot.h>
#include <linux/slab.h>

#include "core/dstate.h"
#include "dirty_shutdown.h"
#include "disk.h"
#include "region.h"

/*
 * Guards every DIMM's records (dimm->dstate) and their stores to media:
 * the reboot notifier runs beside requests, which hold pmdisk_ctl_lock, so
 * it takes this alone (after pmdisk_disks_lock when both are held).
 */
DEFINE_MUTEX(pmdisk_dstate_lock);

/* Set by the reboot notifier: no disk is marked attached after it. */
static bool pmdisk_shutting_down;

static void pmdisk_dstate_free(struct pmdisk_dimm *dimm)
{
	lockdep_assert_held(&pmdisk_dstate_lock);
	kfree(dimm->dstate);
	dimm->dstate = NULL;
}

void pmdisk_dimm_shutdown_probe(struct pmdisk_dimm *dimm, struct pmdisk_lsa *lsa)
{
	u64 off;
	int rc;

	mutex_lock(&pmdisk_dstate_lock);
	pmdisk_dstate_free(dimm);
	if (pmdisk_dstate_locate(lsa, &off))
		goto out;	/* slots reach the end: another tool's index */
	dimm->dstate = kzalloc(sizeof(*dimm->dstate), GFP_KERNEL);
	if (!dimm->dstate)
		goto out;
	rc = pmdisk_dstate_load(dimm->dstate, &dimm->lsa_media.media, off);
	if (rc) {
		pr_warn("dimm%u: cannot read the dirty-shutdown records (%d): counts unknown\n",
			dimm->id, rc);
		pmdisk_dstate_free(dimm);
	}
out:
	mutex_unlock(&pmdisk_dstate_lock);
}

void pmdisk_dimm_shutdown_format(struct pmdisk_dimm *dimm)
{
	struct pmdisk_media *media = &dimm->lsa_media.media;
	int rc;

	mutex_lock(&pmdisk_dstate_lock);
	pmdisk_dstate_free(dimm);
	dimm->dstate = kzalloc(sizeof(*dimm->dstate), GFP_KERNEL);
	if (!dimm->dstate)
		goto out;
	rc = pmdisk_dstate_format(dimm->dstate, media, media->size - PMDISK_DSTATE_SIZE);
	if (rc) {
		pr_warn("dimm%u: cannot write the dirty-shutdown records (%d): counts unknown\n",
			dimm->id, rc);
		pmdisk_dstate_free(dimm);
	}
out:
	mutex_unlock(&pmdisk_dstate_lock);
}

void pmdisk_dimm_shutdown_release(struct pmdisk_dimm *dimm)
{
	mutex_lock(&pmdisk_dstate_lock);
	pmdisk_dstate_free(dimm);
	mutex_unlock(&pmdisk_dstate_lock);
}

/* Every DIMM of the region keeps records and can write them. */
static bool pmdisk_region_tracks(const struct pmdisk_region *region)
{
	unsigned int i;

	lockdep_assert_held(&pmdisk_dstate_lock);
	if (!region->ways)
		return false;
	for (i = 0; i < region->ways; i++)
		if (!region->map[i].dimm->dstate || !region->map[i].dimm->labels_writable)
			return false;
	return true;
}

/* Write the records of each of @region's DIMMs; false if any failed. */
static bool pmdisk_region_store(struct pmdisk_region *region, const u8 *uuid)
{
	bool ok = true;
	unsigned int i;
	int rc;

	for (i = 0; i < region->ways; i++) {
		rc = pmdisk_dstate_store(region->map[i].dimm->dstate);
		if (rc) {
			pr_warn("dimm%u: cannot write the dirty-shutdown record of %pUb (%d)\n",
				region->map[i].dimm->id, uuid, rc);
			ok = false;
		}
	}
	return ok;
}

static void pmdisk_dstate_attach_disk(struct pmdisk_disk *disk)
{
	struct pmdisk_region *region = disk->region;
	const u8 *uuid = disk->desc.uuid.b;
	bool dirty = false, was_dirty;
	unsigned int i;
	u32 count, max = 0;

	disk->dirty_tracked = false;
	if (!disk->desc.has_uuid || pmdisk_shutting_down || !pmdisk_region_tracks(region))
		return;
	for (i = 0; i < region->ways; i++) {
		if (!pmdisk_dstate_room(region->map[i].dimm->dstate, uuid)) {
			pr_warn("%s: no room for its dirty-shutdown record on dimm%u (%d attached disks per DIMM are tracked): count unknown\n",
				disk->gd_name, region->map[i].dimm->id,
				(int)PMDISK_DSTATE_MAX_RECS);
			return;
		}
	}
	for (i = 0; i < region->ways; i++) {
		/* cannot fail: there is room on every DIMM */
		pmdisk_dstate_attach(region->map[i].dimm->dstate, uuid, &count, &was_dirty);
		pmdisk_dstate_set_number(region->map[i].dimm->dstate, uuid, disk->desc.number);
		dirty |= was_dirty;
		max = max(max, count);
	}
	if (!pmdisk_region_store(region, uuid)) {
		/* untracked: no later store may write this mark either */
		for (i = 0; i < region->ways; i++)
			pmdisk_dstate_detach(region->map[i].dimm->dstate, uuid);
		return;
	}
	disk->dirty_tracked = true;
	disk->dirty_shutdowns = max;
	if (dirty)
		pr_warn("%s: the system went down while it was attached, without detaching it (unsafe shutdown %u of this disk): writes in flight then may be lost%s\n",
			disk->gd_name, max,
			disk->desc.atomicity == PMDISK_ATOMICITY_BTT ?
			"; its sectors are whole (BTT)" : ", and sectors torn");
}

void pmdisk_shutdown_attach(struct pmdisk_disk *disk)
{
	mutex_lock(&pmdisk_dstate_lock);
	pmdisk_dstate_attach_disk(disk);
	mutex_unlock(&pmdisk_dstate_lock);
}

void pmdisk_shutdown_detach(struct pmdisk_disk *disk)
{
	struct pmdisk_region *region = disk->region;
	unsigned int i;

	mutex_lock(&pmdisk_dstate_lock);
	if (disk->dirty_tracked && pmdisk_region_tracks(region)) {
		for (i = 0; i < region->ways; i++)
			pmdisk_dstate_detach(region->map[i].dimm->dstate, disk->desc.uuid.b);
		pmdisk_region_store(region, disk->desc.uuid.b);
		disk->dirty_tracked = false;
	}
	mutex_unlock(&pmdisk_dstate_lock);
}

void pmdisk_shutdown_forget(struct pmdisk_region *region, const u8 *uuid)
{
	bool changed = false;
	unsigned int i;

	mutex_lock(&pmdisk_dstate_lock);
	if (pmdisk_region_tracks(region)) {
		for (i = 0; i < region->ways; i++)
			changed |= pmdisk_dstate_forget(region->map[i].dimm->dstate, uuid);
		if (changed)
			pmdisk_region_store(region, uuid);
	}
	mutex_unlock(&pmdisk_dstate_lock);
}

void pmdisk_shutdown_rename(struct pmdisk_disk *disk, const u8 *old)
{
	struct pmdisk_region *region = disk->region;
	unsigned int i;

	mutex_lock(&pmdisk_dstate_lock);
	if (disk->dirty_tracked && pmdisk_region_tracks(region)) {
		for (i = 0; i < region->ways; i++)
			pmdisk_dstate_rename(region->map[i].dimm->dstate, old,
					     disk->desc.uuid.b);
		pmdisk_region_store(region, disk->desc.uuid.b);
	}
	mutex_unlock(&pmdisk_dstate_lock);
}

/*
 * The kernel's orderly reboot, halt and power-off (and kexec) call this
 * after userspace has shut down; an emergency restart or a crash does not,
 * and that is what the records are for.
 */
static int pmdisk_shutdown_notify(struct notifier_block *nb, unsigned long action,
				  void *data)
{
	struct pmdisk_disk *disk;

	/* not behind a request's long work: only record stores are waited for */
	mutex_lock(&pmdisk_dstate_lock);
	pmdisk_shutting_down = true;
	mutex_unlock(&pmdisk_dstate_lock);
	mutex_lock(&pmdisk_disks_lock);
	list_for_each_entry(disk, &pmdisk_disks, list)
		pmdisk_shutdown_detach(disk);
	mutex_unlock(&pmdisk_disks_lock);
	return NOTIFY_DONE;
}

static struct notifier_block pmdisk_reboot_nb = {
	.notifier_call = pmdisk_shutdown_notify,
};

int pmdisk_shutdown_init(void)
{
	return register_reboot_notifier(&pmdisk_reboot_nb);
}

void pmdisk_shutdown_exit(void)
{
	unregister_reboot_notifier(&pmdisk_reboot_nb);
}
