// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * qmp_client.c - the QMP wire protocol (docs/interop/qmp-spec.rst in QEMU):
 * JSON objects over a stream socket, a greeting {"QMP": ...} first, then
 * {"execute": ...} answered by {"return": ...} or {"error": ...}, with
 * asynchronous {"event": ...} messages anywhere in between.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "qmp_client.h"

/* Read-only by construction: nothing outside this list is ever sent. */
static const char *const allowed[] = {
	"qmp_capabilities", "qom-list", "qom-get", "query-name", "query-memory-size-summary",
};

bool tce_qmp_allowed(const char *command)
{
	for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
		if (!strcmp(command, allowed[i]))
			return true;
	return false;
}

void qmp_clean(const char *s, char *buf, size_t len)
{
	size_t n = 0;

	for (; *s && n + 5 < len; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch >= 0x20 && ch < 0x7f && ch != '\\')
			buf[n++] = (char)ch;
		else
			n += (size_t)snprintf(buf + n, len - n, "\\x%02x", ch);
	}
	if (len)
		buf[n < len ? n : len - 1] = '\0';
}

/* Milliseconds left before the deadline, 0 when it has passed. */
static int time_left(const struct qmp_conn *c)
{
	struct timespec now;
	long long ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (c->deadline.tv_sec - now.tv_sec) * 1000LL + (c->deadline.tv_nsec - now.tv_nsec) / 1000000;
	return ms > 0 ? (int)ms : 0;
}

static int wait_for(struct qmp_conn *c, short events, const char *what, struct tce_err *err)
{
	struct pollfd p = { .fd = c->fd, .events = events };
	int r;

	do {
		r = poll(&p, 1, time_left(c));
	} while (r < 0 && errno == EINTR);
	if (r < 0)
		return tce_fail(err, TCE_EIO, "QMP socket %s: poll: %s", c->name, strerror(errno));
	if (!r && !strncmp(what, "a ", 2))
		what += 2;	/* "no greeting", "no reply to ..." */
	if (!r)
		return tce_fail(err, TCE_EIO,
				"QMP socket %s: no %s within %d ms (another client may hold the monitor: QEMU serves one at a time)",
				c->name, what, c->timeout_ms);
	return 0;
}

/* The next message, events included; what names it for messages. */
static int read_message(struct qmp_conn *c, const char *what, struct json_object **msg,
			struct tce_err *err)
{
	for (;;) {
		if (c->len) {
			struct json_object *obj = json_tokener_parse_ex(c->tok, c->buf, (int)c->len);
			enum json_tokener_error jerr = json_tokener_get_error(c->tok);

			if (obj) {
				size_t used = json_tokener_get_parse_end(c->tok);

				memmove(c->buf, c->buf + used, c->len - used);
				c->len -= used;
				c->message_bytes = 0;
				json_tokener_reset(c->tok);
				if (!json_object_is_type(obj, json_type_object)) {
					json_object_put(obj);
					return tce_fail(err, TCE_EIO, "QMP socket %s: not a QMP monitor: %s is not a JSON object",
							c->name, what);
				}
				*msg = obj;
				return 0;
			}
			if (jerr != json_tokener_continue)
				return tce_fail(err, TCE_EIO, "QMP socket %s: not a QMP monitor: %s is not JSON (%s)",
						c->name, what, json_tokener_error_desc(jerr));
			c->message_bytes += c->len;
			c->len = 0;
			if (c->message_bytes > TCE_QMP_REPLY_MAX)
				return tce_fail(err, TCE_EIO, "QMP socket %s: %s is larger than %u bytes",
						c->name, what, TCE_QMP_REPLY_MAX);
		}
		if (wait_for(c, POLLIN, what, err))
			return -1;
		ssize_t n = recv(c->fd, c->buf, sizeof(c->buf), 0);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0 && errno != ECONNRESET)
			return tce_fail(err, TCE_EIO, "QMP socket %s: reading %s: %s", c->name, what,
					strerror(errno));
		/* A reset is a close with our command unread: the same to us. */
		if (n <= 0)
			return tce_fail(err, TCE_EIO, "QMP socket %s: the monitor closed the connection %s %s",
					c->name, c->message_bytes ? "in the middle of" : "before", what);
		c->len = (size_t)n;
	}
}

