// SPDX-License-Identifier: GPL-2.0
/*
 * Namespaces from labels: see namespace.h.
 */
#include "namespace.h"

/* Abstraction GUIDs as stored in labels (GUID byte order). */
static const struct {
	enum pmdisk_claim claim;
	u8 guid[16];
} pmdisk_claim_guids[] = {
	/* 8aed63a2-29a2-4c66-8b12-f05d15d3922a */
	{ PMDISK_CLAIM_BTT, { 0xa2, 0x63, 0xed, 0x8a, 0xa2, 0x29, 0x66, 0x4c,
			      0x8b, 0x12, 0xf0, 0x5d, 0x15, 0xd3, 0x92, 0x2a } },
	/* 18633bfc-1735-4217-8ac9-17239282d3f8 */
	{ PMDISK_CLAIM_BTT2, { 0xfc, 0x3b, 0x63, 0x18, 0x35, 0x17, 0x17, 0x42,
			       0x8a, 0xc9, 0x17, 0x23, 0x92, 0x82, 0xd3, 0xf8 } },
	/* 266400ba-fb9f-4677-bcb0-968f11d0d225 */
	{ PMDISK_CLAIM_PFN, { 0xba, 0x00, 0x64, 0x26, 0x9f, 0xfb, 0x77, 0x46,
			      0xbc, 0xb0, 0x96, 0x8f, 0x11, 0xd0, 0xd2, 0x25 } },
	/* 97a86d9c-3cdd-4eda-986f-5068b4f80088 */
	{ PMDISK_CLAIM_DAX, { 0x9c, 0x6d, 0xa8, 0x97, 0xdd, 0x3c, 0xda, 0x4e,
			      0x98, 0x6f, 0x50, 0x68, 0xb4, 0xf8, 0x00, 0x88 } },
};

static const u8 pmdisk_null_guid[16];

enum pmdisk_claim pmdisk_claim_of(const u8 guid[16])
{
	unsigned int i;

	if (!memcmp(guid, pmdisk_null_guid, 16))
		return PMDISK_CLAIM_NONE;
	for (i = 0; i < ARRAY_SIZE(pmdisk_claim_guids); i++)
		if (!memcmp(guid, pmdisk_claim_guids[i].guid, 16))
			return pmdisk_claim_guids[i].claim;
	return PMDISK_CLAIM_UNKNOWN;
}

const char *pmdisk_claim_key(enum pmdisk_claim claim)
{
	static const char *const keys[] = {
		[PMDISK_CLAIM_NONE] = "raw", [PMDISK_CLAIM_BTT] = "btt",
		[PMDISK_CLAIM_BTT2] = "btt2", [PMDISK_CLAIM_PFN] = "fsdax",
		[PMDISK_CLAIM_DAX] = "devdax", [PMDISK_CLAIM_UNKNOWN] = "unknown",
	};

	return claim < ARRAY_SIZE(keys) ? keys[claim] : "unknown";
}

void pmdisk_claim_guid(enum pmdisk_claim claim, u8 guid[16])
{
	unsigned int i;

	memset(guid, 0, 16);
	for (i = 0; i < ARRAY_SIZE(pmdisk_claim_guids); i++)
		if (pmdisk_claim_guids[i].claim == claim)
			memcpy(guid, pmdisk_claim_guids[i].guid, 16);
}

/* Cookie records, laid out as Linux's nfit_set_info and nfit_set_info2. */
struct cookie_rec1 {
	u64 region_offset;
	u32 serial;
	u32 pad;
};

struct cookie_rec2 {
	u64 region_offset;
	u32 serial;
	u16 vendor_id;
	u16 manufacturing_date;
	u8 manufacturing_location;
	u8 reserved[31];
};

static_assert(sizeof(struct cookie_rec1) == 16, "v1.1 cookie record");
static_assert(sizeof(struct cookie_rec2) == 48, "v1.2 cookie record");

/* Both record kinds start with the region offset. */
static int cmp_region_offset(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* The old order: the offsets' bytes compared as memory. */
static int cmp_region_offset_bytes(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(u64));
}

