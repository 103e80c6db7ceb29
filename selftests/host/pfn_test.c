// SPDX-License-Identifier: GPL-2.0
/*
 * DAX info blocks (driver/core/pfn.c): the layouts Linux's nd_pfn_init()
 * gives fsdax and devdax namespaces, worked out by hand; what build writes,
 * byte for byte against a block laid out field by field as Linux writes it;
 * parse reading it back; and parse's refusals, each with its errno and a
 * reason, for every field nd_pfn_validate() checks and for the ones older
 * versions of the format did not have yet. No refusal changes the block.
 */
#include <stdlib.h>

#include "kselftest_harness.h"
#include "../../driver/core/pfn.h"
#include "reference.h"

#define KiB (1ULL << 10)
#define MiB (1ULL << 20)
#define GiB (1ULL << 30)
#define TiB (1ULL << 40)

/* Physical starts: a 1 GiB boundary, and a 2 MiB one that is not. */
#define AT_5G		0x140000000ULL
#define AT_4G_2M	0x100200000ULL

#define FS	PMDISK_PFN_FSDAX
#define DAX	PMDISK_PFN_DEVDAX
#define RAM	PMDISK_PFN_MAP_RAM
#define DEV	PMDISK_PFN_MAP_DEV

/*
 * Where Linux's struct nd_pfn_sb (drivers/nvdimm/pfn.h) puts its fields:
 * written out here, not taken from our struct, so a layout mistake in
 * pfn.h shows.
 */
#define OFF_SIGNATURE	0
#define OFF_UUID	16
#define OFF_PARENT	32
#define OFF_FLAGS	48
#define OFF_MAJOR	52
#define OFF_MINOR	54
#define OFF_DATAOFF	56
#define OFF_NPFNS	64
#define OFF_MODE	72
#define OFF_START_PAD	76
#define OFF_END_TRUNC	80
#define OFF_ALIGN	84
#define OFF_PAGE_SIZE	88
#define OFF_PAGE_STRUCT	92
#define OFF_CHECKSUM	4088
#define SB_SIZE		4096

static const u8 ns_uuid[16] = {
	0x5e, 0x3b, 0x1c, 0x07, 0x9a, 0x42, 0x4f, 0x11,
	0x8d, 0x60, 0x2e, 0x93, 0xb4, 0xc5, 0xd6, 0xe7,
};
static const u8 info_uuid[16] = {
	0xa1, 0xb2, 0xc3, 0xd4, 0xe5, 0xf6, 0x47, 0x08,
	0x99, 0x0a, 0x1b, 0x2c, 0x3d, 0x4e, 0x5f, 0x60,
};
static const u8 zero_uuid[16];

/* ---- the format, written out from the reference (libnvdimm-facts 1.2) ---- */


/* The checksum a block must carry: over all 4 KiB, the field taken as 0. */
static u64 ref_checksum(const void *sb)
{
	u8 copy[SB_SIZE];

	memcpy(copy, sb, SB_SIZE);
	memset(copy + OFF_CHECKSUM, 0, 8);
	return ref_fletcher64(copy, SB_SIZE);
}

static void put_le(void *sb, unsigned int off, unsigned int width, u64 v)
{
	u8 *b = sb;
	unsigned int i;

	for (i = 0; i < width; i++)
		b[off + i] = v >> (8 * i);
}

static u64 get_le(const void *sb, unsigned int off, unsigned int width)
{
	const u8 *b = sb;
	u64 v = 0;
	unsigned int i;

	for (i = 0; i < width; i++)
		v |= (u64)b[off + i] << (8 * i);
	return v;
}

/* Re-seal a block a test edited on purpose. */
static void seal(void *sb)
{
	put_le(sb, OFF_CHECKSUM, 8, ref_checksum(sb));
}

/* ---- Linux's layouts ---------------------------------------------------- */

/*
 * nd_pfn_init() (pfn_devs.c) for a namespace of size bytes at start, map
 * RAM or DEV, requested alignment a:
 *
 *   npfns    = (size - 8K) / 4K                (pages after the reserve)
 *   a'       = max(a, 2M)                      (memremap_compat_align())
 *   end_trunc = start + size - ALIGN_DOWN(start + size, a')
 *   dataoff  = ALIGN(start + 8K + 64 * npfns, a') - start     (DEV)
 *              ALIGN(start + 8K, a') - start                  (RAM)
 *   recorded: npfns = (size - dataoff - end_trunc) / 4K, align = a
 *
 * Worked out for three rows:
 *
 *   1 GiB - 128 KiB at 5 GiB, DEV, 2 MiB:
 *     npfns = (1G - 128K - 8K) / 4K = 262110, map = 64 * 262110 = 16775040
 *     dataoff = ALIGN(5G + 8K + 16775040, 2M) - 5G = 16M + 2M = 0x1200000
 *     end = 6G - 128K, ALIGN_DOWN(end, 2M) = 6G - 2M: end_trunc = 0x1e0000
 *     npfns = (1G - 128K - 18M - (2M - 128K)) / 4K = (1G - 20M) / 4K = 257024
 *   3 GiB + 2 MiB at 4 GiB + 2 MiB, RAM, 1 GiB:
 *     dataoff = ALIGN(4G + 2M + 8K, 1G) - (4G + 2M) = 1G - 2M = 0x3fe00000
 *     end = 7G + 4M: end_trunc = 4M = 0x400000
 *     npfns = (3G + 2M - (1G - 2M) - 4M) / 4K = 2G / 4K = 524288
 *   1 GiB at 4 GiB + 2 MiB, RAM, 1 GiB:
 *     dataoff = 1G - 2M, end_trunc = 5G + 2M - 5G = 2M, data = 0: Linux
 *     checks only dataoff < size and would record npfns 0; pmemdisk refuses.
 */
