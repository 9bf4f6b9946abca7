// SPDX-License-Identifier: GPL-2.0-or-later
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/kcmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "holders.h"
#include "proc.h"

#define VM_FD_LINK "anon_inode:kvm-vm"
/* Pages whose frames are compared at most per pair of mappings. */
#define PAGEMAP_PROBES 16

int tce_kcmp_file(pid_t pid1, int fd1, pid_t pid2, int fd2)
{
	long rc = syscall(SYS_kcmp, pid1, pid2, KCMP_FILE, (unsigned long)fd1, (unsigned long)fd2);

	return rc < 0 ? -1 : rc != 0;
}

static bool is_memfd(const char *name)
{
	return !strncmp(name, "/memfd:", 7);
}

/* Appends item to *arr of *n items (capacity *cap); past the cap, marks the scan incomplete. */
static int push(void **arr, size_t *n, size_t *cap, size_t size, const void *item, bool *incomplete)
{
	if (*n >= TCE_HOLDERS_MAX) {
		*incomplete = true;
		return 0;
	}
	if (*n == *cap) {
		size_t grown_cap = *cap ? *cap * 2 : 16;
		void *grown = realloc(*arr, grown_cap * size);

		if (!grown)
			return -1;
		*arr = grown;
		*cap = grown_cap;
	}
	memcpy((char *)*arr + *n * size, item, size);
	(*n)++;
	return 0;
}

static int scan_fds(struct tce_holders *h, pid_t pid)
{
	char path[64], link[256];
	struct dirent *d;
	DIR *dir;
	int rc = 0;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	dir = opendir(path);
	if (!dir) {
		h->denied += errno == EACCES || errno == EPERM;
		return 0;
	}
	while (!rc && (d = readdir(dir))) {
		char *end;
		long fd = strtol(d->d_name, &end, 10);

		if (*end || d->d_name[0] == '.')
			continue;
		proc_fd_link(pid, (int)fd, link, sizeof(link));
		if (!strcmp(link, VM_FD_LINK)) {
			if (!h->n_vmms || h->vmms[h->n_vmms - 1] != pid)
				rc = push((void **)&h->vmms, &h->n_vmms, &h->cap_vmms, sizeof(pid), &pid,
					  &h->incomplete);
		} else if (proc_link_is_tce(link) || is_memfd(link)) {
			struct holder_fd c = { .pid = pid, .fd = (int)fd, .tce = proc_link_is_tce(link) };

			rc = push((void **)&h->fds, &h->n_fds, &h->cap_fds, sizeof(c), &c, &h->incomplete);
		}
	}
	closedir(dir);
	return rc;
}

static int scan_maps(struct tce_holders *h, pid_t pid)
{
	char path[64], line[4096];
	FILE *f;
	int rc = 0;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (!rc && fgets(line, sizeof(line), f)) {
		unsigned long long start, end, offset, ino;
		unsigned major, minor;
		char perms[5];
		int name = 0;

		if (sscanf(line, "%llx-%llx %4s %llx %x:%x %llu %n", &start, &end, perms, &offset,
			   &major, &minor, &ino, &name) != 7 || !name || perms[3] != 's')
			continue;
		line[strcspn(line, "\n")] = '\0';
		if (strcmp(line + name, TCE_FD_LINK) && !is_memfd(line + name))
			continue;
		struct holder_map c = { .pid = pid, .start = start, .end = end, .offset = offset,
					.dev_major = major, .dev_minor = minor, .ino = ino,
					.tce = !strcmp(line + name, TCE_FD_LINK) };

		rc = push((void **)&h->maps, &h->n_maps, &h->cap_maps, sizeof(c), &c, &h->incomplete);
	}
	fclose(f);
	return rc;
}

int tce_holders_scan(struct tce_holders *h, struct tce_err *err)
{
	pid_t *pids, self = getpid();
	size_t n;

	*h = (struct tce_holders){ 0 };
	if (proc_all_pids(&pids, &n, err))
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (pids[i] == self)
			continue;
		if (scan_fds(h, pids[i]) || scan_maps(h, pids[i])) {
			free(pids);
			tce_holders_free(h);
			return tce_fail(err, TCE_EIO, "out of memory listing the holders of tables");
		}
	}
	free(pids);
	return 0;
}

