#!/usr/bin/env bash
# `flowprobe analyze` as a user runs it, whole process, paired in one run
# (paired.py: A B C ... alternated ROUNDS times, median and min-max of the
# per-round ratios), on two captures: the synthetic `large` (bench-data/) and
# `real-mix` (the real nDPI captures, each flow 8 times; written into
# ~/.cache/flowprobe/bench by dataplane/bench/bench-captures.ts):
#   - analyze with 1 and 2 workers, DPI on and off, against Debian's ndpiReader -i
#     (ratio < 1: flowprobe faster), and the worker scaling (1 worker / 2 workers);
#   - start-up: analyze on a 2-packet capture against `node -e 0`.
#
#   npm run bench -w appliance            (after `make build`; part of make bench)
#
# Env: ROUNDS (default 5).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
rounds=${ROUNDS:-5}
paired="python3 $root/appliance/bench/paired.py"
fp="node $root/appliance/bin/flowprobe.js analyze"

(cd "$root/dataplane" && npx tsc -p tsconfig.bench.json)
mapfile -t captures < <(node "$root/dataplane/dist-bench/bench/bench-captures.js" large real-mix)

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
# The 2-packet capture: the global header and first two records of a shared capture.
python3 - "$root/../shared/pcaps/ndpi/443-git.pcap" "$dir/two.pcap" <<'PY'
import struct, sys
d = open(sys.argv[1], "rb").read()
out, p = d[:24], 24
for _ in range(2):
    n = struct.unpack("<I", d[p + 8:p + 12])[0]
    out += d[p:p + 16 + n]
    p += 16 + n
open(sys.argv[2], "wb").write(out)
PY

echo "## start-up: analyze on a 2-packet capture (DPI on: nDPI initialised in every thread) vs node -e 0"
$paired "$rounds" 'node -e 0' 'node -e 0' \
  'analyze 2 packets, 1 worker, no DPI' "$fp $dir/two.pcap -w 1 --no-dpi" \
  'analyze 2 packets, 1 worker' "$fp $dir/two.pcap -w 1" \
  'analyze 2 packets, 2 workers' "$fp $dir/two.pcap -w 2"

# The same total table room for 1 and 2 workers (the defaults are per worker: 262 144 flows and
# 65 536 hosts), so that one worker holds every flow and host of `large` as two do: with the
# defaults it would leave 757 k packets unaccounted and do less work than two.
one="--flow-capacity 524288 --host-capacity 131072"
two="--flow-capacity 262144 --host-capacity 65536"

for c in "${captures[@]}"; do
  echo
  echo "## $(basename "$c"): $(node -e "const i=require('$c.json'); console.log(i.packets + ' packets, ' + i.description)")"
  $paired --ratio 'flowprobe 1w DPI/flowprobe 2w DPI' --ratio 'flowprobe 1w no DPI/flowprobe 2w no DPI' "$rounds" \
    'ndpiReader -i' "ndpiReader -i $c" \
    'flowprobe 1w DPI' "$fp $c -w 1 $one" \
    'flowprobe 2w DPI' "$fp $c -w 2 $two" \
    'flowprobe 1w no DPI' "$fp $c -w 1 --no-dpi $one" \
    'flowprobe 2w no DPI' "$fp $c -w 2 --no-dpi $two"
done