struct linux_vec {
	enum pmdisk_pfn_kind kind;
	enum pmdisk_pfn_map map;
	u64 phys, size, align;
	int rc;			/* 0, or -EINVAL: no data would be left */
	u64 dataoff;
	u32 end_trunc;
	u64 npfns;
};

#define PLANS(k, m, p, s, a, d, e, n) \
	{ .kind = k, .map = m, .phys = p, .size = s, .align = a, \
	  .dataoff = d, .end_trunc = e, .npfns = n }
#define REFUSED(k, m, p, s, a) \
	{ .kind = k, .map = m, .phys = p, .size = s, .align = a, .rc = -EINVAL }

/* kind, map, start, size, requested alignment -> dataoff, end_trunc, npfns */
static const struct linux_vec linux_vecs[] = {
	PLANS(FS, RAM, AT_5G, 16 * MiB, 2 * MiB, 0x200000, 0, 3584),
	PLANS(DAX, DEV, AT_5G, 16 * MiB, 4 * KiB, 0x200000, 0, 3584),
	REFUSED(DAX, DEV, AT_5G, 16 * MiB, GiB),
	PLANS(FS, RAM, AT_5G, 64 * MiB, 4 * KiB, 0x200000, 0, 15872),
	PLANS(FS, DEV, AT_5G, 64 * MiB, 2 * MiB, 0x200000, 0, 15872),
	PLANS(FS, RAM, AT_5G, GiB, 2 * MiB, 0x200000, 0, 261632),
	PLANS(FS, DEV, AT_5G, GiB, 2 * MiB, 0x1200000, 0, 257536),
	PLANS(DAX, DEV, AT_5G, GiB, 4 * KiB, 0x1200000, 0, 257536),
	REFUSED(FS, RAM, AT_5G, GiB, GiB),		/* dataoff = 1G = size */
	PLANS(FS, RAM, AT_5G, GiB - 128 * KiB, 2 * MiB, 0x200000, 0x1e0000, 261120),
	PLANS(DAX, DEV, AT_5G, GiB - 128 * KiB, 2 * MiB, 0x1200000, 0x1e0000, 257024),
	REFUSED(DAX, DEV, AT_5G, GiB - 128 * KiB, GiB),
	PLANS(FS, RAM, AT_5G, 3 * GiB + 2 * MiB, 2 * MiB, 0x200000, 0, 786432),
	PLANS(FS, DEV, AT_5G, 3 * GiB + 2 * MiB, 2 * MiB, 0x3200000, 0, 774144),
	PLANS(FS, RAM, AT_5G, 3 * GiB + 2 * MiB, GiB, 0x40000000, 0x200000, 524288),
	PLANS(DAX, DEV, AT_5G, 3 * GiB + 2 * MiB, GiB, 0x40000000, 0x200000, 524288),
	PLANS(FS, DEV, AT_5G, TiB, 2 * MiB, 0x400200000, 0, 264240640),
	PLANS(DAX, DEV, AT_4G_2M, 16 * MiB, 2 * MiB, 0x200000, 0, 3584),
	PLANS(FS, RAM, AT_4G_2M, 64 * MiB, 2 * MiB, 0x200000, 0, 15872),
	REFUSED(FS, DEV, AT_4G_2M, 64 * MiB, GiB),
	PLANS(FS, RAM, AT_4G_2M, GiB, 4 * KiB, 0x200000, 0, 261632),
	PLANS(DAX, DEV, AT_4G_2M, GiB, 2 * MiB, 0x1200000, 0, 257536),
	REFUSED(FS, RAM, AT_4G_2M, GiB, GiB),	/* Linux: npfns 0 */
	PLANS(FS, DEV, AT_4G_2M, GiB - 128 * KiB, 4 * KiB, 0x1200000, 0x1e0000, 257024),
	REFUSED(FS, RAM, AT_4G_2M, GiB - 128 * KiB, GiB),	/* Linux: npfns 0 */
	PLANS(FS, RAM, AT_4G_2M, 3 * GiB + 2 * MiB, GiB, 0x3fe00000, 0x400000, 524288),
	PLANS(DAX, DEV, AT_4G_2M, 3 * GiB + 2 * MiB, GiB, 0x3fe00000, 0x400000, 524288),
	PLANS(FS, DEV, AT_4G_2M, 3 * GiB + 2 * MiB, 4 * KiB, 0x3200000, 0, 774144),
};

static void expect_same_layout(struct __test_metadata *_metadata,
			       const struct pmdisk_pfn_layout *a,
			       const struct pmdisk_pfn_layout *b)
{
	EXPECT_EQ(a->kind, b->kind);
	EXPECT_EQ(a->map, b->map);
	EXPECT_EQ(0, memcmp(a->uuid, b->uuid, 16));
	EXPECT_EQ(a->align, b->align);
	EXPECT_EQ(a->dataoff, b->dataoff);
	EXPECT_EQ(a->npfns, b->npfns);
	EXPECT_EQ(a->end_trunc, b->end_trunc);
	EXPECT_EQ(a->data_size, b->data_size);
}

