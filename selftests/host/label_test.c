// SPDX-License-Identifier: GPL-2.0
/*
 * The namespace label core: Fletcher-64, LSA geometry as Linux computes it,
 * index init/load for both label versions, label round trips, atomic
 * updates under a power cut at every store, legacy areas (a smaller nslot,
 * an invalid index 0) and random damage.
 */
#include <stdlib.h>

#include "kselftest_harness.h"
#include "simmedia.h"
#include "../../driver/core/label.h"

#define LSA_128K (128 * 1024)

TEST(fletcher64_matches_its_closed_form)
{
	static u32 words[1000];
	u64 n = ARRAY_SIZE(words), lo, hi;
	size_t i;

	for (i = 0; i < n; i++)
		words[i] = cpu_to_le32(i + 1);
	/* lo = sum(k) = n(n+1)/2; hi = sum of the prefix sums = n(n+1)(n+2)/6 */
	lo = n * (n + 1) / 2;
	hi = n * (n + 1) * (n + 2) / 6;
	EXPECT_EQ((hi << 32) | (lo & 0xffffffff), pmdisk_fletcher64(words, sizeof(words), true));
	EXPECT_EQ(0, pmdisk_fletcher64(words, 0, true));
	/* lo32 wraps at 32 bits; hi keeps 32 bits once shifted */
	for (i = 0; i < 4; i++)
		words[i] = 0xffffffff;
	EXPECT_EQ(0xfffffff6fffffffcULL, pmdisk_fletcher64(words, 16, true));
}

TEST(geometry_is_linux_s)
{
	u32 isize, nslot;

	ASSERT_EQ(0, pmdisk_lsa_geometry(LSA_128K, 128, &isize, &nslot));
	EXPECT_EQ(256, isize);
	EXPECT_EQ(1020, nslot);
	ASSERT_EQ(0, pmdisk_lsa_geometry(LSA_128K, 256, &isize, &nslot));
	EXPECT_EQ(256, isize);
	EXPECT_EQ(510, nslot);
	ASSERT_EQ(0, pmdisk_lsa_geometry(2 << 20, 256, &isize, &nslot));
	EXPECT_EQ(1280, isize);
	EXPECT_EQ(8182, nslot);
	/* two indexes and two labels at least; nothing past 4 MiB */
	EXPECT_EQ(0, pmdisk_lsa_geometry(1024, 256, &isize, &nslot));
	EXPECT_EQ(-EINVAL, pmdisk_lsa_geometry(1023, 256, &isize, &nslot));
	EXPECT_EQ(-EINVAL, pmdisk_lsa_geometry(8 << 20, 256, &isize, &nslot));
	EXPECT_EQ(-EINVAL, pmdisk_lsa_geometry(LSA_128K, 512, &isize, &nslot));
}

FIXTURE(lsa) {
	struct sim_media sim;
	struct pmdisk_lsa lsa;
};

FIXTURE_VARIANT(lsa) {
	enum pmdisk_label_version version;
	u32 label_size;
	u32 nslot;
};

FIXTURE_VARIANT_ADD(lsa, v1_1) { PMDISK_LABEL_V1_1, 128, 1020 };
FIXTURE_VARIANT_ADD(lsa, v1_2) { PMDISK_LABEL_V1_2, 256, 510 };

FIXTURE_SETUP(lsa)
{
	ASSERT_EQ(0, sim_media_init(&self->sim, LSA_128K));
	memset(&self->lsa, 0, sizeof(self->lsa));
}

FIXTURE_TEARDOWN(lsa)
{
	pmdisk_lsa_release(&self->lsa);
	sim_media_free(&self->sim);
}

static void make_label(struct pmdisk_nslabel *l, u8 tag, u16 pos, u16 n)
{
	memset(l, 0, sizeof(*l));
	memset(l->uuid, tag, sizeof(l->uuid));
	snprintf(l->name, sizeof(l->name), "disk-%02x", tag);
	l->nlabel = cpu_to_le16(n);
	l->position = cpu_to_le16(pos);
	l->lbasize = cpu_to_le64(512);
	l->dpa = cpu_to_le64((u64)tag << 24);
	l->rawsize = cpu_to_le64(16 << 20);
}

