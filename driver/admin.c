// SPDX-License-Identifier: GPL-2.0
/*
 * Provisioning: create a disk, remove a disk, initialise a device's labels,
 * give a disk a new uuid; and reading a device's raw label area.
 *
 * Each request is validated whole before anything changes; a refusal
 * returns a PMEMDISK_REASON_* (ctl.c turns it into the reply and an errno)
 * and leaves media, labels and disks as they were. ctl.c copies each request
 * in, checks its size and reserved words, and serialises these requests
 * (its pmdisk_ctl_lock is taken before pmdisk_regions_lock, and that before
 * pmdisk_disks_lock).
 *
 * A namespace on an interleave set has one label per DIMM, each committed
 * by that DIMM's index update. A create interrupted between DIMMs leaves an
 * incomplete set, which no reader accepts: the disk does not exist. A remove
 * interrupted between DIMMs does the same: the disk is gone. Either way the
 * result is the old or the new set of disks.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/lcm.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/uuid.h>

#include "blk.h"
#include "btt_disk.h"
#include "core/dstate.h"
#include "core/namespace.h"
#include "dax.h"
#include "disks.h"
#include "pmemdisk.h"
#include "region.h"
#include "shutdown.h"
#include "../uapi/pmemdisk.h"

#define PMDISK_WIPE_BYTES	8192	/* info blocks live in the first 8 KiB */

static struct pmdisk_region *pmdisk_region_by_id(u32 id)
{
	struct pmdisk_region *region;

	lockdep_assert_held(&pmdisk_regions_lock);
	list_for_each_entry(region, &pmdisk_regions, list)
		if (region->id == id)
			return region;
	return NULL;
}

static struct pmdisk_disk *pmdisk_disk_by_number(u32 number)
{
	struct pmdisk_disk *disk, *found = NULL;

	mutex_lock(&pmdisk_disks_lock);
	list_for_each_entry(disk, &pmdisk_disks, list)
		if (disk->desc.number == number)
			found = disk;
	mutex_unlock(&pmdisk_disks_lock);
	return found;
}

/*
 * The disk numbered @number, if it may be changed (remove, reset-id): it
 * exists, is a namespace and is writable. Returns a reason, and changes
 * nothing: the caller blocks opens (pmdisk_disk_block_opens()) to change it.
 */
static u32 pmdisk_disk_changeable(u32 number, struct pmdisk_disk **diskp)
{
	struct pmdisk_disk *disk = pmdisk_disk_by_number(number);

	*diskp = disk;
	if (!disk)
		return PMEMDISK_REASON_UNKNOWN_DISK;
	if (!disk->desc.has_uuid)
		return PMEMDISK_REASON_LABEL_LESS;
	if (disk->region->readonly)
		return PMEMDISK_REASON_READONLY;
	return PMEMDISK_REASON_NONE;
}

static bool pmdisk_region_labelled(const struct pmdisk_region *region)
{
	return region->label_state == PMDISK_LABEL_STATE_V1_1 ||
	       region->label_state == PMDISK_LABEL_STATE_V1_2;
}

static void pmdisk_region_lsa_done(struct pmdisk_region *region,
				   struct pmdisk_lsa *lsa, struct pmdisk_nslabel *labels)
{
	pmdisk_region_lsa_release(region, lsa);
	kfree(lsa);
	kfree(labels);
}

/*
 * For an update that adds one label per DIMM: allocate and load the label
 * areas of all of @region's DIMMs and check each has a free slot, before
 * anything is written; *@labels gets room for one label per DIMM. Returns
 * a PMEMDISK_REASON_*; on success release both with pmdisk_region_lsa_done().
 */
static u32 pmdisk_region_lsa_prepare(struct pmdisk_region *region,
				     struct pmdisk_lsa **lsa_out,
				     struct pmdisk_nslabel **labels)
{
	struct pmdisk_lsa *lsa;
	unsigned int i;

	lsa = kcalloc(region->ways, sizeof(*lsa), GFP_KERNEL);
	*labels = kcalloc(region->ways, sizeof(**labels), GFP_KERNEL);
	if (!lsa || !*labels || pmdisk_region_lsa_load(region, lsa)) {
		kfree(lsa);
		kfree(*labels);
		return PMEMDISK_REASON_LABEL_IO;
	}
	for (i = 0; i < region->ways; i++) {
		if (pmdisk_lsa_used(&lsa[i]) == lsa[i].nslot) {
			pmdisk_region_lsa_done(region, lsa, *labels);
			return PMEMDISK_REASON_NO_LABEL_SLOT;
		}
	}
	*lsa_out = lsa;
	return PMEMDISK_REASON_NONE;
}

/* Zero the start of a range so no old info block (BTT, fsdax) survives. */
static void pmdisk_wipe_head(struct pmdisk_region *region, u64 offset, u64 size)
{
	pmdisk_region_zero(region, offset, min_t(u64, size, PMDISK_WIPE_BYTES));
	pmdisk_region_flush(region);
}

