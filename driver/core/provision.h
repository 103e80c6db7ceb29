/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Provisioning decisions: where a new namespace goes in a region, how large
 * it must be for the disk asked for, which BTT or DAX layout and claim it
 * gets; and which namespace extents a region has after a label update,
 * whether the update succeeded or failed.
 *
 * The rule after a failure is one: believe the media. A label write that
 * returned an error may have landed whole, in part or not at all, so the
 * extents are then read back from the label areas, exactly as a fresh load
 * reads them. What the caller believes about a region is therefore always
 * what a load of the same media would find.
 *
 * Part of the portable core: builds into pmemdisk.ko, pmemctl and host tests.
 */
#ifndef _PMDISK_CORE_PROVISION_H
#define _PMDISK_CORE_PROVISION_H

#include "namespace.h"
#include "pfn.h"

/* The most namespaces a region holds (and a scan returns). */
#define PMDISK_MAX_NS_PER_REGION	64

/* Disks are placed and sized in multiples of this per DIMM of the region. */
#define PMDISK_ALIGN_PER_DIMM		SZ_2M

enum pmdisk_atomicity {
	PMDISK_ATOMICITY_NONE,		/* raw: a torn write may mix old and new */
	PMDISK_ATOMICITY_BTT,		/* every sector write is atomic */
};

/* A byte range of a region. */
struct pmdisk_extent {
	u64 offset;
	u64 size;
};

/* The namespaces' extents of one region, sorted by offset. */
struct pmdisk_extents {
	unsigned int n;
	struct pmdisk_extent e[PMDISK_MAX_NS_PER_REGION];
};

/* Record [@offset, @offset + @size); -ENOSPC when the table is full. */
int pmdisk_extents_add(struct pmdisk_extents *x, u64 offset, u64 size);
/* Forget the extent at @offset, if there is one. */
void pmdisk_extents_del(struct pmdisk_extents *x, u64 offset);
/* Whether an extent starts at @offset. */
bool pmdisk_extents_has(const struct pmdisk_extents *x, u64 offset);
/* The extents of the @n namespaces @ns (any order). */
void pmdisk_extents_from_ns(struct pmdisk_extents *x, const struct pmdisk_ns *ns,
			    unsigned int n);

/*
 * The free gaps of a region of @size bytes around @x, in order:
 *   struct pmdisk_gap_iter it = {};
 *   while (pmdisk_next_gap(x, size, &it, &gap)) ...
 */
struct pmdisk_gap_iter {
	unsigned int i;		/* the next extent */
	u64 at;			/* where the last one ended */
};

bool pmdisk_next_gap(const struct pmdisk_extents *x, u64 size,
		     struct pmdisk_gap_iter *it, struct pmdisk_extent *gap);

/*
 * Where @size bytes fit in a region of @region_size bytes around @x: the
 * first free gap with room for them at a start where start + @phase is a
 * multiple of @align (@phase 0: aligned in the region; the region's base:
 * aligned in physical memory). *@max_extent gets the largest such size
 * that fits anywhere. Returns whether @size fits.
 */
bool pmdisk_place(const struct pmdisk_extents *x, u64 region_size, u64 size,
		  u64 align, u64 phase, u64 *offset, u64 *max_extent);

/*
 * Where a BTT goes on a namespace: a BTT 2.0 at 0 when v1.2 labels name it
 * (with the BTT2 claim), else a BTT 1.1 at 4 KiB (v1.1 labels, label-less).
 */
u64 pmdisk_btt_start_for(bool v1_2_labels);

/* What a new disk is to be. */
enum pmdisk_prov_mode {
	PMDISK_PROV_RAW,
	PMDISK_PROV_BTT,
	PMDISK_PROV_FSDAX,
	PMDISK_PROV_DEVDAX,
};

/* The region a disk is planned on. */
struct pmdisk_prov_region {
	u64 base;			/* physical address (DAX alignment) */
	u64 size;
	unsigned int ways;
	enum pmdisk_label_version labels;
	const struct pmdisk_extents *used;
};

/* A create request, validated. */
struct pmdisk_prov_req {
	enum pmdisk_prov_mode mode;
	u64 disk_size;			/* usable bytes asked for */
	u32 sector_size;		/* 512 or 4096 */
	u64 dax_align;			/* devdax page size; 0: 2 MiB */
	enum pmdisk_pfn_map map;	/* DAX: where the page map lives */
	u8 pfn_uuid[16];		/* DAX: the new info block's own uuid */
};

