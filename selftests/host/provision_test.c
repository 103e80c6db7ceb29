// SPDX-License-Identifier: GPL-2.0
/*
 * Provisioning decisions (driver/core/provision.c): free gaps, placement,
 * sizing and claims of new disks; and the rule that what the caller
 * believes about a region after a label update, succeeded or failed, is
 * what a load of the same media finds. Create, remove, reset-id and
 * relabel run on 1-, 2- and 4-way sets with both label versions, with an
 * I/O error at every store (none, half or all of the failed store landed).
 */
#include <stdlib.h>

#include "kselftest_harness.h"
#include "simmedia.h"
#include "../../driver/core/btt.h"
#include "../../driver/core/provision.h"

#define LSA_SIZE (128 * 1024)
#define MiB (1ULL << 20)
#define MAX_WAYS 4
#define SHARE (64 * MiB)	/* each DIMM's part of the region */

static const u8 pm_guid[16] = {
	0x79, 0xd3, 0xf0, 0x66, 0xf3, 0xb4, 0x74, 0x40,
	0xac, 0x43, 0x0d, 0x33, 0x18, 0xb7, 0x8c, 0xdb,
};

static void extents_set(struct pmdisk_extents *x, const u64 (*e)[2], unsigned int n)
{
	unsigned int i;

	x->n = 0;
	for (i = 0; i < n; i++)
		pmdisk_extents_add(x, e[i][0], e[i][1]);
}

/* ---- extents, gaps, placement ------------------------------------------ */

TEST(extents_stay_sorted_and_delete_by_offset)
{
	static const u64 e[][2] = { { 30, 5 }, { 0, 10 }, { 12, 3 } };
	struct pmdisk_extents x;

	extents_set(&x, e, 3);
	ASSERT_EQ(3, x.n);
	EXPECT_EQ(0, x.e[0].offset);
	EXPECT_EQ(12, x.e[1].offset);
	EXPECT_EQ(30, x.e[2].offset);
	pmdisk_extents_del(&x, 12);
	EXPECT_EQ(2, x.n);
	EXPECT_FALSE(pmdisk_extents_has(&x, 12));
	EXPECT_TRUE(pmdisk_extents_has(&x, 30));
	pmdisk_extents_del(&x, 99);	/* none there: nothing changes */
	EXPECT_EQ(2, x.n);
}

TEST(extents_table_refuses_the_65th)
{
	struct pmdisk_extents x = { 0 };
	unsigned int i;

	for (i = 0; i < PMDISK_MAX_NS_PER_REGION; i++)
		ASSERT_EQ(0, pmdisk_extents_add(&x, i * 10, 10));
	EXPECT_EQ(-ENOSPC, pmdisk_extents_add(&x, 5000, 10));
	EXPECT_EQ(PMDISK_MAX_NS_PER_REGION, x.n);
}

TEST(gaps_are_the_space_no_extent_covers)
{
	/* overlapping and nested extents (a scan never returns them, a table may) */
	static const u64 e[][2] = { { 0, 10 }, { 5, 15 }, { 6, 2 }, { 30, 10 } };
	struct pmdisk_gap_iter it = {};
	struct pmdisk_extents x;
	struct pmdisk_extent g;

	extents_set(&x, e, 4);
	ASSERT_TRUE(pmdisk_next_gap(&x, 50, &it, &g));
	EXPECT_EQ(20, g.offset);
	EXPECT_EQ(10, g.size);
	ASSERT_TRUE(pmdisk_next_gap(&x, 50, &it, &g));
	EXPECT_EQ(40, g.offset);
	EXPECT_EQ(10, g.size);
	EXPECT_FALSE(pmdisk_next_gap(&x, 50, &it, &g));
}

