/* SPDX-License-Identifier: GPL-2.0 */
/*
 * BTT, the Block Translation Table (UEFI 2.7 chapter 6; Linux nd_btt): atomic
 * sector writes on byte-addressable media.
 *
 * A BTT never overwrites a sector in place. Each write goes to a free block,
 * then a per-lane log entry (the "flog") records the switch, then the map
 * points the sector at the new block and the old block becomes the lane's
 * next free block. A power cut leaves the map pointing at the whole old or
 * the whole new block; the flog lets load roll an unfinished switch forward.
 *
 * This is the portable core: it builds unchanged into pmemdisk.ko and into
 * the host tests, and does all media I/O through struct pmdisk_media.
 *
 * Layout of a BTT on a namespace (offsets in the namespace):
 *
 *   0 or 4K  start: 0 for version 2.0 (v1.2 labels, BTT2 GUID), 4 KiB for 1.1
 *   |
 *   v  arena 0 (<= 512 GiB)                                     arena 1 ...
 *   +------+------------------------------+-------+------+-------+---------
 *   | info | data: internal_nlba blocks   | map   | flog | info2 | info ...
 *   | 4K   | of internal_lbasize bytes    | 4B per| 64B  | 4K    |
 *   |      |                              | ext.  | per  |backup |
 *   |      |                              | LBA   | lane |       |
 *   +------+------------------------------+-------+------+-------+---------
 *   ^ every offset in an info block is relative to the info block itself;
 *     map, flog and info2 are each rounded up to 4 KiB.
 */
#ifndef _PMDISK_CORE_BTT_H
#define _PMDISK_CORE_BTT_H

#include "compat.h"
#include "media.h"

#define PMDISK_BTT_SIG			"BTT_ARENA_INFO"
#define PMDISK_BTT_SIG_LEN		16
#define PMDISK_BTT_INFO_SIZE		4096U
#define PMDISK_BTT_PAGE			4096U	/* every structure is aligned to it */
#define PMDISK_BTT_NFREE		256U	/* free blocks = lanes; Linux refuses fewer */
#define PMDISK_BTT_NFREE_MAX		4096U	/* more is hostile: each is read at load */
#define PMDISK_BTT_ARENA_MAX		(512ULL << 30)
#define PMDISK_BTT_ARENA_MIN		(16ULL << 20)
#define PMDISK_BTT_LBASIZE_ALIGN	64U	/* internal LBA size, as Linux rounds it */

/* Where the first info block lies, by version (see the table in btt.c). */
#define PMDISK_BTT_START_V1_1		4096ULL
#define PMDISK_BTT_START_V2_0		0ULL

/*
 * struct pmdisk_btt_info - the 4 KiB info block at the start of each arena
 * and its backup, info2, in the arena's last 4 KiB. Little-endian.
 *
 *   0  sig[16]   "BTT_ARENA_INFO\0\0"
 *  16  uuid[16]  this BTT          32 parent_uuid[16]  namespace uuid or zero
 *  48  flags     52 major 54 minor 56 external_lbasize 60 external_nlba
 *  64  internal_lbasize 68 internal_nlba 72 nfree 76 infosize (4096)
 *  80  nextoff   88 dataoff  96 mapoff  104 logoff  112 info2off
 * 120  padding[3968]                                  4088 checksum
 */
struct pmdisk_btt_info {
	u8 sig[PMDISK_BTT_SIG_LEN];
	u8 uuid[16];
	u8 parent_uuid[16];
	__le32 flags;
	__le16 version_major;
	__le16 version_minor;
	__le32 external_lbasize;
	__le32 external_nlba;
	__le32 internal_lbasize;
	__le32 internal_nlba;
	__le32 nfree;
	__le32 infosize;
	__le64 nextoff;
	__le64 dataoff;
	__le64 mapoff;
	__le64 logoff;
	__le64 info2off;
	u8 padding[3968];
	__le64 checksum;	/* Fletcher-64 of the block with this field zero */
};
static_assert(sizeof(struct pmdisk_btt_info) == PMDISK_BTT_INFO_SIZE, "BTT info size");
static_assert(offsetof(struct pmdisk_btt_info, nextoff) == 80, "BTT info nextoff");
static_assert(offsetof(struct pmdisk_btt_info, checksum) == 4088, "BTT info checksum");

