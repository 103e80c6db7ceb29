// SPDX-License-Identifier: GPL-2.0
/*
 * Namespaces from labels: interleave-set cookies, and which label sets make
 * a namespace (complete, right cookie and type, consistent DPA ranges, no
 * overlap) on 1- and 2-way sets with both label versions; the two-phase
 * UPDATING protocol (create, reset-id, relabel; remove) on 2- and 4-way
 * sets under a power cut at every store.
 */
#include <stdlib.h>

#include "kselftest_harness.h"
#include "simmedia.h"
#include "../../driver/core/namespace.h"

#define LSA_SIZE (128 * 1024)
#define MiB (1ULL << 20)

static const u8 pm_guid[16] = {
	0x79, 0xd3, 0xf0, 0x66, 0xf3, 0xb4, 0x74, 0x40,
	0xac, 0x43, 0x0d, 0x33, 0x18, 0xb7, 0x8c, 0xdb,
};

TEST(cookie_of_one_dimm_is_its_fletcher_sum)
{
	struct pmdisk_iset_dimm d = { .region_offset = 0, .serial = 0x123456 };

	/* words 0, 0, 0x123456, 0: lo = 0x123456, hi = 2 * 0x123456 */
	EXPECT_EQ((0x2468acULL << 32) | 0x123456, pmdisk_iset_cookie(&d, 1, PMDISK_COOKIE_V1_1));
	EXPECT_EQ(pmdisk_iset_cookie(&d, 1, PMDISK_COOKIE_V1_1),
		  pmdisk_iset_cookie(&d, 1, PMDISK_COOKIE_ALT));
	EXPECT_NE(pmdisk_iset_cookie(&d, 1, PMDISK_COOKIE_V1_1),
		  pmdisk_iset_cookie(&d, 1, PMDISK_COOKIE_V1_2));
}

TEST(cookie_ignores_listing_order_but_alt_uses_byte_order)
{
	struct pmdisk_iset_dimm a[2] = {
		{ .region_offset = 0x1, .serial = 7 },
		{ .region_offset = 0x100, .serial = 9 },
	};
	struct pmdisk_iset_dimm b[2] = { a[1], a[0] };

	EXPECT_EQ(pmdisk_iset_cookie(a, 2, PMDISK_COOKIE_V1_1),
		  pmdisk_iset_cookie(b, 2, PMDISK_COOKIE_V1_1));
	EXPECT_EQ(pmdisk_iset_cookie(a, 2, PMDISK_COOKIE_V1_2),
		  pmdisk_iset_cookie(b, 2, PMDISK_COOKIE_V1_2));
	/* little-endian bytes of 0x100 sort before those of 0x1 */
	EXPECT_NE(pmdisk_iset_cookie(a, 2, PMDISK_COOKIE_V1_1),
		  pmdisk_iset_cookie(a, 2, PMDISK_COOKIE_ALT));
}

TEST(claim_class_from_abstraction_guid)
{
	static const u8 btt2[16] = { 0xfc, 0x3b, 0x63, 0x18, 0x35, 0x17, 0x17, 0x42,
				     0x8a, 0xc9, 0x17, 0x23, 0x92, 0x82, 0xd3, 0xf8 };
	u8 zero[16] = { 0 }, junk[16];

	memset(junk, 0x5a, sizeof(junk));
	EXPECT_EQ(PMDISK_CLAIM_NONE, pmdisk_claim_of(zero));
	EXPECT_EQ(PMDISK_CLAIM_BTT2, pmdisk_claim_of(btt2));
	EXPECT_EQ(PMDISK_CLAIM_UNKNOWN, pmdisk_claim_of(junk));
}

FIXTURE(set) {
	struct sim_media sim[2];
	struct pmdisk_lsa lsa[2];
	struct pmdisk_lsa *lsap[2];
	struct pmdisk_iset_dimm dimms[2];
	struct pmdisk_ns ns[8];
	char notes[2048];
};

