/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * list.h - the rows of tcectl list, shared by list.c (tables and columns)
 * and list_vm.c (what QEMU's monitor adds: names and its own windows).
 */
#ifndef TCECTL_LIST_H
#define TCECTL_LIST_H

#include <stdbool.h>
#include <stddef.h>

#include "../src/extents.h"
#include "../src/table.h"
#include "../src/vminfo.h"
#include "vms.h"

struct list_row {
	struct tce_table t;	/* released: geometry and origin only */
	struct tce_counts counts;
	size_t extents;
	const struct tce_vminfo *vm;	/* its VMM's names; NULL for a file */
	/* A window only the monitor shows: no kernel table, no record. */
	const struct tce_qmp_window *qmp_only;
};


/*
 * Asks each VMM of the rows, and each process in pids (those listed whole:
 * PID targets, or the host's), for its names, once each: one warning line
 * per VMM whose monitor fails.  For the processes in pids, appends a row
 * for each window the monitor shows with no table listed (an emulated
 * table, its counts unknown).  *rows may move; -1 when
 * out of memory.
 */
int list_vms_attach(struct cli_vms *v, struct list_row **rows, size_t *n_rows,
		    const pid_t *pids, size_t n_pids);

#endif
