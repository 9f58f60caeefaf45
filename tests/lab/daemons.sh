# tests/lab/daemons.sh: sourced after lib.sh by setup.sh, teardown.sh and the
# e2e tests.  Which libvirt daemon the lab uses, and starting, restarting and
# stopping only the daemons the lab started itself.
#
# Decided by what answers on qemu:///system, never by process names (another
# user's `libvirtd --timeout=120` session daemon is called libvirtd too):
#  1. the lab's own daemon (its pid file in state/, that process alive);
#  2. any daemon that answers (monolithic libvirtd or modular virtqemud,
#     socket-activated or started by hand, another checkout's lab): used as
#     it is, never stopped or restarted;
#  3. systemd is PID 1 and ships libvirt socket units: `systemctl start` them
#     (the units started are recorded, teardown stops exactly those), so no
#     hand-started daemon fights a unit systemd would start later;
#  4. otherwise virtlogd and libvirtd by hand, with pid files in state/.
# shellcheck shell=bash

# Where sd_booted() looks; a test points it at a fake tree with a fake systemctl.
# shellcheck source=stack-trixie.sh
. "$(dirname "${BASH_SOURCE[0]}")/stack-trixie.sh"

LAB_SYSTEMD_DIR=${VS_LAB_SYSTEMD_DIR:-/run/systemd/system}
LAB_UNITS_FILE=$LAB_STATE/systemd-units

# lab_answers URI: a daemon answers on URI (given 30 s at most).
lab_answers() { timeout 30 virsh -q -c "$1" uri >/dev/null 2>&1; }

# lab_owns NAME: the lab started NAME by hand and it still runs.
lab_owns() { lab_pid_alive "$LAB_STATE/$1.pid" "$1"; }

# lab_daemon_owner: "lab" (started by hand by this lab), "systemd" (units
# this lab started), "foreign" (answers, not ours) or "none".
lab_daemon_owner() {
    if lab_owns libvirtd; then echo lab
    elif [ -s "$LAB_UNITS_FILE" ] && lab_answers "$LAB_URI"; then echo systemd
    elif lab_answers "$LAB_URI"; then echo foreign
    else echo none
    fi
}

# lab_root_daemons: "PID NAME" of libvirt daemons running as root that could
# serve qemu:///system (session daemons of other users are not root).
lab_root_daemons() {
    local n p
    for n in libvirtd virtqemud; do
        for p in $(lab_find_daemon "$n"); do
            [ "$(stat -c %u "/proc/$p" 2>/dev/null)" = 0 ] && echo "$p $n"
        done
    done
}

lab_systemd_booted() { [ -d "$LAB_SYSTEMD_DIR" ]; }

# lab_unit_loaded UNIT: systemd knows UNIT and it is not masked.
lab_unit_loaded() { [ "$(systemctl show -p LoadState --value "$1" 2>/dev/null)" = loaded ]; }

# lab_systemd_start: start the libvirt socket units systemd ships (modular
# virtqemud where it exists, else libvirtd), record the ones that were not
# active; returns 2 when there are no such units.
lab_systemd_start() {
    local units=() u started=()
    if lab_unit_loaded virtqemud.socket; then
        units=(virtlogd.socket virtqemud.socket)
    elif lab_unit_loaded libvirtd.socket; then
        units=(virtlogd.socket libvirtd.socket)
    else
        return 2
    fi
    for u in "${units[@]}"; do
        systemctl is-active -q "$u" 2>/dev/null && continue
        log "systemctl start $u"
        systemctl start "$u" || {
            echo "setup: systemctl start $u failed; start libvirt the way this system does" \
                "(e.g. systemctl start ${units[1]}) and run the lab again" >&2
            return 1
        }
        started+=("$u")
    done
    if [ "${#started[@]}" -gt 0 ]; then printf '%s\n' "${started[@]}" >> "$LAB_UNITS_FILE"; fi
}

# lab_systemd_stop: stop what lab_systemd_start started (socket and service).
lab_systemd_stop() {
    local u
    [ -s "$LAB_UNITS_FILE" ] || return 0
    while read -r u; do
        log "systemctl stop ${u%.socket}.service $u"
        systemctl stop "${u%.socket}.service" "$u" || true
    done < <(tac "$LAB_UNITS_FILE")
    rm -f "$LAB_UNITS_FILE"
}

# lab_start_by_hand NAME: start /usr/sbin/NAME with a pid file in state/
# (the trixie stack's: chrooted, in its namespace).
lab_start_by_hand() {
    local name=$1 run=()
    [ "$LAB_STACK" = trixie ] && run=(lab_trixie_exec)
    log "starting $name${run:+ ($LAB_STACK stack)}"
    # The daemons keep every descriptor they inherit: close all but 0-2 (a
    # `flock LOCK cmd` around the lab must not stay locked by the daemons).
    ( for fd in /proc/self/fd/*; do fd=${fd##*/}; [ "$fd" -le 2 ] || eval "exec $fd>&-"; done 2>/dev/null
      "${run[@]}" env LIBVIRT_LOG_OUTPUTS="3:file:$LAB_STATE/$name.log" \
        "/usr/sbin/$name" --daemon --pid-file "$LAB_STATE/$name.pid" \
        </dev/null >>"$LAB_STATE/$name.out" 2>&1 ) \
        || { echo "setup: $name failed to start; see $LAB_STATE/$name.log" >&2; return 1; }
}

