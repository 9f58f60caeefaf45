# shellcheck shell=bash
# tap.sh: the one TAP producer of the shell tests (tests/cli.sh, tests/hook.sh,
# tests/e2e/run.sh). Source it, report checks, end with tap_done:
#   tap_ok NAME              a passed check
#   tap_not_ok NAME [DIAG]   a failed check, DIAG (if any) as a "# " comment
#   tap_check NAME CMD...    passed if CMD succeeds
#   tap_check_not NAME CMD...  passed if CMD fails
#   tap_skip NAME REASON     a skipped check
#   tap_diag TEXT...         a "# " comment (each line of TEXT)
#   tap_bail REASON          stop here: "Bail out!", exit 1
#   tap_done                 the plan "1..N", "N passed, M failed", exit 0/1
# and the short names the end-to-end scripts use:
#   expect NAME CMD...       tap_check
#   expect_not NAME CMD...   tap_check_not
#   skip REASON NAME...      tap_skip for each NAME, with one reason
# The plan comes last (TAP allows it), so nobody counts checks by hand.
# automake's tap-driver.sh reads this in `make check`; run by hand it stays
# readable. The "N passed, M failed" line is not TAP; TAP readers ignore it.

TAP_COUNT=0
TAP_PASSED=0
TAP_FAILED=0
TAP_SKIPPED=0

# A '#' in a name would read as a directive ("# SKIP"): TAP escapes it.
# TAP_PREFIX (e.g. "[libvirt-11.3] ") goes before every name.
_tap_name() { printf '%s%s' "${TAP_PREFIX:-}" "${1//#/\\#}"; }

tap_diag() {
    local line
    while IFS= read -r line; do printf '# %s\n' "$line"; done <<<"$*"
}

tap_ok() {
    TAP_COUNT=$((TAP_COUNT + 1))
    TAP_PASSED=$((TAP_PASSED + 1))
    printf 'ok %d - %s\n' "$TAP_COUNT" "$(_tap_name "$1")"
}

tap_not_ok() {
    TAP_COUNT=$((TAP_COUNT + 1))
    TAP_FAILED=$((TAP_FAILED + 1))
    printf 'not ok %d - %s\n' "$TAP_COUNT" "$(_tap_name "$1")"
    [ $# -lt 2 ] || tap_diag "${@:2}"
}

tap_skip() {
    TAP_COUNT=$((TAP_COUNT + 1))
    TAP_SKIPPED=$((TAP_SKIPPED + 1))
    printf 'ok %d - %s # SKIP %s\n' "$TAP_COUNT" "$(_tap_name "$1")" "${2:-}"
}

tap_check() {
    local name=$1
    shift
    if "$@"; then tap_ok "$name"; else tap_not_ok "$name"; fi
}

tap_check_not() {
    local name=$1
    shift
    if "$@"; then tap_not_ok "$name"; else tap_ok "$name"; fi
}

expect() { tap_check "$@"; }
expect_not() { tap_check_not "$@"; }
skip() {
    local why=$1 name
    shift
    for name in "$@"; do tap_skip "$name" "$why"; done
}

tap_bail() {
    printf 'Bail out! %s\n' "$*"
    echo "$TAP_PASSED passed, $((TAP_FAILED + 1)) failed"
    exit 1
}

tap_done() {
    local skipped=
    [ "$TAP_SKIPPED" -eq 0 ] || skipped=", $TAP_SKIPPED skipped"
    printf '1..%d\n' "$TAP_COUNT"
    echo "$TAP_PASSED passed, $TAP_FAILED failed$skipped"
    [ "$TAP_FAILED" -eq 0 ] || exit 1
    exit 0
}