TEST(plan_lays_out_what_nd_pfn_init_lays_out)
{
	struct pmdisk_pfn_layout l;
	const char *why;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(linux_vecs); i++) {
		const struct linux_vec *v = &linux_vecs[i];
		int rc;

		why = NULL;
		rc = pmdisk_pfn_plan(v->kind, v->map, v->phys, v->size, v->align,
				     info_uuid, &l, &why);
		ASSERT_EQ(v->rc, rc) TH_LOG("row %zu", i);
		if (rc) {
			ASSERT_NE(NULL, why);
			EXPECT_NE(0, why[0]);
			continue;
		}
		EXPECT_EQ(v->kind, l.kind) TH_LOG("row %zu", i);
		EXPECT_EQ(v->map, l.map) TH_LOG("row %zu", i);
		EXPECT_EQ(0, memcmp(info_uuid, l.uuid, 16));
		EXPECT_EQ(v->align, l.align) TH_LOG("row %zu", i);
		EXPECT_EQ(v->dataoff, l.dataoff) TH_LOG("row %zu", i);
		EXPECT_EQ(v->end_trunc, l.end_trunc) TH_LOG("row %zu", i);
		EXPECT_EQ(v->npfns, l.npfns) TH_LOG("row %zu", i);
		EXPECT_EQ(v->npfns * 4 * KiB, l.data_size) TH_LOG("row %zu", i);
		EXPECT_EQ(v->size, l.dataoff + l.data_size + l.end_trunc);
	}
}

TEST(plan_without_an_alignment_takes_linux_s_default_of_2_mib)
{
	struct pmdisk_pfn_layout l;
	const char *why;

	ASSERT_EQ(0, pmdisk_pfn_plan(FS, DEV, AT_5G, GiB, 0, info_uuid, &l, &why));
	EXPECT_EQ(2 * MiB, l.align);
	EXPECT_EQ(0x1200000, l.dataoff);
	EXPECT_EQ(257536, l.npfns);
}

TEST(plan_refuses_a_namespace_too_small_misplaced_or_badly_aligned)
{
	static const struct {
		const char *what;
		u64 phys, size, align;
	} bad[] = {
		{ "no room past the reserve", AT_5G, 8 * KiB, 2 * MiB },
		{ "smaller than its first aligned page", AT_5G, 12 * KiB, 4 * KiB },
		{ "2 MiB: no data after the reserve", AT_5G, 2 * MiB, 2 * MiB },
		{ "zero bytes", AT_5G, 0, 2 * MiB },
		{ "start 4 KiB past a 2 MiB boundary", AT_5G + 4 * KiB, GiB, 2 * MiB },
		{ "start 1 MiB past a 2 MiB boundary", AT_5G + MiB, GiB, 4 * KiB },
		{ "alignment of 3 MiB", AT_5G, GiB, 3 * MiB },
		{ "alignment of 2 KiB", AT_5G, GiB, 2 * KiB },
		{ "alignment of 4 KiB + 1", AT_5G, GiB, 4 * KiB + 1 },
		/* Linux offers 4 KiB, 2 MiB and 1 GiB; the block has 32 bits */
		{ "alignment of 64 KiB", AT_5G, GiB, 64 * KiB },
		{ "alignment of 4 GiB", 4 * GiB, 16 * GiB, 4 * GiB },
		{ "wraps the address space", -2 * MiB * 4, GiB, 2 * MiB },
		{ "rounds up past the top", -2 * MiB, MiB, 2 * MiB },
	};
	struct pmdisk_pfn_layout l;
	const char *why;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		why = NULL;
		EXPECT_EQ(-EINVAL, pmdisk_pfn_plan(FS, i & 1 ? DEV : RAM, bad[i].phys,
						   bad[i].size, bad[i].align,
						   info_uuid, &l, &why))
			TH_LOG("%s", bad[i].what);
		ASSERT_NE(NULL, why) TH_LOG("%s", bad[i].what);
		EXPECT_NE(0, why[0]);
	}
	/* the smallest that fits: one 2 MiB page of data after the reserve */
	ASSERT_EQ(0, pmdisk_pfn_plan(FS, RAM, AT_5G, 4 * MiB, 2 * MiB, info_uuid, &l, &why));
	EXPECT_EQ(2 * MiB, l.dataoff);
	EXPECT_EQ(2 * MiB, l.data_size);
}

/* ---- build and parse ---------------------------------------------------- */

TEST(built_block_carries_its_fletcher_sum_and_parses_to_the_planned_layout)
{
	struct pmdisk_pfn_layout plan, got;
	struct pmdisk_pfn_sb sb, before;
	enum pmdisk_pfn_kind kind;
	const char *why;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(linux_vecs); i++) {
		const struct linux_vec *v = &linux_vecs[i];

		if (v->rc)
			continue;
		ASSERT_EQ(0, pmdisk_pfn_plan(v->kind, v->map, v->phys, v->size, v->align,
					     info_uuid, &plan, &why));
		memset(&sb, 0xa5, sizeof(sb));	/* build must fill every byte */
		pmdisk_pfn_build(&sb, &plan, ns_uuid);
		EXPECT_EQ(ref_checksum(&sb), get_le(&sb, OFF_CHECKSUM, 8)) TH_LOG("row %zu", i);
		EXPECT_EQ(ref_checksum(&sb), pmdisk_pfn_checksum(&sb));
		ASSERT_EQ(0, pmdisk_pfn_identify(&sb, &kind)) TH_LOG("row %zu", i);
		EXPECT_EQ(v->kind, kind);
		before = sb;
		ASSERT_EQ(0, pmdisk_pfn_parse(&sb, ns_uuid, v->phys, v->size, &got, &why))
			TH_LOG("row %zu: %s", i, why);
		expect_same_layout(_metadata, &plan, &got);
		EXPECT_EQ(0, memcmp(&before, &sb, sizeof(sb)));
	}
}

