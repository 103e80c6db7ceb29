// SPDX-License-Identifier: GPL-2.0
/*
 * Dirty-shutdown records in the tail of a label storage area.
 * See dstate.h for the layout.
 */
#include "dstate.h"
#include "label.h"

int pmdisk_dstate_locate(const struct pmdisk_lsa *lsa, u64 *off)
{
	u64 slots_end = 2ULL * lsa->index_size + (u64)lsa->nslot * lsa->label_size;

	if (lsa->size < PMDISK_DSTATE_SIZE || slots_end > lsa->size - PMDISK_DSTATE_SIZE)
		return -ENOSPC;
	*off = lsa->size - PMDISK_DSTATE_SIZE;
	return 0;
}

static u64 copy_checksum(u8 *copy)
{
	struct pmdisk_dstate_header *h = (struct pmdisk_dstate_header *)copy;
	__le64 saved = h->checksum;
	u64 sum;

	h->checksum = 0;
	sum = pmdisk_fletcher64(copy, PMDISK_DSTATE_COPY, true);
	h->checksum = saved;
	return sum;
}

/* Decode @copy into @ds when it is valid; returns its sequence number or 0. */
static u64 copy_decode(u8 *copy, struct pmdisk_dstate *ds)
{
	const struct pmdisk_dstate_header *h = (const void *)copy;
	const struct pmdisk_dstate_record *r = (const void *)(copy + sizeof(*h));
	u32 nrec = le32_to_cpu(h->nrec);
	unsigned int i;

	if (memcmp(h->sig, PMDISK_DSTATE_SIG, sizeof(h->sig)) ||
	    le64_to_cpu(h->checksum) != copy_checksum(copy) ||
	    !le64_to_cpu(h->seq) || nrec > PMDISK_DSTATE_MAX_RECS)
		return 0;
	ds->nr = nrec;
	for (i = 0; i < nrec; i++) {
		memcpy(ds->rec[i].uuid, r[i].uuid, sizeof(r[i].uuid));
		ds->rec[i].count = le32_to_cpu(r[i].count);
		ds->rec[i].attached = le32_to_cpu(r[i].flags) & PMDISK_DSTATE_ATTACHED;
		ds->rec[i].number = le32_to_cpu(r[i].number);
	}
	return le64_to_cpu(h->seq);
}

static void copy_encode(const struct pmdisk_dstate *ds, u64 seq, u8 *copy)
{
	struct pmdisk_dstate_header *h = (struct pmdisk_dstate_header *)copy;
	struct pmdisk_dstate_record *r = (struct pmdisk_dstate_record *)(copy + sizeof(*h));
	unsigned int i;

	memset(copy, 0, PMDISK_DSTATE_COPY);
	memcpy(h->sig, PMDISK_DSTATE_SIG, sizeof(h->sig));
	h->seq = cpu_to_le64(seq);
	h->nrec = cpu_to_le32(ds->nr);
	for (i = 0; i < ds->nr; i++) {
		memcpy(r[i].uuid, ds->rec[i].uuid, sizeof(r[i].uuid));
		r[i].count = cpu_to_le32(ds->rec[i].count);
		r[i].flags = cpu_to_le32(ds->rec[i].attached ? PMDISK_DSTATE_ATTACHED : 0);
		r[i].number = cpu_to_le32(ds->rec[i].number);
	}
	h->checksum = cpu_to_le64(copy_checksum(copy));
}

int pmdisk_dstate_load(struct pmdisk_dstate *ds, struct pmdisk_media *media,
		       u64 off)
{
	struct pmdisk_dstate *other;
	u8 *buf;
	u64 seq[2];
	unsigned int i;
	int rc;

	memset(ds, 0, sizeof(*ds));
	ds->media = media;
	ds->off = off;
	buf = pmdisk_zalloc(PMDISK_DSTATE_SIZE);
	other = pmdisk_zalloc(sizeof(*other));
	rc = buf && other ? 0 : -ENOMEM;
	if (!rc)
		rc = pmdisk_media_read(media, off, buf, PMDISK_DSTATE_SIZE);
	if (!rc) {
		seq[0] = copy_decode(buf, ds);
		seq[1] = copy_decode(buf + PMDISK_DSTATE_COPY, other);
		/* the newer valid copy is current; none: no records yet */
		i = seq[1] > seq[0];
		if (i) {
			memcpy(ds->rec, other->rec, sizeof(ds->rec));
			ds->nr = other->nr;
		}
		ds->cur = i;
		ds->seq = seq[i];
	}
	pmdisk_free(other);
	pmdisk_free(buf);
	return rc;
}

