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

domain "$tmp/missing" | "$HOOK" bad stopped end - >/dev/null 2>&1; rc=$?
tap_check "other operations are not judged" test "$rc" -eq 0
domain "$tmp/missing" | "$HOOK" bad prepare end - >/dev/null 2>&1; rc=$?
tap_check "prepare end is not judged" test "$rc" -eq 0

echo "not xml" | "$HOOK" junk prepare begin - >/dev/null 2>&1; rc=$?
tap_check "unparsable XML does not block a start" test "$rc" -eq 0

"$HOOK" >/dev/null 2>&1; rc=$?
tap_check "no arguments: usage error" test "$rc" -eq 2

tap_done
