/* vs-remote.h: run virt-share on the host that holds the folder.
 *
 * For a remote URI (qemu+ssh://host/system) the folder, the host path policy,
 * qemu.conf, QEMU's user, the ACLs and the per-domain lock all live on HOST,
 * not here.  Commands that need them run there, as a local command, over the
 * same ssh transport libvirt uses (as libvirt runs virt-ssh-helper there). */
#pragma once

#include <glib.h>

#include "vs-uri.h"

/* The program run on the remote host: $VIRT_SHARE_REMOTE_COMMAND, else "virt-share". */
const char *vs_remote_command(void);

/* The URI that names the same daemon from the remote host itself:
 * "qemu+ssh://u@h:22/system?keyfile=k&socket=s" -> "qemu:///system?socket=s"
 * (transport parameters dropped; libvirt's name= parameter wins). */
char *vs_remote_local_uri(const VsUriInfo *info, GError **error);

/* The ssh argv that runs `virt-share -c LOCAL_URI ARGS...` on the host of
 * @info.  Errors: UNSUPPORTED for transports without a shell on the host
 * (tls, tcp, unix with a host). */
GStrv vs_remote_ssh_argv(const VsUriInfo *info, const char *const *args, GError **error);

/* Run it with this process's standard streams; returns the remote exit status,
 * or -1 with @error set when virt-share could not be run there at all. */
int vs_remote_run(const VsUriInfo *info, const char *const *args, GError **error);
