# predict.sh - the partitioner's prediction for apps/httpd checked against
# wrk: bench.sh's HTTPD_PREDICT=1 mode, sourced by it (its server, its
# workloads, rps and median).  Not run on its own.
#
# 1. Training: the fractured build all in one with `trace:` under each
#    workload (site, cgi), one wrk run each; the traces and the request
#    counts are kept (apps/httpd/train-site.json, train-cgi.json).
# 2. This machine's figures: `fracture bench --quick --json` (or
#    HTTPD_BENCH=FILE), kept as apps/httpd/predict-bench.json.
# 3. For every module M: `fracture partition --isolate M` on the trace of
#    M's workload writes the deployment (the chosen boundary).
# 4. RUNS rounds, each module in turn: all in one untraced, the written
#    deployment, and M alone when the boundary is more than M, in an order
#    that alternates by round; each run's ratio to its group's all-in-one
#    run, medians over the rounds.
# 5. The prediction.  On a quiet machine the server and wrk keep its cores
#    busy, so a request costs CORES / rps of CPU and every crossing adds
#    CPU to that, on both sides (the caller's spin or sleep and wake-up,
#    the callee's wake-up): the base is the machine's CPU per request, not
#    the server's wall or CPU time alone.  CORES is measured, not assumed:
#    rps x (server CPU + wrk CPU) per request of the all-in-one runs (2 on
#    an idle 2-core machine, less where other work takes its share).  With
#    P the predicted overhead (ns) of the training workload and R its
#    requests:
#        rps_pred = 1 / (1 / rps_aio + P / R / CORES / 1e9)
#    rps_aio the untraced all-in-one median of the same workload.  P comes
#    twice: from the bench's per-call cost (cross_null - stub_local), and
#    from a per-call cost calibrated on one measured split
#    (HTTPD_CALIBRATE, default parser: one crossing per request, nothing
#    moved with it) by the server CPU per request it added over all in one
#    (dCPU, the median over the rounds: it moves far less with the
#    machine's load than req/s does):
#        call_ns = (dCPU * 1e3 * R - bytes * byte_ns) / calls
#    and `fracture partition --call-ns` run again with it (the boundary
#    must not change).  The calibration module's CPU is exact by
#    construction, its req/s not; the other rows are predictions.
#    A descriptor is priced at 0 in that prediction: the bench's cross_fd
#    is a descriptor's latency, not the CPU it costs a busy machine.
# On a shared machine run it with HTTPD_CGROUP=20480 (bench.sh): otherwise
# a deployment with more threads gets a larger share of the machine.
# Writes apps/httpd/predict.txt (the table), predict.dat, predict.png (the
# chart), cut-files.dot and cut-files.svg (the picture of files' cut).

fr=$build/rt/fracture
[ -x "$fr" ] || { echo "bench.sh: error: $fr is missing: build the project first" >&2; exit 1; }
command -v jq >/dev/null || { echo "bench.sh: error: jq is missing (cmake/deps.sh)" >&2; exit 1; }
ncpu=$(nproc)
calib=${HTTPD_CALIBRATE:-parser}
load_before=$(uptime | sed 's/.*load average: //')

# 1. training
for wl in site cgi; do
  printf 'version: 1\ntrace: {file: %s/train-%s.json}\n' "$work" "$wl" > "$work/configs/train-$wl.yaml"
done
rps all-in-one site > /dev/null   # warm-up (page cache, frequency)
declare -A train_req train_rps
for wl in site cgi; do
  train_rps[$wl]=$(rps "train-$wl" "$wl")
  train_req[$wl]=$(awk '/requests in/ {print $1}' "$work/wrk.out")
  [ -s "$work/train-$wl.json" ] || { echo "bench.sh: error: no trace from the $wl training run" >&2; exit 1; }
  cp "$work/train-$wl.json" "$here/train-$wl.json"
  printf 'training (%s): %s requests, %s req/s traced\n' "$wl" "${train_req[$wl]}" "${train_rps[$wl]}" >&2
done

# 2. this machine's figures
if [ -n "${HTTPD_BENCH:-}" ]; then
  cp "$HTTPD_BENCH" "$work/bench.json"
