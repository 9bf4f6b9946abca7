#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tcectl list and QEMU's monitor (QMP): device and VM names from a fake
# monitor (tests/fixtures/qmp-server.c), found on the holder's command line
# or given with --qmp; every way a monitor can fail falls back to QEMU's
# records with one warning, exit 0, within the timeout.

load test_helper
load qmp_helper

setup() {
	qmp_setup
}

teardown() {
	stop_qmp
	stop_holder
}

COLS=TABLE,VM,LIOBN,DEVICE,DEVTYPE,DEVPATH,PCI,DEVSOURCE

# The rows with the monitor's names, and with the records' alone.
qmp_rows() {
	printf '%s\n' "TABLE VM LIOBN DEVICE DEVTYPE DEVPATH PCI DEVSOURCE" \
		"$HOLDER_PID:$FD0 vm1 0x71000003 vscsi0 spapr-vscsi /machine/peripheral/vscsi0  qmp" \
		"$HOLDER_PID:$FD1 vm1 0x80000000 spapr-pci-host-bridge,index=0 spapr-pci-host-bridge /machine/unattached/device[0] disk0,virtio-net-pci qmp"
}
record_rows() {	# VM
	printf '%s\n' "TABLE VM LIOBN DEVICE DEVTYPE DEVPATH PCI DEVSOURCE" \
		"$HOLDER_PID:$FD0 $1 0x71000003 vio-71000003    records" \
		"$HOLDER_PID:$FD1 $1 0x80000000 phb0-win0    records"
}

# The commands tcectl sent, one a line, without arguments.
sent_commands() {
	sed -n 's/^{"execute":"\([^"]*\)".*/\1/p' "$QMP_LOG" | sort -u
}

@test "device and VM names from the monitor on the VMM's command line" {
	vm_script
	start_qmp
	start_vm -name guest=other -qmp "unix:$QMP_SOCK,server=on,wait=off"
	run_tcectl_vmm "$FD0 $FD1" list -r -o "$COLS" "$HOLDER_PID"
	assert_success
	assert_output "$(qmp_rows)"
	[ "$stderr" = "" ]
	# Read-only: nothing outside the allow-list was sent, and one connection.
	assert_equal "$(sent_commands)" "$(printf '%s\n' qmp_capabilities qom-get qom-list query-memory-size-summary query-name)"
	assert_equal "$(grep -c '^connect$' "$QMP_LOG")" 1
}

@test "--qmp PATH names the socket; JSON has device, device_type, device_path, pci_devices and vm" {
	vm_script
	# The user's choice: no check of who listens on it.
	start_qmp_alone
	start_vm -name vm-from-cmdline
	run_tcectl_vmm "$FD0 $FD1" list --json -o TABLE,VM,DEVICE,DEVTYPE,DEVPATH,PCI,DEVSOURCE \
		--qmp "$QMP_SOCK" "$HOLDER_PID"
	assert_success
	[ "$stderr" = "" ]
	echo "$output" | jq -e --arg t0 "$HOLDER_PID:$FD0" --arg t1 "$HOLDER_PID:$FD1" '. == [
		{table: $t0, vm: "vm1", device: "vscsi0", device_type: "spapr-vscsi",
		 device_path: "/machine/peripheral/vscsi0", pci_devices: [], device_source: "qmp"},
		{table: $t1, vm: "vm1", device: "spapr-pci-host-bridge,index=0",
		 device_type: "spapr-pci-host-bridge", device_path: "/machine/unattached/device[0]",
		 pci_devices: ["disk0", "virtio-net-pci"], device_source: "qmp"}]'
}

@test "-chardev socket with -mon mode=control, events between replies, pretty replies" {
	vm_script
	start_qmp events pretty
	start_vm -mon chardev=hmp,mode=readline -chardev "socket,id=hmp,path=$QMP_DIR/none.sock,server=on" \
		-mon chardev=mon0,mode=control -chardev "socket,id=mon0,path=$QMP_SOCK,server=on,wait=off"
	run_tcectl_vmm "$FD0 $FD1" list -r -o "$COLS" "$HOLDER_PID"
	assert_success
	[ "$stderr" = "" ]
	assert_output "$(qmp_rows)"
}

