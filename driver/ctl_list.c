// SPDX-License-Identifier: GPL-2.0
/*
 * The listing requests of /dev/pmemdisk-ctl: physical devices, regions and
 * disks, each as an array of fixed-size entries (uapi/pmemdisk.h). Entries
 * are built in a zeroed kernel buffer under the lists' locks and copied out
 * afterwards, so no stale kernel bytes and no user fault can happen while a
 * lock is held.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "core/nfit.h"
#include "dax.h"
#include "disk.h"
#include "pmemdisk.h"
#include "region.h"
#include "../uapi/pmemdisk.h"

#define PMDISK_NFIT_FAILED_MASK (PMDISK_NFIT_MEM_SAVE_FAILED | \
	PMDISK_NFIT_MEM_RESTORE_FAILED | PMDISK_NFIT_MEM_FLUSH_FAILED | \
	PMDISK_NFIT_MEM_NOT_ARMED | PMDISK_NFIT_MEM_MAP_FAILED)

/* The worse of what the NFIT state flags and the firmware's report say. */
static u8 pmdisk_health_of(const struct pmdisk_dimm *d)
{
	bool smart = d->smart_read && d->smart.health_valid;

	if ((d->flags & PMDISK_NFIT_FAILED_MASK) || (smart && d->smart.failed))
		return PMEMDISK_HEALTH_FAILED;
	if ((d->flags & PMDISK_NFIT_MEM_HEALTH_OBSERVED) || (smart && d->smart.warning))
		return PMEMDISK_HEALTH_WARNING;
	return PMEMDISK_HEALTH_OK;
}

/* The uapi values mirror the driver's enums one to one. */
static_assert((int)PMDISK_LABEL_STATE_V1_2 == (int)PMEMDISK_LABELS_V1_2);
static_assert((int)PMDISK_LABEL_STATE_ERROR == (int)PMEMDISK_LABELS_ERROR);
static_assert((int)PMDISK_LABELS_SIM == (int)PMEMDISK_LABEL_METHOD_SIM);
static_assert((int)PMDISK_SRC_SIM == (int)PMEMDISK_SOURCE_SIMULATED);
static_assert((int)PMDISK_PERSIST_VOLATILE == (int)PMEMDISK_PERSIST_VOLATILE);
/* a region's dimms[] holds every DIMM of its interleave set */
static_assert(PMDISK_MAX_WAYS == PMEMDISK_MAX_WAYS);

static u32 pmdisk_fill_dimms(void *buf, u32 cap)
{
	struct pmemdisk_dimm_info *out = buf;
	struct pmdisk_dimm *d;
	u32 n = 0;

	mutex_lock(&pmdisk_regions_lock);
	list_for_each_entry(d, &pmdisk_dimms, list) {
		struct pmemdisk_dimm_info *e;

		if (n++ >= cap)
			continue;	/* counted, not filled */
		e = &out[n - 1];
		e->id = d->id;
		e->handle = d->handle;
		e->phys_id = d->phys_id;
		e->vendor_id = d->vendor_id;
		e->device_id = d->device_id;
		e->revision_id = d->revision_id;
		e->subsystem_vendor_id = d->subsystem_vendor_id;
		e->subsystem_device_id = d->subsystem_device_id;
		e->subsystem_revision_id = d->subsystem_revision_id;
		e->format_code = d->format_code;
		e->serial = d->serial;
		e->flags = d->flags;
		e->health = pmdisk_health_of(d);
		if (d->smart_read) {
			e->health_info |= PMEMDISK_DIMM_SMART_READ;
			if (d->smart.shutdown_count_valid) {
				e->health_info |= PMEMDISK_DIMM_USC_KNOWN;
				e->unsafe_shutdown_count = d->smart.shutdown_count;
			}
			if (d->smart.shutdown_state_valid)
				e->health_info |= PMEMDISK_DIMM_SHUTDOWN_STATE_KNOWN;
			if (d->smart.last_shutdown_dirty)
				e->health_info |= PMEMDISK_DIMM_LAST_SHUTDOWN_DIRTY;
		}
		e->simulated = d->simulated;
		e->label_state = d->label_state;
		e->label_method = d->label_method;
		e->labels_writable = d->labels_writable;
		e->label_size = d->label_size;
		e->label_slots = d->label_nslot;
		e->label_slots_used = d->label_used;
		strscpy(e->nfit_id, d->nfit_id, sizeof(e->nfit_id));
	}
	mutex_unlock(&pmdisk_regions_lock);
	return n;
}

/* Free space of a region: the gaps between its namespaces. */
static void pmdisk_region_free(const struct pmdisk_region *r,
			       struct pmemdisk_region_info *e)
{
	struct pmdisk_gap_iter it = {};
	struct pmdisk_extent gap;

	while (pmdisk_next_gap(&r->used, r->size, &it, &gap)) {
		e->available_size += gap.size;
		e->max_available_extent = max(e->max_available_extent, gap.size);
		if (e->nr_free_extents < PMEMDISK_MAX_EXTENTS) {
			e->free_extents[e->nr_free_extents].offset = gap.offset;
			e->free_extents[e->nr_free_extents].size = gap.size;
		}
		e->nr_free_extents++;
	}
}

