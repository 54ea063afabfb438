#!/usr/bin/env bash
# crowd-demo.sh - the README's crowd story on apps/chat, for real: eight
# deployments (FRACTURE_DEPLOYMENT 0..7) of the same build and the same
# config, configs/crowd.yaml (the rotation is the client's samplable
# modules, format and parse; 5 % of the watched module's calls under
# memcheck), each a run of the real client in tmux against a private
# ngircd, with its own scripted peers; then `fracture report` over their
# reports, in text and as an HTML page.
#
#   apps/chat/crowd-demo.sh [BUILD_DIR] [RARE]
#
# Everyone has the ordinary session (a join, a peer's lines, /me, lines
# typed).  The peers of deployments 1..5 also answer with RARE CTCP
# replies (FRACTURE-DEMO BUG 3, a leak in parse); those of 0, 2, 3 and 7
# are away while the client messages them RARE times (BUG 4, RPL_AWAY, a
# leak in format).  A leak is found where the traffic reaches it *and* the
# deployment watches its module: the CTCP leak by 1, 3, 5 (parse), not by
# 2 and 4 (format); the away leak by 0 and 2 (format), not by 3 and 7
# (parse).  apps/chat/tests/check_chat.c (`crowd`) is the driver, and
# checks that ranking; the test chat.crowd runs it with RARE=200.
#
# Then one more deployment, watching parse, meets a hostile server
# (`check_chat hostile`, bug 1: a 4,000-byte name in a 353 reply).
#
# Writes apps/chat/crowd-report.txt (the ranking), crowd-report.html (the
# page) and, with chromium installed (not needed by CI), crowd-report.png.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../../build}" && pwd)
rare=${2:-1000}
app=$build/apps/chat/chat
fr=$build/rt/fracture
driver=$build/apps/chat/tests/check_chat
cfg=$here/configs/crowd.yaml
for p in "$app" "$fr" "$driver"; do
  [ -x "$p" ] || { echo "crowd-demo.sh: error: $p is missing: build first" >&2; exit 1; }
done
for t in ngircd tmux valgrind; do
  command -v "$t" >/dev/null || [ -x "/usr/sbin/$t" ] ||
    { echo "crowd-demo.sh: error: $t is missing (cmake/deps.sh)" >&2; exit 1; }
done

work=$(mktemp -d /tmp/chat-crowd-demo-XXXXXX)
trap 'rm -rf "$work"' EXIT
unset FRACTURE_DEPLOYMENT FRACTURE_CONFIG

"$driver" crowd "$app" "$cfg" "$fr" "$rare" "$work/crowd" > "$work/driver.out" 2> "$work/driver.err" ||
  { cat "$work/driver.out" "$work/driver.err" >&2; echo "crowd-demo.sh: error: the crowd failed" >&2; exit 1; }
grep '^deployment ' "$work/driver.out" >&2

cd "$work/crowd"
"$fr" report --html "$here/crowd-report.html" d0 d1 d2 d3 d4 d5 d6 d7 > "$work/report.out"
grep -v '^wrote ' "$work/report.out" | tee "$here/crowd-report.txt"
echo "page: $here/crowd-report.html"
if command -v chromium >/dev/null; then
  chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1000,780 \
    --screenshot="$here/crowd-report.png" "file://$here/crowd-report.html" >/dev/null 2>&1 &&
    echo "picture: $here/crowd-report.png"
fi

echo
echo "a deployment watching parse (id 1) meets a hostile server (bug 1):"
"$driver" hostile "$app" "$cfg" "$fr" 1 names 2>&1 | grep -v '^==' |
  grep -E "^(fracture: (root|error)|the client|1 bug|#1 |    )" | grep -v '^    \(at\|   \)' || true
