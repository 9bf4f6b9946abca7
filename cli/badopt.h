/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * badopt.h - which argument argp refused, named as it was typed.
 *
 * argp reports a refused option without saying which; inside a cluster of
 * short options ("-xy") its position does not even point at the argument.
 * This walks the arguments again with the verb's option tables, the way
 * getopt reads them, to name the option.
 */
#ifndef TCECTL_BADOPT_H
#define TCECTL_BADOPT_H

#include <argp.h>
#include <stdbool.h>
#include <stddef.h>

/*
 * The first option of argv[1..argc) that argp cannot take, described in
 * msg ("unknown option '-x' in '-xy'", "option '--output' needs a value");
 * false when every option is fine.
 */
bool bad_option(const struct argp *argp, int argc, char **argv, char *msg, size_t len);

#endif