TEST(checksum_ignores_the_stored_checksum_field)
{
	struct pmdisk_pfn_layout l;
	struct pmdisk_pfn_sb sb;
	const char *why;
	u64 sum;

	ASSERT_EQ(0, pmdisk_pfn_plan(DAX, DEV, AT_5G, GiB, 2 * MiB, info_uuid, &l, &why));
	pmdisk_pfn_build(&sb, &l, ns_uuid);
	sum = pmdisk_pfn_checksum(&sb);
	put_le(&sb, OFF_CHECKSUM, 8, 0xfedcba9876543210ULL);
	EXPECT_EQ(sum, pmdisk_pfn_checksum(&sb));
	EXPECT_EQ(sum, ref_checksum(&sb));
	/* every byte before it counts, padding included */
	((u8 *)&sb)[4000] ^= 1;
	EXPECT_NE(sum, pmdisk_pfn_checksum(&sb));
	EXPECT_EQ(ref_checksum(&sb), pmdisk_pfn_checksum(&sb));
}

TEST(plan_build_parse_round_trip_at_random_sizes_and_starts)
{
	static const u64 aligns[] = { 4 * KiB, 2 * MiB, GiB };
	struct pmdisk_pfn_layout plan, got;
	struct pmdisk_pfn_sb sb;
	const char *why;
	u64 s = 0x9e3779b97f4a7c15ULL;
	int i, planned = 0;

	for (i = 0; i < 3000; i++) {
		u64 phys, size, align;
		enum pmdisk_pfn_map map = i & 1 ? DEV : RAM;
		enum pmdisk_pfn_kind kind = i & 2 ? DAX : FS;

		/* xorshift64*: a fixed seed, so a failure reproduces */
		s ^= s >> 12, s ^= s << 25, s ^= s >> 27;
		phys = (s * 0x2545f4914f6cdd1dULL) % (1ULL << 25) * 2 * MiB;
		s ^= s >> 12, s ^= s << 25, s ^= s >> 27;
		size = 16 * MiB + (s * 0x2545f4914f6cdd1dULL) % (4 * TiB / (4 * KiB)) * 4 * KiB;
		align = aligns[i % 3];
		if (pmdisk_pfn_plan(kind, map, phys, size, align, info_uuid, &plan, &why)) {
			/* only a 1 GiB alignment can leave no data here */
			ASSERT_EQ(GiB, align) TH_LOG("%#llx at %#llx: %s", size, phys, why);
			continue;
		}
		planned++;
		ASSERT_EQ(size, plan.dataoff + plan.data_size + plan.end_trunc);
		ASSERT_EQ(0, (phys + plan.dataoff) % align);
		ASSERT_EQ(0, (phys + size - plan.end_trunc) % (2 * MiB));
		ASSERT_EQ(plan.npfns * 4 * KiB, plan.data_size);
		if (map == DEV)	/* a struct page for every page after the reserve */
			ASSERT_LE((size - 8 * KiB) / (4 * KiB) * 64, plan.dataoff - 8 * KiB);
		pmdisk_pfn_build(&sb, &plan, ns_uuid);
		ASSERT_EQ(0, pmdisk_pfn_parse(&sb, ns_uuid, phys, size, &got, &why))
			TH_LOG("%#llx at %#llx align %#llx: %s", size, phys, align, why);
		expect_same_layout(_metadata, &plan, &got);
	}
	EXPECT_LT(2000, planned);
}

/*
 * A block laid out the way nd_pfn_init() fills struct nd_pfn_sb, field by
 * field at the offsets of Linux's header.
 */
static void linux_block(u8 *b, const char *sig, u64 dataoff, u64 npfns, u32 mode,
			u32 end_trunc, u32 align)
{
	memset(b, 0, SB_SIZE);
	memcpy(b + OFF_SIGNATURE, sig, 16);
	memcpy(b + OFF_UUID, info_uuid, 16);
	memcpy(b + OFF_PARENT, ns_uuid, 16);
	put_le(b, OFF_FLAGS, 4, 0);
	put_le(b, OFF_MAJOR, 2, 1);
	put_le(b, OFF_MINOR, 2, 4);
	put_le(b, OFF_DATAOFF, 8, dataoff);
	put_le(b, OFF_NPFNS, 8, npfns);
	put_le(b, OFF_MODE, 4, mode);
	put_le(b, OFF_START_PAD, 4, 0);
	put_le(b, OFF_END_TRUNC, 4, end_trunc);
	put_le(b, OFF_ALIGN, 4, align);
	put_le(b, OFF_PAGE_SIZE, 4, 4096);
	put_le(b, OFF_PAGE_STRUCT, 2, 64);
	seal(b);
}

TEST(block_laid_out_byte_by_byte_as_linux_writes_it_is_read_and_rebuilt_alike)
{
	static const struct {
		const char *sig;
		enum pmdisk_pfn_kind kind;
		enum pmdisk_pfn_map map;
		u64 phys, size, align, dataoff, npfns;
		u32 end_trunc;
	} blocks[] = {
		/* devdax on QEMU's 1 GiB NVDIMM less its 128 KiB label area */
		{ "NVDIMM_DAX_INFO", DAX, DEV, AT_5G, GiB - 128 * KiB, 2 * MiB,
		  0x1200000, 257024, 0x1e0000 },
		/* fsdax with pages in RAM, 1 GiB pages, cut at both ends */
		{ "NVDIMM_PFN_INFO", FS, RAM, AT_4G_2M, 3 * GiB + 2 * MiB, GiB,
		  0x3fe00000, 524288, 0x400000 },
	};
	struct pmdisk_pfn_layout got, plan;
	struct pmdisk_pfn_sb sb;
	const char *why;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(blocks); i++) {
		u8 bytes[SB_SIZE];

		linux_block(bytes, blocks[i].sig, blocks[i].dataoff, blocks[i].npfns,
			    blocks[i].map, blocks[i].end_trunc, blocks[i].align);
		memcpy(&sb, bytes, sizeof(sb));
		ASSERT_EQ(0, pmdisk_pfn_parse(&sb, ns_uuid, blocks[i].phys, blocks[i].size,
					      &got, &why)) TH_LOG("%s", why);
		EXPECT_EQ(blocks[i].kind, got.kind);
		EXPECT_EQ(blocks[i].map, got.map);
		EXPECT_EQ(0, memcmp(info_uuid, got.uuid, 16));
		EXPECT_EQ(blocks[i].align, got.align);
		EXPECT_EQ(blocks[i].dataoff, got.dataoff);
		EXPECT_EQ(blocks[i].npfns, got.npfns);
		EXPECT_EQ(blocks[i].end_trunc, got.end_trunc);
		EXPECT_EQ(blocks[i].npfns * 4 * KiB, got.data_size);

		/* and what we plan and build for it is the same 4096 bytes */
		ASSERT_EQ(0, pmdisk_pfn_plan(blocks[i].kind, blocks[i].map, blocks[i].phys,
					     blocks[i].size, blocks[i].align, info_uuid,
					     &plan, &why));
		pmdisk_pfn_build(&sb, &plan, ns_uuid);
		EXPECT_EQ(0, memcmp(bytes, &sb, SB_SIZE));
	}
}

