// SPDX-License-Identifier: GPL-2.0
/*
 * Discovery of legacy persistent memory: e820 type-12 ranges, which the
 * kernel lists as "Persistent Memory (legacy)" (memmap=nn!ss, or firmware
 * that predates the NFIT). They have no DIMMs and no label area.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/ioport.h>
#include <linux/platform_device.h>

#include "region.h"

/* x86 registers the "e820_pmem" platform device; nd_e820 binds to it. */
static const char *pmdisk_e820_owner(void)
{
	struct device *dev = bus_find_device_by_name(&platform_bus_type, NULL,
						     "e820_pmem");
	const char *owner = NULL;

	if (dev) {
		if (READ_ONCE(dev->driver))
			owner = "nd_e820 (the in-kernel legacy pmem driver)";
		put_device(dev);
	}
	return owner;
}

static int pmdisk_e820_range(struct resource *res, void *owner)
{
	/* e820 says nothing of nodes: the node whose memory map holds it */
	pmdisk_region_add_phys(PMDISK_SRC_E820, res->start, resource_size(res),
			       phys_to_target_node(res->start),
			       PMDISK_PERSIST_UNKNOWN, NULL, 0, owner);
	return 0;	/* keep walking: one busy range does not stop the rest */
}

void pmdisk_e820_discover(void)
{
	walk_iomem_res_desc(IORES_DESC_PERSISTENT_MEMORY_LEGACY, IORESOURCE_MEM,
			    0, -1, (void *)pmdisk_e820_owner(), pmdisk_e820_range);
}
