import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { END_OF_CAPTURE } from './capture-source';
import { PacketBurst } from './packet-burst';
import { CaptureFileError } from './pcap-file-error';
import { PcapFileSource } from './pcap-file-source';

/** Builds pcapng files block by block, in either byte order, for tests. */
class PcapngBuilder {
  readonly parts: Buffer[] = [];
  private le = true;

  get bytes(): number {
    return this.parts.reduce((a, b) => a + b.length, 0);
  }

  block(type: number, body: Buffer): this {
    const padded = Buffer.alloc((body.length + 3) & ~3);
    body.copy(padded);
    const total = 12 + padded.length;
    const head = Buffer.alloc(8);
    const tail = Buffer.alloc(4);
    this.u32(head, 0, type);
    this.u32(head, 4, total);
    this.u32(tail, 0, total);
    this.parts.push(head, padded, tail);
    return this;
  }

  shb(littleEndian: boolean): this {
    this.le = littleEndian;
    const body = Buffer.alloc(16);
    this.u32(body, 0, 0x1a2b3c4d);
    this.u16(body, 4, 1);
    this.u16(body, 6, 0);
    body.fill(0xff, 8, 16); // section length -1: unknown
    return this.block(0x0a0d0d0a, body);
  }

  idb(linkType: number, snaplen: number, tsresol?: number, tsoffsetS?: number): this {
    const opts: Buffer[] = [];
    if (tsresol !== undefined) opts.push(this.option(9, Buffer.from([tsresol])));
    if (tsoffsetS !== undefined) {
      const v = Buffer.alloc(8);
      if (this.le) v.writeBigInt64LE(BigInt(tsoffsetS));
      else v.writeBigInt64BE(BigInt(tsoffsetS));
      opts.push(this.option(14, v));
    }
    if (opts.length > 0) opts.push(this.option(0, Buffer.alloc(0)));
    const head = Buffer.alloc(8);
    this.u16(head, 0, linkType);
    this.u32(head, 4, snaplen);
    return this.block(1, Buffer.concat([head, ...opts]));
  }

  epb(ifId: number, tsUnits: bigint, data: Buffer, wirelen = data.length): this {
    const head = Buffer.alloc(20);
    this.u32(head, 0, ifId);
    this.u32(head, 4, Number(tsUnits >> 32n));
    this.u32(head, 8, Number(tsUnits & 0xffffffffn));
    this.u32(head, 12, data.length);
    this.u32(head, 16, wirelen);
    const padded = Buffer.alloc((data.length + 3) & ~3);
    data.copy(padded);
    // An opt_comment after the packet, to prove options are skipped.
    return this.block(6, Buffer.concat([head, padded, this.option(1, Buffer.from('hi')), this.option(0, Buffer.alloc(0))]));
  }

  pb(ifId: number, tsUnits: bigint, data: Buffer): this {
    const head = Buffer.alloc(20);
    this.u16(head, 0, ifId);
    this.u32(head, 4, Number(tsUnits >> 32n));
    this.u32(head, 8, Number(tsUnits & 0xffffffffn));
    this.u32(head, 12, data.length);
    this.u32(head, 16, data.length);
    return this.block(2, Buffer.concat([head, data]));
  }

  spb(data: Buffer, wirelen: number): this {
    const head = Buffer.alloc(4);
    this.u32(head, 0, wirelen);
    return this.block(3, Buffer.concat([head, data]));
  }

  write(file: string): string {
    fs.writeFileSync(file, Buffer.concat(this.parts));
    return file;
  }

  private option(code: number, value: Buffer): Buffer {
    const b = Buffer.alloc(4 + ((value.length + 3) & ~3));
    this.u16(b, 0, code);
    this.u16(b, 2, value.length);
    value.copy(b, 4);
    return b;
  }

  private u16(b: Buffer, o: number, v: number): void {
    if (this.le) b.writeUInt16LE(v, o);
    else b.writeUInt16BE(v, o);
  }

