# SPDX-License-Identifier: GPL-2.0-or-later
setup_suite() {
	[ -x "$TCECTL" ] || { echo "TCECTL=$TCECTL is not executable; run make check" >&2; return 1; }
	[ -x "$TCE_HOLDER" ] || { echo "TCE_HOLDER=$TCE_HOLDER is not executable" >&2; return 1; }
}