static int send_all(struct qmp_conn *c, const char *text, const char *command, struct tce_err *err)
{
	size_t len = strlen(text), done = 0;

	while (done < len) {
		if (wait_for(c, POLLOUT, "room to send a command", err))
			return -1;
		ssize_t n = send(c->fd, text + done, len - done, MSG_NOSIGNAL);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			return tce_fail(err, TCE_EIO, "QMP socket %s: sending '%s': %s", c->name, command,
					errno == EPIPE ? "the monitor closed the connection" : strerror(errno));
		done += (size_t)n;
	}
	return 0;
}

int qmp_send(struct qmp_conn *c, const char *command, struct json_object *args,
	     struct tce_err *err)
{
	struct json_object *req;
	char text[2048];

	if (!tce_qmp_allowed(command))
		return tce_fail(err, TCE_EUSAGE, "QMP socket %s: refusing to send '%s': tcectl sends only read-only queries",
				c->name, command);
	if (c->commands >= TCE_QMP_MAX_COMMANDS)
		return tce_fail(err, TCE_EIO, "QMP socket %s: more than %d commands needed; giving up",
				c->name, TCE_QMP_MAX_COMMANDS);
	req = json_object_new_object();
	json_object_object_add(req, "execute", json_object_new_string(command));
	if (args)
		json_object_object_add(req, "arguments", json_object_get(args));
	snprintf(text, sizeof(text), "%s\n",
		 json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(req);
	c->commands++;
	return send_all(c, text, command, err);
}

int qmp_receive(struct qmp_conn *c, const char *command, struct json_object **ret,
		struct tce_err *err)
{
	char what[96], text[2048], detail[256];
	struct json_object *msg, *v;
	int status;

	*ret = NULL;
	snprintf(what, sizeof(what), "a reply to '%s'", command);
	for (;;) {
		if (read_message(c, what, &msg, err))
			return -1;
		if (!json_object_object_get_ex(msg, "event", NULL))
			break;
		json_object_put(msg);
	}
	if (json_object_object_get_ex(msg, "return", &v)) {
		*ret = json_object_get(v);
		status = 0;
	} else if (json_object_object_get_ex(msg, "error", &v)) {
		struct json_object *cls = NULL, *desc = NULL;

		json_object_object_get_ex(v, "class", &cls);
		json_object_object_get_ex(v, "desc", &desc);
		snprintf(text, sizeof(text), "%s: %s", cls ? json_object_get_string(cls) : "error",
			 desc ? json_object_get_string(desc) : "");
		qmp_clean(text, detail, sizeof(detail));
		status = tce_fail(err, TCE_EIO, "QMP socket %s: '%s' failed: %s", c->name, command, detail);
	} else {
		status = tce_fail(err, TCE_EIO, "QMP socket %s: not a QMP monitor: %s has neither return nor error",
				  c->name, what);
	}
	json_object_put(msg);
	return status;
}

int qmp_command(struct qmp_conn *c, const char *command, struct json_object *args,
		struct json_object **ret, struct tce_err *err)
{
	*ret = NULL;
	if (qmp_send(c, command, args, err))
		return -1;
	return qmp_receive(c, command, ret, err);
}

int qmp_batch(struct qmp_conn *c, struct qmp_request *reqs, size_t n, struct tce_err *err)
{
	size_t got = 0;

	for (size_t i = 0; i < n; i++) {
		reqs[i].ret = NULL;
		if (!tce_qmp_allowed(reqs[i].command))
			return qmp_send(c, reqs[i].command, NULL, err);	/* the refusal */
	}
	for (size_t i = 0; i < n; i++)
		if (qmp_send(c, reqs[i].command, reqs[i].args, err))
			return -1;
	for (; got < n; got++)
		if (qmp_receive(c, reqs[got].command, &reqs[got].ret, err))
			break;
	if (got == n)
		return 0;
	for (size_t i = 0; i < got; i++) {
		json_object_put(reqs[i].ret);
		reqs[i].ret = NULL;
	}
	return -1;
}

int qmp_start(struct qmp_conn *c, int fd, const char *name, int timeout_ms, struct tce_err *err)
{
	struct json_object *msg, *ret;

	c->fd = fd;
	c->name = name;
	c->timeout_ms = timeout_ms;
	c->len = c->message_bytes = c->commands = 0;
	clock_gettime(CLOCK_MONOTONIC, &c->deadline);
	c->deadline.tv_sec += timeout_ms / 1000;
	c->deadline.tv_nsec += (timeout_ms % 1000) * 1000000L;
	if (c->deadline.tv_nsec >= 1000000000L) {
		c->deadline.tv_sec++;
		c->deadline.tv_nsec -= 1000000000L;
	}
	c->tok = json_tokener_new_ex(32);
	if (!c->tok)
		return tce_fail(err, TCE_EIO, "out of memory");
	if (read_message(c, "a greeting", &msg, err))
		return -1;
	if (!json_object_object_get_ex(msg, "QMP", NULL)) {
		json_object_put(msg);
		return tce_fail(err, TCE_EIO, "QMP socket %s: not a QMP monitor: no greeting", name);
	}
	json_object_put(msg);
	if (qmp_command(c, "qmp_capabilities", NULL, &ret, err))
		return -1;
	json_object_put(ret);
	return 0;
}

int qmp_open(struct qmp_conn *c, const char *path, int timeout_ms, struct tce_err *err)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd;

