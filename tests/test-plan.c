/* test-plan.c: vs_plan_decide over every combination of driver, mode,
 * read-only and domain facts, against an oracle written from the documented
 * rules (the header of src/core/vs-plan.c, 'virt-share add --help', the DRIVER
 * CHOICE section of the man page), not from the implementation:
 *
 *  R1 auto resolves to 9p for mapped/squash and for a read-only share
 *     (unless virtiofs_ro);
 *     otherwise to virtiofs only where the domain already has shared memory:
 *     live shared memory + live ACPI when running, shared memory in the
 *     definition when stopped; else 9p.
 *  R2 virtiofs supports only passthrough, and cannot be read-only where
 *     libvirt is older than 11.0 (virtiofs_ro FALSE; libvirt 9.0: "virtiofs
 *     does not yet support read-only mode").  virtiofs asked for by name with
 *     mapped/squash, or read-only without virtiofs_ro, is UNSUPPORTED.  This is
 *     a property of the request, so it is reported whatever the domain's
 *     state (test_plan_virtiofs_readonly checks the read-only case alone).
 *     With virtiofs_ro a read-only share is like any other (R1 included).
 *  R3 the default mode is squash for 9p and passthrough for virtiofs.
 *  R4 a domain that is neither running nor persistent: INVALID.
 *  R5 9p never hot-plugs; virtiofs hot-plugs only into a running domain with
 *     live shared memory and live ACPI.
 *  R6 transient running domain: 9p is UNSUPPORTED; virtiofs goes live only,
 *     and is UNSUPPORTED if it cannot be hot-plugged.
 *  R7 persistent domain: always into the definition (config); also live when
 *     it hot-plugs (R5); add_shared_memory when the driver is virtiofs and
 *     the definition lacks shared memory; restart_needed when running and
 *     not live.
 *  R9 auto never changes the memory setup: a plan picked by auto that must add
 *     shared memory is UNSUPPORTED unless the running domain already has live
 *     shared memory (then the definition is brought in line with it).
 *  R8 domain capabilities (no_9p, no_virtiofs, no_memfd): asking by name for
 *     a driver the hypervisor lacks is UNSUPPORTED (a property of the
 *     request, like R2); so is a plan that must add memfd shared memory when
 *     there is no memfd.  auto picks only a driver that exists: when the one
 *     R1 would pick is missing it takes the other if that one can serve the
 *     request (virtiofs: passthrough/default mode, not read-only), else the
 *     request is UNSUPPORTED.  Then R3-R7 apply to the driver picked.
 */
#include <config.h>

#include "vs-test-util.h"

#include "vs-error.h"
#include "vs-plan.h"

typedef struct {
    gboolean ok;
    int code;               /* when !ok */
    VsPlan plan;            /* when ok */
} Expected;

static gboolean
mode_is_virtiofs_capable(VsMode mode)
{
    return mode == VS_MODE_DEFAULT || mode == VS_MODE_PASSTHROUGH;
}

static gboolean
can_hotplug(const VsPlanFacts *f, VsDriver driver)
{
    return driver == VS_DRIVER_VIRTIOFS && f->running && f->live_shared_mem && f->live_acpi;
}

static gboolean
driver_exists(const VsPlanFacts *f, VsDriver driver)
{
    return driver == VS_DRIVER_9P ? !f->no_9p : !f->no_virtiofs;
}

static VsDriver
oracle_auto(const VsPlanFacts *f, VsMode mode, gboolean readonly)
{
    gboolean virtiofs_can_serve = mode_is_virtiofs_capable(mode) &&
                                  (!readonly || f->virtiofs_ro);
    gboolean has_shm = f->running ? (f->live_shared_mem && f->live_acpi) : f->config_shared_mem;
    VsDriver pick = virtiofs_can_serve && has_shm ? VS_DRIVER_VIRTIOFS : VS_DRIVER_9P;  /* R1 */

    /* R8: the other driver when the one picked is missing and the other can do it. */
    if (!driver_exists(f, pick) && pick == VS_DRIVER_9P && virtiofs_can_serve &&
        driver_exists(f, VS_DRIVER_VIRTIOFS))
        return VS_DRIVER_VIRTIOFS;
    if (!driver_exists(f, pick) && pick == VS_DRIVER_VIRTIOFS && driver_exists(f, VS_DRIVER_9P))
        return VS_DRIVER_9P;
    return pick;
}

