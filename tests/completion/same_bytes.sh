#!/bin/sh
# The scripts are the same bytes on every run and in every language, and
# the build's copies are what the program writes now.
# usage: same_bytes.sh BRON COMPLETION_DIR  (BRON_LOCALEDIR set for Dutch)
set -eu
bron=$1
dir=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
for pair in bash:bron zsh:_bron fish:bron.fish; do
	shell=${pair%%:*}
	file=${pair#*:}
	LC_ALL=C LANGUAGE= "$bron" --completion "$shell" >"$tmp/1"
	LC_ALL=C LANGUAGE= "$bron" --completion "$shell" >"$tmp/2"
	LC_ALL= LANGUAGE=nl LANG=nl_NL.UTF-8 "$bron" --completion "$shell" \
		>"$tmp/nl"
	for other in "$tmp/2" "$tmp/nl" "$dir/$file"; do
		cmp "$tmp/1" "$other" >&2 ||
			{ echo "$shell: $other differs" >&2; status=1; }
	done
done
exit $status
