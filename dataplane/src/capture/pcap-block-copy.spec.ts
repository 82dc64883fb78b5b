import { BlockCopier } from './pcap-block-copy';

describe('BlockCopier', () => {
  it('copies any range exactly, across block boundaries and up to a partial last block', () => {
    const source = new Uint8Array(256 * 9 + 77);
    for (let i = 0; i < source.length; i++) source[i] = (i * 31 + 7) & 0xff;
    const copier = new BlockCopier(source);
    const cases: [number, number][] = [[0, 0], [0, 1], [0, 256], [1, 255], [255, 257], [3, 256 * 5 + 9], [256, 512], [0, source.length], [256 * 9, source.length], [source.length - 1, source.length]];
    for (let i = 0; i < 200; i++) {
      const a = (i * 7919) % source.length;
      cases.push([a, a + ((i * 104729) % (source.length - a + 1))]);
    }
    for (const [from, to] of cases) {
      const target = new Uint8Array(source.length + 10).fill(0xee);
      expect(copier.copy(from, to, target, 5)).toBe(5 + to - from);
      expect(Buffer.from(target.subarray(5, 5 + to - from)).equals(Buffer.from(source.subarray(from, to)))).toBe(true);
      expect(target[4]).toBe(0xee);
      expect(target[5 + to - from]).toBe(0xee);
    }
  });
});
