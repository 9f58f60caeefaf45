#!/usr/bin/env bash
# GUI end-to-end: virt-share-desktop under Xvfb against the lab (libvirtd + a
# TCG guest with qemu-ga, from tests/lab/setup.sh), used as a person would:
# the VM appears, "Share a Folder…" shows the plan and ends with the folder
# mounted, events refresh the window, the doctor answers, unmount (the row
# says it is not mounted automatically any more), the doctor's Fix mounts it
# again (the mark goes), 'virt-share umount' from the command line (the mark
# comes back), Mount (it goes), remove, a 9p share pending
# restart and one restarted now, whose folder QEMU then cannot read until the
# doctor's Fix adds the ACL entry; a second 9p share left pending and the
# window's Restart VM, which restarts the guest and mounts both, then removed
# (pending stop: no Mount offered); then, with the VM shut off, the doctor's
# finding about the domain and its Start button, and the Mount the check
# after it offers; last, an agent stopped for 40 s: the unmount fails as an
# error.  The first folder's name has '&', '<' and '>': every text that shows
# it must show it as it is (labels are never markup).  Across the restart,
# the Start and the stopped agent the main loop must never stall 5 s (the
# window would freeze).
#
# The program is driven by its hidden --self-test mode (plugin/desktop/
# vsd-selftest.h): each step activates the same widget signals a click or a
# keyboard entry emits.  The oracle is independent of the program: virsh
# dumpxml and guest-exec through tests/lab/lib.sh.  Screenshots of each state
# go to $GUI_ARTIFACTS (rendered by the program's windows), plus one of the
# whole X screen (ImageMagick import).  Needs root, like the e2e suite.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source=../lab/lib.sh
. "$top/tests/lab/lib.sh"
# shellcheck source=../tap.sh
. "$top/tests/tap.sh"

BIN=${VIRT_SHARE_DESKTOP:-$top/plugin/desktop/virt-share-desktop}
VS=${VIRT_SHARE:-$top/src/virt-share}
ART=${GUI_ARTIFACTS:-$top/gui-artifacts}
DOM=vs-test-gui
export LIBVIRT_DEFAULT_URI=qemu:///system

