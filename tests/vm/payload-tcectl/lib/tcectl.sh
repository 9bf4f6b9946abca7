# SPDX-License-Identifier: GPL-2.0-or-later
#
# Helpers for the tests of tcectl against minivmm's real tables and QEMU's;
# sourced (brings tap.sh and minivmm.sh along).  Busybox sh: no jq, and an
# awk whose printf clamps to 32 bits and that has no "^", so hex is done by
# hand.
#
#   tc_vmm_begin [ARG...]     vmm_begin (minivmm with ARGs, reported), then
#                             vmm_save_golden; $pid is its pid; status 1 if
#                             it did not start
#   tc_need_qemu WHAT         with check.sh -Q's payload, source qemu-guest.sh;
#                             without it, a not_ok naming WHAT and the fix,
#                             and status 1
#   tc ARG...                 run tcectl; stdout in $TC_OUT, stderr in $TC_ERR,
#                             exit status in $TC_RC
#   tc_as UID ARG...          the same as another uid (and gid), via runas
#   tc_rc WANT DESC           check $TC_RC (shows stderr when it differs)
#   tc_recreate DESC LIOBN... re-create each table at once ("vmm recreate"
#                             must answer result=ok: tcectl holds nothing),
#                             refill it through hypercalls and refresh $VMM_DESC
#   tcx DESC "LIOBN..." ARG...  tc ARG..., then tc_recreate of those liobns
#   vmm_save_golden           remember the entries minivmm's start-up left:
#                             every refill writes these again
#   tgt NAME                  PID:FD,shift=..,offset=..,liobn=..,entries=..
#                             of table NAME, from its current "table" line
#   tfield NAME KEY           one field of table NAME's "table" line
#   golden LIOBN              the golden "entry" lines of LIOBN
#   all_liobns                the liobns of the open tables
#   json_rows                 JSON on stdin -> one "key=value ..." line per
#                             innermost object (no nesting, no quotes)
#   entries_csv PID FD LIOBN SHIFT   "entry" lines on stdin -> the rows
#                             tcectl dump --entries --csv -n should print
#   entries_extents SHIFT     "entry" lines on stdin (index order) ->
#                             "index= ioba= gpa= pages= perm=" extents
#   expand_extents SHIFT FMT  tcectl's extents (FMT text or csv) on stdin ->
#                             "IOBA RAW" for every entry they cover
#   list_rows [rounded]       the rows "tcectl list --raw -n -o
#                             PID,COMM,FD,ENTRIES,MAPPED,RW,R,W,NONE" should
#                             print for minivmm, by fd: ENTRIES as created
#                             (minivmm's records say it), or rounded up to
#                             8192 (64 KiB host pages)
#   maps_gpa SHIFT LO HI      "entry" lines on stdin -> the who-maps results
#                             (extents of entries with a permission bit whose
#                             page meets GPA LO..HI), without pid/fd/liobn

. "$PAYLOAD/lib/minivmm.sh"

TC_DIR=${TC_DIR:-/tmp/tcectl-test.$$}
mkdir -p "$TC_DIR"
TC_OUT=$TC_DIR/out
TC_ERR=$TC_DIR/err

tc() {
	tcectl "$@" >"$TC_OUT" 2>"$TC_ERR"
	TC_RC=$?
}

tc_as() {
	_tc_uid=$1
	shift
	runas "$_tc_uid" "$_tc_uid" tcectl "$@" >"$TC_OUT" 2>"$TC_ERR"
	TC_RC=$?
}

tc_rc() {
	is "$TC_RC" "$1" "$2" || diag <"$TC_ERR"
}

# Hex arithmetic for busybox awk.  Values up to 2^64 are split at bit 48
# (W_HI, W_LO), so every part stays exact in a double.
HEX_AWK='
function hexval(s,  i, n, c) {
	s = tolower(s); sub(/^0x/, "", s); n = 0
	for (i = 1; i <= length(s); i++) {
		c = index("0123456789abcdef", substr(s, i, 1)) - 1
		if (c < 0) return -1
		n = n * 16 + c
	}
	return n
}
function hexstr(n,  s, d) {
	if (n == 0) return "0x0"
	s = ""
	while (n > 0) { d = n % 16; s = substr("0123456789abcdef", d + 1, 1) s; n = (n - d) / 16 }
	return "0x" s
}
function wsplit(s,  l) {
	s = tolower(s); sub(/^0x/, "", s); l = length(s)
	if (l > 12) { W_HI = hexval(substr(s, 1, l - 12)); W_LO = hexval(substr(s, l - 11)) }
	else { W_HI = 0; W_LO = hexval(s) }
}
function wjoin(hi, lo,  t) {
	hi += int(lo / 281474976710656); lo = lo % 281474976710656
	if (hi == 0) return hexstr(lo)
	t = substr(hexstr(lo), 3)
	while (length(t) < 12) t = "0" t
	return hexstr(hi) t
}
function wadd(s, n) { wsplit(s); return wjoin(W_HI, W_LO + n) }
function wtrunc(s, ps) { wsplit(s); return wjoin(W_HI, W_LO - W_LO % ps) }
function wlow(s, m) { wsplit(s); return W_LO % m }
function pow2(n,  p) { p = 1; while (n-- > 0) p *= 2; return p }
function permname(b) { return b == 3 ? "rw" : b == 1 ? "r" : b == 2 ? "w" : "-" }
function permbits(p) { return p == "rw" ? 3 : p == "r" ? 1 : p == "w" ? 2 : 0 }
function kv(line, key,  i, n, f) {
	n = split(line, f, " ")
	for (i = 1; i <= n; i++) if (index(f[i], key "=") == 1) return substr(f[i], length(key) + 2)
	return ""
}
'

