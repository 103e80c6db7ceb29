// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: reading a DAX info block (pmdisk_pfn_parse). The input is
 * the 4 KiB at namespace offset 4096 and the namespace it is read for:
 *
 *   byte 0      bit 0 reseal the block's checksum (so edits reach the field
 *               checks); bit 1 the namespace uuid is the block's own parent
 *               field; bit 2 the start is in 2 MiB units; bit 3 the size
 *               is in 4 KiB units; bit 4 also plan a namespace (below)
 *   bytes 1-8   the namespace's physical start (LE)
 *   bytes 9-16  its size (LE)
 *   bytes 17-32 its uuid, unless bit 1
 *   bytes 33-   the block; what the input does not cover is zero
 *
 * What pfn.h promises is checked: -ENOENT exactly when identify finds no
 * info block, and identify finding one only with the right signature and
 * Fletcher-64 (computed here); -ESTALE exactly when the parent differs; a
 * reason with every -EINVAL; no other return value; the block never
 * written. Of a layout parse accepts: the data, dataoff and the end cut add
 * up to the namespace; the data is not empty, starts past the info block
 * on a page boundary and on its alignment (for devdax one Linux maps:
 * 4 KiB, 2 MiB or 1 GiB), and ends on a 2 MiB boundary, as the namespace
 * starts; a DEV map has room for a struct page per data page; and the
 * block build writes for it parses to the same layout (a rewrite, e.g. for
 * a new parent, keeps the data where it is).
 *
 * With bit 4 the block's first bytes also choose a plan for the namespace:
 * byte 0 the kind, 1 the map, 2 the alignment (bit 7: bytes 20-27, else
 * 4 KiB, 2 MiB, 1 GiB or the default), 4-19 the info block's uuid. A plan
 * that succeeds must be laid out as parse requires, and built and parsed
 * back to itself.
 */
#include "fuzz.h"
#include "../../driver/core/pfn.h"

#define HDR		33
#define SB_SIZE		sizeof(struct pmdisk_pfn_sb)

#define F_RESEAL	0x01
#define F_OWN_PARENT	0x02
#define F_PHYS_2M	0x04
#define F_SIZE_4K	0x08
#define F_PLAN		0x10

static u64 get_le64(const u8 *p)
{
	u64 v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v |= (u64)p[i] << (8 * i);
	return v;
}

/* nd_fletcher64() over the block with its checksum as zero, written here. */
static u64 ref_checksum(const struct pmdisk_pfn_sb *sb)
{
	const u8 *b = (const u8 *)sb;
	u32 lo = 0;
	u64 hi = 0;
	size_t i;

	for (i = 0; i < SB_SIZE; i += 4) {
		if (i < offsetof(struct pmdisk_pfn_sb, checksum))
			lo += (u32)b[i] | (u32)b[i + 1] << 8 | (u32)b[i + 2] << 16 |
			      (u32)b[i + 3] << 24;
		hi += lo;
	}
	return hi << 32 | lo;
}

static bool same_layout(const struct pmdisk_pfn_layout *a, const struct pmdisk_pfn_layout *b)
{
	return a->kind == b->kind && a->map == b->map &&
	       !memcmp(a->uuid, b->uuid, sizeof(a->uuid)) && a->align == b->align &&
	       a->dataoff == b->dataoff && a->npfns == b->npfns &&
	       a->end_trunc == b->end_trunc && a->data_size == b->data_size;
}

