#!/usr/bin/env bash
# Install the Debian packages Fracture builds, tests and runs with.
# Idempotent: installs only what is missing.  Needs root (or sudo).
set -euo pipefail

pkgs=(
  build-essential cmake pkg-config
  libtalloc-dev libyaml-dev libjansson-dev libzmq3-dev   # runtime and CLI
  libseccomp-dev                                         # env: {sandbox: strict}
  libnng-dev libiceoryx-binding-c-dev iceoryx            # fracture bench: its peers
  libcmocka-dev valgrind                                 # tests
  clang libclang-rt-14-dev                               # fuzzing (libFuzzer)
  libclang-14-dev                                        # the annotator
  libxml2-dev libarchive-dev libsqlite3-dev libpq-dev     # fracture report
  postgresql                                             # fracture report: its --db test server
  libmetis-dev graphviz                                  # the partitioner (graphviz: its --dot pictures)
  curl wrk gnuplot-nox jq                                # apps/httpd: tests, bench, chart, prediction
  ngircd tmux libncurses-dev                             # apps/chat: its test server, its UI driver, its UI
  dpkg-dev                                               # tests/realc: apt-get source
)

# Not for CI: chromium renders the README's picture of a `fracture report
# --html` page (apps/httpd/crowd-demo.sh); FRACTURE_DOC_DEPS=1 adds it.
[ -z "${FRACTURE_DOC_DEPS:-}" ] || pkgs+=(chromium)

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi
echo "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
