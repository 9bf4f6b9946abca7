// SPDX-License-Identifier: GPL-2.0-or-later
#include "digits.h"
#include "escape.h"
#include "json.h"

void json_init(struct json *j, struct obuf *ob, bool pretty)
{
	*j = (struct json){ .ob = ob, .pretty = pretty };
}

static void newline_indent(struct json *j)
{
	if (!j->pretty)
		return;
	ob_putc(j->ob, '\n');
	ob_spaces(j->ob, 2 * (size_t)j->depth);
}

/* Comma and indentation before a value, unless it follows its key. */
static void value_prefix(struct json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (j->depth > 0) {
		if (j->has_items[j->depth])
			ob_putc(j->ob, ',');
		j->has_items[j->depth] = true;
		newline_indent(j);
	}
}

static void container_begin(struct json *j, char c)
{
	value_prefix(j);
	ob_putc(j->ob, c);
	if (j->depth + 1 < JSON_MAX_DEPTH)
		j->depth++;
	j->has_items[j->depth] = false;
}

static void container_end(struct json *j, char c)
{
	bool had = j->has_items[j->depth];

	j->depth--;
	if (had)
		newline_indent(j);
	ob_putc(j->ob, c);
}

void json_object_begin(struct json *j) { container_begin(j, '{'); }
void json_object_end(struct json *j) { container_end(j, '}'); }
void json_array_begin(struct json *j) { container_begin(j, '['); }
void json_array_end(struct json *j) { container_end(j, ']'); }

static void quoted(struct obuf *ob, const char *s)
{
	ob_putc(ob, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		size_t n = utf8_char_len((const unsigned char *)s);

		if (c == '"' || c == '\\') {
			ob_putc(ob, '\\');
			ob_putc(ob, (char)c);
		} else if (c < 0x20) {
			char esc[6] = { '\\', 'u', '0', '0' };

			put_hex_byte(esc + 4, c);
			ob_write(ob, esc, sizeof(esc));
		} else if (!n) {
			/* Not UTF-8 (a name another process chose): U+FFFD, so the document stays valid. */
			ob_write(ob, "\\ufffd", 6);
		} else {
			ob_write(ob, s, n);
			s += n - 1;
		}
	}
	ob_putc(ob, '"');
}

void json_key(struct json *j, const char *key)
{
	value_prefix(j);
	quoted(j->ob, key);
	ob_putc(j->ob, ':');
	if (j->pretty)
		ob_putc(j->ob, ' ');
	j->after_key = true;
}

void json_string(struct json *j, const char *s)
{
	value_prefix(j);
	quoted(j->ob, s);
}

void json_u64(struct json *j, uint64_t v)
{
	value_prefix(j);
	ob_u64(j->ob, v);
}

void json_hex(struct json *j, uint64_t v)
{
	value_prefix(j);
	ob_putc(j->ob, '"');
	ob_hex(j->ob, v, 1);
	ob_putc(j->ob, '"');
}

void json_bool(struct json *j, bool v)
{
	value_prefix(j);
	ob_puts(j->ob, v ? "true" : "false");
}

void json_number(struct json *j, const char *digits)
{
	value_prefix(j);
	ob_puts(j->ob, digits);
}

void json_null(struct json *j)
{
	value_prefix(j);
	ob_puts(j->ob, "null");
}

void json_string_field(struct json *j, const char *key, const char *s)
{
	json_key(j, key);
	json_string(j, s);
}

void json_u64_field(struct json *j, const char *key, uint64_t v)
{
	json_key(j, key);
	json_u64(j, v);
}

void json_hex_field(struct json *j, const char *key, uint64_t v)
{
	json_key(j, key);
	json_hex(j, v);
}

void json_bool_field(struct json *j, const char *key, bool v)
{
	json_key(j, key);
	json_bool(j, v);
}

void json_string_or_null_field(struct json *j, const char *key, const char *s)
{
	json_key(j, key);
	if (s && s[0])
		json_string(j, s);
	else
		json_null(j);
}

void json_hex_or_null_field(struct json *j, const char *key, bool has, uint64_t v)
{
	json_key(j, key);
	if (has)
		json_hex(j, v);
	else
		json_null(j);
}

void json_finish(struct json *j)
{
	ob_putc(j->ob, '\n');
	ob_flush(j->ob);
}
