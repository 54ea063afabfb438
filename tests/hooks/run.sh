#!/bin/bash
# run.sh - the hook tests (tests/hooks/CMakeLists.txt): hookapp run with
# the hooklog meta-application under no config (preloaded, registered by
# code before main), all in one and split, and the bad inputs.
#   run.sh APP HOOKLOG NOHOOK CRASHHOOK CONFIGDIR FRACTURE TEST
set -u
APP=$1 HOOKLOG=$2 NOHOOK=$3 CRASHHOOK=$4 CONFIGS=$5 FRACTURE=$6 TEST=$7 FAULTS=${8:-}
T=$(mktemp -d /tmp/fr-hooks.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# cfg NAME [SO] [ARGS]: configs/NAME.yaml with the meta-application's path
# and its log in $T; prints the file's path
cfg() {
    local so=${2:-$HOOKLOG} args=${3:-log=$T/$1.log}
    sed -e "s|@HOOKLOG@|$so|" -e "s|log=@LOG@|$args|" "$CONFIGS/$1.yaml" > "$T/$1.yaml"
    echo "$T/$1.yaml"
}
# run_plain ARGS: no config, hooklog preloaded with ARGS
# (a sanitizer build's runtime must come first in the preload list)
ASAN_LIB=$(ldd "$HOOKLOG" | awk '/libasan/ { print $3 }')
run_plain() { LD_PRELOAD="${ASAN_LIB:+$ASAN_LIB }$HOOKLOG" HOOKLOG_ARGS=$1 "$APP"; }
run_cfg() { FRACTURE_CONFIG=$1 "$APP"; }
# what a hook saw, the same in every deployment: fmp= and pid= out, sorted
same() { sed -E 's/ fmp=[^ ]+ pid=[0-9]+//' "$1" | sort; }

case $TEST in
same-everywhere)
    base=$("$APP") || fail "plain run"
    out=$(run_plain "log=$T/none.log") || fail "no config"
    [ "$out" = "$base" ] || fail "no-config output differs: $out"
    for c in all-in-one split; do
        out=$(run_cfg "$(cfg $c)") || fail "$c run"
        [ "$out" = "$base" ] || fail "$c output differs: $out"
        diff <(same "$T/none.log") <(same "$T/$c.log") || fail "hooks saw other calls under $c"
    done
    # identity and arguments, callbacks and nested calls included
    for want in 'agent_before main->calc.calc_add(a=2 b=3) result=0' \
                'agent_after main->calc.calc_add(a=2 b=3) result=0' \
                'shadow_before main->calc.calc_len(s="hello") result=0' \
                'shadow_after main->calc.calc_keep(v=[1 2 3] n=3) result=0' \
                'agent_before calc->store.store_put(v=[1 2 3] n=3) result=0' \
                'shadow_before calc->main.visit(i=2) result=0' \
                'agent_before main->store.store_sum() result=0'; do
        same "$T/split.log" | grep -qxF "$want" || fail "no line '$want'"
    done
    [ "$(same "$T/split.log" | wc -l)" -eq "$(( 4 * 11 ))" ] || fail "not 4 actions of 11 calls"
    ;;
placement)
    run_cfg "$(cfg split)" > /dev/null || fail "split run"
    L=$T/split.log
    # agent in the caller's FMP, shadow in the callee's
    grep -E '^agent_[a-z]+ .* main->' "$L" | grep -vq ' fmp=root ' && fail "agent of main not in root"
    grep -E '^shadow_[a-z]+ .* ->calc\.' "$L" | grep -vq ' fmp=calcs ' && fail "shadow of calc not in calcs"
    grep -E '^agent_[a-z]+ .* calc->' "$L" | grep -vq ' fmp=calcs ' && fail "agent of calc not in calcs"
    grep -E '^shadow_[a-z]+ .* ->store\.' "$L" | grep -vq ' fmp=stores ' && fail "shadow of store not in stores"
    grep -E '^shadow_[a-z]+ .* ->main\.' "$L" | grep -vq ' fmp=root ' && fail "shadow of the callback not in root"
    # one pid per FMP, three of them
    [ "$(sed -E 's/.* fmp=([^ ]+) pid=([0-9]+) .*/\1 \2/' "$L" | sort -u | wc -l)" -eq 3 ] ||
        fail "not one pid for each of the 3 FMPs"
    [ "$(sed -E 's/.* pid=([0-9]+) .*/\1/' "$L" | sort -u | wc -l)" -eq 3 ] || fail "FMPs share a pid"
    ;;
