#!/usr/bin/env bash
# Set up the lab on Debian 12, as root; idempotent and quick when nothing changed:
#  1. install libvirt, QEMU, busybox-static & co (apt);
#  2. harvest the Debian kernel and qemu-ga (apt-get download + dpkg -x, NOT installed);
#  3. build guest/vmlinuz + guest/initramfs.cpio.gz (only when an input changed):
#     busybox-static, qemu-ga + its libraries, virtio/9p/virtiofs modules,
#     init.sh as /init and shutdown.sh as /sbin/shutdown;
#  4. use the libvirt daemon that answers on qemu:///system, or start the
#     lab's own (systemd units, or by hand with pid files): see daemons.sh;
#     with VS_LAB_STACK=trixie, the Debian 13 stack's own daemons in their
#     chroot (built once with mmdebstrap): see stack-trixie.sh.
# Usage: [VS_LAB_STACK=host|trixie] setup.sh [--rebuild] [--guest-only]
#   (--rebuild: rebuild the initramfs anyway; --guest-only: steps 1-3, no
#   daemon: tests/e2e/installed.sh boots the guest under its own libvirt)
# /etc/libvirt/qemu.conf is not touched.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"
# shellcheck source=daemons.sh
. "$here/daemons.sh"
# shellcheck source=distro.sh
. "$here/distro.sh"

rebuild=false guest_only=false
for a in "$@"; do
    case $a in
        --rebuild) rebuild=true ;;
        --guest-only) guest_only=true ;;
        *) echo "usage: setup.sh [--rebuild] [--guest-only]" >&2; exit 2 ;;
    esac
done
[ "$(id -u)" -eq 0 ] || { echo "setup: must run as root" >&2; exit 1; }

T0=$(lab_now)
t_apt=0 t_harvest=0 t_initramfs=cached t_daemons=0
# python3-libvirt: the e2e asks the daemon's version through the API
# (lab_libvirt_version).  openssh-server: the "remote host" of
# tests/e2e/remote.sh (its own sshd on 127.0.0.1; no ssh service is started,
# see apt_install).  qemu-utils: qemu-img, for the overlay disks of the Debian
# 13 guest (distro.sh).  ansible-core: tests/e2e/ansible.sh.
PKGS=(libvirt-daemon-system libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients
      qemu-system-x86 qemu-system-common busybox-static kmod cpio jq attr acl
      python3-libvirt openssh-server openssh-client qemu-utils ansible-core)
# The trixie stack's root is built with mmdebstrap (tests/lab/stack-trixie.sh).
if [ "$LAB_STACK" = trixie ]; then PKGS+=(mmdebstrap); fi
# VS_LAB_GUESTS: the guests the tests boot, "busybox" (always) and
# "debian13", the distribution guest built with mmdebstrap (distro.sh).
distro=false
case " ${VS_LAB_GUESTS:-busybox} " in *" debian13 "*) distro=true; PKGS+=(mmdebstrap e2fsprogs) ;; esac
export DEBIAN_FRONTEND=noninteractive

# jq and friends may be missing on a clean machine: only coreutils before step 1.
mkdir -p "$LAB_DEBS" "$LAB_GUEST" "$LAB_STATE" "$LAB_SHARES"
chmod 755 "$LAB_DIR" "$LAB_GUEST" "$LAB_STATE" "$LAB_SHARES"

