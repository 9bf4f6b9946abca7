/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * utf8.h - whether bytes another process wrote are valid UTF-8, so that
 * every output that must be UTF-8 (JSON, Prometheus labels) decides the
 * same way.
 */
#ifndef TCECTL_UTF8_H
#define TCECTL_UTF8_H

#include <stddef.h>

/* Length of the valid UTF-8 character at s (1..4), or 0 when it is not one. */
size_t utf8_char_len(const unsigned char *s);

#endif
