#!/usr/bin/env bash
# The Ansible collection (plugin/ansible) with the real tools: ansible-doc
# shows the module's documentation, yamllint passes it, ansible-test sanity's
# tests that need no download pass, and the module, run by ansible against
# libvirt's test driver (tests/data/testnode.xml, as tests/cli.sh), reports
# changed and failures truthfully.  Prints TAP (tests/tap.sh).
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$here/..
VS=${VIRT_SHARE:-$top/src/virt-share}
DATA=${TEST_DATA_DIR:-$here/data}
[[ $VS == /* ]] || VS=$PWD/$VS
[[ $DATA == /* ]] || DATA=$PWD/$DATA
URI="test://$DATA/testnode.xml"
COLL=$top/plugin/ansible
MODULES=$COLL/plugins/modules
export LC_ALL=C.UTF-8 PYTHONDONTWRITEBYTECODE=1 LANGUAGE=
unset LIBVIRT_DEFAULT_URI

# shellcheck source=tap.sh
. "$here/tap.sh"

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export XDG_RUNTIME_DIR=$TMP/run HOME=$TMP/home ANSIBLE_LOCAL_TEMP=$TMP/ansible-tmp
mkdir -m 700 "$XDG_RUNTIME_DIR" "$HOME"

if ! command -v ansible-doc >/dev/null || ! command -v ansible >/dev/null; then
    tap_skip "the Ansible collection" "no ansible-core (apt-get install ansible-core; tests/build-deps.sh)"
    tap_done
fi

# ---- the documentation, as ansible-doc and yamllint read it ----
out=$(ansible-doc -M "$MODULES" virt_share 2>&1)
rc=$?
if [ "$rc" -eq 0 ] && grep -q "^= domain" <<<"$out"; then
    tap_ok "ansible-doc shows virt_share"
else
    tap_not_ok "ansible-doc shows virt_share" "exit $rc" "$out"
fi
json=$(ansible-doc -M "$MODULES" --json virt_share 2>&1)
want="domain driver mode path persist readonly restart state target uri"
got=$(python3 -c 'import json,sys; d=json.load(sys.stdin)["virt_share"]
print(" ".join(sorted(d["doc"]["options"])))
assert d["examples"].strip() and d["return"]["share"] and d["doc"]["attributes"]["check_mode"]' \
      <<<"$json" 2>&1)
if [ "$got" = "$want" ]; then tap_ok "ansible-doc --json: the options, examples and return values"
else tap_not_ok "ansible-doc --json: the options, examples and return values" "got: $got" "want: $want"; fi
for block in DOCUMENTATION EXAMPLES RETURN; do
    python3 - "$MODULES/virt_share.py" "$block" >"$TMP/$block.yml" <<'PY'
import ast, sys
tree = ast.parse(open(sys.argv[1]).read())
for node in tree.body:
    if isinstance(node, ast.Assign) and node.targets[0].id == sys.argv[2]:
        print(node.value.value.strip("\n"))
PY
done
if command -v yamllint >/dev/null; then
    # Ansible's own documentation style: up to 160 columns.
    conf='{extends: default, rules: {line-length: {max: 160}, document-start: disable}}'
    for f in "$TMP/DOCUMENTATION.yml" "$TMP/EXAMPLES.yml" "$TMP/RETURN.yml" \
             "$COLL/galaxy.yml" "$COLL/meta/runtime.yml"; do
        name=${f#"$TMP/"}
        name=${name#"$top/"}
        tap_check "yamllint $name" yamllint -s -d "$conf" "$f"
    done
else
    tap_skip "yamllint of the module's documentation" "no yamllint (apt-get install yamllint)"
fi

# ---- ansible-test sanity ----
# ansible-test installs pinned requirements with pip into a virtualenv for
# ansible-doc, validate-modules, pylint, pep8, yamllint, import, pslint,
# changelog and runtime-metadata: with no network those cannot run (ansible-doc
# and yamllint run above).  The others need nothing but the collection at
# ansible_collections/NAMESPACE/NAME.
needs_pip=(ansible-doc validate-modules pylint pep8 yamllint import pslint changelog runtime-metadata)
if command -v ansible-test >/dev/null; then
    mkdir -p "$TMP/ac/ansible_collections/virtshare"
    cp -r "$COLL" "$TMP/ac/ansible_collections/virtshare/libvirt"
    skips=()
    for t in "${needs_pip[@]}"; do skips+=(--skip-test "$t"); done
    py=$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')
    out=$(cd "$TMP/ac/ansible_collections/virtshare/libvirt" &&
          ansible-test sanity --python "$py" "${skips[@]}" 2>&1)
    rc=$?
    if [ "$rc" -eq 0 ]; then tap_ok "ansible-test sanity (the tests that need no download)"
    else tap_not_ok "ansible-test sanity (the tests that need no download)" "$out"; fi
    tap_skip "ansible-test sanity ${needs_pip[*]}" "they install pinned requirements from PyPI with pip"
else
    tap_skip "ansible-test sanity" "no ansible-test"
fi

# ---- the module, run by ansible, against the test driver ----
[ -x "$VS" ] || tap_bail "ansible.sh: no virt-share binary at '$VS'"
mkdir "$TMP/bin" "$TMP/new"
ln -s "$VS" "$TMP/bin/virt-share"
# task ARGS...: run the module on localhost; sets $rc and $out (the result).
task() {
    out=$(PATH="$TMP/bin:$PATH" ANSIBLE_LIBRARY=$MODULES ANSIBLE_LOAD_CALLBACK_PLUGINS=1 \
          ANSIBLE_STDOUT_CALLBACK=json ansible localhost -i localhost, -c local -o \
          -m virt_share "$@" 2>&1)
    rc=$?
}
# holds NAME PYTHON_EXPR: the expression on the task's result (r) holds.
holds() {
    local doc
    # The one-line output: "localhost | FAILED! => {...}" ("failed" is not in the object).
    doc=$(sed -n 's/^localhost | \([A-Z!]*\) => {/{"status": "\1", /p' <<<"$out")
    if python3 -c "import json,sys; r=json.load(sys.stdin); assert $2, r" <<<"$doc" 2>/dev/null; then
        tap_ok "$1"
    else
        tap_not_ok "$1" "not ($2) in: $out"
    fi
}
docs="domain=running path=/usr/share readonly=true target=/mnt/docs state=present uri=$URI"
for round in first second; do
    task -a "$docs"
    holds "present, the share the node has, $round run: changed false" \
        'r["changed"] is False and r["share"]["tag"] == "docs" and r["commands"] == []'
done
task --check --diff -a "domain=stopped path=$TMP/new target=/mnt/new uri=$URI"
holds "check mode, a new share: changed true, by add --dry-run" \
    'r["changed"] is True and "--dry-run" in r["commands"][0] and r["share"]["state"] == "defined"'
contains_diff=$(grep -c '"source": "'"$TMP"'/new"' <<<"$out")
if [ "$contains_diff" -gt 0 ]; then tap_ok "check mode --diff shows the device after"
else tap_not_ok "check mode --diff shows the device after" "$out"; fi
task -a "domain=running path=/usr/share state=present uri=$URI"
holds "present with other options: failed, virt-share's message and exit status" \
    'r["status"] == "FAILED!" and r["rc"] == 1 and "no --readonly (it is read-only)" in r["msg"]'
task -a "domain=stopped path=$TMP/missing uri=$URI"
holds "a missing folder: failed with exit status 1" \
    'r["status"] == "FAILED!" and r["rc"] == 1 and "missing" in r["msg"]'
task -a "domain=running path=nosuchtag state=absent uri=$URI"
holds "absent, a share the node lacks: changed false" 'r["changed"] is False and r["share"] is None'
task --check -a "domain=running path=docs state=absent uri=$URI"
holds "absent in check mode, a share the node has: changed true, remove not run" \
    'r["changed"] is True and r["commands"][0][-5:] == ["remove", "running", "docs", "--exist-ok", "--json"]'
task -a "domain=nosuchdomain path=/usr/share uri=$URI"
holds "an unknown domain: failed, exit status 1" 'r["status"] == "FAILED!" and r["rc"] == 1'

tap_done
