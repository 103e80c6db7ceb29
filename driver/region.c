// SPDX-License-Identifier: GPL-2.0
/*
 * Regions and DIMMs: claiming, mapping, flushing, teardown. See region.h.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "core/nfit.h"
#include "dirty_shutdown.h"
#include "region.h"
#include "../uapi/pmemdisk_names.h"

LIST_HEAD(pmdisk_regions);
LIST_HEAD(pmdisk_dimms);
DEFINE_MUTEX(pmdisk_regions_lock);

static unsigned int pmdisk_next_region_id;
static unsigned int pmdisk_next_dimm_id;

/* The driver's own enums are the uapi's: their names are in pmemdisk_names.h. */
static_assert((int)PMDISK_PERSIST_CPU_CACHE == (int)PMEMDISK_PERSIST_CPU_CACHE);
static_assert((int)PMDISK_PERSIST_MEMCTRL == (int)PMEMDISK_PERSIST_MEMCTRL);
static_assert((int)PMDISK_PERSIST_UNKNOWN == (int)PMEMDISK_PERSIST_UNKNOWN);
static_assert((int)PMDISK_PERSIST_VOLATILE == (int)PMEMDISK_PERSIST_VOLATILE);
static_assert((int)PMDISK_SRC_NFIT == (int)PMEMDISK_SOURCE_NFIT);
static_assert((int)PMDISK_SRC_E820 == (int)PMEMDISK_SOURCE_E820);
static_assert((int)PMDISK_SRC_SIM == (int)PMEMDISK_SOURCE_SIMULATED);

const char *pmdisk_persistence_name(enum pmdisk_persistence p)
{
	return pmemdisk_persistence_name(p);
}

const char *pmdisk_source_name(enum pmdisk_region_source s)
{
	return pmemdisk_source_name(s);
}

struct pmdisk_dimm *pmdisk_dimm_find(u32 handle)
{
	struct pmdisk_dimm *dimm;

	lockdep_assert_held(&pmdisk_regions_lock);
	list_for_each_entry(dimm, &pmdisk_dimms, list)
		if (!dimm->simulated && dimm->handle == handle)
			return dimm;
	return NULL;
}

struct pmdisk_dimm *pmdisk_dimm_add(const struct pmdisk_dimm *tmpl)
{
	struct pmdisk_dimm *dimm = kmemdup(tmpl, sizeof(*tmpl), GFP_KERNEL);

	if (!dimm)
		return NULL;
	mutex_lock(&pmdisk_regions_lock);
	dimm->id = pmdisk_next_dimm_id++;
	list_add_tail(&dimm->list, &pmdisk_dimms);
	mutex_unlock(&pmdisk_regions_lock);
	return dimm;
}

static struct pmdisk_region *pmdisk_region_alloc(enum pmdisk_region_source source,
						 u64 size,
						 const struct pmdisk_mapping *map,
						 unsigned int ways)
{
	struct pmdisk_region *region;
	unsigned int i;

	if (ways > PMDISK_MAX_WAYS)
		return ERR_PTR(-EINVAL);
	region = kzalloc(sizeof(*region), GFP_KERNEL);
	if (!region)
		return ERR_PTR(-ENOMEM);
	region->source = source;
	region->size = size;
	region->ways = ways;
	region->target_node = NUMA_NO_NODE;
	region->numa_node = NUMA_NO_NODE;
	for (i = 0; i < ways; i++) {
		region->map[i] = map[i];
		if (map[i].dimm->flags & PMDISK_NFIT_MEM_NOT_ARMED)
			region->readonly = true;
	}
	return region;
}

static void pmdisk_region_publish(struct pmdisk_region *region)
{
	mutex_lock(&pmdisk_regions_lock);
	region->id = pmdisk_next_region_id++;
	snprintf(region->name, sizeof(region->name), "region%u", region->id);
	list_add_tail(&region->list, &pmdisk_regions);
	mutex_unlock(&pmdisk_regions_lock);
	pr_info("%s: %s, %llu MiB at %pa, %u-way, persistence %s%s\n",
		region->name, pmdisk_source_name(region->source),
		region->size >> 20, &region->base, region->ways,
		pmdisk_persistence_name(region->persistence),
		region->readonly ? ", read-only (DIMM not armed)" : "");
}

struct pmdisk_region *pmdisk_region_add_phys(enum pmdisk_region_source source,
				       phys_addr_t base, u64 size, int target_node,
				       enum pmdisk_persistence persistence,
				       const struct pmdisk_mapping *map,
				       unsigned int ways, const char *owner)
{
	struct pmdisk_region *region;

	if (owner) {
		pr_warn("skipping [mem %pa-%pa]: owned by %s (unbind or blacklist it to let pmemdisk use this range)\n",
			&base, &(phys_addr_t){ base + size - 1 }, owner);
		return ERR_PTR(-EBUSY);
	}
	region = pmdisk_region_alloc(source, size, map, ways);
	if (IS_ERR(region))
		return region;
	region->base = base;
	region->persistence = persistence;
	region->target_node = target_node;
	region->numa_node = numa_map_to_online_node(target_node);

	/* Exclusive claim: two drivers mapping one range is data loss. */
	region->res = request_mem_region(base, size, "pmemdisk");
	if (!region->res) {
		pr_warn("skipping [mem %pa-%pa]: busy, another driver claimed it (see /proc/iomem)\n",
			&base, &(phys_addr_t){ base + size - 1 });
		kfree(region);
		return ERR_PTR(-EBUSY);
	}
	region->virt = memremap(base, size, MEMREMAP_WB);
	if (!region->virt) {
		pr_warn("skipping [mem %pa-%pa]: cannot map it\n",
			&base, &(phys_addr_t){ base + size - 1 });
		release_mem_region(base, size);
		kfree(region);
		return ERR_PTR(-ENOMEM);
	}
	pmdisk_region_publish(region);
	return region;
}

