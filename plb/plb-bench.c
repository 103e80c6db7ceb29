// SPDX-License-Identifier: GPL-2.0
/*
 * plb-bench: commit rate and latency of a write-ahead log, three ways:
 *
 *   --plb BUFFER --log FILE  the persisted log buffer (fsdax file or devdax)
 *   --odsync FILE            pwrite to FILE opened O_DSYNC (a log on a BTT disk)
 *   --fdatasync FILE         pwrite + fdatasync (a log on a raw disk)
 *
 * Each thread count (--threads, default 1,2) runs --seconds; every thread
 * commits records of --size bytes back to back and times each commit.
 * Prints commits per second, mean and p99 latency in microseconds, as a
 * table or with --json one object whose keys are always present. A
 * benchmark, not a test: nothing here passes or fails on speed.
 *
 * The file modes write each record (an LSN, a CRC32C and the payload, as a
 * log would) at the next multiple of the size rounded up to 512 bytes,
 * wrapping within --span bytes (a regular file is filled to that size
 * first, so no commit allocates blocks). The plb mode formats the buffer
 * and empties the log file before each thread count.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plb.h"
#include "tool.h"

#define MAX_THREADS 64

enum mode { MODE_PLB, MODE_ODSYNC, MODE_FDATASYNC };
static const char *const mode_names[] = { "plb", "odsync", "fdatasync" };

struct opts {
	enum mode mode;
	const char *target, *log;
	uint64_t size, seconds, buffer_size, span;
	unsigned int threads[MAX_THREADS];
	unsigned int nthreads;
	unsigned int flags;
	bool json;
};

struct result {
	unsigned int threads;
	uint64_t commits;
	double seconds, per_sec, mean_us, p99_us;
};

/* One thread's run: its latencies in nanoseconds. */
struct worker {
	const struct opts *o;
	struct plb *plb;
	int fd;
	uint64_t *next;		/* file modes: the shared record counter */
	uint64_t deadline;
	uint32_t *lat;
	size_t n, cap;
	int rc;
	pthread_t tid;
};

static int usage(void)
{
	fprintf(stderr,
		"usage: plb-bench (--plb BUFFER --log FILE | --odsync FILE | --fdatasync FILE)\n"
		"                 [--size BYTES] [--threads N[,N...]] [--seconds N]\n"
		"                 [--buffer-size BYTES] [--span BYTES] [--allow-no-map-sync] [--json]\n"
		"defaults: --size 512 --threads 1,2 --seconds 3 --buffer-size 16M --span 64M\n");
	return 2;
}

static int lat_add(struct worker *w, uint64_t ns)
{
	if (w->n == w->cap) {
		size_t cap = w->cap ? 2 * w->cap : 1 << 16;
		uint32_t *l = realloc(w->lat, cap * sizeof(*l));

		if (!l)
			return -ENOMEM;
		w->lat = l;
		w->cap = cap;
	}
	w->lat[w->n++] = ns > UINT32_MAX ? UINT32_MAX : ns;
	return 0;
}

/* The file modes' commit: one record at the next slot, durable on return. */
static int file_commit(struct worker *w, uint8_t *rec)
{
	const struct opts *o = w->o;
	uint64_t stride = (o->size + 511) / 512 * 512;
	uint64_t lsn = __atomic_fetch_add(w->next, 1, __ATOMIC_RELAXED) + 1;
	uint64_t off = (lsn - 1) * stride % (o->span / stride * stride);
	uint32_t crc;

	memcpy(rec, &lsn, 8);
	crc = plb_crc32c(0, rec + 12, o->size - 12);
	memcpy(rec + 8, &crc, 4);
	if (pwrite(w->fd, rec, o->size, off) != (ssize_t)o->size)
		return -errno;
	if (o->mode == MODE_FDATASYNC && fdatasync(w->fd))
		return -errno;
	return 0;
}

static void *work(void *arg)
{
	struct worker *w = arg;
	uint8_t *rec = calloc(1, w->o->size);
	uint64_t t0, t1;

	if (!rec) {
		w->rc = -ENOMEM;
		return NULL;
	}
	memset(rec, 0xa5, w->o->size);
	for (t0 = now_ns(); t0 < w->deadline; t0 = t1) {
		if (w->o->mode == MODE_PLB)
			w->rc = plb_commit(w->plb, rec, w->o->size, NULL);
		else
			w->rc = file_commit(w, rec);
		t1 = now_ns();
		if (w->rc || (w->rc = lat_add(w, t1 - t0)))
			break;
	}
	free(rec);
	return NULL;
}

