/**
 * DPI leak benchmark, two parts. (1) Engine: every one of 1.2 M synthetic flows
 * through one DpiEngine (65 536 slots reused round robin, each released before
 * reuse), RSS sampled every 100 k flows: isolates nDPI and shim memory.
 * (2) Dataplane: RSS over time while the dataplane (2 workers, nDPI on)
 * analyzes the same capture with a 2 s idle timeout, so the
 * flow/host tables and the nDPI state pools fill up and then recycle. Every
 * flow type exercises a different nDPI memory path: DNS (answer parsing),
 * HTTP with response (URL, user agent and content type strings that
 * ndpi_free_flow_data must free), and single-packet unknown UDP flows that are
 * still under detection when they expire (state released without a result).
 * Prints RSS samples against progress and the growth after the tables filled.
 *
 * Run: npm run bench -w dataplane -- dpi-leak   (or node dist-bench/bench/dpi-leak.bench.js [flows])
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { END_OF_CAPTURE } from '../src/capture/capture-source';
import { PacketBurst } from '../src/capture/packet-burst';
import { PcapFileSource } from '../src/capture/pcap-file-source';
import { PcapWriter } from '../src/capture/pcap-writer';
import { Dataplane } from '../src/dataplane';
import { decodePacket } from '../src/decode/decode-packet';
import { DecodedPacket } from '../src/decode/decoded-packet';
import { DpiEngine } from '../src/dpi/classifier';
import type { FlowDpiSink } from '../src/flow/flow-table';
import { DpiState } from '../src/flow/flow-table.layout';

const ETH = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x08, 0x00];

function frame(proto: number, src: number, dst: number, l4: number[]): Uint8Array {
  const ipLen = 20 + l4.length;
  const f = new Uint8Array(14 + ipLen);
  f.set(ETH, 0);
  const ip = [0x45, 0, ipLen >> 8, ipLen & 255, 0, 0, 0, 0, 64, proto, 0, 0, src >>> 24, (src >>> 16) & 255, (src >>> 8) & 255, src & 255, dst >>> 24, (dst >>> 16) & 255, (dst >>> 8) & 255, dst & 255];
  f.set(ip, 14);
  f.set(l4, 34);
  return f;
}

const u16 = (v: number) => [v >> 8, v & 255];
const u32 = (v: number) => [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
const ascii = (s: string) => Array.from(Buffer.from(s, 'latin1'));

function udp(sport: number, dport: number, payload: number[]): number[] {
  return [...u16(sport), ...u16(dport), ...u16(8 + payload.length), 0, 0, ...payload];
}

function tcp(sport: number, dport: number, flags: number, seq: number, ack: number, payload: number[] = []): number[] {
  return [...u16(sport), ...u16(dport), ...u32(seq), ...u32(ack), 0x50, flags, 0xff, 0xff, 0, 0, 0, 0, ...payload];
}

function dnsName(name: string): number[] {
  const out: number[] = [];
  for (const l of name.split('.')) out.push(l.length, ...ascii(l));
  return [...out, 0];
}

/** Writes the synthetic capture (cached in the temp dir). */
export function buildLeakCapture(flows: number): string {
  const file = path.join(os.tmpdir(), `flowprobe-dpi-leak-${flows}.pcap`);
  if (fs.existsSync(file)) return file;
  const w = new PcapWriter(`${file}.tmp`);
  const t0 = 1_700_000_000;
  for (let i = 0; i < flows; i++) {
    const ts = t0 + i * 0.0001; // 10 000 new flows per second of packet time
    const cli = (10 << 24) | (i & 0xffffff);
    const srv = (172 << 24) | (16 << 16) | (i % 4096);
    const cport = 1024 + (i % 60000);
    switch (i % 3) {
      case 0: {
        const q = [...dnsName(`host${i}.example${i % 97}.com`), 0, 1, 0, 1];
        const id = u16(i & 0xffff);
        w.writePacket(ts, frame(17, cli, srv, udp(cport, 53, [...id, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, ...q])));
        w.writePacket(ts + 0.00002, frame(17, srv, cli, udp(53, cport, [...id, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0, ...q, 0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, ...u32(srv)])));
        break;
      }
      case 1: {
        const req = ascii(`GET /item/${i}?q=${i * 7} HTTP/1.1\r\nHost: www.site${i % 1000}.org\r\nUser-Agent: bench/${i % 50}\r\nAccept: */*\r\n\r\n`);
        const rsp = ascii(`HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nServer: bench\r\nContent-Length: 2\r\n\r\nok`);
        w.writePacket(ts, frame(6, cli, srv, tcp(cport, 80, 0x02, 1000, 0)));
        w.writePacket(ts + 0.00001, frame(6, srv, cli, tcp(80, cport, 0x12, 5000, 1001)));
        w.writePacket(ts + 0.00002, frame(6, cli, srv, tcp(cport, 80, 0x10, 1001, 5001)));
        w.writePacket(ts + 0.00003, frame(6, cli, srv, tcp(cport, 80, 0x18, 1001, 5001, req)));
        w.writePacket(ts + 0.00004, frame(6, srv, cli, tcp(80, cport, 0x18, 5001, 1001 + req.length, rsp)));
        break;
      }
      default: {
        const junk = Array.from({ length: 48 }, (_, k) => (i * 31 + k * 17) & 255);
        w.writePacket(ts, frame(17, cli, srv, udp(cport, 40000 + (i % 20000), junk)));
      }
    }
  }
  w.close();
  fs.renameSync(`${file}.tmp`, file);
  return file;
}

