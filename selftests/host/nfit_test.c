// SPDX-License-Identifier: GPL-2.0
/*
 * The NFIT parser, fed with crafted tables: QEMU-like and interleaved sets
 * give the right regions; truncated, zero-length, too-short and overlapping
 * structures are refused or skipped with a message that says which; random
 * damage never crashes it (the test binary runs under ASan and UBSan).
 */
#include <stdlib.h>

#include "kselftest_harness.h"
#include "../../driver/core/nfit.h"

/* ---- building tables ------------------------------------------------- */

struct tbl {
	u8 buf[8192];
	size_t len;
};

static void *tbl_add(struct tbl *t, u16 type, u16 len)
{
	u8 *s = t->buf + t->len;
	__le16 v;

	memset(s, 0, len);
	v = cpu_to_le16(type);
	memcpy(s, &v, 2);
	v = cpu_to_le16(len);
	memcpy(s + 2, &v, 2);
	t->len += len;
	return s;
}

static void tbl_init(struct tbl *t)
{
	memset(t, 0, sizeof(*t));
	memcpy(t->buf, "NFIT", 4);
	t->len = PMDISK_NFIT_HEADER_SIZE;
}

/* Set the header length and checksum; returns the length. */
static size_t tbl_finish(struct tbl *t)
{
	__le32 len = cpu_to_le32((u32)t->len);
	u8 sum = 0;
	size_t i;

	memcpy(t->buf + 4, &len, 4);
	t->buf[9] = 0;
	for (i = 0; i < t->len; i++)
		sum += t->buf[i];
	t->buf[9] = (u8)-sum;
	return t->len;
}

static const u8 pm_guid[16] = {
	0x79, 0xd3, 0xf0, 0x66, 0xf3, 0xb4, 0x74, 0x40,
	0xac, 0x43, 0x0d, 0x33, 0x18, 0xb7, 0x8c, 0xdb,
};

static void add_spa(struct tbl *t, u16 index, u64 base, u64 size, bool pmem)
{
	struct pmdisk_nfit_spa_raw *s = tbl_add(t, PMDISK_NFIT_SPA, sizeof(*s));

	s->range_index = cpu_to_le16(index);
	if (pmem)
		memcpy(s->range_guid, pm_guid, 16);
	else
		memset(s->range_guid, 0x11, 16);
	s->address = cpu_to_le64(base);
	s->length = cpu_to_le64(size);
}

static void add_memdev(struct tbl *t, u32 handle, u16 spa, u16 dcr, u64 size,
		       u64 offset, u16 ways, u16 flags)
{
	struct pmdisk_nfit_memdev_raw *m = tbl_add(t, PMDISK_NFIT_MEMDEV, sizeof(*m));

	m->device_handle = cpu_to_le32(handle);
	m->range_index = cpu_to_le16(spa);
	m->region_index = cpu_to_le16(dcr);
	m->region_size = cpu_to_le64(size);
	m->region_offset = cpu_to_le64(offset);
	m->interleave_ways = cpu_to_le16(ways);
	m->flags = cpu_to_le16(flags);
}

/* QEMU's control region: vendor 0x8086, device 1, rev 1, serial 0x123456+slot */
static void add_dcr(struct tbl *t, u16 index, u32 serial)
{
	struct pmdisk_nfit_dcr_raw *d = tbl_add(t, PMDISK_NFIT_DCR, 80);

	d->region_index = cpu_to_le16(index);
	d->vendor_id = cpu_to_le16(0x8086);
	d->device_id = cpu_to_le16(1);
	d->revision_id = cpu_to_le16(1);
	d->serial_number = cpu_to_le32(serial);
	d->code = cpu_to_le16(0x301);
}

static void add_flush(struct tbl *t, u32 handle, u16 count)
{
	struct pmdisk_nfit_flush_raw *f = tbl_add(t, PMDISK_NFIT_FLUSH, 16 + 8 * count);
	u16 i;

	f->device_handle = cpu_to_le32(handle);
	f->hint_count = cpu_to_le16(count);
	for (i = 0; i < count; i++) {
		__le64 a = cpu_to_le64(0xfee00000ULL + 64 * i + handle * 0x1000);

		memcpy((u8 *)f + 16 + 8 * i, &a, 8);
	}
}

