#!/usr/bin/env bash
# GUI end-to-end: virt-share-desktop under Xvfb, driven from outside through
# AT-SPI (tests/gui/atspi.py, python3-pyatspi), by role and accessible name,
# as a screen reader user or a UI test would.  Two parts:
#
# fast (libvirt's test driver, no lab; in English, then in German): every
# control of the main window, its main menu, the share dialog (both pages),
# the Check dialog and About has an accessible name; the share dialog is
# opened, filled, reviewed, taken back and cancelled with the keyboard alone
# (key events only); a VM without an agent shows what to install; screenshots
# of the main window (with shares, empty, a connection that fails), the share
# dialog with its ownership sentence, the restart question, the Check dialog
# and About.
#
# lab (libvirtd + a TCG guest with qemu-ga, from tests/lab/setup.sh), used
# as a person would: the VM appears (and a connection that fails, as an
# error), "Share a Folder…" shows the plan and ends with the folder mounted,
# events refresh the window, the Check answers, unmount (the row says it is
# not mounted automatically any more), the Check's Fix mounts it again (the
# mark goes), 'virt-share umount' from the command line (the mark comes
# back), Mount (it goes), remove; a folder that does not exist is refused;
# a 9p share pending restart (its driver picked by keyboard) and one
# restarted now, whose folder QEMU then cannot read until the Check's Fix
# adds the ACL entry; in German, a second 9p share left pending and the
# window's Restart VM…, which restarts the guest and mounts both, then
# removed (pending stop: no Mount offered); with the VM shut off, the
# Check's Start and then its Mount; last, an agent stopped for 40 s: the
# unmount fails as an error.  The first folder's name has '&', '<' and '>':
# every text that shows it must show it as it is (labels are never markup).
# Across the restarts, the Start and the stopped agent the main loop must
# never stall 5 s: a watcher asks the program for its windows every 0.2 s
# and the longest answer must stay below that.
#
# The oracle is independent of the program: virsh dumpxml and guest-exec
# through tests/lab/lib.sh.  Screenshots (ImageMagick import of the X screen)
# go to $GUI_ARTIFACTS.  GUI_PARTS="fast lab" (the default) or one of them.
# Needs root, like the e2e suite (the lab; the fast part installs packages).
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
PARTS=${GUI_PARTS:-fast lab}
DOM=vs-test-gui
# Debian's Python, where python3-pyatspi is (not one a PATH may put first).
PY=/usr/bin/python3
START=$(date +%s)

# What the GUI test needs beyond the build (Debian 12 packages).
missing=()
for p in xvfb xauth dbus imagemagick at-spi2-core python3-pyatspi gir1.2-atspi-2.0 \
    gettext-base locales; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
    echo "gui: installing ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" \
        >/dev/null || { echo "gui: cannot install ${missing[*]}"; exit 1; }
fi
rm -rf "$ART"
mkdir -p "$ART"
TMP=$(mktemp -d /var/tmp/vs-gui.XXXXXX)
chmod 755 "$TMP"
SHARES=$TMP/shares
mkdir -m 755 "$SHARES"
XVFB_PID='' DBUS_PID='' APP_PID='' WATCH_PID=
cleanup() {
    [ -n "$APP_PID" ] && kill "$APP_PID" 2>/dev/null
    [ -n "$WATCH_PID" ] && kill "$WATCH_PID" 2>/dev/null
    [ -n "$DBUS_PID" ] && kill "$DBUS_PID" 2>/dev/null
    [ -n "$XVFB_PID" ] && kill "$XVFB_PID" 2>/dev/null
    if [[ " $PARTS " == *" lab "* ]]; then
        virsh -q destroy "$DOM" >/dev/null 2>&1
        virsh -q undefine "$DOM" >/dev/null 2>&1
        lab_unprotect_under "$SHARES"   # add's nosuid,nodev mounts and fstab lines
    fi
    rm -rf "$TMP"
}
trap cleanup EXIT

# An X server of our own (its number comes back on fd 3), then a session
# bus of our own: the AT-SPI bus and its registry start from it, and they
# must know the display to send key events.
Xvfb -displayfd 3 -screen 0 1280x900x24 -nolisten tcp 3>"$TMP/display" 2>"$ART/xvfb.log" &
XVFB_PID=$!
for _ in $(seq 1 50); do [ -s "$TMP/display" ] && break; sleep 0.1; done
DISPLAY=:$(cat "$TMP/display")
export DISPLAY GDK_BACKEND=x11
# GTK's AT-SPI backend on (the old self-test turned it off).
unset GTK_A11Y NO_AT_BRIDGE
DBUS_SESSION_BUS_ADDRESS=$(dbus-daemon --session --fork --print-address=1 --print-pid=4 \
    4>"$TMP/dbus.pid") || tap_bail "no session bus"
