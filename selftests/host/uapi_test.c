// SPDX-License-Identifier: GPL-2.0
/*
 * The ioctl ABI as userspace compiles it (uapi/pmemdisk.h): every structure
 * has the size the driver checks at build time (driver/ctl.c), ends in its
 * last field (no tail padding, so growing at the end moves nothing), and
 * every command is a read-write request of pmemdisk's type with its own
 * number, carrying the size of its structure. The header itself includes
 * only <linux/ioctl.h> and <linux/types.h>: no libc header such as
 * <assert.h> may leak into the programs that include it.
 */
#include "uapi/pmemdisk.h"

#ifdef assert
#define UAPI_PULLS_IN_ASSERT_H 1
#else
#define UAPI_PULLS_IN_ASSERT_H 0
#endif

#include <stddef.h>

#include "kselftest_harness.h"

#define END_OF(type, last) (offsetof(type, last) + sizeof(((type *)0)->last))

TEST(uapi_header_includes_no_libc_header)
{
	EXPECT_EQ(0, UAPI_PULLS_IN_ASSERT_H);
}

TEST(uapi_structures_have_their_sizes_and_no_tail_padding)
{
	static const struct {
		const char *name;
		size_t size, want, end;
	} s[] = {
#define S(type, want, last) { #type, sizeof(struct type), want, END_OF(struct type, last) }
		S(pmemdisk_version, 144, reserved),
		S(pmemdisk_list, 48, reserved),
		S(pmemdisk_dimm_info, 88, reserved),
		S(pmemdisk_region_info, 264, reserved),
		S(pmemdisk_disk_info, 136, reserved),
		S(pmemdisk_create, 168, reserved),
		S(pmemdisk_remove, 48, reserved),
		S(pmemdisk_init_labels, 56, reserved),
		S(pmemdisk_reset_id, 64, reserved),
		S(pmemdisk_read_labels, 48, reserved),
		S(pmemdisk_check, 104, reserved),
		S(pmemdisk_convert, 64, reserved),
		S(pmemdisk_progress, 40, reserved),
#undef S
	};
	unsigned int i;

	for (i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
		EXPECT_EQ(s[i].want, s[i].size) TH_LOG("struct %s", s[i].name);
		EXPECT_EQ(s[i].size, s[i].end) TH_LOG("struct %s", s[i].name);
	}
}

TEST(uapi_commands_are_read_write_with_their_sizes_and_distinct_numbers)
{
	static const struct {
		unsigned long cmd;
		size_t size;
	} c[] = {
		{ PMEMDISK_IOC_VERSION, sizeof(struct pmemdisk_version) },
		{ PMEMDISK_IOC_LIST_DIMMS, sizeof(struct pmemdisk_list) },
		{ PMEMDISK_IOC_LIST_REGIONS, sizeof(struct pmemdisk_list) },
		{ PMEMDISK_IOC_LIST_DISKS, sizeof(struct pmemdisk_list) },
		{ PMEMDISK_IOC_READ_LABELS, sizeof(struct pmemdisk_read_labels) },
		{ PMEMDISK_IOC_PROGRESS, sizeof(struct pmemdisk_progress) },
		{ PMEMDISK_IOC_CREATE, sizeof(struct pmemdisk_create) },
		{ PMEMDISK_IOC_REMOVE, sizeof(struct pmemdisk_remove) },
		{ PMEMDISK_IOC_INIT_LABELS, sizeof(struct pmemdisk_init_labels) },
		{ PMEMDISK_IOC_RESET_ID, sizeof(struct pmemdisk_reset_id) },
		{ PMEMDISK_IOC_CHECK, sizeof(struct pmemdisk_check) },
		{ PMEMDISK_IOC_CONVERT, sizeof(struct pmemdisk_convert) },
	};
	const unsigned int n = sizeof(c) / sizeof(c[0]);
	unsigned int i, j;

	for (i = 0; i < n; i++) {
		EXPECT_EQ(_IOC_READ | _IOC_WRITE, _IOC_DIR(c[i].cmd)) TH_LOG("0x%lx", c[i].cmd);
		EXPECT_EQ(PMEMDISK_IOC_MAGIC, _IOC_TYPE(c[i].cmd));
		EXPECT_EQ(c[i].size, _IOC_SIZE(c[i].cmd));
		for (j = i + 1; j < n; j++)
			EXPECT_NE(_IOC_NR(c[i].cmd), _IOC_NR(c[j].cmd));
	}
}

TEST_HARNESS_MAIN
