#!/usr/bin/env bash
# End-to-end tests: a share must not be the guest's way up on the
# host.  With the defaults, a virtiofs share (virtiofsd runs as root) and a 9p
# squash share (QEMU's user) of folders in /var/tmp (mounted without nosuid
# on a default Debian) are added to a running lab guest; the guest's root
# copies a program into each (GNU id, which keeps a setuid privilege: the
# guest's busybox drops it), makes it setuid and setgid, and tries mknod
# of a block and a character device.  On the host an unprivileged user runs
# that program through the folder's own path and through its parent
# directory and must print its own uid; no device node may be usable.  A
# host reboot is simulated by unmounting the protection while the domain is
# shut off: the hook (host stack, when the lab may restart the daemon so
# that it reads the hook) mounts it again at the next start, and refuses a
# domain whose folder has no fstab line.  remove leaves /etc/fstab byte for
# byte and the host's mount points as they were before add.
# Last, a 9p passthrough share of a domain whose QEMU runs as root (a static
# DAC label).  The oracle: statvfs (python3), setpriv, stat and
# /proc/self/mountinfo on the host, guest-exec through tests/lab/lib.sh in
# the guest.  Needs the lab (tests/lab/setup.sh) and root.  Prints TAP and
# "N passed, M failed".
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=common.sh
. "$here/common.sh"

VS=$(realpath "$VS")
export LIBVIRT_DEFAULT_URI=$LAB_URI
DOM=vs-test-setuid
HOOKDOM=vs-test-setuid-hook
QEMU_USER=libvirt-qemu
NOBODY=65534

e2e_need_root
e2e_need_guest
command -v setpriv >/dev/null || { echo "setuid.sh: needs setpriv (util-linux)" >&2; exit 1; }
e2e_stack
TAP_PREFIX+="[setuid] "

# protected DIR: DIR's mount is nosuid and nodev (statvfs, not virt-share's code).
protected() {
    python3 -c 'import os, sys
f = os.statvfs(sys.argv[1]).f_flag
sys.exit(0 if f & os.ST_NOSUID and f & os.ST_NODEV else 1)' "$1"
}
# unprotected DIR: statvfs answered, and DIR's mount allows setuid.
unprotected() {
    python3 -c 'import os, sys
sys.exit(1 if os.statvfs(sys.argv[1]).f_flag & os.ST_NOSUID else 0)' "$1"
}
# uid_as_nobody PROGRAM: the effective uid the guest's copy of id prints
# when nobody runs it.
uid_as_nobody() { setpriv --reuid="$NOBODY" --regid="$NOBODY" --clear-groups "$1" -u 2>/dev/null; }
# gains_nothing PROGRAM: it ran and printed nobody's own uid.
gains_nothing() { local u; u=$(uid_as_nobody "$1") && [ "$u" = "$NOBODY" ]; }
# gains_nothing_from_parent DIR NAME: the same, run as ./NAME/p from DIR.
gains_nothing_from_parent() {
    local u
    u=$(cd "$1" && setpriv --reuid="$NOBODY" --regid="$NOBODY" --clear-groups "./$2/p" -u 2>/dev/null) &&
        [ "$u" = "$NOBODY" ]
}
# device_unusable DIR NAME: no device node NAME, or opening it fails, even for root.
device_unusable() {
    [ -e "$1/$2" ] || return 0
    ! dd if="$1/$2" of=/dev/null bs=1 count=1 status=none 2>/dev/null
}
# mount_points: the host's mount points in and above the shared folders,
# the only ones add and remove may change (other tests on the machine may
# mount elsewhere meanwhile).
mount_points() {
    awk -v s="$SHARES/" '{ m = $5 "/" } index(m, s) == 1 || index(s, m) == 1 { print $5 }' \
        /proc/self/mountinfo | sort
}

