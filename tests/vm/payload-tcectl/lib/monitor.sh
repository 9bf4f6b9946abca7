# SPDX-License-Identifier: GPL-2.0-or-later
#
# Helpers for the tests of tcectl monitor against minivmm; sourced (brings
# tcectl.sh, minivmm.sh and tap.sh along).  A monitor runs in the
# background, its lines in a file; a test stops it between two refreshes,
# lets the guest make its hypercalls, and lets it go on, so that it knows
# which refresh each change falls in.
#
#   mon_start OUT ARG...   tcectl monitor ARG... in the background: its
#                          lines in OUT, stderr in OUT.err, pid in OUT.pid
#   mon_pause OUT          stop it (SIGSTOP) while it waits for its next
#                          refresh, never within one: status 1 if it could
#                          not be caught waiting
#   mon_resume OUT         SIGCONT: it refreshes at once, its time being up
#   mon_wait OUT N [TENTHS]  wait (default 20 s) until OUT has N lines
#   mon_stop OUT [SIGNAL]  end it (default SIGTERM), wait; its exit status
#   mon_fields KEY...      JSON lines on stdin -> one "KEY=VALUE ..." line
#                          each, in the order asked (strings unquoted,
#                          null as null, a missing key as KEY=?)
#   mon_ordinals [FIRST]   "refresh=N ..." lines on stdin, in refresh
#                          order -> N replaced by FIRST (default 1),
#                          FIRST + 1, ... in order of appearance
#   mon_state LIOBN...     the entries the hypercalls left in those tables
#                          now, "LIOBN INDEX TCE" lines (minivmm's expect)
#   mon_runs PREFIX OLD NEW   the change runs from state file OLD to NEW
#                          (mon_state), table by table in fd order, runs in
#                          index order, as the lines "PREFIX event= pid= fd=
#                          table= liobn= index= pages= ioba= gpa= perm= raw=
#                          old_gpa= old_perm= old_raw=" (MON_RUN_KEYS) that
#                          monitor's events give through mon_fields: a run
#                          is consecutive entries that differ in the same
#                          way (map: was empty, unmap: is empty, change),
#                          each side mapping consecutive guest pages
#   mon_counts             mon_runs lines on stdin -> per table with a
#                          change (fd order) "PREFIX liobn= maps= unmaps=
#                          changes=": the entries that went each way
#   mon_sort               "refresh=R event= pid= fd= ..." lines on stdin,
#                          sorted by refresh, then fd, in order within a table

. "$PAYLOAD/lib/tcectl.sh"

# shellcheck disable=SC2034  # for the tests that source this
MON_RUN_KEYS="event pid fd table liobn index pages ioba gpa perm raw old_gpa old_perm old_raw"

mon_start() {
	_ms_out=$1
	shift
	: >"$_ms_out"
	tcectl monitor "$@" >"$_ms_out" 2>"$_ms_out.err" &
	echo $! >"$_ms_out.pid"
}

# Syscalls a process sleeps in between two refreshes, by number on ppc64:
# ppoll, poll, pselect6, select, nanosleep, clock_nanosleep, epoll_pwait,
# epoll_wait, rt_sigtimedwait.  /proc/PID/syscall of a stopped process
# names the call it was stopped in (a reading process is stopped in
# process_vm_readv, read or write, or outside any call: -1).
MON_WAIT_CALLS=" 281 167 280 142 162 248 303 238 176 "

mon_pause() {
	_mp_pid=$(cat "$1.pid")
	_mp_try=0
	while [ $_mp_try -lt 100 ]; do
		kill -STOP "$_mp_pid" || return 1
		# shellcheck disable=SC2016  # wait_for evaluates the string
		wait_for '[ "$(sed "s/.*) //" /proc/$_mp_pid/stat | cut -d" " -f1)" = T ]' 50 || return 1
		case $MON_WAIT_CALLS in
		*" $(cut -d' ' -f1 /proc/"$_mp_pid"/syscall) "*) return 0 ;;
		esac
		kill -CONT "$_mp_pid"
		sleep 0.03
		_mp_try=$((_mp_try + 1))
	done
	diag "monitor $_mp_pid was never caught waiting between refreshes"
	return 1
}

mon_resume() {
	kill -CONT "$(cat "$1.pid")"
}

mon_wait() {
	wait_for "[ \$(wc -l <'$1') -ge $2 ]" "${3:-200}"
}

mon_stop() {
	_mo_pid=$(cat "$1.pid")
	kill -"${2:-TERM}" "$_mo_pid" 2>/dev/null
	kill -CONT "$_mo_pid" 2>/dev/null
	wait "$_mo_pid"
}