/* The uuid tags of every valid label in use, as a bit set. */
static u64 live_tags(struct pmdisk_lsa *lsa)
{
	struct pmdisk_nslabel l;
	u64 tags = 0;
	u32 slot;

	for (slot = 0; slot < lsa->nslot; slot++)
		if (pmdisk_lsa_read_label(lsa, slot, &l) == 0)
			tags |= 1ULL << (l.uuid[0] & 63);
	return tags;
}

TEST_F(lsa, all_zero_area_is_label_less)
{
	EXPECT_EQ(-ENODEV, pmdisk_lsa_load(&self->lsa, &self->sim.media));
}

TEST_F(lsa, fresh_index_pair_loads_with_every_slot_free)
{
	struct pmdisk_nsindex ix;
	u32 slot;

	ASSERT_EQ(0, pmdisk_lsa_init(&self->sim.media, variant->version, 0));
	ASSERT_EQ(0, pmdisk_lsa_load(&self->lsa, &self->sim.media));
	EXPECT_EQ(variant->label_size, self->lsa.label_size);
	EXPECT_EQ(variant->nslot, self->lsa.nslot);
	EXPECT_EQ(256, self->lsa.index_size);
	EXPECT_EQ(0, self->lsa.active);	/* index 0 seq 3 beats index 1 seq 2 */
	EXPECT_EQ(3, self->lsa.seq);
	for (slot = 0; slot < self->lsa.nslot; slot++)
		ASSERT_TRUE(pmdisk_lsa_slot_free(&self->lsa, slot));
	/* bitmap bits past nslot are zero on media */
	memcpy(&ix, self->sim.bytes, sizeof(ix));
	EXPECT_EQ(0, self->sim.bytes[sizeof(ix) + variant->nslot / 8] >> (variant->nslot % 8));
	EXPECT_EQ(0, memcmp(ix.sig, "NAMESPACE_INDEX\0", 16));
	EXPECT_EQ(variant->version, le16_to_cpu(ix.minor));
	EXPECT_EQ(variant->label_size == 256 ? 1 : 0, ix.labelsize);
	EXPECT_EQ(512, le64_to_cpu(ix.labeloff));
}

TEST_F(lsa, labels_round_trip_and_update_flips_the_index)
{
	struct pmdisk_nslabel add[3], got;
	u32 del[1];
	int i;

	ASSERT_EQ(0, pmdisk_lsa_init(&self->sim.media, variant->version, 0));
	ASSERT_EQ(0, pmdisk_lsa_load(&self->lsa, &self->sim.media));
	for (i = 0; i < 3; i++)
		make_label(&add[i], 0x10 + i, i, 3);
	ASSERT_EQ(0, pmdisk_lsa_update(&self->lsa, add, 3, NULL, 0));
	EXPECT_EQ(1, self->lsa.active);
	EXPECT_EQ(1, self->lsa.seq);	/* 3 -> 1 */

	pmdisk_lsa_release(&self->lsa);
	ASSERT_EQ(0, pmdisk_lsa_load(&self->lsa, &self->sim.media));
	EXPECT_EQ(1, self->lsa.active);
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, pmdisk_lsa_read_label(&self->lsa, i, &got));
		/* v1.1 keeps the first 128 bytes; the rest reads as zero */
		EXPECT_EQ(0, memcmp(&add[i], &got, variant->label_size));
		EXPECT_EQ(i, le16_to_cpu(got.position));
		EXPECT_STREQ(add[i].name, got.name);
	}
	EXPECT_EQ(-ENOENT, pmdisk_lsa_read_label(&self->lsa, 3, &got));

	/* replace the middle label: delete slot 1, add a new one */
	make_label(&add[0], 0x20, 0, 1);
	del[0] = 1;
	ASSERT_EQ(0, pmdisk_lsa_update(&self->lsa, add, 1, del, 1));
	EXPECT_EQ(3, le32_to_cpu(add[0].slot));	/* slot 1 is still live until commit */
	EXPECT_EQ((1ULL << 0x10) | (1ULL << 0x12) | (1ULL << 0x20), live_tags(&self->lsa));
	EXPECT_EQ(2, self->lsa.seq);
}

