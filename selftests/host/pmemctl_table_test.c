// SPDX-License-Identifier: GPL-2.0
/*
 * pmemctl's tables (userspace/list_table.c on libsmartcols), printed from
 * synthetic states on the host: cells come out whole however long (a
 * device's every failure word, the devices of a 16-way set with long
 * numbers), a row per object, and the lsblk-style options: -o picks and
 * orders columns by name in any case and refuses an unknown one,
 * --noheadings, --raw (one field per column, blanks escaped), --bytes.
 * Every column name is in pmemctl(8). The holders of a disk (holders.c)
 * are read from a sysfs tree made here: dm names, LVM volumes.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "../../userspace/ctl.h"
#include "../../userspace/holders.h"
#include "../../userspace/listing.h"

#define WAYS 16
/* large device numbers, so the list is longer than any fixed buffer had */
#define FIRST_ID 4000000000U

/* A 16-way region of devices that report every failure, with one disk. */
static void failing_16way(struct pmem_state *st)
{
	static struct pmemdisk_dimm_info dimms[WAYS];
	static struct pmemdisk_region_info region;
	static struct pmemdisk_disk_info disk;
	unsigned int i;

	memset(st, 0, sizeof(*st));
	for (i = 0; i < WAYS; i++) {
		memset(&dimms[i], 0, sizeof(dimms[i]));
		dimms[i].id = FIRST_ID + i;
		dimms[i].flags = PMEMDISK_DIMM_SAVE_FAILED | PMEMDISK_DIMM_RESTORE_FAILED |
				 PMEMDISK_DIMM_FLUSH_FAILED | PMEMDISK_DIMM_NOT_ARMED |
				 PMEMDISK_DIMM_MAP_FAILED | PMEMDISK_DIMM_HEALTH_OBSERVED;
		dimms[i].health_info = PMEMDISK_DIMM_LAST_SHUTDOWN_DIRTY;
		dimms[i].simulated = 1;
		region.dimms[i] = FIRST_ID + i;
	}
	region.id = 7;
	region.interleave_ways = WAYS;
	region.size = 16ULL << 30;
	disk.number = 3;
	disk.region = 7;
	disk.size = 1536ULL << 20;
	disk.readonly = 1;
	disk.has_uuid = 1;
	strcpy(disk.name, "redo log");
	st->dimms = dimms;
	st->nr_dimms = WAYS;
	st->regions = &region;
	st->nr_regions = 1;
	st->disks = &disk;
	st->nr_disks = 1;
}

/* What print() printed, and its status. */
struct printed {
	char *text;
	size_t len;
	int rc;
};

typedef int (*table_fn)(const struct pmem_state *st, const struct table_opts *o, FILE *f);

static struct printed print(table_fn fn, const struct table_opts *o)
{
	struct pmem_state st;
	struct printed p = { 0 };
	FILE *f = open_memstream(&p.text, &p.len);

	failing_16way(&st);
	p.rc = fn(&st, o, f);
	fclose(f);
	return p;
}

