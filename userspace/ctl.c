// SPDX-License-Identifier: GPL-2.0
/*
 * pmemctl: talking to /dev/pmemdisk-ctl. See ctl.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "ctl.h"
#include "holders.h"
#include "../uapi/pmemdisk.h"

static const char *const reason_text[PMEMDISK_REASON_MAX] = {
	[PMEMDISK_REASON_NONE] = "no error",
	[PMEMDISK_REASON_BAD_SIZE] =
		"the request's size field does not match this module "
		"(pmemctl and pmemdisk.ko are from different releases)",
	[PMEMDISK_REASON_RESERVED_NONZERO] =
		"a reserved field or unknown flag was set",
	[PMEMDISK_REASON_BAD_ENTRY_SIZE] =
		"the list entry size does not match this module "
		"(pmemctl and pmemdisk.ko are from different releases)",
	[PMEMDISK_REASON_UNKNOWN_REGION] = "no such region",
	[PMEMDISK_REASON_UNKNOWN_DISK] = "no such disk",
	[PMEMDISK_REASON_UNKNOWN_DEVICE] = "no such device",
	[PMEMDISK_REASON_LABEL_LESS] =
		"the region has no labels: it is one disk spanning the region; "
		"run 'pmemctl init-labels' on its devices to subdivide it",
	[PMEMDISK_REASON_LABELS_INCONSISTENT] =
		"the devices of the region disagree on labels; "
		"run 'pmemctl init-labels' on all of them",
	[PMEMDISK_REASON_NO_LABEL_AREA] =
		"the device has no (usable) label storage area",
	[PMEMDISK_REASON_LABELS_READONLY] =
		"the firmware offers no way to write labels on this device",
	[PMEMDISK_REASON_READONLY] =
		"the region is read-only (a device is not armed)",
	[PMEMDISK_REASON_BAD_DISK_SIZE] = "the size must be a whole number of sectors, greater than zero",
	[PMEMDISK_REASON_NO_SPACE] = "no free extent is that large",
	[PMEMDISK_REASON_BAD_SECTOR_SIZE] = "the sector size must be 512 or 4096",
	[PMEMDISK_REASON_BAD_NAME] = "the name is longer than 63 bytes",
	[PMEMDISK_REASON_DUPLICATE_UUID] = "a disk with that uuid exists",
	[PMEMDISK_REASON_BTT_UNSUPPORTED] = "a BTT cannot be made here",
	[PMEMDISK_REASON_DISK_OPEN] = "the disk is open or mounted",
	[PMEMDISK_REASON_NO_LABEL_SLOT] = "a device's label area is full",
	[PMEMDISK_REASON_BAD_LABEL_VERSION] = "the label version must be 1.1 or 1.2",
	[PMEMDISK_REASON_LABEL_IO] = "reading or writing the labels failed",
	[PMEMDISK_REASON_TOO_MANY_DISKS] =
		"the region has as many namespaces as pmemdisk can track",
	[PMEMDISK_REASON_INTERRUPTED] =
		"interrupted by a signal (a create changed nothing; a converted disk is left raw)",
	[PMEMDISK_REASON_MEDIA_IO] = "reading or writing the disk's media failed",
	[PMEMDISK_REASON_NOT_BTT] = "the disk is not a BTT disk",
	[PMEMDISK_REASON_TOO_SMALL_FOR_BTT] =
		"the disk is too small for a BTT (its namespace needs 16 MiB)",
	[PMEMDISK_REASON_BAD_ATOMICITY] = "the atomicity must be none (raw) or btt",
	[PMEMDISK_REASON_BAD_MODE] =
		"the mode, map or alignment is unknown or does not fit the mode (fsdax maps 2M pages; devdax 4K, 2M or 1G)",
	[PMEMDISK_REASON_DAX_UNSUPPORTED] =
		"the region cannot hold DAX disks: it is simulated (RAM), not physical pmem",
	[PMEMDISK_REASON_DAX_DISK] =
		"not possible on an fsdax or devdax disk: remove it and create it anew",
	[PMEMDISK_REASON_NO_MEMORY] = "the kernel had no memory for it",
	[PMEMDISK_REASON_DISK_SETUP] =
		"the disk's block or character device could not be made (the kernel log says why)",
};

const char *ctl_reason_text(uint32_t reason)
{
	if (reason < PMEMDISK_REASON_MAX && reason_text[reason])
		return reason_text[reason];
	return "unknown reason (pmemctl is older than pmemdisk.ko)";
}

int ctl_open(void)
{
	int fd = open(PMEMCTL_DEV, O_RDWR | O_CLOEXEC);

	if (fd >= 0)
		return fd;
	if (errno == ENOENT || errno == ENXIO || errno == ENODEV) {
		fprintf(stderr, "pmemctl: %s: %s (is pmemdisk.ko loaded?)\n",
			PMEMCTL_DEV, strerror(errno));
		return -EXIT_NO_MODULE;
	}
	fprintf(stderr, "pmemctl: %s: %s%s\n", PMEMCTL_DEV, strerror(errno),
		errno == EACCES || errno == EPERM ? " (run as root)" : "");
	return errno == EACCES || errno == EPERM ? -EXIT_NO_PERM : -EXIT_REFUSED;
}

/*
 * "the disk is open or mounted" says nothing an admin can act on when the
 * kernel itself holds the disk for device-mapper (a dm-writecache cache, an
 * LVM physical volume): name the holders then.
 */
