/* vs-plan.c: decide, from facts about a domain, how a share goes in.
 *
 * Measured on libvirt 9.0 / QEMU 7.2 (the README, "Drivers, modes and what to expect"):
 *  - 9p cannot be hot-plugged ("only virtiofs filesystems can be hotplugged"),
 *    so 9p goes into the persistent definition and needs a restart;
 *  - virtiofs hot-plugs only if the running domain has shared memory and ACPI;
 *  - virtiofs supports only accessmode passthrough;
 *  - virtiofs cannot be read-only before libvirt 11.0 ("virtiofs does not yet
 *    support read-only mode"): there auto picks 9p for a read-only share, and
 *    virtiofs asked for by name with --readonly is refused before anything
 *    changes; from 11.0 (measured on 11.3) a read-only share is like any other;
 *  - auto never changes the memory setup of a domain: it adds shared memory
 *    to the definition only when the running domain already has it.
 * The hypervisor's domain capabilities say which filesystem drivers and memory
 * backings exist; auto picks only a driver that exists.
 */
#include <config.h>

#include "vs-error.h"
#include "vs-i18n.h"
#include "vs-plan.h"

static gboolean
vs_plan_virtiofs_live_ok(const VsPlanFacts *facts)
{
    return facts->running && facts->live_shared_mem && facts->live_acpi;
}

static VsDriver
vs_plan_auto_driver(const VsPlanFacts *facts, VsMode mode, gboolean readonly)
{
    if (facts->no_virtiofs)
        return VS_DRIVER_9P;
    if (mode == VS_MODE_MAPPED || mode == VS_MODE_SQUASH || (readonly && !facts->virtiofs_ro))
        return VS_DRIVER_9P;
    if (facts->no_9p)
        return VS_DRIVER_VIRTIOFS;
    /* virtiofs only where the domain already has shared memory (see
     * vs_plan_decide: auto never adds it to a domain that runs without it). */
    if (facts->running)
        return vs_plan_virtiofs_live_ok(facts) ? VS_DRIVER_VIRTIOFS : VS_DRIVER_9P;
    return facts->config_shared_mem ? VS_DRIVER_VIRTIOFS : VS_DRIVER_9P;
}

