/* SPDX-License-Identifier: GPL-2.0 */
/* pmemctl: parsing command-line values and confirming destructive actions. */
#ifndef _PMEMCTL_ARGS_H
#define _PMEMCTL_ARGS_H

#include <stdbool.h>

#include "query.h"

/* "64M", "1.5G": binary suffixes K, M, G, T (KiB, KB accepted); 0 on success. */
int parse_size(const char *s, unsigned long long *out);
/* 512 or 4096; 0 on success. */
int parse_sector_size(const char *s, __u32 *sector_size);
/* "<prefix>N" or "N"; 0 on success. */
int parse_id(const char *s, const char *prefix, unsigned int *id);
/* pmemdiskN, N, uuid or name; NULL (with a message if ambiguous) if none. */
const struct pmemdisk_disk_info *find_disk(const struct pmem_state *st,
					   const char *arg);
/* EXIT_OK when confirmed (or @yes), else EXIT_DECLINED with a message. */
int confirm(bool yes, const char *question);

#endif /* _PMEMCTL_ARGS_H */
