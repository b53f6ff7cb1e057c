#!/bin/sh
# Completes lines in a shell with the generated script and compares what it
# offers with what the program says: at 'bron ' exactly the commands 'bron
# help' lists, at 'bron CMD --' exactly the options 'bron help CMD' lists,
# and the lines in ./cases (LINE|exact|WORDS, LINE|has|WORDS, LINE|none|).
# FILES in a case is a folder holding one file, notes.txt.
# usage: behaviour.sh bash|zsh|fish BRON COMPLETION_DIR
set -eu
shell=$1
bron=$2
dir=$3
here=$(cd "$(dirname "$0")" && pwd)
if ! command -v "$shell" >/dev/null; then
	echo "$shell is not installed" >&2
	exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/files" "$tmp/home"
: >"$tmp/files/notes.txt"

commands=$(LC_ALL=C LANGUAGE= "$bron" help | sed -n 's/^  \([a-z]*\)  .*/\1/p')
{
	echo "bron |exact|$(echo $commands)"
	for cmd in $commands; do
		opts=$(LC_ALL=C LANGUAGE= "$bron" help "$cmd" |
			sed -n 's/^  \(-., \)\{0,1\} *\(--[a-z-]*\).*/\2/p')
		echo "bron $cmd --|exact|$(echo $opts)"
	done
	sed "s|FILES|$tmp/files|g" "$here/cases"
} >"$tmp/cases"

# the shells see the words as UTF-8 (privé) and none of the user's settings
cd "$tmp"
export HOME="$tmp/home" XDG_CONFIG_HOME="$tmp/home" XDG_DATA_HOME="$tmp/home"
export LC_ALL=C.UTF-8 LANGUAGE=
case $shell in
bash) bash --norc --noprofile "$here/ask.bash" "$dir/bron" "$tmp/cases" ;;
zsh) zsh -f "$here/ask.zsh" "$dir" "$tmp/cases" ;;
fish)
	# when nothing starts with the word, fish offers what merely contains
	# its letters: keep what starts with it, as bash and zsh offer
	fish --no-config -c 'source $argv[1]
	while read -l c
		set -l line (string split -m1 "|" -- $c)[1]
		set -l word (string split " " -- $line)[-1]
		echo (complete -C"$line" | string replace -r "\t.*" "" |
			string match -- "$word*")
	end' "$dir/bron.fish" <"$tmp/cases" ;;
esac >"$tmp/answers"

# one word a line, without a folder, an --option= or a trailing /
words() {
	printf '%s\n' $1 | sed 's|/$||; s|.*/||; s|^--[a-z-]*=||' | LC_ALL=C sort -u
}
status=0
n=0
while IFS= read -r c; do
	n=$((n + 1))
	line=${c%%|*}
	how=${c#*|}
	want=${how#*|}
	how=${how%%|*}
	got=$(sed -n "${n}p" "$tmp/answers")
	words "$got" >"$tmp/got"
	words "$want" >"$tmp/want"
	case $how in
	exact) cmp -s "$tmp/got" "$tmp/want" ;;
	has) [ -z "$(LC_ALL=C comm -13 "$tmp/got" "$tmp/want")" ] ;;
	none) [ -z "$got" ] ;;
	esac || {
		echo "$shell: '$line' offers: $got" >&2
		echo "  but should offer ($how): $want" >&2
		status=1
	}
done <"$tmp/cases"
[ "$n" -gt 30 ] && [ "$(wc -l <"$tmp/answers")" -eq "$n" ] || {
	echo "$shell: $n cases, but $(wc -l <"$tmp/answers") answers" >&2
	status=1
}
exit $status
