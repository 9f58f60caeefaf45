#!/usr/bin/env bash
# VS_ENUM_IMPL refuses to compile a list that is not _LAST long: the check
# that keeps the enum<->string tables complete.  Needs CC and VS_TEST_CFLAGS
# (include path and GLib flags), given by make check.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tap.sh
. "$here/tap.sh"
CC=${CC:-cc}
read -r -a cflags <<<"${VS_TEST_CFLAGS:-}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# compiles NAMES...: a three-value enum with the given names compiles.
compiles() {
    local list
    list=$(printf '"%s", ' "$@")
    cat >"$tmp/e.c" <<C
#include "vs-enum.h"
typedef enum { T_A, T_B, T_C, T_LAST } T;
VS_ENUM_DECL(t);
VS_ENUM_IMPL(t, T_LAST, ${list%, })
C
    "$CC" "${cflags[@]}" -fsyntax-only "$tmp/e.c" 2>"$tmp/err"
}

tap_check "three names for three values compile" compiles a b c
tap_check_not "two names for three values do not compile" compiles a b
tap_check "the compiler says why (static assertion)" grep -qi "static" "$tmp/err"
tap_check_not "four names for three values do not compile" compiles a b c d
tap_done
