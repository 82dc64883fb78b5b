import { TopK } from './top-k';

/** Reference: every entry (shard i % 3, slot i) sorted by key (desc or asc), ties by shard then slot, first k. */
function reference(keys: number[], k: number, desc: boolean): [number, number, number][] {
  return keys
    .map((key, i) => ({ key, shard: i % 3, slot: i }))
    .sort((a, b) => (a.key !== b.key ? (desc ? b.key - a.key : a.key - b.key) : a.shard - b.shard || a.slot - b.slot))
    .slice(0, k)
    .map(({ key, shard, slot }) => [shard, slot, key]);
}

/** Offers the entries in `order` (a permutation of indexes): the result must not depend on it. */
function run(keys: number[], k: number, desc: boolean, order: number[]): [number, number, number][] {
  const top = new TopK(k, desc);
  for (const i of order) if (top.wouldKeep(keys[i])) top.offer(keys[i], i % 3, i);
  return top.sorted();
}

/** Offers the entries in increasing (shard, slot), as a forward scan over shards in index order does. */
function runInRankOrder(keys: number[], k: number, desc: boolean): [number, number, number][] {
  const top = new TopK(k, desc, true);
  for (let shard = 0; shard < 3; shard++) {
    for (let i = shard; i < keys.length; i += 3) if (top.wouldKeep(keys[i])) top.offer(keys[i], shard, i);
  }
  return top.sorted();
}

describe('TopK', () => {
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const inputs: Record<string, number[]> = {
    random: Array.from({ length: 5000 }, () => Math.floor(random() * 1e6)),
    ascending: Array.from({ length: 5000 }, (_, i) => i),
    descending: Array.from({ length: 5000 }, (_, i) => 5000 - i),
    'many ties': Array.from({ length: 5000 }, () => Math.floor(random() * 7)),
    constant: Array.from({ length: 300 }, () => 42),
  };

  for (const [name, keys] of Object.entries(inputs)) {
    for (const k of [0, 1, 3, 50, 1000, 6000]) {
      for (const desc of [true, false]) {
        it(`keeps the ${k} ${desc ? 'largest' : 'smallest'} of ${name} keys, ties by shard then slot, offered forwards or backwards`, () => {
          const forwards = keys.map((_, i) => i);
          expect(run(keys, k, desc, forwards)).toEqual(reference(keys, k, desc));
          expect(run(keys, k, desc, forwards.reverse())).toEqual(reference(keys, k, desc));
        });

        it(`keeps the ${k} ${desc ? 'largest' : 'smallest'} of ${name} keys offered in (shard, slot) order, refusing ties with the bar`, () => {
          expect(runInRankOrder(keys, k, desc)).toEqual(reference(keys, k, desc));
        });
      }
    }
  }

  it('takes every offer until its buffer is cut, then only keys that beat the kept ones', () => {
    const top = new TopK(2, true);
    for (let i = 0; i < 17; i++) {
      expect(top.wouldKeep(-i)).toBe(true); // 2 kept + 16 buffered before the first cut
      top.offer(-i, 0, i);
    }
    top.offer(-17, 0, 17); // fills the buffer: cut to the best 2, bar = -1
    expect(top.wouldKeep(-1.5)).toBe(false);
    expect(top.wouldKeep(-1)).toBe(true); // a tie with the worst kept entry may rank above it (earlier shard or slot)
    expect(top.sorted()).toEqual([[0, 0, -0], [0, 1, -1]]);
  });

  it('offered in (shard, slot) order, refuses a tie with the bar: it ranks below every kept entry', () => {
    const top = new TopK(2, true, true);
    for (let i = 0; i < 18; i++) top.offer(-i, 0, i); // the 18th offer cuts: bar = -1
    expect(top.wouldKeep(-1)).toBe(false);
    expect(top.wouldKeep(-0.5)).toBe(true);
  });
});
