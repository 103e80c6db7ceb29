// SPDX-License-Identifier: GPL-2.0
/*
 * ioctlfuzz: random ioctls on /dev/pmemdisk-ctl (selftests/vm/130-ioctl-fuzz.sh).
 *
 * Not a kselftest program: the suite runs it by hand; it is named _test so
 * the Makefile's static guest-program rule builds it (see tearprobe_test.c).
 *
 *   ioctlfuzz_test [-n CALLS] [-w WORKERS] [-s SEED] [-u UID]
 *
 * The control device is opened once, as root; then WORKERS processes each
 * issue CALLS random ioctls on it at the same time. With -u they first drop
 * to UID (the fd stays open, as a leaked or passed descriptor would), so
 * every call is an unprivileged one.
 *
 * A call is: one of pmemdisk's requests, well formed or nearly (a size word
 * right or wrong, reserved fields zero or not, plausible or random field
 * values, NUL-terminated strings or not, at times as long as an older or a
 * newer tool would send it, the command's size saying so), or a random
 * command number; its
 * argument a buffer, NULL, an unmapped page, a kernel address, or a buffer
 * that runs into an unmapped page. Every buffer starts as random bytes that
 * the worker keeps a copy of. After each call the worker checks what the
 * uapi header promises:
 *  - an unknown command: ENOTTY, the buffer untouched;
 *  - a request shorter than its size and reason words: EINVAL, untouched;
 *  - unprivileged, a changing request (create, remove, init-labels,
 *    reset-id, check, convert): EPERM, the buffer untouched;
 *  - a refusal with a reason: a known errno, a reason in range, and only the
 *    size and reason words written (nothing else, so no kernel bytes), but
 *    for the answers a refused create carries (where it would go, the
 *    largest free extent);
 *  - success: reason NONE, reserved fields zero, nothing written past the
 *    caller's size or the driver's, list entries beyond the count returned
 *    untouched and their reserved fields zero.
 * A violation is printed with the call that caused it; the exit status is
 * the number of workers that saw one (0: all good).
 */
#define _GNU_SOURCE	/* REG_RIP */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <signal.h>
#include <ucontext.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../uapi/pmemdisk.h"

#define BUF_SIZE	4096
#define MAX_VIOLATIONS	10

static uint64_t rng;

static uint64_t rnd(void)
{
	/* xorshift64*: reproducible from the seed */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dULL;
}

static unsigned int pick(unsigned int n)
{
	return rnd() % n;
}

/* A byte range of a request that must be zero in every reply. */
struct zero_range {
	unsigned short off, len;
};

struct request {
	const char *name;
	unsigned long cmd;
	unsigned int size;
	int changes;			/* needs CAP_SYS_ADMIN */
	struct zero_range zero[3];	/* reserved fields */
	struct zero_range out[5];	/* answers a refusal may carry */
};

#define ZR(type, field) { offsetof(type, field), sizeof(((type *)0)->field) }

