// SPDX-License-Identifier: GPL-2.0
/*
 * Provisioning: create a disk, remove it, give it a new uuid, convert it
 * between raw and BTT. (Labels: ctl_labels.c; the BTT check: btt_check.c.)
 *
 * Each request is validated whole before anything changes; a refusal
 * returns a PMEMDISK_REASON_* (ctl.c turns it into the reply and an errno)
 * and leaves media, labels and disks as they were. ctl.c copies each request
 * in, checks its size and reserved words, and runs it under pmdisk_ctl_lock;
 * what listing reads is stored under pmdisk_regions_lock as well (see
 * pmemdisk.h), never across I/O.
 *
 * A namespace on an interleave set has one label per DIMM, each committed
 * by that DIMM's index update. A create interrupted between DIMMs leaves an
 * incomplete set, which no reader accepts: the disk does not exist. A remove
 * interrupted between DIMMs does the same: the disk is gone. Either way the
 * result is the old or the new set of disks.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/uuid.h>

#include "btt_disk.h"
#include "core/dstate.h"
#include "core/namespace.h"
#include "dax.h"
#include "dirty_shutdown.h"
#include "disk.h"
#include "disks.h"
#include "pmemdisk.h"
#include "region.h"
#include "../uapi/pmemdisk.h"

#define PMDISK_WIPE_BYTES	8192	/* info blocks live in the first 8 KiB */

static struct pmdisk_region *pmdisk_region_by_id(u32 id)
{
	struct pmdisk_region *region;

	lockdep_assert_held(&pmdisk_ctl_lock);
	list_for_each_entry(region, &pmdisk_regions, list)
		if (region->id == id)
			return region;
	return NULL;
}

/*
 * The disk numbered @number, if it may be changed (remove, reset-id): it
 * exists, is a namespace and is writable. Returns a reason, and changes
 * nothing: the caller blocks opens (pmdisk_disk_block_opens()) to change it.
 */