@test "a relative socket path is taken from the VMM's working directory" {
	vm_script
	HOLDER_DIR=$(mktemp -d "$BATS_TEST_TMPDIR/holder.XXXXXX")
	# Bound as given, relative: the kernel shows it so, and tcectl matches it.
	(cd "$QMP_DIR" && exec "$QMP_SERVER" qmp.sock "$QMP_LOG" "$QMP_SCRIPT" --exec \
		"$TCE_HOLDER" "$HOLDER_DIR" 64K:mixed 8K:direct -- -qmp unix:qmp.sock,server) 3>&- &
	HOLDER_PID=$!
	wait_holder_ready
	holder_cmd record 0 0x71000003 12 0
	holder_cmd record 1 0x80000000 12 0
	run_tcectl_vmm "$FD0 $FD1" list -r -o "$COLS" "$HOLDER_PID"
	assert_success
	assert_output "$(qmp_rows)"
}

@test "--no-qmp never connects: names from the records, the VM from -name" {
	vm_script
	start_qmp
	start_vm -name guest=vm7,debug-threads=on -qmp "unix:$QMP_SOCK,server=on"
	run_tcectl_vmm "$FD0 $FD1" list -r -o "$COLS" --no-qmp "$HOLDER_PID"
	assert_success
	assert_output "$(record_rows vm7)"
	[ "$stderr" = "" ]
	[ ! -s "$QMP_LOG" ]
}

@test "libvirt's monitor (charmonitor) is never connected to" {
	vm_script
	start_qmp
	start_vm -name guest=dom1 -chardev "socket,id=charmonitor,path=$QMP_SOCK,server=on,wait=off" \
		-mon chardev=charmonitor,id=monitor,mode=control
	run_tcectl_vmm "$FD0 $FD1" list -r -o "$COLS" "$HOLDER_PID"
	assert_success
	assert_output "$(record_rows dom1)"
	[ "$stderr" = "" ]
	[ ! -s "$QMP_LOG" ]
}

# misbehaving WARNING BEHAVIOUR...: list falls back to the records with
# that warning, exit 0, within the 300 ms it is given (and well under 2 s).
misbehaving() {
	local warning=$1 start end
	shift
	start_qmp "$@"
	start_vm -name guest=vm2 -qmp "unix:$QMP_SOCK,server=on"
	start=$(date +%s%N)
	run_tcectl_vmm "$FD0 $FD1" list -r -o "$COLS" --qmp-timeout=300 "$HOLDER_PID"
	end=$(date +%s%N)
	assert_success
	assert_output "$(record_rows vm2)"
	[ "$stderr" = "tcectl: list: warning: pid $HOLDER_PID: QMP socket $QMP_SOCK: $warning; device names from QEMU's records" ]
	(( (end - start) / 1000000 < 2000 ))
}

@test "a monitor that never greets (another client holds it): a warning after the timeout" {
	vm_script
	misbehaving "no greeting within 300 ms (another client may hold the monitor: QEMU serves one at a time)" silent
}

@test "a monitor that closes mid-reply" {
	vm_script
	misbehaving "the monitor closed the connection in the middle of a reply to 'qom-list'" close-after=4
}

@test "a monitor that sends garbage" {
	vm_script
	misbehaving "not a QMP monitor: a greeting is not JSON (unexpected character)" garbage
}

@test "an error reply" {
	vm_script
	sed -i '/^query-memory-size-summary/d' "$QMP_SCRIPT"
	misbehaving "'query-memory-size-summary' failed: GenericError: no reply scripted for 'query-memory-size-summary'"
}

@test "a reply larger than 1 MiB" {
	vm_script
	misbehaving "a reply to 'query-name' is larger than 1048576 bytes" huge
}

@test "no socket, and a socket nobody listens on" {
	start_vm -name guest=vm2 -qmp "unix:$QMP_SOCK,server=on"
	run_tcectl_vmm "$FD0 $FD1" list -r -o "$COLS" "$HOLDER_PID"
	assert_success
	assert_output "$(record_rows vm2)"
	[ "$stderr" = "tcectl: list: warning: pid $HOLDER_PID: QMP socket $QMP_SOCK: no such socket; device names from QEMU's records" ]
	vm_script
	start_qmp_alone
	stop_qmp
	[ -S "$QMP_SOCK" ]
	run_tcectl_vmm "$FD0 $FD1" list -r -o "$COLS" "$HOLDER_PID"
	assert_success
	assert_output "$(record_rows vm2)"
	[ "$stderr" = "tcectl: list: warning: pid $HOLDER_PID: QMP socket $QMP_SOCK: the socket on pid $HOLDER_PID's command line is not one it listens on; not connected; device names from QEMU's records" ]
	# --qmp is the user's choice: connected, and refused.
	run_tcectl_vmm "$FD0 $FD1" list -r -o "$COLS" --qmp "$QMP_SOCK" "$HOLDER_PID"
	assert_success
	[ "$stderr" = "tcectl: list: warning: pid $HOLDER_PID: QMP socket $QMP_SOCK: connection refused (nothing listens on it); device names from QEMU's records" ]
}

