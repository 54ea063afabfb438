#!/usr/bin/env bash
# cli.sh CASE FRACTURE DIR [APP [PLAIN CHECK]] - `fracture partition` end to end,
# one case per CTest: FRACTURE is the fracture binary, DIR tests/partition
# (its traces/, bench/, envs/), APP a fractured app to check the written
# deployment against (`fracture check`), PLAIN its plain build and CHECK
# the driver that runs both and compares them (check_sample).
#
# Every case runs in a temporary directory of its own, removed at exit, and
# checks the exit status, what stdout and stderr say, and, for every
# error, that nothing was written (no file, no temporary one, an existing
# output untouched).  The costs are fixed (--call-ns 1000 --byte-ns 0.25)
# unless the case is about where they come from.
set -euo pipefail
case=$1 fr=$2 dir=$3 app=${4:-} plain=${5:-} check=${6:-}
tr=$dir/traces
costs=(--call-ns 1000 --byte-ns 0.25)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fr-partition.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"

fail() { echo "FAIL: $*"; echo "--- stdout"; cat out 2>/dev/null || true
         echo "--- stderr"; cat err 2>/dev/null || true; exit 1; }

# run STATUS ARGS...: fracture partition ARGS, which must exit STATUS
run() {
    local want=$1 rc=0
    shift
    "$fr" partition "$@" >out 2>err || rc=$?
    [ "$rc" = "$want" ] || fail "exit status $rc, expected $want: fracture partition $*"
    # in a sanitizer build a leak on an error path would hide in status 1
    ! grep -q 'Sanitizer\|runtime error' err || fail "a sanitizer spoke: fracture partition $*"
}
has() { grep -qF -- "$2" "$1" || fail "$1 lacks: $2"; }
lacks() { ! grep -qF -- "$2" "$1" || fail "$1 has: $2"; }
# an error: the message on stderr, nothing on stdout, nothing written
# (deploy.yaml keeps its old text, graph.dot is not made, no temporary)
refused() {
    local want=$1 msg=$2
    shift 2
    echo old >deploy.yaml
    run "$want" "$@" -o deploy.yaml --dot graph.dot
    has err "fracture: error: $msg"
    [ ! -s out ] || fail "stdout not empty on error"
    [ "$(cat deploy.yaml)" = old ] || fail "deploy.yaml changed on error"
    [ ! -e graph.dot ] || fail "graph.dot written on error"
    [ -z "$(ls -A | grep -v '^deploy.yaml$\|^err$\|^out$' || true)" ] ||
        fail "files left: $(ls -A)"
    rm -f deploy.yaml
}

case $case in
crowd)
    # --crowd: one cut per module of the rotation, written as crowd: with
    # each boundary in `with:`: at 1 % of the calls lexer goes along with
    # parser (and parser with lexer), at 5 % under memcheck parser is alone
    run 0 --crowd --env none "${costs[@]}" "$tr/coupled.json" -o deploy.yaml
    has out "crowd rotation of 2 modules, 1 % of each module's calls under none (slowdown 1x), the rest in a plain instance:"
    has out "  slot 0: parser + lexer"
    has out "  slot 1: lexer + parser"
    has deploy.yaml "    - {module: parser, with: [lexer]}   # 1.16 ms (0.04 % of the wall time)"
    has deploy.yaml "    - {module: lexer, with: [parser]}"
    has deploy.yaml "  percent: 1"
    has deploy.yaml "  env: {}"
    run 0 --crowd --isolate parser --sample-pct 5 "${costs[@]}" "$tr/coupled.json" -o deploy.yaml
    has deploy.yaml "    - {module: parser, with: []}"
    has deploy.yaml "  percent: 5"
    lacks deploy.yaml "env:"
    run 0 --crowd --json "${costs[@]}" "$tr/coupled.json"
    has out '"rotation": [{"module": "parser", "with": ["lexer"], "cost_ns": '
    has out '"env": "memcheck", "slowdown": 20'
    # refusals (refused adds --dot, which --crowd refuses first)
    run 2 --crowd --dot graph.dot "${costs[@]}" "$tr/coupled.json"
    has err "fracture: error: partition: --dot draws one cut; --crowd makes one per module"
    for a in "--policy restart" "--parts 2" "--isolate logger"; do
        echo old >deploy.yaml
        rc=0
        # shellcheck disable=SC2086
        "$fr" partition --crowd $a "${costs[@]}" "$tr/coupled.json" -o deploy.yaml >out 2>err || rc=$?
        [ "$(cat deploy.yaml)" = old ] || fail "deploy.yaml changed on error ($a)"
        [ ! -s out ] || fail "stdout not empty on error ($a)"
        case $a in
        --policy*) [ $rc = 2 ] && has err "fracture: error: partition: --crowd --policy restart: a crowd's FMP is sampled" ;;
        --parts*) [ $rc = 2 ] && has err "fracture: error: partition: --crowd and --parts do not go together: one question a run" ;;
        *) [ $rc = 2 ] && has err "fracture: error: partition: --isolate logger --policy sample: module 'logger' is not samplable" ;;
        esac || fail "--crowd $a: exit $rc"
    done
    ;;
