// SPDX-License-Identifier: GPL-2.0
/*
 * The BTT engine (driver/core/btt.c): its layout against Linux nd_btt's
 * golden vectors, what format writes byte for byte, sector semantics
 * (identity, discard, error state, range checks), load's refusals, power
 * cuts at every store of random write sequences, of load's roll-forward, of
 * format and of the (0,2) flog repair, the pre-4.15 flog layout and PMDK's
 * flagged flog entries, damage and random corruption, and four threads on
 * their own lanes.
 *
 * Every sector the tests write carries a per-sector pattern naming the write
 * (its "tag") in every 8-byte word, so a sector that mixes two writes, or a
 * write and stale data, names no tag and is caught.
 */
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "kselftest_harness.h"
#include "simmedia.h"
#include "../../driver/core/btt.h"
#include "reference.h"

#define KiB (1ULL << 10)
#define MiB (1ULL << 20)
#define GiB (1ULL << 30)
#define LANES PMDISK_BTT_NFREE
#define SECTOR_MAX 4096U

/* ---- random numbers ------------------------------------------------------ */

/* xorshift64*: fixed seeds, so a failure reproduces on every run. */
struct rng {
	u64 s;
};

static u64 rnd(struct rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 0x2545f4914f6cdd1dULL;
}

static u64 rnd_below(struct rng *r, u64 n)
{
	return n ? rnd(r) % n : 0;
}

/* ---- the format, written out from the reference (libnvdimm-facts 1) ------ */


/* The checksum an info block must carry: Fletcher-64 with the field zero. */
static u64 ref_info_checksum(const struct pmdisk_btt_info *info)
{
	struct pmdisk_btt_info copy = *info;

	copy.checksum = 0;
	return ref_fletcher64(&copy, sizeof(copy));
}

/* Re-seal an info block a test edited on purpose. */
static void info_seal(struct pmdisk_btt_info *info)
{
	info->checksum = cpu_to_le64(ref_info_checksum(info));
}

/* One arena, by the alloc_arena() formula of libnvdimm-facts 1.5. */
struct ref_arena {
	u64 internal_nlba, external_nlba;
	u64 dataoff, mapoff, logoff, info2off;	/* relative to the arena */
};

static void ref_arena(u64 size, u32 lbasize, struct ref_arena *r)
{
	u64 logsize = 16 * KiB;		/* roundup(256 lanes * 64 B, 4 KiB) */
	u64 avail = size / 4096 * 4096 - 2 * 4096 - logsize;
	u64 ilba = (lbasize + 63) / 64 * 64;
	u64 mapsize;

	r->internal_nlba = (avail - 4096) / (ilba + 4);
	r->external_nlba = r->internal_nlba - 256;
	mapsize = (r->external_nlba * 4 + 4095) / 4096 * 4096;
	r->dataoff = 4096;
	r->mapoff = r->dataoff + avail - mapsize;
	r->logoff = r->mapoff + mapsize;
	r->info2off = r->logoff + logsize;
}

/* ---- sector patterns ----------------------------------------------------- */

/*
 * A tag names what a sector must read as. Written sectors get tags from 1
 * up; right after format, block b of the data area holds TAG_INIT | b (the
 * tests fill it so: format does not touch data).
 */
#define TAG_ZERO	0U		/* reads as zeroes (discarded) */
#define TAG_INIT	0x40000000U	/* | block: the data area's own content */
#define TAG_ERR		0xfffffffdU	/* the read failed, not with EIO */
#define TAG_EIO		0xfffffffeU	/* the read failed with EIO */
#define TAG_BAD		0xffffffffU	/* matches no pattern: torn or stale */

/* Word j of a sector holding @tag: the tag in every word, so mixes show. */
static u64 pattern_word(u32 tag, size_t j)
{
	return (u64)tag << 32 | (u32)(j + 1);
}

static void fill_sector(void *buf, u32 len, u32 tag)
{
	u64 *w = buf;
	size_t j;

	for (j = 0; j < len / 8; j++)
		w[j] = cpu_to_le64(pattern_word(tag, j));
}

/* The tag @buf holds whole, TAG_ZERO for zeroes, or TAG_BAD. */
static u32 sector_tag(const void *buf, u32 len)
{
	const u64 *w = buf;
	u32 tag = le64_to_cpu(w[0]) >> 32;
	size_t j;

	for (j = 0; j < len / 8; j++)
		if (le64_to_cpu(w[j]) != pattern_word(tag, j))
			break;
	if (j == len / 8)
		return tag;
	for (j = 0; j < len / 8; j++)
		if (w[j])
			return TAG_BAD;
	return TAG_ZERO;
}

/* ---- a disk: a journaled simulated medium holding one BTT ---------------- */

/*
 * The BTT writes through a thin medium that journals the old bytes of each
 * store before passing it on to the simulated medium. Rewinding the journal
 * restores the image far faster than copying all of it back, which is what
 * makes visiting tens of thousands of power cuts on a 16 MiB BTT
 * affordable. Direct edits of sim.bytes (to damage the media on purpose)
 * bypass it; commit them with disk_commit().
 */
struct undo {
	u64 off;
	size_t len;
	u8 *old;
};

struct disk {
	struct pmdisk_media media;	/* what the BTT gets */
	struct sim_media sim;		/* the durable image */
	struct undo *undo;		/* stores since the last commit */
	size_t nundo, undo_cap;
	bool journal;			/* off while threads write */
	struct pmdisk_btt_id id;	/* the BTT on this disk */
	u32 lbasize;
	u64 nlba;
	struct pmdisk_btt_geo geo;	/* arena 0 */
	u32 *model;			/* [nlba]: the tag each sector reads as */
	u8 *buf, *pat;			/* SECTOR_MAX each: read into, write from */
	u32 next_tag;
	u64 poison_off, poison_len;	/* reads touching this range fail (EIO) */
};

static struct disk *to_disk(struct pmdisk_media *m)
{
	return (struct disk *)((char *)m - offsetof(struct disk, media));
}

static int disk_read(struct pmdisk_media *m, u64 off, void *buf, size_t len)
{
	struct disk *d = to_disk(m);

	if (d->poison_len && off < d->poison_off + d->poison_len &&
	    d->poison_off < off + len)
		return -EIO;	/* poison, as copy_mc_to_kernel() reports it */
	return pmdisk_media_read(&d->sim.media, off, buf, len);
}

static int disk_write(struct pmdisk_media *m, u64 off, const void *buf, size_t len)
{
	struct disk *d = to_disk(m);

	if (d->journal && !d->sim.power_lost) {
		struct undo *u;

		if (d->nundo == d->undo_cap) {
			d->undo_cap = d->undo_cap ? 2 * d->undo_cap : 256;
			d->undo = realloc(d->undo, d->undo_cap * sizeof(*d->undo));
			if (!d->undo)
				abort();
		}
		u = &d->undo[d->nundo++];
		u->off = off;
		u->len = len;
		u->old = malloc(len ? len : 1);
		if (!u->old)
			abort();
		memcpy(u->old, d->sim.bytes + off, len);
	}
	return pmdisk_media_write(&d->sim.media, off, buf, len);
}

static void disk_persist(struct pmdisk_media *m)
{
	pmdisk_media_persist(&to_disk(m)->sim.media);
}

static const struct pmdisk_media_ops disk_ops = {
	.read = disk_read,
	.write = disk_write,
	.persist = disk_persist,
};

/* Make the image as it is now the one rewinds return to. */
static void disk_commit(struct disk *d)
{
	while (d->nundo)
		free(d->undo[--d->nundo].old);
	sim_media_reboot(&d->sim);
}

/* Undo the stores after the first @mark since the last commit. */
static void disk_rewind_to(struct disk *d, size_t mark)
{
	while (d->nundo > mark) {
		struct undo *u = &d->undo[--d->nundo];

		memcpy(d->sim.bytes + u->off, u->old, u->len);
		free(u->old);
	}
}

/* Undo every store since the last commit, and power back on. */
static void disk_rewind(struct disk *d)
{
	disk_rewind_to(d, 0);
	sim_media_reboot(&d->sim);
}

static void disk_close(struct disk *d)
{
	disk_commit(d);
	free(d->undo);
	free(d->model);
	free(d->buf);
	free(d->pat);
	sim_media_free(&d->sim);
	memset(d, 0, sizeof(*d));
}

static void make_id(struct pmdisk_btt_id *id, u64 start, u8 uuid_tag, u8 parent_tag)
{
	memset(id, 0, sizeof(*id));
	pmdisk_btt_id_for_start(id, start);
	memset(id->uuid, uuid_tag, sizeof(id->uuid));
	memset(id->parent_uuid, parent_tag, sizeof(id->parent_uuid));
}

/*
 * A medium of @size bytes with a fresh single-arena BTT from @start, its
 * data area filled with TAG_INIT patterns so even never-written sectors
 * have known content. Returns 0 or an errno.
 */
static int disk_open(struct disk *d, u64 size, u64 start, u32 lbasize)
{
	u64 b;
	int rc;

	memset(d, 0, sizeof(*d));
	rc = sim_media_init(&d->sim, size);
	if (rc)
		return rc;
	d->media.ops = &disk_ops;
	d->media.size = size;
	make_id(&d->id, start, 0xb7, 0x5a);
	d->lbasize = lbasize;
	d->next_tag = 1;
	rc = pmdisk_btt_format(&d->media, &d->id, lbasize, NULL, NULL);
	if (rc)
		return rc;
	if (pmdisk_btt_layout(start, size - start, lbasize, &d->geo, 1) != 1)
		return -EINVAL;
	d->nlba = d->geo.external_nlba;
	d->model = calloc(d->nlba, sizeof(*d->model));
	d->buf = malloc(SECTOR_MAX);
	d->pat = malloc(SECTOR_MAX);
	if (!d->model || !d->buf || !d->pat)
		return -ENOMEM;
	for (b = 0; b < d->geo.internal_nlba; b++)
		fill_sector(d->sim.bytes + d->geo.dataoff + b * d->geo.internal_lbasize,
			    lbasize, TAG_INIT | b);
	for (b = 0; b < d->nlba; b++)
		d->model[b] = TAG_INIT | b;
	d->journal = true;
	return 0;
}

static int disk_load(struct disk *d, struct pmdisk_btt *btt)
{
	return pmdisk_btt_load(btt, &d->media, &d->id, NULL, NULL);
}

/* Read @lba and name what came back: a tag, TAG_ZERO, TAG_EIO, TAG_ERR, TAG_BAD. */
static u32 read_tag(struct disk *d, struct pmdisk_btt *btt, unsigned int lane, u64 lba)
{
	int rc = pmdisk_btt_read(btt, lane, lba, d->buf);

	if (rc == -EIO)
		return TAG_EIO;
	if (rc)
		return TAG_ERR;
	return sector_tag(d->buf, btt->lbasize);
}

static int write_tag(struct disk *d, struct pmdisk_btt *btt, unsigned int lane,
		     u64 lba, u32 tag)
{
	fill_sector(d->pat, btt->lbasize, tag);
	return pmdisk_btt_write(btt, lane, lba, d->pat);
}

/* Write a fresh tag to @lba and remember it in the model. */
static int model_write(struct disk *d, struct pmdisk_btt *btt, unsigned int lane, u64 lba)
{
	u32 tag = d->next_tag++;
	int rc = write_tag(d, btt, lane, lba, tag);

	if (!rc)
		d->model[lba] = tag;
	return rc;
}

/* Notes from load and check, kept for failure messages. */
struct notes {
	char text[2048];
};

static void note_add(void *ctx, const char *msg)
{
	struct notes *n = ctx;
	size_t l = strlen(n->text);

	snprintf(n->text + l, sizeof(n->text) - l, "%s%s", l ? "; " : "", msg);
}

static int check_btt(struct disk *d, const struct pmdisk_btt_id *id, bool repair,
		     struct pmdisk_btt_check_report *r, struct notes *n)
{
	if (n)
		n->text[0] = 0;
	return pmdisk_btt_check(&d->media, id, repair, r, n ? note_add : NULL, NULL, n);
}

/* Check passes and map plus free blocks name every block exactly once. */
static void assert_clean(struct __test_metadata *_metadata, struct disk *d,
			 const struct pmdisk_btt_id *id, const char *where)
{
	struct pmdisk_btt_check_report r;
	struct notes n;
	int rc = check_btt(d, id ? id : &d->id, false, &r, &n);

	ASSERT_EQ(0, rc) TH_LOG("%s: check: %s", where, n.text);
	ASSERT_EQ(0, r.blocks_missing) TH_LOG("%s", where);
	ASSERT_EQ(0, r.blocks_duplicate) TH_LOG("%s", where);
	ASSERT_EQ(0, r.flog_bad) TH_LOG("%s", where);
	ASSERT_EQ(0, r.map_bad) TH_LOG("%s", where);
}

/* Every sector reads as the model says. */
static void assert_model(struct __test_metadata *_metadata, struct disk *d,
			 struct pmdisk_btt *btt, const char *where)
{
	u64 lba;

	for (lba = 0; lba < d->nlba; lba++) {
		u32 got = read_tag(d, btt, lba % LANES, lba);

		ASSERT_EQ(d->model[lba], got) TH_LOG("%s: lba %llu", where,
						     (unsigned long long)lba);
	}
}

/* ---- raw flog and map access --------------------------------------------- */

static u64 flog_at(const struct pmdisk_btt_geo *g, unsigned int lane, unsigned int slot)
{
	return g->logoff + (u64)lane * PMDISK_BTT_FLOG_GROUP +
	       slot * sizeof(struct pmdisk_btt_flog);
}

static struct pmdisk_btt_flog flog_get(struct disk *d, unsigned int lane, unsigned int slot)
{
	struct pmdisk_btt_flog e;

	memcpy(&e, d->sim.bytes + flog_at(&d->geo, lane, slot), sizeof(e));
	return e;
}

static void flog_put(struct disk *d, unsigned int lane, unsigned int slot,
		     const struct pmdisk_btt_flog *e)
{
	memcpy(d->sim.bytes + flog_at(&d->geo, lane, slot), e, sizeof(*e));
}

static bool flog_zero(const struct pmdisk_btt_flog *e)
{
	return !e->lba && !e->old_map && !e->new_map && !e->seq;
}

/* The slot of a lane's newer live entry, by the 1 -> 2 -> 3 -> 1 rule. */
static unsigned int flog_newest(struct disk *d, unsigned int lane, unsigned int second)
{
	u32 s0 = le32_to_cpu(flog_get(d, lane, 0).seq);
	u32 s1 = le32_to_cpu(flog_get(d, lane, second).seq);

	if (!s1)
		return 0;
	return s0 % 3 + 1 == s1 ? second : 0;
}

static u32 map_get(struct disk *d, const struct pmdisk_btt_geo *g, u32 premap)
{
	__le32 e;

	memcpy(&e, d->sim.bytes + g->mapoff + 4ULL * premap, sizeof(e));
	return le32_to_cpu(e);
}

