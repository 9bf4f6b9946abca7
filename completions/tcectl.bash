# SPDX-License-Identifier: GPL-2.0-or-later
# bash completion for tcectl(1).
#
# Nothing here is a copy of tcectl's interface: the verbs come from
# `tcectl help`, each verb's options from `tcectl VERB --help`, the columns
# from `tcectl list --list-columns`, so the completion follows the tcectl
# that is installed.  Targets are completed from /proc: PIDs, then PID:FD.

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
long != "" && /^ +[^ -]/ && match($0, /^ +/) && RLENGTH > 8 { line = $0; sub(/^ +/, "", line); desc = desc " " line; next }
{ flush() }
END { flush() }
'

_tcectl_verbs() {
	"$1" help 2>/dev/null | awk '{ print $1 }'
}

_tcectl_options() {
	"$1" "$2" --help 2>/dev/null | awk "$_tcectl_options_awk"
}

# _tcectl_option_arg BIN VERB WORD: the ARG name of option WORD, if it takes one.
_tcectl_option_arg() {
	local long shorts arg desc
	while IFS=$'\t' read -r long shorts arg desc; do
		[[ $arg == - ]] && continue
		if [[ $3 == "$long" || ,$shorts, == *,"$3",* ]]; then
			printf '%s\n' "$arg"
			return 0
		fi
	done < <(_tcectl_options "$1" "$2")
	return 1
}

# _tcectl_value BIN ARG CUR: values for an option argument named ARG.
# Both LIST (columns, with an optional leading +) and PERMS are
# comma-separated; names already in the list are not offered again.
_tcectl_value() {
	local head="" names=() name
	case $2 in
	LIST) mapfile -t names < <("$1" list --list-columns 2>/dev/null | awk '{ print $1 }') ;;
	PERMS) names=(rw r w -) ;;	# TCE permission bits: fixed by PAPR
	*) return ;;
	esac
	[[ $3 == *,* ]] && head=${3%,*},
	[[ $2 == LIST && $3 == +* && -z $head ]] && head=+
	for name in "${names[@]}"; do
		[[ ,${head#+}, == *,"$name",* ]] && continue
		[[ $name == "${3##*[,+]}"* ]] && printf '%s%s\n' "$head" "$name"
	done
}

# _tcectl_targets BIN VERB CUR: PID, PID:FD or PID:FD,KEY=.
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
	# Processes holding a table; every process when none does (or we may
	# not look), so that PID:FD still works for other descriptors.
	local pids
	pids=$(find /proc/[0-9]*/fd -maxdepth 1 -lname '*kvm-spapr-tce*' 2>/dev/null |
		cut -d/ -f3 | sort -un)
	[[ -n $pids ]] || pids=$(cd /proc && printf '%s\n' [0-9]*)
	compgen -W "$pids" -- "$cur"
}

_tcectl() {
	local words=() cword cur prefix="" line
	# bash splits words at ':' and '=' (COMP_WORDBREAKS), which cuts
	# PID:FD and --output=LIST apart; rebuild the words from the line.
	if [[ -n ${COMP_LINE-} ]]; then
		line=${COMP_LINE:0:COMP_POINT}
		read -r -a words <<<"$line"
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
	return 0
}

# _tcectl_verb BIN VERB CWORD WORD...: candidates after the verb.
_tcectl_verb() {
	local bin=$1 verb=$2 cword=$3
	shift 3
	local words=("$@") cur=${words[cword]} prev=${words[cword - 1]} arg

	# The value of --name=VALUE, or of an option given before this word.
	if [[ $cur == --*=* ]] && arg=$(_tcectl_option_arg "$bin" "$verb" "${cur%%=*}"); then
		_tcectl_value "$bin" "$arg" "${cur#*=}" | sed "s|^|${cur%%=*}=|"
		return
	fi
	if ((cword > 2)) && [[ $prev == -* && $prev != *=* ]] &&
		arg=$(_tcectl_option_arg "$bin" "$verb" "$prev"); then
		_tcectl_value "$bin" "$arg" "$cur"
		return
	fi
	if [[ $cur == -* ]]; then
		local long shorts desc
		while IFS=$'\t' read -r long shorts arg desc; do
			[[ $arg == - ]] || long+==
			[[ $long == "$cur"* ]] && printf '%s\n' "$long"
		done < <(_tcectl_options "$bin" "$verb")
		return
	fi

	# Which operand is this?  Skip options and the values they take.
	local i n=0 w
	for ((i = 2; i < cword; i++)); do
		w=${words[i]}
		if [[ $w == -* && $w != *=* ]]; then
			_tcectl_option_arg "$bin" "$verb" "$w" >/dev/null && ((i++))
		elif [[ $w != -* ]]; then
			((n++))
		fi
	done
	# The usage line names the operands ("TARGET IOBA...", "TARGET...
	# GPA[-GPA]"); one ending in "..." repeats.  Complete targets only
	# where a TARGET goes.
	local operands
	read -r -a operands < <("$bin" "$verb" --help 2>/dev/null |
		sed -n '1s/^Usage:.*\[OPTION\.\.\.\] *//p')
	for ((i = 0; i < ${#operands[@]}; i++)); do
		((i == n)) || [[ ${operands[i]} == *...* ]] && break
	done
	((i < ${#operands[@]})) && [[ ${operands[i]} == *TARGET* ]] &&
		_tcectl_targets "$bin" "$verb" "$cur"
}

complete -F _tcectl tcectl
