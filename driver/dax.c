// SPDX-License-Identifier: GPL-2.0
/*
 * DAX disks (dax.h): struct pages for the namespace, then either a
 * dax_device behind the disk's gendisk (fsdax) or a character device whose
 * mmap inserts the pmem's own page frames, huge where the alignment allows
 * (devdax), as Linux's pmem and device-dax drivers do.
 *
 * Lifetime: a DAX disk cannot be removed while it is open, and a mapping
 * keeps its file (and so the disk) open, so teardown never races a fault.
 *
 * Memory failure (poison the machine reports, or madvise(MADV_HWPOISON)):
 * the pgmap's memory_failure op lists the pages in the disk's badblocks,
 * which no fault or read serves again, then hands the failure to who can
 * act on it: for fsdax the filesystem holding the dax_device, for devdax
 * the kernel's generic handler, which finds the processes to signal through
 * the pages' mapping and index (set at fault, as device-dax does).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/badblocks.h>
#include <linux/dax.h>
#include <linux/fs.h>
#include <linux/memremap.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/mount.h>
#include <linux/mutex.h>
#include <linux/pfn_t.h>
#include <linux/pseudo_fs.h>
#include <linux/slab.h>

#include "dax.h"
#include "disk.h"
#include "kcompat.h"
#include "region.h"
#include "../uapi/pmemdisk.h"

struct pmdisk_dax {
	struct pmdisk_disk *disk;	/* whose badblocks list failed pages */
	struct pmdisk_pfn_layout layout;
	phys_addr_t data_phys;		/* where the data starts */
	struct dev_pagemap pgmap;
	struct dax_device *dax_dev;	/* fsdax: what filesystems map through */
	struct gendisk *host;		/* fsdax, once added */

	/* devdax */
	struct inode *inode;		/* its address_space is every mapping's */
	struct miscdevice misc;
	bool registered;		/* misc is /dev/pmemdax<N> */
	char name[16];
	struct mutex open_lock;		/* orders opens against opens_blocked */
	unsigned int opens;
	bool opens_blocked;		/* pmdisk_dax_block_opens(): opens fail */
};

bool pmdisk_dax_capable(const struct pmdisk_region *region, const char **why)
{
	if (region->source == PMDISK_SRC_SIM) {
		*why = "a simulated region is RAM, not physical pmem";
		return false;
	}
	return true;
}

int pmdisk_dax_probe(struct pmdisk_disk *disk, struct pmdisk_pfn_layout *layout)
{
	struct pmdisk_region *region = disk->region;
	struct pmdisk_pfn_sb *sb;
	const char *why = "";
	int rc;

	if (disk->desc.size < 2 * PMDISK_PFN_INFO_OFFSET)
		return -ENOENT;
	sb = kmalloc(sizeof(*sb), GFP_KERNEL);
	if (!sb)
		return -ENOMEM;
	/* a poisoned line fails the read instead of the machine */
	if (copy_mc_to_kernel(sb, region->virt + disk->desc.offset + PMDISK_PFN_INFO_OFFSET,
			      sizeof(*sb))) {
		pr_err("%s on %s: its DAX info block cannot be read (media error)\n",
		       disk->gd_name, region->name);
		kfree(sb);
		return -EIO;
	}
	rc = pmdisk_pfn_parse(sb, disk->desc.has_uuid ? disk->desc.uuid.b : uuid_null.b,
			      region->base + disk->desc.offset, disk->desc.size,
			      layout, &why);
	kfree(sb);
	if (rc == -ESTALE) {
		/* Linux ignores it too: it belongs to an earlier namespace */
		pr_info("%s on %s: the DAX info block there belongs to another namespace: ignored\n",
			disk->gd_name, region->name);
		return -ENOENT;
	}
	if (rc == -EINVAL)
		pr_err("%s on %s: its DAX info block cannot be served: %s\n",
		       disk->gd_name, region->name, why);
	return rc;
}

