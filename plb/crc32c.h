/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CRC32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of
 * plb's records and headers. plb_crc32c() (plb.h) uses the SSE4.2 crc32
 * instruction when the CPU has it, else the table; both are here so the
 * tests can compare them.
 */
#ifndef _PLB_CRC32C_H
#define _PLB_CRC32C_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* @crc is a previous result (0 to start): chained calls equal one call. */
uint32_t crc32c_table(uint32_t crc, const void *buf, size_t len);
uint32_t crc32c_sse42(uint32_t crc, const void *buf, size_t len);
bool crc32c_have_sse42(void);

#endif /* _PLB_CRC32C_H */
