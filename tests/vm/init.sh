#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# /init of the test VM.  Mounts the basics, loads KVM, runs the payload and
# prints its output between markers that run.sh looks for, then the kernel
# log, then powers off.  Kernel command-line words of the form VAR=value
# reach us, and so the payload, as environment variables.

/bin/busybox mkdir -p /bin /sbin /usr/bin /usr/sbin /proc /sys /dev /tmp /run /root
/bin/busybox --install -s
export PATH=/payload/bin:/bin:/sbin:/usr/bin:/usr/sbin HOME=/root TERM="${TERM:-linux}"

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs tmpfs /tmp
hostname tcectl-vm
ip link set lo up 2>/dev/null

# Modules listed in /etc/modules-load (one per line); kvm_hv by default.
while read -r m; do
	modprobe "$m" || echo "init: modprobe $m failed"
done </etc/modules-load

# A fresh line: the firmware's last words may lack a newline.
echo
echo "@@@ tcectl-vm payload begin @@@"
status=127
if [ -x /payload/run-tests.sh ]; then
	cd /payload && /payload/run-tests.sh
	status=$?
	cd /
else
	echo "init: /payload/run-tests.sh is missing"
fi
echo "@@@ tcectl-vm payload end status=$status @@@"

echo "@@@ tcectl-vm dmesg begin @@@"
dmesg
echo "@@@ tcectl-vm dmesg end @@@"
sync
poweroff -f
