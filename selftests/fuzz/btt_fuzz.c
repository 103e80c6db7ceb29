// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: the BTT engine on damaged media.
 *
 * A BTT needs 16 MiB at least, far more than a fuzz input should be, so the
 * input does not hold the image: it edits one of four valid, used BTTs
 * built at startup (the first call), and then drives I/O through it:
 *
 *   image 0  BTT 2.0 at 0, 512-byte sectors, 16 MiB
 *   image 1  BTT 1.1 at 4 KiB, 4096-byte sectors
 *   image 2  BTT 2.0, 512-byte sectors, two 16 MiB arenas
 *   image 3  BTT 1.1, 512-byte sectors, the pre-4.15 (0,2) flog layout
 *
 * Input:
 *   byte 0    bits 0-1 image; bit 2 the namespace claims a BTT; bit 3
 *             reseal every info block's checksum after the edits; bit 4
 *             poison a page (reads fail with -EIO); bit 5 the namespace has
 *             another uuid; bit 6 the medium is shorter; bit 7 look for the
 *             other version (the other start offset)
 *   byte 1    edits (low 4 bits) and operations (high 4 bits) that follow
 *   bytes 2-3 the poisoned page, and by how many pages the medium shrinks
 *   edits     5-byte header: region (bits 0-2: info fields, info2 fields,
 *             map, flog, data, whole info block, anywhere, anywhere; bit 3:
 *             arena 1), length - 1 (bits 0-5), offset (24 bits, taken
 *             modulo the region), then the bytes
 *   ops       5 bytes: kind (bits 0-1: read, write, discard, set-error;
 *             bit 2: a lane past the last), lane, LBA (24 bits, modulo
 *             the sector count + 2, so some are past the end)
 *   16 bytes  if the input goes on: a new parent uuid
 *
 * Then: check without repair (it must not write), load, the operations
 * (each with the read-back its header promises), check again, check with
 * repair and load once more, and give the BTT the new parent. A BTT that
 * check passes must load, stay clean under I/O and read back what was
 * written; one that repair passes must load and pass check; one that loads
 * is found under its new parent too.
 */
#include "fuzz.h"
#include "fuzzmedia.h"
#include "../../driver/core/btt.h"
#include "../../driver/core/label.h"	/* pmdisk_fletcher64() */

#define KiB		(1ULL << 10)
#define MiB		(1ULL << 20)
#define ARENA		(16 * MiB)
#define NIMAGES		4

struct image {
	const char *name;
	u64 size;
	u64 start;
	u32 lbasize;
	unsigned int narenas;
	struct pmdisk_btt_geo geo[2];
	u8 *bytes;
};

static struct image images[NIMAGES] = {
	{ .name = "v2.0-512", .size = ARENA, .start = PMDISK_BTT_START_V2_0,
	  .lbasize = 512, .narenas = 1 },
	{ .name = "v1.1-4096", .size = ARENA + 4 * KiB, .start = PMDISK_BTT_START_V1_1,
	  .lbasize = 4096, .narenas = 1 },
	{ .name = "v2.0-512-two-arenas", .size = 2 * ARENA, .start = PMDISK_BTT_START_V2_0,
	  .lbasize = 512, .narenas = 2 },
	{ .name = "v1.1-512-old-flog", .size = ARENA + 4 * KiB, .start = PMDISK_BTT_START_V1_1,
	  .lbasize = 512, .narenas = 1 },
};

static void make_id(struct pmdisk_btt_id *id, u64 start, u8 parent)
{
	memset(id, 0, sizeof(*id));
	pmdisk_btt_id_for_start(id, start);
	memset(id->uuid, 0xb7, sizeof(id->uuid));
	memset(id->parent_uuid, parent, sizeof(id->parent_uuid));
}

/* A sector's content for the @n-th write: names both, in every word. */
static void pattern(u8 *buf, u32 len, u64 lba, unsigned int n)
{
	u32 i;

	for (i = 0; i < len; i += 8) {
		__le64 w = cpu_to_le64(lba << 32 | (u64)n << 16 | i);

		memcpy(buf + i, &w, sizeof(w));
	}
}

