#!/usr/bin/env bash
# Black-box tests of the virt-share binary against libvirt's test driver
# (tests/data/testnode.xml: 'running' with two shares, 'stopped' with none).
# Every virt-share run is a new connection, so starts from testnode.xml.
# Run by 'make check' with VIRT_SHARE (the built binary) and TEST_DATA_DIR.
# Prints TAP (tests/tap.sh) and "N passed, M failed"; exit status 1 when M > 0.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VS=${VIRT_SHARE:-$here/../src/virt-share}
DATA=${TEST_DATA_DIR:-$here/data}
# Absolute: the tests below run from a scratch directory.
[[ $VS == /* ]] || VS=$PWD/$VS
[[ $DATA == /* ]] || DATA=$PWD/$DATA
URI="test://$DATA/testnode.xml"
# The messages checked below are the untranslated ones.
export LC_ALL=C LANGUAGE=
unset LIBVIRT_DEFAULT_URI

# shellcheck source=tap.sh
. "$here/tap.sh"

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# Lock files of non-dry-run commands go to the runtime dir when not root.
export XDG_RUNTIME_DIR=$TMP/run
mkdir -m 700 "$XDG_RUNTIME_DIR"

# run ARGS...: run virt-share; sets $rc, $out (stdout) and $err (stderr).
run() {
    "$VS" "$@" >"$TMP/out" 2>"$TMP/err"
    rc=$?
    out=$(cat "$TMP/out")
    err=$(cat "$TMP/err")
}
# vs ARGS...: run against the test node.
vs() { run -c "$URI" "$@"; }

# check NAME WANT_RC: the last run exited with WANT_RC.
check_rc() {
    if [ "$rc" -eq "$2" ]; then
        tap_ok "$1 (exit $2)"
    else
        tap_not_ok "$1 (exit $2)" "exit $rc, want $2" "stdout: $out" "stderr: $err"
    fi
}
# contains NAME TEXT NEEDLE: TEXT contains the fixed string NEEDLE.
contains() {
    if grep -qF -- "$3" <<<"$2"; then tap_ok "$1"; else tap_not_ok "$1" "no '$3' in: $2"; fi
}
not_contains() {
    if grep -qF -- "$3" <<<"$2"; then tap_not_ok "$1" "unexpected '$3' in: $2"; else tap_ok "$1"; fi
}

if [ ! -x "$VS" ] || [ ! -f "$DATA/testnode.xml" ]; then
    tap_bail "cli.sh: no binary at '$VS' or no '$DATA/testnode.xml'"
fi

# ---- help ----
run --help
check_rc "--help" 0
for word in add list remove mount umount status --connect --help --version "Exit status"; do
    contains "--help mentions $word" "$out" "$word"
done
not_contains "--help hides __complete" "$out" "__complete"
run -h
check_rc "-h" 0
run --version
check_rc "--version" 0
contains "--version prints the name" "$out" "virt-share"
# add --help names the file this build reads (sysconfdir), or $VIRT_SHARE_CONFIG's.
# Help is wrapped at 80 columns, and a long path (make distcheck's prefix)
# goes to a line of its own: compare with the lines joined.
if [ -n "${VS_SYSCONFDIR:-}" ]; then
    run add --help
    contains "add --help names this build's configuration file" "$(tr -s ' \n' '  ' <<<"$out")" \
        "Configuration file: $VS_SYSCONFDIR/virt-share/virt-share.conf"
else
    tap_skip "add --help names this build's configuration file" "VS_SYSCONFDIR not set (make check sets it)"
fi
VIRT_SHARE_CONFIG=$TMP/other.conf run add --help
contains "add --help names \$VIRT_SHARE_CONFIG's file" "$(tr -s ' \n' '  ' <<<"$out")" "Configuration file: $TMP/other.conf"

common_opts=(--connect --quiet --help)
add_opts=(--allow-setuid --target --mode --driver --tag --readonly --dry-run --no-mount --keep-device
          --restart --force --timeout passthrough mapped squash auto 9p virtiofs)
run add --help
check_rc "add --help" 0
for o in "${add_opts[@]}" "${common_opts[@]}" "Exit status"; do
    contains "add --help mentions $o" "$out" "$o"
done
run list --help
check_rc "list --help" 0
for o in --json "${common_opts[@]}"; do
    contains "list --help mentions $o" "$out" "$o"
done
run remove --help
check_rc "remove --help" 0
for o in "${common_opts[@]}"; do
    contains "remove --help mentions $o" "$out" "$o"
done
run status --help
check_rc "status --help" 0
for o in "${common_opts[@]}"; do
    contains "status --help mentions $o" "$out" "$o"
done
run help add
check_rc "help add" 0
contains "help add shows the add options" "$out" "--dry-run"
# --help wins over everything else on the line: help, exit 0, nothing run.
run list --help extra1 extra2
check_rc "list --help with too many arguments" 0
contains "list --help with too many arguments: the help" "$out" "--json"
if [ -z "$err" ]; then
    tap_ok "list --help with too many arguments: nothing on stderr"
else
    tap_not_ok "list --help with too many arguments: nothing on stderr" "$err"
fi

# ---- every help fits 80 columns, in C and in German ----
# over_80 TEXT: the lines of TEXT wider than 80 columns, as "line N: TEXT".
# Columns are characters, not bytes: UTF-8 continuation bytes are not counted
# ("…" and umlauts are one column each).
over_80() {
    local n
    for n in $(LC_ALL=C tr -d '\200-\277' <<<"$1" | LC_ALL=C awk 'length($0) > 80 { print NR }'); do
        printf 'line %s: %s\n' "$n" "$(sed -n "${n}p" <<<"$1")"
    done
}
# help_fits LABEL ENV...: virt-share's top-level --help and every command's
# --help, run under ENV, have no line over 80 columns.  The configuration
# file --help names is a short fixed one: make distcheck's is too long a word
# to wrap.
help_fits() {
    local label=$1 c wide
    shift
    for c in "" $help_commands; do
        env "$@" VIRT_SHARE_CONFIG=/etc/virt-share/virt-share.conf \
            "$VS" ${c:+"$c"} --help >"$TMP/out" 2>&1
        wide=$(over_80 "$(cat "$TMP/out")")
        if [ -z "$wide" ]; then
            tap_ok "virt-share ${c:+$c }--help fits 80 columns ($label)"
        else
            tap_not_ok "virt-share ${c:+$c }--help fits 80 columns ($label)" "$wide"
        fi
    done
}
run __complete -- ""
help_commands=$out
if [ -n "$help_commands" ]; then
    tap_ok "the command list for the help width checks"
else
    tap_not_ok "the command list for the help width checks" "__complete listed no command"
fi
help_fits C LC_ALL=C LANGUAGE=
# German: the catalogue built from po/de.po, and de_DE.UTF-8 made with
# localedef when the system lacks it.
german=(LC_ALL=de_DE.UTF-8 LANGUAGE= VIRT_SHARE_LOCALEDIR="$TMP/locale")
german_why=
mkdir -p "$TMP/locale/de/LC_MESSAGES"
if ! command -v msgfmt >/dev/null; then
    german_why="no msgfmt to build the German catalogue"
elif ! msgfmt -o "$TMP/locale/de/LC_MESSAGES/virt-share.mo" "$here/../po/de.po"; then
    german_why="msgfmt failed on po/de.po"
# (Not "locale | grep -q .": under pipefail, locale's SIGPIPE when grep stops
# at its first line made this false about 1 run in 150, and --help English.)
elif [ -n "$(LC_ALL=de_DE.UTF-8 locale 2>&1 >/dev/null)" ]; then
    german+=(LOCPATH="$TMP/locales")
    mkdir -p "$TMP/locales"
    if ! localedef -i de_DE -f UTF-8 "$TMP/locales/de_DE.UTF-8" >/dev/null 2>&1 &&
        [ ! -d "$TMP/locales/de_DE.UTF-8" ]; then
        german_why="no de_DE.UTF-8 locale and localedef cannot make one"
    fi
fi
if [ -n "$german_why" ]; then
    tap_skip "virt-share --help fits 80 columns (de_DE.UTF-8)" "$german_why"
else
    out=$(env "${german[@]}" "$VS" --help 2>&1)
    # Else the checks below would prove nothing about the German text.
    contains "virt-share --help speaks German under de_DE.UTF-8" "$out" "Befehle:"
    help_fits de_DE.UTF-8 "${german[@]}"
fi

# ---- shell completion: the binary answers from its command table ----
# complete WORD...: the candidates for the last WORD, one per line, sorted.
complete() { run __complete -- "$@"; out=$(sort <<<"$out"); }
# same NAME GOT WANT
same() { if [ "$2" = "$3" ]; then tap_ok "$1"; else tap_not_ok "$1" "got: $2" "want: $3"; fi; }
complete ""
commands=$out
for c in add list remove mount umount restart status doctor watch help; do
    contains "completion offers command $c" "$commands" "$c"
done
not_contains "completion hides __complete" "$commands" "__complete"
complete add x y --mode ""
same "completion of --mode values" "$out" "$(printf 'mapped\npassthrough\nsquash')"
complete add x y --driver ""
same "completion of --driver values" "$out" "$(printf '9p\nauto\nvirtiofs')"
complete add x y --mode=ma
same "completion of --mode=ma" "$out" "mapped"
complete -c "$URI" status ""
same "completion of domains (from libvirt)" "$out" "$(printf 'running\nstopped')"
complete -c "$URI" remove running ""
same "completion of tags and directories" "$out" "$(printf '__VIRT_SHARE_DIR__\ndocs\nfast')"
complete --connect="$URI" mount running f
same "completion of a tag prefix" "$out" "$(printf '__VIRT_SHARE_DIR__\nfast')"
complete -c "$URI" status running ""
same "no completion past the last argument" "$out" ""
# Every command's options, as completed, are those its --help lists (both from the table).
for c in $commands; do
    run "$c" --help
    want=$(grep -oE '^ +(-., )?--[a-z-]+' <<<"$out" | grep -oE -- '--[a-z-]+' | sort)
    complete "$c" --
    same "completion of $c options = $c --help" "$out" "$want"
done
# The script knows no command and no option: it only asks the binary.
script=$here/../plugin/bash-completion/virt-share
names=$commands
named=
for c in "" $commands; do
    complete ${c:+"$c"} --
    names+=$'\n'${out//--/}
done
while read -r n; do
    [ -n "$n" ] || continue
    if grep -qw -- "$n" "$script"; then
        named+=" $n"
    fi
done < <(sort -u <<<"$names")
if [ -z "$named" ]; then tap_ok "completion script names no command or option"
else tap_not_ok "completion script names no command or option" "it names:$named"; fi
# The script itself, with bash-completion's two helpers stubbed.
got=$(VS="$VS" URI="$URI" bash -c '
    _init_completion() { words=("${COMP_WORDS[@]}"); cword=$COMP_CWORD; cur=${words[cword]}; }
    _filedir() { COMPREPLY+=("<directories>"); }
    complete() { :; }
    . "$1"
    COMP_WORDS=("$VS" -c "$URI" remove running ""); COMP_CWORD=5
    _virt_share
    printf "%s\n" "${COMPREPLY[@]}" | sort' _ "$script")
same "completion script end to end" "$got" "$(printf '<directories>\ndocs\nfast')"

# ---- usage errors: exit 1 ----
run
check_rc "no command" 1
run frobnicate
check_rc "unknown command" 1
contains "unknown command is named" "$err" "frobnicate"
run --frobnicate list
check_rc "unknown global option" 1
run list --frobnicate
check_rc "unknown list option" 1
contains "unknown option is named" "$err" "--frobnicate"
vs add running "$TMP" --frobnicate
check_rc "unknown add option" 1
vs add
check_rc "add without arguments" 1
vs add running
check_rc "add without HOST_DIR" 1
vs add running "$TMP" extra
check_rc "add with too many arguments" 1
vs remove running
check_rc "remove without the share" 1
vs list running extra
check_rc "list with too many arguments" 1
vs add running "$TMP" --mode bogus
check_rc "add --mode bogus" 1
vs add running "$TMP" --driver bogus
check_rc "add --driver bogus" 1
vs add running "$TMP" --timeout 0
check_rc "add --timeout 0" 1
# 4294968 s is 4294968000 ms: wrapped to 704 ms as a guint
vs add stopped "$TMP" --timeout 4294968 --dry-run
check_rc "add --timeout above the maximum is refused" 1
contains "the message gives the range" "$err" "between 1 and 86400 seconds"
vs add stopped "$TMP" --timeout 86400 --dry-run
check_rc "add --timeout 86400 is accepted" 0
vs add running "$TMP" --force
check_rc "add --force alone is accepted (then the test driver cannot attach)" 2

# ---- list ----
vs list
check_rc "list" 0
header=$(head -n1 <<<"$out")
for col in DOMAIN TAG DRIVER MODE RO STATE SOURCE TARGET AUTOMOUNT; do
    contains "list header has $col" "$header" "$col"
done
if [ "$(wc -l <<<"$out")" -eq 3 ]; then
    tap_ok "list: header + 2 shares"
else
    tap_not_ok "list: header + 2 shares" "want 3 lines: $out"
fi
docs_line=$(grep -E '^running +docs ' <<<"$out")
if [[ "$docs_line" =~ ^running\ +docs\ +9p\ +squash\ +yes\ +attached\ +/usr/share\ +/mnt/docs\ +yes$ ]]; then
    tap_ok "list: docs row"
else
    tap_not_ok "list: docs row" "docs row is '$docs_line'"
fi
fast_line=$(grep -E '^running +fast ' <<<"$out")
if [[ "$fast_line" =~ ^running\ +fast\ +virtiofs\ +passthrough\ +no\ +attached\ +/srv/virt-share-test/fast\ +-\ +-$ ]]; then
    tap_ok "list: fast row"
else
    tap_not_ok "list: fast row" "fast row is '$fast_line'"
fi
vs list stopped
check_rc "list stopped" 0
contains "list of a domain without shares says so" "$out" "No shares"
vs list running --json
check_rc "list running --json" 0

# JSON: valid, and the fields right (python3 only reads stdin, prints problems).
json_check='
import json, sys
data = json.load(sys.stdin)
want = {
    "docs": {"domain": "running", "tag": "docs", "source": "/usr/share",
             "target": "/mnt/docs", "driver": "9p", "mode": "squash",
             "readonly": True, "config": True, "live": True, "state": "attached",
             "guest": None, "mount_point": None, "mount_options": None,
             "automount": True},
    "fast": {"domain": "running", "tag": "fast", "source": "/srv/virt-share-test/fast",
             "target": None, "driver": "virtiofs", "mode": "passthrough",
             "readonly": False, "config": True, "live": True, "state": "attached",
             "guest": None, "mount_point": None, "mount_options": None,
             "automount": None},
}
assert isinstance(data, dict) and data["version"] == 1, "not a version 1 document"
got = {d["tag"]: d for d in data["shares"]}
assert sorted(got) == sorted(want), "tags %r" % sorted(got)
for tag, fields in want.items():
    assert got[tag] == fields, "%s: %r != %r" % (tag, got[tag], fields)
'
if command -v python3 >/dev/null; then
    if msg=$(python3 -c "$json_check" <<<"$out" 2>&1); then
        tap_ok "list --json: valid, fields right"
    else
        tap_not_ok "list --json: valid, fields right" "$msg"
    fi
    vs list --json
    if python3 -c 'import json,sys; d=json.load(sys.stdin); assert len(d["shares"]) == 2' <<<"$out" 2>/dev/null; then
        tap_ok "list --json (all domains): 2 shares"
    else
        tap_not_ok "list --json (all domains): 2 shares" "$out"
    fi
    vs list stopped --json
    if python3 -c 'import json,sys; assert json.load(sys.stdin) == {"version": 1, "shares": []}' <<<"$out" 2>/dev/null; then
        tap_ok "list stopped --json: no shares"
    else
        tap_not_ok "list stopped --json: no shares" "$out"
    fi
elif command -v jq >/dev/null; then
    if jq -e '.version == 1 and (.shares | length == 2) and (.shares | map(select(.tag == "docs"))[0] | .readonly == true and .driver == "9p" and .target == "/mnt/docs")' <<<"$out" >/dev/null; then
        tap_ok "list --json (jq)"
    else
        tap_not_ok "list --json (jq)" "$out"
    fi
else
    tap_not_ok "list --json" "neither python3 nor jq to check it"
fi

# ---- status (the test driver has no guest agent: mount state unknown) ----
vs status running
check_rc "status running" 0
contains "status shows docs" "$out" "docs (9p, /usr/share)"
contains "status shows fast" "$out" "fast (virtiofs, /srv/virt-share-test/fast)"
contains "status: attached" "$out" "attached"
contains "status: the recorded mount point" "$out" "/mnt/docs"
vs status stopped
check_rc "status stopped" 0

# ---- the automount mark of 'virt-share umount', in list and status ----
# testnode-automount.xml: 'auto' recorded, 'off' marked automount="no", 'none'
# not recorded.
AUTO_URI="test://$DATA/testnode-automount.xml"
run -c "$AUTO_URI" list
check_rc "list (automount node)" 0
for row in 'auto .* /mnt/auto +yes$' 'off .* /mnt/off +no$' 'none .* - +-$'; do
    if grep -qE "^marks +$row" <<<"$out"; then
        tap_ok "list: AUTOMOUNT of '${row%% *}'"
    else
        tap_not_ok "list: AUTOMOUNT of '${row%% *}'" "no row like '$row' in: $out"
    fi
done
run -c "$AUTO_URI" status marks
check_rc "status (automount node)" 0
contains "status: a recorded share is automounted" "$out" "automount:  yes"
contains "status: a share unmounted by umount says so" "$out" \
    "automount:  no (unmounted by 'virt-share umount')"
if [ "$(grep -c 'automount:' <<<"$out")" -eq 2 ]; then
    tap_ok "status: no automount line without a recorded mount point"
else
    tap_not_ok "status: no automount line without a recorded mount point" "$out"
fi
vs status nosuchdomain
check_rc "status of an unknown domain" 1
vs status
check_rc "status without a domain" 1

# ---- errors from the domain or the input: exit 1, nothing changed ----
cd "$TMP" || exit 1
vs add stopped nonexistent/rel
check_rc "add a relative nonexistent path" 1
contains "the message names the path" "$err" "nonexistent/rel"
vs add nosuchdomain "$TMP"
check_rc "add to an unknown domain" 1
contains "the message names the domain" "$err" "nosuchdomain"
vs list nosuchdomain
check_rc "list an unknown domain" 1
vs remove running nosuchtag
check_rc "remove an unknown share" 1
contains "the message names the share" "$err" "nosuchtag"
vs add running /usr/share
check_rc "add a directory already shared" 1
vs add running "$TMP" --tag docs
check_rc "add a tag already used" 1
vs add stopped "$TMP" --driver virtiofs --mode squash
check_rc "virtiofs + squash" 1
vs add stopped "$TMP" --tag "bad tag"
check_rc "add with an invalid tag" 1
touch "$TMP/a-file"
vs add stopped "$TMP/a-file"
check_rc "add a regular file" 1

# ---- --exist-ok: the same request twice changes nothing the second time ----
# Each run starts from testnode.xml (the test driver cannot attach either), so
# the first run's change is the dry run's answer and the second run is a
# request for a share the node has.
# json_holds NAME JSON PYTHON_EXPR: the expression on the parsed document (d) holds.
json_holds() {
    if python3 -c "import json,sys; d=json.load(sys.stdin); assert $3, d" <<<"$2" 2>/dev/null; then
        tap_ok "$1"
    else
        tap_not_ok "$1" "not ($3) in: $2"
    fi
}
mkdir "$TMP/idem"
vs add stopped "$TMP/idem" --exist-ok --dry-run --json
check_rc "add --exist-ok --dry-run of a new share" 0
json_holds "add --exist-ok --dry-run of a new share: changed true" "$out" \
    'd["changed"] is True and d["dry_run"] is True and d["share"]["source"].endswith("/idem") and "<filesystem" in d["device_xml"]'
vs add stopped "$TMP/idem" --exist-ok --json
check_rc "add --exist-ok of a new share: the test driver cannot attach" 2
if [ -z "$out" ]; then tap_ok "add --json that fails prints no document"
else tap_not_ok "add --json that fails prints no document" "$out"; fi
same_docs=(running /usr/share --readonly --target /mnt/docs)
for round in first second; do
    vs add "${same_docs[@]}" --exist-ok --json
    check_rc "add --exist-ok of the share there, $round run" 0
    json_holds "add --exist-ok of the share there, $round run: changed false" "$out" \
        'd["changed"] is False and d["share"]["tag"] == "docs" and d["device_xml"] is None'
done
vs add "${same_docs[@]}" --exist-ok
check_rc "add --exist-ok, text" 0
contains "add --exist-ok says nothing changed" "$out" "with these options; nothing changed."
vs add "${same_docs[@]}" --exist-ok --dry-run --json
json_holds "add --exist-ok --dry-run of the share there: changed false" "$out" \
    'd["changed"] is False and d["dry_run"] is True'
vs add "${same_docs[@]}"
check_rc "add of the share there without --exist-ok: still an error" 1
vs add "${same_docs[@]}" --mode mapped --exist-ok --json
check_rc "add --exist-ok with another mode" 1
contains "add --exist-ok names the option that differs" "$err" "--mode mapped (it has squash)"
if [ -z "$out" ]; then tap_ok "add --exist-ok with another mode: no document"
else tap_not_ok "add --exist-ok with another mode: no document" "$out"; fi
vs add running /usr/share --exist-ok
check_rc "add --exist-ok without --readonly and --target" 1
contains "add --exist-ok names each option that differs" "$err" \
    "--target /usr/share (it has /mnt/docs), no --readonly (it is read-only)"
vs add running "$TMP/idem" --tag docs --exist-ok
check_rc "add --exist-ok of another folder with a tag in use" 1
contains "add --exist-ok: a tag in use is still an error" "$err" "tag 'docs' is already used"
vs add running "$TMP/no-such-folder" --exist-ok
check_rc "add --exist-ok of a missing folder" 1
for round in first second; do
    vs remove running nosuchtag --exist-ok --json
    check_rc "remove --exist-ok of an absent share, $round run" 0
    json_holds "remove --exist-ok of an absent share, $round run: changed false" "$out" \
        'd["changed"] is False and d["share"] is None and d["domain"] == "running"'
done
vs remove running "$TMP/idem" --exist-ok
check_rc "remove --exist-ok of an absent folder, text" 0
contains "remove --exist-ok says nothing changed" "$out" "nothing changed."
vs remove running nosuchtag
check_rc "remove of an absent share without --exist-ok: still an error" 1
vs remove running docs --exist-ok --json
check_rc "remove --exist-ok of a share there still removes it (the test driver cannot)" 2

# ---- "tag or folder?": one resolver; a word naming a directory here is that folder ----
cd /usr || exit 1
# The running test domain has no guest agent: a problem (exit 4, never "No
# problem found"), whatever the folder.
vs doctor running share
check_rc "doctor DOM share, from /usr: the folder /usr/share" 4
contains "doctor DOM share reports the docs share" "$out" "/usr/share (docs,"
vs remove running share
check_rc "remove DOM share, from /usr: found, then the test driver cannot detach" 2
contains "remove DOM share names the detach" "$err" "cannot detach"
for c in mount umount; do
    vs $c running share
    check_rc "$c DOM share, from /usr: found, then the guest agent is missing" 2
    contains "$c DOM share gets as far as the agent" "$err" "guest agent"
    # --no-mount is add's option: advice the other commands cannot take
    not_contains "$c DOM share: no advice to use --no-mount" "$err" "--no-mount"
done
vs umount running nosuchtag
check_rc "umount an unknown share" 1
cd "$TMP" || exit 1
ln -s /usr/share "$TMP/link-to-share"
vs doctor running link-to-share
check_rc "doctor follows a symbolic link like remove" 4
contains "doctor through a link reports the docs share" "$out" "/usr/share (docs,"
vs doctor running nosuchtag
check_rc "doctor an unknown share" 1
# ---- doctor is honest about the guest side, and exits 4 for problems ----
vs doctor running docs
check_rc "doctor without a guest agent: problems found" 4
contains "doctor without a guest agent: says no share can be mounted" "$out" \
    "[error] no share can be mounted in the guest"
not_contains "doctor without a guest agent: never 'No problem found'" "$out" "No problem found"
contains "doctor: the count on stderr" "$err" "problem found"
vs doctor running docs --json
check_rc "doctor --json without a guest agent" 4
contains "doctor --json: the domain finding" "$out" '"code" : "agent-unavailable"'
contains "doctor --json: guest_checked" "$out" '"guest_checked" : true'
vs doctor running fast
contains "doctor: a missing folder is said to be missing" "$out" \
    "the shared folder /srv/virt-share-test/fast is not there"
not_contains "doctor: no setfacl on a missing folder" "$out" "setfacl"
vs doctor stopped
check_rc "doctor on a stopped domain without shares" 0
contains "doctor on a stopped domain: says the guest was not checked" "$out" \
    "the guest could not be checked"
contains "doctor on a stopped domain: what happens at start" "$out" "At start the shares appear"
not_contains "doctor on a stopped domain: no 'No problem found' (not running is a warning)" \
    "$out" "No problem found"
run doctor --help
contains "doctor --help: exit status 4" "$out" "4: problems remain"
contains "every --help: exit status 4" "$out" "4  doctor found problems"

# ---- the policy hint names the configuration file in use ----
printf '[policy]\n' >"$TMP/vs.conf"
VIRT_SHARE_CONFIG=$TMP/vs.conf vs add stopped /etc --dry-run
check_rc "add /etc is refused" 1
contains "the hint names \$VIRT_SHARE_CONFIG's file" "$err" "list it under allowed-roots in $TMP/vs.conf"

# ---- comments point to files that exist (there is no docs/ folder) ----
top=$here/..
dangling=$(grep -rnE 'docs/[A-Za-z0-9_.-]+' "$top/src" "$top/plugin" --include='*.[ch]' |
           grep -v "libvirt's docs/" | while IFS= read -r hit; do
               ref=$(grep -oE 'docs/[A-Za-z0-9_.-]+' <<<"$hit" | head -n1)
               [ -e "$top/$ref" ] || echo "$hit"
           done)
if [ -z "$dangling" ]; then tap_ok "no comment points to a missing docs/ file"
else tap_not_ok "no comment points to a missing docs/ file" "$dangling"; fi

# ---- the test driver cannot attach: exit 2, with a message ----
mkdir "$TMP/share"
vs add stopped "$TMP/share"
check_rc "add to the test driver (attach unsupported)" 2
contains "add failure says what failed" "$err" "cannot attach"
tap_check "add failure has a message" test -n "$err"
vs add stopped "$TMP/share" --driver virtiofs
check_rc "add virtiofs to the test driver (attach unsupported)" 2

# ---- --dry-run: the device XML, escaped ----
odd="$TMP/a b&c<d'e\"f"
mkdir "$odd"
vs add stopped "$odd" --dry-run
check_rc "add --dry-run with special characters" 0
contains "dry run prints a filesystem" "$out" "<filesystem type="
contains "dry run escapes & < and \"" "$out" "a b&amp;c&lt;d'e&quot;f\""
not_contains "dry run has no raw <d" "$out" "c<d"
xml=$(sed -n '/<filesystem/,/<\/filesystem>/p' <<<"$out")
if command -v python3 >/dev/null; then
    if src=$(python3 -c '
import sys, xml.etree.ElementTree as ET
print(ET.fromstring(sys.stdin.read()).find("source").get("dir"), end="")' <<<"$xml" 2>&1) &&
       [ "$src" = "$odd" ]; then
        tap_ok "dry run XML parses back to the same path"
    else
        tap_not_ok "dry run XML parses back to the same path" "source is '$src', want '$odd'"
    fi
fi
vs add stopped "$odd" --dry-run --driver 9p --mode mapped --readonly --tag mytag
check_rc "add --dry-run 9p mapped readonly" 0
contains "dry run: accessmode" "$out" "accessmode=\"mapped\""
contains "dry run: readonly" "$out" "<readonly/>"
contains "dry run: tag" "$out" "<target dir=\"mytag\"/>"
contains "dry run says nothing changed" "$out" "nothing changed"
# A dry run makes the checks add makes: mounting in the running guest needs
# its agent, which the test driver does not have, so add would fail (exit 2).
vs add running "$odd" --dry-run
check_rc "add --dry-run to the running domain without an agent: add's exit code" 2
contains "dry run without an agent: says add would fail" "$err" "add would fail"
contains "dry run without an agent: says why" "$err" "guest-info"
contains "dry run without an agent: --no-mount is the way past it" "$err" "--no-mount"
not_contains "dry run without an agent: no device XML" "$out" "<filesystem"
vs add running "$odd" --dry-run --no-mount
check_rc "add --dry-run --no-mount to the running domain" 0
contains "running + shared memory + ACPI: auto picks virtiofs" "$out" "virtiofs"

# ---- non-ASCII options under LC_ALL=C: guest paths are UTF-8 on the wire ----
# GOption would convert a string option from the locale's charset (ASCII
# here) and fail on 'é'; UTF-8 bytes are taken as they are.
vs add stopped "$TMP" --target /mnt/é --dry-run
check_rc "LC_ALL=C: add --target /mnt/é (UTF-8) is accepted" 0
not_contains "LC_ALL=C: no conversion error" "$err" "conversion"
# the bytes reach the guest path check unchanged (it names the path)
vs add stopped "$TMP" --target mnt/é --dry-run
check_rc "LC_ALL=C: add --target mnt/é: refused by the guest path check" 1
contains "LC_ALL=C: the guest path check names 'mnt/é'" "$err" "guest path 'mnt/é' is not an absolute path"
vs add stopped "$TMP" --target "$(printf '/mnt/\351')" --dry-run
check_rc "LC_ALL=C: add --target with a byte that is not UTF-8: usage error" 1
contains "LC_ALL=C: not UTF-8: says so, names the option" "$err" "--target: '/mnt/\\xe9' is not valid UTF-8"
tap_check "LC_ALL=C: not UTF-8: the raw byte is not printed" \
    eval '! LC_ALL=C grep -q "$(printf "\351")" "$TMP/err"'
vs add stopped "$TMP" --dry-run --uid-map "$(printf '1000:\351')"
check_rc "LC_ALL=C: an array option with a byte that is not UTF-8: usage error" 1
run -c "$(printf 'test:///\351')" list
check_rc "LC_ALL=C: a global option with a byte that is not UTF-8: usage error" 1
contains "LC_ALL=C: --connect: says so" "$err" "--connect: "

# ---- the nosuid,nodev step ----
# The test driver is no system daemon: no step and no bind mount here (the
# step itself is covered by tests/test-harden and tests/e2e/setuid.sh).
vs add stopped "$TMP" --dry-run --driver 9p --mode squash
check_rc "add --dry-run 9p squash on the test driver" 0
not_contains "no nosuid,nodev step where the daemon is not a local system one" "$out" "nosuid,nodev"
vs add stopped "$TMP" --dry-run --driver 9p --mode mapped
contains "9p mapped: the plan says why the folder needs no nosuid,nodev mount" "$out" \
    "9p mapped keeps the guest's owners and modes in xattrs"
vs add stopped "$TMP" --dry-run --driver 9p --mode squash --allow-setuid
check_rc "add --dry-run --allow-setuid" 0
contains "--allow-setuid is printed in the plan, with what it means here" "$out" \
    "--allow-setuid changes nothing for this share: not a local system daemon"
printf '[policy]\nsetuid-shares=maybe\n' >"$TMP/setuid.conf"
VIRT_SHARE_CONFIG=$TMP/setuid.conf vs add stopped "$TMP" --dry-run
check_rc "a bad setuid-shares value is refused" 1
contains "... naming the key and the values" "$err" "setuid-shares: 'maybe' is not protect, refuse or allow"

# ---- restart: refused before anything changes where it cannot work ----
vs restart stopped
check_rc "restart a shut-off domain: refused" 1
contains "restart a shut-off domain: says it is not running" "$err" "'stopped' is not running"
vs restart running --timeout 0
check_rc "restart --timeout 0: refused" 1
# The test driver has no guest agent and refuses agent|acpi shutdowns.
vs restart running --timeout 2
check_rc "restart: a shutdown libvirt refuses fails (exit 2)" 2
contains "restart: names the shutdown" "$err" "cannot shut the domain down"

# ---- read-only connections (-r) ----
vs -r list running
check_rc "-r list" 0
contains "-r list shows the shares" "$out" "/srv/virt-share-test/fast"
vs -r status running --json
check_rc "-r status" 0
vs -r add running "$TMP" --driver virtiofs --no-mount
check_rc "-r add is refused by libvirt" 2
contains "-r add: libvirt's reason" "$err" "read only"

# ---- remote URIs: the command runs on the host, over the URI's ssh ----
# tests/fake-ssh.sh stands in for ssh (libvirt's command= parameter) and runs
# the remote command string here, so what "the host" gets is checked exactly.
FAKE="command=$here/fake-ssh.sh"
export VIRT_SHARE_REMOTE_COMMAND=$VS
mkdir -p "$TMP/remote dir"
run -c "test+ssh://h$DATA/testnode.xml?$FAKE" add running "$TMP/remote dir" --driver 9p --dry-run
check_rc "remote add --dry-run runs on the host" 0
contains "remote add: the host's plan" "$out" "<source dir=\"$TMP/remote dir\"/>"
run -c "test+ssh://h$DATA/testnode.xml?$FAKE" add running "remote dir" --dry-run
check_rc "remote add of a relative path" 1
contains "remote add of a relative path: says whose folder" "$err" "is a folder on 'h'"
run -c "test+ssh://h$DATA/testnode.xml?$FAKE" add running
check_rc "remote add: usage checked before ssh" 1
VIRT_SHARE_REMOTE_COMMAND=/nonexistent/virt-share \
    run -c "test+ssh://h$DATA/testnode.xml?$FAKE" add running --help
check_rc "remote add --help: answered here, without the host" 0
contains "remote add --help: the help" "$out" "--dry-run"
not_contains "remote add --help: nothing run on the host" "$err" "is not installed"
VIRT_SHARE_REMOTE_COMMAND=/nonexistent/virt-share \
    run -c "test+ssh://h$DATA/testnode.xml?$FAKE" add running "$TMP/remote dir" --dry-run
check_rc "remote add without virt-share on the host" 2
contains "remote add without virt-share: says so" "$err" "is not installed on 'h'"
# Options before the command reach the host too: -q stays quiet, -r read-only.
run -q -c "test+ssh://h$DATA/testnode.xml?$FAKE" add running "$TMP/remote dir" --driver 9p --dry-run
check_rc "remote -q add --dry-run" 0
not_contains "remote -q: the host prints no plan" "$out" "Dry run: nothing changed"
run -r -c "test+ssh://h$DATA/testnode.xml?$FAKE" add stopped "$TMP/remote dir" --driver 9p
check_rc "remote -r add is refused by the host's libvirt" 2
contains "remote -r add: libvirt's reason" "$err" "read only"
run --debug -c "test+ssh://h$DATA/testnode.xml?$FAKE" add running "$TMP/remote dir" --driver 9p --dry-run
contains "remote --debug: the host traces its libvirt calls" "$err" "look up domain 'running'"
run -c "test+tls://h/default" add running "$TMP/remote dir" --dry-run
check_rc "remote add over tls is refused" 1
# list needs no host files: it runs here, through libvirt's own transport,
# never through the remote program (whether a daemon answers here or not:
# tests/e2e/remote.sh lists through a real one).
VIRT_SHARE_REMOTE_COMMAND=/nonexistent/virt-share \
    run -c "test+ssh://h$DATA/testnode.xml?$FAKE" list running
not_contains "remote list is not run through the remote program" "$err" "is not installed"
unset VIRT_SHARE_REMOTE_COMMAND

# ---- names that are not UTF-8 text: refused, never rewritten ----
overlong="$TMP/x/$(printf '\xc0\xae\xc0\xae')"
mkdir -p "$overlong"
vs add stopped "$overlong" --dry-run
check_rc "add: a host path that is not UTF-8 is refused" 1
not_contains "add: no device XML for it" "$out" "<source"
contains "add: the message says why" "$err" "not valid UTF-8"
ln -s "$overlong" "$TMP/to-overlong"
vs add stopped "$TMP/to-overlong" --dry-run
check_rc "add: a symlink to a path that is not UTF-8 is refused" 1
vs add stopped "$TMP/share" --target "/mnt/a$(printf '\033')[31m" --dry-run
check_rc "add: a guest path with a control character is refused" 1
not_contains "add: the escape sequence is not printed raw" "$err" "$(printf '\033')"
# A format character (U+202E, right-to-left override) would make the path
# read as another one: refused before anything is attempted (the test
# driver cannot attach, so an attempt would show as exit 2).
rlo=$(printf '\342\200\256')
mkdir -p "$TMP/abc${rlo}fdp.exe"
vs add stopped "$TMP/abc${rlo}fdp.exe"
check_rc "add: a host path with a format character is refused" 1
not_contains "add: nothing attempted for it" "$out$err" "adding to the definition"
not_contains "add: no attach tried for it" "$err" "cannot attach"
contains "add: the name is shown escaped, with the code point" "$err" \
    "$TMP/abc\\u{202e}fdp.exe' contains U+202E"
not_contains "add: the override is not printed raw" "$err" "$rlo"


# ---- warnings on stderr, also with -q; --debug traces libvirt and the agent ----
# remove of a live share: the test driver has no agent (a warning: not
# unmounted in the guest), then no detach either (the error).
vs -q remove running fast
check_rc "remove -q on the test driver fails at the detach" 2
contains "remove -q: the warning is on stderr" "$err" "Warning: not unmounted in the guest"
not_contains "remove -q: no warning on stdout" "$out" "Warning"
vs remove running fast
contains "remove: the warning is on stderr" "$err" "Warning: not unmounted in the guest"
not_contains "remove: no warning on stdout" "$out" "Warning"
vs --debug remove running fast
contains "--debug traces libvirt calls" "$err" "libvirt: virDomainDetachDeviceFlags(running"
contains "--debug traces agent requests" "$err" "agent: running <- {\"execute\":\"guest-ping\""
vs remove running fast --debug
contains "--debug is accepted after the command" "$err" "libvirt: virConnectOpenAuth("
G_MESSAGES_DEBUG='' vs list running
not_contains "no trace without --debug" "$err" "libvirt:"

tap_done
