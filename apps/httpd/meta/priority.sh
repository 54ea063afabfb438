#!/usr/bin/env bash
# priority.sh - what the priority meta-app (priority.c) buys: the latency
# of foreground high-priority requests while a flood of low-priority ones
# saturates the server, with and without the meta-app, all in one and with
# every module in its own FMP.
#
#   apps/httpd/meta/priority.sh [BUILD_DIR] [REQUESTS]
#
# The flood: wrk, PRIO_FLOOD (default 24) keep-alive connections sending
# X-Priority: low to a CGI script that burns about 20 ms of CPU each (a
# fork, an exec and a shell loop of 20000 turns: the 2 cores stay busy).
# The foreground: one curl sending REQUESTS (default 200) GETs of the same
# script with X-Priority: high and a loop of PRIO_FG (default 2000) turns
# (a few ms), one after another on one connection, from 1 s into the
# flood; each request's time_total is a sample.  The server has 40
# workers, so the foreground connection always finds one free: what it
# waits for is the CPU.  A row "idle" per layout is the same foreground
# with no flood.  The flood runs until the foreground is done (wrk,
# stopped by SIGINT, prints its figures): its req/s is over that time.
# Runs as root here (the split config keeps CAP_SYS_NICE in its FMPs with
# env: {privileges: keep}; see priority-every-module.yaml).
#
# Writes apps/httpd/meta/priority.txt (the table), priority.dat and
# priority.svg (gnuplot).
set -u
BUILD=$(realpath "${1:-build}") N=${2:-200}
FLOOD=${PRIO_FLOOD:-24} FG=${PRIO_FG:-2000}
HERE=$(cd "$(dirname "$0")" && pwd)
HTTPD=$BUILD/apps/httpd/httpd META=$BUILD/apps/httpd/meta CONFIGS=$HERE/../configs
command -v wrk >/dev/null || { echo "priority.sh: error: wrk is missing" >&2; exit 1; }
[ -x "$HTTPD" ] && [ -f "$META/libhttpd-priority.so" ] ||
    { echo "priority.sh: error: build httpd and httpd_priority in $BUILD first" >&2; exit 1; }
T=$(mktemp -d /tmp/fr-prio-bench.XXXXXX)
pid= wpid=
cleanup() {
    [ -n "$wpid" ] && kill "$wpid" 2>/dev/null && wait "$wpid" 2>/dev/null
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT

mkdir -p "$T/www/cgi-bin"
echo hello > "$T/www/hello.txt"
cat > "$T/www/cgi-bin/burn.sh" <<'CGI'
#!/bin/sh
n=${QUERY_STRING#n=}; i=0; while [ $i -lt "$n" ]; do i=$((i + 1)); done
printf 'Content-Type: text/plain\r\n\r\n%s\n' "$i"
CGI
chmod 755 "$T/www/cgi-bin/burn.sh"

start() {
    FRACTURE_CONFIG=$1 "$HTTPD" --port 0 --root "$T/www" --threads 40 > "$T/out" 2> "$T/err" &
    pid=$!
    for _ in $(seq 200); do grep -q 'listening on' "$T/out" && break; sleep 0.05; done
    port=$(sed -n 's/^listening on \([0-9]*\)$/\1/p' "$T/out")
    [ -n "$port" ] || { echo "priority.sh: $1: the server did not start:" >&2; cat "$T/err" >&2; exit 1; }
}
stop() { kill "$pid"; wait "$pid" 2>/dev/null; pid=; }

# foreground: N sequential high GETs, one time_total (ms) a line, sorted
foreground() {
    local urls=()
    for _ in $(seq "$N"); do urls+=(-o /dev/null "http://127.0.0.1:$port/cgi-bin/burn.sh?n=$FG"); done
    curl -s -H 'X-Priority: high' -w '%{time_total}\n' "${urls[@]}" |
        awk '{ printf "%.3f\n", $1 * 1000 }' | sort -n > "$T/lat"
    [ "$(wc -l < "$T/lat")" -eq "$N" ] || { echo "priority.sh: curl lost requests" >&2; exit 1; }
}
pct() { awk -v p="$1" '{ v[NR] = $1 } END { i = int((NR - 1) * p + 0.5) + 1; print v[i] }' "$T/lat"; }

: > "$T/dat"
printf '%-14s %-9s %10s %10s %12s\n' layout meta-app "median ms" "p99 ms" "flood req/s" > "$T/txt"
for layout in all-in-one every-module; do
    for meta in off on; do
        cfg=$CONFIGS/$layout.yaml
        [ $meta = on ] && cfg=$META/priority-$layout.yaml
        start "$cfg"
        if [ $meta = off ]; then   # the unloaded figure, once per layout
            foreground
            printf '%-14s %-9s %10s %10s %12s\n' "$layout" "idle" "$(pct 0.5)" "$(pct 0.99)" - >> "$T/txt"
        fi
        wrk -t2 -c"$FLOOD" -d600s -H 'X-Priority: low' "http://127.0.0.1:$port/cgi-bin/burn.sh?n=20000" \
            > "$T/wrk" 2>&1 &
        wpid=$!
        sleep 1
        foreground
        kill -INT "$wpid"; wait "$wpid"; wpid=
        rps=$(awk '/Requests\/sec/ { print $2 }' "$T/wrk")
        stop
        printf '%-14s %-9s %10s %10s %12s\n' "$layout" "$meta" "$(pct 0.5)" "$(pct 0.99)" "$rps" >> "$T/txt"
        echo "\"$layout, $meta\" $(pct 0.5) $(pct 0.99) $rps" >> "$T/dat"
        tail -1 "$T/txt" >&2
    done
done
{
    echo "# apps/httpd/meta/priority.sh BUILD $N: $N CGI GETs (n=$FG, X-Priority: high)"
    echo "# under a flood of low CGI requests (n=20000, wrk -c$FLOOD), $(nproc) cores; $(date -u +%F)"
    cat "$T/txt"
    awk 'NR % 2 == 1 { m = $(NF-2); p = $(NF-1) } NR % 2 == 0 { l = $1; gsub(/[",]/, "", l); printf "# %s: median %.1fx lower, p99 %.1fx lower with the meta-app\n", l, m / $(NF-2), p / $(NF-1) }' "$T/dat" | sed 's/"//g'
} > "$HERE/priority.txt"
cp "$T/dat" "$HERE/priority.dat"
cat "$HERE/priority.txt"
if command -v gnuplot >/dev/null; then
    gnuplot <<GP
set terminal svg size 760,400 font "sans,12"
set output "$HERE/priority.svg"
set title "High-priority CGI GETs under a low-priority CGI flood (meta-app off / on)"
set style data histogram
set style histogram cluster gap 1
set style fill solid 0.8 border -1
set logscale y
set ylabel "latency (ms, log scale)"
set yrange [1:*]
set xtics noenhanced
set key top right
plot "$HERE/priority.dat" using 2:xtic(1) title "median", '' using 3 title "p99"
GP
fi
