#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# vm:NAME targets: the one process whose command line gives QEMU's
# -name NAME or -name guest=NAME (or the QEMU of the running libvirt domain
# NAME, from $TCECTL_LIBVIRT_DIR/NAME.xml), read by every verb as its PID.
# The holder's arguments after -- stand in its command line.

load test_helper

setup() {
	# Test files run side by side: every name a test gives is its own.
	U=-t$$
	LIBVIRT_DIR="$BATS_TEST_TMPDIR/libvirt"
	mkdir -p "$LIBVIRT_DIR"
	export TCECTL_LIBVIRT_DIR=$LIBVIRT_DIR
	OTHER_PIDS=()
	OUT="$BATS_TEST_TMPDIR/out"
	mkdir -p "$OUT"
}

teardown() {
	local pid
	for pid in "${OTHER_PIDS[@]}"; do
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	stop_holder
}

# start_other SPEC... : one more holder, its pid appended to OTHER_PIDS and in OTHER_PID.
start_other() {
	local dir
	dir=$(mktemp -d "$BATS_TEST_TMPDIR/other.XXXXXX")
	"$TCE_HOLDER" "$dir" "$@" 3>&- &
	OTHER_PID=$!
	OTHER_PIDS+=("$OTHER_PID")
	local _
	for _ in $(seq 1 200); do
		[ -e "$dir/info" ] && return 0
		sleep 0.01
	done
	echo "tce-holder did not start" >&2
	return 1
}

# status_file NAME PID [DOMAIN]: a libvirt status file DIR/NAME.xml for
# domain DOMAIN (default NAME) whose QEMU is PID.
status_file() {
	cat > "$LIBVIRT_DIR/$1.xml" <<-XML
	<!--
	WARNING: THIS IS AN AUTO-GENERATED FILE.
	-->
	<domstatus state='running' reason='booted' pid='$2'>
	  <domain type='kvm' id='1'>
	    <name>${3:-$1}</name>
	    <memory unit='KiB'>524288</memory>
	    <devices>
	      <controller type='scsi' index='0' model='ibmvscsi'>
	        <alias name='scsi0'/>
	        <address type='spapr-vio' reg='0x2000'/>
	      </controller>
	    </devices>
	  </domain>
	</domstatus>
	XML
}

# same_as_pid NAME VERB ARGS...: VERB with vm:NAME for @ in ARGS gives
# what it gives with $HOLDER_PID there: status, stdout and stderr, in the
# view in which the holder's first table is a kvm-spapr-tce fd.
same_as_pid() {
	local name=$1 a by_name_status by_name_out by_name_err
	local -a with_vm with_pid
	shift
	for a in "$@"; do
		with_vm+=("${a/#@/vm:$name}")
		with_pid+=("${a/#@/$HOLDER_PID}")
	done
	run_tcectl_tce_fds "$FD0" "${with_vm[@]}"
	by_name_status=$status by_name_out=$output by_name_err=$stderr
	run_tcectl_tce_fds "$FD0" "${with_pid[@]}"
	assert_equal "$by_name_status" "$status"
	assert_equal "$by_name_out" "$output"
	assert_equal "$by_name_err" "$stderr"
	[ -n "$output$stderr" ]
}

# resolves_to vm:NAME PID: tcectl reads vm:NAME as process PID (which,
# out of the VMM view, holds no kvm-spapr-tce table).
resolves_to() {
	run_tcectl list "$1"
	assert_failure 3
	assert_equal "$stderr" "tcectl: list: pid $2 (tce-holder) holds no kvm-spapr-tce tables; is it a KVM guest's VMM? to decode another fd give PID:FD"
}

# no_vm NAME: the message for a name no process and no status file has.
no_vm() {
	echo "no VM named '$1': no process you may see has it in -name NAME or -name guest=NAME, and $LIBVIRT_DIR has no status file $1.xml; give a PID (see tcectl list)"
}

# refused_by_all STATUS TARGET MESSAGE: list, dump, translate and who-maps
# refuse TARGET with STATUS, nothing on stdout and "tcectl: VERB: MESSAGE".
refused_by_all() {
	local want=$1 target=$2 message=$3 verb
	local -a extra
	for verb in list dump translate who-maps; do
		case $verb in
		translate|who-maps) extra=(0x1000) ;;
		*) extra=() ;;
		esac
		run_tcectl "$verb" "$target" "${extra[@]}"
		assert_failure "$want"
		assert_output ""
		[ "$stderr" = "tcectl: $verb: $message" ] ||
			{ echo "$verb '$target': $stderr" >&2; return 1; }
	done
}

