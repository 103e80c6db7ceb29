// SPDX-License-Identifier: GPL-2.0
/*
 * Image files: their geometry as QEMU sees it, the DIMM QEMU describes for
 * them, a file range as a medium for the portable core, and who uses one.
 */
#define _GNU_SOURCE	/* SEEK_DATA */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "args.h"
#include "image.h"

int image_parse_label_size(const char *val, u32 *label_size)
{
	unsigned long long v;

	if (parse_size(val, &v) || v < IMAGE_LABEL_MIN || v > PMDISK_LSA_MAX_SIZE || v % 4096)
		return -1;
	*label_size = v;
	return 0;
}

int image_geo_fix(struct image_geo *g)
{
	if (!g->align || g->file_size <= g->label_size)
		return -EINVAL;
	g->region_size = (g->file_size - g->label_size) / g->align * g->align;
	return g->region_size ? 0 : -EINVAL;
}

void image_qemu_dimm(unsigned int slot, u64 size, struct pmdisk_iset_dimm *d)
{
	memset(d, 0, sizeof(*d));
	d->size = size;
	d->serial = IMAGE_QEMU_SERIAL + slot;
	d->vendor_id = IMAGE_QEMU_VENDOR;
}

static struct image_media *to_image(struct pmdisk_media *m)
{
	return (struct image_media *)m;
}

/* Lay the writes a read-only medium kept over [@off, @off + @len) of @buf. */
static void patches_apply(const struct image_media *im, u64 off, void *buf, size_t len)
{
	const struct image_patch *p;
	u64 from, to;

	for (p = im->patches; p; p = p->next) {
		if (p->off >= off + len || p->off + p->len <= off)
			continue;
		from = p->off > off ? p->off : off;
		to = p->off + p->len < off + len ? p->off + p->len : off + len;
		memcpy((char *)buf + (from - off), p->data + (from - p->off), to - from);
	}
}

static int image_read(struct pmdisk_media *m, u64 off, void *buf, size_t len)
{
	struct image_media *im = to_image(m);
	void *start = buf;
	u64 at = off;
	size_t want = len;
	ssize_t n;

	while (len) {
		n = pread(im->fd, buf, len, im->base + off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return im->err = n < 0 ? -errno : -EIO;
		buf = (char *)buf + n;
		off += n;
		len -= n;
	}
	patches_apply(im, at, start, want);
	return 0;
}

bool image_all_zero(const void *buf, size_t len)
{
	const unsigned char *p = buf;

	return !len || (!p[0] && !memcmp(p, p + 1, len - 1));
}

bool image_in_hole(int fd, u64 off, u64 len)
{
	off_t data = lseek(fd, off, SEEK_DATA);

	if (data < 0)
		return errno == ENXIO;	/* no data from @off to the end */
	return (u64)data >= off + len;
}

/* A read-only medium keeps what is written in memory, over the file. */
static int patch_add(struct image_media *im, u64 off, const void *buf, size_t len)
{
	struct image_patch *p = malloc(sizeof(*p) + len), **tail = &im->patches;

	if (!p)
		return im->err = -ENOMEM;
	p->next = NULL;
	p->off = off;
	p->len = len;
	memcpy(p->data, buf, len);
	while (*tail)
		tail = &(*tail)->next;
	*tail = p;
	return 0;
}

bool image_media_patched(const struct image_media *im, u64 off, u64 len)
{
	const struct image_patch *p;

	for (p = im->patches; p; p = p->next)
		if (p->off < off + len && p->off + p->len > off)
			return true;
	return false;
}

static int image_write(struct pmdisk_media *m, u64 off, const void *buf, size_t len)
{
	struct image_media *im = to_image(m);
	ssize_t n;

	if (im->readonly)
		return patch_add(im, off, buf, len);
	if (image_all_zero(buf, len) && image_in_hole(im->fd, im->base + off, len))
		return 0;
	while (len) {
		n = pwrite(im->fd, buf, len, im->base + off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return im->err = n < 0 ? -errno : -EIO;
		buf = (const char *)buf + n;
		off += n;
		len -= n;
	}
	return 0;
}

static void image_persist(struct pmdisk_media *m)
{
	struct image_media *im = to_image(m);

	if (im->readonly || im->nosync)
		return;
	if (fdatasync(im->fd) && !im->err)
		im->err = -errno;
}

static const struct pmdisk_media_ops image_ops = {
	.read = image_read, .write = image_write, .persist = image_persist,
};

void image_media_init(struct image_media *im, int fd, u64 base, u64 size)
{
	memset(im, 0, sizeof(*im));
	im->media.ops = &image_ops;
	im->media.size = size;
	im->fd = fd;
	im->base = base;
}

void image_media_release(struct image_media *im)
{
	struct image_patch *p;

	while ((p = im->patches)) {
		im->patches = p->next;
		free(p);
	}
}

int image_label_slot(u64 region_size, u32 label_size, const struct pmdisk_nslabel *label)
{
	enum pmdisk_cookie_kind kind = label_size == 256 ? PMDISK_COOKIE_V1_2 :
							   PMDISK_COOKIE_V1_1;
	struct pmdisk_iset_dimm d;
	unsigned int s;

	for (s = 0; s <= IMAGE_MAX_SLOT; s++) {
		image_qemu_dimm(s, region_size, &d);
		if (pmdisk_iset_cookie(&d, 1, kind) == le64_to_cpu(label->isetcookie))
			return s;
	}
	return -1;
}

/* Whether /proc/@pid maps the file @st names. */
static bool pid_uses(const char *pid, const struct stat *st)
{
	char path[300], line[512];
	unsigned long maj, min, ino;
	bool used = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%s/maps", pid);
	f = fopen(path, "r");
	if (!f)
		return false;
	while (!used && fgets(line, sizeof(line), f))
		used = sscanf(line, "%*s %*s %*s %lx:%lx %lu", &maj, &min, &ino) == 3 &&
		       ino == st->st_ino && makedev(maj, min) == st->st_dev;
	fclose(f);
	return used;
}

/* The command name of process @pid, "?" when it is gone. */
static void pid_comm(const char *pid, char *comm, size_t len)
{
	char path[300];
	FILE *f;

	snprintf(comm, len, "?");
	snprintf(path, sizeof(path), "/proc/%s/comm", pid);
	f = fopen(path, "r");
	if (!f)
		return;
	if (fgets(comm, len, f))
		comm[strcspn(comm, "\n")] = '\0';
	fclose(f);
}

int image_user_list(const char *path, struct image_user *u, unsigned int max)
{
	struct dirent *e;
	struct stat st;
	unsigned int n = 0;
	DIR *d;

	if (stat(path, &st))
		return -errno;
	d = opendir("/proc");
	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		if (!isdigit((unsigned char)e->d_name[0]) || !pid_uses(e->d_name, &st))
			continue;
		if (n < max) {
			u[n].pid = atoi(e->d_name);
			pid_comm(e->d_name, u[n].comm, sizeof(u[n].comm));
		}
		n++;
	}
	closedir(d);
	return n;
}

void image_users_format(const struct image_user *u, unsigned int n, char *buf, size_t len)
{
	size_t at = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; i < n && at < len; i++)
		at += snprintf(buf + at, len - at, "%s%s (pid %d)", i ? ", " : "", u[i].comm,
			       u[i].pid);
}

int image_users(const char *path, char *buf, size_t len)
{
	struct image_user u[8];
	int n = image_user_list(path, u, 8);

	image_users_format(u, n < 0 ? 0 : n < 8 ? n : 8, buf, len);
	return n;
}
