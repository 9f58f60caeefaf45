/* vsd-main.c: virt-share-desktop, the GTK 4 / libadwaita companion of virt-manager. */
#include <config.h>

#include <locale.h>
#include <stdio.h>

#include "vs-conn.h"
#include "vs-i18n.h"
#include "vsd-conns.h"
#include "vsd-events.h"
#include "vsd-window.h"

#define VSD_APP_ID "org.virtshare.VirtShare"
#define VSD_HOMEPAGE "https://example.invalid/virt-share"

typedef struct {
    char **connect;             /* --connect, repeatable */
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

static void
vsd_on_about(GSimpleAction *action, GVariant *param, gpointer data)
{
    GtkWidget *about = adw_about_window_new();

    gtk_widget_set_name(about, "about-window");
    gtk_window_set_transient_for(GTK_WINDOW(about),
                                 gtk_application_get_active_window(GTK_APPLICATION(data)));
    gtk_window_set_modal(GTK_WINDOW(about), TRUE);
    adw_about_window_set_application_name(ADW_ABOUT_WINDOW(about), _("Shared Folders for VMs"));
    adw_about_window_set_application_icon(ADW_ABOUT_WINDOW(about), VSD_APP_ID);
    adw_about_window_set_version(ADW_ABOUT_WINDOW(about), PACKAGE_VERSION);
    adw_about_window_set_developer_name(ADW_ABOUT_WINDOW(about), _("The virt-share authors"));
    adw_about_window_set_comments(ADW_ABOUT_WINDOW(about),
        _("Share folders of this computer with libvirt virtual machines and mount them in the "
          "guest, next to virt-manager."));
    adw_about_window_set_license_type(ADW_ABOUT_WINDOW(about), GTK_LICENSE_GPL_2_0);
    adw_about_window_set_website(ADW_ABOUT_WINDOW(about), VSD_HOMEPAGE);
    adw_about_window_set_issue_url(ADW_ABOUT_WINDOW(about), VSD_HOMEPAGE "/issues");
    /* TRANSLATORS: your name and e-mail address, one translator a line */
    adw_about_window_set_translator_credits(ADW_ABOUT_WINDOW(about), _("translator-credits"));
    gtk_window_present(GTK_WINDOW(about));
}

/* The manual page, where the desktop opens man: links (GNOME's Help does). */
static void
vsd_on_help(GSimpleAction *action, GVariant *param, gpointer data)
{
    GtkWindow *parent = gtk_application_get_active_window(GTK_APPLICATION(data));

#if GTK_CHECK_VERSION(4, 10, 0)
    g_autoptr(GtkUriLauncher) launcher = gtk_uri_launcher_new("man:virt-share-desktop");

    gtk_uri_launcher_launch(launcher, parent, NULL, NULL, NULL);
#else
    gtk_show_uri(parent, "man:virt-share-desktop", GDK_CURRENT_TIME);
#endif
}

static void
vsd_on_quit(GSimpleAction *action, GVariant *param, gpointer data)
{
    GList *windows = gtk_application_get_windows(GTK_APPLICATION(data));

    /* Through the windows: an operation that runs holds the application. */
    while (windows) {
        GtkWindow *w = windows->data;
        windows = windows->next;
        gtk_window_destroy(w);
    }
}

static const GActionEntry vsd_app_actions[] = {
    { "about", vsd_on_about, NULL, NULL, NULL, { 0 } },
    { "help", vsd_on_help, NULL, NULL, NULL, { 0 } },
    { "quit", vsd_on_quit, NULL, NULL, NULL, { 0 } },
};

static void
vsd_startup(GtkApplication *app, gpointer data)
{
    static const struct {
        const char *action;
        const char *accels[3];
    } accels[] = {
        { "app.quit", { "<Control>q", NULL } },
        { "app.help", { "F1", NULL } },
        { "win.refresh", { "<Control>r", "F5", NULL } },
        { "win.show-help-overlay", { "<Control>question", NULL } },
        { "window.close", { "<Control>w", NULL } },
    };

    g_action_map_add_action_entries(G_ACTION_MAP(app), vsd_app_actions,
                                    G_N_ELEMENTS(vsd_app_actions), app);
    for (guint i = 0; i < G_N_ELEMENTS(accels); i++)
        gtk_application_set_accels_for_action(app, accels[i].action, accels[i].accels);
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
    uris = vsd_connection_uris((const char *const *)opts->connect);
    win = vsd_window_new(app, (const char *const *)uris);
    gtk_window_present(GTK_WINDOW(win));
}

int
main(int argc, char **argv)
{
    VsdOptions opts = { 0 };
    const GOptionEntry entries[] = {
        { "connect", 'c', 0, G_OPTION_ARG_STRING_ARRAY, &opts.connect,
          N_("Show this libvirt connection (may be repeated; default: virt-manager's "
             "connections, the default one, qemu:///session and qemu:///system)"), N_("URI") },
        { "print-connections", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE,
          &opts.print_connections, "Print the connections to show and exit (tests)", NULL },
        { NULL }
    };
    g_autoptr(AdwApplication) app = NULL;
    int status;

    const char *localedir = g_getenv("VIRT_SHARE_LOCALEDIR");

    setlocale(LC_ALL, "");
    /* The tests run the uninstalled program with the catalogues they build
     * (as the command line program does). */
    bindtextdomain(GETTEXT_PACKAGE, localedir && *localedir ? localedir : LOCALEDIR);
    bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");
    textdomain(GETTEXT_PACKAGE);
    g_set_application_name(_("Shared Folders"));
    /* The icon installed under hicolor by the application's id. */
    gtk_window_set_default_icon_name(VSD_APP_ID);
    /* Before any connection: events need libvirt's event loop registered. */
    vsd_events_start();

    /* Non-unique: a second window is cheap and no session bus is needed. */
    app = adw_application_new(VSD_APP_ID, G_APPLICATION_NON_UNIQUE);
    g_application_add_main_option_entries(G_APPLICATION(app), entries);
    g_application_set_option_context_summary(G_APPLICATION(app),
        _("Share host folders with libvirt virtual machines and mount them in the guest."));
    g_signal_connect(app, "handle-local-options", G_CALLBACK(vsd_handle_local_options), &opts);
    g_signal_connect(app, "startup", G_CALLBACK(vsd_startup), NULL);
    g_signal_connect(app, "activate", G_CALLBACK(vsd_activate), &opts);
    status = g_application_run(G_APPLICATION(app), argc, argv);
    g_strfreev(opts.connect);
    return status;
}
