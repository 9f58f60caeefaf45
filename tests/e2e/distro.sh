#!/usr/bin/env bash
# End-to-end tests on the lab's distribution guest: Debian 13 with systemd as
# PID 1, Debian's qemu-guest-agent service and Debian's kernel (tests/lab/
# distro.sh), on the host stack VS_LAB_STACK (tests/e2e/stacks.sh runs it on
# each).  What a busybox /init cannot show: a virtiofs share added live, a 9p
# share with --restart (a graceful shutdown that systemd carries out, no
# --force), --persist lines that systemd-fstab-generator mounts at boot (and a
# line whose share is missing does not hang the boot), a reboot started inside
# the guest bringing the shares back (fstab and the watcher), and remove
# cleaning up.  The oracle is independent of virt-share: virsh, libvirt's
# domain log, and guest-exec through tests/lab/lib.sh.  Prints TAP and
# "N passed, M failed"; exit status 1 on failure.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=common.sh
. "$here/common.sh"
# shellcheck source=../lab/distro.sh
. "$top/tests/lab/distro.sh"

export LIBVIRT_DEFAULT_URI=$LAB_URI
e2e_stack
TAP_PREFIX="[$STACK debian13] "
DOM=vs-test-debian13
# TCG boots systemd to its agent in 60-100 s on a 2-core host at load 2-8;
# a boot at load 13 once took about 7 minutes to multi-user.target.  Each
# wait for a boot is bounded by BOOT seconds, so that a guest that never
# answers costs CI minutes, not hours.
BOOT=${LAB_DISTRO_BOOT_TIMEOUT:-480}
CONSOLE=$LAB_STATE/$DOM-console.log

# gfalse PATH ARG...: the guest ran PATH and it said no (exit 1-123); an
# agent that did not answer is no "no" (lab_guest_false).
gfalse() { lab_guest_false "$DOM" "$@"; }
tag_of() {   # tag_of SOURCE: its tag, from virt-share status --json
    "$VS" status "$DOM" --json | python3 -c '
import json, sys
print([s["tag"] for s in json.load(sys.stdin)["shares"] if s["source"] == sys.argv[1]][0])' "$1"
}
# xml_lacks PATTERN [DUMPXML-OPTION...]: the domain's XML, which virsh must
# give (a virsh failure is no "gone"), has no line matching PATTERN.
xml_lacks() { local x; x=$(virsh -q dumpxml "${@:2}" "$DOM") && [ -n "$x" ] && ! grep -q "$1" <<<"$x"; }
# console_tail [N]: the last N (40) lines of the guest's serial console
# (kernel and systemd status lines), as TAP comments: why a boot stalled.
console_tail() {
    tap_diag "console log $CONSOLE, last ${1:-40} lines:"
    tap_diag "$(tail -n "${1:-40}" "$CONSOLE" 2>/dev/null | tr -d '\r' | cut -c1-200)"
    tap_diag "domain state: $(virsh -q domstate --reason "$DOM" 2>&1)"
}
# expect_boot NAME CMD...: like expect; on failure shows the console.
expect_boot() { if "${@:2}"; then tap_ok "$1"; else tap_not_ok "$1"; console_tail; fi; }
# system_state: systemctl is-system-running once the boot is over (no job
# left): "running" or "degraded"; "starting" means something still waits.
system_state() {
    LAB_EXEC_TIMEOUT=$BOOT g /usr/bin/systemctl is-system-running --wait 2>/dev/null
}
# booted STATE: the boot is over (a failed unit makes it "degraded").
booted() { [ "$1" = running ] || [ "$1" = degraded ]; }
# (Here-strings, not "| grep -q": under pipefail a writer that gets SIGPIPE
# when grep -q stops at the first match fails the whole check.)
fstab_has() { grep -qxF "$1" <<<"$(g /usr/bin/cat /etc/fstab)"; }
# from_fstab UNIT...: systemd-fstab-generator made each mount unit.
from_fstab() {
    local u
    for u in "$@"; do
        grep -qx /etc/fstab <<<"$(g /usr/bin/systemctl show -P SourcePath "$u")" || return 1
    done
}
# mount_exec UNIT: how the mount(8) that systemd itself ran for UNIT in this
# boot ended, from the unit's ExecMount record ("{ path=... ; pid=N ;
# code=exited ; status=S }"): S, or "none" when systemd ran none (pid=0: a
# mount made by someone else, such as virt-share or its watcher, which mount
# with their own guest-exec of mount(8), only shows up in the unit's state).
# Prints nothing and fails if the agent does not answer.
mount_exec() {
    local x re=' pid=([0-9]+) ; code=exited ; status=([0-9]+) '
    x=$(g /usr/bin/systemctl show -P ExecMount "$1") && [ -n "$x" ] || return 1
    if [[ $x =~ $re ]] && [ "${BASH_REMATCH[1]}" != 0 ]; then
        echo "${BASH_REMATCH[2]}"
    else
        echo none
    fi
}
# by_systemd UNIT...: systemd ran mount(8) for each UNIT in this boot and it
# exited 0: systemd mounted it, not virt-share nor its watcher.
by_systemd() {
    local u st
    for u in "$@"; do
        st=$(mount_exec "$u")
        [ "$st" = 0 ] && continue
        tap_diag "$u: systemd's own mount(8) in this boot: ${st:-(no answer)}; ExecMount: $(g /usr/bin/systemctl show -P ExecMount "$u" 2>&1)"
        return 1
    done
}
# back_by_systemd MOUNT FSTYPE UNIT: mounted, and by systemd.
back_by_systemd() { gmounted "$1" "$2" && by_systemd "$3"; }
# domain_log: libvirt's log of the domain (in the stack's root for trixie).
domain_log() { cat "$LAB_EXE_ROOT/var/log/libvirt/qemu/$DOM.log" 2>/dev/null; }

