// SPDX-License-Identifier: GPL-2.0
/*
 * The BTT engine: layout, format, load with roll-forward recovery, atomic
 * sector reads and writes, and an offline check. See btt.h for the format.
 *
 * Which version lives where (Linux nd_btt_version() decides the same way,
 * and accepts only the exact version it expects):
 *
 *   namespace                          version   first info block
 *   v1.2 labels, BTT2 abstraction GUID   2.0       offset 0
 *   v1.1 labels, or label-less           1.1       offset 4 KiB
 *
 * A sector write, and what a power cut between its steps leaves:
 *
 *   1. data -> lane's free block        cut: map still names the old block
 *      log half 1 (lba, old_map)        (the half lands in the lane's older
 *      persist                           slot, whose seq still says "older")
 *   2. log half 2 (new_map, seq)        cut: the log names the switch; load
 *      persist                           rolls the map forward to the new block
 *   3. map[lba] = new block             done; the old block is the lane's
 *      persist                           next free block
 *
 * Linux persists after the data and after each log half (four fences per
 * sector); folding half 1 into the data's fence leaves no state Linux could
 * not leave itself, since half 1 is invisible until half 2's seq lands.
 */
#include "btt.h"
#include "label.h"	/* pmdisk_fletcher64() */

static const u8 btt_sig[PMDISK_BTT_SIG_LEN] = PMDISK_BTT_SIG;

/* The flog's sequence numbers cycle 1 -> 2 -> 3 -> 1; 0 is "never used". */
static u32 seq_next(u32 seq)
{
	return seq % 3 + 1;
}

void pmdisk_btt_id_for_start(struct pmdisk_btt_id *id, u64 start)
{
	id->start = start;
	if (start == PMDISK_BTT_START_V2_0) {
		id->version_major = 2;
		id->version_minor = 0;
	} else {
		id->version_major = 1;
		id->version_minor = 1;
	}
}

/* ---- address math ------------------------------------------------------ */

static u64 map_entry_off(const struct pmdisk_btt_geo *g, u32 premap)
{
	return g->mapoff + (u64)premap * sizeof(__le32);
}

static u64 block_off(const struct pmdisk_btt_geo *g, u32 block)
{
	return g->dataoff + (u64)block * g->internal_lbasize;
}

static u64 flog_off(const struct pmdisk_btt_geo *g, u32 lane, unsigned int slot)
{
	return g->logoff + (u64)lane * PMDISK_BTT_FLOG_GROUP +
	       slot * sizeof(struct pmdisk_btt_flog);
}

/* The block a map entry names: its own LBA while never written. */
static u32 map_block(u32 entry, u32 premap)
{
	return (entry & PMDISK_BTT_MAP_NORMAL) ? entry & PMDISK_BTT_MAP_BLOCK : premap;
}

/* ---- layout ------------------------------------------------------------ */

/* One arena of @size bytes at @off, as Linux's alloc_arena() lays it out. */
static void arena_geometry(u64 off, u64 size, u32 lbasize,
			   struct pmdisk_btt_geo *g)
{
	u64 logsize = ALIGN((u64)PMDISK_BTT_NFREE * PMDISK_BTT_FLOG_GROUP,
			    PMDISK_BTT_PAGE);
	u64 avail = ALIGN_DOWN(size, PMDISK_BTT_PAGE) - 2 * PMDISK_BTT_PAGE - logsize;
	u64 mapsize;

	memset(g, 0, sizeof(*g));
	g->off = off;
	g->external_lbasize = lbasize;
	g->internal_lbasize = ALIGN(lbasize, PMDISK_BTT_LBASIZE_ALIGN);
	g->nfree = PMDISK_BTT_NFREE;
	/* the page of slack lets the map round up to a page */
	g->internal_nlba = (avail - PMDISK_BTT_PAGE) /
			   (g->internal_lbasize + sizeof(__le32));
	g->external_nlba = g->internal_nlba - g->nfree;
	mapsize = ALIGN((u64)g->external_nlba * sizeof(__le32), PMDISK_BTT_PAGE);
	g->dataoff = off + PMDISK_BTT_PAGE;
	g->mapoff = g->dataoff + (avail - mapsize);
	g->logoff = g->mapoff + mapsize;
	g->info2off = g->logoff + logsize;
}

/*
 * Arena @i of a BTT over @rawsize bytes from @start: arenas of 512 GiB, the
 * last takes the rest, a rest under 16 MiB is not used. False: no arena @i.
 */
static bool layout_arena(u64 start, u64 rawsize, u32 lbasize, unsigned int i,
			 struct pmdisk_btt_geo *g)
{
	u64 before = (u64)i * PMDISK_BTT_ARENA_MAX;
	u64 size, after;

	if (before >= rawsize)
		return false;
	size = min_t(u64, PMDISK_BTT_ARENA_MAX, rawsize - before);
	if (size < PMDISK_BTT_ARENA_MIN)
		return false;
	after = rawsize - before - size;
	arena_geometry(start + before, size, lbasize, g);
	g->nextoff = after >= PMDISK_BTT_ARENA_MIN ? size : 0;
	return true;
}

int pmdisk_btt_layout(u64 start, u64 rawsize, u32 lbasize,
		      struct pmdisk_btt_geo *geo, unsigned int max)
{
	struct pmdisk_btt_geo g;
	unsigned int n;

	if (lbasize != 512 && lbasize != 4096)
		return -EINVAL;
	for (n = 0; layout_arena(start, rawsize, lbasize, n, &g); n++) {
		if (!geo)
			continue;
		if (n == max)
			return -E2BIG;
		geo[n] = g;
	}
	return n;
}

u64 pmdisk_btt_nlba(u64 start, u64 rawsize, u32 lbasize)
{
	struct pmdisk_btt_geo g;
	unsigned int n;
	u64 nlba = 0;

	if (lbasize != 512 && lbasize != 4096)
		return 0;
	for (n = 0; layout_arena(start, rawsize, lbasize, n, &g); n++)
		nlba += g.external_nlba;
	return nlba;
}

/* ---- info blocks ------------------------------------------------------- */

/* Fletcher-64 of @info with its checksum field taken as zero. */
static u64 info_checksum(struct pmdisk_btt_info *info)
{
	__le64 saved = info->checksum;
	u64 sum;

	info->checksum = 0;
	sum = pmdisk_fletcher64(info, sizeof(*info), true);
	info->checksum = saved;
	return sum;
}

