/* SPDX-License-Identifier: GPL-2.0 */
/*
 * NVDIMM namespace labels, as Linux libnvdimm and ndctl write them (the
 * Intel namespace spec v1.1 with 128-byte labels, and UEFI 2.7 v1.2 with
 * 256-byte labels), so each side reads the other's label storage area (LSA).
 *
 * An LSA is two index blocks followed by label slots. Nothing is updated in
 * place: an update writes labels into free slots and then rewrites the
 * *other* index block with the next sequence number, which is the commit
 * point; a torn index fails its checksum and the older one stays current.
 *
 *   0            index_size     2*index_size                          size
 *   +------------+--------------+--------+--------+-----+--------------+
 *   |  index 0   |   index 1    | slot 0 | slot 1 | ... | slot nslot-1 |
 *   +------------+--------------+--------+--------+-----+--------------+
 *
 * Part of the portable core: builds into pmemdisk.ko and into host tests.
 */
#ifndef _PMDISK_CORE_LABEL_H
#define _PMDISK_CORE_LABEL_H

#include "media.h"

/*
 * Index block: a 72-byte header and a free-slot bitmap (bit set = slot
 * free, little-endian bit order), padded to index_size, a multiple of 256.
 *
 *   0        16    19 20  24     32     40       48       56    60  62  64       72
 *   +--------+-----+--+---+------+------+--------+--------+-----+---+---+--------+--------...
 *   |  sig   |flags|ls|seq|myoff |mysize|otheroff|labeloff|nslot|maj|min|checksum| free[]
 *   +--------+-----+--+---+------+------+--------+--------+-----+---+---+--------+--------...
 *
 * ls (labelsize) is label_size >> 8 for v1.2 (0: 128 B, 1: 256 B). The
 * checksum is Fletcher-64 over all index_size bytes with the field zeroed.
 */
struct pmdisk_nsindex {
	u8 sig[16];
	u8 flags[3];
	u8 labelsize;
	__le32 seq;
	__le64 myoff;
	__le64 mysize;
	__le64 otheroff;
	__le64 labeloff;
	__le32 nslot;
	__le16 major;
	__le16 minor;
	__le64 checksum;
	/* u8 free[]: the bitmap follows */
};
static_assert(sizeof(struct pmdisk_nsindex) == 72, "namespace index header layout");

#define PMDISK_NSINDEX_SIG	"NAMESPACE_INDEX"	/* + NUL, 16 bytes */
#define PMDISK_NSINDEX_ALIGN	256
#define PMDISK_NSINDEX_SEQ_MASK	3

/*
 * Namespace label: 256 bytes in v1.2; a v1.1 label is the first 128.
 *
 *   0     16            80    84     86  88     96    104 112    120  124 128       144        160      248  256
 *   +-----+-------------+-----+------+---+------+-----+---+------+----+---+---------+----------+--------+----+
 *   |uuid | name        |flags|nlabel|pos|cookie|lbasz|dpa|rawsz |slot|rsv|type guid|abstr guid|reserved|csum|
 *   +-----+-------------+-----+------+---+------+-----+---+------+----+---+---------+----------+--------+----+
 *   |<------------------- v1.1: 128 bytes ------------------------------>|<----- v1.2 only ------------------>|
 *
 * The v1.2 checksum is Fletcher-64 over the 256 bytes with the field zeroed.
 */
struct pmdisk_nslabel {
	u8 uuid[16];
	char name[64];
	__le32 flags;
	__le16 nlabel;
	__le16 position;
	__le64 isetcookie;
	__le64 lbasize;
	__le64 dpa;
	__le64 rawsize;
	__le32 slot;
	u8 align;
	u8 reserved[3];
	u8 type_guid[16];
	u8 abstraction_guid[16];
	u8 reserved2[88];
	__le64 checksum;
};
static_assert(sizeof(struct pmdisk_nslabel) == 256, "namespace label layout");
static_assert(offsetof(struct pmdisk_nslabel, type_guid) == 128, "v1.1 label size");

