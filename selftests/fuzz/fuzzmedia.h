/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A medium for the fuzzers: a read-only base image with a copy-on-write
 * overlay of 4 KiB pages.
 *
 * A fuzzer runs its target thousands of times a second on variations of one
 * image. Copying a 16 MiB BTT for each run would cost more than the run, so
 * the base stays shared and every store (the fuzz input's edits, and what the
 * code under test writes) lands in private pages that fuzz_media_reset()
 * drops. The base may be shorter than the medium (the fuzz input itself is a
 * label area that may be short): the rest reads as zeroes.
 *
 * Two checks of the code under test live here:
 *   - a read-only medium aborts on a write, for calls that promise not to
 *     write (load of a label area, scan, check without repair);
 *   - a poisoned range fails reads with -EIO, as a machine check does in the
 *     kernel, so the error paths run too.
 */
#ifndef _PMDISK_FUZZMEDIA_H
#define _PMDISK_FUZZMEDIA_H

#include "../../driver/core/media.h"

#define FUZZ_PAGE	4096U

struct fuzz_media {
	struct pmdisk_media media;	/* what the code under test gets */
	const u8 *base;			/* shared, never written */
	u64 base_len;			/* bytes of @base; the rest reads 0 */
	u8 **page;			/* [npages]: private copies, or NULL */
	u32 *dirty;			/* indices of the pages in use */
	u32 npages, ndirty;
	bool readonly;			/* a write is a bug of the caller */
	u64 poison_off, poison_len;	/* reads touching this fail (-EIO) */
};

int fuzz_media_init(struct fuzz_media *fm, const u8 *base, u64 base_len,
		    u64 size);
/* Forget every store: the medium reads as its base again, not poisoned. */
void fuzz_media_reset(struct fuzz_media *fm);
void fuzz_media_free(struct fuzz_media *fm);
/* A store from the harness itself (an edit): allowed on read-only media. */
void fuzz_media_poke(struct fuzz_media *fm, u64 off, const void *buf, u64 len);
/* The bytes at @off, as the code under test would read them. */
void fuzz_media_peek(struct fuzz_media *fm, u64 off, void *buf, u64 len);

#endif /* _PMDISK_FUZZMEDIA_H */
