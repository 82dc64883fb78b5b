/**
 * Robustness of the packet path: every packet of the shared nDPI captures, plus many
 * deterministic mutants of each (truncated at every layer boundary, length/type fields
 * forced to 0/max/tunnel values, random byte flips), goes through decodePacket and
 * shardOf. Nothing may throw, every packet must end with exactly one status, the
 * per-cause counters must add up to the packets, and an Ok result must describe
 * bytes inside the capture.
 */
import * as fs from 'fs';
import * as path from 'path';
import { END_OF_CAPTURE } from '../src/capture/capture-source';
import { PacketBurst } from '../src/capture/packet-burst';
import { PcapFileSource } from '../src/capture/pcap-file-source';
import { decodePacket } from '../src/decode/decode-packet';
import { DECODE_STATUS_COUNT, DECODE_STATUS_NAMES, DecodeStatus } from '../src/decode/decode-status';
import { DecodedPacket } from '../src/decode/decoded-packet';
import { PacketMutator } from './fixtures/packet-mutator';
import { shardOf } from '../src/decode/shard-hash';

const CAPTURES_DIR = path.resolve(__dirname, '../../../shared/pcaps/ndpi');
/** Mutants per real packet: ~25k packets x 24 = ~600k decodes (plus the originals). */
const MUTANTS_PER_PACKET = 24;
const SEED = 0x5eed2026;
const SHARDS = 4;

/** Every packet of every shared capture, packed: the test's input corpus. */
interface Corpus {
  data: Uint8Array;
  offset: number[];
  caplen: number[];
  linkType: number[];
  capture: string[];
}

function loadCorpus(): Corpus {
  const chunks: Uint8Array[] = [];
  const corpus: Corpus = { data: new Uint8Array(0), offset: [], caplen: [], linkType: [], capture: [] };
  let total = 0;
  const burst = new PacketBurst();
  for (const name of fs.readdirSync(CAPTURES_DIR).sort()) {
    const file = path.join(CAPTURES_DIR, name);
    if (!fs.statSync(file).isFile()) continue;
    const source = new PcapFileSource(file);
    try {
      while (source.nextBurst(burst) !== END_OF_CAPTURE) {
        for (let i = 0; i < burst.count; i++) {
          const bytes = burst.data.slice(burst.offset[i], burst.offset[i] + burst.caplen[i]);
          chunks.push(bytes);
          corpus.offset.push(total);
          corpus.caplen.push(bytes.length);
          corpus.linkType.push(burst.linkType[i]);
          corpus.capture.push(name);
          total += bytes.length;
        }
      }
    } finally {
      source.close();
    }
  }
  corpus.data = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    corpus.data.set(c, o);
    o += c.length;
  }
  return corpus;
}

/** Checks what an Ok decode promises; returns a description of the first broken promise, or ''. */
function checkOk(out: DecodedPacket, end: number): string {
  if (out.ipVersion !== 4 && out.ipVersion !== 6) return `ipVersion ${out.ipVersion}`;
  if (out.l3Offset < 0 || out.l3Offset >= end) return `l3Offset ${out.l3Offset} / end ${end}`;
  if (out.l3Offset + out.l3Length > end) return `l3 ${out.l3Offset}+${out.l3Length} > ${end}`;
  if (out.l4Offset < out.l3Offset || out.l4Offset > end) return `l4Offset ${out.l4Offset}`;
  if (out.payloadOffset < out.l4Offset || out.payloadLength < 0 || out.payloadOffset + out.payloadLength > end) {
    return `payload ${out.payloadOffset}+${out.payloadLength} / end ${end}`;
  }
  if (out.l4Proto !== 6 && out.l4Proto !== 17 && (out.srcPort !== 0 || out.dstPort !== 0)) return `ports on proto ${out.l4Proto}`;
  if (out.srcPort > 0xffff || out.dstPort > 0xffff || out.vlan > 0xfff || out.l4Proto > 255) return 'field out of range';
  return '';
}

