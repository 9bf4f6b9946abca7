// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/source.h"
#include "badopt.h"
#include "cli.h"

struct output_options output;

/* The verb being run, for messages: "tcectl: dump: ...". */
static const char *current_verb = "tcectl";

/* Set once a verb has begun its JSON document; errors then go inside it. */
static bool json_document_begun;

/* diff(1)'s convention, which diff follows: any trouble exits with 2. */
static bool trouble_is_usage;

static void verror(enum tce_status status, const char *fmt, va_list ap)
{
	char msg[1024];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	ob_flush(out);
	if (strcmp(current_verb, "tcectl"))
		fprintf(stderr, "tcectl: %s: %s\n", current_verb, msg);
	else
		fprintf(stderr, "tcectl: %s\n", msg);
	if (output.json && !json_document_begun) {
		struct json j;

		json_init(&j, out, output.pretty);
		json_object_begin(&j);
		json_string_field(&j, "error", msg);
		json_u64_field(&j, "status", status);
		json_object_end(&j);
		json_finish(&j);
		json_document_begun = true;
	}
}

int cli_error(enum tce_status status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror(status, fmt, ap);
	va_end(ap);
	return status;
}

int cli_report(const struct tce_err *err)
{
	return cli_error(err->status, "%s", err->msg);
}

void cli_warn(const char *fmt, ...)
{
	va_list ap;

	ob_flush(out);
	fprintf(stderr, "tcectl: %s: warning: ", current_verb);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void cli_json_target_error(struct json *j, const char *target, const struct tce_err *err)
{
	json_document_begun = true;
	fprintf(stderr, "tcectl: %s: %s\n", current_verb, err->msg);
	json_object_begin(j);
	json_string_field(j, "target", target);
	json_string_field(j, "error", err->msg);
	json_u64_field(j, "status", err->status);
	json_object_end(j);
}

void cli_json_document_begun(void)
{
	json_document_begun = true;
}

void cli_trouble_is_usage(void)
{
	trouble_is_usage = true;
}

int cli_exit_status(int status)
{
	return trouble_is_usage && status > TCE_EUSAGE ? TCE_EUSAGE : status;
}

/*
 * argp's help goes to standard output through out, like everything else,
 * so that a failed write is caught and reported by cli_finish.
 */
static void help_to_out(const struct argp_state *state, unsigned flags)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		exit(cli_exit_status(cli_error(TCE_EIO, "out of memory")));
	argp_help(state->root_argp, f, flags, state->name);
	fclose(f);
	ob_write(out, text, len);
	free(text);
	exit(cli_finish(0));
}

enum {
	OPT_NOHEADINGS = 'n',
	OPT_JSON = 'j',
	OPT_PRETTY = 'p',
	OPT_HELP = 'h',
	OPT_USAGE = OPT_LONG_BASE + 0x80,
	OPT_ATTACH,
};

static const struct argp_option common_options_table[] = {
	{ NULL, 0, NULL, 0, "Output format:", 50 },
	{ "json", OPT_JSON, NULL, 0, "Print JSON (see tcectl(1) JSON OUTPUT)", 0 },
	{ "pretty", OPT_PRETTY, NULL, 0, "Print indented JSON; implies --json", 0 },
	{ "noheadings", OPT_NOHEADINGS, NULL, 0, "Leave out headings and summary lines", 0 },
	{ NULL, 0, NULL, 0, "Help:", -1 },
	{ "help", OPT_HELP, NULL, 0, "Give this help list", 0 },
	{ NULL, '?', NULL, OPTION_ALIAS, NULL, 0 },
	{ "usage", OPT_USAGE, NULL, 0, "Give a short usage message", 0 },
	{ 0 }
};

/* argv index just past an argument argp could not take, for the message. */
static int bad_arg_next;

static const struct argp_option help_options_table[] = {
	{ NULL, 0, NULL, 0, "Help:", -1 },
	{ "help", OPT_HELP, NULL, 0, "Give this help list", 0 },
	{ NULL, '?', NULL, OPTION_ALIAS, NULL, 0 },
	{ "usage", OPT_USAGE, NULL, 0, "Give a short usage message", 0 },
	{ 0 }
};