mon_fields() {
	awk -v keys="$*" '
	{
		delete v
		s = $0
		sub(/^[ \t]*\{/, "", s)
		sub(/\}[ \t]*$/, "", s)
		while (s != "") {
			if (!match(s, /^"[^"]*":/)) { v["?"] = s; break }
			k = substr(s, 2, RLENGTH - 3)
			s = substr(s, RLENGTH + 1)
			if (substr(s, 1, 1) == "\"") {
				match(s, /^"([^"\\]|\\.)*"/)
				v[k] = substr(s, 2, RLENGTH - 2)
			} else {
				match(s, /^[^,]*/)
				v[k] = substr(s, 1, RLENGTH)
			}
			s = substr(s, RLENGTH + 1)
			sub(/^,/, "", s)
		}
		n = split(keys, key, " ")
		out = ""
		for (i = 1; i <= n; i++)
			out = out (i > 1 ? " " : "") key[i] "=" (key[i] in v ? v[key[i]] : "?")
		print out
	}'
}

mon_ordinals() {
	awk -v n="$((${1:-1} - 1))" '{
		r = $1; sub(/^refresh=/, "", r)
		if (!(r in ord)) ord[r] = ++n
		sub(/^refresh=[^ ]*/, "refresh=" ord[r])
		print
	}'
}

mon_state() {
	for _mt_liobn in "$@"; do
		vmm expect "$_mt_liobn" | sed -n 's/^entry liobn=\([^ ]*\) index=\([0-9]*\) ioba=[^ ]* tce=\([^ ]*\)$/\1 \2 \3/p'
	done
}

# One table's "index O|N tce" lines, sorted by index, through the run rule.
_mon_diff() {
	awk -v prefix="$1" -v who="$2" -v shift="$3" -v offset="$4" "$HEX_AWK"'
	function side(g, p, r, raw) {
		if (raw == 0) return g "=null " p "=null " r "=0x0"
		return g "=" hexstr(raw - raw % 4) " " p "=" permname(raw % 4) " " r "=" hexstr(raw)
	}
	function flush() {
		if (n)
			print prefix " event=" kind " " who " index=" first " pages=" n \
				" ioba=" wadd(offset, first * ps) " " side("gpa", "perm", "raw", newfirst) \
				" " side("old_gpa", "old_perm", "old_raw", oldfirst)
		n = 0
	}
	function entry(i, o, w) {
		if (o == w) { flush(); return }
		k = o == 0 ? "map" : w == 0 ? "unmap" : "change"
		if (!(n && i == last + 1 && k == kind && (o == 0 || o == lasto + ps) && (w == 0 || w == lastw + ps))) {
			flush()
			kind = k; first = i; oldfirst = o; newfirst = w
		}
		n++; last = i; lasto = o; lastw = w
	}
	BEGIN { ps = pow2(shift); have = 0; old = new = 0 }
	{
		if (have && $1 != cur) { entry(cur, old, new); old = new = 0 }
		cur = $1; have = 1
		if ($2 == "O") old = hexval($3); else new = hexval($3)
	}
	END {
		if (have) entry(cur, old, new)
		flush()
	}'
}

mon_runs() {
	grep '^table ' "$VMM_DESC" | while read -r _mr_line; do
		echo "$(field fd "$_mr_line") $(field liobn "$_mr_line") $(field page_shift "$_mr_line") $(field bus_offset "$_mr_line")"
	done | sort -n | while read -r _mr_fd _mr_liobn _mr_shift _mr_offset; do
		{
			awk -v l="$_mr_liobn" '$1 == l { print $2, "O", $3 }' "$2"
			awk -v l="$_mr_liobn" '$1 == l { print $2, "N", $3 }' "$3"
		} | sort -n -k1,1 |
			_mon_diff "$1" "pid=$VMM_PID fd=$_mr_fd table=$VMM_PID:$_mr_fd liobn=$_mr_liobn" \
				"$_mr_shift" "$_mr_offset"
	done
}

mon_counts() {
	awk '{
		k = $1 " " $6
		if (!(k in seen)) { seen[k] = 1; order[++n] = k }
		p = $8; sub(/^pages=/, "", p)
		e = $2; sub(/^event=/, "", e)
		c[k, e] += p
	}
	END {
		for (i = 1; i <= n; i++)
			print order[i], "maps=" c[order[i], "map"] + 0, "unmaps=" c[order[i], "unmap"] + 0, \
				"changes=" c[order[i], "change"] + 0
	}'
}

# "refresh=R event=E pid=P fd=F ..." lines on stdin -> sorted by refresh,
# then fd, keeping the order within one table.
mon_sort() {
	awk '{ r = $1; f = $4; sub(/^refresh=/, "", r); sub(/^fd=/, "", f); print r, f, $0 }' |
		sort -s -n -k1,1 -k2,2 | cut -d' ' -f3-
}
