import { PacketBurst } from './packet-burst';
import { PcapChunkReader } from './pcap-chunk-reader';
import { CaptureFileError, CaptureFileErrorCode } from './pcap-file-error';

/** Block types (pcapng spec, draft-ietf-opsawg-pcapng). */
export const PCAPNG_SHB = 0x0a0d0d0a;
export const PCAPNG_IDB = 0x00000001;
export const PCAPNG_PB = 0x00000002; // obsolete Packet Block, still written by old tools
export const PCAPNG_SPB = 0x00000003;
export const PCAPNG_EPB = 0x00000006;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const BYTE_ORDER_MAGIC_SWAPPED = 0x4d3c2b1a;
const OPT_ENDOFOPT = 0;
const OPT_IF_TSRESOL = 9;
const OPT_IF_TSOFFSET = 14;
/** Same bound as Wireshark's WTAP_MAX_PACKET_SIZE_STANDARD. */
const MAX_SANE_CAPLEN = 262144;
/** Blocks we skip can be larger than the chunk buffer (they are skipped by seeking), but not absurd. */
const MAX_BLOCK_BYTES = 0x40000000;
const TWO_POW_32 = 4294967296;
/** Below this high word the 64-bit timestamp is exact in a double (2^53 / 2^32). */
const EXACT_HIGH_WORD_LIMIT = 2097152;
/** Long division by 16-bit digits stays exact while divisor * 65536 < 2^53. */
const MAX_EXACT_DIVISOR = 137438953472;

/**
 * Reads the blocks of a pcapng file into bursts: any number of sections (SHB) in either byte
 * order, any number of interfaces per section with their own link type, snap length,
 * `if_tsresol` and `if_tsoffset`; EPB, SPB and the obsolete PB carry packets; every other block
 * (NRB, ISB, DSB, custom, unknown) is skipped.
 */
export class PcapngParser {
  /** Sum of caplen of every packet returned so far, bytes. */
  bytes = 0;
  /** Number of sections seen so far. */
  sections = 0;
  /** Interfaces of the current section. */
  ifCount = 0;
  private littleEndian = true;
  private ifLinkType = new Uint16Array(8);
  private ifSnaplen = new Uint32Array(8);
  /** Timestamp units per second (10^6 unless if_tsresol says otherwise). */
  private ifUnitsPerS = new Float64Array(8);
  /** if_tsoffset, seconds to add to every timestamp. */
  private ifOffsetS = new Float64Array(8);
  /** Timestamp of the previous packet, reused for SPBs (which carry none). */
  private lastTsS = 0;

  constructor(private readonly r: PcapChunkReader) {}

  /** Interface link type of the current section (tests, diagnostics). */
  linkTypeOf(ifIndex: number): number {
    return this.ifLinkType[ifIndex];
  }

  /** Goes back to the first block. */
  rewind(): void {
    this.r.rewind();
    this.ifCount = 0;
    this.sections = 0;
    this.lastTsS = 0;
  }