/*
 * Where a disk of @size fits in @region: the first free gap with room for
 * it at a start where offset + @phase is a multiple of @align (@phase 0:
 * aligned in the region; the region's base: aligned in physical memory).
 * Also reports the largest such size that fits.
 */
static bool pmdisk_place(const struct pmdisk_region *region, u64 size, u64 align,
			 u64 phase, u64 *offset, u64 *max_extent)
{
	bool found = false;
	u64 at = 0;
	unsigned int i;

	*max_extent = 0;
	for (i = 0; i <= region->nr_used; i++) {
		u64 end = i < region->nr_used ? region->used[i].offset : region->size;
		u64 start = roundup(at + phase, align) - phase;

		end = end + phase < align ? 0 : rounddown(end + phase, align) - phase;
		if (end > start) {
			*max_extent = max(*max_extent, end - start);
			if (!found && end - start >= size) {
				*offset = start;
				found = true;
			}
		}
		if (i < region->nr_used)
			at = max(at, region->used[i].offset + region->used[i].size);
	}
	return found;
}

static bool pmdisk_uuid_in_use(const uuid_t *uuid)
{
	struct pmdisk_disk *disk;
	bool used = false;

	mutex_lock(&pmdisk_disks_lock);
	list_for_each_entry(disk, &pmdisk_disks, list)
		used |= disk->desc.has_uuid && uuid_equal(&disk->desc.uuid, uuid);
	mutex_unlock(&pmdisk_disks_lock);
	return used;
}

/* The claim class a v1.2 label of @desc's namespace carries. */
static enum pmdisk_claim pmdisk_desc_claim(const struct pmdisk_disk_desc *desc)
{
	if (desc->atomicity == PMDISK_ATOMICITY_BTT)
		return desc->btt_start == PMDISK_BTT_START_V2_0 ?
		       PMDISK_CLAIM_BTT2 : PMDISK_CLAIM_NONE;
	if (desc->dax_claimed)
		return desc->dax_kind == PMDISK_PFN_DEVDAX ?
		       PMDISK_CLAIM_DAX : PMDISK_CLAIM_PFN;
	return PMDISK_CLAIM_NONE;
}

static void pmdisk_fill_label(struct pmdisk_nslabel *l,
			      const struct pmdisk_region *region, unsigned int pos,
			      const struct pmdisk_disk_desc *desc, u64 cookie)
{
	memset(l, 0, sizeof(*l));
	export_uuid(l->uuid, &desc->uuid);
	memcpy(l->name, desc->name, min(sizeof(l->name), strlen(desc->name)));
	l->nlabel = cpu_to_le16(region->ways);
	l->position = cpu_to_le16(pos);
	l->isetcookie = cpu_to_le64(cookie);
	l->lbasize = cpu_to_le64(desc->sector_size);
	l->dpa = cpu_to_le64(region->map[pos].dpa + desc->offset / region->ways);
	l->rawsize = cpu_to_le64(desc->size / region->ways);
	/* v1.2: a persistent-memory namespace, raw or a BTT 2.0 */
	memcpy(l->type_guid, pmdisk_nfit_pm_guid, sizeof(l->type_guid));
	pmdisk_claim_guid(pmdisk_desc_claim(desc), l->abstraction_guid);
}

/* Delete the labels in @slot[] from the first @n DIMMs of @region. */
static int pmdisk_delete_labels(struct pmdisk_region *region, struct pmdisk_lsa *lsa,
				const u32 *slot, unsigned int n)
{
	unsigned int i;
	int rc = 0, err;

	for (i = 0; i < n; i++) {
		err = pmdisk_lsa_update(&lsa[i], NULL, 0, &slot[i], 1);
		if (err)
			rc = err;
		else
			region->map[i].dimm->label_used--;
	}
	return rc;
}

/* The labels that say what @desc's namespace is, one per DIMM of @region. */
static void pmdisk_desc_labels(struct pmdisk_region *region, const struct pmdisk_lsa *lsa,
			       const struct pmdisk_disk_desc *desc,
			       struct pmdisk_nslabel *labels)
{
	struct pmdisk_iset_dimm iset[PMDISK_MAX_WAYS];
	enum pmdisk_cookie_kind kind;
	u64 cookie;
	unsigned int i;

	pmdisk_region_iset(region, iset);
	kind = lsa[0].label_size == 256 ? PMDISK_COOKIE_V1_2 : PMDISK_COOKIE_V1_1;
	cookie = pmdisk_iset_cookie(iset, region->ways, kind);
	for (i = 0; i < region->ways; i++)
		pmdisk_fill_label(&labels[i], region, i, desc, cookie);
}

/*
 * Write @labels to @region's DIMMs by the two-phase UPDATING protocol
 * (pmdisk_ns_write(): a power cut leaves the old state or the new one);
 * on success @desc->slot[] names the new labels.
 */
