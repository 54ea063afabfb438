#!/bin/bash
# priority.sh - the mechanism of the priority meta-app (meta/priority.c),
# not its timing: under meta/priority-{all-in-one,every-module}.yaml a
# request sent with X-Priority: low runs its CGI script (forked by the
# thread serving cgi_run, in whichever FMP that is) as SCHED_IDLE, the
# meta-app's log shows every FMP the request crossed serving it idle, and
# once it is done no thread of any FMP is left idle or niced; high
# stays SCHED_OTHER at nice 0, a number is that nice value; without the
# meta-app (all-in-one.yaml, every-module.yaml) low changes nothing.  The
# policy is the kernel's (/proc/self/stat of the script, sched_getscheduler
# in the FMPs): a priority that stops travelling fails it.  Exit 77 (skip)
# only where no FMP can come back from SCHED_IDLE (no CAP_SYS_NICE, no
# RLIMIT_NICE >= 20).
#   priority.sh HTTPD META_DIR CONFIG_DIR
set -u
HTTPD=$(realpath "$1") META=$(realpath "$2") CONFIGS=$(realpath "$3")
T=$(mktemp -d /tmp/fr-priority.XXXXXX)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; [ -f "$T/err" ] && sed 's/^/  server: /' "$T/err" >&2; exit 1; }

mkdir -p "$T/www/cgi-bin"
printf '#!/bin/sh\nprintf "Content-Type: text/plain\\r\\n\\r\\n"\n%s\n' \
    'awk "{print \$41, \$19}" /proc/self/stat' > "$T/www/cgi-bin/policy.sh"
chmod 755 "$T/www/cgi-bin/policy.sh"

start() {   # start CONFIG: the server under it, $port
    : > "$T/out"
    FRACTURE_CONFIG=$1 "$HTTPD" --port 0 --root "$T/www" --threads 2 > "$T/out" 2> "$T/err" &
    pid=$!
    for _ in $(seq 100); do grep -q 'listening on' "$T/out" && break
        kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
    port=$(sed -n 's/^listening on \([0-9]*\)$/\1/p' "$T/out")
    if [ -z "$port" ]; then
        grep -q 'cannot return to its normal priority' "$T/err" &&
            { echo "SKIP: no FMP may come back from SCHED_IDLE here"; sed 's/^/  /' "$T/err"; exit 77; }
        fail "$1: the server did not start"
    fi
}
stop() { kill "$pid"; wait "$pid" 2>/dev/null; pid=; }
# The threads of the server's FMPs that are not normal (SCHED_OTHER at
# nice 0), as "PID/TID/stat POLICY NICE"; none once a request is done.
unsettled() {
    for p in $pid $(pgrep -P "$pid"); do
        for st in /proc/$p/task/*/stat; do
            # (the fields after the name's ")": policy is $39, nice $17)
            sed 's/.*) //' "$st" 2>/dev/null |
                awk -v w="$p/${st#/proc/$p/task/}" '$39 != 0 || $17 != 0 { print w, $39, $17 }'
        done
    done
}
ask() { curl -s -H "X-Priority: $1" "http://127.0.0.1:$port/cgi-bin/policy.sh" ||
            fail "X-Priority $1: curl failed"; }

for layout in all-in-one every-module; do
    # with the meta-app, logging each action: "FMP FUNCTION LEVEL POLICY NICE"
    sed "s|so: ./libhttpd-priority.so|so: $META/libhttpd-priority.so|; s|\(libhttpd-priority.so\)\(, fmps: \[root\]\)}|\1\2, args: \"log=$T/log\"}|" \
        "$META/priority-$layout.yaml" > "$T/$layout.yaml"
    [ $layout = every-module ] && echo "    args: \"log=$T/log\"" >> "$T/$layout.yaml"
    grep -q "log=$T/log" "$T/$layout.yaml" || fail "$layout: could not add log= to the config"
    start "$T/$layout.yaml"
    for want in "low 5 0" "high 0 0" "7 0 7" "9 0 9" "low 5 0" "high 0 0"; do
        set -- $want
        : > "$T/log"
        got=$(ask "$1")
        [ "$got" = "$2 $3" ] || fail "$layout: X-Priority $1: the CGI ran with policy/nice '$got', not '$2 $3'"
        # every FMP the request crossed served it so (the log's lines come
        # from each FMP's hooks; SCHED_IDLE is 5, SCHED_OTHER 0)
        # (the access log call comes after the response: wait for its line)
        for _ in $(seq 100); do grep -q ' log_request ' "$T/log" && break; sleep 0.02; done
        level=$( [ "$1" = low ] && echo 20 || { [ "$1" = high ] && echo 0 || echo "$1"; } )
        bad=$(awk -v l="$level" -v p="$2" -v n="$3" '$3 != l || $4 != p || $5 != n' "$T/log")
        [ -z "$bad" ] || fail "$layout: X-Priority $1: served otherwise: $bad"
        # and every thread that served it went back to what it had
        for _ in $(seq 50); do left=$(unsettled); [ -z "$left" ] && break; sleep 0.02; done
        [ -z "$left" ] || fail "$layout: X-Priority $1: threads left so after the request: $left"
        fmps=$(cut -d' ' -f1 "$T/log" | sort -u | tr '\n' ' ')
        for f in $( [ $layout = every-module ] && echo root parser cgi cgiout accesslog || echo root); do
            case " $fmps" in *" $f "*) ;; *) fail "$layout: X-Priority $1: FMP $f did not serve it (log: $fmps)";; esac
        done
    done
    stop
    echo "ok: $layout with the meta-app: low idle, high normal, numbers nice, in FMPs: $fmps"

    # without it: nothing changes
    start "$CONFIGS/$layout.yaml"
    got=$(ask low)
    [ "$got" = "0 0" ] || fail "$layout without the meta-app: low gave '$got', not '0 0'"
    stop
    echo "ok: $layout without the meta-app: low runs as any request"
done

# An FMP that could not come back from SCHED_IDLE refuses to start, with
# the fix (a child of a root run as root drops CAP_SYS_NICE without
# privileges: keep; only where RLIMIT_NICE does not give it back instead).
if [ "$(id -u)" = 0 ] && [ "$(ulimit -e)" != unlimited ] && [ "$(ulimit -e)" -lt 20 ]; then
    printf 'version: 1\nfmps: [{name: parser, modules: [parser]}]\nmeta: [{so: %s, fmps: [root, parser]}]\n' \
        "$META/libhttpd-priority.so" > "$T/no-route.yaml"
    FRACTURE_CONFIG=$T/no-route.yaml timeout 10 "$HTTPD" --port 0 --root "$T/www" > "$T/out" 2> "$T/err" &&
        fail "no route: the server started"
    grep -q "privileges: keep" "$T/err" && grep -q "no-route.yaml:3:" "$T/err" ||
        fail "no route: no message naming the config's line and the fix"
    echo "ok: without a route back from SCHED_IDLE the server refuses to start, and says why"
fi
