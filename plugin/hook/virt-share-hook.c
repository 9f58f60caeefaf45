/* virt-share-hook: libvirt QEMU hook, installed as /etc/libvirt/hooks/qemu.d/virt-share.
 *
 * libvirt runs it as root, as "virt-share DOMAIN OPERATION SUB-OPERATION
 * EXTRA" with the domain XML on stdin, and waits for it.  On "prepare begin"
 * it checks the host side of every shared folder (vs-hostcheck.h): a missing
 * folder, or one the host path policy refuses (also a share added by hand, or
 * before the policy changed), refuses the start (exit 1, the reason on
 * stderr, which libvirt puts in its error and log); permission problems that
 * 'virt-share doctor' would report are printed as warnings.  It only reads,
 * and each share gets at most [hook] check-timeout seconds: a folder on a
 * hung NFS or FUSE mount is reported as not checked and refuses the start
 * (fail closed) instead of holding it.  A share whose guest writes land as
 * root or as QEMU's user (vs-harden.h) needs its folder mounted
 * nosuid,nodev: when it is not (after a host reboot before the fstab line
 * was mounted, an umount by hand), the hook mounts it again if virt-share's
 * line for it is in the host's fstab, else refuses the start, unless add
 * --allow-setuid was recorded for the share or setuid-shares=allow is
 * configured.  A hook must never call libvirt (the daemon waits for it), so
 * it links only the base library, libvsbase.a, and not libvirt
 * (tests/hook-libs.sh): mounting after boot is the job of 'virt-share watch'. */
#include <config.h>

#include <locale.h>
#include <stdio.h>
#include <unistd.h>

#include "vs-config.h"
#include "vs-domxml.h"
#include "vs-harden.h"
#include "vs-hostcheck.h"
#include "vs-i18n.h"
#include "vs-identity.h"
#include "vs-text.h"
#include "vs-xml.h"

/* A domain definition is a few KiB; far more is not one. */
#define VS_HOOK_MAX_XML (16 * 1024 * 1024)

static GString *
vs_hook_read_stdin(void)
{
    GString *xml = g_string_new(NULL);
    char buf[65536];
    size_t n;

    while ((n = fread(buf, 1, sizeof(buf), stdin)) > 0 && xml->len <= VS_HOOK_MAX_XML)
        g_string_append_len(xml, buf, (gssize)n);
    return xml;
}

/* Should the check ask whether @share's folder is nosuid,nodev? */
static gboolean
vs_hook_wants_protected(const VsShare *share, GHashTable *records, const VsConfig *cfg,
                        const VsIdentity *id)
{
    /* libvirt runs a system daemon's hooks as root, a session daemon's as
     * its user (whose guests write as that user). */
    VsHardenUri kind = geteuid() == 0 ? VS_HARDEN_URI_SYSTEM : VS_HARDEN_URI_SESSION;
    const VsMountRecord *rec = g_hash_table_lookup(records, share->tag);

    /* QEMU's user unknown: counted as root, as add does. */
    if (!vs_harden_needed(vs_harden_need(share->driver, share->mode, share->readonly, kind,
                                         id ? id->uid : 0)))
        return FALSE;
    return cfg->setuid_shares != VS_SETUID_SHARES_ALLOW && !(rec && rec->allow_setuid);
}

/* The folder of @share is not nosuid,nodev: mount it again from virt-share's
 * fstab line, or refuse.  Returns TRUE when the start may go on. */
static gboolean
vs_hook_protect(const char *name, const char *domain, const VsShare *share)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *fix = NULL;
    g_autofree char *dom_arg = NULL;
    gboolean ours = FALSE;

    if (!vs_harden_fstab_file_has(NULL, share->source, &ours, &error)) {
        fprintf(stderr, _("virt-share: domain '%s': share %s: %s; refusing to start\n"), name,
                share->tag, error->message);
        return FALSE;
    }
    if (ours) {
        if (vs_harden_mount(share->source, &error)) {
            fprintf(stderr, _("virt-share: domain '%s': mounted %s again with nosuid,nodev "
                              "(its line in %s)\n"), name, share->source,
                    vs_harden_fstab_path());
            return TRUE;
        }
        fprintf(stderr, _("virt-share: domain '%s': share %s: %s; refusing to start\n"), name,
                share->tag, error->message);
        return FALSE;
    }
    fix = vs_harden_fix_commands(share->source);
    dom_arg = vs_harden_quote(domain);
    fprintf(stderr, _("virt-share: domain '%s': share %s: the mount of %s allows setuid "
                      "programs and device files, and what the guest's root creates there "
                      "belongs to root or QEMU's user on the host; refusing to start. Run: "
                      "virt-share doctor %s --fix; or by hand: %s\n"),
            name, share->tag, share->source, dom_arg, fix);
    return FALSE;
}

