/**
 * DPDK capture throughput: net_pcap with infinite_rx=1 replaying (a) the large bench capture
 * and (b) the 64-byte / 1 M flows capture (bench-captures.ts) into the product's Dataplane
 * (capture workers with flow and host tracking, nDPI off), with 1 and 2 workers, and the same
 * with workers that only receive (the DPDK + koffi capture path alone). Prints Mpps
 * per worker and in total, and the equivalent Gbit/s (frame bytes, and on the wire with the
 * 24 bytes of FCS, preamble and inter-frame gap per frame: 10 GbE line rate at 64 bytes is
 * 14.88 Mpps).
 *
 * net_pcap's infinite_rx keeps the whole file in mbufs and supports one RX queue per device,
 * with single-segment mbufs only. So each capture is cut to a prefix that fits in memory
 * (frames longer than MAX_FRAME_BYTES, 1 % of the large capture's GRO/TSO frames, are left out)
 * and, for 2 workers, split in two by the symmetric flow hash of the software RSS (what NIC
 * RSS with a symmetric key does): one net_pcap device (port) and one worker per half. Each
 * configuration runs in its own process (EAL initialises once per process).
 *
 *   node dist-bench/bench/dpdk.bench.js [seconds]      (run by `make bench`; then --steps 5 3, below)
 */
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { END_OF_CAPTURE } from '../src/capture/capture-source';
import { DPDK_DEV_EAL_ARGS, initDpdkEal, setupDpdkPort } from '../src/capture/dpdk-port';
import { PacketBurst } from '../src/capture/packet-burst';
import { PcapFileSource } from '../src/capture/pcap-file-source';
import { PcapWriter } from '../src/capture/pcap-writer';
import { Worker } from 'node:worker_threads';
import { Dataplane } from '../src/dataplane';
import { WorkerF64 } from '../src/worker/worker-stats.layout';
import { shardOf } from '../src/decode/shard-hash';
import { benchDataDir, BenchCaptureName, ensureBenchCapture } from './bench-captures';

/** Packets kept of each capture: infinite_rx holds them all in mbufs (~450 B each at 64 B, ~2.4 KB at 2 KB). */
const PREFIX_PACKETS: Record<'large' | '64b-1m-flows', number> = { large: 400_000, '64b-1m-flows': 2_000_000 };
const MAX_FRAME_BYTES = 2048;
/** FCS + preamble/SFD + inter-frame gap, bytes per frame on an Ethernet wire. */
const WIRE_OVERHEAD_BYTES = 24;
const WARMUP_S = 2;
const MAX_WARMUP_S = 120;

interface Split {
  /** One file per worker count: files[w - 1] are the per-queue files for w workers. */
  files: string[][];
  packets: number[][];
  maxFrame: number;
}

interface ChildConfig {
  /** 'dataplane': the product's workers with flow/host tracking; 'capture': workers that only receive (shim + koffi cost). */
  mode: 'dataplane' | 'capture';
  capture: BenchCaptureName;
  files: string[];
  packets: number[];
  maxFrame: number;
  seconds: number;
  /** FlowTable.prefetchStages in the workers (4 = the product's default). */
  stages?: number;
  dpi?: boolean;
  /** false: tables on 4 KiB pages (FLOWPROBE_HUGE_PAGES=0); default: huge pages as the product does. */
  huge?: boolean;
}

interface ChildResult {
  workerMpps: number[];
  totalMpps: number;
  gbps: number;
  wireGbps: number;
  flows: number;
  drops: number;
  elapsedS: number;
  /** CPU time of the whole process (workers, main thread, EAL threads) per packet in the measured window, ns: less sensitive than Mpps to other processes on a shared machine. */
  cpuNsPerPacket?: number;
  /** GCs in each capture-only worker during the measured window ("n (m scavenges)"). */
  workerGcs?: string[];
}