static u32 pmdisk_write_labels(struct pmdisk_region *region, struct pmdisk_lsa *lsa,
			       const struct pmdisk_nslabel *labels,
			       struct pmdisk_disk_desc *desc)
{
	struct pmdisk_lsa *lsap[PMDISK_MAX_WAYS];
	u32 slot[PMDISK_MAX_WAYS];
	unsigned int i;
	int rc;

	for (i = 0; i < region->ways; i++)
		lsap[i] = &lsa[i];
	rc = pmdisk_ns_write(lsap, region->ways, labels, slot);
	for (i = 0; i < region->ways; i++)
		region->map[i].dimm->label_used = pmdisk_lsa_used(&lsa[i]);
	if (rc < 0)
		return PMEMDISK_REASON_LABEL_IO;
	if (rc == PMDISK_NS_UNFINISHED)
		pr_warn("%s: namespace %pUb: its new labels stand, but not all lost their UPDATING flag; the next load finishes that\n",
			region->name, labels[0].uuid);
	memcpy(desc->slot, slot, sizeof(slot[0]) * region->ways);
	return PMEMDISK_REASON_NONE;
}

/* ---- create ------------------------------------------------------------ */

static u32 pmdisk_create_checks(struct pmemdisk_create *req)
{
	if (req->reserved0 || (req->flags & ~PMEMDISK_CREATE_FLAGS))
		return PMEMDISK_REASON_RESERVED_NONZERO;
	if (req->mode > PMEMDISK_MODE_DEVDAX || req->map > PMEMDISK_MAP_DEV ||
	    ((req->flags & PMEMDISK_CREATE_BTT) && req->mode &&
	     req->mode != PMEMDISK_MODE_BTT))
		return PMEMDISK_REASON_BAD_MODE;
	switch (req->mode) {
	case PMEMDISK_MODE_FSDAX:
		if (req->align && req->align != SZ_2M)
			return PMEMDISK_REASON_BAD_MODE;
		break;
	case PMEMDISK_MODE_DEVDAX:
		if (req->align && req->align != PAGE_SIZE &&
		    req->align != SZ_2M && req->align != (1U << 30))
			return PMEMDISK_REASON_BAD_MODE;
		break;
	default:	/* map and align mean nothing without DAX */
		if (req->map || req->align)
			return PMEMDISK_REASON_BAD_MODE;
	}
	if (req->sector_size != 512 && req->sector_size != 4096)
		return PMEMDISK_REASON_BAD_SECTOR_SIZE;
	/* rounded up to the alignment, but never from a partial sector */
	if (!req->disk_size || req->disk_size % req->sector_size)
		return PMEMDISK_REASON_BAD_DISK_SIZE;
	if (!memchr(req->name, '\0', sizeof(req->name)))
		return PMEMDISK_REASON_BAD_NAME;
	return PMEMDISK_REASON_NONE;
}

/* Lay out the BTT a new BTT disk needs on its namespace. */
static u32 pmdisk_format_btt(struct pmdisk_region *region,
			     const struct pmdisk_disk_desc *desc)
{
	struct pmdisk_btt_id id;
	int rc;

	pmdisk_btt_disk_id(&id, desc);
	rc = pmdisk_btt_disk_format(region, desc->offset, desc->size, &id,
				    desc->sector_size);
	if (rc == -EINTR)
		return PMEMDISK_REASON_INTERRUPTED;
	return rc ? PMEMDISK_REASON_MEDIA_IO : PMEMDISK_REASON_NONE;
}

/*
 * The namespace size for a disk of @usable bytes: as is for a raw disk;
 * for a BTT, the smallest multiple of @align whose BTT holds @usable bytes
 * (a BTT keeps a map entry per sector, 256 spare blocks and 24 KiB of
 * metadata per arena). *@actual gets the disk's real size. 0: too large.
 */
static u64 pmdisk_ns_size_for(const struct pmdisk_disk_desc *desc, u64 usable,
			      u64 align, u64 limit, u64 *actual)
{
	u64 size = round_up(usable, align);

	*actual = size;
	if (desc->atomicity != PMDISK_ATOMICITY_BTT)
		return size;
	for (; size <= limit; size += align) {
		u64 nlba = size > desc->btt_start ?
			   pmdisk_btt_nlba(desc->btt_start, size - desc->btt_start,
					   desc->sector_size) : 0;

		*actual = nlba * desc->sector_size;
		if (*actual >= usable)
			return size;
	}
	return 0;
}

/*
 * Size and place a DAX disk of @usable bytes in @region: the smallest
 * namespace, a multiple of @align, whose data (after the info block and
 * the page map, with nothing cut off its end) holds @usable bytes where it
 * would lie. Fills @layout (with a new info-block uuid), desc->size and
 * ->offset, and *@actual. Returns a reason.
 */
