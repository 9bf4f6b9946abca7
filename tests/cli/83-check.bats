#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tcectl check [--severity=LEVEL] [-q] [--json] [TARGET...]: one line per
# finding, a summary per severity; exit 0 when nothing reaches --severity
# (default warning), 1 when something does, 2 on trouble.

load test_helper
load qmp_helper

# The lines of a clean check.
clean_summary() {
	printf '%s\n' 'summary: 0 critical' 'summary: 0 warning' 'summary: 0 notice'
}

teardown() {
	[ -z "${GRAB_PID:-}" ] || kill "$GRAB_PID" 2>/dev/null || true
	stop_qmp
	stop_holder
}

holds_fd() { # PID COMM FD
	echo "pid $1 ($2) holds fd $3 of this table: it can read and change the guest's DMA mappings and blocks the VMM's re-creation of the table"
}

maps_it() { # PID COMM ADDR
	echo "pid $1 ($2) maps this table at $3: it can read and change the guest's DMA mappings and blocks the VMM's re-creation of the table"
}

@test "a clean table: the summary alone, exit 0, nothing on stderr" {
	start_holder 8K:direct -- -m 256M
	run_tcectl check "$HOLDER_PID:$FD0"
	assert_success
	assert_output "$(clean_summary)"
	[ "$stderr" = "" ]
}

@test "every per-entry finding of the mixed table, joined into runs, and the alias inside it" {
	start_holder 8K:mixed -- -name guest=vm1 -m 256M
	local t="$HOLDER_PID:$FD0" out="guest pages past the guest's 256M of RAM (command line -m): DMA there reaches no guest RAM"
	run_tcectl check "$t"
	assert_failure 1
	assert_output "$(cat <<EOF
critical outside-ram $t liobn - entries 0-6 (7) ioba 0x0-0x6fff gpa 0x10000000-0x30000fff: $out
notice write-only $t liobn - entries 6-6 (1) ioba 0x6000-0x6fff gpa 0x30000000-0x30000fff: the device may write this memory but not read it: legal, unusual
notice no-permission $t liobn - entries 8-8 (1) ioba 0x8000-0x8fff gpa 0x40000000-0x40000fff: an address with neither read nor write permission: legal (poison), no DMA through it
critical outside-ram $t liobn - entries 9-10 (2) ioba 0x9000-0xafff gpa 0x50000000-0x50002fff: $out
critical outside-ram $t liobn - entries 16-19 (4) ioba 0x10000-0x13fff gpa 0x10000000-0x10003fff: $out
critical outside-ram $t liobn - entries 8191-8191 (1) ioba 0x1fff000-0x1ffffff gpa 0x60000000-0x60000fff: $out
notice alias $t liobn - entries 16-19 (4) ioba 0x10000-0x13fff gpa 0x10000000-0x10003fff: writable guest pages also writable through $t entry 0
summary: 4 critical
summary: 0 warning
summary: 3 notice
EOF
)"
	[ "$stderr" = "" ]
}

