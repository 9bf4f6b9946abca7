// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * main.c - tcectl's front door: dispatches on the exact verb name.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#ifndef TCECTL_VERSION
#define TCECTL_VERSION "0.0.0"
#endif

const char *argp_program_version = "tcectl " TCECTL_VERSION;
const char *argp_program_bug_address = NULL;

const struct verb verbs[] = {
	{ "list", do_list, "list the TCE tables of processes, one row per table" },
	{ "dump", do_dump, "decode a table: its extents, or every entry" },
	{ "translate", do_translate, "show the guest address an IO bus address maps to" },
	{ "who-maps", do_who_maps, "show which IO bus addresses map a guest address range" },
	{ "checkpoint", do_checkpoint, "save whole tables into one checkpoint file" },
	{ "inspect", do_inspect, "describe a checkpoint file and its tables" },
	{ "verify", do_verify, "check a checkpoint file's structure and checksums" },
	{ "diff", do_diff, "compare tables: live, or from checkpoint files" },
	{ "restore", do_restore, "write a checkpoint's tables back into a live VMM" },
	{ "watch", do_watch, "a live view of the tables, refreshed like top" },
	{ "monitor", do_monitor, "follow tables as JSON lines: every change, or counts per interval" },
	{ "metrics", do_metrics, "print the tables as Prometheus metrics, or write them for node_exporter" },
	{ "check", do_check, "report anomalies: entries outside RAM, aliases, foreign holders..." },
	{ "help", do_help, "list the verbs, or show one verb's help" },
	{ NULL, NULL, NULL }
};

static void usage(struct obuf *ob)
{
	ob_puts(ob, "Usage: tcectl VERB [OPTION...] [ARG...]\n"
		    "Inspect the sPAPR TCE tables (guest IOMMU tables) that KVM keeps for\n"
		    "the guests of a POWER host.\n\nVerbs:\n");
	for (const struct verb *v = verbs; v->name; v++)
		ob_printf(ob, "  %-10s %s\n", v->name, v->summary);
	ob_puts(ob, "\nOptions:\n"
		    "  -h, --help     give this help\n"
		    "  -V, --version  print the version\n"
		    "\nRun 'tcectl VERB --help' for a verb's options, or see tcectl(1).\n");
}

/* `tcectl help` lists verb names for completions; `tcectl help VERB` is VERB --help. */
int do_help(int argc, char **argv)
{
	char help_arg[] = "--help";

	if (argc > 2)
		return cli_error(TCE_EUSAGE, "too many arguments; usage: tcectl help [VERB]");
	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
			  !strcmp(argv[1], "--usage"))) {
		ob_puts(out, "Usage: tcectl help [VERB]\n"
			     "List the verbs, one per line with a summary, or show VERB's --help.\n");
		return cli_finish(0);
	}
	if (argc == 2) {
		for (const struct verb *v = verbs; v->name; v++)
			if (!strcmp(v->name, argv[1]) && v->run != do_help) {
				char *args[] = { argv[1], help_arg, NULL };

				return v->run(2, args);
			}
		return cli_error(TCE_EUSAGE, "unknown verb '%s'; 'tcectl help' lists them", argv[1]);
	}
	for (const struct verb *v = verbs; v->name; v++)
		ob_printf(out, "%-10s %s\n", v->name, v->summary);
	return cli_finish(0);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		struct obuf err_out = { .fd = STDERR_FILENO };

		usage(&err_out);
		ob_flush(&err_out);
		return TCE_EUSAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--usage")) {
		usage(out);
		return cli_finish(0);
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		ob_printf(out, "%s\n", argp_program_version);
		return cli_finish(0);
	}
	for (const struct verb *v = verbs; v->name; v++)
		if (!strcmp(v->name, argv[1]))
			return v->run(argc - 1, argv + 1);
	return cli_error(TCE_EUSAGE, "unknown verb '%s'; 'tcectl help' lists them", argv[1]);
}
