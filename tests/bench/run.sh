#!/usr/bin/env bash
# virt-share benchmark on one host stack (the lab's, tests/lab/setup.sh; the
# URI is the lab's).  Everything as the user runs it: fresh processes, each
# virt-share command side by side with the same steps by hand (virsh), in one
# run, medians of RUNS; printed as ratios and written as JSON lines to
# $BENCH_RESULTS (tests/bench/report.py turns them into the table and JSON).
# Sections (BENCH_SECTIONS, default all): throughput latency list kvm guests
#   throughput  in the guest: SIZE MiB sequential, SMALL files of 4 KiB on
#               how-to 9p, virt-share 9p, virtiofs (VIRTIOFS_VARIANTS) and tmpfs
#   latency     add (virtiofs, to mounted), remove, add --dry-run, status:
#               virt-share vs by hand; libvirt RPCs and agent round trips of each
#   list        list over DOMAINS defined (shut-off) domains vs virsh list + dumpxml
#   kvm         the same with a /dev/kvm node QEMU's user may open but no KVM
#               behind it (libvirt then re-probes QEMU on every capabilities
#               lookup); only if the host has no /dev/kvm, removed afterwards
#   guests      watch: GUESTS guests started at once, time until all are mounted
# Env: VIRT_SHARE, BENCH_RESULTS, BENCH_STACK (label), RUNS (5), SIZE (64),
#      SMALL (1000), DOMAINS (1000), GUESTS ("1 4 8").
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source=../lab/lib.sh
. "$top/tests/lab/lib.sh"

VS=${VIRT_SHARE:-$top/src/virt-share}
RESULTS=${BENCH_RESULTS:-$top/bench-results.jsonl}
STACK=${BENCH_STACK:-default}
SECTIONS=${BENCH_SECTIONS:-throughput latency list kvm guests}
RUNS=${RUNS:-5}
SIZE=${SIZE:-64}
SMALL=${SMALL:-1000}
DOMAINS=${DOMAINS:-1000}
GUESTS=${GUESTS:-1 4 8}
URI=$(lab_uri)
export LIBVIRT_DEFAULT_URI=$URI
DOM="vs-test-bench"
WORK=$(mktemp -d /var/tmp/vs-bench.XXXXXX)
chmod 755 "$WORK"
KVM_NODE_OURS=false
WATCH_PIDS=()

v() { virsh -q -c "$URI" "$@"; }
cleanup() {
    local d
    for p in "${WATCH_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    if $KVM_NODE_OURS; then rm -f /dev/kvm; fi
    kvm_setup_end
    for d in $(v list --all --name 2>/dev/null | grep -E '^vs-(test-bench|test-mg-|bench-l)' || true); do
        v destroy "$d" >/dev/null 2>&1 || true
        v undefine "$d" >/dev/null 2>&1 || true
    done
    lab_unprotect_under "$WORK"
    rm -rf "$WORK"
}
trap cleanup EXIT
has() { [[ " $SECTIONS " == *" $1 "* ]]; }