else
  $rt "$fr" bench --quick --json > "$work/bench.json" 2> "$work/bench.err" ||
    { echo "bench.sh: error: fracture bench failed:" >&2; cat "$work/bench.err" >&2; exit 1; }
fi
cp "$work/bench.json" "$here/predict-bench.json"

# 3. the boundaries
declare -A boundary pred_total pred_calls pred_bytes pred_fds wl_of
for m in "${modules[@]}"; do
  wl=$(workload "$m"); wl_of[$m]=$wl
  "$fr" partition --isolate "$m" --bench "$work/bench.json" --json \
    -o "$work/configs/pred-$m.yaml" "$work/train-$wl.json" > "$work/pred-$m.json"
  boundary[$m]=$(jq -r '.fmps[0].modules | join("+")' "$work/pred-$m.json")
  pred_total[$m]=$(jq -r '.predicted.total_ns' "$work/pred-$m.json")
  pred_calls[$m]=$(jq -r '.predicted.crossing_calls' "$work/pred-$m.json")
  pred_bytes[$m]=$(jq -r '.predicted.crossing_bytes' "$work/pred-$m.json")
  pred_fds[$m]=$(jq -r '[.crossing[].fds] | add // 0' "$work/pred-$m.json")
  printf 'partition --isolate %s (%s): %s, %s crossing calls\n' "$m" "$wl" "${boundary[$m]}" "${pred_calls[$m]}" >&2
done
call_ns_bench=$(jq -r '.factors.call_ns' "$work/pred-${modules[0]}.json")
byte_ns=$(jq -r '.factors.byte_ns' "$work/pred-${modules[0]}.json")
fd_ns_bench=$(jq -r '.factors.fd_ns' "$work/pred-${modules[0]}.json")

# 4. the measurement
declare -A runs_of ratios_of dcpu_of aio_cpu cores_of
# run_cpu: the last run's CPU per request, in us: the server's (its child
# FMPs' included) and wrk's
run_cpu() {
  local req
  req=$(awk '/requests in/ {print $1}' "$work/wrk.out")
  awk -v t="$(cat "$work/ticks_all")" -v hz="$(getconf CLK_TCK)" -v r="$req" -v w="$(cat "$work/wrk.time")" \
    'BEGIN {split(w, u, " "); printf "%.2f %.2f", t * 1e6 / hz / r, (u[1] + u[2]) * 1e6 / r}'
}
# group M R: all in one, the written deployment, M alone (when it differs),
# forwards in odd rounds and backwards in even ones
group() {
  local m=$1 r=$2 wl=${wl_of[$1]} order b x v
  order=(all-in-one "pred-$m")
  [ "${boundary[$m]}" = "$m" ] || order+=("$m")
  if (( r % 2 == 0 )); then order=($(printf '%s\n' "${order[@]}" | tac)); fi
  declare -A got cpu
  for v in "${order[@]}"; do
    got[$v]=$(rps "$v" "$wl")
    cpu[$v]=$(run_cpu)
  done
  b=${got[all-in-one]}
  runs_of[aio.$wl]="${runs_of[aio.$wl]:-} $b"
  read -r bs bw <<< "${cpu[all-in-one]}"
  aio_cpu[$wl]="${aio_cpu[$wl]:-} $bs"
  cores_of[$wl]="${cores_of[$wl]:-} $(awk -v r="$b" -v s="$bs" -v w="$bw" 'BEGIN {printf "%.3f", r * (s + w) / 1e6}')"
  for v in "${order[@]}"; do
    [ "$v" = all-in-one ] && continue
    x=${got[$v]}
    runs_of[$v]="${runs_of[$v]:-} $x"
    ratios_of[$v]="${ratios_of[$v]:-} $(echo "$x $b" | awk '{printf "%.4f", $1 / $2}')"
    read -r xs _ <<< "${cpu[$v]}"
    dcpu_of[$v]="${dcpu_of[$v]:-} $(echo "$xs $bs" | awk '{printf "%.3f", $1 - $2}')"
  done
  printf 'round %d/%d: %-10s all-in-one %9s' "$r" "$runs" "$m" "$b" >&2
  for v in "${order[@]}"; do [ "$v" = all-in-one ] || printf ', %s %s' "$v" "${got[$v]}" >&2; done
  printf '\n' >&2
}
for r in $(seq 1 "$runs"); do
  for m in "${modules[@]}"; do group "$m" "$r"; done
