// SPDX-License-Identifier: GPL-2.0
/*
 * Namespace label storage area: index blocks, slots, atomic updates.
 * See label.h for the layout.
 */
#include "label.h"

u64 pmdisk_fletcher64(const void *addr, size_t len, bool le)
{
	const u8 *p = addr;
	u32 lo32 = 0;
	u64 hi32 = 0;
	size_t i;

	for (i = 0; i + 4 <= len; i += 4) {
		u32 w;

		memcpy(&w, p + i, sizeof(w));
		lo32 += le ? le32_to_cpu((__force __le32)w) : w;
		hi32 += lo32;
	}
	return hi32 << 32 | lo32;
}

/* The 2-bit sequence cycles 1 -> 2 -> 3 -> 1; 0 is never valid. */
static u32 seq_next(u32 seq)
{
	static const u32 next[] = { 0, 2, 3, 1 };

	return next[seq & PMDISK_NSINDEX_SEQ_MASK];
}

/* Of two valid sequence numbers, the newer: the one that follows the other. */
static bool seq_newer(u32 a, u32 b)
{
	return seq_next(b) == a;
}

int pmdisk_lsa_geometry(u64 lsa_size, u32 label_size, u32 *index_size,
			u32 *nslot)
{
	u32 n, isize;

	if (lsa_size > PMDISK_LSA_MAX_SIZE || (label_size != 128 && label_size != 256))
		return -EINVAL;
	/* as Linux: size the index for every slot that could fit, then fit */
	n = lsa_size / label_size;
	isize = ALIGN(sizeof(struct pmdisk_nsindex) + DIV_ROUND_UP(n, 8),
		      PMDISK_NSINDEX_ALIGN);
	if (lsa_size < 2ULL * isize + 2ULL * label_size)
		return -EINVAL;	/* at least two indexes and two labels */
	*index_size = isize;
	*nslot = (lsa_size - 2ULL * isize) / label_size;
	return 0;
}

/* Checksum of an index block or v1.2 label: Fletcher-64, field zeroed. */
static u64 block_checksum(u8 *block, size_t len, size_t csum_off)
{
	__le64 saved;
	u64 sum;

	memcpy(&saved, block + csum_off, sizeof(saved));
	memset(block + csum_off, 0, sizeof(saved));
	sum = pmdisk_fletcher64(block, len, true);
	memcpy(block + csum_off, &saved, sizeof(saved));
	return sum;
}

/*
 * Is @buf a valid index block number @i for an area of @lsa_size with
 * @label_size labels? On success returns its sequence number and slots.
 */
static bool index_valid(u8 *buf, unsigned int i, u32 lsa_size,
			u32 label_size, u32 *seq, u32 *nslot)
{
	struct pmdisk_nsindex *ix = (struct pmdisk_nsindex *)buf;
	u32 isize, max_slots, lsize;
	u16 major = le16_to_cpu(ix->major), minor = le16_to_cpu(ix->minor);

	if (pmdisk_lsa_geometry(lsa_size, label_size, &isize, &max_slots))
		return false;
	if (memcmp(ix->sig, PMDISK_NSINDEX_SIG, sizeof(ix->sig)))
		return false;
	if (major != 1 || (minor != 1 && minor != 2))
		return false;
	if (minor >= 2) {
		if (ix->labelsize > 1)
			return false;
		lsize = 128U << ix->labelsize;
	} else {
		lsize = 128;
	}
	if (lsize != label_size)
		return false;
	if (le64_to_cpu(ix->checksum) != block_checksum(buf, isize,
				offsetof(struct pmdisk_nsindex, checksum)))
		return false;
	*seq = le32_to_cpu(ix->seq) & PMDISK_NSINDEX_SEQ_MASK;
	*nslot = le32_to_cpu(ix->nslot);
	return *seq != 0 &&
	       le64_to_cpu(ix->myoff) == (u64)i * isize &&
	       le64_to_cpu(ix->otheroff) == (u64)(1 - i) * isize &&
	       le64_to_cpu(ix->labeloff) == 2ULL * isize &&
	       le64_to_cpu(ix->mysize) >= sizeof(*ix) &&
	       le64_to_cpu(ix->mysize) <= isize &&
	       /* nslot need only fit: older writers used fewer slots */
	       *nslot >= 2 && (u64)*nslot * label_size + 2ULL * isize <= lsa_size;
}

static int lsa_alloc(struct pmdisk_lsa *lsa)
{
	lsa->cur = pmdisk_zalloc(lsa->index_size);
	lsa->next = pmdisk_zalloc(lsa->index_size);
	if (lsa->cur && lsa->next)
		return 0;
	pmdisk_lsa_release(lsa);
	return -ENOMEM;
}

void pmdisk_lsa_release(struct pmdisk_lsa *lsa)
{
	pmdisk_free(lsa->cur);
	pmdisk_free(lsa->next);
	pmdisk_free(lsa->labels);
	lsa->cur = NULL;
	lsa->next = NULL;
	lsa->labels = NULL;
}

