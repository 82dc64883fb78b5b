/**
 * Benchmark captures, generated deterministically into the git-ignored `bench-data/` folder at
 * the repository root, only when missing (then reused):
 *
 * - `large.pcap`: the Ethernet captures of `shared/pcaps/ndpi` replayed many times (about 2.5 M
 *   packets) with every IPv4/IPv6 address rewritten per copy (the same way in both directions,
 *   also inside IPv4/IPv6-in-IP tunnels), so the copies are distinct flows: hundreds of thousands
 *   of them. Nothing else is changed: checksums stay as they were.
 * - `64b-1m-flows.pcap`: 8 M 64-byte Ethernet/IPv4/UDP frames over 1,000,000 flows, both
 *   directions present for half of them, flows visited in a scattered order (hash-table stress).
 * - `real-mix.pcap` (written outside the repository, in {@link benchCacheDir}): the same real
 *   captures replayed 64 times (about 1.4 M packets) with only 8 distinct address rewrites, so
 *   every flow comes back 8 times: tens of thousands of flows, many packets each, like a link
 *   whose conversations last (the mix the 1.38 M-packet, 33 k-flow measurement had).
 *
 * A `<name>.pcap.json` sidecar records what the file holds. Written through {@link PcapWriter}
 * (large buffered writes) to a temporary name, then renamed.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { END_OF_CAPTURE } from '../src/capture/capture-source';
import { PacketBurst } from '../src/capture/packet-burst';
import { PcapFileSource } from '../src/capture/pcap-file-source';
import { PcapWriter } from '../src/capture/pcap-writer';

/** Names of the benchmark captures. */
export type BenchCaptureName = 'large' | '64b-1m-flows' | 'real-mix';

/** What a benchmark capture holds (the sidecar JSON). */
export interface BenchCaptureInfo {
  name: BenchCaptureName;
  path: string;
  packets: number;
  /** Sum of captured lengths, bytes. */
  bytes: number;
  /** Distinct flows by construction (64b-1m-flows), or the number of copies × source files (large). */
  description: string;
  /** Seconds it took to generate (0 when reused). */
  generatedInS: number;
  /** {@link BENCH_CAPTURE_VERSION} of the recipe that wrote it. */
  version: number;
}

const LARGE_TARGET_PACKETS = 2_500_000;
const REAL_MIX_COPIES = 64;
const REAL_MIX_DISTINCT = 8;
/**
 * Inter-packet gaps longer than this (seconds) are shortened: some shared captures span years.
 * 1 s keeps each copy a few minutes long, so the capture is dense like a busy link.
 */
const MAX_GAP_S = 1;
/** Bumped whenever the content recipe changes: a cached file of another version is regenerated. */
export const BENCH_CAPTURE_VERSION = 2;
/** 2026-01-05 00:00:00 UTC: start of every benchmark capture. */
const BENCH_START_S = 1767571200;
const FLOWS_1M = 1_000_000;
const PACKETS_8M = 8_000_000;
/** A prime stride, coprime with 1,000,000 (= 2^6 * 5^6): visits every flow once per round, in scattered order. */
const FLOW_STRIDE = 7919;

/** The repository root: the first folder upwards (from cwd, then from this file) whose package.json declares workspaces. */
export function findRepoRoot(): string {
  for (const start of [process.cwd(), __dirname]) {
    for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
      const pkg = path.join(dir, 'package.json');
      if (fs.existsSync(pkg) && (JSON.parse(fs.readFileSync(pkg, 'utf8')) as { workspaces?: unknown }).workspaces !== undefined) return dir;
      if (path.dirname(dir) === dir) break;
    }
  }
  throw new Error('bench-captures: cannot find the repository root (package.json with workspaces) above the current folder');
}

/** `bench-data/` at the repository root. */
export function benchDataDir(): string {
  return path.join(findRepoRoot(), 'bench-data');
}

/**
 * Benchmark captures kept outside the repository: FLOWPROBE_BENCH_CACHE, else
 * `$XDG_CACHE_HOME/flowprobe/bench` (default `~/.cache/flowprobe/bench`).
 */
export function benchCacheDir(): string {
  return process.env.FLOWPROBE_BENCH_CACHE ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'flowprobe', 'bench');
}

/** The shared nDPI captures: FLOWPROBE_PCAPS, else `../shared/pcaps/ndpi` beside the repository. */
export function sharedCapturesDir(): string {
  return process.env.FLOWPROBE_PCAPS ?? path.resolve(findRepoRoot(), '../shared/pcaps/ndpi');
}