e2e_scratch distro
# (e2e_exit then removes $SHARES)
cleanup() {
    [ -n "${WATCH_PID:-}" ] && kill "$WATCH_PID" 2>/dev/null
    lab_remove_domain "$DOM"
    rm -f "$LAB_STATE/$DOM-disk.qcow2"
}
timings=()

tap_diag "== boot Debian 13 (systemd) with direct kernel boot"
lab_distro_ready || tap_bail "no Debian 13 guest image: run VS_LAB_GUESTS=debian13 tests/lab/setup.sh"
lab_remove_domain "$DOM" || tap_bail "a domain $DOM exists that the lab did not define"
disk=$(lab_distro_disk "$DOM") || tap_bail "cannot create the overlay disk (qemu-img)"
t0=$(now)
if ! LAB_BOOT_TIMEOUT=$BOOT bash "$top/tests/lab/start-guest.sh" "$DOM" --os debian13 --disk "$disk"; then
    console_tail 60
    tap_bail "the Debian 13 guest did not boot to its agent in $BOOT s"
fi
timings+=("boot to agent: $(lab_boot_times "$DOM") (whole step: $(elapsed "$t0") s)")
expect "PID 1 is systemd" test "$(g /usr/bin/cat /proc/1/comm)" = systemd
expect "qemu-ga runs as Debian's systemd service" g /usr/bin/systemctl is-active -q qemu-guest-agent.service
state=$(system_state)
timings+=("boot to system up ($state): $(elapsed "$t0") s")
expect_boot "the boot finishes (running or degraded, no job left): $state" booted "$state"
[ "$state" = running ] || tap_diag "failed units: $(g /usr/bin/systemctl --failed --no-legend --plain | tr '\n' ';')"
# Debian 6.12: 9p is a module, virtiofs is built in.
expect "Debian's kernel has 9p and virtiofs (module or built in)" \
    g /usr/bin/sh -c 'm=/lib/modules/$(uname -r); for f in fs/9p/9p fs/fuse/virtiofs; do ls $m/kernel/$f.ko* >/dev/null 2>&1 || grep -q "^kernel/$f.ko" $m/modules.builtin || exit 1; done'
