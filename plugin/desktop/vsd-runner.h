/* vsd-runner.h: operations (VsdOp) run in worker threads, for the main
 * window and its dialogs.  A dialog is given the runner, never the window,
 * so that the files form a tree: main -> window -> dialogs -> runner, rows,
 * widgets -> model. */
#pragma once

#include <glib-object.h>

#include "vsd-model.h"

typedef struct _VsdRunner VsdRunner;

/* Called in the main context when an operation ends (@error set if it failed). */
typedef void (*VsdOpDone)(VsdOp *op, const GError *error, gpointer user_data);

/* What the runner's owner (the main window) shows. */
typedef struct {
    /* An operation started; @what says what it does. */
    void (*started)(gpointer owner, const char *what);
    /* @op ended (before its done): what it changed may be read again. */
    void (*ended)(gpointer owner, const VsdOp *op);
    /* An operation run without its own done ended: show what it did. */
    void (*finished)(gpointer owner, VsdOp *op, const GError *error);
} VsdRunnerHooks;

/* A runner reporting to @owner (a GObject, kept alive while an operation runs). */
VsdRunner *vsd_runner_new(gpointer owner, const VsdRunnerHooks *hooks);
VsdRunner *vsd_runner_ref(VsdRunner *runner);
void vsd_runner_unref(VsdRunner *runner);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VsdRunner, vsd_runner_unref)

/* The owner goes: operations still running end without telling it. */
void vsd_runner_close(VsdRunner *runner);

/* Run @op (taken over) in a worker thread; the owner shows @what meanwhile.
 * With @done NULL the owner shows the result.  The application stays alive
 * until it ends: closing the window must not kill a guest restart half-way. */
void vsd_runner_run(VsdRunner *runner, VsdOp *op, const char *what, VsdOpDone done,
                    gpointer user_data);
