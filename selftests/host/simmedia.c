// SPDX-License-Identifier: GPL-2.0
/*
 * The simulated medium: see simmedia.h.
 */
#include <stdlib.h>

#include "simmedia.h"

#define WORD 8ULL

static struct sim_media *to_sim(struct pmdisk_media *m)
{
	return (struct sim_media *)((char *)m - offsetof(struct sim_media, media));
}

u64 sim_store_words(u64 off, u64 len)
{
	if (!len)
		return 0;
	return (off + len + WORD - 1) / WORD - off / WORD;
}

static int sim_read(struct pmdisk_media *m, u64 off, void *buf, size_t len)
{
	memcpy(buf, to_sim(m)->bytes + off, len);
	return 0;
}

#define PAGE 4096ULL

/* Bytes [@off, @off + @len) are about to change: mark their pages. */
static void sim_mark(struct sim_media *sim, u64 off, u64 len)
{
	u64 p;

	if (sim->dirty && len)
		for (p = off / PAGE; p <= (off + len - 1) / PAGE; p++)
			sim->dirty[p] = 1;
}

/* Apply the first @words 8-byte words of a store, cut on media boundaries. */
static void sim_apply_prefix(struct sim_media *sim, u64 off, const u8 *src,
			     u64 len, u64 words)
{
	u64 end = off + len;
	u64 stop;

	sim->cut_changed = false;
	if (!words)
		return;
	stop = (off / WORD + words) * WORD;
	if (stop < end)
		end = stop;
	sim->cut_changed = memcmp(sim->bytes + off, src, end - off) != 0;
	sim_mark(sim, off, end - off);
	memcpy(sim->bytes + off, src, end - off);
}

static int sim_write(struct pmdisk_media *m, u64 off, const void *buf, size_t len)
{
	struct sim_media *sim = to_sim(m);
	u64 n;

	if (sim->power_lost)
		return 0;
	n = ++sim->stores;
	if (sim->cut_at && n == sim->cut_at) {
		u64 words = sim_store_words(off, len);

		sim->cut_store_words = words;
		if (sim->tear_words >= 0 && (u64)sim->tear_words < words)
			words = sim->tear_words;
		sim_apply_prefix(sim, off, buf, len, words);
		sim->power_lost = true;
		return 0;
	}
	if (sim->fail_at && n == sim->fail_at) {
		u64 words = sim_store_words(off, len);

		sim->fail_store_words = words;
		if (sim->fail_words >= 0 && (u64)sim->fail_words < words)
			words = sim->fail_words;
		sim_apply_prefix(sim, off, buf, len, words);
		return -EIO;
	}
	sim_mark(sim, off, len);
	memcpy(sim->bytes + off, buf, len);
	return 0;
}

static void sim_persist(struct pmdisk_media *m)
{
	struct sim_media *sim = to_sim(m);

	if (!sim->power_lost)
		sim->persists++;
}

static const struct pmdisk_media_ops sim_ops = {
	.read = sim_read,
	.write = sim_write,
	.persist = sim_persist,
};

int sim_media_init(struct sim_media *sim, u64 size)
{
	memset(sim, 0, sizeof(*sim));
	sim->bytes = calloc(1, size ? size : 1);
	if (!sim->bytes)
		return -ENOMEM;
	sim->media.ops = &sim_ops;
	sim->media.size = size;
	sim->tear_words = -1;
	sim->fail_words = -1;
	return 0;
}

void sim_media_free(struct sim_media *sim)
{
	free(sim->bytes);
	free(sim->dirty);
	sim->bytes = NULL;
	sim->dirty = NULL;
}

int sim_media_track_stores(struct sim_media *sim)
{
	sim->dirty = calloc(1, sim->media.size / PAGE + 1);
	return sim->dirty ? 0 : -ENOMEM;
}

/*
 * The media back to @initial: whole the first time, then (tracking stores)
 * only the pages stored to since.
 */
