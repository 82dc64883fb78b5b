import { loadLibc } from './libc.ffi';

/**
 * Transparent huge pages under the large shard buffers. A flow or host
 * lookup at a million entries touches a random 4 KiB page of a buffer of
 * hundreds of MiB: besides the cache miss, each access misses the TLB and
 * waits for a page walk, and the CPU has only a few page walkers, which
 * caps how many misses of a burst can overlap (FlowTable.prefetchBurst).
 * With 2 MiB pages the page tables of a 1 GiB buffer fit in the caches.
 *
 * Linux only gives them to memory that asked (`madvise(MADV_HUGEPAGE)`,
 * /sys/kernel/mm/transparent_hugepage/enabled = madvise, Debian's default)
 * and at fault time, so the advice is given before the buffer is first
 * written. Buffers below HUGE_PAGES_MIN_BYTES are left alone: koffi (loaded
 * for the call, ~20 ms) is not worth it for small tables. A refusal (no THP,
 * not Linux) changes nothing but speed. FLOWPROBE_HUGE_PAGES=0 in the
 * environment leaves every table on 4 KiB pages (the benchmarks' "before").
 */

/**
 * Buffers at least this large get the advice: a flow table of about 40 k flows, a host table of
 * about 100 k hosts. The default flow table (262 144 flows, 212 MiB) is above it: on 4 KiB pages
 * each of its pages costs a fault when first written, and on the 2-vCPU VM two workers filling
 * 212 MiB tables on `large` spent 0.5-0.7 s more CPU each than on 2 MiB pages (per-thread CPU,
 * 2026-12-07 19:42 UTC, load 6-9; it was 256 MiB until then, so only one worker's larger table
 * got them). Smaller buffers may come from glibc's heap (its mmap threshold grows to 32 MiB),
 * already written on small pages; tables sized from a short capture file stay below it.
 */
export const HUGE_PAGES_MIN_BYTES = 32 * 2 ** 20;
const HUGE_PAGE_BYTES = 2 * 2 ** 20;
const MADV_HUGEPAGE = 14;

/**
 * Advises huge pages for the 2 MiB-aligned part of `sab` (call before
 * anything writes it). Returns true when the kernel accepted the advice.
 */
export function adviseHugePages(sab: SharedArrayBuffer, minBytes = HUGE_PAGES_MIN_BYTES): boolean {
  if (sab.byteLength < minBytes || process.env.FLOWPROBE_HUGE_PAGES === '0') return false;
  const c = loadLibc();
  if (c === null) return false;
  try {
    const addr = c.addressOf(new Uint8Array(sab));
    const page = BigInt(HUGE_PAGE_BYTES);
    const skip = Number((page - (addr % page)) % page);
    const len = Math.floor((sab.byteLength - skip) / HUGE_PAGE_BYTES) * HUGE_PAGE_BYTES;
    if (len <= 0) return false;
    return c.madvise(new Uint8Array(sab, skip, len), len, MADV_HUGEPAGE) === 0;
  } catch {
    return false;
  }
}
