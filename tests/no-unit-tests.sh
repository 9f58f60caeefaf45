#!/usr/bin/env bash
# Stands in for the cmocka unit tests when configure did not build them.
# shellcheck source=tap.sh
. "$(dirname "${BASH_SOURCE[0]}")/tap.sh"
tap_skip "cmocka unit tests" "not built: configure found no cmocka >= 1.1 or had --disable-tests (install libcmocka-dev, re-run configure)"
tap_done
