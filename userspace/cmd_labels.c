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

#include "args.h"
#include "commands.h"
#include "ctl.h"
#include "json.h"
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

static const char *claim_name(enum pmdisk_claim c)
{
	static const char *const names[] = { "raw", "btt", "btt2", "fsdax", "devdax", "unknown" };

	return c <= PMDISK_CLAIM_UNKNOWN ? names[c] : "unknown";
}

int cmd_read_labels(int argc, char **argv)
{
	struct pmemdisk_read_labels req;
	struct mem_media mm = { .media = { .ops = &mem_ops } };
	struct pmdisk_lsa lsa;
	unsigned int id = 0, i;
	bool json = false, have_id = false, indexed;
	char *end;
	int fd, rc;

	for (i = 1; i < (unsigned int)argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--json")) {
			json = true;
			continue;
		}
		if (!strncmp(a, "dimm", 4))
			a += 4;
		id = strtoul(a, &end, 10);
		if (have_id || !*a || *end) {
			fprintf(stderr, "usage: pmemctl read-labels DEVICE [--json]\n");
			return EXIT_USAGE;
		}
		have_id = true;
	}
	if (!have_id) {
		fprintf(stderr, "usage: pmemctl read-labels DEVICE [--json]\n");
		return EXIT_USAGE;
	}
	fd = ctl_open();
	if (fd < 0)
		return -fd;
	mm.bytes = calloc(1, PMDISK_LSA_MAX_SIZE);
	if (!mm.bytes) {
		close(fd);
		return EXIT_REFUSED;
	}
	memset(&req, 0, sizeof(req));
	req.size = sizeof(req);
	req.device = id;
	req.buffer = (unsigned long)mm.bytes;
	req.buffer_size = PMDISK_LSA_MAX_SIZE;
	rc = ctl_request(fd, PMEMDISK_IOC_READ_LABELS, &req, "read-labels");
	close(fd);
	if (rc) {
		free(mm.bytes);
		return rc;
	}
	mm.media.size = req.area_size;
	indexed = pmdisk_lsa_load(&lsa, &mm.media) == 0;

	if (json) {
		struct json j;

		json_init(&j, stdout);
		json_object_begin(&j, NULL);
		json_u64(&j, "schema", 1);
		{
			char name[32];

			snprintf(name, sizeof(name), "dimm%u", id);
			json_string(&j, "device", name);
		}
		json_u64(&j, "area_size", req.area_size);
		json_string(&j, "label_state", !indexed ? "label-less" :
			    lsa.label_size == 256 ? "v1.2" : "v1.1");
		if (indexed) {
			json_u64(&j, "label_size", lsa.label_size);
			json_u64(&j, "index_size", lsa.index_size);
			json_u64(&j, "nslot", lsa.nslot);
			json_u64(&j, "current_index", lsa.active);
			json_u64(&j, "seq", lsa.seq);
		} else {
			json_null(&j, "label_size");
			json_null(&j, "index_size");
			json_null(&j, "nslot");
			json_null(&j, "current_index");
			json_null(&j, "seq");
		}
		json_array_begin(&j, "labels");
		for (i = 0; indexed && i < lsa.nslot; i++) {
			struct pmdisk_nslabel l;
			char uuid[40], nm[65];
			int lrc;

			if (pmdisk_lsa_slot_free(&lsa, i))
				continue;
			lrc = pmdisk_lsa_read_label(&lsa, i, &l);
			format_uuid(uuid, sizeof(uuid), l.uuid);
			memcpy(nm, l.name, 64);
			nm[64] = '\0';
			json_object_begin(&j, NULL);
			json_u64(&j, "slot", i);
			json_bool(&j, "valid", lrc == 0);
			json_string(&j, "uuid", uuid);
			json_string(&j, "name", nm);
			json_u64(&j, "flags", le32_to_cpu(l.flags));
			json_u64(&j, "nlabel", le16_to_cpu(l.nlabel));
			json_u64(&j, "position", le16_to_cpu(l.position));
			json_u64(&j, "isetcookie", le64_to_cpu(l.isetcookie));
			json_u64(&j, "lbasize", le64_to_cpu(l.lbasize));
			json_u64(&j, "dpa", le64_to_cpu(l.dpa));
			json_u64(&j, "rawsize", le64_to_cpu(l.rawsize));
			json_string(&j, "claim", lsa.label_size == 256 ?
				    claim_name(pmdisk_claim_of(l.abstraction_guid)) : "raw");
			json_object_end(&j);
		}
		json_array_end(&j);
		json_object_end(&j);
		json_end(&j);
	} else if (!indexed) {
		printf("dimm%u: %u-byte label area with no valid index: label-less\n",
		       id, req.area_size);
	} else {
		static const char *const head[] = {
			"Slot", "Uuid", "Name", "Pos", "Dpa", "RawSize", "Sector",
			"Claim", "Valid", NULL,
		};
		struct table t;

		printf("dimm%u: %u-byte label area, labels v1.%u (%u bytes), index %u current (seq %u), %u slots\n",
		       id, req.area_size, lsa.label_size == 256 ? 2 : 1, lsa.label_size,
		       lsa.active, lsa.seq, lsa.nslot);
		table_init(&t, head);
		for (i = 0; i < lsa.nslot; i++) {
			struct pmdisk_nslabel l;
			char slot[12], uuid[40], nm[65], pos[16], dpa[24], raw[32], lba[12];
			int lrc;

			if (pmdisk_lsa_slot_free(&lsa, i))
				continue;
			lrc = pmdisk_lsa_read_label(&lsa, i, &l);
			snprintf(slot, sizeof(slot), "%u", i);
			format_uuid(uuid, sizeof(uuid), l.uuid);
			memcpy(nm, l.name, 64);
			nm[64] = '\0';
			snprintf(pos, sizeof(pos), "%u/%u", le16_to_cpu(l.position),
				 le16_to_cpu(l.nlabel));
			snprintf(dpa, sizeof(dpa), "%#llx", (unsigned long long)le64_to_cpu(l.dpa));
			format_size(raw, sizeof(raw), le64_to_cpu(l.rawsize));
			snprintf(lba, sizeof(lba), "%llu", (unsigned long long)le64_to_cpu(l.lbasize));
			table_row(&t, slot, uuid, nm[0] ? nm : "-", pos, dpa, raw, lba,
				  lsa.label_size == 256 ?
				  claim_name(pmdisk_claim_of(l.abstraction_guid)) : "raw",
				  lrc ? "no" : "yes");
		}
		table_print(&t, stdout);
		table_free(&t);
	}
	if (indexed)
		pmdisk_lsa_release(&lsa);
	free(mm.bytes);
	return EXIT_OK;
}

