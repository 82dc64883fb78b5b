import * as path from 'node:path';
import { analyzeCapture } from '../analyze';
import type { FlowRecord } from '../dataplane.types';
import { makeShard } from '../../test/flow-fixtures';
import { PCAP_DIR } from '../../test/ndpi-expected';
import { EntryState } from '../shard/entry-state';
import { L7Names, NO_DPI_NAMES } from '../shard/record-names';
import { printOrder, writeFlowsNdjson } from '../offline/flows-ndjson';
import { FlowNdjsonWriter, isCanonicalFlatJson, ndjsonFlow } from './flow-ndjson';
import { readFlowRecord } from './flow-record';
import { FlowTable } from './flow-table';
import { FLOW_INFO_BYTES, FlowF64, FlowU32 } from './flow-table.layout';
import { HashHeaderI32 } from '../shard/hash-table.layout';

/** What `flowprobe analyze` printed before the fast writer: records sorted by total bytes, JSON.stringify per line. */
function referenceNdjson(flows: FlowRecord[]): string {
  const sorted = [...flows].sort((a, b) => b.cli2srv.bytes + b.srv2cli.bytes - (a.cli2srv.bytes + a.srv2cli.bytes));
  return sorted.map((f) => `${JSON.stringify(ndjsonFlow(f))}\n`).join('');
}

function collect(): { emit: (chunk: Uint8Array) => void; text: () => string; chunks: Uint8Array[] } {
  const chunks: Uint8Array[] = [];
  return { emit: (c) => chunks.push(c), text: () => Buffer.concat(chunks).toString('utf8'), chunks };
}

/** Strings JSON.stringify must escape, or must not: quotes, backslashes, control characters, lone surrogates, non-ASCII. */
const HOSTILE = [
  '',
  'plain.example.com',
  'a"quote',
  'back\\slash',
  '\\"',
  'tab\there',
  'nl\nand\rcr',
  '\u0000\u0001\u0008\u000b\u000c\u001f\u007f',
  'lone \ud800 high',
  'lone \udfff low',
  'pair 😀 ok',
  '\udc00\ud800',
  'café.example',
  'пример.рф',
  '例子.测试',
  '\u2028\u2029',
  '\ufeffbom',
  '</script>',
  'x'.repeat(300),
];

/** Names that return hostile strings for every packed number. */
const hostileNames: L7Names = {
  protocolName: (l7) => HOSTILE[l7 % HOSTILE.length],
  categoryName: (cb) => HOSTILE[(cb + 1) % HOSTILE.length],
  breedName: (cb) => HOSTILE[(cb >>> 16) % HOSTILE.length],
  riskNames: (lo, hi) => (lo === 0 && hi === 0 ? [] : [HOSTILE[lo % HOSTILE.length], HOSTILE[hi % HOSTILE.length], 'Known Proto on Non Std Port']),
};

const utf8 = new TextEncoder();

/** Stored server-name bytes: UTF-8 of hostile strings, and byte sequences that are not UTF-8 at all. */
const NAME_BYTES: Uint8Array[] = [
  ...HOSTILE.map((s) => utf8.encode(s)),
  Uint8Array.of(0xff, 0xfe, 0x41),
  Uint8Array.of(0x61, 0xc3), // cut inside a character (names are truncated to 127 bytes)
  Uint8Array.of(0xed, 0xa0, 0x80), // an encoded surrogate
  Uint8Array.of(0xef, 0xbb, 0xbf, 0x61), // a BOM (TextDecoder drops it)
  Uint8Array.of(0xc0, 0xaf), // overlong
];

/** Stored DPI metadata: what the nDPI shim writes, and everything JSON.parse / JSON.stringify would change or refuse. */
const INFO_TEXTS = [
  '{"url":"/index.html","status":200,"content_type":"text/html"}',
  '{"tls_version":"TLSv1.3","ja3c":"40adfd923eb82b89d8836ba37a19bca1","cipher":"TLS_CHACHA20_POLY1305_SHA256"}',
  '{"dns_answer":"1.2.3.4","dns_query_type":1,"dns_reply_code":3}',
  '{}',
  '{"user_agent":"a \\"quoted\\" agent","extra":"back\\\\slash"}',
  '{"extra":"ctl \\u0001 \\u000a \\u0009 \\u001f"}',
  '{"extra":"café ☕"}',
  '{"extra":"\\ud800 lone"}',
  '{"2":"index key","a":1}',
  '{"a":1,"a":2}',
  '{"a":0}',
  '{"a":007}',
  '{"a":1.50}',
  '{"a":12345678901234567890}',
  '{"a": 1}',
  '{"a":"x"',
  'not json',
  '[1,2]',
  '"string"',
  '123',
  'null',
  '{"__proto__":"p","constructor":"c"}',
  `{"long":"${'y'.repeat(300)}"}`,
];