/** Runs the leak benchmark; returns [progress %, RSS MiB] samples. */
export async function runDpiLeakBenchmark(flows = 1_200_000): Promise<[number, number][]> {
  const file = buildLeakCapture(flows);
  const totalPackets = Math.round(flows / 3) * 2 + Math.round(flows / 3) * 5 + Math.round(flows / 3);
  console.log(`capture: ${file} (${flows} flows, ~${totalPackets} packets); 2 workers, DPI on, idle timeout 2 s, 65536 flow and host slots per shard`);
  const dp = await Dataplane.start({
    source: { kind: 'pcap', path: file },
    workers: 2,
    dpi: true,
    idleTimeoutS: 2,
    hostIdleTimeoutS: 2,
    // Small tables that fill early (the purge sweeps them once per 60 s of packet time): the
    // question is whether RSS stays flat once they are full. Packets of flows that find no slot
    // are counted as unaccounted, as designed; the engine-level run below gives every flow DPI.
    flowCapacity: 65536,
    hostCapacity: 65536,
  });
  const samples: [number, number][] = [];
  const started = Date.now();
  const timer = setInterval(() => {
    dp.updateStats(); // offline pass: idle -> ready_to_be_purged, so the workers can delete
    const s = dp.stats();
    samples.push([(100 * s.packets) / totalPackets, process.memoryUsage().rss / 2 ** 20]);
  }, 100);
  await dp.whenFinished();
  clearInterval(timer);
  const stats = dp.stats();
  await dp.stop();
  const elapsed = (Date.now() - started) / 1000;
  console.log(`analyzed ${stats.packets} packets in ${elapsed.toFixed(1)} s; unaccounted packets: ${stats.workers.reduce((a, w) => a + w.unaccounted_packets, 0)}`);
  console.log('| progress | RSS MiB |');
  console.log('| ---: | ---: |');
  let next = 0;
  for (const [p, rss] of samples) {
    if (p >= next) {
      console.log(`| ${p.toFixed(0)} % | ${rss.toFixed(0)} |`);
      next += 10;
    }
  }
  const after = samples.filter(([p]) => p >= 25);
  if (after.length > 1) {
    const first = after[0][1];
    const max = Math.max(...after.map(([, r]) => r));
    const last = after[after.length - 1][1];
    console.log(`RSS once the tables are full (25 % of the flows): ${first.toFixed(0)} MiB; max after: ${max.toFixed(0)} MiB; at the end: ${last.toFixed(0)} MiB (growth ${(last - first).toFixed(0)} MiB)`);
  }
  return samples;
}

/** Part 1: the engine alone over every flow of the capture; returns [flows, RSS MiB] samples. */
export function runEngineLeak(file: string): [number, number][] {
  const slots = 65536;
  const engine = new DpiEngine({ flowCapacity: slots, maxConcurrentFlows: slots });
  const state = new Uint8Array(slots);
  const sink: FlowDpiSink = {
    setDpiResult: (slot, _l7, _cb, _rl, _rh, _pk, st) => {
      state[slot] = st;
    },
    setName: () => undefined,
    setInfo: () => undefined,
  };
  const src = new PcapFileSource(file);
  const burst = new PacketBurst();
  const p = new DecodedPacket();
  const samples: [number, number][] = [];
  let flowIdx = -1;
  let a = -1;
  let b = -1;
  let ports = -1;
  let slot = 0;
  while (src.nextBurst(burst) !== END_OF_CAPTURE) {
    for (let i = 0; i < burst.count; i++) {
      if (decodePacket(burst.data, burst.offset[i], burst.caplen[i], burst.linkType[i], p) !== 0) continue;
      // The synthetic capture keeps each flow's packets together: a new address/port pair is a new flow.
      const pp = p.srcPort < p.dstPort ? p.srcPort * 65536 + p.dstPort : p.dstPort * 65536 + p.srcPort;
      const lo = Math.min(p.src[0], p.dst[0]);
      const hi = Math.max(p.src[0], p.dst[0]);
      if (lo !== a || hi !== b || pp !== ports) {
        a = lo;
        b = hi;
        ports = pp;
        flowIdx++;
        slot = flowIdx % slots;
        engine.release(slot);
        state[slot] = DpiState.Pending;
        if (flowIdx % 100_000 === 0) samples.push([flowIdx, process.memoryUsage().rss / 2 ** 20]);
      }
      if (state[slot] === DpiState.Pending) engine.queue(slot, p.l3Offset, p.l3Length, burst.tsS[i] * 1000, true);
    }
    engine.flush(burst.data, sink);
  }
  engine.giveUpAll(sink);
  src.close();
  samples.push([flowIdx + 1, process.memoryUsage().rss / 2 ** 20]);
  engine.close();
  console.log(`engine: ${flowIdx + 1} flows through one DpiEngine, ${engine.evictions} evictions`);
  console.log('| flows | RSS MiB |');
  console.log('| ---: | ---: |');
  for (const [f, r] of samples) console.log(`| ${f} | ${r.toFixed(0)} |`);
  const base = samples.find(([f]) => f >= 200_000);
  if (base) console.log(`engine RSS growth from 200 k flows to the end: ${(samples[samples.length - 1][1] - base[1]).toFixed(0)} MiB`);
  return samples;
}

if (require.main === module) {
  runEngineLeak(buildLeakCapture(Number(process.argv[2] ?? 1_200_000)));
  runDpiLeakBenchmark(Number(process.argv[2] ?? 1_200_000)).catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