TEST(place_takes_the_first_aligned_gap_and_reports_the_largest)
{
	static const u64 e[][2] = { { 0, 6 * MiB }, { 12 * MiB, 20 * MiB } };
	struct pmdisk_extents x;
	u64 off = 0, max;

	/* a 3-way region: 6 MiB units, not a power of two */
	extents_set(&x, e, 2);
	EXPECT_TRUE(pmdisk_place(&x, 60 * MiB, 6 * MiB, 6 * MiB, 0, &off, &max));
	EXPECT_EQ(6 * MiB, off);
	EXPECT_EQ(24 * MiB, max);	/* [36, 60) */
	EXPECT_TRUE(pmdisk_place(&x, 60 * MiB, 12 * MiB, 6 * MiB, 0, &off, &max));
	EXPECT_EQ(36 * MiB, off);
	EXPECT_FALSE(pmdisk_place(&x, 60 * MiB, 30 * MiB, 6 * MiB, 0, &off, &max));
	EXPECT_EQ(24 * MiB, max);
	/* aligned in physical memory: a region whose base is 2 MiB past 16 MiB */
	x.n = 0;
	EXPECT_TRUE(pmdisk_place(&x, 64 * MiB, 16 * MiB, 16 * MiB, 2 * MiB, &off, &max));
	EXPECT_EQ(14 * MiB, off);
	EXPECT_EQ(48 * MiB, max);	/* [14, 62): [62, 64) is less than a unit */
}

/* ---- plans ------------------------------------------------------------- */

static struct pmdisk_prov_region region_of(const struct pmdisk_extents *used,
					   unsigned int ways, enum pmdisk_label_version v)
{
	return (struct pmdisk_prov_region) {
		.base = 4ULL << 30, .size = ways * SHARE, .ways = ways, .labels = v,
		.used = used,
	};
}

TEST(raw_disk_rounds_up_to_whole_units_of_every_dimm)
{
	struct pmdisk_extents used = { 0 };
	struct pmdisk_prov_region r = region_of(&used, 3, PMDISK_LABEL_V1_2);
	struct pmdisk_prov_req q = { .mode = PMDISK_PROV_RAW, .disk_size = 7 * MiB,
				     .sector_size = 512 };
	struct pmdisk_prov_plan p;

	/*
	 * 3 DIMMs: 6 MiB units. A mask-based round_up() made this 8 MiB,
	 * which no DIMM can hold a third of in whole 2 MiB units.
	 */
	ASSERT_EQ(0, pmdisk_prov_plan(&r, &q, &p));
	EXPECT_EQ(12 * MiB, p.size);
	EXPECT_EQ(12 * MiB, p.actual);
	EXPECT_EQ(0, p.offset);
	EXPECT_EQ(PMDISK_ATOMICITY_NONE, p.atomicity);
	EXPECT_FALSE(p.dax);
}

TEST(btt_disk_is_the_smallest_namespace_that_holds_it)
{
	struct pmdisk_extents used = { 0 };
	enum pmdisk_label_version v;

	for (v = PMDISK_LABEL_V1_1; v <= PMDISK_LABEL_V1_2; v++) {
		struct pmdisk_prov_region r = region_of(&used, 2, v);
		struct pmdisk_prov_req q = { .mode = PMDISK_PROV_BTT, .disk_size = 32 * MiB,
					     .sector_size = 4096 };
		struct pmdisk_prov_plan p;
		u64 smaller;

		ASSERT_EQ(0, pmdisk_prov_plan(&r, &q, &p));
		EXPECT_EQ(PMDISK_ATOMICITY_BTT, p.atomicity);
		EXPECT_EQ(v == PMDISK_LABEL_V1_2 ? PMDISK_BTT_START_V2_0 : PMDISK_BTT_START_V1_1,
			  p.btt_start);
		EXPECT_EQ(v == PMDISK_LABEL_V1_2, p.btt_claimed);
		EXPECT_EQ(0, p.size % (4 * MiB));
		EXPECT_EQ(p.actual, pmdisk_btt_nlba(p.btt_start, p.size - p.btt_start, 4096) * 4096);
		EXPECT_GE(p.actual, 32 * MiB);
		smaller = p.size - 4 * MiB;
		EXPECT_LT(pmdisk_btt_nlba(p.btt_start, smaller - p.btt_start, 4096) * 4096, 32 * MiB);
		EXPECT_EQ(v == PMDISK_LABEL_V1_2 ? PMDISK_CLAIM_BTT2 : PMDISK_CLAIM_NONE,
			  pmdisk_prov_claim(p.atomicity, p.btt_start, p.dax_claimed, p.dax_kind));
	}
}

