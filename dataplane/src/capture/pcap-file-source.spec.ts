import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { END_OF_CAPTURE } from './capture-source';
import { PacketBurst } from './packet-burst';
import { CaptureFileError } from './pcap-file-error';
import { PcapFileSource } from './pcap-file-source';
import { PcapWriter, PcapWriterOptions } from './pcap-writer';

/** The shared nDPI captures: FLOWPROBE_PCAPS, else the `shared/` folder beside the repository. */
const NDPI_DIR = process.env.FLOWPROBE_PCAPS ?? path.resolve(__dirname, '../../../../shared/pcaps/ndpi');

/**
 * Ground truth per capture: packets from the table in shared/pcaps/README.md, total captured
 * bytes measured with libpcap 1.10 (pcap_next_ex over the file, summing caplen). For the classic
 * pcap files the bytes also equal file size - 24 - 16 * packets, checked below.
 */
const NDPI_TRUTH: Record<string, [packets: number, caplenBytes: number]> = {
  '1kxun.pcap': [1723, 2527774],
  '443-git.pcap': [70, 37189],
  '6in4tunnel.pcap': [127, 40293],
  'KakaoTalk_chat.pcap': [347, 71936],
  'NTPv3.pcap': [1, 90],
  'NTPv4.pcap': [1, 90],
  'alexa-app.pcapng': [3103, 1171135],
  'android.pcap': [500, 133530],
  'bittorrent.pcap': [299, 305728],
  'bittorrent_utp.pcap': [92, 41870],
  'dns.pcap': [5, 536],
  'dns_doh.pcap': [142, 20362],
  'dns_fragmented.pcap': [66, 23170],
  'dropbox.pcap': [848, 90532],
  'exe_download.pcap': [20, 14869],
  'facebook.pcap': [60, 30511],
  'firefox.pcap': [129, 60233],
  'ftp.pcap': [209, 125574],
  'gnutella.pcap': [3905, 578418],
  'http.pcapng': [10, 1278],
  'http_connect.pcap': [100, 63515],
  'http_ipv6.pcap': [193, 66327],
  'icmp-tunnel.pcap': [961, 195808],
  'ip_fragmented_garbage.pcap': [1252, 62584],
  'mysql.pcapng': [41, 7009],
  'netbios.pcap': [261, 24812],
  'nfsv3.pcap': [128, 22816],
  'ocs.pcap': [946, 67385],
  'openvpn.pcap': [706, 139146],
  'quic-29.pcap': [15, 9386],
  'quic-v2.pcapng': [19, 12970],
  'quic.pcap': [518, 348566],
  'rdp.pcap': [20, 3658],
  'reddit.pcap': [1942, 713996],
  'sip.pcap': [112, 49159],
  'smb_deletefile.pcap': [101, 30748],
  'smtp.pcap': [95, 23157],
  'snmp.pcap': [72, 14435],
  'ssh.pcap': [295, 44977],
  'steam.pcapng': [48, 12726],
  'stun.pcap': [201, 28828],
  'synscan.pcap': [2011, 116672],
  'vxlan.pcap': [127, 85322],
  'whatsapp_login_call.pcap': [1253, 193190],
  'wireguard.pcap': [52, 12740],
  'zoom.pcap': [781, 382666],
};
/** First and last packet time (file order), seconds, as libpcap 1.10 reports them (microseconds). */
const NDPI_FIRST_LAST_TS: Record<string, [first: number, last: number]> = {
  '1kxun.pcap': [1470104373.025824, 1654385236.487007],
  '443-git.pcap': [1581113657.633853, 1581113658.456571],
  '6in4tunnel.pcap': [1444236893.450580, 1444236915.586195],
  'KakaoTalk_chat.pcap': [1430069021.959113, 1430069073.299933],
  'NTPv3.pcap': [1436865405.371462, 1436865405.371462],
  'NTPv4.pcap': [1436865396.190857, 1436865396.190857],
  'alexa-app.pcapng': [1490976022.526783, 1490976198.776068],
  'android.pcap': [1582454769.772338, 1582454872.047699],
  'bittorrent.pcap': [1455469967.246718, 1455469982.106134],
  'bittorrent_utp.pcap': [1456385034.843882, 1704898949.036733],
  'dns.pcap': [1112172654.366527, 1484673025.976144],
  'dns_doh.pcap': [1571089200.789290, 1571089204.031014],
  'dns_fragmented.pcap': [1558968008.021140, 1560869916.477286],
  'dropbox.pcap': [1455907271.481938, 1535391682.514087],
  'exe_download.pcap': [1569434051.004796, 1569434051.760034],
  'facebook.pcap': [1472393122.365661, 1472393124.229315],
  'firefox.pcap': [1620927997.754367, 1620927999.228482],
  'ftp.pcap': [1552590234.892296, 1552590243.371057],
  'gnutella.pcap': [0.000022, 600.247226],
  'http.pcapng': [1643129441.023341, 1643129441.065505],
  'http_connect.pcap': [1631454722.864133, 1631454722.977251],
  'http_ipv6.pcap': [1448269123.954061, 1448269146.970056],
  'icmp-tunnel.pcap': [1360227866.458898, 1360228988.973740],
  'ip_fragmented_garbage.pcap': [1534244024.697756, 1534244025.612419],
  'mysql.pcapng': [1705960164.821097, 1705961447.627544],
  'netbios.pcap': [1447772210.350540, 1645514718.788263],
  'nfsv3.pcap': [944207397.280000, 944207397.750000],
  'ocs.pcap': [1449652784.341686, 1449652846.380718],
  'openvpn.pcap': [62.262978, 1722426295.520888],
  'quic-29.pcap': [1592171671.664832, 1592171671.699048],
  'quic-v2.pcapng': [1671528048.896780, 1671528049.435550],
  'quic.pcap': [1431155536.815947, 1463075954.300949],
  'rdp.pcap': [1559207465.138576, 1559207465.509666],
  'reddit.pcap': [1605291684.451133, 1605291698.602574],
  'sip.pcap': [1120469572.844249, 1120471094.413365],
  'smb_deletefile.pcap': [1584368315.417275, 1584368317.802053],
  'smtp.pcap': [934028408.568957, 934028408.801610],
  'snmp.pcap': [1597326815.572660, 1643703001.963541],
  'ssh.pcap': [1320435464.760244, 1720684524.712342],
  'steam.pcapng': [1705442515.175582, 1705442516.243974],
  'stun.pcap': [1568718599.876883, 1697468913.582927],
  'synscan.pcap': [1278275056.274870, 1278275079.360213],
  'vxlan.pcap': [1639650442.645225, 1639650443.276366],
  'whatsapp_login_call.pcap': [1432582222.253233, 1432582361.929399],
  'wireguard.pcap': [1532126321.356858, 1563973564.026333],
  'zoom.pcap': [1569520466.080774, 1673445056.996306],
};
/** Link types named in the README (everything else is Ethernet). */
const NDPI_LINK_TYPES: Record<string, number> = { 'KakaoTalk_chat.pcap': 113, 'quic-v2.pcapng': 113, 'ocs.pcap': 101, 'rdp.pcap': 0 };
const PCAPNG_FILES = ['bittorrent_utp.pcap', 'dns.pcap', 'netbios.pcap', 'openvpn.pcap', 'snmp.pcap', 'ssh.pcap', 'stun.pcap', 'wireguard.pcap', 'zoom.pcap'];

