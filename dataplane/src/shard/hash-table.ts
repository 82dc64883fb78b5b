import { EntryState } from './entry-state';
import { HashHeaderF64, HashHeaderI32, HashTableGeometry, LOCK_STRIPES, SlotU32 } from './hash-table.layout';
import { adviseHugePages } from './huge-pages';
import { readLock, readUnlock, tryWriteLock, WRITER, writeUnlock } from './rw-lock';

/** Decides, inline, whether an active entry has become idle at packet time `nowS`. */
export type IdleTest = (slot: number, nowS: number) => boolean;
/** Called inline just before an entry is deleted (release what it references). */
export type DeleteHook = (slot: number) => void;
/** Called inline right after an entry has been marked Idle (it no longer counts as active). */
export type IdleHook = (slot: number) => void;

const LOCK_MASK = LOCK_STRIPES - 1;

/**
 * The mechanics every hash-table shard shares (seeds/003): bucket chains over
 * fixed-stride slots in a SharedArrayBuffer, the entry lifecycle and the locks.
 *
 * Inline (the shard's capture worker): `allocSlot` + `publish` add entries
 * without locks; `purgeIdle` marks idle entries and deletes
 * ready_to_be_purged ones under a try-write-lock, retrying next cycle when busy.
 * Offline (control plane): `lockAllForRead` / `unlockAllForRead` around scans,
 * `markIdleReadyToBePurged` as the periodic pass.
 */
export class HashTable {
  readonly capacity: number;
  readonly bucketCount: number;
  readonly header: Int32Array;
  readonly counters: Float64Array;
  readonly buckets: Int32Array;
  /** Slot fields: u32 block at slot * u32Stride, f64 block at slot * f64Stride + f64Base. */
  readonly f64: Float64Array;
  readonly u32: Uint32Array;
  readonly i32: Int32Array;
  readonly f64Stride: number;
  readonly u32Stride: number;
  readonly f64Base: number;

  constructor(
    readonly sab: SharedArrayBuffer,
    readonly geometry: HashTableGeometry,
    u32PerSlot: number,
  ) {
    const g = geometry;
    if (sab.byteLength < g.totalBytes) {
      throw new RangeError(`shard buffer holds ${sab.byteLength} bytes, layout needs ${g.totalBytes}`);
    }
    this.capacity = g.capacity;
    this.bucketCount = g.bucketCount;
    this.header = new Int32Array(sab, 0, HashHeaderI32.Words);
    this.counters = new Float64Array(sab, HashHeaderI32.Words * 4, HashHeaderF64.Count);
    this.buckets = new Int32Array(sab, g.bucketsOffset, g.bucketCount);
    this.f64Stride = g.slotBytes / 8;
    this.u32Stride = g.slotBytes / 4;
    if (u32PerSlot % 2 !== 0) throw new RangeError(`the u32 block must keep the f64 block 8-byte aligned, got ${u32PerSlot} words`);
    this.f64Base = u32PerSlot / 2;
    this.f64 = new Float64Array(sab, g.slotsOffset, g.capacity * this.f64Stride);
    this.u32 = new Uint32Array(sab, g.slotsOffset, g.capacity * this.u32Stride);
    this.i32 = new Int32Array(sab, g.slotsOffset, g.capacity * this.u32Stride);
  }

  /** Capacity recorded in a formatted shard buffer. */
  static capacityOf(sab: SharedArrayBuffer): number {
    return new Int32Array(sab, 0, HashHeaderI32.Words)[HashHeaderI32.Capacity];
  }

  /** Writes an empty table into a fresh buffer (before any thread uses it). */
  static format(sab: SharedArrayBuffer, g: HashTableGeometry): void {
    adviseHugePages(sab); // before the first write: pages are given at fault time
    const header = new Int32Array(sab, 0, HashHeaderI32.Words);
    header[HashHeaderI32.Capacity] = g.capacity;
    header[HashHeaderI32.BucketCount] = g.bucketCount;
    header[HashHeaderI32.FreeHead] = -1;
    new Int32Array(sab, g.bucketsOffset, g.bucketCount).fill(-1);
  }