static Expected
oracle(const VsPlanFacts *f, VsDriver asked_driver, VsMode mode, gboolean readonly)
{
    Expected e = { .ok = FALSE, .code = VS_ERROR_UNSUPPORTED };
    VsDriver driver = asked_driver == VS_DRIVER_AUTO ? oracle_auto(f, mode, readonly)
                                                     : asked_driver;

    if (driver == VS_DRIVER_VIRTIOFS &&
        (!mode_is_virtiofs_capable(mode) || (readonly && !f->virtiofs_ro)))
        return e;                                               /* R2 */
    if (!driver_exists(f, driver))
        return e;                                               /* R8 */
    if (!f->running && !f->persistent) {
        e.code = VS_ERROR_INVALID;                              /* R4 */
        return e;
    }
    if (!f->persistent && !can_hotplug(f, driver))
        return e;                                               /* R6 */

    e.plan.driver = driver;
    if (mode != VS_MODE_DEFAULT)
        e.plan.mode = mode;
    else
        e.plan.mode = driver == VS_DRIVER_9P ? VS_MODE_SQUASH : VS_MODE_PASSTHROUGH; /* R3 */
    e.plan.live = can_hotplug(f, driver);                       /* R5, R6 */
    e.plan.config = f->persistent;                              /* R6, R7 */
    e.plan.add_shared_memory = f->persistent && driver == VS_DRIVER_VIRTIOFS &&
                               !f->config_shared_mem;           /* R7 */
    e.plan.restart_needed = f->running && f->persistent && !e.plan.live;   /* R7 */
    if (e.plan.add_shared_memory && asked_driver == VS_DRIVER_AUTO &&
        !(f->running && f->live_shared_mem))
        return e;                                               /* R9 */
    if (e.plan.add_shared_memory && f->no_memfd)
        return e;                                               /* R8 */
    e.ok = TRUE;
    return e;
}

static char *
describe_case(const VsPlanFacts *f, VsDriver driver, VsMode mode, gboolean readonly)
{
    return g_strdup_printf("driver=%s mode=%s readonly=%d running=%d persistent=%d "
                           "live_shared_mem=%d live_acpi=%d config_shared_mem=%d "
                           "no_9p=%d no_virtiofs=%d no_memfd=%d virtiofs_ro=%d",
                           vs_driver_to_string(driver), vs_mode_to_string(mode), readonly,
                           f->running, f->persistent, f->live_shared_mem, f->live_acpi,
                           f->config_shared_mem, f->no_9p, f->no_virtiofs, f->no_memfd,
                           f->virtiofs_ro);
}

static char *
describe_plan(const VsPlan *p)
{
    return g_strdup_printf("{driver=%s mode=%s live=%d config=%d add_shared_memory=%d "
                           "restart_needed=%d}",
                           vs_driver_to_string(p->driver), vs_mode_to_string(p->mode),
                           p->live, p->config, p->add_shared_memory, p->restart_needed);
}

static gboolean
plans_equal(const VsPlan *a, const VsPlan *b)
{
    return a->driver == b->driver && a->mode == b->mode && !a->live == !b->live &&
           !a->config == !b->config && !a->add_shared_memory == !b->add_shared_memory &&
           !a->restart_needed == !b->restart_needed;
}

