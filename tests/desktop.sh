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
tap_check "the launcher carries the German translation" grep -q '^Name\[de\]=' "$dir/$DESKTOP_ID.desktop"
tap_check "the metainfo carries the German translation" grep -q '<summary xml:lang="de">' \
    "$dir/$DESKTOP_ID.metainfo.xml"
out=$(env -u DISPLAY -u WAYLAND_DISPLAY "$VIRT_SHARE_DESKTOP" --help 2>&1)
tap_check "virt-share-desktop --help works without a display and lists --connect" \
    grep -q -- "--connect" <<<"$out"
tap_done
