/* vsd-selftest.c: drive the window from a script (see vsd-selftest.h). */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>

#include <adwaita.h>

#include "vsd-selftest.h"

#define VSD_POLL_MS 100

typedef struct {
    VsdWindow *win;
    char **lines;
    guint next;
    char *shot_dir;
    gint64 timeout_us;
    gint64 deadline;            /* of the current wait, 0: none */
    gint64 last_tick;           /* when the main loop last ran the script */
    gint64 max_stall;           /* the longest gap between two runs since stall-max */
} VsdSelfTest;

static void G_GNUC_NORETURN
vsd_test_exit(VsdSelfTest *t, int code, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    fprintf(stderr, "self-test: ");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(code);
}

/* The first widget under @w (itself included) that @match takes. */
static GtkWidget *
vsd_find_under(GtkWidget *w, gboolean (*match)(GtkWidget *w, const char *what), const char *what)
{
    if (match(w, what))
        return w;
    for (GtkWidget *c = gtk_widget_get_first_child(w); c; c = gtk_widget_get_next_sibling(c)) {
        GtkWidget *found = vsd_find_under(c, match, what);
        if (found)
            return found;
    }
    return NULL;
}

static gboolean
vsd_named_shown(GtkWidget *w, const char *pattern)
{
    return gtk_widget_get_mapped(w) && g_pattern_match_simple(pattern, gtk_widget_get_name(w));
}

static gboolean
vsd_button_labelled(GtkWidget *w, const char *label)
{
    return GTK_IS_BUTTON(w) && g_strcmp0(gtk_button_get_label(GTK_BUTTON(w)), label) == 0;
}

static GtkWidget *
vsd_find_in(GtkWidget *w, const char *name)
{
    return vsd_find_under(w, vsd_named_shown, name);
}

/* The shown widget named @name in any window. */
static GtkWidget *
vsd_find(const char *name)
{
    g_autoptr(GListModel) tops = g_object_ref(gtk_window_get_toplevels());

    for (guint i = 0; i < g_list_model_get_n_items(tops); i++) {
        g_autoptr(GtkWidget) top = g_list_model_get_item(tops, i);
        GtkWidget *found = vsd_find_in(top, name);
        if (found)
            return found;
    }
    return NULL;
}

static void
vsd_label_texts(GtkWidget *w, GString *out)
{
    if (GTK_IS_LABEL(w) && gtk_widget_get_mapped(w))
        g_string_append_printf(out, "%s\n", gtk_label_get_text(GTK_LABEL(w)));
    for (GtkWidget *c = gtk_widget_get_first_child(w); c; c = gtk_widget_get_next_sibling(c))
        vsd_label_texts(c, out);
}

static char *
vsd_text_under(GtkWidget *w)
{
    GString *s = g_string_new(NULL);

    vsd_label_texts(w, s);
    return g_string_free(s, FALSE);
}

/* @top as drawn, or NULL while its layout is pending (right after a change
 * the widget has no render node until the next frame). */
static GdkTexture *
vsd_render(GtkWidget *top)
{
    int w = gtk_widget_get_width(top), h = gtk_widget_get_height(top);
    g_autoptr(GdkPaintable) paint = NULL;
    g_autoptr(GtkSnapshot) snap = gtk_snapshot_new();
    g_autoptr(GskRenderNode) node = NULL;

    if (w <= 0 || h <= 0)
        return NULL;
    paint = gtk_widget_paintable_new(top);
    gdk_paintable_snapshot(paint, snap, w, h);
    if (!(node = gtk_snapshot_free_to_node(g_steal_pointer(&snap))))
        return NULL;
    return gsk_renderer_render_texture(gtk_native_get_renderer(GTK_NATIVE(top)), node,
                                       &GRAPHENE_RECT_INIT(0, 0, w, h));
}

/* Save every shown window as FILE.png, FILE-1.png…; FALSE (nothing saved)
 * until all of them can be drawn. */
static gboolean
vsd_shot(VsdSelfTest *t, const char *file)
{
    g_autoptr(GListModel) tops = g_object_ref(gtk_window_get_toplevels());
    g_autoptr(GPtrArray) textures = g_ptr_array_new_with_free_func(g_object_unref);
    g_autoptr(GPtrArray) names = g_ptr_array_new();

    for (guint i = 0; i < g_list_model_get_n_items(tops); i++) {
        g_autoptr(GtkWidget) top = g_list_model_get_item(tops, i);
        GdkTexture *tex;

        if (!gtk_widget_get_mapped(top))
            continue;
        if (!(tex = vsd_render(top)))
            return FALSE;
        g_ptr_array_add(textures, tex);
        g_ptr_array_add(names, (gpointer)gtk_widget_get_name(top));
    }
    if (textures->len == 0)
        return FALSE;
    for (guint n = 0; n < textures->len; n++) {
        g_autofree char *path = n ? g_strdup_printf("%s/%s-%u.png", t->shot_dir, file, n)
                                  : g_strdup_printf("%s/%s.png", t->shot_dir, file);
        if (!gdk_texture_save_to_png(textures->pdata[n], path))
            vsd_test_exit(t, 1, "cannot write %s", path);
        /* Flushed: the test waits for this line to act on the screen. */
        printf("self-test: screenshot %s (%s)\n", path, (const char *)names->pdata[n]);
        fflush(stdout);
    }
    return TRUE;
}

