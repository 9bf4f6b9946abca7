// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * qmp: a minimal QMP client for the test VM, whose busybox has neither socat
 * nor jq.  Connects to QEMU's QMP socket, negotiates capabilities, sends each
 * command and prints each reply on one line.  Every wait has a deadline, so
 * a test never hangs on a QEMU that stopped answering.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define EXIT_ERROR_REPLY	1
#define EXIT_USAGE		2
#define EXIT_NO_ANSWER		3

static int timeout_ms = 10000;
static bool show_events;

static void die(int status, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("qmp: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(status);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* A line reader on the socket; QMP sends one JSON object per line. */
static char buf[1 << 20];
static size_t buf_len;

static char *read_line(int fd, long long deadline, const char *waiting_for)
{
	for (;;) {
		char *nl = memchr(buf, '\n', buf_len);

		if (nl) {
			static char line[sizeof(buf) + 1];
			size_t n = nl - buf;

			memcpy(line, buf, n);
			line[n] = '\0';
			if (n && line[n - 1] == '\r')
				line[n - 1] = '\0';
			memmove(buf, nl + 1, buf_len - n - 1);
			buf_len -= n + 1;
			return line;
		}
		if (buf_len == sizeof(buf))
			die(EXIT_NO_ANSWER, "a reply longer than %zu bytes", sizeof(buf));

		long long left = deadline - now_ms();
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int r;

		if (left <= 0)
			die(EXIT_NO_ANSWER, "no answer within %d ms while waiting for %s",
			    timeout_ms, waiting_for);
		r = poll(&p, 1, (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			die(EXIT_NO_ANSWER, "poll: %s", strerror(errno));
		if (r == 0)
			continue;

		ssize_t got = read(fd, buf + buf_len, sizeof(buf) - buf_len);

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			die(EXIT_NO_ANSWER, "read: %s", strerror(errno));
		if (got == 0)
			die(EXIT_NO_ANSWER, "QEMU closed the connection while waiting for %s",
			    waiting_for);
		buf_len += got;
	}
}

static void send_all(int fd, const char *s, long long deadline)
{
	size_t len = strlen(s), off = 0;

	while (off < len) {
		struct pollfd p = { .fd = fd, .events = POLLOUT };
		long long left = deadline - now_ms();
		ssize_t n;

		if (left <= 0 || poll(&p, 1, (int)left) <= 0)
			die(EXIT_NO_ANSWER, "cannot send within %d ms", timeout_ms);
		n = send(fd, s + off, len - off, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die(EXIT_NO_ANSWER, "send: %s", strerror(errno));
		off += n;
	}
}

/* Is this line an asynchronous event rather than a command's reply? */
static bool is_event(const char *line)
{
	return strstr(line, "\"event\"") && !strstr(line, "\"return\"") &&
	       !strstr(line, "\"error\"");
}

/* The reply to the command just sent; events before it are skipped (or shown). */
static char *reply(int fd, long long deadline, const char *cmd)
{
	for (;;) {
		char *line = read_line(fd, deadline, cmd);

		if (!*line)
			continue;
		if (!is_event(line))
			return line;
		if (show_events)
			fprintf(stderr, "%s\n", line);
	}
}

/* Append @s to @out as the body of a JSON string. */
static void json_escape(char *out, size_t cap, const char *s)
{
	size_t n = strlen(out);

	for (; *s; s++) {
		char esc[8];
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			snprintf(esc, sizeof(esc), "\\%c", c);
		else if (c < 0x20)
			snprintf(esc, sizeof(esc), "\\u%04x", c);
		else
			snprintf(esc, sizeof(esc), "%c", c);
		if (n + strlen(esc) + 1 > cap)
			die(EXIT_USAGE, "command too long");
		strcpy(out + n, esc);
		n += strlen(esc);
	}
}

/*
 * HMP's answer is a JSON string: {"return": "line\r\nline\r\n"}.  Print it
 * decoded.  Only the escapes QEMU's JSON writer produces matter here.
 */
static bool print_hmp(const char *line)
{
	const char *p = strstr(line, "\"return\"");

	if (!p || !(p = strchr(p + 8, '"')))
		return false;
	for (p++; *p && *p != '"'; p++) {
		if (*p != '\\') {
			putchar(*p);
			continue;
		}
		switch (*++p) {
		case 'n': putchar('\n'); break;
		case 'r': break;
		case 't': putchar('\t'); break;
		case 'b': case 'f': break;
		case 'u': {
			unsigned v = 0;

			if (sscanf(p + 1, "%4x", &v) != 1)
				return false;
			p += 4;
			if (v < 0x80)
				putchar((int)v);
			else
				putchar('?');
			break;
		}
		case '\0': return false;
		default: putchar(*p); break;
		}
	}
	return true;
}

static int connect_qmp(const char *path, long long deadline)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		die(EXIT_USAGE, "socket path too long: %s", path);
	strcpy(sa.sun_path, path);
	/* QEMU may not have created the socket yet: retry until the deadline. */
	for (;;) {
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			die(EXIT_NO_ANSWER, "socket: %s", strerror(errno));
		if (!connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
			return fd;
		if (errno != ENOENT && errno != ECONNREFUSED && errno != EAGAIN)
			die(EXIT_NO_ANSWER, "connect %s: %s", path, strerror(errno));
		close(fd);
		if (now_ms() >= deadline)
			die(EXIT_NO_ANSWER, "cannot connect to %s within %d ms: %s",
			    path, timeout_ms, strerror(errno));
		usleep(50 * 1000);
	}
}

/*
 * -P LISTEN -n N: a proxy for one client, to play a monitor that goes away
 * in the middle of a command.  Listens on LISTEN; when a client comes,
 * connects to QEMU's socket and forwards both ways until QEMU has sent N
 * lines (the greeting is the first), then forwards a few bytes of the next
 * one and closes both connections.  QEMU is free again afterwards.
 */
static int proxy(const char *listen_path, const char *qemu_path, long lines)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char tmp[sizeof(sa.sun_path)];
	int l, c, q, cut = -1;
	long seen = 0;

	if (strlen(listen_path) + 5 >= sizeof(sa.sun_path))
		die(EXIT_USAGE, "socket path too long: %s", listen_path);
	/* Bound under a temporary name and renamed: it exists once it listens. */
	snprintf(tmp, sizeof(tmp), "%s.tmp", listen_path);
	strcpy(sa.sun_path, tmp);
	unlink(tmp);
	l = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (l < 0 || bind(l, (struct sockaddr *)&sa, sizeof(sa)) || listen(l, 1) ||
	    rename(tmp, listen_path))
		die(EXIT_NO_ANSWER, "cannot listen on %s: %s", listen_path, strerror(errno));
	c = accept(l, NULL, NULL);
	if (c < 0)
		die(EXIT_NO_ANSWER, "accept: %s", strerror(errno));
	q = connect_qmp(qemu_path, now_ms() + timeout_ms);
	for (;;) {
		struct pollfd p[2] = { { .fd = c, .events = POLLIN }, { .fd = q, .events = POLLIN } };
		char data[4096];
		ssize_t n;

		if (poll(p, 2, timeout_ms) <= 0)
			break;
		if (p[0].revents) {
			n = read(c, data, sizeof(data) - 1);
			if (n <= 0)
				break;
			send_all(q, (data[n] = '\0', data), now_ms() + timeout_ms);
		}
		if (p[1].revents) {
			n = read(q, data, sizeof(data) - 1);
			if (n <= 0)
				break;
			/* cut: bytes of line N + 1 still to forward, once N lines have gone. */
			ssize_t end = n;
			for (ssize_t i = 0; i < n; i++) {
				if (cut == 0) {
					end = i;
					break;
				}
				if (cut > 0)
					cut--;
				else if (data[i] == '\n' && ++seen == lines)
					cut = 8;
			}
			data[end] = '\0';
			send_all(c, data, now_ms() + timeout_ms);
			if (cut == 0)
				break;
		}
	}
	close(q);
	close(c);
	unlink(listen_path);
	return 0;
}

static void usage(FILE *f)
{
	fputs("usage: qmp [-t SECONDS] [-e] [-H] SOCKET COMMAND...\n"
	      "       qmp [-t SECONDS] -P LISTEN -n N SOCKET\n"
	      "\n"
	      "Connects to QEMU's QMP socket SOCKET, negotiates capabilities and sends\n"
	      "each COMMAND, a JSON object such as '{\"execute\":\"system_reset\"}'.\n"
	      "Prints each reply on one line, in order; events are skipped.\n"
	      "\n"
	      "  -t SECONDS  time limit for connecting and for each reply (default 10)\n"
	      "  -e          print the events that arrive on standard error\n"
	      "  -H          each COMMAND is an HMP command line (e.g. 'info mtree'),\n"
	      "              sent through human-monitor-command; prints its output\n"
	      "  -P LISTEN   proxy one client on LISTEN to SOCKET, cutting both\n"
	      "  -n N        connections a few bytes into QEMU's line N + 1\n"
	      "\n"
	      "QEMU serves one QMP client per socket at a time; a second one waits.\n"
	      "Exit status: 0 every command succeeded, 1 one returned an error,\n"
	      "2 usage, 3 no connection or no answer in time.\n", f);
}

int main(int argc, char **argv)
{
	static char cmd[1 << 16];
	bool hmp = false, failed = false;
	long long deadline;
	int opt, fd;
	char *line;

	const char *proxy_path = NULL;
	long proxy_lines = 0;

	while ((opt = getopt(argc, argv, "t:eHhP:n:")) != -1) {
		switch (opt) {
		case 't': {
			char *end;
			double s = strtod(optarg, &end);

			if (*end || s <= 0 || s > 3600)
				die(EXIT_USAGE, "bad time limit '%s'", optarg);
			timeout_ms = (int)(s * 1000);
			break;
		}
		case 'e': show_events = true; break;
		case 'H': hmp = true; break;
		case 'P': proxy_path = optarg; break;
		case 'n': proxy_lines = atol(optarg); break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (proxy_path && argc - optind == 1 && proxy_lines > 0)
		return proxy(proxy_path, argv[optind], proxy_lines);
	if (argc - optind < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}

	deadline = now_ms() + timeout_ms;
	fd = connect_qmp(argv[optind], deadline);
	line = read_line(fd, deadline, "QMP's greeting");
	if (!strstr(line, "\"QMP\""))
		die(EXIT_NO_ANSWER, "not a QMP greeting: %s", line);
	send_all(fd, "{\"execute\":\"qmp_capabilities\"}\n", deadline);
	line = reply(fd, deadline, "qmp_capabilities");
	if (!strstr(line, "\"return\""))
		die(EXIT_NO_ANSWER, "qmp_capabilities refused: %s", line);

	for (int i = optind + 1; i < argc; i++) {
		if (hmp) {
			strcpy(cmd, "{\"execute\":\"human-monitor-command\","
				    "\"arguments\":{\"command-line\":\"");
			json_escape(cmd, sizeof(cmd) - 8, argv[i]);
			strcat(cmd, "\"}}\n");
		} else {
			if (strlen(argv[i]) + 2 > sizeof(cmd))
				die(EXIT_USAGE, "command too long");
			snprintf(cmd, sizeof(cmd), "%s\n", argv[i]);
		}
		deadline = now_ms() + timeout_ms;
		send_all(fd, cmd, deadline);
		line = reply(fd, deadline, argv[i]);
		if (strstr(line, "\"error\"") && !strstr(line, "\"return\"")) {
			failed = true;
			printf("%s\n", line);
		} else if (!hmp || !print_hmp(line)) {
			printf("%s\n", line);
		}
		fflush(stdout);
	}
	close(fd);
	return failed ? EXIT_ERROR_REPLY : 0;
}
