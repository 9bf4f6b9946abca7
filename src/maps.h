/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * maps.h - the memory areas of a process, as /proc/PID/maps lists them.
 *
 * Only two kinds matter: shared mappings of files (a VMM's own mapping of
 * each TCE table it created, or of a memfd stand-in), through which a
 * table is read without holding it; and private writable anonymous memory
 * (the heap, malloc's arenas), where QEMU keeps its records of the tables.
 * The rest is skipped, and the list is capped: its size is the target's to
 * choose, not ours.
 */
#ifndef TCECTL_MAPS_H
#define TCECTL_MAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"

/* Areas kept at most; a VMM has a few thousand (Linux allows 65530 by default). */
#define MAPS_MAX_AREAS 65536

enum area_kind {
	AREA_SHARED,	/* a shared mapping of a file (rw-s or r--s) */
	AREA_HEAP,	/* [heap] */
	AREA_ANON,	/* private writable anonymous memory (malloc arenas, guest RAM...) */
};

struct area {
	uint64_t start, end;
	uint64_t offset;	/* file offset of start, for a shared mapping */
	unsigned dev_major, dev_minor;
	uint64_t inode;
	enum area_kind kind;
	bool writable;
	bool tce;		/* the file is anon_inode:kvm-spapr-tce */
};

struct areas {
	struct area *a;
	size_t count;
};

/* Reads /proc/PID/maps; fails with the status and hint of a permission error. */
int maps_read(pid_t pid, struct areas *out, struct tce_err *err);

/* Parses one line of /proc/PID/maps; false for a line of no interest. */
bool maps_parse_line(const char *line, struct area *a);

/* The area that starts at addr, or NULL. */
const struct area *maps_find_start(const struct areas *m, uint64_t addr);

/* The area that holds [addr, addr + len), or NULL. */
const struct area *maps_find_range(const struct areas *m, uint64_t addr, uint64_t len);

void maps_free(struct areas *m);

#endif
