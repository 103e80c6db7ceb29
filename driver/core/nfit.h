/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ACPI NFIT (NVDIMM Firmware Interface Table, ACPI 6.4 section 5.2.25):
 * the firmware's layout of the structures pmemdisk reads, and the parser that
 * turns a raw table into validated ranges, DIMM maps and control regions.
 *
 * Every field in the table is little-endian. The parser trusts nothing: each
 * structure's length is checked against its type and against the end of the
 * table before a field is read, and cross-references (range index, control
 * region index) are resolved only to entries that exist.
 *
 * Part of the portable core: builds into pmemdisk.ko and into host tests.
 */
#ifndef _PMDISK_CORE_NFIT_H
#define _PMDISK_CORE_NFIT_H

#include "compat.h"

/*
 * The table: a 36-byte ACPI header, 4 reserved bytes, then structures, each
 * starting with a 2-byte type and a 2-byte length that covers the whole
 * structure.
 *
 *   0        4        8  9 10     16       24       28       32       36  40
 *   +--------+--------+--+--+------+--------+--------+--------+--------+---+----
 *   | "NFIT" | length |rv|cs|OEM id|OEM tbl | OEM rev| creator|cr. rev | 0 | struct...
 *   +--------+--------+--+--+------+--------+--------+--------+--------+---+----
 */
#define PMDISK_NFIT_HEADER_SIZE	40
#define PMDISK_NFIT_LENGTH_OFFSET	4

struct pmdisk_nfit_sub {
	__le16 type;
	__le16 length;
};

enum pmdisk_nfit_type {
	PMDISK_NFIT_SPA = 0,	/* system physical address range */
	PMDISK_NFIT_MEMDEV = 1,	/* memory device to SPA range map */
	PMDISK_NFIT_IDT = 2,	/* interleave description (block windows) */
	PMDISK_NFIT_SMBIOS = 3,	/* SMBIOS management information */
	PMDISK_NFIT_DCR = 4,	/* NVDIMM control region */
	PMDISK_NFIT_BDW = 5,	/* block data window region */
	PMDISK_NFIT_FLUSH = 6,	/* flush hint addresses */
	PMDISK_NFIT_CAPS = 7,	/* platform capabilities */
};

/*
 * Type 0, SPA range: 56 bytes, 64 with the ACPI 6.4 location cookie.
 *
 *   0    2    4     6     8        12        16              32      40      48      56      64
 *   +----+----+-----+-----+--------+---------+---------------+-------+-------+-------+.......+
 *   |type|len |index|flags|reserved|proximity| range type GUID|base   |length |mapping|cookie |
 *   +----+----+-----+-----+--------+---------+---------------+-------+-------+-------+.......+
 */
struct pmdisk_nfit_spa_raw {
	struct pmdisk_nfit_sub hdr;
	__le16 range_index;
	__le16 flags;
	__le32 reserved;
	__le32 proximity_domain;
	u8 range_guid[16];
	__le64 address;
	__le64 length;
	__le64 memory_mapping;
};
static_assert(sizeof(struct pmdisk_nfit_spa_raw) == 56, "NFIT SPA layout");
#define PMDISK_NFIT_SPA_COOKIE_VALID	(1 << 2)
#define PMDISK_NFIT_SPA_COOKIE_SIZE	64

/*
 * Type 1, memory device to SPA range map: 48 bytes.
 *
 *   0    2    4      8      10      12     14      16          24            32     40     42   44   46  48
 *   +----+----+------+------+-------+------+-------+-----------+-------------+------+------+----+----+---+
 *   |type|len |handle|phy id|reg. id|range |dcr idx|region size|region offset|DPA   |il idx|ways|flgs|rsv|
 *   +----+----+------+------+-------+------+-------+-----------+-------------+------+------+----+----+---+
 */
struct pmdisk_nfit_memdev_raw {
	struct pmdisk_nfit_sub hdr;
	__le32 device_handle;
	__le16 physical_id;
	__le16 region_id;
	__le16 range_index;
	__le16 region_index;
	__le64 region_size;
	__le64 region_offset;
	__le64 address;
	__le16 interleave_index;
	__le16 interleave_ways;
	__le16 flags;
	__le16 reserved;
};
static_assert(sizeof(struct pmdisk_nfit_memdev_raw) == 48, "NFIT memdev layout");

