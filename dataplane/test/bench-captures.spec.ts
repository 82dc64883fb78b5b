import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BENCH_CAPTURE_VERSION, ensureBenchCapture, findRepoRoot, sharedCapturesDir, writeLargeCapture, writeUdpFlowsCapture } from '../bench/bench-captures';
import { END_OF_CAPTURE } from '../src/capture/capture-source';
import { PacketBurst } from '../src/capture/packet-burst';
import { PcapFileSource } from '../src/capture/pcap-file-source';

/** Reads every frame of a capture (test helper). */
function frames(file: string): { ts: number[]; data: Buffer[] } {
  const src = new PcapFileSource(file);
  const burst = new PacketBurst();
  const out = { ts: [] as number[], data: [] as Buffer[] };
  for (let n = src.nextBurst(burst); n !== END_OF_CAPTURE; n = src.nextBurst(burst)) {
    for (let i = 0; i < n; i++) {
      out.ts.push(burst.tsS[i]);
      out.data.push(Buffer.from(burst.data.subarray(burst.offset[i], burst.offset[i] + burst.caplen[i])));
    }
  }
  src.close();
  return out;
}

/** Offsets of the two addresses of an untagged Ethernet/IPv4 or /IPv6 frame, or null. */
function addressSpan(f: Buffer): { v6: boolean; src: number; dst: number; len: number } | null {
  if (f.length < 14) return null;
  const etype = f.readUInt16BE(12);
  if (etype === 0x0800 && f.length >= 34 && f[14] >> 4 === 4) return { v6: false, src: 26, dst: 30, len: 4 };
  if (etype === 0x86dd && f.length >= 54) return { v6: true, src: 22, dst: 38, len: 16 };
  return null;
}

describe('benchmark captures', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowprobe-benchcap-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('finds the repository root and the shared captures', () => {
    expect(fs.existsSync(path.join(findRepoRoot(), 'dataplane', 'package.json'))).toBe(true);
    expect(fs.existsSync(path.join(sharedCapturesDir(), '443-git.pcap'))).toBe(true);
  });

  it('large: copies of the Ethernet captures, addresses rewritten per copy the same way in both directions', () => {
    const file = path.join(dir, 'large-small.pcap');
    const one = writeLargeCapture(path.join(dir, 'one.pcap'), sharedCapturesDir(), 1);
    const perCopy = one.packets;
    // 42 of the 46 shared captures are Ethernet (KakaoTalk_chat, quic-v2: Linux cooked; ocs: raw IP; rdp: loopback).
    expect(one.description).toContain('42 Ethernet captures');
    const three = writeLargeCapture(file, sharedCapturesDir(), 2 * perCopy + 1);
    expect(three.packets).toBe(3 * perCopy);
    expect(three.bytes).toBe(3 * one.bytes);
    const got = frames(file);
    expect(got.data.length).toBe(3 * perCopy);
    for (let i = 1; i < got.ts.length; i++) expect(got.ts[i]).toBeGreaterThanOrEqual(got.ts[i - 1]);

    const original = frames(path.join(dir, 'one.pcap'));
    const pairs: Set<string>[] = [new Set(), new Set(), new Set()];
    let checked = 0;
    const problems: string[] = [];
    for (let k = 0; k < 3; k++) {
      const mask = (k * 40503) & 0xffff;
      for (let i = 0; i < perCopy; i++) {
        const a = original.data[i];
        const b = got.data[k * perCopy + i];
        if (b.length !== a.length) problems.push(`copy ${k} packet ${i}: length ${b.length} != ${a.length}`);
        const span = addressSpan(a);
        if (span === null) continue;
        // Only the low 16 bits of the two addresses differ, by this copy's mask.
        const diff = Buffer.from(b);
        for (let j = 0; j < a.length; j++) diff[j] ^= a[j];
        const srcLow = span.src + span.len - 2;
        const dstLow = span.dst + span.len - 2;
        if (diff.readUInt16BE(srcLow) !== mask || diff.readUInt16BE(dstLow) !== mask) problems.push(`copy ${k} packet ${i}: addresses not rewritten by ${mask}`);
        diff.writeUInt16BE(0, srcLow);
        diff.writeUInt16BE(0, dstLow);
        const proto = span.v6 ? b[20] : b[23];
        // Nothing else changes (with IP-in-IP the inner header changes too).
        if (proto !== 4 && proto !== 41 && !diff.every((x) => x === 0)) problems.push(`copy ${k} packet ${i}: other bytes changed`);
        const s = b.subarray(span.src, span.src + span.len).toString('hex');
        const d = b.subarray(span.dst, span.dst + span.len).toString('hex');
        pairs[k].add(s < d ? `${s}-${d}` : `${d}-${s}`);
        checked++;
      }
    }
    expect(problems.slice(0, 5)).toEqual([]);
    expect(checked).toBeGreaterThan(2 * perCopy);
    // Each copy talks between different address pairs: no pair is shared between copies.
    expect(pairs[0].size).toBeGreaterThan(500);
    expect([...pairs[1]].filter((p) => pairs[0].has(p) || pairs[2].has(p))).toEqual([]);
  });

  it('64b flows: 64-byte UDP frames, every flow visited each round, both directions for half the flows', () => {
    const file = path.join(dir, 'udp.pcap');
    const info = writeUdpFlowsCapture(file, 1000, 8000);
    expect(info).toMatchObject({ packets: 8000, bytes: 8000 * 64 });
    const got = frames(file);
    const dirs = new Map<string, Set<string>>();
    let bad = 0;
    for (const f of got.data) {
      // 64 bytes, IPv4/UDP, valid header checksum (the one's-complement sum over the header is 0xffff).
      let s = 0;
      for (let i = 14; i < 34; i += 2) s += f.readUInt16BE(i);
      while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
      if (f.length !== 64 || f.readUInt16BE(12) !== 0x0800 || f[23] !== 17 || s !== 0xffff) bad++;
      const a = `${f.readUInt32BE(26)}:${f.readUInt16BE(34)}`;
      const b = `${f.readUInt32BE(30)}:${f.readUInt16BE(36)}`;
      const key = a < b ? `${a}-${b}` : `${b}-${a}`;
      if (!dirs.has(key)) dirs.set(key, new Set());
      (dirs.get(key) as Set<string>).add(a);
    }
    expect(bad).toBe(0);
    expect(dirs.size).toBe(1000);
    expect([...dirs.values()].filter((d) => d.size === 2).length).toBe(500);
  });

  it('ensureBenchCapture reuses an existing capture and its sidecar instead of regenerating', () => {
    const cacheDir = path.join(dir, 'cache');
    fs.mkdirSync(cacheDir);
    const file = path.join(cacheDir, '64b-1m-flows.pcap');
    writeUdpFlowsCapture(file, 1000, 2000);
    fs.writeFileSync(`${file}.json`, JSON.stringify({ name: '64b-1m-flows', packets: 2000, bytes: 128000, description: 'test', version: BENCH_CAPTURE_VERSION }));
    const info = ensureBenchCapture('64b-1m-flows', cacheDir);
    expect(info).toMatchObject({ path: file, packets: 2000, generatedInS: 0 });
  });
});
