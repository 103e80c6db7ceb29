// SPDX-License-Identifier: GPL-2.0
/*
 * DIMM health from the platform's firmware: the Intel DSM "SMART and health
 * info" function, where a DIMM offers it. It gives a health verdict, the
 * platform's unsafe shutdown count (power losses it could not make safe)
 * and the state of the last shutdown. Read once at load, as Linux does.
 * DIMMs without it (QEMU's, e820 and simulated ones) report these as
 * unknown; the NFIT state flags and pmemdisk's own per-disk dirty-shutdown
 * count (dirty_shutdown.c) still apply to them.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "core/nfit.h"
#include "lsa.h"
#include "region.h"

#define DSM_SMART	1

static void pmdisk_dimm_health_probe(struct pmdisk_dimm *dimm)
{
	u8 payload[PMDISK_SMART_PAYLOAD_SIZE];
	int n;

	if (!dimm->acpi || !pmdisk_dsm_has(dimm->acpi, DSM_SMART))
		return;
	n = pmdisk_dsm_call(dimm->acpi, DSM_SMART, NULL, 0, payload, sizeof(payload));
	if (n < 0 || pmdisk_smart_decode(payload, n, &dimm->smart)) {
		pr_warn("dimm%u: the firmware offers SMART health but the call failed (%d): health unknown\n",
			dimm->id, n < 0 ? n : -EINVAL);
		return;
	}
	dimm->smart_read = true;
	if (dimm->smart.shutdown_count_valid)
		pr_info("dimm%u: platform unsafe shutdown count %u\n", dimm->id,
			dimm->smart.shutdown_count);
	/* as Linux: a dirty last shutdown means the platform failed to flush */
	if (dimm->smart.shutdown_state_valid && dimm->smart.last_shutdown_dirty) {
		pr_warn("dimm%u: the platform reports its last shutdown dirty: data in flight then may be lost\n",
			dimm->id);
		dimm->flags |= PMDISK_NFIT_MEM_FLUSH_FAILED;
	}
	if (dimm->smart.health_valid && (dimm->smart.failed || dimm->smart.warning))
		pr_warn("dimm%u: the firmware reports a %s health condition\n", dimm->id,
			dimm->smart.failed ? "critical" : "non-critical");
}

void pmdisk_health_probe(void)
{
	struct pmdisk_dimm *dimm;

	mutex_lock(&pmdisk_regions_lock);
	list_for_each_entry(dimm, &pmdisk_dimms, list)
		pmdisk_dimm_health_probe(dimm);
	mutex_unlock(&pmdisk_regions_lock);
}