interface ReadResult {
  packets: number;
  bytes: number;
  ts: number[];
  frames: Buffer[];
  linkTypes: Set<number>;
  error: CaptureFileError | null;
}

/** Reads a whole file (test helper: allocation here is fine). */
function readAll(file: string, burst = new PacketBurst(), chunkBytes?: number): ReadResult {
  const src = new PcapFileSource(file, { chunkBytes });
  const out: ReadResult = { packets: 0, bytes: 0, ts: [], frames: [], linkTypes: new Set(), error: null };
  try {
    for (;;) {
      const n = src.nextBurst(burst);
      if (n === END_OF_CAPTURE) break;
      for (let i = 0; i < n; i++) {
        out.packets++;
        out.bytes += burst.caplen[i];
        out.ts.push(burst.tsS[i]);
        out.frames.push(Buffer.from(burst.data.subarray(burst.offset[i], burst.offset[i] + burst.caplen[i])));
        out.linkTypes.add(burst.linkType[i]);
      }
    }
  } catch (err) {
    if (!(err instanceof CaptureFileError)) throw err;
    out.error = err;
  } finally {
    expect(src.stats().packets).toBe(out.packets);
    expect(src.stats().bytes).toBe(out.bytes);
    src.close();
  }
  return out;
}

/** Deterministic pseudo-random packets of varied sizes. */
function makePackets(count: number, seed: number): { ts: number[]; frames: Buffer[] } {
  let s = seed >>> 0;
  const rnd = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
  const ts: number[] = [];
  const frames: Buffer[] = [];
  let t = 1700000000;
  for (let i = 0; i < count; i++) {
    t += rnd() * 0.01;
    const size = i % 97 === 0 ? 9000 : 1 + Math.floor(rnd() * 1514);
    const f = Buffer.alloc(size);
    for (let j = 0; j < size; j++) f[j] = (i + j * 7) & 0xff;
    ts.push(Math.round(t * 1e6) / 1e6);
    frames.push(f);
  }
  return { ts, frames };
}

