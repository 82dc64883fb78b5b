import { EntryState } from '../shard/entry-state';
import { HostTable } from './host-table';
import { HostU32 } from './host-table.layout';

/**
 * Number of distinct hosts over shards (a host talking through several workers
 * has an entry in each). Works on the numbers in shared memory, no record or
 * string per host: gather (hash, shard, slot) of every active entry, sort by
 * hash, and compare keys only within runs of equal hashes. Offline; takes the
 * read locks of one shard at a time, and reads each shard's high-water mark
 * under them (the worker may have added entries since the previous shard).
 */
export function countDistinctHosts(shards: readonly { hosts: HostTable }[]): number {
  let hint = 0;
  for (const s of shards) hint += s.hosts.table.highWater;
  let hashes = new Int32Array(hint);
  let refs = new Float64Array(hint); // shard * 2^32 + slot
  let n = 0;
  shards.forEach((s, shard) => {
    const t = s.hosts.table;
    t.lockAllForRead();
    try {
      const end = t.highWater;
      if (n + end > hashes.length) {
        const size = Math.max(n + end, hashes.length * 2);
        const h = new Int32Array(size);
        h.set(hashes.subarray(0, n));
        const r = new Float64Array(size);
        r.set(refs.subarray(0, n));
        hashes = h;
        refs = r;
      }
      for (let slot = 0; slot < end; slot++) {
        const b = t.u32At(slot);
        if (Atomics.load(t.u32, b + HostU32.State) !== EntryState.Active) continue;
        hashes[n] = t.i32[b + HostU32.Hash];
        refs[n] = shard * 4294967296 + slot;
        n++;
      }
    } finally {
      t.unlockAllForRead();
    }
  });
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => hashes[a] - hashes[b]);
  let distinct = 0;
  for (let i = 0; i < n; ) {
    let j = i + 1;
    while (j < n && hashes[order[j]] === hashes[order[i]]) j++;
    if (j - i === 1) distinct++;
    else distinct += distinctKeys(shards, refs, order, i, j);
    i = j;
  }
  return distinct;
}

/** Distinct (address, VLAN) keys among entries order[i..j) that share a hash. */
function distinctKeys(shards: readonly { hosts: HostTable }[], refs: Float64Array, order: Uint32Array, i: number, j: number): number {
  const seen: string[] = [];
  for (let k = i; k < j; k++) {
    const ref = refs[order[k]];
    const h = shards[Math.floor(ref / 4294967296)].hosts;
    const b = h.table.u32At(ref % 4294967296);
    const key = `${h.u32[b + HostU32.KeyMeta]}:${h.u32[b + HostU32.Addr0]}:${h.u32[b + HostU32.Addr1]}:${h.u32[b + HostU32.Addr2]}:${h.u32[b + HostU32.Addr3]}`;
    if (!seen.includes(key)) seen.push(key);
  }
  return seen.length;
}
