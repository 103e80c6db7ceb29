/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Namespaces from labels: which labels on the DIMMs of an interleave set
 * together describe a namespace, and where it lies in the region. The rules
 * are Linux libnvdimm's, so a namespace made by ndctl is found here and one
 * made here is found by Linux.
 *
 * Part of the portable core: builds into pmemdisk.ko and into host tests.
 */
#ifndef _PMDISK_CORE_NAMESPACE_H
#define _PMDISK_CORE_NAMESPACE_H

#include "label.h"
#include "nfit.h"

/* One DIMM of an interleave set, as the firmware describes it. */
struct pmdisk_iset_dimm {
	u64 region_offset;	/* NFIT memdev region offset */
	u64 dpa;		/* start of the set's range on this DIMM */
	u64 size;		/* bytes of the set on this DIMM */
	u32 serial;		/* NFIT DCR fields, as stored */
	u16 vendor_id;
	u16 manufacturing_date;
	u8 manufacturing_location;
};

enum pmdisk_cookie_kind {
	PMDISK_COOKIE_V1_1,	/* for v1.1 labels */
	PMDISK_COOKIE_V1_2,	/* for v1.2 labels */
	PMDISK_COOKIE_ALT,	/* old v1.1 sort order, accepted on read */
};

/*
 * The interleave-set cookie labels must carry: Fletcher-64 over one record
 * per DIMM (region offset, serial, and for v1.2 vendor and manufacturing
 * data), the records sorted by region offset.
 */
u64 pmdisk_iset_cookie(const struct pmdisk_iset_dimm *dimms, unsigned int ways,
		       enum pmdisk_cookie_kind kind);

/* Claim classes: what the abstraction GUID of a v1.2 label asks for. */
enum pmdisk_claim {
	PMDISK_CLAIM_NONE,	/* raw */
	PMDISK_CLAIM_BTT,	/* BTT 1.1 */
	PMDISK_CLAIM_BTT2,	/* BTT 2.0 (UEFI) */
	PMDISK_CLAIM_PFN,	/* fsdax */
	PMDISK_CLAIM_DAX,	/* devdax */
	PMDISK_CLAIM_UNKNOWN,
};

enum pmdisk_claim pmdisk_claim_of(const u8 guid[16]);
/* @claim as pmemctl prints it: "raw", "btt", "btt2", "fsdax", "devdax", "unknown". */
const char *pmdisk_claim_key(enum pmdisk_claim claim);
/* The abstraction GUID a label of @claim carries (all zero for NONE). */
void pmdisk_claim_guid(enum pmdisk_claim claim, u8 guid[16]);

#define PMDISK_NS_NAME_LEN	64

/* A namespace found on an interleave set. */
struct pmdisk_ns {
	u8 uuid[16];
	char name[PMDISK_NS_NAME_LEN + 1];	/* always NUL-terminated */
	u32 lbasize;			/* 512 or 4096 (0 in a label means 512) */
	u64 offset;			/* of its data in the region */
	u64 size;			/* bytes: rawsize of each DIMM x ways */
	enum pmdisk_claim claim;
	bool updating;			/* a label of it says UPDATING */
	u32 slot[PMDISK_MAX_WAYS];	/* its label's slot on each DIMM */
};

typedef void (*pmdisk_ns_note_fn)(void *ctx, const char *msg);

/*
 * Find the namespaces on an interleave set of @ways DIMMs whose label
 * areas are @lsa[i] (position order) and whose geometry is @dimms[i].
 * Every DIMM must hold a valid index of the same label size. Labels that do
 * not form a complete, consistent set (a position missing or repeated, a
 * wrong cookie or type, a DPA range outside the set or unlike its
 * partners', an overlap with an earlier namespace) are skipped with a note.
 * One exception to the overlap rule: a complete set with UPDATING labels
 * is an update past its commit point (see pmdisk_ns_write()) and wins over
 * every set without them that it overlaps, which it was about to replace;
 * the namespaces returned never overlap.
 * Returns the number of namespaces written to @out (at most @max).
 */
int pmdisk_ns_scan(struct pmdisk_lsa **lsa, const struct pmdisk_iset_dimm *dimms,
		   unsigned int ways, struct pmdisk_ns *out, unsigned int max,
		   pmdisk_ns_note_fn note, void *ctx);

/* pmdisk_ns_write(): the new labels stand, their second pass did not end */
#define PMDISK_NS_UNFINISHED	1

/*
 * Write the labels of one namespace, @labels[p] for position p (slot,
 * flags and checksum are filled in here), to the label areas @lsa[p] of
 * the @ways DIMMs of its set by the two-phase protocol of UEFI 2.7 that
 * Linux follows, one atomic index update per DIMM and pass:
 *
 *   pass 1, DIMM by DIMM: add the label with UPDATING set, and free the
 *     label of the same uuid there (the one it replaces, if any);
 *   pass 2, DIMM by DIMM: add it again without UPDATING, and free the
 *     UPDATING copy and every other label whose DPA range overlaps it (the
 *     labels of the namespace it replaces under another uuid, and
 *     leftovers of an interrupted update).
 *
 * A power cut leaves the old state or the new one. A new uuid (create,
 * reset-id) commits when pass 1 ends on the last DIMM: before, its set is
 * incomplete and ignored; after, it is complete and wins over the set it
 * overlaps. Under the same uuid, each DIMM's pass-1 update replaces its
 * label in place of the old one, and the position-0 label speaks for the
 * set, as in Linux. @slot[p] gets each new label's slot. Each DIMM needs
 * two free slots.
 *
 * Returns 0; PMDISK_NS_UNFINISHED when pass 2 failed on a DIMM (the new
 * labels stand; pmdisk_ns_finish() completes it later); or a negative
 * errno when pass 1 failed, after taking back the labels it added under a
 * new uuid (best effort), so the old state stands.
 */
int pmdisk_ns_write(struct pmdisk_lsa **lsa, unsigned int ways,
		    const struct pmdisk_nslabel *labels, u32 *slot);

/*
 * Finish an interrupted pmdisk_ns_write() of the namespace @ns that
 * pmdisk_ns_scan() found with UPDATING labels: pass 2 on every DIMM
 * (@ns->slot[] follows). A DIMM without a free slot keeps its UPDATING
 * label, which is valid; what it overlaps is freed all the same. Returns
 * 0 or a negative errno.
 */
int pmdisk_ns_finish(struct pmdisk_lsa **lsa, unsigned int ways,
		     struct pmdisk_ns *ns);

#endif /* _PMDISK_CORE_NAMESPACE_H */
