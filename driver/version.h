/* SPDX-License-Identifier: GPL-2.0 */
/* The release of pmemdisk, shared by pmemdisk.ko and pmemctl. */
#ifndef _PMEMDISK_VERSION_H
#define _PMEMDISK_VERSION_H

#define PMEMDISK_VERSION "0.1.0"

#endif
