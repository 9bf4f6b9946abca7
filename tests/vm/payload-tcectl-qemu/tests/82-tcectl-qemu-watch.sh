# SPDX-License-Identifier: GPL-2.0-or-later
#
# tcectl watch on a real QEMU guest (check.sh -Q), host-wide, in a
# 160x40 terminal (tmux).  With the guest frozen, the screen shows one row
# per table QEMU holds, under QEMU's -name, with the labels tcectl found in
# QEMU's records: each row's table, liobn, device, page size and window are
# what QEMU itself says (trace and QOM, lib/qemu-tables.sh), and agree with
# tcectl list; the entries in use are what tcepeek counts, the permissions
# and extents what tcectl list counts; the header counts one VM, its
# tables, their entries and those in use; no entry changes, at 0 a second.
# Then the guest runs on and watch follows it; q ends watch with status 0
# and the terminal as it was.
# The screens are printed (as "@@ watch" lines) for the record.
. "$PAYLOAD/lib/watch.sh"

tc_need_qemu "tcectl watch on a real QEMU guest" || exit 0
. "$PAYLOAD/lib/qemu-tables.sh"

name=watched-guest
# shellcheck disable=SC2034  # read by qemu_guest_start
QG_TRACE=$QG_TRACE_TABLES
if ! qemu_guest_start -name "$name"; then
	not_ok "QEMU boots a KVM guest with v-scsi and virtio-pci disks"
	exit 0
fi
ok "QEMU boots a KVM guest with v-scsi and virtio-pci disks"
qpid=$QG_PID

# 4096 -> 4K, as tcectl writes sizes: the largest unit that divides them.
size_text() {
	_st_n=$1 _st_u=""
	for _st_next in K M G T P E; do
		if [ "$_st_n" -lt 1024 ] || [ $((_st_n % 1024)) -ne 0 ]; then break; fi
		_st_n=$((_st_n / 1024)) _st_u=$_st_next
	done
	echo "$_st_n$_st_u"
}

# QEMU's word on its tables (through QMP: before it is frozen).
qt_tables >"$TC_DIR/oracle"
diag <"$TC_DIR/oracle"
# Frozen, so that every reader sees the same entries.
kill -STOP "$qpid"
tc list --raw -n -o TABLE,LIOBN,DEVICE,RW,R,W,EXTENTS "$qpid"
tc_rc 0 "list QEMU_PID exits 0"
cp "$TC_OUT" "$TC_DIR/list"
want=$(while read -r line; do
	fd=$(field fd "$line") liobn=$(field liobn "$line") shift=$(field shift "$line")
	entries=$(field entries "$line")
	mapped=$(field nonzero "$(tcepeek "$qpid" "$fd" scan)")
	# shellcheck disable=SC2046  # the words of list's row
	set -- $(grep "^$qpid:$fd " "$TC_DIR/list")
	use=$(awk -v m="$mapped" -v e="$entries" 'BEGIN { printf "%.1f%%", 100 * m / e }')
	echo "state=. vm=$name table=$qpid:$fd liobn=$liobn device=$(field device "$line")" \
		"page=$(size_text $((1 << shift))) window=$(size_text $((entries << shift)))" \
		"mapped=$mapped rw=$4 r=$5 w=$6 extents=$7 map_s=0 unmap_s=0 chg_s=0 use=$use"
done <"$TC_DIR/oracle" | sort)
is "$(awk '{ print $1, $2, $3 }' "$TC_DIR/list" | sort)" \
	"$(while read -r line; do echo "$qpid:$(field fd "$line") $(field liobn "$line") $(field device "$line")"; done <"$TC_DIR/oracle" | sort)" \
	"list names each table as QEMU does: liobn and device"

if watch_start q -d 1; then
	ok "watch (host-wide) shows QEMU's tables"
	term_keys q p
	watch_step q
	is "$(watch_rows q | sort)" "$want" \
		"watch: a row per table of QEMU, with its VM name, the liobn and device QEMU gives, page size, window, entries in use (tcepeek), permissions and extents (list), no change per second"
	ntables=$(grep -c . "$TC_DIR/oracle")
	entries=$(awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^entries=/) n += substr($i, 9) } END { print n }' "$TC_DIR/oracle")
	mapped=$(echo "$want" | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^mapped=/) n += substr($i, 8) } END { print n }')
	is "$(term_screen q | sed -n 2p | sed 's/;.*//')" "1 VM, $ntables tables, $entries entries, $mapped mapped" \
		"watch: the header counts QEMU as one VM, its $ntables tables, their entries and those in use"
	is "$(term_screen q | sed -n '1s/ - [0-9:]* - / - TIME - /p')" \
		"tcectl watch - $(hostname) - TIME - every 1s - refresh $(watch_refresh_no q)  PAUSED" \
		"watch: the title names the host, the interval, the refresh and the pause"
	term_screen q | grep . | sed 's/^/@@ watch frozen | /'

	# The guest runs on: watch follows it.
	kill -CONT "$qpid"
	paused_at=$(watch_refresh_no q)
	term_keys q p
	# shellcheck disable=SC2016  # wait_for evaluates the string
	wait_for '[ "$(watch_refresh_no q)" -ge $((paused_at + 2)) ]' 100
	check "watch refreshes on while the guest runs" [ "$(watch_refresh_no q)" -ge $((paused_at + 2)) ]
	is "$(watch_rows q | sed 's/.* table=\([^ ]*\) liobn=\([^ ]*\) .*/\1 \2/' | sort)" \
		"$(echo "$want" | sed 's/.* table=\([^ ]*\) liobn=\([^ ]*\) .*/\1 \2/' | sort)" \
		"watch: the same tables while the guest runs"
	term_screen q | grep . | sed 's/^/@@ watch running | /'
	term_keys q q
	term_wait_exit q 100
	is "$(term_rc q)" 0 "watch: q ends it with status 0"
	is "$(term_stderr q)" "" "watch writes nothing to stderr"
	is "$(term_stty q after)" "$(term_stty q before)" "watch: the terminal's settings are restored"
else
	not_ok "watch (host-wide) shows QEMU's tables"
	kill -CONT "$qpid"
fi
term_end

qemu_guest_end
exit 0
