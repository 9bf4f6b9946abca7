// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * watch_term.c - whether curses can drive the terminal, asked before
 * watch_screen.c takes it.  Apart because <term.h> defines a macro for
 * every terminfo capability (lines, columns, bell...), which the screen's
 * own names must not meet.
 */
#include <curses.h>
#include <term.h>

#include "watch_term.h"

/*
 * setupterm, unlike a newterm that fails (ncurses 6.4 then loses what it
 * allocated), leaves nothing behind either way.
 */
bool screen_term_known(int fd)
{
	int found = 0;

	if (setupterm(NULL, fd, &found) != OK)
		return false;
	del_curterm(cur_term);
	return true;
}
