#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Docs that cannot drift: the man pages and the shell completions must name
# the verbs, options, columns, JSON keys and exit statuses that tcectl
# really has, and tcectl-checkpoint(5) the records its writer emits.

# The text of docs and where make install puts files: nothing the
# sanitizer tier would see that the other files do not run.
# bats file_tags=no-sanitizer

load test_helper

ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
MAN=$ROOT/man
COMPLETIONS=$ROOT/completions

setup_file() {
	# compinit without a dump file reads every completion function there
	# is: a second and more for each zsh that zsh_complete starts.  So
	# one dump, with _tcectl in it, serves the whole file.
	ZSH_COMPDUMP=$BATS_FILE_TMPDIR/zcompdump
	zsh -f -c 'fpath=($1 $fpath); autoload -Uz compinit; compinit -u -d $2' \
		zsh "$COMPLETIONS" "$ZSH_COMPDUMP"
	[ -s "$ZSH_COMPDUMP" ]
	export ZSH_COMPDUMP
}

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
# With several lines, one bash completes each in a subshell of its own, and
# each listing follows a "@@ LINE" line.
bash_complete() {
	bash -c 'source "$1"; shift
		for line; do
			(($# > 1)) && printf "@@ %s\n" "$line"
			(COMP_LINE=$line; COMP_POINT=${#line}; COMP_WORDS=(); COMP_CWORD=0
			 _tcectl; printf "%s\n" "${COMPREPLY[@]}")
		done' _ "$COMPLETIONS/tcectl.bash" "$@"
}

# Candidates of the fish completion (without their descriptions); several
# lines as bash_complete takes them.
fish_complete() {
	fish -c 'source $argv[1]
		for line in $argv[2..-1]
			test (count $argv) -gt 2; and echo "@@ $line"
			complete -C $line
		end' "$COMPLETIONS/tcectl.fish" "$@" | cut -f1
}

# complete_lines SHELL LINE...: the listings of the completion for SHELL
# (bash, fish or zsh) for two command lines or more, from one run of that
# shell: starting one costs more than completing a line.
complete_lines() {
	local shell=$1
	shift
	(($# > 1)) || { echo "complete_lines: give two lines or more" >&2; return 1; }
	"${shell}_complete" "$@" > "$BATS_TEST_TMPDIR/$shell.listings"
}

# listing SHELL LINE: what complete_lines SHELL listed for LINE.
listing() {
	grep -qxF -- "@@ $2" "$BATS_TEST_TMPDIR/$1.listings" || { echo "no $1 listing for '$2'" >&2; return 1; }
	awk -v want="@@ $2" '/^@@ / { on = ($0 == want); next } on' "$BATS_TEST_TMPDIR/$1.listings"
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
zpty -w z "fpath=(${(q)1} \$fpath); autoload -Uz compinit; compinit -u -d ${(q)ZSH_COMPDUMP}"
zpty -w z "zstyle ':completion:*' list-separator '#'; bindkey '^T' list-choices"
zpty -w z 'echo READ""Y'
wait_for READY || exit 1
# For each line: list the choices, then clear the line and mark the end of
# the listing.  With several lines, each listing follows a "@@ LINE" line.
for line in "${@:2}"; do
	zpty -n -w z "$line"$'\x14'
	zpty -w z $'\x15echo LISTING-""DONE'
	wait_for LISTING-DONE || exit 1
	(($# > 2)) && print -r -- "@@ $line"
	print -r -- "$got" | tr -d '\r'
done
zpty -d z
EOF
	zsh -f "$BATS_TEST_TMPDIR/complete.zsh" "$COMPLETIONS" "$@" |
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

# The forms of a verb's usage, one per line: "Usage: tcectl VERB ..." and
# the "  or:  tcectl VERB ..." lines that follow it.
help_usage() {
	"$TCECTL" "$1" --help | awk '
		NR == 1 { if (!sub(/^Usage: /, "")) exit; print; next }
		/^  or:  / { sub(/^  or:  /, ""); print; next }
		{ exit }'
}

@test "each verb page's SYNOPSIS is the usage of its --help, form by form" {
	local verb usage synopsis
	for verb in $(page_verbs); do
		usage=$(help_usage "$verb")
		[ -n "$usage" ] || fail "tcectl $verb --help has no usage line"
		# Each form starts with the command; one that wraps goes on
		# deeper indented.
		synopsis=$(man_section "$MAN/tcectl-$verb.1" SYNOPSIS | awk '
			NF == 0 { next }
			/^     tcectl / { if (form != "") print form; form = $0; next }
			{ form = form " " $0 }
			END { if (form != "") print form }' | sed 's/^ *//' | tr -s ' ')
		assert_equal "$synopsis" "$usage"
	done
	usage=$("$TCECTL" --help | sed -n '1s/^Usage: //p')
	man_section "$MAN/tcectl.1" SYNOPSIS | grep -qxF "     $usage"
}

@test "every option of a verb's --help is in its man page, and no other" {
	local verb options
	for verb in $(page_verbs); do
		options=$(help_options "$verb")
		assert_equal "$(man_options "$MAN/tcectl-$verb.1" items)" "$options"
		# Options named anywhere in the page are options of that verb.
		run comm -23 <(man_options "$MAN/tcectl-$verb.1" all) <(printf '%s\n' "$options")
		assert_output ""
	done
}

@test "every option named in tcectl(1) exists" {
	local opt verb verbs
	verbs=$(page_verbs)
	for verb in $verbs; do
		help_options "$verb" > "$BATS_TEST_TMPDIR/options-$verb"
	done
	sort -u "$BATS_TEST_TMPDIR"/options-* > "$BATS_TEST_TMPDIR/known"
	[ -s "$BATS_TEST_TMPDIR/known" ]
	for opt in $(comm -23 <(man_options "$MAN/tcectl.1" all) "$BATS_TEST_TMPDIR/known"); do
		# Not a verb's option: it must be one tcectl takes before a verb.
		run "$TCECTL" "$opt"
		assert_success
	done
	# The options every verb takes, as tcectl(1) lists them; watch, a
	# screen, and metrics, Prometheus' format, take the help options alone.
	for opt in -j --json -p --pretty -n --noheadings -h --help --usage; do
		for verb in $(grep -vxE 'watch|metrics' <<<"$verbs"); do
			grep -qxF -- "$opt" "$BATS_TEST_TMPDIR/options-$verb" || fail "tcectl $verb has no $opt"
		done
	done
	for verb in watch metrics; do
		for opt in -h --help --usage; do
			grep -qxF -- "$opt" "$BATS_TEST_TMPDIR/options-$verb" || fail "tcectl $verb has no $opt"
		done
		run comm -12 "$BATS_TEST_TMPDIR/options-$verb" <(printf '%s\n' -j --json -p --pretty --noheadings | sort)
		assert_output ""
	done
}

@test "the bash completion offers each verb's long options, and no other" {
	local verb verbs lines=()
	verbs=$(page_verbs)
	for verb in $verbs; do
		lines+=("tcectl $verb --")
	done
	complete_lines bash "${lines[@]}"
	for verb in $verbs; do
		run listing bash "tcectl $verb --"
		assert_success
		assert_equal "$(sed 's/=$//' <<<"$output" | sort -u)" "$(help_long_options "$verb")"
	done
}

@test "the fish completion offers each verb's long options, and no other" {
	local verb verbs lines=()
	verbs=$(page_verbs)
	for verb in $verbs; do
		lines+=("tcectl $verb --")
	done
	complete_lines fish "${lines[@]}"
	for verb in $verbs; do
		run listing fish "tcectl $verb --"
		assert_success
		assert_equal "$(sort -u <<<"$output")" "$(help_long_options "$verb")"
	done
}

@test "the zsh completion parses and offers each verb's long options" {
	run zsh -n "$COMPLETIONS/_tcectl"
	assert_success
	local verb verbs opt got lines=()
	verbs=$(page_verbs)
	for verb in $verbs; do
		lines+=("tcectl $verb -")
	done
	complete_lines zsh "${lines[@]}"
	for verb in $verbs; do
		got=$(listing zsh "tcectl $verb -")
		[ -n "$got" ] || fail "zsh lists nothing for tcectl $verb -"
		for opt in $(help_long_options "$verb"); do
			grep -qE -- "(^|[[:space:]])$opt([[:space:]]|$)" <<<"$got" ||
				fail "zsh does not offer $opt for $verb: $got"
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
	run mandoc -Tlint -W warning "$MAN"/*.1 "$MAN"/*.5
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

# "NOTE KEY" for each key that src/checkpoint.c writes with record_add():
# in build_notes(), the format note's keys come before NT_TCECTL_FORMAT is
# added, then the snapshot note's; table_record() writes a table note's.
writer_keys() {
	awk '
		/^static int table_record\(/ { fn = "table" }
		/^static int build_notes\(/ { fn = "notes"; note = "format" }
		/^}/ { fn = "" }
		fn != "" && match($0, /record_add\([^,]*, "[a-z0-9_]+"/) {
			key = substr($0, RSTART, RLENGTH)
			sub(/^[^"]*"/, "", key); sub(/"$/, "", key)
			print (fn == "table" ? "table" : note), key
		}
		fn == "notes" && /NT_TCECTL_FORMAT/ { note = "snapshot" }
		fn == "notes" && /NT_TCECTL_SNAPSHOT/ { note = "none" }' "$ROOT/src/checkpoint.c" | sort
}

# "NOTE KEY" for each key that tcectl-checkpoint(5) lists in its
# subsections "Format note", "Snapshot note" and "Table notes".
page_keys() {
	awk '
		/^\.S[hs] / { note = "" }
		/^\.Ss Format note$/ { note = "format" }
		/^\.Ss Snapshot note$/ { note = "snapshot" }
		/^\.Ss Table notes$/ { note = "table" }
		note != "" && /^\.It Cm [a-z0-9_]+$/ { print note, $3 }' "$MAN/tcectl-checkpoint.5" | sort
}

@test "tcectl-checkpoint(5) lists every key the writer puts in each note, and no other" {
	local written
	written=$(writer_keys)
	[ -n "$written" ]
	grep -q '^format ' <<<"$written"
	grep -q '^snapshot ' <<<"$written"
	grep -q '^table ' <<<"$written"
	! grep -q '^none ' <<<"$written" || fail "a key after the snapshot note: $written"
	assert_equal "$(page_keys)" "$written"
}

@test "tcectl-checkpoint(5) names the note types, owner, magic and version of src/checkpoint.h" {
	local header=$ROOT/src/checkpoint.h page=$MAN/tcectl-checkpoint.5 name value n=0
	while read -r name value; do
		grep -qE "^\.It Dv $name Ta $value Ta " "$page" || fail "no $name ($value) in the note types"
		n=$((n + 1))
	done < <(sed -n 's/^[[:space:]]*\(NT_TCECTL_[A-Z]*\) = \(0x[0-9a-fA-F]*\),.*/\1 \2/p' "$header")
	[ "$n" -eq 3 ]
	value=$(sed -n 's/^#define TCE_CKPT_MAGIC[[:space:]]*"\(.*\)"$/\1/p' "$header")
	[ -n "$value" ] && grep -qxF ".Ql $value ." "$page"
	value=$(sed -n 's/^#define TCE_CKPT_NOTE_NAME[[:space:]]*"\(.*\)"$/\1/p' "$header")
	[ -n "$value" ] && grep -qF ".Ql $value ," "$page"
	grep -qE "^\.Pq Va n_namesz No is $(( ${#value} + 1 )) \.$" "$page"
	value=$(sed -n 's/^#define TCE_CKPT_VERSION[[:space:]]*\([0-9]*\)$/\1/p' "$header")
	[ -n "$value" ] && grep -qxF ".Ql $value ," "$page"
}

# The keys of every object of a JSON document, one per line.
json_keys() {
	jq -r '[.. | objects | keys[]] | unique[]'
}

# The words a man page sets with Sy: ".Sy pid , fd" names pid and fd.
page_sy_words() {
	awk '{
		for (i = 1; i <= NF; i++) {
			if ($i != "Sy" && $i != ".Sy") continue
			for (j = i + 1; j <= NF && $j ~ /^([a-z0-9_]+|,)$/; j++)
				if ($j != ",") print $j
		}
	}' "$1" | sort -u
}

@test "every JSON key of checkpoint, inspect, verify and diff is in its page" {
	start_holder 64:mixed 64:sparse
	local dir=$BATS_TEST_TMPDIR verb keys missing=""
	"$TCECTL" checkpoint --json -o "$dir/a.tce" "$HOLDER_PID:$FD0,liobn=0x71000003" \
		"$HOLDER_PID:$FD1" >"$dir/checkpoint.json" 2>/dev/null
	holder_cmd set 0 2 0x99999003
	holder_cmd set 0 7 0x12345001
	holder_cmd set 0 9 0
	"$TCECTL" checkpoint -o "$dir/b.tce" "$HOLDER_PID:$FD0" 2>/dev/null
	"$TCECTL" inspect --json "$dir/a.tce" "$dir/none.tce" >"$dir/inspect.json" 2>/dev/null || true
	"$TCECTL" verify --json "$dir/a.tce" "$dir/none.tce" >"$dir/verify.json" 2>/dev/null || true
	{ "$TCECTL" diff --json "$dir/a.tce" "$dir/b.tce"
	  "$TCECTL" diff --json --entries "$dir/a.tce" "$HOLDER_PID:$FD0"; } 2>/dev/null |
		jq -s 'add' >"$dir/diff.json" || true
	for verb in checkpoint inspect verify diff; do
		keys=$(json_keys <"$dir/$verb.json")
		[ -n "$keys" ] || fail "no JSON from $verb"
		missing+=$(comm -23 <(sort <<<"$keys") <(page_sy_words "$MAN/tcectl-$verb.1") |
			sed "s/^/ $verb:/" | tr -d '\n')
	done
	# diff's pairs: changed, added, removed, and a table on one side only.
	for keys in changed added removed only_in matched_by; do
		grep -q "\"$keys\"" "$dir/diff.json" || fail "diff printed no $keys"
	done
	assert_equal "$missing" ""
}

@test "the completions offer checkpoint files where a TARGET or a FILE goes, and FILE:N" {
	start_holder 64:mixed 64:sparse
	cd "$BATS_TEST_TMPDIR"
	"$TCECTL" checkpoint -o ck.tce "$HOLDER_PID:$FD0" "$HOLDER_PID:$FD1" 2>/dev/null
	touch 4242
	local line lines
	# TARGET, FILE, diff's A and B, and the FILE of an option.
	lines=("tcectl dump c" "tcectl inspect c" "tcectl verify c" "tcectl diff ck.tce c"
	       "tcectl restore c" "tcectl checkpoint -o c" "tcectl checkpoint -o x.tce c")
	complete_lines bash "${lines[@]}" "tcectl restore --undo=c" "tcectl dump ck.tce:" \
		"tcectl inspect 42" "tcectl dump 42" "tcectl restore " "tcectl restore ck.tce " \
		"tcectl restore --reset " "tcectl translate ck.tce:0 "
	complete_lines fish "${lines[@]}" "tcectl restore --undo=c" "tcectl dump ck.tce:" \
		"tcectl restore " "tcectl restore --reset " "tcectl translate ck.tce:0 "
	for line in "${lines[@]}"; do
		run listing bash "$line"
		assert_output "ck.tce"
		run listing fish "$line"
		assert_output "ck.tce"
	done
	run listing bash "tcectl restore --undo=c"
	assert_output "ck.tce"	# bash completes what follows the '='
	run listing fish "tcectl restore --undo=c"
	assert_output "--undo=ck.tce"
	# The tables of a checkpoint, as tcectl inspect numbers them.
	run listing bash "tcectl dump ck.tce:"
	assert_output "$(printf '%s\n' 0 1)"
	run listing fish "tcectl dump ck.tce:"
	assert_output "$(printf '%s\n' ck.tce:0 ck.tce:1)"
	# A file named like a PID is offered as ./NAME.
	run listing bash "tcectl inspect 42"
	assert_output "./4242"
	run listing bash "tcectl dump 42"
	assert_line "./4242"
	# The FILE of restore is a file, its TARGET a process; --reset takes
	# a TARGET first.
	run listing bash "tcectl restore "
	refute_line "$HOLDER_PID"
	assert_line "ck.tce"
	run listing bash "tcectl restore ck.tce "
	assert_line "$HOLDER_PID"
	run listing bash "tcectl restore --reset "
	assert_line "$HOLDER_PID"
	run listing fish "tcectl restore "
	refute_line "$HOLDER_PID"
	run listing fish "tcectl restore --reset "
	assert_line "$HOLDER_PID"
	# No file where an address goes.
	run listing bash "tcectl translate ck.tce:0 "
	assert_success
	assert_output ""
	run listing fish "tcectl translate ck.tce:0 "
	assert_success
	assert_output ""
	# zsh lists them.
	complete_lines zsh "tcectl inspect c" "tcectl restore --undo=" "tcectl dump ck.tce:"
	run listing zsh "tcectl inspect c"
	assert_output --partial "ck.tce"
	run listing zsh "tcectl restore --undo="
	assert_output --partial "ck.tce"
	run listing zsh "tcectl dump ck.tce:"
	assert_line --regexp '^0[[:space:]]+1([[:space:]]|tcectl|$)'
}

@test "the completions offer processes but no checkpoint file where a verb reads live tables only" {
	start_holder 64:mixed
	cd "$BATS_TEST_TMPDIR"
	"$TCECTL" checkpoint -o ck.tce "$HOLDER_PID:$FD0" 2>/dev/null
	# monitor's --help says "live tables only".
	run bash_complete "tcectl monitor c"
	assert_output ""
	run bash_complete "tcectl monitor ck.tce:"
	assert_output ""
	run bash_complete "tcectl monitor $HOLDER_PID:"
	assert_line "$FD0"
	run bash_complete "tcectl monitor "
	assert_line "$HOLDER_PID"
	refute_line "ck.tce"
	# fish falls back to other matches when nothing starts with the word.
	run fish_complete "tcectl monitor c"
	refute_line "ck.tce"
	run fish_complete "tcectl monitor "
	assert_line "$HOLDER_PID"
	refute_line "ck.tce"
	run zsh_complete "tcectl monitor c"
	refute_output --partial "ck.tce"
}

@test "the completions offer the values that an option's help lists" {
	# "Byte order of the entries in the file: host (default), little or big"
	local expected
	expected=$(printf '%s\n' big host little)
	run bash_complete "tcectl checkpoint --byte-order "
	assert_equal "$(sort <<<"$output")" "$expected"
	run bash_complete "tcectl checkpoint --byte-order="
	assert_equal "$(sort <<<"$output")" "$expected"
	run fish_complete "tcectl checkpoint --byte-order "
	assert_equal "$(sort <<<"$output")" "$expected"
	run zsh_complete "tcectl checkpoint --byte-order="
	assert_line --regexp '^big[[:space:]]+host[[:space:]]+little([[:space:]]|tcectl|$)'
}

@test "the completions offer watch's own options, its --attach values and its targets" {
	start_holder 64:mixed
	run bash_complete "tcectl watch -"
	assert_equal "$(sort <<<"$output")" "$(printf '%s\n' --attach= --count= --help --interval= --usage)"
	run fish_complete "tcectl watch --attach="
	assert_equal "$(sort <<<"$output")" "$(printf '%s\n' --attach=fd --attach=mapping)"
	run bash_complete "tcectl watch $HOLDER_PID:"
	assert_line "$FD0"
	run zsh_complete "tcectl watch --attach="
	assert_line --regexp '^fd[[:space:]]+mapping([[:space:]]|tcectl|$)'
}

@test "the completions offer directories for metrics --textfile-dir" {
	mkdir -p "$BATS_TEST_TMPDIR/prom.d"
	: > "$BATS_TEST_TMPDIR/prom.file"
	cd "$BATS_TEST_TMPDIR"
	complete_lines bash "tcectl metrics --textfile-dir prom" "tcectl metrics --textfile-dir=prom"
	run listing bash "tcectl metrics --textfile-dir prom"
	assert_output prom.d
	# bash splits the word at "=", as for --byte-order=.
	run listing bash "tcectl metrics --textfile-dir=prom"
	assert_output prom.d
	run fish_complete "tcectl metrics --textfile-dir=prom"
	assert_output --textfile-dir=prom.d/
	run zsh_complete "tcectl metrics --textfile-dir=prom"
	assert_output --partial prom.d
	refute_output --partial prom.file
}

@test "the completions offer check's --severity values" {
	local expected
	expected=$(printf '%s\n' critical notice warning)
	run bash_complete "tcectl check --severity="
	assert_equal "$(sort <<<"$output")" "$expected"
	run fish_complete "tcectl check --severity "
	assert_equal "$(sort <<<"$output")" "$expected"
	run zsh_complete "tcectl check --severity="
	assert_line --regexp '^critical[[:space:]]+notice[[:space:]]+warning([[:space:]]|tcectl|$)'
}

@test "the completions offer check's monitor options, as list's" {
	local verb
	for verb in list check; do
		run bash_complete "tcectl $verb --qmp-t"
		assert_output --qmp-timeout=
		run bash_complete "tcectl $verb --no-q"
		assert_output --no-qmp
	done
}

@test "the completions offer vm:NAME from the -name of running processes" {
	# QEMU reads ",," as a comma, and the last -name counts.
	# Test files run side by side: the name is this test's own.
	local u=t$$
	start_holder 64:mixed -- -S -name "$u-x,process=p" -name "guest=$u-a,,b,debug-threads=on"
	run bash_complete "tcectl dump vm:$u-"
	assert_output "$u-a,b"	# bash completes what follows the ':'
	run bash_complete "tcectl list v"
	assert_line "vm:$u-a,b"
	run fish_complete "tcectl dump vm:$u-"
	assert_output "vm:$u-a,b"
	run zsh_complete "tcectl dump vm:$u-"
	assert_output --partial "$u-a,b"
	assert_output --partial "$HOLDER_PID"
	refute_output --partial "$u-x"
}