/* ---- refusals ----------------------------------------------------------- */

/*
 * Parse @sb and expect @rc; a refusal with -EINVAL names a reason, and no
 * outcome changes a byte of the block.
 */
static void expect_parse(struct __test_metadata *_metadata, const char *what,
			 const struct pmdisk_pfn_sb *sb, const u8 parent[16],
			 u64 phys, u64 size, int rc, struct pmdisk_pfn_layout *out)
{
	struct pmdisk_pfn_layout scratch;
	u8 before[SB_SIZE];
	const char *why = NULL;

	memcpy(before, sb, SB_SIZE);
	EXPECT_EQ(rc, pmdisk_pfn_parse(sb, parent, phys, size, out ? out : &scratch, &why))
		TH_LOG("%s: %s", what, why ? why : "(no reason)");
	EXPECT_EQ(0, memcmp(before, sb, SB_SIZE)) TH_LOG("%s changed the block", what);
	if (rc == -EINVAL) {
		ASSERT_NE(NULL, why) TH_LOG("%s", what);
		EXPECT_NE(0, why[0]) TH_LOG("%s", what);
	}
}

/* A valid block from our own plan, for the tests to edit. */
static void planned_block(struct __test_metadata *_metadata, struct pmdisk_pfn_sb *sb,
			  enum pmdisk_pfn_kind kind, enum pmdisk_pfn_map map,
			  u64 phys, u64 size, u64 align)
{
	struct pmdisk_pfn_layout l;
	const char *why;

	ASSERT_EQ(0, pmdisk_pfn_plan(kind, map, phys, size, align, info_uuid, &l, &why));
	pmdisk_pfn_build(sb, &l, ns_uuid);
}

TEST(block_without_its_signature_or_checksum_is_no_info_block)
{
	struct pmdisk_pfn_sb sb, good;
	enum pmdisk_pfn_kind kind;

	planned_block(_metadata, &good, FS, DEV, AT_5G, GiB, 2 * MiB);

	memset(&sb, 0, sizeof(sb));
	EXPECT_EQ(-ENOENT, pmdisk_pfn_identify(&sb, &kind));
	expect_parse(_metadata, "zeroed", &sb, ns_uuid, AT_5G, GiB, -ENOENT, NULL);

	/* a BTT's signature, resealed */
	sb = good;
	memcpy(sb.signature, "BTT_ARENA_INFO\0", 16);
	seal(&sb);
	EXPECT_EQ(-ENOENT, pmdisk_pfn_identify(&sb, &kind));
	expect_parse(_metadata, "BTT signature", &sb, ns_uuid, AT_5G, GiB, -ENOENT, NULL);

	/* the terminating NUL is part of the signature */
	sb = good;
	sb.signature[15] = ' ';
	seal(&sb);
	expect_parse(_metadata, "no NUL", &sb, ns_uuid, AT_5G, GiB, -ENOENT, NULL);

	/* one bit anywhere, not resealed */
	sb = good;
	((u8 *)&sb)[OFF_DATAOFF] ^= 0x10;
	EXPECT_EQ(-ENOENT, pmdisk_pfn_identify(&sb, &kind));
	expect_parse(_metadata, "dataoff bit", &sb, ns_uuid, AT_5G, GiB, -ENOENT, NULL);
	sb = good;
	((u8 *)&sb)[3000] ^= 0x01;
	expect_parse(_metadata, "padding bit", &sb, ns_uuid, AT_5G, GiB, -ENOENT, NULL);
	sb = good;
	((u8 *)&sb)[OFF_CHECKSUM + 7] ^= 0x80;
	expect_parse(_metadata, "checksum bit", &sb, ns_uuid, AT_5G, GiB, -ENOENT, NULL);

	/* the devdax signature, resealed: a devdax block, not a refusal */
	sb = good;
	memcpy(sb.signature, "NVDIMM_DAX_INFO\0", 16);
	seal(&sb);
	ASSERT_EQ(0, pmdisk_pfn_identify(&sb, &kind));
	EXPECT_EQ(DAX, kind);
	ASSERT_EQ(0, pmdisk_pfn_identify(&good, &kind));
	EXPECT_EQ(FS, kind);
}

