#!/usr/bin/env bash
# The end-to-end suite on each host stack of the lab, one after the other:
# VS_LAB_STACK=S tests/lab/setup.sh, the stack's scripts of tests/e2e/, then
# tests/lab/teardown.sh.  VS_LAB_STACKS picks the stacks (default "host
# trixie": libvirt 9.0 / QEMU 7.2 and libvirt 11 / QEMU 10 / Rust virtiofsd,
# see tests/lab/lib.sh).  Scripts, on each stack: run.sh (busybox guest),
# session.sh (a user's qemu:///session daemon: this host's libvirt 9.0, or
# libvirt 11 in the trixie root), remote.sh (qemu+ssh:// to this host, or to
# the trixie root), distro.sh (Debian 13 guest with systemd,
# tests/lab/distro.sh), setuid.sh (what the guest's root leaves
# in a share is no setuid program or device for host users) and ansible.sh
# (the Ansible collection: localhost and remote.sh's remote host).  VS_E2E ("run distro", ...) keeps only the scripts it
# names; a stack left with none is not set up.  Each check's name carries its stack (and
# guest); the timings are printed per stack and guest; the last line totals
# all stacks.  Run as root, under the lab lock.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)

# scripts_of: the scripts of tests/e2e/ to run (the same on every stack), in order.
scripts_of() {
    local all=(run session remote distro setuid ansible) s
    for s in "${all[@]}"; do
        case " ${VS_E2E:-${all[*]}} " in *" $s "*) printf '%s ' "$s" ;; esac
    done
}
for t in ${VS_E2E:-}; do
    case $t in
        run | session | remote | distro | setuid | ansible) ;;
        *) echo "stacks: E2E='$VS_E2E': '$t' is none of run, session, remote, distro, setuid, ansible" >&2; exit 2 ;;
    esac
done

passed=0 failed=0 skipped=0 times=()
for stack in ${VS_LAB_STACKS:-host trixie}; do
    scripts=$(scripts_of)
    [ -n "$scripts" ] || { echo "# ==== stack $stack: none of E2E='$VS_E2E' runs here"; continue; }
    # The Debian 13 guest image is built (once, cached) only when it is used.
    guests=busybox
    case " $scripts " in *" distro "*) guests="busybox debian13" ;; esac
    log=$(mktemp)
    t0=$(date +%s)
    echo "# ==== stack $stack: setup ($guests)"
    if VS_LAB_STACK=$stack VS_LAB_GUESTS=$guests bash "$top/tests/lab/setup.sh"; then
        # A script that stops before its summary line (setup error) counts
        # as a failure, not as nothing.
        for t in $scripts; do
            echo "# ==== stack $stack: tests/e2e/$t.sh"
            t1=$(date +%s)
            VS_LAB_STACK=$stack bash "$here/$t.sh" | tee "$log.one"
            rc=${PIPESTATUS[0]}
            if ! grep -Eq '^[0-9]+ passed, [0-9]+ failed' "$log.one"; then
                echo "not ok - [$stack] tests/e2e/$t.sh ended (status $rc) without its summary"
                echo "0 passed, 1 failed"
            fi
            echo "# ($stack) tests/e2e/$t.sh took $(($(date +%s) - t1)) s"
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
    times+=("# $stack: $p passed, $f failed, $s skipped in $(($(date +%s) - t0)) s (setup, suites, teardown)")
    grep -E '^# \(.*\) tests/e2e/.* took ' "$log" | sed 's/^# /#   /' >"$log.t"
    # each script's block: its "Timings on" line and the indented lines under it
    awk '/^# Timings on/ { b = 1; print; next } b && /^#   / { print; next } { b = 0 }' "$log" >>"$log.t"
    [ -s "$log.t" ] && times+=("$(cat "$log.t")")
    rm -f "$log" "$log.t"
done
echo "# ==== all stacks"
printf '%s\n' "${times[@]}"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
