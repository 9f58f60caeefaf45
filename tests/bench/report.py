#!/usr/bin/env python3
"""The benchmark's summary: reads the JSON lines tests/bench/run.sh wrote (one
run, one or more host stacks), prints the tables with ratios and the goals,
and writes one JSON document.   Usage: report.py RESULTS.jsonl OUT.json"""
import json
import sys

# Goals of the performance issue: add/remove/list/status within 1.2x of the
# same steps by hand (virsh), --dry-run well under a second once cached.
GOAL_RATIO = 1.2
GOAL_DRY_RUN_S = 1.0


def load(path):
    stacks = {}
    for line in open(path, encoding="utf-8"):
        line = line.strip()
        if not line:
            continue
        r = json.loads(line)
        s = stacks.setdefault(r["stack"], {"facts": {}, "filesystems": {}, "compare": {},
                                           "dry_run": {}, "guests": {}, "list": {}})
        kind = r.pop("kind")
        if "load" in r:
            s.setdefault("loads", []).append(r["load"] if isinstance(r["load"], str) else " ".join(r["load"]))
        name = r.pop("name")
        r.pop("stack")
        if kind == "stack":
            s["facts"] = r
        elif kind == "fs":
            s["filesystems"][name] = r
        elif kind == "compare":
            s["compare"][name] = r
        elif kind == "dry_run":
            s["dry_run"][name] = r
        elif kind == "guests":
            s["guests"][name] = r
        elif kind == "list_domains":
            s["list"]["domains"] = int(name)
            s["list"].update(r)
    return stacks


def fs_table(fs):
    base = fs.get("9p-howto")
    print(f"    {'filesystem':<24}{'write MiB/s':>12}{'read MiB/s':>11}{'small files s':>14}"
          f"   vs how-to 9p (write/read/small)")
    for name, v in fs.items():
        if "unsupported" in v:
            print(f"    {name:<24}  not supported: {v['unsupported'][:60]}")
            continue
        size = v["size_mib"]
        w, r = size / max(v["write_s"], 0.01), size / max(v["read_s"], 0.01)
        v["write_mib_s"], v["read_mib_s"] = round(w, 1), round(r, 1)
        line = f"    {name:<24}{w:>12.1f}{r:>11.1f}{v['small_s']:>14.2f}"
        if base and "write_s" in base:
            bw, br = size / max(base["write_s"], 0.01), size / max(base["read_s"], 0.01)
            v["vs_9p_howto"] = {"write": round(w / bw, 2), "read": round(r / br, 2),
                                "small_files": round(base["small_s"] / max(v["small_s"], 0.01), 2)}
            x = v["vs_9p_howto"]
            line += f"   {x['write']:>6.2f}x {x['read']:>6.2f}x {x['small_files']:>6.2f}x"
        print(line + (f"  {v['note']}" if v.get("note") else ""))
    paired = {n: v for n, v in fs.items() if "base_small_s" in v}
    if paired:
        # a variant against virt-share's device measured just before it
        # (run.sh: the guest drifts over a run); > 1 means the variant is faster
        print(f"    virtiofs variants vs virt-share's device measured just before each"
              f" (speed ratio, > 1: the variant is faster):")
        print(f"    {'variant':<24}{'write':>8}{'read':>8}{'small files':>13}   (its small files s vs the pair's)")
        for name, v in paired.items():
            x = {"write": round(v["base_write_s"] / max(v["write_s"], 0.01), 2),
                 "read": round(v["base_read_s"] / max(v["read_s"], 0.01), 2),
                 "small_files": round(v["base_small_s"] / max(v["small_s"], 0.01), 2)}
            v["vs_virt_share_paired"] = x
            print(f"    {name:<24}{x['write']:>7.2f}x{x['read']:>7.2f}x{x['small_files']:>12.2f}x"
                  f"   ({v['small_s']:.2f} s vs {v['base_small_s']:.2f} s)")


def main():
    stacks = load(sys.argv[1])
    misses = []
    for name, s in stacks.items():
        f = s["facts"]
        # the daemon's versions (the stack measured), not the client's
        print(f"\n=== {name}: libvirt {f.get('libvirt', '?')} (client {f.get('client', '?')}), "
              f"QEMU {f.get('qemu', '?')} (TCG), {f.get('virtiofsd', '?')}, "
              f"/dev/kvm {f.get('dev_kvm', '?')}, {f.get('cpus', '?')} cores, {f.get('date', '')}")
        loads = s.get("loads", [])
        if loads:
            one = [float(x.split()[0]) for x in loads]
            print(f"  load average (1 min) while measuring: {min(one):.1f}-{max(one):.1f} "
                  f"(first {loads[0]}, last {loads[-1]})")
        if s["filesystems"]:
            print("  throughput in the guest:")
            fs_table(s["filesystems"])
        if s["compare"]:
            print(f"  commands (fresh processes, medians) vs the same steps by hand; goal <= {GOAL_RATIO}x:")
            for cname, c in s["compare"].items():
                ok = c["ratio"] <= GOAL_RATIO
                c["goal_met"] = ok
                if not ok:
                    misses.append(f"{name}: {cname} ratio {c['ratio']}")
                print(f"    {cname:<34}{c['virt_share_s']:>7.3f} s vs {c['by_hand_s']:>7.3f} s  "
                      f"ratio {c['ratio']:>5.2f} {'ok ' if ok else 'MISS'}  libvirt RPCs "
                      f"{c['virt_share_rpcs']} (agent {c['virt_share_agent']}) vs "
                      f"{c['by_hand_rpcs']} (agent {c['by_hand_agent']})")
        for dname, d in s["dry_run"].items():
            ok = d["warm_s"] < GOAL_DRY_RUN_S
            d["goal_met"] = ok
            if not ok:
                misses.append(f"{name}: {dname} warm {d['warm_s']} s")
            print(f"    {dname:<34}cold {d['cold_s']:.3f} s, warm (cached) {d['warm_s']:.3f} s "
                  f"{'ok' if ok else 'MISS'}; virsh domcapabilities {d['domcapabilities_s']:.3f} s")
        if s["guests"]:
            print("  watch, N guests started at once (TCG):")
            one = s["guests"].get("1", {}).get("all_mounted_s")
            for g in s["guests"].values():
                t = g.get("all_mounted_s")
                grow = f"{t / one:.2f}x of N=1" if t and one else "-"
                print(f"    N={g['guests']:<3} mounted {g['mounted']}/{g['guests']}, all started -> all "
                      f"mounted {t if t is None else round(t, 1)} s ({grow}); agent up -> mounted "
                      f"median {g['agent_to_mounted_median_s'] and round(g['agent_to_mounted_median_s'], 2)} s, "
                      f"max {g['agent_to_mounted_max_s'] and round(g['agent_to_mounted_max_s'], 2)} s; "
                      f"last agent up -> all mounted {g.get('last_agent_to_all_mounted_s') and round(g['last_agent_to_all_mounted_s'], 2)} s")
                if t and one:
                    g["growth_vs_1"] = round(t / one, 2)
    print("\ngoals: " + ("all met" if not misses else "NOT met: " + "; ".join(misses)))
    json.dump({"goals": {"ratio": GOAL_RATIO, "dry_run_s": GOAL_DRY_RUN_S, "missed": misses},
               "stacks": stacks}, open(sys.argv[2], "w"), indent=2)
    print(f"JSON: {sys.argv[2]}")


main()
