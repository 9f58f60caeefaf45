/* vs-caps.h: the hypervisor facts a plan takes from libvirt's domain
 * capabilities, asked for only when they can change the plan, and cached.
 *
 * virConnectGetDomainCapabilities can cost seconds: libvirt re-probes QEMU on
 * every call when its capability cache looks stale (measured: 2.5-4.8 s per
 * call on libvirt 9.0 with a 0660 root:kvm /dev/kvm that QEMU's user may open
 * but that has no KVM behind it).  The answer
 * depends only on the libvirt and QEMU builds and on the emulator, machine,
 * arch and virt type asked about, so it is cached under that key. */
#pragma once

#include <glib.h>
#include <libvirt/libvirt.h>
#include <libxml/tree.h>

#include "vs-plan.h"

/* The capability facts of VsPlanFacts, as bits. */
typedef enum {
    VS_CAP_9P = 1 << 0,         /* facts->no_9p */
    VS_CAP_VIRTIOFS = 1 << 1,   /* facts->no_virtiofs */
    VS_CAP_MEMFD = 1 << 2,      /* facts->no_memfd */
    VS_CAP_ALL = (1 << 3) - 1,
} VsCap;

/* The capabilities the domain's own devices prove (a virtiofs or 9p
 * <filesystem>, a memfd memory source libvirt accepted), as VsCap bits. */
guint vs_caps_known_from_domain(xmlDoc *config_doc, xmlDoc *live_doc);

/* Can the unknown capability facts change the plan for this request?
 * @facts holds the domain facts (the capability facts are ignored).  Also
 * FALSE for a driver named explicitly that goes in live: libvirt checks the
 * running QEMU supports it before it changes anything. */
gboolean vs_caps_needed(const VsPlanFacts *facts, guint known, VsDriver driver, VsMode mode,
                        gboolean readonly);

/* Fill the capability facts of @facts from a domainCapabilities document;
 * FALSE (facts unchanged) if it says nothing about filesystems. */
gboolean vs_caps_parse(const char *xml, VsPlanFacts *facts);

/* What the cached answer depends on. */
typedef struct {
    const char *uri;            /* the connection's URI */
    unsigned long libvirt;      /* virConnectGetLibVersion */
    unsigned long hypervisor;   /* virConnectGetVersion; 0 when the emulator is stat'ed */
    const char *emulator;       /* path from the domain XML, may be NULL */
    gboolean have_stat;         /* emulator stat'ed from here (vs_caps_emulator_path_here) */
    gint64 mtime_ns;
    gint64 size;
    const char *machine;
    const char *arch;
    const char *virttype;
} VsCapsKey;

/* The canonical text of @key; equal texts mean the same answer. */
char *vs_caps_key_text(const VsCapsKey *key);

/* The path under which this process can stat @emulator (a path of the domain
 * XML, or any absolute path of the daemon's, e.g. /dev/kvm for the doctor) as
 * the daemon behind @uri sees it: @emulator itself for a local URI;
 * for a socket= URI, /proc/PID/root/@emulator of the libvirtd or virtqemud
 * listening there; NULL for a remote URI or another listener. */
char *vs_caps_emulator_path_here(const char *uri, const char *emulator);

/* The cache key text for the domain in @doc on @conn (see VsCapsKey), or NULL
 * when none can be made (@uri or @libvirt unknown).  Asks libvirt for QEMU's
 * version, which can cost it a re-probe of QEMU, only when the emulator
 * cannot be stat'ed from here (a remote URI). */
char *vs_caps_key_for(virConnect *conn, xmlDoc *doc, const char *uri, unsigned long libvirt);

/* The cache file: /var/cache/virt-share/domcaps (root) or
 * $XDG_CACHE_HOME/virt-share/domcaps; $VIRT_SHARE_CACHE_DIR overrides the folder. */
char *vs_caps_cache_path(void);

/* Look @key_text up in the cache file @path.  A missing, unreadable,
 * oversized, foreign (not ours, not a regular file) or malformed file or entry
 * is a miss. */
gboolean vs_caps_cache_lookup(const char *path, const char *key_text, VsPlanFacts *facts);

/* Add or replace the entry (atomically; at most VS_CAPS_CACHE_ENTRIES, the
 * oldest go first).  Failures are ignored: a cache is an optimisation. */
void vs_caps_cache_store(const char *path, const char *key_text, const VsPlanFacts *facts);

#define VS_CAPS_CACHE_ENTRIES 32
#define VS_CAPS_CACHE_MAX_BYTES (64 * 1024)

/* Fill the capability facts for the domain described by @doc: from the
 * cache, else from libvirt (and store the answer).  Unknown (the call fails,
 * e.g. on the test driver) leaves them at "supported".  @uri and @libvirt
 * (0: unknown, nothing is cached) are the caller's, read once per command. */
void vs_caps_fill(virConnect *conn, xmlDoc *doc, const char *uri, unsigned long libvirt,
                  VsPlanFacts *facts);
