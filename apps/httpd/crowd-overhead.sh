#!/usr/bin/env bash
# crowd-overhead.sh - what a user of apps/httpd pays for the crowd rotation
# (`crowd:`, configs/README.md): the requests per second of a deployment
# whose module runs under memcheck for 5 % and for 1 % of its calls,
# against the same build all in one without crowd.
#
#   apps/httpd/crowd-overhead.sh [BUILD_DIR] [SECONDS] [RUNS]
#
# Every samplable module of apps/httpd is measured as the crowd gives it to
# a deployment: one config, `crowd: {percent: P}` (every samplable module
# in rotation), and FRACTURE_DEPLOYMENT=i picks the i-th module (i mod 7:
# `fracture check` says which, and the script checks it).  wrk on loopback,
# 4 server threads, 4 keep-alive connections (as bench.sh), each module
# under the workload that calls it (cgiout: a CGI script on every request;
# the others: bench.sh's site mix).  Runs are interleaved: in each of RUNS
# rounds, for each module, all in one, then the module at 5 %, then at
# 1 %, then the module alone in a child FMP without memcheck or sampling
# (what the crossing alone costs, bench.sh's figure); each figure is the
# median over the rounds of the ratio to the all in one run right before
# it, so the machine's drift stays out of it.  Every crowd run must leave a
# memcheck report (proof the instance ran).
#
# Writes apps/httpd/crowd-overhead.txt (the table: per module, then the
# worst and the median over modules) and crowd-overhead.dat.
# HTTPD_MODULES="parser mime" measures only those.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../../build}" && pwd)
secs=${2:-5}
runs=${3:-5}
app=$build/apps/httpd/httpd
fr=$build/rt/fracture
for p in "$app" "$fr"; do
  [ -x "$p" ] || { echo "crowd-overhead.sh: error: $p is missing: build first" >&2; exit 1; }
done
command -v wrk >/dev/null || { echo "crowd-overhead.sh: error: wrk is missing (cmake/deps.sh)" >&2; exit 1; }
command -v valgrind >/dev/null || { echo "crowd-overhead.sh: error: valgrind is missing (cmake/deps.sh)" >&2; exit 1; }

work=$(mktemp -d /tmp/httpd-crowd-XXXXXX)
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill -TERM "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
unset FRACTURE_DEPLOYMENT FRACTURE_CONFIG

# The document root and the workloads, as bench.sh makes them.
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
cat > "$work/site.lua" <<'LUA'
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
workload() { case $1 in cgiout) echo cgi ;; *) echo site ;; esac; }

echo "version: 1" > "$work/configs/plain.yaml"
for m in $("$fr" modules "$app" | awk 'NR > 1 {print $1}'); do
  printf 'version: 1\nfmps:\n  - {name: iso, modules: [%s]}\n' "$m" > "$work/configs/alone-$m.yaml"
done
for pct in 5 1; do
  printf 'version: 1\ncrowd: {percent: %d}\nreports: {dir: %s/reports}\n' "$pct" "$work" \
    > "$work/configs/crowd$pct.yaml"
done

# The rotation as the crowd sees it: deployment i isolates the i-th module.
declare -A id_of
rotation=$("$fr" check -c "$work/configs/crowd5.yaml" "$app" | sed -n 's/^  crowd: rotation: //p')
[ -n "$rotation" ] || { echo "crowd-overhead.sh: error: fracture check printed no rotation" >&2; exit 1; }
i=0
for m in $rotation; do id_of[$m]=$i; i=$((i + 1)); done
read -r -a modules <<< "${HTTPD_MODULES:-$rotation}"
for m in "${modules[@]}"; do
  [ -n "${id_of[$m]:-}" ] || { echo "crowd-overhead.sh: error: $m is not in the rotation ($rotation)" >&2; exit 1; }
  got=$(FRACTURE_DEPLOYMENT=${id_of[$m]} "$fr" check -c "$work/configs/crowd5.yaml" "$app" |
        sed -n "s/^  crowd: this deployment isolates module '\([a-z]*\)'.*/\1/p")
  [ "$got" = "$m" ] || { echo "crowd-overhead.sh: error: deployment ${id_of[$m]} isolates '$got', not $m" >&2; exit 1; }
done

