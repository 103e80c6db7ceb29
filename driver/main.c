// SPDX-License-Identifier: GPL-2.0
/*
 * pmemdisk: persistent memory as block devices.
 *
 * Module entry and exit only; each concern lives in its own file. Load:
 * discover regions (NFIT, e820, simulated), read their DIMMs' labels, make
 * their disks, then open the control device. Unload: the reverse.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/module.h>

#include "dirty_shutdown.h"
#include "disk.h"
#include "disks.h"
#include "pmemdisk.h"
#include "region.h"

static char *sim;
module_param(sim, charp, 0444);
MODULE_PARM_DESC(sim,
		 "simulated RAM-backed regions: comma-separated [WAYSx]SIZE, each a region of WAYS interleaved simulated DIMMs of SIZE bytes (e.g. 1G,2x512M); volatile");

static int __init pmdisk_init(void)
{
	int rc;

	/* Hardware first, so its region numbers do not depend on sim= */
	pmdisk_nfit_discover();
	pmdisk_e820_discover();
	rc = pmdisk_sim_discover(sim);
	if (rc)
		goto destroy_regions;
	pmdisk_labels_probe();
	pmdisk_health_probe();
	pmdisk_disks_from_regions();

	rc = pmdisk_shutdown_init();
	if (rc)
		goto destroy_disks;
	rc = pmdisk_ctl_init();
	if (rc)
		goto shutdown_exit;
	pr_info("version %s loaded\n", PMEMDISK_VERSION);
	return 0;

shutdown_exit:
	pmdisk_shutdown_exit();
destroy_disks:
	pmdisk_disks_destroy();
destroy_regions:
	pmdisk_regions_destroy();
	return rc;
}

static void __exit pmdisk_exit(void)
{
	pmdisk_ctl_exit();
	pmdisk_shutdown_exit();
	pmdisk_disks_destroy();
	pmdisk_regions_destroy();
	pr_info("unloaded\n");
}

module_init(pmdisk_init);
module_exit(pmdisk_exit);

MODULE_DESCRIPTION("pmemdisk: persistent memory (NVDIMM) block devices");
MODULE_AUTHOR("The pmemdisk developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(PMEMDISK_VERSION);
