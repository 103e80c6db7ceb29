// SPDX-License-Identifier: GPL-2.0
/*
 * pmemctl image create's layout: how large the file must be for the
 * capacity asked, and what goes into it, in the order that makes a cut
 * short harmless (the labels, written last, are the commit point), on
 * any medium: the file, or a simulated one that loses power
 * (selftests/host/image_create_test.c). The
 * decisions are the module's own (core/provision.c): an image's namespace
 * is the one `pmemctl create` would make on a region of that size.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uuid/uuid.h>

#include "image_cmd.h"
#include "table.h"
#include "../driver/core/btt.h"
#include "../driver/core/dstate.h"

/* Far larger than any file: the region a first plan is sized on. */
#define IMAGE_PLAN_REGION	(1ULL << 56)

static u64 round_up_to(u64 v, u64 unit)
{
	return (v + unit - 1) / unit * unit;
}

/* Labelled: the namespace create would make, and a file just holding it. */
static const char *plan_labelled(struct image_layout *c)
{
	struct pmdisk_extents none = { 0 };
	struct pmdisk_prov_region r = {
		.size = IMAGE_PLAN_REGION, .ways = 1, .labels = c->labels, .used = &none,
	};
	struct pmdisk_prov_req q = {
		.mode = c->btt ? PMDISK_PROV_BTT : PMDISK_PROV_RAW,
		.disk_size = c->size, .sector_size = c->sector_size,
	};

	if (pmdisk_prov_plan(&r, &q, &c->plan))
		return "--size is too large";
	c->geo.file_size = round_up_to(c->plan.size + c->geo.label_size, IMAGE_FILE_ALIGN);
	if (image_geo_fix(&c->geo))
		return "--size is too small";
	r.size = c->geo.region_size;
	if (pmdisk_prov_plan(&r, &q, &c->plan) || c->plan.offset)
		return "the namespace does not fit the file sized for it (a bug)";
	return NULL;
}

/* Label-less: the whole region is the namespace; a BTT 1.1 at 4 KiB. */
static const char *plan_label_less(struct image_layout *c)
{
	struct pmdisk_prov_plan *p = &c->plan;
	u64 nlba;

	memset(p, 0, sizeof(*p));
	c->geo.file_size = round_up_to(c->size, IMAGE_FILE_ALIGN);
	if (c->btt && c->geo.file_size < PMDISK_BTT_ARENA_MIN)
		c->geo.file_size = PMDISK_BTT_ARENA_MIN;
	for (;;) {
		if (c->geo.file_size > IMAGE_PLAN_REGION || image_geo_fix(&c->geo))
			return "--size is too large";
		p->size = c->geo.region_size;
		p->actual = p->size;
		if (!c->btt)
			return NULL;
		nlba = pmdisk_btt_nlba(PMDISK_BTT_START_V1_1, p->size - PMDISK_BTT_START_V1_1,
				       c->sector_size);
		p->actual = nlba * c->sector_size;
		if (p->actual >= c->size)
			break;
		c->geo.file_size += IMAGE_FILE_ALIGN;
	}
	p->atomicity = PMDISK_ATOMICITY_BTT;
	p->btt_start = PMDISK_BTT_START_V1_1;
	return NULL;
}

const char *image_plan(struct image_layout *c)
{
	return c->labels ? plan_labelled(c) : plan_label_less(c);
}

/* The BTT of @c's namespace on @region, before any label names it. */
static int write_btt(const struct image_layout *c, struct pmdisk_media *region)
{
	struct pmdisk_media_window nm;
	struct pmdisk_btt_id id;

	pmdisk_media_window_init(&nm, region, c->plan.offset, c->plan.size);
	memset(&id, 0, sizeof(id));
	pmdisk_btt_id_for_start(&id, c->plan.btt_start);
	id.claimed = c->plan.btt_claimed;
	if (c->labels)
		memcpy(id.parent_uuid, c->uuid, sizeof(id.parent_uuid));
	uuid_generate(id.uuid);
	return pmdisk_btt_format(&nm.media, &id, c->sector_size, NULL, NULL);
}

/* The labels of @c's namespace into the loaded @lsa: the commit point. */
static int write_labels(const struct image_layout *c, struct pmdisk_lsa *lsa)
{
	struct pmdisk_extents used = { 0 };
	struct pmdisk_iset_dimm dimm;
	struct pmdisk_nslabel label;
	struct pmdisk_prov_ns ns = {
		.sector_size = c->sector_size,
		.offset = c->plan.offset, .size = c->plan.size,
		.claim = pmdisk_prov_claim(c->plan.atomicity, c->plan.btt_start, false, 0),
	};
	struct pmdisk_prov_labels s = {
		.lsa = &lsa, .dimms = &dimm, .ways = 1, .used = &used,
	};
	u32 slot;

	memcpy(ns.uuid, c->uuid, sizeof(ns.uuid));
	strcpy(ns.name, c->name);
	image_qemu_dimm(c->slot, c->geo.region_size, &dimm);
	pmdisk_prov_labels(&label, &dimm, 1, lsa->label_size, &ns);
	return pmdisk_prov_write(&s, &label, &slot, c->plan.offset, c->plan.size);
}

const char *image_write_media(const struct image_layout *c, struct pmdisk_media *labels,
			      struct pmdisk_media *region)
{
	static char why[128];
	struct pmdisk_lsa lsa;
	int rc;

