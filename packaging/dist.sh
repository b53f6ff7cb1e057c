#!/bin/sh
# Makes the source tarball bron-VERSION.tar.gz from the files git tracks
# (and new files it does not ignore), the same bytes for the same tree:
# names sorted, owner root, every mtime SOURCE_DATE_EPOCH (default: the
# last commit's time).  The packaging scripts build from it.
# usage: packaging/dist.sh [OUTDIR]    (default: dist/)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$top/dist}
mkdir -p "$out"
out=$(cd "$out" && pwd)
cd "$top"
version=$(sed -n 's/^project(bron VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
[ -n "$version" ] || { echo "dist.sh: no version in CMakeLists.txt" >&2; exit 1; }
epoch=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct)}
tarball="$out/bron-$version.tar.gz"
git ls-files --cached --others --exclude-standard |
	LC_ALL=C sort -u |
	while IFS= read -r f; do if [ -e "$f" ]; then printf '%s\n' "$f"; fi; done |
	tar --verbatim-files-from -T - --transform "s|^|bron-$version/|" \
	    --sort=name --owner=0 --group=0 --numeric-owner \
	    --mtime="@$epoch" --mode='u+rw,go=rX' --format=gnu -cf - |
	gzip -n -9 > "$tarball.tmp"
mv "$tarball.tmp" "$tarball"
echo "$tarball"
