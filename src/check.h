/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * check.h - tcectl check's engine: every finding about the tables of
 * some targets or of the whole host, handed to callbacks as found.
 *
 * Per VMM: each table is read in chunks through the VMM's own mapping
 * (nothing held), its extents classified (findings.h) and its writable
 * runs collected for the alias sweep (aliases.h); who else holds it comes
 * from one scan of the host (holders.h).  Memory is bounded by constants
 * and the number of tables, never by what a guest writes.
 *
 * A table found in two processes belongs to the likelier VMM
 * (tce_holders_prefer): when that one is checked too, the table is
 * checked there only, and the other process is its foreign holder.
 */
#ifndef TCECTL_CHECK_H
#define TCECTL_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"
#include "findings.h"
#include "holders.h"
#include "table.h"
#include "target.h"
#include "vminfo.h"

struct tce_check_vm {
	pid_t pid;			/* 0: a checkpoint file */
	char comm[64];			/* raw bytes */
	const char *target;		/* as given, "" for the host's */
	struct tce_guest_ram ram;	/* size 0: unknown, outside-ram not checked */
	size_t tables;			/* tables checked */
	bool aliases_incomplete;	/* more writable runs than TCE_ALIAS_RUNS_MAX */
	const struct tce_vminfo *info;	/* its VM's and devices' names; NULL: none asked */
};

/* Findings of one table per severity: what metrics counts. */
struct tce_check_counts {
	uint64_t by_severity[TCE_SEV_COUNT];
};

struct tce_check_ops {
	/* name is how the table is named ("PID:FD"); t has its geometry and origin. */
	int (*finding)(void *ctx, const struct tce_check_vm *vm, const struct tce_table *t,
		       const char *name, const struct tce_finding *f);
	/* After every finding of the table, aliases included. */
	int (*table_done)(void *ctx, const struct tce_check_vm *vm, const struct tce_table *t,
			  const char *name, const struct tce_check_counts *counts);
	int (*vm_done)(void *ctx, const struct tce_check_vm *vm);
	/* A target or table that could not be checked; the run goes on. */
	int (*error)(void *ctx, pid_t pid, const char *what, const struct tce_err *err);
	void *ctx;
};

/*
 * What QEMU's monitor or libvirt say (vminfo.h) plugs in here: the RAM
 * size they report, and, for a VMM checked whole (a PID target or the
 * host's), each window the monitor shows with a size but whose liobn no
 * kernel table or record of the VMM has: an emulated finding on a table
 * named PID with that liobn and bus offset, like the one a record with
 * fd -1 gives.  That holds even when QEMU's records could not be read,
 * unless a table of the VMM has no known liobn (it could be the window).
 */
struct tce_check {
	const struct tce_target *targets;
	size_t n_targets;
	bool host;			/* the targets are every table holder of the host */
	/* The RAM of pid when known from elsewhere (QEMU's monitor); NULL: none is. */
	bool (*ram_known)(void *ctx, pid_t pid, struct tce_guest_ram *ram);
	void *ram_ctx;
	/* The names of pid's VMM; NULL or returning NULL: none.  After ram_known for RAM. */
	const struct tce_vminfo *(*vminfo)(void *ctx, pid_t pid);
	void *vminfo_ctx;
	size_t alias_cap;		/* 0: TCE_ALIAS_RUNS_MAX */
	struct tce_holders holders;	/* filled by tce_check_run */
};

/*
 * Checks every target; the ops' first non-zero return stops the run and
 * is returned.  -1 when the host cannot be searched for holders (/proc).
 */
int tce_check_run(struct tce_check *c, const struct tce_check_ops *ops, struct tce_err *err);

void tce_check_free(struct tce_check *c);

#endif