static void sim_restore(struct sim_media *sim, const u8 *initial, bool first)
{
	u64 p, pages = sim->media.size / PAGE + 1, len;

	if (!sim->dirty || first) {
		memcpy(sim->bytes, initial, sim->media.size);
		if (sim->dirty)
			memset(sim->dirty, 0, pages);
		return;
	}
	for (p = 0; p < pages; p++) {
		if (!sim->dirty[p])
			continue;
		len = sim->media.size - p * PAGE < PAGE ? sim->media.size - p * PAGE : PAGE;
		memcpy(sim->bytes + p * PAGE, initial + p * PAGE, len);
		sim->dirty[p] = 0;
	}
}

void sim_media_arm_cut(struct sim_media *sim, u64 store, long words)
{
	sim->cut_at = store;
	sim->tear_words = words;
}

void sim_media_arm_error(struct sim_media *sim, u64 store, long words)
{
	sim->fail_at = store;
	sim->fail_words = words;
}

void sim_media_reboot(struct sim_media *sim)
{
	sim->stores = 0;
	sim->persists = 0;
	sim->cut_at = 0;
	sim->tear_words = -1;
	sim->power_lost = false;
	sim->fail_at = 0;
	sim->fail_words = -1;
	sim->fail_store_words = 0;
}

int sim_enumerate_cuts(struct sim_media *sim, const u8 *initial,
		       sim_op_fn op, sim_check_fn check, void *ctx,
		       u64 *visited)
{
	u64 n, count = 0;
	int rc = 0;

	/*
	 * Store n landing whole is the same state as a cut at store n + 1 with
	 * nothing of it landed, so for each store only its torn prefixes
	 * 0..words-1 are visited; the last store landing whole is the run that
	 * completes without a cut, which is checked too (store 0, words -1).
	 */
	for (n = 1; ; n++) {
		long words = 0, max_words = 1;

		for (; words < max_words; words++) {
			sim_restore(sim, initial, n == 1 && words == 0);
			sim_media_reboot(sim);
			sim_media_arm_cut(sim, n, words);
			rc = op(sim, ctx);
			if (!sim->power_lost)
				goto completed;
			max_words = sim->cut_store_words;
			sim_media_reboot(sim);
			count++;
			rc = check(sim, ctx, n, words);
			if (rc)
				goto out;
		}
	}
completed:
	sim_media_reboot(sim);
	count++;
	if (!rc)
		rc = check(sim, ctx, 0, -1);
out:
	if (visited)
		*visited = count;
	return rc;
}

int sim_enumerate_errors(struct sim_media *sim, const u8 *initial,
			 sim_op_fn op, sim_check_fn check, void *ctx,
			 u64 *visited)
{
	u64 n, count = 0;
	int rc = 0;

	for (n = 1; ; n++) {
		long landed[3] = { 0, 0, -1 };
		unsigned int i;

		for (i = 0; i < 3; i++) {
			memcpy(sim->bytes, initial, sim->media.size);
			sim_media_reboot(sim);
			sim_media_arm_error(sim, n, landed[i]);
			op(sim, ctx);
			if (!sim->fail_store_words)
				goto completed;	/* store n never came */
			/* the half-landed case, once the store's size is known */
			landed[1] = (long)(sim->fail_store_words / 2);
			if (i == 1 && !landed[1])
				continue;
			count++;
			rc = check(sim, ctx, n, landed[i]);
			if (rc)
				goto out;
		}
	}
completed:
	sim_media_reboot(sim);
	count++;
	rc = check(sim, ctx, 0, -1);
out:
	sim_media_reboot(sim);
	if (visited)
		*visited = count;
	return rc;
}

int sim_lsa_load(struct pmdisk_media_window *win, unsigned int n,
		 struct pmdisk_lsa *lsa, struct pmdisk_lsa **lsap)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		lsap[i] = &lsa[i];
		if (pmdisk_lsa_load(&lsa[i], &win[i].media)) {
			sim_lsa_release(lsa, i);
			return -1;
		}
	}
	return 0;
}

void sim_lsa_release(struct pmdisk_lsa *lsa, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		pmdisk_lsa_release(&lsa[i]);
}