static void map_put(struct disk *d, const struct pmdisk_btt_geo *g, u32 premap, u32 entry)
{
	__le32 e = cpu_to_le32(entry);

	memcpy(d->sim.bytes + g->mapoff + 4ULL * premap, &e, sizeof(e));
}

/*
 * Coverage counted independently of btt.c, by the rule ndctl's
 * btt_check_bitmap() applies: the map's blocks and each lane's free block
 * (old_map of its newer log entry, flags stripped) name every internal
 * block of arena 0 exactly once. Valid where no switch waits for a
 * roll-forward, i.e. after a load.
 */
static void assert_covered(struct __test_metadata *_metadata, struct disk *d,
			   const char *where)
{
	const struct pmdisk_btt_geo *g = &d->geo;
	u8 *seen = calloc(g->internal_nlba, 1);
	u32 premap, lane, b, dup = ~0U, wild = ~0U;
	u64 named = 0;

	const __le32 *map = (const __le32 *)(d->sim.bytes + g->mapoff);	/* 4K aligned */

	ASSERT_NE(NULL, seen);
	for (premap = 0; premap < g->external_nlba; premap++) {
		u32 e = le32_to_cpu(map[premap]);

		b = e & PMDISK_BTT_MAP_NORMAL ? e & PMDISK_BTT_MAP_BLOCK : premap;
		if (b >= g->internal_nlba)
			wild = premap;
		else if (seen[b]++)
			dup = b;
		else
			named++;
	}
	for (lane = 0; lane < LANES; lane++) {
		struct pmdisk_btt_flog s1 = flog_get(d, lane, 1);
		unsigned int second = flog_zero(&s1) ? 2 : 1;
		struct pmdisk_btt_flog e = flog_get(d, lane, flog_newest(d, lane, second));

		b = le32_to_cpu(e.old_map) & PMDISK_BTT_MAP_BLOCK;
		if (b >= g->internal_nlba)
			wild = b;
		else if (seen[b]++)
			dup = b;
		else
			named++;
	}
	free(seen);
	ASSERT_EQ(~0U, wild) TH_LOG("%s: a block beyond the arena", where);
	ASSERT_EQ(~0U, dup) TH_LOG("%s: block %u named twice", where, dup);
	ASSERT_EQ(g->internal_nlba, named) TH_LOG("%s", where);
}

static struct pmdisk_btt_info *info_at(struct disk *d, u64 off)
{
	return (struct pmdisk_btt_info *)(d->sim.bytes + off);
}

/* ---- power cuts ---------------------------------------------------------- */

/*
 * Which torn prefix of a store of @words words to visit after @w. Stores of
 * at most @full words: every prefix. Larger ones (4 KiB data blocks, info
 * blocks or format's zeroing, as the caller decides) are sampled at 0, 1,
 * half and all-but-one words: what lands of a data block is invisible until
 * the log names it, so its prefixes differ only in bytes nobody may read.
 * Returns @words when done.
 */
static u64 next_prefix(u64 w, u64 words, u64 full)
{
	const u64 sample[] = { 1, words / 2, words - 1 };
	size_t i;

	if (words <= full)
		return w + 1;
	for (i = 0; i < ARRAY_SIZE(sample); i++)
		if (sample[i] > w && sample[i] < words)
			return sample[i];
	return words;
}

typedef int (*cut_op_fn)(struct disk *d, void *ctx);
typedef void (*cut_check_fn)(struct __test_metadata *_metadata, struct disk *d,
			     void *ctx, u64 store, long words);

/*
 * Run @op from the committed image once per power cut: store n = 1, 2, ...
 * each torn after every prefix next_prefix() picks, power back on, then
 * @check the image (store 0, words -1: @op ran to its end). The image is
 * rewound before each run and after the walk. Returns the cut points seen.
 */
static u64 walk_cuts(struct __test_metadata *_metadata, struct disk *d,
		     cut_op_fn op, cut_check_fn check, void *ctx, u64 full)
{
	u64 visited = 0, n;

	for (n = 1; ; n++) {
		u64 w = 0, words = 1;

		while (w < words) {
			disk_rewind(d);
			sim_media_arm_cut(&d->sim, n, (long)w);
			op(d, ctx);
			if (!d->sim.power_lost) {
				sim_media_reboot(&d->sim);
				check(_metadata, d, ctx, 0, -1);
				disk_rewind(d);
				return visited + 1;
			}
			words = d->sim.cut_store_words;
			sim_media_reboot(&d->sim);
			check(_metadata, d, ctx, n, (long)w);
			visited++;
			w = next_prefix(w, words, full);
		}
	}
}

/* ---- 1. layout ----------------------------------------------------------- */

TEST(layout_matches_linux_golden_vectors)
{
	static const struct { u64 raw; u64 bytes; } cap[] = {
		{ 18 * MiB, 0x11b5400 }, { 20 * MiB, 0x13b1400 }, { 27 * MiB, 0x1aa3600 },
	};
	struct pmdisk_btt_geo g[2];
	size_t i;

	/* ndctl test/libndctl.c check_btt_size(): BTT 2.0 at 0, 512-byte sectors */
	for (i = 0; i < ARRAY_SIZE(cap); i++) {
		ASSERT_EQ(1, pmdisk_btt_layout(0, cap[i].raw, 512, g, 2));
		EXPECT_EQ(cap[i].bytes, (u64)g[0].external_nlba * 512);
		EXPECT_EQ(cap[i].bytes, pmdisk_btt_nlba(0, cap[i].raw, 512) * 512);
	}
	ASSERT_EQ(1, pmdisk_btt_layout(0, 18 * MiB, 512, g, 2));
	EXPECT_EQ(0, g[0].off);
	EXPECT_EQ(0, g[0].nextoff);
	EXPECT_EQ(512, g[0].external_lbasize);
	EXPECT_EQ(512, g[0].internal_lbasize);
	EXPECT_EQ(256, g[0].nfree);
	EXPECT_EQ(36522, g[0].internal_nlba);
	EXPECT_EQ(36266, g[0].external_nlba);
	EXPECT_EQ(0x1000, g[0].dataoff);
	EXPECT_EQ(0x11d7000, g[0].mapoff);
	EXPECT_EQ(0x11fb000, g[0].logoff);
	EXPECT_EQ(0x11ff000, g[0].info2off);

	/* ndctl test/btt-pad-compat.xxd: 64 MiB, 2.0, 4 KiB sectors */
	ASSERT_EQ(1, pmdisk_btt_layout(0, 64 * MiB, 4096, g, 2));
	EXPECT_EQ(4096, g[0].internal_lbasize);
	EXPECT_EQ(16361, g[0].internal_nlba);
	EXPECT_EQ(16105, g[0].external_nlba);
	EXPECT_EQ(0x3feb000, g[0].mapoff);
	EXPECT_EQ(0x3ffb000, g[0].logoff);
	EXPECT_EQ(0x3fff000, g[0].info2off);

	/* a 1.1 BTT at 4 KiB: the same arena, shifted */
	ASSERT_EQ(1, pmdisk_btt_layout(4096, 18 * MiB, 512, g, 2));
	EXPECT_EQ(4096, g[0].off);
	EXPECT_EQ(4096 + 0x11d7000, g[0].mapoff);
	EXPECT_EQ(4096 + 0x11ff000, g[0].info2off);
	EXPECT_EQ(36266, g[0].external_nlba);
}

TEST(layout_has_no_arena_below_16_mib)
{
	struct pmdisk_btt_geo g;
	struct disk d;

	EXPECT_EQ(0, pmdisk_btt_layout(0, 16 * MiB - 1, 512, &g, 1));
	EXPECT_EQ(0, pmdisk_btt_nlba(0, 16 * MiB - 1, 512));
	EXPECT_EQ(0, pmdisk_btt_nlba(0, 0, 4096));
	EXPECT_EQ(1, pmdisk_btt_layout(0, 16 * MiB, 512, &g, 1));
	EXPECT_EQ(g.external_nlba, pmdisk_btt_nlba(0, 16 * MiB, 512));
	/* only 512 and 4096 byte sectors */
	EXPECT_EQ(-EINVAL, pmdisk_btt_layout(0, 20 * MiB, 520, &g, 1));
	EXPECT_EQ(0, pmdisk_btt_nlba(0, 20 * MiB, 520));
	/* a 16 MiB namespace holds no 1.1 BTT: its rawsize is 16 MiB - 4 KiB */
	EXPECT_EQ(-ENOSPC, disk_open(&d, 16 * MiB, 4096, 512));
	disk_close(&d);
}

TEST(layout_splits_at_512_gib_and_drops_a_tail_under_16_mib)
{
	struct pmdisk_btt_geo g[4], small;
	struct ref_arena r;
	u64 starts[] = { 0, 4096 };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(starts); i++) {
		u64 s = starts[i];

		/* 512 GiB + 20 MiB: a full arena, then one of 20 MiB */
		ASSERT_EQ(2, pmdisk_btt_layout(s, 512 * GiB + 20 * MiB, 512, g, 4));
		ref_arena(512 * GiB, 512, &r);
		EXPECT_EQ(s, g[0].off);
		EXPECT_EQ(512 * GiB, g[0].nextoff);
		EXPECT_EQ(r.internal_nlba, g[0].internal_nlba);
		EXPECT_EQ(r.external_nlba, g[0].external_nlba);
		EXPECT_EQ(s + r.mapoff, g[0].mapoff);
		EXPECT_EQ(s + r.logoff, g[0].logoff);
		EXPECT_EQ(s + 512 * GiB - 4096, g[0].info2off);
		ASSERT_EQ(1, pmdisk_btt_layout(0, 20 * MiB, 512, &small, 1));
		EXPECT_EQ(s + 512 * GiB, g[1].off);
		EXPECT_EQ(0, g[1].nextoff);
		EXPECT_EQ(small.internal_nlba, g[1].internal_nlba);
		EXPECT_EQ(small.external_nlba, g[1].external_nlba);
		EXPECT_EQ(small.dataoff, g[1].dataoff - g[1].off);
		EXPECT_EQ(small.mapoff, g[1].mapoff - g[1].off);
		EXPECT_EQ(small.logoff, g[1].logoff - g[1].off);
		EXPECT_EQ(small.info2off, g[1].info2off - g[1].off);
		EXPECT_EQ((u64)g[0].external_nlba + g[1].external_nlba,
			  pmdisk_btt_nlba(s, 512 * GiB + 20 * MiB, 512));
		/* the caller's array is too short */
		EXPECT_EQ(-E2BIG, pmdisk_btt_layout(s, 512 * GiB + 20 * MiB, 512, g, 1));

		/* 512 GiB + 10 MiB: one arena, the tail unused */
		ASSERT_EQ(1, pmdisk_btt_layout(s, 512 * GiB + 10 * MiB, 512, g, 4));
		EXPECT_EQ(0, g[0].nextoff);
		EXPECT_EQ(s + 512 * GiB - 4096, g[0].info2off);
		EXPECT_EQ(g[0].external_nlba, pmdisk_btt_nlba(s, 512 * GiB + 10 * MiB, 512));

		/* 1 TiB + 16 MiB: three arenas, the last exactly the minimum */
		ASSERT_EQ(3, pmdisk_btt_layout(s, 1024 * GiB + 16 * MiB, 4096, g, 4));
		EXPECT_EQ(512 * GiB, g[1].nextoff);
		EXPECT_EQ(s + 1024 * GiB, g[2].off);
		EXPECT_EQ(0, g[2].nextoff);
		ref_arena(16 * MiB, 4096, &r);
		EXPECT_EQ(r.external_nlba, g[2].external_nlba);
		/* one byte less and the last arena is gone */
		ASSERT_EQ(2, pmdisk_btt_layout(s, 1024 * GiB + 16 * MiB - 1, 4096, g, 4));
		EXPECT_EQ(0, g[1].nextoff);
	}
}

TEST(layout_follows_the_alloc_arena_formula_at_any_size)
{
	struct rng rng = { 0x1a70u };
	struct pmdisk_btt_geo g;
	struct ref_arena r;
	int i;

	for (i = 0; i < 2000; i++) {
		u64 size = 16 * MiB + rnd_below(&rng, 512 * GiB - 16 * MiB + 1);
		u32 lbasize = i & 1 ? 4096 : 512;

		if (i < 4)	/* the extremes */
			size = i < 2 ? 16 * MiB : 512 * GiB;
		ASSERT_EQ(1, pmdisk_btt_layout(0, size, lbasize, &g, 1));
		ref_arena(size, lbasize, &r);
		ASSERT_EQ(r.internal_nlba, g.internal_nlba) TH_LOG("size %llu", size);
		ASSERT_EQ(r.external_nlba, g.external_nlba);
		ASSERT_EQ(r.dataoff, g.dataoff);
		ASSERT_EQ(r.mapoff, g.mapoff);
		ASSERT_EQ(r.logoff, g.logoff);
		ASSERT_EQ(r.info2off, g.info2off);
		ASSERT_EQ(size / 4096 * 4096 - 4096, g.info2off);
		ASSERT_LT(g.internal_nlba, 1U << 30);
	}
}

/* ---- 2. format and load -------------------------------------------------- */

