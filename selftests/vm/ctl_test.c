// SPDX-License-Identifier: GPL-2.0
/*
 * In-guest tests of /dev/pmemdisk-ctl's common request handling, mostly
 * through the version request: the reply is complete and zero-padded, a wrong
 * size or a set reserved word is refused with the matching reason and errno,
 * unknown requests and bad pointers fail cleanly, and only root may open the
 * device. The ABI grows at the end of each structure: a request as an older
 * tool (shorter) or a newer one (longer, its tail zero) sends it is served,
 * the size coming from the command number; a longer one whose tail is not
 * zero is refused with E2BIG and PMEMDISK_REASON_BAD_SIZE.
 *
 * Needs pmemdisk.ko loaded.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
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

/* Request @ioc as a caller whose structure is @size bytes long. */
#define SIZED(ioc, size) _IOC(_IOC_READ | _IOC_WRITE, PMEMDISK_IOC_MAGIC, \
			      _IOC_NR(ioc), (size))

/* How many of @n bytes at @p differ from @c. */
static size_t bytes_not(const void *p, int c, size_t n)
{
	const unsigned char *b = p;
	size_t i, diff = 0;

	for (i = 0; i < n; i++)
		diff += b[i] != c;
	return diff;
}

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
	/* a known number, but not a read-write request */
	EXPECT_EQ(-1, ioctl(self->fd, _IOR(PMEMDISK_IOC_MAGIC, 0x00,
					    struct pmemdisk_version), &v));
	EXPECT_EQ(ENOTTY, errno);
}

TEST_F(ctl, older_shorter_version_request_is_answered_up_to_its_size)
{
	/* a tool built before the reserved words were added */
	const size_t old = offsetof(struct pmemdisk_version, reserved);
	unsigned char buf[sizeof(struct pmemdisk_version) + 16];
	struct pmemdisk_version *v = (void *)buf;
	struct utsname u;

	memset(buf, 0xa5, sizeof(buf));	/* what the kernel must not touch */
	memset(buf, 0, old);
	v->size = old;
	ASSERT_EQ(0, ioctl(self->fd, SIZED(PMEMDISK_IOC_VERSION, old), buf))
		TH_LOG("%s", strerror(errno));
	ASSERT_EQ(0, uname(&u));
	EXPECT_EQ(PMEMDISK_REASON_NONE, v->reason);
	/* the reply's size word is the size the module knows */
	EXPECT_EQ(sizeof(struct pmemdisk_version), v->size);
	EXPECT_EQ(PMEMDISK_ABI_MAJOR, v->abi_major);
	EXPECT_EQ(PMEMDISK_ABI_MINOR, v->abi_minor);
	EXPECT_STREQ(u.release, v->kernel_release);
	EXPECT_EQ(0, bytes_not(buf + old, 0xa5, sizeof(buf) - old));
}

/* A version request as a tool with two more words at its end sends it. */
struct grown_version {
	struct pmemdisk_version v;
	__u64 extra[2];
};

TEST_F(ctl, grown_version_request_with_zero_tail_is_answered)
{
	struct grown_version g;

	memset(&g, 0, sizeof(g));
	g.v.size = sizeof(g);
	ASSERT_EQ(0, ioctl(self->fd, SIZED(PMEMDISK_IOC_VERSION, sizeof(g)), &g))
		TH_LOG("%s", strerror(errno));
	EXPECT_EQ(PMEMDISK_REASON_NONE, g.v.reason);
	/* shorter than the caller's: the words past it were not understood */
	EXPECT_EQ(sizeof(struct pmemdisk_version), g.v.size);
	EXPECT_EQ(PMEMDISK_ABI_MAJOR, g.v.abi_major);
	EXPECT_STREQ("0.1.0", g.v.module_version);
	EXPECT_EQ(0, g.extra[0] | g.extra[1]);
}

