/* SPDX-License-Identifier: GPL-2.0 */
/*
 * plb: a persisted log buffer. A write-ahead log whose tail lives in a DAX
 * mapping of persistent memory (a file on an fsdax filesystem mapped with
 * MAP_SYNC, or a devdax device), so that a commit is a memcpy, a cache-line
 * write-back and two fences instead of a block write and a flush.
 *
 *   plb_commit()  copies the record into the mapped buffer, writes its cache
 *                 lines back, fences, then stores the record's status word
 *                 (the segment's generation), writes that back and fences.
 *                 When it returns, the record survives a power cut.
 *   hardener      a background thread: when the active segment is full,
 *                 commits move on to the next free one, and the hardener
 *                 appends the full segment's records to the log file
 *                 (write + fdatasync) and only then frees the segment by
 *                 bumping its generation, which makes every record in it
 *                 stale at once.
 *   plb_recover() replays the log file's records, then the buffer's valid
 *                 ones, in LSN order, skipping LSNs the file already has.
 *
 * Guarantees:
 *   - A commit is durable when plb_commit() returns 0; on an ordinary file
 *     opened with PLB_ALLOW_NO_MAP_SYNC, only against the process dying.
 *   - Commits are totally ordered by LSN (1, 2, 3, ...). Commits from many
 *     threads are serialised: a record is whole and valid on the media
 *     before the next commit starts. So recovery, which stops at the first
 *     record that is not whole, never loses a commit that was acknowledged:
 *     every record before it was acknowledged earlier, and the one after it
 *     had not started.
 *   - Recovery returns a prefix of the committed records, each whole, each
 *     once, in LSN order, contiguous from 1: all acknowledged commits and at
 *     most the one commit in flight at the crash.
 *   - A commit that finds no free segment waits for the hardener (the log
 *     file's write + fdatasync of the oldest segment).
 *
 * Not for: several processes at once (open takes an exclusive flock on the
 * buffer; recovery a shared one), commits concurrent with or after
 * plb_close() on the same handle. Little-endian x86-64 only (clwb).
 *
 * Errors are -errno; plb_why() tells the person why, for the last failing
 * call in the calling thread.
 *
 * Cache lines are written back with clwb, else clflushopt, else clflush,
 * chosen by CPUID at open; PLB_FLUSH=clwb|clflushopt|clflush in the
 * environment picks one (for tests and benchmarks).
 */
#ifndef _PLB_H
#define _PLB_H

#include <stddef.h>
#include <stdint.h>

/*
 * On-media layout. Every number is little-endian; every offset is from the
 * start of the buffer (or of the log file).
 *
 * The buffer (a devdax device, or a file on a DAX filesystem):
 *
 *   0        4K                 4K + seg_size          4K + 4 * seg_size
 *   +--------+-------------------+-------------------+----+--------------+
 *   | super  | segment 0         | segment 1         | .. | segment 3    |
 *   | (64 B, | +----+----+----+- | +----+----+---    |    |              |
 *   |  rest  | |seg |rec |rec |  | |seg |rec | ..    |    |              |
 *   |  zero) | |hdr |    |    |  | |hdr |    |       |    |              |
 *   +--------+-+----+----+----+--+-+----+----+-------+----+--------------+
 *              64 B  each record: 32 B header + payload, padded with zeroes
 *                    to a whole number of 64-byte cache lines
 *
 * A record is valid when, reading a segment from its first record on, each
 * record's status word equals the segment's generation, its own generation
 * field does too, its checksum matches and its LSN is the one after the
 * previous record's. The first record that is not ends the segment.
 *
 * The log file: a 64-byte header, then records exactly as they were in the
 * buffer (a whole segment's records in one write). Its records must run
 * from LSN 1 without a gap; the first one that does not, or that is cut
 * short, ends the file (a crash in the middle of an append).
 */
#define PLB_SUPER_SIZE		4096U	/* the superblock's area at offset 0 */
#define PLB_LINE		64U	/* cache line: records are aligned to it */
#define PLB_SEGMENTS		4U
#define PLB_SEG_HEADER_SIZE	64U
#define PLB_REC_HEADER_SIZE	32U
#define PLB_MIN_BUFFER		(64U << 10)
#define PLB_DEVDAX_ALIGN	(2U << 20)	/* devdax maps whole 2 MiB pages */
#define PLB_VERSION		1U

#define PLB_SUPER_MAGIC		"PMDPLB01"
#define PLB_SEG_MAGIC		"PLBSEGMT"
#define PLB_LOG_MAGIC		"PMDPLBLG"

