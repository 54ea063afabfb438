#!/usr/bin/env bash
# profile_limits.sh FRACTURE APP - a sandbox profile that cannot be read,
# and one past 64 KiB, are refused by `fracture check` naming the file;
# everything in a temporary directory removed at exit.
set -euo pipefail
fr=$1 app=$2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fr-profile.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
cfg() { printf 'version: 1\nfmps:\n  - name: maths\n    modules: [math]\n    env: {sandbox: %s}\n' "$1"; }

cfg missing.profile.yaml >missing.yaml
if "$fr" check -c missing.yaml "$app" >out 2>&1; then echo "FAIL: a missing profile passed"; exit 1; fi
grep -qF "missing.profile.yaml: error: cannot read the sandbox profile: No such file or directory" out ||
    { echo "FAIL: missing profile:"; cat out; exit 1; }

# 65 KiB of a valid profile's comment lines
{ echo "allow: [read]"; for i in $(seq 1 1100); do printf '# %060d\n' "$i"; done; } >big.profile.yaml
cfg big.profile.yaml >big.yaml
if "$fr" check -c big.yaml "$app" >out 2>&1; then echo "FAIL: a 65 KiB profile passed"; exit 1; fi
grep -qF "big.profile.yaml: error: a sandbox profile is at most 64 KiB" out ||
    { echo "FAIL: big profile:"; cat out; exit 1; }

# exactly at the limit it is read
{ echo "allow: [read]"; } >ok.profile.yaml
head -c $((64 * 1024 - 14)) /dev/zero | tr '\0' ' ' >>ok.profile.yaml
[ "$(stat -c %s ok.profile.yaml)" = 65536 ] || { echo "FAIL: fixture size"; exit 1; }
cfg ok.profile.yaml >ok.yaml
"$fr" check -c ok.yaml "$app" >out 2>&1 || { echo "FAIL: a 64 KiB profile was refused:"; cat out; exit 1; }
echo "ok"