/* True when [@off, @off + @len) of @disk's data holds a known bad sector. */
static bool pmdisk_dax_is_bad(struct pmdisk_disk *disk, u64 off, u64 len)
{
	sector_t first_bad;
	int num_bad;

	return READ_ONCE(disk->bb.count) &&
	       badblocks_check(&disk->bb, off >> SECTOR_SHIFT, len >> SECTOR_SHIFT,
			       &first_bad, &num_bad);
}

/* ---- fsdax: the dax_device filesystems use ------------------------------ */

static long pmdisk_dax_direct_access(struct dax_device *dax_dev, pgoff_t pgoff,
				     long nr_pages, enum dax_access_mode mode,
				     void **kaddr, pfn_t *pfn)
{
	struct pmdisk_disk *disk = dax_get_private(dax_dev);
	u64 off = (u64)pgoff << PAGE_SHIFT;

	if (off >= disk->size)
		return -ERANGE;
	/* a known bad page is not handed out to be mapped */
	if (pmdisk_dax_is_bad(disk, off, (u64)nr_pages << PAGE_SHIFT))
		return -EIO;
	if (kaddr)
		*kaddr = disk->virt + off;
	if (pfn)
		*pfn = phys_to_pfn_t(disk->dax->data_phys + off, PFN_DEV | PFN_MAP);
	return (disk->size - off) >> PAGE_SHIFT;
}

static int pmdisk_dax_zero_page_range(struct dax_device *dax_dev, pgoff_t pgoff,
				      size_t nr_pages)
{
	struct pmdisk_disk *disk = dax_get_private(dax_dev);
	u64 off = (u64)pgoff << PAGE_SHIFT, len = (u64)nr_pages << PAGE_SHIFT;

	if (off > disk->size || len > disk->size - off)
		return -ERANGE;
	pmdisk_region_zero(disk->region, disk->data_offset + off, len);
	return 0;
}

static const struct dax_operations pmdisk_fsdax_ops = {
	.direct_access = pmdisk_dax_direct_access,
	.zero_page_range = pmdisk_dax_zero_page_range,
};

int pmdisk_dax_add_host(struct pmdisk_disk *disk, struct gendisk *gd)
{
	int rc = dax_add_host(disk->dax->dax_dev, gd);

	if (!rc)
		disk->dax->host = gd;
	return rc;
}

void pmdisk_dax_remove_host(struct pmdisk_disk *disk)
{
	if (disk->dax && disk->dax->host) {
		dax_remove_host(disk->dax->host);
		disk->dax->host = NULL;
	}
}

const struct pmdisk_pfn_layout *pmdisk_dax_layout(const struct pmdisk_disk *disk)
{
	return &disk->dax->layout;
}

/* ---- devdax: /dev/pmemdax<N> -------------------------------------------- */

static struct pmdisk_dax *pmdisk_dax_of_file(struct file *filp)
{
	return container_of(filp->private_data, struct pmdisk_dax, misc);
}

/*
 * Give the @nr pages at @off of the data the mapping and index of a file's
 * pages, so memory_failure() finds the processes that map them (their
 * VMAs are in that mapping's tree). Once for each page: they never change,
 * and the inode outlives the pages (pmdisk_dax_detach()). A failure that
 * races the first fault of a page finds no process to signal whatever it
 * reads: nothing maps the page before the insert that follows.
 */
static void pmdisk_devdax_set_mapping(struct pmdisk_dax *dax, u64 off,
				      unsigned long nr)
{
	unsigned long pfn = PHYS_PFN(dax->data_phys + off), i;

	for (i = 0; i < nr; i++) {
		struct folio *folio = pfn_folio(pfn + i);

		if (READ_ONCE(folio->mapping))
			continue;
		folio->index = (off >> PAGE_SHIFT) + i;
		WRITE_ONCE(folio->mapping, dax->inode->i_mapping);
	}
}

/*
 * Insert the page frames for a fault of 2^@order pages. A mapping is made
 * only of whole units of the disk's alignment: a smaller fault on a disk
 * aligned larger is an error (SIGBUS), a larger one falls back. A unit
 * with a known bad sector is not mapped: the fault is a hardware poison
 * SIGBUS (BUS_MCEERR_AR), as the access to poison would have been.
 */