/* Run one combination; print it and return FALSE on a mismatch. */
static gboolean
check_case(const VsPlanFacts *f, VsDriver driver, VsMode mode, gboolean readonly,
           const Expected *want)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *what = describe_case(f, driver, mode, readonly);
    VsPlan plan;
    gboolean ok;

    memset(&plan, 0xa5, sizeof(plan));
    ok = vs_plan_decide(f, driver, mode, readonly, &plan, &err);

    if (want->ok) {
        g_autofree char *exp = describe_plan(&want->plan);
        g_autofree char *got = ok ? describe_plan(&plan) : NULL;

        if (!ok || err) {
            print_error("%s: expected plan %s, got error %s\n", what, exp,
                        err ? err->message : "(FALSE without GError)");
            return FALSE;
        }
        if (!plans_equal(&plan, &want->plan)) {
            print_error("%s:\n  expected %s\n  got      %s\n", what, exp, got);
            return FALSE;
        }
        return TRUE;
    }

    if (ok) {
        g_autofree char *got = describe_plan(&plan);
        print_error("%s: expected error %s, got plan %s\n", what,
                    vs_test_error_name(want->code), got);
        return FALSE;
    }
    if (!err || err->domain != VS_ERROR || err->code != want->code || !*err->message) {
        print_error("%s: expected error %s, got %s (%s)\n", what,
                    vs_test_error_name(want->code),
                    err && err->domain == VS_ERROR ? vs_test_error_name(err->code) : "?",
                    err ? err->message : "no GError");
        return FALSE;
    }
    return TRUE;
}

static const VsDriver all_drivers[] = { VS_DRIVER_AUTO, VS_DRIVER_9P, VS_DRIVER_VIRTIOFS };
static const VsMode all_modes[] = {
    VS_MODE_DEFAULT, VS_MODE_PASSTHROUGH, VS_MODE_MAPPED, VS_MODE_SQUASH
};

#define N_FACT_BITS 9

static VsPlanFacts
facts_from_bits(guint bits)
{
    VsPlanFacts f = {
        .running = !!(bits & 1),
        .persistent = !!(bits & 2),
        .live_shared_mem = !!(bits & 4),
        .live_acpi = !!(bits & 8),
        .config_shared_mem = !!(bits & 16),
        .no_9p = !!(bits & 32),
        .no_virtiofs = !!(bits & 64),
        .no_memfd = !!(bits & 128),
        .virtiofs_ro = !!(bits & 256),
    };
    return f;
}

/* Every combination; with @caps FALSE only hypervisors that have everything. */
static void
check_all_combinations(gboolean caps)
{
    guint checked = 0, failed = 0;
    guint n_bits = caps ? N_FACT_BITS : 5;

    for (guint d = 0; d < G_N_ELEMENTS(all_drivers); d++) {
        for (guint m = 0; m < G_N_ELEMENTS(all_modes); m++) {
            for (guint bits = 0; bits < (1u << n_bits); bits++) {
                for (int readonly = 0; readonly <= 1; readonly++) {
                    VsPlanFacts f = facts_from_bits(bits);
                    Expected want = oracle(&f, all_drivers[d], all_modes[m], readonly);

                    checked++;
                    if (!check_case(&f, all_drivers[d], all_modes[m], readonly, &want) &&
                        ++failed >= 20) {
                        print_error("(stopped after 20 wrong combinations)\n");
                        fail();
                    }
                }
            }
        }
    }
    assert_int_equal(checked, 3 * 4 * (1u << n_bits) * 2);
    if (failed)
        print_error("%u of %u combinations wrong\n", failed, checked);
    assert_int_equal(failed, 0);
}

static void
test_plan_all_combinations(void **state)
{
    check_all_combinations(FALSE);
}

static void
test_plan_all_combinations_caps(void **state)
{
    check_all_combinations(TRUE);
}

/* A few rows written out by hand, so that the oracle itself is checked. */
typedef struct {
    const char *name;
    VsPlanFacts facts;
    VsDriver driver;
    VsMode mode;
    gboolean readonly;
    Expected want;
} PlanRow;

/* running, persistent, live shared memory, live ACPI, config shared memory */
#define F(r, p, ls, la, cs) \
    { .running = r, .persistent = p, .live_shared_mem = ls, .live_acpi = la, \
      .config_shared_mem = cs }
/* the same, then no_9p, no_virtiofs, no_memfd */
/* F with virtiofs_ro (libvirt >= 11.0) */
#define FR(r, p, ls, la, cs) \
    { .running = r, .persistent = p, .live_shared_mem = ls, .live_acpi = la, \
      .config_shared_mem = cs, .virtiofs_ro = TRUE }
#define FC(r, p, ls, la, cs, n9, nv, nm) \
    { .running = r, .persistent = p, .live_shared_mem = ls, .live_acpi = la, \
      .config_shared_mem = cs, .no_9p = n9, .no_virtiofs = nv, .no_memfd = nm }
