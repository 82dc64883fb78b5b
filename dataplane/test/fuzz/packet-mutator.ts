import * as fs from 'node:fs';
import * as path from 'node:path';
import { END_OF_CAPTURE } from '../../src/capture/capture-source';
import { LinkType, PacketBurst } from '../../src/capture/packet-burst';
import { PcapFileSource } from '../../src/capture/pcap-file-source';
import { PcapWriter } from '../../src/capture/pcap-writer';
import { decodePacket } from '../../src/decode/decode-packet';
import { DecodedPacket } from '../../src/decode/decoded-packet';

/**
 * Structure-aware packet mutator for the pipeline fuzzer (docs/fuzzing.md).
 *
 * The corpus is every packet of every shared capture: the innermost IP packet
 * (after any tunnel) re-framed in Ethernet, plus the original frame of
 * Ethernet captures (link layers, VLANs and tunnels for the decoder). The
 * generator replays windows of consecutive packets of one capture with
 * rewritten addresses (new flows each window, so nDPI sees whole
 * conversations), and mutates a share of them with mutations that know the
 * headers: IP lengths, IPv4 options, IPv6 extension headers, IPv4/IPv6
 * fragments, TCP header / options / sequence numbers, UDP lengths, TLS records
 * and handshake lengths, DNS counts / labels / compression pointers, QUIC
 * long/short headers and varints, port changes that send a payload to another
 * dissector, payload splices, truncation, extension and byte flips. Most
 * mutated packets get their IP/UDP lengths fixed afterwards so they pass the
 * shim's well-formedness check and reach nDPI's dissectors.
 */

/** One corpus packet: an Ethernet frame and where its (innermost) IP header starts. */
interface CorpusPacket {
  frame: Uint8Array;
  l3: number;
  /** Original inter-packet gap, seconds (clipped). */
  gap: number;
}

interface CorpusCapture {
  name: string;
  packets: CorpusPacket[];
}

export interface Corpus {
  captures: CorpusCapture[];
  /** L4 payloads by kind, for splices. */
  pools: { tls: Uint8Array[]; dns: Uint8Array[]; quic: Uint8Array[]; http: Uint8Array[]; any: Uint8Array[] };
  packets: number;
}

const ETH_HEADER = 14;
const MAX_PACKET = 65535;
const WELL_KNOWN_PORTS = [53, 80, 443, 5353, 5355, 137, 138, 161, 162, 67, 68, 123, 1900, 3478, 4789, 2152, 5246, 8080, 22, 25, 110, 143, 445, 1194, 3389, 5060, 6881, 8443, 853, 784, 5222, 1723, 500, 4500, 19302, 27015];
const PROTOCOLS = [6, 17, 1, 58, 47, 132, 50, 51, 0, 4, 41, 43, 44, 60, 255, 2, 89];

