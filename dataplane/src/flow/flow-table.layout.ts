import { HashTableGeometry, hashTableGeometry } from '../shard/hash-table.layout';

/**
 * Shared-memory layout of one flow-table shard. Pinned by flow-table.layout.spec.ts:
 * change an offset only together with that spec.
 *
 * One SharedArrayBuffer per shard (see hash-table.layout.ts for the header and
 * buckets):
 *   [header][buckets][slots: FLOW_SLOT_BYTES each][total bytes: FLOW_TOTAL_BYTES_BYTES each][names: FLOW_NAME_BYTES each][info: FLOW_INFO_BYTES each]
 *
 * The inline (capture) thread of the shard is the only writer of keys, counters
 * and chains. Offline threads read, and write only the offline-owned fields
 * (throughput, the ReadyToBePurged state). Numbers that can exceed 2^32 are f64
 * (exact to 2^53).
 */

/**
 * Per-slot u32 fields, at the start of the slot. Words 0..15 are the first
 * cache line: everything a lookup compares plus what every packet needs next.
 */
export const enum FlowU32 {
  State = 0, // EntryState, Atomics (same place in every hash table: SlotU32.State)
  Next, // next slot in the bucket chain, -1 ends (SlotU32.Next)
  Hash, // SlotU32.Hash
  KeyMeta, // ipVersion << 24 | l4Proto << 16 | vlan (12 bits)
  Ports, // clientPort << 16 | serverPort
  CliAddr0,
  CliAddr1,
  CliAddr2,
  CliAddr3,
  SrvAddr0,
  SrvAddr1,
  SrvAddr2,
  SrvAddr3,
  CliHost, // host-table slot of the client in the same shard (Int32, -1 none)
  SrvHost,
  DpiState, // DpiState
  // second cache line
  TcpFlags, // client->server flags | server->client flags << 8; bits 16/17: first sequence number seen c2s/s2c
  C2sNextSeq,
  S2cNextSeq,
  L7, // nDPI master << 16 | app protocol id
  CategoryBreed, // category (16 bits) | breed << 16 | confidence << 24
  RiskLo, // nDPI risk bitmap, bits 0..31
  RiskHi, // bits 32..63
  Score,
  DpiPackets, // packets nDPI looked at (FlowRecord.dpi_packets)
  Flags, // FlowFlag bits
  Tunnel, // TunnelKind of the first packet (FlowRecord.tunnel)
  Generation, // bumped each time the slot is reused: flow keys stay unique
  // offline-owned (flow records): retransmissions already reported by an interim record
  ReportedC2sRetrans,
  ReportedS2cRetrans,
  FinalReported, // offline-owned: 1 once a flush gave the flow its final record while the slot stays (not flushed twice)
  IcmpTypeCode, // ICMP/ICMPv6: 0x10000 | type << 8 | code of the flow's first packet (Community ID); 0 otherwise
  Count = 32,
}

/** Per-slot f64 fields, after the u32 block (byte 128 of the slot: the third cache line holds 0..7). */
export const enum FlowF64 {
  FirstSeen = 0, // seconds since epoch
  LastSeen,
  C2sPkts,
  C2sBytes, // captured bytes incl. link layer, as ndpiReader
  S2cPkts,
  S2cBytes,
  C2sIpBytes, // IP-layer bytes (innermost IP total length): what IPFIX octetDeltaCount counts
  S2cIpBytes, // (0..7: every counter each packet updates, one cache line)
  C2sRetrans,
  S2cRetrans,
  C2sOoo,
  S2cOoo,
  Reserved12, // (was L4 payload bytes per direction: written per packet, read by nothing)
  Reserved13,
  // offline-owned: written by the control plane's periodic pass only
  ThptBps,
  ThptPps,
  PrevBytes,
  PrevPkts,
  PrevTs,
  // offline-owned (flow records): counters already reported by interim records (active timeout),
  // so each record carries deltas and the records of a flow sum to its counters
  ReportedC2sPkts,
  ReportedC2sBytes,
  ReportedS2cPkts,
  ReportedS2cBytes,
  ReportedLastSeen, // last_seen (s) of the last interim record; 0 = none yet
  Count = 24,
}

export const enum FlowFlag {
  /** The first packet of the flow was sent by the server (we joined at SYN-ACK). */
  FirstFromServer = 1 << 0,
  // 1 << 1: free (was "a SYN without ACK was seen", set at creation and read by nothing)
  /** Both directions have sent FIN or one RST: the flow is finished. */
  Closed = 1 << 2,
  /** The client / server is in the configured local networks (set at creation). */
  CliLocal = 1 << 4,
  SrvLocal = 1 << 5,
}

/** nDPI detection state of a flow. */
export const enum DpiState {
  None = 0, // DPI disabled or not applicable
  Pending = 1, // packets are being given to nDPI
  Detected = 2, // detection finished (possibly with extra dissection done)
  GivenUp = 3, // gave up (packet limit, idle, end of capture): guessed
}

export const FLOW_SLOT_F64 = FlowF64.Count;
export const FLOW_SLOT_U32 = FlowU32.Count;
/** Bytes per slot: the u32 block then the f64 block; 320 = 5 cache lines. */
export const FLOW_SLOT_BYTES = FLOW_SLOT_U32 * 4 + FLOW_SLOT_F64 * 8;
/**
 * Per-slot total bytes (c2s + s2c), one f64 per slot in a region of its own:
 * kept by the inline worker beside the slot's counters, NaN once the flow is
 * no longer active. The unfiltered bytes ranking reads these 8 bytes per slot
 * instead of a 64-byte cache line of the slot.
 */
export const FLOW_TOTAL_BYTES_BYTES = 8;
/** Server name (TLS/QUIC SNI, HTTP Host, DNS query): u8 length then UTF-8 bytes. */
export const FLOW_NAME_BYTES = 128;
/** Extra DPI metadata as compact JSON (URL, user agent, JA3, ALPN, ...): u16 length (LE) then UTF-8. */
export const FLOW_INFO_BYTES = 384;

/** Geometry of a flow shard (the generic hash-table geometry). */
export type FlowTableGeometry = HashTableGeometry;

/** Geometry of a flow shard for `capacity` flows. */
export function flowTableGeometry(capacity: number): HashTableGeometry {
  return hashTableGeometry(capacity, FLOW_SLOT_BYTES, FLOW_TOTAL_BYTES_BYTES + FLOW_NAME_BYTES + FLOW_INFO_BYTES);
}

/** Byte offset of the total-bytes region of a flow shard (8-aligned: it follows the 64-byte slots). */
export function flowTotalBytesOffset(g: HashTableGeometry): number {
  return g.extraOffset;
}

/** Byte offset of the name region of a flow shard (the info region follows it). */
export function flowNamesOffset(g: HashTableGeometry): number {
  return g.extraOffset + g.capacity * FLOW_TOTAL_BYTES_BYTES;
}

/** Byte offset of the info region of a flow shard. */
export function flowInfoOffset(g: HashTableGeometry): number {
  return flowNamesOffset(g) + g.capacity * FLOW_NAME_BYTES;
}
