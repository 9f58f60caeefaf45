#!/usr/bin/env bash
# Set up the lab, idempotently, on Debian 12 as root:
#  1. install libvirt, QEMU, busybox & co from Debian packages;
#  2. harvest the Debian kernel and qemu-ga (apt-get download + dpkg -x; not installed);
#  3. build the guest initramfs (busybox + qemu-ga + virtio/9p/virtiofs modules);
#  4. start virtlogd and libvirtd by hand (no systemd here), recording their pids.
# --rebuild: rebuild the initramfs even if its inputs did not change.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

rebuild=false
[ "${1:-}" = --rebuild ] && rebuild=true
[ "$(id -u)" -eq 0 ] || { echo "setup: must run as root" >&2; exit 1; }
T0=$(lab_now)

PKGS=(libvirt-daemon-system libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients
      qemu-system-x86 qemu-system-common busybox-static kmod cpio jq attr acl)

# ---- 1. packages ----
missing=()
for p in "${PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
    log "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null
    # No service may start from a maintainer script: there is no systemd here.
    own_policy=false
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
        chmod +x /usr/sbin/policy-rc.d
        own_policy=true
    fi
    apt-get install -y -q --no-install-recommends "${PKGS[@]}" >"$LAB_TOP/tests/lab-apt.log" 2>&1 \
        || { $own_policy && rm -f /usr/sbin/policy-rc.d; tail -20 "$LAB_TOP/tests/lab-apt.log"; exit 1; }
    $own_policy && rm -f /usr/sbin/policy-rc.d
    rm -f "$LAB_TOP/tests/lab-apt.log"
fi

# QEMU runs as libvirt-qemu: the guest files must sit below directories it can
# traverse.  If the checkout is somewhere private (e.g. /root), use /var/lib.
traversable() {
    local d=$1
    while [ "$d" != / ]; do
        [ -e "$d" ] && { [ "$(stat -c %A "$d" | cut -c10)" = x ] || return 1; }
        d=$(dirname "$d")
    done
}
if [ -z "${VS_LAB_DIR:-}" ] && ! traversable "$LAB_DIR"; then
    LAB_DIR=/var/lib/virt-share-lab
    LAB_STATE=$LAB_DIR/state
    LAB_GUEST=$LAB_DIR/guest
    log "checkout not traversable by libvirt-qemu; lab files go to $LAB_DIR"
fi
mkdir -p "$LAB_DIR"/{debs,guest,state}
chmod 755 "$LAB_DIR" "$LAB_GUEST" "$LAB_STATE"
echo "$LAB_DIR" > "$LAB_TOP/tests/.lab-dir"

# ---- 2. kernel and qemu-ga ----
KPKG=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
if [ -z "$KPKG" ]; then
    apt-get update -q >/dev/null
    KPKG=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
