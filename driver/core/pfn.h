/* SPDX-License-Identifier: GPL-2.0 */
/*
 * DAX info blocks: what an fsdax or devdax namespace holds at 4 KiB, in the
 * format of Linux's struct nd_pfn_sb, so a namespace made by either side is
 * found by the other.
 *
 *   namespace offset
 *   0        4 KiB    8 KiB                          dataoff        size - end_trunc
 *   +--------+--------+------------------------------+------ ... ------+----------+
 *   | unused |  info  | struct pages (map dev only)  |      data       | cut off  |
 *   +--------+--------+------------------------------+------ ... ------+----------+
 *
 * The kernel gives every 4 KiB page of the whole namespace a 64-byte struct
 * page. With map "mem" they live in RAM; with map "dev" they live on the
 * namespace itself, in the space between the info block and dataoff, so a
 * 1 TiB namespace costs 16 GiB of itself rather than of RAM. dataoff is a
 * multiple of the alignment, so the data can be mapped with pages of that
 * size. The end is cut down to the alignment (end_trunc), by Linux and by
 * pmdisk_pfn_plan() alike.
 *
 * An info block (4096 bytes, little endian, Fletcher-64 over all of it with
 * the checksum taken as zero, as for BTT info blocks):
 *
 *   0            16           32             48      52     54     56
 *   +------------+------------+--------------+-------+------+------+
 *   | signature  |    uuid    | parent uuid  | flags | vmaj | vmin |
 *   +------------+------------+--------------+-------+------+------+
 *   56        64       72     76          80          84      88          92        94
 *   +---------+--------+------+-----------+-----------+-------+-----------+---------+
 *   | dataoff | npfns  | mode | start_pad | end_trunc | align | page_size | pg_size |
 *   +---------+--------+------+-----------+-----------+-------+-----------+---------+
 *   94                                   4088        4096
 *   +------------------- ... ------------+-----------+
 *   |             padding (zero)         | checksum  |
 *   +------------------- ... ------------+-----------+
 *
 * signature: "NVDIMM_PFN_INFO\0" (fsdax) or "NVDIMM_DAX_INFO\0" (devdax);
 * parent uuid: the namespace uuid (zero for a label-less namespace); mode:
 * 1 = struct pages in RAM, 2 = on the device; version 1.4, whose minor
 * versions added start_pad and end_trunc (1), align (2), zero padding (3),
 * page_size and the struct page size (4).
 *
 * Part of the portable core: builds into pmemdisk.ko and into host tests.
 */
#ifndef _PMDISK_CORE_PFN_H
#define _PMDISK_CORE_PFN_H

#include "compat.h"

#define PMDISK_PFN_INFO_OFFSET	4096ULL
/* Before dataoff (or the page map): 4 KiB unused + the info block. */
#define PMDISK_PFN_RESERVE	8192ULL
/* Bytes of page map per 4 KiB page Linux reserves (MAX_STRUCT_PAGE_SIZE). */
#define PMDISK_PFN_PAGE_STRUCT	64ULL
#define PMDISK_PFN_PAGE_SIZE	4096ULL
/* Linux's memremap_compat_align() on x86: a hotplug subsection. */
#define PMDISK_PFN_MIN_ALIGN	SZ_2M
/* The largest page Linux maps on x86 (HPAGE_PUD_SIZE). */
#define PMDISK_PFN_MAX_ALIGN	(1ULL << 30)

struct pmdisk_pfn_sb {
	u8 signature[16];
	u8 uuid[16];
	u8 parent_uuid[16];
	__le32 flags;
	__le16 version_major;
	__le16 version_minor;
	__le64 dataoff;
	__le64 npfns;
	__le32 mode;
	__le32 start_pad;
	__le32 end_trunc;
	__le32 align;
	__le32 page_size;
	__le16 page_struct_size;
	u8 padding[3994];
	__le64 checksum;
};

static_assert(sizeof(struct pmdisk_pfn_sb) == 4096, "a DAX info block is 4 KiB");
static_assert(offsetof(struct pmdisk_pfn_sb, dataoff) == 56, "dataoff at 56");
static_assert(offsetof(struct pmdisk_pfn_sb, page_struct_size) == 92,
	      "page_struct_size at 92");

enum pmdisk_pfn_kind {
	PMDISK_PFN_FSDAX,	/* "NVDIMM_PFN_INFO" */
	PMDISK_PFN_DEVDAX,	/* "NVDIMM_DAX_INFO" */
};

/* Where the struct pages live: the on-media mode values. */
enum pmdisk_pfn_map {
	PMDISK_PFN_MAP_RAM = 1,
	PMDISK_PFN_MAP_DEV = 2,
};

/* A DAX namespace's layout, as planned for a new one or read from media. */
struct pmdisk_pfn_layout {
	enum pmdisk_pfn_kind kind;
	enum pmdisk_pfn_map map;
	u8 uuid[16];		/* the info block's own uuid */
	u64 align;		/* as recorded: the mapping page size */
	u64 dataoff;		/* data start, from the namespace start */
	u64 npfns;		/* data pages, as recorded */
	u32 end_trunc;		/* bytes cut off the end */
	u64 data_size;		/* bytes of data: size - dataoff - end_trunc */
};

/*
 * Plan the layout Linux would give a new @kind namespace of @size bytes at
 * physical address @phys with pages of @align (0 means 2 MiB) and its page
 * map in @map: dataoff, npfns and end_trunc as nd_pfn_init() computes them.
 * @uuid is the info block's own. Returns 0, or -EINVAL with *@why set when
 * the namespace is too small, its start is not on a 2 MiB boundary, it
 * ends within @align of the top of the address space, or @align is not one
 * Linux offers on x86 (4 KiB, 2 MiB, 1 GiB).
 */
int pmdisk_pfn_plan(enum pmdisk_pfn_kind kind, enum pmdisk_pfn_map map,
		    u64 phys, u64 size, u64 align, const u8 uuid[16],
		    struct pmdisk_pfn_layout *out, const char **why);

/* Fill @sb for @l, with @parent the namespace uuid, checksum included. */
void pmdisk_pfn_build(struct pmdisk_pfn_sb *sb, const struct pmdisk_pfn_layout *l,
		      const u8 parent[16]);

/* Fletcher-64 of @sb with its checksum taken as zero. */
u64 pmdisk_pfn_checksum(const struct pmdisk_pfn_sb *sb);

/*
 * Which kind of info block @sb is: 0 with *@kind set when its signature
 * and checksum are right, -ENOENT when it is no info block at all.
 */
int pmdisk_pfn_identify(const struct pmdisk_pfn_sb *sb, enum pmdisk_pfn_kind *kind);

/*
 * Read the info block @sb of a namespace of @size bytes at physical
 * address @phys whose uuid is @parent, as Linux's nd_pfn_validate() would
 * accept it, and stricter where serving it wrong could lose data. Returns:
 * 0 with *@out filled; -ENOENT when there is no info block (wrong
 * signature or checksum); -ESTALE when it belongs to another namespace
 * (parent uuid); -EINVAL with *@why when it is one but cannot be served
 * (a field out of range, an alignment the data does not meet or larger
 * than the namespace, a DEV page map without a struct page for every page
 * after the info block, start_pad).
 */
int pmdisk_pfn_parse(const struct pmdisk_pfn_sb *sb, const u8 parent[16],
		     u64 phys, u64 size, struct pmdisk_pfn_layout *out,
		     const char **why);

#endif /* _PMDISK_CORE_PFN_H */