partial)
    out=$("$FRACTURE" check -c "$(cfg partial)" "$APP") || fail "check: $out"
    echo "$out" | grep -q "meta-application .*libhooklog.so loads into calcs" || fail "check says: $out"
    run_cfg "$T/partial.yaml" > /dev/null || fail "run"
    [ -s "$T/partial.log" ] || fail "nothing logged in calcs"
    grep -vq ' fmp=calcs ' "$T/partial.log" && fail "a hook ran outside calcs"
    grep -q '^shadow_before .* main->calc.calc_add(a=2 b=3)' "$T/partial.log" || fail "no shadow in calcs"
    grep -q '^agent_before .* calc->store.store_put' "$T/partial.log" || fail "no agent in calcs"
    grep -q '^agent_before .* main->' "$T/partial.log" && fail "the root's agent ran"
    ;;
fail)
    # an agent's failure (EIO: transient), a shadow's (ESTALE: permanent,
    # as itself), through FR_ON_FAILURE(-1, EIO), in every deployment
    for spec in "calc_add:agent_before:5 Input/output error" \
                "calc_add:shadow_before:116 Stale file handle" \
                "calc_add:agent_after:116 Stale file handle" \
                "calc_add:shadow_after:5 Input/output error"; do
        f=${spec%% *} msg=${spec#* }
        for run in plain all-in-one split; do
            if [ $run = plain ]; then out=$(run_plain "fail=$f") || fail "$run $f: status $?"
            else out=$(run_cfg "$(cfg $run "$HOOKLOG" "fail=$f")") || fail "$run $f: status $?"; fi
            echo "$out" | grep -qx "add -1" || fail "$run $f: calc_add did not fail: $out"
            echo "$out" | grep -qx "add again -1 errno $msg" || fail "$run $f: not '$msg': $out"
            echo "$out" | grep -qx "len 5" || fail "$run $f: another call failed: $out"
        done
    done
    # without FR_ON_FAILURE the program ends, naming the hook
    out=$(run_cfg "$(cfg split "$HOOKLOG" "fail=calc_keep:shadow_before:5")" 2>&1)
    [ $? -eq 70 ] || fail "calc_keep's failure did not end the program"
    echo "$out" | grep -q "call to calc_keep() of module 'calc' failed: a hook failed it" ||
        fail "no message naming the hook: $out"
    # and so with no config at all: one process, no FMP to name
    out=$(run_plain "fail=calc_keep:agent_before:5" 2>&1)
    [ $? -eq 70 ] || fail "with no config, calc_keep's failure did not end the program with 70"
    echo "$out" | grep -q "call to calc_keep() of module 'calc' failed: a hook failed it" ||
        fail "with no config, no message naming the hook: $out"
    ;;
delay)
    # an agent that takes 600 ms is the caller's time: call_timeout_ms 200
    # does not fire; a shadow's is the callee's: it does
    sed -e "s|@HOOKLOG@|$HOOKLOG|" -e "s|log=@LOG@|delay=calc_add:600|" \
        -e 's|^version: 1|version: 1\ndefaults: {call_timeout_ms: 200}|' "$CONFIGS/split.yaml" > "$T/d.yaml"
    start=$(date +%s%N)
    out=$(run_cfg "$T/d.yaml") || fail "delayed run: $out"
    ms=$(( ($(date +%s%N) - start) / 1000000 ))
    echo "$out" | grep -qx "add 5" || fail "delayed call failed: $out"
    [ $ms -ge 1200 ] || fail "two delayed calls took $ms ms"
    base=$("$APP")
    [ "$out" = "$base" ] || fail "delayed output differs"
    # in one process too
    start=$(date +%s%N)
    out=$(run_plain "delay=calc_add:300") || fail "delayed run without a config"
    ms=$(( ($(date +%s%N) - start) / 1000000 ))
    [ "$out" = "$base" ] || fail "delayed output differs without a config"
    [ $ms -ge 600 ] || fail "two delayed local calls took $ms ms"
    out=$(HOOKAPP_SLOW=600 run_cfg "$(cfg split)" 2>&1)
    echo "$out" | grep -q "calc_slow() of module 'calc' failed\|slow -1" && fail "no timeout set, yet failed"
    sed -e 's|^version: 1|version: 1\ndefaults: {call_timeout_ms: 200}|' "$T/split.yaml" > "$T/t.yaml"
    out=$(HOOKAPP_SLOW=600 run_cfg "$T/t.yaml" 2>&1)
    echo "$out" | grep -qx "slow -1" || fail "a slow callee under call_timeout_ms did not fail: $out"
    ;;
