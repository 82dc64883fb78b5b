/**
 * Granularity of the preallocated views, bytes (a power of two): a copy is whole blocks via
 * `set()` plus at most two partial blocks by a byte loop.
 */
const BLOCK_SHIFT = 8;
const BLOCK_BYTES = 1 << BLOCK_SHIFT;
/** A block whose view is not made yet. */
const NOT_MADE = new Uint8Array(0);

/**
 * Allocation-free bulk copy out of one fixed buffer. `target.set(source.subarray(a, b))` would
 * allocate a view per copy (and Node 20's `Buffer.copy` does the same), so capture workers would
 * collect garbage; instead the view of each 256-byte block of `source` is made once, at its
 * first copy (not all up front: a short capture file uses a few blocks of its chunk buffer).
 */
export class BlockCopier {
  /** `blocks[k]` views `source[k * 256, (k + 1) * 256)` once made; `NOT_MADE` before. */
  private readonly blocks: Uint8Array[];

  constructor(readonly source: Uint8Array) {
    this.blocks = new Array<Uint8Array>(source.length >>> BLOCK_SHIFT).fill(NOT_MADE);
  }

  /** Copies `source[from, to)` to `target` at `at`; returns `at + (to - from)`. */
  copy(from: number, to: number, target: Uint8Array, at: number): number {
    const src = this.source;
    let a = from;
    let t = at;
    const headEnd = Math.min(to, ((a + BLOCK_BYTES - 1) >>> BLOCK_SHIFT) << BLOCK_SHIFT);
    while (a < headEnd) target[t++] = src[a++];
    while (a + BLOCK_BYTES <= to) {
      let block = this.blocks[a >>> BLOCK_SHIFT];
      if (block === NOT_MADE) block = this.blocks[a >>> BLOCK_SHIFT] = src.subarray(a, a + BLOCK_BYTES);
      target.set(block, t);
      t += BLOCK_BYTES;
      a += BLOCK_BYTES;
    }
    while (a < to) target[t++] = src[a++];
    return t;
  }
}