static void info_build(struct pmdisk_btt_info *info, const struct pmdisk_btt_geo *g,
		       const struct pmdisk_btt_id *id)
{
	memset(info, 0, sizeof(*info));
	memcpy(info->sig, btt_sig, sizeof(info->sig));
	memcpy(info->uuid, id->uuid, sizeof(info->uuid));
	memcpy(info->parent_uuid, id->parent_uuid, sizeof(info->parent_uuid));
	info->version_major = cpu_to_le16(id->version_major);
	info->version_minor = cpu_to_le16(id->version_minor);
	info->external_lbasize = cpu_to_le32(g->external_lbasize);
	info->external_nlba = cpu_to_le32(g->external_nlba);
	info->internal_lbasize = cpu_to_le32(g->internal_lbasize);
	info->internal_nlba = cpu_to_le32(g->internal_nlba);
	info->nfree = cpu_to_le32(g->nfree);
	info->infosize = cpu_to_le32(PMDISK_BTT_INFO_SIZE);
	info->nextoff = cpu_to_le64(g->nextoff);
	info->dataoff = cpu_to_le64(g->dataoff - g->off);
	info->mapoff = cpu_to_le64(g->mapoff - g->off);
	info->logoff = cpu_to_le64(g->logoff - g->off);
	info->info2off = cpu_to_le64(g->info2off - g->off);
	info->checksum = cpu_to_le64(info_checksum(info));
}

static bool uuid_is_zero(const u8 *uuid)
{
	static const u8 zero[16];

	return !memcmp(uuid, zero, sizeof(zero));
}

/* @off relative to an arena at @base: 4 KiB aligned and inside @limit. */
static bool rel_ok(u64 off, u64 limit)
{
	return off % PMDISK_BTT_PAGE == 0 && off < limit;
}

/*
 * Validate @info as the info block of an arena at @base on a medium of
 * @media_size bytes, for a BTT that must be @want. Fills @g. Returns NULL,
 * or why it is not valid. Every field is checked, as the media is hostile.
 */
static const char *info_invalid(struct pmdisk_btt_info *info, u64 base,
				u64 media_size, const struct pmdisk_btt_id *want,
				struct pmdisk_btt_geo *g)
{
	u64 limit = media_size - base;	/* base < media_size: read succeeded */
	u64 end;

	if (memcmp(info->sig, btt_sig, sizeof(btt_sig)))
		return "no BTT signature";
	if (!uuid_is_zero(info->parent_uuid) &&
	    memcmp(info->parent_uuid, want->parent_uuid, sizeof(info->parent_uuid)))
		return "it belongs to another namespace (parent uuid)";
	if (le64_to_cpu(info->checksum) != info_checksum(info))
		return "bad checksum";
	if (le16_to_cpu(info->version_major) != want->version_major ||
	    le16_to_cpu(info->version_minor) != want->version_minor)
		return "wrong version for its offset";
	if (le32_to_cpu(info->infosize) != PMDISK_BTT_INFO_SIZE)
		return "bad info block size";

	memset(g, 0, sizeof(*g));
	g->off = base;
	g->external_lbasize = le32_to_cpu(info->external_lbasize);
	g->internal_lbasize = le32_to_cpu(info->internal_lbasize);
	g->internal_nlba = le32_to_cpu(info->internal_nlba);
	g->external_nlba = le32_to_cpu(info->external_nlba);
	g->nfree = le32_to_cpu(info->nfree);
	if (g->external_lbasize != 512 && g->external_lbasize != 4096)
		return "sector size is not 512 or 4096";
	if (g->internal_lbasize < g->external_lbasize ||
	    g->internal_lbasize > 2 * g->external_lbasize ||
	    g->internal_lbasize % 8)
		return "bad internal block size";
	if (g->nfree < PMDISK_BTT_NFREE)
		return "fewer than 256 free blocks";
	if (g->nfree > PMDISK_BTT_NFREE_MAX)
		return "more free blocks than any writer makes";
	if (g->internal_nlba > PMDISK_BTT_MAP_BLOCK ||
	    g->internal_nlba <= g->nfree ||
	    g->external_nlba != g->internal_nlba - g->nfree)
		return "inconsistent block counts";

	/* each structure inside the arena, in order, none overlapping */
	if (!rel_ok(le64_to_cpu(info->dataoff), limit) ||
	    !rel_ok(le64_to_cpu(info->mapoff), limit) ||
	    !rel_ok(le64_to_cpu(info->logoff), limit) ||
	    !rel_ok(le64_to_cpu(info->info2off), limit))
		return "a structure lies outside the namespace";
	g->dataoff = base + le64_to_cpu(info->dataoff);
	g->mapoff = base + le64_to_cpu(info->mapoff);
	g->logoff = base + le64_to_cpu(info->logoff);
	g->info2off = base + le64_to_cpu(info->info2off);
	if (g->dataoff < base + PMDISK_BTT_INFO_SIZE ||
	    g->dataoff + (u64)g->internal_nlba * g->internal_lbasize > g->mapoff ||
	    g->mapoff + (u64)g->external_nlba * sizeof(__le32) > g->logoff ||
	    g->logoff + (u64)g->nfree * PMDISK_BTT_FLOG_GROUP > g->info2off)
		return "structures overlap";
	end = g->info2off + PMDISK_BTT_INFO_SIZE;	/* <= media_size: rel_ok */
	if (end > media_size)
		return "backup info block lies outside the namespace";

	g->nextoff = le64_to_cpu(info->nextoff);
	if (g->nextoff) {
		if (g->nextoff > limit || g->nextoff < end - base ||
		    g->nextoff < PMDISK_BTT_ARENA_MIN ||
		    limit - g->nextoff < PMDISK_BTT_ARENA_MIN)
			return "bad offset of the next arena";
	}
	return NULL;
}

/* Where arena @i's backup info block lies when its primary is unreadable. */
static u64 expected_info2(u64 start, u64 rawsize, u64 base)
{
	u64 size = min_t(u64, PMDISK_BTT_ARENA_MAX, rawsize - (base - start));

	return base + ALIGN_DOWN(size, PMDISK_BTT_PAGE) - PMDISK_BTT_INFO_SIZE;
}

/* ---- notes ------------------------------------------------------------- */

struct btt_notes {
	pmdisk_btt_note_fn note;
	void *ctx;
};

static void btt_note(const struct btt_notes *n, const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	if (!n || !n->note)
		return;	/* a silent pass */
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	n->note(n->ctx, msg);
}

/*
 * Read and validate the info block pair of the arena at @base. Returns 0
 * with @g from the primary when valid, else from a valid backup (*@backup
 * set); -ENOENT when neither is valid. Reasons go to @why_primary/_backup.
 */
