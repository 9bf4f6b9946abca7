// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include "digits.h"
#include "obuf.h"

static struct obuf stdout_buf = { .fd = 1 };
struct obuf *const out = &stdout_buf;

void ob_flush(struct obuf *ob)
{
	size_t done = 0;

	while (done < ob->len && !ob->error) {
		ssize_t n = write(ob->fd, ob->buf + done, ob->len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			ob->error = errno;
		else
			done += (size_t)n;
	}
	ob->len = 0;
}

void ob_write(struct obuf *ob, const void *data, size_t len)
{
	const char *p = data;

	while (len) {
		size_t room = OBUF_SIZE - ob->len, n = len < room ? len : room;

		memcpy(ob->buf + ob->len, p, n);
		ob->len += n;
		p += n;
		len -= n;
		if (ob->len == OBUF_SIZE)
			ob_flush(ob);
	}
}

void ob_printf(struct obuf *ob, const char *fmt, ...)
{
	char small[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(small)) {
		ob_write(ob, small, (size_t)n);
		return;
	}
	ob_flush(ob);
	va_start(ap, fmt);
	vdprintf(ob->fd, fmt, ap);
	va_end(ap);
}

void ob_spaces(struct obuf *ob, size_t n)
{
	char *p = ob_reserve(ob, n);

	memset(p, ' ', n);
	ob->len += n;
}

unsigned hex_digits(uint64_t v)
{
	return v ? (unsigned)(64 - __builtin_clzll(v) + 3) / 4 : 1;
}

void ob_hex(struct obuf *ob, uint64_t v, unsigned digits)
{
	unsigned n = hex_digits(v);
	char *p;

	if (n < digits)
		n = digits;
	p = ob_reserve(ob, n + 2);
	p[0] = '0';
	p[1] = 'x';
	put_hex_fixed(p + 2, v, n);
	ob->len += n + 2;
}

void ob_u64_right(struct obuf *ob, uint64_t v, unsigned width)
{
	unsigned n = dec_digits(v);

	if (n < width)
		n = width;
	put_dec_right(ob_reserve(ob, n), v, n);
	ob->len += n;
}

void ob_u64(struct obuf *ob, uint64_t v)
{
	ob_u64_right(ob, v, 0);
}
