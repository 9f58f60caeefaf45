#!/usr/bin/env bash
# The whole test suite, from a clean checkout on Debian 12, as root:
#   build deps -> shellcheck -> build -> unit tests (make check, then again under ASan+UBSan:
#   make check-asan) -> make distcheck ->
#   lab (libvirtd + TCG guest with qemu-ga) -> end-to-end tests -> teardown ->
#   the desktop program's end-to-end test (tests/gui/run.sh, Xvfb) ->
#   the demo next to libvirt daemons the lab did not start (tests/lab/coexist.sh) ->
#   the Debian packages: build, lintian, install, check, purge (tests/pkg/deb.sh).
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"

if [ "$(id -u)" -ne 0 ]; then
    echo "run-all: needs root (it installs packages and starts libvirtd)" >&2
    exit 1
fi

bash tests/build-deps.sh
bash tests/shellcheck.sh          # every shell script in the tree
[ -x configure ] || ./autogen.sh >/dev/null
[ -f Makefile ] || ./configure -q
make -j"$(nproc)"
make -j"$(nproc)" check || { cat tests/*.log 2>/dev/null | tail -100; exit 1; }
make -j"$(nproc)" check-asan     # the unit tests again under ASan+UBSan
make distcheck
make check-e2e
# The desktop program under Xvfb against the lab (when configure built it).
if [ -x plugin/desktop/virt-share-desktop ]; then make check-gui; fi
bash tests/lab/coexist.sh
# Last: the packages install a libvirt hook, which libvirtd would run for
# every start of the lab's domains; after the lab is torn down it meets none.
bash tests/pkg/deb.sh
