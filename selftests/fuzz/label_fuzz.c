// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: label storage areas and the namespaces they describe.
 *
 * Input: three config bytes, then the label area of each DIMM of a 1- or
 * 2-DIMM interleave set, back to back (a short input leaves the rest of an
 * area zero), or in "built" mode a list of labels the harness writes with
 * the core's own writer, which reaches combinations of whole label sets
 * (overlaps, interrupted updates, missing partners) that byte mutations of
 * two areas at once hardly do:
 *
 *   byte 0  bit 0     DIMMs in the set: 1 + bit
 *           bits 1-2  size of each label area: 1, 2, 4 or 8 KiB
 *           bit 3     write: finish interrupted updates, then write a
 *                     namespace with pmdisk_ns_write() and scan again
 *           bit 4     reseal: make every index and v1.2 label checksum
 *                     right, so changed fields are seen, not refused whole
 *           bit 5     poison: reads of a quarter of the last DIMM's area
 *                     (bits 6-7 say which) fail with -EIO
 *   byte 1  the namespace to write: bits 0-2 its DIMM offset (4 MiB units),
 *           bits 3-5 its size per DIMM (4 MiB units, minus one), bit 6 its
 *           sector size, bit 7 reuse the uuid of the first namespace found
 *   byte 2  bit 0 built mode; bit 1 its labels are v1.2
 *
 * A built label is 4 bytes: uuid byte, DIMM offset and size - 1 (MiB, modulo
 * 64), flags: bit 0 UPDATING, bits 1-2 left out on DIMM 0/1, bit 3 wrong
 * position, bit 4 wrong cookie, bit 5 DIMM 1's offset 1 MiB further, bit 6
 * free the slot (uuid byte modulo the slots) instead, bit 7 4096-byte sectors.
 *
 * Loading and scanning must not write (the medium aborts if they do); a
 * scan returns only complete namespaces inside the set that do not overlap;
 * a namespace written without error is found by the next scan.
 */
#include "fuzz.h"
#include "fuzzmedia.h"
#include "../../driver/core/dstate.h"
#include "../../driver/core/namespace.h"

#define MiB		(1ULL << 20)
#define WAYS_MAX	2
#define DIMM_DPA	(16 * MiB)	/* where the set starts on each DIMM */
#define DIMM_SIZE	(64 * MiB)	/* the set's bytes on each DIMM */
#define SCAN_MAX	64		/* more than any area here has slots */

static const u32 lsa_sizes[] = { 1024, 2048, 4096, 8192 };

struct cfg {
	unsigned int ways;
	u32 lsa_size;
	bool write, reseal, poison, built, v12;
	unsigned int quarter;
	u8 ns;
};

#define CFG_BYTES	3

static struct cfg cfg_of(const u8 b[CFG_BYTES])
{
	struct cfg c = {
		.ways = 1 + (b[0] & 1),
		.lsa_size = lsa_sizes[(b[0] >> 1) & 3],
		.write = b[0] & 8,
		.reseal = b[0] & 0x10,
		.poison = b[0] & 0x20,
		.quarter = b[0] >> 6,
		.ns = b[1],
		.built = b[2] & 1,
		.v12 = b[2] & 2,
	};

	return c;
}

/* Checksum the @len bytes at @off on @fm into their field at @csum_off. */
static void seal(struct fuzz_media *fm, u64 off, u32 len, u32 csum_off)
{
	u8 block[PMDISK_NSINDEX_ALIGN * 4];
	__le64 sum;

	if (len > sizeof(block))
		return;
	fuzz_media_peek(fm, off, block, len);
	memset(block + csum_off, 0, sizeof(sum));
	sum = cpu_to_le64(pmdisk_fletcher64(block, len, true));
	fuzz_media_poke(fm, off + csum_off, &sum, sizeof(sum));
}

