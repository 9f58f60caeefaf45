#!/usr/bin/env bash
# End-to-end tests: the built virt-share binary against a real libvirt daemon,
# a real QEMU (TCG) guest with a real qemu-ga, real 9p and virtiofs mounts.
# The lab (daemons, guest kernel and initramfs) comes from tests/lab/setup.sh;
# VS_LAB_STACK picks the host stack (tests/lab/lib.sh), and every check's name
# starts with it ("[libvirt-11.3] ...").  tests/e2e/stacks.sh runs them all.
# The oracle is independent of virt-share: virsh dumpxml, and guest-exec sent
# by tests/lab/lib.sh.  Prints TAP (tests/tap.sh) and "N passed, M failed";
# exit status 1 on failure.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=common.sh
. "$here/common.sh"

export LIBVIRT_DEFAULT_URI=$LAB_URI
e2e_stack
# libvirt >= 11.0 shares virtiofs read-only: --readonly then picks virtiofs.
RO_FS=9p
[ "${LIBVIRT_VERSION%%.*}" -ge 11 ] 2>/dev/null && RO_FS=virtiofs
DOM=vs-test-e2e
NOAGENT=vs-test-noagent
NOEXEC=vs-test-noexec
NOMEM=vs-test-nomem
HOOKDOM=vs-test-hook
HUNG=vs-test-hung
QEMU_USER=libvirt-qemu

# Write $2 into file $1 in the guest (path passed as an argument, not spliced into the script).
gwrite() { g /bin/sh -c 'printf %s "$2" > "$1"' sh "$1" "$2"; }
# gwrite_fails FILE ERROR: the guest's shell could not create FILE, with the
# errno text ERROR (busybox: "can't create FILE: Permission denied").
gwrite_fails() {
    local err rc
    err=$(g /bin/sh -c 'printf x > "$1"' sh "$1" 2>&1 >/dev/null); rc=$?
    [ "$rc" -ge 1 ] && [ "$rc" -lt 124 ] && [[ $err == *": $2"* ]] && return 0
    tap_diag "guest write of $1: exit $rc, '$err', wanted '$2'"
    return 1
}
# xml_lacks live|inactive DOMAIN TEXT: virsh gave the XML, and TEXT is not
# in it (a virsh failure is no proof of "gone").
xml_lacks() {
    local x
    if [ "$1" = inactive ]; then x=$(xml_inactive "$2"); else x=$(xml_live "$2"); fi || return 1
    [ -n "$x" ] && [[ $x != *"$3"* ]]
}
# status_of SOURCE: "DEVICE GUEST" of that share from `virt-share status --json`.
status_of() {
    "$VS" status "$DOM" --json | python3 -c '
import json, sys
for s in json.load(sys.stdin)["shares"]:
    if s["source"] == sys.argv[1]:
        print(s["state"], s["guest"])' "$1"
}
# reboot_guest: reboot $DOM through its agent; it must answer with a new
# boot id within 120 s (a loaded 2-core TCG host boots it in 80 s).
reboot_guest() { lab_reboot "$DOM" 120; }

e2e_scratch e2e
remove_domains() { lab_remove_domain "$DOM" "$NOAGENT" "$NOEXEC" "$NOMEM" "$HOOKDOM" "$HUNG" vs-test-hostile; }
# (e2e_exit then puts the hook back and removes $SHARES)
cleanup() {
    [ -n "${WATCH_PID:-}" ] && kill "$WATCH_PID" 2>/dev/null
    remove_domains
}

timings=()

tap_diag "== boot the guest"
remove_domains
t0=$(now)
# vs_nomods: the guest starts without the 9p/virtiofs modules, so virt-share
# must find that out from /proc/filesystems and modprobe them.
# An ext2 disk keeps the guest's /etc/fstab across reboots (for --persist).
truncate -s 8M "$SHARES/etc.img" && mkfs.ext2 -q -F "$SHARES/etc.img"
if ! bash "$top/tests/lab/start-guest.sh" "$DOM" --cmdline-extra vs_nomods --disk "$SHARES/etc.img"; then
    tap_bail "the lab guest did not boot"
fi
timings+=("boot-to-agent: $(lab_boot_times "$DOM") (whole step: $(elapsed "$t0") s)")

expect "guest starts without 9p in /proc/filesystems" lab_guest_false "$DOM" /bin/grep -qw 9p /proc/filesystems

tap_diag "== 9p squash, cold-plugged with --restart, then mounted"
# A share unmounted with umount beforehand must stay unmounted across the
# restart (umount's automount='no' mark), until 'virt-share mount'.
d_um=$(mkshare unmounted root:root)
expect "add virtiofs (to be unmounted) exits 0" \
    "$VS" add "$DOM" "$d_um" --driver virtiofs --target /mnt/um
expect "umount of it exits 0" "$VS" umount "$DOM" "$d_um"
expect "it is unmounted" gunmounted /mnt/um virtiofs
d_sq=$(mkshare squash "$QEMU_USER:$QEMU_USER")
t0=$(now)
out=$("$VS" add "$DOM" "$d_sq" --mode squash --target /mnt/sq --restart --timeout 180 2>&1); rc=$?
timings+=("add 9p --restart to mounted: $(elapsed "$t0") s")
tap_diag "$out"
expect "add squash --restart exits 0" test "$rc" -eq 0
expect "add says 9p cannot be hot-plugged" grep -q "cannot be hot-plugged" <<<"$out"
expect "add says it restarts" grep -q "Restarting" <<<"$out"
expect "squash share is mounted in the guest" gmounted /mnt/sq 9p
expect "add --restart leaves the share unmounted with umount alone" gunmounted /mnt/um virtiofs
expect "mount mounts that share again" "$VS" mount "$DOM" "$d_um"
expect "at /mnt/um" gmounted /mnt/um virtiofs
# Gone again: the checks below count and list the shares of the domain.
expect "remove of that share exits 0" "$VS" remove "$DOM" "$d_um"
expect "mount uses msize=512000 (the virtio maximum)" g /bin/grep -q "/mnt/sq 9p .*msize=512000" /proc/mounts
expect "guest write succeeds" gwrite /mnt/sq/from-guest.txt "hello from the guest"
expect "host sees the guest's file" test "$(cat "$d_sq/from-guest.txt" 2>/dev/null)" = "hello from the guest"
expect "squash: host file owned by $QEMU_USER" test "$(stat -c %U "$d_sq/from-guest.txt" 2>/dev/null)" = "$QEMU_USER"
printf 'hello from the host' > "$d_sq/from-host.txt"
expect "guest reads the host's file" test "$(g /bin/cat /mnt/sq/from-host.txt)" = "hello from the host"
expect "list shows the share in config and live" \
    bash -c '"$1" list "$2" --json | python3 -c "import json,sys; s=[x for x in json.load(sys.stdin)[\"shares\"] if x[\"source\"]==sys.argv[1]]; assert len(s)==1 and s[0][\"config\"] and s[0][\"live\"] and s[0][\"target\"]==\"/mnt/sq\" and s[0][\"mode\"]==\"squash\"" "$3"' _ "$VS" "$DOM" "$d_sq"