TEST(no_space_names_the_largest_extent_that_fits)
{
	static const u64 e[][2] = { { 0, 60 * MiB } };
	struct pmdisk_extents used;
	struct pmdisk_prov_region r = region_of(&used, 1, PMDISK_LABEL_V1_2);
	struct pmdisk_prov_req q = { .mode = PMDISK_PROV_RAW, .disk_size = 8 * MiB,
				     .sector_size = 512 };
	struct pmdisk_prov_plan p;

	extents_set(&used, e, 1);
	EXPECT_EQ(-ENOSPC, pmdisk_prov_plan(&r, &q, &p));
	EXPECT_EQ(4 * MiB, p.max_extent);
	q.disk_size = 65 * MiB;		/* larger than the region */
	EXPECT_EQ(-ENOSPC, pmdisk_prov_plan(&r, &q, &p));
	EXPECT_EQ(4 * MiB, p.max_extent);
}

TEST(dax_disk_is_aligned_in_physical_memory_and_holds_its_size)
{
	struct pmdisk_extents used = { 0 };
	struct pmdisk_prov_region r = region_of(&used, 1, PMDISK_LABEL_V1_2);
	struct pmdisk_prov_req q = { .mode = PMDISK_PROV_FSDAX, .disk_size = 32 * MiB,
				     .sector_size = 512, .map = PMDISK_PFN_MAP_DEV };
	struct pmdisk_prov_plan p;

	r.base = (4ULL << 30) + 2 * MiB;	/* not on a 16 MiB boundary */
	ASSERT_EQ(0, pmdisk_prov_plan(&r, &q, &p));
	EXPECT_TRUE(p.dax);
	EXPECT_EQ(PMDISK_PFN_FSDAX, p.dax_kind);
	EXPECT_TRUE(p.dax_claimed);
	EXPECT_EQ(0, (r.base + p.offset) % (16 * MiB));
	EXPECT_EQ(0, p.size % (16 * MiB));
	EXPECT_EQ(0, p.layout.end_trunc);
	EXPECT_GE(p.layout.data_size, 32 * MiB);
	EXPECT_EQ(p.actual, p.layout.data_size);
	EXPECT_EQ(PMDISK_CLAIM_PFN,
		  pmdisk_prov_claim(p.atomicity, p.btt_start, p.dax_claimed, p.dax_kind));
	q.mode = PMDISK_PROV_DEVDAX;
	ASSERT_EQ(0, pmdisk_prov_plan(&r, &q, &p));
	EXPECT_EQ(PMDISK_CLAIM_DAX,
		  pmdisk_prov_claim(p.atomicity, p.btt_start, p.dax_claimed, p.dax_kind));
}

/* ---- a failed label update: the caller believes what the media says ---- */

enum op { OP_CREATE, OP_REMOVE, OP_RESET, OP_RELABEL };
static const char *const op_names[] = { "create", "remove", "reset-id", "relabel" };

/* A region of @ways DIMMs whose label areas sit side by side on one medium. */
struct rig {
	struct sim_media sim;
	struct pmdisk_media_window win[MAX_WAYS];
	struct pmdisk_iset_dimm dimms[MAX_WAYS];
	unsigned int ways;
	enum pmdisk_label_version v;
	enum op op;
	u32 b_slot[MAX_WAYS];		/* namespace B's labels */
	struct pmdisk_extents before;	/* what was believed before the op */
	struct pmdisk_extents belief;	/* ... and after it */
	int rc, reread_error;
	u64 failed, olds, news;
};

