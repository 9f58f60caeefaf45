/* vsd-runner.c: operations in worker threads. */
#include <config.h>

#include <gio/gio.h>

#include "vsd-runner.h"

struct _VsdRunner {
    GObject *owner;             /* NULL once closed */
    VsdRunnerHooks hooks;
};

typedef struct {
    VsdRunner *runner;
    GObject *owner;             /* a reference while the operation runs */
    VsdOp *op;
    VsdOpDone done;
    gpointer user_data;
} VsdRun;

VsdRunner *
vsd_runner_new(gpointer owner, const VsdRunnerHooks *hooks)
{
    VsdRunner *runner = g_rc_box_new0(VsdRunner);

    runner->owner = owner;
    runner->hooks = *hooks;
    return runner;
}

VsdRunner *
vsd_runner_ref(VsdRunner *runner)
{
    return g_rc_box_acquire(runner);
}

void
vsd_runner_unref(VsdRunner *runner)
{
    g_rc_box_release(runner);
}

void
vsd_runner_close(VsdRunner *runner)
{
    runner->owner = NULL;
}

static void
vsd_run_free(VsdRun *run)
{
    vsd_op_free(run->op);
    g_clear_object(&run->owner);
    vsd_runner_unref(run->runner);
    g_free(run);
}

static void
vsd_run_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancel)
{
    VsdRun *run = data;
    GError *error = NULL;

    if (vsd_op_run(run->op, &error))
        g_task_return_boolean(task, TRUE);
    else
        g_task_return_error(task, error);
}

static void
vsd_run_done(GObject *source, GAsyncResult *res, gpointer data)
{
    VsdRun *run = g_task_get_task_data(G_TASK(res));
    VsdRunner *runner = run->runner;
    g_autoptr(GError) error = NULL;
    GApplication *app = g_application_get_default();

    g_task_propagate_boolean(G_TASK(res), &error);
    if (app)
        g_application_release(app);
    /* After the window, its dialogs are gone too. */
    if (!runner->owner)
        return;
    runner->hooks.ended(runner->owner, run->op);
    if (run->done)
        run->done(run->op, error, run->user_data);
    else
        runner->hooks.finished(runner->owner, run->op, error);
}

void
vsd_runner_run(VsdRunner *runner, VsdOp *op, const char *what, VsdOpDone done, gpointer user_data)
{
    VsdRun *run = g_new0(VsdRun, 1);
    g_autoptr(GTask) task = g_task_new(NULL, NULL, vsd_run_done, NULL);
    GApplication *app = g_application_get_default();

    run->runner = vsd_runner_ref(runner);
    run->owner = runner->owner ? g_object_ref(runner->owner) : NULL;
    run->op = op;
    run->done = done;
    run->user_data = user_data;
    if (runner->owner)
        runner->hooks.started(runner->owner, what);
    if (app)
        g_application_hold(app);
    g_task_set_task_data(task, run, (GDestroyNotify)vsd_run_free);
    g_task_run_in_thread(task, vsd_run_thread);
}
