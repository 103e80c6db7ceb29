// SPDX-License-Identifier: GPL-2.0
/*
 * Which disks each region has, decided at load from its DIMMs' labels:
 *  - no DIMM holds a valid label index (or the region has no DIMMs, as e820
 *    ranges): label-less, one raw disk spanning the region;
 *  - every DIMM holds a valid index of the same version: one disk per
 *    namespace the labels describe (namespace.c), in region-offset order;
 *  - anything else (DIMMs disagree, an area cannot be read): no disk, so
 *    nothing can write over namespaces pmemdisk cannot see whole.
 * At load, a disk whose dirty-shutdown record keeps a number gets it again
 * (disk_numbers.c); the others are numbered in region and offset order with
 * the numbers left. A disk created later takes the lowest free number.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <linux/sort.h>

#include "core/btt.h"
#include "core/namespace.h"
#include "disk.h"
#include "disk_numbers.h"
#include "disks.h"
#include "pmemdisk.h"
#include "region.h"

static const char *pmdisk_claim_name(enum pmdisk_claim claim)
{
	switch (claim) {
	case PMDISK_CLAIM_BTT:	return "sector (BTT 1.1)";
	case PMDISK_CLAIM_BTT2:	return "sector (BTT 2.0)";
	case PMDISK_CLAIM_PFN:	return "fsdax";
	case PMDISK_CLAIM_DAX:	return "devdax";
	case PMDISK_CLAIM_NONE:	return "raw";
	default:		return "an unknown claim class";
	}
}

static void pmdisk_ns_note(void *ctx, const char *msg)
{
	struct pmdisk_region *region = ctx;

	pr_warn("%s: %s: skipped\n", region->name, msg);
}

enum region_labels { LABEL_LESS, LABELLED, UNUSABLE };

static enum region_labels pmdisk_region_labels(struct pmdisk_region *region)
{
	enum pmdisk_label_state first;
	unsigned int i, valid = 0;

	if (!region->ways)
		return LABEL_LESS;
	first = region->map[0].dimm->label_state;
	for (i = 0; i < region->ways; i++) {
		enum pmdisk_label_state st = region->map[i].dimm->label_state;

		if (st == PMDISK_LABEL_STATE_ERROR)
			return UNUSABLE;
		if (st == PMDISK_LABEL_STATE_V1_1 || st == PMDISK_LABEL_STATE_V1_2) {
			valid++;
			if (st != first)
				return UNUSABLE;
		}
	}
	if (!valid)
		return LABEL_LESS;
	return valid == region->ways ? LABELLED : UNUSABLE;
}

static int cmp_ns_offset(const void *a, const void *b)
{
	const struct pmdisk_ns *x = a, *y = b;

	return x->offset < y->offset ? -1 : x->offset > y->offset;
}

void pmdisk_region_iset(const struct pmdisk_region *region,
			struct pmdisk_iset_dimm *iset)
{
	unsigned int i;

	for (i = 0; i < region->ways; i++) {
		const struct pmdisk_mapping *m = &region->map[i];

		iset[i] = (struct pmdisk_iset_dimm) {
			.region_offset = m->region_offset,
			.dpa = m->dpa,
			.size = m->size,
			.serial = m->dimm->serial,
			.vendor_id = m->dimm->vendor_id,
			.manufacturing_date = m->dimm->manufacturing_date,
			.manufacturing_location = m->dimm->manufacturing_location,
		};
	}
}

/* Load the label areas of all of @region's DIMMs, or none. */
int pmdisk_region_lsa_load(struct pmdisk_region *region,
				  struct pmdisk_lsa *lsa)
{
	unsigned int i;
	int rc = 0;

	for (i = 0; i < region->ways && !rc; i++)
		rc = pmdisk_dimm_lsa_load(region->map[i].dimm, &lsa[i]);
	if (rc)
		while (--i > 0)
			pmdisk_lsa_release(&lsa[i - 1]);
	return rc;
}