/* The decision for a create. */
struct pmdisk_prov_plan {
	u64 offset, size;		/* the namespace in the region */
	u64 actual;			/* bytes the disk will have (>= asked) */
	u64 max_extent;			/* the largest that fits (for NO_SPACE) */
	u64 align;			/* what offset and size are multiples of */
	enum pmdisk_atomicity atomicity;
	u64 btt_start;			/* BTT: PMDISK_BTT_START_V1_1 or _V2_0 */
	bool btt_claimed;		/* the labels carry the BTT2 GUID */
	bool dax;
	enum pmdisk_pfn_kind dax_kind;
	bool dax_claimed;		/* the labels carry the PFN or DAX GUID */
	struct pmdisk_pfn_layout layout;	/* DAX: the info block to write */
};

/*
 * Plan a new disk on @r: sizing (rounded up, never down: a BTT's map and
 * spare blocks, a DAX info block and page map come on top of @q's size),
 * placement and claim. Returns 0, or -ENOSPC with @p->max_extent set.
 */
int pmdisk_prov_plan(const struct pmdisk_prov_region *r,
		     const struct pmdisk_prov_req *q, struct pmdisk_prov_plan *p);

/* The claim class the v1.2 labels of a namespace with @p's kind carry. */
enum pmdisk_claim pmdisk_prov_claim(enum pmdisk_atomicity atomicity, u64 btt_start,
				    bool dax_claimed, enum pmdisk_pfn_kind dax_kind);

/* A namespace as its labels are to describe it. */
struct pmdisk_prov_ns {
	u8 uuid[16];
	char name[PMDISK_NS_NAME_LEN + 1];
	u32 sector_size;
	u64 offset, size;		/* in the region */
	enum pmdisk_claim claim;	/* v1.2 labels: the abstraction GUID */
};

/*
 * The labels of @ns on the @ways DIMMs @dimms of its set, @labels[p] for
 * position p, with the interleave-set cookie labels of @label_size bytes
 * (128: v1.1, 256: v1.2) carry. Slot, flags and checksum are left to
 * pmdisk_ns_write().
 */
void pmdisk_prov_labels(struct pmdisk_nslabel *labels,
			const struct pmdisk_iset_dimm *dimms, unsigned int ways,
			u32 label_size, const struct pmdisk_prov_ns *ns);

/*
 * The label areas of one region while provisioning changes them: @lsa[p]
 * loaded for position p, @used what the caller believes, kept equal to
 * what a load of the media would find.
 */
struct pmdisk_prov_labels {
	struct pmdisk_lsa **lsa;
	const struct pmdisk_iset_dimm *dimms;
	unsigned int ways;
	struct pmdisk_extents *used;
	int reread_error;	/* set by pmdisk_prov_reread(): 0 or why it failed */
};

/*
 * Write the labels of the namespace at [@offset, @offset + @size), new or
 * replacing the one there (pmdisk_ns_write(): the old state or the new one
 * after a power cut). On success @used gains the extent and @slot[] names
 * the labels. On a failure the extents are read back from the media
 * (pmdisk_prov_reread()). Returns pmdisk_ns_write()'s result.
 */
int pmdisk_prov_write(struct pmdisk_prov_labels *s, const struct pmdisk_nslabel *labels,
		      u32 *slot, u64 offset, u64 size);

/*
 * Delete the namespace at @offset whose labels are in @slot[p], DIMM by
 * DIMM (the first deletion is the commit point: the set is incomplete from
 * then on). On success @used loses the extent; on a failure the extents
 * are read back. Returns 0 or a negative errno.
 */
int pmdisk_prov_delete(struct pmdisk_prov_labels *s, const u32 *slot, u64 offset);

/*
 * Reload every label area from its medium and rebuild @used from the
 * namespaces a scan finds, as a load would. Returns 0, or a negative errno
 * (also left in @reread_error) when an area cannot be read back: @used is
 * then empty, as a load finds nothing it can use there.
 */
int pmdisk_prov_reread(struct pmdisk_prov_labels *s);

#endif /* _PMDISK_CORE_PROVISION_H */