static error_t parse_common_option(int key, char *arg, struct argp_state *state)
{
	(void)arg;
	switch (key) {
	/*
	 * ARGP_NO_ERRS (our own one-line errors) also silences
	 * argp_state_help, so help is printed with argp_help.
	 */
	case OPT_HELP:
		help_to_out(state, ARGP_HELP_STD_HELP & ~ARGP_HELP_EXIT_ERR);
		break;
	case OPT_USAGE:
		help_to_out(state, ARGP_HELP_USAGE);
		break;
	case ARGP_KEY_ERROR:
		bad_arg_next = state->next;
		break;
	case OPT_JSON:
		output.json = true;
		break;
	case OPT_PRETTY:
		output.json = output.pretty = true;
		break;
	case OPT_NOHEADINGS:
		output.noheadings = true;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp_option live_options_table[] = {
	{ NULL, 0, NULL, 0, "Live tables:", 60 },
	{ "attach", OPT_ATTACH, "HOW", 0,
	  "Read live tables through the VMM's own mapping (holds nothing; the default when one is "
	  "known) or through a duplicate of the fd (can make a resetting VMM lose the table): "
	  "mapping or fd", 0 },
	{ 0 }
};

static error_t parse_live_option(int key, char *arg, struct argp_state *state)
{
	(void)state;
	if (key != OPT_ATTACH)
		return ARGP_ERR_UNKNOWN;
	if (!strcmp(arg, "mapping"))
		tce_source_set_attach(TCE_ATTACH_MAPPING);
	else if (!strcmp(arg, "fd"))
		tce_source_set_attach(TCE_ATTACH_FD);
	else
		exit(cli_exit_status(cli_error(TCE_EUSAGE, "--attach takes 'mapping' or 'fd', not '%s'", arg)));
	return 0;
}

const struct argp live_argp = { live_options_table, parse_live_option, NULL, NULL, NULL, NULL, NULL };

const struct argp common_argp = { common_options_table, parse_common_option, NULL, NULL, NULL, NULL, NULL };

/* The same parser: the keys of the options it lacks never reach it. */
const struct argp help_argp = { help_options_table, parse_common_option, NULL, NULL, NULL, NULL, NULL };

void cli_parse(const struct argp *argp, int argc, char **argv, void *input)
{
	char name[64], what[256];
	error_t e;

	current_verb = argv[0];
	snprintf(name, sizeof(name), "tcectl %s", argv[0]);
	argv[0] = name;
	/* Our own one-line messages replace argp's two-line ones. */
	e = argp_parse(argp, argc, argv, ARGP_NO_ERRS | ARGP_NO_HELP, NULL, input);
	argv[0] = (char *)current_verb;
	if (!e)
		return;
	if (bad_option(argp, argc, argv, what, sizeof(what)))
		exit(cli_exit_status(cli_error(TCE_EUSAGE, "%s; see 'tcectl %s --help'", what,
					       current_verb)));
	if (bad_arg_next > 0 && bad_arg_next <= argc)
		exit(cli_error(TCE_EUSAGE,
			       "unknown option or missing value in '%s'; see 'tcectl %s --help'",
			       argv[bad_arg_next - 1], current_verb));
	exit(cli_error(TCE_EUSAGE, "cannot parse the arguments: %s; see 'tcectl %s --help'",
		       strerror(e), current_verb));
}

void cli_parse_target(const char *text, struct tce_target *target)
{
	struct tce_err err = { 0 };

	if (tce_target_parse(text, target, &err))
		exit(cli_exit_status(cli_report(&err)));
}

void cli_parse_live_target(const char *text, struct tce_target *target, const char *why_and_what)
{
	cli_parse_target(text, target);
	if (target->kind == TCE_TARGET_FILE)
		exit(cli_error(TCE_EUSAGE, "'%s' is not a live target (PID, PID:FD or PID@ADDR): %s",
			       text, why_and_what));
}

int cli_finish(int status)
{
	ob_flush(out);
	if (out->error && out->error != EPIPE) {
		if (strcmp(current_verb, "tcectl"))
			fprintf(stderr, "tcectl: %s: cannot write the output: %s\n",
				current_verb, strerror(out->error));
		else
			fprintf(stderr, "tcectl: cannot write the output: %s\n", strerror(out->error));
		status = status_merge(status, TCE_EIO);
	}
	return cli_exit_status(status);
}
