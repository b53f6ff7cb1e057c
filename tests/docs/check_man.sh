#!/bin/sh
# The man page renders without a single warning, and documents every command
# and every option of the command table (as the program's help lists them).
# usage: check_man.sh BRON MANPAGE
set -eu
bron=$1
man=$2
warnings=$(groff -ww -mdoc -Tutf8 -z "$man" 2>&1)
if [ -n "$warnings" ]; then
	echo "groff warnings in $man:" >&2
	echo "$warnings" >&2
	exit 1
fi
status=0
# "  name     summary" lines of the command list (LANGUAGE=C: English)
for cmd in $(LC_ALL=C "$bron" help | sed -n 's/^  \([a-z]*\)  .*/\1/p') lock quit; do
	if ! grep -q "^\.It Cm $cmd\b" "$man"; then
		echo "bron(1) does not document the command '$cmd'" >&2
		status=1
	fi
	for opt in $(LC_ALL=C "$bron" help "$cmd" | sed -n 's/^  \(-., \)\{0,1\} *--\([a-z-]*\).*/\2/p'); do
		if ! awk -v c="$cmd" -v o="$opt" '
			/^\.It Cm / { inside = ($0 ~ "^\\.It Cm " c "( |$)") }
			inside && index($0, "Fl -" o) { found = 1 }
			END { exit !found }' "$man"; then
			echo "bron(1) does not document '$cmd --$opt'" >&2
			status=1
		fi
	done
done
exit $status