/*
 * Reseal what a label area's checksums cover: each index block, at the place
 * the geometry of its own label size gives it, and each v1.2 label that
 * names its slot. The fuzzer cannot compute a Fletcher sum; without this it
 * never gets past the checksums to the fields they guard.
 */
static void reseal(struct fuzz_media *fm, u32 size)
{
	struct pmdisk_nsindex ix;
	struct pmdisk_nslabel l;
	u32 lsize, isize, nslot, s;
	unsigned int i;

	for (lsize = 128; lsize <= 256; lsize *= 2) {
		if (pmdisk_lsa_geometry(size, lsize, &isize, &nslot))
			continue;
		for (i = 0; i < 2; i++) {
			fuzz_media_peek(fm, (u64)i * isize, &ix, sizeof(ix));
			if (le16_to_cpu(ix.minor) >= 2 ? 128U << (ix.labelsize & 1) != lsize :
			    lsize != 128)
				continue;
			seal(fm, (u64)i * isize, isize, offsetof(struct pmdisk_nsindex, checksum));
		}
		for (s = 0; lsize == 256 && s < nslot; s++) {
			u64 off = 2ULL * isize + (u64)s * lsize;

			fuzz_media_peek(fm, off, &l, sizeof(l));
			if (le32_to_cpu(l.slot) == s)
				seal(fm, off, lsize, offsetof(struct pmdisk_nslabel, checksum));
		}
	}
}

static void set_geometry(struct pmdisk_iset_dimm *dimms, unsigned int ways)
{
	unsigned int p;

	memset(dimms, 0, ways * sizeof(*dimms));
	for (p = 0; p < ways; p++) {
		dimms[p].region_offset = p * DIMM_SIZE;
		dimms[p].dpa = DIMM_DPA;
		dimms[p].size = DIMM_SIZE;
		dimms[p].serial = 0x5000 + p;
		dimms[p].vendor_id = 0x8086;
		dimms[p].manufacturing_date = 0x1234;
		dimms[p].manufacturing_location = 1;
	}
}

/* The labels of a namespace from its geometry, as the driver builds them. */
static void make_labels(struct pmdisk_nslabel *l, const struct pmdisk_iset_dimm *dimms,
			unsigned int ways, u32 label_size, const u8 uuid[16],
			u64 off, u64 raw, u32 lbasize, u32 flags)
{
	bool v12 = label_size == 256;
	unsigned int p;

	for (p = 0; p < ways; p++) {
		memset(&l[p], 0, sizeof(l[p]));
		memcpy(l[p].uuid, uuid, 16);
		snprintf(l[p].name, sizeof(l[p].name), "fuzz-%02x", uuid[0]);
		l[p].flags = cpu_to_le32(flags);
		l[p].nlabel = cpu_to_le16(ways);
		l[p].position = cpu_to_le16(p);
		l[p].isetcookie = cpu_to_le64(pmdisk_iset_cookie(dimms, ways, v12 ?
					      PMDISK_COOKIE_V1_2 : PMDISK_COOKIE_V1_1));
		l[p].lbasize = cpu_to_le64(lbasize);
		l[p].dpa = cpu_to_le64(dimms[p].dpa + off);
		l[p].rawsize = cpu_to_le64(raw);
		if (v12)
			memcpy(l[p].type_guid, pmdisk_nfit_pm_guid, 16);
	}
}

static void note(void *ctx, const char *msg)
{
	FUZZ_CHECK(strlen(msg) < 160, "note too long");
}

