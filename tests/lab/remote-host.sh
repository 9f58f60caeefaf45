# shellcheck shell=bash
# remote-host.sh: the "remote host" of the end-to-end tests (remote.sh,
# ansible.sh): this host's sshd on 127.0.0.1 with keys of its own; on the
# trixie stack it runs in the namespace of the trixie daemons with
# ChrootDirectory the trixie root, so every command a client runs over ssh
# runs there, with that root's file system, /etc and libvirt 11.  Source it
# after tests/e2e/common.sh, then call lab_remote_host_start.
#   SSHDIR   its keys, config, known_hosts and the ssh wrapper ($SSHDIR/ssh)
#   PORT     its port (VS_REMOTE_SSH_PORT, else a free one)
#   HOST     the remote host's root as seen from here ("" on the host stack)
#   URI      qemu+ssh:// to it, through that wrapper (exported)
#   VIRT_SHARE_REMOTE_COMMAND  this checkout's virt-share, as the host sees it
#   stop_sshd  stops it again (the caller's cleanup)

SSHDIR=$LAB_STATE/ssh
PORT=${VS_REMOTE_SSH_PORT:-$(lab_free_port)}
HOST=
[ "$LAB_STACK" = trixie ] && HOST=$LAB_TRIXIE_ROOT

# stop_sshd: this test's sshd (the recorded pid, if it still runs sshd).
stop_sshd() {
    lab_pid_alive "$SSHDIR/sshd.pid" sshd || return 0
    kill "$(<"$SSHDIR/sshd.pid")"
    for _ in $(seq 50); do lab_pid_alive "$SSHDIR/sshd.pid" sshd || break; sleep 0.1; done
    rm -f "$SSHDIR/sshd.pid"
}

# lab_remote_host_start BINARY: start the sshd (bails out through tap_bail when
# it cannot) and make BINARY (a virt-share) the one the host runs.
lab_remote_host_start() {
    local binary=$1 chroot_dir run_sshd=()
    install -d -m 700 "$SSHDIR"
    [ -s "$SSHDIR/host_key" ] || ssh-keygen -q -t ed25519 -N '' -f "$SSHDIR/host_key"
    [ -s "$SSHDIR/client_key" ] || ssh-keygen -q -t ed25519 -N '' -f "$SSHDIR/client_key"
    cp "$SSHDIR/client_key.pub" "$SSHDIR/authorized_keys"
    printf '[127.0.0.1]:%s %s\n' "$PORT" "$(cut -d' ' -f1,2 "$SSHDIR/host_key.pub")" >"$SSHDIR/known_hosts"
    cat >"$SSHDIR/sshd_config" <<EOF
ListenAddress 127.0.0.1
Port $PORT
HostKey $SSHDIR/host_key
AuthorizedKeysFile $SSHDIR/authorized_keys
PidFile $SSHDIR/sshd.pid
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
EOF
    # On the trixie stack the session (its shell and all it runs) is in the root.
    if [ -n "$HOST" ]; then
        chroot_dir=$(lab_trixie_chroot) || tap_bail "no root-only path for sshd's chroot"
        echo "ChrootDirectory $chroot_dir" >>"$SSHDIR/sshd_config"
    fi
    # libvirt's command= names the ssh program: this one knows the lab's host key,
    # so root's own known_hosts is never touched.
    cat >"$SSHDIR/ssh" <<EOF
#!/bin/sh
exec ssh -o UserKnownHostsFile=$SSHDIR/known_hosts -o StrictHostKeyChecking=yes -o BatchMode=yes "\$@"
EOF
    chmod 755 "$SSHDIR/ssh"
    install -d -m 755 /run/sshd
    stop_sshd
    [ -n "$HOST" ] && run_sshd=(lab_trixie_nsenter)
    "${run_sshd[@]}" /usr/sbin/sshd -f "$SSHDIR/sshd_config" -E "$SSHDIR/sshd.log" \
        || tap_bail "sshd did not start: $(tail -3 "$SSHDIR/sshd.log" 2>/dev/null)"
    export URI="qemu+ssh://root@127.0.0.1:$PORT/system?keyfile=$SSHDIR/client_key&command=$SSHDIR/ssh"
    # The host runs this checkout's virt-share (not installed there); the trixie
    # root sees the lab directory at the same path, so a copy there.
    export VIRT_SHARE_REMOTE_COMMAND=$binary
    if [ -n "$HOST" ]; then
        install -D -m 755 "$binary" "$LAB_STATE/bin/virt-share"
        VIRT_SHARE_REMOTE_COMMAND=$LAB_STATE/bin/virt-share
    fi
}
