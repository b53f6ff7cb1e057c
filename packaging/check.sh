#!/bin/sh
# The packaging check CI runs after the test suite (as root, CI=true):
# the Debian package built, linted and installed with apt, and the installed
# program smoke-tested in Dutch and English; the build reproducible; the RPM
# and the Arch package built.  Installs what it needs with apt.
# usage: packaging/check.sh [OUTDIR]   (default: dist/)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$top/dist}
echo "== Debian package: build, lintian, apt install, smoke test"
sh "$top/packaging/deb.sh" --install "$out"
echo "== reproducible builds"
sh "$top/packaging/repro.sh" "$out"
echo "== RPM and Arch packages"
sh "$top/packaging/rpm-arch.sh" "$out"
