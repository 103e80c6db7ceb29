// SPDX-License-Identifier: GPL-2.0
/*
 * pmemctl reset-id DISK and read-labels DEVICE [--json].
 *
 * read-labels fetches a device's raw label area and decodes it with the
 * same portable label core the module uses (driver/core/label.c), so what
 * it shows is exactly what pmemdisk reads.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <uuid/uuid.h>

#include "args.h"
#include "commands.h"
#include "ctl.h"
#include "json_out.h"
#include "query.h"
#include "table.h"
#include "../driver/core/label.h"
#include "../driver/core/namespace.h"

/* The label area, in memory, as a medium for the label core. */
struct mem_media {
	struct pmdisk_media media;
	unsigned char *bytes;
};

static int mem_read(struct pmdisk_media *m, u64 off, void *buf, size_t len)
{
	memcpy(buf, ((struct mem_media *)m)->bytes + off, len);
	return 0;
}

static int mem_write(struct pmdisk_media *m, u64 off, const void *buf, size_t len)
{
	return -EROFS;
}

static void mem_persist(struct pmdisk_media *m)
{
}

static const struct pmdisk_media_ops mem_ops = { mem_read, mem_write, mem_persist };

/* One label in use, decoded the same way for the table and for JSON. */
struct label_view {
	unsigned int slot;
	bool valid;
	char uuid[UUID_STR_LEN];
	char name[65];
	struct pmdisk_nslabel l;
	const char *claim;
};

/* Slot @i of @lsa as a view; false when the slot is free. */
static bool label_at(struct pmdisk_lsa *lsa, unsigned int i, struct label_view *v)
{
	if (pmdisk_lsa_slot_free(lsa, i))
		return false;
	v->slot = i;
	v->valid = pmdisk_lsa_read_label(lsa, i, &v->l) == 0;
	uuid_unparse_lower(v->l.uuid, v->uuid);
	memcpy(v->name, v->l.name, 64);
	v->name[64] = '\0';
	v->claim = lsa->label_size == 256 ?
		   pmdisk_claim_key(pmdisk_claim_of(v->l.abstraction_guid)) : "raw";
	return true;
}

/* A device's label area, fetched and (when it has an index) decoded. */
struct label_area {
	unsigned int id;
	unsigned int size;
	struct mem_media mm;
	struct pmdisk_lsa lsa;
	bool indexed;
};

static const struct cmd_opt read_labels_opts[] = {
	{ "json", 0, NULL, "print JSON (schema 1) for programs", 0 },
	{ 0 },
};

static int set_json(void *ctx, unsigned int opt, const char *val)
{
	*(bool *)ctx = true;
	return 0;
}

static int read_labels_args(int argc, char **argv, unsigned int *id, bool *json)
{
	char **device;
	int rc, nr;

	*json = false;
	rc = cmd_parse(&read_labels_spec, argc, argv, set_json, json, &device, &nr);
	if (!rc && parse_id(device[0], "dimm", id))
		rc = cmd_usage_error(&read_labels_spec, "bad device '%s'", device[0]);
	return rc;
}

/* The one ioctl: the raw label area of device @la->id, then its decoding. */
static int label_area_fetch(struct label_area *la)
{
	struct pmemdisk_read_labels req;
	int fd, rc;

	la->mm.media.ops = &mem_ops;
	fd = ctl_open();
	if (fd < 0)
		return -fd;
	la->mm.bytes = calloc(1, PMDISK_LSA_MAX_SIZE);
	if (!la->mm.bytes) {
		close(fd);
		fprintf(stderr, "pmemctl: out of memory\n");
		return EXIT_REFUSED;
	}
	memset(&req, 0, sizeof(req));
	req.size = sizeof(req);
	req.device = la->id;
	req.buffer = (unsigned long)la->mm.bytes;
	req.buffer_size = PMDISK_LSA_MAX_SIZE;
	rc = ctl_request(fd, PMEMDISK_IOC_READ_LABELS, &req, "read-labels");
	close(fd);
	if (rc) {
		free(la->mm.bytes);
		return rc;
	}
	la->size = req.area_size;
	la->mm.media.size = req.area_size;
	la->indexed = pmdisk_lsa_load(&la->lsa, &la->mm.media) == 0;
	return EXIT_OK;
}

