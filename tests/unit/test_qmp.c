// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_qmp.c - finding QEMU's QMP socket on its command line, the QMP
 * exchange over a socket pair, and the allow-list that keeps it read-only.
 */
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../src/qmp.h"
#include "../../src/vminfo.h"
#include "unit.h"

/* args: arguments separated by '|' (none contains one), as /proc/PID/cmdline. */
static struct tce_qmp_socket find(const char *args, const char *cwd)
{
	static char buf[8192];
	struct tce_qmp_socket sock;
	size_t n = strlen(args);

	memcpy(buf, args, n + 1);
	for (size_t i = 0; i < n; i++)
		if (buf[i] == '|')
			buf[i] = '\0';
	tce_qmp_find_socket(buf, n + 1, cwd, &sock);
	return sock;
}

#define CHECK_SOCKET(args, cwd, want_path)                                       \
	do {                                                                      \
		struct tce_qmp_socket s_ = find(args, cwd);                       \
		CHECK(s_.kind == TCE_QMP_SOCKET_UNIX);                            \
		CHECK_STR(s_.path, want_path);                                    \
	} while (0)

#define CHECK_UNUSABLE(args, want_why)                                           \
	do {                                                                      \
		struct tce_qmp_socket s_ = find(args, "/");                       \
		CHECK(s_.kind == TCE_QMP_SOCKET_UNUSABLE);                        \
		CHECK_STR(s_.why, want_why);                                      \
	} while (0)

TEST(qmp_socket_qmp_spellings)
{
	CHECK_SOCKET("qemu|-qmp|unix:/run/q.sock,server=on,wait=off", "/", "/run/q.sock");
	CHECK_SOCKET("qemu|-qmp|unix:/run/q.sock,server,nowait", "/", "/run/q.sock");
	CHECK_SOCKET("qemu|--qmp|unix:/run/q.sock,server=on", "/", "/run/q.sock");
	CHECK_SOCKET("qemu|-qmp-pretty|unix:/run/q.sock,wait=off,server=on", "/", "/run/q.sock");
	CHECK_SOCKET("qemu|-qmp|unix:/run/a,,b.sock,server=on", "/", "/run/a,b.sock");
	CHECK_SOCKET("qemu|-qmp|unix:q.sock,server=on", "/home/vm", "/home/vm/q.sock");
	CHECK_SOCKET("qemu|-qmp|unix:path=/run/q.sock,server=on", "/", "/run/q.sock");
	CHECK_SOCKET("qemu|-m|512M|-name|guest=x|-qmp|unix:/a.sock,server=on|-qmp|unix:/b.sock,server=on",
		     "/", "/a.sock");
}

TEST(qmp_socket_chardev_mon)
{
	CHECK_SOCKET("qemu|-chardev|socket,id=m,path=/run/m.sock,server=on,wait=off|-mon|chardev=m,mode=control",
		     "/", "/run/m.sock");
	/* The -mon first, the -chardev after it; the implicit chardev key. */
	CHECK_SOCKET("qemu|-mon|m,mode=control|-chardev|socket,path=/run/m.sock,id=m,server", "/", "/run/m.sock");
	/* A readline -mon is the human monitor: the control one after it counts. */
	CHECK_SOCKET("qemu|-chardev|socket,id=h,path=/h.sock,server=on|-mon|chardev=h,mode=readline"
		     "|-mon|chardev=q,mode=control|-chardev|socket,id=q,path=/q.sock,server=on,wait=off",
		     "/", "/q.sock");
	CHECK_SOCKET("qemu|-chardev|socket,id=h,path=/h.sock,server=on|-mon|chardev=h|-qmp|unix:/q.sock,server=on",
		     "/", "/q.sock");
}