static u32 pmdisk_disk_changeable(u32 number, struct pmdisk_disk **diskp)
{
	struct pmdisk_disk *disk = pmdisk_disk_find(number);

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

/*
 * A change of one region's labels: its DIMMs' label areas loaded, one label
 * per DIMM to write, and the core's view of them (core/provision.h), which
 * keeps region->used equal to what a load of the media would find.
 */
struct pmdisk_label_txn {
	struct pmdisk_region *region;
	struct pmdisk_lsa lsa[PMDISK_MAX_WAYS];
	struct pmdisk_lsa *lsap[PMDISK_MAX_WAYS];
	struct pmdisk_iset_dimm iset[PMDISK_MAX_WAYS];
	struct pmdisk_nslabel labels[PMDISK_MAX_WAYS];
	struct pmdisk_extents used;	/* region->used as it changes */
	struct pmdisk_prov_labels prov;
};

/*
 * Load the label areas of all of @region's DIMMs into a new transaction;
 * with @add, check each has a free slot for a new label, before anything
 * is written. Returns a PMEMDISK_REASON_*; on success end it with
 * pmdisk_label_txn_end().
 */
static u32 pmdisk_label_txn_begin(struct pmdisk_region *region, bool add,
				  struct pmdisk_label_txn **txn)
{
	struct pmdisk_label_txn *t;
	unsigned int i;

	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return PMEMDISK_REASON_NO_MEMORY;
	if (pmdisk_region_lsa_load(region, t->lsa)) {
		kfree(t);
		return PMEMDISK_REASON_LABEL_IO;
	}
	t->region = region;
	for (i = 0; i < region->ways; i++)
		t->lsap[i] = &t->lsa[i];
	pmdisk_region_iset(region, t->iset);
	t->used = region->used;
	t->prov = (struct pmdisk_prov_labels) {
		.lsa = t->lsap, .dimms = t->iset, .ways = region->ways,
		.used = &t->used,
	};
	for (i = 0; add && i < region->ways; i++) {
		if (pmdisk_lsa_used(&t->lsa[i]) == t->lsa[i].nslot) {
			pmdisk_region_lsa_release(region, t->lsa);
			kfree(t);
			return PMEMDISK_REASON_NO_LABEL_SLOT;
		}
	}
	*txn = t;
	return PMEMDISK_REASON_NONE;
}

/*
 * Publish what the labels now hold (for listing, under pmdisk_regions_lock)
 * and release them. Labels that could not be read back after a failed
 * update leave the region unusable until a reload, as a load would.
 */
static void pmdisk_label_txn_end(struct pmdisk_label_txn *t)
{
	struct pmdisk_region *region = t->region;
	unsigned int i;

	mutex_lock(&pmdisk_regions_lock);
	region->used = t->used;
	if (t->prov.reread_error)
		region->label_state = PMDISK_LABEL_STATE_ERROR;
	for (i = 0; i < region->ways && !t->prov.reread_error; i++)
		region->map[i].dimm->label_used = pmdisk_lsa_used(&t->lsa[i]);
	mutex_unlock(&pmdisk_regions_lock);
	pmdisk_region_lsa_release(region, t->lsa);
	kfree(t);
}

/*
 * A label update of @t failed with @rc: the core has read the labels back,
 * so @t->used is what they now say (pmdisk_label_txn_end() publishes it).
 */
static u32 pmdisk_label_txn_failed(struct pmdisk_label_txn *t, const char *what, int rc)
{
	struct pmdisk_region *region = t->region;

	if (t->prov.reread_error) {
		pr_err("%s: %s: writing the labels failed (%d) and they cannot be read back (%d): no more changes until they can be\n",
		       region->name, what, rc, t->prov.reread_error);
	} else {
		pr_err("%s: %s: writing the labels failed (%d); the region is as its labels now say\n",
		       region->name, what, rc);
	}
	return PMEMDISK_REASON_LABEL_IO;
}

/* The reason a pmdisk_disk_create() that failed with @err gives. */
static u32 pmdisk_disk_create_reason(int err)
{
	switch (err) {
	case -ENOMEM:
		return PMEMDISK_REASON_NO_MEMORY;
	case -EINTR:
		return PMEMDISK_REASON_INTERRUPTED;
	case -EIO:
		return PMEMDISK_REASON_MEDIA_IO;
	default:
		return PMEMDISK_REASON_DISK_SETUP;
	}
}

/*
 * After a failed change, the disk at @offset of @region comes back as a
 * load would make it from the media (with @number if free), if the media
 * holds one there. Returns the disk or NULL.
 */
static struct pmdisk_disk *pmdisk_disk_back(struct pmdisk_region *region, u64 offset,
					    unsigned int number)
{
	struct pmdisk_disk *disk = pmdisk_region_disk_back(region, offset, number);

	if (!IS_ERR(disk)) {
		pr_info("%s: back as its labels say, after the failure above\n", disk->gd_name);
		return disk;
	}
	if (PTR_ERR(disk) != -ENOENT)
		pr_err("%s: the namespace at offset %llu is on the media, but its disk did not come back (%ld): reload pmemdisk to retry\n",
		       region->name, offset, PTR_ERR(disk));
	return NULL;
}

/* Zero the start of a range so no old info block (BTT, fsdax) survives. */
static void pmdisk_wipe_head(struct pmdisk_region *region, u64 offset, u64 size)
{
	pmdisk_region_zero(region, offset, min_t(u64, size, PMDISK_WIPE_BYTES));
	pmdisk_region_flush(region);
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

/* The labels that say what @desc's namespace is, one per DIMM, into @t. */
static void pmdisk_desc_labels(struct pmdisk_label_txn *t,
			       const struct pmdisk_disk_desc *desc)
{
	struct pmdisk_prov_ns ns = {
		.sector_size = desc->sector_size,
		.offset = desc->offset, .size = desc->size,
		.claim = pmdisk_prov_claim(desc->atomicity, desc->btt_start,
					   desc->dax_claimed, desc->dax_kind),
	};

	export_uuid(ns.uuid, &desc->uuid);
	strscpy(ns.name, desc->name, sizeof(ns.name));
	pmdisk_prov_labels(t->labels, t->iset, t->region->ways, t->lsa[0].label_size, &ns);
}

/*
 * Write @t's labels for @desc's namespace by the two-phase UPDATING
 * protocol (pmdisk_ns_write(): a power cut leaves the old state or the new
 * one); on success @desc->slot[] names the new labels. On a failure the
 * region is as the labels read back say (pmdisk_label_txn_failed()).
 */
static u32 pmdisk_write_labels(struct pmdisk_label_txn *t, struct pmdisk_disk_desc *desc,
			       const char *what)
{
	u32 slot[PMDISK_MAX_WAYS];
	int rc;

	rc = pmdisk_prov_write(&t->prov, t->labels, slot, desc->offset, desc->size);
	if (rc < 0)
		return pmdisk_label_txn_failed(t, what, rc);
	if (rc == PMDISK_NS_UNFINISHED)
		pr_warn("%s: namespace %pUb: its new labels stand, but not all lost their UPDATING flag; the next load finishes that\n",
			t->region->name, t->labels[0].uuid);
	memcpy(desc->slot, slot, sizeof(slot[0]) * t->region->ways);
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
	if (rc == -ENOMEM)
		return PMEMDISK_REASON_NO_MEMORY;
	return rc ? PMEMDISK_REASON_MEDIA_IO : PMEMDISK_REASON_NONE;
}

/* Lay out what @desc's namespace holds before its labels name it. */
static u32 pmdisk_create_format(struct pmdisk_region *region,
				const struct pmdisk_disk_desc *desc,
				const struct pmdisk_prov_plan *plan)
{
	pmdisk_wipe_head(region, desc->offset, desc->size);
	if (desc->atomicity == PMDISK_ATOMICITY_BTT)
		return pmdisk_format_btt(region, desc);
	if (plan->dax && pmdisk_dax_format(region, desc->offset, &plan->layout, desc->uuid.b))
		return PMEMDISK_REASON_MEDIA_IO;
	return PMEMDISK_REASON_NONE;
}

/*
 * A new namespace's labels stand but its disk could not be made (@err):
 * delete them again, so that nothing was created.
 */
static u32 pmdisk_create_undo(struct pmdisk_label_txn *t,
			      const struct pmdisk_disk_desc *desc, int err)
{
	int rc = pmdisk_prov_delete(&t->prov, desc->slot, desc->offset);

	if (rc)
		pmdisk_label_txn_failed(t, "taking back a new namespace", rc);
	if (pmdisk_extents_has(&t->used, desc->offset))
		pr_err("%s: namespace %pUb stays on the media without a disk: reload pmemdisk or remove it\n",
		       t->region->name, &desc->uuid);
	return pmdisk_disk_create_reason(err);
}

/*
 * Write the labels and make the disk; the caller validated and placed it,
 * and claimed @desc->number, which the disk takes over (or which is
 * released here when there is no disk). The new labels are the commit
 * point: a failure before them changes nothing; when writing them fails,
 * the disk exists exactly when the labels read back say it does.
 */
static u32 pmdisk_create_commit(struct pmdisk_region *region,
				struct pmdisk_disk_desc *desc,
				const struct pmdisk_prov_plan *plan)
{
	struct pmdisk_label_txn *t;
	struct pmdisk_disk *disk;
	u32 reason;

	reason = pmdisk_label_txn_begin(region, true, &t);
	if (reason)
		goto release;
	reason = pmdisk_create_format(region, desc, plan);
	if (reason)
		goto end;
	pmdisk_desc_labels(t, desc);
	reason = pmdisk_write_labels(t, desc, "create");
	if (reason)
		goto end;
	pmdisk_shutdown_forget(region, desc->uuid.b);	/* a new disk starts at 0 */
	disk = pmdisk_disk_create(region, desc);	/* the number goes with it */
	if (IS_ERR(disk))
		reason = pmdisk_create_undo(t, desc, PTR_ERR(disk));
	pmdisk_label_txn_end(t);
	return reason;
end:
	pmdisk_label_txn_end(t);
release:
	pmdisk_disk_number_release(desc->number);
	/* labels whose write failed may have landed all the same */
	if (reason == PMEMDISK_REASON_LABEL_IO &&
	    pmdisk_extents_has(&region->used, desc->offset) &&
	    pmdisk_disk_back(region, desc->offset, desc->number))
		reason = PMEMDISK_REASON_NONE;
	return reason;
}

/* The region of a create request, if disks can be created on it. */
static u32 pmdisk_create_region(u32 id, struct pmdisk_region **regionp)
{
	struct pmdisk_region *region = pmdisk_region_by_id(id);

	*regionp = region;
	if (!region)
		return PMEMDISK_REASON_UNKNOWN_REGION;
	if (region->label_state == PMDISK_LABEL_STATE_ERROR)
		return PMEMDISK_REASON_LABELS_INCONSISTENT;
	if (!pmdisk_region_labelled(region))
		return PMEMDISK_REASON_LABEL_LESS;
	if (region->readonly)
		return PMEMDISK_REASON_READONLY;
	if (region->used.n == PMDISK_MAX_NS_PER_REGION)
		return PMEMDISK_REASON_TOO_MANY_DISKS;
	return PMEMDISK_REASON_NONE;
}

/* Size, place and classify the disk @req asks for (core/provision.c). */
static u32 pmdisk_create_plan(struct pmdisk_region *region, struct pmemdisk_create *req,
			      struct pmdisk_disk_desc *desc, struct pmdisk_prov_plan *plan)
{
	static const enum pmdisk_prov_mode modes[] = {
		[PMEMDISK_MODE_RAW] = PMDISK_PROV_RAW,
		[PMEMDISK_MODE_BTT] = PMDISK_PROV_BTT,
		[PMEMDISK_MODE_FSDAX] = PMDISK_PROV_FSDAX,
		[PMEMDISK_MODE_DEVDAX] = PMDISK_PROV_DEVDAX,
	};
	struct pmdisk_prov_region r = {
		.base = region->base, .size = region->size, .ways = region->ways,
		.labels = region->label_state == PMDISK_LABEL_STATE_V1_2 ?
			  PMDISK_LABEL_V1_2 : PMDISK_LABEL_V1_1,
		.used = &region->used,
	};
	struct pmdisk_prov_req q = {
		.mode = req->flags & PMEMDISK_CREATE_BTT ? PMDISK_PROV_BTT : modes[req->mode],
		.disk_size = req->disk_size,
		.sector_size = req->sector_size,
		.dax_align = req->align,
		.map = req->map == PMEMDISK_MAP_MEM ? PMDISK_PFN_MAP_RAM : PMDISK_PFN_MAP_DEV,
	};
	const char *why;
	uuid_t pfn_uuid;
	int rc;

	if ((q.mode == PMDISK_PROV_FSDAX || q.mode == PMDISK_PROV_DEVDAX) &&
	    !pmdisk_dax_capable(region, &why))
		return PMEMDISK_REASON_DAX_UNSUPPORTED;
	uuid_gen(&pfn_uuid);
	export_uuid(q.pfn_uuid, &pfn_uuid);
	rc = pmdisk_prov_plan(&r, &q, plan);
	req->max_extent = plan->max_extent;
	if (rc)
		return PMEMDISK_REASON_NO_SPACE;
	req->actual_size = plan->actual;
	req->offset = plan->offset;
	desc->offset = plan->offset;
	desc->size = plan->size;
	desc->sector_size = req->sector_size;
	desc->atomicity = plan->atomicity;
	desc->btt_start = plan->btt_start;
	desc->btt_claimed = plan->btt_claimed;
	desc->dax_kind = plan->dax_kind;
	desc->dax_claimed = plan->dax_claimed;
	return PMEMDISK_REASON_NONE;
}

/* The uuid of the new disk: asked for and unused, or a new one. */
static u32 pmdisk_create_uuid(struct pmemdisk_create *req, struct pmdisk_disk_desc *desc)
{
	import_uuid(&desc->uuid, req->uuid);
	if (uuid_is_null(&desc->uuid)) {
		uuid_gen(&desc->uuid);
		export_uuid(req->uuid, &desc->uuid);
		return PMEMDISK_REASON_NONE;
	}
	return pmdisk_uuid_in_use(&desc->uuid) ? PMEMDISK_REASON_DUPLICATE_UUID :
						 PMEMDISK_REASON_NONE;
}

long pmdisk_ctl_create(void *data)
{
	struct pmdisk_disk_desc desc = { .has_uuid = true };
	struct pmemdisk_create *req = data;
	struct pmdisk_prov_plan *plan;
	struct pmdisk_region *region;
	int number;
	u32 reason;

	BUILD_BUG_ON(PMEMDISK_ALIGN_PER_DIMM != PMDISK_ALIGN_PER_DIMM);
	reason = pmdisk_create_checks(req);
	if (reason)
		return reason;
	plan = kzalloc(sizeof(*plan), GFP_KERNEL);
	if (!plan)
		return PMEMDISK_REASON_NO_MEMORY;

	lockdep_assert_held(&pmdisk_ctl_lock);
	reason = pmdisk_create_region(req->region, &region);
	if (!reason)
		reason = pmdisk_create_plan(region, req, &desc, plan);
	if (!reason)
		reason = pmdisk_create_uuid(req, &desc);
	if (reason || (req->flags & PMEMDISK_CREATE_DRY_RUN))
		goto unlock;
	strscpy(desc.name, req->name, sizeof(desc.name));
	number = pmdisk_disk_number_claim(PMDISK_NUMBER_ANY);
	if (number < 0) {
		reason = PMEMDISK_REASON_NO_MEMORY;
		goto unlock;
	}
	desc.number = number;
	reason = pmdisk_create_commit(region, &desc, plan);
	req->number = desc.number;
unlock:
	kfree(plan);
	return reason;
}

/* ---- remove ------------------------------------------------------------ */

/*
 * The block device goes first: nobody can open it while it is wiped.
 * Deleting the labels is the commit point, so the wipe comes after it,
 * and only once it is done: until then a power cut (or a label write that
 * failed) must leave the disk whole, its info block and first sectors
 * included. When the deletion fails, the disk comes back if the labels
 * read back still hold its namespace.
 */
static u32 pmdisk_remove_commit(struct pmdisk_disk *disk)
{
	struct pmdisk_region *region = disk->region;
	struct pmdisk_disk_desc desc = disk->desc;
	struct pmdisk_label_txn *t;
	u32 reason;
	int rc;

	reason = pmdisk_label_txn_begin(region, false, &t);
	if (reason) {
		pmdisk_disk_allow_opens(disk);
		return reason;
	}
	pmdisk_disk_remove(disk);
	rc = pmdisk_prov_delete(&t->prov, desc.slot, desc.offset);
	if (rc) {
		reason = pmdisk_label_txn_failed(t, "remove", rc);
	} else {
		pmdisk_wipe_head(region, desc.offset, desc.size);
		pmdisk_shutdown_forget(region, desc.uuid.b);
	}
	pmdisk_label_txn_end(t);
	if (rc && pmdisk_extents_has(&region->used, desc.offset))
		pmdisk_disk_back(region, desc.offset, desc.number);
	return reason;
}

long pmdisk_ctl_remove(void *data)
{
	struct pmemdisk_remove *req = data;
	struct pmdisk_disk *disk;
	u32 reason;

	if (req->flags)
		return PMEMDISK_REASON_RESERVED_NONZERO;

	lockdep_assert_held(&pmdisk_ctl_lock);
	reason = pmdisk_disk_changeable(req->number, &disk);
	if (!reason && !pmdisk_disk_block_opens(disk))
		reason = PMEMDISK_REASON_DISK_OPEN;
	if (!reason)
		reason = pmdisk_remove_commit(disk);
	return reason;
}

/* ---- reset-id ---------------------------------------------------------- */

/*
 * The labels get the new uuid by the two-phase protocol (pmdisk_write_labels):
 * until the last DIMM holds its new label, the old set is the complete
 * one; from then on the new set is, and it wins over the old labels, which
 * pass 2 frees. Opens of @disk were blocked; they are allowed again here.
 * When writing the labels fails, the disk is made again from what they
 * read back say, old uuid or new.
 */
static u32 pmdisk_reset_commit(struct pmdisk_disk *disk, const uuid_t *uuid)
{
	struct pmdisk_region *region = disk->region;
	struct pmdisk_disk_desc desc = disk->desc;
	struct pmdisk_label_txn *t;
	unsigned int i;
	u32 reason;

	reason = pmdisk_label_txn_begin(region, true, &t);
	if (reason)
		goto allow;
	/* the labels as they are, fields pmemdisk does not set included */
	for (i = 0; i < region->ways; i++) {
		if (pmdisk_lsa_read_label(&t->lsa[i], desc.slot[i], &t->labels[i])) {
			reason = PMEMDISK_REASON_LABEL_IO;
			goto end;
		}
		export_uuid(t->labels[i].uuid, uuid);
		t->labels[i].flags &= ~cpu_to_le32(PMDISK_NSLABEL_UPDATING);
	}
	/*
	 * A BTT names its namespace (parent uuid). A zero parent is accepted
	 * under any uuid, so: zero it, change the labels, then set the new one.
	 */
	if (disk->btt && pmdisk_btt_disk_set_parent(disk, uuid_null.b)) {
		reason = PMEMDISK_REASON_MEDIA_IO;
		goto end;
	}
	reason = pmdisk_write_labels(t, &desc, "reset-id");
	pmdisk_label_txn_end(t);
	if (reason) {	/* a zero parent fits whichever labels stand */
		pmdisk_disk_remove(disk);
		pmdisk_disk_back(region, desc.offset, desc.number);
		return reason;
	}
	disk->desc.uuid = *uuid;
	memcpy(disk->desc.slot, desc.slot, sizeof(desc.slot));
	pmdisk_shutdown_rename(disk, desc.uuid.b);	/* desc has the old one */
	if (disk->btt && pmdisk_btt_disk_set_parent(disk, uuid->b))
		reason = PMEMDISK_REASON_MEDIA_IO;	/* a zero parent stands */
	goto allow;
end:
	pmdisk_label_txn_end(t);
allow:
	pmdisk_disk_allow_opens(disk);
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

	lockdep_assert_held(&pmdisk_ctl_lock);
	import_uuid(&uuid, req->uuid);
	if (uuid_is_null(&uuid)) {
		uuid_gen(&uuid);
		export_uuid(req->uuid, &uuid);
	}
	reason = pmdisk_disk_changeable(req->number, &disk);
	/* a DAX disk's info block names the old uuid as its parent */
	if (!reason && disk->dax)
		reason = PMEMDISK_REASON_DAX_DISK;
	if (!reason && pmdisk_uuid_in_use(&uuid))
		reason = PMEMDISK_REASON_DUPLICATE_UUID;
	if (!reason && !pmdisk_disk_block_opens(disk))
		reason = PMEMDISK_REASON_DISK_OPEN;
	if (!reason)
		reason = pmdisk_reset_commit(disk, &uuid);
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
	struct pmdisk_label_txn *t;
	u32 reason;

	reason = pmdisk_label_txn_begin(region, true, &t);
	if (reason)
		return reason;
	pmdisk_desc_labels(t, desc);
	reason = pmdisk_write_labels(t, desc, "convert");
	pmdisk_label_txn_end(t);
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

/* Where a BTT on @region's namespace @desc goes (core/provision.c). */
static u64 pmdisk_desc_btt_start(const struct pmdisk_region *region,
				 const struct pmdisk_disk_desc *desc)
{
	return pmdisk_btt_start_for(desc->has_uuid &&
				    region->label_state == PMDISK_LABEL_STATE_V1_2);
}

/*
 * The disk @number, if it may be reformatted (a label-less one may): a
 * reason, and nothing changed; the caller blocks opens to reformat it.
 */
static u32 pmdisk_convert_checks(const struct pmemdisk_convert *req,
				 struct pmdisk_disk **diskp)
{
	struct pmdisk_disk *disk = pmdisk_disk_find(req->number);
	u64 start;

	*diskp = disk;
	if (!disk)
		return PMEMDISK_REASON_UNKNOWN_DISK;
	if (disk->dax)
		return PMEMDISK_REASON_DAX_DISK;
	start = pmdisk_desc_btt_start(disk->region, &disk->desc);
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
			reason = relabel ? relabel : reason;
		}
	}
	/*
	 * No old info block may make a raw disk look like a BTT again; but
	 * while labels that failed to change may still claim the BTT, it
	 * stays whole.
	 */
	if (desc->atomicity == PMDISK_ATOMICITY_NONE && reason != PMEMDISK_REASON_LABEL_IO)
		pmdisk_wipe_infos(region, desc, infos, ninfos);
	return reason;
}

/* What @disk is to become for @req. */
static void pmdisk_convert_desc(const struct pmdisk_disk *disk,
				const struct pmemdisk_convert *req,
				struct pmdisk_disk_desc *desc)
{
	*desc = disk->desc;
	desc->sector_size = req->sector_size;
	desc->atomicity = PMDISK_ATOMICITY_NONE;
	desc->btt_claimed = false;
	if (req->atomicity == PMEMDISK_ATOMICITY_BTT) {
		desc->atomicity = PMDISK_ATOMICITY_BTT;
		/* as create: 2.0 at 0 (BTT2 GUID) with v1.2 labels */
		desc->btt_start = pmdisk_desc_btt_start(disk->region, desc);
		desc->btt_claimed = desc->has_uuid &&
				    desc->btt_start == PMDISK_BTT_START_V2_0;
	}
}

/*
 * The converted disk comes up as @desc says; when its labels could not be
 * written, as they read back say (old kind or new).
 */
static u32 pmdisk_convert_disk_up(struct pmdisk_region *region,
				  const struct pmdisk_disk_desc *desc, u32 reason,
				  struct pmemdisk_convert *req)
{
	struct pmdisk_disk *disk;
	int number;

	if (reason == PMEMDISK_REASON_LABEL_IO) {
		pmdisk_disk_back(region, desc->offset, desc->number);
		return reason;
	}
	/* as check: its number was released with the old disk */
	number = pmdisk_disk_number_claim(desc->number);
	disk = number == desc->number ? pmdisk_disk_create(region, desc) :
	       ERR_PTR(number < 0 ? number : -EBUSY);
	if (IS_ERR(disk))
		return reason ? reason : pmdisk_disk_create_reason(PTR_ERR(disk));
	req->actual_size = disk->size;
	pr_info("%s: converted to %s\n", disk->gd_name, disk->btt ? "BTT" : "raw");
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
	int rc;

	if (req->flags)
		return PMEMDISK_REASON_RESERVED_NONZERO;
	if (req->atomicity != PMEMDISK_ATOMICITY_NONE &&
	    req->atomicity != PMEMDISK_ATOMICITY_BTT)
		return PMEMDISK_REASON_BAD_ATOMICITY;

	lockdep_assert_held(&pmdisk_ctl_lock);
	reason = pmdisk_convert_checks(req, &disk);
	if (!reason && !pmdisk_disk_block_opens(disk))
		reason = PMEMDISK_REASON_DISK_OPEN;
	/* where the old BTT's info blocks are, for a convert to raw */
	if (!reason && disk->btt) {
		rc = pmdisk_btt_disk_infos(disk, &infos, &ninfos);
		if (rc) {	/* nothing done */
			pmdisk_disk_allow_opens(disk);
			reason = rc == -ENOMEM ? PMEMDISK_REASON_NO_MEMORY :
						 PMEMDISK_REASON_MEDIA_IO;
		}
	}
	if (!reason) {
		region = disk->region;
		pmdisk_convert_desc(disk, req, &desc);
		reason = pmdisk_convert_commit(disk, &desc, infos, ninfos);
		reason = pmdisk_convert_disk_up(region, &desc, reason, req);
	}
	kfree(infos);
	return reason;
}
