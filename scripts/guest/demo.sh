#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The demo, run inside the VM by scripts/demo: a "container" cgroup whose
# egress is restricted to an allowlist and whose port 80 bind lands on a
# host port, managed with checmate-ctl and the sample loaders, sealed
# against root; last, an agent process that root cannot stop. Each step
# prints what it shows and fails the demo if it is not so.
fail=0
CG=/sys/fs/cgroup/demo
PIN=/sys/fs/bpf/demo
step() { printf '\n### %s\n' "$*"; }
show() { printf '$ %s\n' "$*"; "$@" 2>&1 | sed 's/^/  /'; }
expect() {
	if eval "$1"; then echo "  -> ok: $2"; else echo "  -> FAILED: $2"; fail=1; fi
}
# Runs a command as a task of the container cgroup.
in_ctr() { sh -c 'echo $$ > '"$CG"'/cgroup.procs && exec "$@"' sh "$@"; }

step "Checmate is active, with no lsm= boot parameter"
show sh -c 'cat /sys/kernel/security/lsm; echo'
expect 'tr , "\n" </sys/kernel/security/lsm | grep -qx checmate' "checmate is in the LSM list"
expect '[ "$(cat /sys/kernel/security/checmate/abi_version)" = "$CHECMATE_ABI" ]' "ABI version $CHECMATE_ABI, as in <linux/checmate.h>"
show checmate-ctl hooks

step "A container cgroup, and host services on 127.0.0.1:8000 (allowed) and :9000 (not)"
mkdir -p $CG $PIN /tmp/www
echo "hello from the host" >/tmp/www/index.html
httpd -p 127.0.0.1:8000 -h /tmp/www
httpd -p 127.0.0.1:9000 -h /tmp/www
echo "  $CG"
expect 'in_ctr wget -q -O /dev/null http://127.0.0.1:9000/' "before any policy, the container reaches :9000"

