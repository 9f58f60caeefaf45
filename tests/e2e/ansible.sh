#!/usr/bin/env bash
# End-to-end tests of the Ansible collection (plugin/ansible) with
# ansible-core from Debian's packages.  The inventory has two hosts, each with
# a lab guest of its own:
#  - localhost (ansible_connection=local): this host's virt-share on the
#    stack's daemon ($LAB_URI);
#  - remote: the "remote host" of remote.sh (tests/lab/remote-host.sh),
#    reached over ssh: on the trixie stack the trixie root with libvirt 11 and
#    a file system of its own (its folder exists only there), on the host
#    stack this host again.
# One playbook shares a folder into each guest and mounts it; the oracle is
# virsh dumpxml --inactive, the guests' /proc/mounts (through the agent) and
# a file written in each guest.  Needs the lab (tests/lab/setup.sh), root and
# ansible-core.  Prints TAP, the times a playbook adds over 'virt-share add',
# and "N passed, M failed".
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=common.sh
. "$here/common.sh"
# shellcheck source=../lab/remote-host.sh
. "$top/tests/lab/remote-host.sh"

VS=$(realpath "$VS")
DOM_L=vs-test-ans-local
DOM_R=vs-test-ans-remote
# On the remote host; from here: $HOST$REMOTE_ROOT.
REMOTE_ROOT=/srv/vs-ansible-test
TARGET=/mnt/ans

e2e_need_root
e2e_need_guest
[ -x /usr/sbin/sshd ] || { echo "ansible.sh: no /usr/sbin/sshd: run tests/lab/setup.sh" >&2; exit 1; }
e2e_stack
TAP_PREFIX+="[ansible] "
command -v ansible-playbook >/dev/null || tap_bail "no ansible-playbook (apt-get install ansible-core)"

lab_remote_host_start "$VS"
# Ansible runs its modules with the managed host's python3.
[ -x "$HOST/usr/bin/python3" ] ||
    tap_bail "no python3 on the remote host ($HOST/usr/bin/python3): the trixie root predates python3 in LAB_TRIXIE_PKGS; run tests/lab/setup.sh again"

# /var/tmp: the trixie daemons see it at the same path (stack-trixie.sh binds it).
e2e_scratch ansible
LOCAL_DIR=$SHARES/local
TMP=$(mktemp -d)
cleanup() {
    lab_remove_domain "$DOM_L" "$DOM_R"
    stop_sshd
    if [ -n "$HOST" ]; then
        lab_trixie_nsenter chroot "$HOST" bash -c "$(declare -f lab_unprotect_under); lab_unprotect_under \"\$1\"" _ "$REMOTE_ROOT"
    else
        lab_unprotect_under "$REMOTE_ROOT"
    fi
    rm -rf "$HOST$REMOTE_ROOT" "$TMP"
}

rm -rf "$HOST$REMOTE_ROOT"
install -d -m 755 "$LOCAL_DIR" "$HOST$REMOTE_ROOT/remote"
bash "$top/tests/lab/start-guest.sh" "$DOM_L" >/dev/null || tap_bail "guest $DOM_L did not boot"
bash "$top/tests/lab/start-guest.sh" "$DOM_R" >/dev/null || tap_bail "guest $DOM_R did not boot"

# ---- the collection, inventory and playbook ----
mkdir -p "$TMP/collections/ansible_collections/virtshare" "$TMP/bin" "$TMP/tmp"
ln -s "$top/plugin/ansible" "$TMP/collections/ansible_collections/virtshare/libvirt"
ln -s "$VS" "$TMP/bin/virt-share"
export ANSIBLE_COLLECTIONS_PATH=$TMP/collections ANSIBLE_LOCAL_TEMP=$TMP/tmp \
    ANSIBLE_SSH_CONTROL_PATH_DIR=$TMP/cp ANSIBLE_PIPELINING=1 ANSIBLE_RETRY_FILES_ENABLED=0 \
    ANSIBLE_STDOUT_CALLBACK=json ANSIBLE_NOCOLOR=1 PYTHONDONTWRITEBYTECODE=1
