#!/usr/bin/env bash
# The libvirt hook, run the way libvirt runs it: arguments DOMAIN OPERATION
# SUB-OPERATION EXTRA and the domain XML on stdin (no daemon needed).
set -uo pipefail
HOOK=${VIRT_SHARE_HOOK:?}
# shellcheck source=tap.sh
. "$(dirname "${BASH_SOURCE[0]}")/tap.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/present"
# The built-in policy, and a short time bound per share for the hung folder.
# setuid-shares=allow: these checks are about the others (the nosuid,nodev
# checks below have their own configuration, in a mount namespace of their own).
printf '[policy]\nsetuid-shares=allow\n[hook]\ncheck-timeout=1\n' >"$tmp/virt-share.conf"
export VIRT_SHARE_CONFIG=$tmp/virt-share.conf LC_ALL=C LANGUAGE=

domain() {   # domain SOURCE
    cat <<XML
<domain type='qemu'><name>d</name><memory>1</memory><os><type>hvm</type></os>
<devices><filesystem type='mount' accessmode='squash'><source dir='$1'/><target dir='tag1'/></filesystem>
<filesystem type='mount' accessmode='passthrough'><driver type='virtiofs'/><source dir='$tmp/present'/><target dir='tag2'/></filesystem>
</devices></domain>
XML
}

domain "$tmp/present" | "$HOOK" good prepare begin - >"$tmp/out" 2>&1; rc=$?
tap_check "good domain: prepare begin exits 0" test "$rc" -eq 0

domain "$tmp/missing" | "$HOOK" bad prepare begin - >"$tmp/out" 2>&1; rc=$?
tap_check "missing source: prepare begin refuses (exit 1)" test "$rc" -eq 1
tap_check "missing source: stderr names the folder and the tag" grep -q "$tmp/missing (tag tag1) is missing" "$tmp/out"

# These return before reading stdin, so the writer may die of SIGPIPE:
# the hook's own status is the one that counts (pipefail would report 141).
domain "$tmp/missing" | "$HOOK" bad stopped end - >/dev/null 2>&1; rc=${PIPESTATUS[1]}
tap_check "other operations are not judged" test "$rc" -eq 0
domain "$tmp/missing" | "$HOOK" bad prepare end - >/dev/null 2>&1; rc=${PIPESTATUS[1]}
tap_check "prepare end is not judged" test "$rc" -eq 0

echo "not xml" | "$HOOK" junk prepare begin - >/dev/null 2>&1; rc=$?
tap_check "unparsable XML does not block a start" test "$rc" -eq 0

"$HOOK" >/dev/null 2>&1; rc=$?
tap_check "no arguments: usage error" test "$rc" -eq 2

one_share() {   # one_share SOURCE [ACCESSMODE]: QEMU runs as nobody
    cat <<XML
<domain type='qemu'><name>d</name><memory>1</memory><os><type>hvm</type></os>
<seclabel type='static' model='dac' relabel='no'><label>+65534:+65534</label></seclabel>
<devices><filesystem type='mount' accessmode='${2:-squash}'><source dir='$1'/><target dir='tag1'/></filesystem></devices></domain>
XML
}
# start SOURCE [ACCESSMODE]: run prepare begin for a domain with that share.
start() { one_share "$@" | "$HOOK" d prepare begin - >"$tmp/out" 2>&1; }

# ---- the host path policy, for shares added by hand or before it changed ----
for src in /etc /usr/share/doc /root /var/lib/libvirt/images; do
    start "$src"; rc=$?
    tap_check "a share of $src (added by hand) refuses the start" test "$rc" -eq 1
done
tap_check "the reason names the policy and the refused tree" \
    grep -q "refused by the host path policy: .*'/var' is a system directory" "$tmp/out"
