# SPDX-License-Identifier: GPL-2.0-or-later
# fish completion for tcectl(1).
#
# Nothing here is a copy of tcectl's interface: when this file is loaded,
# the verbs come from `tcectl help` and each verb's options from
# `tcectl VERB --help`; the columns come from `tcectl list --list-columns`
# and the tables of a checkpoint file from `tcectl inspect --json` when
# they are needed.  Targets are completed from /proc (PID, PID:FD, vm:NAME)
# and from the file system (checkpoint FILE, FILE:N).

# Reads argp --help output; prints one line per option:
#   LONG <tab> SHORTS (comma-separated, or -) <tab> ARG (or -) <tab> HELP
# Option lines are indented by at most 8 columns, their continuation
# lines by more.
set -g __tcectl_options_awk '
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

# The verb on the command line, if any.
function __tcectl_verb
    set -l words (commandline -opc)
    set -q words[2]; and echo $words[2]
end

function __tcectl_verb_is
    test "$(__tcectl_verb)" = "$argv[1]"
end

# Values for an option argument named $argv[1] (LIST: columns, PERMS:
# permissions), for the comma-separated list in the current token; FILE:
# a path; DIR: a directory.
function __tcectl_values
    set -l token (commandline -ct | string replace -r '^--[^=]*=' '')
    set -l head (string match -r '^.*,' -- $token)
    if test -z "$head"; and test "$argv[1]" = LIST
        set head (string match -r '^\+' -- $token)
    end
    switch $argv[1]
        case LIST
            tcectl list --list-columns 2>/dev/null | while read -l name help
                contains -- $name (string split , -- (string trim -l -c + -- $head)); or printf '%s%s\t%s\n' "$head" $name $help
            end
        case PERMS
            # TCE permission bits: fixed by PAPR.
            for p in rw r w -
                contains -- $p (string split , -- $head); or printf '%s%s\n' "$head" $p
            end
        case FILE SOCKET
            __tcectl_files $token
        case DIR
            __fish_complete_directories $token
    end
end

# The words an option's help text ends with, after its last ": ", when
# they are a list such as "host (default), little or big".
function __tcectl_choices
    string match -q -- '*: *' "$argv[1]"; or return
    set -l list (string replace -r '.*: ' '' -- "$argv[1]" | string replace -ra ' \([^)]*\)' '')
    string match -qr -- '^[a-z0-9-]+(, [a-z0-9-]+)*( or [a-z0-9-]+)?$' "$list"; or return
    string split , -- (string replace ' or ' , -- $list) | string trim
end

# Paths, for checkpoint files; a name that tcectl would read as a PID
# (1234, 1234:5) is offered as ./1234.
function __tcectl_files
    for f in (__fish_complete_path "$argv[1]")
        string match -qr -- '^[0-9]+([:,]|\t|$)' $f; and set f ./$f
        printf '%s\n' $f
    end
end

# What the usage line calls the operand in the current token (TARGET,
# FILE, IOBA...), if anything.  Each form of the usage counts ("Usage:
# tcectl VERB [OPTION...] FILE TARGET", "  or:  tcectl VERB [OPTION...]
# --reset TARGET"): an option and its value (-o FILE) are not operands,
# and an option without one (--reset) makes its form apply once it is
# given, and then wins.  One operand ending in "..." repeats.
function __tcectl_operand
    set -l verb (__tcectl_verb)
    test -n "$verb"; or return 1
    string match -qr -- '^-' (commandline -ct); and return 1
    set -l help (tcectl $verb --help 2>/dev/null)
    set -l takes (printf '%s\n' $help | awk $__tcectl_options_awk | awk -F '\t' '$3 != "-" { print $1; n = split($2, s, ","); for (i = 1; i <= n; i++) print s[i] }')
    set -l words (commandline -opc)
    set -l given
    set -l n 0
    set -l skip 0
    for w in $words[3..-1]
        if test $skip = 1
            set skip 0
        else if string match -qr -- '^-' $w
            set -a given (string replace -r '=.*' '' -- $w)
            not string match -q -- '*=*' $w; and contains -- $w $takes; and set skip 1
        else
            set n (math $n + 1)
        end
    end
    set -l best
    set -l best_req -1
    for form in (string replace -rf '^(Usage:| *or:) .*\[OPTION\.\.\.\] *' '' -- $help)
        set -l ops
        set -l req 0
        set -l ok 1
        set -l toks (string split -n ' ' -- $form)
        set -l i 1
        while test $i -le (count $toks)
            set -l tok $toks[$i]
            if not string match -qr -- '^-' $tok
                set -a ops $tok
            else if contains -- $tok $takes
                set i (math $i + 1)
            else
                set req (math $req + 1)
                contains -- $tok $given; or set ok 0
            end
            set i (math $i + 1)
        end
        if test $ok = 1 -a $req -gt $best_req
            set best $ops
            set best_req $req
        end
    end
    set -l i 1
    for op in $best
        if test (math $i - 1) -eq $n; or string match -q -- '*...*' $op
            echo $op
            return
        end
        set i (math $i + 1)
    end
    return 1
end

# A TARGET is a process or a checkpoint file; so are diff's A and B ("each
# a live target or a checkpoint file", says its --help).
# (string match with no argument would read standard input: quote $op.)
function __tcectl_wants_target
    set -l op (__tcectl_operand); or return 1
    string match -qr -- '^(.*TARGET.*|A|B)$' "$op"
end

function __tcectl_wants_file
    set -l op (__tcectl_operand); or return 1
    string match -q -- 'FILE*' "$op"
