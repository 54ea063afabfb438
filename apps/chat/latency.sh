#!/usr/bin/env bash
# latency.sh - apps/chat's UI responsiveness, measured: keystroke to
# screen through tmux (apps/chat/tests/check_chat.c, `latency`: a tmux
# control-mode client sends a character into the client's input line
# with send-keys and polls capture-pane until the line shows it), while a
# scripted peer says RATE lines a second in the channel, so that the
# client parses and formats as in use.  Configurations:
#
#   floor            `cat` in the same harness: the method's own cost
#   plain            chat-plain, the sources as any compiler sees them
#   all in one       the fractured client, configs/all-in-one.yaml
#   whole memcheck   valgrind --tool=memcheck --leak-check=full chat-plain
#   crowd P % M      the fractured client under configs/crowd.yaml with
#                    percent P (1 and 5), FRACTURE_DEPLOYMENT picking
#                    module M (0: format, 1: parse): P % of M's calls
#                    under memcheck, the rest to a plain instance
#
# Each configuration runs once per round, the rounds interleaved; each
# figure is the median over rounds of that run's median, p90 and p99.
# "vs plain" is the median's (and p99's) change against plain's.
#
#   apps/chat/latency.sh [BUILD_DIR] [SAMPLES] [ROUNDS] [RATE]
#
# Writes apps/chat/latency.txt.  Defaults 1000 samples, 5 rounds, 20
# lines a second: about 5 minutes on a quiet machine.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../../build}" && pwd)
samples=${2:-1000}
rounds=${3:-5}
rate=${4:-20}
plain=$build/apps/chat/chat-plain
chat=$build/apps/chat/chat
driver=$build/apps/chat/tests/check_chat
for p in "$plain" "$chat" "$driver"; do
  [ -x "$p" ] || { echo "latency.sh: error: $p is missing: build first" >&2; exit 1; }
done
for t in ngircd tmux valgrind; do
  command -v "$t" >/dev/null || [ -x "/usr/sbin/$t" ] ||
    { echo "latency.sh: error: $t is missing (cmake/deps.sh)" >&2; exit 1; }
done
work=$(mktemp -d /tmp/chat-latency-XXXXXX)
trap 'rm -rf "$work"' EXIT
unset FRACTURE_DEPLOYMENT FRACTURE_CONFIG
sed 's/^  percent: 5$/  percent: 1/' "$here/configs/crowd.yaml" > "$work/crowd1.yaml"
grep -q '^  percent: 1$' "$work/crowd1.yaml" || { echo "latency.sh: error: crowd.yaml has no 'percent: 5'" >&2; exit 1; }
cp "$here/configs/crowd.yaml" "$work/crowd5.yaml"

names=(floor plain all-in-one memcheck crowd1-format crowd1-parse crowd5-format crowd5-parse)
run() {   # run NAME: one sample set, "median p90 p99" on stdout
  local pre prog=$chat
  case $1 in
    floor) pre=- prog=cat ;;
    plain) pre=- prog=$plain ;;
    all-in-one) pre="env FRACTURE_CONFIG=$here/configs/all-in-one.yaml" ;;
    memcheck) pre="valgrind -q --tool=memcheck --leak-check=full" prog=$plain ;;
    crowd1-format) pre="env FRACTURE_CONFIG=$work/crowd1.yaml FRACTURE_DEPLOYMENT=0" ;;
    crowd1-parse) pre="env FRACTURE_CONFIG=$work/crowd1.yaml FRACTURE_DEPLOYMENT=1" ;;
    crowd5-format) pre="env FRACTURE_CONFIG=$work/crowd5.yaml FRACTURE_DEPLOYMENT=0" ;;
    crowd5-parse) pre="env FRACTURE_CONFIG=$work/crowd5.yaml FRACTURE_DEPLOYMENT=1" ;;
  esac
  "$driver" latency "$samples" "$rate" "$pre" "$prog" > "$work/out" 2> "$work/err" ||
    { cat "$work/out" "$work/err" >&2; echo "latency.sh: error: $1 failed" >&2; exit 1; }
  sed -n 's/^samples [0-9]* median_ms \([0-9.]*\) p90_ms \([0-9.]*\) p99_ms \([0-9.]*\).*/\1 \2 \3/p' "$work/out"
}
for r in $(seq 1 "$rounds"); do
  for n in "${names[@]}"; do
    run "$n" >> "$work/$n.runs"
    echo "round $r/$rounds: $n: $(tail -1 "$work/$n.runs")" >&2
  done
done

# median of column C of a runs file
med() { cut -d' ' -f"$2" "$work/$1.runs" | sort -g | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
declare -A M P90 P99
for n in "${names[@]}"; do M[$n]=$(med "$n" 1); P90[$n]=$(med "$n" 2); P99[$n]=$(med "$n" 3); done
pct() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%+.0f %%", (a / b - 1) * 100}'; }
label() {
  case $1 in
    floor) echo "floor: cat, same harness" ;;
    plain) echo "chat-plain" ;;
    all-in-one) echo "fractured, all in one" ;;
    memcheck) echo "whole client, memcheck" ;;
    crowd1-format) echo "format sampled 1 %" ;;
    crowd1-parse) echo "parse sampled 1 %" ;;
    crowd5-format) echo "format sampled 5 %" ;;
    crowd5-parse) echo "parse sampled 5 %" ;;
  esac
}
out=$here/latency.txt
{
  echo "# apps/chat, keystroke to screen through tmux: $samples keys per run, $rounds interleaved rounds, peer traffic $rate lines/s, $(nproc) cores"
  printf '%-28s %10s %10s %10s %12s %12s\n' configuration "median ms" "p90 ms" "p99 ms" "median vs" "p99 vs"
  printf '%-28s %10s %10s %10s %12s %12s\n' "" "" "" "" plain plain
  for n in "${names[@]}"; do
    printf '%-28s %10.3f %10.3f %10.3f %12s %12s\n' "$(label "$n")" "${M[$n]}" "${P90[$n]}" "${P99[$n]}" \
      "$(pct "${M[$n]}" "${M[plain]}")" "$(pct "${P99[$n]}" "${P99[plain]}")"
  done
  for p in 1 5; do
    a=crowd$p-format b=crowd$p-parse
    worst=$a; awk -v x="${M[$b]}" -v y="${M[$a]}" 'BEGIN {exit !(x > y)}' && worst=$b
    mm=$(awk -v x="${M[$a]}" -v y="${M[$b]}" 'BEGIN {print (x + y) / 2}')
    printf '%-28s %10.3f %10s %10s %12s\n' "one module at $p %: worst" "${M[$worst]}" "" "" "$(pct "${M[$worst]}" "${M[plain]}")"
    printf '%-28s %10.3f %10s %10s %12s\n' "one module at $p %: median" "$mm" "" "" "$(pct "$mm" "${M[plain]}")"
  done
} > "$out"
cat "$out"
