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
/* Copy a request in (zeroed first); a wrong size word is refused there. */
int pmdisk_ctl_copy_in(void *req, size_t req_size, void __user *arg);
/* Reply to a refused request with its size and a reason; returns @err. */
int pmdisk_ctl_refuse(void __user *arg, u32 size, u32 reason, int err);

/* ctl_list.c: the PMEMDISK_IOC_LIST_* requests */
long pmdisk_ctl_list(unsigned int cmd, void __user *arg);

/* admin.c: provisioning requests */
long pmdisk_ctl_create(void __user *arg);
long pmdisk_ctl_remove(void __user *arg);
long pmdisk_ctl_init_labels(void __user *arg);
long pmdisk_ctl_reset_id(void __user *arg);
long pmdisk_ctl_read_labels(void __user *arg);
long pmdisk_ctl_check(void __user *arg);
long pmdisk_ctl_convert(void __user *arg);

#endif /* _PMEMDISK_H */
