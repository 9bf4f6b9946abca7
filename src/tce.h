/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tce.h - one TCE entry, decoded.
 *
 * An entry is a u64 in the table owner's byte order: the guest physical
 * address of an IOMMU page with two permission bits in its low end
 * (arch/powerpc/include/asm/tce.h).  READ means the device may read that
 * memory (DMA to the device), WRITE that it may write it.  A non-zero entry
 * without permission bits is legal ("poison") and is still reported.
 */
#ifndef TCECTL_TCE_H
#define TCECTL_TCE_H

#include <stdint.h>

#define TCE_PCI_READ	0x1ULL
#define TCE_PCI_WRITE	0x2ULL
#define TCE_PERM_MASK	(TCE_PCI_READ | TCE_PCI_WRITE)

/* Permission as a 2-bit value: 0 none, 1 r, 2 w, 3 rw. */
static inline unsigned tce_perm(uint64_t tce)
{
	return (unsigned)(tce & TCE_PERM_MASK);
}

static inline uint64_t tce_gpa(uint64_t tce)
{
	return tce & ~TCE_PERM_MASK;
}

/* "-", "r", "w" or "rw". */
const char *tce_perm_name(unsigned perm);

/*
 * Parses a comma-separated list of permission names ("rw", "r", "w", and
 * "-" or "none") into a 4-bit set indexed by perm.  Returns -1 on a bad name.
 */
int tce_perm_set_parse(const char *list, unsigned *set);

#endif
