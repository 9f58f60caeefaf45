#!/bin/sh
# /init of the lab guest (busybox sh, PID 1: must never exit).
# Kernel command line options:
#   vs_nomods           load only virtio_pci + virtio_console, not the 9p,
#                       virtiofs and fuse modules (they stay modprobe-able)
#   vs_qga_block=LIST   run qemu-ga with -b LIST (comma-separated commands)
#   vs_fake_agent       run the hostile fake agent (fake-agent.sh) instead of qemu-ga
# qemu-ga inherits PATH: guest-exec looks programs up in it.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
umask 022

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm /run /tmp /mnt /var
mount -t devpts devpts /dev/pts
mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs /run
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /tmp
ln -sfn /proc/self/mounts /etc/mtab
ln -sfn /run /var/run
: > /etc/fstab
exec 0</dev/console 1>/dev/console 2>&1

say() { echo "vs-lab-init: $*"; }

nomods=
block=
fake=
read -r cmdline < /proc/cmdline
for w in $cmdline; do
    case $w in
        vs_nomods) nomods=1 ;;
        vs_qga_block=*) block=${w#vs_qga_block=} ;;
        vs_fake_agent) fake=1 ;;
    esac
done

# Module lists (paths below /lib/modules/KVER, in load order) come from setup.sh.
kdir=/lib/modules/$(uname -r)
load() {
    while read -r ko; do
        [ -n "$ko" ] && { insmod "$kdir/$ko" || say "insmod $ko failed"; }
    done < "$1"
}
load /etc/vs-lab/modules.core
if [ -n "$nomods" ]; then
    say "vs_nomods: 9p/virtiofs/fuse modules not loaded"
else
    load /etc/vs-lab/modules.fs
fi

# A disk (guest.sh --disk) keeps /etc/fstab across reboots: mount it, link
# /etc/fstab to it and mount what it lists, as a distribution's boot would.
i=0
while [ ! -b /dev/vda ] && [ -d /sys/bus/virtio/drivers/virtio_blk ] && [ $i -lt 100 ]; do
    for b in /sys/block/vd*; do [ -e "$b" ] && break 2; done
    usleep 20000
    i=$((i + 1))
done
if [ -b /dev/vda ] && mkdir -p /persist && mount -t ext2 /dev/vda /persist; then
    [ -e /persist/fstab ] || : > /persist/fstab
    ln -sfn /persist/fstab /etc/fstab
    if grep -qE '[[:space:]](9p|virtiofs)[[:space:]]' /etc/fstab; then
        [ -n "$nomods" ] && load /etc/vs-lab/modules.fs
        # systemd creates missing mount points; busybox mount -a does not,
        # and this root is a fresh initramfs at every boot.
        while read -r spec file rest || [ -n "$spec" ]; do   # a last line may lack its newline
            case $spec in ''|\#*) continue ;; esac
            mkdir -p "$(echo "$file" | sed 's/\\040/ /g')"
        done < /etc/fstab
        mount -a && say "mounted the file systems in /etc/fstab"
    fi
fi

# No udev: make the /dev/virtio-ports/NAME links ourselves.
link_ports() {
    for n in /sys/class/virtio-ports/*/name; do
        [ -r "$n" ] || continue
        name=$(cat "$n")
        [ -n "$name" ] || continue
        dev=${n%/name}
        ln -sfn "../${dev##*/}" "/dev/virtio-ports/$name"
    done
}
port=/dev/virtio-ports/org.qemu.guest_agent.0
mkdir -p /dev/virtio-ports
# The agent's port shows up asynchronously after virtio_console: wait up to 5 s.
i=0
while [ ! -e "$port" ] && [ $i -lt 500 ]; do
    link_ports
    [ -e "$port" ] || usleep 10000
    i=$((i + 1))
done
say "${block:+qemu-ga blocked commands: $block; }$([ -e "$port" ] && echo "starting qemu-ga" \
    || echo "no $port yet (no agent channel?)")"

# Respawn qemu-ga forever (busybox sh reaps orphans while it waits); back off
# if it keeps dying at once; without a port, look for one every second.
fails=0
while :; do
    if [ ! -e "$port" ]; then
        sleep 1
        link_ports
        continue
    fi
    t=$(date +%s)
    if [ -n "$fake" ]; then
        /usr/sbin/vs-fake-agent "$port"
    elif [ -n "$block" ]; then
        qemu-ga -m virtio-serial -p "$port" -t /run -b "$block"
    else
        qemu-ga -m virtio-serial -p "$port" -t /run
    fi
    say "qemu-ga exited ($?), restarting"
    if [ $(($(date +%s) - t)) -ge 10 ]; then fails=0; else fails=$((fails + 1)); fi
    if [ $fails -ge 5 ]; then sleep 2; else usleep 200000; fi
done