#define PMDISK_BTT_INFO_FLAG_ERROR	0x1	/* the arena is unusable */

/*
 * Map entries: 4 bytes per external LBA, little-endian.
 *
 *   31  30  29 ........................ 0
 *  +---+---+----------------------------+
 *  | Z | E |  post-map internal block   |
 *  +---+---+----------------------------+
 *   0   0   never written: the block is the LBA itself (identity)
 *   0   1   error: reads fail with EIO until the sector is written
 *   1   0   zero: reads return zeroes (discard); the block stays owned
 *   1   1   normal: every write leaves this
 */
#define PMDISK_BTT_MAP_Z		0x80000000U
#define PMDISK_BTT_MAP_E		0x40000000U
#define PMDISK_BTT_MAP_NORMAL		(PMDISK_BTT_MAP_Z | PMDISK_BTT_MAP_E)
#define PMDISK_BTT_MAP_BLOCK		0x3fffffffU

/*
 * struct pmdisk_btt_flog - one log entry. A lane's log group has four 16-byte
 * slots of which two are live: (0,1) as UEFI and Linux >= 4.15 write, or
 * (0,2) as older Linux did; the others are zero padding. seq cycles
 * 1 -> 2 -> 3 -> 1 (0 = never used); the newer of the two live entries is
 * the lane's last switch, and its old_map is the lane's free block.
 *
 *   0 lba   4 old_map   8 new_map   12 seq
 *   \__ written first __/\__ one 8-byte store, last __/
 */
struct pmdisk_btt_flog {
	__le32 lba;
	__le32 old_map;
	__le32 new_map;
	__le32 seq;
};
static_assert(sizeof(struct pmdisk_btt_flog) == 16, "BTT flog entry size");

#define PMDISK_BTT_FLOG_SLOTS		4
#define PMDISK_BTT_FLOG_GROUP		(PMDISK_BTT_FLOG_SLOTS * sizeof(struct pmdisk_btt_flog))

/* One arena's geometry: what an info block says, with absolute offsets. */
struct pmdisk_btt_geo {
	u64 off;		/* of the info block in the medium */
	u64 nextoff;		/* from this info block to the next; 0: last */
	u32 external_lbasize;
	u32 internal_lbasize;
	u32 internal_nlba;
	u32 external_nlba;
	u32 nfree;
	u64 dataoff, mapoff, logoff, info2off;	/* absolute */
};

/*
 * The arenas Linux would lay out on @rawsize bytes starting at @start for
 * sectors of @lbasize, written to @geo (at most @max). Returns the number of
 * arenas, 0 when @rawsize is below the 16 MiB minimum, or -EINVAL.
 */
int pmdisk_btt_layout(u64 start, u64 rawsize, u32 lbasize,
		      struct pmdisk_btt_geo *geo, unsigned int max);
/* Sectors a BTT over @rawsize bytes from @start exports (0: too small). */
u64 pmdisk_btt_nlba(u64 start, u64 rawsize, u32 lbasize);

/* What a BTT must be, or is: the caller's identity of it. */
struct pmdisk_btt_id {
	u64 start;		/* PMDISK_BTT_START_V1_1 or _V2_0 */
	u16 version_major;	/* 1 or 2 */
	u16 version_minor;	/* 1 or 0 */
	u8 uuid[16];		/* of the BTT (format: chosen by the caller) */
	u8 parent_uuid[16];	/* the namespace's, or zero when label-less */
	/*
	 * Labels say this namespace is a BTT, so a backup info block may stand
	 * in for a primary that lost even its signature. Without this, only a
	 * primary that still carries the signature is replaced by its backup:
	 * a raw namespace whose start was overwritten is not a BTT any more.
	 */
	bool claimed;
};