/* Check every share; returns how many refuse the start. */
static guint
vs_hook_check_shares(const char *domain, xmlDoc *doc, GPtrArray *shares, const VsConfig *cfg,
                     const VsIdentity *id)
{
    g_autofree char *name = vs_text_sanitize(domain, -1);
    g_autoptr(GHashTable) records = vs_domxml_mount_records(doc);
    g_autofree VsHostCheck *results = g_new0(VsHostCheck, shares->len);
    guint refused = 0;

    for (guint i = 0; i < shares->len; i++) {
        VsShare *share = g_ptr_array_index(shares, i);
        g_autofree char *message = NULL;
        gboolean want = vs_hook_wants_protected(share, records, cfg, id);

        results[i] = vs_hostcheck_share(share, cfg, id, want, cfg->hook_timeout_s * 1000,
                                        &message);
        switch (results[i]) {
        case VS_HOST_CHECK_REFUSE:
        case VS_HOST_CHECK_TIMEOUT:
            /* not checked is not allowed: a folder that hangs its check may
             * be anything, and the start is the last point to stop it */
            fprintf(stderr, _("virt-share: domain '%s': %s; refusing to start\n"), name,
                    message);
            refused++;
            break;
        case VS_HOST_CHECK_UNPROTECTED:
        case VS_HOST_CHECK_OK:
        case VS_HOST_CHECK_LAST:
            if (message)
                fprintf(stderr, _("virt-share: warning: domain '%s', share %s:%s\n"), name,
                        share->tag, message);
            break;
        }
    }
    /* Mount only when nothing refuses: a refused start leaves the host as it was. */
    for (guint i = 0; i < shares->len && !refused; i++) {
        if (results[i] == VS_HOST_CHECK_UNPROTECTED &&
            !vs_hook_protect(name, domain, g_ptr_array_index(shares, i)))
            refused++;
    }
    return refused;
}

int
main(int argc, char **argv)
{
    g_autoptr(GString) xml = NULL;
    g_autoptr(xmlDoc) doc = NULL;
    g_autoptr(GPtrArray) shares = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(VsConfig) cfg = NULL;
    g_auto(VsIdentity) id = { 0 };
    gboolean have_id;

    setlocale(LC_ALL, "");
    bindtextdomain(GETTEXT_PACKAGE, LOCALEDIR);
    textdomain(GETTEXT_PACKAGE);

    if (argc < 3) {
        fprintf(stderr, _("usage: %s DOMAIN OPERATION [SUB-OPERATION [EXTRA]] < domain.xml\n"),
                argv[0]);
        return 2;
    }
    /* Only the start of a domain matters; everything else passes at once. */
    if (strcmp(argv[2], "prepare") != 0 || (argc > 3 && strcmp(argv[3], "begin") != 0))
        return 0;

    xml = vs_hook_read_stdin();
    if (!(doc = vs_xml_parse(xml->str, "stdin", &error))) {
        fprintf(stderr, "virt-share: %s\n", error->message);
        return 0;   /* not ours to judge */
    }
    shares = vs_domxml_shares(doc);
    if (shares->len == 0)
        return 0;
    /* A policy that cannot be read cannot allow anything. */
    if (!(cfg = vs_config_load(NULL, &error))) {
        g_autofree char *name = vs_text_sanitize(argv[1], -1);
        fprintf(stderr, _("virt-share: domain '%s': its shared folders cannot be checked: %s; "
                          "refusing to start\n"), name, error->message);
        return 1;
    }
    have_id = vs_identity_from_docs(doc, doc, FALSE, NULL, &id, NULL);
    return vs_hook_check_shares(argv[1], doc, shares, cfg, have_id ? &id : NULL) ? 1 : 0;
}
