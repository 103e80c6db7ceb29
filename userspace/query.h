/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pmemctl's queries: everything the module lists, fetched in one go, and
 * the words used for its enumerations in tables and JSON.
 */
#ifndef _PMEMCTL_QUERY_H
#define _PMEMCTL_QUERY_H

#include <stddef.h>

#include "../uapi/pmemdisk.h"
#include "../uapi/pmemdisk_names.h"

struct pmem_state {
	struct pmemdisk_dimm_info *dimms;
	struct pmemdisk_region_info *regions;
	struct pmemdisk_disk_info *disks;
	unsigned int nr_dimms, nr_regions, nr_disks;
};

/* Fetch devices, regions and disks; returns 0 or a pmemctl exit status. */
int query_state(int fd, struct pmem_state *st);
/* Open the control device and fetch the state; on failure nothing is left
 * open and the exit status is returned. */
int open_state(int *fd, struct pmem_state *st);
/*
 * open_state(), then the disk @arg names (see find_disk()) in *@d. On
 * failure, says why as "pmemctl @cmd: ..." and returns the exit status,
 * with nothing left open.
 */
int open_disk(const char *cmd, const char *arg, int *fd, struct pmem_state *st,
	      const struct pmemdisk_disk_info **d);
void query_free(struct pmem_state *st);

const struct pmemdisk_region_info *state_region(const struct pmem_state *st,
						 unsigned int id);
const struct pmemdisk_dimm_info *state_dimm(const struct pmem_state *st,
					    unsigned int id);
/*
 * The NUMA node @r's memory is on (its target node), or -1: unknown, or a
 * module older than ABI 1.4 that does not say.
 */
int region_node(const struct pmemdisk_region_info *r);
/* Worst health of the devices under a disk. */
unsigned int disk_health(const struct pmem_state *st,
			 const struct pmemdisk_disk_info *d);

/*
 * What is wrong with a device (or, for a disk, with any of its devices),
 * as words: "ok" when nothing is. Returns how many of at most @max.
 */
#define MAX_STATUS_WORDS 8
unsigned int dimm_status(const struct pmemdisk_dimm_info *d, const char **words,
			 unsigned int max);
unsigned int disk_status(const struct pmem_state *st, const struct pmemdisk_disk_info *d,
			 const char **words, unsigned int max);
/* The words joined with ", ", in a string to free(). */
char *join_words(const char **words, unsigned int n);
/*
 * The platform's unsafe shutdown count of a disk: the sum over its devices,
 * when every one of them reports it. False when any does not.
 */
int disk_platform_usc(const struct pmem_state *st, const struct pmemdisk_disk_info *d,
		      unsigned long long *count);

/* "node 0 socket 0 imc 0 channel 0 dimm 1" from an NFIT device handle */
void format_location(char *buf, size_t len, unsigned int handle);

#endif /* _PMEMCTL_QUERY_H */
