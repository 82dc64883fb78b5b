/**
 * Shared memory between the file reader thread and the capture workers of one
 * interface (a capture file read with more than one worker). The reader reads
 * and parses each chunk of the file once, into one of RING_SLOTS data slots,
 * and hands every packet to the worker that owns its flow (software RSS,
 * `shardOf`) as a descriptor in that worker's single-producer single-consumer
 * ring; the worker decodes the packet where it lies in the shared data.
 * Pinned by packet-ring.layout.spec.ts.
 *
 *   data:    one SharedArrayBuffer of RING_SLOTS x RING_SLOT_BYTES packet bytes
 *   ring w:  one SharedArrayBuffer per worker:
 *            [tsS: f64 x RING_CAPACITY][offset: u32 x RING_CAPACITY][caplen: u32 x ..][wirelen: u32 x ..][linkType: u16 x ..][ifIndex: u16 x ..]
 *   control: Int32 words (RingI32) then f64 counters (RingF64) then the error text
 *
 * Indices are free-running int32 counters (compared by their difference,
 * wrapping at 2^32); a descriptor lives at `index & RING_MASK`. The reader is
 * the only writer of `Write`, the worker the only writer of `Read`.
 */

/** Data slots the reader fills in turn; a slot is refilled once every worker has processed its packets. */
export const RING_SLOTS = 8;
/** Packet bytes per data slot (a chunk's worth: the reader's burst data buffer). */
export const RING_SLOT_BYTES = 4 * 1024 * 1024;
/** Packets the reader takes from the file per slot at most. */
export const RING_SLOT_PACKETS = 8192;
/** Descriptors per worker ring: every packet of every slot fits, so the reader waits on slots, not on rings. */
export const RING_CAPACITY = 65536;
export const RING_MASK = RING_CAPACITY - 1;

/** Bytes of one worker's descriptor ring. */
export const RING_BYTES = RING_CAPACITY * (8 + 4 + 4 + 4 + 2 + 2);

/** Byte offsets of the descriptor arrays in a ring buffer. */
export const RING_TS_OFFSET = 0;
export const RING_OFFSET_OFFSET = RING_CAPACITY * 8;
export const RING_CAPLEN_OFFSET = RING_OFFSET_OFFSET + RING_CAPACITY * 4;
export const RING_WIRELEN_OFFSET = RING_CAPLEN_OFFSET + RING_CAPACITY * 4;
export const RING_LINKTYPE_OFFSET = RING_WIRELEN_OFFSET + RING_CAPACITY * 4;
export const RING_IFINDEX_OFFSET = RING_LINKTYPE_OFFSET + RING_CAPACITY * 2;

/** Most workers one reader serves (the control block has a word pair per worker). */
export const RING_MAX_WORKERS = 64;

/** Int32 words of the control block. */
export const enum RingI32 {
  State = 0, // RingState, written by the reader
  Stop, // 1 = the reader stops at once (written by the main thread)
  ErrorBytes, // length of the UTF-8 error text (State Error)
  Write = 8, // + worker: descriptors published to worker w (reader)
  Read = Write + RING_MAX_WORKERS, // + worker: descriptors worker w has processed (worker)
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
  control: SharedArrayBuffer;
  /** One per worker. */
  rings: SharedArrayBuffer[];
}

/** Allocates the buffers for `workers` workers. */
export function allocatePacketRings(workers: number): PacketRingBuffers {
  if (workers > RING_MAX_WORKERS) throw new RangeError(`a file reader serves at most ${RING_MAX_WORKERS} workers, got ${workers}`);
  const rings: SharedArrayBuffer[] = [];
  for (let w = 0; w < workers; w++) rings.push(new SharedArrayBuffer(RING_BYTES));
  return { data: new SharedArrayBuffer(RING_SLOTS * RING_SLOT_BYTES), control: new SharedArrayBuffer(RING_CONTROL_BYTES), rings };
}

/** Typed views of one worker's descriptor ring. */
export class RingView {
  readonly tsS: Float64Array;
  readonly offset: Uint32Array;
  readonly caplen: Uint32Array;
  readonly wirelen: Uint32Array;
  readonly linkType: Uint16Array;
  readonly ifIndex: Uint16Array;

  constructor(sab: SharedArrayBuffer) {
    this.tsS = new Float64Array(sab, RING_TS_OFFSET, RING_CAPACITY);
    this.offset = new Uint32Array(sab, RING_OFFSET_OFFSET, RING_CAPACITY);
    this.caplen = new Uint32Array(sab, RING_CAPLEN_OFFSET, RING_CAPACITY);
    this.wirelen = new Uint32Array(sab, RING_WIRELEN_OFFSET, RING_CAPACITY);
    this.linkType = new Uint16Array(sab, RING_LINKTYPE_OFFSET, RING_CAPACITY);
    this.ifIndex = new Uint16Array(sab, RING_IFINDEX_OFFSET, RING_CAPACITY);
  }
}
