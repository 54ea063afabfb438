#!/usr/bin/env bash
# check.sh - one realc test: the fractured build APP of a real program
# prints what its plain build PLAIN prints, with the same exit status,
# run with no config, or under CONFIG; nothing of it outlives the run.
#
#   check.sh PLAIN APP [CONFIG [STDERR_REGEX]] [-- ARGS...]
#
# With STDERR_REGEX, APP's stderr must match it (a restart config: the
# injected crash did happen and was survived).  ARGS are given to both
# programs.  An empty CONFIG means none.
set -euo pipefail
plain=$1 app=$2
shift 2
config="" want_err=""
if [ $# -gt 0 ] && [ "$1" != "--" ]; then config=$1; shift; fi
if [ $# -gt 0 ] && [ "$1" != "--" ]; then want_err=$1; shift; fi
if [ $# -gt 0 ] && [ "$1" = "--" ]; then shift; fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

prc=0
timeout 120 "$plain" "$@" >"$tmp/plain.out" 2>"$tmp/plain.err" || prc=$?
# The mark tells this run's processes from those of a test beside it.
mark="FRACTURE_REALC_RUN=$tmp"
arc=0
if [ -n "$config" ]; then
  env "$mark" FRACTURE_CONFIG="$config" timeout 120 "$app" "$@" >"$tmp/app.out" \
    2>"$tmp/app.err" || arc=$?
else
  env "$mark" timeout 120 "$app" "$@" >"$tmp/app.out" 2>"$tmp/app.err" || arc=$?
fi

status=0
if ! cmp -s "$tmp/plain.out" "$tmp/app.out"; then
  echo "FAIL: output differs from the plain build's${config:+ under $config}" >&2
  diff -u "$tmp/plain.out" "$tmp/app.out" | head -40 >&2 || true
  status=1
fi
if [ "$prc" -ne "$arc" ]; then
  echo "FAIL: exit status $arc, the plain build's $prc" >&2
  status=1
fi
if [ -n "$want_err" ] && ! grep -Eq "$want_err" "$tmp/app.err"; then
  echo "FAIL: stderr does not match '$want_err'" >&2
  status=1
fi
# Child FMPs die with the root: none may be left.
sleep 0.2
for p in /proc/[0-9]*; do
  if { tr '\0' '\n' <"$p/environ"; } 2>/dev/null | grep -qxF "$mark"; then
    echo "FAIL: a process of $app is left: ${p#/proc/}" >&2
    status=1
  fi
done
if [ $status -ne 0 ]; then
  echo "--- stderr of $app" >&2
  head -40 "$tmp/app.err" >&2
else
  echo "ok: $(wc -l <"$tmp/app.out") lines, exit $arc${config:+, under $(basename "$config")}"
fi
exit $status
