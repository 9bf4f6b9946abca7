# SPDX-License-Identifier: GPL-2.0-or-later
#
# Helpers for the tests of tcectl checkpoint, diff and restore against
# minivmm's real tables; sourced (brings tcectl.sh along).
#
#   ck_start [ARG...]         minivmm started (with ARGs), its start-up entries
#                             the model and the saved copy "checkpoint";
#                             $pid is its pid; fails after a not_ok
#   ck_checkpoint_all FILE    checkpoint of the four tables, each labelled
#                             with its geometry and liobn, then tc_recreate
#
# The model: $VMM_DIR/golden ("entry liobn= index= ioba= tce=" lines, what
# vmm_save_golden saved) is kept equal to what the tables must hold now.
# Every hypercall a test asks of the guest updates it, so tc_recreate and
# tcx (tcectl.sh) refill a re-created table with what it held, and the
# guest's reads are compared with it.
#
#   guest DESC CMD LIOBN IOBA ARG...  a put, stuff or indirect hypercall the
#                             kernel must handle (rc=0 by=kernel); the model
#                             follows it and its IOBAs are remembered
#   guest_sees DESC LIOBN     the guest reads (H_GET_TCE) every entry the
#                             model holds for LIOBN and every IOBA a guest
#                             command ever touched there: each one exactly
#                             the model's value (0 where the model has none)
#   model_verify DESC NAME    every entry of table NAME, zeros included, is
#                             the model's (tcepeek, an independent reader)
#   model_save TAG            keep a copy of the model
#   model_take TAG LIOBN      the model of LIOBN becomes the copy's
#   model_count LIOBN         the model's entries of LIOBN
#   model_empty LIOBN         the model of LIOBN becomes empty (a cleared or
#                             re-created table); its IOBAs count as touched
#   holders                   pids, other than minivmm's, with a fd or a
#                             mapping of any kvm-spapr-tce table
#   no_holders DESC           check that there are none, right after a command
#   vmm_state                 minivmm's state letter in /proc/PID/stat
#   watch_vmm PID             until process PID (a background tcectl) exits,
#                             sample minivmm's state: $WATCH_STATES gets the
#                             letters seen, $WATCH_POLLS how many samples
#   tc_watched ARG...         tc ARG... in the background, watched with
#                             watch_vmm; $TC_MS is how long it took
#   ms_now                    milliseconds since boot (/proc/uptime)
#   tc_stderr                 $TC_ERR as one string
#   count N NOUN              "1 entry", "2 entries", "1 table", "4 tables"

. "$PAYLOAD/lib/tcectl.sh"

ck_start() {
	tc_vmm_begin "$@" || return 1
	model_save checkpoint
}

ck_checkpoint_all() {
	# shellcheck disable=SC2046  # one target per table
	tcx "checkpoint of the four tables" "$(all_liobns)" checkpoint -o "$1" \
		$(tgt vscsi) $(tgt pci0) $(tgt ddw64k) $(tgt ddw16m)
}

ck_geo() {
	_cg_line=$(grep "^table .* liobn=$1 " "$VMM_DESC")
	CK_SHIFT=$(field page_shift "$_cg_line")
	CK_OFF=$(($(field bus_offset "$_cg_line")))
}

ck_hex() {
	printf '0x%x' "$1"
}

model_set() {
	_ms_liobn=$1 _ms_index=$2 _ms_tce=$(ck_hex $(($3)))
	ck_geo "$_ms_liobn"
	_ms_ioba=$(ck_hex $((CK_OFF + (_ms_index << CK_SHIFT))))
	grep -v "^entry liobn=$_ms_liobn index=$_ms_index " "$VMM_DIR/golden" >"$VMM_DIR/golden.new"
	[ "$_ms_tce" = 0x0 ] ||
		echo "entry liobn=$_ms_liobn index=$_ms_index ioba=$_ms_ioba tce=$_ms_tce" >>"$VMM_DIR/golden.new"
	mv "$VMM_DIR/golden.new" "$VMM_DIR/golden"
	grep -qx "$_ms_liobn $_ms_ioba" "$VMM_DIR/touched" 2>/dev/null ||
		echo "$_ms_liobn $_ms_ioba" >>"$VMM_DIR/touched"
}

guest() {
	_gu_desc=$1
	shift
	_gu_ans=$(vmm "$@")
	is "$(field rc "$_gu_ans") $(field by "$_gu_ans")" "0 kernel" "$_gu_desc: the kernel handles it" ||
		{ diag "minivmm: $_gu_ans"; return 1; }
	_gu_cmd=$1 _gu_liobn=$2
	ck_geo "$_gu_liobn"
	_gu_index=$((($3 - CK_OFF) >> CK_SHIFT))
	shift 3
	case $_gu_cmd in
	put) model_set "$_gu_liobn" "$_gu_index" "$1" ;;
	stuff)
		_gu_k=0
		while [ "$_gu_k" -lt "$2" ]; do
			model_set "$_gu_liobn" $((_gu_index + _gu_k)) "$1"
			_gu_k=$((_gu_k + 1))
		done
		;;
	indirect)
		for _gu_tce in "$@"; do
			model_set "$_gu_liobn" "$_gu_index" "$_gu_tce"
			_gu_index=$((_gu_index + 1))
		done
		;;
	esac
}