@test "--json: a document with findings, vms, tables, errors and summary" {
	start_holder 8K:mixed -- -m 256M
	run_tcectl check --json "$HOLDER_PID:$FD0"
	assert_failure 1
	echo "$output" | jq -e --arg t "$HOLDER_PID:$FD0" --argjson pid "$HOLDER_PID" --argjson fd "$FD0" '
		keys_unsorted == ["findings","vms","tables","errors","summary"] and
		([.findings[] | .kind] == ["outside-ram","write-only","no-permission","outside-ram","outside-ram","outside-ram","alias"]) and
		(.findings[0] | keys_unsorted == ["severity","kind","table","pid","fd","liobn","vm","device","first_entry","entries",
			"ioba_first","ioba_last","gpa_first","gpa_last","ram_size","ram_source","other_table","other_entry",
			"holder_pid","holder_comm","holder_fd","holder_address","attributed","vmm_pid","reason"]) and
		.findings[0] == {severity: "critical", kind: "outside-ram", table: $t, pid: $pid, fd: $fd, liobn: null,
			vm: null, device: null, first_entry: 0, entries: 7, ioba_first: "0x0", ioba_last: "0x6fff", gpa_first: "0x10000000",
			gpa_last: "0x30000fff", ram_size: 268435456, ram_source: "command line -m", other_table: null,
			other_entry: null, holder_pid: null, holder_comm: null, holder_fd: null, holder_address: null,
			attributed: null, vmm_pid: null,
			reason: "guest pages past the guest'"'"'s 256M of RAM (command line -m): DMA there reaches no guest RAM"} and
		(.findings[6] | .severity == "notice" and .other_table == $t and .other_entry == 0 and .first_entry == 16) and
		.vms == [{pid: $pid, comm: "tce-holder", vm: null, target: $t, ram_size: 268435456, ram_source: "command line -m",
			tables: 1, aliases_complete: true}] and
		.tables == [{table: $t, pid: $pid, fd: $fd, liobn: null, critical: 4, warning: 0, notice: 3}] and
		.errors == [] and .summary == {critical: 4, warning: 0, notice: 3}'
	[ "$stderr" = "" ]
}

@test "--severity sets the exit threshold; -q prints only the findings that reach it" {
	start_holder 8K:empty -- -m 1G
	holder_cmd set 0 5 0x1000
	holder_cmd set 0 6 0x2002
	run_tcectl check "$HOLDER_PID:$FD0"
	assert_success
	assert_equal "${#lines[@]}" 5
	[[ "${lines[0]}" == "notice no-permission $HOLDER_PID:$FD0 liobn - entries 5-5 (1) "* ]]
	[[ "${lines[1]}" == "notice write-only $HOLDER_PID:$FD0 liobn - entries 6-6 (1) "* ]]
	run_tcectl check --severity=notice "$HOLDER_PID:$FD0"
	assert_failure 1
	run_tcectl check --severity critical -q "$HOLDER_PID:$FD0"
	assert_success
	assert_output "$(printf '%s\n' 'summary: 0 critical' 'summary: 0 warning' 'summary: 2 notice')"
	run_tcectl check --quiet -j "$HOLDER_PID:$FD0"
	assert_success
	echo "$output" | jq -e '.findings == [] and .summary.notice == 2'
}

@test "reserved bits for the table's page size: a warning, exit 1" {
	start_holder 8K:empty 8K:empty:16 -- -m 64G
	holder_cmd set 0 1 0x1007
	holder_cmd set 0 2 0x2007
	holder_cmd set 1 0 0x10803
	holder_cmd set 1 1 0x20003
	run_tcectl check "$HOLDER_PID:$FD0" "$HOLDER_PID:$FD1,shift=16"
	assert_failure 1
	assert_output "$(cat <<EOF
warning reserved-bits $HOLDER_PID:$FD0 liobn - entries 1-2 (2) ioba 0x1000-0x2fff gpa 0x1000-0x2fff: bits 2-11 are set; the format keeps them zero for 4K pages
warning reserved-bits $HOLDER_PID:$FD1 liobn - entries 0-0 (1) ioba 0x0-0xffff gpa 0x10000-0x1ffff: bits 2-15 are set; the format keeps them zero for 64K pages
summary: 0 critical
summary: 2 warning
summary: 0 notice
EOF
)"
}

@test "outside RAM: an extent that crosses the end of RAM is cut there" {
	start_holder 8K:direct -- -m 1M
	run_tcectl check "$HOLDER_PID:$FD0"
	assert_failure 1
	assert_output "$(printf '%s\n' "critical outside-ram $HOLDER_PID:$FD0 liobn - entries 256-8191 (7936) ioba 0x100000-0x1ffffff gpa 0x100000-0x1ffffff: guest pages past the guest's 1M of RAM (command line -m): DMA there reaches no guest RAM" \
		'summary: 1 critical' 'summary: 0 warning' 'summary: 0 notice')"
}

