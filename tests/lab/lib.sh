# tests/lab/lib.sh: shared by the lab scripts, the e2e tests and the demo.
# Paths, logging, and guest-agent helpers used as an *independent oracle*
# (virsh + jq + base64), never by virt-share itself.
# shellcheck shell=bash

LAB_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# setup.sh records where it put the lab (a private checkout moves it to /var/lib).
if [ -n "${VS_LAB_DIR:-}" ]; then
    LAB_DIR=$VS_LAB_DIR
elif [ -s "$LAB_TOP/tests/.lab-dir" ]; then
    LAB_DIR=$(cat "$LAB_TOP/tests/.lab-dir")
else
    LAB_DIR=$LAB_TOP/tests/lab-cache
fi
LAB_URI=qemu:///system
LAB_STATE=$LAB_DIR/state
LAB_GUEST=$LAB_DIR/guest

log() { printf '[lab %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

lab_now() { date +%s.%N; }
lab_since() { awk -v a="$1" -v b="$(lab_now)" 'BEGIN { printf "%.2f", b - a }'; }

# lab_qga DOM JSON: send one agent command, print the reply.
lab_qga() { virsh -c "$LAB_URI" qemu-agent-command "$1" "$2" 2>/dev/null; }

# lab_wait_agent DOM [TIMEOUT_S]: poll guest-ping with back-off (50 ms doubling, capped at 500 ms).
lab_wait_agent() {
    local dom=$1 timeout=${2:-60} delay=0.05 t0
    t0=$(lab_now)
    while :; do
        lab_qga "$dom" '{"execute":"guest-ping"}' >/dev/null && return 0
        if awk -v a="$t0" -v b="$(lab_now)" -v t="$timeout" 'BEGIN { exit !(b - a > t) }'; then
            log "no guest agent in $dom after ${timeout}s"
            return 1
        fi
        sleep "$delay"
        delay=$(awk -v d="$delay" 'BEGIN { d *= 2; if (d > 0.5) d = 0.5; print d }')
    done
}

# lab_guest_exec DOM PATH [ARG...]: run PATH with ARGs in the guest (argv array,
# built one --arg at a time), print its stdout/stderr, return its exit code.
lab_guest_exec() {
    local dom=$1 path=$2; shift 2
    local args='[]' a req reply pid status delay=0.02 i
    for a in "$@"; do
        args=$(jq -c --arg v "$a" '. + [$v]' <<<"$args")
    done
    req=$(jq -cn --arg p "$path" --argjson a "$args" \
        '{execute:"guest-exec",arguments:{path:$p,arg:$a,"capture-output":true,
          env:["PATH=/sbin:/bin:/usr/sbin:/usr/bin"]}}')
    reply=$(lab_qga "$dom" "$req") || return 125
    pid=$(jq -r '.return.pid' <<<"$reply")
    for ((i = 0; i < 600; i++)); do
        status=$(lab_qga "$dom" "{\"execute\":\"guest-exec-status\",\"arguments\":{\"pid\":$pid}}") || return 125
        if [ "$(jq -r '.return.exited' <<<"$status")" = true ]; then
            jq -r '.return["out-data"] // empty' <<<"$status" | base64 -d
            jq -r '.return["err-data"] // empty' <<<"$status" | base64 -d >&2
            return "$(jq -r '.return.exitcode // 128' <<<"$status")"
        fi
        sleep "$delay"
        delay=$(awk -v d="$delay" 'BEGIN { d *= 2; if (d > 0.2) d = 0.2; print d }')
    done
    return 124
}

# lab_pid_alive PIDFILE EXE_BASENAME: the recorded process is running that program.
lab_pid_alive() {
    local pid
    [ -s "$1" ] || return 1
    pid=$(cat "$1")
    [ -d "/proc/$pid" ] || return 1
    [ "$(basename "$(readlink "/proc/$pid/exe" 2>/dev/null)")" = "$2" ]
}
