#!/usr/bin/env bash
# The watcher unit exactly as `make install` writes it: systemd-analyze verify
# must accept it (ExecStart substituted and executable, no unknown setting),
# and its hardening must not regress (offline exposure at most 1.5; 9.6 before).
# The user unit too (verify, session URI, no daemon spawned).
set -uo pipefail
# shellcheck source=tap.sh
. "$(dirname "${BASH_SOURCE[0]}")/tap.sh"
: "${VS_BUILDDIR:?set by make check}"
if ! command -v systemd-analyze >/dev/null; then
    tap_skip "watcher unit" "systemd-analyze not installed"
    tap_done
fi

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
${MAKE:-make} -s -C "$VS_BUILDDIR" DESTDIR="$root" install-binPROGRAMS install-systemdsystemunitDATA >/dev/null ||
    tap_bail "make install of the binary and the unit failed"
unit=$(find "$root" -name virt-share-watch.service)
[ -n "$unit" ] || tap_bail "make install wrote no virt-share-watch.service"

# verify --root looks units up in the root's search path (a distcheck prefix
# is not in it: the installed file is copied to /etc/systemd/system), and the
# targets the unit names too: lend it the host's.
mkdir -p "$root/usr/lib/systemd/system" "$root/etc/systemd/system"
for t in sysinit basic shutdown multi-user; do
    cp -L "/usr/lib/systemd/system/$t.target" "$root/usr/lib/systemd/system/"
done
cp "$unit" "$root/etc/systemd/system/"
unit=$root/etc/systemd/system/virt-share-watch.service

# Warnings (unknown keys, bad values) do not change verify's exit status.
if out=$(systemd-analyze verify --man=no --root="$root" "$unit" 2>&1) && [ -z "$out" ]; then
    tap_ok "systemd-analyze verify accepts the installed unit"
else
    tap_not_ok "systemd-analyze verify accepts the installed unit" "$out"
fi
out=$(systemd-analyze security --offline=yes --root="$root" --threshold=15 "$unit" 2>&1)
rc=$?
level=$(sed -n 's/^.*Overall exposure level for [^:]*: \([0-9.]* [A-Z]*\).*$/\1/p' <<<"$out")
if [ "$rc" -eq 0 ]; then
    tap_ok "hardened: systemd-analyze security exposure ${level:-?} (at most 1.5)"
else
    tap_not_ok "hardened: systemd-analyze security exposure ${level:-?} (at most 1.5)" "$out"
fi
tap_check "no Wants= on a libvirt daemon" \
    bash -c '! grep -q "^Wants=.*\(libvirtd\|virtqemud\)" "$1"' _ "$unit"
tap_check "ordered after both libvirtd and virtqemud" \
    bash -c 'grep "^After=" "$1" | grep -q libvirtd && grep "^After=" "$1" | grep -q virtqemud' _ "$unit"

# The user unit, as `make install` writes it into systemduserunitdir.
${MAKE:-make} -s -C "$VS_BUILDDIR" DESTDIR="$root/user" install-systemduserunitDATA >/dev/null ||
    tap_bail "make install of the user unit failed"
uunit=$(find "$root/user" -name virt-share-watch.service)
# ExecStart must name an executable: the installed path may not exist yet.
sed -i "s|^ExecStart=[^ ]*virt-share |ExecStart=$VS_BUILDDIR/src/virt-share |" "$uunit"
if out=$(XDG_RUNTIME_DIR=$root systemd-analyze --user verify --man=no "$uunit" 2>&1) && [ -z "$out" ]; then
    tap_ok "systemd-analyze --user verify accepts the user unit"
else
    tap_not_ok "systemd-analyze --user verify accepts the user unit" "$out"
fi
tap_check "the user unit watches qemu:///session" grep -q "^ExecStart=.* --connect qemu:///session watch$" "$uunit"
tap_check "the user unit never spawns the session daemon (LIBVIRT_AUTOSTART=0)" \
    grep -qx "Environment=LIBVIRT_AUTOSTART=0" "$uunit"
tap_done