FIXTURE_VARIANT(set) {
	enum pmdisk_label_version version;
};
FIXTURE_VARIANT_ADD(set, v1_1) { PMDISK_LABEL_V1_1 };
FIXTURE_VARIANT_ADD(set, v1_2) { PMDISK_LABEL_V1_2 };

FIXTURE_SETUP(set)
{
	int i;

	self->notes[0] = '\0';
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, sim_media_init(&self->sim[i], LSA_SIZE));
		ASSERT_EQ(0, pmdisk_lsa_init(&self->sim[i].media, variant->version, 0));
		ASSERT_EQ(0, pmdisk_lsa_load(&self->lsa[i], &self->sim[i].media));
		self->lsap[i] = &self->lsa[i];
		/* a 2-way set: each DIMM gives 256 MiB from DPA 0x1000000 */
		self->dimms[i].region_offset = i * 256 * MiB;
		self->dimms[i].dpa = 16 * MiB;
		self->dimms[i].size = 256 * MiB;
		self->dimms[i].serial = 0xabc0 + i;
		self->dimms[i].vendor_id = 0x8086;
	}
}

FIXTURE_TEARDOWN(set)
{
	int i;

	for (i = 0; i < 2; i++) {
		pmdisk_lsa_release(&self->lsa[i]);
		sim_media_free(&self->sim[i]);
	}
}

static void collect(void *ctx, const char *msg)
{
	char *notes = ctx;
	size_t l = strlen(notes);

	snprintf(notes + l, 2048 - l, "%s\n", msg);
}

/* Write the label of position @pos of namespace @tag to DIMM @pos. */
static void put_label_flags(struct __test_metadata *_metadata, FIXTURE_DATA(set) *self,
			    u8 tag, unsigned int pos, unsigned int ways, u64 dpa_off,
			    u64 raw, u64 cookie, u32 flags)
{
	struct pmdisk_nslabel l;

	memset(&l, 0, sizeof(l));
	l.flags = cpu_to_le32(flags);
	memset(l.uuid, tag, 16);
	snprintf(l.name, sizeof(l.name), "ns-%02x", tag);
	l.nlabel = cpu_to_le16(ways);
	l.position = cpu_to_le16(pos);
	l.isetcookie = cpu_to_le64(cookie);
	l.lbasize = cpu_to_le64(4096);
	l.dpa = cpu_to_le64(self->dimms[pos].dpa + dpa_off);
	l.rawsize = cpu_to_le64(raw);
	memcpy(l.type_guid, pm_guid, 16);
	ASSERT_EQ(0, pmdisk_lsa_update(&self->lsa[pos], &l, 1, NULL, 0));
}

static void put_label(struct __test_metadata *_metadata, FIXTURE_DATA(set) *self,
		      u8 tag, unsigned int pos, unsigned int ways, u64 dpa_off,
		      u64 raw, u64 cookie)
{
	put_label_flags(_metadata, self, tag, pos, ways, dpa_off, raw, cookie, 0);
}

static u64 good_cookie(FIXTURE_DATA(set) *self, enum pmdisk_label_version v)
{
	return pmdisk_iset_cookie(self->dimms, 2, v == PMDISK_LABEL_V1_2 ?
				  PMDISK_COOKIE_V1_2 : PMDISK_COOKIE_V1_1);
}

TEST_F(set, complete_set_is_a_namespace_at_ways_times_dpa_offset)
{
	u64 c = good_cookie(self, variant->version);
	int n;

	put_label(_metadata, self, 0x11, 0, 2, 8 * MiB, 32 * MiB, c);
	put_label(_metadata, self, 0x11, 1, 2, 8 * MiB, 32 * MiB, c);
	n = pmdisk_ns_scan(self->lsap, self->dimms, 2, self->ns, 8, collect, self->notes);
	ASSERT_EQ(1, n) TH_LOG("%s", self->notes);
	EXPECT_EQ(16 * MiB, self->ns[0].offset);
	EXPECT_EQ(64 * MiB, self->ns[0].size);
	EXPECT_EQ(4096, self->ns[0].lbasize);
	EXPECT_STREQ("ns-11", self->ns[0].name);
	EXPECT_EQ(0x11, self->ns[0].uuid[15]);
	EXPECT_EQ(PMDISK_CLAIM_NONE, self->ns[0].claim);
	EXPECT_EQ(0, self->ns[0].slot[0]);
	EXPECT_EQ(0, self->ns[0].slot[1]);
}