@test "the RAM size comes from every spelling of -m, else is estimated from mappings" {
	local m
	for m in "-m size=32M,slots=2,maxmem=8G" "-m=32" "--m 32M" "-m 32768K"; do
		# shellcheck disable=SC2086
		start_holder 8K:direct -- $m
		run_tcectl check -j "$HOLDER_PID:$FD0"
		assert_success
		echo "$output" | jq -e '.vms[0] | .ram_size == 33554432 and .ram_source == "command line -m"'
		stop_holder
	done
	start_holder 8K:direct
	run_tcectl check -j "$HOLDER_PID:$FD0"
	echo "$output" | jq -e '.vms[0].ram_source == "estimated from mappings" and .vms[0].ram_size > 0'
	echo "$output" | jq -e '[.findings[] | select(.kind == "outside-ram") | .ram_source] | all(. == "estimated from mappings")'
}

@test "two tables of one VMM writable onto the same pages: one alias finding, on the later table" {
	start_holder 8K:direct 8K:direct -- -m 1G
	holder_cmd record 0 0x80000000 12 0
	holder_cmd record 1 0x80000001 12 0
	run_tcectl_vmm "$FD0 $FD1" check "$HOLDER_PID"
	assert_success
	assert_output "$(printf '%s\n' "notice alias $HOLDER_PID:$FD1 liobn 0x80000001 entries 0-8191 (8192) ioba 0x0-0x1ffffff gpa 0x0-0x1ffffff: writable guest pages also writable through $HOLDER_PID:$FD0 entry 0" \
		'summary: 0 critical' 'summary: 0 warning' 'summary: 1 notice')"
	# Tables of separate targets are not compared.
	run_tcectl check "$HOLDER_PID:$FD0" "$HOLDER_PID:$FD1"
	assert_success
	assert_output "$(clean_summary)"
}

@test "a read-only second mapping of the same pages is no alias" {
	start_holder 8K:direct 8K:empty -- -m 1G
	holder_cmd fill 1 0 100 0x1 0x1000
	run_tcectl check "$HOLDER_PID:$FD0" "$HOLDER_PID:$FD1"
	assert_success
	assert_output "$(clean_summary)"
}

@test "a second process with the table's fd and a mapping of it: two foreign-holder findings, its comm escaped" {
	start_holder 8K:direct -- -m 256M
	TCE_HOLDER_COMM=$'gr\e]0;x\a' grab both
	run_tcectl check "$HOLDER_PID:$FD0"
	assert_failure 1
	assert_output "$(cat <<EOF
critical foreign-holder $HOLDER_PID:$FD0 liobn - table: $(holds_fd "$GRAB_PID" 'gr\x1b]0;x\x07' "$GRAB_FD")
critical foreign-holder $HOLDER_PID:$FD0 liobn - table: $(maps_it "$GRAB_PID" 'gr\x1b]0;x\x07' "$GRAB_ADDR")
summary: 2 critical
summary: 0 warning
summary: 0 notice
EOF
)"
	run_tcectl check -j "$HOLDER_PID:$FD0"
	assert_failure 1
	echo "$output" | jq -e --argjson g "$GRAB_PID" --argjson fd "$GRAB_FD" --arg a "$GRAB_ADDR" '
		[.findings[] | [.kind, .holder_pid, .holder_comm, .holder_fd, .holder_address, .attributed, .first_entry]] ==
		[["foreign-holder", $g, "gr\u001b]0;x\u0007", $fd, null, true, null],
		 ["foreign-holder", $g, "gr\u001b]0;x\u0007", null, $a, true, null]]'
}

@test "a VMM's kvm-spapr-tce table mapped by another process: attributed by its page frames" {
	start_holder 8K:direct -- -m 256M
	grab map
	run_tcectl_vmm "$FD0" check "$HOLDER_PID"
	assert_failure 1
	assert_output "$(printf '%s\n' "critical foreign-holder $HOLDER_PID:$FD0 liobn - table: $(maps_it "$GRAB_PID" tce-holder "$GRAB_ADDR")" \
		'summary: 1 critical' 'summary: 0 warning' 'summary: 0 notice')"
	[ "$stderr" = "" ]
}