# 711: nobody may go through it (as QEMU's user must), but cannot list it:
# the setuid programs made here are not found by chance while they work.
e2e_scratch setuid 711
FSTAB_ORIG=$(mktemp)
cp -p /etc/fstab "$FSTAB_ORIG" 2>/dev/null || : >"$FSTAB_ORIG"
MOUNTS_ORIG=$(mount_points)
# cleanup: whatever a failed run left: the domains; then e2e_exit takes the
# bind mounts in $SHARES and their lines in /etc/fstab (lab_unprotect_under:
# only those, the path is this run's own) and puts the hook back.
# guest_root_at_work M [root]: in /mnt/M the guest's root copies a program
# (the host's GNU id, put there as a plain file: busybox's id would drop the
# bits), makes it setuid and setgid, and makes device nodes; on the host, in
# $SHARES/M, the bit is on disk and gives nobody anything.  With "root" the
# program must be root's on the host too (passthrough keeps the guest's owner).
guest_root_at_work() {
    local m=$1 d=$SHARES/$1 rc_cp rc_chmod rc_b rc_c
    install -m 644 /usr/bin/id "$d/payload.in"
    g /bin/cp "/mnt/$m/payload.in" "/mnt/$m/p"; rc_cp=$?
    g /bin/chmod 6755 "/mnt/$m/p"; rc_chmod=$?
    g /bin/mknod "/mnt/$m/b" b 7 0; rc_b=$?
    g /bin/mknod "/mnt/$m/c" c 1 3; rc_c=$?
    tap_diag "$m: cp $rc_cp, chmod 6755 $rc_chmod, mknod b $rc_b, mknod c $rc_c"
    expect "$m: the guest copied the program" test "$rc_cp" -eq 0
    if [ "${2:-}" = root ]; then
        expect "$m: the program is root's and setuid on the host (the guest's owner kept)" \
            test -u "$d/p" -a "$(stat -c %u "$d/p" 2>/dev/null)" = 0
    else
        expect "$m: the setuid bit is on disk on the host (the guest set it)" test -u "$d/p"
    fi
    expect "$m: nobody running it through the folder's path stays nobody" gains_nothing "$d/p"
    expect "$m: nobody running it through the parent directory stays nobody" \
        gains_nothing_from_parent "$SHARES" "$m"
    expect "$m: the block device node is refused or unusable" device_unusable "$d" b
    expect "$m: the character device node is refused or unusable" device_unusable "$d" c
}

cleanup() {
    lab_remove_domain "$DOM" "$HOOKDOM"
    rm -f "$FSTAB_ORIG"
}

vfs=$SHARES/vfs
sq=$SHARES/sq
mkdir "$vfs" "$sq"
chown "$QEMU_USER" "$sq"   # squash writes as QEMU's user: it must own the folder

tap_diag "== boot the guest"
lab_remove_domain "$DOM" "$HOOKDOM" || tap_bail "a domain $DOM exists that this lab did not define"
bash "$top/tests/lab/start-guest.sh" "$DOM" >/dev/null || tap_bail "the lab guest did not boot"
expect "before add: the folders allow setuid programs (else nothing here is proven)" unprotected "$vfs"

# ---- add, with the defaults ----
tap_diag "== add 9p squash (--restart), then virtiofs live"
out=$("$VS" add "$DOM" "$sq" --driver 9p --mode squash --target /mnt/sq --restart 2>&1); rc=$?
tap_diag "$out"
expect "add 9p squash exits 0" test "$rc" -eq 0
expect "its plan has the nosuid,nodev step" grep -qF "Mount $sq again with nosuid,nodev" <<<"$out"
expect "the 9p squash folder is nosuid,nodev" protected "$sq"
out=$("$VS" add "$DOM" "$vfs" --driver virtiofs --target /mnt/vfs --dry-run 2>&1); rc=$?
expect "a dry run of the virtiofs add shows the step" grep -qF "Mount $vfs again with nosuid,nodev" <<<"$out"
expect "... and changes nothing" unprotected "$vfs"
out=$("$VS" add "$DOM" "$vfs" --driver virtiofs --target /mnt/vfs 2>&1); rc=$?
tap_diag "$out"
expect "add virtiofs exits 0" test "$rc" -eq 0
expect "the virtiofs folder is nosuid,nodev" protected "$vfs"
for d in "$vfs" "$sq"; do
    expect "/etc/fstab has the entry for ${d##*/}" \
        grep -qxF "$d $d none rbind,nosuid,nodev,nofail 0 0" /etc/fstab
done
expect "both shares are mounted in the guest" \
    bash -c 'grep -q " /mnt/vfs virtiofs " <<<"$1" && grep -q " /mnt/sq 9p " <<<"$1"' _ \
    "$(g /bin/cat /proc/mounts)"

