#!/usr/bin/env python3
"""hang-fs.py DIR CMD...: mount at DIR a FUSE file system that never answers
(not even its INIT request), run CMD, then unmount it.  Any stat() below DIR
hangs until then, like a folder on a dead NFS server or a stuck FUSE daemon.
Needs root and /dev/fuse; run it in a private mount namespace
(unshare -m --propagation private).  Exit status: CMD's, or 77 when FUSE
cannot be mounted here (the caller skips)."""
import ctypes
import os
import subprocess
import sys

MNT_DETACH = 2

def main():
    libc = ctypes.CDLL(None, use_errno=True)
    target = sys.argv[1].encode()
    try:
        fd = os.open("/dev/fuse", os.O_RDWR | os.O_CLOEXEC)
    except OSError as e:
        print(f"hang-fs: /dev/fuse: {e.strerror}", file=sys.stderr)
        return 77
    opts = f"fd={fd},rootmode=40000,user_id=0,group_id=0".encode()
    if libc.mount(b"hang-fs", target, b"fuse.hang-fs", 0, opts) != 0:
        print(f"hang-fs: mount: {os.strerror(ctypes.get_errno())}", file=sys.stderr)
        return 77
    try:
        return subprocess.run(sys.argv[2:]).returncode
    finally:
        # Closing the device aborts the connection: whatever still waits on
        # the file system gets an error and can finish.
        libc.umount2(target, MNT_DETACH)
        os.close(fd)

if __name__ == "__main__":
    sys.exit(main())