cat >"$TMP/hosts.ini" <<EOF
[hypervisors]
localhost ansible_connection=local ansible_python_interpreter=/usr/bin/python3 vs_domain=$DOM_L vs_uri=$LAB_URI vs_path=$LOCAL_DIR vs_bin=$TMP/bin
remote ansible_host=127.0.0.1 ansible_port=$PORT ansible_user=root ansible_ssh_private_key_file=$SSHDIR/client_key ansible_ssh_common_args='-o UserKnownHostsFile=$SSHDIR/known_hosts -o StrictHostKeyChecking=yes -o BatchMode=yes' ansible_python_interpreter=/usr/bin/python3 vs_domain=$DOM_R vs_uri=qemu:///system vs_path=$REMOTE_ROOT/remote vs_bin=${VIRT_SHARE_REMOTE_COMMAND%/*}
EOF
# vs_fail_on=HOST gives that host a folder that does not exist.
cat >"$TMP/share.yml" <<EOF
- name: Share a folder into each host's guest
  hosts: hypervisors
  gather_facts: false
  environment:
    PATH: "{{ vs_bin }}:/usr/sbin:/usr/bin:/sbin:/bin"
  tasks:
    - name: The share
      virtshare.libvirt.virt_share:
        domain: "{{ vs_domain }}"
        path: "{{ vs_path if inventory_hostname != (vs_fail_on | default('')) else vs_path ~ '-missing' }}"
        target: $TARGET
        driver: virtiofs
        state: "{{ vs_state | default('mounted') }}"
        uri: "{{ vs_uri }}"
EOF

# play ARGS...: run the playbook; $rc, $out (the json callback's document),
# $secs (wall time).
play() {
    local t0
    t0=$(lab_now)
    out=$(ansible-playbook -i "$TMP/hosts.ini" "$TMP/share.yml" "$@" 2>"$TMP/play.err")
    rc=$?
    secs=$(lab_since "$t0")
    tap_diag "ansible-playbook $* -> exit $rc in $secs s"
    [ ! -s "$TMP/play.err" ] || tap_diag "$(tail -5 "$TMP/play.err")"
}
# result HOST EXPR: EXPR (python) holds for HOST's task result r and stats s.
result() {
    python3 -c '
import json, sys
d = json.loads(sys.argv[1])
r = d["plays"][0]["tasks"][0]["hosts"][sys.argv[2]]
s = d["stats"][sys.argv[2]]
sys.exit(0 if eval(sys.argv[3]) else 1)' "$out" "$1" "$2" 2>/dev/null
}
xml() { virsh -c "$LAB_URI" -q dumpxml --inactive "$1"; }
minus() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a - b }'; }
# xml_is DOM BEFORE: DOM's definition, which virsh must give now, is BEFORE,
# which must not be empty (two failed virsh calls are no "unchanged").
xml_is() { local x; x=$(xml "$1") && [ -n "$2" ] && [ "$x" = "$2" ]; }
mounted() { lab_guest_exec "$1" /bin/grep -q " $TARGET virtiofs " /proc/mounts; }
# not_mounted DOM: the agent answers, and the share is not in /proc/mounts
# (an agent that does not answer is no "not mounted").
not_mounted() { lab_guest_false "$1" /bin/grep -q " $TARGET virtiofs " /proc/mounts; }
# writes DOM FILE_ON_HOST: a file written in DOM's share shows up on its host.
writes() {
    local word
    word=from-$1-$RANDOM
    lab_guest_exec "$1" /bin/sh -c "echo $word > $TARGET/hello" >/dev/null &&
        grep -qx "$word" "$2"
}

before_l=$(xml "$DOM_L") || before_l=
before_r=$(xml "$DOM_R") || before_r=
expect "the definitions before, from virsh" test -n "$before_l" -a -n "$before_r"

# ---- check mode: reports the change, makes none ----
play --check --diff
expect "check mode: the run succeeds" test "$rc" -eq 0
for h in localhost remote; do
    expect "check mode: $h reports changed, through add --dry-run" \
        result "$h" 's["changed"] == 1 and "--dry-run" in r["commands"][0]'
    expect "check mode: $h's diff shows the device after" \
        result "$h" '"\"driver\": \"virtiofs\"" in r["diff"]["after"] and r["diff"]["before"] == "absent\n"'
done
expect "check mode: localhost's definition is unchanged" xml_is "$DOM_L" "$before_l"
expect "check mode: remote's definition is unchanged" xml_is "$DOM_R" "$before_r"
expect "check mode: nothing mounted in localhost's guest (its agent answers)" not_mounted "$DOM_L"

