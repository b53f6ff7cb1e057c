#!/bin/sh
# 'bron --completion' with a shell it has no script for is a usage error,
# one sentence on stderr and nothing on stdout; with a known shell it needs
# no vault, no home and no terminal.
# usage: unknown_shell.sh BRON
set -u
bron=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export LC_ALL=C LANGUAGE=
status=0
fail() {
	echo "$*" >&2
	status=1
}

"$bron" --completion tcsh >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 2 ] || fail "--completion tcsh: exit status $rc, not 2"
[ ! -s "$tmp/out" ] || fail "--completion tcsh printed to stdout"
[ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q "^bron: .*'tcsh'" "$tmp/err" ||
	fail "--completion tcsh: not one sentence naming the shell:" \
		"$(cat "$tmp/err")"

"$bron" --completion >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 2 ] || fail "--completion without a shell: exit status $rc, not 2"

for shell in bash zsh fish; do
	env -u HOME -u BRON_VAULT -u XDG_DATA_HOME "$bron" --completion "$shell" \
		</dev/null >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ $rc -eq 0 ] && [ -s "$tmp/out" ] && [ ! -s "$tmp/err" ] ||
		fail "--completion $shell without a home: exit status $rc:" \
			"$(cat "$tmp/err")"
done
exit $status