static void label_area_free(struct label_area *la)
{
	if (la->indexed)
		pmdisk_lsa_release(&la->lsa);
	free(la->mm.bytes);
}

/* The area's state as the module reports a device's (no label area: not here). */
static unsigned int label_area_state(const struct label_area *la)
{
	if (!la->indexed)
		return PMEMDISK_LABELS_ABSENT;
	return la->lsa.label_size == 256 ? PMEMDISK_LABELS_V1_2 : PMEMDISK_LABELS_V1_1;
}

static void json_label(struct json_object *a, const struct label_view *v)
{
	struct json_object *j = json_add_object(a, NULL);

	json_add_u64(j, "slot", v->slot);
	json_add_bool(j, "valid", v->valid);
	json_add_string(j, "uuid", v->uuid);
	json_add_string(j, "name", v->name);
	json_add_u64(j, "flags", le32_to_cpu(v->l.flags));
	json_add_u64(j, "nlabel", le16_to_cpu(v->l.nlabel));
	json_add_u64(j, "position", le16_to_cpu(v->l.position));
	json_add_u64(j, "isetcookie", le64_to_cpu(v->l.isetcookie));
	json_add_u64(j, "lbasize", le64_to_cpu(v->l.lbasize));
	json_add_u64(j, "dpa", le64_to_cpu(v->l.dpa));
	json_add_u64(j, "rawsize", le64_to_cpu(v->l.rawsize));
	json_add_string(j, "claim", v->claim);
}

static void read_labels_json(struct label_area *la)
{
	static const char *const index_keys[] = {
		"label_size", "index_size", "nslot", "current_index", "seq",
	};
	struct json_object *doc = json_document(), *labels;
	struct pmdisk_lsa *lsa = &la->lsa;
	struct label_view v;
	char name[32];
	unsigned int i;

	snprintf(name, sizeof(name), "dimm%u", la->id);
	json_add_string(doc, "device", name);
	json_add_u64(doc, "area_size", la->size);
	json_add_string(doc, "label_state", pmemdisk_label_state_name(label_area_state(la)));
	if (la->indexed) {
		json_add_u64(doc, "label_size", lsa->label_size);
		json_add_u64(doc, "index_size", lsa->index_size);
		json_add_u64(doc, "nslot", lsa->nslot);
		json_add_u64(doc, "current_index", lsa->active);
		json_add_u64(doc, "seq", lsa->seq);
	} else {
		for (i = 0; i < sizeof(index_keys) / sizeof(index_keys[0]); i++)
			json_add_null(doc, index_keys[i]);
	}
	labels = json_add_array(doc, "labels");
	for (i = 0; la->indexed && i < lsa->nslot; i++)
		if (label_at(lsa, i, &v))
			json_label(labels, &v);
	json_print(doc);
}

enum {
	LBL_SLOT, LBL_UUID, LBL_NAME, LBL_POS, LBL_DPA, LBL_RAWSIZE, LBL_SECTOR,
	LBL_CLAIM, LBL_VALID, LBL_NR_COLUMNS
};

static const struct table_column label_columns[] = {
	[LBL_SLOT] = { "Slot", TABLE_RIGHT },
	[LBL_UUID] = { "Uuid" },
	[LBL_NAME] = { "Name" },
	[LBL_POS] = { "Pos" },
	[LBL_DPA] = { "Dpa", TABLE_RIGHT },
	[LBL_RAWSIZE] = { "RawSize", TABLE_RIGHT },
	[LBL_SECTOR] = { "Sector", TABLE_RIGHT },
	[LBL_CLAIM] = { "Claim" },
	[LBL_VALID] = { "Valid" },
};

