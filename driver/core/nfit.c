// SPDX-License-Identifier: GPL-2.0
/*
 * ACPI NFIT parser: see nfit.h.
 *
 * Structural damage (a length that is zero, too short for its type, or runs
 * past the table) makes the whole table untrustworthy, because the next
 * structure is found through this one's length: such a table is refused.
 * A semantically bad entry (an empty or overlapping range, an unknown type)
 * is skipped with a note and the rest of the table is used.
 */
#include "nfit.h"

/* 66f0d379-b4f3-4074-ac43-0d3318b78cdb, in ACPI (mixed-endian) byte order */
const u8 pmdisk_nfit_pm_guid[16] = {
	0x79, 0xd3, 0xf0, 0x66, 0xf3, 0xb4, 0x74, 0x40,
	0xac, 0x43, 0x0d, 0x33, 0x18, 0xb7, 0x8c, 0xdb,
};

struct nfit_parse {
	struct pmdisk_nfit *out;	/* NULL when assembling regions */
	pmdisk_note_fn note;
	void *ctx;
};

static void nfit_note(struct nfit_parse *p, bool fatal, const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	if (p->out)
		p->out->nr_notes++;
	if (!p->note)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	p->note(p->ctx, fatal, msg);
}

/* Unaligned little-endian loads: structures sit at any byte offset. */
static u16 get_le16(const void *p)
{
	__le16 v;

	memcpy(&v, p, sizeof(v));
	return le16_to_cpu(v);
}

static u32 get_le32(const void *p)
{
	__le32 v;

	memcpy(&v, p, sizeof(v));
	return le32_to_cpu(v);
}

static u64 get_le64(const void *p)
{
	__le64 v;

	memcpy(&v, p, sizeof(v));
	return le64_to_cpu(v);
}

#define FIELD(base, type, field) ((const u8 *)(base) + offsetof(type, field))
#define LE16(base, type, field) get_le16(FIELD(base, type, field))
#define LE32(base, type, field) get_le32(FIELD(base, type, field))
#define LE64(base, type, field) get_le64(FIELD(base, type, field))

static bool ranges_overlap(u64 a, u64 alen, u64 b, u64 blen)
{
	return a < b + blen && b < a + alen;
}

static int parse_spa(struct nfit_parse *p, const u8 *s, unsigned int len,
		     unsigned int off)
{
	struct pmdisk_nfit *n = p->out;
	struct pmdisk_nfit_spa *spa;
	unsigned int i;
	u16 flags = LE16(s, struct pmdisk_nfit_spa_raw, flags);

	if ((flags & PMDISK_NFIT_SPA_COOKIE_VALID) && len < PMDISK_NFIT_SPA_COOKIE_SIZE) {
		nfit_note(p, true, "SPA range at offset %u claims a location cookie but is only %u bytes",
			  off, len);
		return -EINVAL;
	}
	if (n->nr_spa == PMDISK_NFIT_MAX_SPA) {
		nfit_note(p, true, "more than %d SPA ranges", PMDISK_NFIT_MAX_SPA);
		return -EINVAL;
	}
	spa = &n->spa[n->nr_spa];
	spa->index = LE16(s, struct pmdisk_nfit_spa_raw, range_index);
	spa->flags = flags;
	spa->proximity_domain = LE32(s, struct pmdisk_nfit_spa_raw, proximity_domain);
	spa->is_pmem = !memcmp(FIELD(s, struct pmdisk_nfit_spa_raw, range_guid),
			       pmdisk_nfit_pm_guid, sizeof(pmdisk_nfit_pm_guid));
	spa->base = LE64(s, struct pmdisk_nfit_spa_raw, address);
	spa->size = LE64(s, struct pmdisk_nfit_spa_raw, length);
	spa->memory_mapping = LE64(s, struct pmdisk_nfit_spa_raw, memory_mapping);
	spa->usable = true;

	if (!spa->index) {
		nfit_note(p, true, "SPA range at offset %u has index 0, which is reserved", off);
		return -EINVAL;
	}
	for (i = 0; i < n->nr_spa; i++) {
		if (n->spa[i].index == spa->index) {
			nfit_note(p, true, "SPA range index %u appears twice", spa->index);
			return -EINVAL;
		}
	}
	n->nr_spa++;

	if (!spa->size || spa->base + spa->size < spa->base) {
		nfit_note(p, false, "SPA range %u [0x%llx + 0x%llx] is empty or wraps: skipped",
			  spa->index, (unsigned long long)spa->base,
			  (unsigned long long)spa->size);
		spa->usable = false;
		return 0;
	}
	for (i = 0; i + 1 < n->nr_spa; i++) {
		const struct pmdisk_nfit_spa *o = &n->spa[i];

		if (o->usable && ranges_overlap(o->base, o->size, spa->base, spa->size)) {
			nfit_note(p, false, "SPA range %u [0x%llx-0x%llx] overlaps range %u: skipped",
				  spa->index, (unsigned long long)spa->base,
				  (unsigned long long)(spa->base + spa->size - 1), o->index);
			spa->usable = false;
			return 0;
		}
	}
	return 0;
}

