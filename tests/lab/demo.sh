#!/usr/bin/env bash
# The virt-share demo, from a fresh Debian 12 machine, as root:
# build virt-share, set up the lab (libvirtd + a tiny TCG guest with qemu-ga),
# share a folder into the running guest, write a file in the guest, show it
# on the host, remove the share, clean up.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$top"
# shellcheck source=lib.sh
. tests/lab/lib.sh

[ "$(id -u)" -eq 0 ] || { echo "demo: run as root (installs packages, starts libvirtd)" >&2; exit 1; }

say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

say "Installing build dependencies and building virt-share"
bash tests/build-deps.sh
[ -x configure ] || ./autogen.sh >/dev/null
[ -f Makefile ] || ./configure -q
make -j"$(nproc)" >/dev/null
VS=$top/src/virt-share
export LIBVIRT_DEFAULT_URI=qemu:///system

say "Setting up the lab: packages, guest kernel + initramfs, libvirtd"
bash tests/lab/setup.sh

DOM=vs-demo-guest
SHARE=$(mktemp -d /var/tmp/vs-demo.XXXXXX)
chmod 755 "$SHARE"
cleanup() {
    lab_remove_domain "$DOM" 2>/dev/null || true
    lab_unprotect_under "$SHARE"   # add's nosuid,nodev mount and fstab line
    rm -rf "$SHARE"
    bash "$top/tests/lab/teardown.sh" >/dev/null 2>&1 || true
}
trap cleanup EXIT

say "Booting a tiny guest ($DOM)"
bash tests/lab/start-guest.sh "$DOM"

say "virt-share add $DOM $SHARE --target /mnt/demo"
t0=$(date +%s.%N)
"$VS" add "$DOM" "$SHARE" --target /mnt/demo
t1=$(date +%s.%N)
awk -v a="$t0" -v b="$t1" 'BEGIN { printf "(add to mounted: %.1f s)\n", b - a }'

say "virt-share list $DOM"
"$VS" list "$DOM"

say "Writing a file inside the guest"
lab_guest_exec "$DOM" /bin/sh -c 'echo "hello from $(uname -n), kernel $(uname -r)" > /mnt/demo/hello.txt'
lab_guest_exec "$DOM" /bin/grep " /mnt/demo " /proc/mounts

say "The file, seen on the host"
ls -l "$SHARE"
cat "$SHARE/hello.txt"

say "virt-share remove $DOM $SHARE"
"$VS" remove "$DOM" "$SHARE"

say "Demo done: cleaning up"
