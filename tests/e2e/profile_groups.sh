#!/usr/bin/env bash
# profile_groups.sh LEDGER CONFIGS - the profiler (`profile:`) on the
# ledger's replicated and sampled FMPs, and on a root stopped by a signal:
#   replicate-3: a track per replica (maths, maths.r1, maths.r2), each
#     serving every call to maths, and every serve linked by a flow to its
#     call (the caller sends to each member: one span, a flow per member);
#   sample-seed: a track per instance that served (maths, maths.i1,
#     maths.i2), every serve linked;
#   both: the output of the run without a profile, every event with the
#     fields a viewer requires (ph, ts, pid, tid, name), flows in pairs;
#   a root stopped by SIGTERM while a call blocks still writes its profile.
# Needs jq (cmake/deps.sh installs it).
set -euo pipefail
ledger=$1 configs=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"
fail() { echo "FAIL: $*"; exit 1; }
timeout 60 "$ledger" >plain.out

profiled() {   # NAME: a run under configs/NAME.yaml with a profile
    { cat "$configs/$1.yaml"; echo "profile: {file: $dir/$1.json}"; } >"$1.yaml"
    FRACTURE_CONFIG=$dir/$1.yaml timeout 60 "$ledger" >"$1.out" 2>"$1.err" ||
        fail "$1: status $?: $(cat "$1.err")"
    cmp -s plain.out "$1.out" || fail "$1: output differs from the run without a profile"
    jq -e '[.traceEvents[] | select((has("ph") and has("ts") and has("pid") and has("tid")
            and has("name")) | not)] | length == 0' "$1.json" >/dev/null ||
        fail "$1: an event without ph, ts, pid, tid or name"
    jq -e '([.traceEvents[] | select(.ph == "s")] | length) ==
           ([.traceEvents[] | select(.ph == "f")] | length)' "$1.json" >/dev/null ||
        fail "$1: flows not in pairs"
    # every serve is the end of a flow
    jq -e '([.traceEvents[] | select(.ph == "X" and .cat == "serve")] | length) ==
           ([.traceEvents[] | select(.ph == "f")] | length)' "$1.json" >/dev/null ||
        fail "$1: a serve with no flow from its call"
}
tracks() { jq -r '[.traceEvents[] | select(.ph == "M" and .name == "process_name") | .args.name]
                  | sort | join(" ")' "$1.json"; }
serves_in() { jq "[.traceEvents[] | select(.ph == \"X\" and .cat == \"serve\" and .args.fmp == \"$2\")]
                  | length" "$1.json"; }

profiled replicate-3
[ "$(tracks replicate-3)" = "maths maths.r1 maths.r2 root texts" ] ||
    fail "replicate-3: tracks $(tracks replicate-3)"
n=$(serves_in replicate-3 maths)
[ "$n" -gt 0 ] && [ "$(serves_in replicate-3 maths.r1)" = "$n" ] &&
    [ "$(serves_in replicate-3 maths.r2)" = "$n" ] ||
    fail "replicate-3: serves maths $n, r1 $(serves_in replicate-3 maths.r1), r2 $(serves_in replicate-3 maths.r2)"
echo "replicate-3: a track per replica, each serving the $n calls, every serve linked"

profiled sample-seed
[ "$(tracks sample-seed)" = "maths maths.i1 maths.i2 root" ] ||
    fail "sample-seed: tracks $(tracks sample-seed)"
for i in maths maths.i1 maths.i2; do
    [ "$(serves_in sample-seed $i)" -gt 0 ] || fail "sample-seed: $i served nothing"
done
echo "sample-seed: a track per instance, every serve linked"

# stopped by a signal: the profile is written all the same
mkfifo out
{ cat "$configs/every-module.yaml"; echo "profile: {file: $dir/stopped.json}"; } >stopped.yaml
set -m
FRACTURE_CONFIG=$dir/stopped.yaml "$ledger" block >out 2>err &
pid=$!
exec 3<out
read -r -t 60 line <&3 || fail "no output from the ledger: $(cat err)"
sleep 0.5
kill -TERM "$pid"
status=0
wait "$pid" || status=$?
exec 3<&-
[ "$status" = 143 ] || fail "stopped: status $status, not 143: $(cat err)"
jq -e '[.traceEvents[] | select(.ph == "M" and .name == "process_name" and .args.name == "root")]
       | length == 1' stopped.json >/dev/null || fail "stopped: no profile, or no root track"
echo "stopped by SIGTERM: the profile written"