static int parse_memdev(struct nfit_parse *p, const u8 *s)
{
	struct pmdisk_nfit *n = p->out;
	struct pmdisk_nfit_memdev *m;

	if (n->nr_memdev == PMDISK_NFIT_MAX_MEMDEV) {
		nfit_note(p, true, "more than %d memory device maps", PMDISK_NFIT_MAX_MEMDEV);
		return -EINVAL;
	}
	m = &n->memdev[n->nr_memdev++];
	m->handle = LE32(s, struct pmdisk_nfit_memdev_raw, device_handle);
	m->physical_id = LE16(s, struct pmdisk_nfit_memdev_raw, physical_id);
	m->region_id = LE16(s, struct pmdisk_nfit_memdev_raw, region_id);
	m->spa_index = LE16(s, struct pmdisk_nfit_memdev_raw, range_index);
	m->dcr_index = LE16(s, struct pmdisk_nfit_memdev_raw, region_index);
	m->region_size = LE64(s, struct pmdisk_nfit_memdev_raw, region_size);
	m->region_offset = LE64(s, struct pmdisk_nfit_memdev_raw, region_offset);
	m->dpa = LE64(s, struct pmdisk_nfit_memdev_raw, address);
	m->interleave_index = LE16(s, struct pmdisk_nfit_memdev_raw, interleave_index);
	m->interleave_ways = LE16(s, struct pmdisk_nfit_memdev_raw, interleave_ways);
	m->flags = LE16(s, struct pmdisk_nfit_memdev_raw, flags);
	return 0;
}

static int parse_dcr(struct nfit_parse *p, const u8 *s)
{
	struct pmdisk_nfit *n = p->out;
	struct pmdisk_nfit_dcr *d;
	unsigned int i;
	u16 index = LE16(s, struct pmdisk_nfit_dcr_raw, region_index);

	for (i = 0; i < n->nr_dcr; i++) {
		if (n->dcr[i].index == index) {
			nfit_note(p, true, "control region index %u appears twice", index);
			return -EINVAL;
		}
	}
	if (n->nr_dcr == PMDISK_NFIT_MAX_DCR) {
		nfit_note(p, true, "more than %d control regions", PMDISK_NFIT_MAX_DCR);
		return -EINVAL;
	}
	d = &n->dcr[n->nr_dcr++];
	d->index = index;
	d->vendor_id = LE16(s, struct pmdisk_nfit_dcr_raw, vendor_id);
	d->device_id = LE16(s, struct pmdisk_nfit_dcr_raw, device_id);
	d->revision_id = LE16(s, struct pmdisk_nfit_dcr_raw, revision_id);
	d->subsystem_vendor_id = LE16(s, struct pmdisk_nfit_dcr_raw, subsystem_vendor_id);
	d->subsystem_device_id = LE16(s, struct pmdisk_nfit_dcr_raw, subsystem_device_id);
	d->subsystem_revision_id = LE16(s, struct pmdisk_nfit_dcr_raw, subsystem_revision_id);
	d->valid_fields = *FIELD(s, struct pmdisk_nfit_dcr_raw, valid_fields);
	d->manufacturing_location = *FIELD(s, struct pmdisk_nfit_dcr_raw, manufacturing_location);
	d->manufacturing_date = LE16(s, struct pmdisk_nfit_dcr_raw, manufacturing_date);
	d->serial_number = LE32(s, struct pmdisk_nfit_dcr_raw, serial_number);
	d->code = LE16(s, struct pmdisk_nfit_dcr_raw, code);
	return 0;
}