static u32 pmdisk_dax_size_place(struct pmdisk_region *region,
				 struct pmdisk_disk_desc *desc,
				 const struct pmemdisk_create *req, u64 align,
				 struct pmdisk_pfn_layout *layout, u64 *actual,
				 u64 *max_extent)
{
	enum pmdisk_pfn_map map = req->map == PMEMDISK_MAP_MEM ?
				  PMDISK_PFN_MAP_RAM : PMDISK_PFN_MAP_DEV;
	/* aligned in physical memory, wherever the region starts */
	u64 phase = region->base % align;
	uuid_t uuid;
	u64 size;

	uuid_gen(&uuid);
	if (req->disk_size > region->size)
		return PMEMDISK_REASON_NO_SPACE;
	for (size = round_up(req->disk_size, align); size <= region->size;
	     size += align) {
		const char *why;

		if (!pmdisk_place(region, size, align, phase, &desc->offset, max_extent))
			return PMEMDISK_REASON_NO_SPACE;
		if (pmdisk_pfn_plan(desc->dax_kind, map, region->base + desc->offset,
				    size, req->align, uuid.b, layout, &why))
			continue;	/* too small for its metadata yet */
		if (!layout->end_trunc && layout->data_size >= req->disk_size) {
			desc->size = size;
			*actual = layout->data_size;
			return PMEMDISK_REASON_NONE;
		}
	}
	pmdisk_place(region, U64_MAX, align, phase, &desc->offset, max_extent);
	return PMEMDISK_REASON_NO_SPACE;
}

/*
 * Write the labels and make the disk; the caller validated and placed it,
 * and claimed @desc->number, which the disk takes over (or which is
 * released here when there is no disk).
 */
static u32 pmdisk_create_commit(struct pmdisk_region *region,
				struct pmdisk_disk_desc *desc,
				const struct pmdisk_pfn_layout *layout)
{
	struct pmdisk_nslabel *labels;
	struct pmdisk_lsa *lsa;
	struct pmdisk_disk *disk;
	u32 reason;

	reason = pmdisk_region_lsa_prepare(region, &lsa, &labels);
	if (reason) {
		pmdisk_disk_number_release(desc->number);
		return reason;
	}

	pmdisk_wipe_head(region, desc->offset, desc->size);
	if (desc->atomicity == PMDISK_ATOMICITY_BTT) {
		/* invisible until the labels below say the namespace exists */
		reason = pmdisk_format_btt(region, desc);
		if (reason)
			goto out;
	} else if (layout && pmdisk_dax_format(region, desc->offset, layout, desc->uuid.b)) {
		reason = PMEMDISK_REASON_MEDIA_IO;
		goto out;
	}
	pmdisk_desc_labels(region, lsa, desc, labels);
	reason = pmdisk_write_labels(region, lsa, labels, desc);
	if (reason)
		goto out;
	pmdisk_region_use(region, desc->offset, desc->size);
	pmdisk_shutdown_forget(region, desc->uuid.b);	/* a new disk starts at 0 */
	disk = pmdisk_disk_create(region, desc);	/* the number goes with it */
	if (IS_ERR(disk)) {
		pmdisk_region_unuse(region, desc->offset);
		pmdisk_delete_labels(region, lsa, desc->slot, region->ways);
		reason = PMEMDISK_REASON_LABEL_IO;
	}
	pmdisk_region_lsa_done(region, lsa, labels);
	return reason;
out:
	pmdisk_disk_number_release(desc->number);
	pmdisk_region_lsa_done(region, lsa, labels);
	return reason;
}

