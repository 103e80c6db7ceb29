/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reference versions of the formats' arithmetic, written out from the
 * facts (libnvdimm-facts.md) rather than borrowed from the code under test,
 * for host tests to compare the portable core against.
 */
#ifndef _PMDISK_HOST_REFERENCE_H
#define _PMDISK_HOST_REFERENCE_H

#include <stddef.h>
#include <stdint.h>

/* Fletcher-64 as nd_fletcher64() computes it, over 32-bit LE words. */
uint64_t ref_fletcher64(const void *p, size_t len);

#endif /* _PMDISK_HOST_REFERENCE_H */
