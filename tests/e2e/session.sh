#!/usr/bin/env bash
# End-to-end tests for qemu:///session: virt-share run by an unprivileged user
# (created here) against that user's own libvirt daemon, whose QEMU runs as
# the user.  Needs the lab's guest (tests/lab/setup.sh) and root to create the
# user.  The oracle is virsh run as that user, never virt-share.
# On the host stack (libvirt 9.0) the user's session daemon is the host's own
# (autostarted by the client); on the trixie stack (VS_LAB_STACK=trixie) it is
# libvirt 11's libvirtd, started here as the user in the trixie root
# (lab_trixie_user_exec) and reached with qemu:///session?socket=...; there
# virtiofs runs unprivileged and --uid-map/--gid-map are proven.
# Prints TAP (tests/tap.sh) and "N passed, M failed"; exit status 1 on failure.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=common.sh
. "$here/common.sh"

USER_NAME=${VS_SESSION_USER:-vs-lab-session}
DOM=vs-test-session

# Every check is named after its stack and URI (TAP_PREFIX).
TAP_PREFIX="[$LAB_STACK] [session] "

e2e_need_root   # it creates a user
e2e_need_guest

# The user: created by this test (so its session daemon is ours to stop),
# in no libvirt group; a runtime directory as logind would make it.
id "$USER_NAME" >/dev/null 2>&1 || useradd -m -s /bin/bash "$USER_NAME"
uid=$(id -u "$USER_NAME")
gid=$(id -g "$USER_NAME")
home=$(getent passwd "$USER_NAME" | cut -d: -f6)
runtime=/run/user/$uid
install -d -m 700 -o "$USER_NAME" -g "$gid" "$runtime"
as_user() {
    (cd / && runuser -u "$USER_NAME" -- env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$home" \
        XDG_RUNTIME_DIR="$runtime" LANG=C.UTF-8 "$@")
}
# On the trixie stack the client names the daemon's socket, so that a
# missing daemon is an error, never an autostarted libvirt 9.0 one.
SURI=qemu:///session
[ "$LAB_STACK" = trixie ] && SURI="qemu:///session?socket=$runtime/libvirt/libvirt-sock"
# The lab's oracle helpers call `virsh -c "$LAB_URI"`: run them as the user.
LAB_URI=$SURI
virsh() { as_user /usr/bin/virsh "$@"; }

# session_daemons: pids of the user's libvirtd and virtlogd (this host's or
# the trixie root's), by owner and executable, no one else's.
session_daemons() {
    local p exe
    for p in /proc/[0-9]*; do
        [ "$(stat -c %u "$p" 2>/dev/null)" = "$uid" ] || continue
        exe=$(readlink "$p/exe" 2>/dev/null) || continue
        exe=${exe% (deleted)}
        case $exe in */usr/sbin/libvirtd | */usr/sbin/virtlogd) echo "${p#/proc/}" ;; esac
    done
}
cleanup() {
    virsh -c "$SURI" -q destroy "$DOM" >/dev/null 2>&1
    virsh -c "$SURI" -q undefine "$DOM" >/dev/null 2>&1
    local p
    for p in $(session_daemons); do kill "$p" 2>/dev/null; done
    for _ in $(seq 50); do [ -z "$(session_daemons)" ] && break; sleep 0.1; done
    return 0
}
cleanup