static u32 pmdisk_fill_regions(void *buf, u32 cap)
{
	struct pmemdisk_region_info *out = buf;
	struct pmdisk_region *r;
	struct pmdisk_disk *disk;
	unsigned int i;
	u32 n = 0;

	mutex_lock(&pmdisk_regions_lock);
	list_for_each_entry(r, &pmdisk_regions, list) {
		struct pmemdisk_region_info *e;

		if (n++ >= cap)
			continue;	/* counted, not filled */
		e = &out[n - 1];
		e->id = r->id;
		e->source = r->source;
		e->persistence = r->persistence;
		e->readonly = r->readonly;
		e->label_state = r->label_state;
		e->base = r->base;
		e->size = r->size;
		e->flags = PMEMDISK_REGION_NODES;
		e->numa_node = r->numa_node;
		e->target_node = r->target_node;
		e->interleave_ways = r->ways;
		for (i = 0; i < r->ways; i++)
			e->dimms[i] = r->map[i].dimm->id;
		/* label-less and unusable regions cannot be subdivided */
		if (r->label_state == PMDISK_LABEL_STATE_V1_1 ||
		    r->label_state == PMDISK_LABEL_STATE_V1_2)
			pmdisk_region_free(r, e);
		mutex_lock(&pmdisk_disks_lock);
		list_for_each_entry(disk, &pmdisk_disks, list)
			e->nr_disks += disk->region == r;
		mutex_unlock(&pmdisk_disks_lock);
	}
	mutex_unlock(&pmdisk_regions_lock);
	return n;
}

static u32 pmdisk_fill_disks(void *buf, u32 cap)
{
	struct pmemdisk_disk_info *out = buf;
	struct pmdisk_disk *disk;
	u32 n = 0;

	mutex_lock(&pmdisk_disks_lock);
	list_for_each_entry(disk, &pmdisk_disks, list) {
		struct pmemdisk_disk_info *e;

		if (n++ >= cap)
			continue;	/* counted, not filled */
		e = &out[n - 1];
		e->number = disk->desc.number;
		e->region = disk->region->id;
		e->offset = disk->desc.offset;
		e->size = disk->size;
		e->sector_size = disk->sector_size;
		e->atomicity = disk->btt ? PMEMDISK_ATOMICITY_BTT : PMEMDISK_ATOMICITY_NONE;
		e->mode = pmdisk_disk_mode(disk);
		if (disk->dax) {
			const struct pmdisk_pfn_layout *l = pmdisk_dax_layout(disk);

			e->map = l->map == PMDISK_PFN_MAP_RAM ? PMEMDISK_MAP_MEM :
				 PMEMDISK_MAP_DEV;
			e->dax_align = l->align;
		}
		e->has_uuid = disk->desc.has_uuid;
		e->readonly = disk->region->readonly;
		e->open = pmdisk_disk_is_open(disk);
		export_uuid(e->uuid, &disk->desc.uuid);
		strscpy(e->name, disk->desc.name, sizeof(e->name));
		e->dirty_shutdowns_known = disk->dirty_tracked;
		e->dirty_shutdowns = disk->dirty_tracked ? disk->dirty_shutdowns : 0;
	}
	mutex_unlock(&pmdisk_disks_lock);
	return n;
}

/*
 * Fill the caller's array with what @fill lists, @entry_size bytes an entry;
 * @req is the listing request (ctl.c checked its size and reserved words).
 */
static long pmdisk_ctl_list(struct pmemdisk_list *req, size_t entry_size,
			    u32 (*fill)(void *out, u32 cap))
{
	void *buf = NULL;
	u32 total, n;
	int rc = 0;

	if (req->reserved0)
		return PMEMDISK_REASON_RESERVED_NONZERO;
	if (req->entry_size != entry_size)
		return PMEMDISK_REASON_BAD_ENTRY_SIZE;
	/* at most 4096 entries a call: bounds the allocation */
	n = min_t(u32, req->capacity, 4096);
	if (n) {
		buf = kvcalloc(n, entry_size, GFP_KERNEL);
		if (!buf)
			return -ENOMEM;
	}
	total = fill(buf, n);
	n = min(n, total);
	if (n && copy_to_user(u64_to_user_ptr(req->entries), buf, n * entry_size))
		rc = -EFAULT;
	kvfree(buf);
	if (rc)
		return rc;
	req->total = total;
	return PMEMDISK_REASON_NONE;
}

long pmdisk_ctl_list_dimms(void *req)
{
	return pmdisk_ctl_list(req, sizeof(struct pmemdisk_dimm_info),
			       pmdisk_fill_dimms);
}

long pmdisk_ctl_list_regions(void *req)
{
	return pmdisk_ctl_list(req, sizeof(struct pmemdisk_region_info),
			       pmdisk_fill_regions);
}

long pmdisk_ctl_list_disks(void *req)
{
	return pmdisk_ctl_list(req, sizeof(struct pmemdisk_disk_info),
			       pmdisk_fill_disks);
}
