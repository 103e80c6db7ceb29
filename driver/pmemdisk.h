/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pmemdisk: kernel-internal declarations shared by the module's files.
 */
#ifndef _PMEMDISK_H
#define _PMEMDISK_H

#include <linux/types.h>

#include "version.h"

/* ctl.c: /dev/pmemdisk-ctl */
int pmd_ctl_init(void);
void pmd_ctl_exit(void);

#endif /* _PMEMDISK_H */