# The user's subordinate ids: useradd's, or a range of our own.
subuid=$(grep -m1 "^$USER_NAME:" /etc/subuid 2>/dev/null || echo "$USER_NAME:100000:65536")
subgid=$(grep -m1 "^$USER_NAME:" /etc/subgid 2>/dev/null || echo "$USER_NAME:100000:65536")
# The trixie stack: the user (with those subordinate ids, for virtiofsd's
# user namespace) in the root, and libvirt 11's libvirtd in session mode as
# the user.
if [ "$LAB_STACK" = trixie ]; then
    if ! { lab_trixie_add_user "$USER_NAME" && lab_trixie_set_line /etc/subuid "$subuid" \
        && lab_trixie_set_line /etc/subgid "$subgid"; }; then
        tap_bail "cannot add $USER_NAME to the trixie root"
    fi
    t0=$(lab_now)
    # The daemon keeps every descriptor it inherits: not the lab lock.
    ( for fd in /proc/self/fd/*; do fd=${fd##*/}; [ "$fd" -le 2 ] || eval "exec $fd>&-"; done 2>/dev/null
      lab_trixie_user_exec "$USER_NAME" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$home" \
        XDG_RUNTIME_DIR="$runtime" LANG=C.UTF-8 /usr/sbin/libvirtd --daemon \
        </dev/null >"$LAB_STATE/session-libvirtd.out" 2>&1 ) \
        || tap_bail "the trixie session libvirtd did not start: $(tail -5 "$LAB_STATE/session-libvirtd.out")"
    delay=50
    until virsh -c "$SURI" -q uri >/dev/null 2>&1; do
        [ "$(lab_since "$t0" | cut -d. -f1)" -lt 120 ] \
            || tap_bail "the trixie session libvirtd does not answer on $SURI; see $home/.cache/libvirt/libvirtd.log"
        lab_sleep_ms "$delay"; delay=$((delay * 2 > 500 ? 500 : delay * 2))
    done
    tap_diag "trixie session libvirtd (as $USER_NAME) answers after $(lab_since "$t0") s"