/** Returns the capture, generating it first if missing. */
export function ensureBenchCapture(name: BenchCaptureName, dir: string = name === 'real-mix' ? benchCacheDir() : benchDataDir()): BenchCaptureInfo {
  const file = path.join(dir, `${name}.pcap`);
  const sidecar = `${file}.json`;
  if (fs.existsSync(file) && fs.existsSync(sidecar)) {
    const cached = JSON.parse(fs.readFileSync(sidecar, 'utf8')) as BenchCaptureInfo;
    if (cached.version === BENCH_CAPTURE_VERSION) return { ...cached, path: file, generatedInS: 0 };
  }
  fs.mkdirSync(dir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  const t0 = process.hrtime.bigint();
  try {
    const info =
      name === 'large'
        ? writeLargeCapture(tmp, sharedCapturesDir())
        : name === 'real-mix'
          ? writeLargeCapture(tmp, sharedCapturesDir(), 0, REAL_MIX_COPIES, REAL_MIX_DISTINCT)
          : writeUdpFlowsCapture(tmp);
    const generatedInS = Number(process.hrtime.bigint() - t0) / 1e9;
    fs.renameSync(tmp, file);
    const full: BenchCaptureInfo = { name, path: file, generatedInS, version: BENCH_CAPTURE_VERSION, ...info };
    fs.writeFileSync(sidecar, `${JSON.stringify(full, null, 2)}\n`);
    return full;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/** One source capture held in memory: frames packed in `data`, timestamps as gaps. */
interface SourceCapture {
  data: Uint8Array;
  offset: number[];
  caplen: number[];
  wirelen: number[];
  /** Seconds since the previous packet of the same file, clamped to [0, MAX_GAP_S]. */
  gapS: number[];
}

function loadEthernetCapture(file: string): SourceCapture | null {
  const src = new PcapFileSource(file);
  const burst = new PacketBurst();
  const chunks: Uint8Array[] = [];
  const out: SourceCapture = { data: new Uint8Array(0), offset: [], caplen: [], wirelen: [], gapS: [] };
  let used = 0;
  let prevTs = NaN;
  try {
    for (let n = src.nextBurst(burst); n !== END_OF_CAPTURE; n = src.nextBurst(burst)) {
      for (let i = 0; i < n; i++) {
        if (burst.linkType[i] !== 1) return null; // one output link type: Ethernet files only
        chunks.push(burst.data.slice(burst.offset[i], burst.offset[i] + burst.caplen[i]));
        out.offset.push(used);
        out.caplen.push(burst.caplen[i]);
        out.wirelen.push(burst.wirelen[i]);
        const gap = Number.isNaN(prevTs) ? 0 : burst.tsS[i] - prevTs;
        out.gapS.push(Math.min(MAX_GAP_S, Math.max(0, gap)));
        prevTs = burst.tsS[i];
        used += burst.caplen[i];
      }
    }
  } finally {
    src.close();
  }
  out.data = new Uint8Array(used);
  let o = 0;
  for (const c of chunks) {
    out.data.set(c, o);
    o += c.length;
  }
  return out;
}

/** XORs the low 16 bits of both addresses of the IP header at `off` (and of an IP-in-IP inner header) with `mask`. */
function rewriteIp(f: Uint8Array, off: number, end: number, mask: number, depth: number): void {
  if (off + 20 > end || depth > 2) return;
  const hi = mask >>> 8;
  const lo = mask & 0xff;
  const version = f[off] >>> 4;
  if (version === 4) {
    f[off + 14] ^= hi;
    f[off + 15] ^= lo;
    f[off + 18] ^= hi;
    f[off + 19] ^= lo;
    const firstFragment = (((f[off + 6] & 0x1f) << 8) | f[off + 7]) === 0;
    const proto = f[off + 9];
    if (firstFragment && (proto === 4 || proto === 41)) rewriteIp(f, off + (f[off] & 0x0f) * 4, end, mask, depth + 1);
  } else if (version === 6 && off + 40 <= end) {
    f[off + 22] ^= hi;
    f[off + 23] ^= lo;
    f[off + 38] ^= hi;
    f[off + 39] ^= lo;
    const next = f[off + 6];
    if (next === 4 || next === 41) rewriteIp(f, off + 40, end, mask, depth + 1);
  }
}

/** Finds the IP header behind Ethernet, VLAN/QinQ, MPLS and PPPoE, and rewrites its addresses. */
function rewriteEthernetFrame(f: Uint8Array, start: number, end: number, mask: number): void {
  let off = start + 14;
  if (off > end) return;
  let etype = (f[off - 2] << 8) | f[off - 1];
  while ((etype === 0x8100 || etype === 0x88a8 || etype === 0x9100) && off + 4 <= end) {
    etype = (f[off + 2] << 8) | f[off + 3];
    off += 4;
  }
  if (etype === 0x8847 || etype === 0x8848) {
    while (off + 4 <= end && (f[off + 2] & 1) === 0) off += 4; // MPLS labels up to bottom-of-stack
    off += 4;
  } else if (etype === 0x8864) {
    off += 8; // PPPoE session header + PPP protocol; the IP version nibble tells what follows
  } else if (etype !== 0x0800 && etype !== 0x86dd) {
    return;
  }
  rewriteIp(f, off, end, mask, 0);
}

/** What a writer reports (the sidecar without name, path and time). */
export type BenchCaptureContents = Omit<BenchCaptureInfo, 'name' | 'path' | 'generatedInS' | 'version'>;

/**
 * Writes `large` (see the file comment): as many copies of the Ethernet captures of
 * `capturesDir` as needed to reach `targetPackets` (or `copies` of them); copy k XORs the low
 * 16 bits of every address with ((k mod `distinct`) * 40503) mod 2^16.
 */
export function writeLargeCapture(file: string, capturesDir: string, targetPackets = LARGE_TARGET_PACKETS, copies = 0, distinct = Infinity): BenchCaptureContents {
  const sources: SourceCapture[] = [];
  for (const name of fs.readdirSync(capturesDir).sort()) {
    const p = path.join(capturesDir, name);
    if (!fs.statSync(p).isFile()) continue;
    const cap = loadEthernetCapture(p);
    if (cap !== null) sources.push(cap);
  }
  const perCopy = sources.reduce((a, s) => a + s.caplen.length, 0);
  if (perCopy === 0) throw new Error(`bench-captures: no Ethernet capture in ${capturesDir}`);
  if (copies === 0) copies = Math.ceil(targetPackets / perCopy);
  const writer = new PcapWriter(file, { linkType: 1, bufferBytes: 32 * 1024 * 1024 });
  const scratch = new Uint8Array(262144);
  let bytes = 0;
  let tsS = BENCH_START_S;
  try {
    for (let k = 0; k < copies; k++) {
      // 40503 is odd, so k -> k * 40503 mod 2^16 is a bijection: every copy gets its own mask (copy 0 keeps the originals).
      const mask = ((k % distinct) * 40503) & 0xffff;
      for (const s of sources) {
        tsS += 0.001;
        for (let i = 0; i < s.caplen.length; i++) {
          const len = s.caplen[i];
          scratch.set(s.data.subarray(s.offset[i], s.offset[i] + len), 0);
          if (mask !== 0) rewriteEthernetFrame(scratch, 0, len, mask);
          tsS += s.gapS[i];
          writer.writePacket(tsS, scratch, 0, len, s.wirelen[i]);
          bytes += len;
        }
      }
    }
  } finally {
    writer.close();
  }
  const rewrites = distinct < copies ? `${distinct} distinct address rewrites (each flow ${copies / distinct} times)` : 'addresses rewritten per copy';
  return { packets: writer.packets, bytes, description: `${copies} copies of ${sources.length} Ethernet captures from ${capturesDir}, ${rewrites}` };
}

/**
 * Writes `64b-1m-flows` (see the file comment): `packets` 64-byte UDP frames over `flows` flows
 * (`flows` must be coprime with 7919 and `packets` a multiple of 2 * `flows` for the two-direction split).
 */
export function writeUdpFlowsCapture(file: string, flows = FLOWS_1M, packets = PACKETS_8M): BenchCaptureContents {
  const writer = new PcapWriter(file, { linkType: 1, bufferBytes: 32 * 1024 * 1024 });
  const frame = new Uint8Array(64);
  const v = new DataView(frame.buffer);
  // Ethernet: locally administered MACs; IPv4 header of 20 bytes, UDP header of 8, 22 bytes of payload.
  frame.set([0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x08, 0x00], 0);
  frame.set([0x45, 0, 0, 50, 0, 0, 0, 0, 64, 17, 0, 0], 14);
  v.setUint16(38, 30); // UDP length
  try {
    for (let j = 0; j < packets; j++) {
      const flow = (j * FLOW_STRIDE) % flows;
      const round = Math.floor(j / flows);
      // Even flows alternate direction each round (both directions seen); odd flows only client -> server.
      const reply = flow % 2 === 0 && round % 2 === 1;
      const client = 0x0a000000 + flow; // 10.0.0.0/8: one client address per flow
      const server = 0xac100000 + (flow % 4096); // 172.16.0.0/20
      const cport = 1024 + (flow % 60000);
      const sport = 5000 + (flow % 1000);
      v.setUint32(26, reply ? server : client);
      v.setUint32(30, reply ? client : server);
      v.setUint16(34, reply ? sport : cport);
      v.setUint16(36, reply ? cport : sport);
      v.setUint16(18, j & 0xffff); // IP id
      v.setUint16(24, 0);
      v.setUint16(24, ipv4HeaderChecksum(frame, 14));
      writer.writePacket(BENCH_START_S + j * 1e-6, frame);
    }
  } finally {
    writer.close();
  }
  return { packets: writer.packets, bytes: packets * 64, description: `${flows} UDP flows (half of them with both directions), ${packets} packets of 64 bytes` };
}

function ipv4HeaderChecksum(f: Uint8Array, off: number): number {
  let s = 0;
  for (let i = off; i < off + 20; i += 2) s += (f[i] << 8) | f[i + 1];
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return ~s & 0xffff;
}

/** `node bench-captures.js NAME...`: generates the captures if missing and prints their paths (for the shell benchmarks). */
if (require.main === module) {
  for (const name of process.argv.slice(2)) {
    if (name !== 'large' && name !== '64b-1m-flows' && name !== 'real-mix') throw new Error(`unknown benchmark capture '${name}'`);
    console.log(ensureBenchCapture(name).path);
  }
}