/* Namespace A at 0 and B at 16 MiB per DIMM, 8 MiB per DIMM each. */
#define A_OFF(r)	0
#define B_OFF(r)	(16 * MiB * (r)->ways)
#define NS_SIZE(r)	(8 * MiB * (r)->ways)

static int rig_load(struct rig *r, struct pmdisk_lsa *lsa, struct pmdisk_lsa **lsap)
{
	return sim_lsa_load(r->win, r->ways, lsa, lsap);
}

static void rig_release(struct rig *r, struct pmdisk_lsa *lsa)
{
	sim_lsa_release(lsa, r->ways);
}

/* What a load finds: the namespaces (-1: unreadable), and their extents. */
static int rig_scan(struct rig *r, struct pmdisk_ns *ns, struct pmdisk_extents *x)
{
	struct pmdisk_lsa lsa[MAX_WAYS], *lsap[MAX_WAYS];
	int n;

	if (rig_load(r, lsa, lsap))
		return -1;
	n = pmdisk_ns_scan(lsap, r->dimms, r->ways, ns, PMDISK_MAX_NS_PER_REGION, NULL, NULL);
	rig_release(r, lsa);
	if (n >= 0)
		pmdisk_extents_from_ns(x, ns, n);
	return n;
}

static void rig_labels(const struct rig *r, u8 tag, u64 offset, u64 size, u64 lbasize,
		       struct pmdisk_nslabel *l)
{
	u64 cookie = pmdisk_iset_cookie(r->dimms, r->ways, r->v == PMDISK_LABEL_V1_2 ?
					PMDISK_COOKIE_V1_2 : PMDISK_COOKIE_V1_1);
	unsigned int i;

	for (i = 0; i < r->ways; i++) {
		memset(&l[i], 0, sizeof(l[i]));
		memset(l[i].uuid, tag, 16);
		snprintf(l[i].name, sizeof(l[i].name), "ns-%02x", tag);
		l[i].nlabel = cpu_to_le16(r->ways);
		l[i].position = cpu_to_le16(i);
		l[i].isetcookie = cpu_to_le64(cookie);
		l[i].lbasize = cpu_to_le64(lbasize);
		l[i].dpa = cpu_to_le64(r->dimms[i].dpa + offset / r->ways);
		l[i].rawsize = cpu_to_le64(size / r->ways);
		memcpy(l[i].type_guid, pm_guid, 16);
	}
}

/* create C (placed by the plan), remove B, B gets a new uuid, B to 4096 */
static int rig_op(struct sim_media *sim, void *ctx)
{
	struct rig *r = ctx;
	struct pmdisk_lsa lsa[MAX_WAYS], *lsap[MAX_WAYS];
	struct pmdisk_prov_labels s = {
		.lsa = lsap, .dimms = r->dimms, .ways = r->ways, .used = &r->belief,
	};
	struct pmdisk_prov_region region = {
		.size = r->ways * SHARE, .ways = r->ways, .labels = r->v, .used = &r->belief,
	};
	struct pmdisk_prov_req q = { .mode = PMDISK_PROV_RAW, .disk_size = NS_SIZE(r),
				     .sector_size = 512 };
	struct pmdisk_nslabel l[MAX_WAYS];
	struct pmdisk_prov_plan plan;
	u32 slot[MAX_WAYS];

	r->belief = r->before;
	r->rc = -ENOENT;
	if (rig_load(r, lsa, lsap))
		return -1;
	switch (r->op) {
	case OP_CREATE:
		if (pmdisk_prov_plan(&region, &q, &plan))
			break;
		rig_labels(r, 0xc3, plan.offset, plan.size, 512, l);
		r->rc = pmdisk_prov_write(&s, l, slot, plan.offset, plan.size);
		break;
	case OP_REMOVE:
		r->rc = pmdisk_prov_delete(&s, r->b_slot, B_OFF(r));
		break;
	case OP_RESET:
	case OP_RELABEL:
		rig_labels(r, r->op == OP_RESET ? 0xb7 : 0xb2, B_OFF(r), NS_SIZE(r),
			   r->op == OP_RELABEL ? 4096 : 512, l);
		r->rc = pmdisk_prov_write(&s, l, slot, B_OFF(r), NS_SIZE(r));
		break;
	}
	r->reread_error = s.reread_error;
	rig_release(r, lsa);
	return r->rc;
}