/* What label.h promises of a loaded area, and every slot read back. */
static void check_lsa(struct pmdisk_lsa *lsa, bool poisoned)
{
	struct pmdisk_nslabel l;
	u32 s, used = 0;
	int rc;

	FUZZ_CHECK(lsa->label_size == 128 || lsa->label_size == 256, "label size %u",
		   lsa->label_size);
	FUZZ_CHECK(lsa->nslot >= 2 && 2ULL * lsa->index_size +
		   (u64)lsa->nslot * lsa->label_size <= lsa->size, "%u slots do not fit",
		   lsa->nslot);
	FUZZ_CHECK(lsa->seq >= 1 && lsa->seq <= 3 && lsa->active <= 1, "index state");
	for (s = 0; s < lsa->nslot + 2; s++) {
		rc = pmdisk_lsa_read_label(lsa, s, &l);
		FUZZ_CHECK(rc == 0 || rc == -ENOENT || rc == -EINVAL ||
			   (poisoned && rc == -EIO), "read_label %d", rc);
		FUZZ_CHECK(s < lsa->nslot || rc == -ENOENT, "a label past nslot");
		used += !pmdisk_lsa_slot_free(lsa, s);
	}
	FUZZ_CHECK(used == pmdisk_lsa_used(lsa), "used count");
}

/*
 * The dirty-shutdown records in the area's tail, when its index leaves one:
 * whatever the bytes, load keeps to the table, and an attach where there is
 * room succeeds and counts at most once.
 */
static void check_dstate(struct fuzz_media *fm, struct pmdisk_lsa *lsa, bool poisoned)
{
	struct pmdisk_dstate *ds;
	u8 uuid[16] = { 0x5a, 0xa5 };
	u32 count, before = 0;
	bool dirty, known;
	u64 off;
	int rc;

	if (pmdisk_dstate_locate(lsa, &off))
		return;
	FUZZ_CHECK(off + PMDISK_DSTATE_SIZE == lsa->size &&
		   off >= 2ULL * lsa->index_size + (u64)lsa->nslot * lsa->label_size,
		   "records at %llu overlap the slots", (unsigned long long)off);
	ds = calloc(1, sizeof(*ds));
	if (!ds)
		abort();
	rc = pmdisk_dstate_load(ds, &fm->media, off);
	FUZZ_CHECK(rc == 0 || (poisoned && rc == -EIO), "dstate_load returned %d", rc);
	if (!rc) {
		FUZZ_CHECK(ds->nr <= PMDISK_DSTATE_MAX_RECS, "%u records", ds->nr);
		known = pmdisk_dstate_detach(ds, uuid);
		if (known) {
			pmdisk_dstate_attach(ds, uuid, &before, &dirty);
			pmdisk_dstate_detach(ds, uuid);
		}
		if (pmdisk_dstate_room(ds, uuid)) {
			rc = pmdisk_dstate_attach(ds, uuid, &count, &dirty);
			FUZZ_CHECK(!rc && !dirty && count == before,
				   "attach after a clean detach: %d, dirty %d, %u -> %u",
				   rc, dirty, before, count);
			pmdisk_dstate_attach(ds, uuid, &count, &dirty);
			FUZZ_CHECK(dirty && (count == before + 1 || count == U32_MAX),
				   "second attach counted %u -> %u", before, count);
		}
	}
	free(ds);
}

static bool overlap(const struct pmdisk_ns *a, const struct pmdisk_ns *b)
{
	return a->offset < b->offset + b->size && b->offset < a->offset + a->size;
}

