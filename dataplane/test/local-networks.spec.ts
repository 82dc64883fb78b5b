import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PcapWriter, startDataplane } from '../src';

/** A UDP frame a.b.c.d -> 10.9.9.9:53 (Ethernet, IPv4 without checksum). */
function udpFrame(src: number[]): Uint8Array {
  const frame = new Uint8Array(60);
  const v = new DataView(frame.buffer);
  frame.set([2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00]);
  frame.set([0x45, 0, 0, 46, 0, 0, 0, 0, 64, 17, 0, 0, ...src, 10, 9, 9, 9], 14);
  v.setUint16(34, 40000);
  v.setUint16(36, 53);
  v.setUint16(38, 26);
  return frame;
}

/**
 * Local networks changed while the capture runs (the portal's settings page)
 * reach the workers: hosts first seen after the change are classified by the
 * new networks. The capture is replayed in real time, the second host 2 s
 * after the first, so the change lands between them.
 */
describe('setLocalNetworks on a running interface', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowprobe-localnets-'));
  const file = path.join(dir, 'two-hosts.pcap');

  beforeAll(() => {
    const w = new PcapWriter(file);
    const t = 1_767_571_200;
    w.writePacket(t, udpFrame([192, 168, 1, 1]), 0, 60);
    w.writePacket(t + 2, udpFrame([192, 168, 1, 2]), 0, 60);
    w.close();
  });

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('classifies hosts created after the change by the new networks', async () => {
    const handle = await startDataplane({ source: { kind: 'pcap', path: file, speed: 'realtime' }, workers: 1, dpi: false, localNetworks: [] });
    try {
      handle.setLocalNetworks(['192.168.0.0/16']);
      await handle.whenFinished();
      expect((await handle.getHost('192.168.1.2'))?.is_local).toBe(true);
      expect((await handle.getHost('10.9.9.9'))?.is_local).toBe(false);
    } finally {
      await handle.stop();
    }
  });

  it('refuses a bad CIDR with OPTIONS_INVALID before any worker sees it', async () => {
    const handle = await startDataplane({ source: { kind: 'pcap', path: file }, workers: 1, dpi: false });
    try {
      expect(() => handle.setLocalNetworks(['10.0.0.0/33'])).toThrow(expect.objectContaining({ code: 'OPTIONS_INVALID' }));
    } finally {
      await handle.stop();
    }
  });
});