/* Is the current line "wait-error …" (an error dialog is expected)? */
static gboolean
vsd_error_expected(VsdSelfTest *t)
{
    char *line = t->lines[t->next];

    return line && g_str_has_prefix(g_strstrip(line), "wait-error ");
}

/* An error dialog ends the test: the operation failed (unless expected). */
static void
vsd_check_errors(VsdSelfTest *t)
{
    GtkWidget *d = vsd_find("error-dialog");

    if (d && !vsd_error_expected(t)) {
        for (int i = 0; i < 20 && !vsd_shot(t, "error"); i++)
            g_main_context_iteration(NULL, TRUE);
        vsd_test_exit(t, 1, "FAIL at line %u: error shown: %s", t->next,
                      (const char *)g_object_get_data(G_OBJECT(d), "vsd-error-text"));
    }
}

/* Is the condition of a wait-like command met?  (Non-wait commands: TRUE.) */
static gboolean
vsd_ready(VsdSelfTest *t, const char *cmd, char **args)
{
    GtkWidget *w;
    g_autofree char *text = NULL;

    if (g_str_equal(cmd, "shot"))
        return vsd_shot(t, args[0]);
    if (g_str_equal(cmd, "wait-idle"))
        return vsd_window_is_idle(t->win);
    if (g_str_equal(cmd, "wait-file"))
        return g_file_test(args[0], G_FILE_TEST_EXISTS);
    if (g_str_equal(cmd, "wait-gone"))
        return !vsd_find(args[0]);
    if (g_str_equal(cmd, "wait-error"))
        return (w = vsd_find("error-dialog")) &&
               strstr(g_object_get_data(G_OBJECT(w), "vsd-error-text"), args[0]);
    if (g_str_equal(cmd, "stall-max"))
        return TRUE;
    if (!g_str_equal(cmd, "wait") && !g_str_equal(cmd, "wait-text") &&
        !g_str_equal(cmd, "click") && !g_str_equal(cmd, "set") &&
        !g_str_equal(cmd, "select") && !g_str_equal(cmd, "check") &&
        !g_str_equal(cmd, "respond"))
        return TRUE;
    if (!(w = vsd_find(args[0])) || !gtk_widget_is_sensitive(w))
        return FALSE;
    if (!g_str_equal(cmd, "wait-text"))
        return TRUE;
    text = vsd_text_under(w);
    return strstr(text, args[1]) != NULL;
}

/* The button of the message dialog @w that answers @id (the dialog makes
 * its buttons itself: found by their label). */
static GtkWidget *
vsd_response_button(VsdSelfTest *t, GtkWidget *w, const char *id)
{
    GtkWidget *b = NULL;

    if (ADW_IS_MESSAGE_DIALOG(w) && adw_message_dialog_has_response(ADW_MESSAGE_DIALOG(w), id))
        b = vsd_find_under(w, vsd_button_labelled,
                           adw_message_dialog_get_response_label(ADW_MESSAGE_DIALOG(w), id));
    if (!b)
        vsd_test_exit(t, 1, "FAIL at line %u: no response '%s' in %s", t->next, id,
                      gtk_widget_get_name(w));
    return b;
}

static void
vsd_act(VsdSelfTest *t, const char *cmd, char **args)
{
    GtkWidget *w = args[0] ? vsd_find(args[0]) : NULL;

    /* "clicked" is what a mouse click emits; activating a GtkButton would
     * only emit it after its pressed-look animation. */
    if (g_str_equal(cmd, "click") && GTK_IS_BUTTON(w))
        g_signal_emit_by_name(w, "clicked");
    else if (g_str_equal(cmd, "click"))
        gtk_widget_activate(w);
    else if (g_str_equal(cmd, "set"))
        gtk_editable_set_text(GTK_EDITABLE(w), args[1]);
    else if (g_str_equal(cmd, "select") && ADW_IS_COMBO_ROW(w))
        adw_combo_row_set_selected(ADW_COMBO_ROW(w), (guint)atoi(args[1]));
    else if (g_str_equal(cmd, "select"))
        gtk_drop_down_set_selected(GTK_DROP_DOWN(w), (guint)atoi(args[1]));
    else if (g_str_equal(cmd, "check") && GTK_IS_SWITCH(w))
        gtk_switch_set_active(GTK_SWITCH(w), g_str_equal(args[1], "on"));
    else if (g_str_equal(cmd, "check"))
        gtk_check_button_set_active(GTK_CHECK_BUTTON(w), g_str_equal(args[1], "on"));
    else if (g_str_equal(cmd, "respond"))
        g_signal_emit_by_name(vsd_response_button(t, w, args[1]), "clicked");
    else if (g_str_equal(cmd, "action") && g_str_has_prefix(args[0], "app."))
        /* What its menu item or shortcut does. */
        g_action_group_activate_action(G_ACTION_GROUP(gtk_window_get_application(GTK_WINDOW(t->win))),
                                       args[0] + strlen("app."), NULL);
    else if (g_str_equal(cmd, "action") &&
             !gtk_widget_activate_action(GTK_WIDGET(t->win), args[0], NULL))
        vsd_test_exit(t, 1, "FAIL at line %u: no action %s", t->next, args[0]);
    else if (g_str_equal(cmd, "wait-error"))
        /* Expected: close it as a person would. */
        gtk_window_destroy(GTK_WINDOW(vsd_find("error-dialog")));
    else if (g_str_equal(cmd, "stall-max")) {
        gint64 max = g_ascii_strtoll(args[0], NULL, 10) * G_USEC_PER_SEC;
        if (t->max_stall > max)
            vsd_test_exit(t, 1, "FAIL at line %u: the main loop stalled for %.1f s (at most %s s)",
                          t->next, t->max_stall / 1e6, args[0]);
        printf("self-test: longest stall %.2f s\n", t->max_stall / 1e6);
        fflush(stdout);
        t->max_stall = 0;
    } else if (g_str_equal(cmd, "timeout"))
        t->timeout_us = g_ascii_strtoll(args[0], NULL, 10) * G_USEC_PER_SEC;
    else if (g_str_equal(cmd, "quit"))
        vsd_test_exit(t, 0, "PASS: all %u lines done", t->next);
}

