/**
 * The inline hot path of issue 2, in one thread: decode + flow and host
 * accounting of every packet of the bench captures (read through the file
 * source, as a worker does), without DPI. Prints ns/packet, Mpps and the GC
 * count during the measured pass (expected 0: nothing is allocated per packet),
 * then the whole `flowprobe analyze` pipeline without DPI with 1 and 2 worker
 * threads. DPI and ndpiReader are in dpi.bench.ts.
 *
 * Run: npm run bench -w dataplane -- flow
 */
import * as os from 'node:os';
import { PerformanceObserver } from 'node:perf_hooks';
import { END_OF_CAPTURE } from '../src/capture/capture-source';
import { PacketBurst } from '../src/capture/packet-burst';
import { PcapFileSource } from '../src/capture/pcap-file-source';
import { analyzeCapture } from '../src';
import { decodePacket } from '../src/decode/decode-packet';
import { DecodedPacket } from '../src/decode/decoded-packet';
import { FlowTable } from '../src/flow/flow-table';
import { HostTable } from '../src/host/host-table';
import { BenchCaptureName, ensureBenchCapture } from './bench-captures';

/** Start time (performance.now() ms) and kind of every GC; delivered when the event loop turns, so counted after each pass. */
const gcTimes: [number, number][] = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcTimes.push([e.startTime, ((e as unknown as { detail?: { kind: number } }).detail?.kind ?? 0)]);
}).observe({ entryTypes: ['gc'] });

/**
 * GCs that started in [t0, t1] (ms), once the observer has been given them: [all, scavenges].
 * Scavenges (young generation) are what allocation on the packet path would cause; a
 * mark-sweep can also come from V8's memory reducer or the external memory of the tables.
 */
async function gcsBetween(t0: number, t1: number): Promise<[number, number]> {
  await new Promise((r) => setTimeout(r, 50));
  const inPass = gcTimes.filter(([t]) => t >= t0 && t <= t1);
  return [inPass.length, inPass.filter(([, kind]) => kind === 1).length];
}

interface PassResult {
  packets: number;
  flows: number;
  seconds: number;
  /** CPU time of the process (user + system) during the pass: less sensitive than wall time to other processes on a shared machine. */
  cpuSeconds: number;
  /** performance.now() at the start and end of the measured pass. */
  t0: number;
  t1: number;
}

/**
 * How a pass accounts a burst: 'per-packet' decodes and accounts each packet in turn (the path
 * before staged bursts); a number is FlowTable.prefetchStages with the burst decoded whole first
 * (what BurstLoop does): 0 no prefetch, 1 hash every key first, 2 + bucket heads, 3 + flow slots,
 * 4 + the flows' hosts.
 */
type PassMode = 'per-packet' | number;

interface Step {
  name: string;
  mode: PassMode;
  /** Tables on transparent huge pages (shard/huge-pages.ts). */
  huge: boolean;
}

const STEPS: Step[] = [
  { name: 'per packet, 4 KiB pages (before)', mode: 'per-packet', huge: false },
  { name: 'burst decoded first, hash every key first', mode: 1, huge: false },
  { name: '+ load bucket heads', mode: 2, huge: false },
  { name: '+ load flow slot lines', mode: 3, huge: false },
  { name: '+ load host lines', mode: 4, huge: false },
  { name: 'per packet, huge pages', mode: 'per-packet', huge: true },
  { name: 'all stages + huge pages (after)', mode: 4, huge: true },
];

/** A flow shard and its host shard sized for the capture (1.3 M: every flow of 64b-1m-flows, as dpdk.bench.ts). */
function makeTables(huge: boolean): FlowTable {
  const capacity = 1_300_000;
  const before = process.env.FLOWPROBE_HUGE_PAGES;
  if (!huge) process.env.FLOWPROBE_HUGE_PAGES = '0';
  try {
    const hosts = new HostTable(HostTable.allocate(capacity));
    return new FlowTable(FlowTable.allocate(capacity), hosts);
  } finally {
    if (before === undefined) delete process.env.FLOWPROBE_HUGE_PAGES;
    else process.env.FLOWPROBE_HUGE_PAGES = before;
  }
}

