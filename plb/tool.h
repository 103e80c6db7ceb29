/* SPDX-License-Identifier: GPL-2.0 */
/* What plb-crashtest and plb-bench share: parsing numbers, the clock. */
#ifndef _PLB_TOOL_H
#define _PLB_TOOL_H

#include <stdint.h>

/* "512", "64K", "16M", "1G" (binary); 0 on success, -1 if not a size. */
int parse_size(const char *s, uint64_t *out);
/* A decimal number; 0 on success, -1 if not one. */
int parse_u64(const char *s, uint64_t *out);
/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t now_ns(void);

#endif /* _PLB_TOOL_H */