TEST_F(lsa, refusals_change_nothing)
{
	struct pmdisk_nslabel l;
	u32 del = 5, twice[2] = { 7, 7 };	/* slot 7 named twice */
	u8 *before = malloc(LSA_128K);
	u32 slot;

	ASSERT_NE(NULL, before);
	ASSERT_EQ(0, pmdisk_lsa_init(&self->sim.media, variant->version, 0));
	ASSERT_EQ(0, pmdisk_lsa_load(&self->lsa, &self->sim.media));
	memcpy(before, self->sim.bytes, LSA_128K);
	self->sim.stores = 0;
	EXPECT_EQ(-EINVAL, pmdisk_lsa_update(&self->lsa, NULL, 0, &del, 1));	/* free slot */
	EXPECT_EQ(0, self->sim.stores);
	EXPECT_EQ(0, memcmp(before, self->sim.bytes, LSA_128K));
	/* fill every slot, one more is -ENOSPC */
	for (slot = 0; slot < self->lsa.nslot; slot++) {
		make_label(&l, slot & 63, 0, 1);
		ASSERT_EQ(0, pmdisk_lsa_update(&self->lsa, &l, 1, NULL, 0));
	}
	memcpy(before, self->sim.bytes, LSA_128K);
	self->sim.stores = 0;
	make_label(&l, 1, 0, 1);
	EXPECT_EQ(-ENOSPC, pmdisk_lsa_update(&self->lsa, &l, 1, NULL, 0));
	EXPECT_EQ(-EINVAL, pmdisk_lsa_update(&self->lsa, NULL, 0, twice, 2));
	EXPECT_EQ(0, self->sim.stores);
	EXPECT_EQ(0, memcmp(before, self->sim.bytes, LSA_128K));
	free(before);
}

/* A power cut at every store of an update leaves the old or the new set. */
struct cut_ctx {
	enum pmdisk_label_version version;
	u64 old_tags, new_tags;
	u64 olds, news;
};

static int cut_op(struct sim_media *sim, void *ctx)
{
	struct pmdisk_nslabel add[2];
	struct pmdisk_lsa lsa;
	u32 del[2] = { 0, 2 };	/* tags 0x30 and 0x32 */
	int rc;

	rc = pmdisk_lsa_load(&lsa, &sim->media);
	if (rc)
		return rc;
	make_label(&add[0], 0x3a, 0, 1);
	make_label(&add[1], 0x3b, 0, 1);
	rc = pmdisk_lsa_update(&lsa, add, 2, del, 2);
	pmdisk_lsa_release(&lsa);
	return rc;
}

static int cut_check(struct sim_media *sim, void *ctx, u64 store, long words)
{
	struct cut_ctx *c = ctx;
	struct pmdisk_lsa lsa;
	u64 tags;

	if (pmdisk_lsa_load(&lsa, &sim->media))
		return 1;
	tags = live_tags(&lsa);
	pmdisk_lsa_release(&lsa);
	if (tags == c->old_tags)
		c->olds++;
	else if (tags == c->new_tags)
		c->news++;
	else
		return 2;
	/* a completed update must show the new set */
	return store == 0 && tags != c->new_tags ? 3 : 0;
}

TEST_F(lsa, power_cut_at_every_store_leaves_old_or_new_set)
{
	struct cut_ctx c = { .version = variant->version };
	struct pmdisk_nslabel l[3];
	u64 visited;
	u8 *initial = malloc(LSA_128K);
	int i;

	ASSERT_NE(NULL, initial);
	ASSERT_EQ(0, pmdisk_lsa_init(&self->sim.media, variant->version, 0));
	ASSERT_EQ(0, pmdisk_lsa_load(&self->lsa, &self->sim.media));
	for (i = 0; i < 3; i++)
		make_label(&l[i], 0x30 + i, 0, 1);
	ASSERT_EQ(0, pmdisk_lsa_update(&self->lsa, l, 3, NULL, 0));
	c.old_tags = live_tags(&self->lsa);
	c.new_tags = (1ULL << (0x31 & 63)) | (1ULL << (0x3a & 63)) | (1ULL << (0x3b & 63));
	memcpy(initial, self->sim.bytes, LSA_128K);

	ASSERT_EQ(0, sim_enumerate_cuts(&self->sim, initial, cut_op, cut_check, &c, &visited));
	TH_LOG("%llu cut points: %llu left the old set, %llu the new",
	       (unsigned long long)visited, (unsigned long long)c.olds,
	       (unsigned long long)c.news);
	/* 2 labels + 1 index, each torn at every word */
	EXPECT_EQ(2 * (variant->label_size / 8) + 256 / 8 + 1, visited);
	EXPECT_GT(c.olds, 0);
	EXPECT_GT(c.news, 0);
	free(initial);
}

