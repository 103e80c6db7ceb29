// SPDX-License-Identifier: GPL-2.0
/*
 * In-guest tests of /dev/pmemdisk-ctl's common request handling, through the
 * version request: the reply is complete and zero-padded, a wrong size or a
 * set reserved word is refused with the matching reason and errno, unknown
 * requests and bad pointers fail cleanly, and only root may open the device.
 *
 * Needs pmemdisk.ko loaded.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "uapi/pmemdisk.h"

#define CTL "/dev/pmemdisk-ctl"

FIXTURE(ctl) {
	int fd;
};

FIXTURE_SETUP(ctl)
{
	self->fd = open(CTL, O_RDWR);
	ASSERT_LE(0, self->fd) TH_LOG("open %s: %s", CTL, strerror(errno));
}

FIXTURE_TEARDOWN(ctl)
{
	close(self->fd);
}

TEST(ctl_device_is_root_only_char_device)
{
	struct stat st;

	ASSERT_EQ(0, stat(CTL, &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(0600, st.st_mode & 07777);
	EXPECT_EQ(0, st.st_uid);
}

TEST_F(ctl, version_reply_is_complete_and_zero_padded)
{
	struct pmemdisk_version v;
	struct utsname u;

	memset(&v, 0xa5, sizeof(v));	/* pattern: anything left is a leak */
	v.size = sizeof(v);
	memset(v.reserved, 0, sizeof(v.reserved));
	ASSERT_EQ(0, ioctl(self->fd, PMEMDISK_IOC_VERSION, &v));
	ASSERT_EQ(0, uname(&u));
	EXPECT_EQ(sizeof(v), v.size);
	EXPECT_EQ(PMEMDISK_REASON_NONE, v.reason);
	EXPECT_EQ(PMEMDISK_ABI_MAJOR, v.abi_major);
	EXPECT_EQ(PMEMDISK_ABI_MINOR, v.abi_minor);
	EXPECT_STREQ("0.1.0", v.module_version);
	EXPECT_STREQ(u.release, v.kernel_release);
	/* every byte after each string's NUL is zero, as are reserved words */
	EXPECT_EQ(NULL, memchr(v.module_version + strlen(v.module_version),
			       0xa5, sizeof(v.module_version) - strlen(v.module_version)));
	EXPECT_EQ(NULL, memchr(v.kernel_release + strlen(v.kernel_release),
			       0xa5, sizeof(v.kernel_release) - strlen(v.kernel_release)));
	EXPECT_EQ(0, v.reserved[0] | v.reserved[1] | v.reserved[2] | v.reserved[3]);
}

TEST_F(ctl, wrong_size_is_refused_with_reason)
{
	struct pmemdisk_version v;

	memset(&v, 0, sizeof(v));
	v.size = sizeof(v) - 8;
	ASSERT_EQ(-1, ioctl(self->fd, PMEMDISK_IOC_VERSION, &v));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(PMEMDISK_REASON_BAD_SIZE, v.reason);
	EXPECT_EQ(0, v.abi_major);	/* nothing but the header came back */
}

TEST_F(ctl, reserved_field_set_is_refused_with_reason)
{
	struct pmemdisk_version v;

	memset(&v, 0, sizeof(v));
	v.size = sizeof(v);
	v.reserved[3] = 1;
	ASSERT_EQ(-1, ioctl(self->fd, PMEMDISK_IOC_VERSION, &v));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(PMEMDISK_REASON_RESERVED_NONZERO, v.reason);
	EXPECT_EQ(0, v.abi_major);
}

TEST_F(ctl, unknown_request_is_enotty)
{
	struct pmemdisk_version v = { .size = sizeof(v) };

	EXPECT_EQ(-1, ioctl(self->fd, _IOWR(PMEMDISK_IOC_MAGIC, 0x7f,
					     struct pmemdisk_version), &v));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(self->fd, _IO('x', 1), 0));
	EXPECT_EQ(ENOTTY, errno);
}

TEST_F(ctl, bad_user_pointers_are_efault)
{
	void *ro;

	EXPECT_EQ(-1, ioctl(self->fd, PMEMDISK_IOC_VERSION, NULL));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(self->fd, PMEMDISK_IOC_VERSION, (void *)16));
	EXPECT_EQ(EFAULT, errno);
	/* readable but not writable: the reply cannot be copied back */
	ro = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, ro);
	((struct pmemdisk_version *)ro)->size = sizeof(struct pmemdisk_version);
	ASSERT_EQ(0, mprotect(ro, 4096, PROT_READ));
	EXPECT_EQ(-1, ioctl(self->fd, PMEMDISK_IOC_VERSION, ro));
	EXPECT_EQ(EFAULT, errno);
	munmap(ro, 4096);
}

TEST(unprivileged_user_cannot_open_ctl)
{
	pid_t pid = fork();
	int status;

	ASSERT_LE(0, pid);
	if (pid == 0) {
		int fd;

		if (setgid(65534) || setuid(65534))
			_exit(2);
		fd = open(CTL, O_RDWR);
		_exit(fd < 0 && errno == EACCES ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

TEST_HARNESS_MAIN