TEST_F(set, incomplete_wrong_cookie_and_inconsistent_sets_are_skipped)
{
	u64 c = good_cookie(self, variant->version);
	int n;

	put_label(_metadata, self, 0x21, 0, 2, 0, 8 * MiB, c);		/* no partner */
	put_label(_metadata, self, 0x22, 0, 2, 8 * MiB, 8 * MiB, c ^ 1);	/* bad cookie */
	put_label(_metadata, self, 0x22, 1, 2, 8 * MiB, 8 * MiB, c ^ 1);
	put_label(_metadata, self, 0x23, 0, 2, 16 * MiB, 8 * MiB, c);	/* partner elsewhere */
	put_label(_metadata, self, 0x23, 1, 2, 24 * MiB, 8 * MiB, c);
	put_label(_metadata, self, 0x24, 0, 2, 250 * MiB, 8 * MiB, c);	/* past the end */
	put_label(_metadata, self, 0x24, 1, 2, 250 * MiB, 8 * MiB, c);
	put_label(_metadata, self, 0x25, 0, 2, 32 * MiB, 8 * MiB, c);	/* the good one */
	put_label(_metadata, self, 0x25, 1, 2, 32 * MiB, 8 * MiB, c);
	n = pmdisk_ns_scan(self->lsap, self->dimms, 2, self->ns, 8, collect, self->notes);
	TH_LOG("%s", self->notes);
	ASSERT_EQ(1, n);
	EXPECT_EQ(0x25, self->ns[0].uuid[0]);
	EXPECT_NE(NULL, strstr(self->notes, "label 21212121-2121-...: 0 labels for position 1, need exactly 1"));
	EXPECT_NE(NULL, strstr(self->notes, "label 22222222-2222-...: does not belong to this interleave set"));
	EXPECT_NE(NULL, strstr(self->notes, "label 23232323-2323-...: position 1 disagrees on DPA or size"));
	EXPECT_NE(NULL, strstr(self->notes, "label 24242424-2424-...: DPA range lies outside the region"));
}

TEST_F(set, overlapping_namespace_is_skipped)
{
	u64 c = good_cookie(self, variant->version);

	put_label(_metadata, self, 0x31, 0, 2, 0, 16 * MiB, c);
	put_label(_metadata, self, 0x31, 1, 2, 0, 16 * MiB, c);
	put_label(_metadata, self, 0x32, 0, 2, 8 * MiB, 16 * MiB, c);
	put_label(_metadata, self, 0x32, 1, 2, 8 * MiB, 16 * MiB, c);
	ASSERT_EQ(1, pmdisk_ns_scan(self->lsap, self->dimms, 2, self->ns, 8, collect, self->notes));
	EXPECT_EQ(0x31, self->ns[0].uuid[0]);
	EXPECT_NE(NULL, strstr(self->notes, "overlaps an earlier namespace"));
}

/*
 * A reset-id cut between its passes: the old set and the new one, flagged
 * UPDATING, both complete over the same range. The new one wins whichever
 * the scan meets first, and finishing it frees the old labels for good.
 */
