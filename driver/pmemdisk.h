/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pmemdisk: kernel-internal declarations shared by the module's files.
 */
#ifndef _PMEMDISK_H
#define _PMEMDISK_H

#include <linux/types.h>

#include "version.h"

/* ctl.c: /dev/pmemdisk-ctl */
int pmdisk_ctl_init(void);
void pmdisk_ctl_exit(void);

#endif /* _PMEMDISK_H */