int pmdisk_lsa_load(struct pmdisk_lsa *lsa, struct pmdisk_media *media)
{
	static const u32 label_sizes[] = { 128, 256 };	/* Linux probes 128 first */
	u8 *both;
	unsigned int s;
	int rc = -ENODEV;

	memset(lsa, 0, sizeof(*lsa));
	if (media->size > PMDISK_LSA_MAX_SIZE)
		return -EINVAL;
	lsa->media = media;
	lsa->size = media->size;

	for (s = 0; s < ARRAY_SIZE(label_sizes) && rc == -ENODEV; s++) {
		u32 isize, nslot, seq[2], slots[2];
		bool valid[2];
		unsigned int i;

		if (pmdisk_lsa_geometry(lsa->size, label_sizes[s], &isize, &nslot))
			return s ? rc : -EINVAL;
		both = pmdisk_zalloc(2 * isize);
		if (!both)
			return -ENOMEM;
		rc = pmdisk_media_read(media, 0, both, 2 * isize);
		if (rc) {
			pmdisk_free(both);
			return rc;
		}
		for (i = 0; i < 2; i++)
			valid[i] = index_valid(both + i * isize, i, lsa->size,
					       label_sizes[s], &seq[i], &slots[i]);
		rc = -ENODEV;
		if (valid[0] || valid[1]) {
			/* both valid: index 1 unless index 0 is the successor */
			if (valid[0] && valid[1])
				i = seq[1] == seq[0] || seq_newer(seq[1], seq[0]);
			else
				i = valid[1];
			lsa->label_size = label_sizes[s];
			lsa->index_size = isize;
			lsa->active = i;
			lsa->seq = seq[i];
			lsa->nslot = slots[i];
			rc = lsa_alloc(lsa);
			if (!rc)
				memcpy(lsa->cur, both + i * isize, isize);
		}
		pmdisk_free(both);
	}
	return rc;
}

/* Fill in the header and checksum of index block @i in @buf. */
static void index_seal(u8 *buf, unsigned int i, u32 isize, u32 nslot,
		       u32 label_size, u32 seq)
{
	struct pmdisk_nsindex *ix = (struct pmdisk_nsindex *)buf;
	bool v12 = label_size == 256;

	memcpy(ix->sig, PMDISK_NSINDEX_SIG, sizeof(ix->sig));
	memset(ix->flags, 0, sizeof(ix->flags));
	ix->labelsize = v12 ? 1 : 0;
	ix->seq = cpu_to_le32(seq);
	ix->myoff = cpu_to_le64((u64)i * isize);
	ix->mysize = cpu_to_le64(isize);
	ix->otheroff = cpu_to_le64((u64)(1 - i) * isize);
	ix->labeloff = cpu_to_le64(2ULL * isize);
	ix->nslot = cpu_to_le32(nslot);
	ix->major = cpu_to_le16(1);
	ix->minor = cpu_to_le16(v12 ? 2 : 1);
	ix->checksum = 0;
	ix->checksum = cpu_to_le64(pmdisk_fletcher64(buf, isize, true));
}

static u8 *index_bitmap(u8 *index)
{
	return index + sizeof(struct pmdisk_nsindex);
}

static bool bit_test(const u8 *map, u32 bit)
{
	return map[bit / 8] & (1U << (bit % 8));
}

static void bit_assign(u8 *map, u32 bit, bool set)
{
	if (set)
		map[bit / 8] |= 1U << (bit % 8);
	else
		map[bit / 8] &= ~(1U << (bit % 8));
}

int pmdisk_lsa_init(struct pmdisk_media *media, enum pmdisk_label_version v,
		    u32 tail)
{
	u32 label_size = v == PMDISK_LABEL_V1_2 ? 256 : 128;
	u32 isize, nslot, slot;
	unsigned int i;
	u8 *buf;
	int rc;

	if (v != PMDISK_LABEL_V1_1 && v != PMDISK_LABEL_V1_2)
		return -EINVAL;
	rc = pmdisk_lsa_geometry(media->size, label_size, &isize, &nslot);
	if (rc)
		return rc;
	/* fewer slots, same index size: the tail stays outside every slot */
	if (tail) {
		u32 keep = DIV_ROUND_UP(tail, label_size);

		if (keep + 2 > nslot)
			return -ENOSPC;
		nslot -= keep;
	}
	buf = pmdisk_zalloc(isize);
	if (!buf)
		return -ENOMEM;
	/* every slot free; bits past nslot stay zero, as the spec says */
	for (slot = 0; slot < nslot; slot++)
		bit_assign(index_bitmap(buf), slot, true);
	/* index 0 seq 3, index 1 seq 2: index 0 is current, as Linux does */
	for (i = 0; i < 2 && !rc; i++) {
		index_seal(buf, i, isize, nslot, label_size, i ? 2 : 3);
		rc = pmdisk_media_write(media, (u64)i * isize, buf, isize);
	}
	pmdisk_media_persist(media);
	pmdisk_free(buf);
	return rc;
}

bool pmdisk_lsa_slot_free(const struct pmdisk_lsa *lsa, u32 slot)
{
	return slot >= lsa->nslot || bit_test(index_bitmap(lsa->cur), slot);
}

