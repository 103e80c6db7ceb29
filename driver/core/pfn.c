// SPDX-License-Identifier: GPL-2.0
/*
 * DAX info blocks (see pfn.h): planning a new fsdax or devdax namespace as
 * Linux lays one out, writing its info block, and reading one back with
 * every field checked before it decides where data lives.
 *
 * Part of the portable core: builds into pmemdisk.ko and into host tests.
 */
#include "pfn.h"
#include "label.h"	/* pmdisk_fletcher64() */

static const u8 pfn_sig[16] = "NVDIMM_PFN_INFO";
static const u8 dax_sig[16] = "NVDIMM_DAX_INFO";

static bool is_pow2(u64 x)
{
	return x && !(x & (x - 1));
}

int pmdisk_pfn_plan(enum pmdisk_pfn_kind kind, enum pmdisk_pfn_map map,
		    u64 phys, u64 size, u64 align, const u8 uuid[16],
		    struct pmdisk_pfn_layout *out, const char **why)
{
	u64 map_align, end, dataoff, npfns;

	if (!align)
		align = SZ_2M;
	/*
	 * Only what Linux offers (nd_pfn_supported_alignments()): the block
	 * has 32 bits for it, and a devdax block with any other is refused.
	 */
	if (align != PMDISK_PFN_PAGE_SIZE && align != SZ_2M &&
	    align != PMDISK_PFN_MAX_ALIGN) {
		*why = "the alignment is not 4 KiB, 2 MiB or 1 GiB";
		return -EINVAL;
	}
	if (phys % PMDISK_PFN_MIN_ALIGN) {
		*why = "the namespace does not start on a 2 MiB boundary";
		return -EINVAL;
	}
	/* the data is aligned to @align, and never less than a subsection */
	map_align = align > PMDISK_PFN_MIN_ALIGN ? align : PMDISK_PFN_MIN_ALIGN;
	if (size <= PMDISK_PFN_RESERVE) {
		*why = "the namespace is too small for an info block";
		return -EINVAL;
	}
	/* rounding its addresses up to map_align must not wrap */
	if (phys + size < phys || phys + size > ~0ULL - map_align) {
		*why = "the namespace ends too near the top of the address space";
		return -EINVAL;
	}
	end = (phys + size) / map_align * map_align;
	if (map == PMDISK_PFN_MAP_DEV) {
		/* room for a struct page for every page after the reserve */
		npfns = (size - PMDISK_PFN_RESERVE) / PMDISK_PFN_PAGE_SIZE;
		dataoff = roundup(phys + PMDISK_PFN_RESERVE +
				      npfns * PMDISK_PFN_PAGE_STRUCT, map_align) - phys;
	} else {
		dataoff = roundup(phys + PMDISK_PFN_RESERVE, map_align) - phys;
	}
	if (phys + dataoff >= end) {
		*why = "the namespace is too small for its alignment and page map";
		return -EINVAL;
	}
	memset(out, 0, sizeof(*out));
	out->kind = kind;
	out->map = map;
	memcpy(out->uuid, uuid, sizeof(out->uuid));
	out->align = align;
	out->dataoff = dataoff;
	out->end_trunc = (u32)(phys + size - end);
	out->data_size = end - phys - dataoff;
	out->npfns = out->data_size / PMDISK_PFN_PAGE_SIZE;
	return 0;
}

u64 pmdisk_pfn_checksum(const struct pmdisk_pfn_sb *sb)
{
	u64 sum = pmdisk_fletcher64(sb, offsetof(struct pmdisk_pfn_sb, checksum), true);
	u64 lo = (u32)sum, hi = sum >> 32;

	/*
	 * The last two words (the checksum) count as zero: they add nothing
	 * to the low sum and add the low sum twice to the high one. The
	 * block itself is never written here: it may be mapped media.
	 */
	return (hi + 2 * lo) << 32 | lo;
}

void pmdisk_pfn_build(struct pmdisk_pfn_sb *sb, const struct pmdisk_pfn_layout *l,
		      const u8 parent[16])
{
	memset(sb, 0, sizeof(*sb));
	memcpy(sb->signature, l->kind == PMDISK_PFN_DEVDAX ? dax_sig : pfn_sig,
	       sizeof(sb->signature));
	memcpy(sb->uuid, l->uuid, sizeof(sb->uuid));
	memcpy(sb->parent_uuid, parent, sizeof(sb->parent_uuid));
	sb->version_major = cpu_to_le16(1);
	sb->version_minor = cpu_to_le16(4);
	sb->dataoff = cpu_to_le64(l->dataoff);
	sb->npfns = cpu_to_le64(l->npfns);
	sb->mode = cpu_to_le32(l->map);
	sb->end_trunc = cpu_to_le32(l->end_trunc);
	sb->align = cpu_to_le32((u32)l->align);
	sb->page_size = cpu_to_le32(PMDISK_PFN_PAGE_SIZE);
	sb->page_struct_size = cpu_to_le16(PMDISK_PFN_PAGE_STRUCT);
	sb->checksum = cpu_to_le64(pmdisk_pfn_checksum(sb));
}

