// SPDX-License-Identifier: GPL-2.0-or-later
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"

static char tmpfile_path[PATH_MAX];
static volatile sig_atomic_t stopped_pid;

static const int fatal_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };

static void on_fatal_signal(int sig)
{
	if (tmpfile_path[0])
		unlink(tmpfile_path);
	if (stopped_pid)
		kill((pid_t)stopped_pid, SIGCONT);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void install(void)
{
	static bool installed;
	struct sigaction sa = { .sa_handler = on_fatal_signal };

	if (installed)
		return;
	sigfillset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(fatal_signals) / sizeof(fatal_signals[0]); i++) {
		struct sigaction old;

		/* An ignored signal (nohup, a background job) cannot end us: keep it ignored. */
		if (sigaction(fatal_signals[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
			continue;
		sigaction(fatal_signals[i], &sa, NULL);
	}
	installed = true;
}

/* Signals are blocked while the state changes, so the handler never sees half of it. */
static void block(sigset_t *old)
{
	sigset_t all;

	sigemptyset(&all);
	for (size_t i = 0; i < sizeof(fatal_signals) / sizeof(fatal_signals[0]); i++)
		sigaddset(&all, fatal_signals[i]);
	sigprocmask(SIG_BLOCK, &all, old);
}

void cleanup_tmpfile(const char *path)
{
	sigset_t old;

	install();
	block(&old);
	if (path && strlen(path) < sizeof(tmpfile_path))
		strcpy(tmpfile_path, path);
	else
		tmpfile_path[0] = '\0';
	sigprocmask(SIG_SETMASK, &old, NULL);
}

int cleanup_mkstemp(char *template)
{
	sigset_t old;
	int fd;

	install();
	block(&old);
	fd = mkstemp(template);
	if (fd >= 0 && strlen(template) < sizeof(tmpfile_path))
		strcpy(tmpfile_path, template);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return fd;
}

void cleanup_stopped(pid_t pid)
{
	install();
	stopped_pid = pid;
}