#define PMDISK_NSLABEL_ROLABEL	0x1
#define PMDISK_NSLABEL_LOCAL	0x2
#define PMDISK_NSLABEL_BTT	0x4
#define PMDISK_NSLABEL_UPDATING	0x8

/* Label versions: index minor 1 = 128-byte labels, minor 2 = 256-byte. */
enum pmdisk_label_version {
	PMDISK_LABEL_V1_1 = 1,
	PMDISK_LABEL_V1_2 = 2,
};

/* Fletcher-64 over 32-bit words, as libnvdimm's nd_fletcher64(). */
u64 pmdisk_fletcher64(const void *addr, size_t len, bool le);

/* Index size and slot count of an LSA of @lsa_size with @label_size labels. */
int pmdisk_lsa_geometry(u64 lsa_size, u32 label_size, u32 *index_size,
			u32 *nslot);

/*
 * A loaded label area: geometry and the current index. Every access goes
 * through @media, the DIMM's label storage area addressed from byte 0.
 */
struct pmdisk_lsa {
	struct pmdisk_media *media;
	u32 size;		/* bytes of the label area */
	u32 label_size;		/* 128 or 256 */
	u32 index_size;
	u32 nslot;		/* as the current index says */
	unsigned int active;	/* 0 or 1: the valid index with the newer seq */
	u32 seq;		/* of the current index */
	u8 *cur;		/* index_size bytes: the current index */
	u8 *next;		/* index_size bytes: scratch for the next one */
	/*
	 * nslot * label_size bytes: the used slots' labels, read in one pass
	 * at the first pmdisk_lsa_read_label() and kept up to date by
	 * pmdisk_lsa_update() (NULL until then). Firmware moves a label area
	 * in calls that each cost as much as a few KiB of data, so reading
	 * labels one by one made every scan cost a call per label.
	 */
	u8 *labels;
};

/* The largest label area accepted (Linux's ND_IOCTL_MAX_BUFLEN). */
#define PMDISK_LSA_MAX_SIZE	(4U << 20)

/*
 * Read and validate the label area (@media->size bytes). Returns 0 with @lsa
 * loaded (release it with pmdisk_lsa_release()), -ENODEV when neither index
 * is valid (a fresh or damaged area: the DIMM is label-less), -EINVAL when
 * the area is too small or too large for labels, or an error of the medium.
 */
int pmdisk_lsa_load(struct pmdisk_lsa *lsa, struct pmdisk_media *media);
void pmdisk_lsa_release(struct pmdisk_lsa *lsa);

/*
 * Write a fresh pair of index blocks (all slots free): index 0 current. The
 * last @tail bytes of the area are left outside every slot (0: none), for
 * pmemdisk's own records (dstate.h); -ENOSPC when that leaves under 2 slots.
 */
int pmdisk_lsa_init(struct pmdisk_media *media, enum pmdisk_label_version v,
		    u32 tail);

/* True when slot @slot is free in the current index. */
bool pmdisk_lsa_slot_free(const struct pmdisk_lsa *lsa, u32 slot);
/* How many slots the current index has in use. */
u32 pmdisk_lsa_used(const struct pmdisk_lsa *lsa);

/*
 * Read the label in slot @slot (zero-filled past label_size). Returns 0 when
 * the slot is in use and holds a label valid for it (slot field and, for
 * v1.2, checksum), -ENOENT for a free slot, -EINVAL for an invalid label.
 */
int pmdisk_lsa_read_label(struct pmdisk_lsa *lsa, u32 slot,
			  struct pmdisk_nslabel *label);

/*
 * One update of one DIMM's labels, committed atomically: write each of
 * @add into a free slot (its slot field and checksum are filled in here),
 * free the slots in @del, then commit by writing the next index with the
 * next sequence number. A power cut at any store leaves either the old or
 * the new set of labels. Returns -ENOSPC when there are not enough free
 * slots and -EINVAL when a slot in @del is not in use; both before any
 * store.
 */
int pmdisk_lsa_update(struct pmdisk_lsa *lsa, struct pmdisk_nslabel *add,
		      unsigned int nr_add, const u32 *del, unsigned int nr_del);

#endif /* _PMDISK_CORE_LABEL_H */
