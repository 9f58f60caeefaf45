#!/usr/bin/env bash
# cmocka-tap.sh PROGRAM [ARGS...]: runs one compiled test program of `make
# check` (LOG_COMPILER in Makefile.am) so that automake's tap-driver.sh can read
# it: every cmocka test is then listed by name and counted as PASS, FAIL or SKIP.
# cmocka writes TAP when CMOCKA_MESSAGE_OUTPUT=TAP, but cmocka 1.1 prints a
# skipped test as "not ok N # SKIP name", which TAP (and tap-driver) count as a
# failure, and prints a plan "1..N" for each group, where TAP allows one plan.
# So the output is rewritten: a "# SKIP" result becomes "ok", results are
# numbered 1, 2, ... across the groups and one plan, the sum of the groups'
# plans, comes last (a group cut short is then "too few tests").  Everything
# else, and the fuzz corpus replays (tests/fuzz/replay.c prints TAP itself),
# passes through as it is.  The exit status is the program's.
set -o pipefail
CMOCKA_MESSAGE_OUTPUT=TAP "$@" | ${AWK:-awk} '
/^1\.\.[0-9]+/ { plans++; planned += substr($1, 4); next }
/^(ok|not ok) [0-9]+([ \t]|$)/ {
    rest = $0
    sub(/^(ok|not ok) [0-9]+/, "", rest)
    result = /^ok/ || rest ~ /^[ \t]*#[ \t]*SKIP/ ? "ok" : "not ok"
    print result " " ++n rest
    next
}
{ print }
END { if (plans) print "1.." planned }
'