TEST(format_writes_what_linux_writes_and_load_finds_it)
{
	static const u64 sizes[] = { 20 * MiB, 64 * MiB };
	static const u64 starts[] = { 0, 4096 };
	static const u32 lbasizes[] = { 512, 4096 };
	unsigned int c;

	for (c = 0; c < 8; c++) {	/* every size, start and sector size */
		u64 size = sizes[c & 1], start = starts[(c >> 1) & 1];
		u32 lbasize = lbasizes[c >> 2];
		struct pmdisk_btt_info *info, *info2;
		struct pmdisk_btt_id id;
		struct pmdisk_btt btt;
		struct sim_media sim;
		struct ref_arena r;
		u64 raw = size - start, i;
		char where[64];
		u32 lane;

		snprintf(where, sizeof(where), "%llu MiB from %llu, %u-byte sectors",
			 size / MiB, start, lbasize);
		ASSERT_EQ(0, sim_media_init(&sim, size));
		/* garbage everywhere, so every zero below was written by format */
		memset(sim.bytes, 0xa5, size);
		make_id(&id, start, 0x11, 0x22);
		ASSERT_EQ(0, pmdisk_btt_format(&sim.media, &id, lbasize, NULL, NULL));
		ref_arena(raw, lbasize, &r);

		info = (struct pmdisk_btt_info *)(sim.bytes + start);
		EXPECT_EQ(0, memcmp(info->sig, "BTT_ARENA_INFO\0\0", 16)) TH_LOG("%s", where);
		EXPECT_EQ(0, memcmp(info->uuid, id.uuid, 16));
		EXPECT_EQ(0, memcmp(info->parent_uuid, id.parent_uuid, 16));
		EXPECT_EQ(0, le32_to_cpu(info->flags));
		EXPECT_EQ(start ? 1 : 2, le16_to_cpu(info->version_major));
		EXPECT_EQ(start ? 1 : 0, le16_to_cpu(info->version_minor));
		EXPECT_EQ(lbasize, le32_to_cpu(info->external_lbasize));
		EXPECT_EQ(lbasize, le32_to_cpu(info->internal_lbasize));
		EXPECT_EQ(r.external_nlba, le32_to_cpu(info->external_nlba)) TH_LOG("%s", where);
		EXPECT_EQ(r.internal_nlba, le32_to_cpu(info->internal_nlba));
		EXPECT_EQ(256, le32_to_cpu(info->nfree));
		EXPECT_EQ(4096, le32_to_cpu(info->infosize));
		EXPECT_EQ(0, le64_to_cpu(info->nextoff));
		EXPECT_EQ(4096, le64_to_cpu(info->dataoff));
		EXPECT_EQ(r.mapoff, le64_to_cpu(info->mapoff)) TH_LOG("%s", where);
		EXPECT_EQ(r.logoff, le64_to_cpu(info->logoff));
		EXPECT_EQ(r.info2off, le64_to_cpu(info->info2off));
		EXPECT_EQ(raw / 4096 * 4096 - 4096, r.info2off);
		for (i = 0; i < sizeof(info->padding); i++)
			ASSERT_EQ(0, info->padding[i]) TH_LOG("%s: padding byte %llu", where, i);
		EXPECT_EQ(ref_info_checksum(info), le64_to_cpu(info->checksum)) TH_LOG("%s", where);

		info2 = (struct pmdisk_btt_info *)(sim.bytes + start + r.info2off);
		EXPECT_EQ(0, memcmp(info, info2, sizeof(*info))) TH_LOG("%s: info2", where);

		/* flog: lane i slot 0 = {i, ext + i, ext + i, 1}, the rest zero */
		for (lane = 0; lane < LANES; lane++) {
			const u8 *grp = sim.bytes + start + r.logoff + 64ULL * lane;
			struct pmdisk_btt_flog e, zero = { 0 };

			memcpy(&e, grp, sizeof(e));
			ASSERT_EQ(lane, le32_to_cpu(e.lba)) TH_LOG("%s: lane %u", where, lane);
			ASSERT_EQ(r.external_nlba + lane, le32_to_cpu(e.old_map));
			ASSERT_EQ(r.external_nlba + lane, le32_to_cpu(e.new_map));
			ASSERT_EQ(1, le32_to_cpu(e.seq));
			for (i = 1; i < 4; i++)
				ASSERT_EQ(0, memcmp(grp + 16 * i, &zero, 16))
					TH_LOG("%s: lane %u slot %llu", where, lane, i);
		}
		/* map: all identity */
		for (i = 0; i < r.external_nlba * 4; i++)
			ASSERT_EQ(0, sim.bytes[start + r.mapoff + i]) TH_LOG("%s: map byte %llu", where, i);

		ASSERT_EQ(0, pmdisk_btt_load(&btt, &sim.media, &id, NULL, NULL)) TH_LOG("%s", where);
		EXPECT_EQ(pmdisk_btt_nlba(start, raw, lbasize), btt.nlba);
		EXPECT_EQ(r.external_nlba, btt.nlba);
		EXPECT_EQ(lbasize, btt.lbasize);
		EXPECT_EQ(1, btt.narenas);
		EXPECT_EQ(256, btt.nlanes);
		EXPECT_FALSE(btt.used_backup);
		EXPECT_EQ(0, memcmp(btt.id.uuid, id.uuid, 16));
		EXPECT_EQ(start, btt.arenas[0].geo.off);
		EXPECT_EQ(start + r.mapoff, btt.arenas[0].geo.mapoff);
		EXPECT_EQ(start + r.logoff, btt.arenas[0].geo.logoff);
		EXPECT_EQ(start + r.info2off, btt.arenas[0].geo.info2off);
		pmdisk_btt_release(&btt);
		sim_media_free(&sim);
	}
}

/* ---- 3. sectors ---------------------------------------------------------- */

FIXTURE(disk) {
	struct disk d;
	struct pmdisk_btt btt;
};

FIXTURE_VARIANT(disk) {
	u64 start;
	u32 lbasize;
};

FIXTURE_VARIANT_ADD(disk, v2_0_512) { 0, 512 };
FIXTURE_VARIANT_ADD(disk, v1_1_4096) { 4096, 4096 };

FIXTURE_SETUP(disk)
{
	ASSERT_EQ(0, disk_open(&self->d, 20 * MiB, variant->start, variant->lbasize));
	ASSERT_EQ(0, disk_load(&self->d, &self->btt));
}

FIXTURE_TEARDOWN(disk)
{
	pmdisk_btt_release(&self->btt);
	disk_close(&self->d);
}

TEST_F(disk, fresh_btt_reads_each_sector_from_its_own_block)
{
	/* identity map: sector i is data block i, whatever format found there */
	assert_model(_metadata, &self->d, &self->btt, "fresh");
	assert_clean(_metadata, &self->d, NULL, "fresh");
}

TEST_F(disk, random_writes_read_back_after_reload)
{
	struct disk *d = &self->d;
	struct rng rng = { 0x3b17u };
	u64 hot[16];
	int i;

	for (i = 0; i < 16; i++)
		hot[i] = rnd_below(&rng, d->nlba);
	hot[0] = 0;
	hot[1] = d->nlba - 1;
	for (i = 0; i < 6000; i++) {
		/* half to a few hot sectors, so sectors are rewritten many times */
		u64 lba = i & 1 ? hot[rnd_below(&rng, 16)] : rnd_below(&rng, d->nlba);
		unsigned int lane = rnd_below(&rng, LANES);

		ASSERT_EQ(0, model_write(d, &self->btt, lane, lba));
		ASSERT_EQ(d->model[lba], read_tag(d, &self->btt, rnd_below(&rng, LANES), lba));
		if (i % 2000 == 1999) {
			pmdisk_btt_release(&self->btt);
			ASSERT_EQ(0, disk_load(d, &self->btt));
			assert_model(_metadata, d, &self->btt, "after reload");
			assert_clean(_metadata, d, NULL, "after reload");
			assert_covered(_metadata, d, "after reload");
		}
	}
}

TEST_F(disk, discard_reads_zeroes_until_written)
{
	struct disk *d = &self->d;
	u64 lbas[] = { 0, 1, 77, d->nlba - 1 };
	size_t i;

	ASSERT_EQ(0, model_write(d, &self->btt, 3, 77));
	for (i = 0; i < ARRAY_SIZE(lbas); i++) {
		/* a never-written (identity) sector and a written one alike */
		ASSERT_EQ(0, pmdisk_btt_discard(&self->btt, lbas[i]));
		d->model[lbas[i]] = TAG_ZERO;
	}
	ASSERT_EQ(0, pmdisk_btt_discard(&self->btt, 1));	/* twice */
	assert_model(_metadata, d, &self->btt, "discarded");
	assert_clean(_metadata, d, NULL, "discarded");
	pmdisk_btt_release(&self->btt);
	ASSERT_EQ(0, disk_load(d, &self->btt));
	assert_model(_metadata, d, &self->btt, "discarded, reloaded");
	for (i = 0; i < ARRAY_SIZE(lbas); i++)
		ASSERT_EQ(0, model_write(d, &self->btt, i, lbas[i]));
	assert_model(_metadata, d, &self->btt, "rewritten");
	assert_clean(_metadata, d, NULL, "rewritten");
	assert_covered(_metadata, d, "rewritten");
}

TEST_F(disk, set_error_reads_eio_until_written)
{
	struct disk *d = &self->d;
	u64 lbas[] = { 0, 5, 99, d->nlba - 1 };
	size_t i;

	ASSERT_EQ(0, model_write(d, &self->btt, 3, 99));
	ASSERT_EQ(0, pmdisk_btt_discard(&self->btt, 5));
	for (i = 0; i < ARRAY_SIZE(lbas); i++) {
		ASSERT_EQ(0, pmdisk_btt_set_error(&self->btt, lbas[i]));
		d->model[lbas[i]] = TAG_EIO;
	}
	assert_model(_metadata, d, &self->btt, "bad");
	assert_clean(_metadata, d, NULL, "bad");
	pmdisk_btt_release(&self->btt);
	ASSERT_EQ(0, disk_load(d, &self->btt));
	assert_model(_metadata, d, &self->btt, "bad, reloaded");
	/* a write clears the error, and the old block goes back to the lane */
	for (i = 0; i < ARRAY_SIZE(lbas); i++)
		ASSERT_EQ(0, model_write(d, &self->btt, 200 + i, lbas[i]));
	assert_model(_metadata, d, &self->btt, "rewritten");
	assert_clean(_metadata, d, NULL, "rewritten");
	/* and the freed blocks are reused cleanly */
	for (i = 0; i < ARRAY_SIZE(lbas); i++)
		ASSERT_EQ(0, model_write(d, &self->btt, 200 + i, 1000 + i));
	pmdisk_btt_release(&self->btt);
	ASSERT_EQ(0, disk_load(d, &self->btt));
	assert_model(_metadata, d, &self->btt, "reused");
	assert_clean(_metadata, d, NULL, "reused");
	assert_covered(_metadata, d, "reused");
}

TEST_F(disk, out_of_range_lba_or_lane_is_einval)
{
	struct pmdisk_btt *btt = &self->btt;
	u64 n = btt->nlba;

	ASSERT_EQ(self->d.nlba, n);
	EXPECT_EQ(-EINVAL, pmdisk_btt_read(btt, 0, n, self->d.buf));
	EXPECT_EQ(-EINVAL, pmdisk_btt_read(btt, 0, ~0ULL, self->d.buf));
	EXPECT_EQ(-EINVAL, pmdisk_btt_read(btt, 0, 1ULL << 32, self->d.buf));
	EXPECT_EQ(-EINVAL, write_tag(&self->d, btt, 0, n, 1));
	EXPECT_EQ(-EINVAL, write_tag(&self->d, btt, 0, n + (1ULL << 32), 1));
	EXPECT_EQ(-EINVAL, pmdisk_btt_discard(btt, n));
	EXPECT_EQ(-EINVAL, pmdisk_btt_set_error(btt, n));
	EXPECT_EQ(-EINVAL, pmdisk_btt_read(btt, LANES, 0, self->d.buf));
	EXPECT_EQ(-EINVAL, write_tag(&self->d, btt, LANES, 0, 1));
	EXPECT_EQ(-EINVAL, write_tag(&self->d, btt, ~0U, 0, 1));
	/* the last sector and lane are fine, and nothing above changed a thing */
	EXPECT_EQ(0, model_write(&self->d, btt, LANES - 1, n - 1));
	assert_model(_metadata, &self->d, btt, "after refused I/O");
	assert_clean(_metadata, &self->d, NULL, "after refused I/O");
}

TEST_F(disk, load_refuses_a_foreign_parent_uuid_and_the_other_version)
{
	struct disk *d = &self->d;
	struct pmdisk_btt_id want = d->id;
	struct pmdisk_btt_check_report r;
	struct pmdisk_btt btt;
	int rc;

	pmdisk_btt_release(&self->btt);
	want.parent_uuid[7] ^= 1;
	rc = pmdisk_btt_load(&btt, &d->media, &want, NULL, NULL);
	EXPECT_TRUE(rc == -ENOENT || rc == -EUCLEAN) TH_LOG("rc %d", rc);
	rc = check_btt(d, &want, false, &r, NULL);
	EXPECT_TRUE(rc == -ENOENT || rc == -EUCLEAN) TH_LOG("rc %d", rc);

	/* the version Linux would expect at the other offset */
	want = d->id;
	want.version_major = d->id.version_major == 2 ? 1 : 2;
	want.version_minor = d->id.version_minor == 0 ? 1 : 0;
	rc = pmdisk_btt_load(&btt, &d->media, &want, NULL, NULL);
	EXPECT_TRUE(rc == -ENOENT || rc == -EUCLEAN) TH_LOG("rc %d", rc);
	/* and the other start altogether (data there, no BTT) */
	make_id(&want, d->id.start ? 0 : 4096, 0, 0x5a);
	rc = pmdisk_btt_load(&btt, &d->media, &want, NULL, NULL);
	EXPECT_TRUE(rc == -ENOENT || rc == -EUCLEAN) TH_LOG("rc %d", rc);

	/* a zero parent uuid on media (label-less) suits any namespace */
	memset(d->id.parent_uuid, 0, 16);
	ASSERT_EQ(0, pmdisk_btt_format(&d->media, &d->id, d->lbasize, NULL, NULL));
	want = d->id;
	memset(want.parent_uuid, 0x77, 16);
	ASSERT_EQ(0, pmdisk_btt_load(&btt, &d->media, &want, NULL, NULL));
	EXPECT_EQ(d->nlba, btt.nlba);
	EXPECT_EQ(0, model_write(d, &btt, 1, 2));
	EXPECT_EQ(d->model[2], read_tag(d, &btt, 1, 2));
	pmdisk_btt_release(&btt);
	ASSERT_EQ(0, disk_load(d, &self->btt));
}

TEST(load_finds_no_btt_on_blank_or_too_small_media)
{
	struct pmdisk_btt_check_report r;
	struct pmdisk_btt_id id;
	struct pmdisk_btt btt;
	struct sim_media sim;

	make_id(&id, 0, 1, 0);
	ASSERT_EQ(0, sim_media_init(&sim, 20 * MiB));
	EXPECT_EQ(-ENOENT, pmdisk_btt_load(&btt, &sim.media, &id, NULL, NULL));
	EXPECT_EQ(-ENOENT, pmdisk_btt_check(&sim.media, &id, false, &r, NULL, NULL, NULL));
	id.claimed = true;
	EXPECT_EQ(-ENOENT, pmdisk_btt_load(&btt, &sim.media, &id, NULL, NULL));
	sim_media_free(&sim);

	/* too small for any arena: no BTT there either (btt.h: -ENOENT) */
	id.claimed = false;
	ASSERT_EQ(0, sim_media_init(&sim, 8 * MiB));
	EXPECT_EQ(-ENOSPC, pmdisk_btt_format(&sim.media, &id, 512, NULL, NULL));
	EXPECT_EQ(-ENOENT, pmdisk_btt_load(&btt, &sim.media, &id, NULL, NULL));
	EXPECT_EQ(-ENOENT, pmdisk_btt_check(&sim.media, &id, false, &r, NULL, NULL, NULL));
	sim_media_free(&sim);
}

/*
 * Two 20 MiB arenas on a 40 MiB medium. Format only splits at 512 GiB, so
 * build it by hand as Linux would read it: format one 20 MiB arena, copy it
 * to both halves, and point arena 0's nextoff (info and info2) at the
 * second. The model follows: arena 1's sector i is its block i.
 */
