#!/bin/sh
# The generated script parses in its shell; zsh's also loads, from $fpath
# under compinit and when sourced, and makes _bron complete bron.
# usage: syntax.sh bash|zsh|fish FILE
set -eu
shell=$1
file=$2
if ! command -v "$shell" >/dev/null; then
	echo "$shell is not installed" >&2
	exit 77
fi
[ -s "$file" ] || { echo "$file is missing or empty" >&2; exit 1; }
case $shell in
bash) bash -n "$file" ;;
zsh)
	zsh -n "$file"
	HOME=/nonexistent zsh -f -c '
		fpath=(${1:h} $fpath)
		autoload -U compinit && compinit -u -D || exit 1
		[[ $_comps[bron] == _bron ]] ||
			{ print -u2 "compinit finds no _bron for bron"; exit 1 }
		autoload +X _bron && [[ $(whence -w _bron) == "_bron: function" ]] || exit 1
		unset "_comps[bron]"; unfunction _bron
		source $1 && [[ $_comps[bron] == _bron ]] ||
			{ print -u2 "sourcing $1 does not define _bron for bron"; exit 1 }
	' zsh "$file" ;;
fish) fish --no-execute "$file" ;;
esac