@test "a kvm-spapr-tce mapping no page frame attributes: reported as possibly this table" {
	start_holder 8K:direct -- -m 256M
	grab lazy
	run_tcectl_vmm "$FD0" check "$HOLDER_PID"
	assert_failure 1
	assert_output "$(printf '%s\n' "critical foreign-holder $HOLDER_PID:$FD0 liobn - table: pid $GRAB_PID (tce-holder) maps a kvm-spapr-tce table at $GRAB_ADDR that may be this one: no page frame tells (they need root, and a page both have touched)" \
		'summary: 1 critical' 'summary: 0 warning' 'summary: 0 notice')"
	run_tcectl_vmm "$FD0" check -j "$HOLDER_PID"
	echo "$output" | jq -e '.findings[0] | .attributed == false and .holder_fd == null'
}

@test "a grabbed fd of a VMM's table: the grabber named by pid" {
	start_holder 8K:direct 8K:direct -- -m 1G
	holder_cmd record 0 0x80000000 12 0
	holder_cmd record 1 0x80000001 12 0
	grab fd "$FD1"
	run_tcectl_vmm "$FD0 $FD1" check "$HOLDER_PID"
	assert_failure 1
	assert_output "$(printf '%s\n' "critical foreign-holder $HOLDER_PID:$FD1 liobn 0x80000001 table: $(holds_fd "$GRAB_PID" tce-holder "$GRAB_FD")" \
		"notice alias $HOLDER_PID:$FD1 liobn 0x80000001 entries 0-8191 (8192) ioba 0x0-0x1ffffff gpa 0x0-0x1ffffff: writable guest pages also writable through $HOLDER_PID:$FD0 entry 0" \
		'summary: 1 critical' 'summary: 0 warning' 'summary: 1 notice')"
}

@test "with no target, check searches the host: the VMM's findings and its foreign holder" {
	start_holder 8K:mixed -- -m 256M
	grab fd
	run_tcectl_vmm "$FD0" check
	assert_failure 1
	run grep -c "^critical foreign-holder $HOLDER_PID:$FD0 liobn - table: $(holds_fd "$GRAB_PID" tce-holder "$GRAB_FD")\$" <<<"$output"
	assert_output 1
	run_tcectl_vmm "$FD0" check -j
	echo "$output" | jq -e --argjson p "$HOLDER_PID" '
		[.findings[] | select(.pid == $p) | .kind] ==
		["outside-ram","write-only","no-permission","outside-ram","outside-ram","outside-ram","foreign-holder","alias"] and
		([.vms[] | select(.pid == $p) | .target] == [null])'
}

@test "a table in two processes' fds: checked under its VMM only, the other process its foreign holder" {
	start_holder 8K:direct -- -m 1G
	grab both
	local v=$BATS_TEST_TMPDIR vmm=$HOLDER_PID
	fake_vmm_view "$FD0" "$v/h-fd" "$v/h-maps"
	HOLDER_PID=$GRAB_PID fake_vmm_view "$GRAB_FD" "$v/g-fd" "$v/g-maps"
	# Both pass for VMMs; the holder started first, so the table is its.
	both() {
		run --separate-stderr unshare --mount --propagation private -- sh -c \
			'mount --bind "$1" "/proc/$2/fd" && mount --bind "$3" "/proc/$2/maps" &&
			 mount --bind "$4" "/proc/$5/fd" && mount --bind "$6" "/proc/$5/maps" && shift 6 && exec "$@"' \
			sh "$v/h-fd" "$vmm" "$v/h-maps" "$v/g-fd" "$GRAB_PID" "$v/g-maps" "$TCECTL" check "$@"
	}
	both
	assert_failure 1
	run grep -c " $GRAB_PID:" <<<"$output"
	assert_output 0
	both "$vmm"
	assert_output "$(printf '%s\n' "critical foreign-holder $vmm:$FD0 liobn - table: $(holds_fd "$GRAB_PID" tce-holder "$GRAB_FD")" \
		"critical foreign-holder $vmm:$FD0 liobn - table: $(maps_it "$GRAB_PID" tce-holder "$GRAB_ADDR")" \
		'summary: 2 critical' 'summary: 0 warning' 'summary: 0 notice')"
	# Checked alone, the grabber's table is said to be the holder's.
	both "$GRAB_PID"
	assert_failure 1
	# (Its own RAM, estimated from its few small mappings, puts the entries outside.)
	run grep -cxF "critical foreign-holder $GRAB_PID:$GRAB_FD liobn - table: pid $GRAB_PID (tce-holder) holds fd $GRAB_FD of a table of pid $vmm, likelier its VMM: it can read and change the guest's DMA mappings and blocks their re-creation" <<<"$output"
	assert_output 1
}