vmm_save_golden() {
	grep '^entry ' "$VMM_DESC" >"$VMM_DIR/golden"
}

tc_vmm_begin() {
	vmm_begin "$@" || return 1
	vmm_save_golden
	# shellcheck disable=SC2034  # for the test that sourced this
	pid=$VMM_PID
}

tc_need_qemu() {
	if [ ! -r "$PAYLOAD/lib/qemu-guest.sh" ] || [ ! -r "$PAYLOAD/guest/vmlinux" ] ||
	   ! command -v qemu-system-ppc64 >/dev/null; then
		not_ok "$1: the QEMU payload is missing; run tests/vm/check.sh -Q -p tests/vm/payload-tcectl-qemu"
		return 1
	fi
	. "$PAYLOAD/lib/qemu-guest.sh"
}

golden() {
	grep "^entry liobn=$1 " "$VMM_DIR/golden"
}

all_liobns() {
	sed -n 's/^table .* liobn=\([^ ]*\) .*/\1/p' "$VMM_DESC"
}

tfield() {
	field "$2" "$(vmm_table "$1")"
}

tgt() {
	_tgt_line=$(vmm_table "$1")
	echo "$VMM_PID:$(field fd "$_tgt_line"),shift=$(field page_shift "$_tgt_line"),offset=$(field bus_offset "$_tgt_line"),liobn=$(field liobn "$_tgt_line"),entries=$(field entries "$_tgt_line")"
}

# Write LIOBN's golden entries again with H_PUT_TCE_INDIRECT, one call per
# run of consecutive entries (at most 512), so the kernel fills the table.
vmm_refill() {
	golden "$1" | awk "$HEX_AWK"'
	function flush() { if (n) print "indirect " liobn " " start list; n = 0; list = "" }
	{
		liobn = kv($0, "liobn"); i = kv($0, "index") + 0
		if (n && (i != last + 1 || n == 512)) flush()
		if (!n) start = kv($0, "ioba")
		list = list " " kv($0, "tce"); n++; last = i
	}
	END { flush() }' >"$TC_DIR/refill"
	while read -r _rf_cmd; do
		# shellcheck disable=SC2086  # a command line of words
		_rf_ans=$(vmm $_rf_cmd)
		if [ "$(field rc "$_rf_ans") $(field by "$_rf_ans")" != "0 kernel" ]; then
			diag "refill of $1: '$_rf_ans'"
			return 1
		fi
	done <"$TC_DIR/refill"
}

# The description after re-creation: new fds, the golden entries again.
vmm_refresh() {
	{ vmm tables; cat "$VMM_DIR/golden"; } >"$VMM_DESC.new" && mv "$VMM_DESC.new" "$VMM_DESC"
}

tc_recreate() {
	_rc_desc=$1
	shift
	for _rc_liobn in "$@"; do
		_rc_ans=$(vmm recreate "$_rc_liobn")
		is "$(field result "$_rc_ans")" ok \
			"$_rc_desc: right after it, liobn $_rc_liobn can be re-created" ||
			diag "minivmm: $_rc_ans"
		vmm_refill "$_rc_liobn" || not_ok "$_rc_desc: refill of liobn $_rc_liobn"
	done
	vmm_refresh
}

tcx() {
	_tcx_desc=$1 _tcx_liobns=$2
	shift 2
	tc "$@"
	# shellcheck disable=SC2086  # a list of liobns
	tc_recreate "$_tcx_desc" $_tcx_liobns
}

