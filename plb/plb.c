// SPDX-License-Identifier: GPL-2.0
/*
 * plb: the persisted log buffer (layout and guarantees in plb.h).
 *
 * Locks: commit_lock serialises commits (held across a whole commit, also
 * while it waits for a free segment), so a record is valid on the media
 * before the next one is started: the ordering rule of plb.h. state_lock
 * guards the segments' states, which commits and the hardener hand to each
 * other; state_cond signals every change. The hardener never takes
 * commit_lock, so a commit waiting for it cannot deadlock.
 *
 * Every store to the mapping goes through media_persist() (write back a
 * range, then sfence) or media_store_u64() (one 8-byte store, written back
 * and fenced): the single place for the flush instruction and the fences.
 */
#define _GNU_SOURCE
#include <cpuid.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "plb.h"

#if !defined(__x86_64__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "plb writes cache lines back with x86-64 instructions"
#endif

#ifndef MAP_SHARED_VALIDATE
#define MAP_SHARED_VALIDATE 0x03
#endif
#ifndef MAP_SYNC
#define MAP_SYNC 0x80000
#endif

#define CPUID1_EDX_CLFSH (1U << 19)	/* cpuid.h names CLWB and CLFLUSHOPT, not this */

#define PLB_MAX_SEGMENTS 64U
#define PAGE_4K 4096U

/* ------------------------------------------------------------ reasons */

static _Thread_local char why_buf[256];

const char *plb_why(void)
{
	return why_buf[0] ? why_buf : "no error";
}

/* Record why for plb_why() and return @err (a -errno). */
__attribute__((format(printf, 2, 3)))
static int fail(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why_buf, sizeof(why_buf), fmt, ap);
	va_end(ap);
	return err;
}

/* ----------------------------------------------- write-back and fences */

enum flush_kind { FLUSH_CLWB, FLUSH_CLFLUSHOPT, FLUSH_CLFLUSH };

static const char *const flush_names[] = {
	[FLUSH_CLWB] = "clwb",
	[FLUSH_CLFLUSHOPT] = "clflushopt",
	[FLUSH_CLFLUSH] = "clflush",
};

/*
 * The best write-back instruction the CPU has, by CPUID, or the one the
 * environment's PLB_FLUSH names (for tests and benchmarks of each); -ENOTSUP
 * if none, or not the one asked for.
 */
static int flush_choose(enum flush_kind *kind)
{
	const char *want = getenv("PLB_FLUSH");
	unsigned int a, b, c, d;
	bool has[3] = { false };

	if (__get_cpuid_count(7, 0, &a, &b, &c, &d)) {
		has[FLUSH_CLWB] = b & bit_CLWB;
		has[FLUSH_CLFLUSHOPT] = b & bit_CLFLUSHOPT;
	}
	has[FLUSH_CLFLUSH] = __get_cpuid(1, &a, &b, &c, &d) && (d & CPUID1_EDX_CLFSH);
	for (int k = FLUSH_CLWB; k <= FLUSH_CLFLUSH; k++) {
		if (want && *want && strcmp(want, flush_names[k]))
			continue;
		if (has[k]) {
			*kind = k;
			return 0;
		}
		if (want && *want)
			return fail(-ENOTSUP, "PLB_FLUSH=%s: the CPU has no %s", want, want);
	}
	if (want && *want)
		return fail(-EINVAL, "PLB_FLUSH=%s: not clwb, clflushopt or clflush", want);
	return fail(-ENOTSUP, "the CPU has no cache-line write-back instruction (clwb, clflushopt, clflush)");
}

static void flush_lines(enum flush_kind kind, const void *p, size_t len)
{
	uintptr_t a = (uintptr_t)p & ~(uintptr_t)(PLB_LINE - 1);
	uintptr_t end = (uintptr_t)p + len;

	/* the "memory" clobbers keep the compiler from sinking stores past them */
	switch (kind) {
	case FLUSH_CLWB:
		for (; a < end; a += PLB_LINE)
			__asm__ __volatile__("clwb %0" : "+m"(*(volatile char *)a) : : "memory");
		break;
	case FLUSH_CLFLUSHOPT:
		for (; a < end; a += PLB_LINE)
			__asm__ __volatile__("clflushopt %0" : "+m"(*(volatile char *)a) : : "memory");
		break;
	case FLUSH_CLFLUSH:
		for (; a < end; a += PLB_LINE)
			__asm__ __volatile__("clflush %0" : "+m"(*(volatile char *)a) : : "memory");
		break;
	}
}

/* Orders the write-backs before it ahead of every store after it. */
static void store_fence(void)
{
	__asm__ __volatile__("sfence" : : : "memory");
}

/* ------------------------------------------------------- the mapping */

struct buffer {
	const char *path;
	int fd;
	uint8_t *base;
	size_t len;		/* mapped bytes */
	bool devdax;
	bool durable;		/* MAP_SYNC or devdax */
	bool created;		/* a new file: its directory entry needs a sync */
	enum flush_kind flush;
};

/* Address math: where things are in the buffer, in bytes from its start. */
static uint64_t seg_offset(const struct plb_super *sb, uint32_t i)
{
	return PLB_SUPER_SIZE + (uint64_t)i * sb->seg_size;
}

static uint64_t seg_first_record(const struct plb_super *sb, uint32_t i)
{
	return seg_offset(sb, i) + PLB_SEG_HEADER_SIZE;
}

static uint64_t seg_capacity(const struct plb_super *sb)
{
	return sb->seg_size - PLB_SEG_HEADER_SIZE;
}

static void *media_at(const struct buffer *b, uint64_t off)
{
	return b->base + off;
}

/* Write back [off, off + len) of the buffer and fence. */
static void media_persist(const struct buffer *b, uint64_t off, size_t len)
{
	flush_lines(b->flush, media_at(b, off), len);
	store_fence();
}

/*
 * One 8-byte store (a status word or a generation), written back and
 * fenced. It pairs with the media_persist() of what it validates, which must
 * come first.
 */