DBUS_PID=$(cat "$TMP/dbus.pid")
export DBUS_SESSION_BUS_ADDRESS

# ---- the driver ----

# ui ARGS...: tests/gui/atspi.py (see there); its complaint in $UI_ERR.
UI_ERR=
ui() { UI_ERR=$("$PY" "$here/atspi.py" "$@" 2>&1 >/dev/null); }
# A journey's steps: `step NAME ARGS...` is one TAP check of ui ARGS; after a
# failure the rest of the journey is skipped (each would only time out).
# `journey TITLE` starts one.
JOURNEY_FAILED=
journey() { JOURNEY_FAILED=; tap_diag "== $*"; }
step() {
    local name=$1
    shift
    if [ -n "$JOURNEY_FAILED" ]; then
        tap_skip "$name" "an earlier step of this journey failed"
    elif ui "$@"; then
        tap_ok "$name"
    else
        JOURNEY_FAILED=1
        tap_not_ok "$name" "$UI_ERR"
        shot "failed-$TAP_COUNT"
    fi
}
# check NAME CMD...: an oracle's check inside a journey (skipped after a failure).
check() {
    local name=$1
    shift
    if [ -n "$JOURNEY_FAILED" ]; then tap_skip "$name" "an earlier step of this journey failed"
    else tap_check "$name" "$@"; fi
}
# shot NAME: the X screen as it is, once the program is idle.
shot() {
    ui -t 20 idle
    import -window root "$ART/$1.png" 2>>"$ART/import.log"
}

# The language of the program's windows (en or de) and its words: T MSGID is
# the translation, M MSGID the same without its mnemonic's underline.
LANG_ENV=()
ui_lang() {
    GUI_LANG=$1
    if [ "$1" = de ]; then
        LANG_ENV=(LANG=de_DE.UTF-8 LC_ALL=de_DE.UTF-8 LANGUAGE=de VIRT_SHARE_LOCALEDIR="$TMP/locale"
                  ${LOCPATH_DE:+LOCPATH="$LOCPATH_DE"})
    else
        LANG_ENV=(LANG=C.UTF-8 LC_ALL=C.UTF-8 LANGUAGE=)
    fi
}
T() {
    if [ "$GUI_LANG" = de ]; then
        env "${LANG_ENV[@]}" TEXTDOMAINDIR="$TMP/locale" gettext virt-share "$1"
    else
        printf '%s' "$1"
    fi
}
M() { local t; t=$(T "$1"); printf '%s' "${t/_/}"; }
# Adw MSGID: libadwaita's own words (the About window's title).
# F MSGID ARGS...: the translation as a printf format.
# shellcheck disable=SC2059
F() { local f; f=$(T "$1"); shift; printf "$f" "$@"; }
Adw() { env "${LANG_ENV[@]}" gettext libadwaita "$1"; }

# app ARGS...: start the program (one at a time: the driver looks for it by
# its name); app_quit: Ctrl+Q, and it must be gone within 10 s.
app() {
    env "${LANG_ENV[@]}" XDG_DATA_DIRS="$APP_DATA_DIRS" "$BIN" "$@" >>"$ART/program-$GUI_LANG.log" 2>&1 &
    APP_PID=$!
}
app_gone() {
    local i
    for i in $(seq 1 100); do
        kill -0 "$APP_PID" 2>/dev/null || { wait "$APP_PID"; APP_PID=; return 0; }
        sleep 0.1
    done
    return 1
}
app_quit() {
    [ -n "$APP_PID" ] || return 0
    if [ -z "$JOURNEY_FAILED" ]; then
        step "Ctrl+Q quits" key ctrl+q
        check "the program is gone within 10 s of Ctrl+Q" app_gone
    fi
    if [ -n "$APP_PID" ]; then
        kill "$APP_PID" 2>/dev/null
        wait "$APP_PID" 2>/dev/null
        APP_PID=
    fi
}

# The program's icon where an installed one would be (About shows it).
mkdir -p "$TMP/share/icons/hicolor/scalable/apps"
cp "$top/plugin/desktop/org.virtshare.VirtShare.svg" "$TMP/share/icons/hicolor/scalable/apps/"
APP_DATA_DIRS=$TMP/share:${XDG_DATA_DIRS:-/usr/local/share:/usr/share}

