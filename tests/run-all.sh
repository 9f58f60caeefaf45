#!/usr/bin/env bash
# The whole test suite, from a clean checkout on Debian 12, as root:
#   build deps -> shellcheck -> build -> unit tests (make check, then again under ASan+UBSan:
#   make check-asan) -> make distcheck ->
#   lab (libvirtd + TCG guest with qemu-ga) -> end-to-end tests -> teardown ->
#   the desktop program's end-to-end test (tests/gui/run.sh, Xvfb) ->
#   the demo next to libvirt daemons the lab did not start (tests/lab/coexist.sh) ->
#   the Debian packages: build, lintian, install, check, purge (tests/pkg/deb.sh) ->
#   those packages installed in Debian roots booted with systemd as PID 1
#   (tests/e2e/installed.sh: units, hook, watcher, user unit, purge).
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"

if [ "$(id -u)" -ne 0 ]; then
    echo "run-all: needs root (it installs packages and starts libvirtd)" >&2
    exit 1
fi

# part NAME CMD...: run one part, and note its minutes for the summary that
# is printed at the end, whether the run passes or fails.
parts=()
minutes() { printf '%d.%d' "$(($1 / 60))" "$(($1 % 60 * 10 / 60))"; }   # SECONDS -> "M.m"
part() {
    local name=$1 t0=$SECONDS rc=0
    shift
    "$@" || rc=$?
    parts+=("$(printf '%-34s %5s min%s' "$name" "$(minutes $((SECONDS - t0)))" \
        "$([ "$rc" -eq 0 ] || echo "  (failed: exit $rc)")")")
    return "$rc"
}
summary() {
    local p
    echo "== run-all: minutes per part (total $(minutes "$SECONDS") min)"
    for p in "${parts[@]}"; do echo "  $p"; done
}
debs=$(mktemp -d)
trap 'summary; rm -rf "$debs"' EXIT

part "build dependencies" bash tests/build-deps.sh
part "shellcheck" bash tests/shellcheck.sh          # every shell script in the tree
[ -x configure ] || ./autogen.sh >/dev/null
[ -f Makefile ] || ./configure -q
part "build" make -j"$(nproc)"
part "make check" make -j"$(nproc)" check || { cat tests/*.log 2>/dev/null | tail -100; exit 1; }
part "make check-asan" make -j"$(nproc)" check-asan     # the unit tests again under ASan+UBSan
part "make distcheck" make distcheck
part "end-to-end (both stacks)" make check-e2e
# The desktop program under Xvfb against the lab (when configure built it).
if [ -x plugin/desktop/virt-share-desktop ]; then part "desktop program (Xvfb)" make check-gui; fi
part "coexist (other daemons)" bash tests/lab/coexist.sh
# Last: the packages install a libvirt hook, which libvirtd would run for
# every start of the lab's domains; after the lab is torn down it meets none.
part "Debian packages" env VS_DEB_KEEP="$debs" bash tests/pkg/deb.sh
# The same packages, installed as a system with systemd as PID 1 runs them
# (containers of its own: nothing on this host is touched).
part "installed system (systemd-nspawn)" env VS_INSTALLED_DEBS="$debs" bash tests/e2e/installed.sh
