import { CaptureSource, END_OF_CAPTURE } from '../capture/capture-source';
import { PacketBurst } from '../capture/packet-burst';
import { shardOf } from '../decode/shard-hash';
import {
  PacketRingBuffers,
  RING_CAPACITY,
  RING_ERROR_BYTES,
  RING_ERROR_OFFSET,
  RING_F64_OFFSET,
  RING_MASK,
  RING_SLOT_BYTES,
  RING_SLOT_PACKETS,
  RING_SLOTS,
  RingF64,
  RingI32,
  RingState,
  SlotDescriptors,
} from './packet-ring.layout';

/** Longest single wait for a worker, ms: the reader looks at its Stop word at least this often. */
const WAIT_SLICE_MS = 20;

const utf8 = new TextEncoder();

/**
 * The file reader thread's work: reads the capture through `source` into the
 * shared data slots and their descriptors one burst (a chunk's worth of
 * packets) at a time, finds each packet's owner (`shardOf`, the same software
 * RSS the workers used when each read the whole file) and appends the packet's
 * reference (slot and index, one u32) to that worker's ring.
 * A slot is refilled once every worker has processed the packets it holds.
 * Each worker thus sees its packets in file order, exactly those it kept when
 * it read the file itself, while the file is read and parsed once.
 * Allocates nothing per packet.
 */
export class FileReader {
  private readonly ctl: Int32Array;
  private readonly counters: Float64Array;
  private readonly rings: Uint32Array[];
  private readonly bursts: PacketBurst[] = [];
  /** References written per worker (published to `Write` once per burst). */
  private readonly written: Int32Array;
  /** slotEnd[slot * workers + w]: worker w's write index after the slot's last packet. */
  private readonly slotEnd: Int32Array;
  private readonly workers: number;

  constructor(
    private readonly source: CaptureSource,
    private readonly buffers: PacketRingBuffers,
    /** Wakes worker w when its ring gets packets (a non-blocking worker sleeps on its control word). */
    private readonly wake: (worker: number) => void = () => undefined,
  ) {
    this.workers = buffers.rings.length;
    this.ctl = new Int32Array(buffers.control, 0, RingI32.Words);
    this.counters = new Float64Array(buffers.control, RING_F64_OFFSET, RingF64.Count);
    this.rings = buffers.rings.map((r) => new Uint32Array(r));
    const descriptors = new SlotDescriptors(buffers.descriptors);
    for (let s = 0; s < RING_SLOTS; s++) {
      const data = new Uint8Array(buffers.data, s * RING_SLOT_BYTES, RING_SLOT_BYTES);
      this.bursts.push(new PacketBurst(RING_SLOT_PACKETS, 0, data, descriptors.slot(s)));
    }
    this.written = new Int32Array(this.workers);
    this.slotEnd = new Int32Array(RING_SLOTS * this.workers);
  }

  /**
   * Reads the whole source (or until Stop), then sets the ring state to Ended,
   * or to Error after every packet before a bad record. Returns the final state.
   */
  run(idleWaitMs: () => number = () => 1): RingState {
    const ctl = this.ctl;
    let slot = 0;
    for (;;) {
      if (Atomics.load(ctl, RingI32.Stop) !== 0) return this.finish(RingState.Ended);
      if (!this.waitForSlot(slot)) return this.finish(RingState.Ended);
      const burst = this.bursts[slot];
      let n: number;
      try {
        n = this.source.nextBurst(burst);
      } catch (err) {
        // Packets before the bad record came in earlier bursts: the error waits behind them.
        this.account();
        return this.fail(err);
      }
      if (n === END_OF_CAPTURE) {
        this.account();
        return this.finish(RingState.Ended);
      }
      if (n === 0) {
        // A real-time replay with nothing due yet.
        Atomics.wait(ctl, RingI32.Stop, 0, Math.max(1, Math.min(WAIT_SLICE_MS, idleWaitMs())));
        continue;
      }
      this.dispatch(burst, n, slot * RING_SLOT_PACKETS);
      const end = slot * this.workers;
      for (let w = 0; w < this.workers; w++) this.slotEnd[end + w] = this.written[w];
      this.publish();
      this.account();
      slot = slot + 1 === RING_SLOTS ? 0 : slot + 1;
    }
  }