# ---- the German catalogue, built from po/de.po, and de_DE.UTF-8 ----
mkdir -p "$TMP/locale/de/LC_MESSAGES"
msgfmt -o "$TMP/locale/de/LC_MESSAGES/virt-share.mo" "$top/po/de.po" ||
    tap_bail "msgfmt failed on po/de.po"
LOCPATH_DE=
if [ -n "$(LC_ALL=de_DE.UTF-8 locale 2>&1 >/dev/null)" ]; then
    LOCPATH_DE=$TMP/locales
    mkdir -p "$LOCPATH_DE"
    localedef -i de_DE -f UTF-8 "$LOCPATH_DE/de_DE.UTF-8" >/dev/null 2>&1 ||
        [ -d "$LOCPATH_DE/de_DE.UTF-8" ] || tap_bail "no de_DE.UTF-8 locale and localedef cannot make one"
fi

# ---- fast: the test driver ----
fast_part() {
    local L=$1 node="test://$top/tests/data/testnode.xml" empty="$TMP/empty.xml"
    local fail_uri="qemu+unix:///system?socket=$TMP/no-such-socket"
    local docs="$SHARES/docs&<x>" win share check
    ui_lang "$L"
    TAP_PREFIX="[$L] "
    echo '<node></node>' >"$empty"
    [ -d "$docs" ] || mkdir -m 755 "$docs"
    win=$(T "Shared Folders")
    share=$(F "Share a Folder with %s" stopped)
    check=$(F "Check the Shares of %s" running)

    journey "$L: the main window with shares; a VM without an agent; names"
    app --connect "$node"
    step "the window shows the VM 'running' and its shares" \
        text "running//list:running" "/usr/share → /mnt/docs" -- idle
    step "the VM without an agent says what to install" \
        text "running//list item:$(T "The guest agent does not answer")" "qemu-guest-agent"
    step "every control of the main window has an accessible name" names "$win"
    shot "$L-01-main-with-shares"
    step "the main menu opens (its button, by name)" click "$win::push button:$(T "Main Menu")" \
        -- wait "$win::menu item:$(M "_About Shared Folders")"
    step "every item of the main menu has an accessible name" names "$win"
    shot "$L-02-main-menu"
    step "About opens from the main menu" click "$win::menu item:$(M "_About Shared Folders")" \
        -- wait "*::label:$(T "Shared Folders for VMs")"
    step "every control of About has an accessible name" names "$(Adw "About")"
    shot "$L-09-about"
    step "Escape closes About" key Escape -- gone "*::label:$(T "Shared Folders for VMs")"

    # The shut-off VM: its plan needs no guest agent.
    journey "$L: the share dialog by keyboard alone: open, fill, review, back, cancel"
    step "Tab reaches 'stopped''s Share a Folder…, Return opens the dialog" \
        tab-to "stopped//push button:$(M "_Share a Folder…")" -- key Return \
        -- wait "$share::push button:$(M "_Review…")"
    step "every control of the share dialog has an accessible name" names "$share"
    step "typing fills the folder (the focus is there first)" \
        key "text:$docs" -- has "$share::text:$(M "_Folder")" "$docs"
    step "Tab past the folder chooser, typing fills the mount point" \
        tab-to "$share::push button:$(T "Choose a folder")" -- key Tab "text:/mnt/gui" \
        -- has "$share::text:$(M "Mount _point in the guest (empty: the same path)")" /mnt/gui
    step "Tab to Driver, Space opens it, Down Down Return picks 9p" \
        tab-to "$share::combo box:$(M "_Driver")" -- key space Down Down Return \
        -- text "$share::combo box:$(M "_Driver")" 9p
    shot "$L-03-share-dialog"
    step "Tab to Review…, Return: the plan says who will own the files" \
        tab-to "$share::push button:$(M "_Review…")" -- key Return \
        -- text "$share::label:*" "$(F "%s, added to the shut-off VM: mount it once the VM runs" 9p)" \
        -- text "$share::label:*" "$docs" \
        -- text "$share::label:*" "$(T "Owners: every file the VM writes belongs to %s on this computer, whoever writes it in the VM; changing owners in the VM fails." | sed 's/%s.*//')"
    step "every control of the plan has an accessible name" names "$share"
    shot "$L-04-share-plan-ownership"
    step "Tab to Back, Return: the form again, as filled" \
        tab-to "$share::push button:$(M "_Back")" -- key Return \
        -- has "$share::text:$(M "_Folder")" "$docs"
    step "Tab to Cancel, Return closes the dialog; nothing shared" \
        tab-to "$share::push button:$(M "_Cancel")" -- key Return -- gone "$share::*" \
        -- no-text "stopped//list:stopped" "$docs"
    step "Escape closes the dialog too" \
        click "stopped//push button:$(M "_Share a Folder…")" \
        -- wait "$share::push button:$(M "_Review…")" -- key Escape -- gone "$share::*"

    journey "$L: the Check dialog"
    step "Check… opens the Check dialog, which answers" \
        click "running//push button:$(M "_Check…")" \
        -- wait "$check::push button:$(M "_Close")" -- idle
    step "every control of the Check dialog has an accessible name" names "$check"
    shot "$L-06-check"
    step "Escape closes it" key Escape -- gone "$check::*"
    app_quit

    journey "$L: the main window without VMs, then with a connection that fails"
    app --connect "test://$empty"
    step "a connection without VMs says so" text "$win::*" "$(T "No Virtual Machines")"
    step "every control of the empty window has an accessible name" names "$win"
    shot "$L-07-main-empty"
    app_quit
    app --connect "$fail_uri"
    step "a connection that fails says so" text "$win::*" "$(T "Not Connected")"
    step "every control of the window has an accessible name" names "$win"
    shot "$L-08-main-connection-error"
    app_quit
    TAP_PREFIX=
}