long pmdisk_ctl_create(void *data)
{
	struct pmdisk_disk_desc desc = { .has_uuid = true };
	struct pmemdisk_create *req = data;
	struct pmdisk_pfn_layout layout;
	bool dax = false;
	struct pmdisk_region *region;
	u32 reason;
	u64 align = 0;

	reason = pmdisk_create_checks(req);
	if (reason)
		return reason;

	mutex_lock(&pmdisk_regions_lock);
	region = pmdisk_region_by_id(req->region);
	if (!region)
		reason = PMEMDISK_REASON_UNKNOWN_REGION;
	else if (region->label_state == PMDISK_LABEL_STATE_ERROR)
		reason = PMEMDISK_REASON_LABELS_INCONSISTENT;
	else if (!pmdisk_region_labelled(region))
		reason = PMEMDISK_REASON_LABEL_LESS;
	else if (region->readonly)
		reason = PMEMDISK_REASON_READONLY;
	else if (region->nr_used == PMDISK_MAX_NS_PER_REGION)
		reason = PMEMDISK_REASON_TOO_MANY_DISKS;
	if (!reason) {
		desc.sector_size = req->sector_size;
		dax = req->mode == PMEMDISK_MODE_FSDAX || req->mode == PMEMDISK_MODE_DEVDAX;
		align = PMEMDISK_ALIGN_PER_DIMM * region->ways;
		if ((req->flags & PMEMDISK_CREATE_BTT) || req->mode == PMEMDISK_MODE_BTT) {
			desc.atomicity = PMDISK_ATOMICITY_BTT;
			/* BTT 2.0 at 0 with v1.2 labels, 1.1 at 4 KiB with v1.1 */
			desc.btt_start = region->label_state == PMDISK_LABEL_STATE_V1_2 ?
					 PMDISK_BTT_START_V2_0 : PMDISK_BTT_START_V1_1;
			/* v1.2 labels carry the BTT2 GUID (pmdisk_fill_label) */
			desc.btt_claimed = desc.btt_start == PMDISK_BTT_START_V2_0;
		} else if (dax) {
			desc.dax_kind = req->mode == PMEMDISK_MODE_DEVDAX ?
					PMDISK_PFN_DEVDAX : PMDISK_PFN_FSDAX;
			/* v1.2 labels carry the PFN or DAX GUID; v1.1: a probe finds it */
			desc.dax_claimed = region->label_state == PMDISK_LABEL_STATE_V1_2;
			/*
			 * 16 MiB units in physical memory, which are whole
			 * units of each DIMM's share when the region starts on
			 * a 2 MiB boundary
			 */
			align = PMEMDISK_ALIGN_PER_DIMM * lcm(region->ways, 8);
		}
	}
	if (!reason && dax) {
		const char *why;

		if (!pmdisk_dax_capable(region, &why))
			reason = PMEMDISK_REASON_DAX_UNSUPPORTED;
		else
			reason = pmdisk_dax_size_place(region, &desc, req, align,
						       &layout, &req->actual_size,
						       &req->max_extent);
	} else if (!reason) {
		desc.size = req->disk_size > region->size ? 0 :
			    pmdisk_ns_size_for(&desc, req->disk_size, align,
					       region->size, &req->actual_size);
		if (!pmdisk_place(region, desc.size ? desc.size : U64_MAX, align, 0,
				  &desc.offset, &req->max_extent))
			reason = PMEMDISK_REASON_NO_SPACE;
	}
	if (!reason) {
		import_uuid(&desc.uuid, req->uuid);
		if (uuid_is_null(&desc.uuid)) {
			uuid_gen(&desc.uuid);
			export_uuid(req->uuid, &desc.uuid);
		} else if (pmdisk_uuid_in_use(&desc.uuid)) {
			reason = PMEMDISK_REASON_DUPLICATE_UUID;
		}
	}
	if (!reason) {
		strscpy(desc.name, req->name, sizeof(desc.name));
		req->offset = desc.offset;
		if (!(req->flags & PMEMDISK_CREATE_DRY_RUN)) {
			int number = pmdisk_disk_number_claim(PMDISK_NUMBER_ANY);

			if (number < 0) {	/* -ENOMEM: nothing done, no reply */
				mutex_unlock(&pmdisk_regions_lock);
				return number;
			}
			desc.number = number;
			reason = pmdisk_create_commit(region, &desc, dax ? &layout : NULL);
			req->number = desc.number;
		}
	}
	mutex_unlock(&pmdisk_regions_lock);
	return reason;
}

/* ---- remove ------------------------------------------------------------ */

long pmdisk_ctl_remove(void *data)
{
	struct pmdisk_region *region;
	struct pmemdisk_remove *req = data;
	struct pmdisk_disk *disk;
	struct pmdisk_disk_desc desc;
	struct pmdisk_lsa *lsa;
	u32 reason = PMEMDISK_REASON_NONE;

	if (req->flags)
		return PMEMDISK_REASON_RESERVED_NONZERO;

	mutex_lock(&pmdisk_regions_lock);
	reason = pmdisk_disk_changeable(req->number, &disk);
	if (!reason && !pmdisk_disk_block_opens(disk))
		reason = PMEMDISK_REASON_DISK_OPEN;
	if (reason)
		goto unlock;

	region = disk->region;
	lsa = kcalloc(region->ways, sizeof(*lsa), GFP_KERNEL);
	if (!lsa || pmdisk_region_lsa_load(region, lsa)) {
		kfree(lsa);
		pmdisk_disk_allow_opens(disk);
		reason = PMEMDISK_REASON_LABEL_IO;
		goto unlock;
	}
	/*
	 * The block device goes first: nobody can open it while it is wiped.
	 * Deleting the labels is the commit point, so the wipe comes after
	 * it, and only once it is done: until then a power cut (or a label
	 * write that failed) must leave the disk whole, its info block and
	 * first sectors included.
	 */
	desc = disk->desc;
	pmdisk_disk_remove(disk);
	if (pmdisk_delete_labels(region, lsa, desc.slot, region->ways)) {
		reason = PMEMDISK_REASON_LABEL_IO;
	} else {
		pmdisk_wipe_head(region, desc.offset, desc.size);
		pmdisk_shutdown_forget(region, desc.uuid.b);
	}
	pmdisk_region_unuse(region, desc.offset);
	pmdisk_region_lsa_release(region, lsa);
	kfree(lsa);
unlock:
	mutex_unlock(&pmdisk_regions_lock);
	return reason;
}

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

