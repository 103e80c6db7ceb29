/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one namespace of an image file and its logical data, sector by
 * sector: what the guest's /dev/pmemN (raw) or /dev/pmemNs (BTT) shows.
 * image cat reads it; image convert reads one and writes another.
 */
#ifndef _PMEMCTL_IMAGE_NS_H
#define _PMEMCTL_IMAGE_NS_H

#include "image.h"
#include "../driver/core/btt.h"

struct image_ns {
	int fd;
	struct image_geo geo;
	int labels;			/* enum pmdisk_label_version; 0: none */
	int slot;			/* the QEMU slot the labels fit; -1: any */
	struct pmdisk_ns ns;		/* label-less: the whole region, no uuid */
	struct image_media nm;		/* the namespace's bytes */
	bool btt;
	struct pmdisk_btt bt;
	u32 sector_size;
	u64 nsect;			/* logical sectors */
	char why[256];			/* why it could not be opened */
};

/*
 * Open @path's namespace, its label area the last @label_size bytes (as
 * QEMU's label-size=; none there: label-less). @write: through a file
 * opened for writing, else read-only: the file is never changed (a BTT's
 * interrupted write is finished in memory). Refuses, with the reason in
 * @s->why: a file a process maps, not one namespace, a DAX namespace, a
 * BTT the check finds damaged, labels that fit no QEMU slot.
 */
int image_ns_open(struct image_ns *s, const char *path, u32 label_size, bool write);
void image_ns_close(struct image_ns *s);

/* The logical bytes. */
static inline u64 image_ns_bytes(const struct image_ns *s)
{
	return s->nsect * s->sector_size;
}

/* @n sectors from @lba into @buf; 0 or a negative errno. */
int image_ns_read(struct image_ns *s, u64 lba, u64 n, void *buf);
/* @n sectors from @buf to @lba (zero sectors skipped: see image_ns_fresh). */
int image_ns_write(struct image_ns *s, u64 lba, u64 n, const void *buf);
/*
 * Whether sectors [@lba, @lba + @n) read as zeroes for certain without
 * reading them: holes of the file (raw), or map entries that were never
 * written over data blocks that are holes (BTT).
 */
bool image_ns_hole(struct image_ns *s, u64 lba, u64 n);

#endif /* _PMEMCTL_IMAGE_NS_H */
