#!/bin/sh
# Every man page given renders without a single warning: under groff -ww
# always, and under mandoc's linter (-T lint -W warning) when mandoc is
# installed.  CI installs mandoc (.ci/deps), so there (CI=true) a missing
# mandoc fails instead of being skipped.
# usage: lint_man.sh PAGE...
set -eu
status=0
have_mandoc=1
if ! command -v mandoc >/dev/null 2>&1; then
	have_mandoc=0
	if [ "${CI:-}" = true ]; then
		echo "mandoc is not installed (.ci/deps installs it)" >&2
		status=1
	else
		echo "note: mandoc is not installed; only groff checked the pages" >&2
	fi
fi
for page in "$@"; do
	if [ ! -r "$page" ]; then
		echo "cannot read $page" >&2
		status=1
		continue
	fi
	if ! out=$(groff -ww -mdoc -Tutf8 -z "$page" 2>&1) || [ -n "$out" ]; then
		echo "groff warnings in $page:" >&2
		echo "$out" >&2
		status=1
	fi
	if [ $have_mandoc = 1 ]; then
		if ! out=$(mandoc -T lint -W warning "$page" 2>&1) || [ -n "$out" ]; then
			echo "mandoc warnings in $page:" >&2
			echo "$out" >&2
			status=1
		fi
	fi
done
exit $status
