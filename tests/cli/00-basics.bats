#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later

load test_helper

@test "no verb prints the usage and exits 2" {
	run_tcectl
	assert_failure 2
	assert_output ""
	[[ "$stderr" == "Usage: tcectl VERB"* ]]
}

@test "an unknown verb names itself and exits 2" {
	run_tcectl frobnicate
	assert_failure 2
	[ "$stderr" = "tcectl: unknown verb 'frobnicate'; 'tcectl help' lists them" ]
}

@test "a verb prefix is not accepted" {
	run_tcectl du 1
	assert_failure 2
	[ "$stderr" = "tcectl: unknown verb 'du'; 'tcectl help' lists them" ]
}

@test "--version prints the version" {
	run_tcectl --version
	assert_success
	assert_output --regexp '^tcectl [0-9]+\.[0-9]+\.[0-9]+$'
}

@test "help lists every verb, one per line" {
	run_tcectl help
	assert_success
	run bash -c "'$TCECTL' help | awk '{print \$1}'"
	assert_output "$(printf '%s\n' list dump translate who-maps checkpoint inspect verify diff \
		restore watch monitor metrics check help)"
}

@test "help VERB shows that verb's --help" {
	run_tcectl help dump
	assert_success
	assert_output --partial "Usage: tcectl dump [OPTION...] TARGET..."
}

@test "an unknown option is one line naming it, exit 2" {
	run_tcectl dump --bogus 1
	assert_failure 2
	[ "$stderr" = "tcectl: dump: unknown option '--bogus'; see 'tcectl dump --help'" ]
}

# run_tcectl_full ARGS...: tcectl with standard output on /dev/full.
run_tcectl_full() {
	run --separate-stderr sh -c 'exec "$@" > /dev/full' sh "$TCECTL" "$@"
}

@test "help and the version on a full output: one line and exit 7" {
	local args
	for args in --help -h --usage --version help; do
		# shellcheck disable=SC2086
		run_tcectl_full $args
		assert_failure 7
		[ "$stderr" = "tcectl: cannot write the output: No space left on device" ]
	done
	for args in "dump --help" "list --usage" "who-maps --help"; do
		# shellcheck disable=SC2086
		run_tcectl_full $args
		assert_failure 7
		[ "$stderr" = "tcectl: ${args%% *}: cannot write the output: No space left on device" ]
	done
	run_tcectl_full help dump
	assert_failure 7
	[ "$stderr" = "tcectl: dump: cannot write the output: No space left on device" ]
}

@test "diff --help on a full output exits 2, as diff does on any trouble" {
	run_tcectl_full diff --help
	assert_failure 2
	[ "$stderr" = "tcectl: diff: cannot write the output: No space left on device" ]
}
