/* vs-error.h: the error domain of the core library and the exit codes it maps to. */
#pragma once

#include <glib.h>

#include "vs-enum.h"

#define VS_ERROR vs_error_quark()
GQuark vs_error_quark(void);

typedef enum {
    VS_ERROR_INVALID,      /* an argument or input is invalid */
    VS_ERROR_NOT_FOUND,    /* unknown domain or share */
    VS_ERROR_EXISTS,       /* duplicate share, source or tag */
    VS_ERROR_UNSUPPORTED,  /* a combination that cannot work (e.g. virtiofs + squash) */
    VS_ERROR_POLICY,       /* refused by the host path policy or a permission check */
    VS_ERROR_LIBVIRT,      /* a libvirt call failed */
    VS_ERROR_AGENT,        /* the guest agent is missing, disconnected or refused */
    VS_ERROR_GUEST,        /* a command inside the guest failed */
    VS_ERROR_TIMEOUT,      /* something did not finish in time */
    VS_ERROR_REMOTE,       /* virt-share could not be run on the remote host */
    VS_ERROR_DOMAIN_GONE,  /* the domain vanished while we worked on it (libvirt's NO_DOMAIN) */
    VS_ERROR_INCOMPLETE,   /* failed, and what was done could not all be undone */
    VS_ERROR_PROBLEMS,     /* a check (doctor) ran and found problems */
    VS_ERROR_GUEST_OS,     /* the guest's operating system cannot mount shares (not Linux) */
    VS_ERROR_LAST
} VsErrorCode;

/* The code's C name ("VS_ERROR_INVALID"), for tests and debugging. */
VS_ENUM_DECL(vs_error_code);

/* Turn @error (the failure) into VS_ERROR_INCOMPLETE carrying both its
 * message and @undo_error's (what could not be undone). */
void vs_error_incomplete(GError **error, GError *undo_error);

/* Exit codes, documented in --help and the man page. */
enum {
    VS_EXIT_OK = 0,
    VS_EXIT_USAGE = 1,     /* bad usage or invalid input: nothing was changed */
    VS_EXIT_FAILED = 2,    /* the operation failed: the domain was left as it was */
    VS_EXIT_INCOMPLETE = 3,/* it failed and could not be fully undone: the message says
                            * exactly what is left */
    VS_EXIT_PROBLEMS = 4,  /* doctor ran and found problems (1 stays bad usage) */
};

int vs_error_exit_code(const GError *error);
