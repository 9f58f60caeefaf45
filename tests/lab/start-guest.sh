#!/usr/bin/env bash
# Define and start the lab guest NAME (options as guest.sh), wait for its agent.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

name=${1:?usage: start-guest.sh NAME [guest.sh options]}
xml=$(mktemp)
trap 'rm -f "$xml"' EXIT
bash "$here/guest.sh" "$@" >"$xml"
virsh -c "$LAB_URI" -q destroy "$name" >/dev/null 2>&1 || true
virsh -c "$LAB_URI" -q undefine "$name" >/dev/null 2>&1 || true
rm -f "$LAB_STATE/$name-console.log"
virsh -c "$LAB_URI" -q define "$xml" >/dev/null
t0=$(lab_now)
virsh -c "$LAB_URI" -q start "$name" >/dev/null
if ! lab_wait_agent "$name" 90; then
    echo "start-guest: $name: no guest agent; console log: $LAB_STATE/$name-console.log" >&2
    tail -20 "$LAB_STATE/$name-console.log" >&2 2>/dev/null || true
    exit 1
fi
log "$name: guest agent up $(lab_since "$t0") s after start"