static int arena_info(struct pmdisk_media *m, const struct pmdisk_btt_id *want,
		      u64 base, struct pmdisk_btt_info *info,
		      struct pmdisk_btt_info *info2, struct pmdisk_btt_geo *g,
		      const char **why_primary, const char **why_backup)
{
	struct pmdisk_btt_geo g2;
	bool unreadable;
	u64 off2;

	/* poison in either block is damage like any other: try the other one */
	*why_backup = NULL;
	unreadable = pmdisk_media_read(m, base, info, sizeof(*info));
	if (unreadable) {
		memset(info, 0, sizeof(*info));
		*why_primary = "unreadable (media error)";
	} else {
		*why_primary = info_invalid(info, base, m->size, want, g);
	}
	off2 = *why_primary ? expected_info2(want->start, m->size - want->start, base) :
			      g->info2off;
	if (pmdisk_media_read(m, off2, info2, sizeof(*info2))) {
		memset(info2, 0, sizeof(*info2));
		*why_backup = "unreadable (media error)";
	} else {
		*why_backup = info_invalid(info2, base, m->size, want, &g2);
		if (!*why_backup && g2.info2off != off2)
			*why_backup = "it names another backup location";
	}
	if (!*why_primary)
		return 0;
	if (*why_backup)
		return -ENOENT;
	if (!want->claimed && !unreadable && memcmp(info->sig, btt_sig, sizeof(btt_sig))) {
		/* not a damaged BTT but none at all (see btt.h) */
		*why_backup = "valid, but the primary is not a BTT's any more";
		return -ENOENT;
	}
	*g = g2;
	return 0;
}

/* ---- the flog ---------------------------------------------------------- */

static const struct pmdisk_btt_flog zero_flog;

static bool flog_is_padding(const struct pmdisk_btt_flog *e)
{
	return !e->lba && !e->old_map && !e->new_map && !e->seq;
}

/* A lane's two live log entries: which slots, and which one is newer. */
struct lane_log {
	u8 slot[2];		/* slot[0] is always 0 */
	u8 newer;		/* 0 or 1: index into slot[] */
	bool old_layout;	/* the second live slot is 2 */
	struct pmdisk_btt_flog ent[PMDISK_BTT_FLOG_SLOTS];
};

/*
 * Make sense of a lane's log group. Slot 0 is always live; the second live
 * slot is 1 (UEFI) or 2 (Linux before 4.15), and unused while the lane is
 * in its initial state. A group caught halfway through `check --repair`
 * moving slot 2 to slot 1 (slot 1 torn, seq still 0, or a whole copy) is
 * read as the slot it came from or went to. Returns NULL or what is wrong.
 */
static const char *lane_log_parse(struct lane_log *ll, const struct pmdisk_btt_geo *g)
{
	const struct pmdisk_btt_flog *e = ll->ent;
	const struct pmdisk_btt_flog *n;
	bool live[PMDISK_BTT_FLOG_SLOTS];
	u32 seq0, seq1;
	unsigned int i;

	for (i = 0; i < PMDISK_BTT_FLOG_SLOTS; i++)
		live[i] = !flog_is_padding(&e[i]);
	if (!live[0])
		return "slot 0 is empty";
	if (live[3])
		return "slot 3 is used";
	ll->slot[0] = 0;
	if (live[1] && live[2]) {
		if (!memcmp(&e[1], &e[2], sizeof(e[1])))
			live[2] = false;	/* the copy landed */
		else if (!e[1].seq)
			live[1] = false;	/* the copy was torn */
		else if (!e[2].lba && !e[2].old_map && e[2].new_map == e[1].new_map &&
			 e[2].seq == e[1].seq)
			live[2] = false;	/* zeroing the old slot was torn */
		else
			return "slots 1 and 2 both used";
	}
	ll->slot[1] = live[2] ? 2 : 1;
	ll->old_layout = live[2];

	seq0 = le32_to_cpu(e[0].seq);
	seq1 = le32_to_cpu(e[ll->slot[1]].seq);
	if (seq0 < 1 || seq0 > 3 || seq1 > 3)
		return "sequence number out of range";
	if (seq1 && seq0 == seq1)
		return "both entries have the same sequence number";
	/* seq1 0: the lane's initial state, slot 0 is the newer */
	ll->newer = seq1 && seq_next(seq0) == seq1 ? 1 : 0;

	n = &e[ll->slot[ll->newer]];
	if (le32_to_cpu(n->lba) >= g->external_nlba ||
	    (le32_to_cpu(n->old_map) & PMDISK_BTT_MAP_BLOCK) >= g->internal_nlba ||
	    (le32_to_cpu(n->new_map) & PMDISK_BTT_MAP_BLOCK) >= g->internal_nlba)
		return "entry names a block outside the arena";
	return NULL;
}

static int lane_log_read(struct pmdisk_media *m, const struct pmdisk_btt_geo *g,
			 u32 lane, struct lane_log *ll)
{
	return pmdisk_media_read(m, flog_off(g, lane, 0), ll->ent, sizeof(ll->ent));
}

static const struct pmdisk_btt_flog *lane_log_newest(const struct lane_log *ll)
{
	return &ll->ent[ll->slot[ll->newer]];
}

/* ---- format ------------------------------------------------------------ */

/* Zero [off, off + len) in chunks from a zeroed @buf of @buflen bytes. */
static int media_zero(struct pmdisk_media *m, u64 off, u64 len, const void *zeroes,
		      size_t buflen)
{
	int rc = 0;

	while (len && !rc) {
		size_t n = min_t(u64, len, buflen);

		rc = pmdisk_media_write(m, off, zeroes, n);
		off += n;
		len -= n;
	}
	return rc;
}

#define FORMAT_CHUNK	(64U << 10)

/* Map all identity, flog in its initial state: lane i's free block is */
/* external_nlba + i, recorded in slot 0 with seq 1. */
static int format_arena_meta(struct pmdisk_media *m, const struct pmdisk_btt_geo *g,
			     const void *zeroes, pmdisk_btt_progress_fn progress,
			     void *ctx, u64 *done, u64 total)
{
	u64 left = (u64)g->external_nlba * sizeof(__le32);
	u64 off = g->mapoff;
	u32 lane;
	int rc;

	while (left) {
		size_t n = min_t(u64, left, FORMAT_CHUNK);

		rc = pmdisk_media_write(m, off, zeroes, n);
		if (rc)
			return rc;
		off += n;
		left -= n;
		*done += n / sizeof(__le32);
		if (progress && progress(ctx, *done, total))
			return -EINTR;
	}
	rc = media_zero(m, g->logoff, g->info2off - g->logoff, zeroes, FORMAT_CHUNK);
	for (lane = 0; lane < g->nfree && !rc; lane++) {
		struct pmdisk_btt_flog e = {
			.lba = cpu_to_le32(lane),
			.old_map = cpu_to_le32(g->external_nlba + lane),
			.new_map = cpu_to_le32(g->external_nlba + lane),
			.seq = cpu_to_le32(1),
		};

		rc = pmdisk_media_write(m, flog_off(g, lane, 0), &e, sizeof(e));
	}
	return rc;
}