/** Reads every capture of `dir` (recursively) into a corpus. */
export function loadCorpus(dir: string): Corpus {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(pcap|pcapng|cap)$/i.test(e.name)) files.push(p);
    }
  };
  walk(dir);
  const corpus: Corpus = { captures: [], pools: { tls: [], dns: [], quic: [], http: [], any: [] }, packets: 0 };
  const burst = new PacketBurst();
  const p = new DecodedPacket();
  for (const file of files) {
    const cap: CorpusCapture = { name: path.basename(file), packets: [] };
    let src: PcapFileSource;
    try {
      src = new PcapFileSource(file);
    } catch {
      continue;
    }
    let lastTs = 0;
    try {
      while (src.nextBurst(burst) !== END_OF_CAPTURE) {
        for (let i = 0; i < burst.count; i++) {
          const off = burst.offset[i];
          const len = burst.caplen[i];
          const ts = burst.tsS[i];
          const gap = lastTs === 0 ? 0 : Math.min(0.5, Math.max(0, ts - lastTs));
          lastTs = ts;
          if (decodePacket(burst.data, off, len, burst.linkType[i], p) !== 0) continue;
          const ip = burst.data.slice(p.l3Offset, p.l3Offset + p.l3Length);
          const frame = new Uint8Array(ETH_HEADER + ip.length);
          frame.set([0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2], 0);
          frame[12] = p.ipVersion === 4 ? 0x08 : 0x86;
          frame[13] = p.ipVersion === 4 ? 0x00 : 0xdd;
          frame.set(ip, ETH_HEADER);
          cap.packets.push({ frame, l3: ETH_HEADER, gap });
          // Ethernet captures with something between the MAC header and the IP header (VLAN, tunnel): keep the original too.
          if (burst.linkType[i] === LinkType.Ethernet && p.l3Offset - off !== ETH_HEADER) {
            cap.packets.push({ frame: burst.data.slice(off, off + len), l3: p.l3Offset - off, gap: 0 });
          }
          const pl = burst.data.subarray(p.payloadOffset, p.payloadOffset + p.payloadLength);
          if (pl.length > 0) {
            const copy = pl.slice();
            if (corpus.pools.any.length < 20000) corpus.pools.any.push(copy);
            if (p.l4Proto === 6 && pl[0] === 0x16 && pl[1] === 3) corpus.pools.tls.push(copy);
            else if (p.l4Proto === 17 && (p.srcPort === 53 || p.dstPort === 53 || p.srcPort === 5353 || p.dstPort === 5353)) corpus.pools.dns.push(copy);
            else if (p.l4Proto === 17 && (pl[0] & 0x80) !== 0 && (p.srcPort === 443 || p.dstPort === 443)) corpus.pools.quic.push(copy);
            else if (p.l4Proto === 6 && /^(GET |POST|HTTP|HEAD|PUT )/.test(String.fromCharCode(...pl.subarray(0, 5)))) corpus.pools.http.push(copy);
          }
        }
      }
    } catch {
      /* a capture the reader stops on: keep what came before */
    } finally {
      src.close();
    }
    if (cap.packets.length > 0) {
      corpus.captures.push(cap);
      corpus.packets += cap.packets.length;
    }
  }
  return corpus;
}

/** Deterministic PRNG (xorshift32) so a seed reproduces a capture. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 0x9e3779b9;
  }
  u32(): number {
    let x = this.s;
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    this.s = x;
    return x;
  }
  /** Integer in [0, n). */
  int(n: number): number {
    return n <= 0 ? 0 : this.u32() % n;
  }
  chance(p: number): boolean {
    return this.u32() / 4294967296 < p;
  }
  pick<T>(a: readonly T[]): T {
    return a[this.int(a.length)];
  }
  /** A boundary value around `v` or in the field's range. */
  boundary(v: number, max: number): number {
    switch (this.int(9)) {
      case 0:
        return 0;
      case 1:
        return max;
      case 2:
        return Math.max(0, v - 1);
      case 3:
        return Math.min(max, v + 1);
      case 4:
        return Math.min(max, v + 1 + this.int(64));
      case 5:
        return Math.max(0, v - 1 - this.int(64));
      case 6:
        return max >>> 1;
      case 7:
        return Math.min(max, v * 2);
      default:
        return this.int(max + 1);
    }
  }
}

