// SPDX-License-Identifier: GPL-2.0
/*
 * In-guest tests of the provisioning requests: every malformed or
 * impossible request is refused with the right errno and reason and changes
 * nothing; only CAP_SYS_ADMIN may change anything; a dry run places without
 * creating; remove is refused while the disk is open.
 *
 * Needs pmemdisk.ko loaded with sim=64M (region0, dimm0) and, for the
 * labelled region, dimm0's labels initialised (v1.2) and no disks.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "uapi/pmemdisk.h"

static unsigned int count_disks(int fd)
{
	struct pmemdisk_list req = {
		.size = sizeof(req), .entry_size = sizeof(struct pmemdisk_disk_info),
	};

	return ioctl(fd, PMEMDISK_IOC_LIST_DISKS, &req) ? ~0U : req.total;
}

static void create_req(struct pmemdisk_create *c, __u64 size)
{
	memset(c, 0, sizeof(*c));
	c->size = sizeof(*c);
	c->region = 0;
	c->disk_size = size;
	c->sector_size = 512;
}

FIXTURE(admin) {
	int fd;
};

FIXTURE_SETUP(admin)
{
	self->fd = open("/dev/pmemdisk-ctl", O_RDWR);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, count_disks(self->fd));
}

FIXTURE_TEARDOWN(admin)
{
	close(self->fd);
}

#define EXPECT_REFUSED(req, cmd, err, why) do {				\
	EXPECT_EQ(-1, ioctl(self->fd, cmd, &(req)));			\
	EXPECT_EQ(err, errno);						\
	EXPECT_EQ(why, (req).reason);					\
	EXPECT_EQ(0, count_disks(self->fd));				\
} while (0)

TEST_F(admin, malformed_creates_are_refused_and_change_nothing)
{
	struct pmemdisk_create c;

	create_req(&c, 8 << 20);
	c.reserved[2] = 1;
	EXPECT_REFUSED(c, PMEMDISK_IOC_CREATE, EINVAL, PMEMDISK_REASON_RESERVED_NONZERO);
	create_req(&c, 8 << 20);
	c.flags = 1 << 7;
	EXPECT_REFUSED(c, PMEMDISK_IOC_CREATE, EINVAL, PMEMDISK_REASON_RESERVED_NONZERO);
	create_req(&c, 0);
	EXPECT_REFUSED(c, PMEMDISK_IOC_CREATE, EINVAL, PMEMDISK_REASON_BAD_DISK_SIZE);
	create_req(&c, (8 << 20) + 100);	/* not whole sectors */
	EXPECT_REFUSED(c, PMEMDISK_IOC_CREATE, EINVAL, PMEMDISK_REASON_BAD_DISK_SIZE);
	create_req(&c, (8 << 20) + 512);
	c.sector_size = 4096;			/* whole 512s, not whole 4Ks */
	EXPECT_REFUSED(c, PMEMDISK_IOC_CREATE, EINVAL, PMEMDISK_REASON_BAD_DISK_SIZE);
	create_req(&c, 8 << 20);
	c.sector_size = 1024;
	EXPECT_REFUSED(c, PMEMDISK_IOC_CREATE, EINVAL, PMEMDISK_REASON_BAD_SECTOR_SIZE);
	create_req(&c, 8 << 20);
	memset(c.name, 'x', sizeof(c.name));	/* no NUL */
	EXPECT_REFUSED(c, PMEMDISK_IOC_CREATE, EINVAL, PMEMDISK_REASON_BAD_NAME);
	create_req(&c, 8 << 20);
	c.flags = PMEMDISK_CREATE_BTT;
	c.sector_size = 520;	/* a BTT checks it like any disk */
	EXPECT_REFUSED(c, PMEMDISK_IOC_CREATE, EINVAL, PMEMDISK_REASON_BAD_SECTOR_SIZE);
	create_req(&c, (__u64)1 << 50);
	c.flags = PMEMDISK_CREATE_BTT;
	EXPECT_REFUSED(c, PMEMDISK_IOC_CREATE, ENOSPC, PMEMDISK_REASON_NO_SPACE);
	create_req(&c, 8 << 20);
	c.region = 77;
	EXPECT_REFUSED(c, PMEMDISK_IOC_CREATE, ENOENT, PMEMDISK_REASON_UNKNOWN_REGION);
	create_req(&c, 8 << 20);
	c.size = sizeof(c) + 8;
	EXPECT_REFUSED(c, PMEMDISK_IOC_CREATE, EINVAL, PMEMDISK_REASON_BAD_SIZE);
}

TEST_F(admin, oversize_create_reports_the_largest_extent)
{
	struct pmemdisk_create c;

	create_req(&c, 1ULL << 40);
	EXPECT_REFUSED(c, PMEMDISK_IOC_CREATE, ENOSPC, PMEMDISK_REASON_NO_SPACE);
	EXPECT_EQ(64 << 20, c.max_extent);
	create_req(&c, ~511ULL);	/* rounding up would overflow */
	EXPECT_REFUSED(c, PMEMDISK_IOC_CREATE, ENOSPC, PMEMDISK_REASON_NO_SPACE);
}

