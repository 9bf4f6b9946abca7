# SPDX-License-Identifier: GPL-2.0-or-later
#
# The fake QMP monitor (tests/fixtures/qmp-server.c) and a VM's script for
# it, shared by the test files that ask QEMU's monitor (82-qmp, 83-check).

: "${QMP_SERVER:=$(dirname "$TCE_HOLDER")/qmp-server}"

# qmp_setup: where this test's fake monitor lives.
qmp_setup() {
	QMP_PID=
	HOLDER_VIA=()
	QMP_DIR=$(mktemp -d "$BATS_TEST_TMPDIR/qmp.XXXXXX")
	QMP_SOCK=$QMP_DIR/qmp.sock
	QMP_LOG=$QMP_DIR/log
	QMP_SCRIPT=$QMP_DIR/script
	: >"$QMP_LOG"
}

stop_qmp() {
	if [ -n "${QMP_PID:-}" ]; then
		kill "$QMP_PID" 2>/dev/null || true
		wait "$QMP_PID" 2>/dev/null || true
		QMP_PID=
	fi
}

# start_qmp [BEHAVIOUR...]: the fake monitor on $QMP_SOCK, answering from
# $QMP_SCRIPT, started with the next holder, which listens on it as QEMU
# does (tcectl connects only to a socket the VMM itself listens on).
start_qmp() {
	HOLDER_VIA=("$QMP_SERVER" "$QMP_SOCK" "$QMP_LOG" "$QMP_SCRIPT" "$@" --exec)
}

# start_qmp_alone [BEHAVIOUR...]: the fake monitor in a process of its own.
start_qmp_alone() {
	"$QMP_SERVER" "$QMP_SOCK" "$QMP_LOG" "$QMP_SCRIPT" "$@" 3>&- &
	QMP_PID=$!
	local _
	for _ in $(seq 1 200); do
		[ -S "$QMP_SOCK" ] && return 0
		sleep 0.01
	done
	echo "qmp-server did not start" >&2
	return 1
}

# reply KEY JSON: one line of the script.
reply() {
	printf '%s\t%s\n' "$1" "$2" >>"$QMP_SCRIPT"
}

# window OWNER LIOBN ADDR SIZE: a table child of OWNER and its region's addr and size.
window() {
	local region="$1/tce-table-$2/tce-iommu-$2[0]"
	reply "qom-get $region addr" "{\"return\": $3}"
	reply "qom-get $region size" "{\"return\": $4}"
}

# vm_script [VSCSI_ID]: a VM named vm1 of 512 MiB with a v-scsi (liobn
# 0x71000003, id VSCSI_ID or vscsi0) and the default host bridge (anonymous,
# under /machine/unattached) whose window 0 is on and window 1 off, with
# disk0 and an anonymous virtio-net-pci behind it.
vm_script() {
	local id=${1:-vscsi0}
	reply query-name '{"return": {"name": "vm1"}}'
	reply query-memory-size-summary '{"return": {"base-memory": 536870912, "plugged-memory": 0}}'
	reply "qom-list /machine/peripheral" "{\"return\": [{\"name\": \"type\", \"type\": \"string\"}, {\"name\": \"$id\", \"type\": \"child<spapr-vscsi>\"}, {\"name\": \"disk0\", \"type\": \"child<virtio-blk-pci>\"}]}"
	reply "qom-list /machine/peripheral-anon" '{"return": [{"name": "device[0]", "type": "child<virtio-net-pci>"}]}'
	reply "qom-list /machine/unattached" '{"return": [{"name": "device[0]", "type": "child<spapr-pci-host-bridge>"}, {"name": "device[1]", "type": "child<spapr-vty>"}, {"name": "device[2]", "type": "child<power9_v2.0-spapr-cpu-core>"}]}'
	reply "qom-list /machine/peripheral/$id" '{"return": [{"name": "tce-table-71000003", "type": "child<spapr-tce-table>"}, {"name": "reg", "type": "uint32"}]}'
	window "/machine/peripheral/$id" 71000003 0 268435456
	reply "qom-list /machine/unattached/device[0]" '{"return": [{"name": "tce-table-80000000", "type": "child<spapr-tce-table>"}, {"name": "tce-table-80000001", "type": "child<spapr-tce-table>"}, {"name": "pci.0", "type": "child<PCI>"}]}'
	window /machine/unattached/device[0] 80000000 0 1073741824
	window /machine/unattached/device[0] 80000001 576460752303423488 0
	reply "qom-list /machine/unattached/device[0]/pci.0" '{"return": [{"name": "type", "type": "string"}, {"name": "child[0]", "type": "link<virtio-blk-pci>"}, {"name": "child[1]", "type": "link<virtio-net-pci>"}]}'
	reply "qom-get /machine/unattached/device[0]/pci.0 child[0]" '{"return": "/machine/peripheral/disk0"}'
	reply "qom-get /machine/unattached/device[0]/pci.0 child[1]" '{"return": "/machine/peripheral-anon/device[0]"}'
	reply "qom-list /machine/unattached/device[1]" '{"return": [{"name": "reg", "type": "uint32"}]}'
}

# start_vm [HOLDER ARGS...]: two tables with QEMU's records (v-scsi and
# the default host bridge's window 0), the holder's command line after --.
start_vm() {
	start_holder 64K:mixed 8K:direct -- "$@"
	holder_cmd record 0 0x71000003 12 0
	holder_cmd record 1 0x80000000 12 0
}