static void add_caps(struct tbl *t, u32 caps)
{
	struct pmdisk_nfit_caps_raw *c = tbl_add(t, PMDISK_NFIT_CAPS, sizeof(*c));

	c->highest_capability = 1;
	c->capabilities = cpu_to_le32(caps);
}

/* ---- collecting notes ------------------------------------------------- */

struct notes {
	char text[2048];
	int fatal, warn;
};

static void collect(void *ctx, bool fatal, const char *msg)
{
	struct notes *n = ctx;
	size_t l = strlen(n->text);

	snprintf(n->text + l, sizeof(n->text) - l, "%s%s\n", fatal ? "E: " : "W: ", msg);
	if (fatal)
		n->fatal++;
	else
		n->warn++;
}

FIXTURE(nfit) {
	struct tbl t;
	struct pmdisk_nfit *n;
	struct pmdisk_nfit_region r;
	struct notes notes;
};

FIXTURE_SETUP(nfit)
{
	tbl_init(&self->t);
	self->n = calloc(1, sizeof(*self->n));
	ASSERT_NE(NULL, self->n);
	memset(&self->notes, 0, sizeof(self->notes));
}

FIXTURE_TEARDOWN(nfit)
{
	free(self->n);
}

#define PARSE() pmdisk_nfit_parse(self->t.buf, tbl_finish(&self->t), self->n, collect, &self->notes)

/* ---- tests ------------------------------------------------------------ */

TEST_F(nfit, qemu_like_table_gives_one_region_per_dimm)
{
	char id[32];
	int i;

	for (i = 0; i < 2; i++) {
		add_spa(&self->t, 2 + i, 0x100000000ULL + (i << 30), 1 << 30, true);
		add_memdev(&self->t, i + 1, 2 + i, 3 + i, 1 << 30, 0, 1, 0);
		add_dcr(&self->t, 3 + i, 0x123456 + i + 1);
	}
	ASSERT_EQ(0, PARSE()) TH_LOG("%s", self->notes.text);
	EXPECT_EQ(0, self->n->nr_notes);
	EXPECT_EQ(2, self->n->nr_spa);
	EXPECT_FALSE(self->n->has_caps);
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, pmdisk_nfit_region(self->n, i, &self->r, collect, &self->notes));
		EXPECT_EQ(0x100000000ULL + ((u64)i << 30), self->r.spa->base);
		EXPECT_EQ(1ULL << 30, self->r.spa->size);
		EXPECT_EQ(1, self->r.ways);
		EXPECT_EQ(i + 1, self->r.map[0].memdev->handle);
		EXPECT_EQ(0x8086, self->r.map[0].dcr->vendor_id);
		EXPECT_EQ(NULL, self->r.map[0].flush);
	}
	pmdisk_nfit_dimm_id(self->r.map[0].dcr, id, sizeof(id));
	EXPECT_STREQ("8680-58341200", id);	/* as ndctl shows QEMU's nmem1 */
}

TEST_F(nfit, interleaved_set_orders_dimms_by_region_offset)
{
	int i;

	add_spa(&self->t, 1, 0x200000000ULL, 4ULL << 30, true);
	/* listed out of order: handle 0x101 is at offset 3G, ... */
	for (i = 0; i < 4; i++) {
		add_memdev(&self->t, 0x101 + i, 1, 10 + i, 1ULL << 30,
			   (u64)(3 - i) << 30, 4, i == 2 ? PMDISK_NFIT_MEM_HEALTH_OBSERVED : 0);
		add_dcr(&self->t, 10 + i, 0xabc0 + i);
	}
	add_caps(&self->t, PMDISK_NFIT_CAP_MEM_CTRL_FLUSH);
	ASSERT_EQ(0, PARSE()) TH_LOG("%s", self->notes.text);
	EXPECT_TRUE(self->n->has_caps);
	EXPECT_EQ(PMDISK_NFIT_CAP_MEM_CTRL_FLUSH, self->n->capabilities);
	ASSERT_EQ(0, pmdisk_nfit_region(self->n, 0, &self->r, collect, &self->notes));
	ASSERT_EQ(4, self->r.ways);
	for (i = 0; i < 4; i++) {
		EXPECT_EQ((u64)i << 30, self->r.map[i].memdev->region_offset);
		EXPECT_EQ(0x104 - i, self->r.map[i].memdev->handle);
		EXPECT_EQ(0xabc3 - i, self->r.map[i].dcr->serial_number);
	}
	EXPECT_EQ(PMDISK_NFIT_MEM_HEALTH_OBSERVED, self->r.flags);
}

