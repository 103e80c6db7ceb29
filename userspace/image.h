/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Persistent-memory image files: a regular file that QEMU hands a guest as
 * an emulated NVDIMM (memory-backend-file,share=on + nvdimm), laid out
 * offline by `pmemctl image` with the portable core.
 *
 * QEMU's view of such a file (hw/mem/nvdimm.c, 7.2): the backend is the
 * first F bytes (size=F), its last L bytes the label area (label-size=L),
 * and the guest's pmem region the ALIGN_DOWN(F - L, A) bytes before them,
 * A the backend's alignment; DPA 0 is file offset 0.
 *
 *   0                                  region        F - L           F
 *   +----------------------------------+-------------+---------------+
 *   |  the region (the guest's pmem)   | (alignment) |  label area   |
 *   +----------------------------------+-------------+---------------+
 *
 * QEMU's NFIT describes the DIMM in slot N with serial 0x123456 + N, vendor
 * 0x8086 and no manufacturing data, so the interleave-set cookie that its
 * labels must carry is known per slot: an image with labels fits one slot.
 */
#ifndef _PMEMCTL_IMAGE_H
#define _PMEMCTL_IMAGE_H

#include <stdbool.h>
#include <sys/types.h>

#include "../driver/core/label.h"
#include "../driver/core/namespace.h"

#define IMAGE_LABEL_MIN		(128U << 10)	/* QEMU's smallest label-size */
#define IMAGE_FILE_ALIGN	(2U << 20)	/* libvirt rounds the size to it */
#define IMAGE_MAX_SLOT		255U
#define IMAGE_QEMU_SERIAL	0x123456U
#define IMAGE_QEMU_VENDOR	0x8086U

struct image_geo {
	u64 file_size;		/* F: the backend's size */
	u32 label_size;		/* L: 0 for none */
	u32 align;		/* A: 4 KiB or 2 MiB */
	u64 region_size;	/* ALIGN_DOWN(F - L, A) */
};

/* A --label-size: 128 KiB to 4 MiB in whole 4 KiB pages; 0 or -1. */
int image_parse_label_size(const char *val, u32 *label_size);

/* Fill in @g->region_size; -EINVAL when the label area leaves no region. */
int image_geo_fix(struct image_geo *g);

/* The DIMM in QEMU slot @slot holding a region of @size bytes. */
void image_qemu_dimm(unsigned int slot, u64 size, struct pmdisk_iset_dimm *d);

/* The QEMU slot whose DIMM gives the cookie @label carries; -1: none. */
int image_label_slot(u64 region_size, u32 label_size, const struct pmdisk_nslabel *label);

/*
 * A range of an image file as a medium for the core: pread and pwrite,
 * fdatasync as the persist barrier. A write of zeroes over a hole is
 * skipped (a hole reads as zero), so formatting a fresh sparse image
 * allocates only what holds data. An I/O error is kept in @err.
 *
 * @readonly: the file is never written; what the core writes (a BTT load
 * finishing an interrupted write) is kept in memory as patches that reads
 * see, so a reader sees what a guest would, and the file stays as it was.
 * @nosync: persist does nothing (a file nobody sees until it is complete
 * and synced whole, as convert's temporary file).
 */
struct image_patch {
	struct image_patch *next;
	u64 off, len;
	unsigned char data[];
};

struct image_media {
	struct pmdisk_media media;
	int fd;
	u64 base;
	int err;
	bool readonly, nosync;
	struct image_patch *patches;
};

void image_media_init(struct image_media *im, int fd, u64 base, u64 size);
/* Free a read-only medium's patches. */
void image_media_release(struct image_media *im);
/* Whether a kept write overlaps [@off, @off + @len) of the medium. */
bool image_media_patched(const struct image_media *im, u64 off, u64 len);

bool image_all_zero(const void *buf, size_t len);
/* Whether [@off, @off + @len) of the file is one hole (reads as zeroes). */
bool image_in_hole(int fd, u64 off, u64 len);

/* A process that has an image mapped. */
struct image_user {
	int pid;
	char comm[64];
};

/*
 * The processes that have @path mapped, the first @max in @u; returns how
 * many there are, or a negative errno.
 */
int image_user_list(const char *path, struct image_user *u, unsigned int max);
/* "qemu-system-x86 (pid 12), ..." of @u[0..@n) in @buf. */
void image_users_format(const struct image_user *u, unsigned int n, char *buf, size_t len);
/*
 * The processes that have @path mapped, as "qemu-system-x86 (pid 12), ..."
 * in @buf; returns how many, or a negative errno.
 */
int image_users(const char *path, char *buf, size_t len);

#endif /* _PMEMCTL_IMAGE_H */