/* Entry of page vaddr in pid's pagemap: bit 63 present, bits 0-54 the frame. */
static bool page_frame(int fd, uint64_t vaddr, uint64_t *pfn)
{
	uint64_t entry;
	long page = sysconf(_SC_PAGESIZE);

	if (pread(fd, &entry, sizeof(entry), (off_t)(vaddr / (uint64_t)page * 8)) != sizeof(entry))
		return false;
	*pfn = entry & ((1ULL << 55) - 1);
	/* Without CAP_SYS_ADMIN the frame reads as 0. */
	return (entry >> 63) && *pfn;
}

static int open_pagemap(pid_t pid)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/pagemap", (int)pid);
	return open(path, O_RDONLY | O_CLOEXEC);
}

/* 1: a page both map has the same frame; 0: another frame; -1: no page tells. */
static int same_frames(const struct holder_map *a, const struct holder_map *c)
{
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
	uint64_t lo = a->offset > c->offset ? a->offset : c->offset;
	uint64_t a_end = a->offset + (a->end - a->start), c_end = c->offset + (c->end - c->start);
	uint64_t hi = a_end < c_end ? a_end : c_end;
	int fa, fc, verdict = -1;

	if (lo >= hi)
		return -1;
	fa = open_pagemap(a->pid);
	fc = open_pagemap(c->pid);
	for (unsigned k = 0; fa >= 0 && fc >= 0 && k < PAGEMAP_PROBES && lo + k * page < hi; k++) {
		uint64_t off = lo + k * page, pa, pc;

		if (page_frame(fa, a->start + (off - a->offset), &pa) &&
		    page_frame(fc, c->start + (off - c->offset), &pc)) {
			verdict = pa == pc;
			break;
		}
	}
	if (fa >= 0)
		close(fa);
	if (fc >= 0)
		close(fc);
	return verdict;
}

int tce_holders_of(const struct tce_holders *h, const struct tce_table_file *tf,
		   int (*found)(void *ctx, pid_t pid, enum tce_holding how, int fd, uint64_t addr),
		   void *ctx)
{
	pid_t self = getpid();
	int rc;

	for (size_t i = 0; tf->fd >= 0 && i < h->n_fds; i++) {
		const struct holder_fd *c = &h->fds[i];

		if (c->pid == tf->pid || c->pid == self || tce_kcmp_file(tf->pid, tf->fd, c->pid, c->fd))
			continue;
		if ((rc = found(ctx, c->pid, TCE_HOLDS_FD, c->fd, 0)))
			return rc;
	}
	for (size_t i = 0; tf->has_map && i < h->n_maps; i++) {
		const struct holder_map *c = &h->maps[i];
		enum tce_holding how = TCE_HOLDS_MAPPING;

		if (c->pid == tf->pid || c->pid == self || c->ino != tf->map.ino ||
		    c->dev_major != tf->map.dev_major || c->dev_minor != tf->map.dev_minor)
			continue;
		if (c->tce || tf->map.tce) {
			/* One anonymous inode for every table: only the frames tell. */
			int same = same_frames(&tf->map, c);

			if (!same)
				continue;
			if (same < 0) {
				/* A VMM maps its own tables: only a process holding no table fd is suspect. */
				if (tce_holders_has_fd(h, c->pid))
					continue;
				how = TCE_HOLDS_MAPPING_UNATTRIBUTED;
			}
		}
		if ((rc = found(ctx, c->pid, how, -1, c->start)))
			return rc;
	}
	return 0;
}

bool tce_holders_is_vmm(const struct tce_holders *h, pid_t pid)
{
	for (size_t i = 0; i < h->n_vmms; i++)
		if (h->vmms[i] == pid)
			return true;
	return false;
}

bool tce_holders_has_fd(const struct tce_holders *h, pid_t pid)
{
	for (size_t i = 0; i < h->n_fds; i++)
		if (h->fds[i].pid == pid && h->fds[i].tce)
			return true;
	return false;
}

bool tce_holders_prefer(const struct tce_holders *h, pid_t a, pid_t b)
{
	bool vm_a = tce_holders_is_vmm(h, a), vm_b = tce_holders_is_vmm(h, b);
	unsigned long long start_a, start_b;

	if (vm_a != vm_b)
		return vm_b;
	start_a = proc_start_time(a);
	start_b = proc_start_time(b);
	if (start_a != start_b && start_a && start_b)
		return start_b < start_a;
	return b < a;
}

void tce_holders_free(struct tce_holders *h)
{
	free(h->fds);
	free(h->maps);
	free(h->vmms);
	*h = (struct tce_holders){ 0 };
}
