/* vsd-rows.c: one group per VM: its state, its shares and their states, the actions. */
#include <config.h>

#include <adwaita.h>

#include "vs-i18n.h"
#include "vsd-rows.h"
#include "vsd-widgets.h"

char *
vsd_agent_hint(const char *install)
{
    /* The command for the VM's own distribution where the core can tell it
     * (the system virt-install recorded), else the two most common. */
    if (install)
        return g_strdup_printf(_("Folders cannot be mounted in this VM, nor their state "
                                 "shown, until qemu-guest-agent is installed and running in "
                                 "it: “%s” in the VM, then restart the VM."), install);
    return g_strdup(_("Folders cannot be mounted in this VM, nor their state shown, until "
                      "qemu-guest-agent is installed and running in it: for example "
                      "“apt install qemu-guest-agent” (Debian, Ubuntu) or "
                      "“dnf install qemu-guest-agent” (Fedora, RHEL), then restart the VM."));
}

char *
vsd_share_kind(VsDriver driver, VsMode mode, gboolean readonly)
{
    static const char *const how[VS_MODE_LAST] = {
        [VS_MODE_PASSTHROUGH] = N_("keeps the VM's owners"),
        [VS_MODE_MAPPED] = N_("owners stored separately"),
        [VS_MODE_SQUASH] = N_("one owner for all files"),
    };

    return g_strdup_printf("%s%s%s%s", vs_driver_to_string(driver), how[mode] ? ", " : "",
                           how[mode] ? _(how[mode]) : "", readonly ? _(", read-only") : "");
}

/* A button that activates @action with the target (uri, domain, tag), named
 * "KIND:DOMAIN[:TAG]" (as GTK's inspector shows it). */
static GtkWidget *
vsd_button(const char *label, const char *kind, const char *action, const char *uri,
           const char *domain, const char *tag)
{
    GtkWidget *b = gtk_button_new_with_mnemonic(label);
    g_autofree char *name = tag ? g_strdup_printf("%s:%s:%s", kind, domain, tag)
                                : g_strdup_printf("%s:%s", kind, domain);

    gtk_widget_set_name(b, name);
    gtk_widget_set_valign(b, GTK_ALIGN_CENTER);
    gtk_actionable_set_action_name(GTK_ACTIONABLE(b), action);
    gtk_actionable_set_action_target(GTK_ACTIONABLE(b), "(sss)", uri, domain, tag ? tag : "");
    vsd_a11y_name(b, label);
    return b;
}

