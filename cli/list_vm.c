// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * list_vm.c - the VM and device names of list's rows, from QEMU's monitor
 * when it answers, and the cross-check of its windows against the tables.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/proc.h"
#include "../src/records.h"
#include "cli.h"
#include "escape.h"
#include "list.h"

static struct tce_vminfo *vm_of(struct cli_vms *v, pid_t pid)
{
	return cli_vms_get(v, pid, "device names from QEMU's records");
}

/* A row for window w of vi's VMM: an emulated table only the monitor shows. */
static int add_emulated(const struct tce_vminfo *vi, const struct tce_qmp_window *w,
			struct list_row **rows, size_t *n_rows)
{
	struct list_row *row = realloc(*rows, (*n_rows + 1) * sizeof(**rows));
	struct proc_info info = { 0 };
	struct tce_err err = { 0 };
	char device[256], safe[512];

	if (!row)
		return -1;
	*rows = row;
	row = &row[(*n_rows)++];
	memset(row, 0, sizeof(*row));
	proc_info_read(vi->pid, &info, &err);
	row->t.origin = (struct tce_origin){ .pid = vi->pid, .fd = -1, .emulated = true };
	snprintf(row->t.origin.comm, sizeof(row->t.origin.comm), "%s", info.comm);
	tce_geometry_default(&row->t.geo);
	row->t.geo.has_liobn = true;
	row->t.geo.liobn = w->liobn;
	row->t.geo.bus_offset = w->bus_offset;
	row->vm = vi;
	row->qmp_only = w;
	tce_qmp_window_device(w, device, sizeof(device));
	cli_warn("pid %d: QEMU's monitor shows the window of liobn 0x%x (%s) but no kernel table or record has it: QEMU emulates that table, whose entries tcectl cannot read",
		 (int)vi->pid, w->liobn, safe_text(device, safe, sizeof(safe)));
	return 0;
}

/* The windows of vi's VMM that none of its rows has, as emulated rows. */
static int cross_check(const struct tce_vminfo *vi, struct list_row **rows, size_t *n_rows)
{
	const struct tce_qmp_window *emulated[TCE_QMP_MAX_WINDOWS];
	uint32_t *known = malloc((*n_rows ? *n_rows : 1) * sizeof(*known));
	size_t n_known = 0, n;
	bool unknown = false;

	if (!known)
		return -1;

	for (size_t r = 0; r < *n_rows; r++) {
		const struct list_row *row = &(*rows)[r];

		if (row->t.origin.pid != vi->pid || row->qmp_only)
			continue;
		if (!row->t.geo.has_liobn)
			unknown = true;
		else
			known[n_known++] = (uint32_t)row->t.geo.liobn;
	}
	n = tce_vminfo_emulated_windows(vi, known, n_known, unknown, emulated, TCE_QMP_MAX_WINDOWS);
	free(known);
	for (size_t i = 0; i < n; i++)
		if (add_emulated(vi, emulated[i], rows, n_rows))
			return -1;
	return 0;
}

int list_vms_attach(struct cli_vms *v, struct list_row **rows, size_t *n_rows,
		    const pid_t *pids, size_t n_pids)
{
	for (size_t r = 0; r < *n_rows; r++) {
		if ((*rows)[r].t.origin.via == TCE_VIA_FILE)
			continue;
		if (!((*rows)[r].vm = vm_of(v, (*rows)[r].t.origin.pid)))
			return -1;
	}
	for (size_t i = 0; i < n_pids; i++) {
		struct tce_vminfo *vi = vm_of(v, pids[i]);

		/* Only a VMM listed whole can show that a window has no table. */
		if (!vi || cross_check(vi, rows, n_rows))
			return -1;
	}
	return 0;
}
