/* virt-share-hook: libvirt QEMU hook, installed as /etc/libvirt/hooks/qemu.d/virt-share.
 *
 * libvirt runs it as "virt-share DOMAIN OPERATION SUB-OPERATION EXTRA" with
 * the domain XML on stdin.  On "prepare begin" it checks the host side of
 * every shared folder: a missing source folder refuses the start (exit 1,
 * the reason on stderr, which libvirt puts in its error and log); permission
 * problems that 'virt-share doctor' would report are printed as warnings.
 * A hook must never call libvirt (the daemon waits for it): mounting after
 * boot is the job of 'virt-share watch'. */
#include <config.h>

#include <locale.h>
#include <stdio.h>
#include <sys/stat.h>

#include "vs-domxml.h"
#include "vs-i18n.h"
#include "vs-identity.h"
#include "vs-perm.h"
#include "vs-xml.h"

int
main(int argc, char **argv)
{
    g_autoptr(GString) xml = g_string_new(NULL);
    g_autoptr(xmlDoc) doc = NULL;
    g_autoptr(GPtrArray) shares = NULL;
    g_autoptr(GError) error = NULL;
    g_auto(VsIdentity) id = { 0 };
    gboolean have_id;
    char buf[65536];
    size_t n;
    int missing = 0;

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

    while ((n = fread(buf, 1, sizeof(buf), stdin)) > 0)
        g_string_append_len(xml, buf, (gssize)n);
    if (!(doc = vs_xml_parse(xml->str, "stdin", &error))) {
        fprintf(stderr, "virt-share: %s\n", error->message);
        return 0;   /* not ours to judge */
    }
    shares = vs_domxml_shares(doc);
    have_id = vs_identity_from_docs(doc, doc, FALSE, NULL, &id, NULL);

    for (guint i = 0; i < shares->len; i++) {
        VsShare *share = g_ptr_array_index(shares, i);
        g_autoptr(GPtrArray) findings = NULL;
        struct stat st;

        if (stat(share->source, &st) < 0 || !S_ISDIR(st.st_mode)) {
            fprintf(stderr, _("virt-share: domain '%s': the shared folder %s (tag %s) is "
                              "missing on the host; refusing to start\n"),
                    argv[1], share->source, share->tag);
            missing++;
            continue;
        }
        if (!have_id)
            continue;
        findings = g_ptr_array_new_with_free_func((GDestroyNotify)vs_finding_free);
        if (!vs_perm_check(share, &id, findings)) {
            g_autofree char *text = vs_perm_errors_text(findings);
            fprintf(stderr, _("virt-share: warning: domain '%s', share %s:%s\n"), argv[1],
                    share->tag, text);
        }
    }
    return missing ? 1 : 0;
}