if [[ " $PARTS " == *" fast "* ]]; then
    t0=$(date +%s)
    fast_part en
    fast_part de
    tap_diag "(fast part: $(( $(date +%s) - t0 )) s)"
fi

# ---- lab: libvirtd and a TCG guest ----
export LIBVIRT_DEFAULT_URI=qemu:///system

g() { lab_guest_exec "$DOM" "$@"; }
gmounted() { g /bin/grep -q " $1 $2 " /proc/mounts; }
# gmounted_settled MNT FSTYPE: gmounted, once the agent answers again (60 s
# at most: an agent that does not come back is a failure).
gmounted_settled() { lab_wait_agent "$DOM" 60 >/dev/null && gmounted "$@"; }
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

# The main loop never stalls 5 s (the window would freeze): a watcher asks
# the program for its windows every 0.2 s; stall_max SECONDS checks the
# longest answer since the last check.
stall_start() {
    rm -f "$TMP/stall"
    "$PY" "$here/atspi.py" stall-watch "$TMP/stall" 2>>"$ART/stall.log" &
    WATCH_PID=$!
}
stall_stop() { [ -z "$WATCH_PID" ] || { kill "$WATCH_PID"; wait "$WATCH_PID"; } 2>/dev/null; WATCH_PID=; }
stall_below() {
    local s
    s=$(cat "$TMP/stall" 2>/dev/null || echo 0)
    rm -f "$TMP/stall"
    tap_diag "longest answer of the program: $s s"
    awk -v s="$s" -v max="$1" 'BEGIN { exit !(s < max) }'
}
stall_max() { check "the main loop never stalled $1 s (AT-SPI answers in time)" stall_below "$1"; }