static void check_layout(const struct pmdisk_pfn_layout *l, enum pmdisk_pfn_kind kind,
			 u64 phys, u64 size)
{
	FUZZ_CHECK(l->kind == kind, "kind %d, identified as %d", l->kind, kind);
	FUZZ_CHECK(l->map == PMDISK_PFN_MAP_RAM || l->map == PMDISK_PFN_MAP_DEV,
		   "map %d", l->map);
	FUZZ_CHECK(l->dataoff + l->data_size + l->end_trunc == size,
		   "dataoff %#llx + data %#llx + end_trunc %#x != size %#llx",
		   (unsigned long long)l->dataoff, (unsigned long long)l->data_size,
		   l->end_trunc, (unsigned long long)size);
	FUZZ_CHECK(l->dataoff >= PMDISK_PFN_RESERVE && l->dataoff % PMDISK_PFN_PAGE_SIZE == 0,
		   "dataoff %#llx", (unsigned long long)l->dataoff);
	FUZZ_CHECK(l->dataoff < size && l->data_size > 0 && l->data_size <= size - l->dataoff,
		   "data %#llx at %#llx of %#llx", (unsigned long long)l->data_size,
		   (unsigned long long)l->dataoff, (unsigned long long)size);
	FUZZ_CHECK(l->align >= PMDISK_PFN_PAGE_SIZE && !(l->align & (l->align - 1)),
		   "align %#llx", (unsigned long long)l->align);
	FUZZ_CHECK(kind != PMDISK_PFN_DEVDAX || l->align == PMDISK_PFN_PAGE_SIZE ||
		   l->align == SZ_2M || l->align == 1ULL << 30,
		   "devdax with pages of %#llx", (unsigned long long)l->align);
	FUZZ_CHECK((phys + l->dataoff) % l->align == 0, "data at %#llx off align %#llx",
		   (unsigned long long)(phys + l->dataoff), (unsigned long long)l->align);
	FUZZ_CHECK(phys % SZ_2M == 0 && (phys + size - l->end_trunc) % SZ_2M == 0,
		   "namespace at %#llx, data end at %#llx", (unsigned long long)phys,
		   (unsigned long long)(phys + size - l->end_trunc));
	FUZZ_CHECK(l->map != PMDISK_PFN_MAP_DEV ||
		   (l->dataoff - PMDISK_PFN_RESERVE) / PMDISK_PFN_PAGE_STRUCT >=
		   l->data_size / PMDISK_PFN_PAGE_SIZE,
		   "page map of %#llx for %#llx of data", (unsigned long long)l->dataoff,
		   (unsigned long long)l->data_size);
}

/* Build @l's block for @parent and read it back: the same layout. */
static void check_rebuild(const struct pmdisk_pfn_layout *l, const u8 parent[16],
			  u64 phys, u64 size)
{
	static struct pmdisk_pfn_sb sb;
	struct pmdisk_pfn_layout again;
	const char *why = NULL;
	int rc;

	pmdisk_pfn_build(&sb, l, parent);
	rc = pmdisk_pfn_parse(&sb, parent, phys, size, &again, &why);
	FUZZ_CHECK(rc == 0, "its own block refused (%d): %s", rc, why ? why : "");
	FUZZ_CHECK(same_layout(l, &again), "its own block reads as another layout");
}