env-none-moves-the-heavy-callee)
    # parser calls the CPU-heavy lexer 200,000 times: with no environment
    # lexer costs nothing in parser's FMP, so it goes along
    run 0 --isolate parser --env none "${costs[@]}" "$tr/coupled.json" -o deploy.yaml
    has deploy.yaml "modules: [parser, lexer, logger]"
    has out "lexer moved in: kept in the root, it would cost 201.20 ms more in all"
    has out "parser -> lexer (next_token): 200000 calls"
    ;;
env-memcheck-keeps-it-out)
    # under memcheck its 1 s of CPU would cost 19 s more: lexer stays out,
    # and the table shows the alternative it beat
    run 0 --isolate parser --env memcheck "${costs[@]}" "$tr/coupled.json" -o deploy.yaml
    has deploy.yaml "modules: [parser]"
    has deploy.yaml "valgrind: {tool: memcheck}"
    has out "slowdown              20x   default for memcheck"
    grep -E '^\* .*  parser$' out >/dev/null || fail "the answer is not parser alone"
    grep -E '19\.381 s .* parser \+ lexer$' out >/dev/null || fail "no parser + lexer row"
    has deploy.yaml "#   instead, parser + lexer: 19.381 s"
    # --slowdown 1 makes memcheck free again: lexer goes along
    run 0 --isolate parser --env memcheck --slowdown 1 "${costs[@]}" "$tr/coupled.json"
    has out "lexer moved in"
    has out "--slowdown (--slowdown F to change)"
    ;;
policy-keeps-capless-modules-out)
    run 0 --isolate parser --policy restart "${costs[@]}" "$tr/coupled.json" -o deploy.yaml
    has deploy.yaml "modules: [parser, lexer]"
    has deploy.yaml "restart: {max: 5, window_s: 60, retries: 2}"
    has out "modules that are not so stay in the root: restartable"
    run 0 --isolate parser --policy replicate --replicas 2 "${costs[@]}" "$tr/coupled.json" \
        -o deploy.yaml
    has deploy.yaml "replicate: {count: 2, on_divergence: vote}"
    run 0 --isolate parser --policy sample --sample-pct 10 --env helgrind "${costs[@]}" \
        "$tr/coupled.json" -o deploy.yaml
    has deploy.yaml "- {weight: 90}"
    has deploy.yaml "valgrind: {tool: helgrind}"
    has out "sampled              10 %   of the calls go to the instance"
    ;;
check-httpd)
    # the deployment passes `fracture check` against the app it is for
    "$fr" partition --isolate files --bench "$dir/bench/bench.json" "$tr/httpd.json" \
        -o deploy.yaml >out 2>err || fail "partition failed"
    "$fr" check -c deploy.yaml "$app" >out 2>err || fail "fracture check refused it"
    for env in memcheck "$dir/envs/helgrind.yaml"; do
        "$fr" partition --isolate mime --isolate parser --env "$env" --policy restart \
            "${costs[@]}" "$tr/httpd.json" -o deploy.yaml >out 2>err || fail "partition failed"
        has out "method: multiway cut by enumeration"
        "$fr" check -c deploy.yaml "$app" >out 2>err || fail "fracture check refused it ($env)"
    done
    "$fr" partition --parts 4 --policy sample "${costs[@]}" "$tr/httpd.json" \
        -o deploy.yaml >out 2>err || fail "partition --parts failed"
    has out "method: METIS k-way partition"
    [ "$(grep -c '^  - name: part' deploy.yaml)" = 3 ] || fail "not 3 child FMPs"
    "$fr" check -c deploy.yaml "$app" >out 2>err || fail "fracture check refused --parts"
    ;;