/** A packet being mutated: `b[0, n)` is the IP packet. */
class Pkt {
  readonly b = new Uint8Array(MAX_PACKET + 64);
  n = 0;
  load(src: Uint8Array): void {
    this.n = Math.min(src.length, MAX_PACKET);
    this.b.set(src.subarray(0, this.n), 0);
  }
  get v(): number {
    return this.n > 0 ? this.b[0] >> 4 : 0;
  }
  /** IP header length (IPv4 IHL, 40 for IPv6), or -1. */
  ipHeader(): number {
    if (this.v === 4 && this.n >= 20) return (this.b[0] & 0x0f) * 4;
    if (this.v === 6 && this.n >= 40) return 40;
    return -1;
  }
  proto(): number {
    return this.v === 4 ? this.b[9] : this.v === 6 ? this.b[6] : -1;
  }
  setProto(p: number): void {
    if (this.v === 4) this.b[9] = p;
    else if (this.v === 6) this.b[6] = p;
  }
  /** Offset of the L4 payload (TCP/UDP), or -1. */
  payload(): number {
    const h = this.ipHeader();
    if (h < 20 || h > this.n) return -1;
    const pr = this.proto();
    if (pr === 17 && this.n >= h + 8) return h + 8;
    if (pr === 6 && this.n >= h + 20) {
      const th = (this.b[h + 12] >> 4) * 4;
      return th >= 20 && this.n >= h + th ? h + th : -1;
    }
    return -1;
  }
  u16(o: number): number {
    return (this.b[o] << 8) | this.b[o + 1];
  }
  set16(o: number, v: number): void {
    if (o + 1 >= this.n) return;
    this.b[o] = (v >> 8) & 0xff;
    this.b[o + 1] = v & 0xff;
  }
  /** Inserts `k` bytes at `o` (contents left as they were: caller fills them). */
  insert(o: number, k: number): boolean {
    if (this.n + k > MAX_PACKET || o > this.n) return false;
    this.b.copyWithin(o + k, o, this.n);
    this.n += k;
    return true;
  }
  remove(o: number, k: number): void {
    if (o + k > this.n) return;
    this.b.copyWithin(o, o + k, this.n);
    this.n -= k;
  }
  /** Makes IPv4 total length / IPv6 payload length and the UDP length match the bytes present. */
  fixLengths(): void {
    const h = this.ipHeader();
    if (h < 20 || h > this.n) return;
    if (this.v === 4) this.set16(2, this.n);
    else this.set16(4, this.n - 40);
    if (this.proto() === 17 && this.n >= h + 8) this.set16(h + 4, this.n - h);
  }
}

type Mutation = (p: Pkt, r: Rng, c: Corpus, extra: Uint8Array[]) => void;

function ipLength(p: Pkt, r: Rng): void {
  if (p.v === 4) p.set16(2, r.boundary(p.u16(2), 0xffff));
  else if (p.v === 6) p.set16(4, r.boundary(p.u16(4), 0xffff));
}

function ipv4Options(p: Pkt, r: Rng): void {
  if (p.v !== 4 || p.n < 20) return;
  const cur = (p.b[0] & 0x0f) * 4;
  const k = 4 * (1 + r.int(10));
  if (cur + k > 60 || !p.insert(cur, k)) return;
  let o = cur;
  const end = cur + k;
  while (o < end) {
    const kind = r.pick([0, 1, 7, 68, 130, 131, 137, 148, 25, 0x86, r.int(256)]);
    p.b[o++] = kind;
    if (kind <= 1 || o >= end) continue;
    const len = r.chance(0.5) ? r.boundary(4, 40) : Math.min(end - o + 1, 2 + r.int(12));
    p.b[o++] = len;
    for (let i = 2; i < len && o < end; i++) p.b[o++] = r.int(256);
  }
  const ihl = r.chance(0.8) ? (cur + k) / 4 : r.int(16);
  p.b[0] = 0x40 | ihl;
}

function ipv6Extension(p: Pkt, r: Rng): void {
  if (p.v !== 6 || p.n < 40) return;
  const kind = r.pick([0, 60, 43, 44, 51, 135, 139]);
  const units = kind === 44 ? 0 : r.int(4);
  const k = 8 + units * 8;
  if (!p.insert(40, k)) return;
  p.b[40] = p.b[6]; // next header: the old one
  p.b[41] = r.chance(0.8) ? units : r.int(256);
  for (let i = 2; i < k; i++) p.b[40 + i] = r.chance(0.5) ? 0 : r.int(256);
  if (kind === 44) {
    // fragment header: offset and M flag
    const off = r.chance(0.5) ? 0 : r.int(8192);
    p.set16(42, (off << 3) | (r.chance(0.5) ? 1 : 0));
  }
  p.b[6] = kind;
}