u64 pmdisk_iset_cookie(const struct pmdisk_iset_dimm *dimms, unsigned int ways,
		       enum pmdisk_cookie_kind kind)
{
	struct cookie_rec2 r2[PMDISK_MAX_WAYS];
	struct cookie_rec1 r1[PMDISK_MAX_WAYS];
	unsigned int i;

	if (!ways || ways > PMDISK_MAX_WAYS)
		return 0;
	memset(r1, 0, sizeof(r1));
	memset(r2, 0, sizeof(r2));
	for (i = 0; i < ways; i++) {
		r1[i].region_offset = dimms[i].region_offset;
		r1[i].serial = dimms[i].serial;
		r2[i].region_offset = dimms[i].region_offset;
		r2[i].serial = dimms[i].serial;
		r2[i].vendor_id = dimms[i].vendor_id;
		r2[i].manufacturing_date = dimms[i].manufacturing_date;
		r2[i].manufacturing_location = dimms[i].manufacturing_location;
	}
	switch (kind) {
	case PMDISK_COOKIE_V1_2:
		sort(r2, ways, sizeof(r2[0]), cmp_region_offset, NULL);
		return pmdisk_fletcher64(r2, ways * sizeof(r2[0]), false);
	case PMDISK_COOKIE_ALT:
		sort(r1, ways, sizeof(r1[0]), cmp_region_offset_bytes, NULL);
		return pmdisk_fletcher64(r1, ways * sizeof(r1[0]), false);
	default:
		sort(r1, ways, sizeof(r1[0]), cmp_region_offset, NULL);
		return pmdisk_fletcher64(r1, ways * sizeof(r1[0]), false);
	}
}

/* The labels in use on one DIMM, read once. */
struct dimm_labels {
	struct pmdisk_nslabel *l;
	u32 *slot;
	unsigned int n;
};

/*
 * Read the labels in use on one DIMM (position @pos). A slot marked in use
 * that holds no valid label (its checksum or slot field is wrong: damage)
 * is ignored, as Linux does, and said.
 */
static int read_dimm_labels(struct pmdisk_lsa *lsa, struct dimm_labels *dl,
			    unsigned int pos, pmdisk_ns_note_fn note, void *ctx)
{
	unsigned int used = 0;
	char msg[96];
	int rc;
	u32 s;

	for (s = 0; s < lsa->nslot; s++)
		used += !pmdisk_lsa_slot_free(lsa, s);
	dl->n = 0;
	dl->l = pmdisk_zalloc((used + 1) * sizeof(*dl->l));
	dl->slot = pmdisk_zalloc((used + 1) * sizeof(*dl->slot));
	if (!dl->l || !dl->slot)
		return -ENOMEM;
	for (s = 0; s < lsa->nslot; s++) {
		if (pmdisk_lsa_slot_free(lsa, s))
			continue;
		rc = pmdisk_lsa_read_label(lsa, s, &dl->l[dl->n]);
		if (rc) {
			if (note) {
				snprintf(msg, sizeof(msg),
					 "DIMM %u, slot %u: in use but %s", pos, s,
					 rc == -EINVAL ? "not a valid label (damaged?)" :
							 "unreadable");
				note(ctx, msg);
			}
			continue;
		}
		dl->slot[dl->n++] = s;
	}
	return 0;
}

struct scan {
	struct pmdisk_lsa **lsa;
	const struct pmdisk_iset_dimm *dimms;
	unsigned int ways;
	bool v12;
	u64 cookie, altcookie;
	pmdisk_ns_note_fn note;
	void *ctx;
};

static void scan_note(struct scan *sc, const u8 *uuid, const char *fmt, ...)
{
	char msg[160];
	int len;
	va_list ap;

	if (!sc->note)
		return;
	len = snprintf(msg, sizeof(msg),
		       "label %02x%02x%02x%02x-%02x%02x-...: ",
		       uuid[0], uuid[1], uuid[2], uuid[3], uuid[4], uuid[5]);
	va_start(ap, fmt);
	vsnprintf(msg + len, sizeof(msg) - len, fmt, ap);
	va_end(ap);
	sc->note(sc->ctx, msg);
}