vm_fault_t pmdisk_devdax_fault_order(struct vm_fault *vmf, unsigned int order)
{
	struct vm_area_struct *vma = vmf->vma;
	struct pmdisk_dax *dax = pmdisk_dax_of_file(vma->vm_file);
	unsigned long size = PAGE_SIZE << order;
	unsigned long addr = vmf->address & ~(size - 1);
	bool write = vmf->flags & FAULT_FLAG_WRITE;
	u64 off;
	pfn_t pfn;

	if (size < dax->layout.align)
		return VM_FAULT_SIGBUS;
	if (size > dax->layout.align || addr < vma->vm_start ||
	    addr + size > vma->vm_end)
		return VM_FAULT_FALLBACK;
	off = (u64)(addr - vma->vm_start) + ((u64)vma->vm_pgoff << PAGE_SHIFT);
	if (off % size)
		return VM_FAULT_FALLBACK;
	if (off >= dax->layout.data_size || size > dax->layout.data_size - off)
		return VM_FAULT_SIGBUS;
	if (pmdisk_dax_is_bad(dax->disk, off, size))
		return VM_FAULT_HWPOISON;
	pmdisk_devdax_set_mapping(dax, off, size >> PAGE_SHIFT);
	pfn = phys_to_pfn_t(dax->data_phys + off, PFN_DEV | PFN_MAP);
	switch (order) {
	case 0:
		return vmf_insert_mixed(vma, addr, pfn);
	case PMD_SHIFT - PAGE_SHIFT:
		return vmf_insert_pfn_pmd(vmf, pfn, write);
	case PUD_SHIFT - PAGE_SHIFT:
		return vmf_insert_pfn_pud(vmf, pfn, write);
	default:
		return VM_FAULT_FALLBACK;
	}
}

static vm_fault_t pmdisk_devdax_fault(struct vm_fault *vmf)
{
	return pmdisk_devdax_fault_order(vmf, 0);
}

/* A mapping splits only at the disk's alignment. */
static int pmdisk_devdax_may_split(struct vm_area_struct *vma, unsigned long addr)
{
	struct pmdisk_dax *dax = pmdisk_dax_of_file(vma->vm_file);

	return IS_ALIGNED(addr, dax->layout.align) ? 0 : -EINVAL;
}

static unsigned long pmdisk_devdax_pagesize(struct vm_area_struct *vma)
{
	return pmdisk_dax_of_file(vma->vm_file)->layout.align;
}

static const struct vm_operations_struct pmdisk_devdax_vm_ops = {
	.fault = pmdisk_devdax_fault,
	.huge_fault = pmdisk_devdax_huge_fault,
	.may_split = pmdisk_devdax_may_split,
	.pagesize = pmdisk_devdax_pagesize,
};

static int pmdisk_devdax_mmap(struct file *filp, struct vm_area_struct *vma)
{
	struct pmdisk_dax *dax = pmdisk_dax_of_file(filp);
	unsigned long mask = dax->layout.align - 1;

	/* a private copy of pmem makes no sense: device-dax refuses it too */
	if (!(vma->vm_flags & VM_MAYSHARE)) {
		pr_info_ratelimited("%s: %s: MAP_PRIVATE refused: map it MAP_SHARED\n",
				    dax->name, current->comm);
		return -EINVAL;
	}
	if ((vma->vm_start & mask) || (vma->vm_end & mask) ||
	    ((vma->vm_pgoff << PAGE_SHIFT) & mask)) {
		pr_info_ratelimited("%s: %s: mapping %#lx-%#lx at offset %#llx is not aligned to %#llx\n",
				    dax->name, current->comm, vma->vm_start,
				    vma->vm_end, (u64)vma->vm_pgoff << PAGE_SHIFT,
				    dax->layout.align);
		return -EINVAL;
	}
	vma->vm_ops = &pmdisk_devdax_vm_ops;
	pmdisk_vma_set_flags(vma, VM_HUGEPAGE);
	return 0;
}

