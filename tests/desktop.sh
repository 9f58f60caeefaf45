#!/usr/bin/env bash
# The desktop program's launcher and AppStream metadata are valid and carry
# the translations, and the program answers --help without a display.  Run
# by make check when the desktop program is built; the validators come from
# desktop-file-utils and appstream.
set -uo pipefail
# shellcheck source=tap.sh
. "$(dirname "${BASH_SOURCE[0]}")/tap.sh"
dir=plugin/desktop

validate() {   # validate NAME TOOL ARGS...: the tool's complaints as diagnostics
    local name=$1 out
    shift
    if out=$("$@" 2>&1); then tap_ok "$name"; else tap_not_ok "$name" "$out"; fi
}

if [ -n "${DESKTOP_FILE_VALIDATE:-}" ]; then
    validate "desktop-file-validate $DESKTOP_ID.desktop" \
        "$DESKTOP_FILE_VALIDATE" "$dir/$DESKTOP_ID.desktop"
else
    tap_skip "desktop-file-validate" "not found (install desktop-file-utils)"
fi
if [ -n "${APPSTREAMCLI:-}" ]; then
    validate "appstreamcli validate $DESKTOP_ID.metainfo.xml" \
        "$APPSTREAMCLI" validate --no-net "$dir/$DESKTOP_ID.metainfo.xml"
else
    tap_skip "appstreamcli validate" "not found (install appstream)"
fi
# The program's own icon: named by the application id, as hicolor wants it.
icon=${TEST_DATA_DIR:?}/../../$dir/$DESKTOP_ID.svg
tap_check "the launcher names the application's icon ($DESKTOP_ID)" \
    grep -qx "Icon=$DESKTOP_ID" "$dir/$DESKTOP_ID.desktop"
tap_check "the metainfo names the application's icon ($DESKTOP_ID)" \
    grep -q "<icon type=\"stock\">$DESKTOP_ID</icon>" "$dir/$DESKTOP_ID.metainfo.xml"
tap_check "the icon $DESKTOP_ID.svg is a well-formed SVG" python3 -c '
import sys, xml.etree.ElementTree as ET
sys.exit(ET.parse(sys.argv[1]).getroot().tag != "{http://www.w3.org/2000/svg}svg")' "$icon"
tap_check "the launcher carries the German translation" grep -q '^Name\[de\]=' "$dir/$DESKTOP_ID.desktop"
tap_check "the metainfo carries the German translation" grep -q '<summary xml:lang="de">' \
    "$dir/$DESKTOP_ID.metainfo.xml"
# Every message of the program, as its sources have it now, has a German
# translation that is not fuzzy (a new or changed string fails here until
# po/de.po catches up: make -C po update-po, then translate): its own, and
# the core's that it shows (the doctor's findings, the operations' progress
# and errors).
src=${TEST_DATA_DIR:?}/../..
if command -v xgettext >/dev/null && command -v msgmerge >/dev/null; then
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    (cd "$src" && xgettext -L C --from-code=UTF-8 --keyword=_ --keyword=N_ --keyword=ngettext:1,2 \
        -o "$tmp/desktop.pot" plugin/desktop/*.c src/core/vs-doctor.c src/core/vs-perm.c \
        src/core/vs-status.c src/core/vs-op.c src/core/vs-run.c src/core/vs-guest.c) &&
        msgmerge -q "$src/po/de.po" "$tmp/desktop.pot" -o "$tmp/de.po"
    left=$( { msgattrib --no-wrap --untranslated "$tmp/de.po"; msgattrib --no-wrap --only-fuzzy "$tmp/de.po"; } |
            grep '^msgid "..*"$')
    if [ -s "$tmp/de.po" ] && [ -z "$left" ]; then
        tap_ok "every message of the desktop program is translated into German"
    else
        tap_not_ok "every message of the desktop program is translated into German" "$left"
    fi
else
    tap_skip "German translation of every message" "no xgettext/msgmerge (install gettext)"
fi
# The connections: virt-manager's own list (its GSettings key, here from a
# copy of its schema with a list as default, read through the memory
# backend), then the default, the session and the system connection, each once.
conns() { env -u DISPLAY -u WAYLAND_DISPLAY "$VIRT_SHARE_DESKTOP" --print-connections "$@" | paste -sd'|'; }
vmdir=$(mktemp -d)
cat >"$vmdir/org.virt-manager.virt-manager.gschema.xml" <<'EOF2'
<?xml version="1.0" encoding="UTF-8"?>
<schemalist>
  <schema id="org.virt-manager.virt-manager.connections"
          path="/org/virt-manager/virt-manager/connections/">
    <key type="as" name="uris">
      <default>['qemu+ssh://root@vmhost/system', 'qemu:///system']</default>
    </key>
    <key type="as" name="autoconnect">
      <default>[]</default>
    </key>
  </schema>
</schemalist>
EOF2
if command -v glib-compile-schemas >/dev/null && glib-compile-schemas "$vmdir"; then
    out=$(GSETTINGS_SCHEMA_DIR=$vmdir GSETTINGS_BACKEND=memory conns)
    tap_check "connections: virt-manager's first, then default, session, system, each once ($out)" \
        test "$out" = "qemu+ssh://root@vmhost/system|qemu:///system||qemu:///session"
else
    tap_skip "connections from virt-manager's GSettings" "no glib-compile-schemas (libglib2.0-bin)"
fi
rm -rf "$vmdir"
out=$(GSETTINGS_SCHEMA_DIR=/nonexistent XDG_DATA_DIRS=/nonexistent GSETTINGS_BACKEND=memory conns)
tap_check "connections without virt-manager: default, session, system ($out)" \
    test "$out" = "|qemu:///session|qemu:///system"
out=$(conns --connect test:///default -c qemu:///system -c test:///default)
tap_check "connections: --connect replaces the list ($out)" \
    test "$out" = "test:///default|qemu:///system"
# The GUI test drives the program from outside (AT-SPI): it has no script
# interpreter of its own.
tap_check "the program has no --self-test" \
    test "$(env -u DISPLAY -u WAYLAND_DISPLAY "$VIRT_SHARE_DESKTOP" --self-test /dev/null 2>&1 |
            grep -c 'Unknown option --self-test')" = 1
out=$(env -u DISPLAY -u WAYLAND_DISPLAY "$VIRT_SHARE_DESKTOP" --help 2>&1)
tap_check "virt-share-desktop --help works without a display and lists --connect" \
    grep -q -- "--connect" <<<"$out"
tap_done
