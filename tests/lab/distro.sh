# tests/lab/distro.sh: sourced by setup.sh (after lib.sh and daemons.sh) and
# by the e2e.  The lab's distribution guest: Debian 13 (trixie) built from
# Debian packages with mmdebstrap into an ext4 disk image (no partition
# table: root=/dev/vda), booted with direct kernel boot from the kernel and
# initrd Debian's own packages made.  systemd is PID 1, qemu-ga is Debian's
# service (started by udev when its port appears), /etc/fstab is read by
# systemd-fstab-generator, shutdown goes through systemd; no network.
# Built once and cached under the lab directory (a changed package list or
# this file rebuilds it); each test boots a copy-on-write overlay of it.
# shellcheck shell=bash

LAB_DISTRO_DIR=$LAB_DIR/distro/debian13
LAB_DISTRO_PKGS=systemd-sysv,udev,dbus,kmod,qemu-guest-agent,linux-image-amd64,initramfs-tools,zstd
LAB_DISTRO_SIZE=3G

# lab_distro_stamp: what the cached image was built from.
lab_distro_stamp() {
    { echo "trixie $LAB_DISTRO_PKGS $LAB_DISTRO_SIZE"; declare -f lab_distro_build lab_distro_image; } \
        | sha256sum | cut -c1-32
}

# lab_distro_ready: the cached image, kernel and initrd are there and current.
lab_distro_ready() {
    [ -s "$LAB_DISTRO_DIR/disk.raw" ] && [ -s "$LAB_DISTRO_DIR/vmlinuz" ] \
        && [ -s "$LAB_DISTRO_DIR/initrd.img" ] \
        && [ "$(cat "$LAB_DISTRO_DIR/stamp" 2>/dev/null)" = "$(lab_distro_stamp)" ]
}

# lab_distro_build: build the image (mmdebstrap: a few minutes from the
# mirror on a loaded 2-core host, most of it dpkg and the initrd Debian's
# kernel package generates), then lab_distro_image.
lab_distro_build() {
    local dir=$LAB_DISTRO_DIR mirror t
    lab_distro_ready && return 0
    if ! command -v mmdebstrap >/dev/null || ! command -v mkfs.ext4 >/dev/null; then
        echo "setup: mmdebstrap and mkfs.ext4 are needed for the Debian 13 guest" >&2
        return 1
    fi
    mirror=$(lab_debian_mirror)
    log "building the Debian 13 guest image with mmdebstrap from $mirror (once; cached in $dir)"
    t=$(lab_now)
    rm -rf "$dir.tmp"
    mkdir -p "$dir.tmp"
    # Recommends off: what the guest runs is named here.  The initrd is made
    # by initramfs-tools (MODULES=most) when the kernel package installs.
    mmdebstrap --variant=apt --include="$LAB_DISTRO_PKGS" \
        --aptopt='Apt::Install-Recommends "false"' \
        --customize-hook='chroot "$1" systemd-machine-id-setup' \
        trixie "$dir.tmp/root" "deb $mirror trixie main" >"$LAB_STATE/mmdebstrap-distro.log" 2>&1 \
        || { tail -20 "$LAB_STATE/mmdebstrap-distro.log" >&2
             echo "setup: mmdebstrap (Debian 13 guest) failed; see $LAB_STATE/mmdebstrap-distro.log" >&2
             return 1; }
    log "Debian 13 root built in $(lab_since "$t") s"
    lab_distro_image
}

# lab_distro_image: from the root mmdebstrap made in $LAB_DISTRO_DIR.tmp/root,
# the kernel, the initrd and the ext4 image; then the cache is replaced.
lab_distro_image() {
    local dir=$LAB_DISTRO_DIR root=$LAB_DISTRO_DIR.tmp/root kver m
    kver=$(find "$root/boot" -maxdepth 1 -name 'vmlinuz-*' -printf '%f\n' | sed 's/^vmlinuz-//' | sort -V | tail -1)
    if [ -z "$kver" ] || [ ! -s "$root/boot/initrd.img-$kver" ]; then
        echo "setup: the Debian 13 guest has no kernel or initrd in /boot" >&2
        return 1
    fi
    # 9p and virtiofs are there, as modules or built in (6.12: virtiofs is).
    for m in fs/9p/9p net/9p/9pnet_virtio fs/fuse/virtiofs; do
        find "$root/lib/modules/$kver/kernel/$m.ko"* 2>/dev/null | grep -q . \
            || grep -q "^kernel/$m.ko" "$root/lib/modules/$kver/modules.builtin" \
            || { echo "setup: the Debian 13 kernel $kver has no ${m##*/}" >&2; return 1; }
    done
    install -m 644 "$root/boot/vmlinuz-$kver" "$dir.tmp/vmlinuz"
    install -m 644 "$root/boot/initrd.img-$kver" "$dir.tmp/initrd.img"
    printf '/dev/vda / ext4 rw,errors=remount-ro 0 1\n' >"$root/etc/fstab"
    echo vs-debian13 >"$root/etc/hostname"
    echo "$kver" >"$dir.tmp/kver"
    rm -f "$dir.tmp/disk.raw"
    truncate -s "$LAB_DISTRO_SIZE" "$dir.tmp/disk.raw"
    mkfs.ext4 -q -L vs-root -d "$root" "$dir.tmp/disk.raw" \
        || { echo "setup: mkfs.ext4 -d failed for the Debian 13 guest" >&2; return 1; }
    rm -rf "$root"
    chmod 644 "$dir.tmp/disk.raw"
    lab_distro_stamp >"$dir.tmp/stamp"
    rm -rf "$dir"
    mv "$dir.tmp" "$dir"
    log "Debian 13 guest image ready: kernel $kver, $(du -h "$dir/disk.raw" | cut -f1) used of $LAB_DISTRO_SIZE"
}

# lab_distro_disk NAME: a fresh copy-on-write overlay of the cached image for
# domain NAME (its changes, e.g. /etc/fstab, never reach the cache).
lab_distro_disk() {
    local disk=$LAB_STATE/$1-disk.qcow2
    rm -f "$disk"
    qemu-img create -q -f qcow2 -F raw -b "$LAB_DISTRO_DIR/disk.raw" "$disk" >/dev/null || return 1
    printf '%s\n' "$disk"
}
