// SPDX-License-Identifier: GPL-2.0
/*
 * pmemctl: talking to /dev/pmemdisk-ctl. See ctl.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "ctl.h"
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

int ctl_request(int fd, unsigned long cmd, void *req, const char *what)
{
	uint32_t *head = req;

	if (ioctl(fd, cmd, req) == 0)
		return EXIT_OK;
	if (errno == EPERM || errno == EACCES) {
		fprintf(stderr, "pmemctl: %s: not permitted (needs root)\n", what);
		return EXIT_NO_PERM;
	}
	if (head[1] != PMEMDISK_REASON_NONE)
		fprintf(stderr, "pmemctl: %s: %s (%s)\n", what,
			ctl_reason_text(head[1]), strerror(errno));
	else
		fprintf(stderr, "pmemctl: %s: %s\n", what, strerror(errno));
	return EXIT_REFUSED;
}