static int make_two_arenas(struct disk *d, u32 lbasize)
{
	struct sim_media big;
	u64 half = 20 * MiB, i, ext;
	u32 *model;
	int rc;

	rc = disk_open(d, half, 0, lbasize);
	if (rc)
		return rc;
	rc = sim_media_init(&big, 2 * half);
	if (rc)
		return rc;
	memcpy(big.bytes, d->sim.bytes, half);
	memcpy(big.bytes + half, d->sim.bytes, half);
	sim_media_free(&d->sim);
	d->sim = big;
	d->media.size = 2 * half;
	info_at(d, 0)->nextoff = cpu_to_le64(half);
	info_seal(info_at(d, 0));
	memcpy(info_at(d, d->geo.info2off), info_at(d, 0), sizeof(struct pmdisk_btt_info));
	ext = d->nlba;
	model = realloc(d->model, 2 * ext * sizeof(*model));
	if (!model)
		return -ENOMEM;
	d->model = model;
	for (i = 0; i < ext; i++)
		d->model[ext + i] = TAG_INIT | i;
	d->nlba = 2 * ext;
	return 0;
}

TEST(two_arena_btt_keeps_its_arenas_apart)
{
	struct pmdisk_btt_check_report r;
	struct pmdisk_btt_geo g1;
	struct pmdisk_btt btt;
	struct disk d;
	u64 ext, lbas[6];
	size_t i;

	ASSERT_EQ(0, make_two_arenas(&d, 512));
	ext = d.nlba / 2;
	ASSERT_EQ(0, disk_load(&d, &btt));
	ASSERT_EQ(2, btt.narenas);
	EXPECT_EQ(d.nlba, btt.nlba);
	EXPECT_EQ(ext, btt.arenas[1].first_lba);
	EXPECT_EQ(20 * MiB, btt.arenas[1].geo.off);
	assert_model(_metadata, &d, &btt, "fresh");
	lbas[0] = 0;
	lbas[1] = ext - 1;
	lbas[2] = ext;
	lbas[3] = ext + 1;
	lbas[4] = 2 * ext - 1;
	lbas[5] = ext - 1;
	for (i = 0; i < ARRAY_SIZE(lbas); i++)
		ASSERT_EQ(0, model_write(&d, &btt, 10 + i, lbas[i]));
	ASSERT_EQ(0, pmdisk_btt_discard(&btt, ext + 2));
	d.model[ext + 2] = TAG_ZERO;
	pmdisk_btt_release(&btt);
	ASSERT_EQ(0, disk_load(&d, &btt));
	assert_model(_metadata, &d, &btt, "reloaded");
	pmdisk_btt_release(&btt);
	/* arena 1's own map took its writes, at premap 0 and 1 */
	g1 = d.geo;
	g1.mapoff += 20 * MiB;
	EXPECT_NE(0, map_get(&d, &g1, 0));
	EXPECT_NE(0, map_get(&d, &g1, 1));
	EXPECT_EQ(0, map_get(&d, &g1, 3));
	EXPECT_EQ(0, map_get(&d, &d.geo, 1));
	ASSERT_EQ(0, check_btt(&d, &d.id, false, &r, NULL));
	EXPECT_EQ(2, r.arenas);
	EXPECT_EQ(0, r.blocks_missing);
	EXPECT_EQ(0, r.blocks_duplicate);
	/* the check says what a load finds: both arenas' sectors, their size */
	EXPECT_EQ(d.nlba, r.nlba);
	EXPECT_EQ(512, r.lbasize);

	/* arena 1's primary info damaged: its backup stands in, check repairs */
	info_at(&d, 20 * MiB)->checksum ^= 1;
	ASSERT_EQ(0, disk_load(&d, &btt));
	EXPECT_FALSE(btt.used_backup);	/* only arena 0's counts */
	assert_model(_metadata, &d, &btt, "arena 1 on its backup");
	pmdisk_btt_release(&btt);
	EXPECT_EQ(-EUCLEAN, check_btt(&d, &d.id, false, &r, NULL));
	EXPECT_EQ(1, r.info_bad);
	EXPECT_EQ(0, check_btt(&d, &d.id, true, &r, NULL));
	EXPECT_EQ(0, memcmp(info_at(&d, 20 * MiB), info_at(&d, 20 * MiB + d.geo.info2off),
			    sizeof(struct pmdisk_btt_info)));
	EXPECT_EQ(0, check_btt(&d, &d.id, false, &r, NULL));
	disk_close(&d);
}

/* ---- 4. power cuts during writes ----------------------------------------- */

/*
 * The last metadata image of arena 0 (info, map, flog, info2) that
 * pmdisk_btt_check() passed. Check reads nothing else, so an image whose
 * metadata is byte-identical passes too: the torn prefixes of a data block
 * change data bytes only, and comparing ~150 KiB is far cheaper than a check
 * of 32K map entries. Every cut point's metadata is either compared equal
 * to one that passed, or checked.
 */
struct meta_memo {
	u8 *info, *rest;	/* 4 KiB; [mapoff, info2off + 4 KiB) */
	bool valid;
};

static u64 memo_rest_len(const struct disk *d)
{
	return d->geo.info2off + 4096 - d->geo.mapoff;
}

static bool memo_matches(const struct meta_memo *m, const struct disk *d)
{
	return m->valid && !memcmp(m->info, d->sim.bytes + d->geo.off, 4096) &&
	       !memcmp(m->rest, d->sim.bytes + d->geo.mapoff, memo_rest_len(d));
}

static void memo_take(struct meta_memo *m, const struct disk *d)
{
	if (!m->info) {
		m->info = malloc(4096);
		m->rest = malloc(memo_rest_len(d));
		if (!m->info || !m->rest)
			abort();
	}
	memcpy(m->info, d->sim.bytes + d->geo.off, 4096);
	memcpy(m->rest, d->sim.bytes + d->geo.mapoff, memo_rest_len(d));
	m->valid = true;
}

static void memo_free(struct meta_memo *m)
{
	free(m->info);
	free(m->rest);
}

/*
 * assert_clean() (and assert_covered() when @loaded: no roll-forward is
 * pending), unless @m shows this very metadata passed already.
 */
static void assert_clean_memo(struct __test_metadata *_metadata, struct disk *d,
			      struct meta_memo *m, u64 *checks, bool loaded,
			      const char *where)
{
	if (memo_matches(m, d))
		return;
	assert_clean(_metadata, d, NULL, where);
	if (loaded)
		assert_covered(_metadata, d, where);
	memo_take(m, d);
	(*checks)++;
}

enum { STEP_WRITE, STEP_DISCARD, STEP_ERROR };

struct step {
	u8 kind;
	u16 lane;
	u32 lba;
	u32 tag;		/* STEP_WRITE */
};

#define MAX_STEPS 8

/*
 * A sequence of sector operations from one committed image, walked through
 * every power cut. Its sectors ("touched") are checked by content, all the
 * others by their map entries staying as they were, plus two sampled reads.
 */
struct seq_walk {
	struct step step[MAX_STEPS];
	unsigned int n;
	u64 end[MAX_STEPS];	/* stores issued when step k had returned */
	u32 touched[MAX_STEPS];
	unsigned int ntouched;
	u32 *base_map;		/* [external_nlba]: the map before the sequence */
	u32 sorted[MAX_STEPS];	/* touched, ascending */
	int flight;		/* the step the last cut fell in */
	bool flight_new;	/* a cut in it already left its result */
	u32 extra_tag;		/* tags of the writes after recovery */
	struct rng rng;
	u64 olds, news;		/* cuts that left the step in flight undone, done */
	u64 checks;		/* pmdisk_btt_check() runs */
	struct meta_memo before, after;	/* metadata check passed: on load, after */
	unsigned int id;
};

static u32 step_result(const struct step *s)
{
	return s->kind == STEP_WRITE ? s->tag : s->kind == STEP_DISCARD ? TAG_ZERO : TAG_EIO;
}

static int step_apply(struct disk *d, struct pmdisk_btt *btt, const struct step *s)
{
	switch (s->kind) {
	case STEP_WRITE:
		return write_tag(d, btt, s->lane, s->lba, s->tag);
	case STEP_DISCARD:
		return pmdisk_btt_discard(btt, s->lba);
	default:
		return pmdisk_btt_set_error(btt, s->lba);
	}
}

/* What @lba reads after the first @k steps. */
static u32 seq_value(const struct seq_walk *s, const struct disk *d, u32 lba, unsigned int k)
{
	u32 v = d->model[lba];
	unsigned int i;

	for (i = 0; i < k; i++)
		if (s->step[i].lba == lba)
			v = step_result(&s->step[i]);
	return v;
}

static int seq_run(struct disk *d, struct seq_walk *s, u64 *end)
{
	struct pmdisk_btt btt;
	unsigned int k;
	int rc = disk_load(d, &btt);

	for (k = 0; !rc && k < s->n; k++) {
		rc = step_apply(d, &btt, &s->step[k]);
		if (end)
			end[k] = d->sim.stores;
	}
	pmdisk_btt_release(&btt);	/* safe after a failed load too */
	return rc;
}

static int seq_op(struct disk *d, void *ctx)
{
	return seq_run(d, ctx, NULL);
}

static void seq_check(struct __test_metadata *_metadata, struct disk *d, void *ctx,
		      u64 store, long words)
{
	struct seq_walk *s = ctx;
	u32 resolved[MAX_STEPS];
	struct pmdisk_btt btt;
	unsigned int k = s->n, i, lane;
	u64 ext = d->geo.external_nlba;
	char where[128];
	u32 lba, tag;

	if (store)
		for (k = 0; k < s->n && s->end[k] < store; k++)
			;
	snprintf(where, sizeof(where), "sequence %u: cut at store %llu word %ld (step %u of %u)",
		 s->id, (unsigned long long)store, words, k, s->n);
	ASSERT_TRUE(store == 0 || k < s->n) TH_LOG("%s: past the end", where);

	/* check sees a pending roll-forward as the switch it will be */
	assert_clean_memo(_metadata, d, &s->before, &s->checks, false, where);
	ASSERT_EQ(0, disk_load(d, &btt)) TH_LOG("%s: load", where);

	for (i = 0; i < s->ntouched; i++) {
		u32 got, old, new;

		lba = s->touched[i];
		got = read_tag(d, &btt, 5, lba);
		resolved[i] = got;
		if (k == s->n || s->step[k].lba != lba) {
			ASSERT_EQ(seq_value(s, d, lba, k), got) TH_LOG("%s: lba %u", where, lba);
			continue;
		}
		old = seq_value(s, d, lba, k);
		new = step_result(&s->step[k]);
		ASSERT_TRUE(got == old || got == new)
			TH_LOG("%s: lba %u reads %#x, neither old %#x nor new %#x",
			       where, lba, got, old, new);
		/* one commit point: once a cut leaves the new data, later ones do */
		if ((int)k != s->flight) {
			s->flight = k;
			s->flight_new = false;
		}
		if (got == new && new != old) {
			s->flight_new = true;
			s->news++;
		} else if (old != new) {
			ASSERT_FALSE(s->flight_new)
				TH_LOG("%s: lba %u is old again after an earlier cut left it new",
				       where, lba);
			s->olds++;
		}
	}
	/* no other sector moved: its map entry is as it was */
	for (i = 0, lba = 0; i <= s->ntouched; i++) {
		u32 next = i < s->ntouched ? s->sorted[i] : ext;

		ASSERT_EQ(0, memcmp(d->sim.bytes + d->geo.mapoff + 4ULL * lba,
				    s->base_map + lba, 4ULL * (next - lba)))
			TH_LOG("%s: a map entry below %u changed", where, next);
		lba = next + 1;
	}
	for (i = 0; i < 2; i++) {
		unsigned int j;

		lba = rnd_below(&s->rng, ext);
		for (j = 0; j < s->ntouched && s->touched[j] != lba; j++)
			;
		if (j == s->ntouched)
			ASSERT_EQ(d->model[lba], read_tag(d, &btt, 6, lba))
				TH_LOG("%s: untouched lba %u", where, lba);
	}

	/*
	 * The recovered BTT works: write on the lane that was cut (its free
	 * block came from the log just now), then everything reads back.
	 */
	lane = s->step[k < s->n ? k : s->n - 1].lane;
	i = (store + 1) % s->ntouched;	/* the same for each prefix of a store */
	lba = s->touched[i];
	tag = s->extra_tag++;
	ASSERT_EQ(0, write_tag(d, &btt, lane, lba, tag)) TH_LOG("%s", where);
	resolved[i] = tag;
	for (i = 0; i < s->ntouched; i++)
		ASSERT_EQ(resolved[i], read_tag(d, &btt, 7, s->touched[i]))
			TH_LOG("%s: after one more write: lba %u", where, s->touched[i]);
	pmdisk_btt_release(&btt);
	assert_clean_memo(_metadata, d, &s->after, &s->checks, true, where);
}

/* A random sequence: a few sectors, rewritten, on one lane or several. */
static void seq_make(struct seq_walk *s, struct disk *d, struct rng *rng, unsigned int id)
{
	static const u16 lane_pool[] = { 0, 1, 2, 128, 255 };
	u32 pool[4];
	u16 lanes[3];
	bool one_lane = rnd(rng) & 1;
	unsigned int i, j;

	s->id = id;
	for (i = 0; i < 4; i++)
		pool[i] = rnd_below(rng, d->nlba);
	if (rnd_below(rng, 4) == 0)
		pool[0] = 0;
	if (rnd_below(rng, 4) == 0)
		pool[1] = d->nlba - 1;
	for (i = 0; i < 3; i++)
		lanes[i] = lane_pool[rnd_below(rng, ARRAY_SIZE(lane_pool))];
	s->n = 2 + rnd_below(rng, 5);
	s->ntouched = 0;
	for (i = 0; i < s->n; i++) {
		struct step *st = &s->step[i];
		unsigned int r = rnd_below(rng, 20);

		st->kind = r == 0 ? STEP_DISCARD : r == 1 ? STEP_ERROR : STEP_WRITE;
		st->lane = one_lane ? lanes[0] : lanes[rnd_below(rng, 3)];
		st->lba = pool[rnd_below(rng, i < 2 ? 2 : 4)];
		st->tag = d->next_tag++;
		for (j = 0; j < s->ntouched && s->touched[j] != st->lba; j++)
			;
		if (j == s->ntouched)
			s->touched[s->ntouched++] = st->lba;
	}
	memcpy(s->sorted, s->touched, sizeof(s->sorted));
	for (i = 1; i < s->ntouched; i++)
		for (j = i; j > 0 && s->sorted[j - 1] > s->sorted[j]; j--) {
			u32 t = s->sorted[j];

			s->sorted[j] = s->sorted[j - 1];
			s->sorted[j - 1] = t;
		}
	s->flight = -1;
	s->flight_new = false;
}

