/* vs-config.h: /etc/virt-share/virt-share.conf: host path policy and defaults. */
#pragma once

#include <glib.h>

#include "vs-share.h"

/* [policy] setuid-shares: what add does with a folder the guest's writes
 * reach as a privileged host identity whose mount allows setuid programs and
 * device files (vs-harden.h). */
typedef enum {
    VS_SETUID_SHARES_PROTECT,   /* mount it again nosuid,nodev (the default) */
    VS_SETUID_SHARES_REFUSE,    /* refuse, with the commands that protect it */
    VS_SETUID_SHARES_ALLOW,     /* leave it as it is mounted (warned) */
    VS_SETUID_SHARES_LAST
} VsSetuidShares;

/* "protect", "refuse", "allow" (the configuration's values). */
VS_ENUM_DECL(vs_setuid_shares);

#define VS_CONFIG_DEFAULT_PATH SYSCONFDIR "/virt-share/virt-share.conf"

typedef struct {
    char *path;             /* the file read, or NULL for built-in defaults */
    GStrv allowed_roots;    /* empty: everything not denied */
    GStrv denied_roots;     /* built-in + configured (unless builtin-denied-roots=false);
                             * "/" denies only "/" itself; others deny the subtree */
    GStrv data_roots;       /* built-in data places inside denied trees (/var/tmp…):
                             * allowed unless a more specific denied root covers them */
    VsDriver driver;        /* default --driver */
    VsMode mode;            /* default --mode */
    guint hook_timeout_s;   /* [hook] check-timeout: per share, at a domain start */
    VsSetuidShares setuid_shares; /* [policy] setuid-shares */
} VsConfig;

void vs_config_free(VsConfig *cfg);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VsConfig, vs_config_free)

/* Built-in defaults, no file. */
VsConfig *vs_config_new_default(void);

/* The file vs_config_load(NULL) reads: $VIRT_SHARE_CONFIG, else the default. */
const char *vs_config_path(void);

/* @root without empty, "." and ".." components: "//etc/" is "/etc". */
char *vs_config_normalize_root(const char *root);

/* Load @path; NULL: $VIRT_SHARE_CONFIG, else VS_CONFIG_DEFAULT_PATH.  A missing
 * default file is not an error (built-in defaults); a missing file named
 * explicitly, or a bad value, is.  Configured roots are normalised (and also
 * kept resolved when a symbolic link leads elsewhere); denied-roots extends
 * the built-in list unless builtin-denied-roots=false. */
VsConfig *vs_config_load(const char *path, GError **error);

/* Is @root one of the built-in denied roots (a system tree)? */
gboolean vs_config_builtin_denied(const char *root);
