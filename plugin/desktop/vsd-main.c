/* vsd-main.c: virt-share-desktop, the GTK 4 companion of virt-manager. */
#include <config.h>

#include <locale.h>
#include <stdio.h>

#include "vs-conn.h"
#include "vs-i18n.h"
#include "vsd-conns.h"
#include "vsd-events.h"
#include "vsd-selftest.h"
#include "vsd-window.h"

#define VSD_APP_ID "org.virtshare.VirtShare"

typedef struct {
    char **connect;             /* --connect, repeatable */
    char *self_test;
    char *shot_dir;
    gboolean print_connections;
} VsdOptions;

/* --print-connections (tests): the URIs the window would show, one a line
 * ("" for the default connection), without a display. */
static int
vsd_handle_local_options(GApplication *app, GVariantDict *dict, VsdOptions *opts)
{
    g_auto(GStrv) uris = NULL;

    if (!opts->print_connections)
        return -1;
    uris = vsd_connection_uris((const char *const *)opts->connect);
    for (guint i = 0; uris[i]; i++)
        printf("%s\n", uris[i]);
    return 0;
}

/* GTK's own theme colours only some widgets by these classes (an "error"
 * label, not an icon, nor a "success" or "warning" label): colour every
 * state badge and severity icon with the theme's named colours, the light
 * green and yellow mixed with the text colour to stay readable. */
static void
vsd_add_css(void)
{
    static const char css[] =
        ".error { color: @error_color; }\n"
        ".warning { color: mix(@warning_color, @theme_fg_color, 0.45); }\n"
        ".success { color: mix(@success_color, @theme_fg_color, 0.4); }\n";
    g_autoptr(GtkCssProvider) provider = gtk_css_provider_new();

    gtk_css_provider_load_from_data(provider, css, -1);
    gtk_style_context_add_provider_for_display(gdk_display_get_default(),
                                               GTK_STYLE_PROVIDER(provider),
                                               GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

static void
vsd_activate(GtkApplication *app, VsdOptions *opts)
{
    GList *windows = gtk_application_get_windows(app);
    g_auto(GStrv) uris = NULL;
    VsdWindow *win;

    if (windows) {
        gtk_window_present(windows->data);
        return;
    }
    vsd_add_css();
    uris = vsd_connection_uris((const char *const *)opts->connect);
    win = vsd_window_new(app, (const char *const *)uris);
    gtk_window_present(GTK_WINDOW(win));
    if (opts->self_test)
        vsd_self_test_start(win, opts->self_test, opts->shot_dir);
}

int
main(int argc, char **argv)
{
    VsdOptions opts = { 0 };
    const GOptionEntry entries[] = {
        { "connect", 'c', 0, G_OPTION_ARG_STRING_ARRAY, &opts.connect,
          N_("Show this libvirt connection (may be repeated; default: virt-manager's "
             "connections, the default one, qemu:///session and qemu:///system)"), N_("URI") },
        { "self-test", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_FILENAME, &opts.self_test,
          "Drive the window from a script (tests)", "SCRIPT" },
        { "screenshot-dir", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_FILENAME, &opts.shot_dir,
          "Where the self-test saves screenshots", "DIR" },
        { "print-connections", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE,
          &opts.print_connections, "Print the connections to show and exit (tests)", NULL },
        { NULL }
    };
    g_autoptr(GtkApplication) app = NULL;
    int status;

    setlocale(LC_ALL, "");
    bindtextdomain(GETTEXT_PACKAGE, LOCALEDIR);
    bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");
    textdomain(GETTEXT_PACKAGE);
    g_set_application_name(_("Shared Folders"));
    /* The icon installed under hicolor by the application's id. */
    gtk_window_set_default_icon_name(VSD_APP_ID);
    /* Before any connection: events need libvirt's event loop registered. */
    vsd_events_start();

    /* Non-unique: a second window is cheap and no session bus is needed. */
    app = gtk_application_new(VSD_APP_ID, G_APPLICATION_NON_UNIQUE);
    g_application_add_main_option_entries(G_APPLICATION(app), entries);
    g_application_set_option_context_summary(G_APPLICATION(app),
        _("Share host folders with libvirt virtual machines and mount them in the guest."));
    g_signal_connect(app, "handle-local-options", G_CALLBACK(vsd_handle_local_options), &opts);
    g_signal_connect(app, "activate", G_CALLBACK(vsd_activate), &opts);
    status = g_application_run(G_APPLICATION(app), argc, argv);
    g_strfreev(opts.connect);
    g_free(opts.self_test);
    g_free(opts.shot_dir);
    return status;
}
