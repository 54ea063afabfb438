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
# the others: bench.sh's site mix).  For each module four servers run side
# by side: all in one, the module at 5 %, at 1 %, and the module alone in a
# child FMP without memcheck or sampling (what the crossing alone costs,
# bench.sh's figure).  In each of RUNS rounds wrk gives each server a burst
# of SECONDS (default 2 s, 10 rounds), in an order that turns by one each
# round; each figure is the median over the rounds of the ratio to the all
# in one burst of the same round, so the machine's drift stays out of it
# and memcheck's start is in none.  Every crowd server must leave a
# memcheck report (proof the instance ran).
#
# Writes apps/httpd/crowd-overhead.txt (the table: per module, then the
# worst and the median over modules) and crowd-overhead.dat.
# HTTPD_MODULES="parser mime" measures only those.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../../build}" && pwd)
secs=${2:-2}
runs=${3:-10}
app=$build/apps/httpd/httpd
fr=$build/rt/fracture
for p in "$app" "$fr"; do
  [ -x "$p" ] || { echo "crowd-overhead.sh: error: $p is missing: build first" >&2; exit 1; }
done
command -v wrk >/dev/null || { echo "crowd-overhead.sh: error: wrk is missing (cmake/deps.sh)" >&2; exit 1; }
command -v valgrind >/dev/null || { echo "crowd-overhead.sh: error: valgrind is missing (cmake/deps.sh)" >&2; exit 1; }

work=$(mktemp -d /tmp/httpd-crowd-XXXXXX)
declare -A pid_of=() port_of=()
cleanup() {
  for p in "${pid_of[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
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
  printf 'version: 1\ncrowd: {percent: %d}\nreports: {dir: %s/reports-crowd%d}\n' "$pct" "$work" "$pct" \
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

# The four servers of one module run side by side for all its rounds, and
# wrk gives each a burst in turn: the machine's drift (a hypervisor that
# moves these 2 cores about) is the same for the four bursts of a round, and
# memcheck's start is out of the figures.  An idle server takes no CPU (its
# memcheck instance included: it sleeps in a futex).
start() {   # start NAME CONFIG ID
  local out=$work/$1.out
  : > "$out"
  FRACTURE_CONFIG=$work/configs/$2.yaml FRACTURE_DEPLOYMENT=$3 "$app" --port 0 --root "$www" \
    --threads 4 --log "$work/$1.log" > "$out" 2> "$work/$1.err" &
  pid_of[$1]=$!
}
await() {   # await NAME: until it listens (a memcheck instance takes seconds)
  local out=$work/$1.out
  for _ in $(seq 1 3000); do grep -q '^listening on' "$out" && break; sleep 0.01; done
  port_of[$1]=$(sed -n 's/^listening on //p' "$out")
  [ -n "${port_of[$1]}" ] || { echo "crowd-overhead.sh: error: $1 did not start:" >&2; cat "$work/$1.err" >&2; exit 1; }
}
stop() {    # stop NAME: it must end cleanly, and a crowd server leave its report
  kill -TERM "${pid_of[$1]}"
  wait "${pid_of[$1]}" || { echo "crowd-overhead.sh: error: $1 did not stop cleanly" >&2; cat "$work/$1.err" >&2; exit 1; }
  unset "pid_of[$1]"
  rm -f "$work/$1.log"
  case $1 in crowd*)
    ls "$work/reports-$1/"*.xml >/dev/null 2>&1 ||
      { echo "crowd-overhead.sh: error: $1: no memcheck report: the instance never ran" >&2; exit 1; }
    rm -rf "$work/reports-$1" ;;
  esac
}
burst() {   # burst NAME WORKLOAD: one wrk run; prints req/s
  wrk -t2 -c4 -d"${secs}s" -s "$work/$2.lua" "http://127.0.0.1:${port_of[$1]}/" > "$work/wrk.out"
  : > "$work/$1.log"
  if grep -q 'Socket errors' "$work/wrk.out"; then
    echo "crowd-overhead.sh: warning: $1: $(grep 'Socket errors' "$work/wrk.out")" >&2
  fi
  sed -n 's/^Requests\/sec: *//p' "$work/wrk.out"
}
median() {
  tr ' ' '\n' | grep -v '^$' | sort -g |
    awk '{a[NR]=$1} END {print NR % 2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'
}

declare -A r5 r1 ra base
names=(plain crowd5 crowd1 alone)
for m in "${modules[@]}"; do
  wl=$(workload "$m")
  start plain plain 0; start crowd5 crowd5 "${id_of[$m]}"; start crowd1 crowd1 "${id_of[$m]}"
  start alone "alone-$m" 0
  declare -A got=()
  for n in "${names[@]}"; do await "$n"; burst "$n" "$wl" > /dev/null; done   # warm-up
  for r in $(seq 1 "$runs"); do
    # each round starts one further along, so that no server always follows the same one
    for k in 0 1 2 3; do
      n=${names[$(( (r + k) % 4 ))]}
      got[$n]=$(burst "$n" "$wl")
    done
    b=${got[plain]}
    base[$m]="${base[$m]:-} $b"
    r5[$m]="${r5[$m]:-} $(echo "${got[crowd5]} $b" | awk '{printf "%.4f", 100*$1/$2}')"
    r1[$m]="${r1[$m]:-} $(echo "${got[crowd1]} $b" | awk '{printf "%.4f", 100*$1/$2}')"
    ra[$m]="${ra[$m]:-} $(echo "${got[alone]} $b" | awk '{printf "%.4f", 100*$1/$2}')"
    printf 'round %d/%d: %-8s all in one %9s req/s, 5 %% %9s, 1 %% %9s, alone %9s\n' "$r" "$runs" \
      "$m" "$b" "${got[crowd5]}" "${got[crowd1]}" "${got[alone]}" >&2
  done
  for n in "${names[@]}"; do stop "$n"; done
done

{
  printf '# apps/httpd, crowd rotation under memcheck: %d rounds of %ds bursts, the 4 servers side by side, wrk -t2 -c4, 4 server threads, %s cores\n' \
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
