#!/usr/bin/env bash
# What IPFIX export costs `flowprobe analyze`, whole process, paired in one run:
# A = analyze CAPTURE, B = the same with --export ipfix://127.0.0.1:PORT into a
# local nfcapd (nfdump 1.7.1), alternated A B A B ... ROUNDS times; prints each
# wall time, then the median and spread of each and the median ratio.
#
#   npm run bench -w appliance            (after `make build`)
#
# Env: BENCH_CAPTURE (default bench-data/large.pcap at the repository root,
# written by `npm run bench -w dataplane -- flow`), ROUNDS (default 5),
# ANALYZE_ARGS (extra analyze flags, e.g. --no-dpi).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
capture=${BENCH_CAPTURE:-$root/bench-data/large.pcap}
rounds=${ROUNDS:-5}
read -r -a extra <<< "${ANALYZE_ARGS:-}"
[ -s "$capture" ] || { echo "ipfix-export-cost: no $capture (npm run bench -w dataplane -- flow writes it)" >&2; exit 1; }

dir=$(mktemp -d)
port=$(python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir "$dir/flows"
setsid nfcapd -b 127.0.0.1 -p "$port" -w "$dir/flows" -t 3600 > "$dir/nfcapd.log" 2>&1 &
collector=$!
cleanup() { kill -TERM -- "-$collector" 2>/dev/null || true; wait "$collector" 2>/dev/null || true; rm -rf "$dir"; }
trap cleanup EXIT
sleep 1

flowprobe=("node" "$root/appliance/bin/flowprobe.js" "analyze" "$capture" "${extra[@]}")
run() { # prints the wall seconds of one whole-process run
  local t0 t1
  t0=$(date +%s%N)
  "$@" > /dev/null 2> "$dir/stderr" || { cat "$dir/stderr" >&2; exit 1; }
  t1=$(date +%s%N)
  awk -v ns=$((t1 - t0)) 'BEGIN { printf "%.3f", ns / 1e9 }'
}
echo "capture: $capture ($(stat -c %s "$capture") bytes), rounds: $rounds, load: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
# the capture loop's own rate, from the summary analyze prints last on stderr
pps() { sed -n 's/.*"packets_per_s":\([0-9]*\).*/\1/p' "$dir/stderr" | tail -1; }
a=(); b=(); pa=(); pb=()
for i in $(seq 1 "$rounds"); do
  a+=("$(run "${flowprobe[@]}")"); pa+=("$(pps)")
  b+=("$(run "${flowprobe[@]}" --export "ipfix://127.0.0.1:$port")"); pb+=("$(pps)")
  printf 'round %d: analyze %.2f s (%s packets/s in the loop), analyze --export %.2f s (%s packets/s)\n' "$i" "${a[-1]}" "${pa[-1]}" "${b[-1]}" "${pb[-1]}"
done
echo "last export summary: $(tail -1 "$dir/stderr")"
python3 - "${a[*]}" "${b[*]}" "${pa[*]}" "${pb[*]}" <<'PY'
import statistics, sys
a, b, pa, pb = ([float(x) for x in arg.split()] for arg in sys.argv[1:5])
for name, xs, ps in (("analyze", a, pa), ("analyze --export", b, pb)):
    print(f"{name}: wall median {statistics.median(xs):.2f} s (spread {min(xs):.2f}-{max(xs):.2f}), "
          f"capture loop median {statistics.median(ps) / 1e3:.0f} k packets/s (spread {min(ps) / 1e3:.0f}-{max(ps) / 1e3:.0f})")
print(f"export: wall time {100 * (statistics.median(b) / statistics.median(a) - 1):+.1f} %, "
      f"capture loop rate {100 * (statistics.median(pb) / statistics.median(pa) - 1):+.1f} % (medians)")
PY
