#!/usr/bin/env bash
# End-to-end tests for remote URIs (qemu+ssh://).  An sshd on the loopback
# address (started and stopped here, with its own keys) stands for the remote
# host, and the two sides see different file systems, so that a host-side
# check done on the client is caught:
#  - host stack: the remote host is this host; the client runs in a private
#    mount namespace where a tmpfs hides the host's folder and holds folders
#    the host does not have;
#  - trixie stack: the remote host is the trixie root (libvirt 11, its own
#    /etc, its own libvirt-qemu): this host's sshd runs in the namespace of
#    the trixie daemons with ChrootDirectory that root, so every command the
#    client runs over ssh (libvirt's virt-ssh-helper, virt-share) runs there;
#    the client is this host as it is.
# The oracle is virsh on the stack's qemu:///system and the remote host's
# file system.  Needs the lab (tests/lab/setup.sh) and root.  Prints TAP and
# "N passed, M failed".
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=common.sh
. "$here/common.sh"
# shellcheck source=../lab/remote-host.sh
. "$top/tests/lab/remote-host.sh"

VS=$(realpath "$VS")
DOM=vs-test-remote
ROOT=/srv/vs-remote-test          # the client sees a different folder here

e2e_need_root
e2e_need_guest
# setup.sh installs openssh-server with no service started (policy-rc.d).
[ -x /usr/sbin/sshd ] || { echo "remote.sh: no /usr/sbin/sshd: run tests/lab/setup.sh" >&2; exit 1; }
e2e_stack
TAP_PREFIX+="[remote] "

# ---- the "remote host": sshd on 127.0.0.1, keys of its own ----
lab_remote_host_start "$VS"

cleanup() {
    lab_remove_domain "$DOM"
    stop_sshd
    # add's nosuid,nodev mounts and fstab lines, on the remote host's side
    if [ -n "$HOST" ]; then
        lab_trixie_nsenter chroot "$HOST" bash -c "$(declare -f lab_unprotect_under); lab_unprotect_under \"\$1\"" _ "$ROOT"
    else
        lab_unprotect_under "$ROOT"
    fi
    rm -rf "$HOST$ROOT"
    [ -z "$HOST" ] || rm -rf "$ROOT"
}

# ---- the host's folders, and a guest ----
rm -rf "$HOST$ROOT"
install -d -m 755 "$HOST$ROOT/hostonly" "$HOST$ROOT/both"
bash "$top/tests/lab/start-guest.sh" "$DOM" >/dev/null || tap_bail "remote guest did not boot"

# client CMD...: run on the "client", whose $ROOT holds only clientonly/ and
# both/ (empty, with no ACLs): on the host stack a fresh tmpfs over the
# host's, on the trixie stack this host's own.
if [ -n "$HOST" ]; then
    rm -rf "$ROOT"
    install -d -m 755 "$ROOT/clientonly" "$ROOT/both"
    client() { "$@"; }
else
    client() {
        unshare -m --propagation private bash -c '
            mount -t tmpfs vs-client "$1" && mkdir -p "$1/clientonly" "$1/both" || exit 99
            shift; exec "$@"' _ "$ROOT" "$@"
    }
fi
xml() { virsh -c "$LAB_URI" -q dumpxml --inactive "$DOM"; }
# xml_is BEFORE: the definition, which virsh must give now, is BEFORE, which
# must not be empty (two failed virsh calls are no "unchanged").
xml_is() { local x; x=$(xml) && [ -n "$1" ] && [ "$x" = "$1" ]; }
# xml_lacks PATTERN: the definition, which virsh must give (a virsh failure
# is no "gone"), has no line matching PATTERN.
xml_lacks() { local x; x=$(xml) && [ -n "$x" ] && ! grep -q "$1" <<<"$x"; }
# The remote host's QEMU user, by number (the trixie root has its own).
qemu_uid=$(awk -F: '$1 == "libvirt-qemu" { print $3 }' "$HOST/etc/passwd")

tap_diag "remote host: sshd on 127.0.0.1:$PORT; URI $URI"
expect "the client cannot see the host's folder" client test ! -e "$ROOT/hostonly"

