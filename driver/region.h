/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Regions and DIMMs: what discovery finds and disks are carved from.
 *
 * A region is one contiguous persistent-memory range (an NFIT SPA range, an
 * e820 type-12 range, or a simulated RAM range), claimed exclusively and
 * mapped once. Its DIMMs are the devices of its interleave set, in position
 * order. Regions and DIMMs live from module load to unload; the lists are
 * only changed at those times, under pmdisk_regions_lock.
 */
#ifndef _PMDISK_REGION_H
#define _PMDISK_REGION_H

#include <linux/acpi.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/types.h>

#include "lsa.h"
#include "core/media.h"
#include "core/nfit.h"
#include "core/provision.h"
#include "core/smart.h"

struct pmdisk_dstate;

#define PMDISK_REGION_NAME_LEN	24

enum pmdisk_region_source {
	PMDISK_SRC_NFIT,
	PMDISK_SRC_E820,
	PMDISK_SRC_SIM,
};

/* Where a store is durable once it left the CPU: sysfs "persistence_domain". */
enum pmdisk_persistence {
	PMDISK_PERSIST_CPU_CACHE,		/* eADR: CPU caches are flushed on power loss */
	PMDISK_PERSIST_MEMCTRL,		/* ADR: the memory controller's queues are */
	PMDISK_PERSIST_UNKNOWN,		/* the platform does not say */
	PMDISK_PERSIST_VOLATILE,		/* simulated: RAM, lost at power off */
};

struct pmdisk_dimm {
	struct list_head list;
	unsigned int id;		/* dimm<id>, in discovery order */
	bool simulated;
	u32 handle;			/* NFIT device handle (_ADR) */
	u16 phys_id;
	u16 vendor_id, device_id, revision_id;
	u16 subsystem_vendor_id, subsystem_device_id, subsystem_revision_id;
	u16 format_code;
	u32 serial;
	u16 manufacturing_date;
	u8 manufacturing_location;
	char nfit_id[24];		/* the id Linux and ndctl show */
	u16 flags;			/* NFIT memdev state flags, ORed */
	void __iomem *flush_hint;	/* one hint address, or NULL */

	/* the label storage area (lsa.c) */
	acpi_handle acpi;		/* the DIMM's ACPI device, if found */
	enum pmdisk_label_method label_method;
	enum pmdisk_label_state label_state;
	bool labels_writable;
	u32 label_size;			/* bytes */
	u32 label_max_xfer;		/* bytes per firmware call */
	u32 label_nslot, label_used;	/* with a valid index */
	struct pmdisk_lsa_media lsa_media;
	void *sim_labels;		/* simulated DIMMs: the area in RAM */
	struct pmdisk_dstate *dstate;	/* dirty-shutdown records, or NULL (dirty_shutdown.c) */

	/* the firmware's health report, when it has one (health.c) */
	bool smart_read;
	struct pmdisk_smart smart;
};

/* One DIMM's part of a region (what the NFIT memdev map says). */
struct pmdisk_mapping {
	struct pmdisk_dimm *dimm;
	u64 region_offset;		/* for the interleave-set cookie */
	u64 dpa;			/* where the part starts on the DIMM */
	u64 size;			/* bytes the DIMM gives the region */
};

struct pmdisk_region {
	struct list_head list;
	unsigned int id;		/* region<id> */
	char name[PMDISK_REGION_NAME_LEN];
	enum pmdisk_region_source source;
	enum pmdisk_persistence persistence;
	bool readonly;			/* a DIMM is not armed */
	phys_addr_t base;		/* 0 for simulated regions */
	u64 size;
	/*
	 * The NUMA node of the memory itself (target_node: the NFIT SPA's
	 * proximity domain, or for e820 the node of its address), and the
	 * online node nearest to it, where the region's disks keep their
	 * structures (numa_node). NUMA_NO_NODE when unknown, as Linux's
	 * regions say -1.
	 */
	int target_node;
	int numa_node;
	void *virt;			/* the whole range, mapped once */
	struct resource *res;		/* our claim on [base, base + size) */
	unsigned int ways;
	struct pmdisk_mapping map[PMDISK_MAX_WAYS];	/* in interleave position order */

	/*
	 * Set when its disks are made (disks.c) and kept by every change
	 * (admin.c): always what a load of its labels would find.
	 */
	enum pmdisk_label_state label_state;	/* of the region as a whole */
	struct pmdisk_extents used;		/* namespaces, by offset */
};

extern struct list_head pmdisk_regions;
extern struct list_head pmdisk_dimms;
extern struct mutex pmdisk_regions_lock;

/* The NFIT DIMM with @handle, or NULL; caller holds pmdisk_regions_lock. */
struct pmdisk_dimm *pmdisk_dimm_find(u32 handle);
/* A DIMM as discovery describes it; pmdisk_dimm_add() copies it. */
struct pmdisk_dimm *pmdisk_dimm_add(const struct pmdisk_dimm *tmpl);

/*
 * Claim and map [base, base + size) as a new region with @ways DIMMs, its
 * memory on NUMA node @target_node (NUMA_NO_NODE: unknown).
 * Returns the region, or an ERR_PTR with the reason already logged:
 * -EBUSY when another driver owns the range (@owner names it when known).
 */
struct pmdisk_region *pmdisk_region_add_phys(enum pmdisk_region_source source,
				       phys_addr_t base, u64 size, int target_node,
				       enum pmdisk_persistence persistence,
				       const struct pmdisk_mapping *map,
				       unsigned int ways, const char *owner);
struct pmdisk_region *pmdisk_region_add_sim(u64 size,
					    const struct pmdisk_mapping *map,
					    unsigned int ways);

/* Write zeroes to [offset, offset + len) of the region (not yet durable). */
void pmdisk_region_zero(struct pmdisk_region *region, u64 offset, u64 len);

/* Make every store to the region issued so far durable (see region.c). */
void pmdisk_region_flush(struct pmdisk_region *region);

/*
 * A byte range of a region as a portable-core medium (driver/core/media.h):
 * reads are machine-check safe (poison gives -EIO), writes are non-temporal,
 * persist is pmdisk_region_flush(). Offsets are relative to @offset.
 */
struct pmdisk_region_media {
	struct pmdisk_media media;
	struct pmdisk_region *region;
	void *virt;
};

void pmdisk_region_media_init(struct pmdisk_region_media *rm,
			      struct pmdisk_region *region, u64 offset, u64 size);

const char *pmdisk_persistence_name(enum pmdisk_persistence p);
const char *pmdisk_source_name(enum pmdisk_region_source s);

/* Unmap, release and free every region and DIMM (module unload). */
void pmdisk_regions_destroy(void);

/* discovery: each adds the regions it finds; a failure skips that source */
void pmdisk_nfit_discover(void);
void pmdisk_e820_discover(void);
/* Read each DIMM's firmware health report, where it offers one (health.c). */
void pmdisk_health_probe(void);
int pmdisk_sim_discover(const char *spec);

#endif /* _PMDISK_REGION_H */