/*
 * Walk @nseq random sequences through every cut, each from the image the
 * previous one left (so lanes go round their sequence numbers and slots).
 * Stores above @full words are sampled (next_prefix()).
 */
static u64 walk_sequences(struct __test_metadata *_metadata, struct disk *d,
			  unsigned int nseq, u64 full, u64 seed, u64 *olds, u64 *news,
			  u64 *checks)
{
	struct seq_walk s = { 0 };
	struct rng rng = { seed };
	u64 visited = 0;
	unsigned int q, k;

	s.rng.s = seed ^ 0x5eed;
	s.extra_tag = 0x30000000;
	s.base_map = malloc(d->geo.external_nlba * 4);
	ASSERT_NE(NULL, s.base_map);
	for (q = 0; q < nseq; q++) {
		seq_make(&s, d, &rng, q);
		memcpy(s.base_map, d->sim.bytes + d->geo.mapoff, d->geo.external_nlba * 4);
		/* where each step ends, in stores */
		ASSERT_EQ(0, seq_run(d, &s, s.end));
		disk_rewind(d);
		visited += walk_cuts(_metadata, d, seq_op, seq_check, &s, full);
		/* the next sequence starts where this one ends */
		ASSERT_EQ(0, seq_run(d, &s, NULL));
		disk_commit(d);
		for (k = 0; k < s.n; k++)
			d->model[s.step[k].lba] = step_result(&s.step[k]);
	}
	*olds += s.olds;
	*news += s.news;
	*checks += s.checks;
	free(s.base_map);
	memo_free(&s.before);
	memo_free(&s.after);
	return visited;
}

FIXTURE(cut) {
	struct disk d;
};

FIXTURE_VARIANT(cut) {
	u64 start;
	u32 lbasize;
	unsigned int sequences;
};

/* the smallest BTTs there are: 16 MiB of rawsize and a bit */
FIXTURE_VARIANT_ADD(cut, v2_0_512) { 0, 512, 700 };
FIXTURE_VARIANT_ADD(cut, v1_1_4096) { 4096, 4096, 1300 };

FIXTURE_SETUP(cut)
{
	ASSERT_EQ(0, disk_open(&self->d, variant->start + 16 * MiB + 64 * KiB,
			       variant->start, variant->lbasize));
	disk_commit(&self->d);
}

FIXTURE_TEARDOWN(cut)
{
	disk_close(&self->d);
}

TEST_F(cut, random_write_sequences_survive_a_cut_at_every_store)
{
	u64 olds = 0, news = 0, checks = 0, visited;

	/*
	 * full = 2: every torn prefix of the log halves and the map store;
	 * data blocks (64 or 512 words) at 0, 1, half and all-but-one words
	 * (next_prefix()). The next test tears a few sequences at every word.
	 */
	visited = walk_sequences(_metadata, &self->d, variant->sequences, 2,
				 0xc07 + variant->lbasize, &olds, &news, &checks);
	TH_LOG("%u sequences, %llu cut points, %llu checks: step in flight old %llu, new %llu",
	       variant->sequences, (unsigned long long)visited, (unsigned long long)checks,
	       (unsigned long long)olds, (unsigned long long)news);
	EXPECT_GT(olds, 0);
	EXPECT_GT(news, 0);
}

TEST_F(cut, a_few_sequences_survive_a_cut_after_every_word)
{
	u64 olds = 0, news = 0, checks = 0, visited;

	/* no sampling at all: every torn prefix of every data block too */
	visited = walk_sequences(_metadata, &self->d, 3, ~0ULL, 0xe4 + variant->lbasize,
				 &olds, &news, &checks);
	TH_LOG("%llu cut points, %llu checks", (unsigned long long)visited,
	       (unsigned long long)checks);
	EXPECT_GT(visited, 3 * 2 * (variant->lbasize / 8));
}

/* Stores one write issues, counted on a write that is then undone. */
static u64 stores_per_write(struct disk *d)
{
	struct pmdisk_btt btt;
	u64 n;

	disk_rewind(d);
	if (disk_load(d, &btt))
		return 0;
	write_tag(d, &btt, 0, 0, 1);
	n = d->sim.stores;
	pmdisk_btt_release(&btt);
	disk_rewind(d);
	return n;
}

/*
 * Cut a write on @lane after its log entry and before its map store: the
 * state only load's roll-forward finishes. The write's last store is the
 * map's.
 */
static void cut_before_map(struct __test_metadata *_metadata, struct disk *d,
			   struct pmdisk_btt *btt, unsigned int lane, u32 lba, u32 tag,
			   u64 per_write)
{
	u32 entry = map_get(d, &d->geo, lba);

	sim_media_reboot(&d->sim);
	sim_media_arm_cut(&d->sim, per_write, 0);
	ASSERT_EQ(0, write_tag(d, btt, lane, lba, tag));
	ASSERT_TRUE(d->sim.power_lost);
	sim_media_reboot(&d->sim);
	ASSERT_EQ(entry, map_get(d, &d->geo, lba)) TH_LOG("the map store landed");
}

struct recovery_walk {
	unsigned int lanes[3];
	u32 lbas[3], tags[3];
	u32 extra_tag;
};

static int recovery_op(struct disk *d, void *ctx)
{
	struct pmdisk_btt btt;
	int rc = disk_load(d, &btt);

	if (!rc)
		pmdisk_btt_release(&btt);
	return rc;
}

static void recovery_check(struct __test_metadata *_metadata, struct disk *d, void *ctx,
			   u64 store, long words)
{
	struct recovery_walk *c = ctx;
	struct pmdisk_btt btt;
	unsigned int i;

	assert_clean(_metadata, d, NULL, "cut in recovery");
	ASSERT_EQ(0, disk_load(d, &btt)) TH_LOG("cut at store %llu", store);
	for (i = 0; i < 3; i++) {
		u32 lba = c->lbas[i];

		ASSERT_EQ(c->tags[i], read_tag(d, &btt, 0, lba))
			TH_LOG("cut at store %llu word %ld: lba %u", store, words, lba);
	}
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, write_tag(d, &btt, c->lanes[i], c->lbas[(i + 1) % 3],
				       c->extra_tag + i));
	for (i = 0; i < 3; i++)
		ASSERT_EQ(c->extra_tag + (i + 2) % 3, read_tag(d, &btt, 0, c->lbas[i]));
	c->extra_tag += 3;
	pmdisk_btt_release(&btt);
	assert_clean(_metadata, d, NULL, "after recovery and writes");
	assert_covered(_metadata, d, "after recovery and writes");
}

TEST_F(cut, a_cut_during_roll_forward_still_ends_with_the_new_data)
{
	struct recovery_walk c = {
		.lanes = { 3, 77, 255 }, .lbas = { 9, 400, 1000 }, .extra_tag = 0x20000000,
	};
	struct disk *d = &self->d;
	u64 per_write = stores_per_write(d), visited;
	struct pmdisk_btt btt;
	unsigned int i;

	ASSERT_GE(per_write, 2);
	c.lbas[2] = d->nlba - 1;
	/* three lanes each cut between log half 2 and the map store */
	ASSERT_EQ(0, disk_load(d, &btt));
	ASSERT_EQ(0, model_write(d, &btt, 3, 400));	/* 400 is not identity any more */
	for (i = 0; i < 3; i++) {
		c.tags[i] = d->next_tag++;
		cut_before_map(_metadata, d, &btt, c.lanes[i], c.lbas[i], c.tags[i], per_write);
	}
	pmdisk_btt_release(&btt);
	disk_commit(d);

	visited = walk_cuts(_metadata, d, recovery_op, recovery_check, &c, ~0ULL);
	TH_LOG("%llu cut points in load's recovery", (unsigned long long)visited);
	EXPECT_EQ(3 + 1, visited);	/* one map store per lane, then none */
}

TEST_F(cut, several_lanes_in_flight_at_the_cut_each_end_old_or_new)
{
	struct disk *d = &self->d;
	struct rng rng = { 0xf11e + variant->lbasize };
	u64 per_write = stores_per_write(d), words = d->lbasize / 8;
	u64 olds = 0, news = 0;
	int it;

	ASSERT_GE(per_write, 2);
	for (it = 0; it < 400; it++) {
		struct pmdisk_btt btt;
		unsigned int lanes[4], i;
		u32 lbas[4], tags[4], got[4];

		/*
		 * Four writes on four lanes, each cut at its own store and word:
		 * concurrent writers when the power fails. Their sectors differ
		 * (writers of one sector serialise on its map lock).
		 */
		ASSERT_EQ(0, disk_load(d, &btt));
		for (i = 0; i < 4; i++) {
			u64 n = 1 + rnd_below(&rng, per_write);

			lanes[i] = 64 * i + rnd_below(&rng, 64);
			lbas[i] = (d->nlba / 4) * i + rnd_below(&rng, d->nlba / 4);
			tags[i] = d->next_tag++;
			sim_media_reboot(&d->sim);
			sim_media_arm_cut(&d->sim, n, n == 1 ? rnd_below(&rng, words) : 0);
			ASSERT_EQ(0, write_tag(d, &btt, lanes[i], lbas[i], tags[i]));
			sim_media_reboot(&d->sim);
		}
		pmdisk_btt_release(&btt);

		assert_clean(_metadata, d, NULL, "several in flight");
		ASSERT_EQ(0, disk_load(d, &btt));
		for (i = 0; i < 4; i++) {
			got[i] = read_tag(d, &btt, 0, lbas[i]);
			ASSERT_TRUE(got[i] == d->model[lbas[i]] || got[i] == tags[i])
				TH_LOG("iteration %d: lba %u reads %#x", it, lbas[i], got[i]);
			if (got[i] == tags[i])
				news++;
			else
				olds++;
		}
		for (i = 0; i < 4; i++)
			ASSERT_EQ(0, write_tag(d, &btt, lanes[i], lbas[(i + 1) % 4], 0x2f000000 + i));
		for (i = 0; i < 4; i++)
			ASSERT_EQ(0x2f000000 + (i + 3) % 4, read_tag(d, &btt, 1, lbas[i]));
		pmdisk_btt_release(&btt);
		assert_clean(_metadata, d, NULL, "several in flight, written again");
		assert_covered(_metadata, d, "several in flight, written again");
		/* keep every other outcome as the next base */
		if (it & 1) {
			disk_rewind(d);
		} else {
			for (i = 0; i < 4; i++)
				d->model[lbas[(i + 1) % 4]] = 0x2f000000 + i;
			disk_commit(d);
		}
	}
	TH_LOG("writes left old %llu, new %llu", (unsigned long long)olds,
	       (unsigned long long)news);
	EXPECT_GT(olds, 0);
	EXPECT_GT(news, 0);
}

/* ---- 5. power cuts during format ----------------------------------------- */

struct format_walk {
	struct pmdisk_btt_id new_id;
	u32 new_lbasize;
	struct pmdisk_btt_geo new_geo;
	u8 old_primary[4096];
	u64 gone, fresh, untouched, torn_primary;
};

static int format_op(struct disk *d, void *ctx)
{
	struct format_walk *c = ctx;

	return pmdisk_btt_format(&d->media, &c->new_id, c->new_lbasize, NULL, NULL);
}

static void format_check(struct __test_metadata *_metadata, struct disk *d, void *ctx,
			 u64 store, long words)
{
	struct format_walk *c = ctx;
	const struct pmdisk_btt_geo *g = &c->new_geo;
	bool untouched = !memcmp(d->sim.bytes + d->id.start, c->old_primary, 4096);
	size_t mark = d->nundo;	/* the format's stores, up to the cut */
	int claimed;

	for (claimed = 0; claimed < 2; claimed++) {
		struct pmdisk_btt_id want = c->new_id;
		struct pmdisk_btt btt;
		unsigned int lane;
		u64 i;
		int rc;

		want.claimed = claimed;
		rc = pmdisk_btt_load(&btt, &d->media, &want, NULL, NULL);
		ASSERT_TRUE(rc == 0 || rc == -ENOENT)
			TH_LOG("cut at store %llu word %ld, claimed %d: load %d",
			       store, words, claimed, rc);
		if (rc) {
			ASSERT_NE(0, store) TH_LOG("a completed format left no BTT");
			c->gone++;
			continue;
		}
		if (!memcmp(btt.id.uuid, d->id.uuid, 16)) {
			/* only when format had not changed a byte of it yet */
			ASSERT_TRUE(untouched)
				TH_LOG("cut at store %llu word %ld, claimed %d: the old BTT is back%s",
				       store, words, claimed,
				       btt.used_backup ? " (from its backup)" : "");
			c->untouched++;
			pmdisk_btt_release(&btt);
			continue;
		}
		ASSERT_EQ(0, memcmp(btt.id.uuid, c->new_id.uuid, 16));
		ASSERT_EQ(c->new_lbasize, btt.lbasize);
		ASSERT_EQ(g->external_nlba, btt.nlba);
		for (i = 0; i < g->external_nlba; i++)
			ASSERT_EQ(0, map_get(d, g, i)) TH_LOG("store %llu: map %llu", store, i);
		for (lane = 0; lane < LANES; lane++) {
			struct pmdisk_btt_flog e;

			memcpy(&e, d->sim.bytes + g->logoff + 64ULL * lane, sizeof(e));
			ASSERT_EQ(g->external_nlba + lane, le32_to_cpu(e.old_map));
			ASSERT_EQ(1, le32_to_cpu(e.seq));
		}
		ASSERT_EQ(0, write_tag(d, &btt, 255, 3, 0x7000));
		ASSERT_EQ(0x7000, read_tag(d, &btt, 0, 3));
		pmdisk_btt_release(&btt);
		if (btt.used_backup) {
			/* the cut tore the new primary: check restores it */
			struct pmdisk_btt_check_report r;

			ASSERT_EQ(-EUCLEAN, check_btt(d, &want, false, &r, NULL));
			ASSERT_EQ(1, r.info_bad);
			ASSERT_EQ(0, check_btt(d, &want, true, &r, NULL));
			c->torn_primary++;
		}
		assert_clean(_metadata, d, &want, "fresh format");
		c->fresh++;
		disk_rewind_to(d, mark);	/* as the cut left it, for the next claim */
	}
}

