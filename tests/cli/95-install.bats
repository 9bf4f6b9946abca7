#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# make install puts everything where distributions expect it.

# The text of docs and where make install puts files: nothing the
# sanitizer tier would see that the other files do not run.
# bats file_tags=no-sanitizer

load test_helper

@test "make install DESTDIR=... PREFIX=/usr installs binary, man pages and completions" {
	local root="$BATS_TEST_TMPDIR/root" bashdir
	bashdir=$(pkg-config --variable=completionsdir bash-completion)
	run make -s -C "$BATS_TEST_DIRNAME/../.." install DESTDIR="$root" PREFIX=/usr
	assert_success
	run bash -c "cd '$root' && find . -type f | sort"
	assert_output "$(printf '%s\n' \
		".$bashdir/tcectl" \
		./usr/bin/tcectl \
		./usr/share/fish/vendor_completions.d/tcectl.fish \
		./usr/share/man/man1/tcectl-checkpoint.1 \
		./usr/share/man/man1/tcectl-diff.1 \
		./usr/share/man/man1/tcectl-dump.1 \
		./usr/share/man/man1/tcectl-inspect.1 \
		./usr/share/man/man1/tcectl-list.1 \
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
	run "$root/usr/bin/tcectl" --version
	assert_success
	run make -s -C "$BATS_TEST_DIRNAME/../.." uninstall DESTDIR="$root" PREFIX=/usr
	assert_success
	run bash -c "cd '$root' && find . -type f"
	assert_output ""
}