@test "vm:NAME of -name guest=NAME lists, dumps, translates and maps as its PID" {
	start_holder 8K:mixed -- -name "guest=vm1$U" -m 512M
	same_as_pid "vm1$U" list @
	same_as_pid "vm1$U" list --json -o +VM,COMM @
	same_as_pid "vm1$U" dump @
	same_as_pid "vm1$U" dump --all @
	same_as_pid "vm1$U" translate @ 0x0 0x5000 0x1fff000
	same_as_pid "vm1$U" who-maps @ 0x0-0xffffffff
}

@test "check of vm:NAME finds what check of its PID finds, its target as given" {
	start_holder 8K:mixed -- -name "guest=vm1$U" -m 512M
	holder_cmd record 0 0x80000000 12 0
	run_tcectl_vmm "$FD0" check --json "vm:vm1$U"
	assert_failure 1
	jq -S 'del(.vms[].target)' <<< "$output" > "$OUT/by-name"
	run jq -r '"\(.vms[0].target) \(.tables[0].table) \(.summary.critical)"' <<< "$output"
	assert_output "vm:vm1$U $HOLDER_PID:$FD0 3"
	run_tcectl_vmm "$FD0" check --json "$HOLDER_PID"
	assert_failure 1
	jq -S 'del(.vms[].target)' <<< "$output" > "$OUT/by-pid"
	cmp "$OUT/by-name" "$OUT/by-pid"
}

@test "vm:NAME of -name NAME and of -name guest=NAME,debug-threads=on" {
	start_holder 8K:mixed -- -name "vm2$U"
	same_as_pid "vm2$U" list -o PID,FD,MAPPED @
	stop_holder
	start_holder 8K:mixed -- -S -name "guest=x$U,debug-threads=on" -m 1G
	same_as_pid "x$U" list -o PID,FD,MAPPED @
	# QEMU's option syntax: ",," is a comma in the name.
	stop_holder
	start_holder 8K:mixed -- -name "guest=a,,b$U,debug-threads=on"
	same_as_pid "a,b$U" list -o PID,FD,MAPPED @
}

@test "checkpoint of vm:NAME saves the tables its PID has" {
	start_holder 8K:mixed -- -name "guest=vm1$U"
	run_tcectl_tce_fds "$FD0" checkpoint -o "$OUT/by-name.tce" "vm:vm1$U"
	assert_success
	run_tcectl_tce_fds "$FD0" checkpoint -o "$OUT/by-pid.tce" "$HOLDER_PID"
	assert_success
	run_tcectl diff "$OUT/by-name.tce" "$OUT/by-pid.tce"
	assert_success
	run_tcectl inspect "$OUT/by-name.tce"
	assert_success
	assert_output --partial "vm1$U"
}

@test "metrics of vm:NAME are the metrics of its PID, its target label as given" {
	start_holder 8K:mixed -- -name "guest=vm1$U"
	local target
	for target in "vm:vm1$U" "$HOLDER_PID"; do
		run_tcectl_tce_fds "$FD0" metrics "$target"
		assert_success
		grep -v '^tcectl_scrape_duration_seconds ' <<< "$output" > "$OUT/metrics-$target"
	done
	grep -qxF "tcectl_target_up{target=\"vm:vm1$U\"} 1" "$OUT/metrics-vm:vm1$U"
	grep -q "pid=\"$HOLDER_PID\"" "$OUT/metrics-vm:vm1$U"
	sed "s/^tcectl_target_up{target=\"vm:vm1$U\"}/tcectl_target_up{target=\"$HOLDER_PID\"}/" \
		"$OUT/metrics-vm:vm1$U" | cmp - "$OUT/metrics-$HOLDER_PID"
}

