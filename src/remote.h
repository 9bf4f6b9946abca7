/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * remote.h - another process's memory, copied through the kernel.
 *
 * process_vm_readv and process_vm_writev reach a VMM's own mapping of a
 * table without taking a reference to the table's file: the pages are
 * pinned for the copy only.  So the VMM can close and re-create the table
 * at any moment, which a grabbed fd or a mapping of ours would make fail
 * with EBUSY (DOMAIN: holding a table).  They need the same ptrace-attach
 * permission as pidfd_getfd.
 */
#ifndef TCECTL_REMOTE_H
#define TCECTL_REMOTE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"

/*
 * Copies len bytes at addr in pid into buf.  A short copy (the area ended
 * or shrank) fails: what names the memory in the message ("table 12:9").
 */
int remote_read(pid_t pid, uint64_t addr, void *buf, size_t len, const char *what,
		struct tce_err *err);

/* Reads as much as it can; returns the bytes copied, or -1 with errno. */
ssize_t remote_read_some(pid_t pid, uint64_t addr, void *buf, size_t len);

/*
 * Scattered 64-bit words: n words at the remote addresses addr[k] from or
 * into val[k].  Batched, IOV_MAX at a time; all or an error.
 */
int remote_read_words(pid_t pid, const uint64_t *addr, uint64_t *val, size_t n,
		      const char *what, struct tce_err *err);
int remote_write_words(pid_t pid, const uint64_t *addr, const uint64_t *val, size_t n,
		       const char *what, struct tce_err *err);

#endif