describe('decode robustness over mutated real packets', () => {
  const corpus = loadCorpus();

  it('loads every shared capture', () => {
    expect(corpus.offset.length).toBeGreaterThan(20000);
  });

  it('never throws, gives every packet exactly one status, and Ok results stay inside the capture', () => {
    const out = new DecodedPacket();
    const mutator = new PacketMutator(SEED);
    const perCause = new Float64Array(32);
    const perShard = new Float64Array(SHARDS);
    let decodes = 0;
    let firstProblem = '';
    const problem = (what: string, i: number, variant: number) => {
      if (firstProblem === '') firstProblem = `${corpus.capture[i]} packet ${i} variant ${variant}: ${what}`;
    };

    for (let i = 0; i < corpus.offset.length; i++) {
      const linkType = corpus.linkType[i];
      mutator.prepare(corpus.data, corpus.offset[i], corpus.caplen[i], linkType);
      for (let v = -1; v < MUTANTS_PER_PACKET; v++) {
        // v = -1: the original packet, in place in the corpus buffer.
        const data = v < 0 ? corpus.data : mutator.scratch;
        const offset = v < 0 ? corpus.offset[i] : 0;
        const caplen = v < 0 ? corpus.caplen[i] : mutator.mutate(v);
        let status = -1;
        let shard = -1;
        try {
          status = decodePacket(data, offset, caplen, linkType, out);
          shard = shardOf(data, offset, caplen, linkType, SHARDS);
        } catch (e) {
          problem(`threw ${(e as Error).stack}`, i, v);
          continue;
        }
        decodes++;
        if (!Number.isInteger(status) || status < 0 || status >= DECODE_STATUS_COUNT) {
          problem(`status ${status}`, i, v);
          continue;
        }
        perCause[status]++;
        if (!Number.isInteger(shard) || shard < 0 || shard >= SHARDS) problem(`shard ${shard}`, i, v);
        else perShard[shard]++;
        if (status === DecodeStatus.Ok) {
          const broken = checkOk(out, offset + caplen);
          if (broken !== '') problem(broken, i, v);
        }
      }
    }

    expect(firstProblem).toBe('');
    let sum = 0;
    for (let s = 0; s < perCause.length; s++) sum += perCause[s];
    expect(sum).toBe(decodes);
    expect(decodes).toBe(corpus.offset.length * (MUTANTS_PER_PACKET + 1));
    expect(decodes).toBeGreaterThanOrEqual(500000);
    let shardSum = 0;
    for (let s = 0; s < SHARDS; s++) shardSum += perShard[s];
    expect(shardSum).toBe(decodes);
    // The mutants reach many distinct causes, not just one catch-all.
    const reached = DECODE_STATUS_NAMES.filter((_, s) => perCause[s] > 0);
    expect(reached.length).toBeGreaterThanOrEqual(15);
    expect(perCause[DecodeStatus.Ok]).toBeGreaterThan(decodes / 4);
  });

  it('puts both directions of every flow of the shared captures in one shard', () => {
    const out = new DecodedPacket();
    const shardOfFlow = new Map<string, number>();
    let split = '';
    for (let i = 0; i < corpus.offset.length && split === ''; i++) {
      if (decodePacket(corpus.data, corpus.offset[i], corpus.caplen[i], corpus.linkType[i], out) !== DecodeStatus.Ok) continue;
      const a = `${out.src.join('.')}/${out.srcPort}`;
      const b = `${out.dst.join('.')}/${out.dstPort}`;
      const key = `${corpus.capture[i]} ${out.l4Proto} ${out.vlan} ${a < b ? a + ' ' + b : b + ' ' + a}`;
      const shard = shardOf(corpus.data, corpus.offset[i], corpus.caplen[i], corpus.linkType[i], 8);
      const seen = shardOfFlow.get(key);
      if (seen === undefined) shardOfFlow.set(key, shard);
      else if (seen !== shard) split = key;
    }
    expect(split).toBe('');
    expect(shardOfFlow.size).toBeGreaterThan(3500);
    const perShard = new Array(8).fill(0);
    for (const s of shardOfFlow.values()) perShard[s]++;
    // Real traffic is lumpy (a few hosts per capture), yet no shard is left empty.
    for (const n of perShard) expect(n).toBeGreaterThan(0);
  });
});