/* An address aligned to the disk's alignment, so huge pages can map it. */
static unsigned long pmdisk_devdax_get_unmapped_area(struct file *filp,
						     unsigned long addr,
						     unsigned long len,
						     unsigned long pgoff,
						     unsigned long flags)
{
	struct pmdisk_dax *dax = pmdisk_dax_of_file(filp);
	unsigned long align = dax->layout.align, off = pgoff << PAGE_SHIFT;
	unsigned long padded;

	if (addr || align <= PAGE_SIZE || len < align || len + align < len)
		return pmdisk_get_unmapped_area(filp, addr, len, pgoff, flags);
	padded = pmdisk_get_unmapped_area(filp, 0, len + align, pgoff, flags);
	if (IS_ERR_VALUE(padded))
		return pmdisk_get_unmapped_area(filp, addr, len, pgoff, flags);
	return padded + ((off - padded) & (align - 1));
}

static int pmdisk_devdax_open(struct inode *inode, struct file *filp)
{
	struct pmdisk_dax *dax = pmdisk_dax_of_file(filp);

	mutex_lock(&dax->open_lock);
	if (dax->opens_blocked) {
		mutex_unlock(&dax->open_lock);
		return -EBUSY;
	}
	dax->opens++;
	mutex_unlock(&dax->open_lock);
	/*
	 * Every mapping of the disk, through whichever device node, is in one
	 * address_space: the disk's own inode's (pmdisk_devdax_inode_new()).
	 * It says S_DAX, so the VMAs get huge-page faults.
	 */
	filp->f_mapping = dax->inode->i_mapping;
	return 0;
}

static int pmdisk_devdax_release(struct inode *inode, struct file *filp)
{
	struct pmdisk_dax *dax = pmdisk_dax_of_file(filp);

	mutex_lock(&dax->open_lock);
	dax->opens--;
	mutex_unlock(&dax->open_lock);
	return 0;
}

/* /sys/class/misc/pmemdax<N>/{size,align}, as device-dax offers them */
static ssize_t size_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	struct pmdisk_dax *dax = container_of(dev_get_drvdata(dev), struct pmdisk_dax, misc);

	return sysfs_emit(buf, "%llu\n", dax->layout.data_size);
}
static DEVICE_ATTR_RO(size);

static ssize_t align_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	struct pmdisk_dax *dax = container_of(dev_get_drvdata(dev), struct pmdisk_dax, misc);

	return sysfs_emit(buf, "%llu\n", dax->layout.align);
}
static DEVICE_ATTR_RO(align);

/* as a block device's: "SECTOR COUNT" lines; writing one marks them bad */
static ssize_t pmdisk_devdax_badblocks_show(struct device *dev,
					    struct device_attribute *attr, char *buf)
{
	struct pmdisk_dax *dax = container_of(dev_get_drvdata(dev), struct pmdisk_dax, misc);

	return badblocks_show(&dax->disk->bb, buf, 0);
}

static ssize_t pmdisk_devdax_badblocks_store(struct device *dev,
					     struct device_attribute *attr,
					     const char *buf, size_t len)
{
	struct pmdisk_dax *dax = container_of(dev_get_drvdata(dev), struct pmdisk_dax, misc);

	return badblocks_store(&dax->disk->bb, buf, len, 0);
}
/* (badblocks_show() is the kernel's: DEVICE_ATTR_RW() cannot name ours) */
static struct device_attribute dev_attr_badblocks =
	__ATTR(badblocks, 0644, pmdisk_devdax_badblocks_show,
	       pmdisk_devdax_badblocks_store);

static struct attribute *pmdisk_devdax_attrs[] = {
	&dev_attr_size.attr,
	&dev_attr_align.attr,
	&dev_attr_badblocks.attr,
	NULL,
};
ATTRIBUTE_GROUPS(pmdisk_devdax);

static const struct file_operations pmdisk_devdax_fops = {
	.owner = THIS_MODULE,
	.open = pmdisk_devdax_open,
	.release = pmdisk_devdax_release,
	.mmap = pmdisk_devdax_mmap,
	.get_unmapped_area = pmdisk_devdax_get_unmapped_area,
	.llseek = noop_llseek,
};

