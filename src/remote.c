// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/uio.h>

#include "proc.h"
#include "remote.h"

#ifndef IOV_MAX
#define IOV_MAX 1024
#endif

static int remote_error(pid_t pid, int errnum, const char *what, const char *doing,
			struct tce_err *err)
{
	char hint[384];

	switch (errnum) {
	case ESRCH:
		return tce_fail(err, TCE_ENOTARGET,
				"no process with pid %d (it ended); check the pid with ps or tcectl list",
				(int)pid);
	case EPERM:
	case EACCES:
		/* The same check as pidfd_getfd's, and the same words. */
		proc_permission_hint(pid, hint, sizeof(hint));
		return tce_fail(err, TCE_EPERM, "cannot attach to pid %d: %s; %s", (int)pid,
				strerror(errnum), hint);
	case ENOSYS:
		return tce_fail(err, TCE_ENOSYS,
				"this kernel has no process_vm_readv (Linux 3.2 or later is needed)");
	case EFAULT:
		return tce_fail(err, TCE_ENOTARGET,
				"cannot %s %s of pid %d: the memory is gone or shorter (the VMM unmapped or re-created it); run the command again",
				doing, what, (int)pid);
	default:
		return tce_fail(err, TCE_EIO, "cannot %s %s of pid %d: %s", doing, what, (int)pid,
				strerror(errnum));
	}
}

ssize_t remote_read_some(pid_t pid, uint64_t addr, void *buf, size_t len)
{
	struct iovec local = { buf, len };
	struct iovec remote = { (void *)(uintptr_t)addr, len };

	return process_vm_readv(pid, &local, 1, &remote, 1, 0);
}

int remote_read(pid_t pid, uint64_t addr, void *buf, size_t len, const char *what,
		struct tce_err *err)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = remote_read_some(pid, addr + done, (char *)buf + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return remote_error(pid, errno, what, "read", err);
		if (n == 0)
			return remote_error(pid, EFAULT, what, "read", err);
		done += (size_t)n;
	}
	return 0;
}

/* One batch of at most IOV_MAX words; a short transfer is the remote side's fault. */
static int words_batch(pid_t pid, const uint64_t *addr, uint64_t *val, size_t n, int write,
		       const char *what, struct tce_err *err)
{
	struct iovec local[IOV_MAX], remote[IOV_MAX];
	ssize_t got;

	for (size_t k = 0; k < n; k++) {
		local[k] = (struct iovec){ &val[k], sizeof(val[k]) };
		remote[k] = (struct iovec){ (void *)(uintptr_t)addr[k], sizeof(val[k]) };
	}
	do {
		got = write ? process_vm_writev(pid, local, n, remote, n, 0)
			    : process_vm_readv(pid, local, n, remote, n, 0);
	} while (got < 0 && errno == EINTR);
	if (got < 0)
		return remote_error(pid, errno, what, write ? "write" : "read", err);
	if ((size_t)got != n * sizeof(*val))
		return remote_error(pid, EFAULT, what, write ? "write" : "read", err);
	return 0;
}

static int words(pid_t pid, const uint64_t *addr, uint64_t *val, size_t n, int write,
		 const char *what, struct tce_err *err)
{
	for (size_t k = 0; k < n; k += IOV_MAX)
		if (words_batch(pid, addr + k, val + k, n - k < IOV_MAX ? n - k : IOV_MAX, write,
				what, err))
			return -1;
	return 0;
}

int remote_read_words(pid_t pid, const uint64_t *addr, uint64_t *val, size_t n,
		      const char *what, struct tce_err *err)
{
	return words(pid, addr, val, n, 0, what, err);
}

int remote_write_words(pid_t pid, const uint64_t *addr, const uint64_t *val, size_t n,
		       const char *what, struct tce_err *err)
{
	return words(pid, addr, (uint64_t *)val, n, 1, what, err);
}
