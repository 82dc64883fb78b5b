#!/usr/bin/env bash
# What writing flow history costs a capture on this machine, for each store
# (HISTORY_STORES, default "duckdb clickhouse": the embedded DuckDB store, and a
# private clickhouse-server the writer starts), paired in one run: A = `flowprobe analyze CAPTURE` alone,
# B = the same while a history writer (controlplane/bench/history.bench.ts,
# HISTORY_BENCH_SUSTAIN) writes records into a DuckDB store as fast as it can,
# alternated A B A B ... ROUNDS times. Prints each round's capture-loop rate
# (packets/s from analyze's summary) and the writer's sustained records/s,
# then the medians and the ratio.
#
#   make build && (cd controlplane && npx tsc -p tsconfig.bench.json) && appliance/bench/history-capture-cost.sh
#
# Env: BENCH_CAPTURE (default bench-data/large.pcap at the repository root,
# written by `npm run bench -w dataplane -- flow`), ROUNDS (default 4),
# ANALYZE_ARGS (extra analyze flags, e.g. --no-dpi).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
capture=${BENCH_CAPTURE:-$root/bench-data/large.pcap}
rounds=${ROUNDS:-4}
read -r -a extra <<< "${ANALYZE_ARGS:-}"
[ -s "$capture" ] || { echo "history-capture-cost: no $capture (npm run bench -w dataplane -- flow writes it)" >&2; exit 1; }
writer_js=$root/controlplane/dist-bench/bench/history.bench.js
[ -s "$writer_js" ] || { echo "history-capture-cost: no $writer_js (cd controlplane && npx tsc -p tsconfig.bench.json)" >&2; exit 1; }

dir=$(mktemp -d)
writer=
cleanup() { [ -n "$writer" ] && kill -TERM -- "-$writer" 2>/dev/null || true; rm -rf "$dir"; }
trap cleanup EXIT

flowprobe=("node" "$root/appliance/bin/flowprobe.js" "analyze" "$capture" "${extra[@]}")
pps() { sed -n 's/.*"packets_per_s":\([0-9]*\).*/\1/p' "$dir/stderr" | tail -1; }
analyze() { "${flowprobe[@]}" > /dev/null 2> "$dir/stderr" || { cat "$dir/stderr" >&2; exit 1; }; pps; }
echo "capture: $capture ($(stat -c %s "$capture") bytes), rounds: $rounds, $(nproc) cores; uptime: $(uptime)"
for store in ${HISTORY_STORES:-duckdb clickhouse}; do
echo "## store: $store"
a=(); b=(); w=()
for i in $(seq 1 "$rounds"); do
  a+=("$(analyze)")
  rm -rf "$dir/store"
  mkdir -p "$dir/store"
  setsid env HISTORY_BENCH_SUSTAIN="$store" HISTORY_BENCH_DIR="$dir/store" node "$writer_js" > "$dir/writer.log" 2>&1 &
  writer=$!
  until grep -q '^writing' "$dir/writer.log"; do kill -0 "$writer" || { cat "$dir/writer.log" >&2; exit 1; }; sleep 0.2; done
  b+=("$(analyze)")
  kill -TERM "$writer"; wait "$writer" || true; writer=
  w+=("$(sed -n 's/.* \([0-9]*\) records\/s.*/\1/p' "$dir/writer.log")")
  printf 'round %d: analyze alone %s packets/s; with the history writer %s packets/s, writer %s records/s; load %s\n' "$i" "${a[-1]}" "${b[-1]}" "${w[-1]}" "$(cut -d' ' -f1-3 /proc/loadavg)"
done
python3 - "${a[*]}" "${b[*]}" "${w[*]}" <<'PY'
import statistics, sys
a, b, w = ([float(x) for x in arg.split()] for arg in sys.argv[1:4])
print(f"capture loop alone: median {statistics.median(a) / 1e3:.0f} k packets/s (spread {min(a) / 1e3:.0f}-{max(a) / 1e3:.0f})")
print(f"capture loop with history writes: median {statistics.median(b) / 1e3:.0f} k packets/s (spread {min(b) / 1e3:.0f}-{max(b) / 1e3:.0f})")
print(f"history writer meanwhile: median {statistics.median(w):.0f} records/s (spread {min(w):.0f}-{max(w):.0f})")
print(f"capture loop rate {100 * (statistics.median(b) / statistics.median(a) - 1):+.1f} % (medians)")
PY
done