/* Scan into an array of exactly @max, so ASan sees any write past it. */
static int scan(struct pmdisk_lsa **lsap, const struct pmdisk_iset_dimm *dimms,
		unsigned int ways, unsigned int max, struct pmdisk_ns *copy)
{
	struct pmdisk_ns *ns = malloc(max * sizeof(*ns));
	int n, i, j;
	unsigned int p;

	if (!ns)
		abort();
	n = pmdisk_ns_scan(lsap, dimms, ways, ns, max, note, NULL);
	FUZZ_CHECK(n >= 0 && (unsigned int)n <= max, "scan returned %d (max %u)", n, max);
	for (i = 0; i < n; i++) {
		FUZZ_CHECK(strlen(ns[i].name) <= PMDISK_NS_NAME_LEN, "name");
		FUZZ_CHECK(ns[i].lbasize, "sector size 0");
		FUZZ_CHECK(ns[i].size && ns[i].size % ways == 0 && ns[i].offset % ways == 0 &&
			   ns[i].offset + ns[i].size <= ways * DIMM_SIZE,
			   "namespace %d [0x%llx + 0x%llx] outside the set", i,
			   (unsigned long long)ns[i].offset, (unsigned long long)ns[i].size);
		for (p = 0; p < ways; p++)
			FUZZ_CHECK(!pmdisk_lsa_slot_free(lsap[p], ns[i].slot[p]),
				   "namespace %d: slot %u of DIMM %u is free", i,
				   ns[i].slot[p], p);
		for (j = 0; j < i; j++)
			FUZZ_CHECK(!overlap(&ns[i], &ns[j]),
				   "namespaces %d [0x%llx + 0x%llx]%s and %d [0x%llx + 0x%llx]%s overlap",
				   j, (unsigned long long)ns[j].offset,
				   (unsigned long long)ns[j].size,
				   ns[j].updating ? " (updating)" : "", i,
				   (unsigned long long)ns[i].offset,
				   (unsigned long long)ns[i].size,
				   ns[i].updating ? " (updating)" : "");
	}
	if (copy)
		memcpy(copy, ns, n * sizeof(*ns));
	free(ns);
	return n;
}

/* Finish interrupted updates, write one namespace, and look for it. */
static void write_and_rescan(struct fuzz_media *fm, struct pmdisk_lsa *lsa,
			     struct pmdisk_lsa **lsap, const struct pmdisk_iset_dimm *dimms,
			     const struct cfg *c, struct pmdisk_ns *found, int n)
{
	struct pmdisk_nslabel labels[WAYS_MAX];
	u64 off = (c->ns & 7) * 4 * MiB, raw = (((c->ns >> 3) & 7) + 1) * 4 * MiB;
	u8 uuid[16];
	u32 slot[WAYS_MAX];
	unsigned int p;
	int i, rc, hits;

	for (p = 0; p < c->ways; p++)
		fm[p].readonly = false;
	for (i = 0; i < n; i++) {
		if (!found[i].updating)
			continue;
		rc = pmdisk_ns_finish(lsap, c->ways, &found[i]);
		FUZZ_CHECK(rc <= 0, "finish returned %d", rc);
	}
	memset(uuid, 0xf5, sizeof(uuid));
	if ((c->ns & 0x80) && n)
		memcpy(uuid, found[0].uuid, sizeof(uuid));
	make_labels(labels, dimms, c->ways, lsa[0].label_size, uuid, off, raw,
		    c->ns & 0x40 ? 4096 : 512, 0);
	rc = pmdisk_ns_write(lsap, c->ways, labels, slot);
	FUZZ_CHECK(rc == 0 || rc == PMDISK_NS_UNFINISHED || rc == -ENOSPC ||
		   (c->poison && rc == -EIO), "ns_write returned %d", rc);

	/* what the next load finds */
	for (p = 0; p < c->ways; p++) {
		int err;

		pmdisk_lsa_release(&lsa[p]);
		fm[p].readonly = true;
		err = pmdisk_lsa_load(&lsa[p], &fm[p].media);
		if (err && c->poison)
			return;
		FUZZ_CHECK(!err, "area %u lost its index (%d)", p, err);
		check_lsa(&lsa[p], c->poison);
	}
	n = scan(lsap, dimms, c->ways, SCAN_MAX, found);
	if (rc || c->poison)
		return;	/* unreadable labels are skipped: it may be missing */
	for (i = 0, hits = 0; i < n; i++) {
		if (memcmp(found[i].uuid, uuid, 16))
			continue;
		hits++;
		FUZZ_CHECK(found[i].offset == off * c->ways && found[i].size == raw * c->ways,
			   "written namespace found at [0x%llx + 0x%llx]",
			   (unsigned long long)found[i].offset,
			   (unsigned long long)found[i].size);
	}
	FUZZ_CHECK(hits == 1, "written namespace found %d times", hits);
}