# lab_wait_answer TIMEOUT_S: poll until qemu:///system answers.
lab_wait_answer() {
    local delay=50 t1
    t1=$(lab_ms)
    until virsh -q -c "$LAB_URI" uri >/dev/null 2>&1; do
        [ $(($(lab_ms) - t1)) -lt $(($1 * 1000)) ] || return 1
        lab_sleep_ms "$delay"
        delay=$((delay * 2 > 500 ? 500 : delay * 2))
    done
}

# lab_daemons_start: make qemu:///system answer (see the top of this file).
lab_daemons_start() {
    local rc=0 busy
    if [ "$LAB_STACK" = trixie ]; then lab_trixie_start; return; fi
    if lab_owns libvirtd; then
        lab_wait_answer 60 || { echo "setup: the lab's libvirtd ($(<"$LAB_STATE/libvirtd.pid")) does not answer; see $LAB_STATE/libvirtd.log" >&2; return 1; }
        return 0
    fi
    rm -f "$LAB_STATE/libvirtd.pid"
    if lab_answers "$LAB_URI"; then
        [ -s "$LAB_UNITS_FILE" ] || log "a libvirt daemon already answers on $LAB_URI (not started by the lab): using it as it is; the lab will not stop or restart it"
        return 0
    fi
    if lab_systemd_booted; then
        lab_systemd_start || rc=$?
        case $rc in
            0) lab_wait_answer 60 && return 0
               echo "setup: systemd started $(tr '\n' ' ' < "$LAB_UNITS_FILE" 2>/dev/null)but nothing answers on $LAB_URI; see journalctl -u libvirtd -u virtqemud" >&2
               return 1 ;;
            1) return 1 ;;
        esac   # 2: no libvirt units: start by hand below
    fi
    # A root daemon that does not answer may still be starting (its first
    # start probes QEMU for seconds); a second one would fight it for the socket.
    busy=$(lab_root_daemons | head -1)
    if [ -n "$busy" ]; then
        log "libvirt daemon ${busy#* } (pid ${busy%% *}) runs as root but does not answer yet: waiting"
        lab_wait_answer 60 && return 0
        echo "setup: ${busy#* } (pid ${busy%% *}, not started by the lab) runs as root but does not" \
            "answer on $LAB_URI. The lab does not start a second daemon next to it: stop it" \
            "(kill ${busy%% *}) or make it answer (virsh -c $LAB_URI uri), then run the lab again." >&2
        return 1
    fi
    # virtlogd: libvirtd does not spawn it when run privileged without systemd.
    if ! lab_owns virtlogd && ! timeout 10 virt-admin -q -c virtlogd:///system srv-list >/dev/null 2>&1; then
        rm -f "$LAB_STATE/virtlogd.pid"
        lab_start_by_hand virtlogd || return 1
    fi
    lab_start_by_hand libvirtd || return 1
    lab_wait_answer 60 || {
        echo "setup: libvirtd does not answer on $LAB_URI; see $LAB_STATE/libvirtd.log" >&2
        virsh -c "$LAB_URI" uri >&2 || true
        return 1
    }
}

# lab_stop_by_hand NAME: SIGTERM the recorded pid (if it still runs
# /usr/sbin/NAME), wait up to 30 s, then SIGKILL.
lab_stop_by_hand() {
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

# lab_daemons_stop: stop only what the lab started.
lab_daemons_stop() {
    lab_stop_by_hand libvirtd
    lab_stop_by_hand virtlogd
    lab_systemd_stop
}

# lab_may_restart: the lab may restart the daemon behind qemu:///system: its
# own, or any with VS_LAB_ALLOW_RESTART=1.
lab_may_restart() {
    case $(lab_daemon_owner) in
        lab | systemd) return 0 ;;
        foreign) [ "${VS_LAB_ALLOW_RESTART:-0}" = 1 ] ;;
        *) return 1 ;;
    esac
}

# lab_restart_libvirtd: stop and start the daemon behind qemu:///system (call
# lab_may_restart first).  A foreign daemon (VS_LAB_ALLOW_RESTART=1) is
# restarted through systemd if it is a unit's, else with its own command line.
lab_restart_libvirtd() {
    local owner pid unit argv=()
    owner=$(lab_daemon_owner)
    case $owner in
        lab)
            lab_stop_by_hand libvirtd
            lab_start_by_hand libvirtd && lab_wait_answer 60 ;;
        systemd)
            systemctl restart "$(sed -n 's/\.socket$/.service/p' "$LAB_UNITS_FILE" | tail -1)" \
                && lab_wait_answer 60 ;;
        foreign)
            pid=$(lab_root_daemons | head -1); pid=${pid%% *}
            [ -n "$pid" ] || { log "no root libvirt daemon found to restart"; return 1; }
            unit=$(ps -o unit= -p "$pid" 2>/dev/null | tr -d ' ')
            if lab_systemd_booted && [[ $unit == *.service ]]; then
                log "VS_LAB_ALLOW_RESTART=1: systemctl restart $unit"
                systemctl restart "$unit" && lab_wait_answer 60
                return
            fi
            mapfile -d '' -t argv < "/proc/$pid/cmdline"
            log "VS_LAB_ALLOW_RESTART=1: restarting pid $pid (${argv[*]})"
            kill -TERM "$pid"
            for _ in $(seq 600); do [ -d "/proc/$pid" ] || break; lab_sleep_ms 50; done
            case " ${argv[*]} " in *" --daemon "* | *" -d "*) ;; *) argv+=(--daemon) ;; esac
            "${argv[@]}" </dev/null >/dev/null 2>&1 && lab_wait_answer 60 ;;
        *) return 1 ;;
    esac
}