TEST(qmp_socket_none_or_unusable)
{
	struct tce_qmp_socket s = find("qemu|-m|512M|-monitor|stdio", "/");

	CHECK(s.kind == TCE_QMP_SOCKET_NONE);
	s = find("qemu|-chardev|socket,id=h,path=/h.sock,server=on|-mon|chardev=h,mode=readline", "/");
	CHECK(s.kind == TCE_QMP_SOCKET_NONE);
	s = find("qemu|-qmp", "/");
	CHECK(s.kind == TCE_QMP_SOCKET_NONE);
	CHECK_UNUSABLE("qemu|-qmp|tcp:localhost:4444,server=on", "a tcp: monitor is not used (unix sockets only)");
	CHECK_UNUSABLE("qemu|-qmp|unix:/run/q.sock", "QEMU connects to that socket as a client");
	CHECK_UNUSABLE("qemu|-qmp|unix:/run/q.sock,server=off", "QEMU connects to that socket as a client");
	CHECK_UNUSABLE("qemu|-chardev|socket,id=m,host=::1,port=4444,server=on|-mon|chardev=m,mode=control",
		       "a tcp monitor is not used (unix sockets only)");
	CHECK_UNUSABLE("qemu|-mon|chardev=nope,mode=control", "the monitor's chardev is not defined");
}

TEST(qmp_socket_libvirt_is_left_alone)
{
	CHECK_UNUSABLE("qemu|-chardev|socket,id=charmonitor,path=/var/lib/libvirt/qemu/domain-1-vm/monitor.sock,server=on,wait=off"
		       "|-mon|chardev=charmonitor,id=monitor,mode=control",
		       "libvirt's monitor belongs to libvirtd");
	CHECK_UNUSABLE("qemu|-chardev|socket,id=charmonitor,fd=23,server=on,wait=off|-mon|chardev=charmonitor,id=monitor,mode=control",
		       "libvirt's monitor belongs to libvirtd");
	CHECK_UNUSABLE("qemu|-chardev|socket,id=mon,fd=23,server=on|-mon|chardev=mon,mode=control",
		       "the monitor's socket is an inherited fd (libvirt's)");
	CHECK_UNUSABLE("qemu|-qmp|unix:/run/libvirt/qemu/x.sock,server=on", "libvirt's monitor belongs to libvirtd");
}

TEST(qmp_socket_bounded_by_len)
{
	struct tce_qmp_socket s;
	/* The value has no NUL within len: it is cut, so it does not count. */
	static const char args[] = "-qmp\0unix:/a.sock,server=on";

	tce_qmp_find_socket(args, sizeof(args) - 1, "/", &s);
	CHECK(s.kind == TCE_QMP_SOCKET_NONE);
	tce_qmp_find_socket(args, 4, "/", &s);
	CHECK(s.kind == TCE_QMP_SOCKET_NONE);
	tce_qmp_find_socket(args, sizeof(args), "/", &s);
	CHECK(s.kind == TCE_QMP_SOCKET_UNIX);
}

static const char greeting[] = "{\"QMP\": {\"version\": {}, \"capabilities\": []}}\r\n";

/* Runs command against a peer that has already written script; returns the peer's view. */
static int exchange(const char *script, const char *command, const char *args, char *buf, size_t len,
		    struct tce_err *err, char *sent, size_t sent_len)
{
	int sv[2], status;
	ssize_t n;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		abort();
	if (write(sv[1], script, strlen(script)) != (ssize_t)strlen(script))
		abort();
	status = tce_qmp_execute_fd(sv[0], "test.sock", 200, command, args, buf, len, err);
	close(sv[0]);
	n = read(sv[1], sent, sent_len - 1);
	sent[n > 0 ? n : 0] = '\0';
	close(sv[1]);
	return status;
}

