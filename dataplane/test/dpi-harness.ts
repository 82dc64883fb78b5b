/**
 * Test harness: runs one capture through the real pcap reader, the real decoder
 * and a DpiEngine, with a throw-away flow map (string keys, test code only) in
 * place of the flow table, so the DPI engine can be checked on its own.
 */
import { END_OF_CAPTURE } from '../src/capture/capture-source';
import { PacketBurst } from '../src/capture/packet-burst';
import { PcapFileSource } from '../src/capture/pcap-file-source';
import { decodePacket } from '../src/decode/decode-packet';
import { DecodedPacket } from '../src/decode/decoded-packet';
import { DpiEngine } from '../src/dpi/classifier';
import type { FlowDpiSink } from '../src/flow/flow-table';
import { DpiState } from '../src/flow/flow-table.layout';

export interface HarnessFlow {
  key: string;
  slot: number;
  l4: number;
  vlan: number;
  l7: number;
  categoryBreed: number;
  riskLo: number;
  riskHi: number;
  score: number;
  dpiPackets: number;
  state: number;
  name: string;
  info: string;
  packets: number;
}

const utf8 = new TextDecoder();

/** A FlowDpiSink over plain objects. */
export class HarnessSink implements FlowDpiSink {
  readonly flows: HarnessFlow[] = [];
  setDpiResult(slot: number, l7: number, categoryBreed: number, riskLo: number, riskHi: number, score: number, dpiPackets: number, state: number): void {
    const f = this.flows[slot];
    f.score = score;
    f.l7 = l7;
    f.categoryBreed = categoryBreed;
    f.riskLo = riskLo;
    f.riskHi = riskHi;
    f.dpiPackets = dpiPackets;
    f.state = state;
  }
  setName(slot: number, src: Uint8Array, offset: number, length: number): void {
    this.flows[slot].name = utf8.decode(src.slice(offset, offset + length));
  }
  setInfo(slot: number, src: Uint8Array, offset: number, length: number): void {
    this.flows[slot].info = utf8.decode(src.slice(offset, offset + length));
  }
}

function addrText(w: Uint32Array, v: number): string {
  if (v === 4) return [w[0] >>> 24, (w[0] >>> 16) & 255, (w[0] >>> 8) & 255, w[0] & 255].join('.');
  return Array.from(w, (x) => (x >>> 0).toString(16).padStart(8, '0')).join('');
}

/** Key as the golden comparison uses: L4, VLAN and the two endpoints in either order. */
export function flowKey(l4: number, vlan: number, a: string, ap: number, b: string, bp: number): string {
  const x = `${a}|${ap}`;
  const y = `${b}|${bp}`;
  return x < y ? `${l4}/${vlan}/${x}/${y}` : `${l4}/${vlan}/${y}/${x}`;
}

/** Classifies every flow of `file`; `engine` must have been built with flowCapacity >= flows. */
export function classifyCapture(file: string, engine: DpiEngine, sink = new HarnessSink()): HarnessFlow[] {
  const src = new PcapFileSource(file);
  const burst = new PacketBurst();
  const p = new DecodedPacket();
  const slots = new Map<string, number>();
  const first = new Map<number, string>();
  try {
    for (;;) {
      const n = src.nextBurst(burst);
      if (n === END_OF_CAPTURE) break;
      for (let i = 0; i < n; i++) {
        if (decodePacket(burst.data, burst.offset[i], burst.caplen[i], burst.linkType[i], p) !== 0) continue;
        const s = addrText(p.src, p.ipVersion);
        const d = addrText(p.dst, p.ipVersion);
        const key = flowKey(p.l4Proto, p.vlan, s, p.srcPort, d, p.dstPort);
        let slot = slots.get(key);
        if (slot === undefined) {
          slot = sink.flows.length;
          slots.set(key, slot);
          first.set(slot, `${s}|${p.srcPort}`);
          sink.flows.push({ key, slot, l4: p.l4Proto, vlan: p.vlan, l7: 0, categoryBreed: 0, riskLo: 0, riskHi: 0, score: 0, dpiPackets: 0, state: DpiState.Pending, name: '', info: '', packets: 0 });
        }
        const f = sink.flows[slot];
        f.packets++;
        if (f.state === DpiState.Pending) {
          engine.queue(slot, p.l3Offset, p.l3Length, burst.tsS[i] * 1000, first.get(slot) === `${s}|${p.srcPort}`);
        }
      }
      engine.flush(burst.data, sink);
    }
    engine.giveUpAll(sink);
  } finally {
    // The slots of this throw-away map are reused by the next capture: free them.
    for (let slot = 0; slot < sink.flows.length; slot++) engine.release(slot);
    src.close();
  }
  return sink.flows;
}
