#!/usr/bin/env bash
# Whole-process `analyzeCapture` (no DPI) of several built trees, interleaved per round (A B C A B C ...):
# the paired comparison behind docs/architecture.md "What the refactor cost". Each tree is a checkout with
# `npx tsc -p dataplane/tsconfig.bench.json` run in its dataplane/ (dist-bench); the captures are the
# benchmark's own (`npm run bench -w dataplane -- flow` makes them in bench-data/).
#   tools/bench/refactor-pairs.sh ROUNDS BENCH_DATA_DIR NAME=TREE [NAME=TREE ...]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
rounds="$1" data="$2"; shift 2
for i in $(seq 1 "$rounds"); do
  for cap in large 64b-1m-flows; do for w in 1 2; do for tree in "$@"; do
    echo "$cap ${w}w ${tree%%=*} $(node "$here/analyze-once.js" "${tree#*=}/dataplane" "$data/$cap.pcap" "$w") load $(cut -d' ' -f1 /proc/loadavg)"
  done; done; done
done
