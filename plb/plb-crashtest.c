// SPDX-License-Identifier: GPL-2.0
/*
 * plb-crashtest: commit records until killed, then check what recovery
 * gives back.
 *
 *   plb-crashtest write BUFFER LOG [options]
 *       opens (recovering) the buffer and commits records forever (or
 *       --count of them); after each plb_commit() returns, prints the
 *       acknowledged LSN on stdout, one line, one write(2).
 *   plb-crashtest verify BUFFER LOG ACKED
 *       recovers read-only and checks: LSNs contiguous from 1, every record
 *       whole (its body regenerates from its header), each writer thread's
 *       records in order without a gap, each session starting right after
 *       the one before, and every LSN listed in the file ACKED present.
 *       One summary line; exit status 0 only if all holds.
 *
 * A record's payload is a struct ct_head and a body of 1..4000 bytes,
 * pseudo-random from (session, thread, seq). The session is the LSN the
 * writer's first commit gets (plb_info.next_lsn at open): with one thread
 * a record's LSN is session + seq, so the payload encodes its own LSN.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plb.h"
#include "tool.h"

#define CT_MAGIC	0x48534152434c4250ULL	/* "PBLCRASH" */
#define CT_BODY_MAX	4000U
#define CT_THREADS_MAX	64U

struct ct_head {
	uint64_t magic;
	uint64_t session;
	uint64_t seq;		/* the thread's record number in the session, from 0 */
	uint32_t thread;
	uint32_t threads;
	uint32_t body_len;
	uint32_t reserved;
};

/* splitmix64: a body, and its length, from the record's identity */
static uint64_t mix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t record_seed(const struct ct_head *h)
{
	return h->session * 0x100000001b3ULL ^ ((uint64_t)h->thread << 48) ^ h->seq;
}

static void fill_body(const struct ct_head *h, uint8_t *body)
{
	uint64_t s = record_seed(h) ^ 0xb0d1;

	for (uint32_t i = 0; i < h->body_len; i += 8) {
		uint64_t v = mix(&s);

		memcpy(body + i, &v, h->body_len - i < 8 ? h->body_len - i : 8);
	}
}

static uint32_t body_len_of(const struct ct_head *h)
{
	uint64_t s = record_seed(h);

	return 1 + mix(&s) % CT_BODY_MAX;
}

static int usage(void)
{
	fprintf(stderr,
		"usage: plb-crashtest write BUFFER LOG [--size BYTES] [--threads N] [--count N]\n"
		"                         [--allow-no-map-sync] [--format]\n"
		"       plb-crashtest verify BUFFER LOG ACKED\n"
		"write commits records until killed (or --count per thread), printing each\n"
		"acknowledged LSN; verify recovers and checks them (see the source's header).\n"
		"--size: the buffer's size (default: 64K for a new file, else what is there:\n"
		"the file's size, or a devdax device's from sysfs).\n");
	return 2;
}

/* ---------------------------------------------------------------- write */

struct writer {
	struct plb *plb;
	uint64_t session;
	uint32_t thread, threads;
	uint64_t count;		/* 0: forever */
	int rc;
	pthread_t tid;
};

static void *write_records(void *arg)
{
	struct writer *w = arg;
	uint8_t rec[sizeof(struct ct_head) + CT_BODY_MAX];
	struct ct_head *h = (struct ct_head *)rec;

	for (uint64_t seq = 0; !w->count || seq < w->count; seq++) {
		char line[32];
		uint64_t lsn;
		int n;

		memset(h, 0, sizeof(*h));
		h->magic = CT_MAGIC;
		h->session = w->session;
		h->seq = seq;
		h->thread = w->thread;
		h->threads = w->threads;
		h->body_len = body_len_of(h);
		fill_body(h, rec + sizeof(*h));
		w->rc = plb_commit(w->plb, rec, sizeof(*h) + h->body_len, &lsn);
		if (w->rc) {
			fprintf(stderr, "plb-crashtest: commit: %s\n", plb_why());
			return NULL;
		}
		/* one write(2) per line: a kill never leaves half a number */
		n = snprintf(line, sizeof(line), "%llu\n", (unsigned long long)lsn);
		if (write(STDOUT_FILENO, line, n) != n) {
			perror("plb-crashtest: writing an acknowledged LSN");
			w->rc = -EIO;
			return NULL;
		}
	}
	return NULL;
}

