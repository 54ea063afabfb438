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
# connections than workers would starve); RUNS rounds (see below for the
# order, which pairs every variant with a baseline run).
#
# Two workloads, each module measured under the one that calls it: "site"
# mixes what a site serves (per 20 requests: 14 static files of 4 types,
# 3 directory listings, 2 not found (error pages), 1 index.html through a
# directory); "cgi" runs a small shell CGI script on every request (a fork
# and an exec each: far slower, so it would drown the rest in one mix).
# Every request is logged.
#
# Each isolated module runs twice: with the default spin (a caller spins
# spin_us = 50 us for the reply before it sleeps) and with spin_us: 0 (it
# sleeps at once).  On a machine with few cores a spinning caller takes
# the CPU that the callee, the clients and the other workers need.
#
# All in one against the plain build is the figure DESIGN sets a target
# for (>= 0.98x), and the two differ by a branch per crossing: a 3 s run
# on a shared 2-core machine swings by 15 %, so it gets pairs of its own,
# AIO_PAIRS of them (default 4 x RUNS), in alternating order, and its
# figure is the median of the pairs' ratios.  HTTPD_MODULES="parser mime"
# measures only those modules (the default: all ten).
#
# Writes apps/httpd/isolation.txt (the table), isolation.dat (the data)
# and isolation.png (the chart, if gnuplot is installed).
#
# HTTPD_TRACE_PAIRS=N measures instead what a training trace costs: N
# alternating pairs of all in one untraced and all in one with `trace:`
# (site workload), each run's req/s and the server's CPU per request, and
# the medians; writes apps/httpd/trace-cost.txt.  HTTPD_RT=1 runs the
# server and wrk at SCHED_FIFO priority 10 (chrt), so that other work on a
# shared machine stays out of the figures (root only); HTTPD_NICE=N (e.g.
# -10, root only) runs them at that nice level instead, which keeps most of
# the other work out without starving it.
#
# HTTPD_PREDICT=1 checks `fracture partition` against reality instead: a
# traced training run per workload, the boundary the partitioner chooses
# for isolating each module, its predicted and measured req/s, and the
# module alone (predict.sh says how; RUNS rounds, 5 if not given);
# writes apps/httpd/predict.txt, predict.dat, predict.png, the training
# traces train-site.json and train-cgi.json, and the picture cut-files.svg.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../../build-httpd}
secs=${2:-3}
runs=${3:-$([ -n "${HTTPD_PREDICT:-}" ] && echo 5 || echo 3)}
plain=$build/apps/httpd/httpd-plain
fractured=$build/apps/httpd/httpd
for p in "$plain" "$fractured"; do
  [ -x "$p" ] || { echo "bench.sh: error: $p is missing: build apps/httpd first" >&2; exit 1; }
done
command -v wrk >/dev/null || { echo "bench.sh: error: wrk is missing (cmake/deps.sh)" >&2; exit 1; }

work=$(mktemp -d /tmp/httpd-bench-XXXXXX)
server_pid=
cg=
cleanup() {
  if [ -n "$server_pid" ]; then kill -TERM "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  if [ -n "$cg" ]; then echo $$ > "$(dirname "$cg")/cgroup.procs" 2>/dev/null || true; rmdir "$cg" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
# HTTPD_CGROUP=SHARES: this script and all it starts in a CPU cgroup of
# their own (v1 cpu.shares, root only; removed at exit).  On a shared
# machine the scheduler then gives the server and wrk one share as a
# group, whatever their number of threads: with none, a deployment with a
# child FMP (four more workers) gets a larger share of a busy machine than
# all in one does, and looks faster than it is.
if [ -n "${HTTPD_CGROUP:-}" ]; then
  [ -d /sys/fs/cgroup/cpu ] || { echo "bench.sh: error: no cgroup v1 cpu controller at /sys/fs/cgroup/cpu" >&2; exit 1; }
  cg=/sys/fs/cgroup/cpu/httpd-bench-$$
  mkdir "$cg" && echo "$HTTPD_CGROUP" > "$cg/cpu.shares" && echo $$ > "$cg/cgroup.procs" ||
    { echo "bench.sh: error: cannot make the cgroup $cg" >&2; exit 1; }
fi

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
  "/style.css", "/index.html", "/site/", "/style.css", "/dir/", "/nope",
  "/index.html", "/image.png",
}
local i = 0
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
LUA
cat > "$work/cgi.lua" <<'LUA'
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", "/cgi-bin/hello.sh?n=" .. i)
end
LUA
cat > "$work/site.lua" < "$work/mix.lua"