int pmdisk_dstate_store(struct pmdisk_dstate *ds)
{
	unsigned int next = ds->seq ? 1 - ds->cur : 0;
	u8 *copy = pmdisk_zalloc(PMDISK_DSTATE_COPY);
	int rc;

	if (!copy)
		return -ENOMEM;
	copy_encode(ds, ds->seq + 1, copy);
	rc = pmdisk_media_write(ds->media, ds->off + (u64)next * PMDISK_DSTATE_COPY,
				copy, PMDISK_DSTATE_COPY);
	pmdisk_media_persist(ds->media);
	pmdisk_free(copy);
	if (rc)
		return rc;
	ds->cur = next;
	ds->seq++;
	return 0;
}

int pmdisk_dstate_format(struct pmdisk_dstate *ds, struct pmdisk_media *media,
			 u64 off)
{
	u8 *zero = pmdisk_zalloc(PMDISK_DSTATE_COPY);
	int rc;

	if (!zero)
		return -ENOMEM;
	memset(ds, 0, sizeof(*ds));
	ds->media = media;
	ds->off = off;
	/* copy 1 invalid first: a cut before copy 0 lands leaves no records */
	rc = pmdisk_media_write(media, off + PMDISK_DSTATE_COPY, zero, PMDISK_DSTATE_COPY);
	pmdisk_media_persist(media);
	pmdisk_free(zero);
	if (!rc)
		rc = pmdisk_dstate_store(ds);	/* copy 0, seq 1, empty */
	return rc;
}

static struct pmdisk_dstate_entry *find(const struct pmdisk_dstate *ds,
					const u8 *uuid)
{
	unsigned int i;

	for (i = 0; i < ds->nr; i++)
		if (!memcmp(ds->rec[i].uuid, uuid, sizeof(ds->rec[i].uuid)))
			return (struct pmdisk_dstate_entry *)&ds->rec[i];
	return NULL;
}

/* A cleanly detached disk's record, which may make room; or -1. */
static int clean_record(const struct pmdisk_dstate *ds)
{
	unsigned int i;

	for (i = 0; i < ds->nr; i++)
		if (!ds->rec[i].attached)
			return i;
	return -1;
}

bool pmdisk_dstate_room(const struct pmdisk_dstate *ds, const u8 *uuid)
{
	return find(ds, uuid) || ds->nr < PMDISK_DSTATE_MAX_RECS || clean_record(ds) >= 0;
}

static void drop(struct pmdisk_dstate *ds, struct pmdisk_dstate_entry *e)
{
	unsigned int i = e - ds->rec;

	memmove(e, e + 1, (ds->nr - i - 1) * sizeof(*e));
	ds->nr--;
}

int pmdisk_dstate_attach(struct pmdisk_dstate *ds, const u8 *uuid,
			 u32 *count, bool *was_dirty)
{
	struct pmdisk_dstate_entry *e = find(ds, uuid);

	*was_dirty = false;
	if (!pmdisk_dstate_room(ds, uuid))
		return -ENOSPC;
	if (!e && ds->nr == PMDISK_DSTATE_MAX_RECS)
		drop(ds, &ds->rec[clean_record(ds)]);	/* full: a clean one goes */
	if (!e) {
		e = &ds->rec[ds->nr++];
		memcpy(e->uuid, uuid, sizeof(e->uuid));
		e->count = 0;
		e->attached = false;
		e->number = 0;
	}
	if (e->attached) {
		*was_dirty = true;
		if (e->count < U32_MAX)
			e->count++;
	}
	e->attached = true;
	*count = e->count;
	return 0;
}

bool pmdisk_dstate_detach(struct pmdisk_dstate *ds, const u8 *uuid)
{
	struct pmdisk_dstate_entry *e = find(ds, uuid);

	if (e)
		e->attached = false;
	return e;
}

bool pmdisk_dstate_forget(struct pmdisk_dstate *ds, const u8 *uuid)
{
	struct pmdisk_dstate_entry *e = find(ds, uuid);

	if (e)
		drop(ds, e);
	return e;
}

bool pmdisk_dstate_rename(struct pmdisk_dstate *ds, const u8 *old, const u8 *new)
{
	struct pmdisk_dstate_entry *e;

	pmdisk_dstate_forget(ds, new);
	e = find(ds, old);
	if (e)
		memcpy(e->uuid, new, sizeof(e->uuid));
	return e;
}

bool pmdisk_dstate_number(const struct pmdisk_dstate *ds, const u8 *uuid,
			  u32 *number)
{
	const struct pmdisk_dstate_entry *e = find(ds, uuid);

	if (!e || !e->number)
		return false;
	*number = e->number - 1;
	return true;
}

void pmdisk_dstate_set_number(struct pmdisk_dstate *ds, const u8 *uuid,
			      u32 number)
{
	struct pmdisk_dstate_entry *e = find(ds, uuid);

	if (e && number < U32_MAX)
		e->number = number + 1;
}
