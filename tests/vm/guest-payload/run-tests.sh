#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Runs inside the nested QEMU guest.  Reads both disks so the v-scsi and
# virtio-pci drivers map DMA through their TCE tables, says it is ready,
# then keeps reading with the page cache dropped, so mappings keep coming
# and going until the VMM is stopped.

for dev in /dev/sda /dev/vda; do
	if [ -b "$dev" ]; then
		dd if="$dev" of=/dev/null bs=64k 2>/dev/null && echo "guest: read $dev"
	else
		echo "guest: no $dev"
	fi
done
echo "@@@ qemu-guest ready @@@"

while :; do
	echo 3 >/proc/sys/vm/drop_caches
	dd if=/dev/sda of=/dev/null bs=64k count=16 2>/dev/null
	dd if=/dev/vda of=/dev/null bs=64k count=16 2>/dev/null
	sleep 1
done