static guint
vsd_arity(const char *cmd)
{
    static const struct { const char *cmd; guint args; } table[] = {
        { "timeout", 1 }, { "wait", 1 }, { "wait-gone", 1 }, { "wait-text", 2 },
        { "wait-idle", 0 }, { "wait-file", 1 }, { "click", 1 }, { "set", 2 }, { "select", 2 }, { "check", 2 },
        { "shot", 1 }, { "quit", 0 }, { "wait-error", 1 }, { "stall-max", 1 },
        { "respond", 2 }, { "action", 1 },
    };

    for (guint i = 0; i < G_N_ELEMENTS(table); i++)
        if (g_str_equal(table[i].cmd, cmd))
            return table[i].args;
    return G_MAXUINT;
}

/* One step: returns FALSE to be called again (the current line waits). */
static gboolean
vsd_step(VsdSelfTest *t)
{
    const char *line = g_strstrip(t->lines[t->next]);
    g_auto(GStrv) parts = NULL;
    guint n;

    if (!*line || *line == '#') {
        t->next++;
        return TRUE;
    }
    /* The last argument takes the rest of the line (texts have spaces). */
    parts = g_strsplit(line, " ", 3);
    n = g_strv_length(parts) - 1;
    if (vsd_arity(parts[0]) != n)
        vsd_test_exit(t, 2, "line %u: cannot parse '%s'", t->next + 1, line);
    if (!t->deadline)
        t->deadline = g_get_monotonic_time() + t->timeout_us;
    if (!vsd_ready(t, parts[0], parts + 1)) {
        if (g_get_monotonic_time() < t->deadline)
            return FALSE;
        g_autoptr(GListModel) tops = g_object_ref(gtk_window_get_toplevels());
        g_autoptr(GtkWidget) top = g_list_model_get_item(tops, 0);
        g_autofree char *shown = top ? vsd_text_under(top) : NULL;
        vsd_shot(t, "timeout");
        vsd_test_exit(t, 1, "FAIL at line %u (%s): timed out; shown:\n%s", t->next + 1, line,
                      shown ? shown : "");
    }
    printf("self-test: %s\n", line);
    fflush(stdout);
    t->deadline = 0;
    t->next++;
    vsd_act(t, parts[0], parts + 1);
    return TRUE;
}

static gboolean
vsd_tick(gpointer data)
{
    VsdSelfTest *t = data;
    gint64 now = g_get_monotonic_time();

    /* A blocking call in the main context shows as a long gap here. */
    if (t->last_tick && now - t->last_tick > t->max_stall)
        t->max_stall = now - t->last_tick;
    t->last_tick = now;
    vsd_check_errors(t);
    while (t->lines[t->next] && vsd_step(t))
        vsd_check_errors(t);
    if (!t->lines[t->next])
        vsd_test_exit(t, 2, "the script ended without 'quit'");
    return G_SOURCE_CONTINUE;
}

void
vsd_self_test_start(VsdWindow *win, const char *script_path, const char *shot_dir)
{
    VsdSelfTest *t = g_new0(VsdSelfTest, 1);
    g_autofree char *text = NULL;
    g_autoptr(GError) error = NULL;

    if (!g_file_get_contents(script_path, &text, NULL, &error))
        vsd_test_exit(t, 2, "%s", error->message);
    t->win = win;
    t->lines = g_strsplit(text, "\n", -1);
    t->shot_dir = g_strdup(shot_dir ? shot_dir : ".");
    t->timeout_us = 120 * G_USEC_PER_SEC;
    g_timeout_add(VSD_POLL_MS, vsd_tick, t);
}