/** Splits an IPv4 packet into fragments (valid, overlapping, tiny, missing or reordered). */
function ipv4Fragments(p: Pkt, r: Rng, _c: Corpus, extra: Uint8Array[]): void {
  const h = p.ipHeader();
  if (p.v !== 4 || h < 20 || p.n <= h + 8) return;
  const body = p.n - h;
  const cut = r.chance(0.3) ? 8 : 8 * (1 + r.int(Math.max(1, Math.floor((body - 1) / 8))));
  if (cut >= body) return;
  const whole = p.b.slice(0, p.n);
  const frag = (from: number, to: number, more: boolean): Uint8Array => {
    const f = new Uint8Array(h + (to - from));
    f.set(whole.subarray(0, h), 0);
    f.set(whole.subarray(h + from, h + to), h);
    f[2] = (f.length >> 8) & 0xff;
    f[3] = f.length & 0xff;
    const fo = (from >> 3) | (more ? 0x2000 : 0);
    f[6] = (fo >> 8) & 0xff;
    f[7] = fo & 0xff;
    return f;
  };
  const overlap = r.chance(0.2) ? 8 : 0;
  const first = frag(0, cut, true);
  const second = frag(Math.max(0, cut - overlap), body, false);
  const order = r.int(4);
  // The packet being mutated becomes one fragment; the other one (if any) follows it.
  const [a, b] = order === 0 ? [second, first] : [first, second];
  p.load(a);
  if (order !== 3) extra.push(b); // order 3: the second fragment never arrives
}

function ipv6Fragments(p: Pkt, r: Rng, _c: Corpus, extra: Uint8Array[]): void {
  if (p.v !== 6 || p.n <= 48) return;
  const body = p.n - 40;
  const cut = 8 * (1 + r.int(Math.max(1, Math.floor((body - 1) / 8))));
  if (cut >= body) return;
  const whole = p.b.slice(0, p.n);
  const id = r.u32();
  const frag = (from: number, to: number, more: boolean): Uint8Array => {
    const f = new Uint8Array(48 + (to - from));
    f.set(whole.subarray(0, 40), 0);
    f[6] = 44;
    f[40] = whole[6];
    f[42] = ((from >> 3) >> 5) & 0xff;
    f[43] = (((from >> 3) & 0x1f) << 3) | (more ? 1 : 0);
    f[44] = id >>> 24;
    f[45] = (id >>> 16) & 0xff;
    f[46] = (id >>> 8) & 0xff;
    f[47] = id & 0xff;
    f.set(whole.subarray(40 + from, 40 + to), 48);
    f[4] = ((f.length - 40) >> 8) & 0xff;
    f[5] = (f.length - 40) & 0xff;
    return f;
  };
  const first = frag(0, cut, true);
  const second = frag(cut, body, false);
  p.load(r.chance(0.3) ? second : first);
  if (r.chance(0.7)) extra.push(r.chance(0.5) ? second : first);
}

function protoSwap(p: Pkt, r: Rng): void {
  p.setProto(r.pick(PROTOCOLS));
}

function tcpHeader(p: Pkt, r: Rng): void {
  const h = p.ipHeader();
  if (p.proto() !== 6 || h < 20 || p.n < h + 20) return;
  switch (r.int(5)) {
    case 0:
      p.b[h + 12] = (r.int(16) << 4) | (p.b[h + 12] & 0x0f);
      break;
    case 1:
      p.b[h + 13] = r.int(256);
      break;
    case 2: {
      // sequence number: jumps (TLS reassembly), wrap-around, zero
      const jump = r.pick([1, 2, 100, 1460, 65535, 0x7fffffff, 0x80000000, 0xffffffff, r.u32()]);
      const seq = (((p.b[h + 4] << 24) | (p.b[h + 5] << 16) | (p.b[h + 6] << 8) | p.b[h + 7]) + (r.chance(0.5) ? jump : -jump)) >>> 0;
      p.b[h + 4] = seq >>> 24;
      p.b[h + 5] = (seq >>> 16) & 0xff;
      p.b[h + 6] = (seq >>> 8) & 0xff;
      p.b[h + 7] = seq & 0xff;
      break;
    }
    case 3:
      for (let i = 8; i < 12; i++) p.b[h + i] = r.int(256);
      break;
    default:
      p.b[h + 13] = r.pick([0x02, 0x12, 0x10, 0x18, 0x11, 0x04, 0x14, 0x01, 0x29, 0xff, 0]);
  }
}