end

# vm:NAME and its pid for each process whose command line has -name (one
# grep finds them all: cheap), the name read as QEMU reads it: a first
# item without '=' is the name, else guest=NAME; ",," is a comma.
function __tcectl_vm_names
    set -l dirs (string match -r -- '^/proc/[0-9]+$' /proc/*)
    for f in (grep -lzx -e -name -e --name $dirs/cmdline 2>/dev/null)
        set -l args (string split0 <$f 2>/dev/null)
        set -l name
        for i in (seq (math (count $args) - 1))
            contains -- $args[$i] -name --name; or continue
            set -l items (string split , -- (string replace -a ,, \x01 -- $args[(math $i + 1)]))
            set name
            for k in (seq (count $items))
                if test $k = 1; and not string match -q -- '*=*' $items[$k]
                    set name $items[$k]
                else if string match -q -- 'guest=*' $items[$k]
                    set name (string replace guest= '' -- $items[$k])
                end
            end
        end
        set -q name[1]; and test -n "$name"; and printf 'vm:%s\t%s\n' (string replace -a \x01 , -- $name) (string split / -- $f)[3]
    end
end

# PID, then PID:FD (the descriptors of that process, its TCE tables
# first), then the geometry keys the verb's help names; or a checkpoint
# FILE, then FILE:N (its tables, as tcectl inspect numbers them), unless
# the verb's help says it reads "live tables only".
function __tcectl_targets
    set -l token (commandline -ct)
    set -l files 1
    tcectl (__tcectl_verb) --help 2>/dev/null | string match -q -- '*live tables only*'; and set files 0
    if string match -qr -- '^[0-9]+:[0-9]*,' $token
        set -l verb (__tcectl_verb)
        set -l syntax (begin; tcectl $verb --help; tcectl list --help; end 2>/dev/null | string match -r 'PID:FD,[a-z]+=[^ ;]*')[1]
        set -l head (string match -r '^.*,' -- $token)
        for key in (string split , -- $syntax)[2..-1]
            printf '%s%s=\n' $head (string replace -r '=.*' '' -- $key)
        end
        return
    end
    if set -l m (string match -r -- '^([0-9]+):' $token)
        set -l pid $m[2]
        set -l tables
        set -l others
        for fd in /proc/$pid/fd/*
            set -l link (readlink $fd 2>/dev/null); or continue
            if string match -q -- '*kvm-spapr-tce*' $link
                set -a tables $pid:(path basename $fd)\t$link
            else
                set -a others $pid:(path basename $fd)\t$link
            end
        end
        if set -q tables[1]
            printf '%s\n' $tables
        else
            printf '%s\n' $others
        end
        return
    end
    if string match -q -- 'vm:*' $token
        __tcectl_vm_names
        return
    end
    if test $files = 1; and set -l m (string match -r -- '^(.*):[0-9]*$' $token)
        if test -f "$m[2]"; and not string match -qr -- '^[0-9]+$' $m[2]
            tcectl inspect --json -- $m[2] 2>/dev/null | string match -ar '"index":[0-9]+' | string replace '"index":' "$m[2]:"
            return
        end
    end
    # Processes holding a table; every process when none does (or we may
    # not look), so that PID:FD still works for other descriptors.
    set -l dirs (string match -r -- '^/proc/[0-9]+$' /proc/*)
    set -l pids (find $dirs/fd -maxdepth 1 -lname '*kvm-spapr-tce*' 2>/dev/null | cut -d/ -f3 | sort -un)
    set -q pids[1]; or set pids (path basename $dirs)
    # One grep for every comm: a process may end meanwhile, and fish warns
    # about a redirection from a file that is gone, whatever 2>/dev/null.
    set -q pids[1]; and grep -s -H '' /proc/$pids/comm | string replace -r -- '^/proc/([0-9]+)/comm:' '$1\t'
    string match -q -- "$token*" vm:; and __tcectl_vm_names
    test $files = 1; and __tcectl_files $token
end

complete -c tcectl -f

# Verbs, and the verb after `tcectl help` (all but help itself); then
# each verb's options, as its --help lists them.
if command -q tcectl
    set -l verbs
    tcectl help 2>/dev/null | while read -l verb summary
        complete -c tcectl -n __fish_use_subcommand -a $verb -d $summary
        test $verb = help; or complete -c tcectl -n "__fish_seen_subcommand_from help; and test (count (commandline -opc)) -eq 2" -a $verb -d $summary
        set -a verbs $verb
    end

    for verb in $verbs
        test $verb = help; and continue
        tcectl $verb --help 2>/dev/null | awk $__tcectl_options_awk | while read -l -d \t long shorts arg desc
            set -l spec -c tcectl -n "__tcectl_verb_is $verb" -l (string replace -r '^--' '' -- $long) -d $desc
            for short in (string split , -- $shorts)
                # fish takes single-letter short options only; -? stays out.
                string match -qr -- '^-[A-Za-z0-9]$' $short; and set -a spec -s (string sub -s 2 -- $short)
            end
            if test $arg != -
                set -l choices (__tcectl_choices $desc)
                if set -q choices[1]
                    set -a spec -x -a "$choices"
                else
                    set -a spec -x -a "(__tcectl_values $arg)"
                end
            end
            complete $spec
        end
    end
end

complete -c tcectl -n __tcectl_wants_target -a '(__tcectl_targets)'
complete -c tcectl -n __tcectl_wants_file -a '(__tcectl_files (commandline -ct))'
