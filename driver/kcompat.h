/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernels pmemdisk supports (Debian 6.1 and
 * 6.12) lives here, so the rest of the driver reads as one version.
 */
#ifndef _PMDISK_KCOMPAT_H
#define _PMDISK_KCOMPAT_H

#include <linux/blkdev.h>
#include <linux/sizes.h>

/*
 * Features are detected from the kernel headers by Kbuild, not guessed from
 * version numbers (distributions backport):
 *   PMDISK_HAVE_BLK_FEATURES  queue_limits carries features and
 *                             blk_alloc_disk() takes the limits (6.11+)
 *   PMDISK_HAVE_BLK_MODE_T    a disk's open method gets the gendisk and a
 *                             blk_mode_t, not the block_device (6.5+)
 *   PMDISK_HAVE_PAGE_ENTRY_SIZE  huge_fault gets an enum page_entry_size,
 *                             not a page order (before 6.6)
 *   PMDISK_HAVE_VM_FLAGS_SET  vm_flags are changed through vm_flags_set()
 *                             (6.3+)
 *   PMDISK_HAVE_MM_GET_UNMAPPED_AREA  mm_get_unmapped_area() replaces the
 *                             mm's get_unmapped_area hook (6.10+)
 */

/* disk.c: may @gd be opened now? 0 or a negative errno. */
int pmdisk_disk_may_open(struct gendisk *gd);

#ifdef PMDISK_HAVE_BLK_MODE_T
static inline int pmdisk_fops_open(struct gendisk *gd, blk_mode_t mode)
{
	return pmdisk_disk_may_open(gd);
}
#else
static inline int pmdisk_fops_open(struct block_device *bdev, fmode_t mode)
{
	return pmdisk_disk_may_open(bdev->bd_disk);
}
#endif

/*
 * A bio-based disk with the queue limits of a memory-speed device: no
 * request size limit, non-rotational, a volatile write cache with FUA (so
 * the block layer sends flushes: stores are only durable after a fence)
 * and write-zeroes, at most PMDISK_MAX_ZEROES_SECTORS a bio: zeroing is a
 * write of every byte, and a bounded bio keeps one from holding the
 * submitter for seconds. @discard offers discard too (only where it costs
 * no data write: a 4 KiB BTT's map). @lbs is the logical block size, @pbs
 * the unit written atomically-or-faster, @dma_align the buffer alignment
 * mask (a BTT needs whole sectors in every segment); @dax says filesystems
 * may map its pages (fsdax). Returns NULL on failure.
 */
#define PMDISK_MAX_ZEROES_SECTORS	(SZ_1M >> SECTOR_SHIFT)

static inline struct gendisk *pmdisk_alloc_disk(unsigned int lbs, unsigned int pbs,
						unsigned int dma_align, bool discard,
						bool dax, int node)
{
#ifdef PMDISK_HAVE_BLK_FEATURES
	/* limits and features are set up front, not on the queue */
	struct queue_limits lim = {
		.logical_block_size = lbs,
		.physical_block_size = pbs,
		.dma_alignment = dma_align,
		.max_hw_sectors = UINT_MAX,
		.max_hw_discard_sectors = discard ? UINT_MAX : 0,
		.discard_granularity = max_t(unsigned int, pbs, lbs),
		.max_write_zeroes_sectors = PMDISK_MAX_ZEROES_SECTORS,
		.features = BLK_FEAT_WRITE_CACHE | BLK_FEAT_FUA |
			    BLK_FEAT_SYNCHRONOUS | (dax ? BLK_FEAT_DAX : 0),
	};
	struct gendisk *disk = blk_alloc_disk(&lim, node);

	return IS_ERR(disk) ? NULL : disk;
#else
	struct gendisk *disk = blk_alloc_disk(node);
	struct request_queue *q;

	if (!disk)
		return NULL;
	q = disk->queue;
	blk_queue_logical_block_size(q, lbs);
	blk_queue_physical_block_size(q, pbs);
	blk_queue_dma_alignment(q, dma_align);
	blk_queue_max_hw_sectors(q, UINT_MAX);
	blk_queue_max_discard_sectors(q, discard ? UINT_MAX : 0);
	q->limits.discard_granularity = max_t(unsigned int, pbs, lbs);
	blk_queue_max_write_zeroes_sectors(q, PMDISK_MAX_ZEROES_SECTORS);
	blk_queue_flag_set(QUEUE_FLAG_NONROT, q);
	blk_queue_write_cache(q, true, true);
	if (dax)
		blk_queue_flag_set(QUEUE_FLAG_DAX, q);
	return disk;
#endif
}

/* ---- devdax mappings (dax.c) ------------------------------------------- */

#include <linux/mm.h>
#include <linux/sched/mm.h>

/* dax.c: map 2^@order pages of a devdax disk for a fault. */
vm_fault_t pmdisk_devdax_fault_order(struct vm_fault *vmf, unsigned int order);

#ifdef PMDISK_HAVE_PAGE_ENTRY_SIZE
static inline vm_fault_t pmdisk_devdax_huge_fault(struct vm_fault *vmf,
						  enum page_entry_size pe_size)
{
	switch (pe_size) {
	case PE_SIZE_PMD:
		return pmdisk_devdax_fault_order(vmf, PMD_SHIFT - PAGE_SHIFT);
	case PE_SIZE_PUD:
		return pmdisk_devdax_fault_order(vmf, PUD_SHIFT - PAGE_SHIFT);
	default:
		return pmdisk_devdax_fault_order(vmf, 0);
	}
}
#else
static inline vm_fault_t pmdisk_devdax_huge_fault(struct vm_fault *vmf,
						  unsigned int order)
{
	return pmdisk_devdax_fault_order(vmf, order);
}
#endif

static inline void pmdisk_vma_set_flags(struct vm_area_struct *vma, vm_flags_t flags)
{
#ifdef PMDISK_HAVE_VM_FLAGS_SET
	vm_flags_set(vma, flags);
#else
	vma->vm_flags |= flags;
#endif
}

/* The process's own choice of a free range of its address space. */
static inline unsigned long pmdisk_get_unmapped_area(struct file *filp,
						     unsigned long addr,
						     unsigned long len,
						     unsigned long pgoff,
						     unsigned long flags)
{
#ifdef PMDISK_HAVE_MM_GET_UNMAPPED_AREA
	return mm_get_unmapped_area(current->mm, filp, addr, len, pgoff, flags);
#else
	return current->mm->get_unmapped_area(filp, addr, len, pgoff, flags);
#endif
}

#endif /* _PMDISK_KCOMPAT_H */
