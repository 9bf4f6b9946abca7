// SPDX-License-Identifier: GPL-2.0-or-later
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "proc.h"

static int read_small_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

int proc_info_read(pid_t pid, struct proc_info *info, struct tce_err *err)
{
	char path[64];

	info->pid = pid;
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	if (read_small_file(path, info->comm, sizeof(info->comm)))
		return tce_fail(err, TCE_ENOTARGET,
				"no process with pid %d; check the pid with ps or tcectl list", (int)pid);
	info->comm[strcspn(info->comm, "\n")] = '\0';
	return 0;
}

void proc_fd_link(pid_t pid, int fd, char *buf, size_t len)
{
	char path[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)pid, fd);
	n = readlink(path, buf, len - 1);
	buf[n < 0 ? 0 : n] = '\0';
}

static int compare_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* Numeric entries of a /proc directory, sorted.  NULL dir: errno is set. */
static int numeric_entries(DIR *dir, int **out, size_t *count)
{
	struct dirent *d;
	int *v = NULL;
	size_t n = 0, cap = 0;

	while ((d = readdir(dir))) {
		char *end;
		long x = strtol(d->d_name, &end, 10);

		if (*end || end == d->d_name || x < 0)
			continue;
		if (n == cap) {
			int *grown = realloc(v, (cap = cap ? 2 * cap : 64) * sizeof(*v));

			if (!grown) {
				free(v);
				return -1;
			}
			v = grown;
		}
		v[n++] = (int)x;
	}
	if (n > 1)
		qsort(v, n, sizeof(*v), compare_int);	/* v is NULL when n is 0 */
	*out = v;
	*count = n;
	return 0;
}

int proc_read_error(pid_t pid, int errnum, const char *what, struct tce_err *err)
{
	char hint[256];

	if (errnum == ENOENT || errnum == ESRCH)
		return tce_fail(err, TCE_ENOTARGET,
				"no process with pid %d; check the pid with ps or tcectl list", (int)pid);
	proc_permission_hint(pid, hint, sizeof(hint));
	return tce_fail(err, tce_status_from_errno(errnum), "cannot read %s of pid %d: %s; %s", what,
			(int)pid, strerror(errnum), hint);
}

int proc_tce_fds(pid_t pid, int **fds, size_t *count, struct tce_err *err)
{
	char path[64], link[256];
	DIR *dir;
	int *all;
	size_t n, i, kept = 0;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	dir = opendir(path);
	if (!dir)
		return proc_read_error(pid, errno, "the file descriptors", err);
	if (numeric_entries(dir, &all, &n)) {
		closedir(dir);
		return tce_fail(err, TCE_EIO, "out of memory listing fds of pid %d", (int)pid);
	}
	closedir(dir);
	for (i = 0; i < n; i++) {
		proc_fd_link(pid, all[i], link, sizeof(link));
		if (proc_link_is_tce(link))
			all[kept++] = all[i];
	}
	if (!kept) {
		free(all);
		all = NULL;
	}
	*fds = all;
	*count = kept;
	return 0;
}

bool proc_has_vfio(pid_t pid)
{
	char path[64], link[256];
	DIR *dir;
	int *all;
	size_t n, i;
	bool found = false;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	dir = opendir(path);
	if (!dir)
		return false;
	if (numeric_entries(dir, &all, &n)) {
		closedir(dir);
		return false;
	}
	closedir(dir);
	for (i = 0; i < n && !found; i++) {
		proc_fd_link(pid, all[i], link, sizeof(link));
		found = !strncmp(link, "/dev/vfio/", 10);
	}
	free(all);
	return found;
}

int proc_pidfd_open(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

int proc_pidfd_signal(int pidfd, int sig)
{
	return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
}

bool proc_pidfd_exited(int pidfd)
{
	struct pollfd p = { .fd = pidfd, .events = POLLIN };

	/* A pidfd polls readable once its process has exited (pidfd_open(2)). */
	return poll(&p, 1, 0) == 1 && (p.revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL));
}

