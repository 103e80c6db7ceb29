// SPDX-License-Identifier: GPL-2.0
/*
 * pmemctl image create, cut short: the layout create writes (label index,
 * BTT, then the labels that commit it: userspace/image_layout.c) goes to a
 * simulated image file that loses power at every store, every torn prefix
 * of it. What image info then finds (userspace/image_report.c, the code
 * info and info --json print from) is either no namespace yet, with
 * nothing wrong, or the whole new namespace, whose BTT checks clean, loads,
 * and keeps a sector written to it. Labels v1.2, v1.1 and none; raw, and
 * BTTs of 512- and 4096-byte sectors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "simmedia.h"
#include "../../userspace/image_cmd.h"
#include "../../userspace/image_report.h"

#define MiB (1ULL << 20)

struct create_walk {
	struct image_layout c;
	struct image_report r;
	u64 none_yet, created, same;	/* states seen, and cuts that changed nothing */
	u64 updating;			/* the new namespace, its labels still UPDATING */
	struct __test_metadata *meta;
};

static int create_op(struct sim_media *sim, void *ctx)
{
	struct create_walk *w = ctx;
	struct pmdisk_media_window lm, rm;
	const struct image_geo *g = &w->c.geo;

	pmdisk_media_window_init(&lm, &sim->media, g->file_size - g->label_size, g->label_size);
	pmdisk_media_window_init(&rm, &sim->media, 0, g->region_size);
	return image_write_media(&w->c, &lm.media, &rm.media) ? -EIO : 0;
}

/* The namespace create promised: its identity, and a BTT that works. */
static void assert_created(struct __test_metadata *_metadata, struct create_walk *w,
			   struct sim_media *sim, u64 store, long words)
{
	const struct image_layout *c = &w->c;
	const struct image_ns *in = &w->r.ns[0];
	struct pmdisk_media_window nm;
	struct pmdisk_btt btt;
	u8 sector[4096], back[4096];

	ASSERT_EQ(c->labels, w->r.labels) TH_LOG("store %llu word %ld", store, words);
	if (c->labels) {
		ASSERT_EQ(0, memcmp(c->uuid, in->ns.uuid, 16));
		ASSERT_STREQ(c->name, in->ns.name);
		ASSERT_EQ((int)c->slot, w->r.slot);
		ASSERT_EQ(c->sector_size, in->ns.lbasize);
	}
	ASSERT_EQ(c->plan.offset, in->ns.offset);
	ASSERT_EQ(c->plan.size, in->ns.size);
	/* UPDATING labels: the cut came between the label update's passes, after its commit */
	w->updating += in->ns.updating;
	ASSERT_EQ(c->btt, in->btt) TH_LOG("store %llu word %ld", store, words);
	if (!c->btt)
		return;
	ASSERT_EQ(0, in->btt_rc) TH_LOG("store %llu word %ld: the new BTT checks clean", store,
					 words);
	ASSERT_EQ(c->plan.actual, in->rep.nlba * in->rep.lbasize);
	ASSERT_EQ(c->sector_size, in->rep.lbasize);
	pmdisk_media_window_init(&nm, &sim->media, in->ns.offset, in->ns.size);
	ASSERT_EQ(0, pmdisk_btt_load(&btt, &nm.media, &in->btt_id, NULL, NULL));
	memset(sector, 0xa5, sizeof(sector));
	ASSERT_EQ(0, pmdisk_btt_write(&btt, 0, btt.nlba - 1, sector));
	ASSERT_EQ(0, pmdisk_btt_read(&btt, 1, btt.nlba - 1, back));
	ASSERT_EQ(0, memcmp(sector, back, btt.lbasize));
	pmdisk_btt_release(&btt);
}

/* No namespace yet: no labelled one, and no BTT where a label-less one would be. */
static bool none_yet(const struct create_walk *w)
{
	const struct image_report *r = &w->r;

	if (r->labels)
		return !r->has_cookie && !r->nr_ns;
	return r->nr_ns == 1 && !r->ns[0].btt && (w->c.labels || w->c.btt);
}

