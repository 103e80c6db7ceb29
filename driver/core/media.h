/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The media interface of the portable core: read bytes, write bytes, and a
 * persist barrier.
 *
 * On-media formats (labels, BTT) do all their I/O through these three
 * helpers, so the same code runs on a mapped pmem range in the kernel and on
 * a simulated medium in host tests that can lose power after any store.
 *
 * Durability contract: bytes passed to pmdisk_media_write() may still sit in a
 * volatile cache until pmdisk_media_persist() returns; after it returns,
 * everything written before the call survives a power cut. A single write is
 * not atomic: a power cut may leave any 8-byte aligned prefix of it on media.
 */
#ifndef _PMDISK_CORE_MEDIA_H
#define _PMDISK_CORE_MEDIA_H

#include "compat.h"

struct pmdisk_media;

struct pmdisk_media_ops {
	int (*read)(struct pmdisk_media *m, u64 off, void *buf, size_t len);
	int (*write)(struct pmdisk_media *m, u64 off, const void *buf, size_t len);
	void (*persist)(struct pmdisk_media *m);
};

struct pmdisk_media {
	const struct pmdisk_media_ops *ops;
	u64 size;	/* bytes addressable through this medium */
};

/* True when [off, off + len) lies inside the medium (and does not wrap). */
static inline bool pmdisk_media_range_ok(const struct pmdisk_media *m, u64 off,
				      u64 len)
{
	return off <= m->size && len <= m->size - off;
}

static inline int pmdisk_media_read(struct pmdisk_media *m, u64 off, void *buf,
				 size_t len)
{
	if (!pmdisk_media_range_ok(m, off, len))
		return -ERANGE;
	return m->ops->read(m, off, buf, len);
}

static inline int pmdisk_media_write(struct pmdisk_media *m, u64 off,
				  const void *buf, size_t len)
{
	if (!pmdisk_media_range_ok(m, off, len))
		return -ERANGE;
	return m->ops->write(m, off, buf, len);
}

static inline void pmdisk_media_persist(struct pmdisk_media *m)
{
	m->ops->persist(m);
}

/*
 * A window of @size bytes at @base of another medium, as a medium of its
 * own: a namespace inside a region, a label area at the end of an image
 * file, the label areas of several DIMMs side by side on one simulated
 * medium (so one cut point counts the stores to all of them).
 */
struct pmdisk_media_window {
	struct pmdisk_media media;
	struct pmdisk_media *under;
	u64 base;
};

static inline int pmdisk_window_read(struct pmdisk_media *m, u64 off, void *buf,
				     size_t len)
{
	struct pmdisk_media_window *w = (struct pmdisk_media_window *)m;

	return pmdisk_media_read(w->under, w->base + off, buf, len);
}

static inline int pmdisk_window_write(struct pmdisk_media *m, u64 off,
				      const void *buf, size_t len)
{
	struct pmdisk_media_window *w = (struct pmdisk_media_window *)m;

	return pmdisk_media_write(w->under, w->base + off, buf, len);
}

static inline void pmdisk_window_persist(struct pmdisk_media *m)
{
	pmdisk_media_persist(((struct pmdisk_media_window *)m)->under);
}

static inline void pmdisk_media_window_init(struct pmdisk_media_window *w,
					    struct pmdisk_media *under, u64 base,
					    u64 size)
{
	static const struct pmdisk_media_ops window_ops = {
		.read = pmdisk_window_read,
		.write = pmdisk_window_write,
		.persist = pmdisk_window_persist,
	};

	w->media.ops = &window_ops;
	w->media.size = size;
	w->under = under;
	w->base = base;
}

#endif /* _PMDISK_CORE_MEDIA_H */
