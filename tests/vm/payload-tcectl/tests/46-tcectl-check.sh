# SPDX-License-Identifier: GPL-2.0-or-later
#
# tcectl check on minivmm's real tables: with the guest's RAM from -m on its
# command line, check finds exactly the anomalies planted after start-up
# (an entry outside RAM written by the VMM through its own mapping, a poison
# entry and an alias made by the guest's hypercalls), a second process that
# grabs a table's fd and maps it, named by pid; a clean table exits 0.
. "$PAYLOAD/lib/tcectl.sh"

tc_vmm_begin -m 64 || exit 0

vs=$(tfield vscsi fd)
pci=$(tfield pci0 fd)
ddw=$(tfield ddw16m fd)

# What start-up left: notices only (poison and write-only entries, and the
# aliases of the 16M window that maps all of the guest's memory).
tc check "$pid"
tc_rc 0 "check of minivmm after start-up exits 0 at the default severity"
diag <"$TC_OUT"
grep -v '^summary: ' "$TC_OUT" | sort >"$TC_DIR/check.before"
tc check --severity=notice "$pid"
tc_rc 1 "--severity=notice: the start-up's notices make it exit 1"
tc check --json "$pid"
check "the guest's RAM is 64M, from -m on minivmm's command line" \
	grep -q '"ram_size":67108864,"ram_source":"command line -m"' "$TC_OUT"

# A fresh table: clean.
ans=$(vmm create 0x80000301 12 0 1000)
is "$(field result "$ans")" ok "a fresh table is created"
tc check "$pid:$(field fd "$ans")"
tc_rc 0 "check of a fresh table exits 0"
is "$(cat "$TC_OUT")" "summary: 0 critical
summary: 0 warning
summary: 0 notice" "a fresh table has no finding"
vmm close 0x80000301 >/dev/null

# The planted anomalies.
vmm poke 0x71000003 100 0x8000003 >/dev/null
ans=$(vmm stuff 0x71000003 0x66000 0x5000 1)
is "$(field rc "$ans") $(field by "$ans")" "0 kernel" "H_STUFF_TCE of a poison entry: the kernel handles it"
ans=$(vmm put 0x71000003 0x70000 0x2345003)
is "$(field rc "$ans") $(field by "$ans")" "0 kernel" "H_PUT_TCE of v-scsi entry 112: the kernel handles it"
ans=$(vmm put 0x80000000 0x800000 0x2345003)
is "$(field rc "$ans") $(field by "$ans")" "0 kernel" "H_PUT_TCE of pci0 entry 2048, the same page: the kernel handles it"

tc check "$pid"
tc_rc 1 "with an entry outside RAM, check exits 1"
grep -v '^summary: ' "$TC_OUT" | sort >"$TC_DIR/check.after"
# The direct map of ddw16m entry 2 (guest 32M-48M) aliases both new pages.
is "$(diff "$TC_DIR/check.before" "$TC_DIR/check.after" | grep '^[-+][^-+]')" "$(sort <<EOF
+critical outside-ram $pid:$vs liobn 0x71000003 entries 100-100 (1) ioba 0x64000-0x64fff gpa 0x8000000-0x8000fff: guest pages past the guest's 64M of RAM (command line -m): DMA there reaches no guest RAM
+notice no-permission $pid:$vs liobn 0x71000003 entries 102-102 (1) ioba 0x66000-0x66fff gpa 0x5000-0x5fff: an address with neither read nor write permission: legal (poison), no DMA through it
+notice alias $pid:$vs liobn 0x71000003 entries 112-112 (1) ioba 0x70000-0x70fff gpa 0x2345000-0x2345fff: writable guest pages also writable through $pid:$ddw entry 2
+notice alias $pid:$pci liobn 0x80000000 entries 2048-2048 (1) ioba 0x800000-0x800fff gpa 0x2345000-0x2345fff: writable guest pages also writable through $pid:$ddw entry 2
EOF
)" "check finds exactly the planted anomalies, and nothing else changes"

# A second process grabs pci0's fd and maps it.
tcepeek "$pid" "$pci" hold both >"$TC_DIR/hold" 2>&1 &
holder=$!
# shellcheck disable=SC2016  # wait_for evaluates the string
wait_for 'grep -q "^holding both pid=$holder\$" "$TC_DIR/hold"' 100 || diag <"$TC_DIR/hold"
hfd=$(for f in /proc/$holder/fd/*; do
	[ "$(readlink "$f")" = anon_inode:kvm-spapr-tce ] && echo "${f##*/}"
done)
haddr=0x$(awk '/kvm-spapr-tce/ { split($1, a, "-"); print a[1]; exit }' "/proc/$holder/maps" | sed 's/^0*//')
reason="it can read and change the guest's DMA mappings and blocks the VMM's re-creation of the table"
for how in "target $pid" "the whole host"; do
	if [ "$how" = "the whole host" ]; then tc check; else tc check "$pid"; fi
	tc_rc 1 "check of $how with a foreign holder exits 1"
	is "$(grep '^critical foreign-holder' "$TC_OUT")" \
		"critical foreign-holder $pid:$pci liobn 0x80000000 table: pid $holder (tcepeek) holds fd $hfd of this table: $reason
critical foreign-holder $pid:$pci liobn 0x80000000 table: pid $holder (tcepeek) maps this table at $haddr: $reason" \
		"check of $how names the process holding pci0's fd and its mapping, by pid"
done
is "$(grep -c " $holder:" "$TC_OUT")" 0 "the holder's own fd of the table is not checked as a table of its own"
kill "$holder"
wait "$holder"
tc check "$pid"
is "$(grep -c foreign-holder "$TC_OUT")" 0 "once the holder is gone, no foreign holder"

vmm_end
exit 0
