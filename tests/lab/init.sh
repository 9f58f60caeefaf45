#!/bin/sh
# /init of the lab guest's initramfs (busybox).  PID 1: must never exit.
# Kernel command line options:
#   vs_nomods           do not load the 9p/virtiofs modules (tests modprobe by virt-share)
#   vs_qga_block=LIST   start qemu-ga with --block-rpcs=LIST
export PATH=/sbin:/bin:/usr/sbin:/usr/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mkdir -p /dev/pts /run /tmp /mnt /var
mount -t devpts devpts /dev/pts
mount -t tmpfs run /run
mount -t tmpfs tmp /tmp
ln -sf /proc/self/mounts /etc/mtab
ln -sfn /run /var/run
hostname vs-guest

nomods=
block=
for w in $(cat /proc/cmdline); do
    case $w in
        vs_nomods) nomods=1 ;;
        vs_qga_block=*) block=${w#vs_qga_block=} ;;
    esac
done

for m in virtio_pci virtio_console; do modprobe "$m"; done
[ -n "$nomods" ] || for m in 9pnet_virtio 9p virtiofs; do modprobe "$m"; done

# No udev: make /dev/virtio-ports/NAME links ourselves once the port shows up.
i=0
while [ $i -lt 200 ]; do
    found=
    for n in /sys/class/virtio-ports/*/name; do
        [ -r "$n" ] || continue
        name=$(cat "$n")
        [ -n "$name" ] || continue
        mkdir -p /dev/virtio-ports
        ln -sf "../$(basename "$(dirname "$n")")" "/dev/virtio-ports/$name"
        found=1
    done
    [ -n "$found" ] && break
    i=$((i + 1)); usleep 20000
done
echo "vs-guest: init done, starting qemu-ga" > /dev/console

port=/dev/virtio-ports/org.qemu.guest_agent.0
while :; do
    if [ -e "$port" ]; then
        if [ -n "$block" ]; then
            qemu-ga -m virtio-serial -p "$port" -t /run -b "$block"
        else
            qemu-ga -m virtio-serial -p "$port" -t /run
        fi
    fi
    sleep 1
done
