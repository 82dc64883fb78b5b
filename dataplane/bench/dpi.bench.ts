/**
 * DPI throughput: `flowprobe analyze` with nDPI on (1 and 2 workers, and 2
 * workers without DPI for reference) against Debian's `ndpiReader -i` on the
 * same large capture, in the same run. Prints packets/s, Gbit/s, the ratio to
 * ndpiReader and the share of flows each classified.
 *
 * The capture (≥ 1 M packets) is built deterministically from the shared nDPI
 * captures: every Ethernet packet, copied N times with the innermost IP
 * addresses rewritten per copy (so each copy is a new set of flows) and
 * timestamps re-spaced 10 µs apart. Cached in the temp dir.
 *
 * Run: npm run bench -w dataplane -- dpi     (or node dist-bench/bench/dpi.bench.js [minPackets])
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { END_OF_CAPTURE } from '../src/capture/capture-source';
import { PacketBurst } from '../src/capture/packet-burst';
import { PcapFileSource } from '../src/capture/pcap-file-source';
import { PcapWriter } from '../src/capture/pcap-writer';
import { analyzeCapture } from '../src/dataplane';
import { decodePacket } from '../src/decode/decode-packet';
import { DecodedPacket } from '../src/decode/decoded-packet';

/** The shared captures: FLOWPROBE_PCAPS, else `../../shared/pcaps/ndpi` from dataplane/ (where the bench runner starts us). */
const capturesDir = process.env.FLOWPROBE_PCAPS ?? path.resolve(process.cwd(), '../../shared/pcaps/ndpi');

interface Template {
  bytes: Uint8Array[];
  l3: number[];
  ipv: number[];
}

/** Every decodable Ethernet packet of the shared captures, with its innermost IP header offset. */
function loadTemplate(): Template {
  const t: Template = { bytes: [], l3: [], ipv: [] };
  const burst = new PacketBurst();
  const p = new DecodedPacket();
  for (const name of fs.readdirSync(capturesDir).sort()) {
    const file = path.join(capturesDir, name);
    if (!fs.statSync(file).isFile()) continue;
    const src = new PcapFileSource(file);
    try {
      while (src.nextBurst(burst) !== END_OF_CAPTURE) {
        for (let i = 0; i < burst.count; i++) {
          if (burst.linkType[i] !== 1) continue;
          const off = burst.offset[i];
          if (decodePacket(burst.data, off, burst.caplen[i], 1, p) !== 0) continue;
          t.bytes.push(burst.data.slice(off, off + burst.caplen[i]));
          t.l3.push(p.l3Offset - off);
          t.ipv.push(p.ipVersion);
        }
      }
    } finally {
      src.close();
    }
  }
  return t;
}

/** Builds (or reuses) the benchmark capture; returns its path and packet count. */
export function buildDpiBenchCapture(minPackets = 1_000_000): { file: string; packets: number } {
  const t = loadTemplate();
  const copies = Math.ceil(minPackets / t.bytes.length);
  const file = path.join(os.tmpdir(), `flowprobe-dpi-bench-${copies}x${t.bytes.length}.pcap`);
  const packets = copies * t.bytes.length;
  if (fs.existsSync(file)) return { file, packets };
  const w = new PcapWriter(`${file}.tmp`);
  let ts = 1_700_000_000;
  for (let c = 0; c < copies; c++) {
    for (let i = 0; i < t.bytes.length; i++) {
      const b = t.bytes[i];
      const l3 = t.l3[i];
      // Copy c: XOR the second address byte of source and destination with c (both
      // directions change alike, so flows stay flows), the third with c >> 8.
      const s = t.ipv[i] === 4 ? l3 + 12 : l3 + 8;
      const d = t.ipv[i] === 4 ? l3 + 16 : l3 + 24;
      const x1 = c & 255;
      const x2 = (c >> 8) & 255;
      b[s + 1] ^= x1;
      b[s + 2] ^= x2;
      b[d + 1] ^= x1;
      b[d + 2] ^= x2;
      w.writePacket(ts, b);
      b[s + 1] ^= x1;
      b[s + 2] ^= x2;
      b[d + 1] ^= x1;
      b[d + 2] ^= x2;
      ts += 0.00001;
    }
  }
  w.close();
  fs.renameSync(`${file}.tmp`, file);
  return { file, packets };
}

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
  const r = await analyzeCapture({ kind: 'pcap', path: file }, { workers, dpi, flowCapacity: 1 << 20 });
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

/** Runs the comparison; returns the rows (also printed). */
export async function runDpiBenchmark(minPackets = 1_000_000): Promise<DpiBenchRow[]> {
  const { file, packets } = buildDpiBenchCapture(minPackets);
  const bytes = fs.statSync(file).size - 24 - 16 * packets;
  console.log(`capture: ${file} (${packets} packets, ${(bytes / 1e6).toFixed(0)} MB of frames)`);
  const rows: DpiBenchRow[] = [];
  rows.push(ndpiReaderRun(file, bytes, packets));
  rows.push(await flowprobeRun(file, bytes, 1, true));
  rows.push(await flowprobeRun(file, bytes, 2, true));
  rows.push(await flowprobeRun(file, bytes, 2, false));
  const ref = rows[0].pps;
  console.log('| tool | packets | s | packets/s | Gbit/s | vs ndpiReader | flows classified |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows) {
    console.log(`| ${r.tool} | ${r.packets} | ${r.seconds.toFixed(2)} | ${Math.round(r.pps)} | ${r.gbps.toFixed(2)} | ${(r.pps / ref).toFixed(2)}x | ${r.classified} |`);
  }
  return rows;
}

if (require.main === module) {
  runDpiBenchmark(Number(process.argv[2] ?? 1_000_000)).catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