static void media_store_u64(const struct buffer *b, uint64_t off, uint64_t v)
{
	__atomic_store_n((uint64_t *)media_at(b, off), v, __ATOMIC_RELAXED);
	media_persist(b, off, sizeof(v));
}

static uint32_t seed_of(uint64_t buffer_id)
{
	return (uint32_t)buffer_id ^ (uint32_t)(buffer_id >> 32);
}

static uint64_t random_u64(void)
{
	uint64_t v;
	struct timespec ts;

	if (getrandom(&v, sizeof(v), 0) == sizeof(v))
		return v;
	clock_gettime(CLOCK_REALTIME, &ts);
	return ((uint64_t)ts.tv_sec << 32) ^ (uint64_t)ts.tv_nsec ^ ((uint64_t)getpid() << 16);
}

/* fsync the directory holding @path, so a file created there stays. */
static int sync_dir_of(const char *path)
{
	char dir[PATH_MAX];
	char *slash;
	int fd, rc = 0;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd))
		rc = fail(-errno, "syncing directory %s: %s", dir, strerror(errno));
	if (fd >= 0)
		close(fd);
	return rc;
}

static int size_check(uint64_t size, bool devdax, const char *path)
{
	if (size < PLB_MIN_BUFFER)
		return fail(-EINVAL, "%s: a buffer of %llu bytes is too small (at least %u)",
			    path, (unsigned long long)size, PLB_MIN_BUFFER);
	if (size % PAGE_4K)
		return fail(-EINVAL, "%s: a buffer of %llu bytes is not a multiple of 4 KiB",
			    path, (unsigned long long)size);
	if (devdax && size % PLB_DEVDAX_ALIGN)
		return fail(-EINVAL, "%s: devdax maps whole 2 MiB pages; %llu bytes is not a multiple of 2 MiB",
			    path, (unsigned long long)size);
	return 0;
}

/* The size of a devdax device, from sysfs. */
static int devdax_size(const char *path, dev_t rdev, uint64_t *size)
{
	char attr[96];
	unsigned long long v;
	FILE *f;
	int n;

	snprintf(attr, sizeof(attr), "/sys/dev/char/%u:%u/size", major(rdev), minor(rdev));
	f = fopen(attr, "re");
	if (!f)
		return fail(-errno, "%s: cannot read its size from %s (%s): pass a buffer size",
			    path, attr, strerror(errno));
	n = fscanf(f, "%llu", &v);
	fclose(f);
	if (n != 1)
		return fail(-EIO, "%s: %s holds no size", path, attr);
	*size = v;
	return 0;
}

/*
 * Open, lock and map a buffer. @rw: for plb_open (exclusive lock, created
 * and sized if a new file, MAP_SYNC); else for plb_recover (shared lock,
 * read-only, whatever size is there). @size 0: the whole file or device.
 */
/* Open @path, locked (shared to read, exclusive to write), and stat it. */
static int buffer_open_locked(struct buffer *b, bool rw, struct stat *st)
{
	int rc;

	b->fd = open(b->path, rw ? O_RDWR | O_CREAT | O_CLOEXEC : O_RDONLY | O_CLOEXEC, 0600);
	if (b->fd < 0)
		return fail(-errno, "%s: %s", b->path, strerror(errno));
	if (flock(b->fd, (rw ? LOCK_EX : LOCK_SH) | LOCK_NB)) {
		rc = errno == EWOULDBLOCK ? -EBUSY : -errno;
		return fail(rc, "%s: %s", b->path,
			    rc == -EBUSY ? "another process has this buffer open" : strerror(-rc));
	}
	if (fstat(b->fd, st))
		return fail(-errno, "%s: %s", b->path, strerror(errno));
	return 0;
}

/* A devdax device is mapped whole (or @size of it): always durable. */
static int buffer_map_devdax(struct buffer *b, dev_t rdev, uint64_t size, int prot)
{
	int rc;

	b->devdax = true;
	b->durable = true;
	if (!size) {
		rc = devdax_size(b->path, rdev, &size);
		if (rc)
			return rc;
	}
	rc = size_check(size, true, b->path);
	if (rc)
		return rc;
	b->base = mmap(NULL, size, prot, MAP_SHARED, b->fd, 0);
	if (b->base == MAP_FAILED)
		return fail(-errno, "%s: mmap of %llu bytes of the devdax device: %s", b->path,
			    (unsigned long long)size, strerror(errno));
	b->len = size;
	return 0;
}

/* An empty file made @size bytes long, its blocks allocated. */
static int buffer_create_file(struct buffer *b, uint64_t size)
{
	int rc;

	if (!size)
		return fail(-EINVAL, "%s: a new buffer file needs a size", b->path);
	rc = size_check(size, false, b->path);
	if (rc)
		return rc;
	/* allocate now: a page fault on a hole of a MAP_SYNC mapping must allocate */
	rc = posix_fallocate(b->fd, 0, size);
	if (rc == EOPNOTSUPP || rc == EINVAL)
		rc = ftruncate(b->fd, size) ? errno : 0;
	if (rc || fsync(b->fd))
		return fail(rc ? -rc : -errno, "%s: allocating %llu bytes: %s", b->path,
			    (unsigned long long)size, strerror(rc ? rc : errno));
	b->created = true;
	return 0;
}

/*
 * A file is mapped MAP_SYNC (durable: DAX). Without it only reading, or
 * PLB_ALLOW_NO_MAP_SYNC, may go on: durable against the process dying only.
 */
