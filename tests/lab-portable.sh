#!/usr/bin/env bash
# The lab's helpers on a machine unlike the developers': the checkout under a
# world-writable (1777) directory, no /dev/kvm node, a taken port 2222.
# Runs in `make check`, with no lab (no libvirt daemon, no guest); needs root
# for mount namespaces, and says SKIP without it.  Prints TAP (tests/tap.sh).
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tap.sh
. "$here/tap.sh"

if [ "$(id -u)" -ne 0 ] || ! unshare -m true 2>/dev/null; then
    echo "1..0 # SKIP needs root and mount namespaces"
    exit 0
fi

T=$(mktemp -d /tmp/vs-portable.XXXXXX)
cleanup() { [ -z "${HOLD_PID:-}" ] || kill "$HOLD_PID" 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
chmod 1777 "$T"
# A copy of the lab's scripts, as a clone under a 1777 directory has them.
mkdir -p "$T/clone/tests"
cp -r "$here/lab" "$T/clone/tests/"

# The test's own oracle for sshd's ChrootDirectory rule (every component
# root's, not group- or world-writable), apart from lib.sh's.
sshd_would_chroot() {
    python3 - "$1" <<'PY'
import os, stat, sys
p = os.path.realpath(sys.argv[1])
while True:
    st = os.stat(p)
    if st.st_uid != 0 or st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        sys.exit(1)
    if p == "/":
        sys.exit(0)
    p = os.path.dirname(p)
PY
}

# ---- paths, for the trixie stack (its sshd chroot), from the clone ----
paths=$(env -u VS_LAB_DIR VS_LAB_STACK=trixie bash -c '. "$1" &&
    printf "%s\n%s\n" "$LAB_TRIXIE_ROOT" "$LAB_TRIXIE_CHROOT" &&
    lab_root_only_dir "$LAB_TRIXIE_CHROOT" >/dev/null' _ "$T/clone/tests/lab/lib.sh")
{ read -r troot; read -r tchroot; } <<<"$paths"
mkdir -p "$troot"   # as mmdebstrap makes it
tap_diag "trixie root $troot; sshd chroot $tchroot"
tap_check "the clone's own lab root lies under the 1777 directory (the case under test)" \
    test "${troot#"$T"/}" != "$troot"
tap_check_not "sshd would refuse the clone's lab root as ChrootDirectory (oracle)" \
    sshd_would_chroot "$troot"
tap_check "lib.sh's rule agrees with the oracle on the clone's path" \
    bash -c '. "$1"; ! lab_root_only_path "$2"' _ "$T/clone/tests/lab/lib.sh" "$troot"
tap_check "the sshd chroot the lab makes lies outside the clone" \
    test -n "$tchroot" -a "${tchroot#"$T"/}" = "$tchroot"
tap_check "sshd would take the lab's chroot directory (oracle)" sshd_would_chroot "$tchroot"
[ -z "$tchroot" ] || rmdir "$tchroot" 2>/dev/null

# ---- a free port, with 2222 taken ----
python3 -c 'import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 2222)); s.listen(); print("held", flush=True); time.sleep(60)' \
    >"$T/hold.out" 2>&1 &
HOLD_PID=$!
# (up to 30 s: python's start alone takes seconds on a busy machine)
for _ in $(seq 300); do
    grep -q held "$T/hold.out" && break
    kill -0 "$HOLD_PID" 2>/dev/null || break   # it could not bind: taken by another
    sleep 0.1
done
# shellcheck source=lab/lib.sh
port=$(. "$T/clone/tests/lab/lib.sh" && lab_free_port)
tap_diag "2222 $(grep -q held "$T/hold.out" && echo held here || echo already taken); lab_free_port: $port"
tap_check "lab_free_port does not give the taken port 2222" test -n "$port" -a "$port" != 2222
tap_check "nothing listens on the port it gives" python3 -c 'import socket, sys
s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1])))' "$port"

# ---- /dev/kvm: a host with no node, then each node the e2e stages ----
kvm_before=$(stat -c '%a %u:%g %t:%T' /dev/kvm 2>/dev/null || echo absent)
# This run's own staging directories (another test may stage at once).
export LAB_DEV_STAGING=/run/vs-lab-dev-portable-$$
lib=$T/clone/tests/lab/lib.sh
# no_kvm CMD...: CMD on a host without /dev/kvm (a private /dev without it).
no_kvm() { bash -c '. "$1"; shift; lab_with_dev_kvm none "$@"' _ "$lib" "$@"; }
tap_check "with no node, /dev/kvm is absent and /dev/null works" \
    no_kvm bash -c '[ ! -e /dev/kvm ] && echo x >/dev/null && [ -c /dev/urandom ]'