static void label_row(struct table *t, const struct label_view *v)
{
	table_row(t);
	table_cellf(t, LBL_SLOT, "%u", v->slot);
	table_cell(t, LBL_UUID, v->uuid);
	table_cell(t, LBL_NAME, v->name[0] ? v->name : NULL);
	table_cellf(t, LBL_POS, "%u/%u", le16_to_cpu(v->l.position), le16_to_cpu(v->l.nlabel));
	table_cellf(t, LBL_DPA, "%#llx", (unsigned long long)le64_to_cpu(v->l.dpa));
	table_size(t, LBL_RAWSIZE, le64_to_cpu(v->l.rawsize));
	table_cellf(t, LBL_SECTOR, "%llu", (unsigned long long)le64_to_cpu(v->l.lbasize));
	table_cell(t, LBL_CLAIM, v->claim);
	table_cell(t, LBL_VALID, v->valid ? "yes" : "no");
}

static void read_labels_table(struct label_area *la)
{
	struct pmdisk_lsa *lsa = &la->lsa;
	struct label_view v;
	struct table t;
	unsigned int i;

	if (!la->indexed) {
		printf("dimm%u: %u-byte label area with no valid index: %s\n",
		       la->id, la->size, pmemdisk_label_state_name(PMEMDISK_LABELS_ABSENT));
		return;
	}
	printf("dimm%u: %u-byte label area, labels v1.%u (%u bytes), index %u current (seq %u), %u slots\n",
	       la->id, la->size, lsa->label_size == 256 ? 2 : 1, lsa->label_size,
	       lsa->active, lsa->seq, lsa->nslot);
	fflush(stdout);
	table_init(&t, label_columns, LBL_NR_COLUMNS, NULL);
	for (i = 0; i < lsa->nslot; i++)
		if (label_at(lsa, i, &v))
			label_row(&t, &v);
	table_print(&t, stdout);
}

static int cmd_read_labels(int argc, char **argv)
{
	struct label_area la = { 0 };
	bool json;
	int rc;

	rc = read_labels_args(argc, argv, &la.id, &json);
	if (!rc)
		rc = label_area_fetch(&la);
	if (rc)
		return rc;
	if (json)
		read_labels_json(&la);
	else
		read_labels_table(&la);
	label_area_free(&la);
	return EXIT_OK;
}

const struct cmd_spec read_labels_spec = {
	.name = "read-labels", .opts = read_labels_opts, .run = cmd_read_labels,
	.operands = "DEVICE", .min_operands = 1, .max_operands = 1,
	.summary = "decode a device's label area, for diagnosis",
};

static const struct cmd_opt reset_id_opts[] = {
	{ "uuid", 0, "UUID", "the new uuid (random if not given)", 0 },
	{ 0 },
};

static int reset_id_set(void *ctx, unsigned int opt, const char *val)
{
	struct pmemdisk_reset_id *req = ctx;

	return uuid_parse(val, req->uuid) ? CMD_BAD_VALUE : 0;
}

static int cmd_reset_id(int argc, char **argv)
{
	struct pmemdisk_reset_id req;
	const struct pmemdisk_disk_info *d;
	struct pmem_state st;
	char before[UUID_STR_LEN], after[UUID_STR_LEN], block[32], **disk;
	int fd, rc, nr;

	memset(&req, 0, sizeof(req));
	req.size = sizeof(req);
	rc = cmd_parse(&reset_id_spec, argc, argv, reset_id_set, &req, &disk, &nr);
	if (!rc)
		rc = open_disk("reset-id", disk[0], &fd, &st, &d);
	if (rc)
		return rc;
	req.number = d->number;
	uuid_unparse_lower(d->uuid, before);
	snprintf(block, sizeof(block), "pmemdisk%u", d->number);
	rc = ctl_request_on(fd, PMEMDISK_IOC_RESET_ID, &req, "reset-id", block);
	if (!rc) {
		uuid_unparse_lower(req.uuid, after);
		printf("pmemdisk%u: uuid %s -> %s\n", d->number, before, after);
	}
	query_free(&st);
	close(fd);
	return rc;
}

const struct cmd_spec reset_id_spec = {
	.name = "reset-id", .opts = reset_id_opts, .run = cmd_reset_id,
	.operands = "DISK", .min_operands = 1, .max_operands = 1,
	.summary = "give a disk a new uuid (random unless given)",
};
