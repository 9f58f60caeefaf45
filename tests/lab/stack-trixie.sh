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

# uidmap: newuidmap/newgidmap, which an unprivileged virtiofsd runs to map
# ids (tests/e2e/session.sh); libjson-glib: what this checkout's virt-share
# needs besides libvirt, glib and libxml2 to run in the root as the "remote
# host" of tests/e2e/remote.sh; python3: what Ansible runs its modules with
# there (tests/e2e/ansible.sh).
LAB_TRIXIE_PKGS=libvirt-daemon-system,libvirt-daemon-driver-qemu,qemu-system-x86,virtiofsd,libvirt-clients,uidmap,libjson-glib-1.0-0,python3

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

# lab_trixie_nsenter CMD...: run CMD (a program of this host, with this
# host's root) in the namespace of the lab's running daemons, where the
# trixie root has its /proc, /dev, /run/libvirt and binds (remote.sh runs
# this host's sshd there, with ChrootDirectory the trixie root).
lab_trixie_nsenter() {
    local pid
    pid=$(lab_trixie_ns_pid) || { echo "lab: no trixie daemon runs (setup.sh first)" >&2; return 1; }
    nsenter --mount="/proc/$pid/ns/mnt" -- "$@"
}

# lab_trixie_chroot: print LAB_TRIXIE_CHROOT, made a root-only directory
# (lab_root_only_path) that shows the trixie root, with its binds, in the
# namespace of the lab's daemons: there sshd takes it as ChrootDirectory
# wherever the checkout lies.
lab_trixie_chroot() {
    lab_root_only_dir "$LAB_TRIXIE_CHROOT" || return 1
    lab_trixie_nsenter sh -c 'mountpoint -q "$1" || mount --rbind "$2" "$1"' _ \
        "$LAB_TRIXIE_CHROOT" "$LAB_TRIXIE_ROOT" || return 1
    printf '%s\n' "$LAB_TRIXIE_CHROOT"
}

# lab_trixie_user_exec USER CMD...: run CMD of the trixie root as USER, in a
# mount namespace of its own whose root is the trixie root, with the binds
# of lab_trixie_exec plus USER's home and runtime directory (/run/user/UID)
# at the same paths.  Entered with pivot_root, not chroot: the kernel refuses
# a new user namespace to a chrooted process (unshare(CLONE_NEWUSER) fails
# with EPERM, kernel/user_namespace.c, current_chrooted()), and an
# unprivileged virtiofsd (sandbox=namespace) makes one.  The user must be in
# the root's /etc/passwd (lab_trixie_add_user).
lab_trixie_user_exec() {
    local user=$1 uid gid home
    shift
    uid=$(id -u "$user") && gid=$(id -g "$user") || return 1
    home=$(getent passwd "$user" | cut -d: -f6)
    unshare --mount --propagation private -- bash -euc '
        root=$1 lab=$2 home=$3 run=$4 uid=$5 gid=$6; shift 6
        mount --bind "$root" "$root"
        mount -t proc proc "$root/proc"
        mount --rbind /sys "$root/sys" && mount --make-rslave "$root/sys"
        mount --rbind /dev "$root/dev" && mount --make-rslave "$root/dev"
        mount -t tmpfs -o mode=755 tmpfs "$root/run"
        mkdir -p "$root/run/lock"
        while IFS= read -r d; do
            mkdir -p "$root$d" && mount --rbind "$d" "$root$d"
        done < <(printf "%s\n" /var/tmp "$lab" "$home" "$run" | sort -u)
        # The old root goes to the empty /mnt of the trixie root, then away.
        cd "$root" && pivot_root . mnt && umount -l /mnt && cd /
        exec setpriv --reuid="$uid" --regid="$gid" --init-groups -- "$@"' \
        _ "$LAB_TRIXIE_ROOT" "$LAB_DIR" "$home" "/run/user/$uid" "$uid" "$gid" "$@"
}

# lab_trixie_add_user USER: USER (and its group) in the trixie root's
# /etc/passwd and /etc/group with this host's ids, as a second host that
# shares its users would have them.
lab_trixie_add_user() {
    local pw gr
    pw=$(getent passwd "$1") && gr=$(getent group "$(id -g "$1")") || return 1
    lab_trixie_set_line /etc/passwd "$pw"
    lab_trixie_set_line /etc/group "$gr"
}

# lab_trixie_set_line FILE LINE: the entry of LINE's name (its first field)
# in the trixie root's FILE is LINE.
lab_trixie_set_line() {
    local f=$LAB_TRIXIE_ROOT$1
    grep -qxF "$2" "$f" && return 0
    awk -F: -v n="${2%%:*}" '$1 != n' "$f" >"$f.vs-lab" && printf '%s\n' "$2" >>"$f.vs-lab" \
        && cat "$f.vs-lab" >"$f" && rm -f "$f.vs-lab"
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
