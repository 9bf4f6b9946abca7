/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * guest_ram.h - how much RAM a guest has, and where that was learned.
 *
 * On sPAPR the guest's RAM starts at guest physical address 0, so its
 * size bounds every address a device should be given.  The best source
 * is QEMU's monitor (a caller that asked it passes the size in); then
 * -m on QEMU's command line (QEMU's unit is MiB); then, honestly called
 * an estimate, the largest mapping in the VMM that can back guest RAM.
 * Memory hot-plugged later lies above -m's size: only the monitor knows it.
 */
#ifndef TCECTL_GUEST_RAM_H
#define TCECTL_GUEST_RAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "findings.h"
#include "locate.h"

/*
 * Parses a -m value: "512", "512M", "2G", "1.5G",
 * "size=4G,slots=2,maxmem=8G" (the size alone counts); a bare number is
 * MiB, suffixes K M G T P E take powers of 1024, B is bytes, as QEMU's
 * qemu_strtosz_MiB reads them.  False for anything else or 0.
 */
bool tce_ram_parse_m(const char *value, uint64_t *size);

/*
 * The -m size in a command line of n bytes of NUL-separated arguments
 * (/proc/PID/cmdline): "-m V", "--m V", "-m=V", "--m=V"; the last one
 * wins, as QEMU takes it.  False when there is none or it does not parse.
 */
bool tce_ram_from_cmdline(const char *args, size_t n, uint64_t *size);

/* One mapping as far as an estimate of RAM is concerned. */
struct ram_mapping {
	uint64_t start, end;
	bool writable;
	bool ram_like;		/* anonymous, or a memfd: what QEMU backs RAM with */
};

/*
 * The largest RAM-like writable mapping that is none of the n_skip table
 * addresses in skip (the VMM's own mappings of its tables); 0 when none.
 */
uint64_t tce_ram_estimate(const struct ram_mapping *m, size_t n, const uint64_t *skip,
			  size_t n_skip);

/*
 * The RAM of pid: *known when its size is set (from the monitor), else
 * its command line, else its mappings less the tables in places.
 */
void tce_guest_ram_find(pid_t pid, const struct tce_guest_ram *known,
			const struct tce_places *places, struct tce_guest_ram *out);

#endif
