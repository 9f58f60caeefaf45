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
 * (fail closed) instead of holding it.  A hook must never call libvirt (the daemon waits for it): mounting
 * after boot is the job of 'virt-share watch'. */
#include <config.h>

#include <locale.h>
#include <stdio.h>

#include "vs-config.h"
#include "vs-domxml.h"
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

/* Check every share; returns how many refuse the start. */
static guint
vs_hook_check_shares(const char *domain, GPtrArray *shares, const VsConfig *cfg,
                     const VsIdentity *id)
{
    g_autofree char *name = vs_text_sanitize(domain, -1);
    guint refused = 0;

    for (guint i = 0; i < shares->len; i++) {
        VsShare *share = g_ptr_array_index(shares, i);
        g_autofree char *message = NULL;

        switch (vs_host_check_share(share, cfg, id, cfg->hook_timeout_s * 1000, &message)) {
        case VS_HOST_CHECK_REFUSE:
        case VS_HOST_CHECK_TIMEOUT:
            /* not checked is not allowed: a folder that hangs its check may
             * be anything, and the start is the last point to stop it */
            fprintf(stderr, _("virt-share: domain '%s': %s; refusing to start\n"), name,
                    message);
            refused++;
            break;
        case VS_HOST_CHECK_OK:
            if (message)
                fprintf(stderr, _("virt-share: warning: domain '%s', share %s:%s\n"), name,
                        share->tag, message);
            break;
        }
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
    return vs_hook_check_shares(argv[1], shares, cfg, have_id ? &id : NULL) ? 1 : 0;
}
