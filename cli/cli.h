/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cli.h - what every verb shares: the error path, the output options,
 * argument parsing and the verb table.
 */
#ifndef TCECTL_CLI_H
#define TCECTL_CLI_H

#include <argp.h>
#include <stdbool.h>

#include "../src/err.h"
#include "../src/target.h"
#include "json.h"

struct verb {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

extern const struct verb verbs[];

/* The options every verb takes: -j, -p, -n and --help. */
struct output_options {
	bool json;
	bool pretty;
	bool noheadings;
};

extern struct output_options output;
extern const struct argp common_argp;
/* --attach, for the verbs that read live tables. */
extern const struct argp live_argp;
/* -h, --help and --usage alone, for a verb that prints no JSON or headings (watch). */
extern const struct argp help_argp;

/* Long-only option keys start here (elfutils' habit). */
#define OPT_LONG_BASE 0x100

/* "tcectl: VERB: message" on stderr; in JSON mode, also {"error":...} on stdout. */
int cli_error(enum tce_status status, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int cli_report(const struct tce_err *err);
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * In JSON mode the error of one target of several is an element of the
 * output array, so the document stays whole.
 */
void cli_json_target_error(struct json *j, const char *target, const struct tce_err *err);

/* Marks that the verb has begun its JSON document. */
void cli_json_document_begun(void);

/* Parses a verb's arguments; usage errors exit with TCE_EUSAGE and one line. */
void cli_parse(const struct argp *argp, int argc, char **argv, void *input);

/* Several outcomes into one exit status: errors beat a clean "no". */
static inline int status_merge(int a, int b)
{
	if (a >= TCE_EUSAGE)
		return a;
	if (b >= TCE_EUSAGE)
		return b;
	return a > b ? a : b;
}

/* Parses a target or exits with its usage error. */
void cli_parse_target(const char *text, struct tce_target *target);

/*
 * The same for a verb of live tables alone: a checkpoint file is a usage
 * error, "... is not a live target (...): " followed by why_and_what.
 */
void cli_parse_live_target(const char *text, struct tce_target *target, const char *why_and_what);

/*
 * The status to exit with after flushing standard output: status, or
 * TCE_EIO when a write failed (a closed pipe is no failure), then through
 * cli_exit_status.
 */
int cli_finish(int status);

/* Makes any trouble (a status above TCE_EUSAGE) exit with TCE_EUSAGE: diff's convention. */
void cli_trouble_is_usage(void);

/* status as the running verb's convention has it. */
int cli_exit_status(int status);

/* Verbs. */
int do_list(int argc, char **argv);
int do_dump(int argc, char **argv);
int do_translate(int argc, char **argv);
int do_who_maps(int argc, char **argv);
int do_checkpoint(int argc, char **argv);
int do_inspect(int argc, char **argv);
int do_verify(int argc, char **argv);
int do_diff(int argc, char **argv);
int do_restore(int argc, char **argv);
int do_watch(int argc, char **argv);
int do_monitor(int argc, char **argv);
int do_metrics(int argc, char **argv);
int do_check(int argc, char **argv);
int do_help(int argc, char **argv);

#endif