  /** Index of the u32 block of `slot` in `u32`/`i32`. */
  u32At(slot: number): number {
    return slot * this.u32Stride;
  }

  /** Index of the f64 block of `slot` in `f64`. */
  f64At(slot: number): number {
    return slot * this.f64Stride + this.f64Base;
  }

  stateOf(slot: number): EntryState {
    return Atomics.load(this.u32, slot * this.u32Stride + SlotU32.State) as EntryState;
  }

  /** Entries not free (active, idle or ready_to_be_purged). */
  get inUse(): number {
    return Atomics.load(this.header, HashHeaderI32.InUse);
  }

  /** Entries Active (kept by the inline thread, read by anyone). */
  get active(): number {
    return Atomics.load(this.header, HashHeaderI32.Active);
  }

  get full(): boolean {
    return this.header[HashHeaderI32.TableFull] === 1;
  }

  // ---- inline ------------------------------------------------------------

  /**
   * Takes a free slot for a new entry, or returns -1 when the table is full
   * (flagged; the caller counts what it could not account). The slot's fields
   * are the caller's to fill before `publish`.
   */
  allocSlot(): number {
    const h = this.header;
    let slot = h[HashHeaderI32.FreeHead];
    if (slot >= 0) {
      h[HashHeaderI32.FreeHead] = this.i32[this.u32At(slot) + SlotU32.Next];
    } else if (h[HashHeaderI32.NeverUsed] < this.capacity) {
      slot = h[HashHeaderI32.NeverUsed]++;
    } else {
      h[HashHeaderI32.TableFull] = 1;
      return -1;
    }
    return slot;
  }

  /**
   * Makes a filled slot visible: state active, then linked at the head of its
   * bucket with atomic stores, so a concurrent reader sees either the old chain
   * or the complete new entry.
   */
  publish(slot: number, hash: number): void {
    const base = this.u32At(slot);
    const bucket = hash & (this.bucketCount - 1);
    this.u32[base + SlotU32.Hash] = hash;
    Atomics.store(this.u32, base + SlotU32.State, EntryState.Active);
    Atomics.store(this.i32, base + SlotU32.Next, Atomics.load(this.buckets, bucket));
    Atomics.store(this.buckets, bucket, slot);
    Atomics.add(this.header, HashHeaderI32.InUse, 1);
    Atomics.add(this.header, HashHeaderI32.Active, 1);
    this.counters[HashHeaderF64.Created]++;
  }

  /** First slot of the chain `hash` falls in (-1 if empty); follow with `nextOf`. */
  chainHead(hash: number): number {
    return this.buckets[hash & (this.bucketCount - 1)];
  }

  nextOf(slot: number): number {
    return this.i32[slot * this.u32Stride + SlotU32.Next];
  }

  countUnaccounted(bytes: number): void {
    this.counters[HashHeaderF64.UnaccountedPackets]++;
    this.counters[HashHeaderF64.UnaccountedBytes] += bytes;
  }

  /**
   * One purge step: visits bucketCount / fraction buckets from the cursor
   * (ntopng PURGE_FRACTION), turns idle entries Idle (then calls `onIdle`), and
   * deletes ReadyToBePurged ones when the bucket's stripe can be write-locked
   * without waiting. Returns the number of entries deleted.
   */
  purgeIdle(nowS: number, fraction: number, isIdle: IdleTest, onDelete: DeleteHook, onIdle?: IdleHook): number {
    const h = this.header;
    const mask = this.bucketCount - 1;
    const steps = Math.max(1, Math.ceil(this.bucketCount / fraction));
    let bucket = h[HashHeaderI32.PurgeCursor];
    let deleted = 0;
    for (let n = 0; n < steps; n++, bucket = (bucket + 1) & mask) {
      let locked = false;
      let prev = -1;
      let slot = this.buckets[bucket];
      while (slot >= 0) {
        const base = this.u32At(slot);
        const next = this.i32[base + SlotU32.Next];
        const state = Atomics.load(this.u32, base + SlotU32.State);
        if (state === EntryState.Active) {
          if (isIdle(slot, nowS)) {
            Atomics.store(this.u32, base + SlotU32.State, EntryState.Idle);
            Atomics.sub(h, HashHeaderI32.Active, 1);
            if (onIdle) onIdle(slot);
          }
        } else if (state === EntryState.ReadyToBePurged) {
          if (!locked) locked = tryWriteLock(h, bucket & LOCK_MASK);
          if (locked) {
            if (prev < 0) Atomics.store(this.buckets, bucket, next);
            else Atomics.store(this.i32, this.u32At(prev) + SlotU32.Next, next);
            onDelete(slot);
            this.freeSlot(slot, base);
            deleted++;
            slot = next;
            continue; // prev stays
          }
          // Busy: readers present, will retry next round.
        }
        prev = slot;
        slot = next;
      }
      if (locked) writeUnlock(h, bucket & LOCK_MASK);
    }
    h[HashHeaderI32.PurgeCursor] = bucket;
    return deleted;
  }

