#!/bin/sh
# Checks that bron builds reproducibly: the same commit built twice, in two
# different folders, must give bit-identical results.
#  1. the program: two CMake builds (RelWithDebInfo, as packages build it);
#  2. the Debian package: two runs of packaging/deb.sh (dpkg-buildpackage
#     sets SOURCE_DATE_EPOCH from debian/changelog);
#  3. the source tarball: two runs of packaging/dist.sh.
# On a difference it names the files and, when diffoscope is installed,
# shows what differs.  usage: packaging/repro.sh [OUTDIR]   (default: dist/)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$top/dist}
mkdir -p "$out"
out=$(cd "$out" && pwd)
jobs=$(nproc 2>/dev/null || echo 2)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-$(cd "$top" && git log -1 --format=%ct)}"
status=0

# same NAME A B: compares two files byte for byte.
same() {
	if cmp -s "$2" "$3"; then
		echo "repro: $1 identical ($(sha256sum < "$2" | cut -c1-16))"
	else
		echo "repro: $1 DIFFERS: $2 $3" >&2
		if command -v diffoscope >/dev/null; then
			diffoscope --text - "$2" "$3" | head -n 80 >&2 || true
		fi
		status=1
	fi
}

echo "== the program, built twice"
for b in one two; do
	# a source copy in a differently named folder each time
	tar -xzf "$(sh "$top/packaging/dist.sh" "$work/$b")" -C "$work/$b"
	src=$(ls -d "$work/$b"/bron-*/)
	cmake -S "$src" -B "$work/$b/build-$b" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
		-DBRON_TESTS=OFF -DBRON_BENCH=OFF >"$work/$b.log" 2>&1 &&
	cmake --build "$work/$b/build-$b" -j "$jobs" >>"$work/$b.log" 2>&1 || {
		cat "$work/$b.log" >&2
		exit 1
	}
done
same bron "$work/one/build-one/src/bron" "$work/two/build-two/src/bron"
for f in locale/nl/LC_MESSAGES/bron.mo completion/bron completion/_bron \
         completion/bron.fish; do
	same "$f" "$work/one/build-one/$f" "$work/two/build-two/$f"
done

echo "== the source tarball, made twice"
same "source tarball" "$work/one/bron-"*.tar.gz "$work/two/bron-"*.tar.gz

echo "== the Debian package, built twice"
sh "$top/packaging/deb.sh" "$work/deb-one" >"$work/deb-one.log" 2>&1 ||
	{ cat "$work/deb-one.log" >&2; exit 1; }
sh "$top/packaging/deb.sh" "$work/deb-two" >"$work/deb-two.log" 2>&1 ||
	{ cat "$work/deb-two.log" >&2; exit 1; }
for deb in "$work/deb-one/"*.deb; do
	same "$(basename "$deb")" "$deb" "$work/deb-two/$(basename "$deb")"
done
cp "$work/deb-one/"*.deb "$out/"
exit $status