# ---- 1. packages ----
# apt-get update at most once per run, and only if this lab has not done one in
# the last day (apt keeps the servers' mtimes on the lists, so use our stamp).
apt_updated=false
apt_update() {   # apt_update [force]
    local stamp=$LAB_STATE/apt-update.stamp
    $apt_updated && return 0
    if [ "${1:-}" != force ] && [ -n "$(find "$stamp" -mmin -1440 2>/dev/null)" ] \
        && compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null; then
        return 0
    fi
    log "apt-get update"
    apt-get update -q -o DPkg::Lock::Timeout=600 >>"$LAB_STATE/apt.log" 2>&1 \
        || { tail -20 "$LAB_STATE/apt.log" >&2; return 1; }
    touch "$stamp"
    apt_updated=true
}
missing_pkgs() {   # missing_pkgs PKG...: print those not installed
    local p installed
    installed=" $(dpkg-query -W -f='${Package}=${db:Status-Status} ' "$@" 2>/dev/null || true) "
    for p in "$@"; do
        [[ $installed == *" $p=installed "* ]] || echo "$p"
    done
}
apt_install() {   # apt_install PKG...: install, with no service started
    local own_policy=false rc=0
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\n# virt-share lab: no service starts during setup\nexit 101\n' \
            > /usr/sbin/policy-rc.d
        chmod 755 /usr/sbin/policy-rc.d
        own_policy=true
    fi
    log "apt-get install $*"
    # Another apt (a second lab stack's setup) may hold dpkg's lock: wait for it.
    apt-get install -y -q -o DPkg::Lock::Timeout=600 --no-install-recommends "$@" >>"$LAB_STATE/apt.log" 2>&1 || rc=$?
    if [ "$rc" -ne 0 ] && ! $apt_updated && apt_update force; then   # stale lists? retry once
        rc=0
        apt-get install -y -q -o DPkg::Lock::Timeout=600 --no-install-recommends "$@" >>"$LAB_STATE/apt.log" 2>&1 || rc=$?
    fi
    if $own_policy; then rm -f /usr/sbin/policy-rc.d; fi
    [ "$rc" -eq 0 ] || { tail -30 "$LAB_STATE/apt.log" >&2; echo "setup: apt-get install failed" >&2; }
    return "$rc"
}
t=$(lab_now)
mapfile -t missing < <(missing_pkgs "${PKGS[@]}")
if [ "${#missing[@]}" -gt 0 ]; then
    apt_update
    apt_install "${PKGS[@]}"
    t_apt=$(lab_since "$t")
fi

# ---- 2. guest kernel and qemu-ga: downloaded and extracted, never installed ----
t=$(lab_now)
# kernel_pkg: the versioned package linux-image-amd64 depends on, e.g.
# linux-image-6.1.0-56-amd64 (cached until the apt lists change: apt-cache is slow).
kernel_pkg() {
    local key cache=$LAB_STATE/kernel-pkg k pkg
    key=$(stat -c %Y /var/lib/apt/lists 2>/dev/null || echo none)
    if [ -s "$cache" ] && read -r k pkg < "$cache" && [ "$k" = "$key" ]; then
        echo "$pkg"
        return 0
    fi
    pkg=$(apt-cache depends linux-image-amd64 2>/dev/null \
        | awk '$1 ~ /Depends:$/ && $2 ~ /^linux-image-[0-9]/ { print $2; exit }')
    [ -n "$pkg" ] && echo "$key $pkg" > "$cache"
    echo "$pkg"
}
KPKG=$(kernel_pkg)
if [ -z "$KPKG" ]; then apt_update force; KPKG=$(kernel_pkg); fi
[ -n "$KPKG" ] || { echo "setup: cannot resolve linux-image-amd64's kernel package" >&2; exit 1; }
KVER=${KPKG#linux-image-}

# fetch_deb PKG: print the path of PKG's .deb in debs/, downloading it if absent.
fetch_deb() {
    local pkg=$1 f tmp
    for f in "$LAB_DEBS/${pkg}"_*.deb; do
        [ -s "$f" ] && { echo "$f"; return 0; }
    done
    log "downloading $pkg"
    tmp=$(mktemp -d "$LAB_DEBS/.dl.XXXXXX")
    # Download as root into our own directory, so apt does not warn about
    # the _apt sandbox user being unable to write there.
    if ! (cd "$tmp" && apt-get download -q -o APT::Sandbox::User=root "$pkg") >>"$LAB_STATE/apt.log" 2>&1; then
        apt_update force
        (cd "$tmp" && apt-get download -q -o APT::Sandbox::User=root "$pkg") >>"$LAB_STATE/apt.log" 2>&1 \
            || { tail -5 "$LAB_STATE/apt.log" >&2; rm -rf "$tmp"; return 1; }
    fi
    for f in "$tmp"/*.deb; do mv "$f" "$LAB_DEBS/"; echo "$LAB_DEBS/${f##*/}"; done
    rmdir "$tmp"
}
# extract DEB DIR: dpkg -x DEB into DIR, unless DIR already holds exactly DEB.
extract() {
    local deb=$1 dir=$2
    [ "$(cat "$dir/.vs-lab-deb" 2>/dev/null)" = "${deb##*/}" ] && return 0
    log "extracting ${deb##*/}"
    rm -rf "$dir" "$dir.tmp"
    mkdir -p "$dir.tmp"
    dpkg -x "$deb" "$dir.tmp"
    echo "${deb##*/}" > "$dir.tmp/.vs-lab-deb"
    mv "$dir.tmp" "$dir"
}
kdeb=$(fetch_deb "$KPKG")
qdeb=$(fetch_deb qemu-guest-agent)
extract "$kdeb" "$LAB_KROOT"
extract "$qdeb" "$LAB_QGAROOT"
# The .deb ships no modules.dep: depmod runs in its postinst.
kmods=$LAB_KROOT/lib/modules/$KVER
if [ ! -s "$kmods/modules.dep" ]; then
    log "depmod $KVER"
    depmod -b "$LAB_KROOT" "$KVER"