TEST(qmp_reply_parsing)
{
	char buf[256], sent[1024], script[1024];
	struct tce_err err = { 0 };

	/* Events anywhere between replies are skipped; replies may span lines. */
	snprintf(script, sizeof(script), "%s%s%s%s", greeting, "{\"return\": {}}\r\n",
		 "{\"event\": \"STOP\", \"timestamp\": {}}\r\n",
		 "{\"return\":\n  {\"name\": \"vm1\"}}\r\n");
	CHECK(!exchange(script, "query-name", NULL, buf, sizeof(buf), &err, sent, sizeof(sent)));
	CHECK_STR(buf, "{\"name\":\"vm1\"}");
	CHECK_STR(sent, "{\"execute\":\"qmp_capabilities\"}\n{\"execute\":\"query-name\"}\n");

	snprintf(script, sizeof(script), "%s%s", greeting,
		 "{\"return\": {}}{\"error\": {\"class\": \"GenericError\", \"desc\": \"no \\u001b path\"}}");
	CHECK(exchange(script, "qom-list", "{\"path\": \"/x\"}", buf, sizeof(buf), &err, sent, sizeof(sent)));
	CHECK_STR(err.msg, "QMP socket test.sock: 'qom-list' failed: GenericError: no \\x1b path");

	err = (struct tce_err){ 0 };
	CHECK(exchange("{\"QMP\": {}}\r\n{\"return\": {}}\r\n[1, 2]\r\n", "query-name", NULL, buf, sizeof(buf),
		       &err, sent, sizeof(sent)));
	CHECK_STR(err.msg, "QMP socket test.sock: not a QMP monitor: a reply to 'query-name' is not a JSON object");

	err = (struct tce_err){ 0 };
	CHECK(exchange("{\"hello\": 1}\r\n", "query-name", NULL, buf, sizeof(buf), &err, sent, sizeof(sent)));
	CHECK_STR(err.msg, "QMP socket test.sock: not a QMP monitor: no greeting");

	err = (struct tce_err){ 0 };
	CHECK(exchange("QMP ready\r\n", "query-name", NULL, buf, sizeof(buf), &err, sent, sizeof(sent)));
	CHECK(!strncmp(err.msg, "QMP socket test.sock: not a QMP monitor: a greeting is not JSON", 63));

	/* Silence: the deadline ends it. */
	err = (struct tce_err){ 0 };
	CHECK(exchange("", "query-name", NULL, buf, sizeof(buf), &err, sent, sizeof(sent)));
	CHECK_STR(err.msg, "QMP socket test.sock: no greeting within 200 ms (another client may hold the monitor: QEMU serves one at a time)");
}

