#!/usr/bin/env bash
# Names by role, prefix = file (as libvirt's virFile* live in virfile.c): a
# function exported from a core header src/core/vs-foo-bar.h is named
# vs_foo_bar_*, so that a name says which file to open.  The one exception
# the rule allows: the enum<->string pair VS_ENUM_DECL(vs_type) generates
# takes the name of its type, declared in the same header (VsDriver:
# vs_driver_to_string), as libvirt's VIR_ENUM_DECL does.  Anything else that
# may not follow the rule is listed below, with its reason.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tap.sh
. "$here/tap.sh"
CORE=${VS_CORE_DIR:-$here/../src/core}

# Exceptions, "header function reason", one a line (none today).
EXCEPTIONS=''

# exported HEADER: "function" for each function HEADER declares at the top
# level (comments dropped), with "enum TYPE function" for the two functions
# of each VS_ENUM_DECL(TYPE).
exported() {
    perl -0777 -ne '
        s{/\*.*?\*/}{}gs;
        s{//[^\n]*}{}g;
        for (split /\n/) {
            if (/^VS_ENUM_DECL\((\w+)\)/) {
                print "enum $1 $1_to_string\nenum $1 $1_from_string\n";
            } elsif (/^(?:static\s+inline\s+)?[A-Za-z_][\w \*]*?\b(vs_\w+)\s*\(/) {
                print "$1\n";
            }
        }' "$1"
}

# camel vs_foo_bar: VsFooBar, the type an enum table is named after.
camel() { perl -pe 's/(?:^|_)(\w)/\u$1/g' <<<"$1"; }

# misnamed HEADER...: "header: function" for every exported function that
# does not carry its header's prefix and is no exception; fails if any.
misnamed() {
    local h base prefix kind type fn bad=0
    for h in "$@"; do
        base=$(basename "$h" .h)
        prefix="${base//-/_}_"
        while read -r kind type fn; do
            if [ "$kind" != enum ]; then
                fn=$kind type=
            fi
            [[ $fn == "$prefix"* ]] && continue
            if [ -n "$type" ] && grep -Eq "^\}[[:space:]]*$(camel "$type");" "$h"; then
                continue
            fi
            grep -Fqx -- "$base.h $fn" <<<"$(cut -d' ' -f1,2 <<<"$EXCEPTIONS")" && continue
            printf '%s.h: %s\n' "$base" "$fn"
            bad=1
        done < <(exported "$h")
    done
    return "$bad"
}

headers=("$CORE"/vs-*.h)
found=$(for h in "${headers[@]}"; do exported "$h"; done | wc -l)
tap_check "the core headers are read (${#headers[@]} headers, $found functions)" \
    test "${#headers[@]}" -gt 20 -a "$found" -gt 150

if out=$(misnamed "${headers[@]}"); then
    tap_ok "every function exported from src/core/vs-foo.h is named vs_foo_*"
else
    tap_not_ok "every function exported from src/core/vs-foo.h is named vs_foo_*" \
        "$out" "(rename it, or move it to the file whose prefix it has; see HACKING, Layout)"
fi

# The check itself: a wrong name, an enum table without its type and a
# deliberately misnamed declaration across lines are caught; a comment is not.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/vs-demo-file.h" <<'H'
/* vs_other_in_a_comment(void) is no declaration. */
typedef enum { VS_DEMO_FILE_A, VS_DEMO_FILE_LAST } VsDemoFile;
VS_ENUM_DECL(vs_demo_file);
gboolean vs_demo_file_check(const char *path,
                            GError **error);
VS_ENUM_DECL(vs_color);
char *vs_other_name(void);
H
out=$(misnamed "$tmp/vs-demo-file.h")
tap_check "a misnamed function is caught" grep -qx 'vs-demo-file.h: vs_other_name' <<<"$out"
tap_check "an enum table without its type beside it is caught" \
    grep -qx 'vs-demo-file.h: vs_color_to_string' <<<"$out"
tap_check "names in comments, the file's own names and its type's table pass" \
    test "$(wc -l <<<"$out")" -eq 3

# An exception names a header and a function that still exist, with a reason.
while read -r h fn reason; do
    [ -n "$h" ] || continue
    tap_check "exception $h $fn still exists, with a reason" \
        test -f "$CORE/$h" -a -n "$reason" -a -n "$(exported "$CORE/$h" | grep -w -- "$fn")"
done <<<"$EXCEPTIONS"
tap_done