group=root
getent group kvm >/dev/null && group=kvm
for node in "600 10 232" "660 10 232" "666 1 3"; do
    read -r mode major minor <<<"$node"
    want=$(printf '%s %x:%x %s' "$mode" "$major" "$minor" "$group")
    got=$(no_kvm bash -c '. "$1"; lab_with_dev_kvm "$2" stat -c "%a %t:%T %G" /dev/kvm' _ "$lib" "$node")
    tap_check "on a host with no /dev/kvm, a $mode node c $major $minor is staged ($want)" \
        test "$got" = "$want"
done
tap_check "the host's /dev/kvm is as it was ($kvm_before)" \
    test "$(stat -c '%a %u:%g %t:%T' /dev/kvm 2>/dev/null || echo absent)" = "$kvm_before"
tap_check "no staging directory is left in /run" \
    bash -c '! compgen -G "$1.*" >/dev/null' _ "$LAB_DEV_STAGING"

# ---- /dev/kvm that QEMU's user cannot open: usable while the lab runs, then as found ----
# nobody stands in for QEMU's user (libvirt-qemu need not exist here); the
# oracle opens the node as nobody itself.
kvm_case() {   # kvm_case SPEC: "before|after begin|after a second begin|after end|saved file" lines
    no_kvm bash -c '. "$1"; spec=$2
        nobody_opens() { setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups \
            /bin/sh -c ": <>/dev/kvm" 2>/dev/null && echo yes || echo no; }
        show() { echo "$(stat -c "%a %u:%g" /dev/kvm 2>/dev/null || echo absent) $(nobody_opens)"; }
        lab_with_dev_kvm "$spec" bash -c ". \"\$1\"; $(declare -f nobody_opens show)
            show; lab_kvm_usable_begin 2>/dev/null; show; lab_kvm_usable_begin 2>/dev/null; show
            lab_kvm_usable_end 2>/dev/null; show; [ -e \"\$LAB_KVM_SAVED\" ] && echo saved-left || echo no-saved-file" _ "$1"' \
        _ "$lib" "$1"
}
export VS_LAB_QEMU_USER=nobody VS_LAB_DIR=$T/kvm-lab
# A node c 1 3 (/dev/null's numbers) opens on any host; c 10 232 needs the kvm module.
for node in "600 1 3" "660 1 3"; do
    mapfile -t r < <(kvm_case "$node")
    tap_diag "/dev/kvm $node: ${r[*]}"
    tap_check "kvm $node: QEMU's user cannot open it as found (oracle)" test "${r[0]##* }" = no
    tap_check "kvm $node: usable by QEMU's user while the lab runs" test "${r[1]##* }" = yes
    tap_check "kvm $node: a second setup keeps it usable" test "${r[2]##* }" = yes
    tap_check "kvm $node: put back as found (${r[0]% *}) after teardown" test "${r[3]}" = "${r[0]}"
    tap_check "kvm $node: no record left" test "${r[4]}" = no-saved-file
done
mapfile -t r < <(kvm_case "666 1 3")
tap_check "kvm 666: a node QEMU's user can open is left alone (${r[*]})" \
    test "${r[0]}|${r[1]}|${r[3]}|${r[4]}" = "666 ${r[0]#* }|${r[0]}|${r[0]}|no-saved-file"
mapfile -t r < <(kvm_case none)
tap_check "no /dev/kvm: nothing made, nothing recorded (${r[*]})" \
    test "${r[1]}|${r[4]}" = "absent no|no-saved-file"
unset VS_LAB_QEMU_USER VS_LAB_DIR

# ---- the guest oracle: a "no" is the guest's, never a silent agent's ----
# guest_false RC: lab_guest_false over a guest command that ended with RC.
guest_false() {
    bash -c '. "$1"; fake_rc=$2; lab_guest_exec() { return "$fake_rc"; }; lab_guest_false dom /bin/grep 2>/dev/null' \
        _ "$lib" "$1"
}
tap_check "lab_guest_false: the guest's command said no (1)" guest_false 1
for rc in 0 124 125 137; do
    tap_check_not "lab_guest_false: exit $rc (yes, timeout, agent failed, killed) is no 'no'" guest_false "$rc"
done
tap_check_not "lab_guest_false against an agent that cannot answer (no such domain)" \
    bash -c '. "$1"; LAB_URI=test:///default lab_guest_false vs-no-such-domain /bin/false 2>/dev/null' _ "$lib"
tap_done
