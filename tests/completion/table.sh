#!/bin/sh
# Each generated script offers exactly the commands 'bron help' lists, and
# for each command every option 'bron help CMD' lists, long and short, in
# the place where that script completes the command's options.
# usage: table.sh BRON COMPLETION_DIR
set -eu
bron=$1
dir=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export LC_ALL=C LANGUAGE=
status=0
fail() {
	echo "$*" >&2
	status=1
}
# one word a line, sorted
sorted() {
	printf '%s\n' $1 | sort
}

commands=$("$bron" help | sed -n 's/^  \([a-z]*\)  .*/\1/p')
[ -n "$commands" ] || fail "'bron help' lists no commands"
sorted "$commands" >"$tmp/want"
# where each script lists the commands
sorted "$(sed -n "/^_bron_commands()/,/^}/s/^.*_bron_words '\(.*\)'/\1/p" \
	"$dir/bron")" >"$tmp/bash"
sorted "$(sed -n "/^\t\tcommands=(/,/^\t\t)/s/^\t\t\t'\([a-z]*\):.*/\1/p" \
	"$dir/_bron")" >"$tmp/zsh"
sorted "$(sed -n 's/^complete .* __bron_needs_command -a \([a-z]*\) .*/\1/p' \
	"$dir/bron.fish")" >"$tmp/fish"
for shell in bash zsh fish; do
	cmp -s "$tmp/want" "$tmp/$shell" ||
		fail "$shell offers other commands than 'bron help':" \
			"$(diff "$tmp/want" "$tmp/$shell" | sed -n 's/^[<>]/&/p')"
done

for cmd in $commands; do
	# "  -l, --level X   ..." and "      --json   ..." lines
	"$bron" help "$cmd" |
		sed -n 's/^  \(-\(.\), \)\{0,1\} *--\([a-z-]*\).*/\3 \2/p' >"$tmp/opts"
	# the command's part of each script
	grep "^	$cmd) _bron_words '" "$dir/bron" >"$tmp/bash" || :
	sed -n "/^\t\t$cmd)\$/,/^\t\t\t;;\$/p" "$dir/_bron" >"$tmp/zsh"
	grep "^complete -c bron -n '__bron_using $cmd' " "$dir/bron.fish" \
		>"$tmp/fish" || :
	while read -r long short; do
		grep -q -- "[ ']--$long[ ']" "$tmp/bash" ||
			fail "bash does not offer '$cmd --$long'"
		grep -q -- "--$long=\{0,1\}\[" "$tmp/zsh" ||
			fail "zsh does not offer '$cmd --$long'"
		grep -q -- " -l $long " "$tmp/fish" ||
			fail "fish does not offer '$cmd --$long'"
		[ -n "$short" ] || continue
		grep -q -- " -$short[ ']" "$tmp/bash" ||
			fail "bash does not offer '$cmd -$short'"
		grep -q -- "[)'*]-$short\[" "$tmp/zsh" ||
			fail "zsh does not offer '$cmd -$short'"
		grep -q -- " -s $short -l $long " "$tmp/fish" ||
			fail "fish does not offer '$cmd -$short'"
	done <"$tmp/opts"
done
exit $status
