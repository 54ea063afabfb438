#!/usr/bin/env bash
# make_crowd.sh OUT CC SRC - the crowd `fracture report`'s tests read: the
# test program SRC (buggy.c, built here with CC, without the build's
# sanitizers: it runs under Valgrind) run under memcheck with --xml=yes in
# seven "deployments", OUT/d1 ... OUT/d7, with inputs chosen so that each
# bug is seen by a different subset:
#
#   d1 L   d2 R   d3 LR and L (two processes)   d4 L   d5 LR   d6 R, killed   d7 L
#
#   leak (L):         d1 d3 d4 d5 d7 = 5 deployments, 6 occurrences, 384 bytes
#   invalid read (R): d2 d3 d5 d6    = 4 deployments, 7 occurrences (2 a run, 1 in d6)
#
# d6's process is killed with SIGKILL once its first error is written: its
# report has no closing tag.  Reports are named as the runtime names a
# sampled instance's (prog.instance1.PID.xml) in even deployments and an
# FMP's (prog.PID.xml) in odd ones; each deployment's files get the mtime
# 2024-05-0N 10:00 UTC.  Also OUT/foreign (a report of drd, another tool)
# and OUT/helgrind/h1 (helgrind on a race).  The fixture's cleanup removes
# OUT.
set -euo pipefail
out=$1 cc=$2 src=$3
rm -rf "$out"
mkdir -p "$out"
"$cc" -O0 -g -pthread -o "$out/buggy" "$src"
vg=(valgrind -q --vgdb=no --xml=yes)
run() {   # run DIR NAME INPUT [TOOL]
    mkdir -p "$out/$1"
    local tool=${4:-memcheck} leak=()
    [ "$tool" != memcheck ] || leak=(--leak-check=full)
    "${vg[@]}" --tool="$tool" "${leak[@]}" --xml-file="$out/$1/$2.%p.xml" "$out/buggy" "$3" \
        >/dev/null
}
name() { if [ $(( $1 % 2 )) = 0 ]; then echo prog.instance1; else echo prog; fi; }
run d1 "$(name 1)" L
run d2 "$(name 2)" R
run d3 "$(name 3)" LR
run d3 "$(name 3)" L
run d4 "$(name 4)" L
run d5 "$(name 5)" LR
run d7 "$(name 7)" L

# d6: killed mid-run, its stdin a FIFO held open so that it waits
mkdir -p "$out/d6"
mkfifo "$out/stdin"
"${vg[@]}" --tool=memcheck --xml-file="$out/d6/$(name 6).%p.xml" "$out/buggy" RS \
    <"$out/stdin" >/dev/null &
pid=$!
exec 3>"$out/stdin"
for _ in $(seq 300); do
    grep -qs '</error>' "$out"/d6/*.xml && break
    sleep 0.1
done
kill -9 "$pid"
wait "$pid" 2>/dev/null || true
exec 3>&-
rm -f "$out/stdin"
grep -qs '</error>' "$out"/d6/*.xml || { echo "d6: no error written before the kill"; exit 1; }
! grep -qs '</valgrindoutput>' "$out"/d6/*.xml || { echo "d6: its report is complete"; exit 1; }

for n in 1 2 3 4 5 6 7; do
    touch -d "@$(( 1714557600 + (n - 1) * 86400 ))" "$out/d$n"/*.xml
done
[ "$(ls "$out"/d3/*.xml | wc -l)" = 2 ] || { echo "d3: expected two reports"; exit 1; }

run foreign drd L drd
run helgrind/h1 prog T helgrind
