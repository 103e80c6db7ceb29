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

/*
 * The handlers of its requests. Each gets the request copied in, its size
 * and reserved words checked, and returns a PMEMDISK_REASON_* (0: done, the
 * reply is in place), or a negative errno when there is no reply to give.
 */
/* ctl_list.c: the PMEMDISK_IOC_LIST_* requests */
long pmdisk_ctl_list_dimms(void *req);
long pmdisk_ctl_list_regions(void *req);
long pmdisk_ctl_list_disks(void *req);

/* admin.c: provisioning requests (serialised by ctl.c) */
long pmdisk_ctl_create(void *req);
long pmdisk_ctl_remove(void *req);
long pmdisk_ctl_init_labels(void *req);
long pmdisk_ctl_reset_id(void *req);
long pmdisk_ctl_read_labels(void *req);
long pmdisk_ctl_check(void *req);
long pmdisk_ctl_convert(void *req);

#endif /* _PMEMDISK_H */
