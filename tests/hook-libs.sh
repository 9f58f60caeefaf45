#!/usr/bin/env bash
# The hook must never call libvirt (the daemon waits for the hook), so it
# links only the base library (libvsbase.a) and not libvirt: checked on the
# binary (its imports and its NEEDED entries) and on the base archive (no
# undefined vir* symbol, so nothing in it can pull libvirt in).  The CLI and
# the libvirt layer (libvsvirt.a) are the controls: the same reading finds
# libvirt there.
set -uo pipefail
HOOK=${VIRT_SHARE_HOOK:?}
CLI=${VIRT_SHARE:?}
BUILDDIR=${VS_BUILDDIR:?}
NM=${NM:-nm}
READELF=${READELF:-readelf}
# shellcheck source=tap.sh
. "$(dirname "${BASH_SOURCE[0]}")/tap.sh"

for tool in "$NM" "$READELF"; do
    command -v "$tool" >/dev/null || tap_bail "needs $tool (binutils)"
done

# The vir* symbols a binary imports, one a line.
imports_vir() { "$NM" -D --undefined-only "$1" | awk '{print $2}' | grep '^vir'; }
# The libvirt libraries a binary names in its NEEDED entries.
needs_libvirt() { "$READELF" -d "$1" | grep NEEDED | grep -i 'libvirt'; }
# The vir* symbols an archive's objects use but do not define.
archive_vir() { "$NM" -A --undefined-only "$1" | awk '{print $NF}' | grep '^vir'; }
quiet() { "$@" >/dev/null; }

if syms=$(imports_vir "$HOOK"); then
    tap_not_ok "the hook imports no vir* symbol" "$syms"
else
    tap_ok "the hook imports no vir* symbol"
fi
if libs=$(needs_libvirt "$HOOK"); then
    tap_not_ok "the hook is not linked against libvirt" "$libs"
else
    tap_ok "the hook is not linked against libvirt"
fi
if syms=$(archive_vir "$BUILDDIR/src/core/libvsbase.a"); then
    tap_not_ok "the base library uses no vir* symbol" "$(sort -u <<<"$syms")"
else
    tap_ok "the base library uses no vir* symbol"
fi

# Controls: the readings above would see libvirt where it is.
tap_check "control: the CLI imports vir* symbols" quiet imports_vir "$CLI"
tap_check "control: the CLI is linked against libvirt" quiet needs_libvirt "$CLI"
tap_check "control: the libvirt layer uses vir* symbols" \
    quiet archive_vir "$BUILDDIR/src/core/libvsvirt.a"
tap_done
