/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Dirty-shutdown records: for each disk, "was it attached when the machine
 * went down?", kept on the disk's DIMMs, so that platforms with no unsafe
 * shutdown count of their own (QEMU and most VMs, e820 and memmap= pmem)
 * still learn of every shutdown that did not detach the disk cleanly.
 *
 * A record is marked attached before its disk takes I/O and cleared when the
 * disk is detached cleanly (module unload, disk removal, an orderly reboot or
 * power-off). Finding it still marked at the next attach means the system
 * went down in between without detaching: a crash, a power cut, a killed VM.
 * The record's count then goes up. It counts software-visible unclean
 * detaches, not the platform's failures to flush (that is the DIMM's own
 * unsafe shutdown count, read from its firmware where it has one).
 *
 * Where: the last PMDISK_DSTATE_SIZE bytes of the DIMM's label storage area,
 * outside every label slot. When pmemdisk writes a fresh label index it gives
 * the index fewer slots than would fit (nslot only has to fit; Linux keeps an
 * index's nslot when it updates labels), leaving the tail free. A label area
 * initialised by another tool has slots up to its end: there is no room, and
 * its disks' counts are unknown. No label field or reserved byte is used.
 *
 *   lsa size - 4096                  lsa size - 2048                lsa size
 *   +--------------------------------+--------------------------------+
 *   |             copy 0             |             copy 1             |
 *   +--------------------------------+--------------------------------+
 *
 * An update writes the copy that is not current with the next sequence
 * number, then persists: a torn copy fails its checksum and the other one,
 * the state before the update, stays current.
 *
 * A copy: a 32-byte header, then nrec records of 32 bytes:
 *
 *   0         8       16     20       24         32
 *   +---------+-------+------+--------+----------+--------------------
 *   |   sig   |  seq  | nrec |reserved| checksum | records[nrec] ...
 *   +---------+-------+------+--------+----------+--------------------
 *
 *   record:
 *   0                16      20      24       28         32
 *   +----------------+-------+-------+--------+----------+
 *   |  disk uuid     | count | flags | number | reserved |
 *   +----------------+-------+-------+--------+----------+
 *
 * number is N + 1 for /dev/pmemdisk<N>, 0 for none: the number the disk had
 * when it was last attached, which the next load gives it again.
 *
 * The checksum is Fletcher-64 over the whole copy with the field zeroed;
 * bytes after the last record are zero.
 *
 * Part of the portable core: builds into pmemdisk.ko and into host tests.
 */
#ifndef _PMDISK_CORE_DSTATE_H
#define _PMDISK_CORE_DSTATE_H

#include "media.h"

struct pmdisk_lsa;

#define PMDISK_DSTATE_SIZE	4096U
/* Label areas from this size on get the records: at most 1/16 of them. */
#define PMDISK_DSTATE_MIN_LSA	(64U << 10)
#define PMDISK_DSTATE_COPY	(PMDISK_DSTATE_SIZE / 2)

/* The tail a fresh index of a @lsa_size-byte label area leaves for them. */
static inline u32 pmdisk_dstate_tail(u64 lsa_size)
{
	return lsa_size >= PMDISK_DSTATE_MIN_LSA ? PMDISK_DSTATE_SIZE : 0;
}
#define PMDISK_DSTATE_SIG	"PMDSTAT1"	/* 8 bytes, no NUL */

struct pmdisk_dstate_header {
	u8 sig[8];
	__le64 seq;
	__le32 nrec;
	__le32 reserved;
	__le64 checksum;
};
static_assert(sizeof(struct pmdisk_dstate_header) == 32, "dirty-shutdown header layout");

struct pmdisk_dstate_record {
	u8 uuid[16];
	__le32 count;		/* unclean detaches seen */
	__le32 flags;		/* PMDISK_DSTATE_ATTACHED */
	__le32 number;		/* N + 1 of /dev/pmemdisk<N>; 0: none */
	u8 reserved[4];
};
static_assert(sizeof(struct pmdisk_dstate_record) == 32, "dirty-shutdown record layout");

#define PMDISK_DSTATE_ATTACHED	0x1

#define PMDISK_DSTATE_MAX_RECS	((PMDISK_DSTATE_COPY - sizeof(struct pmdisk_dstate_header)) / \
				 sizeof(struct pmdisk_dstate_record))

/* One DIMM's records, in memory. */
struct pmdisk_dstate {
	struct pmdisk_media *media;	/* the label storage area */
	u64 off;			/* where copy 0 starts */
	u64 seq;			/* of the current copy; 0: neither is valid */
	unsigned int cur;		/* the current copy: 0 or 1 */
	unsigned int nr;
	struct pmdisk_dstate_entry {
		u8 uuid[16];
		u32 count;
		bool attached;
		u32 number;		/* N + 1, or 0 */
	} rec[PMDISK_DSTATE_MAX_RECS];
};

/*
 * Where the records of the label area @lsa (loaded) would be: 0 and *@off
 * when its index leaves the tail outside every slot, -ENOSPC when slots
 * reach into it.
 */
int pmdisk_dstate_locate(const struct pmdisk_lsa *lsa, u64 *off);

/*
 * Read the records at @off of @media. Returns 0 (with no records when
 * neither copy is valid: a tail never written), or an error of the medium.
 */
int pmdisk_dstate_load(struct pmdisk_dstate *ds, struct pmdisk_media *media,
		       u64 off);

/*
 * Forget every record and write that, with both copies: what a fresh label
 * index starts with, so no record of an earlier life of the area survives.
 */
int pmdisk_dstate_format(struct pmdisk_dstate *ds, struct pmdisk_media *media,
			 u64 off);

/* Write the records in memory as the next copy, and persist it. */
int pmdisk_dstate_store(struct pmdisk_dstate *ds);

/*
 * Mark @uuid attached, in memory. A record already marked attached means
 * the last attach never ended cleanly: its count goes up and true is
 * returned. A disk with no record gets one at count 0; -ENOSPC when the
 * table is full of attached disks (a clean one is dropped to make room).
 * @count gets the disk's count.
 */
int pmdisk_dstate_attach(struct pmdisk_dstate *ds, const u8 *uuid,
			 u32 *count, bool *was_dirty);
/* Whether pmdisk_dstate_attach(@uuid) would find room. */
bool pmdisk_dstate_room(const struct pmdisk_dstate *ds, const u8 *uuid);
/* Mark @uuid cleanly detached, in memory; false when it has no record. */
bool pmdisk_dstate_detach(struct pmdisk_dstate *ds, const u8 *uuid);
/* Drop @uuid's record, in memory (its disk is gone or new). */
bool pmdisk_dstate_forget(struct pmdisk_dstate *ds, const u8 *uuid);
/*
 * The disk number recorded for @uuid: true and *@number when there is one.
 * pmdisk_dstate_set_number() records it (in memory) for an existing record.
 */
bool pmdisk_dstate_number(const struct pmdisk_dstate *ds, const u8 *uuid,
			  u32 *number);
void pmdisk_dstate_set_number(struct pmdisk_dstate *ds, const u8 *uuid,
			      u32 number);
/* @old's record becomes @new's (a disk's uuid changed), in memory. */
bool pmdisk_dstate_rename(struct pmdisk_dstate *ds, const u8 *old, const u8 *new);

#endif /* _PMDISK_CORE_DSTATE_H */