json_rows() {
	awk '{ s = s $0 }
	END {
		gsub(/"/, "", s)
		n = split(s, part, /[{}]/)
		for (i = 1; i <= n; i++) {
			if (!index(part[i], ":") || index(part[i], "[") || index(part[i], "]"))
				continue
			m = split(part[i], kvs, ",")
			out = ""
			for (j = 1; j <= m; j++) {
				sub(/^ */, "", kvs[j]); sub(/:  */, ":", kvs[j]); sub(/:/, "=", kvs[j])
				out = out (j > 1 ? " " : "") kvs[j]
			}
			print out
		}
	}'
}

entries_csv() {
	awk -v pid="$1" -v fd="$2" -v liobn="$3" -v shift="$4" "$HEX_AWK"'
	BEGIN { ps = pow2(shift) }
	{
		t = kv($0, "tce")
		print pid "," fd "," liobn "," kv($0, "index") "," kv($0, "ioba") "," \
			wtrunc(t, ps) "," permname(wlow(t, 4)) "," t
	}'
}

entries_extents() {
	awk -v shift="$1" "$HEX_AWK"'
	function flush() { if (n) print "index=" si " ioba=" sa " gpa=" sg " pages=" n " perm=" sp; n = 0 }
	BEGIN { ps = pow2(shift) }
	{
		i = kv($0, "index") + 0; t = kv($0, "tce"); g = wtrunc(t, ps); p = permname(wlow(t, 4))
		if (!(n && i == li + 1 && p == sp && g == wadd(lg, ps))) {
			flush(); si = i; sa = kv($0, "ioba"); sg = g; sp = p
		}
		n++; li = i; lg = g
	}
	END { flush() }'
}

expand_extents() {
	awk -v shift="$1" -v fmt="$2" "$HEX_AWK"'
	BEGIN { ps = pow2(shift); if (fmt == "csv") FS = "," }
	fmt == "text" && $1 ~ /^0x.*-0x/ {
		split($1, io, "-"); split($2, ga, "-"); perm = $3; pages = $4
	}
	fmt == "csv" { io[1] = $4; io[2] = $5; ga[1] = $6; ga[2] = $7; perm = $8; pages = $9 }
	fmt == "csv" || $1 ~ /^0x.*-0x/ {
		pages += 0
		# The last addresses must agree with the first ones and the length.
		if (wadd(io[1], pages * ps - 1) != wadd(io[2], 0) || wadd(ga[1], pages * ps - 1) != wadd(ga[2], 0))
			print "inconsistent extent: " $0
		for (k = 0; k < pages; k++)
			print wadd(io[1], k * ps), wadd(ga[1], k * ps + permbits(perm))
	}'
}

maps_gpa() {
	awk -v shift="$1" -v lo="$2" -v hi="$3" "$HEX_AWK"'
	function flush() { if (n) print "index=" si " ioba=" sa " gpa=" sg " pages=" n " perm=" sp; n = 0 }
	BEGIN { ps = pow2(shift); l = hexval(lo); h = hexval(hi) }
	{
		i = kv($0, "index") + 0; t = kv($0, "tce"); p = permname(wlow(t, 4))
		g = hexval(wtrunc(t, ps))
		if (p == "-" || g > h || g + ps - 1 < l) next
		if (!(n && i == li + 1 && p == sp && g == lg + ps)) {
			flush(); si = i; sa = kv($0, "ioba"); sg = hexstr(g); sp = p
		}
		n++; li = i; lg = g
	}
	END { flush() }'
}

list_rows() {
	grep '^table ' "$VMM_DESC" | while read -r _lr_line; do
		_lr_liobn=$(field liobn "$_lr_line")
		_lr_entries=$(field entries "$_lr_line")
		# minivmm keeps QEMU-style records, so tcectl knows each table's
		# length; "rounded": what can be mapped (a VMM without records).
		[ "${1:-}" = rounded ] && _lr_entries=$(((_lr_entries + 8191) / 8192 * 8192))
		golden "$_lr_liobn" | awk -v pid="$VMM_PID" -v fd="$(field fd "$_lr_line")" \
			-v entries="$_lr_entries" "$HEX_AWK"'
		{ n[permname(wlow(kv($0, "tce"), 4))]++; mapped++ }
		END { print pid, "minivmm", fd, entries, mapped + 0, n["rw"] + 0, n["r"] + 0, n["w"] + 0, n["-"] + 0 }'
	done | sort -n -k3
}

# liobn_device LIOBN: the DEVICE tcectl names after QEMU's liobn numbering.
liobn_device() {
	case $1 in
	0x71*) echo "vio-${1#0x}" ;;
	0x800*) echo "phb$(( ($1 >> 8) & 255 ))-win$(( $1 & 1 ))" ;;
	esac
}

# What a process looks like from outside: its fds, its mappings, its state.
proc_snapshot() {
	for _ps_fd in /proc/"$1"/fd/*; do
		echo "fd ${_ps_fd##*/} $(readlink "$_ps_fd")"
	done
	cat /proc/"$1"/maps
	grep -E '^(State|TracerPid|SigPnd|ShdPnd):' /proc/"$1"/status
}