/* A state icon says what its row says in words, for screen readers too. */
static GtkWidget *
vsd_state_icon(const char *icon_name, const char *css, const char *label)
{
    GtkWidget *icon = gtk_image_new_from_icon_name(icon_name);

    if (css)
        gtk_widget_add_css_class(icon, css);
    gtk_widget_set_valign(icon, GTK_ALIGN_CENTER);
    gtk_accessible_update_property(GTK_ACCESSIBLE(icon), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
    gtk_widget_set_tooltip_text(icon, label);
    return icon;
}

/* What the row says about a share: the device and the guest, in words, and
 * the icon that goes with the most telling of them. */
static char *
vsd_share_state(const VsShareStatus *st, const char **icon, const char **css)
{
    const char *device = NULL, *guest = NULL;
    g_autofree char *mounted = NULL;

    *icon = "emblem-ok-symbolic";
    *css = "success";
    switch (st->device) {
    case VS_DEVICE_DEFINED:
        device = _("Shared; the VM is shut off");
        *icon = "system-shutdown-symbolic";
        *css = "dim-label";
        break;
    case VS_DEVICE_PENDING_RESTART:
        device = _("Pending restart: the VM sees it after a restart");
        *icon = "view-refresh-symbolic";
        *css = "warning";
        break;
    case VS_DEVICE_PENDING_STOP:
        device = _("Removed; gone when the VM stops");
        *icon = "user-trash-symbolic";
        *css = "warning";
        break;
    default:
        break;
    }
    switch (st->guest) {
    case VS_GUEST_MOUNTED:
        guest = mounted = g_strdup_printf(_("Mounted in the guest at %s"), st->mount_point);
        break;
    case VS_GUEST_NOT_MOUNTED:
        guest = _("Not mounted in the guest");
        if (st->device == VS_DEVICE_ATTACHED) {
            *icon = "dialog-warning-symbolic";
            *css = "warning";
        }
        break;
    case VS_GUEST_UNKNOWN:
        guest = _("Mount state in the guest unknown");
        if (st->device == VS_DEVICE_ATTACHED) {
            *icon = "dialog-question-symbolic";
            *css = "dim-label";
        }
        break;
    default:
        break;
    }
    if (device && guest)
        return g_strdup_printf("%s · %s", device, guest);
    return g_strdup(device ? device : guest ? guest : _("Attached to the running VM"));
}

static GtkWidget *
vsd_share_row(const char *uri, const VsdDomain *d, const VsShareStatus *st)
{
    const VsShare *s = st->share;
    GtkWidget *row = adw_action_row_new();
    g_autofree char *name = g_strdup_printf("row:%s:%s", d->name, s->tag);
    g_autofree char *title = g_strdup_printf("%s → %s", s->source,
                                             s->target ? s->target : _("(no mount point)"));
    g_autofree char *kind = vsd_share_kind(s->driver, s->mode, s->readonly);
    const char *icon, *css;
    g_autofree char *state = vsd_share_state(st, &icon, &css);
    g_autofree char *subtitle = g_strdup_printf("%s\n%s", state, kind);
    GtkWidget *b;

    gtk_widget_set_name(row, name);
    /* Plain text, never markup: folder names may hold '<' or '&'. */
    adw_preferences_row_set_use_markup(ADW_PREFERENCES_ROW(row), FALSE);
    adw_preferences_row_set_title(ADW_PREFERENCES_ROW(row), title);
    adw_action_row_set_subtitle(ADW_ACTION_ROW(row), subtitle);
    adw_action_row_set_title_lines(ADW_ACTION_ROW(row), 2);
    adw_action_row_add_prefix(ADW_ACTION_ROW(row), vsd_state_icon(icon, css, state));
    /* The mark 'virt-share umount' leaves; a share on its way out is never
     * mounted again, so the mark means nothing there. */
    if (s->target && s->no_automount && st->device != VS_DEVICE_PENDING_STOP) {
        GtkWidget *mark = gtk_label_new(_("Not mounted automatically (unmounted by hand)"));
        g_autofree char *mark_name = g_strdup_printf("automount:%s:%s", d->name, s->tag);

        gtk_widget_set_name(mark, mark_name);
        gtk_widget_add_css_class(mark, "dim-label");
        gtk_widget_add_css_class(mark, "caption");
        gtk_label_set_wrap(GTK_LABEL(mark), TRUE);
        gtk_label_set_max_width_chars(GTK_LABEL(mark), 18);
        gtk_widget_set_tooltip_text(mark, _("This folder was unmounted by hand, so it is not "
                                            "mounted again when the VM starts. Mount mounts it "
                                            "and turns automatic mounting back on."));
        adw_action_row_add_suffix(ADW_ACTION_ROW(row), mark);
    }
    if (vs_status_wants_mount(st))
        b = vsd_button(_("_Mount"), "mount", "win.mount", uri, d->name, s->tag);
    else if (st->guest == VS_GUEST_MOUNTED)
        b = vsd_button(_("_Unmount"), "umount", "win.umount", uri, d->name, s->tag);
    else
        b = NULL;
    if (b)
        adw_action_row_add_suffix(ADW_ACTION_ROW(row), b);
    if (vs_status_can_remove(st)) {
        g_autofree char *what = g_strdup_printf(_("Stop sharing %s"), s->source);

        b = vsd_button(_("_Remove…"), "remove", "win.remove", uri, d->name, s->tag);
        gtk_widget_set_tooltip_text(b, what);
        adw_action_row_add_suffix(ADW_ACTION_ROW(row), b);
    }
    return row;
}

static GtkWidget *
vsd_domain_header(const char *uri, const VsdDomain *d)
{
    GtkWidget *box = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 6);
    const char *text = d->paused ? _("paused") : d->running ? _("running") : _("shut off");
    GtkWidget *state = gtk_label_new(text);
    GtkWidget *icon = vsd_state_icon(d->paused ? "media-playback-pause-symbolic" :
                                     d->running ? "media-playback-start-symbolic" :
                                     "system-shutdown-symbolic", "dim-label", text);
    GtkWidget *share = vsd_button(_("_Share a Folder…"), "share", "win.share", uri, d->name, NULL);
    GtkWidget *doctor = vsd_button(_("_Check…"), "doctor", "win.check", uri, d->name, NULL);
    g_autofree char *state_name = g_strdup_printf("vm-state:%s", d->name);

    gtk_widget_set_name(state, state_name);
    gtk_widget_add_css_class(state, "dim-label");
    gtk_widget_set_valign(state, GTK_ALIGN_CENTER);
    gtk_widget_set_margin_end(state, 12);
    gtk_widget_set_halign(box, GTK_ALIGN_END);
    gtk_widget_set_tooltip_text(doctor, _("Check whether the VM can use its shared folders"));
    gtk_box_append(GTK_BOX(box), icon);
    gtk_box_append(GTK_BOX(box), state);
    if (vs_status_restart_pending(d->shares, d->running)) {
        GtkWidget *restart = vsd_button(_("_Restart VM…"), "restart", "win.restart", uri,
                                        d->name, NULL);
        gtk_widget_set_tooltip_text(restart, _("Shut the VM down and start it again, so that "
                                               "the shares pending a restart appear"));
        gtk_box_append(GTK_BOX(box), restart);
    }
    gtk_box_append(GTK_BOX(box), share);
    gtk_box_append(GTK_BOX(box), doctor);
    return box;
}

