// SPDX-License-Identifier: GPL-2.0
/*
 * pmemctl devices | regions | list: the listings as tables for people, one
 * row per object, the columns of each described once below (their names
 * are what -o takes and what pmemctl(8) documents).
 */
#define _GNU_SOURCE	/* open_memstream */
#include <stdio.h>
#include <stdlib.h>

#include "ctl.h"
#include "holders.h"
#include "listing.h"

/* "dimm1,dimm2,...": the devices of an interleave set, however many. */
static void cell_dimms(struct table *t, unsigned int col, const __u32 *ids, unsigned int n)
{
	unsigned int i;
	size_t len;
	char *s;
	FILE *f;

	if (!n) {
		table_cell(t, col, NULL);
		return;
	}
	f = open_memstream(&s, &len);
	if (!f) {
		fprintf(stderr, "pmemctl: out of memory\n");
		exit(EXIT_REFUSED);
	}
	for (i = 0; i < n && i < PMEMDISK_MAX_WAYS; i++)
		fprintf(f, "%sdimm%u", i ? "," : "", ids[i]);
	fclose(f);
	table_cell(t, col, s);
	free(s);
}

/* "ok", or the words of what is wrong joined with ", " */
static void cell_words(struct table *t, unsigned int col, const char **words, unsigned int n)
{
	char *s = join_words(words, n);

	table_cell(t, col, s);
	free(s);
}

/* ---- devices ---------------------------------------------------------- */

enum {
	DEV_DEVICE, DEV_ID, DEV_HANDLE, DEV_HEALTH, DEV_STATUS, DEV_USC,
	DEV_LABEL_AREA, DEV_LABELS, DEV_SLOTS_USED, DEV_NR_COLUMNS
};

const struct table_column device_columns[] = {
	[DEV_DEVICE] = { "Device" },
	[DEV_ID] = { "Id" },
	[DEV_HANDLE] = { "Handle", TABLE_RIGHT },
	[DEV_HEALTH] = { "HealthStatus" },
	[DEV_STATUS] = { "OperationalStatus" },
	[DEV_USC] = { "UnsafeShutdownCount", TABLE_RIGHT },
	[DEV_LABEL_AREA] = { "LabelArea", TABLE_RIGHT },
	[DEV_LABELS] = { "Labels" },
	[DEV_SLOTS_USED] = { "SlotsUsed", TABLE_RIGHT },
};
const unsigned int nr_device_columns = DEV_NR_COLUMNS;

static void device_row(struct table *t, const struct pmemdisk_dimm_info *d)
{
	const char *words[MAX_STATUS_WORDS];

	table_row(t);
	table_cellf(t, DEV_DEVICE, "dimm%u", d->id);
	table_cell(t, DEV_ID, d->nfit_id);
	if (!d->simulated)
		table_cellf(t, DEV_HANDLE, "%#x", d->handle);
	table_cell(t, DEV_HEALTH, pmemdisk_health_name(d->health));
	cell_words(t, DEV_STATUS, words, dimm_status(d, words, MAX_STATUS_WORDS));
	if (d->health_info & PMEMDISK_DIMM_USC_KNOWN)
		table_cellf(t, DEV_USC, "%u", d->unsafe_shutdown_count);
	else
		table_cell(t, DEV_USC, "Unknown");
	if (d->label_size)
		table_size(t, DEV_LABEL_AREA, d->label_size);
	table_cell(t, DEV_LABELS, pmemdisk_label_state_name(d->label_state));
	if (d->label_slots)
		table_cellf(t, DEV_SLOTS_USED, "%u/%u", d->label_slots_used, d->label_slots);
}

int print_devices_table(const struct pmem_state *st, const struct table_opts *o, FILE *f)
{
	struct table t;
	unsigned int i;
	int rc;

	rc = table_init(&t, device_columns, DEV_NR_COLUMNS, o);
	if (rc)
		return rc;
	for (i = 0; i < st->nr_dimms; i++)
		device_row(&t, &st->dimms[i]);
	table_print(&t, f);
	return EXIT_OK;
}

/* ---- regions ---------------------------------------------------------- */

/* A region's NUMA node (of its memory), left empty when unknown. */
static void cell_node(struct table *t, unsigned int col,
		      const struct pmemdisk_region_info *r)
{
	if (r && region_node(r) >= 0)
		table_cellf(t, col, "%d", region_node(r));
}

enum {
	REG_REGION, REG_SIZE, REG_AVAILABLE, REG_LARGEST, REG_WAYS, REG_DEVICES,
	REG_PERSISTENCE, REG_NODE, REG_LABELS, REG_DISKS, REG_NR_COLUMNS
};

const struct table_column region_columns[] = {
	[REG_REGION] = { "Region" },
	[REG_SIZE] = { "Size", TABLE_RIGHT },
	[REG_AVAILABLE] = { "Available", TABLE_RIGHT },
	[REG_LARGEST] = { "LargestFree", TABLE_RIGHT },
	[REG_WAYS] = { "Ways", TABLE_RIGHT },
	[REG_DEVICES] = { "Devices" },
	[REG_PERSISTENCE] = { "Persistence" },
	[REG_NODE] = { "Node", TABLE_RIGHT },
	[REG_LABELS] = { "Labels" },
	[REG_DISKS] = { "Disks", TABLE_RIGHT },
};
const unsigned int nr_region_columns = REG_NR_COLUMNS;