static void seal(struct fuzz_media *fm, u64 off)
{
	struct pmdisk_btt_info info;

	fuzz_media_peek(fm, off, &info, sizeof(info));
	info.checksum = 0;
	info.checksum = cpu_to_le64(pmdisk_fletcher64(&info, sizeof(info), true));
	fuzz_media_poke(fm, off, &info, sizeof(info));
}

/* A used BTT: sectors in every map state, lanes at every sequence number. */
static void use(struct fuzz_media *fm, const struct pmdisk_btt_id *id)
{
	struct pmdisk_btt btt;
	u8 buf[4096];
	unsigned int i;

	if (pmdisk_btt_load(&btt, &fm->media, id, NULL, NULL))
		abort();
	for (i = 0; i < 600; i++) {
		u64 lba = (i * 131ULL) % btt.nlba;

		pattern(buf, btt.lbasize, lba, i);
		if (pmdisk_btt_write(&btt, i % 40, lba, buf))
			abort();
	}
	if (pmdisk_btt_discard(&btt, 7) || pmdisk_btt_set_error(&btt, 9) ||
	    pmdisk_btt_discard(&btt, btt.nlba - 1))
		abort();
	pmdisk_btt_release(&btt);
}

/* Image 3: every lane's second live log slot moved from 1 to 2. */
static void old_flog(struct fuzz_media *fm, const struct pmdisk_btt_geo *g)
{
	struct pmdisk_btt_flog e, zero = { 0 };
	u32 lane;

	for (lane = 0; lane < g->nfree; lane++) {
		u64 slot1 = g->logoff + lane * PMDISK_BTT_FLOG_GROUP + sizeof(e);

		fuzz_media_peek(fm, slot1, &e, sizeof(e));
		if (!e.seq)
			continue;
		fuzz_media_poke(fm, slot1 + sizeof(e), &e, sizeof(e));
		fuzz_media_poke(fm, slot1, &zero, sizeof(zero));
	}
}

static void build(struct image *im)
{
	struct pmdisk_btt_id id;
	struct fuzz_media fm;
	u64 one = im->narenas == 2 ? ARENA : im->size;

	make_id(&id, im->start, 0x5a);
	if (fuzz_media_init(&fm, NULL, 0, im->size))
		abort();
	/* arena 0 alone first: format lays out one arena below 512 GiB */
	fm.media.size = one;
	if (pmdisk_btt_format(&fm.media, &id, im->lbasize, NULL, NULL) ||
	    pmdisk_btt_layout(im->start, one - im->start, im->lbasize, im->geo, 1) != 1)
		abort();
	fm.media.size = im->size;
	if (im->narenas == 2) {
		/* a copy of it behind, and arena 0 pointing there (both infos) */
		struct pmdisk_btt_info info;
		u8 page[FUZZ_PAGE];
		u64 off;

		for (off = 0; off < ARENA; off += sizeof(page)) {
			fuzz_media_peek(&fm, off, page, sizeof(page));
			fuzz_media_poke(&fm, ARENA + off, page, sizeof(page));
		}
		fuzz_media_peek(&fm, im->geo[0].off, &info, sizeof(info));
		info.nextoff = cpu_to_le64(ARENA);
		fuzz_media_poke(&fm, im->geo[0].off, &info, sizeof(info));
		fuzz_media_poke(&fm, im->geo[0].info2off, &info, sizeof(info));
		seal(&fm, im->geo[0].off);
		seal(&fm, im->geo[0].info2off);
		im->geo[0].nextoff = ARENA;
		im->geo[1] = im->geo[0];
		im->geo[1].off += ARENA;
		im->geo[1].dataoff += ARENA;
		im->geo[1].mapoff += ARENA;
		im->geo[1].logoff += ARENA;
		im->geo[1].info2off += ARENA;
		im->geo[1].nextoff = 0;
	}
	use(&fm, &id);
	if (im == &images[3])
		old_flog(&fm, &im->geo[0]);
	im->bytes = malloc(im->size);
	if (!im->bytes)
		abort();
	fuzz_media_peek(&fm, 0, im->bytes, im->size);
	fuzz_media_free(&fm);
}