static int create_check(struct sim_media *sim, void *ctx, u64 store, long words)
{
	struct create_walk *w = ctx;
	struct __test_metadata *_metadata = w->meta;
	int rc;

	if (words > 0 && !sim->cut_changed) {
		w->same++;	/* as the cut before any word of this store */
		return 0;
	}
	memset(&w->r, 0, sizeof(w->r));
	w->r.geo.label_size = IMAGE_LABEL_MIN;
	w->r.geo.align = w->c.geo.align;
	w->r.geo.file_size = w->c.geo.file_size;
	rc = image_inspect(&w->r, &sim->media, false);
	EXPECT_EQ(0, rc) TH_LOG("store %llu word %ld: info cannot read it", store, words);
	EXPECT_EQ(0, w->r.problems) TH_LOG("store %llu word %ld: info finds something wrong: %u namespace(s), BTT %s %s",
					  store, words, w->r.nr_ns, image_btt_state(&w->r.ns[0]),
					  w->r.ns[0].notes.nr ? w->r.ns[0].notes.msg[0] : "");
	if (rc || w->r.problems)
		return -1;
	if (store && none_yet(w)) {
		w->none_yet++;
		return 0;
	}
	assert_created(_metadata, w, sim, store, words);
	if (!_metadata->passed)
		return -1;
	w->created++;
	return 0;
}

FIXTURE(cut) {
	struct create_walk w;
	struct sim_media sim;
	u8 *initial;
};

FIXTURE_VARIANT(cut) {
	int labels;
	bool btt;
	u32 sector_size;
};

FIXTURE_VARIANT_ADD(cut, v1_2_raw) { PMDISK_LABEL_V1_2, false, 512 };
FIXTURE_VARIANT_ADD(cut, v1_2_btt_512) { PMDISK_LABEL_V1_2, true, 512 };
FIXTURE_VARIANT_ADD(cut, v1_2_btt_4096) { PMDISK_LABEL_V1_2, true, 4096 };
FIXTURE_VARIANT_ADD(cut, v1_1_raw) { PMDISK_LABEL_V1_1, false, 512 };
FIXTURE_VARIANT_ADD(cut, v1_1_btt_512) { PMDISK_LABEL_V1_1, true, 512 };
FIXTURE_VARIANT_ADD(cut, v1_1_btt_4096) { PMDISK_LABEL_V1_1, true, 4096 };
FIXTURE_VARIANT_ADD(cut, none_raw) { 0, false, 512 };
FIXTURE_VARIANT_ADD(cut, none_btt_512) { 0, true, 512 };
FIXTURE_VARIANT_ADD(cut, none_btt_4096) { 0, true, 4096 };

FIXTURE_SETUP(cut)
{
	struct image_layout *c = &self->w.c;
	static const u8 uuid[16] = { 0x6f, 0x1c, 0x2a, 0x3b, 0x4d, 0x5e, 0x4f, 0x60,
				     0x81, 0x72, 0x93, 0xa4, 0xb5, 0xc6, 0xd7, 0xe8 };

	memset(&self->w, 0, sizeof(self->w));
	self->w.meta = _metadata;
	c->path = "cut.img";
	c->size = 16 * MiB;	/* the smallest BTT */
	c->labels = variant->labels;
	c->btt = variant->btt;
	c->sector_size = variant->sector_size;
	c->geo.label_size = c->labels ? IMAGE_LABEL_MIN : 0;
	c->geo.align = 4096;
	if (c->labels) {
		memcpy(c->uuid, uuid, 16);
		strcpy(c->name, "cut");
		c->slot = 2;
	}
	ASSERT_EQ(NULL, image_plan(c));
	ASSERT_EQ(0, sim_media_init(&self->sim, c->geo.file_size));
	ASSERT_EQ(0, sim_media_track_stores(&self->sim));
	self->initial = calloc(1, c->geo.file_size);	/* a new sparse file */
	ASSERT_NE(NULL, self->initial);
}

FIXTURE_TEARDOWN(cut)
{
	free(self->initial);
	sim_media_free(&self->sim);
}

/* some 23,000 cuts of a 512-byte BTT's format: seconds, minutes on a loaded machine */
TEST_F_TIMEOUT(cut, a_cut_at_every_store_of_create_leaves_no_namespace_or_the_new_one, 300)
{
	struct create_walk *w = &self->w;
	u64 visited;

	ASSERT_EQ(0, sim_enumerate_cuts(&self->sim, self->initial, create_op, create_check, w,
					&visited));
	TH_LOG("%llu cut points: no namespace yet %llu, the new one %llu (%llu of them UPDATING), torn stores that changed nothing %llu",
	       (unsigned long long)visited, (unsigned long long)w->none_yet,
	       (unsigned long long)w->created, (unsigned long long)w->updating,
	       (unsigned long long)w->same);
	/* the walk ended with create complete, and that is the new namespace */
	EXPECT_GE(w->created, 1);
	if (variant->labels || variant->btt)
		EXPECT_GT(w->none_yet, 0);
}

TEST_HARNESS_MAIN
