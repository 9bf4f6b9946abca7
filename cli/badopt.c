// SPDX-License-Identifier: GPL-2.0-or-later
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "badopt.h"

/* argp's rule for an option with a short name. */
static bool is_short(const struct argp_option *o)
{
	return o->key > 0 && o->key <= 0xff && isprint(o->key) && !(o->flags & OPTION_DOC);
}

/*
 * Calls visit for each option of argp and its children, with whether it
 * takes a value (an alias takes what the option before it takes).
 */
static void each_option(const struct argp *argp,
			void (*visit)(const struct argp_option *o, bool has_arg, void *ctx), void *ctx)
{
	bool has_arg = false;

	for (const struct argp_option *o = argp->options; o && (o->name || o->key || o->doc); o++) {
		if (!(o->flags & OPTION_ALIAS))
			has_arg = o->arg != NULL;
		if (o->name || is_short(o))
			visit(o, has_arg, ctx);
	}
	for (const struct argp_child *c = argp->children; c && c->argp; c++)
		each_option(c->argp, visit, ctx);
}

struct short_query {
	int key;
	bool found, has_arg;
};

static void match_short(const struct argp_option *o, bool has_arg, void *ctx)
{
	struct short_query *q = ctx;

	if (is_short(o) && o->key == q->key) {
		q->found = true;
		q->has_arg = has_arg;
	}
}

struct long_query {
	const char *name;
	size_t len;
	bool exact, exact_has_arg;
	const struct argp_option *prefix;	/* the first option name abbreviates */
	bool prefix_has_arg, ambiguous;
};

static void match_long(const struct argp_option *o, bool has_arg, void *ctx)
{
	struct long_query *q = ctx;

	if (!o->name || strncmp(o->name, q->name, q->len))
		return;
	if (!o->name[q->len]) {
		q->exact = true;
		q->exact_has_arg = has_arg;
	} else if (!q->prefix) {
		q->prefix = o;
		q->prefix_has_arg = has_arg;
	} else if (q->prefix->key != o->key) {
		/* getopt_long: an abbreviation of two options is refused. */
		q->ambiguous = true;
	}
}

/* --name or --name=value at argv[*i]; may take the next argument as its value. */
static bool bad_long(const struct argp *argp, int argc, char **argv, int *i, char *msg, size_t len)
{
	const char *arg = argv[*i] + 2, *eq = strchr(arg, '=');
	struct long_query q = { .name = arg, .len = eq ? (size_t)(eq - arg) : strlen(arg) };

	bool has_arg;

	each_option(argp, match_long, &q);
	if (!q.exact && !q.prefix) {
		snprintf(msg, len, "unknown option '--%.*s'", (int)q.len, arg);
		return true;
	}
	if (!q.exact && q.ambiguous) {
		snprintf(msg, len, "ambiguous option '--%.*s'", (int)q.len, arg);
		return true;
	}
	has_arg = q.exact ? q.exact_has_arg : q.prefix_has_arg;
	if (has_arg && !eq && ++*i >= argc) {
		snprintf(msg, len, "option '--%.*s' needs a value", (int)q.len, arg);
		return true;
	}
	if (!has_arg && eq) {
		snprintf(msg, len, "option '--%.*s' takes no value", (int)q.len, arg);
		return true;
	}
	return false;
}

/* A cluster of short options at argv[*i]: "-nx", "-oPID", "-o PID". */
static bool bad_short(const struct argp *argp, int argc, char **argv, int *i, char *msg, size_t len)
{
	const char *cluster = argv[*i];

	for (const char *p = cluster + 1; *p; p++) {
		struct short_query q = { .key = (unsigned char)*p };

		each_option(argp, match_short, &q);
		if (!q.found) {
			if (strlen(cluster) > 2)
				snprintf(msg, len, "unknown option '-%c' in '%s'", *p, cluster);
			else
				snprintf(msg, len, "unknown option '%s'", cluster);
			return true;
		}
		if (!q.has_arg)
			continue;
		if (!p[1] && ++*i >= argc) {
			snprintf(msg, len, "option '-%c' needs a value", *p);
			return true;
		}
		return false;
	}
	return false;
}

bool bad_option(const struct argp *argp, int argc, char **argv, char *msg, size_t len)
{
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];

		if (!strcmp(arg, "--"))
			return false;
		if (arg[0] != '-' || !arg[1])
			continue;
		if (arg[1] == '-' ? bad_long(argp, argc, argv, &i, msg, len)
				  : bad_short(argp, argc, argv, &i, msg, len))
			return true;
	}
	return false;
}