int cmd_reset_id(int argc, char **argv)
{
	struct pmemdisk_reset_id req;
	const struct pmemdisk_disk_info *d;
	const char *disk_arg = NULL;
	struct pmem_state st;
	char before[40], after[40];
	unsigned int i;
	int fd, rc;

	memset(&req, 0, sizeof(req));
	req.size = sizeof(req);
	for (i = 1; i < (unsigned int)argc; i++) {
		if (!strcmp(argv[i], "--uuid") && i + 1 < (unsigned int)argc) {
			if (parse_uuid(argv[++i], req.uuid)) {
				fprintf(stderr, "pmemctl reset-id: bad uuid '%s'\n", argv[i]);
				return EXIT_USAGE;
			}
		} else if (!disk_arg && argv[i][0] != '-') {
			disk_arg = argv[i];
		} else {
			disk_arg = NULL;
			break;
		}
	}
	if (!disk_arg) {
		fprintf(stderr, "usage: pmemctl reset-id DISK [--uuid UUID]\n");
		return EXIT_USAGE;
	}
	rc = open_disk("reset-id", disk_arg, &fd, &st, &d);
	if (rc)
		return rc;
	req.number = d->number;
	format_uuid(before, sizeof(before), d->uuid);
	rc = ctl_request(fd, PMEMDISK_IOC_RESET_ID, &req, "reset-id");
	if (!rc) {
		format_uuid(after, sizeof(after), req.uuid);
		printf("pmemdisk%u: uuid %s -> %s\n", d->number, before, after);
	}
	query_free(&st);
	close(fd);
	return rc;
}