static void fuzz_plan(const u8 *sel, const u8 parent[16], u64 phys, u64 size)
{
	static const u64 aligns[] = { PMDISK_PFN_PAGE_SIZE, SZ_2M, 1ULL << 30, 0 };
	enum pmdisk_pfn_kind kind = sel[0] & 1 ? PMDISK_PFN_DEVDAX : PMDISK_PFN_FSDAX;
	enum pmdisk_pfn_map map = sel[1] & 1 ? PMDISK_PFN_MAP_DEV : PMDISK_PFN_MAP_RAM;
	u64 align = sel[2] & 0x80 ? get_le64(sel + 20) : aligns[sel[2] % ARRAY_SIZE(aligns)];
	struct pmdisk_pfn_layout l;
	const char *why = NULL;
	int rc;

	rc = pmdisk_pfn_plan(kind, map, phys, size, align, sel + 4, &l, &why);
	FUZZ_CHECK(rc == 0 || rc == -EINVAL, "plan returned %d", rc);
	if (rc) {
		FUZZ_CHECK(why && why[0], "a plan refused without a reason");
		return;
	}
	FUZZ_CHECK(l.align == (align ? align : SZ_2M), "align %#llx planned as %#llx",
		   (unsigned long long)align, (unsigned long long)l.align);
	FUZZ_CHECK(l.npfns * PMDISK_PFN_PAGE_SIZE == l.data_size, "npfns %llu for %#llx",
		   (unsigned long long)l.npfns, (unsigned long long)l.data_size);
	check_layout(&l, kind, phys, size);
	check_rebuild(&l, parent, phys, size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct pmdisk_pfn_sb sb, copy;
	struct pmdisk_pfn_layout l;
	enum pmdisk_pfn_kind kind;
	u8 hdr[HDR] = { 0 }, parent[16];
	u64 phys, nsize;
	const char *why = NULL;
	bool found, own;
	int rc;

	memcpy(hdr, data, size < HDR ? size : HDR);
	memset(&sb, 0, sizeof(sb));
	if (size > HDR)
		memcpy(&sb, data + HDR, size - HDR < SB_SIZE ? size - HDR : SB_SIZE);
	if (hdr[0] & F_RESEAL)
		sb.checksum = cpu_to_le64(pmdisk_pfn_checksum(&sb));
	phys = get_le64(hdr + 1);
	nsize = get_le64(hdr + 9);
	if (hdr[0] & F_PHYS_2M)
		phys <<= 21;
	if (hdr[0] & F_SIZE_4K)
		nsize = (nsize & ((1ULL << 52) - 1)) << 12;
	memcpy(parent, hdr[0] & F_OWN_PARENT ? sb.parent_uuid : hdr + 17, 16);
	own = !memcmp(parent, sb.parent_uuid, 16);

	found = pmdisk_pfn_identify(&sb, &kind) == 0;
	FUZZ_CHECK(!found || (le64_to_cpu(sb.checksum) == ref_checksum(&sb) &&
			      !memcmp(sb.signature, kind == PMDISK_PFN_DEVDAX ?
				      "NVDIMM_DAX_INFO" : "NVDIMM_PFN_INFO", 16)),
		   "identified a block without its signature or checksum");
	copy = sb;
	rc = pmdisk_pfn_parse(&sb, parent, phys, nsize, &l, &why);
	FUZZ_CHECK(!memcmp(&copy, &sb, sizeof(sb)), "parse wrote the block");
	FUZZ_CHECK(rc == 0 || rc == -ENOENT || rc == -ESTALE || rc == -EINVAL,
		   "parse returned %d", rc);
	FUZZ_CHECK((rc == -ENOENT) == !found, "parse %d, identify %s", rc,
		   found ? "found one" : "found none");
	FUZZ_CHECK(!found || (rc == -ESTALE) == !own, "parse %d for %s parent", rc,
		   own ? "its own" : "another");
	if (rc == -EINVAL)
		FUZZ_CHECK(why && why[0], "a refusal without a reason");
	if (rc == 0) {
		check_layout(&l, kind, phys, nsize);
		check_rebuild(&l, parent, phys, nsize);
	}

	if (hdr[0] & F_PLAN)
		fuzz_plan((const u8 *)&sb, parent, phys, nsize);
	return 0;
}

/* ---- seeds: blocks as Linux writes them ---------------------------------- */

static void seed_block(struct fuzz_seeder *s, const char *name, enum pmdisk_pfn_kind kind,
		       enum pmdisk_pfn_map map, u64 phys, u64 size, u64 align, u16 minor)
{
	static const u8 ns[16] = { 0x5e, 0x3b, 0x1c, 0x07, 0x9a, 0x42, 0x4f, 0x11,
				   0x8d, 0x60, 0x2e, 0x93, 0xb4, 0xc5, 0xd6, 0xe7 };
	static const u8 info[16] = { 0xa1, 0xb2, 0xc3, 0xd4, 0xe5, 0xf6, 0x47, 0x08,
				     0x99, 0x0a, 0x1b, 0x2c, 0x3d, 0x4e, 0x5f, 0x60 };
	static u8 buf[HDR + SB_SIZE];
	struct pmdisk_pfn_layout l;
	struct pmdisk_pfn_sb sb;
	const char *why;
	int i;

	if (pmdisk_pfn_plan(kind, map, phys, size, align, info, &l, &why)) {
		fprintf(stderr, "seed %s: %s\n", name, why);
		abort();
	}
	pmdisk_pfn_build(&sb, &l, ns);
	if (minor != 4) {
		sb.version_minor = cpu_to_le16(minor);
		sb.checksum = cpu_to_le64(pmdisk_pfn_checksum(&sb));
	}
	buf[0] = F_PLAN;
	for (i = 0; i < 8; i++) {
		buf[1 + i] = phys >> (8 * i);
		buf[9 + i] = size >> (8 * i);
	}
	memcpy(buf + 17, ns, 16);
	memcpy(buf + HDR, &sb, SB_SIZE);
	s->seed(s, name, buf, sizeof(buf));
}

void fuzz_seeds(struct fuzz_seeder *s)
{
	/* fsdax, pages in RAM, on a QEMU NVDIMM less its label area */
	seed_block(s, "fsdax-ram", PMDISK_PFN_FSDAX, PMDISK_PFN_MAP_RAM,
		   0x140000000ULL, (1ULL << 30) - (128ULL << 10), SZ_2M, 4);
	/* devdax, pages on the device, 1 GiB pages, cut at the end */
	seed_block(s, "devdax-dev", PMDISK_PFN_DEVDAX, PMDISK_PFN_MAP_DEV,
		   0x100200000ULL, (3ULL << 30) + SZ_2M, 1ULL << 30, 4);
	/* version 1.1: the alignment guessed from dataoff */
	seed_block(s, "fsdax-ram-v1.1", PMDISK_PFN_FSDAX, PMDISK_PFN_MAP_RAM,
		   0x140000000ULL, 1ULL << 30, SZ_2M, 1);
}
