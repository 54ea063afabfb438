#!/usr/bin/env bash
# crowd.sh CASE FRACTURE CROWDBUG DIR - `crowd:` end to end on crowdbug
# (DIR is tests/crowd), one case per CTest:
#
#   check     `fracture check` says what a deployment does, in text and JSON
#   rotation  ids 0..N-1 pick each module of the list once; an id picks the
#             same module every time
#   hashed    a text id, and no id (host and user), pick a stable slot
#   skipped   no list: every samplable module but those fmps: places in a
#             sampled FMP; a listed module placed so, or not samplable, is
#             refused
#   six       six deployments (ids 0..5) run under real memcheck, their
#             reports merged by `fracture report`, and one by one into a
#             SQLite database, ranked as expected
#   placed    a crowd module that fmps: places in an FMP of its own, under
#             memcheck too: its plain copy runs there, the twin takes its
#             share, and the two reports hold every call's leak once
#
# Every case runs in a temporary directory, removed at exit, and leaves no
# process behind.
set -euo pipefail
case=$1 fr=$2 app=$3 dir=$4
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fr-crowd.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
unset FRACTURE_DEPLOYMENT FRACTURE_CONFIG

fail() { echo "FAIL: $*"; echo "--- stdout"; cat out 2>/dev/null || true
         echo "--- stderr"; cat err 2>/dev/null || true; exit 1; }
has() { grep -qF -- "$2" "$1" || fail "$1 lacks: $2"; }
line() { grep -qxF -- "$2" "$1" || fail "$1 lacks the line: $2"; }
# check ID CONFIG [ARGS]: fracture check as deployment ID ("" for none)
check() {
    local id=$1 cfg=$2 rc=0
    shift 2
    if [ -n "$id" ]; then
        FRACTURE_DEPLOYMENT=$id "$fr" check -c "$cfg" "$@" "$app" >out 2>err || rc=$?
    else
        "$fr" check -c "$cfg" "$@" "$app" >out 2>err || rc=$?
    fi
    return $rc
}
module_of() { sed -n "s/^  crowd: this deployment isolates module '\([a-z]*\)'.*/\1/p" out; }

case $case in
check)
    cp "$dir/crowd.yaml" .
    check 4 crowd.yaml || fail "check refused crowd.yaml"
    line out "crowd.yaml: OK: 1 FMPs configured for 5 modules"
    line out "  crowd: deployment id '4' from FRACTURE_DEPLOYMENT"
    line out "  crowd: 4 mod 3 = slot 1 of the rotation (ids 0..2 cover it once each)"
    line out "  crowd: rotation: leaky reader clean"
    line out "  crowd: this deployment isolates module 'reader' in FMP 'crowd-reader': reader"
    line out "  crowd: the module alone: no boundary given (\`fracture partition --crowd TRACE\` computes the cheapest)"
    line out "  crowd: 100 % of its calls go to an instance under valgrind --tool=memcheck --leak-check=full"
    line out "  crowd: reports go to fracture-reports/crowd-reader.instance0.PID.xml (\`fracture report\` merges them)"
    check 4 crowd.yaml --json || fail "check --json refused crowd.yaml"
    has out '"crowd": {"id": "4", "id_from": "FRACTURE_DEPLOYMENT", "id_numeric": true, "slot": 1, "of": 3, "module": "reader", "rotation": ["leaky", "reader", "clean"], "fmp": "crowd-reader", "modules": ["reader"], "boundary": "no trace", "valgrind": "memcheck", "percent": 100, "plain": {"where": "root"}, "reports": "fracture-reports"}'
    # the defaults: 1 %, the rest to the plain copy, in the root or where
    # fmps: places the module
    cp "$dir/crowd-all.yaml" "$dir/crowd-placed.yaml" .
    check 1 crowd-all.yaml || fail "check refused crowd-all.yaml"
    line out "  crowd: 1 % of its calls go to an instance under valgrind --tool=memcheck --leak-check=full, the rest run uninstrumented in the root, where the module stays (a call from another FMP crosses to it)"
    line out "  crowd: reports go to fracture-reports/crowd-leaky.instance0.PID.xml (\`fracture report\` merges them)"
    check 0 crowd-all.yaml || fail "check refused crowd-all.yaml"
    line out "  crowd: this deployment isolates module 'clean' in FMP 'crowd-clean': clean"
    line out "  crowd: 1 % of its calls go to an instance under valgrind --tool=memcheck --leak-check=full, the rest run uninstrumented in FMP 'alone', where fmps: places the module (a call from another FMP crosses to it)"
    check 0 crowd-all.yaml --json || fail "check --json refused crowd-all.yaml"
    has out '"percent": 1, "plain": {"where": "fmp", "fmp": "alone", "valgrind": null}, "reports"'
    check 1 crowd-placed.yaml || fail "check refused crowd-placed.yaml"
    line out "  crowd: 50 % of its calls go to an instance under valgrind --tool=memcheck --leak-check=full, the rest run in FMP 'mine' under valgrind --tool=memcheck (its env:), where fmps: places the module (a call from another FMP crosses to it)"
    check 1 crowd-placed.yaml --json || fail "check --json refused crowd-placed.yaml"
    has out '"percent": 50, "plain": {"where": "fmp", "fmp": "mine", "valgrind": "memcheck"}, "reports"'
    # a boundary from `fracture partition --crowd`: the module and its with:
    printf 'version: 1\ncrowd:\n  modules: [{module: leaky, with: [clean]}, {module: reader, with: []}]\n' >with.yaml
    check 0 with.yaml || fail "check refused with.yaml"
    line out "  crowd: this deployment isolates module 'leaky' in FMP 'crowd-leaky': leaky clean"
    line out "  crowd: the boundary is the one \`with:\` gives (the module and the modules it names; \`fracture partition --crowd\` writes the cheapest from a training trace)"
    check 1 with.yaml || fail "check refused with.yaml"
    line out "  crowd: this deployment isolates module 'reader' in FMP 'crowd-reader': reader"
    line out "  crowd: the boundary is the one \`with:\` gives (the module alone; \`fracture partition --crowd\` writes the cheapest from a training trace)"
    # without a config that names crowd: nothing said
    printf 'version: 1\n' >none.yaml
    check 0 none.yaml || fail "check refused none.yaml"
    ! grep -q crowd out || fail "crowd said without crowd:"
    check 0 none.yaml --json || fail "check --json refused none.yaml"
    has out '"crowd": null'
    ;;