function tcpOptions(p: Pkt, r: Rng): void {
  const h = p.ipHeader();
  if (p.proto() !== 6 || h < 20 || p.n < h + 20) return;
  const cur = (p.b[h + 12] >> 4) * 4;
  if (cur < 20 || h + cur > p.n) return;
  const k = 4 * (1 + r.int(10));
  if (cur + k > 60 || !p.insert(h + cur, k)) return;
  let o = h + cur;
  const end = o + k;
  while (o < end) {
    const kind = r.pick([0, 1, 2, 3, 4, 5, 8, 28, 29, 30, 34, 254, r.int(256)]);
    p.b[o++] = kind;
    if (kind <= 1 || o >= end) continue;
    const std = kind === 2 ? 4 : kind === 3 ? 3 : kind === 4 ? 2 : kind === 8 ? 10 : kind === 5 ? 10 : 4;
    const len = r.chance(0.5) ? std : r.boundary(std, 255);
    p.b[o++] = len;
    for (let i = 2; i < len && o < end; i++) p.b[o++] = r.int(256);
  }
  p.b[h + 12] = (((cur + k) / 4) << 4) | (p.b[h + 12] & 0x0f);
}

function udpLength(p: Pkt, r: Rng): void {
  const h = p.ipHeader();
  if (p.proto() !== 17 || h < 20 || p.n < h + 8) return;
  p.set16(h + 4, r.boundary(p.n - h, 0xffff));
}

function retargetPort(p: Pkt, r: Rng): void {
  const h = p.ipHeader();
  const pr = p.proto();
  if ((pr !== 6 && pr !== 17) || h < 20 || p.n < h + 4) return;
  p.set16(h + (r.chance(0.5) ? 0 : 2), r.chance(0.8) ? r.pick(WELL_KNOWN_PORTS) : r.int(65536));
}

/** Replaces the L4 payload with one from the corpus (TLS/DNS/QUIC/HTTP), maybe cut. */
function splicePayload(p: Pkt, r: Rng, c: Corpus): void {
  const o = p.payload();
  if (o < 0) return;
  const pool = r.pick([c.pools.tls, c.pools.dns, c.pools.quic, c.pools.http, c.pools.any]);
  if (pool.length === 0) return;
  const src = r.pick(pool);
  const len = r.chance(0.7) ? src.length : r.int(src.length + 1);
  if (o + len > MAX_PACKET) return;
  p.b.set(src.subarray(0, len), o);
  p.n = o + len;
  if (r.chance(0.5)) {
    const h = p.ipHeader();
    const port = pool === c.pools.dns ? 53 : pool === c.pools.http ? 80 : 443;
    p.set16(h + (r.chance(0.5) ? 0 : 2), port);
  }
}

