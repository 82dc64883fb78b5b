import { HashTable } from './hash-table';
import { hashTableGeometry, HashHeaderI32, LOCK_STRIPES } from './hash-table.layout';
import { EntryState } from './entry-state';
import { lockHolders, readLock, readUnlock, tryWriteLock, WRITER } from './rw-lock';

/** What a shard's table looks like after its inline owner died, and how it is recovered (docs/reliability.md, *Worker crash*). */
function table(capacity = 64): HashTable {
  const g = hashTableGeometry(capacity, 16);
  const sab = new SharedArrayBuffer(g.totalBytes);
  HashTable.format(sab, g);
  return new HashTable(sab, g, 4);
}

describe('hash table after its owner died', () => {
  it('frees the stripes a dead writer held, so readers go on', () => {
    const t = table();
    // The owner died between tryWriteLock and writeUnlock (an exception in a purge step).
    expect(tryWriteLock(t.header, 5)).toBe(true);
    expect(tryWriteLock(t.header, 63)).toBe(true);
    readLock(t.header, 7); // a reader holding another stripe keeps it
    expect(t.releaseDeadWriter()).toBe(2);
    expect(lockHolders(t.header, 5)).toBe(0);
    expect(lockHolders(t.header, 7)).toBe(1);
    readUnlock(t.header, 7);
    // A full scan takes every stripe: it would wait forever on a WRITER word.
    t.lockAllForRead();
    for (let i = 0; i < LOCK_STRIPES; i++) expect(lockHolders(t.header, i)).toBe(1);
    t.unlockAllForRead();
    expect(t.releaseDeadWriter()).toBe(0);
  });

  it('reclaims slots the dead owner left half-made and recounts the table', () => {
    const t = table();
    const kept: number[] = [];
    for (let k = 0; k < 10; k++) {
      const slot = t.allocSlot();
      t.publish(slot, k * 7919);
      kept.push(slot);
    }
    // Died mid-insert: a slot taken and filled (state Active) but never linked into its bucket.
    const orphan = t.allocSlot();
    Atomics.store(t.u32, t.u32At(orphan), EntryState.Active);
    // Died mid-delete: an entry unlinked from its chain, not yet freed.
    const victim = kept.pop()!;
    Atomics.store(t.buckets, (9 * 7919) & (t.bucketCount - 1), t.nextOf(victim));
    Atomics.store(t.u32, t.u32At(victim), EntryState.ReadyToBePurged);
    // ...and holding the stripe.
    expect(tryWriteLock(t.header, 0)).toBe(true);
    t.releaseDeadWriter();

    expect(t.repairAfterOwnerDeath()).toBe(2);
    expect(t.inUse).toBe(9);
    expect(t.active).toBe(9);
    expect(t.stateOf(orphan)).toBe(EntryState.Free);
    expect(t.stateOf(victim)).toBe(EntryState.Free);
    for (const slot of kept) expect(t.stateOf(slot)).toBe(EntryState.Active);
    // The reclaimed slots are handed out again before never-used ones.
    const again = [t.allocSlot(), t.allocSlot()].sort((a, b) => a - b);
    expect(again).toEqual([orphan, victim].sort((a, b) => a - b));
    expect(t.header[HashHeaderI32.NeverUsed]).toBe(11);
    for (let i = 0; i < LOCK_STRIPES; i++) expect(lockHolders(t.header, i)).not.toBe(WRITER);
  });
});
