/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vms.h - the VMMs' names (src/vminfo.h) for a verb: the monitor options
 * (--qmp, --no-qmp, --qmp-timeout) list and check share, and one vminfo
 * per VMM, asked once, with one warning line when its monitor fails.
 */
#ifndef TCECTL_VMS_H
#define TCECTL_VMS_H

#include <stddef.h>
#include <sys/types.h>

#include "../src/target.h"
#include "../src/vminfo.h"

/* The monitor options; what they set is in qmp_options. */
extern const struct argp qmp_argp;
extern struct tce_vminfo_opts qmp_options;

/* Exits with a usage error when --qmp was given but the targets are n_pids processes. */
void qmp_options_one_vmm(size_t n_pids);

/* The processes among n targets (checkpoint files are none). */
size_t targets_distinct_pids(const struct tce_target *t, size_t n);

struct cli_vms {
	struct tce_vminfo_opts opts;
	struct tce_vminfo **vms;
	size_t count;
};

/*
 * The names of pid's VMM, asked the first time (then a warning on stderr
 * when its monitor failed, saying what falls back to what); NULL when out
 * of memory.
 */
struct tce_vminfo *cli_vms_get(struct cli_vms *v, pid_t pid, const char *fallback);

void cli_vms_free(struct cli_vms *v);

#endif
