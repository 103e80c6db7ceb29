// SPDX-License-Identifier: GPL-2.0
/*
 * Examining an image file (image_report.h): its label area, the QEMU slot
 * its labels fit, its namespaces and their BTTs, checked once (the check
 * reads every map entry; the sectors it reports are what a load finds, so
 * the map is not read a second time).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "image_report.h"

static void note_add(void *ctx, const char *msg)
{
	struct image_notes *n = ctx;

	if (n->nr < IMAGE_NOTES_MAX)
		snprintf(n->msg[n->nr++], IMAGE_NOTE_LEN, "%s", msg);
}

const char *image_btt_state(const struct image_ns *in)
{
	if (!in->btt)
		return "none";
	switch (in->btt_rc) {
	case 0:
		return "consistent";
	case -ENOENT:
		return "missing";
	case -EUCLEAN:
		return "damaged";
	default:
		return "unreadable";
	}
}

const char *image_ns_mode(const struct image_ns *in)
{
	switch (in->ns.claim) {
	case PMDISK_CLAIM_PFN:
		return "fsdax";
	case PMDISK_CLAIM_DAX:
		return "devdax";
	case PMDISK_CLAIM_UNKNOWN:
		return "unknown";
	default:
		return in->btt ? "btt" : "raw";
	}
}

/* Check the BTT at @start of namespace @in (claimed: it must be there). */
static void inspect_btt(struct image_report *r, struct image_ns *in,
			struct pmdisk_media *region, u64 start, bool claimed, bool repair)
{
	struct pmdisk_media_window nm;

	pmdisk_media_window_init(&nm, region, in->ns.offset, in->ns.size);
	memset(&in->btt_id, 0, sizeof(in->btt_id));
	pmdisk_btt_id_for_start(&in->btt_id, start);
	in->btt_id.claimed = claimed;
	if (in->labelled)
		memcpy(in->btt_id.parent_uuid, in->ns.uuid, 16);
	in->btt_rc = pmdisk_btt_check(&nm.media, &in->btt_id, repair, &in->rep, note_add,
				      NULL, &in->notes);
	in->btt = claimed || in->btt_rc != -ENOENT;
	if (in->btt && in->btt_rc)
		r->problems++;
}

/* The namespace @ns: its BTT, where its claim or label version says. */
static void inspect_ns(struct image_report *r, struct pmdisk_media *region,
		       const struct pmdisk_ns *ns, bool labelled, bool repair)
{
	struct image_ns *in = &r->ns[r->nr_ns++];

	memset(in, 0, sizeof(*in));
	in->labelled = labelled;
	in->ns = *ns;
	if (ns->claim == PMDISK_CLAIM_BTT2)
		inspect_btt(r, in, region, PMDISK_BTT_START_V2_0, true, repair);
	else if (ns->claim == PMDISK_CLAIM_NONE)
		inspect_btt(r, in, region, PMDISK_BTT_START_V1_1, false, repair);
	if (in->btt && !in->btt_rc && !labelled)
		in->ns.lbasize = in->rep.lbasize;
}

static void inspect_labelled(struct image_report *r, struct pmdisk_lsa *lsa,
			     struct pmdisk_media *region, bool repair)
{
	struct pmdisk_ns ns[PMDISK_MAX_NS_PER_REGION];
	struct pmdisk_iset_dimm dimm;
	struct pmdisk_nslabel first;
	unsigned int i;
	int n;

	r->labels = lsa->label_size == 256 ? PMDISK_LABEL_V1_2 : PMDISK_LABEL_V1_1;
	r->nslot = lsa->nslot;
	r->slots_used = pmdisk_lsa_used(lsa);
	for (i = 0; i < lsa->nslot; i++)
		if (!pmdisk_lsa_read_label(lsa, i, &first))
			break;
	if (i == lsa->nslot)
		return;		/* no namespaces: any slot */
	r->has_cookie = true;
	r->cookie = le64_to_cpu(first.isetcookie);
	r->slot = image_label_slot(r->geo.region_size, lsa->label_size, &first);
	if (r->slot < 0) {
		r->problems++;
		return;
	}
	image_qemu_dimm(r->slot, r->geo.region_size, &dimm);
	n = pmdisk_ns_scan(&lsa, &dimm, 1, ns, PMDISK_MAX_NS_PER_REGION, note_add, &r->notes);
	for (i = 0; i < (unsigned int)n; i++)
		inspect_ns(r, region, &ns[i], true, repair);
}

int image_inspect(struct image_report *r, struct pmdisk_media *file, bool repair)
{
	struct pmdisk_media_window lm, region;
	struct pmdisk_ns whole = { .lbasize = 512, .claim = PMDISK_CLAIM_NONE };
	struct pmdisk_lsa lsa;
	int rc;

	r->label_probe = r->geo.label_size;
	r->slot = -1;
	if (image_geo_fix(&r->geo))
		return -EINVAL;
	pmdisk_media_window_init(&lm, file, r->geo.file_size - r->geo.label_size,
				 r->geo.label_size);
	rc = pmdisk_lsa_load(&lsa, &lm.media);
	if (rc && rc != -ENODEV)
		return rc;
	if (rc) {
		r->geo.label_size = 0;	/* no index: QEMU gives it no label area */
		if (image_geo_fix(&r->geo))
			return -EINVAL;
	}
	pmdisk_media_window_init(&region, file, 0, r->geo.region_size);
	if (!rc) {
		inspect_labelled(r, &lsa, &region.media, repair);
		pmdisk_lsa_release(&lsa);
		return 0;
	}
	whole.size = r->geo.region_size;
	inspect_ns(r, &region.media, &whole, false, repair);
	return 0;
}