TEST_F(ctl, grown_version_request_with_nonzero_tail_is_e2big_with_reason)
{
	struct grown_version g;

	memset(&g, 0, sizeof(g));
	g.v.size = sizeof(g);
	g.extra[1] = 1;		/* a field this module does not know is set */
	ASSERT_EQ(-1, ioctl(self->fd, SIZED(PMEMDISK_IOC_VERSION, sizeof(g)), &g));
	EXPECT_EQ(E2BIG, errno);
	EXPECT_EQ(PMEMDISK_REASON_BAD_SIZE, g.v.reason);
	EXPECT_EQ(sizeof(struct pmemdisk_version), g.v.size);
	EXPECT_EQ(0, g.v.abi_major);	/* nothing but the header came back */
	EXPECT_EQ(1, g.extra[1]);
}

TEST_F(ctl, size_word_must_match_the_commands_size)
{
	struct grown_version g;

	memset(&g, 0, sizeof(g));
	g.v.size = sizeof(g.v);	/* but the command says sizeof(g) */
	ASSERT_EQ(-1, ioctl(self->fd, SIZED(PMEMDISK_IOC_VERSION, sizeof(g)), &g));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(PMEMDISK_REASON_BAD_SIZE, g.v.reason);
	EXPECT_EQ(0, g.v.abi_major);
}

TEST_F(ctl, request_without_room_for_its_reason_is_einval)
{
	__u32 w[2] = { 4, 0xa5a5a5a5 };

	ASSERT_EQ(-1, ioctl(self->fd, SIZED(PMEMDISK_IOC_VERSION, 4), w));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0xa5a5a5a5, w[1]);	/* untouched */
}

/*
 * A changing request in the three sizes reaches its handler: removing a disk
 * that does not exist is refused for that reason, not as an unknown command.
 */
TEST_F(ctl, remove_request_of_any_known_length_reaches_its_handler)
{
	struct {
		struct pmemdisk_remove r;
		__u64 extra;
	} g;
	const size_t old = offsetof(struct pmemdisk_remove, reserved);
	const size_t sizes[] = { old, sizeof(g.r), sizeof(g) };
	unsigned int i;

	for (i = 0; i < 3; i++) {
		memset(&g, 0, sizeof(g));
		g.r.size = sizes[i];
		g.r.number = 999;
		EXPECT_EQ(-1, ioctl(self->fd, SIZED(PMEMDISK_IOC_REMOVE, sizes[i]), &g));
		EXPECT_EQ(ENOENT, errno) TH_LOG("size %zu", sizes[i]);
		EXPECT_EQ(PMEMDISK_REASON_UNKNOWN_DISK, g.r.reason);
	}
	memset(&g, 0, sizeof(g));
	g.r.size = sizeof(g);
	g.r.number = 999;
	g.extra = 1;
	EXPECT_EQ(-1, ioctl(self->fd, SIZED(PMEMDISK_IOC_REMOVE, sizeof(g)), &g));
	EXPECT_EQ(E2BIG, errno);
	EXPECT_EQ(PMEMDISK_REASON_BAD_SIZE, g.r.reason);
}

/* A grown list request counts what the current one counts. */
TEST_F(ctl, grown_list_request_lists_the_same)
{
	struct pmemdisk_region_info e[4];
	struct pmemdisk_list l = {
		.size = sizeof(l), .capacity = 4,
		.entries = (uintptr_t)e, .entry_size = sizeof(e[0]),
	};
	struct {
		struct pmemdisk_list l;
		__u64 extra[3];
	} g;

	ASSERT_EQ(0, ioctl(self->fd, PMEMDISK_IOC_LIST_REGIONS, &l));
	ASSERT_LT(0, l.total);
	memset(&g, 0, sizeof(g));
	g.l = l;
	g.l.size = sizeof(g);
	g.l.total = 0;
	ASSERT_EQ(0, ioctl(self->fd, SIZED(PMEMDISK_IOC_LIST_REGIONS, sizeof(g)), &g))
		TH_LOG("%s", strerror(errno));
	EXPECT_EQ(l.total, g.l.total);
	EXPECT_EQ(sizeof(struct pmemdisk_list), g.l.size);
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