/*
 * A primary info block, its signature last: a cut while it is written
 * leaves either no signature (no BTT where nothing claims one, for Linux,
 * which reads only the primary, as for us) or the whole block. Written in
 * one store, a torn block could carry the signature with a bad checksum,
 * a BTT to us (from its backup) and none to Linux.
 */
static int info_write_sig_last(struct pmdisk_media *m, u64 off,
			       const struct pmdisk_btt_info *info)
{
	size_t sig = sizeof(info->sig);
	int rc;

	rc = pmdisk_media_write(m, off + sig, (const u8 *)info + sig, sizeof(*info) - sig);
	if (rc)
		return rc;
	pmdisk_media_persist(m);
	rc = pmdisk_media_write(m, off, info->sig, sig);
	if (!rc)
		pmdisk_media_persist(m);
	return rc;
}

int pmdisk_btt_format(struct pmdisk_media *m, const struct pmdisk_btt_id *id,
		      u32 lbasize, pmdisk_btt_progress_fn progress, void *ctx)
{
	struct pmdisk_btt_geo *geo = NULL;
	struct pmdisk_btt_info *info;
	void *zeroes;
	u64 done = 0, total = 0;
	int n, i, rc;

	if (id->start > m->size)
		return -EINVAL;
	n = pmdisk_btt_layout(id->start, m->size - id->start, lbasize, NULL, 0);
	if (n <= 0)
		return n ? n : -ENOSPC;
	geo = pmdisk_zalloc(n * sizeof(*geo));
	info = pmdisk_zalloc(sizeof(*info));
	zeroes = pmdisk_zalloc(FORMAT_CHUNK);
	rc = -ENOMEM;
	if (!geo || !info || !zeroes)
		goto out;
	pmdisk_btt_layout(id->start, m->size - id->start, lbasize, geo, n);
	for (i = 0; i < n; i++)
		total += geo[i].external_nlba;

	/*
	 * From here on an interruption must not leave an old BTT behind: wipe
	 * the place arena 0's backup has on this medium, then its info block
	 * (the other order would leave a moment where the backup stands in).
	 */
	rc = pmdisk_media_write(m, geo[0].info2off, zeroes, PMDISK_BTT_INFO_SIZE);
	if (rc)
		goto out;
	pmdisk_media_persist(m);
	rc = pmdisk_media_write(m, geo[0].off, zeroes, PMDISK_BTT_INFO_SIZE);
	if (rc)
		goto out;
	pmdisk_media_persist(m);

	/* Last arena first: arena 0's primary info block commits the format. */
	for (i = n - 1; i >= 0; i--) {
		rc = format_arena_meta(m, &geo[i], zeroes, progress, ctx, &done, total);
		if (rc)
			goto out;
		info_build(info, &geo[i], id);
		pmdisk_media_persist(m);
		rc = pmdisk_media_write(m, geo[i].info2off, info, sizeof(*info));
		if (rc)
			goto out;
		pmdisk_media_persist(m);
		rc = info_write_sig_last(m, geo[i].off, info);
		if (rc)
			goto out;
	}
out:
	pmdisk_free(zeroes);
	pmdisk_free(info);
	pmdisk_free(geo);
	return rc;
}

/* ---- load -------------------------------------------------------------- */

static void arena_free(struct pmdisk_btt_arena *a)
{
	pmdisk_free(a->free);
	pmdisk_free(a->rtt);
	pmdisk_free(a->map_locks);
}

void pmdisk_btt_release(struct pmdisk_btt *btt)
{
	unsigned int i;

	if (btt->arenas) {
		for (i = 0; i < btt->narenas; i++)
			arena_free(&btt->arenas[i]);
		pmdisk_free(btt->arenas);
	}
	btt->arenas = NULL;
	btt->narenas = 0;
}

static int map_read(struct pmdisk_media *m, const struct pmdisk_btt_geo *g,
		    u32 premap, u32 *entry)
{
	__le32 raw;
	int rc = pmdisk_media_read(m, map_entry_off(g, premap), &raw, sizeof(raw));

	*entry = le32_to_cpu(raw);
	return rc;
}

static int map_write(struct pmdisk_media *m, const struct pmdisk_btt_geo *g,
		     u32 premap, u32 entry)
{
	__le32 raw = cpu_to_le32(entry);

	return pmdisk_media_write(m, map_entry_off(g, premap), &raw, sizeof(raw));
}

/*
 * Rebuild each lane's free block from its newest log entry, and finish a
 * switch a power cut interrupted: the entry is durable (so is the data it
 * names), the map still names the old block. Every lane of the arena is
 * recovered, even beyond the lanes this BTT uses.
 */
