/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A simulated medium for host tests of the portable core.
 *
 * It is a byte array behind the pmdisk_media interface that can lose power:
 * arm it with a cut point N and stores 1..N-1 land whole, store N lands
 * torn (only its first K 8-byte words, counted on 8-byte aligned media
 * boundaries), and every later store is dropped, as if the machine had died
 * right after store N reached the media. What is in the array afterwards is
 * exactly what a reboot would find.
 *
 * sim_enumerate_cuts() drives an operation through every (N, K) pair so a
 * test can check an invariant after a power cut at every possible point.
 *
 * It can also fail a store with an I/O error while the power stays on:
 * arm it with an error point N and store N returns -EIO after landing its
 * first K words (none, part or all of it: a device that reports an error
 * may have written anyway); the stores before and after it land whole.
 * sim_enumerate_errors() drives an operation through an error at every
 * store, with nothing, half and all of it landed.
 */
#ifndef _PMDISK_SIMMEDIA_H
#define _PMDISK_SIMMEDIA_H

#include "../../driver/core/label.h"
#include "../../driver/core/media.h"

struct sim_media {
	struct pmdisk_media media;		/* what the code under test gets */
	u8 *bytes;			/* the durable image */
	u64 stores;			/* stores issued so far (landed or not) */
	u64 persists;			/* persist barriers issued so far */
	u64 cut_at;			/* 0: never cut; else the store that tears */
	long tear_words;		/* words of store cut_at that land; -1: all */
	bool power_lost;		/* the cut has happened */
	u64 cut_store_words;		/* words the cut store spanned */
	bool cut_changed;		/* what landed of it changed a byte */
	u8 *dirty;			/* sim_media_track_stores(): a flag */
					/* per 4 KiB page stored to */
	u64 fail_at;			/* 0: no error; else the store that fails */
	long fail_words;		/* words of store fail_at that land; -1: all */
	u64 fail_store_words;		/* words the failed store spanned */
};

int sim_media_init(struct sim_media *sim, u64 size);
void sim_media_free(struct sim_media *sim);

/* Lose power at store @store (1-based) keeping @words of it (-1: whole). */
void sim_media_arm_cut(struct sim_media *sim, u64 store, long words);
/* Fail store @store (1-based) with -EIO, landing @words of it (-1: all). */
void sim_media_arm_error(struct sim_media *sim, u64 store, long words);
/*
 * Promise that between the cuts of sim_enumerate_cuts() the media changes
 * only through stores (no test writes @bytes itself), so that each cut
 * restores only the pages stored to since the last, not the whole media:
 * what makes a walk over a BTT-sized image affordable. 0 or -ENOMEM.
 */
int sim_media_track_stores(struct sim_media *sim);

/* Power back on: counters reset, nothing armed; the image is kept. */
void sim_media_reboot(struct sim_media *sim);

/* 8-byte words a store of @len bytes at @off touches. */
u64 sim_store_words(u64 off, u64 len);

/*
 * Run @op on @sim once for every possible power cut: for store n = 1, 2, ...
 * and every torn prefix of it, restore the media to @initial, arm the cut,
 * run @op, reboot, and call @check(store = n, words = landed words). When @op
 * completes without reaching the cut, @check is called once more with
 * store 0 and words -1 (no cut) and the walk ends. A torn prefix that
 * changed nothing (sim->cut_changed false, words > 0) leaves the media as
 * the cut with no word of that store did: @check may skip it. A non-zero value from
 * @check stops the walk and is returned. *visited counts @check calls.
 */
typedef int (*sim_op_fn)(struct sim_media *sim, void *ctx);
typedef int (*sim_check_fn)(struct sim_media *sim, void *ctx, u64 store,
			    long words);
int sim_enumerate_cuts(struct sim_media *sim, const u8 *initial,
		       sim_op_fn op, sim_check_fn check, void *ctx,
		       u64 *visited);

/*
 * Load the label areas of the @n windows @win (core/media.h: several
 * DIMMs' label areas side by side on one simulated medium) into @lsa,
 * with @lsap[i] pointing at @lsa[i], or none of them: 0 or -1. Release
 * with sim_lsa_release().
 */
int sim_lsa_load(struct pmdisk_media_window *win, unsigned int n,
		 struct pmdisk_lsa *lsa, struct pmdisk_lsa **lsap);
void sim_lsa_release(struct pmdisk_lsa *lsa, unsigned int n);

/*
 * Run @op on @sim once for an I/O error at every store: for store n = 1,
 * 2, ... with none, half and all of its words landed, restore the media to
 * @initial, arm the error, run @op and call @check(store = n, words =
 * landed words) on the media as @op left it (no reboot: the caller's state
 * is what is checked against it). When @op completes without reaching
 * store n, @check is called once with store 0 and words -1 and the walk
 * ends. A non-zero value from @check stops the walk and is returned.
 */
int sim_enumerate_errors(struct sim_media *sim, const u8 *initial,
			 sim_op_fn op, sim_check_fn check, void *ctx,
			 u64 *visited);

#endif /* _PMDISK_SIMMEDIA_H */