fstab_orig=$(g /usr/bin/base64 /etc/fstab) || fstab_orig=
# same_fstab: the guest's /etc/fstab, read now, is the one read at the start
# (both reads answered: two failed reads are no "unchanged").
same_fstab() { local now; now=$(g /usr/bin/base64 /etc/fstab) && [ -n "$now" ] && [ "$now" = "$fstab_orig" ]; }
xi_orig=$(xml_inactive "$DOM") || xi_orig=

tap_diag "== virtiofs added live, --persist"
d_vfs=$(mkshare vfs root:root)
printf 'from the host' >"$d_vfs/host.txt"
t0=$(now)
out=$("$VS" add "$DOM" "$d_vfs" --driver virtiofs --target /srv/vfs --persist --timeout 120 2>&1); rc=$?
timings+=("add virtiofs live to mounted: $(elapsed "$t0") s")
tap_diag "$out"
expect "add virtiofs --persist exits 0" test "$rc" -eq 0
expect "attached to the running domain" grep -q "attaching to running domain" <<<"$out"
expect "virtiofs mounted in the guest" gmounted /srv/vfs virtiofs
expect "the guest reads the host's file" test "$(g /usr/bin/cat /srv/vfs/host.txt)" = "from the host"
expect "a guest write reaches the host" g /usr/bin/sh -c 'echo guest > /srv/vfs/guest.txt'
expect "the host sees it" test "$(cat "$d_vfs/guest.txt" 2>/dev/null)" = guest
vfs_tag=$(tag_of "$d_vfs")
expect "the guest's fstab has its line, nofail" fstab_has "$vfs_tag /srv/vfs virtiofs rw,nofail 0 0"

tap_diag "== 9p with --restart: a graceful shutdown systemd carries out (no --force)"
d_9p=$(mkshare ninep libvirt-qemu:libvirt-qemu)
printf 'nine' >"$d_9p/n.txt"
old=$(lab_boot_id "$DOM")
log_lines=$(domain_log | wc -l)
t0=$(now)
out=$("$VS" add "$DOM" "$d_9p" --driver 9p --mode squash --target /srv/9p --restart --persist --timeout "$BOOT" 2>&1); rc=$?
timings+=("restart cycle, add 9p --restart (shutdown, start, agent, mount): $(elapsed "$t0") s")
tap_diag "$out"
expect_boot "add 9p --restart exits 0" test "$rc" -eq 0
expect "it said it restarts the guest" grep -q "Restarting" <<<"$out"
expect "the guest booted again (new boot id)" lab_new_boot "$DOM" "$old"
reasons=$(domain_log | tail -n +"$((log_lines + 1))" | grep -o 'shutting down, reason=[a-z-]*' | sort -u)
tap_diag "libvirt: $reasons"
expect "libvirt saw the guest shut itself down (reason=shutdown), never destroyed" \
    test "$reasons" = "shutting down, reason=shutdown"
expect "9p mounted after the restart" gmounted /srv/9p 9p
expect "the guest reads the 9p share" test "$(g /usr/bin/cat /srv/9p/n.txt)" = nine
# add --restart mounts the other shares too once the agent answers: only
# systemd's record of its own mount(8) tells that the fstab line did it.
expect "virtiofs came back at boot from the fstab line (systemd ran its mount)" \
    back_by_systemd /srv/vfs virtiofs srv-vfs.mount
expect "systemd mounted it from /etc/fstab (a generated mount unit)" from_fstab srv-vfs.mount
p9_tag=$(tag_of "$d_9p")

