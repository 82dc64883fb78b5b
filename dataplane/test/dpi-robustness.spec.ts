import * as path from 'node:path';
import { END_OF_CAPTURE } from '../src/capture/capture-source';
import { PacketBurst } from '../src/capture/packet-burst';
import { PcapFileSource } from '../src/capture/pcap-file-source';
import { decodePacket } from '../src/decode/decode-packet';
import { DecodedPacket } from '../src/decode/decoded-packet';
import { DpiEngine } from '../src/dpi/classifier';
import { NdpiStat } from '../src/dpi/ndpi.ffi';
import { DpiState } from '../src/flow/flow-table.layout';
import { HarnessSink } from './dpi-harness';
import { PCAP_DIR } from './ndpi-expected';

/**
 * Mutated and truncated copies of real IP packets, and entries pointing outside
 * the burst buffer, through the real nDPI: nothing crashes (a crash would take
 * the whole process down), every entry is either processed or counted as
 * skipped, and every state goes back to the pool.
 */
function realPackets(): Uint8Array[] {
  const out: Uint8Array[] = [];
  const burst = new PacketBurst();
  const p = new DecodedPacket();
  for (const name of ['1kxun.pcap', 'whatsapp_login_call.pcap', 'dns_fragmented.pcap', 'http_ipv6.pcap', 'snmp.pcap', 'quic.pcap']) {
    const src = new PcapFileSource(path.join(PCAP_DIR, name));
    while (src.nextBurst(burst) !== END_OF_CAPTURE) {
      for (let i = 0; i < burst.count; i++) {
        if (decodePacket(burst.data, burst.offset[i], burst.caplen[i], burst.linkType[i], p) === 0) out.push(burst.data.slice(p.l3Offset, p.l3Offset + p.l3Length));
      }
    }
    src.close();
  }
  return out;
}

describe('DPI robustness', () => {
  it('survives 60 000 mutated, truncated and out-of-bounds packets, accounting for each', () => {
    const packets = realPackets();
    let seed = 12345;
    const rnd = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    const flows = 4096;
    const engine = new DpiEngine({ flowCapacity: flows, maxConcurrentFlows: 512, batchCapacity: 256 });
    const sink = new HarnessSink();
    for (let s = 0; s < flows; s++) sink.flows.push({ key: '', slot: s, l4: 0, vlan: 0, l7: 0, categoryBreed: 0, riskLo: 0, riskHi: 0, score: 0, dpiPackets: 0, state: DpiState.Pending, name: '', info: '', packets: 0 });
    const data = new Uint8Array(256 * 2048);
    let queued = 0;
    let outOfBounds = 0;
    const before = engine.nativeStats().slice();
    for (let burst = 0; burst < 240; burst++) {
      let off = 0;
      for (let k = 0; k < 250; k++) {
        const src = packets[rnd(packets.length)];
        const len = rnd(4) === 0 ? rnd(src.length + 1) : src.length; // a quarter truncated
        data.set(src.subarray(0, len), off);
        const flips = rnd(8);
        // Even bursts: any byte (headers too); odd bursts: payload bytes only, so the packet
        // stays well-formed and the mutation reaches nDPI's protocol dissectors.
        const from = burst % 2 === 0 ? 0 : Math.min(len, 60);
        for (let f = 0; f < flips; f++) if (len > from) data[off + from + rnd(len - from)] = rnd(256);
        // Half the bursts mix L4 protocols in a slot (the shim must refuse them), half keep
        // TCP in even slots and the rest in odd ones, so mutated packets reach nDPI's dissectors.
        const tcpPacket = (src[0] >> 4 === 4 ? src[9] : src[6]) === 6;
        const slot = burst % 2 === 0 ? rnd(flows) : rnd(flows / 2) * 2 + (tcpPacket ? 0 : 1);
        if (sink.flows[slot].state !== DpiState.Pending) {
          engine.release(slot);
          sink.flows[slot].state = DpiState.Pending;
        }
        if (rnd(50) === 0) {
          engine.queue(slot, data.length - 10, 100, 1e12 + burst, true); // runs past the buffer
          outOfBounds++;
        } else {
          engine.queue(slot, off, len, 1e12 + burst, rnd(2) === 0);
        }
        queued++;
        off += len;
      }
      engine.flush(data, sink);
    }
    engine.giveUpAll(sink);
    const after = engine.nativeStats();
    const processed = after[NdpiStat.Packets] - before[NdpiStat.Packets];
    const skipped = after[NdpiStat.Skipped] - before[NdpiStat.Skipped];
    expect(queued).toBe(60000);
    expect(skipped).toBeGreaterThanOrEqual(outOfBounds);
    // Entries not processed: skipped (bounds, empty) or queued after their flow finished in the same batch.
    expect(processed + skipped).toBeLessThanOrEqual(queued);
    expect(processed).toBeGreaterThan(queued / 10); // nDPI really ran (many entries end early: flow already classified)
    expect(engine.statesInUse).toBe(0);
    engine.close();
  });
});
