#!/usr/bin/env python3
"""The benchmark's summary: reads the JSON lines tests/bench/run.sh wrote (one
run, one or more host stacks), prints the tables with ratios and the goals,
and writes one JSON document.   Usage: report.py RESULTS.jsonl OUT.json"""
import json
import math
import os
import sys

# Goals of the performance issue: add/remove/list/status within 1.2x of the
# same steps by hand (virsh), --dry-run well under a second once cached, and
# the watcher: with N guests started at once all N are mounted, and all
# started -> all mounted grows "far less than N times" (the performance
# issue's words), judged as at most N/2 times the time at N=1 (measured on
# 2 TCG cores: 1.6x at N=4, 2.9-3.5x at N=8).
GOAL_WATCH_GROWTH = 0.5   # of N
GOAL_RATIO = 1.2
GOAL_DRY_RUN_S = 1.0

# What each section of run.sh records (BENCH_SECTIONS, GUESTS): a section
# asked for whose results are not all there fails the verdict ("missing").
# The kvm section records only where it stages its /dev/kvm node: on a host
# without one (the stack facts' dev_kvm "absent").  List names carry the
# number of domains: matched by their start.
DEFAULT_SECTIONS = "throughput latency list kvm guests"
DEFAULT_GUESTS = "1 4 8"
EXPECTED = {
    "throughput": [("filesystems", n) for n in ("tmpfs", "9p-howto", "9p-virt-share",
                                                "virtiofs-virt-share")],
    "latency": [("compare", "add (virtiofs, mounted)"), ("compare", "remove"),
                ("compare", "status"), ("dry_run", "add-dry-run")],
    "list": [("compare", "list ("), ("compare", "status (1 of ")],
    "kvm": [("compare", "add (virtiofs, mounted)+kvm-node"), ("compare", "remove+kvm-node"),
            ("compare", "status+kvm-node"), ("dry_run", "add-dry-run+kvm-node")],
}


def num(v):
    """v as a float if it is a finite number (run.sh writes "nan" as a string), else None."""
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return None
    return float(v) if math.isfinite(v) else None


def fmt(v, spec):
    return "?" if num(v) is None else format(v, spec)


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


def expected_missing(name, s):
    """What the sections asked for on stack NAME lack (run.sh records the
    sections and guest counts in the stack facts)."""
    f = s["facts"]
    if not f:
        return [f"{name}: no stack facts"]
    sections = str(f.get("sections", os.environ.get("BENCH_SECTIONS", DEFAULT_SECTIONS))).split()
    out = []
    for sec in sections:
        if sec == "kvm" and f.get("dev_kvm") != "absent":
            continue   # a host with /dev/kvm: the case is not staged
        for table, want in EXPECTED.get(sec, []):
            names = s[table]
            if want.endswith(("(", " of ")):
                found = any(n.startswith(want) and "+" not in n for n in names)
            else:
                found = want in names
            if not found:
                out.append(f"{name}: {sec}: no '{want.rstrip(' (')}' result")
        if sec == "guests":
            for n in str(f.get("guest_counts", os.environ.get("GUESTS", DEFAULT_GUESTS))).split():
                if n not in s["guests"]:
                    out.append(f"{name}: guests: no N={n} result")
    return out


