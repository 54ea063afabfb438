#!/usr/bin/env bash
# route.sh FRACTURE CROWDROUTE DIR - the crowd's routing (crowdcall.c) on
# tests/crowd/route: the plain share runs in the caller's FMP, the rest in
# the twin, each rule of crowdcall.c checked on counts the program prints.
set -euo pipefail
fr=$1 app=$2 dir=$3
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fr-route.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
unset FRACTURE_DEPLOYMENT FRACTURE_CONFIG
fail() { echo "FAIL: $*"; echo "--- out"; cat out 2>/dev/null || true
         echo "--- err"; cat err 2>/dev/null || true; exit 1; }
run() { FRACTURE_DEPLOYMENT=$1 timeout 60 "$fr" run -c "$dir/route/route.yaml" -- "$app" >out 2>err ||
        fail "run as deployment $1"; }
run 7
there=$(sed -n 's/^draws: [0-9]* here, \([0-9]*\) there$/\1/p' out)
# 10 % of 400: a binomial draw, far outside 10..80 only by a bug
[ "$there" -ge 10 ] && [ "$there" -le 80 ] || fail "twin took $there of 400 calls"
seq7=$(sed -n 's/^sequence: //p' out)
grep -qxF "objects: 0 served elsewhere than made" out || fail "objects strayed"
grep -qxF "init: 400 of 400 read base" out || fail "a copy missed box_init"
grep -qxF "mixed: -1 EXDEV" out || fail "mixed call"
grep -qF "passes objects of both copies of the module" err || fail "mixed call not said"
grep -qxF "adopt: here there, read 7 8" out || fail "an FR_INIT call passing a box left its maker"
r=$(sed -n 's/^relay: [0-9]* here, \([0-9]*\) there$/\1/p' out)
[ "$r" -ge 10 ] && [ "$r" -le 80 ] || fail "relay: twin took $r of 400"
grep -qxF "nested: 0 strayed" out || fail "nested calls strayed"
# nothing else said: the child's FR_INIT call is kept as any child's
[ -z "$(grep -v "passes objects of both copies" err)" ] || fail "more said than the EXDEV"
# the same seed, the same choices; another deployment, others
run 7
[ "$(sed -n 's/^sequence: //p' out)" = "$seq7" ] || fail "deployment 7 drew differently twice"
run 8
[ "$(sed -n 's/^sequence: //p' out)" != "$seq7" ] || fail "deployments 7 and 8 drew alike"
# fracture check says where the plain share runs
FRACTURE_DEPLOYMENT=7 "$fr" check -c "$dir/route/route.yaml" "$app" >out 2>err || fail check
grep -qxF "  crowd: 10 % of its calls go to an instance in the crowd's env, the rest run uninstrumented in the root, where the module stays (a call from another FMP crosses to it)" out ||
    fail "check's printout"
echo "crowd.route: ok"
