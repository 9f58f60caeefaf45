# tests/lab/lib.sh: sourced by the lab scripts, the e2e tests and the demo.
# Paths, logging, timing, and guest-agent helpers that tests use as an
# independent oracle (virsh + jq + base64 only, never virt-share itself).
# Works with and without `set -e` in the caller.
# shellcheck shell=bash disable=SC2034  # the LAB_* names are used by the sourcing scripts

LAB_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# lab_traversable DIR: every existing ancestor of DIR is searchable by
# "other" (QEMU runs as libvirt-qemu and must open the kernel and initrd).
lab_traversable() {
    local d=$1 mode
    while [ "$d" != / ] && [ -n "$d" ]; do
        if [ -e "$d" ]; then
            mode=$(stat -L -c %A "$d") || return 1
            [ "${mode:9:1}" = x ] || [ "${mode:9:1}" = t ] || return 1
        fi
        d=$(dirname "$d")
    done
}

# VS_LAB_DIR overrides.  Default: tests/lab-cache in the checkout (git-ignored),
# or /var/lib/virt-share-lab if the checkout is private (e.g. under /root).
if [ -n "${VS_LAB_DIR:-}" ]; then
    LAB_DIR=$VS_LAB_DIR
elif lab_traversable "$LAB_TOP/tests"; then
    LAB_DIR=$LAB_TOP/tests/lab-cache
else
    LAB_DIR=/var/lib/virt-share-lab
fi
LAB_DEBS=$LAB_DIR/debs
LAB_KROOT=$LAB_DIR/kernel-root
LAB_QGAROOT=$LAB_DIR/qga-root
LAB_IROOT=$LAB_DIR/initramfs-root
LAB_GUEST=$LAB_DIR/guest
# VS_LAB_STACK: the host stack the lab runs: "host" (this Debian 12's libvirt
# 9.0 / QEMU 7.2 / C virtiofsd, the default) or "trixie" (libvirt 11 / QEMU 10
# / Rust virtiofsd from Debian 13 packages in a chroot: stack-trixie.sh).
# The guest (kernel, initramfs) is the same for both; state is per stack.
LAB_STACK=${VS_LAB_STACK:-host}
LAB_EXE_ROOT=    # where the stack's /usr/sbin lives, seen from here
case $LAB_STACK in
    host)
        LAB_STATE=$LAB_DIR/state
        LAB_URI=qemu:///system ;;
    trixie)
        LAB_STATE=$LAB_DIR/state/trixie
        LAB_TRIXIE_ROOT=$LAB_DIR/stacks/trixie/root
        LAB_EXE_ROOT=$LAB_TRIXIE_ROOT
        # The daemon's /run/libvirt, on the host: short (sun_path holds 108
        # bytes) and one per lab directory.
        LAB_TRIXIE_RUN=/run/vs-lab-$(printf '%s' "$LAB_DIR" | sha256sum | cut -c1-12)-trixie
        LAB_URI="qemu:///system?socket=$LAB_TRIXIE_RUN/libvirt-sock"
        # The trixie root as sshd's ChrootDirectory (remote.sh): sshd wants
        # every component root's and not group- or world-writable, which the
        # checkout's path need not be (a clone under /tmp).
        LAB_TRIXIE_CHROOT=$LAB_TRIXIE_RUN-root ;;
    *)
        echo "lab: VS_LAB_STACK='$LAB_STACK': use host or trixie" >&2
        return 2 2>/dev/null || exit 2 ;;
esac
LAB_SHARES=$LAB_DIR/shares
lab_uri() { printf '%s\n' "$LAB_URI"; }