# ---- the guest's root at work ----
for m in vfs sq; do
    tap_diag "== the guest's root in /mnt/$m"
    guest_root_at_work "$m"
done

# ---- a host reboot, simulated: the protection is gone while the domain is off ----
tap_diag "== host reboot, simulated"
virsh -q destroy "$DOM" >/dev/null 2>&1
umount -l "$vfs"; umount -l "$sq"
expect "with the domain off and the bind mounts gone, the folders allow setuid again" \
    unprotected "$vfs"
# The control: without the mount the guest's program is setuid root for
# anyone: the checks above prove the mount, not luck.
expect "without it, nobody running the virtiofs program gets uid 0 (the threat is real)" \
    test "$(uid_as_nobody "$vfs/p")" = 0
# (QEMU's uid is the trixie root's own on that stack: the file's owner says it.)
sq_owner=$(stat -c %u "$sq/p")
expect "without it, nobody running the 9p squash program gets its owner's, QEMU's, uid $sq_owner (the threat is real)" \
    test "$sq_owner" != "$NOBODY" -a "$(uid_as_nobody "$sq/p")" = "$sq_owner"
unprotected_findings() {   # the doctor's setuid-unprotected errors, "TAG" each
    "$VS" doctor "$DOM" --json 2>/dev/null |
        jq -r '.findings[] | select(.code == "setuid-unprotected" and .severity == "error") | .tag'
}
expect "doctor reports both folders as setuid-unprotected errors" \
    test "$(unprotected_findings | wc -l)" -eq 2
"$VS" doctor "$DOM" >/dev/null 2>&1; rc=$?
expect "doctor exits 4 (problems found)" test "$rc" -eq 4
hook_checks=("the hook mounts the virtiofs folder again at the next start"
    "the hook mounts the 9p squash folder again at the next start"
    "the domain started" "after the restore, nobody running the virtiofs program stays nobody"
    "the hook refuses a domain whose folder is not nosuid,nodev and has no fstab line"
    "libvirt reports virt-share's reason and the fix")
if [ "$LAB_STACK" != host ]; then
    skip "the $LAB_STACK stack's daemon reads its hooks inside its root, and the hook is built for this host" \
        "${hook_checks[@]}"
elif ! lab_may_restart; then
    skip "the libvirt daemon was not started by the lab: not restarting it to read the hook (VS_LAB_ALLOW_RESTART=1 allows it)" \
        "${hook_checks[@]}"
else
    e2e_hook_install
    lab_restart_libvirtd || tap_diag "restarting the daemon failed"
    out=$(virsh -q start "$DOM" 2>&1); rc=$?
    tap_diag "$out"
    expect "the hook mounts the virtiofs folder again at the next start" protected "$vfs"
    expect "the hook mounts the 9p squash folder again at the next start" protected "$sq"
    expect "the domain started" test "$rc" -eq 0
    expect "after the restore, nobody running the virtiofs program stays nobody" \
        gains_nothing "$vfs/p"
    virsh -q destroy "$DOM" >/dev/null 2>&1
    # A folder of the same kind with no fstab line: refused.
    bare=$SHARES/bare
    mkdir "$bare"
    e2e_define_shared "$HOOKDOM" "$bare" bare passthrough virtiofs
    out=$(virsh -q start "$HOOKDOM" 2>&1); rc=$?
    tap_diag "$out"
    expect "the hook refuses a domain whose folder is not nosuid,nodev and has no fstab line" \
        test "$rc" -ne 0
    expect "libvirt reports virt-share's reason and the fix" \
        grep -q "virt-share: domain '$HOOKDOM'.*allows setuid programs.*virt-share doctor $HOOKDOM --fix" <<<"$out"
    lab_remove_domain "$HOOKDOM"
    e2e_hook_restore
fi

