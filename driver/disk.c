// SPDX-License-Identifier: GPL-2.0
/*
 * A disk's lifetime: making it (its BTT or DAX layout found, its
 * dirty-shutdown record attached, its block or character device added),
 * numbering it (N of /dev/pmemdisk<N>, from an IDA), keeping it closed while
 * a change needs it so, listing it, and taking it away again; and its
 * attributes in /sys/block/pmemdisk<N>/pmemdisk/. What a bio does is blk.c's.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blkdev.h>
#include <linux/idr.h>
#include <linux/slab.h>

#include "blk.h"
#include "btt_disk.h"
#include "dax.h"
#include "dirty_shutdown.h"
#include "disk.h"
#include "kcompat.h"
#include "pmemdisk.h"
#include "region.h"
#include "../uapi/pmemdisk.h"
#include "../uapi/pmemdisk_names.h"

LIST_HEAD(pmdisk_disks);
DEFINE_MUTEX(pmdisk_disks_lock);

/* ---- /sys/block/pmemdisk<N>/pmemdisk/ -------------------------------- */

static struct pmdisk_disk *to_pmdisk_disk(struct device *dev)
{
	return dev_to_disk(dev)->private_data;
}

static ssize_t region_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%s\n", to_pmdisk_disk(dev)->region->name);
}
static DEVICE_ATTR_RO(region);

static ssize_t size_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "%llu\n", to_pmdisk_disk(dev)->size);
}
static DEVICE_ATTR_RO(size);

static ssize_t atomicity_show(struct device *dev, struct device_attribute *attr,
			      char *buf)
{
	return sysfs_emit(buf, "%s\n", to_pmdisk_disk(dev)->btt ? "btt" : "none");
}
static DEVICE_ATTR_RO(atomicity);

static ssize_t mode_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "%s\n", pmemdisk_mode_name(pmdisk_disk_mode(to_pmdisk_disk(dev))));
}
static DEVICE_ATTR_RO(mode);

static ssize_t persistence_domain_show(struct device *dev,
				       struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n",
			  pmdisk_persistence_name(to_pmdisk_disk(dev)->region->persistence));
}
static DEVICE_ATTR_RO(persistence_domain);

static ssize_t uuid_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "%pUb\n", &to_pmdisk_disk(dev)->desc.uuid);
}
static DEVICE_ATTR_RO(uuid);

static ssize_t name_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "%s\n", to_pmdisk_disk(dev)->desc.name);
}
static DEVICE_ATTR_RO(name);

static ssize_t dimms_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	struct pmdisk_region *region = to_pmdisk_disk(dev)->region;
	unsigned int i;
	int len = 0;

	for (i = 0; i < region->ways; i++)
		len += sysfs_emit_at(buf, len, "%sdimm%u", i ? " " : "",
				     region->map[i].dimm->id);
	return len + sysfs_emit_at(buf, len, "\n");
}
static DEVICE_ATTR_RO(dimms);

/* As Linux's namespaces say them: -1 when unknown. */
static ssize_t numa_node_show(struct device *dev, struct device_attribute *attr,
			      char *buf)
{
	return sysfs_emit(buf, "%d\n", to_pmdisk_disk(dev)->region->numa_node);
}
static DEVICE_ATTR_RO(numa_node);

static ssize_t target_node_show(struct device *dev, struct device_attribute *attr,
				char *buf)
{
	return sysfs_emit(buf, "%d\n", to_pmdisk_disk(dev)->region->target_node);
}
static DEVICE_ATTR_RO(target_node);

static struct attribute *pmdisk_disk_attrs[] = {
	&dev_attr_region.attr,
	&dev_attr_size.attr,
	&dev_attr_atomicity.attr,
	&dev_attr_mode.attr,
	&dev_attr_persistence_domain.attr,
	&dev_attr_dimms.attr,
	&dev_attr_numa_node.attr,
	&dev_attr_target_node.attr,
	&dev_attr_uuid.attr,
	&dev_attr_name.attr,
	NULL,
};

/* uuid and name exist only for disks that are namespaces (have labels). */
static umode_t pmdisk_disk_attr_visible(struct kobject *kobj,
					struct attribute *attr, int n)
{
	struct pmdisk_disk *disk = to_pmdisk_disk(kobj_to_dev(kobj));

	if ((attr == &dev_attr_uuid.attr || attr == &dev_attr_name.attr) &&
	    !disk->desc.has_uuid)
		return 0;
	return attr->mode;
}