TEST_F(nfit, flush_hints_belong_to_their_dimm)
{
	add_spa(&self->t, 1, 0x100000000ULL, 2ULL << 30, true);
	add_memdev(&self->t, 7, 1, 1, 1ULL << 30, 0, 2, 0);
	add_memdev(&self->t, 8, 1, 2, 1ULL << 30, 1ULL << 30, 2, 0);
	add_dcr(&self->t, 1, 1);
	add_dcr(&self->t, 2, 2);
	add_flush(&self->t, 8, 12);	/* more than we keep */
	add_flush(&self->t, 7, 2);
	ASSERT_EQ(0, PARSE()) TH_LOG("%s", self->notes.text);
	ASSERT_EQ(0, pmdisk_nfit_region(self->n, 0, &self->r, collect, &self->notes));
	ASSERT_NE(NULL, self->r.map[0].flush);
	ASSERT_NE(NULL, self->r.map[1].flush);
	EXPECT_EQ(2, self->r.map[0].flush->nr_hints);
	EXPECT_EQ(0xfee00000ULL + 7 * 0x1000 + 64, self->r.map[0].flush->hints[1]);
	EXPECT_EQ(12, self->r.map[1].flush->nr_hints);
	EXPECT_EQ(PMDISK_NFIT_MAX_HINTS, self->r.map[1].flush->nr_kept);
}

TEST_F(nfit, header_length_beyond_buffer_is_refused)
{
	size_t len;
	__le32 big = cpu_to_le32(100000);

	add_spa(&self->t, 1, 0x100000000ULL, 1 << 30, true);
	len = tbl_finish(&self->t);
	memcpy(self->t.buf + 4, &big, 4);
	EXPECT_EQ(-EINVAL, pmdisk_nfit_parse(self->t.buf, len, self->n, collect, &self->notes));
	EXPECT_NE(NULL, strstr(self->notes.text, "NFIT header says 100000 bytes"));
	/* a buffer too short for the header, and a wrong signature */
	EXPECT_EQ(-EINVAL, pmdisk_nfit_parse(self->t.buf, 39, self->n, NULL, NULL));
	self->t.buf[0] = 'X';
	EXPECT_EQ(-EINVAL, pmdisk_nfit_parse(self->t.buf, len, self->n, NULL, NULL));
}

TEST_F(nfit, structure_running_past_the_end_is_refused)
{
	u8 *s;

	add_spa(&self->t, 1, 0x100000000ULL, 1 << 30, true);
	s = tbl_add(&self->t, PMDISK_NFIT_MEMDEV, 48);
	s[2] = 200;	/* says 200 bytes, 48 remain */
	EXPECT_EQ(-EINVAL, PARSE());
	EXPECT_NE(NULL, strstr(self->notes.text, "runs past the table end"))
		TH_LOG("%s", self->notes.text);
}

TEST_F(nfit, zero_length_structure_is_refused)
{
	u8 *s;

	add_spa(&self->t, 1, 0x100000000ULL, 1 << 30, true);
	s = tbl_add(&self->t, PMDISK_NFIT_MEMDEV, 48);
	s[2] = 0;
	EXPECT_EQ(-EINVAL, PARSE());
	EXPECT_NE(NULL, strstr(self->notes.text, "has length 0"));
}

TEST_F(nfit, structure_shorter_than_its_type_is_refused)
{
	tbl_add(&self->t, PMDISK_NFIT_SPA, 40);
	EXPECT_EQ(-EINVAL, PARSE());
	EXPECT_NE(NULL, strstr(self->notes.text, "is 40 bytes, its type needs 56"));
}

