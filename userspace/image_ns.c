// SPDX-License-Identifier: GPL-2.0
/*
 * An image's one namespace and its logical sectors (image_ns.h): found with
 * the module's core (label scan, BTT check and load), read and written
 * through the BTT when it has one, else as the raw bytes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image_ns.h"
#include "../driver/core/provision.h"

static int ns_refuse(struct image_ns *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int ns_refuse(struct image_ns *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->why, sizeof(s->why), fmt, ap);
	va_end(ap);
	return -1;
}

static void note_ignore(void *ctx, const char *msg)
{
}

/* The labels' one namespace, into @s->ns; label-less: the whole region. */
static int ns_find(struct image_ns *s, struct image_media *lm)
{
	struct pmdisk_ns ns[PMDISK_MAX_NS_PER_REGION];
	struct pmdisk_iset_dimm dimm;
	struct pmdisk_nslabel first;
	struct pmdisk_lsa lsa, *lsap = &lsa;
	unsigned int i;
	bool any;
	int rc, n;

	rc = pmdisk_lsa_load(&lsa, &lm->media);
	if (rc == -ENODEV) {	/* label-less: the whole region */
		s->geo.label_size = 0;
		if (image_geo_fix(&s->geo))
			return ns_refuse(s, "too small for an image");
		s->ns.size = s->geo.region_size;
		s->ns.lbasize = 512;
		return 0;
	}
	if (rc)
		return ns_refuse(s, "its label area is unreadable: %s", strerror(-rc));
	s->labels = lsa.label_size == 256 ? PMDISK_LABEL_V1_2 : PMDISK_LABEL_V1_1;
	for (i = 0; i < lsa.nslot; i++)
		if (!pmdisk_lsa_read_label(&lsa, i, &first))
			break;
	s->slot = i < lsa.nslot ?
		  image_label_slot(s->geo.region_size, lsa.label_size, &first) : -1;
	n = 0;
	if (s->slot >= 0) {
		image_qemu_dimm(s->slot, s->geo.region_size, &dimm);
		n = pmdisk_ns_scan(&lsap, &dimm, 1, ns, PMDISK_MAX_NS_PER_REGION,
				   note_ignore, NULL);
	}
	any = i < lsa.nslot;
	pmdisk_lsa_release(&lsa);
	if (any && s->slot < 0)
		return ns_refuse(s, "its labels fit no QEMU slot (image info says more)");
	if (n != 1)
		return ns_refuse(s, "it holds %d namespaces, not one (image info says more)",
				 n < 0 ? 0 : n);
	s->ns = ns[0];
	return 0;
}

/* Where a BTT of @s->ns would be, and whether its labels claim one. */
static int ns_btt_id(struct image_ns *s, struct pmdisk_btt_id *id)
{
	memset(id, 0, sizeof(*id));
	switch (s->ns.claim) {
	case PMDISK_CLAIM_BTT2:
	case PMDISK_CLAIM_BTT:
		pmdisk_btt_id_for_start(id, s->ns.claim == PMDISK_CLAIM_BTT2 ?
					PMDISK_BTT_START_V2_0 : PMDISK_BTT_START_V1_1);
		id->claimed = true;
		break;
	case PMDISK_CLAIM_NONE:		/* a BTT 1.1 is found by probing */
		pmdisk_btt_id_for_start(id, PMDISK_BTT_START_V1_1);
		break;
	case PMDISK_CLAIM_PFN:
	case PMDISK_CLAIM_DAX:
		return ns_refuse(s, "its namespace is %s: images hold raw and BTT disks only",
				 pmdisk_claim_key(s->ns.claim));
	default:
		return ns_refuse(s, "its namespace has an unknown abstraction GUID");
	}
	if (s->labels)
		memcpy(id->parent_uuid, s->ns.uuid, sizeof(id->parent_uuid));
	return 0;
}

/* The BTT, checked, then loaded; or none (raw). */
static int ns_load(struct image_ns *s)
{
	struct pmdisk_btt_check_report rep;
	struct pmdisk_btt_id id;
	int rc;

	if (ns_btt_id(s, &id))
		return -1;
	memset(&rep, 0, sizeof(rep));
	rc = pmdisk_btt_check(&s->nm.media, &id, false, &rep, note_ignore, NULL, NULL);
	if (rc == -ENOENT && !id.claimed) {
		s->sector_size = s->ns.lbasize;
		s->nsect = s->ns.size / s->sector_size;
		return 0;
	}
	if (rc)
		return ns_refuse(s, "its BTT is %s (image check says more)",
				 rc == -ENOENT ? "missing" : rc == -EUCLEAN ? "damaged" :
				 strerror(-rc));
	rc = pmdisk_btt_load(&s->bt, &s->nm.media, &id, note_ignore, NULL);
	if (rc)
		return ns_refuse(s, "its BTT cannot be loaded: %s", strerror(-rc));
	pmdisk_btt_use_lanes(&s->bt, 1);
	s->btt = true;
	s->sector_size = s->bt.lbasize;
	s->nsect = s->bt.nlba;
	return 0;
}

