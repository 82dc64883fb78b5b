import * as fs from 'node:fs';

/** Options of {@link PcapWriter}. */
export interface PcapWriterOptions {
  /** Link type of every packet (LINKTYPE_*), default 1 (Ethernet). */
  linkType?: number;
  /** Snap length written in the header, bytes (default 262144). */
  snaplen?: number;
  /** Write nanosecond timestamps (magic a1b23c4d) instead of microseconds. */
  nanosecond?: boolean;
  /** Write a big-endian file (as nfsv3.pcap); default little-endian. */
  bigEndian?: boolean;
  /** Size of the write buffer, bytes (default 8 MiB): one `writeSync` per buffer. */
  bufferBytes?: number;
}

const RECORD_HEADER_BYTES = 16;

/**
 * Writes a classic pcap file through one large reusable buffer (one write syscall per
 * `bufferBytes`), for tests, traffic generators and benchmark captures.
 */
export class PcapWriter {
  /** Packets written so far. */
  packets = 0;
  /** Bytes written to the file so far (header and records, including the buffered ones). */
  fileBytes = 0;
  private fd: number;
  private readonly buf: Uint8Array;
  private readonly view: DataView;
  private used = 0;
  private readonly le: boolean;
  private readonly fracPerS: number;

  /** Creates (truncates) `path` and writes the global header. */
  constructor(
    readonly path: string,
    options: PcapWriterOptions = {},
  ) {
    this.le = !options.bigEndian;
    this.fracPerS = options.nanosecond ? 1e9 : 1e6;
    this.buf = new Uint8Array(Math.max(options.bufferBytes ?? 8 * 1024 * 1024, 65536 + RECORD_HEADER_BYTES));
    this.view = new DataView(this.buf.buffer);
    this.fd = fs.openSync(path, 'w');
    const v = this.view;
    v.setUint32(0, options.nanosecond ? 0xa1b23c4d : 0xa1b2c3d4, this.le);
    v.setUint16(4, 2, this.le);
    v.setUint16(6, 4, this.le);
    v.setInt32(8, 0, this.le);
    v.setUint32(12, 0, this.le);
    v.setUint32(16, options.snaplen ?? 262144, this.le);
    v.setUint32(20, options.linkType ?? 1, this.le);
    this.used = 24;
    this.fileBytes = 24;
  }

  /**
   * Appends one packet: `bytes[start, end)` captured at `tsS` (seconds since the epoch),
   * `wirelen` bytes long on the wire (default: the captured length).
   */
  writePacket(tsS: number, bytes: Uint8Array, start = 0, end = bytes.length, wirelen = end - start): void {
    let sec = Math.floor(tsS);
    let frac = Math.round((tsS - sec) * this.fracPerS);
    if (frac >= this.fracPerS) {
      sec += 1;
      frac -= this.fracPerS;
    }
    this.writeRecord(sec, frac, bytes, start, end, wirelen);
  }

  /** Appends one packet with an exact split timestamp: `sec` seconds and `frac` micro- or nanoseconds. */
  writeRecord(sec: number, frac: number, bytes: Uint8Array, start = 0, end = bytes.length, wirelen = end - start): void {
    const caplen = end - start;
    if (this.used + RECORD_HEADER_BYTES + caplen > this.buf.length) {
      this.flush();
      if (RECORD_HEADER_BYTES + caplen > this.buf.length) throw new Error(`PcapWriter: packet of ${caplen} bytes exceeds the write buffer`);
    }
    const v = this.view;
    const o = this.used;
    v.setUint32(o, sec, this.le);
    v.setUint32(o + 4, frac, this.le);
    v.setUint32(o + 8, caplen, this.le);
    v.setUint32(o + 12, wirelen, this.le);
    this.buf.set(start === 0 && end === bytes.length ? bytes : bytes.subarray(start, end), o + RECORD_HEADER_BYTES);
    this.used = o + RECORD_HEADER_BYTES + caplen;
    this.fileBytes += RECORD_HEADER_BYTES + caplen;
    this.packets++;
  }

  /** Writes the buffered records to the file. */
  flush(): void {
    let done = 0;
    while (done < this.used) done += fs.writeSync(this.fd, this.buf, done, this.used - done);
    this.used = 0;
  }

  /** Flushes and closes the file; idempotent. */
  close(): void {
    if (this.fd < 0) return;
    this.flush();
    fs.closeSync(this.fd);
    this.fd = -1;
  }
}