/** Numbers for the f64 fields: integers, fractions, negatives, zeros, huge, NaN and infinities (JSON null). */
const NUMBERS = [0, 1, 42, 1e15, 2 ** 53, 2 ** 53 + 2, 1e21, 0.5, 1.25e-7, -3, -0, NaN, Infinity, -Infinity, 1767572460.239225, 123.000001];

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

/** Fills `n` slots of a fresh table with random and hostile content, every state. */
function hostileTable(n: number, seed: number): FlowTable {
  const { flows } = makeShard(n);
  const rnd = lcg(seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)];
  const t = flows.table;
  for (let slot = 0; slot < n; slot++) {
    const b = t.u32At(slot);
    const f = t.f64At(slot);
    const u32 = flows.u32;
    const f64 = flows.f64;
    const v6 = rnd() < 0.3;
    u32[b + FlowU32.State] = slot % 7 === 0 ? EntryState.Idle : EntryState.Active;
    u32[b + FlowU32.KeyMeta] = ((v6 ? 6 : 4) << 24) | (pick([6, 17, 1, 58, 47, 132, 253]) << 16) | Math.floor(rnd() * 4096);
    u32[b + FlowU32.Ports] = Math.floor(rnd() * 2 ** 32);
    for (let w = 0; w < 4; w++) {
      // IPv6: runs of zero words (RFC 5952 compression), IPv4-mapped, random.
      u32[b + FlowU32.CliAddr0 + w] = v6 && rnd() < 0.4 ? 0 : Math.floor(rnd() * 2 ** 32);
      u32[b + FlowU32.SrvAddr0 + w] = v6 && w === 2 && rnd() < 0.3 ? 0xffff : Math.floor(rnd() * 2 ** 32);
    }
    u32[b + FlowU32.TcpFlags] = Math.floor(rnd() * 2 ** 18);
    u32[b + FlowU32.L7] = Math.floor(rnd() * 2 ** 32);
    u32[b + FlowU32.CategoryBreed] = Math.floor(rnd() * 2 ** 32);
    u32[b + FlowU32.RiskLo] = rnd() < 0.5 ? 0 : Math.floor(rnd() * 2 ** 32);
    u32[b + FlowU32.RiskHi] = rnd() < 0.7 ? 0 : Math.floor(rnd() * 2 ** 32);
    u32[b + FlowU32.Score] = Math.floor(rnd() * 500);
    u32[b + FlowU32.DpiPackets] = Math.floor(rnd() * 40);
    u32[b + FlowU32.Flags] = Math.floor(rnd() * 64);
    u32[b + FlowU32.Tunnel] = Math.floor(rnd() * 9); // 7 and 8: no such tunnel kind
    u32[b + FlowU32.Generation] = Math.floor(rnd() * 2 ** 32);
    const first = rnd() < 0.8 ? 1767571200 + rnd() * 1e6 : pick(NUMBERS);
    f64[f + FlowF64.FirstSeen] = first;
    f64[f + FlowF64.LastSeen] = rnd() < 0.8 ? first + rnd() * 1e5 : pick(NUMBERS);
    for (const field of [FlowF64.C2sPkts, FlowF64.C2sBytes, FlowF64.S2cPkts, FlowF64.S2cBytes, FlowF64.C2sIpBytes, FlowF64.S2cIpBytes, FlowF64.C2sRetrans, FlowF64.S2cRetrans, FlowF64.C2sOoo, FlowF64.S2cOoo, FlowF64.ThptBps, FlowF64.ThptPps]) {
      f64[f + field] = rnd() < 0.7 ? Math.floor(rnd() * 1e9) : rnd() < 0.5 ? rnd() * 1e6 : pick(NUMBERS);
    }
    const name = rnd() < 0.8 ? pick(NAME_BYTES) : utf8.encode(`host${slot}.example.org`);
    flows.setName(slot, name, 0, name.length);
    const info = rnd() < 0.3 ? new Uint8Array(0) : utf8.encode(pick(INFO_TEXTS));
    flows.setInfo(slot, info, 0, info.length);
  }
  t.header[HashHeaderI32.NeverUsed] = n; // slots [0, n) in use, as the worker's allocations leave it
  return flows;
}

