# tests/e2e/hostile.sh: sourced by tests/e2e/run.sh (its helpers, TAP and
# cleanup).  A guest whose qemu-ga is replaced by tests/lab/fake-agent.sh
# (crafted replies): add, mount, status and watch must give a clear error,
# never crash, stay under a memory bound, never print a raw escape sequence,
# and leave the domain XML and the host folder unchanged.
# shellcheck shell=bash disable=SC2154  # top, VS, SHARES, mkshare... come from run.sh

HOSTILE=vs-test-hostile
# Max RSS of one virt-share run against a hostile agent.  A healthy add
# measures about 10 MiB here; the bound leaves room for a 4 MiB reply held
# twice (text and parse tree) and nothing like the 256 MiB of the unbounded
# endless read measured before the fix.
HOSTILE_MAX_RSS_KB=65536

# hostile_run NAME CMD...: run virt-share CMD under /usr/bin/time; sets
# h_out (stdout+stderr), h_rc, h_rss (KiB).
hostile_run() {
    local tf
    tf=$(mktemp)
    h_out=$(/usr/bin/time -f %M -o "$tf" timeout 300 "$VS" "$@" 2>&1); h_rc=$?
    h_rss=$(tail -1 "$tf"); rm -f "$tf"
}

# hostile_checks WHAT: the promises for the last hostile_run
hostile_checks() {
    local what=$1 expect_rc=${2:-fail}
    tap_diag "$what: exit $h_rc, max RSS $h_rss KiB: $h_out"
    if [ "$expect_rc" = fail ]; then
        expect "$what: clear error (exit 1 or 2, no crash)" \
            bash -c '[ "$1" -eq 1 ] || [ "$1" -eq 2 ]' _ "$h_rc"
        expect "$what: says what went wrong" grep -q "virt-share: error: " <<<"$h_out"
    else
        expect "$what: no crash (exit $h_rc)" test "$h_rc" -lt 124
    fi
    expect "$what: max RSS $h_rss KiB < $HOSTILE_MAX_RSS_KB KiB" test "${h_rss:-999999}" -lt "$HOSTILE_MAX_RSS_KB"
    expect_not "$what: no raw escape sequence reaches the terminal" grep -q $'\e\|\a' <<<"$h_out"
}

hostile_scenario() { lab_qga "$HOSTILE" "{\"execute\":\"vs-fake-scenario\",\"arguments\":{\"name\":\"$1\"}}"; }
# hostile_switch NAME [WHAT]: switch the fake agent to scenario NAME, as a
# check: its reply must name NAME.  A switch that failed would leave the
# checks after it talking to the previous scenario (or a healthy agent), so
# the caller skips them when this fails.
hostile_switch() {
    local reply name="hostile $1${2:+ ($2)}: the fake agent runs the scenario"
    if reply=$(hostile_scenario "$1" 2>&1) &&
        jq -e --arg n "$1" '.return.scenario == $n' <<<"$reply" >/dev/null 2>&1; then
        tap_ok "$name"
        return 0
    fi
    tap_not_ok "$name" "reply: ${reply:-none}"
    return 1
}
# hostile_seen: the agent commands that reached the fake agent since the
# last switch (vs-fake-seen), one line; fails if it does not answer.
hostile_seen() {
    local reply
    reply=$(lab_qga "$HOSTILE" '{"execute":"vs-fake-seen"}') &&
        jq -er '.return.seen | strings' <<<"$reply"
}
# hostile_reached SCENARIO: the command whose reply SCENARIO crafts, that the
# watcher sends on its way to mount the share (ping, then /proc/self/mounts
# through guest-file-open and -read, then guest-info and guest-get-osinfo
# before mounting): wrongid spoils the ping itself, huge the open, nameless
# guest-info, windows guest-get-osinfo.
hostile_reached() {
    local want seen
    case $1 in
        wrongid) want=guest-ping ;;
        huge) want=guest-file-open ;;
        nameless) want=guest-info ;;
        windows) want=guest-get-osinfo ;;
        *) want=guest-file-read ;;
    esac
    seen=$(hostile_seen) || { tap_diag "hostile $1: the fake agent did not say what reached it"; return 1; }
    tap_diag "hostile $1: commands that reached the fake agent: ${seen:-none}"
    [[ " $seen " == *" $want "* ]]
}
# hostile_same_xml NAME BEFORE xml_inactive|xml_live: the XML, which virsh
# must give now and gave before (two failed virsh calls are no "unchanged"),
# is byte for byte BEFORE.
hostile_same_xml() {
    local now
    if ! now=$("$3" "$HOSTILE") || [ -z "$2" ]; then
        tap_not_ok "$1" "virsh dumpxml failed (before: ${#2} bytes)"
        return
    fi
    same_xml "$1" "$2" "$now"
}

