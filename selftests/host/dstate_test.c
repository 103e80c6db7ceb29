// SPDX-License-Identifier: GPL-2.0
/*
 * Dirty-shutdown records (driver/core/dstate.c) and the firmware's SMART
 * reply (driver/core/smart.c): an index written with a tail leaves room that
 * no label slot reaches; an attach that was never detached counts once; a
 * power cut at any store of an update leaves the old or the new records;
 * a damaged copy falls back to the other; the table never overflows.
 */
#include "kselftest_harness.h"
#include "simmedia.h"
#include "../../driver/core/dstate.h"
#include "../../driver/core/label.h"
#include "../../driver/core/smart.h"

#define LSA_128K (128 << 10)

static void uuid_of(u8 *uuid, unsigned int n)
{
	memset(uuid, 0, 16);
	uuid[0] = 0xd5;
	uuid[15] = n;
	uuid[14] = n >> 8;
}

FIXTURE(dstate) {
	struct sim_media sim;
	struct pmdisk_lsa lsa;
	struct pmdisk_dstate ds, again;
	u64 off;
};

FIXTURE_VARIANT(dstate) {
	enum pmdisk_label_version version;
	u32 label_size;
};

FIXTURE_VARIANT_ADD(dstate, v1_1) { .version = PMDISK_LABEL_V1_1, .label_size = 128 };
FIXTURE_VARIANT_ADD(dstate, v1_2) { .version = PMDISK_LABEL_V1_2, .label_size = 256 };

FIXTURE_SETUP(dstate)
{
	ASSERT_EQ(0, sim_media_init(&self->sim, LSA_128K));
	ASSERT_EQ(0, pmdisk_lsa_init(&self->sim.media, variant->version, PMDISK_DSTATE_SIZE));
	ASSERT_EQ(0, pmdisk_lsa_load(&self->lsa, &self->sim.media));
	ASSERT_EQ(0, pmdisk_dstate_locate(&self->lsa, &self->off));
	ASSERT_EQ(0, pmdisk_dstate_format(&self->ds, &self->sim.media, self->off));
}

FIXTURE_TEARDOWN(dstate)
{
	pmdisk_lsa_release(&self->lsa);
	sim_media_free(&self->sim);
}

TEST_F(dstate, index_with_a_tail_keeps_every_slot_clear_of_the_records)
{
	u32 isize, full;

	ASSERT_EQ(0, pmdisk_lsa_geometry(LSA_128K, variant->label_size, &isize, &full));
	EXPECT_EQ(full - PMDISK_DSTATE_SIZE / variant->label_size, self->lsa.nslot);
	EXPECT_EQ(LSA_128K - PMDISK_DSTATE_SIZE, self->off);
	EXPECT_LE(2ULL * isize + (u64)self->lsa.nslot * variant->label_size, self->off);
}

TEST_F(dstate, index_without_a_tail_has_no_room)
{
	struct pmdisk_lsa full;

	ASSERT_EQ(0, pmdisk_lsa_init(&self->sim.media, variant->version, 0));
	ASSERT_EQ(0, pmdisk_lsa_load(&full, &self->sim.media));
	EXPECT_EQ(-ENOSPC, pmdisk_dstate_locate(&full, &self->off));
	pmdisk_lsa_release(&full);
	/* a tail that leaves under two slots is refused */
	EXPECT_EQ(-ENOSPC, pmdisk_lsa_init(&self->sim.media, variant->version, LSA_128K - 512));
}

