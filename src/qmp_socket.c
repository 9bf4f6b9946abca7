// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * qmp_socket.c - where a QEMU's QMP monitor listens, from its command line.
 *
 * QEMU's option values are comma-separated KEY=VALUE lists in which ",,"
 * stands for one comma (util/qemu-option.c).
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "proc.h"
#include "qmp.h"

#define MAX_CHARDEVS 16

struct chardev {
	const char *spec;	/* the -chardev value, in the caller's buffer */
	char id[64];
};

/*
 * The value of key in spec (a QEMU option string) into buf, ",," made
 * one comma; first names the implicit key of the first element ("path"
 * after "unix:", "chardev" for -mon).  A bare "key" reads as "on".
 */
static bool opt_get(const char *spec, const char *first, const char *key, char *buf, size_t len)
{
	const char *p = spec;
	bool at_first = true;

	while (*p) {
		char name[64], value[4096];
		size_t n = 0;
		const char *eq = NULL;

		/* One element up to a single comma. */
		const char *e = p;
		while (*e && !(*e == ',' && e[1] != ',')) {
			if (*e == '=' && !eq)
				eq = e;
			e += (*e == ',') ? 2 : 1;
		}
		if (eq && (size_t)(eq - p) < sizeof(name)) {
			snprintf(name, sizeof(name), "%.*s", (int)(eq - p), p);
			eq++;
		} else if (!eq && at_first && first) {
			snprintf(name, sizeof(name), "%s", first);
			eq = p;
		} else if (!eq && (size_t)(e - p) < sizeof(name)) {
			snprintf(name, sizeof(name), "%.*s", (int)(e - p), p);
			eq = "on";
		} else {
			name[0] = '\0';
		}
		if (!strcmp(name, key)) {
			const char *end = (eq >= p && eq <= e) ? e : eq + strlen(eq);
			for (const char *v = eq; v < end && n + 1 < sizeof(value); v++) {
				value[n++] = *v;
				if (*v == ',')
					v++;	/* ",," */
			}
			value[n] = '\0';
			snprintf(buf, len, "%s", value);
			return true;
		}
		at_first = false;
		p = *e ? e + 1 : e;
	}
	return false;
}

static bool is_on(const char *v)
{
	return !strcmp(v, "on") || !strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "y");
}

/* An option name with one or two dashes: "-qmp", "--qmp". */
static bool is_opt(const char *arg, const char *name)
{
	if (arg[0] != '-')
		return false;
	arg += arg[1] == '-' ? 2 : 1;
	return !strcmp(arg, name);
}

static void unusable(struct tce_qmp_socket *sock, const char *why)
{
	sock->kind = TCE_QMP_SOCKET_UNUSABLE;
	sock->path[0] = '\0';
	sock->given[0] = '\0';
	snprintf(sock->why, sizeof(sock->why), "%s", why);
}

/* libvirt's own monitor socket: /var/lib/libvirt/qemu/..., /run/libvirt/... */
static bool libvirt_path(const char *path)
{
	return strstr(path, "/libvirt/") != NULL;
}

/* A unix socket at path, with server (QEMU listens) or not. */
static void unix_socket(struct tce_qmp_socket *sock, const char *path, const char *server,
			const char *cwd)
{
	if (!server || !is_on(server)) {
		unusable(sock, "QEMU connects to that socket as a client");
		return;
	}
	if (libvirt_path(path)) {
		unusable(sock, "libvirt's monitor belongs to libvirtd");
		return;
	}
	sock->kind = TCE_QMP_SOCKET_UNIX;
	sock->why[0] = '\0';
	snprintf(sock->given, sizeof(sock->given), "%s", path);
	if (path[0] == '/' || !cwd || !*cwd)
		snprintf(sock->path, sizeof(sock->path), "%s", path);
	else
		snprintf(sock->path, sizeof(sock->path), "%s/%s", cwd, path);
}

/* -qmp VALUE: unix:PATH[,server...], tcp:..., or another chardev backend. */
static void qmp_value(const char *value, const char *cwd, struct tce_qmp_socket *sock)
{
	char path[4096], server[16];

	if (strncmp(value, "unix:", 5)) {
		unusable(sock, !strncmp(value, "tcp:", 4) ? "a tcp: monitor is not used (unix sockets only)"
							  : "the monitor is not a unix socket");
		return;
	}
	if (!opt_get(value + 5, "path", "path", path, sizeof(path)) || !*path) {
		unusable(sock, "the monitor's unix: socket has no path");
		return;
	}
	if (!opt_get(value + 5, "path", "server", server, sizeof(server)))
		server[0] = '\0';
	unix_socket(sock, path, *server ? server : NULL, cwd);
}

