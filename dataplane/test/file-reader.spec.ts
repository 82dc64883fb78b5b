import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzeCapture } from '../src/analyze';
import { PcapWriter } from '../src/capture/pcap-writer';
import { RING_SLOT_BYTES, RING_SLOTS } from '../src/worker/packet-ring.layout';

/**
 * A capture file read by several workers goes through the file reader thread
 * (one read, packets handed over in shared slots). A capture larger than all
 * the slots together makes the reader refill slots while workers still work:
 * the flows must be exactly those of one worker reading the file itself.
 */
describe('file reader thread: a capture larger than its slots', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowprobe-file-reader-'));
  const file = path.join(dir, 'big.pcap');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  beforeAll(() => {
    // 1400-byte UDP frames over 5000 flows, both directions, until the file is 1.5 x the slots.
    const w = new PcapWriter(file, { linkType: 1 });
    const frame = new Uint8Array(1400);
    const v = new DataView(frame.buffer);
    frame.set([0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x08, 0x00], 0);
    frame.set([0x45, 0, 0x05, 0x6a, 0, 0, 0, 0, 64, 17, 0, 0], 14);
    v.setUint16(38, 1400 - 34);
    const packets = Math.ceil((1.5 * RING_SLOTS * RING_SLOT_BYTES) / (1400 + 16));
    for (let j = 0; j < packets; j++) {
      const flow = (j * 7919) % 5000;
      const reply = j % 3 === 0;
      const a = 0x0a000000 + flow;
      const b = 0xac100000 + (flow % 97);
      v.setUint32(26, reply ? b : a);
      v.setUint32(30, reply ? a : b);
      v.setUint16(34, reply ? 53 : 1024 + flow);
      v.setUint16(36, reply ? 1024 + flow : 53);
      w.writePacket(1767571200 + j * 1e-4, frame);
    }
    w.close();
  });

  it('gives 2 and 3 workers exactly the flows and counters of 1 worker', async () => {
    const key = (f: { client: { ip: string; port: number }; server: { ip: string; port: number } }) => `${f.client.ip}:${f.client.port}-${f.server.ip}:${f.server.port}`;
    const one = await analyzeCapture({ kind: 'pcap', path: file }, { workers: 1, dpi: false });
    const expected = new Map(one.flows.map((f) => [key(f), { c: f.cli2srv, s: f.srv2cli, first: f.first_seen, last: f.last_seen }]));
    expect(one.flows).toHaveLength(5000);
    for (const workers of [2, 3]) {
      const r = await analyzeCapture({ kind: 'pcap', path: file }, { workers, dpi: false });
      expect(r.error).toBeUndefined();
      expect(r.stats.packets).toBe(one.stats.packets);
      expect(r.stats.bytes).toBe(one.stats.bytes);
      expect(r.stats.workers.every((w) => w.packets > 0)).toBe(true);
      const got = new Map(r.flows.map((f) => [key(f), { c: f.cli2srv, s: f.srv2cli, first: f.first_seen, last: f.last_seen }]));
      expect(got).toEqual(expected);
    }
  });

  it('hands out every packet before a truncated record, then the error, with several workers', async () => {
    const cut = path.join(dir, 'cut.pcap');
    const whole = fs.readFileSync(file);
    fs.writeFileSync(cut, whole.subarray(0, whole.length - 700));
    const one = await analyzeCapture({ kind: 'pcap', path: cut }, { workers: 1, dpi: false });
    const two = await analyzeCapture({ kind: 'pcap', path: cut }, { workers: 2, dpi: false });
    expect(one.error).toMatch(/offset/);
    expect(two.error).toBe(one.error);
    expect(two.stats.packets).toBe(one.stats.packets);
    expect(two.stats.drops).toBe(one.stats.drops);
  });
});