static void region_row(struct table *t, const struct pmemdisk_region_info *r)
{
	table_row(t);
	table_cellf(t, REG_REGION, "region%u", r->id);
	table_size(t, REG_SIZE, r->size);
	table_size(t, REG_AVAILABLE, r->available_size);
	table_size(t, REG_LARGEST, r->max_available_extent);
	table_cellf(t, REG_WAYS, "%u", r->interleave_ways);
	cell_dimms(t, REG_DEVICES, r->dimms, r->interleave_ways);
	table_cell(t, REG_PERSISTENCE, pmemdisk_persistence_name(r->persistence));
	cell_node(t, REG_NODE, r);
	table_cell(t, REG_LABELS, pmemdisk_label_state_name(r->label_state));
	table_cellf(t, REG_DISKS, "%u", r->nr_disks);
}

int print_regions_table(const struct pmem_state *st, const struct table_opts *o, FILE *f)
{
	struct table t;
	unsigned int i;
	int rc;

	rc = table_init(&t, region_columns, REG_NR_COLUMNS, o);
	if (rc)
		return rc;
	for (i = 0; i < st->nr_regions; i++)
		region_row(&t, &st->regions[i]);
	table_print(&t, f);
	return EXIT_OK;
}

/* ---- list (disks) ----------------------------------------------------- */

enum {
	DISK_NUMBER, DISK_SIZE, DISK_HEALTH, DISK_STATUS, DISK_ATOMICITY, DISK_MODE,
	DISK_REMOVABLE, DISK_HELD_BY, DISK_DEVICES, DISK_NODE, DISK_USC, DISK_DIRTY,
	DISK_NAME, DISK_NR_COLUMNS
};

const struct table_column disk_columns[] = {
	[DISK_NUMBER] = { "DiskNumber", TABLE_RIGHT },
	[DISK_SIZE] = { "Size", TABLE_RIGHT },
	[DISK_HEALTH] = { "HealthStatus" },
	[DISK_STATUS] = { "OperationalStatus" },
	[DISK_ATOMICITY] = { "AtomicityType" },
	[DISK_MODE] = { "Mode" },
	[DISK_REMOVABLE] = { "CanBeRemoved" },
	[DISK_HELD_BY] = { "HeldBy" },
	[DISK_DEVICES] = { "PhysicalDeviceIds" },
	[DISK_NODE] = { "Node", TABLE_RIGHT },
	[DISK_USC] = { "UnsafeShutdownCount", TABLE_RIGHT },
	[DISK_DIRTY] = { "DirtyShutdownCount", TABLE_RIGHT },
	[DISK_NAME] = { "Name" },
};
const unsigned int nr_disk_columns = DISK_NR_COLUMNS;

/* "dm-0 (wc)": what device-mapper holds the disk for; "-" when nothing */
static void cell_holders(struct table *t, unsigned int col, const struct pmemdisk_disk_info *d)
{
	char block[32], *s = NULL;

	if (d->mode != PMEMDISK_MODE_DEVDAX) {
		snprintf(block, sizeof(block), "pmemdisk%u", d->number);
		s = disk_holders_text(block);
	}
	table_cell(t, col, s);
	free(s);
}

static void disk_row(struct table *t, const struct pmem_state *st,
		     const struct pmemdisk_disk_info *d)
{
	const struct pmemdisk_region_info *r = state_region(st, d->region);
	const char *words[MAX_STATUS_WORDS];
	unsigned long long usc;

	table_row(t);
	table_cellf(t, DISK_NUMBER, "%u", d->number);
	table_size(t, DISK_SIZE, d->size);
	table_cell(t, DISK_HEALTH, pmemdisk_health_name(disk_health(st, d)));
	cell_words(t, DISK_STATUS, words, disk_status(st, d, words, MAX_STATUS_WORDS));
	table_cell(t, DISK_ATOMICITY,
		   d->atomicity == PMEMDISK_ATOMICITY_BTT ? "BlockTranslationTable" : "None");
	table_cell(t, DISK_MODE, pmemdisk_mode_name(d->mode));
	table_cell(t, DISK_REMOVABLE, d->open ? "False" : "True");
	cell_holders(t, DISK_HELD_BY, d);
	cell_dimms(t, DISK_DEVICES, r ? r->dimms : NULL, r ? r->interleave_ways : 0);
	cell_node(t, DISK_NODE, r);
	if (disk_platform_usc(st, d, &usc))
		table_cellf(t, DISK_USC, "%llu", usc);
	else
		table_cell(t, DISK_USC, "Unknown");
	if (d->dirty_shutdowns_known)
		table_cellf(t, DISK_DIRTY, "%u", d->dirty_shutdowns);
	else
		table_cell(t, DISK_DIRTY, "Unknown");
	if (d->has_uuid && d->name[0])
		table_cell(t, DISK_NAME, d->name);
}

int print_disks_table(const struct pmem_state *st, const struct table_opts *o, FILE *f)
{
	struct table t;
	unsigned int i;
	int rc;

	rc = table_init(&t, disk_columns, DISK_NR_COLUMNS, o);
	if (rc)
		return rc;
	for (i = 0; i < st->nr_disks; i++)
		disk_row(&t, st, &st->disks[i]);
	table_print(&t, f);
	return EXIT_OK;
}
