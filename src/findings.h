/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * findings.h - what tcectl check reports about a table, and how entries
 * are classified into findings.
 *
 * Each entry is classified on its own (tce_entry_kinds): bits the format
 * keeps zero, an address without permission, write-only, a page outside
 * the guest's RAM.  A classifier is fed a table's extents in index order
 * and joins consecutive entries of the same kind into one finding: a
 * guest that writes a million bad entries in a row gives one line, and
 * memory stays a few structs whatever the table holds.
 */
#ifndef TCECTL_FINDINGS_H
#define TCECTL_FINDINGS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "extents.h"

enum tce_severity {
	TCE_SEV_NOTICE,		/* legal, worth knowing */
	TCE_SEV_WARNING,	/* the format or QEMU's usual state broken */
	TCE_SEV_CRITICAL,	/* a device can reach memory it should not, or a stranger holds the table */
	TCE_SEV_COUNT
};

enum tce_finding_kind {
	TCE_FIND_OUTSIDE_RAM,
	TCE_FIND_RESERVED_BITS,
	TCE_FIND_NO_PERMISSION,
	TCE_FIND_WRITE_ONLY,
	TCE_FIND_ALIAS,
	TCE_FIND_FOREIGN_HOLDER,
	TCE_FIND_EMULATED,
	TCE_FIND_KINDS
};

/* The kinds one entry can have on its own, as bits (1 << kind). */
#define TCE_ENTRY_KINDS ((1u << TCE_FIND_OUTSIDE_RAM) | (1u << TCE_FIND_RESERVED_BITS) | \
			 (1u << TCE_FIND_NO_PERMISSION) | (1u << TCE_FIND_WRITE_ONLY))

/* Where a guest's RAM size came from. */
enum tce_ram_source {
	TCE_RAM_UNKNOWN,
	TCE_RAM_MONITOR,	/* QEMU's monitor */
	TCE_RAM_CMDLINE,	/* -m on the VMM's command line */
	TCE_RAM_MAPPINGS,	/* estimated from its largest RAM-like mapping */
	TCE_RAM_LIBVIRT,	/* the libvirt domain's <memory> */
};

struct tce_guest_ram {
	uint64_t size;		/* bytes from guest physical address 0; 0 when unknown */
	enum tce_ram_source source;
};

struct tce_finding {
	enum tce_finding_kind kind;
	bool has_entries;		/* false: the finding is about the whole table */
	uint64_t first, count;		/* entries concerned */
	uint64_t gpa_first, gpa_last;	/* lowest and highest guest byte their pages cover */
	struct tce_guest_ram ram;	/* outside-ram: the size it was checked against */
	/* alias: the entry of the other side (the same table or another), named as tables are */
	char other[64];
	uint64_t other_index;
	/* foreign-holder */
	pid_t holder_pid;
	char holder_comm[64];
	int holder_fd;			/* -1: a mapping */
	uint64_t holder_addr;		/* the mapping's address, when holder_fd is -1 */
	bool unattributed;		/* a mapping of a table file that may be this table */
	pid_t vmm_pid;			/* > 0: the holder is the process the table was found in; its VMM is vmm_pid */
};

/* "critical", "warning", "notice"; tce_severity_parse is its inverse (-1: none). */
const char *tce_severity_name(enum tce_severity sev);
int tce_severity_parse(const char *name);

/* "outside-ram", "reserved-bits", ... */
const char *tce_finding_kind_name(enum tce_finding_kind kind);
enum tce_severity tce_finding_severity(enum tce_finding_kind kind);

/* "monitor", "libvirt", "command line -m", "estimated from mappings", "unknown". */
const char *tce_ram_source_name(enum tce_ram_source source);

/*
 * The per-entry kinds of entry raw in a table of 2^page_shift pages, as
 * bits (1 << kind); ram of size 0 checks no RAM bound.  An empty entry
 * has none.  outside-ram is only said of an entry a device may use (R or
 * W): a poison entry's address reaches nothing.
 */
unsigned tce_entry_kinds(uint64_t raw, unsigned page_shift, uint64_t ram_size);

struct tce_classifier {
	unsigned page_shift;
	struct tce_guest_ram ram;
	struct tce_finding open[TCE_FIND_KINDS];	/* a run still growing, per kind */
	bool is_open[TCE_FIND_KINDS];
	/* Called with each finished run; a non-zero return stops and is returned. */
	int (*emit)(void *ctx, const struct tce_finding *f);
	void *ctx;
};

void tce_classifier_init(struct tce_classifier *c, unsigned page_shift,
			 const struct tce_guest_ram *ram,
			 int (*emit)(void *ctx, const struct tce_finding *f), void *ctx);

/* Classifies the entries of e, after every extent before it in index order. */
int tce_classify_extent(struct tce_classifier *c, const struct tce_extent *e);

/* Emits the runs still open. */
int tce_classify_finish(struct tce_classifier *c);

#endif