tap_diag "== passthrough, mapped and read-only 9p: added with --no-mount, then virt-share restart"
d_pt=$(mkshare passthrough "$QEMU_USER:$QEMU_USER")
d_mp=$(mkshare mapped "$QEMU_USER:$QEMU_USER")
d_ro=$(mkshare readonly "$QEMU_USER:$QEMU_USER")
printf 'host data' > "$d_pt/host.txt"; printf 'host data' > "$d_ro/host.txt"
before_i=$(xml_inactive "$DOM")
out=$("$VS" add "$DOM" "$d_pt" --driver 9p --mode passthrough --target /mnt/pt --no-mount 2>&1); rc=$?
tap_diag "$out"
expect "passthrough with unprivileged QEMU is refused before any change (exit 1)" test "$rc" -eq 1
expect "the refusal explains EPERM and the way out" grep -q "EPERM.*--mode squash" <<<"$out"
same_xml "refused add: definition byte-identical" "$before_i" "$(xml_inactive "$DOM")"
out=$("$VS" add "$DOM" "$d_pt" --driver 9p --mode passthrough --target /mnt/pt --no-mount --force 2>&1); rc=$?
tap_diag "$out"
expect "add passthrough --force --no-mount exits 0" test "$rc" -eq 0
expect "add tells a restart is needed" grep -qi "restart" <<<"$out"
expect "add mapped exits 0" "$VS" add "$DOM" "$d_mp" --mode mapped --target /mnt/mp --no-mount
expect "add readonly exits 0" "$VS" add "$DOM" "$d_ro" --readonly --target /mnt/ro --no-mount
# A root-owned folder: QEMU (libvirt-qemu) cannot write it.
d_doc=$(mkshare doctor root:root)
before_i=$(xml_inactive "$DOM")
out=$("$VS" add "$DOM" "$d_doc" --mode squash --target /mnt/doc --no-mount 2>&1); rc=$?
tap_diag "$out"
expect "root-owned squash share is refused (exit 1)" test "$rc" -eq 1
expect "the refusal gives the setfacl fix" grep -q "setfacl -m u:$QEMU_USER:rwx" <<<"$out"
same_xml "refused add: definition byte-identical (root-owned)" "$before_i" "$(xml_inactive "$DOM")"
expect "add --force adds it anyway" "$VS" add "$DOM" "$d_doc" --mode squash --target /mnt/doc --no-mount --force
expect "pending share is in the definition only" \
    bash -c '"$1" list "$2" --json | python3 -c "import json,sys; s=[x for x in json.load(sys.stdin)[\"shares\"] if x[\"source\"]==sys.argv[1]]; assert len(s)==1 and s[0][\"config\"] and not s[0][\"live\"]" "$3"' _ "$VS" "$DOM" "$d_pt"
expect "status: config-only share is pending-restart" test "$(status_of "$d_pt")" = "pending-restart n/a"
expect "status: squash share is attached and mounted" test "$(status_of "$d_sq")" = "attached mounted"
boot_id=$(lab_boot_id "$DOM")
# The devices appear only with a shutdown and a start; restart then mounts
# what add recorded (--target), as the watcher would at boot.
t0=$(now)
out=$("$VS" restart "$DOM" --timeout 180 2>&1); rc=$?
timings+=("virt-share restart (shutdown, start, agent, 5 mounts): $(elapsed "$t0") s")
tap_diag "$out"
expect "restart exits 0" test "$rc" -eq 0
expect "restart: a new boot" lab_new_boot "$DOM" "$boot_id"
expect "status: after restart, attached and mounted" test "$(status_of "$d_pt")" = "attached mounted"
out=$("$VS" mount "$DOM" 2>&1); rc=$?
tap_diag "$out"
expect "mount (all shares) after restart exits 0" test "$rc" -eq 0
expect "mount says they were mounted already" grep -q "is already mounted at /mnt/pt" <<<"$out"
expect_not "mount does not claim it mounted them" grep -q "^Mounted '" <<<"$out"
for m in /mnt/sq /mnt/pt /mnt/mp /mnt/doc; do
    expect "$m mounted after virt-share restart" gmounted "$m" 9p
done
expect "/mnt/ro mounted after virt-share restart, over $RO_FS" gmounted /mnt/ro "$RO_FS"
expect "passthrough with unprivileged QEMU: guest create fails (EPERM, as measured)" \
    gwrite_fails /mnt/pt/x.txt "Operation not permitted"
expect "passthrough: guest reads host file" test "$(g /bin/cat /mnt/pt/host.txt)" = "host data"
expect "mapped: guest write succeeds" gwrite /mnt/mp/m.txt "mapped"
expect "mapped: host file is 0600, owned by $QEMU_USER" \
    test "$(stat -c '%a %U' "$d_mp/m.txt" 2>/dev/null)" = "600 $QEMU_USER"
