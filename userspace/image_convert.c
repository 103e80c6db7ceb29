// SPDX-License-Identifier: GPL-2.0
/*
 * pmemctl image convert SRC DST --btt|--raw [--sector-size] [--new-id]:
 * Convert-VHD for image files. DST is a new sparse file with SRC's geometry
 * (file size, label area, label version, the QEMU slot its cookie fits, the
 * namespace's place, name and uuid) holding SRC's logical data sector by
 * sector, as a BTT or raw disk. Sectors that read as zero are not written,
 * so DST stays sparse.
 *
 * Nothing is visible at DST until it is whole: it is laid out and filled
 * under a temporary name beside DST, synced, renamed to DST (never over a
 * file that appeared meanwhile), and the directory synced. SRC is opened
 * read-only and never written.
 */
#define _GNU_SOURCE	/* renameat2 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
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
#include "image_ns.h"
#include "table.h"

#define CONVERT_CHUNK	(1U << 20)	/* bytes per copy step: a multiple of 4096 */

struct convert_req {
	const char *src, *dst;
	bool btt, raw, new_id;
	u32 sector_size;	/* 0: SRC's */
	u32 label_size;
};

/* DST's layout: SRC's geometry and identity, the kind asked for. */
static const char *convert_plan(const struct convert_req *r, const struct image_ns *s,
				struct image_layout *c)
{
	static char why[200];
	struct pmdisk_prov_plan *p = &c->plan;
	u64 nlba;

	memset(c, 0, sizeof(*c));
	c->labels = s->labels;
	c->btt = r->btt;
	c->sector_size = r->sector_size ? r->sector_size : s->sector_size;
	memcpy(c->uuid, s->ns.uuid, sizeof(c->uuid));
	if (r->new_id)
		uuid_generate(c->uuid);
	memcpy(c->name, s->ns.name, sizeof(c->name) - 1);	/* 63 bytes, as create */
	c->slot = s->slot < 0 ? 0 : s->slot;
	c->geo = s->geo;
	p->offset = s->ns.offset;
	p->size = s->ns.size;
	p->actual = p->size;
	if (!c->btt) {
		if (!c->labels && c->sector_size != 512)
			return "a label-less raw disk has 512-byte sectors (no label keeps another size)";
		return NULL;
	}
	p->atomicity = PMDISK_ATOMICITY_BTT;
	p->btt_start = pmdisk_btt_start_for(c->labels == PMDISK_LABEL_V1_2);
	p->btt_claimed = c->labels == PMDISK_LABEL_V1_2;
	nlba = pmdisk_btt_nlba(p->btt_start, p->size - p->btt_start, c->sector_size);
	if (!nlba) {
		snprintf(why, sizeof(why), "the namespace is %llu bytes: a BTT needs at least %llu",
			 (unsigned long long)p->size, p->btt_start + PMDISK_BTT_ARENA_MIN);
		return why;
	}
	p->actual = nlba * c->sector_size;
	return NULL;
}

/* The end of SRC's last sector holding data; 0 when all read as zero. */
static int data_end(struct image_ns *s, u64 from, char *buf, u64 *end)
{
	u64 per = CONVERT_CHUNK / s->sector_size, lba = s->nsect, n, i;
	int rc;

	*end = 0;
	while (lba * s->sector_size > from) {
		n = lba < per ? lba : per;
		lba -= n;
		if (image_ns_hole(s, lba, n))
			continue;
		rc = image_ns_read(s, lba, n, buf);
		if (rc)
			return rc;
		for (i = n; i-- > 0;) {
			if (!image_all_zero(buf + i * s->sector_size, s->sector_size)) {
				*end = (lba + i + 1) * s->sector_size;
				return 0;
			}
		}
	}
	return 0;
}