u32 pmdisk_lsa_used(const struct pmdisk_lsa *lsa)
{
	u32 slot, used = 0;

	for (slot = 0; slot < lsa->nslot; slot++)
		used += !pmdisk_lsa_slot_free(lsa, slot);
	return used;
}

static u64 slot_offset(const struct pmdisk_lsa *lsa, u32 slot)
{
	return 2ULL * lsa->index_size + (u64)slot * lsa->label_size;
}

/*
 * Read the labels of the used slots, from the first to the last, in one
 * read into lsa->labels. The slots in between that are free are read too:
 * one read of a span costs less than a read per label.
 */
static int lsa_read_labels(struct pmdisk_lsa *lsa)
{
	u32 first = lsa->nslot, last = 0, slot;
	int rc = 0;

	for (slot = 0; slot < lsa->nslot; slot++) {
		if (pmdisk_lsa_slot_free(lsa, slot))
			continue;
		if (first == lsa->nslot)
			first = slot;
		last = slot;
	}
	lsa->labels = pmdisk_zalloc((size_t)lsa->nslot * lsa->label_size);
	if (!lsa->labels)
		return -ENOMEM;
	if (first < lsa->nslot)
		rc = pmdisk_media_read(lsa->media, slot_offset(lsa, first),
				       lsa->labels + (size_t)first * lsa->label_size,
				       (size_t)(last - first + 1) * lsa->label_size);
	if (rc) {
		pmdisk_free(lsa->labels);
		lsa->labels = NULL;
	}
	return rc;
}

int pmdisk_lsa_read_label(struct pmdisk_lsa *lsa, u32 slot,
			  struct pmdisk_nslabel *label)
{
	int rc = 0;

	memset(label, 0, sizeof(*label));
	if (pmdisk_lsa_slot_free(lsa, slot))
		return -ENOENT;
	/* a span that cannot be read as a whole is read label by label */
	if (lsa->labels || !lsa_read_labels(lsa))
		memcpy(label, lsa->labels + (size_t)slot * lsa->label_size,
		       lsa->label_size);
	else
		rc = pmdisk_media_read(lsa->media, slot_offset(lsa, slot), label,
				       lsa->label_size);
	if (rc)
		return rc;
	if (le32_to_cpu(label->slot) != slot)
		return -EINVAL;
	if (lsa->label_size == 256 &&
	    le64_to_cpu(label->checksum) !=
	    block_checksum((u8 *)label, sizeof(*label),
			   offsetof(struct pmdisk_nslabel, checksum)))
		return -EINVAL;
	return 0;
}

int pmdisk_lsa_update(struct pmdisk_lsa *lsa, struct pmdisk_nslabel *add,
		      unsigned int nr_add, const u32 *del, unsigned int nr_del)
{
	unsigned int next = 1 - lsa->active, i;
	u32 slot = 0, seq = seq_next(lsa->seq);
	u8 *map;
	u8 *tmp;
	int rc;

	/* Validate and plan everything before the first store. */
	memcpy(lsa->next, lsa->cur, lsa->index_size);
	map = index_bitmap(lsa->next);
	for (i = 0; i < nr_del; i++) {
		if (pmdisk_lsa_slot_free(lsa, del[i]) || bit_test(map, del[i]))
			return -EINVAL;	/* not in use, or named twice */
		bit_assign(map, del[i], true);
	}
	for (i = 0; i < nr_add; i++) {
		/* a slot free in the current index: no live label is there */
		while (slot < lsa->nslot && !pmdisk_lsa_slot_free(lsa, slot))
			slot++;
		if (slot == lsa->nslot)
			return -ENOSPC;
		add[i].slot = cpu_to_le32(slot);
		bit_assign(map, slot, false);
		slot++;
	}

	for (i = 0; i < nr_add; i++) {
		if (lsa->label_size == 256) {
			add[i].checksum = 0;
			add[i].checksum = cpu_to_le64(pmdisk_fletcher64(&add[i],
							sizeof(add[i]), true));
		}
		rc = pmdisk_media_write(lsa->media,
					slot_offset(lsa, le32_to_cpu(add[i].slot)),
					&add[i], lsa->label_size);
		if (rc)
			return rc;
		if (lsa->labels)
			memcpy(lsa->labels + (size_t)le32_to_cpu(add[i].slot) * lsa->label_size,
			       &add[i], lsa->label_size);
	}
	/* The labels must be durable before the index that points at them. */
	pmdisk_media_persist(lsa->media);

	index_seal(lsa->next, next, lsa->index_size, lsa->nslot,
		   lsa->label_size, seq);
	rc = pmdisk_media_write(lsa->media, (u64)next * lsa->index_size,
				lsa->next, lsa->index_size);
	if (rc)
		return rc;
	pmdisk_media_persist(lsa->media);

	tmp = lsa->cur;
	lsa->cur = lsa->next;
	lsa->next = tmp;
	lsa->active = next;
	lsa->seq = seq;
	return 0;
}
