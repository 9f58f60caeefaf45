/* vs-caps.c: domain capabilities, asked for only when they can change the
 * plan, and cached. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "vs-caps.h"
#include "vs-conn.h"
#include "vs-domxml.h"
#include "vs-xml.h"

#define VS_CAPS_GROUP "virt-share-domcaps"
#define VS_CAPS_VERSION 1

guint
vs_caps_known_from_domain(xmlDoc *config_doc, xmlDoc *live_doc)
{
    xmlDoc *docs[] = { config_doc, live_doc };
    guint known = 0;

    for (guint i = 0; i < G_N_ELEMENTS(docs); i++) {
        g_autoptr(GPtrArray) shares = NULL;

        if (!docs[i])
            continue;
        shares = vs_domxml_shares(docs[i]);
        for (guint j = 0; j < shares->len; j++) {
            const VsShare *share = g_ptr_array_index(shares, j);
            known |= share->driver == VS_DRIVER_VIRTIOFS ? VS_CAP_VIRTIOFS : VS_CAP_9P;
        }
        if (vs_xml_find_one(docs[i], NULL, "/domain/memoryBacking/source[@type='memfd']"))
            known |= VS_CAP_MEMFD;
    }
    return known;
}

static gboolean
vs_caps_same_outcome(gboolean ok_a, const VsPlan *a, gboolean ok_b, const VsPlan *b)
{
    if (ok_a != ok_b)
        return FALSE;
    return !ok_a || (a->driver == b->driver && a->mode == b->mode && a->live == b->live &&
                     a->config == b->config && a->add_shared_memory == b->add_shared_memory &&
                     a->restart_needed == b->restart_needed);
}

gboolean
vs_caps_needed(const VsPlanFacts *facts, guint known, VsDriver driver, VsMode mode,
               gboolean readonly)
{
    VsPlanFacts f = *facts;
    VsPlan base, plan;
    gboolean base_ok;

    /* The plan if everything is supported ... */
    f.no_9p = f.no_virtiofs = f.no_memfd = FALSE;
    base_ok = vs_plan_decide(&f, driver, mode, readonly, &base, NULL);
    if (driver != VS_DRIVER_AUTO && base_ok && base.live && !base.add_shared_memory)
        known |= driver == VS_DRIVER_VIRTIOFS ? VS_CAP_VIRTIOFS : VS_CAP_9P;
    /* ... against every combination of what is not known. */
    for (guint bits = 1; bits <= VS_CAP_ALL; bits++) {
        gboolean ok;

        if (bits & known)
            continue;
        f.no_9p = (bits & VS_CAP_9P) != 0;
        f.no_virtiofs = (bits & VS_CAP_VIRTIOFS) != 0;
        f.no_memfd = (bits & VS_CAP_MEMFD) != 0;
        ok = vs_plan_decide(&f, driver, mode, readonly, &plan, NULL);
        if (!vs_caps_same_outcome(base_ok, &base, ok, &plan))
            return TRUE;
    }
    return FALSE;
}

gboolean
vs_caps_parse(const char *xml, VsPlanFacts *facts)
{
    g_autoptr(xmlDoc) caps = vs_xml_parse(xml, "domain capabilities", NULL);

    if (!caps || !vs_xml_find_one(caps, NULL, "/domainCapabilities/devices/filesystem"))
        return FALSE;
    facts->no_9p = !vs_xml_find_one(caps, NULL,
                                    "/domainCapabilities/devices/filesystem[@supported='yes']"
                                    "/enum[@name='driverType']/value[text()='path']");
    facts->no_virtiofs = !vs_xml_find_one(caps, NULL,
                                          "/domainCapabilities/devices/filesystem"
                                          "[@supported='yes']/enum[@name='driverType']"
                                          "/value[text()='virtiofs']");
    facts->no_memfd = vs_xml_find_one(caps, NULL, "/domainCapabilities/memoryBacking") &&
                      !vs_xml_find_one(caps, NULL,
                                       "/domainCapabilities/memoryBacking[@supported='yes']"
                                       "/enum[@name='sourceType']/value[text()='memfd']");
    return TRUE;
}

