// SPDX-License-Identifier: GPL-2.0
/*
 * Proves the simulated medium does what crash tests rely on: bytes written
 * read back, out-of-range I/O is refused, a power cut freezes the image at
 * exactly the armed store, a torn store lands as an 8-byte-aligned prefix,
 * and the enumerator visits every cut point once, restoring only the pages
 * stored to when it tracks stores.
 */
#include <stdlib.h>

#include "kselftest_harness.h"
#include "simmedia.h"

#define MEDIA_SIZE 4096

static void fill(u8 *buf, size_t len, u8 seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = (u8)(seed + i * 7);
}

FIXTURE(sim) {
	struct sim_media sim;
};

FIXTURE_SETUP(sim)
{
	ASSERT_EQ(0, sim_media_init(&self->sim, MEDIA_SIZE));
}

FIXTURE_TEARDOWN(sim)
{
	sim_media_free(&self->sim);
}

TEST_F(sim, written_bytes_read_back)
{
	u8 in[100], out[100];

	fill(in, sizeof(in), 3);
	ASSERT_EQ(0, pmdisk_media_write(&self->sim.media, 1001, in, sizeof(in)));
	pmdisk_media_persist(&self->sim.media);
	ASSERT_EQ(0, pmdisk_media_read(&self->sim.media, 1001, out, sizeof(out)));
	ASSERT_EQ(0, memcmp(in, out, sizeof(in)));
	ASSERT_EQ(1, self->sim.stores);
	ASSERT_EQ(1, self->sim.persists);
}

TEST_F(sim, out_of_range_io_is_refused_and_changes_nothing)
{
	u8 buf[16] = { 0xff };
	u8 zero[MEDIA_SIZE] = { 0 };

	EXPECT_EQ(-ERANGE, pmdisk_media_write(&self->sim.media, MEDIA_SIZE - 8, buf, 16));
	EXPECT_EQ(-ERANGE, pmdisk_media_write(&self->sim.media, MEDIA_SIZE + 1, buf, 0));
	/* offset + length wraps around 2^64 */
	EXPECT_EQ(-ERANGE, pmdisk_media_read(&self->sim.media, ~0ULL - 4, buf, 16));
	EXPECT_EQ(0, pmdisk_media_read(&self->sim.media, MEDIA_SIZE, buf, 0));
	EXPECT_EQ(0, self->sim.stores);
	EXPECT_EQ(0, memcmp(zero, self->sim.bytes, MEDIA_SIZE));
}

TEST_F(sim, power_cut_drops_every_store_after_the_cut)
{
	u8 a[32], b[32], c[32], out[32];

	fill(a, 32, 1);
	fill(b, 32, 2);
	fill(c, 32, 3);
	sim_media_arm_cut(&self->sim, 2, -1);	/* store 2 lands whole */
	pmdisk_media_write(&self->sim.media, 0, a, 32);
	pmdisk_media_write(&self->sim.media, 64, b, 32);
	pmdisk_media_write(&self->sim.media, 128, c, 32);
	pmdisk_media_write(&self->sim.media, 0, c, 32);	/* overwrite of a */
	ASSERT_TRUE(self->sim.power_lost);
	sim_media_reboot(&self->sim);

	pmdisk_media_read(&self->sim.media, 0, out, 32);
	EXPECT_EQ(0, memcmp(a, out, 32));
	pmdisk_media_read(&self->sim.media, 64, out, 32);
	EXPECT_EQ(0, memcmp(b, out, 32));
	pmdisk_media_read(&self->sim.media, 128, out, 32);
	EXPECT_EQ(0, out[0] | out[31]);
}

/* A 20-byte store at offset 5 covers words [0,8) [8,16) [16,24) [24,32). */
TEST_F(sim, torn_store_lands_as_aligned_word_prefix)
{
	u8 data[20], out[32];
	long words;

	fill(data, sizeof(data), 9);
	ASSERT_EQ(4, sim_store_words(5, 20));
	ASSERT_EQ(1, sim_store_words(8, 8));
	ASSERT_EQ(2, sim_store_words(7, 2));
	ASSERT_EQ(0, sim_store_words(7, 0));

	for (words = 0; words <= 4; words++) {
		/* bytes of the store that land: up to the end of word "words" */
		size_t landed = words == 0 ? 0 : min((size_t)(words * 8 - 5), sizeof(data));

		memset(self->sim.bytes, 0, MEDIA_SIZE);
		sim_media_reboot(&self->sim);
		sim_media_arm_cut(&self->sim, 1, words);
		pmdisk_media_write(&self->sim.media, 5, data, sizeof(data));
		ASSERT_TRUE(self->sim.power_lost);
		EXPECT_EQ(4, self->sim.cut_store_words);
		memcpy(out, self->sim.bytes, sizeof(out));
		EXPECT_EQ(0, memcmp(out + 5, data, landed)) TH_LOG("words=%ld", words);
		EXPECT_EQ(0, out[5 + landed] | out[4]) TH_LOG("words=%ld: byte past the prefix landed", words);
	}
}

/* Three stores of 2, 1 and 3 words: 2 + 1 + 3 cut points plus completion. */
struct walk {
	u64 checks;
	u64 seen[16][2];
};

static const u64 walk_off[3] = { 0, 16, 64 };
static const u64 walk_len[3] = { 16, 8, 24 };