sample-runs-as-plain)
    # the written deployment runs the sample app with the plain build's output
    "$fr" partition --isolate geom --isolate store --policy restart "${costs[@]}" \
        "$tr/sample.json" -o deploy.yaml >out 2>err || fail "partition failed"
    has deploy.yaml "modules: [geom, stats]"
    has deploy.yaml "modules: [store, text]"
    "$fr" check -c deploy.yaml "$app" >out 2>err || fail "fracture check refused it"
    # the sample's own driver: same stdout as plain, children seen, nothing left
    "$check" "$plain" "$app" deploy.yaml >out 2>err || fail "the split run is not the plain one"
    ;;
trained-sample)
    # trace -> partition -> deploy on a real training run: the sample all in
    # one with trace:, its output the plain build's; the trace names the
    # binary's id (`fracture modules`); the deployment the partitioner
    # writes from it runs with the plain build's output
    printf 'version: 1\ntrace: {file: %s/train.json}\n' "$tmp" >train.yaml
    FRACTURE_CONFIG=train.yaml "$app" >trained.out 2>err || fail "the training run failed"
    "$plain" >plain.out 2>>err || fail "the plain build failed"
    cmp -s trained.out plain.out || fail "the training run's output is not the plain build's"
    id=$("$fr" modules --json "$app" | sed -n 's/.*"id": "\([0-9a-f]\{16\}\)".*/\1/p')
    [ -n "$id" ] || fail "fracture modules --json names no id"
    run 0 --isolate store --policy restart "${costs[@]}" train.json -o deploy.yaml
    has out "app sample (id $id): 1 trace, 1 run"
    has out "main -> store (store_cursor_next): 28 calls"
    has deploy.yaml "modules: [store"
    "$fr" check -c deploy.yaml "$app" >out 2>err || fail "fracture check refused it"
    "$check" "$plain" "$app" deploy.yaml >out 2>err || fail "the split run is not the plain one"
    ;;
trained-httpd)
    # trace -> partition -> deploy on apps/httpd (the pipeline bench.sh's
    # HTTPD_PREDICT mode measures): a traced run all in one under a short
    # scripted site workload, mostly static files; the trace it writes is
    # accepted, and isolating files moves mime and respond with it (both
    # are called by files on every static request); the deployment passes
    # `fracture check` and serves the same bytes.  No timing is asserted.
    mkdir -p www/dir
    head -c 3000 /dev/urandom | base64 >www/index.html
    echo 'body { }' >www/style.css
    head -c 2048 /dev/urandom >www/image.png
    for i in 1 2 3; do echo "$i" >"www/dir/file-$i.txt"; done
    pid=
    trap 'if [ -n "$pid" ]; then kill -KILL "$pid" 2>/dev/null || true; fi; rm -rf "$tmp"' EXIT
    # serve CONFIG: start the server under CONFIG, set pid and port
    serve() {
        : >server.out
        FRACTURE_CONFIG=$1 "$app" --port 0 --root www --threads 2 --log access.log \
            >server.out 2>server.err &
        pid=$!
        for _ in $(seq 1 500); do grep -q '^listening on' server.out && break; sleep 0.01; done
        port=$(sed -n 's/^listening on //p' server.out)
        [ -n "$port" ] || fail "the server did not start under $1: $(cat server.err)"
    }
    # stop: SIGTERM, and the server must exit 0 (the trace is written then)
    stop() {
        kill -TERM "$pid"
        wait "$pid" || fail "the server exited $? on SIGTERM: $(cat server.err)"
        pid=
    }
    get() {   # PATH STATUS
        local code
        code=$(curl -s -o got --max-time 10 -w '%{http_code}' "http://127.0.0.1:$port$1") ||
            fail "curl $1 failed"
        [ "$code" = "$2" ] || fail "GET $1: status $code, expected $2"
    }
    printf 'version: 1\ntrace: {file: %s/train.json}\n' "$tmp" >train.yaml
    serve train.yaml
    for _ in 1 2 3; do
        get /index.html 200; get /style.css 200; get /image.png 200; get /dir/file-1.txt 200
    done
    get /dir/ 200; get /missing.html 404; get /index.html 200
    stop
    [ -s train.json ] || fail "the traced run wrote no trace"
    id=$("$fr" modules --json "$app" | sed -n 's/.*"id": "\([0-9a-f]\{16\}\)".*/\1/p')
    run 0 --isolate files "${costs[@]}" train.json -o deploy.yaml
    has out "app httpd (id $id): 1 trace, 1 run"
    has out "main -> files (static_serve): 13 calls"
    has out "files -> mime (mime_type): 13 calls"
    has out "files -> respond (http_head): 13 calls"
    has deploy.yaml "modules: [files, mime, respond]"
    # isolating respond: with files it saves the bytes of http_head and
    # pays main's socket to static_serve; a descriptor priced as the bench
    # finds it (tens of us) makes respond alone the answer
    run 0 --isolate respond "${costs[@]}" train.json
    has out "per fd             0.0 ns   not priced (--fd-ns N to price)"
    has out "FMP 'respond': respond, files, mime"
    run 0 --isolate respond "${costs[@]}" --fd-ns 5000 train.json --json
    has out '"fd_ns": 5000.0'
    [ "$(jq -c '.fmps' out)" = '[{"name":"respond","modules":["respond"]}]' ] ||
        fail "a priced descriptor does not keep respond alone"
    [ "$(jq -c '[.crossing[] | select(.function == "static_serve")]' out)" = '[]' ] ||
        fail "static_serve (and its descriptor) still crosses"
    "$fr" partition --isolate files "${costs[@]}" train.json -o deploy.yaml >out 2>err ||
        fail "partition failed"
    "$fr" check -c deploy.yaml "$app" >out 2>err || fail "fracture check refused it"
    serve deploy.yaml
    get /index.html 200
    cmp -s got www/index.html || fail "the split server sent other bytes for /index.html"
    get /dir/file-2.txt 200
    stop
    ;;
