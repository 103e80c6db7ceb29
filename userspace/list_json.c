// SPDX-License-Identifier: GPL-2.0
/*
 * pmemctl devices | regions | list --json: the listings as JSON for
 * programs. The JSON is always one object {"schema": 1, "<things>": [...]};
 * every key is always present (null when unknown) and sizes are integers in
 * bytes (userspace/schema/ has the shapes).
 */
#include <stdio.h>

#include <uuid/uuid.h>

#include "holders.h"
#include "json_out.h"
#include "listing.h"

/* Adds entry @i to the array @a. */
typedef void (*json_entry_fn)(struct json_object *a, const struct pmem_state *st,
			      unsigned int i);

/* {"schema": 1, "<key>": [entry 0, entry 1, ...]} on stdout */
static void print_json_listing(const char *key, const struct pmem_state *st,
			       unsigned int n, json_entry_fn entry)
{
	struct json_object *doc, *a;
	unsigned int i;

	doc = json_listing(key, &a);
	for (i = 0; i < n; i++)
		entry(a, st, i);
	json_print(doc);
}

static void json_dimm_names(struct json_object *o, const char *key, const __u32 *ids,
			    unsigned int n)
{
	struct json_object *a = json_add_array(o, key);
	char name[32];
	unsigned int i;

	for (i = 0; i < n && i < PMEMDISK_MAX_WAYS; i++) {
		snprintf(name, sizeof(name), "dimm%u", ids[i]);
		json_append_string(a, name);
	}
}

/* The words as a JSON array @key of @o. */
static void json_words(struct json_object *o, const char *key, const char **words,
		       unsigned int n)
{
	struct json_object *a = json_add_array(o, key);
	unsigned int i;

	for (i = 0; i < n; i++)
		json_append_string(a, words[i]);
}

/* The NFIT state flags set, in the order pmemctl(8) gives them. */
static void json_dimm_flags(struct json_object *o, unsigned int flags)
{
	static const struct {
		unsigned int flag;
		const char *word;
	} words[] = {
		{ PMEMDISK_DIMM_SAVE_FAILED, "save_failed" },
		{ PMEMDISK_DIMM_RESTORE_FAILED, "restore_failed" },
		{ PMEMDISK_DIMM_FLUSH_FAILED, "flush_failed" },
		{ PMEMDISK_DIMM_NOT_ARMED, "not_armed" },
		{ PMEMDISK_DIMM_HEALTH_OBSERVED, "smart_event" },
		{ PMEMDISK_DIMM_MAP_FAILED, "map_failed" },
	};
	struct json_object *a = json_add_array(o, "flags");
	unsigned int i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (flags & words[i].flag)
			json_append_string(a, words[i].word);
}

/* What the NFIT says about a device; null for a simulated one. */
static void json_dimm_identity(struct json_object *j, const struct pmemdisk_dimm_info *d)
{
	char loc[80];

	if (d->simulated) {
		json_add_null(j, "handle");
		json_add_null(j, "phys_id");
		json_add_null(j, "vendor_id");
		json_add_null(j, "device_id");
		json_add_null(j, "revision_id");
		json_add_null(j, "serial");
		json_add_null(j, "location");
		return;
	}
	format_location(loc, sizeof(loc), d->handle);
	json_add_u64(j, "handle", d->handle);
	json_add_u64(j, "phys_id", d->phys_id);
	json_add_u64(j, "vendor_id", d->vendor_id);
	json_add_u64(j, "device_id", d->device_id);
	json_add_u64(j, "revision_id", d->revision_id);
	json_add_u64(j, "serial", d->serial);
	json_add_string(j, "location", loc);
}