# ---- doctor --fix: the protection of a folder that lost it ----
virsh -q destroy "$DOM" >/dev/null 2>&1
protected "$vfs" && umount -l "$vfs"
protected "$sq" && umount -l "$sq"
out=$("$VS" doctor "$DOM" --fix 2>&1); rc=$?
tap_diag "$out"
expect "doctor --fix mounts the virtiofs folder again with nosuid,nodev" protected "$vfs"
expect "doctor --fix mounts the 9p squash folder again with nosuid,nodev" protected "$sq"
expect "doctor --fix says what it applied" grep -qF "Applied: mount --rbind $vfs" <<<"$out"
expect "after doctor --fix no setuid-unprotected finding is left" test -z "$(unprotected_findings)"
for d in "$vfs" "$sq"; do
    expect "the fstab entry for ${d##*/} is there once" \
        test "$(grep -cxF "$d $d none rbind,nosuid,nodev,nofail 0 0" /etc/fstab)" -eq 1
done

# The guest's programs go before the protection does.
rm -f "$vfs/p" "$vfs/payload.in" "$vfs/b" "$vfs/c" "$sq/p" "$sq/payload.in" "$sq/b" "$sq/c"

# ---- remove: everything as before add ----
tap_diag "== remove"
virsh -q destroy "$DOM" >/dev/null 2>&1   # 9p leaves a stopped domain at once
for d in "$vfs" "$sq"; do
    out=$("$VS" remove "$DOM" "$d" 2>&1); rc=$?
    tap_diag "$out"
    expect "remove ${d##*/} exits 0" test "$rc" -eq 0
done
expect "after remove: /etc/fstab is byte for byte as before add" cmp -s /etc/fstab "$FSTAB_ORIG"
expect "after remove: the host's mount points are as before add" \
    test "$(mount_points)" = "$MOUNTS_ORIG"
expect "after remove: the folders allow setuid again (nothing of virt-share's left)" unprotected "$vfs"

# ---- 9p passthrough with QEMU as root ----
# A static DAC label +0:+0 runs this domain's QEMU as root (no qemu.conf
# change, no daemon restart); passthrough then keeps the guest's owners, so
# the guest's root creates root's files on the host.
tap_diag "== 9p passthrough, QEMU as root"
pt=$SHARES/pt
mkdir "$pt"
virsh -q destroy "$DOM" >/dev/null 2>&1
virsh -q dumpxml --inactive "$DOM" >"$SHARES/pt.xml"
python3 - "$SHARES/pt.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
path = sys.argv[1]
tree = ET.parse(path)
root = tree.getroot()
for old in root.findall("seclabel"):
    root.remove(old)
label = ET.SubElement(root, "seclabel", type="static", model="dac", relabel="no")
ET.SubElement(label, "label").text = "+0:+0"
tree.write(path)
PY
virsh -q define "$SHARES/pt.xml" >/dev/null
virsh -q start "$DOM" >/dev/null 2>&1 && lab_wait_agent "$DOM" 120; rc=$?
expect "the domain runs with QEMU as root" test "$rc" -eq 0
qemu_pid=$(pgrep -f -- "guest=$DOM," | head -n 1)
expect "its QEMU process is uid 0 (pid ${qemu_pid:-none})" \
    test -n "$qemu_pid" -a "$(stat -c %u "/proc/${qemu_pid:-0}" 2>/dev/null)" = 0
expect "before add: the passthrough folder allows setuid programs" unprotected "$pt"
out=$("$VS" add "$DOM" "$pt" --driver 9p --mode passthrough --target /mnt/pt --restart 2>&1); rc=$?
tap_diag "$out"
expect "add 9p passthrough exits 0" test "$rc" -eq 0
expect "its plan has the nosuid,nodev step" grep -qF "Mount $pt again with nosuid,nodev" <<<"$out"
expect "the passthrough folder is nosuid,nodev" protected "$pt"
guest_root_at_work pt root
virsh -q destroy "$DOM" >/dev/null 2>&1
umount -l "$pt"
expect "without the protection, nobody running the passthrough program gets uid 0 (the threat is real)" \
    test "$(uid_as_nobody "$pt/p")" = 0
rm -f "$pt/p" "$pt/payload.in" "$pt/b" "$pt/c"
out=$("$VS" remove "$DOM" "$pt" 2>&1); rc=$?
tap_diag "$out"
expect "remove pt exits 0" test "$rc" -eq 0
expect "after remove pt: /etc/fstab is byte for byte as before add" cmp -s /etc/fstab "$FSTAB_ORIG"
expect "after remove pt: the host's mount points are as before add" \
    test "$(mount_points)" = "$MOUNTS_ORIG"

tap_done