expect "mapped: guest owner kept in user.virtfs.uid xattr" \
    bash -c 'getfattr -n user.virtfs.uid "$1" >/dev/null 2>&1' _ "$d_mp/m.txt"
expect "readonly: mounted ro ($RO_FS)" g /bin/grep -q "/mnt/ro $RO_FS ro[, ]" /proc/mounts
expect "readonly: guest write is refused (EROFS)" gwrite_fails /mnt/ro/x.txt "Read-only file system"
expect "readonly: nothing written on the host" test ! -e "$d_ro/x.txt"
expect "readonly: guest reads host file" test "$(g /bin/cat /mnt/ro/host.txt)" = "host data"

tap_diag "== doctor: a folder QEMU cannot write, and --fix"
expect "/mnt/doc mounted" gmounted /mnt/doc 9p
expect "guest write to the root-owned folder fails (EACCES)" gwrite_fails /mnt/doc/d.txt "Permission denied"
out=$("$VS" doctor "$DOM" "$d_doc" 2>&1); rc=$?
tap_diag "$out"
expect "doctor reports the problem (exit 4)" test "$rc" -eq 4
expect "doctor names QEMU's user and the folder-write problem" grep -q "$QEMU_USER and cannot write $d_doc" <<<"$out"
expect "doctor --json has code folder-write" bash -c '"$1" doctor "$2" "$3" --json 2>/dev/null | python3 -c "import json,sys; d=json.load(sys.stdin); assert d[\"version\"]==1; assert d[\"qemu\"][\"user\"]==sys.argv[1]; assert \"folder-write\" in [f[\"code\"] for f in d[\"findings\"]]" "$4"' _ "$VS" "$DOM" "$d_doc" "$QEMU_USER"
kvm_before=$(stat -c '%a %u:%g %t:%T' /dev/kvm 2>/dev/null || echo absent)
out=$("$VS" doctor "$DOM" "$d_doc" --fix 2>&1); rc=$?
tap_diag "$out"
expect "doctor --fix exits 0" test "$rc" -eq 0
expect "doctor --fix printed what it changed" grep -q "Applied: setfacl" <<<"$out"
expect "an ACL entry for $QEMU_USER, not chmod 777" \
    bash -c 'a=$(getfacl -p "$1" 2>/dev/null); grep -q "^user:$2:rwx" <<<"$a" && grep -q "^group::r-x" <<<"$a" && grep -q "^other::r-x" <<<"$a"' _ "$d_doc" "$QEMU_USER"
expect "after --fix the guest write succeeds" gwrite /mnt/doc/d.txt "doc"
expect "and the host sees it" test "$(cat "$d_doc/d.txt" 2>/dev/null)" = "doc"

tap_diag "== doctor: a /dev/kvm that keeps libvirt probing QEMU again (host finding)"
# The oracle, independent of virt-share: KVM tried as root (KVM_GET_API_VERSION
# == 12, KVM_CREATE_VM), and read-write access for QEMU's user (setpriv,
# access(2), as libvirt's virFileAccessibleAs asks: a node with no driver
# behind it passes, though an open would fail with ENODEV).
# The daemon's /dev is this one on both stacks (trixie: rbind-mounted).
kvm_oracle() {
    python3 - "$QEMU_USER" <<'PY'
import fcntl, os, stat, subprocess, sys
node, user = "/dev/kvm", sys.argv[1]
try:
    chardev = stat.S_ISCHR(os.stat(node).st_mode)
except OSError:
    chardev = False
works = False
if chardev:
    try:
        fd = os.open(node, os.O_RDWR | os.O_CLOEXEC)
        try:
            if fcntl.ioctl(fd, 0xAE00) == 12:
                os.close(fcntl.ioctl(fd, 0xAE01))
                works = True
        finally:
            os.close(fd)
    except OSError:
        pass
qemu = chardev and subprocess.run(
    ["setpriv", "--reuid=" + user, "--regid=" + user, "--init-groups", "python3", "-c",
     "import os, sys; sys.exit(not os.access('/dev/kvm', os.R_OK | os.W_OK))"],
    stderr=subprocess.DEVNULL).returncode == 0
print("kvm-qemu-denied" if chardev and works and not qemu else
      "kvm-not-working" if chardev and qemu and not works else "none")
PY
}
# kvm_codes DOMAIN [SHARE]: the kvm-* codes of doctor --json's findings, or
# "none"; a code is marked "!" unless a warning about the host with no fix.
kvm_codes() {
    "$VS" doctor "$@" --json 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(" ".join(f["code"] + ("" if f["tag"] is None and f["severity"] == "warning"
                            and f["command"] is None and not f["fixable"] else "!")
               for f in d["findings"] if f["code"].startswith("kvm-")) or "none")'
}
kvm_expected=$(kvm_oracle)
tap_diag "/dev/kvm: $kvm_before, oracle: $kvm_expected"
expect "doctor --json has the /dev/kvm finding the oracle expects ($kvm_expected), a warning with no fix" \
    test -n "$kvm_expected" -a "$(kvm_codes "$DOM" "$d_doc")" = "$kvm_expected"
expect "doctor --fix left /dev/kvm as it was" \
    test "$(stat -c '%a %u:%g %t:%T' /dev/kvm 2>/dev/null || echo absent)" = "$kvm_before"
out=$("$VS" doctor "$DOM" "$d_doc" 2>&1); rc=$?
tap_diag "$out"
expect "doctor exits 0 with or without the /dev/kvm warning (a warning is no problem)" test "$rc" -eq 0
if [ "$kvm_expected" = none ]; then
    expect_not "doctor's text has no host section" grep -q "^Host:" <<<"$out"
else
    expect "doctor's text explains the /dev/kvm finding under Host:" \
        bash -c 'grep -A1 "^Host:" <<<"$1" | grep -q "\[warning\] libvirt probes QEMU again on every capabilities lookup"' _ "$out"
    expect "doctor's text ends with no 'No problem found' under the warning" \
        bash -c '! grep -q "No problem found" <<<"$1" && tail -n1 <<<"$1" | grep -q "^No error found, but see the"' _ "$out"
