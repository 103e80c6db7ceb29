// SPDX-License-Identifier: GPL-2.0
/*
 * Memory failure on DAX disks (selftests/vm/180-dax.sh), with the kernel's
 * own poison injection: madvise(MADV_HWPOISON) on one page of a mapping.
 * For each DAX disk kind, the process that maps the page gets SIGBUS
 * (BUS_MCEERR_AR) at that page's address, the page is not mapped again (a
 * second access is a SIGBUS too), the disk's badblocks lists its sectors,
 * and its neighbours and another disk still read and write.
 *
 * The environment names what to map; a variable not set skips its case:
 *   POISON_DEVDAX_4K  a devdax disk aligned 4 KiB (/dev/pmemdax<N>), at
 *   POISON_DEVDAX_2M  one aligned 2 MiB (the neighbour: the next 2 MiB)
 *                     16 MiB into the disk
 *   POISON_EXT4       a file of at least 16 KiB on ext4 mounted -o dax
 *                     (the generic handler: ext4 holds no dax_device)
 *   POISON_XFS        one on xfs with rmapbt, mounted -o dax (XFS finds
 *                     the file through dax_holder_notify_failure())
 *   POISON_OTHER      a file of at least 4 KiB on another disk's -o dax
 *                     filesystem: it must keep working
 * Needs root (madvise(MADV_HWPOISON) needs CAP_SYS_ADMIN).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "kselftest_harness.h"

#ifndef MADV_HWPOISON
#define MADV_HWPOISON	100
#endif

#define PAGE		4096UL
#define DEVDAX_OFFSET	(16UL << 20)

/*
 * The last SIGBUS: what the kernel said of it. (Read only after the
 * sigsetjmp() its handler jumps to has returned: no compiler keeps them
 * in registers across that call.)
 */
static sigjmp_buf bus_jmp;
static int bus_code;
static void *bus_addr;
static int bus_lsb;

static void on_sigbus(int sig, siginfo_t *si, void *ucontext)
{
	bus_code = si->si_code;
	bus_addr = si->si_addr;
	bus_lsb = si->si_addr_lsb;
	siglongjmp(bus_jmp, 1);
}

static const char *bus_code_name(int code)
{
	switch (code) {
	case BUS_MCEERR_AR:	return "BUS_MCEERR_AR";
	case BUS_MCEERR_AO:	return "BUS_MCEERR_AO";
	case BUS_ADRERR:	return "BUS_ADRERR";
	default:		return "other";
	}
}

/* madvise(MADV_HWPOISON) of the page at @p: true when it raised SIGBUS. */
static bool inject(void *p, int *rc, int *err)
{
	*rc = 0;
	*err = 0;
	if (sigsetjmp(bus_jmp, 1))
		return true;
	*rc = madvise(p, PAGE, MADV_HWPOISON);
	*err = errno;
	return false;
}

/* Load the word at @p into *@v: true when the load raised SIGBUS. */
static bool load(uint64_t *p, uint64_t *v)
{
	if (sigsetjmp(bus_jmp, 1))
		return true;
	*v = __atomic_load_n(p, __ATOMIC_RELAXED);	/* a real load */
	return false;
}

/* The word every 8 bytes at @off of a mapping holds, for @seed. */
static uint64_t pattern(uint64_t seed, size_t off)
{
	return (seed * 0x9e3779b97f4a7c15ULL) ^ off;
}

static void fill(void *map, size_t len, uint64_t seed)
{
	uint64_t *w = map;
	size_t i;

	for (i = 0; i < len / 8; i++)
		w[i] = pattern(seed, i * 8);
}

/* How many words of [@off, @off + @len) of @map differ from @seed's pattern. */
static size_t differ(const void *map, size_t off, size_t len, uint64_t seed)
{
	const uint64_t *w = map;
	size_t i, bad = 0;

	for (i = off / 8; i < (off + len) / 8; i++)
		bad += w[i] != pattern(seed, i * 8);
	return bad;
}