static int buffer_map_file(struct buffer *b, unsigned int flags, bool rw, int prot)
{
	b->base = mmap(NULL, b->len, prot, MAP_SHARED_VALIDATE | MAP_SYNC, b->fd, 0);
	if (b->base != MAP_FAILED) {
		b->durable = true;
		return 0;
	}
	if (errno != EOPNOTSUPP && errno != EINVAL)
		return fail(-errno, "%s: mmap: %s", b->path, strerror(errno));
	if (rw && !(flags & PLB_ALLOW_NO_MAP_SYNC))
		return fail(-EOPNOTSUPP, "%s: the kernel refuses a MAP_SYNC mapping (%s): the file is not on a DAX filesystem (mount it with -o dax) and commits would not survive a power cut; PLB_ALLOW_NO_MAP_SYNC accepts that",
			    b->path, strerror(errno));
	b->base = mmap(NULL, b->len, prot, MAP_SHARED, b->fd, 0);
	if (b->base == MAP_FAILED)
		return fail(-errno, "%s: mmap: %s", b->path, strerror(errno));
	return 0;
}

static int buffer_attach(struct buffer *b, const char *path, uint64_t size,
			 unsigned int flags, bool rw)
{
	int prot = rw ? PROT_READ | PROT_WRITE : PROT_READ;
	struct stat st;
	int rc;

	memset(b, 0, sizeof(*b));
	b->path = path;
	b->fd = -1;
	rc = flush_choose(&b->flush);
	if (rc)
		return rc;
	rc = buffer_open_locked(b, rw, &st);
	if (rc)
		goto close_fd;
	if (S_ISCHR(st.st_mode)) {
		rc = buffer_map_devdax(b, st.st_rdev, size, prot);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = fail(-EINVAL, "%s: neither a regular file nor a devdax character device", path);
		goto close_fd;
	}
	if (!st.st_size && !rw)
		return 0;	/* nothing there: an empty buffer (b->len 0) */
	if (!st.st_size) {
		rc = buffer_create_file(b, size);
		if (rc)
			goto close_fd;
		st.st_size = size;
	}
	if (size && (uint64_t)st.st_size != size) {
		rc = fail(-EINVAL, "%s is %lld bytes, not the %llu asked for", path,
			  (long long)st.st_size, (unsigned long long)size);
		goto close_fd;
	}
	b->len = st.st_size;
	rc = buffer_map_file(b, flags, rw, prot);
out:
	if (!rc)
		return 0;
close_fd:
	if (b->fd >= 0)
		close(b->fd);
	b->fd = -1;
	return rc;
}

static void buffer_detach(struct buffer *b)
{
	if (b->len)
		munmap(b->base, b->len);
	if (b->fd >= 0)
		close(b->fd);	/* drops the flock */
	b->fd = -1;
	b->len = 0;
}

/* ------------------------------------------------ superblock, segments */

static uint32_t header_checksum(const void *h, size_t len_before_checksum)
{
	return plb_crc32c(0, h, len_before_checksum);
}

static bool all_zero(const void *p, size_t len)
{
	const uint8_t *c = p;

	while (len--)
		if (*c++)
			return false;
	return true;
}

/* 0: a valid superblock in @sb; 1: blank (never formatted); or -errno. */
static int super_read(const struct buffer *b, struct plb_super *sb)
{
	if (b->len < sizeof(*sb))
		return 1;
	memcpy(sb, media_at(b, 0), sizeof(*sb));
	if (all_zero(sb, sizeof(*sb)))
		return 1;
	if (memcmp(sb->magic, PLB_SUPER_MAGIC, sizeof(sb->magic)))
		return fail(-EUCLEAN, "%s holds something that is not a log buffer (no %s magic); PLB_FORMAT formats it, losing what it holds",
			    b->path, PLB_SUPER_MAGIC);
	if (sb->checksum != header_checksum(sb, offsetof(struct plb_super, checksum)))
		return fail(-EUCLEAN, "%s: superblock damaged (checksum mismatch)", b->path);
	if (sb->version != PLB_VERSION)
		return fail(-EUCLEAN, "%s: buffer version %u; this library knows %u", b->path,
			    sb->version, PLB_VERSION);
	if (sb->segments < 2 || sb->segments > PLB_MAX_SEGMENTS || sb->seg_size % PAGE_4K ||
	    sb->seg_size < 2 * PAGE_4K ||
	    PLB_SUPER_SIZE + sb->segments * sb->seg_size > sb->buffer_size)
		return fail(-EUCLEAN, "%s: superblock damaged (%u segments of %llu bytes in %llu)",
			    b->path, sb->segments, (unsigned long long)sb->seg_size,
			    (unsigned long long)sb->buffer_size);
	if (sb->buffer_size > b->len)
		return fail(-EUCLEAN, "%s: the superblock says %llu bytes, only %zu are there",
			    b->path, (unsigned long long)sb->buffer_size, b->len);
	return 0;
}

/* Each segment's header, its generation in @gens. */
static int segs_read(const struct buffer *b, const struct plb_super *sb, uint64_t *gens)
{
	for (uint32_t i = 0; i < sb->segments; i++) {
		struct plb_seg_header h;
		const char *bad = NULL;

		memcpy(&h, media_at(b, seg_offset(sb, i)), sizeof(h));
		if (memcmp(h.magic, PLB_SEG_MAGIC, sizeof(h.magic)))
			bad = "bad magic";
		else if (h.index != i)
			bad = "wrong index";
		else if (h.buffer_id != sb->buffer_id)
			bad = "another buffer's id";
		else if (!h.generation)
			bad = "generation 0";
		if (bad)
			return fail(-EUCLEAN, "%s: segment %u header damaged (%s)", b->path, i, bad);
		gens[i] = h.generation;
	}
	return 0;
}

/*
 * Format: the superblock is zeroed first and written last, so a crash in
 * between leaves a blank buffer that the next open formats again. A
 * segment's new generation is one past the one its header had (so records
 * written before never match it), or random where there was none; its first
 * record slot is zeroed, so it starts empty.
 */