out=$(client "$VS" -c "$URI" list "$DOM" 2>&1); rc=$?
expect "list over qemu+ssh exits 0" test "$rc" -eq 0
tap_diag "$out"

before=$(xml) || before=
out=$(client "$VS" -c "$URI" add "$DOM" "$ROOT/clientonly" --driver virtiofs 2>&1); rc=$?
tap_diag "$out"
expect "a folder that exists only on the client is refused (exit 1)" test "$rc" -eq 1
expect "and the definition is unchanged" xml_is "$before"

out=$(client "$VS" -c "$URI" add "$DOM" ./relative 2>&1); rc=$?
expect "a relative path is refused for a remote host (exit 1)" test "$rc" -eq 1
tap_diag "$out"

out=$(client "$VS" -c "$URI" add "$DOM" "$ROOT/hostonly" --driver virtiofs --target /mnt/r 2>&1); rc=$?
tap_diag "$out"
expect "the host's folder (invisible to the client) is added (exit 0)" test "$rc" -eq 0
# (virsh writes attributes in single quotes)
expect "its source in the definition is the host path" grep -q "<source dir='$ROOT/hostonly'/>" <<<"$(xml)"
expect "mounted in the guest" lab_guest_exec "$DOM" /bin/grep -q " /mnt/r virtiofs " /proc/mounts
lab_guest_exec "$DOM" /bin/sh -c 'echo from-guest > /mnt/r/hello' >/dev/null
expect "a file written in the guest is in the host's folder" grep -qx from-guest "$HOST$ROOT/hostonly/hello"

out=$(client "$VS" -c "$URI" status "$DOM" 2>&1); rc=$?
expect "status over qemu+ssh exits 0" test "$rc" -eq 0
tap_diag "$out"
# The state, read from --json: a grep for "mounted" in the text also
# matches "not mounted".
# state_of JSON SOURCE: "STATE GUEST" of the share whose source is SOURCE.
state_of() {
    python3 -c '
import json, sys
for s in json.loads(sys.argv[1])["shares"]:
    if s["source"] == sys.argv[2]:
        print(s["state"], s["guest"])' "$1" "$2"
}
out=$(client "$VS" -c "$URI" status "$DOM" --json 2>/dev/null); rc=$?
expect "status --json over qemu+ssh exits 0" test "$rc" -eq 0
expect "status shows the share attached and mounted" \
    test "$(state_of "$out" "$ROOT/hostonly" 2>/dev/null)" = "attached mounted"

# doctor --fix must change the host's ACLs, never the client's folder of the same name.
client "$VS" -c "$URI" add "$DOM" "$ROOT/both" --driver 9p --no-mount --force >/dev/null 2>&1
# (the count of the client's named-user entries: a getfacl that failed says
# so, never "0")
out=$(client bash -c '"$1" -c "$2" doctor "$3" "$4" --fix
    if a=$(getfacl -cpn "$4"); then grep -c "^user:[0-9]" <<<"$a" || true; else echo "getfacl failed"; fi' \
    _ "$VS" "$URI" "$DOM" "$ROOT/both" 2>&1)
tap_diag "$out"
expect "doctor --fix gave QEMU's user (uid $qemu_uid there) an ACL on the host's folder" \
    bash -c 'getfacl -cpn "$1" | grep -q "^user:$2:"' _ "$HOST$ROOT/both" "$qemu_uid"
expect "and left the client's folder of the same name alone" test "$(tail -n 1 <<<"$out")" = 0

before=$(xml) || before=
out=$(VIRT_SHARE_REMOTE_COMMAND=/nonexistent/virt-share client "$VS" -c "$URI" add "$DOM" "$ROOT/hostonly2" 2>&1); rc=$?
tap_diag "$out"
expect "without virt-share on the host: a plain error" grep -q "is not installed on '127.0.0.1'" <<<"$out"
expect "and nothing changed" xml_is "$before"

out=$(client "$VS" -c "$URI" remove "$DOM" "$ROOT/hostonly" 2>&1); rc=$?
tap_diag "$out"
expect "remove by host path over qemu+ssh exits 0" test "$rc" -eq 0
expect "the share is gone from the definition" xml_lacks "$ROOT/hostonly"
expect "the host's folder is still there" test -d "$HOST$ROOT/hostonly"

tap_done