/*
 * struct plb_super - the buffer's superblock, at offset 0.
 *
 *   0  magic[8]     "PMDPLB01"       8  version (1)     12  segments
 *  16  buffer_size  (bytes)         24  seg_size (bytes, multiple of 4 KiB)
 *  32  buffer_id    random at format; the log file carries it too, and it
 *                   seeds every record checksum, so records of an earlier
 *                   format never pass
 *  40  reserved[20] zero            60  checksum: CRC32C of bytes 0..59
 *
 * Written once, when the buffer is formatted.
 */
struct plb_super {
	char magic[8];
	uint32_t version;
	uint32_t segments;
	uint64_t buffer_size;
	uint64_t seg_size;
	uint64_t buffer_id;
	uint8_t reserved[20];
	uint32_t checksum;
};

/*
 * struct plb_seg_header - at the start of each segment.
 *
 *   0  generation   records of this segment are valid only with this value;
 *                   starts at 1, and +1 (one 8-byte store, written back and
 *                   fenced) when the segment's records are in the log file
 *   8  magic[8]     "PLBSEGMT"      16  index (0..segments-1)
 *  20  reserved     zero            24  buffer_id (the superblock's)
 *  32  reserved[32] zero
 *
 * Everything but the generation is written once, at format.
 */
struct plb_seg_header {
	uint64_t generation;
	char magic[8];
	uint32_t index;
	uint32_t reserved0;
	uint64_t buffer_id;
	uint8_t reserved[32];
};

/*
 * struct plb_rec_header - the first 32 bytes of a record; the payload
 * follows at byte 32, and the record is padded with zeroes to a multiple of
 * 64 bytes (its span, plb_record_span()).
 *
 *   0  status       0 while the record is copied; the segment's generation
 *                   once it is whole (stored last, one 8-byte store)
 *   8  lsn          log sequence number, from 1
 *  16  generation   the segment's generation when the record was written
 *  24  length       payload bytes (1 .. plb_info.max_record)
 *  28  checksum     CRC32C, seeded with the buffer_id, of bytes 8..27 of the
 *                   header and the payload
 */
struct plb_rec_header {
	uint64_t status;
	uint64_t lsn;
	uint64_t generation;
	uint32_t length;
	uint32_t checksum;
};

/*
 * struct plb_log_header - at offset 0 of the log file.
 *
 *   0  magic[8] "PMDPLBLG"   8  version (1)   12  reserved
 *  16  buffer_id (the buffer's whose records the file holds)
 *  24  reserved[36] zero     60  checksum: CRC32C of bytes 0..59
 */
struct plb_log_header {
	char magic[8];
	uint32_t version;
	uint32_t reserved0;
	uint64_t buffer_id;
	uint8_t reserved[36];
	uint32_t checksum;
};

_Static_assert(sizeof(struct plb_super) == 64, "superblock is 64 bytes");
_Static_assert(sizeof(struct plb_seg_header) == PLB_SEG_HEADER_SIZE,
	       "segment header is one cache line");
_Static_assert(sizeof(struct plb_rec_header) == PLB_REC_HEADER_SIZE,
	       "record header is 32 bytes");
_Static_assert(sizeof(struct plb_log_header) == 64, "log header is 64 bytes");
_Static_assert(offsetof(struct plb_rec_header, status) == 0 &&
	       offsetof(struct plb_seg_header, generation) == 0,
	       "status and generation are 8-byte aligned single stores");

/* Bytes a record of @len payload bytes takes in the buffer and the log. */
static inline uint64_t plb_record_span(uint64_t len)
{
	return (PLB_REC_HEADER_SIZE + len + PLB_LINE - 1) / PLB_LINE * PLB_LINE;
}

/* ------------------------------------------------------------- the API */

struct plb;

/* plb_open() flags */
/*
 * An ordinary file whose mapping the kernel refuses MAP_SYNC for: map it
 * MAP_SHARED anyway. Commits then survive the process dying (the page cache
 * keeps them), not a power cut. For tests on hosts without pmem.
 */
#define PLB_ALLOW_NO_MAP_SYNC	(1U << 0)
/*
 * Format the buffer whatever it holds (its records are lost). Without it, a
 * buffer whose first 64 bytes are zero is formatted, a valid one recovered,
 * and anything else refused.
 */
#define PLB_FORMAT		(1U << 1)