/** One pass over the file in this thread: read, decode, account (no shard filter: one shard). */
function inlinePass(file: string, flows: FlowTable, mode: PassMode): PassResult {
  const source = new PcapFileSource(file);
  const burst = new PacketBurst();
  const p = new DecodedPacket();
  const ps = Array.from({ length: burst.capacity }, () => new DecodedPacket());
  const bytes = new Int32Array(burst.capacity);
  const ts = new Float64Array(burst.capacity);
  flows.reserveBurst(burst.capacity);
  if (mode !== 'per-packet') flows.prefetchStages = mode;
  const now = flows.now;
  let packets = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  while (source.nextBurst(burst) !== END_OF_CAPTURE) {
    const data = burst.data;
    if (mode === 'per-packet') {
      for (let i = 0; i < burst.count; i++) {
        if (decodePacket(data, burst.offset[i], burst.caplen[i], burst.linkType[i], p) !== 0) continue;
        now[0] = burst.tsS[i];
        flows.accountNow(p, burst.caplen[i]);
      }
    } else {
      let k = 0;
      for (let i = 0; i < burst.count; i++) {
        if (decodePacket(data, burst.offset[i], burst.caplen[i], burst.linkType[i], ps[k]) !== 0) continue;
        ts[k] = burst.tsS[i];
        bytes[k++] = burst.caplen[i];
      }
      flows.prefetchBurst(ps, k);
      for (let j = 0; j < k; j++) {
        now[0] = ts[j];
        flows.accountStaged(j, ps[j], bytes[j]);
      }
    }
    packets += burst.count;
  }
  const t1 = performance.now();
  const cpu = process.cpuUsage(cpu0);
  source.close();
  return { packets, flows: flows.table.inUse, seconds: (t1 - t0) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6, t0, t1 };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

const load = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');

async function main(): Promise<void> {
  const names: BenchCaptureName[] = process.env.FLOW_BENCH_CAPTURES ? (process.env.FLOW_BENCH_CAPTURES.split(',') as BenchCaptureName[]) : ['large', '64b-1m-flows'];
  const rounds = Number(process.env.FLOW_BENCH_ROUNDS ?? 3);
  console.log(`inline hot path (1 thread: read + decode + flows + hosts), ${os.cpus()[0]?.model ?? ''}, load ${load()}`);
  console.log(
    `Each step in turn over the same warm tables (every flow and host created by a first, unmeasured pass; one table pair on 4 KiB pages, one on huge pages), ${rounds} rounds: median (min-max). CPU time = the process's user + system time (less sensitive to other processes than wall time).`,
  );
  console.log('| capture | packets | flows | step | CPU ns/packet | wall ns/packet | Mpps (wall) | GCs in passes |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const name of names) {
    const c = ensureBenchCapture(name);
    const tables = { small: makeTables(false), huge: makeTables(true) };
    inlinePass(c.path, tables.small, 'per-packet'); // creates every flow and host; JIT and page cache warm-up
    inlinePass(c.path, tables.huge, 4);
    const wall = STEPS.map(() => [] as number[]);
    const cpu = STEPS.map(() => [] as number[]);
    const gcsIn = STEPS.map(() => [0, 0]);
    let last: PassResult | undefined;
    for (let r = 0; r < rounds; r++) {
      for (let k = 0; k < STEPS.length; k++) {
        last = inlinePass(c.path, STEPS[k].huge ? tables.huge : tables.small, STEPS[k].mode);
        wall[k].push((last.seconds * 1e9) / last.packets);
        cpu[k].push((last.cpuSeconds * 1e9) / last.packets);
        const [all, scavenges] = await gcsBetween(last.t0, last.t1);
        gcsIn[k][0] += all;
        gcsIn[k][1] += scavenges;
      }
    }
    const range = (v: number[]) => `${median(v).toFixed(0)} (${Math.min(...v).toFixed(0)}-${Math.max(...v).toFixed(0)})`;
    STEPS.forEach((st, k) => {
      console.log(`| ${name} | ${last!.packets} | ${last!.flows} | ${st.name} | ${range(cpu[k])} | ${range(wall[k])} | ${(1e3 / median(wall[k])).toFixed(2)} | ${gcsIn[k][0]} (${gcsIn[k][1]} scavenges) |`);
    });
    console.log(`load after ${name}: ${load()}`);
  }
  if (process.env.FLOW_BENCH_INLINE_ONLY) return;
  console.log('\nflowprobe analyze, no DPI (worker threads, software RSS, incl. start and final flow read-out)');
  console.log('| capture | workers | packets | flows | s | Mpps |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const name of names) {
    const c = ensureBenchCapture(name);
    for (const workers of [1, 2]) {
      const r = await analyzeCapture({ kind: 'pcap', path: c.path }, { workers, dpi: false, flowCapacity: 1 << 21 });
      console.log(`| ${name} | ${workers} | ${r.stats.packets} | ${r.flows.length} | ${r.elapsedS.toFixed(2)} | ${(r.stats.packets / r.elapsedS / 1e6).toFixed(2)} |`);
    }
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
