#!/usr/bin/env bash
# virt-share benchmark (issue: measured defaults).  Needs the lab (tests/lab/setup.sh).
# Everything is measured in one run and reported as ratios against a baseline
# measured in the same run: the guest is TCG-emulated, so absolute numbers are low.
#   1. in the guest: sequential write/read (SIZE MiB) and SMALL files of 4 KiB
#      (create + stat + read) on 9p as the how-tos set it up (plain
#      "mount -t 9p -o trans=virtio"), virt-share's 9p, a 9p cache=loose
#      candidate, virt-share's virtiofs, and the guest's tmpfs (ceiling);
#   2. add-to-usable latency: virt-share vs the bare API sequence (bench-add);
#   3. list over DOMAINS defined domains: virt-share vs one batched virsh.
# Env: VIRT_SHARE, BENCH_ADD (binaries), BENCH_OUT (JSON file), SIZE (64),
#      SMALL (1000), ROUNDS (5), DOMAINS (200).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source=../lab/lib.sh
. "$top/tests/lab/lib.sh"

VS=${VIRT_SHARE:-$top/src/virt-share}
BENCH_ADD=${BENCH_ADD:-$top/tests/bench/bench-add}
OUT=${BENCH_OUT:-$top/bench-results.json}
SIZE=${SIZE:-64}
SMALL=${SMALL:-1000}
ROUNDS=${ROUNDS:-5}
DOMAINS=${DOMAINS:-200}
export LIBVIRT_DEFAULT_URI=qemu:///system
DOM=vs-test-bench
WORK=$(mktemp -d /var/tmp/vs-bench.XXXXXX)
chmod 755 "$WORK"
cleanup() {
    virsh -q destroy "$DOM" >/dev/null 2>&1 || true
    virsh -q undefine "$DOM" >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT

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

mkshare() { mkdir -p "$WORK/$1"; chown libvirt-qemu:libvirt-qemu "$WORK/$1"; echo "$WORK/$1"; }

echo "== guest with three 9p shares (cold-plugged) and room for virtiofs"
bash "$top/tests/lab/guest.sh" "$DOM" >"$WORK/dom.xml"
virsh -q define "$WORK/dom.xml" >/dev/null
d_howto=$(mkshare howto); d_vs9p=$(mkshare vs9p); d_loose=$(mkshare loose); d_vfs=$(mkshare vfs)
# The how-to baseline: libvirt's default <filesystem> (mode squash here, so
# that it can write at all with an unprivileged QEMU; the same mode as virt-share's).
cat >"$WORK/howto.xml" <<XML
<filesystem type='mount' accessmode='squash'><source dir='$d_howto'/><target dir='howto'/></filesystem>
XML
cat >"$WORK/loose.xml" <<XML
<filesystem type='mount' accessmode='squash'><source dir='$d_loose'/><target dir='loose'/></filesystem>
XML
virsh -q attach-device "$DOM" "$WORK/howto.xml" --config >/dev/null
virsh -q attach-device "$DOM" "$WORK/loose.xml" --config >/dev/null
"$VS" -q add "$DOM" "$d_vs9p" --mode squash --target /mnt/vs9p --tag vs9p
virsh -q start "$DOM" >/dev/null
lab_wait_agent "$DOM" 90
"$VS" -q mount "$DOM" vs9p
lab_guest_exec "$DOM" /bin/mkdir -p /mnt/howto /mnt/loose
lab_guest_exec "$DOM" /bin/mount -t 9p -o trans=virtio howto /mnt/howto
lab_guest_exec "$DOM" /bin/mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000,cache=loose loose /mnt/loose
"$VS" -q add "$DOM" "$d_vfs" --driver virtiofs --target /mnt/vfs
lab_guest_exec "$DOM" /bin/grep -E " /mnt/" /proc/mounts

declare -A W R S
run_fs() {   # run_fs NAME GUEST_DIR
    local out
    out=$(lab_guest_exec "$DOM" /bin/sh -c "$WORKLOAD" sh "$2" "$SIZE" "$SMALL")
    read -r W[$1] R[$1] S[$1] <<<"$out"
    echo "  $1: write ${W[$1]} s, read ${R[$1]} s, $SMALL small files ${S[$1]} s"
}
echo "== throughput ($SIZE MiB sequential, $SMALL x 4 KiB files)"
run_fs tmpfs /tmp/bench
run_fs 9p-howto /mnt/howto
run_fs 9p-virt-share /mnt/vs9p
run_fs 9p-cache-loose /mnt/loose
run_fs virtiofs /mnt/vfs

echo "== add latency, $ROUNDS rounds: virt-share vs bare API sequence (virtiofs, live)"
d_lat=$(mkshare latency)
ADD_JSON=$("$BENCH_ADD" qemu:///system "$DOM" "$d_lat" "$ROUNDS")
echo "  $ADD_JSON"

echo "== list over $DOMAINS domains (test driver): virt-share vs one batched virsh"
node=$WORK/node.xml
{
    echo "<node>"
    for i in $(seq 1 "$DOMAINS"); do
        cat <<XML
<domain type='test'><name>bench$i</name><memory>65536</memory><os><type>hvm</type></os>
<devices><filesystem type='mount' accessmode='squash'><source dir='/srv/a$i'/><target dir='a$i'/></filesystem>
<filesystem type='mount' accessmode='passthrough'><driver type='virtiofs'/><source dir='/srv/b$i'/><target dir='b$i'/></filesystem></devices></domain>
XML
    done
    echo "</node>"
} >"$node"
batch=""
for i in $(seq 1 "$DOMAINS"); do batch+="dumpxml bench$i; "; done
time_cmd() {   # time_cmd ROUNDS CMD... -> median seconds
    local n=$1; shift
    for _ in $(seq 1 "$n"); do
        local t0; t0=$(lab_now); "$@" >/dev/null; lab_since "$t0"; echo
    done | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
LIST_VS=$(time_cmd "$ROUNDS" "$VS" -c "test://$node" list)
LIST_VIRSH=$(time_cmd "$ROUNDS" virsh -c "test://$node" "list --all; $batch")
rows=$("$VS" -c "test://$node" list --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
echo "  virt-share list: $LIST_VS s ($rows shares); virsh list + $DOMAINS dumpxml: $LIST_VIRSH s"

python3 - "$OUT" "$SIZE" "$SMALL" "$ADD_JSON" "$LIST_VS" "$LIST_VIRSH" "$DOMAINS" \
    "tmpfs=${W[tmpfs]},${R[tmpfs]},${S[tmpfs]}" \
    "9p-howto=${W[9p-howto]},${R[9p-howto]},${S[9p-howto]}" \
    "9p-virt-share=${W[9p-virt-share]},${R[9p-virt-share]},${S[9p-virt-share]}" \
    "9p-cache-loose=${W[9p-cache-loose]},${R[9p-cache-loose]},${S[9p-cache-loose]}" \
    "virtiofs=${W[virtiofs]},${R[virtiofs]},${S[virtiofs]}" <<'PY'
import json, sys
out, size, small, add, list_vs, list_virsh, ndom = sys.argv[1:8]
size, small = float(size), int(small)
fs = {}
for arg in sys.argv[8:]:
    name, vals = arg.split("=")
    w, r, s = (max(float(x), 0.01) for x in vals.split(","))
    fs[name] = {"write_mib_s": size / w, "read_mib_s": size / r, "small_files_s": s}
base = fs["9p-howto"]
print()
print(f"{'filesystem':<16}{'write MiB/s':>12}{'read MiB/s':>12}{'small s':>10}   {'vs 9p-howto (write/read/small speed-up)':>40}")
for name, v in fs.items():
    ratio = (v["write_mib_s"] / base["write_mib_s"], v["read_mib_s"] / base["read_mib_s"],
             base["small_files_s"] / v["small_files_s"])
    v["vs_9p_howto"] = {"write": ratio[0], "read": ratio[1], "small_files": ratio[2]}
    print(f"{name:<16}{v['write_mib_s']:>12.1f}{v['read_mib_s']:>12.1f}{v['small_files_s']:>10.2f}"
          f"   {ratio[0]:>12.2f}x {ratio[1]:>8.2f}x {ratio[2]:>8.2f}x")
add = json.loads(add)
lv, lb = float(list_vs), float(list_virsh)
print()
print(f"add to usable (virtiofs live): virt-share {add['virt_share_median_s']:.3f} s, "
      f"bare API sequence {add['bare_median_s']:.3f} s, ratio {add['ratio']:.2f}")
print(f"list {ndom} domains: virt-share {lv:.3f} s, virsh list + dumpxml batch {lb:.3f} s, "
      f"ratio {lv / lb:.2f}")
json.dump({"size_mib": size, "small_files": small, "filesystems": fs, "add": add,
           "list": {"domains": int(ndom), "virt_share_s": lv, "virsh_batch_s": lb,
                    "ratio": lv / lb}}, open(out, "w"), indent=2)
print(f"\nJSON: {out}")
PY
