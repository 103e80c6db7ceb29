// SPDX-License-Identifier: GPL-2.0
/*
 * In-guest tests of PMEMDISK_IOC_PROGRESS: while a check of a large BTT
 * disk runs in one thread, another polls the progress and sees it advance
 * within bounds; afterwards no operation is reported; a malformed request is
 * refused. Needs the number of a closed BTT disk of a gigabyte or so in
 * PMD_BTT_DISK (a check of it takes long enough to be watched).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "uapi/pmemdisk.h"

struct checker {
	int fd;
	struct pmemdisk_check req;
	int rc;
	volatile int done;
};

static void *run_check(void *arg)
{
	struct checker *c = arg;

	c->rc = ioctl(c->fd, PMEMDISK_IOC_CHECK, &c->req);
	__atomic_store_n(&c->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static int progress(int fd, struct pmemdisk_progress *p)
{
	memset(p, 0, sizeof(*p));
	p->size = sizeof(*p);
	return ioctl(fd, PMEMDISK_IOC_PROGRESS, p);
}

TEST(a_running_check_reports_progress_that_only_grows_within_its_total)
{
	const char *disk = getenv("PMD_BTT_DISK");
	struct pmemdisk_progress p;
	struct checker c = { 0 };
	unsigned long seen = 0;
	__u64 last_done = 0, total = 0;
	pthread_t thread;

	ASSERT_NE(NULL, disk);
	c.fd = open("/dev/pmemdisk-ctl", O_RDWR);
	ASSERT_LE(0, c.fd);
	ASSERT_EQ(0, progress(c.fd, &p));
	EXPECT_EQ(0, p.total);		/* nothing runs yet */
	c.req.size = sizeof(c.req);
	c.req.number = atoi(disk);
	ASSERT_EQ(0, pthread_create(&thread, NULL, run_check, &c));
	while (!__atomic_load_n(&c.done, __ATOMIC_ACQUIRE)) {
		ASSERT_EQ(0, progress(c.fd, &p));
		if (p.total) {
			EXPECT_LE(p.done, p.total);
			if (p.total == total)
				EXPECT_LE(last_done, p.done);
			total = p.total;
			last_done = p.done;
			seen++;
		}
		usleep(100);
	}
	pthread_join(thread, NULL);
	ASSERT_EQ(0, c.rc);
	EXPECT_EQ(1, c.req.consistent);
	TH_LOG("%lu progress samples, last %llu of %llu", seen,
	       (unsigned long long)last_done, (unsigned long long)total);
	EXPECT_LT(0, seen);
	ASSERT_EQ(0, progress(c.fd, &p));
	EXPECT_EQ(0, p.total);		/* over: nothing reported */
	close(c.fd);
}

TEST(a_progress_request_with_reserved_bits_is_refused)
{
	struct pmemdisk_progress p;
	int fd = open("/dev/pmemdisk-ctl", O_RDWR);

	ASSERT_LE(0, fd);
	memset(&p, 0, sizeof(p));
	p.size = sizeof(p);
	p.reserved[1] = 1;
	EXPECT_EQ(-1, ioctl(fd, PMEMDISK_IOC_PROGRESS, &p));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(PMEMDISK_REASON_RESERVED_NONZERO, p.reason);
	p.reserved[1] = 0;
	p.size = sizeof(p) - 8;
	EXPECT_EQ(-1, ioctl(fd, PMEMDISK_IOC_PROGRESS, &p));
	EXPECT_EQ(PMEMDISK_REASON_BAD_SIZE, p.reason);
	close(fd);
}

TEST_HARNESS_MAIN
