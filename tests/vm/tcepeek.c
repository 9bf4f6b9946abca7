// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tcepeek: look at another process's sPAPR TCE table the way tcectl does
 * (pidfd_open + pidfd_getfd, then mmap), independently of tcectl, so the VM
 * tests can check the fixture and tcectl against a second implementation.
 * It also reads the process's memory (process_vm_readv), so tests can see the
 * records a VMM keeps about its tables.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#endif

#define TCE_LINK	"anon_inode:kvm-spapr-tce"
/* How far "size" looks: 2^33 entries, more than any real window. */
#define PROBE_BYTES	(1ULL << 36)
#define MAX_REPORTED	10
/* "find" looks in [heap] and anonymous private mappings up to malloc's arena size. */
#define FIND_MAX_REGION	(64ULL << 20)
#define MEM_CHUNK	(1 << 20)

static long page_size;

static void die(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("tcepeek: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static uint64_t parse_u64(const char *s, const char *what)
{
	char *end;
	uint64_t v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (!*s || *s == '-' || *end || errno)
		die("bad %s '%s'", what, s);
	return v;
}

/* Borrow @target_fd from @pid; refuse anything that is not a TCE table. */
static int grab(pid_t pid, int target_fd)
{
	char path[64], link[256];
	int pidfd, fd;
	ssize_t n;

	pidfd = syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0)
		die("pidfd_open(%d): %s", (int)pid, strerror(errno));
	fd = syscall(SYS_pidfd_getfd, pidfd, target_fd, 0);
	if (fd < 0)
		die("pidfd_getfd(%d, %d): %s", (int)pid, target_fd, strerror(errno));
	close(pidfd);

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		die("readlink %s: %s", path, strerror(errno));
	link[n] = '\0';
	if (strcmp(link, TCE_LINK))
		die("fd %d of pid %d is '%s', not a TCE table", target_fd, (int)pid, link);
	return fd;
}

static void *map_table(int fd, size_t len, uint64_t first_entry)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		       first_entry * sizeof(uint64_t));

	if (p == MAP_FAILED)
		die("mmap of %zu bytes: %s", len, strerror(errno));
	return p;
}

/* Is page @pg of the mapping backed?  Past the table this is EFAULT, no signal. */
static bool page_backed(char *base, uint64_t pg)
{
	if (!madvise(base + pg * page_size, page_size, MADV_POPULATE_READ))
		return true;
	if (errno != EFAULT)
		die("madvise(MADV_POPULATE_READ): %s", strerror(errno));
	return false;
}

/* Mappable entries: whole pages, so a multiple of page_size / 8. */
static uint64_t mappable_entries(int fd)
{
	char *base = map_table(fd, PROBE_BYTES, 0);
	uint64_t lo = 0, hi = 1, npages = PROBE_BYTES / page_size;

	if (!page_backed(base, 0)) {
		munmap(base, PROBE_BYTES);
		return 0;
	}
	/* lo is backed; grow hi until it is not, then bisect. */
	while (hi < npages && page_backed(base, hi)) {
		lo = hi;
		hi *= 2;
	}
	if (hi > npages)
		hi = npages;
	while (hi - lo > 1) {
		uint64_t mid = lo + (hi - lo) / 2;

		if (page_backed(base, mid))
			lo = mid;
		else
			hi = mid;
	}
	munmap(base, PROBE_BYTES);
	return (lo + 1) * (page_size / sizeof(uint64_t));
}

struct expect {
	uint64_t index, tce;
};

static int cmp_expect(const void *a, const void *b)
{
	const struct expect *x = a, *y = b;

	return x->index < y->index ? -1 : x->index > y->index;
}

/* Lines holding "index=I" and "tce=V" tokens; everything else is ignored. */
static struct expect *read_expectations(FILE *in, size_t *count)
{
	struct expect *e = NULL;
	size_t n = 0, cap = 0;
	char *line = NULL;
	size_t linecap = 0;

	while (getline(&line, &linecap, in) > 0) {
		char *idx = NULL, *tce = NULL;

		for (char *tok = strtok(line, " \t\n"); tok; tok = strtok(NULL, " \t\n")) {
			if (!strncmp(tok, "index=", 6))
				idx = tok + 6;
			else if (!strncmp(tok, "tce=", 4))
				tce = tok + 4;
		}
		if (!idx || !tce)
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 256;
			e = realloc(e, cap * sizeof(*e));
			if (!e)
				die("out of memory");
		}
		e[n].index = parse_u64(idx, "index");
		e[n].tce = parse_u64(tce, "tce");
		n++;
	}
	free(line);
	if (n)
		qsort(e, n, sizeof(*e), cmp_expect);
	*count = n;
	return e;
}

/*
 * Compare every mappable entry of a table of @entries entries with the
 * expectations: listed entries must match, all others must be zero.
 */
