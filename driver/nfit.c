// SPDX-License-Identifier: GPL-2.0
/*
 * Discovery from the ACPI NFIT: kernel glue around the portable parser in
 * core/nfit.c. One region per usable persistent-memory SPA range.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/acpi.h>
#include <linux/io.h>
#include <linux/slab.h>

#include "core/nfit.h"
#include "region.h"

static void pmdisk_nfit_note(void *ctx, bool fatal, const char *msg)
{
	if (fatal)
		pr_err("NFIT: %s\n", msg);
	else
		pr_warn("NFIT: %s\n", msg);
}

/*
 * The in-kernel nfit driver binds the ACPI0012 root device (directly in 6.1,
 * through its platform device in newer kernels). When it does, it owns every
 * NFIT range and the DIMMs' label areas: pmemdisk must keep off them.
 */
static const char *pmdisk_nfit_owner(void)
{
	struct acpi_device *adev = acpi_dev_get_first_match_dev("ACPI0012", NULL, -1);
	struct device *phys;
	bool bound;

	if (!adev)
		return NULL;
	phys = acpi_get_first_physical_node(adev);
	bound = READ_ONCE(adev->dev.driver) || (phys && READ_ONCE(phys->driver));
	acpi_dev_put(adev);
	return bound ? "nfit (the in-kernel ACPI NFIT driver is bound to ACPI0012)" : NULL;
}

/*
 * The NUMA node of a SPA range's memory: its proximity domain when the
 * firmware says that field is valid (QEMU sets it from the nvdimm's node=),
 * as Linux's nfit takes it.
 */
static int pmdisk_nfit_node(const struct pmdisk_nfit_spa *spa)
{
	if (!(spa->flags & PMDISK_NFIT_SPA_PROXIMITY_VALID))
		return NUMA_NO_NODE;
	return pxm_to_node(spa->proximity_domain);
}

static enum pmdisk_persistence pmdisk_nfit_persistence(const struct pmdisk_nfit *nfit)
{
	if (nfit->has_caps && (nfit->capabilities & PMDISK_NFIT_CAP_CPU_CACHE_FLUSH))
		return PMDISK_PERSIST_CPU_CACHE;
	if (nfit->has_caps && (nfit->capabilities & PMDISK_NFIT_CAP_MEM_CTRL_FLUSH))
		return PMDISK_PERSIST_MEMCTRL;
	return PMDISK_PERSIST_UNKNOWN;
}

/* The pmdisk_dimm for one mapping of a region, created on first sight. */
static struct pmdisk_dimm *pmdisk_nfit_dimm(const struct pmdisk_nfit_mapping *map)
{
	const struct pmdisk_nfit_memdev *m = map->memdev;
	const struct pmdisk_nfit_dcr *d = map->dcr;
	struct pmdisk_dimm tmpl = { 0 }, *dimm;

	mutex_lock(&pmdisk_regions_lock);
	dimm = pmdisk_dimm_find(m->handle);
	if (dimm)
		dimm->flags |= m->flags;
	mutex_unlock(&pmdisk_regions_lock);
	if (dimm)
		return dimm;

	tmpl.handle = m->handle;
	tmpl.phys_id = m->physical_id;
	tmpl.flags = m->flags;
	tmpl.vendor_id = d->vendor_id;
	tmpl.device_id = d->device_id;
	tmpl.revision_id = d->revision_id;
	tmpl.subsystem_vendor_id = d->subsystem_vendor_id;
	tmpl.subsystem_device_id = d->subsystem_device_id;
	tmpl.subsystem_revision_id = d->subsystem_revision_id;
	tmpl.format_code = d->code;
	tmpl.serial = d->serial_number;
	tmpl.manufacturing_date = d->manufacturing_date;
	tmpl.manufacturing_location = d->manufacturing_location;
	pmdisk_nfit_dimm_id(d, tmpl.nfit_id, sizeof(tmpl.nfit_id));
	if (map->flush && map->flush->nr_kept) {
		tmpl.flush_hint = ioremap(map->flush->hints[0], sizeof(u64));
		if (!tmpl.flush_hint)
			pr_warn("DIMM %s: cannot map flush hint %#llx; relying on ADR\n",
				tmpl.nfit_id, map->flush->hints[0]);
	}
	dimm = pmdisk_dimm_add(&tmpl);
	if (!dimm && tmpl.flush_hint)
		iounmap(tmpl.flush_hint);
	return dimm;
}

void pmdisk_nfit_discover(void)
{
	struct acpi_table_header *tbl;
	struct pmdisk_nfit_region *r;
	struct pmdisk_nfit *nfit;
	const char *owner;
	acpi_status status;
	unsigned int i, j;

	status = acpi_get_table(ACPI_SIG_NFIT, 0, &tbl);
	if (ACPI_FAILURE(status)) {
		pr_debug("no ACPI NFIT\n");
		return;
	}
	nfit = kvzalloc(sizeof(*nfit), GFP_KERNEL);
	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!nfit || !r) {
		pr_err("NFIT: out of memory, NFIT ranges skipped\n");
		goto out;
	}
	if (pmdisk_nfit_parse(tbl, tbl->length, nfit, pmdisk_nfit_note, NULL)) {
		pr_err("NFIT: table refused; no NFIT ranges will be used\n");
		goto out;
	}
	owner = pmdisk_nfit_owner();

	for (i = 0; i < nfit->nr_spa; i++) {
		struct pmdisk_mapping map[PMDISK_MAX_WAYS];
		bool ok = true;

		if (pmdisk_nfit_region(nfit, i, r, pmdisk_nfit_note, NULL))
			continue;
		if (owner) {	/* says why, creates nothing */
			pmdisk_region_add_phys(PMDISK_SRC_NFIT, r->spa->base,
					       r->spa->size, NUMA_NO_NODE,
					       PMDISK_PERSIST_UNKNOWN, NULL, 0, owner);
			continue;
		}
		for (j = 0; j < r->ways && ok; j++) {
			const struct pmdisk_nfit_memdev *m = r->map[j].memdev;

			map[j].dimm = pmdisk_nfit_dimm(&r->map[j]);
			map[j].region_offset = m->region_offset;
			map[j].dpa = m->dpa;
			map[j].size = m->region_size;
			ok = map[j].dimm != NULL;
		}
		if (!ok) {
			pr_err("NFIT: SPA range %u: out of memory\n", r->spa->index);
			continue;
		}
		pmdisk_region_add_phys(PMDISK_SRC_NFIT, r->spa->base, r->spa->size,
				       pmdisk_nfit_node(r->spa),
				       pmdisk_nfit_persistence(nfit), map, r->ways,
				       NULL);
	}
out:
	kfree(r);
	kvfree(nfit);
	acpi_put_table(tbl);
}
