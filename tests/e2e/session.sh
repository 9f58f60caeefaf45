#!/usr/bin/env bash
# End-to-end tests for qemu:///session: virt-share run by an unprivileged user
# (created here) against that user's own libvirt daemon, whose QEMU runs as
# the user.  Needs the lab's guest (tests/lab/setup.sh) and root to create the
# user.  The oracle is virsh run as that user, never virt-share.
# Prints TAP (tests/tap.sh) and "N passed, M failed"; exit status 1 on failure.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source=../lab/lib.sh
. "$top/tests/lab/lib.sh"
# shellcheck source=../tap.sh
. "$top/tests/tap.sh"

VS=${VIRT_SHARE:-$top/src/virt-share}
USER_NAME=${VS_SESSION_USER:-vs-lab-session}
DOM=vs-test-session
SURI=qemu:///session

# Every check is named after its stack and URI.
expect() { local name=$1; shift; tap_check "[session] $name" "$@"; }
fail() { tap_not_ok "[session] $1" "${@:2}"; }
pass() { tap_ok "[session] $1"; }

[ "$(id -u)" -eq 0 ] || { echo "session.sh: needs root (creates a user)" >&2; exit 1; }
[ -s "$LAB_GUEST/initramfs.cpio.gz" ] || { echo "session.sh: no lab guest: run tests/lab/setup.sh" >&2; exit 1; }

# The user: created by this test (so its session daemon is ours to stop),
# in no libvirt group; a runtime directory as logind would make it.
id "$USER_NAME" >/dev/null 2>&1 || useradd -m -s /bin/bash "$USER_NAME"
uid=$(id -u "$USER_NAME")
home=$(getent passwd "$USER_NAME" | cut -d: -f6)
runtime=/run/user/$uid
install -d -m 700 -o "$USER_NAME" -g "$(id -g "$USER_NAME")" "$runtime"
as_user() {
    (cd / && runuser -u "$USER_NAME" -- env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$home" \
        XDG_RUNTIME_DIR="$runtime" LANG=C.UTF-8 "$@")
}
# The lab's oracle helpers call `virsh -c "$LAB_URI"`: run them as the user.
LAB_URI=$SURI
virsh() { as_user /usr/bin/virsh "$@"; }

cleanup() {
    virsh -c "$SURI" -q destroy "$DOM" >/dev/null 2>&1
    virsh -c "$SURI" -q undefine "$DOM" >/dev/null 2>&1
    # The session daemons of this test's user, by pid (no one else's).
    local n p
    for n in libvirtd virtlogd; do
        for p in $(lab_find_daemon "$n"); do
            [ "$(stat -c %u "/proc/$p" 2>/dev/null)" = "$uid" ] && kill "$p" 2>/dev/null
        done
    done
    return 0
}
trap cleanup EXIT
cleanup

tap_diag "qemu:///session as $USER_NAME (uid $uid, groups: $(id -Gn "$USER_NAME"))"
xml=$(mktemp)
bash "$top/tests/lab/guest.sh" "$DOM" \
    | sed "s|<source path='[^']*-console.log'/>|<source path='$runtime/console.log'/>|" >"$xml"
chmod 644 "$xml"
t0=$(lab_now)
if ! virsh -c "$SURI" -q define "$xml" >/dev/null || ! virsh -c "$SURI" -q start "$DOM" >/dev/null \
    || ! lab_wait_agent "$DOM" "${LAB_BOOT_TIMEOUT:-180}"; then
    fail "session guest boots with its agent"
    tap_diag "$(tail -20 "$runtime/console.log" 2>/dev/null)"
    tap_done
fi
rm -f "$xml"
tap_diag "session guest: agent up after $(lab_since "$t0") s"
expect "QEMU runs as the user" pgrep -u "$USER_NAME" -f "guest=$DOM" >/dev/null

share=$home/share
as_user mkdir -p "$share"
before=$(virsh -c "$SURI" -q dumpxml --inactive "$DOM")

# libvirt 9.0 refuses virtiofs in session mode only at attach time; virt-share
# must say so before changing anything (exit 1), and auto must not pick it.
lib_version=$(virsh -c "$SURI" version | awk '/Using library/ {print $4}')
out=$(as_user "$VS" -c "$SURI" add "$DOM" "$share" --driver virtiofs 2>&1); rc=$?
if [ "${lib_version%%.*}" -lt 10 ]; then
    expect "virtiofs refused up front on libvirt $lib_version (exit 1)" test "$rc" -eq 1
    expect "the error names the libvirt version needed" grep -q "10.0.0" <<<"$out"
    expect "definition unchanged after the refusal" \
        test "$before" = "$(virsh -c "$SURI" -q dumpxml --inactive "$DOM")"
else
    expect "virtiofs under session on libvirt $lib_version" test "$rc" -eq 0
    as_user "$VS" -c "$SURI" remove "$DOM" "$share" >/dev/null 2>&1
fi
[ "$rc" -ne 0 ] && tap_diag "$out"

t0=$(lab_now)
out=$(as_user "$VS" -c "$SURI" add "$DOM" "$share" --target /mnt/s --restart 2>&1); rc=$?
tap_diag "$out"
expect "add (auto) exits 0 as the user" test "$rc" -eq 0
tap_diag "session add 9p --restart to mounted: $(lab_since "$t0") s"
expect "auto picked 9p squash" grep -q "^9p (squash)" <<<"$out"
expect "mounted in the guest" lab_guest_exec "$DOM" /bin/grep -q " /mnt/s 9p " /proc/mounts
lab_guest_exec "$DOM" /bin/sh -c 'echo from-guest > /mnt/s/hello' >/dev/null
expect "a file written in the guest is on the host" grep -qx from-guest "$share/hello"
expect "and belongs to the user (QEMU runs as them)" test "$(stat -c %U "$share/hello")" = "$USER_NAME"
echo from-host | as_user tee "$share/back" >/dev/null
guest_reads() { [ "$(lab_guest_exec "$DOM" /bin/cat "$1")" = "$2" ]; }
expect "a file written on the host is read in the guest" guest_reads /mnt/s/back from-host
expect "the lock lives in the user's runtime directory" test -d "$runtime/virt-share"

out=$(as_user "$VS" -c "$SURI" remove "$DOM" "$share" 2>&1); rc=$?
tap_diag "$out"
expect "remove exits 0 as the user" test "$rc" -eq 0
not_mounted() { ! lab_guest_exec "$DOM" /bin/grep -q " $1 " /proc/mounts; }
expect "unmounted in the guest" not_mounted /mnt/s
after=$(virsh -c "$SURI" -q dumpxml --inactive "$DOM")
if [ "$before" = "$after" ]; then pass "definition back to what it was"; else
    fail "definition back to what it was" "$(diff <(printf '%s\n' "$before") <(printf '%s\n' "$after"))"; fi

tap_done
