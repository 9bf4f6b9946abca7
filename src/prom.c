// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prom.h"
#include "utf8.h"

/* U+FFFD REPLACEMENT CHARACTER: what a byte that cannot stand becomes. */
static const char replacement[] = "\xef\xbf\xbd";

void prom_init(struct prom *p)
{
	*p = (struct prom){ 0 };
}

void prom_free(struct prom *p)
{
	free(p->text);
	*p = (struct prom){ 0 };
}

static void put(struct prom *p, const char *s, size_t n)
{
	if (p->failed)
		return;
	if (p->len + n + 1 > p->cap) {
		size_t cap = p->cap ? p->cap : 4096;
		char *text;

		while (p->len + n + 1 > cap)
			cap *= 2;
		text = realloc(p->text, cap);
		if (!text) {
			p->failed = true;
			return;
		}
		p->text = text;
		p->cap = cap;
	}
	memcpy(p->text + p->len, s, n);
	p->len += n;
	p->text[p->len] = '\0';
}

static void puts_(struct prom *p, const char *s)
{
	put(p, s, strlen(s));
}

const char *prom_label_value(const char *value, char *buf, size_t len)
{
	const unsigned char *s = (const unsigned char *)value;
	size_t used = 0;

	if (!len)
		return buf;
	while (*s) {
		size_t n = utf8_char_len(s);
		const char *rep = NULL;

		if (*s == '\\')
			rep = "\\\\";
		else if (*s == '"')
			rep = "\\\"";
		else if (*s == '\n')
			rep = "\\n";
		else if (n == 0 || *s < 0x20 || *s == 0x7f)
			rep = replacement;
		if (!rep) {
			if (used + n >= len)
				break;
			memcpy(buf + used, s, n);
			used += n;
			s += n;
			continue;
		}
		if (used + strlen(rep) >= len)
			break;
		memcpy(buf + used, rep, strlen(rep));
		used += strlen(rep);
		s++;
	}
	buf[used] = '\0';
	return buf;
}

/* HELP text: backslash and newline escaped, as the format asks. */
static void put_help(struct prom *p, const char *help)
{
	for (const char *s = help; *s; s++) {
		if (*s == '\\')
			puts_(p, "\\\\");
		else if (*s == '\n')
			puts_(p, "\\n");
		else
			put(p, s, 1);
	}
}

void prom_family(struct prom *p, const char *name, const char *type, const char *help)
{
	puts_(p, "# HELP ");
	puts_(p, name);
	puts_(p, " ");
	put_help(p, help);
	puts_(p, "\n# TYPE ");
	puts_(p, name);
	puts_(p, " ");
	puts_(p, type);
	puts_(p, "\n");
}

void prom_sample(struct prom *p, const char *name, const struct prom_label *labels,
		 size_t n_labels, const char *value)
{
	char buf[PROM_VALUE_MAX + 1];

	puts_(p, name);
	for (size_t i = 0; i < n_labels; i++) {
		puts_(p, i ? "," : "{");
		puts_(p, labels[i].name);
		puts_(p, "=\"");
		puts_(p, prom_label_value(labels[i].value, buf, sizeof(buf)));
		puts_(p, "\"");
	}
	if (n_labels)
		puts_(p, "}");
	puts_(p, " ");
	puts_(p, value);
	puts_(p, "\n");
}

void prom_sample_u64(struct prom *p, const char *name, const struct prom_label *labels,
		     size_t n_labels, uint64_t value)
{
	char text[24];

	snprintf(text, sizeof(text), "%llu", (unsigned long long)value);
	prom_sample(p, name, labels, n_labels, text);
}
