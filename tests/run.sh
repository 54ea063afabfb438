#!/usr/bin/env bash
# The whole test suite, from a fresh clone: install what is needed, build
# (normal, and with AddressSanitizer + UndefinedBehaviorSanitizer), run every
# unit, end-to-end and Valgrind test, then the fuzz targets for a short while.
#
#   tests/run.sh            everything
#   FUZZ_SECONDS=60 tests/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)
jobs=$(nproc)

"$top/cmake/deps.sh"

step() { printf '\n=== %s\n' "$*"; }

# The realc tests' Debian sources, fetched once for every build here.
export FRACTURE_REALC_CACHE=${FRACTURE_REALC_CACHE:-$top/build/realc-cache}

step "build (RelWithDebInfo)"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$jobs"

step "tests"
(cd build && ctest -j"$jobs" --output-on-failure --timeout 600)

step "build with ASan + UBSan"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DFRACTURE_SANITIZE=ON >/dev/null
cmake --build build-asan -j"$jobs"

step "tests under ASan + UBSan (Valgrind tests excluded: they do not mix)"
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 ctest -j"$jobs" --output-on-failure \
   --timeout 600 -E '^valgrind\.')

step "fuzz targets (clang, libFuzzer), ${FUZZ_SECONDS:-20} s each"
CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFRACTURE_FUZZ=ON \
  -DFR_FUZZ_SECONDS="${FUZZ_SECONDS:-20}" >/dev/null
cmake --build build-fuzz -j"$jobs"
(cd build-fuzz && ctest --output-on-failure --timeout 600 -R '^fuzz\.')