static int arena_recover(struct pmdisk_media *m, struct pmdisk_btt_arena *a,
			 unsigned int index, const struct btt_notes *notes)
{
	const struct pmdisk_btt_geo *g = &a->geo;
	u32 lane, old_lanes = 0, new_lanes = 0;
	struct lane_log ll;
	bool fixed = false;
	u8 second;
	int rc;

	/*
	 * Which second slot the arena uses: a lane still in its initial state
	 * must start using the same one as the others, or Linux cannot tell
	 * the layout any more.
	 */
	for (lane = 0; lane < g->nfree; lane++) {
		const char *why;

		rc = lane_log_read(m, g, lane, &ll);
		if (rc)
			return rc;
		why = lane_log_parse(&ll, g);
		if (why) {
			btt_note(notes, "arena %u, lane %u: damaged log (%s)", index, lane, why);
			return -EUCLEAN;
		}
		old_lanes += ll.slot[1] == 2;
		new_lanes += ll.slot[1] == 1 && ll.ent[1].seq;
	}
	second = old_lanes && !new_lanes ? 2 : 1;
	if (old_lanes && new_lanes)
		btt_note(notes, "arena %u: log half rewritten to the new layout (run check --repair)",
			 index);

	for (lane = 0; lane < g->nfree; lane++) {
		const struct pmdisk_btt_flog *e;
		u32 lba, old, new, entry;

		rc = lane_log_read(m, g, lane, &ll);
		if (rc)
			return rc;
		if (lane_log_parse(&ll, g))
			return -EUCLEAN;	/* changed since the first pass */
		if (!ll.ent[ll.slot[1]].seq)
			ll.slot[1] = second;	/* initial state: either slot */
		if (ll.slot[1] == 1 && !flog_is_padding(&ll.ent[2])) {
			/*
			 * A move of slot 2 to slot 1 that a power cut stopped, or
			 * a torn first write in the old layout: slot 2 must be
			 * padding before slot 1 is written, or the group stops
			 * making sense.
			 */
			rc = pmdisk_media_write(m, flog_off(g, lane, 2), &zero_flog,
						sizeof(zero_flog));
			if (rc)
				return rc;
			pmdisk_media_persist(m);
		}
		e = lane_log_newest(&ll);
		lba = le32_to_cpu(e->lba);
		old = le32_to_cpu(e->old_map) & PMDISK_BTT_MAP_BLOCK;
		new = le32_to_cpu(e->new_map) & PMDISK_BTT_MAP_BLOCK;
		if (lane < PMDISK_BTT_NFREE) {
			a->free[lane].block = old;
			a->free[lane].sub = 1 - ll.newer;
			a->free[lane].seq = seq_next(le32_to_cpu(e->seq));
			a->free[lane].slot[0] = ll.slot[0];
			a->free[lane].slot[1] = ll.slot[1];
		}
		if (old == new)
			continue;
		rc = map_read(m, g, lba, &entry);
		if (rc)
			return rc;
		if (map_block(entry, lba) == old) {
			rc = map_write(m, g, lba, new | PMDISK_BTT_MAP_NORMAL);
			if (rc)
				return rc;
			fixed = true;
		}
	}
	if (fixed)
		pmdisk_media_persist(m);
	return 0;
}

static int arena_setup(struct pmdisk_btt_arena *a)
{
	unsigned int i;

	a->free = pmdisk_zalloc(PMDISK_BTT_NFREE * sizeof(*a->free));
	a->rtt = pmdisk_zalloc(PMDISK_BTT_NFREE * sizeof(*a->rtt));
	a->map_locks = pmdisk_zalloc(PMDISK_BTT_MAP_LOCKS * sizeof(*a->map_locks));
	if (!a->free || !a->rtt || !a->map_locks)
		return -ENOMEM;
	for (i = 0; i < PMDISK_BTT_MAP_LOCKS; i++)
		pmdisk_lock_init(&a->map_locks[i]);
	return 0;
}

/*
 * Walk the arenas from want->start, validating each info block (or its
 * backup). With @arenas NULL only count them. Returns the count or an error.
 */
static int walk_arenas(struct pmdisk_btt *btt, const struct pmdisk_btt_id *want,
		       struct pmdisk_btt_arena *arenas, const struct btt_notes *notes)
{
	struct pmdisk_media *m = btt->media;
	struct pmdisk_btt_info *info, *info2;
	u64 base = want->start, nlba = 0;
	unsigned int n = 0;
	int rc = 0;

	info = pmdisk_zalloc(sizeof(*info));
	info2 = pmdisk_zalloc(sizeof(*info2));
	if (!info || !info2) {
		rc = -ENOMEM;
		goto out;
	}
	for (;;) {
		struct pmdisk_btt_geo g;
		const char *why, *why2;

		if (base >= m->size || m->size - base < PMDISK_BTT_ARENA_MIN) {
			if (n == 0) {
				rc = -ENOENT;	/* too small to hold a BTT */
				break;
			}
			btt_note(notes, "arena %u lies beyond the namespace", n);
			rc = -EUCLEAN;
			break;
		}
		rc = arena_info(m, want, base, info, info2, &g, &why, &why2);
		if (rc == -ENOENT) {
			if (n == 0 && memcmp(info->sig, btt_sig, sizeof(btt_sig)))
				break;	/* no BTT here at all */
			btt_note(notes, "arena %u: info block %s, backup %s", n, why, why2);
			rc = -EUCLEAN;
			break;
		}
		if (rc)
			break;
		if (why) {
			if (arenas)
				btt_note(notes, "arena %u: info block %s; using its backup",
					 n, why);
			if (n == 0)
				btt->used_backup = true;
		}
		if (n == 0) {
			btt->lbasize = g.external_lbasize;
			memcpy(btt->id.uuid, why ? info2->uuid : info->uuid,
			       sizeof(btt->id.uuid));
		} else if (g.external_lbasize != btt->lbasize) {
			btt_note(notes, "arena %u: sector size %u differs from arena 0's %u",
				 n, g.external_lbasize, btt->lbasize);
			rc = -EUCLEAN;
			break;
		}
		if (arenas) {
			arenas[n].geo = g;
			arenas[n].first_lba = nlba;
			arenas[n].readonly = le32_to_cpu((why ? info2 : info)->flags) &
					     PMDISK_BTT_INFO_FLAG_ERROR;
		}
		nlba += g.external_nlba;
		n++;
		if (!g.nextoff)
			break;
		base += g.nextoff;
	}
	btt->nlba = nlba;
out:
	pmdisk_free(info2);
	pmdisk_free(info);
	if (rc)
		return rc;
	return n ? (int)n : -ENOENT;
}

int pmdisk_btt_load(struct pmdisk_btt *btt, struct pmdisk_media *m,
		    const struct pmdisk_btt_id *want, pmdisk_btt_note_fn note,
		    void *ctx)
{
	const struct btt_notes notes = { .note = note, .ctx = ctx };
	unsigned int i;
	int n, rc;

	memset(btt, 0, sizeof(*btt));
	btt->media = m;
	btt->id = *want;
	btt->nlanes = PMDISK_BTT_NFREE;
	btt->lanes_used = btt->nlanes;
	if (want->start >= m->size)
		return -ENOENT;
	n = walk_arenas(btt, want, NULL, NULL);
	if (n < 0) {
		/* walk again for the notes: the first pass is silent */
		if (n == -EUCLEAN)
			walk_arenas(btt, want, NULL, &notes);
		return n;
	}
	btt->arenas = pmdisk_zalloc(n * sizeof(*btt->arenas));
	if (!btt->arenas)
		return -ENOMEM;
	btt->narenas = n;
	rc = walk_arenas(btt, want, btt->arenas, &notes);
	if (rc != n) {
		rc = rc < 0 ? rc : -EUCLEAN;	/* media changed under us */
		goto fail;
	}
	for (i = 0; i < btt->narenas; i++) {
		rc = arena_setup(&btt->arenas[i]);
		if (rc)
			goto fail;
		rc = arena_recover(m, &btt->arenas[i], i, &notes);
		if (rc)
			goto fail;
	}
	return 0;
fail:
	pmdisk_btt_release(btt);
	return rc;
}

