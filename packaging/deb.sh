#!/bin/sh
# Builds the Debian package from a clean copy of the source (the tarball
# packaging/dist.sh makes), checks it with lintian (no error, no warning),
# and with --install installs it with apt and runs packaging/smoke.sh on the
# installed program.  Build dependencies missing on the machine are
# installed from packaging/debian/control with apt (as root, or via sudo).
# usage: packaging/deb.sh [--install] [OUTDIR]      (default OUTDIR: dist/)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
install=0
if [ "${1:-}" = --install ]; then
	install=1
	shift
fi
out=${1:-$top/dist}
mkdir -p "$out"
out=$(cd "$out" && pwd)

as_root() {
	if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}
apt_get() {
	as_root env DEBIAN_FRONTEND=noninteractive apt-get -y -qq \
		--no-install-recommends "$@" </dev/null
}

# Tools, then the build dependencies the control file names.
if ! command -v dpkg-buildpackage >/dev/null || ! command -v lintian >/dev/null ||
   ! dpkg-checkbuilddeps "$top/packaging/debian/control" 2>/dev/null; then
	apt_get update
	apt_get install dpkg-dev debhelper lintian
	apt_get build-dep "$top/packaging"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tarball=$(sh "$top/packaging/dist.sh" "$work")
version=$(basename "$tarball" .tar.gz | sed 's/^bron-//')
tar -xzf "$tarball" -C "$work"
src="$work/bron-$version"
cp -R "$src/packaging/debian" "$src/debian"
cp "$tarball" "$work/bron_$version.orig.tar.gz"

echo "== dpkg-buildpackage (bron $version)"
(cd "$src" && dpkg-buildpackage -us -uc -b) >"$work/build.log" 2>&1 || {
	tail -n 60 "$work/build.log"
	echo "deb.sh: dpkg-buildpackage failed" >&2
	exit 1
}
changes=$(ls "$work"/bron_*.changes)
for f in "$work"/*.deb "$work"/*.ddeb "$work"/*.buildinfo "$changes"; do
	[ -e "$f" ] && cp "$f" "$out/"
done
changes="$out/$(basename "$changes")"
deb=$(ls "$out"/bron_"$version"-*_*.deb)
echo "built $deb"

echo "== lintian"
lintian --fail-on error,warning --display-info "$changes"
echo "lintian: no errors, no warnings"

if [ "$install" = 1 ]; then
	echo "== apt install $deb"
	apt_get install "$deb"
	sh "$top/packaging/smoke.sh" /usr/bin/bron
fi