TEST(qmp_reply_too_large)
{
	size_t n = TCE_QMP_REPLY_MAX + 4096;
	char *script = malloc(sizeof(greeting) + 64 + n), buf[64];
	struct tce_err err = { 0 };
	int sv[2];

	if (!script || socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		abort();
	/* A reader on the other end: the reply is larger than a socket buffer. */
	pid_t child = fork();
	if (!child) {
		close(sv[0]);
		int len = sprintf(script, "%s{\"return\": {}}\r\n{\"return\": \"", greeting);
		memset(script + len, 'x', n);
		(void)!write(sv[1], script, (size_t)len + n);
		_exit(0);
	}
	close(sv[1]);
	CHECK(tce_qmp_execute_fd(sv[0], "big.sock", 2000, "query-name", NULL, buf, sizeof(buf), &err));
	CHECK_STR(err.msg, "QMP socket big.sock: a reply to 'query-name' is larger than 1048576 bytes");
	close(sv[0]);
	waitpid(child, NULL, 0);
	free(script);
}

TEST(qmp_allow_list_refuses_what_changes_a_guest)
{
	static const char *const refused[] = {
		"quit", "stop", "cont", "system_reset", "device_del", "human-monitor-command",
		"qom-set", "migrate", "query-name ", "QOM-LIST", "",
	};
	char buf[64], sent[256];
	struct tce_err err = { 0 };

	CHECK(tce_qmp_allowed("qmp_capabilities"));
	CHECK(tce_qmp_allowed("qom-list"));
	CHECK(tce_qmp_allowed("qom-get"));
	CHECK(tce_qmp_allowed("query-name"));
	CHECK(tce_qmp_allowed("query-memory-size-summary"));
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		CHECK(!tce_qmp_allowed(refused[i]));
	/* Refused before anything at all is sent, even with a monitor that would answer. */
	CHECK(exchange("{\"QMP\": {}}\r\n{\"return\": {}}\r\n{\"return\": {}}\r\n", "quit", NULL, buf,
		       sizeof(buf), &err, sent, sizeof(sent)));
	CHECK_STR(err.msg, "QMP socket test.sock: refusing to send 'quit': tcectl sends only read-only queries");
	CHECK_STR(sent, "");
}

TEST(qmp_window_device_names)
{
	struct tce_qmp_window w = { .liobn = 0x71000003, .type = "spapr-vscsi" };
	char buf[128];

	tce_qmp_window_device(&w, buf, sizeof(buf));
	CHECK_STR(buf, "spapr-vscsi,reg=0x71000003");
	snprintf(w.id, sizeof(w.id), "scsi0");
	tce_qmp_window_device(&w, buf, sizeof(buf));
	CHECK_STR(buf, "scsi0");
	w = (struct tce_qmp_window){ .liobn = 0x80000201, .type = "spapr-pci-host-bridge" };
	tce_qmp_window_device(&w, buf, sizeof(buf));
	CHECK_STR(buf, "spapr-pci-host-bridge,index=2");
}

TEST(vminfo_emulated_windows)
{
	struct tce_vminfo vi = { .qmp_ok = true };
	const struct tce_qmp_window *out[4];
	const uint32_t known[] = { 0x71000003, 0x80000000 };

	vi.qmp.n_windows = 4;
	vi.qmp.windows[0] = (struct tce_qmp_window){ .liobn = 0x71000003, .size = 1 << 28 };
	vi.qmp.windows[1] = (struct tce_qmp_window){ .liobn = 0x80000000, .size = 1 << 30 };
	vi.qmp.windows[2] = (struct tce_qmp_window){ .liobn = 0x80000001, .size = 0 };
	vi.qmp.windows[3] = (struct tce_qmp_window){ .liobn = 0x80000100, .size = 1 << 30 };
	/* Only an enabled window with no known table. */
	CHECK_U64(tce_vminfo_emulated_windows(&vi, known, 2, false, out, 4), 1);
	CHECK_U64(out[0]->liobn, 0x80000100);
	/* A table of unknown liobn could be any window: nothing is said. */
	CHECK_U64(tce_vminfo_emulated_windows(&vi, known, 2, true, out, 4), 0);
	/* No table at all: every enabled window. */
	CHECK_U64(tce_vminfo_emulated_windows(&vi, NULL, 0, false, out, 4), 3);
	vi.qmp_ok = false;
	CHECK_U64(tce_vminfo_emulated_windows(&vi, NULL, 0, false, out, 4), 0);
}

TEST(vminfo_device_precedence)
{
	struct tce_libvirt_domain dom = { .n_devices = 2 };
	struct tce_vminfo vi = { .domain = &dom };
	char buf[256];

	dom.devices[0] = (struct tce_libvirt_device){ .liobn = 0x71000003, .alias = "scsi0" };
	dom.devices[1] = (struct tce_libvirt_device){ .liobn = 0x80000000, .phb = true,
						      .model = "spapr-pci-host-bridge" };
	/* libvirt before QEMU's numbering: the alias, else the model. */
	CHECK_U64(tce_vminfo_device(&vi, 0x71000003, buf, sizeof(buf)), TCE_DEVICE_LIBVIRT);
	CHECK_STR(buf, "scsi0");
	CHECK_U64(tce_vminfo_device(&vi, 0x80000001, buf, sizeof(buf)), TCE_DEVICE_LIBVIRT);
	CHECK_STR(buf, "spapr-pci-host-bridge");
	CHECK_U64(tce_vminfo_device(&vi, 0x80000100, buf, sizeof(buf)), TCE_DEVICE_RECORDS);
	CHECK_STR(buf, "phb1-win0");
	/* The monitor before libvirt. */
	vi.qmp_ok = true;
	vi.qmp.n_windows = 1;
	vi.qmp.windows[0] = (struct tce_qmp_window){ .liobn = 0x71000003, .id = "vscsi-qmp" };
	CHECK_U64(tce_vminfo_device(&vi, 0x71000003, buf, sizeof(buf)), TCE_DEVICE_QMP);
	CHECK_STR(buf, "vscsi-qmp");
	CHECK_STR(tce_device_source_name(TCE_DEVICE_LIBVIRT), "libvirt");
	CHECK_STR(tce_vm_name_source_name(TCE_VM_NAME_LIBVIRT), "libvirt");
}

/* What /proc/PID/net/unix shows: the inode as %5lu, then one space, the path. */
static const char net_unix[] =
	"Num       RefCount Protocol Flags    Type St Inode Path\n"
	"0000000000000000: 00000002 00000000 00010000 0001 01   812 /run/q.sock\n"
	"0000000000000000: 00000003 00000000 00000000 0001 03 40001 /run/q.sock\n"
	"0000000000000000: 00000002 00000000 00010000 0001 01 40002 @/run/abs.sock\n"
	"0000000000000000: 00000002 00000000 00010000 0001 01 40003 /run/q.sock.old\n"
	"0000000000000000: 00000002 00000000 00010000 0001 01 40004 /run/with space.sock\n"
	"0000000000000000: 00000002 00000000 00010000 0001 01 40005 q.sock\n"
	"0000000000000000: 00000002 00000000 00000000 0002 01 40006 /run/dgram.sock\n"
	"0000000000000000: 00000002 00000000 00010000 0001 01 40007 /run/q.sock";

TEST(qmp_owner_listening_inodes)
{
	unsigned long ino[4] = { 0 };

	/* Listening entries at exactly the path; the connected one is not. */
	CHECK(tce_unix_listening_inodes(net_unix, "/run/q.sock", ino, 4) == 2);
	CHECK(ino[0] == 812 && ino[1] == 40007);
	/* At most max. */
	CHECK(tce_unix_listening_inodes(net_unix, "/run/q.sock", ino, 1) == 1);
	/* A prefix of another path, and a path with a space. */
	CHECK(tce_unix_listening_inodes(net_unix, "/run/q.sock.ol", ino, 4) == 0);
	CHECK(tce_unix_listening_inodes(net_unix, "/run/with space.sock", ino, 4) == 1);
	CHECK(ino[0] == 40004);
	CHECK(tce_unix_listening_inodes(net_unix, "/run/with", ino, 4) == 0);
	/* Relative as bound: "q.sock" is not "/run/q.sock", nor the reverse. */
	CHECK(tce_unix_listening_inodes(net_unix, "q.sock", ino, 4) == 1);
	CHECK(ino[0] == 40005);
	/* Abstract names never match, not even spelled with their '@'. */
	CHECK(tce_unix_listening_inodes(net_unix, "@/run/abs.sock", ino, 4) == 0);
	CHECK(tce_unix_listening_inodes(net_unix, "/run/abs.sock", ino, 4) == 0);
	/* Not listening (no __SO_ACCEPTCON), missing, empty. */
	CHECK(tce_unix_listening_inodes(net_unix, "/run/dgram.sock", ino, 4) == 0);
	CHECK(tce_unix_listening_inodes(net_unix, "/run/none.sock", ino, 4) == 0);
	CHECK(tce_unix_listening_inodes(net_unix, "", ino, 4) == 0);
	CHECK(tce_unix_listening_inodes("", "/run/q.sock", ino, 4) == 0);
}

TEST(qmp_owner_given_path)
{
	/* Matched against net/unix as spelled: relative stays relative. */
	struct tce_qmp_socket s = find("qemu|-qmp|unix:q.sock,server=on", "/home/vm");

	CHECK_STR(s.path, "/home/vm/q.sock");
	CHECK_STR(s.given, "q.sock");
	s = find("qemu|-qmp|unix:/run/a,,b.sock,server=on", "/home/vm");
	CHECK_STR(s.given, "/run/a,b.sock");
	s = find("qemu|-qmp|tcp:localhost:4444,server=on", "/");
	CHECK_STR(s.given, "");
}

TEST(qmp_owner_line)
{
	unsigned long ino = 0;

	CHECK(tce_unix_listening_line("0: 00000002 00000000 00010000 0001 01 7 /a b\n", "/a b", &ino));
	CHECK(ino == 7);
	/* A trailing space is part of the path; no space before it is no entry. */
	CHECK(!tce_unix_listening_line("0: 00000002 00000000 00010000 0001 01 7 /a \n", "/a", &ino));
	CHECK(!tce_unix_listening_line("0: 00000002 00000000 00010000 0001 01 7/a\n", "/a", &ino));
	/* A bound socket not listening has no path to match with no inode. */
	CHECK(!tce_unix_listening_line("0: 00000002 00000000 00010000 0001 01 7\n", "/a", &ino));
	CHECK(!tce_unix_listening_line("Num       RefCount Protocol Flags    Type St Inode Path\n",
				       "Path", &ino));
	CHECK(!tce_unix_listening_line("garbage /a\n", "/a", &ino));
}