TEST_F(set, updating_set_wins_over_the_set_it_overlaps_in_either_order)
{
	u64 c = good_cookie(self, variant->version);
	int first;

	for (first = 0; first < 2; first++) {
		u8 tags[2] = { first ? 0x52 : 0x51, first ? 0x51 : 0x52 };
		unsigned int t, pos;

		for (pos = 0; pos < 2; pos++) {
			ASSERT_EQ(0, pmdisk_lsa_init(&self->sim[pos].media, variant->version, 0));
			pmdisk_lsa_release(&self->lsa[pos]);
			ASSERT_EQ(0, pmdisk_lsa_load(&self->lsa[pos], &self->sim[pos].media));
		}
		/* 0x51 old, 0x52 the update: written in the order of tags[] */
		for (t = 0; t < 2; t++)
			for (pos = 0; pos < 2; pos++)
				put_label_flags(_metadata, self, tags[t], pos, 2, 0, 16 * MiB, c,
						tags[t] == 0x52 ? PMDISK_NSLABEL_UPDATING : 0);
		self->notes[0] = '\0';
		ASSERT_EQ(1, pmdisk_ns_scan(self->lsap, self->dimms, 2, self->ns, 8,
					    collect, self->notes));
		EXPECT_EQ(0x52, self->ns[0].uuid[0]);
		EXPECT_TRUE(self->ns[0].updating);
		EXPECT_NE(NULL, strstr(self->notes, "replaced by the labels of an interrupted update"));

		ASSERT_EQ(0, pmdisk_ns_finish(self->lsap, 2, &self->ns[0]));
		for (pos = 0; pos < 2; pos++)
			EXPECT_EQ(1, pmdisk_lsa_used(&self->lsa[pos]));
		ASSERT_EQ(1, pmdisk_ns_scan(self->lsap, self->dimms, 2, self->ns, 8, NULL, NULL));
		EXPECT_EQ(0x52, self->ns[0].uuid[0]);
		EXPECT_FALSE(self->ns[0].updating);
	}
}

/*
 * An interrupted update that spans two old namespaces replaces both, not
 * only the first one the scan met; one that overlaps another UPDATING set
 * replaces nothing. Found by the label fuzzer: the second old namespace
 * came back beside the update, two disks over the same DIMM range.
 */
TEST_F(set, updating_set_over_two_namespaces_replaces_both)
{
	u64 c = good_cookie(self, variant->version);
	unsigned int pos;
	int n;

	for (pos = 0; pos < 2; pos++) {
		put_label(_metadata, self, 0x61, pos, 2, 0, 8 * MiB, c);
		put_label(_metadata, self, 0x62, pos, 2, 8 * MiB, 8 * MiB, c);
		put_label_flags(_metadata, self, 0x63, pos, 2, 4 * MiB, 8 * MiB, c,
				PMDISK_NSLABEL_UPDATING);
	}
	n = pmdisk_ns_scan(self->lsap, self->dimms, 2, self->ns, 8, collect, self->notes);
	TH_LOG("%s", self->notes);
	ASSERT_EQ(1, n);
	EXPECT_EQ(0x63, self->ns[0].uuid[0]);
	EXPECT_TRUE(self->ns[0].updating);
	EXPECT_NE(NULL, strstr(self->notes, "label 61616161-6161-...: replaced by the labels of an interrupted update"));
	EXPECT_NE(NULL, strstr(self->notes, "label 62626262-6262-...: replaced by the labels of an interrupted update"));

	/* 0x64, UPDATING too, over 0x61's range and 0x63's: it overlaps 0x63 */
	self->notes[0] = '\0';
	for (pos = 0; pos < 2; pos++)
		put_label_flags(_metadata, self, 0x64, pos, 2, 0, 6 * MiB, c,
				PMDISK_NSLABEL_UPDATING);
	n = pmdisk_ns_scan(self->lsap, self->dimms, 2, self->ns, 8, collect, self->notes);
	TH_LOG("%s", self->notes);
	ASSERT_EQ(1, n);
	EXPECT_EQ(0x63, self->ns[0].uuid[0]);
	EXPECT_NE(NULL, strstr(self->notes, "label 64646464-6464-...: overlaps an earlier namespace"));
}