done

# 5. the prediction: calibration, then every module
med_of() { echo "${1:-0}" | median; }
alone_variant() { if [ "${boundary[$1]}" = "$1" ]; then echo "pred-$1"; else echo "$1"; fi; }
declare -A aio_med aio_cpu_med cores
for wl in site cgi; do
  aio_med[$wl]=$(med_of "${runs_of[aio.$wl]:-}")
  aio_cpu_med[$wl]=$(med_of "${aio_cpu[$wl]:-}")
  cores[$wl]=$(med_of "${cores_of[$wl]:-}")
done
# predict_ratio TOTAL_NS WORKLOAD: the predicted ratio to all in one, from
# the CPU per request the overhead adds and the cores server and wrk had
predict_ratio() {
  awk -v p="$1" -v r="${train_req[$2]}" -v n="${cores[$2]}" -v a="${aio_med[$2]}" \
    'BEGIN {printf "%.4f", 1 / (1 + a * p / r / n / 1e9)}'
}
call_ns_cal=$call_ns_bench
calib_note="no calibration: $calib was not measured"
if [ -n "${boundary[$calib]:-}" ] && [ "${pred_calls[$calib]}" -gt 0 ]; then
  cw=${wl_of[$calib]}
  dc=$(med_of "${dcpu_of[pred-$calib]}")
  call_ns_cal=$(awk -v r="${train_req[$cw]}" -v d="$dc" -v b="${pred_bytes[$calib]}" -v bn="$byte_ns" \
    -v c="${pred_calls[$calib]}" 'BEGIN {x = (d * 1e3 * r - b * bn) / c; if (x < 0) x = 0; printf "%.1f", x}')
  calib_note="from $calib alone, measured +$dc us of server CPU per request"
fi
# P of each written deployment at the calibrated cost: its crossings as
# the partitioner listed them; a descriptor adds nothing to the calibrated
# call (the bench's cross_fd is mostly waiting, not CPU: README.md)
declare -A cal_total
for m in "${modules[@]}"; do
  cal_total[$m]=$(awk -v c="${pred_calls[$m]}" -v k="$call_ns_cal" -v b="${pred_bytes[$m]}" -v bn="$byte_ns" \
    'BEGIN {printf "%.1f", c * k + b * bn}')
done
# the picture of files' cut, as it was chosen
"$fr" partition --isolate files --bench "$work/bench.json" \
  --dot "$here/cut-files.dot" "$work/train-site.json" > /dev/null
if command -v dot >/dev/null; then dot -Tsvg "$here/cut-files.dot" -o "$here/cut-files.svg"; fi