/* Without an agent the guest side is unknown: say what to install, not
 * libvirt's words (those stay in the tooltip, for a bug report). */
static GtkWidget *
vsd_agent_row(const VsdDomain *d)
{
    GtkWidget *row = adw_action_row_new();
    g_autofree char *name = g_strdup_printf("agent:%s", d->name);

    gtk_widget_set_name(row, name);
    adw_preferences_row_set_use_markup(ADW_PREFERENCES_ROW(row), FALSE);
    adw_preferences_row_set_title(ADW_PREFERENCES_ROW(row), _("The guest agent does not answer"));
    g_autofree char *hint = vsd_agent_hint(d->agent_install);

    adw_action_row_set_subtitle(ADW_ACTION_ROW(row), hint);
    adw_action_row_add_prefix(ADW_ACTION_ROW(row),
                              vsd_state_icon("dialog-warning-symbolic", "warning",
                                             _("The guest agent does not answer")));
    gtk_widget_set_tooltip_text(row, d->agent_error);
    return row;
}

static GtkWidget *
vsd_domain_group(const char *uri, const VsdDomain *d)
{
    GtkWidget *group = adw_preferences_group_new();
    g_autofree char *name = g_strdup_printf("vm:%s", d->name);
    g_autofree char *title = g_markup_escape_text(d->name, -1);

    gtk_widget_set_name(group, name);
    adw_preferences_group_set_title(ADW_PREFERENCES_GROUP(group), title);
    adw_preferences_group_set_header_suffix(ADW_PREFERENCES_GROUP(group), vsd_domain_header(uri, d));
    if (d->running && d->agent_error)
        adw_preferences_group_add(ADW_PREFERENCES_GROUP(group), vsd_agent_row(d));
    if (d->shares->len == 0) {
        GtkWidget *row = adw_action_row_new();
        g_autofree char *empty_name = g_strdup_printf("no-shares:%s", d->name);

        gtk_widget_set_name(row, empty_name);
        adw_preferences_row_set_title(ADW_PREFERENCES_ROW(row), _("No shared folders"));
        adw_action_row_set_subtitle(ADW_ACTION_ROW(row),
                                    _("Share a Folder… makes a folder of this computer "
                                      "appear in the VM."));
        gtk_widget_add_css_class(row, "dim-label");
        adw_preferences_group_add(ADW_PREFERENCES_GROUP(group), row);
    }
    for (guint i = 0; i < d->shares->len; i++)
        adw_preferences_group_add(ADW_PREFERENCES_GROUP(group),
                                  vsd_share_row(uri, d, g_ptr_array_index(d->shares, i)));
    return group;
}

void
vsd_rows_fill(GtkWidget *box, const char *uri, const VsdSnapshot *snap)
{
    GtkWidget *child;

    while ((child = gtk_widget_get_first_child(box)))
        gtk_box_remove(GTK_BOX(box), child);
    for (guint i = 0; snap && i < snap->domains->len; i++)
        gtk_box_append(GTK_BOX(box), vsd_domain_group(uri, g_ptr_array_index(snap->domains, i)));
}
