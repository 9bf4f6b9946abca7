# SPDX-License-Identifier: GPL-2.0-or-later
#
# Read tcectl watch's screen, in a terminal of lib/term.sh; sourced (brings
# term.sh, tcectl.sh, minivmm.sh and tap.sh along).
#
#   watch_start NAME ARG...  tcectl watch ARG... in a new 160x40 terminal
#                            NAME; status 1 (diagnosed) if its first screen
#                            of rows does not come
#   watch_rows NAME          the table rows on the screen, one a line:
#                            "state=S vm= table= liobn= device= page= window=
#                            mapped= rw= r= w= extents= map_s= unmap_s=
#                            chg_s= use=", the keys from the headings
#                            (lowercase, "/" as "_"), S "+" for a table just
#                            added, "-" for one just removed, "." otherwise;
#                            the occupancy bar left out (words: a VM name
#                            with blanks would shift the columns)
#   watch_refresh_no NAME    the refresh count in the title line
#   watch_step NAME          one refresh of a paused watch (the space key),
#                            and wait until the title shows it: status 1 if
#                            it does not within 10 s

. "$PAYLOAD/lib/tcectl.sh"
. "$PAYLOAD/lib/term.sh"

watch_start() {
	_ws_name=$1
	shift
	term_start "$_ws_name" 160 40 tcectl watch "$@" || return 1
	if ! term_wait "$_ws_name" '\]$' 200; then
		diag "tcectl watch $* showed no table:"
		term_screen "$_ws_name" | diag
		term_stderr "$_ws_name" | diag
		return 1
	fi
}

watch_rows() {
	term_screen "$1" | awk '
	!keys && / LIOBN / {
		n = split($0, h, " ")
		for (i = 1; i <= n; i++) { k = tolower(h[i]); gsub(/\//, "_", k); key[i] = k }
		keys = n
		next
	}
	keys && /\]$/ {
		m = split($0, f, " ")
		state = "."
		first = 1
		if (substr($0, 1, 1) != " ") { state = f[1]; first = 2 }
		out = "state=" state
		for (i = 1; i <= keys && first + i - 1 < m; i++)
			out = out " " key[i] "=" f[first + i - 1]
		print out
	}'
}

watch_refresh_no() {
	term_screen "$1" | sed -n '1s/.* refresh \([0-9]*\).*/\1/p'
}

watch_step() {
	_wp_was=$(watch_refresh_no "$1")
	term_keys "$1" Space
	wait_for "[ \"\$(watch_refresh_no '$1')\" -gt '$_wp_was' ]" 100
}