TEST_F(nfit, trailing_partial_header_is_refused)
{
	add_spa(&self->t, 1, 0x100000000ULL, 1 << 30, true);
	self->t.len += 2;
	EXPECT_EQ(-EINVAL, PARSE());
	EXPECT_NE(NULL, strstr(self->notes.text, "truncated structure header"));
}

TEST_F(nfit, flush_hint_count_beyond_length_is_refused)
{
	u8 *f;

	add_flush(&self->t, 1, 1);
	f = self->t.buf + self->t.len - 24;
	f[8] = 5;	/* 5 hints in 24 bytes */
	EXPECT_EQ(-EINVAL, PARSE());
	EXPECT_NE(NULL, strstr(self->notes.text, "lists 5 hints in 24 bytes"));
}

TEST_F(nfit, overlapping_range_is_skipped_the_rest_used)
{
	add_spa(&self->t, 1, 0x100000000ULL, 1ULL << 30, true);
	add_spa(&self->t, 2, 0x120000000ULL, 1ULL << 30, true);	/* overlaps 1 */
	add_spa(&self->t, 3, 0x180000000ULL, 1ULL << 30, true);
	add_memdev(&self->t, 1, 1, 1, 1ULL << 30, 0, 1, 0);
	add_memdev(&self->t, 2, 2, 1, 1ULL << 30, 0, 1, 0);
	add_memdev(&self->t, 3, 3, 1, 1ULL << 30, 0, 1, 0);
	add_dcr(&self->t, 1, 1);
	ASSERT_EQ(0, PARSE());
	EXPECT_EQ(1, self->notes.warn);
	EXPECT_NE(NULL, strstr(self->notes.text, "SPA range 2 [0x120000000-0x15fffffff] overlaps range 1: skipped"))
		TH_LOG("%s", self->notes.text);
	EXPECT_EQ(0, pmdisk_nfit_region(self->n, 0, &self->r, NULL, NULL));
	EXPECT_EQ(-ENOENT, pmdisk_nfit_region(self->n, 1, &self->r, NULL, NULL));
	EXPECT_EQ(0, pmdisk_nfit_region(self->n, 2, &self->r, NULL, NULL));
	EXPECT_EQ(-ENOENT, pmdisk_nfit_region(self->n, 3, &self->r, NULL, NULL));
}

TEST_F(nfit, unknown_type_and_volatile_range_are_skipped)
{
	u8 *u;

	add_spa(&self->t, 1, 0x100000000ULL, 1ULL << 30, false);
	u = tbl_add(&self->t, 99, 12);
	u[5] = 0xee;
	add_spa(&self->t, 2, 0x200000000ULL, 1ULL << 30, true);
	add_memdev(&self->t, 1, 2, 1, 1ULL << 30, 0, 1, 0);
	add_dcr(&self->t, 1, 1);
	ASSERT_EQ(0, PARSE());
	EXPECT_NE(NULL, strstr(self->notes.text, "unknown structure type 99"));
	EXPECT_FALSE(self->n->spa[0].is_pmem);
	EXPECT_EQ(-ENOENT, pmdisk_nfit_region(self->n, 0, &self->r, NULL, NULL));
	EXPECT_EQ(0, pmdisk_nfit_region(self->n, 1, &self->r, NULL, NULL));
}

TEST_F(nfit, empty_range_is_skipped)
{
	add_spa(&self->t, 1, 0x100000000ULL, 0, true);
	add_spa(&self->t, 2, ~0ULL - 10, 1ULL << 30, true);	/* wraps */
	ASSERT_EQ(0, PARSE());
	EXPECT_EQ(2, self->notes.warn);
	EXPECT_EQ(-ENOENT, pmdisk_nfit_region(self->n, 0, &self->r, NULL, NULL));
	EXPECT_EQ(-ENOENT, pmdisk_nfit_region(self->n, 1, &self->r, NULL, NULL));
}