static int parse_flush(struct nfit_parse *p, const u8 *s, unsigned int len,
		       unsigned int off)
{
	struct pmdisk_nfit *n = p->out;
	struct pmdisk_nfit_flush *f;
	u16 count = LE16(s, struct pmdisk_nfit_flush_raw, hint_count);
	unsigned int i;

	if (len < sizeof(struct pmdisk_nfit_flush_raw) + 8u * count) {
		nfit_note(p, true, "flush hint structure at offset %u lists %u hints in %u bytes",
			  off, count, len);
		return -EINVAL;
	}
	if (n->nr_flush == PMDISK_NFIT_MAX_FLUSH) {
		nfit_note(p, true, "more than %d flush hint structures", PMDISK_NFIT_MAX_FLUSH);
		return -EINVAL;
	}
	f = &n->flush[n->nr_flush++];
	f->handle = LE32(s, struct pmdisk_nfit_flush_raw, device_handle);
	f->nr_hints = count;
	f->nr_kept = min_t(u16, count, PMDISK_NFIT_MAX_HINTS);
	for (i = 0; i < f->nr_kept; i++)
		f->hints[i] = get_le64(s + sizeof(struct pmdisk_nfit_flush_raw) + 8 * i);
	return 0;
}

/* The smallest length a structure of @type may have; 0 for unknown types. */
static unsigned int min_length(u16 type)
{
	switch (type) {
	case PMDISK_NFIT_SPA:	return sizeof(struct pmdisk_nfit_spa_raw);
	case PMDISK_NFIT_MEMDEV:	return sizeof(struct pmdisk_nfit_memdev_raw);
	case PMDISK_NFIT_DCR:	return sizeof(struct pmdisk_nfit_dcr_raw);
	case PMDISK_NFIT_FLUSH:	return sizeof(struct pmdisk_nfit_flush_raw);
	case PMDISK_NFIT_CAPS:	return sizeof(struct pmdisk_nfit_caps_raw);
	case PMDISK_NFIT_IDT:	return 16;
	case PMDISK_NFIT_SMBIOS:	return 8;
	case PMDISK_NFIT_BDW:	return 40;
	default:		return 0;
	}
}

int pmdisk_nfit_parse(const void *table, size_t len, struct pmdisk_nfit *out,
		   pmdisk_note_fn note, void *ctx)
{
	struct nfit_parse p = { .out = out, .note = note, .ctx = ctx };
	const u8 *t = table;
	u32 end, off;
	u8 sum = 0;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (len < PMDISK_NFIT_HEADER_SIZE || memcmp(t, "NFIT", 4)) {
		nfit_note(&p, true, "not an NFIT: %zu bytes, signature %s", len,
			  len >= 4 && !memcmp(t, "NFIT", 4) ? "NFIT" : "wrong");
		return -EINVAL;
	}
	end = get_le32(t + PMDISK_NFIT_LENGTH_OFFSET);
	if (end < PMDISK_NFIT_HEADER_SIZE || end > len) {
		nfit_note(&p, true, "NFIT header says %u bytes, %zu available", end, len);
		return -EINVAL;
	}
	for (off = 0; off < end; off++)
		sum += t[off];
	if (sum)
		nfit_note(&p, false, "NFIT checksum is wrong (sum 0x%02x); parsing it anyway", sum);

	for (off = PMDISK_NFIT_HEADER_SIZE; off < end && !rc; ) {
		unsigned int slen, need;
		u16 type;

		if (end - off < sizeof(struct pmdisk_nfit_sub)) {
			nfit_note(&p, true, "truncated structure header at offset %u", off);
			return -EINVAL;
		}
		type = get_le16(t + off);
		slen = get_le16(t + off + 2);
		if (slen < sizeof(struct pmdisk_nfit_sub)) {
			nfit_note(&p, true, "structure type %u at offset %u has length %u",
				  type, off, slen);
			return -EINVAL;
		}
		if (slen > end - off) {
			nfit_note(&p, true, "structure type %u at offset %u (%u bytes) runs past the table end (%u)",
				  type, off, slen, end);
			return -EINVAL;
		}
		need = min_length(type);
		if (slen < need) {
			nfit_note(&p, true, "structure type %u at offset %u is %u bytes, its type needs %u",
				  type, off, slen, need);
			return -EINVAL;
		}

		switch (type) {
		case PMDISK_NFIT_SPA:
			rc = parse_spa(&p, t + off, slen, off);
			break;
		case PMDISK_NFIT_MEMDEV:
			rc = parse_memdev(&p, t + off);
			break;
		case PMDISK_NFIT_DCR:
			rc = parse_dcr(&p, t + off);
			break;
		case PMDISK_NFIT_FLUSH:
			rc = parse_flush(&p, t + off, slen, off);
			break;
		case PMDISK_NFIT_CAPS:
			out->has_caps = true;
			out->capabilities = LE32(t + off, struct pmdisk_nfit_caps_raw, capabilities);
			break;
		case PMDISK_NFIT_IDT:
		case PMDISK_NFIT_SMBIOS:
		case PMDISK_NFIT_BDW:
			break;	/* block-window era and SMBIOS: not used */
		default:
			nfit_note(&p, false, "unknown structure type %u at offset %u: skipped",
				  type, off);
			break;
		}
		off += slen;
	}
	return rc;
}

