// SPDX-License-Identifier: GPL-2.0
/*
 * The names of pmemdisk's enumerations (uapi/pmemdisk_names.h), which the
 * module's sysfs and pmemctl both print: each value has the spelling
 * pmemdisk(4) and pmemctl(8) document, no two values of one enumeration
 * share a name, a value the header does not know gets its fallback rather
 * than a read past the table, and the header needs nothing from libc.
 */
#include "uapi/pmemdisk_names.h"

#ifdef NULL
#define NAMES_PULL_IN_LIBC 1
#else
#define NAMES_PULL_IN_LIBC 0
#endif

#include "kselftest_harness.h"

struct want {
	unsigned int value;
	const char *name;
};

static void expect_names(struct __test_metadata *_metadata,
			 const char *(*name)(unsigned int), const struct want *w,
			 unsigned int n, const char *fallback)
{
	unsigned int i, j;

	for (i = 0; i < n; i++) {
		EXPECT_STREQ(w[i].name, name(w[i].value));
		for (j = 0; j < i; j++)
			EXPECT_STRNE(name(w[j].value), name(w[i].value));
	}
	EXPECT_STREQ(fallback, name(n + 1));
	EXPECT_STREQ(fallback, name(~0U));
}

#define EXPECT_NAMES(fn, fallback, ...) do {					\
	static const struct want w[] = { __VA_ARGS__ };				\
	expect_names(_metadata, fn, w, sizeof(w) / sizeof(w[0]), fallback);	\
} while (0)

TEST(names_header_needs_no_libc)
{
	EXPECT_EQ(0, NAMES_PULL_IN_LIBC);
}

TEST(modes_are_named_as_sysfs_mode_and_create_mode_spell_them)
{
	EXPECT_NAMES(pmemdisk_mode_name, "raw",
		     { PMEMDISK_MODE_RAW, "raw" }, { PMEMDISK_MODE_BTT, "btt" },
		     { PMEMDISK_MODE_FSDAX, "fsdax" }, { PMEMDISK_MODE_DEVDAX, "devdax" });
	/* a create that names no mode makes a raw disk */
	EXPECT_STREQ("raw", pmemdisk_mode_name(PMEMDISK_MODE_DEFAULT));
}

TEST(health_is_healthy_warning_or_unhealthy)
{
	EXPECT_NAMES(pmemdisk_health_name, "unknown",
		     { PMEMDISK_HEALTH_OK, "healthy" },
		     { PMEMDISK_HEALTH_WARNING, "warning" },
		     { PMEMDISK_HEALTH_FAILED, "unhealthy" });
}

TEST(persistence_domains_are_named_as_sysfs_persistence_domain_says)
{
	EXPECT_NAMES(pmemdisk_persistence_name, "unknown",
		     { PMEMDISK_PERSIST_CPU_CACHE, "cpu_cache" },
		     { PMEMDISK_PERSIST_MEMCTRL, "memory_controller" },
		     { PMEMDISK_PERSIST_UNKNOWN, "unknown" },
		     { PMEMDISK_PERSIST_VOLATILE, "volatile" });
}

TEST(label_states_are_none_label_less_v1_1_v1_2_error)
{
	EXPECT_NAMES(pmemdisk_label_state_name, "unknown",
		     { PMEMDISK_LABELS_NONE, "none" },
		     { PMEMDISK_LABELS_ABSENT, "label-less" },
		     { PMEMDISK_LABELS_V1_1, "v1.1" },
		     { PMEMDISK_LABELS_V1_2, "v1.2" },
		     { PMEMDISK_LABELS_ERROR, "error" });
}

TEST(label_methods_and_region_sources_are_named)
{
	EXPECT_NAMES(pmemdisk_label_method_name, "unknown",
		     { PMEMDISK_LABEL_METHOD_NONE, "none" },
		     { PMEMDISK_LABEL_METHOD_DSM, "dsm" },
		     { PMEMDISK_LABEL_METHOD_LSX, "lsx" },
		     { PMEMDISK_LABEL_METHOD_SIM, "simulated" });
	EXPECT_NAMES(pmemdisk_source_name, "unknown",
		     { PMEMDISK_SOURCE_NFIT, "nfit" },
		     { PMEMDISK_SOURCE_E820, "e820" },
		     { PMEMDISK_SOURCE_SIMULATED, "simulated" });
}

TEST_HARNESS_MAIN
