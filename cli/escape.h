/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * escape.h - text another process controls, made safe to print.
 *
 * A process names itself (its comm), so a name can hold terminal escape
 * sequences, newlines or bytes that are not UTF-8.  Text output shows
 * control bytes, backslashes and bytes that are not part of a valid UTF-8
 * character as \xHH, as util-linux does; JSON output replaces invalid
 * bytes with U+FFFD, so the document is always valid UTF-8.
 */
#ifndef TCECTL_ESCAPE_H
#define TCECTL_ESCAPE_H

#include <stddef.h>

#include "../src/utf8.h"

/* s escaped for a terminal into buf (cut to fit); returns buf. */
const char *safe_text(const char *s, char *buf, size_t len);

#endif
