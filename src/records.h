/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * records.h - QEMU's own records of its TCE tables.
 *
 * The kernel tells nothing of a table but its size.  QEMU keeps, for each
 * table, a SpaprTceTable object (include/hw/ppc/spapr.h) whose fields
 * after the DeviceState header are, from the liobn on and the same in
 * QEMU 5.0 to 7.2 and later:
 *
 *   +0 u32 liobn   +4 u32 nb_table   +8 u64 bus_offset   +16 u32 page_shift
 *   +24 u64 *table (its mapping of the fd, or heap memory)
 *   +32 u32 mig_nb_table   +40 u64 *mig_table   +48 bool x4   +52 int fd
 *
 * The objects live in QEMU's heap or malloc's arenas.  Those areas are
 * scanned for blocks that validate against what /proc shows: the table
 * pointer starts a kvm-spapr-tce mapping that holds nb_table entries and
 * fd is one of the process's table fds (a kernel table), or fd is -1 and
 * the pointer lies in QEMU's own memory (a table QEMU emulates because the
 * kernel refused to create it).  The guest writes what it likes into its
 * RAM, and a scan can meet freed copies: two blocks that claim one table
 * make both void, never a guess.
 */
#ifndef TCECTL_RECORDS_H
#define TCECTL_RECORDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"
#include "maps.h"

#define QEMU_REC_LIOBN		0
#define QEMU_REC_NB_TABLE	4
#define QEMU_REC_BUS_OFFSET	8
#define QEMU_REC_PAGE_SHIFT	16
#define QEMU_REC_TABLE		24
#define QEMU_REC_FLAGS		48	/* bypass, need_vfio, skipping_replay, def_win */
#define QEMU_REC_FD		52
#define QEMU_REC_SIZE		56

/* Largest anonymous area scanned besides [heap]: one malloc arena heap (64 MiB). */
#define RECORDS_AREA_MAX	(64ULL << 20)
/* Bytes scanned at most per process. */
#define RECORDS_SCAN_MAX	(1ULL << 30)

struct tce_record {
	uint64_t at;		/* address of the liobn field in the VMM */
	uint32_t liobn;
	uint32_t nb_table;
	uint64_t bus_offset;
	unsigned page_shift;
	uint64_t table;		/* the VMM's mapping of the table, or its heap copy */
	int fd;
	bool emulated;		/* fd -1: QEMU's table in its own memory */
};

/* What a record must agree with: the process's areas and table fds. */
struct record_context {
	const struct areas *areas;
	const int *fds;
	size_t n_fds;
};

/* Whether QEMU numbers a table so: 0x80000000 | phb << 8 | window, or a VIO reg 0x71... */
bool tce_liobn_is_qemu(uint32_t liobn);

/* "phb0-win1", "vio-71000003", or "" when QEMU's numbering does not say. */
void tce_liobn_device(uint32_t liobn, char *buf, size_t len);

/*
 * Decodes QEMU_REC_SIZE bytes found at address at (host byte order) and
 * validates them against ctx; true when they are a record.
 */
bool tce_record_decode(const unsigned char *raw, uint64_t at, const struct record_context *ctx,
		       struct tce_record *rec);

/*
 * Drops every record that shares its table address, fd or liobn with
 * another; returns the count left (records are compacted in place).
 */
size_t tce_records_unique(struct tce_record *rec, size_t n);

/*
 * Scans pid's heap and anonymous areas up to the caps above; *out is
 * malloc'd.  *denied: the process's memory may not be read (no records,
 * and no table can be read through a mapping either).  Memory used is one buffer and the records found (at most one
 * per table fd and liobn, since duplicates are dropped).
 */
int tce_records_find(pid_t pid, const struct record_context *ctx, struct tce_record **out,
		     size_t *n, bool *denied, struct tce_err *err);

/*
 * For a program that finds the same process's records again and again (a
 * live view, every second): while a process's table fds and mappings are
 * as at the last scan, its records are re-read where they were found and
 * re-validated, instead of scanning its heap again; a full scan still
 * comes every RECORDS_RESCAN_EVERY finds, for a table QEMU emulates,
 * which adds neither.  Off by default: a writer must see the heap as it is.
 */
#define RECORDS_RESCAN_EVERY 16
void tce_records_remember(bool on);

#endif
