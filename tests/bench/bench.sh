#!/usr/bin/env bash
# The whole benchmark in one command, from a clean checkout (Debian 12, as root):
#   sudo bash tests/bench/bench.sh
# build deps, build, then on each host stack of the lab (BENCH_STACKS; by
# default the host's libvirt, plus the libvirt 11 stack where the lab has one):
# lab setup, tests/bench/run.sh, teardown.  Prints the ratios, writes
# bench-results.json at the top of the tree.  Holds the lab lock
# (/tmp/vs-lab.lock) throughout: it boots guests on a shared machine.  The
# lock is taken with flock -o: the lock's descriptor is closed before the
# benchmark runs, so no daemon or guest it starts keeps the lab locked.
# Already holding the lock (flock -o ... env VS_LAB_LOCKED=1 bench.sh): say so
# with VS_LAB_LOCKED=1, or this waits for the lock it holds.
# Env: see run.sh (RUNS, DOMAINS, GUESTS, BENCH_SECTIONS, ...); BENCH_NO_BUILD=1.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$top"
[ "$(id -u)" -eq 0 ] || { echo "bench: needs root (packages, libvirtd, /dev/kvm staging)" >&2; exit 1; }
if [ -z "${VS_LAB_LOCKED:-}" ]; then
    exec env VS_LAB_LOCKED=1 flock -o -w 3600 /tmp/vs-lab.lock bash "$0" "$@"
fi
if [ -z "${BENCH_NO_BUILD:-}" ]; then
    bash tests/build-deps.sh
    [ -x configure ] || ./autogen.sh >/dev/null
    [ -f Makefile ] || ./configure -q
    make -j"$(nproc)" >/dev/null
fi
stacks=${BENCH_STACKS:-host}
if [ -z "${BENCH_STACKS:-}" ] && [ -f tests/lab/stack-trixie.sh ]; then stacks+=" trixie"; fi
results=$top/bench-results.jsonl
: >"$results"
t0=$(date +%s)
rc=0
for stack in $stacks; do
    lab_env=()
    [ "$stack" = host ] || lab_env=(VS_LAB_STACK="$stack")
    echo "######## stack: $stack"
    if ! env "${lab_env[@]}" bash tests/lab/setup.sh; then
        echo "bench: lab setup failed for stack $stack" >&2; rc=1; continue
    fi
    env "${lab_env[@]}" BENCH_STACK="$stack" BENCH_RESULTS="$results" \
        VIRT_SHARE="${VIRT_SHARE:-$top/src/virt-share}" bash tests/bench/run.sh || rc=1
    env "${lab_env[@]}" bash tests/lab/teardown.sh || true
done
# the verdict: goals not met or results missing fail the benchmark
python3 tests/bench/report.py "$results" "$top/bench-results.json" || rc=1
echo "bench: $(($(date +%s) - t0)) s"
exit "$rc"
