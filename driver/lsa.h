/* SPDX-License-Identifier: GPL-2.0 */
/*
 * DIMM label storage areas: how each DIMM's labels are reached (lsa.c).
 */
#ifndef _PMDISK_LSA_H
#define _PMDISK_LSA_H

#include <linux/acpi.h>

#include "core/label.h"

struct pmdisk_dimm;

/* A DIMM's label area as a medium for the label core. */
struct pmdisk_lsa_media {
	struct pmdisk_media media;
	struct pmdisk_dimm *dimm;
};

enum pmdisk_label_method {
	PMDISK_LABELS_NONE,	/* the DIMM has no label area */
	PMDISK_LABELS_DSM,	/* Intel DSM functions 4, 5, 6 */
	PMDISK_LABELS_LSX,	/* ACPI _LSI, _LSR, _LSW */
	PMDISK_LABELS_SIM,	/* simulated DIMM: in RAM */
};

enum pmdisk_label_state {
	PMDISK_LABEL_STATE_NONE,	/* no label area */
	PMDISK_LABEL_STATE_ABSENT,	/* no valid index: label-less */
	PMDISK_LABEL_STATE_V1_1,	/* valid index, 128-byte labels */
	PMDISK_LABEL_STATE_V1_2,	/* valid index, 256-byte labels */
	PMDISK_LABEL_STATE_ERROR,	/* the area could not be read */
};

/* Find every DIMM's label transport and read its index state. */
void pmdisk_labels_probe(void);

/* Whether the DIMM's ACPI device implements Intel DSM function @func. */
bool pmdisk_dsm_has(acpi_handle h, u64 func);
/*
 * One Intel DSM (revision 1) call: @in is the input buffer, the reply's
 * 4-byte status is checked and up to @out_len bytes after it copied to
 * @out. Returns the number of bytes copied or a negative errno.
 */
int pmdisk_dsm_call(acpi_handle h, u64 func, void *in, u32 in_len,
		    void *out, u32 out_len);

/* Load @dimm's label area; release it with pmdisk_lsa_release(). */
int pmdisk_dimm_lsa_load(struct pmdisk_dimm *dimm, struct pmdisk_lsa *lsa);
/*
 * Read @dimm's label area and set its label state, slot counts and
 * dirty-shutdown records from it, as a load does (logged).
 */
void pmdisk_dimm_labels_reload(struct pmdisk_dimm *dimm);

#endif /* _PMDISK_LSA_H */