/* ---- the data path ----------------------------------------------------- */

void pmdisk_btt_use_lanes(struct pmdisk_btt *btt, unsigned int n)
{
	btt->lanes_used = n ? min(n, btt->nlanes) : btt->nlanes;
}

/* The arena holding external sector @lba, and the sector's index in it. */
static struct pmdisk_btt_arena *lba_to_arena(struct pmdisk_btt *btt, u64 lba,
					     u32 *premap)
{
	unsigned int lo = 0, hi = btt->narenas;

	if (lba >= btt->nlba)
		return NULL;
	/* binary search on first_lba: arenas are few and in order */
	while (hi - lo > 1) {
		unsigned int mid = (lo + hi) / 2;

		if (btt->arenas[mid].first_lba <= lba)
			lo = mid;
		else
			hi = mid;
	}
	*premap = lba - btt->arenas[lo].first_lba;
	return &btt->arenas[lo];
}

static int map_set_state(struct pmdisk_btt *btt, u64 lba, u32 expect, u32 flags);

static struct pmdisk_lock *map_lock(struct pmdisk_btt_arena *a, u32 premap)
{
	/* one lock per 64-byte line of map entries, hashed over the locks */
	return &a->map_locks[(premap / 16) % PMDISK_BTT_MAP_LOCKS];
}

int pmdisk_btt_read(struct pmdisk_btt *btt, unsigned int lane, u64 lba, void *buf)
{
	struct pmdisk_btt_arena *a;
	u32 premap, entry, again, block;
	int rc;

	a = lba_to_arena(btt, lba, &premap);
	if (!a || lane >= btt->lanes_used)
		return -EINVAL;
	rc = map_read(btt->media, &a->geo, premap, &entry);
	while (!rc) {
		if ((entry & PMDISK_BTT_MAP_NORMAL) == PMDISK_BTT_MAP_Z) {
			memset(buf, 0, btt->lbasize);
			break;
		}
		if ((entry & PMDISK_BTT_MAP_NORMAL) == PMDISK_BTT_MAP_E) {
			rc = -EIO;
			break;
		}
		block = map_block(entry, premap);
		if (block >= a->geo.internal_nlba) {
			rc = -EIO;	/* a damaged map entry */
			break;
		}
		/*
		 * Announce the block we are about to copy, then look at the map
		 * again. Pairs with the smp_mb() in rtt_wait(): either the
		 * writer about to reuse this block sees our entry and waits, or
		 * we see the map update that freed the block and start over.
		 */
		WRITE_ONCE(a->rtt[lane], PMDISK_BTT_RTT_VALID | block);
		/* pairs with the smp_mb() in rtt_wait() */
		smp_mb();
		rc = map_read(btt->media, &a->geo, premap, &again);
		if (rc)
			break;
		if (again == entry) {
			rc = pmdisk_media_read(btt->media, block_off(&a->geo, block),
					       buf, btt->lbasize);
			if (rc == -EIO)	/* unreadable until written */
				map_set_state(btt, lba, entry, PMDISK_BTT_MAP_E);
			break;
		}
		entry = again;
	}
	/*
	 * Done with the block: the release orders our copy before a writer's
	 * smp_load_acquire() in rtt_wait() can see the slot empty.
	 */
	smp_store_release(&a->rtt[lane], 0);
	return rc;
}

/* Wait until no reader is copying @block (see pmdisk_btt_read()). */
static void rtt_wait(struct pmdisk_btt *btt, struct pmdisk_btt_arena *a, u32 block)
{
	unsigned int i;

	/*
	 * The map update that freed @block happened before (the lane lock
	 * orders this write after the one that freed it); the full barrier
	 * orders it before our reads of the table, pairing with the reader's
	 * smp_mb() between publishing its block and re-reading the map.
	 */
	smp_mb();
	/* a lane nobody uses has no reader: its slot stays 0 */
	for (i = 0; i < btt->lanes_used; i++) {
		/* pairs with the reader's smp_store_release() when it is done */
		while (smp_load_acquire(&a->rtt[i]) == (PMDISK_BTT_RTT_VALID | block))
			cpu_relax();
	}
}

int pmdisk_btt_write(struct pmdisk_btt *btt, unsigned int lane, u64 lba,
		     const void *buf)
{
	struct pmdisk_media *m = btt->media;
	struct pmdisk_btt_lane_free *f;
	struct pmdisk_btt_arena *a;
	struct pmdisk_btt_flog e;
	u32 premap, entry, old;
	struct pmdisk_lock *lock;
	u64 slot_off;
	int rc;

	a = lba_to_arena(btt, lba, &premap);
	if (!a || lane >= btt->lanes_used)
		return -EINVAL;
	if (a->readonly)
		return -EROFS;
	f = &a->free[lane];

	rtt_wait(btt, a, f->block);
	rc = pmdisk_media_write(m, block_off(&a->geo, f->block), buf, btt->lbasize);
	if (rc)
		return rc;

	lock = map_lock(a, premap);
	pmdisk_lock(lock);
	rc = map_read(m, &a->geo, premap, &entry);
	if (rc)
		goto unlock;
	old = map_block(entry, premap);
	if (old >= a->geo.internal_nlba) {
		rc = -EIO;	/* a damaged map entry: do not free a wild block */
		goto unlock;
	}
	e.lba = cpu_to_le32(premap);
	/* an unreadable old block keeps its E flag, as Linux logs it */
	e.old_map = cpu_to_le32(old | ((entry & PMDISK_BTT_MAP_NORMAL) == PMDISK_BTT_MAP_E ?
				       PMDISK_BTT_MAP_E : 0));
	e.new_map = cpu_to_le32(f->block);
	e.seq = cpu_to_le32(f->seq);
	slot_off = flog_off(&a->geo, lane, f->slot[f->sub]);

	/* step 1: data and log half 1, then step 2: half 2 with seq, last */
	rc = pmdisk_media_write(m, slot_off, &e.lba, 2 * sizeof(__le32));
	if (rc)
		goto unlock;
	pmdisk_media_persist(m);
	rc = pmdisk_media_write(m, slot_off + 2 * sizeof(__le32), &e.new_map,
				2 * sizeof(__le32));
	if (rc)
		goto unlock;
	pmdisk_media_persist(m);
	/* step 3: the map. The persist also makes it visible to readers. */
	rc = map_write(m, &a->geo, premap, f->block | PMDISK_BTT_MAP_NORMAL);
	if (rc)
		goto unlock;
	pmdisk_media_persist(m);

	f->sub = 1 - f->sub;
	f->seq = seq_next(f->seq);
	f->block = old;
unlock:
	pmdisk_unlock(lock);
	return rc;
}

