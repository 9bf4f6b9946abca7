#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# make install puts everything where distributions expect it.

# The text of docs and where make install puts files: nothing the
# sanitizer tier would see that the other files do not run.
# bats file_tags=no-sanitizer

load test_helper

@test "make install DESTDIR=... PREFIX=/usr installs binary, man pages and completions" {
	local root="$BATS_TEST_TMPDIR/root" bashdir unitdir
	bashdir=$(pkg-config --variable=completionsdir bash-completion)
	unitdir=$(pkg-config --variable=systemdsystemunitdir systemd)
	run make -s -C "$BATS_TEST_DIRNAME/../.." install DESTDIR="$root" PREFIX=/usr
	assert_success
	run bash -c "cd '$root' && find . -type f | sort"
	assert_output "$(printf '%s\n' \
		".$bashdir/tcectl" \
		".$unitdir/tcectl-metrics.service" \
		".$unitdir/tcectl-metrics.timer" \
		./usr/bin/tcectl \
		./usr/share/fish/vendor_completions.d/tcectl.fish \
		./usr/share/man/man1/tcectl-check.1 \
		./usr/share/man/man1/tcectl-checkpoint.1 \
		./usr/share/man/man1/tcectl-diff.1 \
		./usr/share/man/man1/tcectl-dump.1 \
		./usr/share/man/man1/tcectl-inspect.1 \
		./usr/share/man/man1/tcectl-list.1 \
		./usr/share/man/man1/tcectl-metrics.1 \
		./usr/share/man/man1/tcectl-monitor.1 \
		./usr/share/man/man1/tcectl-restore.1 \
		./usr/share/man/man1/tcectl-translate.1 \
		./usr/share/man/man1/tcectl-verify.1 \
		./usr/share/man/man1/tcectl-watch.1 \
		./usr/share/man/man1/tcectl-who-maps.1 \
		./usr/share/man/man1/tcectl.1 \
		./usr/share/man/man5/tcectl-checkpoint.5 \
		./usr/share/zsh/site-functions/_tcectl | sort)"
	[ -x "$root/usr/bin/tcectl" ]
	# The units run the tcectl installed with them.
	run grep -h '^ExecStart=' "$root$unitdir/tcectl-metrics.service"
	assert_output "ExecStart=/usr/bin/tcectl metrics --no-qmp --textfile-dir /var/lib/prometheus/node-exporter"
	run "$root/usr/bin/tcectl" --version
	assert_success
	run make -s -C "$BATS_TEST_DIRNAME/../.." uninstall DESTDIR="$root" PREFIX=/usr
	assert_success
	run bash -c "cd '$root' && find . -type f"
	assert_output ""
}

@test "the systemd units pass systemd-analyze verify, and name the tcectl installed with them" {
	local root="$BATS_TEST_TMPDIR/root"
	# Installed under root itself, so that the ExecStart binary exists for verify.
	run make -s -C "$BATS_TEST_DIRNAME/../.." install PREFIX="$root/usr" SYSTEMDUNITDIR="$root/units"
	assert_success
	run grep -h '^ExecStart=' "$root/units/tcectl-metrics.service"
	assert_output "ExecStart=$root/usr/bin/tcectl metrics --no-qmp --textfile-dir /var/lib/prometheus/node-exporter"
	# verify warns of a bad setting on stderr and still exits 0: both are checked.
	run --separate-stderr systemd-analyze verify --man=no "$root/units/tcectl-metrics.service" \
		"$root/units/tcectl-metrics.timer"
	assert_success
	[ "$stderr" = "" ]
	sed -i 's/^ProtectHome=yes/ProtectHome=maybe/' "$root/units/tcectl-metrics.service"
	run --separate-stderr systemd-analyze verify --man=no "$root/units/tcectl-metrics.service"
	[[ "$stderr" == *"tcectl-metrics.service:"*"Failed to parse"*"maybe"* ]]
}

@test "the timer runs the service every 30 s, from 30 s after boot" {
	run grep -E '^(OnBootSec|OnUnitActiveSec|AccuracySec|WantedBy)=' \
		"$BATS_TEST_DIRNAME/../../contrib/systemd/tcectl-metrics.timer"
	assert_output "$(printf '%s\n' OnBootSec=30s OnUnitActiveSec=30s AccuracySec=1s WantedBy=timers.target)"
}