static const struct request requests[] = {
	{ .name = "version", .cmd = PMEMDISK_IOC_VERSION,
	  .size = sizeof(struct pmemdisk_version), .changes = 0,
	  .zero = { ZR(struct pmemdisk_version, reserved) } },
	{ .name = "list-dimms", .cmd = PMEMDISK_IOC_LIST_DIMMS,
	  .size = sizeof(struct pmemdisk_list), .changes = 0,
	  .zero = { ZR(struct pmemdisk_list, reserved0), ZR(struct pmemdisk_list, reserved) } },
	{ .name = "list-regions", .cmd = PMEMDISK_IOC_LIST_REGIONS,
	  .size = sizeof(struct pmemdisk_list), .changes = 0,
	  .zero = { ZR(struct pmemdisk_list, reserved0), ZR(struct pmemdisk_list, reserved) } },
	{ .name = "list-disks", .cmd = PMEMDISK_IOC_LIST_DISKS,
	  .size = sizeof(struct pmemdisk_list), .changes = 0,
	  .zero = { ZR(struct pmemdisk_list, reserved0), ZR(struct pmemdisk_list, reserved) } },
	{ .name = "read-labels", .cmd = PMEMDISK_IOC_READ_LABELS,
	  .size = sizeof(struct pmemdisk_read_labels), .changes = 0,
	  .zero = { ZR(struct pmemdisk_read_labels, reserved) } },
	{ .name = "progress", .cmd = PMEMDISK_IOC_PROGRESS,
	  .size = sizeof(struct pmemdisk_progress), .changes = 0,
	  .zero = { ZR(struct pmemdisk_progress, reserved) } },
	/* a placed create says where, how large, and the largest extent */
	{ .name = "create", .cmd = PMEMDISK_IOC_CREATE,
	  .size = sizeof(struct pmemdisk_create), .changes = 1,
	  .zero = { ZR(struct pmemdisk_create, reserved) },
	  .out = { ZR(struct pmemdisk_create, uuid), ZR(struct pmemdisk_create, number),
	    ZR(struct pmemdisk_create, actual_size), ZR(struct pmemdisk_create, offset),
	    ZR(struct pmemdisk_create, max_extent) } },
	{ .name = "remove", .cmd = PMEMDISK_IOC_REMOVE,
	  .size = sizeof(struct pmemdisk_remove), .changes = 1,
	  .zero = { ZR(struct pmemdisk_remove, reserved) } },
	{ .name = "init-labels", .cmd = PMEMDISK_IOC_INIT_LABELS,
	  .size = sizeof(struct pmemdisk_init_labels), .changes = 1,
	  .zero = { ZR(struct pmemdisk_init_labels, reserved0),
		    ZR(struct pmemdisk_init_labels, reserved) } },
	{ .name = "reset-id", .cmd = PMEMDISK_IOC_RESET_ID,
	  .size = sizeof(struct pmemdisk_reset_id), .changes = 1,
	  .zero = { ZR(struct pmemdisk_reset_id, reserved) } },
	{ .name = "check", .cmd = PMEMDISK_IOC_CHECK,
	  .size = sizeof(struct pmemdisk_check), .changes = 1,
	  .zero = { ZR(struct pmemdisk_check, reserved) } },
	{ .name = "convert", .cmd = PMEMDISK_IOC_CONVERT,
	  .size = sizeof(struct pmemdisk_convert), .changes = 1,
	  .zero = { ZR(struct pmemdisk_convert, reserved) } },
};
#define NR_REQUESTS (sizeof(requests) / sizeof(requests[0]))

/*
 * The request a command asks for, as the driver tells them apart: by type
 * and number, read-write, whatever size the command carries.
 */
static const struct request *request_of(unsigned long cmd)
{
	unsigned int i;

	if (_IOC_TYPE(cmd) != PMEMDISK_IOC_MAGIC || _IOC_DIR(cmd) != (_IOC_READ | _IOC_WRITE))
		return NULL;
	for (i = 0; i < NR_REQUESTS; i++)
		if (_IOC_NR(requests[i].cmd) == _IOC_NR(cmd))
			return &requests[i];
	return NULL;
}

/* The list entry each list request fills, and its reserved fields. */
struct entry_kind {
	unsigned long cmd;
	unsigned int size;
	struct zero_range zero[3];
};

static const struct entry_kind entry_kinds[] = {
	{ PMEMDISK_IOC_LIST_DIMMS, sizeof(struct pmemdisk_dimm_info),
	  { ZR(struct pmemdisk_dimm_info, reserved0), ZR(struct pmemdisk_dimm_info, reserved1),
	    ZR(struct pmemdisk_dimm_info, reserved) } },
	{ PMEMDISK_IOC_LIST_REGIONS, sizeof(struct pmemdisk_region_info),
	  { ZR(struct pmemdisk_region_info, reserved) } },
	{ PMEMDISK_IOC_LIST_DISKS, sizeof(struct pmemdisk_disk_info),
	  { ZR(struct pmemdisk_disk_info, reserved1),
	    ZR(struct pmemdisk_disk_info, reserved) } },
};

static const struct entry_kind *entry_kind_of(unsigned long cmd)
{
	unsigned int i;

	for (i = 0; i < 3; i++)
		if (entry_kinds[i].cmd == cmd)
			return &entry_kinds[i];
	return NULL;
}

static int known_errno(int e)
{
	switch (e) {
	case EINVAL: case ENOENT: case ENOSPC: case EBUSY: case EROFS:
	case EEXIST: case EOPNOTSUPP: case ENXIO: case EIO: case EINTR:
	case EFAULT: case ENOMEM: case E2BIG:
		return 1;
	}
	return 0;
}