static int u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/* Open the target for one run; -errno with a message on failure. */
static int target_open(const struct opts *o, struct plb **plb, int *fd)
{
	struct stat st;
	int rc;

	if (o->mode == MODE_PLB) {
		/* each run from an empty log and a fresh buffer */
		if (truncate(o->log, 0) && errno != ENOENT) {
			fprintf(stderr, "plb-bench: %s: %s\n", o->log, strerror(errno));
			return -errno;
		}
		rc = plb_open(o->target, o->log, o->buffer_size, o->flags | PLB_FORMAT, plb);
		if (rc)
			fprintf(stderr, "plb-bench: %s\n", plb_why());
		return rc;
	}
	*fd = open(o->target, O_WRONLY | O_CREAT | O_CLOEXEC |
		   (o->mode == MODE_ODSYNC ? O_DSYNC : 0), 0600);
	if (*fd < 0 || fstat(*fd, &st)) {
		fprintf(stderr, "plb-bench: %s: %s\n", o->target, strerror(errno));
		return -errno;
	}
	if (S_ISREG(st.st_mode) && (uint64_t)st.st_size < o->span) {
		/* allocate and write every block once: commits only overwrite */
		static const uint8_t zero[1 << 16];

		for (uint64_t off = 0; off < o->span; off += sizeof(zero))
			if (pwrite(*fd, zero, sizeof(zero), off) != sizeof(zero)) {
				fprintf(stderr, "plb-bench: %s: filling: %s\n", o->target,
					strerror(errno));
				return -errno;
			}
		fsync(*fd);
	}
	return 0;
}

static int run(const struct opts *o, unsigned int threads, struct result *r,
	       struct plb_info *info)
{
	struct worker w[MAX_THREADS];
	struct plb *plb = NULL;
	uint64_t next = 0, t0, total = 0, sum = 0;
	uint32_t *all;
	int fd = -1, rc = 0;

	rc = target_open(o, &plb, &fd);
	if (rc)
		return rc;
	if (plb)
		plb_get_info(plb, info);
	t0 = now_ns();
	for (unsigned int t = 0; t < threads; t++) {
		w[t] = (struct worker){ .o = o, .plb = plb, .fd = fd, .next = &next,
					.deadline = t0 + o->seconds * 1000000000ULL };
		pthread_create(&w[t].tid, NULL, work, &w[t]);
	}
	for (unsigned int t = 0; t < threads; t++) {
		pthread_join(w[t].tid, NULL);
		if (w[t].rc && !rc) {
			rc = w[t].rc;
			fprintf(stderr, "plb-bench: commit: %s\n",
				o->mode == MODE_PLB ? plb_why() : strerror(-rc));
		}
		total += w[t].n;
	}
	r->seconds = (now_ns() - t0) / 1e9;
	if (plb && plb_close(plb) && !rc) {
		fprintf(stderr, "plb-bench: close: %s\n", plb_why());
		rc = -EIO;
	}
	if (fd >= 0)
		close(fd);
	all = malloc((total ? total : 1) * sizeof(*all));
	if (!all && !rc)
		rc = -ENOMEM;
	for (unsigned int t = 0, k = 0; t < threads; t++) {
		for (size_t i = 0; all && i < w[t].n; i++) {
			all[k++] = w[t].lat[i];
			sum += w[t].lat[i];
		}
		free(w[t].lat);
	}
	if (!rc && total) {
		qsort(all, total, sizeof(*all), u32_cmp);
		r->threads = threads;
		r->commits = total;
		r->per_sec = total / r->seconds;
		r->mean_us = sum / 1e3 / total;
		r->p99_us = all[(total - 1) * 99 / 100] / 1e3;
	} else if (!rc) {
		rc = -EIO;
	}
	free(all);
	return rc;
}

