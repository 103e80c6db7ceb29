// SPDX-License-Identifier: GPL-2.0
/*
 * The Intel DSM SMART reply, decoded. See smart.h for the layout.
 */
#include "smart.h"

static u32 get_le32(const u8 *p)
{
	__le32 v;

	memcpy(&v, p, sizeof(v));
	return le32_to_cpu(v);
}

int pmdisk_smart_decode(const void *payload, size_t len, struct pmdisk_smart *out)
{
	const u8 *p = payload;
	u32 flags;

	memset(out, 0, sizeof(*out));
	if (len < PMDISK_SMART_OFF_SHUTDOWN_STATE + 1)
		return -EINVAL;
	flags = get_le32(p + PMDISK_SMART_OFF_FLAGS);
	if (flags & PMDISK_SMART_HEALTH_VALID) {
		u8 h = p[PMDISK_SMART_OFF_HEALTH];

		out->health_valid = true;
		out->warning = h & PMDISK_SMART_NON_CRITICAL;
		out->failed = h & (PMDISK_SMART_CRITICAL | PMDISK_SMART_FATAL);
	}
	if (flags & PMDISK_SMART_SHUTDOWN_COUNT_VALID) {
		out->shutdown_count_valid = true;
		out->shutdown_count = get_le32(p + PMDISK_SMART_OFF_SHUTDOWN_COUNT);
	}
	if (flags & PMDISK_SMART_SHUTDOWN_STATE_VALID) {
		out->shutdown_state_valid = true;
		out->last_shutdown_dirty = p[PMDISK_SMART_OFF_SHUTDOWN_STATE] != 0;
	}
	return 0;
}
