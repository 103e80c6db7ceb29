// SPDX-License-Identifier: GPL-2.0
/*
 * In-guest tests of the listing requests (PMEMDISK_IOC_LIST_*): counts,
 * partial fills, refusals with reasons, and no kernel bytes in the reply.
 *
 * Needs pmemdisk.ko loaded with sim=32M,2x16M and no other regions: two
 * regions, three DIMMs, two disks.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "uapi/pmemdisk.h"

FIXTURE(list) {
	int fd;
};

FIXTURE_SETUP(list)
{
	self->fd = open("/dev/pmemdisk-ctl", O_RDWR);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(list)
{
	close(self->fd);
}

static int list(int fd, unsigned long cmd, void *buf, unsigned int cap,
		unsigned int entry_size, struct pmemdisk_list *req)
{
	memset(req, 0, sizeof(*req));
	req->size = sizeof(*req);
	req->capacity = cap;
	req->entries = (unsigned long)buf;
	req->entry_size = entry_size;
	return ioctl(fd, cmd, req);
}

TEST_F(list, counting_needs_no_buffer)
{
	struct pmemdisk_list req;

	ASSERT_EQ(0, list(self->fd, PMEMDISK_IOC_LIST_DIMMS, NULL, 0,
			  sizeof(struct pmemdisk_dimm_info), &req));
	EXPECT_EQ(3, req.total);
	ASSERT_EQ(0, list(self->fd, PMEMDISK_IOC_LIST_REGIONS, NULL, 0,
			  sizeof(struct pmemdisk_region_info), &req));
	EXPECT_EQ(2, req.total);
	ASSERT_EQ(0, list(self->fd, PMEMDISK_IOC_LIST_DISKS, NULL, 0,
			  sizeof(struct pmemdisk_disk_info), &req));
	EXPECT_EQ(2, req.total);
}

TEST_F(list, regions_describe_the_simulated_sets)
{
	struct pmemdisk_region_info r[4];
	struct pmemdisk_list req;

	ASSERT_EQ(0, list(self->fd, PMEMDISK_IOC_LIST_REGIONS, r, 4, sizeof(r[0]), &req));
	ASSERT_EQ(2, req.total);
	EXPECT_EQ(32 << 20, r[0].size);
	EXPECT_EQ(1, r[0].interleave_ways);
	EXPECT_EQ(0, r[0].dimms[0]);
	EXPECT_EQ(PMEMDISK_SOURCE_SIMULATED, r[0].source);
	EXPECT_EQ(PMEMDISK_PERSIST_VOLATILE, r[0].persistence);
	EXPECT_EQ(PMEMDISK_LABELS_ABSENT, r[0].label_state);
	EXPECT_EQ(0, r[0].available_size);	/* label-less: one disk spans it */
	EXPECT_EQ(1, r[0].nr_disks);
	EXPECT_EQ(32 << 20, r[1].size);
	EXPECT_EQ(2, r[1].interleave_ways);
	EXPECT_EQ(1, r[1].dimms[0]);
	EXPECT_EQ(2, r[1].dimms[1]);
}

/* Capacity 1 of 2: one entry written, the rest of the buffer untouched. */
TEST_F(list, partial_fill_writes_only_capacity_and_no_stale_bytes)
{
	struct pmemdisk_disk_info d[2];
	struct pmemdisk_list req;
	unsigned char *p = (unsigned char *)&d[1];
	size_t i;

	memset(d, 0xa5, sizeof(d));
	ASSERT_EQ(0, list(self->fd, PMEMDISK_IOC_LIST_DISKS, d, 1, sizeof(d[0]), &req));
	EXPECT_EQ(2, req.total);
	EXPECT_EQ(0, d[0].number);
	EXPECT_EQ(32 << 20, d[0].size);
	EXPECT_EQ(512, d[0].sector_size);
	EXPECT_EQ(0, d[0].has_uuid);
	/* name, padding and reserved of the written entry are zero */
	EXPECT_EQ(NULL, memchr(d[0].name, 0xa5, sizeof(d[0].name)));
	EXPECT_EQ(NULL, memchr(d[0].reserved1, 0xa5, sizeof(d[0].reserved1)));
	EXPECT_EQ(0, d[0].reserved[0]);
	/* a raw disk: mode raw, no map, no DAX alignment */
	EXPECT_EQ(PMEMDISK_MODE_RAW, d[0].mode);
	EXPECT_EQ(0, d[0].map | d[0].dax_align);
	/* a label-less disk has no record: its dirty-shutdown count is unknown */
	EXPECT_EQ(0, d[0].dirty_shutdowns_known);
	EXPECT_EQ(0, d[0].dirty_shutdowns);
	for (i = 0; i < sizeof(d[1]); i++)
		ASSERT_EQ(0xa5, p[i]);
}

TEST_F(list, open_disk_cannot_be_removed)
{
	struct pmemdisk_disk_info d[2];
	struct pmemdisk_list req;
	int disk = open("/dev/pmemdisk1", O_RDONLY);

	ASSERT_LE(0, disk);
	ASSERT_EQ(0, list(self->fd, PMEMDISK_IOC_LIST_DISKS, d, 2, sizeof(d[0]), &req));
	EXPECT_EQ(0, d[0].open);
	EXPECT_EQ(1, d[1].open);
	close(disk);
	ASSERT_EQ(0, list(self->fd, PMEMDISK_IOC_LIST_DISKS, d, 2, sizeof(d[0]), &req));
	EXPECT_EQ(0, d[1].open);
}

TEST_F(list, wrong_entry_size_is_refused_with_reason)
{
	struct pmemdisk_dimm_info dimms[4];
	struct pmemdisk_list req;

	memset(dimms, 0xa5, sizeof(dimms));
	EXPECT_EQ(-1, list(self->fd, PMEMDISK_IOC_LIST_DIMMS, dimms, 4,
			   sizeof(dimms[0]) - 8, &req));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(PMEMDISK_REASON_BAD_ENTRY_SIZE, req.reason);
	EXPECT_EQ(0xa5a5a5a5, dimms[0].id);	/* nothing written */
}

TEST_F(list, reserved_fields_set_are_refused)
{
	struct pmemdisk_list req;

	memset(&req, 0, sizeof(req));
	req.size = sizeof(req);
	req.entry_size = sizeof(struct pmemdisk_disk_info);
	req.reserved[1] = 1;
	EXPECT_EQ(-1, ioctl(self->fd, PMEMDISK_IOC_LIST_DISKS, &req));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(PMEMDISK_REASON_RESERVED_NONZERO, req.reason);
}

TEST_F(list, unmapped_entries_pointer_is_efault)
{
	struct pmemdisk_list req;

	EXPECT_EQ(-1, list(self->fd, PMEMDISK_IOC_LIST_DISKS, (void *)4096, 2,
			   sizeof(struct pmemdisk_disk_info), &req));
	EXPECT_EQ(EFAULT, errno);
}

TEST_HARNESS_MAIN