ln -s /root "$tmp/innocent"
start "$tmp/innocent"; rc=$?
tap_check "a share whose path leads to /root through a symlink refuses the start" test "$rc" -eq 1
start "$tmp/present"; rc=$?
tap_check "a share in a data place starts" test "$rc" -eq 0
printf '[policy]\ndenied-roots=%s\n' "$tmp/present" >"$tmp/changed.conf"
one_share "$tmp/present" | VIRT_SHARE_CONFIG=$tmp/changed.conf "$HOOK" d prepare begin - >"$tmp/out" 2>&1; rc=$?
tap_check "after the policy changed, the same share refuses the start" test "$rc" -eq 1
tap_check "the reason names denied-roots and the file" grep -q "denied-roots in $tmp/changed.conf" "$tmp/out"
printf '[policy]\nbuiltin-denied-roots=perhaps\n' >"$tmp/broken.conf"
one_share "$tmp/present" | VIRT_SHARE_CONFIG=$tmp/broken.conf "$HOOK" d prepare begin - >"$tmp/out" 2>&1; rc=$?
tap_check "an unreadable policy refuses a start with shares" test "$rc" -eq 1
echo "<domain type='qemu'><name>n</name><devices/></domain>" |
    VIRT_SHARE_CONFIG=$tmp/broken.conf "$HOOK" n prepare begin - >/dev/null 2>&1; rc=$?
tap_check "... but not one without shares" test "$rc" -eq 0

# ---- a bind mount of a kernel tree (/dev, /sys, /proc, /run) is that tree ----
if [ "$(id -u)" -ne 0 ] || ! command -v unshare >/dev/null; then
    tap_skip "bind mounts of /dev, /sys, /proc, /run refuse the start" "needs root and unshare"
