// SPDX-License-Identifier: GPL-2.0
/*
 * Provisioning decisions: see provision.h.
 */
#include "btt.h"
#include "provision.h"

int pmdisk_extents_add(struct pmdisk_extents *x, u64 offset, u64 size)
{
	unsigned int i;

	if (x->n == PMDISK_MAX_NS_PER_REGION)
		return -ENOSPC;
	for (i = x->n; i > 0 && x->e[i - 1].offset > offset; i--)
		x->e[i] = x->e[i - 1];
	x->e[i].offset = offset;
	x->e[i].size = size;
	x->n++;
	return 0;
}

void pmdisk_extents_del(struct pmdisk_extents *x, u64 offset)
{
	unsigned int i;

	for (i = 0; i < x->n; i++) {
		if (x->e[i].offset == offset) {
			memmove(&x->e[i], &x->e[i + 1], (x->n - i - 1) * sizeof(x->e[0]));
			x->n--;
			return;
		}
	}
}

bool pmdisk_extents_has(const struct pmdisk_extents *x, u64 offset)
{
	unsigned int i;

	for (i = 0; i < x->n; i++)
		if (x->e[i].offset == offset)
			return true;
	return false;
}

void pmdisk_extents_from_ns(struct pmdisk_extents *x, const struct pmdisk_ns *ns,
			    unsigned int n)
{
	unsigned int i;

	x->n = 0;
	for (i = 0; i < n && i < PMDISK_MAX_NS_PER_REGION; i++)
		pmdisk_extents_add(x, ns[i].offset, ns[i].size);
}

bool pmdisk_next_gap(const struct pmdisk_extents *x, u64 size,
		     struct pmdisk_gap_iter *it, struct pmdisk_extent *gap)
{
	while (it->i <= x->n) {
		u64 end = it->i < x->n ? x->e[it->i].offset : size;
		u64 at = it->at;

		if (it->i < x->n)
			it->at = max(it->at, x->e[it->i].offset + x->e[it->i].size);
		it->i++;
		if (end > at) {
			gap->offset = at;
			gap->size = end - at;
			return true;
		}
	}
	return false;
}

bool pmdisk_place(const struct pmdisk_extents *x, u64 region_size, u64 size,
		  u64 align, u64 phase, u64 *offset, u64 *max_extent)
{
	struct pmdisk_gap_iter it = {};
	struct pmdisk_extent gap;
	bool found = false;

	*max_extent = 0;
	while (pmdisk_next_gap(x, region_size, &it, &gap)) {
		u64 end = gap.offset + gap.size;
		u64 start = roundup(gap.offset + phase, align) - phase;

		end = end + phase < align ? 0 : rounddown(end + phase, align) - phase;
		if (end <= start)
			continue;
		*max_extent = max(*max_extent, end - start);
		if (!found && end - start >= size) {
			*offset = start;
			found = true;
		}
	}
	return found;
}

u64 pmdisk_btt_start_for(bool v1_2_labels)
{
	return v1_2_labels ? PMDISK_BTT_START_V2_0 : PMDISK_BTT_START_V1_1;
}

enum pmdisk_claim pmdisk_prov_claim(enum pmdisk_atomicity atomicity, u64 btt_start,
				    bool dax_claimed, enum pmdisk_pfn_kind dax_kind)
{
	if (atomicity == PMDISK_ATOMICITY_BTT)
		return btt_start == PMDISK_BTT_START_V2_0 ? PMDISK_CLAIM_BTT2 :
							    PMDISK_CLAIM_NONE;
	if (dax_claimed)
		return dax_kind == PMDISK_PFN_DEVDAX ? PMDISK_CLAIM_DAX : PMDISK_CLAIM_PFN;
	return PMDISK_CLAIM_NONE;
}

