import { formatBitRate, formatBytes, formatCount, formatDuration, formatRelativeTime } from './format-units';

describe('format-units', () => {
  it('formats bytes in binary multiples with three significant digits', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(1023.9 * 1024)).toBe('1 MiB');
    expect(formatBytes(5 * 1024 ** 3)).toBe('5 GiB');
  });

  it('formats bit rates in decimal multiples', () => {
    expect(formatBitRate(999)).toBe('999 bit/s');
    expect(formatBitRate(1_250_000)).toBe('1.25 Mbit/s');
    expect(formatBitRate(10e9)).toBe('10 Gbit/s');
    expect(formatBitRate(Number.NaN)).toBe('–');
  });

  it('formats counts compactly', () => {
    expect(formatCount(42)).toBe('42');
    expect(formatCount(12_345)).toBe('12.3k');
    expect(formatCount(3_000_000)).toBe('3M');
  });

  it('formats durations with at most two units', () => {
    expect(formatDuration(0.85)).toBe('850 ms');
    expect(formatDuration(12)).toBe('12 s');
    expect(formatDuration(250)).toBe('4 min 10 s');
    expect(formatDuration(3900)).toBe('1 h 5 min');
    expect(formatDuration(3600)).toBe('1 h');
    expect(formatDuration(2 * 86_400 + 3 * 3600 + 7)).toBe('2 d 3 h');
  });

  it('formats relative times against a given now', () => {
    expect(formatRelativeTime(1000, 1000.5)).toBe('just now');
    expect(formatRelativeTime(1000, 1012)).toBe('12 s ago');
    expect(formatRelativeTime(1000, 1000 + 3 * 60 + 5)).toBe('3 min ago');
    // Clock skew (a time ahead of now) is clamped: never "in 5 min" of something seen.
    expect(formatRelativeTime(2000, 1700)).toBe('just now');
    expect(formatRelativeTime(1002.5, 1000)).toBe('just now');
    expect(formatRelativeTime(0, 1000)).toBe('never');
  });
});