	if (!c->labels)
		rc = c->btt ? write_btt(c, region) : 0;
	else {
		rc = pmdisk_lsa_init(labels, c->labels, pmdisk_dstate_tail(c->geo.label_size));
		if (!rc)
			rc = pmdisk_lsa_load(&lsa, labels);
		if (rc) {
			snprintf(why, sizeof(why), "writing the label index failed: %s",
				 strerror(-rc));
			return why;
		}
		rc = c->btt ? write_btt(c, region) : 0;
		if (!rc)
			rc = write_labels(c, &lsa);
		pmdisk_lsa_release(&lsa);
	}
	if (rc < 0) {
		snprintf(why, sizeof(why), "laying out the %s failed: %s",
			 c->btt ? "BTT and labels" : "labels", strerror(-rc));
		return why;
	}
	return NULL;
}

const char *image_write(const struct image_layout *c, int fd)
{
	struct image_media lm, rm;

	image_media_init(&lm, fd, c->geo.file_size - c->geo.label_size, c->geo.label_size);
	image_media_init(&rm, fd, 0, c->geo.region_size);
	return image_write_media(c, &lm.media, &rm.media);
}

void image_print_created(const struct image_layout *c)
{
	char got[32], want[32], uuid[UUID_STR_LEN];

	format_size(got, sizeof(got), c->plan.actual);
	uuid_unparse_lower(c->uuid, uuid);
	printf("created %s: a %s (%llu bytes) %s disk of %u-byte sectors", c->path, got,
	       (unsigned long long)c->plan.actual, c->btt ? "BTT" : "raw", c->sector_size);
	if (c->labels)
		printf(", uuid %s%s%s, on v1.%d labels for QEMU slot %u\n", uuid,
		       c->name[0] ? ", name " : "", c->name, c->labels == PMDISK_LABEL_V1_2 ? 2 : 1,
		       c->slot);
	else
		printf(", label-less (any slot)\n");
	if (c->plan.actual != c->size) {
		format_size(want, sizeof(want), c->size);
		printf("(rounded up from %s: namespaces are a multiple of 2 MiB%s)\n", want,
		       c->btt ? ", and a BTT's namespace also holds its map and log" : "");
	}
	printf("file: %llu bytes: %llu of pmem for the guest, %u of label area\n",
	       (unsigned long long)c->geo.file_size,
	       (unsigned long long)c->geo.region_size, c->geo.label_size);
}

/* The file's absolute path, for options that outlive the current directory. */
static void fit_path(const char *path, char *abs)
{
	if (!realpath(path, abs))
		snprintf(abs, PATH_MAX, "%s", path);
}

void image_fit_qemu(const char *path, const struct image_geo *g, int slot,
		    char *object, char *device, size_t len)
{
	char abs[PATH_MAX], label[64] = "";
	unsigned int s = slot < 0 ? 0 : slot;

	fit_path(path, abs);
	if (g->label_size)
		snprintf(label, sizeof(label), ",label-size=%u", g->label_size);
	snprintf(object, len, "memory-backend-file,id=pmem%u,share=on,mem-path=%s,size=%llu%s",
		 s, abs, (unsigned long long)g->file_size,
		 g->align == IMAGE_FILE_ALIGN ? ",align=2M" : "");
	snprintf(device, len, "nvdimm,id=nvdimm%u,memdev=pmem%u,slot=%u%s", s, s, s, label);
}

void image_fit_libvirt(FILE *f, const char *path, const struct image_geo *g, int slot)
{
	char abs[PATH_MAX];
	unsigned int s = slot < 0 ? 0 : slot;

	fit_path(path, abs);
	fprintf(f, "<memory model='nvdimm' access='shared'>\n"
		"  <source><path>%s</path>%s</source>\n"
		"  <target>\n"
		"    <size unit='KiB'>%llu</size>\n", abs,
		g->align == IMAGE_FILE_ALIGN ? "<alignsize unit='KiB'>2048</alignsize>" : "",
		(unsigned long long)g->file_size >> 10);
	if (g->label_size)
		fprintf(f, "    <label><size unit='KiB'>%u</size></label>\n", g->label_size >> 10);
	fprintf(f, "    <node>0</node>\n"
		"  </target>\n"
		"  <address type='dimm' slot='%u'/>\n"
		"</memory>\n", s);
}

void image_print_fit(const char *path, const struct image_geo *g, int slot)
{
	char object[PATH_MAX + 128], device[128], *xml = NULL, *line;
	unsigned int s = slot < 0 ? 0 : slot;
	size_t len = 0;
	FILE *f;

	image_fit_qemu(path, g, slot, object, device, sizeof(object));
	printf("\nQEMU (the guest needs -machine ...,nvdimm=on and -m SIZE,slots=%u,maxmem=...):\n"
	       "  -object %s\n  -device %s\n", s + 1, object, device);
	printf("\nlibvirt (in <devices>; the domain needs <maxMemory slots='%u'> and a NUMA cell):\n",
	       s + 1);
	f = open_memstream(&xml, &len);
	if (f) {
		image_fit_libvirt(f, path, g, slot);
		fclose(f);
	}
	for (line = xml ? strtok(xml, "\n") : NULL; line; line = strtok(NULL, "\n"))
		printf("  %s\n", line);
	free(xml);
	if (slot < 0)
		printf("(label-less: any slot will do)\n");
}