TEST_F(set, v1_1_accepts_the_old_altcookie_v1_2_does_not)
{
	u64 alt = pmdisk_iset_cookie(self->dimms, 2, PMDISK_COOKIE_ALT);

	/* make the byte order differ from the numeric order */
	self->dimms[0].region_offset = 0x1;
	self->dimms[1].region_offset = 0x100;
	alt = pmdisk_iset_cookie(self->dimms, 2, PMDISK_COOKIE_ALT);
	ASSERT_NE(alt, good_cookie(self, variant->version));
	put_label(_metadata, self, 0x41, 0, 2, 0, 8 * MiB, alt);
	put_label(_metadata, self, 0x41, 1, 2, 0, 8 * MiB, alt);
	EXPECT_EQ(variant->version == PMDISK_LABEL_V1_1 ? 1 : 0,
		  pmdisk_ns_scan(self->lsap, self->dimms, 2, self->ns, 8, NULL, NULL));
}

/* ASan's count of live heap bytes (sanitizer/allocator_interface.h). */
size_t __sanitizer_get_current_allocated_bytes(void);

/*
 * DIMMs whose label versions differ are no set: the scan finds nothing and
 * frees what it read. Found by the label fuzzer: DIMM 0's labels leaked when
 * DIMM 1 turned out to have the other label size.
 */
TEST_F(set, mixed_label_versions_find_nothing_and_leak_nothing)
{
	enum pmdisk_label_version other = variant->version == PMDISK_LABEL_V1_1 ?
					  PMDISK_LABEL_V1_2 : PMDISK_LABEL_V1_1;
	u64 c = good_cookie(self, variant->version);
	size_t before;

	put_label(_metadata, self, 0x51, 0, 2, 0, 8 * MiB, c);
	pmdisk_lsa_release(&self->lsa[1]);
	ASSERT_EQ(0, pmdisk_lsa_init(&self->sim[1].media, other, 0));
	ASSERT_EQ(0, pmdisk_lsa_load(&self->lsa[1], &self->sim[1].media));
	ASSERT_NE(self->lsa[0].label_size, self->lsa[1].label_size);
	before = __sanitizer_get_current_allocated_bytes();
	EXPECT_EQ(0, pmdisk_ns_scan(self->lsap, self->dimms, 2, self->ns, 8, NULL, NULL));
	EXPECT_EQ(before, __sanitizer_get_current_allocated_bytes());
}

#define MAX_WAYS 4

enum pair_op { OP_CREATE, OP_RESET, OP_RELABEL, OP_REMOVE };
static const char *const op_names[] = { "create", "reset-id", "relabel", "remove" };

struct pair {
	struct pmdisk_media_window win[MAX_WAYS];
	struct pmdisk_iset_dimm dimms[MAX_WAYS];
	unsigned int ways;
	enum pmdisk_label_version version;
	enum pair_op op;
	u64 olds, news;
};

static void pair_setup(struct pair *p, struct sim_media *sim, unsigned int ways,
		       enum pmdisk_label_version v)
{
	unsigned int i;

	memset(p, 0, sizeof(*p));
	p->version = v;
	p->ways = ways;
	for (i = 0; i < ways; i++) {
		pmdisk_media_window_init(&p->win[i], &sim->media, (u64)i * LSA_SIZE, LSA_SIZE);
		p->dimms[i].region_offset = (u64)i * 64 * MiB;
		p->dimms[i].size = 64 * MiB;
		p->dimms[i].serial = 100 + i;
	}
}

static int pair_load(struct pair *p, struct pmdisk_lsa *lsa, struct pmdisk_lsa **lsap)
{
	return sim_lsa_load(p->win, p->ways, lsa, lsap);
}

static void pair_release(struct pair *p, struct pmdisk_lsa *lsa)
{
	sim_lsa_release(lsa, p->ways);
}

/*
 * What a reboot finds: -1 if unreadable, else the number of namespaces.
 * With @finish, it also finishes interrupted updates, as a load does.
 */
