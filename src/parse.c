// SPDX-License-Identifier: GPL-2.0-or-later
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

/* strtoull accepts signs and white space; users' addresses must not. */
static int parse_prefix(const char *s, uint64_t *out, const char **end)
{
	char *e;
	int base = 10;

	if (!isdigit((unsigned char)s[0]))
		return -1;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		if (!isxdigit((unsigned char)s[2]))
			return -1;
		base = 16;
	}
	errno = 0;
	*out = strtoull(s, &e, base);
	if (errno)
		return -1;
	*end = e;
	return 0;
}

int parse_u64(const char *s, uint64_t *out)
{
	const char *end;

	if (parse_prefix(s, out, &end) || *end)
		return -1;
	return 0;
}

int parse_size(const char *s, uint64_t *out)
{
	static const char suffixes[] = "KMGT";
	const char *end, *suffix;
	uint64_t v;

	if (parse_prefix(s, &v, &end))
		return -1;
	if (*end) {
		unsigned shift;

		suffix = strchr(suffixes, toupper((unsigned char)*end));
		if (!suffix || !*suffix || end[1])
			return -1;
		shift = 10 * (unsigned)(suffix - suffixes + 1);
		if (v > (UINT64_MAX >> shift))
			return -1;
		v <<= shift;
	}
	*out = v;
	return 0;
}

int parse_range(const char *s, struct addr_range *out)
{
	const char *end;
	uint64_t first, second;

	if (parse_prefix(s, &first, &end))
		return -1;
	out->first = first;
	out->last = first;
	if (!*end)
		return 0;
	if ((*end != '-' && *end != '+') || parse_size(end + 1, &second))
		return -1;
	if (*end == '-') {
		if (second < first)
			return -1;
		out->last = second;
	} else {
		if (second == 0 || second - 1 > UINT64_MAX - first)
			return -1;
		out->last = first + (second - 1);
	}
	return 0;
}

void format_size(char *buf, unsigned len, uint64_t bytes)
{
	static const char suffixes[] = "KMGTPE";
	unsigned i = 0;

	if (bytes == 0 || (bytes & 1023)) {
		snprintf(buf, len, "%llu", (unsigned long long)bytes);
		return;
	}
	bytes >>= 10;
	while (i + 1 < sizeof(suffixes) - 1 && bytes >= 1024 && !(bytes & 1023)) {
		bytes >>= 10;
		i++;
	}
	snprintf(buf, len, "%llu%c", (unsigned long long)bytes, suffixes[i]);
}