/* Apply one edit; false when the input has ended. */
static bool edit(struct fuzz_media *fm, const struct image *im, struct fuzz_in *in)
{
	u8 where = fuzz_u8(in), len = (fuzz_u8(in) & 63) + 1, bytes[64];
	u32 off = fuzz_le(in, 3), i;
	const struct pmdisk_btt_geo *g = &im->geo[(where & 8) && im->narenas == 2];
	u64 lo, span;

	if (!in->n)
		return false;
	switch (where & 7) {
	case 0:		/* info: its fields */
	case 1:		/* info2: its fields */
		lo = where & 1 ? g->info2off : g->off;
		span = 128;
		break;
	case 2:
		lo = g->mapoff;
		span = 4ULL * g->external_nlba;
		break;
	case 3:
		lo = g->logoff;
		span = (u64)g->nfree * PMDISK_BTT_FLOG_GROUP;
		break;
	case 4:		/* the first blocks of data */
		lo = g->dataoff;
		span = 64 * KiB;
		break;
	case 5:		/* info: all of it, checksum and padding too */
		lo = g->off;
		span = PMDISK_BTT_INFO_SIZE;
		break;
	default:	/* anywhere */
		lo = 0;
		span = fm->media.size;
		break;
	}
	for (i = 0; i < len; i++)
		bytes[i] = fuzz_u8(in);
	lo += off % span;
	if (lo < fm->media.size)
		fuzz_media_poke(fm, lo, bytes, min_t(u64, len, fm->media.size - lo));
	return true;
}

static void note(void *ctx, const char *msg)
{
	FUZZ_CHECK(strlen(msg) < 160, "note too long");
}

static int progress(void *ctx, u64 done, u64 total)
{
	return 0;
}

static int check(struct fuzz_media *fm, const struct pmdisk_btt_id *want, bool repair,
		 bool poisoned)
{
	struct pmdisk_btt_check_report r;
	int rc;

	fm->readonly = !repair;
	rc = pmdisk_btt_check(&fm->media, want, repair, &r, note, progress, NULL);
	fm->readonly = false;
	FUZZ_CHECK(rc == 0 || rc == -EUCLEAN || rc == -ENOENT || (poisoned && rc == -EIO),
		   "check%s returned %d", repair ? " --repair" : "", rc);
	FUZZ_CHECK(rc || (!r.flog_bad && !r.blocks_missing && !r.blocks_duplicate &&
			  !r.map_bad && r.arenas), "check passed a BTT its report finds damaged");
	return rc;
}

static int load(struct pmdisk_btt *btt, struct fuzz_media *fm,
		const struct pmdisk_btt_id *want, bool poisoned)
{
	int rc = pmdisk_btt_load(btt, &fm->media, want, note, NULL);

	FUZZ_CHECK(rc == 0 || rc == -EUCLEAN || rc == -ENOENT || (poisoned && rc == -EIO),
		   "load returned %d", rc);
	FUZZ_CHECK(rc || (btt->narenas && btt->nlba && btt->nlanes &&
			  (btt->lbasize == 512 || btt->lbasize == 4096)), "a loaded BTT without sectors");
	return rc;
}

/* One operation, and what btt.h promises of its result. */
static void op(struct pmdisk_btt *btt, struct fuzz_in *in, unsigned int n,
	       u8 *buf, u8 *want, bool poisoned)
{
	u8 kind = fuzz_u8(in);
	unsigned int lane = fuzz_u8(in) + (kind & 4 ? btt->nlanes : 0);
	u64 lba = fuzz_le(in, 3) % (btt->nlba + 2);
	bool valid = lane < btt->nlanes && lba < btt->nlba;
	int rc, rc2 = 0;

	switch (kind & 3) {
	case 0:
		rc = pmdisk_btt_read(btt, lane, lba, buf);
		FUZZ_CHECK(valid ? rc == 0 || rc == -EIO : rc == -EINVAL, "read: %d", rc);
		return;
	case 1:
		pattern(want, btt->lbasize, lba, n);
		rc = pmdisk_btt_write(btt, lane, lba, want);
		FUZZ_CHECK(valid ? rc == 0 || rc == -EIO || rc == -EROFS : rc == -EINVAL,
			   "write: %d", rc);
		break;
	case 2:
		memset(want, 0, btt->lbasize);
		rc = pmdisk_btt_discard(btt, lba);
		break;
	default:
		rc = pmdisk_btt_set_error(btt, lba);
		break;
	}
	FUZZ_CHECK(rc <= 0 && (lba < btt->nlba || rc == -EINVAL), "op %u: %d", kind & 3, rc);
	if (rc || !valid)
		return;
	rc2 = pmdisk_btt_read(btt, lane, lba, buf);
	if ((kind & 3) == 3) {
		FUZZ_CHECK(rc2 == -EIO, "a sector set in error reads: %d", rc2);
		return;
	}
	if (poisoned)
		return;
	FUZZ_CHECK(rc2 == 0, "lba %llu: read after %s: %d", (unsigned long long)lba,
		   kind & 1 ? "write" : "discard", rc2);
	FUZZ_CHECK(!memcmp(buf, want, btt->lbasize), "lba %llu does not read back as %s",
		   (unsigned long long)lba, kind & 1 ? "written" : "zeroes");
}