/* The first line of a sysfs file, without its newline; "" when unreadable. */
static void read_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");

	buf[0] = 0;
	if (f && fgets(buf, size, f))
		buf[strcspn(buf, "\n")] = 0;
	if (f)
		fclose(f);
}

/*
 * Does the badblocks file @path list every sector of [@sector, @sector +
 * @count)? Its lines are "SECTOR COUNT"; *@text gets them, joined.
 */
static bool badblocks_cover(const char *path, uint64_t sector, uint64_t count,
			    char *text, size_t size)
{
	unsigned long long s, n;
	bool covered = false;
	char line[128];
	FILE *f = fopen(path, "r");

	text[0] = 0;
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llu %llu", &s, &n) != 2)
			continue;
		snprintf(text + strlen(text), size - strlen(text), "%s%llu %llu",
			 text[0] ? ", " : "", s, n);
		if (s <= sector && s + n >= sector + count)
			covered = true;
	}
	fclose(f);
	return covered;
}

/* The byte offset on its block device of byte @off of the file @fd. */
static int64_t file_physical(int fd, uint64_t off)
{
	struct {
		struct fiemap map;
		struct fiemap_extent extent;
	} fm = {
		.map.fm_start = off,
		.map.fm_length = PAGE,
		.map.fm_flags = FIEMAP_FLAG_SYNC,
		.map.fm_extent_count = 1,
	};

	if (ioctl(fd, FS_IOC_FIEMAP, &fm.map) || fm.map.fm_mapped_extents != 1 ||
	    fm.extent.fe_logical > off)
		return -1;
	return fm.extent.fe_physical + (off - fm.extent.fe_logical);
}

FIXTURE(poison) {
	const char *path;
	int fd;
	bool devdax;
	size_t unit;		/* what one fault maps */
	off_t off;		/* of the mapping, in the file or disk */
	size_t len;
	char *map;
	char badblocks[128];	/* the disk's badblocks file */
};

FIXTURE_VARIANT(poison) {
	const char *env;
};

FIXTURE_VARIANT_ADD(poison, devdax_4k) { .env = "POISON_DEVDAX_4K" };
FIXTURE_VARIANT_ADD(poison, devdax_2m) { .env = "POISON_DEVDAX_2M" };
FIXTURE_VARIANT_ADD(poison, fsdax_ext4) { .env = "POISON_EXT4" };
FIXTURE_VARIANT_ADD(poison, fsdax_xfs) { .env = "POISON_XFS" };

FIXTURE_SETUP(poison)
{
	char name[64], align[32];
	struct stat st;

	self->map = MAP_FAILED;
	self->fd = -1;
	self->path = getenv(variant->env);
	if (!self->path || !*self->path)
		SKIP(return, "%s is not set", variant->env);
	self->fd = open(self->path, O_RDWR);
	ASSERT_LE(0, self->fd) TH_LOG("open %s: %s", self->path, strerror(errno));
	ASSERT_EQ(0, fstat(self->fd, &st));
	self->devdax = S_ISCHR(st.st_mode);
	if (self->devdax) {
		snprintf(name, sizeof(name), "%s", self->path);
		snprintf(self->badblocks, sizeof(self->badblocks),
			 "/sys/class/misc/%s/badblocks", basename(name));
		snprintf(name, sizeof(name), "%s", self->path);
		snprintf(align, sizeof(align), "/sys/class/misc/%s/align", basename(name));
		read_line(align, name, sizeof(name));
		self->unit = strtoul(name, NULL, 0);
		ASSERT_LE(PAGE, self->unit) TH_LOG("%s: %s", align, name);
		self->off = DEVDAX_OFFSET;
	} else {
		snprintf(self->badblocks, sizeof(self->badblocks),
			 "/sys/dev/block/%u:%u/badblocks", major(st.st_dev),
			 minor(st.st_dev));
		self->unit = PAGE;
		self->off = 0;
	}
	/* two units, or four pages: the poisoned page's neighbours are in it */
	self->len = 2 * (self->unit > 2 * PAGE ? self->unit : 2 * PAGE);
	self->map = mmap(NULL, self->len, PROT_READ | PROT_WRITE, MAP_SHARED,
			 self->fd, self->off);
	ASSERT_NE(MAP_FAILED, self->map) TH_LOG("mmap %s: %s", self->path, strerror(errno));
}

