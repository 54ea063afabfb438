#!/usr/bin/env bash
# figures.sh - the numbers tests/realc/README.md reports, for each program
# built by the realc tests: functions and pointer parameters that cross
# modules (from its fracture.json), the annotations its spec needed, the
# lines of theirs changed (none: checked against the sums taken when
# unpacked), and its wall time plain / all in one / split (median of RUNS).
#
#   tests/realc/figures.sh [BUILD] [RUNS]     (after ctest -L realc)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../../build}
runs=${2:-7}
cache=${FRACTURE_REALC_CACHE:-$build/realc-cache}

# Median wall time in ms of RUNS runs of "$@".
median_ms() {
  for _ in $(seq "$runs"); do
    s=$(date +%s%N)
    "$@" >/dev/null 2>&1 || true
    e=$(date +%s%N)
    echo $(((e - s) / 1000))
  done | sort -n | awk '{ v[NR] = $1 } END { printf "%.1f", v[int((NR + 1) / 2)] / 1000 }'
}

printf '%-8s %6s %7s %6s %6s %8s %9s %9s %9s %7s\n' program cross ptrs cb-ptrs annots changed \
  plain-ms aio-ms split-ms split/plain
for pkg in zlib expat cjson jansson; do
  bin=$build/tests/realc/$pkg
  json=$bin/$pkg.fracture/fracture.json
  [ -f "$json" ] || { echo "$pkg: not built ($json)"; continue; }
  read -r cross ptrs cbptrs < <(python3 - "$json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
ptr = lambda p: '*' in p['type'] or p['copy'] in ('callback', 'opaque', 'string', 'in', 'out', 'inout')
cross = [f for f in m['functions'] if f.get('cross')]
cbs = [f for f in m['functions'] if 'callback' in f.get('flags', []) and not f.get('cross')]
print(len(cross), sum(ptr(p) for f in cross for p in f['params']) +
      sum(1 for f in cross if f['return']['copy'] not in ('scalar', 'none', 'struct')),
      sum(ptr(p) for f in cbs for p in f['params']))
PY
)
  # Annotations written, comments left out (FR_RESTARTABLE & co. are caps).
  annots=$(grep -Ev '^[[:space:]]*(/\*|\*)' "$here/$pkg/spec.h" |
           grep -Eo '\bFR_[A-Z_]+|\bFRACTURE_(OPAQUE|MODULE_FILES)\b' |
           grep -Evc '^FR_(RESTARTABLE|REPLICABLE|SAMPLABLE)$')
  changed=$( (cd "$cache/$pkg" && sha256sum --quiet -c .sha256 2>/dev/null | wc -l) || echo "?")
  args=("$cache/$pkg")
  p=$(median_ms "$bin/$pkg-plain" "${args[@]}")
  a=$(median_ms "$bin/$pkg" "${args[@]}")
  s=$(FRACTURE_CONFIG=$here/$pkg/split.yaml median_ms "$bin/$pkg" "${args[@]}")
  ratio=$(awk -v s="$s" -v p="$p" 'BEGIN { r = p > 0 ? s / p : 0; printf "%.2fx", r }')
  printf '%-8s %6s %7s %6s %6s %8s %9s %9s %9s %7s\n' "$pkg" "$cross" "$ptrs" "$cbptrs" \
    "$annots" "$changed" "$p" "$a" "$s" "$ratio"
done
