/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pmemctl's access to /dev/pmemdisk-ctl: open it, issue one request, turn
 * a refusal into a sentence.
 */
#ifndef _PMEMCTL_CTL_H
#define _PMEMCTL_CTL_H

#include <stddef.h>
#include <stdint.h>

/* pmemctl exit statuses (documented in pmemctl.8). */
enum pmemctl_exit {
	EXIT_OK = 0,		/* done */
	EXIT_REFUSED = 1,	/* the driver refused or the request failed */
	EXIT_USAGE = 2,		/* bad command line */
	EXIT_NO_MODULE = 3,	/* /dev/pmemdisk-ctl missing: module not loaded */
	EXIT_NO_PERM = 4,	/* not permitted (needs root / CAP_SYS_ADMIN) */
	EXIT_DECLINED = 5,	/* a confirmation was declined or impossible */
};

#define PMEMCTL_DEV "/dev/pmemdisk-ctl"

/* Open the control device; on failure print why and return -exit status. */
int ctl_open(void);

/*
 * Issue @cmd with the request @req (whose first two __u32 words are size and
 * reason). Returns 0, or prints "pmemctl: <what>: <reason>" and returns the
 * exit status to leave with.
 */
int ctl_request(int fd, unsigned long cmd, void *req, const char *what);
/*
 * ctl_request() on the block device @disk ("pmemdisk0"): a refusal because
 * the disk is open names what holds it, when device-mapper does.
 */
int ctl_request_on(int fd, unsigned long cmd, void *req, const char *what,
		   const char *disk);

/*
 * ctl_request_on() for a request that may run long (BTT format, check): on
 * a terminal, "<label>: NN%" is shown on stderr meanwhile and cleared after.
 */
int ctl_request_progress(int fd, unsigned long cmd, void *req, const char *what,
			 const char *disk, const char *label);

/* The sentence for a PMEMDISK_REASON_* code. */
const char *ctl_reason_text(uint32_t reason);

#endif /* _PMEMCTL_CTL_H */
