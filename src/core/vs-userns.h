/* vs-userns.h: may this user create a user namespace?  libvirt >= 10.0 runs
 * virtiofsd for qemu:///session as the user, in virtiofsd's namespace
 * sandbox, which starts with unshare(CLONE_NEWUSER); where the kernel refuses
 * that, the attach fails late with a chardev error ("Connection refused"). */
#pragma once

/* 0 when a process of this user can create a user namespace, else the errno
 * of unshare(CLONE_NEWUSER) (EPERM, ENOSPC, ...), tried in a child process. */
int vs_userns_probe(void);

/* Why virtiofs cannot work under a session daemon after vs_userns_probe()
 * said @err (not 0): translated, static. */
const char *vs_userns_refusal(int err);
