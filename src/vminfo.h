/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vminfo.h - what names a VMM's VM and the devices of its tables.
 *
 * Per VMM pid: the VM's name and where it came from, its RAM size when the
 * monitor or libvirt said, and the monitor's windows (device per liobn, bus
 * offset, window size).  A libvirt domain's QEMU (src/libvirt.h) names its
 * VM, devices and RAM from the domain's status file; the monitor, when one
 * answers, comes first, then libvirt, then the records and -name.  The monitor (src/qmp.h) is asked once, with a deadline;
 * when it was tried and failed, warning says why and everything falls back
 * to the command line and QEMU's records.  Never fails, never blocks past
 * the deadline.
 *
 *   struct tce_vminfo *vi = tce_vminfo_get(pid, &opts);
 *   tce_vminfo_device(vi, liobn, buf, len)   the DEVICE name of a table
 *   tce_vminfo_window(vi, liobn)             the monitor's window, or NULL
 *   tce_vminfo_emulated_windows(vi, ...)     windows with no table: emulated
 *   vi->ram_bytes                            0 when unknown
 *   tce_vminfo_free(vi);
 */
#ifndef TCECTL_VMINFO_H
#define TCECTL_VMINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "libvirt.h"
#include "qmp.h"

/* Where the VM's name came from; new sources are added at the end. */
enum tce_vm_name_source {
	TCE_VM_NAME_NONE,
	TCE_VM_NAME_QMP,	/* query-name */
	TCE_VM_NAME_CMDLINE,	/* -name on QEMU's command line */
	TCE_VM_NAME_LIBVIRT,	/* the libvirt domain's status file */
};

/* Where a table's device name came from. */
enum tce_device_source {
	TCE_DEVICE_NONE,
	TCE_DEVICE_RECORDS,	/* QEMU's liobn numbering: phb0-win1, vio-71000003 */
	TCE_DEVICE_QMP,		/* the monitor: the owner's id or type */
	TCE_DEVICE_LIBVIRT,	/* the libvirt domain's XML: the device's alias */
};

struct tce_vminfo_opts {
	const char *qmp_path;	/* the user's socket; NULL: from the command line */
	bool no_qmp;		/* never ask a monitor */
	int timeout_ms;		/* 0: TCE_QMP_TIMEOUT_MS */
};

struct tce_vminfo {
	pid_t pid;
	char name[256];			/* raw bytes: escape before printing */
	enum tce_vm_name_source name_source;
	uint64_t ram_bytes;		/* from the monitor, else libvirt; 0: unknown */
	bool ram_from_libvirt;		/* ram_bytes is the domain's <memory> */
	bool qmp_ok;			/* the monitor answered: qmp holds its view */
	struct tce_qmp_socket socket;	/* where the monitor was looked for */
	char warning[600];		/* the monitor was tried and failed: why; else "" */
	struct tce_qmp_vm qmp;
	/* A libvirt domain's QEMU (its monitor is libvirtd's): its status file. */
	struct tce_libvirt_domain *domain;	/* NULL: none, or not readable */
	char libvirt_warning[600];		/* its status file is corrupt: why; else "" */
};

/* NULL only when out of memory. */
struct tce_vminfo *tce_vminfo_get(pid_t pid, const struct tce_vminfo_opts *opts);

void tce_vminfo_free(struct tce_vminfo *vi);

/* The monitor's window of liobn, or NULL (no monitor, or no such window). */
const struct tce_qmp_window *tce_vminfo_window(const struct tce_vminfo *vi, uint32_t liobn);

/*
 * The device name of the table of liobn: the monitor's when it knows the
 * window, else the libvirt domain's alias (or model) of its device, else
 * QEMU's liobn numbering; "" and TCE_DEVICE_NONE when neither.
 * vi may be NULL (a checkpoint's table): the numbering alone.
 */
enum tce_device_source tce_vminfo_device(const struct tce_vminfo *vi, uint32_t liobn,
					 char *buf, size_t len);

/*
 * The cross-check: the windows the monitor shows with a size (enabled) but
 * whose liobn is none of known (the VMM's tables with a known liobn: kernel
 * tables and QEMU's records, emulated ones included) are tables QEMU
 * emulates.  None when unknown_tables (some table's liobn is not known: any
 * could be such a window) or the monitor did not answer.  Fills out with at
 * most max windows; returns how many.
 */
size_t tce_vminfo_emulated_windows(const struct tce_vminfo *vi, const uint32_t *known,
				   size_t n_known, bool unknown_tables,
				   const struct tce_qmp_window **out, size_t max);

/* "qmp", "cmdline", "libvirt", "records", "" */
const char *tce_vm_name_source_name(enum tce_vm_name_source s);
const char *tce_device_source_name(enum tce_device_source s);

#endif
