#!/bin/sh
# A stand-in for ssh in unit tests: skips ssh's options and the host, then
# runs the remote command string with sh, as sshd would on the host.
while [ $# -gt 0 ]; do
    case $1 in
        --) shift 2; break ;;
        *) shift ;;
    esac
done
exec sh -c "$1"