void pmdisk_region_lsa_release(struct pmdisk_region *region,
				      struct pmdisk_lsa *lsa)
{
	unsigned int i;

	for (i = 0; i < region->ways; i++)
		pmdisk_lsa_release(&lsa[i]);
}

static bool pmdisk_region_labels_writable(const struct pmdisk_region *region)
{
	unsigned int i;

	for (i = 0; i < region->ways; i++)
		if (!region->map[i].dimm->labels_writable)
			return false;
	return !region->readonly;
}

/*
 * A namespace found with UPDATING labels: an update (ours or Linux's) was
 * cut after its commit point. Finish its second pass now, so the labels it
 * replaced cannot come back when this one is removed.
 */
static void pmdisk_finish_update(struct pmdisk_region *region,
				 struct pmdisk_lsa **lsap, struct pmdisk_ns *ns)
{
	int rc;

	if (!ns->updating)
		return;
	if (!pmdisk_region_labels_writable(region)) {
		pr_warn("%s: namespace %pUb has labels of an interrupted update; its labels are read-only, so they stay\n",
			region->name, ns->uuid);
		return;
	}
	rc = pmdisk_ns_finish(lsap, region->ways, ns);
	if (rc)
		pr_warn("%s: namespace %pUb: cannot finish an interrupted label update (%d)\n",
			region->name, ns->uuid, rc);
	else
		pr_info("%s: namespace %pUb: finished an interrupted label update\n",
			region->name, ns->uuid);
}

/* Scan the labels of @region's DIMMs; returns the namespaces found or < 0. */
static int pmdisk_region_scan(struct pmdisk_region *region, struct pmdisk_ns *ns)
{
	struct pmdisk_iset_dimm iset[PMDISK_MAX_WAYS];
	struct pmdisk_lsa *lsap[PMDISK_MAX_WAYS];
	struct pmdisk_lsa *lsa;
	unsigned int i;
	int rc;

	lsa = kcalloc(region->ways, sizeof(*lsa), GFP_KERNEL);
	if (!lsa)
		return -ENOMEM;
	rc = pmdisk_region_lsa_load(region, lsa);
	if (!rc) {
		for (i = 0; i < region->ways; i++)
			lsap[i] = &lsa[i];
		pmdisk_region_iset(region, iset);
		rc = pmdisk_ns_scan(lsap, iset, region->ways, ns,
				    PMDISK_MAX_NS_PER_REGION, pmdisk_ns_note, region);
		for (i = 0; i < rc; i++)
			pmdisk_finish_update(region, lsap, &ns[i]);
		mutex_lock(&pmdisk_regions_lock);
		for (i = 0; i < region->ways; i++)
			region->map[i].dimm->label_used = pmdisk_lsa_used(lsap[i]);
		mutex_unlock(&pmdisk_regions_lock);
		pmdisk_region_lsa_release(region, lsa);
	}
	kfree(lsa);
	if (rc > 0)
		sort(ns, rc, sizeof(*ns), cmp_ns_offset, NULL);
	return rc;
}

/*
 * The disks of a labelled region, described in @descs (numbers not yet
 * given); returns how many.
 */
static unsigned int pmdisk_region_label_descs(struct pmdisk_region *region,
					      struct pmdisk_disk_desc *descs,
					      struct pmdisk_extents *used,
					      enum pmdisk_label_state *state)
{
	unsigned int nr = 0;
	struct pmdisk_ns *ns;
	int n, i;