static int pair_scan(struct pair *p, struct pmdisk_ns *ns, bool finish)
{
	struct pmdisk_lsa lsa[MAX_WAYS], *lsap[MAX_WAYS];
	int n, i;

	if (pair_load(p, lsa, lsap))
		return -1;
	n = pmdisk_ns_scan(lsap, p->dimms, p->ways, ns, 4, NULL, NULL);
	for (i = 0; finish && i < n; i++)
		if (ns[i].updating && pmdisk_ns_finish(lsap, p->ways, &ns[i]))
			n = -1;
	pair_release(p, lsa);
	return n;
}

/* The labels of namespace @tag with sector size @lbasize, 16 MiB at 8 MiB. */
static void pair_labels(struct pair *p, u8 tag, u64 lbasize, struct pmdisk_nslabel *l)
{
	u64 cookie = pmdisk_iset_cookie(p->dimms, p->ways, p->version == PMDISK_LABEL_V1_2 ?
					PMDISK_COOKIE_V1_2 : PMDISK_COOKIE_V1_1);
	unsigned int i;

	for (i = 0; i < p->ways; i++) {
		memset(&l[i], 0, sizeof(l[i]));
		memset(l[i].uuid, tag, 16);
		snprintf(l[i].name, sizeof(l[i].name), "ns-%02x", tag);
		l[i].nlabel = cpu_to_le16(p->ways);
		l[i].position = cpu_to_le16(i);
		l[i].isetcookie = cpu_to_le64(cookie);
		l[i].lbasize = cpu_to_le64(lbasize);
		l[i].dpa = cpu_to_le64(8 * MiB / p->ways);
		l[i].rawsize = cpu_to_le64(16 * MiB / p->ways);
		memcpy(l[i].type_guid, pm_guid, 16);
	}
}

/* create: 0x77 at 512; reset-id: 0x77 -> 0x88; relabel: 512 -> 4096; remove */
static int pair_op(struct sim_media *sim, void *ctx)
{
	struct pmdisk_lsa lsa[MAX_WAYS], *lsap[MAX_WAYS];
	struct pmdisk_nslabel l[MAX_WAYS];
	struct pair *p = ctx;
	struct pmdisk_ns ns[4];
	u32 slot[MAX_WAYS];
	unsigned int i;
	int rc = 0;

	if (pair_load(p, lsa, lsap))
		return -1;
	switch (p->op) {
	case OP_CREATE:
	case OP_RESET:
	case OP_RELABEL:
		pair_labels(p, p->op == OP_RESET ? 0x88 : 0x77,
			    p->op == OP_RELABEL ? 4096 : 512, l);
		rc = pmdisk_ns_write(lsap, p->ways, l, slot);
		break;
	case OP_REMOVE:
		if (pmdisk_ns_scan(lsap, p->dimms, p->ways, ns, 4, NULL, NULL) != 1) {
			rc = -1;
			break;
		}
		for (i = 0; i < p->ways && !rc; i++)
			rc = pmdisk_lsa_update(&lsa[i], NULL, 0, &ns[0].slot[i], 1);
		break;
	}
	pair_release(p, lsa);
	return rc;
}

/* 0: nothing; 1: 0x77 at 512; 2: 0x77 at 4096; 3: 0x88 at 512; -1: other */
static int pair_state(int n, const struct pmdisk_ns *ns)
{
	if (n == 0)
		return 0;
	if (n != 1 || ns->offset != 8 * MiB || ns->size != 16 * MiB)
		return -1;
	if (ns->uuid[0] == 0x77 && ns->lbasize == 512)
		return 1;
	if (ns->uuid[0] == 0x77 && ns->lbasize == 4096)
		return 2;
	return ns->uuid[0] == 0x88 && ns->lbasize == 512 ? 3 : -1;
}

static const int op_before[] = { 0, 1, 1, 1 };
static const int op_after[] = { 1, 3, 2, 0 };

