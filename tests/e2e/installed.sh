#!/usr/bin/env bash
# The installed system, tested as installed: the Debian packages of
# tests/pkg/deb.sh in a Debian root booted with systemd as PID 1
# (systemd-nspawn), relying only on what the package ships: the watcher
# unit with its sandbox, the libvirt daemon as the distribution starts it
# (socket units), the hook as libvirt loads it, the user unit of a desktop
# session with lingering.  In the root, with the packaged binaries:
#  - a share added to a running guest is mounted again after a reboot inside
#    the guest, virsh reboot, shutdown and start, and a restart of the
#    libvirt daemon (the watcher reconnects); each prints the time from the
#    agent answering to the share mounted;
#  - the hook refuses a start the host path policy denies (virsh shows why);
#  - systemd-analyze security rates the unit no worse than recorded;
#  - a user unit started before the session daemon waits with one line,
#    then mounts the share again after the session guest reboots;
#  - apt-get purge leaves no file, unit, link or runtime directory.
# Stacks (VS_INSTALLED_STACKS, default "debian12 debian13"): Debian 12's
# monolithic libvirtd, Debian 13's daemons as its packages set them up.
# A root that cannot boot here is a SKIP with what was measured.
# The roots are built once with mmdebstrap and cached in the lab directory;
# each run boots an overlay of one, thrown away afterwards.  Nothing on the
# host is touched: no daemon, no /etc/libvirt, no /etc/fstab.
# VS_INSTALLED_DEBS=DIR: the virt-share_*.deb to test (run-all.sh passes
# deb.sh's); otherwise tests/pkg/deb.sh --build-only builds them.
# Run as root.  Prints TAP (tests/tap.sh).
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source=../tap.sh
. "$top/tests/tap.sh"
# shellcheck source=../lab/lib.sh
. "$top/tests/lab/lib.sh"
# shellcheck source=../lab/stack-trixie.sh
. "$top/tests/lab/stack-trixie.sh"   # lab_debian_mirror

[ "$(id -u)" -eq 0 ] || tap_bail "needs root (mmdebstrap, systemd-nspawn)"
if ! command -v systemd-nspawn >/dev/null || ! command -v mmdebstrap >/dev/null; then
    apt-get install -y -q --no-install-recommends systemd-container mmdebstrap >/dev/null 2>&1 ||
        { apt-get update -q >/dev/null 2>&1 &&
          apt-get install -y -q --no-install-recommends systemd-container mmdebstrap >/dev/null 2>&1; } ||
        tap_bail "cannot install systemd-container and mmdebstrap"
fi
grep -qw overlay /proc/filesystems || modprobe overlay 2>/dev/null || tap_bail "no overlay file system"

INST_DIR=$LAB_DIR/installed
# What the roots hold besides the package: systemd as init, D-Bus and logind
# (lingering users), the libvirt daemons, and the package's libraries, so
# that installing it needs no download and a purge can be compared file by
# file with the root before the install.
INST_PKGS=systemd-sysv,dbus,libpam-systemd,libvirt-daemon-system,libvirt-daemon-driver-qemu,libvirt-clients,qemu-system-x86,libjson-glib-1.0-0,libxml2,libacl1
# Debian 13's QEMU no longer ships virtiofsd (the package suggests it).
declare -A INST_EXTRA=([bookworm]='' [trixie]=',virtiofsd')
# systemd-analyze security's exposure of the watcher unit, as measured when
# the unit last changed; a higher number is a regression.
declare -A MAX_EXPOSURE=([debian12]=0.8 [debian13]=0.8)
GUEST=vs-inst-guest HOOKDOM=vs-inst-hook SGUEST=vs-inst-sguest
VUSER=vs-inst-user
SHARE=/srv/vs-inst-share DENIED=/srv/vs-inst-denied MNT=/mnt/vs-inst
T0=$SECONDS
export DEBIAN_FRONTEND=noninteractive

