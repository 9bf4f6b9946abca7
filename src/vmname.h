/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vmname.h - VMs by name: QEMU's -name and libvirt's domain names.
 *
 * A VM's name is what its QEMU was given as "-name NAME" or
 * "-name guest=NAME,..." (QEMU's option syntax: ",," is a literal comma),
 * or the name of a running libvirt domain (see libvirt.h).  Names are
 * compared as exact bytes; any local process chooses its own command line,
 * so a name is untrusted text: escape it before printing.
 */
#ifndef TCECTL_VMNAME_H
#define TCECTL_VMNAME_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "err.h"

/* Longest VM name a target may give: NAME.xml still fits a file name. */
#define TCE_VM_NAME_MAX 240

/*
 * The guest name in a QEMU command line (NUL-separated arguments, len
 * bytes) into buf: "" when it has no -name.  Returns false when the name
 * did not fit buf (buf then holds its start).
 */
bool tce_vm_name_of_args(const char *args, size_t len, char *buf, size_t buflen);

/* The same for a process's /proc/PID/cmdline ("" when unreadable). */
bool tce_vm_name_of_pid(pid_t pid, char *buf, size_t buflen);

/* Whether pid's command line names exactly the guest name. */
bool tce_vm_pid_has_name(pid_t pid, const char *name);

/*
 * Whether name can be a libvirt status file's NAME in DIR/NAME.xml: not
 * empty, no '/', no leading '.', at most TCE_VM_NAME_MAX bytes.
 */
bool tce_vm_name_is_file_safe(const char *name);

/*
 * name for a message: control bytes, '\', DEL and bytes that are not
 * valid UTF-8 as \xHH (as list shows a COMM), cut with "..." past max
 * input bytes; returns buf.
 */
const char *tce_vm_name_quote(const char *name, size_t max, char *buf, size_t buflen);

/*
 * The one process whose VM is called name: by its command line's -name
 * among the processes in /proc this user may read, or as the QEMU of the
 * running libvirt domain of that name.  None: TCE_ENOTARGET; several:
 * TCE_EUSAGE naming their pids; a bad name: TCE_EUSAGE.
 */
int tce_vm_find(const char *name, pid_t *pid, struct tce_err *err);

#endif