fi
KVER=${KPKG#linux-image-}
fetch_deb() {   # fetch_deb PKG DIR: download and extract once
    local pkg=$1 dir=$2
    [ -d "$dir" ] && return 0
    if ! ls "$LAB_DIR/debs/${pkg}"_*.deb >/dev/null 2>&1; then
        log "downloading $pkg"
        (cd "$LAB_DIR/debs" && apt-get download -q "$pkg" 2>&1 | grep -v "unsandboxed" || true)
    fi
    mkdir -p "$dir.tmp"
    dpkg -x "$LAB_DIR"/debs/"${pkg}"_*.deb "$dir.tmp"
    mv "$dir.tmp" "$dir"
}
fetch_deb "$KPKG" "$LAB_DIR/kernel-root"
fetch_deb qemu-guest-agent "$LAB_DIR/qga-root"
[ -f "$LAB_DIR/kernel-root/lib/modules/$KVER/modules.dep" ] || depmod -b "$LAB_DIR/kernel-root" "$KVER"

# ---- 3. initramfs ----
inputs=$(cat "$here/init.sh" "$here/shutdown.sh" "$here/setup.sh" | sha256sum | cut -c1-16)
stamp="$KPKG $(dpkg-query -W -f='${Version}' busybox-static) $(ls "$LAB_DIR"/debs/qemu-guest-agent_*.deb) $inputs"
if $rebuild || [ ! -s "$LAB_GUEST/initramfs.cpio.gz" ] || [ "$(cat "$LAB_GUEST/stamp" 2>/dev/null)" != "$stamp" ]; then
    t=$(lab_now)
    root=$LAB_DIR/initramfs-root
    rm -rf "$root"
    mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,run,tmp,mnt,root,var,lib64}
    cp /bin/busybox "$root/bin/busybox"
    for applet in $("$root/bin/busybox" --list-full); do
        [ -e "$root/$applet" ] || ln -s /bin/busybox "$root/$applet"
    done
    rm -f "$root/sbin/shutdown"
    install -m 755 "$here/shutdown.sh" "$root/sbin/shutdown"
    install -m 755 "$here/init.sh" "$root/init"
    # qemu-ga and the libraries it links against (paths as ldd prints them).
    install -D -m 755 "$LAB_DIR/qga-root/usr/sbin/qemu-ga" "$root/usr/sbin/qemu-ga"
    ldd "$root/usr/sbin/qemu-ga" | tr -s ' \t' ' ' | while read -r a b c _; do
        if [ "$b" = "=>" ] && [ -n "$c" ] && [ "$c" != "not" ]; then lib=$c
        elif [ "${a#/}" != "$a" ]; then lib=$a
        else continue; fi
        mkdir -p "$root$(dirname "$lib")"
        cp -L "$lib" "$root$lib"
    done
    chroot "$root" /usr/sbin/qemu-ga --version >/dev/null \
        || { echo "setup: qemu-ga does not run in the initramfs (missing library?)" >&2; exit 1; }
    # Kernel modules: the ones /init loads and everything they depend on.
    kroot=$LAB_DIR/kernel-root/lib/modules/$KVER
    wanted="virtio_pci virtio_console 9pnet_virtio 9p virtiofs"
    mods=$(for m in $wanted; do modprobe -d "$LAB_DIR/kernel-root" -S "$KVER" --show-depends "$m"; done \
           | awk '$1 == "insmod" { print $2 }' | sort -u)
    for f in $mods; do
        rel=${f#"$LAB_DIR/kernel-root"}
        mkdir -p "$root$(dirname "$rel")"
        cp "$f" "$root$rel"
    done
    cp "$kroot"/modules.{order,builtin,builtin.modinfo} "$root/lib/modules/$KVER/" 2>/dev/null || true
    depmod -b "$root" "$KVER"
    (cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$LAB_GUEST/initramfs.cpio.gz.tmp"
    mv "$LAB_GUEST/initramfs.cpio.gz.tmp" "$LAB_GUEST/initramfs.cpio.gz"
    cp "$LAB_DIR/kernel-root/boot/vmlinuz-$KVER" "$LAB_GUEST/vmlinuz"
    echo "$stamp" > "$LAB_GUEST/stamp"
    log "initramfs built in $(lab_since "$t") s ($(du -h "$LAB_GUEST/initramfs.cpio.gz" | cut -f1), $(echo "$mods" | wc -w) modules)"
fi
chmod 644 "$LAB_GUEST/vmlinuz" "$LAB_GUEST/initramfs.cpio.gz"

# ---- 4. daemons ----
start_daemon() {   # start_daemon NAME
    local name=$1
    if lab_pid_alive "$LAB_STATE/$name.pid" "$name"; then return 0; fi
    rm -f "$LAB_STATE/$name.pid"
    LIBVIRT_LOG_OUTPUTS="3:file:$LAB_STATE/$name.log" \
        "/usr/sbin/$name" --daemon --pid-file "$LAB_STATE/$name.pid"
    for _ in $(seq 1 100); do
        lab_pid_alive "$LAB_STATE/$name.pid" "$name" && { log "started $name ($(cat "$LAB_STATE/$name.pid"))"; return 0; }
        sleep 0.05
    done
    echo "setup: $name did not start; see $LAB_STATE/$name.log" >&2
    return 1
}
start_daemon virtlogd
start_daemon libvirtd
delay=0.05
for _ in $(seq 1 100); do
    virsh -c "$LAB_URI" version >/dev/null 2>&1 && break
    sleep "$delay"
    delay=$(awk -v d="$delay" 'BEGIN { d *= 2; if (d > 0.5) d = 0.5; print d }')
done
virsh -c "$LAB_URI" version >/dev/null || { echo "setup: libvirtd does not answer" >&2; exit 1; }

log "lab ready in $(lab_since "$T0") s: kernel $KVER, guest files in $LAB_GUEST"