static void json_device(struct json_object *a, const struct pmem_state *st, unsigned int n)
{
	const struct pmemdisk_dimm_info *d = &st->dimms[n];
	bool indexed = d->label_state == PMEMDISK_LABELS_V1_1 ||
		       d->label_state == PMEMDISK_LABELS_V1_2;
	const char *words[MAX_STATUS_WORDS];
	struct json_object *j;
	char name[32];

	snprintf(name, sizeof(name), "dimm%u", d->id);
	j = json_add_object(a, NULL);
	json_add_string(j, "device", name);
	json_add_string(j, "id", d->nfit_id);
	json_add_bool(j, "simulated", d->simulated);
	json_dimm_identity(j, d);
	json_add_null(j, "firmware_revision");	/* not in the NFIT */
	json_add_string(j, "health", pmemdisk_health_name(d->health));
	json_dimm_flags(j, d->flags);
	json_words(j, "operational_status", words, dimm_status(d, words, MAX_STATUS_WORDS));
	/* the platform's own count and last shutdown, where its firmware says */
	if (d->health_info & PMEMDISK_DIMM_USC_KNOWN)
		json_add_u64(j, "unsafe_shutdown_count", d->unsafe_shutdown_count);
	else
		json_add_null(j, "unsafe_shutdown_count");
	if (d->health_info & PMEMDISK_DIMM_SHUTDOWN_STATE_KNOWN)
		json_add_string(j, "last_shutdown",
				d->health_info & PMEMDISK_DIMM_LAST_SHUTDOWN_DIRTY ? "dirty" : "clean");
	else
		json_add_null(j, "last_shutdown");
	json_add_u64(j, "label_area_size", d->label_size);
	json_add_string(j, "label_state", pmemdisk_label_state_name(d->label_state));
	json_add_string(j, "label_method", pmemdisk_label_method_name(d->label_method));
	json_add_bool(j, "labels_writable", d->labels_writable);
	if (indexed) {
		json_add_u64(j, "label_slots", d->label_slots);
		json_add_u64(j, "label_slots_used", d->label_slots_used);
	} else {
		json_add_null(j, "label_slots");
		json_add_null(j, "label_slots_used");
	}
}

/* A NUMA node of region @r: null when unknown (or not said by the module). */
static void json_node(struct json_object *j, const char *key,
		      const struct pmemdisk_region_info *r, int node)
{
	if (r && (r->flags & PMEMDISK_REGION_NODES) && node >= 0)
		json_add_u64(j, key, node);
	else
		json_add_null(j, key);
}

static void json_region(struct json_object *a, const struct pmem_state *st, unsigned int n)
{
	const struct pmemdisk_region_info *r = &st->regions[n];
	bool divisible = r->label_state == PMEMDISK_LABELS_V1_1 ||
			 r->label_state == PMEMDISK_LABELS_V1_2;
	struct json_object *j, *ext, *e;
	char name[32];
	unsigned int i;

	snprintf(name, sizeof(name), "region%u", r->id);
	j = json_add_object(a, NULL);
	json_add_string(j, "region", name);
	json_add_string(j, "source", pmemdisk_source_name(r->source));
	if (r->source == PMEMDISK_SOURCE_SIMULATED)
		json_add_null(j, "base");
	else
		json_add_u64(j, "base", r->base);
	json_add_u64(j, "size", r->size);
	json_add_u64(j, "available_size", r->available_size);
	json_add_u64(j, "max_available_extent", r->max_available_extent);
	ext = json_add_array(j, "free_extents");
	for (i = 0; divisible && i < r->nr_free_extents && i < PMEMDISK_MAX_EXTENTS; i++) {
		e = json_add_object(ext, NULL);
		json_add_u64(e, "offset", r->free_extents[i].offset);
		json_add_u64(e, "size", r->free_extents[i].size);
	}
	json_dimm_names(j, "dimms", r->dimms, r->interleave_ways);
	json_add_u64(j, "interleave_ways", r->interleave_ways);
	json_add_string(j, "persistence_domain", pmemdisk_persistence_name(r->persistence));
	json_node(j, "numa_node", r, r->numa_node);
	json_node(j, "target_node", r, r->target_node);
	json_add_string(j, "label_state", pmemdisk_label_state_name(r->label_state));
	json_add_bool(j, "readonly", r->readonly);
	json_add_u64(j, "disks", r->nr_disks);
}

/* "dax": {device, map, align} of a DAX disk, null for the others */
static void json_disk_dax(struct json_object *j, const struct pmemdisk_disk_info *d)
{
	struct json_object *dax;
	char dev[32];

	if (d->mode != PMEMDISK_MODE_FSDAX && d->mode != PMEMDISK_MODE_DEVDAX) {
		json_add_null(j, "dax");
		return;
	}
	snprintf(dev, sizeof(dev), "/dev/%s%u",
		 d->mode == PMEMDISK_MODE_DEVDAX ? "pmemdax" : "pmemdisk", d->number);
	dax = json_add_object(j, "dax");
	json_add_string(dax, "device", dev);
	json_add_string(dax, "map", d->map == PMEMDISK_MAP_MEM ? "mem" : "dev");
	json_add_u64(dax, "align", d->dax_align);
}

