// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * qmp_owner.c - whether a VMM listens itself on the monitor socket its
 * command line names.
 *
 * A command line proves nothing: any process may name another VM's
 * monitor or a root daemon's socket there.  The kernel does know who
 * listens: /proc/PID/net/unix (the process's network namespace) lists each
 * bound socket with its inode and the path as bound, and /proc/PID/fd
 * shows the process's sockets as "socket:[INODE]".
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "qmp.h"

#define SO_ACCEPTCON_FLAG	0x10000	/* __SO_ACCEPTCON: listen() was called */
#define SS_UNCONNECTED_STATE	1

/*
 * "Num: RefCount Protocol Flags Type St Inode Path": the kernel prints the
 * inode as %5lu, then one space and the path byte for byte (an abstract
 * name as '@' and its NULs as '@').
 */
bool tce_unix_listening_line(const char *line, const char *path, unsigned long *inode)
{
	unsigned int flags, type, st;
	unsigned long ino;
	const char *p;
	size_t len;
	int n = -1;

	if (!*path || path[0] == '@')
		return false;
	if (sscanf(line, "%*[0-9a-fA-F]: %*x %*x %x %x %x %lu%n", &flags, &type, &st, &ino, &n) != 4 ||
	    n < 0 || line[n] != ' ')
		return false;
	if (!(flags & SO_ACCEPTCON_FLAG) || st != SS_UNCONNECTED_STATE)
		return false;
	p = line + n + 1;
	len = strcspn(p, "\n");
	if (len != strlen(path) || memcmp(p, path, len))
		return false;
	*inode = ino;
	return true;
}

size_t tce_unix_listening_inodes(const char *text, const char *path, unsigned long *inodes,
				 size_t max)
{
	size_t n = 0;

	for (const char *line = text; *line && n < max;) {
		const char *nl = strchr(line, '\n');

		if (tce_unix_listening_line(line, path, &inodes[n]))
			n++;
		if (!nl)
			break;
		line = nl + 1;
	}
	return n;
}

/*
 * Streams /proc/PID/net/unix a line at a time: constant memory however
 * many sockets the namespace has.  A line longer than the buffer (no path
 * is: sun_path has 108 bytes) is skipped whole.
 */
static int listening_inodes(pid_t pid, const char *path, unsigned long *inodes, size_t *n,
			    struct tce_err *err)
{
	char name[64], line[512];
	bool skipping = false;
	FILE *f;

	snprintf(name, sizeof(name), "/proc/%d/net/unix", (int)pid);
	f = fopen(name, "re");
	if (!f)
		return tce_fail(err, TCE_EIO, "cannot read %s: %s", name, strerror(errno));
	*n = 0;
	while (*n < TCE_QMP_MAX_LISTENERS && fgets(line, sizeof(line), f)) {
		bool whole = strchr(line, '\n') != NULL || feof(f);

		if (!skipping && whole && tce_unix_listening_line(line, path, &inodes[*n]))
			(*n)++;
		skipping = !whole;
	}
	fclose(f);
	return 0;
}

/* Whether one of pid's fds is one of the sockets inodes; -1 when unreadable. */
static int holds_socket(pid_t pid, const unsigned long *inodes, size_t n, struct tce_err *err)
{
	char name[64], link[64], want[64];
	struct dirent *d;
	int found = 0;
	DIR *dir;

	snprintf(name, sizeof(name), "/proc/%d/fd", (int)pid);
	dir = opendir(name);
	if (!dir)
		return tce_fail(err, TCE_EIO, "cannot read %s: %s", name, strerror(errno));
	while (!found && (d = readdir(dir))) {
		ssize_t len = readlinkat(dirfd(dir), d->d_name, link, sizeof(link) - 1);

		if (len <= 0)
			continue;
		link[len] = '\0';
		for (size_t i = 0; i < n && !found; i++) {
			snprintf(want, sizeof(want), "socket:[%lu]", inodes[i]);
			found = !strcmp(link, want);
		}
	}
	closedir(dir);
	return found;
}

int tce_qmp_check_listener(pid_t pid, const struct tce_qmp_socket *sock, struct tce_err *err)
{
	unsigned long inodes[TCE_QMP_MAX_LISTENERS];
	struct tce_err why = { 0 };
	struct stat st;
	size_t n = 0;
	int held;

	if (stat(sock->path, &st))
		return tce_fail(err, errno == ENOENT ? TCE_ENOTARGET : TCE_EIO, "QMP socket %s: %s",
				sock->path, errno == ENOENT ? "no such socket" : strerror(errno));
	if (!S_ISSOCK(st.st_mode))
		return tce_fail(err, TCE_ENOTARGET, "QMP socket %s: not a socket", sock->path);
	if (listening_inodes(pid, sock->given, inodes, &n, &why) ||
	    (held = n ? holds_socket(pid, inodes, n, &why) : 0) < 0)
		return tce_fail(err, why.status, "QMP socket %s: cannot check that pid %d listens on it: %s",
				sock->path, (int)pid, why.msg);
	if (!held)
		return tce_fail(err, TCE_ENOTARGET,
				"QMP socket %s: the socket on pid %d's command line is not one it listens on; not connected",
				sock->path, (int)pid);
	return 0;
}
