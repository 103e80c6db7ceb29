// SPDX-License-Identifier: GPL-2.0
/*
 * pmemctl image info FILE: what an image file holds, read with the core the
 * module uses: its geometry as QEMU will see it, its label area, the QEMU
 * slot its labels fit, its namespaces and their BTTs (checked, not
 * changed), who has it mapped, and the options that give it to a guest.
 * Exit status 1 when something in it is wrong.
 *
 * pmemctl image check FILE [--repair]: the same examination, and with
 * --repair the BTT check's repairs (an info block restored from its valid
 * twin, an old flog layout rewritten), refused while a process maps it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <uuid/uuid.h>

#include "args.h"
#include "commands.h"
#include "ctl.h"
#include "image_cmd.h"
#include "table.h"
#include "../driver/core/btt.h"

enum { II_LABEL_SIZE, II_REPAIR };

static const struct cmd_opt image_info_opts[] = {
	[II_LABEL_SIZE] = { "label-size", 0, "SIZE", "the label area the guest is given (128K)", 0 },
	{ 0 },
};

static const struct cmd_opt image_check_opts[] = {
	[II_LABEL_SIZE] = { "label-size", 0, "SIZE", "the label area the guest is given (128K)", 0 },
	[II_REPAIR] = { "repair", 0, NULL, "repair what the check can (the file must be unused)", 0 },
	{ 0 },
};

static int cmd_image_check(int argc, char **argv);

const struct cmd_spec image_info_spec = {
	.name = "image info", .run = cmd_image_info,
	.operands = "FILE", .min_operands = 1, .max_operands = 1,
	.summary = "what an image file holds, and how to give it to a guest",
	.opts = image_info_opts,
};

const struct cmd_spec image_check_spec = {
	.name = "image check", .run = cmd_image_check,
	.operands = "FILE", .min_operands = 1, .max_operands = 1,
	.summary = "check an image's BTTs, and repair them with --repair",
	.opts = image_check_opts,
};

struct image_info {
	int fd;
	struct image_geo geo;
	struct image_media lm;
	struct pmdisk_lsa lsa;
	u32 label_probe;	/* where a label area was looked for */
	bool labelled;
	int slot;		/* the QEMU slot the labels fit; -1: none or any */
	bool check;		/* image check: no QEMU options */
	bool repair;
	unsigned int problems;
};

static int image_info_set(void *ctx, unsigned int opt, const char *val)
{
	struct image_info *in = ctx;

	if (opt == II_REPAIR) {
		in->repair = true;
		return 0;
	}
	return image_parse_label_size(val, &in->geo.label_size) ? CMD_BAD_VALUE : 0;
}

static void note_print(void *ctx, const char *msg)
{
	printf("  note: %s\n", msg);
}

/* Load the label area at the end of the file, if it has an index. */
static int info_labels(struct image_info *in)
{
	int rc;

	in->label_probe = in->geo.label_size;
	image_media_init(&in->lm, in->fd, in->geo.file_size - in->geo.label_size,
			 in->geo.label_size);
	rc = pmdisk_lsa_load(&in->lsa, &in->lm.media);
	in->labelled = !rc;
	if (rc == -ENODEV) {
		in->geo.label_size = 0;	/* QEMU gives it no label area */
		return image_geo_fix(&in->geo);
	}
	if (rc)
		printf("label area: unreadable: %s\n", strerror(-rc));
	return rc;
}

/* A BTT at @start of [@off, @off + @size), checked; prints its state. */
static void info_btt(struct image_info *in, u64 off, u64 size, u64 start,
		     const u8 *parent, bool claimed)
{
	struct pmdisk_btt_check_report rep;
	struct image_media nm;
	struct pmdisk_btt_id id;
	struct pmdisk_btt btt;
	int rc;

	image_media_init(&nm, in->fd, off, size);
	memset(&id, 0, sizeof(id));
	pmdisk_btt_id_for_start(&id, start);
	id.claimed = claimed;
	if (parent)
		memcpy(id.parent_uuid, parent, 16);
	memset(&rep, 0, sizeof(rep));
	rc = pmdisk_btt_check(&nm.media, &id, in->repair, &rep, note_print, NULL, NULL);
	if (rep.repaired)
		printf("  BTT %u.%u: %u structure(s) repaired\n", id.version_major,
		       id.version_minor, rep.repaired);
	if (rc == -ENOENT && !claimed)
		return;		/* a raw namespace */
	if (rc) {
		printf("  BTT %u.%u at %llu: %s\n", id.version_major, id.version_minor,
		       (unsigned long long)start,
		       rc == -ENOENT ? "missing" : rc == -EUCLEAN ? "damaged" : strerror(-rc));
		in->problems++;
		return;
	}
	rc = pmdisk_btt_load(&btt, &nm.media, &id, note_print, NULL);
	if (rc) {
		printf("  BTT %u.%u: consistent, but not loadable: %s\n", id.version_major,
		       id.version_minor, strerror(-rc));
		in->problems++;
		return;
	}
	printf("  BTT %u.%u: consistent, %u arena(s), %llu sectors of %u bytes (%llu bytes)\n",
	       id.version_major, id.version_minor, rep.arenas, (unsigned long long)btt.nlba,
	       btt.lbasize, (unsigned long long)btt.nlba * btt.lbasize);
	pmdisk_btt_release(&btt);
}

