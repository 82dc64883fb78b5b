import { CaptureSource, CaptureSourceStats, END_OF_CAPTURE } from './capture-source';
import { PacketBurst } from './packet-burst';
import { PcapChunkReader, PCAP_DEFAULT_CHUNK_BYTES } from './pcap-chunk-reader';
import {
  PCAP_MAGIC_MODIFIED_BE,
  PCAP_MAGIC_MODIFIED_LE,
  PCAP_MAGIC_NS_BE,
  PCAP_MAGIC_NS_LE,
  PCAP_MAGIC_US_BE,
  PCAP_MAGIC_US_LE,
  PcapClassicParser,
} from './pcap-classic-parser';
import { CaptureFileError } from './pcap-file-error';
import { PCAPNG_SHB, PcapngParser } from './pcapng-parser';

/** Container format of a capture file, detected from its first 4 bytes. */
export type CaptureFileFormat = 'pcap' | 'pcapng';

/** Options of {@link PcapFileSource}. */
export interface PcapFileSourceOptions {
  /** Size of the reusable read buffer, bytes (default 4 MiB). Also the largest pcapng packet block readable. */
  chunkBytes?: number;
}

/** Smallest valid Section Header Block: header, byte-order magic, versions, section length, trailer. */
const MIN_SHB_BYTES = 28;

/**
 * Streaming reader of classic pcap and pcapng files, as a {@link CaptureSource}.
 *
 * Pure TypeScript, synchronous (a capture worker thread calls it in its burst loop), constant
 * memory: one chunk buffer of `chunkBytes` read with `fs.readSync`, whatever the file size.
 * The format is detected by magic: classic pcap in both byte orders with micro- or nanosecond
 * timestamps (and the old "modified" variant), or pcapng (sections in either byte order, several
 * interfaces with their own link type, `if_tsresol` and `if_tsoffset`; EPB, SPB and PB).
 * Each packet carries its link type and interface index in the burst.
 *
 * A corrupt or truncated file: every packet before the bad record is returned first, then
 * `nextBurst` throws a {@link CaptureFileError} with a stable code and the record's byte offset
 * (and keeps throwing it). The bad record counts as one drop.
 */
export class PcapFileSource implements CaptureSource {
  /** Detected container format. */
  readonly format: CaptureFileFormat;
  private readonly reader: PcapChunkReader;
  private readonly classic: PcapClassicParser | null = null;
  private readonly ng: PcapngParser | null = null;
  private readonly counters: CaptureSourceStats = { packets: 0, bytes: 0, drops: 0 };
  private pending: CaptureFileError | null = null;
  private ended = false;

  /** Opens `path` and reads its header; throws {@link CaptureFileError} if it is not a capture file. */
  constructor(
    readonly path: string,
    options: PcapFileSourceOptions = {},
  ) {
    const reader = new PcapChunkReader(path, options.chunkBytes ?? PCAP_DEFAULT_CHUNK_BYTES);
    try {
      if (!reader.ensure(4)) {
        throw new CaptureFileError('PCAP_TRUNCATED_HEADER', 0, path, `file of ${reader.fileBytes} bytes has no magic number`);
      }
      const magic = reader.view.getUint32(0, true);
      switch (magic) {
        case PCAP_MAGIC_US_LE:
        case PCAP_MAGIC_US_BE:
        case PCAP_MAGIC_NS_LE:
        case PCAP_MAGIC_NS_BE:
        case PCAP_MAGIC_MODIFIED_LE:
        case PCAP_MAGIC_MODIFIED_BE:
          this.format = 'pcap';
          this.classic = new PcapClassicParser(reader, magic);
          break;
        case PCAPNG_SHB:
          if (!reader.ensure(MIN_SHB_BYTES)) {
            throw new CaptureFileError('PCAP_TRUNCATED_HEADER', 0, path, `file of ${reader.fileBytes} bytes is shorter than a pcapng section header`);
          }
          this.format = 'pcapng';
          this.ng = new PcapngParser(reader);
          break;
        default:
          throw new CaptureFileError('PCAP_BAD_MAGIC', 0, path, `magic number 0x${magic.toString(16).padStart(8, '0')} is neither pcap nor pcapng`);
      }
    } catch (err) {
      reader.close();
      throw err;
    }
    this.reader = reader;
  }

  /**
   * Reads a classic pcap file straight into each burst's data and leaves the
   * packets there (no copy; see PcapChunkReader.readInPlace): a burst's
   * packets then stay valid until its data buffer is filled again, which
   * suits a caller rotating through several buffers of at least 4 MiB (the
   * chunk size). Returns false, changing nothing, for pcapng.
   */
  readInPlace(): boolean {
    if (this.classic === null) return false;
    this.reader.readInPlace();
    return true;
  }

  /** Link type of a classic pcap file (every packet), or -1 for pcapng (per interface, see `burst.linkType`). */
  get fileLinkType(): number {
    return this.classic !== null ? this.classic.linkType : -1;
  }

  /** Size of the file when opened, bytes. */
  get fileBytes(): number {
    return this.reader.fileBytes;
  }

  /** {@inheritDoc CaptureSource.nextBurst} */
  nextBurst(burst: PacketBurst): number {
    if (this.pending !== null) throw this.pending;
    burst.count = 0;
    if (this.ended) return END_OF_CAPTURE;
    let eof: boolean;
    try {
      eof = this.classic !== null ? this.classic.fill(burst) : (this.ng as PcapngParser).fill(burst);
    } catch (err) {
      if (!(err instanceof CaptureFileError)) throw err;
      // Hand out what came before the bad record first; the error waits for the next call.
      this.reader.flushRange();
      this.pending = err;
      this.counters.drops++;
      if (burst.count === 0) throw err;
      this.account(burst.count);
      return burst.count;
    }
    this.account(burst.count);
    if (burst.count === 0 && eof) {
      this.ended = true;
      return END_OF_CAPTURE;
    }
    return burst.count;
  }

  /** Starts again from the first packet (counters keep running; a pending error is cleared). */
  rewind(): void {
    this.pending = null;
    this.ended = false;
    if (this.classic !== null) this.classic.rewind();
    else (this.ng as PcapngParser).rewind();
  }

  /** {@inheritDoc CaptureSource.stats} The same object is returned and updated on every call. */
  stats(): CaptureSourceStats {
    return this.counters;
  }

  /** Closes the file; idempotent. */
  close(): void {
    this.reader.close();
  }

  private account(packets: number): void {
    this.counters.packets += packets;
    this.counters.bytes = this.classic !== null ? this.classic.bytes : (this.ng as PcapngParser).bytes;
  }
}