/* Memory device state flags (memdev.flags). */
#define PMDISK_NFIT_MEM_SAVE_FAILED	(1 << 0)
#define PMDISK_NFIT_MEM_RESTORE_FAILED	(1 << 1)
#define PMDISK_NFIT_MEM_FLUSH_FAILED	(1 << 2)
#define PMDISK_NFIT_MEM_NOT_ARMED		(1 << 3)
#define PMDISK_NFIT_MEM_HEALTH_OBSERVED	(1 << 4)
#define PMDISK_NFIT_MEM_HEALTH_ENABLED	(1 << 5)
#define PMDISK_NFIT_MEM_MAP_FAILED		(1 << 6)

/*
 * Type 4, NVDIMM control region: 32 bytes when it describes no block
 * windows, 80 when it does; pmemdisk reads only the first 32.
 *
 *   0    2    4     6      8     10    12     14     16    18 19  20     22  24     28   30      32
 *   +----+----+-----+------+-----+-----+------+------+-----+--+---+------+---+------+----+-------+...
 *   |type|len |index|vendor|devic|rev  |subven|subdev|subrv|vf|loc| date |rsv|serial|code|windows|...
 *   +----+----+-----+------+-----+-----+------+------+-----+--+---+------+---+------+----+-------+...
 *
 * Identification fields are stored in JEDEC (SPD byte) order, which Linux
 * and ndctl print as big-endian; see pmdisk_nfit_dimm_id().
 */
struct pmdisk_nfit_dcr_raw {
	struct pmdisk_nfit_sub hdr;
	__le16 region_index;
	__le16 vendor_id;
	__le16 device_id;
	__le16 revision_id;
	__le16 subsystem_vendor_id;
	__le16 subsystem_device_id;
	__le16 subsystem_revision_id;
	u8 valid_fields;
	u8 manufacturing_location;
	__le16 manufacturing_date;
	u8 reserved[2];
	__le32 serial_number;
	__le16 code;
	__le16 windows;
};
static_assert(sizeof(struct pmdisk_nfit_dcr_raw) == 32, "NFIT DCR layout");
#define PMDISK_NFIT_DCR_MFG_VALID	(1 << 0)

/*
 * Type 6, flush hint addresses: 16 bytes plus 8 per hint.
 *
 *   0    2    4      8     10         16       24
 *   +----+----+------+-----+----------+--------+--------+...
 *   |type|len |handle|count| reserved | hint 0 | hint 1 |...
 *   +----+----+------+-----+----------+--------+--------+...
 */
struct pmdisk_nfit_flush_raw {
	struct pmdisk_nfit_sub hdr;
	__le32 device_handle;
	__le16 hint_count;
	u8 reserved[6];
	/* followed by hint_count __le64 addresses */
};
static_assert(sizeof(struct pmdisk_nfit_flush_raw) == 16, "NFIT flush layout");

/*
 * Type 7, platform capabilities: 16 bytes.
 *
 *   0    2    4       5          8              12         16
 *   +----+----+-------+----------+--------------+----------+
 *   |type|len |highest| reserved | capabilities | reserved |
 *   +----+----+-------+----------+--------------+----------+
 */
struct pmdisk_nfit_caps_raw {
	struct pmdisk_nfit_sub hdr;
	u8 highest_capability;
	u8 reserved[3];
	__le32 capabilities;
	__le32 reserved2;
};
static_assert(sizeof(struct pmdisk_nfit_caps_raw) == 16, "NFIT caps layout");
#define PMDISK_NFIT_CAP_CPU_CACHE_FLUSH	(1 << 0)	/* eADR */
#define PMDISK_NFIT_CAP_MEM_CTRL_FLUSH	(1 << 1)	/* ADR */

/* Limits of one parsed table; a table beyond them is refused whole. */
#define PMDISK_NFIT_MAX_SPA	64
#define PMDISK_NFIT_MAX_MEMDEV	256
#define PMDISK_NFIT_MAX_DCR	256
#define PMDISK_NFIT_MAX_FLUSH	256
#define PMDISK_NFIT_MAX_HINTS	8	/* hints kept per DIMM (more are ignored) */
/*
 * DIMMs in one interleave set: the one limit of the driver (regions,
 * labels, disks) and of the core; the ABI's PMEMDISK_MAX_WAYS equals it
 * (checked in ctl_list.c).
 */
