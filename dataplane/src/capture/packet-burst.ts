/**
 * A burst of captured packets, filled by a capture source in one call (one FFI
 * call per burst for DPDK) and consumed by the burst loop of a capture worker.
 *
 * Struct-of-arrays over preallocated typed arrays: the hot path reads packet i
 * as `data[offset[i] .. offset[i] + caplen[i])` and allocates nothing.
 * The C shim (dataplane/native) writes into these same arrays.
 */
export const BURST_DEFAULT_PACKETS = 256;
/** Bytes of packet data per burst: enough for a full burst of 9 KiB jumbo frames at the default snap length. */
export const BURST_DEFAULT_DATA_BYTES = 4 * 1024 * 1024;

/** Link types (pcap DLT_* / LINKTYPE_* values) the decoder understands. */
export const enum LinkType {
  Null = 0, // BSD loopback: 4-byte host-order address family
  Ethernet = 1,
  Raw = 101, // raw IPv4/IPv6 (LINKTYPE_RAW)
  RawAlt = 12, // DLT_RAW on some BSDs/OpenBSD
  Loop = 108, // OpenBSD loopback: 4-byte network-order address family
  LinuxSll = 113,
  Ipv4 = 228,
  Ipv6 = 229,
  LinuxSll2 = 276,
}

export class PacketBurst {
  /** Number of valid packets in the arrays below. */
  count = 0;
  /** Capture time of packet i, seconds since the Unix epoch (f64: sub-microsecond exact for current dates). */
  readonly tsS: Float64Array;
  /** Byte offset of packet i in `data`. */
  readonly offset: Uint32Array;
  /** Bytes of packet i present in `data` (pcap caplen). */
  readonly caplen: Uint32Array;
  /** Length of packet i on the wire (pcap len). */
  readonly wirelen: Uint32Array;
  /** Link type of packet i (pcapng carries it per interface). */
  readonly linkType: Uint16Array;
  /** Capture interface / port index of packet i (pcapng interface id, DPDK port). */
  readonly ifIndex: Uint16Array;
  /** Packet bytes, packed (or, given to the constructor, a buffer the packets already lie in). */
  readonly data: Uint8Array;

  constructor(
    readonly capacity: number = BURST_DEFAULT_PACKETS,
    dataBytes: number = BURST_DEFAULT_DATA_BYTES,
    data?: Uint8Array,
    /** Arrays of `capacity` elements to keep the descriptors in (e.g. in shared memory) instead of fresh ones. */
    arrays?: PacketDescriptorArrays,
  ) {
    if (arrays && arrays.tsS.length < capacity) throw new RangeError(`PacketBurst: descriptor arrays hold ${arrays.tsS.length} packets, capacity is ${capacity}`);
    this.tsS = arrays ? arrays.tsS : new Float64Array(capacity);
    this.offset = arrays ? arrays.offset : new Uint32Array(capacity);
    this.caplen = arrays ? arrays.caplen : new Uint32Array(capacity);
    this.wirelen = arrays ? arrays.wirelen : new Uint32Array(capacity);
    this.linkType = arrays ? arrays.linkType : new Uint16Array(capacity);
    this.ifIndex = arrays ? arrays.ifIndex : new Uint16Array(capacity);
    this.data = data ?? new Uint8Array(dataBytes);
  }
}

/** The per-packet arrays of a burst (see {@link PacketBurst}). */
export interface PacketDescriptorArrays {
  readonly tsS: Float64Array;
  readonly offset: Uint32Array;
  readonly caplen: Uint32Array;
  readonly wirelen: Uint32Array;
  readonly linkType: Uint16Array;
  readonly ifIndex: Uint16Array;
}
