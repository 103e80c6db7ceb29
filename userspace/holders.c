// SPDX-License-Identifier: GPL-2.0
/*
 * pmemctl: who holds a disk, from sysfs. See holders.h.
 */
#define _GNU_SOURCE	/* open_memstream */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "holders.h"

/* The first line of @path in @buf (""  when it cannot be read). */
static void read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");

	buf[0] = '\0';
	if (!f)
		return;
	if (!fgets(buf, len, f))
		buf[0] = '\0';
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
}

int lvm_name_of(const char *dm_name, char *lv, size_t len)
{
	size_t o = 0;
	int split = 0;
	const char *s;

	for (s = dm_name; *s && o + 1 < len; s++) {
		if (*s != '-') {
			lv[o++] = *s;
		} else if (s[1] == '-') {
			lv[o++] = '-';
			s++;
		} else if (!split && o && s[1]) {
			lv[o++] = '/';
			split = 1;
		} else {
			/* a third part (LVM's "-real", "-cow" layers) or an empty name */
			break;
		}
	}
	if (*s || !split) {
		lv[0] = '\0';
		return 0;
	}
	lv[o] = '\0';
	return 1;
}

static void read_holder(const char *sysfs_block, const char *dev, struct holder *h)
{
	char path[512], uuid[160];

	snprintf(h->dev, sizeof(h->dev), "%s", dev);
	snprintf(path, sizeof(path), "%s/%s/dm/name", sysfs_block, dev);
	read_line(path, h->dm_name, sizeof(h->dm_name));
	snprintf(path, sizeof(path), "%s/%s/dm/uuid", sysfs_block, dev);
	read_line(path, uuid, sizeof(uuid));
	h->lv[0] = '\0';
	if (!strncmp(uuid, "LVM-", 4))
		lvm_name_of(h->dm_name, h->lv, sizeof(h->lv));
}

static int by_dev(const void *a, const void *b)
{
	return strverscmp(((const struct holder *)a)->dev, ((const struct holder *)b)->dev);
}

unsigned int disk_holders(const char *sysfs_block, const char *disk,
			  struct holder *h, unsigned int max)
{
	char path[512];
	struct dirent *e;
	unsigned int n = 0;
	DIR *dir;

	snprintf(path, sizeof(path), "%s/%s/holders", sysfs_block, disk);
	dir = opendir(path);
	if (!dir)
		return 0;
	while (n < max && (e = readdir(dir))) {
		if (e->d_name[0] == '.' || strlen(e->d_name) >= sizeof(h->dev))
			continue;
		read_holder(sysfs_block, e->d_name, &h[n++]);
	}
	closedir(dir);
	qsort(h, n, sizeof(*h), by_dev);
	return n;
}

void holder_text(const struct holder *h, char *buf, size_t len)
{
	if (h->lv[0])
		snprintf(buf, len, "%s (LVM volume %s)", h->dev, h->lv);
	else if (h->dm_name[0])
		snprintf(buf, len, "%s (%s)", h->dev, h->dm_name);
	else
		snprintf(buf, len, "%s", h->dev);
}

char *disk_holders_text(const char *disk)
{
	struct holder h[HOLDERS_MAX];
	unsigned int i, n = disk_holders(SYSFS_BLOCK, disk, h, HOLDERS_MAX);
	char one[320], *s = NULL;
	size_t len;
	FILE *f;

	if (!n)
		return NULL;
	f = open_memstream(&s, &len);
	if (!f)
		return NULL;
	for (i = 0; i < n; i++) {
		holder_text(&h[i], one, sizeof(one));
		fprintf(f, "%s%s", i ? ", " : "", one);
	}
	fclose(f);
	return s;
}