void pmdisk_prov_labels(struct pmdisk_nslabel *labels,
			const struct pmdisk_iset_dimm *dimms, unsigned int ways,
			u32 label_size, const struct pmdisk_prov_ns *ns)
{
	enum pmdisk_cookie_kind kind = label_size == 256 ? PMDISK_COOKIE_V1_2 :
							   PMDISK_COOKIE_V1_1;
	u64 cookie = pmdisk_iset_cookie(dimms, ways, kind);
	unsigned int pos;

	for (pos = 0; pos < ways; pos++) {
		struct pmdisk_nslabel *l = &labels[pos];

		memset(l, 0, sizeof(*l));
		memcpy(l->uuid, ns->uuid, sizeof(l->uuid));
		memcpy(l->name, ns->name, min(sizeof(l->name), strlen(ns->name)));
		l->nlabel = cpu_to_le16(ways);
		l->position = cpu_to_le16(pos);
		l->isetcookie = cpu_to_le64(cookie);
		l->lbasize = cpu_to_le64(ns->sector_size);
		l->dpa = cpu_to_le64(dimms[pos].dpa + ns->offset / ways);
		l->rawsize = cpu_to_le64(ns->size / ways);
		/* v1.2: a persistent-memory namespace, and what claims it */
		memcpy(l->type_guid, pmdisk_nfit_pm_guid, sizeof(l->type_guid));
		pmdisk_claim_guid(ns->claim, l->abstraction_guid);
	}
}

static u64 gcd64(u64 a, u64 b)
{
	while (b) {
		u64 t = a % b;

		a = b;
		b = t;
	}
	return a;
}

/* The kind of disk @q asks for, and the unit it is placed and sized in. */
static void plan_kind(const struct pmdisk_prov_region *r,
		      const struct pmdisk_prov_req *q, struct pmdisk_prov_plan *p)
{
	bool v1_2 = r->labels == PMDISK_LABEL_V1_2;

	memset(p, 0, sizeof(*p));
	p->align = PMDISK_ALIGN_PER_DIMM * r->ways;
	switch (q->mode) {
	case PMDISK_PROV_BTT:
		p->atomicity = PMDISK_ATOMICITY_BTT;
		p->btt_start = pmdisk_btt_start_for(v1_2);
		/* v1.2 labels carry the BTT2 GUID; under v1.1 a probe finds it */
		p->btt_claimed = v1_2;
		break;
	case PMDISK_PROV_FSDAX:
	case PMDISK_PROV_DEVDAX:
		p->dax = true;
		p->dax_kind = q->mode == PMDISK_PROV_DEVDAX ? PMDISK_PFN_DEVDAX :
							      PMDISK_PFN_FSDAX;
		p->dax_claimed = v1_2;
		/*
		 * 16 MiB units in physical memory: whole units of each
		 * DIMM's share too when the region starts on 2 MiB
		 */
		p->align = PMDISK_ALIGN_PER_DIMM * (r->ways * 8 / gcd64(r->ways, 8));
		break;
	default:
		break;
	}
}

/*
 * Raw and BTT: the namespace for @q->disk_size usable bytes, as is for a
 * raw disk; for a BTT the smallest multiple of the unit whose BTT holds
 * them (a map entry per sector, spare blocks and metadata per arena).
 * Then placed. -ENOSPC when it is larger than the region or fits nowhere.
 */
static int plan_block(const struct pmdisk_prov_region *r,
		      const struct pmdisk_prov_req *q, struct pmdisk_prov_plan *p)
{
	u64 size;

	p->size = 0;
	for (size = roundup(q->disk_size, p->align);
	     q->disk_size <= r->size && size <= r->size; size += p->align) {
		u64 nlba = p->atomicity != PMDISK_ATOMICITY_BTT ? size / q->sector_size :
			   size <= p->btt_start ? 0 :
			   pmdisk_btt_nlba(p->btt_start, size - p->btt_start, q->sector_size);

		if (nlba * q->sector_size >= q->disk_size) {
			p->size = size;
			p->actual = nlba * q->sector_size;
			break;
		}
	}
	if (!pmdisk_place(r->used, r->size, p->size ? p->size : U64_MAX, p->align, 0,
			  &p->offset, &p->max_extent))
		return -ENOSPC;
	return 0;
}