/*
 * Put sector @lba's map entry in state @flags, keeping its block, if the
 * entry is still @expect (PMDISK_BTT_ANY_ENTRY: whatever it is), and persist.
 */
#define PMDISK_BTT_ANY_ENTRY	0xffffffffU	/* names block 2^30-1, which */
						/* info_invalid() rules out */
static int map_set_state(struct pmdisk_btt *btt, u64 lba, u32 expect, u32 flags)
{
	struct pmdisk_btt_arena *a;
	struct pmdisk_lock *lock;
	u32 premap, entry;
	int rc;

	a = lba_to_arena(btt, lba, &premap);
	if (!a)
		return -EINVAL;
	if (a->readonly)
		return -EROFS;
	lock = map_lock(a, premap);
	pmdisk_lock(lock);
	rc = map_read(btt->media, &a->geo, premap, &entry);
	if (!rc && (expect == PMDISK_BTT_ANY_ENTRY || entry == expect)) {
		rc = map_write(btt->media, &a->geo, premap,
			       map_block(entry, premap) | flags);
		if (!rc)
			pmdisk_media_persist(btt->media);
	}
	pmdisk_unlock(lock);
	return rc;
}

int pmdisk_btt_discard(struct pmdisk_btt *btt, u64 lba)
{
	return map_set_state(btt, lba, PMDISK_BTT_ANY_ENTRY, PMDISK_BTT_MAP_Z);
}

#ifndef __KERNEL__
int pmdisk_btt_set_error(struct pmdisk_btt *btt, u64 lba)
{
	return map_set_state(btt, lba, PMDISK_BTT_ANY_ENTRY, PMDISK_BTT_MAP_E);
}
#endif

/* ---- a new parent ------------------------------------------------------ */

int pmdisk_btt_set_parent(struct pmdisk_media *m, const struct pmdisk_btt_id *want,
			  const u8 parent[16])
{
	struct pmdisk_btt_info *info, *info2;
	struct pmdisk_btt_geo g;
	const char *why, *why2;
	u64 base = want->start;
	int rc;

	info = pmdisk_zalloc(sizeof(*info));
	info2 = pmdisk_zalloc(sizeof(*info2));
	rc = info && info2 ? 0 : -ENOMEM;
	while (!rc) {
		if (base >= m->size) {
			rc = -EUCLEAN;
			break;
		}
		rc = arena_info(m, want, base, info, info2, &g, &why, &why2);
		if (rc)
			break;
		if (why)
			*info = *info2;	/* the backup stands in; both get fixed */
		memcpy(info->parent_uuid, parent, sizeof(info->parent_uuid));
		info->checksum = cpu_to_le64(info_checksum(info));
		rc = pmdisk_media_write(m, g.info2off, info, sizeof(*info));
		if (rc)
			break;
		pmdisk_media_persist(m);
		rc = pmdisk_media_write(m, base, info, sizeof(*info));
		if (rc)
			break;
		pmdisk_media_persist(m);
		if (!g.nextoff)
			break;
		base += g.nextoff;
	}
	pmdisk_free(info2);
	pmdisk_free(info);
	return rc;
}

/* ---- check ------------------------------------------------------------- */

struct checker {
	struct pmdisk_media *m;
	const struct pmdisk_btt_id *want;
	bool repair;
	struct pmdisk_btt_check_report *r;
	struct btt_notes notes;
	pmdisk_btt_progress_fn progress;
	void *ctx;
	u8 *seen;		/* one bit per internal block of the arena */
	__le32 *map;		/* a chunk of map entries */
	u64 done, total;
};

#define CHECK_MAP_CHUNK	4096U	/* entries */

/* Mark @block used; false when it already was. */
static bool mark_block(u8 *seen, u32 block)
{
	u8 bit = 1U << (block % 8);
	bool was = seen[block / 8] & bit;

	seen[block / 8] |= bit;
	return !was;
}

/* Move each lane's live slot 2 to slot 1, half 1 then half 2, then zero it. */
static int rewrite_old_flog(struct checker *c, const struct pmdisk_btt_geo *g)
{
	struct lane_log ll;
	u32 lane;
	int rc;

	for (lane = 0; lane < g->nfree; lane++) {
		rc = lane_log_read(c->m, g, lane, &ll);
		if (rc)
			return rc;
		if (lane_log_parse(&ll, g) || !ll.old_layout)
			continue;
		rc = pmdisk_media_write(c->m, flog_off(g, lane, 1), &ll.ent[2], 8);
		if (rc)
			return rc;
		pmdisk_media_persist(c->m);
		rc = pmdisk_media_write(c->m, flog_off(g, lane, 1) + 8,
					(const u8 *)&ll.ent[2] + 8, 8);
		if (rc)
			return rc;
		pmdisk_media_persist(c->m);
		rc = pmdisk_media_write(c->m, flog_off(g, lane, 2), &zero_flog,
					sizeof(zero_flog));
		if (rc)
			return rc;
		pmdisk_media_persist(c->m);
	}
	return 0;
}