  private u32(b: Buffer, o: number, v: number): void {
    if (this.le) b.writeUInt32LE(v >>> 0, o);
    else b.writeUInt32BE(v >>> 0, o);
  }
}

interface Pkt {
  ts: number;
  data: Buffer;
  wirelen: number;
  linkType: number;
  ifIndex: number;
}

function readAll(file: string, burst = new PacketBurst(), chunkBytes?: number): { pkts: Pkt[]; error: CaptureFileError | null } {
  const src = new PcapFileSource(file, { chunkBytes });
  const pkts: Pkt[] = [];
  let error: CaptureFileError | null = null;
  try {
    for (let n = src.nextBurst(burst); n !== END_OF_CAPTURE; n = src.nextBurst(burst)) {
      for (let i = 0; i < n; i++) {
        pkts.push({
          ts: burst.tsS[i],
          data: Buffer.from(burst.data.subarray(burst.offset[i], burst.offset[i] + burst.caplen[i])),
          wirelen: burst.wirelen[i],
          linkType: burst.linkType[i],
          ifIndex: burst.ifIndex[i],
        });
      }
    }
  } catch (err) {
    if (!(err instanceof CaptureFileError)) throw err;
    error = err;
  }
  expect(src.format).toBe('pcapng');
  src.close();
  return { pkts, error };
}

const frame = (len: number, fill: number): Buffer => Buffer.alloc(len, fill);

