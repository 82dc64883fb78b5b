import * as fs from 'node:fs';
import { BlockCopier } from './pcap-block-copy';

/** Default size of the one reusable read buffer: large enough for few syscalls, small enough to stay in L2/L3-friendly sizes. */
export const PCAP_DEFAULT_CHUNK_BYTES = 4 * 1024 * 1024;

/**
 * Sequential reader of a capture file through one reusable chunk buffer
 * (constant memory whatever the file size), plus the bookkeeping that copies
 * accepted packet records into a burst with one bulk copy per run of records.
 *
 * Parsers read the current record at `buf[pos ..]` through `view`, call
 * {@link ensure} when fewer bytes than a record are buffered, and advance `pos`.
 * Packet bytes are not copied one by one: the run `[rangeStart, pos)` of
 * accepted records is copied into the burst's data by {@link flushRange}, so a
 * packet's data offset in the burst is `dataUsed + (packetPos - rangeStart)`.
 * Record headers travel along inside that run; consumers only ever use
 * `offset[i]`/`caplen[i]`, so the gaps cost a few bytes and save a copy per packet.
 */
export class PcapChunkReader {
  /** The chunk buffer; valid bytes are `[0, end)` (in place: the current burst's data, see {@link readInPlace}). */
  buf: Uint8Array;
  /** DataView over `buf`, for 16/32-bit fields in either byte order. */
  view: DataView;
  /** Index in `buf` of the next unread byte. */
  pos = 0;
  /** Number of valid bytes in `buf`. */
  end = 0;
  /** File offset of `buf[0]`. */
  bufFileOffset = 0;
  /** Size of the file when it was opened, bytes. */
  readonly fileBytes: number;
  /** Start in `buf` of the run of accepted records not yet copied into the burst. */
  rangeStart = 0;
  /** Bytes of the burst's data already used by flushed runs. */
  dataUsed = 0;

  /**
   * In place (see {@link readInPlace}): set when a record did not fit in the rest of the
   * burst's data after some packets were taken; the parser ends the burst there.
   */
  full = false;

  private fd: number;
  private target: Uint8Array | null = null;
  private readonly copier: BlockCopier;
  private readonly ownBuf: Uint8Array;
  private readonly ownView: DataView;
  private inPlace = false;
  /** In place: the data buffers seen so far and their DataViews (made once per buffer). */
  private readonly places: Uint8Array[] = [];
  private readonly placeViews: DataView[] = [];

  constructor(
    readonly path: string,
    chunkBytes: number = PCAP_DEFAULT_CHUNK_BYTES,
  ) {
    this.buf = new Uint8Array(Math.max(chunkBytes, 4096));
    this.copier = new BlockCopier(this.buf);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    this.ownBuf = this.buf;
    this.ownView = this.view;
    this.fd = fs.openSync(path, 'r');
    this.fileBytes = fs.fstatSync(this.fd).size;
  }

  /** File offset of `buf[pos]`, for error messages. */
  fileOffset(): number {
    return this.bufFileOffset + this.pos;
  }

  /**
   * From the next burst on, reads the file straight into each burst's data
   * buffer and leaves the packets where they were read: no copy at all. Each
   * burst starts a fresh read at the first unparsed byte (the unparsed tail of
   * the previous burst's buffer is read again from the file, not copied), and
   * ends when the next record does not fit in the rest of the buffer ({@link full}).
   * For a caller that keeps several bursts' data alive at once (the file
   * reader thread's shared slots): a burst's packets stay valid until that
   * burst's data buffer is passed again. Classic pcap only (the parser checks
   * {@link full}); each data buffer must be at least as large as the chunk.
   */
  readInPlace(): void {
    this.inPlace = true;
  }

  /** Starts copying accepted records into `data` (a burst's data buffer) from its byte 0 (in place: reading into it). */
  beginBurst(data: Uint8Array): void {
    this.target = data;
    this.dataUsed = 0;
    if (this.inPlace) {
      this.full = false;
      this.bufFileOffset += this.pos;
      this.pos = 0;
      this.end = 0;
      this.rangeStart = 0;
      if (this.buf !== data) {
        let k = this.places.indexOf(data);
        if (k < 0) {
          // Once per data buffer (the reader's few slots), never per burst.
          k = this.places.push(data) - 1;
          this.placeViews.push(new DataView(data.buffer, data.byteOffset, data.byteLength));
        }
        this.buf = data;
        this.view = this.placeViews[k];
      }
      return;
    }
    this.rangeStart = this.pos;
  }

  /** Copies the pending run of accepted records into the burst (bulk, allocation-free) and starts a new run at `pos`. */
  flushRange(): void {
    if (this.inPlace) return; // the packets already lie in the burst's data; rangeStart stays 0
    if (this.pos > this.rangeStart && this.target !== null) {
      this.dataUsed = this.copier.copy(this.rangeStart, this.pos, this.target, this.dataUsed);
    }
    this.rangeStart = this.pos;
  }

  /**
   * Makes at least `n` bytes available at `buf[pos]`, reading more of the file if needed.
   * Returns false when the file ends first (then `end - pos` bytes remain). May move the
   * buffered bytes to the front of `buf`, so parsers re-read `pos` after calling it.
   */
  ensure(n: number): boolean {
    if (this.end - this.pos >= n) return true;
    if (n > this.buf.length) return false;
    if (this.inPlace && this.buf === this.target) {
      // Never move bytes: packets of this burst lie in buf. Read on into the rest of it, or end the burst.
      if (this.pos + n > this.buf.length) {
        this.full = this.pos > 0;
        return false;
      }
      while (this.end < this.pos + n) {
        const got = fs.readSync(this.fd, this.buf, this.end, this.buf.length - this.end, this.bufFileOffset + this.end);
        if (got === 0) return false;
        this.end += got;
      }
      return true;
    }
    this.flushRange();
    const keep = this.end - this.pos;
    if (this.pos > 0) {
      this.buf.copyWithin(0, this.pos, this.end);
      this.bufFileOffset += this.pos;
      this.pos = 0;
      this.end = keep;
      this.rangeStart = 0;
    }
    while (this.end < n) {
      const got = fs.readSync(this.fd, this.buf, this.end, this.buf.length - this.end, this.bufFileOffset + this.end);
      if (got === 0) return false;
      this.end += got;
    }
    return true;
  }

  /** Skips `n` bytes (possibly beyond the buffer, without reading them). Returns false if the file ends first. */
  skip(n: number): boolean {
    this.flushRange();
    if (this.end - this.pos >= n) {
      this.pos += n;
      this.rangeStart = this.pos;
      return true;
    }
    const target = this.bufFileOffset + this.pos + n;
    if (target > this.fileBytes) return false;
    this.bufFileOffset = target;
    this.pos = 0;
    this.end = 0;
    this.rangeStart = 0;
    return true;
  }

  /** Goes back to the start of the file (for looping replay). */
  rewind(): void {
    // In place, the current buffer holds packets a consumer may still use: the header is read into the own buffer.
    this.buf = this.ownBuf;
    this.view = this.ownView;
    this.target = null;
    this.full = false;
    this.pos = 0;
    this.end = 0;
    this.bufFileOffset = 0;
    this.rangeStart = 0;
    this.dataUsed = 0;
  }

  /** Closes the file; idempotent. */
  close(): void {
    if (this.fd >= 0) {
      fs.closeSync(this.fd);
      this.fd = -1;
    }
    this.target = null;
  }
}