static void buffer_format(struct buffer *b, uint64_t size, uint64_t id, struct plb_super *sb)
{
	memset(media_at(b, 0), 0, sizeof(*sb));
	media_persist(b, 0, sizeof(*sb));

	memset(sb, 0, sizeof(*sb));
	memcpy(sb->magic, PLB_SUPER_MAGIC, sizeof(sb->magic));
	sb->version = PLB_VERSION;
	sb->segments = PLB_SEGMENTS;
	sb->buffer_size = size;
	sb->seg_size = (size - PLB_SUPER_SIZE) / PLB_SEGMENTS / PAGE_4K * PAGE_4K;
	sb->buffer_id = id;
	sb->checksum = header_checksum(sb, offsetof(struct plb_super, checksum));

	for (uint32_t i = 0; i < sb->segments; i++) {
		struct plb_seg_header *h = media_at(b, seg_offset(sb, i));
		uint64_t gen = 0;

		if (!memcmp(h->magic, PLB_SEG_MAGIC, sizeof(h->magic)) && h->index == i)
			gen = h->generation + 1;
		if (!gen)
			gen = (random_u64() >> 2) + 1;
		memset(h, 0, sizeof(*h));
		h->generation = gen;
		memcpy(h->magic, PLB_SEG_MAGIC, sizeof(h->magic));
		h->index = i;
		h->buffer_id = id;
		memset(media_at(b, seg_first_record(sb, i)), 0, PLB_LINE);
		media_persist(b, seg_offset(sb, i), PLB_SEG_HEADER_SIZE + PLB_LINE);
	}
	memcpy(media_at(b, 0), sb, sizeof(*sb));
	media_persist(b, 0, sizeof(*sb));
}

/* -------------------------------------------------------------- records */

static uint32_t record_checksum(uint32_t seed, const struct plb_rec_header *h,
				const void *payload)
{
	uint32_t crc = plb_crc32c(seed, &h->lsn, offsetof(struct plb_rec_header, checksum) -
				  offsetof(struct plb_rec_header, lsn));

	return plb_crc32c(crc, payload, h->length);
}

/*
 * Is there a whole record at @p, with @room bytes left for it, carrying
 * @gen (0: the generation it says; for log files) and LSN @lsn (0: any)?
 * Cheap checks first: the status word decides most cases.
 */
static bool record_whole(const uint8_t *p, uint64_t room, uint64_t gen, uint64_t lsn,
			 uint32_t seed, struct plb_rec_header *h)
{
	if (room < sizeof(*h))
		return false;
	memcpy(h, p, sizeof(*h));
	if (gen && h->status != gen)
		return false;
	if (h->status != h->generation || !h->status)
		return false;
	if (!h->length || plb_record_span(h->length) > room)
		return false;
	if (lsn ? h->lsn != lsn : !h->lsn)
		return false;
	return h->checksum == record_checksum(seed, h, p + sizeof(*h));
}

/* What recovery calls for each record it replays (internal form). */
typedef int (*rec_fn)(void *ctx, const struct plb_rec_header *h, const uint8_t *rec);

/* ------------------------------------------------------------ log file */

struct logf {
	const char *path;
	int fd;
	uint8_t *map;
	uint64_t size;
	bool created;
	bool has_header;
	uint64_t buffer_id;	/* its header's, if it has one */
	uint64_t last_lsn;	/* after log_scan() */
	uint64_t valid_end;
	uint64_t records;
};

static int log_attach(struct logf *l, const char *path, bool rw)
{
	struct plb_log_header h;
	struct stat st;

	memset(l, 0, sizeof(*l));
	l->path = path;
	l->fd = open(path, rw ? O_RDWR | O_CLOEXEC : O_RDONLY | O_CLOEXEC);
	if (l->fd < 0 && errno == ENOENT && rw) {
		l->fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		l->created = true;
	}
	if (l->fd < 0) {
		if (errno == ENOENT && !rw)
			return 0;	/* no log file: an empty log */
		return fail(-errno, "log file %s: %s", path, strerror(errno));
	}
	if (fstat(l->fd, &st))
		return fail(-errno, "log file %s: %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return fail(-EINVAL, "log file %s is not a regular file", path);
	l->size = st.st_size;
	if (l->size) {
		l->map = mmap(NULL, l->size, PROT_READ, MAP_SHARED, l->fd, 0);
		if (l->map == MAP_FAILED) {
			l->map = NULL;
			return fail(-errno, "log file %s: mmap: %s", path, strerror(errno));
		}
	}
	/* A header cut short or never written (a crash at creation): empty. */
	if (l->size < sizeof(h) || all_zero(l->map, sizeof(h)))
		return 0;
	memcpy(&h, l->map, sizeof(h));
	if (memcmp(h.magic, PLB_LOG_MAGIC, sizeof(h.magic)))
		return fail(-EUCLEAN, "log file %s is not a plb log (no %s magic)", path,
			    PLB_LOG_MAGIC);
	if (h.checksum != header_checksum(&h, offsetof(struct plb_log_header, checksum)))
		return fail(-EUCLEAN, "log file %s: header damaged (checksum mismatch)", path);
	if (h.version != PLB_VERSION)
		return fail(-EUCLEAN, "log file %s: version %u; this library knows %u", path,
			    h.version, PLB_VERSION);
	l->has_header = true;
	l->buffer_id = h.buffer_id;
	return 0;
}

static void log_detach(struct logf *l)
{
	if (l->map)
		munmap(l->map, l->size);
	if (l->fd >= 0)
		close(l->fd);
	l->map = NULL;
	l->fd = -1;
}

/*
 * The log file's records from LSN 1 on, each to @fn (if not NULL); the
 * first one cut short, damaged or out of sequence ends the file there.
 */
static int log_scan(struct logf *l, uint32_t seed, rec_fn fn, void *ctx)
{
	uint64_t off = sizeof(struct plb_log_header);
	struct plb_rec_header h;
	int rc;

	l->last_lsn = 0;
	l->records = 0;
	if (!l->has_header) {
		l->valid_end = 0;
		return 0;
	}
	while (record_whole(l->map + off, l->size - off, 0, l->last_lsn + 1, seed, &h)) {
		if (fn) {
			rc = fn(ctx, &h, l->map + off);
			if (rc)
				return rc;
		}
		l->last_lsn = h.lsn;
		l->records++;
		off += plb_record_span(h.length);
	}
	l->valid_end = off;
	return 0;
}

/* An empty log file gets its header: the buffer it belongs to. */
static int log_write_header(struct logf *l, uint64_t buffer_id)
{
	struct plb_log_header h;

	memset(&h, 0, sizeof(h));
	memcpy(h.magic, PLB_LOG_MAGIC, sizeof(h.magic));
	h.version = PLB_VERSION;
	h.buffer_id = buffer_id;
	h.checksum = header_checksum(&h, offsetof(struct plb_log_header, checksum));
	if (ftruncate(l->fd, 0) || pwrite(l->fd, &h, sizeof(h), 0) != sizeof(h) ||
	    fdatasync(l->fd))
		return fail(errno ? -errno : -EIO, "log file %s: writing its header: %s", l->path,
			    strerror(errno ? errno : EIO));
	if (l->created) {
		int rc = sync_dir_of(l->path);

		if (rc)
			return rc;
	}
	l->has_header = true;
	l->buffer_id = buffer_id;
	l->valid_end = sizeof(h);
	return 0;
}

/* All of @len bytes at @off, or -errno with the reason. */
static int log_write(int fd, const char *path, const void *buf, size_t len, uint64_t off)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = pwrite(fd, p, len, off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return fail(n ? -errno : -EIO, "log file %s: write at %llu: %s", path,
				    (unsigned long long)off, n ? strerror(errno) : "wrote nothing");
		p += n;
		len -= n;
		off += n;
	}
	return 0;
}