char *
vs_caps_key_text(const VsCapsKey *key)
{
    const char *fields[] = { key->uri, key->emulator, key->machine, key->arch, key->virttype };
    g_autoptr(GPtrArray) esc = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *stat_text = key->have_stat ?
        g_strdup_printf("%" G_GINT64_FORMAT " %" G_GINT64_FORMAT, key->mtime_ns, key->size) :
        g_strdup("none");

    /* Escaped, so that no field can run into the next one. */
    for (guint i = 0; i < G_N_ELEMENTS(fields); i++)
        g_ptr_array_add(esc, fields[i] ? g_strescape(fields[i], NULL) : g_strdup("(none)"));
    return g_strdup_printf("v%d uri=\"%s\" libvirt=%lu hypervisor=%lu emulator=\"%s\" "
                           "emulator-stat=%s machine=\"%s\" arch=\"%s\" virttype=\"%s\"",
                           VS_CAPS_VERSION, (char *)esc->pdata[0], key->libvirt,
                           key->hypervisor, (char *)esc->pdata[1], stat_text,
                           (char *)esc->pdata[2], (char *)esc->pdata[3], (char *)esc->pdata[4]);
}

char *
vs_caps_cache_path(void)
{
    const char *dir = g_getenv("VIRT_SHARE_CACHE_DIR");

    if (dir && *dir)
        return g_build_filename(dir, "domcaps", NULL);
    if (geteuid() == 0)
        return g_strdup("/var/cache/virt-share/domcaps");
    return g_build_filename(g_get_user_cache_dir(), "virt-share", "domcaps", NULL);
}

/* The cache file as a key file, if it is ours, small, and of our format. */
static GKeyFile *
vs_caps_cache_load(const char *path)
{
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_autofree char *data = NULL;
    struct stat st;
    ssize_t got;
    int fd;

    fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return NULL;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
        (st.st_mode & 0022) || st.st_size > VS_CAPS_CACHE_MAX_BYTES) {
        close(fd);
        return NULL;
    }
    data = g_malloc(VS_CAPS_CACHE_MAX_BYTES + 1);
    got = read(fd, data, VS_CAPS_CACHE_MAX_BYTES + 1);
    close(fd);
    if (got < 0 || got > VS_CAPS_CACHE_MAX_BYTES ||
        !g_key_file_load_from_data(kf, data, (gsize)got, G_KEY_FILE_NONE, NULL) ||
        g_key_file_get_integer(kf, VS_CAPS_GROUP, "version", NULL) != VS_CAPS_VERSION)
        return NULL;
    return g_steal_pointer(&kf);
}

static gboolean
vs_caps_is_sha256(const char *s)
{
    guint n = 0;

    for (; s[n]; n++) {
        if (!g_ascii_isxdigit(s[n]) || g_ascii_isupper(s[n]))
            return FALSE;
    }
    return n == 64;
}

/* Read one entry; FALSE unless every member is there and well formed. */
static gboolean
vs_caps_entry_read(GKeyFile *kf, const char *group, const char *key_text, VsPlanFacts *facts,
                   gint64 *stored)
{
    const char *names[] = { "no-9p", "no-virtiofs", "no-memfd" };
    gboolean *dest[] = { &facts->no_9p, &facts->no_virtiofs, &facts->no_memfd };
    gboolean values[G_N_ELEMENTS(names)];
    g_autofree char *text = g_key_file_get_string(kf, group, "key", NULL);
    g_autoptr(GError) error = NULL;

    if (!vs_caps_is_sha256(group) || !text || (key_text && strcmp(text, key_text) != 0))
        return FALSE;
    *stored = g_key_file_get_int64(kf, group, "stored", &error);
    if (error || *stored < 0)
        return FALSE;
    for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
        values[i] = g_key_file_get_boolean(kf, group, names[i], &error);
        if (error)
            return FALSE;
    }
    for (guint i = 0; i < G_N_ELEMENTS(names); i++)
        *dest[i] = values[i];
    return TRUE;
}

gboolean
vs_caps_cache_lookup(const char *path, const char *key_text, VsPlanFacts *facts)
{
    g_autoptr(GKeyFile) kf = vs_caps_cache_load(path);
    g_autofree char *group = g_compute_checksum_for_string(G_CHECKSUM_SHA256, key_text, -1);
    gint64 stored;

    return kf && vs_caps_entry_read(kf, group, key_text, facts, &stored);
}

/* Keep the well-formed entries only, at most VS_CAPS_CACHE_ENTRIES - 1 of
 * them (the newest), to make room for one more. */
