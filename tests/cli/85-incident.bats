#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The README's "Incident response" one-liners, run as they are written
# there (each is also checked to be in the README, word for word) against
# fixture VMMs: two guests, one of whose tables maps the range asked about
# and is grabbed by another process.  The fleet ones run through pdsh's
# exec module and a local Ansible inventory in place of ssh.

# bats file_tags=no-sanitizer

load test_helper

README="$BATS_TEST_DIRNAME/../../README.md"

# The README's text of a one-liner: every line of it must be there.
in_readme() {
	local line
	while IFS= read -r line; do
		grep -qF -- "$line" "$README" || { echo "not in README.md: $line" >&2; return 1; }
	done <<<"$1"
}

WHICH_VMS=$(cat <<'EOF'
tcectl list --json -o PID,VM | jq -r '.[] | select(.pid) | "\(.pid) \(.vm)"' | sort -u |
    while read -r pid vm; do tcectl who-maps "$pid" 0x10000000-0x1fffffff >/dev/null && echo "$vm (pid $pid)"; done
EOF
)

FOREIGN=$(cat <<'EOF'
tcectl check --json | jq -r '.findings[] | select(.kind == "foreign-holder") | "\(.table): pid \(.holder_pid) (\(.holder_comm)) \(if .holder_fd then "fd \(.holder_fd)" else "maps it" end)"'
EOF
)

# What follows pdsh's own line, and the report's jq.
PDSH_TAIL=$(cat <<'EOF'
    sed 's/^\([^:]*\): \(.*\)$/{"host":"\1","check":\2}/' |
    jq -c '.host as $h | .check.findings[] | select(.severity == "critical") | {host: $h, kind, table, reason}'
EOF
)

ANSIBLE_JQ=$(cat <<'EOF'
jq -c 'input_filename as $f | (.stdout // "{}") | fromjson | .findings[]? | {host: ($f | sub(".*/"; "")), severity, kind, table}' /tmp/tce/*
EOF
)

# Two VMMs: web1 maps 0x10000000.. (the mixed layout), db2 maps nothing there.
setup() {
	start_holder 8K:empty -- -name guest=db2 -m 256M
	DB_PID=$HOLDER_PID DB_DIR=$HOLDER_DIR DB_FD=$FD0
	start_holder 8K:mixed -- -name guest=web1 -m 4G
	BIN="$BATS_TEST_TMPDIR/bin"
	mkdir -p "$BIN"
	ln -sf "$TCECTL" "$BIN/tcectl"
}

teardown() {
	[ -z "${GRAB_PID:-}" ] || kill "$GRAB_PID" 2>/dev/null || true
	kill "$DB_PID" 2>/dev/null || true
	stop_holder
}

# run_in_vmms SCRIPT: SCRIPT under bash, with tcectl on PATH, in a mount
# namespace where both holders' table fds and their mappings show as
# kvm-spapr-tce ones, as a VMM's do.
run_in_vmms() {
	local v="$BATS_TEST_TMPDIR/view"
	fake_vmm_view "$FD0" "$v.web-fd" "$v.web-maps"
	HOLDER_PID=$DB_PID fake_vmm_view "$DB_FD" "$v.db-fd" "$v.db-maps"
	run --separate-stderr env PATH="$BIN:$PATH" unshare --mount --propagation private -- \
		bash -c 'mount --bind "$1.web-fd" "/proc/$2/fd" && mount --bind "$1.web-maps" "/proc/$2/maps" &&
			 mount --bind "$1.db-fd" "/proc/$3/fd" && mount --bind "$1.db-maps" "/proc/$3/maps" &&
			 eval "$4"' \
		bash "$v" "$HOLDER_PID" "$DB_PID" "$1"
}

@test "which VMs can DMA into a guest-physical range: web1 alone" {
	in_readme "$WHICH_VMS"
	run_in_vmms "$WHICH_VMS"
	assert_success
	assert_output "web1 (pid $HOLDER_PID)"
}

@test "which tables a process other than their VMM holds: the grabber, by pid and name" {
	in_readme "$FOREIGN"
	TCE_HOLDER_COMM=grab grab both
	run_in_vmms "$FOREIGN"
	assert_success
	assert_output "$(printf '%s\n' "$HOLDER_PID:$FD0: pid $GRAB_PID (grab) fd $GRAB_FD" "$HOLDER_PID:$FD0: pid $GRAB_PID (grab) maps it")"
}

@test "every critical finding of a fleet through pdsh: one JSON line per finding and host" {
	command -v pdsh >/dev/null || fail "pdsh is not installed (tests/deps.sh installs it)"
	in_readme "$PDSH_TAIL"
	in_readme "pdsh -w 'pwr[01-40]' 'tcectl check --json --severity=critical' |"
	TCE_HOLDER_COMM=grab grab both
	# exec instead of ssh: the same command on two "hosts", here.
	run_in_vmms "pdsh -R exec -w pwr01,pwr02 tcectl check --json --severity=critical |
$PDSH_TAIL | sort"
	assert_success
	local reason="pid $GRAB_PID (grab) holds fd"
	[ "${#lines[@]}" -eq 4 ]
	for host in pwr01 pwr02; do
		echo "$output" | jq -se --arg h "$host" --arg t "$HOLDER_PID:$FD0" --arg r "$reason" '
			[.[] | select(.host == $h)] | length == 2 and all(.kind == "foreign-holder" and .table == $t) and
			any(.reason | startswith($r))'
	done
}

@test "every finding of a fleet through an Ansible ad hoc command's --tree" {
	command -v ansible >/dev/null || fail "ansible is not installed (tests/deps.sh installs ansible-core)"
	in_readme "ansible kvm_hosts -b -m command -a 'tcectl check --json' --tree /tmp/tce >/dev/null"
	in_readme "$ANSIBLE_JQ"
	TCE_HOLDER_COMM=grab grab both
	printf '[kvm_hosts]\npwr01 ansible_connection=local\npwr02 ansible_connection=local\n' >"$BATS_TEST_TMPDIR/hosts"
	local tree="$BATS_TEST_TMPDIR/tce"
	# The README's commands, with this inventory, no become and a private tree.
	run_in_vmms "export LC_ALL=C.UTF-8 HOME='$BATS_TEST_TMPDIR' ANSIBLE_PYTHON_INTERPRETER=auto_silent ANSIBLE_LOCALHOST_WARNING=false
ansible kvm_hosts -i '$BATS_TEST_TMPDIR/hosts' -m command -a 'tcectl check --json' --tree '$tree' >/dev/null
${ANSIBLE_JQ//\/tmp\/tce/$tree} | sort"
	assert_success
	[ "${#lines[@]}" -eq 10 ]
	for host in pwr01 pwr02; do
		echo "$output" | jq -se --arg h "$host" --arg t "$HOLDER_PID:$FD0" '
			[.[] | select(.host == $h)] | (map(.kind) | sort) == ["alias", "foreign-holder", "foreign-holder", "no-permission", "write-only"]
			and all(.table == $t)'
	done
}