/* Map and flog of one arena: every internal block named exactly once. */
static int check_blocks(struct checker *c, const struct pmdisk_btt_geo *g,
			unsigned int index)
{
	struct pmdisk_btt_check_report *r = c->r;
	u32 premap, lane, i, old_lanes = 0;
	u64 used = 0;
	int rc;

	for (premap = 0; premap < g->external_nlba; premap += CHECK_MAP_CHUNK) {
		u32 n = min_t(u32, CHECK_MAP_CHUNK, g->external_nlba - premap);

		rc = pmdisk_media_read(c->m, map_entry_off(g, premap), c->map,
				       n * sizeof(__le32));
		if (rc)
			return rc;
		for (i = 0; i < n; i++) {
			u32 block = map_block(le32_to_cpu(c->map[i]), premap + i);

			if (block >= g->internal_nlba)
				r->map_bad++;
			else if (mark_block(c->seen, block))
				used++;
			else
				r->blocks_duplicate++;
		}
		c->done += n;
		if (c->progress && c->progress(c->ctx, c->done, c->total))
			return -EINTR;
	}
	for (lane = 0; lane < g->nfree; lane++) {
		const struct pmdisk_btt_flog *e;
		struct lane_log ll;
		const char *why;
		u32 lba, old, new, entry, free_block;

		rc = lane_log_read(c->m, g, lane, &ll);
		if (rc)
			return rc;
		why = lane_log_parse(&ll, g);
		if (why) {
			btt_note(&c->notes, "arena %u, lane %u: %s", index, lane, why);
			r->flog_bad++;
			continue;
		}
		old_lanes += ll.old_layout;
		e = lane_log_newest(&ll);
		lba = le32_to_cpu(e->lba);
		old = le32_to_cpu(e->old_map) & PMDISK_BTT_MAP_BLOCK;
		new = le32_to_cpu(e->new_map) & PMDISK_BTT_MAP_BLOCK;
		rc = map_read(c->m, g, lba, &entry);
		if (rc)
			return rc;
		/* a switch load will roll forward frees the new block's partner */
		free_block = (old != new && map_block(entry, lba) == old) ? new : old;
		if (mark_block(c->seen, free_block))
			used++;
		else
			r->blocks_duplicate++;
	}
	r->blocks_missing += g->internal_nlba - used;
	if (old_lanes) {
		r->old_flog_layout++;
		btt_note(&c->notes, "arena %u: %u lanes use the old (0,2) log layout%s",
			 index, old_lanes, c->repair ? "; rewriting it" : "");
		if (c->repair) {
			rc = rewrite_old_flog(c, g);
			if (rc)
				return rc;
			r->repaired++;
		}
	}
	return 0;
}

/* Restore the invalid one of an info block pair from the valid one. */
static int check_info_pair(struct checker *c, unsigned int index, u64 base,
			   struct pmdisk_btt_info *info, struct pmdisk_btt_info *info2,
			   const struct pmdisk_btt_geo *g, const char *why,
			   const char *why2)
{
	struct pmdisk_btt_check_report *r = c->r;
	int rc = 0;

	if (why) {
		r->info_bad++;
		btt_note(&c->notes, "arena %u: info block %s%s", index, why,
			 c->repair ? "; restoring it from its backup" : "");
		if (c->repair) {
			rc = pmdisk_media_write(c->m, base, info2, sizeof(*info2));
			r->repaired++;
		}
	} else if (why2) {
		r->info2_bad++;
		btt_note(&c->notes, "arena %u: backup info block %s%s", index, why2,
			 c->repair ? "; restoring it" : "");
		if (c->repair) {
			rc = pmdisk_media_write(c->m, g->info2off, info, sizeof(*info));
			r->repaired++;
		}
	} else if (memcmp(info, info2, sizeof(*info))) {
		r->info_mismatch++;
		btt_note(&c->notes, "arena %u: info block and backup differ%s", index,
			 c->repair ? "; rewriting the backup" : "");
		if (c->repair) {
			rc = pmdisk_media_write(c->m, g->info2off, info, sizeof(*info));
			r->repaired++;
		}
	}
	if (!rc && c->repair)
		pmdisk_media_persist(c->m);
	return rc;
}

int pmdisk_btt_check(struct pmdisk_media *m, const struct pmdisk_btt_id *want,
		     bool repair, struct pmdisk_btt_check_report *report,
		     pmdisk_btt_note_fn note, pmdisk_btt_progress_fn progress,
		     void *ctx)
{
	struct checker c = {
		.m = m, .want = want, .repair = repair, .r = report,
		.notes = { .note = note, .ctx = ctx },
		.progress = progress, .ctx = ctx,
	};
	struct pmdisk_btt_info *info, *info2;
	struct pmdisk_btt_geo g;
	u64 base = want->start;
	unsigned int n = 0;
	int rc = 0;

	memset(report, 0, sizeof(*report));
	if (want->start >= m->size)
		return -ENOENT;
	info = pmdisk_zalloc(sizeof(*info));
	info2 = pmdisk_zalloc(sizeof(*info2));
	c.map = pmdisk_zalloc(CHECK_MAP_CHUNK * sizeof(__le32));
	if (!info || !info2 || !c.map) {
		rc = -ENOMEM;
		goto out;
	}
	for (;;) {
		const char *why, *why2;

		if (base >= m->size || m->size - base < PMDISK_BTT_ARENA_MIN) {
			if (n == 0) {
				rc = -ENOENT;	/* too small to hold a BTT */
				break;
			}
			btt_note(&c.notes, "arena %u lies beyond the namespace", n);
			rc = -EUCLEAN;
			break;
		}
		rc = arena_info(m, want, base, info, info2, &g, &why, &why2);
		if (rc == -ENOENT && n == 0 && memcmp(info->sig, btt_sig, sizeof(btt_sig)))
			break;
		if (rc == -ENOENT) {
			btt_note(&c.notes, "arena %u: info block %s, backup %s", n, why, why2);
			report->info_bad++;
			report->info2_bad++;
			rc = -EUCLEAN;
			break;
		}
		if (rc)
			break;
		report->arenas++;
		report->nlba += g.external_nlba;
		if (n == 0) {
			report->lbasize = g.external_lbasize;
			c.total = pmdisk_btt_nlba(want->start, m->size - want->start,
						  g.external_lbasize);
		}
		rc = check_info_pair(&c, n, base, info, info2, &g, why, why2);
		if (rc)
			break;
		pmdisk_free(c.seen);
		c.seen = pmdisk_zalloc(DIV_ROUND_UP(g.internal_nlba, 8));
		rc = c.seen ? check_blocks(&c, &g, n) : -ENOMEM;
		if (rc)
			break;
		n++;
		if (!g.nextoff)
			break;
		base += g.nextoff;
	}
	if (!rc && !report->arenas)
		rc = -ENOENT;
	if (!rc && report->blocks_missing)
		btt_note(&c.notes, "%llu blocks are neither mapped nor free",
			 (unsigned long long)report->blocks_missing);
	if (!rc && report->blocks_duplicate)
		btt_note(&c.notes, "%llu blocks are used twice",
			 (unsigned long long)report->blocks_duplicate);
	if (!rc && report->map_bad)
		btt_note(&c.notes, "%llu map entries name blocks outside their arena",
			 (unsigned long long)report->map_bad);
	if (!rc && (report->flog_bad || report->blocks_missing ||
		    report->blocks_duplicate || report->map_bad ||
		    (!repair && (report->info_bad || report->info2_bad ||
				 report->info_mismatch))))
		rc = -EUCLEAN;
out:
	pmdisk_free(c.seen);
	pmdisk_free(c.map);
	pmdisk_free(info2);
	pmdisk_free(info);
	return rc;
}