fi
# qemu-ga runs on the host's libraries: make sure its dependencies are present.
mapfile -t qdeps < <(dpkg-deb -f "$qdeb" Depends | tr ',' '\n' \
    | sed -e 's/|.*//' -e 's/(.*)//' -e 's/:any//' -e 's/[[:space:]]//g' | grep -v '^$')
mapfile -t missing < <(missing_pkgs "${qdeps[@]}")
if [ "${#missing[@]}" -gt 0 ]; then apt_update; apt_install "${missing[@]}"; fi
t_harvest=$(lab_since "$t")

# ---- 3. initramfs ----
QGA=$LAB_QGAROOT/usr/sbin/qemu-ga
# qga_libs: the shared objects qemu-ga needs, loader included, one path a line.
# (Parsed in bash: mawk has no \s, and the loader line has no "=>".)
qga_libs() {
    local out a b c
    out=$(ldd "$QGA") || return 1
    while read -r a b c _; do
        if [ "$b" = "=>" ]; then
            [ "$c" = not ] && { echo "setup: qemu-ga: $a not found on the host" >&2; return 1; }
            [ "${c#/}" != "$c" ] && echo "$c"
        elif [ "${a#/}" != "$a" ]; then
            echo "$a"
        fi
    done <<<"$out"
}
mapfile -t libs < <(qga_libs)
[ "${#libs[@]}" -gt 0 ] || { echo "setup: ldd found no libraries for $QGA" >&2; exit 1; }
# virtio_blk + ext4 (for ext2 images; ext4 always wants crc32c): an optional disk that keeps the guest's
# /etc/fstab across reboots (guest.sh --disk), to test add --persist.
WANT_CORE=(virtio_pci virtio_console virtio_blk crc32c_generic ext4)
WANT_FS=(9pnet_virtio 9p fuse virtiofs)
stamp=$( {
    echo "$KPKG ${kdeb##*/} ${qdeb##*/} busybox $(dpkg-query -W -f='${Version}' busybox-static)"
    echo "${WANT_CORE[*]} / ${WANT_FS[*]}"
    stat -L -c '%n %s %Y' "${libs[@]}" /bin/busybox
    cat "$here/setup.sh" "$here/init.sh" "$here/shutdown.sh" "$here/fake-agent.sh"
} | sha256sum | cut -c1-32)