int pmdisk_pfn_identify(const struct pmdisk_pfn_sb *sb, enum pmdisk_pfn_kind *kind)
{
	if (!memcmp(sb->signature, pfn_sig, sizeof(pfn_sig)))
		*kind = PMDISK_PFN_FSDAX;
	else if (!memcmp(sb->signature, dax_sig, sizeof(dax_sig)))
		*kind = PMDISK_PFN_DEVDAX;
	else
		return -ENOENT;
	if (le64_to_cpu(sb->checksum) != pmdisk_pfn_checksum(sb))
		return -ENOENT;
	return 0;
}

/* The recorded alignment; versions before 1.2 had none: Linux's guess. */
static u64 pfn_align_of(const struct pmdisk_pfn_sb *sb, u64 dataoff)
{
	u64 align = 1;

	if (le16_to_cpu(sb->version_minor) >= 2 && sb->align)
		return le32_to_cpu(sb->align);
	while (align <= dataoff / 2)
		align *= 2;
	return align;
}

int pmdisk_pfn_parse(const struct pmdisk_pfn_sb *sb, const u8 parent[16],
		     u64 phys, u64 size, struct pmdisk_pfn_layout *out,
		     const char **why)
{
	u16 minor = le16_to_cpu(sb->version_minor);
	enum pmdisk_pfn_kind kind;
	u64 dataoff, align;
	u32 mode, end_trunc = 0;

	if (pmdisk_pfn_identify(sb, &kind))
		return -ENOENT;
	if (memcmp(sb->parent_uuid, parent, sizeof(sb->parent_uuid)))
		return -ESTALE;
	mode = le32_to_cpu(sb->mode);
	dataoff = le64_to_cpu(sb->dataoff);
	if (le16_to_cpu(sb->version_major) != 1) {
		*why = "its major version is not 1";
		return -EINVAL;
	}
	if (mode != PMDISK_PFN_MAP_RAM && mode != PMDISK_PFN_MAP_DEV) {
		*why = "its page map mode is neither RAM nor device";
		return -EINVAL;
	}
	if (minor >= 1) {
		if (sb->start_pad) {
			*why = "it uses start_pad, which Linux deprecated: back it up and create it anew";
			return -EINVAL;
		}
		end_trunc = le32_to_cpu(sb->end_trunc);
	}
	if (minor >= 4 && (le32_to_cpu(sb->page_size) != PMDISK_PFN_PAGE_SIZE ||
			   (mode == PMDISK_PFN_MAP_DEV &&
			    le16_to_cpu(sb->page_struct_size) < PMDISK_PFN_PAGE_STRUCT))) {
		*why = "its page size or struct page size is not this machine's";
		return -EINVAL;
	}
	align = pfn_align_of(sb, dataoff);
	if (!is_pow2(align) || align < PMDISK_PFN_PAGE_SIZE) {
		*why = "its alignment is not a power of two of at least 4 KiB";
		return -EINVAL;
	}
	if (align > size) {
		*why = "its alignment is larger than the namespace";
		return -EINVAL;
	}
	if (kind == PMDISK_PFN_DEVDAX && align != PMDISK_PFN_PAGE_SIZE &&
	    align != SZ_2M && align != PMDISK_PFN_MAX_ALIGN) {
		*why = "a devdax alignment must be 4 KiB, 2 MiB or 1 GiB";
		return -EINVAL;
	}
	if (dataoff < PMDISK_PFN_RESERVE || dataoff % PMDISK_PFN_PAGE_SIZE ||
	    dataoff >= size || end_trunc >= size - dataoff) {
		*why = "its data offset or end cut lies outside the namespace";
		return -EINVAL;
	}
	if ((phys + dataoff) % align || phys % PMDISK_PFN_MIN_ALIGN ||
	    (phys + size - end_trunc) % PMDISK_PFN_MIN_ALIGN) {
		*why = "the namespace or its data is not aligned as the info block requires";
		return -EINVAL;
	}
	/*
	 * The kernel's memmap covers the whole range, page map included, not
	 * only the data: Linux reserves a struct page for every page after
	 * the info block, and its altmap allocation fails with less.
	 */
	if (mode == PMDISK_PFN_MAP_DEV &&
	    (dataoff - PMDISK_PFN_RESERVE) / PMDISK_PFN_PAGE_STRUCT <
	    (size - end_trunc - PMDISK_PFN_RESERVE) / PMDISK_PFN_PAGE_SIZE) {
		*why = "its page map area is too small for its pages";
		return -EINVAL;
	}
	memset(out, 0, sizeof(*out));
	out->kind = kind;
	out->map = mode;
	memcpy(out->uuid, sb->uuid, sizeof(out->uuid));
	out->align = align;
	out->dataoff = dataoff;
	out->npfns = le64_to_cpu(sb->npfns);
	out->end_trunc = end_trunc;
	out->data_size = size - dataoff - end_trunc;
	return 0;
}
