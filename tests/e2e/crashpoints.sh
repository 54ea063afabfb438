#!/bin/sh
# crashpoints.sh - the crash-point harness (DESIGN, Reliability; rt/lib/fault.h).
#
#   crashpoints.sh walk LEDGER WORKDIR
#     Runs `ledger points` plain, then, under each policy (restart; twice:
#     restart, and the first restart dies again at the same point, in its
#     replay; replicate; sample; and each of the last two beside restart:,
#     the member coming back) and for each child FMP the policy can bring back,
#     kills that FMP at every numbered crash point (FRACTURE_FAULT=N:K) and
#     requires the plain output and status 0 each time.  Every process logs
#     the points it passes (FRACTURE_FAULT_LOG); at the end the hit and kill
#     counts of each point are printed, and a point never hit, or never
#     killed at, fails the walk.
#   crashpoints.sh random LEDGER WORKDIR ITERATIONS SEED SECONDS
#     kill -9 of a random child FMP at a random moment of `ledger points`
#     under the restart policy, ITERATIONS times (seeded, at most SECONDS in
#     all); each run must print the plain output.
set -u
mode=$1 ledger=$2 work=$3
mkdir -p "$work"
npoints=17                    # FR_FP_COUNT - 1 (rt/lib/fault.h)
log=$work/points.log
: >"$log"
fail=0

rounds=4
[ "$mode" = random ] && rounds=40   # long enough for a kill to land mid-run
plain=$work/plain.out
env -u FRACTURE_CONFIG "$ledger" points $rounds >"$plain" 2>"$work/plain.err" || {
    echo "plain run failed"; cat "$work/plain.err"; exit 1; }
echo "plain: $(cat "$plain")"

# What every config shares: storage holds the program's state and is never
# killed (a restart would lose it: only FR_INIT state comes back).
header() {
    cat <<YAML
version: 1
defaults: {channel_kb: 16, call_timeout_ms: 5000}
fmps:
  - name: storage
    modules: [store]
YAML
}

# config POLICY TARGET POINT COUNT > yaml: the target dies at POINT the
# COUNT-th time; what brings it back runs without the fault.
config() {
    fault="$3:$4"
    case $1 in
    restart|twice)
        m=""; t=""
        # twice: the first restart dies again, the first time it passes the
        # point (in the replay of the call in flight, or of FR_INIT calls)
        ma="" ta=""
        [ "$1" = twice ] && [ "$2" = maths ] && ma="{vars: {FRACTURE_FAULT: \"$3:1\"}}, "
        [ "$1" = twice ] && [ "$2" = texts ] && ta="{vars: {FRACTURE_FAULT: \"$3:1\"}}, "
        [ "$2" = maths ] && m="env: {vars: {FRACTURE_FAULT: \"$fault\"}}"
        [ "$2" = texts ] && t="env: {vars: {FRACTURE_FAULT: \"$fault\"}}"
        # init: texts dies in its FR_INIT call to maths, answered, before
        # the root has its copy (init-copy), and maths on its 5th call
        # (LEDGER_CRASH, math.c); maths' first restart dies while the root
        # replays the FR_INIT calls into it (init-replay), its second gets
        # them all, texts' from the root's copy
        [ "$2" = init ] && m="env: {vars: {LEDGER_CRASH: kill}}" &&
            ma="{vars: {FRACTURE_FAULT: \"15:1\", LEDGER_CRASH: \"\"}}, " &&
            t="env: {vars: {FRACTURE_FAULT: \"$fault\"}}"
        header
        cat <<YAML
  - name: maths
    modules: [math]
    $m
    restart: {max: 10, window_s: 60, retries: 2, environments: [$ma{vars: {FRACTURE_FAULT: "", LEDGER_CRASH: ""}}]}
  - name: texts
    modules: [text]
    $t
    restart: {max: 10, window_s: 60, retries: 2, environments: [$ta{vars: {FRACTURE_FAULT: ""}}]}
YAML
        ;;
    replicate|sample|replicate-restart|sample-restart)
        # the fault in member 1 only; beside restart: (the last two) the
        # killed member comes back with the fault cleared (a replica
        # rejoins, an instance's calls replay there)
        case $1 in
        replicate*) group="replicate: {count: 3, environments: [{}, {vars: {FRACTURE_FAULT: \"$fault\"}}, {}]}" ;;
        *) group="sample: {seed: 3, instances: [{weight: 1}, {weight: 1, env: {vars: {FRACTURE_FAULT: \"$fault\"}}}]}" ;;
        esac
        back=""
        case $1 in
        *-restart) back="restart: {max: 10, window_s: 60, retries: 2, environments: [{vars: {FRACTURE_FAULT: \"\"}}]}" ;;
        esac
        header
        cat <<YAML
  - name: maths
    modules: [math]
    $group
    $back
  - name: texts
    modules: [text]
    restart: {max: 10, window_s: 60, retries: 2}
YAML
        ;;
    esac
}

# plain_or_fail WHAT STATUS: the run that wrote $out and $err must have
# ended with 0 and the plain output; otherwise say so, show how, fail.
plain_or_fail() {
    if [ "$2" -ne 0 ] || ! cmp -s "$out" "$plain"; then
        echo "FAIL $1: status $2"
        diff "$plain" "$out" | head -5
        tail -5 "$err"
        fail=1
        return 1
    fi
    return 0
}