/* Memory the worker aims calls at. */
struct arena {
	unsigned char *buf;	/* BUF_SIZE, then an unmapped guard page */
	unsigned char *copy;	/* what buf held before the call */
	unsigned char *side;	/* list entries / label buffer, then a guard */
	unsigned char *side_copy;
	void *unmapped;
	long page;
};

static int arena_init(struct arena *a)
{
	a->page = sysconf(_SC_PAGESIZE);
	a->buf = mmap(NULL, 2 * BUF_SIZE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	a->side = mmap(NULL, 2 * BUF_SIZE * 8, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	a->unmapped = mmap(NULL, a->page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	a->copy = malloc(BUF_SIZE);
	a->side_copy = malloc(BUF_SIZE * 8);
	if (a->buf == MAP_FAILED || a->side == MAP_FAILED || a->unmapped == MAP_FAILED ||
	    !a->copy || !a->side_copy)
		return -1;
	/* the page after each buffer faults */
	if (mprotect(a->buf + BUF_SIZE, BUF_SIZE, PROT_NONE) ||
	    mprotect(a->side + BUF_SIZE * 8, BUF_SIZE * 8, PROT_NONE))
		return -1;
	return 0;
}

static void fill_random(unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = rnd();
}

/* Make the request in @r plausible: what a caller that means well sends. */
static void plausible(unsigned long cmd, unsigned char *r, struct arena *a)
{
	unsigned int size = request_of(cmd)->size;
	int zero_reserved = pick(100) < 80;

	if (pick(2))
		memset(r + 8, 0, size - 8);
	switch (cmd) {
	case PMEMDISK_IOC_LIST_DIMMS:
	case PMEMDISK_IOC_LIST_REGIONS:
	case PMEMDISK_IOC_LIST_DISKS: {
		struct pmemdisk_list *l = (void *)r;
		const struct entry_kind *k = entry_kind_of(cmd);

		l->capacity = pick(4) ? pick(12) : rnd();
		l->entry_size = pick(5) ? k->size : pick(1024);
		switch (pick(5)) {
		case 0: l->entries = 0; break;
		case 1: l->entries = (uintptr_t)a->unmapped; break;
		case 2: l->entries = (uintptr_t)(a->side + BUF_SIZE * 8 - k->size); break;
		default: l->entries = (uintptr_t)a->side; break;
		}
		if (zero_reserved) {
			l->reserved0 = 0;
			memset(l->reserved, 0, sizeof(l->reserved));
		}
		break;
	}
	case PMEMDISK_IOC_READ_LABELS: {
		struct pmemdisk_read_labels *l = (void *)r;

		l->device = pick(6);
		l->area_size = pick(4) ? 0 : rnd();
		l->buffer = pick(4) ? (uintptr_t)a->side : (uintptr_t)a->unmapped;
		l->buffer_size = pick(2) ? BUF_SIZE * 8 : rnd() % (1 << 20);
		if (zero_reserved)
			memset(l->reserved, 0, sizeof(l->reserved));
		break;
	}
	case PMEMDISK_IOC_CREATE: {
		struct pmemdisk_create *c = (void *)r;
		static const unsigned int sizes[] = { 512, 4096, 1024, 0 };

		c->region = pick(5);
		c->flags = pick(4) ? pick(4) : rnd();
		c->sector_size = sizes[pick(4)];
		c->disk_size = pick(4) ? (uint64_t)(pick(40) + 1) << 20 : rnd();
		if (pick(2))
			memset(c->uuid, 0, sizeof(c->uuid));
		if (pick(4))
			snprintf(c->name, sizeof(c->name), "fuzz%u", pick(100));
		if (zero_reserved)
			memset(c->reserved, 0, sizeof(c->reserved));
		break;
	}
	case PMEMDISK_IOC_REMOVE:
	case PMEMDISK_IOC_RESET_ID:
	case PMEMDISK_IOC_CHECK:
	case PMEMDISK_IOC_CONVERT: {
		/* number and flags lead all four after size and reason */
		__u32 *w = (__u32 *)r;

		w[2] = pick(4) ? pick(8) : rnd();
		w[3] = pick(4) ? pick(2) : rnd();
		if (cmd == PMEMDISK_IOC_CONVERT) {
			struct pmemdisk_convert *v = (void *)r;

			v->sector_size = pick(2) ? 512 : 4096;
			v->flags = pick(4) ? 0 : rnd();
			memset(v->reserved, 0, zero_reserved ? sizeof(v->reserved) : 0);
		} else if (cmd == PMEMDISK_IOC_RESET_ID) {
			struct pmemdisk_reset_id *q = (void *)r;

			q->flags = pick(4) ? 0 : rnd();
			memset(q->reserved, 0, zero_reserved ? sizeof(q->reserved) : 0);
		} else if (zero_reserved) {
			memset(r + size - 32, 0, 32);	/* reserved[4] ends both */
		}
		break;
	}
	case PMEMDISK_IOC_INIT_LABELS: {
		struct pmemdisk_init_labels *i = (void *)r;

		i->device = pick(6);
		i->version = pick(2) ? PMEMDISK_LABEL_VERSION_1_2 : PMEMDISK_LABEL_VERSION_1_1;
		i->flags = pick(4) ? 0 : rnd();
		i->disks_removed = pick(4) ? 0 : rnd();
		if (zero_reserved) {
			i->reserved0 = 0;
			memset(i->reserved, 0, sizeof(i->reserved));
		}
		break;
	}
	default:
		if (zero_reserved)
			memset(r + size - 32, 0, 32);
		break;
	}
}

/* What a worker was doing, for the report of a fault in it. */
static int current_worker;
static unsigned long current_call, current_ioc;
static const unsigned char *current_buf;

struct worker {
	int fd, unprivileged, violations;
	unsigned long calls, ok, changed, refused, efault, enotty, eperm;
};

static void violation(struct worker *w, unsigned long call, unsigned long cmd,
		      const char *what)
{
	const struct request *rq = request_of(cmd);

	w->violations++;
	if (w->violations <= MAX_VIOLATIONS)
		printf("# VIOLATION call %lu, %s (cmd 0x%lx): %s\n", call,
		       rq ? rq->name : "unknown", cmd, what);
}

/* Are the ranges of @z zero, as far as they lie below @limit? */
static int zero_ok(const unsigned char *p, const struct zero_range *z, unsigned int limit)
{
	unsigned int i, j;

	for (i = 0; i < 3; i++)
		for (j = 0; j < z[i].len && z[i].off + j < limit; j++)
			if (p[z[i].off + j])
				return 0;
	return 1;
}

/* Did the call change no byte of the buffer past its first @from but @rq's answers? */
static int unchanged_but_answers(const struct request *rq, struct arena *a, unsigned int from)
{
	unsigned int i;

	for (i = 0; i < 5 && rq->out[i].len; i++)
		memcpy(a->copy + rq->out[i].off, a->buf + rq->out[i].off, rq->out[i].len);
	return !memcmp(a->buf + from, a->copy + from, BUF_SIZE - from);
}

/* Check a successful list's entries: reserved zero, the rest untouched. */
static void check_entries(struct worker *w, unsigned long call, unsigned long cmd,
			  const struct pmemdisk_list *l, struct arena *a)
{
	const struct entry_kind *k = entry_kind_of(cmd);
	unsigned int n = l->total < l->capacity ? l->total : l->capacity, i;
	size_t used = (size_t)n * k->size;

	if (l->entries != (uintptr_t)a->side || l->entry_size != k->size ||
	    used > BUF_SIZE * 8)
		return;
	for (i = 0; i < n; i++)
		if (!zero_ok(a->side + (size_t)i * k->size, k->zero, k->size))
			violation(w, call, cmd, "a list entry's reserved bytes are not zero");
	if (memcmp(a->side + used, a->side_copy + used, BUF_SIZE * 8 - used))
		violation(w, call, cmd, "bytes past the last list entry changed");
}

static void one_call(struct worker *w, struct arena *a, unsigned long call)
{
	const struct request *rq;
	unsigned long cmd, ioc;
	unsigned char *arg;
	unsigned int size, usize, known;
	int where, rc, e;

	if (pick(100) < 85) {
		rq = &requests[pick(NR_REQUESTS)];
		cmd = rq->cmd;
	} else {
		/* our magic with a random number, size and direction, or anything */
		cmd = pick(2) ? _IOC(pick(4), PMEMDISK_IOC_MAGIC, pick(64), pick(512)) :
				(unsigned long)(uint32_t)rnd();
		rq = request_of(cmd);
	}
	/* @ioc is issued; @cmd names the request as the header spells it */
	ioc = cmd;
	cmd = rq ? rq->cmd : ioc;
	size = rq ? rq->size : 64;
	/* the same request as an older (shorter) or newer (longer) tool sends it */
	if (rq && ioc == cmd && pick(100) < 15)
		ioc = _IOC(_IOC_READ | _IOC_WRITE, PMEMDISK_IOC_MAGIC, _IOC_NR(cmd),
			   pick(2) ? size - 8 * (1 + pick(size / 8)) : size + 8 * (1 + pick(4)));
	usize = rq ? _IOC_SIZE(ioc) : 64;
	known = usize < size ? usize : size;	/* what the driver reads and writes */

	fill_random(a->buf, BUF_SIZE);
	fill_random(a->side, BUF_SIZE * 8);
	if (rq && pick(100) < 75) {
		((__u32 *)a->buf)[0] = pick(10) ? usize : pick(10) ? usize + 8 : (__u32)rnd();
		plausible(cmd, a->buf, a);
		/*
		 * A newer tool's fields this driver does not know: mostly
		 * unset, as far as the buffer goes (a random command may
		 * claim up to 16 KiB; the driver then faults past it).
		 */
		if (usize > size && pick(100) < 80)
			memset(a->buf + size, 0, (usize < BUF_SIZE ? usize : BUF_SIZE) - size);
	}
	memcpy(a->copy, a->buf, BUF_SIZE);
	memcpy(a->side_copy, a->side, BUF_SIZE * 8);

	where = pick(100);
	if (where < 4)
		arg = NULL;
	else if (where < 8)
		arg = a->unmapped;
	else if (where < 11)
		arg = (unsigned char *)(uintptr_t)0xffffffff81000000ULL;
	else if (where < 16)
		arg = a->buf + BUF_SIZE - 1 - pick(usize + 1);	/* runs into the guard page */
	else
		arg = a->buf;

	current_ioc = ioc;
	rc = ioctl(w->fd, ioc, arg);
	e = errno;
	w->calls++;
	if (rc == 0) {
		w->ok++;
		w->changed += rq && rq->changes;
	}
	else if (e == EFAULT)
		w->efault++;
	else if (e == ENOTTY)
		w->enotty++;
	else if (e == EPERM)
		w->eperm++;
	else
		w->refused++;

	if (!rq) {
		if (rc != -1 || e != ENOTTY)
			violation(w, call, ioc, "an unknown command was not refused with ENOTTY");
		else if (arg == a->buf && memcmp(a->buf, a->copy, BUF_SIZE))
			violation(w, call, ioc, "an unknown command wrote to its argument");
		return;
	}
	if (w->unprivileged && rq->changes) {
		if (rc != -1 || e != EPERM)
			violation(w, call, ioc, "an unprivileged changing request did not get EPERM");
		else if (arg == a->buf && memcmp(a->buf, a->copy, BUF_SIZE))
			violation(w, call, ioc, "a request refused with EPERM wrote to its argument");
		return;
	}
	if (arg != a->buf)
		return;		/* faulting arguments: nothing to compare */
	if (usize < 8) {
		if (rc != -1 || e != EINVAL)
			violation(w, call, ioc, "a request with no room for its reason was not EINVAL");
		else if (memcmp(a->buf, a->copy, BUF_SIZE))
			violation(w, call, ioc, "a request with no room for its reason was written to");
		return;
	}
	if (rc == -1) {
		if (!known_errno(e) || e == EPERM || e == ENOTTY)
			violation(w, call, ioc, strerror(e));
		else if (e != EFAULT &&
			 (!unchanged_but_answers(rq, a, 8) ||
			  ((__u32 *)a->buf)[1] == 0 ||
			  ((__u32 *)a->buf)[1] >= PMEMDISK_REASON_MAX))
			violation(w, call, ioc,
				  "a refusal wrote more than its size and reason, or no valid reason");
		if (rq->cmd == PMEMDISK_IOC_LIST_DISKS || rq->cmd == PMEMDISK_IOC_LIST_DIMMS ||
		    rq->cmd == PMEMDISK_IOC_LIST_REGIONS || rq->cmd == PMEMDISK_IOC_READ_LABELS)
			if (e != EFAULT && memcmp(a->side, a->side_copy, BUF_SIZE * 8))
				violation(w, call, ioc, "a refused request wrote to its buffer");
		return;
	}
	if (((__u32 *)a->buf)[1] != PMEMDISK_REASON_NONE)
		violation(w, call, ioc, "success with a reason set");
	if (!zero_ok(a->buf, rq->zero, known))
		violation(w, call, ioc, "reserved bytes of a reply are not zero");
	if (memcmp(a->buf + known, a->copy + known, BUF_SIZE - known))
		violation(w, call, ioc, "bytes past the request (or past what the driver knows) changed");
	if (entry_kind_of(cmd))
		check_entries(w, call, cmd, (struct pmemdisk_list *)a->buf, a);
}

static void worker_fault(int sig, siginfo_t *si, void *uc)
{
	char msg[200];
	int n;

	n = snprintf(msg, sizeof(msg),
		     "# worker %d: signal %d at address %p, ip 0x%llx, in call %lu (ioctl 0x%lx, buffer %p)\n",
		     current_worker, sig, si->si_addr,
		     (unsigned long long)((ucontext_t *)uc)->uc_mcontext.gregs[REG_RIP],
		     current_call, current_ioc, (const void *)current_buf);
	if (write(STDOUT_FILENO, msg, n) < 0)
		_exit(4);
	_exit(3);
}

static void catch_faults(int id)
{
	struct sigaction sa = { .sa_sigaction = worker_fault, .sa_flags = SA_SIGINFO };

	current_worker = id;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
}

static int run_worker(int fd, int id, unsigned long calls, uint64_t seed, int uid)
{
	struct worker w = { .fd = fd, .unprivileged = uid >= 0 };
	struct arena a;
	unsigned long i;

	rng = seed * 0x9e3779b97f4a7c15ULL + id + 1;
	if (uid >= 0 && (setgid(uid) || setuid(uid))) {
		printf("# worker %d: cannot drop to uid %d: %s\n", id, uid, strerror(errno));
		return 1;
	}
	if (arena_init(&a)) {
		printf("# worker %d: no memory\n", id);
		return 1;
	}
	catch_faults(id);
	current_buf = a.buf;
	for (i = 0; i < calls; i++) {
		current_call = i;
		one_call(&w, &a, i);
	}
	printf("# worker %d%s: %lu calls: %lu ok (%lu changed something), %lu refused with a reason, %lu EFAULT, %lu ENOTTY, %lu EPERM; %d violations\n",
	       id, w.unprivileged ? " (unprivileged)" : "", w.calls, w.ok, w.changed, w.refused,
	       w.efault, w.enotty, w.eperm, w.violations);
	fflush(stdout);
	return w.violations != 0;
}

int main(int argc, char **argv)
{
	unsigned long calls = 10000;
	int workers = 4, uid = -1, opt, fd, i, failed = 0, status;
	uint64_t seed = 1;

	while ((opt = getopt(argc, argv, "n:w:s:u:")) != -1) {
		switch (opt) {
		case 'n': calls = strtoul(optarg, NULL, 0); break;
		case 'w': workers = atoi(optarg); break;
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 'u': uid = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: %s [-n CALLS] [-w WORKERS] [-s SEED] [-u UID]\n", argv[0]);
			return 2;
		}
	}
	fd = open("/dev/pmemdisk-ctl", O_RDWR);
	if (fd < 0) {
		perror("/dev/pmemdisk-ctl");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; i < workers; i++) {
		pid_t pid = fork();

		if (pid == 0)
			_exit(run_worker(fd, i, calls, seed, uid));
		if (pid < 0) {
			perror("fork");
			return 2;
		}
	}
	for (i = 0; i < workers; i++) {
		pid_t pid = wait(&status);

		if (pid < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
			failed++;
		/* a worker that died says nothing itself */
		if (pid > 0 && WIFSIGNALED(status))
			printf("# worker pid %d: killed by signal %d (%s)\n", (int)pid,
			       WTERMSIG(status), strsignal(WTERMSIG(status)));
	}
	return failed;
}
