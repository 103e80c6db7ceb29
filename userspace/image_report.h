/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What an image file holds, examined through the core once and kept in a
 * struct image_report, which image info and check print as text and image
 * info --json as JSON (image_report.c, image_info.c, image_info_json.c).
 * The file is a medium of its own, so the host tests examine a simulated
 * one after every power cut the same way.
 */
#ifndef _PMEMCTL_IMAGE_REPORT_H
#define _PMEMCTL_IMAGE_REPORT_H

#include "image.h"
#include "../driver/core/btt.h"
#include "../driver/core/provision.h"

#define IMAGE_WARN_UNALIGNED \
	"the size is not a multiple of 2 MiB: libvirt rounds it up and so moves the label area"

#define IMAGE_NOTES_MAX		16
#define IMAGE_NOTE_LEN		160

/* What the core said about the media while reading it, for a person. */
struct image_notes {
	unsigned int nr;
	char msg[IMAGE_NOTES_MAX][IMAGE_NOTE_LEN];
};

/* A namespace of the image: labelled, or the label-less whole region. */
struct image_ns {
	bool labelled;
	struct pmdisk_ns ns;		/* label-less: offset 0, the region's size */
	bool btt;			/* a BTT is claimed or was found */
	int btt_rc;			/* its check: 0, -ENOENT, -EUCLEAN, ... */
	struct pmdisk_btt_id btt_id;	/* the version looked for */
	struct pmdisk_btt_check_report rep;
	struct image_notes notes;	/* the BTT check's */
};

struct image_report {
	struct image_geo geo;		/* label_size 0 when label-less */
	u32 label_probe;		/* where a label area was looked for */
	int labels;			/* enum pmdisk_label_version; 0: none */
	u32 nslot, slots_used;
	bool has_cookie;		/* a label gives one */
	u64 cookie;
	int slot;			/* the QEMU slot it fits; -1: none or any */
	unsigned int nr_ns;
	struct image_ns ns[PMDISK_MAX_NS_PER_REGION];
	struct image_notes notes;	/* the label scan's */
	unsigned int problems;		/* things wrong: exit status 1 */
};

/*
 * Examine the image on @file (the whole file: @r->geo.file_size bytes)
 * with a label area of @r->geo.label_size bytes at its end, or none when
 * it holds no label index. With @repair, the BTT check mends what it can.
 * Returns 0, or a negative errno when the label area cannot be read.
 */
int image_inspect(struct image_report *r, struct pmdisk_media *file, bool repair);

/* Whether a namespace's BTT slot holds a BTT, and what state it is in. */
const char *image_btt_state(const struct image_ns *in);
/* raw, btt, fsdax, devdax or unknown: what the namespace is used as. */
const char *image_ns_mode(const struct image_ns *in);

/* image info --json: @r of @path as one JSON document on stdout. */
void image_info_json(const struct image_report *r, const char *path);

#endif /* _PMEMCTL_IMAGE_REPORT_H */
