#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Docs that cannot drift: the man pages and the shell completions must name
# the verbs, options, columns and exit statuses that tcectl really has.

load test_helper

ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
MAN=$ROOT/man
COMPLETIONS=$ROOT/completions

setup() {
	# The completions run `tcectl` from PATH, as a user's shell would.
	PATH=$(dirname "$TCECTL"):$PATH
	export PATH
}

# The verbs, as `tcectl help` lists them.
verbs() {
	"$TCECTL" help | awk '{ print $1 }'
}

# The verbs that have their own man page: all but help.
page_verbs() {
	verbs | grep -vx help
}

# Every option token (-o, --output, -?) of `tcectl VERB --help`, sorted.
help_options() {
	"$TCECTL" "$1" --help | awk '
		/^ +-/ && match($0, /^ +/) && RLENGTH <= 8 {
			line = $0; sub(/^ +/, "", line); sub(/   .*/, "", line)
			n = split(line, tok, /, */)
			for (i = 1; i <= n; i++) { t = tok[i]; sub(/\[?=.*/, "", t); print t }
		}' | sort -u
}

help_long_options() {
	help_options "$1" | grep -- '^--'
}

# Option tokens named with Fl in a man page: in the .It lines of its
# OPTIONS section ("items"), or anywhere ("all").
man_options() {
	awk -v mode="$2" '
		/^\.Sh / { opts = ($0 == ".Sh OPTIONS"); next }
		mode == "items" && !(opts && /^\.It /) { next }
		{
			for (i = 1; i < NF; i++) {
				if ($i != "Fl" && $i != ".Fl") continue
				t = $(i + 1); gsub(/\\-/, "-", t); gsub(/\\&/, "", t)
				t = "-" t
				if (t ~ /^-(-[a-z][a-z0-9-]*|[A-Za-z0-9?])$/) print t
			}
		}' "$1" | sort -u
}

# One section of a man page as text, overstrike removed.
man_section() {
	mandoc -Tascii "$1" 2>/dev/null | sed 's/.\x08//g' |
		awk -v sec="$2" '/^[A-Z]/ { on = ($0 == sec); next } on'
}

# Candidates of the bash completion for a command line ending at the cursor.
bash_complete() {
	bash -c 'source "$1"; COMP_LINE=$2; COMP_POINT=${#2}; COMP_WORDS=(); COMP_CWORD=0
		_tcectl; printf "%s\n" "${COMPREPLY[@]}"' _ "$COMPLETIONS/tcectl.bash" "$1"
}

# Candidates of the fish completion (without their descriptions).
fish_complete() {
	fish -c 'source $argv[1]; complete -C $argv[2]' "$COMPLETIONS/tcectl.fish" "$1" | cut -f1
}

# The listing zsh's compsys shows for a command line, from a real
# interactive zsh on a pseudo-terminal.
zsh_complete() {
	cat >"$BATS_TEST_TMPDIR/complete.zsh" <<'EOF'
zmodload zsh/zpty || exit 1
# Reads until the marker shows; a typed command has it split by "",
# so only the command's output matches.
wait_for() {
	local chunk deadline=$((SECONDS + 30))
	got=
	while ((SECONDS < deadline)); do
		if zpty -rt z chunk; then
			got+=$chunk
			[[ $got == *"$1"* ]] && return 0
		else
			sleep 0.05
		fi
	done
	print -r -- "timed out waiting for $1: $got" >&2
	return 1
}
zpty -b z zsh -f -i
zpty -w z 'PS1="" PROMPT="" RPROMPT=""; LISTMAX=10000'
zpty -w z "fpath=(${(q)1} \$fpath); autoload -Uz compinit; compinit -u -D"
zpty -w z "zstyle ':completion:*' list-separator '#'; bindkey '^T' list-choices"
zpty -w z 'echo READ""Y'
wait_for READY || exit 1
# List the choices, then clear the line and mark the end of the listing.
zpty -n -w z "$2"$'\x14'
zpty -w z $'\x15echo LISTING-""DONE'
wait_for LISTING-DONE || exit 1
print -r -- "$got" | tr -d '\r'
zpty -d z
EOF
	zsh -f "$BATS_TEST_TMPDIR/complete.zsh" "$COMPLETIONS" "$1" |
		sed 's/\x1b\[[0-9;?]*[A-Za-z]//g'
}

@test "every verb but help has a man page and is named in tcectl(1)" {
	local verb missing=""
	for verb in $(page_verbs); do
		[ -f "$MAN/tcectl-$verb.1" ] || missing+=" man/tcectl-$verb.1"
		grep -qE "^\.Xr tcectl-$verb 1( [.,])?\$" "$MAN/tcectl.1" || missing+=" Xr:$verb"
		grep -qE "^\.It Cm $verb( |\$)" "$MAN/tcectl.1" || missing+=" It:$verb"
	done
	grep -qE '^\.It Cm help( |$)' "$MAN/tcectl.1" || missing+=" It:help"
	assert_equal "$missing" ""
}

@test "every verb man page belongs to a verb" {
	local page stale=""
	for page in "$MAN"/tcectl-*.1; do
		page=${page##*/tcectl-}
		verbs | grep -qxF -- "${page%.1}" || stale+=" $page"
	done
	assert_equal "$stale" ""
}

@test "each verb page's SYNOPSIS is the usage line of its --help" {
	local verb usage synopsis
	for verb in $(page_verbs); do
		usage=$("$TCECTL" "$verb" --help | sed -n '1s/^Usage: //p')
		synopsis=$(man_section "$MAN/tcectl-$verb.1" SYNOPSIS | sed 's/^ *//' | tr -s ' \n' '  ')
		assert_equal "${synopsis% }" "$usage"
	done
	usage=$("$TCECTL" --help | sed -n '1s/^Usage: //p')
	man_section "$MAN/tcectl.1" SYNOPSIS | grep -qxF "     $usage"
}

@test "every option of a verb's --help is in its man page, and no other" {
	local verb
	for verb in $(page_verbs); do
		assert_equal "$(man_options "$MAN/tcectl-$verb.1" items)" "$(help_options "$verb")"
		# Options named anywhere in the page are options of that verb.
		run comm -23 <(man_options "$MAN/tcectl-$verb.1" all) <(help_options "$verb")
		assert_output ""
	done
}

@test "every option named in tcectl(1) exists" {
	local opt known
	known=$(for verb in $(page_verbs); do help_options "$verb"; done | sort -u)
	for opt in $(man_options "$MAN/tcectl.1" all); do
		grep -qxF -- "$opt" <<<"$known" && continue
		# Not a verb's option: it must be one tcectl takes before a verb.
		run "$TCECTL" "$opt"
		assert_success
	done
	# The options every verb takes, as tcectl(1) lists them.
	for opt in -j --json -p --pretty -n --noheadings -h --help --usage; do
		for verb in $(page_verbs); do
			grep -qxF -- "$opt" <<<"$(help_options "$verb")"
		done
	done
}

@test "the bash completion offers each verb's long options, and no other" {
	local verb
	for verb in $(page_verbs); do
		run bash_complete "tcectl $verb --"
		assert_success
		assert_equal "$(sed 's/=$//' <<<"$output" | sort -u)" "$(help_long_options "$verb")"
	done
}

@test "the fish completion offers each verb's long options, and no other" {
	local verb
	for verb in $(page_verbs); do
		run fish_complete "tcectl $verb --"
		assert_success
		assert_equal "$(sort -u <<<"$output")" "$(help_long_options "$verb")"
	done
}

@test "the zsh completion parses and offers each verb's long options" {
	run zsh -n "$COMPLETIONS/_tcectl"
	assert_success
	local verb opt listing
	for verb in $(page_verbs); do
		listing=$(zsh_complete "tcectl $verb -")
		for opt in $(help_long_options "$verb"); do
			grep -qE -- "(^|[[:space:]])$opt([[:space:]]|$)" <<<"$listing" ||
				fail "zsh does not offer $opt for $verb: $listing"
		done
	done
}

@test "the completions offer the verbs of tcectl help" {
	local expected
	expected=$(verbs | sort)
	run bash_complete "tcectl "
	assert_equal "$(sort <<<"$output")" "$expected"
	run fish_complete "tcectl "
	assert_equal "$(sort <<<"$output")" "$expected"
	run zsh_complete "tcectl "
	local verb
	for verb in $expected; do
		assert_line --regexp "^$verb +#"
	done
}

@test "the completions offer the columns of list --list-columns" {
	local expected
	expected=$("$TCECTL" list --list-columns | awk '{ print $1 }' | sort)
	run bash_complete "tcectl list -o "
	assert_equal "$(sort <<<"$output")" "$expected"
	run fish_complete "tcectl list -o "
	assert_equal "$(sort <<<"$output")" "$expected"
}

@test "the completions offer PID:FD targets from /proc" {
	start_holder 64:mixed
	run bash_complete "tcectl dump $HOLDER_PID:"
	assert_line "$FD0"	# bash completes what follows the ':'
	run fish_complete "tcectl dump $HOLDER_PID:"
	assert_line "$HOLDER_PID:$FD0"
	run bash_complete "tcectl translate $HOLDER_PID:$FD0 "
	assert_output ""	# IO bus addresses are not completed
}

@test "every column of list --list-columns is in tcectl-list(1) with its JSON key" {
	start_holder 64:mixed
	local col key documented=""
	# "NAME key" pairs as the COLUMNS section documents them.
	documented=$(awk '
		/^\.Sh / { on = ($0 == ".Sh COLUMNS"); next }
		on && /^\.It Sy / { col = $3; next }
		on && /JSON key/ { want = 1; next }
		on && want && /^\.Sy / { print col, $2; want = 0 }' "$MAN/tcectl-list.1")
	for col in $("$TCECTL" list --list-columns | awk '{ print $1 }'); do
		key=$("$TCECTL" list --json -o "$col" "$HOLDER_PID:$FD0" 2>/dev/null |
			sed -n 's/^\[{"\([^"]*\)":.*/\1/p')
		[ -n "$key" ] || fail "no JSON key for column $col"
		grep -qxF "$col $key" <<<"$documented" ||
			fail "tcectl-list(1) lacks column $col with JSON key $key"
	done
	# And no column the tool lacks.
	run comm -23 <(awk '{ print $1 }' <<<"$documented" | sort) \
		<("$TCECTL" list --list-columns | awk '{ print $1 }' | sort)
	assert_output ""
}

@test "mandoc -Tlint -W warning is clean on every man page" {
	run mandoc -Tlint -W warning "$MAN"/*.1
	assert_success
	assert_output ""
}

@test "tcectl(1) EXIT STATUS lists the statuses of src/err.h" {
	local documented defined page
	defined=$(sed -n 's/^[[:space:]]*TCE_[A-Z_]*[[:space:]]*=[[:space:]]*\([0-9][0-9]*\),.*/\1/p' \
		"$ROOT/src/err.h" | sort -n)
	documented=$(awk '/^\.Sh /{ on = ($0 == ".Sh EXIT STATUS"); next }
		on && /^\.It [0-9]+$/ { print $2 }' "$MAN/tcectl.1" | sort -n)
	[ -n "$defined" ]
	assert_equal "$documented" "$defined"
	# A verb page documents no status that does not exist.
	for page in "$MAN"/tcectl-*.1; do
		run comm -23 <(awk '/^\.Sh /{ on = ($0 == ".Sh EXIT STATUS"); next }
			on && /^\.It [0-9]+$/ { print $2 }' "$page" | sort) <(sort <<<"$defined")
		assert_output ""
	done
}
