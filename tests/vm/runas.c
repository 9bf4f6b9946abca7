// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * runas: run a command as another user, with no supplementary groups, so
 * the VM tests can try tcectl and minivmm as a non-root uid (busybox has no
 * portable way to do this).
 *
 *   runas UID GID COMMAND [ARG...]
 *
 * Drops to UID/GID for the real, effective and saved ids, then execs
 * COMMAND (searched in PATH).  The exec makes the new process dumpable again
 * (its uids all match), as a login of that user would be.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static unsigned long number(const char *s, const char *what)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (!*s || *end || errno || v > 0xfffffffeUL) {
		fprintf(stderr, "runas: bad %s '%s'\n", what, s);
		exit(125);
	}
	return v;
}

int main(int argc, char **argv)
{
	uid_t uid;
	gid_t gid;

	if (argc < 4) {
		fputs("usage: runas UID GID COMMAND [ARG...]\n", stderr);
		return 125;
	}
	uid = (uid_t)number(argv[1], "uid");
	gid = (gid_t)number(argv[2], "gid");
	if (setgroups(0, NULL) < 0 || setresgid(gid, gid, gid) < 0 ||
	    setresuid(uid, uid, uid) < 0) {
		fprintf(stderr, "runas: cannot become uid %lu gid %lu: %s\n",
			(unsigned long)uid, (unsigned long)gid, strerror(errno));
		return 125;
	}
	execvp(argv[3], argv + 3);
	fprintf(stderr, "runas: cannot run %s: %s\n", argv[3], strerror(errno));
	return errno == ENOENT ? 127 : 126;
}
