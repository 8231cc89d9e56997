#!/usr/bin/env bash
# tests/install/run_example.sh: the CTest test `install_example`.  Installs
# the build tree into a temporary prefix, builds the example provider
# project (examples/provider-project) against it with find_package
# (hiperfcheck), runs its CTest conformance test and checks that it passed
# and kept its reports.  Needs nothing outside the build and a temp dir.
#
#   run_example.sh <build-dir> <source-dir> [<cmake> <ctest>]
set -euo pipefail
build=$1
src=$2
cmake=${3:-cmake}
ctest=${4:-ctest}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/hiperfcheck-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

echo "== install into $tmp/prefix"
"$cmake" --install "$build" --prefix "$tmp/prefix" >"$tmp/install.log" || { cat "$tmp/install.log"; exit 1; }

echo "== configure and build the example against it"
# The example gets its own flags: no sanitizer, whatever hiperfcheck was
# built with (an ASan hiperfcheck loads a plain provider fine).  The
# sanitizer environment of a sanitizer build is not passed on to its compiler.
env -u CFLAGS -u LDFLAGS "$cmake" -S "$src/examples/provider-project" -B "$tmp/example" \
    -DCMAKE_PREFIX_PATH="$tmp/prefix" -DCMAKE_BUILD_TYPE=RelWithDebInfo
"$cmake" --build "$tmp/example"

echo "== run its conformance test"
"$ctest" --test-dir "$tmp/example" --output-on-failure -L conformance

report="$tmp/example/hiperfcheck-fanprov_conformance"
for f in report.json junit.xml hiperfcheck.db; do
    if [ ! -s "$report/$f" ]; then
        echo "run_example.sh: $report/$f is missing" >&2
        exit 1
    fi
done
# The package's pkg-config file gives the same headers and library.
pc=$(find "$tmp/prefix" -name hiperfcheck.pc | head -1)
if [ -z "$pc" ]; then
    echo "run_example.sh: hiperfcheck.pc was not installed" >&2
    exit 1
fi
if command -v pkg-config >/dev/null; then
    PKG_CONFIG_PATH=$(dirname "$pc") pkg-config --cflags --libs hiperfcheck
fi
echo "install_example: the example provider passed its conformance test against the installed package"