/* Does label @l belong at position @pos of this set? (not its uuid) */
static bool label_fits(struct scan *sc, const struct pmdisk_nslabel *l,
		       unsigned int pos)
{
	u64 cookie = le64_to_cpu(l->isetcookie);

	if (le16_to_cpu(l->nlabel) != sc->ways || le16_to_cpu(l->position) != pos)
		return false;
	if (cookie != sc->cookie && (sc->v12 || cookie != sc->altcookie))
		return false;
	return !sc->v12 || !memcmp(l->type_guid, pmdisk_nfit_pm_guid, 16);
}

/* The DIMM-relative start of label @l, or -1 when it is outside the set. */
static s64 label_dpa_offset(struct scan *sc, const struct pmdisk_nslabel *l,
			    unsigned int pos)
{
	const struct pmdisk_iset_dimm *d = &sc->dimms[pos];
	u64 dpa = le64_to_cpu(l->dpa), raw = le64_to_cpu(l->rawsize);

	if (!raw || dpa < d->dpa || raw > d->size || dpa - d->dpa > d->size - raw)
		return -1;
	return dpa - d->dpa;
}

static bool ranges_overlap(u64 a, u64 alen, u64 b, u64 blen)
{
	return a < b + blen && b < a + alen;
}

/*
 * Add the namespace at @out[@found] to the @found before it, unless it
 * overlaps one of them. An UPDATING set replaces every set without UPDATING
 * that it overlaps: all of them, or two namespaces over the same range
 * would come out (an update may span several old namespaces). Returns the
 * new count.
 */
static unsigned int scan_add(struct scan *sc, struct pmdisk_ns *out,
			     unsigned int found)
{
	struct pmdisk_ns *ns = &out[found];
	unsigned int k, n;

	for (k = 0; k < found; k++) {
		if (!ranges_overlap(out[k].offset, out[k].size, ns->offset, ns->size) ||
		    (ns->updating && !out[k].updating))
			continue;
		scan_note(sc, ns->uuid, ns->updating == out[k].updating ?
			  "overlaps an earlier namespace" :
			  "replaced by the labels of an interrupted update");
		return found;
	}
	/* the others it overlaps, all without UPDATING, make way for it */
	for (k = 0, n = 0; k <= found; k++) {
		if (k < found &&
		    ranges_overlap(out[k].offset, out[k].size, ns->offset, ns->size)) {
			scan_note(sc, out[k].uuid, "replaced by the labels of an interrupted update");
			continue;
		}
		if (n != k)
			out[n] = out[k];
		n++;
	}
	return n;
}

