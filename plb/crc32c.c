// SPDX-License-Identifier: GPL-2.0
/*
 * CRC32C for plb: a byte-at-a-time table (built once) and the SSE4.2
 * instruction, chosen once by CPUID.
 */
#include <cpuid.h>
#include <pthread.h>
#include <string.h>

#include "crc32c.h"
#include "plb.h"

#define CRC32C_POLY 0x82f63b78U	/* reflected Castagnoli */

static uint32_t table[256];
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

static void table_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (c & 1 ? CRC32C_POLY : 0);
		table[i] = c;
	}
}

uint32_t crc32c_table(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	pthread_once(&table_once, table_init);
	crc = ~crc;
	while (len--)
		crc = (crc >> 8) ^ table[(crc ^ *p++) & 0xff];
	return ~crc;
}

__attribute__((target("sse4.2")))
uint32_t crc32c_sse42(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint64_t c = ~crc;

	for (; len && ((uintptr_t)p & 7); len--)
		c = __builtin_ia32_crc32qi((uint32_t)c, *p++);
	for (; len >= 8; len -= 8, p += 8) {
		uint64_t v;

		memcpy(&v, p, 8);
		c = __builtin_ia32_crc32di(c, v);
	}
	for (; len; len--)
		c = __builtin_ia32_crc32qi((uint32_t)c, *p++);
	return ~(uint32_t)c;
}

bool crc32c_have_sse42(void)
{
	unsigned int a, b, c, d;

	return __get_cpuid(1, &a, &b, &c, &d) && (c & bit_SSE4_2);
}

static uint32_t (*crc32c_best)(uint32_t, const void *, size_t);
static pthread_once_t best_once = PTHREAD_ONCE_INIT;

static void best_init(void)
{
	crc32c_best = crc32c_have_sse42() ? crc32c_sse42 : crc32c_table;
}

uint32_t plb_crc32c(uint32_t crc, const void *buf, size_t len)
{
	pthread_once(&best_once, best_init);
	return crc32c_best(crc, buf, len);
}