# The workload that exercises a module.
workload() { case $1 in cgi|cgi.spin0|cgiout|cgiout.spin0) echo cgi ;; *) echo site ;; esac; }

read -r -a modules <<< "${HTTPD_MODULES:-parser respond errpage resolve mime files listing cgi cgiout accesslog}"
echo "version: 1" > "$work/configs/all-in-one.yaml"
printf 'version: 1\ntrace: {file: %s/trace.json}\n' "$work" > "$work/configs/traced.yaml"
rt=
if [ -n "${HTTPD_RT:-}" ]; then rt="chrt -f 10"; fi
if [ -n "${HTTPD_NICE:-}" ]; then rt="nice -n $HTTPD_NICE"; fi
for m in "${modules[@]}"; do
  printf 'version: 1\nfmps:\n  - {name: iso, modules: [%s]}\n' "$m" > "$work/configs/$m.yaml"
  printf 'version: 1\ndefaults: {spin_us: 0}\nfmps:\n  - {name: iso, modules: [%s]}\n' "$m" \
    > "$work/configs/$m.spin0.yaml"
done
variants=(baseline all-in-one "${modules[@]}")
for m in "${modules[@]}"; do variants+=("$m.spin0"); done

# rps VARIANT WORKLOAD: one wrk run against a fresh server; prints requests/s.
rps() {
  local v=$1 wl=$2 prog=$fractured cfg= out port
  if [ "$v" = baseline ]; then prog=$plain; else cfg=$work/configs/$v.yaml; fi
  out=$work/server.out
  : > "$out"
  if [ -n "$cfg" ]; then
    FRACTURE_CONFIG=$cfg $rt "$prog" --port 0 --root "$www" --threads 4 --log "$work/access.log" > "$out" 2> "$work/server.err" &
  else
    env -u FRACTURE_CONFIG "$prog" --port 0 --root "$www" --threads 4 --log "$work/access.log" > "$out" 2> "$work/server.err" &
  fi
  server_pid=$!
  for _ in $(seq 1 500); do grep -q '^listening on' "$out" && break; sleep 0.01; done
  port=$(sed -n 's/^listening on //p' "$out")
  [ -n "$port" ] || { echo "bench.sh: error: $v did not start:" >&2; cat "$work/server.err" >&2; exit 1; }
  # wrk's own CPU (user and system seconds) too, for predict.sh
  { TIMEFORMAT='%U %S'; time $rt wrk -t2 -c4 -d"${secs}s" -s "$work/$wl.lua" "http://127.0.0.1:$port/" > "$work/wrk.out"; } 2> "$work/wrk.time"
  # the server's CPU so far (utime + stime, in clock ticks), for rps_cpu
  awk '{print $14 + $15}' "/proc/$server_pid/stat" > "$work/ticks"
  # and its child FMPs' (with what they and it reaped; the name in
  # parentheses may hold spaces), for predict.sh
  for p in "$server_pid" $(cat "/proc/$server_pid/task/"*/children 2>/dev/null); do
    cat "/proc/$p/stat" 2>/dev/null || true
  done | sed 's/.*) //' | awk '{s += $12 + $13 + $14 + $15} END {print s + 0}' > "$work/ticks_all"
  kill -TERM "$server_pid"; wait "$server_pid" || { echo "bench.sh: error: $v did not stop cleanly" >&2; exit 1; }
  server_pid=
  rm -f "$work/access.log"
  if grep -q 'Socket errors' "$work/wrk.out"; then
    echo "bench.sh: warning: $v: $(grep 'Socket errors' "$work/wrk.out")" >&2
  fi
  sed -n 's/^Requests\/sec: *//p' "$work/wrk.out"
}

