// SPDX-License-Identifier: GPL-2.0
/*
 * pmemctl image info FILE --json: what image info prints, as one document
 * of pmemctl's JSON (json_out.h: "schema" first, every key always there,
 * null when unknown, sizes in bytes); its shape is
 * userspace/schema/image-info.json, its keys are in pmemctl(8).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include <uuid/uuid.h>

#include "image_cmd.h"
#include "image_report.h"
#include "json_out.h"

#define IMAGE_USERS_MAX	64

static void json_notes(struct json_object *o, const struct image_notes *n)
{
	struct json_object *a = json_add_array(o, "notes");
	unsigned int i;

	for (i = 0; i < n->nr; i++)
		json_append_string(a, n->msg[i]);
}

static void json_u64_or_null(struct json_object *o, const char *key, bool known, u64 v)
{
	if (known)
		json_add_u64(o, key, v);
	else
		json_add_null(o, key);
}

/* "btt": the check of a namespace's BTT, null when it has none. */
static void json_btt(struct json_object *j, const struct image_ns *in)
{
	const struct pmdisk_btt_check_report *r = &in->rep;
	bool ok = !in->btt_rc;
	struct json_object *b;
	char version[16];

	if (!in->btt) {
		json_add_null(j, "btt");
		return;
	}
	b = json_add_object(j, "btt");
	snprintf(version, sizeof(version), "%u.%u", in->btt_id.version_major,
		 in->btt_id.version_minor);
	json_add_string(b, "version", version);
	json_add_u64(b, "start", in->btt_id.start);
	json_add_string(b, "state", image_btt_state(in));
	json_u64_or_null(b, "sectors", ok, r->nlba);
	json_u64_or_null(b, "sector_size", ok, r->lbasize);
	json_u64_or_null(b, "size", ok, r->nlba * r->lbasize);
	json_add_u64(b, "arenas", r->arenas);
	json_add_u64(b, "info_bad", r->info_bad);
	json_add_u64(b, "info2_bad", r->info2_bad);
	json_add_u64(b, "info_mismatch", r->info_mismatch);
	json_add_u64(b, "flog_bad", r->flog_bad);
	json_add_u64(b, "old_flog_layout", r->old_flog_layout);
	json_add_u64(b, "blocks_missing", r->blocks_missing);
	json_add_u64(b, "blocks_duplicate", r->blocks_duplicate);
	json_add_u64(b, "map_bad", r->map_bad);
	json_add_u64(b, "repaired", r->repaired);
}

static void json_namespace(struct json_object *a, const struct image_ns *in)
{
	struct json_object *j = json_add_object(a, NULL);
	char uuid[UUID_STR_LEN];

	uuid_unparse_lower(in->ns.uuid, uuid);
	json_add_string(j, "uuid", in->labelled ? uuid : NULL);
	json_add_string(j, "name", in->labelled ? in->ns.name : NULL);
	json_add_string(j, "mode", image_ns_mode(in));
	json_add_u64(j, "sector_size", in->ns.lbasize);
	json_add_u64(j, "offset", in->ns.offset);
	json_add_u64(j, "size", in->ns.size);
	json_add_string(j, "claim", in->labelled ? pmdisk_claim_key(in->ns.claim) : NULL);
	json_add_bool(j, "updating", in->ns.updating);
	json_btt(j, in);
	json_notes(j, &in->notes);
}

/* "users" and "warnings": who maps the file, and what a person should know. */
static void json_warnings(struct json_object *doc, const struct image_report *r,
			  const char *path)
{
	static struct image_user u[IMAGE_USERS_MAX];
	struct json_object *users = json_add_array(doc, "users"), *w, *o;
	char list[IMAGE_USERS_MAX * 80], msg[sizeof(list) + 32];
	int i, n;

	n = image_user_list(path, u, IMAGE_USERS_MAX);
	for (i = 0; i < n && i < IMAGE_USERS_MAX; i++) {
		o = json_add_object(users, NULL);
		json_add_u64(o, "pid", u[i].pid);
		json_add_string(o, "command", u[i].comm);
	}
	w = json_add_array(doc, "warnings");
	if (r->geo.file_size % IMAGE_FILE_ALIGN)
		json_append_string(w, IMAGE_WARN_UNALIGNED);
	if (n > 0) {
		image_users_format(u, n < IMAGE_USERS_MAX ? n : IMAGE_USERS_MAX, list,
				   sizeof(list));
		snprintf(msg, sizeof(msg), "in use: mapped by %s", list);
		json_append_string(w, msg);
	}
}

/* "qemu" and "libvirt": what gives a guest the file. */
static void json_fit(struct json_object *doc, const struct image_report *r, const char *path)
{
	char object[PATH_MAX + 128], device[128], *xml = NULL;
	int slot = r->labels ? r->slot : -1;
	struct json_object *q;
	size_t len = 0;
	FILE *f;

	image_fit_qemu(path, &r->geo, slot, object, device, sizeof(object));
	q = json_add_object(doc, "qemu");
	json_add_string(q, "object", object);
	json_add_string(q, "device", device);
	f = open_memstream(&xml, &len);
	if (f) {
		image_fit_libvirt(f, path, &r->geo, slot);
		fclose(f);
	}
	json_add_string(doc, "libvirt", xml);
	free(xml);
}

void image_info_json(const struct image_report *r, const char *path)
{
	struct json_object *doc = json_document(), *a;
	bool labelled = r->labels != 0;
	unsigned int i;

	json_add_string(doc, "file", path);
	json_add_u64(doc, "file_size", r->geo.file_size);
	json_add_u64(doc, "label_area_size", r->geo.label_size);
	json_add_u64(doc, "align", r->geo.align);
	json_add_u64(doc, "region_size", r->geo.region_size);
	json_add_string(doc, "label_state", !labelled ? "label-less" :
			r->labels == PMDISK_LABEL_V1_2 ? "v1.2" : "v1.1");
	json_u64_or_null(doc, "label_slots", labelled, r->nslot);
	json_u64_or_null(doc, "label_slots_used", labelled, r->slots_used);
	json_u64_or_null(doc, "isetcookie", r->has_cookie, r->cookie);
	json_u64_or_null(doc, "slot", r->slot >= 0, r->slot);
	json_add_bool(doc, "any_slot", !r->has_cookie);
	a = json_add_array(doc, "namespaces");
	for (i = 0; i < r->nr_ns; i++)
		json_namespace(a, &r->ns[i]);
	json_notes(doc, &r->notes);
	json_add_u64(doc, "problems", r->problems);
	json_warnings(doc, r, path);
	json_fit(doc, r, path);
	json_print(doc);
}