/* pmdisk_btt_set_parent(): a BTT that loaded before loads under the new uuid. */
static void new_parent(struct fuzz_media *fm, const struct pmdisk_btt_id *want,
		       struct fuzz_in *in, bool poisoned)
{
	struct pmdisk_btt_id moved = *want;
	struct pmdisk_btt btt;
	int before, rc;
	unsigned int i;

	for (i = 0; i < sizeof(moved.parent_uuid); i++)
		moved.parent_uuid[i] = fuzz_u8(in);
	before = load(&btt, fm, want, poisoned);
	if (!before)
		pmdisk_btt_release(&btt);
	rc = pmdisk_btt_set_parent(&fm->media, want, moved.parent_uuid);
	FUZZ_CHECK(rc == 0 || rc == -EUCLEAN || rc == -ENOENT || (poisoned && rc == -EIO),
		   "set_parent returned %d", rc);
	if (before || poisoned)
		return;
	FUZZ_CHECK(!rc, "set_parent on a BTT that loads returned %d", rc);
	FUZZ_CHECK(!load(&btt, fm, &moved, false), "no BTT under its new parent");
	pmdisk_btt_release(&btt);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fuzz_media media[NIMAGES];
	static bool ready;
	struct fuzz_in in = { data, size };
	struct pmdisk_btt_id want;
	struct pmdisk_btt btt;
	struct fuzz_media *fm;
	const struct image *im;
	u8 flags, counts, *buf, *want_buf;
	unsigned int i, nops;
	bool poisoned;
	u32 param;
	int rc_check, rc;

	if (!ready) {
		for (i = 0; i < NIMAGES; i++) {
			build(&images[i]);
			if (fuzz_media_init(&media[i], images[i].bytes, images[i].size,
					    images[i].size))
				abort();
		}
		ready = true;
	}
	flags = fuzz_u8(&in);
	counts = fuzz_u8(&in);
	param = fuzz_le(&in, 2);
	im = &images[flags & 3];
	fm = &media[flags & 3];
	fuzz_media_reset(fm);
	fm->media.size = im->size;
	if (flags & 0x40)
		fm->media.size -= (u64)(param % (im->size / FUZZ_PAGE)) * FUZZ_PAGE;
	poisoned = flags & 0x10;
	make_id(&want, im->start, flags & 0x20 ? 0x77 : 0x5a);
	want.claimed = flags & 4;
	if (flags & 0x80)
		pmdisk_btt_id_for_start(&want, im->start ? PMDISK_BTT_START_V2_0 :
							    PMDISK_BTT_START_V1_1);

	for (i = 0; i < (counts & 15u) && edit(fm, im, &in); i++)
		;
	if (flags & 8) {
		for (i = 0; i < im->narenas; i++) {
			if (im->geo[i].info2off + PMDISK_BTT_INFO_SIZE > fm->media.size)
				break;
			seal(fm, im->geo[i].off);
			seal(fm, im->geo[i].info2off);
		}
	}
	if (poisoned) {
		fm->poison_off = (u64)(param % (fm->media.size / FUZZ_PAGE)) * FUZZ_PAGE;
		fm->poison_len = FUZZ_PAGE;
	}

