// SPDX-License-Identifier: GPL-2.0
/*
 * The persisted log buffer (plb/): what a commit acknowledged
 * comes back after a crash, whole, once and in order; what was never
 * acknowledged (a record cut before its status word, half copied, or of an
 * earlier round of a reused segment) never does; damaged headers and bad
 * input are refused with a reason.
 *
 * A crash is a forked child that _exit()s at a chosen point (a test hook
 * of the library, or after its commits): the buffer is a MAP_SHARED file
 * mapping, so what the child stored is what a process death leaves.
 * Power cuts (cache lines lost) are the VM test's business.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "../../plb/plb.h"
#include "../../plb/crc32c.h"

#define SMALL (64U << 10)	/* 4 segments of 15 KiB: wraps after a few records */
#define FLAGS PLB_ALLOW_NO_MAP_SYNC
#define CRASHED 42		/* a child's exit status when it reached its crash point */
#define REC_MAX 3000U

/* ------------------------------------------------ records the tests write */

/* Length and bytes of the record with LSN @lsn in round @salt. */
static size_t rec_len(uint64_t lsn, size_t fixed)
{
	return fixed ? fixed : 1 + (lsn * 7919) % REC_MAX;
}

static void rec_fill(uint64_t lsn, uint32_t salt, uint8_t *buf, size_t len)
{
	uint64_t s = lsn * 0x9e3779b97f4a7c15ULL + salt;

	for (size_t i = 0; i < len; i++) {
		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		buf[i] = s;
	}
}

/* Commit LSNs @from .. @from + @n - 1; 0, or the failing call's error. */
static int commit_n(struct plb *plb, uint64_t from, uint64_t n, uint32_t salt, size_t fixed)
{
	uint8_t buf[REC_MAX];

	for (uint64_t lsn = from; lsn < from + n; lsn++) {
		size_t len = rec_len(lsn, fixed);
		uint64_t got;
		int rc;

		rec_fill(lsn, salt, buf, len);
		rc = plb_commit(plb, buf, len, &got);
		if (rc)
			return rc;
		if (got != lsn)
			return -ERANGE;
	}
	return 0;
}

/*
 * Open @buf (made SMALL if new), commit LSNs @from .. @from + @n - 1 of
 * round @salt, close: 0 or the first error.
 */
static int commit_closed(const char *buf, const char *log, uint64_t from, uint64_t n,
			 uint32_t salt, size_t fixed)
{
	struct plb *plb;
	int rc = plb_open(buf, log, access(buf, F_OK) ? SMALL : 0, FLAGS, &plb);

	if (rc)
		return rc;
	rc = commit_n(plb, from, n, salt, fixed);
	if (plb_close(plb) && !rc)
		rc = -EIO;
	return rc;
}

/* What recovery gave back, checked against what commit_n() wrote. */
struct seen {
	uint64_t n, last;
	uint32_t salt, salt2;	/* salt2 from LSN switch_lsn on */
	uint64_t switch_lsn;
	size_t fixed;
	uint64_t bad_lsn;	/* first record that differs; 0: none */
};

static int expect_records(void *ctx, uint64_t lsn, const void *rec, size_t len)
{
	struct seen *s = ctx;
	uint8_t want[REC_MAX];
	uint32_t salt = s->switch_lsn && lsn >= s->switch_lsn ? s->salt2 : s->salt;

	if (lsn != s->last + 1 || len != rec_len(lsn, s->fixed)) {
		s->bad_lsn = lsn;
		return -EILSEQ;
	}
	rec_fill(lsn, salt, want, len);
	if (memcmp(want, rec, len)) {
		s->bad_lsn = lsn;
		return -EILSEQ;
	}
	s->n++;
	s->last = lsn;
	return 0;
}

/* ------------------------------------------------------------- crashes */

/*
 * Run @fn in a child that ends without plb_close(): by its hook's
 * _exit(CRASHED), or after @fn returns (exit 0, or 1 if it failed).
 * Returns the child's exit status.
 */
