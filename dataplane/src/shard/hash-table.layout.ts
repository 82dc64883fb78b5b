/**
 * Layout shared by every hash-table shard (flows, hosts): a header with the
 * lock words and counters, the bucket heads, then fixed-stride slots.
 *
 *   [header: HASH_HEADER_BYTES][buckets: Int32 x bucketCount, 64-byte aligned][slots: slotBytes each][extra: extraBytesPerSlot each]
 *
 * Every slot starts with its u32 block and then its f64 block; the first three
 * u32 words of every slot are SlotU32 (state, chain, hash). Strides are a
 * multiple of 64 bytes and slots start 64-byte aligned, so the fields a packet
 * touches sit in known cache lines (the first line: key and chain). Pinned by
 * hash-table.layout.spec.ts.
 */

/** Read-write lock words: bucket b is guarded by lock (b & (LOCK_STRIPES - 1)). */
export const LOCK_STRIPES = 64;

/** Header Int32 word indices (after the lock words). */
export const enum HashHeaderI32 {
  Locks = 0, // LOCK_STRIPES words
  Capacity = LOCK_STRIPES,
  BucketCount,
  InUse, // entries not Free (active + idle + ready_to_be_purged)
  FreeHead, // head of the free-slot list (inline only), -1 when none
  NeverUsed, // slots [NeverUsed, Capacity) have never been used
  TableFull, // 1 once an insertion failed for lack of a slot
  PurgeCursor, // next bucket purgeIdle visits
  Active, // entries Active (inline only: +1 on publish, -1 when purgeIdle marks one Idle)
  Words = LOCK_STRIPES + 16,
}

/** Header f64 indices, stored after the Int32 words. */
export const enum HashHeaderF64 {
  Created = 0, // entries ever inserted
  Deleted, // entries ever deleted
  UnaccountedPackets, // packets whose entry could not get a slot (table full)
  UnaccountedBytes,
  Count = 8,
}

export const HASH_HEADER_BYTES = HashHeaderI32.Words * 4 + HashHeaderF64.Count * 8;

/** The first u32 words of every slot, whatever the table. */
export const enum SlotU32 {
  State = 0, // EntryState, read and written with Atomics
  Next = 1, // next slot in the bucket chain, -1 ends (as Int32)
  Hash = 2,
}

export interface HashTableGeometry {
  capacity: number;
  bucketCount: number;
  slotBytes: number;
  bucketsOffset: number;
  slotsOffset: number;
  /** Start of the per-slot byte regions that follow the slots (names...). */
  extraOffset: number;
  totalBytes: number;
}

/**
 * Sizes a shard for `capacity` entries of `slotBytes` (a multiple of 8). Buckets
 * get 30 % slack over capacity (as ntopng) and are a power of two for masking.
 */
export function hashTableGeometry(capacity: number, slotBytes: number, extraBytesPerSlot = 0): HashTableGeometry {
  if (!Number.isInteger(capacity) || capacity < 1 || capacity > 0x3fffffff) {
    throw new RangeError(`table capacity must be an integer in [1, 2^30), got ${capacity}`);
  }
  if (slotBytes % 8 !== 0) throw new RangeError(`slot size must be a multiple of 8, got ${slotBytes}`);
  let bucketCount = 1;
  while (bucketCount < capacity * 1.3) bucketCount *= 2;
  const bucketsOffset = HASH_HEADER_BYTES;
  const slotsOffset = align(bucketsOffset + bucketCount * 4, 64);
  const extraOffset = slotsOffset + capacity * slotBytes;
  const totalBytes = extraOffset + capacity * extraBytesPerSlot;
  return { capacity, bucketCount, slotBytes, bucketsOffset, slotsOffset, extraOffset, totalBytes };
}

function align(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}