gboolean
vs_plan_decide(const VsPlanFacts *facts, VsDriver driver, VsMode mode, gboolean readonly,
               VsPlan *plan, GError **error)
{
    memset(plan, 0, sizeof(*plan));

    gboolean by_auto = driver == VS_DRIVER_AUTO;

    if (by_auto)
        driver = vs_plan_auto_driver(facts, mode, readonly);
    if (driver == VS_DRIVER_VIRTIOFS && readonly && !facts->virtiofs_ro) {
        g_set_error(error, VS_ERROR, VS_ERROR_UNSUPPORTED,
                    _("virtiofs shares can be read-only only from libvirt 11.0 on (this one "
                      "says \"virtiofs does not yet support read-only mode\"); use --driver "
                      "9p for --readonly"));
        return FALSE;
    }
    if (driver == VS_DRIVER_VIRTIOFS && mode != VS_MODE_DEFAULT && mode != VS_MODE_PASSTHROUGH) {
        g_set_error(error, VS_ERROR, VS_ERROR_UNSUPPORTED,
                    _("virtiofs supports only --mode passthrough (guest ownership is kept "
                      "by virtiofsd); use --driver 9p for --mode %s"),
                    vs_mode_to_string(mode));
        return FALSE;
    }
    if (driver == VS_DRIVER_9P && facts->no_9p) {
        g_set_error(error, VS_ERROR, VS_ERROR_UNSUPPORTED,
                    _("this hypervisor has no 9p filesystem driver (see its domain "
                      "capabilities); use --driver virtiofs"));
        return FALSE;
    }
    if (driver == VS_DRIVER_VIRTIOFS && facts->no_virtiofs) {
        if (facts->no_virtiofs_why)
            g_set_error(error, VS_ERROR, VS_ERROR_UNSUPPORTED, "%s", facts->no_virtiofs_why);
        else
            g_set_error(error, VS_ERROR, VS_ERROR_UNSUPPORTED,
                        _("this hypervisor has no virtiofs filesystem driver (see its domain "
                          "capabilities); use --driver 9p"));
        return FALSE;
    }
    plan->driver = driver;
    plan->mode = mode == VS_MODE_DEFAULT ? vs_share_mode_default_for(driver) : mode;

    if (!facts->persistent) {
        if (!facts->running) {
            g_set_error(error, VS_ERROR, VS_ERROR_INVALID,
                        _("the domain is neither running nor defined"));
            return FALSE;
        }
        if (driver == VS_DRIVER_9P) {
            g_set_error(error, VS_ERROR, VS_ERROR_UNSUPPORTED,
                        _("9p shares cannot be hot-plugged and this domain is transient "
                          "(it has no persistent definition to add the share to)"));
            return FALSE;
        }
        if (!vs_plan_virtiofs_live_ok(facts)) {
            g_set_error(error, VS_ERROR, VS_ERROR_UNSUPPORTED,
                        !facts->live_shared_mem ?
                        _("virtiofs can be hot-plugged only into a domain running with "
                          "shared memory and ACPI, and this transient domain has no shared "
                          "memory") :
                        _("virtiofs can be hot-plugged only into a domain running with "
                          "shared memory and ACPI, and this transient domain has no ACPI"));
            return FALSE;
        }
        plan->live = TRUE;
        return TRUE;
    }

    plan->config = TRUE;
    plan->add_shared_memory = driver == VS_DRIVER_VIRTIOFS && !facts->config_shared_mem;
    /* Changing the memory setup is the user's call: auto adds shared memory
     * to the definition only to match a domain that already runs with it. */
    if (plan->add_shared_memory && by_auto && !(facts->running && facts->live_shared_mem)) {
        g_set_error(error, VS_ERROR, VS_ERROR_UNSUPPORTED,
                    _("this hypervisor has no 9p, and virtiofs needs shared guest memory, "
                      "which the domain lacks: run again with --driver virtiofs to add it"));
        return FALSE;
    }
    if (plan->add_shared_memory && facts->no_memfd) {
        g_set_error(error, VS_ERROR, VS_ERROR_UNSUPPORTED,
                    _("virtiofs needs shared guest memory and this hypervisor has no memfd "
                      "backing: add <memoryBacking> with hugepages or a file source and "
                      "<access mode='shared'/> to the domain yourself, or use --driver 9p"));
        return FALSE;
    }
    if (facts->running) {
        plan->live = driver == VS_DRIVER_VIRTIOFS && vs_plan_virtiofs_live_ok(facts);
        plan->restart_needed = !plan->live;
    }
    return TRUE;
}

gboolean
vs_plan_equal(const VsPlan *a, const VsPlan *b)
{
    return a->driver == b->driver && a->mode == b->mode && a->live == b->live &&
           a->config == b->config && a->add_shared_memory == b->add_shared_memory &&
           a->restart_needed == b->restart_needed && a->protect == b->protect;
}

static char *
vs_plan_describe_attach(const VsPlan *plan, const char *domain)
{
    const char *drv = vs_driver_to_string(plan->driver);
    const char *mode = vs_mode_to_string(plan->mode);

    if (plan->live && plan->config)
        return g_strdup_printf(_("%s (%s): attaching to running domain '%s' and to its "
                                 "persistent definition"), drv, mode, domain);
    if (plan->live)
        return g_strdup_printf(_("%s (%s): attaching to running transient domain '%s'"),
                               drv, mode, domain);
    if (plan->restart_needed)
        return g_strdup_printf(_("%s (%s): cannot be hot-plugged into running domain '%s'; "
                                 "adding it to the persistent definition: it takes effect "
                                 "at the next start"), drv, mode, domain);
    return g_strdup_printf(_("%s (%s): adding to the definition of stopped domain '%s'; "
                             "it takes effect at the next start"), drv, mode, domain);
}

char *
vs_plan_describe(const VsPlan *plan, const char *domain)
{
    g_autofree char *attach = vs_plan_describe_attach(plan, domain);

    if (!plan->add_shared_memory)
        return g_steal_pointer(&attach);
    return g_strdup_printf(_("%s (adding memfd shared memory to the definition first, as "
                             "virtiofs needs)"), attach);
}
