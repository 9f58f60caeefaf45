/* cmd-watch.c: virt-share watch: keep shares mounted across guest reboots. */
#include <config.h>

#include <stdio.h>

#include "vs-cli.h"
#include "vs-i18n.h"
#include "vs-watch.h"

VS_CLI_COMMAND_DECLARE(watch);

const char vs_watch_description[] = N_(
    "Runs until stopped (SIGTERM or Ctrl-C). Whenever a guest agent connects,\n"
    "after every boot or reboot, mounts the shares of that domain that have a\n"
    "recorded mount point (added by virt-share, or mounted once with 'virt-share\n"
    "mount'), except those unmounted with 'virt-share umount'. At start, and after\n"
    "the libvirt daemon comes back from a restart, does the same for every running\n"
    "domain. plugin/systemd/virt-share-watch.service runs it under systemd.");

static void
vs_watch_print(const char *message, gpointer user_data)
{
    g_autoptr(GDateTime) now = g_date_time_new_now_local();
    g_autofree char *ts = g_date_time_format(now, "%H:%M:%S");

    printf("[%s] %s\n", ts, message);
    fflush(stdout);
}

gboolean
vs_cmd_watch(int argc, char **argv, GError **error)
{
    return vs_watch_run(vs_cli_global.uri, vs_watch_print, NULL, error);
}