/* ------------------------------------------------- buffer recovery */

/* A segment's valid records: a run of consecutive LSNs. */
struct run {
	uint32_t seg;
	uint64_t first_lsn;
	uint64_t count;
	uint64_t end;		/* offset after its last record */
};

static void seg_scan(const struct buffer *b, const struct plb_super *sb, uint32_t i,
		     uint64_t gen, struct run *r)
{
	uint64_t off = seg_first_record(sb, i), end = seg_offset(sb, i + 1);
	struct plb_rec_header h;
	uint64_t next = 0;
	uint32_t seed = seed_of(sb->buffer_id);

	memset(r, 0, sizeof(*r));
	r->seg = i;
	while (record_whole(media_at(b, off), end - off, gen, next, seed, &h)) {
		if (!r->count)
			r->first_lsn = h.lsn;
		r->count++;
		next = h.lsn + 1;
		off += plb_record_span(h.length);
	}
	r->end = off;
}

static int run_cmp(const void *a, const void *b)
{
	const struct run *x = a, *y = b;

	return (x->first_lsn > y->first_lsn) - (x->first_lsn < y->first_lsn);
}

/*
 * The buffer's valid records in LSN order after LSN @after, each to @fn
 * (NULL: only count). Records the log has (LSN <= @after: a crash between
 * its fdatasync and the generation bump) are skipped; a gap in the LSNs
 * ends replay, and what follows is counted unreachable.
 */
static int buffer_replay(const struct buffer *b, const struct plb_super *sb,
			 const uint64_t *gens, uint64_t after, rec_fn fn, void *ctx,
			 struct plb_recovery *st)
{
	struct run runs[PLB_MAX_SEGMENTS];
	uint64_t next = after + 1;
	uint32_t n = 0;
	int rc;

	for (uint32_t i = 0; i < sb->segments; i++) {
		seg_scan(b, sb, i, gens[i], &runs[n]);
		if (runs[n].count)
			n++;
	}
	qsort(runs, n, sizeof(runs[0]), run_cmp);
	for (uint32_t k = 0; k < n; k++) {
		struct run *r = &runs[k];
		uint64_t off = seg_first_record(sb, r->seg);

		for (uint64_t j = 0; j < r->count; j++) {
			const uint8_t *p = media_at(b, off);
			struct plb_rec_header h;

			memcpy(&h, p, sizeof(h));
			off += plb_record_span(h.length);
			if (h.lsn < next) {
				st->duplicates++;
				continue;
			}
			if (h.lsn > next) {
				st->unreachable += r->count - j;
				for (k++; k < n; k++)
					st->unreachable += runs[k].count;
				return 0;
			}
			if (fn) {
				rc = fn(ctx, &h, p);
				if (rc)
					return rc;
			}
			st->from_buffer++;
			st->last_lsn = h.lsn;
			next++;
		}
	}
	return 0;
}

/* ----------------------------------------------------------- plb_recover */

struct user_replay {
	plb_replay_fn fn;
	void *ctx;
};

static int user_replay(void *ctx, const struct plb_rec_header *h, const uint8_t *rec)
{
	struct user_replay *u = ctx;

	return u->fn(u->ctx, h->lsn, rec + sizeof(*h), h->length);
}

int plb_recover(const char *buffer_path, const char *log_path,
		plb_replay_fn fn, void *ctx, struct plb_recovery *st)
{
	struct user_replay u = { .fn = fn, .ctx = ctx };
	uint64_t gens[PLB_MAX_SEGMENTS];
	struct plb_recovery local;
	struct plb_super sb;
	struct buffer b;
	struct logf l;
	bool blank;
	int rc;

	if (!buffer_path || !log_path || !fn)
		return fail(-EINVAL, "plb_recover needs a buffer, a log file and a callback");
	if (!st)
		st = &local;
	memset(st, 0, sizeof(*st));
	rc = buffer_attach(&b, buffer_path, 0, 0, false);
	if (rc)
		return rc;
	rc = super_read(&b, &sb);
	if (rc < 0)
		goto detach_buffer;
	blank = rc == 1;
	if (!blank) {
		rc = segs_read(&b, &sb, gens);
		if (rc)
			goto detach_buffer;
	}
	rc = log_attach(&l, log_path, false);
	if (rc)
		goto detach_log;
	if (!blank && l.has_header && l.buffer_id != sb.buffer_id) {
		rc = fail(-EINVAL, "log file %s belongs to another buffer (id %016llx; %s is %016llx)",
			  log_path, (unsigned long long)l.buffer_id, buffer_path,
			  (unsigned long long)sb.buffer_id);
		goto detach_log;
	}
	rc = log_scan(&l, seed_of(l.buffer_id), user_replay, &u);
	if (rc)
		goto detach_log;
	st->from_log = l.records;
	st->last_lsn = l.last_lsn;
	st->log_torn_bytes = l.has_header ? l.size - l.valid_end : l.size;
	if (!blank)
		rc = buffer_replay(&b, &sb, gens, l.last_lsn, user_replay, &u, st);

detach_log:
	log_detach(&l);
detach_buffer:
	buffer_detach(&b);
	return rc;
}

