/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pmemdisk: kernel-internal declarations shared by the module's files.
 */
#ifndef _PMEMDISK_H
#define _PMEMDISK_H

#include <linux/mutex.h>
#include <linux/types.h>

#include "version.h"

/*
 * Locks, in the order they nest:
 *  - pmdisk_ctl_lock (ctl.c): every change (create, remove, reset-id,
 *    convert, check, init-labels; read-labels too) runs under it, one at a
 *    time, however long it takes: BTT format and check, firmware label I/O.
 *    Module load makes the first disks under it.
 *  - pmdisk_regions_lock (region.c): what listing reads of regions and
 *    DIMMs (namespace extents, label state and slot counts). A change
 *    holds it only while it stores those, never across I/O; listing holds
 *    it alone, so it never waits behind a change's long work.
 *  - pmdisk_disks_lock (disk.c): the disk list.
 *  - pmdisk_dstate_lock (dirty_shutdown.c), the dirty-shutdown records'
 *    lock, which disk_numbers.c takes too: the reboot notifier takes it,
 *    and the disk list, but nothing above.
 * So a state that listing reads is written with pmdisk_ctl_lock and
 * pmdisk_regions_lock held, and read with either.
 */
extern struct mutex pmdisk_ctl_lock;

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