/* The version a BTT at @start has: 1.1 at 4 KiB, 2.0 at 0. */
void pmdisk_btt_id_for_start(struct pmdisk_btt_id *id, u64 start);

/*
 * Progress of a long operation (format, check): @done of @total units.
 * Returning non-zero cancels it (format then leaves no valid BTT).
 */
typedef int (*pmdisk_btt_progress_fn)(void *ctx, u64 done, u64 total);
/* A message about the media for a person, e.g. "arena 1: bad checksum". */
typedef void (*pmdisk_btt_note_fn)(void *ctx, const char *msg);

/*
 * Lay out a fresh BTT on all of @m from id->start, sectors of @lbasize (512
 * or 4096): every arena's map zeroed (identity), its flog in the initial
 * state, info2 then info, whose signature goes last. Arena 0's primary
 * info block is invalidated first and written last, so an interrupted
 * format leaves no valid BTT, nor a primary with a signature and a bad
 * checksum (which Linux, reading only the primary, would call no BTT).
 */
int pmdisk_btt_format(struct pmdisk_media *m, const struct pmdisk_btt_id *id,
		      u32 lbasize, pmdisk_btt_progress_fn progress, void *ctx);

/* A lane's free block and where its next log entry goes. */
struct pmdisk_btt_lane_free {
	u32 block;		/* internal block to write next */
	u8 sub;			/* 0/1: which live slot the next entry overwrites */
	u8 seq;			/* sequence number of the next entry */
	u8 slot[2];		/* the live slots: (0,1), or (0,2) on old media */
};

/*
 * A loaded arena. Lanes are indices 0..nlanes-1; a caller holds a lane
 * exclusively for one read or write. The read-tracking table (rtt) has one
 * slot per lane: the block a reader on that lane is copying, so a writer
 * never reuses a block still being read.
 */
struct pmdisk_btt_arena {
	struct pmdisk_btt_geo geo;
	u64 first_lba;		/* external LBA of this arena's sector 0 */
	u8 log_index[2];	/* live flog slots: (0,1) or (0,2) */
	bool readonly;		/* info block error flag set */
	struct pmdisk_btt_lane_free *free;	/* [nlanes] */
	u32 *rtt;				/* [nlanes] */
	struct pmdisk_lock *map_locks;		/* [PMDISK_BTT_MAP_LOCKS] */
};

#define PMDISK_BTT_MAP_LOCKS		256U
#define PMDISK_BTT_RTT_VALID		0x80000000U

struct pmdisk_btt {
	struct pmdisk_media *media;
	struct pmdisk_btt_id id;	/* as found on media */
	u32 lbasize;			/* external sector size: 512 or 4096 */
	u64 nlba;			/* sectors in all arenas */
	unsigned int nlanes;		/* = nfree of every arena */
	unsigned int lanes_used;	/* callers use lanes below this */
	unsigned int narenas;
	bool used_backup;		/* arena 0's info came from info2 */
	struct pmdisk_btt_arena *arenas;
};

/*
 * Find and load the BTT @want describes on @m: validate every info block
 * (signature, version, parent uuid zero or equal, checksum, every size and
 * offset), find the flog layout, rebuild each lane's free block, and roll
 * forward a switch a power cut interrupted (the flog entry landed, the map
 * update did not). A primary info block that fails validation is replaced
 * in memory by a valid backup (noted; `check --repair` rewrites it).
 *
 * Returns 0, -ENOENT when no BTT is there (no valid info block for arena
 * 0), -EUCLEAN when one is there but damaged beyond use (@note says why),
 * -ENOMEM or a media error.
 */
int pmdisk_btt_load(struct pmdisk_btt *btt, struct pmdisk_media *m,
		    const struct pmdisk_btt_id *want, pmdisk_btt_note_fn note,
		    void *ctx);