int pmdisk_dax_add_chardev(struct pmdisk_disk *disk)
{
	struct pmdisk_dax *dax = disk->dax;
	int rc;

	snprintf(dax->name, sizeof(dax->name), "pmemdax%u", disk->desc.number);
	dax->misc.minor = MISC_DYNAMIC_MINOR;
	dax->misc.name = dax->name;
	dax->misc.fops = &pmdisk_devdax_fops;
	dax->misc.mode = 0600;
	dax->misc.groups = pmdisk_devdax_groups;
	rc = misc_register(&dax->misc);
	if (rc)
		pr_err("%s on %s: cannot register /dev/%s (%d)\n", disk->gd_name,
		       disk->region->name, dax->name, rc);
	else
		dax->registered = true;
	return rc;
}

bool pmdisk_dax_is_open(struct pmdisk_disk *disk)
{
	struct pmdisk_dax *dax = disk->dax;
	bool open;

	mutex_lock(&dax->open_lock);
	open = dax->opens;
	mutex_unlock(&dax->open_lock);
	return open;
}

bool pmdisk_dax_block_opens(struct pmdisk_disk *disk)
{
	struct pmdisk_dax *dax = disk->dax;
	bool closed;

	mutex_lock(&dax->open_lock);
	closed = !dax->opens;
	if (closed)
		dax->opens_blocked = true;
	mutex_unlock(&dax->open_lock);
	return closed;
}

void pmdisk_dax_allow_opens(struct pmdisk_disk *disk)
{
	mutex_lock(&disk->dax->open_lock);
	disk->dax->opens_blocked = false;
	mutex_unlock(&disk->dax->open_lock);
}

/*
 * devdax: the inode whose address_space holds every mapping of a disk.
 * memory_failure() follows a page's mapping to its host inode while the
 * pgmap is pinned, so that inode must live as long as the pages: the
 * device node's own inode cannot promise it (a node made with mknod on a
 * disk filesystem is evicted once closed). So each disk has one of its
 * own, on this internal filesystem, mounted while any devdax disk exists.
 * It has no owner: every disk, and so the mount, goes before the module.
 */
#define PMDISK_DAXFS_MAGIC	0x706d6478	/* "pmdx" */

static int pmdisk_daxfs_init_fs_context(struct fs_context *fc)
{
	return init_pseudo(fc, PMDISK_DAXFS_MAGIC) ? 0 : -ENOMEM;
}

static struct file_system_type pmdisk_daxfs_type = {
	.name = "pmemdisk-dax",
	.init_fs_context = pmdisk_daxfs_init_fs_context,
	.kill_sb = kill_anon_super,
};

static struct vfsmount *pmdisk_daxfs_mnt;
static int pmdisk_daxfs_users;

static struct inode *pmdisk_devdax_inode_new(void)
{
	struct inode *inode;
	int rc;

	rc = simple_pin_fs(&pmdisk_daxfs_type, &pmdisk_daxfs_mnt, &pmdisk_daxfs_users);
	if (rc)
		return ERR_PTR(rc);
	inode = alloc_anon_inode(pmdisk_daxfs_mnt->mnt_sb);
	if (IS_ERR(inode)) {
		simple_release_fs(&pmdisk_daxfs_mnt, &pmdisk_daxfs_users);
		return inode;
	}
	/* as device-dax's inode: dax_lock_page() needs no entry lock for it */
	inode->i_mode = S_IFCHR | 0600;
	inode->i_flags |= S_DAX;
	return inode;
}

static void pmdisk_devdax_inode_free(struct inode *inode)
{
	iput(inode);
	simple_release_fs(&pmdisk_daxfs_mnt, &pmdisk_daxfs_users);
}

/* The name users know @dax's disk by (a devdax one's, once registered). */
static const char *pmdisk_dax_name(const struct pmdisk_dax *dax)
{
	return dax->name[0] ? dax->name : dax->disk->gd_name;
}

/*
 * @nr_pages pages from @pfn failed: list them in the disk's badblocks.
 * Their offset in the data in *@off; -ENXIO when they are not data (the
 * info block, or a page map kept in memory): nothing maps or reads those.
 */
