#!/usr/bin/env bash
# Define and start the lab guest NAME (vs-test-* or vs-demo-*), wait for its
# guest agent and print the boot-to-agent time.  A leftover domain of that
# name is destroyed and undefined first if this lab defined it (else: exit 1).
# Usage: start-guest.sh NAME [guest.sh options]   (LAB_BOOT_TIMEOUT, default 120 s)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

[ $# -ge 1 ] || { echo "usage: start-guest.sh NAME [guest.sh options]" >&2; exit 2; }
name=$1
console=$LAB_STATE/$name-console.log
[[ $name =~ ^vs-(test|demo)- ]] \
    || { echo "start-guest: refusing '$name': lab domains are named vs-test-* or vs-demo-*" >&2; exit 2; }
[ -s "$LAB_GUEST/initramfs.cpio.gz" ] \
    || { echo "start-guest: no guest in $LAB_GUEST: run tests/lab/setup.sh first" >&2; exit 1; }

xml=$(mktemp)
trap 'rm -f "$xml"' EXIT
bash "$here/guest.sh" "$@" >"$xml"

lab_remove_domain "$name" \
    || { echo "start-guest: a domain '$name' exists that this lab did not define: not touching it" >&2; exit 1; }
rm -f "$console" "$LAB_STATE/$name.boot"
t_def=$(lab_now)
virsh -c "$LAB_URI" -q define "$xml" >/dev/null
t_define=$(lab_since "$t_def")
t0=$(lab_now)
if ! virsh -c "$LAB_URI" -q start "$name" >/dev/null; then
    echo "start-guest: $name did not start; console log: $console" >&2
    exit 1
fi
t_start=$(lab_since "$t0")
if ! lab_wait_agent "$name" "${LAB_BOOT_TIMEOUT:-120}"; then
    {
        echo "start-guest: $name: no guest agent after ${LAB_BOOT_TIMEOUT:-120} s"
        echo "start-guest: console log: $console (last lines below)"
        tail -n 25 "$console" 2>/dev/null || true
        echo "start-guest: console log: $console"
    } >&2
    exit 1
fi
t_agent=$(lab_since "$t0")
# For the e2e timings (lab_boot_times): defining costs 20-50 s on a host whose
# /dev/kvm QEMU cannot use (libvirt re-probes QEMU), which is not boot time.
printf '%s %s\n' "$t_define" "$t_agent" >"$LAB_STATE/$name.boot"
echo "start-guest: $name: guest agent up $t_agent s after virsh start" \
    "(start returned after $t_start s; virsh define took $t_define s); console log: $console"
