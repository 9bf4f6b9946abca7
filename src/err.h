/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * err.h - how the library reports failure.
 *
 * Every fallible library call fills a struct tce_err: an exit status from
 * the documented set below and one message line that names what was wrong
 * and what to do.  The command layer prefixes it and prints it; nothing in
 * src/ writes to stderr.
 */
#ifndef TCECTL_ERR_H
#define TCECTL_ERR_H

/* Exit statuses, documented in tcectl(1) EXIT STATUS.  Never 255. */
enum tce_status {
	TCE_OK = 0,
	TCE_NEGATIVE = 1,	/* a clean "no": not mapped, nothing found, different */
	TCE_EUSAGE = 2,		/* bad option, target, address or range */
	TCE_ENOTARGET = 3,	/* no such process, fd or table */
	TCE_EPERM = 4,		/* not allowed to attach */
	TCE_ENOSYS = 5,		/* the kernel lacks what tcectl needs */
	TCE_EFILE = 6,		/* unreadable, corrupt or mismatched file */
	TCE_EIO = 7,		/* an I/O or system error */
};

struct tce_err {
	enum tce_status status;
	char msg[512];
};

/* Records the first failure; returns -1 so callers can `return tce_fail(...)`. */
int tce_fail(struct tce_err *err, enum tce_status status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Maps the errno of a failed attach or open to the documented status. */
enum tce_status tce_status_from_errno(int errnum);

#endif