static int pmdisk_dax_record_failure(struct pmdisk_dax *dax, unsigned long pfn,
				     unsigned long nr_pages, u64 *off)
{
	u64 phys = PFN_PHYS(pfn), len = (u64)nr_pages << PAGE_SHIFT;

	if (phys < dax->data_phys || phys - dax->data_phys >= dax->layout.data_size)
		return -ENXIO;
	*off = phys - dax->data_phys;
	len = min(len, dax->layout.data_size - *off);
	if (badblocks_set(&dax->disk->bb, *off >> SECTOR_SHIFT, len >> SECTOR_SHIFT, 1))
		pr_err("%s: memory failure at offset %#llx (%llu bytes): its badblocks list is full\n",
		       pmdisk_dax_name(dax), *off, len);
	else
		pr_err("%s: memory failure at offset %#llx (%llu bytes): listed in its badblocks\n",
		       pmdisk_dax_name(dax), *off, len);
	return 0;
}

/* fsdax: the filesystem finds the files using the pages (XFS with rmapbt) */
static int pmdisk_fsdax_memory_failure(struct dev_pagemap *pgmap, unsigned long pfn,
				       unsigned long nr_pages, int mf_flags)
{
	struct pmdisk_dax *dax = container_of(pgmap, struct pmdisk_dax, pgmap);
	u64 off;
	int rc = pmdisk_dax_record_failure(dax, pfn, nr_pages, &off);

	if (rc)
		return rc;
	/*
	 * -EOPNOTSUPP when it cannot (no holder: ext4; XFS without rmapbt):
	 * then the generic handler finds the processes through the pages'
	 * mapping, which fsdax sets.
	 */
	return dax_holder_notify_failure(dax->dax_dev, off,
					 (u64)nr_pages << PAGE_SHIFT, mf_flags);
}

/* devdax: the generic handler kills the processes that map the pages */
static int pmdisk_devdax_memory_failure(struct dev_pagemap *pgmap, unsigned long pfn,
					unsigned long nr_pages, int mf_flags)
{
	struct pmdisk_dax *dax = container_of(pgmap, struct pmdisk_dax, pgmap);
	u64 off;
	int rc = pmdisk_dax_record_failure(dax, pfn, nr_pages, &off);

	return rc ? rc : -EOPNOTSUPP;
}

static const struct dev_pagemap_ops pmdisk_fsdax_pagemap_ops = {
	.memory_failure = pmdisk_fsdax_memory_failure,
};

static const struct dev_pagemap_ops pmdisk_devdax_pagemap_ops = {
	.memory_failure = pmdisk_devdax_memory_failure,
};

/* ---- attach and detach -------------------------------------------------- */

/*
 * struct pages for the whole namespace (less end_trunc), as Linux gives an
 * fsdax or devdax namespace: with map dev they come out of the space
 * between the info block and the data (the altmap).
 */
static int pmdisk_dax_map_pages(struct pmdisk_dax *dax, phys_addr_t start, u64 len)
{
	struct dev_pagemap *pgmap = &dax->pgmap;
	void *addr;

	if (dax->layout.kind == PMDISK_PFN_FSDAX) {
		pgmap->type = MEMORY_DEVICE_FS_DAX;
		pgmap->ops = &pmdisk_fsdax_pagemap_ops;
	} else {
		pgmap->type = MEMORY_DEVICE_GENERIC;
		pgmap->ops = &pmdisk_devdax_pagemap_ops;
	}
	pgmap->range.start = start;
	pgmap->range.end = start + len - 1;
	pgmap->nr_range = 1;
	if (dax->layout.map == PMDISK_PFN_MAP_DEV) {
		struct vmem_altmap altmap = {
			.base_pfn = PHYS_PFN(start),
			.reserve = PHYS_PFN(PMDISK_PFN_RESERVE),
			.free = PHYS_PFN(dax->layout.dataoff - PMDISK_PFN_RESERVE),
			.end_pfn = PHYS_PFN(start + len - 1),
		};

		/* the fields are const once set: as Linux fills them */
		memcpy(&pgmap->altmap, &altmap, sizeof(altmap));
		pgmap->flags |= PGMAP_ALTMAP_VALID;
	}
	addr = memremap_pages(pgmap, NUMA_NO_NODE);
	if (IS_ERR(addr))
		return PTR_ERR(addr);
	return 0;
}