	c->fd = -1;
	c->tok = NULL;
	if (strlen(path) >= sizeof(addr.sun_path))
		return tce_fail(err, TCE_EUSAGE, "QMP socket %s: the path is longer than a unix socket's %zu bytes",
				path, sizeof(addr.sun_path) - 1);
	memcpy(addr.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return tce_fail(err, TCE_EIO, "QMP socket %s: socket: %s", path, strerror(errno));
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) && errno != EINPROGRESS) {
		int e = errno;

		close(fd);
		return tce_fail(err, e == EACCES ? TCE_EPERM : TCE_EIO, "QMP socket %s: %s", path,
				e == ENOENT ? "no such socket"
				: e == ECONNREFUSED ? "connection refused (nothing listens on it)"
				: strerror(e));
	}
	if (qmp_start(c, fd, path, timeout_ms, err)) {
		qmp_close(c);
		return -1;
	}
	return 0;
}

void qmp_close(struct qmp_conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	if (c->tok)
		json_tokener_free(c->tok);
	c->tok = NULL;
}

int tce_qmp_execute_fd(int fd, const char *name, int timeout_ms, const char *command,
		       const char *arguments_json, char *buf, size_t len, struct tce_err *err)
{
	struct qmp_conn *c = calloc(1, sizeof(*c));
	struct json_object *args = NULL, *ret;
	int status = -1;

	if (!c)
		return tce_fail(err, TCE_EIO, "out of memory");
	c->fd = -1;
	if (!tce_qmp_allowed(command)) {
		/* Refused before even the greeting is read: nothing at all is sent. */
		status = tce_fail(err, TCE_EUSAGE, "QMP socket %s: refusing to send '%s': tcectl sends only read-only queries",
				  name, command);
		free(c);
		return status;
	}
	if (arguments_json && !(args = json_tokener_parse(arguments_json))) {
		free(c);
		return tce_fail(err, TCE_EUSAGE, "arguments are not JSON");
	}
	if (!qmp_start(c, fd, name, timeout_ms, err) && !qmp_command(c, command, args, &ret, err)) {
		snprintf(buf, len, "%s", json_object_to_json_string_ext(ret, JSON_C_TO_STRING_PLAIN));
		json_object_put(ret);
		status = 0;
	}
	if (c->tok)
		json_tokener_free(c->tok);
	json_object_put(args);
	free(c);
	return status;
}