/** TLS record / handshake / ClientHello field lengths. */
function tlsRecord(p: Pkt, r: Rng): void {
  const o = p.payload();
  if (o < 0 || p.n < o + 5) return;
  const b = p.b;
  if (!(b[o] >= 20 && b[o] <= 24 && b[o + 1] === 3)) {
    if (!r.chance(0.3)) return;
    b[o] = 0x16;
    b[o + 1] = 3;
  }
  const field = r.int(8);
  if (field === 0) p.set16(o + 3, r.boundary(p.u16(o + 3), 0xffff));
  else if (field === 1) b[o] = r.pick([20, 21, 22, 23, 24, 25, 0, 0xff]);
  else if (field === 2) p.set16(o + 1, r.pick([0x0300, 0x0301, 0x0302, 0x0303, 0x0304, 0x7f1c, 0xfefd, 0xfeff, r.int(65536)]));
  else if (field === 3) {
    // two records in one segment / a record cut in the middle
    if (p.n > o + 10 && p.insert(o + 5 + r.int(p.n - o - 5), 5)) {
      const at = o + 5 + r.int(p.n - o - 10);
      b[at] = r.pick([0x16, 0x17, 0x14, 0x15]);
      b[at + 1] = 3;
      b[at + 2] = r.int(5);
      p.set16(at + 3, r.boundary(100, 0x4800));
    }
  } else if (p.n >= o + 9 && b[o] === 0x16) {
    // handshake: type, 24-bit length, then ClientHello/ServerHello fields
    const hs = o + 5;
    if (field === 4) {
      const len = r.boundary((b[hs + 1] << 16) | (b[hs + 2] << 8) | b[hs + 3], 0xffffff);
      b[hs + 1] = len >>> 16;
      b[hs + 2] = (len >>> 8) & 0xff;
      b[hs + 3] = len & 0xff;
    } else if (field === 5) b[hs] = r.pick([1, 2, 4, 8, 11, 12, 13, 14, 15, 16, 20, 0, 0xff]);
    else {
      // walk a hello: version(2) random(32) session id, [cookie,] ciphers, compression, extensions
      let q = hs + 4 + 2 + 32;
      if (q >= p.n) return;
      if (r.chance(0.2)) {
        b[q] = r.boundary(b[q], 255);
        return;
      }
      q += 1 + b[q];
      if (q + 2 > p.n) return;
      if (b[hs] === 1) {
        if (r.chance(0.2)) {
          p.set16(q, r.boundary(p.u16(q), 0xffff));
          return;
        }
        q += 2 + p.u16(q);
        if (q >= p.n) return;
        if (r.chance(0.2)) {
          b[q] = r.boundary(b[q], 255);
          return;
        }
        q += 1 + b[q];
      } else q += 3;
      if (q + 2 > p.n) return;
      if (r.chance(0.2)) {
        p.set16(q, r.boundary(p.u16(q), 0xffff));
        return;
      }
      q += 2;
      // extensions: pick one and break its length or the inner lengths of SNI / ALPN
      const exts: number[] = [];
      while (q + 4 <= p.n && exts.length < 64) {
        exts.push(q);
        q += 4 + p.u16(q + 2);
      }
      if (exts.length === 0) return;
      const e = r.pick(exts);
      const t = p.u16(e);
      if ((t === 0 || t === 16 || t === 43 || t === 51 || t === 13) && e + 8 < p.n && r.chance(0.6)) {
        p.set16(e + 4 + (r.chance(0.5) ? 0 : 3), r.boundary(p.u16(e + 4), 0xffff));
      } else if (r.chance(0.5)) p.set16(e + 2, r.boundary(p.u16(e + 2), 0xffff));
      else p.set16(e, r.pick([0, 10, 11, 13, 16, 21, 35, 43, 45, 51, 0x4469, 0xff01, 0x0039, 0xffce, r.int(65536)]));
    }
  }
}

/** DNS counts, label lengths and compression pointers (loops, forward, out of range). */
function dnsMessage(p: Pkt, r: Rng): void {
  const o = p.payload();
  if (o < 0 || p.n < o + 12 || p.proto() !== 17) return;
  const b = p.b;
  const field = r.int(6);
  if (field === 0) p.set16(o + 4 + 2 * r.int(4), r.boundary(p.u16(o + 4), 0xffff));
  else if (field === 1) p.set16(o + 2, r.int(65536)); // flags: QR, opcode, rcode
  else {
    // labels of the question name
    const labels: number[] = [];
    let q = o + 12;
    while (q < p.n && b[q] !== 0 && labels.length < 64) {
      labels.push(q);
      if ((b[q] & 0xc0) === 0xc0) break;
      q += 1 + b[q];
    }
    const at = labels.length > 0 ? r.pick(labels) : o + 12;
    if (at + 1 >= p.n) return;
    if (field === 2) b[at] = r.pick([0, 1, 63, 64, 0x7f, 0xff, r.int(256)]);
    else if (field === 3) {
      // compression pointer to itself, to the header, forward, past the end
      const target = r.pick([at - o, 0, 12, p.n - o + 10, 0x3fff, r.int(0x4000)]);
      b[at] = 0xc0 | ((target >> 8) & 0x3f);
      b[at + 1] = target & 0xff;
    } else if (field === 4) {
      // a very long name: many labels
      const k = 64 * (1 + r.int(8));
      if (!p.insert(at, k)) return;
      for (let i = 0; i < k; i += 2) {
        b[at + i] = 1;
        b[at + i + 1] = 0x61 + r.int(26);
      }
    } else {
      // answer section: a record with a broken rdlength
      if (q + 5 < p.n) p.set16(q + 5 + r.int(8), r.boundary(4, 0xffff));
    }
  }
}

