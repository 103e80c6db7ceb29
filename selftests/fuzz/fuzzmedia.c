// SPDX-License-Identifier: GPL-2.0
/*
 * The fuzzers' copy-on-write medium: see fuzzmedia.h.
 */
#include <stdlib.h>

#include "fuzzmedia.h"

static struct fuzz_media *to_fm(struct pmdisk_media *m)
{
	return (struct fuzz_media *)((char *)m - offsetof(struct fuzz_media, media));
}

/* Copy page @p's current bytes, private or base, into @dst. */
static void page_get(struct fuzz_media *fm, u32 p, u8 *dst)
{
	u64 start = (u64)p * FUZZ_PAGE, n = 0;

	if (fm->page[p]) {
		memcpy(dst, fm->page[p], FUZZ_PAGE);
		return;
	}
	if (start < fm->base_len) {
		n = min_t(u64, FUZZ_PAGE, fm->base_len - start);
		memcpy(dst, fm->base + start, n);
	}
	memset(dst + n, 0, FUZZ_PAGE - n);
}

/* Page @p made private, ready for a store. */
static u8 *page_own(struct fuzz_media *fm, u32 p)
{
	if (!fm->page[p]) {
		u8 *copy = malloc(FUZZ_PAGE);

		if (!copy)
			abort();	/* the fuzzer's memory limit: not a finding */
		page_get(fm, p, copy);
		fm->page[p] = copy;
		fm->dirty[fm->ndirty++] = p;
	}
	return fm->page[p];
}

void fuzz_media_peek(struct fuzz_media *fm, u64 off, void *buf, u64 len)
{
	u8 *dst = buf;

	while (len) {
		u32 p = off / FUZZ_PAGE, in = off % FUZZ_PAGE;
		u64 n = min_t(u64, len, FUZZ_PAGE - in);
		u64 start = (u64)p * FUZZ_PAGE;

		if (fm->page[p])
			memcpy(dst, fm->page[p] + in, n);
		else if (start + in + n <= fm->base_len)
			memcpy(dst, fm->base + start + in, n);
		else {
			u8 tmp[FUZZ_PAGE];

			page_get(fm, p, tmp);
			memcpy(dst, tmp + in, n);
		}
		dst += n;
		off += n;
		len -= n;
	}
}

void fuzz_media_poke(struct fuzz_media *fm, u64 off, const void *buf, u64 len)
{
	const u8 *src = buf;

	while (len) {
		u32 p = off / FUZZ_PAGE, in = off % FUZZ_PAGE;
		u64 n = min_t(u64, len, FUZZ_PAGE - in);

		memcpy(page_own(fm, p) + in, src, n);
		src += n;
		off += n;
		len -= n;
	}
}

static int fm_read(struct pmdisk_media *m, u64 off, void *buf, size_t len)
{
	struct fuzz_media *fm = to_fm(m);

	if (fm->poison_len && off < fm->poison_off + fm->poison_len &&
	    fm->poison_off < off + len)
		return -EIO;
	fuzz_media_peek(fm, off, buf, len);
	return 0;
}

static int fm_write(struct pmdisk_media *m, u64 off, const void *buf, size_t len)
{
	struct fuzz_media *fm = to_fm(m);

	if (fm->readonly) {
		fprintf(stderr, "fuzzmedia: write of %zu bytes at 0x%llx to a medium the caller must not write\n",
			len, (unsigned long long)off);
		abort();
	}
	fuzz_media_poke(fm, off, buf, len);
	return 0;
}

static void fm_persist(struct pmdisk_media *m)
{
}

static const struct pmdisk_media_ops fm_ops = {
	.read = fm_read,
	.write = fm_write,
	.persist = fm_persist,
};

int fuzz_media_init(struct fuzz_media *fm, const u8 *base, u64 base_len,
		    u64 size)
{
	memset(fm, 0, sizeof(*fm));
	fm->npages = DIV_ROUND_UP(size, FUZZ_PAGE);
	fm->page = calloc(fm->npages ? fm->npages : 1, sizeof(*fm->page));
	fm->dirty = calloc(fm->npages ? fm->npages : 1, sizeof(*fm->dirty));
	if (!fm->page || !fm->dirty) {
		fuzz_media_free(fm);
		return -ENOMEM;
	}
	fm->media.ops = &fm_ops;
	fm->media.size = size;
	fm->base = base;
	fm->base_len = min_t(u64, base_len, size);
	return 0;
}

void fuzz_media_reset(struct fuzz_media *fm)
{
	while (fm->ndirty) {
		u32 p = fm->dirty[--fm->ndirty];

		free(fm->page[p]);
		fm->page[p] = NULL;
	}
	fm->readonly = false;
	fm->poison_len = 0;
}

void fuzz_media_free(struct fuzz_media *fm)
{
	if (fm->page)
		fuzz_media_reset(fm);
	free(fm->page);
	free(fm->dirty);
	fm->page = NULL;
	fm->dirty = NULL;
}