  private freeSlot(slot: number, base: number): void {
    const h = this.header;
    Atomics.store(this.u32, base + SlotU32.State, EntryState.Free);
    this.i32[base + SlotU32.Next] = h[HashHeaderI32.FreeHead];
    h[HashHeaderI32.FreeHead] = slot;
    Atomics.sub(h, HashHeaderI32.InUse, 1);
    this.counters[HashHeaderF64.Deleted]++;
  }

  // ---- after the inline owner died (docs/reliability.md, *Worker crash*) ----

  /**
   * Main thread, once the shard's capture worker has exited abnormally: frees
   * the stripes it held write-locked (it dies between `tryWriteLock` and
   * `writeUnlock` if an exception is thrown in a purge step), so readers
   * waiting on them go on. Sound because the inline thread is the only one
   * that ever write-locks a shard's stripes (seeds/003): a WRITER word whose
   * owner is dead belongs to nobody. Returns the stripes released.
   */
  releaseDeadWriter(): number {
    let released = 0;
    for (let i = 0; i < LOCK_STRIPES; i++) {
      if (Atomics.compareExchange(this.header, i, WRITER, 0) === WRITER) {
        Atomics.notify(this.header, i);
        released++;
      }
    }
    return released;
  }

  /**
   * The new inline owner, before its first packet: rebuilds what only the
   * dead owner kept consistent. Takes every stripe for writing (waiting for
   * readers), walks the bucket chains, and makes every slot below the high
   * water that is not linked in a chain Free again on a rebuilt free list: an
   * entry allocated but not yet published, one unlinked but not yet freed, a
   * slot freed but not yet on the list. The InUse and Active counts are
   * recounted. Linked entries keep their state. Returns the slots reclaimed.
   */
  repairAfterOwnerDeath(): number {
    const h = this.header;
    this.lockAllForWrite();
    try {
      const end = Math.min(h[HashHeaderI32.NeverUsed], this.capacity);
      const linked = new Uint8Array(end);
      let inUse = 0;
      let active = 0;
      for (let bucket = 0; bucket < this.bucketCount; bucket++) {
        let prev = -1;
        let slot = this.buckets[bucket];
        while (slot >= 0) {
          const bad = slot >= end || linked[slot] === 1;
          const base = bad ? 0 : this.u32At(slot);
          const state = bad ? EntryState.Free : Atomics.load(this.u32, base + SlotU32.State);
          if (bad || state === EntryState.Free) {
            // A chain through a free or foreign slot: cut it there (its rest is reclaimed below).
            if (prev < 0) Atomics.store(this.buckets, bucket, -1);
            else Atomics.store(this.i32, this.u32At(prev) + SlotU32.Next, -1);
            break;
          }
          linked[slot] = 1;
          inUse++;
          if (state === EntryState.Active) active++;
          prev = slot;
          slot = this.i32[base + SlotU32.Next];
        }
      }
      let freeHead = -1;
      let reclaimed = 0;
      for (let slot = end - 1; slot >= 0; slot--) {
        if (linked[slot] === 1) continue;
        const base = this.u32At(slot);
        if (Atomics.load(this.u32, base + SlotU32.State) !== EntryState.Free) reclaimed++;
        Atomics.store(this.u32, base + SlotU32.State, EntryState.Free);
        this.i32[base + SlotU32.Next] = freeHead;
        freeHead = slot;
      }
      h[HashHeaderI32.FreeHead] = freeHead;
      Atomics.store(h, HashHeaderI32.InUse, inUse);
      Atomics.store(h, HashHeaderI32.Active, active);
      return reclaimed;
    } finally {
      this.unlockAllForWrite();
    }
  }