/*
 * plb_open - open (formatting or recovering first) a persisted log buffer.
 * @buffer_path: a devdax device (/dev/pmemdaxN), or a file on a DAX
 *               filesystem, created if missing
 * @log_path:    the log file full segments are hardened to, created if
 *               missing; it must belong to this buffer (its header's id)
 * @buffer_size: bytes to use; 0 for the whole device or the existing file.
 *               A multiple of 4 KiB, at least PLB_MIN_BUFFER; on devdax a
 *               multiple of 2 MiB
 * @flags:       PLB_ALLOW_NO_MAP_SYNC, PLB_FORMAT
 *
 * A buffer that holds records (a crash) is recovered first: the records the
 * log file lacks are appended to it, and the buffer is emptied; the next
 * commit continues from the last LSN + 1. If the buffer's records do not
 * continue the log file, open refuses (-EUCLEAN) and changes nothing:
 * plb_recover() still reads them.
 *
 * Returns 0 and the handle in @out, or -errno: -EOPNOTSUPP when the kernel
 * refuses MAP_SYNC (not a DAX filesystem), -EBUSY when another process has
 * the buffer open, -EUCLEAN for a damaged superblock, segment or log
 * header, -EINVAL for a bad size or a log file of another buffer.
 */
int plb_open(const char *buffer_path, const char *log_path, size_t buffer_size,
	     unsigned int flags, struct plb **out);

/*
 * plb_commit - append one record; durable when this returns 0.
 * @rec, @len: the payload, 1 .. plb_info.max_record bytes
 * @lsn:       if not NULL, the record's LSN
 *
 * Safe from several threads at once: commits are serialised, and an earlier
 * commit is valid on the media before a later one starts, so a later
 * commit's acknowledgement never depends on an earlier one still in flight.
 * Waits for the hardener when no segment is free.
 *
 * Returns 0, -EINVAL for an empty record, -EMSGSIZE for one larger than a
 * segment holds, or the hardener's error (sticky: -EIO, -ENOSPC, ...).
 */
int plb_commit(struct plb *plb, const void *rec, size_t len, uint64_t *lsn);

/*
 * plb_close - harden every record to the log file, leave the buffer empty,
 * unmap and free. Returns 0 or the first hardening error (the records are
 * then still in the buffer, for the next open). @plb is freed either way.
 */
int plb_close(struct plb *plb);

struct plb_info {
	uint64_t buffer_size;
	uint64_t seg_size;
	uint32_t segments;
	uint32_t max_record;	/* largest payload plb_commit() takes */
	uint64_t next_lsn;	/* the LSN the next commit gets */
	uint64_t buffer_id;
	const char *flush;	/* "clwb", "clflushopt" or "clflush" */
	int durable;		/* 1: MAP_SYNC or devdax (power cuts); 0: process death only */
	int devdax;
};

void plb_get_info(struct plb *plb, struct plb_info *info);

/*
 * plb_recover - replay a closed or crashed buffer and its log file, without
 * changing either.
 * @fn: called for each record in LSN order from 1; a non-zero return stops
 *      recovery and is returned. @rec is valid only during the call.
 * @st: if not NULL, what was found
 *
 * A buffer never formatted (zero superblock) or a missing log file counts
 * as empty. Returns 0, the callback's value, or -errno (-EUCLEAN for a
 * damaged superblock, segment or log header; -EBUSY while a process has the
 * buffer open).
 */
typedef int (*plb_replay_fn)(void *ctx, uint64_t lsn, const void *rec,
			     size_t len);

struct plb_recovery {
	uint64_t last_lsn;	/* the last record replayed; 0: none */
	uint64_t from_log;	/* records replayed from the log file */
	uint64_t from_buffer;	/* records replayed from the buffer */
	uint64_t duplicates;	/* buffer records skipped: the log file has them */
	uint64_t log_torn_bytes; /* bytes after the log file's last whole record */
	uint64_t unreachable;	/* valid buffer records after a gap in the LSNs */
};

int plb_recover(const char *buffer_path, const char *log_path,
		plb_replay_fn fn, void *ctx, struct plb_recovery *st);

/* Why the last failing plb call of the calling thread failed. */
const char *plb_why(void);

/* CRC32C (Castagnoli), as the records use it: SSE4.2 where the CPU has it. */
uint32_t plb_crc32c(uint32_t crc, const void *buf, size_t len);

/* ---------------------------------------------------- for tests only */

/*
 * Points where a test may stop a commit or the hardener (typically by
 * _exit() in a forked child, which is what a crash leaves on a file
 * mapping). The hook runs on the thread that reaches the point, with the
 * commit serialised (PLB_HOOK_BEFORE_STATUS) or in the hardener.
 */
enum plb_hook_point {
	PLB_HOOK_BEFORE_STATUS,	/* record copied and written back, status not stored; arg: LSN */
	PLB_HOOK_LOG_SYNCED,	/* a segment is in the log file, its generation not bumped; arg: segment */
};

typedef void (*plb_hook_fn)(void *ctx, enum plb_hook_point point, uint64_t arg);
void plb_set_test_hook(struct plb *plb, plb_hook_fn fn, void *ctx);

#endif /* _PLB_H */
