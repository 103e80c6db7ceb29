/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The portable core's only window on its environment.
 *
 * Files under driver/core/ build unchanged into pmemdisk.ko and into the host
 * test programs. They include this header and nothing else from outside
 * driver/core/: in the kernel it maps onto kernel headers, on the host onto
 * libc, and the core sees the same names in both.
 */
#ifndef _PMD_CORE_COMPAT_H
#define _PMD_CORE_COMPAT_H

#ifdef __KERNEL__

#include <linux/types.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/build_bug.h>
#include <asm/byteorder.h>

#else /* host */

#include <assert.h>
#include <endian.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int64_t s64;
typedef uint16_t __le16;
typedef uint32_t __le32;
typedef uint64_t __le64;

#define le16_to_cpu(x) le16toh(x)
#define le32_to_cpu(x) le32toh(x)
#define le64_to_cpu(x) le64toh(x)
#define cpu_to_le16(x) htole16(x)
#define cpu_to_le32(x) htole32(x)
#define cpu_to_le64(x) htole64(x)

#ifndef min
#define min(a, b) ((a) < (b) ? (a) : (b))
#define max(a, b) ((a) > (b) ? (a) : (b))
#endif
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

#endif /* __KERNEL__ */

#define PMD_SZ_4K	4096ULL
#define PMD_SZ_2M	(2ULL << 20)

#endif /* _PMD_CORE_COMPAT_H */