static void print_json(const struct opts *o, const struct plb_info *info,
		       const struct result *r, unsigned int n)
{
	printf("{\n  \"schema\": 1,\n  \"mode\": \"%s\",\n  \"target\": \"%s\",\n",
	       mode_names[o->mode], o->target);
	printf("  \"record_size\": %llu,\n", (unsigned long long)o->size);
	if (o->mode == MODE_PLB)
		printf("  \"flush\": \"%s\",\n  \"durable\": %s,\n", info->flush,
		       info->durable ? "true" : "false");
	else
		printf("  \"flush\": null,\n  \"durable\": null,\n");
	printf("  \"results\": [");
	for (unsigned int i = 0; i < n; i++)
		printf("%s\n    {\"threads\": %u, \"commits\": %llu, \"seconds\": %.3f, \"commits_per_sec\": %.0f, \"mean_us\": %.2f, \"p99_us\": %.2f}",
		       i ? "," : "", r[i].threads, (unsigned long long)r[i].commits, r[i].seconds,
		       r[i].per_sec, r[i].mean_us, r[i].p99_us);
	printf("%s]\n}\n", n ? "\n  " : "");
}

static void print_table(const struct opts *o, const struct plb_info *info,
			const struct result *r, unsigned int n)
{
	printf("%s on %s, %llu-byte records", mode_names[o->mode], o->target,
	       (unsigned long long)o->size);
	if (o->mode == MODE_PLB)
		printf(" (%s, %s)", info->flush,
		       info->durable ? "durable against power cuts" : "NOT durable against power cuts");
	printf("\n%-8s %10s %12s %10s %10s\n", "threads", "commits", "commits/s", "mean_us",
	       "p99_us");
	for (unsigned int i = 0; i < n; i++)
		printf("%-8u %10llu %12.0f %10.2f %10.2f\n", r[i].threads,
		       (unsigned long long)r[i].commits, r[i].per_sec, r[i].mean_us, r[i].p99_us);
}

static int parse_threads(const char *s, struct opts *o)
{
	char buf[128], *tok, *save;
	uint64_t v;

	if (!s || strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	o->nthreads = 0;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (parse_u64(tok, &v) || !v || v > MAX_THREADS || o->nthreads == MAX_THREADS)
			return -1;
		o->threads[o->nthreads++] = v;
	}
	return o->nthreads ? 0 : -1;
}

int main(int argc, char **argv)
{
	struct opts o = { .size = 512, .seconds = 3, .buffer_size = 16 << 20,
			  .span = 64 << 20, .threads = { 1, 2 }, .nthreads = 2 };
	struct result r[MAX_THREADS];
	struct plb_info info = { 0 };
	bool have_mode = false;

	for (int i = 1; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		bool takes = true;

		if (!strcmp(argv[i], "--plb") || !strcmp(argv[i], "--odsync") ||
		    !strcmp(argv[i], "--fdatasync")) {
			if (!v || have_mode)
				return usage();
			o.mode = argv[i][2] == 'p' ? MODE_PLB :
				 argv[i][2] == 'o' ? MODE_ODSYNC : MODE_FDATASYNC;
			o.target = v;
			have_mode = true;
		} else if (!strcmp(argv[i], "--log") && v) {
			o.log = v;
		} else if (!strcmp(argv[i], "--size")) {
			if (parse_size(v, &o.size) || o.size < 16)
				return usage();
		} else if (!strcmp(argv[i], "--threads")) {
			if (parse_threads(v, &o))
				return usage();
		} else if (!strcmp(argv[i], "--seconds")) {
			if (parse_u64(v, &o.seconds) || !o.seconds)
				return usage();
		} else if (!strcmp(argv[i], "--buffer-size")) {
			if (parse_size(v, &o.buffer_size))
				return usage();
		} else if (!strcmp(argv[i], "--span")) {
			if (parse_size(v, &o.span) || o.span < 1 << 20)
				return usage();
		} else {
			takes = false;
			if (!strcmp(argv[i], "--allow-no-map-sync"))
				o.flags |= PLB_ALLOW_NO_MAP_SYNC;
			else if (!strcmp(argv[i], "--json"))
				o.json = true;
			else
				return usage();
		}
		i += takes;
	}
	if (!have_mode || (o.mode == MODE_PLB) != !!o.log)
		return usage();

	for (unsigned int i = 0; i < o.nthreads; i++)
		if (run(&o, o.threads[i], &r[i], &info))
			return 1;
	if (o.json)
		print_json(&o, &info, r, o.nthreads);
	else
		print_table(&o, &info, r, o.nthreads);
	return 0;
}