/* ---------------------------------------------------------------- plb */

enum seg_state { SEG_FREE, SEG_ACTIVE, SEG_FULL };

struct seg {
	enum seg_state state;
	uint64_t gen;		/* what the segment header holds */
	uint64_t used;		/* record bytes, when FULL */
};

struct plb {
	struct buffer buf;
	struct plb_super sb;
	uint32_t seed;
	uint32_t max_record;
	int log_fd;
	char *log_path;
	plb_hook_fn hook;
	void *hook_ctx;

	/* commit_lock: the commit side */
	pthread_mutex_t commit_lock;
	uint32_t active;
	uint64_t active_used;
	uint64_t active_gen;
	uint64_t next_lsn;

	/* state_lock: segment states and the hardener's outcome */
	pthread_mutex_t state_lock;
	pthread_cond_t state_cond;
	struct seg seg[PLB_MAX_SEGMENTS];
	uint32_t harden_next;	/* the oldest full segment, if any */
	bool stopping;
	int error;		/* sticky: the hardener failed */
	char error_why[sizeof(why_buf)];

	/* the hardener's alone */
	uint64_t log_end;
	pthread_t hardener;
};

static void hook(struct plb *plb, enum plb_hook_point point, uint64_t arg)
{
	if (plb->hook)
		plb->hook(plb->hook_ctx, point, arg);
}

void plb_set_test_hook(struct plb *plb, plb_hook_fn fn, void *ctx)
{
	plb->hook = fn;
	plb->hook_ctx = ctx;
}

/*
 * Append segment @i's @used record bytes to the log file and make them
 * durable there; only then bump its generation, which frees it. A crash
 * between the two leaves the records in both places; recovery skips the
 * buffer's copies by LSN.
 */
static int harden_segment(struct plb *plb, uint32_t i, uint64_t used)
{
	uint64_t off = seg_first_record(&plb->sb, i);
	int rc;

	rc = log_write(plb->log_fd, plb->log_path, media_at(&plb->buf, off), used, plb->log_end);
	if (rc)
		return rc;
	if (fdatasync(plb->log_fd))
		return fail(-errno, "log file %s: fdatasync: %s", plb->log_path, strerror(errno));
	plb->log_end += used;
	hook(plb, PLB_HOOK_LOG_SYNCED, i);
	media_store_u64(&plb->buf, seg_offset(&plb->sb, i), plb->seg[i].gen + 1);
	return 0;
}

static void *hardener(void *arg)
{
	struct plb *plb = arg;

	pthread_mutex_lock(&plb->state_lock);
	for (;;) {
		uint32_t i = plb->harden_next;
		uint64_t used;
		int rc;

		while (plb->seg[i].state != SEG_FULL && !plb->stopping)
			pthread_cond_wait(&plb->state_cond, &plb->state_lock);
		if (plb->seg[i].state != SEG_FULL)
			break;	/* stopping, and nothing left */
		used = plb->seg[i].used;
		pthread_mutex_unlock(&plb->state_lock);

		rc = harden_segment(plb, i, used);

		pthread_mutex_lock(&plb->state_lock);
		if (rc) {
			/* plb_commit() reads it without state_lock, to fail fast */
			__atomic_store_n(&plb->error, rc, __ATOMIC_RELEASE);
			snprintf(plb->error_why, sizeof(plb->error_why),
				 "hardening segment %u failed, no commit is taken: %.190s", i, plb_why());
			pthread_cond_broadcast(&plb->state_cond);
			break;
		}
		plb->seg[i].gen++;
		plb->seg[i].state = SEG_FREE;
		plb->seg[i].used = 0;
		plb->harden_next = (i + 1) % plb->sb.segments;
		pthread_cond_broadcast(&plb->state_cond);
	}
	pthread_mutex_unlock(&plb->state_lock);
	return NULL;
}

/* With state_lock held: the hardener's error for plb_why(). */
static int hardener_failed(struct plb *plb)
{
	return fail(plb->error, "%s", plb->error_why);
}

/*
 * With commit_lock held: hand the active segment to the hardener, then wait
 * until the next one is free. Segments are used and hardened in ring order,
 * so the next one is always the oldest full one.
 */
static int next_segment(struct plb *plb)
{
	uint32_t next = (plb->active + 1) % plb->sb.segments;
	int rc = 0;

	pthread_mutex_lock(&plb->state_lock);
	plb->seg[plb->active].state = SEG_FULL;
	plb->seg[plb->active].used = plb->active_used;
	pthread_cond_broadcast(&plb->state_cond);
	while (plb->seg[next].state != SEG_FREE && !plb->error)
		pthread_cond_wait(&plb->state_cond, &plb->state_lock);
	if (plb->error) {
		rc = hardener_failed(plb);
	} else {
		plb->seg[next].state = SEG_ACTIVE;
		plb->active = next;
		plb->active_used = 0;
		plb->active_gen = plb->seg[next].gen;
	}
	pthread_mutex_unlock(&plb->state_lock);
	return rc;
}

