#!/usr/bin/env bash
# Run the libFuzzer targets of a build configured with --enable-fuzzing, one
# after the other (one process: the machine's cores are shared), each for
# SECONDS (default 120).  New interesting inputs go to BUILDDIR/tests/fuzz/work/
# (not into git); crashes to BUILDDIR/tests/fuzz/artifacts/TARGET/.
# Usage: tests/fuzz/run.sh BUILDDIR [SECONDS] [TARGET...]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
[ $# -ge 1 ] || { echo "usage: run.sh BUILDDIR [SECONDS] [TARGET...]" >&2; exit 2; }
build=$(cd "$1" && pwd); shift
secs=${1:-120}; [ $# -gt 0 ] && shift
if [ $# -eq 0 ]; then
    for f in "$build"/tests/fuzz/fuzz-*; do
        case $f in *.*) continue ;; esac
        if [ -x "$f" ]; then set -- "$@" "${f##*/fuzz-}"; fi
    done
fi
[ $# -gt 0 ] || { echo "run.sh: no fuzz-* binaries in $build/tests/fuzz (configure --enable-fuzzing CC=clang; make)" >&2; exit 1; }
rc=0
for t in "$@"; do
    work=$build/tests/fuzz/work/$t art=$build/tests/fuzz/artifacts/$t
    mkdir -p "$work" "$art"
    echo "== fuzz-$t for $secs s"
    # halt_on_error: UBSan findings count as crashes; detect_leaks: a leak
    # per reply would be a memory bound broken by a hostile guest.
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
        "$build/tests/fuzz/fuzz-$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$art/" "$work" "$here/corpus/$t" \
        >"$build/tests/fuzz/fuzz-$t.log" 2>&1 || { rc=1; echo "fuzz-$t: FAILED, see $build/tests/fuzz/fuzz-$t.log and $art/"; }
    grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb|^#[0-9]+.*DONE' "$build/tests/fuzz/fuzz-$t.log" || true
done
exit "$rc"
