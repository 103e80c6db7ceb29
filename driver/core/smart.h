/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Intel NVDIMM DSM "SMART and health info" reply (function 1): the
 * platform's own health verdict and unsafe shutdown count for one DIMM.
 * Platforms without it (QEMU, most VMs) simply do not offer the function.
 *
 * The 128-byte payload that follows the 4-byte status word:
 *
 *   0      4       8   9   10  11  12    14    16              20  21   23      31  32
 *   +------+-------+---+---+---+---+-----+-----+---------------+---+----+-------+---+------------
 *   |flags |rsvd   |hlt|spr|use|alm|mtemp|ctemp|shutdown count |ait|ptmp| rsvd  |sds| vendor ...
 *   +------+-------+---+---+---+---+-----+-----+---------------+---+----+-------+---+------------
 *
 * flags say which fields are valid: bit 0 health, bit 5 the shutdown count,
 * bit 10 the last shutdown state (sds: 0 clean, anything else dirty). The
 * health byte: bit 0 non-critical, bit 1 critical, bit 2 fatal.
 *
 * Part of the portable core: builds into pmemdisk.ko and into host tests.
 */
#ifndef _PMDISK_CORE_SMART_H
#define _PMDISK_CORE_SMART_H

#include "compat.h"

#define PMDISK_SMART_PAYLOAD_SIZE	128

#define PMDISK_SMART_OFF_FLAGS		0
#define PMDISK_SMART_OFF_HEALTH		8
#define PMDISK_SMART_OFF_SHUTDOWN_COUNT	16
#define PMDISK_SMART_OFF_SHUTDOWN_STATE	31

#define PMDISK_SMART_HEALTH_VALID		(1U << 0)
#define PMDISK_SMART_SHUTDOWN_COUNT_VALID	(1U << 5)
#define PMDISK_SMART_SHUTDOWN_STATE_VALID	(1U << 10)

#define PMDISK_SMART_NON_CRITICAL	(1U << 0)
#define PMDISK_SMART_CRITICAL		(1U << 1)
#define PMDISK_SMART_FATAL		(1U << 2)

/* What the reply says; a field not marked valid by the firmware stays false. */
struct pmdisk_smart {
	bool health_valid;
	bool warning;			/* non-critical condition */
	bool failed;			/* critical or fatal */
	bool shutdown_count_valid;
	u32 shutdown_count;
	bool shutdown_state_valid;
	bool last_shutdown_dirty;
};

/*
 * Decode a reply payload of @len bytes (what followed the status word).
 * Returns 0, or -EINVAL when it is too short to hold the fields.
 */
int pmdisk_smart_decode(const void *payload, size_t len, struct pmdisk_smart *out);

#endif /* _PMDISK_CORE_SMART_H */
