#!/bin/sh
# A hostile guest agent for the e2e tests (tests/e2e/hostile.sh): it answers
# on the agent's virtio-serial port like qemu-ga, but with crafted replies.
# /init runs it instead of qemu-ga when the kernel command line says
# vs_fake_agent.  The host switches the scenario with the agent command
#   {"execute":"vs-fake-scenario","arguments":{"name":"NAME"}}
# which answers {"scenario": NAME} (what the agent now runs), and asks what
# reached it since with
#   {"execute":"vs-fake-seen"}
# which answers {"seen": "CMD CMD ..."}: the agent commands it was sent since
# the last switch, each once, in order (guest-sync and vs-fake-* left out).
# Scenarios (everything else answers like a healthy agent):
#   nameless   guest-info lists a disabled command without a name
#   nonobject  guest-file-read answers a string, guest-exec-status a list
#   endless    guest-file-read never reaches EOF (48 KiB per read)
#   bigout     guest-exec-status carries 2 MiB of output
#   escapes    guest text with terminal escape sequences and invalid UTF-8:
#              /proc/self/mounts, command stderr
#   wrongid    every reply carries another request's id
#   huge       numbers beyond any integer type
#   windows    guest-get-osinfo answers as qemu-ga does on Windows 11
#   osinfo-escapes  guest-get-osinfo names a FreeBSD with terminal escapes
#   slowexec   a modprobe run in the guest never ends (guest-exec-status: not
#              exited); every other command ends at once
#              and a bidi override in its pretty-name
# In every other scenario guest-get-osinfo is unknown, as to an agent older
# than the command (CommandNotFound).
# Usage: fake-agent.sh PORT
port=$1
scenario=ok
seen=
work=/run/vs-fake-agent
mkdir -p "$work"

# Canned data, made once.
head -c 49152 /dev/zero | base64 | tr -d '\n' > "$work/chunk.b64"
head -c 2097152 /dev/zero | base64 | tr -d '\n' > "$work/big.b64"
printf 'vs-hostile /mnt/\033]0;pwned\007\033[2J\342\200\256x 9p rw 0 0\n' | base64 | tr -d '\n' \
    > "$work/mounts-escapes.b64"
printf 'rootfs / rootfs rw 0 0\n' | base64 | tr -d '\n' > "$work/mounts-ok.b64"
printf 'modprobe: \033[31mFATAL\033[0m \033]0;pwned\007\377\376 not found\n' | base64 | tr -d '\n' \
    > "$work/stderr-escapes.b64"

field() {   # field NAME LINE: the string value of "NAME" in the JSON line
    printf '%s' "$2" | sed -n "s/.*\"$1\": *\"\\([^\"]*\\)\".*/\\1/p"
}

# ret JSON: a "return" reply to the current request (its id echoed, or not)
ret() {
    if [ "$scenario" = wrongid ]; then
        printf '{"return": %s, "id": "vs-0-0"}\n' "$1" >&3
    elif [ -n "$id" ]; then
        printf '{"return": %s, "id": "%s"}\n' "$1" "$id" >&3
    else
        printf '{"return": %s}\n' "$1" >&3
    fi
}

info() {
    if [ "$scenario" = nameless ]; then
        ret '{"version": "7.2.22", "supported_commands": [{"enabled": false, "success-response": true}, {"enabled": true, "name": "guest-exec", "success-response": true}]}'
        return
    fi
    cmds=
    for c in guest-ping guest-info guest-exec guest-exec-status guest-file-open \
             guest-file-read guest-file-write guest-file-close; do
        cmds="$cmds${cmds:+, }{\"enabled\": true, \"name\": \"$c\", \"success-response\": true}"
    done
    ret "{\"version\": \"7.2.22\", \"supported_commands\": [$cmds]}"
}