rotation)
    cp "$dir/crowd.yaml" .
    # ids 0..2 cover the list once each, and 3..5 again
    got=""
    for id in 0 1 2 3 4 5 18446744073709551615; do
        check $id crowd.yaml || fail "check refused deployment $id"
        got="$got $(module_of)"
    done
    # 2^64-1 mod 3 = 0 (a number up to 2^64-1 is taken as one)
    [ "$got" = " leaky reader clean leaky reader clean leaky" ] || fail "rotation:$got"
    # the same id, the same module, every time
    for _ in 1 2 3; do
        check 1 crowd.yaml || fail "check refused deployment 1"
        [ "$(module_of)" = reader ] || fail "deployment 1 picked $(module_of)"
    done
    ;;
hashed)
    cp "$dir/crowd.yaml" .
    check alpha crowd.yaml || fail "check refused deployment alpha"
    line out "  crowd: deployment id 'alpha' from FRACTURE_DEPLOYMENT"
    has out "  crowd: hashed to slot "
    has out " of 3 (not a number: deployments spread evenly only in expectation)"
    first=$(module_of)
    for _ in 1 2 3; do
        check alpha crowd.yaml
        [ "$(module_of)" = "$first" ] || fail "alpha picked $first, then $(module_of)"
    done
    # no id: host and user, stable too
    check "" crowd.yaml || fail "check refused no id"
    user=$(id -un)
    line out "  crowd: deployment id '$(hostname)/$user' from a hash of host '$(hostname)' and user '$user' (FRACTURE_DEPLOYMENT is not set)"
    first=$(module_of)
    check "" crowd.yaml
    [ "$(module_of)" = "$first" ] || fail "no id picked $first, then $(module_of)"
    # 300 text ids spread over the three modules, each about a third
    declare -A n=([leaky]=0 [reader]=0 [clean]=0)
    for i in $(seq 300); do
        check "host-$i" crowd.yaml
        m=$(module_of)
        n[$m]=$(( ${n[$m]} + 1 ))
    done
    for m in leaky reader clean; do
        [ "${n[$m]}" -ge 70 ] && [ "${n[$m]}" -le 130 ] || fail "300 hashed ids: $m got ${n[$m]}"
    done
    ;;
