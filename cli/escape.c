// SPDX-License-Identifier: GPL-2.0-or-later
#include "digits.h"
#include "escape.h"

const char *safe_text(const char *s, char *buf, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t used = 0;

	if (!len)
		return buf;
	while (*p) {
		size_t n = utf8_char_len(p);

		if (n == 1 && *p >= 0x20 && *p != 0x7f && *p != '\\') {
			if (used + 1 >= len)
				break;
			buf[used++] = (char)*p++;
		} else if (n > 1) {
			if (used + n >= len)
				break;
			for (size_t k = 0; k < n; k++)
				buf[used++] = (char)*p++;
		} else {
			if (used + 4 >= len)
				break;
			buf[used++] = '\\';
			buf[used++] = 'x';
			put_hex_byte(buf + used, *p++);
			used += 2;
		}
	}
	buf[used] = '\0';
	return buf;
}
