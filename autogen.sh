#!/bin/sh
# Regenerate the build system from a git checkout.
set -e
srcdir=$(dirname "$0")
cd "$srcdir"
autoreconf --force --install --verbose