/*
 * After a cut: the old state or the new one. After the load finishes an
 * interrupted update, still the same one, with no label left that could
 * bring an older namespace back: once its labels are freed, nothing.
 */
static int pair_check(struct sim_media *sim, void *ctx, u64 store, long words)
{
	struct pmdisk_lsa lsa[MAX_WAYS], *lsap[MAX_WAYS];
	struct pair *p = ctx;
	struct pmdisk_ns ns[4];
	int state, n, i;

	n = pair_scan(p, ns, false);
	state = pair_state(n, ns);
	if (state == op_before[p->op])
		p->olds++;
	else if (state == op_after[p->op])
		p->news++;
	else
		return 1;
	if (store == 0 && state != op_after[p->op])
		return 2;	/* completed: the new state */
	n = pair_scan(p, ns, true);
	if (pair_state(n, ns) != state || (n && ns[0].updating))
		return 3;
	if (n == 0)
		return 0;
	if (pair_load(p, lsa, lsap))
		return 4;
	for (i = 0; i < (int)p->ways; i++) {
		if (store == 0 && pmdisk_lsa_used(&lsa[i]) != 1)
			return 5;	/* a completed update leaves one label */
		if (pmdisk_lsa_update(&lsa[i], NULL, 0, &ns[0].slot[i], 1))
			return 6;
	}
	pair_release(p, lsa);
	return pair_scan(p, ns, false) == 0 ? 0 : 7;
}

static void pair_run(struct __test_metadata *_metadata, unsigned int ways,
		     enum pmdisk_label_version v)
{
	struct pmdisk_ns ns[4];
	struct sim_media sim;
	struct pair p;
	u8 *initial;
	u64 visited;
	unsigned int i;
	int op;

	ASSERT_EQ(0, sim_media_init(&sim, ways * LSA_SIZE));
	initial = malloc(ways * LSA_SIZE);
	ASSERT_NE(NULL, initial);
	pair_setup(&p, &sim, ways, v);
	for (op = OP_CREATE; op <= OP_REMOVE; op++) {
		/* fresh label areas, with 0x77 at 512 unless this creates it */
		for (i = 0; i < ways; i++)
			ASSERT_EQ(0, pmdisk_lsa_init(&p.win[i].media, v, 0));
		if (op_before[op]) {
			struct pmdisk_lsa lsa[MAX_WAYS], *lsap[MAX_WAYS];
			struct pmdisk_nslabel l[MAX_WAYS];
			u32 slot[MAX_WAYS];

			ASSERT_EQ(0, pair_load(&p, lsa, lsap));
			pair_labels(&p, 0x77, 512, l);
			ASSERT_EQ(0, pmdisk_ns_write(lsap, ways, l, slot));
			pair_release(&p, lsa);
		}
		ASSERT_EQ(op_before[op], pair_state(pair_scan(&p, ns, false), ns));
		p.op = op;
		p.olds = p.news = 0;
		memcpy(initial, sim.bytes, ways * LSA_SIZE);
		ASSERT_EQ(0, sim_enumerate_cuts(&sim, initial, pair_op, pair_check, &p, &visited));
		TH_LOG("%u-way %s: %llu cut points, %llu old, %llu new", ways, op_names[op],
		       (unsigned long long)visited, (unsigned long long)p.olds,
		       (unsigned long long)p.news);
		EXPECT_GT(p.olds, 0);
		EXPECT_GT(p.news, 0);
	}
	free(initial);
	sim_media_free(&sim);
}

TEST_F(set, power_cut_in_a_two_dimm_update_leaves_old_or_new_and_nothing_that_comes_back)
{
	pair_run(_metadata, 2, variant->version);
}

TEST_F(set, power_cut_in_a_four_dimm_update_leaves_old_or_new_and_nothing_that_comes_back)
{
	pair_run(_metadata, 4, variant->version);
}

TEST_HARNESS_MAIN