# Every variant is compared with a baseline run right before it (the
# machine's load drifts, more so when it is shared): one baseline, then
# all-in-one; then for each module a baseline, the module, the module with
# spin_us 0.  The percentage is the median over the rounds of the ratio to
# that adjacent baseline; req/s is the median of the variant's own runs.
declare -A all ratios
measure() {   # VARIANT ROUND BASE
  local x
  x=$(rps "$1" "$(workload "$1")")
  all[$1]="${all[$1]:-} $x"
  ratios[$1]="${ratios[$1]:-} $(echo "$x $3" | awk '{printf "%.4f", 100*$1/$2}')"
  printf 'round %d/%d: %-16s %10s rps\n' "$2" "$runs" "$1" "$x" >&2
}
# The first run after a pause is faster than the ones that follow (page
# cache, frequency): one is thrown away, so that nothing is compared with it.
median() {
  tr ' ' '\n' | grep -v '^$' | sort -g |
    awk '{a[NR]=$1} END {print NR % 2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'
}

# What a training trace costs (HTTPD_TRACE_PAIRS): rps_cpu VARIANT prints
# req/s and the server's CPU us per request.
rps_cpu() {
  local x req
  x=$(rps "$1" site)
  req=$(awk '/requests in/ {print $1}' "$work/wrk.out")
  echo "$x $(echo "$(cat "$work/ticks") $req $(getconf CLK_TCK)" | awk '{printf "%.2f", $1 * 1e6 / $3 / $2}')"
}
if [ -n "${HTTPD_TRACE_PAIRS:-}" ]; then
  rps_cpu all-in-one > /dev/null
  declare -a ratio cpuratio urps trps ucpu tcpu
  for i in $(seq 1 "$HTTPD_TRACE_PAIRS"); do
    if (( i % 2 )); then u=$(rps_cpu all-in-one); t=$(rps_cpu traced); else t=$(rps_cpu traced); u=$(rps_cpu all-in-one); fi
    read -r ur uc <<< "$u"; read -r tr_ tc <<< "$t"
    urps+=("$ur"); trps+=("$tr_"); ucpu+=("$uc"); tcpu+=("$tc")
    ratio+=("$(echo "$tr_ $ur" | awk '{printf "%.3f", $1 / $2}')")
    cpuratio+=("$(echo "$tc $uc" | awk '{printf "%.3f", $1 / $2}')")
    printf 'pair %d/%d: untraced %s req/s %s us/req, traced %s req/s %s us/req\n' "$i" \
      "$HTTPD_TRACE_PAIRS" "$ur" "$uc" "$tr_" "$tc" >&2
  done
  {
    printf '# apps/httpd all in one, traced against untraced: %d alternating pairs of %ds runs, wrk -t2 -c4, 4 server threads%s\n' \
      "$HTTPD_TRACE_PAIRS" "$secs" "${rt:+, SCHED_FIFO}"
    printf 'untraced  %8.0f req/s  %6.2f us CPU/req (medians)\n' "$(echo "${urps[*]}" | median)" "$(echo "${ucpu[*]}" | median)"
    printf 'traced    %8.0f req/s  %6.2f us CPU/req\n' "$(echo "${trps[*]}" | median)" "$(echo "${tcpu[*]}" | median)"
    printf 'traced / untraced: throughput %.3fx (median of the pairs; %s), CPU per request %.3fx\n' \
      "$(echo "${ratio[*]}" | median)" "$(echo "${ratio[*]}" | tr ' ' '\n' | sort -g | sed -n '1p;$p' | paste -sd- -)" \
      "$(echo "${cpuratio[*]}" | median)"
  } | tee "$here/trace-cost.txt"
  exit 0