static int cmd_write(int argc, char **argv)
{
	struct writer w[CT_THREADS_MAX];
	uint64_t size = 0, threads = 1, count = 0;
	unsigned int flags = 0;
	struct plb_info info;
	struct plb *plb;
	int rc, bad = 0;

	if (argc < 4)
		return usage();
	for (int i = 4; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(argv[i], "--size") && !parse_size(v, &size))
			i++;
		else if (!strcmp(argv[i], "--threads") && !parse_u64(v, &threads) &&
			 threads >= 1 && threads <= CT_THREADS_MAX)
			i++;
		else if (!strcmp(argv[i], "--count") && !parse_u64(v, &count))
			i++;
		else if (!strcmp(argv[i], "--allow-no-map-sync"))
			flags |= PLB_ALLOW_NO_MAP_SYNC;
		else if (!strcmp(argv[i], "--format"))
			flags |= PLB_FORMAT;
		else
			return usage();
	}
	if (!size && access(argv[2], F_OK))
		size = 64 << 10;
	rc = plb_open(argv[2], argv[3], size, flags, &plb);
	if (rc) {
		fprintf(stderr, "plb-crashtest: %s\n", plb_why());
		return 1;
	}
	plb_get_info(plb, &info);
	fprintf(stderr, "plb-crashtest: writing from LSN %llu, %llu thread(s), %s, %s\n",
		(unsigned long long)info.next_lsn, (unsigned long long)threads, info.flush,
		info.durable ? "durable against power cuts" : "durable against process death only");
	for (uint32_t t = 0; t < threads; t++) {
		w[t] = (struct writer){ .plb = plb, .session = info.next_lsn, .thread = t,
					.threads = threads, .count = count };
		if (pthread_create(&w[t].tid, NULL, write_records, &w[t])) {
			fprintf(stderr, "plb-crashtest: cannot start thread %u\n", t);
			return 1;
		}
	}
	for (uint32_t t = 0; t < threads; t++) {
		pthread_join(w[t].tid, NULL);
		bad |= w[t].rc;
	}
	rc = plb_close(plb);
	if (rc)
		fprintf(stderr, "plb-crashtest: close: %s\n", plb_why());
	return bad || rc ? 1 : 0;
}

/* --------------------------------------------------------------- verify */

struct stream {
	uint64_t session;
	uint32_t thread;
	uint64_t next_seq;
};

struct verify {
	uint64_t expect_lsn;	/* the LSN the next record must have */
	uint64_t session;	/* of the last record */
	struct stream *streams;
	size_t nstreams, cap;
	uint8_t body[CT_BODY_MAX];
	char why[256];
};

__attribute__((format(printf, 3, 4)))
static int bad(struct verify *v, uint64_t lsn, const char *fmt, ...)
{
	int n = snprintf(v->why, sizeof(v->why), "LSN %llu: ", (unsigned long long)lsn);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(v->why + n, sizeof(v->why) - n, fmt, ap);
	va_end(ap);
	return 1;
}

static struct stream *stream_of(struct verify *v, uint64_t session, uint32_t thread)
{
	for (size_t i = v->nstreams; i-- > 0;)
		if (v->streams[i].session == session && v->streams[i].thread == thread)
			return &v->streams[i];
	if (v->nstreams == v->cap) {
		size_t cap = v->cap ? 2 * v->cap : 64;
		struct stream *s = realloc(v->streams, cap * sizeof(*s));

		if (!s)
			return NULL;
		v->streams = s;
		v->cap = cap;
	}
	v->streams[v->nstreams] = (struct stream){ .session = session, .thread = thread };
	return &v->streams[v->nstreams++];
}

