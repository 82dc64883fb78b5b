import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateDemoCapture, DemoTrafficOptions } from './demo-traffic';

/**
 * Version of the demo traffic recipe: part of the default cache file name, so a changed
 * generator never replays a stale capture.
 */
export const DEMO_CAPTURE_VERSION = 2;

/** Where the demo capture is cached by default: `$XDG_CACHE_HOME/flowprobe` or `~/.cache/flowprobe`. */
export function defaultDemoCapturePath(cacheDir: string = process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache')): string {
  return path.join(cacheDir, 'flowprobe', `demo-v${DEMO_CAPTURE_VERSION}-seed1.pcap`);
}

/** True if `file` starts with a classic pcap header (any byte order or resolution) and has at least one record. */
function looksComplete(file: string): boolean {
  try {
    const st = fs.statSync(file);
    if (!st.isFile() || st.size < 24 + 16) return false;
    const fd = fs.openSync(file, 'r');
    const head = Buffer.alloc(4);
    fs.readSync(fd, head, 0, 4, 0);
    fs.closeSync(fd);
    return [0xa1b2c3d4, 0xd4c3b2a1, 0xa1b23c4d, 0x4d3cb2a1].includes(head.readUInt32LE(0));
  } catch {
    return false;
  }
}

/**
 * Returns `file`, generating the demo capture there first if it is missing (about 5 minutes of
 * office traffic, ~170 MB, a few seconds of CPU). Written to a temporary name and renamed, so a
 * crash mid-way never leaves a half file that looks complete.
 */
export function ensureDemoCapture(file: string = defaultDemoCapturePath(), options: DemoTrafficOptions = {}): string {
  if (looksComplete(file)) return file;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    generateDemoCapture(tmp, options);
    fs.renameSync(tmp, file);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  return file;
}