/*
 * Callers will only ever use lanes 0..@n-1 (all nlanes after a load), so a
 * writer checks only those lanes' read-tracking slots for a reader of the
 * block it reuses: one per CPU rather than nfree (256), which is what Linux
 * scans on every write. The other lanes' free blocks stay reserved, as the
 * on-media log has them. Call before any read or write.
 */
void pmdisk_btt_use_lanes(struct pmdisk_btt *btt, unsigned int n);
void pmdisk_btt_release(struct pmdisk_btt *btt);

/*
 * One sector of lbasize bytes. The caller holds @lane exclusively (no other
 * read or write uses it until this returns) and may run on any CPU.
 * Reads of a discarded sector give zeroes; of a sector in the error state,
 * -EIO. A write is atomic across power cuts. pmdisk_btt_write() returns
 * with the switch durable.
 */
int pmdisk_btt_read(struct pmdisk_btt *btt, unsigned int lane, u64 lba, void *buf);
int pmdisk_btt_write(struct pmdisk_btt *btt, unsigned int lane, u64 lba,
		     const void *buf);
/* Discard: the sector reads as zeroes until written (map Z state). */
int pmdisk_btt_discard(struct pmdisk_btt *btt, u64 lba);
#ifndef __KERNEL__
/*
 * Mark a sector unreadable until written (map E state): how the host tests
 * and fuzzers put a BTT in that state. The module has no caller (it learns
 * of bad media through badblocks, not the map), so it is not built there.
 */
int pmdisk_btt_set_error(struct pmdisk_btt *btt, u64 lba);
#endif

/*
 * Give the BTT @want describes a new parent uuid (a namespace's uuid
 * changed): every arena's info2, then info, is rewritten. Pass a zero
 * @parent first, change the labels, then pass the new uuid: Linux and we
 * accept a zero parent under any namespace uuid, so a power cut anywhere
 * leaves a BTT its namespace accepts. Returns 0 or an error.
 */
int pmdisk_btt_set_parent(struct pmdisk_media *m, const struct pmdisk_btt_id *want,
			  const u8 parent[16]);

/* What a check found. Counts are summed over all arenas. */
struct pmdisk_btt_check_report {
	u32 arenas;
	u32 info_bad;		/* primary info blocks that fail validation */
	u32 info2_bad;		/* backups that fail validation */
	u32 info_mismatch;	/* valid pairs that differ */
	u32 flog_bad;		/* lanes whose log entries make no sense */
	u32 old_flog_layout;	/* arenas with the pre-4.15 (0,2) flog slots */
	u64 blocks_missing;	/* internal blocks neither mapped nor free */
	u64 blocks_duplicate;	/* internal blocks used twice */
	u64 map_bad;		/* map entries pointing outside the arena */
	u32 repaired;		/* structures rewritten by a repair */
	/* what the arenas checked export, as a load would find it */
	u64 nlba;		/* sectors, summed over the arenas */
	u32 lbasize;		/* their size: arena 0's */
};

/*
 * Check the BTT @want describes on @m, which nobody else may use meanwhile:
 * each arena's info block against its backup, the flog's sequence numbers,
 * and that map and flog together name every internal block exactly once.
 * With @repair, a damaged info block is restored from a valid backup (and a
 * damaged backup from a valid primary) and a (0,2) flog is rewritten in the
 * (0,1) layout. Returns 0 when consistent (after any repair), -EUCLEAN when
 * not, -ENOENT when no BTT is there, or another error.
 */
int pmdisk_btt_check(struct pmdisk_media *m, const struct pmdisk_btt_id *want,
		     bool repair, struct pmdisk_btt_check_report *report,
		     pmdisk_btt_note_fn note, pmdisk_btt_progress_fn progress,
		     void *ctx);

#endif /* _PMDISK_CORE_BTT_H */