describe('FlowNdjsonWriter', () => {
  it('writes each slot byte for byte as JSON.stringify(ndjsonFlow(readFlowRecord(...))) with hostile names, metadata and numbers', () => {
    for (const [seed, names] of [
      [1, hostileNames],
      [2, NO_DPI_NAMES],
    ] as const) {
      const flows = hostileTable(3000, seed);
      for (const chunkBytes of [1 << 20, 100]) {
        const out = collect();
        const writer = new FlowNdjsonWriter(names, out.emit, chunkBytes);
        let expected = '';
        for (let slot = 0; slot < 3000; slot++) {
          writer.writeSlot(flows, slot, 3);
          expected += `${JSON.stringify(ndjsonFlow(readFlowRecord(flows, slot, 3, names)))}\n`;
        }
        writer.flush();
        expect(writer.lines).toBe(3000);
        const got = out.text();
        if (got !== expected) {
          // The first differing line, readable.
          const g = got.split('\n');
          const e = expected.split('\n');
          const i = e.findIndex((line, k) => line !== g[k]);
          expect({ line: i, got: g[i] }).toEqual({ line: i, got: e[i] });
        }
        expect(Buffer.concat(out.chunks).equals(Buffer.from(expected, 'utf8'))).toBe(true);
      }
    }
  });

  it('covers what it claims: every server name and metadata text, IPv6, every number kind', () => {
    const flows = hostileTable(3000, 1);
    const seen = { names: new Set<string>(), info: new Set<string>(), v6: 0, nulls: 0, exponents: 0 };
    const text = (() => {
      const out = collect();
      const w = new FlowNdjsonWriter(hostileNames, out.emit);
      for (let slot = 0; slot < 3000; slot++) w.writeSlot(flows, slot, 0);
      w.flush();
      return out.text();
    })();
    for (const line of text.trimEnd().split('\n')) {
      const f = JSON.parse(line);
      seen.names.add(f.server_name);
      if (f.info) seen.info.add(JSON.stringify(f.info));
      if (f.client.ip.includes(':')) seen.v6++;
    }
    seen.nulls = (text.match(/:null/g) ?? []).length;
    seen.exponents = (text.match(/\de[+-]\d/g) ?? []).length;
    expect(seen.names.size).toBeGreaterThan(NAME_BYTES.length - 3);
    expect(seen.info.size).toBeGreaterThan(10);
    expect(seen.v6).toBeGreaterThan(500);
    expect(seen.nulls).toBeGreaterThan(10);
    expect(seen.exponents).toBeGreaterThan(10);
  });

  it('writes times as String() does, digit by digit below 2^33 s', () => {
    const { flows } = makeShard(4);
    const rnd = lcg(7);
    const values = [0, 1e-6, 5e-7, 1.5e-6, 0.1, 0.3, 1, 59.999999, 1767572460.239225, 2 ** 33 - 1e-6, 2 ** 33, 2 ** 33 + 0.5, 1e15, -1, -1e-6];
    for (let i = 0; i < 20000; i++) values.push(rnd() * 2 ** (rnd() * 40 - 5), Math.floor(rnd() * 2e15) / 1e6);
    const t = flows.table;
    const b = t.u32At(0);
    const f = t.f64At(0);
    flows.u32[b + FlowU32.State] = EntryState.Active;
    flows.u32[b + FlowU32.KeyMeta] = 4 << 24;
    const out = collect();
    const w = new FlowNdjsonWriter(NO_DPI_NAMES, out.emit);
    let expected = '';
    for (const v of values) {
      flows.f64[f + FlowF64.FirstSeen] = v;
      flows.f64[f + FlowF64.LastSeen] = v * 1.5;
      w.writeSlot(flows, 0, 0);
      expected += `${JSON.stringify(ndjsonFlow(readFlowRecord(flows, 0, 0, NO_DPI_NAMES)))}\n`;
    }
    w.flush();
    expect(out.text()).toBe(expected);
  });

  it('takes stored metadata as it is only when JSON.parse and JSON.stringify give it back unchanged', () => {
    for (const text of INFO_TEXTS) {
      const bytes = utf8.encode(text);
      let same = false;
      try {
        same = JSON.stringify(JSON.parse(text)) === text;
      } catch {
        same = false;
      }
      // Never claimed canonical when it is not; the nDPI shim's plain forms are.
      if (isCanonicalFlatJson(bytes, 0, bytes.length)) expect({ text, same }).toEqual({ text, same: true });
    }
    for (const text of INFO_TEXTS.slice(0, 4)) expect(isCanonicalFlatJson(utf8.encode(text), 0, utf8.encode(text).length)).toBe(true);
    expect(FLOW_INFO_BYTES).toBeGreaterThan(2);
  });
});

