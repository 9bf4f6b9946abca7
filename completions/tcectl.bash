# SPDX-License-Identifier: GPL-2.0-or-later
# bash completion for tcectl(1).
#
# Nothing here is a copy of tcectl's interface: the verbs come from
# `tcectl help`, each verb's options from `tcectl VERB --help`, the columns
# from `tcectl list --list-columns`, the tables of a checkpoint file from
# `tcectl inspect --json`, so the completion follows the tcectl that is
# installed.  Targets are completed from /proc (PIDs, then PID:FD, and
# vm:NAME from the -name of command lines) and from the file system
# (checkpoint FILE, then FILE:N).

# Reads argp --help output; prints one line per option:
#   LONG <tab> SHORTS (comma-separated, or -) <tab> ARG (or -) <tab> HELP
# Option lines are indented by at most 8 columns, their continuation
# lines by more.
_tcectl_options_awk='
function flush() { if (long != "") print long "\t" shorts "\t" arg "\t" desc; long = "" }
/^ +-/ && match($0, /^ +/) && RLENGTH <= 8 {
	flush()
	line = $0; sub(/^ +/, "", line)
	head = line; sub(/   *.*/, "", head)
	desc = ""; if (match(line, /   */)) desc = substr(line, RSTART + RLENGTH)
	n = split(head, tok, /, */); shorts = "-"; arg = "-"
	for (i = 1; i <= n; i++) {
		t = tok[i]
		if (t ~ /^--/) {
			if (match(t, /\[=/)) { arg = substr(t, RSTART + 2); sub(/\]$/, "", arg); t = substr(t, 1, RSTART - 1) }
			else if (match(t, /=/)) { arg = substr(t, RSTART + 1); t = substr(t, 1, RSTART - 1) }
			long = t
		} else shorts = (shorts == "-" ? "" : shorts ",") t
	}
	next
}
long != "" && /^ +[^ ]/ && match($0, /^ +/) && RLENGTH > 8 { line = $0; sub(/^ +/, "", line); desc = desc " " line; next }
{ flush() }
END { flush() }
'

_tcectl_verbs() {
	"$1" help 2>/dev/null | awk '{ print $1 }'
}

_tcectl_options() {
	"$1" "$2" --help 2>/dev/null | awk "$_tcectl_options_awk"
}

# _tcectl_option_arg BIN VERB WORD: the ARG name of option WORD, if it takes
# one; with -d, its help text instead.  _tcectl_verb keeps the verb's
# options in _tcectl_opts, so --help runs once per completion.
_tcectl_option_arg() {
	local field=arg
	[[ $1 == -d ]] && field=desc && shift
	local long shorts arg desc
	while IFS=$'\t' read -r long shorts arg desc; do
		[[ $arg == - ]] && continue
		if [[ $3 == "$long" || ,$shorts, == *,"$3",* ]]; then
			printf '%s\n' "${!field}"
			return 0
		fi
	done <<<"${_tcectl_opts-$(_tcectl_options "$1" "$2")}"
	return 1
}

