#!/usr/bin/env bash
# profile.sh BUILD OUT.svg [CONFIG] - the README's picture of a request:
# apps/httpd under CONFIG (default configs/every-module.yaml) with
# `profile:` on, three GETs of a static file (each a connection of its
# own: the first warms the FMPs up), then the profile's window of the
# last one (from its http_parse call to the end of its log_request call,
# on the root thread that served it) drawn by profile-timeline into
# OUT.svg.  Prints the window and the spans in it.  Needs curl and jq.
set -euo pipefail
build=$1 out=$2 here=$(cd "$(dirname "$0")" && pwd)
config=${3:-$here/configs/every-module.yaml}
dir=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT
mkdir -p "$dir/www"
printf 'hello, profiler\n' >"$dir/www/hello.txt"
{ cat "$config"; echo "profile: {file: $dir/profile.json}"; } >"$dir/deploy.yaml"
FRACTURE_CONFIG=$dir/deploy.yaml "$build/apps/httpd/httpd" --port 0 --root "$dir/www" \
    --threads 2 >"$dir/out" 2>"$dir/err" &
pid=$!
for _ in $(seq 100); do
    grep -q "listening on" "$dir/out" 2>/dev/null && break
    sleep 0.1
done
port=$(sed -n 's/.*listening on \([0-9]*\).*/\1/p' "$dir/out")
[ -n "$port" ] || { echo "httpd did not start:"; cat "$dir/err"; exit 1; }
for _ in 1 2 3; do
    curl -sf -o /dev/null "http://127.0.0.1:$port/hello.txt"
    sleep 0.05
done
kill -TERM "$pid"
status=0
wait "$pid" || status=$?
pid=
[ "$status" = 0 ] || [ "$status" = 143 ] || { echo "httpd: status $status"; cat "$dir/err"; exit 1; }
# the last request: its parse on the root, and the log call that ends it
read -r from to < <(jq -r '
    [.traceEvents[] | select(.ph == "X" and .cat == "call" and .args.fmp == "root")] as $c
    | ($c | map(select(.name == "http_parse")) | max_by(.ts)) as $p
    | ($c | map(select(.name == "log_request" and .tid == $p.tid and .ts > $p.ts)) | min_by(.ts)) as $l
    | "\($p.ts - 20) \($l.ts + $l.dur + 20)"' "$dir/profile.json")
"$build/apps/httpd/profile-timeline" "$dir/profile.json" "$from" "$to" >"$out"
echo "window: $from .. $to us"
jq -r --argjson f "$from" --argjson t "$to" '.traceEvents[]
    | select(.ph == "X" and .ts >= $f and .ts + .dur <= $t)
    | "\(.ts - $f | . * 1000 | round / 1000) us  +\(.dur) us  \(.args.fmp) \(.cat) \(.name)"' \
    "$dir/profile.json"