TEST(block_of_another_namespace_is_stale)
{
	struct pmdisk_pfn_layout l;
	struct pmdisk_pfn_sb sb;
	u8 other[16];
	const char *why;

	planned_block(_metadata, &sb, DAX, DEV, AT_5G, GiB, 2 * MiB);
	memcpy(other, ns_uuid, 16);
	other[15] ^= 1;
	expect_parse(_metadata, "other uuid", &sb, other, AT_5G, GiB, -ESTALE, NULL);
	/* unlike a BTT's, a zero parent is no wildcard: Linux compares all 16 bytes */
	expect_parse(_metadata, "label-less ns", &sb, zero_uuid, AT_5G, GiB, -ESTALE, NULL);
	ASSERT_EQ(0, pmdisk_pfn_plan(DAX, DEV, AT_5G, GiB, 2 * MiB, info_uuid, &l, &why));
	pmdisk_pfn_build(&sb, &l, zero_uuid);
	expect_parse(_metadata, "zero parent", &sb, ns_uuid, AT_5G, GiB, -ESTALE, NULL);
	expect_parse(_metadata, "label-less, zero parent", &sb, zero_uuid, AT_5G, GiB, 0, NULL);
	/* the signature comes first: an unsealed block is absent, not stale */
	((u8 *)&sb)[100] ^= 1;
	expect_parse(_metadata, "unsealed", &sb, other, AT_5G, GiB, -ENOENT, NULL);
}

/*
 * One field out of range each. The base blocks are Linux's layouts of a
 * 1 GiB namespace at 5 GiB: DEV map dataoff 18 MiB, RAM map 2 MiB; each
 * edit is built so that, as far as the format allows, only the rule named
 * is broken, and is resealed, so the checksum is not what refuses it.
 */
struct field_edit {
	unsigned int off, width;
	u64 val;
};

struct bad_field {
	const char *what;
	enum pmdisk_pfn_kind kind;
	enum pmdisk_pfn_map map;
	u64 align;				/* the base block's */
	struct field_edit edit[2];
	u64 phys, size;				/* parsed as; 0: 1 GiB at 5 GiB */
};

/* A base block with up to two fields changed, parsed where it was planned. */
#define EDIT(w, k, m, a, ...) \
	{ .what = w, .kind = k, .map = m, .align = a, .edit = { __VA_ARGS__ } }
/* A base block unchanged, parsed as another namespace. */
#define AS(w, k, m, a, p, s) \
	{ .what = w, .kind = k, .map = m, .align = a, .phys = p, .size = s }

static const struct bad_field bad_fields[] = {
	EDIT("major version 2", FS, DEV, 2 * MiB, { OFF_MAJOR, 2, 2 }),
	EDIT("major version 0", FS, DEV, 2 * MiB, { OFF_MAJOR, 2, 0 }),
	EDIT("mode 0", FS, RAM, 2 * MiB, { OFF_MODE, 4, 0 }),
	EDIT("mode 3", DAX, DEV, 2 * MiB, { OFF_MODE, 4, 3 }),
	EDIT("start_pad set", FS, RAM, 2 * MiB, { OFF_START_PAD, 4, 4096 }),
	EDIT("page_size 64 KiB", FS, DEV, 2 * MiB, { OFF_PAGE_SIZE, 4, 65536 }),
	EDIT("page_struct_size 32, DEV map", DAX, DEV, 2 * MiB, { OFF_PAGE_STRUCT, 2, 32 }),
	/* 7 MiB divides 5 GiB + 18 MiB: only the power of two is missing */
	EDIT("align 7 MiB", FS, DEV, 2 * MiB, { OFF_ALIGN, 4, 7 * MiB }),
	EDIT("align 2 KiB", FS, DEV, 2 * MiB, { OFF_ALIGN, 4, 2 * KiB }),
	EDIT("devdax align 64 KiB", DAX, DEV, 2 * MiB, { OFF_ALIGN, 4, 64 * KiB }),
	EDIT("devdax align 1 MiB", DAX, RAM, 2 * MiB, { OFF_ALIGN, 4, MiB }),
	EDIT("dataoff 4 KiB, in the reserve", FS, RAM, 4 * KiB, { OFF_DATAOFF, 8, 4 * KiB }),
	EDIT("dataoff 0", FS, RAM, 4 * KiB, { OFF_DATAOFF, 8, 0 }),
	/* (a dataoff off 4 KiB is always off the alignment as well) */
	EDIT("dataoff not 4 KiB aligned", FS, RAM, 4 * KiB, { OFF_DATAOFF, 8, 2 * MiB + 512 }),
	EDIT("dataoff = size", FS, RAM, 2 * MiB, { OFF_DATAOFF, 8, GiB }),
	EDIT("dataoff past the end", FS, RAM, 2 * MiB, { OFF_DATAOFF, 8, 4 * GiB }),
	EDIT("dataoff 2^63", FS, RAM, 2 * MiB, { OFF_DATAOFF, 8, 1ULL << 63 }),
	EDIT("end_trunc leaves no data", FS, RAM, 2 * MiB, { OFF_END_TRUNC, 4, GiB - 2 * MiB }),
	EDIT("end_trunc = size", FS, RAM, 2 * MiB, { OFF_END_TRUNC, 4, GiB }),
	EDIT("end_trunc past the end", FS, RAM, 2 * MiB, { OFF_END_TRUNC, 4, 4 * GiB - 2 * MiB }),
	EDIT("data start off its 1 GiB alignment", FS, RAM, 2 * MiB, { OFF_ALIGN, 4, GiB }),
	EDIT("devdax data start off its 1 GiB alignment", DAX, DEV, 2 * MiB,
	     { OFF_ALIGN, 4, GiB }),
	AS("start 4 KiB past a 2 MiB boundary", FS, RAM, 4 * KiB,
	   AT_5G + 4 * KiB, GiB - 4 * KiB),
	AS("end 128 KiB short of a 2 MiB boundary, end_trunc 0", FS, RAM, 2 * MiB,
	   AT_5G, GiB - 128 * KiB),
	EDIT("DEV page map of 2 MiB for 1 GiB", FS, DEV, 2 * MiB, { OFF_DATAOFF, 8, 2 * MiB }),
	/* enough for the data pages, but not for the page map's own */
	EDIT("DEV page map of 16 MiB for 1 GiB", DAX, DEV, 2 * MiB,
	     { OFF_DATAOFF, 8, 16 * MiB }, { OFF_ALIGN, 4, 4 * KiB }),
};

