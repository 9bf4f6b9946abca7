// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "err.h"

int tce_fail(struct tce_err *err, enum tce_status status, const char *fmt, ...)
{
	va_list ap;

	if (!err || err->status != TCE_OK)
		return -1;
	err->status = status;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

enum tce_status tce_status_from_errno(int errnum)
{
	switch (errnum) {
	case ESRCH:
	case ENOENT:
	case EBADF:
		return TCE_ENOTARGET;
	case EPERM:
	case EACCES:
		return TCE_EPERM;
	case ENOSYS:
		return TCE_ENOSYS;
	default:
		return TCE_EIO;
	}
}
