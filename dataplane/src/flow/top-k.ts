/**
 * The k best (shard, slot) pairs by a numeric key, in a binary heap over typed
 * arrays: a scan of a million entries allocates nothing but the heap.
 * Ties keep the entry offered first.
 */
export class TopK {
  private readonly keys: Float64Array;
  private readonly shards: Int32Array;
  private readonly slots: Int32Array;
  private readonly seq: Float64Array;
  private size = 0;
  private counter = 0;

  /** `desc`: keep the largest keys; otherwise the smallest. */
  constructor(
    readonly k: number,
    private readonly desc: boolean,
  ) {
    this.keys = new Float64Array(k);
    this.shards = new Int32Array(k);
    this.slots = new Int32Array(k);
    this.seq = new Float64Array(k);
  }

  offer(key: number, shard: number, slot: number): void {
    if (this.k === 0) return;
    const seq = this.counter++;
    if (this.size < this.k) {
      let i = this.size++;
      this.set(i, key, shard, slot, seq);
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!this.worse(i, parent)) break;
        this.swap(i, parent);
        i = parent;
      }
      return;
    }
    // Root is the worst kept entry: replace it only by a strictly better key.
    if (this.desc ? key <= this.keys[0] : key >= this.keys[0]) return;
    this.set(0, key, shard, slot, seq);
    this.siftDown(0);
  }

  /** Kept entries, best first, as [shard, slot]. */
  sorted(): [number, number][] {
    const idx = Array.from({ length: this.size }, (_, i) => i);
    idx.sort((a, b) => {
      const d = this.desc ? this.keys[b] - this.keys[a] : this.keys[a] - this.keys[b];
      return d !== 0 ? d : this.seq[a] - this.seq[b];
    });
    return idx.map((i) => [this.shards[i], this.slots[i]]);
  }

  /** Entry i ranks below entry j (it would be evicted first). */
  private worse(i: number, j: number): boolean {
    const a = this.keys[i];
    const b = this.keys[j];
    if (a !== b) return this.desc ? a < b : a > b;
    return this.seq[i] > this.seq[j];
  }

  private siftDown(i: number): void {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < this.size && this.worse(l, m)) m = l;
      if (r < this.size && this.worse(r, m)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }

  private set(i: number, key: number, shard: number, slot: number, seq: number): void {
    this.keys[i] = key;
    this.shards[i] = shard;
    this.slots[i] = slot;
    this.seq[i] = seq;
  }

  private swap(i: number, j: number): void {
    const k = this.keys[i], sh = this.shards[i], sl = this.slots[i], sq = this.seq[i];
    this.keys[i] = this.keys[j]; this.shards[i] = this.shards[j]; this.slots[i] = this.slots[j]; this.seq[i] = this.seq[j];
    this.keys[j] = k; this.shards[j] = sh; this.slots[j] = sl; this.seq[j] = sq;
  }
}