# Module load order from modules.dep, depth first (dependencies before users).
declare -A moddep=() modpath=() seen=()
while IFS=: read -r rel deps; do
    n=${rel##*/}; n=${n%.ko*}; n=${n//-/_}
    modpath[$n]=$rel
    moddep[$n]=$deps
done < "$kmods/modules.dep"
order=()
visit() {
    local n=${1//-/_} d
    [ -n "${seen[$n]:-}" ] && return 0
    [ -n "${modpath[$n]:-}" ] || { echo "setup: module $n not in $KPKG" >&2; return 1; }
    seen[$n]=1
    for d in ${moddep[$n]}; do d=${d##*/}; visit "${d%.ko*}" || return 1; done
    order+=("${modpath[$n]}")
}
for m in "${WANT_CORE[@]}"; do visit "$m"; done
core=("${order[@]}")
for m in "${WANT_FS[@]}"; do visit "$m"; done
fs=("${order[@]:${#core[@]}}")

if $rebuild || [ ! -s "$LAB_GUEST/initramfs.cpio.gz" ] || [ ! -s "$LAB_GUEST/vmlinuz" ] \
    || [ "$(cat "$LAB_GUEST/stamp" 2>/dev/null)" != "$stamp" ]; then
    t=$(lab_now)
    root=$LAB_IROOT.tmp
    rm -rf "$root"
    mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc/vs-lab,proc,sys,dev,run,tmp,mnt,root,var,lib64}
    mknod -m 600 "$root/dev/console" c 5 1
    mknod -m 666 "$root/dev/null" c 1 3
    # busybox-static, every applet as a symlink.
    install -m 755 /bin/busybox "$root/bin/busybox"
    mapfile -t applets < <("$root/bin/busybox" --list-full)
    for applet in "${applets[@]}"; do
        [ -e "$root/$applet" ] || [ -L "$root/$applet" ] || ln -s /bin/busybox "$root/$applet"
    done
    install -m 755 "$here/init.sh" "$root/init"
    install -m 755 "$here/shutdown.sh" "$root/sbin/shutdown"
    install -m 755 "$here/fake-agent.sh" "$root/usr/sbin/vs-fake-agent"
    # qemu-ga and its libraries, at the paths ldd resolved them to.
    install -D -m 755 "$QGA" "$root/usr/sbin/qemu-ga"
    for lib in "${libs[@]}"; do
        mkdir -p "$root${lib%/*}"
        cp -L "$lib" "$root$lib"
    done
    chroot "$root" /usr/sbin/qemu-ga --version >/dev/null \
        || { echo "setup: qemu-ga does not run in the initramfs root (missing library?)" >&2; exit 1; }
    chroot "$root" /bin/sh -c 'true' \
        || { echo "setup: busybox sh does not run in the initramfs root" >&2; exit 1; }
    # Kernel modules, with their own modules.dep so that busybox modprobe works.
    for rel in "${order[@]}"; do
        install -D -m 644 "$kmods/$rel" "$root/lib/modules/$KVER/$rel"
    done
    cp "$kmods"/modules.{order,builtin,builtin.modinfo} "$root/lib/modules/$KVER/"
    depmod -b "$root" "$KVER"
    printf '%s\n' "${core[@]}" > "$root/etc/vs-lab/modules.core"
    printf '%s\n' "${fs[@]}" > "$root/etc/vs-lab/modules.fs"
    echo "$KVER" > "$root/etc/vs-lab/kver"
    (cd "$root" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet | gzip -6) \
        > "$LAB_GUEST/initramfs.cpio.gz.tmp"
    install -m 644 "$LAB_KROOT/boot/vmlinuz-$KVER" "$LAB_GUEST/vmlinuz.tmp"
    mv "$LAB_GUEST/vmlinuz.tmp" "$LAB_GUEST/vmlinuz"
    mv "$LAB_GUEST/initramfs.cpio.gz.tmp" "$LAB_GUEST/initramfs.cpio.gz"
    rm -rf "$LAB_IROOT"
    mv "$root" "$LAB_IROOT"
    echo "$KVER" > "$LAB_GUEST/kver"
    echo "$stamp" > "$LAB_GUEST/stamp"
    t_initramfs=$(lab_since "$t")
    log "initramfs built in $t_initramfs s: $(du -h "$LAB_GUEST/initramfs.cpio.gz" | cut -f1)," \
        "${#order[@]} modules (${order[*]##*/})"
fi
chmod 644 "$LAB_GUEST/vmlinuz" "$LAB_GUEST/initramfs.cpio.gz"

# ---- 3b. the Debian 13 guest image (cached; VS_LAB_GUESTS=debian13) ----
t_distro=cached
if $distro && ! lab_distro_ready; then
    t=$(lab_now)
    lab_distro_build || exit 1
    t_distro=$(lab_since "$t")
fi

if $guest_only; then
    echo "setup: guest ready in $(lab_since "$T0") s (apt $t_apt, harvest $t_harvest, initramfs $t_initramfs); kernel $KVER; lab dir $LAB_DIR"
    exit 0
fi

# ---- 4. daemons (tests/lab/daemons.sh: whatever answers, else our own) ----
t=$(lab_now)
# Before the daemons: a /dev/kvm QEMU's user cannot open makes every define
# probe QEMU again (lib.sh); teardown.sh puts it back.
lab_kvm_usable_begin || echo "setup: could not make /dev/kvm usable by $LAB_QEMU_USER; going on (slower)" >&2
lab_daemons_start || exit 1
t_daemons=$(lab_since "$t")

echo "setup: lab ready in $(lab_since "$T0") s (apt $t_apt, harvest $t_harvest," \
    "initramfs $t_initramfs, Debian 13 guest $($distro && echo "$t_distro" || echo no), daemons $t_daemons); kernel $KVER; lab dir $LAB_DIR;" \
    "daemon: $(lab_daemon_owner)"