int plb_commit(struct plb *plb, const void *rec, size_t len, uint64_t *lsn)
{
	struct plb_rec_header h;
	uint64_t span, off;
	uint8_t *p;
	int rc = 0;

	if (!plb || (!rec && len))
		return fail(-EINVAL, "plb_commit needs a handle and a record");
	if (!len)
		return fail(-EINVAL, "an empty record: a commit carries at least one byte");
	if (len > plb->max_record)
		return fail(-EMSGSIZE, "a record of %zu bytes: a segment of this buffer holds at most %u",
			    len, plb->max_record);
	span = plb_record_span(len);

	pthread_mutex_lock(&plb->commit_lock);
	if (__atomic_load_n(&plb->error, __ATOMIC_ACQUIRE)) {
		pthread_mutex_lock(&plb->state_lock);
		rc = hardener_failed(plb);
		pthread_mutex_unlock(&plb->state_lock);
		goto unlock;
	}
	if (plb->active_used + span > seg_capacity(&plb->sb)) {
		rc = next_segment(plb);
		if (rc)
			goto unlock;
	}
	off = seg_first_record(&plb->sb, plb->active) + plb->active_used;
	p = media_at(&plb->buf, off);

	h.status = 0;
	h.lsn = plb->next_lsn;
	h.generation = plb->active_gen;
	h.length = len;
	h.checksum = record_checksum(plb->seed, &h, rec);
	memcpy(p, &h, sizeof(h));
	memcpy(p + sizeof(h), rec, len);
	memset(p + sizeof(h) + len, 0, span - sizeof(h) - len);
	/* the whole record on the media before the status word that validates it */
	media_persist(&plb->buf, off, span);
	hook(plb, PLB_HOOK_BEFORE_STATUS, h.lsn);
	media_store_u64(&plb->buf, off + offsetof(struct plb_rec_header, status), h.generation);

	plb->active_used += span;
	if (lsn)
		*lsn = plb->next_lsn;
	plb->next_lsn++;
unlock:
	pthread_mutex_unlock(&plb->commit_lock);
	return rc;
}

void plb_get_info(struct plb *plb, struct plb_info *info)
{
	memset(info, 0, sizeof(*info));
	info->buffer_size = plb->sb.buffer_size;
	info->seg_size = plb->sb.seg_size;
	info->segments = plb->sb.segments;
	info->max_record = plb->max_record;
	info->buffer_id = plb->sb.buffer_id;
	info->flush = flush_names[plb->buf.flush];
	info->durable = plb->buf.durable;
	info->devdax = plb->buf.devdax;
	pthread_mutex_lock(&plb->commit_lock);
	info->next_lsn = plb->next_lsn;
	pthread_mutex_unlock(&plb->commit_lock);
}

/* ------------------------------------------------------------- plb_open */

/* Recovery at open: the buffer's records the log lacks, appended to it. */
struct append {
	struct logf *log;
	uint64_t off;		/* where the next bytes go in the log file */
	const uint8_t *pending;	/* records contiguous in the buffer, not written yet */
	uint64_t pending_len;
};

static int append_flush(struct append *a)
{
	int rc = 0;

	if (a->pending_len)
		rc = log_write(a->log->fd, a->log->path, a->pending, a->pending_len, a->off);
	a->off += a->pending_len;
	a->pending_len = 0;
	return rc;
}

static int append_record(void *ctx, const struct plb_rec_header *h, const uint8_t *rec)
{
	struct append *a = ctx;
	int rc = 0;

	if (a->pending + a->pending_len != rec)
		rc = append_flush(a);
	if (!a->pending_len)
		a->pending = rec;
	a->pending_len += plb_record_span(h->length);
	return rc;
}

/*
 * Bring a buffer and its log file to the state plb_commit() starts from:
 * the buffer formatted and empty, every record in the log file. What a
 * crash left in the buffer is appended to the log (its torn tail cut off
 * first) and made durable before any segment is emptied.
 */
/*
 * The buffer's superblock and segment generations into plb->sb and @gens:
 * as they are, or formatted anew (PLB_FORMAT, or no superblock yet).
 */
static int open_super(struct plb *plb, struct logf *l, uint64_t size, unsigned int flags,
		      uint64_t *gens)
{
	struct buffer *b = &plb->buf;
	int rc;

	rc = super_read(b, &plb->sb);
	if (rc < 0 && !(flags & PLB_FORMAT))
		return rc;
	if (rc == 0 && !(flags & PLB_FORMAT)) {
		if (size && size != plb->sb.buffer_size)
			return fail(-EINVAL, "%s holds a buffer of %llu bytes, not the %llu asked for (PLB_FORMAT formats it anew)",
				    b->path, (unsigned long long)plb->sb.buffer_size,
				    (unsigned long long)size);
		rc = segs_read(b, &plb->sb, gens);
		if (rc)
			return rc;
		if (l->has_header && l->buffer_id != plb->sb.buffer_id)
			return fail(-EINVAL, "log file %s belongs to another buffer (id %016llx; %s is %016llx)",
				    l->path, (unsigned long long)l->buffer_id, b->path,
				    (unsigned long long)plb->sb.buffer_id);
		return 0;
	}
	/* a new format takes the log's id: its records keep their checksums */
	rc = size_check(b->len, b->devdax, b->path);
	if (rc)
		return rc;
	buffer_format(b, b->len, l->has_header ? l->buffer_id : random_u64(), &plb->sb);
	return segs_read(b, &plb->sb, gens);
}

/*
 * The records of the buffer that the log file lacks, appended to it and
 * made durable there; only then is every segment emptied.
 */
static int open_drain(struct plb *plb, struct logf *l, uint64_t *gens)
{
	struct buffer *b = &plb->buf;
	struct plb_recovery st;
	struct append a;
	int rc;

	memset(&a, 0, sizeof(a));
	a.log = l;
	a.off = l->valid_end;
	memset(&st, 0, sizeof(st));
	rc = buffer_replay(b, &plb->sb, gens, l->last_lsn, append_record, &a, &st);
	if (!rc)
		rc = append_flush(&a);
	if (rc)
		return rc;
	if (fdatasync(l->fd))
		return fail(-errno, "log file %s: fdatasync: %s", l->path, strerror(errno));

	/* every record is in the log file now: empty every segment */
	for (uint32_t i = 0; i < plb->sb.segments; i++) {
		gens[i]++;
		media_store_u64(b, seg_offset(&plb->sb, i), gens[i]);
		plb->seg[i].gen = gens[i];
	}
	plb->log_end = a.off;
	plb->next_lsn = (st.last_lsn ? st.last_lsn : l->last_lsn) + 1;
	return 0;
}