static bool extents_equal(const struct pmdisk_extents *a, const struct pmdisk_extents *b)
{
	unsigned int i;

	if (a->n != b->n)
		return false;
	for (i = 0; i < a->n; i++)
		if (a->e[i].offset != b->e[i].offset || a->e[i].size != b->e[i].size)
			return false;
	return true;
}

/* 0: the state before the op; 1: after it; -1: neither. */
static int rig_state(struct rig *r, const struct pmdisk_ns *ns, int n,
		     const struct pmdisk_extents *x)
{
	const struct pmdisk_ns *b = NULL;
	int i;

	for (i = 0; i < n; i++)
		if (ns[i].offset == B_OFF(r))
			b = &ns[i];
	switch (r->op) {
	case OP_CREATE:
		return extents_equal(x, &r->before) ? 0 :
		       x->n == 3 && x->e[1].offset == NS_SIZE(r) ? 1 : -1;
	case OP_REMOVE:
		return extents_equal(x, &r->before) ? 0 : x->n == 1 && !b ? 1 : -1;
	case OP_RESET:
		return !b || !extents_equal(x, &r->before) ? -1 :
		       b->uuid[0] == 0xb2 ? 0 : b->uuid[0] == 0xb7 ? 1 : -1;
	default:
		return !b || !extents_equal(x, &r->before) ? -1 :
		       b->lbasize == 512 ? 0 : b->lbasize == 4096 ? 1 : -1;
	}
}

/*
 * After the op, with or without an error: the belief equals what a load
 * finds, which is the old state or the new one; an op that reported
 * success left the new one; a create planned from the belief lands on
 * free media.
 */
static int rig_check(struct sim_media *sim, void *ctx, u64 store, long words)
{
	struct pmdisk_prov_region region;
	struct pmdisk_prov_req q = { .mode = PMDISK_PROV_RAW, .sector_size = 512 };
	struct pmdisk_ns ns[PMDISK_MAX_NS_PER_REGION];
	struct pmdisk_prov_plan plan;
	struct rig *r = ctx;
	struct pmdisk_extents found;
	unsigned int i;
	int n, state;

	n = rig_scan(r, ns, &found);
	if (n < 0 || r->reread_error)
		return 1;
	if (!extents_equal(&r->belief, &found))
		return 2;
	state = rig_state(r, ns, n, &found);
	if (state < 0)
		return 3;
	if (r->rc < 0)
		r->failed++;
	else if (state != 1)
		return 4;	/* success reported, old state found */
	if (store == 0 && r->rc < 0)
		return 5;	/* no error, yet it failed */
	if (state)
		r->news++;
	else
		r->olds++;
	region = region_of(&r->belief, r->ways, r->v);
	q.disk_size = 2 * MiB * r->ways;
	if (pmdisk_prov_plan(&region, &q, &plan) == 0) {
		for (i = 0; i < found.n; i++)
			if (plan.offset < found.e[i].offset + found.e[i].size &&
			    found.e[i].offset < plan.offset + plan.size)
				return 6;	/* over a namespace on the media */
	}
	return 0;
}

