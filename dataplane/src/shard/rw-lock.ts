/**
 * Read-write locks on Int32 words of a SharedArrayBuffer (seeds/003 locking).
 *
 * Word value: n >= 0 readers hold it, WRITER (-1) a writer holds it.
 * - Offline threads (control plane) take read locks while they walk entries.
 * - The inline (capture) thread never blocks: it only try-write-locks to delete
 *   entries, and retries on its next purge cycle when readers are present
 *   (ntopng: `if(!locks[i]->trywrlock(...)) continue; // Busy, will retry next round`).
 * - Inline additions take no lock: a slot is written fully before it is
 *   published into its bucket chain with an atomic store.
 */
export const WRITER = -1;

/** Tries to take the write lock; true when taken. Never waits. */
export function tryWriteLock(words: Int32Array, index: number): boolean {
  return Atomics.compareExchange(words, index, 0, WRITER) === 0;
}

export function writeUnlock(words: Int32Array, index: number): void {
  Atomics.store(words, index, 0);
  Atomics.notify(words, index);
}

/**
 * Takes a read lock, waiting while a writer holds it. Writers hold it only for
 * the few unlinks of one purge step, so the wait is short; it is bounded by
 * `Atomics.wait` timeouts rather than a hot spin.
 */
export function readLock(words: Int32Array, index: number): void {
  for (let spins = 0; ; spins++) {
    const v = Atomics.load(words, index);
    if (v >= 0) {
      if (Atomics.compareExchange(words, index, v, v + 1) === v) return;
    } else if (spins > 64) {
      Atomics.wait(words, index, v, 1);
    }
  }
}

export function readUnlock(words: Int32Array, index: number): void {
  Atomics.sub(words, index, 1);
}

/** Readers currently holding the lock (WRITER when a writer holds it). */
export function lockHolders(words: Int32Array, index: number): number {
  return Atomics.load(words, index);
}
