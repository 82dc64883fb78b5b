/**
 * The k best (shard, slot) pairs by a numeric key, over typed arrays: a scan
 * of a million entries allocates nothing but the buffer. Ranking is by key,
 * then by shard, then by slot, whatever order the entries are offered in.
 *
 * Offers are appended to a buffer of about 2k entries; when it fills, a selection
 * (quickselect, linear on average) keeps the best k and their worst key
 * becomes the bar a later offer must beat. Each offer costs O(1) amortized
 * whatever the input order: a heap costs O(log k) for every offer that enters,
 * which is every slot when the scan order follows the key (newest first over
 * slots allocated in time order).
 */
export class TopK {
  private readonly cap: number;
  private readonly keys: Float64Array;
  private readonly shards: Int32Array;
  private readonly slots: Int32Array;
  /** Tie rank: shard * 2^30 + slot (exact in a double: shards < 64, slots < 2^30). */
  private readonly seq: Float64Array;
  private size = 0;
  /** Set once the buffer has been cut to k: an offer's key must be at least as good as `bar`. */
  private barred = false;
  private bar = 0;

  /**
   * `desc`: keep the largest keys; otherwise the smallest. `inRankOrder`: the
   * caller offers entries in increasing (shard, slot), so an entry that only
   * ties the bar ranks below every kept one and is refused at once.
   */
  constructor(
    readonly k: number,
    private readonly desc: boolean,
    private readonly inRankOrder = false,
  ) {
    // k extra slots (at most 64 Ki, at least 16) between cuts: a cut costs O(k), so ≤ O(1) per offer for pages up to 64 Ki.
    this.cap = k + Math.max(16, Math.min(k, 65536));
    this.keys = new Float64Array(this.cap);
    this.shards = new Int32Array(this.cap);
    this.slots = new Int32Array(this.cap);
    this.seq = new Float64Array(this.cap);
  }

  /** offer(key, ...) would keep the entry for now (so a caller can skip reading what it needs to offer it). */
  wouldKeep(key: number): boolean {
    if (this.k === 0) return false;
    if (!this.barred) return true;
    if (this.inRankOrder) return this.desc ? key > this.bar : key < this.bar;
    // A tie with the bar may still rank above a kept entry (by shard and slot): the next cut decides.
    return this.desc ? key >= this.bar : key <= this.bar;
  }

  offer(key: number, shard: number, slot: number): void {
    if (!this.wouldKeep(key)) return;
    const i = this.size++;
    this.keys[i] = key;
    this.shards[i] = shard;
    this.slots[i] = slot;
    this.seq[i] = shard * 0x40000000 + slot;
    if (this.size === this.cap) this.cut();
  }

  /** Kept entries, best first, as [shard, slot, key]. */
  sorted(): [number, number, number][] {
    if (this.size > this.k) this.cut();
    const idx = Array.from({ length: this.size }, (_, i) => i);
    idx.sort((a, b) => (this.better(a, b) ? -1 : this.better(b, a) ? 1 : 0));
    return idx.map((i) => [this.shards[i], this.slots[i], this.keys[i]]);
  }

  /** Entry i ranks above entry j. */
  private better(i: number, j: number): boolean {
    const a = this.keys[i];
    const b = this.keys[j];
    if (a !== b) return this.desc ? a > b : a < b;
    return this.seq[i] < this.seq[j];
  }

  /** Keeps the best k entries in [0, k) and sets the bar to the worst of them. */
  private cut(): void {
    const k = this.k;
    let lo = 0;
    let hi = this.size - 1;
    // Quickselect: afterwards every entry in [0, k) ranks above every entry in [k, size).
    while (lo < hi) {
      this.swap((lo + hi) >>> 1, hi); // middle as pivot, parked at hi
      let store = lo;
      for (let i = lo; i < hi; i++) {
        if (this.better(i, hi)) this.swap(i, store++);
      }
      this.swap(store, hi);
      if (store === k - 1 || store === k) break;
      if (store < k) lo = store + 1;
      else hi = store - 1;
    }
    this.size = k;
    let worst = 0;
    for (let i = 1; i < k; i++) if (this.better(worst, i)) worst = i;
    this.bar = this.keys[worst];
    this.barred = true;
  }

  private swap(i: number, j: number): void {
    if (i === j) return;
    const k = this.keys[i], sh = this.shards[i], sl = this.slots[i], sq = this.seq[i];
    this.keys[i] = this.keys[j]; this.shards[i] = this.shards[j]; this.slots[i] = this.slots[j]; this.seq[i] = this.seq[j];
    this.keys[j] = k; this.shards[j] = sh; this.slots[j] = sl; this.seq[j] = sq;
  }
}
