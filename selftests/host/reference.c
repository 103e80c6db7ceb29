// SPDX-License-Identifier: GPL-2.0
/*
 * Reference arithmetic for host tests (reference.h).
 */
#include "reference.h"

uint64_t ref_fletcher64(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint32_t lo = 0;
	uint64_t hi = 0;
	size_t i;

	for (i = 0; i + 4 <= len; i += 4) {
		lo += (uint32_t)b[i] | (uint32_t)b[i + 1] << 8 |
		      (uint32_t)b[i + 2] << 16 | (uint32_t)b[i + 3] << 24;
		hi += lo;
	}
	return hi << 32 | lo;
}