file_read() {
    case $scenario in
        nonobject) ret '"oops"' ;;
        endless) ret "{\"count\": 49152, \"buf-b64\": \"$(cat "$work/chunk.b64")\", \"eof\": false}" ;;
        escapes) ret "{\"count\": $(base64 -d < "$work/mounts-escapes.b64" | wc -c), \"buf-b64\": \"$(cat "$work/mounts-escapes.b64")\", \"eof\": true}" ;;
        huge) ret '{"count": 99999999999999999999999, "buf-b64": "", "eof": true}' ;;
        *) ret "{\"count\": 23, \"buf-b64\": \"$(cat "$work/mounts-ok.b64")\", \"eof\": true}" ;;
    esac
}

osinfo() {
    case $scenario in
        windows) ret '{"name": "Microsoft Windows", "kernel-release": "22621", "version": "Microsoft Windows 11", "variant": "client", "pretty-name": "Windows 11 Pro", "version-id": "11", "variant-id": "client", "kernel-version": "10.0", "machine": "x86_64", "id": "mswindows"}' ;;
        osinfo-escapes) ret '{"id": "freebsd", "pretty-name": "Free\u001b]0;pwned\u0007\u001b[2JBSD \u202e14", "kernel-release": "14.0-RELEASE"}' ;;
        *) printf '{"error": {"class": "CommandNotFound", "desc": "The command guest-get-osinfo has not been found"}}\n' >&3 ;;
    esac
}

exec_status() {
    case $scenario in
        nonobject) ret '[1, 2]' ;;
        bigout) ret "{\"exited\": true, \"exitcode\": 0, \"out-data\": \"$(cat "$work/big.b64")\"}" ;;
        escapes) ret "{\"exited\": true, \"exitcode\": 1, \"err-data\": \"$(cat "$work/stderr-escapes.b64")\"}" ;;
        huge) ret '{"exited": true, "exitcode": 1e400}' ;;
        slowexec)   # only modprobe (pid 78) never ends
            if [ "$(printf '%s' "$line" | sed -n 's/.*"pid" *: *\([0-9]*\).*/\1/p')" = 78 ]; then
                ret '{"exited": false}'
            else
                ret '{"exited": true, "exitcode": 0}'
            fi ;;
        *) ret '{"exited": true, "exitcode": 0}' ;;
    esac
}

handle() {
    line=$1
    execute=$(field execute "$line")
    id=$(field id "$line")
    case $execute in
        guest-sync | guest-sync-delimited | vs-fake-*) ;;
        *) case " $seen " in *" $execute "*) ;; *) seen="$seen${seen:+ }$execute" ;; esac ;;
    esac
    case $execute in
        guest-sync | guest-sync-delimited)
            # libvirt pairs every command with a guest-sync: answer it right
            sid=$(printf '%s' "$line" | sed -n 's/.*"id": *\([0-9][0-9]*\).*/\1/p')
            printf '{"return": %s}\n' "$sid" >&3 ;;
        vs-fake-scenario) scenario=$(field name "$line"); seen=; id=; ret "{\"scenario\": \"$scenario\"}" ;;
        vs-fake-seen) id=; ret "{\"seen\": \"$seen\"}" ;;
        guest-ping | guest-file-close) ret '{}' ;;
        guest-info) info ;;
        guest-file-open) if [ "$scenario" = huge ]; then ret 1e999; else ret 1000; fi ;;
        guest-file-read) file_read ;;
        guest-file-write) ret '{"count": 0, "eof": false}' ;;
        guest-exec)
            if [ "$scenario" = huge ]; then ret '{"pid": 99999999999999999999999}'
            elif [ "$scenario" = slowexec ] && [ "${line#*modprobe}" != "$line" ]; then ret '{"pid": 78}'
            else ret '{"pid": 77}'; fi ;;
        guest-exec-status) exec_status ;;
        guest-get-osinfo) osinfo ;;
        *) printf '{"error": {"class": "CommandNotFound", "desc": "not here"}}\n' >&3 ;;
    esac
}

echo "vs-fake-agent: answering on $port"
while :; do
    if exec 3<>"$port"; then
        while IFS= read -r line <&3; do
            handle "$line"
        done
        exec 3>&-
    fi
    sleep 0.2
done