TEST_F(lsa, legacy_area_with_invalid_index0_and_fewer_slots_loads)
{
	struct pmdisk_nslabel l;

	ASSERT_EQ(0, pmdisk_lsa_init(&self->sim.media, variant->version, 0));
	ASSERT_EQ(0, pmdisk_lsa_load(&self->lsa, &self->sim.media));
	make_label(&l, 0x11, 0, 1);
	ASSERT_EQ(0, pmdisk_lsa_update(&self->lsa, &l, 1, NULL, 0));
	pmdisk_lsa_release(&self->lsa);

	/* index 1 is current now; zero index 0's seq (like ndctl's nmem1.bin) */
	memset(self->sim.bytes + 20, 0, 4);
	ASSERT_EQ(0, pmdisk_lsa_load(&self->lsa, &self->sim.media));
	EXPECT_EQ(1, self->lsa.active);
	EXPECT_EQ(1ULL << 0x11, live_tags(&self->lsa));
	pmdisk_lsa_release(&self->lsa);

	/* corrupt index 1 too: label-less */
	self->sim.bytes[256 + 100] ^= 1;
	EXPECT_EQ(-ENODEV, pmdisk_lsa_load(&self->lsa, &self->sim.media));
}

TEST_F(lsa, v1_2_label_with_bad_checksum_is_invalid)
{
	struct pmdisk_nslabel l;

	ASSERT_EQ(0, pmdisk_lsa_init(&self->sim.media, variant->version, 0));
	ASSERT_EQ(0, pmdisk_lsa_load(&self->lsa, &self->sim.media));
	make_label(&l, 0x11, 0, 1);
	ASSERT_EQ(0, pmdisk_lsa_update(&self->lsa, &l, 1, NULL, 0));
	/* a loaded area reads its labels once: load again after each change */
	pmdisk_lsa_release(&self->lsa);
	self->sim.bytes[512 + 20] ^= 0x40;	/* a byte of slot 0's name */
	ASSERT_EQ(0, pmdisk_lsa_load(&self->lsa, &self->sim.media));
	EXPECT_EQ(variant->label_size == 256 ? -EINVAL : 0,
		  pmdisk_lsa_read_label(&self->lsa, 0, &l));
	pmdisk_lsa_release(&self->lsa);
	self->sim.bytes[512 + 120] = 9;		/* slot field says 9 */
	ASSERT_EQ(0, pmdisk_lsa_load(&self->lsa, &self->sim.media));
	EXPECT_EQ(-EINVAL, pmdisk_lsa_read_label(&self->lsa, 0, &l));
}

TEST_F(lsa, random_damage_never_crashes)
{
	struct pmdisk_nslabel l[4];
	u8 *good = malloc(LSA_128K);
	unsigned int iter, i, loaded = 0;
	u32 slot;

	ASSERT_NE(NULL, good);
	ASSERT_EQ(0, pmdisk_lsa_init(&self->sim.media, variant->version, 0));
	ASSERT_EQ(0, pmdisk_lsa_load(&self->lsa, &self->sim.media));
	for (i = 0; i < 4; i++)
		make_label(&l[i], i, i, 4);
	ASSERT_EQ(0, pmdisk_lsa_update(&self->lsa, l, 4, NULL, 0));
	pmdisk_lsa_release(&self->lsa);
	memcpy(good, self->sim.bytes, LSA_128K);
	srandom(77);
	for (iter = 0; iter < 3000; iter++) {
		struct pmdisk_lsa lsa;

		memcpy(self->sim.bytes, good, LSA_128K);
		for (i = 0; i < 1 + random() % 8; i++)
			self->sim.bytes[random() % 2048] = (u8)random();
		if (pmdisk_lsa_load(&lsa, &self->sim.media))
			continue;
		loaded++;
		for (slot = 0; slot < lsa.nslot; slot++)
			pmdisk_lsa_read_label(&lsa, slot, &l[0]);
		pmdisk_lsa_release(&lsa);
	}
	TH_LOG("%u of 3000 damaged areas still loaded", loaded);
	free(good);
}

TEST_HARNESS_MAIN