describe('printOrder', () => {
  /** The indices in the order of a stable sort by total, largest first (Array.prototype.sort is stable). */
  function reference(totals: number[]): number[] {
    return totals
      .map((t, i) => ({ t, i }))
      .sort((a, b) => b.t - a.t)
      .map((e) => e.i);
  }

  it('orders largest first, ties in list order, as the records sort did', () => {
    const rnd = lcg(3);
    for (const [n, spread] of [
      [0, 1],
      [1, 1],
      [2, 1],
      [1000, 3], // many ties
      [50_000, 1e9],
      [5000, 2 ** 40], // too large to pack with the index: the comparator sort
    ]) {
      const totals = Array.from({ length: n }, () => Math.floor(rnd() * spread));
      expect(Array.from(printOrder(Float64Array.from(totals)))).toEqual(reference(totals));
    }
    const fractional = [3.5, 1, 3.5, 0.25, 7];
    expect(Array.from(printOrder(Float64Array.from(fractional)))).toEqual(reference(fractional));
  });
});

describe('analyze ndjson output', () => {
  const captures = ['http.pcapng', 'dns.pcap', 'http_ipv6.pcap', 'quic.pcap', 'vxlan.pcap', 'ssh.pcap', 'facebook.pcap', '1kxun.pcap', 'reddit.pcap', 'smtp.pcap', 'dns_doh.pcap', 'whatsapp_login_call.pcap'];

  it.each(captures)('%s: the same bytes as the records path (2 workers, DPI on)', async (capture) => {
    const source = { kind: 'pcap' as const, path: path.join(PCAP_DIR, capture) };
    const records = await analyzeCapture(source, { workers: 2 });
    const out = collect();
    const fast = await analyzeCapture(source, { workers: 2, ndjson: out.emit });
    expect(fast.flows).toEqual([]);
    expect(fast.flowCount).toBe(records.flows.length);
    expect(out.text()).toBe(referenceNdjson(records.flows));
  });

  it('writes straight from the tables: ended flows first, then each shard in slot order, sorted as the records were', () => {
    const shards = [
      { index: 0, flows: hostileTable(2000, 5) },
      { index: 1, flows: hostileTable(1500, 6) },
    ];
    // Flows that ended during the pass (idle timeout) come as records: here the tables' idle slots.
    const ended: FlowRecord[] = [];
    const active: FlowRecord[] = [];
    for (const s of shards) {
      const t = s.flows.table;
      for (let slot = 0; slot < t.highWater; slot++) {
        if (t.stateOf(slot) === EntryState.Idle) ended.push(readFlowRecord(s.flows, slot, s.index, hostileNames));
        else if (t.stateOf(slot) === EntryState.Active) active.push(readFlowRecord(s.flows, slot, s.index, hostileNames));
      }
    }
    // Equal totals across shards and records, so the ties' order shows.
    expect(new Set([...ended, ...active].map((f) => f.cli2srv.bytes + f.srv2cli.bytes)).size).toBeLessThan(ended.length + active.length);
    const out = collect();
    const n = writeFlowsNdjson(shards, ended, hostileNames, out.emit);
    expect(n).toBe(ended.length + active.length);
    expect(out.text()).toBe(referenceNdjson(ended.concat(active)));
  });
});
