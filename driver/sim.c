// SPDX-License-Identifier: GPL-2.0
/*
 * Simulated regions: RAM-backed persistent memory for tests and for machines
 * without NVDIMMs, from the module parameter sim=, a comma-separated list of
 * [WAYSx]SIZE. Each entry is one region of WAYS simulated DIMMs of SIZE bytes
 * each (K/M/G suffixes), interleaved; e.g. sim=1G,2x512M gives a 1 GiB region
 * on one DIMM and a 1 GiB region on two interleaved 512 MiB DIMMs. Every
 * simulated DIMM has a 128 KiB label area in RAM. Contents are lost at
 * unload: simulated regions are listed as volatile everywhere.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "region.h"

#define PMDISK_SIM_LABEL_SIZE	(128 * 1024)
#define PMDISK_SIM_MIN_DIMM	(4ULL << 20)
#define PMDISK_SIM_ALIGN		(2ULL << 20)

/* Parse one "[WAYSx]SIZE" entry. */
static int pmdisk_sim_parse(const char *entry, unsigned int *ways, u64 *size)
{
	const char *x = strchr(entry, 'x');
	char *end;

	*ways = 1;
	if (x) {
		char num[8];
		size_t len = x - entry;

		if (!len || len >= sizeof(num))
			return -EINVAL;
		memcpy(num, entry, len);
		num[len] = '\0';
		if (kstrtouint(num, 10, ways))
			return -EINVAL;
		entry = x + 1;
	}
	*size = memparse(entry, &end);
	if (*end || !*size || !*ways || *ways > PMDISK_MAX_WAYS)
		return -EINVAL;
	return 0;
}

static int pmdisk_sim_region(unsigned int ways, u64 dimm_size)
{
	struct pmdisk_mapping map[PMDISK_MAX_WAYS];
	struct pmdisk_region *region;
	unsigned int i;

	for (i = 0; i < ways; i++) {
		struct pmdisk_dimm tmpl = { .simulated = true };

		tmpl.label_size = PMDISK_SIM_LABEL_SIZE;
		tmpl.sim_labels = kvzalloc(PMDISK_SIM_LABEL_SIZE, GFP_KERNEL);
		if (!tmpl.sim_labels)
			return -ENOMEM;
		map[i].dimm = pmdisk_dimm_add(&tmpl);
		if (!map[i].dimm) {
			kvfree(tmpl.sim_labels);
			return -ENOMEM;
		}
		/* serial: the DIMM number, so every set has its own cookie */
		map[i].dimm->serial = map[i].dimm->id;
		snprintf(map[i].dimm->nfit_id, sizeof(map[i].dimm->nfit_id),
			 "sim-%u", map[i].dimm->id);
		map[i].region_offset = i * dimm_size;
		map[i].dpa = 0;
		map[i].size = dimm_size;
	}
	region = pmdisk_region_add_sim(dimm_size * ways, map, ways);
	return PTR_ERR_OR_ZERO(region);
}

int pmdisk_sim_discover(const char *spec)
{
	char *copy, *cur, *entry;
	int rc = 0;

	if (!spec || !*spec)
		return 0;
	copy = kstrdup(spec, GFP_KERNEL);
	if (!copy)
		return -ENOMEM;
	/* validate everything before creating anything */
	for (cur = copy; (entry = strsep(&cur, ",")) && !rc; ) {
		unsigned int ways;
		u64 size;

		if (pmdisk_sim_parse(entry, &ways, &size)) {
			pr_err("sim=%s: '%s' is not [WAYSx]SIZE with 1 to %d ways\n",
			       spec, entry, PMDISK_MAX_WAYS);
			rc = -EINVAL;
		} else if (size < PMDISK_SIM_MIN_DIMM || !IS_ALIGNED(size, PMDISK_SIM_ALIGN)) {
			pr_err("sim=%s: '%s': each DIMM must be at least 4 MiB and a multiple of 2 MiB\n",
			       spec, entry);
			rc = -EINVAL;
		}
	}
	strcpy(copy, spec);
	for (cur = copy; !rc && (entry = strsep(&cur, ",")); ) {
		unsigned int ways;
		u64 size;

		pmdisk_sim_parse(entry, &ways, &size);
		rc = pmdisk_sim_region(ways, size);
		if (rc)
			pr_err("sim=%s: '%s': cannot create it (%d)\n", spec, entry, rc);
	}
	kfree(copy);
	return rc;
}