@test "an emulated window: a warning about the whole table" {
	start_holder 8K:empty -- -m 1G
	holder_cmd record 0 0x71000003 12 0
	local addr
	addr=$(holder_cmd emulate 0x80000000 4096)
	run_tcectl_vmm "$FD0" check "$HOLDER_PID"
	assert_failure 1
	assert_output "$(printf '%s\n' "warning emulated $HOLDER_PID@$addr liobn 0x80000000 table: QEMU keeps this window in its own memory (the kernel refused a table): every H_PUT_TCE on it exits to QEMU" \
		'summary: 0 critical' 'summary: 1 warning' 'summary: 0 notice')"
}

@test "a checkpoint file: its entries checked, no RAM size, and a note that says so" {
	start_holder 8K:mixed -- -m 256M
	"$TCECTL" checkpoint -o "$BATS_TEST_TMPDIR/c.tce" "$HOLDER_PID:$FD0" 2>/dev/null >/dev/null
	stop_holder
	local t=$BATS_TEST_TMPDIR/c.tce:0
	run_tcectl check "$BATS_TEST_TMPDIR/c.tce"
	assert_success
	assert_output "$(cat <<EOF
notice write-only $t liobn - entries 6-6 (1) ioba 0x6000-0x6fff gpa 0x30000000-0x30000fff: the device may write this memory but not read it: legal, unusual
notice no-permission $t liobn - entries 8-8 (1) ioba 0x8000-0x8fff gpa 0x40000000-0x40000fff: an address with neither read nor write permission: legal (poison), no DMA through it
notice alias $t liobn - entries 16-19 (4) ioba 0x10000-0x13fff gpa 0x10000000-0x10003fff: writable guest pages also writable through $t entry 0
note: $BATS_TEST_TMPDIR/c.tce: a file tells no guest RAM size: outside-ram not checked
summary: 0 critical
summary: 0 warning
summary: 3 notice
EOF
)"
	run_tcectl check -j "$BATS_TEST_TMPDIR/c.tce"
	echo "$output" | jq -e '.vms[0] | .pid == null and .ram_size == null and .ram_source == null'
}

@test "as another user, the processes whose fds it may not read are counted in a warning" {
	local dir
	dir=$(mktemp -d "${TMPDIR:-/tmp}/tcectl-check.XXXXXX")
	chmod 755 "$dir"
	cp "$TCECTL" "$TCE_HOLDER" "$dir/"
	HOLDER_DIR="$dir/holder"
	mkdir "$HOLDER_DIR"
	chown 65534:65534 "$HOLDER_DIR"
	setpriv --reuid=65534 --regid=65534 --clear-groups "$dir/tce-holder" "$HOLDER_DIR" 8K:direct -- -m 1G 3>&- &
	HOLDER_PID=$!
	wait_holder_ready
	run --separate-stderr setpriv --reuid=65534 --regid=65534 --clear-groups "$dir/tcectl" check "$HOLDER_PID:$FD0"
	rm -rf "$dir"
	assert_success
	assert_output "$(clean_summary)"
	[[ "$stderr" =~ ^"tcectl: check: warning: the fds of "[1-9][0-9]*" processes could not be read: a foreign holder among them is not seen; run as root or with CAP_SYS_PTRACE"$ ]]
}

