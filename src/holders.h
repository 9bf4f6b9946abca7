/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * holders.h - which processes hold a table besides its VMM.
 *
 * Any process with a table's fd or a mapping of it keeps the table
 * registered under its liobn, so a resetting VMM cannot re-create it
 * (DOMAIN: lifetime), and it can read and change the guest's DMA
 * mappings.  One scan of /proc collects every fd and shared mapping that
 * can be a table (a kvm-spapr-tce file, or a memfd, which the test
 * stand-ins are), bounded by constants; then each table is compared:
 *
 *  - an fd with kcmp(2) KCMP_FILE against the VMM's fd: the same open
 *    file, whatever /proc shows;
 *  - a mapping by the file's device and inode, which identify a memfd;
 *    every kvm-spapr-tce file shares one anonymous inode, so there the
 *    page frames (/proc/PID/pagemap, root only) of a page both map are
 *    compared.  A mapping that no frame can attribute is said to be so.
 */
#ifndef TCECTL_HOLDERS_H
#define TCECTL_HOLDERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"

/* Candidates kept at most, of each kind. */
#define TCE_HOLDERS_MAX (1u << 16)

struct holder_fd {
	pid_t pid;
	int fd;
	bool tce;		/* anon_inode:kvm-spapr-tce (else a memfd) */
};

struct holder_map {
	pid_t pid;
	uint64_t start, end, offset;
	unsigned dev_major, dev_minor;
	uint64_t ino;
	bool tce;
};

struct tce_holders {
	struct holder_fd *fds;
	size_t n_fds;
	struct holder_map *maps;
	size_t n_maps;
	pid_t *vmms;		/* processes with a KVM VM fd: VMMs for certain */
	size_t n_vmms;
	size_t cap_fds, cap_maps, cap_vmms;	/* allocated */
	bool incomplete;	/* a cap was reached */
	size_t denied;		/* processes whose fds or maps could not be read */
};

/* Scans every process but this one; fails only when /proc cannot be listed. */
int tce_holders_scan(struct tce_holders *h, struct tce_err *err);

/* What identifies one table of a VMM: its fd and its mapping. */
struct tce_table_file {
	pid_t pid;
	int fd;			/* -1: none known */
	bool has_map;
	struct holder_map map;	/* the VMM's own mapping of it */
};

enum tce_holding {
	TCE_HOLDS_FD,		/* the same open file: kcmp */
	TCE_HOLDS_MAPPING,	/* the same file or the same page frames */
	TCE_HOLDS_MAPPING_UNATTRIBUTED,	/* maps a table file nothing tells apart from this one */
};

/*
 * Calls found for each process other than tf's (and this one) that holds
 * tf: how, and its fd or mapping address.  A non-zero return stops.
 */
int tce_holders_of(const struct tce_holders *h, const struct tce_table_file *tf,
		   int (*found)(void *ctx, pid_t pid, enum tce_holding how, int fd, uint64_t addr),
		   void *ctx);

/* Whether pid holds a KVM VM fd. */
bool tce_holders_is_vmm(const struct tce_holders *h, pid_t pid);

/* Whether pid holds an fd that is a table (or a stand-in). */
bool tce_holders_has_fd(const struct tce_holders *h, pid_t pid);

/*
 * Of two processes that hold one table, whether b is more likely its VMM
 * than a: one with a KVM VM fd, else the one started first (lower pid on
 * a tie).  The creator of a table existed before any process that took it.
 */
bool tce_holders_prefer(const struct tce_holders *h, pid_t a, pid_t b);

/* kcmp(2) KCMP_FILE: 0 the same file, 1 another, -1 unknown (errno). */
int tce_kcmp_file(pid_t pid1, int fd1, pid_t pid2, int fd2);

void tce_holders_free(struct tce_holders *h);

#endif
