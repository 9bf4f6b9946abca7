// SPDX-License-Identifier: GPL-2.0-or-later
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "proc.h"

static char tmpfile_path[PATH_MAX];
static volatile sig_atomic_t stopped_pid;
static volatile sig_atomic_t stopped_pidfd = -1;

/*
 * Signals whose default action ends the process, bar SIGKILL: requests
 * first, which may wait (cleanup_defer), then faults and SIGXFSZ, which
 * the instruction or write that raised them cannot wait for.  The
 * real-time signals end a process too; install() adds them.
 */
static const int request_signals[] = {
	SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGPIPE, SIGALRM, SIGUSR1, SIGUSR2,
	SIGXCPU, SIGVTALRM, SIGPROF, SIGIO,
#ifdef SIGPWR
	SIGPWR,
#endif
#ifdef SIGSTKFLT
	SIGSTKFLT,
#endif
};
static const int fault_signals[] = {
	SIGBUS, SIGSEGV, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGSYS, SIGXFSZ,
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Signals found ignored at start: left so, as under nohup. */
static sigset_t ignored_at_start;

static void on_fatal_signal(int sig)
{
	if (tmpfile_path[0])
		unlink(tmpfile_path);
	if (stopped_pidfd >= 0)
		proc_pidfd_signal(stopped_pidfd, SIGCONT);
	else if (stopped_pid)
		kill((pid_t)stopped_pid, SIGCONT);
	/* Dies of sig once the handler returns and sig is unblocked. */
	signal(sig, SIG_DFL);
	raise(sig);
}

static void handle(int sig)
{
	struct sigaction sa = { .sa_handler = on_fatal_signal };

	sigfillset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

/*
 * A signal ignored at start stays ignored.  A request a host program
 * handles (a fuzzer's SIGALRM) stays its own; a fault is always taken,
 * since whoever handles it (a sanitizer's report) ends the process with
 * the VMM stopped otherwise.
 */
static void catch(int sig, bool fault)
{
	struct sigaction old;

	if (sigaction(sig, NULL, &old))
		return;
	if (old.sa_handler == SIG_IGN)
		sigaddset(&ignored_at_start, sig);
	else if (fault || (!(old.sa_flags & SA_SIGINFO) && old.sa_handler == SIG_DFL))
		handle(sig);
}

static void install(void)
{
	static bool installed;

	if (installed)
		return;
	sigemptyset(&ignored_at_start);
	for (size_t i = 0; i < COUNT(request_signals); i++)
		catch(request_signals[i], false);
	for (size_t i = 0; i < COUNT(fault_signals); i++)
		catch(fault_signals[i], true);
	for (int sig = SIGRTMIN; sig <= SIGRTMAX; sig++)
		catch(sig, false);
	installed = true;
}

static void requests(sigset_t *set)
{
	sigemptyset(set);
	for (size_t i = 0; i < COUNT(request_signals); i++)
		sigaddset(set, request_signals[i]);
	for (int sig = SIGRTMIN; sig <= SIGRTMAX; sig++)
		sigaddset(set, sig);
}

/* Requests are blocked while the state changes, so the handler never sees half of it. */
static void block(sigset_t *old)
{
	sigset_t set;

	requests(&set);
	sigprocmask(SIG_BLOCK, &set, old);
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

void cleanup_stopped(pid_t pid, int pidfd)
{
	sigset_t old;

	install();
	block(&old);
	stopped_pid = pid;
	stopped_pidfd = pid ? pidfd : -1;
	sigprocmask(SIG_SETMASK, &old, NULL);
}

void cleanup_defer(sigset_t *old)
{
	install();
	block(old);
}

void cleanup_allow(const sigset_t *old)
{
	sigprocmask(SIG_SETMASK, old, NULL);
}

int cleanup_pending(void)
{
	sigset_t pending, set;

	requests(&set);
	if (sigpending(&pending))
		return 0;
	for (int sig = 1; sig < NSIG; sig++)
		if (sigismember(&set, sig) == 1 && sigismember(&pending, sig) == 1 &&
		    !sigismember(&ignored_at_start, sig))
			return sig;
	return 0;
}

void cleanup_file_limit_as_error(bool on)
{
	install();
	if (sigismember(&ignored_at_start, SIGXFSZ))
		return;
	if (on)
		signal(SIGXFSZ, SIG_IGN);
	else
		handle(SIGXFSZ);
}