code)
    # by code, on calc only: every calc call seen (the stub's direct path
    # would skip them), store untouched and still direct
    printf 'version: 1\nfmps: []\n' > "$T/bare.yaml"
    for c in "" bare; do
        if [ -z "$c" ]; then out=$(HOOKAPP_CODE=1 "$APP") || fail "no config"
        else out=$(HOOKAPP_CODE=1 run_cfg "$T/bare.yaml") || fail "$c"; fi
        echo "$out" | grep -qx "register 0" || fail "register: $out"
        echo "$out" | grep -qx "register unknown -22" || fail "a glob naming nothing: $out"
        echo "$out" | grep -qx "code hook: calc 5 other 0; remote: calc 1 others 0" ||
            fail "${c:-no config}: $out"
        echo "$out" | grep -qx "unregister 0 -2" || fail "unregister: $out"
        echo "$out" | grep -qx "after unregister: calc 5" || fail "hook ran after unregister: $out"
    done
    ;;
bad-so)
    c=$(cfg split /nonexistent/libnone.so)
    out=$("$FRACTURE" check -c "$c" "$APP" 2>&1); rc=$?
    [ $rc -eq 1 ] || fail "check passed a missing .so ($rc): $out"
    echo "$out" | grep -q "split.yaml:8:10: error: meta-application '/nonexistent/libnone.so' cannot be read" ||
        fail "message: $out"
    out=$(run_cfg "$c" 2>&1); [ $? -eq 1 ] || fail "the run started"
    echo "$out" | grep -q "split.yaml:8:10: error: meta-application" || fail "run message: $out"
    ;;
no-entry)
    for c in split partial; do   # loaded in the root, and in a child only
        out=$(run_cfg "$(cfg $c "$NOHOOK")" 2>&1); rc=$?
        [ $rc -eq 1 ] || fail "$c started ($rc): $out"
        echo "$out" | grep -q "$c.yaml:8:10: meta-application .*libnohook.so has no entry point fr_meta_init()" ||
            fail "$c message: $out"
        echo "$out" | grep -q "hint: define \`int fr_meta_init(const char \*args)\`" || fail "hint: $out"
    done
    ;;
entry-fails)
    out=$(run_cfg "$(cfg split "$HOOKLOG" refuse)" 2>&1); rc=$?
    [ $rc -eq 1 ] || fail "started ($rc): $out"
    echo "$out" | grep -q "split.yaml:8:10: fr_meta_init() of meta-application .* failed in FMP 'root': Operation not permitted" ||
        fail "message: $out"
    ;;
unknown-fmp)
    sed -e "s|@HOOKLOG@|$HOOKLOG|" -e "s|log=@LOG@|x|" -e 's/fmps: \[root, calcs, stores\]/fmps: [root, calcz]/' \
        "$CONFIGS/split.yaml" > "$T/u.yaml"
    out=$("$FRACTURE" check -c "$T/u.yaml" "$APP" 2>&1); [ $? -eq 1 ] || fail "check passed: $out"
    echo "$out" | grep -q "u.yaml:8:[0-9]*: error: meta-application '.*' names FMP 'calcz', which the config does not have" ||
        fail "message: $out"
    echo "$out" | grep -q "did you mean 'calcs'" || fail "no did-you-mean: $out"
    ;;
