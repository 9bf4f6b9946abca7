/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qmp.h - what QEMU's monitor (QMP) says about a VM's TCE windows.
 *
 * The kernel and QEMU's records give a table's liobn and geometry; only
 * the monitor says which device owns it.  Each table is the QOM child
 * "tce-table-<liobn hex>" of its owner (a spapr-* device), and its memory
 * region "tce-iommu-<liobn hex>[0]" has properties addr (bus offset) and
 * size (window bytes, 0 when the window is disabled).
 *
 * Read-only by construction: one function sends every command and refuses
 * any that is not a query (tce_qmp_allowed).  Memory is bounded by the
 * constants below, never by what the peer sends; one deadline covers the
 * whole exchange.  QEMU serves one client per monitor at a time: a monitor
 * held by someone else answers nothing, which ends as a timeout.
 */
#ifndef TCECTL_QMP_H
#define TCECTL_QMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"

#define TCE_QMP_TIMEOUT_MS	1000		/* default deadline of a whole exchange */
#define TCE_QMP_REPLY_MAX	(1u << 20)	/* bytes of one message, at most */
#define TCE_QMP_MAX_WINDOWS	32
#define TCE_QMP_MAX_PCI		16		/* PCI devices named per host bridge */
#define TCE_QMP_MAX_COMMANDS	320		/* commands of one exchange, at most */

/* --- finding the socket ------------------------------------------------- */

enum tce_qmp_socket_kind {
	TCE_QMP_SOCKET_NONE,		/* no QMP monitor on the command line */
	TCE_QMP_SOCKET_UNIX,		/* path: a socket QEMU listens on */
	TCE_QMP_SOCKET_UNUSABLE,	/* one tcectl does not use: why says so */
};

struct tce_qmp_socket {
	enum tce_qmp_socket_kind kind;
	char path[4096];		/* where tcectl connects: relative made absolute */
	char given[4096];		/* path as the command line spells it */
	char why[160];
};

/*
 * The first QMP monitor of a command line (args: len bytes of
 * NUL-terminated arguments, as /proc/PID/cmdline; bytes after the last
 * NUL are ignored): -qmp or -qmp-pretty
 * unix:PATH[,server=on][,wait=off], or -chardev socket,id=X,path=PATH,...
 * with -mon chardev=X,mode=control.  A relative PATH is taken from cwd.
 * tcp: sockets, sockets QEMU connects to as a client, and libvirt's
 * monitor (chardev id "charmonitor", an fd= socket, a path under a
 * libvirt directory: libvirtd's alone) are UNUSABLE.  Pure: no I/O.
 */
void tce_qmp_find_socket(const char *args, size_t len, const char *cwd,
			 struct tce_qmp_socket *sock);

/* The same for a process: its /proc/PID/cmdline and cwd. */
void tce_qmp_socket_of_pid(pid_t pid, struct tce_qmp_socket *sock);

/* --- whose socket it is ---------------------------------------------------- */

/*
 * Any process writes its own command line: a socket named there is used
 * only when that process listens on it itself.  One line of
 * /proc/PID/net/unix (newline or not) is a listening entry (__SO_ACCEPTCON,
 * unconnected) bound at exactly path: then its inode.  Abstract names
 * ("@...") never match.  Pure.
 */
bool tce_unix_listening_line(const char *line, const char *path, unsigned long *inode);

#define TCE_QMP_MAX_LISTENERS	16	/* listening entries of one path looked at */

/* The inodes of the listening entries at path in text (all of net/unix). */
size_t tce_unix_listening_inodes(const char *text, const char *path, unsigned long *inodes,
				 size_t max);

/*
 * Whether pid listens on sock (found on its command line) itself: sock's
 * resolved path is a socket, pid's /proc/PID/net/unix has a listening
 * entry at sock->given, one of pid's fds is that socket, and sock_diag,
 * when it tells, says that socket was bound to the file at sock->path.
 * Never connects.  -1 with a message naming the socket otherwise.
 */
int tce_qmp_check_listener(pid_t pid, const struct tce_qmp_socket *sock, struct tce_err *err);

/* --- asking the monitor --------------------------------------------------- */

/* Whether tcectl may send command: qmp_capabilities and read-only queries. */
bool tce_qmp_allowed(const char *command);

struct tce_qmp_window {
	uint32_t liobn;
	char owner_path[256];		/* QOM path of the owning device */
	char id[128];			/* its id (under /machine/peripheral), else "" */
	char type[64];			/* its QOM type: spapr-vscsi, spapr-pci-host-bridge... */
	uint64_t bus_offset;		/* the memory region's addr */
	uint64_t size;			/* window bytes; 0: disabled */
	/* A host bridge: the devices on its bus, by id, else by type. */
	size_t n_pci;
	char pci[TCE_QMP_MAX_PCI][64];
};

struct tce_qmp_vm {
	char name[256];			/* query-name, "" when none */
	uint64_t ram_bytes;		/* base + plugged memory; 0: unknown */
	size_t n_windows;
	struct tce_qmp_window windows[TCE_QMP_MAX_WINDOWS];
	size_t commands;		/* commands sent, for tests and cost */
};

/*
 * Connects to the monitor at path and asks it for the VM's name, RAM size
 * and TCE windows, within timeout_ms in all.  On failure the message names
 * the socket and what happened: no socket, refused, no greeting or reply in
 * time, closed mid-reply, not QMP, an error reply, a reply too large.
 */
int tce_qmp_query_vm(const char *path, int timeout_ms, struct tce_qmp_vm *vm,
		     struct tce_err *err);

/* The window of liobn, or NULL. */
const struct tce_qmp_window *tce_qmp_window(const struct tce_qmp_vm *vm, uint32_t liobn);

/*
 * A name a QEMU user recognises for the owner of w: its id, else its
 * type with the property that tells it apart, as -device spells them
 * ("spapr-vscsi,reg=0x71000003", "spapr-pci-host-bridge,index=0").
 */
void tce_qmp_window_device(const struct tce_qmp_window *w, char *buf, size_t len);

/*
 * For tests: one exchange over an already connected fd, sending command
 * (with arguments_json, or NULL) after the greeting and qmp_capabilities;
 * the "return" value as JSON text in buf.  Refuses what tce_qmp_allowed
 * refuses before anything is sent.
 */
int tce_qmp_execute_fd(int fd, const char *name, int timeout_ms, const char *command,
		       const char *arguments_json, char *buf, size_t len, struct tce_err *err);

#endif