skipped)
    cp "$dir/crowd-all.yaml" .
    got=""
    for id in 0 1 2; do
        check $id crowd-all.yaml || fail "check refused crowd-all.yaml"
        got="$got $(module_of)"
    done
    [ "$got" = " clean leaky clean" ] || fail "rotation:$got"
    line out "  crowd: rotation: clean leaky"
    line out "  crowd: left out: main (stays in the root), fixed (not samplable), reader (placed in FMP 'halves' at crowd-all.yaml:11:15, which has \`sample:\`)"
    # listed: a module fmps: places in a sampled FMP, and one not samplable
    printf 'version: 1\nfmps:\n  - name: halves\n    modules: [leaky]\n    sample: {instances: [{weight: 1}, {weight: 1}]}\ncrowd:\n  modules: [reader, leaky, fixed]\n' >refused.yaml
    rc=0
    check 0 refused.yaml || rc=$?
    [ $rc = 1 ] || fail "refused.yaml: exit $rc, expected 1"
    [ "$(cat err)" = "refused.yaml:7:21: error: crowd module 'leaky' is placed in FMP 'halves' (at refused.yaml:4:15), which has \`sample:\`: the crowd cannot keep its plain copy there
  hint: not supported: the crowd runs the module's plain copy in the FMP \`fmps:\` places it in, one process that takes the calls not drawn for the instrumented copy; take 'leaky' out of FMP 'halves' (its plain copy then runs in the root), drop the FMP's \`sample:\`, or take 'leaky' out of the crowd
refused.yaml:7:28: error: crowd module 'fixed' is not samplable
  hint: the crowd samples its calls: mark it FRACTURE_MODULE(fixed, FR_RESTARTABLE | FR_SAMPLABLE) if sampling it is safe, or take it out of the list" ] ||
        fail "refused.yaml: the errors differ"
    ;;
six)
    command -v valgrind >/dev/null || { echo "valgrind missing"; exit 77; }
    cp "$dir/crowd.yaml" .
    # deployment id -> its input: d4 (reader's) never reaches the bad read,
    # d3 (leaky's) leaks twice as much
    inputs=(LRCF LRCF LRCF LLRCF LCF LRCF)
    for id in 0 1 2 3 4 5; do
        mkdir "run$id"
        (cd "run$id" && FRACTURE_DEPLOYMENT=$id timeout 120 "$fr" run -c ../crowd.yaml -- \
            "$app" "${inputs[$id]}" >out 2>err) || fail "deployment $id: $(cat run$id/err)"
        mv "run$id/fracture-reports" "d$id"
        ls "d$id"/*.xml >/dev/null 2>&1 || fail "deployment $id wrote no report"
    done
    # each deployment's reports are named for its FMP, which names its module
    ls d0/crowd-leaky.instance0.*.xml d3/crowd-leaky.instance0.*.xml d1/crowd-reader.instance0.*.xml \
       d4/crowd-reader.instance0.*.xml d2/crowd-clean.instance0.*.xml d5/crowd-clean.instance0.*.xml \
       >/dev/null || fail "reports misnamed: $(ls d*)"
    ranked() {
        line out "2 bug classes from 6 deployments (6 reports, 0 truncated)"
        line out "#1 Leak_DefinitelyLost: 2 of 6 deployments, 2 occurrences, 432 bytes"
        line out "#2 InvalidRead: 1 of 6 deployments, 1 occurrence"
        line out "    module leaky, FMP crowd-leaky"
        line out "    module reader, FMP crowd-reader"
        line out "    deployments: d0, d3"
        line out "    deployments: d1"
    }
    "$fr" report d0 d1 d2 d3 d4 d5 >out 2>err || fail "fracture report failed"
    ranked
    cp out files.out
    # a collector merges each upload once, as it comes
    for id in 0 1 2 3 4 5; do
        "$fr" report --db crowd.db "d$id" >out 2>err || fail "fracture report --db d$id failed"
        line out "database: 1 report merged now, 0 already there (not counted again)"
    done
    "$fr" report --db crowd.db d3 >out 2>err || fail "fracture report --db d3 again failed"
    line out "database: 0 reports merged now, 1 already there (not counted again)"
    "$fr" report --db crowd.db >out 2>err || fail "fracture report --db failed"
    ranked
    ;;
placed)
    command -v valgrind >/dev/null || { echo "valgrind missing"; exit 77; }
    cp "$dir/crowd-placed.yaml" .
    # deployment 1 picks leaky, which fmps: places in FMP mine (under
    # memcheck too): ten calls, three blocks of 48 bytes lost in each, half
    # drawn for the twin, the rest run by the plain copy in mine
    FRACTURE_DEPLOYMENT=1 timeout 120 "$fr" run -c crowd-placed.yaml -- "$app" LLLLLLLLLL \
        >out 2>err || fail "deployment 1"
    line out "crowdbug LLLLLLLLLL: 360"
    ls fracture-reports/mine.*.xml fracture-reports/crowd-leaky.instance0.*.xml >/dev/null ||
        fail "reports: $(ls fracture-reports)"
    "$fr" report fracture-reports >out 2>err || fail "fracture report failed"
    # one class, seen in both copies, every call's loss counted once
    line out "1 bug class from 1 deployment (2 reports, 0 truncated)"
    line out "#1 Leak_DefinitelyLost: 1 of 1 deployment, 2 occurrences, 1440 bytes"
    line out "    module leaky, FMP crowd-leaky, mine"
    # deployment 0 picks reader: leaky runs in mine alone, as fmps: says
    rm -rf fracture-reports
    FRACTURE_DEPLOYMENT=0 timeout 120 "$fr" run -c crowd-placed.yaml -- "$app" LLLLLLLLLL \
        >out 2>err || fail "deployment 0"
    ls fracture-reports/crowd-reader.instance0.*.xml >/dev/null || fail "no report of the twin"
    "$fr" report fracture-reports >out 2>err || fail "fracture report failed"
    line out "#1 Leak_DefinitelyLost: 1 of 1 deployment, 1 occurrence, 1440 bytes"
    line out "    module leaky, FMP mine"
    ;;
*)
    echo "crowd.sh: unknown case $case" >&2
    exit 2
    ;;
esac
echo "crowd.$case: ok"