fi

# HTTPD_PREDICT=1: the partitioner's prediction against wrk (predict.sh)
if [ -n "${HTTPD_PREDICT:-}" ]; then
  # shellcheck source=apps/httpd/predict.sh
  . "$here/predict.sh"
fi

rps baseline site > /dev/null
pairs=${AIO_PAIRS:-$((4 * runs))}
for i in $(seq 1 "$pairs"); do
  if (( i % 2 )); then
    b=$(rps baseline site); x=$(rps all-in-one site)
  else
    x=$(rps all-in-one site); b=$(rps baseline site)
  fi
  all[baseline.site]="${all[baseline.site]:-} $b"
  all[all-in-one]="${all[all-in-one]:-} $x"
  ratios[all-in-one]="${ratios[all-in-one]:-} $(echo "$x $b" | awk '{printf "%.4f", 100*$1/$2}')"
  printf 'pair %d/%d: baseline %10s rps, all-in-one %10s rps\n' "$i" "$pairs" "$b" "$x" >&2
done
for r in $(seq 1 "$runs"); do
  for m in "${modules[@]}"; do
    wl=$(workload "$m")
    b=$(rps baseline "$wl")
    all[baseline.$wl]="${all[baseline.$wl]:-} $b"
    printf 'round %d/%d: %-16s %10s rps (%s)\n' "$r" "$runs" baseline "$b" "$wl" >&2
    measure "$m" "$r" "$b"
    measure "$m.spin0" "$r" "$b"
  done
done
{
  printf '# apps/httpd: requests/s, %d rounds of %ds runs, wrk -t2 -c4, 4 server threads\n' "$runs" "$secs"
  printf '# variant workload rps(median) percent_of_adjacent_baseline(median) runs\n'
  for wl in site cgi; do
    printf 'baseline %s %.0f 100.0 "%s"\n' "$wl" "$(echo "${all[baseline.$wl]}" | median)" \
      "$(echo ${all[baseline.$wl]})"
  done
  for v in "${variants[@]}"; do
    [ "$v" = baseline ] && continue
    printf '%s %s %.0f %.1f "%s"\n' "$v" "$(workload "$v")" "$(echo "${all[$v]}" | median)" \
      "$(echo "${ratios[$v]}" | median)" "$(echo ${all[$v]})"
  done
} > "$here/isolation.dat"
{
  printf '%-16s %-8s %10s %8s   %s\n' variant workload "req/s" "% base" "runs"
  grep -v '^#' "$here/isolation.dat" | while read -r v w m p rest; do
    printf '%-16s %-8s %10s %7s%%   %s\n' "$v" "$w" "$m" "$p" "$rest"
  done
} | tee "$here/isolation.txt"

# module, % of baseline with the default spin, % with spin_us 0
for m in "${modules[@]}"; do
  printf '%s %s %s\n' "$m" "$(awk -v v="$m" '$1 == v {print $4}' "$here/isolation.dat")" \
    "$(awk -v v="$m.spin0" '$1 == v {print $4}' "$here/isolation.dat")"
done > "$work/chart.dat"

if command -v gnuplot >/dev/null; then
  gnuplot <<GP
set terminal pngcairo size 900,480 noenhanced font ",10"
set output "$here/isolation.png"
set title "apps/httpd: requests/s with one module alone in a child FMP, % of the plain build (median of $runs, 2 cores)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set yrange [0:*]
set ylabel "% of plain build"
set xtics rotate by -30
set grid ytics
unset key
set key top right
plot "$work/chart.dat" using 2:xtic(1) title "spin_us 50 (default)" lc rgb "#4477aa", \
     "" using 3 title "spin_us 0" lc rgb "#66ccee", \
     100 with lines lw 2 lc rgb "#228833" title "100 %", \
     90 with lines lw 2 dt 2 lc rgb "#cc3311" title "90 %"
GP
  echo "chart: $here/isolation.png"
fi
