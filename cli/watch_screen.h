/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * watch_screen.h - the terminal of tcectl watch: curses is set up and
 * torn down here and nowhere else, and the signals that end watch are
 * caught here, so that the terminal is always given back as it was.
 */
#ifndef TCECTL_WATCH_SCREEN_H
#define TCECTL_WATCH_SCREEN_H

#include <stddef.h>

#include "watch.h"

/*
 * Catches SIGINT, SIGTERM and SIGHUP (one that was ignored at start stays
 * ignored): they end the loop, which gives the terminal back before
 * watch dies of the signal.  Call before screen_begin, so that curses
 * leaves them to us.
 */
void screen_catch_signals(void);

/* The signal that asked watch to end, or 0. */
int screen_stop_signal(void);

/* Dies of sig, its default action restored, after screen_end. */
void screen_die_of(int sig) __attribute__((noreturn));

/*
 * Takes over the terminal.  Colours when it has them and color is true.
 * -1 with the reason in why when the terminal cannot be driven.
 */
int screen_begin(bool color, char *why, size_t len);

/* Gives the terminal back; does nothing when it was not taken.  Also at exit. */
void screen_end(void);

/* The next key within timeout_ms (-1: no limit), or ERR; KEY_RESIZE after a resize. */
int screen_key(int timeout_ms);

/* Rows of the list and lines of a table's view that fit the screen. */
size_t screen_list_height(void);
size_t screen_table_height(void);

void screen_draw(const struct watch *w);

#endif