# rps CONFIG ID WORKLOAD: one wrk run against a fresh server; prints req/s.
rps() {
  local cfg=$work/configs/$1.yaml id=$2 wl=$3 out=$work/server.out port
  : > "$out"
  rm -rf "$work/reports"
  FRACTURE_CONFIG=$cfg FRACTURE_DEPLOYMENT=$id "$app" --port 0 --root "$www" --threads 4 \
    --log "$work/access.log" > "$out" 2> "$work/server.err" &
  server_pid=$!
  # a memcheck instance takes a few seconds to start
  for _ in $(seq 1 3000); do grep -q '^listening on' "$out" && break; sleep 0.01; done
  port=$(sed -n 's/^listening on //p' "$out")
  [ -n "$port" ] || { echo "crowd-overhead.sh: error: $1 ($id) did not start:" >&2; cat "$work/server.err" >&2; exit 1; }
  wrk -t2 -c4 -d"${secs}s" -s "$work/$wl.lua" "http://127.0.0.1:$port/" > "$work/wrk.out"
  kill -TERM "$server_pid"; wait "$server_pid" || { echo "crowd-overhead.sh: error: $1 ($id) did not stop cleanly" >&2; cat "$work/server.err" >&2; exit 1; }
  server_pid=
  rm -f "$work/access.log"
  if [ "${1#crowd}" != "$1" ] && ! ls "$work/reports/"*.xml >/dev/null 2>&1; then
    echo "crowd-overhead.sh: error: $1 ($id): no memcheck report: the instance never ran" >&2; exit 1
  fi
  if grep -q 'Socket errors' "$work/wrk.out"; then
    echo "crowd-overhead.sh: warning: $1 ($id): $(grep 'Socket errors' "$work/wrk.out")" >&2
  fi
  sed -n 's/^Requests\/sec: *//p' "$work/wrk.out"
}
median() {
  tr ' ' '\n' | grep -v '^$' | sort -g |
    awk '{a[NR]=$1} END {print NR % 2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'
}

declare -A r5 r1 ra base
rps plain 0 site > /dev/null   # the first run after a pause is faster: thrown away
for r in $(seq 1 "$runs"); do
  for m in "${modules[@]}"; do
    wl=$(workload "$m")
    b=$(rps plain 0 "$wl")
    x5=$(rps crowd5 "${id_of[$m]}" "$wl")
    x1=$(rps crowd1 "${id_of[$m]}" "$wl")
    xa=$(rps "alone-$m" 0 "$wl")
    base[$m]="${base[$m]:-} $b"
    r5[$m]="${r5[$m]:-} $(echo "$x5 $b" | awk '{printf "%.4f", 100*$1/$2}')"
    r1[$m]="${r1[$m]:-} $(echo "$x1 $b" | awk '{printf "%.4f", 100*$1/$2}')"
    ra[$m]="${ra[$m]:-} $(echo "$xa $b" | awk '{printf "%.4f", 100*$1/$2}')"
    printf 'round %d/%d: %-8s all in one %9s req/s, 5 %% %9s, 1 %% %9s, alone %9s\n' "$r" "$runs" "$m" "$b" "$x5" "$x1" "$xa" >&2
  done
done

{
  printf '# apps/httpd, crowd rotation under memcheck: %d interleaved rounds of %ds runs, wrk -t2 -c4, 4 server threads, %s cores\n' \
    "$runs" "$secs" "$(nproc)"
  printf '# module workload all_in_one_rps(median) pct_of_all_in_one_at_5(median) pct_at_1(median) pct_alone_no_memcheck(median)\n'
  for m in "${modules[@]}"; do
    printf '%s %s %.0f %.1f %.1f %.1f\n' "$m" "$(workload "$m")" "$(echo "${base[$m]}" | median)" \
      "$(echo "${r5[$m]}" | median)" "$(echo "${r1[$m]}" | median)" "$(echo "${ra[$m]}" | median)"
  done
} > "$here/crowd-overhead.dat"
{
  sed -n 1p "$here/crowd-overhead.dat"
  printf '%-10s %-8s %14s %22s %22s %22s\n' module workload "all in one" "5 % under memcheck" \
    "1 % under memcheck" "alone, no memcheck"
  grep -v '^#' "$here/crowd-overhead.dat" | while read -r m w b p5 p1 pa; do
    printf '%-10s %-8s %8s req/s %13s %% (%+.1f) %13s %% (%+.1f) %13s %% (%+.1f)\n' "$m" "$w" "$b" \
      "$p5" "$(echo "$p5" | awk '{print $1 - 100}')" "$p1" "$(echo "$p1" | awk '{print $1 - 100}')" \
      "$pa" "$(echo "$pa" | awk '{print $1 - 100}')"
  done
  p5=$(grep -v '^#' "$here/crowd-overhead.dat" | awk '{print $4}')
  p1=$(grep -v '^#' "$here/crowd-overhead.dat" | awk '{print $5}')
  pa=$(grep -v '^#' "$here/crowd-overhead.dat" | awk '{print $6}')
  w5=$(echo "$p5" | sort -g | head -1) w1=$(echo "$p1" | sort -g | head -1) wa=$(echo "$pa" | sort -g | head -1)
  m5=$(echo $p5 | median) m1=$(echo $p1 | median) ma=$(echo $pa | median)
  for row in "worst $w5 $w1 $wa" "median $m5 $m1 $ma"; do
    read -r name a b c <<< "$row"
    printf '%-10s %-8s %14s %13.1f %% (%+.1f) %13.1f %% (%+.1f) %13.1f %% (%+.1f)\n' "$name" "" "" \
      "$a" "$(echo "$a" | awk '{print $1 - 100}')" "$b" "$(echo "$b" | awk '{print $1 - 100}')" \
      "$c" "$(echo "$c" | awk '{print $1 - 100}')"
  done
} | tee "$here/crowd-overhead.txt"
