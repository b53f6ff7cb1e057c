#!/bin/sh
# Smoke test of an installed bron (from a package): help, a new vault, two
# entries and the supervision view, in Dutch and in English; the man pages,
# the Dutch catalogue and the shell completions in their standard places.
# usage: packaging/smoke.sh [BRON] [PREFIX]   (default: /usr/bin/bron, /usr)
set -eu
bron=${1:-/usr/bin/bron}
prefix=${2:-/usr}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
unset BRON_LOCALEDIR BRON_VAULT LANGUAGE LC_ALL LC_MESSAGES 2>/dev/null || true
export HOME="$tmp/home"
mkdir -m 700 "$HOME"
umask 077
printf '%s\n' 'a long passphrase for the package smoke test' > "$tmp/pass"

fail() {
	echo "smoke: $*" >&2
	exit 1
}
# has FILE TEXT / lacks FILE TEXT
has() { grep -qF -- "$2" "$1" || { cat "$1" >&2; fail "'$2' missing"; }; }
lacks() { ! grep -qF -- "$2" "$1" || { cat "$1" >&2; fail "'$2' leaked"; }; }

for f in "$prefix/share/man/man1/bron.1.gz" "$prefix/share/man/man5/bron.5.gz" \
	 "$prefix/share/locale/nl/LC_MESSAGES/bron.mo" \
	 "$prefix/share/bash-completion/completions/bron" \
	 "$prefix/share/zsh/vendor-completions/_bron" \
	 "$prefix/share/fish/vendor_completions.d/bron.fish"; do
	[ -f "$f" ] || fail "$f is not installed"
done
# the installed completion completes: a command, and a level after --level
got=$(bash --norc --noprofile -c '. "$1"; COMP_WORDS=(bron supervi); COMP_CWORD=1
	_bron; echo "${COMPREPLY[*]}"; COMP_WORDS=(bron add --level pr); COMP_CWORD=3
	_bron; echo "${COMPREPLY[*]}"' sh "$prefix/share/bash-completion/completions/bron")
case $got in
"supervision
private "*) ;;
*) fail "bash completion offers '$got'" ;;
esac
if command -v man >/dev/null; then
	man -w bron >/dev/null && man -w 5 bron >/dev/null || fail "man cannot find bron"
fi

# check LOCALE USAGE INIT-WORD PERSON PLACE HEADING TODAY (as the view writes it)
check() {
	loc=$1
	locale -a 2>/dev/null | grep -qix "$(echo "$loc" | sed 's/UTF-8/utf8/')" ||
		fail "the locale $loc is not generated"
	v="$tmp/$loc.bron"
	run() { LANG=$loc "$bron" --vault "$v" --passphrase-fd 3 "$@" 3<"$tmp/pass"; }
	LANG=$loc "$bron" --help > "$tmp/help" || fail "--help"
	head -n 1 "$tmp/help" | grep -q "^$2 bron" || fail "--help is not in $loc"
	run init --kdf-memory 8 --kdf-passes 1 > "$tmp/init" 2>&1 || fail "init ($loc)"
	has "$tmp/init" "$3"
	echo 'Yesterday Jan de Vries and I talked in Utrecht about the debts.' |
		run add --title "After the talk" --level shareable > /dev/null ||
		fail "add ($loc)"
	echo 'PRIVATE-CANARY only for me' |
		run add --title "Mine alone" > /dev/null || fail "add ($loc)"
	run supervision --yes > "$tmp/view" || fail "supervision ($loc)"
	has "$tmp/view" "$6"
	has "$tmp/view" "$7"
	has "$tmp/view" "After the talk"
	has "$tmp/view" "[$4 1]"
	has "$tmp/view" "[$5 1]"
	for secret in PRIVATE-CANARY "Mine alone" "Jan de Vries" Utrecht; do
		lacks "$tmp/view" "$secret"
	done
	echo "smoke: $loc ok"
}
check nl_NL.UTF-8 gebruik: herstelcode Persoon Plaats "# Supervisieoverzicht" "$(date +%d-%m-%Y)"
check en_US.UTF-8 usage: "recovery code" Person Place "# Supervision view" "$(date +%Y-%m-%d)"
"$bron" --version