static void
vs_caps_cache_prune(GKeyFile *kf)
{
    g_auto(GStrv) groups = g_key_file_get_groups(kf, NULL);
    guint kept = 0;

    for (;;) {
        const char *oldest = NULL;
        gint64 oldest_time = G_MAXINT64;

        kept = 0;
        for (guint i = 0; groups[i]; i++) {
            VsPlanFacts f;
            gint64 stored;

            if (g_str_equal(groups[i], VS_CAPS_GROUP) || !g_key_file_has_group(kf, groups[i]))
                continue;
            if (!vs_caps_entry_read(kf, groups[i], NULL, &f, &stored)) {
                g_key_file_remove_group(kf, groups[i], NULL);
                continue;
            }
            kept++;
            if (stored < oldest_time) {
                oldest_time = stored;
                oldest = groups[i];
            }
        }
        if (kept < VS_CAPS_CACHE_ENTRIES || !oldest)
            return;
        g_key_file_remove_group(kf, oldest, NULL);
    }
}

void
vs_caps_cache_store(const char *path, const char *key_text, const VsPlanFacts *facts)
{
    g_autoptr(GKeyFile) kf = vs_caps_cache_load(path);
    g_autofree char *group = g_compute_checksum_for_string(G_CHECKSUM_SHA256, key_text, -1);
    g_autofree char *dir = g_path_get_dirname(path);
    g_autofree char *data = NULL;
    gsize len;

    if (!kf)
        kf = g_key_file_new();
    g_key_file_remove_group(kf, group, NULL);
    vs_caps_cache_prune(kf);
    g_key_file_set_integer(kf, VS_CAPS_GROUP, "version", VS_CAPS_VERSION);
    g_key_file_set_string(kf, group, "key", key_text);
    g_key_file_set_int64(kf, group, "stored", g_get_real_time() / G_USEC_PER_SEC);
    g_key_file_set_boolean(kf, group, "no-9p", facts->no_9p);
    g_key_file_set_boolean(kf, group, "no-virtiofs", facts->no_virtiofs);
    g_key_file_set_boolean(kf, group, "no-memfd", facts->no_memfd);
    data = g_key_file_to_data(kf, &len, NULL);
    if (len > VS_CAPS_CACHE_MAX_BYTES ||
        g_mkdir_with_parents(dir, geteuid() == 0 ? 0755 : 0700) < 0)
        return;
    /* A temporary file renamed over the old one: readers never see half a file. */
    g_file_set_contents_full(path, data, (gssize)len, G_FILE_SET_CONTENTS_CONSISTENT, 0644,
                             NULL);
}

/* The strings a key points to. */
typedef struct {
    char *virttype;
    char *arch;
    char *machine;
    xmlChar *emulator;
} VsCapsStrings;

static void
vs_caps_strings_clear(VsCapsStrings *s)
{
    g_free(s->virttype);
    g_free(s->arch);
    g_free(s->machine);
    xmlFree(s->emulator);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(VsCapsStrings, vs_caps_strings_clear)

/* @key for the domain in @doc, without the emulator's version. */
static void
vs_caps_key_init(xmlDoc *doc, const char *uri, unsigned long libvirt, VsCapsKey *key,
                 VsCapsStrings *s)
{
    xmlNode *type = vs_xml_find_one(doc, NULL, "/domain/os/type");
    xmlNode *emu = vs_xml_find_one(doc, NULL, "/domain/devices/emulator");

    memset(key, 0, sizeof(*key));
    key->uri = uri;
    key->libvirt = libvirt;
    key->virttype = s->virttype = vs_xml_prop(xmlDocGetRootElement(doc), "type");
    key->arch = s->arch = vs_xml_prop(type, "arch");
    key->machine = s->machine = vs_xml_prop(type, "machine");
    s->emulator = emu ? xmlNodeGetContent(emu) : NULL;
    key->emulator = (const char *)s->emulator;
}

/* The pid of the libvirt daemon listening on the UNIX socket @path (its
 * SO_PEERCRED), or 0.  Only libvirtd or virtqemud, which run QEMU themselves:
 * behind a proxy (virtproxyd) or a socket-activating init the listener's root
 * need not be the one QEMU is found in. */
static pid_t
vs_caps_socket_daemon(const char *path)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    struct ucred cred = { 0 };
    socklen_t len = sizeof(cred);
    g_autofree char *proc_exe = NULL;
    g_autofree char *exe = NULL;
    g_autofree char *name = NULL;
    gboolean ok;
    int fd;

    if (strlen(path) >= sizeof(addr.sun_path))
        return 0;
    memcpy(addr.sun_path, path, strlen(path) + 1);
    /* non-blocking: a full backlog fails at once instead of waiting */
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return 0;
    ok = connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0 &&
         getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0 && cred.pid > 0;
    close(fd);
    if (!ok)
        return 0;
    proc_exe = g_strdup_printf("/proc/%d/exe", (int)cred.pid);
    if (!(exe = g_file_read_link(proc_exe, NULL)))
        return 0;
    if (g_str_has_suffix(exe, " (deleted)"))   /* upgraded while it runs */
        exe[strlen(exe) - strlen(" (deleted)")] = '\0';
    name = g_path_get_basename(exe);
    return g_str_equal(name, "libvirtd") || g_str_equal(name, "virtqemud") ? cred.pid : 0;
}

