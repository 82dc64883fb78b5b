import * as fs from 'node:fs';
import { adviseHugePages, HUGE_PAGES_MIN_BYTES } from './huge-pages';

/** AnonHugePages of this process, KiB. */
function anonHugeKiB(): number {
  const m = /AnonHugePages:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/smaps_rollup', 'utf8'));
  return m ? Number(m[1]) : 0;
}

/** The kernel's THP mode: 'always', 'madvise', 'never', or '' when THP is absent. */
function thpMode(): string {
  try {
    return /\[(\w+)\]/.exec(fs.readFileSync('/sys/kernel/mm/transparent_hugepage/enabled', 'utf8'))?.[1] ?? '';
  } catch {
    return '';
  }
}

describe('huge pages under large shard buffers', () => {
  it('leaves small buffers alone', () => {
    expect(adviseHugePages(new SharedArrayBuffer(HUGE_PAGES_MIN_BYTES - 4096))).toBe(false);
  });

  it('a large buffer written after the advice is backed by 2 MiB pages where the kernel has THP', () => {
    // Well above glibc's largest mmap threshold (32 MiB): a fresh mapping, not reused heap already on small pages.
    const bytes = Math.max(HUGE_PAGES_MIN_BYTES, 64 * 2 ** 20) + 4 * 2 ** 20;
    const sab = new SharedArrayBuffer(bytes);
    const before = anonHugeKiB();
    const advised = adviseHugePages(sab);
    const u8 = new Uint8Array(sab);
    for (let i = 0; i < u8.length; i += 4096) u8[i] = 1;
    const grownMiB = (anonHugeKiB() - before) / 1024;
    const mode = thpMode();
    if (mode === 'madvise' || mode === 'always') {
      expect(advised).toBe(true);
      // Most of it: the kernel may fall back to small pages where it finds no free 2 MiB block.
      expect(grownMiB).toBeGreaterThan(bytes / 2 ** 20 / 2);
    } else {
      expect(grownMiB).toBe(0);
    }
  });

  it('FLOWPROBE_HUGE_PAGES=0 turns the advice off', () => {
    process.env.FLOWPROBE_HUGE_PAGES = '0';
    try {
      expect(adviseHugePages(new SharedArrayBuffer(HUGE_PAGES_MIN_BYTES))).toBe(false);
    } finally {
      delete process.env.FLOWPROBE_HUGE_PAGES;
    }
  });
});