#define PMDISK_MAX_WAYS		16

/* The SPA range type of persistent memory, as stored (also in v1.2 labels). */
extern const u8 pmdisk_nfit_pm_guid[16];

/* SPA range flags (spa.flags): proximity_domain means something. */
#define PMDISK_NFIT_SPA_PROXIMITY_VALID	(1 << 1)

/* Parsed, CPU-order views of the structures above. */
struct pmdisk_nfit_spa {
	u16 index;
	u16 flags;
	u32 proximity_domain;
	bool is_pmem;		/* range type GUID is persistent memory */
	bool usable;		/* false: skipped (zero size, overlap, ...) */
	u64 base;
	u64 size;
	u64 memory_mapping;
};

struct pmdisk_nfit_memdev {
	u32 handle;
	u16 physical_id;
	u16 region_id;
	u16 spa_index;
	u16 dcr_index;
	u64 region_size;
	u64 region_offset;
	u64 dpa;
	u16 interleave_index;
	u16 interleave_ways;
	u16 flags;
};

struct pmdisk_nfit_dcr {
	u16 index;
	u16 vendor_id;		/* as stored; see pmdisk_nfit_dimm_id() */
	u16 device_id;
	u16 revision_id;
	u16 subsystem_vendor_id;
	u16 subsystem_device_id;
	u16 subsystem_revision_id;
	u8 valid_fields;
	u8 manufacturing_location;
	u16 manufacturing_date;
	u32 serial_number;
	u16 code;
};

struct pmdisk_nfit_flush {
	u32 handle;
	u16 nr_hints;		/* as the table says */
	u16 nr_kept;		/* at most PMDISK_NFIT_MAX_HINTS */
	u64 hints[PMDISK_NFIT_MAX_HINTS];
};

struct pmdisk_nfit {
	struct pmdisk_nfit_spa spa[PMDISK_NFIT_MAX_SPA];
	struct pmdisk_nfit_memdev memdev[PMDISK_NFIT_MAX_MEMDEV];
	struct pmdisk_nfit_dcr dcr[PMDISK_NFIT_MAX_DCR];
	struct pmdisk_nfit_flush flush[PMDISK_NFIT_MAX_FLUSH];
	unsigned int nr_spa, nr_memdev, nr_dcr, nr_flush;
	bool has_caps;
	u32 capabilities;
	unsigned int nr_notes;	/* problems reported (fatal or not) */
};

/* Where the parser says what it refused or skipped, and why. */
typedef void (*pmdisk_note_fn)(void *ctx, bool fatal, const char *msg);

/*
 * Parse @len bytes at @table. Returns 0 with @out filled, or -EINVAL when the
 * table is malformed (nothing in @out may then be used). Each problem is
 * passed to @note (may be NULL) as one sentence.
 */
int pmdisk_nfit_parse(const void *table, size_t len, struct pmdisk_nfit *out,
		   pmdisk_note_fn note, void *ctx);

/* One interleave set: a usable persistent-memory SPA range and its DIMMs. */
struct pmdisk_nfit_region {
	const struct pmdisk_nfit_spa *spa;
	unsigned int ways;
	u16 flags;		/* memdev flags of all its DIMMs, ORed */
	struct pmdisk_nfit_mapping {
		const struct pmdisk_nfit_memdev *memdev;
		const struct pmdisk_nfit_dcr *dcr;
		const struct pmdisk_nfit_flush *flush;	/* NULL: no hints */
	} map[PMDISK_MAX_WAYS];	/* in position order (region offset) */
};

/*
 * Assemble the region of @nfit->spa[@spa_i]. Returns 0, -ENOENT when that
 * range is not usable persistent memory, or -EINVAL (with a note) when its
 * DIMM maps do not describe a complete interleave set.
 */
int pmdisk_nfit_region(const struct pmdisk_nfit *nfit, unsigned int spa_i,
		    struct pmdisk_nfit_region *r, pmdisk_note_fn note, void *ctx);

/* The DIMM id string Linux/ndctl use, e.g. "8680-56341200". */
void pmdisk_nfit_dimm_id(const struct pmdisk_nfit_dcr *dcr, char *buf, size_t len);

#endif /* _PMDISK_CORE_NFIT_H */
