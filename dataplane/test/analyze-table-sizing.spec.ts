import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzeCapture } from '../src/analyze';
import { PcapWriter } from '../src/capture/pcap-writer';
import { DEFAULT_FLOW_CAPACITY, DEFAULT_HOST_CAPACITY } from '../src/dataplane';
import { MIN_FRAME_BYTES } from '../src/decode/decode-packet';

/**
 * `analyze` sizes its tables from the capture file (start-up: the default tables are
 * formatted before the first packet). The bound must hold for the densest file there is:
 * raw-IP packets of the shortest frame decoded (a 20-byte IPv4 header and an 8-byte UDP
 * header), each a new flow between two new hosts.
 */
describe('analyze: tables sized from the capture file', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowprobe-table-sizing-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** `n` raw-IP packets (link type 101) of 28 bytes, each UDP from 10.x to 172.16.x. */
  function denseCapture(n: number): string {
    const file = path.join(dir, `dense-${n}.pcap`);
    const w = new PcapWriter(file, { linkType: 101 });
    const ip = new Uint8Array(MIN_FRAME_BYTES);
    const v = new DataView(ip.buffer);
    ip.set([0x45, 0, 0, MIN_FRAME_BYTES, 0, 0, 0, 0, 64, 17], 0);
    ip.set([0x30, 0x39, 0, 53, 0, 8], 20);
    for (let j = 0; j < n; j++) {
      v.setUint32(12, 0x0a000000 + j);
      v.setUint32(16, 0xac100000 + j);
      w.writePacket(1767571200 + j * 1e-3, ip);
    }
    w.close();
    return file;
  }

  it('gives a dense file exactly the slots it can need, and counts every flow and host', async () => {
    const n = 3000;
    const file = denseCapture(n);
    const r = await analyzeCapture({ kind: 'pcap', path: file }, { workers: 1, dpi: false });
    expect(r.error).toBeUndefined();
    expect(r.stats.packets).toBe(n);
    expect(r.flows).toHaveLength(n);
    expect(r.hosts).toBe(2 * n);
    const [w] = r.stats.workers;
    expect(w.flow_table_full).toBe(false);
    expect(w.host_table_full).toBe(false);
    expect(w.unaccounted_packets).toBe(0);
    // 24-byte file header + n x (16 + 28) bytes: room for n + 1 flows.
    expect(w.flow_capacity).toBe(Math.ceil(fs.statSync(file).size / (16 + MIN_FRAME_BYTES)));
    expect(w.flow_capacity).toBeLessThan(DEFAULT_FLOW_CAPACITY);
    expect(w.host_capacity).toBe(4 * w.flow_capacity);
  });

  it('keeps what the caller asks, and the defaults for a file that could hold more', async () => {
    const asked = await analyzeCapture({ kind: 'pcap', path: denseCapture(10) }, { workers: 1, dpi: false, flowCapacity: 4096, hostCapacity: 8192 });
    expect(asked.stats.workers[0]).toMatchObject({ flow_capacity: 4096, host_capacity: 8192 });
    // Room for DEFAULT_FLOW_CAPACITY + 1 bare packets: the defaults, not more.
    const big = await analyzeCapture({ kind: 'pcap', path: denseCapture(DEFAULT_FLOW_CAPACITY) }, { workers: 1, dpi: false });
    expect(big.stats.workers[0]).toMatchObject({ flow_capacity: DEFAULT_FLOW_CAPACITY, host_capacity: DEFAULT_HOST_CAPACITY });
    expect(big.stats.workers[0].flow_table_full).toBe(false);
    expect(big.flows).toHaveLength(DEFAULT_FLOW_CAPACITY);
  });
});
