/* vs-share.h: one shared folder: what it is and how it is described in libvirt XML. */
#pragma once

#include <glib.h>
#include <libxml/tree.h>

#include "vs-enum.h"

typedef enum {
    VS_DRIVER_AUTO,
    VS_DRIVER_9P,
    VS_DRIVER_VIRTIOFS,
    VS_DRIVER_LAST
} VsDriver;

typedef enum {
    VS_MODE_DEFAULT,        /* not chosen: the driver's default */
    VS_MODE_PASSTHROUGH,
    VS_MODE_MAPPED,
    VS_MODE_SQUASH,
    VS_MODE_LAST
} VsMode;

/* Where a share is present. */
typedef enum {
    VS_WHERE_NONE = 0,
    VS_WHERE_CONFIG = 1 << 0,   /* persistent definition */
    VS_WHERE_LIVE = 1 << 1,     /* running domain */
} VsWhere;

typedef struct {
    char *domain;       /* domain name, for listings */
    char *source;       /* host directory */
    char *tag;          /* <target dir='...'/>: the mount tag seen by the guest */
    char *target;       /* mount point in the guest, NULL if unknown */
    gboolean no_automount; /* the record of @target says automount="no": unmounted
                            * by 'virt-share umount', so the watcher leaves it */
    VsDriver driver;
    VsMode mode;
    gboolean readonly;
    VsWhere where;
    gboolean running;   /* the domain runs (for listings) */
    gboolean persistent;/* the domain has a persistent definition (for listings) */
    GStrv uid_map;      /* "HOST:GUEST" entries (virtiofs <idmap>), or NULL */
    GStrv gid_map;
} VsShare;

VsShare *vs_share_new(void);
VsShare *vs_share_copy(const VsShare *share);
void vs_share_free(VsShare *share);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VsShare, vs_share_free)

/* Does @share's folder equal @path (as given) or @real (@path with symbolic
 * links resolved, or NULL)? */
gboolean vs_share_has_folder(const VsShare *share, const char *path, const char *real);

/* "auto", "9p", "virtiofs"; "default", "passthrough", "mapped", "squash". */
VS_ENUM_DECL(vs_driver);
VS_ENUM_DECL(vs_mode);

/* A driver or mode named by the user (option or configuration file): INVALID
 * with the valid names when unknown.  Users never name the mode "default". */
gboolean vs_share_driver_parse(const char *str, VsDriver *driver, GError **error);
gboolean vs_share_mode_parse(const char *str, VsMode *mode, GError **error);

/* The mode a share of @driver gets when none is asked for. */
VsMode vs_share_mode_default_for(VsDriver driver);

/* Check an id map entry "HOST:GUEST" (two numbers). */
gboolean vs_share_idmap_entry_parse(const char *entry, guint32 *host, guint32 *guest,
                                    GError **error);

/* Read a <filesystem> element. Returns NULL (without error) for filesystem
 * devices that are not host-directory shares (e.g. type='ram' or 'block'). */
VsShare *vs_share_from_node(xmlNode *fs);

/* The <filesystem> element for @share (driver and mode resolved), built from
 * the template in xml-templates/, as an XML string for the device APIs. */
char *vs_share_to_device_xml(const VsShare *share, GError **error);
