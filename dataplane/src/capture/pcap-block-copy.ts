/**
 * Granularity of the preallocated views, bytes (a power of two): a copy is whole blocks via
 * `set()` plus at most two partial blocks by a byte loop.
 */
const BLOCK_SHIFT = 8;
const BLOCK_BYTES = 1 << BLOCK_SHIFT;

/**
 * Allocation-free bulk copy out of one fixed buffer. `target.set(source.subarray(a, b))` would
 * allocate a view per copy (and Node 20's `Buffer.copy` does the same), so capture workers would
 * collect garbage; instead the views of every 256-byte block of `source` are made once.
 */
export class BlockCopier {
  /** `blocks[k]` views `source[k * 256, (k + 1) * 256)`. */
  private readonly blocks: Uint8Array[] = [];

  constructor(readonly source: Uint8Array) {
    for (let o = 0; o + BLOCK_BYTES <= source.length; o += BLOCK_BYTES) this.blocks.push(source.subarray(o, o + BLOCK_BYTES));
  }

  /** Copies `source[from, to)` to `target` at `at`; returns `at + (to - from)`. */
  copy(from: number, to: number, target: Uint8Array, at: number): number {
    const src = this.source;
    let a = from;
    let t = at;
    const headEnd = Math.min(to, ((a + BLOCK_BYTES - 1) >>> BLOCK_SHIFT) << BLOCK_SHIFT);
    while (a < headEnd) target[t++] = src[a++];
    while (a + BLOCK_BYTES <= to) {
      target.set(this.blocks[a >>> BLOCK_SHIFT], t);
      t += BLOCK_BYTES;
      a += BLOCK_BYTES;
    }
    while (a < to) target[t++] = src[a++];
    return t;
  }
}