long pmdisk_ctl_init_labels(void *data)
{
	struct pmemdisk_init_labels *req = data;
	struct pmdisk_region *region;
	struct pmdisk_dimm *dimm, *d;
	enum pmdisk_label_version v;
	u32 reason = PMEMDISK_REASON_NONE, isize, nslot, tail;

	if (req->flags || req->reserved0 || req->disks_removed)
		return PMEMDISK_REASON_RESERVED_NONZERO;
	if (req->version != PMEMDISK_LABEL_VERSION_1_1 &&
	    req->version != PMEMDISK_LABEL_VERSION_1_2)
		return PMEMDISK_REASON_BAD_LABEL_VERSION;
	v = req->version == PMEMDISK_LABEL_VERSION_1_2 ? PMDISK_LABEL_V1_2 :
							PMDISK_LABEL_V1_1;

	mutex_lock(&pmdisk_regions_lock);
	dimm = NULL;
	list_for_each_entry(d, &pmdisk_dimms, list)
		if (d->id == req->device)
			dimm = d;
	if (!dimm)
		reason = PMEMDISK_REASON_UNKNOWN_DEVICE;
	else if (dimm->label_method == PMDISK_LABELS_NONE)
		reason = PMEMDISK_REASON_NO_LABEL_AREA;
	else if (!dimm->labels_writable)
		reason = PMEMDISK_REASON_LABELS_READONLY;
	else if (pmdisk_lsa_geometry(dimm->label_size, v == PMDISK_LABEL_V1_2 ? 256 : 128,
				     &isize, &nslot))
		reason = PMEMDISK_REASON_NO_LABEL_AREA;	/* too small for labels */
	else if (!pmdisk_dimm_block_opens(dimm))
		reason = PMEMDISK_REASON_DISK_OPEN;
	if (reason)
		goto unlock;

	list_for_each_entry(region, &pmdisk_regions, list)
		if (pmdisk_region_has(region, dimm))
			req->disks_removed += pmdisk_region_drop_disks(region);
	/* room at the end for the dirty-shutdown records, when it is large */
	tail = dimm->label_size >= PMDISK_DSTATE_MIN_LSA ? PMDISK_DSTATE_SIZE : 0;
	pmdisk_dimm_shutdown_release(dimm);
	if (pmdisk_lsa_init(&dimm->lsa_media.media, v, tail)) {
		dimm->label_state = PMDISK_LABEL_STATE_ERROR;
		reason = PMEMDISK_REASON_LABEL_IO;
	} else {
		dimm->label_state = v == PMDISK_LABEL_V1_2 ? PMDISK_LABEL_STATE_V1_2 :
							     PMDISK_LABEL_STATE_V1_1;
		dimm->label_nslot = nslot - DIV_ROUND_UP(tail, v == PMDISK_LABEL_V1_2 ? 256 : 128);
		dimm->label_used = 0;
		if (tail)
			pmdisk_dimm_shutdown_format(dimm);
	}
	pr_info("dimm%u: labels initialised (v1.%u), %u disks removed\n",
		dimm->id, v == PMDISK_LABEL_V1_2 ? 2 : 1, req->disks_removed);
	list_for_each_entry(region, &pmdisk_regions, list)
		if (pmdisk_region_has(region, dimm))
			pmdisk_region_make_disks(region);
unlock:
	mutex_unlock(&pmdisk_regions_lock);
	return reason;
}

/* ---- reset-id ---------------------------------------------------------- */

/*
 * The labels get the new uuid by the two-phase protocol (pmdisk_write_labels):
 * until the last DIMM holds its new label, the old set is the complete
 * one; from then on the new set is, and it wins over the old labels, which
 * pass 2 frees.
 */
static u32 pmdisk_reset_commit(struct pmdisk_region *region,
			       struct pmdisk_disk *disk, const uuid_t *uuid)
{
	struct pmdisk_disk_desc desc = disk->desc;
	struct pmdisk_nslabel *labels;
	struct pmdisk_lsa *lsa;
	unsigned int i;
	u32 reason;