static const struct attribute_group pmdisk_disk_group = {
	.name = "pmemdisk",
	.attrs = pmdisk_disk_attrs,
	.is_visible = pmdisk_disk_attr_visible,
};

static const struct attribute_group *pmdisk_disk_groups[] = {
	&pmdisk_disk_group,
	NULL,
};

/* ---- lifetime ---------------------------------------------------------- */

/* Put @disk on the list, which is kept in number order. */
static void pmdisk_disk_link(struct pmdisk_disk *disk)
{
	struct pmdisk_disk *next;

	mutex_lock(&pmdisk_disks_lock);
	list_for_each_entry(next, &pmdisk_disks, list)
		if (next->desc.number > disk->desc.number)
			break;
	list_add_tail(&disk->list, &next->list);
	mutex_unlock(&pmdisk_disks_lock);
}

/*
 * Find the disk's BTT when its labels name one, or when a probe finds a
 * BTT 1.1 on an unclaimed namespace. 0: raw or BTT as found; else an error.
 */
static int pmdisk_disk_attach_btt(struct pmdisk_disk *disk)
{
	int rc;

	if (disk->desc.atomicity == PMDISK_ATOMICITY_NONE)
		disk->desc.btt_start = PMDISK_BTT_START_V1_1;
	rc = pmdisk_btt_disk_attach(disk);
	if (!rc) {
		disk->desc.atomicity = PMDISK_ATOMICITY_BTT;
		return 0;
	}
	if (disk->desc.btt_claimed) {
		pr_err("%s on %s: its labels say BTT, but its BTT %s (%d): not served. Its space stays in use; 'pmemctl init-labels' on its devices frees it (every disk on them is lost)\n",
		       disk->gd_name, disk->region->name,
		       rc == -ENOENT ? "is not there" : "cannot be used", rc);
		return rc;
	}
	if (rc == -ENOMEM)
		return rc;
	/* nothing claims a BTT here: whatever the probe found, serve it raw */
	if (rc != -ENOENT)
		pr_warn("%s on %s: holds what looks like a damaged BTT (%d): served raw, as Linux would\n",
			disk->gd_name, disk->region->name, rc);
	disk->desc.atomicity = PMDISK_ATOMICITY_NONE;
	return 0;
}

/*
 * Find the disk's DAX info block when its labels name one, or when a probe
 * finds one on an unclaimed namespace that is not a BTT, and give the disk
 * its pages. 0: raw, fsdax or devdax as found; else an error (logged).
 */
static int pmdisk_disk_attach_dax(struct pmdisk_disk *disk)
{
	const char *kind = disk->desc.dax_kind == PMDISK_PFN_DEVDAX ? "devdax" : "fsdax";
	struct pmdisk_pfn_layout layout;
	const char *why;
	int rc;

	/* RAM has no struct pages to give: what is not claimed DAX stays raw */
	if (!disk->desc.dax_claimed && !pmdisk_dax_capable(disk->region, &why))
		return 0;
	rc = pmdisk_dax_probe(disk, &layout);
	if (rc == -ENOENT && !disk->desc.dax_claimed)
		return 0;	/* raw */
	if (!rc && disk->desc.dax_claimed && layout.kind != disk->desc.dax_kind)
		rc = -EMEDIUMTYPE;
	if (!rc)
		rc = pmdisk_dax_attach(disk, &layout);
	if (rc)
		pr_err("%s on %s: %s, but its %s info block %s (%d): not served. Its space stays in use; 'pmemctl remove' is refused, 'pmemctl init-labels' on its devices frees it (every disk on them is lost)\n",
		       disk->gd_name, disk->region->name,
		       disk->desc.dax_claimed ? "its labels say DAX" : "it holds a DAX info block",
		       disk->desc.dax_claimed ? kind : "DAX",
		       rc == -ENOENT ? "is not there" :
		       rc == -EMEDIUMTYPE ? "is of the other DAX kind" : "cannot be used", rc);
	return rc;
}

u8 pmdisk_disk_mode(const struct pmdisk_disk *disk)
{
	if (disk->btt)
		return PMEMDISK_MODE_BTT;
	if (!disk->dax)
		return PMEMDISK_MODE_RAW;
	return pmdisk_dax_layout(disk)->kind == PMDISK_PFN_DEVDAX ?
	       PMEMDISK_MODE_DEVDAX : PMEMDISK_MODE_FSDAX;
}