# ---- the time a playbook adds over virt-share add ----
t0=$(lab_now)
"$VS" -c "$LAB_URI" add "$DOM_L" "$LOCAL_DIR" --driver virtiofs --target "$TARGET" >/dev/null 2>&1
add_rc=$? t_add=$(lab_since "$t0")
expect "virt-share add alone (the yardstick) exits 0" test "$add_rc" -eq 0
"$VS" -c "$LAB_URI" remove "$DOM_L" "$LOCAL_DIR" >/dev/null 2>&1
expect "and remove puts the definition back" xml_is "$DOM_L" "$before_l"
play --limit localhost
t_one=$secs
expect "one host: the run succeeds and changes it" result localhost 's["changed"] == 1'
play --limit localhost -e vs_state=absent
expect "one host: absent again" xml_is "$DOM_L" "$before_l"

# ---- both hosts: add and mount, then a second run changes nothing ----
play
t_both=$secs
expect "both hosts: the run succeeds" test "$rc" -eq 0
for h in localhost remote; do
    expect "both hosts: $h changed" result "$h" 's["changed"] == 1 and s["failures"] == 0'
done
expect "localhost's guest has the share mounted" mounted "$DOM_L"
expect "remote's guest has the share mounted" mounted "$DOM_R"
expect "a file written in localhost's guest is in localhost's folder" writes "$DOM_L" "$LOCAL_DIR/hello"
expect "a file written in remote's guest is in the remote host's folder" \
    writes "$DOM_R" "$HOST$REMOTE_ROOT/remote/hello"
[ -z "$HOST" ] || expect "and not in a folder of that name here (the trixie root's own)" \
    test ! -e "$REMOTE_ROOT/remote/hello"
after_l=$(xml "$DOM_L") || after_l=
after_r=$(xml "$DOM_R") || after_r=
play
expect "second run: succeeds" test "$rc" -eq 0
for h in localhost remote; do
    expect "second run: $h changed=0" result "$h" 's["changed"] == 0 and s["ok"] == 1'
done
expect "second run: localhost's definition as after the first" xml_is "$DOM_L" "$after_l"
expect "second run: remote's definition as after the first" xml_is "$DOM_R" "$after_r"
play --check
n=$(python3 -c 'import json,sys; print(sum(s["changed"] for s in json.loads(sys.argv[1])["stats"].values()))' \
    "$out" 2>/dev/null) || n="no result"
expect "check mode on what is there: changed=0 on both hosts (got $n)" test "$n" = 0

# ---- a missing folder fails on its host only ----
play -e vs_fail_on=remote
expect "missing folder on remote: the run fails" test "$rc" -ne 0
expect "remote's task failed with virt-share's message and exit status 1" \
    result remote 's["failures"] == 1 and r["rc"] == 1 and "'"$REMOTE_ROOT"'/remote-missing" in r["msg"]'
expect "localhost's task still succeeded" result localhost 's["failures"] == 0 and s["ok"] == 1'
expect "remote's definition is untouched" xml_is "$DOM_R" "$after_r"
expect "remote's share is still mounted" mounted "$DOM_R"

# ---- state: absent restores each definition byte for byte ----
play -e vs_state=absent --diff
expect "absent: the run succeeds" test "$rc" -eq 0
for h in localhost remote; do
    expect "absent: $h changed, its diff ends absent" result "$h" 's["changed"] == 1 and r["diff"]["after"] == "absent\n"'
done
expect "absent: localhost's definition is as before the first run, byte for byte" xml_is "$DOM_L" "$before_l"
expect "absent: remote's definition is as before the first run, byte for byte" xml_is "$DOM_R" "$before_r"
expect "absent: unmounted in localhost's guest" not_mounted "$DOM_L"
expect "absent: unmounted in remote's guest" not_mounted "$DOM_R"
play -e vs_state=absent
for h in localhost remote; do
    expect "absent again: $h changed=0" result "$h" 's["changed"] == 0 and s["ok"] == 1'
done

tap_diag "Timings on $STACK (libvirt $LIBVIRT_VERSION; busybox guests, TCG, this machine):"
tap_diag "$(printf '  %s\n' \
    "virt-share add (localhost, virtiofs, mounted): $t_add s" \
    "playbook, one host (localhost): $t_one s, +$(minus "$t_one" "$t_add") s over add" \
    "playbook, both hosts (localhost, remote over ssh): $t_both s, +$(minus "$t_both" "$t_add") s over add")"
tap_done
