# tests/e2e/common.sh: the opening every end-to-end script shares (the
# scripts of tests/e2e/ and tests/lab/coexist.sh), sourced right after
# `set -uo pipefail`.  It sources the lab (tests/lab/lib.sh, daemons.sh) and
# TAP (tests/tap.sh: expect, expect_not, skip), sets top, VS and HOOK_BIN,
# and on exit puts the libvirt hook back, calls the script's own `cleanup`
# (if it defines one) and removes the scratch folder of e2e_scratch, in that
# order.  The helpers that take no DOMAIN argument work on $DOM.
# shellcheck shell=bash disable=SC2034  # VS, STACK... are used by the sourcing scripts

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=../lab/lib.sh
. "$top/tests/lab/lib.sh"
# shellcheck source=../lab/daemons.sh
. "$top/tests/lab/daemons.sh"
# shellcheck source=../tap.sh
. "$top/tests/tap.sh"

VS=${VIRT_SHARE:-$top/src/virt-share}
HOOK_BIN=${VIRT_SHARE_HOOK:-$top/plugin/virt-share-hook}

# e2e_need_root: stop unless run as root.
e2e_need_root() {
    [ "$(id -u)" -eq 0 ] && return 0
    echo "${0##*/}: needs root" >&2
    exit 1
}

# e2e_need_guest: stop unless the lab's guest is built.
e2e_need_guest() {
    [ -s "$LAB_GUEST/initramfs.cpio.gz" ] && return 0
    echo "${0##*/}: no lab guest: run tests/lab/setup.sh" >&2
    exit 1
}

# e2e_stack: LIBVIRT_VERSION of the daemon behind $LAB_URI, which names the
# stack (STACK=libvirt-MAJOR.MINOR) and decides what to expect; every check's
# name starts with it (TAP_PREFIX).  Bails out if no daemon answers.
e2e_stack() {
    LIBVIRT_VERSION=$(lab_libvirt_version libvirt)
    [ -n "$LIBVIRT_VERSION" ] || tap_bail "no libvirt daemon answers on $LAB_URI"
    STACK=libvirt-${LIBVIRT_VERSION%.*}
    TAP_PREFIX="[$STACK] "
}

# e2e_scratch NAME [MODE]: SHARES, a fresh folder /var/tmp/vs-NAME.XXXXXX
# (mode MODE, default 755: QEMU's user must get through), removed on exit
# with what add's nosuid,nodev protection left for it.
SHARES=
e2e_scratch() {
    SHARES=$(mktemp -d "/var/tmp/vs-$1.XXXXXX") || tap_bail "cannot make a scratch folder"
    chmod "${2:-755}" "$SHARES"
}

# e2e_hook_install: the libvirt hook link to HOOK_BIN, put back as it was
# on exit (an installed virt-share may have one).
E2E_HOOK_LINK=/etc/libvirt/hooks/qemu.d/virt-share
E2E_HOOK_SAVED=
e2e_hook_install() {
    mkdir -p "${E2E_HOOK_LINK%/*}"
    E2E_HOOK_SAVED=$(readlink "$E2E_HOOK_LINK" || echo none)
    ln -sfn "$HOOK_BIN" "$E2E_HOOK_LINK"
}
e2e_hook_restore() {
    [ -n "$E2E_HOOK_SAVED" ] || return 0
    if [ "$E2E_HOOK_SAVED" = none ]; then rm -f "$E2E_HOOK_LINK"; else ln -sfn "$E2E_HOOK_SAVED" "$E2E_HOOK_LINK"; fi
    E2E_HOOK_SAVED=
}

e2e_exit() {
    e2e_hook_restore
    if declare -F cleanup >/dev/null; then cleanup; fi
    if [ -n "$SHARES" ]; then
        lab_unprotect_under "$SHARES"
        rm -rf "$SHARES"
    fi
}
trap e2e_exit EXIT

# mkshare NAME OWNER: make $SHARES/NAME owned by OWNER; prints its path.
mkshare() {
    local d=$SHARES/$1
    mkdir -p "$d" && chown "$2" "$d"
    echo "$d"
}

# Wall-clock seconds for the timings: now -> T0; elapsed T0 -> "12.3".
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# g PATH [ARG...]: run PATH in $DOM's guest (lab_guest_exec).
g() { lab_guest_exec "$DOM" "$@"; }
gmounted() { g /bin/grep -q " $1 $2 " /proc/mounts; }
# gunmounted MOUNTPOINT FSTYPE: the guest answered, and nothing is mounted
# there (a dead agent is no proof of "not mounted": lab_guest_false).
gunmounted() { lab_guest_false "$DOM" /bin/grep -q " $1 $2 " /proc/mounts; }

xml_inactive() { virsh -q dumpxml --inactive --security-info "$1"; }
xml_live() { virsh -q dumpxml --security-info "$1"; }
# same_xml NAME EXPECTED ACTUAL: a check that the two are byte-identical and
# EXPECTED is not empty (two failed reads are no "unchanged"); on failure it
# shows the difference.
same_xml() {
    if [ -n "$2" ] && [ "$2" = "$3" ]; then
        tap_ok "$1"
    else
        tap_not_ok "$1" "$(diff <(printf '%s\n' "$2") <(printf '%s\n' "$3"))"
    fi
}

# e2e_define_shared DOMAIN SOURCE TAG ACCESSMODE [DRIVER]: define the lab
# guest (tests/lab/guest.sh) as DOMAIN with one <filesystem> of SOURCE, the
# way virt-manager or a hand edit adds one (virt-share is not involved).
e2e_define_shared() {
    local xml=$SHARES/$1.xml
    bash "$top/tests/lab/guest.sh" "$1" >"$xml" || return 1
    python3 - "$xml" "$2" "$3" "$4" "${5:-}" <<'PY' || return 1
import sys, xml.etree.ElementTree as ET
path, src, tag, mode, driver = sys.argv[1:6]
root = ET.parse(path).getroot()
fs = ET.SubElement(root.find("devices"), "filesystem", type="mount", accessmode=mode)
if driver:
    ET.SubElement(fs, "driver", type=driver)
ET.SubElement(fs, "source", dir=src)
ET.SubElement(fs, "target", dir=tag)
open(path, "w").write(ET.tostring(root, encoding="unicode"))
PY
    virsh -q define "$xml" >/dev/null
}