TEST(a_cut_during_format_never_brings_back_the_old_btt)
{
	struct format_walk c = { .new_lbasize = 512 };
	struct pmdisk_btt btt;
	struct disk d;
	u64 visited;
	int i;

	/* an old 4 KiB-sector BTT with data, then a 512-byte one over it */
	ASSERT_EQ(0, disk_open(&d, 16 * MiB + 64 * KiB, 0, 4096));
	ASSERT_EQ(0, disk_load(&d, &btt));
	for (i = 0; i < 300; i++)
		ASSERT_EQ(0, model_write(&d, &btt, i % LANES, (i * 7) % d.nlba));
	pmdisk_btt_release(&btt);
	disk_commit(&d);
	memcpy(c.old_primary, d.sim.bytes, 4096);
	make_id(&c.new_id, 0, 0xc3, 0x5a);
	ASSERT_EQ(1, pmdisk_btt_layout(0, d.media.size, 512, &c.new_geo, 1));

	/* info blocks torn after every word; the big zeroing stores sampled */
	visited = walk_cuts(_metadata, &d, format_op, format_check, &c, 512);
	TH_LOG("%llu cut points, 2 loads each: no BTT %llu, fresh BTT %llu (%llu on its backup), format not begun %llu",
	       (unsigned long long)visited, (unsigned long long)c.gone,
	       (unsigned long long)c.fresh, (unsigned long long)c.torn_primary,
	       (unsigned long long)c.untouched);
	EXPECT_GT(c.gone, 0);
	EXPECT_GT(c.fresh, 0);
	disk_close(&d);
}

static int cancel_at_once(void *ctx, u64 done, u64 total)
{
	return 1;
}

TEST(format_cancelled_by_progress_leaves_no_btt)
{
	struct pmdisk_btt_id want;
	struct pmdisk_btt btt;
	struct disk d;

	ASSERT_EQ(0, disk_open(&d, 20 * MiB, 4096, 512));
	want = d.id;
	EXPECT_EQ(-EINTR, pmdisk_btt_format(&d.media, &d.id, 512, cancel_at_once, NULL));
	EXPECT_EQ(-ENOENT, pmdisk_btt_load(&btt, &d.media, &want, NULL, NULL));
	want.claimed = true;
	EXPECT_EQ(-ENOENT, pmdisk_btt_load(&btt, &d.media, &want, NULL, NULL));
	disk_close(&d);
}

/* ---- 6. the pre-4.15 (0,2) flog layout, and flagged entries -------------- */

/*
 * Rewrite every lane's second live entry from slot 1 to slot 2, as Linux
 * before 4.15 laid the log out. Returns the lanes moved.
 */
static unsigned int flog_to_0_2(struct disk *d)
{
	struct pmdisk_btt_flog zero = { 0 };
	unsigned int lane, moved = 0;

	for (lane = 0; lane < LANES; lane++) {
		struct pmdisk_btt_flog e = flog_get(d, lane, 1);

		if (flog_zero(&e))
			continue;
		flog_put(d, lane, 2, &e);
		flog_put(d, lane, 1, &zero);
		moved++;
	}
	return moved;
}

/* Lanes 0..9 written 1..4 times each, so either slot may be the newer. */
static void write_some_lanes(struct __test_metadata *_metadata, struct disk *d,
			     struct pmdisk_btt *btt, u32 *touched, unsigned int *ntouched)
{
	unsigned int lane, i;

	for (lane = 0; lane < 10; lane++)
		for (i = 0; i <= lane % 4; i++) {
			u32 lba = 100 * lane + 7 * i;

			ASSERT_EQ(0, model_write(d, btt, lane, lba));
			touched[(*ntouched)++] = lba;
		}
}

TEST(old_0_2_flog_layout_is_read_written_and_repaired)
{
	struct pmdisk_btt_flog saved[LANES];
	struct pmdisk_btt_check_report r;
	struct pmdisk_btt btt;
	u32 touched[64];
	unsigned int n = 0, lane, i;
	struct disk d;

	ASSERT_EQ(0, disk_open(&d, 20 * MiB, 4096, 512));
	ASSERT_EQ(0, disk_load(&d, &btt));
	write_some_lanes(_metadata, &d, &btt, touched, &n);
	pmdisk_btt_release(&btt);
	ASSERT_EQ(10, flog_to_0_2(&d));
	disk_commit(&d);

	ASSERT_EQ(0, disk_load(&d, &btt));
	assert_model(_metadata, &d, &btt, "(0,2) loaded");
	/* more writes: the old lanes, and lanes 10..20 in their initial state */
	for (lane = 0; lane <= 20; lane++)
		for (i = 0; i < 3; i++)
			ASSERT_EQ(0, model_write(&d, &btt, lane, 5000 + 10 * lane + i));
	pmdisk_btt_release(&btt);
	for (lane = 0; lane < LANES; lane++) {
		struct pmdisk_btt_flog e = flog_get(&d, lane, 1);

		ASSERT_TRUE(flog_zero(&e)) TH_LOG("lane %u wrote slot 1 on (0,2) media", lane);
		e = flog_get(&d, lane, 2);
		ASSERT_EQ(lane <= 20, !flog_zero(&e)) TH_LOG("lane %u slot 2", lane);
		saved[lane] = e;
	}
	ASSERT_EQ(0, disk_load(&d, &btt));
	assert_model(_metadata, &d, &btt, "(0,2) written");
	pmdisk_btt_release(&btt);
	assert_covered(_metadata, &d, "(0,2) written");

	ASSERT_EQ(0, check_btt(&d, &d.id, false, &r, NULL));
	EXPECT_EQ(1, r.old_flog_layout);
	EXPECT_EQ(0, r.blocks_missing);
	EXPECT_EQ(0, r.blocks_duplicate);
	EXPECT_EQ(0, r.repaired);

	ASSERT_EQ(0, check_btt(&d, &d.id, true, &r, NULL));
	EXPECT_EQ(1, r.old_flog_layout);
	EXPECT_GE(r.repaired, 1);
	for (lane = 0; lane < LANES; lane++) {
		struct pmdisk_btt_flog e1 = flog_get(&d, lane, 1), e2 = flog_get(&d, lane, 2);

		ASSERT_TRUE(flog_zero(&e2)) TH_LOG("lane %u: slot 2 after repair", lane);
		ASSERT_EQ(0, memcmp(&e1, &saved[lane], sizeof(e1))) TH_LOG("lane %u", lane);
	}
	ASSERT_EQ(0, check_btt(&d, &d.id, false, &r, NULL));
	EXPECT_EQ(0, r.old_flog_layout);

	ASSERT_EQ(0, disk_load(&d, &btt));
	assert_model(_metadata, &d, &btt, "(0,1) after repair");
	for (lane = 0; lane <= 30; lane++)
		ASSERT_EQ(0, model_write(&d, &btt, lane, 9000 + lane));
	assert_model(_metadata, &d, &btt, "(0,1) written");
	pmdisk_btt_release(&btt);
	for (lane = 0; lane < LANES; lane++) {
		struct pmdisk_btt_flog e = flog_get(&d, lane, 2);

		ASSERT_TRUE(flog_zero(&e)) TH_LOG("lane %u wrote slot 2 after repair", lane);
	}
	assert_clean(_metadata, &d, NULL, "after repair and writes");
	assert_covered(_metadata, &d, "after repair and writes");
	disk_close(&d);
}

struct repair_walk {
	u32 touched[64];
	unsigned int ntouched;
	u32 tag;
};

static int repair_op(struct disk *d, void *ctx)
{
	struct pmdisk_btt_check_report r;

	return check_btt(d, &d->id, true, &r, NULL);
}

static void repair_check(struct __test_metadata *_metadata, struct disk *d, void *ctx,
			 u64 store, long words)
{
	struct repair_walk *c = ctx;
	struct pmdisk_btt_check_report r;
	struct pmdisk_btt btt;
	struct notes n = { "" };
	char where[64];
	unsigned int i;
	int rc;

	snprintf(where, sizeof(where), "cut at store %llu word %ld", store, words);

	assert_clean(_metadata, d, NULL, where);
	strcat(where, ", then loaded and written");
	rc = pmdisk_btt_load(&btt, &d->media, &d->id, note_add, &n);
	ASSERT_EQ(0, rc) TH_LOG("%s: load: %s", where, n.text);
	for (i = 0; i < c->ntouched; i++)
		ASSERT_EQ(d->model[c->touched[i]], read_tag(d, &btt, 0, c->touched[i]))
			TH_LOG("cut at store %llu word %ld: lba %u", store, words, c->touched[i]);
	for (i = 0; i < 12; i++)
		ASSERT_EQ(0, write_tag(d, &btt, i, 7000 + i, c->tag + i));
	for (i = 0; i < 12; i++)
		ASSERT_EQ(c->tag + i, read_tag(d, &btt, 0, 7000 + i));
	c->tag += 12;
	pmdisk_btt_release(&btt);
	assert_clean(_metadata, d, NULL, where);
	ASSERT_EQ(0, check_btt(d, &d->id, true, &r, NULL));
	ASSERT_EQ(0, check_btt(d, &d->id, false, &r, NULL));
	ASSERT_EQ(0, r.old_flog_layout) TH_LOG("cut at store %llu: repair not finished", store);
}

TEST(a_cut_during_flog_layout_repair_keeps_the_btt_usable)
{
	struct repair_walk c = { .tag = 0x21000000 };
	struct pmdisk_btt btt;
	struct disk d;
	u64 visited;

	ASSERT_EQ(0, disk_open(&d, 16 * MiB + 64 * KiB, 4096, 512));
	ASSERT_EQ(0, disk_load(&d, &btt));
	write_some_lanes(_metadata, &d, &btt, c.touched, &c.ntouched);
	pmdisk_btt_release(&btt);
	ASSERT_EQ(10, flog_to_0_2(&d));
	disk_commit(&d);
	visited = walk_cuts(_metadata, &d, repair_op, repair_check, &c, ~0ULL);
	TH_LOG("%llu cut points", (unsigned long long)visited);
	disk_close(&d);
}

/*
 * Lanes 0..9 written, then the flog turned (0,2), then lane 1 (newer entry
 * in slot 0, older in slot 2) put in a state a cut during `check --repair`
 * leaves: its slot 2 copied whole to slot 1, and slot 2 then either intact
 * (@torn_words -1) or zeroed for its first @torn_words words.
 */
static void lane_caught_moving(struct __test_metadata *_metadata, struct disk *d,
			       long torn_words)
{
	struct pmdisk_btt btt;
	struct pmdisk_btt_flog e;
	u32 touched[64];
	unsigned int n = 0;

	ASSERT_EQ(0, disk_open(d, 20 * MiB, 4096, 512));
	ASSERT_EQ(0, disk_load(d, &btt));
	write_some_lanes(_metadata, d, &btt, touched, &n);
	pmdisk_btt_release(&btt);
	ASSERT_EQ(10, flog_to_0_2(d));
	ASSERT_EQ(0, flog_newest(d, 1, 2));
	e = flog_get(d, 1, 2);
	flog_put(d, 1, 1, &e);
	if (torn_words > 0)
		memset(d->sim.bytes + flog_at(&d->geo, 1, 2), 0, 8 * torn_words);
	disk_commit(d);
}

/* Load, write lane 1 (its older slot next), reload: all there, check clean. */
static void lane_1_keeps_working(struct __test_metadata *_metadata, struct disk *d)
{
	struct pmdisk_btt btt;
	struct notes n = { "" };
	int i;

	ASSERT_EQ(0, pmdisk_btt_load(&btt, &d->media, &d->id, note_add, &n))
		TH_LOG("load: %s", n.text);
	assert_model(_metadata, d, &btt, "loaded");
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, model_write(d, &btt, 1, 3000 + i));
	pmdisk_btt_release(&btt);
	n.text[0] = 0;
	ASSERT_EQ(0, pmdisk_btt_load(&btt, &d->media, &d->id, note_add, &n))
		TH_LOG("reload after writes on lane 1: %s", n.text);
	assert_model(_metadata, d, &btt, "reloaded");
	pmdisk_btt_release(&btt);
	assert_clean(_metadata, d, NULL, "lane 1 written");
}

TEST(a_lane_cut_after_its_flog_copy_landed_stays_writable)
{
	struct disk d;

	lane_caught_moving(_metadata, &d, -1);
	lane_1_keeps_working(_metadata, &d);
	disk_close(&d);
}

TEST(a_lane_cut_while_zeroing_its_old_flog_slot_still_loads)
{
	struct disk d;

	lane_caught_moving(_metadata, &d, 1);
	lane_1_keeps_working(_metadata, &d);
	disk_close(&d);
}

TEST(flog_entries_with_z_and_e_flags_load_like_plain_ones)
{
	struct pmdisk_btt btt;
	unsigned int lane, slot;
	struct disk d;
	u64 per_write;
	u32 tag;

	ASSERT_EQ(0, disk_open(&d, 17 * MiB, 0, 4096));
	/* PMDK writes the initial flog with the Z flag in both block fields */
	for (lane = 0; lane < LANES; lane++) {
		struct pmdisk_btt_flog e = flog_get(&d, lane, 0);

		e.old_map |= cpu_to_le32(PMDISK_BTT_MAP_Z);
		e.new_map |= cpu_to_le32(PMDISK_BTT_MAP_Z);
		flog_put(&d, lane, 0, &e);
	}
	disk_commit(&d);
	assert_clean(_metadata, &d, NULL, "PMDK flog");
	ASSERT_EQ(0, disk_load(&d, &btt));
	for (lane = 0; lane < LANES; lane++)
		ASSERT_EQ(0, model_write(&d, &btt, lane, lane * 3));
	assert_model(_metadata, &d, &btt, "PMDK flog, every lane written");
	pmdisk_btt_release(&btt);
	assert_clean(_metadata, &d, NULL, "PMDK flog, every lane written");

	/* a roll-forward whose entry carries flags in both fields */
	disk_commit(&d);
	per_write = stores_per_write(&d);
	ASSERT_EQ(0, disk_load(&d, &btt));
	tag = d.next_tag++;
	cut_before_map(_metadata, &d, &btt, 7, 1234, tag, per_write);
	pmdisk_btt_release(&btt);
	slot = flog_newest(&d, 7, 1);
	{
		struct pmdisk_btt_flog e = flog_get(&d, 7, slot);

		ASSERT_EQ(1234, le32_to_cpu(e.lba));
		e.old_map |= cpu_to_le32(PMDISK_BTT_MAP_E);
		e.new_map |= cpu_to_le32(PMDISK_BTT_MAP_NORMAL);
		flog_put(&d, 7, slot, &e);
	}
	assert_clean(_metadata, &d, NULL, "flagged roll-forward");
	ASSERT_EQ(0, disk_load(&d, &btt));
	d.model[1234] = tag;
	assert_model(_metadata, &d, &btt, "flagged roll-forward");
	for (lane = 0; lane < 16; lane++)
		ASSERT_EQ(0, model_write(&d, &btt, 7, 2000 + lane));
	assert_model(_metadata, &d, &btt, "lane 7 reused");
	pmdisk_btt_release(&btt);
	assert_clean(_metadata, &d, NULL, "lane 7 reused");
	assert_covered(_metadata, &d, "lane 7 reused");
	disk_close(&d);
}

/* ---- a new parent uuid, cut anywhere ------------------------------------ */

struct parent_walk {
	struct pmdisk_btt_id want;	/* what the labels say meanwhile */
	u8 parent[16];
	u32 lbas[8];
};

static int parent_op(struct disk *d, void *ctx)
{
	struct parent_walk *c = ctx;

	return pmdisk_btt_set_parent(&d->media, &c->want, c->parent);
}

