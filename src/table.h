/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * table.h - a live TCE table, and how its entries are reached.
 *
 * Every command works on a struct tce_table: its geometry, where it came
 * from, and a way to its entries in host byte order.  A live table is read
 * through the VMM's own mapping of it (process_vm_readv, remote.h), which
 * holds nothing; or, when no mapping of it is known, through a duplicate
 * of its fd mapped here.  Holding it that way keeps the kernel object and
 * its liobn registered, so a resetting VMM cannot re-create it (DOMAIN:
 * lifetime): such a table is released as soon as the one operation on it
 * is done.
 */
#ifndef TCECTL_TABLE_H
#define TCECTL_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"
#include "geometry.h"
#include "locate.h"

struct tce_origin {
	pid_t pid;
	int fd;			/* -1: no fd known */
	uint64_t addr;		/* the VMM's mapping of it, or its heap copy; 0: unknown */
	enum tce_via via;
	bool emulated;		/* QEMU's own table, the kernel having refused one */
	char comm[64];
	char link[256];		/* what /proc/PID/fd/FD points to */
};

struct tce_table {
	struct tce_geometry geo;
	struct tce_origin origin;
	uint64_t entries;	/* entries in the window */
	uint64_t *tce;		/* via fd: the entries, mapped here; else NULL */
	size_t map_len;		/* bytes mapped at tce, 0 when not a mapping */
	bool writable;		/* opened with TCE_ATTACH_WRITE */
};

/* "PID:FD", "PID@0xADDR" or "PID": how output and messages name a table. */
void tce_origin_name(const struct tce_origin *o, char *buf, size_t len);

/* Fails, saying why, for a table tcectl must not write: QEMU's emulated copy. */
int tce_origin_writable(const struct tce_origin *o, struct tce_err *err);

enum {
	TCE_ATTACH_WRITE = 1 << 0,	/* map writable, for restore and reset */
};

/*
 * Duplicates fd of pid with pidfd_getfd, maps it and finds its length
 * without a signal.  The duplicate fd is closed before returning: the
 * mapping alone is held.  geo gives the user's geometry; geo->entries,
 * when set, cuts the window to that length.
 */
int tce_table_attach(struct tce_table *t, pid_t pid, int fd,
		     const struct tce_geometry *geo, unsigned flags, struct tce_err *err);

/*
 * Opens the table at place p of pid for one operation: through the VMM's
 * mapping (nothing held) or its heap copy (read-only), or attached through
 * its fd.  geo is the resolved geometry; geo->entries, when set, is the
 * window's length.
 */
int tce_table_open(struct tce_table *t, pid_t pid, const struct tce_place *p,
		   const struct tce_geometry *geo, unsigned flags, struct tce_err *err);

/* Entries read at once by tce_table_read at most: the caller's buffer size. */
#define TCE_READ_BLOCK (1u << 17)

/*
 * Entries [first, first + n) of the table, n <= TCE_READ_BLOCK: a pointer
 * into the local mapping, or buf filled from the VMM's memory.
 */
const uint64_t *tce_table_read(struct tce_table *t, uint64_t first, uint64_t n, uint64_t *buf,
			       struct tce_err *err);

/* Reads or writes the n entries index[k] from or into val[k]. */
int tce_table_get(struct tce_table *t, const uint64_t *index, uint64_t *val, size_t n,
		  struct tce_err *err);
int tce_table_put(struct tce_table *t, const uint64_t *index, const uint64_t *val, size_t n,
		  struct tce_err *err);

/*
 * Faults in entries [first, end) in one call before they are scanned:
 * cheaper than a fault per page.  Only those: every page read makes the
 * kernel allocate it (DOMAIN), so a --range or a translate reads no more.
 */
void tce_table_populate(struct tce_table *t, uint64_t first, uint64_t end);

/* Unmaps or frees; safe on a zeroed or already released table. */
void tce_table_release(struct tce_table *t);

#endif