TEST_F(nfit, duplicate_range_index_is_refused)
{
	add_spa(&self->t, 4, 0x100000000ULL, 1ULL << 30, true);
	add_spa(&self->t, 4, 0x200000000ULL, 1ULL << 30, true);
	EXPECT_EQ(-EINVAL, PARSE());
	EXPECT_NE(NULL, strstr(self->notes.text, "index 4 appears twice"));
}

TEST_F(nfit, incomplete_interleave_set_is_refused)
{
	add_spa(&self->t, 1, 0x100000000ULL, 2ULL << 30, true);
	add_memdev(&self->t, 1, 1, 1, 1ULL << 30, 0, 2, 0);	/* partner missing */
	add_dcr(&self->t, 1, 1);
	ASSERT_EQ(0, PARSE());
	EXPECT_EQ(-EINVAL, pmdisk_nfit_region(self->n, 0, &self->r, collect, &self->notes));
	EXPECT_NE(NULL, strstr(self->notes.text, "says 2-way interleave, 1 DIMMs are mapped"))
		TH_LOG("%s", self->notes.text);
}

TEST_F(nfit, dimm_sizes_that_do_not_add_up_are_refused)
{
	add_spa(&self->t, 1, 0x100000000ULL, 2ULL << 30, true);
	add_memdev(&self->t, 1, 1, 1, 1ULL << 30, 0, 1, 0);
	add_dcr(&self->t, 1, 1);
	ASSERT_EQ(0, PARSE());
	EXPECT_EQ(-EINVAL, pmdisk_nfit_region(self->n, 0, &self->r, collect, &self->notes));
	EXPECT_NE(NULL, strstr(self->notes.text, "is 0x80000000 bytes but its DIMMs map 0x40000000"));
}

TEST_F(nfit, dimm_without_control_region_is_refused)
{
	add_spa(&self->t, 1, 0x100000000ULL, 1ULL << 30, true);
	add_memdev(&self->t, 5, 1, 9, 1ULL << 30, 0, 1, 0);
	ASSERT_EQ(0, PARSE());
	EXPECT_EQ(-EINVAL, pmdisk_nfit_region(self->n, 0, &self->r, collect, &self->notes));
	EXPECT_NE(NULL, strstr(self->notes.text, "names control region 9, which does not exist"));
}

TEST_F(nfit, bad_checksum_is_reported_but_parsed)
{
	size_t len;

	add_spa(&self->t, 1, 0x100000000ULL, 1ULL << 30, true);
	len = tbl_finish(&self->t);
	self->t.buf[9] ^= 0x5a;
	ASSERT_EQ(0, pmdisk_nfit_parse(self->t.buf, len, self->n, collect, &self->notes));
	EXPECT_NE(NULL, strstr(self->notes.text, "checksum is wrong"));
	EXPECT_EQ(1, self->n->nr_spa);
}

/* Random byte damage and truncation of a valid table: never a crash. */
TEST_F(nfit, random_damage_never_crashes)
{
	struct tbl good;
	size_t len;
	unsigned int iter, i, ok = 0;

	srandom(12345);
	add_spa(&self->t, 1, 0x100000000ULL, 2ULL << 30, true);
	add_memdev(&self->t, 1, 1, 1, 1ULL << 30, 0, 2, 0);
	add_memdev(&self->t, 2, 1, 2, 1ULL << 30, 1ULL << 30, 2, 0);
	add_dcr(&self->t, 1, 1);
	add_dcr(&self->t, 2, 2);
	add_flush(&self->t, 1, 3);
	add_caps(&self->t, 3);
	len = tbl_finish(&self->t);
	good = self->t;
	for (iter = 0; iter < 20000; iter++) {
		struct tbl t = good;
		size_t cut = len - (random() % 8 == 0 ? random() % len : 0);
		unsigned int flips = 1 + random() % 6;

		for (i = 0; i < flips; i++)
			t.buf[random() % len] = (u8)random();
		if (pmdisk_nfit_parse(t.buf, cut, self->n, NULL, NULL) == 0) {
			ok++;
			for (i = 0; i < self->n->nr_spa; i++)
				pmdisk_nfit_region(self->n, i, &self->r, NULL, NULL);
		}
	}
	TH_LOG("%u of 20000 damaged tables still parsed", ok);
}

TEST_HARNESS_MAIN