g() { lab_guest_exec "$DOM" "$@"; }
gmounted() { g /bin/grep -q " $1 $2 " /proc/mounts; }
# gnot_mounted MNT [FSTYPE]: the guest ran grep and found no such mount; an
# agent that did not answer is no "not mounted" (lab_guest_false).
gnot_mounted() { lab_guest_false "$DOM" /bin/grep -q " $1 ${2:+$2 }" /proc/mounts; }
# vs_meta --live|--config: virt-share's metadata of the domain (its mount records).
vs_meta() { virsh -q metadata "$DOM" https://virt-share.org/xmlns/virt-share/1 "$1" 2>/dev/null; }
# xml_has [--inactive]: "yes" if a filesystem of the domain has the source
# $SRC_PATTERN, "no" if none has (parsed: virsh escapes '&' and '<' in
# attributes); nothing, and a failure, if virsh or the parse fails.
xml_has() {
    local x
    x=$(virsh -q dumpxml "$@" "$DOM") || return 1
    python3 -c '
import sys, xml.etree.ElementTree as ET
print("yes" if any(fs.find("source") is not None and fs.find("source").get("dir") == sys.argv[1]
                   for fs in ET.fromstring(sys.stdin.read()).iter("filesystem")) else "no")' \
        "$SRC_PATTERN" <<<"$x"
}
# in_xml / not_in_xml [--inactive]: the domain's XML, read and parsed, has /
# has not the share (a virsh failure is neither).
in_xml() { [ "$(xml_has "$@")" = yes ]; }
not_in_xml() { [ "$(xml_has "$@")" = no ]; }

# What the GUI test needs beyond the build (Debian 12 packages).
missing=()
for p in xvfb xauth dbus imagemagick; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
    echo "gui: installing ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" \
        >/dev/null || { echo "gui: cannot install ${missing[*]}"; exit 1; }
fi
rm -rf "$ART"
mkdir -p "$ART"
SHARES=$(mktemp -d /var/tmp/vs-gui.XXXXXX)
chmod 755 "$SHARES"
XVFB_PID=
cleanup() {
    [ -n "$XVFB_PID" ] && kill "$XVFB_PID" 2>/dev/null
    virsh -q destroy "$DOM" >/dev/null 2>&1
    virsh -q undefine "$DOM" >/dev/null 2>&1
    lab_unprotect_under "$SHARES"   # add's nosuid,nodev mounts and fstab lines
    rm -rf "$SHARES"
}
trap cleanup EXIT

# An X server of our own; its number comes back on fd 3.
Xvfb -displayfd 3 -screen 0 1280x900x24 -nolisten tcp 3>"$ART/.display" 2>"$ART/xvfb.log" &
XVFB_PID=$!
for _ in $(seq 1 50); do [ -s "$ART/.display" ] && break; sleep 0.1; done
DISPLAY=:$(cat "$ART/.display")
export DISPLAY
export GDK_BACKEND=x11 GTK_A11Y=none NO_AT_BRIDGE=1

t0=$(lab_now)
bash "$top/tests/lab/start-guest.sh" "$DOM" >&2 || tap_bail "the lab guest did not boot"
tap_diag "guest up after $(lab_since "$t0") s"

# Markup characters in the name: shown literally or the waits below fail.
docs="$SHARES/docs&<x>"
mkdir -m 755 "$docs"
echo "hello from the host" >"$docs/hello.txt"
chmod 644 "$docs/hello.txt"

# gui NAME: run the program on the script on stdin; its output in $ART/NAME.log.
# While it runs, `on_shot SHOT CMD...` hooks (set in $HOOKS) run when the
# program reports that screenshot.
gui() {
    local name=$1 rc
    cat >"$ART/$name.script"
    t0=$(lab_now)
    # shellcheck disable=SC2086  # GUI_ARGS: extra options, split on spaces
    timeout 300 dbus-run-session -- "$BIN" --connect qemu:///system ${GUI_ARGS:-} \
        --self-test "$ART/$name.script" --screenshot-dir "$ART" >"$ART/$name.log" 2>&1 &
    local pid=$!
    run_hooks "$name" "$pid"
    wait "$pid"; rc=$?
    tap_diag "$(grep "^self-test:" "$ART/$name.log" | grep -v "screenshot" | tail -n 3)"
    tap_diag "($name: $(lab_since "$t0") s)"
    return "$rc"
}
HOOKS=()
# wait_shot LOG SHOT PID: until the program saved SHOT (or exited).
wait_shot() {
    while kill -0 "$3" 2>/dev/null; do
        grep -q "screenshot .*/$2.png" "$1" && return 0
        sleep 0.2
    done
    return 1
}
run_hooks() {
    local h shot cmd
    for h in "${HOOKS[@]}"; do
        shot=${h%% *}; cmd=${h#* }
        wait_shot "$ART/$1.log" "$shot" "$2" && eval "$cmd"
    done
    HOOKS=()
}

tap_diag "== the VM appears (and a connection that fails, as an error); Share a Folder… (virtiofs, live) ends mounted"
HOOKS=("04-mounted import -window root $ART/04-mounted-screen.png; touch $ART/.screen-done")
bad_uri="qemu+unix:///system?socket=$SHARES/no-such-socket"
GUI_ARGS="--connect $bad_uri" gui share-virtiofs <<EOF2
timeout 90
wait vm:$DOM
wait-text note:$bad_uri Not connected:
wait-idle
shot 01-vm-listed
click share:$DOM
wait folder-entry
set folder-entry $docs
set target-entry /mnt/gui
shot 02-share-dialog
click review
wait-text plan-heading virtiofs, attached live, mounting now
wait-text plan-text Folder: $docs
shot 03-plan
timeout 180
click apply
wait-gone share-dialog
wait-text vm:$DOM Mounted in the guest at /mnt/gui
wait-text vm:$DOM $docs → /mnt/gui
wait-idle
shot 04-mounted
wait-file $ART/.screen-done
quit
EOF2
expect "share through the dialog: program exits 0" test $? -eq 0
expect "the guest has /mnt/gui mounted (virtiofs)" gmounted /mnt/gui virtiofs
expect "the guest reads the host's file there" \
    test "$(g /bin/cat /mnt/gui/hello.txt)" = "hello from the host"
SRC_PATTERN=$docs
expect "the share is in the running domain" in_xml
expect "the share is in the definition" in_xml --inactive
TAG=$(virsh -q dumpxml "$DOM" | python3 -c '
import sys, xml.etree.ElementTree as ET
for fs in ET.parse(sys.stdin).getroot().iter("filesystem"):
    if fs.find("source").get("dir") == sys.argv[1]:
        print(fs.find("target").get("dir"))' "$docs")
tap_diag "tag: $TAG"

tap_diag "== events refresh the window; doctor; unmount; the doctor's Fix mounts it"
HOOKS=("05-before-suspend virsh -q suspend $DOM >/dev/null"
       "06-paused-by-event virsh -q resume $DOM >/dev/null"
       "08-unmounted { gnot_mounted /mnt/gui virtiofs && touch $ART/.umount-checked-ok; }; touch $ART/.umount-checked")
gui events-doctor-umount <<EOF2
timeout 60
wait-text vm:$DOM Mounted in the guest at /mnt/gui
wait-idle
shot 05-before-suspend
wait-text vm-state:$DOM paused
shot 06-paused-by-event
wait-text vm-state:$DOM running
wait-idle
click doctor:$DOM
wait-text doctor-dialog QEMU runs as
wait-idle
shot 07-doctor
click doctor-close
wait-gone doctor-dialog
click umount:$DOM:$TAG
wait-text row:$DOM:$TAG Not mounted in the guest
wait-text automount:$DOM:$TAG Not mounted automatically (unmounted by hand)
wait-idle
shot 08-unmounted
wait-file $ART/.umount-checked
click doctor:$DOM
wait fix:$TAG:not-mounted
wait-text finding:$TAG:not-mounted $docs
wait-idle
shot 08b-doctor-not-mounted
click fix:$TAG:not-mounted
wait-gone fix:$TAG:not-mounted
wait-idle
shot 08c-doctor-fixed
click doctor-close
wait-gone doctor-dialog
wait-text row:$DOM:$TAG Mounted in the guest at /mnt/gui
wait-gone automount:$DOM:$TAG
quit
EOF2
expect "events, doctor, unmount, Fix: program exits 0" test $? -eq 0
expect "unmount: the guest had /mnt/gui unmounted" test -e "$ART/.umount-checked-ok"
expect "the doctor's Fix: the guest has /mnt/gui mounted again" gmounted /mnt/gui virtiofs

tap_diag "== virt-share umount (CLI) marks the share; Mount mounts it again and clears the mark; remove"
# The CLI unmounts while the window is open: the metadata event refreshes it.
cli_umount() {
    { "$VS" umount "$DOM" "$TAG"; vs_meta --live; } >"$ART/cli-umount.log" 2>&1
    touch "$ART/.cli-umount"
}
HOOKS=("08d-before-cli-umount cli_umount"
       "09-mounted-again { vs_meta --live && vs_meta --config || echo 'virsh metadata failed'; } >$ART/mount-meta.log 2>&1; touch $ART/.mount-meta")
gui mount-remove <<EOF2
timeout 90
wait-text row:$DOM:$TAG Mounted in the guest at /mnt/gui
wait-idle
shot 08d-before-cli-umount
wait-file $ART/.cli-umount
wait-text automount:$DOM:$TAG Not mounted automatically (unmounted by hand)
wait-text row:$DOM:$TAG Not mounted in the guest
wait-idle
shot 08e-cli-unmounted-marked
click mount:$DOM:$TAG
wait-text row:$DOM:$TAG Mounted in the guest at /mnt/gui
wait-gone automount:$DOM:$TAG
wait-idle
shot 09-mounted-again
wait-file $ART/.mount-meta
click remove:$DOM:$TAG
wait confirm-remove
wait-text remove-dialog $docs is unmounted in the guest
shot 10-confirm-remove
click confirm-remove
wait-gone row:$DOM:$TAG
wait-idle
shot 11-removed
quit
EOF2
expect "CLI umount, Mount, remove: program exits 0" test $? -eq 0
tap_diag "$(cat "$ART/cli-umount.log")"
expect "the CLI umount recorded automount=\"no\" (what the window showed as the mark)" \
    grep -Eq "automount=.no." "$ART/cli-umount.log"
# meta_read: the hook read both records (a virsh failure is no "mark gone").
meta_read() { [ -s "$ART/mount-meta.log" ] && ! grep -q "virsh metadata failed" "$ART/mount-meta.log"; }
mark_gone() { meta_read && ! grep -q automount "$ART/mount-meta.log"; }
expect "after the window's Mount the records are kept" grep -q "tag=.$TAG." "$ART/mount-meta.log"
expect "and the mark is gone from them (what the window showed)" mark_gone
expect "removed: not mounted in the guest" gnot_mounted /mnt/gui virtiofs
expect "removed: gone from the running domain" not_in_xml
expect "removed: gone from the definition" not_in_xml --inactive

tap_diag "== 9p: a refused folder, then restart later (pending), then restart now"
p9=$SHARES/p9
mkdir -m 777 "$p9"
echo "9p file" >"$p9/f.txt"
chmod 644 "$p9/f.txt"
# Once mounted, the folder is closed to QEMU's user (as a chmod by someone
# else would), for the doctor to find.
HOOKS=("16-9p-mounted-after-restart chmod 700 $p9; { g /bin/cat /mnt/p9/f.txt 2>&1 || echo refused; } >$ART/.closing; mv $ART/.closing $ART/.closed")
gui p9 <<EOF2
timeout 60
click share:$DOM
wait folder-entry
set folder-entry $SHARES/no-such-folder
click review
wait form-error
shot 12-refused-folder
set folder-entry $p9
select driver 2
set target-entry /mnt/p9
click review
wait-text plan-heading 9p needs a restart of the running VM: restart now?
shot 13-plan-9p
click apply
wait-gone share-dialog
wait-text vm:$DOM Pending restart
wait-idle
shot 14-pending-restart
click remove:$DOM:*
wait confirm-remove
click confirm-remove
wait-gone row:$DOM:*
wait-idle
click share:$DOM
wait folder-entry
set folder-entry $p9
select driver 2
set target-entry /mnt/p9
click review
wait restart-now
timeout 240
click restart-now
wait-gone share-dialog
shot 15-restarting
wait-text vm:$DOM Mounted in the guest at /mnt/p9
wait-idle
stall-max 5
shot 16-9p-mounted-after-restart
wait-file $ART/.closed
click doctor:$DOM
wait fix:*:folder-read
wait-idle
shot 17-doctor-folder-read
click fix:*:folder-read
wait-gone fix:*:folder-read
wait-idle
shot 18-doctor-acl-fixed
click doctor-close
wait-gone doctor-dialog
quit
EOF2
expect "9p, then the doctor's ACL Fix: program exits 0" test $? -eq 0
SRC_PATTERN=$p9
expect "9p restarted now: mounted in the guest" gmounted /mnt/p9 9p
tap_diag "closed to QEMU (chmod 700), the guest read: $(cat "$ART/.closed")"
expect "after the doctor's Fix the guest reads the file again (folder still mode 700)" \
    test "$(g /bin/cat /mnt/p9/f.txt)" = "9p file"
# An ACL shows its mask in the group bits: owner and others tell a chmod.
mode=$(stat -c %a "$p9")
expect "the Fix added an ACL entry, no chmod (mode $mode: owner rwx, others nothing)" \
    test "${mode:0:1}${mode:2:1}" = 70
expect "9p: in the definition" in_xml --inactive

tap_diag "== a second 9p share, restart later, then the window's Restart VM"
p9b=$SHARES/p9b
mkdir -m 777 "$p9b"
echo "9p b" >"$p9b/f.txt"
chmod 644 "$p9b/f.txt"
boot_before=$(lab_boot_id "$DOM") || boot_before=
# What the guest reads once the window says mounted (before the remove below).
HOOKS=("18c-restart-vm-done { g /bin/cat /mnt/p9b/f.txt 2>&1 || echo unreadable; } >$ART/.p9b-read; mv $ART/.p9b-read $ART/.p9b-read-done")
gui restart-vm <<EOF2
timeout 60
click share:$DOM
wait folder-entry
set folder-entry $p9b
select driver 2
set target-entry /mnt/p9b
click review
wait-text plan-heading 9p needs a restart of the running VM: restart now?
click apply
wait-gone share-dialog
wait restart:$DOM
wait-idle
shot 18a-restart-vm-offered
click restart:$DOM
wait confirm-restart
shot 18b-restart-vm-asked
timeout 240
click confirm-restart
wait-text vm:$DOM Mounted in the guest at /mnt/p9b
wait-gone restart:$DOM
wait-idle
stall-max 5
shot 18c-restart-vm-done
wait-file $ART/.p9b-read-done
click remove:$DOM:vs-p9b-*
wait confirm-remove
click confirm-remove
wait-text vm:$DOM Removed; gone when the VM stops
wait-text row:$DOM:vs-p9b-* Not mounted in the guest
wait-idle
timeout 20
wait-gone mount:$DOM:vs-p9b-*
shot 18d-p9b-removed-pending-stop
quit
EOF2
expect "Restart VM: program exits 0" test $? -eq 0
expect "Restart VM: the guest was restarted (new boot id)" lab_new_boot "$DOM" "$boot_before"
expect "Restart VM: the guest read the pending share's file" test "$(cat "$ART/.p9b-read-done")" = "9p b"
expect "Restart VM: the earlier 9p share is mounted again" gmounted /mnt/p9 9p
SRC_PATTERN=$p9b
expect "Restart VM, then remove: unmounted in the guest" gnot_mounted /mnt/p9b
expect "Restart VM, then remove: gone from the definition" not_in_xml --inactive
expect "Restart VM, then remove: in the running VM until it stops (9p)" in_xml

tap_diag "== shut off: the doctor's finding about the domain, Start, then Mount"
virsh -q destroy "$DOM" >/dev/null
gui domain-finding <<EOF2
timeout 60
wait-text vm-state:$DOM shut off
wait-idle
shot 19-shut-off
click doctor:$DOM
wait fix:domain:not-running
wait-text finding:domain:not-running Virtual machine $DOM
wait-idle
shot 20-doctor-not-running
timeout 240
click fix:domain:not-running
wait-text doctor-status waiting for its guest agent
shot 21-doctor-starting
wait-gone fix:domain:not-running
wait fix:*:not-mounted
wait-idle
stall-max 5
shot 22-doctor-started
click fix:*:not-mounted
wait-gone fix:*:not-mounted
wait-idle
shot 23-doctor-mounted
click doctor-close
wait-gone doctor-dialog
wait-text vm:$DOM Mounted in the guest at /mnt/p9
quit
EOF2
expect "shut off, the doctor's Start, then its Mount: program exits 0" test $? -eq 0
expect "the doctor's Start: the domain runs again" \
    test "$(virsh -q domstate "$DOM" 2>/dev/null)" = running
expect "then its Mount: the guest has /mnt/p9 mounted (9p)" gmounted /mnt/p9 9p

tap_diag "== an agent that does not answer: the window goes on, the failure is an error"
# qemu-ga stopped (SIGSTOP) for 40 s by a guest process of its own, which
# the agent starts before it stops.
hang_agent() {
    lab_qga "$DOM" '{"execute":"guest-exec","arguments":{"path":"/bin/sh","arg":["-c",
        "sleep 1; p=$(pidof qemu-ga); kill -STOP $p; sleep 40; kill -CONT $p"]}}' >/dev/null
    sleep 2
    touch "$ART/.hung"
}
agent_back() {
    lab_wait_agent "$DOM" 120 && touch "$ART/.agent-back"
}
HOOKS=("24-before-hang hang_agent" "25-agent-hung agent_back")
gui agent-hang <<EOF2
timeout 60
wait-text vm:$DOM Mounted in the guest at /mnt/p9
wait-idle
shot 24-before-hang
wait-file $ART/.hung
stall-max 5
click umount:$DOM:*
wait-text progress Unmounting
click refresh
shot 25-agent-hung
wait-error agent
stall-max 5
timeout 150
wait-file $ART/.agent-back
click refresh
wait-text vm:$DOM Mounted in the guest at /mnt/p9
wait-idle
stall-max 5
shot 26-agent-back
quit
EOF2
expect "agent stopped: the window never stalled 5 s, the unmount failed as an error" test $? -eq 0
expect "agent back: /mnt/p9 still mounted (nothing was changed)" gmounted /mnt/p9 9p

rm -f "$ART/.display" "$ART/.screen-done" "$ART/.umount-checked" "$ART/.umount-checked-ok" "$ART/.closed" \
    "$ART/.hung" "$ART/.agent-back" "$ART/.cli-umount" "$ART/.mount-meta"
tap_diag "Screenshots: $(cd "$ART" && echo *.png)"
tap_done
