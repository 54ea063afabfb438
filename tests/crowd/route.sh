#!/usr/bin/env bash
# route.sh FRACTURE CROWDROUTE DIR root|placed - the crowd's routing
# (crowdcall.c) on tests/crowd/route: the plain share runs in the plain
# copy, the rest in the twin, each rule of crowdcall.c checked on counts
# the program prints.  root: route.yaml, the plain copy in the root;
# placed: placed.yaml, the plain copy in FMP boxes, where `fmps:` places
# the module (beside module near), and restarted once.
set -euo pipefail
fr=$1 app=$2 dir=$3 where=$4
case $where in
root) cfg=$dir/route/route.yaml plain="in the root" copy=0
      said="in the root, where the module stays"
      ps='root:main,box,near side:relay crowd-box:box' ;;
placed) cfg=$dir/route/placed.yaml plain="in another FMP" copy=1
        said="in FMP 'boxes', where fmps: places the module"
        ps='root:main boxes:box,near side:relay crowd-box:box' ;;
*) echo "route.sh: root or placed, not $where" >&2; exit 2 ;;
esac
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fr-route.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
unset FRACTURE_DEPLOYMENT FRACTURE_CONFIG
fail() { echo "FAIL ($where): $*"; echo "--- out"; cat out 2>/dev/null || true
         echo "--- err"; cat err 2>/dev/null || true; exit 1; }
run() { FRACTURE_DEPLOYMENT=$1 timeout 60 "$fr" run -c "$cfg" -- "$app" ${2:-} >out 2>err ||
        fail "run as deployment $1"; }
# a share of 400 calls in "NAME: H here, T there": 10 % of 400 is a
# binomial draw, far outside 10..80 only by a bug
share() {
    local t
    t=$(sed -n "s/^$1: [0-9]* here, \([0-9]*\) there.*/\1/p" out)
    [ -n "$t" ] && [ "$t" -ge 10 ] && [ "$t" -le 80 ] || fail "$1: twin took ${t:-?} of 400"
}
# the rules that hold in every run
routed() {
    grep -qxF "plain: $plain" out || fail "the plain copy does not run $plain"
    share draws
    grep -qxF "objects: 0 served elsewhere than made" out || fail "objects strayed"
    grep -qxF "init: 400 of 400 read base" out || fail "a copy missed box_init"
    grep -qxF "copy: plain $copy, twin 2" out || fail "the copies' environments"
    grep -qxF "mixed: -1 EXDEV" out || fail "mixed call"
    grep -qF "passes objects of both copies of the module" err || fail "mixed call not said"
    share relay
    share near
    grep -q "^near: .*, 0 boxes strayed$" out || fail "boxes made beside the plain copy strayed"
    grep -qxF "nested: 0 strayed" out || fail "nested calls strayed"
}
# the program runs `fracture ps` once, before it ends ($PPID: its pid)
export ROUTE_PS="\"$fr\" ps --json >ps.json && echo \$PPID >ps.pid"
run 7
unset ROUTE_PS
routed
seq7=$(sed -n 's/^sequence: //p' out)
# fracture ps lists each copy of box where it runs
got=$(jq -r --argjson pid "$(cat ps.pid)" '.programs[] | select(.pid == $pid) | .fmps[] |
        "\(.name):\(.modules | join(","))"' ps.json | tr '\n' ' ')
[ "$got" = "$ps " ] || fail "fracture ps: $got"
grep -qxF "adopt: here there, read 7 8" out || fail "an FR_INIT call passing a box left its maker"
# nothing else said: the child's FR_INIT call is kept as any child's
[ -z "$(grep -v "passes objects of both copies" err)" ] || fail "more said than the EXDEV"
# the same seed, the same choices; another deployment, others
run 7
[ "$(sed -n 's/^sequence: //p' out)" = "$seq7" ] || fail "deployment 7 drew differently twice"
run 8
[ "$(sed -n 's/^sequence: //p' out)" != "$seq7" ] || fail "deployments 7 and 8 drew alike"
if [ "$where" = placed ]; then
    # the plain copy ends once and comes back: its FR_INIT calls (the
    # root's, relay's copy) replayed into it, the twin untouched
    run 7 restart
    routed
    grep -qxF "restart: plain copy restarted, 20 of 20 of its boxes read base" out ||
        fail "the restarted plain copy"
    grep -q "^fracture: root: FMP 'boxes' restarted as pid [0-9]* (1 of 3 in 60 s)$" err ||
        fail "no restart said"
    [ -z "$(grep -v -e "passes objects of both copies" -e "FMP 'boxes' restarted as pid" \
              -e "FMP 'boxes' (pid [0-9]*) was killed by signal 6 (SIGABRT)" \
              -e "FR_INIT call box_init() of module 'box', replayed into FMP 'boxes', answered otherwise" err)" ] ||
        fail "more said than the EXDEV and the restart"
fi
# fracture check says where the plain share runs
FRACTURE_DEPLOYMENT=7 "$fr" check -c "$cfg" "$app" >out 2>err || fail check
grep -qxF "  crowd: 10 % of its calls go to an instance in the crowd's env, the rest run uninstrumented $said (a call from another FMP crosses to it)" out ||
    fail "check's printout"
echo "crowd.route ($where): ok"