# result KIND NAME key=value...: one JSON object per line (values: numbers or strings).
result() {
    local kind=$1 name=$2 kv out
    shift 2
    # the machine's load average when the figure was taken: the lab is shared
    out="{\"stack\":\"$STACK\",\"kind\":\"$kind\",\"name\":\"$name\",\"load\":\"$(cut -d' ' -f1-3 /proc/loadavg)\""
    for kv in "$@"; do
        if [[ ${kv#*=} =~ ^-?[0-9]+(\.[0-9]+)?$ ]]; then out+=",\"${kv%%=*}\":${kv#*=}"
        else out+=",\"${kv%%=*}\":\"${kv#*=}\""; fi
    done
    echo "$out}" >>"$RESULTS"
}
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }'; }

# ---- the steps by hand: virsh only, as a user's script would do them ----
# hand_exec DOM PATH ARG...: guest-exec, then guest-exec-status until it exits
# (back-off 10 ms doubling to 200 ms); returns the guest exit code.
hand_exec() {
    local dom=$1 path=$2 args="" a reply pid delay=10
    shift 2
    for a in "$@"; do args+="${args:+,}\"$a\""; done
    reply=$(v qemu-agent-command "$dom" \
        "{\"execute\":\"guest-exec\",\"arguments\":{\"path\":\"$path\",\"arg\":[$args],\"capture-output\":true}}") || return 125
    [[ $reply =~ \"pid\":([0-9]+) ]] || return 125
    pid=${BASH_REMATCH[1]}
    while :; do
        reply=$(v qemu-agent-command "$dom" \
            "{\"execute\":\"guest-exec-status\",\"arguments\":{\"pid\":$pid}}") || return 125
        if [[ $reply =~ \"exited\":true ]]; then
            [[ $reply =~ \"exitcode\":([0-9]+) ]] && return "${BASH_REMATCH[1]}"
            return 125
        fi
        lab_sleep_ms "$delay"
        delay=$((delay * 2 > 200 ? 200 : delay * 2))
    done
}
# hand_add DOM XML TAG TARGET: attach live, mkdir, mount (retried while the
# guest probes the new PCI device, as the lab findings say one must).
hand_add() {
    local t0
    v attach-device "$1" "$2" --live >/dev/null || return 1
    hand_exec "$1" /bin/mkdir -p "$4" || return 1
    t0=$(lab_ms)
    until hand_exec "$1" /bin/mount -t virtiofs "$3" "$4" 2>/dev/null; do
        [ $(($(lab_ms) - t0)) -lt 10000 ] || return 1
        lab_sleep_ms 50
    done
}
hand_remove() {   # hand_remove DOM XML TARGET
    hand_exec "$1" /bin/umount "$3" || return 1
    v detach-device "$1" "$2" --live >/dev/null
}
hand_status() {   # what `virt-share status` shows: the definition, the live XML, the guest's mounts
    v dumpxml --inactive "$1" >/dev/null && v dumpxml "$1" >/dev/null && hand_exec "$1" /bin/cat /proc/mounts
}

# timed OUTVAR CMD...: run CMD once, its wall time (s) appended to the array OUTVAR.
timed() {
    local -n _acc=$1
    local t0
    shift
    t0=$(lab_now)
    "$@" >/dev/null || { echo "bench: failed: $*" >&2; return 1; }
    _acc+=("$(lab_since "$t0")")
}
# rpcs CMD...: run CMD once with libvirt's client log on; prints "RPCS AGENT":
# every RPC call the libvirt client library sent, and how many were agent commands.
rpcs() {
    local log=$WORK/rpc.log
    rm -f "$log"
    LIBVIRT_LOG_FILTERS="1:rpc.netclient" LIBVIRT_LOG_OUTPUTS="1:file:$log" "$@" >/dev/null 2>&1 || true
    # type=0: a call (not a reply or a stream); prog 0x20008087 proc 3: virDomainQemuAgentCommand
    awk '/RPC_CLIENT_MSG_TX_QUEUE/ && / type=0 / { n++; if (/ prog=536903815 / && / proc=3 /) a++ }
         END { printf "%d %d\n", n, a }' "$log" 2>/dev/null || echo "0 0"
}
# report NAME VS_TIMES HAND_TIMES "RPCS AGENT" "RPCS AGENT": print and record one comparison.
report() {
    local name=$1 mv mh rv av rh ah
    mv=$(tr ' ' '\n' <<<"$2" | median); mh=$(tr ' ' '\n' <<<"$3" | median)
    read -r rv av <<<"$4"; read -r rh ah <<<"$5"
    printf '  %-26s virt-share %6.3f s  by hand %6.3f s  ratio %5s   RPCs %3d (agent %2d) vs %3d (agent %2d)\n' \
        "$name" "$mv" "$mh" "$(ratio "$mv" "$mh")" "$rv" "$av" "$rh" "$ah"
    result compare "$name" virt_share_s="$mv" by_hand_s="$mh" ratio="$(ratio "$mv" "$mh")" \
        virt_share_rpcs="$rv" virt_share_agent="$av" by_hand_rpcs="$rh" by_hand_agent="$ah" \
        runs="$RUNS" virt_share_all="$2" by_hand_all="$3"
}
# compare NAME VS_CMD... -- HAND_CMD...: commands that can be repeated; RUNS each, alternating.
compare() {
    local name=$1 vs=() hand=() tv=() th=()
    shift
    while [ "$1" != -- ]; do vs+=("$1"); shift; done
    shift
    hand=("$@")
    for _ in $(seq 1 "$RUNS"); do
        timed tv "${vs[@]}"
        timed th "${hand[@]}"
    done
    report "$name" "${tv[*]}" "${th[*]}" "$(rpcs "${vs[@]}")" "$(rpcs "${hand[@]}")"
}

mkshare() { mkdir -p "$WORK/$1"; chown libvirt-qemu:libvirt-qemu "$WORK/$1"; echo "$WORK/$1"; }
fsxml() {   # fsxml DIR TAG: a virtiofs <filesystem> as a user writes it
    echo "<filesystem type='mount' accessmode='passthrough'><driver type='virtiofs'/><source dir='$1'/><target dir='$2'/></filesystem>"
}
# The versions of the stack measured: the daemon's libvirt and its QEMU
# (virConnectGetLibVersion/GetVersion), not this host's client library, and
# the virtiofsd package of the stack's root.
stack_facts() {
    local lib hv cli vfsd
    lib=$(lab_libvirt_version); hv=$(lab_libvirt_version hypervisor)
    cli=$(virsh --version 2>/dev/null)
    vfsd=$(dpkg-query --admindir="${LAB_EXE_ROOT:-}/var/lib/dpkg" -W -f '${Package} ${Version}' virtiofsd 2>/dev/null \
        || echo "C virtiofsd of QEMU $hv")
    result stack "$STACK" uri="$URI" libvirt="${lib:-?}" qemu="${hv:-?}" client="$cli" virtiofsd="$vfsd" \
        dev_kvm="$(stat -c '%a %U:%G' /dev/kvm 2>/dev/null || echo absent)" \
        cpus="$(nproc)" date="$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
        sections="$SECTIONS" guest_counts="$GUESTS"   # report.py: what must have results
    echo "== stack $STACK: $URI, libvirt ${lib:-?} (client $cli), QEMU ${hv:-?}, $vfsd, TCG, /dev/kvm $(stat -c '%a %U:%G' /dev/kvm 2>/dev/null || echo absent), load average $(cut -d' ' -f1-3 /proc/loadavg)"
}

# ---- the guest: shares for the throughput test, room for virtiofs ----
boot_bench_guest() {
    echo "== guest with three 9p shares (cold-plugged) and room for virtiofs"
    bash "$top/tests/lab/guest.sh" "$DOM" >"$WORK/dom.xml"
    v define "$WORK/dom.xml" >/dev/null
    d_howto=$(mkshare howto); d_vs9p=$(mkshare vs9p)
    # The how-to baseline: libvirt's default <filesystem> (squash, so that an
    # unprivileged QEMU can write at all: the same mode as virt-share's).
    echo "<filesystem type='mount' accessmode='squash'><source dir='$d_howto'/><target dir='howto'/></filesystem>" >"$WORK/howto.xml"
    v attach-device "$DOM" "$WORK/howto.xml" --config >/dev/null
    "$VS" -q add "$DOM" "$d_vs9p" --mode squash --target /mnt/vs9p --tag vs9p
    v start "$DOM" >/dev/null
    lab_wait_agent "$DOM" 120
    "$VS" -q mount "$DOM" vs9p
    hand_exec "$DOM" /bin/mkdir -p /mnt/howto
    hand_exec "$DOM" /bin/mount -t 9p -o trans=virtio howto /mnt/howto
}

# The workload, run inside the guest by busybox sh: $1 dir, $2 MiB, $3 files.
# Prints: write_s read_s small_s (from /proc/uptime, 10 ms resolution).
# shellcheck disable=SC2016
WORKLOAD='
d=$1; mib=$2; n=$3
t() { read u _ < /proc/uptime; echo $u; }
sync; echo 3 > /proc/sys/vm/drop_caches
a=$(t); dd if=/dev/zero of="$d/big" bs=1M count=$mib conv=fsync 2>/dev/null; b=$(t)
sync; echo 3 > /proc/sys/vm/drop_caches
c=$(t); dd if="$d/big" of=/dev/null bs=1M 2>/dev/null; e=$(t)
rm -f "$d/big"; mkdir -p "$d/small"
f=$(t)
i=0; while [ $i -lt $n ]; do printf "%4096s" "" > "$d/small/f$i"; i=$((i+1)); done
ls -l "$d/small" > /dev/null
cat "$d"/small/* > /dev/null
g=$(t)
rm -rf "$d/small"
awk -v a=$a -v b=$b -v c=$c -v e=$e -v f=$f -v g=$g "BEGIN { print b-a, e-c, g-f }"
'
# fs_measure GUEST_DIR: run the workload once; sets FS_W FS_R FS_S (seconds).
fs_measure() {
    local out
    out=$(lab_guest_exec "$DOM" /bin/sh -c "$WORKLOAD" sh "$1" "$SIZE" "$SMALL")
    read -r FS_W FS_R FS_S <<<"$out"
}
run_fs() {   # run_fs NAME GUEST_DIR [NOTE [KEY=VALUE...]]
    local name=$1 dir=$2 note=${3:-}
    shift $(($# > 3 ? 3 : $#))
    fs_measure "$dir"
    echo "  $name: write $FS_W s, read $FS_R s, $SMALL small files $FS_S s $note"
    result fs "$name" write_s="$FS_W" read_s="$FS_R" small_s="$FS_S" size_mib="$SIZE" small_files="$SMALL" note="$note" "$@"
}
# fs_tuning TAG: the <driver> attributes and <binary> children of the live
# device with mount tag TAG, as libvirt kept them.
fs_tuning() {
    v dumpxml "$DOM" | python3 -c '
import sys, xml.etree.ElementTree as ET
for fs in ET.parse(sys.stdin).getroot().iter("filesystem"):
    t = fs.find("target")
    if t is None or t.get("dir") != sys.argv[1]:
        continue
    d = fs.find("driver")
    out = [f"{k}={v!r}" for k, v in (d.attrib if d is not None else {}).items() if k != "type"]
    b = fs.find("binary")
    for c in (b if b is not None else []):
        out.append("<%s %s/>" % (c.tag, " ".join(f"{k}={v!r}" for k, v in c.attrib.items())))
    print(" ".join(out) or "libvirt defaults")' "$1"
}
# VIRTIOFS_VARIANTS: the alternatives to virt-share's virtiofs defaults
# (tests/bench/README, "Defaults chosen from it"), one per line:
# "NAME|<driver> attributes|<binary> children".
virtiofs_variants() {
    if [ -n "${VIRTIOFS_VARIANTS:-}" ]; then printf '%s\n' "$VIRTIOFS_VARIANTS"; return; fi
    echo "vfs-queue-default||"
    echo "vfs-queue-256|queue='256'|"
    echo "vfs-cache-none|queue='1024'|<cache mode='none'/>"
    echo "vfs-cache-always|queue='1024'|<cache mode='always'/>"
    echo "vfs-threads-2|queue='1024'|<thread_pool size='2'/>"
    echo "vfs-threads-4|queue='1024'|<thread_pool size='4'/>"
}
# Each variant is paired with virt-share's own device measured just before
# it: the guest drifts over a run (one device measured 2.3, 3.0 and 5.1 s for
# the small files in one run on the libvirt 11 stack), so a variant is
# judged by its ratio to its pair, not against a figure from minutes before.
section_throughput() {
    local name drv bin d bw br bs nfs
    echo "== throughput ($SIZE MiB sequential, $SMALL x 4 KiB files; in the guest, TCG)"
    run_fs tmpfs /tmp/bench "(ceiling)"
    run_fs 9p-howto /mnt/howto "(mount -t 9p -o trans=virtio)"
    run_fs 9p-virt-share /mnt/vs9p
    d=$(mkshare vfs)
    "$VS" -q add "$DOM" "$d" --driver virtiofs --target /mnt/vfs --tag vfs
    run_fs virtiofs-virt-share /mnt/vfs "(virt-share's device: $(fs_tuning vfs))"
    "$VS" -q remove "$DOM" vfs
    while IFS='|' read -r name drv bin; do
        d=$(mkshare "base-$name")
        "$VS" -q add "$DOM" "$d" --driver virtiofs --target /mnt/base --tag base
        fs_measure /mnt/base
        bw=$FS_W br=$FS_R bs=$FS_S
        "$VS" -q remove "$DOM" base
        d=$(mkshare "$name")
        echo "<filesystem type='mount' accessmode='passthrough'><driver type='virtiofs' $drv/>${bin:+<binary>$bin</binary>}<source dir='$d'/><target dir='$name'/></filesystem>" >"$WORK/$name.xml"
        if hand_add "$DOM" "$WORK/$name.xml" "$name" "/mnt/$name" 2>"$WORK/$name.err"; then
            # what libvirt made of the device: virtiofsd's command line
            echo "  $name: $(pgrep -a virtiofsd | grep -F -- "$d" | head -1 | cut -d' ' -f2- | cut -c1-300)"
            echo "  (virt-share's device just before: write $bw s, read $br s, small files $bs s)"
            run_fs "$name" "/mnt/$name" "($drv $bin)" base_write_s="$bw" base_read_s="$br" base_small_s="$bs"
            hand_remove "$DOM" "$WORK/$name.xml" "/mnt/$name" || true
        else
            echo "  $name: not supported here: $(tr '\n' ' ' <"$WORK/$name.err" | cut -c1-160)"
            result fs "$name" unsupported="$(tr '\n"' '  ' <"$WORK/$name.err" | cut -c1-160)"
        fi
        # devices left behind would load the guest and skew what follows
        nfs=$(v dumpxml "$DOM" | grep -c "<driver type='virtiofs'" || true)
        [ "$nfs" -eq 0 ] || echo "  note: $nfs virtiofs device(s) still attached after removal"
    done < <(virtiofs_variants)
}

section_latency() {   # section_latency SUFFIX
    local sfx=${1:-} d dh va=() vs=() vr=() ha=() hs=() hr=() i
    local vs_add vs_rm hand_xml=$WORK/hand.xml
    echo "== latency${sfx:+ ($sfx)}: fresh processes, median of $RUNS, alternating"
    d=$(mkshare "lat$sfx"); dh=$(mkshare "hand$sfx")
    fsxml "$dh" hand >"$hand_xml"
    vs_add=("$VS" -q add "$DOM" "$d" --driver virtiofs --target /mnt/lat --tag lat)
    vs_rm=("$VS" -q remove "$DOM" lat)
    for i in $(seq 0 "$RUNS"); do
        if [ "$i" -eq 0 ]; then   # one more round, untimed, counting RPCs
            local r_va r_vr r_ha r_hr r_vs r_hs
            r_va=$(rpcs "${vs_add[@]}"); r_vs=$(rpcs "$VS" status "$DOM"); r_vr=$(rpcs "${vs_rm[@]}")
            r_ha=$(rpcs hand_add "$DOM" "$hand_xml" hand /mnt/hand); r_hs=$(rpcs hand_status "$DOM")
            r_hr=$(rpcs hand_remove "$DOM" "$hand_xml" /mnt/hand)
            continue
        fi
        timed va "${vs_add[@]}"
        timed vs "$VS" status "$DOM"
        timed vr "${vs_rm[@]}"
        timed ha hand_add "$DOM" "$hand_xml" hand /mnt/hand
        timed hs hand_status "$DOM"
        timed hr hand_remove "$DOM" "$hand_xml" /mnt/hand
    done
    report "add (virtiofs, mounted)$sfx" "${va[*]}" "${ha[*]}" "$r_va" "$r_ha"
    report "remove$sfx" "${vr[*]}" "${hr[*]}" "$r_vr" "$r_hr"
    report "status$sfx" "${vs[*]}" "${hs[*]}" "$r_vs" "$r_hs"
    [ "$(v dumpxml "$DOM" | grep -c "<target dir='lat'/>\|<target dir='hand'/>")" -eq 0 ] \
        || { echo "bench: a share was left behind" >&2; return 1; }
}
# dry-run: cold (no capabilities cache) and warm, against virsh domcapabilities.
section_dry_run() {   # section_dry_run SUFFIX
    local sfx=${1:-} d cold=() warm=() caps=() i cache
    d=$(mkshare "dry$sfx")
    cache=$(mktemp -d "$WORK/cache.XXXXXX")
    for i in $(seq 1 "$RUNS"); do
        rm -f "$cache/domcaps"
        VIRT_SHARE_CACHE_DIR=$cache timed cold "$VS" -q add "$DOM" "$d" --dry-run
        VIRT_SHARE_CACHE_DIR=$cache timed warm "$VS" -q add "$DOM" "$d" --dry-run
        timed caps v domcapabilities --virttype qemu
    done
    local mc mw mcap
    mc=$(printf '%s\n' "${cold[@]}" | median); mw=$(printf '%s\n' "${warm[@]}" | median)
    mcap=$(printf '%s\n' "${caps[@]}" | median)
    read -r rc _ < <(rpcs env VIRT_SHARE_CACHE_DIR="$cache" "$VS" -q add "$DOM" "$d" --dry-run)
    printf '  %-28s cold cache %6.3f s  warm cache %6.3f s  (virsh domcapabilities %6.3f s)  RPCs warm %d\n' \
        "add --dry-run (auto)$sfx" "$mc" "$mw" "$mcap" "$rc"
    result dry_run "add-dry-run$sfx" cold_s="$mc" warm_s="$mw" domcapabilities_s="$mcap" warm_rpcs="$rc" runs="$RUNS"
}

section_list() {
    local i batch=() names f
    echo "== list over $DOMAINS defined domains (shut off) and status"
    mkdir -p "$WORK/l"
    kvm_setup_begin
    for i in $(seq -w 1 "$DOMAINS"); do
        f=$WORK/l/$i.xml
        cat >"$f" <<XML
<domain type='qemu'><name>vs-bench-l$i</name><memory unit='MiB'>64</memory>
<memoryBacking><source type='memfd'/><access mode='shared'/></memoryBacking>
<os><type arch='x86_64' machine='pc'>hvm</type></os>
<devices><filesystem type='mount' accessmode='squash'><source dir='/srv/a$i'/><target dir='a$i'/></filesystem>
<filesystem type='mount' accessmode='passthrough'><driver type='virtiofs'/><source dir='/srv/b$i'/><target dir='b$i'/></filesystem></devices></domain>
XML
        echo "define $f"
    done | v >/dev/null
    kvm_setup_end
    names=$(v list --all --name)
    for n in $names; do batch+=("dumpxml $n;"); done
    echo "list --all; ${batch[*]}" >"$WORK/batch"
    local n_dom; n_dom=$(grep -c . <<<"$names")
    compare "list ($n_dom domains)" "$VS" list -- bash -c 'virsh -q -c "$1" "$(cat "$2")"' _ "$URI" "$WORK/batch"
    # status of one shut-off domain among them: the definition (the same as
    # the current XML when shut off; virsh status by hand reads both)
    compare "status (1 of $n_dom domains)" "$VS" status vs-bench-l0001 -- \
        bash -c 'virsh -q -c "$1" "dumpxml --inactive $2; dumpxml $2"' _ "$URI" vs-bench-l0001
    result list_domains "$n_dom" shares="$("$VS" list --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["shares"]))')"
    for n in $names; do [[ $n == vs-bench-l* ]] && echo "undefine $n"; done | v >/dev/null
}

# A /dev/kvm node with no working KVM behind it (as on a host without nested
# virtualisation), made as Debian's udev rule makes it: 0660 root:kvm, so
# QEMU's user (in group kvm) may open it.  libvirt's virQEMUCapsIsValid then
# finds KVM "usable" while its probe of QEMU found none, judges the cached
# capabilities stale on every lookup and probes QEMU again (lab findings,
# section 13; measured: 2.5-4.8 s a lookup).  A node QEMU's user cannot
# open (0600 root) agrees with a probe without KVM: no re-probe.
domcaps_s() { local t0; t0=$(lab_now); v domcapabilities --virttype qemu >/dev/null; lab_since "$t0"; }
# reprobing T: a lookup of T seconds is libvirt probing QEMU again (a cached one takes ~0.05 s)
reprobing() { awk -v t="$1" 'BEGIN { exit !(t >= 1.0) }'; }
stage_kvm_node() {
    local t
    rm -f /dev/kvm
    mknod /dev/kvm c 10 232
    chown root:kvm /dev/kvm
    chmod 0660 /dev/kvm
    KVM_NODE_OURS=true
    domcaps_s >/dev/null; domcaps_s >/dev/null
    t=$(domcaps_s)
    echo "  /dev/kvm 0660 root:kvm: virsh domcapabilities $t s"
    if reprobing "$t"; then
        result kvm_node staged mode=660 group=kvm domcapabilities_s="$t"
    else
        result kvm_node not-reprobing mode=660 group=kvm domcapabilities_s="$t"
        echo "  libvirt does not re-probe with this node here; measuring anyway"
    fi
}
section_kvm() {
    if [ -e /dev/kvm ] && ! $KVM_NODE_OURS; then
        echo "== /dev/kvm exists on this host: the unusable-/dev/kvm case is not staged"
        return 0
    fi
    # every capabilities lookup costs a QEMU probe here: fewer rounds
    local RUNS=$((RUNS < 3 ? RUNS : 3))
    echo "== with a /dev/kvm node that does not work (no KVM on this host), median of $RUNS"
    stage_kvm_node
    section_dry_run "+kvm-node"
    section_latency "+kvm-node"
    rm -f /dev/kvm
    KVM_NODE_OURS=false
    domcaps_s >/dev/null   # libvirt probes once more without the node
}

# The list and guests sections define many domains and start up to GUESTS at
# once; libvirt looks its QEMU capabilities up for each.  On a host whose
# /dev/kvm root can use but QEMU's user cannot open (this lab's 0600
# root:root node), every lookup re-probes QEMU (about 4 s): libvirt probes
# QEMU with CAP_DAC_OVERRIDE (qemuProcessQMPLaunch: "QEMU might run into
# permission issues, e.g. /dev/sev (0600), override them just for the
# purpose of probing"), so the probe finds KVM, and virQEMUCapsIsValid then
# checks /dev/kvm as QEMU's user without it, finds KVM "not available now"
# and drops the cache.  1000 definitions would take hours.  None of the
# commands these sections time asks for capabilities (list, status, watch),
# so for their setup (and the guests' boots) the node is made usable by
# everyone (0666, as systemd's dev-kvm-mode=0666 makes it), which makes
# libvirt's two views agree, and put back as it was afterwards; a second later at least, since
# libvirt re-reads the node only when its ctime (in seconds) changes.  Only
# if that makes lookups fast (KVM works behind the node): otherwise the
# setup pays the re-probes.  The latency, dry-run and kvm sections run with
# the node as found.
KVM_SETUP_SAVED=
kvm_setup_begin() {
    local mode t
    [ -c /dev/kvm ] && [ -z "$KVM_SETUP_SAVED" ] && ! $KVM_NODE_OURS || return 0
    mode=$(stat -c '%a %u %g' /dev/kvm)
    [ "${mode%% *}" != 666 ] || return 0
    t=$(domcaps_s)
    reprobing "$t" || return 0   # lookups are fast already
    KVM_SETUP_SAVED=$mode
    chmod 0666 /dev/kvm
    domcaps_s >/dev/null
    t=$(domcaps_s)
    echo "  setup: /dev/kvm ($mode) made 0666 while domains are defined and started: a capabilities lookup $t s"
    if reprobing "$t"; then
        echo "  (libvirt still re-probes: the setup pays it)"
        kvm_setup_end
    fi
}
kvm_setup_end() {
    local m u g t
    [ -n "$KVM_SETUP_SAVED" ] || return 0
    read -r m u g <<<"$KVM_SETUP_SAVED"
    sleep 1.1   # a new ctime second: libvirt checks the node again
    chmod "$m" /dev/kvm && chown "$u:$g" /dev/kvm
    KVM_SETUP_SAVED=
    t=$(domcaps_s)
    echo "  setup done: /dev/kvm back to $(stat -c '%a %U:%G' /dev/kvm), a capabilities lookup $t s"
}

stamp() { while IFS= read -r l; do echo "$EPOCHREALTIME $l"; done; }
# watch: N guests started at once; from "all N started" to "all N mounted".
section_guests() {
    local n i names d t_started t_done wlog elog
    echo "== watch: N guests booting at once (TCG, $(nproc) cores)"
    for n in $GUESTS; do
        names=()
        kvm_setup_begin
        for i in $(seq 1 "$n"); do
            names+=("vs-test-mg-$i")
            bash "$top/tests/lab/guest.sh" "vs-test-mg-$i" >"$WORK/mg$i.xml"
            v define "$WORK/mg$i.xml" >/dev/null
            d=$(mkshare "mg$i")
            "$VS" -q add "vs-test-mg-$i" "$d" --driver virtiofs --target /mnt/mg
        done
        wlog=$WORK/watch-$n.log; elog=$WORK/events-$n.log
        "$VS" watch > >(stamp >"$wlog") 2>&1 &
        WATCH_PIDS+=($!)
        # (--all and --event are mutually exclusive: virsh refuses both)
        stdbuf -oL virsh -c "$URI" event --loop --event agent-lifecycle > >(stamp >"$elog") 2>&1 &
        WATCH_PIDS+=($!)
        for _ in $(seq 1 40); do grep -q watching "$wlog" 2>/dev/null && break; sleep 0.25; done
        printf 'start %s\n' "${names[@]}" | v >/dev/null
        t_started=$EPOCHREALTIME
        for _ in $(seq 1 1800); do   # up to 15 min: N TCG guests share 2 cores
            [ "$(grep -c "mounted .* at /mnt/mg" "$wlog")" -ge "$n" ] && break
            sleep 0.5
        done
        if grep -q " error: " "$elog"; then   # agent times would be missing: say why
            echo "bench: virsh event failed: $(grep -m1 " error: " "$elog" | cut -d' ' -f2-)" >&2
        fi
        t_done=$(grep "mounted .* at /mnt/mg" "$wlog" | awk 'NR == 1 || $1 > m { m = $1 } END { print m }')
        python3 - "$n" "$t_started" "$wlog" "$elog" "$STACK" >>"$RESULTS" <<'PY'
import json, re, statistics, sys
n, t0, wlog, elog, stack = int(sys.argv[1]), float(sys.argv[2]), *sys.argv[3:]
mounted, agent = {}, {}
for line in open(wlog):
    m = re.match(r"(\S+) \[\S+\] (vs-test-mg-\d+): mounted .* at /mnt/mg", line)
    if m: mounted.setdefault(m.group(2), float(m.group(1)))
for line in open(elog):
    m = re.match(r"(\S+) event 'agent-lifecycle' for domain '?(vs-test-mg-\d+)'?: state: '?connected", line)
    if m: agent.setdefault(m.group(2), float(m.group(1)))
lat = [mounted[d] - agent[d] for d in mounted if d in agent]
done = len(mounted) == n and len(agent) == n
r = {"stack": stack, "kind": "guests", "name": f"{n}", "guests": n, "mounted": len(mounted),
     "load": open("/proc/loadavg").read().split()[:3],
     "all_mounted_s": (max(mounted.values()) - t0) if len(mounted) == n else None,
     # the boots (TCG, N guests on the host's cores) and the watcher's own part:
     # from the last agent coming up to the last share mounted
     "all_agents_up_s": (max(agent.values()) - t0) if done else None,
     "last_agent_to_all_mounted_s": (max(mounted.values()) - max(agent.values())) if done else None,
     "agent_to_mounted_median_s": statistics.median(lat) if lat else None,
     "agent_to_mounted_max_s": max(lat) if lat else None}
print(json.dumps(r))
PY
        tail -1 "$RESULTS" | python3 -c 'import json,sys; r=json.load(sys.stdin); f = lambda v, p=2: "-" if v is None else "%.*f" % (p, v); print("  N=%d: %d mounted, all started -> all mounted %s s (all agents up %s s, last agent -> all mounted %s s); agent up -> mounted: median %s s, max %s s; load %s" % (r["guests"], r["mounted"], f(r["all_mounted_s"], 1), f(r["all_agents_up_s"], 1), f(r["last_agent_to_all_mounted_s"]), f(r["agent_to_mounted_median_s"]), f(r["agent_to_mounted_max_s"]), " ".join(r["load"])))'
        : "$t_done"
        kvm_setup_end   # after the timing: its own lookup re-probes QEMU
        for p in "${WATCH_PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
        WATCH_PIDS=()
        for d in "${names[@]}"; do v destroy "$d" >/dev/null 2>&1 || true; v undefine "$d" >/dev/null 2>&1 || true; done
    done
}

stack_facts
if has throughput || has latency || has kvm; then boot_bench_guest; fi
if has throughput; then section_throughput; fi
if has latency; then section_latency; section_dry_run; fi
if has list; then section_list; fi
if has kvm; then section_kvm; fi
v destroy "$DOM" >/dev/null 2>&1 || true
if has guests; then section_guests; fi
