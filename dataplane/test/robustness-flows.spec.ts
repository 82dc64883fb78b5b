import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { END_OF_CAPTURE } from '../src/capture/capture-source';
import { LinkType, PacketBurst } from '../src/capture/packet-burst';
import { PcapFileSource } from '../src/capture/pcap-file-source';
import { PcapWriter } from '../src/capture/pcap-writer';
import { analyzeCapture } from '../src';
import { MUTATION_KINDS, PacketMutator } from './fixtures/packet-mutator';
import { PCAP_DIR, sharedCaptures } from './ndpi-expected';

/**
 * Mutated and truncated copies of every real Ethernet packet of the shared
 * captures, written to a capture file and run through the whole pipeline
 * (file reader, 2 worker shards, decode, flow and host tracking, DPI): nothing
 * throws, and every packet is accounted for exactly once, either in a flow, as
 * unaccounted (table full), or under a decode cause.
 */
describe('robustness: mutated packets through decode and flow tracking', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowprobe-robust-'));
  const file = path.join(dir, 'mutants.pcap');
  let written = 0;

  beforeAll(() => {
    const writer = new PcapWriter(file, { linkType: LinkType.Ethernet });
    const mutator = new PacketMutator(0x5eed);
    const burst = new PacketBurst();
    let ts = 1_700_000_000;
    for (const name of sharedCaptures()) {
      const source = new PcapFileSource(path.join(PCAP_DIR, name));
      try {
        while (source.nextBurst(burst) !== END_OF_CAPTURE) {
          for (let i = 0; i < burst.count; i++) {
            if (burst.linkType[i] !== LinkType.Ethernet) continue;
            mutator.prepare(burst.data, burst.offset[i], burst.caplen[i], LinkType.Ethernet);
            for (let k = 0; k < MUTATION_KINDS; k++) {
              const len = mutator.mutate(k);
              writer.writePacket((ts += 0.001), mutator.scratch, 0, len);
              written++;
            }
          }
        }
      } finally {
        source.close();
      }
    }
    writer.close();
  });

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['roomy tables', 1 << 17],
    ['tiny tables (mostly full)', 64],
  ])('accounts every packet exactly once with %s', async (_label, flowCapacity) => {
    expect(written).toBeGreaterThan(50_000);
    const r = await analyzeCapture({ kind: 'pcap', path: file }, { workers: 2, flowCapacity, hostCapacity: flowCapacity });
    expect(r.error).toBeUndefined();
    expect(r.stats.packets).toBe(written);
    const decodeErrors = Object.values(r.stats.decode_errors).reduce((a, b) => a + b, 0);
    const inFlows = r.flows.reduce((n, f) => n + f.cli2srv.packets + f.srv2cli.packets, 0);
    const unaccounted = r.stats.workers.reduce((n, w) => n + w.unaccounted_packets, 0);
    expect(inFlows + unaccounted + decodeErrors).toBe(written);
    expect(decodeErrors).toBeGreaterThan(0);
    expect(inFlows).toBeGreaterThan(0);
    if (flowCapacity === 64) {
      expect(unaccounted).toBeGreaterThan(0);
      expect(r.stats.workers.every((w) => w.flow_table_full)).toBe(true);
    }
  });
});
