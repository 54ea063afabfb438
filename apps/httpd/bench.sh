#!/usr/bin/env bash
# bench.sh - requests per second of apps/httpd with each module isolated.
#
#   apps/httpd/bench.sh [BUILD_DIR] [SECONDS] [RUNS]
#
# wrk on loopback against, side by side in one run: the plain build
# (baseline), the fractured build all in one process, and the fractured
# build with each module alone in a child FMP (one config per module,
# written here).  Each server gets 4 worker threads and wrk 4 keep-alive
# connections (a worker serves one connection at a time, so more
# connections than workers would starve); RUNS rounds, every variant once
# per round so that drift of the machine hits all alike; the median.
#
# The workload mixes what a site serves (per 20 requests): 12 static files
# of 4 types, 3 directory listings, 2 not found (error pages), 1 index.html
# through a directory, 2 CGI runs.  Every request is logged.
#
# Writes apps/httpd/isolation.txt (the table), isolation.dat (the data)
# and isolation.png (the chart, if gnuplot is installed).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../../build-httpd}
secs=${2:-3}
runs=${3:-3}
plain=$build/apps/httpd/httpd-plain
fractured=$build/apps/httpd/httpd
for p in "$plain" "$fractured"; do
  [ -x "$p" ] || { echo "bench.sh: error: $p is missing: build apps/httpd first" >&2; exit 1; }
done
command -v wrk >/dev/null || { echo "bench.sh: error: wrk is missing (cmake/deps.sh)" >&2; exit 1; }

work=$(mktemp -d /tmp/httpd-bench-XXXXXX)
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill -TERM "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# The document root.
www=$work/www
mkdir -p "$www/dir" "$www/site" "$www/cgi-bin" "$work/configs"
head -c 4096 /dev/urandom | base64 > "$www/index.html"
head -c 2048 /dev/urandom | base64 > "$www/style.css"
head -c 1024 /dev/urandom | base64 > "$www/data.json"
head -c 16384 /dev/urandom > "$www/image.png"
for i in $(seq 1 40); do echo "$i" > "$www/dir/file-$i.txt"; done
echo '<p>site</p>' > "$www/site/index.html"
printf '#!/bin/sh\nprintf "Content-Type: text/plain\\r\\n\\r\\nhello %%s\\n" "$QUERY_STRING"\n' > "$www/cgi-bin/hello.sh"
chmod 755 "$www/cgi-bin/hello.sh"

cat > "$work/mix.lua" <<'LUA'
local paths = {
  "/index.html", "/style.css", "/data.json", "/image.png", "/index.html", "/style.css",
  "/dir/", "/index.html", "/missing.html", "/data.json", "/image.png", "/dir/",
  "/cgi-bin/hello.sh?x=1", "/index.html", "/site/", "/style.css", "/dir/", "/nope",
  "/index.html", "/cgi-bin/hello.sh?y=2",
}
local i = 0
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
LUA

modules=(parser respond errpage resolve mime files listing cgi cgiout accesslog)
echo "version: 1" > "$work/configs/all-in-one.yaml"
for m in "${modules[@]}"; do
  printf 'version: 1\nfmps:\n  - {name: iso, modules: [%s]}\n' "$m" > "$work/configs/$m.yaml"
done
variants=(baseline all-in-one "${modules[@]}")

# rps VARIANT: one wrk run against a fresh server; prints requests/s.
rps() {
  local v=$1 prog=$fractured cfg= out port
  if [ "$v" = baseline ]; then prog=$plain; else cfg=$work/configs/$v.yaml; fi
  out=$work/server.out
  : > "$out"
  if [ -n "$cfg" ]; then
    FRACTURE_CONFIG=$cfg "$prog" --port 0 --root "$www" --threads 4 --log "$work/access.log" > "$out" 2> "$work/server.err" &
  else
    env -u FRACTURE_CONFIG "$prog" --port 0 --root "$www" --threads 4 --log "$work/access.log" > "$out" 2> "$work/server.err" &
  fi
  server_pid=$!
  for _ in $(seq 1 500); do grep -q '^listening on' "$out" && break; sleep 0.01; done
  port=$(sed -n 's/^listening on //p' "$out")
  [ -n "$port" ] || { echo "bench.sh: error: $v did not start:" >&2; cat "$work/server.err" >&2; exit 1; }
  wrk -t2 -c4 -d"${secs}s" -s "$work/mix.lua" "http://127.0.0.1:$port/" > "$work/wrk.out"
  kill -TERM "$server_pid"; wait "$server_pid" || { echo "bench.sh: error: $v did not stop cleanly" >&2; exit 1; }
  server_pid=
  rm -f "$work/access.log"
  if grep -q 'Socket errors' "$work/wrk.out"; then
    echo "bench.sh: warning: $v: $(grep 'Socket errors' "$work/wrk.out")" >&2
  fi
  sed -n 's/^Requests\/sec: *//p' "$work/wrk.out"
}

declare -A all
for r in $(seq 1 "$runs"); do
  for v in "${variants[@]}"; do
    x=$(rps "$v")
    all[$v]="${all[$v]:-} $x"
    printf '\rround %d/%d: %-12s %10s rps   ' "$r" "$runs" "$v" "$x" >&2
  done
done
echo >&2

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
base=$(echo "${all[baseline]}" | median)
{
  printf '# apps/httpd: requests/s, median of %d runs of %ds, wrk -t2 -c4, 4 server threads\n' "$runs" "$secs"
  printf '# variant rps percent_of_baseline runs\n'
  for v in "${variants[@]}"; do
    m=$(echo "${all[$v]}" | median)
    printf '%s %.0f %.1f "%s"\n' "$v" "$m" "$(echo "$m $base" | awk '{print 100*$1/$2}')" "$(echo ${all[$v]})"
  done
} > "$here/isolation.dat"
{
  printf '%-12s %10s %8s   %s\n' variant "req/s" "% base" "runs"
  grep -v '^#' "$here/isolation.dat" | while read -r v m p rest; do
    printf '%-12s %10s %7s%%   %s\n' "$v" "$m" "$p" "$rest"
  done
} | tee "$here/isolation.txt"

if command -v gnuplot >/dev/null; then
  gnuplot <<GP
set terminal pngcairo size 900,480 noenhanced font ",10"
set output "$here/isolation.png"
set title "apps/httpd: requests/s with one module in its own FMP, % of the plain build (median of $runs)"
set style data histograms
set style fill solid 0.8 border -1
set boxwidth 0.7
set yrange [0:*]
set ylabel "% of plain build"
set xtics rotate by -30
set grid ytics
unset key
plot "$here/isolation.dat" using 3:xtic(1) every ::1 lc rgb "#4477aa", \
     100 with lines lw 2 lc rgb "#228833" title "100 %", \
     90 with lines lw 2 dt 2 lc rgb "#cc3311" title "90 %"
GP
  echo "chart: $here/isolation.png"
fi
