# tests/lab/stack-trixie.sh: sourced by daemons.sh when VS_LAB_STACK=trixie.
# The lab's second host stack: libvirt 11 + QEMU 10 + Rust virtiofsd from
# Debian 13 (trixie) packages, in a root built with mmdebstrap under the lab
# cache, run in a private mount namespace next to the host's libvirt:
#  - the root is bind-mounted onto itself (libvirt and virtiofsd need it to
#    be a mount point: "Failed disable mount propagation out of the root
#    filesystem", "Error entering sandbox: CleanMount");
#  - proc, sys, dev and a tmpfs /run, the lab directory and /var/tmp (the
#    tests' share folders) at the same paths, so host paths mean the same;
#  - /run/libvirt is a host directory (LAB_TRIXIE_RUN), so the host's client
#    reaches the daemon at qemu:///system?socket=LAB_TRIXIE_RUN/libvirt-sock.
# Only daemons with the lab's pid files are ever stopped.
# shellcheck shell=bash

LAB_TRIXIE_PKGS=libvirt-daemon-system,libvirt-daemon-driver-qemu,qemu-system-x86,virtiofsd,libvirt-clients

# lab_debian_mirror: the Debian mirror this host's apt uses (deb822 .sources
# or one-line sources.list), so mmdebstrap fetches from the same place.
lab_debian_mirror() {
    local uri
    uri=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '
        /^URIs:/ { u = $2 } /^Suites:/ { s = $0 }
        /^$/ { if (s ~ /bookworm( |$)/ && u != "") { print u; exit } u = ""; s = "" }
        END { if (s ~ /bookworm( |$)/ && u != "") print u }' | head -1)
    [ -n "$uri" ] || uri=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
        | awk '$1 == "deb" && $3 ~ /^bookworm$/ { print $2; exit }')
    printf '%s\n' "${uri:-http://deb.debian.org/debian}"
}

# lab_trixie_build: build the root once (cached; a changed package list or a
# missing stamp rebuilds it).  About 50 s and 350 MB from Debian's mirror.
lab_trixie_build() {
    local root=$LAB_TRIXIE_ROOT stamp mirror t
    stamp="trixie $LAB_TRIXIE_PKGS"
    [ "$(cat "$root.stamp" 2>/dev/null)" = "$stamp" ] && [ -x "$root/usr/sbin/libvirtd" ] && return 0
    command -v mmdebstrap >/dev/null \
        || { echo "setup: mmdebstrap is missing (VS_LAB_STACK=trixie setup.sh installs it)" >&2; return 1; }
    mirror=$(lab_debian_mirror)
    log "building the trixie root with mmdebstrap from $mirror (once; cached in $root)"
    t=$(lab_now)
    rm -rf "$root" "$root.tmp"
    mkdir -p "${root%/*}"
    mmdebstrap --variant=apt --include="$LAB_TRIXIE_PKGS" trixie "$root.tmp" \
        "deb $mirror trixie main" >"$LAB_STATE/mmdebstrap.log" 2>&1 \
        || { tail -20 "$LAB_STATE/mmdebstrap.log" >&2; echo "setup: mmdebstrap failed; see $LAB_STATE/mmdebstrap.log" >&2; return 1; }
    mv "$root.tmp" "$root"
    echo "$stamp" > "$root.stamp"
    log "trixie root built in $(lab_since "$t") s: $(du -sh "$root" | cut -f1)"
}

# lab_trixie_ns_pid: a lab daemon inside the namespace (to nsenter), if any.
lab_trixie_ns_pid() {
    local n
    for n in virtlogd libvirtd; do
        lab_owns "$n" && { cat "$LAB_STATE/$n.pid"; return 0; }
    done
    return 1
}

# lab_trixie_exec CMD...: run CMD chrooted in the lab's namespace, creating
# the namespace (and its mounts) when no lab daemon holds one.
lab_trixie_exec() {
    local pid
    if pid=$(lab_trixie_ns_pid); then
        nsenter --mount="/proc/$pid/ns/mnt" -- chroot "$LAB_TRIXIE_ROOT" "$@"
        return
    fi
    # The binds are sorted, so a parent (/var/tmp) never hides a child (the lab).
    unshare --mount --propagation private -- bash -euc '
        root=$1 run=$2 lab=$3; shift 3
        mount --bind "$root" "$root"
        mount -t proc proc "$root/proc"
        mount --rbind /sys "$root/sys" && mount --make-rslave "$root/sys"
        mount --rbind /dev "$root/dev" && mount --make-rslave "$root/dev"
        mount -t tmpfs -o mode=755 tmpfs "$root/run"
        mkdir -p "$root/run/libvirt" "$root/run/lock"
        mount --bind "$run" "$root/run/libvirt"
        while IFS= read -r d; do
            mkdir -p "$root$d" && mount --rbind "$d" "$root$d"
        done < <(printf "%s\n" /var/tmp "$lab" | sort -u)
        exec chroot "$root" "$@"' _ "$LAB_TRIXIE_ROOT" "$LAB_TRIXIE_RUN" "$LAB_DIR" "$@"
}

# lab_trixie_start: build the root if needed, start its virtlogd and
# libvirtd (once), wait until qemu:///system?socket=... answers.
lab_trixie_start() {
    lab_trixie_build || return 1
    # No per-domain mount namespace for QEMU in the chroot: with one, every
    # virtiofs hot-plug after the first failed ("chardev-add: Failed to
    # connect to .../fsN-fs.sock: Permission denied"; libvirt's labelling
    # in the domain's namespace could not stat the socket).  Measured:
    # three live virtiofs adds in a row work with namespaces = [].
    grep -qx 'namespaces = \[\]' "$LAB_TRIXIE_ROOT/etc/libvirt/qemu.conf" \
        || echo 'namespaces = []' >>"$LAB_TRIXIE_ROOT/etc/libvirt/qemu.conf"
    mkdir -p "$LAB_TRIXIE_RUN"
    if ! lab_owns libvirtd; then
        rm -f "$LAB_STATE/libvirtd.pid"
        if ! lab_owns virtlogd; then
            rm -f "$LAB_STATE/virtlogd.pid"
            # Left by daemons of an earlier run (a private directory of this lab).
            find "$LAB_TRIXIE_RUN" -mindepth 1 -delete
            lab_start_by_hand virtlogd || return 1
        fi
        lab_start_by_hand libvirtd || return 1
    fi
    # The first start probes QEMU 10 for its capabilities (seconds under TCG).
    lab_wait_answer 120 || {
        echo "setup: the trixie stack's libvirtd does not answer on $LAB_URI; see $LAB_STATE/libvirtd.log" >&2
        return 1
    }
}
