/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * parse.h - numbers, sizes and address ranges as users type them.
 *
 * Addresses take C syntax (0x hex, 0 octal is not special: leading zeros are
 * decimal).  Sizes accept K, M, G, T suffixes (powers of 1024).  A range is
 * START, START-END (END inclusive) or START+LENGTH.
 */
#ifndef TCECTL_PARSE_H
#define TCECTL_PARSE_H

#include <stdbool.h>
#include <stdint.h>

/* Whole string must be a number; hex with 0x.  No sign, no overflow. */
int parse_u64(const char *s, uint64_t *out);

/* Like parse_u64, also "64K", "16M": the suffix multiplies by 1024^n. */
int parse_size(const char *s, uint64_t *out);

/* Inclusive address range; a bare START is the range [START, START]. */
struct addr_range {
	uint64_t first;
	uint64_t last;
};

int parse_range(const char *s, struct addr_range *out);

/* "4K", "64K", "16M", or plain bytes when not a whole multiple. */
void format_size(char *buf, unsigned len, uint64_t bytes);

#endif