int proc_all_pids(pid_t **pids, size_t *count, struct tce_err *err)
{
	DIR *dir = opendir("/proc");
	int *all;
	size_t n;

	if (!dir)
		return tce_fail(err, TCE_EIO, "cannot read /proc: %s; is procfs mounted?", strerror(errno));
	if (numeric_entries(dir, &all, &n)) {
		closedir(dir);
		return tce_fail(err, TCE_EIO, "out of memory listing processes");
	}
	closedir(dir);
	*pids = (pid_t *)all;
	*count = n;
	return 0;
}

int proc_tce_holders(pid_t **pids, size_t *count, size_t *denied, struct tce_err *err)
{
	size_t n_pids, kept = 0;
	pid_t *all;

	*denied = 0;
	if (proc_all_pids(&all, &n_pids, err))
		return -1;
	for (size_t i = 0; i < n_pids; i++) {
		struct tce_err fd_err = { 0 };
		size_t n_fds;
		int *fds;

		if (proc_tce_fds(all[i], &fds, &n_fds, &fd_err)) {
			*denied += fd_err.status == TCE_EPERM;
			continue;
		}
		free(fds);
		if (n_fds)
			all[kept++] = all[i];
	}
	*pids = all;
	*count = kept;
	return 0;
}

/* /proc/PID/stat from its third field on (state), or NULL. */
static const char *stat_fields(pid_t pid, char *buf, size_t len)
{
	char path[64], *p;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (read_small_file(path, buf, len))
		return NULL;
	/* comm may hold spaces and parentheses: fields start after the last ')'. */
	p = strrchr(buf, ')');
	return p ? p + 1 : NULL;
}

unsigned long long proc_start_time(pid_t pid)
{
	char buf[1024];
	const char *p = stat_fields(pid, buf, sizeof(buf));
	unsigned long long start;

	if (!p || sscanf(p, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d %*d %llu",
			 &start) != 1)
		return 0;
	return start;
}

ssize_t proc_cmdline(pid_t pid, char *buf, size_t cap)
{
	char path[64];
	size_t n = 0;
	ssize_t c = 0;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while (n < cap && ((c = read(fd, buf + n, cap - n)) > 0 || (c < 0 && errno == EINTR)))
		n += c > 0 ? (size_t)c : 0;
	close(fd);
	return (ssize_t)n;
}

pid_t proc_parent(pid_t pid)
{
	char buf[1024];
	const char *p = stat_fields(pid, buf, sizeof(buf));
	int ppid;

	if (!p || sscanf(p, " %*c %d", &ppid) != 1)
		return 0;
	return (pid_t)ppid;
}

static int status_uid(pid_t pid, unsigned *uid)
{
	char path[64], buf[4096], *line;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (read_small_file(path, buf, sizeof(buf)))
		return -1;
	line = strstr(buf, "\nUid:");
	if (!line || sscanf(line + 5, "%*u %u", uid) != 1)
		return -1;
	return 0;
}

void proc_permission_hint(pid_t pid, char *buf, size_t len)
{
	char path[64], scope[16] = "";
	struct stat st;
	unsigned uid;
	size_t used;

	if (geteuid() == 0)
		used = (size_t)snprintf(buf, len,
					"root was refused too, so a security module, a seccomp filter or a "
					"user namespace forbids it");
	else
		used = (size_t)snprintf(buf, len, "run as root or with CAP_SYS_PTRACE");
	/* /proc/PID/status of a non-dumpable process belongs to root, not to its uid. */
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (geteuid() != 0 && !status_uid(pid, &uid) && used < len) {
		if (uid != geteuid())
			used += (size_t)snprintf(buf + used, len - used,
						 " (pid %d runs as uid %u, not %u)",
						 (int)pid, uid, (unsigned)geteuid());
		else if (!stat(path, &st) && st.st_uid != uid)
			used += (size_t)snprintf(buf + used, len - used,
						 " (pid %d is not dumpable, so its own uid cannot attach)",
						 (int)pid);
	}
	if (!read_small_file("/proc/sys/kernel/yama/ptrace_scope", scope, sizeof(scope)) &&
	    scope[0] != '0' && used < len) {
		scope[strcspn(scope, "\n")] = '\0';
		used += (size_t)snprintf(buf + used, len - used,
					 "; Yama ptrace_scope is %s%s", scope,
					 scope[0] == '3' ? ", which forbids attaching at all" : "");
	}
	if (used < len)
		snprintf(buf + used, len - used, "; see tcectl(1) PERMISSIONS");
}