/* Where the emulator path of the domain XML can be stat'ed from here: the
 * path itself when the daemon's files are ours; for a socket= URI, the path
 * in the daemon's root (/proc/PID/root: a chroot, a mount namespace); NULL
 * for a remote daemon or when the daemon cannot be told. */
char *
vs_caps_emulator_path_here(const char *uri, const char *emulator)
{
    g_autoptr(VsUriInfo) info = NULL;
    const char *sock;
    pid_t pid;

    if (!emulator || !uri || !(info = vs_uri_info_parse(uri, NULL)) || info->remote)
        return NULL;
    if (!(sock = g_hash_table_lookup(info->params, "socket")))
        return g_strdup(emulator);
    if (!g_path_is_absolute(emulator) || (pid = vs_caps_socket_daemon(sock)) <= 0)
        return NULL;
    return g_strdup_printf("/proc/%d/root%s", (int)pid, emulator);
}

/* The emulator's version; FALSE if it cannot be told. */
static gboolean
vs_caps_key_emulator(virConnect *conn, VsCapsKey *key)
{
    g_autofree char *here = vs_caps_emulator_path_here(key->uri, key->emulator);
    GStatBuf st;

    /* The emulator binary is the hypervisor: its mtime changes when QEMU is
     * upgraded.  Only where it cannot be stat'ed, ask libvirt for QEMU's
     * version: libvirt answers that from its QEMU capabilities cache
     * (qemuConnectGetVersion -> virQEMUCapsGetDefaultVersion ->
     * virQEMUCapsCacheLookup), which re-probes QEMU whenever it judges the
     * cache stale, seconds on a host with an unusable /dev/kvm. */
    if (here && g_stat(here, &st) == 0) {
        key->have_stat = TRUE;
        key->mtime_ns = (gint64)st.st_mtim.tv_sec * G_GINT64_CONSTANT(1000000000) +
                        st.st_mtim.tv_nsec;
        key->size = st.st_size;
        return TRUE;
    }
    return virConnectGetVersion(conn, &key->hypervisor) == 0;
}

/* The key text of @key, filled by vs_caps_key_init; NULL when none can be made. */
static char *
vs_caps_key_finish(virConnect *conn, VsCapsKey *key)
{
    if (!key->uri || !key->libvirt || !vs_caps_key_emulator(conn, key))
        return NULL;
    return vs_caps_key_text(key);
}

char *
vs_caps_key_for(virConnect *conn, xmlDoc *doc, const char *uri, unsigned long libvirt)
{
    g_auto(VsCapsStrings) s = { 0 };
    VsCapsKey key;

    vs_caps_key_init(doc, uri, libvirt, &key, &s);
    return vs_caps_key_finish(conn, &key);
}

void
vs_caps_fill(virConnect *conn, xmlDoc *doc, const char *uri, unsigned long libvirt,
             VsPlanFacts *facts)
{
    g_auto(VsCapsStrings) s = { 0 };
    g_autofree char *path = vs_caps_cache_path();
    g_autofree char *key_text = NULL;
    VsCapsKey key;
    char *raw;

    vs_caps_key_init(doc, uri, libvirt, &key, &s);
    key_text = vs_caps_key_finish(conn, &key);
    if (key_text && vs_caps_cache_lookup(path, key_text, facts))
        return;
    raw = virConnectGetDomainCapabilities(conn, key.emulator, key.arch, key.machine,
                                          key.virttype, 0);
    if (raw && vs_caps_parse(raw, facts) && key_text)
        vs_caps_cache_store(path, key_text, facts);
    free(raw);
}
