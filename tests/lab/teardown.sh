#!/usr/bin/env bash
# Remove the lab's domains (vs-test-*, vs-demo-* that this lab defined: destroy,
# undefine, managed save), then stop the daemons the lab started (its own pid
# files, or the systemd units it started).  Domains and daemons the lab did
# not start are left alone.
# Usage: teardown.sh [--keep-daemons]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"
# shellcheck source=daemons.sh
. "$here/daemons.sh"

keep_daemons=false
case ${1:-} in
    --keep-daemons) keep_daemons=true ;;
    "") ;;
    *) echo "usage: teardown.sh [--keep-daemons]" >&2; exit 2 ;;
esac
rc=0

if lab_answers "$LAB_URI"; then
    mapfile -t doms < <(virsh -c "$LAB_URI" list --all --name | grep -E '^vs-(test|demo)-' || true)
    for d in "${doms[@]}"; do
        lab_domain_ours "$d" || continue
        if lab_remove_domain "$d"; then log "removed domain $d"; else rc=1; fi
    done
elif ! $keep_daemons; then
    log "no libvirt daemon answers: no domains removed"
fi
$keep_daemons || lab_daemons_stop
# /dev/kvm as setup.sh found it (lib.sh: lab_kvm_usable_begin).
lab_kvm_usable_end || { log "could not put /dev/kvm back as it was ($(cat "$LAB_KVM_SAVED"))"; rc=1; }
exit "$rc"
