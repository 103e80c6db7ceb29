/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The portable core's only window on its environment.
 *
 * Files under driver/core/ build unchanged into pmemdisk.ko and into the host
 * test programs. They include this header and nothing else from outside
 * driver/core/: in the kernel it maps onto kernel headers, on the host onto
 * libc, and the core sees the same names in both.
 */
#ifndef _PMDISK_CORE_COMPAT_H
#define _PMDISK_CORE_COMPAT_H

#ifdef __KERNEL__

#include <linux/types.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/build_bug.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/stdarg.h>
#include <linux/spinlock.h>
#include <asm/barrier.h>
#include <asm/byteorder.h>
#include <asm/processor.h>

/* A lock held for a few stores: never across anything that sleeps. */
struct pmdisk_lock {
	spinlock_t lock;
};
#define pmdisk_lock_init(l)	spin_lock_init(&(l)->lock)
#define pmdisk_lock(l)		spin_lock(&(l)->lock)
#define pmdisk_unlock(l)	spin_unlock(&(l)->lock)

static inline void *pmdisk_zalloc(size_t size)
{
	return kvzalloc(size, GFP_KERNEL);
}

static inline void pmdisk_free(void *p)
{
	kvfree(p);
}

#else /* host */

#include <assert.h>
#include <endian.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pthread.h>

#include <linux/types.h>	/* __u8..__u64, __le16..__le64, as uapi headers use */

typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;
typedef __s64 s64;

#define __force
#define U32_MAX UINT32_MAX
#define min_t(t, a, b) ((t)(a) < (t)(b) ? (t)(a) : (t)(b))

#define le16_to_cpu(x) le16toh(x)
#define le32_to_cpu(x) le32toh(x)
#define le64_to_cpu(x) le64toh(x)
#define cpu_to_le16(x) htole16(x)
#define cpu_to_le32(x) htole32(x)
#define cpu_to_le64(x) htole64(x)
#define be16_to_cpu(x) be16toh(x)
#define be32_to_cpu(x) be32toh(x)

static inline void *pmdisk_zalloc(size_t size)
{
	return calloc(1, size);
}

static inline void pmdisk_free(void *p)
{
	free(p);
}

/* Locks on pthreads. */
struct pmdisk_lock {
	pthread_mutex_t lock;
};
#define pmdisk_lock_init(l)	pthread_mutex_init(&(l)->lock, NULL)
#define pmdisk_lock(l)		pthread_mutex_lock(&(l)->lock)
#define pmdisk_unlock(l)	pthread_mutex_unlock(&(l)->lock)
/* The kernel's memory-model primitives on C11 atomics (same orderings). */
#define READ_ONCE(x)		__atomic_load_n(&(x), __ATOMIC_RELAXED)
#define WRITE_ONCE(x, v)	__atomic_store_n(&(x), (v), __ATOMIC_RELAXED)
/* acquire load: host stand-in, the pairing is documented at each use */
#define smp_load_acquire(p)	__atomic_load_n(p, __ATOMIC_ACQUIRE)
/* release store: host stand-in, the pairing is documented at each use */
#define smp_store_release(p, v)	__atomic_store_n(p, (v), __ATOMIC_RELEASE)
/* full barrier: host stand-in, the pairing is documented at each use */
#define smp_mb()		__atomic_thread_fence(__ATOMIC_SEQ_CST)
#define cpu_relax()		__builtin_ia32_pause()

#define ALIGN(x, a) (((x) + (a) - 1) / (a) * (a))
#define ALIGN_DOWN(x, a) ((x) / (a) * (a))
#define DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))
/* as <linux/math.h>: any @y, not only powers of two */
#define roundup(x, y) ((((x) + (y) - 1) / (y)) * (y))
#define rounddown(x, y) ((x) - ((x) % (y)))
#define U64_MAX UINT64_MAX

/* The kernel's sort(), on libc's qsort (no swap function needed here). */
static inline void sort(void *base, size_t num, size_t size,
			int (*cmp)(const void *, const void *), void *swap)
{
	qsort(base, num, size, cmp);
}

#ifndef min
#define min(a, b) ((a) < (b) ? (a) : (b))
#define max(a, b) ((a) > (b) ? (a) : (b))
#endif
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

/* as <linux/sizes.h> */
#define SZ_2M		0x00200000

#endif /* __KERNEL__ */

#endif /* _PMDISK_CORE_COMPAT_H */
