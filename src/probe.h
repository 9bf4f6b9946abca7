/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * probe.h - how many bytes of a mapping can really be touched.
 *
 * A kvm-spapr-tce fd reports no size (fstat says 0) and mmap accepts any
 * length; touching past the table raises SIGBUS.  MADV_POPULATE_READ on a
 * page past the end fails with EFAULT instead, so a search over pages
 * finds the end without a signal.  Each probe faults in one page, which
 * the kernel allocates for the table: the search keeps that to O(log n).
 */
#ifndef TCECTL_PROBE_H
#define TCECTL_PROBE_H

#include <stddef.h>

/*
 * Number of leading pages of [base, base + max_pages * page_size) that
 * can be touched; 0 when not even the first can.  *probes, when given,
 * receives how many pages were tried.
 */
size_t probe_mappable_pages(const void *base, size_t max_pages, size_t page_size,
			    unsigned *probes);

#endif
