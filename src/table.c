// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "probe.h"

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22	/* Linux 5.14 */
#endif
#include "proc.h"
#include "remote.h"
#include "table.h"

/*
 * How much address space the size probe may span: 2^37 entries, far past
 * any window a host can back with memory.  Shrunk when the address space
 * is limited (ulimit -v).
 */
#define RESERVE_MAX	(1ULL << 40)

static int pidfd_open(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

static int pidfd_getfd(int pidfd, int fd)
{
	return (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
}

static int attach_error(struct tce_err *err, pid_t pid, int fd, int errnum, const char *call)
{
	char hint[384];

	switch (errnum) {
	case ESRCH:
		return tce_fail(err, TCE_ENOTARGET,
				"no process with pid %d; check the pid with ps or tcectl list", (int)pid);
	case EBADF:
		return tce_fail(err, TCE_ENOTARGET,
				"pid %d has no fd %d; see its tables with tcectl list %d",
				(int)pid, fd, (int)pid);
	case EPERM:
	case EACCES:
		proc_permission_hint(pid, hint, sizeof(hint));
		return tce_fail(err, TCE_EPERM, "cannot attach to pid %d: %s; %s",
				(int)pid, strerror(errnum), hint);
	case ENOSYS:
		return tce_fail(err, TCE_ENOSYS,
				"this kernel has no %s (Linux 5.6 or later is needed to reach another process's tables)",
				call);
	default:
		return tce_fail(err, TCE_EIO, "cannot attach to fd %d of pid %d: %s: %s",
				fd, (int)pid, call, strerror(errnum));
	}
}

/* Duplicates the target fd into this process. */
static int grab_fd(pid_t pid, int fd, struct tce_err *err)
{
	int pidfd, local;

	pidfd = pidfd_open(pid);
	if (pidfd < 0)
		return attach_error(err, pid, fd, errno, "pidfd_open");
	local = pidfd_getfd(pidfd, fd);
	if (local < 0)
		attach_error(err, pid, fd, errno, "pidfd_getfd");
	close(pidfd);
	return local;
}

/* Maps as much as the address space allows; the probe then finds the end. */
static void *map_reserve(int fd, int prot, size_t *len)
{
	size_t want = RESERVE_MAX;
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	for (; want >= page; want >>= 1) {
		void *p = mmap(NULL, want, prot, MAP_SHARED, fd, 0);

		if (p != MAP_FAILED) {
			*len = want;
			return p;
		}
		if (errno != ENOMEM)
			return MAP_FAILED;
	}
	errno = ENOMEM;
	return MAP_FAILED;
}

int tce_table_attach(struct tce_table *t, pid_t pid, int fd,
		     const struct tce_geometry *geo, unsigned flags, struct tce_err *err)
{
	int prot = PROT_READ | (flags & TCE_ATTACH_WRITE ? PROT_WRITE : 0);
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t reserved, pages, len;
	struct proc_info info;
	uint64_t mappable;
	int local;
	void *base;

	*t = (struct tce_table){ .geo = *geo, .origin = { .pid = pid, .fd = fd, .via = TCE_VIA_FD },
				 .writable = flags & TCE_ATTACH_WRITE };
	proc_fd_link(pid, fd, t->origin.link, sizeof(t->origin.link));
	if (!proc_info_read(pid, &info, NULL))
		snprintf(t->origin.comm, sizeof(t->origin.comm), "%s", info.comm);

	local = grab_fd(pid, fd, err);
	if (local < 0)
		return -1;
	base = map_reserve(local, prot, &reserved);
	close(local);	/* the mapping keeps the file; one reference is enough */
	if (base == MAP_FAILED && errno == EACCES)
		return tce_fail(err, TCE_ENOTARGET,
				"fd %d of pid %d (%s) cannot be mapped: it is not open for %s; it is not a TCE table",
				fd, (int)pid, t->origin.link,
				flags & TCE_ATTACH_WRITE ? "reading and writing" : "reading");
	if (base == MAP_FAILED)
		return tce_fail(err, TCE_ENOTARGET,
				"fd %d of pid %d (%s) cannot be mapped: %s; it is not a TCE table",
				fd, (int)pid, t->origin.link, strerror(errno));

	pages = probe_mappable_pages(base, reserved / page, page, NULL);
	mappable = (uint64_t)pages * page / sizeof(uint64_t);
	if (!mappable) {
		munmap(base, reserved);
		return tce_fail(err, TCE_ENOTARGET,
				"fd %d of pid %d (%s) maps no entries; it is not a TCE table, or an empty one",
				fd, (int)pid, t->origin.link);
	}
	if (geo->entries > mappable) {
		munmap(base, reserved);
		return tce_fail(err, TCE_EUSAGE,
				"entries=%" PRIu64 " is more than the %" PRIu64
				" entries fd %d of pid %d maps; give at most %" PRIu64,
				geo->entries, mappable, fd, (int)pid, mappable);
	}
	t->entries = geo->entries ? geo->entries : mappable;
	t->geo.entries = t->entries;
	len = pages * page;
	if (reserved > len)
		munmap((char *)base + len, reserved - len);
	t->tce = base;
	t->map_len = len;
	/*
	 * A restore's scattered writes land on a good part of the pages:
	 * faulting them in one call is cheaper than one fault each (measured:
	 * 16K writes over a 128 MiB table).  A read fault maps a shared page
	 * writable too, neither shmem nor KVM's table asking for write
	 * notification, so no page is dirtied that is not written.  Scans
	 * populate just what they read (tce_table_populate).
	 */
	if (flags & TCE_ATTACH_WRITE)
		madvise(base, len, MADV_POPULATE_READ);
	if (tce_geometry_check(&t->geo, t->entries, err)) {
		tce_table_release(t);
		return -1;
	}
	return 0;
}

void tce_table_populate(struct tce_table *t, uint64_t first, uint64_t end)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	uintptr_t lo, hi;

	if (!t->map_len)
		return;		/* read through the VMM's mapping: nothing mapped here */
	lo = (uintptr_t)(t->tce + first) & ~(uintptr_t)(page - 1);
	hi = (uintptr_t)(t->tce + end);
	/* Advisory: a kernel without it faults page by page instead. */
	if (hi > lo)
		madvise((void *)lo, hi - lo, MADV_POPULATE_READ);
}

void tce_table_release(struct tce_table *t)
{
	if (t->tce && t->map_len)
		munmap(t->tce, t->map_len);
	t->tce = NULL;
	t->map_len = 0;
}

void tce_origin_name(const struct tce_origin *o, char *buf, size_t len)
{
	if (o->fd >= 0)
		snprintf(buf, len, "%d:%d", (int)o->pid, o->fd);
	else if (o->addr)
		snprintf(buf, len, "%d@0x%" PRIx64, (int)o->pid, o->addr);
	else
		snprintf(buf, len, "%d", (int)o->pid);
}

int tce_origin_writable(const struct tce_origin *o, struct tce_err *err)
{
	char name[64];

	if (!o->emulated)
		return 0;
	tce_origin_name(o, name, sizeof(name));
	return tce_fail(err, TCE_EUSAGE,
			"table %s is QEMU's emulated copy in its own memory (the kernel refused to create it); "
			"tcectl writes only kernel tables: reset the guest to get one back", name);
}

/* Through the VMM's own mapping or heap copy: nothing to hold, only bounds to set. */
static int open_remote(struct tce_table *t, const struct tce_place *p, unsigned flags,
		       struct tce_err *err)
{
	uint64_t mappable = p->len / sizeof(uint64_t);
	char name[64];

	tce_origin_name(&t->origin, name, sizeof(name));
	if ((flags & TCE_ATTACH_WRITE) && tce_origin_writable(&t->origin, err))
		return -1;
	if (!mappable)
		return tce_fail(err, TCE_ENOTARGET, "table %s maps no entries", name);
	if (t->geo.entries > mappable)
		return tce_fail(err, TCE_EUSAGE,
				"entries=%" PRIu64 " is more than the %" PRIu64
				" entries table %s maps; give at most %" PRIu64,
				t->geo.entries, mappable, name, mappable);
	t->entries = t->geo.entries ? t->geo.entries : mappable;
	t->geo.entries = t->entries;
	return tce_geometry_check(&t->geo, t->entries, err);
}

int tce_table_open(struct tce_table *t, pid_t pid, const struct tce_place *p,
		   const struct tce_geometry *geo, unsigned flags, struct tce_err *err)
{
	struct proc_info info;
	struct tce_origin origin = { .pid = pid, .fd = p->fd, .addr = p->addr, .via = p->via,
				     .emulated = p->emulated };

	if (p->via == TCE_VIA_FD) {
		if (tce_table_attach(t, pid, p->fd, geo, flags, err))
			return -1;
		t->origin.addr = p->addr;
		return 0;
	}
	*t = (struct tce_table){ .geo = *geo, .origin = origin, .writable = flags & TCE_ATTACH_WRITE };
	if (p->fd >= 0)
		proc_fd_link(pid, p->fd, t->origin.link, sizeof(t->origin.link));
	else if (p->tce)
		snprintf(t->origin.link, sizeof(t->origin.link), "%s", TCE_FD_LINK);
	if (!proc_info_read(pid, &info, NULL))
		snprintf(t->origin.comm, sizeof(t->origin.comm), "%s", info.comm);
	return open_remote(t, p, flags, err);
}

static const char *table_what(const struct tce_table *t, char *buf, size_t len)
{
	char name[64];

	tce_origin_name(&t->origin, name, sizeof(name));
	snprintf(buf, len, "table %s", name);
	return buf;
}

const uint64_t *tce_table_read(struct tce_table *t, uint64_t first, uint64_t n, uint64_t *buf,
			       struct tce_err *err)
{
	char what[96];

	if (t->tce) {
		/*
		 * Copied rather than read in place: a file behind the fd that
		 * shrinks meanwhile (anything but a real table can) is then an
		 * error here, not a SIGBUS.
		 */
		size_t len = n * sizeof(uint64_t);

		if (remote_read_some(getpid(), (uintptr_t)(t->tce + first), buf, len) == (ssize_t)len)
			return buf;
		tce_fail(err, TCE_ENOTARGET,
			 "%s lost entries from %" PRIu64 " on while it was read (the file behind it shrank); run the command again",
			 table_what(t, what, sizeof(what)), first);
		return NULL;
	}
	if (remote_read(t->origin.pid, t->origin.addr + first * sizeof(uint64_t), buf,
			n * sizeof(uint64_t), table_what(t, what, sizeof(what)), err))
		return NULL;
	return buf;
}

/* Remote addresses of the entries, in batches of this many. */
#define WORDS_BATCH 1024

/*
 * Scattered entries through process_vm_readv/writev: of the VMM's
 * mapping, or of the mapping here, so that a file that shrank behind it
 * is an error (as in tce_table_read), not a SIGBUS.
 */
static int remote_words(struct tce_table *t, const uint64_t *index, uint64_t *val, size_t n,
			bool write, struct tce_err *err)
{
	pid_t pid = t->tce ? getpid() : t->origin.pid;
	uint64_t base = t->tce ? (uintptr_t)t->tce : t->origin.addr;
	uint64_t addr[WORDS_BATCH];
	char what[96];

	table_what(t, what, sizeof(what));
	for (size_t k = 0; k < n; k += WORDS_BATCH) {
		size_t m = n - k < WORDS_BATCH ? n - k : WORDS_BATCH;

		for (size_t j = 0; j < m; j++)
			addr[j] = base + index[k + j] * sizeof(uint64_t);
		if (write ? remote_write_words(pid, addr, val + k, m, what, err)
			  : remote_read_words(pid, addr, val + k, m, what, err))
			return -1;
	}
	return 0;
}

int tce_table_get(struct tce_table *t, const uint64_t *index, uint64_t *val, size_t n,
		  struct tce_err *err)
{
	for (size_t k = 0; k < n; k++)
		if (index[k] >= t->entries)
			return tce_fail(err, TCE_EUSAGE, "entry %" PRIu64 " is past the table's %" PRIu64 " entries",
					index[k], t->entries);
	return remote_words(t, index, val, n, false, err);
}

int tce_table_put(struct tce_table *t, const uint64_t *index, const uint64_t *val, size_t n,
		  struct tce_err *err)
{
	if (!t->writable)
		return tce_fail(err, TCE_EUSAGE, "the table was opened read-only");
	if (t->tce) {
		for (size_t k = 0; k < n; k++)
			t->tce[index[k]] = val[k];
		return 0;
	}
	return remote_words(t, index, (uint64_t *)val, n, true, err);
}
