/**
 * Micro-benchmark of the packet decoder: decodePacket and shardOf over every packet of
 * the shared nDPI captures (held in memory, so only decoding is measured), repeated for
 * a fixed wall time. Prints decoded packets/s, ns/packet and the number of garbage
 * collections during the measured loops (expected: 0, decoding allocates nothing).
 *
 * Run (from dataplane/):
 *   npx tsc -p tsconfig.json --noEmit false --outDir /tmp/flowprobe-bench && node --expose-gc /tmp/flowprobe-bench/bench/decode.bench.js [seconds]
 * (FLOWPROBE_PCAPS=dir overrides the capture folder.)
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance, PerformanceObserver } from 'perf_hooks';
import { END_OF_CAPTURE } from '../src/capture/capture-source';
import { PacketBurst } from '../src/capture/packet-burst';
import { PcapFileSource } from '../src/capture/pcap-file-source';
import { decodePacket } from '../src/decode/decode-packet';
import { DECODE_STATUS_NAMES } from '../src/decode/decode-status';
import { DecodedPacket } from '../src/decode/decoded-packet';
import { shardOf } from '../src/decode/shard-hash';

/** The shared captures: FLOWPROBE_PCAPS, else `../../shared/pcaps/ndpi` from dataplane/ (the repo's sibling folder). */
const capturesDir = process.env.FLOWPROBE_PCAPS ?? path.resolve(process.cwd(), '../../shared/pcaps/ndpi');

interface Packets {
  data: Uint8Array;
  offset: Uint32Array;
  caplen: Uint32Array;
  linkType: Uint16Array;
  count: number;
}

function loadPackets(): Packets {
  const parts: Uint8Array[] = [];
  const linkTypes: number[] = [];
  const burst = new PacketBurst();
  for (const name of fs.readdirSync(capturesDir).sort()) {
    const file = path.join(capturesDir, name);
    if (!fs.statSync(file).isFile()) continue;
    const source = new PcapFileSource(file);
    while (source.nextBurst(burst) !== END_OF_CAPTURE) {
      for (let i = 0; i < burst.count; i++) {
        parts.push(burst.data.slice(burst.offset[i], burst.offset[i] + burst.caplen[i]));
        linkTypes.push(burst.linkType[i]);
      }
    }
    source.close();
  }
  const count = parts.length;
  const p: Packets = { data: new Uint8Array(parts.reduce((n, b) => n + b.length, 0)), offset: new Uint32Array(count), caplen: new Uint32Array(count), linkType: new Uint16Array(count), count };
  let o = 0;
  for (let i = 0; i < count; i++) {
    p.data.set(parts[i], o);
    p.offset[i] = o;
    p.caplen[i] = parts[i].length;
    p.linkType[i] = linkTypes[i];
    o += parts[i].length;
  }
  return p;
}

/** One pass over all packets; returns the number of Ok decodes (so the work cannot be optimised away). */
function decodeAll(p: Packets, out: DecodedPacket, statusCounts: Float64Array): number {
  let ok = 0;
  for (let i = 0; i < p.count; i++) {
    const s = decodePacket(p.data, p.offset[i], p.caplen[i], p.linkType[i], out);
    statusCounts[s]++;
    if (s === 0) ok++;
  }
  return ok;
}

function shardAll(p: Packets): number {
  let acc = 0;
  for (let i = 0; i < p.count; i++) acc += shardOf(p.data, p.offset[i], p.caplen[i], p.linkType[i], 4);
  return acc;
}

async function measure(label: string, seconds: number, pass: () => number, packetsPerPass: number): Promise<void> {
  // GC entries arrive asynchronously: keep their start times, count those inside the loop window.
  const gcStarts: number[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcStarts.push(e.startTime);
  });
  for (let w = 0; w < 20; w++) pass(); // warm-up: let the JIT optimise
  // Collect the loading garbage now, so that a GC pending from start-up (incremental marking
  // finished by a task) is not counted against the loop. Needs --expose-gc.
  const collect = (globalThis as { gc?: () => void }).gc;
  if (collect) collect();
  await new Promise((r) => setTimeout(r, 50));
  observer.observe({ entryTypes: ['gc'] });
  let passes = 0;
  let sink = 0;
  // performance.now() returns a double: no BigInt allocated inside the measured loop.
  const t0 = performance.now();
  const deadline = t0 + seconds * 1000;
  let now = t0;
  while (now < deadline) {
    sink += pass();
    passes++;
    now = performance.now();
  }
  const elapsedS = (now - t0) / 1000;
  await new Promise((r) => setTimeout(r, 100)); // GC entries are delivered asynchronously
  observer.disconnect();
  const gcs = gcStarts.filter((t) => t >= t0 && t <= now).length;
  const pkts = passes * packetsPerPass;
  console.log(
    `${label.padEnd(14)} ${(pkts / elapsedS / 1e6).toFixed(2)} M packets/s  ${((elapsedS * 1e9) / pkts).toFixed(1)} ns/packet  ` +
      `${pkts} packets in ${elapsedS.toFixed(2)} s  GCs during loop: ${gcs}  (sink ${sink % 10})`,
  );
}

async function main(): Promise<void> {
  const seconds = Number(process.argv[2] ?? 5);
  const p = loadPackets();
  const out = new DecodedPacket();
  const statusCounts = new Float64Array(32);
  console.log(`decode.bench: ${p.count} packets (${p.data.length} bytes) from ${capturesDir}`);
  console.log(`node ${process.version}, ${os.cpus()[0]?.model ?? 'unknown CPU'} x${os.cpus().length}, ${os.platform()} ${os.release()}`);
  await measure('decodePacket', seconds, () => decodeAll(p, out, statusCounts), p.count);
  await measure('shardOf', seconds, () => shardAll(p), p.count);
  const once = new Float64Array(32);
  decodeAll(p, out, once);
  console.log('statuses per pass: ' + DECODE_STATUS_NAMES.map((n, s) => (once[s] ? `${n}=${once[s]}` : '')).filter(Boolean).join(' '));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
