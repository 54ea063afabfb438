#!/bin/sh
# memcheck_root.sh VALGRIND LEDGER CONFIG MODE WANT - `ledger MODE` under
# CONFIG with the root under memcheck: it must end with status 0 (an error
# of the root's: 99), print exactly the file WANT, and no child FMP may end
# with 99 (the status its memcheck gives an error, which the root says).
set -u
valgrind=$1 ledger=$2 config=$3 mode=$4 want=$5
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT
FRACTURE_CONFIG=$config "$valgrind" -q --error-exitcode=99 --leak-check=full \
    --errors-for-leak-kinds=definite "$ledger" "$mode" >"$dir/out" 2>"$dir/err"
status=$?
if [ $status -ne 0 ] || ! cmp -s "$dir/out" "$want" || grep -q 'status 99' "$dir/err"; then
    echo "status $status; output against the wanted one:"
    diff "$want" "$dir/out"
    cat "$dir/err"
    exit 1
fi
cat "$dir/out"