static int verify(int fd, uint64_t entries)
{
	size_t len = (entries * sizeof(uint64_t) + page_size - 1) / page_size * page_size;
	uint64_t n = len / sizeof(uint64_t), mismatches = 0, nonzero = 0;
	size_t nexp, k = 0;
	struct expect *exp = read_expectations(stdin, &nexp);
	uint64_t *tbl = map_table(fd, len, 0);

	for (uint64_t i = 0; i < n; i++) {
		uint64_t want = 0;

		while (k < nexp && exp[k].index < i)
			k++;
		if (k < nexp && exp[k].index == i)
			want = exp[k].tce;
		if (tbl[i])
			nonzero++;
		if (tbl[i] != want && ++mismatches <= MAX_REPORTED)
			printf("mismatch index=%" PRIu64 " got=0x%" PRIx64 " want=0x%" PRIx64 "\n",
			       i, tbl[i], want);
	}
	if (nexp && exp[nexp - 1].index >= n) {
		printf("mismatch index=%" PRIu64 " past the %" PRIu64 " mappable entries\n",
		       exp[nexp - 1].index, n);
		mismatches++;
	}
	printf("verify checked=%" PRIu64 " expected=%zu nonzero=%" PRIu64
	       " mismatches=%" PRIu64 "\n", n, nexp, nonzero, mismatches);
	munmap(tbl, len);
	free(exp);
	return mismatches ? 1 : 0;
}

/* Mappable size, and how many entries are in use and where. */
static void scan(int fd)
{
	uint64_t n = mappable_entries(fd), nonzero = 0, first = 0, last = 0;
	uint64_t *tbl;

	if (!n) {
		printf("scan entries=0 nonzero=0\n");
		return;
	}
	tbl = map_table(fd, n * sizeof(uint64_t), 0);
	for (uint64_t i = 0; i < n; i++) {
		if (!tbl[i])
			continue;
		if (!nonzero++)
			first = i;
		last = i;
	}
	printf("scan entries=%" PRIu64 " nonzero=%" PRIu64, n, nonzero);
	if (nonzero)
		printf(" first=%" PRIu64 " last=%" PRIu64 " first_tce=0x%" PRIx64,
		       first, last, tbl[first]);
	putchar('\n');
	munmap(tbl, n * sizeof(uint64_t));
}

/* Copy @len bytes at @addr of @pid; returns the bytes copied (short at a hole). */
static size_t read_mem(pid_t pid, uint64_t addr, void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		struct iovec local = { (char *)buf + done, len - done };
		struct iovec remote = { (void *)(uintptr_t)(addr + done), len - done };
		ssize_t n = process_vm_readv(pid, &local, 1, &remote, 1, 0);

		if (n < 0 && errno == EFAULT)
			break;
		if (n < 0)
			die("process_vm_readv(%d, 0x%" PRIx64 "): %s", (int)pid, addr + done,
			    strerror(errno));
		if (n == 0)
			break;
		done += n;
	}
	return done;
}

/* mem ADDR LEN: 16 bytes a line, in memory order, "0xADDR: xx xx ..." */
static int mem_dump(pid_t pid, uint64_t addr, uint64_t len)
{
	unsigned char *buf;
	size_t got;

	if (len > (256ULL << 20))
		die("mem: %" PRIu64 " bytes is too much", len);
	buf = malloc(len ? len : 1);
	if (!buf)
		die("out of memory");
	got = read_mem(pid, addr, buf, len);
	for (size_t off = 0; off < got; off += 16) {
		printf("0x%" PRIx64 ":", addr + off);
		for (size_t k = off; k < off + 16 && k < got; k++)
			printf(" %02x", buf[k]);
		putchar('\n');
	}
	free(buf);
	if (got < len) {
		fflush(stdout);
		fprintf(stderr, "tcepeek: only %zu of %" PRIu64 " bytes at 0x%" PRIx64
			" are readable\n", got, len, addr);
		return 1;
	}
	return 0;
}

/*
 * find VALUE: every 8-byte aligned u64 equal to VALUE (host byte order) in
 * the process's [heap] and its anonymous private read-write mappings up to
 * 64 MiB (malloc's thread arenas); larger ones, guest RAM among them, are
 * left out.  Prints "found addr= region=" lines; status 1 if none.
 */
static int mem_find(pid_t pid, uint64_t value)
{
	char path[64], line[512];
	unsigned hits = 0;
	uint64_t *buf = malloc(MEM_CHUNK);
	FILE *maps;

	if (!buf)
		die("out of memory");
	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	maps = fopen(path, "r");
	if (!maps)
		die("cannot open %s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), maps)) {
		uint64_t lo, hi, ino;
		char perms[8], name[256] = "";
		int n = sscanf(line, "%" SCNx64 "-%" SCNx64 " %7s %*s %*s %" SCNu64 " %255s",
			       &lo, &hi, perms, &ino, name);

		if (n < 4 || strncmp(perms, "rw-p", 4))
			continue;
		if (strcmp(name, "[heap]") && (n == 5 || ino != 0 || hi - lo > FIND_MAX_REGION))
			continue;
		for (uint64_t at = lo; at < hi; at += MEM_CHUNK) {
			size_t want = hi - at < MEM_CHUNK ? hi - at : MEM_CHUNK;
			size_t got = read_mem(pid, at, buf, want) / 8;

			for (size_t k = 0; k < got; k++)
				if (buf[k] == value) {
					printf("found addr=0x%" PRIx64 " region=%s\n",
					       at + k * 8, *name ? name : "anon");
					hits++;
				}
		}
	}
	fclose(maps);
	free(buf);
	return hits ? 0 : 1;
}