static void info_namespace(struct image_info *in, const struct pmdisk_ns *ns)
{
	char uuid[UUID_STR_LEN], size[32];

	uuid_unparse_lower(ns->uuid, uuid);
	format_size(size, sizeof(size), ns->size);
	printf("namespace %s%s%s: %s (%llu bytes) at %llu, %u-byte sectors, claim %s%s\n",
	       uuid, ns->name[0] ? " name " : "", ns->name, size,
	       (unsigned long long)ns->size, (unsigned long long)ns->offset, ns->lbasize,
	       pmdisk_claim_key(ns->claim), ns->updating ? " (an update was interrupted)" : "");
	if (ns->claim == PMDISK_CLAIM_BTT2)
		info_btt(in, ns->offset, ns->size, PMDISK_BTT_START_V2_0, ns->uuid, true);
	else if (ns->claim == PMDISK_CLAIM_NONE)
		info_btt(in, ns->offset, ns->size, PMDISK_BTT_START_V1_1, ns->uuid, false);
}

static void info_labelled(struct image_info *in)
{
	struct pmdisk_ns ns[PMDISK_MAX_NS_PER_REGION];
	struct pmdisk_lsa *lsap = &in->lsa;
	struct pmdisk_iset_dimm dimm;
	struct pmdisk_nslabel first;
	unsigned int i;
	int n;

	printf("label area: %u bytes, v1.%d labels, %u of %u slots used\n",
	       in->lsa.size, in->lsa.label_size == 256 ? 2 : 1, pmdisk_lsa_used(&in->lsa),
	       in->lsa.nslot);
	for (i = 0; i < in->lsa.nslot; i++)
		if (!pmdisk_lsa_read_label(&in->lsa, i, &first))
			break;
	if (i == in->lsa.nslot) {
		printf("no namespaces: the labels fit any slot\n");
		return;
	}
	in->slot = image_label_slot(in->geo.region_size, in->lsa.label_size, &first);
	if (in->slot < 0) {
		printf("the labels' interleave-set cookie 0x%016llx fits no QEMU slot (0-%u)\n",
		       (unsigned long long)le64_to_cpu(first.isetcookie), IMAGE_MAX_SLOT);
		in->problems++;
		return;
	}
	printf("the labels (interleave-set cookie 0x%016llx) fit QEMU slot %d only\n",
	       (unsigned long long)le64_to_cpu(first.isetcookie), in->slot);
	image_qemu_dimm(in->slot, in->geo.region_size, &dimm);
	n = pmdisk_ns_scan(&lsap, &dimm, 1, ns, PMDISK_MAX_NS_PER_REGION, note_print, NULL);
	for (i = 0; i < (unsigned int)n; i++)
		info_namespace(in, &ns[i]);
}

static void info_file(struct image_info *in, const char *path)
{
	char users[256];
	int n;

	printf("file %s: %llu bytes; the guest's pmem: %llu bytes\n", path,
	       (unsigned long long)in->geo.file_size, (unsigned long long)in->geo.region_size);
	if (in->geo.file_size % IMAGE_FILE_ALIGN)
		printf("warning: the size is not a multiple of 2 MiB: libvirt rounds it up and so moves the label area\n");
	n = image_users(path, users, sizeof(users));
	if (n > 0)
		printf("warning: in use: mapped by %s\n", users);
}

/* Open @path for @in: read-only, or for writing when repairing. */
static int image_info_open(struct image_info *in, const char *path, const char *cmd)
{
	char users[256];
	struct stat st;

	if (in->repair && image_users(path, users, sizeof(users)) > 0) {
		fprintf(stderr, "pmemctl %s: %s is in use: mapped by %s; repair it when no guest runs\n",
			cmd, path, users);
		return -1;
	}
	in->fd = open(path, (in->repair ? O_RDWR : O_RDONLY) | O_CLOEXEC);
	if (in->fd < 0 || fstat(in->fd, &st) || !S_ISREG(st.st_mode)) {
		fprintf(stderr, "pmemctl %s: %s: %s\n", cmd, path,
			in->fd < 0 ? strerror(errno) : "not a regular file");
		return -1;
	}
	in->geo.file_size = st.st_size;
	if (image_geo_fix(&in->geo) || (info_labels(in) && !in->labelled)) {
		fprintf(stderr, "pmemctl %s: %s: too small for an image, or its label area is unreadable\n",
			cmd, path);
		close(in->fd);
		return -1;
	}
	return 0;
}

static int image_examine(const struct cmd_spec *spec, bool check, int argc, char **argv)
{
	struct image_info in = { .geo = { .label_size = IMAGE_LABEL_MIN, .align = 4096 },
				 .slot = -1, .check = check };
	char **file;
	int rc, nr;

	rc = cmd_parse(spec, argc, argv, image_info_set, &in, &file, &nr);
	if (rc)
		return rc;
	if (image_info_open(&in, file[0], spec->name))
		return EXIT_REFUSED;
	info_file(&in, file[0]);
	if (in.labelled) {
		info_labelled(&in);
		pmdisk_lsa_release(&in.lsa);
	} else {
		printf("label-less: no label index in the last %u bytes; the whole pmem is one namespace\n",
		       in.label_probe);
		info_btt(&in, 0, in.geo.region_size, PMDISK_BTT_START_V1_1, NULL, false);
	}
	if (!check)
		image_print_fit(file[0], &in.geo, in.labelled ? in.slot : -1);
	if (in.repair && fsync(in.fd))
		in.problems++;
	close(in.fd);
	return in.problems ? EXIT_REFUSED : EXIT_OK;
}

int cmd_image_info(int argc, char **argv)
{
	return image_examine(&image_info_spec, false, argc, argv);
}

static int cmd_image_check(int argc, char **argv)
{
	return image_examine(&image_check_spec, true, argc, argv);
}
