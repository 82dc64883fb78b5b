/**
 * Micro-benchmark of the DPI engine alone: every Ethernet packet of the shared
 * nDPI captures, held in memory with its flow slot precomputed, goes through
 * DpiEngine.queue / flush (one FFI call per 256-packet burst) for a fixed wall
 * time; each pass ends with giveUpAll and releases every slot. Prints packets
 * given to nDPI per second, flows finished per second and the number of GCs
 * during the measured loop (expected 0: the hot path allocates nothing).
 *
 * Run: npm run bench -w dataplane -- dpi-engine   (or node dist-bench/bench/dpi-engine.bench.js [seconds])
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { END_OF_CAPTURE } from '../src/capture/capture-source';
import { PacketBurst } from '../src/capture/packet-burst';
import { PcapFileSource } from '../src/capture/pcap-file-source';
import { decodePacket } from '../src/decode/decode-packet';
import { DecodedPacket } from '../src/decode/decoded-packet';
import { DpiEngine } from '../src/dpi/classifier';
import type { FlowDpiSink } from '../src/flow/flow-table';
import { DpiState } from '../src/flow/flow-table.layout';

const capturesDir = process.env.FLOWPROBE_PCAPS ?? path.resolve(process.cwd(), '../../shared/pcaps/ndpi');
const BURST = 256;

interface Corpus {
  data: Uint8Array;
  l3Off: Uint32Array;
  l3Len: Uint32Array;
  slot: Int32Array;
  ts: Float64Array;
  count: number;
  flows: number;
}

/** Loads packets and assigns flow slots (setup, not measured). */
function loadCorpus(): Corpus {
  const burst = new PacketBurst();
  const p = new DecodedPacket();
  const chunks: Uint8Array[] = [];
  const off: number[] = [];
  const len: number[] = [];
  const slots: number[] = [];
  const ts: number[] = [];
  const keys = new Map<string, number>();
  let total = 0;
  for (const name of fs.readdirSync(capturesDir).sort()) {
    const file = path.join(capturesDir, name);
    if (!fs.statSync(file).isFile()) continue;
    const src = new PcapFileSource(file);
    while (src.nextBurst(burst) !== END_OF_CAPTURE) {
      for (let i = 0; i < burst.count; i++) {
        const o = burst.offset[i];
        if (decodePacket(burst.data, o, burst.caplen[i], burst.linkType[i], p) !== 0) continue;
        const a = `${p.src.join('.')}:${p.srcPort}`;
        const b = `${p.dst.join('.')}:${p.dstPort}`;
        const key = `${name}/${p.l4Proto}/${p.vlan}/${a < b ? a + b : b + a}`;
        let slot = keys.get(key);
        if (slot === undefined) keys.set(key, (slot = keys.size));
        const bytes = burst.data.slice(p.l3Offset, p.l3Offset + p.l3Length);
        chunks.push(bytes);
        off.push(total);
        len.push(bytes.length);
        slots.push(slot);
        ts.push(burst.tsS[i] * 1000);
        total += bytes.length;
      }
    }
    src.close();
  }
  const data = new Uint8Array(total);
  chunks.forEach((c, i) => data.set(c, off[i]));
  return { data, l3Off: Uint32Array.from(off), l3Len: Uint32Array.from(len), slot: Int32Array.from(slots), ts: Float64Array.from(ts), count: off.length, flows: keys.size };
}

/** Flow state in typed arrays, as the flow table keeps it. */
class ArraySink implements FlowDpiSink {
  readonly state: Uint8Array;
  finished = 0;
  constructor(flows: number) {
    this.state = new Uint8Array(flows);
  }
  setDpiResult(slot: number, _l7: number, _cb: number, _rl: number, _rh: number, _pk: number, state: number): void {
    if (state !== DpiState.Pending && this.state[slot] === DpiState.Pending) this.finished++;
    this.state[slot] = state;
  }
  setName(): void {}
  setInfo(): void {}
}

export function runDpiEngineBenchmark(seconds = 5): void {
  const c = loadCorpus();
  const engine = new DpiEngine({ flowCapacity: c.flows, maxConcurrentFlows: 65536, batchCapacity: BURST });
  const sink = new ArraySink(c.flows);
  let gcs = 0;
  const obs = new PerformanceObserver((list) => (gcs += list.getEntries().length));
  const pass = (): number => {
    sink.state.fill(DpiState.Pending);
    let fed = 0;
    for (let i = 0; i < c.count; i += BURST) {
      const end = Math.min(i + BURST, c.count);
      for (let k = i; k < end; k++) {
        const s = c.slot[k];
        if (sink.state[s] !== DpiState.Pending) continue;
        engine.queue(s, c.l3Off[k], c.l3Len[k], c.ts[k], true);
        fed++;
      }
      engine.flush(c.data, sink);
    }
    engine.giveUpAll(sink);
    for (let s = 0; s < c.flows; s++) engine.release(s);
    return fed;
  };
  pass(); // warm-up (JIT, nDPI lazy init)
  sink.finished = 0;
  obs.observe({ entryTypes: ['gc'] });
  let fed = 0;
  let passes = 0;
  const t0 = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < seconds) {
    fed += pass();
    passes++;
    elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
  }
  obs.disconnect();
  console.log(`corpus: ${c.count} packets, ${c.flows} flows (shared nDPI captures); ${passes} passes in ${elapsed.toFixed(2)} s`);
  console.log(`packets given to nDPI: ${Math.round(fed / elapsed)} /s (${((elapsed * 1e9) / fed).toFixed(0)} ns each); flows finished: ${Math.round(sink.finished / elapsed)} /s; GCs during the loop: ${gcs}`);
  engine.close();
}

if (require.main === module) runDpiEngineBenchmark(Number(process.argv[2] ?? 5));
