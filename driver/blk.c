// SPDX-License-Identifier: GPL-2.0
/*
 * The disk data path: the block_device_operations of every pmemdisk block
 * device, and what a bio does on a raw or fsdax disk (a BTT disk's bios go
 * to its engine, btt_disk.c). A disk's lifetime, numbering and sysfs
 * presence are disk.c's.
 *
 * bio-based and synchronous: each bio is copied to or from the mapped range
 * in the submitter's context. Writes use memcpy_flushcache() (non-temporal
 * stores, no fence); durability comes from the fence that REQ_PREFLUSH and
 * REQ_FUA trigger (pmdisk_region_flush). Reads use copy_mc_to_kernel(), so a
 * poisoned line fails the bio with EIO instead of crashing the machine.
 */
#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/highmem.h>
#include <linux/module.h>
#include <linux/uaccess.h>

#include "blk.h"
#include "btt_disk.h"
#include "disk.h"
#include "kcompat.h"
#include "region.h"

/* True when [sector, sector + nr) touches a known bad sector. */
static bool pmdisk_is_bad(struct pmdisk_disk *disk, sector_t sector, u64 nr)
{
	sector_t first_bad;
	int num_bad;

	/* An unlocked peek keeps the common case (no bad blocks) cheap; */
	/* badblocks_check() itself is consistent under its seqlock. */
	return READ_ONCE(disk->bb.count) &&
	       badblocks_check(&disk->bb, sector, nr, &first_bad, &num_bad);
}

static blk_status_t pmdisk_read(struct pmdisk_disk *disk, struct bio_vec *bv,
			     sector_t sector)
{
	void *dst;
	unsigned long rem;

	if (pmdisk_is_bad(disk, sector, to_sectors(bv->bv_len)))
		return BLK_STS_IOERR;
	dst = bvec_kmap_local(bv);
	rem = copy_mc_to_kernel(dst, disk->virt + to_offset(sector), bv->bv_len);
	kunmap_local(dst);
	return rem ? BLK_STS_IOERR : BLK_STS_OK;
}

static blk_status_t pmdisk_write(struct pmdisk_disk *disk, struct bio_vec *bv,
			      sector_t sector)
{
	bool bad = pmdisk_is_bad(disk, sector, to_sectors(bv->bv_len));
	void *src = bvec_kmap_local(bv);

	memcpy_flushcache(disk->virt + to_offset(sector), src, bv->bv_len);
	kunmap_local(src);
	/* Every sector this write covered now holds good data. */
	if (bad)
		badblocks_clear(&disk->bb, sector, to_sectors(bv->bv_len));
	return BLK_STS_OK;
}

/* Write-zeroes: the range reads back as zeroes afterwards. */
static blk_status_t pmdisk_zero(struct pmdisk_disk *disk, sector_t sector, u64 bytes)
{
	pmdisk_region_zero(disk->region, disk->data_offset + to_offset(sector), bytes);
	if (pmdisk_is_bad(disk, sector, to_sectors(bytes)))
		badblocks_clear(&disk->bb, sector, to_sectors(bytes));
	return BLK_STS_OK;
}

static void pmdisk_submit_bio(struct bio *bio)
{
	struct pmdisk_disk *disk = bio->bi_bdev->bd_disk->private_data;
	sector_t sector = bio->bi_iter.bi_sector;
	blk_status_t status = BLK_STS_OK;
	struct bvec_iter iter;
	struct bio_vec bv;

	if (to_offset(sector) + bio->bi_iter.bi_size > disk->size) {
		bio_io_error(bio);
		return;
	}
	if (disk->btt) {
		/*
		 * Every BTT sector write (and zeroing) is durable when it
		 * returns, so PREFLUSH and FUA have nothing left to do.
		 */
		bio->bi_status = pmdisk_btt_disk_rw(disk, bio);
		bio_endio(bio);
		return;
	}
	if (bio->bi_opf & REQ_PREFLUSH)
		pmdisk_region_flush(disk->region);
	switch (bio_op(bio)) {
	case REQ_OP_READ:
		bio_for_each_segment(bv, bio, iter) {
			status = pmdisk_read(disk, &bv, iter.bi_sector);
			if (status)
				break;
		}
		break;
	case REQ_OP_WRITE:
		bio_for_each_segment(bv, bio, iter) {
			status = pmdisk_write(disk, &bv, iter.bi_sector);
			if (status)
				break;
		}
		break;
	case REQ_OP_WRITE_ZEROES:
		status = pmdisk_zero(disk, sector, bio->bi_iter.bi_size);
		break;
	default:
		status = BLK_STS_NOTSUPP;
		break;
	}

	if (!status && (bio->bi_opf & REQ_FUA))
		pmdisk_region_flush(disk->region);
	bio->bi_status = status;
	bio_endio(bio);
}

const struct block_device_operations pmdisk_disk_ops = {
	.owner = THIS_MODULE,
	.open = pmdisk_fops_open,
	.submit_bio = pmdisk_submit_bio,
};
