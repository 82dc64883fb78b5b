import type { PacketDescriptorArrays } from '../capture/packet-burst';

/**
 * Shared memory between the file reader thread and the capture workers of one
 * interface (a capture file read with more than one worker). The reader reads
 * and parses each chunk of the file once, into one of RING_SLOTS data slots
 * and the slot's packet descriptors, and hands every packet to the worker that
 * owns its flow (software RSS, `shardOf`) as a reference (one u32) in that
 * worker's single-producer single-consumer ring; the worker takes the
 * descriptor from the slot and decodes the packet where it lies in the shared
 * data. Pinned by packet-ring.layout.spec.ts.
 *
 *   data:        one SharedArrayBuffer of RING_SLOTS x RING_SLOT_BYTES packet bytes
 *   descriptors: one SharedArrayBuffer, RING_DESCRIPTORS (every slot's RING_SLOT_PACKETS) of each:
 *                [tsS: f64 x ..][offset: u32 x ..][caplen: u32 x ..][wirelen: u32 x ..][linkType: u16 x ..][ifIndex: u16 x ..]
 *                (offset: from the start of the slot's data)
 *   ring w:      one SharedArrayBuffer per worker: u32 x RING_CAPACITY packet references,
 *                slot * RING_SLOT_PACKETS + the packet's index in the slot
 *   control:     Int32 words (RingI32) then f64 counters (RingF64) then the error text
 *
 * Indices are free-running int32 counters (compared by their difference,
 * wrapping at 2^32); a reference lives at `index & RING_MASK`. The reader is
 * the only writer of `Write`, the worker the only writer of `Read`.
 */

/** Data slots the reader fills in turn; a slot is refilled once every worker has processed its packets. */
export const RING_SLOTS = 8;
/** log2 of RING_SLOT_BYTES. */
export const RING_SLOT_BYTES_SHIFT = 22;
/** Packet bytes per data slot (a chunk's worth: the reader's burst data buffer). */
export const RING_SLOT_BYTES = 1 << RING_SLOT_BYTES_SHIFT;
/** log2 of RING_SLOT_PACKETS. */
export const RING_SLOT_PACKETS_SHIFT = 13;
/** Packets the reader takes from the file per slot at most. */
export const RING_SLOT_PACKETS = 1 << RING_SLOT_PACKETS_SHIFT;
/** Packet descriptors of all slots: a packet reference indexes them. */
export const RING_DESCRIPTORS = RING_SLOTS * RING_SLOT_PACKETS;
/** References per worker ring: every packet of every slot fits, so the reader waits on slots, not on rings. */
export const RING_CAPACITY = 65536;
export const RING_MASK = RING_CAPACITY - 1;

/** Bytes of one worker's ring of packet references. */
export const RING_BYTES = RING_CAPACITY * 4;

/** Byte offsets of the descriptor arrays in the descriptors buffer. */
export const DESC_TS_OFFSET = 0;
export const DESC_OFFSET_OFFSET = RING_DESCRIPTORS * 8;
export const DESC_CAPLEN_OFFSET = DESC_OFFSET_OFFSET + RING_DESCRIPTORS * 4;
export const DESC_WIRELEN_OFFSET = DESC_CAPLEN_OFFSET + RING_DESCRIPTORS * 4;
export const DESC_LINKTYPE_OFFSET = DESC_WIRELEN_OFFSET + RING_DESCRIPTORS * 4;
export const DESC_IFINDEX_OFFSET = DESC_LINKTYPE_OFFSET + RING_DESCRIPTORS * 2;
/** Bytes of the descriptors buffer. */
export const DESC_BYTES = DESC_IFINDEX_OFFSET + RING_DESCRIPTORS * 2;

/** Most workers one reader serves (the control block has a word pair per worker). */
export const RING_MAX_WORKERS = 64;