describe('PcapFileSource (pcapng)', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowprobe-pcapng-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads two interfaces with their own link type and timestamp resolution, skipping other blocks', () => {
    const b = new PcapngBuilder()
      .shb(true)
      .idb(1, 65535) // Ethernet, default microseconds
      .block(4, Buffer.from([1, 0, 4, 0, 10, 0, 0, 1, 0x61, 0x00, 0, 0, 0, 0, 0, 0])) // NRB
      .idb(101, 65535, 9) // raw IP, nanoseconds
      .epb(0, 1700000000_123456n, frame(60, 1))
      .epb(1, 1700000001_987654321n, frame(40, 2), 1400)
      .block(5, Buffer.alloc(12)) // ISB
      .block(0x00000bad, Buffer.from('custom block with private enterprise number'))
      .block(0x40000bad, Buffer.from('custom, not to be copied'))
      .epb(0, 1700000002_000001n, frame(1514, 3));
    const { pkts, error } = readAll(b.write(path.join(dir, 'two-if.pcapng')));
    expect(error).toBeNull();
    expect(pkts.map((p) => [p.linkType, p.ifIndex, p.data.length, p.data[0], p.wirelen])).toEqual([
      [1, 0, 60, 1, 60],
      [101, 1, 40, 2, 1400],
      [1, 0, 1514, 3, 1514],
    ]);
    expect(pkts[0].ts).toBeCloseTo(1700000000.123456, 6);
    expect(Math.abs(pkts[1].ts - 1700000001.987654321)).toBeLessThan(2.5e-7);
    expect(pkts[2].ts).toBeCloseTo(1700000002.000001, 6);
  });

  it('applies binary if_tsresol and if_tsoffset', () => {
    const b = new PcapngBuilder()
      .shb(true)
      .idb(1, 0, 0x80 | 10, 1600000000) // units of 2^-10 s, offset 1.6e9 s
      .epb(0, 1024n * 5n + 512n, frame(60, 0))
      .idb(1, 0, 3) // milliseconds
      .epb(1, 1700000000_250n, frame(60, 0));
    const { pkts } = readAll(b.write(path.join(dir, 'tsresol.pcapng')));
    expect(pkts[0].ts).toBe(1600000005.5);
    expect(pkts[1].ts).toBeCloseTo(1700000000.25, 9);
  });

  it('reads several sections in both byte orders; interface ids restart in each section', () => {
    const b = new PcapngBuilder()
      .shb(false)
      .idb(113, 262144)
      .idb(1, 262144)
      .epb(1, 1000_000001n, frame(70, 7))
      .epb(0, 1000_000002n, frame(80, 8))
      .shb(true)
      .idb(276, 262144, 9)
      .epb(0, 2000_000000003n, frame(90, 9))
      .shb(false)
      .idb(0, 0)
      .epb(0, 3000_000000n, frame(24, 10));
    const { pkts, error } = readAll(b.write(path.join(dir, 'sections.pcapng')), new PacketBurst(2));
    expect(error).toBeNull();
    expect(pkts.map((p) => [p.linkType, p.ifIndex, p.data.length, p.data[0]])).toEqual([
      [1, 1, 70, 7],
      [113, 0, 80, 8],
      [276, 0, 90, 9],
      [0, 0, 24, 10],
    ]);
    expect(pkts.map((p) => p.ts)).toEqual([1000.000001, 1000.000002, 2000.000000003, 3000]);
  });

  it('takes the captured length of a simple packet block from the snaplen of interface 0', () => {
    const b = new PcapngBuilder()
      .shb(true)
      .idb(1, 64)
      .idb(101, 9000)
      .epb(1, 5_000000n, frame(100, 1))
      .spb(frame(64, 2), 1514) // snapped to 64 bytes by interface 0
      .spb(frame(30, 3), 30); // shorter than the snaplen: padded block, 30 bytes of packet
    const { pkts, error } = readAll(b.write(path.join(dir, 'spb.pcapng')));
    expect(error).toBeNull();
    expect(pkts.map((p) => [p.linkType, p.ifIndex, p.data.length, p.wirelen, p.data[0]])).toEqual([
      [101, 1, 100, 100, 1],
      [1, 0, 64, 1514, 2],
      [1, 0, 30, 30, 3],
    ]);
    // SPBs carry no timestamp: they reuse the previous packet's.
    expect(pkts[1].ts).toBe(5);
  });

  it('reads the obsolete Packet Block', () => {
    const b = new PcapngBuilder().shb(true).idb(1, 0).pb(0, 42_500000n, frame(60, 5));
    const { pkts } = readAll(b.write(path.join(dir, 'pb.pcapng')));
    expect(pkts.map((p) => [p.ts, p.data.length, p.data[0]])).toEqual([[42.5, 60, 5]]);
  });

  it('crosses chunk and burst boundaries and skips blocks larger than the chunk by seeking', () => {
    const b = new PcapngBuilder().shb(true).idb(1, 0);
    for (let i = 0; i < 500; i++) {
      b.epb(0, BigInt(1000_000000 + i), frame(1 + ((i * 37) % 1500), i & 0xff));
      if (i === 250) b.block(0x00000bad, Buffer.alloc(20000, 0xee));
    }
    const { pkts, error } = readAll(b.write(path.join(dir, 'many.pcapng')), new PacketBurst(7, 8000), 8192);
    expect(error).toBeNull();
    expect(pkts.length).toBe(500);
    for (let i = 0; i < 500; i++) {
      expect(pkts[i].data.length).toBe(1 + ((i * 37) % 1500));
      expect(pkts[i].data.every((x) => x === (i & 0xff))).toBe(true);
    }
  });

  describe('corrupt files: packets before the bad block first, then a CaptureFileError with its offset', () => {
    function base(): PcapngBuilder {
      return new PcapngBuilder().shb(true).idb(1, 0).epb(0, 1_000000n, frame(60, 1)).epb(0, 2_000000n, frame(60, 2));
    }

    it('truncated inside a packet block', () => {
      const b = base();
      const badOffset = b.bytes;
      b.epb(0, 3_000000n, frame(60, 3));
      const file = b.write(path.join(dir, 'trunc.pcapng'));
      fs.truncateSync(file, badOffset + 40);
      const { pkts, error } = readAll(file);
      expect(pkts.length).toBe(2);
      expect(error).toMatchObject({ code: 'PCAPNG_TRUNCATED_BLOCK', offset: badOffset });
      expect(error?.message).toContain(`byte offset ${badOffset}`);
    });

    it('truncated inside a skipped block', () => {
      const b = base();
      const badOffset = b.bytes;
      b.block(0x00000bad, Buffer.alloc(100000));
      const file = b.write(path.join(dir, 'trunc-skip.pcapng'));
      fs.truncateSync(file, badOffset + 50000);
      const { pkts, error } = readAll(file, new PacketBurst(), 16384);
      expect(pkts.length).toBe(2);
      expect(error).toMatchObject({ code: 'PCAPNG_TRUNCATED_BLOCK', offset: badOffset });
    });

    it.each([
      ['trailing length differs', (buf: Buffer, at: number) => buf.writeUInt32LE(999, at + 104 - 4)],
      ['length not a multiple of 4', (buf: Buffer, at: number) => buf.writeUInt32LE(97, at + 4)],
      ['length below 12', (buf: Buffer, at: number) => buf.writeUInt32LE(8, at + 4)],
    ])('bad block length: %s', (_name, corrupt) => {
      const b = base();
      const badOffset = b.bytes;
      // 8 (type, length) + 20 (EPB fields) + 60 (packet) + 8 (opt_comment) + 4 (opt_endofopt) + 4 (trailer).
      b.epb(0, 3_000000n, frame(60, 3));
      b.epb(0, 4_000000n, frame(60, 4));
      const buf = Buffer.concat(b.parts);
      expect(buf.readUInt32LE(badOffset + 4)).toBe(104);
      corrupt(buf, badOffset);
      const file = path.join(dir, 'badlen.pcapng');
      fs.writeFileSync(file, buf);
      const { pkts, error } = readAll(file);
      expect(pkts.length).toBe(2);
      expect(error).toMatchObject({ code: 'PCAPNG_BAD_BLOCK_LENGTH', offset: badOffset });
    });

    it('packet on an interface the section does not describe', () => {
      const b = base();
      const badOffset = b.bytes;
      b.epb(1, 3_000000n, frame(60, 3));
      const { pkts, error } = readAll(b.write(path.join(dir, 'noif.pcapng')));
      expect(pkts.length).toBe(2);
      expect(error).toMatchObject({ code: 'PCAPNG_UNKNOWN_INTERFACE', offset: badOffset });
    });

    it('captured length larger than the block', () => {
      const b = base();
      const badOffset = b.bytes;
      b.epb(0, 3_000000n, frame(60, 3));
      const buf = Buffer.concat(b.parts);
      buf.writeUInt32LE(200, badOffset + 20);
      const file = path.join(dir, 'caplen.pcapng');
      fs.writeFileSync(file, buf);
      const { pkts, error } = readAll(file);
      expect(pkts.length).toBe(2);
      expect(error).toMatchObject({ code: 'PCAPNG_BAD_CAPLEN', offset: badOffset });
    });

    it('second section with a bad byte-order magic or version', () => {
      const b = base();
      const badOffset = b.bytes;
      b.shb(true).idb(1, 0);
      const buf = Buffer.concat(b.parts);
      buf.writeUInt32LE(0x11223344, badOffset + 8);
      const file = path.join(dir, 'bom.pcapng');
      fs.writeFileSync(file, buf);
      expect(readAll(file).error).toMatchObject({ code: 'PCAPNG_BAD_BYTE_ORDER', offset: badOffset });
      buf.writeUInt32LE(0x1a2b3c4d, badOffset + 8);
      buf.writeUInt16LE(2, badOffset + 12);
      fs.writeFileSync(file, buf);
      const { pkts, error } = readAll(file);
      expect(pkts.length).toBe(2);
      expect(error).toMatchObject({ code: 'PCAPNG_UNSUPPORTED_VERSION', offset: badOffset });
    });
  });
});