def main():
    stacks = load(sys.argv[1])
    misses = []
    missing = [] if stacks else [f"no results in {sys.argv[1]}"]
    for name, s in stacks.items():
        missing += expected_missing(name, s)
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
                ratio = num(c.get("ratio"))
                # run.sh writes ratio 0 when the by-hand time is 0 or missing
                if ratio is None or ratio <= 0:
                    missing.append(f"{name}: {cname} ratio {c.get('ratio')} (not a measurement)")
                    ok = None
                else:
                    ok = ratio <= GOAL_RATIO
                    if not ok:
                        misses.append(f"{name}: {cname} ratio {c['ratio']}")
                c["goal_met"] = ok
                print(f"    {cname:<34}{fmt(c.get('virt_share_s'), '>7.3f')} s vs "
                      f"{fmt(c.get('by_hand_s'), '>7.3f')} s  "
                      f"ratio {fmt(c.get('ratio'), '>5.2f')} {'ok ' if ok else '?  ' if ok is None else 'MISS'}"
                      f"  libvirt RPCs {c.get('virt_share_rpcs')} (agent {c.get('virt_share_agent')}) vs "
                      f"{c.get('by_hand_rpcs')} (agent {c.get('by_hand_agent')})")
        for dname, d in s["dry_run"].items():
            warm = num(d.get("warm_s"))
            if warm is None or warm <= 0:
                missing.append(f"{name}: {dname} warm {d.get('warm_s')} s (not a measurement)")
                ok = None
            else:
                ok = warm < GOAL_DRY_RUN_S
                if not ok:
                    misses.append(f"{name}: {dname} warm {d['warm_s']} s")
            d["goal_met"] = ok
            print(f"    {dname:<34}cold {fmt(d.get('cold_s'), '.3f')} s, warm (cached) "
                  f"{fmt(d.get('warm_s'), '.3f')} s {'ok' if ok else '?' if ok is None else 'MISS'}; "
                  f"virsh domcapabilities {fmt(d.get('domcapabilities_s'), '.3f')} s")
        if s["guests"]:
            print("  watch, N guests started at once (TCG); goal: all N mounted, growing at most N/2:")
            one = num(s["guests"].get("1", {}).get("all_mounted_s"))
            for g in s["guests"].values():
                t = num(g.get("all_mounted_s"))
                n = g.get("guests")
                grow = f"{t / one:.2f}x of N=1" if t and one else "-"
                if t and one:
                    g["growth_vs_1"] = round(t / one, 2)
                # the goal: every guest mounted, and at most N/2 times N=1's time
                if g.get("mounted") != n or t is None:
                    ok = False
                    misses.append(f"{name}: watch N={n} mounted {g.get('mounted')}/{n}")
                elif n == 1:
                    ok = True
                elif not one:
                    ok = None
                    missing.append(f"{name}: watch N={n}: no N=1 time to compare with")
                else:
                    ok = t / one <= n * GOAL_WATCH_GROWTH
                    if not ok:
                        misses.append(f"{name}: watch N={n} {t / one:.2f}x of N=1")
                g["goal_met"] = ok
                print(f"    N={n:<3} mounted {g.get('mounted')}/{n}, all started -> all "
                      f"mounted {t if t is None else round(t, 1)} s ({grow}); agent up -> mounted "
                      f"median {g.get('agent_to_mounted_median_s') and round(g['agent_to_mounted_median_s'], 2)} s, "
                      f"max {g.get('agent_to_mounted_max_s') and round(g['agent_to_mounted_max_s'], 2)} s; "
                      f"last agent up -> all mounted {g.get('last_agent_to_all_mounted_s') and round(g['last_agent_to_all_mounted_s'], 2)} s"
                      f" {'ok' if ok else '?' if ok is None else 'MISS'}")
    if missing:
        print("\nmissing: " + "; ".join(missing))
    met = not misses and not missing
    verdict = misses + ([f"{len(missing)} missing (see above)"] if missing else [])
    print(("\n" if not missing else "") + "goals: " + ("all met" if met else "NOT met: " + "; ".join(verdict)))
    json.dump({"goals": {"ratio": GOAL_RATIO, "dry_run_s": GOAL_DRY_RUN_S,
                         "watch": "all N mounted, all started -> all mounted at most N/2 x N=1",
                         "met": met, "missed": misses, "missing": missing},
               "stacks": stacks}, open(sys.argv[2], "w"), indent=2)
    print(f"JSON: {sys.argv[2]}")
    return 0 if met else 1


sys.exit(main())
