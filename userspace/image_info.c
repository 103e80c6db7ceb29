// SPDX-License-Identifier: GPL-2.0
/*
 * pmemctl image info FILE: what an image file holds, read with the core the
 * module uses: its geometry as QEMU will see it, its label area, the QEMU
 * slot its labels fit, its namespaces and their BTTs (checked, not
 * changed), who has it mapped, and the options that give it to a guest;
 * with --json all of it as one document (image_info_json.c). Exit status
 * 1 when something in it is wrong.
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
#include "image_report.h"
#include "table.h"

/* --label-size, then the one flag each has: info --json, check --repair */
enum { II_LABEL_SIZE, II_JSON, II_REPAIR = II_JSON };

static const struct cmd_opt image_info_opts[] = {
	[II_LABEL_SIZE] = { "label-size", 0, "SIZE", "the label area the guest is given (128K)", 0 },
	/* image info --json (image_info_json.c) */
	[II_JSON] = { "json", 0, NULL, "print JSON (schema 1) for programs", 0 },
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
	struct image_report r;
	int fd;
	bool check;		/* image check: no QEMU options */
	bool repair;
	bool json;
};

static int image_info_set(void *ctx, unsigned int opt, const char *val)
{
	struct image_info *in = ctx;

	if (opt != II_LABEL_SIZE) {
		*(in->check ? &in->repair : &in->json) = true;
		return 0;
	}
	return image_parse_label_size(val, &in->r.geo.label_size) ? CMD_BAD_VALUE : 0;
}

static void print_notes(const struct image_notes *n)
{
	unsigned int i;

	for (i = 0; i < n->nr; i++)
		printf("  note: %s\n", n->msg[i]);
}

/* A namespace's BTT: repairs, then its state. */
static void print_btt(const struct image_ns *in)
{
	const struct pmdisk_btt_id *id = &in->btt_id;

	if (in->rep.repaired)
		printf("  BTT %u.%u: %u structure(s) repaired\n", id->version_major,
		       id->version_minor, in->rep.repaired);
	if (!in->btt)
		return;		/* a raw namespace */
	if (in->btt_rc) {
		printf("  BTT %u.%u at %llu: %s\n", id->version_major, id->version_minor,
		       (unsigned long long)id->start,
		       in->btt_rc == -ENOENT || in->btt_rc == -EUCLEAN ? image_btt_state(in) :
									 strerror(-in->btt_rc));
		return;
	}
	printf("  BTT %u.%u: consistent, %u arena(s), %llu sectors of %u bytes (%llu bytes)\n",
	       id->version_major, id->version_minor, in->rep.arenas,
	       (unsigned long long)in->rep.nlba, in->rep.lbasize,
	       (unsigned long long)in->rep.nlba * in->rep.lbasize);
}

static void print_namespace(const struct image_ns *in)
{
	const struct pmdisk_ns *ns = &in->ns;
	char uuid[UUID_STR_LEN], size[32];

	uuid_unparse_lower(ns->uuid, uuid);
	format_size(size, sizeof(size), ns->size);
	printf("namespace %s%s%s: %s (%llu bytes) at %llu, %u-byte sectors, claim %s%s\n",
	       uuid, ns->name[0] ? " name " : "", ns->name, size,
	       (unsigned long long)ns->size, (unsigned long long)ns->offset, ns->lbasize,
	       pmdisk_claim_key(ns->claim), ns->updating ? " (an update was interrupted)" : "");
	print_notes(&in->notes);
	print_btt(in);
}

static void print_labelled(const struct image_report *r)
{
	unsigned int i;

	printf("label area: %u bytes, v1.%d labels, %u of %u slots used\n",
	       r->geo.label_size, r->labels == PMDISK_LABEL_V1_2 ? 2 : 1, r->slots_used,
	       r->nslot);
	if (!r->has_cookie) {
		printf("no namespaces: the labels fit any slot\n");
		return;
	}
	if (r->slot < 0) {
		printf("the labels' interleave-set cookie 0x%016llx fits no QEMU slot (0-%u)\n",
		       (unsigned long long)r->cookie, IMAGE_MAX_SLOT);
		return;
	}
	printf("the labels (interleave-set cookie 0x%016llx) fit QEMU slot %d only\n",
	       (unsigned long long)r->cookie, r->slot);
	print_notes(&r->notes);
	for (i = 0; i < r->nr_ns; i++)
		print_namespace(&r->ns[i]);
}

static void print_file(const struct image_report *r, const char *path)
{
	char users[256];
	int n;

	printf("file %s: %llu bytes; the guest's pmem: %llu bytes\n", path,
	       (unsigned long long)r->geo.file_size, (unsigned long long)r->geo.region_size);
	if (r->geo.file_size % IMAGE_FILE_ALIGN)
		printf("warning: %s\n", IMAGE_WARN_UNALIGNED);
	n = image_users(path, users, sizeof(users));
	if (n > 0)
		printf("warning: in use: mapped by %s\n", users);
}

static void print_report(const struct image_info *in, const char *path)
{
	const struct image_report *r = &in->r;

	print_file(r, path);
	if (r->labels) {
		print_labelled(r);
	} else {
		printf("label-less: no label index in the last %u bytes; the whole pmem is one namespace\n",
		       r->label_probe);
		print_notes(&r->ns[0].notes);
		print_btt(&r->ns[0]);
	}
	if (!in->check)
		image_print_fit(path, &r->geo, r->labels ? r->slot : -1);
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
		if (in->fd >= 0)
			close(in->fd);
		return -1;
	}
	in->r.geo.file_size = st.st_size;
	return 0;
}

static int image_examine(const struct cmd_spec *spec, bool check, int argc, char **argv)
{
	static struct image_info in;
	struct image_media file;
	char **path;
	int rc, nr;

	memset(&in, 0, sizeof(in));
	in.r.geo.label_size = IMAGE_LABEL_MIN;
	in.r.geo.align = 4096;
	in.check = check;
	rc = cmd_parse(spec, argc, argv, image_info_set, &in, &path, &nr);
	if (rc)
		return rc;
	if (image_info_open(&in, path[0], spec->name))
		return EXIT_REFUSED;
	image_media_init(&file, in.fd, 0, in.r.geo.file_size);
	rc = image_inspect(&in.r, &file.media, in.repair);
	if (rc) {
		if (rc == -EINVAL)
			fprintf(stderr, "pmemctl %s: %s: too small for an image\n", spec->name,
				path[0]);
		else
			fprintf(stderr, "pmemctl %s: %s: its label area is unreadable: %s\n",
				spec->name, path[0], strerror(-rc));
		close(in.fd);
		return EXIT_REFUSED;
	}
	if (in.json)
		image_info_json(&in.r, path[0]);
	else
		print_report(&in, path[0]);
	if (in.repair && fsync(in.fd))
		in.r.problems++;
	close(in.fd);
	return in.r.problems ? EXIT_REFUSED : EXIT_OK;
}

int cmd_image_info(int argc, char **argv)
{
	return image_examine(&image_info_spec, false, argc, argv);
}

static int cmd_image_check(int argc, char **argv)
{
	return image_examine(&image_check_spec, true, argc, argv);
}
