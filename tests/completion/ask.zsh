# Prints, for each line of CASES, what the zsh completion in DIR (as _bron
# in $fpath, loaded by compinit) offers at the end of its text before the
# first '|', on one line.  A zsh in a pseudo-terminal types each line and a
# key that completes and then prints a mark; compadd is wrapped to print
# what it is given.
# usage: zsh -f ask.zsh DIR CASES
zmodload zsh/zpty || exit 1
zpty z zsh -f -i
zpty -w z "PS1='%% '; unsetopt AUTO_LIST BEEP; fpath=(${(q)1} \$fpath)" \
	"; autoload -U compinit; compinit -u -D"
# the marks are split in what is typed, so that its echo never matches
zpty -w z 'compadd() {
	if (( $argv[(I)-[OAD]] )); then builtin compadd "$@"; return; fi
	local -a m; builtin compadd -O m "$@"
	(( $#m )) && print -rl -- "<""M>"${^m} >/dev/tty
	builtin compadd "$@"
}'
zpty -w z 'complete-and-mark() {
	zle complete-word; print -r "<DO""NE>" >/dev/tty
}'
zpty -w z 'zle -N complete-and-mark; bindkey "^T" complete-and-mark'
while IFS= read -r c; do
	zpty -w -n z "${c%%|*}"$'\C-t'
	zpty -r z out '*<DONE>*' || exit 1
	zpty -w -n z $'\C-u'
	print -r -- ${(f)"$(print -r -- "$out" | tr -d '\r' | sed -n 's/.*<M>//p')"}
done <$2
zpty -d z
