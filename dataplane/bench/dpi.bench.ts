/**
 * DPI throughput: `flowprobe analyze` with nDPI on (1 and 2 workers, and 2
 * workers without DPI for reference) against Debian's `ndpiReader -i` on the
 * same large capture (bench-captures.ts `large`: the shared nDPI captures
 * replayed with rewritten addresses, ~2.5 M packets), in the same run. Prints
 * packets/s, Gbit/s, the ratio to ndpiReader and the share of flows each
 * classified.
 *
 * Run: npm run bench -w dataplane -- dpi     (or node dist-bench/bench/dpi.bench.js)
 */
import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import { analyzeCapture } from '../src';
import { ensureBenchCapture } from './bench-captures';

export interface DpiBenchRow {
  tool: string;
  packets: number;
  seconds: number;
  pps: number;
  gbps: number;
  classified: string;
}

function ndpiReaderRun(file: string, bytes: number, packets: number): DpiBenchRow {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/ndpiReader', ['-i', file], { encoding: 'utf8', maxBuffer: 256 << 20 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`ndpiReader failed: ${r.stderr}`);
  const m = /Unknown\s+packets:\s*\d+\s+bytes:\s*\d+\s+flows:\s*(\d+)/.exec(r.stdout);
  const flows = /Unique flows:\s*(\d+)/.exec(r.stdout);
  const unknown = m ? Number(m[1]) : 0;
  const total = flows ? Number(flows[1]) : 0;
  return {
    tool: 'ndpiReader 4.2 (1 thread)',
    packets,
    seconds,
    pps: packets / seconds,
    gbps: (bytes * 8) / seconds / 1e9,
    classified: total ? `${(100 * (1 - unknown / total)).toFixed(1)} % of ${total}` : 'n/a',
  };
}

async function flowprobeRun(file: string, bytes: number, workers: number, dpi: boolean): Promise<DpiBenchRow> {
  // 2^19 slots per shard: the large capture has ~450 k flows, so nothing is left unaccounted with 1 worker.
  const r = await analyzeCapture({ kind: 'pcap', path: file }, { workers, dpi, flowCapacity: 1 << 19 });
  const unaccounted = r.stats.workers.reduce((a, w) => a + w.unaccounted_packets, 0);
  if (unaccounted > 0) console.log(`warning: ${unaccounted} packets unaccounted (flow table full) with ${workers} worker(s)`);
  const known = r.flows.filter((f) => f.l7 !== '' && f.l7 !== 'Unknown').length;
  return {
    tool: `flowprobe analyze, ${workers} worker${workers > 1 ? 's' : ''}${dpi ? ', DPI' : ', no DPI'}`,
    packets: r.stats.packets,
    seconds: r.elapsedS,
    pps: r.stats.packets / r.elapsedS,
    gbps: (bytes * 8) / r.elapsedS / 1e9,
    classified: dpi ? `${((100 * known) / r.flows.length).toFixed(1)} % of ${r.flows.length}` : '-',
  };
}

/** Rounds of the whole comparison: the machine is shared, so each figure is the best of ROUNDS runs, interleaved. */
const ROUNDS = 3;

/** Runs the comparison; returns the best row per tool (also printed, with the median). */
export async function runDpiBenchmark(): Promise<DpiBenchRow[]> {
  const info = ensureBenchCapture('large');
  const { path: file, packets, bytes } = info;
  console.log(`capture: ${file} (${packets} packets, ${(bytes / 1e6).toFixed(0)} MB of frames; ${info.description})`);
  const runs: DpiBenchRow[][] = [[], [], [], []];
  for (let round = 0; round < ROUNDS; round++) {
    runs[0].push(ndpiReaderRun(file, bytes, packets));
    runs[1].push(await flowprobeRun(file, bytes, 1, true));
    runs[2].push(await flowprobeRun(file, bytes, 2, true));
    runs[3].push(await flowprobeRun(file, bytes, 2, false));
  }
  const best = runs.map((r) => r.reduce((a, b) => (b.pps > a.pps ? b : a)));
  const median = runs.map((r) => [...r].sort((a, b) => a.pps - b.pps)[Math.floor(r.length / 2)]);
  const ref = best[0].pps;
  const refMedian = median[0].pps;
  console.log(`best of ${ROUNDS} interleaved rounds (median in brackets); load average at the end: ${os.loadavg()[0].toFixed(2)}`);
  console.log('| tool | packets | s | packets/s | Gbit/s | vs ndpiReader | flows classified |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  best.forEach((r, i) => {
    const m = median[i];
    console.log(
      `| ${r.tool} | ${r.packets} | ${r.seconds.toFixed(2)} (${m.seconds.toFixed(2)}) | ${Math.round(r.pps)} (${Math.round(m.pps)}) | ${r.gbps.toFixed(2)} | ` +
        `${(r.pps / ref).toFixed(2)}x (${(m.pps / refMedian).toFixed(2)}x) | ${r.classified} |`,
    );
  });
  return best;
}

if (require.main === module) {
  runDpiBenchmark().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
