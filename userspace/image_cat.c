// SPDX-License-Identifier: GPL-2.0
/*
 * pmemctl image cat FILE [--offset BYTES] [--length BYTES]: the namespace's
 * logical data on stdout, what the guest's /dev/pmemN or /dev/pmemNs shows:
 * through the BTT when the image has one (an interrupted write finished in
 * memory, as the guest's load would finish it), else the raw bytes.
 *
 * Refused while a process maps the file: a running guest writes it at any
 * moment, through its own mapping, with no lock a reader could take, so
 * what a reader copies is a mix of moments (a raw disk's sectors torn, a
 * BTT's map and log read across a write). No copy of a disk in use is
 * consistent; stop the guest (or give it the namespace read-only) first.
 * The file itself is never written.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "commands.h"
#include "ctl.h"
#include "image_cmd.h"
#include "image_ns.h"

#define CAT_CHUNK	(1U << 20)	/* bytes per read: a multiple of 4096 */

enum { CAT_OFFSET, CAT_LENGTH, CAT_LABEL_SIZE };

static const struct cmd_opt image_cat_opts[] = {
	[CAT_OFFSET] = { "offset", 0, "BYTES", "start this far into the disk (0)", 0 },
	[CAT_LENGTH] = { "length", 0, "BYTES", "this many bytes (to the end)", 0 },
	[CAT_LABEL_SIZE] = { "label-size", 0, "SIZE", "the label area the guest is given (128K)",
			     0 },
	{ 0 },
};

const struct cmd_spec image_cat_spec = {
	.name = "image cat", .run = cmd_image_cat,
	.operands = "FILE", .min_operands = 1, .max_operands = 1,
	.summary = "write the disk's data (through its BTT) to stdout",
	.opts = image_cat_opts,
};

struct cat_args {
	unsigned long long offset, length;
	bool has_length;
	u32 label_size;
};

static int image_cat_set(void *ctx, unsigned int opt, const char *val)
{
	struct cat_args *a = ctx;

	switch (opt) {
	case CAT_OFFSET:
		return parse_size(val, &a->offset) ? CMD_BAD_VALUE : 0;
	case CAT_LENGTH:
		a->has_length = true;
		return parse_size(val, &a->length) ? CMD_BAD_VALUE : 0;
	default:
		return image_parse_label_size(val, &a->label_size) ? CMD_BAD_VALUE : 0;
	}
}

static int write_all(const char *p, size_t len)
{
	ssize_t n;

	while (len) {
		n = write(STDOUT_FILENO, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= n;
	}
	return 0;
}

/* [@off, @off + @len) of @s's disk to stdout; 0, or an errno from reading. */
static int cat_range(struct image_ns *s, u64 off, u64 len, char *buf, bool *out_failed)
{
	u64 per = CAT_CHUNK / s->sector_size, lba = off / s->sector_size;
	u64 end = off + len, at, n, from, to;
	int rc;

	while (off < end) {
		at = lba * s->sector_size;
		n = s->nsect - lba < per ? s->nsect - lba : per;
		if (image_ns_hole(s, lba, n))
			memset(buf, 0, n * s->sector_size);
		else if ((rc = image_ns_read(s, lba, n, buf)))
			return rc;
		from = off - at;
		to = end < at + n * s->sector_size ? end - at : n * s->sector_size;
		if (write_all(buf + from, to - from)) {
			*out_failed = true;
			return -errno;
		}
		off = at + to;
		lba += n;
	}
	return 0;
}

int cmd_image_cat(int argc, char **argv)
{
	struct cat_args a = { .label_size = IMAGE_LABEL_MIN };
	bool out_failed = false;
	struct image_ns s;
	char **file, *buf;
	int rc, nr;

	rc = cmd_parse(&image_cat_spec, argc, argv, image_cat_set, &a, &file, &nr);
	if (rc)
		return rc;
	if (image_ns_open(&s, file[0], a.label_size, false)) {
		fprintf(stderr, "pmemctl image cat: %s: %s\n", file[0], s.why);
		return EXIT_REFUSED;
	}
	if (!a.has_length)
		a.length = a.offset < image_ns_bytes(&s) ? image_ns_bytes(&s) - a.offset : 0;
	if (a.offset > image_ns_bytes(&s) || a.length > image_ns_bytes(&s) - a.offset) {
		fprintf(stderr, "pmemctl image cat: %s: --offset %llu --length %llu ends beyond the disk's %llu bytes\n",
			file[0], a.offset, a.length, (unsigned long long)image_ns_bytes(&s));
		image_ns_close(&s);
		return EXIT_REFUSED;
	}
	buf = malloc(CAT_CHUNK);
	rc = buf ? cat_range(&s, a.offset, a.length, buf, &out_failed) : -ENOMEM;
	free(buf);
	image_ns_close(&s);
	if (rc)
		fprintf(stderr, "pmemctl image cat: %s: %s failed: %s\n", file[0],
			out_failed ? "writing to stdout" : "reading the disk", strerror(-rc));
	return rc ? EXIT_REFUSED : EXIT_OK;
}
