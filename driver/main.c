// SPDX-License-Identifier: GPL-2.0
/*
 * pmemdisk: persistent memory as block devices.
 *
 * Module entry and exit only; each concern lives in its own file.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>

#include "pmemdisk.h"

static int __init pmd_init(void)
{
	int rc;

	rc = pmd_ctl_init();
	if (rc)
		return rc;
	pr_info("version %s loaded\n", PMEMDISK_VERSION);
	return 0;
}

static void __exit pmd_exit(void)
{
	pmd_ctl_exit();
	pr_info("unloaded\n");
}

module_init(pmd_init);
module_exit(pmd_exit);

MODULE_DESCRIPTION("pmemdisk: persistent memory (NVDIMM) block devices");
MODULE_AUTHOR("The pmemdisk developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(PMEMDISK_VERSION);
