// SPDX-License-Identifier: GPL-2.0
/*
 * BTT disks: block I/O through the portable BTT engine.
 *
 * Lanes. The engine keeps per-lane state (a free block, a log slot, a
 * read-tracking entry) that one sector operation at a time may use. A lane
 * here is a spinlock: the submitter takes lane (cpu % lanes) and holds it
 * for one bio segment. Holding the lock is what makes the lane exclusive;
 * the CPU number only spreads the load. Two tasks can never share a lane,
 * whatever preemption or migration does in between (Linux nd_btt once
 * corrupted data that way when its lanes became preemptible), and since
 * the engine only copies memory and fences, nothing sleeps under the lock.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/highmem.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uuid.h>

#include "btt_disk.h"
#include "disk.h"
#include "region.h"

struct pmdisk_btt_disk {
	struct pmdisk_region_media rm;
	struct pmdisk_btt btt;
	spinlock_t lanes[PMDISK_BTT_NFREE];
};

void pmdisk_btt_disk_id(struct pmdisk_btt_id *id, const struct pmdisk_disk_desc *desc)
{
	memset(id, 0, sizeof(*id));
	pmdisk_btt_id_for_start(id, desc->btt_start);
	id->claimed = desc->btt_claimed;
	if (desc->has_uuid)
		export_uuid(id->parent_uuid, &desc->uuid);
}

struct btt_note_ctx {
	const char *disk;
};

static void btt_disk_note(void *ctx, const char *msg)
{
	pr_warn("%s: BTT: %s\n", ((struct btt_note_ctx *)ctx)->disk, msg);
}

int pmdisk_btt_disk_attach(struct pmdisk_disk *disk)
{
	struct btt_note_ctx note = { .disk = disk->gd_name };
	struct pmdisk_btt_disk *bd;
	struct pmdisk_btt_id id;
	unsigned int i;
	int rc;

	bd = kzalloc(sizeof(*bd), GFP_KERNEL);
	if (!bd)
		return -ENOMEM;
	pmdisk_region_media_init(&bd->rm, disk->region, disk->desc.offset,
				 disk->desc.size);
	pmdisk_btt_disk_id(&id, &disk->desc);
	rc = pmdisk_btt_load(&bd->btt, &bd->rm.media, &id, btt_disk_note, &note);
	if (rc) {
		kfree(bd);
		return rc;
	}
	/* a lane per possible CPU: lane_get() never goes past them */
	pmdisk_btt_use_lanes(&bd->btt, nr_cpu_ids);
	for (i = 0; i < ARRAY_SIZE(bd->lanes); i++)
		spin_lock_init(&bd->lanes[i]);
	disk->btt = bd;
	disk->size = bd->btt.nlba * bd->btt.lbasize;
	disk->sector_size = bd->btt.lbasize;
	return 0;
}

void pmdisk_btt_disk_detach(struct pmdisk_disk *disk)
{
	if (!disk->btt)
		return;
	pmdisk_btt_release(&disk->btt->btt);
	kfree(disk->btt);
	disk->btt = NULL;
}

int pmdisk_btt_disk_infos(struct pmdisk_disk *disk, u64 **offsets, unsigned int *n)
{
	struct pmdisk_btt *btt = &disk->btt->btt;
	unsigned int i;
	u64 *off;

	off = kcalloc(2 * btt->narenas, sizeof(*off), GFP_KERNEL);
	if (!off)
		return -ENOMEM;
	for (i = 0; i < btt->narenas; i++) {
		off[2 * i] = btt->arenas[i].geo.off;
		off[2 * i + 1] = btt->arenas[i].geo.info2off;
	}
	*offsets = off;
	*n = 2 * btt->narenas;
	return 0;
}

int pmdisk_btt_disk_set_parent(struct pmdisk_disk *disk, const u8 parent[16])
{
	struct pmdisk_btt_id id;

	pmdisk_btt_disk_id(&id, &disk->desc);
	return pmdisk_btt_set_parent(&disk->btt->rm.media, &id, parent);
}

static unsigned int lane_get(struct pmdisk_btt_disk *bd)
{
	unsigned int lane = raw_smp_processor_id() % bd->btt.lanes_used;

	spin_lock(&bd->lanes[lane]);
	return lane;
}

static void lane_put(struct pmdisk_btt_disk *bd, unsigned int lane)
{
	spin_unlock(&bd->lanes[lane]);
}

/* One segment: whole sectors of one page, under one lane. */
static int btt_segment(struct pmdisk_btt_disk *bd, struct bio_vec *bv, u64 lba,
		       bool write)
{
	u32 lbasize = bd->btt.lbasize;
	unsigned int lane, off;
	void *mem;
	int rc = 0;

	mem = bvec_kmap_local(bv);
	lane = lane_get(bd);
	for (off = 0; off < bv->bv_len && !rc; off += lbasize, lba++)
		rc = write ? pmdisk_btt_write(&bd->btt, lane, lba, mem + off) :
			     pmdisk_btt_read(&bd->btt, lane, lba, mem + off);
	lane_put(bd, lane);
	kunmap_local(mem);
	return rc;
}

