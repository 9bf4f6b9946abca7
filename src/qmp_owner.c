// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * qmp_owner.c - whether a VMM listens itself on the monitor socket its
 * command line names.
 *
 * A command line proves nothing: any process may name another VM's
 * monitor or a root daemon's socket there.  The kernel does know who
 * listens: /proc/PID/net/unix (the process's network namespace) lists each
 * bound socket with its inode and the path as bound, and /proc/PID/fd
 * shows the process's sockets as "socket:[INODE]".  A path is only a
 * name: another socket's file may be there now (replaced, or another
 * directory after a chdir or in another mount namespace); sock_diag tells
 * the file a socket was bound to, which must be the one at the path.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>

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

/*
 * Whether one of pid's fds is one of the sockets inodes, that one in
 * *held; -1 when unreadable.
 */
static int holds_socket(pid_t pid, const unsigned long *inodes, size_t n, unsigned long *held,
			struct tce_err *err)
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
			*held = inodes[i];
		}
	}
	closedir(dir);
	return found;
}

/*
 * The file socket inode was bound to, from sock_diag (tcectl's network
 * namespace): 0 with the kernel's dev_t and the inode's low 32 bits, -1
 * when sock_diag does not say (no unix_diag, another namespace).
 */
static int bound_file(unsigned long inode, uint32_t *dev, uint32_t *ino)
{
	struct {
		struct nlmsghdr nlh;
		struct unix_diag_req req;
	} ask = {
		.nlh = { .nlmsg_len = sizeof(ask), .nlmsg_type = SOCK_DIAG_BY_FAMILY,
			 .nlmsg_flags = NLM_F_REQUEST },
		.req = { .sdiag_family = AF_UNIX, .udiag_ino = (uint32_t)inode,
			 .udiag_show = UDIAG_SHOW_VFS, .udiag_cookie = { ~0u, ~0u } },
	};
	union {
		struct nlmsghdr nlh;
		char bytes[1024];
	} reply;
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct timeval tv = { .tv_sec = 1 };
	ssize_t n;
	int fd, found = -1;

	if (inode > UINT32_MAX)
		return -1;
	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (sendto(fd, &ask, sizeof(ask), 0, (struct sockaddr *)&kernel, sizeof(kernel)) !=
	    (ssize_t)sizeof(ask))
		goto out;
	n = recv(fd, &reply, sizeof(reply), 0);
	if (n < (ssize_t)NLMSG_LENGTH(sizeof(struct unix_diag_msg)) || !NLMSG_OK(&reply.nlh, (size_t)n) ||
	    reply.nlh.nlmsg_type != SOCK_DIAG_BY_FAMILY)
		goto out;
	struct unix_diag_msg *msg = NLMSG_DATA(&reply.nlh);
	int len = (int)reply.nlh.nlmsg_len - (int)NLMSG_LENGTH(sizeof(*msg));

	if (msg->udiag_ino != (uint32_t)inode)
		goto out;
	for (struct rtattr *a = (struct rtattr *)(msg + 1); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		if (a->rta_type == UNIX_DIAG_VFS && RTA_PAYLOAD(a) >= sizeof(struct unix_diag_vfs)) {
			const struct unix_diag_vfs *vfs = RTA_DATA(a);

			*dev = vfs->udiag_vfs_dev;
			*ino = vfs->udiag_vfs_ino;
			found = 0;
		}
	}
out:
	close(fd);
	return found;
}

/* Whether the file at st is the one socket inode was bound to; true when unknown. */
static bool bound_here(unsigned long inode, const struct stat *st)
{
	uint32_t dev, ino;

	if (bound_file(inode, &dev, &ino))
		return true;	/* the path and the fd have been checked */
	/* The kernel's dev_t: major in the high 12 bits, minor in the low 20. */
	return ino == (uint32_t)st->st_ino &&
	       dev == ((major(st->st_dev) << 20) | (minor(st->st_dev) & 0xfffff));
}

int tce_qmp_check_listener(pid_t pid, const struct tce_qmp_socket *sock, struct tce_err *err)
{
	unsigned long inodes[TCE_QMP_MAX_LISTENERS];
	struct tce_err why = { 0 };
	struct stat st;
	unsigned long inode = 0;
	size_t n = 0;
	int held;

	if (stat(sock->path, &st))
		return tce_fail(err, errno == ENOENT ? TCE_ENOTARGET : TCE_EIO, "QMP socket %s: %s",
				sock->path, errno == ENOENT ? "no such socket" : strerror(errno));
	if (!S_ISSOCK(st.st_mode))
		return tce_fail(err, TCE_ENOTARGET, "QMP socket %s: not a socket", sock->path);
	if (listening_inodes(pid, sock->given, inodes, &n, &why) ||
	    (held = n ? holds_socket(pid, inodes, n, &inode, &why) : 0) < 0)
		return tce_fail(err, why.status, "QMP socket %s: cannot check that pid %d listens on it: %s",
				sock->path, (int)pid, why.msg);
	if (!held || !bound_here(inode, &st))
		return tce_fail(err, TCE_ENOTARGET,
				"QMP socket %s: the socket on pid %d's command line is not one it listens on; not connected",
				sock->path, (int)pid);
	return 0;
}