@test "monitor and watch follow vm:NAME as its PID" {
	start_holder 8K:mixed -- -name "guest=vm1$U"
	run_tcectl_vmm "$FD0" monitor -c 1 "vm:vm1$U"
	assert_success
	jq -c 'del(.time)' <<< "$output" > "$OUT/by-name"
	run_tcectl_vmm "$FD0" monitor -c 1 "$HOLDER_PID"
	assert_success
	jq -c 'del(.time)' <<< "$output" > "$OUT/by-pid"
	run jq -r '"\(.event) \(.vm) \(.table)"' "$OUT/by-name"
	assert_output "table-added vm1$U $HOLDER_PID:$FD0"
	cmp "$OUT/by-name" "$OUT/by-pid"

	# watch on a terminal: one refresh, the same screen but for the clock.
	local target
	for target in "vm:vm1$U" "$HOLDER_PID"; do
		vmm_cmd "$FD0"
		TERM=xterm script -qec "$(printf '%q ' "${VMM_CMD[@]}" "$TCECTL" watch -n 1 "$target")" \
			/dev/null > "$OUT/screen"
		sed 's/[0-9][0-9]:[0-9][0-9]:[0-9][0-9]/TIME/' "$OUT/screen" > "$OUT/screen-$target"
	done
	grep -q "$HOLDER_PID:$FD0" "$OUT/screen-vm:vm1$U"
	cmp "$OUT/screen-vm:vm1$U" "$OUT/screen-$HOLDER_PID"
}

@test "a name no process has: exit 3, saying how names are found" {
	start_holder 8K:mixed -- -name "guest=vm1$U"
	refused_by_all 3 "vm:vm9$U" "$(no_vm "vm9$U")"
	# Names are whole and exact: no prefix, no case folding.
	refused_by_all 3 "vm:vm1${U%?}" "$(no_vm "vm1${U%?}")"
	refused_by_all 3 "vm:VM1$U" "$(no_vm "VM1$U")"
	# Without TCECTL_LIBVIRT_DIR, libvirt's own directory.
	unset TCECTL_LIBVIRT_DIR
	run_tcectl list "vm:vm9$U"
	assert_failure 3
	assert_equal "$stderr" "tcectl: list: no VM named 'vm9$U': no process you may see has it in -name NAME or -name guest=NAME, and /run/libvirt/qemu has no status file vm9$U.xml; give a PID (see tcectl list)"
}

@test "vm:NAME is the whole VMM: what follows a ':' is part of the name" {
	start_holder 8K:mixed -- -name "guest=vm1$U"
	refused_by_all 3 "vm:vm1$U:$FD0" "$(no_vm "vm1$U:$FD0")"
	start_other 8K:mixed -- -name "guest=vm1$U:$FD0"
	resolves_to "vm:vm1$U:$FD0" "$OTHER_PID"
	# A file called vm:... is ./vm:...
	run_tcectl inspect "./vm:vm1$U"
	assert_failure 3
}

@test "two processes with the name: a usage error naming both pids" {
	start_holder 8K:mixed -- -name "guest=dup$U"
	start_other 8K:mixed -- -name "dup$U,debug-threads=on"
	local pids
	pids=$(printf '%s\n' "$HOLDER_PID" "$OTHER_PID" | sort -n | paste -sd, | sed 's/,/, /')
	refused_by_all 2 "vm:dup$U" "VM name 'dup$U' is ambiguous: processes $pids have it; give one PID"
}

@test "a wrapper that runs the VMM with its arguments is not a second match" {
	# As sudo qemu-system-ppc64 -name ...: the parent has the child's
	# arguments (here after bash -c SCRIPT) and waits for it.
	HOLDER_DIR=$(mktemp -d "$BATS_TEST_TMPDIR/holder.XXXXXX")
	bash -c '"$@" & wait' wrapper "$TCE_HOLDER" "$HOLDER_DIR" 8K:mixed -- -name "guest=vm1$U" 3>&- &
	local wrapper=$!
	OTHER_PIDS+=("$wrapper")
	wait_holder_ready
	HOLDER_PID=$(cat "/proc/$wrapper/task/$wrapper/children")
	HOLDER_PID=${HOLDER_PID%% *}
	[ -n "$HOLDER_PID" ] && [ "$HOLDER_PID" != "$wrapper" ]
	[[ $(tr '\0' ' ' < "/proc/$wrapper/cmdline") == *" -name guest=vm1$U"* ]]
	resolves_to "vm:vm1$U" "$HOLDER_PID"
	# Two of them are two VMs.
	start_other 8K:mixed -- -name "guest=vm1$U"
	local pids
	pids=$(printf '%s\n' "$HOLDER_PID" "$OTHER_PID" | sort -n | paste -sd, | sed 's/,/, /')
	refused_by_all 2 "vm:vm1$U" "VM name 'vm1$U' is ambiguous: processes $pids have it; give one PID"
}

