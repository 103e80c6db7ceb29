/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Who holds a disk: the kernel's holder links (/sys/block/<disk>/holders/),
 * which device-mapper (dmsetup, LVM, dm-writecache's cache and origin) sets
 * up for every device its tables use. pmemdisk refuses to remove, convert
 * or reset the id of an open disk; this says who has it open, by name.
 */
#ifndef _PMEMCTL_HOLDERS_H
#define _PMEMCTL_HOLDERS_H

#include <stddef.h>

#define HOLDERS_MAX 8
#define SYSFS_BLOCK "/sys/block"

struct holder {
	char dev[32];		/* "dm-0" */
	char dm_name[128];	/* device-mapper's name ("wc", "vg-main"); "" if none */
	char lv[132];		/* "vg/lv" when LVM made it, else "" */
};

/*
 * The holders of block device @disk ("pmemdisk0"), at most @max of them,
 * read from @sysfs_block (normally "/sys/block"). Returns how many.
 */
unsigned int disk_holders(const char *sysfs_block, const char *disk,
			  struct holder *h, unsigned int max);

/* "dm-0 (wc)", "dm-1 (LVM volume vg/fast_cvol)" */
void holder_text(const struct holder *h, char *buf, size_t len);

/* The holders of @disk as one string to free(), ", "-joined; NULL if none. */
char *disk_holders_text(const char *disk);

/* LVM's "vg-lv" device-mapper name (a '-' in a name doubled) as "vg/lv" in
 * @lv; false if @dm_name is not of that form. */
int lvm_name_of(const char *dm_name, char *lv, size_t len);

#endif /* _PMEMCTL_HOLDERS_H */