@test "a socket on the command line that another process serves is never connected to" {
	vm_script
	start_qmp_alone
	start_vm -name guest=vm2 -qmp "unix:$QMP_SOCK,server=on"
	run_tcectl_vmm "$FD0 $FD1" list -r -o "$COLS" "$HOLDER_PID"
	assert_success
	assert_output "$(record_rows vm2)"
	[ "$stderr" = "tcectl: list: warning: pid $HOLDER_PID: QMP socket $QMP_SOCK: the socket on pid $HOLDER_PID's command line is not one it listens on; not connected; device names from QEMU's records" ]
	[ ! -s "$QMP_LOG" ]
	# A regular file at that path: not a socket.
	stop_qmp
	rm "$QMP_SOCK"
	: >"$QMP_SOCK"
	run_tcectl_vmm "$FD0 $FD1" list -r -o "$COLS" "$HOLDER_PID"
	assert_success
	assert_output "$(record_rows vm2)"
	[ "$stderr" = "tcectl: list: warning: pid $HOLDER_PID: QMP socket $QMP_SOCK: not a socket; device names from QEMU's records" ]
}

@test "the VMM listens at the path, but another process's socket is there now: not connected" {
	vm_script
	start_qmp
	start_vm -name guest=vm2 -qmp "unix:$QMP_SOCK,server=on"
	# The holder's socket stays bound at the path in net/unix; the file is another's.
	rm "$QMP_SOCK"
	HOLDER_VIA=()
	start_qmp_alone
	run_tcectl_vmm "$FD0 $FD1" list -r -o "$COLS" "$HOLDER_PID"
	assert_success
	assert_output "$(record_rows vm2)"
	[ "$stderr" = "tcectl: list: warning: pid $HOLDER_PID: QMP socket $QMP_SOCK: the socket on pid $HOLDER_PID's command line is not one it listens on; not connected; device names from QEMU's records" ]
	[ ! -s "$QMP_LOG" ]
}

@test "a window the monitor shows with no kernel table and no record is listed as emulated" {
	vm_script
	# A second host bridge, pci1, whose window 0 is on: no table, no record.
	sed -i 's|"child<virtio-blk-pci>"}|&, {"name": "pci1", "type": "child<spapr-pci-host-bridge>"}|' "$QMP_SCRIPT"
	reply "qom-list /machine/peripheral/pci1" '{"return": [{"name": "tce-table-80000100", "type": "child<spapr-tce-table>"}]}'
	window /machine/peripheral/pci1 80000100 0 1073741824
	start_qmp
	start_vm -qmp "unix:$QMP_SOCK,server=on"
	run_tcectl_vmm "$FD0 $FD1" list -r -o TABLE,LIOBN,DEVICE,TYPE,SOURCE,VIA,ENTRIES,MAPPED,PAGESIZE,OFFSET,WINDOW,EMULATED "$HOLDER_PID"
	assert_success
	assert_output "$(printf '%s\n' "TABLE LIOBN DEVICE TYPE SOURCE VIA ENTRIES MAPPED PAGESIZE OFFSET WINDOW EMULATED" \
		"$HOLDER_PID:$FD0 0x71000003 vscsi0 kvm qemu mapping 65536 15 4K 0x0 256M no" \
		"$HOLDER_PID:$FD1 0x80000000 spapr-pci-host-bridge,index=0 kvm qemu mapping 8192 8192 4K 0x0 32M no" \
		"$HOLDER_PID 0x80000100 pci1 emulated qmp qmp    0x0 1G yes")"
	[ "$stderr" = "tcectl: list: warning: pid $HOLDER_PID: QEMU's monitor shows the window of liobn 0x80000100 (pci1) but no kernel table or record has it: QEMU emulates that table, whose entries tcectl cannot read" ]
	run_tcectl_vmm "$FD0 $FD1" list --json -o TABLE,LIOBN,TYPE,ENTRIES,MAPPED,WINDOW "$HOLDER_PID"
	echo "$output" | jq -e --arg t "$HOLDER_PID" '.[2] == {table: $t, liobn: "0x80000100", type: "emulated",
		entries: null, mapped: null, window_size: 1073741824}'
	# Listed alone, one table says nothing of the VMM's other windows.
	run_tcectl_vmm "$FD0 $FD1" list -r -n -o TABLE,LIOBN,DEVICE "$HOLDER_PID:$FD0"
	assert_success
	assert_output "$HOLDER_PID:$FD0 0x71000003 vscsi0"
	[ "$stderr" = "" ]
}