	rc_check = check(fm, &want, false, poisoned);
	rc = load(&btt, fm, &want, poisoned);
	FUZZ_CHECK(rc == 0 || rc_check || poisoned, "check passes, load returns %d", rc);
	if (!rc) {
		buf = malloc(btt.lbasize);	/* exact: ASan sees any overrun */
		want_buf = malloc(btt.lbasize);
		if (!buf || !want_buf)
			abort();
		nops = counts >> 4;
		for (i = 0; i < nops && in.n; i++)
			op(&btt, &in, i, buf, want_buf, poisoned);
		free(buf);
		free(want_buf);
		pmdisk_btt_release(&btt);
		if (!rc_check && !poisoned)
			FUZZ_CHECK(!check(fm, &want, false, false), "I/O made a clean BTT unclean");
	}
	if (!check(fm, &want, true, poisoned) && !poisoned) {
		FUZZ_CHECK(!load(&btt, fm, &want, false), "repaired, load fails");
		pmdisk_btt_release(&btt);
		FUZZ_CHECK(!check(fm, &want, false, false), "repaired, check fails");
	}
	if (in.n)
		new_parent(fm, &want, &in, poisoned);
	fuzz_media_reset(fm);
	return 0;
}

/* ---- seeds: each image, plain and with a few edits and operations ------- */

struct seed_buf {
	u8 b[512];
	size_t n;
};

static void put(struct seed_buf *sb, const void *p, size_t len)
{
	memcpy(sb->b + sb->n, p, len);
	sb->n += len;
}

static void put_le(struct seed_buf *sb, u32 v, unsigned int bytes)
{
	while (bytes--) {
		sb->b[sb->n++] = v & 0xff;
		v >>= 8;
	}
}

/* Header, then @nedits edits from @edits (already encoded), then ops. */
static void seed(struct fuzz_seeder *s, const char *name, u8 flags, u16 param,
		 const u8 *edits, size_t edits_len, unsigned int nedits, u8 parent)
{
	static const u8 ops[][5] = {
		{ 1, 3, 0x10, 0, 0 },		/* write lba 16 on lane 3 */
		{ 0, 4, 0x10, 0, 0 },		/* read it */
		{ 2, 5, 0x07, 0, 0 },		/* discard lba 7 */
		{ 3, 6, 0x11, 0, 0 },		/* set lba 17 in error */
		{ 1, 255, 0xff, 0x7f, 0 },	/* write far up, last lane */
		{ 0, 0, 0x09, 0, 0 },		/* read the error sector */
	};
	struct seed_buf sb = { .n = 0 };

	put_le(&sb, flags, 1);
	put_le(&sb, nedits | ARRAY_SIZE(ops) << 4, 1);
	put_le(&sb, param, 2);
	put(&sb, edits, edits_len);
	put(&sb, ops, sizeof(ops));
	if (parent) {
		memset(sb.b + sb.n, parent, 16);
		sb.n += 16;
	}
	s->seed(s, name, sb.b, sb.n);
}

void fuzz_seeds(struct fuzz_seeder *s)
{
	/* region 0 (info fields) at offset 60 (external_nlba): 4 bytes */
	static const u8 nlba[] = { 0, 3, 60, 0, 0, 0x00, 0x10, 0, 0 };
	/* region 3 (flog) lane 2's slot 0 seq: 4 bytes */
	static const u8 flog[] = { 3, 3, 140, 0, 0, 2, 0, 0, 0 };
	/* region 2 (map) entry 16: a block in normal state, 4 bytes */
	static const u8 map[] = { 2, 3, 64, 0, 0, 0x01, 0x00, 0x00, 0xc0 };
	char name[64];
	unsigned int i;

	for (i = 0; i < NIMAGES; i++) {
		snprintf(name, sizeof(name), "%s", images[i].name);
		seed(s, name, i, 0, NULL, 0, 0, 0);
		snprintf(name, sizeof(name), "%s-claimed-nlba-resealed", images[i].name);
		seed(s, name, i | 4 | 8, 0, nlba, sizeof(nlba), 1, 0);
		snprintf(name, sizeof(name), "%s-flog-seq", images[i].name);
		seed(s, name, i, 0, flog, sizeof(flog), 1, 0);
		snprintf(name, sizeof(name), "%s-new-parent", images[i].name);
		seed(s, name, i, 0, NULL, 0, 0, 0x66);
		snprintf(name, sizeof(name), "%s-map-poisoned", images[i].name);
		seed(s, name, i | 0x10, 5, map, sizeof(map), 1, 0);
	}
	seed(s, "v2.0-512-short", 0x40, 2048, NULL, 0, 0, 0);
	seed(s, "v2.0-512-two-arenas-short", 0x42, 1024, NULL, 0, 0, 0);
}
