// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: the NFIT parser. The input is the whole table, as firmware
 * hands it over; every usable range is then assembled into a region.
 *
 * Beyond "no crash", what nfit.h promises is checked: the return values,
 * counts within the limits, and a region that is returned really is a
 * complete interleave set (every DIMM with its control region, as many
 * DIMMs as each says, sizes adding up, in region-offset order).
 */
#include "fuzz.h"
#include "../../driver/core/nfit.h"

static void note(void *ctx, bool fatal, const char *msg)
{
	unsigned int *n = ctx;

	FUZZ_CHECK(strlen(msg) < 160, "note too long");
	(*n)++;
}

static void check_region(const struct pmdisk_nfit *nfit, unsigned int i,
			 const struct pmdisk_nfit_region *r)
{
	u64 covered = 0;
	unsigned int w;
	char id[32];

	FUZZ_CHECK(r->spa == &nfit->spa[i], "region %u names another range", i);
	FUZZ_CHECK(r->spa->is_pmem && r->spa->usable, "region %u: range not usable pmem", i);
	FUZZ_CHECK(r->ways >= 1 && r->ways <= PMDISK_MAX_WAYS, "%u ways", r->ways);
	for (w = 0; w < r->ways; w++) {
		const struct pmdisk_nfit_mapping *m = &r->map[w];

		FUZZ_CHECK(m->memdev && m->dcr, "position %u without memdev or dcr", w);
		FUZZ_CHECK(m->memdev->spa_index == r->spa->index, "memdev of another range");
		FUZZ_CHECK(m->memdev->interleave_ways == r->ways, "ways disagree");
		FUZZ_CHECK(m->dcr->index == m->memdev->dcr_index, "wrong control region");
		FUZZ_CHECK(!m->flush || m->flush->handle == m->memdev->handle, "wrong hints");
		FUZZ_CHECK(!m->flush || m->flush->nr_kept <= PMDISK_NFIT_MAX_HINTS, "hints");
		FUZZ_CHECK(!w || r->map[w - 1].memdev->region_offset <= m->memdev->region_offset,
			   "positions not in region-offset order");
		covered += m->memdev->region_size;
		pmdisk_nfit_dimm_id(m->dcr, id, sizeof(id));
		FUZZ_CHECK(strlen(id) < sizeof(id), "dimm id");
	}
	FUZZ_CHECK(covered == r->spa->size, "DIMMs map 0x%llx of 0x%llx",
		   (unsigned long long)covered, (unsigned long long)r->spa->size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pmdisk_nfit *nfit = malloc(sizeof(*nfit));
	struct pmdisk_nfit_region r;
	unsigned int i, notes = 0;
	int rc;

	if (!nfit)
		return 0;
	rc = pmdisk_nfit_parse(data, size, nfit, note, &notes);
	FUZZ_CHECK(rc == 0 || rc == -EINVAL, "parse returned %d", rc);
	FUZZ_CHECK(rc == 0 || notes, "a refusal without a note");
	if (!rc) {
		FUZZ_CHECK(nfit->nr_spa <= PMDISK_NFIT_MAX_SPA &&
			   nfit->nr_memdev <= PMDISK_NFIT_MAX_MEMDEV &&
			   nfit->nr_dcr <= PMDISK_NFIT_MAX_DCR &&
			   nfit->nr_flush <= PMDISK_NFIT_MAX_FLUSH, "counts past the limits");
		for (i = 0; i <= nfit->nr_spa; i++) {
			rc = pmdisk_nfit_region(nfit, i, &r, note, &notes);
			FUZZ_CHECK(rc == 0 || rc == -ENOENT || rc == -EINVAL,
				   "region %u returned %d", i, rc);
			FUZZ_CHECK(i < nfit->nr_spa || rc == -ENOENT, "region past the ranges");
			if (!rc)
				check_region(nfit, i, &r);
		}
	}
	free(nfit);
	return 0;
}

/* ---- seeds: tables as QEMU and real firmware lay them out --------------- */

struct tbl {
	u8 buf[4096];
	size_t len;
};

static void *tbl_add(struct tbl *t, u16 type, u16 len)
{
	struct pmdisk_nfit_sub *h = (struct pmdisk_nfit_sub *)(t->buf + t->len);

	memset(h, 0, len);
	h->type = cpu_to_le16(type);
	h->length = cpu_to_le16(len);
	t->len += len;
	return h;
}

static void tbl_start(struct tbl *t)
{
	memset(t, 0, sizeof(*t));
	memcpy(t->buf, "NFIT", 4);
	t->buf[8] = 1;		/* revision */
	t->len = PMDISK_NFIT_HEADER_SIZE;
}

/* Fill in the header's length and make the bytes sum to zero. */
static void tbl_emit(struct fuzz_seeder *s, struct tbl *t, const char *name)
{
	__le32 len = cpu_to_le32(t->len);
	u8 sum = 0;
	size_t i;

	memcpy(t->buf + PMDISK_NFIT_LENGTH_OFFSET, &len, sizeof(len));
	t->buf[9] = 0;
	for (i = 0; i < t->len; i++)
		sum += t->buf[i];
	t->buf[9] = -sum;
	s->seed(s, name, t->buf, t->len);
}

static void add_spa(struct tbl *t, u16 index, u64 base, u64 size, bool pmem,
		    bool cookie)
{
	struct pmdisk_nfit_spa_raw *spa =
		tbl_add(t, PMDISK_NFIT_SPA, cookie ? PMDISK_NFIT_SPA_COOKIE_SIZE : sizeof(*spa));

	spa->range_index = cpu_to_le16(index);
	spa->flags = cpu_to_le16(cookie ? PMDISK_NFIT_SPA_COOKIE_VALID : 0);
	if (pmem)
		memcpy(spa->range_guid, pmdisk_nfit_pm_guid, 16);
	spa->address = cpu_to_le64(base);
	spa->length = cpu_to_le64(size);
}

static void add_dimm(struct tbl *t, u32 handle, u16 spa, u64 size, u64 offset,
		     u16 ways, u16 hints)
{
	struct pmdisk_nfit_memdev_raw *m = tbl_add(t, PMDISK_NFIT_MEMDEV, sizeof(*m));
	struct pmdisk_nfit_dcr_raw *d;
	struct pmdisk_nfit_flush_raw *f;
	u16 i;

	m->device_handle = cpu_to_le32(handle);
	m->range_index = cpu_to_le16(spa);
	m->region_index = cpu_to_le16(handle + 1);
	m->region_size = cpu_to_le64(size);
	m->region_offset = cpu_to_le64(offset);
	m->interleave_ways = cpu_to_le16(ways);
	d = tbl_add(t, PMDISK_NFIT_DCR, 80);
	d->region_index = cpu_to_le16(handle + 1);
	d->vendor_id = cpu_to_le16(0x8086);
	d->device_id = cpu_to_le16(1);
	d->valid_fields = PMDISK_NFIT_DCR_MFG_VALID;
	d->serial_number = cpu_to_le32(0x123456 + handle);
	if (!hints)
		return;
	f = tbl_add(t, PMDISK_NFIT_FLUSH, sizeof(*f) + 8 * hints);
	f->device_handle = cpu_to_le32(handle);
	f->hint_count = cpu_to_le16(hints);
	for (i = 0; i < hints; i++) {
		__le64 a = cpu_to_le64(0xfee00000ULL + 0x1000 * handle + 64 * i);

		memcpy((u8 *)f + sizeof(*f) + 8 * i, &a, 8);
	}
}

static void add_caps(struct tbl *t, u32 caps)
{
	struct pmdisk_nfit_caps_raw *c = tbl_add(t, PMDISK_NFIT_CAPS, sizeof(*c));

	c->highest_capability = 1;
	c->capabilities = cpu_to_le32(caps);
}

void fuzz_seeds(struct fuzz_seeder *s)
{
	struct tbl t;

	/* QEMU: one range per DIMM, no hints, no capabilities */
	tbl_start(&t);
	add_spa(&t, 1, 0x140000000ULL, 1ULL << 30, true, false);
	add_dimm(&t, 1, 1, 1ULL << 30, 0, 1, 0);
	add_spa(&t, 2, 0x180000000ULL, 512ULL << 20, true, false);
	add_dimm(&t, 2, 2, 512ULL << 20, 0, 1, 0);
	tbl_emit(s, &t, "qemu-two-dimms");

	/* a 2-way interleave set with hints, location cookies, eADR */
	tbl_start(&t);
	add_spa(&t, 1, 0x100000000ULL, 2ULL << 30, true, true);
	add_dimm(&t, 0x1001, 1, 1ULL << 30, 1ULL << 30, 2, 2);
	add_dimm(&t, 0x0001, 1, 1ULL << 30, 0, 2, 9);
	add_caps(&t, PMDISK_NFIT_CAP_CPU_CACHE_FLUSH | PMDISK_NFIT_CAP_MEM_CTRL_FLUSH);
	tbl_emit(s, &t, "interleaved-2way");

	/* a volatile range, an overlap and a block-window era structure */
	tbl_start(&t);
	add_spa(&t, 1, 0x100000000ULL, 1ULL << 30, false, false);
	add_spa(&t, 2, 0x200000000ULL, 1ULL << 30, true, false);
	add_dimm(&t, 3, 2, 1ULL << 30, 0, 1, 1);
	add_spa(&t, 3, 0x220000000ULL, 1ULL << 30, true, false);
	tbl_add(&t, PMDISK_NFIT_BDW, 40);
	tbl_add(&t, 0x42, 8);
	tbl_emit(s, &t, "mixed");

	tbl_start(&t);
	tbl_emit(s, &t, "empty");
}