static int check_record(void *ctx, uint64_t lsn, const void *rec, size_t len)
{
	struct verify *v = ctx;
	struct ct_head h;
	struct stream *s;

	if (lsn != v->expect_lsn)
		return bad(v, lsn, "expected LSN %llu", (unsigned long long)v->expect_lsn);
	v->expect_lsn++;
	if (len < sizeof(h))
		return bad(v, lsn, "a record of %zu bytes is shorter than its header", len);
	memcpy(&h, rec, sizeof(h));
	if (h.magic != CT_MAGIC)
		return bad(v, lsn, "not a plb-crashtest record (magic %016llx)",
			   (unsigned long long)h.magic);
	if (h.body_len != body_len_of(&h) || len != sizeof(h) + h.body_len)
		return bad(v, lsn, "%zu bytes; session %llu thread %u seq %llu has %u + %u",
			   len, (unsigned long long)h.session, h.thread,
			   (unsigned long long)h.seq, (unsigned int)sizeof(h), body_len_of(&h));
	fill_body(&h, v->body);
	if (memcmp(v->body, (const uint8_t *)rec + sizeof(h), h.body_len))
		return bad(v, lsn, "body differs from what session %llu thread %u seq %llu wrote",
			   (unsigned long long)h.session, h.thread, (unsigned long long)h.seq);
	if (h.threads == 1 && lsn != h.session + h.seq)
		return bad(v, lsn, "the record says it is LSN %llu",
			   (unsigned long long)(h.session + h.seq));
	if (h.session != v->session) {
		/* a writer's first commit gets the LSN after everything before */
		if (h.session < v->session || lsn != h.session)
			return bad(v, lsn, "session %llu starts here, after session %llu",
				   (unsigned long long)h.session, (unsigned long long)v->session);
		v->session = h.session;
	}
	s = stream_of(v, h.session, h.thread);
	if (!s)
		return bad(v, lsn, "out of memory");
	if (h.seq != s->next_seq)
		return bad(v, lsn, "session %llu thread %u: seq %llu follows seq %llu",
			   (unsigned long long)h.session, h.thread, (unsigned long long)h.seq,
			   (unsigned long long)s->next_seq - 1);
	s->next_seq++;
	return 0;
}

/* What the writer acknowledged, against what recovery found. */
struct acked {
	uint64_t count, max, missing, first_missing;
};

/*
 * The LSNs of @path (one a line, as the writer acknowledged them) that
 * recovery, ending at @last_lsn, lacks. 0, or 1 with FAIL said.
 */
static int read_acked(const char *path, uint64_t last_lsn, struct acked *ack)
{
	char line[64];
	FILE *f;

	memset(ack, 0, sizeof(*ack));
	f = fopen(path, "re");
	if (!f) {
		printf("verify: FAIL: %s: %s\n", path, strerror(errno));
		return 1;
	}
	/* a line without its newline is a write the kill cut: not acknowledged */
	while (fgets(line, sizeof(line), f)) {
		size_t n = strlen(line);
		uint64_t lsn;

		if (!n || line[n - 1] != '\n')
			break;
		line[n - 1] = '\0';
		if (parse_u64(line, &lsn) || !lsn) {
			printf("verify: FAIL: %s: \"%s\" is not an LSN\n", path, line);
			fclose(f);
			return 1;
		}
		ack->count++;
		ack->max = lsn > ack->max ? lsn : ack->max;
		if (lsn > last_lsn && !ack->missing++)
			ack->first_missing = lsn;
	}
	fclose(f);
	return 0;
}

static int cmd_verify(int argc, char **argv)
{
	struct verify v = { .expect_lsn = 1 };
	struct plb_recovery st;
	struct acked ack;
	int rc;

	if (argc != 5)
		return usage();
	rc = plb_recover(argv[2], argv[3], check_record, &v, &st);
	free(v.streams);
	if (rc < 0) {
		printf("verify: FAIL: recovery: %s\n", plb_why());
		return 1;
	}
	if (rc) {
		printf("verify: FAIL: %s\n", v.why);
		return 1;
	}
	if (read_acked(argv[4], st.last_lsn, &ack))
		return 1;
	if (st.unreachable) {
		printf("verify: FAIL: %llu valid records in the buffer after a gap in the LSNs (recovery ends at LSN %llu)\n",
		       (unsigned long long)st.unreachable, (unsigned long long)st.last_lsn);
		return 1;
	}
	if (ack.missing) {
		printf("verify: FAIL: %llu acknowledged LSNs missing, the first %llu; recovery ends at LSN %llu\n",
		       (unsigned long long)ack.missing, (unsigned long long)ack.first_missing,
		       (unsigned long long)st.last_lsn);
		return 1;
	}
	printf("verify: ok: %llu records, LSN 1..%llu, whole and in order; %llu acknowledged (up to LSN %llu) all present; log file %llu, buffer %llu, %llu duplicates skipped, %llu torn log bytes ignored\n",
	       (unsigned long long)st.last_lsn, (unsigned long long)st.last_lsn,
	       (unsigned long long)ack.count, (unsigned long long)ack.max,
	       (unsigned long long)st.from_log, (unsigned long long)st.from_buffer,
	       (unsigned long long)st.duplicates, (unsigned long long)st.log_torn_bytes);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "write"))
		return cmd_write(argc, argv);
	if (argc >= 2 && !strcmp(argv[1], "verify"))
		return cmd_verify(argc, argv);
	return usage();
}