# ---- the packages and the guest ----
debs=${VS_INSTALLED_DEBS:-}
if [ -z "$debs" ]; then
    debs=$INST_DIR/debs
    rm -rf "$debs"
    t=$SECONDS
    bash "$top/tests/pkg/deb.sh" --build-only "$debs" >"$INST_DIR.deb.log" 2>&1 ||
        { tail -20 "$INST_DIR.deb.log"; tap_bail "tests/pkg/deb.sh --build-only failed"; }
    tap_diag "packages built in $((SECONDS - t)) s"
fi
deb=$(compgen -G "$debs/virt-share_*.deb" | head -1)
[ -n "$deb" ] || tap_bail "no virt-share_*.deb in $debs"
mkdir -p "$LAB_STATE"   # run alone, before any other part made it
bash "$top/tests/lab/setup.sh" --guest-only >"$LAB_STATE/installed-setup.log" 2>&1 ||
    { tail -20 "$LAB_STATE/installed-setup.log"; tap_bail "the lab's guest did not build"; }

# ---- one booted root at a time; cleaned up whatever happens ----
RUN='' NPID='' CPID='' STACK=''
cleanup() {
    local i
    if [ -n "$NPID" ] && kill -0 "$NPID" 2>/dev/null; then
        kill -TERM "$NPID" 2>/dev/null   # nspawn powers the container off
        for ((i = 0; i < 150; i++)); do kill -0 "$NPID" 2>/dev/null || break; sleep 0.2; done
        kill -KILL "$NPID" 2>/dev/null
        wait "$NPID" 2>/dev/null
    fi
    NPID='' CPID=''
    if [ -n "$RUN" ]; then
        mountpoint -q "$RUN/merged" && umount -l "$RUN/merged"
        rm -rf "$RUN"
        RUN=''
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# build_root SUITE: the cached root of SUITE (mmdebstrap once; a changed
# package list rebuilds it).  Prints its path.
build_root() {
    local suite=$1 root=$INST_DIR/$1/root pkgs stamp t
    pkgs=$INST_PKGS${INST_EXTRA[$suite]}
    stamp="$suite $pkgs"
    if [ "$(cat "$root.stamp" 2>/dev/null)" != "$stamp" ] || [ ! -x "$root/lib/systemd/systemd" ]; then
        t=$SECONDS
        rm -rf "$root" "$root.tmp"
        mkdir -p "${root%/*}"
        mmdebstrap --variant=apt --include="$pkgs" "$suite" "$root.tmp" \
            "deb $(lab_debian_mirror) $suite main" >"${root%/*}/mmdebstrap.log" 2>&1 ||
            { tail -20 "${root%/*}/mmdebstrap.log" >&2; return 1; }
        mv "$root.tmp" "$root" && echo "$stamp" >"$root.stamp" || return 1
        echo "# $suite root built in $((SECONDS - t)) s: $(du -sh "$root" | cut -f1)" >&2
    fi
    printf '%s\n' "$root"
}

# x CMD...: CMD in the container, as root, with a clean environment.
x() { nsenter -t "$CPID" -a -- /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"; }
# xu CMD...: CMD in the container as the desktop user, in its session's environment.
xu() {
    x /usr/sbin/runuser -u "$VUSER" -- /usr/bin/env -i PATH=/usr/bin:/bin LANG=C.UTF-8 HOME="/home/$VUSER" \
        USER="$VUSER" XDG_RUNTIME_DIR="/run/user/$VUID" DBUS_SESSION_BUS_ADDRESS="unix:path=/run/user/$VUID/bus" "$@"
}
# The lab's guest oracle (lab_qga, lab_guest_exec, ...) calls virsh: here
# the container's own, as root or as the user (VIRSH).
VIRSH=(x virsh)
virsh() { "${VIRSH[@]}" "$@"; }
as_system() { VIRSH=(x virsh); LAB_URI=qemu:///system; }
as_session() { VIRSH=(xu virsh); LAB_URI=qemu:///session; }

# boot ROOT NAME [ENV=VALUE...]: an overlay of ROOT booted with systemd as
# PID 1 (sets RUN, NPID, CPID); 0 once the system is up.
boot() {
    local root=$1 name=$2 i state=
    shift 2
    RUN=$(mktemp -d "$INST_DIR/run.XXXXXX") || return 1
    mkdir -p "$RUN/upper" "$RUN/work" "$RUN/merged"
    mount -t overlay vs-inst -o "lowerdir=$root,upperdir=$RUN/upper,workdir=$RUN/work" "$RUN/merged" || return 1
    # The cgroup v1 controllers are read-only in the container: libvirt
    # must not try to create its own groups there.
    echo 'cgroup_controllers = [ ]' >>"$RUN/merged/etc/libvirt/qemu.conf"
    env "$@" systemd-nspawn -q --register=no --keep-unit --console=passive \
        -D "$RUN/merged" -M "$name" -b >"$RUN/nspawn.log" 2>&1 &
    NPID=$!
    for ((i = 0; i < 100; i++)); do
        kill -0 "$NPID" 2>/dev/null || return 1
        CPID=$(pgrep -P "$NPID" | head -1)
        [ -n "$CPID" ] && [ "$(cat "/proc/$CPID/comm" 2>/dev/null)" = systemd ] && break
        CPID=''
        sleep 0.2
    done
    [ -n "$CPID" ] || return 1
    for ((i = 0; i < 120; i++)); do
        kill -0 "$NPID" 2>/dev/null || return 1
        state=$(timeout 10 nsenter -t "$CPID" -a systemctl is-system-running 2>/dev/null)
        case $state in running | degraded) return 0 ;; esac
        sleep 1
    done
    echo "system state after 120 s: ${state:-no answer}" >>"$RUN/nspawn.log"
    return 1
}

# snapshot FILE: every path in the container's file systems (each mount on
# its own: / and /run), but for what changes by itself.
snapshot() {
    x find / /run -xdev \( -path /var/lib/vs-inst -o -path /root/vs-inst-debs \) -prune -o -print | LC_ALL=C sort >"$1"
}

# wait_for SECONDS CMD...: poll CMD every 0.2 s until it succeeds.
wait_for() {
    local n=$(($1 * 5))
    shift
    while ((n-- > 0)); do "$@" && return 0; sleep 0.2; done
    return 1
}
dom_state() { virsh -q -c "$LAB_URI" domstate "$1" 2>/dev/null | head -1; }
is_shut_off() { [ "$(dom_state "$1")" = "shut off" ]; }
# new_boot DOM OLD: the guest's agent answers from a boot other than OLD.
new_boot() { local b; b=$(lab_boot_id "$1" 2>/dev/null) && [ -n "$b" ] && [ "$b" != "$2" ]; }
# reads_stamp DOM FILE TEXT: the guest reads TEXT in FILE.
reads_stamp() { [ "$(lab_guest_exec "$1" /bin/cat "$2" 2>/dev/null)" = "$3" ]; }

# remounted NAME DOM HOSTDIR GUESTDIR OLD_BOOT WRITE...: the guest left boot
# OLD_BOOT and its agent answers again; then a file written on the host side
# (by WRITE, which reads its text on stdin) is read in the guest through
# the share.  Prints the time from the agent answering to that.
remounted() {
    local name=$1 dom=$2 hdir=$3 gdir=$4 old=$5 text t_agent
    shift 5
    if ! wait_for 180 new_boot "$dom" "$old"; then
        tap_not_ok "$name: the guest rebooted and its agent answers" "state $(dom_state "$dom")"
        tap_not_ok "$name: the share is mounted again (a file written on the host is read in the guest)" "no agent"
        return 1
    fi
    t_agent=$(lab_now)
    tap_ok "$name: the guest rebooted and its agent answers"
    text="$name $RANDOM$RANDOM"
    "$@" sh -c 'cat >"$1"' _ "$hdir/stamp" <<<"$text"
    if wait_for 60 reads_stamp "$dom" "$gdir/stamp" "$text"; then
        TIMES+=("$STACK: $name: agent answering to share mounted $(lab_since "$t_agent") s")
        tap_ok "$name: the share is mounted again (a file written on the host is read in the guest)"
    else
        tap_not_ok "$name: the share is mounted again (a file written on the host is read in the guest)" \
            "guest mounts: $(lab_guest_exec "$dom" /bin/cat /proc/mounts 2>&1 | grep -F "$gdir")"
    fi
}

# guest_xml NAME DIR: the lab's busybox guest, its kernel, initrd and
# console log under DIR (a path in the container).
guest_xml() {
    local xml
    xml=$(bash "$top/tests/lab/guest.sh" "$1") || return 1
    xml=${xml//"$LAB_GUEST/"/"$2/"}
    printf '%s\n' "${xml//"$LAB_STATE/"/"$2/"}"
}

# journal_of UNIT [--user]: the unit's messages in this boot.
journal_of() {
    if [ "${2:-}" = --user ]; then
        x journalctl -b -q -o cat "_SYSTEMD_USER_UNIT=$1" "_UID=$VUID"
    else
        x journalctl -b -q -o cat -u "$1"
    fi
}

# journal_grep PATTERN UNIT [--user]: the unit said PATTERN in this boot.
journal_grep() { journal_of "${@:2}" | grep -q -- "$1"; }
# journal_more N PATTERN UNIT [--user]: it said PATTERN more than N times.
journal_more() { [ "$(journal_of "${@:3}" | grep -c -- "$2")" -gt "$1" ]; }
# linger: the user's systemd instance runs (its private socket is there).
user_manager() { x test -S "/run/user/$VUID/systemd/private"; }
system_answers() { x virsh -q -c qemu:///system uri >/dev/null 2>&1; }
unit_show() { xu systemctl --user show -p "$1" --value virt-share-watch.service; }
# user_manager_diag: how systemctl fares with the user's manager now, and
# what the manager logged (when the core's reading failed).
user_manager_diag() {
    local t0 r
    t0=$(lab_now)
    r=$(xu systemctl --user is-enabled virt-share-watch.service 2>&1)
    tap_diag "systemctl --user is-enabled: $r ($(lab_since "$t0") s)" \
        "$(x journalctl -b -q -o short-precise --since=-60s _SYSTEMD_UNIT="user@$VUID.service" _PID="$(x systemctl show -p MainPID --value "user@$VUID.service")" | tail -15)" \
        "$(x ps -o pid,stat,wchan:20,etime,cmd -u "$VUSER" | head -20)"
}
unit_enabled() { xu systemctl --user is-enabled virt-share-watch.service; }
unit_active() { xu systemctl --user -q is-active virt-share-watch.service; }
load_state() { x systemctl show -p LoadState --value virt-share-watch.service; }

# ---- the suite, on a booted root ----
suite() {
    local daemon left exposure out rc old t n
    TAP_PREFIX="[$STACK] "
    tap_check "systemd is PID 1 in the container" test "$(x cat /proc/1/comm)" = systemd
    tap_diag "$(x systemctl --version | head -1); $(x virsh --version 2>&1 | sed 's/^/virsh /')"
    # The daemon the distribution starts for qemu:///system: modular
    # virtqemud where its socket is enabled, else the monolithic libvirtd.
    daemon=libvirtd
    x systemctl -q is-enabled virtqemud.socket 2>/dev/null && daemon=virtqemud
    tap_diag "libvirt daemon as the packages set it up: $daemon" \
        "$(x systemctl list-unit-files --no-legend 'libvirtd*' 'virtqemud*' | tr -s ' ' | tr '\n' ';')"
    tap_check "$daemon.socket is active (socket activation, as the distribution sets it up)" \
        x systemctl -q is-active "$daemon.socket"
    as_system
    tap_check "qemu:///system answers" wait_for 60 system_answers

    # the desktop user and the guest files, before the install's snapshot
    x useradd -m -s /bin/bash "$VUSER" || return 1
    VUID=$(x id -u "$VUSER")
    x install -d -m 755 /var/lib/vs-inst /var/lib/vs-inst/guest "$SHARE" "$DENIED" || return 1
    cp "$LAB_GUEST/vmlinuz" "$LAB_GUEST/initramfs.cpio.gz" "$RUN/merged/var/lib/vs-inst/guest/" || return 1
    x chown libvirt-qemu "$SHARE" "$DENIED"
    mkdir -p "$RUN/merged/root/vs-inst-debs" && cp "$deb" "$RUN/merged/root/vs-inst-debs/" || return 1
    snapshot "$RUN/before"

    # ---- install, enable, no configuration ----
    out=$(x apt-get install -y -q --no-install-recommends "/root/vs-inst-debs/${deb##*/}" 2>&1)
    rc=$?
    if [ "$rc" -eq 0 ]; then tap_ok "apt-get install ${deb##*/}"; else tap_not_ok "apt-get install ${deb##*/}" "$(tail -20 <<<"$out")"; return 1; fi
    tap_check "systemctl enable --now virt-share-watch" x systemctl enable -q --now virt-share-watch
    tap_check "the watcher runs with no configuration (journal: watching the default hypervisor)" \
        wait_for 30 journal_grep "watching the default hypervisor" virt-share-watch.service

    # ---- systemd-analyze security ----
    out=$(x systemd-analyze security --no-pager virt-share-watch.service 2>&1)
    exposure=$(sed -n 's/^.*Overall exposure level for [^:]*: \([0-9.]*\).*$/\1/p' <<<"$out")
    if [ -n "$exposure" ] && awk -v e="$exposure" -v m="${MAX_EXPOSURE[$STACK]}" 'BEGIN { exit !(e <= m) }'; then
        tap_ok "systemd-analyze security virt-share-watch: exposure $exposure (recorded: at most ${MAX_EXPOSURE[$STACK]})"
    else
        tap_not_ok "systemd-analyze security virt-share-watch: exposure ${exposure:-?} (recorded: at most ${MAX_EXPOSURE[$STACK]})" \
            "$(tail -5 <<<"$out")"
    fi
    EXPOSURES+=("$STACK: ${exposure:-?}")

    # ---- a share added to the running guest ----
    guest_xml "$GUEST" /var/lib/vs-inst/guest | x tee /var/lib/vs-inst/guest.xml >/dev/null
    if ! { x virsh -q define /var/lib/vs-inst/guest.xml >/dev/null && x virsh -q start "$GUEST" >/dev/null; }; then
        tap_not_ok "the guest starts"
        return 1
    fi
    t=$(lab_now)
    if lab_wait_agent "$GUEST" 120; then
        tap_ok "the guest's agent answers ($(lab_since "$t") s after virsh start)"
    else
        tap_not_ok "the guest's agent answers" "$(x tail -5 "/var/lib/vs-inst/guest/$GUEST-console.log")"
        return 1
    fi
    out=$(x virt-share add "$GUEST" "$SHARE" --target "$MNT" 2>&1)
    rc=$?
    tap_diag "$out"
    tap_check "virt-share add to the running guest (the packaged binary)" test "$rc" -eq 0
    x sh -c 'echo added >"$1/stamp"' _ "$SHARE"
    tap_check "the share is mounted in the guest" wait_for 30 reads_stamp "$GUEST" "$MNT/stamp" added

    # ---- mounted again after each way a guest comes back ----
    old=$(lab_boot_id "$GUEST")
    lab_guest_reboot "$GUEST" >/dev/null
    remounted "reboot inside the guest" "$GUEST" "$SHARE" "$MNT" "$old" x

    old=$(lab_boot_id "$GUEST")
    tap_check "virsh reboot" x virsh -q reboot "$GUEST"
    remounted "virsh reboot" "$GUEST" "$SHARE" "$MNT" "$old" x

    old=$(lab_boot_id "$GUEST")
    x virsh -q shutdown --mode agent "$GUEST" >/dev/null
    tap_check "virsh shutdown: the guest is shut off" wait_for 60 is_shut_off "$GUEST"
    tap_check "virsh start" x virsh -q start "$GUEST"
    remounted "shutdown and start" "$GUEST" "$SHARE" "$MNT" "$old" x

    n=$(journal_of virt-share-watch.service | grep -c "watching")
    tap_check "systemctl restart $daemon" x systemctl restart "$daemon.service"
    tap_check "the watcher notices the daemon going away" \
        wait_for 30 journal_grep "lost; reconnecting" virt-share-watch.service
    tap_check "the watcher reconnects (it says it watches again)" \
        wait_for 30 journal_more "$n" watching virt-share-watch.service
    tap_check "the watcher unit was not restarted (NRestarts=0)" \
        test "$(x systemctl show -p NRestarts --value virt-share-watch.service)" = 0
    old=$(lab_boot_id "$GUEST")
    lab_guest_reboot "$GUEST" >/dev/null
    remounted "$daemon restarted, then a reboot inside the guest" "$GUEST" "$SHARE" "$MNT" "$old" x

    # ---- the hook, as libvirt loaded it at the restart above ----
    x sed -i "s|^#denied-roots=.*|denied-roots=$DENIED|" /etc/virt-share/virt-share.conf
    tap_check "the policy denies $DENIED in /etc/virt-share/virt-share.conf (set up)" \
        x grep -qx "denied-roots=$DENIED" /etc/virt-share/virt-share.conf
    guest_xml "$HOOKDOM" /var/lib/vs-inst/guest | python3 -c '
import sys, xml.etree.ElementTree as ET
root = ET.fromstring(sys.stdin.read())
fs = ET.SubElement(root.find("devices"), "filesystem", type="mount", accessmode="squash")
ET.SubElement(fs, "source", dir=sys.argv[1])
ET.SubElement(fs, "target", dir="denied")
print(ET.tostring(root, encoding="unicode"))' "$DENIED" | x tee /var/lib/vs-inst/hook.xml >/dev/null
    x virsh -q define /var/lib/vs-inst/hook.xml >/dev/null
    out=$(x virsh -q start "$HOOKDOM" 2>&1)
    rc=$?
    tap_diag "virsh start $HOOKDOM: $out"
    tap_check "hook: a domain whose folder the policy denies does not start" test "$rc" -ne 0
    tap_check "hook: virsh start shows virt-share's reason (refused by the host path policy)" \
        grep -q "virt-share: domain '$HOOKDOM': .*refused by the host path policy: .*'$DENIED' is listed in denied-roots" <<<"$out"
    # the control: with the policy back and the folder protected
    # (nosuid,nodev, as virt-share add would), the same domain starts
    x sed -i "s|^denied-roots=$DENIED\$|#denied-roots=/srv/private|" /etc/virt-share/virt-share.conf
    x sh -c 'mount --bind "$1" "$1" && mount -o remount,bind,nosuid,nodev "$1"' _ "$DENIED"
    if out=$(x virsh -q start "$HOOKDOM" 2>&1); then tap_ok "hook: with the policy allowing the folder, the same domain starts"
    else tap_not_ok "hook: with the policy allowing the folder, the same domain starts" "$out"; fi
    x virsh -q destroy "$HOOKDOM" >/dev/null 2>&1
    x virsh -q undefine "$HOOKDOM" >/dev/null 2>&1
    x umount "$DENIED"

    # ---- the user unit: a desktop session's qemu:///session ----
    x loginctl enable-linger "$VUSER"
    tap_check "loginctl enable-linger $VUSER: the user's systemd runs" wait_for 30 user_manager
    tap_check "systemctl --user enable --now virt-share-watch" xu systemctl --user enable -q --now virt-share-watch
    sleep 8   # the watcher's back-off reaches 5 s: a loop of messages would show
    out=$(journal_of virt-share-watch.service --user)
    tap_diag "user watcher, before the session daemon: $out"
    tap_check "before the session daemon exists, the user unit waits with one line naming what is missing" \
        bash -c '[ "$(grep -c "waiting for libvirt" <<<"$1")" = 1 ] && grep -Eq "/run/user/$2/libvirt/(libvirt|virtqemud)-sock" <<<"$1"' \
        _ "$out" "$VUID"
    tap_check "the waiting user unit is active and was not restarted" \
        test "$(unit_show ActiveState) $(unit_show NRestarts)" = "active 0"
    tap_check_not "the user unit did not start the session daemon (no socket in /run/user/$VUID/libvirt)" \
        x sh -c 'ls "$1"/*-sock 2>/dev/null' _ "/run/user/$VUID/libvirt"
    as_session
    xu mkdir -p "/home/$VUSER/guest" "/home/$VUSER/share"
    x cp /var/lib/vs-inst/guest/vmlinuz /var/lib/vs-inst/guest/initramfs.cpio.gz "/home/$VUSER/guest/"
    x chown -R "$VUSER:" "/home/$VUSER/guest"
    guest_xml "$SGUEST" "/home/$VUSER/guest" | xu tee "/home/$VUSER/guest/guest.xml" >/dev/null
    # virsh starts the session daemon, as virt-manager would
    xu virsh -q -c qemu:///session define "/home/$VUSER/guest/guest.xml" >/dev/null
    tap_check "the user unit connects once the session daemon is there" \
        wait_for 30 journal_grep "watching qemu:///session" virt-share-watch.service --user
    # Added while the guest is shut off (9p cannot be hot-plugged): the
    # user unit mounts it at the first boot, then again after a reboot.
    out=$(xu virt-share -c qemu:///session add "$SGUEST" "/home/$VUSER/share" --driver 9p --target "$MNT" 2>&1)
    rc=$?
    tap_diag "$out"
    tap_check "virt-share add --driver 9p to the shut-off session guest, as the user" test "$rc" -eq 0
    tap_check_not "add, with the user unit on, does not offer to turn it on" \
        grep -q "systemctl --user enable" <<<"$out"
    # The core's user-unit calls (the CLI's hint, the desktop's Turn On),
    # built from the tree and run as the user against its real systemd.
    install -m 755 "$top/tests/user-unit-tool" "$RUN/merged/var/tmp/vs-user-unit-tool"
    t=$(lab_now)
    out=$(xu /var/tmp/vs-user-unit-tool state 2>&1)
    tap_check "the core reads the user unit as on (the user's systemd)" test "$out" = on
    tap_diag "$out ($(lab_since "$t") s)"
    [ "$out" = on ] || user_manager_diag
    xu sh -c 'echo first >"$1/stamp"' _ "/home/$VUSER/share"
    xu virsh -q -c qemu:///session start "$SGUEST" >/dev/null
    tap_check "the session guest's agent answers" lab_wait_agent "$SGUEST" 120
    tap_check "session guest: the user unit mounted the share at its first boot" \
        wait_for 60 reads_stamp "$SGUEST" "$MNT/stamp" first
    old=$(lab_boot_id "$SGUEST")
    lab_guest_reboot "$SGUEST" >/dev/null
    remounted "session guest: reboot inside the guest" "$SGUEST" "/home/$VUSER/share" "$MNT" "$old" xu
    tap_diag "user watcher: $(journal_of virt-share-watch.service --user)"
    # The unit turned off: the CLI says how to turn it on; the desktop's
    # Turn On (vs_user_unit_enable) turns it on, as systemctl sees it.
    xu systemctl --user disable -q --now virt-share-watch
    t=$(lab_now)
    out=$(xu /var/tmp/vs-user-unit-tool state 2>&1)
    tap_check "the core reads the user unit as off" test "$out" = off
    tap_diag "$out ($(lab_since "$t") s)"
    [ "$out" = off ] || user_manager_diag
    tap_check "a front end on qemu:///session offers it" xu /var/tmp/vs-user-unit-tool offer qemu:///session
    tap_check_not "a front end on qemu:///system does not" xu /var/tmp/vs-user-unit-tool offer qemu:///system
    out=$(xu env G_MESSAGES_DEBUG=all virt-share -c qemu:///session mount "$SGUEST" 2>&1)
    tap_diag "$out" "virsh uri: $(xu virsh -c qemu:///session uri 2>&1)"
    tap_check "mount, with the user unit off, prints the command that turns it on" \
        grep -q "Turn it on with: systemctl --user enable --now virt-share-watch" <<<"$out"
    out=$(xu /var/tmp/vs-user-unit-tool enable 2>&1)
    tap_check "the desktop's Turn On enables the user unit" test "$(unit_enabled)" = enabled
    tap_check "and starts it" wait_for 10 unit_active
    tap_diag "$out"
    # the user's own undoing, before the package goes
    xu systemctl --user disable -q --now virt-share-watch
    x rm -f /var/tmp/vs-user-unit-tool
    xu virsh -q -c qemu:///session destroy "$SGUEST" >/dev/null 2>&1
    xu virsh -q -c qemu:///session undefine "$SGUEST" >/dev/null 2>&1
    as_system

    # ---- purge: the root as it was ----
    tap_diag "system watcher: $(journal_of virt-share-watch.service)"
    x virt-share remove "$GUEST" "$SHARE" >/dev/null 2>&1
    x virsh -q destroy "$GUEST" >/dev/null 2>&1
    x virsh -q undefine "$GUEST" >/dev/null 2>&1
    tap_check "a runtime directory exists before the purge (/run/virt-share)" x test -d /run/virt-share
    x rm -rf "$SHARE" "$DENIED" "/home/$VUSER/share"   # the test's own data
    if out=$(x apt-get purge -y -q virt-share 2>&1); then tap_ok "apt-get purge virt-share"; else tap_not_ok "apt-get purge virt-share" "$(tail -10 <<<"$out")"; fi
    rm -rf "$RUN/merged/root/vs-inst-debs"
    snapshot "$RUN/after"
    # What may change by itself while a system runs (logs, package and
    # daemon state, the user's session; util-linux's /run/agetty.reload,
    # made when agetty is asked to redraw its prompt, e.g. as network
    # interfaces change), never the package's files.
    left=$(LC_ALL=C comm -13 "$RUN/before" "$RUN/after" | grep -Ev \
        '^/var/log/|^/var/lib/(apt|dpkg|systemd|libvirt|private)/|^/var/cache/(apt|debconf|libvirt|ldconfig)/|^/run/(libvirt|systemd|lock|log|dbus|udev|user|credentials)(/|$)|^/etc/libvirt/qemu/|^/root/\.cache/libvirt(/|$)|^/home/'"$VUSER"'/|^/var/tmp/|^/run/(utmp|virtlogd\.pid|agetty\.reload)$|^/etc/ld\.so\.cache$')
    if [ -z "$left" ]; then tap_ok "purge: no file left that the root did not have before the install"
    else tap_not_ok "purge: no file left that the root did not have before the install" "$left"; fi
    # A user's own files (~/.cache/virt-share) are the user's: no package
    # may touch a home directory.
    left=$(grep -i 'virt-share' "$RUN/after" | grep -v "^/home/$VUSER/")
    if [ -z "$left" ]; then tap_ok "purge: no path named virt-share outside homes (units, links, /run, /etc, /var)"
    else tap_not_ok "purge: no path named virt-share outside homes (units, links, /run, /etc, /var)" "$left"; fi
    tap_diag "in the user's home: $(grep -i 'virt-share' "$RUN/after" | grep "^/home/$VUSER/" | tr '\n' ' ')"
    tap_check "purge: systemd knows no virt-share-watch unit" test "$(load_state)" = not-found
    TAP_PREFIX=
}

TIMES=() EXPOSURES=()
for STACK in ${VS_INSTALLED_STACKS:-debian12 debian13}; do
    t=$SECONDS
    case $STACK in
        debian12) suite_name=bookworm; boot_env=() ;;
        # systemd 257 refuses a cgroup v1 host unless told to use the unified hierarchy
        debian13) suite_name=trixie; boot_env=(SYSTEMD_NSPAWN_UNIFIED_HIERARCHY=1) ;;
        *) tap_bail "VS_INSTALLED_STACKS: '$STACK' is neither debian12 nor debian13" ;;
    esac
    if ! root=$(build_root "$suite_name"); then
        tap_not_ok "[$STACK] the $suite_name root builds (mmdebstrap)"
        continue
    fi
    if boot "$root" "vs-inst-$STACK-$$" "${boot_env[@]}"; then
        tap_diag "[$STACK] booted in $((SECONDS - t)) s"
        suite
    elif [ "$STACK" = debian13 ]; then
        tap_skip "[$STACK] the installed-system suite" \
            "Debian 13's systemd does not boot under systemd-nspawn on this host (${boot_env[*]}): $(tr '\n' ' ' <"$RUN/nspawn.log" | tail -c 400)"
    else
        tap_not_ok "[$STACK] the root boots with systemd as PID 1" "$(tail -20 "$RUN/nspawn.log")"
    fi
    cleanup
    TIMES+=("$STACK: $((SECONDS - t)) s in all")
done
tap_diag "$(printf '%s\n' "Timings:" "${TIMES[@]/#/  }" \
    "systemd-analyze security exposure: ${EXPOSURES[*]:-none measured}" "installed.sh: $((SECONDS - T0)) s")"
tap_done
