#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The demo, run inside the VM by scripts/demo: show that Checmate is active.
# Each step prints what it shows and fails the demo if it is not so.
fail=0
step() { printf '\n### %s\n' "$*"; }
expect() {
	if eval "$1"; then echo "  -> ok: $2"; else echo "  -> FAILED: $2"; fail=1; fi
}

step "Kernel"
uname -a

step "Active LSMs (/sys/kernel/security/lsm)"
lsms=$(cat /sys/kernel/security/lsm)
echo "$lsms"
expect 'echo "$lsms" | tr , "\n" | grep -qx checmate' "checmate is in the LSM list, with no lsm= boot parameter"
expect '! grep -q "lsm=" /proc/cmdline' "the kernel command line has no lsm= ($(cat /proc/cmdline))"

step "Checmate in the kernel log"
dmesg | grep -i 'checmate' | sed 's/^/  /'
expect 'dmesg | grep -q "checmate: Up and running"' "Checmate initialised at boot"

step "securityfs: /sys/kernel/security/checmate/"
ls -l /sys/kernel/security/checmate/
printf 'abi_version: %s\n' "$(cat /sys/kernel/security/checmate/abi_version)"
expect '[ "$(cat /sys/kernel/security/checmate/abi_version)" = "$CHECMATE_ABI" ]' "ABI version is $CHECMATE_ABI, as in <linux/checmate.h>"
echo "hooks:"
sed 's/^/  /' /sys/kernel/security/checmate/hooks

step "securityfs files are read-only, even for root"
if echo 2 >/sys/kernel/security/checmate/abi_version 2>/tmp/err; then
	echo "  write succeeded"
else
	echo "  echo 2 > abi_version: $(cat /tmp/err)"
fi
expect '[ "$(cat /sys/kernel/security/checmate/abi_version)" = "$CHECMATE_ABI" ]' "the ABI version is unchanged"

echo
if [ $fail = 0 ]; then echo "DEMO OK: every step behaved as shown"; else echo "DEMO FAILED"; fi
exit $fail
