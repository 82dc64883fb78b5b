/**
 * koffi declarations of the libc calls the shard buffers use (huge-pages.ts).
 * Loaded lazily, on the first large table: koffi costs ~20 ms to load.
 */
export interface Libc {
  /** madvise(2) over `len` bytes from the start of `addr` (a view: its byteOffset counts). */
  madvise(addr: Uint8Array, len: number, advice: number): number;
  /** Address of the first byte of a view's memory. */
  addressOf(view: Uint8Array): bigint;
}

let libc: Libc | null | undefined;

/** The bindings, or null where they cannot be loaded (not Linux, no koffi). */
export function loadLibc(): Libc | null {
  if (libc !== undefined) return libc;
  libc = null;
  if (process.platform !== 'linux') return null;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const koffi = require('koffi') as typeof import('koffi');
    const madvise = koffi.load('libc.so.6').func('int madvise(void *addr, size_t len, int advice)') as Libc['madvise'];
    libc = { madvise, addressOf: (view) => koffi.address(view) as bigint };
  } catch {
    libc = null;
  }
  return libc;
}
