/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * json.h - a streaming JSON writer over an obuf.
 *
 * Output contract (tcectl(1) JSON OUTPUT): 64-bit addresses and raw
 * entries are "0x..." strings, because JSON readers such as jq round
 * numbers above 2^53; counts are numbers.
 */
#ifndef TCECTL_JSON_H
#define TCECTL_JSON_H

#include <stdbool.h>
#include <stdint.h>

#include "obuf.h"

#define JSON_MAX_DEPTH 16

struct json {
	struct obuf *ob;
	bool pretty;
	bool after_key;
	int depth;
	bool has_items[JSON_MAX_DEPTH];
};

void json_init(struct json *j, struct obuf *ob, bool pretty);

void json_object_begin(struct json *j);
void json_object_end(struct json *j);
void json_array_begin(struct json *j);
void json_array_end(struct json *j);

void json_key(struct json *j, const char *key);
void json_string(struct json *j, const char *s);
void json_u64(struct json *j, uint64_t v);
void json_hex(struct json *j, uint64_t v);
void json_bool(struct json *j, bool v);
/* A number already in JSON form, for values wider than 64 bits. */
void json_number(struct json *j, const char *digits);
void json_null(struct json *j);

/* A member: key and value in one call (bpftool's jsonw_*_field). */
void json_string_field(struct json *j, const char *key, const char *s);
void json_u64_field(struct json *j, const char *key, uint64_t v);
void json_hex_field(struct json *j, const char *key, uint64_t v);
void json_bool_field(struct json *j, const char *key, bool v);
/* s, or null when s is NULL or empty. */
void json_string_or_null_field(struct json *j, const char *key, const char *s);
/* v as "0x..." when has, else null. */
void json_hex_or_null_field(struct json *j, const char *key, bool has, uint64_t v);

/* Ends the document with a newline and flushes. */
void json_finish(struct json *j);

#endif
