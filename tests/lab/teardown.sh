#!/usr/bin/env bash
# Destroy and undefine the lab's domains (vs-test-*, vs-demo-*), then stop the
# libvirtd and virtlogd that setup.sh started (by recorded pid only).
# --keep-daemons: only the domains.
set -uo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

keep=false
[ "${1:-}" = --keep-daemons ] && keep=true

if lab_pid_alive "$LAB_STATE/libvirtd.pid" libvirtd; then
    for d in $(virsh -c "$LAB_URI" list --all --name 2>/dev/null | grep -E '^vs-(test|demo)-'); do
        virsh -c "$LAB_URI" -q destroy "$d" >/dev/null 2>&1
        virsh -c "$LAB_URI" -q managedsave-remove "$d" >/dev/null 2>&1
        virsh -c "$LAB_URI" -q undefine "$d" >/dev/null 2>&1 && log "removed domain $d"
    done
fi
$keep && exit 0

for daemon in libvirtd virtlogd; do
    pidfile=$LAB_STATE/$daemon.pid
    if lab_pid_alive "$pidfile" "$daemon"; then
        pid=$(cat "$pidfile")
        kill -TERM "$pid"
        for _ in $(seq 1 100); do [ -d "/proc/$pid" ] || break; sleep 0.1; done
        [ -d "/proc/$pid" ] && kill -KILL "$pid"
        log "stopped $daemon ($pid)"
    fi
    rm -f "$pidfile"
done
exit 0