int pmdisk_dax_attach(struct pmdisk_disk *disk, const struct pmdisk_pfn_layout *layout)
{
	struct pmdisk_region *region = disk->region;
	phys_addr_t start = region->base + disk->desc.offset;
	struct pmdisk_dax *dax;
	const char *why;
	int rc;

	if (!pmdisk_dax_capable(region, &why)) {
		pr_err("%s on %s: holds a DAX namespace, but %s\n", disk->gd_name,
		       region->name, why);
		return -EOPNOTSUPP;
	}
	dax = kzalloc(sizeof(*dax), GFP_KERNEL);
	if (!dax)
		return -ENOMEM;
	dax->disk = disk;
	dax->layout = *layout;
	dax->data_phys = start + layout->dataoff;
	mutex_init(&dax->open_lock);
	/* before the pages: their memory_failure op hands failures to these */
	if (layout->kind == PMDISK_PFN_FSDAX) {
		dax->dax_dev = alloc_dax(disk, &pmdisk_fsdax_ops);
		if (IS_ERR(dax->dax_dev)) {
			rc = PTR_ERR(dax->dax_dev);
			goto free;
		}
		/* stores go around the cache; MAP_SYNC is fine: never async */
		set_dax_nocache(dax->dax_dev);
		set_dax_nomc(dax->dax_dev);
		set_dax_synchronous(dax->dax_dev);
		dax_write_cache(dax->dax_dev,
				region->persistence != PMDISK_PERSIST_CPU_CACHE);
	} else {
		dax->inode = pmdisk_devdax_inode_new();
		if (IS_ERR(dax->inode)) {
			rc = PTR_ERR(dax->inode);
			goto free;
		}
	}
	rc = pmdisk_dax_map_pages(dax, start, disk->desc.size - layout->end_trunc);
	if (rc) {
		pr_err("%s on %s: cannot give its pmem struct pages (%d)\n",
		       disk->gd_name, region->name, rc);
		goto put_owner;
	}

	disk->dax = dax;
	disk->data_offset = disk->desc.offset + layout->dataoff;
	disk->virt = region->virt + disk->data_offset;
	disk->size = layout->data_size;
	return 0;

put_owner:
	if (dax->dax_dev) {
		kill_dax(dax->dax_dev);
		put_dax(dax->dax_dev);
	} else {
		pmdisk_devdax_inode_free(dax->inode);
	}
free:
	kfree(dax);
	return rc;
}

void pmdisk_dax_detach(struct pmdisk_disk *disk)
{
	struct pmdisk_dax *dax = disk->dax;

	if (!dax)
		return;
	if (dax->registered)
		misc_deregister(&dax->misc);
	pmdisk_dax_remove_host(disk);
	if (dax->dax_dev)
		kill_dax(dax->dax_dev);
	/*
	 * Waits for a memory_failure() in progress, which pins the pgmap: the
	 * dax_device and inode it may use go only after.
	 */
	memunmap_pages(&dax->pgmap);
	if (dax->dax_dev)
		put_dax(dax->dax_dev);
	else
		pmdisk_devdax_inode_free(dax->inode);
	disk->dax = NULL;
	kfree(dax);
}

int pmdisk_dax_format(struct pmdisk_region *region, u64 offset,
		      const struct pmdisk_pfn_layout *layout, const u8 parent[16])
{
	struct pmdisk_pfn_sb *sb = kmalloc(sizeof(*sb), GFP_KERNEL);

	if (!sb)
		return -ENOMEM;
	pmdisk_pfn_build(sb, layout, parent);
	memcpy_flushcache(region->virt + offset + PMDISK_PFN_INFO_OFFSET, sb,
			  sizeof(*sb));
	kfree(sb);
	pmdisk_region_flush(region);
	return 0;
}