static void print_busy(const char *what, const char *disk, int err)
{
	char *holders = disk ? disk_holders_text(disk) : NULL;

	if (holders)
		fprintf(stderr, "pmemctl: %s: the disk is held by device-mapper: %s; "
			"remove that first (%s)\n", what, holders, strerror(err));
	else
		fprintf(stderr, "pmemctl: %s: %s (%s)\n", what,
			ctl_reason_text(PMEMDISK_REASON_DISK_OPEN), strerror(err));
	free(holders);
}

int ctl_request_on(int fd, unsigned long cmd, void *req, const char *what,
		   const char *disk)
{
	uint32_t *head = req;

	if (ioctl(fd, cmd, req) == 0)
		return EXIT_OK;
	if (errno == EPERM || errno == EACCES) {
		fprintf(stderr, "pmemctl: %s: not permitted (needs root)\n", what);
		return EXIT_NO_PERM;
	}
	if (head[1] == PMEMDISK_REASON_DISK_OPEN)
		print_busy(what, disk, errno);
	else if (head[1] != PMEMDISK_REASON_NONE)
		fprintf(stderr, "pmemctl: %s: %s (%s)\n", what,
			ctl_reason_text(head[1]), strerror(errno));
	else
		fprintf(stderr, "pmemctl: %s: %s\n", what, strerror(errno));
	return EXIT_REFUSED;
}

int ctl_request(int fd, unsigned long cmd, void *req, const char *what)
{
	return ctl_request_on(fd, cmd, req, what, NULL);
}

/* ---- progress of a long request -------------------------------------- */

struct progress {
	int fd;
	const char *label;
	pthread_mutex_t lock;
	pthread_cond_t done_cond;
	bool done;
	bool shown;
};

/*
 * Poll PMEMDISK_IOC_PROGRESS until the request ends: every 20 ms until the
 * operation reports a total (a check first takes its disk offline, which
 * reports nothing, and its scan may then be over within a quarter of a
 * second), then four times a second.
 */
static void *progress_thread(void *arg)
{
	struct progress *p = arg;
	struct timespec until;
	long wait_ms;

	pthread_mutex_lock(&p->lock);
	while (!p->done) {
		struct pmemdisk_progress q = { .size = sizeof(q) };

		clock_gettime(CLOCK_REALTIME, &until);
		wait_ms = p->shown ? 250 : 20;
		until.tv_nsec += wait_ms * 1000 * 1000;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		if (pthread_cond_timedwait(&p->done_cond, &p->lock, &until) == 0 || p->done)
			break;
		if (ioctl(p->fd, PMEMDISK_IOC_PROGRESS, &q) || !q.total)
			continue;
		fprintf(stderr, "\r%s: %3llu%%", p->label,
			(unsigned long long)(q.done * 100 / q.total));
		p->shown = true;
	}
	if (p->shown)
		fprintf(stderr, "\r%*s\r", (int)strlen(p->label) + 6, "");
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

int ctl_request_progress(int fd, unsigned long cmd, void *req, const char *what,
			 const char *disk, const char *label)
{
	struct progress p = {
		.fd = fd, .label = label,
		.lock = PTHREAD_MUTEX_INITIALIZER, .done_cond = PTHREAD_COND_INITIALIZER,
	};
	pthread_t thread;
	bool threaded;
	int rc;

	threaded = isatty(STDERR_FILENO) &&
		   !pthread_create(&thread, NULL, progress_thread, &p);
	rc = ctl_request_on(fd, cmd, req, what, disk);
	if (threaded) {
		pthread_mutex_lock(&p.lock);
		p.done = true;
		pthread_cond_signal(&p.done_cond);
		pthread_mutex_unlock(&p.lock);
		pthread_join(thread, NULL);
	}
	return rc;
}
