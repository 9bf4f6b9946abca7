/* SPDX-License-Identifier: GPL-2.0-or-later */
/* watch_term.h - whether the terminfo database knows the terminal (TERM). */
#ifndef TCECTL_WATCH_TERM_H
#define TCECTL_WATCH_TERM_H

#include <stdbool.h>

/* Whether curses can drive the terminal on fd, of type TERM. */
bool screen_term_known(int fd);

#endif