load_after=$(uptime | sed 's/.*load average: //')
{
  printf '# apps/httpd: fracture partition --isolate M predicted against wrk; %d rounds of %ds runs, wrk -t2 -c4, 4 server threads%s, %d cores\n' \
    "$runs" "$secs" "${rt:+, $rt}" "$ncpu"
  printf '# load average before %s, after %s\n' "$load_before" "$load_after"
  printf '# training (traced all in one): site %s requests, cgi %s requests\n' "${train_req[site]}" "${train_req[cgi]}"
  printf '# per call: bench %s ns (cross_null - stub_local), calibrated %s ns (%s); per byte %s ns, per fd %s ns (bench; 0 calibrated)\n' \
    "$call_ns_bench" "$call_ns_cal" "$calib_note" "$byte_ns" "$fd_ns_bench"
  printf '# all in one untraced (medians): site %.0f req/s, server %s us CPU/req, %s cores busy; cgi %.0f req/s, %s us CPU/req, %s cores busy\n' \
    "${aio_med[site]}" "${aio_cpu_med[site]}" "${cores[site]}" "${aio_med[cgi]}" "${aio_cpu_med[cgi]}" "${cores[cgi]}"
  printf '# module workload boundary crossings_per_req pred_bench_ratio pred_ratio meas_ratio alone_ratio pred_rps meas_rps error_pct alone_rps pred_dcpu_us meas_dcpu_us alone_dcpu_us\n'
  for m in "${modules[@]}"; do
    wl=${wl_of[$m]}
    awk -v m="$m" -v w="$wl" -v bd="${boundary[$m]}" -v c="${pred_calls[$m]}" -v r="${train_req[$wl]}" \
      -v pb="$(predict_ratio "${pred_total[$m]}" "$wl")" -v pc="$(predict_ratio "${cal_total[$m]}" "$wl")" \
      -v q="$(med_of "${ratios_of[pred-$m]}")" -v qa="$(med_of "${ratios_of[$(alone_variant "$m")]}")" \
      -v a="${aio_med[$wl]}" -v pd="${cal_total[$m]}" -v md="$(med_of "${dcpu_of[pred-$m]}")" \
      -v ad="$(med_of "${dcpu_of[$(alone_variant "$m")]}")" \
      'BEGIN {printf "%s %s %s %.3f %.4f %.4f %.4f %.4f %.0f %.0f %.1f %.0f %.2f %.2f %.2f\n",
              m, w, bd, c / r, pb, pc, q, qa, pc * a, q * a, 100 * (pc / q - 1), qa * a, pd / r / 1e3, md, ad}'
  done
} > "$here/predict.dat"
{
  grep '^#' "$here/predict.dat" | grep -v '^# module'
  printf '%-10s %-20s %5s %9s %9s %7s %9s %6s %6s %6s   %s\n' module boundary "x/req" "predicted" measured \
    "error" "alone" "+CPU" "meas" "alone" "(req/s; +CPU: server us/request over all in one, predicted, measured)"
  grep -v '^#' "$here/predict.dat" | awk '{printf "%-10s %-20s %5.2f %9s %9s %6s%% %9s %6.1f %6.1f %6.1f   %.1f%% / %.1f%% / %.1f%% of all in one; bench figures: %.1f%%\n",
    $1, $3, $4, $9, $10, $11, $12, $13, $14, $15, 100 * $6, 100 * $7, 100 * $8, 100 * $5}'
  for wl in site cgi; do printf 'runs all-in-one (%s): %s\n' "$wl" "$(echo ${runs_of[aio.$wl]:-})"; done
  for m in "${modules[@]}"; do
    printf 'runs %-10s %s (+CPU %s)' "$m" "$(echo ${runs_of[pred-$m]})" "$(echo ${dcpu_of[pred-$m]})"
    [ "${boundary[$m]}" = "$m" ] || printf ' | alone: %s (+CPU %s)' "$(echo ${runs_of[$m]})" "$(echo ${dcpu_of[$m]})"
    printf '\n'
  done
} | tee "$here/predict.txt"

if command -v gnuplot >/dev/null; then
  grep -v '^#' "$here/predict.dat" | awk '{printf "%s %s %.1f %.1f %.1f\n", $1, $3, 100 * $6, 100 * $7, 100 * $8}' > "$work/pchart.dat"
  gnuplot <<GP
set terminal pngcairo size 960,520 noenhanced font ",10"
set output "$here/predict.png"
set title "apps/httpd: fracture partition --isolate M, predicted vs measured req/s, % of all in one (median of $runs rounds, $ncpu cores)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set yrange [0:135]
set ylabel "% of all in one"
set xtics rotate by -30
set grid ytics
set key top center horizontal
plot "$work/pchart.dat" using 3:xtic(1) title "predicted (calibrated per call)" lc rgb "#ccbb44", \\
     "" using 4 title "measured, the chosen boundary" lc rgb "#4477aa", \\
     "" using 5 title "measured, the module alone" lc rgb "#66ccee", \\
     100 with lines lw 1 dt 2 lc rgb "#228833" notitle
GP
  echo "chart: $here/predict.png"
fi
exit 0
