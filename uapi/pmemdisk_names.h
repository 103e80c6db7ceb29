/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The names of pmemdisk's enumerations, written once: what the module's
 * sysfs attributes and messages print and what pmemctl shows in its tables
 * and --json (pmemdisk(4), pmemctl(8)). The names are ABI as much as the
 * numbers in pmemdisk.h: scripts compare them.
 *
 * Each table is indexed by the value; a value with no name (newer than
 * this header, or not a state at all) gets the fallback its function says.
 * Tables live inside inline functions so that a file that includes this
 * header and uses none of them carries no unused data.
 */
#ifndef _UAPI_PMEMDISK_NAMES_H
#define _UAPI_PMEMDISK_NAMES_H

#include "pmemdisk.h"

#define PMEMDISK_NAMES_LEN(names) (sizeof(names) / sizeof((names)[0]))

static inline const char *pmemdisk_name_of(const char *const *names, unsigned int len,
					   unsigned int value, const char *fallback)
{
	return value < len && names[value] ? names[value] : fallback;
}

#define pmemdisk_name(names, value, fallback) \
	pmemdisk_name_of(names, PMEMDISK_NAMES_LEN(names), value, fallback)

/* enum pmemdisk_mode; PMEMDISK_MODE_DEFAULT (a create's "none given") is raw */
static inline const char *pmemdisk_mode_name(unsigned int mode)
{
	static const char *const names[] = {
		[PMEMDISK_MODE_RAW] = "raw",
		[PMEMDISK_MODE_BTT] = "btt",
		[PMEMDISK_MODE_FSDAX] = "fsdax",
		[PMEMDISK_MODE_DEVDAX] = "devdax",
	};

	return pmemdisk_name(names, mode, "raw");
}

/* enum pmemdisk_health */
static inline const char *pmemdisk_health_name(unsigned int health)
{
	static const char *const names[] = {
		[PMEMDISK_HEALTH_OK] = "healthy",
		[PMEMDISK_HEALTH_WARNING] = "warning",
		[PMEMDISK_HEALTH_FAILED] = "unhealthy",
	};

	return pmemdisk_name(names, health, "unknown");
}

/* enum pmemdisk_persistence: the persistence domain of a region */
static inline const char *pmemdisk_persistence_name(unsigned int persistence)
{
	static const char *const names[] = {
		[PMEMDISK_PERSIST_CPU_CACHE] = "cpu_cache",
		[PMEMDISK_PERSIST_MEMCTRL] = "memory_controller",
		[PMEMDISK_PERSIST_UNKNOWN] = "unknown",
		[PMEMDISK_PERSIST_VOLATILE] = "volatile",
	};

	return pmemdisk_name(names, persistence, "unknown");
}

/* enum pmemdisk_label_state: of a device's label area, and of a region */
static inline const char *pmemdisk_label_state_name(unsigned int state)
{
	static const char *const names[] = {
		[PMEMDISK_LABELS_NONE] = "none",
		[PMEMDISK_LABELS_ABSENT] = "label-less",
		[PMEMDISK_LABELS_V1_1] = "v1.1",
		[PMEMDISK_LABELS_V1_2] = "v1.2",
		[PMEMDISK_LABELS_ERROR] = "error",
	};

	return pmemdisk_name(names, state, "unknown");
}

/* enum pmemdisk_label_method: how a device's label area is reached */
static inline const char *pmemdisk_label_method_name(unsigned int method)
{
	static const char *const names[] = {
		[PMEMDISK_LABEL_METHOD_NONE] = "none",
		[PMEMDISK_LABEL_METHOD_DSM] = "dsm",
		[PMEMDISK_LABEL_METHOD_LSX] = "lsx",
		[PMEMDISK_LABEL_METHOD_SIM] = "simulated",
	};

	return pmemdisk_name(names, method, "unknown");
}

/* enum pmemdisk_region_source */
static inline const char *pmemdisk_source_name(unsigned int source)
{
	static const char *const names[] = {
		[PMEMDISK_SOURCE_NFIT] = "nfit",
		[PMEMDISK_SOURCE_E820] = "e820",
		[PMEMDISK_SOURCE_SIMULATED] = "simulated",
	};

	return pmemdisk_name(names, source, "unknown");
}

#endif /* _UAPI_PMEMDISK_NAMES_H */
