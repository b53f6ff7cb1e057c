#!/bin/sh
# Fails when a user-visible string in the sources has no Dutch translation,
# or when po/nl.po holds a fuzzy or untranslated message.
# usage: check_po.sh SOURCE_DIR
set -eu
src=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$src"
find src -name '*.[ch]' | LC_ALL=C sort > "$tmp/files"
xgettext --from-code=UTF-8 --language=C --keyword=_ --keyword=N_ --keyword=P_:1,2 \
	-f "$tmp/files" -o "$tmp/bron.pot"
for po in po/*.po; do
	# every msgid in the sources must be translated in $po
	if ! msgcmp "$po" "$tmp/bron.pot" 2> "$tmp/cmp"; then
		echo "$po lacks translations:" >&2
		cat "$tmp/cmp" >&2
		exit 1
	fi
	stats=$(msgfmt --check --statistics -o /dev/null "$po" 2>&1)
	case "$stats" in
	*untranslated*|*fuzzy*)
		echo "$po: $stats" >&2
		exit 1 ;;
	esac
	echo "$po: $stats"
done
