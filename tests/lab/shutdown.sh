#!/bin/sh
# /sbin/shutdown of the lab guest.  qemu-ga 7.2's guest-shutdown runs
#   /sbin/shutdown -h -P|-H|-r +0 "hypervisor initiated shutdown"
# and waits for it to exit 0 (it sends no reply on success).  Act in the
# background a moment later with busybox reboot/poweroff/halt -f, which call
# reboot(2) directly: there is no init system to ask.
act=poweroff
for a in "$@"; do
    case $a in
        -r) act=reboot ;;
        -H) act=halt ;;
        -P) act=poweroff ;;
    esac
done
echo "vs-lab: shutdown $* -> $act -f" > /dev/console
(usleep 100000; sync; "$act" -f) </dev/null >/dev/null 2>&1 &
exit 0