describe('PcapFileSource (classic pcap)', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowprobe-pcap-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  function writeFile(name: string, options: PcapWriterOptions, ts: number[], frames: Buffer[]): string {
    const file = path.join(dir, name);
    const w = new PcapWriter(file, { ...options, bufferBytes: 70000 });
    for (let i = 0; i < frames.length; i++) w.writePacket(ts[i], frames[i]);
    w.close();
    expect(fs.statSync(file).size).toBe(w.fileBytes);
    return file;
  }

  it.each([
    ['little-endian microseconds', {}],
    ['big-endian microseconds', { bigEndian: true }],
    ['little-endian nanoseconds', { nanosecond: true }],
    ['big-endian nanoseconds', { bigEndian: true, nanosecond: true }],
  ])('round-trips %s through PcapWriter across chunk and burst boundaries', (_name, options) => {
    const { ts, frames } = makePackets(3000, 7);
    const file = writeFile(`rt-${Object.keys(options).join('-')}.pcap`, { ...options, linkType: 101 }, ts, frames);
    // Small chunk (forces refills mid-record) and small burst data (forces partial bursts).
    const got = readAll(file, new PacketBurst(64, 40000), 32768);
    expect(got.error).toBeNull();
    expect(got.packets).toBe(frames.length);
    expect(got.linkTypes).toEqual(new Set([101]));
    for (let i = 0; i < frames.length; i++) {
      expect(got.ts[i]).toBeCloseTo(ts[i], 6);
      expect(got.frames[i].equals(frames[i])).toBe(true);
    }
  });

  /**
   * Reads a whole file in place through `rings` data buffers used in turn (as the file reader
   * thread's shared slots), checking each burst's packets again after the next `rings - 1`
   * bursts were read into the other buffers: they must still lie where they were read.
   */
  function readAllInPlace(file: string, rings: number, chunkBytes: number, capacity: number): ReadResult & { bursts: number } {
    const src = new PcapFileSource(file, { chunkBytes });
    expect(src.readInPlace()).toBe(true);
    const bursts = Array.from({ length: rings }, () => new PacketBurst(capacity, chunkBytes));
    const out: ReadResult & { bursts: number } = { packets: 0, bytes: 0, ts: [], frames: [], linkTypes: new Set(), error: null, bursts: 0 };
    const held: { burst: PacketBurst; copies: Buffer[]; offsets: number[] }[] = [];
    try {
      for (let k = 0; ; k++) {
        const burst = bursts[k % rings];
        // This buffer is about to be refilled: what it held must not have moved since it was read.
        const old = held.findIndex((h) => h.burst === burst);
        if (old >= 0) {
          const h = held.splice(old, 1)[0];
          h.copies.forEach((c, i) => expect(Buffer.from(burst.data.subarray(h.offsets[i], h.offsets[i] + c.length)).equals(c)).toBe(true));
        }
        const n = src.nextBurst(burst);
        if (n === END_OF_CAPTURE) break;
        out.bursts++;
        const copies: Buffer[] = [];
        const offsets: number[] = [];
        for (let i = 0; i < n; i++) {
          const frame = Buffer.from(burst.data.subarray(burst.offset[i], burst.offset[i] + burst.caplen[i]));
          out.packets++;
          out.bytes += burst.caplen[i];
          out.ts.push(burst.tsS[i]);
          out.frames.push(frame);
          copies.push(frame);
          offsets.push(burst.offset[i]);
        }
        held.push({ burst, copies, offsets });
      }
    } catch (err) {
      if (!(err instanceof CaptureFileError)) throw err;
      out.error = err;
    } finally {
      expect(src.stats().packets).toBe(out.packets);
      expect(src.stats().bytes).toBe(out.bytes);
      src.close();
    }
    return out;
  }

  it.each([
    ['bursts ended by the buffer filling up', 3, 32768, 4096],
    ['bursts ended by the packet count', 2, 65536, 16],
  ])('reads in place (%s): the same packets as the copying reader, left where they were read', (_name, rings, chunkBytes, capacity) => {
    const { ts, frames } = makePackets(3000, 11);
    const file = writeFile('in-place.pcap', { linkType: 1 }, ts, frames);
    const got = readAllInPlace(file, rings, chunkBytes, capacity);
    expect(got.error).toBeNull();
    expect(got.packets).toBe(frames.length);
    expect(got.bursts).toBeGreaterThan(frames.length / capacity);
    for (let i = 0; i < frames.length; i++) {
      expect(got.ts[i]).toBeCloseTo(ts[i], 6);
      expect(got.frames[i].equals(frames[i])).toBe(true);
    }
  });

  it('reads in place up to a truncation, then throws with the offset; pcapng is not read in place', () => {
    const frames = Array.from({ length: 300 }, (_, i) => Buffer.alloc(100, i));
    const file = writeFile('trunc-in-place.pcap', {}, frames.map((_, i) => 1000 + i), frames);
    const recordBytes = 16 + 100;
    fs.truncateSync(file, 24 + 299 * recordBytes + 30);
    const got = readAllInPlace(file, 2, 8192, 4096);
    expect(got.packets).toBe(299);
    expect(got.frames[298].equals(frames[298])).toBe(true);
    expect(got.error?.code).toBe('PCAP_TRUNCATED_RECORD');
    expect(got.error?.offset).toBe(24 + 299 * recordBytes);
    const ng = new PcapFileSource(path.join(NDPI_DIR, 'http.pcapng'));
    expect(ng.readInPlace()).toBe(false);
    ng.close();
  });

  it('keeps nanosecond timestamps as precisely as a double allows', () => {
    const file = path.join(dir, 'ns.pcap');
    const w = new PcapWriter(file, { nanosecond: true });
    w.writeRecord(1700000000, 123456789, Buffer.alloc(60));
    w.writeRecord(1000, 999999999, Buffer.alloc(60));
    w.close();
    const got = readAll(file);
    // A double near 1.7e9 s resolves about 0.24 us; near 1000 s it resolves 0.1 ps.
    expect(Math.abs(got.ts[0] - 1700000000.123456789)).toBeLessThan(2.5e-7);
    expect(Math.round((got.ts[1] - 1000) * 1e9)).toBe(999999999);
  });

  it('reports wire length and returns END_OF_CAPTURE repeatedly at the end', () => {
    const file = path.join(dir, 'wire.pcap');
    const w = new PcapWriter(file, { snaplen: 96 });
    w.writePacket(1, Buffer.alloc(96), 0, 96, 1500);
    w.close();
    const src = new PcapFileSource(file);
    const burst = new PacketBurst();
    expect(src.nextBurst(burst)).toBe(1);
    expect(burst.wirelen[0]).toBe(1500);
    expect(burst.caplen[0]).toBe(96);
    expect(src.nextBurst(burst)).toBe(END_OF_CAPTURE);
    expect(src.nextBurst(burst)).toBe(END_OF_CAPTURE);
    expect(burst.count).toBe(0);
    src.rewind();
    expect(src.nextBurst(burst)).toBe(1);
    src.close();
  });

  it.each([
    ['inside a packet', 16 + 50],
    ['inside a record header', 5],
  ])('delivers every packet before a truncation %s, then throws with the offset', (_name, extra) => {
    const frames = Array.from({ length: 10 }, (_, i) => Buffer.alloc(100, i));
    const ts = frames.map((_, i) => 1000 + i);
    const file = writeFile('trunc.pcap', {}, ts, frames);
    const recordBytes = 16 + 100;
    const cut = 24 + 9 * recordBytes + extra;
    fs.truncateSync(file, cut);
    const got = readAll(file, new PacketBurst(4));
    expect(got.packets).toBe(9);
    expect(got.bytes).toBe(900);
    expect(got.frames[8].equals(frames[8])).toBe(true);
    expect(got.error?.code).toBe('PCAP_TRUNCATED_RECORD');
    expect(got.error?.offset).toBe(24 + 9 * recordBytes);
    expect(got.error?.message).toContain(`byte offset ${24 + 9 * recordBytes}`);
  });

  it('throws again on every call after the error and counts the bad record as a drop', () => {
    const file = writeFile('trunc2.pcap', {}, [1, 2], [Buffer.alloc(50), Buffer.alloc(50)]);
    fs.truncateSync(file, 24 + 66 + 20);
    const src = new PcapFileSource(file);
    const burst = new PacketBurst();
    expect(src.nextBurst(burst)).toBe(1);
    expect(() => src.nextBurst(burst)).toThrow(CaptureFileError);
    expect(() => src.nextBurst(burst)).toThrow(/PCAP_TRUNCATED_RECORD/);
    expect(src.stats()).toEqual({ packets: 1, bytes: 50, drops: 1 });
    src.close();
  });

  it('rejects a record with an absurd captured length', () => {
    const file = writeFile('caplen.pcap', {}, [1, 2], [Buffer.alloc(50), Buffer.alloc(50)]);
    const fd = fs.openSync(file, 'r+');
    const bad = Buffer.alloc(4);
    bad.writeUInt32LE(0x7fffffff);
    fs.writeSync(fd, bad, 0, 4, 24 + 66 + 8);
    fs.closeSync(fd);
    const got = readAll(file);
    expect(got.packets).toBe(1);
    expect(got.error?.code).toBe('PCAP_BAD_CAPLEN');
    expect(got.error?.offset).toBe(24 + 66);
  });

  it('rejects files that are not captures, or too short', () => {
    const notPcap = path.join(dir, 'text.pcap');
    fs.writeFileSync(notPcap, 'hello world, not a capture at all');
    expect(() => new PcapFileSource(notPcap)).toThrow(expect.objectContaining({ code: 'PCAP_BAD_MAGIC', offset: 0 }));
    const empty = path.join(dir, 'empty.pcap');
    fs.writeFileSync(empty, '');
    expect(() => new PcapFileSource(empty)).toThrow(expect.objectContaining({ code: 'PCAP_TRUNCATED_HEADER' }));
    const short = path.join(dir, 'short.pcap');
    fs.writeFileSync(short, Buffer.from([0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0]));
    expect(() => new PcapFileSource(short)).toThrow(expect.objectContaining({ code: 'PCAP_TRUNCATED_HEADER' }));
  });

  it('an empty capture (header only) ends at once', () => {
    const file = writeFile('none.pcap', {}, [], []);
    const got = readAll(file);
    expect(got.packets).toBe(0);
    expect(got.error).toBeNull();
  });
});

