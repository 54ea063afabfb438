#!/usr/bin/env bash
# The Fracture demo, from a fresh clone: install what is needed, build, and
# show one program split across processes by nothing but a YAML file.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)

"$top/cmake/deps.sh"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" >/dev/null

fracture="$top/build/rt/fracture"
ledger="$top/build/tests/e2e/ledger"
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

say "The program: four modules (main, store, math, text) and a suspicious one (evil)"
run "$fracture" modules "$ledger"

say "Checked before anything starts: a config with a typo"
cat > /tmp/fracture-demo-typo.yaml <<'YAML'
version: 1
defualts: {spin_us: 50}
fmps:
  - name: maths
    modules: [mth]
YAML
run "$fracture" check -c /tmp/fracture-demo-typo.yaml "$ledger" || true
rm -f /tmp/fracture-demo-typo.yaml

say "All in one process (no config): the reference output"
"$ledger" | tee /tmp/fracture-demo-one.txt | tail -6

say "Every module in a process of its own, same binary, same output"
run "$fracture" check -c configs/examples/ledger-every-module.yaml "$ledger"
"$fracture" run -c configs/examples/ledger-every-module.yaml -- "$ledger" > /tmp/fracture-demo-split.txt
if cmp -s /tmp/fracture-demo-one.txt /tmp/fracture-demo-split.txt; then
  echo "identical output: 16 threads, nested calls three deep, callbacks, 4 MiB payloads, a descriptor, metadata"
else
  echo "OUTPUT DIFFERS"; diff /tmp/fracture-demo-one.txt /tmp/fracture-demo-split.txt; exit 1
fi
rm -f /tmp/fracture-demo-one.txt /tmp/fracture-demo-split.txt

say "The processes (FMPs) while it runs"
coproc LEDGER { FRACTURE_CONFIG=configs/examples/ledger-every-module.yaml exec "$ledger" pids; }
read -r _ <&"${LEDGER[0]}"
ps --ppid "$LEDGER_PID" -o pid,ppid,rss,comm,args | sed 's/^/  /'
echo "  (and the root: pid $LEDGER_PID)"
exec {LEDGER[1]}>&-
wait "$LEDGER_PID"

say "A module that lies in its reply: the caller is never corrupted"
FRACTURE_CONFIG=configs/examples/ledger-every-module.yaml "$ledger" evil

say "One module under Valgrind, the rest at full speed"
(cd /tmp && FRACTURE_CONFIG="$top/configs/examples/ledger-valgrind.yaml" "$ledger" >/dev/null)
ls /tmp/fracture-reports/ | sed 's/^/  report: /'
rm -rf /tmp/fracture-reports

sample="$top/build/tests/annotate/sample/sample"
say "An annotated program: only the annotations DESIGN asks for, the rest inferred"
run "$fracture" modules "$sample"
run "$top/build/annotate/fracture-annotate" --fracture-include rt/include \
  tests/annotate/sample/{main,geom,text,textfd,store,events}.c -- -std=c11 -D_GNU_SOURCE
echo "  (no error: every pointer crossing a module boundary has a copy rule)"

say "Built by fracture_add_executable: plain build, all in one, every module split"
"$top/build/tests/annotate/sample/sample-plain" > /tmp/fracture-demo-plain.txt
"$sample" > /tmp/fracture-demo-one.txt
"$fracture" run -c tests/annotate/sample/configs/every-module.yaml -- "$sample" > /tmp/fracture-demo-split.txt
if cmp -s /tmp/fracture-demo-plain.txt /tmp/fracture-demo-one.txt &&
   cmp -s /tmp/fracture-demo-plain.txt /tmp/fracture-demo-split.txt; then
  echo "identical output ($(wc -l < /tmp/fracture-demo-plain.txt) lines, 8 threads): plain cc, one process, one process per module"
else
  echo "OUTPUT DIFFERS"; diff /tmp/fracture-demo-plain.txt /tmp/fracture-demo-split.txt; exit 1
fi
rm -f /tmp/fracture-demo-plain.txt /tmp/fracture-demo-one.txt /tmp/fracture-demo-split.txt

say "What a call costs (fracture bench --quick)"
run "$fracture" bench --quick
