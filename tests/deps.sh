#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Installs what building and testing tcectl needs on Debian 12, and only
# what is missing, so a fresh machine needs nothing done by hand.
set -eu

# parallel: tests/cli/bats.sh runs the test files side by side with it.
packages="make gcc clang libc6-dev pkg-config bats bats-support bats-assert parallel jq mandoc
	  bash-completion zsh fish time file util-linux gcc-powerpc64le-linux-gnu
	  libc6-dev-ppc64el-cross libelf-dev zlib1g-dev libzstd-dev libncurses-dev libjson-c-dev tmux"
# make check-asan and make fuzz: clang's sanitizer and libFuzzer runtimes
# (only recommended by clang), and llvm-symbolizer for readable reports.
packages="$packages libclang-rt-dev llvm"
# tcectl metrics: promtool (in prometheus) checks its output, node_exporter's
# textfile collector scrapes it, curl reads node_exporter; systemd-analyze
# verifies contrib/systemd and strace checks its system call filter.
packages="$packages prometheus prometheus-node-exporter curl systemd strace"
# The README's fleet one-liners (tests/cli/85-incident.bats): pdsh and Ansible.
packages="$packages pdsh ansible-core"

missing=
for p in $packages; do
	dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

echo "installing:$missing"
sudo=
[ "$(id -u)" -eq 0 ] || sudo=sudo
export DEBIAN_FRONTEND=noninteractive
# An unreachable secondary index (a security mirror) must not stop us when
# the main archive is fine: the install below fails clearly if it is not.
$sudo apt-get update -qq || echo "apt-get update reported errors; trying the install anyway" >&2
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null ||
	{ echo "tests/deps.sh: cannot install:$missing" >&2; exit 1; }
