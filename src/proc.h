/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * proc.h - what /proc tells about a process and its file descriptors.
 *
 * A kvm-spapr-tce table is an anonymous inode: its /proc/PID/fd link reads
 * "anon_inode:kvm-spapr-tce" and nothing else about it is visible there.
 */
#ifndef TCECTL_PROC_H
#define TCECTL_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <sys/types.h>

#include "err.h"

#define TCE_FD_LINK "anon_inode:kvm-spapr-tce"

struct proc_info {
	pid_t pid;
	char comm[64];
};

/* Reads /proc/PID/comm; fails with TCE_ENOTARGET when there is no such process. */
int proc_info_read(pid_t pid, struct proc_info *info, struct tce_err *err);

/* The /proc/PID/fd/FD link, or "" when it cannot be read. */
void proc_fd_link(pid_t pid, int fd, char *buf, size_t len);

static inline bool proc_link_is_tce(const char *link)
{
	return !strcmp(link, TCE_FD_LINK);
}

/*
 * The TCE table fds of a process, ascending.  *fds is malloc'd (NULL when
 * there are none).  Fails when /proc/PID/fd cannot be read; the message
 * says why (no process, or the permission that is missing).
 */
int proc_tce_fds(pid_t pid, int **fds, size_t *count, struct tce_err *err);

/*
 * The failure to read a /proc file of pid ("the file descriptors", "the
 * memory map"): no such process, or the permission that is missing.
 */
int proc_read_error(pid_t pid, int errnum, const char *what, struct tce_err *err);

/* Whether the process holds a /dev/vfio file (passthrough devices). */
bool proc_has_vfio(pid_t pid);

/*
 * A pidfd of pid (pidfd_open, Linux 5.3): it names that process for as
 * long as it is open, never a later one given the same number.  -1 with
 * errno set on failure.
 */
int proc_pidfd_open(pid_t pid);

/*
 * Sends sig to the process of pidfd (pidfd_send_signal); 0 sends none and
 * only checks.  -1 with errno set: ESRCH once it has exited.  Only a
 * system call: safe in a signal handler.
 */
int proc_pidfd_signal(int pidfd, int sig);

/* Whether the process of pidfd has exited, a zombie not yet reaped included. */
bool proc_pidfd_exited(int pidfd);

/* Every process id in /proc, ascending; *pids is malloc'd. */
int proc_all_pids(pid_t **pids, size_t *count, struct tce_err *err);

/*
 * Every process that holds a kvm-spapr-tce fd, ascending; *pids is
 * malloc'd.  *denied counts those whose fds may not be looked at.
 */
int proc_tce_holders(pid_t **pids, size_t *count, size_t *denied, struct tce_err *err);

/*
 * When pid started, in clock ticks since boot (/proc/PID/stat field 22):
 * with the pid, it names one process, never a later one given the same
 * number.  0 when it cannot be read (the process is gone).
 */
unsigned long long proc_start_time(pid_t pid);

/*
 * Up to cap bytes of pid's command line (NUL-separated arguments), read
 * until its end, whatever each read returns; the bytes read, or -1 when it
 * cannot be opened.  A longer command line is cut at cap.
 */
ssize_t proc_cmdline(pid_t pid, char *buf, size_t cap);

/* The parent of pid (/proc/PID/stat field 4); 0 when it cannot be read. */
pid_t proc_parent(pid_t pid);

/*
 * One clause that says what attaching to pid needs and what stands in the
 * way, for permission errors: uid, dumpability, Yama ptrace_scope.
 */
void proc_permission_hint(pid_t pid, char *buf, size_t len);

#endif