lab_part() {
    local docs="$SHARES/docs&<x>" win share check row p9 p9b mode boot_before bad_uri t0
    ui_lang en
    win=$(T "Shared Folders")
    share=$(F "Share a Folder with %s" "$DOM")
    check=$(F "Check the Shares of %s" "$DOM")
    t0=$(lab_now)
    bash "$top/tests/lab/start-guest.sh" "$DOM" >&2 || tap_bail "the lab guest did not boot"
    tap_diag "guest up after $(lab_since "$t0") s"
    # Markup characters in the name: shown literally or the waits below fail.
    mkdir -m 755 "$docs"
    echo "hello from the host" >"$docs/hello.txt"
    chmod 644 "$docs/hello.txt"
    row="$docs → /mnt/gui"

    journey "the VM appears (and a connection that fails, as an error); Share a Folder… (virtiofs, live) ends mounted"
    bad_uri="qemu+unix:///system?socket=$SHARES/no-such-socket"
    app --connect qemu:///system --connect "$bad_uri"
    step "the VM is listed" -t 90 wait "$DOM//list:$DOM"
    step "the connection that fails says so" text "$win::*" "$(T "Not Connected")"
    shot 01-vm-listed
    step "Share a Folder… opens the dialog" -t 90 idle -- click "$DOM//push button:$(M "_Share a Folder…")" \
        -- wait "$share::push button:$(M "_Review…")"
    step "folder and mount point entered" set "$share::text:$(M "_Folder")" "$docs" \
        -- set "$share::text:$(M "Mount _point in the guest (empty: the same path)")" /mnt/gui
    shot 02-share-dialog
    step "Review…: virtiofs, live, the folder as it is" click "$share::push button:$(M "_Review…")" \
        -- text "$share::label:*" "$(F "%s, attached live, mounting now" virtiofs)" \
        -- text "$share::label:*" "$(F "Folder: %s\nMount point in the guest: %s" "$docs" /mnt/gui | head -n1)"
    shot 03-plan
    step "Share: the dialog closes, the row says mounted, the folder's name as it is" -t 180 \
        click "$share::push button:$(M "_Share")" -- gone "$share::*" \
        -- text "$DOM//list:$DOM" "$(F "Mounted in the guest at %s" /mnt/gui)" \
        -- text "$DOM//list:$DOM" "$row"
    shot 04-mounted
    app_quit
    check "the guest has /mnt/gui mounted (virtiofs)" gmounted /mnt/gui virtiofs
    check "the guest reads the host's file there" \
        test "$(g /bin/cat /mnt/gui/hello.txt)" = "hello from the host"
    SRC_PATTERN=$docs
    check "the share is in the running domain" in_xml
    check "the share is in the definition" in_xml --inactive

    journey "events refresh the window; Check; unmount; the Check's Fix mounts it"
    app --connect qemu:///system
    step "the share is shown mounted" -t 60 text "$row>>*" "$(F "Mounted in the guest at %s" /mnt/gui)" -- idle
    shot 05-before-suspend
    virsh -q suspend "$DOM" >/dev/null
    step "a suspend outside the program shows (event)" -t 60 wait "$DOM//label:$(T "paused")"
    shot 06-paused-by-event
    virsh -q resume "$DOM" >/dev/null
    step "the resume shows" -t 60 wait "$DOM//label:$(T "running")" -- idle
    step "Check… answers: QEMU's user" click "$DOM//push button:$(M "_Check…")" \
        -- -t 60 text "$check::*" "QEMU" -- idle
    shot 07-doctor
    step "its Close closes it" click "$check::push button:$(M "_Close")" -- gone "$check::*"
    step "Unmount: the row says not mounted, and not automatically any more" -t 90 \
        click "$row>>push button:$(M "_Unmount")" \
        -- text "$row>>*" "$(T "Not mounted in the guest")" \
        -- text "$row>>*" "$(T "Not mounted automatically (unmounted by hand)")" -- idle
    shot 08-unmounted
    check "unmount: the guest has /mnt/gui unmounted" gnot_mounted /mnt/gui virtiofs
    step "Check… finds the share not mounted, with the folder's name" \
        click "$DOM//push button:$(M "_Check…")" -- -t 60 wait "$check::$docs>>push button:$(M "_Mount")" -- idle
    shot 08b-doctor-not-mounted
    step "its Mount fixes it" -t 90 click "$check::$docs>>push button:$(M "_Mount")" \
        -- gone "$check::$docs>>push button:$(M "_Mount")" -- idle
    shot 08c-doctor-fixed
    step "Close; the row says mounted again, the mark is gone" \
        click "$check::push button:$(M "_Close")" -- gone "$check::*" \
        -- -t 60 text "$row>>*" "$(F "Mounted in the guest at %s" /mnt/gui)" \
        -- no-text "$row>>*" "$(T "Not mounted automatically (unmounted by hand)")"
    app_quit
    check "the Check's Fix: the guest has /mnt/gui mounted again" gmounted /mnt/gui virtiofs
    TAG=$(virsh -q dumpxml "$DOM" | python3 -c '
import sys, xml.etree.ElementTree as ET
for fs in ET.parse(sys.stdin).getroot().iter("filesystem"):
    if fs.find("source").get("dir") == sys.argv[1]:
        print(fs.find("target").get("dir"))' "$docs")
    tap_diag "tag: $TAG"

    journey "virt-share umount (CLI) marks the share; Mount mounts it again and clears the mark; remove"
    app --connect qemu:///system
    step "the share is shown mounted" -t 60 text "$row>>*" "$(F "Mounted in the guest at %s" /mnt/gui)" -- idle
    shot 08d-before-cli-umount
    # The CLI unmounts while the window is open: the metadata event refreshes it.
    { "$VS" umount "$DOM" "$TAG"; vs_meta --live; } >"$ART/cli-umount.log" 2>&1
    step "the window shows the CLI's unmount and its mark" -t 60 \
        text "$row>>*" "$(T "Not mounted automatically (unmounted by hand)")" \
        -- text "$row>>*" "$(T "Not mounted in the guest")" -- idle
    shot 08e-cli-unmounted-marked
    step "Mount: mounted, the mark gone" -t 90 click "$row>>push button:$(M "_Mount")" \
        -- text "$row>>*" "$(F "Mounted in the guest at %s" /mnt/gui)" \
        -- no-text "$row>>*" "$(T "Not mounted automatically (unmounted by hand)")" -- idle
    shot 09-mounted-again
    { vs_meta --live && vs_meta --config || echo 'virsh metadata failed'; } >"$ART/mount-meta.log" 2>&1
    step "Remove… asks, naming the folder as it is" click "$row>>push button:$(M "_Remove…")" \
        -- text "!$win::label:*" "$docs is unmounted in the guest"
    shot 10-confirm-remove
    step "Remove: the row goes" -t 90 click "!$win::push button:$(M "_Remove")" -- gone "$row>>*" -- idle
    shot 11-removed
    app_quit
    tap_diag "$(cat "$ART/cli-umount.log")"
    check "the CLI umount recorded automount=\"no\" (what the window showed as the mark)" \
        grep -Eq "automount=.no." "$ART/cli-umount.log"
    meta_read() { [ -s "$ART/mount-meta.log" ] && ! grep -q "virsh metadata failed" "$ART/mount-meta.log"; }
    mark_gone() { meta_read && ! grep -q automount "$ART/mount-meta.log"; }
    check "after the window's Mount the records are kept" grep -q "tag=.$TAG." "$ART/mount-meta.log"
    check "and the mark is gone from them (what the window showed)" mark_gone
    check "removed: not mounted in the guest" gnot_mounted /mnt/gui virtiofs
    check "removed: gone from the running domain" not_in_xml
    check "removed: gone from the definition" not_in_xml --inactive

    journey "9p: a refused folder, then restart later (pending), then restart now; the Check's ACL Fix"
    p9=$SHARES/p9
    mkdir -m 777 "$p9"
    echo "9p file" >"$p9/f.txt"
    chmod 644 "$p9/f.txt"
    app --connect qemu:///system
    stall_start
    # idle first: a row rebuilt by the first reads would take the click with it
    step "Share a Folder…, a folder that does not exist: refused, the form stays" -t 60 \
        idle -- click "$DOM//push button:$(M "_Share a Folder…")" -- wait "$share::push button:$(M "_Review…")" \
        -- set "$share::text:$(M "_Folder")" "$SHARES/no-such-folder" \
        -- click "$share::push button:$(M "_Review…")" -- text "$share::label:*" "no-such-folder" \
        -- wait "$share::push button:$(M "_Review…")"
    shot 12-refused-folder
    share_9p() {   # share_9p FOLDER MNT: the form filled, 9p picked by keyboard, reviewed
        step "the form: $1, 9p (keyboard), $2; Review… asks for a restart" \
            set "$share::text:$(M "_Folder")" "$1" \
            -- set "$share::text:$(M "Mount _point in the guest (empty: the same path)")" "$2" \
            -- tab-to "$share::combo box:$(M "_Driver")" -- key space Down Down Return \
            -- text "$share::combo box:$(M "_Driver")" 9p \
            -- click "$share::push button:$(M "_Review…")" \
            -- -t 60 text "$share::label:*" "$(F "%s needs a restart of the running VM: restart now?" 9p)"
    }
    share_9p "$p9" /mnt/p9
    shot en-05-restart-question
    step "Share, Restart Later: pending restart" -t 90 click "$share::push button:$(M "Share, Restart _Later")" \
        -- gone "$share::*" -- text "$DOM//list:$DOM" "$(T "Pending restart: the VM sees it after a restart")" -- idle
    shot 14-pending-restart
    step "Remove… and Remove: the pending share goes" -t 90 click "$p9 → >>push button:$(M "_Remove…")" \
        -- click "!$win::push button:$(M "_Remove")" -- gone "$p9 → >>*" -- idle
    step "Share a Folder… again" click "$DOM//push button:$(M "_Share a Folder…")" \
        -- wait "$share::push button:$(M "_Review…")"
    share_9p "$p9" /mnt/p9
    step "Share and Restart Now: the dialog closes" click "$share::push button:$(M "Share and _Restart Now")" \
        -- gone "$share::*"
    shot 15-restarting
    step "after the restart the 9p share is mounted" -t 240 \
        text "$DOM//list:$DOM" "$(F "Mounted in the guest at %s" /mnt/p9)" -- idle
    stall_max 5
    shot 16-9p-mounted-after-restart
    # Closed to QEMU's user (as a chmod by someone else would), for the Check to find.
    chmod 700 "$p9"
    tap_diag "closed to QEMU (chmod 700), the guest read: $(g /bin/cat /mnt/p9/f.txt 2>&1 || echo refused)"
    step "Check… finds the folder QEMU cannot read, offers Fix" click "$DOM//push button:$(M "_Check…")" \
        -- -t 60 wait "$check::push button:$(M "_Fix")" -- idle
    shot 17-doctor-folder-read
    step "Fix: the finding goes" -t 60 click "$check::push button:$(M "_Fix")" \
        -- gone "$check::push button:$(M "_Fix")" -- idle
    shot 18-doctor-acl-fixed
    step "Close" click "$check::push button:$(M "_Close")" -- gone "$check::*"
    stall_stop
    app_quit
    SRC_PATTERN=$p9
    check "9p restarted now: mounted in the guest" gmounted /mnt/p9 9p
    check "after the Check's Fix the guest reads the file again (folder still mode 700)" \
        test "$(g /bin/cat /mnt/p9/f.txt)" = "9p file"
    # An ACL shows its mask in the group bits: owner and others tell a chmod.
    mode=$(stat -c %a "$p9")
    check "the Fix added an ACL entry, no chmod (mode $mode: owner rwx, others nothing)" \
        test "${mode:0:1}${mode:2:1}" = 70
    check "9p: in the definition" in_xml --inactive

    # In German: the restart question and the window's Restart VM.
    ui_lang de
    win=$(T "Shared Folders")
    share=$(F "Share a Folder with %s" "$DOM")
    journey "in German: a second 9p share, restart later, then the window's Restart VM…"
    p9b=$SHARES/p9b
    mkdir -m 777 "$p9b"
    echo "9p b" >"$p9b/f.txt"
    chmod 644 "$p9b/f.txt"
    boot_before=$(lab_boot_id "$DOM") || boot_before=
    app --connect qemu:///system
    stall_start
    step "Share a Folder… opens the dialog" -t 60 idle -- click "$DOM//push button:$(M "_Share a Folder…")" \
        -- wait "$share::push button:$(M "_Review…")"
    share_9p "$p9b" /mnt/p9b
    shot de-05-restart-question
    step "Share, Restart Later: the window offers Restart VM…" -t 90 \
        click "$share::push button:$(M "Share, Restart _Later")" -- gone "$share::*" \
        -- wait "$DOM//push button:$(M "_Restart VM…")" -- idle
    shot 18a-restart-vm-offered
    step "Restart VM… asks, Cancel the default" click "$DOM//push button:$(M "_Restart VM…")" \
        -- wait "!$win::push button:$(M "_Restart")" -- wait "!$win::push button:$(M "_Cancel")"
    shot de-05b-restart-vm-question
    step "Restart: the guest restarts, both 9p shares mounted, Restart VM… gone" -t 240 \
        click "!$win::push button:$(M "_Restart")" \
        -- text "$DOM//list:$DOM" "$(F "Mounted in the guest at %s" /mnt/p9b)" \
        -- gone "$DOM//push button:$(M "_Restart VM…")" -- idle
    stall_max 5
    shot 18c-restart-vm-done
    tap_diag "the guest read: $(g /bin/cat /mnt/p9b/f.txt 2>&1 | tee "$TMP/p9b-read")"
    step "Remove…: removed, gone when the VM stops; no Mount offered" -t 90 \
        click "$p9b → >>push button:$(M "_Remove…")" -- click "!$win::push button:$(M "_Remove")" \
        -- text "$DOM//list:$DOM" "$(T "Removed; gone when the VM stops")" \
        -- text "$p9b → >>*" "$(T "Not mounted in the guest")" -- idle \
        -- gone "$p9b → >>push button:$(M "_Mount")"
    shot 18d-p9b-removed-pending-stop
    stall_stop
    app_quit
    ui_lang en
    win=$(T "Shared Folders")
    share=$(F "Share a Folder with %s" "$DOM")
    check "Restart VM: the guest was restarted (new boot id)" lab_new_boot "$DOM" "$boot_before"
    check "Restart VM: the guest read the pending share's file" test "$(cat "$TMP/p9b-read")" = "9p b"
    check "Restart VM: the earlier 9p share is mounted again" gmounted /mnt/p9 9p
    SRC_PATTERN=$p9b
    check "Restart VM, then remove: unmounted in the guest" gnot_mounted /mnt/p9b
    check "Restart VM, then remove: gone from the definition" not_in_xml --inactive
    check "Restart VM, then remove: in the running VM until it stops (9p)" in_xml

    journey "shut off: the Check's finding about the domain, Start, then Mount"
    virsh -q destroy "$DOM" >/dev/null
    app --connect qemu:///system
    stall_start
    step "the window shows the VM shut off" -t 60 wait "$DOM//label:$(T "shut off")" -- idle
    shot 19-shut-off
    step "Check… finds the VM not running, offers Start" click "$DOM//push button:$(M "_Check…")" \
        -- -t 60 wait "$check::$DOM>>push button:$(M "_Start")" -- idle
    shot 20-doctor-not-running
    step "Start" click "$check::push button:$(M "_Start")"
    shot 21-doctor-starting
    step "the VM started, the Check offers Mount" -t 240 gone "$check::push button:$(M "_Start")" \
        -- wait "$check::push button:$(M "_Mount")" -- idle
    stall_max 5
    shot 22-doctor-started
    step "Mount: the finding goes" -t 90 click "$check::push button:$(M "_Mount")" \
        -- gone "$check::push button:$(M "_Mount")" -- idle
    shot 23-doctor-mounted
    step "Close; the window shows it mounted" click "$check::push button:$(M "_Close")" -- gone "$check::*" \
        -- -t 60 text "$DOM//list:$DOM" "$(F "Mounted in the guest at %s" /mnt/p9)"
    stall_stop
    app_quit
    check "the Check's Start: the domain runs again" \
        test "$(virsh -q domstate "$DOM" 2>/dev/null)" = running
    # The guest was started a minute ago: its agent may be reconnecting.
    check "then its Mount: the guest has /mnt/p9 mounted (9p)" gmounted_settled /mnt/p9 9p

    journey "an agent that does not answer: the window goes on, the failure is an error"
    app --connect qemu:///system
    stall_start
    step "the share is shown mounted" -t 60 text "$DOM//list:$DOM" "$(F "Mounted in the guest at %s" /mnt/p9)" -- idle
    shot 24-before-hang
    # qemu-ga stopped (SIGSTOP) for 40 s by a guest process of its own, which
    # the agent starts before it stops.
    lab_qga "$DOM" '{"execute":"guest-exec","arguments":{"path":"/bin/sh","arg":["-c",
        "sleep 1; p=$(pidof qemu-ga); kill -STOP $p; sleep 40; kill -CONT $p"]}}' >/dev/null
    sleep 2
    stall_max 5
    step "Unmount: the window says it is unmounting; Refresh still answers" \
        click "$p9 → >>push button:$(M "_Unmount")" -- text "$win::*" "$(T "Unmounting %s in %s…" | sed 's/ %s.*//')" \
        -- click "$win::push button:$(T "Refresh")"
    shot 25-agent-hung
    step "the unmount fails as an error dialog (the agent), Escape closes it" -t 150 \
        text "!$win::label:*" agent -- key Escape -- gone "!$win::*"
    stall_max 5
    lab_wait_agent "$DOM" 120 || tap_diag "the agent did not come back in 120 s"
    step "agent back: Refresh shows the share still mounted" -t 150 click "$win::push button:$(T "Refresh")" \
        -- -t 60 text "$DOM//list:$DOM" "$(F "Mounted in the guest at %s" /mnt/p9)" -- idle
    stall_max 5
    shot 26-agent-back
    stall_stop
    app_quit
    check "agent back: /mnt/p9 still mounted (nothing was changed)" gmounted /mnt/p9 9p
}

if [[ " $PARTS " == *" lab "* ]]; then
    t0=$(date +%s)
    lab_part
    tap_diag "(lab part: $(( $(date +%s) - t0 )) s)"
fi

tap_diag "GUI test: $(( $(date +%s) - START )) s; screenshots in $ART: $(cd "$ART" && echo ./*.png)"
tap_done