static void on_term(int sig)
{
	(void)sig;
	_exit(0);
}

static void usage(FILE *f)
{
	fputs("usage: tcepeek PID FD COMMAND [ARGS]\n"
	      "       tcepeek PID mem ADDR LEN | tcepeek PID find VALUE\n"
	      "\n"
	      "Takes fd FD of process PID with pidfd_getfd (it must be a kvm-spapr-tce\n"
	      "table) and:\n"
	      "  size                  prints the mappable entries (probed, no signal)\n"
	      "  scan                  prints the mappable entries, how many are non-zero,\n"
	      "                        the first and last of those and the first value\n"
	      "  read INDEX [COUNT]    prints 'entry index= tce=' lines\n"
	      "  write INDEX VALUE     stores VALUE in entry INDEX\n"
	      "  verify ENTRIES        reads 'index=I ... tce=V' lines on standard input and\n"
	      "                        checks every mappable entry of a table of ENTRIES\n"
	      "                        entries: those listed must match, the rest be zero\n"
	      "  hold [fd|map|both]    keeps the fd, a mapping, or both until SIGTERM;\n"
	      "                        prints 'holding' when it does\n"
	      "Without a table (process_vm_readv of PID's memory):\n"
	      "  mem ADDR LEN          prints LEN bytes at ADDR as hex, 16 a line in memory\n"
	      "                        order: '0xADDR: xx xx ...'; status 1 if some are\n"
	      "                        unreadable (those readable are printed)\n"
	      "  find VALUE            prints 'found addr= region=' for every 8-byte aligned\n"
	      "                        word equal to VALUE (host order) in [heap] and the\n"
	      "                        anonymous rw-p mappings up to 64 MiB; status 1 if none\n"
	      "Exit status: 0 success, 1 failure or mismatch, 2 usage.\n", f);
}

int main(int argc, char **argv)
{
	const char *cmd;
	int fd;

	if (argc == 2 && !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	if (argc < 4) {
		usage(stderr);
		return 2;
	}
	page_size = sysconf(_SC_PAGESIZE);
	if (!strcmp(argv[2], "mem") && argc == 5)
		return mem_dump((pid_t)parse_u64(argv[1], "pid"), parse_u64(argv[3], "address"),
				parse_u64(argv[4], "length"));
	if (!strcmp(argv[2], "find") && argc == 4)
		return mem_find((pid_t)parse_u64(argv[1], "pid"), parse_u64(argv[3], "value"));
	cmd = argv[3];
	fd = grab((pid_t)parse_u64(argv[1], "pid"), (int)parse_u64(argv[2], "fd"));

	if (!strcmp(cmd, "size") && argc == 4) {
		printf("size entries=%" PRIu64 "\n", mappable_entries(fd));
		return 0;
	}
	if (!strcmp(cmd, "scan") && argc == 4) {
		scan(fd);
		return 0;
	}
	if (!strcmp(cmd, "read") && (argc == 5 || argc == 6)) {
		uint64_t index = parse_u64(argv[4], "index");
		uint64_t count = argc == 6 ? parse_u64(argv[5], "count") : 1;
		uint64_t first = index / (page_size / 8) * (page_size / 8);
		size_t len = (index + count - first) * sizeof(uint64_t);
		uint64_t *tbl = map_table(fd, len, first);

		/* Entries past the table raise SIGBUS; callers ask for what exists. */
		for (uint64_t i = index; i < index + count; i++)
			printf("entry index=%" PRIu64 " tce=0x%" PRIx64 "\n", i, tbl[i - first]);
		return 0;
	}
	if (!strcmp(cmd, "write") && argc == 6) {
		uint64_t index = parse_u64(argv[4], "index");
		uint64_t value = parse_u64(argv[5], "value");
		uint64_t first = index / (page_size / 8) * (page_size / 8);
		uint64_t *tbl = map_table(fd, (index + 1 - first) * sizeof(uint64_t), first);

		tbl[index - first] = value;
		printf("write index=%" PRIu64 " tce=0x%" PRIx64 "\n", index, value);
		return 0;
	}
	if (!strcmp(cmd, "verify") && argc == 5)
		return verify(fd, parse_u64(argv[4], "entries"));
	if (!strcmp(cmd, "hold") && argc <= 5) {
		const char *what = argc == 5 ? argv[4] : "both";
		struct sigaction sa = { .sa_handler = on_term };

		if (strcmp(what, "fd") && strcmp(what, "map") && strcmp(what, "both")) {
			usage(stderr);
			return 2;
		}
		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGINT, &sa, NULL);
		if (strcmp(what, "fd"))
			*(volatile uint64_t *)map_table(fd, page_size, 0);
		if (!strcmp(what, "map"))
			close(fd);
		printf("holding %s pid=%d\n", what, (int)getpid());
		fflush(stdout);
		for (;;)
			pause();
	}
	usage(stderr);
	return 2;
}
