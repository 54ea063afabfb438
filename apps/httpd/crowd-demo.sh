#!/usr/bin/env bash
# crowd-demo.sh - the README's crowd story on apps/httpd, for real: a crowd
# of 21 deployments (FRACTURE_DEPLOYMENT 0..20, each of the 7 samplable
# modules three times) of the same build and the same config,
# configs/crowd.yaml (1 % of the isolated module's calls under memcheck),
# each serving its own users for SECONDS with wrk; then `fracture report`
# over their reports dirs, in text and as an HTML page.
#
#   apps/httpd/crowd-demo.sh [BUILD_DIR] [SECONDS]
#
# The users differ as users do: all browse the site (bench.sh's mix); the
# users of even-numbered deployments also list /tree/, a directory holding
# directories (listing.c's deliberate leak); those of deployments whose
# number is a multiple of 3 also fetch /files/backup.tar.zstandard (mime.c's
# deliberate uninitialised read).  A bug is found by a deployment whose
# users reach it and whose module is the buggy one.
#
# Writes apps/httpd/crowd-report.txt (the ranking), crowd-report.html (the
# page) and, with chromium installed (`apt-get install chromium`; not
# needed by CI), crowd-report.png, the page rendered headless.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../../build}" && pwd)
secs=${2:-3}
app=$build/apps/httpd/httpd
fr=$build/rt/fracture
cfg=$here/configs/crowd.yaml
for p in "$app" "$fr"; do
  [ -x "$p" ] || { echo "crowd-demo.sh: error: $p is missing: build first" >&2; exit 1; }
done
command -v wrk >/dev/null || { echo "crowd-demo.sh: error: wrk is missing (cmake/deps.sh)" >&2; exit 1; }

work=$(mktemp -d /tmp/httpd-crowd-demo-XXXXXX)
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill -TERM "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
unset FRACTURE_DEPLOYMENT FRACTURE_CONFIG

www=$work/www
mkdir -p "$www/dir" "$www/site" "$www/tree/a" "$www/tree/b" "$www/tree/c" "$www/files"
head -c 4096 /dev/urandom | base64 > "$www/index.html"
head -c 2048 /dev/urandom | base64 > "$www/style.css"
head -c 1024 /dev/urandom | base64 > "$www/data.json"
head -c 16384 /dev/urandom > "$www/image.png"
for i in $(seq 1 40); do echo "$i" > "$www/dir/file-$i.txt"; done
echo '<p>site</p>' > "$www/site/index.html"
echo 'notes' > "$www/tree/notes.txt"
head -c 2048 /dev/urandom > "$www/files/backup.tar.zstandard"

# user PATHS...: a wrk script cycling over bench.sh's site mix plus PATHS
user() {
  local extra="" p
  for p in "$@"; do extra="$extra \"$p\","; done
  cat <<LUA
local paths = {
  "/index.html", "/style.css", "/data.json", "/image.png", "/index.html", "/style.css",
  "/dir/", "/index.html", "/missing.html", "/data.json", "/image.png", "/dir/",
  "/style.css", "/index.html", "/site/", "/style.css", "/dir/", "/nope",
  "/index.html", "/image.png", $extra
}
local i = 0
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
LUA
}

n=21
mkdir -p "$work/crowd"
for id in $(seq 0 $((n - 1))); do
  extra=()
  (( id % 2 == 0 )) && extra+=(/tree/)
  (( id % 3 == 0 )) && extra+=(/files/backup.tar.zstandard)
  user "${extra[@]}" > "$work/user.lua"
  module=$(FRACTURE_DEPLOYMENT=$id "$fr" check -c "$cfg" "$app" |
           sed -n "s/^  crowd: this deployment isolates module '\([a-z]*\)'.*/\1/p")
  run=$work/run$id
  mkdir -p "$run"
  (cd "$run" && exec env FRACTURE_CONFIG="$cfg" FRACTURE_DEPLOYMENT=$id "$app" --port 0 --root "$www" \
     --threads 4 --log "$run/access.log" > server.out 2> server.err) &
  server_pid=$!
  for _ in $(seq 1 3000); do grep -qs '^listening on' "$run/server.out" && break; sleep 0.01; done
  port=$(sed -n 's/^listening on //p' "$run/server.out")
  [ -n "$port" ] || { echo "crowd-demo.sh: error: deployment $id did not start:" >&2; cat "$run/server.err" >&2; exit 1; }
  wrk -t2 -c4 -d"${secs}s" -s "$work/user.lua" "http://127.0.0.1:$port/" > "$work/wrk.out"
  kill -TERM "$server_pid"; wait "$server_pid" || { echo "crowd-demo.sh: error: deployment $id did not stop cleanly" >&2; exit 1; }
  server_pid=
  mv "$run/fracture-reports" "$work/crowd/d$id"
  printf 'deployment %2d: module %-8s users %-28s %8s req/s, reports: %s\n' "$id" "$module" \
    "site${extra[*]:+ + ${extra[*]}}" "$(sed -n 's/^Requests\/sec: *//p' "$work/wrk.out")" \
    "$(cd "$work/crowd/d$id" && ls | tr '\n' ' ')" >&2
done

cd "$work/crowd"
dirs=()
for id in $(seq 0 $((n - 1))); do dirs+=("d$id"); done
"$fr" report --html "$here/crowd-report.html" "${dirs[@]}" > "$work/report.out"
grep -v '^wrote ' "$work/report.out" | tee "$here/crowd-report.txt"
echo "page: $here/crowd-report.html"
if command -v chromium >/dev/null; then
  chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1000,780 \
    --screenshot="$here/crowd-report.png" "file://$here/crowd-report.html" >/dev/null 2>&1 &&
    echo "picture: $here/crowd-report.png"
fi
