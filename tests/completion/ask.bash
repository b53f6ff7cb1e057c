# Prints, for each line of CASES, what the bash completion in SCRIPT offers
# at the end of its text before the first '|', on one line.
# usage: bash ask.bash SCRIPT CASES
source "$1" || exit 1
while IFS= read -r c; do
	line=${c%%|*}
	read -ra typed <<<"$line"
	[[ $line == *' ' ]] && typed+=('')
	# as COMP_WORDBREAKS splits them: --option=value is three words
	COMP_WORDS=()
	for w in "${typed[@]}"; do
		if [[ $w == --*=* ]]; then
			COMP_WORDS+=("${w%%=*}" =)
			[[ -n ${w#*=} ]] && COMP_WORDS+=("${w#*=}")
		else
			COMP_WORDS+=("$w")
		fi
	done
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE=$line
	COMP_POINT=${#line}
	COMPREPLY=()
	_bron
	echo "${COMPREPLY[*]}"
done <"$2"