@test "bad options and targets: one line naming the fault, exit 2" {
	run_tcectl check --severity=high 1
	assert_failure 2
	[ "$stderr" = "tcectl: check: --severity takes notice, warning or critical, not 'high'" ]
	run_tcectl check --bogus
	assert_failure 2
	[ "$stderr" = "tcectl: check: unknown option '--bogus'; see 'tcectl check --help'" ]
	run_tcectl check 999999999
	assert_failure 2
	[ "$stderr" = "tcectl: check: no process with pid 999999999; check the pid with ps or tcectl list" ]
	run_tcectl check -j 999999999
	assert_failure 2
	echo "$output" | jq -e '.errors == [{target: "999999999", error: "no process with pid 999999999; check the pid with ps or tcectl list", status: 3}] and .findings == []'
}

@test "trouble with one target beats findings in another: exit 2, the findings still printed" {
	start_holder 8K:direct -- -m 1M
	run_tcectl check "$HOLDER_PID:$FD0" 999999999
	assert_failure 2
	[[ "${lines[0]}" == "critical outside-ram $HOLDER_PID:$FD0 "* ]]
	[ "$stderr" = "tcectl: check: no process with pid 999999999; check the pid with ps or tcectl list" ]
}

@test "the guest's RAM from QEMU's monitor comes before -m, and names the VM and devices" {
	qmp_setup
	vm_script
	start_qmp
	start_vm -m 256M -qmp "unix:$QMP_SOCK,server=on"
	local t="$HOLDER_PID:$FD0"
	run_tcectl_vmm "$FD0 $FD1" check "$HOLDER_PID"
	assert_failure 1
	assert_line "critical outside-ram $t liobn 0x71000003 entries 9-10 (2) ioba 0x9000-0xafff gpa 0x50000000-0x50002fff: guest pages past the guest's 512M of RAM (monitor): DMA there reaches no guest RAM"
	refute_output --partial "command line -m"
	[ "$stderr" = "" ]
	run_tcectl_vmm "$FD0 $FD1" check --json "$HOLDER_PID"
	assert_failure 1
	echo "$output" | jq -e --arg t "$t" '
		.vms[0].vm == "vm1" and .vms[0].ram_size == 536870912 and .vms[0].ram_source == "monitor" and
		([.findings[] | select(.table == $t) | .device] | unique) == ["vscsi0"] and
		([.findings[] | .vm] | unique) == ["vm1"] and .findings[0].ram_source == "monitor"'
	# --no-qmp: -m again, and the names from the records.
	run_tcectl_vmm "$FD0 $FD1" check --no-qmp --json "$HOLDER_PID"
	echo "$output" | jq -e '.vms[0].vm == null and .vms[0].ram_source == "command line -m" and
		.findings[0].device == "vio-71000003"'
}

@test "a window the monitor shows with no table or record is an emulated finding" {
	qmp_setup
	vm_script
	# A second host bridge, pci1, whose window 0 is on: no table, no record.
	sed -i 's|"child<virtio-blk-pci>"}|&, {"name": "pci1", "type": "child<spapr-pci-host-bridge>"}|' "$QMP_SCRIPT"
	reply "qom-list /machine/peripheral/pci1" '{"return": [{"name": "tce-table-80000100", "type": "child<spapr-tce-table>"}]}'
	window /machine/peripheral/pci1 80000100 0 1073741824
	start_qmp
	start_vm -m 1G -qmp "unix:$QMP_SOCK,server=on"
	local why="QEMU keeps this window in its own memory (the kernel refused a table): every H_PUT_TCE on it exits to QEMU"
	run_tcectl_vmm "$FD0 $FD1" check "$HOLDER_PID"
	assert_failure 1
	assert_equal "$(grep emulated <<<"$output")" "warning emulated $HOLDER_PID liobn 0x80000100 table: $why"
	run_tcectl_vmm "$FD0 $FD1" check --json "$HOLDER_PID"
	echo "$output" | jq -e --arg t "$HOLDER_PID" '[.findings[] | select(.kind == "emulated")] ==
		[.findings[] | select(.table == $t and .liobn == "0x80000100" and .device == "pci1" and .fd == null)]
		and ([.findings[] | select(.kind == "emulated")] | length) == 1 and .vms[0].tables == 3'
	# One table checked alone says nothing of the VMM's other windows.
	run_tcectl_vmm "$FD0 $FD1" check -q "$HOLDER_PID:$FD0"
	refute_output --partial emulated
}