	ns = kcalloc(PMDISK_MAX_NS_PER_REGION, sizeof(*ns), GFP_KERNEL);
	if (!ns)
		return 0;
	n = pmdisk_region_scan(region, ns);
	if (n < 0) {
		pr_err("%s: cannot read the labels (%d): no disks\n", region->name, n);
		*state = PMDISK_LABEL_STATE_ERROR;
	}
	/* every namespace uses its space, whether pmemdisk serves it or not */
	pmdisk_extents_from_ns(used, ns, max(n, 0));
	for (i = 0; i < n; i++) {
		struct pmdisk_disk_desc desc = {
			.offset = ns[i].offset,
			.size = ns[i].size,
			.sector_size = ns[i].lbasize,
			.has_uuid = true,
		};

		import_uuid(&desc.uuid, ns[i].uuid);
		strscpy(desc.name, ns[i].name, sizeof(desc.name));
		memcpy(desc.slot, ns[i].slot, sizeof(desc.slot));
		if (ns[i].claim == PMDISK_CLAIM_BTT || ns[i].claim == PMDISK_CLAIM_BTT2) {
			desc.atomicity = PMDISK_ATOMICITY_BTT;
			desc.btt_claimed = true;
			desc.btt_start = ns[i].claim == PMDISK_CLAIM_BTT2 ?
					 PMDISK_BTT_START_V2_0 : PMDISK_BTT_START_V1_1;
		} else if (ns[i].claim == PMDISK_CLAIM_PFN || ns[i].claim == PMDISK_CLAIM_DAX) {
			desc.dax_claimed = true;
			desc.dax_kind = ns[i].claim == PMDISK_CLAIM_DAX ?
					PMDISK_PFN_DEVDAX : PMDISK_PFN_FSDAX;
		} else if (ns[i].claim != PMDISK_CLAIM_NONE) {
			pr_warn("%s: namespace %pUb \"%s\" is %s, which pmemdisk does not support yet: left untouched\n",
				region->name, ns[i].uuid, ns[i].name,
				pmdisk_claim_name(ns[i].claim));
			continue;
		}
		if (ns[i].lbasize != 512 && ns[i].lbasize != 4096) {
			pr_warn("%s: namespace %pUb \"%s\" has sector size %u (only 512 and 4096 are supported): left untouched\n",
				region->name, ns[i].uuid, ns[i].name, ns[i].lbasize);
			continue;
		}
		descs[nr++] = desc;
	}
	kfree(ns);
	return nr;
}

/*
 * Describe @region's disks in @descs[PMDISK_MAX_NS_PER_REGION] (numbers not
 * yet given) and record the space they use and the region's label state
 * (for listing: under pmdisk_regions_lock, after the I/O); returns how many.
 */
static unsigned int pmdisk_region_descs(struct pmdisk_region *region,
					struct pmdisk_disk_desc *descs)
{
	enum pmdisk_label_state state = PMDISK_LABEL_STATE_ERROR;
	struct pmdisk_extents *used;
	unsigned int n = 0;

	lockdep_assert_held(&pmdisk_ctl_lock);
	used = kzalloc(sizeof(*used), GFP_KERNEL);
	if (!used)
		return 0;
	switch (pmdisk_region_labels(region)) {
	case LABEL_LESS:
		descs[0] = (struct pmdisk_disk_desc) {
			.size = region->size,
			.sector_size = 512,
		};
		state = region->ways ? region->map[0].dimm->label_state :
				       PMDISK_LABEL_STATE_NONE;
		pmdisk_extents_add(used, 0, region->size);
		n = 1;
		break;
	case LABELLED:
		state = region->map[0].dimm->label_state;
		n = pmdisk_region_label_descs(region, descs, used, &state);
		break;
	default:
		pr_warn("%s: its DIMMs' label areas disagree or cannot be read: no disks (initialise the labels to use it)\n",
			region->name);
	}
	mutex_lock(&pmdisk_regions_lock);
	region->label_state = state;
	region->used = *used;
	mutex_unlock(&pmdisk_regions_lock);
	kfree(used);
	return n;
}

void pmdisk_region_make_disks(struct pmdisk_region *region)
{
	struct pmdisk_disk_desc *descs;
	unsigned int i, n;

	descs = kcalloc(PMDISK_MAX_NS_PER_REGION, sizeof(*descs), GFP_KERNEL);
	if (!descs)
		return;
	n = pmdisk_region_descs(region, descs);
	for (i = 0; i < n; i++) {
		int number = pmdisk_disk_number_claim(PMDISK_NUMBER_ANY);

		if (number < 0) {
			pr_err("%s: no number for a disk (%d): not made\n", region->name, number);
			continue;
		}
		descs[i].number = number;
		pmdisk_disk_create(region, &descs[i]);
	}
	kfree(descs);
}

