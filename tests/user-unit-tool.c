/* user-unit-tool: the core's user-unit calls (vs-user-unit.h) from the
 * command line, for tests/e2e/installed.sh, which runs it as a desktop user
 * under a real systemd user instance: "state" prints on, off or unknown
 * (and why), "enable" is the desktop program's Turn On, "offer URI" exits 0
 * when a front end on URI would offer it.  Built, never installed. */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "vs-user-unit.h"

int
main(int argc, char **argv)
{
    g_autoptr(GError) error = NULL;

    if (argc == 2 && strcmp(argv[1], "state") == 0) {
        VsUserUnitState st = vs_user_unit_state(&error);

        printf("%s\n", st == VS_USER_UNIT_ON ? "on" : st == VS_USER_UNIT_OFF ? "off" : "unknown");
        if (error)
            fprintf(stderr, "%s\n", error->message);
        return 0;
    }
    if (argc == 2 && strcmp(argv[1], "enable") == 0) {
        if (vs_user_unit_enable(&error))
            return 0;
        fprintf(stderr, "%s\n", error->message);
        return 1;
    }
    if (argc == 3 && strcmp(argv[1], "offer") == 0)
        return vs_user_unit_offer(argv[2]) ? 0 : 1;
    fprintf(stderr, "usage: user-unit-tool state | enable | offer URI\n");
    return 2;
}
