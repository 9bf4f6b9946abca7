// SPDX-License-Identifier: GPL-2.0-or-later
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "freeze.h"
#include "proc.h"

/* The state letter of /proc/PID/task/TID/stat, or 0. */
static char task_state(pid_t pid, const char *tid)
{
	char path[320], buf[512], *paren;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/task/%s/stat", (int)pid, tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	paren = strrchr(buf, ')');	/* comm may hold spaces and parentheses */
	return paren && paren[1] == ' ' ? paren[2] : 0;
}

/* Whether every thread is stopped ('T'); threads that exit do not count. */
static bool all_stopped(pid_t pid)
{
	char path[64];
	struct dirent *d;
	DIR *dir;
	bool stopped = true;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	dir = opendir(path);
	if (!dir)
		return false;
	while ((d = readdir(dir)) && stopped) {
		char state;

		if (d->d_name[0] == '.')
			continue;
		state = task_state(pid, d->d_name);
		stopped = state == 'T' || state == 't' || state == 0;
	}
	closedir(dir);
	return stopped;
}

static int stop_error(struct tce_freeze *f, int errnum, struct tce_err *err)
{
	if (errnum == ESRCH)
		return tce_fail(err, TCE_ENOTARGET,
				"pid %d exited before it could be stopped; nothing was changed", (int)f->pid);
	return tce_fail(err, errnum == EPERM ? TCE_EPERM : TCE_EIO,
			"cannot stop pid %d: %s; run as root or as the VMM's user", (int)f->pid,
			strerror(errnum));
}

static int send(const struct tce_freeze *f, int sig)
{
	return f->pidfd >= 0 ? proc_pidfd_signal(f->pidfd, sig) : kill(f->pid, sig);
}

int tce_freeze(struct tce_freeze *f, pid_t pid, int pidfd, struct tce_err *err)
{
	struct timespec tick = { 0, 1000000 };

	*f = (struct tce_freeze){ .pid = pid, .pidfd = pidfd };
	if (pidfd < 0) {
		f->pidfd = proc_pidfd_open(pid);
		if (f->pidfd < 0 && errno != ENOSYS)
			return stop_error(f, errno, err);
		f->own_pidfd = f->pidfd >= 0;
	}
	if (f->pidfd >= 0 && proc_pidfd_exited(f->pidfd)) {
		stop_error(f, ESRCH, err);
		tce_thaw(f);
		return -1;
	}
	if (all_stopped(pid))
		return 0;	/* someone else paused it; they resume it */
	cleanup_stopped(pid, f->pidfd);
	if (send(f, SIGSTOP)) {
		int errnum = errno;

		cleanup_stopped(0, -1);
		stop_error(f, errnum, err);
		tce_thaw(f);
		return -1;
	}
	f->stopped_by_us = true;
	for (int ms = 0; ms < 5000; ms++) {
		if (all_stopped(pid))
			return 0;
		if (f->pidfd >= 0 && proc_pidfd_exited(f->pidfd)) {
			tce_thaw(f);
			return stop_error(f, ESRCH, err);
		}
		nanosleep(&tick, NULL);
	}
	tce_thaw(f);
	return tce_fail(err, TCE_EIO, "pid %d did not stop within 5 s; it was resumed", (int)pid);
}

void tce_thaw(struct tce_freeze *f)
{
	if (f->stopped_by_us)
		send(f, SIGCONT);
	f->stopped_by_us = false;
	cleanup_stopped(0, -1);
	if (f->own_pidfd)
		close(f->pidfd);
	f->own_pidfd = false;
	f->pidfd = -1;
}
