import { HASH_HEADER_BYTES, HashHeaderF64, HashHeaderI32, hashTableGeometry, LOCK_STRIPES, SlotU32 } from './hash-table.layout';

/** Pins the shared-memory header every table shard starts with. Change together with hash-table.layout.ts. */
describe('hash-table layout', () => {
  it('pins the header words', () => {
    expect(LOCK_STRIPES).toBe(64);
    expect([
      HashHeaderI32.Locks,
      HashHeaderI32.Capacity,
      HashHeaderI32.BucketCount,
      HashHeaderI32.InUse,
      HashHeaderI32.FreeHead,
      HashHeaderI32.NeverUsed,
      HashHeaderI32.TableFull,
      HashHeaderI32.PurgeCursor,
      HashHeaderI32.Active,
      HashHeaderI32.Words,
    ]).toEqual([0, 64, 65, 66, 67, 68, 69, 70, 71, 80]);
    expect([HashHeaderF64.Created, HashHeaderF64.Deleted, HashHeaderF64.UnaccountedPackets, HashHeaderF64.UnaccountedBytes, HashHeaderF64.Count]).toEqual([0, 1, 2, 3, 8]);
    expect(HASH_HEADER_BYTES).toBe(384);
    expect([SlotU32.State, SlotU32.Next, SlotU32.Hash]).toEqual([0, 1, 2]);
  });

  it('pins the geometry: 30 % bucket slack rounded to a power of two, 64-byte aligned slots', () => {
    expect(hashTableGeometry(1000, 320, 512)).toEqual({
      capacity: 1000,
      bucketCount: 2048,
      slotBytes: 320,
      bucketsOffset: 384,
      slotsOffset: 8576, // 384 + 2048 * 4 = 8576, already 64-aligned
      extraOffset: 8576 + 320_000,
      totalBytes: 8576 + 320_000 + 512_000,
    });
    expect(hashTableGeometry(1, 8).bucketCount).toBe(2);
    expect(hashTableGeometry(100, 8).slotsOffset % 64).toBe(0);
  });

  it('rejects bad sizes with a clear error', () => {
    expect(() => hashTableGeometry(0, 8)).toThrow(/capacity/);
    expect(() => hashTableGeometry(1.5, 8)).toThrow(/capacity/);
    expect(() => hashTableGeometry(10, 12)).toThrow(/multiple of 8/);
  });
});
