import * as path from 'node:path';
import { END_OF_CAPTURE } from '../src/capture/capture-source';
import { PacketBurst } from '../src/capture/packet-burst';
import { PcapFileSource } from '../src/capture/pcap-file-source';
import { decodePacket } from '../src/decode/decode-packet';
import { DecodedPacket } from '../src/decode/decoded-packet';
import { FlowTable } from '../src/flow/flow-table';
import { A, B, ipv4Packet, makeShard, UDP } from './flow-fixtures';
import { PCAP_DIR, sharedCaptures } from './ndpi-expected';

/**
 * The staged burst lookup (FlowTable.prefetchBurst + accountStaged, what
 * BurstLoop runs) must leave the flow and host shards exactly as accounting
 * packet by packet does, at every prefetch level: the prefetch stages only
 * load. Compared byte for byte over the whole shared buffers.
 */

interface Packets {
  ps: DecodedPacket[];
  ts: number[];
  bytes: number[];
}

/** Every decodable packet of the 46 shared captures, one after the other (packet time made increasing). */
function sharedPackets(): Packets {
  const out: Packets = { ps: [], ts: [], bytes: [] };
  const burst = new PacketBurst();
  let offsetS = 0;
  for (const capture of sharedCaptures()) {
    const source = new PcapFileSource(path.join(PCAP_DIR, capture));
    let last = 0;
    try {
      for (let n = source.nextBurst(burst); n !== END_OF_CAPTURE; n = source.nextBurst(burst)) {
        for (let i = 0; i < n; i++) {
          const p = new DecodedPacket();
          if (decodePacket(burst.data, burst.offset[i], burst.caplen[i], burst.linkType[i], p) !== 0) continue;
          out.ps.push(p);
          out.ts.push(offsetS + burst.tsS[i]);
          out.bytes.push(burst.caplen[i]);
          last = Math.max(last, burst.tsS[i]);
        }
      }
    } finally {
      source.close();
    }
    offsetS += last + 1;
  }
  return out;
}

function perPacket(flows: FlowTable, pk: Packets): number[] {
  const slots: number[] = [];
  for (let i = 0; i < pk.ps.length; i++) slots.push(flows.account(pk.ps[i], pk.ts[i], pk.bytes[i]));
  return slots;
}

function staged(flows: FlowTable, pk: Packets, stages: number, burstSize: number): number[] {
  const slots: number[] = [];
  flows.prefetchStages = stages;
  flows.reserveBurst(burstSize);
  for (let at = 0; at < pk.ps.length; at += burstSize) {
    const burst = pk.ps.slice(at, at + burstSize);
    flows.prefetchBurst(burst, burst.length);
    for (let j = 0; j < burst.length; j++) {
      flows.now[0] = pk.ts[at + j];
      slots.push(flows.accountStaged(j, burst[j], pk.bytes[at + j]));
    }
  }
  return slots;
}

function sameBytes(a: SharedArrayBuffer, b: SharedArrayBuffer): boolean {
  return Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;
}

describe('staged burst lookup (group prefetch)', () => {
  const pk = sharedPackets();

  it('reads the shared captures', () => {
    expect(pk.ps.length).toBeGreaterThan(20_000);
  });

  // 4096 flows: 8192 buckets for the ~3 600 flows, so some chains hold several flows.
  it.each([0, 1, 2, 3, 4])('stages %i: same slots and byte-identical flow and host shards as packet by packet', (stages) => {
    const a = makeShard(4096);
    const b = makeShard(4096);
    const slotsA = perPacket(a.flows, pk);
    const slotsB = staged(b.flows, pk, stages, 256);
    expect(a.flows.table.inUse).toBeGreaterThan(3000);
    expect(slotsB).toEqual(slotsA);
    expect(sameBytes(b.flows.sab, a.flows.sab)).toBe(true);
    expect(sameBytes(b.hosts.sab, a.hosts.sab)).toBe(true);
  });

  it('a table too small for the traffic: the same packets are unaccounted and chains full of other flows are walked', () => {
    const a = makeShard(64, 64);
    const b = makeShard(64, 64);
    const slotsA = perPacket(a.flows, pk);
    const slotsB = staged(b.flows, pk, 4, 256);
    expect(slotsA.filter((s) => s < 0).length).toBeGreaterThan(0);
    expect(slotsB).toEqual(slotsA);
    expect(sameBytes(b.flows.sab, a.flows.sab)).toBe(true);
    expect(sameBytes(b.hosts.sab, a.hosts.sab)).toBe(true);
  });

  it('a flow created by a packet finds its later packets (both directions) in the same burst', () => {
    const { flows } = makeShard(16);
    const burst = [
      ipv4Packet(new DecodedPacket(), UDP, A, 5000, B, 53),
      ipv4Packet(new DecodedPacket(), UDP, B, 53, A, 5000),
      ipv4Packet(new DecodedPacket(), UDP, A, 5000, B, 53),
    ];
    flows.reserveBurst(3);
    flows.prefetchBurst(burst, 3);
    flows.now[0] = 1;
    const s = flows.accountStaged(0, burst[0], 100);
    expect(flows.created).toBe(true);
    expect(flows.accountStaged(1, burst[1], 60)).toBe(s);
    expect(flows.created).toBe(false);
    expect(flows.dir).toBe(1);
    expect(flows.accountStaged(2, burst[2], 100)).toBe(s);
    expect(flows.dir).toBe(0);
    expect(flows.table.inUse).toBe(1);
  });
});