/** Writes the prefix of `name` once as 1 file and as 2 files split by flow hash (cached in bench-data/). */
function prepare(name: keyof typeof PREFIX_PACKETS): Split {
  const info = ensureBenchCapture(name);
  const dir = benchDataDir();
  const meta = path.join(dir, `${name}.dpdk.json`);
  const want = { source: info.path, version: info.version, prefix: PREFIX_PACKETS[name], maxFrame: MAX_FRAME_BYTES };
  if (fs.existsSync(meta)) {
    const cached = JSON.parse(fs.readFileSync(meta, 'utf8')) as typeof want & Split;
    if (JSON.stringify({ ...want }) === JSON.stringify({ source: cached.source, version: cached.version, prefix: cached.prefix, maxFrame: cached.maxFrame })) {
      if (cached.files.flat().every((f) => fs.existsSync(f))) return cached;
    }
  }
  const files = [[path.join(dir, `${name}.dpdk-1of1.pcap`)], [path.join(dir, `${name}.dpdk-1of2.pcap`), path.join(dir, `${name}.dpdk-2of2.pcap`)]];
  const writers = files.map((group) => group.map((f) => new PcapWriter(`${f}.tmp`, { linkType: 1, bufferBytes: 8 * 1024 * 1024 })));
  const packets = [[0], [0, 0]];
  const source = new PcapFileSource(info.path);
  const burst = new PacketBurst();
  let kept = 0;
  let maxFrame = 0;
  try {
    for (let n = source.nextBurst(burst); n !== END_OF_CAPTURE && kept < want.prefix; n = source.nextBurst(burst)) {
      for (let i = 0; i < n && kept < want.prefix; i++) {
        const off = burst.offset[i];
        const len = burst.caplen[i];
        if (len > MAX_FRAME_BYTES) continue;
        const shard = shardOf(burst.data, off, len, burst.linkType[i], 2);
        writers[0][0].writePacket(burst.tsS[i], burst.data, off, off + len, burst.wirelen[i]);
        writers[1][shard].writePacket(burst.tsS[i], burst.data, off, off + len, burst.wirelen[i]);
        packets[0][0]++;
        packets[1][shard]++;
        if (len > maxFrame) maxFrame = len;
        kept++;
      }
    }
  } finally {
    source.close();
    for (const w of writers.flat()) w.close();
  }
  files.flat().forEach((f) => fs.renameSync(`${f}.tmp`, f));
  const split: Split = { files, packets, maxFrame };
  fs.writeFileSync(meta, JSON.stringify({ ...want, ...split }, null, 2));
  return split;
}