describe('PcapFileSource on every shared nDPI capture', () => {
  const files = fs.readdirSync(NDPI_DIR).filter((f) => fs.statSync(path.join(NDPI_DIR, f)).isFile());

  it('covers exactly the captures of the ground-truth table', () => {
    expect(files.sort()).toEqual(Object.keys(NDPI_TRUTH).sort());
  });

  it.each(Object.keys(NDPI_TRUTH))('%s: packets and total caplen bytes match the ground truth', (name) => {
    const file = path.join(NDPI_DIR, name);
    const [packets, bytes] = NDPI_TRUTH[name];
    // A small burst and chunk so that even small files cross several refills.
    const got = readAll(file, new PacketBurst(32, 65536), 65536);
    expect(got.error).toBeNull();
    expect(got.packets).toBe(packets);
    expect(got.bytes).toBe(bytes);
    expect(got.linkTypes).toEqual(new Set([NDPI_LINK_TYPES[name] ?? 1]));
    const src = new PcapFileSource(file);
    const isNg = name.endsWith('.pcapng') || PCAPNG_FILES.includes(name);
    expect(src.format).toBe(isNg ? 'pcapng' : 'pcap');
    src.close();
    if (!isNg) expect(fs.statSync(file).size - 24 - 16 * packets).toBe(bytes);
    const [first, last] = NDPI_FIRST_LAST_TS[name];
    expect(got.ts[0]).toBeCloseTo(first, 5);
    expect(got.ts[got.ts.length - 1]).toBeCloseTo(last, 5);
  });

  it('443-git.pcap: 70 frames, 37189 bytes, first frame an Ethernet/IPv4 frame', () => {
    const got = readAll(path.join(NDPI_DIR, '443-git.pcap'));
    expect([got.packets, got.bytes]).toEqual([70, 37189]);
    expect(got.frames[0].readUInt16BE(12)).toBe(0x0800);
  });
});
