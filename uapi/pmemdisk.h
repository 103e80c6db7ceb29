/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * pmemdisk ioctl ABI, shared by pmemdisk.ko and pmemctl.
 *
 * All requests go to the misc device /dev/pmemdisk-ctl (mode 0600).
 *
 * Rules every structure here follows:
 *  - fixed-width __u32/__u64 fields only, no implicit padding (the driver
 *    checks each size at build time, and so does a host test);
 *  - the ABI grows at the end of a structure. A request is told apart by
 *    the type and number of its command (_IOC_TYPE, _IOC_NR; always
 *    _IOWR); the size in the command (_IOC_SIZE) is the size of the
 *    caller's structure, so a tool built with a grown structure passes
 *    _IOWR(PMEMDISK_IOC_MAGIC, nr, its struct) and the driver reads that
 *    many bytes: fewer than it knows (an older tool) are zero-extended, more
 *    (a newer tool) are accepted when the bytes it does not know are zero,
 *    else refused with E2BIG and reason PMEMDISK_REASON_BAD_SIZE. A request
 *    shorter than its @size and @reason words is refused with EINVAL;
 *  - the first field is @size: userspace sets it to sizeof(the struct it was
 *    built with), the size its command carries (else EINVAL, reason
 *    PMEMDISK_REASON_BAD_SIZE). In the reply it is the size of the struct
 *    the driver knows, and min(that, the caller's) bytes are written back;
 *  - reserved fields must be zero on input and are zero on output;
 *  - every reply carries @reason, a PMEMDISK_REASON_* code that says why a request
 *    was refused (0 on success), so a tool can print a sentence, not just an
 *    errno.
 */
#ifndef _UAPI_PMEMDISK_H
#define _UAPI_PMEMDISK_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define PMEMDISK_CTL_NAME	"pmemdisk-ctl"

/*
 * ABI version: the major changes only when an existing request changes
 * meaning; the minor grows when requests or trailing fields are added.
 */
#define PMEMDISK_ABI_MAJOR	1
#define PMEMDISK_ABI_MINOR	4	/* 1: BTT (create --btt, CHECK, CONVERT, PROGRESS) */
					/* 2: DAX modes (create mode/map/align) */
					/* 3: reasons NO_MEMORY, DISK_SETUP */
					/* 4: region flags, NUMA nodes */

/* Reason codes: why a request was refused. Keep pmemctl's table in step. */
enum pmemdisk_reason {
	PMEMDISK_REASON_NONE = 0,		/* success */
	PMEMDISK_REASON_BAD_SIZE = 1,	/* @size field is not a size we know */
	PMEMDISK_REASON_RESERVED_NONZERO = 2,/* a reserved field or flag was set */
	PMEMDISK_REASON_BAD_ENTRY_SIZE = 3,	/* list: entry_size is not ours */
	PMEMDISK_REASON_UNKNOWN_REGION = 4,	/* no region with that id */
	PMEMDISK_REASON_UNKNOWN_DISK = 5,	/* no disk with that number */
	PMEMDISK_REASON_UNKNOWN_DEVICE = 6,	/* no device (dimm) with that id */
	PMEMDISK_REASON_LABEL_LESS = 7,		/* region has no labels: init-labels first */
	PMEMDISK_REASON_LABELS_INCONSISTENT = 8,/* the region's DIMMs disagree on labels */
	PMEMDISK_REASON_NO_LABEL_AREA = 9,	/* the device has no label storage */
	PMEMDISK_REASON_LABELS_READONLY = 10,	/* firmware offers no label write */
	PMEMDISK_REASON_READONLY = 11,		/* region is read-only (DIMM not armed) */
	PMEMDISK_REASON_BAD_DISK_SIZE = 12,	/* 0, or not whole sectors */
	PMEMDISK_REASON_NO_SPACE = 13,		/* no free extent that large: see max_extent */
	PMEMDISK_REASON_BAD_SECTOR_SIZE = 14,	/* not 512 or 4096 */
	PMEMDISK_REASON_BAD_NAME = 15,		/* name not NUL-terminated in 64 bytes */
	PMEMDISK_REASON_DUPLICATE_UUID = 16,	/* a namespace with that uuid exists */
	PMEMDISK_REASON_BTT_UNSUPPORTED = 17,	/* retired: not returned since ABI 1.1 */
	PMEMDISK_REASON_DISK_OPEN = 18,		/* the disk is open or mounted */
	PMEMDISK_REASON_NO_LABEL_SLOT = 19,	/* a label area is full */
	PMEMDISK_REASON_BAD_LABEL_VERSION = 20,	/* not 1.1 or 1.2 */
	PMEMDISK_REASON_LABEL_IO = 21,		/* reading or writing labels failed */
	PMEMDISK_REASON_TOO_MANY_DISKS = 22,	/* the region's namespace table is full */
	PMEMDISK_REASON_INTERRUPTED = 23,	/* a fatal signal stopped it (convert: left raw) */
	PMEMDISK_REASON_MEDIA_IO = 24,		/* reading or writing the disk's media failed */
	PMEMDISK_REASON_NOT_BTT = 25,		/* the disk is not a BTT disk */
	PMEMDISK_REASON_TOO_SMALL_FOR_BTT = 26,	/* a BTT needs a 16 MiB namespace */
	PMEMDISK_REASON_BAD_ATOMICITY = 27,	/* not PMEMDISK_ATOMICITY_* */
	PMEMDISK_REASON_BAD_MODE = 28,		/* mode, map or align unknown or contradictory */
	PMEMDISK_REASON_DAX_UNSUPPORTED = 29,	/* region cannot be DAX (not physical pmem) */
	PMEMDISK_REASON_DAX_DISK = 30,		/* not possible on a DAX disk (remove and create) */
	PMEMDISK_REASON_NO_MEMORY = 31,		/* the kernel had no memory for it */
	PMEMDISK_REASON_DISK_SETUP = 32,	/* the disk's device could not be made (kernel log) */
	PMEMDISK_REASON_MAX
};

/**
 * struct pmemdisk_version - PMEMDISK_IOC_VERSION reply
 * @size:		in: sizeof(struct pmemdisk_version)
 * @reason:		out: PMEMDISK_REASON_*
 * @abi_major:		out: PMEMDISK_ABI_MAJOR of the running module
 * @abi_minor:		out: PMEMDISK_ABI_MINOR of the running module
 * @module_version:	out: NUL-terminated module version string
 * @kernel_release:	out: NUL-terminated release of the running kernel
 * @reserved:		must be zero
 */
struct pmemdisk_version {
	__u32 size;
	__u32 reason;
	__u32 abi_major;
	__u32 abi_minor;
	char module_version[32];
	char kernel_release[64];
	__u64 reserved[4];
};

/*
 * Listing requests (PMEMDISK_IOC_LIST_*) all take struct pmemdisk_list and
 * fill an array of entries in user memory:
 * @size:	in: sizeof(struct pmemdisk_list)
 * @reason:	out: PMEMDISK_REASON_*
 * @capacity:	in: entries the array at @entries can hold (0 to just count)
 * @total:	out: entries that exist; min(total, capacity) were written
 * @entries:	in: user address of the array
 * @entry_size:	in: sizeof one entry as the caller knows it (must match)
 * @reserved:	must be zero
 * Entries are fully written, padding and reserved fields zeroed.
 */
struct pmemdisk_list {
	__u32 size;
	__u32 reason;
	__u32 capacity;
	__u32 total;
	__u64 entries;
	__u32 entry_size;
	__u32 reserved0;
	__u64 reserved[2];
};

/* Label area state of a DIMM and of a region. */
enum pmemdisk_label_state {
	PMEMDISK_LABELS_NONE = 0,	/* the DIMM has no label area */
	PMEMDISK_LABELS_ABSENT = 1,	/* no valid index: label-less */
	PMEMDISK_LABELS_V1_1 = 2,	/* valid index, 128-byte labels */
	PMEMDISK_LABELS_V1_2 = 3,	/* valid index, 256-byte labels */
	PMEMDISK_LABELS_ERROR = 4,	/* unreadable, or DIMMs disagree */
};

/* Health of a physical device, from its NFIT state flags. */
enum pmemdisk_health {
	PMEMDISK_HEALTH_OK = 0,
	PMEMDISK_HEALTH_WARNING = 1,	/* the platform observed a health event */
	PMEMDISK_HEALTH_FAILED = 2,	/* save/restore/flush failed, not armed, unmapped */
};

/* NFIT memory device state flags, as in struct pmemdisk_dimm_info.flags. */
#define PMEMDISK_DIMM_SAVE_FAILED	(1 << 0)
#define PMEMDISK_DIMM_RESTORE_FAILED	(1 << 1)
#define PMEMDISK_DIMM_FLUSH_FAILED	(1 << 2)
#define PMEMDISK_DIMM_NOT_ARMED		(1 << 3)
#define PMEMDISK_DIMM_HEALTH_OBSERVED	(1 << 4)
#define PMEMDISK_DIMM_HEALTH_ENABLED	(1 << 5)
#define PMEMDISK_DIMM_MAP_FAILED	(1 << 6)

/* Label transports, as in struct pmemdisk_dimm_info.label_method. */
enum pmemdisk_label_method {
	PMEMDISK_LABEL_METHOD_NONE = 0,
	PMEMDISK_LABEL_METHOD_DSM = 1,	/* Intel DSM functions 4, 5, 6 */
	PMEMDISK_LABEL_METHOD_LSX = 2,	/* ACPI _LSI, _LSR, _LSW */
	PMEMDISK_LABEL_METHOD_SIM = 3,	/* simulated DIMM (RAM) */
};

#define PMEMDISK_ID_LEN		24

/** struct pmemdisk_dimm_info - one physical device (PMEMDISK_IOC_LIST_DIMMS) */
struct pmemdisk_dimm_info {
	__u32 id;			/* dimm<id> */
	__u32 handle;			/* NFIT device handle (_ADR) */
	__u16 phys_id;			/* SMBIOS type 17 handle */
	__u16 vendor_id;		/* NFIT control region fields */
	__u16 device_id;
	__u16 revision_id;
	__u16 subsystem_vendor_id;
	__u16 subsystem_device_id;
	__u16 subsystem_revision_id;
	__u16 format_code;
	__u32 serial;
	__u16 flags;			/* PMEMDISK_DIMM_* */
	__u8 health;			/* enum pmemdisk_health */
	__u8 simulated;
	__u8 label_state;		/* enum pmemdisk_label_state */
	__u8 label_method;		/* enum pmemdisk_label_method */
	__u8 labels_writable;
	__u8 reserved0;
	__u32 label_size;		/* bytes of label area, 0 if none */
	__u32 label_slots;		/* with a valid index */
	__u32 label_slots_used;
	char nfit_id[PMEMDISK_ID_LEN];	/* the id Linux and ndctl show */
	__u32 unsafe_shutdown_count;	/* the platform's, if PMEMDISK_DIMM_USC_KNOWN */
	__u8 health_info;		/* PMEMDISK_DIMM_USC_KNOWN, ... */
	__u8 reserved1[3];
	__u64 reserved[1];
};

/*
 * Bits of struct pmemdisk_dimm_info.health_info: what the DIMM's firmware
 * reported (Intel DSM SMART), where it has such a report.
 */
#define PMEMDISK_DIMM_SMART_READ	(1 << 0)	/* the firmware gave a report */
#define PMEMDISK_DIMM_USC_KNOWN		(1 << 1)	/* unsafe_shutdown_count is valid */
#define PMEMDISK_DIMM_SHUTDOWN_STATE_KNOWN (1 << 2)	/* the next bit is valid */
#define PMEMDISK_DIMM_LAST_SHUTDOWN_DIRTY (1 << 3)

/* Sources and persistence domains, as in struct pmemdisk_region_info. */
enum pmemdisk_region_source {
	PMEMDISK_SOURCE_NFIT = 0,
	PMEMDISK_SOURCE_E820 = 1,
	PMEMDISK_SOURCE_SIMULATED = 2,
};

enum pmemdisk_persistence {
	PMEMDISK_PERSIST_CPU_CACHE = 0,
	PMEMDISK_PERSIST_MEMCTRL = 1,
	PMEMDISK_PERSIST_UNKNOWN = 2,
	PMEMDISK_PERSIST_VOLATILE = 3,
};

#define PMEMDISK_MAX_WAYS	16
#define PMEMDISK_MAX_EXTENTS	8

struct pmemdisk_extent {
	__u64 offset;			/* in the region */
	__u64 size;
};

/** struct pmemdisk_region_info - one region (PMEMDISK_IOC_LIST_REGIONS) */
struct pmemdisk_region_info {
	__u32 id;			/* region<id> */
	__u8 source;			/* enum pmemdisk_region_source */
	__u8 persistence;		/* enum pmemdisk_persistence */
	__u8 readonly;			/* a DIMM is not armed */
	__u8 label_state;		/* enum pmemdisk_label_state */
	__u64 base;			/* physical address, 0 if simulated */
	__u64 size;
	__u64 available_size;		/* bytes not used by any namespace */
	__u64 max_available_extent;
	__u32 interleave_ways;
	__u32 nr_free_extents;		/* the first PMEMDISK_MAX_EXTENTS are listed */
	__u32 dimms[PMEMDISK_MAX_WAYS];	/* dimm ids, in position order */
	struct pmemdisk_extent free_extents[PMEMDISK_MAX_EXTENTS];
	__u32 nr_disks;
	__u32 flags;			/* PMEMDISK_REGION_* (ABI 1.4; 0 before) */
	__s32 numa_node;		/* with PMEMDISK_REGION_NODES: nearest */
	__s32 target_node;		/* online node, node of the memory; -1: none */
	__u64 reserved[1];
};

/* Flags of struct pmemdisk_region_info. */
#define PMEMDISK_REGION_NODES	(1 << 0)	/* numa_node, target_node are set */

#define PMEMDISK_NAME_LEN	64

enum pmemdisk_atomicity {
	PMEMDISK_ATOMICITY_NONE = 0,	/* raw */
	PMEMDISK_ATOMICITY_BTT = 1,	/* BTT: every sector write is atomic */
};

/*
 * What a disk is. raw and btt are block devices; fsdax is a block device
 * whose pages the kernel can map (mount -o dax, MAP_SYNC); devdax is the
 * character device /dev/pmemdax<N>, whose mmap maps the pmem itself. The
 * DAX modes keep an info block at 4 KiB, as Linux's fsdax and devdax
 * namespaces do, and their data starts after it (and the page map).
 */
enum pmemdisk_mode {
	PMEMDISK_MODE_DEFAULT = 0,	/* create: raw, or btt with PMEMDISK_CREATE_BTT */
	PMEMDISK_MODE_RAW = 1,
	PMEMDISK_MODE_BTT = 2,
	PMEMDISK_MODE_FSDAX = 3,
	PMEMDISK_MODE_DEVDAX = 4,
};

/* Where the struct pages of a DAX disk live (Linux's --map). */
enum pmemdisk_map {
	PMEMDISK_MAP_DEFAULT = 0,	/* create: dev */
	PMEMDISK_MAP_MEM = 1,		/* in RAM: 64 bytes per 4 KiB page */
	PMEMDISK_MAP_DEV = 2,		/* on the disk, before its data */
};

/*
 * DAX disks start at a multiple of this in physical memory, and are sized in
 * it, on regions of 1, 2, 4 or 8 devices: PMEMDISK_ALIGN_PER_DIMM x
 * lcm(devices, 8) in general.
 */
#define PMEMDISK_DAX_ALIGN		(16ULL << 20)

/** struct pmemdisk_disk_info - one disk (PMEMDISK_IOC_LIST_DISKS) */
struct pmemdisk_disk_info {
	__u32 number;			/* /dev/pmemdisk<number> */
	__u32 region;			/* region id */
	__u64 offset;			/* in the region */
	__u64 size;			/* bytes */
	__u32 sector_size;
	__u8 atomicity;			/* enum pmemdisk_atomicity */
	__u8 has_uuid;			/* label-less disks have none */
	__u8 readonly;
	__u8 open;			/* opened or mounted: cannot be removed */
	__u8 uuid[16];
	char name[PMEMDISK_NAME_LEN + 1];	/* NUL-terminated */
	__u8 dirty_shutdowns_known;	/* the next field is counted */
	__u8 mode;			/* enum pmemdisk_mode */
	__u8 map;			/* DAX modes: enum pmemdisk_map */
	__u8 reserved1[4];
	__u32 dirty_shutdowns;		/* pmemdisk's own unsafe shutdown count */
	__u32 dax_align;		/* DAX modes: mapping alignment in bytes */
	__u64 reserved[1];
};

/* Flags of struct pmemdisk_create. */
#define PMEMDISK_CREATE_DRY_RUN		(1 << 0)	/* validate and place, change nothing */
#define PMEMDISK_CREATE_BTT		(1 << 1)	/* atomicity btt: atomic sector writes */
#define PMEMDISK_CREATE_FLAGS		(PMEMDISK_CREATE_DRY_RUN | PMEMDISK_CREATE_BTT)

/* Disks are placed and sized in multiples of this per DIMM of the region. */
#define PMEMDISK_ALIGN_PER_DIMM		(2ULL << 20)

/**
 * struct pmemdisk_create - PMEMDISK_IOC_CREATE: a new disk on a labelled region
 * @size:		in: sizeof(struct pmemdisk_create)
 * @reason:		out: PMEMDISK_REASON_*
 * @region:		in: region id
 * @flags:		in: PMEMDISK_CREATE_*
 * @disk_size:		in: usable bytes wanted, a multiple of @sector_size;
 *			rounded up to the alignment
 *			(a BTT disk's namespace is made large enough to hold
 *			its metadata too)
 * @sector_size:	in: 512 or 4096
 * @number:		out: N of /dev/pmemdiskN (not set by a dry run)
 * @uuid:		in: the namespace uuid; all zero: pick a random one.
 *			out: the uuid used
 * @name:		in: NUL-terminated, may be empty
 * @actual_size:	out: the usable size the disk has (or would have)
 * @offset:		out: where it lies (or would lie) in the region
 * @max_extent:		out: the largest free extent (set on NO_SPACE too)
 * @mode:		in: enum pmemdisk_mode (0: raw, or btt with the BTT flag)
 * @map:		in: fsdax and devdax: enum pmemdisk_map (0: dev)
 * @align:		in: devdax: 4 KiB, 2 MiB or 1 GiB, the page size its
 *			mmap uses (0: 2 MiB); fsdax: 0 or 2 MiB; others: 0.
 *			A DAX disk starts PMEMDISK_DAX_ALIGN-aligned in physical
 *			memory, and its namespace is a multiple of that, large
 *			enough for its info block, page map and @disk_size, and
 *			ending on an @align boundary: grown, never truncated
 * @reserved:		must be zero
 */
struct pmemdisk_create {
	__u32 size;
	__u32 reason;
	__u32 region;
	__u32 flags;
	__u64 disk_size;
	__u32 sector_size;
	__u32 number;
	__u8 uuid[16];
	char name[PMEMDISK_NAME_LEN];
	__u64 actual_size;
	__u64 offset;
	__u64 max_extent;
	__u8 mode;
	__u8 map;
	__u16 reserved0;
	__u32 align;
	__u64 reserved[3];
};

/**
 * struct pmemdisk_remove - PMEMDISK_IOC_REMOVE: delete a disk's labels, then
 * wipe its first 8 KiB. Refused with EBUSY while the disk is open or mounted.
 * @size, @reason:	as everywhere
 * @number:		in: N of /dev/pmemdiskN
 * @flags:		in: must be zero
 * @reserved:		must be zero
 */
struct pmemdisk_remove {
	__u32 size;
	__u32 reason;
	__u32 number;
	__u32 flags;
	__u64 reserved[4];
};

/**
 * struct pmemdisk_init_labels - PMEMDISK_IOC_INIT_LABELS: write an empty
 * label index to a device. Every disk on its regions goes away (their data
 * stays on the media but is no longer described); refused with EBUSY while
 * any of them is open.
 * @size, @reason:	as everywhere
 * @device:		in: device (dimm) id
 * @version:		in: 0x0101 for v1.1 (128-byte labels), 0x0102 for v1.2
 * @flags:		in: must be zero
 * @reserved0:		must be zero
 * @disks_removed:	out: how many disks went away
 * @reserved:		must be zero
 */
struct pmemdisk_init_labels {
	__u32 size;
	__u32 reason;
	__u32 device;
	__u16 version;
	__u16 flags;
	__u32 reserved0;
	__u32 disks_removed;
	__u64 reserved[4];
};

/**
 * struct pmemdisk_reset_id - PMEMDISK_IOC_RESET_ID: give a disk a new uuid
 * (Set-VHD -ResetDiskIdentifier). Refused while the disk is open. New labels
 * are written on every device before the old ones are deleted, so a power
 * cut leaves the disk under its old or its new uuid.
 * @size, @reason:	as everywhere
 * @number:		in: N of /dev/pmemdiskN
 * @flags:		in: must be zero
 * @uuid:		in: the new uuid; all zero: a random one. out: the uuid set
 * @reserved:		must be zero
 */
struct pmemdisk_reset_id {
	__u32 size;
	__u32 reason;
	__u32 number;
	__u32 flags;
	__u8 uuid[16];
	__u64 reserved[4];
};

/**
 * struct pmemdisk_read_labels - PMEMDISK_IOC_READ_LABELS: the raw bytes of a
 * device's label storage area, for diagnosis (pmemctl read-labels decodes
 * them).
 * @size, @reason:	as everywhere
 * @device:		in: device (dimm) id
 * @area_size:		out: bytes in the label area
 * @buffer:		in: user address to copy to
 * @buffer_size:	in: bytes there; min(buffer_size, area_size) are copied
 * @reserved:		must be zero
 */
struct pmemdisk_read_labels {
	__u32 size;
	__u32 reason;
	__u32 device;
	__u32 area_size;
	__u64 buffer;
	__u64 buffer_size;
	__u64 reserved[2];
};

/* Flags of struct pmemdisk_check. */
#define PMEMDISK_CHECK_REPAIR		(1 << 0)	/* fix what can be fixed */

/**
 * struct pmemdisk_check - PMEMDISK_IOC_CHECK: check a BTT disk's metadata:
 * each arena's info block against its backup, the log's sequence numbers,
 * and that map and log name every internal block exactly once. The disk
 * must not be open; it is taken offline meanwhile and comes back with the
 * same number. With PMEMDISK_CHECK_REPAIR, a damaged info block is restored
 * from a valid backup (or the backup from the primary) and a log in the old
 * (0,2) layout is rewritten in the (0,1) one. Details go to the kernel log.
 * @size, @reason:	as everywhere
 * @number:		in: N of /dev/pmemdiskN
 * @flags:		in: PMEMDISK_CHECK_*
 * @consistent:		out: 1 when nothing is wrong (after any repair)
 * @arenas ... @map_bad: out: what was found (repaired: structures rewritten)
 * @reserved:		must be zero
 */
struct pmemdisk_check {
	__u32 size;
	__u32 reason;
	__u32 number;
	__u32 flags;
	__u32 consistent;
	__u32 arenas;
	__u32 info_bad;
	__u32 info2_bad;
	__u32 info_mismatch;
	__u32 flog_bad;
	__u32 old_flog_layout;
	__u32 repaired;
	__u64 blocks_missing;
	__u64 blocks_duplicate;
	__u64 map_bad;
	__u64 reserved[4];
};

/**
 * struct pmemdisk_convert - PMEMDISK_IOC_CONVERT: reformat a disk as raw or
 * BTT, keeping its namespace (place, uuid, name) and its number. ALL DATA
 * ON IT IS LOST. Refused while the disk is open. To BTT: the BTT is laid out
 * first, then the labels say so (v1.2: BTT2 abstraction GUID); to raw: the
 * labels first, then every BTT info block is wiped.
 * @size, @reason:	as everywhere
 * @number:		in: N of /dev/pmemdiskN
 * @atomicity:		in: enum pmemdisk_atomicity
 * @sector_size:	in: 512 or 4096 (a label-less raw disk: 512)
 * @flags:		in: must be zero
 * @actual_size:	out: the usable size afterwards
 * @reserved:		must be zero
 */
struct pmemdisk_convert {
	__u32 size;
	__u32 reason;
	__u32 number;
	__u32 atomicity;
	__u32 sector_size;
	__u32 flags;
	__u64 actual_size;
	__u64 reserved[4];
};

/**
 * struct pmemdisk_progress - PMEMDISK_IOC_PROGRESS: how far the long
 * operation running now (BTT format or check) has got; no privilege needed.
 * @size, @reason:	as everywhere
 * @done, @total:	out: units done and to do; total 0 when none runs
 * @reserved:		must be zero
 */
struct pmemdisk_progress {
	__u32 size;
	__u32 reason;
	__u64 done;
	__u64 total;
	__u64 reserved[2];
};

#define PMEMDISK_LABEL_VERSION_1_1	0x0101
#define PMEMDISK_LABEL_VERSION_1_2	0x0102

#define PMEMDISK_IOC_MAGIC	0xD7
#define PMEMDISK_IOC_VERSION	_IOWR(PMEMDISK_IOC_MAGIC, 0x00, struct pmemdisk_version)
#define PMEMDISK_IOC_LIST_DIMMS	_IOWR(PMEMDISK_IOC_MAGIC, 0x01, struct pmemdisk_list)
#define PMEMDISK_IOC_LIST_REGIONS _IOWR(PMEMDISK_IOC_MAGIC, 0x02, struct pmemdisk_list)
#define PMEMDISK_IOC_LIST_DISKS	_IOWR(PMEMDISK_IOC_MAGIC, 0x03, struct pmemdisk_list)
#define PMEMDISK_IOC_CREATE	_IOWR(PMEMDISK_IOC_MAGIC, 0x10, struct pmemdisk_create)
#define PMEMDISK_IOC_REMOVE	_IOWR(PMEMDISK_IOC_MAGIC, 0x11, struct pmemdisk_remove)
#define PMEMDISK_IOC_INIT_LABELS _IOWR(PMEMDISK_IOC_MAGIC, 0x12, struct pmemdisk_init_labels)
#define PMEMDISK_IOC_RESET_ID	_IOWR(PMEMDISK_IOC_MAGIC, 0x13, struct pmemdisk_reset_id)
#define PMEMDISK_IOC_READ_LABELS _IOWR(PMEMDISK_IOC_MAGIC, 0x04, struct pmemdisk_read_labels)
#define PMEMDISK_IOC_CHECK	_IOWR(PMEMDISK_IOC_MAGIC, 0x14, struct pmemdisk_check)
#define PMEMDISK_IOC_CONVERT	_IOWR(PMEMDISK_IOC_MAGIC, 0x15, struct pmemdisk_convert)
#define PMEMDISK_IOC_PROGRESS	_IOWR(PMEMDISK_IOC_MAGIC, 0x05, struct pmemdisk_progress)

#endif /* _UAPI_PMEMDISK_H */