@test "an empty or too long name is a usage error" {
	refused_by_all 2 vm: "'vm:' names no VM; give vm:NAME, the name QEMU was given by -name"
	local long
	long=$(printf 'n%.0s' $(seq 1 $((241 - ${#U}))))$U
	refused_by_all 2 "vm:$long" "the VM name '$(printf 'n%.0s' $(seq 1 64))...' is longer than 240 bytes; give a PID"
	# 240 bytes is a name.
	long=${long:1}
	start_holder 8K:mixed -- -name "guest=$long"
	resolves_to "vm:$long" "$HOLDER_PID"
}

@test "hostile names: found as exact bytes, escaped in every message, never a path outside the directory" {
	local evil=$'ev\e[31mil\\\n'$U
	start_holder 8K:mixed -- -name "guest=$evil"
	resolves_to "vm:$evil" "$HOLDER_PID"
	refused_by_all 3 "vm:${evil}2" "$(no_vm 'ev\x1b[31mil\x5c\x0a'"${U}2")"

	# '/' and a leading '.': no libvirt domain is called so, no file is opened.
	mkdir -p "$LIBVIRT_DIR/sub"
	status_file "sub/x$U" "$HOLDER_PID" "sub/x$U"
	cp "$LIBVIRT_DIR/sub/x$U.xml" "$BATS_TEST_TMPDIR/escape$U.xml"
	cp "$LIBVIRT_DIR/sub/x$U.xml" "$LIBVIRT_DIR/.hidden$U.xml"
	local name
	for name in "sub/x$U" "../escape$U" ".hidden$U"; do
		refused_by_all 3 "vm:$name" "no VM named '$name': no process you may see has it in -name NAME or -name guest=NAME, and it cannot be a libvirt domain's; give a PID (see tcectl list)"
	done
	# ... but a QEMU may be given such a name.
	start_other 8K:mixed -- -name "guest=../escape$U"
	resolves_to "vm:../escape$U" "$OTHER_PID"
}

@test "a libvirt domain's status file is checked against its QEMU's command line" {
	start_holder 8K:mixed -- -name "guest=web$U,debug-threads=on"
	status_file "web$U" "$HOLDER_PID"
	# The same process by its command line and its status file: one VMM.
	same_as_pid "web$U" list @
	resolves_to "vm:web$U" "$HOLDER_PID"
}

@test "a stale status file is not believed: its pid gone, or another process now" {
	start_holder 8K:mixed -- -name "guest=vm1$U"
	start_other 8K:mixed -- -name "guest=old$U"
	local dead=$OTHER_PID
	kill "$dead"
	wait "$dead" 2>/dev/null || true
	status_file "old$U" "$dead"
	refused_by_all 3 "vm:old$U" "no VM named 'old$U': no process you may see has it in -name NAME or -name guest=NAME, and $LIBVIRT_DIR/old$U.xml is stale: its pid $dead is gone; give a PID (see tcectl list)"
	# The pid now runs another guest (pid reuse).
	status_file "gone$U" "$HOLDER_PID"
	refused_by_all 3 "vm:gone$U" "no VM named 'gone$U': no process you may see has it in -name NAME or -name guest=NAME, and $LIBVIRT_DIR/gone$U.xml is stale: its pid $HOLDER_PID is another process, not a QEMU with -name guest=gone$U; give a PID (see tcectl list)"
}

@test "a corrupt or oversized status file is exit 6 when no process has the name" {
	local cut="<domstatus pid='1'><domain><name>bad$U</name>"
	printf '%s' "$cut" > "$LIBVIRT_DIR/bad$U.xml"
	refused_by_all 6 "vm:bad$U" "$LIBVIRT_DIR/bad$U.xml is not a libvirt status file: the end of the file inside an element (truncated?) at byte ${#cut}"
	truncate -s 9M "$LIBVIRT_DIR/big$U.xml"
	refused_by_all 6 "vm:big$U" "$LIBVIRT_DIR/big$U.xml is larger than 8 MiB: not a libvirt status file"
	status_file "other$U" 1 someone
	refused_by_all 6 "vm:other$U" "$LIBVIRT_DIR/other$U.xml is the status of another domain, not of 'other$U'"
	# A process with the name wins over its broken status file, which
	# list's names then warn of.
	start_holder 8K:mixed -- -name "guest=bad$U"
	run_tcectl list "vm:bad$U"
	assert_failure 3
	assert_equal "$stderr" "tcectl: list: pid $HOLDER_PID (tce-holder) holds no kvm-spapr-tce tables; is it a KVM guest's VMM? to decode another fd give PID:FD
tcectl: list: warning: pid $HOLDER_PID: $LIBVIRT_DIR/bad$U.xml is not a libvirt status file: the end of the file inside an element (truncated?) at byte ${#cut}; device names from QEMU's records"
}

@test "a libvirt domain's QEMU: VM, device names and RAM from its status file, its monitor never asked" {
	# libvirt's monitor: a socket under a libvirt directory, chardev charmonitor.
	start_holder 64K:mixed 8K:direct -- -name "guest=lv$U,debug-threads=on" \
		-chardev "socket,id=charmonitor,path=$BATS_TEST_TMPDIR/libvirt/lv.monitor,server=on,wait=off" \
		-mon chardev=charmonitor,id=monitor,mode=control
	cat > "$LIBVIRT_DIR/lv$U.xml" <<-XML
	<domstatus state='running' reason='booted' pid='$HOLDER_PID'>
	  <domain type='kvm' id='1'>
	    <name>lv$U</name>
	    <memory unit='KiB'>524288</memory>
	    <devices>
	      <controller type='scsi' index='0' model='ibmvscsi'>
	        <alias name='scsi0'/>
	        <address type='spapr-vio' reg='0x71000003'/>
	      </controller>
	      <controller type='pci' index='0' model='pci-root'>
	        <model name='spapr-pci-host-bridge'/>
	        <target index='0'/>
	        <alias name='pci.0'/>
	      </controller>
	    </devices>
	  </domain>
	</domstatus>
	XML
	holder_cmd record 0 0x71000003 12 0
	holder_cmd record 1 0x80000000 12 0
	run_tcectl_vmm "$FD0 $FD1" list -r -o TABLE,VM,LIOBN,DEVICE,DEVSOURCE "$HOLDER_PID"
	assert_success
	assert_output "$(printf '%s\n' "TABLE VM LIOBN DEVICE DEVSOURCE" \
		"$HOLDER_PID:$FD0 lv$U 0x71000003 scsi0 libvirt" \
		"$HOLDER_PID:$FD1 lv$U 0x80000000 pci.0 libvirt")"
	# No warning: libvirtd's monitor is not tried (it does not even exist here).
	[ "$stderr" = "" ]
	run_tcectl_vmm "$FD0 $FD1" list --json -o VM,DEVICE,DEVSOURCE "$HOLDER_PID"
	echo "$output" | jq -e --arg vm "lv$U" '.[0] == {vm: $vm, device: "scsi0", device_source: "libvirt"}'
	# check takes the domain's <memory>, 512 MiB, as the guest's RAM.
	run_tcectl_vmm "$FD0 $FD1" check --json "$HOLDER_PID"
	assert_failure 1
	echo "$output" | jq -e --arg vm "lv$U" '.vms[0].vm == $vm and .vms[0].ram_size == 536870912 and
		.vms[0].ram_source == "libvirt" and .findings[0].device == "scsi0" and .findings[0].vm == $vm'
	[ "$stderr" = "" ]
	# A status file that is not one: a warning, the names from the records.
	printf '<domstatus' > "$LIBVIRT_DIR/lv$U.xml"
	run_tcectl_vmm "$FD0 $FD1" list -r -n -o VM,DEVICE,DEVSOURCE "$HOLDER_PID:$FD0"
	assert_success
	assert_output "lv$U vio-71000003 records"
	[ "$stderr" = "tcectl: list: warning: pid $HOLDER_PID: $LIBVIRT_DIR/lv$U.xml is not a libvirt status file: the end of the file inside a tag at byte 10; device names from QEMU's records" ]
}