  /**
   * Fills `burst` with up to `burst.capacity` packets, keeping `burst.count` current so that a
   * throw leaves the packets before the bad block in the burst. Returns true at end of file.
   */
  fill(burst: PacketBurst): boolean {
    const r = this.r;
    const data = burst.data;
    const cap = burst.capacity;
    let n = 0;
    let eof = false;
    r.beginBurst(data);
    while (n < cap) {
      if (r.end - r.pos < 12 && !r.ensure(12)) {
        if (r.end === r.pos) {
          eof = true;
          break;
        }
        this.fail('PCAPNG_TRUNCATED_BLOCK', `file ends inside a block header (${r.end - r.pos} bytes left)`);
      }
      let p = r.pos;
      const type = r.view.getUint32(p, this.littleEndian);
      if (type === PCAPNG_SHB) this.readByteOrder(p);
      const le = this.littleEndian;
      const blockBytes = r.view.getUint32(p + 4, le);
      if (blockBytes < 12 || (blockBytes & 3) !== 0 || blockBytes > MAX_BLOCK_BYTES) {
        this.fail('PCAPNG_BAD_BLOCK_LENGTH', `block type 0x${type.toString(16)} has length ${blockBytes}`);
      }
      const isPacket = type === PCAPNG_EPB || type === PCAPNG_SPB || type === PCAPNG_PB;
      if (!isPacket && type !== PCAPNG_SHB && type !== PCAPNG_IDB) {
        this.skipBlock(blockBytes, type);
        continue;
      }
      if (blockBytes > r.buf.length) {
        this.fail('PCAPNG_BAD_BLOCK_LENGTH', `block type 0x${type.toString(16)} of ${blockBytes} bytes exceeds the ${r.buf.length}-byte read buffer`);
      }
      if (r.end - p < blockBytes) {
        if (!r.ensure(blockBytes)) {
          this.fail('PCAPNG_TRUNCATED_BLOCK', `file ends inside a block of ${blockBytes} bytes (${r.end - r.pos} present)`);
        }
        p = r.pos;
      }
      const view = r.view;
      if (view.getUint32(p + blockBytes - 4, le) !== blockBytes) {
        this.fail('PCAPNG_BAD_BLOCK_LENGTH', `block length ${blockBytes} differs from its trailing copy ${view.getUint32(p + blockBytes - 4, le)}`);
      }
      if (!isPacket) {
        if (type === PCAPNG_SHB) this.readSectionHeader(p, blockBytes);
        else this.readInterface(p, blockBytes);
        r.flushRange();
        r.pos = p + blockBytes;
        r.rangeStart = r.pos;
        continue;
      }
      let ifIndex = 0;
      let caplen = 0;
      let wirelen = 0;
      let dataStart = 0;
      let tsS = this.lastTsS;
      if (type === PCAPNG_SPB) {
        wirelen = view.getUint32(p + 8, le);
        dataStart = p + 12;
        if (this.ifCount === 0) this.fail('PCAPNG_UNKNOWN_INTERFACE', 'simple packet block before any interface description');
        // SPB has no caplen: the packet is min(original length, snaplen of interface 0, room in the block).
        caplen = Math.min(wirelen, blockBytes - 16);
        const snap = this.ifSnaplen[0];
        if (snap !== 0 && caplen > snap) caplen = snap;
      } else {
        ifIndex = type === PCAPNG_EPB ? view.getUint32(p + 8, le) : view.getUint16(p + 8, le);
        if (ifIndex >= this.ifCount) {
          this.fail('PCAPNG_UNKNOWN_INTERFACE', `packet block names interface ${ifIndex}, the section has ${this.ifCount}`);
        }
        caplen = view.getUint32(p + 20, le);
        wirelen = view.getUint32(p + 24, le);
        dataStart = p + 28;
        if (caplen > blockBytes - 32 || caplen > MAX_SANE_CAPLEN) {
          this.fail('PCAPNG_BAD_CAPLEN', `packet block of ${blockBytes} bytes claims ${caplen} captured bytes`);
        }
        tsS = this.timestampS(ifIndex, view.getUint32(p + 12, le), view.getUint32(p + 16, le));
        this.lastTsS = tsS;
      }
      if (r.dataUsed + (p + blockBytes - r.rangeStart) > data.length) {
        if (n > 0) break;
        this.fail('PCAP_PACKET_TOO_LARGE', `packet block of ${blockBytes} bytes exceeds the burst's ${data.length}-byte data buffer`);
      }
      burst.tsS[n] = tsS;
      burst.offset[n] = r.dataUsed + (dataStart - r.rangeStart);
      burst.caplen[n] = caplen;
      burst.wirelen[n] = wirelen;
      burst.linkType[n] = this.ifLinkType[ifIndex];
      burst.ifIndex[n] = ifIndex;
      r.pos = p + blockBytes;
      this.bytes += caplen;
      n++;
      burst.count = n;
    }
    r.flushRange();
    burst.count = n;
    return eof;
  }

  /** Seconds since the epoch from a 64-bit timestamp in the interface's units, plus its offset. */
  private timestampS(ifIndex: number, high: number, low: number): number {
    const div = this.ifUnitsPerS[ifIndex];
    const off = this.ifOffsetS[ifIndex];
    if (high < EXACT_HIGH_WORD_LIMIT || div > MAX_EXACT_DIVISOR || div !== Math.floor(div)) {
      return (high * TWO_POW_32 + low) / div + off;
    }
    // Nanosecond timestamps of today exceed 2^53: divide the four 16-bit digits one by one so the
    // integer seconds and the remainder stay exact, then only the final sum rounds.
    let cur = high >>> 16;
    const q3 = Math.floor(cur / div);
    cur = (cur - q3 * div) * 65536 + (high & 0xffff);
    const q2 = Math.floor(cur / div);
    cur = (cur - q2 * div) * 65536 + (low >>> 16);
    const q1 = Math.floor(cur / div);
    cur = (cur - q1 * div) * 65536 + (low & 0xffff);
    const q0 = Math.floor(cur / div);
    const rem = cur - q0 * div;
    return ((q3 * 65536 + q2) * 65536 + q1) * 65536 + q0 + rem / div + off;
  }