FIXTURE_TEARDOWN(poison)
{
	if (self->map != MAP_FAILED)
		munmap(self->map, self->len);
	if (self->fd >= 0)
		close(self->fd);
}

/* Map @path's first page, store a pattern, read it back: 0 when equal. */
static size_t other_disk_works(const char *path, uint64_t seed)
{
	int fd = open(path, O_RDWR);
	size_t bad;
	void *p;

	if (fd < 0)
		return SIZE_MAX;
	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return SIZE_MAX;
	fill(p, PAGE, seed);
	bad = differ(p, 0, PAGE, seed);
	munmap(p, PAGE);
	return bad;
}

TEST_F(poison, mapper_gets_sigbus_at_the_page_disk_lists_it_rest_works)
{
	/* page 1 fails; the neighbour is the next unit's first page, or page 2 */
	char *victim = self->map + PAGE;
	size_t neighbour = self->unit > PAGE ? self->unit : 2 * PAGE;
	uint64_t seed = getpid(), v, sector;
	const char *other = getenv("POISON_OTHER");
	struct sigaction sa = {
		.sa_sigaction = on_sigbus,
		.sa_flags = SA_SIGINFO,
	};
	char listed[512];
	bool signalled;
	int rc, err;

	ASSERT_EQ(0, sigaction(SIGBUS, &sa, NULL));
	/* every page mapped and written: the fault gave them their mapping */
	fill(self->map, self->len, seed);

	bus_code = 0;
	bus_addr = NULL;
	signalled = inject(victim, &rc, &err);
	ASSERT_TRUE(signalled)
		TH_LOG("%s: madvise(MADV_HWPOISON) returned %d (%s), and no SIGBUS",
		       self->path, rc, rc ? strerror(err) : "no error");
	TH_LOG("%s: SIGBUS %s at %p (the page: %p), lsb %d", self->path,
	       bus_code_name(bus_code), bus_addr, victim, bus_lsb);
	EXPECT_EQ(BUS_MCEERR_AR, bus_code);
	EXPECT_EQ(victim, bus_addr);

	/* it is not mapped again: the next access fails too */
	bus_addr = NULL;
	EXPECT_TRUE(load((uint64_t *)victim, &v))
		TH_LOG("the poisoned page read again: %#llx", (unsigned long long)v);
	EXPECT_EQ(victim, bus_addr);

	/*
	 * Its neighbours keep their bytes and take new ones: the pages either
	 * side when one fault maps a page; else the next unit (the whole
	 * unit with the page is not mapped again).
	 */
	if (self->unit == PAGE)
		EXPECT_EQ(0, differ(self->map, 0, PAGE, seed));
	EXPECT_EQ(0, differ(self->map, neighbour, PAGE, seed));
	fill(self->map + neighbour, PAGE, seed + 1);
	EXPECT_EQ(0, differ(self->map + neighbour, 0, PAGE, seed + 1));

	/* the disk's badblocks lists the page's 8 sectors */
	if (self->devdax) {
		sector = (self->off + PAGE) / 512;
	} else {
		int64_t phys = file_physical(self->fd, self->off + PAGE);

		ASSERT_LE(0, phys) TH_LOG("FIEMAP of %s: %s", self->path, strerror(errno));
		sector = phys / 512;
	}
	EXPECT_TRUE(badblocks_cover(self->badblocks, sector, PAGE / 512, listed,
				    sizeof(listed)))
		TH_LOG("%s lists \"%s\", not %llu %lu", self->badblocks, listed,
		       (unsigned long long)sector, PAGE / 512);
	TH_LOG("%s: %s", self->badblocks, listed);

	/* and another disk is not touched */
	if (other && *other)
		EXPECT_EQ(0, other_disk_works(other, seed + 2)) TH_LOG("%s", other);
}

TEST_HARNESS_MAIN