function varint(p: Pkt, o: number, r: Rng): void {
  const forms = [0x00, 0x3f, 0x40, 0x7f, 0x80, 0xbf, 0xc0, 0xff];
  p.b[o] = r.pick(forms);
  if (o + 1 < p.n) p.b[o + 1] = r.int(256);
}

/** QUIC long header (version, connection-id lengths, token and length varints) or short header. */
function quicHeader(p: Pkt, r: Rng): void {
  const o = p.payload();
  if (o < 0 || p.n < o + 7 || p.proto() !== 17) return;
  const b = p.b;
  if (r.chance(0.3)) {
    b[o] = r.pick([0xc0, 0xc3, 0xd0, 0xe0, 0xf0, 0xff, 0x40, 0x41, 0x80]) | r.int(4);
    return;
  }
  if ((b[o] & 0x80) === 0) b[o] |= 0xc0;
  const field = r.int(5);
  if (field === 0) {
    const v = r.pick([0x00000001, 0x6b3343cf, 0xff00001d, 0xff000020, 0x51303530, 0x51303436, 0x54303530, 0xfaceb002, 0, 0x1a2a3a4a, r.u32()]);
    b[o + 1] = v >>> 24;
    b[o + 2] = (v >>> 16) & 0xff;
    b[o + 3] = (v >>> 8) & 0xff;
    b[o + 4] = v & 0xff;
  } else if (field === 1) b[o + 5] = r.boundary(b[o + 5], 255);
  else {
    const dcid = o + 6 + b[o + 5];
    if (dcid >= p.n) return;
    if (field === 2) b[dcid] = r.boundary(b[dcid], 255);
    else {
      const tok = dcid + 1 + b[dcid];
      if (tok + 1 >= p.n) return;
      varint(p, field === 3 ? tok : Math.min(p.n - 2, tok + 1 + r.int(4)), r);
    }
  }
}

function truncate(p: Pkt, r: Rng): void {
  p.n = r.chance(0.5) ? r.int(p.n + 1) : Math.max(0, p.n - 1 - r.int(16));
}

function extend(p: Pkt, r: Rng): void {
  const k = r.pick([1, 7, 8, 64, 1400, r.int(3000)]);
  if (p.n + k > MAX_PACKET) return;
  for (let i = 0; i < k; i++) p.b[p.n + i] = r.chance(0.5) ? 0 : r.int(256);
  p.n += k;
}

function flipBytes(p: Pkt, r: Rng): void {
  if (p.n === 0) return;
  const k = 1 + r.int(8);
  for (let i = 0; i < k; i++) {
    const at = r.int(p.n);
    p.b[at] = r.chance(0.5) ? p.b[at] ^ (1 << r.int(8)) : r.pick([0, 0xff, 0x7f, 0x80, r.int(256)]);
  }
}

function flipPayload(p: Pkt, r: Rng): void {
  const o = p.payload();
  if (o < 0 || o >= p.n) return;
  const k = 1 + r.int(8);
  for (let i = 0; i < k; i++) p.b[o + r.int(p.n - o)] = r.int(256);
}