TEST_F(admin, dry_run_places_without_creating)
{
	struct pmemdisk_create c;

	create_req(&c, (5 << 20) + 512);
	c.flags = PMEMDISK_CREATE_DRY_RUN;
	ASSERT_EQ(0, ioctl(self->fd, PMEMDISK_IOC_CREATE, &c));
	EXPECT_EQ(6 << 20, c.actual_size);	/* rounded up to 2 MiB */
	EXPECT_EQ(0, c.offset);
	EXPECT_EQ(64 << 20, c.max_extent);
	EXPECT_EQ(0, count_disks(self->fd));
}

TEST_F(admin, create_then_remove_while_open_then_remove)
{
	struct pmemdisk_create c;
	struct pmemdisk_create dup;
	struct pmemdisk_remove r = { .size = sizeof(r) };
	int disk;
	char path[32];

	create_req(&c, 8 << 20);
	strcpy(c.name, "admin-test");
	ASSERT_EQ(0, ioctl(self->fd, PMEMDISK_IOC_CREATE, &c));
	EXPECT_EQ(1, count_disks(self->fd));
	EXPECT_NE(0, c.uuid[0] | c.uuid[6] | c.uuid[15]);	/* a random uuid was set */

	dup = c;
	dup.flags = 0;
	dup.reason = 0;
	EXPECT_EQ(-1, ioctl(self->fd, PMEMDISK_IOC_CREATE, &dup));
	EXPECT_EQ(EEXIST, errno);
	EXPECT_EQ(PMEMDISK_REASON_DUPLICATE_UUID, dup.reason);

	snprintf(path, sizeof(path), "/dev/pmemdisk%u", c.number);
	disk = open(path, O_RDONLY);
	ASSERT_LE(0, disk);
	r.number = c.number;
	EXPECT_EQ(-1, ioctl(self->fd, PMEMDISK_IOC_REMOVE, &r));
	EXPECT_EQ(EBUSY, errno);
	EXPECT_EQ(PMEMDISK_REASON_DISK_OPEN, r.reason);
	EXPECT_EQ(1, count_disks(self->fd));
	close(disk);

	memset(&r, 0, sizeof(r));
	r.size = sizeof(r);
	r.number = c.number;
	r.flags = 2;
	EXPECT_EQ(-1, ioctl(self->fd, PMEMDISK_IOC_REMOVE, &r));
	EXPECT_EQ(PMEMDISK_REASON_RESERVED_NONZERO, r.reason);
	r.flags = 0;
	r.reason = 0;
	ASSERT_EQ(0, ioctl(self->fd, PMEMDISK_IOC_REMOVE, &r));
	EXPECT_EQ(0, count_disks(self->fd));
	EXPECT_EQ(-1, ioctl(self->fd, PMEMDISK_IOC_REMOVE, &r));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(PMEMDISK_REASON_UNKNOWN_DISK, r.reason);
}

TEST_F(admin, bad_init_labels_are_refused)
{
	struct pmemdisk_init_labels l = { .size = sizeof(l), .device = 0, .version = 0x0103 };

	EXPECT_REFUSED(l, PMEMDISK_IOC_INIT_LABELS, EINVAL, PMEMDISK_REASON_BAD_LABEL_VERSION);
	l.version = PMEMDISK_LABEL_VERSION_1_2;
	l.device = 99;
	l.reason = 0;
	EXPECT_REFUSED(l, PMEMDISK_IOC_INIT_LABELS, ENOENT, PMEMDISK_REASON_UNKNOWN_DEVICE);
	l.device = 0;
	l.reserved[0] = 1;
	l.reason = 0;
	EXPECT_REFUSED(l, PMEMDISK_IOC_INIT_LABELS, EINVAL, PMEMDISK_REASON_RESERVED_NONZERO);
}

/* A caller without CAP_SYS_ADMIN, holding an open fd, may list but not change. */
TEST_F(admin, unprivileged_caller_cannot_change_anything)
{
	pid_t pid = fork();
	int status;

	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct pmemdisk_create c;
		struct pmemdisk_remove r = { .size = sizeof(r) };
		struct pmemdisk_init_labels l = {
			.size = sizeof(l), .version = PMEMDISK_LABEL_VERSION_1_2,
		};

		if (setgid(65534) || setuid(65534))
			_exit(10);
		create_req(&c, 8 << 20);
		if (ioctl(self->fd, PMEMDISK_IOC_CREATE, &c) != -1 || errno != EPERM)
			_exit(11);
		if (ioctl(self->fd, PMEMDISK_IOC_REMOVE, &r) != -1 || errno != EPERM)
			_exit(12);
		if (ioctl(self->fd, PMEMDISK_IOC_INIT_LABELS, &l) != -1 || errno != EPERM)
			_exit(13);
		_exit(count_disks(self->fd) == 0 ? 0 : 14);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ(0, count_disks(self->fd));
}

TEST_HARNESS_MAIN