TEST(each_field_out_of_range_is_refused_with_a_reason)
{
	struct pmdisk_pfn_sb sb;
	size_t i, e;

	for (i = 0; i < ARRAY_SIZE(bad_fields); i++) {
		u64 phys = bad_fields[i].phys ? bad_fields[i].phys : AT_5G;
		u64 size = bad_fields[i].size ? bad_fields[i].size : GiB;

		planned_block(_metadata, &sb, bad_fields[i].kind, bad_fields[i].map,
			      AT_5G, GiB, bad_fields[i].align);
		/* the base is valid: the edit is what is refused */
		expect_parse(_metadata, "base", &sb, ns_uuid, AT_5G, GiB, 0, NULL);
		for (e = 0; e < 2 && bad_fields[i].edit[e].width; e++)
			put_le(&sb, bad_fields[i].edit[e].off, bad_fields[i].edit[e].width,
			       bad_fields[i].edit[e].val);
		seal(&sb);
		expect_parse(_metadata, bad_fields[i].what, &sb, ns_uuid, phys, size,
			     -EINVAL, NULL);
	}
}

TEST(dev_page_map_holds_a_struct_page_for_every_page_after_the_info_block)
{
	struct pmdisk_pfn_sb sb;

	/* 1 GiB: (1G - 8K) / 4K = 262142 pages, 64 bytes each, after 8 KiB */
	planned_block(_metadata, &sb, FS, DEV, AT_5G, GiB, 4 * KiB);
	put_le(&sb, OFF_DATAOFF, 8, 8 * KiB + 262142 * 64 + 128);	/* 0x1002000 */
	seal(&sb);
	expect_parse(_metadata, "room for all", &sb, ns_uuid, AT_5G, GiB, 0, NULL);
	put_le(&sb, OFF_DATAOFF, 8, 0x1001000);
	seal(&sb);
	expect_parse(_metadata, "256 short", &sb, ns_uuid, AT_5G, GiB, -EINVAL, NULL);
}

TEST(alignment_larger_than_the_namespace_is_refused_as_linux_refuses_it)
{
	struct pmdisk_pfn_sb sb;

	/* 16 MiB at 5 GiB - 2 MiB: the data starts on the 1 GiB boundary */
	planned_block(_metadata, &sb, FS, RAM, AT_5G - 2 * MiB, 16 * MiB, 2 * MiB);
	expect_parse(_metadata, "2 MiB", &sb, ns_uuid, AT_5G - 2 * MiB, 16 * MiB, 0, NULL);
	put_le(&sb, OFF_ALIGN, 4, GiB);
	seal(&sb);
	expect_parse(_metadata, "1 GiB", &sb, ns_uuid, AT_5G - 2 * MiB, 16 * MiB, -EINVAL, NULL);
}

TEST(nonzero_flags_and_padding_are_ignored_as_linux_ignores_them)
{
	struct pmdisk_pfn_layout l;
	struct pmdisk_pfn_sb sb;

	planned_block(_metadata, &sb, FS, RAM, AT_5G, GiB, 2 * MiB);
	put_le(&sb, OFF_FLAGS, 4, 0x80000001);
	((u8 *)&sb)[2048] = 0x77;
	seal(&sb);
	expect_parse(_metadata, "flags", &sb, ns_uuid, AT_5G, GiB, 0, &l);
	EXPECT_EQ(0x200000, l.dataoff);
}

TEST(page_struct_size_matters_only_when_the_pages_live_on_the_device)
{
	struct pmdisk_pfn_layout l;
	struct pmdisk_pfn_sb sb;

	/* nd_pfn_validate() checks it for PFN_MODE_PMEM only */
	planned_block(_metadata, &sb, FS, RAM, AT_5G, GiB, 2 * MiB);
	put_le(&sb, OFF_PAGE_STRUCT, 2, 32);
	seal(&sb);
	expect_parse(_metadata, "RAM map, 32", &sb, ns_uuid, AT_5G, GiB, 0, &l);
	EXPECT_EQ(RAM, l.map);
	/* a larger one (a debug kernel's) still fits the map Linux reserved */
	planned_block(_metadata, &sb, FS, DEV, AT_5G, GiB, 2 * MiB);
	put_le(&sb, OFF_PAGE_STRUCT, 2, 80);
	seal(&sb);
	expect_parse(_metadata, "DEV map, 80", &sb, ns_uuid, AT_5G, GiB, 0, &l);
}

TEST(fsdax_takes_any_power_of_two_alignment_its_data_meets)
{
	struct pmdisk_pfn_layout l;
	struct pmdisk_pfn_sb sb;

	planned_block(_metadata, &sb, FS, DEV, AT_5G, GiB, 2 * MiB);
	put_le(&sb, OFF_ALIGN, 4, 64 * KiB);
	seal(&sb);
	expect_parse(_metadata, "fsdax 64 KiB", &sb, ns_uuid, AT_5G, GiB, 0, &l);
	EXPECT_EQ(64 * KiB, l.align);
	/* the same block as devdax is refused (nd_supported_alignment()) */
	memcpy(sb.signature, "NVDIMM_DAX_INFO\0", 16);
	seal(&sb);
	expect_parse(_metadata, "devdax 64 KiB", &sb, ns_uuid, AT_5G, GiB, -EINVAL, NULL);
}

/* ---- older versions of the format --------------------------------------- */

