#!/usr/bin/env bash
# The benchmark's verdict (tests/bench/report.py) on small result files made
# here in the format tests/bench/run.sh writes, without the lab: an empty or
# partial file, a ratio of 0 or "nan" and a watcher that grows as fast as N
# fail; a complete file within every goal passes.  Run by `make check` (TAP).
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../tap.sh
. "$here/../tap.sh"
command -v python3 >/dev/null || { echo "1..0 # SKIP python3 is not installed"; exit 0; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
unset BENCH_SECTIONS GUESTS

# A complete run on one stack, every section, every goal met.
L='"load":"0.50 0.40 0.30"'
good() {
    cat <<EOF
{"stack":"host","kind":"stack","name":"host",$L,"uri":"qemu:///system","libvirt":"9.0.0","qemu":"7.2.0","client":"9.0.0","virtiofsd":"C virtiofsd of QEMU 7.2.0","dev_kvm":"600 root:root","cpus":2,"date":"2026-12-06T00:00:00Z","sections":"throughput latency list kvm guests","guest_counts":"1 4 8"}
{"stack":"host","kind":"fs","name":"tmpfs",$L,"write_s":0.01,"read_s":0.01,"small_s":0.25,"size_mib":64,"small_files":1000,"note":"(ceiling)"}
{"stack":"host","kind":"fs","name":"9p-howto",$L,"write_s":0.22,"read_s":0.2,"small_s":7.36,"size_mib":64,"small_files":1000,"note":"(mount -t 9p -o trans=virtio)"}
{"stack":"host","kind":"fs","name":"9p-virt-share",$L,"write_s":0.13,"read_s":0.06,"small_s":7.4,"size_mib":64,"small_files":1000,"note":""}
{"stack":"host","kind":"fs","name":"virtiofs-virt-share",$L,"write_s":0.58,"read_s":0.3,"small_s":3.23,"size_mib":64,"small_files":1000,"note":"(virt-share's device)"}
{"stack":"host","kind":"compare","name":"add (virtiofs, mounted)",$L,"virt_share_s":0.37,"by_hand_s":0.34,"ratio":1.09,"virt_share_rpcs":34,"virt_share_agent":21,"by_hand_rpcs":70,"by_hand_agent":6,"runs":5,"virt_share_all":"0.37 0.36 0.38 0.37 0.37","by_hand_all":"0.34 0.34 0.35 0.33 0.34"}
{"stack":"host","kind":"compare","name":"remove",$L,"virt_share_s":1.57,"by_hand_s":1.64,"ratio":0.96,"virt_share_rpcs":24,"virt_share_agent":12,"by_hand_rpcs":30,"by_hand_agent":2,"runs":5,"virt_share_all":"1.57","by_hand_all":"1.64"}
{"stack":"host","kind":"compare","name":"status",$L,"virt_share_s":0.03,"by_hand_s":0.09,"ratio":0.33,"virt_share_rpcs":12,"virt_share_agent":3,"by_hand_rpcs":40,"by_hand_agent":2,"runs":5,"virt_share_all":"0.03","by_hand_all":"0.09"}
{"stack":"host","kind":"dry_run","name":"add-dry-run",$L,"cold_s":3.91,"warm_s":0.03,"domcapabilities_s":3.91,"warm_rpcs":9,"runs":5}
{"stack":"host","kind":"compare","name":"list (1001 domains)",$L,"virt_share_s":0.29,"by_hand_s":0.68,"ratio":0.43,"virt_share_rpcs":1009,"virt_share_agent":0,"by_hand_rpcs":3012,"by_hand_agent":0,"runs":5,"virt_share_all":"0.29","by_hand_all":"0.68"}
{"stack":"host","kind":"compare","name":"status (1 of 1001 domains)",$L,"virt_share_s":0.02,"by_hand_s":0.02,"ratio":1.00,"virt_share_rpcs":7,"virt_share_agent":0,"by_hand_rpcs":12,"by_hand_agent":0,"runs":5,"virt_share_all":"0.02","by_hand_all":"0.02"}
{"stack":"host","kind":"list_domains","name":"1001",$L,"shares":2002}
{"stack": "host", "kind": "guests", "name": "1", "guests": 1, "mounted": 1, "load": ["0.47", "0.40", "0.30"], "all_mounted_s": 10.2, "all_agents_up_s": 10.0, "last_agent_to_all_mounted_s": 0.16, "agent_to_mounted_median_s": 0.16, "agent_to_mounted_max_s": 0.16}
{"stack": "host", "kind": "guests", "name": "4", "guests": 4, "mounted": 4, "load": ["1.53", "0.90", "0.40"], "all_mounted_s": 16.1, "all_agents_up_s": 15.9, "last_agent_to_all_mounted_s": 0.24, "agent_to_mounted_median_s": 0.27, "agent_to_mounted_max_s": 0.32}
{"stack": "host", "kind": "guests", "name": "8", "guests": 8, "mounted": 8, "load": ["4.33", "2.00", "1.00"], "all_mounted_s": 29.0, "all_agents_up_s": 28.9, "last_agent_to_all_mounted_s": 0.10, "agent_to_mounted_median_s": 0.29, "agent_to_mounted_max_s": 0.78}
EOF
}

# verdict NAME WANT_RC PATTERN...: report.py on $work/NAME.jsonl exits WANT_RC
# (0 or "fail", any non-zero) and its output matches each PATTERN (grep -E).
verdict() {
    local name=$1 want=$2 out rc p bad=""
    shift 2
    out=$(python3 "$here/report.py" "$work/$name.jsonl" "$work/$name.json" 2>&1)
    rc=$?
    if [ "$want" = 0 ] && [ "$rc" -ne 0 ]; then bad="exit $rc, wanted 0"; fi
    if [ "$want" = fail ] && [ "$rc" -eq 0 ]; then bad="exit 0, wanted a failure"; fi
    for p in "$@"; do
        grep -qE -- "$p" <<<"$out" || bad+="${bad:+; }no line matching: $p"
    done
    if [ -n "$bad" ]; then
        tap_not_ok "$name" "$bad
$(tail -6 <<<"$out")"
    else
        tap_ok "$name"
    fi
}

: >"$work/empty.jsonl"
verdict empty fail '^missing: no results in ' '^goals: NOT met: 1 missing'

good >"$work/good.jsonl"
verdict good 0 '^goals: all met$' 'N=8 .* ok$'
tap_check "good: the JSON says met" python3 -c '
import json, sys
g = json.load(open(sys.argv[1]))["goals"]
sys.exit(0 if g["met"] and not g["missed"] and not g["missing"] else 1)' "$work/good.json"

# partial: the run stopped during the list section (no list, no guests)
good | grep -v -e '"list (' -e '"status (1 of' -e '"guests"' >"$work/partial.jsonl"
verdict partial fail "^missing: .*host: list: no 'list' result" "host: guests: no N=1 result" \
    "host: guests: no N=8 result" '^goals: NOT met: 5 missing'

# one section asked for, and its results there: the others are not required
good | grep -v -e '"kind":"fs"' -e '"list (' -e '"status (1 of' -e '"guests"' \
    | sed 's/"sections":"[^"]*"/"sections":"latency"/' >"$work/latency-only.jsonl"
verdict latency-only 0 '^goals: all met$'

# ratio 0: run.sh's ratio when the time by hand was 0 or not measured
good | sed 's/"ratio":0.33/"ratio":0/' >"$work/zero.jsonl"
verdict zero fail '^missing: host: status ratio 0 ' '^goals: NOT met: 1 missing'

# "nan": run.sh's median of no times, written as a string
good | sed 's/"warm_s":0.03/"warm_s":"nan"/; s/"ratio":0.96/"ratio":"nan"/' >"$work/nan.jsonl"
verdict nan fail 'host: remove ratio nan' 'host: add-dry-run warm nan s' '^goals: NOT met: 2 missing'

good | sed 's/"ratio":1.09/"ratio":1.29/' >"$work/slow-add.jsonl"
verdict slow-add fail '^goals: NOT met: host: add \(virtiofs, mounted\) ratio 1.29$'

# the watcher: N=8 took 8.5x N=1's time; N=4 mounted 3 of 4
good | sed 's/"all_mounted_s": 29.0/"all_mounted_s": 86.7/; s/"mounted": 4, "load": \(\[[^]]*\]\), "all_mounted_s": 16.1/"mounted": 3, "load": \1, "all_mounted_s": null/' \
    >"$work/watch.jsonl"
verdict watch fail 'N=8 .* MISS$' '^goals: NOT met: host: watch N=4 mounted 3/4; host: watch N=8 8.50x of N=1$'

# "far less than N times": N=8 at 5x of N=1 is under N but over N/2
good | sed 's/"all_mounted_s": 29.0/"all_mounted_s": 51.0/' >"$work/watch-half.jsonl"
verdict watch-half fail 'N=8 .* MISS$' '^goals: NOT met: host: watch N=8 5.00x of N=1$'

tap_done
