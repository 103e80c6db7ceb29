// SPDX-License-Identifier: GPL-2.0
/*
 * In-guest tests of PMEMDISK_IOC_PROGRESS: while a check of a large BTT
 * disk runs in one thread, another polls the progress and sees it advance
 * within bounds; afterwards no operation is reported; a malformed request is
 * refused; pmemctl check, its stderr a terminal, draws the percentage and
 * clears it at the end. And listing does not wait behind the check:
 * pmemctl list, regions and devices answer while it runs. Needs the number of a closed BTT disk of a gigabyte or so in
 * PMD_BTT_DISK (a check of it takes long enough to be watched).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
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

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Whether the check is still running: not returned, progress reported. */
static bool check_running(struct checker *c)
{
	struct pmemdisk_progress p;

	return !__atomic_load_n(&c->done, __ATOMIC_ACQUIRE) &&
	       progress(c->fd, &p) == 0 && p.total && p.done < p.total;
}

/* One listing request with room for 64 entries: 0 or -errno. */
static int list(int fd, unsigned long cmd, size_t entry_size)
{
	static char buf[64 * 4096];
	struct pmemdisk_list l;

	memset(&l, 0, sizeof(l));
	l.size = sizeof(l);
	l.capacity = sizeof(buf) / entry_size;
	l.entry_size = entry_size;
	l.entries = (unsigned long)buf;
	return ioctl(fd, cmd, &l) ? -errno : 0;
}

/*
 * Listing requests made while a check runs must come back while it still
 * runs. Before listing had its own lock, each waited for the check's end,
 * so none came back during it.
 */
TEST(listing_answers_while_a_check_runs)
{
	const char *disk = getenv("PMD_BTT_DISK");
	struct pmemdisk_progress p;
	struct checker c = { 0 };
	unsigned int during = 0, after = 0;
	double t0, t, worst = 0;
	pthread_t thread;

	ASSERT_NE(NULL, disk);
	c.fd = open("/dev/pmemdisk-ctl", O_RDWR);
	ASSERT_LE(0, c.fd);
	c.req.size = sizeof(c.req);
	c.req.number = atoi(disk);
	ASSERT_EQ(0, pthread_create(&thread, NULL, run_check, &c));
	do {	/* until the check is under way */
		ASSERT_EQ(0, progress(c.fd, &p));
	} while (!p.total && !__atomic_load_n(&c.done, __ATOMIC_ACQUIRE));
	while (check_running(&c)) {
		t0 = now_ms();
		ASSERT_EQ(0, list(c.fd, PMEMDISK_IOC_LIST_DISKS, sizeof(struct pmemdisk_disk_info)));
		ASSERT_EQ(0, list(c.fd, PMEMDISK_IOC_LIST_REGIONS,
				  sizeof(struct pmemdisk_region_info)));
		ASSERT_EQ(0, list(c.fd, PMEMDISK_IOC_LIST_DIMMS, sizeof(struct pmemdisk_dimm_info)));
		t = now_ms() - t0;
		worst = t > worst ? t : worst;
		if (check_running(&c))
			during++;
		else
			after++;
	}
	pthread_join(thread, NULL);
	ASSERT_EQ(0, c.rc);
	EXPECT_EQ(1, c.req.consistent);
	TH_LOG("%u rounds of the three listings came back during the check, %u after it; the slowest round took %.1f ms",
	       during, after, worst);
	EXPECT_LT(0, during);
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

/*
 * Run "pmemctl check DISK" with its stderr on a new terminal; what the
 * terminal got goes to @out (NUL-terminated), its length is returned.
 */
static size_t check_on_a_terminal(struct __test_metadata *_metadata, const char *disk,
				  char *out, size_t size)
{
	int master, slave, status;
	size_t len = 0;
	ssize_t n;
	pid_t pid;

	master = posix_openpt(O_RDWR | O_NOCTTY);
	ASSERT_LE(0, master);
	ASSERT_EQ(0, grantpt(master));
	ASSERT_EQ(0, unlockpt(master));
	slave = open(ptsname(master), O_RDWR | O_NOCTTY);
	ASSERT_LE(0, slave);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, STDOUT_FILENO);	/* the report: not what we look at */
		dup2(slave, STDERR_FILENO);
		close(master);
		execlp("pmemctl", "pmemctl", "check", disk, (char *)NULL);
		_exit(127);
	}
	close(slave);
	/* read until the last holder of the terminal's other end is gone */
	while (len < size - 1 && (n = read(master, out + len, size - 1 - len)) > 0)
		len += n;
	out[len] = '\0';
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	close(master);
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	return len;
}

TEST(pmemctl_check_on_a_terminal_draws_the_percentage_and_clears_it)
{
	const char *disk = getenv("PMD_BTT_DISK");
	const char *label = "\rchecking (the disk is offline meanwhile): ";
	char out[16384], *at;
	size_t len;

	ASSERT_NE(NULL, disk);
	/* the scan of this 1 GiB BTT lasts some 100 ms: pmemctl must catch it */
	len = check_on_a_terminal(_metadata, disk, out, sizeof(out));
	at = strstr(out, label);
	ASSERT_NE(NULL, at) TH_LOG("the terminal got %zu bytes, no progress line", len);
	at += strlen(label);
	/* "NNN%": the percentage right-aligned in three columns */
	EXPECT_NE(NULL, strchr(at, '%'));
	EXPECT_TRUE(at[0] == ' ' || (at[0] >= '0' && at[0] <= '9'));
	/* cleared at the end: a carriage return, blanks, a carriage return */
	ASSERT_LT(2, len);
	EXPECT_EQ('\r', out[len - 1]);
	EXPECT_EQ(' ', out[len - 2]);
}

TEST_HARNESS_MAIN
