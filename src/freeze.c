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

int tce_freeze(struct tce_freeze *f, pid_t pid, struct tce_err *err)
{
	struct timespec tick = { 0, 1000000 };

	*f = (struct tce_freeze){ .pid = pid };
	if (all_stopped(pid))
		return 0;	/* someone else paused it; they resume it */
	cleanup_stopped(pid);
	if (kill(pid, SIGSTOP)) {
		cleanup_stopped(0);
		return tce_fail(err, errno == EPERM ? TCE_EPERM : TCE_ENOTARGET,
				"cannot stop pid %d: %s; run as root or as the VMM's user",
				(int)pid, strerror(errno));
	}
	f->stopped_by_us = true;
	for (int ms = 0; ms < 5000; ms++) {
		if (all_stopped(pid))
			return 0;
		nanosleep(&tick, NULL);
	}
	tce_thaw(f);
	return tce_fail(err, TCE_EIO, "pid %d did not stop within 5 s; it was resumed", (int)pid);
}

void tce_thaw(struct tce_freeze *f)
{
	if (f->stopped_by_us)
		kill(f->pid, SIGCONT);
	f->stopped_by_us = false;
	cleanup_stopped(0);
}
