#!/usr/bin/env bash
# Prove the lab works without virt-share (setup.sh must have run):
#  vs-test-smoke: guest-exec, 9p/virtiofs available, reboot through the agent;
#  vs-test-smoke2 (vs_nomods, guest-file-open blocked, --no-memfd, --no-acpi):
#  the fs modules load with modprobe, the blocked command is refused.
# Usage: smoke.sh [NAME]  (default vs-test-smoke; the second guest is NAME2)
# Exit 0 = pass.  Both domains are removed on exit.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

DOM=${1:-vs-test-smoke}
DOM2=${DOM}2
failed=0
# check DESCRIPTION COMMAND...: report whether COMMAND succeeds.
check() {
    local what=$1; shift
    if "$@"; then echo "ok: $what"; else echo "FAIL: $what"; failed=$((failed + 1)); fi
}
remove() { lab_remove_domain "$@" || true; }
# has TEXT WORD...: TEXT contains every WORD; lacks TEXT WORD...: none of them.
has() { local w; for w in "${@:2}"; do grep -qw -- "$w" <<<"$1" || return 1; done; }
lacks() { local w; for w in "${@:2}"; do ! grep -qw -- "$w" <<<"$1" || return 1; done; }
# read_lacks RC TEXT WORD...: TEXT was read (RC 0, not empty) and lacks every
# WORD: a failed read (a dead agent, virsh) is empty and lacks everything.
read_lacks() { [ "$1" -eq 0 ] && [ -n "$2" ] && lacks "${@:2}"; }
T0=$(lab_now)
kver=$(<"$LAB_GUEST/kver")
err=$(mktemp)
trap 'remove "$DOM" "$DOM2"; rm -f "$err"' EXIT

echo "== $DOM"
bash "$here/start-guest.sh" "$DOM"

out=$(lab_guest_exec "$DOM" /bin/uname -r) || true
check "guest-exec /bin/uname -r = $kver ('$out')" test "$out" = "$kver"
rc=0
out=$(lab_guest_exec "$DOM" /bin/sh -c 'printf "%s|" "$@"; echo err >&2; exit 3' sh 'a b' -p '' 2>"$err") \
    || rc=$?
check "guest-exec: argv kept, stdout, stderr, exit code" \
    test "$out:$rc:$(<"$err")" = "a b|-p||:3:err"
fs=$(lab_guest_exec "$DOM" /bin/cat /proc/filesystems) || true
check "9p and virtiofs in /proc/filesystems" has "$fs" 9p virtiofs
check "guest: /run and /tmp are tmpfs, /etc/mtab, writable /etc/fstab, /mnt" \
    lab_guest_exec "$DOM" /bin/sh -c 'grep -q " /run tmpfs " /proc/mounts &&
        grep -q " /tmp tmpfs " /proc/mounts && [ -L /etc/mtab ] && [ -w /etc/fstab ] && [ -d /mnt ]'

echo "== reboot through the agent"
before=$(lab_boot_id "$DOM") || before=
t=$(lab_now)
check "guest-shutdown mode=reboot sent (lab_guest_reboot)" lab_guest_reboot "$DOM"
after=''
delay=50 t1=$(lab_ms)
while [ $(($(lab_ms) - t1)) -lt 90000 ]; do
    after=$(lab_boot_id "$DOM" 2>/dev/null) && [ -n "$after" ] && [ "$after" != "$before" ] && break
    after=''
    lab_sleep_ms "$delay"
    delay=$((delay * 2 > 200 ? 200 : delay * 2))
done
# (a boot id before too: any id is "new" next to an empty one)
check "guest rebooted: agent back with a new boot id $(lab_since "$t") s after guest-shutdown" \
    bash -c '[ -n "$1" ] && [ -n "$2" ]' _ "$before" "$after"
check "domain still running after the reboot" \
    test "$(virsh -c "$LAB_URI" -q domstate "$DOM")" = running
grep -a 'vs-lab: shutdown' "$LAB_STATE/$DOM-console.log" || true
remove "$DOM"

echo "== $DOM2 (vs_nomods, guest-file-open blocked, --no-memfd, --no-acpi)"
bash "$here/start-guest.sh" "$DOM2" --no-memfd --no-acpi \
    --cmdline-extra "vs_nomods vs_qga_block=guest-file-open,guest-file-close"
rc=0
fs=$(lab_guest_exec "$DOM2" /bin/cat /proc/filesystems) || rc=$?
check "vs_nomods: no 9p/virtiofs at boot" read_lacks "$rc" "$fs" 9p virtiofs
check "modprobe 9p (absolute path)" lab_guest_exec "$DOM2" /sbin/modprobe 9p
check "modprobe virtiofs (PATH lookup)" lab_guest_exec "$DOM2" modprobe virtiofs
fs=$(lab_guest_exec "$DOM2" /bin/cat /proc/filesystems) || true
check "9p and virtiofs registered after modprobe" has "$fs" 9p virtiofs
rc=0
out=$(lab_qga "$DOM2" '{"execute":"guest-file-open","arguments":{"path":"/proc/version"}}' 2>&1) || rc=$?
check "vs_qga_block: guest-file-open refused ($out)" test "$rc" -ne 0
rc=0
xml=$(virsh -c "$LAB_URI" dumpxml "$DOM2") || rc=$?
check "--no-acpi and --no-memfd reach the domain XML" read_lacks "$rc" "$xml" acpi memoryBacking

echo "smoke: $failed failed, $(lab_since "$T0") s"
[ "$failed" -eq 0 ]
