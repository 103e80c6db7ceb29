// SPDX-License-Identifier: GPL-2.0
/*
 * Namespaces from labels: interleave-set cookies, and which label sets make
 * a namespace (complete, right cookie and type, consistent DPA ranges, no
 * overlap) on 1- and 2-way sets with both label versions.
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
		ASSERT_EQ(0, pmdisk_lsa_init(&self->sim[i].media, variant->version));
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
static void put_label(struct __test_metadata *_metadata, FIXTURE_DATA(set) *self,
		      u8 tag, unsigned int pos, unsigned int ways, u64 dpa_off,
		      u64 raw, u64 cookie)
{
	struct pmdisk_nslabel l;

	memset(&l, 0, sizeof(l));
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

/*
 * Two DIMMs' label areas side by side on one simulated medium, so a power
 * cut can be placed at every store of an update that spans both.
 */
struct window {
	struct pmdisk_media media;
	struct pmdisk_media *under;
	u64 base;
};

static int win_read(struct pmdisk_media *m, u64 off, void *buf, size_t len)
{
	struct window *w = (struct window *)m;

	return pmdisk_media_read(w->under, w->base + off, buf, len);
}

static int win_write(struct pmdisk_media *m, u64 off, const void *buf, size_t len)
{
	struct window *w = (struct window *)m;

	return pmdisk_media_write(w->under, w->base + off, buf, len);
}

static void win_persist(struct pmdisk_media *m)
{
	pmdisk_media_persist(((struct window *)m)->under);
}

static const struct pmdisk_media_ops win_ops = { win_read, win_write, win_persist };

struct pair {
	struct window win[2];
	struct pmdisk_iset_dimm dimms[2];
	enum pmdisk_label_version version;
	bool create;		/* the operation: create, else remove */
	u64 olds, news;
};

static void pair_setup(struct pair *p, struct sim_media *sim, enum pmdisk_label_version v)
{
	int i;

	memset(p, 0, sizeof(*p));
	p->version = v;
	for (i = 0; i < 2; i++) {
		p->win[i].media.ops = &win_ops;
		p->win[i].media.size = LSA_SIZE;
		p->win[i].under = &sim->media;
		p->win[i].base = (u64)i * LSA_SIZE;
		p->dimms[i].region_offset = (u64)i * 64 * MiB;
		p->dimms[i].size = 64 * MiB;
		p->dimms[i].serial = 100 + i;
	}
}

/* What a reboot finds: -1 if unreadable, else the number of namespaces. */
static int pair_scan(struct pair *p, struct pmdisk_ns *ns)
{
	struct pmdisk_lsa lsa[2], *lsap[2] = { &lsa[0], &lsa[1] };
	int n;

	if (pmdisk_lsa_load(&lsa[0], &p->win[0].media))
		return -1;
	if (pmdisk_lsa_load(&lsa[1], &p->win[1].media)) {
		pmdisk_lsa_release(&lsa[0]);
		return -1;
	}
	n = pmdisk_ns_scan(lsap, p->dimms, 2, ns, 4, NULL, NULL);
	pmdisk_lsa_release(&lsa[0]);
	pmdisk_lsa_release(&lsa[1]);
	return n;
}

/* Create: a label per DIMM, each its own commit. Remove: delete them. */
static int pair_op(struct sim_media *sim, void *ctx)
{
	struct pair *p = ctx;
	u64 cookie = pmdisk_iset_cookie(p->dimms, 2, p->version == PMDISK_LABEL_V1_2 ?
					PMDISK_COOKIE_V1_2 : PMDISK_COOKIE_V1_1);
	int i, rc = 0;

	for (i = 0; i < 2 && !rc; i++) {
		struct pmdisk_lsa lsa;
		struct pmdisk_nslabel l;
		u32 slot = 0;

		rc = pmdisk_lsa_load(&lsa, &p->win[i].media);
		if (rc)
			return rc;
		if (p->create) {
			memset(&l, 0, sizeof(l));
			memset(l.uuid, 0x77, 16);
			l.nlabel = cpu_to_le16(2);
			l.position = cpu_to_le16(i);
			l.isetcookie = cpu_to_le64(cookie);
			l.dpa = cpu_to_le64(4 * MiB);
			l.rawsize = cpu_to_le64(8 * MiB);
			memcpy(l.type_guid, pm_guid, 16);
			rc = pmdisk_lsa_update(&lsa, &l, 1, NULL, 0);
		} else {
			while (pmdisk_lsa_slot_free(&lsa, slot))
				slot++;
			rc = pmdisk_lsa_update(&lsa, NULL, 0, &slot, 1);
		}
		pmdisk_lsa_release(&lsa);
	}
	return rc;
}

static int pair_check(struct sim_media *sim, void *ctx, u64 store, long words)
{
	struct pair *p = ctx;
	struct pmdisk_ns ns[4];
	int n = pair_scan(p, ns), before = p->create ? 0 : 1;

	if (n < 0)
		return 1;
	if (n == 1 && (ns[0].offset != 8 * MiB || ns[0].size != 16 * MiB))
		return 2;		/* a namespace, but not the right one */
	if (n == before)
		p->olds++;
	else if (n == 1 - before)
		p->news++;
	else
		return 3;
	return store == 0 && n != 1 - before ? 4 : 0;	/* completed: new set */
}

TEST_F(set, power_cut_in_a_two_dimm_create_or_remove_leaves_old_or_new_disks)
{
	struct sim_media two;
	struct pair p;
	struct pmdisk_ns ns[4];
	u8 *initial;
	u64 visited;
	int i;

	ASSERT_EQ(0, sim_media_init(&two, 2 * LSA_SIZE));
	initial = malloc(2 * LSA_SIZE);
	ASSERT_NE(NULL, initial);
	pair_setup(&p, &two, variant->version);
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, pmdisk_lsa_init(&p.win[i].media, variant->version));
	ASSERT_EQ(0, pair_scan(&p, ns));

	p.create = true;
	memcpy(initial, two.bytes, 2 * LSA_SIZE);
	ASSERT_EQ(0, sim_enumerate_cuts(&two, initial, pair_op, pair_check, &p, &visited));
	TH_LOG("create: %llu cut points, %llu old, %llu new", (unsigned long long)visited,
	       (unsigned long long)p.olds, (unsigned long long)p.news);
	EXPECT_GT(p.olds, 0);
	EXPECT_GT(p.news, 0);

	/* the enumeration ended on the completed create: remove it now */
	ASSERT_EQ(1, pair_scan(&p, ns));
	p.create = false;
	p.olds = p.news = 0;
	memcpy(initial, two.bytes, 2 * LSA_SIZE);
	ASSERT_EQ(0, sim_enumerate_cuts(&two, initial, pair_op, pair_check, &p, &visited));
	TH_LOG("remove: %llu cut points, %llu old, %llu new", (unsigned long long)visited,
	       (unsigned long long)p.olds, (unsigned long long)p.news);
	EXPECT_GT(p.olds, 0);
	EXPECT_GT(p.news, 0);
	free(initial);
	sim_media_free(&two);
}

TEST_HARNESS_MAIN