struct pmdisk_region *pmdisk_region_add_sim(u64 size,
					    const struct pmdisk_mapping *map,
					    unsigned int ways)
{
	struct pmdisk_region *region = pmdisk_region_alloc(PMDISK_SRC_SIM, size, map, ways);

	if (IS_ERR(region))
		return region;
	region->persistence = PMDISK_PERSIST_VOLATILE;
	region->virt = vzalloc(size);
	if (!region->virt) {
		pr_warn("simulated region of %llu MiB: out of memory\n", size >> 20);
		kfree(region);
		return ERR_PTR(-ENOMEM);
	}
	pmdisk_region_publish(region);
	return region;
}

/*
 * Make the region's stores durable. The data path writes with
 * memcpy_flushcache(), i.e. non-temporal stores and cache-line write-backs
 * that may still be in flight. wmb() (sfence on x86) waits for them; with
 * flush hints, a write to one hint per DIMM then drains the memory
 * controller's write-pending queue, and the second wmb() orders that write
 * before whatever the caller does next (completing the bio). Without hints
 * the platform is ADR or eADR and the fence suffices.
 */
void pmdisk_region_flush(struct pmdisk_region *region)
{
	unsigned int i;
	bool hinted = false;

	/* Wait for memcpy_flushcache()'s non-temporal stores to land. */
	wmb();
	for (i = 0; i < region->ways; i++) {
		if (region->map[i].dimm->flush_hint) {
			writeq(1, region->map[i].dimm->flush_hint);
			hinted = true;
		}
	}
	if (!hinted)
		return;
	/* Order the hint writes before the caller completes the request. */
	wmb();
}

void pmdisk_region_zero(struct pmdisk_region *region, u64 offset, u64 len)
{
	const void *zero = page_address(ZERO_PAGE(0));
	u64 done;

	for (done = 0; done < len; done += PAGE_SIZE) {
		memcpy_flushcache(region->virt + offset + done, zero,
				  min_t(u64, PAGE_SIZE, len - done));
		cond_resched();
	}
}

/* ---- a region range as a portable-core medium ---------------------------- */

static struct pmdisk_region_media *to_region_media(struct pmdisk_media *m)
{
	return container_of(m, struct pmdisk_region_media, media);
}

static int region_media_read(struct pmdisk_media *m, u64 off, void *buf, size_t len)
{
	return copy_mc_to_kernel(buf, to_region_media(m)->virt + off, len) ? -EIO : 0;
}

static int region_media_write(struct pmdisk_media *m, u64 off, const void *buf,
			      size_t len)
{
	void *dst = to_region_media(m)->virt + off;

	/*
	 * BTT map entries (4 bytes) and log halves (8 bytes): with a constant
	 * size memcpy_flushcache() is one non-temporal store, not a call that
	 * works out the alignment and the size at run time.
	 */
	if (len == 4 && IS_ALIGNED((unsigned long)dst, 4))
		memcpy_flushcache(dst, buf, 4);
	else if (len == 8 && IS_ALIGNED((unsigned long)dst, 8))
		memcpy_flushcache(dst, buf, 8);
	else
		memcpy_flushcache(dst, buf, len);
	return 0;
}

static void region_media_persist(struct pmdisk_media *m)
{
	pmdisk_region_flush(to_region_media(m)->region);
}

static const struct pmdisk_media_ops pmdisk_region_media_ops = {
	.read = region_media_read,
	.write = region_media_write,
	.persist = region_media_persist,
};

void pmdisk_region_media_init(struct pmdisk_region_media *rm,
			      struct pmdisk_region *region, u64 offset, u64 size)
{
	rm->media.ops = &pmdisk_region_media_ops;
	rm->media.size = size;
	rm->region = region;
	rm->virt = region->virt + offset;
}

void pmdisk_regions_destroy(void)
{
	struct pmdisk_region *region, *rn;
	struct pmdisk_dimm *dimm, *dn;

	mutex_lock(&pmdisk_regions_lock);
	list_for_each_entry_safe(region, rn, &pmdisk_regions, list) {
		list_del(&region->list);
		if (region->source == PMDISK_SRC_SIM) {
			vfree(region->virt);
		} else {
			memunmap(region->virt);
			release_mem_region(region->base, region->size);
		}
		kfree(region);
	}
	list_for_each_entry_safe(dimm, dn, &pmdisk_dimms, list) {
		list_del(&dimm->list);
		if (dimm->flush_hint)
			iounmap(dimm->flush_hint);
		kvfree(dimm->sim_labels);
		pmdisk_dimm_shutdown_release(dimm);
		kfree(dimm);
	}
	pmdisk_next_region_id = 0;
	pmdisk_next_dimm_id = 0;
	mutex_unlock(&pmdisk_regions_lock);
}
