/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * locate.h - where each table of a process can be read without holding it.
 *
 * A VMM maps every table it creates.  Reading through that mapping from
 * outside (remote.h) takes no reference to the table, so it is the way
 * in; a duplicate of the fd (pidfd_getfd) is the fallback, for a table
 * whose mapping is not known.  Which mapping belongs to which fd:
 *
 *  - a QEMU record (records.h) names both;
 *  - a file with an inode of its own (a memfd stand-in) is the mapping of
 *    the same device and inode;
 *  - one table fd and one table mapping left over are each other's;
 *  - otherwise nothing says, and nothing is guessed: the mappings are
 *    tables named by their address (PID@0xADDR), or, when there are fewer
 *    mappings than fds, the fds are read through duplicates.
 *
 * A record whose fd is -1 is a table QEMU keeps in its own memory (the
 * kernel refused to create it): read from there, never written.
 */
#ifndef TCECTL_LOCATE_H
#define TCECTL_LOCATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"
#include "maps.h"
#include "records.h"

/* How a table is reached. */
enum tce_via {
	TCE_VIA_MAPPING,	/* the VMM's mapping, with process_vm_readv/writev */
	TCE_VIA_FD,		/* a duplicate of its fd, mapped here */
	TCE_VIA_MEMORY,		/* QEMU's emulated table, in its heap; read-only */
	TCE_VIA_FILE,		/* a checkpoint file */
};

/* What --attach asks for. */
enum tce_attach_mode {
	TCE_ATTACH_AUTO,	/* the mapping when known, else the fd */
	TCE_ATTACH_MAPPING,	/* the mapping or nothing */
	TCE_ATTACH_FD,		/* always a duplicate of the fd */
};

const char *tce_via_name(enum tce_via via);

/* A file descriptor and what it is. */
struct fd_ident {
	int fd;
	bool tce;		/* its link is anon_inode:kvm-spapr-tce */
	bool has_inode;		/* a file of its own: dev and ino identify it */
	unsigned dev_major, dev_minor;
	uint64_t ino;
};

struct tce_place {
	int fd;			/* -1: no fd known */
	uint64_t addr;		/* the VMM's mapping or heap copy; 0: none known */
	uint64_t len;		/* bytes readable at addr */
	enum tce_via via;
	bool tce;		/* addr is a kvm-spapr-tce mapping */
	bool emulated;
	bool has_record;
	struct tce_record rec;
};

struct tce_places {
	struct tce_place *p;
	size_t count;
	struct areas areas;	/* tce_locate: the process's areas */
	bool denied;		/* its memory may not be read: every read will say why */
};

/*
 * Pairs fds, areas and records as above; pure, for the unit tests.
 * *out is malloc'd, sorted by fd, then mapping-only tables by address.
 */
int tce_places_pair(const struct fd_ident *fds, size_t n_fds, const struct areas *areas,
		    const struct tce_record *rec, size_t n_rec, enum tce_attach_mode mode,
		    struct tce_places *out, struct tce_err *err);

/*
 * The tables of pid: its kvm-spapr-tce fds, plus extra_fd when it is >= 0
 * (a PID:FD target of another kind).  Reads /proc and, when the process
 * has table fds or mappings, scans for records.
 */
int tce_locate(pid_t pid, int extra_fd, enum tce_attach_mode mode, struct tce_places *out,
	       struct tce_err *err);

void tce_places_free(struct tce_places *p);

#endif