dot)
    run 0 --isolate parser --env memcheck "${costs[@]}" "$tr/coupled.json" --dot graph.dot
    has graph.dot 'subgraph "cluster_parser"'
    has graph.dot '"parser" -> "lexer" [penwidth=6.00'
    has graph.dot 'color="#c0392b"'
    has out "wrote graph.dot"
    if command -v dot >/dev/null; then
        dot -Tsvg graph.dot -o graph.svg || fail "dot cannot render it"
        has graph.svg "<svg"
        has graph.svg "FMP parser"
    fi
    ;;
traces-add-up)
    run 0 --isolate files "${costs[@]}" "$dir/traces/web.json" "$dir/traces/web-2.json"
    has out "app web (id 9f2c4e1a7b3d5f60): 2 traces, 2 runs, wall time 4.000 s"
    refused 1 "$dir/traces/web-other-build.json: app.id:" --isolate files "${costs[@]}" \
        "$dir/traces/web.json" "$dir/traces/web-other-build.json"
    has err "traces add up only for the same build of the same app"
    ;;
bench-figures)
    run 0 --isolate parser --bench "$dir/bench/bench.json" "$tr/coupled.json"
    has out "per call         900.0 ns   cross_null 902.4 ns - stub_local 2.4 ns"
    has out "bench/bench.json (--bench)"
    run 0 --isolate parser --bench "$dir/bench/bench.json" --byte-ns 2 "$tr/coupled.json"
    has out "per byte        2.0000 ns   --byte-ns"
    # the cache, when there is one
    mkdir -p cache/fracture
    cp "$dir/bench/bench.json" cache/fracture/bench.json
    XDG_CACHE_HOME=$tmp/cache run 0 --isolate parser "$tr/coupled.json"
    has out "cache/fracture/bench.json (cached)"
    rm -r cache
    refused 1 "$dir/bench/no-1m.json: results: no figure 'cross_inout_1m'" \
        --isolate parser --bench "$dir/bench/no-1m.json" "$tr/coupled.json"
    ;;
bench-measured)
    # no cache: `fracture bench --quick` runs, its figures are cached
    XDG_CACHE_HOME=$tmp/cache run 0 --isolate parser "$tr/coupled.json"
    has out "measured now (fracture bench --quick), cached in $tmp/cache/fracture/bench.json"
    [ -s cache/fracture/bench.json ] || fail "nothing cached"
    XDG_CACHE_HOME=$tmp/cache run 0 --isolate parser "$tr/coupled.json"
    has out "(cached)"
    ;;