int image_ns_open(struct image_ns *s, const char *path, u32 label_size, bool write)
{
	struct image_media lm;
	char users[256];
	struct stat st;

	memset(s, 0, sizeof(*s));
	s->slot = -1;
	s->geo.label_size = label_size;
	s->geo.align = 4096;
	if (image_users(path, users, sizeof(users)) > 0)
		return ns_refuse(s, "it is in use: mapped by %s", users);
	s->fd = open(path, (write ? O_RDWR : O_RDONLY) | O_CLOEXEC);
	if (s->fd < 0)
		return ns_refuse(s, "%s", strerror(errno));
	if (fstat(s->fd, &st) || !S_ISREG(st.st_mode)) {
		close(s->fd);
		return ns_refuse(s, "not a regular file");
	}
	s->geo.file_size = st.st_size;
	if (image_geo_fix(&s->geo)) {
		close(s->fd);
		return ns_refuse(s, "too small for an image");
	}
	image_media_init(&lm, s->fd, s->geo.file_size - label_size, label_size);
	lm.readonly = !write;
	if (ns_find(s, &lm)) {
		image_media_release(&lm);
		close(s->fd);
		return -1;
	}
	image_media_release(&lm);
	image_media_init(&s->nm, s->fd, s->ns.offset, s->ns.size);
	s->nm.readonly = !write;
	s->nm.nosync = write;
	if (ns_load(s)) {
		image_ns_close(s);
		return -1;
	}
	return 0;
}

void image_ns_close(struct image_ns *s)
{
	if (s->btt)
		pmdisk_btt_release(&s->bt);
	s->btt = false;
	image_media_release(&s->nm);
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

int image_ns_read(struct image_ns *s, u64 lba, u64 n, void *buf)
{
	u64 i;
	int rc;

	if (!s->btt)
		return pmdisk_media_read(&s->nm.media, lba * s->sector_size, buf,
					 n * s->sector_size);
	for (i = 0; i < n; i++) {
		rc = pmdisk_btt_read(&s->bt, 0, lba + i, (char *)buf + i * s->sector_size);
		if (rc)
			return rc;
	}
	return 0;
}

int image_ns_write(struct image_ns *s, u64 lba, u64 n, const void *buf)
{
	const char *p = buf;
	u64 i;
	int rc;

	for (i = 0; i < n; i++, p += s->sector_size) {
		if (image_all_zero(p, s->sector_size))
			continue;
		rc = s->btt ? pmdisk_btt_write(&s->bt, 0, lba + i, p) :
		     pmdisk_media_write(&s->nm.media, (lba + i) * s->sector_size, p,
					s->sector_size);
		if (rc)
			return rc;
	}
	return s->nm.err;
}

/* Sectors [@lba, @lba + @n) of arena @a: identity-mapped onto holes. */
static bool arena_hole(struct image_ns *s, const struct pmdisk_btt_arena *a, u64 lba, u64 n)
{
	const struct pmdisk_btt_geo *g = &a->geo;
	u64 premap = lba - a->first_lba;
	u64 map = g->mapoff + premap * 4, data = g->dataoff + premap * g->internal_lbasize;

	/* a map entry of zero: never written, the block is the LBA itself */
	return !image_media_patched(&s->nm, map, n * 4) &&
	       image_in_hole(s->fd, s->nm.base + map, n * 4) &&
	       image_in_hole(s->fd, s->nm.base + data, n * g->internal_lbasize);
}

bool image_ns_hole(struct image_ns *s, u64 lba, u64 n)
{
	unsigned int i;
	u64 end = lba + n, from, to;

	if (!s->btt)
		return !image_media_patched(&s->nm, lba * s->sector_size, n * s->sector_size) &&
		       image_in_hole(s->fd, s->nm.base + lba * s->sector_size,
				     n * s->sector_size);
	for (i = 0; i < s->bt.narenas; i++) {
		const struct pmdisk_btt_arena *a = &s->bt.arenas[i];
		u64 last = a->first_lba + a->geo.external_nlba;

		from = lba > a->first_lba ? lba : a->first_lba;
		to = end < last ? end : last;
		if (from < to && !arena_hole(s, a, from, to - from))
			return false;
	}
	return true;
}