  /**
   * Appends each packet's reference (`first` + its index in the burst) to its owner's ring. Room is checked once per burst, for
   * the whole burst, not per packet (an atomic load per packet kept the compiler from keeping
   * the loop's arrays in registers); the rings hold every packet of every slot, so the check
   * waits only for a worker that is behind by more than all the slots.
   */
  private dispatch(b: PacketBurst, n: number, first: number): void {
    const workers = this.workers;
    const data = b.data;
    const written = this.written;
    for (let w = 0; w < workers; w++) {
      const at = written[w];
      if (((at + n - Atomics.load(this.ctl, RingI32.Read + w)) | 0) > RING_CAPACITY) this.waitForRoom(w, (at + n - 1) | 0);
    }
    const offset = b.offset;
    const caplen = b.caplen;
    const linkType = b.linkType;
    const rings = this.rings;
    for (let i = 0; i < n; i++) {
      const w = shardOf(data, offset[i], caplen[i], linkType[i], workers);
      const at = written[w];
      rings[w][at & RING_MASK] = first + i;
      written[w] = (at + 1) | 0;
    }
  }

  /** Makes every written reference visible to its worker, and wakes the workers that got some. */
  private publish(): void {
    const ctl = this.ctl;
    for (let w = 0; w < this.workers; w++) {
      if (Atomics.load(ctl, RingI32.Write + w) === this.written[w]) continue;
      Atomics.store(ctl, RingI32.Write + w, this.written[w]);
      Atomics.notify(ctl, RingI32.Write + w);
      this.wake(w);
    }
  }

  /** Waits until every worker has processed the packets of `slot` (false: asked to stop). */
  private waitForSlot(slot: number): boolean {
    const end = slot * this.workers;
    for (let w = 0; w < this.workers; w++) {
      if (!this.waitUntilRead(w, this.slotEnd[end + w])) return false;
    }
    return true;
  }

  /** Ring w is full: publish what is written, then wait for the worker to free one entry. */
  private waitForRoom(w: number, at: number): void {
    this.publish();
    this.waitUntilRead(w, (at - RING_CAPACITY + 1) | 0);
  }

  /** Waits until worker w's Read index reaches `index`, the worker closed its ring, or Stop. */
  private waitUntilRead(w: number, index: number): boolean {
    const ctl = this.ctl;
    for (;;) {
      const read = Atomics.load(ctl, RingI32.Read + w);
      if (((read - index) | 0) >= 0) return true;
      // A worker that stopped reading (it failed, or was stopped) holds nothing back.
      if (Atomics.load(ctl, RingI32.Closed + w) !== 0) return true;
      if (Atomics.load(ctl, RingI32.Stop) !== 0) return false;
      Atomics.wait(ctl, RingI32.Read + w, read, WAIT_SLICE_MS);
    }
  }

  private account(): void {
    const s = this.source.stats();
    this.counters[RingF64.Packets] = s.packets;
    this.counters[RingF64.Bytes] = s.bytes;
    this.counters[RingF64.Drops] = s.drops;
  }

  private finish(state: RingState): RingState {
    this.publish();
    Atomics.store(this.ctl, RingI32.State, state);
    for (let w = 0; w < this.workers; w++) {
      Atomics.notify(this.ctl, RingI32.Write + w);
      this.wake(w);
    }
    return state;
  }

  private fail(err: unknown): RingState {
    const code = (err as { code?: unknown } | null)?.code;
    const text = `${typeof code === 'string' ? code : 'WORKER_FAILED'} ${err instanceof Error ? err.message : String(err)}`;
    const out = new Uint8Array(this.buffers.control, RING_ERROR_OFFSET, RING_ERROR_BYTES);
    // encodeInto cannot write into shared memory: encode, then copy (once, at the end).
    const bytes = utf8.encode(text).subarray(0, RING_ERROR_BYTES);
    out.set(bytes);
    Atomics.store(this.ctl, RingI32.ErrorBytes, bytes.length);
    return this.finish(RingState.Error);
  }
}