fi
# Whatever this host's node is: the other cases, each in a private mount
# namespace whose /dev has another node at /dev/kvm, or none
# (lab_with_dev_kvm: the daemon and the host's /dev are untouched, and the
# host need not have a node).  The doctor and the oracle look at the same
# node there; only for a daemon whose /dev is ours by path (no socket=: with
# one the doctor looks in the daemon's root, /proc/PID/root).
if [[ $LAB_URI == *socket=* ]]; then
    skip "the daemon's /dev is looked up in its root" "doctor's /dev/kvm finding with other nodes (private mount namespace)"
else
    export -f kvm_oracle kvm_codes
    export VS QEMU_USER
    for node in none "600 10 232" "660 10 232" "666 1 3" "600 1 3"; do
        # The oracle must answer in the namespace: an empty half is a failure.
        res=$(lab_with_dev_kvm "$node" bash -c 'o=$(kvm_oracle) && c=$(kvm_codes "$1" "$2") &&
            [ -n "$o" ] && [ -n "$c" ] && echo "$o $c"' _ "$DOM" "$d_doc")
        tap_diag "node $node at /dev/kvm: oracle and doctor: ${res:-(no answer)}"
        if [ "$node" = none ]; then
            expect "doctor's /dev/kvm finding with no /dev/kvm node is the oracle's (none)" \
                test "$res" = "none none"
        else
            expect "doctor's /dev/kvm finding with a ${node%% *} node c ${node#* } at /dev/kvm is the oracle's" \
                test -n "$res" -a "${res% *}" = "${res#* }"
        fi
    done
fi

tap_diag "== guest reboot: shares come back with virt-share mount"
expect "guest rebooted (new boot id)" reboot_guest
expect "after reboot the share is not mounted" gunmounted /mnt/sq 9p
expect "virt-share mount DOMAIN TAG-less exits 0" "$VS" mount "$DOM"
expect "after virt-share mount the share is back" gmounted /mnt/sq 9p
expect "and still shows the guest's file" test "$(g /bin/cat /mnt/sq/from-guest.txt)" = "hello from the guest"

tap_diag "== virtiofs, hot-plugged live"
d_vfs=$(mkshare virtiofs root:root)
t0=$(now)
out=$("$VS" add "$DOM" "$d_vfs" --driver virtiofs --target /mnt/vfs 2>&1); rc=$?
timings+=("add virtiofs live to mounted: $(elapsed "$t0") s")
tap_diag "$out"
expect "add virtiofs exits 0" test "$rc" -eq 0
expect "add virtiofs attaches to the running domain" grep -q "attaching to running domain" <<<"$out"
expect "virtiofs mounted" gmounted /mnt/vfs virtiofs
expect "virtiofs: guest write succeeds" gwrite /mnt/vfs/v.txt "virtiofs data"
expect "virtiofs: host sees it, owned by root (guest ownership kept)" \
    test "$(stat -c %U "$d_vfs/v.txt" 2>/dev/null):$(cat "$d_vfs/v.txt" 2>/dev/null)" = "root:virtiofs data"
expect "virtiofs: live XML has the device" bash -c 'virsh -q dumpxml "$1" | grep -q "dir=.$2."' _ "$DOM" "$d_vfs"

tap_diag "== --persist: an fstab line in the guest, taken out by remove"
d_per=$(mkshare persist root:root)
# Property: add --persist then remove gives back the guest's fstab and the
# definition byte for byte (an fstab without a final newline, the hard case).
gwrite /etc/fstab $'# e2e original fstab\n# no final newline' >/dev/null
fstab_orig=$(g /bin/base64 /etc/fstab)
xi_orig=$(xml_inactive "$DOM")
out=$("$VS" add "$DOM" "$d_per" --driver virtiofs --target "/mnt/per sist" --persist 2>&1); rc=$?
tap_diag "$out"
expect "add --persist exits 0" test "$rc" -eq 0
per_tag=$("$VS" status "$DOM" --json | python3 -c 'import json,sys; print([s["tag"] for s in json.load(sys.stdin)["shares"] if s["source"]==sys.argv[1]][0])' "$d_per")
fstab_lines() { g /bin/cat /etc/fstab | grep -Fxc "$1"; }
expect "the guest's fstab has one line for it, nofail, escaped" \
    test "$(fstab_lines "$per_tag /mnt/per\\040sist virtiofs rw,nofail 0 0")" = 1
expect "the original fstab was backed up" g /bin/ls /etc/fstab.virt-share.bak
expect "the guest writes a file into the share before the reboot" \
    gwrite "/mnt/per sist/b.txt" "before-reboot"
expect "guest rebooted" reboot_guest
expect "after the reboot the guest mounted it from its fstab (no virt-share involved)" \
    g /bin/grep -qF " /mnt/per\\040sist virtiofs " /proc/mounts
expect "the host has the guest's file" test "$(cat "$d_per/b.txt" 2>/dev/null)" = "before-reboot"
expect "the guest reads it through the remounted share" \
    test "$(g /bin/cat "/mnt/per sist/b.txt")" = "before-reboot"
expect "remove exits 0" "$VS" remove "$DOM" "$d_per"
expect "remove took the line out of the guest's fstab" \
    test "$(g /bin/grep -c "^$per_tag " /etc/fstab)" = 0
expect "add + remove: the guest's fstab is byte for byte the original" \
    test -n "$fstab_orig" -a "$(g /bin/base64 /etc/fstab)" = "$fstab_orig"
same_xml "add + remove: the definition is byte for byte the original" "$xi_orig" "$(xml_inactive "$DOM")"
expect "the fstab is still the disk's file (replaced through the link)" \
    test "$(g /bin/readlink /etc/fstab)" = /persist/fstab
expect "no temporary file left beside it" lab_guest_false "$DOM" /bin/ls /persist/fstab.virt-share.new

tap_diag "== two concurrent adds to one domain"
d_c1=$(mkshare conc1 root:root); d_c2=$(mkshare conc2 root:root)
"$VS" add "$DOM" "$d_c1" --driver virtiofs --target /mnt/c1 >"$SHARES/c1.log" 2>&1 & p1=$!
"$VS" add "$DOM" "$d_c2" --driver virtiofs --target /mnt/c2 >"$SHARES/c2.log" 2>&1 & p2=$!
wait $p1; rc1=$?; wait $p2; rc2=$?
tap_diag "$(cat "$SHARES/c1.log" "$SHARES/c2.log")"
expect "concurrent add #1 exits 0" test "$rc1" -eq 0
expect "concurrent add #2 exits 0" test "$rc2" -eq 0
expect "concurrent add #1 mounted" gmounted /mnt/c1 virtiofs
expect "concurrent add #2 mounted" gmounted /mnt/c2 virtiofs
expect "both mount points recorded" \
    bash -c '"$1" list "$2" --json | python3 -c "import json,sys; t={x[\"target\"] for x in json.load(sys.stdin)[\"shares\"]}; assert {\"/mnt/c1\",\"/mnt/c2\"} <= t, t"' _ "$VS" "$DOM"

tap_diag "== dry run and bad input change nothing"
before_i=$(xml_inactive "$DOM"); before_l=$(xml_live "$DOM")
d_dry=$(mkshare dry root:root)
out=$("$VS" add "$DOM" "$d_dry" --driver virtiofs --dry-run 2>&1); rc=$?
expect "dry-run exits 0" test "$rc" -eq 0
expect "dry-run prints the device XML" grep -q "<filesystem" <<<"$out"
"$VS" add "$DOM" "$SHARES/missing" >/dev/null 2>&1; rc=$?
expect "missing directory exits 1" test "$rc" -eq 1
"$VS" add "$DOM" "$d_dry" --driver virtiofs --mode squash >/dev/null 2>&1; rc=$?
expect "virtiofs + squash exits 1" test "$rc" -eq 1
"$VS" add "$DOM" "$d_sq" >/dev/null 2>&1; rc=$?
expect "duplicate source exits 1" test "$rc" -eq 1
ln -s /etc "$SHARES/innocent-looking"
out=$("$VS" add "$DOM" "$SHARES/innocent-looking" --driver virtiofs 2>&1); rc=$?
expect "a symlink to /etc is refused by the host path policy (exit 1)" test "$rc" -eq 1
expect "the refusal names /etc as a system directory" grep -q "'/etc' is a system directory" <<<"$out"
printf '[policy]\nallowed-roots=/srv\n' >"$SHARES/policy.conf"
out=$(VIRT_SHARE_CONFIG="$SHARES/policy.conf" "$VS" add "$DOM" "$d_dry" --driver virtiofs 2>&1); rc=$?
expect "a folder outside allowed-roots is refused (exit 1)" test "$rc" -eq 1
expect "the refusal names the config file" grep -q "policy.conf" <<<"$out"
same_xml "definition byte-identical" "$before_i" "$(xml_inactive "$DOM")"
same_xml "live XML byte-identical" "$before_l" "$(xml_live "$DOM")"

tap_diag "== a folder whose name is not ASCII; id maps under qemu:///system"
# libvirt 11.3 refuses raw UTF-8 in agent commands: virt-share escapes it.
d_utf=$(mkshare "plain é" root:root)
out=$("$VS" add "$DOM" "$d_utf" --driver virtiofs --target "/mnt/é ü" 2>&1); rc=$?
tap_diag "$out"
expect "non-ASCII folder and mount point: add exits 0" test "$rc" -eq 0
expect "non-ASCII: mounted in the guest" g /bin/grep -qF " /mnt/é\\040ü virtiofs " /proc/mounts
printf 'accent' > "$d_utf/f.txt"
expect "non-ASCII: the guest reads the host's file" test "$(g /bin/cat "/mnt/é ü/f.txt")" = accent
expect "non-ASCII: remove exits 0" "$VS" remove "$DOM" "$d_utf"
d_map=$(mkshare idmap root:root)
before_i=$(xml_inactive "$DOM"); before_l=$(xml_live "$DOM")
out=$("$VS" add "$DOM" "$d_map" --driver virtiofs --uid-map 1000:0 --gid-map 1000:0 2>&1); rc=$?
tap_diag "$out"
expect "--uid-map on qemu:///system is refused before any change (exit 1)" test "$rc" -eq 1
if [ "${LIBVIRT_VERSION%%.*}" -ge 10 ] 2>/dev/null; then
    expect "the refusal says virtiofsd runs as root under qemu:///system" \
        grep -q "virtiofsd as root" <<<"$out"
else
    expect "the refusal says id maps need libvirt 10.0.0" grep -q "libvirt 10.0.0 or later" <<<"$out"
fi
same_xml "refused id map: definition byte-identical" "$before_i" "$(xml_inactive "$DOM")"
same_xml "refused id map: live XML byte-identical" "$before_l" "$(xml_live "$DOM")"

tap_diag "== a failing mount is rolled back"
d_bad=$(mkshare badmount root:root)
out=$("$VS" add "$DOM" "$d_bad" --driver virtiofs --target /proc/vs-cannot-mkdir 2>&1); rc=$?
tap_diag "$out"
expect "failed mount exits 2" test "$rc" -eq 2
expect "the error says the share was removed again" grep -q "removed again" <<<"$out"
same_xml "definition byte-identical after rollback" "$before_i" "$(xml_inactive "$DOM")"
expect "device gone from the live domain" xml_lacks live "$DOM" "$d_bad"

tap_diag "== remove"
out=$("$VS" remove "$DOM" "$d_vfs" 2>&1); rc=$?
tap_diag "$out"
expect "remove virtiofs exits 0" test "$rc" -eq 0
expect "remove unmounted it in the guest" gunmounted /mnt/vfs virtiofs
expect "virtiofs gone from live XML" xml_lacks live "$DOM" "dir='$d_vfs'"
expect "virtiofs gone from definition" xml_lacks inactive "$DOM" "dir='$d_vfs'"
out=$("$VS" remove "$DOM" "$d_sq" 2>&1); rc=$?
tap_diag "$out"
expect "remove 9p exits 0" test "$rc" -eq 0
expect "remove 9p says it stays attached until the domain stops" grep -q "hot-unplugged" <<<"$out"
expect "remove 9p unmounted it in the guest" gunmounted /mnt/sq 9p
expect "9p gone from the definition" xml_lacks inactive "$DOM" "dir='$d_sq'"
expect "status: removed 9p share is pending-stop, not mounted" test "$(status_of "$d_sq")" = "pending-stop not-mounted"
sq_tag=$("$VS" status "$DOM" --json | python3 -c 'import json,sys; print([s["tag"] for s in json.load(sys.stdin)["shares"] if s["source"]==sys.argv[1]][0])' "$d_sq")
# Removed and unmounted is what the user asked for: no "mount it" finding.
expect "doctor offers no mount for the removed (pending-stop) share" bash -c '"$1" doctor "$2" "$3" --json 2>/dev/null | python3 -c "
import json, sys
d = json.load(sys.stdin)
assert d[\"guest_checked\"], d
assert [s for s in d[\"shares\"] if s[\"tag\"] == sys.argv[1]], d[\"shares\"]
codes = [f[\"code\"] for f in d[\"findings\"] if f[\"tag\"] == sys.argv[1]]
assert \"not-mounted\" not in codes, codes" "$3"' _ "$VS" "$DOM" "$sq_tag"
"$VS" mount "$DOM" "$sq_tag" --target /mnt/sq >/dev/null
expect "status: drift 'mounted but removed from the definition' is visible" \
    test "$(status_of "$d_sq")" = "pending-stop mounted"
expect "list shows STATE pending-stop" bash -c '"$1" list "$2" | grep "$3" | grep -q pending-stop' _ "$VS" "$DOM" "$d_sq"
"$VS" remove "$DOM" no-such-tag >/dev/null 2>&1; rc=$?
expect "remove of an unknown share exits 1" test "$rc" -eq 1

tap_diag "== mount mounts what is attached but not mounted (the desktop program's Mount: tests/gui)"
"$VS" umount "$DOM" >/dev/null
expect "after umount: /mnt/c1 not mounted" gunmounted /mnt/c1 virtiofs
"$VS" mount "$DOM" >/dev/null; rc=$?
expect "mount of every share exits 0" test "$rc" -eq 0
expect "mount mounted the shares again" gmounted /mnt/c1 virtiofs

tap_diag "== a share added by hand (as virt-manager or cockpit do), adopted by mount; umount"
# The oracle for the records: virsh metadata, not virt-share.
vs_meta() { virsh -q metadata "$DOM" https://virt-share.org/xmlns/virt-share/1 "$1" 2>/dev/null; }
d_adopt=$(mkshare adopted root:root)
cat >"$SHARES/by-hand.xml" <<EOF
<filesystem type='mount' accessmode='passthrough'>
  <driver type='virtiofs'/>
  <source dir='$d_adopt'/>
  <target dir='by-hand'/>
</filesystem>
EOF
expect "a virtiofs device attached by hand (virsh attach-device --live --config)" \
    virsh -q attach-device "$DOM" "$SHARES/by-hand.xml" --live --config
meta_i=$(vs_meta --config); meta_l=$(vs_meta --live)
out=$("$VS" mount "$DOM" by-hand --target /proc/vs-cannot-mkdir 2>&1); rc=$?
tap_diag "$out"
expect "a failing mount of it exits 2" test "$rc" -eq 2
# (Earlier adds recorded mount points: empty records would be virsh failing.)
expect "and leaves the records of the definition as they were" \
    test -n "$meta_i" -a "$(vs_meta --config)" = "$meta_i"
expect "and those of the running domain" test -n "$meta_l" -a "$(vs_meta --live)" = "$meta_l"
out=$("$VS" mount "$DOM" by-hand --target /mnt/adopted 2>&1); rc=$?
tap_diag "$out"
expect "mount of the share added by hand exits 0" test "$rc" -eq 0
expect "it is mounted in the guest" gmounted /mnt/adopted virtiofs
expect "mount says it recorded the mount point for the watcher" grep -q "Recorded" <<<"$out"
expect "the mount point is recorded in the definition" \
    grep -Eq 'tag=.by-hand. target=./mnt/adopted.' <<<"$(vs_meta --config)"
expect "and in the running domain" \
    grep -Eq 'tag=.by-hand. target=./mnt/adopted.' <<<"$(vs_meta --live)"
out=$("$VS" umount "$DOM" "$d_c2" 2>&1); rc=$?
tap_diag "$out"
expect "umount of a share virt-share added exits 0" test "$rc" -eq 0
expect "it is unmounted" gunmounted /mnt/c2 virtiofs
expect "umount marks its record for the watcher, keeping the mount point" \
    grep -Eq 'target=./mnt/c2. automount=.no.' <<<"$(vs_meta --live)"

tap_diag "== watcher and hook: libvirtd restart, guest reboot, missing source"
"$VS" watch >"$SHARES/watch.log" 2>&1 &
WATCH_PID=$!
wait_log() {   # wait_log PATTERN TIMEOUT_S
    for _ in $(seq 1 $(($2 * 4))); do grep -q "$1" "$SHARES/watch.log" && return 0; sleep 0.25; done
    return 1
}
expect "watcher starts watching" wait_log "watching" 10
# Restarting the daemon (which also makes it read the hook) is done only to
# the lab's own daemon: a user's daemon is never restarted unless allowed.
no_restart="the libvirt daemon was not started by the lab: not restarting it (VS_LAB_ALLOW_RESTART=1 allows it)"
can_restart=false
if lab_may_restart; then can_restart=true; fi
if $can_restart; then
    if [ "$LAB_STACK" = host ]; then   # installed only where the daemon restarts to read it
        e2e_hook_install
    fi
    expect "libvirt daemon restarted" lab_restart_libvirtd
    expect "watcher notices the daemon going away" wait_log "lost; reconnecting" 15
    reconnected() { for _ in $(seq 1 80); do [ "$(grep -c watching "$SHARES/watch.log")" -ge 2 ] && return 0; sleep 0.25; done; return 1; }
    expect "watcher reconnects (back-off)" reconnected
    expect_not "watcher leaks no reference to the old connection" grep -q "leaked" "$SHARES/watch.log"
else
    skip "$no_restart" "libvirt daemon restarted" "watcher notices the daemon going away" \
        "watcher reconnects (back-off)" "watcher leaks no reference to the old connection"
fi
: >"$SHARES/watch.log.mark"
expect "guest rebooted under the watcher" reboot_guest
remounted() { for _ in $(seq 1 60); do gmounted "$1" "$2" && return 0; sleep 0.5; done; return 1; }
expect "after reboot the watcher mounted the virtiofs share again" remounted /mnt/c1 virtiofs
expect "after reboot the watcher mounted the 9p share again" remounted /mnt/mp 9p
expect "the watcher does not mount again a 9p share that was removed" gunmounted /mnt/sq 9p
expect "after reboot the watcher mounted the share added by hand and adopted by mount" \
    remounted /mnt/adopted virtiofs
# by-hand comes last in the domain: the watcher has passed the share below.
expect "the watcher leaves the share unmounted with umount alone" gunmounted /mnt/c2 virtiofs
expect "mount mounts it again at its recorded mount point" "$VS" mount "$DOM" "$d_c2"
expect "at /mnt/c2" gmounted /mnt/c2 virtiofs
expect "and the mark is gone (virsh answered)" \
    bash -c 'm=$(virsh -q metadata "$1" https://virt-share.org/xmlns/virt-share/1 --live) &&
        [ -n "$m" ] && [[ $m != *automount* ]]' _ "$DOM"
hook_checks=("hook: a domain whose shared folder is missing does not start"
    "hook: libvirt reports virt-share's reason" "hook: with the folder back (nosuid,nodev), it starts")
if [ "$LAB_STACK" != host ]; then
    skip "the $LAB_STACK stack's daemon reads its hooks inside its root, and the hook is built for this host" \
        "${hook_checks[@]}"
elif $can_restart; then
    e2e_define_shared "$HOOKDOM" "$SHARES/does-not-exist" gone squash
    out=$(virsh -q start "$HOOKDOM" 2>&1); rc=$?
    tap_diag "$out"
    expect "hook: a domain whose shared folder is missing does not start" test "$rc" -ne 0
    expect "hook: libvirt reports virt-share's reason" grep -q "virt-share: domain '$HOOKDOM'.*is missing on the host" <<<"$out"
    mkdir -p "$SHARES/does-not-exist"; chown "$QEMU_USER" "$SHARES/does-not-exist"
    # A squash share: its folder must be nosuid,nodev too (tests/e2e/setuid.sh
    # covers the refusal and the restore); protected by hand here.
    mount --bind "$SHARES/does-not-exist" "$SHARES/does-not-exist" &&
        mount -o remount,bind,nosuid,nodev "$SHARES/does-not-exist"
    expect "hook: with the folder back (nosuid,nodev), it starts" virsh -q start "$HOOKDOM"
    virsh -q destroy "$HOOKDOM" >/dev/null 2>&1
else
    skip "$no_restart; libvirtd reads its hooks at start" "${hook_checks[@]}"
fi
kill "$WATCH_PID" 2>/dev/null; wait "$WATCH_PID" 2>/dev/null
e2e_hook_restore
tap_diag "$(cat "$SHARES/watch.log")"

tap_diag "== the watcher: a guest whose mount hangs does not delay another guest's mount"
# HUNG's mount(8) never returns (guest-exec looks in /usr/local/sbin first);
# restarting qemu-ga in a guest makes libvirt send "agent connected", as a boot does.
kick_agent() { lab_qga "$1" '{"execute":"guest-exec","arguments":{"path":"/bin/sh","arg":["-c","sleep 0.5; kill $(pidof qemu-ga)"]}}' >/dev/null; }
if bash "$top/tests/lab/start-guest.sh" "$HUNG" >/dev/null; then
    d_h=$(mkshare hung root:root)
    "$VS" -q add "$HUNG" "$d_h" --driver virtiofs --target /mnt/h
    g_h() { lab_guest_exec "$HUNG" "$@"; }
    g_h /bin/sh -c 'mkdir -p /usr/local/sbin && printf "#!/bin/sh\nexec sleep 600\n" >/usr/local/sbin/mount && chmod 755 /usr/local/sbin/mount'
    "$VS" watch >"$SHARES/watch2.log" 2>&1 &
    WATCH_PID=$!
    for _ in $(seq 1 40); do grep -q watching "$SHARES/watch2.log" && break; sleep 0.25; done
    sleep 1   # its catch-up finds everything mounted
    # Unmounted in the guest, as a reboot leaves it ('virt-share umount' would
    # tell the watcher to leave it alone).
    g_h /bin/umount /mnt/h
    kick_agent "$HUNG"
    # wait until the watcher is stuck in HUNG's mount (qemu-ga respawns and
    # reconnects first: up to 30 s on a loaded TCG host)
    # Look for the fake mount's "sleep 600" itself: kick_agent's own
    # "sleep 0.5" matched a bare pidof sleep before qemu-ga was even killed.
    hung_mount() { g_h /bin/sh -c 'for c in /proc/[0-9]*/cmdline; do [ "$(tr "\\0" " " <"$c" 2>/dev/null)" = "sleep 600 " ] && exit 0; done; exit 1'; }
    for _ in $(seq 1 120); do hung_mount >/dev/null 2>&1 && break; sleep 0.25; done
    expect "hung guest: the watcher's mount is running (and hanging) there" hung_mount
    # Without these the watcher has nothing to do and the timing says nothing.
    unmount_other() { g /bin/umount /mnt/c1 && g /bin/umount /mnt/mp &&
        gunmounted /mnt/c1 virtiofs && gunmounted /mnt/mp 9p; }
    expect "hung guest: the other guest's shares are unmounted first" unmount_other
    t0=$(now)
    kick_agent "$DOM"
    remounted /mnt/c1 virtiofs
    t_other=$(elapsed "$t0")
    timings+=("watcher: other guest mounted while one hangs: $t_other s")
    expect "hung guest: the other guest's share is mounted again within 20 s ($t_other s)" \
        awk -v t="$t_other" 'BEGIN { exit !(t < 20) }'
    expect "hung guest: the other guest's 9p share too" gmounted /mnt/mp 9p
    kill "$WATCH_PID" 2>/dev/null; wait "$WATCH_PID" 2>/dev/null
    tap_diag "$(cat "$SHARES/watch2.log")"
else
    tap_not_ok "hung guest: second lab guest boots"
fi
virsh -q destroy "$HUNG" >/dev/null 2>&1

tap_diag "== a domain without a guest agent"
bash "$top/tests/lab/guest.sh" "$NOAGENT" | python3 -c '
import sys, xml.etree.ElementTree as ET
root = ET.fromstring(sys.stdin.read())
devs = root.find("devices")
for ch in devs.findall("channel"):
    devs.remove(ch)
sys.stdout.write(ET.tostring(root, encoding="unicode"))' >"$SHARES/noagent.xml"
virsh -q define "$SHARES/noagent.xml" >/dev/null && virsh -q start "$NOAGENT" >/dev/null
before_i=$(xml_inactive "$NOAGENT"); before_l=$(xml_live "$NOAGENT")
d_na=$(mkshare noagent "$QEMU_USER:$QEMU_USER")
out=$("$VS" add "$NOAGENT" "$d_na" --driver virtiofs 2>&1); rc=$?
tap_diag "$out"
expect "no agent: add exits 2" test "$rc" -eq 2
expect "no agent: the error names the guest agent" grep -q "guest agent" <<<"$out"
expect "no agent: the error offers --no-mount" grep -q -e "--no-mount" <<<"$out"
out=$("$VS" add "$NOAGENT" "$d_na" --mode squash --restart 2>&1); rc=$?
expect "no agent: add --restart exits 2 before restarting" test "$rc" -eq 2
same_xml "no agent: definition byte-identical" "$before_i" "$(xml_inactive "$NOAGENT")"
same_xml "no agent: live XML byte-identical" "$before_l" "$(xml_live "$NOAGENT")"
expect "no agent: --no-mount still attaches" "$VS" add "$NOAGENT" "$d_na" --driver virtiofs --no-mount
virsh -q destroy "$NOAGENT" >/dev/null 2>&1

tap_diag "== a guest agent with guest-exec disabled (qemu-ga --block-rpcs)"
if bash "$top/tests/lab/start-guest.sh" "$NOEXEC" --cmdline-extra vs_qga_block=guest-exec; then
    before_i=$(xml_inactive "$NOEXEC"); before_l=$(xml_live "$NOEXEC")
    d_ne=$(mkshare noexec root:root)
    out=$("$VS" add "$NOEXEC" "$d_ne" --driver virtiofs 2>&1); rc=$?
    tap_diag "$out"
    expect "guest-exec blocked: add exits 2" test "$rc" -eq 2
    expect "guest-exec blocked: the error names guest-exec and the fix" \
        grep -q "guest-exec.*disabled.*--block-rpcs" <<<"$out"
    same_xml "guest-exec blocked: definition byte-identical" "$before_i" "$(xml_inactive "$NOEXEC")"
    same_xml "guest-exec blocked: live XML byte-identical" "$before_l" "$(xml_live "$NOEXEC")"
    expect "guest-exec blocked: --no-mount still attaches" \
        "$VS" add "$NOEXEC" "$d_ne" --driver virtiofs --no-mount
else
    tap_not_ok "guest with guest-exec blocked did not boot"
fi
virsh -q destroy "$NOEXEC" >/dev/null 2>&1

tap_diag "== virtiofs on a domain without shared memory: added to the definition, --restart"
if bash "$top/tests/lab/start-guest.sh" "$NOMEM" --no-memfd; then
    d_nm=$(mkshare nomem root:root)
    out=$("$VS" add "$NOMEM" "$d_nm" 2>&1); rc=$?
    expect "no shared memory: auto picks 9p" grep -q "^9p (squash)" <<<"$out"
    "$VS" remove "$NOMEM" "$d_nm" >/dev/null 2>&1
    t0=$(now)
    out=$("$VS" add "$NOMEM" "$d_nm" --driver virtiofs --target /mnt/nm --restart --timeout 180 2>&1); rc=$?
    timings+=("add virtiofs + shared memory --restart to mounted: $(elapsed "$t0") s")
    tap_diag "$out"
    expect "virtiofs --restart exits 0" test "$rc" -eq 0
    expect "the plan says it adds shared memory" grep -q "adding memfd shared memory" <<<"$out"
    expect "definition now has memfd shared memory" \
        bash -c 'virsh -q dumpxml --inactive "$1" | grep -q "<access mode=.shared./>"' _ "$NOMEM"
    expect "virtiofs mounted after the restart" \
        lab_guest_exec "$NOMEM" /bin/grep -q " /mnt/nm virtiofs " /proc/mounts
else
    tap_not_ok "guest without shared memory did not boot"
fi
virsh -q destroy "$NOMEM" >/dev/null 2>&1

# shellcheck source=hostile.sh
. "$here/hostile.sh"

tap_diag "Timings on $STACK (libvirt $LIBVIRT_VERSION, QEMU $(lab_libvirt_version hypervisor); busybox guest, TCG, this machine):"
tap_diag "$(printf '  %s\n' "${timings[@]}")"
tap_done