static void parent_check(struct __test_metadata *_metadata, struct disk *d, void *ctx,
			 u64 store, long words)
{
	struct parent_walk *c = ctx;
	struct pmdisk_btt_check_report r;
	struct pmdisk_btt btt;
	struct notes n = { "" };
	unsigned int i;

	ASSERT_EQ(0, pmdisk_btt_load(&btt, &d->media, &c->want, note_add, &n))
		TH_LOG("cut at store %llu word %ld: %s", store, words, n.text);
	ASSERT_EQ(d->nlba, btt.nlba);
	for (i = 0; i < ARRAY_SIZE(c->lbas); i++) {
		u32 lba = c->lbas[i];

		ASSERT_EQ(d->model[lba], read_tag(d, &btt, i, lba))
			TH_LOG("cut at store %llu word %ld: lba %u", store, words, lba);
	}
	pmdisk_btt_release(&btt);
	/* a cut between info2 and info leaves a valid pair that differs */
	ASSERT_EQ(0, check_btt(d, &c->want, true, &r, &n))
		TH_LOG("cut at store %llu word %ld: repair: %s", store, words, n.text);
	ASSERT_EQ(0, check_btt(d, &c->want, false, &r, NULL));
}

/* Both info blocks carry @parent, and agree byte for byte. */
static void assert_parent(struct __test_metadata *_metadata, struct disk *d, u8 parent)
{
	struct pmdisk_btt_info *info = info_at(d, d->geo.off);
	int i;

	for (i = 0; i < 16; i++)
		ASSERT_EQ(parent, info->parent_uuid[i]);
	ASSERT_EQ(ref_info_checksum(info), le64_to_cpu(info->checksum));
	ASSERT_EQ(0, memcmp(info, info_at(d, d->geo.info2off), 4096));
}

TEST(a_cut_while_changing_the_parent_uuid_leaves_a_btt_its_namespace_accepts)
{
	struct parent_walk c;
	struct pmdisk_btt btt;
	struct disk d;
	u64 visited;
	unsigned int i;

	/*
	 * One arena: a backup stands in for arena 0 only where Linux's layout
	 * puts it, and make_two_arenas() is not Linux's layout (two 20 MiB
	 * arenas; Linux's arena 0 would be 512 GiB).
	 */
	ASSERT_EQ(0, disk_open(&d, 20 * MiB, 4096, 4096));
	ASSERT_EQ(0, disk_load(&d, &btt));
	for (i = 0; i < ARRAY_SIZE(c.lbas); i++) {
		c.lbas[i] = i * (d.nlba / ARRAY_SIZE(c.lbas)) + i;
		ASSERT_EQ(0, model_write(&d, &btt, i, c.lbas[i]));
	}
	pmdisk_btt_release(&btt);
	disk_commit(&d);

	/* 1: to zero, while the labels still name the old namespace uuid */
	c.want = d.id;
	memset(c.parent, 0, 16);
	visited = walk_cuts(_metadata, &d, parent_op, parent_check, &c, 512);
	ASSERT_EQ(0, parent_op(&d, &c));
	disk_commit(&d);
	assert_parent(_metadata, &d, 0);

	/* 2: to the new uuid, once the labels name it */
	memset(c.want.parent_uuid, 0x6b, 16);
	memset(c.parent, 0x6b, 16);
	visited += walk_cuts(_metadata, &d, parent_op, parent_check, &c, 512);
	ASSERT_EQ(0, parent_op(&d, &c));
	disk_commit(&d);
	assert_parent(_metadata, &d, 0x6b);
	TH_LOG("%llu cut points", (unsigned long long)visited);
	EXPECT_GE(visited, 2 * 2 * 512);	/* two info blocks, twice, every word */

	/* the old namespace does not own it any more */
	EXPECT_NE(0, disk_load(&d, &btt));
	disk_close(&d);
}

/* ---- 7. damage ----------------------------------------------------------- */

TEST(a_poisoned_info_block_is_damage_like_any_other_the_other_one_serves)
{
	struct pmdisk_btt_check_report r;
	struct pmdisk_btt btt;
	struct disk d;
	int i;

	ASSERT_EQ(0, disk_open(&d, 20 * MiB, 0, 4096));
	ASSERT_EQ(0, disk_load(&d, &btt));
	for (i = 0; i < 20; i++)
		ASSERT_EQ(0, model_write(&d, &btt, i, i * 7));
	pmdisk_btt_release(&btt);

	/* poison in the backup (never read by Linux): the primary loads */
	d.poison_off = d.geo.info2off + 100;
	d.poison_len = 8;
	ASSERT_EQ(0, disk_load(&d, &btt));
	EXPECT_FALSE(btt.used_backup);
	assert_model(_metadata, &d, &btt, "backup poisoned");
	pmdisk_btt_release(&btt);
	EXPECT_EQ(-EUCLEAN, check_btt(&d, &d.id, false, &r, NULL));
	EXPECT_EQ(1, r.info2_bad);

	/* poison in the primary: the backup stands in, claimed or not */
	d.poison_off = d.geo.off + 100;
	d.id.claimed = false;
	ASSERT_EQ(0, disk_load(&d, &btt));
	EXPECT_TRUE(btt.used_backup);
	assert_model(_metadata, &d, &btt, "primary poisoned");
	pmdisk_btt_release(&btt);
	EXPECT_EQ(-EUCLEAN, check_btt(&d, &d.id, false, &r, NULL));
	EXPECT_EQ(1, r.info_bad);
	d.poison_len = 0;
	disk_close(&d);
}

TEST(bad_primary_info_checksum_uses_the_backup_and_repair_restores_it)
{
	struct pmdisk_btt_check_report r;
	u8 primary[4096];
	struct pmdisk_btt btt;
	struct disk d;
	int i;

	ASSERT_EQ(0, disk_open(&d, 20 * MiB, 0, 512));
	ASSERT_EQ(0, disk_load(&d, &btt));
	for (i = 0; i < 50; i++)
		ASSERT_EQ(0, model_write(&d, &btt, i, i * 31));
	pmdisk_btt_release(&btt);
	memcpy(primary, info_at(&d, 0), 4096);
	info_at(&d, 0)->checksum ^= cpu_to_le64(0x100);

	ASSERT_EQ(0, disk_load(&d, &btt));
	EXPECT_TRUE(btt.used_backup);
	assert_model(_metadata, &d, &btt, "on the backup");
	pmdisk_btt_release(&btt);
	EXPECT_EQ(-EUCLEAN, check_btt(&d, &d.id, false, &r, NULL));
	EXPECT_EQ(1, r.info_bad);
	EXPECT_EQ(0, r.info2_bad);
	EXPECT_EQ(0, r.repaired);
	EXPECT_NE(0, memcmp(primary, info_at(&d, 0), 4096));	/* no repair, no write */

	ASSERT_EQ(0, check_btt(&d, &d.id, true, &r, NULL));
	EXPECT_EQ(1, r.info_bad);
	EXPECT_GE(r.repaired, 1);
	EXPECT_EQ(0, memcmp(info_at(&d, 0), info_at(&d, d.geo.info2off), 4096));
	EXPECT_EQ(0, memcmp(info_at(&d, 0), primary, 4096));
	ASSERT_EQ(0, check_btt(&d, &d.id, false, &r, NULL));
	EXPECT_EQ(0, r.info_bad);
	ASSERT_EQ(0, disk_load(&d, &btt));
	EXPECT_FALSE(btt.used_backup);
	assert_model(_metadata, &d, &btt, "repaired");
	pmdisk_btt_release(&btt);

	/* the backup damaged instead: the primary restores it */
	info_at(&d, d.geo.info2off)->sig[3] ^= 1;
	EXPECT_EQ(-EUCLEAN, check_btt(&d, &d.id, false, &r, NULL));
	EXPECT_EQ(1, r.info2_bad);
	ASSERT_EQ(0, check_btt(&d, &d.id, true, &r, NULL));
	EXPECT_EQ(0, memcmp(info_at(&d, d.geo.info2off), primary, 4096));
	disk_close(&d);
}

TEST(zeroed_primary_info_is_no_btt_unless_claimed)
{
	struct pmdisk_btt_check_report r;
	struct pmdisk_btt_id claimed;
	struct pmdisk_btt btt;
	u8 primary[4096];
	struct disk d;
	int i;

	ASSERT_EQ(0, disk_open(&d, 20 * MiB, 4096, 4096));
	ASSERT_EQ(0, disk_load(&d, &btt));
	for (i = 0; i < 50; i++)
		ASSERT_EQ(0, model_write(&d, &btt, i, i * 31));
	pmdisk_btt_release(&btt);
	memcpy(primary, info_at(&d, 4096), 4096);
	memset(info_at(&d, 4096), 0, 4096);

	EXPECT_EQ(-ENOENT, disk_load(&d, &btt));
	EXPECT_EQ(-ENOENT, check_btt(&d, &d.id, false, &r, NULL));
	EXPECT_EQ(-ENOENT, check_btt(&d, &d.id, true, &r, NULL));
	EXPECT_EQ(0, info_at(&d, 4096)->sig[0]);	/* and repair wrote nothing */

	claimed = d.id;
	claimed.claimed = true;
	ASSERT_EQ(0, pmdisk_btt_load(&btt, &d.media, &claimed, NULL, NULL));
	EXPECT_TRUE(btt.used_backup);
	assert_model(_metadata, &d, &btt, "claimed, on the backup");
	pmdisk_btt_release(&btt);
	EXPECT_EQ(-EUCLEAN, check_btt(&d, &claimed, false, &r, NULL));
	EXPECT_EQ(1, r.info_bad);
	ASSERT_EQ(0, check_btt(&d, &claimed, true, &r, NULL));
	EXPECT_EQ(0, memcmp(info_at(&d, 4096), primary, 4096));
	ASSERT_EQ(0, disk_load(&d, &btt));	/* unclaimed again */
	EXPECT_FALSE(btt.used_backup);
	pmdisk_btt_release(&btt);
	disk_close(&d);
}

TEST(info_error_flag_makes_the_btt_read_only)
{
	struct pmdisk_btt btt;
	struct disk d;

	ASSERT_EQ(0, disk_open(&d, 20 * MiB, 0, 4096));
	ASSERT_EQ(0, disk_load(&d, &btt));
	ASSERT_EQ(0, model_write(&d, &btt, 4, 44));
	pmdisk_btt_release(&btt);
	info_at(&d, 0)->flags = cpu_to_le32(PMDISK_BTT_INFO_FLAG_ERROR);
	info_seal(info_at(&d, 0));
	memcpy(info_at(&d, d.geo.info2off), info_at(&d, 0), 4096);

	ASSERT_EQ(0, disk_load(&d, &btt));
	EXPECT_TRUE(btt.arenas[0].readonly);
	EXPECT_EQ(d.model[44], read_tag(&d, &btt, 0, 44));
	EXPECT_EQ(-EROFS, write_tag(&d, &btt, 0, 44, 9));
	EXPECT_EQ(-EROFS, pmdisk_btt_discard(&btt, 44));
	EXPECT_EQ(-EROFS, pmdisk_btt_set_error(&btt, 44));
	assert_model(_metadata, &d, &btt, "read-only");
	pmdisk_btt_release(&btt);
	disk_close(&d);
}

TEST(map_entry_naming_a_used_block_is_a_duplicate)
{
	struct pmdisk_btt_check_report r;
	struct pmdisk_btt btt;
	struct disk d;
	u32 entry;

	ASSERT_EQ(0, disk_open(&d, 20 * MiB, 0, 512));
	ASSERT_EQ(0, disk_load(&d, &btt));
	ASSERT_EQ(0, model_write(&d, &btt, 1, 10));
	ASSERT_EQ(0, model_write(&d, &btt, 2, 20));
	pmdisk_btt_release(&btt);
	entry = map_get(&d, &d.geo, 10);
	ASSERT_EQ(PMDISK_BTT_MAP_NORMAL, entry & PMDISK_BTT_MAP_NORMAL);
	map_put(&d, &d.geo, 20, entry);
	EXPECT_EQ(-EUCLEAN, check_btt(&d, &d.id, false, &r, NULL));
	EXPECT_GE(r.blocks_duplicate, 1);
	EXPECT_GE(r.blocks_missing, 1);

	/* one naming the identity block of another sector is a duplicate too */
	map_put(&d, &d.geo, 20, 30 | PMDISK_BTT_MAP_NORMAL);
	EXPECT_EQ(-EUCLEAN, check_btt(&d, &d.id, false, &r, NULL));
	EXPECT_GE(r.blocks_duplicate, 1);
	disk_close(&d);
}

TEST(damaged_map_or_flog_entries_are_reported_not_followed)
{
	struct pmdisk_btt_check_report r;
	struct pmdisk_btt_flog e;
	struct pmdisk_btt btt;
	struct disk d;
	int rc;

	ASSERT_EQ(0, disk_open(&d, 20 * MiB, 0, 512));
	disk_commit(&d);
	/* a map entry beyond the arena: check says so; I/O to it fails */
	map_put(&d, &d.geo, 30, d.geo.internal_nlba | PMDISK_BTT_MAP_NORMAL);
	EXPECT_EQ(-EUCLEAN, check_btt(&d, &d.id, false, &r, NULL));
	EXPECT_EQ(1, r.map_bad);
	ASSERT_EQ(0, disk_load(&d, &btt));
	EXPECT_EQ(TAG_EIO, read_tag(&d, &btt, 0, 30));
	rc = write_tag(&d, &btt, 0, 30, 5);
	EXPECT_TRUE(rc < 0) TH_LOG("write to a wild map entry: %d", rc);
	EXPECT_EQ(0, model_write(&d, &btt, 0, 31));	/* the lane still works */
	EXPECT_EQ(d.model[31], read_tag(&d, &btt, 0, 31));
	pmdisk_btt_release(&btt);
	map_put(&d, &d.geo, 30, 0);

	/* a flog sequence number out of range: load refuses, check counts it */
	e = flog_get(&d, 9, 0);
	e.seq = cpu_to_le32(4);
	flog_put(&d, 9, 0, &e);
	EXPECT_EQ(-EUCLEAN, disk_load(&d, &btt));
	EXPECT_EQ(-EUCLEAN, check_btt(&d, &d.id, false, &r, NULL));
	EXPECT_EQ(1, r.flog_bad);
	/* equal sequence numbers in both live slots */
	e.seq = cpu_to_le32(1);
	flog_put(&d, 9, 0, &e);
	e.lba = cpu_to_le32(3);
	flog_put(&d, 9, 1, &e);
	EXPECT_EQ(-EUCLEAN, disk_load(&d, &btt));
	/* a flog entry naming a block beyond the arena */
	memset(&e, 0, sizeof(e));
	flog_put(&d, 9, 1, &e);
	e = flog_get(&d, 9, 0);
	e.old_map = cpu_to_le32(d.geo.internal_nlba);
	flog_put(&d, 9, 0, &e);
	EXPECT_EQ(-EUCLEAN, disk_load(&d, &btt));
	EXPECT_EQ(-EUCLEAN, check_btt(&d, &d.id, false, &r, NULL));
	disk_close(&d);
}

