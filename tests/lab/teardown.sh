#!/usr/bin/env bash
# Remove the lab's domains (vs-test-*, vs-demo-*: destroy, undefine, managed
# save), then stop the libvirtd and virtlogd that setup.sh started, by their
# recorded pid only.  Daemons the lab did not start are left alone.
# Usage: teardown.sh [--keep-daemons]
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

keep_daemons=false
case ${1:-} in
    --keep-daemons) keep_daemons=true ;;
    "") ;;
    *) echo "usage: teardown.sh [--keep-daemons]" >&2; exit 2 ;;
esac
rc=0

if virsh -c "$LAB_URI" version >/dev/null 2>&1; then
    mapfile -t doms < <(virsh -c "$LAB_URI" list --all --name | grep -E '^vs-(test|demo)-' || true)
    for d in "${doms[@]}"; do
        virsh -c "$LAB_URI" -q destroy "$d" >/dev/null 2>&1 || true
        # A transient domain is gone after destroy; a persistent one is undefined.
        if virsh -c "$LAB_URI" -q domstate "$d" >/dev/null 2>&1; then
            if virsh -c "$LAB_URI" -q undefine --managed-save "$d" >/dev/null; then
                log "removed domain $d"
            else
                rc=1
            fi
        else
            log "removed transient domain $d"
        fi
    done
elif ! $keep_daemons; then
    log "libvirtd does not answer: no domains removed"
fi
$keep_daemons && exit "$rc"

# stop_daemon NAME: SIGTERM the recorded pid (if it still runs /usr/sbin/NAME),
# wait up to 30 s, then SIGKILL.
stop_daemon() {
    local name=$1 pidfile=$LAB_STATE/$1.pid pid waited=0
    if ! lab_pid_alive "$pidfile" "$name"; then
        rm -f "$pidfile"
        return 0
    fi
    pid=$(<"$pidfile")
    kill -TERM "$pid" 2>/dev/null || true
    while lab_pid_is "$pid" "$name" && [ "$waited" -lt 30000 ]; do
        lab_sleep_ms 50
        waited=$((waited + 50))
    done
    if lab_pid_is "$pid" "$name"; then
        log "$name ($pid) ignored SIGTERM for 30 s: SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$pidfile"
    log "stopped $name ($pid) in $((waited / 1000)).$((waited % 1000 / 100)) s"
}
stop_daemon libvirtd
stop_daemon virtlogd
exit "$rc"