static int walk_op(struct sim_media *sim, void *ctx)
{
	u8 buf[24];
	int i;

	for (i = 0; i < 3; i++) {
		memset(buf, 0xa0 + i, sizeof(buf));
		pmdisk_media_write(&sim->media, walk_off[i], buf, walk_len[i]);
	}
	return 0;
}

/* After a cut at (store, words) the image holds exactly that much. */
static int walk_check(struct sim_media *sim, void *ctx, u64 store, long words)
{
	struct walk *w = ctx;
	u64 i, full = store ? store - 1 : 3;

	w->seen[w->checks][0] = store;
	w->seen[w->checks][1] = (u64)words;
	w->checks++;
	for (i = 0; i < 3; i++) {
		u64 landed = i < full ? walk_len[i] :
			     (i == full && store) ? (u64)words * 8 : 0;
		u64 b;

		for (b = 0; b < walk_len[i]; b++) {
			u8 want = b < landed ? 0xa0 + i : 0;

			if (sim->bytes[walk_off[i] + b] != want)
				return 1;
		}
	}
	return 0;
}

TEST_F(sim, enumeration_visits_every_cut_point_once)
{
	static const u64 expect[][2] = {
		{ 1, 0 }, { 1, 1 }, { 2, 0 }, { 3, 0 }, { 3, 1 }, { 3, 2 },
		{ 0, (u64)-1 },
	};
	u8 *initial = calloc(1, MEDIA_SIZE);
	struct walk w = { 0 };
	u64 visited = 0;
	size_t i;

	ASSERT_NE(NULL, initial);
	ASSERT_EQ(0, sim_enumerate_cuts(&self->sim, initial, walk_op,
					walk_check, &w, &visited));
	ASSERT_EQ(ARRAY_SIZE(expect), visited);
	ASSERT_EQ(visited, w.checks);
	for (i = 0; i < ARRAY_SIZE(expect); i++) {
		EXPECT_EQ(expect[i][0], w.seen[i][0]);
		EXPECT_EQ(expect[i][1], w.seen[i][1]);
	}
	free(initial);
}

/* The check's verdict stops the walk and comes back to the caller. */
static int failing_check(struct sim_media *sim, void *ctx, u64 store, long words)
{
	return store == 2 ? 42 : 0;
}

TEST_F(sim, enumeration_stops_at_first_failed_check)
{
	u8 *initial = calloc(1, MEDIA_SIZE);
	u64 visited = 0;

	ASSERT_NE(NULL, initial);
	EXPECT_EQ(42, sim_enumerate_cuts(&self->sim, initial, walk_op,
					 failing_check, NULL, &visited));
	EXPECT_EQ(3, visited);
	free(initial);
}

/*
 * Tracking stores, each cut restores only the pages stored to: over an
 * image that is not blank, a store across a page boundary, one that
 * writes what is already there and a check that writes too, every cut
 * still starts from the initial image, and a torn prefix that changed
 * nothing says so.
 */
#define TRACK_SIZE (3 * 4096)

static const u64 track_off[3] = { 4088, 8192, 96 };	/* 2, 2 and 3 words */
static const u64 track_len[3] = { 16, 16, 24 };

struct track {
	u8 initial[TRACK_SIZE];
	u64 checks, unchanged;
};

static void track_store(const struct track *t, unsigned int i, u8 *buf)
{
	if (i == 1)
		memcpy(buf, t->initial + track_off[1], track_len[1]);	/* no change */
	else
		memset(buf, 0xb0 + i, track_len[i]);
}

static int track_op(struct sim_media *sim, void *ctx)
{
	u8 buf[24];
	unsigned int i;

	for (i = 0; i < 3; i++) {
		track_store(ctx, i, buf);
		pmdisk_media_write(&sim->media, track_off[i], buf, track_len[i]);
	}
	return 0;
}

static int track_check(struct sim_media *sim, void *ctx, u64 store, long words)
{
	struct track *t = ctx;
	u64 full = store ? store - 1 : 3, i, landed;
	u8 want[TRACK_SIZE], buf[24];

	memcpy(want, t->initial, sizeof(want));
	for (i = 0; i < 3; i++) {
		landed = i < full ? track_len[i] : (i == full && store) ? (u64)words * 8 : 0;
		track_store(t, i, buf);
		memcpy(want + track_off[i], buf, landed);
	}
	t->checks++;
	if (store && words > 0 && (store == 2) == sim->cut_changed)
		return 2;	/* only store 2 writes what was there */
	t->unchanged += store == 2 && words > 0;
	if (memcmp(want, sim->bytes, sizeof(want)))
		return 1;
	/* a check that writes (a BTT loaded and used): undone by the next cut */
	memset(buf, 0xee, 8);
	return pmdisk_media_write(&sim->media, 4096 + 512, buf, 8) ? 3 : 0;
}

TEST(tracked_enumeration_restores_the_initial_image_at_every_cut)
{
	static struct track t;
	struct sim_media sim;
	u64 visited;

	fill(t.initial, sizeof(t.initial), 9);
	ASSERT_EQ(0, sim_media_init(&sim, TRACK_SIZE));
	ASSERT_EQ(0, sim_media_track_stores(&sim));
	EXPECT_EQ(0, sim_enumerate_cuts(&sim, t.initial, track_op, track_check, &t, &visited));
	/* 2 + 2 + 3 cut points and the completed run */
	EXPECT_EQ(8, visited);
	EXPECT_EQ(visited, t.checks);
	EXPECT_EQ(1, t.unchanged);
	sim_media_free(&sim);
}

TEST_HARNESS_MAIN