  private readByteOrder(p: number): void {
    const bom = this.r.view.getUint32(p + 8, true);
    if (bom === BYTE_ORDER_MAGIC) this.littleEndian = true;
    else if (bom === BYTE_ORDER_MAGIC_SWAPPED) this.littleEndian = false;
    else this.fail('PCAPNG_BAD_BYTE_ORDER', `section header byte-order magic 0x${bom.toString(16)}`);
  }

  private readSectionHeader(p: number, blockBytes: number): void {
    if (blockBytes < 28) this.fail('PCAPNG_BAD_BLOCK_LENGTH', `section header block of ${blockBytes} bytes (minimum 28)`);
    const major = this.r.view.getUint16(p + 12, this.littleEndian);
    if (major !== 1) this.fail('PCAPNG_UNSUPPORTED_VERSION', `section major version ${major}`);
    this.sections++;
    this.ifCount = 0;
  }

  private readInterface(p: number, blockBytes: number): void {
    if (blockBytes < 20) this.fail('PCAPNG_BAD_BLOCK_LENGTH', `interface description block of ${blockBytes} bytes (minimum 20)`);
    const view = this.r.view;
    const le = this.littleEndian;
    const i = this.ifCount;
    if (i >= 65536) this.fail('PCAPNG_UNKNOWN_INTERFACE', 'more than 65536 interfaces in one section');
    if (i === this.ifLinkType.length) this.growInterfaces();
    this.ifLinkType[i] = view.getUint16(p + 8, le);
    this.ifSnaplen[i] = view.getUint32(p + 12, le);
    this.ifUnitsPerS[i] = 1e6;
    this.ifOffsetS[i] = 0;
    // Options: code u16, length u16, value padded to 32 bits; a malformed list just ends parsing.
    const end = p + blockBytes - 4;
    let o = p + 16;
    while (o + 4 <= end) {
      const code = view.getUint16(o, le);
      const len = view.getUint16(o + 2, le);
      if (code === OPT_ENDOFOPT || o + 4 + len > end) break;
      if (code === OPT_IF_TSRESOL && len >= 1) {
        const v = view.getUint8(o + 4);
        this.ifUnitsPerS[i] = v & 0x80 ? Math.pow(2, v & 0x7f) : Math.pow(10, v);
      } else if (code === OPT_IF_TSOFFSET && len >= 8) {
        const hi = view.getInt32(le ? o + 8 : o + 4, le);
        const lo = view.getUint32(le ? o + 4 : o + 8, le);
        this.ifOffsetS[i] = hi * TWO_POW_32 + lo;
      }
      o += 4 + ((len + 3) & ~3);
    }
    this.ifCount = i + 1;
  }

  private growInterfaces(): void {
    const size = this.ifLinkType.length * 2;
    const linkType = new Uint16Array(size);
    linkType.set(this.ifLinkType);
    this.ifLinkType = linkType;
    const snaplen = new Uint32Array(size);
    snaplen.set(this.ifSnaplen);
    this.ifSnaplen = snaplen;
    const units = new Float64Array(size);
    units.set(this.ifUnitsPerS);
    this.ifUnitsPerS = units;
    const offset = new Float64Array(size);
    offset.set(this.ifOffsetS);
    this.ifOffsetS = offset;
  }

  private skipBlock(blockBytes: number, type: number): void {
    const r = this.r;
    if (r.end - r.pos >= blockBytes && r.view.getUint32(r.pos + blockBytes - 4, this.littleEndian) !== blockBytes) {
      this.fail('PCAPNG_BAD_BLOCK_LENGTH', `block type 0x${type.toString(16)} length ${blockBytes} differs from its trailing copy`);
    }
    if (!r.skip(blockBytes)) {
      this.fail('PCAPNG_TRUNCATED_BLOCK', `file ends inside a block type 0x${type.toString(16)} of ${blockBytes} bytes`);
    }
  }

  private fail(code: CaptureFileErrorCode, detail: string): never {
    throw new CaptureFileError(code, this.r.fileOffset(), this.r.path, detail);
  }
}