	reason = pmdisk_region_lsa_prepare(region, &lsa, &labels);
	if (reason)
		return reason;
	/* the labels as they are, fields pmemdisk does not set included */
	for (i = 0; i < region->ways; i++) {
		if (pmdisk_lsa_read_label(&lsa[i], desc.slot[i], &labels[i])) {
			reason = PMEMDISK_REASON_LABEL_IO;
			goto out;
		}
		export_uuid(labels[i].uuid, uuid);
		labels[i].flags &= ~cpu_to_le32(PMDISK_NSLABEL_UPDATING);
	}
	/*
	 * A BTT names its namespace (parent uuid). A zero parent is accepted
	 * under any uuid, so: zero it, change the labels, then set the new one.
	 */
	if (disk->btt && pmdisk_btt_disk_set_parent(disk, uuid_null.b)) {
		reason = PMEMDISK_REASON_MEDIA_IO;
		goto out;
	}
	reason = pmdisk_write_labels(region, lsa, labels, &desc);
	if (reason)
		goto out;	/* the old labels stand, and a zero parent fits them */
	disk->desc.uuid = *uuid;
	memcpy(disk->desc.slot, desc.slot, sizeof(desc.slot));
	pmdisk_shutdown_rename(disk, desc.uuid.b);	/* desc has the old one */
	if (disk->btt && pmdisk_btt_disk_set_parent(disk, uuid->b))
		reason = PMEMDISK_REASON_MEDIA_IO;	/* a zero parent stands */
out:
	pmdisk_region_lsa_done(region, lsa, labels);
	return reason;
}

long pmdisk_ctl_reset_id(void *data)
{
	struct pmemdisk_reset_id *req = data;
	uuid_t uuid;
	struct pmdisk_disk *disk;
	u32 reason = PMEMDISK_REASON_NONE;

	if (req->flags)
		return PMEMDISK_REASON_RESERVED_NONZERO;

	mutex_lock(&pmdisk_regions_lock);
	import_uuid(&uuid, req->uuid);
	if (uuid_is_null(&uuid)) {
		uuid_gen(&uuid);
		export_uuid(req->uuid, &uuid);
	}
	reason = pmdisk_disk_changeable(req->number, &disk);
	/* a DAX disk's info block names the old uuid as its parent */
	if (!reason && disk->dax)
		reason = PMEMDISK_REASON_DAX_DISK;
	if (!reason && !pmdisk_disk_block_opens(disk))
		reason = PMEMDISK_REASON_DISK_OPEN;
	if (!reason) {
		if (pmdisk_uuid_in_use(&uuid))
			reason = PMEMDISK_REASON_DUPLICATE_UUID;
		else
			reason = pmdisk_reset_commit(disk->region, disk, &uuid);
		pmdisk_disk_allow_opens(disk);
	}
	mutex_unlock(&pmdisk_regions_lock);
	return reason;
}

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

	mutex_lock(&pmdisk_regions_lock);
	disk = pmdisk_disk_by_number(req->number);
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
	mutex_unlock(&pmdisk_regions_lock);
	return reason;
}

/* ---- convert ----------------------------------------------------------- */

/*
 * Rewrite the labels of @desc's namespace so they say what @desc now is
 * (abstraction GUID, sector size), by the two-phase protocol: under the
 * same uuid each DIMM's new label replaces its old one atomically, and the
 * position-0 label speaks for the set.
 */
static u32 pmdisk_relabel(struct pmdisk_region *region, struct pmdisk_disk_desc *desc)
{
	struct pmdisk_nslabel *labels;
	struct pmdisk_lsa *lsa;
	u32 reason;

	reason = pmdisk_region_lsa_prepare(region, &lsa, &labels);
	if (reason)
		return reason;
	pmdisk_desc_labels(region, lsa, desc, labels);
	reason = pmdisk_write_labels(region, lsa, labels, desc);
	pmdisk_region_lsa_done(region, lsa, labels);
	return reason;
}

/* Zero the old BTT info blocks at @infos (offsets in @desc's namespace). */
static void pmdisk_wipe_infos(struct pmdisk_region *region,
			      const struct pmdisk_disk_desc *desc,
			      const u64 *infos, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		pmdisk_region_zero(region, desc->offset + infos[i], PMDISK_BTT_INFO_SIZE);
	pmdisk_region_flush(region);
}

/* Where a BTT on @region's namespace @desc goes: 2.0 at 0 with v1.2 labels. */
static u64 pmdisk_btt_start_for(const struct pmdisk_region *region,
				const struct pmdisk_disk_desc *desc)
{
	return desc->has_uuid && region->label_state == PMDISK_LABEL_STATE_V1_2 ?
	       PMDISK_BTT_START_V2_0 : PMDISK_BTT_START_V1_1;
}

/*
 * The disk @number, if it may be reformatted (a label-less one may): a
 * reason, and nothing changed; the caller blocks opens to reformat it.
 */
static u32 pmdisk_convert_checks(const struct pmemdisk_convert *req,
				 struct pmdisk_disk **diskp)
{
	struct pmdisk_disk *disk = pmdisk_disk_by_number(req->number);
	u64 start;