static unsigned int count_lines(const char *s)
{
	unsigned int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* The devices' names as pmemctl joins them: dimm4000000000,dimm4000000001,... */
static void dimm_list(char *buf, size_t len)
{
	size_t at = 0;
	unsigned int i;

	for (i = 0; i < WAYS; i++)
		at += snprintf(buf + at, len - at, "%sdimm%u", i ? "," : "", FIRST_ID + i);
}

static const char every_word[] = "save_failed, restore_failed, flush_failed, not_armed, "
	"map_failed, smart_event, last_shutdown_dirty";

TEST(disk_table_shows_the_whole_status_and_16_way_device_list)
{
	struct printed p = print(print_disks_table, NULL);
	char dimms[512];

	dimm_list(dimms, sizeof(dimms));
	ASSERT_EQ(EXIT_OK, p.rc);
	ASSERT_GT(strlen(dimms), 128);
	EXPECT_NE(NULL, strstr(p.text, dimms)) TH_LOG("%s", p.text);
	EXPECT_NE(NULL, strstr(p.text, every_word)) TH_LOG("%s", p.text);
	EXPECT_NE(NULL, strstr(p.text, ", read_only")) TH_LOG("%s", p.text);
	EXPECT_EQ(2, count_lines(p.text));
	free(p.text);
}

TEST(device_table_shows_every_failure_word_of_a_device)
{
	struct printed p = print(print_devices_table, NULL);

	ASSERT_EQ(EXIT_OK, p.rc);
	EXPECT_NE(NULL, strstr(p.text, every_word)) TH_LOG("%s", p.text);
	EXPECT_EQ(1 + WAYS, count_lines(p.text));
	free(p.text);
}

TEST(region_table_shows_the_whole_16_way_device_list)
{
	struct printed p = print(print_regions_table, NULL);
	char dimms[512];

	dimm_list(dimms, sizeof(dimms));
	ASSERT_EQ(EXIT_OK, p.rc);
	EXPECT_NE(NULL, strstr(p.text, dimms)) TH_LOG("%s", p.text);
	EXPECT_EQ(2, count_lines(p.text));
	free(p.text);
}

TEST(output_picks_and_orders_columns_by_name_in_any_case)
{
	struct table_opts o = { .output = "name,DISKNUMBER,Size" };
	struct printed p = print(print_disks_table, &o);

	ASSERT_EQ(EXIT_OK, p.rc);
	EXPECT_STREQ("Name     DiskNumber     Size\nredo log          3 1.50 GiB\n", p.text);
	free(p.text);
}

TEST(output_refuses_an_unknown_or_repeated_column)
{
	struct table_opts o = { .output = "Name,Sise" };
	struct printed p = print(print_disks_table, &o);

	EXPECT_EQ(EXIT_USAGE, p.rc);
	EXPECT_STREQ("", p.text);
	free(p.text);
	o.output = "Name,name";
	p = print(print_disks_table, &o);
	EXPECT_EQ(EXIT_USAGE, p.rc);
	free(p.text);
	o.output = "";
	p = print(print_disks_table, &o);
	EXPECT_EQ(EXIT_USAGE, p.rc);
	free(p.text);
}

TEST(noheadings_leaves_out_the_heading_line)
{
	struct table_opts o = { .output = "DiskNumber,Name", .noheadings = true };
	struct printed p = print(print_disks_table, &o);

	ASSERT_EQ(EXIT_OK, p.rc);
	/* numbers right-aligned under where the heading would be */
	EXPECT_STREQ("         3 redo log\n", p.text);
	free(p.text);
}

TEST(raw_gives_one_field_per_column_with_blanks_escaped)
{
	struct table_opts o = { .output = "Name,Size,OperationalStatus", .raw = true };
	struct printed p = print(print_disks_table, &o);
	char *row;

	ASSERT_EQ(EXIT_OK, p.rc);
	row = strchr(p.text, '\n');
	ASSERT_NE(NULL, row);
	EXPECT_EQ(0, strncmp(p.text, "Name Size OperationalStatus\n", row - p.text + 1));
	EXPECT_EQ(0, strncmp(row + 1, "redo\\x20log 1.50\\x20GiB save_failed,\\x20", 37))
		TH_LOG("%s", row + 1);
	free(p.text);
}

TEST(bytes_prints_sizes_in_bytes)
{
	struct table_opts o = { .output = "Size,Available", .bytes = true, .noheadings = true };
	struct printed p = print(print_regions_table, &o);

	ASSERT_EQ(EXIT_OK, p.rc);
	EXPECT_STREQ("17179869184         0\n", p.text);
	free(p.text);
}

/* Every column of every listing is named in pmemctl(8)'s TABLE OUTPUT. */
TEST(every_column_is_documented)
{
	const struct { const struct table_column *c; unsigned int n; } tables[] = {
		{ device_columns, nr_device_columns },
		{ region_columns, nr_region_columns },
		{ disk_columns, nr_disk_columns },
	};
	char *page = NULL, *section;
	size_t len = 0;
	unsigned int t, c;
	FILE *f = fopen(PMEMCTL_MAN, "r");

	ASSERT_NE(NULL, f);
	ASSERT_GT(getdelim(&page, &len, '\0', f), 0);
	fclose(f);
	section = strstr(page, "\n.SH TABLE OUTPUT\n");
	ASSERT_NE(NULL, section);
	for (t = 0; t < 3; t++) {
		for (c = 0; c < tables[t].n; c++) {
			const char *name = tables[t].c[c].name;

			EXPECT_NE(NULL, strstr(section, name))
				TH_LOG("%s is not in pmemctl.8", name);
		}
	}
	free(page);
}

TEST(lvm_names_split_at_the_single_dash)
{
	char lv[64];

	ASSERT_EQ(1, lvm_name_of("vg-main", lv, sizeof(lv)));
	EXPECT_STREQ("vg/main", lv);
	ASSERT_EQ(1, lvm_name_of("my--vg-fast_cvol", lv, sizeof(lv)));
	EXPECT_STREQ("my-vg/fast_cvol", lv);
	ASSERT_EQ(1, lvm_name_of("vg-a--b", lv, sizeof(lv)));
	EXPECT_STREQ("vg/a-b", lv);
	/* not LVM's "vg-lv": no dash, a third part, an empty part */
	EXPECT_EQ(0, lvm_name_of("wc", lv, sizeof(lv)));
	EXPECT_EQ(0, lvm_name_of("vg-lv-real", lv, sizeof(lv)));
	EXPECT_EQ(0, lvm_name_of("-lv", lv, sizeof(lv)));
	EXPECT_EQ(0, lvm_name_of("vg-", lv, sizeof(lv)));
	EXPECT_STREQ("", lv);
}

/* @root/@dev/dm/{name,uuid} and a holder link of pmemdisk0 to it */
static void fake_dm(const char *root, const char *dev, const char *name, const char *uuid)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "mkdir -p %s/%s/dm %s/pmemdisk0/holders && "
		 "ln -s ../../%s %s/pmemdisk0/holders/%s", root, dev, root, dev, root, dev);
	if (system(path))
		abort();
	snprintf(path, sizeof(path), "%s/%s/dm/name", root, dev);
	f = fopen(path, "w");
	fprintf(f, "%s\n", name);
	fclose(f);
	snprintf(path, sizeof(path), "%s/%s/dm/uuid", root, dev);
	f = fopen(path, "w");
	fprintf(f, "%s\n", uuid);
	fclose(f);
}