@test "the monitor's windows are emulated findings even with no kernel table and no record" {
	qmp_setup
	vm_script
	start_qmp
	start_holder 8K:mixed -- -qmp "unix:$QMP_SOCK,server=on"
	local why="QEMU keeps this window in its own memory (the kernel refused a table): every H_PUT_TCE on it exits to QEMU"
	run_tcectl check "$HOLDER_PID"
	assert_failure 2
	assert_output "$(printf '%s\n' "warning emulated $HOLDER_PID liobn 0x71000003 table: $why" \
		"warning emulated $HOLDER_PID liobn 0x80000000 table: $why" \
		'summary: 0 critical' 'summary: 2 warning' 'summary: 0 notice')"
	[[ "$stderr" == "tcectl: check: pid $HOLDER_PID (tce-holder) holds no kvm-spapr-tce tables"* ]]
}

@test "a failing monitor: one warning, RAM from -m, the exit status unchanged" {
	qmp_setup
	start_holder 8K:mixed -- -m 256M -qmp "unix:$QMP_SOCK,server=on"
	run_tcectl check --no-qmp "$HOLDER_PID:$FD0"
	assert_failure 1
	local want=$output
	run_tcectl check "$HOLDER_PID:$FD0"
	assert_failure 1
	assert_equal "$output" "$want"
	assert_line --partial "(command line -m)"
	[ "$stderr" = "tcectl: check: warning: pid $HOLDER_PID: QMP socket $QMP_SOCK: no such socket; RAM size from its command line or mappings" ]
}

@test "a socket on the command line that another process serves: never connected, RAM from -m" {
	qmp_setup
	vm_script
	start_qmp_alone
	start_vm -m 256M -qmp "unix:$QMP_SOCK,server=on"
	run_tcectl_vmm "$FD0 $FD1" check --no-qmp "$HOLDER_PID"
	assert_failure 1
	local want=$output
	run_tcectl_vmm "$FD0 $FD1" check "$HOLDER_PID"
	assert_failure 1
	assert_equal "$output" "$want"
	[ "$stderr" = "tcectl: check: warning: pid $HOLDER_PID: QMP socket $QMP_SOCK: the socket on pid $HOLDER_PID's command line is not one it listens on; not connected; RAM size from its command line or mappings" ]
	[ ! -s "$QMP_LOG" ]
	# --qmp is the user's choice: asked, RAM from the monitor.
	run_tcectl_vmm "$FD0 $FD1" check --qmp "$QMP_SOCK" "$HOLDER_PID"
	assert_failure 1
	assert_output --partial "(monitor)"
	[ "$stderr" = "" ]
}

@test "a monitor that closes mid-reply: one warning, the findings and exit status of --no-qmp" {
	qmp_setup
	vm_script
	start_qmp close-after=4
	start_vm -m 256M -qmp "unix:$QMP_SOCK,server=on"
	run_tcectl_vmm "$FD0 $FD1" check --no-qmp "$HOLDER_PID"
	assert_failure 1
	local want=$output
	run_tcectl_vmm "$FD0 $FD1" check --qmp-timeout=300 "$HOLDER_PID"
	assert_failure 1
	assert_equal "$output" "$want"
	[ "$stderr" = "tcectl: check: warning: pid $HOLDER_PID: QMP socket $QMP_SOCK: the monitor closed the connection in the middle of a reply to 'qom-list'; RAM size from its command line or mappings" ]
}

@test "check's monitor options are list's" {
	start_holder 8K:direct -- -m 256M
	run_tcectl check --qmp-timeout=0 "$HOLDER_PID"
	assert_failure 2
	[ "$stderr" = "tcectl: check: invalid --qmp-timeout '0': give milliseconds, 1 to 60000" ]
	run_tcectl check --qmp=/x --no-qmp "$HOLDER_PID"
	assert_failure 2
	[ "$stderr" = "tcectl: check: --qmp and --no-qmp exclude each other" ]
}