static int crash_child(int (*fn)(void *), void *arg)
{
	int status;
	pid_t pid = fork();

	if (pid == 0)
		_exit(fn(arg) ? 1 : 0);
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

struct plb_hook_at {
	enum plb_hook_point point;
	uint64_t arg;		/* LSN or segment; UINT64_MAX: the first time */
};

static void crash_at(void *ctx, enum plb_hook_point point, uint64_t arg)
{
	const struct plb_hook_at *at = ctx;

	if (point == at->point && (at->arg == UINT64_MAX || at->arg == arg))
		_exit(CRASHED);
}

/* A child's work: open, hook, commit @n records from LSN @from; no close. */
struct job {
	const char *buf, *log;
	size_t size;
	unsigned int flags;
	uint64_t from, n;
	uint32_t salt;
	size_t fixed;
	struct plb_hook_at at;
	bool hooked;
	int ack_fd;		/* if > 0: each acknowledged LSN is written here */
};

static int run_job(void *arg)
{
	struct job *j = arg;
	struct plb *plb;
	uint8_t buf[REC_MAX];

	if (plb_open(j->buf, j->log, j->size, j->flags, &plb))
		return -1;
	if (j->hooked)
		plb_set_test_hook(plb, crash_at, &j->at);
	for (uint64_t lsn = j->from; lsn < j->from + j->n; lsn++) {
		size_t len = rec_len(lsn, j->fixed);
		uint64_t got;

		rec_fill(lsn, j->salt, buf, len);
		if (plb_commit(plb, buf, len, &got) || got != lsn)
			return -1;
		if (j->ack_fd > 0 && write(j->ack_fd, &got, sizeof(got)) != sizeof(got))
			return -1;
	}
	return 0;
}

/* The largest LSN written to the read end of an ack pipe (0: none). */
static uint64_t max_acked(int fd)
{
	uint64_t lsn, max = 0;

	while (read(fd, &lsn, sizeof(lsn)) == sizeof(lsn))
		max = lsn > max ? lsn : max;
	return max;
}

/* ------------------------------------------------------------- fixture */

FIXTURE(plb) {
	char dir[64];
	char buf[96];
	char log[96];
	struct plb *plb;
	struct plb_recovery st;
	struct seen seen;
};

FIXTURE_SETUP(plb)
{
	snprintf(self->dir, sizeof(self->dir), "/tmp/plb-test.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->buf, sizeof(self->buf), "%s/buffer", self->dir);
	snprintf(self->log, sizeof(self->log), "%s/log", self->dir);
	memset(&self->seen, 0, sizeof(self->seen));
	self->seen.salt = 1;
	self->plb = NULL;
}

FIXTURE_TEARDOWN(plb)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", self->dir);
	if (system(cmd))
		TH_LOG("could not remove %s", self->dir);
}

/*
 * Recover into self->seen and self->st: how many records came back, each
 * the one committed with its LSN, or -errno (-EILSEQ: LSN seen.bad_lsn is
 * not the record committed).
 */
static long long recovered(FIXTURE_DATA(plb) *self, const char *log)
{
	struct seen *s = &self->seen;
	int rc;

	*s = (struct seen){ .salt = s->salt, .salt2 = s->salt2, .switch_lsn = s->switch_lsn,
			    .fixed = s->fixed };
	rc = plb_recover(self->buf, log, expect_records, s, &self->st);
	if (rc == -EILSEQ)
		fprintf(stderr, "# LSN %llu is not the record committed\n",
			(unsigned long long)s->bad_lsn);
	return rc ? rc : (long long)s->n;
}

/* A pointer into the buffer file, mapped for a test to damage it. */
static uint8_t *map_file(const char *path, size_t *len)
{
	struct stat st;
	uint8_t *p;
	int fd = open(path, O_RDWR);

	if (fd < 0 || fstat(fd, &st))
		return NULL;
	p = mmap(NULL, st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	*len = st.st_size;
	return p == MAP_FAILED ? NULL : p;
}

TEST(crc32c_is_castagnoli_in_both_forms)
{
	uint8_t buf[5000];

	EXPECT_EQ(0xe3069283, crc32c_table(0, "123456789", 9));
	EXPECT_EQ(0xe3069283, plb_crc32c(0, "123456789", 9));
	rec_fill(7, 7, buf, sizeof(buf));
	EXPECT_EQ(crc32c_table(crc32c_table(0, buf, 1234), buf + 1234, sizeof(buf) - 1234),
		  crc32c_table(0, buf, sizeof(buf)));
	if (!crc32c_have_sse42())
		SKIP(return, "no SSE4.2: the table is all there is");
	EXPECT_EQ(0xe3069283, crc32c_sse42(0, "123456789", 9));
	for (size_t off = 0; off < 9; off++)
		EXPECT_EQ(crc32c_table(0, buf + off, sizeof(buf) - 2 * off),
			  crc32c_sse42(0, buf + off, sizeof(buf) - 2 * off));
}

TEST_F(plb, committed_records_come_back_whole_in_order_after_close)
{
	struct plb_info info;

	ASSERT_EQ(0, plb_open(self->buf, self->log, 1 << 20, FLAGS, &self->plb));
	plb_get_info(self->plb, &info);
	EXPECT_EQ(1, info.next_lsn);
	EXPECT_EQ(PLB_SEGMENTS, info.segments);
	EXPECT_EQ(0, info.durable);
	ASSERT_EQ(0, commit_n(self->plb, 1, 200, 1, 0));
	ASSERT_EQ(0, plb_close(self->plb));

	ASSERT_EQ(200, recovered(self, self->log));
	EXPECT_EQ(200, self->st.last_lsn);
	EXPECT_EQ(200, self->st.from_log);
	EXPECT_EQ(0, self->st.from_buffer);	/* close left the buffer empty */
}

/* Each write-back instruction the CPU has carries a round trip; PLB_FLUSH picks it. */
TEST_F(plb, every_write_back_instruction_commits_and_recovers)
{
	static const char *const kinds[] = { "clwb", "clflushopt", "clflush" };
	struct plb_info info;

	for (int k = 0; k < 3; k++) {
		int rc;

		setenv("PLB_FLUSH", kinds[k], 1);
		rc = plb_open(self->buf, self->log, SMALL, FLAGS, &self->plb);
		if (rc == -ENOTSUP) {
			TH_LOG("this CPU has no %s", kinds[k]);
			continue;
		}
		ASSERT_EQ(0, rc);
		plb_get_info(self->plb, &info);
		EXPECT_STREQ(kinds[k], info.flush);
		ASSERT_EQ(0, commit_n(self->plb, 100 * k + 1, 100, 1, 0));
		ASSERT_EQ(0, plb_close(self->plb));
		ASSERT_EQ(100 * k + 100, recovered(self, self->log));
	}
	setenv("PLB_FLUSH", "wbinvd", 1);
	EXPECT_EQ(-EINVAL, plb_open(self->buf, self->log, SMALL, FLAGS, &self->plb));
	EXPECT_NE(NULL, strstr(plb_why(), "PLB_FLUSH=wbinvd"));
	unsetenv("PLB_FLUSH");
}

TEST_F(plb, acknowledged_commits_survive_a_crash_and_the_next_open_continues)
{
	struct job j = { .buf = self->buf, .log = self->log, .size = SMALL, .flags = FLAGS,
			 .from = 1, .n = 50, .salt = 1 };

	ASSERT_EQ(0, crash_child(run_job, &j));
	ASSERT_EQ(50, recovered(self, self->log));
	EXPECT_LT(0, self->st.from_log);	/* 50 records overflow a 64 KiB buffer */
	EXPECT_LT(0, self->st.from_buffer);

	/* the next open hardens what the crash left and continues at 51 */
	ASSERT_EQ(0, commit_closed(self->buf, self->log, 51, 10, 1, 0));
	ASSERT_EQ(60, recovered(self, self->log));
	EXPECT_EQ(60, self->st.from_log);
}

TEST_F(plb, commits_wrap_around_the_segments_many_times_in_order)
{
	struct job j = { .buf = self->buf, .log = self->log, .size = SMALL, .flags = FLAGS,
			 .from = 1, .n = 2000, .salt = 1 };
	struct stat st;

	/* ~3 MB of records through a 64 KiB buffer, then a crash */
	ASSERT_EQ(0, crash_child(run_job, &j));
	ASSERT_EQ(2000, recovered(self, self->log));
	EXPECT_LT(1900, self->st.from_log);
	ASSERT_EQ(0, stat(self->log, &st));
	EXPECT_LT(20 * SMALL, st.st_size);

	ASSERT_EQ(0, commit_closed(self->buf, self->log, 2001, 2000, 1, 0));
	ASSERT_EQ(4000, recovered(self, self->log));
	EXPECT_EQ(0, self->st.duplicates);
}

/* Four threads commit at once; every LSN is handed out once, every record is back. */
struct committer {
	struct plb *plb;
	uint32_t thread;
	uint64_t lsns[500];
	int rc;
};

static void *commit_thread(void *arg)
{
	struct committer *c = arg;
	uint8_t buf[64];

	for (uint32_t i = 0; i < 500 && !c->rc; i++) {
		memset(buf, 0, sizeof(buf));
		memcpy(buf, &c->thread, 4);
		memcpy(buf + 4, &i, 4);
		c->rc = plb_commit(c->plb, buf, 8 + i % 56, &c->lsns[i]);
	}
	return NULL;
}

struct by_lsn {
	uint32_t thread[2001], seq[2001];
	bool taken[2001];
	uint64_t n, last;
	bool bad;
};

static int check_by_lsn(void *ctx, uint64_t lsn, const void *rec, size_t len)
{
	struct by_lsn *b = ctx;
	uint32_t t, i;

	memcpy(&t, rec, 4);
	memcpy(&i, (const uint8_t *)rec + 4, 4);
	if (lsn != b->last + 1 || lsn > 2000 || t != b->thread[lsn] || i != b->seq[lsn] ||
	    len != 8 + i % 56)
		b->bad = true;
	b->n++;
	b->last = lsn;
	return 0;
}

TEST_F(plb, concurrent_commits_get_distinct_lsns_and_all_come_back)
{
	struct committer c[4];
	pthread_t tid[4];
	struct by_lsn *b = calloc(1, sizeof(*b));

	ASSERT_NE(NULL, b);
	ASSERT_EQ(0, plb_open(self->buf, self->log, SMALL, FLAGS, &self->plb));
	for (uint32_t t = 0; t < 4; t++) {
		c[t] = (struct committer){ .plb = self->plb, .thread = t };
		ASSERT_EQ(0, pthread_create(&tid[t], NULL, commit_thread, &c[t]));
	}
	for (uint32_t t = 0; t < 4; t++) {
		pthread_join(tid[t], NULL);
		EXPECT_EQ(0, c[t].rc);
	}
	ASSERT_EQ(0, plb_close(self->plb));
	for (uint32_t t = 0; t < 4; t++)
		for (uint32_t i = 0; i < 500; i++) {
			uint64_t lsn = c[t].lsns[i];

			ASSERT_TRUE(lsn >= 1 && lsn <= 2000);
			ASSERT_FALSE(b->taken[lsn]);	/* never handed out twice */
			b->taken[lsn] = true;
			b->thread[lsn] = t;
			b->seq[lsn] = i;
			if (i)	/* a thread's commits are ordered as it made them */
				ASSERT_LT(c[t].lsns[i - 1], lsn);
		}
	ASSERT_EQ(0, plb_recover(self->buf, self->log, check_by_lsn, b, &self->st));
	EXPECT_FALSE(b->bad);
	EXPECT_EQ(2000, b->n);
	free(b);
}

struct order {
	const char *buf, *log;
	struct plb *plb;
	int ack_fd;
	int wake[2];
	uint64_t stop_lsn;
};

static void *late_committer(void *arg)
{
	struct order *o = arg;
	uint64_t lsn;
	char c;

	if (read(o->wake[0], &c, 1) != 1)
		return NULL;
	if (!plb_commit(o->plb, "B", 1, &lsn))
		if (write(o->ack_fd, &lsn, sizeof(lsn)) != sizeof(lsn))
			_exit(1);
	return NULL;
}

static void wake_b_then_crash(void *ctx, enum plb_hook_point point, uint64_t lsn)
{
	struct order *o = ctx;

	if (point != PLB_HOOK_BEFORE_STATUS || lsn != o->stop_lsn)
		return;
	if (write(o->wake[1], "x", 1) != 1)
		_exit(1);
	usleep(200000);
	_exit(CRASHED);
}

static int order_child(void *arg)
{
	struct order *o = arg;
	pthread_t b;
	uint64_t lsn;

	if (plb_open(o->buf, o->log, SMALL, FLAGS, &o->plb) ||
	    pthread_create(&b, NULL, late_committer, o))
		return -1;
	plb_set_test_hook(o->plb, wake_b_then_crash, o);
	for (;;) {
		if (plb_commit(o->plb, "A", 1, &lsn))
			return -1;
		if (write(o->ack_fd, &lsn, sizeof(lsn)) != sizeof(lsn))
			return -1;
	}
}

static int any_record(void *ctx, uint64_t lsn, const void *rec, size_t len)
{
	return 0;
}

/*
 * The ordering rule: thread A stops between writing back its record and
 * storing the status word (the hook), wakes thread B and lets it run for
 * 200 ms before the crash. B's commit must not be acknowledged meanwhile:
 * recovery ends before A's record, so an acknowledged B would be lost.
 */
TEST_F(plb, an_acknowledged_commit_never_depends_on_an_unacknowledged_earlier_one)
{
	struct order o = { .buf = self->buf, .log = self->log, .stop_lsn = 5 };
	int ack[2];
	uint64_t acked;

	ASSERT_EQ(0, pipe(ack));
	ASSERT_EQ(0, pipe(o.wake));
	o.ack_fd = ack[1];
	ASSERT_EQ(CRASHED, crash_child(order_child, &o));
	close(ack[1]);
	acked = max_acked(ack[0]);
	close(ack[0]);
	ASSERT_EQ(0, plb_recover(self->buf, self->log, any_record, NULL, &self->st));
	EXPECT_LE(acked, self->st.last_lsn);
	EXPECT_EQ(4, self->st.last_lsn);
	EXPECT_EQ(4, acked);
}

TEST_F(plb, stale_records_of_an_earlier_round_are_not_replayed)
{
	struct job j = { .buf = self->buf, .log = self->log, .size = SMALL, .flags = FLAGS,
			 .from = 1, .n = 3, .salt = 2, .fixed = 500 };
	char log2[128];

	/* round 1: ten records in segment 0, hardened, the segments emptied */
	ASSERT_EQ(0, commit_closed(self->buf, self->log, 1, 10, 1, 500));
	/*
	 * Round 2 starts a new log, so LSNs start at 1 again and land on the
	 * same offsets: 1..3 are rewritten, round 1's 4..10 stay behind them
	 * with their own generation.
	 */
	snprintf(log2, sizeof(log2), "%s/log2", self->dir);
	j.log = log2;
	ASSERT_EQ(0, crash_child(run_job, &j));
	self->seen.salt = 2;
	self->seen.fixed = 500;
	ASSERT_EQ(3, recovered(self, log2));
	EXPECT_EQ(3, self->st.from_buffer);
}

TEST_F(plb, a_format_discards_unhardened_records_for_good)
{
	struct job j = { .buf = self->buf, .log = self->log, .size = SMALL, .flags = FLAGS,
			 .from = 1, .n = 10, .salt = 1, .fixed = 500 };

	ASSERT_EQ(0, crash_child(run_job, &j));
	/* formatting over them: what comes next must not pick them up */
	j.flags |= PLB_FORMAT;
	j.n = 3;
	j.salt = 2;
	ASSERT_EQ(0, crash_child(run_job, &j));
	self->seen.salt = 2;
	self->seen.fixed = 500;
	ASSERT_EQ(3, recovered(self, self->log));
}

TEST_F(plb, a_crash_between_log_sync_and_generation_bump_replays_each_record_once)
{
	struct job j = { .buf = self->buf, .log = self->log, .size = SMALL, .flags = FLAGS,
			 .from = 1, .n = 1000, .salt = 1, .hooked = true,
			 .at = { PLB_HOOK_LOG_SYNCED, UINT64_MAX } };
	int ack[2];
	uint64_t acked;

	ASSERT_EQ(0, pipe(ack));
	j.ack_fd = ack[1];
	ASSERT_EQ(CRASHED, crash_child(run_job, &j));
	close(ack[1]);
	acked = max_acked(ack[0]);
	close(ack[0]);
	ASSERT_LT(0, acked);

	ASSERT_LE((long long)acked, recovered(self, self->log));
	EXPECT_LT(0, self->st.duplicates);	/* segment 0 is in the log and the buffer */
	EXPECT_EQ(self->st.duplicates, self->st.from_log);

	/* the next open appends only what the log lacks */
	ASSERT_EQ(0, plb_open(self->buf, self->log, 0, FLAGS, &self->plb));
	ASSERT_EQ(0, plb_close(self->plb));
	ASSERT_LE((long long)acked, recovered(self, self->log));
	EXPECT_EQ(0, self->st.duplicates);
	EXPECT_EQ(self->seen.n, self->st.from_log);
}

/*
 * The log file cannot grow (RLIMIT_FSIZE: the disk is full): the hardener
 * fails, commits fail with its error and say so, close reports it, and
 * every acknowledged commit is still recovered from the buffer.
 */
static int full_disk_child(void *arg)
{
	struct job *j = arg;
	struct rlimit lim = { 96 << 10, 96 << 10 };
	uint8_t buf[REC_MAX];
	struct plb *plb;
	uint64_t lsn;
	int rc;

	signal(SIGXFSZ, SIG_IGN);
	if (setrlimit(RLIMIT_FSIZE, &lim) || plb_open(j->buf, j->log, 0, FLAGS, &plb))
		return -1;
	for (lsn = 1;; lsn++) {
		rec_fill(lsn, 1, buf, rec_len(lsn, 0));
		rc = plb_commit(plb, buf, rec_len(lsn, 0), NULL);
		if (rc)
			break;
		if (write(j->ack_fd, &lsn, sizeof(lsn)) != sizeof(lsn))
			return -1;
	}
	if (rc != -EFBIG || !strstr(plb_why(), "hardening segment") ||
	    !strstr(plb_why(), "File too large"))
		return -1;
	/* sticky: the next commit fails the same way, at once */
	if (plb_commit(plb, buf, 1, NULL) != -EFBIG || plb_close(plb) != -EFBIG)
		return -1;
	return 0;
}

TEST_F(plb, a_log_that_cannot_grow_stops_commits_and_keeps_the_acknowledged)
{
	struct job j = { .buf = self->buf, .log = self->log };
	int ack[2];
	uint64_t acked;

	ASSERT_EQ(0, plb_open(self->buf, self->log, SMALL, FLAGS, &self->plb));
	ASSERT_EQ(0, plb_close(self->plb));
	ASSERT_EQ(0, pipe(ack));
	j.ack_fd = ack[1];
	ASSERT_EQ(0, crash_child(full_disk_child, &j));
	close(ack[1]);
	acked = max_acked(ack[0]);
	close(ack[0]);
	ASSERT_EQ((long long)acked, recovered(self, self->log));
	EXPECT_LT(0, self->st.from_buffer);
}

TEST_F(plb, a_record_cut_before_its_status_word_is_not_replayed)
{
	struct job j = { .buf = self->buf, .log = self->log, .size = SMALL, .flags = FLAGS,
			 .from = 1, .n = 10, .salt = 1, .hooked = true,
			 .at = { PLB_HOOK_BEFORE_STATUS, 5 } };

	ASSERT_EQ(CRASHED, crash_child(run_job, &j));
	ASSERT_EQ(4, recovered(self, self->log));

	/* LSN 5 is free for the next commit, which overwrites the cut one */
	ASSERT_EQ(0, commit_closed(self->buf, self->log, 5, 1, 2, 0));
	self->seen.salt2 = 2;
	self->seen.switch_lsn = 5;
	ASSERT_EQ(5, recovered(self, self->log));
}

/*
 * A power cut can keep a record's status word and lose part of what it
 * validates (without the fence between them, or with damaged media): the
 * checksum must catch it. Written by hand, after three whole records.
 */
TEST_F(plb, a_half_copied_record_is_ignored_even_with_its_status_word)
{
	struct job j = { .buf = self->buf, .log = self->log, .size = SMALL, .flags = FLAGS,
			 .from = 1, .n = 3, .salt = 1, .fixed = 1000 };
	const struct plb_super *sb;
	struct plb_rec_header h;
	uint8_t payload[1000], *m;
	uint64_t gen, off;
	size_t len;

	ASSERT_EQ(0, crash_child(run_job, &j));
	m = map_file(self->buf, &len);
	ASSERT_NE(NULL, m);
	sb = (const struct plb_super *)m;
	memcpy(&gen, m + PLB_SUPER_SIZE, 8);	/* segment 0's generation */
	off = PLB_SUPER_SIZE + PLB_SEG_HEADER_SIZE + 3 * plb_record_span(1000);

	rec_fill(4, 1, payload, sizeof(payload));
	h = (struct plb_rec_header){ .status = gen, .lsn = 4, .generation = gen, .length = 1000 };
	h.checksum = plb_crc32c((uint32_t)sb->buffer_id ^ (uint32_t)(sb->buffer_id >> 32),
				&h.lsn, 20);
	h.checksum = plb_crc32c(h.checksum, payload, sizeof(payload));
	memcpy(m + off, &h, sizeof(h));
	memcpy(m + off + sizeof(h), payload, 500);	/* half the payload */
	memset(m + off + sizeof(h) + 500, 0, 500);

	self->seen.fixed = 1000;
	ASSERT_EQ(3, recovered(self, self->log));

	/* the whole payload but no status word: not valid either */
	memcpy(m + off + sizeof(h), payload, sizeof(payload));
	memset(m + off, 0, 8);
	ASSERT_EQ(3, recovered(self, self->log));

	/* and with both, it is whole: the hand-made record was right */
	memcpy(m + off, &gen, 8);
	ASSERT_EQ(4, recovered(self, self->log));

	/* a status word with an absurd length behind it ends the segment */
	h.length = UINT32_MAX;
	memcpy(m + off, &h, sizeof(h));
	ASSERT_EQ(3, recovered(self, self->log));
	munmap(m, len);
}

TEST_F(plb, a_torn_log_tail_is_ignored_and_cut_at_the_next_open)
{
	uint8_t junk[100];
	struct stat st;
	int fd;

	ASSERT_EQ(0, commit_closed(self->buf, self->log, 1, 20, 1, 0));
	/* a crash in the middle of an append: the start of record 21 */
	ASSERT_EQ(0, stat(self->log, &st));
	fd = open(self->log, O_RDWR);
	ASSERT_LE(0, fd);
	ASSERT_EQ(sizeof(junk), pread(fd, junk, sizeof(junk), 64));
	memcpy(junk + 8, &(uint64_t){ 21 }, 8);
	ASSERT_EQ(sizeof(junk), pwrite(fd, junk, sizeof(junk), st.st_size));
	close(fd);

	ASSERT_EQ(20, recovered(self, self->log));
	EXPECT_EQ(sizeof(junk), self->st.log_torn_bytes);

	ASSERT_EQ(0, commit_closed(self->buf, self->log, 21, 5, 1, 0));
	ASSERT_EQ(25, recovered(self, self->log));
	EXPECT_EQ(0, self->st.log_torn_bytes);
}

TEST_F(plb, bad_input_is_refused_with_a_reason)
{
	struct plb_info info;
	uint8_t *big;

	EXPECT_EQ(-EINVAL, plb_open(self->buf, self->log, 4096, FLAGS, &self->plb));
	EXPECT_NE(NULL, strstr(plb_why(), "too small"));
	EXPECT_EQ(-EINVAL, plb_open(self->buf, self->log, SMALL + 512, FLAGS, &self->plb));
	EXPECT_NE(NULL, strstr(plb_why(), "multiple of 4 KiB"));
	EXPECT_EQ(-EINVAL, plb_open(self->buf, self->log, SMALL, FLAGS | 0x100, &self->plb));
	EXPECT_NE(NULL, strstr(plb_why(), "unknown flags"));

	ASSERT_EQ(0, plb_open(self->buf, self->log, SMALL, FLAGS, &self->plb));
	plb_get_info(self->plb, &info);
	EXPECT_EQ(info.seg_size - PLB_SEG_HEADER_SIZE - PLB_REC_HEADER_SIZE, info.max_record);
	EXPECT_EQ(-EINVAL, plb_commit(self->plb, "x", 0, NULL));
	EXPECT_NE(NULL, strstr(plb_why(), "empty record"));
	EXPECT_EQ(-EINVAL, plb_commit(self->plb, NULL, 10, NULL));
	big = calloc(1, info.max_record + 1);
	ASSERT_NE(NULL, big);
	EXPECT_EQ(-EMSGSIZE, plb_commit(self->plb, big, info.max_record + 1, NULL));
	EXPECT_NE(NULL, strstr(plb_why(), "holds at most"));
	/* the largest record fills a segment exactly, twice in a row */
	EXPECT_EQ(0, plb_commit(self->plb, big, info.max_record, NULL));
	EXPECT_EQ(0, plb_commit(self->plb, big, info.max_record, NULL));
	free(big);
	/* the buffer has a size now: another one is refused */
	EXPECT_EQ(0, plb_close(self->plb));
	EXPECT_EQ(-EINVAL, plb_open(self->buf, self->log, 2 * SMALL, FLAGS, &self->plb));
	EXPECT_NE(NULL, strstr(plb_why(), "not the"));
	ASSERT_EQ(0, plb_recover(self->buf, self->log, any_record, NULL, &self->st));
	EXPECT_EQ(2, self->st.last_lsn);
}

TEST_F(plb, a_second_opener_is_refused_while_the_buffer_is_open)
{
	struct plb *again;

	ASSERT_EQ(0, plb_open(self->buf, self->log, SMALL, FLAGS, &self->plb));
	EXPECT_EQ(-EBUSY, plb_open(self->buf, self->log, SMALL, FLAGS, &again));
	EXPECT_NE(NULL, strstr(plb_why(), "another process"));
	EXPECT_EQ(-EBUSY, plb_recover(self->buf, self->log, any_record, NULL, &self->st));
	ASSERT_EQ(0, plb_close(self->plb));
	EXPECT_EQ(0, plb_recover(self->buf, self->log, any_record, NULL, &self->st));
}

TEST_F(plb, map_sync_refused_without_dax_fails_and_says_why)
{
	int rc = plb_open(self->buf, self->log, SMALL, 0, &self->plb);

	if (!rc) {
		plb_close(self->plb);
		SKIP(return, "%s is on a DAX filesystem: MAP_SYNC works", self->dir);
	}
	EXPECT_EQ(-EOPNOTSUPP, rc);
	EXPECT_NE(NULL, strstr(plb_why(), "MAP_SYNC"));
	EXPECT_NE(NULL, strstr(plb_why(), "DAX"));
}

TEST_F(plb, a_log_file_of_another_buffer_is_refused_and_a_new_buffer_continues_a_log)
{
	char buf_b[128], log_b[128], buf_c[128];

	snprintf(buf_b, sizeof(buf_b), "%s/buffer-b", self->dir);
	snprintf(log_b, sizeof(log_b), "%s/log-b", self->dir);
	snprintf(buf_c, sizeof(buf_c), "%s/buffer-c", self->dir);
	ASSERT_EQ(0, commit_closed(self->buf, self->log, 1, 3, 1, 0));
	ASSERT_EQ(0, commit_closed(buf_b, log_b, 1, 2, 1, 0));

	EXPECT_EQ(-EINVAL, plb_open(self->buf, log_b, 0, FLAGS, &self->plb));
	EXPECT_NE(NULL, strstr(plb_why(), "belongs to another buffer"));
	EXPECT_EQ(-EINVAL, plb_recover(self->buf, log_b, any_record, NULL, &self->st));
	EXPECT_NE(NULL, strstr(plb_why(), "belongs to another buffer"));

	/* a new buffer takes over a log (the old buffer's device was replaced) */
	ASSERT_EQ(0, commit_closed(buf_c, self->log, 4, 2, 1, 0));
	self->buf[0] = '\0';
	strcat(self->buf, buf_c);
	ASSERT_EQ(5, recovered(self, self->log));
}

#define SNAP_LOG (64U << 10)	/* more than the five records' log */

FIXTURE_VARIANT(plb_damage) {
	const char *what;	/* where a byte is flipped */
	const char *why;	/* what plb_why() must mention */
};

FIXTURE(plb_damage) {
	char dir[64], buf[96], log[96];
};

FIXTURE_VARIANT_ADD(plb_damage, superblock) { .what = "super", .why = "superblock damaged" };
FIXTURE_VARIANT_ADD(plb_damage, segment_header) { .what = "segment", .why = "segment 2 header damaged" };
FIXTURE_VARIANT_ADD(plb_damage, log_header) { .what = "log", .why = "header damaged" };
FIXTURE_VARIANT_ADD(plb_damage, foreign_buffer) { .what = "magic", .why = "not a log buffer" };

FIXTURE_SETUP(plb_damage)
{
	snprintf(self->dir, sizeof(self->dir), "/tmp/plb-test.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->buf, sizeof(self->buf), "%s/buffer", self->dir);
	snprintf(self->log, sizeof(self->log), "%s/log", self->dir);
	ASSERT_EQ(0, commit_closed(self->buf, self->log, 1, 5, 1, 0));
}

FIXTURE_TEARDOWN(plb_damage)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", self->dir);
	if (system(cmd))
		TH_LOG("could not remove %s", self->dir);
}

/* The buffer's and the log's bytes, to show a refusal changed nothing. */
static int snapshot(FIXTURE_DATA(plb_damage) *self, uint8_t *to)
{
	int fb = open(self->buf, O_RDONLY), fl = open(self->log, O_RDONLY);
	int rc = fb < 0 || fl < 0 || pread(fb, to, SMALL, 0) != SMALL ||
		 pread(fl, to + SMALL, SNAP_LOG, 0) < 64;

	close(fb);
	close(fl);
	return rc;
}

TEST_F(plb_damage, is_refused_with_a_reason_and_changes_nothing)
{
	static uint8_t before[SMALL + SNAP_LOG], after[SMALL + SNAP_LOG];
	const struct plb_super *sb;
	struct plb_recovery st;
	struct plb *plb;
	size_t len;
	uint8_t *m;

	m = map_file(!strcmp(variant->what, "log") ? self->log : self->buf, &len);
	ASSERT_NE(NULL, m);
	sb = (const struct plb_super *)m;
	if (!strcmp(variant->what, "super"))
		m[20] ^= 1;			/* buffer_size */
	else if (!strcmp(variant->what, "segment"))
		m[PLB_SUPER_SIZE + 2 * sb->seg_size + 8] ^= 1;	/* its magic */
	else if (!strcmp(variant->what, "log"))
		m[17] ^= 1;			/* buffer_id */
	else
		m[0] = 'X';			/* someone else's data */
	munmap(m, len);

	ASSERT_EQ(0, snapshot(self, before));
	EXPECT_EQ(-EUCLEAN, plb_open(self->buf, self->log, 0, FLAGS, &plb));
	EXPECT_NE(NULL, strstr(plb_why(), variant->why)) TH_LOG("why: %s", plb_why());
	EXPECT_EQ(-EUCLEAN, plb_recover(self->buf, self->log, any_record, NULL, &st));
	EXPECT_NE(NULL, strstr(plb_why(), variant->why)) TH_LOG("why: %s", plb_why());
	ASSERT_EQ(0, snapshot(self, after));
	EXPECT_EQ(0, memcmp(before, after, sizeof(before)));
	if (strcmp(variant->what, "log")) {
		/* PLB_FORMAT takes the buffer back, and the log's records stay */
		ASSERT_EQ(0, plb_open(self->buf, self->log, 0, FLAGS | PLB_FORMAT, &plb));
		ASSERT_EQ(0, commit_n(plb, 6, 1, 1, 0));
		ASSERT_EQ(0, plb_close(plb));
		ASSERT_EQ(0, plb_recover(self->buf, self->log, any_record, NULL, &st));
		EXPECT_EQ(6, st.last_lsn);
	}
}

TEST_F(plb, a_blank_buffer_without_a_log_recovers_empty)
{
	int fd = open(self->buf, O_RDWR | O_CREAT, 0600);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ftruncate(fd, SMALL));
	close(fd);
	ASSERT_EQ(0, recovered(self, self->log));
	EXPECT_EQ(0, self->st.last_lsn);
	snprintf(self->buf, sizeof(self->buf), "%s/none", self->dir);
	EXPECT_EQ(-ENOENT, recovered(self, self->log));
}

TEST_HARNESS_MAIN
