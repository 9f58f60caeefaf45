#!/usr/bin/env bash
# The benchmark from a clean checkout, in one command (Debian 12, as root):
# build deps, build, lab, benchmark (tests/bench/run.sh), teardown.
# Prints the table and writes bench-results.json at the top of the tree.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$top"
[ "$(id -u)" -eq 0 ] || { echo "bench: needs root (packages, libvirtd)" >&2; exit 1; }
bash tests/build-deps.sh
[ -x configure ] || ./autogen.sh >/dev/null
[ -f Makefile ] || ./configure -q
make -j"$(nproc)" >/dev/null
make bench
