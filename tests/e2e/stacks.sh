#!/usr/bin/env bash
# The end-to-end suite on each host stack of the lab, one after the other:
# VS_LAB_STACK=S tests/lab/setup.sh, tests/e2e/run.sh (on the host stack also
# session.sh and remote.sh, or the scripts VS_E2E names), tests/lab/teardown.sh.
# VS_LAB_STACKS picks them (default "host trixie": libvirt 9.0 / QEMU 7.2 and
# libvirt 11 / QEMU 10 / Rust virtiofsd, see tests/lab/lib.sh).  Each check's
# name carries its stack; the last line totals all stacks.  Run as root,
# under the lab lock.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)

passed=0 failed=0 skipped=0 times=()
for stack in ${VS_LAB_STACKS:-host trixie}; do
    log=$(mktemp)
    t0=$(date +%s)
    echo "# ==== stack $stack: setup"
    if VS_LAB_STACK=$stack bash "$top/tests/lab/setup.sh"; then
        # qemu:///session (a user of this host) and qemu+ssh:// (this host's
        # sshd) are tested against the host stack only.
        scripts=run
        [ "$stack" = host ] && scripts=${VS_E2E:-run session remote}
        # A script that stops before its summary line (setup error) counts
        # as a failure, not as nothing.
        for t in $scripts; do
            echo "# ==== stack $stack: tests/e2e/$t.sh"
            VS_LAB_STACK=$stack bash "$here/$t.sh" | tee "$log.one"
            rc=${PIPESTATUS[0]}
            if ! grep -Eq '^[0-9]+ passed, [0-9]+ failed' "$log.one"; then
                echo "not ok - [$stack] tests/e2e/$t.sh ended (status $rc) without its summary"
                echo "0 passed, 1 failed"
            fi
        done | tee "$log"
        rm -f "$log.one"
    else
        echo "not ok - [$stack] the lab did not set up (see above)"
        echo "0 passed, 1 failed" >"$log"
    fi
    VS_LAB_STACK=$stack bash "$top/tests/lab/teardown.sh"
    read -r p f s < <(awk '/^[0-9]+ passed, [0-9]+ failed/ { p += $1; f += $3; s += ($5 == "" ? 0 : $5) }
        END { print p + 0, f + 0, s + 0 }' "$log")
    passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
    times+=("$stack: $p passed, $f failed, $s skipped in $(($(date +%s) - t0)) s (setup, suite, teardown)")
    grep -A12 '^# Timings on' "$log" | grep '^#' >"$log.t"; times+=("$(cat "$log.t")")
    rm -f "$log" "$log.t"
done
echo "# ==== all stacks"
printf '# %s\n' "${times[@]}"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