/*
 * Make one sector read zeroes, atomically. Sectors of a page or more use the
 * map's zero state (one map store, the block stays owned). Smaller ones are
 * written with zeroes instead: Linux nd_btt zero-fills a zero-state sector
 * and then returns without reading the rest of the page (btt_read_pg), so a
 * zero-state 512-byte sector would make Linux return stale bytes for the
 * sectors after it in the same page.
 */
static int btt_zero_sector(struct pmdisk_btt_disk *bd, u64 lba)
{
	unsigned int lane;
	int rc;

	if (bd->btt.lbasize >= PAGE_SIZE)
		return pmdisk_btt_discard(&bd->btt, lba);
	lane = lane_get(bd);
	rc = pmdisk_btt_write(&bd->btt, lane, lba, page_address(ZERO_PAGE(0)));
	lane_put(bd, lane);
	return rc;
}

blk_status_t pmdisk_btt_disk_rw(struct pmdisk_disk *disk, struct bio *bio)
{
	struct pmdisk_btt_disk *bd = disk->btt;
	u32 lbasize = bd->btt.lbasize;
	unsigned int shift = ilog2(lbasize) - SECTOR_SHIFT;
	struct bvec_iter iter;
	struct bio_vec bv;
	u64 lba, n;
	int rc = 0;

	if (bio->bi_iter.bi_sector & ((1U << shift) - 1) ||
	    bio->bi_iter.bi_size % lbasize)
		return BLK_STS_IOERR;	/* the queue limits rule this out */

	switch (bio_op(bio)) {
	case REQ_OP_READ:
	case REQ_OP_WRITE:
		bio_for_each_segment(bv, bio, iter) {
			if (bv.bv_len % lbasize) {
				pr_err_ratelimited("%s: segment of %u bytes is not whole %u-byte sectors\n",
						   disk->gd_name, bv.bv_len, lbasize);
				return BLK_STS_IOERR;
			}
			rc = btt_segment(bd, &bv, iter.bi_sector >> shift,
					 bio_op(bio) == REQ_OP_WRITE);
			if (rc)
				break;
		}
		break;
	case REQ_OP_DISCARD:
	case REQ_OP_WRITE_ZEROES:
		lba = bio->bi_iter.bi_sector >> shift;
		for (n = bio->bi_iter.bi_size / lbasize; n && !rc; n--, lba++) {
			rc = btt_zero_sector(bd, lba);
			cond_resched();
		}
		break;
	default:
		return BLK_STS_NOTSUPP;
	}
	return errno_to_blk_status(rc);
}

/* ---- long operations: check and format ---------------------------------- */

/*
 * How far the running long operation has got, for PMEMDISK_IOC_PROGRESS.
 * Admin requests are serialised, so there is at most one; readers may see
 * done and total from two neighbouring updates, which a progress bar can
 * live with.
 */
static atomic64_t long_op_done, long_op_total;

void pmdisk_btt_progress(u64 *done, u64 *total)
{
	*total = atomic64_read(&long_op_total);
	*done = atomic64_read(&long_op_done);
}

static void long_op_end(void)
{
	atomic64_set(&long_op_total, 0);
	atomic64_set(&long_op_done, 0);
}

/* A fatal signal cancels; the CPU is given up between chunks. */
static int btt_long_op_progress(void *ctx, u64 done, u64 total)
{
	atomic64_set(&long_op_total, total);
	atomic64_set(&long_op_done, done);
	cond_resched();
	return fatal_signal_pending(current) ? -EINTR : 0;
}

int pmdisk_btt_disk_check(struct pmdisk_region *region,
			  const struct pmdisk_disk_desc *desc, bool repair,
			  struct pmdisk_btt_check_report *report)
{
	char name[16];
	struct btt_note_ctx note = { .disk = name };
	struct pmdisk_region_media rm;
	struct pmdisk_btt_id id;

	int rc;

	snprintf(name, sizeof(name), "pmemdisk%u", desc->number);
	pmdisk_region_media_init(&rm, region, desc->offset, desc->size);
	pmdisk_btt_disk_id(&id, desc);
	rc = pmdisk_btt_check(&rm.media, &id, repair, report, btt_disk_note,
			      btt_long_op_progress, &note);
	long_op_end();
	return rc;
}

int pmdisk_btt_disk_format(struct pmdisk_region *region, u64 offset, u64 size,
			   struct pmdisk_btt_id *id, u32 lbasize)
{
	struct pmdisk_region_media rm;

	int rc;

	pmdisk_region_media_init(&rm, region, offset, size);
	generate_random_uuid(id->uuid);
	rc = pmdisk_btt_format(&rm.media, id, lbasize, btt_long_op_progress, NULL);
	long_op_end();
	return rc;
}
