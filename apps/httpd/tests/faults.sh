#!/bin/bash
# faults.sh - the fault injector (libfracture-faults.so) on apps/httpd: it
# fails every 3rd call of path_resolve, and the server's FR_ON_FAILURE path
# answers 503 while the others answer 200, and the server goes on; checked
# with curl, all in one and with resolve in an FMP of its own.
#   faults.sh HTTPD FAULTS_SO SCHEDULE
set -u
HTTPD=$1 FAULTS=$2
T=$(mktemp -d /tmp/fr-faults.XXXXXX)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; [ -f "$T/err" ] && sed 's/^/  server: /' "$T/err" >&2; exit 1; }

mkdir "$T/www" && echo hello > "$T/www/hello.txt"
for layout in all-in-one resolve-alone; do
    {
        echo "version: 1"
        if [ $layout = resolve-alone ]; then echo "fmps: [{name: resolver, modules: [resolve]}]"
        else echo "fmps: []"; fi
        echo "meta:"
        echo "  - {so: $FAULTS, fmps: [root], args: \"function=path_resolve every=3 errno=EIO log=$T/$layout.inj\"}"
    } > "$T/$layout.yaml"
    FRACTURE_CONFIG=$T/$layout.yaml "$HTTPD" --port 0 --root "$T/www" --threads 2 \
        --log "$T/access.log" > "$T/out" 2> "$T/err" &
    pid=$!
    for _ in $(seq 100); do grep -q 'listening on' "$T/out" && break; sleep 0.05; done
    port=$(sed -n 's/^listening on \([0-9]*\)$/\1/p' "$T/out")
    [ -n "$port" ] || fail "$layout: the server did not start"
    got=
    for i in $(seq 10); do
        code=$(curl -s -o "$T/body" -w '%{http_code}' "http://127.0.0.1:$port/hello.txt") ||
            fail "$layout: request $i: curl failed (the server died?)"
        got="$got $code"
        if [ "$code" = 200 ]; then grep -qx hello "$T/body" || fail "$layout: request $i: wrong body"
        else grep -q 'Service Unavailable' "$T/body" || fail "$layout: request $i: no 503 page"; fi
    done
    want=" 200 200 503 200 200 503 200 200 503 200"
    [ "$got" = "$want" ] || fail "$layout: codes$got, not$want"
    # the injector's own account agrees: calls 3, 6, 9
    [ "$(cut -d' ' -f1 "$T/$layout.inj" | tr '\n' ' ')" = "3 6 9 " ] ||
        fail "$layout: injector log: $(cat "$T/$layout.inj")"
    kill "$pid"; wait "$pid" 2>/dev/null; pid=
    echo "ok: $layout:$got"
done