  /** Write-locks every stripe, waiting for readers (recovery only: the inline thread never waits otherwise). */
  private lockAllForWrite(): void {
    for (let i = 0; i < LOCK_STRIPES; i++) {
      while (!tryWriteLock(this.header, i)) {
        const v = Atomics.load(this.header, i);
        if (v !== 0) Atomics.wait(this.header, i, v, 1);
      }
    }
  }

  private unlockAllForWrite(): void {
    for (let i = 0; i < LOCK_STRIPES; i++) writeUnlock(this.header, i);
  }

  // ---- offline -----------------------------------------------------------

  /**
   * Read-locks every stripe: while held, no entry is deleted or reused, so a
   * scan of slots [0, highWater) sees consistent entries (additions still go
   * on: they only turn Free slots into complete Active ones).
   */
  lockAllForRead(): void {
    for (let i = 0; i < LOCK_STRIPES; i++) readLock(this.header, i);
  }

  unlockAllForRead(): void {
    for (let i = 0; i < LOCK_STRIPES; i++) readUnlock(this.header, i);
  }

  /** Slots at or above this index have never been used. */
  get highWater(): number {
    return Atomics.load(this.header, HashHeaderI32.NeverUsed);
  }

  /** Where the next bounded offline sweep starts (offline thread only). */
  private sweepCursor = 0;

  /**
   * A bounded step of the offline periodic pass: visits up to `maxSlots` slots
   * from where the last step stopped (wrapping), calling `onActive` for active
   * entries and `onIdle` for idle ones, which then become ReadyToBePurged.
   * Keeps the main thread's share of a 1M-entry table to a few milliseconds
   * per call; every entry is visited once per ceil(slots / maxSlots) calls.
   * Returns the number of entries moved to ReadyToBePurged.
   */
  sweepOffline(maxSlots: number, onActive: (slot: number) => void, onIdle?: (slot: number) => void): number {
    let moved = 0;
    this.lockAllForRead();
    try {
      const end = this.highWater;
      if (end === 0) return 0;
      let slot = this.sweepCursor < end ? this.sweepCursor : 0;
      for (let n = Math.min(maxSlots, end); n > 0; n--) {
        const idx = this.u32At(slot) + SlotU32.State;
        const state = Atomics.load(this.u32, idx);
        if (state === EntryState.Active) onActive(slot);
        else if (state === EntryState.Idle) {
          if (onIdle) onIdle(slot);
          Atomics.compareExchange(this.u32, idx, EntryState.Idle, EntryState.ReadyToBePurged);
          moved++;
        }
        if (++slot === end) slot = 0;
      }
      this.sweepCursor = slot;
    } finally {
      this.unlockAllForRead();
    }
    return moved;
  }

  /**
   * Offline periodic pass (seeds/003 `updateStats`): every Idle entry has now
   * been seen by an offline thread, so it becomes ReadyToBePurged; `onSeen`
   * runs first (flow-end checks, history). Call between lockAllForRead and
   * unlockAllForRead, or let this method lock. Returns entries moved.
   */
  markIdleReadyToBePurged(onSeen?: (slot: number) => void): number {
    let moved = 0;
    this.lockAllForRead();
    try {
      const end = this.highWater;
      for (let slot = 0; slot < end; slot++) {
        const idx = this.u32At(slot) + SlotU32.State;
        if (Atomics.load(this.u32, idx) !== EntryState.Idle) continue;
        if (onSeen) onSeen(slot);
        Atomics.compareExchange(this.u32, idx, EntryState.Idle, EntryState.ReadyToBePurged);
        moved++;
      }
    } finally {
      this.unlockAllForRead();
    }
    return moved;
  }
}