/* The block device of a raw, BTT or fsdax disk (a devdax disk has none). */
static int pmdisk_disk_add_gendisk(struct pmdisk_disk *disk)
{
	struct gendisk *gd;
	int rc;

	/*
	 * BTT: whole sectors per segment, and the sector is the atomic unit.
	 * Only a 4 KiB BTT offers discard: it drops map entries. Anywhere
	 * else a discard would be a write of zeroes (see btt_zero_sector()
	 * and pmdisk_zero()), which mkfs's whole-disk discard would turn into
	 * a rewrite of the disk: raw, fsdax and 512-byte BTT disks offer
	 * write-zeroes alone, as Linux's pmem, btt and brd do.
	 */
	gd = disk->btt ? pmdisk_alloc_disk(disk->sector_size, disk->sector_size,
					   disk->sector_size - 1,
					   disk->sector_size >= PAGE_SIZE, false,
					   disk->region->numa_node) :
			 pmdisk_alloc_disk(disk->sector_size, PAGE_SIZE,
					   SECTOR_SIZE - 1, false, !!disk->dax,
					   disk->region->numa_node);
	if (!gd)
		return -ENOMEM;
	gd->fops = &pmdisk_disk_ops;
	gd->private_data = disk;
	if (!disk->btt)
		gd->bb = &disk->bb;
	strscpy(gd->disk_name, disk->gd_name, DISK_NAME_LEN);
	set_capacity(gd, to_sectors(disk->size));
	if (disk->region->readonly)
		set_disk_ro(gd, true);
	if (disk->dax) {
		rc = pmdisk_dax_add_host(disk, gd);
		if (rc)
			goto put_disk;
	}
	rc = device_add_disk(NULL, gd, pmdisk_disk_groups);
	if (rc)
		goto remove_host;
	disk->gd = gd;
	return 0;

remove_host:
	pmdisk_dax_remove_host(disk);
put_disk:
	put_disk(gd);
	return rc;
}

struct pmdisk_disk *pmdisk_disk_create(struct pmdisk_region *region,
				       const struct pmdisk_disk_desc *desc)
{
	struct pmdisk_disk *disk;
	int rc = -ENOMEM;

	if (desc->offset > region->size || desc->size > region->size - desc->offset ||
	    (desc->sector_size != 512 && desc->sector_size != 4096) ||
	    !IS_ALIGNED(desc->size, desc->sector_size)) {
		pr_err("pmemdisk%u on %s: bad geometry (offset %llu, size %llu, sector %u)\n",
		       desc->number, region->name, desc->offset, desc->size,
		       desc->sector_size);
		pmdisk_disk_number_release(desc->number);
		return ERR_PTR(-EINVAL);
	}
	disk = kzalloc_node(sizeof(*disk), GFP_KERNEL, region->numa_node);
	if (!disk) {
		pmdisk_disk_number_release(desc->number);
		return ERR_PTR(-ENOMEM);
	}
	disk->desc = *desc;
	disk->region = region;
	disk->size = desc->size;
	disk->sector_size = desc->sector_size;
	disk->data_offset = desc->offset;
	disk->virt = region->virt + desc->offset;
	snprintf(disk->gd_name, sizeof(disk->gd_name), "pmemdisk%u", desc->number);
	rc = desc->dax_claimed ? 0 : pmdisk_disk_attach_btt(disk);
	if (rc)
		goto free_disk;
	if (!disk->btt) {
		/* before DAX pages exist: a memory failure of one is listed there */
		rc = -ENOMEM;
		if (badblocks_init(&disk->bb, 1))
			goto free_disk;
		rc = pmdisk_disk_attach_dax(disk);
		if (rc)
			goto exit_badblocks;
	}
	/* on media before the disk can take a write */
	pmdisk_shutdown_attach(disk);

	/* now it may take I/O (or be mapped) */
	rc = pmdisk_disk_mode(disk) == PMEMDISK_MODE_DEVDAX ?
	     pmdisk_dax_add_chardev(disk) : pmdisk_disk_add_gendisk(disk);
	if (rc)
		goto detach;

	pmdisk_disk_link(disk);
	if (desc->has_uuid)
		pr_info("%s: %llu MiB %s disk (%u-byte sectors) on %s, namespace %pUb \"%s\"\n",
			disk->gd_name, disk->size >> 20,
			pmemdisk_mode_name(pmdisk_disk_mode(disk)),
			disk->sector_size, region->name, &desc->uuid, desc->name);
	else
		pr_info("%s: %llu MiB %s disk (%u-byte sectors) on %s (label-less)\n",
			disk->gd_name, disk->size >> 20,
			pmemdisk_mode_name(pmdisk_disk_mode(disk)),
			disk->sector_size, region->name);
	return disk;

detach:
	pmdisk_shutdown_detach(disk);
	pmdisk_dax_detach(disk);
	if (disk->btt) {
		pmdisk_btt_disk_detach(disk);
		goto free_disk;
	}
exit_badblocks:
	badblocks_exit(&disk->bb);
free_disk:
	kfree(disk);
	pmdisk_disk_number_release(desc->number);
	pr_err("pmemdisk%u on %s: cannot create it (%d)\n", desc->number,
	       region->name, rc);
	return ERR_PTR(rc);
}