/** Int32 words of the control block. */
export const enum RingI32 {
  State = 0, // RingState, written by the reader
  Stop, // 1 = the reader stops at once (written by the main thread)
  ErrorBytes, // length of the UTF-8 error text (State Error)
  Write = 8, // + worker: packet references published to worker w (reader)
  Read = Write + RING_MAX_WORKERS, // + worker: references worker w has processed (worker)
  Closed = Read + RING_MAX_WORKERS, // + worker: 1 once worker w has stopped reading (its ring is drained by nobody)
  Words = Closed + RING_MAX_WORKERS,
}

/** f64 counters of the control block (after the Int32 words). */
export const enum RingF64 {
  Packets = 0, // packets the reader took from the file
  Bytes, // their captured bytes
  Drops, // drops reported by the file source (the bad record)
  Count = 4,
}

export const RING_F64_OFFSET = RingI32.Words * 4;
export const RING_ERROR_OFFSET = RING_F64_OFFSET + RingF64.Count * 8;
/** Bytes of the error text at most (code, then a space, then the message). */
export const RING_ERROR_BYTES = 1024;
export const RING_CONTROL_BYTES = RING_ERROR_OFFSET + RING_ERROR_BYTES;

/** RingI32.State values. */
export const enum RingState {
  Reading = 0,
  /** Every packet of the file has been published. */
  Ended = 1,
  /** Every packet before a bad record has been published; the error text says why the file could not be read further. */
  Error = 2,
}

/** The shared buffers of one reader and its workers (workerData of both). */
export interface PacketRingBuffers {
  data: SharedArrayBuffer;
  /** The slots' packet descriptors (see DESC_*). */
  descriptors: SharedArrayBuffer;
  control: SharedArrayBuffer;
  /** One per worker. */
  rings: SharedArrayBuffer[];
}

/** Allocates the buffers for `workers` workers. */
export function allocatePacketRings(workers: number): PacketRingBuffers {
  if (workers > RING_MAX_WORKERS) throw new RangeError(`a file reader serves at most ${RING_MAX_WORKERS} workers, got ${workers}`);
  const rings: SharedArrayBuffer[] = [];
  for (let w = 0; w < workers; w++) rings.push(new SharedArrayBuffer(RING_BYTES));
  return {
    data: new SharedArrayBuffer(RING_SLOTS * RING_SLOT_BYTES),
    descriptors: new SharedArrayBuffer(DESC_BYTES),
    control: new SharedArrayBuffer(RING_CONTROL_BYTES),
    rings,
  };
}

/** Typed views of every slot's packet descriptors, indexed by packet reference. */
export class SlotDescriptors implements PacketDescriptorArrays {
  readonly tsS: Float64Array;
  readonly offset: Uint32Array;
  readonly caplen: Uint32Array;
  readonly wirelen: Uint32Array;
  readonly linkType: Uint16Array;
  readonly ifIndex: Uint16Array;

  constructor(sab: SharedArrayBuffer) {
    this.tsS = new Float64Array(sab, DESC_TS_OFFSET, RING_DESCRIPTORS);
    this.offset = new Uint32Array(sab, DESC_OFFSET_OFFSET, RING_DESCRIPTORS);
    this.caplen = new Uint32Array(sab, DESC_CAPLEN_OFFSET, RING_DESCRIPTORS);
    this.wirelen = new Uint32Array(sab, DESC_WIRELEN_OFFSET, RING_DESCRIPTORS);
    this.linkType = new Uint16Array(sab, DESC_LINKTYPE_OFFSET, RING_DESCRIPTORS);
    this.ifIndex = new Uint16Array(sab, DESC_IFINDEX_OFFSET, RING_DESCRIPTORS);
  }

  /** Views of slot `slot`'s descriptors (the arrays of the reader's burst for that slot). */
  slot(slot: number): PacketDescriptorArrays {
    const a = slot * RING_SLOT_PACKETS;
    const b = a + RING_SLOT_PACKETS;
    return {
      tsS: this.tsS.subarray(a, b),
      offset: this.offset.subarray(a, b),
      caplen: this.caplen.subarray(a, b),
      wirelen: this.wirelen.subarray(a, b),
      linkType: this.linkType.subarray(a, b),
      ifIndex: this.ifIndex.subarray(a, b),
    };
  }
}