static void rig_setup(struct __test_metadata *_metadata, struct rig *r,
		      unsigned int ways, enum pmdisk_label_version v)
{
	struct pmdisk_lsa lsa[MAX_WAYS], *lsap[MAX_WAYS];
	struct pmdisk_ns ns[PMDISK_MAX_NS_PER_REGION];
	struct pmdisk_nslabel l[MAX_WAYS];
	u32 slot[MAX_WAYS];
	unsigned int i;

	memset(r, 0, sizeof(*r));
	r->ways = ways;
	r->v = v;
	ASSERT_EQ(0, sim_media_init(&r->sim, ways * LSA_SIZE));
	for (i = 0; i < ways; i++) {
		pmdisk_media_window_init(&r->win[i], &r->sim.media, (u64)i * LSA_SIZE, LSA_SIZE);
		r->dimms[i].region_offset = (u64)i * SHARE;
		r->dimms[i].size = SHARE;
		r->dimms[i].serial = 100 + i;
		ASSERT_EQ(0, pmdisk_lsa_init(&r->win[i].media, v, 0));
	}
	ASSERT_EQ(0, rig_load(r, lsa, lsap));
	rig_labels(r, 0xa1, A_OFF(r), NS_SIZE(r), 512, l);
	ASSERT_EQ(0, pmdisk_ns_write(lsap, ways, l, slot));
	rig_labels(r, 0xb2, B_OFF(r), NS_SIZE(r), 512, l);
	ASSERT_EQ(0, pmdisk_ns_write(lsap, ways, l, r->b_slot));
	rig_release(r, lsa);
	ASSERT_EQ(2, rig_scan(r, ns, &r->before));
}

static void rig_run(struct __test_metadata *_metadata, unsigned int ways,
		    enum pmdisk_label_version v)
{
	struct rig r;
	u8 *initial;
	u64 visited;
	int op;

	rig_setup(_metadata, &r, ways, v);
	initial = malloc(ways * LSA_SIZE);
	ASSERT_NE(NULL, initial);
	memcpy(initial, r.sim.bytes, ways * LSA_SIZE);
	for (op = OP_CREATE; op <= OP_RELABEL; op++) {
		r.op = op;
		r.failed = r.olds = r.news = 0;
		ASSERT_EQ(0, sim_enumerate_errors(&r.sim, initial, rig_op, rig_check, &r,
						  &visited)) {
			TH_LOG("%u-way v1.%d %s: belief and media disagree", ways,
			       v == PMDISK_LABEL_V1_2 ? 2 : 1, op_names[op]);
		}
		TH_LOG("%u-way v1.%d %s: %llu error points, %llu failed; %llu old, %llu new",
		       ways, v == PMDISK_LABEL_V1_2 ? 2 : 1, op_names[op],
		       (unsigned long long)visited, (unsigned long long)r.failed,
		       (unsigned long long)r.olds, (unsigned long long)r.news);
		EXPECT_GT(r.failed, 0);
		EXPECT_GT(r.olds, 0);
		EXPECT_GT(r.news, 0);
	}
	free(initial);
	sim_media_free(&r.sim);
}

FIXTURE(versions) {
	int unused;
};

FIXTURE_VARIANT(versions) {
	enum pmdisk_label_version version;
};

FIXTURE_VARIANT_ADD(versions, v1_1) { .version = PMDISK_LABEL_V1_1 };
FIXTURE_VARIANT_ADD(versions, v1_2) { .version = PMDISK_LABEL_V1_2 };

FIXTURE_SETUP(versions) {}
FIXTURE_TEARDOWN(versions) {}

TEST_F(versions, io_error_at_every_store_of_a_one_dimm_update_leaves_belief_equal_to_media)
{
	rig_run(_metadata, 1, variant->version);
}

TEST_F(versions, io_error_at_every_store_of_a_two_dimm_update_leaves_belief_equal_to_media)
{
	rig_run(_metadata, 2, variant->version);
}

TEST_F(versions, io_error_at_every_store_of_a_four_dimm_update_leaves_belief_equal_to_media)
{
	rig_run(_metadata, 4, variant->version);
}

TEST_HARNESS_MAIN