static int open_recover(struct plb *plb, struct logf *l, uint64_t size, unsigned int flags)
{
	struct buffer *b = &plb->buf;
	uint64_t gens[PLB_MAX_SEGMENTS];
	struct plb_recovery st;
	int rc;

	rc = open_super(plb, l, size, flags, gens);
	if (rc)
		return rc;
	plb->seed = seed_of(plb->sb.buffer_id);
	rc = log_scan(l, plb->seed, NULL, NULL);
	if (rc)
		return rc;
	/* a dry run first: refuse before changing anything */
	memset(&st, 0, sizeof(st));
	rc = buffer_replay(b, &plb->sb, gens, l->last_lsn, NULL, NULL, &st);
	if (rc)
		return rc;
	if (st.unreachable)
		return fail(-EUCLEAN, "%s: %llu records in the buffer do not continue the log file %s (it ends at LSN %llu): a log of this buffer that lost records; plb_recover() reads them",
			    b->path, (unsigned long long)st.unreachable, l->path,
			    (unsigned long long)l->last_lsn);

	if (!l->has_header) {
		rc = log_write_header(l, plb->sb.buffer_id);
		if (rc)
			return rc;
	} else if (l->valid_end < l->size && ftruncate(l->fd, l->valid_end)) {
		return fail(-errno, "log file %s: cutting its torn tail: %s", l->path,
			    strerror(errno));
	}
	return open_drain(plb, l, gens);
}

/* The first segment active and the hardener thread started. */
static int plb_start(struct plb *plb)
{
	uint64_t cap = seg_capacity(&plb->sb) - PLB_REC_HEADER_SIZE;
	int rc;

	plb->max_record = cap > UINT32_MAX - PLB_LINE ? UINT32_MAX - PLB_LINE : cap;
	plb->active = 0;
	plb->active_used = 0;
	plb->active_gen = plb->seg[0].gen;
	plb->seg[0].state = SEG_ACTIVE;
	pthread_mutex_init(&plb->commit_lock, NULL);
	pthread_mutex_init(&plb->state_lock, NULL);
	pthread_cond_init(&plb->state_cond, NULL);
	rc = pthread_create(&plb->hardener, NULL, hardener, plb);
	if (!rc)
		return 0;
	pthread_cond_destroy(&plb->state_cond);
	pthread_mutex_destroy(&plb->state_lock);
	pthread_mutex_destroy(&plb->commit_lock);
	return fail(-rc, "starting the hardener thread: %s", strerror(rc));
}

int plb_open(const char *buffer_path, const char *log_path, size_t buffer_size,
	     unsigned int flags, struct plb **out)
{
	struct plb *plb;
	struct logf l;
	int rc;

	if (!buffer_path || !log_path || !out)
		return fail(-EINVAL, "plb_open needs a buffer, a log file and a place for the handle");
	if (flags & ~(PLB_ALLOW_NO_MAP_SYNC | PLB_FORMAT))
		return fail(-EINVAL, "unknown flags %#x", flags & ~(PLB_ALLOW_NO_MAP_SYNC | PLB_FORMAT));
	plb = calloc(1, sizeof(*plb));
	if (!plb)
		return fail(-ENOMEM, "out of memory");
	plb->log_path = strdup(log_path);
	if (!plb->log_path) {
		rc = fail(-ENOMEM, "out of memory");
		goto free_plb;
	}
	rc = buffer_attach(&plb->buf, buffer_path, buffer_size, flags, true);
	if (rc)
		goto free_plb;
	if (plb->buf.created) {
		rc = sync_dir_of(buffer_path);
		if (rc)
			goto detach_buffer;
	}
	rc = log_attach(&l, log_path, true);
	if (!rc)
		rc = open_recover(plb, &l, buffer_size, flags);
	if (l.map)
		munmap(l.map, l.size);
	plb->log_fd = l.fd;
	if (rc)
		goto close_log;

	rc = plb_start(plb);
	if (rc)
		goto close_log;
	*out = plb;
	return 0;

close_log:
	if (plb->log_fd >= 0)
		close(plb->log_fd);
detach_buffer:
	buffer_detach(&plb->buf);
free_plb:
	free(plb->log_path);
	free(plb);
	return rc;
}

int plb_close(struct plb *plb)
{
	int rc = 0;

	if (!plb)
		return 0;
	pthread_mutex_lock(&plb->commit_lock);
	pthread_mutex_lock(&plb->state_lock);
	if (plb->active_used) {
		plb->seg[plb->active].state = SEG_FULL;
		plb->seg[plb->active].used = plb->active_used;
		plb->active_used = 0;
	}
	for (;;) {
		bool full = false;

		for (uint32_t i = 0; i < plb->sb.segments; i++)
			full |= plb->seg[i].state == SEG_FULL;
		if (!full || plb->error)
			break;
		pthread_cond_broadcast(&plb->state_cond);
		pthread_cond_wait(&plb->state_cond, &plb->state_lock);
	}
	if (plb->error)
		rc = hardener_failed(plb);
	plb->stopping = true;
	pthread_cond_broadcast(&plb->state_cond);
	pthread_mutex_unlock(&plb->state_lock);
	pthread_mutex_unlock(&plb->commit_lock);
	pthread_join(plb->hardener, NULL);

	pthread_cond_destroy(&plb->state_cond);
	pthread_mutex_destroy(&plb->state_lock);
	pthread_mutex_destroy(&plb->commit_lock);
	close(plb->log_fd);
	buffer_detach(&plb->buf);
	free(plb->log_path);
	free(plb);
	return rc;
}
