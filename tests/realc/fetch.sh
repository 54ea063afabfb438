#!/usr/bin/env bash
# fetch.sh - the sources of real C programs from Debian's archive, for the
# realc tests: `apt-get source PKG` for each PKG into a cache directory,
# reused between runs (nothing of theirs ever lives in this repository).
#
#   tests/realc/fetch.sh CACHE PKG...
#
# CACHE/PKG/ holds the unpacked source tree once fetched, with .sha256 (the
# sums of its .c and .h files as unpacked: the tests check that nothing of
# theirs changed); a package already there is not fetched again, so a warm
# cache needs no network.  When one
# is missing: a deb-src entry is added if apt has none (written beside the
# machine's own entries, in the same format, for the same archive), then
# `apt-get update` once, then `apt-get source`.  Any failure (no network,
# no root for apt, a package gone from the archive) ends with status 1 and
# says what failed: the realc tests then fail, they never skip silently.
set -euo pipefail

if [ $# -lt 2 ]; then
  echo "usage: fetch.sh CACHE PKG..." >&2
  exit 2
fi
cache=$1
shift
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)

fail() {
  echo "realc: error: $*" >&2
  exit 1
}

missing=()
for pkg in "$@"; do
  [ -f "$cache/$pkg/.fetched" ] || missing+=("$pkg")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "realc: $* already in $cache"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo -n"      # never a password prompt inside a test
fi
command -v dpkg-source >/dev/null || fail "dpkg-source not found: install dpkg-dev (cmake/deps.sh does)"

# One deb-src entry per Debian/Ubuntu deb entry of the machine, in the
# format the machine uses: deb822 (.sources) stanzas, or one-line .list.
srcfile_deb822=/etc/apt/sources.list.d/fracture-deb-src.sources
srcfile_list=/etc/apt/sources.list.d/fracture-deb-src.list
has_deb_src() {
  grep -Eqs '^[[:space:]]*deb-src[[:space:]]' /etc/apt/sources.list /etc/apt/sources.list.d/*.list ||
    grep -Eqis '^Types:.*deb-src' /etc/apt/sources.list.d/*.sources
}
if ! has_deb_src; then
  tmp=$(mktemp)
  trap 'rm -f "$tmp"' EXIT
  # deb822: copy each enabled "Types: deb" stanza that points to a Debian
  # or Ubuntu archive, as deb-src.
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    [ "$f" = "$srcfile_deb822" ] && continue
    awk 'BEGIN { RS = ""; ORS = "\n\n" }
         /(^|\n)Types:[[:space:]]*deb([[:space:]]|$)/ &&
         /(^|\n)URIs:[^\n]*(debian|ubuntu)/ &&
         !/(^|\n)Enabled:[[:space:]]*no/ {
           sub(/(^|\n)Types:[^\n]*/, "\nTypes: deb-src"); sub(/^\n/, ""); print }' "$f" >>"$tmp"
  done
  if [ -s "$tmp" ]; then
    echo "realc: adding deb-src entries to $srcfile_deb822"
    $sudo install -m 644 "$tmp" "$srcfile_deb822" || fail "cannot write $srcfile_deb822 (needs root)"
  else
    grep -Ehs '^[[:space:]]*deb[[:space:]]+[^#]*(debian|ubuntu)' /etc/apt/sources.list \
      /etc/apt/sources.list.d/*.list | sed -E 's/^[[:space:]]*deb[[:space:]]/deb-src /' >"$tmp" || true
    [ -s "$tmp" ] || fail "no Debian or Ubuntu entry in /etc/apt/sources.list* to make a deb-src entry from"
    echo "realc: adding deb-src entries to $srcfile_list"
    $sudo install -m 644 "$tmp" "$srcfile_list" || fail "cannot write $srcfile_list (needs root)"
  fi
  rm -f "$tmp"
  trap - EXIT
  rm -f "$cache/.apt-updated"
fi

# The source indexes once per cache (a new deb-src entry asks again).
if [ ! -f "$cache/.apt-updated" ]; then
  echo "realc: apt-get update"
  $sudo apt-get -o DPkg::Lock::Timeout=120 update -qq || fail "apt-get update failed (network, or apt needs root)"
  touch "$cache/.apt-updated"
fi

for pkg in "${missing[@]}"; do
  work=$(mktemp -d "$cache/.fetch-$pkg.XXXXXX")
  # Newest first; an archive mirror may lack one version's files (a
  # security update not yet mirrored), so the others are tried in turn.
  versions=$(apt-cache showsrc --only-source "$pkg" 2>/dev/null |
             sed -n 's/^Version: //p' | sort -u -r -V)
  [ -n "$versions" ] || { rm -rf "$work"; fail "no source package '$pkg' in the apt indexes"; }
  got=""
  for v in $versions; do
    echo "realc: apt-get source $pkg=$v"
    if (cd "$work" && apt-get source -qq "$pkg=$v" >"$work.log" 2>&1); then
      got=$v
      break
    fi
    sed 's/^/  /' "$work.log" >&2
    find "$work" -mindepth 1 -delete
  done
  rm -f "$work.log"
  [ -n "$got" ] || { rm -rf "$work"; fail "apt-get source $pkg failed for every version ($(echo $versions))"; }
  # The unpacked tree is the only directory apt-get source leaves.
  tree=$(find "$work" -mindepth 1 -maxdepth 1 -type d | head -1)
  [ -n "$tree" ] || { rm -rf "$work"; fail "apt-get source $pkg unpacked nothing"; }
  rm -rf "${cache:?}/$pkg"
  mv "$tree" "$cache/$pkg"
  # What the tests check to show that nothing of theirs was changed.
  (cd "$cache/$pkg" && find . -type f \( -name '*.c' -o -name '*.h' \) -print0 | sort -z |
     xargs -0 sha256sum >.sha256)
  basename "$tree" >"$cache/$pkg/.fetched"
  rm -rf "$work"
  echo "realc: $pkg is $(cat "$cache/$pkg/.fetched")"
done