run_one() {   # NAME CONFIG
    out=$work/$1.out err=$work/$1.err
    FRACTURE_CONFIG=$2 FRACTURE_FAULT_LOG=$log timeout 60 "$ledger" points >"$out" 2>"$err"
    plain_or_fail "$1" $?
}

leftovers() {
    # nothing of a run may outlive it: no process started with this walk's
    # config or log (its environment names $work), after a grace second
    sleep 1
    left=$(grep -l -s -F "$work/" /proc/[0-9]*/environ | grep -v "/proc/$$/" | cut -d/ -f3 | tr '\n' ' ')
    if [ -n "$left" ]; then
        echo "FAIL: processes left: $left"
        fail=1
    fi
}

case $mode in
walk)
    runs=0
    for policy in restart twice replicate sample replicate-restart sample-restart; do
        case $policy in
        restart|twice) targets="maths texts" ;;
        *) targets=maths ;;
        esac
        for target in $targets; do
            p=1
            while [ $p -le $npoints ]; do
                # the 2nd passage for most points: mid-run, not at start
                count=$(( (p % 3) + 1 ))
                # child-start: once per process; init-copy: texts makes one
                # FR_INIT call (its text_setup)
                [ $p -eq 16 ] || [ $p -eq 17 ] && count=1
                cfg=$work/$policy-$target-$p.yaml
                config $policy $target $p $count >"$cfg"
                before=$(grep -c '^kill' "$log")
                run_one "$policy-$target-$p" "$cfg" && runs=$((runs + 1))
                after=$(grep -c '^kill' "$log")
                [ "$after" -gt "$before" ] && k=killed || k="not reached"
                echo "$policy $target point $p (x$count): $k"
                p=$((p + 1))
            done
        done
    done
    cfg=$work/restart-init.yaml
    config restart init 17 1 >"$cfg"
    run_one restart-init "$cfg" && runs=$((runs + 1))
    for p in 15 17; do
        grep -q "^kill $p " "$log" && k=killed || k="not reached"
        echo "restart init (texts at 17, maths' first restart at 15) point $p: $k"
    done
    leftovers
    echo "crash points: $npoints; runs passed: $runs"
    p=1
    while [ $p -le $npoints ]; do
        name=$(grep -m1 " $p " "$log" | cut -d' ' -f3)
        hits=$(grep -c "^hit $p " "$log")
        kills=$(grep -c "^kill $p " "$log")
        echo "point $p ${name:-?}: hit $hits, killed at $kills"
        if [ "$hits" -eq 0 ] || [ "$kills" -eq 0 ]; then
            echo "FAIL: point $p was never hit or never killed at"
            fail=1
        fi
        p=$((p + 1))
    done
    ;;
random)
    iters=$4 seed=$5 seconds=$6
    cfg=$work/random.yaml
    config restart none 1 1 >"$cfg"
    end=$(( $(date +%s) + seconds ))
    i=0 ok=0 killed=0
    # a seeded sequence: awk's srand() is deterministic for one seed
    awk -v s="$seed" -v n="$iters" 'BEGIN { srand(s); for (i = 0; i < n; i++) printf "%d %d\n", int(rand() * 45), int(rand() * 1000) }' >"$work/random.seq"
    while read -r delay pick; do
        [ "$(date +%s)" -ge "$end" ] && break
        i=$((i + 1))
        out=$work/random-$i.out err=$work/random-$i.err
        FRACTURE_CONFIG=$cfg timeout 60 "$ledger" points $rounds >"$out" 2>"$err" &
        pid=$!
        sleep "$(awk -v d="$delay" 'BEGIN { printf "%.3f", d / 1000 }')"
        root=$(pgrep -P $pid | head -1)   # $pid is timeout(1); its child the root FMP
        kids=$( [ -n "$root" ] && pgrep -P "$root" | tr '\n' ' ')
        set -- $kids
        if [ $# -gt 0 ]; then
            # storage holds the program's state and is not restartable:
            # the victim is a child that runs maths or texts (or a spare
            # of one).  Which FMP a child is comes from the plan it was
            # started with (FRACTURE_PLAN: v1;SELF;...;NAME,NAME,...;...),
            # not from its name (set only once it runs) nor its pid (pids
            # wrap: the lowest is not always the first started).
            victim=""
            for k in "$@"; do
                who=$(tr '\0' '\n' </proc/$k/environ 2>/dev/null | sed -n 's/^FRACTURE_PLAN=//p' |
                      awk -F';' '{ for (i = 3; i <= NF; i++) if ($i ~ /^root,/) {
                                     n = split($i, names, ","); print names[$2 + 1]; exit } }')
                [ -n "$who" ] && [ "$who" != storage ] && victim="$victim $k"
            done
            set -- $victim
            if [ $# -gt 0 ]; then
                idx=$(( pick % $# + 1 ))
                eval v=\${$idx}
                kill -9 "$v" 2>/dev/null && killed=$((killed + 1))
            fi
        fi
        wait $pid
        plain_or_fail "random run $i (kill after ${delay} ms)" $? && ok=$((ok + 1))
    done <"$work/random.seq"
    leftovers
    echo "randomized: $i runs, $killed kills -9, $ok runs with the plain output"
    [ "$killed" -gt 0 ] || { echo "FAIL: no kill landed"; fail=1; }
    ;;
esac
exit $fail