crash-child)
    # the shadow crashes calcs once: its restart replays the call
    sed -e "s|@HOOKLOG@|$CRASHHOOK|" -e "s|log=@LOG@|once:$T/marker|" -e 's/fmps: \[root, calcs, stores\]/fmps: [calcs]/' \
        -e 's/{name: calcs, modules: \[calc\]}/{name: calcs, modules: [calc], restart: {}}/' \
        "$CONFIGS/split.yaml" > "$T/c.yaml"
    base=$("$APP")
    out=$(run_cfg "$T/c.yaml") || fail "crashed run ended ($?): $out"
    [ -e "$T/marker" ] || fail "the hook never crashed"
    [ "$out" = "$base" ] || fail "output after the replay differs: $out"
    # without restart: the FMP is gone, calc_add fails through FR_ON_FAILURE
    rm -f "$T/marker"
    sed -e 's/, restart: {}//' "$T/c.yaml" > "$T/c2.yaml"
    out=$(run_cfg "$T/c2.yaml" 2>/dev/null)
    echo "$out" | grep -qx "add -1" || fail "no FR_ON_FAILURE after the crash: $out"
    ;;
crash-root)
    sed -e "s|@HOOKLOG@|$CRASHHOOK|" -e "s|log=@LOG@|root|" -e 's/fmps: \[root, calcs, stores\]/fmps: [root]/' \
        "$CONFIGS/split.yaml" > "$T/r.yaml"
    # (argv names this test's processes apart from others')
    FRACTURE_CONFIG=$T/r.yaml "$APP" "$T" > /dev/null 2> "$T/err"; rc=$?
    # (under the sanitizers, their report of the fault and exit 1)
    [ $rc -eq 139 ] || { [ -n "$ASAN_LIB" ] && grep -qE "AddressSanitizer: SEGV|runtime error: store to null pointer" "$T/err"; } ||
        fail "the root's hook crash ended it with $rc, not SIGSEGV"
    sleep 0.5
    pgrep -f "$T" > /dev/null && fail "an FMP outlived the crashed root"
    ;;
faults)
    # the injector's schedule (libfracture-faults.so), on calc_add: the 2
    # calls of the fixed sequence, then 100 more; split, from the root
    inj() { sed -e "s|@HOOKLOG@|$FAULTS|" -e "s|log=@LOG@|function=calc_add $1|" \
            "$CONFIGS/split.yaml" > "$T/f.yaml"; HOOKAPP_LOOP=100 run_cfg "$T/f.yaml" | grep '^failed'; }
    out=$(inj "every=4 errno=EIO")
    # calls 4, 8, ... of calc_add: the loop's calls 2, 6, 10, ...
    echo "$out" | grep -qx "failed 25 of 100" || fail "every=4: $out"
    echo "$out" | grep -q "^failed: 2 6 10 14 " || fail "every=4 schedule: $out"
    out=$(inj "every=1 after=10 max=3 errno=EIO")
    echo "$out" | grep -qx "failed: 9 10 11" || fail "after=10 max=3: $out"
    a=$(inj "probability=0.3 seed=7 errno=EIO") b=$(inj "probability=0.3 seed=7 errno=EIO")
    c=$(inj "probability=0.3 seed=8 errno=EIO")
    [ "$a" = "$b" ] || fail "the same seed gave two schedules"
    [ "$a" != "$c" ] || fail "two seeds gave one schedule"
    k=$(echo "$a" | sed -n 's/^failed \([0-9]*\) of 100$/\1/p')
    [ "$k" -ge 15 ] && [ "$k" -le 45 ] || fail "probability 0.3 failed $k of 100"
    # bad args: the program does not start, the line is named
    out=$(sed -e "s|@HOOKLOG@|$FAULTS|" -e "s|log=@LOG@|function=calc_add every=0|" \
          "$CONFIGS/split.yaml" > "$T/b.yaml"; run_cfg "$T/b.yaml" 2>&1); rc=$?
    [ $rc -eq 1 ] || fail "bad args started ($rc)"
    echo "$out" | grep -q "every= takes a whole number from 1" || fail "message: $out"
    echo "$out" | grep -q "b.yaml:8:10: fr_meta_init() of meta-application" || fail "place: $out"
    ;;
*) fail "no test $TEST" ;;
esac
echo "ok: $TEST"