/*
 * DAX: the smallest namespace, a multiple of the unit, aligned in physical
 * memory, whose data (after the info block and the page map, with nothing
 * cut off its end) holds @q->disk_size bytes where it would lie.
 */
static int plan_dax(const struct pmdisk_prov_region *r,
		    const struct pmdisk_prov_req *q, struct pmdisk_prov_plan *p)
{
	u64 phase = r->base % p->align;
	struct pmdisk_pfn_layout *l = &p->layout;
	const char *why;
	u64 size;

	for (size = roundup(q->disk_size, p->align);
	     q->disk_size <= r->size && size <= r->size; size += p->align) {
		if (!pmdisk_place(r->used, r->size, size, p->align, phase, &p->offset,
				  &p->max_extent))
			return -ENOSPC;
		if (pmdisk_pfn_plan(p->dax_kind, q->map, r->base + p->offset, size,
				    q->dax_align, q->pfn_uuid, l, &why))
			continue;	/* too small for its metadata yet */
		if (!l->end_trunc && l->data_size >= q->disk_size) {
			p->size = size;
			p->actual = l->data_size;
			return 0;
		}
	}
	pmdisk_place(r->used, r->size, U64_MAX, p->align, phase, &p->offset, &p->max_extent);
	return -ENOSPC;
}

int pmdisk_prov_plan(const struct pmdisk_prov_region *r,
		     const struct pmdisk_prov_req *q, struct pmdisk_prov_plan *p)
{
	plan_kind(r, q, p);
	return p->dax ? plan_dax(r, q, p) : plan_block(r, q, p);
}

int pmdisk_prov_reread(struct pmdisk_prov_labels *s)
{
	struct pmdisk_ns *ns;
	unsigned int i;
	int rc = 0, n;

	s->used->n = 0;
	for (i = 0; i < s->ways; i++) {
		struct pmdisk_media *media = s->lsa[i]->media;
		int err;

		pmdisk_lsa_release(s->lsa[i]);
		err = pmdisk_lsa_load(s->lsa[i], media);
		rc = rc ? rc : err;
	}
	if (rc)
		goto out;
	ns = pmdisk_zalloc(PMDISK_MAX_NS_PER_REGION * sizeof(*ns));
	if (!ns) {
		rc = -ENOMEM;
		goto out;
	}
	n = pmdisk_ns_scan(s->lsa, s->dimms, s->ways, ns, PMDISK_MAX_NS_PER_REGION,
			   NULL, NULL);
	if (n >= 0)
		pmdisk_extents_from_ns(s->used, ns, n);
	rc = n < 0 ? n : 0;
	pmdisk_free(ns);
out:
	s->reread_error = rc;
	return rc;
}

/* After an update that returned @rc < 0: the media decides. */
static int prov_failed(struct pmdisk_prov_labels *s, int rc)
{
	pmdisk_prov_reread(s);
	return rc;
}

int pmdisk_prov_write(struct pmdisk_prov_labels *s, const struct pmdisk_nslabel *labels,
		      u32 *slot, u64 offset, u64 size)
{
	int rc = pmdisk_ns_write(s->lsa, s->ways, labels, slot);

	if (rc < 0)
		return prov_failed(s, rc);
	if (!pmdisk_extents_has(s->used, offset) &&
	    pmdisk_extents_add(s->used, offset, size))
		return prov_failed(s, -ENOSPC);
	return rc;
}

int pmdisk_prov_delete(struct pmdisk_prov_labels *s, const u32 *slot, u64 offset)
{
	unsigned int i;
	int rc = 0;

	for (i = 0; i < s->ways && !rc; i++)
		rc = pmdisk_lsa_update(s->lsa[i], NULL, 0, &slot[i], 1);
	if (rc)
		return prov_failed(s, rc);
	pmdisk_extents_del(s->used, offset);
	return 0;
}