json)
    run 0 --isolate parser --env memcheck "${costs[@]}" "$tr/coupled.json" --json -o d.yaml
    has out '"method": "mincut"'
    has out '"slowdown": 20.0'
    has out '"label": "parser + lexer"'
    has out '"yaml": "d.yaml"'
    has out '"fd_ns": 0.0'
    ;;
bad-module)
    refused 2 "partition: --isolate parsr: no module 'parsr' in the trace" \
        --isolate parsr "${costs[@]}" "$tr/coupled.json"
    has err "hint: did you mean 'parser'?"
    refused 2 "partition: --isolate main: main stays in the root FMP" \
        --isolate main "${costs[@]}" "$tr/coupled.json"
    ;;
impossible-constraint)
    refused 2 "partition: --isolate logger --policy restart: module 'logger' is not restartable" \
        --isolate logger --policy restart "${costs[@]}" "$tr/coupled.json"
    has err "its caps: none"
    refused 2 "partition: --parts 4: more parts than modules: 2 of the 4 modules may leave the root" \
        --parts 4 --policy restart "${costs[@]}" "$tr/coupled.json"
    refused 2 "partition: --parts 1: at least 2 parts" --parts 1 "${costs[@]}" "$tr/coupled.json"
    refused 2 "partition: --isolate parser: given twice" --isolate parser --isolate parser \
        "${costs[@]}" "$tr/coupled.json"
    ;;
bad-trace)
    refused 1 "nosuch.json: cannot read the trace: No such file or directory" \
        --isolate parser "${costs[@]}" nosuch.json
    refused 1 "$dir/bad/truncated.json:54:18: not valid JSON" \
        --isolate files "${costs[@]}" "$dir/bad/truncated.json"
    refused 1 "$dir/bad/negative-calls.json: edges[3].calls: expected a non-negative" \
        --isolate files "${costs[@]}" "$dir/bad/negative-calls.json"
    ;;
bad-usage)
    refused 2 "partition: unknown option '--frobnicate'" --frobnicate "$tr/coupled.json"
    refused 2 "partition: no trace given" --isolate parser
    refused 2 "partition: say what to do: --isolate MODULE, --parts K or --crowd" "$tr/coupled.json"
    refused 2 "partition: --isolate and --parts do not go together" --isolate parser \
        --parts 2 "$tr/coupled.json"
    refused 2 "partition: --slowdown '0.5': expected a number from 1 to 1e+06" \
        --isolate parser --slowdown 0.5 "$tr/coupled.json"
    run 2 "$tr/coupled.json" --isolate
    has err "fracture: error: partition: --isolate needs a value"
    refused 2 "partition: --policy 'restarts': no such policy" --isolate parser --policy restarts \
        "${costs[@]}" "$tr/coupled.json"
    refused 2 "partition: --replicas is for --policy replicate" --isolate parser --replicas 3 \
        "${costs[@]}" "$tr/coupled.json"
    refused 2 "partition: --env 'memchek': no such environment" --isolate parser --env memchek \
        "${costs[@]}" "$tr/coupled.json"
    has err "did you mean 'memcheck'?"
    refused 1 "$dir/envs/typo.yaml:2:1: unknown key 'limts' in env" --isolate parser \
        --env "$dir/envs/typo.yaml" "${costs[@]}" "$tr/coupled.json"
    cp "$tr/coupled.json" t.json
    run 2 --isolate parser "${costs[@]}" t.json -o t.json
    has err "'t.json' is a trace given as input"
    cmp -s t.json "$tr/coupled.json" || fail "the trace was written over"
    rm t.json
    # options in any order, --opt=VALUE too
    run 0 "$tr/coupled.json" --call-ns=1000 --isolate=parser --byte-ns 0.25
    has out "FMP 'parser'"
    run 0 --help
    has out "usage: fracture partition"
    ;;
unwritable-output)
    # the YAML can be written, the picture cannot: neither is
    run 1 --isolate parser "${costs[@]}" "$tr/coupled.json" -o deploy.yaml \
        --dot nodir/graph.dot
    has err "fracture: error: nodir/graph.dot: cannot write: No such file or directory"
    [ ! -e deploy.yaml ] || fail "deploy.yaml written though --dot failed"
    [ -z "$(ls -A | grep -v '^err$\|^out$' || true)" ] || fail "files left: $(ls -A)"
    ;;
*)
    echo "cli.sh: no case '$case'" >&2
    exit 2
    ;;
esac
echo "ok: $case"