TEST(version_1_0_has_no_start_pad_or_end_trunc_and_ignores_their_bytes)
{
	struct pmdisk_pfn_layout l;
	struct pmdisk_pfn_sb sb;

	planned_block(_metadata, &sb, FS, RAM, AT_5G, GiB, 2 * MiB);
	put_le(&sb, OFF_MINOR, 2, 0);
	put_le(&sb, OFF_START_PAD, 4, 4096);
	put_le(&sb, OFF_END_TRUNC, 4, 0x1e0000);
	seal(&sb);
	expect_parse(_metadata, "1.0", &sb, ns_uuid, AT_5G, GiB, 0, &l);
	EXPECT_EQ(0, l.end_trunc);
	EXPECT_EQ(GiB - 2 * MiB, l.data_size);
	/* the same bytes in 1.1 mean a start pad: refused */
	put_le(&sb, OFF_MINOR, 2, 1);
	seal(&sb);
	expect_parse(_metadata, "1.1 start_pad", &sb, ns_uuid, AT_5G, GiB, -EINVAL, NULL);
	/* and without it, an end cut: of a namespace 128 KiB short of 1 GiB */
	put_le(&sb, OFF_START_PAD, 4, 0);
	seal(&sb);
	expect_parse(_metadata, "1.1 end_trunc", &sb, ns_uuid, AT_5G, GiB - 128 * KiB, 0, &l);
	EXPECT_EQ(0x1e0000, l.end_trunc);
	EXPECT_EQ(GiB - 4 * MiB, l.data_size);
}

TEST(before_version_1_2_the_alignment_is_the_largest_power_of_two_in_dataoff)
{
	struct pmdisk_pfn_layout l;
	struct pmdisk_pfn_sb sb;

	/* dataoff 12 MiB: 8 MiB; the align field holds 4 KiB, and is ignored */
	planned_block(_metadata, &sb, FS, RAM, AT_5G, GiB, 2 * MiB);
	put_le(&sb, OFF_DATAOFF, 8, 12 * MiB);
	put_le(&sb, OFF_ALIGN, 4, 4 * KiB);
	put_le(&sb, OFF_MINOR, 2, 1);
	seal(&sb);
	/* 5 GiB + 4 MiB + 12 MiB is on an 8 MiB boundary */
	expect_parse(_metadata, "1.1 at +4M", &sb, ns_uuid, AT_5G + 4 * MiB, GiB, 0, &l);
	EXPECT_EQ(8 * MiB, l.align);
	/* 5 GiB + 12 MiB is not */
	expect_parse(_metadata, "1.1 at 5G", &sb, ns_uuid, AT_5G, GiB, -EINVAL, NULL);
	/* from 1.2 the field counts: 4 KiB, met at 5 GiB */
	put_le(&sb, OFF_MINOR, 2, 2);
	seal(&sb);
	expect_parse(_metadata, "1.2 at 5G", &sb, ns_uuid, AT_5G, GiB, 0, &l);
	EXPECT_EQ(4 * KiB, l.align);
	/* and a zero align field is guessed as before (Linux: align == 0) */
	put_le(&sb, OFF_MINOR, 2, 4);
	put_le(&sb, OFF_ALIGN, 4, 0);
	seal(&sb);
	expect_parse(_metadata, "1.4 align 0", &sb, ns_uuid, AT_5G + 4 * MiB, GiB, 0, &l);
	EXPECT_EQ(8 * MiB, l.align);
	expect_parse(_metadata, "1.4 align 0 at 5G", &sb, ns_uuid, AT_5G, GiB, -EINVAL, NULL);
	/* a power of two is its own guess: 2 MiB from 2 MiB */
	put_le(&sb, OFF_DATAOFF, 8, 2 * MiB);
	put_le(&sb, OFF_MINOR, 2, 0);
	seal(&sb);
	expect_parse(_metadata, "1.0 dataoff 2M", &sb, ns_uuid, AT_5G, GiB, 0, &l);
	EXPECT_EQ(2 * MiB, l.align);
	/* devdax: 8 MiB guessed is not an alignment devdax can map */
	planned_block(_metadata, &sb, DAX, RAM, AT_5G, GiB, 2 * MiB);
	put_le(&sb, OFF_DATAOFF, 8, 12 * MiB);
	put_le(&sb, OFF_MINOR, 2, 1);
	seal(&sb);
	expect_parse(_metadata, "devdax 1.1", &sb, ns_uuid, AT_5G + 4 * MiB, GiB, -EINVAL, NULL);
}

TEST(before_version_1_4_the_page_size_fields_are_ignored)
{
	struct pmdisk_pfn_layout l;
	struct pmdisk_pfn_sb sb;
	int minor;

	for (minor = 0; minor <= 4; minor++) {
		planned_block(_metadata, &sb, FS, DEV, AT_5G, GiB, 2 * MiB);
		put_le(&sb, OFF_MINOR, 2, minor);
		put_le(&sb, OFF_PAGE_SIZE, 4, 65536);
		put_le(&sb, OFF_PAGE_STRUCT, 2, 32);
		seal(&sb);
		/*
		 * Parsed 14 MiB further on, so that the data (18 MiB in) is
		 * on a 16 MiB boundary: what 1.0 and 1.1 guess from dataoff.
		 */
		if (minor == 4) {
			expect_parse(_metadata, "page sizes in 1.4", &sb, ns_uuid,
				     AT_5G + 14 * MiB, GiB, -EINVAL, NULL);
			continue;
		}
		expect_parse(_metadata, "page sizes before 1.4", &sb, ns_uuid,
			     AT_5G + 14 * MiB, GiB, 0, &l);
		EXPECT_EQ(minor < 2 ? 16 * MiB : 2 * MiB, l.align);
		EXPECT_EQ(0x1200000, l.dataoff);
	}
}

TEST_HARNESS_MAIN