TEST_F(dstate, attach_never_detached_counts_once_per_unclean_shutdown)
{
	u8 a[16], b[16];
	u32 count;
	bool dirty;

	uuid_of(a, 1);
	uuid_of(b, 2);
	ASSERT_EQ(0, pmdisk_dstate_load(&self->again, &self->sim.media, self->off));
	EXPECT_EQ(0, self->again.nr);

	/* boot 1: both attached, then the machine dies */
	ASSERT_EQ(0, pmdisk_dstate_attach(&self->ds, a, &count, &dirty));
	EXPECT_EQ(0, count);
	EXPECT_FALSE(dirty);
	ASSERT_EQ(0, pmdisk_dstate_attach(&self->ds, b, &count, &dirty));
	ASSERT_EQ(0, pmdisk_dstate_store(&self->ds));

	/* boot 2: both were left attached; b is then detached cleanly */
	ASSERT_EQ(0, pmdisk_dstate_load(&self->ds, &self->sim.media, self->off));
	ASSERT_EQ(0, pmdisk_dstate_attach(&self->ds, a, &count, &dirty));
	EXPECT_TRUE(dirty);
	EXPECT_EQ(1, count);
	ASSERT_EQ(0, pmdisk_dstate_attach(&self->ds, b, &count, &dirty));
	EXPECT_TRUE(dirty);
	EXPECT_EQ(1, count);
	ASSERT_TRUE(pmdisk_dstate_detach(&self->ds, b));
	ASSERT_EQ(0, pmdisk_dstate_store(&self->ds));

	/* boot 3: a counts again, b does not */
	ASSERT_EQ(0, pmdisk_dstate_load(&self->ds, &self->sim.media, self->off));
	ASSERT_EQ(0, pmdisk_dstate_attach(&self->ds, a, &count, &dirty));
	EXPECT_EQ(2, count);
	ASSERT_EQ(0, pmdisk_dstate_attach(&self->ds, b, &count, &dirty));
	EXPECT_FALSE(dirty);
	EXPECT_EQ(1, count);

	/* a new disk with a's uuid starts again; a renamed record follows */
	ASSERT_TRUE(pmdisk_dstate_forget(&self->ds, a));
	ASSERT_EQ(0, pmdisk_dstate_attach(&self->ds, a, &count, &dirty));
	EXPECT_EQ(0, count);
	ASSERT_TRUE(pmdisk_dstate_rename(&self->ds, b, a));
	ASSERT_EQ(0, pmdisk_dstate_store(&self->ds));
	ASSERT_EQ(0, pmdisk_dstate_load(&self->again, &self->sim.media, self->off));
	ASSERT_EQ(1, self->again.nr);
	EXPECT_EQ(0, memcmp(self->again.rec[0].uuid, a, 16));
	EXPECT_EQ(1, self->again.rec[0].count);
	EXPECT_TRUE(self->again.rec[0].attached);
}

TEST_F(dstate, disk_number_is_kept_with_the_record)
{
	u8 a[16], b[16];
	u32 count, n;
	bool dirty;

	uuid_of(a, 1);
	uuid_of(b, 2);
	ASSERT_EQ(0, pmdisk_dstate_attach(&self->ds, a, &count, &dirty));
	ASSERT_EQ(0, pmdisk_dstate_attach(&self->ds, b, &count, &dirty));
	EXPECT_FALSE(pmdisk_dstate_number(&self->ds, a, &n));	/* none yet */
	pmdisk_dstate_set_number(&self->ds, a, 0);
	pmdisk_dstate_set_number(&self->ds, b, 7);
	ASSERT_EQ(0, pmdisk_dstate_store(&self->ds));
	ASSERT_EQ(0, pmdisk_dstate_load(&self->again, &self->sim.media, self->off));
	ASSERT_TRUE(pmdisk_dstate_number(&self->again, a, &n));
	EXPECT_EQ(0, n);
	ASSERT_TRUE(pmdisk_dstate_number(&self->again, b, &n));
	EXPECT_EQ(7, n);
	/* a renamed record keeps it; a forgotten one takes it along */
	ASSERT_TRUE(pmdisk_dstate_rename(&self->again, b, a));
	ASSERT_TRUE(pmdisk_dstate_number(&self->again, a, &n));
	EXPECT_EQ(7, n);
	ASSERT_TRUE(pmdisk_dstate_forget(&self->again, a));
	EXPECT_FALSE(pmdisk_dstate_number(&self->again, a, &n));
}

