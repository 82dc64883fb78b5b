import { DataplaneError } from '../errors/dataplane-error';

/**
 * Stable codes for capture files that cannot be read to the end.
 * Tests and callers match on these, never on the message text.
 */
export type CaptureFileErrorCode =
  /** The file is shorter than its global header (classic pcap: 24 bytes, pcapng: one SHB). */
  | 'PCAP_TRUNCATED_HEADER'
  /** The first 4 bytes are neither a classic pcap nor a pcapng magic number. */
  | 'PCAP_BAD_MAGIC'
  /** Classic pcap: the file ends inside a record header or inside a packet's bytes. */
  | 'PCAP_TRUNCATED_RECORD'
  /** Classic pcap: a record claims more captured bytes than any sane snap length, or more than its wire length allows. */
  | 'PCAP_BAD_CAPLEN'
  /** A single packet is larger than the burst's data buffer can hold (a configuration problem, not a file problem). */
  | 'PCAP_PACKET_TOO_LARGE'
  /** pcapng: a block's length is below 12, not a multiple of 4, too large, or its trailing copy differs. */
  | 'PCAPNG_BAD_BLOCK_LENGTH'
  /** pcapng: the file ends inside a block. */
  | 'PCAPNG_TRUNCATED_BLOCK'
  /** pcapng: a Section Header Block whose byte-order magic is neither 0x1A2B3C4D nor its swap. */
  | 'PCAPNG_BAD_BYTE_ORDER'
  /** pcapng: a section with a major version other than 1. */
  | 'PCAPNG_UNSUPPORTED_VERSION'
  /** pcapng: a packet block names an interface with no Interface Description Block in its section. */
  | 'PCAPNG_UNKNOWN_INTERFACE'
  /** pcapng: a packet block's captured length does not fit inside the block. */
  | 'PCAPNG_BAD_CAPLEN';

/**
 * A capture file that is corrupt or truncated at `offset`.
 * Thrown by {@link PcapFileSource.nextBurst} only after every packet before `offset` was returned.
 */
export class CaptureFileError extends DataplaneError {
  override name = 'CaptureFileError';
  declare readonly code: CaptureFileErrorCode;

  constructor(
    /** Stable machine-readable cause. */
    code: CaptureFileErrorCode,
    /** Byte offset (from the start of the file) of the record or block that is bad. */
    readonly offset: number,
    /** File path, for the message. */
    readonly path: string,
    detail: string,
  ) {
    super(code, `${path}: ${detail} at byte offset ${offset} (${code})`);
  }
}