bool pmdisk_disk_is_open(struct pmdisk_disk *disk)
{
	if (!disk->gd)
		return pmdisk_dax_is_open(disk);
	return disk_openers(disk->gd) > 0;
}

/*
 * The block layer calls a disk's open method with the gendisk's open_mutex
 * held, and pmdisk_disk_block_opens() and _allow_opens() set and clear
 * @opens_blocked under the same mutex: the mutex orders every open against
 * every change of it, so no barrier is needed.
 */
int pmdisk_disk_may_open(struct gendisk *gd)
{
	struct pmdisk_disk *disk = gd->private_data;

	return disk->opens_blocked ? -EBUSY : 0;
}

/* Opens of the whole disk and of its partitions all count on part0. */
bool pmdisk_disk_block_opens(struct pmdisk_disk *disk)
{
	bool closed;

	if (!disk->gd)
		return pmdisk_dax_block_opens(disk);
	mutex_lock(&disk->gd->open_mutex);
	closed = !disk_openers(disk->gd);
	if (closed)
		disk->opens_blocked = true;
	mutex_unlock(&disk->gd->open_mutex);
	return closed;
}

void pmdisk_disk_allow_opens(struct pmdisk_disk *disk)
{
	if (!disk->gd) {
		pmdisk_dax_allow_opens(disk);
		return;
	}
	mutex_lock(&disk->gd->open_mutex);
	disk->opens_blocked = false;
	mutex_unlock(&disk->gd->open_mutex);
}

static DEFINE_IDA(pmdisk_disk_numbers);

int pmdisk_disk_number_claim(unsigned int want)
{
	if (want == PMDISK_NUMBER_ANY)
		return ida_alloc(&pmdisk_disk_numbers, GFP_KERNEL);
	if (want > INT_MAX)
		return -ENOSPC;
	return ida_alloc_range(&pmdisk_disk_numbers, want, want, GFP_KERNEL);
}

void pmdisk_disk_number_release(unsigned int number)
{
	ida_free(&pmdisk_disk_numbers, number);
}

static void pmdisk_disk_destroy(struct pmdisk_disk *disk)
{
	if (disk->gd)
		del_gendisk(disk->gd);
	/* no I/O or mapping is left now: a clean detach */
	pmdisk_dax_detach(disk);
	pmdisk_shutdown_detach(disk);
	if (disk->gd)
		put_disk(disk->gd);
	if (disk->btt)
		pmdisk_btt_disk_detach(disk);
	else
		badblocks_exit(&disk->bb);
	pmdisk_disk_number_release(disk->desc.number);
	kfree(disk);
}

void pmdisk_disk_remove(struct pmdisk_disk *disk)
{
	mutex_lock(&pmdisk_disks_lock);
	list_del(&disk->list);
	mutex_unlock(&pmdisk_disks_lock);
	pr_info("pmemdisk%u: removed\n", disk->desc.number);
	pmdisk_disk_destroy(disk);
}

void pmdisk_disks_destroy(void)
{
	struct pmdisk_disk *disk, *next;

	mutex_lock(&pmdisk_disks_lock);
	list_for_each_entry_safe(disk, next, &pmdisk_disks, list) {
		list_del(&disk->list);
		pmdisk_disk_destroy(disk);
	}
	mutex_unlock(&pmdisk_disks_lock);
}

struct pmdisk_disk *pmdisk_disk_find(unsigned int number)
{
	struct pmdisk_disk *disk, *found = NULL;

	/* only changes, under pmdisk_ctl_lock, remove a disk */
	lockdep_assert_held(&pmdisk_ctl_lock);
	mutex_lock(&pmdisk_disks_lock);
	list_for_each_entry(disk, &pmdisk_disks, list)
		if (disk->desc.number == number)
			found = disk;
	mutex_unlock(&pmdisk_disks_lock);
	return found;
}