/** One configuration, in this (child) process: EAL, one port per file, one Dataplane (1 worker) per port. */
async function child(c: ChildConfig): Promise<ChildResult> {
  // EAL memory: the replayed frames (mbuf = 128 B header + 128 B headroom + data room, + ~64 B pool
  // overhead) plus the flow/host tables live in the JS heap, not here.
  const dataRoom = Math.ceil(c.maxFrame / 64) * 64;
  const mbufs = c.packets.map((p) => p + 8192);
  // 60 % more for object headers, the pools' rings, 4 KiB-page alignment without hugepages and EAL itself (measured).
  const ealMb = Math.ceil((mbufs.reduce((a, b) => a + b, 0) * (dataRoom + 128 + 128 + 64) * 1.6) / 2 ** 20) + 256;
  const eal = DPDK_DEV_EAL_ARGS.filter((a) => a !== '512' && a !== '-m').concat(['-m', String(ealMb), '--log-level=warning', '--no-telemetry']);
  c.files.forEach((f, i) => eal.push('--vdev', `net_pcap${i},rx_pcap=${f},infinite_rx=1`));
  initDpdkEal(eal);
  c.files.forEach((_f, i) => setupDpdkPort(i, 1, { mbufsPerQueue: mbufs[i], mbufDataRoom: dataRoom, pmdTimestamps: false }));
  if (c.mode === 'capture') return captureOnly(c);
  // Tables sized for every flow of the replayed file (1 M for 64b-1m-flows), with the 30 % slack of ntopng.
  const flowCapacity = c.capture === 'large' ? 262144 : Math.ceil((1_300_000 / c.files.length) * 1.0);
  // Inherited by the worker threads the Dataplane starts (read in capture-worker.ts).
  if (c.stages !== undefined) process.env.FLOWPROBE_PREFETCH_STAGES = String(c.stages);
  if (c.huge === false) process.env.FLOWPROBE_HUGE_PAGES = '0';
  const dps: Dataplane[] = [];
  for (let i = 0; i < c.files.length; i++) {
    dps.push(
      await Dataplane.start({
        source: { kind: 'dpdk', eal, port: i, queues: 1 },
        workers: 1,
        dpi: c.dpi ?? false,
        flowCapacity,
        hostCapacity: c.capture === 'large' ? 262144 : flowCapacity,
      }),
    );
  }
  // Warm-up: every worker has seen its whole file once (every flow and host inserted), and WARMUP_S passed.
  // Read the workers' counters straight from shared memory: Dataplane.stats() also counts flows and
  // merges hosts, which at 1 M hosts costs the main thread (and so the workers' cores) real time.
  const sample = () => dps.map((dp) => ({ packets: dp.shards[0].stats[WorkerF64.Packets], bytes: dp.shards[0].stats[WorkerF64.Bytes] }));
  const warmupStart = Date.now();
  while (Date.now() - warmupStart < WARMUP_S * 1000 || sample().some((s, i) => s.packets < c.packets[i])) {
    if (Date.now() - warmupStart > MAX_WARMUP_S * 1000) throw new Error(`warm-up: a worker did not get through its file in ${MAX_WARMUP_S} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  const s0 = sample();
  await new Promise((r) => setTimeout(r, c.seconds * 1000));
  const s1 = sample();
  const cpu = process.cpuUsage(cpu0);
  const elapsedS = Number(process.hrtime.bigint() - t0) / 1e9;
  for (const dp of dps) await dp.stop();
  const final = dps.map((dp) => dp.stats());
  const workerMpps = s1.map((s, i) => (s.packets - s0[i].packets) / elapsedS / 1e6);
  const packets = s1.reduce((a, s, i) => a + s.packets - s0[i].packets, 0);
  const bytes = s1.reduce((a, s, i) => a + s.bytes - s0[i].bytes, 0);
  return {
    workerMpps,
    totalMpps: packets / elapsedS / 1e6,
    gbps: (bytes * 8) / elapsedS / 1e9,
    wireGbps: ((bytes + packets * WIRE_OVERHEAD_BYTES) * 8) / elapsedS / 1e9,
    cpuNsPerPacket: ((cpu.user + cpu.system) * 1e3) / packets,
    flows: final.reduce((a, s) => a + s.num_flows, 0),
    drops: final.reduce((a, s) => a + s.drops, 0),
    elapsedS,
  };
}

/** Worker threads that only poll their port (DpdkQueueSource) and count: the capture path's own cost. */
const CAPTURE_ONLY_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { PerformanceObserver } = require('node:perf_hooks');
const { performance } = require('node:perf_hooks');
const gcTimes = [];
// [epoch ms, kind]: kind 1 = scavenge (young generation: allocation), 4 = mark-sweep (incl. V8's memory reducer).
new PerformanceObserver((list) => { for (const e of list.getEntries()) gcTimes.push([performance.timeOrigin + e.startTime, e.detail.kind]); }).observe({ entryTypes: ['gc'] });
const { DpdkQueueSource } = require(workerData.dir + '/capture/dpdk-queue-source.js');
const { PacketBurst } = require(workerData.dir + '/capture/packet-burst.js');
const source = new DpdkQueueSource(workerData.port, 0);
const burst = new PacketBurst();
const counters = new Float64Array(workerData.counters);
const stop = new Int32Array(workerData.stop);
while (Atomics.load(stop, 0) === 0) {
  const n = source.nextBurst(burst);
  if (n > 0) { counters[0] += n; counters[1] += burst.offset[n - 1] + burst.caplen[n - 1]; }
}
source.close();
// GC entries are delivered once the event loop runs again.
// Only GCs inside the measured window count (counters[2] = its start, epoch ms); start-up allocates.
setTimeout(() => {
  const inWindow = gcTimes.filter(([t]) => t >= counters[2]);
  parentPort.postMessage({ gcs: inWindow.length + ' (' + inWindow.filter(([, k]) => k === 1).length + ' scavenges)' });
}, 200);
`;

async function captureOnly(c: ChildConfig): Promise<ChildResult> {
  const stop = new SharedArrayBuffer(4);
  const counters = c.files.map(() => new Float64Array(new SharedArrayBuffer(24)));
  const dir = path.resolve(__dirname, '../src');
  const workers = c.files.map(
    (_f, port) => new Worker(CAPTURE_ONLY_WORKER, { eval: true, workerData: { dir, port, counters: counters[port].buffer, stop } }),
  );
  const gcs = workers.map((w) => new Promise<string>((r) => w.once('message', (m: { gcs: string }) => r(m.gcs))));
  await new Promise((r) => setTimeout(r, WARMUP_S * 1000));
  const sample = () => counters.map((k) => [k[0], k[1]]);
  for (const k of counters) k[2] = performance.timeOrigin + performance.now();
  const t0 = process.hrtime.bigint();
  const s0 = sample();
  await new Promise((r) => setTimeout(r, c.seconds * 1000));
  const s1 = sample();
  const elapsedS = Number(process.hrtime.bigint() - t0) / 1e9;
  Atomics.store(new Int32Array(stop), 0, 1);
  const workerGcs = await Promise.all(gcs);
  const packets = s1.reduce((a, s, i) => a + s[0] - s0[i][0], 0);
  const bytes = s1.reduce((a, s, i) => a + s[1] - s0[i][1], 0);
  return {
    workerMpps: s1.map((s, i) => (s[0] - s0[i][0]) / elapsedS / 1e6),
    totalMpps: packets / elapsedS / 1e6,
    gbps: (bytes * 8) / elapsedS / 1e9,
    wireGbps: ((bytes + packets * WIRE_OVERHEAD_BYTES) * 8) / elapsedS / 1e9,
    flows: 0,
    drops: 0,
    elapsedS,
    workerGcs,
  };
}

/** Runs one configuration in a child process; undefined (and a line saying why) when it failed. */
function runChild(cfg: ChildConfig, label: string): ChildResult | undefined {
  const r = spawnSync(process.execPath, [__filename, '--child', JSON.stringify(cfg)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const line = r.stdout.split('\n').find((l) => l.startsWith('{"workerMpps"'));
  if (r.status !== 0 || line === undefined) {
    console.log(`${label}: failed (${r.status ?? r.signal})\n${r.stdout}`);
    return undefined;
  }
  return JSON.parse(line) as ChildResult;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/**
 * Before/after of the staged burst lookup at 1 M flows, paired in one run: for 1 and 2 workers,
 * rounds of (a) stages 0 on 4 KiB pages (burst decoded whole, then per-packet lookups: before),
 * (b) every stage (hash first, bucket heads, flow slots, hosts) on 4 KiB pages, (c) every stage
 * with the tables on huge pages (the product's default: after), (d) = (c) with DPI on. The
 * per-stage figures are the in-process flow bench's. Median (min-max) Mpps per configuration.
 *
 *   node dist-bench/bench/dpdk.bench.js --steps [seconds] [rounds]
 */
function steps(seconds: number, rounds: number): number {
  const split = prepare('64b-1m-flows');
  console.log(`dpdk.bench --steps: 64b-1m-flows, net_pcap infinite_rx -> Dataplane (flows + hosts), ${seconds} s each, ${rounds} rounds; load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const configs: { name: string; stages: number; huge: boolean; dpi: boolean }[] = [
    { name: 'before: no prefetch, 4 KiB pages', stages: 0, huge: false, dpi: false },
    { name: 'staged lookup, 4 KiB pages', stages: 4, huge: false, dpi: false },
    { name: 'after: staged lookup + huge pages', stages: 4, huge: true, dpi: false },
    { name: 'after, DPI on', stages: 4, huge: true, dpi: true },
  ];
  const results = new Map<string, number[]>();
  const cpuNs = new Map<string, number[]>();
  let failed = 0;
  for (let r = 0; r < rounds; r++) {
    for (const workers of [1, 2]) {
      for (const k of configs) {
        const key = `${workers} worker(s), ${k.name}`;
        const cfg: ChildConfig = { mode: 'dataplane', capture: '64b-1m-flows', files: split.files[workers - 1], packets: split.packets[workers - 1], maxFrame: split.maxFrame, seconds, stages: k.stages, huge: k.huge, dpi: k.dpi };
        const res = runChild(cfg, key);
        if (!res) {
          failed++;
          continue;
        }
        console.log(
          `round ${r + 1} ${key}: ${res.totalMpps.toFixed(2)} Mpps (per worker ${res.workerMpps.map((m) => m.toFixed(2)).join(' / ')}), ${res.cpuNsPerPacket!.toFixed(0)} CPU ns/packet, ${res.flows} flows, ${res.drops} drops, load ${os.loadavg()[0].toFixed(2)}`,
        );
        results.set(key, [...(results.get(key) ?? []), res.totalMpps]);
        cpuNs.set(key, [...(cpuNs.get(key) ?? []), res.cpuNsPerPacket!]);
      }
    }
  }
  console.log('| configuration | Mpps median (min-max) | CPU ns/packet median (min-max) | packets/s per CPU-second (M) |\n| --- | --- | --- | --- |');
  for (const [key, xs] of results) {
    const cs = cpuNs.get(key)!;
    console.log(
      `| ${key} | ${median(xs).toFixed(2)} (${Math.min(...xs).toFixed(2)}-${Math.max(...xs).toFixed(2)}) | ${median(cs).toFixed(0)} (${Math.min(...cs).toFixed(0)}-${Math.max(...cs).toFixed(0)}) | ${(1e3 / median(cs)).toFixed(2)} |`,
    );
  }
  console.log(`load after: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  return failed === 0 ? 0 : 1;
}

function parent(seconds: number): number {
  console.log(`dpdk.bench: net_pcap infinite_rx -> Dataplane (flows + hosts, no DPI), ${seconds} s after a warm-up of one pass over the file (at least ${WARMUP_S} s); ${os.cpus().length} x ${os.cpus()[0]?.model ?? '?'}`);
  let failed = 0;
  for (const name of ['large', '64b-1m-flows'] as const) {
    const split = prepare(name);
    for (const [mode, workers] of [['dataplane', 1], ['dataplane', 2], ['capture', 1], ['capture', 2]] as const) {
      const cfg: ChildConfig = { mode, capture: name, files: split.files[workers - 1], packets: split.packets[workers - 1], maxFrame: split.maxFrame, seconds };
      const r = spawnSync(process.execPath, [__filename, '--child', JSON.stringify(cfg)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
      const line = r.stdout.split('\n').find((l) => l.startsWith('{"workerMpps"'));
      if (r.status !== 0 || line === undefined) {
        console.log(`${name} ${mode} ${workers} worker(s): failed (${r.status ?? r.signal})\n${r.stdout}`);
        failed++;
        continue;
      }
      const res = JSON.parse(line) as ChildResult;
      console.log(
        `${name.padEnd(13)} ${mode === 'dataplane' ? 'flows+hosts ' : 'capture only'} ${workers} worker(s) ${split.packets[workers - 1].join('+')} pkts looped: ` +
          `${res.totalMpps.toFixed(2)} Mpps total (per worker ${res.workerMpps.map((m) => m.toFixed(2)).join(' / ')}), ` +
          `${res.gbps.toFixed(2)} Gbit/s of frames, ${res.wireGbps.toFixed(2)} Gbit/s on the wire` +
          (mode === 'dataplane' ? `, ${res.flows} flows, ${res.drops} drops` : `, GCs per worker ${res.workerGcs!.join(' / ')}`),
      );
    }
  }
  return failed === 0 ? 0 : 1;
}

if (process.argv[2] === '--child') {
  child(JSON.parse(process.argv[3]) as ChildConfig).then(
    (r) => {
      console.log(JSON.stringify(r));
      process.exit(0);
    },
    (err: Error) => {
      console.error(err.stack ?? String(err));
      process.exit(1);
    },
  );
} else if (process.argv[2] === '--steps') {
  process.exitCode = steps(Number(process.argv[3] ?? 5), Number(process.argv[4] ?? 3));
} else {
  // make bench: the rates of both captures, then the 1 M-flow before/after (issue 17 asks both of one run).
  const failed = parent(Number(process.argv[2] ?? 10));
  process.exitCode = steps(5, 3) || failed;
}