TEST_F(dstate, damaged_copy_falls_back_to_the_other)
{
	u8 a[16];
	u32 count;
	bool dirty;

	uuid_of(a, 7);
	ASSERT_EQ(0, pmdisk_dstate_attach(&self->ds, a, &count, &dirty));
	ASSERT_EQ(0, pmdisk_dstate_store(&self->ds));	/* seq 2, copy 1 */
	ASSERT_EQ(1, self->ds.cur);
	pmdisk_dstate_detach(&self->ds, a);
	ASSERT_EQ(0, pmdisk_dstate_store(&self->ds));	/* seq 3, copy 0 */
	ASSERT_EQ(0, self->ds.cur);

	/* one flipped byte in the newer copy: the older one is current */
	self->sim.bytes[self->off + 40] ^= 0x10;
	ASSERT_EQ(0, pmdisk_dstate_load(&self->again, &self->sim.media, self->off));
	EXPECT_EQ(2, self->again.seq);
	ASSERT_EQ(1, self->again.nr);
	EXPECT_TRUE(self->again.rec[0].attached);
	/* both damaged: no records, and the next store starts over */
	self->sim.bytes[self->off + PMDISK_DSTATE_COPY + 40] ^= 0x10;
	ASSERT_EQ(0, pmdisk_dstate_load(&self->again, &self->sim.media, self->off));
	EXPECT_EQ(0, self->again.seq);
	EXPECT_EQ(0, self->again.nr);
	/* a record count past the table is damage, not an overflow */
	ASSERT_EQ(0, pmdisk_dstate_format(&self->ds, &self->sim.media, self->off));
	self->sim.bytes[self->off + 16] = 0xff;	/* nrec, checksum now wrong too */
	ASSERT_EQ(0, pmdisk_dstate_load(&self->again, &self->sim.media, self->off));
	EXPECT_EQ(0, self->again.nr);
}

TEST_F(dstate, full_table_drops_a_clean_record_and_refuses_when_all_are_attached)
{
	u8 u[16];
	u32 count;
	bool dirty;
	unsigned int i;

	for (i = 0; i < PMDISK_DSTATE_MAX_RECS; i++) {
		uuid_of(u, i);
		ASSERT_EQ(0, pmdisk_dstate_attach(&self->ds, u, &count, &dirty));
	}
	uuid_of(u, 1000);
	EXPECT_FALSE(pmdisk_dstate_room(&self->ds, u));
	EXPECT_EQ(-ENOSPC, pmdisk_dstate_attach(&self->ds, u, &count, &dirty));
	EXPECT_EQ(PMDISK_DSTATE_MAX_RECS, self->ds.nr);

	uuid_of(u, 5);
	pmdisk_dstate_detach(&self->ds, u);
	uuid_of(u, 1000);
	ASSERT_EQ(0, pmdisk_dstate_attach(&self->ds, u, &count, &dirty));
	EXPECT_EQ(PMDISK_DSTATE_MAX_RECS, self->ds.nr);
	ASSERT_EQ(0, pmdisk_dstate_store(&self->ds));
	ASSERT_EQ(0, pmdisk_dstate_load(&self->again, &self->sim.media, self->off));
	EXPECT_EQ(PMDISK_DSTATE_MAX_RECS, self->again.nr);
	uuid_of(u, 5);
	EXPECT_FALSE(pmdisk_dstate_detach(&self->again, u));	/* the one dropped */
}

/* ---- power cuts ------------------------------------------------------- */

struct cut_ctx {
	u64 off;
	u8 uuid[16];
	struct pmdisk_dstate ds;
	unsigned int checks_old, checks_new;
};

/* The update under test: a detached record becomes attached. */
static int cut_op(struct sim_media *sim, void *p)
{
	struct cut_ctx *c = p;
	u32 count;
	bool dirty;

	if (pmdisk_dstate_load(&c->ds, &sim->media, c->off))
		return -1;
	pmdisk_dstate_attach(&c->ds, c->uuid, &count, &dirty);
	return pmdisk_dstate_store(&c->ds);
}

static int cut_check(struct sim_media *sim, void *p, u64 store, long words)
{
	struct cut_ctx *c = p;
	struct pmdisk_dstate now;

	if (pmdisk_dstate_load(&now, &sim->media, c->off) || now.nr != 1 ||
	    memcmp(now.rec[0].uuid, c->uuid, 16) || now.rec[0].count != 3)
		return 1;
	if (now.rec[0].attached)
		c->checks_new++;
	else
		c->checks_old++;
	/* no cut: the update must have landed */
	return !store && !now.rec[0].attached;
}