fi
# The daemon's libvirt version names the stack and decides what to expect.
lib_version=$(as_user /usr/bin/python3 -c '
import sys, libvirt
v = libvirt.open(sys.argv[1]).getLibVersion()
print("%d.%d.%d" % (v // 1000000, v // 1000 % 1000, v % 1000))' "$SURI" 2>/dev/null) \
    || tap_bail "no session daemon answers on $SURI"
TAP_PREFIX="[libvirt-${lib_version%.*}] [session] "
lib_major=${lib_version%%.*}

tap_diag "qemu:///session as $USER_NAME (uid $uid, groups: $(id -Gn "$USER_NAME"))"
xml=$(mktemp)
bash "$top/tests/lab/guest.sh" "$DOM" \
    | sed "s|<source path='[^']*-console.log'/>|<source path='$runtime/console.log'/>|" >"$xml"
chmod 644 "$xml"
t0=$(lab_now)
if ! virsh -c "$SURI" -q define "$xml" >/dev/null || ! virsh -c "$SURI" -q start "$DOM" >/dev/null \
    || ! lab_wait_agent "$DOM" "${LAB_BOOT_TIMEOUT:-180}"; then
    tap_not_ok "session guest boots with its agent"
    tap_diag "$(tail -20 "$runtime/console.log" 2>/dev/null)"
    tap_done
fi
rm -f "$xml"
tap_diag "session guest: agent up after $(lab_since "$t0") s"
# running PGREP-ARGS...: such a process exists (pgrep's pids kept out of the
# TAP stream; a redirect on expect would hide its "ok"/"not ok" line too).
running() { pgrep "$@" >/dev/null; }
expect "QEMU runs as the user" running -u "$USER_NAME" -f "guest=$DOM"

share=$home/share
# Fresh folders every run: a file left by an earlier run (owned by an id of
# its map) must neither pass nor fail a check of this one.
rm -rf "$share" "$home/vshare" "$home/mapped"
as_user mkdir -p "$share"
before=$(virsh -c "$SURI" -q dumpxml --inactive "$DOM") || before=
# def_unchanged: the definition, which virsh must give now and gave before
# (two failed virsh calls are no "unchanged"), is what it was.
def_unchanged() {
    local now
    now=$(virsh -c "$SURI" -q dumpxml --inactive "$DOM") && [ -n "$before" ] && [ "$now" = "$before" ]
}
# not_mounted MNT: the guest ran grep and it found no such mount; an agent
# that did not answer is no "not mounted" (lab_guest_false).
not_mounted() { lab_guest_false "$DOM" /bin/grep -q " $1 " /proc/mounts; }
guest_reads() { [ "$(lab_guest_exec "$DOM" /bin/cat "$1")" = "$2" ]; }
# guest_owner PATH: "uid:gid" of PATH as the guest sees it.
guest_owner() { lab_guest_exec "$DOM" /bin/sh -c 'stat -c %u:%g "$1"' _ "$1"; }

# ---- 9p: QEMU runs as the user, so the user's folder is QEMU's ----
# (Asked for by name: from libvirt 10 auto picks virtiofs for this running
# domain, see below.)
t0=$(lab_now)
out=$(as_user "$VS" -c "$SURI" add "$DOM" "$share" --driver 9p --target /mnt/s --restart 2>&1); rc=$?
tap_diag "$out"
expect "add --driver 9p exits 0 as the user" test "$rc" -eq 0
tap_diag "session add 9p --restart to mounted: $(lab_since "$t0") s"
expect "9p in squash mode, the default under a session" grep -q "^9p (squash)" <<<"$out"
expect "mounted in the guest" lab_guest_exec "$DOM" /bin/grep -q " /mnt/s 9p " /proc/mounts
lab_guest_exec "$DOM" /bin/sh -c 'echo from-guest > /mnt/s/hello' >/dev/null
expect "a file written in the guest is on the host" grep -qx from-guest "$share/hello"
expect "and belongs to the user (QEMU runs as them)" test "$(stat -c %U "$share/hello")" = "$USER_NAME"
echo from-host | as_user tee "$share/back" >/dev/null
expect "a file written on the host is read in the guest" guest_reads /mnt/s/back from-host
expect "the lock lives in the user's runtime directory" test -d "$runtime/virt-share"

out=$(as_user "$VS" -c "$SURI" remove "$DOM" "$share" 2>&1); rc=$?
tap_diag "$out"
expect "remove exits 0 as the user" test "$rc" -eq 0
expect "unmounted in the guest" not_mounted /mnt/s
after=$(virsh -c "$SURI" -q dumpxml --inactive "$DOM") || after=
same_xml "definition back to what it was" "$before" "$after"

# ---- virtiofs and id maps ----
if [ "$lib_major" -lt 10 ]; then
    # libvirt 9.0 refuses virtiofs in session mode only at attach time;
    # virt-share must say so before changing anything (exit 1), for an id
    # map (virtiofs only) too, and auto must not pick it.  A folder of its
    # own: 9p cannot be hot-unplugged, so the running domain still has the
    # one above.
    share=$home/vshare
    as_user mkdir -p "$share"
    out=$(as_user "$VS" -c "$SURI" add "$DOM" "$share" --driver virtiofs 2>&1); rc=$?
    tap_diag "$out"
    expect "virtiofs refused up front on libvirt $lib_version (exit 1)" test "$rc" -eq 1
    expect "the error names the libvirt version needed" grep -q "10.0.0" <<<"$out"
    expect "definition unchanged after the refusal" def_unchanged
    out=$(as_user "$VS" -c "$SURI" add "$DOM" "$share" --uid-map "$uid:0" 2>&1); rc=$?
    tap_diag "$out"
    expect "--uid-map refused up front on libvirt $lib_version (exit 1)" test "$rc" -eq 1
    expect "and that error names the libvirt version needed too" grep -q "10.0.0" <<<"$out"
    expect "definition unchanged after that refusal" def_unchanged
    out=$(as_user "$VS" -c "$SURI" add "$DOM" "$share" --dry-run 2>&1); rc=$?
    tap_diag "$out"
    expect "auto picks 9p where virtiofs cannot work" \
        bash -c '[ "$1" -eq 0 ] && grep -q "9p" <<<"$2" && ! grep -q virtiofs <<<"$2"' _ "$rc" "$out"
    tap_done
fi

# libvirt >= 10 runs virtiofsd as the user, in its namespace sandbox: a user
# namespace whose ids newuidmap/newgidmap map from /etc/subuid, /etc/subgid.
vshare=$home/vshare
as_user mkdir -p "$vshare"
t0=$(lab_now)
out=$(as_user "$VS" -c "$SURI" add "$DOM" "$vshare" --target /mnt/v 2>&1); rc=$?
tap_diag "$out"
expect "add (auto) exits 0 as the user on libvirt $lib_version" test "$rc" -eq 0
tap_diag "session add virtiofs (live) to mounted: $(lab_since "$t0") s"
expect "auto picked virtiofs (live, no restart)" grep -q "^virtiofs" <<<"$out"
expect "virtiofsd runs as the user" running -u "$USER_NAME" -x virtiofsd
expect "mounted in the guest" lab_guest_exec "$DOM" /bin/grep -q " /mnt/v virtiofs " /proc/mounts
lab_guest_exec "$DOM" /bin/sh -c 'echo from-guest > /mnt/v/hello' >/dev/null
expect "a file written in the guest is on the host" grep -qx from-guest "$vshare/hello"
# libvirt's default map: the guest's root is the user ("Running unprivileged", libvirt's kbase/virtiofs).
expect "and belongs to the user (guest root is the user by default)" \
    test "$(stat -c %u:%g "$vshare/hello" 2>/dev/null)" = "$uid:$gid"
echo from-host | as_user tee "$vshare/back" >/dev/null
expect "a file written on the host is read in the guest" guest_reads /mnt/v/back from-host
out=$(as_user "$VS" -c "$SURI" remove "$DOM" "$vshare" 2>&1); rc=$?
tap_diag "$out"
expect "remove exits 0 as the user" test "$rc" -eq 0
expect "unmounted in the guest" not_mounted /mnt/v
# (its sandbox's processes end a moment after libvirt's SIGTERM)
# (pgrep's 1 is "no such process"; 2 and 3 are its own errors, no "ended")
no_virtiofsd() {
    local rc
    for _ in $(seq 50); do
        pgrep -u "$USER_NAME" -x virtiofsd >/dev/null; rc=$?
        [ "$rc" -eq 1 ] && return 0
        [ "$rc" -eq 0 ] || return 1
        sleep 0.1
    done
    return 1
}
expect "and its virtiofsd has ended" no_virtiofsd

# --uid-map/--gid-map: <idmap>; the user is the guest's root (HOST:GUEST =
# uid:0) and guest id 1000 is one of the user's subordinate ids, sub+2000:
# far from where libvirt's default map (guest 1.. on the subordinate range)
# puts it, so only an <idmap> that virtiofsd really applies passes.
sub_uid=$(cut -d: -f2 <<<"$subuid") sub_gid=$(cut -d: -f2 <<<"$subgid")
mu=$((sub_uid + 2000)) mg=$((sub_gid + 2000))
mshare=$home/mapped
as_user mkdir -p "$mshare"
out=$(as_user "$VS" -c "$SURI" add "$DOM" "$mshare" --driver virtiofs --target /mnt/m \
    --uid-map "$uid:0" --uid-map "$mu:1000" --gid-map "$gid:0" --gid-map "$mg:1000" 2>&1); rc=$?
tap_diag "$out"
expect "add --uid-map/--gid-map exits 0" test "$rc" -eq 0
live=$(virsh -c "$SURI" -q dumpxml "$DOM")
expect "the live definition has the <idmap>" \
    bash -c 'grep -q "<uid start=.0. target=.$1. count=.1./>" <<<"$3" && grep -q "<gid start=.1000. target=.$2. count=.1./>" <<<"$3"' \
    _ "$uid" "$mg" "$live"
expect "mounted in the guest" lab_guest_exec "$DOM" /bin/grep -q " /mnt/m virtiofs " /proc/mounts
lab_guest_exec "$DOM" /bin/sh -c 'echo r > /mnt/m/by-root; echo u > /mnt/m/by-1000; chown 1000:1000 /mnt/m/by-1000' >/dev/null
expect "a file of the guest's root is the user's on the host" \
    test "$(stat -c %u:%g "$mshare/by-root" 2>/dev/null)" = "$uid:$gid"
expect "a file chowned to 1000:1000 in the guest is $mu:$mg on the host" \
    test "$(stat -c %u:%g "$mshare/by-1000" 2>/dev/null)" = "$mu:$mg"
echo h | as_user tee "$mshare/by-user" >/dev/null
echo h >"$mshare/by-sub" && chown "$mu:$mg" "$mshare/by-sub"
expect "a file of the user on the host is root's in the guest" test "$(guest_owner /mnt/m/by-user)" = 0:0
expect "a file of $mu:$mg on the host is 1000:1000 in the guest" test "$(guest_owner /mnt/m/by-sub)" = 1000:1000
out=$(as_user "$VS" -c "$SURI" remove "$DOM" "$mshare" 2>&1); rc=$?
tap_diag "$out"
expect "remove of the mapped share exits 0" test "$rc" -eq 0
expect "unmounted in the guest" not_mounted /mnt/m

tap_done
