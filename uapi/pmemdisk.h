/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * pmemdisk ioctl ABI, shared by pmemdisk.ko and pmemctl.
 *
 * All requests go to the misc device /dev/pmemdisk-ctl (mode 0600).
 *
 * Rules every structure here follows:
 *  - fixed-width __u32/__u64 fields only, no implicit padding (each struct
 *    has a static size check at the bottom of this file);
 *  - the first field is @size: userspace sets it to sizeof(the struct it was
 *    built with), so the ABI can grow at the end; the driver refuses a size
 *    it does not know with EINVAL and reason PMEMDISK_REASON_BAD_SIZE;
 *  - reserved fields must be zero on input and are zero on output;
 *  - every reply carries @reason, a PMEMDISK_REASON_* code that says why a request
 *    was refused (0 on success), so a tool can print a sentence, not just an
 *    errno.
 */
#ifndef _UAPI_PMEMDISK_H
#define _UAPI_PMEMDISK_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define PMEMDISK_CTL_NAME	"pmemdisk-ctl"

/*
 * ABI version: the major changes only when an existing request changes
 * meaning; the minor grows when requests or trailing fields are added.
 */
#define PMEMDISK_ABI_MAJOR	1
#define PMEMDISK_ABI_MINOR	0

/* Reason codes: why a request was refused. Keep pmemctl's table in step. */
enum pmemdisk_reason {
	PMEMDISK_REASON_NONE = 0,		/* success */
	PMEMDISK_REASON_BAD_SIZE = 1,	/* @size field is not a size we know */
	PMEMDISK_REASON_RESERVED_NONZERO = 2,/* a reserved field or flag was set */
	PMEMDISK_REASON_MAX
};

/**
 * struct pmemdisk_version - PMEMDISK_IOC_VERSION reply
 * @size:		in: sizeof(struct pmemdisk_version)
 * @reason:		out: PMEMDISK_REASON_*
 * @abi_major:		out: PMEMDISK_ABI_MAJOR of the running module
 * @abi_minor:		out: PMEMDISK_ABI_MINOR of the running module
 * @module_version:	out: NUL-terminated module version string
 * @kernel_release:	out: NUL-terminated release of the running kernel
 * @reserved:		must be zero
 */
struct pmemdisk_version {
	__u32 size;
	__u32 reason;
	__u32 abi_major;
	__u32 abi_minor;
	char module_version[32];
	char kernel_release[64];
	__u64 reserved[4];
};

#define PMEMDISK_IOC_MAGIC	0xD7
#define PMEMDISK_IOC_VERSION	_IOWR(PMEMDISK_IOC_MAGIC, 0x00, struct pmemdisk_version)

#ifndef __KERNEL__
#include <assert.h>
#define __PMDISK_UAPI_ASSERT(c, m) static_assert(c, m)
#else
#include <linux/build_bug.h>
#define __PMDISK_UAPI_ASSERT(c, m) static_assert(c, m)
#endif
__PMDISK_UAPI_ASSERT(sizeof(struct pmemdisk_version) == 144,
		  "struct pmemdisk_version has a hole or changed size");

#endif /* _UAPI_PMEMDISK_H */