step "Egress allowlist: the container may only reach 127.0.0.1:8000"
show checmate_egress attach $CG $PIN/egress 127.0.0.1,8000
printf '$ (in container) wget http://127.0.0.1:8000/\n'
out=$(in_ctr wget -q -O - http://127.0.0.1:8000/ 2>&1)
echo "  $out"
expect '[ "$out" = "hello from the host" ]' "allowed destination reached"
printf '$ (in container) wget http://127.0.0.1:9000/\n'
out=$(in_ctr wget -q -O - http://127.0.0.1:9000/ 2>&1)
echo "  $out"
expect 'echo "$out" | grep -q "Permission denied"' "other destination refused with EACCES"
expect 'wget -q -O /dev/null http://127.0.0.1:9000/' "the host itself is not restricted"
show checmate_egress denials $PIN/egress

step "Bind rewrite: the container's port 80 is the host's 8080, no DNAT"
show checmate_bind_rewrite attach $CG $PIN/bind 80:8080
in_ctr httpd -p 80 -h /tmp/www
sleep 1
show netstat -ltn
expect 'netstat -ltn | grep -q ":8080 "' "the container's httpd -p 80 listens on 8080"
printf '$ (host) wget http://127.0.0.1:8080/\n'
out=$(wget -q -O - http://127.0.0.1:8080/ 2>&1)
echo "  $out"
expect '[ "$out" = "hello from the host" ]' "a client reaches it directly on 8080"

step "What is attached where"
show checmate-ctl list $CG
id=$(checmate-ctl --json list $CG | sed -n 's/.*"hook":"socket_connect"[^]]*"id":\([0-9]*\).*/\1/p')

step "Seal the egress policy: append-only, then root tries to remove it"
show checmate-ctl seal $CG socket_connect append-only
printf '$ checmate-ctl detach %s --id %s\n' "$CG" "$id"
out=$(checmate-ctl detach $CG --id "$id" 2>&1); rc=$?
echo "  $out (exit $rc)"
expect '[ $rc = 1 ] && echo "$out" | grep -q "sealed append-only"' "root's detach is refused, and says why"
printf '$ rm %s/egress/link_egress_connect   (unpin the link)\n' "$PIN"
rm $PIN/egress/link_egress_connect
sleep 1
expect '! in_ctr wget -q -O /dev/null http://127.0.0.1:9000/ 2>/dev/null' "the policy still enforces"

step "Exec allowlist by file identity: learn what the container runs, then enforce"
# busybox picks its applet from argv[0] unless that is "busybox"
mkdir -p /tmp/ctr/a /tmp/ctr/b /tmp/ctr/c
cp /bin/busybox /tmp/ctr/a/busybox
show checmate_exec_allow attach $CG $PIN/exec --learn
expect 'in_ctr /tmp/ctr/a/busybox true' "learning: /tmp/ctr/a/busybox runs and is recorded"
show checmate_exec_allow learn $PIN/exec off
expect 'in_ctr /tmp/ctr/a/busybox true' "enforcing: the learned file still runs"
mv /tmp/ctr/a/busybox /tmp/ctr/b/busybox
expect 'in_ctr /tmp/ctr/b/busybox true' "moved elsewhere, it is the same inode and still runs"
cp /tmp/ctr/b/busybox /tmp/ctr/c/busybox
printf '$ (in container) /tmp/ctr/c/busybox true\n'
out=$(in_ctr /tmp/ctr/c/busybox true 2>&1)
echo "  $out"
expect 'echo "$out" | grep -q "Permission denied"' "a copy is a new inode: refused with EACCES"
show checmate_exec_allow denials $PIN/exec
checmate_exec_allow detach $PIN/exec >/dev/null

step "No mounts in the container (CVE-2014-9717): mount refused, the host unaffected"
show checmate_no_mount attach $CG $PIN/nomount
mkdir -p /tmp/mnt
printf '$ (in container) mount -t tmpfs none /tmp/mnt\n'
out=$(in_ctr mount -t tmpfs none /tmp/mnt 2>&1); rc=$?
echo "  $out"
expect '[ $rc != 0 ]' "the container's mount is refused"
expect 'mount -t tmpfs none /tmp/mnt && umount /tmp/mnt' "the host mounts and unmounts as before"
checmate_no_mount detach $PIN/nomount >/dev/null

step "The denials: counters and audit records"
show checmate-ctl stats
dmesg | grep 'type=1430' | tail -3 | sed 's/^/  /'
expect 'dmesg | grep "type=1430" | grep -q "hook=socket_connect"' "each denial is audited with hook, errno, program, cgroup, task, destination"
expect 'dmesg | grep "type=1430" | grep -q "hook=bprm_check_security.*path=\"/tmp/ctr/c/busybox\""' "a file denial is audited with the file's identity and path"

# Last: sealed at the root cgroup, this policy stays until the VM stops.
step "Protect an agent from root: signals, memory, cgroup.kill, detaching"
AG=/sys/fs/cgroup/agent
mkdir -p $AG
sh -c 'echo $$ > '"$AG"'/cgroup.procs && exec sleep 100000' &
AGENT=$!
while [ "$(cat /proc/$AGENT/comm 2>/dev/null)" != sleep ]; do sleep 0.1; done
show checmate_protect attach $PIN/protect $AG $AGENT
# Runs an attack as root, shows how it failed: $2 is in its error.
attack() {
	printf '$ %s\n' "$1"
	out=$(eval "$1" 2>&1); rc=$?
	out=$(echo "$out" | sed 's/^.*eval: line [0-9]*: /sh: /')
	echo "  $out"
	want=$2
	expect '[ $rc != 0 ] && echo "$out" | grep -q "$want"' "$3"
}
attack "kill -9 $AGENT" "not permitted" "SIGKILL refused (EPERM)"
attack "kill -STOP $AGENT" "not permitted" "SIGSTOP refused (EPERM)"
attack "echo x > /proc/$AGENT/mem" "denied" "its memory cannot be opened for writing (EACCES)"
attack "echo 1 > $AG/cgroup.kill" "not permitted" "its cgroup cannot be killed (EPERM)"
attack "echo 1 > $AG/cgroup.freeze" "not permitted" "nor frozen (EPERM)"
id=$(checmate-ctl --json list /sys/fs/cgroup | sed -n 's/.*"hook":"task_kill"[^]]*"id":\([0-9]*\).*/\1/p')
attack "checmate-ctl detach /sys/fs/cgroup --id $id" "sealed append-only" "the program cannot be detached"
attack "checmate-ctl reset /sys/fs/cgroup task_kill" "sealed append-only" "nor reset"
show checmate_protect unpin $PIN/protect
attack "kill -9 $AGENT" "not permitted" "unpinned, the policy still enforces"
printf '$ grep State /proc/%s/status\n' $AGENT
grep State /proc/$AGENT/status | sed 's/^/  /'
expect 'kill -0 $AGENT && grep -q "State:.*S (sleeping)" /proc/$AGENT/status' "the agent is alive and running"

echo
if [ $fail = 0 ]; then echo "DEMO OK: every step behaved as shown"; else echo "DEMO FAILED"; fi
exit $fail
