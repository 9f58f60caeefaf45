#!/bin/sh
# /sbin/shutdown in the lab guest.  qemu-ga 7.2's guest-shutdown runs
# "/sbin/shutdown -h -P|-r|-H +0 MESSAGE" and waits for it: answer at once and
# act a moment later (busybox reboot/poweroff -f call reboot(2) directly).
act=poweroff
for a in "$@"; do
    case $a in
        -r) act=reboot ;;
        -H) act=halt ;;
    esac
done
( usleep 200000; sync; "$act" -f ) </dev/null >/dev/null 2>&1 &
exit 0