tap_diag "== a hostile guest agent (crafted replies)"
if bash "$top/tests/lab/start-guest.sh" "$HOSTILE" --cmdline-extra vs_fake_agent; then
    d_h=$(mkshare hostile root:root)
    echo "host data" >"$d_h/keep.txt"
    # -A: not "." and "..", whose times move with the lab's own files beside it
    host_before=$(cd "$d_h" && ls -lAR --time-style=+%s . && cat keep.txt)
    # One share attached live without mounting (no agent involved), so that
    # mount and status have something to ask the guest about.
    hostile_switch ok
    expect "hostile: --no-mount attaches without the agent" \
        "$VS" add "$HOSTILE" "$d_h" --driver virtiofs --tag vs-hostile --target /mnt/h --no-mount
    before_i=$(xml_inactive "$HOSTILE") || before_i=
    before_l=$(xml_live "$HOSTILE") || before_l=
    d_h2=$(mkshare hostile2 root:root)
    for sc in nameless nonobject endless bigout escapes wrongid huge; do
        hostile_switch "$sc" || continue
        hostile_run add "$HOSTILE" "$d_h2" --driver virtiofs --target /mnt/h2
        hostile_checks "hostile $sc: add"
        hostile_run mount "$HOSTILE"
        hostile_checks "hostile $sc: mount"
        hostile_run status "$HOSTILE"
        hostile_checks "hostile $sc: status" any
        hostile_run status "$HOSTILE" --json
        hostile_checks "hostile $sc: status --json" any
        hostile_same_xml "hostile $sc: definition byte-identical" "$before_i" xml_inactive
        hostile_same_xml "hostile $sc: live XML byte-identical" "$before_l" xml_live
    done
    # A Windows guest, as its agent's own guest-get-osinfo tells: add
    # refuses before anything changes (a live virtiofs add, a 9p add that
    # would wait for a restart, the dry run), says what Windows would need
    # and that --no-mount only attaches; mount and doctor say the same.
    if hostile_switch windows; then
        # --force for 9p: QEMU's user cannot write the root-owned folder, and
        # the host's permission check would refuse first.
        for drv in virtiofs 9p; do
            hwin_force=()
            [ "$drv" = 9p ] && hwin_force=(--force)
            hostile_run add "$HOSTILE" "$d_h2" --driver "$drv" --target /mnt/h2 "${hwin_force[@]}"
            hostile_checks "hostile windows: add ($drv)"
            expect "hostile windows: add ($drv) refuses as an impossible combination (exit 1)" test "$h_rc" -eq 1
            expect "hostile windows: add ($drv) names the guest's system" grep -q "Windows 11 Pro" <<<"$h_out"
            expect "hostile windows: add ($drv) says what Windows would need" grep -q "virtio-win.*WinFsp" <<<"$h_out"
            expect "hostile windows: add ($drv) offers --no-mount" grep -q -- "--no-mount" <<<"$h_out"
            hostile_same_xml "hostile windows: add ($drv): definition byte-identical" "$before_i" xml_inactive
            hostile_same_xml "hostile windows: add ($drv): live XML byte-identical" "$before_l" xml_live
        done
        hostile_run add "$HOSTILE" "$d_h2" --driver virtiofs --target /mnt/h2 --dry-run
        hostile_checks "hostile windows: add --dry-run"
        expect "hostile windows: the dry run fails with the same refusal" grep -q "dry run: add would fail: .*Windows 11 Pro" <<<"$h_out"
        hostile_run mount "$HOSTILE"
        hostile_checks "hostile windows: mount"
        expect "hostile windows: mount says what Windows would need" grep -q "WinFsp" <<<"$h_out"
        # What reached the agent: its system asked, no command run in it.
        hwin_seen=$(hostile_seen) || hwin_seen=
        tap_diag "hostile windows: commands that reached the fake agent: ${hwin_seen:-none}"
        expect "hostile windows: the agent was asked guest-get-osinfo" grep -qw guest-get-osinfo <<<"$hwin_seen"
        expect_not "hostile windows: no guest-exec reached the guest" grep -qw guest-exec <<<"$hwin_seen"
        hostile_run status "$HOSTILE"
        hostile_checks "hostile windows: status" any
        expect "hostile windows: status shows the guest's system" grep -q "Windows 11 Pro (22621)" <<<"$h_out"
        hwin_json=$(timeout 300 "$VS" status "$HOSTILE" --json 2>/dev/null)
        expect "hostile windows: status --json carries guest_os" \
            jq -e '.guest_os.kind == "windows" and .guest_os.id == "mswindows" and .guest_os.kernel_release == "22621"' <<<"$hwin_json"
        hwin_json=$(timeout 300 "$VS" doctor "$HOSTILE" --json 2>/dev/null); hwin_rc=$?
        expect "hostile windows: doctor finds problems (exit 4)" test "$hwin_rc" -eq 4
        expect "hostile windows: doctor --json has the finding guest-os-unsupported" \
            jq -e '[.findings[] | select(.code == "guest-os-unsupported" and .severity == "error")] | length == 1' <<<"$hwin_json"
        expect "hostile windows: doctor --json carries guest_os" jq -e '.guest_os.kind == "windows"' <<<"$hwin_json"
        hostile_run doctor "$HOSTILE"
        expect "hostile windows: doctor says what Windows would need" grep -q "virtio-win.*WinFsp" <<<"$h_out"
        hostile_same_xml "hostile windows: definition byte-identical at the end" "$before_i" xml_inactive
        hostile_same_xml "hostile windows: live XML byte-identical at the end" "$before_l" xml_live
    fi
    # A system whose name carries terminal escapes: refused, shown escaped.
    if hostile_switch osinfo-escapes; then
        hostile_run add "$HOSTILE" "$d_h2" --driver virtiofs --target /mnt/h2
        hostile_checks "hostile osinfo-escapes: add"
        expect "hostile osinfo-escapes: add refuses (exit 1)" test "$h_rc" -eq 1
        expect "hostile osinfo-escapes: the system's name is shown escaped" \
            grep -qF 'Free\x1b]0;pwned\x07\x1b[2JBSD \u{202e}14, not Linux' <<<"$h_out"
        hostile_run status "$HOSTILE" --json
        hostile_checks "hostile osinfo-escapes: status --json" any
        hostile_same_xml "hostile osinfo-escapes: definition byte-identical" "$before_i" xml_inactive
        hostile_same_xml "hostile osinfo-escapes: live XML byte-identical" "$before_l" xml_live
    fi
    if hostile_switch escapes "status"; then
        hostile_run status "$HOSTILE"
        expect "hostile escapes: status shows the mount point escaped" \
            grep -qF '/mnt/\x1b]0;pwned\x07\x1b[2J\u{202e}x' <<<"$h_out"
    fi
    # The watcher mounts the shares of every guest whose agent answers (at
    # start, and when an agent connects): it must survive every scenario.
    for sc in nameless nonobject endless escapes wrongid huge windows; do
        hostile_switch "$sc" "watcher" || continue
        "$VS" watch >"$SHARES/hostile-watch.log" 2>&1 &
        hwatch=$!
        sleep 6
        expect "hostile $sc: the watcher is still running" kill -0 "$hwatch"
        kill "$hwatch" 2>/dev/null; wait "$hwatch" 2>/dev/null
        tap_diag "$(cat "$SHARES/hostile-watch.log")"
        # Evidence that the watcher met the scenario at all: it started
        # watching, and the command whose reply is crafted reached the agent.
        expect "hostile $sc: the watcher started watching" grep -q "watching" "$SHARES/hostile-watch.log"
        expect "hostile $sc: the watcher's requests reached the fake agent" hostile_reached "$sc"
        expect_not "hostile $sc: the watcher printed no raw escape sequence" \
            grep -q $'\e' "$SHARES/hostile-watch.log"
    done
    # An admin's command wins over a watcher stuck in a slow guest: the
    # watcher holds the domain's lock only while it reads, never through a
    # guest step (here a modprobe that never ends, until its 60 s timeout;
    # remove's own guest commands end at once).
    if hostile_switch slowexec "watcher and remove"; then
        "$VS" watch >"$SHARES/hostile-slow.log" 2>&1 &
        hwatch=$!
        hslow_seen=
        for _ in $(seq 60); do
            hslow_seen=$(hostile_seen) && grep -qw guest-exec-status <<<"$hslow_seen" && break
            sleep 1
        done
        tap_diag "hostile slowexec: commands that reached the fake agent: ${hslow_seen:-none}"
        expect "hostile slowexec: the watcher waits on a command in the guest" \
            grep -qw guest-exec-status <<<"$hslow_seen"
        hslow_t0=$(now)
        hostile_run remove "$HOSTILE" vs-hostile
        hslow_s=$(elapsed "$hslow_t0")
        hostile_checks "hostile slowexec: remove while the watcher waits" ok
        expect "hostile slowexec: remove exits 0" test "$h_rc" -eq 0
        expect "hostile slowexec: remove took $hslow_s s, not the watcher's 60 s guest step (< 30 s)" \
            awk -v s="$hslow_s" 'BEGIN { exit !(s < 30) }'
        hslow_gone() { local x; x=$(xml_live "$HOSTILE") && ! grep -q "vs-hostile" <<<"$x"; }
        expect "hostile slowexec: the share is gone from the running domain" hslow_gone
        expect "hostile slowexec: the watcher is still running" kill -0 "$hwatch"
        kill "$hwatch" 2>/dev/null; wait "$hwatch" 2>/dev/null
        tap_diag "$(cat "$SHARES/hostile-slow.log")"
    fi
    host_after=$(cd "$d_h" && ls -lAR --time-style=+%s . && cat keep.txt)
    same_host() { [ -n "$host_before" ] && [ "$host_before" = "$host_after" ]; }
    expect "hostile: host folder unchanged" same_host
    # (ls must answer: a folder gone or unreadable is no "untouched")
    h2_empty() { local l; l=$(ls -A "$d_h2") && [ -z "$l" ]; }
    expect "hostile: second host folder untouched" h2_empty
else
    tap_not_ok "the hostile-agent guest did not boot"
fi
virsh -q destroy "$HOSTILE" >/dev/null 2>&1
virsh -q undefine "$HOSTILE" >/dev/null 2>&1