/* ---- random damage ------------------------------------------------------- */

/* A 32-bit value likely to sit at some edge of a field. */
static u32 edgy_value(struct rng *rng, const struct disk *d)
{
	static const u32 fixed[] = {
		0, 1, 2, 3, 4, 255, 256, 257, 511, 512, 4095, 4096, 4097,
		0x3fffffff, 0x40000000, 0x80000000, 0xc0000000, 0xffffffff,
	};
	switch (rnd_below(rng, 4)) {
	case 0:
		return fixed[rnd_below(rng, ARRAY_SIZE(fixed))];
	case 1:
		return rnd_below(rng, d->geo.internal_nlba + 2) |
		       (rnd(rng) & 1 ? PMDISK_BTT_MAP_NORMAL : 0);
	case 2:
		return d->geo.external_nlba + rnd_below(rng, 512) - 256;
	default:
		return rnd(rng);
	}
}

/* Damage one region of arena 0 (@base: where its info block is). */
static void damage(struct disk *d, struct rng *rng, u64 base)
{
	const struct pmdisk_btt_geo *g = &d->geo;
	u64 shift = base - g->off;
	int flips = 1 + rnd_below(rng, 4), i;
	int mode = rnd_below(rng, 6);

	for (i = 0; i < flips; i++) {
		u64 lo, len, off;

		switch (mode) {
		case 0:		/* the primary info block, checksum left as it is */
			lo = base, len = 4096;
			break;
		case 1:		/* its fields, re-sealed: hostile but valid */
		case 2:
			lo = base, len = 120;
			break;
		case 3:
			lo = g->mapoff + shift, len = 4ULL * g->external_nlba;
			break;
		case 4:
			lo = g->logoff + shift, len = 64ULL * LANES;
			break;
		default:	/* anywhere in the metadata, both info blocks too */
			lo = g->mapoff + shift, len = g->info2off + 4096 - g->mapoff;
			if (rnd(rng) & 1)
				lo = base, len = 4096;
			break;
		}
		off = lo + rnd_below(rng, len);
		if (rnd(rng) & 1) {
			d->sim.bytes[off] ^= 1 + rnd_below(rng, 255);
		} else {
			__le32 v = cpu_to_le32(edgy_value(rng, d));

			off &= ~3ULL;
			if (off + 4 > d->media.size)
				off = d->media.size - 4;
			memcpy(d->sim.bytes + off, &v, 4);
		}
	}
	if (mode == 1 || mode == 2) {
		info_seal(info_at(d, base));
		if (mode == 2)	/* the backup agrees: nothing to fall back to */
			memcpy(info_at(d, g->info2off + shift), info_at(d, base), 4096);
	}
}

/* Snapshot of arena 0's metadata, so direct damage can be undone fast. */
struct meta_copy {
	u64 off[2], len[2];
	u8 *bytes[2];
};

static void meta_save(struct meta_copy *m, struct disk *d, u64 base)
{
	int i;

	m->off[0] = base;
	m->len[0] = 4096;
	m->off[1] = d->geo.mapoff + (base - d->geo.off);
	m->len[1] = d->geo.info2off + 4096 - d->geo.mapoff;
	for (i = 0; i < 2; i++) {
		m->bytes[i] = malloc(m->len[i]);
		memcpy(m->bytes[i], d->sim.bytes + m->off[i], m->len[i]);
	}
}

static void meta_restore(struct meta_copy *m, struct disk *d)
{
	int i;

	for (i = 0; i < 2; i++)
		memcpy(d->sim.bytes + m->off[i], m->bytes[i], m->len[i]);
}

static void meta_free(struct meta_copy *m)
{
	free(m->bytes[0]);
	free(m->bytes[1]);
}

/*
 * Damage, then load, do I/O, check and repair: nothing may crash or trip
 * the sanitizers, every call returns 0 or a negative errno, and a BTT that
 * check passes loads and reads back what is written to it.
 */
static void fuzz(struct __test_metadata *_metadata, struct disk *d, u64 base,
		 int iterations, u64 seed)
{
	struct rng rng = { seed };
	struct meta_copy meta;
	u64 loaded = 0, clean = 0, refused = 0;
	int it;

	meta_save(&meta, d, base);
	for (it = 0; it < iterations; it++) {
		struct pmdisk_btt_check_report r;
		struct pmdisk_btt_id want = d->id;
		struct pmdisk_btt btt;
		int rc, rc_check, i;

		disk_rewind(d);
		meta_restore(&meta, d);
		damage(d, &rng, base);
		want.claimed = rnd(&rng) & 1;
		rc_check = check_btt(d, &want, false, &r, NULL);
		ASSERT_LE(rc_check, 0);
		rc = pmdisk_btt_load(&btt, &d->media, &want, NULL, NULL);
		ASSERT_LE(rc, 0) TH_LOG("iteration %d", it);
		if (rc_check == 0) {
			ASSERT_EQ(0, rc) TH_LOG("iteration %d: check passes, load fails", it);
			clean++;
		}
		if (rc) {
			refused++;
		} else {
			loaded++;
			for (i = 0; i < 8; i++) {
				u64 lba = rnd_below(&rng, btt.nlba);
				unsigned int lane = rnd_below(&rng, LANES);
				u32 tag = 0x10000000 + i, got;

				rc = pmdisk_btt_read(&btt, lane, lba, d->buf);
				ASSERT_TRUE(rc == 0 || rc == -EIO) TH_LOG("iteration %d: read %d", it, rc);
				rc = write_tag(d, &btt, lane, lba, tag);
				ASSERT_TRUE(rc == 0 || rc == -EIO || rc == -EROFS)
					TH_LOG("iteration %d: write %d", it, rc);
				got = read_tag(d, &btt, lane, lba);
				if (rc_check == 0 && rc == 0)
					ASSERT_EQ(tag, got) TH_LOG("iteration %d: lba %llu", it, lba);
				if (i == 5)
					ASSERT_LE(pmdisk_btt_discard(&btt, lba), 0);
				if (i == 6)
					ASSERT_LE(pmdisk_btt_set_error(&btt, lba), 0);
			}
			pmdisk_btt_release(&btt);
			if (rc_check == 0) {
				char where[80];

				snprintf(where, sizeof(where),
					 "iteration %d: I/O on a BTT check had passed", it);
				assert_clean(_metadata, d, &want, where);
			}
		}
		if (it % 4 == 0) {
			rc = check_btt(d, &want, true, &r, NULL);
			ASSERT_LE(rc, 0);
			if (!rc) {
				rc = pmdisk_btt_load(&btt, &d->media, &want, NULL, NULL);
				ASSERT_EQ(0, rc) TH_LOG("iteration %d: repaired, load fails", it);
				pmdisk_btt_release(&btt);
			}
		}
	}
	disk_rewind(d);
	meta_restore(&meta, d);
	meta_free(&meta);
	TH_LOG("%d damaged images: %llu loaded (%llu passed check), %llu refused",
	       iterations, (unsigned long long)loaded, (unsigned long long)clean,
	       (unsigned long long)refused);
	EXPECT_GT(loaded, 0);
	EXPECT_GT(refused, 0);
}

TEST(random_metadata_damage_never_crashes_load_io_or_check)
{
	struct pmdisk_btt btt;
	struct disk d;
	int i;

	ASSERT_EQ(0, disk_open(&d, 16 * MiB + 64 * KiB, 4096, 512));
	ASSERT_EQ(0, disk_load(&d, &btt));
	for (i = 0; i < 600; i++)
		ASSERT_EQ(0, model_write(&d, &btt, i % 40, (i * 131) % d.nlba));
	pmdisk_btt_release(&btt);
	disk_commit(&d);
	fuzz(_metadata, &d, 4096, 3000, 0xf022);
	disk_close(&d);
}

TEST(random_damage_to_a_two_arena_btt_never_crashes)
{
	struct pmdisk_btt btt;
	struct disk d;
	int i;

	ASSERT_EQ(0, make_two_arenas(&d, 512));
	ASSERT_EQ(0, disk_load(&d, &btt));
	for (i = 0; i < 600; i++)
		ASSERT_EQ(0, model_write(&d, &btt, i % 40, (i * 131) % d.nlba));
	pmdisk_btt_release(&btt);
	disk_commit(&d);
	fuzz(_metadata, &d, 0, 500, 0xa0);		/* arena 0 */
	fuzz(_metadata, &d, 20 * MiB, 500, 0xa1);	/* arena 1 */
	disk_close(&d);
}

/* ---- 8. threads ---------------------------------------------------------- */

/*
 * A sector that describes itself: its LBA, a generation, a body derived
 * from both, and a checksum of it all. A torn or misplaced sector fails.
 */
static u64 mix(u64 x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return x;
}

static void self_fill(u64 *w, u32 len, u64 lba, u64 gen)
{
	size_t n = len / 8, j;
	u64 sum = 0;

	w[0] = lba;
	w[1] = gen;
	for (j = 2; j < n - 1; j++)
		w[j] = mix(lba * 0x9e3779b97f4a7c15ULL + gen + j);
	for (j = 0; j < n - 1; j++)
		sum = mix(sum + w[j]);
	w[n - 1] = sum;
}

static bool self_ok(const u64 *w, u32 len, u64 lba)
{
	size_t n = len / 8, j;
	u64 sum = 0;

	if (sector_tag(w, len) == (TAG_INIT | lba))
		return true;	/* never written yet */
	if (w[0] != lba)
		return false;
	for (j = 2; j < n - 1; j++)
		if (w[j] != mix(lba * 0x9e3779b97f4a7c15ULL + w[1] + j))
			return false;
	for (j = 0; j < n - 1; j++)
		sum = mix(sum + w[j]);
	return w[n - 1] == sum;
}

struct worker {
	pthread_t thread;
	struct pmdisk_btt *btt;
	unsigned int lane;
	u64 seed, nlba;
	u64 reads, writes, torn, errors;
	const struct timespec *stop;
};

#define HOT_LBAS 48

static bool past(const struct timespec *stop)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > stop->tv_sec ||
	       (now.tv_sec == stop->tv_sec && now.tv_nsec >= stop->tv_nsec);
}

static void *worker_run(void *arg)
{
	struct worker *w = arg;
	struct rng rng = { w->seed };
	u32 len = w->btt->lbasize;
	u64 buf[SECTOR_MAX / 8];
	u64 gen = (u64)w->lane << 40;

	while (w->reads + w->writes < 400000 && !((w->reads + w->writes) % 256 == 0 && past(w->stop))) {
		/* most I/O on a few sectors, so threads collide on them */
		u64 lba = rnd(&rng) & 3 ? rnd_below(&rng, HOT_LBAS) : rnd_below(&rng, w->nlba);

		if (rnd(&rng) & 1) {
			self_fill(buf, len, lba, ++gen);
			if (pmdisk_btt_write(w->btt, w->lane, lba, buf))
				w->errors++;
			w->writes++;
		} else {
			if (pmdisk_btt_read(w->btt, w->lane, lba, buf))
				w->errors++;
			else if (!self_ok(buf, len, lba))
				w->torn++;
			w->reads++;
		}
	}
	return NULL;
}

/*
 * Four threads, each on its own lane, read and write a few hot sectors:
 * with all 256 lanes in use (lanes spread over them), and with only lanes
 * 0..3 declared in use, so writers check just those lanes' readers.
 */
TEST(four_threads_on_their_own_lanes_never_see_a_torn_sector)
{
	static const u32 lbasizes[] = { 512, 4096, 512, 4096 };
	size_t li;

	for (li = 0; li < ARRAY_SIZE(lbasizes); li++) {
		bool narrow = li >= 2;
		struct worker w[4];
		struct timespec stop;
		struct pmdisk_btt btt;
		u64 reads = 0, writes = 0, lba;
		u64 buf[SECTOR_MAX / 8];
		struct disk d;
		int i;

		ASSERT_EQ(0, disk_open(&d, 17 * MiB, 0, lbasizes[li]));
		d.journal = false;	/* the journal is not thread-safe */
		ASSERT_EQ(0, disk_load(&d, &btt));
		if (narrow) {
			pmdisk_btt_use_lanes(&btt, 4);
			EXPECT_EQ(-EINVAL, pmdisk_btt_read(&btt, 4, 0, buf));
			EXPECT_EQ(-EINVAL, pmdisk_btt_write(&btt, 4, 0, buf));
		}
		/* 0.6 s each: long enough for ~10^5 collisions, short for the suite */
		clock_gettime(CLOCK_MONOTONIC, &stop);
		stop.tv_nsec += 600000000;
		if (stop.tv_nsec >= 1000000000) {
			stop.tv_sec++;
			stop.tv_nsec -= 1000000000;
		}
		for (i = 0; i < 4; i++) {
			w[i] = (struct worker){
				.btt = &btt, .lane = narrow ? i : 1 + 60 * i, .seed = 0x7a11 + i,
				.nlba = d.nlba, .stop = &stop,
			};
			ASSERT_EQ(0, pthread_create(&w[i].thread, NULL, worker_run, &w[i]));
		}
		for (i = 0; i < 4; i++) {
			ASSERT_EQ(0, pthread_join(w[i].thread, NULL));
			EXPECT_EQ(0, w[i].torn) TH_LOG("thread %d", i);
			EXPECT_EQ(0, w[i].errors) TH_LOG("thread %d", i);
			reads += w[i].reads;
			writes += w[i].writes;
		}
		TH_LOG("%u-byte sectors, %s: %llu reads, %llu writes", lbasizes[li],
		       narrow ? "lanes 0-3 in use" : "all lanes in use",
		       (unsigned long long)reads, (unsigned long long)writes);
		EXPECT_GT(writes, 1000);
		for (lba = 0; lba < d.nlba; lba++) {
			ASSERT_EQ(0, pmdisk_btt_read(&btt, 0, lba, buf));
			ASSERT_TRUE(self_ok(buf, d.lbasize, lba)) TH_LOG("lba %llu", lba);
		}
		pmdisk_btt_release(&btt);
		ASSERT_EQ(0, disk_load(&d, &btt));
		for (lba = 0; lba < HOT_LBAS; lba++) {
			ASSERT_EQ(0, pmdisk_btt_read(&btt, 0, lba, buf));
			ASSERT_TRUE(self_ok(buf, d.lbasize, lba)) TH_LOG("reloaded: lba %llu", lba);
		}
		pmdisk_btt_release(&btt);
		assert_clean(_metadata, &d, NULL, "after the threads");
		assert_covered(_metadata, &d, "after the threads");
		disk_close(&d);
	}
}

TEST_HARNESS_MAIN