/* DST holds less than SRC: refused unless what does not fit reads as zero. */
static const char *convert_fits(struct image_ns *s, u64 dst_bytes, char *buf)
{
	static char why[300];
	char a[32], b[32], c[32];
	u64 end;
	int rc;

	if (dst_bytes >= image_ns_bytes(s))
		return NULL;
	rc = data_end(s, dst_bytes, buf, &end);
	if (rc) {
		snprintf(why, sizeof(why), "reading SRC failed: %s", strerror(-rc));
		return why;
	}
	if (end <= dst_bytes)
		return NULL;
	format_size(a, sizeof(a), dst_bytes);
	format_size(b, sizeof(b), image_ns_bytes(s));
	format_size(c, sizeof(c), end - dst_bytes);
	snprintf(why, sizeof(why),
		 "the new disk would hold %s (%llu bytes) of the %s now there (a BTT's map and log take the rest), and data lies up to byte %llu: %s (%llu bytes) would be lost",
		 a, (unsigned long long)dst_bytes, b, (unsigned long long)end, c,
		 (unsigned long long)(end - dst_bytes));
	return why;
}

/* SRC's logical data onto the fresh DST, sector by sector. */
static int convert_copy(struct image_ns *s, struct image_ns *d, char *buf)
{
	u64 bytes = image_ns_bytes(d) < image_ns_bytes(s) ? image_ns_bytes(d) :
							    image_ns_bytes(s);
	u64 at, n, have;
	int rc;

	for (at = 0; at < bytes; at += n) {
		n = bytes - at < CONVERT_CHUNK ? bytes - at : CONVERT_CHUNK;
		/* SRC's 512-byte sectors onto DST's 4096: pad the last with zero */
		n = (n + d->sector_size - 1) / d->sector_size * d->sector_size;
		have = image_ns_bytes(s) - at < n ? image_ns_bytes(s) - at : n;
		if (image_ns_hole(s, at / s->sector_size, have / s->sector_size))
			continue;
		memset(buf + have, 0, n - have);
		rc = image_ns_read(s, at / s->sector_size, have / s->sector_size, buf);
		if (!rc)
			rc = image_ns_write(d, at / d->sector_size, n / d->sector_size, buf);
		if (rc)
			return rc;
	}
	return 0;
}

/* A new file beside @dst, which does not exist: its fd, @tmp its name. */
static int convert_tmpfile(const char *dst, u64 size, char *tmp, size_t len)
{
	struct stat st;
	int fd;

	if (!lstat(dst, &st)) {
		errno = EEXIST;
		return -1;
	}
	snprintf(tmp, len, "%s.pmemctl-XXXXXX", dst);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fchmod(fd, 0666 & ~umask(umask(0))) || ftruncate(fd, size)) {
		close(fd);
		unlink(tmp);
		return -1;
	}
	return fd;
}

/* Sync @tmp and give it the name @dst, which must still be free. */
static const char *convert_publish(int fd, const char *tmp, const char *dst)
{
	char dir[4096];
	int dfd;

	if (fsync(fd))
		return "syncing it failed";
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, dst, RENAME_NOREPLACE)) {
		if (errno != EINVAL && errno != ENOSYS)
			return errno == EEXIST ? "DST appeared meanwhile" : "renaming it failed";
		if (link(tmp, dst))	/* a file system without RENAME_NOREPLACE */
			return errno == EEXIST ? "DST appeared meanwhile" : "renaming it failed";
		unlink(tmp);
	}
	snprintf(dir, sizeof(dir), "%s", dst);
	dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return NULL;
}

/* Lay out DST as @c under a temporary name, fill it from @s, publish it. */
static const char *convert_make(struct image_layout *c, u32 label_size, struct image_ns *s,
				const char *dst, char *buf)
{
	static char why[300];
	const char *err;
	char tmp[4096];
	struct image_ns d;
	int fd, rc;

	fd = convert_tmpfile(dst, c->geo.file_size, tmp, sizeof(tmp));
	if (fd < 0) {
		snprintf(why, sizeof(why), "%s: %s", dst, strerror(errno));
		return why;
	}
	c->path = tmp;
	err = image_write(c, fd);
	if (!err && image_ns_open(&d, tmp, label_size, true))
		err = d.why;
	if (!err) {
		rc = convert_copy(s, &d, buf);
		image_ns_close(&d);
		if (rc) {
			snprintf(why, sizeof(why), "copying the data failed: %s", strerror(-rc));
			err = why;
		}
	}
	if (!err)
		err = convert_publish(fd, tmp, dst);
	close(fd);
	if (err)
		unlink(tmp);
	c->path = dst;
	return err;
}

/* ------------------------------------------------------------ command */

enum { CV_BTT, CV_RAW, CV_SECTOR_SIZE, CV_NEW_ID, CV_LABEL_SIZE };