/* The disks a load found, before they get numbers. */
struct pmdisk_found {
	struct pmdisk_region *region;
	struct pmdisk_disk_desc desc;
	bool numbered;
};

/*
 * Number the disks found at load: first every disk whose dirty-shutdown
 * record keeps the number it had (so a disk created or removed earlier in
 * region order does not renumber it), the first claim winning; then the
 * others, region by region, with the lowest numbers left. A disk left
 * without a number (no memory) is not made.
 */
static void pmdisk_number_disks(struct pmdisk_found *found, unsigned int nr)
{
	unsigned int i, kept;
	int number;

	for (i = 0; i < nr; i++) {
		struct pmdisk_disk_desc *d = &found[i].desc;

		if (d->has_uuid &&
		    pmdisk_kept_number(found[i].region, d->uuid.b, &kept) &&
		    pmdisk_disk_number_claim(kept) == kept) {
			d->number = kept;
			found[i].numbered = true;
		}
	}
	for (i = 0; i < nr; i++) {
		if (found[i].numbered)
			continue;
		number = pmdisk_disk_number_claim(PMDISK_NUMBER_ANY);
		if (number < 0) {
			pr_err("%s: no number for a disk (%d): not made\n",
			       found[i].region->name, number);
			continue;
		}
		found[i].desc.number = number;
		found[i].numbered = true;
	}
}

void pmdisk_disks_from_regions(void)
{
	struct pmdisk_disk_desc *descs;
	struct pmdisk_region *region;
	struct pmdisk_found *found = NULL, *more;
	unsigned int i, n, nr = 0;

	descs = kcalloc(PMDISK_MAX_NS_PER_REGION, sizeof(*descs), GFP_KERNEL);
	if (!descs)
		return;
	/* no request can run yet; its lock is what the helpers assert */
	mutex_lock(&pmdisk_ctl_lock);
	list_for_each_entry(region, &pmdisk_regions, list) {
		n = pmdisk_region_descs(region, descs);
		if (!n)
			continue;
		more = krealloc_array(found, nr + n, sizeof(*found), GFP_KERNEL);
		if (!more) {
			pr_err("%s: no memory to describe its disks: none made\n", region->name);
			continue;
		}
		found = more;
		for (i = 0; i < n; i++)
			found[nr++] = (struct pmdisk_found) { region, descs[i], false };
	}
	pmdisk_number_disks(found, nr);
	for (i = 0; i < nr; i++)
		if (found[i].numbered)
			pmdisk_disk_create(found[i].region, &found[i].desc);
	mutex_unlock(&pmdisk_ctl_lock);
	kfree(found);
	kfree(descs);
}

struct pmdisk_disk *pmdisk_region_disk_back(struct pmdisk_region *region, u64 offset,
					    unsigned int number)
{
	struct pmdisk_disk *disk = ERR_PTR(-ENOENT);
	struct pmdisk_disk_desc *descs;
	unsigned int i, n;
	int claimed;

	descs = kcalloc(PMDISK_MAX_NS_PER_REGION, sizeof(*descs), GFP_KERNEL);
	if (!descs)
		return ERR_PTR(-ENOMEM);
	n = pmdisk_region_descs(region, descs);
	for (i = 0; i < n; i++) {
		if (descs[i].offset != offset)
			continue;
		claimed = pmdisk_disk_number_claim(number);
		if (claimed != number)
			claimed = pmdisk_disk_number_claim(PMDISK_NUMBER_ANY);
		if (claimed < 0) {
			disk = ERR_PTR(claimed);
			break;
		}
		descs[i].number = claimed;
		disk = pmdisk_disk_create(region, &descs[i]);
		break;
	}
	kfree(descs);
	return disk;
}