# _tcectl_value BIN VERB OPTION CUR: values for the argument of OPTION.
# LIST (columns, with an optional leading +) and PERMS are comma-separated
# lists; names already in the list are not offered again.  FILE and
# SOCKET (a QMP monitor's) are paths, DIR a directory.  Any other
# argument whose help ends in a list of words ("...: host
# (default), little or big") takes one of those words.
_tcectl_value() {
	local bin=$1 arg head="" names=() name
	arg=$(_tcectl_option_arg "$1" "$2" "$3") || return
	case $arg in
	LIST) mapfile -t names < <("$bin" list --list-columns 2>/dev/null | awk '{ print $1 }') ;;
	PERMS) names=(rw r w -) ;;	# TCE permission bits: fixed by PAPR
	FILE|SOCKET) _tcectl_files "$4"; return ;;
	DIR) compgen -d -- "$4"; return ;;
	*)
		mapfile -t names < <(_tcectl_option_arg -d "$1" "$2" "$3" | _tcectl_choices)
		compgen -W "${names[*]}" -- "$4"
		return
		;;
	esac
	[[ $4 == *,* ]] && head=${4%,*},
	[[ $arg == LIST && $4 == +* && -z $head ]] && head=+
	for name in "${names[@]}"; do
		[[ ,${head#+}, == *,"$name",* ]] && continue
		[[ $name == "${4##*[,+]}"* ]] && printf '%s%s\n' "$head" "$name"
	done
}

# The words an option's help text ends with, after its last ": ", when
# they are a list such as "host (default), little or big"; one per line.
_tcectl_choices() {
	sed -n '/: /!d; s/.*: //; s/ ([^)]*)//g; /^[a-z0-9-]*\(, [a-z0-9-]*\)*\( or [a-z0-9-]*\)\{0,1\}$/{ s/,* or /\n/; s/, /\n/g; p; }'
}

# _tcectl_files CUR: paths, for checkpoint files.  A name that tcectl
# would read as a PID (1234, 1234:5) is offered as ./1234.
_tcectl_files() {
	local f
	compgen -f -- "$1" | while IFS= read -r f; do
		[[ $f =~ ^[0-9]+([:,]|$) ]] && f=./$f
		printf '%s\n' "$f"
	done
}

# _tcectl_file_tables BIN CUR: FILE:N for each table of checkpoint FILE,
# when CUR is FILE: or FILE:N.
_tcectl_file_tables() {
	local path=${2%:*} line
	[[ $2 == *:* && -f $path && ! $path =~ ^[0-9]+$ ]] || return 1
	"$1" inspect --json -- "$path" 2>/dev/null | grep -o '"index":[0-9]*' |
		while IFS= read -r line; do
			[[ $path:${line#*:} == "$2"* ]] && printf '%s:%s\n' "$path" "${line#*:}"
		done
	return 0
}

# _tcectl_live_only BIN VERB: whether VERB reads live tables only, as its
# --help says ("live tables only"): then no checkpoint file is a target.
_tcectl_live_only() {
	"$1" "$2" --help 2>/dev/null | grep -q 'live tables only'
}

# _tcectl_guest VALUE: the guest name in a -name VALUE, read as QEMU reads
# it: a first item without '=' is the name, else guest=NAME; ",," is ','.
_tcectl_guest() {
	local v=${1//,,/$'\1'} item name= first=1
	local -a items
	IFS=, read -r -d '' -a items < <(printf '%s' "$v")
	for item in "${items[@]}"; do
		if ((first)) && [[ $item != *=* ]]; then
			name=$item
		elif [[ $item == guest=* ]]; then
			name=${item#guest=}
		fi
		first=0
	done
	printf '%s' "${name//$'\1'/,}"
}

# _tcectl_vm_names CUR: vm:NAME starting with CUR for each process whose
# command line has -name (one grep finds them all: cheap).
_tcectl_vm_names() {
	local f arg next name
	while IFS= read -r f; do
		next= name=
		while IFS= read -r -d '' arg; do
			[[ -n $next ]] && name=$(_tcectl_guest "$arg")
			next=
			[[ $arg == -name || $arg == --name ]] && next=1
		done 2>/dev/null <"$f"
		[[ -n $name && $name != *$'\n'* && vm:$name == "$1"* ]] && printf 'vm:%s\n' "$name"
	done < <(grep -lzx -e -name -e --name /proc/[0-9]*/cmdline 2>/dev/null)
}

# _tcectl_targets BIN VERB CUR: PID, PID:FD or PID:FD,KEY=; a checkpoint
# FILE or FILE:N, unless the verb reads live tables only.
_tcectl_targets() {
	local bin=$1 verb=$2 cur=$3 pid fds fd keys link
	if [[ $cur =~ ^([0-9]+):[0-9]*,(.*)$ ]]; then
		# Geometry keys, as the verb's help spells the target syntax.
		keys=$({ "$bin" "$verb" --help; "$bin" list --help; } 2>/dev/null |
			grep -o 'PID:FD,[a-z]*=[^ ;]*' | head -n 1 | tr ',' '\n' |
			sed -n 's/^\([a-z][a-z]*\)=.*/\1=/p')
		local head=${cur%,*},
		compgen -P "$head" -W "$keys" -- "${cur##*,}"
		return
	fi
	if [[ $cur =~ ^([0-9]+): ]]; then
		pid=${BASH_REMATCH[1]}
		fds=()
		for fd in /proc/"$pid"/fd/*; do
			link=$(readlink "$fd" 2>/dev/null) || continue
			[[ $link == *kvm-spapr-tce* ]] && fds+=("${fd##*/}")
		done
		if ((${#fds[@]} == 0)); then
			for fd in /proc/"$pid"/fd/*; do
				[[ -e $fd || -L $fd ]] && fds+=("${fd##*/}")
			done
		fi
		compgen -P "$pid:" -W "${fds[*]}" -- "${cur#*:}"
		return
	fi
	if [[ $cur == vm:* ]]; then
		_tcectl_vm_names "$cur" | sort -u
		return
	fi
	local files=1
	_tcectl_live_only "$bin" "$verb" && files=
	if [[ -n $files ]] && _tcectl_file_tables "$bin" "$cur"; then
		return
	fi
	# Processes holding a table; every process when none does (or we may
	# not look), so that PID:FD still works for other descriptors.
	local pids
	pids=$(find /proc/[0-9]*/fd -maxdepth 1 -lname '*kvm-spapr-tce*' 2>/dev/null |
		cut -d/ -f3 | sort -un)
	[[ -n $pids ]] || pids=$(cd /proc && printf '%s\n' [0-9]*)
	compgen -W "$pids" -- "$cur"
	[[ vm: == "$cur"* ]] && _tcectl_vm_names "$cur" | sort -u
	if [[ -n $files ]]; then
		_tcectl_files "$cur"
	fi
}

_tcectl() {
	local words=() cword cur prefix="" line
	# bash splits words at ':' and '=' (COMP_WORDBREAKS), which cuts
	# PID:FD and --output=LIST apart; rebuild the words from the line.
	if [[ -n ${COMP_LINE-} ]]; then
		line=${COMP_LINE:0:COMP_POINT}
		# Without -r, read keeps a backslash-escaped blank in its word,
		# as in a file name typed "my\ vm.tce".
		# shellcheck disable=SC2162
		read -a words <<<"$line"
		[[ -z $line || $line == *[[:space:]] ]] && words+=("")
		cword=$((${#words[@]} - 1))
	else
		words=("${COMP_WORDS[@]:0:COMP_CWORD+1}")
		cword=$COMP_CWORD
	fi
	cur=${words[cword]}
	if [[ -n ${COMP_LINE-} ]]; then
		# readline replaces only what follows the last word break.
		local i breaks=${COMP_WORDBREAKS- }
		for ((i = ${#cur} - 1; i >= 0; i--)); do
			[[ ${cur:i:1} != [[:space:]] && $breaks == *"${cur:i:1}"* ]] && break
		done
		prefix=${cur:0:i+1}
	fi

	local bin=${words[0]/#\~/$HOME} verb=${words[1]-} candidates=()
	if ((cword == 1)); then
		mapfile -t candidates < <(compgen -W "$(_tcectl_verbs "$bin")" -- "$cur")
	elif [[ $verb == help ]]; then
		((cword == 2)) &&
			mapfile -t candidates < <(compgen -W "$(_tcectl_verbs "$bin" | grep -vx help)" -- "$cur")
	elif _tcectl_verbs "$bin" | grep -qxF -- "$verb"; then
		mapfile -t candidates < <(_tcectl_verb "$bin" "$verb" "$cword" "${words[@]}")
	fi
	COMPREPLY=()
	local c
	for c in "${candidates[@]}"; do
		[[ $c == "$prefix"* ]] && COMPREPLY+=("${c#"$prefix"}")
	done
	# An option that takes a value is offered as --name=, and a geometry
	# key as KEY=: no space after them.
	if ((${#COMPREPLY[@]} == 1)) && [[ ${COMPREPLY[0]} == *= ]]; then
		compopt -o nospace 2>/dev/null
	fi
	# Paths: readline quotes them and ends a directory with '/'.
	for c in "${COMPREPLY[@]}"; do
		if [[ -e $c || -L $c ]]; then
			compopt -o filenames 2>/dev/null
			break
		fi
	done
	return 0
}

# _tcectl_verb BIN VERB CWORD WORD...: candidates after the verb.
_tcectl_verb() {
	local bin=$1 verb=$2 cword=$3
	shift 3
	local words=("$@")
	local cur=${words[cword]} prev=${words[cword - 1]} arg
	local _tcectl_opts
	_tcectl_opts=$(_tcectl_options "$bin" "$verb")

	# The value of --name=VALUE, or of an option given before this word.
	if [[ $cur == --*=* ]] && _tcectl_option_arg "$bin" "$verb" "${cur%%=*}" >/dev/null; then
		local value
		_tcectl_value "$bin" "$verb" "${cur%%=*}" "${cur#*=}" | while IFS= read -r value; do
			printf '%s=%s\n' "${cur%%=*}" "$value"
		done
		return
	fi
	if ((cword > 2)) && [[ $prev == -* && $prev != *=* ]] &&
		_tcectl_option_arg "$bin" "$verb" "$prev" >/dev/null; then
		_tcectl_value "$bin" "$verb" "$prev" "$cur"
		return
	fi
	if [[ $cur == -* ]]; then
		local long shorts desc
		while IFS=$'\t' read -r long shorts arg desc; do
			[[ $arg == - ]] || long+='='
			[[ $long == "$cur"* ]] && printf '%s\n' "$long"
		done <<<"$_tcectl_opts"
		return
	fi

	# What the usage line calls this operand.  TARGET is a process or a
	# checkpoint file; so are diff's A and B ("each a live target or a
	# checkpoint file", says its --help).  FILE is a file.  Addresses
	# (IOBA, GPA) are not completed.
	case $(_tcectl_operand "$bin" "$verb" "$cword" "${words[@]}") in
	*TARGET* | A | B) _tcectl_targets "$bin" "$verb" "$cur" ;;
	FILE*) _tcectl_files "$cur" ;;
	esac
}

# _tcectl_operand BIN VERB CWORD WORD...: the name the usage line gives
# the operand at CWORD (TARGET, FILE, IOBA...), if any.
_tcectl_operand() {
	local bin=$1 verb=$2 cword=$3
	shift 3
	local words=("$@") i w n=0 tok req ok best="" best_req=-1 given=" "
	local -a toks ops

	# The options given before this word, and how many operands.
	for ((i = 2; i < cword; i++)); do
		w=${words[i]}
		if [[ $w == -* ]]; then
			given+="${w%%=*} "
			[[ $w != *=* ]] && _tcectl_option_arg "$bin" "$verb" "$w" >/dev/null && ((i++))
		else
			((n++))
		fi
	done
	# Each form of the usage: "Usage: tcectl VERB [OPTION...] FILE TARGET",
	# "  or:  tcectl VERB [OPTION...] --reset TARGET".  An option and its
	# value (-o FILE) are not operands; an option without one (--reset)
	# makes its form apply once it is given, and then wins.
	while read -r -a toks; do
		ops=() req=0 ok=1
		for ((i = 0; i < ${#toks[@]}; i++)); do
			tok=${toks[i]}
			if [[ $tok != -* ]]; then
				ops+=("$tok")
			elif _tcectl_option_arg "$bin" "$verb" "$tok" >/dev/null; then
				((i++))
			else
				((req++))
				[[ $given == *" $tok "* ]] || ok=0
			fi
		done
		((ok && req > best_req)) && best="${ops[*]}" best_req=$req
	done < <("$bin" "$verb" --help 2>/dev/null |
		sed -n -e 's/^Usage:.*\[OPTION\.\.\.\] *//p' -e 's/^ *or: .*\[OPTION\.\.\.\] *//p')
	# One ending in "..." repeats: "TARGET IOBA...", "TARGET... GPA[-GPA]".
	read -r -a ops <<<"$best"
	for ((i = 0; i < ${#ops[@]}; i++)); do
		((i == n)) || [[ ${ops[i]} == *...* ]] && break
	done
	((i < ${#ops[@]})) && printf '%s\n' "${ops[i]}"
}

complete -F _tcectl tcectl