static const struct cmd_opt image_convert_opts[] = {
	[CV_BTT] = { "btt", 0, NULL, "DST is a BTT disk", OPT_REQUIRED },
	[CV_RAW] = { "raw", 0, NULL, "DST is a raw disk", OPT_REQUIRED | OPT_OR_PREV },
	[CV_SECTOR_SIZE] = { "sector-size", 0, "512|4096", "DST's sector size (SRC's)", 0 },
	[CV_NEW_ID] = { "new-id", 0, NULL, "a new random namespace uuid (SRC's is kept)", 0 },
	[CV_LABEL_SIZE] = { "label-size", 0, "SIZE", "the label area the guest is given (128K)",
			    0 },
	{ 0 },
};

const struct cmd_spec image_convert_spec = {
	.name = "image convert", .run = cmd_image_convert,
	.operands = "SRC DST", .min_operands = 2, .max_operands = 2,
	.summary = "copy an image's data into a new BTT or raw image",
	.opts = image_convert_opts,
};

static int image_convert_set(void *ctx, unsigned int opt, const char *val)
{
	struct convert_req *r = ctx;

	switch (opt) {
	case CV_BTT:
		r->btt = true;
		return 0;
	case CV_RAW:
		r->raw = true;
		return 0;
	case CV_SECTOR_SIZE:
		return parse_sector_size(val, &r->sector_size) ? CMD_BAD_VALUE : 0;
	case CV_NEW_ID:
		r->new_id = true;
		return 0;
	default:
		return image_parse_label_size(val, &r->label_size) ? CMD_BAD_VALUE : 0;
	}
}

static int convert_refuse(const struct convert_req *r, const char *why)
{
	fprintf(stderr, "pmemctl image convert: %s -> %s: %s; nothing changed\n", r->src, r->dst,
		why);
	return EXIT_REFUSED;
}

static void convert_print(const struct convert_req *r, const struct image_ns *s,
			  const struct image_layout *c)
{
	char got[32], uuid[UUID_STR_LEN];

	format_size(got, sizeof(got), c->plan.actual);
	printf("converted %s (%s) into %s: a %s (%llu bytes) %s disk of %u-byte sectors",
	       r->src, s->btt ? "BTT" : "raw", r->dst, got, (unsigned long long)c->plan.actual,
	       c->btt ? "BTT" : "raw", c->sector_size);
	uuid_unparse_lower(c->uuid, uuid);
	if (c->labels)
		printf(", uuid %s%s, for QEMU slot %u\n", uuid, r->new_id ? " (new)" : "",
		       c->slot);
	else
		printf(", label-less (any slot)\n");
	if (c->plan.actual < image_ns_bytes(s))
		printf("(%llu bytes smaller than SRC: a BTT's map and log take them; what lay there read as zero)\n",
		       (unsigned long long)(image_ns_bytes(s) - c->plan.actual));
}

static int convert_to_file(const struct convert_req *r)
{
	struct image_layout c;
	struct image_ns s;
	const char *why;
	struct stat st;
	char *buf;

	if (!lstat(r->dst, &st))
		return convert_refuse(r, "DST exists (convert makes new files only)");
	if (image_ns_open(&s, r->src, r->label_size, false))
		return convert_refuse(r, s.why);
	if (r->new_id && !s.labels)
		why = "--new-id: a label-less image has no uuid";
	else
		why = convert_plan(r, &s, &c);
	buf = malloc(CONVERT_CHUNK);
	if (!why && !buf)
		why = strerror(ENOMEM);
	if (!why)
		why = convert_fits(&s, c.plan.actual, buf);
	if (!why)
		why = convert_make(&c, r->label_size, &s, r->dst, buf);
	free(buf);
	if (!why)
		convert_print(r, &s, &c);
	image_ns_close(&s);
	return why ? convert_refuse(r, why) : EXIT_OK;
}

int cmd_image_convert(int argc, char **argv)
{
	struct convert_req r = { .label_size = IMAGE_LABEL_MIN };
	char **files;
	int rc, nr;

	rc = cmd_parse(&image_convert_spec, argc, argv, image_convert_set, &r, &files, &nr);
	if (rc)
		return rc;
	r.src = files[0];
	r.dst = files[1];
	return convert_to_file(&r);
}