int pmdisk_ns_scan(struct pmdisk_lsa **lsa, const struct pmdisk_iset_dimm *dimms,
		   unsigned int ways, struct pmdisk_ns *out, unsigned int max,
		   pmdisk_ns_note_fn note, void *ctx)
{
	struct dimm_labels dl[PMDISK_MAX_WAYS];
	struct scan sc = {
		.lsa = lsa, .dimms = dimms, .ways = ways, .note = note, .ctx = ctx,
	};
	unsigned int i, p, k, found = 0;
	int rc = 0;

	if (!ways || ways > PMDISK_MAX_WAYS)
		return 0;
	/*
	 * The caller checks versions agree; refuse a mix before reading any
	 * DIMM's labels, which an early return here would leak.
	 */
	for (p = 0; p < ways; p++)
		if (lsa[p]->label_size != lsa[0]->label_size)
			return 0;
	memset(dl, 0, sizeof(dl));
	for (p = 0; p < ways; p++) {
		rc = read_dimm_labels(lsa[p], &dl[p], p, note, ctx);
		if (rc)
			goto out;
	}
	sc.v12 = lsa[0]->label_size == 256;
	sc.cookie = pmdisk_iset_cookie(dimms, ways, sc.v12 ? PMDISK_COOKIE_V1_2 :
						     PMDISK_COOKIE_V1_1);
	sc.altcookie = pmdisk_iset_cookie(dimms, ways, PMDISK_COOKIE_ALT);

	for (i = 0; i < dl[0].n && found < max; i++) {
		const struct pmdisk_nslabel *l0 = &dl[0].l[i];
		struct pmdisk_ns *ns = &out[found];
		s64 off0 = label_dpa_offset(&sc, l0, 0);
		u64 raw = le64_to_cpu(l0->rawsize);
		bool ok = true;

		if (!label_fits(&sc, l0, 0)) {
			if (le16_to_cpu(l0->position) == 0)
				scan_note(&sc, l0->uuid, "does not belong to this interleave set (nlabel, cookie or type)");
			continue;
		}
		if (off0 < 0) {
			scan_note(&sc, l0->uuid, "DPA range lies outside the region");
			continue;
		}
		memset(ns, 0, sizeof(*ns));
		ns->slot[0] = dl[0].slot[i];
		for (p = 0; p < ways && ok; p++) {
			unsigned int matches = 0;

			for (k = 0; k < dl[p].n; k++) {
				const struct pmdisk_nslabel *l = &dl[p].l[k];

				if (memcmp(l->uuid, l0->uuid, 16) || !label_fits(&sc, l, p))
					continue;
				matches++;
				ns->updating |= !!(le32_to_cpu(l->flags) & PMDISK_NSLABEL_UPDATING);
				if (label_dpa_offset(&sc, l, p) != off0 ||
				    le64_to_cpu(l->rawsize) != raw) {
					scan_note(&sc, l0->uuid, "position %u disagrees on DPA or size", p);
					ok = false;
				}
				ns->slot[p] = dl[p].slot[k];
			}
			if (matches != 1) {
				scan_note(&sc, l0->uuid, "%u labels for position %u, need exactly 1%s",
					  matches, p, ns->updating ?
					  " (an update that did not reach its commit point)" : "");
				ok = false;
			}
		}
		if (!ok)
			continue;
		memcpy(ns->uuid, l0->uuid, 16);
		memcpy(ns->name, l0->name, PMDISK_NS_NAME_LEN);
		ns->name[PMDISK_NS_NAME_LEN] = '\0';
		ns->lbasize = le64_to_cpu(l0->lbasize) ? (u32)min_t(u64, le64_to_cpu(l0->lbasize), U32_MAX) : 512;
		ns->offset = (u64)off0 * ways;
		ns->size = raw * ways;
		ns->claim = sc.v12 ? pmdisk_claim_of(l0->abstraction_guid) : PMDISK_CLAIM_NONE;
		found = scan_add(&sc, out, found);
	}
	rc = found;
out:
	for (p = 0; p < ways; p++) {
		pmdisk_free(dl[p].l);
		pmdisk_free(dl[p].slot);
	}
	return rc;
}

/* ---- writing a namespace's labels -------------------------------------- */

enum label_match {
	SAME_UUID,	/* labels with the uuid of the model */
	OVERLAPPING,	/* labels whose DPA range overlaps the model's */
};

/*
 * Collect into @out (room for nslot entries) the slots of @lsa's valid
 * labels that match @model the @how way, except slot @skip. Returns how
 * many, or a negative errno of the medium.
 */
static int find_labels(struct pmdisk_lsa *lsa, const struct pmdisk_nslabel *model,
		       enum label_match how, u32 skip, u32 *out)
{
	u64 dpa = le64_to_cpu(model->dpa), raw = le64_to_cpu(model->rawsize);
	struct pmdisk_nslabel l;
	unsigned int n = 0;
	u32 s;
	int rc;

	for (s = 0; s < lsa->nslot; s++) {
		if (s == skip || pmdisk_lsa_slot_free(lsa, s))
			continue;
		rc = pmdisk_lsa_read_label(lsa, s, &l);
		if (rc == -EINVAL)
			continue;	/* not a label: the scan ignores it too */
		if (rc)
			return rc;
		if (how == SAME_UUID ? !memcmp(l.uuid, model->uuid, 16) :
		    ranges_overlap(le64_to_cpu(l.dpa), le64_to_cpu(l.rawsize), dpa, raw))
			out[n++] = s;
	}
	return n;
}

