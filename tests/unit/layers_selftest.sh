#!/bin/sh
# layers_selftest.sh CC LAYERS_SH - layers.sh against tiny object files
# built here: a clean layered set passes, an upward edge (a cycle that goes
# down and back up) fails naming it, an object in no layer fails, an upward
# edge its `up:` line allows passes, a cycle inside a layer fails, and a
# malformed layers file is an input error (2), not a pass.
# shellcheck disable=SC2016  # the backquotes are layers.sh's own text
set -u
cc=$1
check=$2
dir=$(mktemp -d "${TMPDIR:-/tmp}/layers-selftest.XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT
trap 'exit 1' HUP INT TERM
fails=0

src() {   # src NAME CODE: NAME.c compiled into NAME.c.o, as CMake names it
    printf '%s\n' "$2" >"$dir/$1.c"
    "$cc" -c -o "$dir/$1.c.o" "$dir/$1.c" || { echo "selftest: cannot compile $1.c"; exit 1; }
}

src low     'int low_count; int low_f(int x) { return x + 1; }'
src mid     'int low_f(int); extern int low_count; int mid_f(int x) { low_count++; return low_f(x) * 2; }'
src mid2    'int mid_f(int); int mid2_f(int x) { return mid_f(x) - 1; }'
src high    'int mid_f(int); int low_f(int); int high_f(int x) { return mid_f(x) + low_f(x); }'
# down (serve -> wait) and back up (wait -> serve): the dispatcher case
src wait    'int serve(int); int wait_f(int x) { return serve(x); }'
src serve   'int wait_f(int); int serve(int x) { return x ? wait_f(x - 1) : 0; }'
# two files of one layer that use each other
src ring_a  'int ring_b(int); int ring_a(int x) { return x ? ring_b(x - 1) : 0; }'
src ring_b  'int ring_a(int); int ring_b(int x) { return x ? ring_a(x - 1) : 1; }'
src counter 'int counter_value;'
src bump    'extern int counter_value; void bump(void) { counter_value++; }'
src stray   'int low_f(int); int stray_f(void) { return low_f(0); }'

# expect NAME STATUS LAYERS-TEXT OBJECTS [-- STRING...]: layers.sh exits
# STATUS and prints every STRING.
expect() {
    name=$1 want=$2 text=$3 objs=$4
    shift 4
    printf '%s\n' "$text" >"$dir/layers.txt"
    set -f
    # shellcheck disable=SC2086  # OBJECTS is a list of words on purpose
    sh "$check" "$dir/layers.txt" $objs >"$dir/out" 2>&1
    got=$?
    set +f
    ok=1
    if [ "$got" != "$want" ]; then
        echo "FAIL $name: exit $got, want $want"
        ok=0
    fi
    if [ $# -gt 0 ] && [ "$1" = -- ]; then
        shift
        for s in "$@"; do
            if ! grep -qF -- "$s" "$dir/out"; then
                echo "FAIL $name: output lacks: $s"
                ok=0
            fi
        done
    fi
    if [ $ok = 1 ]; then
        echo "ok   $name"
    else
        sed 's/^/     | /' "$dir/out"
        fails=$((fails + 1))
    fi
}

o() {   # the objects of the names given
    for n; do printf '%s ' "$dir/$n.c.o"; done
}

three='low: low
mid: mid mid2
high: high'

expect clean-layers 0 "$three" "$(o low mid mid2 high)" -- \
    'layers: ok' '4 objects, 4 edges (1 inside a layer, 3 down, 0 up by up: lines, 0 up without)' \
    '  mid        mid mid2'

expect names-without-objects-are-ignored 0 "base: ghost low
mid: mid ghost2" "$(o low mid)" -- 'layers: ok' '(no object: ghost)'

expect whole-directory 1 "$three" "$dir" -- 'in no layer: wait'

expect cmake-list-argument 0 "$three" "$dir/low.c.o;$dir/mid.c.o;$dir/high.c.o;$dir/mid2.c.o" -- 'layers: ok'

expect down-then-up-cycle-fails 1 'low: wait
high: serve' "$(o wait serve)" -- \
    'layers: upward edge: wait (low) -> serve (high) uses serve:' \
    'add `up: wait -> serve  # why`' \
    'cycle across layers (2 files): serve wait: it goes up through wait -> serve' \
    'layers: FAIL: 2 offences'

expect up-line-allows-the-edge 0 'low: wait
high: serve
up: wait -> serve  # the dispatcher runs user code' "$(o wait serve)" -- \
    'layers: ok' '1 up by up: lines' '  up: wait -> serve'

expect unused-up-line-is-noted 0 'low: low wait
high: serve mid
up: wait -> serve  # why
up: low -> mid  # why' "$(o low mid wait serve)" -- \
    'layers: ok' 'up: low -> mid   (no such edge: this up: line may go)'

expect object-in-no-layer-fails 1 "$three" "$(o low mid stray)" -- \
    'layers: in no layer: stray (' 'layers low to high fit; it uses: low; used by: nothing'

expect cycle-inside-a-layer-fails 1 'low: low
mid: ring_a ring_b' "$(o low ring_a ring_b)" -- \
    'layers: cycle in layer mid: ring_a ring_b: ring_a -> ring_b (ring_b); ring_b -> ring_a (ring_a)'

expect same-layer-without-cycle-passes 0 'one: low mid mid2 high' "$(o low mid mid2 high)" -- \
    'layers: ok' '(4 inside a layer'

expect upward-data-symbol-fails 1 'a: mid
b: low' "$(o low mid)" -- \
    'layers: upward edge: mid (a) -> low (b) uses low_count, low_f:'

expect upward-data-only-says-move-the-data 1 'a: bump
b: counter' "$(o bump counter)" -- \
    'layers: upward edge: bump (a) -> counter (b) uses counter_value: a layer uses only those below it; move the definition of the data down to a or below'

expect malformed-line-is-an-input-error 2 'low low mid' "$(o low mid)" -- \
    'not `LAYER: file ...`'

expect up-line-that-goes-down-is-an-input-error 2 "$three
up: high -> low  # why" "$(o low mid high)" -- 'does not go up (high -> low)'

expect up-line-without-why-is-an-input-error 2 "$three
up: low -> high" "$(o low mid high)" -- 'says no why'

expect file-in-two-layers-is-an-input-error 2 'low: low
mid: mid low' "$(o low mid)" -- 'low is in layer low and in layer mid'

expect missing-object-is-an-input-error 2 "$three" "$dir/nothing.o" -- 'no such object file or directory'

if [ $fails -ne 0 ]; then
    echo "$fails case(s) failed"
    exit 1
fi
echo "all cases pass"
