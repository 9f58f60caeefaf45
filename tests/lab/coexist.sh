#!/usr/bin/env bash
# The README's demo next to libvirt the lab did not start, as root,
# on a machine where nothing answers on qemu:///system yet:
#  1. another user's session daemon (libvirtd --timeout=120) is alive;
#  2. a libvirtd + virtlogd started outside the lab, with a domain of its own
#     named like a lab domain (left alone) and one named like the demo's
#     (the demo refuses to touch it and says so);
#  3. a second clone runs the demo while this checkout's lab runs.
# Each ends with the demo passing, or failing with a message saying what to
# do, and with every daemon and domain the lab did not start untouched.
# TAP output (tests/tap.sh); exit 1 on failure.  Run under the lab lock.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../e2e/common.sh
. "$here/../e2e/common.sh"

OTHER=vs-lab-other
# alive PID: PID is a number and that process exists (an empty PID, from a
# pid file never written, made [ -d /proc/ ] true: "alive").
alive() { [[ $1 =~ ^[0-9]+$ ]] && [ -d "/proc/$1" ]; }
defined() { virsh -q -c "$LAB_URI" domstate "$1" >/dev/null 2>&1; }   # defined DOM
# nothing_answers URI: virsh ran and could not connect to URI (libvirt's
# "failed to connect to the hypervisor"); any other virsh failure, or one
# that timed out (a daemon that hangs), is no "nothing answers".
nothing_answers() {
    local out rc
    out=$(LC_ALL=C timeout 30 virsh -q -c "$1" uri 2>&1); rc=$?
    [ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] && [[ ${out,,} == *"failed to connect to the hypervisor"* ]] && return 0
    tap_diag "virsh -c $1 uri: exit $rc: $out"
    return 1
}

e2e_need_root
if lab_answers "$LAB_URI"; then
    tap_skip "the demo next to libvirt daemons the lab did not start" \
        "a libvirt daemon already answers on $LAB_URI; these tests need a machine where none does"
    tap_done
fi
e2e_scratch coexist
T=$SHARES
made_user=false session_pid='' foreign=()
# (e2e_exit then removes $T)
cleanup() {
    local p d
    # The "user's" domains this test defined on its outside daemon.
    for d in vs-test-users vs-demo-guest; do
        defined "$d" && ! lab_domain_ours "$d" && virsh -q -c "$LAB_URI" undefine "$d" >/dev/null 2>&1
    done
    for p in "${foreign[@]}" $session_pid ${holder:-}; do kill "$p" 2>/dev/null; done
    bash "$here/teardown.sh" >/dev/null 2>&1
    $made_user && userdel -r "$OTHER" >/dev/null 2>&1
}

# demo LOG [DIR]: run the README's demo from DIR (default this checkout).
demo() { (cd "${2:-$top}" && bash tests/lab/demo.sh) >"$1" 2>&1; }
show_tail() { tap_diag "last lines of $1:" "$(tail -n "${2:-15}" "$1")"; }

tap_diag "== 1. another user's session daemon is alive"
if ! getent passwd "$OTHER" >/dev/null; then
    useradd -m -s /bin/sh "$OTHER" && made_user=true
fi
# As a user would: the first session connection spawns libvirtd --timeout=120;
# an open connection (virsh event --loop) keeps it from timing out meanwhile.
as_other() { runuser -u "$OTHER" -- env -C /tmp HOME="$(getent passwd "$OTHER" | cut -d: -f6)" "$@"; }
as_other virsh -c qemu:///session list >/dev/null 2>&1
as_other virsh -c qemu:///session event --loop --all >/dev/null 2>&1 &
holder=$!
uid=$(id -u "$OTHER")
for p in $(lab_find_daemon libvirtd); do
    [ "$(stat -c %u "/proc/$p")" = "$uid" ] && session_pid=$p
done
expect "a session libvirtd runs as $OTHER (pid ${session_pid:-none})" test -n "$session_pid"
expect "and nothing answers on $LAB_URI" nothing_answers "$LAB_URI"
demo "$T/demo1.log"; rc=$?
[ "$rc" -eq 0 ] || show_tail "$T/demo1.log"
expect "demo passes next to the session daemon" test "$rc" -eq 0
expect "the lab started its own daemon for it" grep -q "starting libvirtd" "$T/demo1.log"
expect "the session daemon still runs" lab_pid_is "$session_pid" libvirtd
expect "the lab's daemon is gone after the demo" nothing_answers "$LAB_URI"
kill "$holder" "$session_pid" 2>/dev/null; session_pid=''

tap_diag "== 2. libvirtd and virtlogd started outside the lab"
for n in virtlogd libvirtd; do
    /usr/sbin/$n --daemon --pid-file "$T/$n.pid" </dev/null >/dev/null 2>&1
