import { PacketBurst } from './packet-burst';
import { PcapChunkReader } from './pcap-chunk-reader';
import { CaptureFileError } from './pcap-file-error';

/** Classic pcap magic numbers as read little-endian from the first 4 bytes. */
export const PCAP_MAGIC_US_LE = 0xa1b2c3d4; // bytes d4 c3 b2 a1: little-endian file, microseconds
export const PCAP_MAGIC_US_BE = 0xd4c3b2a1; // bytes a1 b2 c3 d4: big-endian file, microseconds
export const PCAP_MAGIC_NS_LE = 0xa1b23c4d; // bytes 4d 3c b2 a1: little-endian file, nanoseconds
export const PCAP_MAGIC_NS_BE = 0x4d3cb2a1; // bytes a1 b2 3c 4d: big-endian file, nanoseconds
/** Kuznetzov's "modified" pcap (old Red Hat tcpdump): 24-byte record headers. */
export const PCAP_MAGIC_MODIFIED_LE = 0xa1b2cd34;
export const PCAP_MAGIC_MODIFIED_BE = 0x34cdb2a1;

const GLOBAL_HEADER_BYTES = 24;
/** libpcap's MAXIMUM_SNAPLEN: records claiming more are corrupt unless the header's snaplen is larger. */
const MAX_SANE_CAPLEN = 262144;

/** Reads the records of a classic pcap file into bursts. */
export class PcapClassicParser {
  /** Link type of every packet (from the global header). */
  readonly linkType: number;
  /** Snap length from the global header, bytes. */
  readonly snaplen: number;
  /** True if the file's timestamps are nanoseconds. */
  readonly nanosecond: boolean;
  /** True if the file is little-endian. */
  readonly littleEndian: boolean;
  /** Sum of caplen of every packet returned so far, bytes. */
  bytes = 0;
  private readonly recordHeaderBytes: number;
  private readonly fracToS: number;
  private readonly maxCaplen: number;

  /** Parses the 24-byte global header (must be buffered at `reader.pos`). */
  constructor(
    private readonly r: PcapChunkReader,
    magicLe: number,
  ) {
    this.littleEndian = magicLe === PCAP_MAGIC_US_LE || magicLe === PCAP_MAGIC_NS_LE || magicLe === PCAP_MAGIC_MODIFIED_LE;
    this.nanosecond = magicLe === PCAP_MAGIC_NS_LE || magicLe === PCAP_MAGIC_NS_BE;
    this.recordHeaderBytes = magicLe === PCAP_MAGIC_MODIFIED_LE || magicLe === PCAP_MAGIC_MODIFIED_BE ? 24 : 16;
    this.fracToS = this.nanosecond ? 1e-9 : 1e-6;
    if (!r.ensure(GLOBAL_HEADER_BYTES)) {
      throw new CaptureFileError('PCAP_TRUNCATED_HEADER', 0, r.path, `file of ${r.fileBytes} bytes is shorter than the 24-byte pcap header`);
    }
    const p = r.pos;
    this.snaplen = r.view.getUint32(p + 16, this.littleEndian);
    // The upper 6 bits of the link-type word carry FCS information (pcap-savefile(5)).
    this.linkType = r.view.getUint32(p + 20, this.littleEndian) & 0x03ffffff;
    this.maxCaplen = Math.min(Math.max(this.snaplen, MAX_SANE_CAPLEN), r.buf.length - this.recordHeaderBytes);
    r.pos = p + GLOBAL_HEADER_BYTES;
  }

  /** Goes back to the first record. */
  rewind(): void {
    this.r.rewind();
    this.r.ensure(GLOBAL_HEADER_BYTES);
    this.r.pos = GLOBAL_HEADER_BYTES;
  }

  /**
   * Fills `burst` with up to `burst.capacity` packets, keeping `burst.count` current so that a
   * throw leaves the packets before the bad record in the burst. Returns true at end of file.
   */
  fill(burst: PacketBurst): boolean {
    const r = this.r;
    const hdr = this.recordHeaderBytes;
    const le = this.littleEndian;
    const fracToS = this.fracToS;
    const linkType = this.linkType;
    const data = burst.data;
    const cap = burst.capacity;
    let n = 0;
    let bytes = 0;
    let eof = false;
    r.beginBurst(data);
    while (n < cap) {
      if (r.end - r.pos < hdr && !r.ensure(hdr)) {
        if (r.full) break; // in place: the next record is read into the next burst's data
        if (r.end === r.pos) {
          eof = true;
          break;
        }
        this.bytes += bytes;
        throw new CaptureFileError('PCAP_TRUNCATED_RECORD', r.fileOffset(), r.path, `file ends inside a record header (${r.end - r.pos} of ${hdr} bytes)`);
      }
      let p = r.pos;
      const view = r.view;
      const caplen = view.getUint32(p + 8, le);
      if (caplen > this.maxCaplen) {
        this.bytes += bytes;
        throw new CaptureFileError('PCAP_BAD_CAPLEN', r.fileOffset(), r.path, `record claims ${caplen} captured bytes (snaplen ${this.snaplen})`);
      }
      const recordBytes = hdr + caplen;
      if (r.end - p < recordBytes) {
        if (!r.ensure(recordBytes)) {
          if (r.full) break;
          this.bytes += bytes;
          throw new CaptureFileError(
            'PCAP_TRUNCATED_RECORD',
            r.fileOffset(),
            r.path,
            `file ends inside a packet (${r.end - r.pos - hdr} of ${caplen} captured bytes)`,
          );
        }
        p = r.pos;
      }
      if (r.dataUsed + (p + recordBytes - r.rangeStart) > data.length) {
        if (n > 0) break;
        throw new CaptureFileError('PCAP_PACKET_TOO_LARGE', r.fileOffset(), r.path, `packet of ${caplen} bytes exceeds the burst's ${data.length}-byte data buffer`);
      }
      burst.tsS[n] = view.getUint32(p, le) + view.getUint32(p + 4, le) * fracToS;
      burst.offset[n] = r.dataUsed + (p + hdr - r.rangeStart);
      burst.caplen[n] = caplen;
      burst.wirelen[n] = view.getUint32(p + 12, le);
      burst.linkType[n] = linkType;
      burst.ifIndex[n] = 0;
      r.pos = p + recordBytes;
      bytes += caplen;
      n++;
      burst.count = n;
    }
    r.flushRange();
    burst.count = n;
    this.bytes += bytes;
    return eof;
  }
}