#define OK(drv, md, lv, cf, shm, rs) \
    { .ok = TRUE, .plan = { VS_DRIVER_##drv, VS_MODE_##md, lv, cf, shm, rs } }
#define ERR(c) { .ok = FALSE, .code = VS_ERROR_##c }
#define AUTO VS_DRIVER_AUTO
#define NINEP VS_DRIVER_9P
#define VIRTIOFS VS_DRIVER_VIRTIOFS

static const PlanRow plan_rows[] = {
    { "stopped, auto, no shared memory -> 9p squash into the definition",
      F(0, 1, 0, 0, 0), AUTO, VS_MODE_DEFAULT, FALSE, OK(9P, SQUASH, 0, 1, 0, 0) },
    { "stopped, auto, definition has shared memory -> virtiofs",
      F(0, 1, 0, 0, 1), AUTO, VS_MODE_DEFAULT, FALSE, OK(VIRTIOFS, PASSTHROUGH, 0, 1, 0, 0) },
    { "stopped, auto, passthrough, shared memory -> virtiofs",
      F(0, 1, 0, 0, 1), AUTO, VS_MODE_PASSTHROUGH, FALSE,
      OK(VIRTIOFS, PASSTHROUGH, 0, 1, 0, 0) },
    { "stopped, auto, mapped, shared memory -> still 9p",
      F(0, 1, 0, 0, 1), AUTO, VS_MODE_MAPPED, FALSE, OK(9P, MAPPED, 0, 1, 0, 0) },
    { "stopped, virtiofs by name, no shared memory -> adds shared memory",
      F(0, 1, 0, 0, 0), VIRTIOFS, VS_MODE_DEFAULT, FALSE,
      OK(VIRTIOFS, PASSTHROUGH, 0, 1, 1, 0) },
    { "running, live shared memory + ACPI, auto -> virtiofs hot-plug",
      F(1, 1, 1, 1, 1), AUTO, VS_MODE_DEFAULT, FALSE, OK(VIRTIOFS, PASSTHROUGH, 1, 1, 0, 0) },
    { "running, shared memory but no ACPI, auto -> 9p, restart",
      F(1, 1, 1, 0, 1), AUTO, VS_MODE_DEFAULT, FALSE, OK(9P, SQUASH, 0, 1, 0, 1) },
    { "running, only the definition has shared memory, auto -> 9p, restart",
      F(1, 1, 0, 1, 1), AUTO, VS_MODE_DEFAULT, FALSE, OK(9P, SQUASH, 0, 1, 0, 1) },
    { "running, virtiofs without live shared memory -> definition only, restart",
      F(1, 1, 0, 1, 0), VIRTIOFS, VS_MODE_DEFAULT, FALSE,
      OK(VIRTIOFS, PASSTHROUGH, 0, 1, 1, 1) },
    { "running, 9p passthrough -> definition only, restart",
      F(1, 1, 1, 1, 1), NINEP, VS_MODE_PASSTHROUGH, FALSE, OK(9P, PASSTHROUGH, 0, 1, 0, 1) },
    { "virtiofs + squash -> unsupported",
      F(1, 1, 1, 1, 1), VIRTIOFS, VS_MODE_SQUASH, FALSE, ERR(UNSUPPORTED) },
    { "virtiofs + mapped -> unsupported",
      F(0, 1, 0, 0, 1), VIRTIOFS, VS_MODE_MAPPED, FALSE, ERR(UNSUPPORTED) },
    { "transient running, 9p -> unsupported",
      F(1, 0, 1, 1, 0), NINEP, VS_MODE_DEFAULT, FALSE, ERR(UNSUPPORTED) },
    { "transient running, auto squash -> 9p -> unsupported",
      F(1, 0, 1, 1, 0), AUTO, VS_MODE_SQUASH, FALSE, ERR(UNSUPPORTED) },
    { "transient running, virtiofs live-capable -> live only",
      F(1, 0, 1, 1, 0), VIRTIOFS, VS_MODE_DEFAULT, FALSE,
      OK(VIRTIOFS, PASSTHROUGH, 1, 0, 0, 0) },
    { "transient running, auto, live-capable -> virtiofs live only",
      F(1, 0, 1, 1, 1), AUTO, VS_MODE_PASSTHROUGH, FALSE,
      OK(VIRTIOFS, PASSTHROUGH, 1, 0, 0, 0) },
    { "transient running, virtiofs without ACPI -> unsupported",
      F(1, 0, 1, 0, 1), VIRTIOFS, VS_MODE_DEFAULT, FALSE, ERR(UNSUPPORTED) },
    { "transient running, virtiofs without shared memory -> unsupported",
      F(1, 0, 0, 1, 0), VIRTIOFS, VS_MODE_DEFAULT, FALSE, ERR(UNSUPPORTED) },
    { "neither running nor persistent -> invalid",
      F(0, 0, 0, 0, 0), NINEP, VS_MODE_SQUASH, FALSE, ERR(INVALID) },
    { "neither running nor persistent, virtiofs -> invalid",
      F(0, 0, 1, 1, 1), VIRTIOFS, VS_MODE_DEFAULT, FALSE, ERR(INVALID) },
    { "neither running nor persistent, virtiofs + mapped -> the request is unsupported",
      F(0, 0, 1, 1, 1), VIRTIOFS, VS_MODE_MAPPED, FALSE, ERR(UNSUPPORTED) },
    { "running, live-capable, auto, read-only -> 9p, restart",
      F(1, 1, 1, 1, 1), AUTO, VS_MODE_DEFAULT, TRUE, OK(9P, SQUASH, 0, 1, 0, 1) },
    { "stopped with shared memory, auto, read-only -> 9p",
      F(0, 1, 0, 0, 1), AUTO, VS_MODE_PASSTHROUGH, TRUE, OK(9P, PASSTHROUGH, 0, 1, 0, 0) },
    { "transient running, auto, read-only -> 9p -> unsupported",
      F(1, 0, 1, 1, 1), AUTO, VS_MODE_DEFAULT, TRUE, ERR(UNSUPPORTED) },
    { "stopped with stale live facts: no hot-plug when not running",
      F(0, 1, 1, 1, 1), VIRTIOFS, VS_MODE_DEFAULT, FALSE,
      OK(VIRTIOFS, PASSTHROUGH, 0, 1, 0, 0) },
    /* domain capabilities */
    { "no 9p driver, 9p by name -> unsupported",
      FC(0, 1, 0, 0, 0, 1, 0, 0), NINEP, VS_MODE_SQUASH, FALSE, ERR(UNSUPPORTED) },
    { "no virtiofs driver, virtiofs by name -> unsupported",
      FC(1, 1, 1, 1, 1, 0, 1, 0), VIRTIOFS, VS_MODE_DEFAULT, FALSE, ERR(UNSUPPORTED) },
    { "no virtiofs driver, auto on a live-capable domain -> 9p",
      FC(1, 1, 1, 1, 1, 0, 1, 0), AUTO, VS_MODE_DEFAULT, FALSE, OK(9P, SQUASH, 0, 1, 0, 1) },
    { "no 9p driver, auto, stopped without shared memory -> unsupported (R9: ask by name)",
      FC(0, 1, 0, 0, 0, 1, 0, 0), AUTO, VS_MODE_DEFAULT, FALSE, ERR(UNSUPPORTED) },
    { "no 9p driver, virtiofs by name, stopped without shared memory -> + shared memory",
      FC(0, 1, 0, 0, 0, 1, 0, 0), VIRTIOFS, VS_MODE_DEFAULT, FALSE,
      OK(VIRTIOFS, PASSTHROUGH, 0, 1, 1, 0) },
    { "auto, running with live shared memory, definition without: brought in line (R9)",
      F(1, 1, 1, 1, 0), AUTO, VS_MODE_DEFAULT, FALSE, OK(VIRTIOFS, PASSTHROUGH, 1, 1, 1, 0) },
    { "no 9p driver, auto, squash -> unsupported",
      FC(0, 1, 0, 0, 1, 1, 0, 0), AUTO, VS_MODE_SQUASH, FALSE, ERR(UNSUPPORTED) },
    { "no 9p driver, auto, read-only -> unsupported",
      FC(0, 1, 0, 0, 1, 1, 0, 0), AUTO, VS_MODE_DEFAULT, TRUE, ERR(UNSUPPORTED) },
    { "no driver at all, auto -> unsupported",
      FC(0, 1, 0, 0, 1, 1, 1, 0), AUTO, VS_MODE_DEFAULT, FALSE, ERR(UNSUPPORTED) },
    { "no memfd, virtiofs needing shared memory -> unsupported",
      FC(0, 1, 0, 0, 0, 0, 0, 1), VIRTIOFS, VS_MODE_DEFAULT, FALSE, ERR(UNSUPPORTED) },
    { "no memfd, virtiofs with shared memory already -> fine",
      FC(0, 1, 0, 0, 1, 0, 0, 1), VIRTIOFS, VS_MODE_DEFAULT, FALSE,
      OK(VIRTIOFS, PASSTHROUGH, 0, 1, 0, 0) },
    { "no memfd, transient live-capable -> fine (nothing to add)",
      FC(1, 0, 1, 1, 0, 0, 0, 1), VIRTIOFS, VS_MODE_DEFAULT, FALSE,
      OK(VIRTIOFS, PASSTHROUGH, 1, 0, 0, 0) },
    /* libvirt >= 11.0: read-only virtiofs */
    { "virtiofs_ro, running, live-capable, auto, read-only -> virtiofs hot-plug",
      FR(1, 1, 1, 1, 1), AUTO, VS_MODE_DEFAULT, TRUE, OK(VIRTIOFS, PASSTHROUGH, 1, 1, 0, 0) },
    { "virtiofs_ro, running without shared memory, auto, read-only -> 9p, restart",
      FR(1, 1, 0, 1, 0), AUTO, VS_MODE_DEFAULT, TRUE, OK(9P, SQUASH, 0, 1, 0, 1) },
    { "virtiofs_ro, virtiofs by name, read-only, stopped -> + shared memory",
      FR(0, 1, 0, 0, 0), VIRTIOFS, VS_MODE_DEFAULT, TRUE, OK(VIRTIOFS, PASSTHROUGH, 0, 1, 1, 0) },
    { "virtiofs_ro, auto, squash, read-only -> still 9p",
      FR(1, 1, 1, 1, 1), AUTO, VS_MODE_SQUASH, TRUE, OK(9P, SQUASH, 0, 1, 0, 1) },
    { "no memfd, 9p -> fine",
      FC(0, 1, 0, 0, 0, 0, 0, 1), AUTO, VS_MODE_DEFAULT, FALSE, OK(9P, SQUASH, 0, 1, 0, 0) },
};

static void
test_plan_rows(void **state)
{
    guint failed = 0;

    for (guint i = 0; i < G_N_ELEMENTS(plan_rows); i++) {
        const PlanRow *row = &plan_rows[i];
        Expected from_oracle = oracle(&row->facts, row->driver, row->mode, row->readonly);

        /* The hand-written row and the oracle must agree... */
        if (from_oracle.ok != row->want.ok ||
            (row->want.ok ? !plans_equal(&from_oracle.plan, &row->want.plan)
                          : from_oracle.code != row->want.code)) {
            print_error("oracle disagrees with row '%s'\n", row->name);
            failed++;
        }
        /* ...and the implementation with the row. */
        if (!check_case(&row->facts, row->driver, row->mode, row->readonly, &row->want)) {
            print_error("  (row '%s')\n", row->name);
            failed++;
        }
    }
    assert_int_equal(failed, 0);
}

/* virtiofs asked for by name for a read-only share where libvirt is older
 * than 11.0 (virtiofs_ro FALSE): libvirt 9.0 refuses it
 * ("virtiofs does not yet support read-only mode", see the header of
 * src/core/vs-plan.c and the README), so the plan should refuse it up front as
 * UNSUPPORTED (exit 1, nothing changed) instead of letting the attach fail
 * (exit 2, after defining shared memory and rolling it back). */
static void
test_plan_virtiofs_readonly(void **state)
{
    guint failed = 0;

    for (guint m = 0; m < G_N_ELEMENTS(all_modes); m++) {
        for (guint bits = 0; bits < (1u << (N_FACT_BITS - 1)); bits++) {
            VsPlanFacts f = facts_from_bits(bits);   /* virtiofs_ro is the top bit: FALSE */
            Expected want = { .ok = FALSE, .code = VS_ERROR_UNSUPPORTED };

            if (!check_case(&f, VS_DRIVER_VIRTIOFS, all_modes[m], TRUE, &want) &&
                ++failed >= 10) {
                print_error("(stopped after 10)\n");
                fail();
            }
        }
    }
    assert_int_equal(failed, 0);
}

static void
test_plan_describe(void **state)
{
    static const struct {
        VsPlan plan;
        const char *mode;
    } plans[] = {
        { { VS_DRIVER_VIRTIOFS, VS_MODE_PASSTHROUGH, TRUE, TRUE, FALSE, FALSE }, "passthrough" },
        { { VS_DRIVER_VIRTIOFS, VS_MODE_PASSTHROUGH, TRUE, FALSE, FALSE, FALSE }, "passthrough" },
        { { VS_DRIVER_9P, VS_MODE_SQUASH, FALSE, TRUE, FALSE, TRUE }, "squash" },
        { { VS_DRIVER_9P, VS_MODE_MAPPED, FALSE, TRUE, FALSE, FALSE }, "mapped" },
        { { VS_DRIVER_VIRTIOFS, VS_MODE_PASSTHROUGH, FALSE, TRUE, TRUE, FALSE }, "passthrough" },
        { { VS_DRIVER_VIRTIOFS, VS_MODE_PASSTHROUGH, TRUE, TRUE, TRUE, FALSE }, "passthrough" },
    };

    for (guint i = 0; i < G_N_ELEMENTS(plans); i++) {
        const VsPlan *p = &plans[i].plan;
        g_autofree char *text = vs_plan_describe(p, "my-vm");

        assert_non_null(text);
        assert_true(*text != '\0');
        if (!strstr(text, vs_driver_to_string(p->driver)) || !strstr(text, "my-vm") ||
            !strstr(text, plans[i].mode))
            print_error("description lacks driver, mode or domain: %s\n", text);
        assert_non_null(strstr(text, vs_driver_to_string(p->driver)));
        assert_non_null(strstr(text, plans[i].mode));
        assert_non_null(strstr(text, "my-vm"));
        /* The 9p plans must not claim to be virtiofs and vice versa. */
        assert_null(strstr(text, p->driver == VS_DRIVER_9P ? "virtiofs" : "9p"));
        /* Adding shared memory changes the definition: it is said. */
        if (p->add_shared_memory != (strstr(text, "shared memory") != NULL))
            print_error("add_shared_memory=%d but: %s\n", p->add_shared_memory, text);
        assert_int_equal(!!p->add_shared_memory, strstr(text, "shared memory") != NULL);
    }
}

static void
test_plan_describe_distinguishes(void **state)
{
    /* live + config, live only, restart needed, stopped: four different texts. */
    static const VsPlan plans[] = {
        { VS_DRIVER_VIRTIOFS, VS_MODE_PASSTHROUGH, TRUE, TRUE, FALSE, FALSE },
        { VS_DRIVER_VIRTIOFS, VS_MODE_PASSTHROUGH, TRUE, FALSE, FALSE, FALSE },
        { VS_DRIVER_VIRTIOFS, VS_MODE_PASSTHROUGH, FALSE, TRUE, FALSE, TRUE },
        { VS_DRIVER_VIRTIOFS, VS_MODE_PASSTHROUGH, FALSE, TRUE, FALSE, FALSE },
    };
    g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

    for (guint i = 0; i < G_N_ELEMENTS(plans); i++) {
        char *text = vs_plan_describe(&plans[i], "d");

        assert_false(g_hash_table_contains(seen, text));
        g_hash_table_add(seen, text);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plan_all_combinations),
        cmocka_unit_test(test_plan_all_combinations_caps),
        cmocka_unit_test(test_plan_rows),
        cmocka_unit_test(test_plan_virtiofs_readonly),
        cmocka_unit_test(test_plan_describe),
        cmocka_unit_test(test_plan_describe_distinguishes),
    };

    return cmocka_run_group_tests_name("plan", tests, NULL, NULL);
}