# lab_root_only_path PATH: every component of PATH exists, is root's and is
# not group- or world-writable (sshd's rule for ChrootDirectory).
lab_root_only_path() {
    local d=$1 m
    while :; do
        m=$(stat -L -c '%u %a' "$d" 2>/dev/null) || return 1
        [ "${m%% *}" = 0 ] || return 1
        m=${m#* }
        (( (8#$m & 8#022) == 0 )) || return 1
        [ "$d" = / ] && return 0
        d=$(dirname "$d")
    done
}

# lab_root_only_dir DIR: make DIR (root's, 0755) and check it is root-only.
lab_root_only_dir() {
    install -d -o root -g root -m 755 "$1" && lab_root_only_path "$1" && return 0
    echo "lab: $1 is not root's alone" >&2
    return 1
}

# lab_unprotect_under DIR: undo what virt-share's nosuid,nodev protection
# left for folders at or below DIR (a test's scratch folder that it removes
# without 'virt-share remove'): its lines in the host's /etc/fstab (the
# "# virt-share: keeps F ..." comment and the entry after it) and the bind
# mounts there, deepest first.  Other lines and mounts are left alone.
lab_unprotect_under() {
    local dir=$1 fstab=${VIRT_SHARE_FSTAB:-/etc/fstab} m
    if [ -f "$fstab" ] && grep -qF "# virt-share: keeps $dir" "$fstab"; then
        awk -v d="$dir" '
            skip { skip = 0; next }
            index($0, "# virt-share: keeps " d) == 1 { skip = 1; next }
            { print }' "$fstab" >"$fstab.vs-lab" && cat "$fstab.vs-lab" >"$fstab"
        rm -f "$fstab.vs-lab"
    fi
    # mountinfo's 5th field, octal escapes undone; deepest first
    while IFS= read -r m; do
        umount -l "$m" 2>/dev/null
    done < <(awk '{ print $5 }' /proc/self/mountinfo | while IFS= read -r m; do printf '%b\n' "$m"; done |
        awk -v d="$dir" '$0 == d || index($0, d "/") == 1' | sort -r)
}

# lab_free_port: a TCP port on 127.0.0.1 that nothing listens on, from
# 2222 up (below the kernel's ephemeral range), so tests never assume one.
lab_free_port() {
    python3 - <<'PY'
import socket
for port in range(2222, 2422):
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port))
    except OSError:
        continue
    finally:
        s.close()
    print(port)
    break
else:
    raise SystemExit("lab: no free port in 2222-2421")
PY
}

# lab_with_dev_kvm SPEC CMD...: run CMD in a private mount namespace whose
# /dev is a tmpfs with null, zero, full, random, urandom and tty of this
# host, and a /dev/kvm made by SPEC: "MODE MAJOR MINOR" (group kvm), or
# "none" for no node.  Works whether or not this host has a /dev/kvm (a
# bind mount over /dev/kvm would need one) and leaves the host's alone.
# The staging directory is $LAB_DEV_STAGING.XXXXXX (default /run/vs-lab-dev).
lab_with_dev_kvm() {
    local spec=$1 d rc
    shift
    d=$(mktemp -d "${LAB_DEV_STAGING:-/run/vs-lab-dev}.XXXXXX") || return 1
    unshare -m --propagation private bash -c '
        spec=$1 d=$2; shift 2
        mount -t tmpfs -o mode=0755 vs-lab-dev "$d" || exit 125
        for n in null zero full random urandom tty; do
            touch "$d/$n" && mount --bind "/dev/$n" "$d/$n" || exit 125
        done
        if [ "$spec" != none ]; then
            set -- $spec "$@"
            mknod -m "$1" "$d/kvm" c "$2" "$3" || exit 125
            # As udev makes it; a host without the group (no QEMU installed) keeps root.
            if getent group kvm >/dev/null; then chgrp kvm "$d/kvm" || exit 125; fi
            shift 3
        fi
        mount --rbind "$d" /dev || exit 125
        exec "$@"' _ "$spec" "$d" "$@"
    rc=$?
    rmdir "$d"
    return "$rc"
}
# lab_kvm_usable_begin / lab_kvm_usable_end: while the lab runs, a /dev/kvm
# that root can open but QEMU's user cannot is made usable by everyone
# (0666, as systemd's dev-kvm-mode=0666 makes it), and put back afterwards
# as it was found (mode, owner, group: LAB_KVM_SAVED).  With such a node
# libvirt probes QEMU as root (it finds KVM), then checks the node as QEMU's
# user (KVM "not available now") and drops its capabilities cache at every
# lookup: each virsh define costs a QEMU probe (20-50 s here).  A host with
# no node, or one QEMU's user can open, is left alone.  The lab's guests
# are TCG (type 'qemu') either way.
LAB_KVM_SAVED=$LAB_DIR/state/dev-kvm.saved
LAB_QEMU_USER=${VS_LAB_QEMU_USER:-libvirt-qemu}
lab_kvm_qemu_can_open() {
    setpriv --reuid="$LAB_QEMU_USER" --regid="$(id -g "$LAB_QEMU_USER")" --init-groups \
        test -r /dev/kvm -a -w /dev/kvm 2>/dev/null
}
lab_kvm_usable_begin() {
    local saved
    [ -c /dev/kvm ] && id "$LAB_QEMU_USER" >/dev/null 2>&1 || return 0
    [ -s "$LAB_KVM_SAVED" ] && return 0   # this lab's already: keep the first record
    lab_kvm_qemu_can_open && return 0
    saved=$(stat -c '%a %u %g' /dev/kvm) || return 1
    mkdir -p "${LAB_KVM_SAVED%/*}" && printf '%s\n' "$saved" >"$LAB_KVM_SAVED" || return 1
    chmod 0666 /dev/kvm || return 1
    log "/dev/kvm ($saved) made usable by $LAB_QEMU_USER (0666) while the lab runs"
}
lab_kvm_usable_end() {
    local m u g
    [ -s "$LAB_KVM_SAVED" ] || return 0
    read -r m u g <"$LAB_KVM_SAVED" || return 1
    if [ -c /dev/kvm ]; then
        chown "$u:$g" /dev/kvm && chmod "$m" /dev/kvm || return 1
        log "/dev/kvm put back as found ($m $u:$g)"
    fi
    rm -f "$LAB_KVM_SAVED"
}
# lab_libvirt_version [hypervisor]: the libvirt version of the daemon behind
# $LAB_URI (virConnectGetLibVersion), or its QEMU's (virConnectGetVersion),
# as "MAJOR.MINOR.MICRO", through python3-libvirt: the text of `virsh
# version` is not an interface.  (Debian's python3, where python3-libvirt is.)
lab_libvirt_version() {
    /usr/bin/python3 - "$LAB_URI" "${1:-libvirt}" 2>/dev/null <<'PY'
import sys, libvirt
c = libvirt.open(sys.argv[1])
v = c.getVersion() if sys.argv[2] == "hypervisor" else c.getLibVersion()
print("%d.%d.%d" % (v // 1000000, v // 1000 % 1000, v % 1000))
PY
}

log() { printf '[lab %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

# Wall-clock timing without forks: lab_now -> "s.us"; lab_since T0 -> "1.23".
lab_now() { printf '%s\n' "${EPOCHREALTIME/,/.}"; }
lab_ms() { local t=${EPOCHREALTIME/,/}; t=${t/./}; printf '%s\n' "$((10#$t / 1000))"; }
lab_since() {   # T0 as from lab_now or date +%s.%N
    local a=${1/,/.} fa ms
    fa=${a#*.}000000
    ms=$(( $(lab_ms) - 10#${a%.*} * 1000 - 10#${fa:0:3} ))
    printf '%d.%02d\n' "$((ms / 1000))" "$((ms % 1000 / 10))"
}
# lab_boot_times NAME: "virsh start to agent X s (define Y s)", from the last
# tests/lab/start-guest.sh NAME.
lab_boot_times() {
    local define='?' agent='?'
    { read -r define agent <"$LAB_STATE/$1.boot"; } 2>/dev/null || true
    printf 'virsh start to agent %s s (define %s s)\n' "$agent" "$define"
}
# lab_sleep_ms N: sleep N milliseconds.
lab_sleep_ms() { sleep "$(printf '%d.%03d' "$(($1 / 1000))" "$(($1 % 1000))")"; }

# lab_qga DOM JSON [virsh options...]: one agent command; prints the reply.
lab_qga() {
    local dom=$1 json=$2; shift 2
    virsh -c "$LAB_URI" qemu-agent-command "$dom" "$@" -- "$json"
}

# lab_wait_agent DOM [TIMEOUT_S]: poll guest-ping until it answers.
# Back-off: 50 ms, doubling, capped at 200 ms.  Returns 1 on timeout.
lab_wait_agent() {
    local dom=$1 timeout_ms=$((${2:-60} * 1000)) delay=50 t0
    t0=$(lab_ms)
    while :; do
        if lab_qga "$dom" '{"execute":"guest-ping"}' --timeout 5 >/dev/null 2>&1; then
            return 0
        fi
        if [ $(($(lab_ms) - t0)) -ge "$timeout_ms" ]; then
            log "$dom: no guest agent after ${2:-60} s"
            return 1
        fi
        lab_sleep_ms "$delay"
        delay=$((delay * 2 > 200 ? 200 : delay * 2))
    done
}

# lab_guest_exec DOM PATH [ARG...]: run PATH with an argv array in the guest.
# Prints the guest's stdout to stdout and its stderr to stderr; returns the
# guest exit code (128+N if killed by signal N), 125 if the agent failed,
# 124 on timeout (LAB_EXEC_TIMEOUT seconds, default 60).
# jq 1.6: arguments go in one --arg each (a positional "-p" after --args
# would be taken as a jq option), named so that they sort in argv order.
lab_guest_exec() {
    local dom=$1 path=$2 a i=0 req reply pid status exited code sig
    local jqargs=() delay=10 t0 timeout_ms=$((${LAB_EXEC_TIMEOUT:-60} * 1000))
    shift 2
    for a in "$@"; do
        jqargs+=(--arg "a$(printf '%05d' "$i")" "$a")
        i=$((i + 1))
    done
    # -a: non-ASCII as \uXXXX (libvirt 11.3 refuses raw UTF-8 in agent commands).
    req=$(jq -nca --arg path "$path" "${jqargs[@]}" '{
        execute: "guest-exec",
        arguments: {
            path: $path,
            arg: [$ARGS.named | to_entries[] | select(.key | test("^a[0-9]{5}$"))]
                 | sort_by(.key) | map(.value),
            env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
            "capture-output": true }}') || return 125
    reply=$(lab_qga "$dom" "$req") || return 125
    pid=$(jq -r '.return.pid' <<<"$reply") || return 125
    t0=$(lab_ms)
    while :; do
        status=$(lab_qga "$dom" \
            "{\"execute\":\"guest-exec-status\",\"arguments\":{\"pid\":$pid}}") || return 125
        exited=$(jq -r '.return.exited' <<<"$status") || return 125
        [ "$exited" = true ] && break
        if [ $(($(lab_ms) - t0)) -ge "$timeout_ms" ]; then
            log "$dom: guest-exec $path: no exit after ${LAB_EXEC_TIMEOUT:-60} s"
            return 124
        fi
        lab_sleep_ms "$delay"
        delay=$((delay * 2 > 200 ? 200 : delay * 2))
    done
    jq -r '.return["out-data"] // empty' <<<"$status" | base64 -d
    jq -r '.return["err-data"] // empty' <<<"$status" | base64 -d >&2
    read -r code sig < <(jq -r '"\(.return.exitcode // "-") \(.return.signal // "-")"' <<<"$status")
    if [ "$sig" != - ]; then return $((128 + sig)); fi
    if [ "$code" != - ]; then return "$code"; fi
    return 125
}

# lab_guest_false DOM PATH [ARG...]: PATH ran in the guest and exited 1 to
# 123, the guest's "no" to a question.  A command that succeeded, was
# killed, timed out, or an agent that failed (124, 125) is not a "no": a
# check such as "not mounted" must never pass on a dead agent.
lab_guest_false() {
    local rc
    lab_guest_exec "$@"
    rc=$?
    case $rc in
        0) return 1 ;;
        124 | 125) log "$1: guest-exec $2: no answer from the agent ($rc): not a 'no'"; return 1 ;;
    esac
    [ "$rc" -lt 124 ]
}

# lab_guest_reboot DOM: guest-shutdown mode=reboot through the agent.
# guest-shutdown has no success response (QAPI success-response: false), so
# virsh waits until the agent goes away with the old guest and then fails
# with "Guest agent disappeared while executing command": that means success.
lab_guest_reboot() {
    local out
    out=$(lab_qga "$1" '{"execute":"guest-shutdown","arguments":{"mode":"reboot"}}' \
        --timeout 30 2>&1) && return 0
    case $out in *"agent disappeared"*) return 0 ;; esac
    printf '%s\n' "$out" >&2
    return 1
}

# lab_boot_id DOM: the guest's boot id (changes on every guest reboot).
lab_boot_id() { lab_guest_exec "$1" /bin/cat /proc/sys/kernel/random/boot_id; }

# lab_new_boot DOM OLD: the guest answers with a boot id, not OLD, and OLD
# is one (a read that failed before proves no reboot after).
lab_new_boot() {
    local id
    [ -n "$2" ] || { log "$1: no boot id was read before"; return 1; }
    id=$(lab_boot_id "$1") && [ -n "$id" ] && [ "$id" != "$2" ]
}

# lab_wait_new_boot DOM OLD TIMEOUT_S: until lab_new_boot DOM OLD, for
# TIMEOUT_S seconds at most.  Each read gets 10 s, so that one agent call
# hanging while the guest goes down does not use up the wait.
lab_wait_new_boot() {
    local t0
    [ -n "$2" ] || { log "$1: no boot id was read before"; return 1; }
    t0=$(lab_ms)
    while [ $(($(lab_ms) - t0)) -lt $(($3 * 1000)) ]; do
        LAB_EXEC_TIMEOUT=10 lab_new_boot "$1" "$2" 2>/dev/null && return 0
        sleep 0.5
    done
    log "$1: no new boot id after $3 s"
    return 1
}

# lab_reboot DOM TIMEOUT_S: reboot DOM through its agent and wait until it
# answers with a new boot id.  The boot id decides, not the reply to the
# reboot command (which may come from the agent going away).
lab_reboot() {
    local before
    before=$(lab_boot_id "$1") && [ -n "$before" ] || return 1
    lab_guest_reboot "$1" 2>/dev/null
    lab_wait_new_boot "$1" "$before" "$2"
}

# lab_pid_is PID NAME: process PID runs /usr/sbin/NAME (not a zombie).
# (A chrooted daemon's exe may read as seen from its root or from ours.)
lab_pid_is() {
    [[ $1 =~ ^[0-9]+$ ]] || return 1
    case $(readlink "/proc/$1/exe" 2>/dev/null) in
        "/usr/sbin/$2" | "/usr/sbin/$2 (deleted)") return 0 ;;   # deleted: upgraded since
        "$LAB_EXE_ROOT/usr/sbin/$2" | "$LAB_EXE_ROOT/usr/sbin/$2 (deleted)")
            [ -n "$LAB_EXE_ROOT" ] && return 0 ;;
    esac
    return 1
}

# lab_pid_alive PIDFILE NAME: the pid recorded in PIDFILE runs /usr/sbin/NAME.
lab_pid_alive() {
    [ -s "$1" ] || return 1
    lab_pid_is "$(<"$1")" "$2"
}

# lab_find_daemon NAME: pids of running /usr/sbin/NAME processes (any owner).
lab_find_daemon() {
    local exe
    for exe in /proc/[0-9]*/exe; do
        [ "$exe" -ef "/usr/sbin/$1" ] || continue
        exe=${exe#/proc/}
        printf '%s\n' "${exe%/exe}"
    done
}

# Domains the lab defines carry <metadata><lab:owner>LAB_DIR</lab:owner>, so
# that teardown and the tests remove their own domains and never a user's or
# another checkout's domain of the same name.
LAB_NS=https://virt-share.org/xmlns/virt-share-lab/1

# lab_domain_ours DOM: DOM exists and was defined by this lab (this LAB_DIR).
lab_domain_ours() {
    local md
    md=$(virsh -q -c "$LAB_URI" metadata "$1" --uri "$LAB_NS" 2>/dev/null) || return 1
    [[ $md == *">$LAB_DIR<"* ]]
}

# lab_remove_domain DOM...: destroy and undefine each DOM that is the lab's;
# one that is not is left alone (and makes this return 1).
lab_remove_domain() {
    local d rc=0
    for d in "$@"; do
        virsh -q -c "$LAB_URI" domstate "$d" >/dev/null 2>&1 || continue
        if ! lab_domain_ours "$d"; then
            log "domain $d was not defined by this lab ($LAB_DIR): left alone"
            rc=1
            continue
        fi
        virsh -q -c "$LAB_URI" destroy "$d" >/dev/null 2>&1 || true
        # A transient domain is gone after destroy; a persistent one is undefined.
        if virsh -q -c "$LAB_URI" domstate "$d" >/dev/null 2>&1; then
            virsh -q -c "$LAB_URI" undefine --managed-save "$d" >/dev/null || rc=1
        fi
    done
    return "$rc"
}