const MUTATIONS: readonly [Mutation, number][] = [
  [ipLength, 4],
  [ipv4Options, 3],
  [ipv6Extension, 3],
  [ipv4Fragments, 4],
  [ipv6Fragments, 2],
  [protoSwap, 2],
  [tcpHeader, 5],
  [tcpOptions, 4],
  [udpLength, 3],
  [retargetPort, 4],
  [splicePayload, 5],
  [tlsRecord, 10],
  [dnsMessage, 6],
  [quicHeader, 6],
  [truncate, 4],
  [extend, 2],
  [flipBytes, 4],
  [flipPayload, 8],
];
const WEIGHTS = MUTATIONS.reduce((s, [, w]) => s + w, 0);

function pickMutation(r: Rng): Mutation {
  let x = r.int(WEIGHTS);
  for (const [m, w] of MUTATIONS) {
    if (x < w) return m;
    x -= w;
  }
  return flipBytes;
}

export interface GeneratorOptions {
  /** Share of packets mutated (default 0.4). */
  mutateShare?: number;
  /** Evenly spaced timestamps at this rate instead of the captures' own gaps (the soak replays in real time). */
  packetsPerS?: number;
}

/** Result of {@link writeFuzzCapture}. */
export interface FuzzCaptureResult {
  /** Packets written (fragments add packets). */
  packets: number;
  /** Packets that went through at least one mutation. */
  mutated: number;
  /** Captures of the corpus used. */
  capturesUsed: number;
}

/**
 * Writes a pcap of about `count` packets made from the corpus with `seed`:
 * windows of consecutive packets of one capture (captures taken in turn, so every
 * capture is used), addresses rewritten per window, a share mutated.
 */
export function writeFuzzCapture(file: string, corpus: Corpus, seed: number, count: number, options: GeneratorOptions = {}): FuzzCaptureResult {
  const r = new Rng(seed);
  const share = options.mutateShare ?? 0.4;
  const w = new PcapWriter(file);
  const p = new Pkt();
  const extra: Uint8Array[] = [];
  const frame = new Uint8Array(MAX_PACKET + 64);
  const used = new Set<number>();
  let ts = 1_700_000_000 + (seed % 100000);
  let written = 0;
  let mutated = 0;
  let capIndex = seed % corpus.captures.length;
  const emit = (prefix: Uint8Array, l3: number, body: Uint8Array, n: number) => {
    frame.set(prefix.subarray(0, l3), 0);
    frame.set(body.subarray(0, n), l3);
    w.writePacket(ts, frame, 0, l3 + n);
    written++;
  };
  while (written < count) {
    const cap = corpus.captures[capIndex];
    used.add(capIndex);
    capIndex = (capIndex + 1) % corpus.captures.length;
    const start = r.int(cap.packets.length);
    const len = Math.min(cap.packets.length - start, 16 + r.int(256));
    // Address rewrite for this window: XOR the low bytes of every address (both directions agree).
    const k1 = r.int(256);
    const k2 = r.int(256);
    for (let i = start; i < start + len && written < count; i++) {
      const src = cap.packets[i];
      ts += options.packetsPerS ? 1 / options.packetsPerS : r.chance(0.02) ? 1 + r.int(5) : src.gap;
      p.load(src.frame.subarray(src.l3));
      const h = p.ipHeader();
      if (h >= 20) {
        const addrs = p.v === 4 ? [14, 15, 18, 19] : [22, 23, 38, 39];
        p.b[addrs[0]] ^= k1;
        p.b[addrs[1]] ^= k2;
        p.b[addrs[2]] ^= k1;
        p.b[addrs[3]] ^= k2;
      }
      extra.length = 0;
      if (r.chance(share)) {
        mutated++;
        const times = 1 + r.int(3);
        for (let m = 0; m < times; m++) pickMutation(r)(p, r, corpus, extra);
        if (r.chance(0.7)) p.fixLengths();
      }
      emit(src.frame, src.l3, p.b, p.n);
      for (const e of extra) emit(src.frame, src.l3, e, e.length);
      if (r.chance(0.01)) emit(src.frame, src.l3, p.b, p.n); // duplicate
    }
  }
  w.close();
  return { packets: written, mutated, capturesUsed: used.size };
}