@test "the cross-check needs no record: a VMM with no kernel table still shows its windows" {
	vm_script
	start_qmp
	start_holder 8K:mixed -- -qmp "unix:$QMP_SOCK,server=on"
	# No fd shown as a kernel table and no record: only the monitor knows the windows.
	run_tcectl list -r -o TABLE,VM,LIOBN,DEVICE,TYPE,VIA,WINDOW "$HOLDER_PID"
	assert_failure 3
	assert_output "$(printf '%s\n' "TABLE VM LIOBN DEVICE TYPE VIA WINDOW" \
		"$HOLDER_PID vm1 0x71000003 vscsi0 emulated qmp 256M" \
		"$HOLDER_PID vm1 0x80000000 spapr-pci-host-bridge,index=0 emulated qmp 1G")"
	[ "${#stderr_lines[@]}" -eq 3 ]
	[[ "${stderr_lines[0]}" == "tcectl: list: pid $HOLDER_PID (tce-holder) holds no kvm-spapr-tce tables"* ]]
}

@test "hostile names from the monitor are escaped in text and valid JSON" {
	vm_script $'evil\\u001b[31m\\nid'
	sed -i 's|{"name": "vm1"}|{"name": "vm\\u001b]0;x\\u0007\\u00e9"}|' "$QMP_SCRIPT"
	start_qmp
	start_vm -qmp "unix:$QMP_SOCK,server=on"
	run_tcectl_vmm "$FD0 $FD1" list -n -o DEVICE,VM "$HOLDER_PID"
	assert_success
	[ "${#lines[@]}" -eq 2 ]
	[[ "${lines[0]}" == 'evil\x1b[31m\x0aid '*' vm\x1b]0;x\x07é' ]]
	run_tcectl_vmm "$FD0 $FD1" list --json -o VM,DEVICE "$HOLDER_PID"
	assert_success
	echo "$output" | jq -e '.[0] == {vm: "vm\u001b]0;x\u0007é", device: "evil\u001b[31m\nid"}'
}

@test "a name that is not UTF-8: \\xHH in text, U+FFFD in JSON" {
	vm_script
	sed -i 's|{"name": "vm1"}|{"name": "vm\xff1"}|' "$QMP_SCRIPT"
	start_qmp
	start_vm -qmp "unix:$QMP_SOCK,server=on"
	run_tcectl_vmm "$FD0 $FD1" list -n -o VM "$HOLDER_PID:$FD0"
	assert_success
	assert_output 'vm\xff1'
	run_tcectl_vmm "$FD0 $FD1" list --json -o VM "$HOLDER_PID:$FD0"
	assert_success
	echo "$output" | jq -e '. == [{vm: "vm\ufffd1"}]'
}

@test "bad --qmp, --no-qmp and --qmp-timeout values" {
	start_holder 8K:mixed
	local bad
	for bad in 0 60001 -5 abc 10ms ""; do
		run_tcectl list --qmp-timeout="$bad" "$HOLDER_PID"
		assert_failure 2
		[ "$stderr" = "tcectl: list: invalid --qmp-timeout '$bad': give milliseconds, 1 to 60000" ]
	done
	run_tcectl list --qmp=/x --no-qmp "$HOLDER_PID"
	assert_failure 2
	[ "$stderr" = "tcectl: list: --qmp and --no-qmp exclude each other" ]
	run_tcectl list --qmp= "$HOLDER_PID"
	assert_failure 2
	[ "$stderr" = "tcectl: list: --qmp needs the path of a unix socket" ]
	run_tcectl list --qmp=/x "$HOLDER_PID" "$$"
	assert_failure 2
	[ "$stderr" = "tcectl: list: --qmp names one VMM's monitor, but the targets are 2 processes; give tables of one" ]
}

@test "with no target the VM column is shown after COMM" {
	vm_script
	start_qmp
	start_vm -qmp "unix:$QMP_SOCK,server=on"
	run_tcectl_vmm "$FD0 $FD1" list -r
	assert_success
	assert_equal "${lines[0]}" "TABLE COMM VM LIOBN DEVICE ENTRIES MAPPED RW R W PAGESIZE OFFSET SOURCE"
	assert_equal "${lines[1]}" "$HOLDER_PID:$FD0 tce-holder vm1 0x71000003 vscsi0 65536 15 11 2 1 4K 0x0 qemu"
}
