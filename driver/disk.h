/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Disks: /dev/pmemdisk<N>, a byte range of a region exposed as a block
 * device; what one is, and its lifetime (disk.c).
 */
#ifndef _PMDISK_DISK_H
#define _PMDISK_DISK_H

#include <linux/badblocks.h>
#include <linux/list.h>
#include <linux/types.h>
#include <linux/uuid.h>

#include "core/nfit.h"
#include "core/pfn.h"
#include "core/provision.h"

struct gendisk;
struct pmdisk_region;

/* What a disk is: where it lies and, for a namespace, who it is. */
struct pmdisk_disk_desc {
	unsigned int number;		/* N in /dev/pmemdisk<N> */
	u64 offset;			/* of the disk's data in the region */
	u64 size;			/* bytes */
	unsigned int sector_size;	/* 512 or 4096 */
	bool has_uuid;			/* label-less disks have none */
	uuid_t uuid;
	char name[65];
	u32 slot[PMDISK_MAX_WAYS];	/* its label's slot on each DIMM */
	/*
	 * BTT when the labels say so (a BTT must be found at btt_start);
	 * NONE still probes for a BTT 1.1 at 4 KiB, as Linux does for
	 * namespaces without a claim, and becomes BTT when one is there.
	 */
	enum pmdisk_atomicity atomicity;
	u64 btt_start;			/* PMDISK_BTT_START_V1_1 or _V2_0 */
	bool btt_claimed;		/* the labels' abstraction GUID says BTT */
	/*
	 * fsdax or devdax when the labels say so (an info block of that
	 * kind must be found at 4 KiB); unclaimed namespaces that are not
	 * BTTs are probed for one too, as Linux does.
	 */
	bool dax_claimed;
	enum pmdisk_pfn_kind dax_kind;	/* when claimed */
};

struct pmdisk_btt_disk;
struct pmdisk_dax;

struct pmdisk_disk {
	struct list_head list;
	struct pmdisk_disk_desc desc;
	struct pmdisk_region *region;
	u64 size;			/* bytes the block device has */
	unsigned int sector_size;	/* BTT: what the media says */
	u64 data_offset;		/* of the data in the region: desc.offset, */
					/* or past a DAX disk's info block and page map */
	void *virt;			/* region->virt + data_offset */
	char gd_name[16];		/* pmemdisk<N> */
	struct gendisk *gd;		/* NULL for devdax: /dev/pmemdax<N> instead */
	struct badblocks bb;		/* all but BTT: /sys/block/pmemdisk<N>/badblocks, */
					/* devdax: /sys/class/misc/pmemdax<N>/badblocks */
	struct pmdisk_btt_disk *btt;	/* BTT disks: the engine */
	struct pmdisk_dax *dax;		/* fsdax and devdax disks (dax.c) */
	bool opens_blocked;		/* pmdisk_disk_block_opens(): opens fail */
	bool dirty_tracked;		/* marked attached on media (dirty_shutdown.c) */
	u32 dirty_shutdowns;		/* unclean detaches seen, when tracked */
};

/*
 * The disk on @region that @desc describes, raw or BTT. Its number,
 * @desc->number, comes from pmdisk_disk_number_claim(); the disk owns it
 * from then on and releases it when it goes, or at once when it cannot be
 * made.
 */
struct pmdisk_disk *pmdisk_disk_create(struct pmdisk_region *region,
				       const struct pmdisk_disk_desc *desc);
extern struct list_head pmdisk_disks;	/* in number order */
extern struct mutex pmdisk_disks_lock;

/* What @disk is: PMEMDISK_MODE_RAW, _BTT, _FSDAX or _DEVDAX; and its name. */
u8 pmdisk_disk_mode(const struct pmdisk_disk *disk);

/* Opened (or mounted) by anyone right now. */
bool pmdisk_disk_is_open(struct pmdisk_disk *disk);
/*
 * Keep @disk closed for a change that must not race an open (remove,
 * reset-id, check, convert): true when nobody has it open, and from then
 * on every open fails with EBUSY until pmdisk_disk_allow_opens() or its
 * removal. False, and nothing changes, when it is open. A flag, not a
 * count: one change at a time (ctl.c serialises them).
 */
bool pmdisk_disk_block_opens(struct pmdisk_disk *disk);
void pmdisk_disk_allow_opens(struct pmdisk_disk *disk);
/*
 * Disk numbers (N of /dev/pmemdisk<N>), from an IDA: claim @want, or the
 * lowest free one with PMDISK_NUMBER_ANY. Returns the number, -ENOSPC when
 * @want is taken, or -ENOMEM. pmdisk_disk_create() takes it over.
 */
#define PMDISK_NUMBER_ANY	UINT_MAX
int pmdisk_disk_number_claim(unsigned int want);
void pmdisk_disk_number_release(unsigned int number);
/*
 * The disk numbered @number, or NULL. The pointer stays valid while the
 * caller holds pmdisk_ctl_lock (asserted), under which alone disks are
 * removed.
 */
struct pmdisk_disk *pmdisk_disk_find(unsigned int number);
/* Take @disk off the list and delete its block device. */
void pmdisk_disk_remove(struct pmdisk_disk *disk);

/* Remove every disk (module unload: none can be open). */
void pmdisk_disks_destroy(void);

#endif /* _PMDISK_DISK_H */
