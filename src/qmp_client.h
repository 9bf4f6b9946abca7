/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qmp_client.h - one QMP exchange: connect, greeting, capabilities, then
 * queries.  Private to src/qmp*.c, the only files that see json-c.
 */
#ifndef TCECTL_QMP_CLIENT_H
#define TCECTL_QMP_CLIENT_H

#include <json-c/json.h>
#include <time.h>

#include "qmp.h"

struct qmp_conn {
	int fd;
	const char *name;		/* the socket, for messages */
	int timeout_ms;
	struct timespec deadline;	/* CLOCK_MONOTONIC */
	json_tokener *tok;
	char buf[65536];		/* bytes read, not yet parsed */
	size_t len;
	size_t message_bytes;		/* of the message being parsed */
	size_t commands;
};

/* Takes fd (connected); reads the greeting and negotiates capabilities. */
int qmp_start(struct qmp_conn *c, int fd, const char *name, int timeout_ms, struct tce_err *err);

/* Connects to the unix socket at path, then as qmp_start. */
int qmp_open(struct qmp_conn *c, const char *path, int timeout_ms, struct tce_err *err);

void qmp_close(struct qmp_conn *c);

/*
 * Sends command (refused unless tce_qmp_allowed) with args (NULL: none;
 * not consumed) and waits for its reply, skipping events; *ret is the
 * "return" value, a reference the caller puts.
 */
int qmp_command(struct qmp_conn *c, const char *command, struct json_object *args,
		struct json_object **ret, struct tce_err *err);

/* Sends command (refused unless tce_qmp_allowed) without waiting for its reply. */
int qmp_send(struct qmp_conn *c, const char *command, struct json_object *args,
	     struct tce_err *err);

/* The reply to the oldest command sent and not answered yet (events skipped). */
int qmp_receive(struct qmp_conn *c, const char *command, struct json_object **ret,
		struct tce_err *err);

/*
 * Several commands in one round trip: all sent, then their replies read in
 * order (QEMU runs a client's commands one after the other and answers
 * each in turn).  Nothing is sent if any is refused.  On success each
 * ret is a reference the caller puts; on failure none is left.
 */
struct qmp_request {
	const char *command;
	struct json_object *args;	/* NULL: none; the caller's */
	struct json_object *ret;
};

int qmp_batch(struct qmp_conn *c, struct qmp_request *reqs, size_t n, struct tce_err *err);

/* Peer text made safe for a message: printable ASCII kept, the rest \xNN. */
void qmp_clean(const char *s, char *buf, size_t len);

#endif
