/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * prom.h - the Prometheus text exposition format, version 0.0.4.
 *
 * Text builds up in memory, family by family: each family's HELP and
 * TYPE lines, then its samples, so that every family's lines stay
 * together as the format asks.  Label values come from processes that
 * name themselves: backslash, double quote and newline are escaped, and
 * bytes that are not valid UTF-8 or are other control characters become
 * U+FFFD, so the text always parses.  Memory grows with the samples
 * written, never with a name's length beyond PROM_VALUE_MAX.
 */
#ifndef TCECTL_PROM_H
#define TCECTL_PROM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A label value whose escaped text is longer than this is cut at a character. */
#define PROM_VALUE_MAX 1024

struct prom {
	char *text;
	size_t len, cap;
	bool failed;		/* out of memory: the text is incomplete */
};

struct prom_label {
	const char *name;	/* a valid label name, chosen by tcectl */
	const char *value;	/* anything */
};

void prom_init(struct prom *p);
void prom_free(struct prom *p);

/* "# HELP NAME HELP" and "# TYPE NAME TYPE" (gauge, counter, untyped...). */
void prom_family(struct prom *p, const char *name, const char *type, const char *help);

/* NAME{LABEL="VALUE",...} VALUE, the value as text the caller formatted (a float). */
void prom_sample(struct prom *p, const char *name, const struct prom_label *labels,
		 size_t n_labels, const char *value);
/* The same for an unsigned integer. */
void prom_sample_u64(struct prom *p, const char *name, const struct prom_label *labels,
		     size_t n_labels, uint64_t value);

/* value as the text between a label's quotes, into buf (cut to fit); returns buf. */
const char *prom_label_value(const char *value, char *buf, size_t len);

#endif