/* -mon chardev=X,mode=control: the chardev X among those defined. */
static void mon_value(const struct chardev *devs, size_t n, const char *id, const char *cwd,
		      struct tce_qmp_socket *sock)
{
	char backend[32], path[4096], server[16];

	for (size_t i = 0; i < n; i++) {
		if (strcmp(devs[i].id, id))
			continue;
		if (!strcmp(id, "charmonitor")) {
			unusable(sock, "libvirt's monitor belongs to libvirtd");
			return;
		}
		if (!opt_get(devs[i].spec, "backend", "backend", backend, sizeof(backend)) ||
		    strcmp(backend, "socket")) {
			unusable(sock, "the monitor is not a socket");
			return;
		}
		if (opt_get(devs[i].spec, "backend", "fd", path, sizeof(path))) {
			unusable(sock, "the monitor's socket is an inherited fd (libvirt's)");
			return;
		}
		if (!opt_get(devs[i].spec, "backend", "path", path, sizeof(path)) || !*path) {
			unusable(sock, opt_get(devs[i].spec, "backend", "host", path, sizeof(path)) ||
					       opt_get(devs[i].spec, "backend", "port", path, sizeof(path))
					       ? "a tcp monitor is not used (unix sockets only)"
					       : "the monitor's socket has no path");
			return;
		}
		if (!opt_get(devs[i].spec, "backend", "server", server, sizeof(server)))
			server[0] = '\0';
		unix_socket(sock, path, *server ? server : NULL, cwd);
		return;
	}
	unusable(sock, "the monitor's chardev is not defined");
}

void tce_qmp_find_socket(const char *args, size_t len, const char *cwd,
			 struct tce_qmp_socket *sock)
{
	struct chardev devs[MAX_CHARDEVS];
	size_t n_devs = 0;
	const char *end = args + len;

	*sock = (struct tce_qmp_socket){ .kind = TCE_QMP_SOCKET_NONE };
	/* Only whole arguments count: a last one cut short by len is dropped. */
	while (end > args && end[-1])
		end--;
	/* -chardev may come after the -mon that names it: collect them first. */
	for (const char *a = args; a < end; a += strlen(a) + 1) {
		const char *next = a + strlen(a) + 1;

		if (is_opt(a, "chardev") && next < end && n_devs < MAX_CHARDEVS) {
			devs[n_devs].spec = next;
			if (!opt_get(next, "backend", "id", devs[n_devs].id, sizeof(devs[n_devs].id)))
				devs[n_devs].id[0] = '\0';
			n_devs++;
		}
	}
	for (const char *a = args; a < end; a += strlen(a) + 1) {
		const char *next = a + strlen(a) + 1;
		char id[64], mode[16];

		if (next >= end)
			break;
		if (is_opt(a, "qmp") || is_opt(a, "qmp-pretty")) {
			qmp_value(next, cwd, sock);
			return;
		}
		if (is_opt(a, "mon")) {
			if (!opt_get(next, "chardev", "mode", mode, sizeof(mode)) ||
			    strcmp(mode, "control"))
				continue;	/* readline: the human monitor */
			if (!opt_get(next, "chardev", "chardev", id, sizeof(id)))
				continue;
			mon_value(devs, n_devs, id, cwd, sock);
			return;
		}
	}
}

void tce_qmp_socket_of_pid(pid_t pid, struct tce_qmp_socket *sock)
{
	/* Bounded: a longer command line is searched in its first 64 KiB. */
	enum { CMDLINE_MAX = 64 << 10 };
	static char args[CMDLINE_MAX];
	char path[64], cwd[4096];
	ssize_t n, c;

	*sock = (struct tce_qmp_socket){ .kind = TCE_QMP_SOCKET_NONE };
	/* A longer command line is cut: its last argument, partial, is dropped. */
	n = proc_cmdline(pid, args, sizeof(args));
	if (n <= 0)
		return;
	snprintf(path, sizeof(path), "/proc/%d/cwd", (int)pid);
	c = readlink(path, cwd, sizeof(cwd) - 1);
	cwd[c > 0 ? c : 0] = '\0';
	tce_qmp_find_socket(args, (size_t)n, cwd, sock);
}