	*diskp = disk;
	if (!disk)
		return PMEMDISK_REASON_UNKNOWN_DISK;
	if (disk->dax)
		return PMEMDISK_REASON_DAX_DISK;
	start = pmdisk_btt_start_for(disk->region, &disk->desc);
	if (disk->region->readonly)
		return PMEMDISK_REASON_READONLY;
	if (req->sector_size != 512 && req->sector_size != 4096)
		return PMEMDISK_REASON_BAD_SECTOR_SIZE;
	if (req->atomicity == PMEMDISK_ATOMICITY_NONE && !disk->desc.has_uuid &&
	    req->sector_size != 512)
		return PMEMDISK_REASON_BAD_SECTOR_SIZE;	/* no label to keep it */
	if (req->atomicity == PMEMDISK_ATOMICITY_BTT &&
	    !pmdisk_btt_nlba(start, disk->desc.size - start, req->sector_size))
		return PMEMDISK_REASON_TOO_SMALL_FOR_BTT;
	if (disk->desc.has_uuid && !pmdisk_region_labelled(disk->region))
		return PMEMDISK_REASON_LABELS_INCONSISTENT;
	return PMEMDISK_REASON_NONE;
}

/*
 * Reformat @disk as @desc says; the disk object is gone afterwards. Its
 * block device goes first. To BTT: lay out the BTT, then relabel; to raw:
 * relabel, then wipe the old BTT's info blocks. A power cut in between
 * leaves the old kind or the new one (the data is forfeit either way, as
 * the caller was told). When the BTT cannot be laid out (a fatal signal, a
 * media error), the namespace is left raw, labels included, so it stays a
 * disk that can be converted again.
 */
static u32 pmdisk_convert_commit(struct pmdisk_disk *disk,
				 struct pmdisk_disk_desc *desc,
				 const u64 *infos, unsigned int ninfos)
{
	struct pmdisk_region *region = disk->region;
	u32 reason = PMEMDISK_REASON_NONE, relabel;

	pmdisk_disk_remove(disk);
	if (desc->atomicity == PMDISK_ATOMICITY_NONE) {
		if (desc->has_uuid)
			reason = pmdisk_relabel(region, desc);
	} else {
		pmdisk_wipe_head(region, desc->offset, desc->size);
		reason = pmdisk_format_btt(region, desc);
		if (reason) {
			desc->atomicity = PMDISK_ATOMICITY_NONE;
			desc->btt_claimed = false;
		}
		if (desc->has_uuid) {
			relabel = pmdisk_relabel(region, desc);
			reason = reason ? reason : relabel;
		}
	}
	/* no old info block may make a raw disk look like a BTT again */
	if (desc->atomicity == PMDISK_ATOMICITY_NONE)
		pmdisk_wipe_infos(region, desc, infos, ninfos);
	return reason;
}

long pmdisk_ctl_convert(void *data)
{
	struct pmdisk_disk_desc desc;
	struct pmdisk_region *region;
	struct pmemdisk_convert *req = data;
	struct pmdisk_disk *disk;
	u32 reason = PMEMDISK_REASON_NONE;
	unsigned int ninfos = 0;
	u64 *infos = NULL;

	if (req->flags)
		return PMEMDISK_REASON_RESERVED_NONZERO;
	if (req->atomicity != PMEMDISK_ATOMICITY_NONE &&
	    req->atomicity != PMEMDISK_ATOMICITY_BTT)
		return PMEMDISK_REASON_BAD_ATOMICITY;

	mutex_lock(&pmdisk_regions_lock);
	reason = pmdisk_convert_checks(req, &disk);
	if (!reason && !pmdisk_disk_block_opens(disk))
		reason = PMEMDISK_REASON_DISK_OPEN;
	/* where the old BTT's info blocks are, for a convert to raw */
	if (!reason && disk->btt && pmdisk_btt_disk_infos(disk, &infos, &ninfos)) {
		pmdisk_disk_allow_opens(disk);
		reason = PMEMDISK_REASON_MEDIA_IO;	/* -ENOMEM: nothing done */
	}
	if (!reason) {
		region = disk->region;
		desc = disk->desc;
		desc.sector_size = req->sector_size;
		desc.atomicity = PMDISK_ATOMICITY_NONE;
		desc.btt_claimed = false;
		if (req->atomicity == PMEMDISK_ATOMICITY_BTT) {
			desc.atomicity = PMDISK_ATOMICITY_BTT;
			/* as create: 2.0 at 0 (BTT2 GUID) with v1.2 labels */
			desc.btt_start = pmdisk_btt_start_for(region, &desc);
			desc.btt_claimed = desc.has_uuid &&
					   desc.btt_start == PMDISK_BTT_START_V2_0;
		}
		reason = pmdisk_convert_commit(disk, &desc, infos, ninfos);
		/* as check: its number was released with the old disk */
		disk = pmdisk_disk_number_claim(desc.number) == desc.number ?
		       pmdisk_disk_create(region, &desc) :	/* logs why if it cannot */
		       ERR_PTR(-ENOMEM);
		if (!IS_ERR(disk)) {
			req->actual_size = disk->size;
			pr_info("%s: converted to %s\n", disk->gd_name,
				disk->btt ? "BTT" : "raw");
		} else if (!reason) {
			reason = PMEMDISK_REASON_MEDIA_IO;
		}
	}
	mutex_unlock(&pmdisk_regions_lock);
	kfree(infos);
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
