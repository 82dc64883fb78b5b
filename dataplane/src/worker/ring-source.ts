import { CaptureSource, CaptureSourceStats, END_OF_CAPTURE } from '../capture/capture-source';
import { BURST_DEFAULT_PACKETS, PacketBurst } from '../capture/packet-burst';
import { DataplaneError } from '../errors/dataplane-error';
import {
  PacketRingBuffers,
  RING_ERROR_OFFSET,
  RING_F64_OFFSET,
  RING_MASK,
  RING_SLOT_BYTES_SHIFT,
  RING_SLOT_PACKETS_SHIFT,
  RingF64,
  RingI32,
  RingState,
  SlotDescriptors,
} from './packet-ring.layout';
import { WorkerControl } from './worker-stats.layout';

/** Longest single wait for the reader, ms: the worker looks at its Stop word at least this often. */
const WAIT_SLICE_MS = 20;

const utf8 = new TextDecoder();

/**
 * A capture worker's side of the file reader's ring (packet-ring.layout.ts):
 * hands out the packets the reader gave this worker, in file order, as bursts
 * whose `data` is the shared data of every slot (packets are decoded where the
 * reader put them, never copied again). A burst's packets stay valid until the
 * next `nextBurst` call, which tells the reader they are done with.
 *
 * `blocking` (a file read at full speed): an empty ring is waited for, so the
 * burst loop never mistakes a reader that has not caught up for a quiet link;
 * otherwise (a real-time replay) an empty ring returns 0 and the loop idles.
 * Allocates nothing per packet or per burst.
 */
export class RingSource implements CaptureSource {
  private readonly ctl: Int32Array;
  private readonly counters: Float64Array;
  private readonly ring: Uint32Array;
  private readonly desc: SlotDescriptors;
  private readonly data: Uint8Array;
  private readonly totals: CaptureSourceStats = { packets: 0, bytes: 0, drops: 0 };
  /** Descriptors handed out so far (free-running, as RingI32.Read). */
  private handed = 0;
  private closed = false;

  constructor(
    private readonly buffers: PacketRingBuffers,
    private readonly worker: number,
    /** The worker's control words (Stop is honoured while waiting). */
    private readonly control: Int32Array,
    private readonly blocking: boolean,
  ) {
    this.ctl = new Int32Array(buffers.control, 0, RingI32.Words);
    this.counters = new Float64Array(buffers.control, RING_F64_OFFSET, RingF64.Count);
    this.ring = new Uint32Array(buffers.rings[worker]);
    this.desc = new SlotDescriptors(buffers.descriptors);
    this.data = new Uint8Array(buffers.data);
    this.handed = Atomics.load(this.ctl, RingI32.Read + worker);
  }

  /**
   * A worker restarted after a crash takes its ring back: the reader waits for
   * it again, and it starts at the newest descriptor. The descriptors it skips
   * (the rest of the burst the dead worker was processing, and what the reader
   * published while no worker read the ring — their data slots may have been
   * refilled since) are returned, to be counted as lost.
   */
  reattach(): number {
    const ctl = this.ctl;
    const w = this.worker;
    // Open first: from now on the reader waits for this worker before refilling a slot it still has packets in.
    Atomics.store(ctl, RingI32.Closed + w, 0);
    const write = Atomics.load(ctl, RingI32.Write + w);
    const skipped = (write - Atomics.load(ctl, RingI32.Read + w)) | 0;
    Atomics.store(ctl, RingI32.Read + w, write);
    Atomics.notify(ctl, RingI32.Read + w);
    this.handed = write;
    return skipped > 0 ? skipped : 0;
  }

  /** The burst to pass to nextBurst: its data is the reader's shared data. */
  createBurst(capacity: number = BURST_DEFAULT_PACKETS): PacketBurst {
    return new PacketBurst(capacity, 0, this.data);
  }

  /** {@inheritDoc CaptureSource.nextBurst} */
  nextBurst(burst: PacketBurst): number {
    const ctl = this.ctl;
    const w = this.worker;
    burst.count = 0;
    // The previous burst has been processed: its slots may be refilled.
    if (Atomics.load(ctl, RingI32.Read + w) !== this.handed) {
      Atomics.store(ctl, RingI32.Read + w, this.handed);
      Atomics.notify(ctl, RingI32.Read + w);
    }
    let avail = (Atomics.load(ctl, RingI32.Write + w) - this.handed) | 0;
    while (avail === 0) {
      const state = Atomics.load(ctl, RingI32.State);
      // Published before the state changed: look at the ring once more.
      avail = (Atomics.load(ctl, RingI32.Write + w) - this.handed) | 0;
      if (avail > 0) break;
      if (state === RingState.Ended) return END_OF_CAPTURE;
      if (state === RingState.Error) throw this.readerError();
      if (!this.blocking || Atomics.load(this.control, WorkerControl.Stop) !== 0) return 0;
      Atomics.wait(ctl, RingI32.Write + w, this.handed, WAIT_SLICE_MS);
      avail = (Atomics.load(ctl, RingI32.Write + w) - this.handed) | 0;
    }
    const n = avail < burst.capacity ? avail : burst.capacity;
    const ring = this.ring;
    const d = this.desc;
    const tsS = burst.tsS;
    const offset = burst.offset;
    const caplen = burst.caplen;
    const wirelen = burst.wirelen;
    const linkType = burst.linkType;
    const ifIndex = burst.ifIndex;
    let at = this.handed;
    for (let i = 0; i < n; i++) {
      // The packet's descriptor in its slot; its offset is from the start of the slot's data.
      const k = ring[at & RING_MASK];
      tsS[i] = d.tsS[k];
      offset[i] = ((k >>> RING_SLOT_PACKETS_SHIFT) << RING_SLOT_BYTES_SHIFT) + d.offset[k];
      caplen[i] = d.caplen[k];
      wirelen[i] = d.wirelen[k];
      linkType[i] = d.linkType[k];
      ifIndex[i] = d.ifIndex[k];
      at++;
    }
    this.handed = at | 0;
    burst.count = n;
    return n;
  }

  /**
   * Packets and bytes the reader took from the file (every worker's), as a
   * file source reports them, and the file's drops (the bad record).
   */
  stats(): CaptureSourceStats {
    const c = this.counters;
    this.totals.packets = c[RingF64.Packets];
    this.totals.bytes = c[RingF64.Bytes];
    this.totals.drops = c[RingF64.Drops];
    return this.totals;
  }

  /** Stops reading: the reader no longer keeps this worker's packets (idempotent). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    Atomics.store(this.ctl, RingI32.Closed + this.worker, 1);
    Atomics.notify(this.ctl, RingI32.Read + this.worker);
  }

  private readerError(): DataplaneError {
    const bytes = Atomics.load(this.ctl, RingI32.ErrorBytes);
    const text = utf8.decode(new Uint8Array(this.buffers.control, RING_ERROR_OFFSET, bytes).slice());
    const space = text.indexOf(' ');
    return new DataplaneError(text.slice(0, space), text.slice(space + 1));
  }
}
