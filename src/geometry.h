/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * geometry.h - where a table's entries sit on the IO bus.
 *
 * The kernel keeps a table's liobn, page shift and bus offset to itself
 * (book3s_64_vio.c has no show_fdinfo), so they come from QEMU's record of
 * the table (records.h) or from the user; without either they are assumed
 * to be those of a legacy 32-bit window: 4 KiB pages at bus address 0.
 * Entry i covers the IO bus addresses starting at bus_offset + (i << page_shift).
 */
#ifndef TCECTL_GEOMETRY_H
#define TCECTL_GEOMETRY_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"

#define TCE_PAGE_SHIFT_DEFAULT	12
#define TCE_PAGE_SHIFT_MIN	12	/* kvm_vm_ioctl_create_spapr_tce limits */
#define TCE_PAGE_SHIFT_MAX	34

/* Where a table's geometry came from. */
enum tce_geo_source {
	TCE_GEO_ASSUMED,	/* nothing said: 4 KiB pages at bus address 0 */
	TCE_GEO_GIVEN,		/* keys of the target */
	TCE_GEO_QEMU,		/* QEMU's own record of the table */
};

/* Which keys a target gave; given keys win over a record. */
enum {
	TCE_GIVEN_SHIFT = 1 << 0,
	TCE_GIVEN_OFFSET = 1 << 1,
	TCE_GIVEN_LIOBN = 1 << 2,
	TCE_GIVEN_ENTRIES = 1 << 3,
};

struct tce_geometry {
	unsigned page_shift;
	uint64_t bus_offset;	/* IO bus address of entry 0, in bytes */
	uint64_t liobn;
	bool has_liobn;
	uint64_t entries;	/* window length in entries; 0: as mapped */
	enum tce_geo_source source;
	unsigned given;		/* TCE_GIVEN_* */
};

void tce_geometry_default(struct tce_geometry *geo);

/* "assumed", "given", "qemu"; tce_geo_source_parse is its inverse (-1: none). */
const char *tce_geo_source_name(enum tce_geo_source source);
int tce_geo_source_parse(const char *name);

static inline uint64_t tce_page_size(const struct tce_geometry *geo)
{
	return 1ULL << geo->page_shift;
}

static inline uint64_t tce_ioba(const struct tce_geometry *geo, uint64_t index)
{
	return geo->bus_offset + (index << geo->page_shift);
}

/*
 * Checks that a window of n entries fits the 64-bit bus space and that
 * the bus offset is page aligned.
 */
int tce_geometry_check(const struct tce_geometry *geo, uint64_t n, struct tce_err *err);

/*
 * Turns an inclusive IO bus address range into the entries [*first, *end)
 * of a window of n entries, clipped to the window.  Fails, naming the
 * window, when the range lies wholly outside it.
 */
int tce_geometry_index_range(const struct tce_geometry *geo, uint64_t n,
			     uint64_t ioba_first, uint64_t ioba_last,
			     uint64_t *first, uint64_t *end, struct tce_err *err);

#endif