static u32 *slot_list(const struct pmdisk_lsa *lsa)
{
	return pmdisk_zalloc((lsa->nslot + 1) * sizeof(u32));
}

/* Pass 1 on one DIMM: add @model flagged UPDATING, free its uuid's label. */
static int ns_pass1(struct pmdisk_lsa *lsa, const struct pmdisk_nslabel *model,
		    u32 *slot, bool *replaced)
{
	struct pmdisk_nslabel l = *model;
	u32 *del = slot_list(lsa);
	int n;

	if (!del)
		return -ENOMEM;
	n = find_labels(lsa, model, SAME_UUID, U32_MAX, del);
	if (n >= 0) {
		l.flags = cpu_to_le32(le32_to_cpu(l.flags) | PMDISK_NSLABEL_UPDATING);
		*replaced = n > 0;
		n = pmdisk_lsa_update(lsa, &l, 1, del, n);
		*slot = le32_to_cpu(l.slot);
	}
	pmdisk_free(del);
	return n < 0 ? n : 0;
}

/*
 * Pass 2 on one DIMM, for the label in *@slot: without UPDATING in a new
 * slot (when there is one free), and nothing left overlapping it.
 */
static int ns_pass2(struct pmdisk_lsa *lsa, u32 *slot)
{
	struct pmdisk_nslabel l;
	u32 *del = slot_list(lsa);
	int n, rc;

	if (!del)
		return -ENOMEM;
	rc = pmdisk_lsa_read_label(lsa, *slot, &l);
	if (rc)
		goto out;
	del[0] = *slot;
	n = find_labels(lsa, &l, OVERLAPPING, *slot, del + 1);
	if (n < 0) {
		rc = n;
		goto out;
	}
	if (le32_to_cpu(l.flags) & PMDISK_NSLABEL_UPDATING) {
		l.flags = cpu_to_le32(le32_to_cpu(l.flags) & ~PMDISK_NSLABEL_UPDATING);
		rc = pmdisk_lsa_update(lsa, &l, 1, del, n + 1);
		if (!rc) {
			*slot = le32_to_cpu(l.slot);
			goto out;
		}
		if (rc != -ENOSPC)
			goto out;
		/* no free slot: the UPDATING label stays, and is valid */
	}
	rc = n ? pmdisk_lsa_update(lsa, NULL, 0, del + 1, n) : 0;
out:
	pmdisk_free(del);
	return rc;
}

int pmdisk_ns_write(struct pmdisk_lsa **lsa, unsigned int ways,
		    const struct pmdisk_nslabel *labels, u32 *slot)
{
	bool replaced[PMDISK_MAX_WAYS];
	u32 upd[PMDISK_MAX_WAYS];
	unsigned int p, q;
	int rc = 0, unfinished = 0;

	if (!ways || ways > PMDISK_MAX_WAYS)
		return -EINVAL;
	for (p = 0; p < ways && !rc; p++)
		rc = ns_pass1(lsa[p], &labels[p], &upd[p], &replaced[p]);
	if (rc) {
		/* p - 1 failed; a label that replaced nothing goes again */
		for (q = 0; q + 1 < p; q++)
			if (!replaced[q])
				pmdisk_lsa_update(lsa[q], NULL, 0, &upd[q], 1);
		return rc;
	}
	for (p = 0; p < ways; p++) {
		slot[p] = upd[p];
		if (ns_pass2(lsa[p], &slot[p]))
			unfinished = 1;
	}
	return unfinished ? PMDISK_NS_UNFINISHED : 0;
}

int pmdisk_ns_finish(struct pmdisk_lsa **lsa, unsigned int ways,
		     struct pmdisk_ns *ns)
{
	unsigned int p;
	int rc = 0, err;

	for (p = 0; p < ways && p < PMDISK_MAX_WAYS; p++) {
		err = ns_pass2(lsa[p], &ns->slot[p]);
		if (err)
			rc = err;
	}
	if (!rc)
		ns->updating = false;
	return rc;
}
