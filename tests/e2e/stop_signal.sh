#!/usr/bin/env bash
# stop_signal.sh LEDGER CONFIG SIGNAL - a root ended by SIGNAL (TERM, INT,
# HUP) stops its children in order and dies of the signal: its status says
# so, a memcheck child's XML report is complete (closing tag, leak
# summary), and no process of the run is left.
set -euo pipefail
ledger=$1 config=$2 sig=$3
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"
mkfifo out
# job control: a background job of a script would start with SIGINT
# ignored, which the runtime rightly leaves the program's
set -m
# every process of the run carries the tag in its environment
FR_STOP_TAG=$dir FRACTURE_CONFIG=$config "$ledger" block >out 2>err &
pid=$!
exec 3<out
read -r -t 60 line <&3 || { echo "no output from the ledger"; cat err; exit 1; }
[ "$line" = ready ] || { echo "unexpected first line: $line"; exit 1; }
sleep 0.5                                   # the call reaches math and blocks
kill -s "$sig" "$pid"
for _ in $(seq 300); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
done
if kill -0 "$pid" 2>/dev/null; then
    echo "the root is still running 30 s after SIG$sig"; kill -9 "$pid"; cat err; exit 1
fi
status=0
wait "$pid" || status=$?
exec 3<&-
want=$((128 + $(kill -l "$sig")))
if [ "$status" != "$want" ]; then
    echo "root ended with status $status, want $want (killed by SIG$sig)"; cat err; exit 1
fi
xml=$(ls reports/texts.*.xml 2>/dev/null | head -1)
[ -n "$xml" ] || { echo "no XML report of the memcheck child"; ls -R; cat err; exit 1; }
grep -q '</valgrindoutput>' "$xml" || { echo "$xml is cut short:"; tail -5 "$xml"; exit 1; }
tagged() { grep -lsa "FR_STOP_TAG=$dir" /proc/[0-9]*/environ 2>/dev/null | grep -v "/proc/$$/" || true; }
for _ in $(seq 50); do
    [ -z "$(tagged)" ] && break
    sleep 0.1
done
if [ -n "$(tagged)" ]; then
    echo "processes of the run are left: $(tagged)"; exit 1
fi
echo "SIG$sig: root status $status, $xml complete"
