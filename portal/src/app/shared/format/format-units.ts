/**
 * Human formatting of traffic figures, shared by the pipes and by chart axes.
 * Bytes use binary multiples (KiB, MiB: what disks and `ls -h` show); rates use
 * decimal bits per second (kbit/s, Mbit/s: what links are sold and measured in).
 */

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
const BIT_RATE_UNITS = ['bit/s', 'kbit/s', 'Mbit/s', 'Gbit/s', 'Tbit/s'];
const COUNT_UNITS = ['', 'k', 'M', 'G', 'T'];

/** Three significant digits at most: 1.23, 12.3, 123. */
function significant(value: number): string {
  if (value >= 100) return value.toFixed(0);
  if (value >= 10) return value.toFixed(1).replace(/\.0$/, '');
  return value.toFixed(2).replace(/\.?0+$/, '');
}

function scaled(value: number, base: number, units: string[], separator = ' '): string {
  if (!Number.isFinite(value)) return '–';
  const sign = value < 0 ? '-' : '';
  let abs = Math.abs(value);
  let unit = 0;
  while (abs >= base && unit < units.length - 1) {
    abs /= base;
    unit++;
  }
  // 1023.7 KiB would print as "1024 KiB": carry into the next unit instead.
  if (Number(significant(abs)) >= base && unit < units.length - 1) {
    abs /= base;
    unit++;
  }
  const suffix = units[unit];
  return suffix ? `${sign}${significant(abs)}${separator}${suffix}` : `${sign}${significant(abs)}`;
}

/** 1536 → "1.5 KiB". */
export function formatBytes(bytes: number): string {
  return scaled(bytes, 1024, BYTE_UNITS);
}

/** 1_250_000 → "1.25 Mbit/s". */
export function formatBitRate(bitsPerSecond: number): string {
  return scaled(bitsPerSecond, 1000, BIT_RATE_UNITS);
}

/** 12_345 → "12.3k"; for packets, flows and other counts. */
export function formatCount(count: number): string {
  if (Math.abs(count) < 1000) return Number.isInteger(count) ? String(count) : significant(count);
  return scaled(count, 1000, COUNT_UNITS, '');
}

/** Seconds → "2 d 3 h", "1 h 5 min", "4 min 10 s", "12 s", "850 ms". Two units at most. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '–';
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 60) return `${significant(seconds)} s`;
  const parts: [number, string][] = [
    [Math.floor(seconds / 86_400), 'd'],
    [Math.floor((seconds % 86_400) / 3600), 'h'],
    [Math.floor((seconds % 3600) / 60), 'min'],
    [Math.floor(seconds % 60), 's'],
  ];
  const first = parts.findIndex(([value]) => value > 0);
  return parts
    .slice(first, first + 2)
    .filter(([value]) => value > 0)
    .map(([value, unit]) => `${value} ${unit}`)
    .join(' ');
}

/**
 * UNIX seconds relative to `nowS`: "just now", "12 s ago", "3 min ago", "2 h ago", "4 d ago".
 * A time after `nowS` (the probe's clock ahead of the browser's, or packet time of a replayed
 * capture) is clamped to "just now": the portal never says "in 2 s" of something already seen.
 */
export function formatRelativeTime(unixS: number, nowS: number): string {
  if (!unixS) return 'never';
  const delta = nowS - unixS;
  if (delta < 2) return 'just now';
  // Whole units only: "13 s ago", not "13.5 s ago".
  const text = formatDuration(Math.floor(delta)).split(' ').slice(0, 2).join(' ');
  return `${text} ago`;
}

/** UNIX seconds → local "2026-11-22 14:05:09". */
export function formatDateTime(unixS: number): string {
  if (!unixS) return '–';
  const d = new Date(unixS * 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Ms since epoch → local "14:05:09" (chart time axes). */
export function formatClock(tsMs: number): string {
  const d = new Date(tsMs);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}