TEST_F(dstate, power_cut_at_every_store_leaves_old_or_new_records)
{
	struct cut_ctx *c = calloc(1, sizeof(*c));
	u8 *initial = malloc(LSA_128K);
	u64 visited = 0;
	u32 count;
	bool dirty;
	unsigned int i;

	ASSERT_NE(NULL, c);
	ASSERT_NE(NULL, initial);
	c->off = self->off;
	uuid_of(c->uuid, 3);
	/* count 3, detached, and two earlier generations behind it */
	for (i = 0; i < 4; i++)
		ASSERT_EQ(0, pmdisk_dstate_attach(&self->ds, c->uuid, &count, &dirty));
	EXPECT_EQ(3, count);
	pmdisk_dstate_detach(&self->ds, c->uuid);
	ASSERT_EQ(0, pmdisk_dstate_store(&self->ds));
	ASSERT_EQ(0, pmdisk_dstate_store(&self->ds));
	memcpy(initial, self->sim.bytes, LSA_128K);

	EXPECT_EQ(0, sim_enumerate_cuts(&self->sim, initial, cut_op, cut_check, c, &visited));
	EXPECT_GT(visited, PMDISK_DSTATE_COPY / 8);
	EXPECT_GT(c->checks_old, 0);
	EXPECT_GT(c->checks_new, 0);
	free(initial);
	free(c);
}

/* ---- the firmware's SMART reply ---------------------------------------- */

TEST(smart_reply_fields_count_only_when_marked_valid)
{
	u8 p[PMDISK_SMART_PAYLOAD_SIZE] = { 0 };
	struct pmdisk_smart s;
	__le32 v;

	/* health critical, count 7, dirty: but only the count marked valid */
	p[PMDISK_SMART_OFF_HEALTH] = PMDISK_SMART_CRITICAL;
	v = cpu_to_le32(7);
	memcpy(p + PMDISK_SMART_OFF_SHUTDOWN_COUNT, &v, 4);
	p[PMDISK_SMART_OFF_SHUTDOWN_STATE] = 1;
	v = cpu_to_le32(PMDISK_SMART_SHUTDOWN_COUNT_VALID);
	memcpy(p, &v, 4);
	ASSERT_EQ(0, pmdisk_smart_decode(p, sizeof(p), &s));
	EXPECT_TRUE(s.shutdown_count_valid);
	EXPECT_EQ(7, s.shutdown_count);
	EXPECT_FALSE(s.health_valid);
	EXPECT_FALSE(s.failed);
	EXPECT_FALSE(s.shutdown_state_valid);
	EXPECT_FALSE(s.last_shutdown_dirty);

	v = cpu_to_le32(PMDISK_SMART_HEALTH_VALID | PMDISK_SMART_SHUTDOWN_STATE_VALID);
	memcpy(p, &v, 4);
	ASSERT_EQ(0, pmdisk_smart_decode(p, sizeof(p), &s));
	EXPECT_TRUE(s.failed);
	EXPECT_FALSE(s.warning);
	EXPECT_TRUE(s.last_shutdown_dirty);
	EXPECT_FALSE(s.shutdown_count_valid);
	EXPECT_EQ(0, s.shutdown_count);

	p[PMDISK_SMART_OFF_HEALTH] = PMDISK_SMART_NON_CRITICAL;
	p[PMDISK_SMART_OFF_SHUTDOWN_STATE] = 0;
	ASSERT_EQ(0, pmdisk_smart_decode(p, sizeof(p), &s));
	EXPECT_TRUE(s.warning);
	EXPECT_FALSE(s.failed);
	EXPECT_TRUE(s.shutdown_state_valid);
	EXPECT_FALSE(s.last_shutdown_dirty);
}

TEST(smart_reply_too_short_is_refused)
{
	u8 p[PMDISK_SMART_OFF_SHUTDOWN_STATE] = { 0xff, 0xff, 0xff, 0xff };
	struct pmdisk_smart s;

	EXPECT_EQ(-EINVAL, pmdisk_smart_decode(p, sizeof(p), &s));
	EXPECT_FALSE(s.shutdown_count_valid);
	EXPECT_FALSE(s.health_valid);
}

TEST_HARNESS_MAIN
