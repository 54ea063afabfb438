#!/usr/bin/env bash
# run.sh PLAIN APP - the traced run all in one prints what the plain build
# prints, and writes its trace (both edges, the descriptor counted).
set -euo pipefail
plain=$1 app=$2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fr-tracelocal.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
printf 'version: 1\ntrace: {file: %s/trace.json}\n' "$tmp" > "$tmp/train.yaml"
"$plain" > "$tmp/plain.out"
FRACTURE_CONFIG=$tmp/train.yaml "$app" > "$tmp/traced.out"
if ! cmp -s "$tmp/plain.out" "$tmp/traced.out"; then
  echo "FAIL: the traced run's output is not the plain build's"
  diff "$tmp/plain.out" "$tmp/traced.out" || true
  exit 1
fi
grep -q '"function": "lib_peek_out", "callback": false, "calls": 1' "$tmp/trace.json" ||
  { echo "FAIL: no lib_peek_out edge"; cat "$tmp/trace.json"; exit 1; }
grep -q '"function": "lib_fd_is", "callback": false, "calls": 1, .*"fds": 1' "$tmp/trace.json" ||
  { echo "FAIL: no lib_fd_is edge with its descriptor"; cat "$tmp/trace.json"; exit 1; }
cat "$tmp/traced.out"
echo "ok: tracelocal"