guest_sees() {
	_gs_desc=$1 _gs_liobn=$2
	# The model's value where it has one, else 0.
	{
		golden "$2" | awk '{ print substr($4, 6), substr($5, 5) }'
		sed -n "s/^$2 \(.*\)/\1 0x0/p" "$VMM_DIR/touched" 2>/dev/null
	} | awk '!($1 in v) { v[$1] = $2 } END { for (a in v) print a, "tce=" v[a], "rc=0", "by=kernel" }' |
		sort >"$TC_DIR/sees.want"
	# "get liobn=.. ioba=.. rc=.. by=.. tce=..": fields 6, 4 and 5.  Not
	# the ioba= it prints: on the emulated host minivmm sometimes prints 0x0
	# there (a register of its own lost across KVM_RUN), the call is right.
	# One answer line per IOBA, paired with it by line number (no fork per call).
	while read -r _gs_ioba _gs_rest; do
		vmm get "$_gs_liobn" "$_gs_ioba"
	done <"$TC_DIR/sees.want" >"$TC_DIR/sees.answers"
	awk 'NR == FNR { ioba[FNR] = $1; next } { print ioba[FNR], $6, $4, $5 }' \
		"$TC_DIR/sees.want" "$TC_DIR/sees.answers" >"$TC_DIR/sees.got"
	_gs_diff=$(diff "$TC_DIR/sees.want" "$TC_DIR/sees.got" | grep '^[-+][^-+]' | head -n 20)
	is "$_gs_diff" "" "$_gs_desc: the guest reads (H_GET_TCE) exactly the expected value at each of the $(wc -l <"$TC_DIR/sees.want") IOBAs"
}

model_verify() {
	_mv_line=$(vmm_table "$2")
	_mv_out=$(golden "$(field liobn "$_mv_line")" |
		tcepeek "$VMM_PID" "$(field fd "$_mv_line")" verify "$(field entries "$_mv_line")")
	is "$?" 0 "$1: every entry of $2 holds what it should, zeros included (tcepeek)" ||
		printf '%s\n' "$_mv_out" | diag
}

model_save() {
	cp "$VMM_DIR/golden" "$VMM_DIR/golden.$1"
}

model_take() {
	{ grep -v "^entry liobn=$2 " "$VMM_DIR/golden"; grep "^entry liobn=$2 " "$VMM_DIR/golden.$1"; } \
		>"$VMM_DIR/golden.new"
	mv "$VMM_DIR/golden.new" "$VMM_DIR/golden"
}

model_count() {
	golden "$1" | wc -l
}

model_empty() {
	{ cat "$VMM_DIR/touched" 2>/dev/null; golden "$1" | awk '{ print substr($2, 7), substr($4, 6) }'; } |
		sort -u >"$VMM_DIR/touched.new"
	mv "$VMM_DIR/touched.new" "$VMM_DIR/touched"
	grep -v "^entry liobn=$1 " "$VMM_DIR/golden" >"$VMM_DIR/golden.new"
	mv "$VMM_DIR/golden.new" "$VMM_DIR/golden"
}

holders() {
	# One grep over every maps file and one ls over every fd directory:
	# a fork per process would cost seconds on the emulated CPU.
	{
		grep -l kvm-spapr-tce /proc/[0-9]*/maps 2>/dev/null | sed 's,^/proc/\([0-9]*\)/maps$,\1,'
		ls -l /proc/[0-9]*/fd 2>/dev/null |
			awk '/^\/proc\/[0-9]+\/fd:$/ { split($0, p, "/"); pid = p[3] } /kvm-spapr-tce/ { print pid }'
	} | sort -u | while read -r _ho_pid; do
		[ "$_ho_pid" = "$VMM_PID" ] || echo "$_ho_pid $(cat "/proc/$_ho_pid/comm" 2>/dev/null)"
	done
}

no_holders() {
	is "$(holders)" "" "$1: right after it, no process but minivmm has a fd or mapping of a TCE table"
}

vmm_state() {
	read -r _vs_line <"/proc/$VMM_PID/stat"
	# shellcheck disable=SC2086  # the fields of the stat line
	set -- $_vs_line
	echo "$3"
}

# Builtins only, so the sampling loop never forks.
watch_vmm() {
	WATCH_STATES="" WATCH_POLLS=0
	while read -r _wv_line 2>/dev/null <"/proc/$1/stat"; do
		case $_wv_line in *") Z "*) break ;; esac
		read -r _wv_line <"/proc/$VMM_PID/stat"
		# shellcheck disable=SC2086  # the fields of the stat line
		set -- "$1" $_wv_line
		case $WATCH_STATES in *"$4"*) ;; *) WATCH_STATES=$WATCH_STATES$4 ;; esac
		WATCH_POLLS=$((WATCH_POLLS + 1))
	done
}

tc_watched() {
	_tw_t0=$(ms_now)
	tcectl "$@" >"$TC_OUT" 2>"$TC_ERR" &
	_tw_pid=$!
	watch_vmm "$_tw_pid"
	wait "$_tw_pid"
	# shellcheck disable=SC2034  # read by the tests
	TC_RC=$?
	# shellcheck disable=SC2034  # read by the tests
	TC_MS=$(($(ms_now) - _tw_t0))
}

ms_now() {
	read -r _mn_up _mn_idle </proc/uptime
	_mn_s=${_mn_up%.*} _mn_c=${_mn_up#*.}
	echo $((_mn_s * 1000 + ${_mn_c#0} * 10))
}

tc_stderr() {
	cat "$TC_ERR"
}

count() {
	case $1:$2 in
	1:*) echo "1 $2" ;;
	*:entry) echo "$1 entries" ;;
	*) echo "$1 $2s" ;;
	esac
}
