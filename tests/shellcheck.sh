#!/usr/bin/env bash
# Runs shellcheck on every shell script of the tree: *.sh, the scripts without
# an extension that start with a sh/bash #! line (plugin/, tests/lab, ...),
# and the bash completion.  Settings and the two project-wide exclusions, with
# their reasons, are in .shellcheckrc.  Installs shellcheck when run as root.
set -uo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top" || exit 1
# shellcheck source=tap.sh
. tests/tap.sh

if ! command -v shellcheck >/dev/null; then
    if [ "$(id -u)" -eq 0 ]; then
        export DEBIAN_FRONTEND=noninteractive
        { apt-get update -q && apt-get install -y -q --no-install-recommends shellcheck; } >/dev/null 2>&1
    fi
    command -v shellcheck >/dev/null || tap_bail "shellcheck is not installed (apt-get install shellcheck)"
fi

list_files() {
    if git rev-parse --git-dir >/dev/null 2>&1; then
        git ls-files --cached --others --exclude-standard
    else
        find . -path ./.git -prune -o -type f -print | sed 's|^\./||'
    fi
}

scripts=()
while IFS= read -r f; do
    [ -f "$f" ] || continue
    case $f in
        debian/rules) continue ;;                       # a makefile
        *.sh|plugin/bash-completion/*) scripts+=("$f") ;;
        *) head -n1 "$f" 2>/dev/null | grep -qE '^#!.*[/ ](ba|da)?sh( |$)' && scripts+=("$f") ;;
    esac
done < <(list_files | sort -u)
[ "${#scripts[@]}" -gt 0 ] || tap_bail "no shell script found"

for f in "${scripts[@]}"; do
    if out=$(shellcheck -x "$f" 2>&1); then
        tap_ok "shellcheck $f"
    else
        tap_not_ok "shellcheck $f" "$out"
    fi
done
tap_done