else
    for tree in /dev /sys /proc /run /sys/kernel /dev/shm; do
        b=$tmp/bind${tree//\//-}
        mkdir "$b"
        one_share "$b" >"$tmp/bind.xml"
        unshare -m --propagation private sh -c 'mount --bind "$1" "$2" || exit 77
            "$3" d prepare begin - <"$4" >"$5" 2>&1' sh "$tree" "$b" "$HOOK" "$tmp/bind.xml" \
            "$tmp/out"; rc=$?
        if [ "$rc" -eq 77 ]; then
            tap_skip "a bind mount of $tree refuses the start" "cannot bind-mount here"
            continue
        fi
        tap_check "a bind mount of $tree refuses the start" test "$rc" -eq 1
        tap_check "... the reason names $tree" grep -q "bind mount of '$tree'" "$tmp/out"
    done
fi

# ---- it only reads: no probe file in the shared folder (mapped needs xattrs) ----
mkdir "$tmp/mapped"
touch -d '2020-01-01 00:00:00' "$tmp/mapped"
before=$(stat -c '%y %z %h' "$tmp/mapped"; ls -A "$tmp/mapped")
sleep 0.05
for mode in mapped squash passthrough; do
    start "$tmp/mapped" "$mode"
done
after=$(stat -c '%y %z %h' "$tmp/mapped"; ls -A "$tmp/mapped")
tap_check "the checks change nothing in the shared folder (mtime, ctime, entries)" \
    test "$before" = "$after"

# ---- a hung folder (FUSE that never answers) must not hold the start, nor pass ----
if [ "$(id -u)" -ne 0 ] || [ ! -c /dev/fuse ] || ! command -v unshare >/dev/null ||
    ! command -v python3 >/dev/null; then
    tap_skip "a hung folder does not block the start" "needs root, /dev/fuse, unshare, python3"
else
    mkdir "$tmp/hung"
    one_share "$tmp/hung/folder" >"$tmp/hung.xml"
    # The hook's own time is measured inside (python and the mount take their own).
    unshare -m --propagation private python3 "$(dirname "${BASH_SOURCE[0]}")/hang-fs.py" "$tmp/hung" \
        timeout -s KILL 30 sh -c 't0=$(date +%s%N); "$0" d prepare begin - <"$1" >"$2" 2>&1; rc=$?
            echo $((($(date +%s%N) - t0) / 1000000)) >"$3"; exit $rc' \
        "$HOOK" "$tmp/hung.xml" "$tmp/out" "$tmp/ms"; rc=$?
    ms=$(cat "$tmp/ms" 2>/dev/null || echo 99999)
    if [ "$rc" -eq 77 ]; then
        tap_skip "a hung folder does not block the start" "FUSE cannot be mounted here"
    else
        # Not checked is not allowed: the folder may be anything (fail closed).
        tap_check "a hung folder: the start is refused (exit 1)" test "$rc" -eq 1
        tap_check "a hung folder: within the time bound (took $ms ms, bound 1 s)" test "$ms" -lt 3000
        tap_check "a hung folder: reported as not checked, start refused" \
            grep -q "tag1 ($tmp/hung/folder): not checked: timed out after 1 s; refusing to start" "$tmp/out"
    fi
fi

# ---- the folder of a share the guest writes as root must be nosuid,nodev ----
if [ "$(id -u)" -ne 0 ] || ! command -v unshare >/dev/null || ! command -v findmnt >/dev/null ||
    ! unshare -m --propagation private true 2>/dev/null; then
    for t in "a virtiofs folder that is not nosuid,nodev and has no fstab line refuses the start" \
        "the hook restores the nosuid,nodev mount from virt-share's fstab line" \
        "add --allow-setuid recorded in the metadata lets it start"; do
        tap_skip "$t" "needs root, unshare -m and findmnt"
    done
else
    # In a private mount namespace: a tmpfs of our own (suid,dev, whatever
    # /tmp is here) holds the folder; the host's fstab is never read.
    printf '[hook]\ncheck-timeout=5\n' >"$tmp/protect.conf"
    cat >"$tmp/ns.sh" <<'SH'
set -u
hook=$1 tmp=$2
export VIRT_SHARE_CONFIG=$tmp/protect.conf VIRT_SHARE_FSTAB=$tmp/fstab
mount -t tmpfs -o suid,dev vs-hook "$tmp/ns" || exit 77
mkdir "$tmp/ns/data"
dom() {   # dom [SETUID-ATTRIBUTE]: a virtiofs share of $tmp/ns/data, with its record
    cat <<XML
<domain type='kvm'><name>d</name><memory>1</memory><os><type>hvm</type></os>
<metadata><virt-share:shares xmlns:virt-share="https://virt-share.org/xmlns/virt-share/1"><virt-share:share tag="t" target="/data" $1/></virt-share:shares></metadata>
<devices><filesystem type='mount' accessmode='passthrough'><driver type='virtiofs'/><source dir='$tmp/ns/data'/><target dir='t'/></filesystem></devices></domain>
XML
}
dom "" | "$hook" d prepare begin - >"$tmp/ns-refuse.out" 2>&1
echo "refuse_rc=$?"
echo "refuse_opts=$(findmnt -no OPTIONS --mountpoint "$tmp/ns/data" | tr '\n' ' ')"
dom 'setuid="allow"' | "$hook" d prepare begin - >"$tmp/ns-allow.out" 2>&1
echo "allow_rc=$?"
printf 'tmpfs /x tmpfs defaults 0 0\n# virt-share: keeps %s nosuid,nodev (see virt-share(1))\n%s %s none rbind,nosuid,nodev,nofail 0 0\n' \
    "$tmp/ns/data" "$tmp/ns/data" "$tmp/ns/data" >"$tmp/fstab"
dom "" | "$hook" d prepare begin - >"$tmp/ns-restore.out" 2>&1
echo "restore_rc=$?"
echo "restore_opts=$(findmnt -no OPTIONS --mountpoint "$tmp/ns/data" | tr '\n' ' ')"
SH
    mkdir "$tmp/ns"
    unshare -m --propagation private bash "$tmp/ns.sh" "$HOOK" "$tmp" >"$tmp/ns.res" 2>"$tmp/ns.err"
    rc=$?
    res() { sed -n "s/^$1=//p" "$tmp/ns.res"; }
    if [ "$rc" -eq 77 ]; then
        for t in refuse restore allow; do tap_skip "nosuid,nodev: $t" "no tmpfs mount here"; done
    else
        tap_check "a virtiofs folder that is not nosuid,nodev and has no fstab line refuses the start" \
            test "$(res refuse_rc)" = 1
        tap_check "... the reason names the folder and the fix" \
            grep -q "the mount of $tmp/ns/data allows setuid programs.*virt-share doctor d --fix" "$tmp/ns-refuse.out"
        tap_check "... and nothing was mounted" test -z "$(res refuse_opts)"
        tap_check "add --allow-setuid recorded in the metadata lets it start" test "$(res allow_rc)" = 0
        tap_check "the hook restores the nosuid,nodev mount from virt-share's fstab line" \
            test "$(res restore_rc)" = 0
        tap_check "... the folder is mounted nosuid,nodev now" \
            grep -Eq 'nosuid.*nodev|nodev.*nosuid' <<<"$(res restore_opts)"
        tap_check "... and it says so" grep -q "mounted $tmp/ns/data again with nosuid,nodev" "$tmp/ns-restore.out"
    fi
fi

tap_done