static int cmp_by_region_offset(const void *a, const void *b)
{
	const struct pmdisk_nfit_mapping *x = a, *y = b;

	if (x->memdev->region_offset != y->memdev->region_offset)
		return x->memdev->region_offset < y->memdev->region_offset ? -1 : 1;
	return 0;
}

int pmdisk_nfit_region(const struct pmdisk_nfit *nfit, unsigned int spa_i,
		    struct pmdisk_nfit_region *r, pmdisk_note_fn note, void *ctx)
{
	struct nfit_parse p = { .note = note, .ctx = ctx };
	const struct pmdisk_nfit_spa *spa;
	unsigned int i, j;
	u64 covered = 0;

	memset(r, 0, sizeof(*r));
	if (spa_i >= nfit->nr_spa)
		return -ENOENT;
	spa = &nfit->spa[spa_i];
	if (!spa->is_pmem || !spa->usable)
		return -ENOENT;
	r->spa = spa;

	for (i = 0; i < nfit->nr_memdev; i++) {
		const struct pmdisk_nfit_memdev *m = &nfit->memdev[i];
		struct pmdisk_nfit_mapping *map;

		if (m->spa_index != spa->index)
			continue;
		if (r->ways == PMDISK_MAX_WAYS) {
			nfit_note(&p, true, "SPA range %u: more than %d DIMMs", spa->index,
				  PMDISK_MAX_WAYS);
			return -EINVAL;
		}
		map = &r->map[r->ways++];
		map->memdev = m;
		for (j = 0; j < nfit->nr_dcr; j++)
			if (nfit->dcr[j].index == m->dcr_index)
				map->dcr = &nfit->dcr[j];
		for (j = 0; j < nfit->nr_flush; j++)
			if (nfit->flush[j].handle == m->handle)
				map->flush = &nfit->flush[j];
		if (!map->dcr) {
			nfit_note(&p, true, "SPA range %u: DIMM 0x%x names control region %u, which does not exist",
				  spa->index, m->handle, m->dcr_index);
			return -EINVAL;
		}
		r->flags |= m->flags;
		covered += m->region_size;
	}
	if (!r->ways) {
		nfit_note(&p, true, "SPA range %u has no DIMM mapped to it", spa->index);
		return -EINVAL;
	}
	for (i = 0; i < r->ways; i++) {
		if (r->map[i].memdev->interleave_ways != r->ways) {
			nfit_note(&p, true, "SPA range %u: DIMM 0x%x says %u-way interleave, %u DIMMs are mapped",
				  spa->index, r->map[i].memdev->handle,
				  r->map[i].memdev->interleave_ways, r->ways);
			return -EINVAL;
		}
	}
	if (covered != spa->size) {
		nfit_note(&p, true, "SPA range %u is 0x%llx bytes but its DIMMs map 0x%llx",
			  spa->index, (unsigned long long)spa->size,
			  (unsigned long long)covered);
		return -EINVAL;
	}
	/* Position in the set is the order of region offsets, as in Linux. */
	sort(r->map, r->ways, sizeof(r->map[0]), cmp_by_region_offset, NULL);
	return 0;
}

void pmdisk_nfit_dimm_id(const struct pmdisk_nfit_dcr *dcr, char *buf, size_t len)
{
	u16 vendor = be16_to_cpu((__force __be16)cpu_to_le16(dcr->vendor_id));
	u32 serial = be32_to_cpu((__force __be32)cpu_to_le32(dcr->serial_number));

	if (dcr->valid_fields & PMDISK_NFIT_DCR_MFG_VALID)
		snprintf(buf, len, "%04x-%02x-%04x-%08x", vendor,
			 dcr->manufacturing_location,
			 be16_to_cpu((__force __be16)cpu_to_le16(dcr->manufacturing_date)),
			 serial);
	else
		snprintf(buf, len, "%04x-%08x", vendor, serial);
}
