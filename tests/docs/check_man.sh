#!/bin/sh
# bron(1) renders without a single warning (lint_man.sh: groff, and mandoc
# when installed), and documents what the program has: every global option
# of its usage, every command and every option of the command table (as
# the program's help lists them), each one-letter option with its long
# form, and, given the source folder, every environment variable the
# program reads.
# usage: check_man.sh BRON MANPAGE [SOURCE_DIR]
set -eu
bron=$1
man=$2
src=${3:-}
here=$(dirname "$0")
status=0
sh "$here/lint_man.sh" "$man" || status=1

# LC_ALL=C: the help in English.
usage=$(LC_ALL=C "$bron" --help | sed '/^$/q')
# ".It Fl -vault Ar path": Fl adds the first dash
for opt in $(echo "$usage" | grep -o -- '--[a-z-]*' | sort -u); do
	if ! grep -q "^\.It Fl \(h , Fl \)\{0,1\}${opt#-}\( \|$\)" "$man"; then
		echo "bron(1) does not document the global option '$opt'" >&2
		status=1
	fi
done

# "  name     summary" lines of the command list
for cmd in $(LC_ALL=C "$bron" help | sed -n 's/^  \([a-z]*\)  .*/\1/p') lock quit; do
	if ! grep -q "^\.It Cm $cmd\b" "$man"; then
		echo "bron(1) does not document the command '$cmd'" >&2
		status=1
	fi
	help=$(LC_ALL=C "$bron" help "$cmd")
	for opt in $(echo "$help" | sed -n 's/^  \(-., \)\{0,1\} *--\([a-z-]*\).*/\2/p'); do
		if ! awk -v c="$cmd" -v o="$opt" '
			/^\.It Cm / { inside = ($0 ~ "^\\.It Cm " c "( |$)") }
			inside && index($0, "Fl -" o) { found = 1 }
			END { exit !found }' "$man"; then
			echo "bron(1) does not document '$cmd --$opt'" >&2
			status=1
		fi
	done
	# "  -l, --level X": the list of one-letter forms names it as
	# ".Fl l" and, on the next line, ".Pq Fl -level".
	echo "$help" | sed -n 's/^  -\(.\), --\([a-z-]*\).*/\1 \2/p' |
	while read -r short long; do
		if ! awk -v s="$short" -v l="$long" '
			prev == ".Fl " s && index($0, ".Pq Fl -" l) == 1 { found = 1 }
			{ prev = $0 }
			END { exit !found }' "$man"; then
			echo "bron(1) does not give -$short as the short form of --$long" >&2
			exit 1
		fi
	done || status=1
done

# getenv("NAME") anywhere in the program or the library
if [ -n "$src" ]; then
	for var in $(grep -rhoE 'getenv\("[A-Z_]+"\)' "$src/src" |
	             sed 's/getenv("\(.*\)")/\1/' | sort -u); do
		if ! grep -q "Ev $var\b" "$man"; then
			echo "bron(1) does not document the environment variable $var" >&2
			status=1
		fi
	done
fi
exit $status