TEST(holders_are_named_by_dm_name_and_lvm_volume)
{
	char root[] = "/tmp/pmd-holders.XXXXXX", text[320], cmd[64];
	struct holder h[HOLDERS_MAX];
	unsigned int n;

	ASSERT_NE(NULL, mkdtemp(root));
	EXPECT_EQ(0, disk_holders(root, "pmemdisk0", h, HOLDERS_MAX));
	fake_dm(root, "dm-10", "wc", "");
	fake_dm(root, "dm-2", "vg-fast_cvol", "LVM-abcdef-cvol");
	/* an LVM-like name on a device LVM did not make stays a dm name */
	fake_dm(root, "dm-3", "not-lvm", "CRYPT-xyz");
	n = disk_holders(root, "pmemdisk0", h, HOLDERS_MAX);
	ASSERT_EQ(3, n);
	/* in device order: dm-2 before dm-10 */
	holder_text(&h[0], text, sizeof(text));
	EXPECT_STREQ("dm-2 (LVM volume vg/fast_cvol)", text);
	holder_text(&h[1], text, sizeof(text));
	EXPECT_STREQ("dm-3 (not-lvm)", text);
	holder_text(&h[2], text, sizeof(text));
	EXPECT_STREQ("dm-10 (wc)", text);
	EXPECT_STREQ("vg-fast_cvol", h[0].dm_name);
	EXPECT_STREQ("", h[2].lv);
	EXPECT_EQ(1, disk_holders(root, "pmemdisk0", h, 1));
	EXPECT_EQ(0, disk_holders(root, "pmemdisk1", h, HOLDERS_MAX));
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	ASSERT_EQ(0, system(cmd));
}

TEST_HARNESS_MAIN
