/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * table.h - a TCE table in memory, wherever it comes from.
 *
 * Every command works on a struct tce_table: the entries in host byte
 * order, their geometry and where they came from.  A live table is the
 * VMM's own table, mapped through a duplicate of its fd.  Holding it keeps
 * the kernel object and its liobn registered (DOMAIN: lifetime), so a live
 * table is released as soon as the one operation on it is done.
 */
#ifndef TCECTL_TABLE_H
#define TCECTL_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"
#include "geometry.h"

struct tce_origin {
	pid_t pid;
	int fd;
	char comm[64];
	char link[256];		/* what /proc/PID/fd/FD points to */
};

struct tce_table {
	struct tce_geometry geo;
	struct tce_origin origin;
	uint64_t entries;	/* length of tce[] */
	uint64_t *tce;		/* host byte order */
	size_t map_len;		/* bytes mapped at tce, 0 when not a mapping */
};

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
 * Faults in entries [first, end) in one call before they are scanned:
 * cheaper than a fault per page.  Only those: every page read makes the
 * kernel allocate it (DOMAIN), so a --range or a translate reads no more.
 */
void tce_table_populate(struct tce_table *t, uint64_t first, uint64_t end);

/* Unmaps or frees; safe on a zeroed or already released table. */
void tce_table_release(struct tce_table *t);

static inline bool tce_table_in_window(const struct tce_table *t, uint64_t ioba)
{
	return ioba >= t->geo.bus_offset &&
	       ((ioba - t->geo.bus_offset) >> t->geo.page_shift) < t->entries;
}

#endif