tap_diag "== a reboot started inside the guest: fstab, the watcher, and a missing share"
d_w=$(mkshare watched root:root)
expect "add virtiofs without --persist exits 0" "$VS" add "$DOM" "$d_w" --driver virtiofs --target /srv/w
# A line whose share does not exist (its device gone): nofail must not hang the boot.
expect "an fstab line for a share that is not there" \
    g /usr/bin/sh -c 'echo "vs-missing-share /srv/missing virtiofs rw,nofail 0 0" >> /etc/fstab'
"$VS" watch >"$SHARES/watch.log" 2>&1 &
WATCH_PID=$!
sleep 2
old=$(lab_boot_id "$DOM")
t0=$(now)
# systemctl reboot, started by a guest process (guest-exec returns at once;
# the exit status is not waited for: the guest goes away).
lab_qga "$DOM" '{"execute":"guest-exec","arguments":{"path":"/usr/bin/systemctl","arg":["reboot"]}}' >/dev/null
expect_boot "the guest rebooted (new boot id)" lab_wait_new_boot "$DOM" "$old" "$BOOT"
timings+=("reboot inside the guest to agent: $(elapsed "$t0") s")
state=$(system_state)
timings+=("reboot inside the guest to system up ($state): $(elapsed "$t0") s")
expect_boot "the boot finished despite the missing share: $state" booted "$state"
# The missing share's line: systemd made a unit of it and tried it (its
# mount(8) ran and failed), and the boot finished all the same (above).
expect "the missing share's line became a mount unit (systemd read it at boot)" from_fstab srv-missing.mount
missing_mount_failed() { local st; st=$(mount_exec srv-missing.mount) && [ "$st" != none ] && [ "$st" != 0 ]; }
expect "systemd tried to mount the missing share and mount(8) failed" missing_mount_failed
# The watcher runs during this boot and mounts every share with a recorded
# mount point: only systemd's record of its own mount(8) tells the fstab did it.
expect "virtiofs back from fstab (systemd ran its mount)" back_by_systemd /srv/vfs virtiofs srv-vfs.mount
expect "9p back from fstab (systemd ran its mount)" back_by_systemd /srv/9p 9p srv-9p.mount
expect "both by systemd: their mount units come from /etc/fstab" from_fstab srv-vfs.mount srv-9p.mount
remounted() { for _ in $(seq 1 120); do gmounted "$1" "$2" && return 0; sleep 0.5; done; return 1; }
expect "the share without an fstab line is back through the watcher" remounted /srv/w virtiofs
kill "$WATCH_PID" 2>/dev/null; wait "$WATCH_PID" 2>/dev/null; WATCH_PID=
g /usr/bin/sed -i '/^vs-missing-share /d' /etc/fstab

tap_diag "== remove cleans up"
for s in "$d_vfs:/srv/vfs:virtiofs" "$d_9p:/srv/9p:9p" "$d_w:/srv/w:virtiofs"; do
    IFS=: read -r src mnt fs <<<"$s"
    out=$("$VS" remove "$DOM" "$src" 2>&1); rc=$?
    tap_diag "$out"
    expect "remove $fs $mnt exits 0" test "$rc" -eq 0
    expect "$mnt unmounted" gunmounted "$mnt" "$fs"
done
expect "the fstab lines are gone" gfalse /usr/bin/grep -qE "^($vfs_tag|$p9_tag) " /etc/fstab
expect "the guest's fstab is byte for byte what it was" same_fstab
expect "no share left in the definition" xml_lacks "<filesystem" --inactive
expect "no virtiofs left in the running domain" xml_lacks "type=.virtiofs"
same_xml "the definition is byte for byte the original" "$xi_orig" "$(xml_inactive "$DOM")"

tap_diag "Timings on $STACK (libvirt $LIBVIRT_VERSION, QEMU $(lab_libvirt_version hypervisor); Debian 13 guest with systemd, TCG, this machine):"
tap_diag "$(printf '  %s\n' "${timings[@]}")"
tap_done
