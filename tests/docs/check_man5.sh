#!/bin/sh
# bron(5) renders without a single warning (lint_man.sh: groff, and mandoc
# when installed), and keeps up with the library: it names the format
# version of include/bron/vault.h and every record kind (BRON_KIND_*) that
# the public headers define.
# usage: check_man5.sh INCLUDE_DIR MANPAGE
set -eu
inc=$1
man=$2
here=$(dirname "$0")
status=0
sh "$here/lint_man.sh" "$man" || status=1

version=$(sed -n 's/^#define BRON_FORMAT_VERSION \([0-9]*\).*/\1/p' "$inc/vault.h")
if [ -z "$version" ]; then
	echo "no BRON_FORMAT_VERSION in $inc/vault.h" >&2
	status=1
elif ! grep -q "^The format version in the header is $version\.$" "$man"; then
	echo "bron(5) does not give the format version $version" >&2
	status=1
fi

kinds=$(sed -n 's/^#define BRON_KIND_[A-Z_]* \(0x[0-9a-fA-F]*\).*/\1/p' "$inc"/*.h)
if [ -z "$kinds" ]; then
	echo "no BRON_KIND_* in $inc" >&2
	status=1
fi
for kind in $kinds; do
	if ! grep -q "^\.It $kind$" "$man"; then
		echo "bron(5) does not describe the record kind $kind" >&2
		status=1
	fi
done
exit $status