/* Built mode: fresh areas, then the labels the input lists, one by one. */
static void build(struct fuzz_media *fm, const struct pmdisk_iset_dimm *dimms,
		  const struct cfg *c, struct fuzz_in *in)
{
	struct pmdisk_lsa lsa[WAYS_MAX];
	struct pmdisk_nslabel l[WAYS_MAX];
	unsigned int p;
	u8 uuid[16];

	for (p = 0; p < c->ways; p++)
		if (pmdisk_lsa_init(&fm[p].media, c->v12 ? PMDISK_LABEL_V1_2 : PMDISK_LABEL_V1_1, 0) ||
		    pmdisk_lsa_load(&lsa[p], &fm[p].media))
			abort();
	while (in->n >= 4) {
		u8 tag = fuzz_u8(in), off = fuzz_u8(in) % 64, raw = fuzz_u8(in) % 64 + 1;
		u8 flags = fuzz_u8(in);

		memset(uuid, tag, sizeof(uuid));
		make_labels(l, dimms, c->ways, lsa[0].label_size, uuid, off * MiB, raw * MiB,
			    flags & 0x80 ? 4096 : 512,
			    flags & 1 ? PMDISK_NSLABEL_UPDATING : 0);
		for (p = 0; p < c->ways; p++) {
			u32 slot = tag % lsa[p].nslot;

			if (flags & 0x40) {
				if (!pmdisk_lsa_slot_free(&lsa[p], slot))
					pmdisk_lsa_update(&lsa[p], NULL, 0, &slot, 1);
				continue;
			}
			if (flags & (2 << p))
				continue;
			if (flags & 8)
				l[p].position = cpu_to_le16(c->ways - p);
			if (flags & 0x10)
				l[p].isetcookie ^= cpu_to_le64(1);
			if ((flags & 0x20) && p == 1)
				l[p].dpa = cpu_to_le64(le64_to_cpu(l[p].dpa) + MiB);
			pmdisk_lsa_update(&lsa[p], &l[p], 1, NULL, 0);	/* full: skipped */
		}
	}
	for (p = 0; p < c->ways; p++)
		pmdisk_lsa_release(&lsa[p]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pmdisk_iset_dimm dimms[WAYS_MAX];
	struct pmdisk_lsa lsa[WAYS_MAX], *lsap[WAYS_MAX];
	struct fuzz_media fm[WAYS_MAX];
	struct pmdisk_ns found[SCAN_MAX];
	unsigned int p, loaded = 0;
	struct cfg c;
	int rc, n;

	if (size < CFG_BYTES)
		return 0;
	c = cfg_of(data);
	data += CFG_BYTES;
	size -= CFG_BYTES;
	set_geometry(dimms, c.ways);
	for (p = 0; p < c.ways; p++) {
		u64 at = (u64)p * c.lsa_size;
		u64 len = at < size && !c.built ? min_t(u64, size - at, c.lsa_size) : 0;

		if (fuzz_media_init(&fm[p], data + (len ? at : 0), len, c.lsa_size))
			abort();
	}
	if (c.built) {
		struct fuzz_in in = { data, size };

		build(fm, dimms, &c, &in);
	}
	for (p = 0; p < c.ways; p++) {
		if (c.reseal)
			reseal(&fm[p], c.lsa_size);
		if (c.poison && p == c.ways - 1) {
			fm[p].poison_off = c.quarter * (c.lsa_size / 4);
			fm[p].poison_len = c.lsa_size / 4;
		}
		fm[p].readonly = true;
		lsap[p] = &lsa[p];
		rc = pmdisk_lsa_load(&lsa[p], &fm[p].media);
		FUZZ_CHECK(rc == 0 || rc == -ENODEV || (c.poison && rc == -EIO),
			   "lsa_load returned %d", rc);
		if (rc)
			continue;
		check_lsa(&lsa[p], c.poison);
		check_dstate(&fm[p], &lsa[p], c.poison);
		loaded++;
	}
	if (loaded == c.ways) {
		/* areas of different label sizes: the scan refuses them itself */
		scan(lsap, dimms, c.ways, 1, NULL);
		n = scan(lsap, dimms, c.ways, SCAN_MAX, found);
		if (c.write && lsa[c.ways - 1].label_size == lsa[0].label_size)
			write_and_rescan(fm, lsa, lsap, dimms, &c, found, n);
	}
	for (p = 0; p < c.ways; p++) {
		pmdisk_lsa_release(&lsa[p]);
		fuzz_media_free(&fm[p]);
	}
	return 0;
}

/* ---- seeds: label areas as the driver and ndctl write them --------------- */

struct seed_ns {
	u8 tag;			/* uuid bytes; 0 ends the list */
	u64 off, raw;		/* on each DIMM */
	bool updating;		/* only the labels of pass 1, as a cut leaves them */
};

/* 8 KiB areas get pmemdisk's tail of dirty-shutdown records, as init-labels makes. */
static u32 seed_tail(u32 lsa_size)
{
	return lsa_size >= 8192 ? PMDISK_DSTATE_SIZE : 0;
}

/* Two records, one left attached, so both copies hold a table. */
static void seed_records(struct fuzz_media *fm, struct pmdisk_lsa *lsa)
{
	struct pmdisk_dstate *ds = calloc(1, sizeof(*ds));
	u8 uuid[16] = { 0x5a, 0xa5 };
	u32 count;
	bool dirty;
	u64 off;

	if (!ds || pmdisk_dstate_locate(lsa, &off) ||
	    pmdisk_dstate_format(ds, &fm->media, off))
		abort();
	pmdisk_dstate_attach(ds, uuid, &count, &dirty);
	uuid[0]++;
	pmdisk_dstate_attach(ds, uuid, &count, &dirty);
	pmdisk_dstate_detach(ds, uuid);
	if (pmdisk_dstate_store(ds))
		abort();
	free(ds);
}

static void seed(struct fuzz_seeder *s, const char *name, u8 cfg0, u8 cfg1,
		 enum pmdisk_label_version v, const struct seed_ns *nss)
{
	u8 b[CFG_BYTES] = { cfg0, cfg1, 0 };
	struct cfg c = cfg_of(b);
	struct pmdisk_iset_dimm dimms[WAYS_MAX];
	struct pmdisk_lsa lsa[WAYS_MAX], *lsap[WAYS_MAX];
	struct pmdisk_nslabel labels[WAYS_MAX];
	struct fuzz_media fm[WAYS_MAX];
	size_t len = CFG_BYTES + (size_t)c.ways * c.lsa_size;
	u8 *buf = calloc(1, len), uuid[16];
	u32 slot[WAYS_MAX];
	unsigned int p;

	if (!buf)
		abort();
	memcpy(buf, b, CFG_BYTES);
	set_geometry(dimms, c.ways);
	for (p = 0; p < c.ways; p++) {
		lsap[p] = &lsa[p];
		if (fuzz_media_init(&fm[p], NULL, 0, c.lsa_size) ||
		    (v && (pmdisk_lsa_init(&fm[p].media, v, seed_tail(c.lsa_size)) ||
			   pmdisk_lsa_load(&lsa[p], &fm[p].media))))
			abort();
		if (v && seed_tail(c.lsa_size))
			seed_records(&fm[p], &lsa[p]);
	}
	for (; v && nss->tag; nss++) {
		memset(uuid, nss->tag, sizeof(uuid));
		make_labels(labels, dimms, c.ways, lsa[0].label_size, uuid, nss->off,
			    nss->raw, 4096, nss->updating ? PMDISK_NSLABEL_UPDATING : 0);
		for (p = 0; p < c.ways && nss->updating; p++)
			if (pmdisk_lsa_update(&lsa[p], &labels[p], 1, NULL, 0))
				abort();
		if (!nss->updating && pmdisk_ns_write(lsap, c.ways, labels, slot))
			abort();
	}
	for (p = 0; p < c.ways; p++) {
		fuzz_media_peek(&fm[p], 0, buf + CFG_BYTES + p * c.lsa_size, c.lsa_size);
		if (v)
			pmdisk_lsa_release(&lsa[p]);
		fuzz_media_free(&fm[p]);
	}
	s->seed(s, name, buf, len);
	free(buf);
}

/* A built-mode seed: config, then 4-byte labels (see the top). */
static void seed_built(struct fuzz_seeder *s, const char *name, u8 cfg0, u8 cfg1,
		       bool v12, const u8 *labels, size_t len)
{
	u8 buf[CFG_BYTES + 64] = { cfg0, cfg1, 1 | (v12 ? 2 : 0) };

	memcpy(buf + CFG_BYTES, labels, len);
	s->seed(s, name, buf, CFG_BYTES + len);
}

void fuzz_seeds(struct fuzz_seeder *s)
{
	/* 0x11 and 0x22 side by side, 0x33 replacing 0x22, cut after pass 1 */
	static const u8 reset_id[] = {
		0x11, 0, 7, 0x80,  0x22, 8, 7, 0x80,  0x33, 8, 7, 0x81,
	};
	/* a partner missing, a wrong cookie, a wrong position, a freed slot */
	static const u8 broken[] = {
		0x41, 0, 3, 0x04,  0x42, 4, 3, 0x10,  0x43, 8, 3, 0x08,
		0x44, 12, 3, 0x20,  0x45, 16, 3, 0x00,  0x01, 0, 0, 0x40,
	};

	static const struct seed_ns one[] = {
		{ 0x11, 0, 16 * MiB, false }, { 0 },
	};
	static const struct seed_ns three[] = {
		{ 0x11, 0, 8 * MiB, false }, { 0x22, 8 * MiB, 8 * MiB, false },
		{ 0x33, 16 * MiB, 4 * MiB, false }, { 0 },
	};
	/* an update of 0x11 under a new uuid, cut after its pass 1 */
	static const struct seed_ns cut[] = {
		{ 0x11, 0, 8 * MiB, false }, { 0x22, 8 * MiB, 8 * MiB, false },
		{ 0x44, 4 * MiB, 8 * MiB, true }, { 0 },
	};

	/* mostly resealed (0x10): mutations of any field count from the start */
	seed(s, "blank-1way-1k", 0x00, 0x00, 0, one);
	seed(s, "v1.1-1way-1k", 0x18, 0x09, PMDISK_LABEL_V1_1, one);
	seed(s, "v1.2-1way-2k", 0x0a, 0x4a, PMDISK_LABEL_V1_2, one);
	seed(s, "v1.1-2way-4k", 0x1d, 0x80, PMDISK_LABEL_V1_1, three);
	seed(s, "v1.2-2way-8k", 0x1f, 0x1b, PMDISK_LABEL_V1_2, three);
	seed(s, "v1.2-2way-8k-cut", 0x1f, 0x92, PMDISK_LABEL_V1_2, cut);
	seed(s, "v1.1-1way-8k-cut", 0x16, 0x00, PMDISK_LABEL_V1_1, cut);
	seed(s, "v1.2-2way-2k-empty", 0x1b, 0x3f, PMDISK_LABEL_V1_2, one + 1);
	seed(s, "v1.1-2way-4k-poisoned", 0xbd, 0x80, PMDISK_LABEL_V1_1, three);
	seed_built(s, "built-v1.2-2way-reset-id", 0x0f, 0x12, true, reset_id,
		   sizeof(reset_id));
	seed_built(s, "built-v1.1-2way-broken", 0x0b, 0x00, false, broken, sizeof(broken));
	seed_built(s, "built-v1.1-1way-reset-id", 0x08, 0x80, false, reset_id,
		   sizeof(reset_id));
}