/*
 * "holders": what the kernel holds the disk open for (device-mapper:
 * dm-writecache, LVM), each {device, dm_name, lvm_volume}; [] when nothing.
 */
static void json_disk_holders(struct json_object *j, const struct pmemdisk_disk_info *d)
{
	struct json_object *a = json_add_array(j, "holders"), *e;
	struct holder h[HOLDERS_MAX];
	unsigned int i, n = 0;
	char block[32];

	if (d->mode != PMEMDISK_MODE_DEVDAX) {
		snprintf(block, sizeof(block), "pmemdisk%u", d->number);
		n = disk_holders(SYSFS_BLOCK, block, h, HOLDERS_MAX);
	}
	for (i = 0; i < n; i++) {
		e = json_add_object(a, NULL);
		json_add_string(e, "device", h[i].dev);
		json_add_string(e, "dm_name", h[i].dm_name[0] ? h[i].dm_name : NULL);
		json_add_string(e, "lvm_volume", h[i].lv[0] ? h[i].lv : NULL);
	}
}

static void json_disk(struct json_object *a, const struct pmem_state *st, unsigned int n)
{
	const struct pmemdisk_disk_info *d = &st->disks[n];
	const struct pmemdisk_region_info *r = state_region(st, d->region);
	const char *words[MAX_STATUS_WORDS];
	struct json_object *j;
	char name[32], region[32], uuid[UUID_STR_LEN];
	unsigned long long usc;

	snprintf(name, sizeof(name), "pmemdisk%u", d->number);
	snprintf(region, sizeof(region), "region%u", d->region);
	uuid_unparse_lower(d->uuid, uuid);
	j = json_add_object(a, NULL);
	json_add_string(j, "disk", name);
	json_add_u64(j, "number", d->number);
	json_add_string(j, "uuid", d->has_uuid ? uuid : NULL);
	json_add_string(j, "name", d->has_uuid ? d->name : NULL);
	json_add_u64(j, "size", d->size);
	json_add_u64(j, "sector_size", d->sector_size);
	json_add_string(j, "atomicity", d->atomicity == PMEMDISK_ATOMICITY_BTT ? "btt" : "none");
	json_add_string(j, "mode", pmemdisk_mode_name(d->mode));
	json_disk_dax(j, d);
	/* what dm-writecache's pmem mode and filesystems' -o dax can use */
	json_add_bool(j, "block_dax", d->mode == PMEMDISK_MODE_FSDAX);
	json_add_string(j, "region", region);
	json_add_u64(j, "offset", d->offset);
	json_node(j, "numa_node", r, r ? r->numa_node : -1);
	json_node(j, "target_node", r, r ? r->target_node : -1);
	json_add_string(j, "health", pmemdisk_health_name(disk_health(st, d)));
	if (r)
		json_dimm_names(j, "physical_devices", r->dimms, r->interleave_ways);
	else
		json_dimm_names(j, "physical_devices", NULL, 0);
	json_add_bool(j, "can_be_removed", !d->open);
	json_disk_holders(j, d);
	json_add_bool(j, "readonly", d->readonly);
	json_words(j, "operational_status", words, disk_status(st, d, words, MAX_STATUS_WORDS));
	/* the platform's count, summed over the devices; null unless all say */
	if (disk_platform_usc(st, d, &usc))
		json_add_u64(j, "unsafe_shutdown_count", usc);
	else
		json_add_null(j, "unsafe_shutdown_count");
	/* pmemdisk's own count of unclean detaches, where the labels have room */
	if (d->dirty_shutdowns_known)
		json_add_u64(j, "dirty_shutdown_count", d->dirty_shutdowns);
	else
		json_add_null(j, "dirty_shutdown_count");
}

void print_devices_json(const struct pmem_state *st)
{
	print_json_listing("devices", st, st->nr_dimms, json_device);
}

void print_regions_json(const struct pmem_state *st)
{
	print_json_listing("regions", st, st->nr_regions, json_region);
}

void print_disks_json(const struct pmem_state *st)
{
	print_json_listing("disks", st, st->nr_disks, json_disk);
}