done
for n in virtlogd libvirtd; do
    for _ in $(seq 50); do [ -s "$T/$n.pid" ] && break; sleep 0.1; done
    foreign+=("$(cat "$T/$n.pid" 2>/dev/null)")
done
lab_wait_answer 60
expect "the outside daemon answers" lab_answers "$LAB_URI"
expect "the lab sees it as not its own" test "$(lab_daemon_owner)" = foreign
# (lab_may_restart is also false when virsh fails: "none")
foreign_kept() { [ "$(lab_daemon_owner)" = foreign ] && ! lab_may_restart; }
expect "and may not restart it" foreign_kept
expect "unless VS_LAB_ALLOW_RESTART=1" env VS_LAB_ALLOW_RESTART=1 bash -c \
    '. "$1/lib.sh"; . "$1/daemons.sh"; lab_may_restart' _ "$here"
# The user's own domains: one named like a lab domain, one like the demo's.
for d in vs-test-users vs-demo-guest; do
    bash "$here/guest.sh" "$d" | sed '/<metadata>/,/<\/metadata>/d' >"$T/$d.xml"
    virsh -q -c "$LAB_URI" define "$T/$d.xml" >/dev/null
done
demo "$T/demo2.log"; rc=$?
expect "demo refuses to replace the user's vs-demo-guest (exit $rc)" test "$rc" -ne 0
expect "and says what to do" grep -q "a domain 'vs-demo-guest' exists that this lab did not define" "$T/demo2.log"
expect "the user's vs-demo-guest is still defined" defined vs-demo-guest
virsh -q -c "$LAB_URI" undefine vs-demo-guest >/dev/null
demo "$T/demo3.log"; rc=$?
[ "$rc" -eq 0 ] || show_tail "$T/demo3.log"
expect "demo passes on the outside daemon" test "$rc" -eq 0
expect "setup said it uses a daemon it did not start" grep -q "not started by the lab): using it as it is" "$T/demo3.log"
expect_not "and started none" grep -q "starting libvirtd" "$T/demo3.log"
expect "the outside libvirtd still runs (same pid ${foreign[1]:-none})" lab_pid_is "${foreign[1]:-}" libvirtd
expect "the outside virtlogd still runs (same pid ${foreign[0]:-none})" lab_pid_is "${foreign[0]:-}" virtlogd
expect "the user's vs-test-users is still defined" defined vs-test-users
virsh -q -c "$LAB_URI" undefine vs-test-users >/dev/null
for p in "${foreign[@]}"; do kill "$p"; while alive "$p"; do sleep 0.1; done; done
foreign=()

tap_diag "== 3. a second clone runs the demo while this checkout's lab runs"
clone=$T/clone2
git clone -q "$top" "$clone" && chmod 755 "$clone"
# The downloaded .debs are a cache: share them instead of downloading again.
mkdir -p "$clone/tests/lab-cache" && cp -al "$LAB_DEBS" "$clone/tests/lab-cache/debs"
bash "$here/setup.sh" >"$T/setup1.log" 2>&1 || show_tail "$T/setup1.log"
expect "this checkout's lab runs its own daemon" lab_owns libvirtd
first=$(cat "$LAB_STATE/libvirtd.pid" 2>/dev/null)
# same_first: the lab's libvirtd recorded now is the one recorded before the
# second clone's demo, and it runs (two missing pid files are no "same").
same_first() { lab_pid_alive "$LAB_STATE/libvirtd.pid" libvirtd && [ "$(<"$LAB_STATE/libvirtd.pid")" = "$first" ]; }
# stopped PID NAME: PID was a number and no longer runs /usr/sbin/NAME.
stopped() { [[ $1 =~ ^[0-9]+$ ]] && ! lab_pid_is "$1" "$2"; }
bash "$here/guest.sh" vs-test-clone1 >"$T/clone1.xml"
virsh -q -c "$LAB_URI" define "$T/clone1.xml" >/dev/null
demo "$T/demo4.log" "$clone"; rc=$?
[ "$rc" -eq 0 ] || show_tail "$T/demo4.log" 30
expect "the second clone's demo passes" test "$rc" -eq 0
expect "it used the first lab's daemon" grep -q "not started by the lab): using it as it is" "$T/demo4.log"
expect "the first lab's libvirtd still runs (same pid ${first:-none})" same_first
expect "the first lab's domain is still defined" lab_domain_ours vs-test-clone1
bash "$here/teardown.sh" >/dev/null 2>&1
expect "the first lab's teardown stopped its daemon" stopped "$first" libvirtd
expect_not "and removed its domain" test -e /etc/libvirt/qemu/vs-test-clone1.xml

tap_done
